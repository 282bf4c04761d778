"""``credkit demo``: build the sample portfolio, print a short overview, write the report.

The overview fits on one screen: the portfolio's size, the aging totals per currency,
the last month's headline KPIs, today's held orders, alerts and dunning reminders,
and the path of the portfolio report (one HTML file with every figure and chart),
which the demo writes to a temporary file. The sections of the other commands'
demos (``credkit age``, ``credkit kpi``, ...) give the detail on the command line.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from credkit import sample
from credkit.cli._common import Subcommands, grid, plain_amount, plain_number
from credkit.cli._output import OK, add_format_argument, bucket_list, emit
from credkit.errors import ValidationError
from credkit.money import Money

__all__ = ["add_parser", "overview", "run", "summary"]


def add_parser(commands: Subcommands) -> None:
    """Register ``credkit demo`` on the sub-command parser ``commands``."""
    parser = commands.add_parser(
        "demo",
        help="summarise the seeded sample portfolio",
        description="Build the seeded sample portfolio, print a short overview of it (size, "
        "aging, KPIs, holds, alerts, reminders) and write its portfolio report, an HTML "
        "file whose path the overview ends with.",
    )
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    parser.add_argument(
        "--customers", type=int, default=60, help="number of customers (default 60)"
    )
    parser.add_argument(
        "--out",
        type=Path,
        metavar="FILE",
        help="write the portfolio report here (default: a new temporary file)",
    )
    add_format_argument(
        parser,
        help="output format of the overview: table (default), json or csv (one row per "
        "figure: section, currency, figure, value)",
    )
    parser.set_defaults(func=run)


def summary(portfolio: sample.SamplePortfolio) -> str:
    """The portfolio in a few lines: customers, open items, open balance per currency.

    >>> print(summary(sample.generate(seed=1, customers=3)))  # doctest: +ELLIPSIS
    Sample portfolio (seed data ... to ...)
      customers: 3 ...
    """
    ledger = portfolio.ledger
    as_of = portfolio.end
    items = ledger.open_items(as_of)
    behaviours = Counter(b.value for b in portfolio.behaviours.values())
    lines = [
        f"Sample portfolio (seed data {portfolio.start.isoformat()} to {as_of.isoformat()})",
        f"  customers: {len(ledger.customers)} "
        f"({', '.join(f'{n} {name}' for name, n in sorted(behaviours.items()))})",
        f"  documents: {len(ledger.invoices)} invoices, {len(ledger.credit_notes)} credit notes, "
        f"{len(ledger.payments)} payments",
        f"  open items as of {as_of.isoformat()}: {len(items)}",
    ]
    return "\n".join(lines)


_KPIS = (
    # (label, attribute, places)
    ("DSO (days)", "dso", 1),
    ("CEI (%)", "collection_effectiveness_index", 1),
    ("Current (%)", "percent_current", 1),
)


def overview(portfolio: sample.SamplePortfolio, out: Path) -> dict[str, Any]:
    """Write the portfolio report of ``portfolio`` to ``out``; the overview's figures.

    The document ``credkit demo --format json`` prints (see its JSON Schema).

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     figures = overview(sample.generate(seed=1, customers=6), Path(folder, "r.html"))
    >>> figures["portfolio"]["customers"], sorted(figures["orders"])
    (6, ['approve', 'hold', 'reject'])
    """
    from credkit.cli import dunning
    from credkit.cli._demo import demo_orders
    from credkit.cli.report import sample_store
    from credkit.report import portfolio_report, render_html

    as_of = portfolio.end
    ledger = portfolio.ledger
    store = sample_store(portfolio)
    report = portfolio_report(store, as_of=as_of)
    try:
        out.write_text(render_html(report), encoding="utf-8", newline="")
    except (OSError, ValueError) as error:
        raise ValidationError(f"--out: cannot write {str(out)!r}: {error}") from None
    orders: Counter[str] = Counter()
    with store.unit() as unit:
        for order in demo_orders(portfolio, as_of):
            stored = unit.order(order.order_id)
            if stored is not None:
                orders[stored.status.value] += 1
    reminders = dunning.demo_run(portfolio)
    aging = [
        {
            "currency": line.currency,
            "buckets": bucket_list(report.aging.buckets, line.amounts),
            "total": line.total,
            "overdue": sum(line.amounts[1:], Money.zero(line.currency)),
            "items": line.count,
        }
        for line in report.aging.totals
    ]
    kpis = [
        {
            "currency": f.currency,
            "period_start": latest.period_start,
            "period_end": latest.period_end,
            **{attribute: getattr(f, attribute) for _label, attribute, _places in _KPIS},
        }
        for latest in report.kpis[-1:]  # the last month of the trend
        for f in latest.figures
    ]
    severities = Counter(a.severity.value for a in report.alerts)
    return {
        "seed": None,
        "as_of": as_of,
        "portfolio": {
            "start": portfolio.start,
            "end": as_of,
            "customers": len(ledger.customers),
            "invoices": len(ledger.invoices),
            "credit_notes": len(ledger.credit_notes),
            "payments": len(ledger.payments),
            "open_items": len(ledger.open_items(as_of)),
        },
        "aging": aging,
        "kpis": kpis,
        "orders": {
            outcome: orders.get(status, 0)
            for outcome, status in (
                ("approve", "approved"),
                ("hold", "held"),
                ("reject", "rejected"),
            )
        },
        "alerts": {s: severities.get(s, 0) for s in ("critical", "warning", "info")},
        "reminders": len(reminders.actions),
        "worklist": len(report.worklist),
        "report": str(out),
    }


def _table(portfolio: sample.SamplePortfolio, figures: dict[str, Any]) -> str:
    lines = [summary(portfolio), "", f"Aged receivables as of {figures['as_of'].isoformat()}"]
    header = ["Currency", "Total", "Overdue", "Overdue %", "Items"]
    body = []
    for line in figures["aging"]:
        total, overdue = line["total"], line["overdue"]
        share = overdue.amount / total.amount * 100 if total.amount > 0 else None
        body.append(
            [
                line["currency"],
                plain_amount(total),
                plain_amount(overdue),
                "-" if share is None else plain_number(share, 1),
                str(line["items"]),
            ]
        )
    lines += ["  " + row for row in grid(header, body, left={"Currency"})]
    if figures["kpis"]:
        first = figures["kpis"][0]
        lines += [
            "",
            f"KPIs of {first['period_start'].strftime('%B %Y')} (credkit kpi for the detail)",
        ]
        header = ["Currency", *(label for label, _a, _p in _KPIS)]
        body = [
            [
                k["currency"],
                *(
                    "n/a" if k[attribute] is None else plain_number(k[attribute], places)
                    for _label, attribute, places in _KPIS
                ),
            ]
            for k in figures["kpis"]
        ]
        lines += ["  " + row for row in grid(header, body, left={"Currency"})]
    orders, alerts = figures["orders"], figures["alerts"]
    lines += [
        "",
        "Today",
        f"  orders checked: {sum(orders.values())} ({orders['approve']} approved, "
        f"{orders['hold']} held, {orders['reject']} rejected)",
        f"  alerts: {sum(alerts.values())} ({alerts['critical']} critical, "
        f"{alerts['warning']} warning, {alerts['info']} info)",
        f"  dunning reminders proposed: {figures['reminders']}; "
        f"customers on the collection worklist: {figures['worklist']}",
        "",
        f"Portfolio report: {figures['report']} (open it in a browser)",
    ]
    return "\n".join(lines)


def _rows(figures: dict[str, Any]) -> tuple[list[str], list[list[object]]]:
    rows: list[list[object]] = [
        ["portfolio", None, name, value] for name, value in figures["portfolio"].items()
    ]
    for line in figures["aging"]:
        rows += [
            ["aging", line["currency"], "total", line["total"].amount],
            ["aging", line["currency"], "overdue", line["overdue"].amount],
            ["aging", line["currency"], "items", line["items"]],
        ]
    for k in figures["kpis"]:
        rows += [["kpis", k["currency"], a, k[a]] for _label, a, _places in _KPIS]
    rows += [["orders", None, outcome, n] for outcome, n in figures["orders"].items()]
    rows += [["alerts", None, severity, n] for severity, n in figures["alerts"].items()]
    rows += [
        ["dunning", None, "reminders", figures["reminders"]],
        ["dunning", None, "worklist", figures["worklist"]],
        ["report", None, "path", figures["report"]],
    ]
    return ["section", "currency", "figure", "value"], rows


def run(args: argparse.Namespace) -> int:
    """Print the overview and write the report."""
    if args.customers < 1:
        raise ValidationError(f"--customers: must be at least 1, got {args.customers}")
    portfolio = sample.generate(seed=args.seed, customers=args.customers)
    out: Path | None = getattr(args, "out", None)
    if out is None:
        handle, name = tempfile.mkstemp(prefix="credkit-report-", suffix=".html")
        os.close(handle)
        out = Path(name)
    figures = overview(portfolio, out)
    figures["seed"] = args.seed
    print(
        emit(
            getattr(args, "format", "table"),
            table=lambda: _table(portfolio, figures),
            document=lambda: figures,
            rows=lambda: _rows(figures),
            raw=getattr(args, "raw_csv", False),
        )
    )
    return OK
