"""``credkit behaviour``: how each customer pays, from a payment-history CSV file.

``FILE`` is a CSV export of invoices with a settled-date column (``--mapping`` names
its columns; by default those of credkit's ``invoices.csv`` plus ``settled_on``),
analysed straight from the file by :func:`credkit.io.behaviour_from_file` on the
engine of ``--engine`` (no record per line; the checks and errors of
:func:`credkit.io.read_payment_history`), or a directory in the canonical layout,
whose ledger's settlements are used.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import importlib
from collections import Counter
from collections.abc import Iterable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

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
from credkit.io import ISO_DATE, ColumnMapping, behaviour_from_file
from credkit.io.erp import history_blocks
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
    history = _history(settlements, len(open_lines))
    return _exclusions(history, as_of=as_of, window_months=window_months)


def _exclusions(
    history: _History, *, as_of: datetime.date, window_months: int
) -> tuple[Exclusion, ...]:
    """:func:`exclusions` of the settlement dates and open lines of a history."""
    start = window_start(as_of, window_months=window_months) - datetime.timedelta(days=1)
    before = sum(count for day, count in history.settled.items() if day <= start)
    after = sum(count for day, count in history.settled.items() if day > as_of)
    opened = history.open_count
    found = [
        Exclusion(
            reason="open",
            count=opened,
            message=f"{_lines(opened)} with no settled date (invoices still open), not analysed",
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

_FIGURES = (
    "average_days_to_pay",
    "average_days_beyond_terms",
    "weighted_days_beyond_terms",
    "weighted_days_late",
    "share_on_time",
    "share_early",
    "payment_index",
)


_COLUMNS = (
    "customer_id",
    "status",
    "currency",
    "invoices",
    *_FIGURES,
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


@attrs.frozen
class _History:
    """What the command needs of a payment history besides the figures: when each
    invoice was settled (the number settled on each date) and the open lines."""

    settled: Mapping[datetime.date, int]
    open_count: int


def _history(settlements: Iterable[Settlement], open_count: int) -> _History:
    return _History(Counter(s.settled_on for s in settlements), open_count)


def _checked_history(path: Path, mapping: ColumnMapping) -> _History:
    """The history read with every check of :func:`credkit.io.read_payment_history`
    (its errors), a block of columns at a time, without building records."""
    settled: Counter[datetime.date] = Counter()
    open_count = 0
    for columns in history_blocks(path, mapping=mapping):
        settled.update(columns.settled)
        open_count += len(columns.open_lines)
    return _History(settled, open_count)


def _is_utf8(mapping: ColumnMapping) -> bool:
    return mapping.encoding.lower().replace("_", "-") in ("utf-8", "utf8")


def _settled_cells(path: Path, mapping: ColumnMapping) -> Counter[str] | None:
    """How often each settled-date cell (trimmed) is written in ``path``, read with the
    csv module as credkit's readers split a file; None if the file does not read so
    (the checked reading then says why)."""
    column = mapping.settled_on
    codec = "utf-8-sig" if _is_utf8(mapping) else mapping.encoding
    cells: Counter[str] = Counter()
    try:
        with path.open(encoding=codec, newline="") as file:
            reader = csv.reader(file, delimiter=mapping.delimiter, strict=True)
            header = [name.strip() for name in next(reader, [])]
            if header.count(str(column)) != 1:
                return None
            position, width = header.index(str(column)), len(header)
            for row in reader:
                if len(row) < width:
                    if not row or (len(row) == 1 and not row[0].strip()):
                        continue  # a blank line, skipped as the readers skip it
                    return None
                cells[row[position].strip()] += 1
    except (OSError, UnicodeError, LookupError, csv.Error):
        return None
    return cells


def _polars_settled_cells(path: Path, mapping: ColumnMapping) -> Counter[str] | None:
    """:func:`_settled_cells` counted by polars (``--engine polars``); None where it
    cannot vouch for the count (no polars, another encoding, a blank or ragged line)."""
    if not _is_utf8(mapping):
        return None
    try:
        pl: Any = importlib.import_module("polars")  # optional: only for --engine polars
    except ImportError:
        return None
    try:
        scan = pl.scan_csv(
            path,
            separator=mapping.delimiter,
            infer_schema=False,
            raise_if_empty=False,
            encoding="utf8",
        )
        names = scan.collect_schema().names()
        found = [n for n in names if n.removeprefix("\ufeff").strip() == mapping.settled_on]
        if len(found) != 1:
            return None
        trimmed = [pl.col(n).fill_null("").str.strip_chars() for n in names]
        blank = pl.all_horizontal(cell == "" for cell in trimmed)
        counted = (
            scan.select(
                pl.col(found[0]).fill_null("").str.strip_chars().alias("cell"),
                blank.alias("blank"),
            )
            .group_by("cell")
            .agg(pl.len().alias("count"), pl.col("blank").any().alias("blank"))
            .collect(engine="streaming")
        )
    except (OSError, pl.exceptions.PolarsError):
        return None
    if counted["blank"].any():
        return None  # a blank line: the csv reading counts as the readers do
    return Counter(dict(zip(counted["cell"].to_list(), counted["count"].to_list(), strict=True)))


def _quick_history(path: Path, mapping: ColumnMapping, engine: str) -> _History | None:
    """The history from the settled-date column alone (one cheap pass that checks
    nothing else), or None where the checked reading must be used."""
    cells = _polars_settled_cells(path, mapping) if engine == "polars" else None
    if cells is None:
        cells = _settled_cells(path, mapping)
    if cells is None:
        return None
    open_count = cells.pop("", 0)
    settled: Counter[datetime.date] = Counter()
    iso = mapping.date_format == ISO_DATE
    for text, count in cells.items():
        try:
            if iso:
                day = datetime.date.fromisoformat(text)
                if day.isoformat() != text:
                    return None
            else:
                day = datetime.datetime.strptime(text, mapping.date_format).date()
        except ValueError:
            return None  # a bad date: the checked reading names its line
        settled[day] += count
    return _History(settled, open_count)


def _file_history(path: Path, mapping: ColumnMapping, engine: str) -> _History:
    """The dates and open lines of a payment-history file; the file's figures come
    from :func:`credkit.io.behaviour_from_file`, which reads and checks it whole."""
    quick = _quick_history(path, mapping, engine)
    if quick is None or not quick.settled:  # nothing settled: the read errors come first
        return _checked_history(path, mapping)
    return quick


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
    engine: Literal["python", "polars"] = (
        "polars" if getattr(args, "engine", "python") == "polars" else "python"
    )
    source = ledger_or_mapping(
        args.path, args.mapping, default=ColumnMapping(settled_on="settled_on"), name="FILE"
    )
    settlements: tuple[Settlement, ...] = ()
    if isinstance(source, Ledger):
        settlements = source.settlements()
        history = _history(settlements, 0)
    else:
        history = _file_history(args.path, source, engine)
    as_of: datetime.date | None = args.as_of
    if as_of is None:
        if not history.settled:
            raise ValidationError(
                f"FILE: {str(args.path)!r} has no settled invoices; nothing to analyse "
                "(pass --as-of to analyse an empty history)"
            )
        as_of = max(history.settled)
    options: dict[str, Any] = {
        "as_of": as_of,
        "window_months": args.window_months,
        "min_invoices": args.min_invoices,
        "threshold_days": args.threshold_days,
        "currency": args.currency,
        "rates": rates,
    }
    if isinstance(source, Ledger):
        if engine == "polars":
            raise ValidationError(
                "--engine: polars analyses a payment-history CSV file; leave --engine out for "
                "a directory"
            )
        results = payment_behaviour(settlements, **options)
    else:
        results = behaviour_from_file(args.path, mapping=source, engine=engine, **options)
    excluded = _exclusions(history, as_of=as_of, window_months=args.window_months)
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
