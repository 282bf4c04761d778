"""The report page: well-formed, self-contained, accessible, the same numbers in charts and tables."""

from __future__ import annotations

import datetime
import html
import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections import Counter
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest

from credkit import sample
from credkit.errors import ValidationError
from credkit.ledger import Customer, Invoice, Ledger
from credkit.money import Money
from credkit.report import PortfolioReport, portfolio_report, render_html
from credkit.storage import MemoryStore

VOID = {"meta", "br", "link", "img", "input", "hr", "wbr", "source", "col", "area"}
SVG_EMPTY = {"line", "rect", "circle", "polyline", "path"}  # written as <x .../>


class _Checker(HTMLParser):
    """Every element closed in order; the ids unique; the tags and attributes collected."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.ids: Counter[str] = Counter()
        self.tags: Counter[str] = Counter()
        self.attributes: list[tuple[str, str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] += 1
        self.attributes += [(tag, name, value) for name, value in attrs]
        self.ids.update(value for name, value in attrs if name == "id" and value)
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] += 1
        self.attributes += [(tag, name, value) for name, value in attrs]

    def handle_endtag(self, tag: str) -> None:
        assert self.stack, f"</{tag}> closes nothing"
        assert self.stack[-1] == tag, f"</{tag}> closes <{self.stack[-1]}>"
        self.stack.pop()


@pytest.fixture(scope="module")
def report(store: MemoryStore, portfolio: sample.SamplePortfolio) -> PortfolioReport:
    return portfolio_report(store, as_of=portfolio.end)


@pytest.fixture(scope="module")
def page(report: PortfolioReport) -> str:
    return render_html(report)


def _checked(page: str) -> _Checker:
    checker = _Checker()
    checker.feed(page)
    checker.close()
    assert checker.stack == [], f"not closed: {checker.stack}"
    return checker


def _svgs(page: str) -> dict[str, ET.Element]:
    return {
        root.get("id", ""): root
        for root in (ET.fromstring(m) for m in re.findall(r"<svg\b.*?</svg>", page, re.S))
    }


def _table(page: str, table_id: str) -> list[list[str | None]]:
    """The ``data-value`` of each body cell of the table, row by row (None: no value)."""
    match = re.search(rf'<table id="{table_id}">.*?</table>', page, re.S)
    assert match is not None, table_id
    body = match.group(0).split("<tbody>", 1)[1]
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    return [
        [
            (re.search(r'data-value="([^"]*)"', cell) or [None, None])[1]
            for cell in re.findall(r"<t[hd]\b[^>]*>", row)
        ]
        for row in rows
    ]


def test_the_page_is_well_formed_html_with_landmarks(page: str) -> None:
    checker = _checked(page)
    assert page.startswith('<!DOCTYPE html>\n<html lang="en-GB">')
    assert [tag for tag, n in checker.ids.items() if n > 1] == []
    for landmark in ("header", "main", "footer", "nav", "section", "h1", "h2", "caption"):
        assert checker.tags[landmark] >= 1, landmark
    assert checker.tags["h1"] == 1
    assert checker.tags["th"] > 0
    assert all(
        value in ("col", "row") for tag, name, value in checker.attributes if name == "scope"
    )


def test_the_page_is_self_contained(page: str) -> None:
    checker = _checked(page)
    lowered = page.lower()
    for forbidden in ("http://", "https://", "<script", "javascript:", "@import", "url(", "//cdn"):
        assert forbidden not in lowered, forbidden
    for tag in ("script", "link", "img", "iframe", "object", "embed"):
        assert checker.tags[tag] == 0, tag
    for tag, name, value in checker.attributes:
        assert not name.startswith("on"), (tag, name)  # no event handlers
        assert name != "src", tag
        if name == "href":
            assert value is not None
            assert value.startswith("#"), value


def test_every_svg_is_well_formed_and_labelled(page: str) -> None:
    svgs = _svgs(page)
    assert {"chart-aging", "chart-dso", "chart-cei"} <= set(svgs)
    for ident, root in svgs.items():
        assert root.get("role") == "img"
        assert root.findtext("title")
        assert root.findtext("desc")
        assert root.get("aria-labelledby") == f"{ident}-title {ident}-desc"


def test_every_chart_is_followed_by_a_table_of_its_numbers(
    page: str, report: PortfolioReport
) -> None:
    svgs = _svgs(page)
    # each chart comes before its table
    for chart, table in (("chart-aging", "table-aging-share"), ("chart-dso", "table-trend")):
        assert page.index(f'id="{chart}"') < page.index(f'id="{table}"')
    aging = [r.get("data-value") for r in svgs["chart-aging"].iter("rect") if r.get("data-value")]
    shares = _table(page, "table-aging-share")
    # the chart draws bucket by bucket (series), the table lists currency by currency
    by_series = [row[1:] for row in shares]
    assert Counter(aging) == Counter(v for row in by_series for v in row)
    trend = _table(page, "table-trend")
    dso = [c.get("data-value") for c in svgs["chart-dso"].iter("circle")]
    cei = [c.get("data-value") for c in svgs["chart-cei"].iter("circle")]
    assert Counter(dso) == Counter(v for row in trend for v in row[1::2] if v is not None)
    assert Counter(cei) == Counter(v for row in trend for v in row[2::2] if v is not None)
    for currency in {line.currency for line in report.exposure}:
        chart = svgs[f"chart-exposure-{currency}"]
        drawn = [r.get("data-value") for r in chart.iter("rect") if r.get("data-value")]
        rows = _table(page, f"table-exposure-{currency}")
        assert page.index(f'id="chart-exposure-{currency}"') < page.index(
            f'id="table-exposure-{currency}"'
        )
        assert Counter(drawn) == Counter(v for row in rows for v in row[4:8])


def test_the_tables_show_the_report_s_amounts(page: str, report: PortfolioReport) -> None:
    aging = _table(page, "table-aging")
    for row, total in zip(aging, report.aging.totals, strict=True):
        assert row[-3] == str(total.total.amount)  # the open balance column
        assert total.total.format("en_GB") in page
    for entry in report.worklist:
        assert f">{entry.customer_id}<" in page
        assert entry.overdue.format("en_GB") in page
    for hold in report.holds:
        assert hold.order.order_id in page
        for code, text in hold.reasons:
            assert code in page
            assert text[1:] in page


def test_names_are_shown_beside_ids_and_escaped() -> None:
    ledger = Ledger(
        customers=[Customer("C<1>", '<b>Acme</b> & "Co"', country="DE", currency="EUR")],
        invoices=[
            Invoice(
                "I1",
                "C<1>",
                datetime.date(2026, 1, 5),
                datetime.date(2026, 2, 4),
                Money.of("1200.00", "EUR"),
            )
        ],
    )
    page = render_html(portfolio_report(ledger, as_of=datetime.date(2026, 3, 31)), locale="de_DE")
    _checked(page)
    assert "<b>Acme" not in page
    assert "C<1>" not in page
    assert "&lt;b&gt;Acme&lt;/b&gt; &amp; &quot;Co&quot;" in page
    assert "C&lt;1&gt;" in page
    assert "1.200,00\xa0€" in page  # babel, German
    assert "31.03.2026" in page


def test_an_empty_report_renders() -> None:
    page = render_html(portfolio_report(MemoryStore(), as_of=datetime.date(2026, 3, 31)))
    _checked(page)
    assert "No open items." in page
    assert "No held orders." in page
    assert "<svg" not in page


def test_unknown_locales_are_refused() -> None:
    report = portfolio_report(Ledger(), as_of=datetime.date(2026, 3, 31))
    with pytest.raises(ValidationError, match="locale: 'xx_YY'"):
        render_html(report, locale="xx_YY")


def test_the_page_prints(page: str) -> None:
    assert "@media print" in page
    assert "break-inside: avoid" in page
    assert "display: table-header-group" in page  # table headers repeat on each page


def _aged_ledger(amounts: list[str]) -> Ledger:
    """One invoice per amount, each due so many days before 31 Mar 2026 that it falls in
    the next age bucket (current, 1-30, 31-60, 61-90, 91-120, over 120)."""
    as_of = datetime.date(2026, 3, 31)
    overdue = [-10, 15, 45, 75, 105, 200]
    return Ledger(
        customers=[Customer("C1", "Acme", country="DE", currency="EUR")],
        invoices=[
            Invoice(
                f"I{n}",
                "C1",
                as_of - datetime.timedelta(days=days + 30),
                as_of - datetime.timedelta(days=days),
                Money.of(amount, "EUR"),
            )
            for n, (days, amount) in enumerate(zip(overdue, amounts, strict=False))
        ],
    )


@pytest.mark.parametrize(
    "amounts",
    [
        ["100.00"] * 6,  # six equal buckets: 16.666... each
        ["1.00", "1.00", "1.00"],  # thirds
        ["0.01", "999.99", "0.01", "333.33", "0.03", "1.10"],
    ],
)
def test_aging_shares_add_up_to_100_and_follow_the_amounts(amounts: list[str]) -> None:
    report = portfolio_report(_aged_ledger(amounts), as_of=datetime.date(2026, 3, 31))
    page = render_html(report)
    (row,) = _table(page, "table-aging-share")
    shares = [Decimal(v) for v in row[1:] if v is not None]
    (total,) = report.aging.totals
    drawn = [max(a.amount, Decimal(0)) for a in total.amounts]
    assert sum(shares) == Decimal(100)  # exactly, so the bar is exactly the axis' 100 %
    for share, amount in zip(shares, drawn, strict=True):
        assert abs(share - amount * 100 / sum(drawn)) < Decimal("0.1")
    (svg,) = [s for i, s in _svgs(page).items() if i == "chart-aging"]
    ticks = [t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")] + [
        t.text for t in svg.iter("text")
    ]
    assert "100 %" in ticks
    assert "120 %" not in ticks


def _print_rules() -> str:
    from credkit.report.html import STYLE

    return STYLE.split("@media print {", 1)[1]


def test_in_print_tables_may_wrap_all_but_amounts() -> None:
    rules = _print_rules()
    assert "white-space: normal" in rules
    assert "overflow-wrap: anywhere" in rules
    assert "width: 100%" in rules
    assert "td.num" not in rules.split("white-space: normal", 1)[0].rsplit("}", 1)[-1]


_BROWSER = next(
    (b for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)), None
)


@pytest.mark.skipif(_BROWSER is None, reason="needs a Chromium to lay the page out")
def test_printed_tables_fit_an_a4_page(page: str, tmp_path: Path) -> None:
    # the print rules applied on screen, in a body as wide as an A4 page's (186 mm at
    # 96 dpi, about 703 px); a script written into this copy only measures the tables
    assert _BROWSER is not None
    width = 703
    script = (
        "<script>addEventListener('load', () => { const p = document.createElement('pre');"
        " p.id = 'widths'; p.textContent = JSON.stringify([...document.querySelectorAll("
        "'table')].map(t => [t.id, t.scrollWidth])); document.body.appendChild(p); });"
        "</script>"
    )
    copy = (
        page.replace("@media print {", "@media all {", 1)
        .replace("<body>", f'<body style="width: {width}px">', 1)
        .replace("</body>", script + "</body>", 1)
    )
    file = tmp_path / "print.html"
    file.write_text(copy, encoding="utf-8")
    dom = subprocess.run(
        [
            _BROWSER,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--dump-dom",
            file.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    match = re.search(r'<pre id="widths">(.*?)</pre>', dom, re.S)
    assert match is not None, dom[-500:]
    widths = json.loads(html.unescape(match.group(1)))
    assert widths
    too_wide = [(table, w) for table, w in widths if w > width]
    assert too_wide == []
