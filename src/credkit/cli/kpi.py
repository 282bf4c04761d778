"""``credkit kpi``: receivables KPIs of a period, from CSV files.

``PATH`` is a directory in credkit's canonical layout (read with
:func:`credkit.io.read_ledger`) or a single CSV export of invoices with a
settled-date column (an :class:`~credkit.kpi.InvoiceHistory`; ``--mapping`` names
its columns, by default those of ``invoices.csv`` plus ``settled_on``), read with
:func:`credkit.io.kpis_from_file` (``--engine polars`` for its columnar engine).
"""

from __future__ import annotations

import argparse
import datetime
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from dateutil.relativedelta import relativedelta

from credkit import sample
from credkit.cli._common import (
    Subcommands,
    add_currency_arguments,
    currency_rates,
    grid,
    iso_date,
    ledger_or_mapping,
    plain_amount,
    plain_number,
)
from credkit.cli._output import OK, add_format_argument, emit
from credkit.errors import ValidationError
from credkit.io import ColumnMapping
from credkit.io.kpi import _reports_from_file
from credkit.kpi import (
    KPIFigures,
    KPIReport,
    kpis,
    monthly_series,
    most_deteriorated,
    payment_behaviour,
)
from credkit.kpi.report import _series_periods
from credkit.ledger import Ledger
from credkit.money import Money

__all__ = ["add_parser", "demo_section", "render", "run"]


def add_parser(commands: Subcommands) -> None:
    """Register ``credkit kpi`` on the sub-command parser ``commands``."""
    parser = commands.add_parser(
        "kpi",
        help="receivables KPIs of a period (DSO, CEI, turnover, ...) from CSV files",
        description="Compute DSO (simple and countback), best possible DSO, average days "
        "delinquent, the collection effectiveness index, the bad-debt ratio, turnover and "
        "percent current for a period, per currency, from a directory in credkit's CSV "
        "layout or from one CSV export of invoices with a settled-date column.",
    )
    parser.add_argument(
        "path",
        type=Path,
        metavar="PATH",
        help="directory in the canonical layout, or a CSV file of invoices with settled dates",
    )
    parser.add_argument(
        "--from",
        dest="period_start",
        required=True,
        type=iso_date,
        metavar="DATE",
        help="first day of the period, YYYY-MM-DD",
    )
    parser.add_argument(
        "--to",
        dest="period_end",
        required=True,
        type=iso_date,
        metavar="DATE",
        help="last day of the period, YYYY-MM-DD",
    )
    parser.add_argument(
        "--monthly",
        type=int,
        default=0,
        metavar="N",
        help="also show the DSO trend over the N calendar months up to --to",
    )
    add_currency_arguments(parser)
    parser.add_argument(
        "--mapping",
        type=Path,
        metavar="MAPPING.toml",
        help="column mapping (TOML or JSON) for a single CSV export",
    )
    add_format_argument(parser)
    parser.add_argument(
        "--engine",
        choices=("python", "polars"),
        default="python",
        help="how a single CSV export is read: pure Python (default) or polars (needs the "
        "polars extra; same checks and figures)",
    )
    parser.set_defaults(func=run)


# -- output -----------------------------------------------------------------------------

_ROWS: tuple[tuple[str, str, str], ...] = (
    # (label, attribute, how to show it)
    ("Beginning AR", "beginning_ar", "money"),
    ("Credit sales", "credit_sales", "money"),
    ("Ending AR", "ending_ar", "money"),
    ("  not yet due", "ending_current_ar", "money"),
    ("  overdue", "ending_overdue_ar", "money"),
    ("Unapplied cash and credits", "unapplied", "money"),
    ("Written off", "written_off", "money"),
    ("DSO, simple (days)", "dso", "number"),
    ("DSO, countback (days)", "countback_dso", "number"),
    ("Best possible DSO (days)", "best_possible_dso", "number"),
    ("Average days delinquent", "average_days_delinquent", "number"),
    ("Collection effectiveness (%)", "collection_effectiveness_index", "number"),
    ("Bad-debt ratio (%)", "bad_debt_ratio", "percent"),
    ("AR turnover (times)", "ar_turnover", "times"),
    ("Turnover days", "turnover_days", "number"),
    ("Percent current (%)", "percent_current", "number"),
)


def _cell(figures: KPIFigures, attribute: str, kind: str) -> str:
    value = getattr(figures, attribute)
    if value is None:
        return "n/a"
    if kind == "money":
        return plain_amount(value)
    if kind == "percent":
        return plain_number(value * 100, 2)
    if kind == "times":
        return plain_number(value, 2)
    return plain_number(value, 1)


def _title(report: KPIReport) -> str:
    converted = f", in {report.currency}" if report.currency else ""
    months = report.months.normalize()
    shown = str(int(months)) if months == int(months) else plain_number(months, 2)
    return (
        f"Receivables KPIs {report.period_start.isoformat()} to {report.period_end.isoformat()} "
        f"({report.days} days, {shown} months{converted})"
    )


def _table(report: KPIReport) -> str:
    lines = [_title(report)]
    if not report.figures:
        lines.append("(no receivables, sales or write-offs in the period)")
        return "\n".join(lines)
    header = ["", *report.currencies]
    body = [
        [label, *(_cell(f, attribute, kind) for f in report.figures)]
        for label, attribute, kind in _ROWS
    ]
    lines += grid(header, body, left=[""])  # the labels; the currencies' figures right
    notes = [
        f"  {f.currency} {name}: {reason}"
        for f in report.figures
        for name, reason in f.undefined.items()
    ]
    if notes:
        lines += ["n/a:", *notes]
    return "\n".join(lines)


def _trend_table(series: Sequence[KPIReport]) -> str:
    header = ["Month", "Currency", "DSO", "Countback", "Best possible", "Delinquent", "Current %"]
    body = []
    for report in series:
        for f in report.figures:
            body.append(
                [
                    report.period_start.strftime("%Y-%m"),
                    f.currency,
                    *(
                        _cell(f, attribute, "number")
                        for attribute in (
                            "dso",
                            "countback_dso",
                            "best_possible_dso",
                            "average_days_delinquent",
                            "percent_current",
                        )
                    ),
                ]
            )
    return "\n".join(["DSO trend by month", *grid(header, body, left=header[:2])])


def _report_json(report: KPIReport) -> dict[str, Any]:
    return {
        "period_start": report.period_start,
        "period_end": report.period_end,
        "days": report.days,
        "months": report.months,
        "currency": report.currency,
        "figures": [
            {
                "currency": f.currency,
                **{attribute: getattr(f, attribute) for _label, attribute, _kind in _ROWS},
                "undefined": dict(f.undefined),
            }
            for f in report.figures
        ],
    }


_CSV_COLUMNS = ["period_start", "period_end", "currency", *(a for _l, a, _k in _ROWS)]


def _csv_rows(reports: Sequence[KPIReport]) -> tuple[list[str], list[list[object]]]:
    rows: list[list[object]] = []
    for report in reports:
        for f in report.figures:
            values = [getattr(f, attribute) for _label, attribute, _kind in _ROWS]
            rows.append(
                [
                    report.period_start.isoformat(),
                    report.period_end.isoformat(),
                    f.currency,
                    *(v.amount if isinstance(v, Money) else v for v in values),
                ]
            )
    return _CSV_COLUMNS, rows


def render(
    report: KPIReport,
    *,
    series: Sequence[KPIReport] = (),
    format: str = "table",
    raw: bool = False,
) -> str:
    """The report (and an optional monthly ``series``) as a plain-text table, JSON or CSV.

    Tables show amounts rounded to the currency's minor units and KPIs to one decimal
    (the bad-debt ratio as a percentage, turnover to two decimals); JSON and CSV carry
    the exact values (see :mod:`credkit.cli._output`). CSV has one row per period and
    currency: the report's, then the monthly series'.

    >>> from datetime import date
    >>> print(render(kpis(Ledger(), period_start=date(2026, 1, 1), period_end=date(2026, 3, 31))))
    Receivables KPIs 2026-01-01 to 2026-03-31 (90 days, 3 months)
    (no receivables, sales or write-offs in the period)
    """

    def table() -> str:
        text = _table(report)
        if series:
            text += "\n\n" + _trend_table(series)
        return text

    def document() -> dict[str, Any]:
        result = _report_json(report)
        result["monthly"] = [_report_json(r) for r in series]
        return result

    return emit(
        format, table=table, document=document, rows=lambda: _csv_rows([report, *series]), raw=raw
    )


def demo_section(portfolio: sample.SamplePortfolio) -> str:
    """KPIs of the sample's last three months and its ten most deteriorated payers.

    For ``credkit demo``: the KPI table (per currency) for the three months ending on
    ``portfolio.end``, then the customers whose payment deteriorated most, from
    :func:`~credkit.kpi.payment_behaviour` over the sample's settled invoices.

    >>> text = demo_section(sample.generate(seed=1, customers=20))
    >>> print(text.splitlines()[0])
    Receivables KPIs 2026-09-01 to 2026-11-30 (91 days, 3 months)
    >>> "Payment deteriorated most" in text
    True
    """
    end = portfolio.end
    start = end + datetime.timedelta(days=1) - relativedelta(months=3)
    report = kpis(portfolio.ledger, period_start=start, period_end=end)
    results = payment_behaviour(portfolio.ledger.settlements(), as_of=end)
    worst = most_deteriorated(results, limit=10)
    names = {c.id: c.name for c in portfolio.ledger.customers}
    lines = [
        _table(report),
        "",
        "Payment deteriorated most (days late, last 3 months against the 12 before)",
    ]
    if not worst:
        lines.append("(no customer's payment deteriorated)")
        return "\n".join(lines)
    body = [
        [
            t.customer_id,
            names.get(t.customer_id, ""),
            plain_number(t.baseline_days_late or Decimal(0), 1),
            plain_number(t.recent_days_late or Decimal(0), 1),
            "+" + plain_number(t.change or Decimal(0), 1),
        ]
        for t in worst
    ]
    header = ["Customer", "Name", "Before", "Recent", "Change"]
    lines += grid(header, body, left=header[:2])
    return "\n".join(lines)


# -- input ------------------------------------------------------------------------------


def _source(path: Path, mapping_path: Path | None) -> Ledger | ColumnMapping:
    source = ledger_or_mapping(path, mapping_path, default=ColumnMapping(settled_on="settled_on"))
    if isinstance(source, Ledger):
        return source
    if source.settled_on is None:
        raise ValidationError(
            "--mapping: names no settled-date column (settled_on); KPIs from a single "
            "export need to know when each invoice was paid"
        )
    return source


def run(args: argparse.Namespace) -> int:
    """Read the input, compute the KPIs and print them."""
    if args.monthly < 0:
        raise ValidationError(f"--monthly: must be zero or more months, got {args.monthly}")
    engine = getattr(args, "engine", "python")
    rates = currency_rates(args.currency, args.rates)
    source = _source(args.path, args.mapping)
    series: tuple[KPIReport, ...] = ()
    if isinstance(source, Ledger):
        if engine != "python":
            raise ValidationError(
                f"--engine: {engine} reads a single CSV export of invoices with settled "
                "dates; leave --engine out for a directory"
            )
        report = kpis(
            source,
            period_start=args.period_start,
            period_end=args.period_end,
            currency=args.currency,
            rates=rates,
        )
        if args.monthly:
            series = monthly_series(
                source,
                end=args.period_end,
                months=args.monthly,
                currency=args.currency,
                rates=rates,
            )
    else:
        # the period and the monthly series from one reading of the file
        periods = [(args.period_start, args.period_end)]
        if args.monthly:
            periods += _series_periods(args.period_end, args.monthly)
        report, *monthly = _reports_from_file(
            args.path,
            mapping=source,
            periods=periods,
            currency=args.currency,
            rates=rates,
            engine=engine,
        )
        series = tuple(monthly)
    print(render(report, series=series, format=args.format, raw=args.raw_csv))
    return OK
