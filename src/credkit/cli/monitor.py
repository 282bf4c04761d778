"""``credkit monitor``: run the monitor over a credkit store and show today's alerts.

- ``credkit monitor --url URL --as-of DATE``: run every detector as of ``DATE``
  (:meth:`credkit.desk.CreditDesk.monitor`), store the new alerts (each once: running
  the same day again adds nothing), run their follow-on actions, and print every alert
  found that day, most severe first, with its key, whether it is new and whether it
  is still open, with the customer's name and what each reason code means.
  ``--format json`` prints the run as a JSON document, ``--format csv`` one row per alert. ``--config FILE``
  reads a monitoring configuration (TOML or JSON; default: the one credkit ships,
  ``credkit/data/monitoring.toml``).
- ``credkit monitor ack KEY --user USER [--note TEXT]``: acknowledge an alert, logged
  in the customer's audit log. The user needs the ``acknowledge`` right of
  ``--roles FILE`` (a role table); without it the user acts as a credit clerk, the
  role that may acknowledge (whoever runs the command can reach the database anyway).

Both take ``--url`` and ``--prefix`` as ``credkit db`` does and need a database at
this credkit's schema. Exit status: 0 when nothing was found, 1 when there are alerts
(or customers that could not be looked at), 2 for bad input.
"""

from __future__ import annotations

import argparse
import datetime
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from credkit.cli._common import Subcommands, grid, iso_date, keep_parent_options
from credkit.cli._output import FINDINGS, OK, add_format_argument, emit
from credkit.cli._store import add_store_arguments, closing, portfolio_store, ready_store
from credkit.cli.check import DEFAULT_POLICY
from credkit.config import load
from credkit.desk import CreditDesk, MonitorConfig, MonitorRun, RoleTable
from credkit.desk.monitor import REASONS
from credkit.errors import SubjectNotFound, ValidationError
from credkit.policy import load_policy
from credkit.storage import Alert

if TYPE_CHECKING:
    from credkit.bureau import BureauReport
    from credkit.sample import SamplePortfolio
    from credkit.storage.sql import SQLStore

__all__ = ["add_parser", "alerts_table", "demo_section", "run"]

_COMMAND: Final = "credkit monitor"
_HEADER: Final = (
    "Severity",
    "Customer",
    "Name",
    "Reason",
    "Found",
    "New",
    "Open",
    "Message",
    "Key",
)


def add_parser(commands: Subcommands) -> None:
    """Register ``credkit monitor`` (and ``credkit monitor ack``) on ``commands``.

    >>> parser = argparse.ArgumentParser(prog="credkit")
    >>> add_parser(parser.add_subparsers())
    >>> args = parser.parse_args(["monitor", "--as-of", "2026-11-30", "--format", "json"])
    >>> args.as_of, args.format, args.action
    (datetime.date(2026, 11, 30), 'json', None)
    >>> parser.parse_args(["monitor", "ack", "OVER_LIMIT:C1:2026-11", "--user", "ana"]).action
    'ack'
    """
    parser = commands.add_parser(
        "monitor",
        help="run the monitor over a credkit store; show the alerts",
        description="Run the monitor's detectors over a credkit store as of a date, store "
        "new alerts once, run their follow-on actions and print the alerts found (exit 1 "
        "when there are any). `credkit monitor ack KEY --user USER` acknowledges one.",
    )
    add_store_arguments(parser)
    parser.add_argument(
        "--as-of", type=iso_date, metavar="DATE", help="the day to look at (YYYY-MM-DD)"
    )
    add_format_argument(
        parser, help="output format: table (default), json, or csv (one row per alert)"
    )
    parser.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="monitoring configuration, TOML or JSON (default: credkit's own)",
    )
    actions = parser.add_subparsers(title="actions", metavar="ACTION", dest="action")
    ack = actions.add_parser(
        "ack",
        help="acknowledge an alert",
        description="Acknowledge the alert under KEY as USER (logged in the audit log).",
    )
    add_store_arguments(ack)
    ack.add_argument("key", metavar="KEY", help="the alert's key, as `credkit monitor` shows it")
    ack.add_argument("--user", required=True, metavar="USER", help="who acknowledges it")
    ack.add_argument("--note", metavar="TEXT", help="what was done about it")
    add_format_argument(ack)
    ack.add_argument(
        "--roles",
        type=Path,
        metavar="FILE",
        help="role table (TOML or JSON) the user is checked against (default: the user "
        "acts as credit_clerk)",
    )
    keep_parent_options(ack, parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the monitor, or acknowledge an alert; return the exit status."""
    if args.action == "ack":
        return _ack(args)
    if args.as_of is None:
        raise ValidationError("--as-of: the day to look at is required (YYYY-MM-DD)")
    config = None if args.config is None else load(MonitorConfig, args.config)
    store = ready_store(args.url, args.prefix, command=_COMMAND)
    with closing(store):
        desk = _desk(store, RoleTable())
        monitored = desk.monitor(args.as_of, config=config)
        with store.unit() as unit:
            stored = {a.key: a for a in unit.alerts(since=args.as_of)}
            names = _names(unit, {a.customer_id for a in monitored.found})
        alerts = [stored.get(a.key, a) for a in monitored.found]
        print(
            emit(
                args.format,
                table=lambda: alerts_table(monitored, alerts, where=store.where, names=names),
                document=lambda: _document(monitored, alerts, store.where, names),
                rows=lambda: _csv_rows(monitored, alerts, names),
                raw=args.raw_csv,
            )
        )
    return FINDINGS if monitored.found or monitored.problems else OK


def _names(unit: Any, customer_ids: set[str]) -> dict[str, str]:
    """Customer id -> name, for the ids the store knows."""
    names: dict[str, str] = {}
    for customer_id in sorted(customer_ids):
        try:
            names[customer_id] = unit.customer(customer_id).name
        except ValidationError:
            continue
    return names


def _desk(store: SQLStore, roles: RoleTable) -> CreditDesk:
    # the policy is unused: the monitor reads limits and documents, not orders
    return CreditDesk(store, load_policy(DEFAULT_POLICY, format="toml"), authorizer=roles)


def _ack(args: argparse.Namespace) -> int:
    roles = (
        RoleTable(users={args.user: ["credit_clerk"]})
        if args.roles is None
        else load(RoleTable, args.roles)
    )
    store = ready_store(args.url, args.prefix, command=_COMMAND)
    with closing(store):
        alert = _desk(store, roles).acknowledge(args.key, user=args.user, note=args.note)
    text = (
        f"{alert.key}: acknowledged by {alert.acknowledged_by} at "
        f"{alert.acknowledged_at:%Y-%m-%d %H:%M:%S} UTC"
        + (f" ({alert.note})" if alert.note else "")
    )
    print(
        emit(
            args.format,
            table=lambda: text,
            document=lambda: {"acknowledged": _alert_json(alert, {}, set())},
            rows=lambda: (
                ["key", "acknowledged_by", "acknowledged_at", "note"],
                [[alert.key, alert.acknowledged_by, alert.acknowledged_at, alert.note]],
            ),
            raw=args.raw_csv,
        )
    )
    return OK


def _order(alert: Alert) -> tuple[int, str, str, str]:
    return (-alert.severity.rank, alert.customer_id, alert.reason, alert.key)


def alerts_table(
    run: MonitorRun, alerts: list[Alert], *, where: str, names: Mapping[str, str] | None = None
) -> str:
    """The alerts of ``run`` as a table, most severe first, then its follow-ons and problems.

    ``alerts`` are the run's alerts as stored (the first finding of each, with its
    acknowledgement).

    >>> from datetime import date
    >>> run = MonitorRun(as_of=date(2026, 11, 30), config_id="monitoring", config_version="1",
    ...                  customers=3)
    >>> print(alerts_table(run, [], where="sqlite:///credkit.db"))
    Monitoring sqlite:///credkit.db as of 2026-11-30 (monitoring version 1): 3 customers, no alerts
    """
    known = names or {}
    new = {a.key for a in run.new}
    count = len(alerts)
    found = f"{count} alert{'' if count == 1 else 's'} ({len(new)} new)" if alerts else "no alerts"
    lines = [
        f"Monitoring {where} as of {run.as_of.isoformat()} ({run.config_id} version "
        f"{run.config_version}): {run.customers} customers, {found}"
    ]
    if alerts:
        rows = [
            [
                a.severity.value,
                a.customer_id,
                known.get(a.customer_id, ""),
                a.reason,
                a.on.isoformat(),
                "yes" if a.key in new else "",
                "yes" if a.is_open else f"ack {a.acknowledged_by}",
                a.message,
                a.key,
            ]
            for a in sorted(alerts, key=_order)
        ]
        lines += grid(_HEADER, rows, left=set(_HEADER))
        codes = sorted({a.reason for a in alerts})
        lines.append("reasons:")
        lines += [f"  {code}: {REASONS.get(code, '')}" for code in codes]
    if run.actions:
        lines.append("follow-on actions:")
        lines += [f"  {r.describe()}" for r in run.actions]
    if run.fallbacks:
        lines.append("limits that fell back (recorded in the audit log):")
        lines += [
            f"  {f.customer_id}: {f.ended.describe()} ended; from {f.on.isoformat()} "
            f"{f.base.describe()}"
            for f in run.fallbacks
        ]
    if run.problems:
        lines.append("customers not looked at:")
        lines += [f"  {p.customer_id}: {p.message}" for p in run.problems]
    return "\n".join(lines)


def _alert_json(alert: Alert, names: Mapping[str, str], new: set[str]) -> dict[str, Any]:
    return {
        **alert.to_json(),
        "name": names.get(alert.customer_id),
        "reason_text": REASONS.get(alert.reason),
        "new": alert.key in new,
    }


def _document(
    run: MonitorRun, alerts: list[Alert], where: str, names: Mapping[str, str]
) -> dict[str, Any]:
    new = {a.key for a in run.new}
    return {
        "store": where,
        "as_of": run.as_of,
        "config": {"id": run.config_id, "version": run.config_version},
        "customers": run.customers,
        "alerts": [_alert_json(a, names, new) for a in sorted(alerts, key=_order)],
        "actions": [
            {
                "key": r.key,
                "customer_id": r.customer_id,
                "action": r.action.value,
                "done": r.done,
                "detail": r.detail,
            }
            for r in run.actions
        ],
        "fallbacks": [
            {"customer_id": f.customer_id, "key": f.key, "on": f.on} for f in run.fallbacks
        ],
        "problems": [{"customer_id": p.customer_id, "message": p.message} for p in run.problems],
    }


_CSV_HEADER: Final = [
    "severity",
    "customer_id",
    "name",
    "reason",
    "reason_text",
    "on",
    "new",
    "open",
    "message",
    "key",
]


def _csv_rows(
    run: MonitorRun, alerts: list[Alert], names: Mapping[str, str]
) -> tuple[list[str], list[list[object]]]:
    new = {a.key for a in run.new}
    return _CSV_HEADER, [
        [
            a.severity.value,
            a.customer_id,
            names.get(a.customer_id, ""),
            a.reason,
            REASONS.get(a.reason, ""),
            a.on,
            a.key in new,
            a.is_open,
            a.message,
            a.key,
        ]
        for a in sorted(alerts, key=_order)
    ]


class _NoNewReports:
    """The demo's bureau behind the cache: every report is cached already, none is bought."""

    name = "sample"

    def report(self, subject_id: str, *, as_of: datetime.date) -> BureauReport:
        raise SubjectNotFound(f"sample: no report on {subject_id!r}", provider="sample")


def demo_section(portfolio: SamplePortfolio, *, top: int = 12) -> str:
    """ "Today's alerts": the sample portfolio in a store, monitored as of its last day.

    For ``credkit demo``: the portfolio's customers, documents, limits and open orders go
    into a :class:`~credkit.storage.MemoryStore`, its quarterly bureau reports into the
    store's bureau cache, and the monitor runs with credkit's shipped configuration.

    >>> from credkit import sample
    >>> text = demo_section(sample.generate(seed=1, customers=12))
    >>> print(text.splitlines()[0])  # doctest: +ELLIPSIS
    Today's alerts: monitoring as of 2026-11-30 (monitoring version 2026.1), 12 customers: ...
    """
    from credkit.bureau import CachedBureau, sample_reports

    as_of = portfolio.end
    store = portfolio_store(portfolio)
    with store.unit() as unit:
        for report in sample_reports(portfolio):
            unit.cache_report(report.to_entry())
    end = datetime.datetime.combine(as_of, datetime.time(23, 59), tzinfo=datetime.UTC)
    bureau = CachedBureau(
        _NoNewReports(), store, max_age=datetime.timedelta(days=100), clock=lambda: end
    )
    desk = CreditDesk(store, load_policy(DEFAULT_POLICY, format="toml"), clock=lambda: end)
    monitored = desk.monitor(as_of, bureau=bureau)
    alerts = sorted(monitored.found, key=_order)
    counts = Counter(a.severity.value for a in alerts)
    summary = ", ".join(f"{counts[s]} {s}" for s in ("critical", "warning", "info") if counts[s])
    lines = [
        f"Today's alerts: monitoring as of {as_of.isoformat()} ({monitored.config_id} version "
        f"{monitored.config_version}), {monitored.customers} customers: "
        f"{summary or 'no alerts'}"
    ]
    reasons = Counter(a.reason for a in alerts)
    if reasons:
        lines.append("  by reason: " + ", ".join(f"{r} {n}" for r, n in sorted(reasons.items())))
        shown = alerts[:top]
        lines += [
            "  " + line
            for line in grid(
                ("Severity", "Customer", "Reason", "Message"),
                [[a.severity.value, a.customer_id, a.reason, a.message] for a in shown],
                left={"Severity", "Customer", "Reason", "Message"},
            )
        ]
        if len(alerts) > top:
            lines.append(f"  ... and {len(alerts) - top} more (`credkit monitor` lists them all)")
    done = [r for r in monitored.actions if r.done]
    if done:
        lines.append(f"  follow-on actions: {len(done)} (watch list, reviews, limit requests)")
    if monitored.problems:
        lines.append(f"  customers not looked at: {len(monitored.problems)}")
    return "\n".join(lines)
