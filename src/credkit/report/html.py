"""The portfolio report as one self-contained HTML page.

:func:`render_html` writes a :class:`~credkit.report.PortfolioReport` as a single
file: inline CSS (with an ``@media print`` part, so that it prints on A4 or Letter
without cut tables), inline SVG charts from ``credkit.report.svg``, no script, no
font, image or style sheet from anywhere else. Every chart is followed by a table of
the same figures, for screen readers and for the exact amounts; tables show customer
names beside ids and reason texts beside codes. Amounts are formatted with babel
through :meth:`credkit.money.Money.format`, numbers and dates in ``locale``.
"""

from __future__ import annotations

import datetime
import html
from collections.abc import Callable, Iterable, Sequence
from decimal import ROUND_FLOOR, Decimal
from typing import Final

import babel
import babel.dates
import babel.numbers

from credkit._validate import check_locale
from credkit._version import __version__
from credkit.money import Money
from credkit.report.figures import UNRATED, PortfolioReport
from credkit.report.svg import line_chart, stacked_bar_chart

__all__ = ["STYLE", "render_html"]

STYLE: Final = """
:root { color-scheme: light; --ink: #1b1f24; --muted: #59636e; --rule: #d0d7de;
        --band: #f6f8fa; --accent: #0b5cad; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto,
       "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: #fff; }
header, main, footer { max-width: 1200px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 24px; border-bottom: 3px solid var(--accent); }
h1 { font-size: 1.7rem; margin: 0 0 4px; }
h2 { font-size: 1.25rem; margin: 32px 0 8px; padding-bottom: 4px;
     border-bottom: 1px solid var(--rule); }
h3 { font-size: 1.05rem; margin: 20px 0 6px; }
.lead { color: var(--muted); margin: 0 0 12px; }
nav ol { display: flex; flex-wrap: wrap; gap: 4px 18px; padding: 0; margin: 8px 0 16px;
         list-style: none; }
nav a { color: var(--accent); }
.skip { position: absolute; left: -9999px; }
.skip:focus { left: 8px; top: 8px; background: #fff; padding: 4px 8px; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 12px 0 20px; padding: 0;
         list-style: none; }
.cards li { border: 1px solid var(--rule); border-radius: 6px; padding: 8px 14px;
            background: var(--band); min-width: 150px; }
.cards b { display: block; font-size: 1.3rem; }
figure { margin: 12px 0; }
figcaption { color: var(--muted); font-size: .9rem; margin-bottom: 4px; }
svg.chart { width: 100%; max-width: 720px; height: auto; font-size: 12px;
            font-family: inherit; }
svg.chart text { fill: var(--ink); }
svg.chart .grid { stroke: #e6e9ed; }
svg.chart .axis.x { stroke: var(--muted); }
table { border-collapse: collapse; margin: 8px 0 16px; font-size: .85rem;
        font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding: 4px 0; }
th, td { padding: 4px 8px; border-bottom: 1px solid var(--rule); vertical-align: top; }
thead th { background: var(--band); text-align: left; border-bottom: 2px solid var(--rule); }
tbody th { text-align: left; white-space: nowrap; }
.scroll { overflow-x: auto; }
td.num, th.num { text-align: right; white-space: nowrap; }
td.date { white-space: nowrap; }
tfoot td, tfoot th { font-weight: 600; border-top: 2px solid var(--rule); }
.code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
        font-size: .85rem; white-space: nowrap; }
.sev-critical { color: #a40e26; font-weight: 600; }
.sev-warning { color: #8a4600; font-weight: 600; }
.empty, .note { color: var(--muted); }
footer { margin-top: 32px; padding-top: 8px; padding-bottom: 24px;
         border-top: 1px solid var(--rule); color: var(--muted); font-size: .85rem; }
@media print {
  @page { margin: 14mm 12mm; }
  body { font-size: 10pt; }
  header, main, footer { max-width: none; padding: 0; }
  nav, .skip { display: none; }
  h2 { break-after: avoid; page-break-after: avoid; }
  figure, tr { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  section { break-before: auto; }
  svg.chart { max-width: 17cm; }
  .scroll { overflow: visible; }
  /* an A4 or Letter page is about 700 px wide: tables get a smaller font, and headers,
     dates, ids and texts may wrap, so that none is cut; amounts stay on one line */
  table { font-size: 7pt; width: 100%; }
  th, td { padding: 2px 3px; }
  th, td, td.date, tbody th, .code { white-space: normal; }
  thead th, td:not(.num) { overflow-wrap: anywhere; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""
"""The page's style sheet, inline in the ``<style>`` element."""


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


class _Format:
    """Amounts, numbers and dates in one locale."""

    def __init__(self, locale: str) -> None:
        self.locale = locale

    def money(self, money: Money | None) -> str:
        return "" if money is None else money.format(self.locale)

    def number(self, value: Decimal | int | None, places: int = 1) -> str:
        if value is None:
            return "n/a"
        pattern = "#,##0" + ("." + "0" * places if places else "")
        return str(babel.numbers.format_decimal(value, format=pattern, locale=self.locale))

    def compact(self, value: Decimal) -> str:
        return str(
            babel.numbers.format_compact_decimal(value, locale=self.locale, fraction_digits=1)
        )

    def percent(self, value: Decimal) -> str:
        return self.number(value, 0) + " %"

    def date(self, day: datetime.date, format: str = "medium") -> str:
        return str(babel.dates.format_date(day, format=format, locale=self.locale))

    def month(self, day: datetime.date) -> str:
        return str(babel.dates.format_skeleton("yMMM", day, locale=self.locale))


# -- building blocks ---------------------------------------------------------------------

Cell = tuple[str, str]  # (class, text already escaped)
_NUM_CLASS: Final = ' class="num"'


def _num(text: str, value: object = None) -> Cell:
    data = "" if value is None else f' data-value="{_esc(value)}"'
    return ("num" + data, _esc(text))


def _txt(text: object, css: str = "") -> Cell:
    return (css, _esc(text))


def _table(
    caption: str,
    header: Sequence[tuple[str, bool]],
    rows: Iterable[Sequence[Cell]],
    *,
    foot: Sequence[Cell] | None = None,
    table_id: str | None = None,
) -> str:
    """A table with a caption, a header row (``(text, numeric)``) and cells."""
    ident = f' id="{_esc(table_id)}"' if table_id else ""
    parts = [
        f'<div class="scroll"><table{ident}>',
        f"<caption>{_esc(caption)}</caption>",
        "<thead><tr>",
    ]
    parts += [
        f'<th scope="col"{_NUM_CLASS if numeric else ""}>{_esc(text)}</th>'
        for text, numeric in header
    ]
    parts.append("</tr></thead><tbody>")

    def row(cells: Sequence[Cell], first_header: bool) -> str:
        out = []
        for index, (css, text) in enumerate(cells):
            tag = "th" if first_header and index == 0 else "td"
            scope = ' scope="row"' if tag == "th" else ""
            klass, _, data = css.partition(" ")
            attrs = (f' class="{klass}"' if klass else "") + (f" {data}" if data else "")
            out.append(f"<{tag}{scope}{attrs}>{text}</{tag}>")
        return "<tr>" + "".join(out) + "</tr>"

    parts += [row(cells, True) for cells in rows]
    parts.append("</tbody>")
    if foot is not None:
        parts.append("<tfoot>" + row(foot, True) + "</tfoot>")
    parts.append("</table></div>")
    return "\n".join(parts)


def _section(ident: str, title: str, lead: str, body: Iterable[str]) -> str:
    return "\n".join(
        [
            f'<section id="{ident}" aria-labelledby="{ident}-h">',
            f'<h2 id="{ident}-h">{_esc(title)}</h2>',
            f'<p class="lead">{_esc(lead)}</p>',
            *body,
            "</section>",
        ]
    )


def _figure(svg: str, caption: str) -> str:
    return f"<figure>\n<figcaption>{_esc(caption)}</figcaption>\n{svg}\n</figure>"


def _empty(text: str) -> str:
    return f'<p class="empty">{_esc(text)}</p>'


def _customer(report: PortfolioReport, customer_id: str) -> list[Cell]:
    return [_txt(customer_id, "code"), _txt(report.name(customer_id))]


# -- the sections ---------------------------------------------------------------------


def _aging(report: PortfolioReport, f: _Format) -> str:
    aging = report.aging
    totals = aging.totals
    labels = list(aging.buckets.labels)
    lead = (
        "Open receivables by days past the due date, per currency. Each bar is 100 %: "
        "the sum of one currency's age buckets with a positive amount (before unapplied "
        "cash, so not the open balance), split into the buckets; the tables give the "
        "shares and the amounts."
    )
    if not totals:
        return _section("aging", "Aged receivables", lead, [_empty("No open items.")])
    shares: list[list[Decimal]] = [[] for _ in labels]
    for row in totals:
        for index, share in enumerate(_shares([a.amount for a in row.amounts])):
            shares[index].append(share)
    chart = stacked_bar_chart(
        [row.currency for row in totals],
        [(label, shares[index]) for index, label in enumerate(labels)],
        title="Aged receivables by currency",
        description="Share of each age bucket in the sum of each currency's positive "
        "buckets, in percent.",
        chart_id="chart-aging",
        tick_format=lambda v: f.number(v, 0) + " %",
        value_format=lambda v: f.number(v, 1) + " %",
    )
    header = [("Currency", False), *((label, True) for label in labels)]
    header += [("Unapplied", True), ("Open balance", True), ("Disputed", True), ("Items", True)]
    rows = [
        [
            _txt(row.currency, "code"),
            *(_num(f.money(a), a.amount) for a in row.amounts),
            _num(f.money(row.unapplied), row.unapplied.amount),
            _num(f.money(row.total), row.total.amount),
            _num(f.money(row.disputed), row.disputed.amount),
            _num(str(row.count)),
        ]
        for row in totals
    ]
    table = _table(
        f"Aged receivables as of {f.date(report.as_of)}", header, rows, table_id="table-aging"
    )
    share_rows = [
        [
            _txt(row.currency, "code"),
            *(_num(f.number(shares[i][n], 1) + " %", shares[i][n]) for i in range(len(labels))),
        ]
        for n, row in enumerate(totals)
    ]
    share_table = _table(
        "Share of each bucket in the positive buckets' sum, before unapplied cash "
        "(the chart's figures)",
        [("Currency", False), *((label, True) for label in labels)],
        share_rows,
        table_id="table-aging-share",
    )
    return _section(
        "aging",
        "Aged receivables",
        lead,
        [_figure(chart, "Aged receivables, share per bucket"), share_table, table],
    )


def _shares(amounts: Sequence[Decimal]) -> list[Decimal]:
    """Each amount's share of the positive amounts' sum, in percent to 0.1, adding up to 100.0.

    Negative amounts count as nothing. The shares are rounded by largest remainder:
    each is rounded down to 0.1 and the tenths still missing from 100.0 go to the
    largest remainders (the first bucket wins a tie), so a bar of shares is never
    taller or shorter than 100 %.

    >>> _shares([Decimal(1)] * 6)
    [Decimal('16.7'), Decimal('16.7'), Decimal('16.7'), Decimal('16.7'), Decimal('16.6'), Decimal('16.6')]
    >>> _shares([Decimal(0), Decimal(-5)])
    [Decimal('0.0'), Decimal('0.0')]
    """
    drawn = [max(amount, Decimal(0)) for amount in amounts]
    total = sum(drawn, Decimal(0))
    if total == 0:
        return [Decimal("0.0") for _ in drawn]
    exact = [amount * 1000 / total for amount in drawn]  # in tenths of a percent
    tenths = [value.to_integral_value(rounding=ROUND_FLOOR) for value in exact]
    missing = int(1000 - sum(tenths, Decimal(0)))
    order = sorted(range(len(drawn)), key=lambda i: (tenths[i] - exact[i], i))
    for index in order[:missing]:
        tenths[index] += 1
    return [(value / 10).quantize(Decimal("0.1")) for value in tenths]


def _trend(report: PortfolioReport, f: _Format) -> str:
    lead = (
        "Days sales outstanding (simple method) and the collection effectiveness index of "
        "each calendar month, per currency; the last month ends on the report date."
    )
    months = report.kpis
    currencies = sorted({c for r in months for c in r.currencies})
    if not currencies:
        return _section("trend", "DSO and CEI trend", lead, [_empty("No receivables or sales.")])
    labels = [f.month(r.period_start) for r in months]

    def values(currency: str, attribute: str) -> list[Decimal | None]:
        out: list[Decimal | None] = []
        for r in months:
            figures = next((x for x in r.figures if x.currency == currency), None)
            value = None if figures is None else getattr(figures, attribute)
            out.append(None if value is None else Decimal(value).quantize(Decimal("0.1")))
        return out

    dso = {c: values(c, "dso") for c in currencies}
    cei = {c: values(c, "collection_effectiveness_index") for c in currencies}
    charts = [
        _figure(
            line_chart(
                labels,
                [(c, dso[c]) for c in currencies],
                title="DSO by month",
                description="Days sales outstanding per month and currency.",
                chart_id="chart-dso",
                tick_format=lambda v: f.number(v, 0),
                value_format=lambda v: f.number(v, 1) + " days",
            ),
            "DSO (days), by month",
        ),
        _figure(
            line_chart(
                labels,
                [(c, cei[c]) for c in currencies],
                title="CEI by month",
                description="Collection effectiveness index per month and currency, in percent.",
                chart_id="chart-cei",
                tick_format=lambda v: f.number(v, 0) + " %",
                value_format=lambda v: f.number(v, 1) + " %",
            ),
            "Collection effectiveness index (%), by month",
        ),
    ]
    header = [("Month", False)]
    for c in currencies:
        header += [(f"DSO {c}", True), (f"CEI {c} (%)", True)]
    rows = []
    for index, label in enumerate(labels):
        cells = [_txt(label)]
        for c in currencies:
            cells += [
                _num(f.number(dso[c][index]), dso[c][index]),
                _num(f.number(cei[c][index]), cei[c][index]),
            ]
        rows.append(cells)
    table = _table("DSO (days) and CEI (%) by month", header, rows, table_id="table-trend")
    return _section("trend", "DSO and CEI trend", lead, [*charts, table])


_EXPOSURE_PARTS: Final = (
    ("within", "Used within the limit"),
    ("over", "Over the limit"),
    ("unused", "Unused limit"),
    ("unlimited", "Exposure without a limit"),
)


_EXPOSURE_COLOURS: Final = ("#0072b2", "#d55e00", "#b9d7ea", "#e69f00")
"""Used within the limit (blue), over it (vermillion), unused (pale blue), no limit (orange)."""


def _class_sources(report: PortfolioReport) -> str:
    """Where the risk classes come from: "Risk classes: 8 from classes.csv, 4 unrated"."""
    parts = []
    for source, count in report.risk_class_sources:
        noun = "customer" if count == 1 else "customers"
        if source == UNRATED:
            parts.append(f"{count} {noun} unrated (no risk class found)")
        else:
            parts.append(f"{count} {noun} from {source}")
    return f'<p class="note">Risk classes: {_esc("; ".join(parts))}.</p>'


def _exposure(report: PortfolioReport, f: _Format) -> str:
    lead = (
        "Exposure (open receivables and reserved orders) against the limits in force, by "
        "risk class, per currency. A bar is as high as the larger of the limits and the "
        "exposure: what is used within the limits, what runs over them, what is unused, "
        "and the exposure of customers without a limit."
    )
    if not report.exposure:
        return _section("exposure", "Exposure and limits", lead, [_empty("No customers.")])
    body: list[str] = [_class_sources(report)]
    for currency in sorted({line.currency for line in report.exposure}):
        lines = [line for line in report.exposure if line.currency == currency]
        chart = stacked_bar_chart(
            [line.risk_class for line in lines],
            [
                (label, [getattr(line, part).amount for line in lines])
                for part, label in _EXPOSURE_PARTS
            ],
            title=f"Exposure and limits by risk class, {currency}",
            description=f"Limits and exposure in {currency} for each risk class.",
            chart_id=f"chart-exposure-{currency}",
            tick_format=f.compact,
            value_format=lambda v, c=currency: f.money(Money(v, c)),  # type: ignore[misc]
            colours=_EXPOSURE_COLOURS,
            height=260,
        )
        header = [("Risk class", False), ("Customers", True), ("Limits", True), ("Exposure", True)]
        header += [(label, True) for _part, label in _EXPOSURE_PARTS]
        rows = [
            [
                _txt(line.risk_class),
                _num(str(line.customers)),
                _num(f.money(line.limit), line.limit.amount),
                _num(f.money(line.exposure), line.exposure.amount),
                *(
                    _num(f.money(getattr(line, part)), getattr(line, part).amount)
                    for part, _label in _EXPOSURE_PARTS
                ),
            ]
            for line in lines
        ]
        body += [
            f"<h3>{_esc(currency)}</h3>",
            _figure(chart, f"Exposure and limits by risk class, {currency}"),
            _table(
                f"Exposure and limits by risk class, {currency}",
                header,
                rows,
                table_id=f"table-exposure-{currency}",
            ),
        ]
    return _section("exposure", "Exposure and limits", lead, body)


def _deteriorating(report: PortfolioReport, f: _Format) -> str:
    lead = (
        "The customers whose payment deteriorated most: amount-weighted days late on the "
        "invoices paid in the last 3 months against the 12 months before."
    )
    if not report.deteriorating:
        return _section(
            "deteriorating", "Deteriorating payers", lead, [_empty("No customer pays later.")]
        )
    header = [
        ("Customer", False),
        ("Name", False),
        ("Days late before", True),
        ("Days late recently", True),
        ("Change (days)", True),
        ("Invoices before / recently", True),
    ]
    rows = [
        [
            *_customer(report, t.customer_id),
            _num(f.number(t.baseline_days_late), t.baseline_days_late),
            _num(f.number(t.recent_days_late), t.recent_days_late),
            _num("+" + f.number(t.change), t.change),
            _num(f"{t.baseline_invoices} / {t.recent_invoices}"),
        ]
        for t in report.deteriorating
    ]
    return _section(
        "deteriorating",
        "Deteriorating payers",
        lead,
        [_table("Payment deteriorated most", header, rows, table_id="table-deteriorating")],
    )


def _reasons(pairs: Iterable[tuple[str, str]]) -> str:
    return "<br>".join(
        f'<span class="code">{_esc(code)}</span> {_esc(text[:1].upper() + text[1:])}'
        for code, text in pairs
    )


def _holds(report: PortfolioReport, f: _Format) -> str:
    lead = "Orders the credit check held, waiting for someone with the authority to decide."
    if not report.holds:
        return _section("holds", "Held orders", lead, [_empty("No held orders.")])
    header = [
        ("Order", False),
        ("Customer", False),
        ("Name", False),
        ("Amount", True),
        ("Ordered", False),
        ("Held since", False),
        ("Reasons", False),
    ]
    rows = [
        [
            _txt(h.order.order_id, "code"),
            *_customer(report, h.order.customer_id),
            _num(f.money(h.order.amount), h.order.amount.amount),
            _txt(f.date(h.order.order_date), "date"),
            _txt(f.date(h.order.decided_on), "date"),
            ("", _reasons(h.reasons)),
        ]
        for h in report.holds
    ]
    return _section(
        "holds", "Held orders", lead, [_table("Held orders", header, rows, table_id="table-holds")]
    )


def _alerts(report: PortfolioReport, f: _Format) -> str:
    lead = "What the monitor finds as of the report date, most severe first."
    if not report.alerts:
        return _section("alerts", "Alerts", lead, [_empty("No alerts.")])
    header = [
        ("Severity", False),
        ("Customer", False),
        ("Name", False),
        ("Reason", False),
        ("Details", False),
        ("Acknowledged", False),
    ]
    rows = [
        [
            _txt(a.severity.value, f"sev-{a.severity.value}"),
            *_customer(report, a.customer_id),
            ("", _reasons([(a.reason, report.reason(a.reason))])),
            _txt(a.message),
            _txt("" if a.acknowledged_by is None else f"by {a.acknowledged_by}"),
        ]
        for a in report.alerts
    ]
    counts = {
        s: sum(a.severity.value == s for a in report.alerts)
        for s in ("critical", "warning", "info")
    }
    summary = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
    return _section(
        "alerts",
        "Alerts",
        lead,
        [_table(f"Alerts: {summary}", header, rows, table_id="table-alerts")],
    )


def _worklist(report: PortfolioReport, f: _Format) -> str:
    lead = (
        "Overdue customers ranked for collection per currency: overdue amounts weighted "
        "by age, risk class, broken promises and payment behaviour."
    )
    if not report.worklist:
        return _section("worklist", "Collection worklist", lead, [_empty("No overdue customers.")])
    header = [
        ("Rank", True),
        ("Customer", False),
        ("Name", False),
        ("Overdue", True),
        ("Oldest (days)", True),
        ("Risk class", False),
        ("Priority", True),
        ("Why", False),
    ]
    body = []
    for currency in sorted({e.priority.currency for e in report.worklist}):
        entries = [e for e in report.worklist if e.priority.currency == currency]
        rows = [
            [
                _num(str(e.rank)),
                *_customer(report, e.customer_id),
                _num(f.money(e.overdue), e.overdue.amount),
                _num(str(e.oldest_days_overdue)),
                _txt(e.risk_class or ""),
                _num(f.money(e.priority), e.priority.amount),
                _txt("; ".join(e.reasons[1:])),
            ]
            for e in entries
        ]
        body.append(
            _table(
                f"Collection worklist, {currency} (top {len(entries)})",
                header,
                rows,
                table_id=f"table-worklist-{currency}",
            )
        )
    return _section("worklist", "Collection worklist", lead, body)


_SECTIONS: Final[tuple[tuple[str, str, Callable[[PortfolioReport, _Format], str]], ...]] = (
    ("aging", "Aged receivables", _aging),
    ("trend", "DSO and CEI trend", _trend),
    ("exposure", "Exposure and limits", _exposure),
    ("deteriorating", "Deteriorating payers", _deteriorating),
    ("holds", "Held orders", _holds),
    ("alerts", "Alerts", _alerts),
    ("worklist", "Collection worklist", _worklist),
)


def _cards(report: PortfolioReport, f: _Format) -> str:
    items = [
        ("Customers", str(len(report.customers))),
        *((f"Open balance {row.currency}", f.money(row.total)) for row in report.aging.totals),
        ("Held orders", str(len(report.holds))),
        ("Alerts", str(len(report.alerts))),
    ]
    return (
        '<ul class="cards">'
        + "".join(f"<li>{_esc(label)}<b>{_esc(value)}</b></li>" for label, value in items)
        + "</ul>"
    )


def render_html(report: PortfolioReport, *, locale: str = "en_GB", title: str | None = None) -> str:
    """The report as one HTML page: no script, nothing loaded from elsewhere.

    ``locale`` formats amounts (babel, through :meth:`~credkit.money.Money.format`),
    numbers, months and dates; ``title`` replaces "Credit portfolio report".

    >>> from datetime import date
    >>> from credkit.ledger import Ledger
    >>> from credkit.report import portfolio_report
    >>> page = render_html(portfolio_report(Ledger(), as_of=date(2026, 3, 31)), locale="de_DE")
    >>> page.startswith("<!DOCTYPE html>"), "31.03.2026" in page, "<script" in page
    (True, True, False)
    """
    locale = check_locale(locale)
    f = _Format(locale)
    heading = title or "Credit portfolio report"
    lang = locale.replace("_", "-")
    sections = [render(report, f) for _ident, _name, render in _SECTIONS]
    toc = "".join(f'<li><a href="#{ident}">{_esc(name)}</a></li>' for ident, name, _ in _SECTIONS)
    notes = "".join(f'<p class="note">{_esc(note)}</p>' for note in report.notes)
    return "\n".join(
        [
            "<!DOCTYPE html>",
            f'<html lang="{_esc(lang)}">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{_esc(heading)}, {_esc(f.date(report.as_of))}</title>",
            f"<style>{STYLE}</style>",
            "</head>",
            "<body>",
            '<a class="skip" href="#content">Skip to the report</a>',
            "<header>",
            f"<h1>{_esc(heading)}</h1>",
            f'<p class="lead">As of {_esc(f.date(report.as_of, "long"))}</p>',
            f'<nav aria-label="Sections"><ol>{toc}</ol></nav>',
            "</header>",
            '<main id="content">',
            _cards(report, f),
            *sections,
            notes,
            "</main>",
            "<footer>",
            f"<p>Made by credkit {_esc(__version__)} from the records as of "
            f"{_esc(report.as_of.isoformat())}. Charts are followed by tables of the same "
            "figures.</p>",
            "</footer>",
            "</body>",
            "</html>",
            "",
        ]
    )
