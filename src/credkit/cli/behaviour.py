"""``credkit behaviour``: how each customer pays, from a payment-history CSV file.

``FILE`` is a CSV export of invoices with a settled-date column, read with
:func:`credkit.io.read_settlements` (``--mapping`` names its columns; by default
those of credkit's ``invoices.csv`` plus ``settled_on``), or a directory in the
canonical layout, whose ledger's settlements are used.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import io
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
from babel.numbers import format_decimal

from credkit import config
from credkit.errors import ValidationError
from credkit.io import ColumnMapping, read_ledger, read_rates, read_settlements
from credkit.kpi import (
    InsufficientData,
    PaymentBehaviour,
    most_deteriorated,
    payment_behaviour,
)
from credkit.ledger import Settlement

__all__ = ["add_parser", "render", "run"]


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date; expected YYYY-MM-DD such as 2026-03-31"
        ) from None


def add_parser(commands: Any) -> None:
    """Register ``credkit behaviour`` on the sub-command parser ``commands``."""
    parser = commands.add_parser(
        "behaviour",
        help="payment behaviour per customer from a payment-history CSV file",
        description="Summarise how each customer paid the invoices settled in a window "
        "(days to pay, days beyond terms, on-time share, a 0-100 payment index on the "
        "public PAYDEX scale, trend) and list the customers whose payment deteriorated most.",
    )
    parser.add_argument(
        "path",
        type=Path,
        metavar="FILE.csv",
        help="CSV export of invoices with a settled-date column (or a canonical directory)",
    )
    parser.add_argument(
        "--mapping",
        type=Path,
        metavar="MAPPING.toml",
        help="column mapping (TOML or JSON); must name the settled-date column",
    )
    parser.add_argument(
        "--as-of",
        type=_date,
        metavar="DATE",
        help="analysis date, YYYY-MM-DD (default: the latest settlement in the file)",
    )
    parser.add_argument(
        "--window-months", type=int, default=24, metavar="N", help="window (default 24)"
    )
    parser.add_argument(
        "--min-invoices",
        type=int,
        default=3,
        metavar="N",
        help="paid invoices a customer needs in the window (default 3)",
    )
    parser.add_argument(
        "--threshold-days",
        default="5",
        metavar="DAYS",
        help="change in days late that counts as a trend (default 5)",
    )
    parser.add_argument(
        "--top", type=int, default=10, metavar="N", help="most deteriorated customers to list"
    )
    parser.add_argument(
        "--currency",
        metavar="CODE",
        help="weighting currency for customers with several currencies (needs --rates)",
    )
    parser.add_argument(
        "--rates",
        type=Path,
        metavar="RATES.csv",
        help="exchange rates: valid_from,base,quote,rate per line",
    )
    parser.add_argument("--format", choices=("table", "csv"), default="table", help="output format")
    parser.set_defaults(func=run)


# -- output -----------------------------------------------------------------------------

_COLUMNS = (
    "customer_id",
    "status",
    "currency",
    "invoices",
    "average_days_to_pay",
    "average_days_beyond_terms",
    "weighted_days_beyond_terms",
    "weighted_days_late",
    "share_on_time",
    "share_early",
    "payment_index",
    "trend",
    "trend_change",
)


def _one(value: Decimal) -> str:
    return format_decimal(value, format="#,##0.0", locale="en_US")


def _percent(value: Decimal) -> str:
    return format_decimal(value * 100, format="0", locale="en_US")


def _table(
    results: Mapping[str, PaymentBehaviour | InsufficientData], as_of: datetime.date, top: int
) -> str:
    header = [
        "Customer",
        "Cur",
        "Invoices",
        "Days to pay",
        "DBT",
        "DBT wtd",
        "On time %",
        "Early %",
        "Index",
        "Trend",
        "Change",
    ]
    body: list[list[str]] = []
    for customer, value in results.items():
        if isinstance(value, InsufficientData):
            body.append(
                [customer, "", str(value.invoices), "", "", "", "", "", "", "insufficient data", ""]
            )
            continue
        change = value.trend.change
        body.append(
            [
                customer,
                value.currency,
                str(value.invoices),
                _one(value.average_days_to_pay),
                _one(value.average_days_beyond_terms),
                _one(value.weighted_days_beyond_terms),
                _percent(value.share_on_time),
                _percent(value.share_early),
                _one(value.payment_index),
                value.trend.direction.value.replace("_", " "),
                "" if change is None else f"{change:+.1f}",
            ]
        )
    widths = [max(len(cells[i]) for cells in [header, *body]) for i in range(len(header))]

    def fmt(cells: Sequence[str]) -> str:
        return "  ".join(
            cell.ljust(width) if i in (0, 1, 9) else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    lines = [
        f"Payment behaviour as of {as_of.isoformat()} (DBT: days beyond terms, early payment "
        "negative; index 0-100 on the public PAYDEX scale, 80 = within terms)",
        fmt(header),
        "  ".join("-" * w for w in widths),
        *(fmt(cells) for cells in body),
    ]
    if not body:
        lines.append("(no settled invoices)")
    worst = most_deteriorated(results, limit=top)
    if top:
        lines += ["", f"Payment deteriorated most (top {top}, days late recently vs before)"]
        lines += [
            f"  {t.customer_id}: {_one(t.baseline_days_late or Decimal(0))} -> "
            f"{_one(t.recent_days_late or Decimal(0))} days late ({t.change:+.1f})"
            for t in worst
        ] or ["  (none)"]
    return "\n".join(lines)


def _csv(results: Mapping[str, PaymentBehaviour | InsufficientData]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(_COLUMNS)
    for customer, value in results.items():
        if isinstance(value, InsufficientData):
            writer.writerow([customer, "insufficient_data", "", value.invoices] + [""] * 9)
            continue
        writer.writerow(
            [
                customer,
                "ok",
                value.currency,
                value.invoices,
                value.average_days_to_pay,
                value.average_days_beyond_terms,
                value.weighted_days_beyond_terms,
                value.weighted_days_late,
                value.share_on_time,
                value.share_early,
                value.payment_index,
                value.trend.direction.value,
                "" if value.trend.change is None else value.trend.change,
            ]
        )
    return buffer.getvalue().rstrip("\n")


def render(
    results: Mapping[str, PaymentBehaviour | InsufficientData],
    *,
    as_of: datetime.date,
    format: str = "table",
    top: int = 10,
) -> str:
    """The results of :func:`~credkit.kpi.payment_behaviour` as a table or CSV.

    Tables round days to one decimal and shares to whole percent, and end with the
    ``top`` customers whose payment deteriorated most; CSV carries the exact values.

    >>> print(render({}, as_of=datetime.date(2026, 3, 31), format="csv"))
    customer_id,status,currency,invoices,average_days_to_pay,average_days_beyond_terms,weighted_days_beyond_terms,weighted_days_late,share_on_time,share_early,payment_index,trend,trend_change
    """
    if format == "table":
        return _table(results, as_of, top)
    if format == "csv":
        return _csv(results)
    raise ValidationError(f"format: expected 'table' or 'csv', got {format!r}")


# -- input ------------------------------------------------------------------------------


def _settlements(path: Path, mapping_path: Path | None) -> tuple[Settlement, ...]:
    if path.is_dir():
        if mapping_path is not None:
            raise ValidationError(
                f"--mapping: applies to a single CSV export, but {str(path)!r} is a directory "
                "in the canonical layout"
            )
        return read_ledger(path).settlements()
    if not path.is_file():
        raise ValidationError(f"FILE: {str(path)!r} is neither a file nor a directory")
    mapping = (
        config.load(ColumnMapping, mapping_path)
        if mapping_path is not None
        else ColumnMapping(settled_on="settled_on")
    )
    return read_settlements(path, mapping=mapping)


def run(args: argparse.Namespace) -> int:
    """Read the payment history, analyse it and print the result."""
    if (args.currency is None) != (args.rates is None):
        raise ValidationError(
            "--currency and --rates go together: customers paying in several currencies "
            "are weighted in --currency, converted with --rates"
        )
    if args.top < 0:
        raise ValidationError(f"--top: must be zero or more, got {args.top}")
    settlements = _settlements(args.path, args.mapping)
    as_of: datetime.date | None = args.as_of
    if as_of is None:
        if not settlements:
            raise ValidationError(
                f"FILE: {str(args.path)!r} has no settled invoices; nothing to analyse "
                "(pass --as-of to analyse an empty history)"
            )
        as_of = max(s.settled_on for s in settlements)
    rates = None
    if args.rates is not None:
        rates = read_rates(args.rates)
        bases = {rate.base for rate in rates.rates}
        if len(bases) == 1:
            rates = attrs.evolve(rates, pivot=bases.pop())
    results = payment_behaviour(
        settlements,
        as_of=as_of,
        window_months=args.window_months,
        min_invoices=args.min_invoices,
        threshold_days=args.threshold_days,
        currency=args.currency,
        rates=rates,
    )
    print(render(results, as_of=as_of, format=args.format, top=args.top))
    return 0
