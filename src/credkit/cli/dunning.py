"""``credkit dunning``: today's dunning run and the top of the collection worklist.

Runs over the seeded sample portfolio, or over a ledger in the canonical CSV layout
(``credkit sample --out DIR`` writes one). Without a history of what was sent, the
command replays the runs of the days before ``--as-of`` (``--replay-days``, default
60; a run every ``--every`` days, default 1, counting back from ``--as-of``) as if
every proposed reminder had been sent, so that the run shows escalation rather
than a first-ever run; ``--replay-days 0`` shows the first run. The worklist
weighs in each customer's payment behaviour, from the ledger's settled invoices.
"""

from __future__ import annotations

import argparse
import datetime
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from credkit import sample
from credkit._validate import shifted
from credkit.cli._common import (
    Subcommands,
    grid,
    iso_date,
    load_rates,
    plain_amount,
    plain_number,
)
from credkit.cli._output import OK, add_format_argument, emit
from credkit.config import load
from credkit.dunning import (
    Channel,
    DunningAction,
    DunningHistory,
    DunningLadder,
    DunningLevel,
    DunningRun,
    Fee,
    LadderSet,
    WorklistEntry,
    collection_worklist,
    dunning_run,
)
from credkit.errors import ConfigError, ValidationError
from credkit.fx import RateSource
from credkit.io import read_ledger
from credkit.kpi import InsufficientData, PaymentBehaviour, single_currency_behaviour
from credkit.ledger import Ledger

__all__ = [
    "add_parser",
    "demo_ladder",
    "demo_run",
    "demo_section",
    "replay",
    "replay_dates",
    "run",
    "run_store",
]


def demo_ladder() -> DunningLadder:
    """The ladder the command uses unless ``--ladder`` names one: four levels, no fixed amounts.

    An e-mail a week after the due date, a letter at 21 days, a phone call at 35
    days with a 1 % fee, and a hand-over to a collection agency at 60 days; each
    level waits at least 7 days after the previous one. It has no fixed fees or
    tolerances, so it works in any currency.

    >>> [(level.days_overdue, level.channel.value) for level in demo_ladder().levels]
    [(7, 'email'), (21, 'letter'), (35, 'phone'), (60, 'collection_agency')]
    """
    return DunningLadder(
        "demo",
        version="1",
        description="credkit demo ladder",
        levels=(
            DunningLevel(7, channel=Channel.EMAIL, template="friendly-reminder", interval_days=7),
            DunningLevel(21, channel=Channel.LETTER, template="first-notice", interval_days=7),
            DunningLevel(
                35,
                channel=Channel.PHONE,
                template="phone-call",
                interval_days=7,
                fee=Fee.percentage(1),
            ),
            DunningLevel(60, channel=Channel.COLLECTION_AGENCY, template="hand-over"),
        ),
    )


def add_parser(commands: Subcommands) -> None:
    """Register ``credkit dunning`` on the sub-command parser ``commands``."""
    parser = commands.add_parser(
        "dunning",
        help="propose today's dunning reminders and show the collection worklist",
        description="Run dunning as of a date over the sample portfolio or a CSV ledger "
        "directory, print the proposed reminders and the top of the collection worklist.",
    )
    parser.add_argument(
        "path",
        nargs="?",
        type=Path,
        help="ledger directory in the canonical CSV layout; or 'record' followed by the "
        "action ids to record as sent or failed in the store of --url",
    )
    parser.add_argument("record_ids", nargs="*", metavar="ACTION", help=argparse.SUPPRESS)
    parser.add_argument(
        "--as-of", type=iso_date, help="run date, YYYY-MM-DD (required unless recording)"
    )
    parser.add_argument(
        "--url",
        metavar="URL",
        help="propose from the dunning history of this credkit store (a database that "
        "`credkit db init` made) instead of replaying runs as if every reminder was sent",
    )
    parser.add_argument(
        "--prefix", default="credkit_", help="with --url: start of every credkit table name"
    )
    parser.add_argument(
        "--status",
        choices=("sent", "failed"),
        default="sent",
        help="with record: whether the reminders went out (default sent)",
    )
    parser.add_argument("--channel", help="with record: how they went out (default: proposed)")
    parser.add_argument(
        "--on", type=iso_date, help="with record: the day they went out (default: proposed)"
    )
    parser.add_argument("--user", default="cli", help="with --url: the user the log names")
    parser.add_argument("--ladder", type=Path, help="dunning ladder or ladder set (.toml/.json)")
    parser.add_argument(
        "--replay-days",
        type=int,
        default=60,
        help="days before --as-of replayed as if every reminder was sent (default 60)",
    )
    parser.add_argument(
        "--every",
        type=int,
        default=1,
        metavar="N",
        help="days between replayed runs, counting back from --as-of (default 1: daily; 7: weekly)",
    )
    parser.add_argument(
        "--rates",
        type=Path,
        metavar="RATES.csv",
        help="exchange rates (valid_from,base,quote,rate) for fees converted from another "
        "currency (a fee with convert_from)",
    )
    parser.add_argument("--top", type=int, default=5, help="worklist entries per currency")
    parser.add_argument("--seed", type=int, default=7, help="sample seed (without PATH)")
    parser.add_argument("--customers", type=int, default=60, help="sample customers (without PATH)")
    add_format_argument(
        parser,
        help="output format: table (default), json, or csv (the worklist, one row per "
        "customer with today's reminder; with --url the reminders; with record the records)",
    )
    parser.set_defaults(func=run)


def _ladder(path: Path | None) -> DunningLadder | LadderSet:
    if path is None:
        return demo_ladder()
    try:
        return load(DunningLadder, path)
    except ConfigError as error:
        # A ladder set has 'ladders', 'default' and 'rules' where a ladder has 'levels'.
        if any(p == "ladders" and "unknown key" in d for p, d in error.problems):
            return load(LadderSet, path)
        raise


def replay_dates(as_of: datetime.date, *, days: int, every: int = 1) -> list[datetime.date]:
    """The dates of the runs replayed before ``as_of``: every ``every`` days, within ``days``.

    They count back from ``as_of`` (``as_of - every``, ``as_of - 2 * every``, ...), so
    the last replayed run is ``every`` days before ``as_of``; oldest first.

    >>> end = datetime.date(2026, 11, 30)
    >>> [d.isoformat() for d in replay_dates(end, days=20, every=7)]
    ['2026-11-16', '2026-11-23']
    >>> len(replay_dates(end, days=60)), replay_dates(end, days=6, every=7)
    (60, [])
    """
    if every < 1:
        raise ValidationError(f"every: must be at least 1 day, got {every}")
    return [
        shifted(as_of, "replay_days", days=-offset)
        for offset in range(days - days % every, 0, -every)
    ]


def replay(
    ledger: Ledger,
    *,
    as_of: datetime.date,
    days: int,
    ladder: DunningLadder | LadderSet,
    every: int = 1,
    rates: RateSource | None = None,
) -> DunningHistory:
    """The history of runs on the :func:`replay_dates` before ``as_of``, every reminder sent.

    >>> portfolio = sample.generate(seed=1, customers=3)
    >>> len(replay(portfolio.ledger, as_of=portfolio.end, days=0, ladder=demo_ladder()))
    0
    """
    history = DunningHistory()
    for day in replay_dates(as_of, days=days, every=every):
        history = history.record(
            dunning_run(ledger, history, as_of=day, ladder=ladder, rates=rates)
        )
    return history


def _replay_note(as_of: datetime.date, *, days: int, every: int) -> str:
    dates = replay_dates(as_of, days=days, every=every)
    if not dates:
        return "  no earlier runs replayed: a first run"
    how = {1: "daily", 7: "weekly"}.get(every, f"every {every} days")
    return (
        f"  {len(dates)} earlier run(s) replayed {how}, {dates[0].isoformat()} to "
        f"{dates[-1].isoformat()}, as if every proposed reminder had been sent"
    )


def _state_counts(run: DunningRun) -> dict[str, int]:
    states = Counter(
        item.reason.value if item.reason is not None else item.state.value for item in run.items
    )
    return dict(sorted(states.items()))


def _format_run(
    run: DunningRun,
    *,
    replayed: str,
    limit: int | None = None,
    names: Mapping[str, str] | None = None,
) -> list[str]:
    known = names or {}
    ladders = ", ".join(f"{i} v{v}" for i, v in run.ladders) or "none"
    lines = [
        f"Dunning run as of {run.as_of.isoformat()} (ladder {ladders}): "
        f"{len(run.actions)} reminder(s) proposed",
        replayed,
    ]
    shown = run.actions if limit is None else run.actions[:limit]
    header = ["Customer", "Name", "Level", "Channel", "Items", "Amount", "Fee"]
    body = [
        [
            action.customer_id,
            known.get(action.customer_id, ""),
            str(action.level),
            action.channel.value.replace("_", " "),
            str(len(action.lines)),
            ", ".join(m.round().format("en_US") for m in action.totals),
            ", ".join(m.format("en_US") for m in action.fees),
        ]
        for action in shown
    ]
    if body:
        lines += ["  " + line for line in grid(header, body, left={"Customer", "Name", "Channel"})]
    if limit is not None and len(run.actions) > limit:
        lines.append(f"  ... and {len(run.actions) - limit} more")
    summary = ", ".join(f"{n} {name.replace('_', ' ')}" for name, n in _state_counts(run).items())
    lines.append(f"  open items: {summary}")
    following = run.next_date()
    if following is not None:
        lines.append(f"  next date on which something happens: {following.isoformat()}")
    return lines


def _worklist_table(
    entries: Sequence[WorklistEntry],
    currency: str,
    top: int,
    *,
    names: Mapping[str, str],
    reminders: Mapping[str, str],
) -> list[str]:
    """One line per customer: who, how much is overdue and for how long, today's reminder."""
    lines = [f"Collection worklist ({currency}), top {min(top, len(entries))} of {len(entries)}:"]
    header = ["Rank", "Customer", "Name", "Overdue", "Oldest", "Credits", "Class"]
    header += ["Pay index", "Promises broken", "Priority", "Today"]
    body = [
        [
            str(entry.rank),
            entry.customer_id,
            names.get(entry.customer_id, ""),
            plain_amount(entry.overdue),
            f"{entry.oldest_days_overdue} d",
            plain_amount(entry.unapplied_credits),
            entry.risk_class or "-",
            _index(entry),
            str(entry.broken_promises),
            plain_amount(entry.priority),
            reminders.get(entry.customer_id, "-"),
        ]
        for entry in entries[:top]
    ]
    left = {"Customer", "Name", "Class", "Today"}
    return lines + ["  " + line for line in grid(header, body, left=left)]


def _index(entry: WorklistEntry) -> str:
    """The customer's payment index (0-100, 80 = within terms), or ``-`` without one."""
    behaviour = entry.behaviour
    if isinstance(behaviour, PaymentBehaviour):
        return plain_number(behaviour.payment_index, 0)
    return "-"


def _reminders(run: DunningRun) -> dict[str, str]:
    """Customer id -> the reminder proposed today, such as ``level 2 letter``."""
    return {
        action.customer_id: f"level {action.level} {action.channel.value.replace('_', ' ')}"
        for action in run.actions
    }


def _behaviour(
    ledger: Ledger, as_of: datetime.date
) -> tuple[dict[str, PaymentBehaviour | InsufficientData], list[str]]:
    """Payment behaviour from the ledger's settlements, and a note on what was left out.

    Weighting a customer who paid in several currencies needs exchange rates, which
    this command does not take: such customers are left out (neutral on the worklist)
    and the note names them.
    """
    results, mixed = single_currency_behaviour(ledger.settlements(), as_of=as_of)
    if not mixed:
        return results, []
    shown = ", ".join(mixed[:5]) + (f" and {len(mixed) - 5} more" if len(mixed) > 5 else "")
    note = (
        f"payment behaviour not used for {shown}: paid in several currencies, "
        "which needs exchange rates (ranked as if neutral)"
    )
    return results, [note]


def _worklist_entries(
    ledger: Ledger, as_of: datetime.date
) -> tuple[dict[str, tuple[WorklistEntry, ...]], list[str]]:
    """Currency -> its worklist (only currencies with overdue items), and the notes."""
    currencies = sorted(
        {
            item.amount.currency
            for item in ledger.open_items(as_of)
            if item.amount.is_positive and item.due_date < as_of
        }
    )
    behaviour, notes = _behaviour(ledger, as_of)
    result: dict[str, tuple[WorklistEntry, ...]] = {}
    for currency in currencies:
        entries = collection_worklist(ledger, as_of=as_of, currency=currency, behaviour=behaviour)
        if entries:
            result[currency] = entries
    return result, notes


def _worklists(
    ledger: Ledger, as_of: datetime.date, top: int, *, run: DunningRun | None = None
) -> list[str]:
    names = {customer.id: customer.name for customer in ledger.customers}
    reminders = {} if run is None else _reminders(run)
    worklists, notes = _worklist_entries(ledger, as_of)
    lines: list[str] = []
    for currency, entries in worklists.items():
        lines.extend(_worklist_table(entries, currency, top, names=names, reminders=reminders))
    return (lines or ["Collection worklist: no overdue customers"]) + [f"  {n}" for n in notes]


_DEMO_REPLAY_DAYS = 63
_DEMO_EVERY = 7


def demo_run(portfolio: sample.SamplePortfolio) -> DunningRun:
    """Today's dunning run over the sample, after 63 days of weekly runs, every reminder sent.

    >>> len(demo_run(sample.generate(seed=1, customers=4)).actions) >= 0
    True
    """
    as_of = portfolio.end
    ladder = demo_ladder()
    history = replay(
        portfolio.ledger, as_of=as_of, days=_DEMO_REPLAY_DAYS, ladder=ladder, every=_DEMO_EVERY
    )
    return dunning_run(portfolio.ledger, history, as_of=as_of, ladder=ladder)


def demo_section(portfolio: sample.SamplePortfolio) -> str:
    """Today's dunning run and the top 5 of the worklist per currency, for ``credkit demo``.

    The run is as of the portfolio's last day, after replaying weekly runs over the
    63 days before it (the last one a week before) as if every reminder had been
    sent, as a company that runs dunning once a week would have. The worklist weighs
    in the payment behaviour of the sample's settled invoices.

    >>> text = demo_section(sample.generate(seed=1, customers=4))
    >>> text.splitlines()[0].startswith("Dunning run as of 2026-11-30")
    True
    >>> text.splitlines()[1]
    '  9 earlier run(s) replayed weekly, 2026-09-28 to 2026-11-23, as if every proposed reminder had been sent'
    """
    as_of = portfolio.end
    result = demo_run(portfolio)
    names = {customer.id: customer.name for customer in portfolio.ledger.customers}
    note = _replay_note(as_of, days=_DEMO_REPLAY_DAYS, every=_DEMO_EVERY)
    lines = _format_run(result, replayed=note, limit=10, names=names)
    lines.extend(_worklists(portfolio.ledger, as_of, 5, run=result))
    return "\n".join(lines)


def _action_json(action: DunningAction, names: Mapping[str, str]) -> dict[str, Any]:
    return {
        "id": action.id,
        "customer_id": action.customer_id,
        "name": names.get(action.customer_id),
        "level": action.level,
        "channel": action.channel.value,
        "template": action.template,
        "ladder_id": action.ladder_id,
        "ladder_version": action.ladder_version,
        "items": len(action.lines),
        "totals": list(action.totals),
        "fees": list(action.fees),
    }


def _entry_json(entry: WorklistEntry, names: Mapping[str, str]) -> dict[str, Any]:
    return {
        "rank": entry.rank,
        "customer_id": entry.customer_id,
        "name": names.get(entry.customer_id),
        "overdue": entry.overdue,
        "weighted": entry.weighted,
        "unapplied_credits": entry.unapplied_credits,
        "oldest_days_overdue": entry.oldest_days_overdue,
        "risk_class": entry.risk_class,
        "payment_index": entry.behaviour.payment_index
        if isinstance(entry.behaviour, PaymentBehaviour)
        else None,
        "broken_promises": entry.broken_promises,
        "priority": entry.priority,
        "reasons": list(entry.reasons),
    }


_WORKLIST_CSV = [
    "currency",
    "rank",
    "customer_id",
    "name",
    "overdue",
    "oldest_days_overdue",
    "unapplied_credits",
    "risk_class",
    "broken_promises",
    "priority",
    "reminder_level",
    "reminder_channel",
]


def _print_run(args: argparse.Namespace, ledger: Ledger, result: DunningRun, note: str) -> None:
    names = {customer.id: customer.name for customer in ledger.customers}
    worklists, notes = _worklist_entries(ledger, args.as_of)
    actions = {action.customer_id: action for action in result.actions}

    def table() -> str:
        lines = _format_run(result, replayed=note, names=names)
        reminders = _reminders(result)
        for currency, entries in worklists.items():
            lines += _worklist_table(entries, currency, args.top, names=names, reminders=reminders)
        if not worklists:
            lines.append("Collection worklist: no overdue customers")
        return "\n".join(lines + [f"  {n}" for n in notes])

    def document() -> dict[str, Any]:
        dates = replay_dates(args.as_of, days=args.replay_days, every=args.every)
        return {
            "as_of": args.as_of,
            "ladders": [{"id": i, "version": v} for i, v in result.ladders],
            "replayed_runs": len(dates),
            "actions": [_action_json(action, names) for action in result.actions],
            "open_items": _state_counts(result),
            "next_date": result.next_date(),
            "worklists": [
                {
                    "currency": currency,
                    "customers": len(entries),
                    "entries": [_entry_json(e, names) for e in entries[: args.top]],
                }
                for currency, entries in worklists.items()
            ],
            "notes": notes,
        }

    def rows() -> tuple[list[str], list[list[object]]]:
        body: list[list[object]] = []
        for currency, entries in worklists.items():
            for entry in entries[: args.top]:
                action = actions.get(entry.customer_id)
                body.append(
                    [
                        currency,
                        entry.rank,
                        entry.customer_id,
                        names.get(entry.customer_id, ""),
                        entry.overdue.amount,
                        entry.oldest_days_overdue,
                        entry.unapplied_credits.amount,
                        entry.risk_class,
                        entry.broken_promises,
                        entry.priority.amount,
                        None if action is None else action.level,
                        None if action is None else action.channel.value,
                    ]
                )
        return _WORKLIST_CSV, body

    print(emit(args.format, table=table, document=document, rows=rows, raw=args.raw_csv))


def run(args: argparse.Namespace) -> int:
    """Run dunning as of ``args.as_of`` and print the run and the worklist.

    With ``--url``, propose from the store (:func:`run_store`); ``record`` records sends.
    """
    recording = args.path is not None and str(args.path) == "record"
    if recording or args.url is not None:
        return run_store(args, recording=recording)
    if args.record_ids:
        raise ValidationError(f"PATH: one ledger directory, got also {args.record_ids[0]!r}")
    if args.as_of is None:
        raise ValidationError("--as-of: required, YYYY-MM-DD")
    if args.replay_days < 0 or args.replay_days > 3660:
        raise ValidationError(f"--replay-days: must be from 0 to 3660, got {args.replay_days}")
    if args.every < 1 or args.every > 3660:
        raise ValidationError(f"--every: must be from 1 to 3660 days, got {args.every}")
    if args.top < 1:
        raise ValidationError(f"--top: must be at least 1, got {args.top}")
    if args.path is None:
        if args.customers < 1:
            raise ValidationError(f"--customers: must be at least 1, got {args.customers}")
        ledger = sample.generate(seed=args.seed, customers=args.customers).ledger
    else:
        ledger = read_ledger(args.path)
    ladder = _ladder(args.ladder)
    rates = None if args.rates is None else load_rates(args.rates)
    history = replay(
        ledger,
        as_of=args.as_of,
        days=args.replay_days,
        ladder=ladder,
        every=args.every,
        rates=rates,
    )
    result = dunning_run(ledger, history, as_of=args.as_of, ladder=ladder, rates=rates)
    note = _replay_note(args.as_of, days=args.replay_days, every=args.every)
    _print_run(args, ledger, result, note)
    return OK


def run_store(args: argparse.Namespace, *, recording: bool) -> int:
    """``credkit dunning --url URL --as-of DATE`` and ``credkit dunning record ACTION ...``.

    The run proposes from the store's dunning history (what was recorded as sent),
    stores each proposal once and prints the new and the pending ones; ``record``
    records the named proposals as ``--status`` (sent or failed) and books the
    charges of those sent.
    """
    from credkit.cli._store import closing, ready_store
    from credkit.desk import CreditDesk
    from credkit.policy import Policy, PolicyEntry
    from credkit.policy.rules import StaticLimit

    store = ready_store(args.url, args.prefix, command="credkit dunning")
    # dunning needs no credit policy; the desk is given a placeholder one
    rates = None if args.rates is None else load_rates(args.rates)
    desk = CreditDesk(
        store, Policy("dunning", version="1", rules=[PolicyEntry(StaticLimit())]), rates=rates
    )
    with closing(store):
        if recording:
            if not args.record_ids:
                raise ValidationError("ACTION: name the action ids to record (customer/level/date)")
            recorded = [
                desk.record_sent(action_id, args.channel, args.status, on=args.on, user=args.user)
                for action_id in args.record_ids
            ]

            def recorded_text() -> str:
                lines = []
                for action_id, result in zip(args.record_ids, recorded, strict=True):
                    booked = ", ".join(f"{d.id} {d.amount}" for d in result.documents)
                    lines.append(
                        f"{action_id}: recorded as {result.proposal.status.value} on "
                        f"{result.record.on.isoformat()} by {result.record.channel.value}"
                        + (f"; booked {booked}" if booked else "")
                    )
                return "\n".join(lines)

            records = [
                {
                    "action_id": action_id,
                    "status": result.proposal.status.value,
                    "on": result.record.on,
                    "channel": result.record.channel.value,
                    "booked": [{"id": d.id, "amount": d.amount} for d in result.documents],
                }
                for action_id, result in zip(args.record_ids, recorded, strict=True)
            ]
            print(
                emit(
                    args.format,
                    table=recorded_text,
                    document=lambda: {"store": store.where, "recorded": records},
                    rows=lambda: (
                        ["action_id", "status", "on", "channel", "booked"],
                        [
                            [
                                r["action_id"],
                                r["status"],
                                r["on"],
                                r["channel"],
                                ";".join(f"{d.id} {d.amount}" for d in result.documents),
                            ]
                            for r, result in zip(records, recorded, strict=True)
                        ],
                    ),
                    raw=args.raw_csv,
                )
            )
            return OK
        if args.as_of is None:
            raise ValidationError("--as-of: required, YYYY-MM-DD")
        ladder = _ladder(args.ladder)
        run_result = desk.dunning_run(args.as_of, ladder=ladder, user=args.user)
        new = {a.id for a in run_result.new}
        names: dict[str, str] = {}
        with store.unit() as unit:
            for customer_id in sorted({a.customer_id for a in run_result.pending}):
                try:
                    names[customer_id] = unit.customer(customer_id).name
                except ValidationError:  # pragma: no cover - a run proposes for stored customers
                    continue

        def text() -> str:
            lines = [
                f"Dunning run as of {args.as_of.isoformat()} from {store.where}: "
                f"{len(run_result.new)} new reminder(s), {len(run_result.pending)} awaiting record"
            ]
            for action in run_result.pending:
                totals = ", ".join(m.round().format("en_US") for m in action.totals)
                mark = "new" if action.id in new else "pending"
                lines.append(
                    f"  {action.id:<24} {mark:<7} level {action.level}  "
                    f"{action.channel.value:<17} {len(action.lines):>2} item(s)  {totals}  "
                    f"{names.get(action.customer_id, '')}".rstrip()
                )
            for problem in run_result.problems:
                lines.append(f"  problem: {problem.customer_id}: {problem.message}")
            if run_result.pending:
                lines.append(
                    "  record them with: credkit dunning record ACTION ... --url URL --status sent"
                )
            return "\n".join(lines)

        pending = [
            {**_action_json(action, names), "new": action.id in new}
            for action in run_result.pending
        ]
        document = {
            "as_of": args.as_of,
            "store": store.where,
            "pending": pending,
            "problems": [
                {"customer_id": p.customer_id, "message": p.message} for p in run_result.problems
            ],
        }
        header = ["id", "new", "customer_id", "level", "channel", "items", "totals"]
        print(
            emit(
                args.format,
                table=text,
                document=lambda: document,
                rows=lambda: (
                    header,
                    [
                        [
                            p["id"],
                            p["new"],
                            p["customer_id"],
                            p["level"],
                            p["channel"],
                            p["items"],
                            ";".join(str(m) for m in p["totals"]),
                        ]
                        for p in pending
                    ],
                ),
                raw=args.raw_csv,
            )
        )
    return OK
