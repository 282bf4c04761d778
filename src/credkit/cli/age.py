"""``credkit age``: aged receivables as of a date, from CSV files.

``PATH`` is a directory in credkit's canonical layout (see :mod:`credkit.io`) or a
single CSV file of open items, or of invoices with a settled-date column (then
``--mapping`` names that column); ``--mapping`` is a TOML or JSON
:class:`~credkit.io.ColumnMapping` for exports with other column names or formats.
"""

from __future__ import annotations

import argparse
import datetime
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from credkit.aging import STANDARD, AgingBasis, AgingReport, AgingRow, Buckets, Valuation, age
from credkit.cli._common import (
    Subcommands,
    add_currency_arguments,
    currency_rates,
    grid,
    iso_date,
    ledger_or_mapping,
    plain_amount,
)
from credkit.cli._output import OK, add_format_argument, bucket_list, emit, money, snake
from credkit.errors import ValidationError
from credkit.io import (
    ColumnMapping,
    age_open_items,
    read_invoices,
    read_open_items,
    read_settlements,
)
from credkit.kpi import InvoiceHistory
from credkit.ledger import Ledger

__all__ = ["add_parser", "demo_section", "render", "run"]

_BASES = {"due": AgingBasis.DUE_DATE, "issue": AgingBasis.ISSUE_DATE}
_BASIS_TEXT = {
    AgingBasis.DUE_DATE: "days past the due date",
    AgingBasis.ISSUE_DATE: "days since the issue date",
}


def add_parser(commands: Subcommands) -> None:
    """Register ``credkit age`` on the sub-command parser ``commands``."""
    parser = commands.add_parser(
        "age",
        help="aged receivables as of a date from CSV files",
        description="Age open receivables as of a date into day buckets, per customer "
        "and currency, from a directory in credkit's CSV layout or from one CSV export.",
    )
    parser.add_argument(
        "path",
        type=Path,
        metavar="PATH",
        help="directory in the canonical layout, or a CSV file of open items or invoices",
    )
    parser.add_argument(
        "--as-of", required=True, type=iso_date, metavar="DATE", help="report date, YYYY-MM-DD"
    )
    parser.add_argument(
        "--basis",
        choices=sorted(_BASES),
        default="due",
        help="age from the due date (default) or the issue date",
    )
    parser.add_argument(
        "--buckets",
        metavar="EDGES",
        help="upper edges of the overdue buckets in days, e.g. 15,30,45,60,90 "
        "(default 30,60,90,120)",
    )
    parser.add_argument(
        "--by",
        choices=("customer", "total"),
        default="customer",
        help="one line per customer and currency (default) or per currency",
    )
    add_format_argument(parser)
    add_currency_arguments(parser)
    parser.add_argument(
        "--booked",
        action="store_true",
        help="age the amounts as booked in the company currency given by --currency "
        "(no --rates), as an ERP's receivable account holds them",
    )
    parser.add_argument(
        "--mapping",
        type=Path,
        metavar="MAPPING.toml",
        help="column mapping (TOML or JSON) for a single CSV export",
    )
    parser.add_argument(
        "--engine",
        choices=("python", "polars"),
        default="python",
        help="how an open-item export is aged: pure Python (default) or polars "
        "(needs the polars extra; same checks and report)",
    )
    parser.set_defaults(func=run)


# -- input ----------------------------------------------------------------------------


MAX_BUCKET_EDGES = 50
"""The most edges ``--buckets`` takes (a table of more columns helps nobody)."""


def _buckets(text: str | None) -> Buckets:
    if text is None:
        return STANDARD
    parts = text.split(",")
    if len(parts) > MAX_BUCKET_EDGES:
        raise ValidationError(
            f"--buckets: {len(parts)} edges; at most {MAX_BUCKET_EDGES} are allowed"
        )
    edges = []
    for part in parts:
        try:
            edges.append(int(part.strip()))
        except ValueError:
            raise ValidationError(
                f"--buckets: {part.strip()!r} is not a whole number of days; "
                "expected edges such as 30,60,90,120"
            ) from None
    try:
        return Buckets.from_edges(edges)
    except ValidationError as error:
        raise ValidationError(f"--buckets: {error.message}") from None


# -- output ---------------------------------------------------------------------------


def _line_cells(line: AgingRow, with_customer: bool, names: Mapping[str, str]) -> list[str]:
    cells = [line.customer_id or "Total"] if with_customer else []
    if with_customer and names:
        cells.append(names.get(line.customer_id or "", ""))
    cells.append(line.currency)
    cells.extend(plain_amount(a) for a in line.amounts)
    cells.extend(
        [
            plain_amount(line.unapplied),
            plain_amount(line.total),
            plain_amount(line.disputed),
            str(line.count),
            "" if line.oldest_days is None else str(line.oldest_days),
        ]
    )
    return cells


def _table(report: AgingReport, by: str, names: Mapping[str, str]) -> str:
    with_customer = by == "customer"
    header = ["Customer"] if with_customer else []
    header += ["Name"] if with_customer and names else []  # an export has no names
    header += ["Currency", *report.buckets.labels, "Unapplied", "Total", "Disputed"]
    header += ["Items", "Oldest"]
    body = [_line_cells(r, with_customer, names) for r in report.rows] if with_customer else []
    totals = [_line_cells(t, with_customer, names) for t in report.totals]
    table = grid(header, [*body, *totals], left=header[: header.index("Currency") + 1])
    if body and totals:
        table.insert(2 + len(body), table[1])  # a rule between the customers and the totals
    converted = f", in {report.currency}" if report.currency else ""
    if report.valuation is Valuation.BOOKED:
        converted = f", as booked in {report.currency}"
    lines = [
        f"Aged receivables as of {report.as_of.isoformat()} "
        f"({_BASIS_TEXT[report.basis]}{converted})",
        *table,
    ]
    if not totals:
        lines.append("(no open items)")
    return "\n".join(lines)


def _row_json(report: AgingReport, line: AgingRow, names: Mapping[str, str]) -> dict[str, Any]:
    record: dict[str, Any] = {
        "customer_id": line.customer_id,  # None on the totals
        "name": None if line.customer_id is None else names.get(line.customer_id),
    }
    record.update(
        {
            "currency": line.currency,
            "buckets": bucket_list(report.buckets, line.amounts),
            "unapplied": money(line.unapplied),
            "total": money(line.total),
            "disputed": money(line.disputed),
            "count": line.count,
            "oldest_days": line.oldest_days,
        }
    )
    return record


def _document(report: AgingReport, by: str, names: Mapping[str, str]) -> dict[str, Any]:
    document: dict[str, Any] = {
        "as_of": report.as_of,
        "basis": report.basis.value,
        "currency": report.currency,
        "valuation": "booked" if report.valuation is Valuation.BOOKED else "current",
        "rows": [_row_json(report, r, names) for r in report.rows] if by == "customer" else [],
        "totals": [_row_json(report, t, names) for t in report.totals],
    }
    return document


def _csv_rows(
    report: AgingReport, by: str, names: Mapping[str, str]
) -> tuple[list[str], list[list[object]]]:
    columns = ["customer_id", "name"] if by == "customer" else []
    columns += ["currency", *(snake(label) for label in report.buckets.labels)]
    columns += ["unapplied", "total", "disputed", "count", "oldest_days"]
    lines = report.rows if by == "customer" else report.totals
    rows: list[list[object]] = []
    for line in lines:
        cells: list[object] = []
        if by == "customer":
            cells += [line.customer_id, names.get(line.customer_id or "", "")]
        cells.append(line.currency)
        cells += [a.amount for a in line.amounts]
        cells += [line.unapplied.amount, line.total.amount, line.disputed.amount]
        cells += [line.count, line.oldest_days]
        rows.append(cells)
    return columns, rows


def render(
    report: AgingReport,
    *,
    by: str = "customer",
    format: str = "table",
    raw: bool = False,
    names: Mapping[str, str] | None = None,
) -> str:
    """The report as a plain-text table, CSV or JSON (see :mod:`credkit.cli._output`).

    Tables show amounts rounded to the currency's minor units with thousands
    separators, and the customer's name from ``names`` (id -> name) beside its id;
    CSV and JSON carry the exact amounts. In JSON each row's buckets are a list of
    ``{label, lower, upper, amount}``; CSV has one column per bucket (snake_case).

    >>> from datetime import date
    >>> print(render(age([], as_of=date(2026, 3, 31)), format="csv"))
    customer_id,name,currency,not_yet_due,days_1_30,days_31_60,days_61_90,days_91_120,over_120,unapplied,total,disputed,count,oldest_days
    """
    if by not in ("customer", "total"):
        raise ValidationError(f"--by: expected 'customer' or 'total', got {by!r}")
    known = names or {}
    return emit(
        format,
        table=lambda: _table(report, by, known),
        document=lambda: _document(report, by, known),
        rows=lambda: _csv_rows(report, by, known),
        raw=raw,
    )


def demo_section(ledger: Ledger, as_of: datetime.date) -> str:
    """The aging table of ``ledger`` as of ``as_of``, one line per currency, for ``credkit demo``.

    >>> from datetime import date
    >>> print(demo_section(Ledger(), date(2026, 3, 31)))
    Aged receivables as of 2026-03-31 (days past the due date)
    Currency  Not yet due  1-30  31-60  61-90  91-120  Over 120  Unapplied  Total  Disputed  Items  Oldest
    --------  -----------  ----  -----  -----  ------  --------  ---------  -----  --------  -----  ------
    (no open items)
    """
    return render(age(ledger, as_of=as_of), by="total", format="table")


def run(args: argparse.Namespace) -> int:
    """Read the input, age it and print the report."""
    as_of: datetime.date = args.as_of
    buckets = _buckets(args.buckets)
    booked: bool = getattr(args, "booked", False)
    if booked and (args.currency is None or args.rates is not None):
        raise ValidationError(
            "--booked: needs --currency, the company currency of the booked amounts, "
            "and no --rates (nothing is converted)"
        )
    rates = None if booked else currency_rates(args.currency, args.rates)
    source = ledger_or_mapping(args.path, args.mapping, default=ColumnMapping())
    engine: Literal["python", "polars"] = (
        "polars" if getattr(args, "engine", "python") == "polars" else "python"
    )
    if engine != "python" and (
        isinstance(source, Ledger) or source.settled_on is not None or booked
    ):
        raise ValidationError(
            f"--engine: {engine} ages a single open-item export (current amounts); "
            "leave --engine out for a directory, a payment history or --booked"
        )
    options: dict[str, Any] = {
        "as_of": as_of,
        "buckets": buckets,
        "basis": _BASES[args.basis],
        "currency": args.currency,
        "rates": rates,
        "valuation": Valuation.BOOKED if booked else Valuation.CURRENT,
    }
    names: dict[str, str] = {}
    if isinstance(source, Ledger):
        names = {customer.id: customer.name for customer in source.customers}
        report = age(source, **options)
    elif booked and source.settled_on is None:  # booked amounts: read the items, then age
        report = age(read_open_items(args.path, mapping=source), **options)
    elif source.settled_on is None:  # an open-item export: aged in one pass
        del options["valuation"]
        report = age_open_items(args.path, mapping=source, engine=engine, **options)
    else:
        history = InvoiceHistory(
            read_invoices(args.path, mapping=source), read_settlements(args.path, mapping=source)
        )
        report = age(history.open_items(as_of), **options)
    print(render(report, by=args.by, format=args.format, raw=args.raw_csv, names=names))
    return OK
