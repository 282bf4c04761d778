"""Statements of account: worked examples, boundaries and the reconciliation property."""

from __future__ import annotations

import datetime
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credkit.aging import Buckets
from credkit.errors import ValidationError
from credkit.ledger import Allocation, CreditNote, Customer, Invoice, Ledger, Payment
from credkit.money import Money
from credkit.statement import LineKind, statement
from credkit.testing.strategies import EPOCH, ledgers


def eur(amount: str) -> Money:
    return Money.of(amount, "EUR")


ACME = Customer("C1", "Acme GmbH", country="DE", currency="EUR")
OTHER = Customer("C2", "Other SA", country="FR", currency="EUR")


def worked_ledger() -> Ledger:
    # Before March: I1 1,000.00 (issued 10 Feb) less P0 200.00 (20 Feb) -> 800.00 owed.
    # In March: I2 +500.00 (2 Mar), CN1 -50.00 on I2 (5 Mar), P1 -700.00 (16 Mar),
    # applied 16 Mar: 600.00 to I1 and 100.00 to I2.
    # Closing 31 Mar = 800 + 500 - 50 - 700 = 550.00; open: I1 200.00 (due 12 Mar,
    # 19 days late -> 1-30), I2 500 - 50 - 100 = 350.00 (due 1 Apr, not yet due).
    return Ledger(
        customers=[ACME, OTHER],
        invoices=[
            Invoice("I1", "C1", date(2026, 2, 10), date(2026, 3, 12), eur("1000.00")),
            Invoice("I2", "C1", date(2026, 3, 2), date(2026, 4, 1), eur("500.00")),
            Invoice("X1", "C2", date(2026, 3, 3), date(2026, 4, 2), eur("999.00")),
        ],
        credit_notes=[CreditNote("CN1", "C1", date(2026, 3, 5), eur("50.00"), invoice_id="I2")],
        payments=[
            Payment("P0", "C1", date(2026, 2, 20), eur("200.00")),
            Payment("P1", "C1", date(2026, 3, 16), eur("700.00")),
        ],
        allocations=[
            Allocation("P0", "I1", eur("200.00"), date(2026, 2, 20)),
            Allocation("CN1", "I2", eur("50.00"), date(2026, 3, 5)),
            Allocation("P1", "I1", eur("600.00"), date(2026, 3, 16)),
            Allocation("P1", "I2", eur("100.00"), date(2026, 3, 16)),
        ],
    )


def test_worked_example_march() -> None:
    account = statement(worked_ledger(), "C1", as_of=date(2026, 3, 31))
    assert account.period_from == date(2026, 3, 1)
    section = account.section("EUR")
    assert section.opening == eur("800.00")
    lines = [
        (ln.on.day, ln.kind, ln.document_id, ln.reference, str(ln.balance.amount))
        for ln in section.lines
    ]
    assert lines == [
        (2, LineKind.INVOICE, "I2", None, "1300.00"),
        (5, LineKind.CREDIT_NOTE, "CN1", "I2", "1250.00"),
        (5, LineKind.ALLOCATION, "CN1", "I2", "1250.00"),
        (16, LineKind.PAYMENT, "P1", None, "550.00"),
        (16, LineKind.ALLOCATION, "P1", "I1", "550.00"),
        (16, LineKind.ALLOCATION, "P1", "I2", "550.00"),
    ]
    assert [str(ln.applied) for ln in section.lines if ln.kind is LineKind.ALLOCATION] == [
        "50.00 EUR",
        "600.00 EUR",
        "100.00 EUR",
    ]
    assert section.closing == eur("550.00")
    assert (section.invoiced, section.credited, section.received) == (
        eur("500.00"),
        eur("50.00"),
        eur("700.00"),
    )
    assert section.aging is not None
    by_label = dict(zip(account.buckets.labels, section.aging.amounts, strict=True))
    assert by_label["Not yet due"] == eur("350.00")
    assert by_label["1-30"] == eur("200.00")
    assert section.aging.total == eur("550.00")
    # The other customer's invoice is not on C1's statement.
    assert all(ln.document_id != "X1" for ln in section.lines)


def test_later_documents_and_allocations_are_ignored() -> None:
    ledger = (
        worked_ledger()
        .extend(payments=[Payment("P2", "C1", date(2026, 4, 3), eur("550.00"))])
        .apply_oldest_first("P2")
    )
    before = statement(worked_ledger(), "C1", as_of=date(2026, 3, 31))
    after = statement(ledger, "C1", as_of=date(2026, 3, 31))
    assert after == before


def test_leap_day_and_month_end_boundaries() -> None:
    # An invoice on 29 Feb 2024 is in February's statement, a payment on 1 Mar in March's.
    ledger = Ledger(
        customers=[ACME],
        invoices=[Invoice("I1", "C1", date(2024, 2, 29), date(2024, 3, 31), eur("100.00"))],
        payments=[Payment("P1", "C1", date(2024, 3, 1), eur("30.00"))],
    )
    february = statement(ledger, "C1", as_of=date(2024, 2, 29))
    assert february.period_from == date(2024, 2, 1)
    assert [ln.document_id for ln in february.section("EUR").lines] == ["I1"]
    assert february.section("EUR").closing == eur("100.00")
    march = statement(ledger, "C1", as_of=date(2024, 3, 31))
    section = march.section("EUR")
    assert section.opening == eur("100.00")
    assert [ln.document_id for ln in section.lines] == ["P1"]
    # Unapplied: 100.00 invoice, -30.00 cash -> 70.00, and the aging shows the unapplied cash.
    assert section.closing == eur("70.00")
    assert section.aging is not None
    assert section.aging.unapplied == eur("-30.00")
    # A one-day period: from = as_of.
    one_day = statement(ledger, "C1", as_of=date(2024, 3, 1), period_from=date(2024, 3, 1))
    assert one_day.section("EUR").opening == eur("100.00")
    assert one_day.section("EUR").closing == eur("70.00")


def test_several_currencies_get_a_section_each() -> None:
    ledger = Ledger(
        customers=[ACME],
        invoices=[
            Invoice("I1", "C1", date(2026, 1, 5), date(2026, 2, 4), eur("10.00")),
            Invoice("I2", "C1", date(2026, 1, 6), date(2026, 2, 5), Money.of(1500, "JPY")),
            Invoice("I3", "C1", date(2025, 12, 6), date(2026, 1, 5), Money.of("20.00", "USD")),
        ],
        payments=[Payment("P1", "C1", date(2026, 1, 20), Money.of("20.00", "USD"))],
    ).apply_oldest_first("P1")
    account = statement(ledger, "C1", as_of=date(2026, 1, 31))
    assert account.currencies == ("EUR", "JPY", "USD")
    assert str(account.section("JPY").closing) == "1500 JPY"
    usd = account.section("USD")
    # Paid in full in January: opening 20.00, closing 0.00, the section is still shown.
    assert (str(usd.opening), str(usd.closing)) == ("20.00 USD", "0.00 USD")
    assert usd.aging is not None
    assert usd.aging.count == 0
    with pytest.raises(ValidationError, match="no section in 'GBP'; it has EUR, JPY, USD"):
        account.section("GBP")


def test_a_customer_without_documents_has_no_sections() -> None:
    account = statement(Ledger(customers=[ACME]), "C1", as_of=date(2026, 1, 31))
    assert account.sections == ()


def test_period_from_the_beginning_of_time() -> None:
    account = statement(worked_ledger(), "C1", as_of=date(2026, 3, 31), period_from=date.min)
    section = account.section("EUR")
    assert section.opening == eur("0.00")
    assert section.closing == eur("550.00")
    assert len([ln for ln in section.lines if ln.kind is not LineKind.ALLOCATION]) == 5


def test_buckets_are_passed_to_the_aging() -> None:
    buckets = Buckets.from_edges([15, 45])
    account = statement(worked_ledger(), "C1", as_of=date(2026, 3, 31), buckets=buckets)
    assert account.buckets == buckets
    assert account.section("EUR").aging is not None
    assert len(account.section("EUR").aging.amounts) == len(buckets)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"as_of": "2026-03-31"}, "as_of: expected a datetime.date"),
        (
            {"as_of": date(2026, 3, 31), "period_from": date(2026, 4, 1)},
            "period_from: 2026-04-01 is after",
        ),
        ({"as_of": date(2026, 3, 31), "buckets": [30]}, "buckets: expected Buckets"),
    ],
)
def test_bad_arguments_name_the_field(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        statement(worked_ledger(), "C1", **kwargs)  # type: ignore[arg-type]


def test_unknown_customer_and_wrong_ledger() -> None:
    with pytest.raises(ValidationError, match="customer_id: unknown customer 'C9'"):
        statement(worked_ledger(), "C9", as_of=date(2026, 3, 31))
    with pytest.raises(ValidationError, match="ledger: expected a Ledger"):
        statement([], "C1", as_of=date(2026, 3, 31))  # type: ignore[arg-type]


@settings(max_examples=60, deadline=None)
@given(
    ledger=ledgers(max_documents=20),
    offset=st.integers(0, 800),
    length=st.integers(0, 120),
)
def test_opening_plus_movements_is_closing_to_the_cent(
    ledger: Ledger, offset: int, length: int
) -> None:
    as_of = EPOCH + datetime.timedelta(days=offset)
    start = as_of - datetime.timedelta(days=length)
    for customer in ledger.customers:
        account = statement(ledger, customer.id, as_of=as_of, period_from=start)
        balance = ledger.balance(as_of, customer_id=customer.id)
        assert {s.currency for s in account.sections if not s.closing.is_zero} == set(balance)
        for section in account.sections:
            assert section.opening + section.movements == section.closing
            assert (
                section.closing.amount
                == balance.get(section.currency, Money.zero(section.currency)).amount
            )
            running = section.opening
            for line in section.lines:
                running = running + line.amount
                assert line.balance == running
                assert start <= line.on <= as_of
            if section.aging is not None:
                assert section.aging.total.amount == section.closing.amount
            assert section.opening.amount == sum(
                (
                    m.amount
                    for m in ledger.balance(
                        start - datetime.timedelta(days=1), customer_id=customer.id
                    ).values()
                    if m.currency == section.currency
                ),
                Decimal(0),
            )
