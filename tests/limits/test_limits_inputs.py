"""LimitInputs: validation, and the sales history and terms read from a ledger."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credkit.errors import ValidationError
from credkit.fx import RateTable
from credkit.ledger import Customer, Invoice, Ledger
from credkit.limits import InsuranceCover, LimitInputs, sales_window
from credkit.money import Money

ACME = Customer("C1", "Acme", country="DE", currency="EUR", segment="wholesale")
OTHER = Customer("C2", "Other", country="FR", currency="EUR")


def invoice(
    id_: str, issued: date, days: int, amount: str, currency: str = "EUR", customer: str = "C1"
) -> Invoice:
    return Invoice(id_, customer, issued, issued + timedelta(days=days), Money.of(amount, currency))


def test_defaults_come_from_the_customer() -> None:
    inputs = LimitInputs(ACME, as_of=date(2026, 1, 31))
    assert inputs.currency == "EUR"
    assert inputs.segment == "wholesale"
    assert inputs.customer_id == "C1"
    assert inputs.average_monthly_sales is None
    assert LimitInputs(ACME, as_of=date(2026, 1, 31), segment=None).segment is None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"monthly_sales": [Money.of(1, "USD")]},
            r"monthly_sales\[0\]: 1.00 USD is not in the limit currency EUR",
        ),
        ({"monthly_sales": [Money.of(-1, "EUR")]}, r"monthly_sales\[0\]: must be zero or more"),
        ({"monthly_sales": "100 EUR"}, "monthly_sales: expected a list or tuple of Money"),
        ({"grace_days": -1}, "grace_days: must be >= 0"),
        ({"terms_days": True}, "terms_days: expected a whole number"),
        ({"bureau_limit": Money.of(-5, "EUR")}, "bureau_limit: must be zero or more"),
        (
            {"current_limit": Money.of(5, "USD")},
            "current_limit: 5.00 USD is not in the limit currency EUR",
        ),
        ({"statement": {"book_equity": 1}}, "statement: expected a FinancialStatement"),
        ({"insurance": Money.of(1, "EUR")}, "insurance: expected an InsuranceCover"),
        ({"currency": "eur"}, "currency: 'eur' is not an ISO 4217 code"),
        ({"risk_class": ""}, "risk_class: expected a non-empty string"),
    ],
)
def test_bad_inputs_name_the_field(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        LimitInputs(ACME, as_of=date(2026, 1, 31), **changes)  # type: ignore[arg-type]


def test_customer_and_date_are_checked() -> None:
    with pytest.raises(ValidationError, match=r"customer: expected a credkit.ledger.Customer"):
        LimitInputs("C1", as_of=date(2026, 1, 31))  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=r"as_of: expected a datetime.date"):
        LimitInputs(ACME, as_of="2026-01-31")  # type: ignore[arg-type]


def test_insurance_cover_is_validated() -> None:
    with pytest.raises(ValidationError, match="cover_percent: must be above 0 and <= 100"):
        InsuranceCover(Money.of(1, "EUR"), cover_percent=0)
    with pytest.raises(ValidationError, match="buyer_limit: must be zero or more"):
        InsuranceCover(Money.of(-1, "EUR"), cover_percent=90)


# -- the sales window ----------------------------------------------------------------------------


def test_sales_window_on_a_month_end_includes_that_month() -> None:
    assert sales_window(date(2026, 2, 28), months=12) == (date(2025, 3, 1), date(2026, 2, 28))


def test_sales_window_mid_month_stops_at_the_previous_month() -> None:
    assert sales_window(date(2026, 3, 1), months=1) == (date(2026, 2, 1), date(2026, 2, 28))
    assert sales_window(date(2024, 3, 30), months=2) == (date(2024, 1, 1), date(2024, 2, 29))


@pytest.mark.parametrize("months", [0, -1, 1201, True, "12"])
def test_sales_window_months_are_checked(months: object) -> None:
    with pytest.raises(ValidationError, match="months: expected a whole number of months"):
        sales_window(date(2026, 3, 31), months=months)  # type: ignore[arg-type]


def test_sales_window_before_year_one_is_an_error() -> None:
    with pytest.raises(ValidationError, match="reach before year 1"):
        sales_window(date(1, 3, 15), months=12)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)), st.integers(1, 36))
def test_sales_window_covers_whole_months_that_have_ended(as_of: date, months: int) -> None:
    first, last = sales_window(as_of, months=months)
    assert first.day == 1
    assert last <= as_of
    assert (last + timedelta(days=1)).day == 1
    assert (last.year - first.year) * 12 + last.month - first.month + 1 == months


# -- from a ledger ---------------------------------------------------------------------------------


def test_from_ledger_averages_full_months_and_finds_the_usual_terms() -> None:
    ledger = Ledger(
        customers=[ACME, OTHER],
        invoices=[
            invoice("I0", date(2025, 12, 31), 30, "999"),  # before the window
            invoice("I1", date(2026, 1, 5), 30, "1000"),
            invoice("I2", date(2026, 1, 20), 60, "500"),
            invoice("I3", date(2026, 3, 31), 30, "250"),
            invoice("I4", date(2026, 4, 1), 30, "777"),  # after the window
            invoice("X1", date(2026, 2, 1), 14, "5000", customer="C2"),  # another customer
        ],
    )
    inputs = LimitInputs.from_ledger(ledger, "C1", as_of=date(2026, 4, 10), months=3, grace_days=5)
    # window January to March 2026: 1,500 / 0 / 250
    assert [m.amount for m in inputs.monthly_sales] == [1500, 0, 250]
    # average = 1,750 / 3
    assert inputs.average_monthly_sales == Money.of(1750, "EUR") / 3
    # 30 days twice, 60 days once
    assert inputs.terms_days == 30
    assert inputs.grace_days == 5
    assert inputs.as_of == date(2026, 4, 10)


def test_from_ledger_ties_in_terms_go_to_the_shorter() -> None:
    ledger = Ledger(
        customers=[ACME],
        invoices=[
            invoice("I1", date(2026, 1, 5), 45, "10"),
            invoice("I2", date(2026, 1, 6), 30, "10"),
        ],
    )
    assert LimitInputs.from_ledger(ledger, "C1", as_of=date(2026, 1, 31), months=1).terms_days == 30
    given_terms = LimitInputs.from_ledger(
        ledger, "C1", as_of=date(2026, 1, 31), months=1, terms_days=60
    )
    assert given_terms.terms_days == 60


def test_from_ledger_without_invoices_has_zero_sales_and_no_terms() -> None:
    inputs = LimitInputs.from_ledger(
        Ledger(customers=[ACME]), "C1", as_of=date(2026, 1, 31), months=2
    )
    assert [m.amount for m in inputs.monthly_sales] == [0, 0]
    assert inputs.terms_days is None


def test_from_ledger_converts_other_currencies_on_the_issue_date() -> None:
    ledger = Ledger(customers=[ACME], invoices=[invoice("I1", date(2026, 1, 5), 30, "1080", "USD")])
    rates = RateTable.from_mapping(
        {"2026-01-02": {"USD": "1.08"}, "2026-01-06": {"USD": "2"}}, base="EUR"
    )
    inputs = LimitInputs.from_ledger(ledger, "C1", as_of=date(2026, 1, 31), months=1, rates=rates)
    # 1,080 USD at the 2 January rate 1.08 = 1,000.00 EUR (the 6 January rate is later)
    assert inputs.monthly_sales == (Money.of("1000.00", "EUR"),)
    with pytest.raises(
        ValidationError, match=r"invoice 'I1': 1,080.00 USD is in USD but the limit is in EUR"
    ):
        LimitInputs.from_ledger(ledger, "C1", as_of=date(2026, 1, 31), months=1)


def test_from_ledger_in_another_limit_currency() -> None:
    ledger = Ledger(customers=[ACME], invoices=[invoice("I1", date(2026, 1, 5), 30, "100")])
    rates = RateTable.from_mapping({"2026-01-02": {"GBP": "0.85"}}, base="EUR")
    inputs = LimitInputs.from_ledger(
        ledger, "C1", as_of=date(2026, 1, 31), months=1, rates=rates, currency="GBP"
    )
    assert inputs.currency == "GBP"
    assert inputs.monthly_sales == (Money.of("85.00", "GBP"),)


def test_from_ledger_unknown_customer() -> None:
    with pytest.raises(ValidationError, match="customer_id: unknown customer 'C9'"):
        LimitInputs.from_ledger(Ledger(customers=[ACME]), "C9", as_of=date(2026, 1, 31))
    with pytest.raises(ValidationError, match=r"ledger: expected a credkit.ledger.Ledger"):
        LimitInputs.from_ledger([], "C1", as_of=date(2026, 1, 31))  # type: ignore[arg-type]
