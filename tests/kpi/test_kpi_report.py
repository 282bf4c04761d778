"""Tests for credkit.kpi.report: KPIs of a period read off a Ledger."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credkit.errors import RateNotFoundError, ValidationError
from credkit.fx import RateTable
from credkit.kpi import InvoiceHistory, KPIFigures, KPIReport, kpis, monthly_series
from credkit.kpi.formulas import dso_simple
from credkit.ledger import (
    Allocation,
    CreditNote,
    Customer,
    DocumentKind,
    Invoice,
    Ledger,
    Payment,
)
from credkit.money import Money
from credkit.testing.strategies import EPOCH, ledgers

D = Decimal
date = datetime.date
Q1_START, Q1_END = date(2026, 1, 1), date(2026, 3, 31)


def eur(amount: str | int) -> Money:
    return Money.of(amount, "EUR")


def usd(amount: str | int) -> Money:
    return Money.of(amount, "USD")


@pytest.fixture
def ledger() -> Ledger:
    """A first quarter worked by hand (figures in the tests below)."""
    return Ledger(
        customers=[
            Customer("C1", "Acme", country="DE", currency="EUR"),
            Customer("C2", "Bolt", country="US", currency="USD"),
        ],
        invoices=[
            # open at the start of the quarter, paid in January
            Invoice("I0", "C1", date(2025, 12, 10), date(2026, 1, 9), eur(5000)),
            # partly paid, overdue on 31 March: 1500 open
            Invoice("I1", "C1", date(2026, 1, 15), date(2026, 2, 14), eur(2000)),
            # not yet due on 31 March
            Invoice("I2", "C1", date(2026, 3, 10), date(2026, 4, 9), eur(1000)),
            # written off
            Invoice("I3", "C1", date(2026, 2, 1), date(2026, 3, 3), eur(600)),
            # overdue on 31 March, other currency
            Invoice("I4", "C2", date(2026, 2, 1), date(2026, 3, 3), usd(500)),
            # issued after the quarter: not in it
            Invoice("I5", "C1", date(2026, 4, 2), date(2026, 5, 2), eur(9999)),
        ],
        credit_notes=[CreditNote("CN1", "C1", date(2026, 3, 20), eur(600), write_off=True)],
        payments=[
            Payment("P0", "C1", date(2026, 1, 20), eur(5000)),
            Payment("P1", "C1", date(2026, 2, 20), eur(500)),
            Payment("P2", "C1", date(2026, 3, 25), eur(300)),  # stays unapplied
        ],
        allocations=[
            Allocation("P0", "I0", eur(5000), date(2026, 1, 20)),
            Allocation("P1", "I1", eur(500), date(2026, 2, 20)),
            Allocation("CN1", "I3", eur(600), date(2026, 3, 20)),
        ],
    )


def test_figures_read_off_the_ledger(ledger: Ledger) -> None:
    report = kpis(ledger, period_start=Q1_START, period_end=Q1_END)
    assert report.currencies == ("EUR", "USD")
    assert report.days == 90
    assert report.months == 3
    assert report.currency is None
    f = report["EUR"]
    assert f.beginning_ar == eur(5000)
    assert f.ending_ar == eur(2500)  # I1 1500 + I2 1000; I3 was written off
    assert f.ending_current_ar == eur(1000)
    assert f.ending_overdue_ar == eur(1500)
    assert f.unapplied == eur(-300)
    assert f.credit_sales == eur(3600)  # I1 + I2 + I3
    assert f.written_off == eur(600)
    assert f.average_ar == eur(3750)


def test_kpis_worked_by_hand(ledger: Ledger) -> None:
    f = kpis(ledger, period_start=Q1_START, period_end=Q1_END)["EUR"]
    assert f.dso == D(2500) * 90 / D(3600)  # 62.5
    assert f.dso == D("62.5")
    assert f.best_possible_dso == D(25)
    assert f.average_days_delinquent == D("37.5")
    # countback from 31 March: March sales 1000 (31 days), February 600 (28 days),
    # then 900 of January's 2000 (31 days): 31 + 28 + 900 / 2000 x 31 = 72.95
    assert f.countback_dso == D("72.95")
    # CEI: (5000 + 3600 / 3 - 2500) / (5000 + 3600 / 3 - 1000) x 100 = 3700 / 5200 x 100
    assert f.collection_effectiveness_index == D(3700) * 100 / D(5200)
    assert f.bad_debt_ratio == D(600) / D(3600)
    assert f.ar_turnover == D("0.96")
    assert f.turnover_days == D("93.75")
    assert f.percent_current == D(40)
    assert f.undefined == {}


def test_second_currency_is_reported_separately(ledger: Ledger) -> None:
    f = kpis(ledger, period_start=Q1_START, period_end=Q1_END)["USD"]
    assert (f.beginning_ar, f.ending_ar, f.ending_current_ar) == (usd(0), usd(500), usd(0))
    assert f.dso == 90
    assert f.countback_dso == 31 + 28  # no March sales: March counts in full
    assert f.percent_current == 0
    # AR grew beyond beginning AR + monthly sales: CEI is negative, returned as computed
    assert f.collection_effectiveness_index is not None
    assert f.collection_effectiveness_index.quantize(D("0.0001")) == D(-200)


def test_reporting_currency_converts_at_document_dates(ledger: Ledger) -> None:
    rates = RateTable.from_mapping({"2025-12-01": {"USD": "1.25"}}, base="EUR")
    report = kpis(ledger, period_start=Q1_START, period_end=Q1_END, currency="EUR", rates=rates)
    assert report.currency == "EUR"
    assert report.currencies == ("EUR",)
    f = report["EUR"]
    assert f.ending_ar == eur(2900)  # 2500 + 500 USD / 1.25
    assert f.credit_sales == eur(4000)
    assert f.beginning_ar == eur(5000)
    assert f.dso == dso_simple(2900, 4000, 90)


def test_reporting_currency_needs_rates_for_foreign_documents(ledger: Ledger) -> None:
    with pytest.raises(ValidationError, match=r"rates: needed to convert USD amounts into .* EUR"):
        kpis(ledger, period_start=Q1_START, period_end=Q1_END, currency="EUR")
    table = RateTable.from_mapping({"2026-06-01": {"USD": "1.25"}}, base="EUR")
    with pytest.raises(RateNotFoundError):
        kpis(ledger, period_start=Q1_START, period_end=Q1_END, currency="EUR", rates=table)


def test_reporting_currency_without_foreign_documents_needs_no_rates() -> None:
    one = Ledger(
        customers=[Customer("C1", "Acme", country="DE", currency="EUR")],
        invoices=[Invoice("I1", "C1", date(2026, 1, 5), date(2026, 2, 4), eur(100))],
    )
    report = kpis(one, period_start=Q1_START, period_end=Q1_END, currency="EUR")
    assert report["EUR"].ending_ar == eur(100)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"period_start": Q1_END, "period_end": Q1_START}, "period_end: 2026-01-01 is before"),
        (
            {"period_start": "2026-01-01", "period_end": Q1_END},
            "period_start: expected a datetime.date",
        ),
        (
            {"period_start": datetime.datetime(2026, 1, 1), "period_end": Q1_END},
            "period_start: expected a datetime.date",
        ),
        ({"period_start": Q1_START, "period_end": Q1_END, "currency": "eur"}, "currency: 'eur'"),
        (
            {"period_start": Q1_START, "period_end": Q1_END, "rates": RateTable(rates=[])},
            "rates: given without a reporting currency",
        ),
        (
            {"period_start": Q1_START, "period_end": Q1_END, "currency": "EUR", "rates": {}},
            "rates: expected a credkit.fx.RateSource",
        ),
    ],
)
def test_bad_arguments(ledger: Ledger, kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        kpis(ledger, **kwargs)  # type: ignore[arg-type]


def test_not_a_ledger() -> None:
    with pytest.raises(ValidationError, match=r"ledger: expected a credkit\.ledger\.Ledger"):
        kpis([], period_start=Q1_START, period_end=Q1_END)  # type: ignore[arg-type]


def test_undefined_kpis_are_none_with_a_reason() -> None:
    quiet = Ledger(
        customers=[Customer("C1", "Acme", country="DE", currency="EUR")],
        invoices=[Invoice("I1", "C1", date(2025, 11, 5), date(2025, 12, 5), eur(100))],
    )
    f = kpis(quiet, period_start=Q1_START, period_end=Q1_END)["EUR"]
    assert f.credit_sales == eur(0)
    assert f.dso is None
    assert f.undefined["dso"] == "credit_sales: DSO is undefined with zero credit sales"
    assert f.ar_turnover == 0  # no sales against 100 of AR: turns zero times
    assert f.turnover_days is None
    assert f.undefined["turnover_days"].startswith("turnover: turnover days are undefined")
    assert f.bad_debt_ratio is None
    assert f.collection_effectiveness_index is not None
    # countback still works from the history: March, February and January had no
    # sales, December neither, November had the 100 in AR: 31+28+31+31+30 = 151
    assert f.countback_dso == 151
    assert f.percent_current == 0


def test_countback_beyond_the_ledger_history_is_undefined() -> None:
    # Open invoices never exceed what was invoiced, but converted at a later rate they
    # can exceed the sales converted at their own dates: no silent extrapolation.
    one = Ledger(
        customers=[Customer("C1", "Acme", country="US", currency="USD")],
        invoices=[Invoice("I1", "C1", date(2026, 3, 5), date(2026, 4, 4), usd(100))],
    )
    rates = RateTable.from_mapping(
        {"2026-03-01": {"USD": "1.25"}, "2026-04-01": {"USD": "1"}}, base="EUR"
    )
    f = kpis(
        one,
        period_start=date(2026, 4, 1),
        period_end=date(2026, 4, 30),
        currency="EUR",
        rates=rates,
    )["EUR"]
    assert f.ending_ar == eur(100)
    assert f.sales_history[-1] == (31, eur(80))
    assert f.countback_dso is None
    assert "100.00 EUR is more than all 80.00 EUR of credit sales" in f.undefined["countback_dso"]


def test_countback_without_any_sales_is_undefined() -> None:
    f = KPIFigures(
        "EUR",
        beginning_ar=eur(0),
        ending_ar=eur(10),
        ending_current_ar=eur(0),
        unapplied=eur(0),
        credit_sales=eur(0),
        written_off=eur(0),
        days=30,
        months=D(1),
    )
    assert f.countback_dso is None
    assert f.undefined["countback_dso"].startswith("sales_history: no credit sales in EUR")


def test_partial_month_counts_as_its_share() -> None:
    report = kpis(Ledger(), period_start=date(2026, 1, 17), period_end=date(2026, 2, 14))
    assert report.months == D(15) / 31 + D(14) / 28
    assert report.figures == ()


def test_monthly_series_is_one_report_per_month(ledger: Ledger) -> None:
    series = monthly_series(ledger, end=Q1_END, months=3)
    assert [(r.period_start, r.period_end) for r in series] == [
        (date(2026, 1, 1), date(2026, 1, 31)),
        (date(2026, 2, 1), date(2026, 2, 28)),
        (date(2026, 3, 1), date(2026, 3, 31)),
    ]
    march = series[-1]["EUR"]
    assert march == kpis(ledger, period_start=date(2026, 3, 1), period_end=Q1_END)["EUR"]
    # March: ending AR 2500, March sales 1000 over 31 days
    assert march.dso == D("77.5")
    assert len(monthly_series(ledger, end=Q1_END)) == 12


@pytest.mark.parametrize("months", [0, -1, True, "12", 1.5])
def test_monthly_series_needs_a_whole_number_of_months(ledger: Ledger, months: object) -> None:
    with pytest.raises(ValidationError, match="months: expected a whole number"):
        monthly_series(ledger, end=Q1_END, months=months)  # type: ignore[arg-type]


def test_the_first_day_python_supports_cannot_start_a_period() -> None:
    # Reviewer finding: period_start=date.min raised a bare OverflowError (the beginning
    # receivables are read on the day before).
    with pytest.raises(ValidationError, match=r"^period_start: 0001-01-01 is the first day"):
        kpis(Ledger(), period_start=date.min, period_end=date(2026, 1, 31))
    report = kpis(Ledger(), period_start=date(1, 1, 2), period_end=date(1, 1, 31))
    assert report.months == D(30) / 31


def test_periods_at_the_ends_of_the_calendar() -> None:
    customer = Customer("C1", "Acme", country="DE", currency="EUR")
    early = Ledger(
        customers=[customer],
        invoices=[Invoice("I1", "C1", date(1, 1, 5), date(1, 2, 4), eur(100))],
    )
    # The countback walks back to the first month with sales, January of year 1.
    figures = kpis(early, period_start=date(1, 1, 2), period_end=date(1, 3, 1))["EUR"]
    assert figures.sales_history == ((1, eur(0)), (28, eur(0)), (31, eur(100)))
    # The last day Python supports can end a period.
    late = kpis(Ledger(), period_start=date(9999, 12, 1), period_end=date.max)
    assert late.months == 1
    assert [r.months for r in monthly_series(Ledger(), end=date.max, months=2)] == [1, 1]


def test_monthly_series_cannot_reach_back_before_year_one() -> None:
    assert len(monthly_series(Ledger(), end=date(1, 3, 15), months=2)) == 2
    for months in (3, 10**9):
        with pytest.raises(ValidationError, match=r"^months: .* at most 2 fit after"):
            monthly_series(Ledger(), end=date(1, 3, 15), months=months)


def test_figures_refuse_other_currencies() -> None:
    with pytest.raises(ValidationError, match="ending_ar: expected Money in EUR"):
        KPIFigures(
            "EUR",
            beginning_ar=eur(0),
            ending_ar=usd(1),
            ending_current_ar=eur(0),
            unapplied=eur(0),
            credit_sales=eur(0),
            written_off=eur(0),
            days=1,
            months=D(1),
        )


def test_report_lookup_by_unknown_currency(ledger: Ledger) -> None:
    report = kpis(ledger, period_start=Q1_START, period_end=Q1_END)
    assert isinstance(report, KPIReport)
    with pytest.raises(ValidationError, match=r"currency: no figures in .GBP.*EUR, USD"):
        report["GBP"]


# -- properties over generated ledgers ------------------------------------------------------


@given(
    ledger=ledgers(max_documents=20),
    offset=st.integers(min_value=0, max_value=700),
    length=st.integers(min_value=0, max_value=120),
)
def test_report_identities_on_generated_ledgers(ledger: Ledger, offset: int, length: int) -> None:
    start = EPOCH + datetime.timedelta(days=offset)
    end = start + datetime.timedelta(days=length)
    report = kpis(ledger, period_start=start, period_end=end)
    assert report.days == length + 1
    for f in report.figures:
        code = f.currency
        items = ledger.open_items(end)
        invoices = [
            i for i in items if i.kind is DocumentKind.INVOICE and i.amount.currency == code
        ]
        assert f.ending_ar.amount == sum((i.amount.amount for i in invoices), D(0))
        assert f.ending_current_ar <= f.ending_ar
        # what is open nets to the ledger's balance: invoices plus unapplied
        assert f.ending_ar + f.unapplied == ledger.balance(end).get(code, Money.zero(code))
        if f.dso is not None and f.best_possible_dso is not None:
            assert f.average_days_delinquent == f.dso - f.best_possible_dso
        if f.percent_current is not None:
            assert 0 <= f.percent_current <= 100
        if f.collection_effectiveness_index is not None:
            assert f.collection_effectiveness_index <= 100
        if f.countback_dso is not None:
            assert 0 <= f.countback_dso <= sum(days for days, _a in f.sales_history) or (
                f.ending_ar.is_zero
            )
        assert set(f.undefined) <= {
            "dso",
            "countback_dso",
            "best_possible_dso",
            "average_days_delinquent",
            "collection_effectiveness_index",
            "bad_debt_ratio",
            "ar_turnover",
            "turnover_days",
            "percent_current",
        }
        for name in f.undefined:
            assert getattr(f, name) is None


# -- an invoice history instead of a ledger -------------------------------------------------


def history_of(ledger: Ledger) -> InvoiceHistory:
    return InvoiceHistory(ledger.invoices, ledger.settlements())


def test_invoice_history_gives_the_ledger_figures_when_paid_in_full() -> None:
    full = Ledger(
        customers=[Customer("C1", "Acme", country="DE", currency="EUR")],
        invoices=[
            Invoice("I1", "C1", date(2026, 1, 5), date(2026, 2, 4), eur(100)),
            Invoice("I2", "C1", date(2026, 2, 5), date(2026, 3, 7), eur(300)),
            Invoice("I3", "C1", date(2026, 3, 5), date(2026, 4, 4), eur(50)),
        ],
        payments=[Payment("P1", "C1", date(2026, 2, 10), eur(100))],
        allocations=[Allocation("P1", "I1", eur(100), date(2026, 2, 10))],
    )
    from_ledger = kpis(full, period_start=Q1_START, period_end=Q1_END)["EUR"]
    from_history = kpis(history_of(full), period_start=Q1_START, period_end=Q1_END)["EUR"]
    for name in ("beginning_ar", "ending_ar", "ending_current_ar", "credit_sales", "dso"):
        assert getattr(from_history, name) == getattr(from_ledger, name)
    assert from_history.countback_dso == from_ledger.countback_dso
    assert from_history.written_off is None
    assert from_history.bad_debt_ratio is None
    assert from_history.undefined["bad_debt_ratio"].startswith("written_off: not known")
    assert from_ledger.bad_debt_ratio == 0
    series = monthly_series(history_of(full), end=Q1_END, months=2)
    assert [r.period_start for r in series] == [date(2026, 2, 1), date(2026, 3, 1)]


def test_invoice_history_validates_its_records(ledger: Ledger) -> None:
    invoice = ledger.invoices[0]
    with pytest.raises(ValidationError, match=r"invoices\[1\]\.id: duplicate invoice id 'I0'"):
        InvoiceHistory([invoice, invoice])
    (settled,) = [s for s in ledger.settlements() if s.invoice_id == "I3"]
    with pytest.raises(ValidationError, match=r"settlements\[0\]\.invoice_id: 'I3' is not one"):
        InvoiceHistory([invoice], [settled])
    with pytest.raises(ValidationError, match=r"settlements\[0\]: expected a credkit"):
        InvoiceHistory([invoice], ["x"])  # type: ignore[list-item]
    with pytest.raises(ValidationError, match="invoices: expected an iterable"):
        InvoiceHistory("I0")  # type: ignore[arg-type]
