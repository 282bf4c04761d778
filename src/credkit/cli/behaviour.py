"""``credkit behaviour``: how each customer pays, from a payment-history CSV file.

``FILE`` is a CSV export of invoices with a settled-date column, read with
:func:`credkit.io.read_settlements` (``--mapping`` names its columns; by default
those of credkit's ``invoices.csv`` plus ``settled_on``), or a directory in the
canonical layout, whose ledger's settlements are used.
"""

from __future__ import annotations

import argparse
import datetime
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from credkit.cli._common import (
    Subcommands,
    add_currency_arguments,
    currency_rates,
    grid,
    iso_date,
    ledger_or_mapping,
    plain_number,
)
from credkit.cli._output import OK, add_format_argument, emit
from credkit.errors import ValidationError
from credkit.io import ColumnMapping, behaviour_from_file, read_payment_history
from credkit.kpi import (
    InsufficientData,
    PaymentBehaviour,
    most_deteriorated,
    payment_behaviour,
    window_start,
)
from credkit.ledger import Ledger, Settlement

__all__ = ["Exclusion", "add_parser", "exclusions", "render", "run"]


def add_parser(commands: Subcommands) -> None:
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
        type=iso_date,
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
    add_currency_arguments(
        parser,
        currency_help="weighting currency for customers with several currencies (needs --rates)",
    )
    add_format_argument(parser)
    parser.add_argument(
        "--engine",
        choices=("python", "polars"),
        default="python",
        help="how a payment-history CSV file is analysed: pure Python (default) or polars "
        "(needs the polars extra; same checks and figures)",
    )
    parser.set_defaults(func=run)


# -- what was not analysed -------------------------------------------------------------


@attrs.frozen
class Exclusion:
    """Lines or settlements of the input that the analysis left out, and why.

    >>> Exclusion(reason="open", count=2, message="2 lines with no settled date").count
    2
    """

    reason: str  # a stable code: open, before_window, after_as_of
    count: int
    message: str


def exclusions(
    settlements: tuple[Settlement, ...],
    open_lines: tuple[int, ...],
    *,
    as_of: datetime.date,
    window_months: int,
) -> tuple[Exclusion, ...]:
    """Everything the analysis leaves out, counted, with the reason (nothing dropped silently).

    >>> exclusions((), (3, 7), as_of=datetime.date(2026, 3, 31), window_months=24)[0].message
    '2 lines with no settled date (invoices still open), not analysed'
    """
    start = window_start(as_of, window_months=window_months) - datetime.timedelta(days=1)
    before = sum(1 for s in settlements if s.settled_on <= start)
    after = sum(1 for s in settlements if s.settled_on > as_of)
    found = [
        Exclusion(
            reason="open",
            count=len(open_lines),
            message=f"{_lines(len(open_lines))} with no settled date (invoices still open), "
            "not analysed",
        ),
        Exclusion(
            reason="before_window",
            count=before,
            message=f"{_settlements_text(before)} on or before {start.isoformat()}, outside "
            f"the {window_months}-month window, not analysed",
        ),
        Exclusion(
            reason="after_as_of",
            count=after,
            message=f"{_settlements_text(after)} after {as_of.isoformat()}, the analysis date, "
            "not analysed",
        ),
    ]
    return tuple(e for e in found if e.count)


def _lines(count: int) -> str:
    return f"{count} line" + ("" if count == 1 else "s")


def _settlements_text(count: int) -> str:
    return f"{count} settlement" + ("" if count == 1 else "s")


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
    return plain_number(value, 1)


def _percent(value: Decimal) -> str:
    return plain_number(value * 100, 0)


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
    lines = [
        f"Payment behaviour as of {as_of.isoformat()} (DBT: days beyond terms, early payment "
        "negative; index 0-100 on the public PAYDEX scale, 80 = within terms)",
        *grid(header, body, left={"Customer", "Cur", "Trend"}),
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


_FIGURES = (
    "average_days_to_pay",
    "average_days_beyond_terms",
    "weighted_days_beyond_terms",
    "weighted_days_late",
    "share_on_time",
    "share_early",
    "payment_index",
)


def _record(customer: str, value: PaymentBehaviour | InsufficientData) -> dict[str, Any]:
    """One customer's figures, the same keys whether analysed or not (``None``: not)."""
    if isinstance(value, InsufficientData):
        return {
            "customer_id": customer,
            "status": "insufficient_data",
            "currency": None,
            "invoices": value.invoices,
            **dict.fromkeys(_FIGURES),
            "trend": None,
            "trend_change": None,
        }
    return {
        "customer_id": customer,
        "status": "ok",
        "currency": value.currency,
        "invoices": value.invoices,
        **{name: getattr(value, name) for name in _FIGURES},
        "trend": value.trend.direction.value,
        "trend_change": value.trend.change,
    }


def render(
    results: Mapping[str, PaymentBehaviour | InsufficientData],
    *,
    as_of: datetime.date,
    format: str = "table",
    top: int = 10,
    raw: bool = False,
    excluded: tuple[Exclusion, ...] = (),
) -> str:
    """The results of :func:`~credkit.kpi.payment_behaviour` as a table, JSON or CSV.

    Tables round days to one decimal and shares to whole percent, and end with the
    ``top`` customers whose payment deteriorated most; JSON and CSV carry the exact
    values (see :mod:`credkit.cli._output`; CSV cells made safe for spreadsheets
    unless ``raw``).

    >>> print(render({}, as_of=datetime.date(2026, 3, 31), format="csv"))
    customer_id,status,currency,invoices,average_days_to_pay,average_days_beyond_terms,weighted_days_beyond_terms,weighted_days_late,share_on_time,share_early,payment_index,trend,trend_change
    """

    def table() -> str:
        text = _table(results, as_of, top)
        if excluded:
            text += "\n\nNot analysed:\n" + "\n".join(f"  {e.message}" for e in excluded)
        return text

    records = [_record(customer, value) for customer, value in results.items()]
    return emit(
        format,
        table=table,
        document=lambda: {
            "as_of": as_of,
            "customers": records,
            "excluded": [attrs.asdict(e) for e in excluded],
        },
        rows=lambda: (_COLUMNS, [[r[c] for c in _COLUMNS] for r in records]),
        raw=raw,
    )


# -- input ------------------------------------------------------------------------------


def _settlements(
    path: Path, mapping_path: Path | None
) -> tuple[tuple[Settlement, ...], tuple[int, ...]]:
    """The settlements, and the lines of open invoices (none from a ledger directory)."""
    source = ledger_or_mapping(
        path, mapping_path, default=ColumnMapping(settled_on="settled_on"), name="FILE"
    )
    if isinstance(source, Ledger):
        return source.settlements(), ()
    history = read_payment_history(path, mapping=source)
    return history.settlements, history.open_lines


def _from_file(
    path: Path, mapping_path: Path | None, options: dict[str, Any]
) -> dict[str, PaymentBehaviour | InsufficientData]:
    """The figures of a payment-history file by the polars engine (``--engine polars``)."""
    source = ledger_or_mapping(
        path, mapping_path, default=ColumnMapping(settled_on="settled_on"), name="FILE"
    )
    if isinstance(source, Ledger):
        raise ValidationError(
            "--engine: polars analyses a payment-history CSV file; leave --engine out for "
            "a directory"
        )
    return behaviour_from_file(path, mapping=source, engine="polars", **options)


def run(args: argparse.Namespace) -> int:
    """Read the payment history, analyse it and print the result."""
    if args.top < 0:
        raise ValidationError(f"--top: must be zero or more, got {args.top}")
    rates = currency_rates(
        args.currency,
        args.rates,
        why="customers paying in several currencies are weighted in --currency, "
        "converted with --rates",
    )
    settlements, open_lines = _settlements(args.path, args.mapping)
    as_of: datetime.date | None = args.as_of
    if as_of is None:
        if not settlements:
            raise ValidationError(
                f"FILE: {str(args.path)!r} has no settled invoices; nothing to analyse "
                "(pass --as-of to analyse an empty history)"
            )
        as_of = max(s.settled_on for s in settlements)
    options: dict[str, Any] = {
        "as_of": as_of,
        "window_months": args.window_months,
        "min_invoices": args.min_invoices,
        "threshold_days": args.threshold_days,
        "currency": args.currency,
        "rates": rates,
    }
    if getattr(args, "engine", "python") == "polars":
        results = _from_file(args.path, args.mapping, options)
    else:
        results = payment_behaviour(settlements, **options)
    excluded = exclusions(settlements, open_lines, as_of=as_of, window_months=args.window_months)
    print(
        render(
            results,
            as_of=as_of,
            format=args.format,
            top=args.top,
            raw=args.raw_csv,
            excluded=excluded,
        )
    )
    return OK
