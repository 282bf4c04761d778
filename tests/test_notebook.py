"""Notebook display: ``to_records()``, ``to_rows()`` and ``_repr_html_()`` of the results.

Every record is compared with the object's own attributes; pandas and polars build
frames from the records where they are installed.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any

import pytest

from credkit import _notebook
from credkit.aging import AgingReport, age
from credkit.desk.monitor import FollowOn, FollowOnResult, MonitorProblem, MonitorRun
from credkit.kpi import (
    InsufficientData,
    KPIReport,
    PaymentBehaviour,
    behaviour_records,
    kpis,
    payment_behaviour,
)
from credkit.ledger import Customer, DocumentKind, OpenItem
from credkit.limits import (
    Bound,
    LimitInputs,
    LimitPolicy,
    LimitRecommendation,
    SalesMethod,
    TangibleNetWorthMethod,
    recommend,
)
from credkit.money import Money
from credkit.policy import Decision
from credkit.policy.credit_check import check
from credkit.policy.exposure import Exposure, ExposureComponent
from credkit.policy.order import OrderRequest
from credkit.policy.policy import Policy
from credkit.policy.profile import CreditProfile
from credkit.policy.rules import StaticLimit, WatchList
from credkit.sample import generate
from credkit.scoring import FinancialStatement, ScoreResult
from credkit.scoring.scorecard import Bin, Category, Factor, Scorecard
from credkit.storage import Alert, AlertSeverity

ODD = "<b>&"  # a customer id that must be escaped
AS_OF = datetime.date(2026, 11, 30)


# -- the objects --------------------------------------------------------------------------


@functools.cache
def _portfolio() -> Any:
    return generate(seed=7, customers=30)


def aging_report() -> AgingReport:
    return age(_portfolio().ledger, as_of=_portfolio().end)


def kpi_report() -> KPIReport:
    end = _portfolio().end
    return kpis(_portfolio().ledger, period_start=datetime.date(end.year, 1, 1), period_end=end)


def behaviours() -> dict[str, PaymentBehaviour | InsufficientData]:
    ledger = _portfolio().ledger
    return payment_behaviour(ledger.settlements(), as_of=_portfolio().end)


def a_behaviour() -> PaymentBehaviour:
    found = [b for b in behaviours().values() if isinstance(b, PaymentBehaviour)]
    return found[0]


def decision(customer_id: str = "C-100") -> Decision:
    profile = CreditProfile(
        customer_id,
        as_of=AS_OF,
        limit=Money.of("120000.00", "EUR"),
        exposure=Exposure(
            (ExposureComponent("open_receivables", Money.of("118400.00", "EUR")),),
            currency="EUR",
        ),
        watch_list=True,
    )
    order = OrderRequest("SO-1", Money.of("12000.00", "EUR"), order_date=AS_OF)
    return check(
        profile, order, Policy("standard", version="1", rules=[StaticLimit(), WatchList()])
    )


def score_result() -> ScoreResult:
    card = Scorecard(
        "card",
        version="3",
        factors=(
            Factor(
                "years",
                reason_code="YEARS",
                missing=0,
                bins=(
                    Bin(upper=2, points=0),
                    Bin(lower=2, upper=10, points=10),
                    Bin(lower=10, points=20),
                ),
            ),
            Factor(
                "sector",
                reason_code="SECTOR",
                missing=0,
                categories=(Category("retail", points=5), Category("utilities", points=15)),
            ),
            Factor(
                "dpd",
                reason_code="DPD",
                missing=0,
                bins=(Bin(upper=30, points=10), Bin(lower=30, points=0)),
            ),
        ),
    )
    return card.score({"years": 5, "sector": "retail", "dpd": None})


def recommendation(customer_id: str = "C1") -> LimitRecommendation:
    policy = LimitPolicy(
        "standard",
        version="3",
        calculators=(TangibleNetWorthMethod(percent=10), SalesMethod()),
        caps=(Bound(Money.of(250000, "EUR")),),
        rounding_step=5000,
    )
    inputs = LimitInputs(
        Customer(customer_id, "Acme GmbH", country="DE", currency="EUR", segment="wholesale"),
        as_of=datetime.date(2026, 3, 31),
        statement=FinancialStatement(book_equity=800000, intangibles=150000, currency="EUR"),
        monthly_sales=[Money.of(36000, "EUR")] * 12,
        terms_days=30,
        grace_days=10,
        current_limit=Money.of(40000, "EUR"),
    )
    return recommend(inputs, policy)


def monitor_run(alerts: int = 3, customer_id: str = "C1") -> MonitorRun:
    found = tuple(
        Alert(
            customer_id if n == 0 else f"C{n + 1}",
            on=AS_OF,
            reason="OVERDUE",
            severity=AlertSeverity.WARNING if n % 2 else AlertSeverity.CRITICAL,
            figures={},
            message=f"{n} & more days overdue",
            key=f"OVERDUE:{n}",
        )
        for n in range(alerts)
    )
    actions = (FollowOnResult("OVERDUE:0", customer_id, FollowOn.WATCH, done=True, detail="ok"),)
    return MonitorRun(
        as_of=AS_OF,
        config_id="monitoring",
        config_version="1",
        customers=alerts + 1,
        found=found,
        new=found[:1],
        actions=actions,
        problems=(MonitorProblem("C99", "no rates"),),
    )


# -- records match the objects ----------------------------------------------------------------


def test_aging_records_match_the_rows_and_to_rows() -> None:
    report = aging_report()
    records = report.to_records()
    assert len(records) == len(report.rows)
    labels = report.buckets.labels
    for record, row in zip(records, report.rows, strict=True):
        assert record["customer_id"] == row.customer_id
        assert record["currency"] == row.currency
        assert [record[label] for label in labels] == [a.amount for a in row.amounts]
        assert record["unapplied"] == row.unapplied.amount
        assert record["total"] == row.total.amount
        assert record["disputed"] == row.disputed.amount
        assert (record["count"], record["oldest_days"]) == (row.count, row.oldest_days)
    totals = report.to_records(by="total")
    assert [t["total"] for t in totals] == [line.total.amount for line in report.totals]
    # to_rows keeps its meaning: the same rows as text
    assert report.to_rows() == _notebook.text_rows(records)
    assert report.to_rows(by="total") == _notebook.text_rows(totals)


def test_kpi_records_match_the_figures() -> None:
    report = kpi_report()
    records = report.to_records()
    assert [r["currency"] for r in records] == list(report.currencies)
    for record, figures in zip(records, report.figures, strict=True):
        assert record["period_start"] == report.period_start
        assert record["period_end"] == report.period_end
        assert record["ending_ar"] == figures.ending_ar.amount
        assert record["ending_overdue_ar"] == figures.ending_overdue_ar.amount
        assert record["credit_sales"] == figures.credit_sales.amount
        for kpi in ("dso", "collection_effectiveness_index", "percent_current", "bad_debt_ratio"):
            assert record[kpi] == getattr(figures, kpi)
    assert report.to_rows() == _notebook.text_rows(records)


def test_behaviour_records_match_the_results() -> None:
    results = behaviours()
    records = behaviour_records(results)
    assert [r["customer_id"] for r in records] == list(results)
    assert len({tuple(r) for r in records}) == 1  # the same keys for every customer
    for record, result in zip(records, results.values(), strict=True):
        assert record["invoices"] == result.invoices
        if isinstance(result, PaymentBehaviour):
            assert record["amount_paid"] == result.amount_paid.amount
            assert record["payment_index"] == result.payment_index
            assert record["weighted_days_late"] == result.weighted_days_late
            assert record["trend"] == result.trend.direction.value
            assert record["trend_change"] == result.trend.change
            assert record["insufficient_data"] is None
            assert {**result.to_records()[0], "insufficient_data": None} == record
        else:
            assert record["insufficient_data"] == result.reason
            assert record["payment_index"] is None
    one = a_behaviour()
    assert one.to_rows() == _notebook.text_rows(one.to_records())


def test_behaviour_records_refuse_other_values() -> None:
    from credkit.errors import ValidationError

    with pytest.raises(ValidationError, match="results: expected PaymentBehaviour"):
        behaviour_records({"C1": "fast"})  # type: ignore[dict-item]


def test_decision_records_match_the_decision() -> None:
    made = decision()
    (record,) = made.to_records()
    assert record["customer_id"] == made.profile.customer_id
    assert record["outcome"] == made.outcome.value
    assert record["amount"] == made.order.amount.amount
    assert record["available_before"] == made.available_before.amount  # type: ignore[union-attr]
    assert record["available_after"] == made.available_after.amount  # type: ignore[union-attr]
    assert record["codes"] == ", ".join(made.codes)
    assert all(reason.message in record["reasons"] for reason in made.reasons)
    assert made.to_rows() == _notebook.text_rows([record])


def test_score_records_match_the_contributions() -> None:
    result = score_result()
    records = result.to_records()
    assert [r["factor"] for r in records] == [c.factor for c in result.contributions]
    for record, contribution in zip(records, result.contributions, strict=True):
        assert record["points"] == contribution.points
        assert record["lost"] == contribution.lost
        assert record["missing"] is contribution.missing
        assert record["matched"] == contribution.matched
    assert sum(r["points"] for r in records) == result.total
    assert result.to_rows() == _notebook.text_rows(records)


def test_limit_records_follow_the_working() -> None:
    result = recommendation()
    records = result.to_records()
    methods = [r for r in records if r["stage"] == "method"]
    assert [(r["name"], r["amount"]) for r in methods] == [
        (m.method, None if m.amount is None else m.amount.amount) for m in result.methods
    ]
    adjustments = [r for r in records if r["stage"] == "adjustment"]
    assert [(r["name"], r["amount"]) for r in adjustments] == [
        (a.step, a.after.amount) for a in result.adjustments
    ]
    assert records[-1]["stage"] == "recommended"
    assert records[-1]["amount"] == result.amount.amount  # type: ignore[union-attr]
    assert result.to_rows() == _notebook.text_rows(records)


def test_monitor_records_match_the_alerts() -> None:
    run = monitor_run()
    records = run.to_records()
    assert [r["key"] for r in records] == [a.key for a in run.found]
    assert [r["new"] for r in records] == [a in run.new for a in run.found]
    assert records[0]["actions"] == "watch"
    assert records[1]["actions"] == ""
    assert [r["severity"] for r in records] == [a.severity.value for a in run.found]
    assert run.to_rows() == _notebook.text_rows(records)


# -- data frames ----------------------------------------------------------------------------

RESULTS: dict[str, Callable[[], Any]] = {
    "aging": aging_report,
    "kpi": kpi_report,
    "behaviour": a_behaviour,
    "decision": decision,
    "score": score_result,
    "limit": recommendation,
    "monitor": monitor_run,
}


def _records(name: str) -> list[dict[str, Any]]:
    if name == "behaviours":
        return behaviour_records(behaviours())
    records: list[dict[str, Any]] = RESULTS[name]().to_records()
    return records


@pytest.mark.parametrize("name", [*RESULTS, "behaviours"])
def test_pandas_takes_the_records(name: str) -> None:
    pandas = pytest.importorskip("pandas", reason="pandas is not installed")
    records = _records(name)
    frame = pandas.DataFrame(records)
    assert list(frame.columns) == list(records[0])
    assert len(frame) == len(records)


@pytest.mark.parametrize("name", [*RESULTS, "behaviours"])
def test_polars_takes_the_records(name: str) -> None:
    polars = pytest.importorskip("polars", reason="polars is not installed")
    records = _records(name)
    frame = polars.DataFrame(records)
    assert frame.columns == list(records[0])
    assert frame.height == len(records)
    for key, value in records[0].items():  # dates stay dates, decimals decimals
        if isinstance(value, datetime.date):
            assert frame.schema[key] == polars.Date
        elif isinstance(value, Decimal):
            assert isinstance(frame.schema[key], polars.Decimal)


# -- HTML ----------------------------------------------------------------------------------


class _Table(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.open: list[str] = []
        self.caption = ""
        self.cells: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.open.append(tag)
        if tag in ("caption", "td", "th"):
            self._in = tag
            if tag != "caption":
                self.cells.append("")

    def handle_endtag(self, tag: str) -> None:
        assert self.open.pop() == tag
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "caption":
            self.caption += data
        elif self._in in ("td", "th"):
            self.cells[-1] += data


def _parse(markup: str) -> _Table:
    parser = _Table()
    parser.feed(markup)
    parser.close()
    assert parser.open == []
    assert set(parser.tags) <= {"table", "caption", "thead", "tbody", "tr", "th", "td"}
    return parser


@pytest.mark.parametrize(
    ("name", "start"),
    [
        ("aging", f"AgingReport as of {_portfolio().end}, {len(aging_report().rows)} rows"),
        ("kpi", "KPIReport 2026-01-01 to 2026-11-30, "),
        ("behaviour", "PaymentBehaviour of "),
        ("decision", "Decision hold on SO-1 for C-100, 1 row"),
        ("score", "ScoreResult of card version 3: total 15, 3 rows"),
        ("limit", "LimitRecommendation for C1 as of 2026-03-31: 45,000.00 EUR, "),
        ("monitor", "MonitorRun as of 2026-11-30 (monitoring version 1, 4 customers, 1 new, "),
    ],
)
def test_html_has_a_caption_and_parses(name: str, start: str) -> None:
    result = RESULTS[name]()
    table = _parse(result._repr_html_())
    assert table.caption.startswith(start)
    assert "<script" not in result._repr_html_()
    assert "<link" not in result._repr_html_()


def test_html_truncates_at_the_limit() -> None:
    report = aging_report()
    assert len(report.rows) > _notebook.LIMIT
    table = _parse(report._repr_html_())
    header = len(report.to_records()[0])
    shown = [report.rows[n].customer_id for n in range(_notebook.LIMIT)]
    assert [c for c in table.cells if c in report.customers] == shown
    assert table.cells[-1] == f"… {len(report.rows) - _notebook.LIMIT} more"
    assert len(table.cells) == header * (_notebook.LIMIT + 1) + 1
    many = _parse(monitor_run(alerts=45)._repr_html_())
    assert many.cells[-1] == "… 25 more"


@pytest.mark.parametrize(
    "markup",
    [
        lambda: age(
            [
                OpenItem(
                    "I1",
                    ODD,
                    DocumentKind.INVOICE,
                    datetime.date(2026, 1, 1),
                    datetime.date(2026, 1, 31),
                    Money.of(5, "EUR"),
                ),
                OpenItem(
                    "I2",
                    "C2",
                    DocumentKind.INVOICE,
                    datetime.date(2026, 1, 1),
                    datetime.date(2026, 1, 31),
                    Money.of(5, "EUR"),
                ),
            ],
            as_of=AS_OF,
        )._repr_html_(),
        lambda: decision(ODD)._repr_html_(),
        lambda: recommendation(ODD)._repr_html_(),
        lambda: monitor_run(customer_id=ODD)._repr_html_(),
    ],
    ids=["aging", "decision", "limit", "monitor"],
)
def test_html_escapes_customer_ids(markup: Callable[[], str]) -> None:
    text = markup()
    assert ODD not in text
    assert "&lt;b&gt;&amp;" in text
    parsed = _parse(text)
    assert ODD in parsed.cells or ODD in parsed.caption
