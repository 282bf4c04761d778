"""The cash-in forecast: worked examples, boundaries, commitments and the reconciliation property."""

from __future__ import annotations

import datetime
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credkit.dunning import PaymentPlan, PromiseToPay
from credkit.errors import ValidationError
from credkit.forecast import (
    Basis,
    ForecastModel,
    cash_forecast,
    days_beyond_terms,
    known_on,
)
from credkit.ledger import Allocation, CreditNote, Customer, Invoice, Ledger, Payment
from credkit.money import Money
from credkit.testing.strategies import EPOCH, ledgers

AS_OF = date(2026, 3, 31)


def eur(amount: str | int) -> Money:
    return Money.of(amount, "EUR")


def history_ledger() -> Ledger:
    # C1 paid five invoices (due 2025-12-01) 0, 2, 4, 10 and 20 days beyond terms.
    # C2 (same segment, other country) has no history; C3 is in another segment.
    customers = [
        Customer("C1", "One", country="DE", currency="EUR", segment="retail"),
        Customer("C2", "Two", country="FR", currency="EUR", segment="retail"),
        Customer("C3", "Three", country="IT", currency="EUR", segment="wholesale"),
    ]
    due = date(2025, 12, 1)
    invoices = []
    payments = []
    allocations = []
    for n, late in enumerate((0, 2, 4, 10, 20)):
        invoices.append(Invoice(f"H{n}", "C1", date(2025, 11, 1), due, eur(10)))
        paid = due + timedelta(days=late)
        payments.append(Payment(f"HP{n}", "C1", paid, eur(10)))
        allocations.append(Allocation(f"HP{n}", f"H{n}", eur(10), paid))
    return Ledger(
        customers=customers, invoices=invoices, payments=payments, allocations=allocations
    )


def test_history_of_days_beyond_terms() -> None:
    assert days_beyond_terms(history_ledger(), as_of=AS_OF) == {"C1": (0, 2, 4, 10, 20)}
    # Before the last payments arrived, only what had been applied counts.
    assert days_beyond_terms(history_ledger(), as_of=date(2025, 12, 5)) == {"C1": (0, 2, 4)}


def test_a_not_yet_due_item_spreads_over_the_customer_quantiles() -> None:
    # 100.00 due 10 Apr; bands of 5 over (0, 2, 4, 10, 20): 20.00 each on 10, 12, 14,
    # 20 and 30 April. Weeks from 1 Apr: week 2 (8-14 Apr) 60.00, week 3 (15-21) 20.00,
    # week 5 (29 Apr - 5 May) 20.00. April as a month: all 100.00. Median date 14 Apr.
    ledger = history_ledger().extend(
        invoices=[Invoice("I1", "C1", date(2026, 3, 11), date(2026, 4, 10), eur("100.00"))]
    )
    result = cash_forecast(ledger, as_of=AS_OF)
    (item,) = result.items
    assert item.basis is Basis.CUSTOMER
    assert [(p.on.day, str(p.amount.amount)) for p in item.parts] == [
        (10, "20.00"),
        (12, "20.00"),
        (14, "20.00"),
        (20, "20.00"),
        (30, "20.00"),
    ]
    assert item.expected_on == date(2026, 4, 14)
    assert [str(w.amount("EUR").amount) for w in result.weekly[:5]] == [
        "0.00",
        "60.00",
        "20.00",
        "0.00",
        "20.00",
    ]
    assert result.weekly[0].start == date(2026, 4, 1)
    assert result.weekly[-1].end == date(2026, 6, 30)  # 13 weeks = 91 days
    assert [(m.start, m.end) for m in result.monthly] == [
        (date(2026, 4, 1), date(2026, 4, 30)),
        (date(2026, 5, 1), date(2026, 5, 31)),
        (date(2026, 6, 1), date(2026, 6, 30)),
    ]
    assert result.monthly[0].amount("EUR") == eur("100.00")


def test_an_overdue_item_uses_the_history_beyond_its_lateness() -> None:
    # Due 25 Mar, 6 days late on 31 Mar: only 10 and 20 days are still possible.
    # Quantile ranks (2i+1)*2//10 for i=0..4 -> 0,0,1,1,1 -> 10,10,20,20,20 days:
    # 40.00 on 4 Apr and 60.00 on 14 Apr. 30 days late (due 1 Mar): nothing in the
    # history is that late -> the overdue rule: all on 7 Apr, moved.
    ledger = history_ledger().extend(
        invoices=[
            Invoice("I1", "C1", date(2026, 2, 23), date(2026, 3, 25), eur("100.00")),
            Invoice("I2", "C1", date(2026, 1, 30), date(2026, 3, 1), eur("50.00")),
        ]
    )
    result = cash_forecast(ledger, as_of=AS_OF)
    items = {f.item.document_id: f for f in result.items}
    assert [(p.on, str(p.amount.amount)) for p in items["I1"].parts] == [
        (date(2026, 4, 4), "40.00"),
        (date(2026, 4, 14), "60.00"),
    ]
    (part,) = items["I2"].parts
    assert (part.on, part.moved, part.amount) == (date(2026, 4, 7), True, eur("50.00"))
    # The naive model puts both overdue items on the overdue-rule date.
    naive = cash_forecast(ledger, as_of=AS_OF, model=ForecastModel.DUE_DATE)
    assert {p.on for f in naive.items for p in f.parts} == {date(2026, 4, 7)}
    assert naive.weekly[0].amount("EUR") == eur("150.00")


def test_thin_history_falls_back_to_segment_country_everyone_then_due_date() -> None:
    ledger = history_ledger().extend(
        invoices=[
            Invoice("J2", "C2", date(2026, 3, 11), date(2026, 4, 10), eur(10)),
            Invoice("J3", "C3", date(2026, 3, 11), date(2026, 4, 10), eur(10)),
        ]
    )
    bases = {f.item.customer_id: f.basis for f in cash_forecast(ledger, as_of=AS_OF).items}
    assert bases == {"C2": Basis.SEGMENT, "C3": Basis.PORTFOLIO}
    strict = cash_forecast(ledger, as_of=AS_OF, min_history=6)
    assert {f.basis for f in strict.items} == {Basis.DUE_DATE}
    assert {p.on for f in strict.items for p in f.parts} == {date(2026, 4, 10)}


def test_credit_notes_and_unapplied_cash_are_set_off_first() -> None:
    # I1 100.00 (due 1 Apr), I2 80.00 (due 10 Apr). CN1 30.00 names I2: offset on I2.
    # P1 200.00 unapplied: 100.00 on I1 (oldest due), 50.00 on what is left of I2,
    # and 50.00 stays a credit balance. Balance: 180 - 30 - 200 = -50.00.
    ledger = Ledger(
        customers=[Customer("C1", "One", country="DE", currency="EUR")],
        invoices=[
            Invoice("I1", "C1", date(2026, 3, 2), date(2026, 4, 1), eur("100.00")),
            Invoice("I2", "C1", date(2026, 3, 11), date(2026, 4, 10), eur("80.00")),
        ],
        credit_notes=[CreditNote("CN1", "C1", date(2026, 3, 12), eur("30.00"), invoice_id="I2")],
        payments=[Payment("P1", "C1", date(2026, 3, 20), eur("200.00"))],
    )
    result = cash_forecast(ledger, as_of=AS_OF)
    offsets = {f.item.document_id: str(f.offset.amount) for f in result.items}
    assert offsets == {"I1": "100.00", "I2": "80.00"}
    assert all(f.parts == () and f.expected_on is None for f in result.items)
    assert result.credit_in("EUR") == eur("-50.00")
    assert result.total("EUR") == ledger.balance(AS_OF)["EUR"]


def test_promises_and_plans_override_behaviour_for_what_they_cover() -> None:
    # I1 100.00 due 10 Apr, I2 300.00 due 15 Apr. A pending promise of 60.00 for 3 Apr
    # on I1; a plan of 2 x 150.00 (30 Apr, 30 May) for I2; the rest of I1 (40.00) and
    # of I2 (0.00) follow behaviour. A broken promise and a later promise are ignored.
    ledger = history_ledger().extend(
        invoices=[
            Invoice("I1", "C1", date(2026, 3, 11), date(2026, 4, 10), eur("100.00")),
            Invoice("I2", "C1", date(2026, 3, 16), date(2026, 4, 15), eur("300.00")),
        ]
    )
    promises = [
        PromiseToPay(
            "PTP1",
            "C1",
            eur(60),
            promised_for=date(2026, 4, 3),
            made_on=date(2026, 3, 30),
            item_ids=["I1"],
        ),
        PromiseToPay(
            "OLD", "C1", eur(99), promised_for=date(2026, 3, 10), made_on=date(2026, 3, 1)
        ),
        PromiseToPay(
            "LATER", "C1", eur(99), promised_for=date(2026, 4, 20), made_on=date(2026, 4, 2)
        ),
    ]
    plan = PaymentPlan.schedule(
        "PP1",
        "C1",
        eur(300),
        first=date(2026, 4, 30),
        count=2,
        agreed_on=date(2026, 3, 31),
        item_ids=["I2"],
    )
    result = cash_forecast(ledger, as_of=AS_OF, promises=promises, plans=[plan])
    items = {f.item.document_id: f for f in result.items}
    promised = [p for p in items["I1"].parts if p.basis is Basis.PROMISE]
    assert [(p.on, p.amount, p.source) for p in promised] == [(date(2026, 4, 3), eur(60), "PTP1")]
    rest = [p for p in items["I1"].parts if p.basis is Basis.CUSTOMER]
    assert sum((p.amount for p in rest), eur(0)) == eur("40.00")
    assert [(p.on, p.amount, p.basis) for p in items["I2"].parts] == [
        (date(2026, 4, 30), eur("150.00"), Basis.PLAN),
        (date(2026, 5, 30), eur("150.00"), Basis.PLAN),
    ]
    assert items["I2"].basis is Basis.PLAN
    assert result.total("EUR") == eur("400.00")


def test_plan_instalments_in_arrears_go_to_next_week() -> None:
    ledger = history_ledger().extend(
        invoices=[Invoice("I1", "C1", date(2026, 1, 1), date(2026, 1, 31), eur("100.00"))]
    )
    plan = PaymentPlan.schedule(
        "PP", "C1", eur(100), first=date(2026, 3, 31), count=2, agreed_on=date(2026, 3, 1)
    )
    result = cash_forecast(ledger, as_of=AS_OF, plans=[plan])
    assert [(p.on, p.moved, str(p.amount.amount)) for p in result.items[0].parts] == [
        (date(2026, 4, 7), True, "50.00"),
        (date(2026, 4, 30), False, "50.00"),
    ]


def test_leap_day_and_month_end_buckets() -> None:
    ledger = Ledger(
        customers=[Customer("C1", "One", country="DE", currency="EUR")],
        invoices=[Invoice("I1", "C1", date(2024, 1, 30), date(2024, 2, 29), eur("10.00"))],
    )
    result = cash_forecast(ledger, as_of=date(2024, 2, 28), weeks=1)
    assert (result.weekly[0].start, result.weekly[0].end) == (date(2024, 2, 29), date(2024, 3, 6))
    assert [(m.start, m.end) for m in result.monthly] == [
        (date(2024, 2, 29), date(2024, 2, 29)),
        (date(2024, 3, 1), date(2024, 3, 6)),
    ]
    assert result.monthly[0].amount("EUR") == eur("10.00")
    # Beyond the one-week horizon.
    later = cash_forecast(ledger, as_of=date(2024, 2, 20), weeks=1)
    assert later.beyond_in("EUR") == eur("10.00")


def test_several_currencies_and_an_empty_ledger() -> None:
    ledger = Ledger(
        customers=[Customer("C1", "One", country="JP", currency="JPY")],
        invoices=[
            Invoice("I1", "C1", date(2026, 3, 1), date(2026, 4, 2), Money.of(1001, "JPY")),
            Invoice("I2", "C1", date(2026, 3, 1), date(2026, 4, 2), Money.of("3.01", "USD")),
        ],
    )
    result = cash_forecast(ledger, as_of=AS_OF, bands=3)
    assert result.currencies == ("JPY", "USD")
    assert str(result.weekly[0].amount("JPY")) == "1001 JPY"
    assert str(result.weekly[0].amount("USD")) == "3.01 USD"
    empty = cash_forecast(Ledger(), as_of=AS_OF)
    assert empty.items == ()
    assert empty.currencies == ()
    assert len(empty.weekly) == 13


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"weeks": 521}, "weeks: expected a whole number from 1 to 520"),
        ({"bands": 0}, "bands: expected a whole number from 1 to 100"),
        ({"min_history": True}, "min_history: expected a whole number"),
        ({"overdue_in_days": 0}, "overdue_in_days: expected a whole number from 1 to 366"),
        ({"model": "naive"}, "model: expected a ForecastModel"),
        ({"promises": "P1"}, "promises: expected a list of PromiseToPay"),
        ({"plans": [1]}, r"plans\[0\]: expected a PaymentPlan"),
        ({"window_months": 0}, "window_months: expected a whole number from 1 to 1200"),
    ],
)
def test_bad_arguments_name_the_field(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        cash_forecast(history_ledger(), as_of=AS_OF, **kwargs)  # type: ignore[arg-type]


def test_promises_of_unknown_customers_are_refused() -> None:
    promise = PromiseToPay("P", "C9", eur(1), promised_for=AS_OF, made_on=AS_OF)
    with pytest.raises(ValidationError, match=r"promises\[0\].customer_id: unknown customer 'C9'"):
        cash_forecast(history_ledger(), as_of=AS_OF, promises=[promise])


@settings(max_examples=60, deadline=None)
@given(
    ledger=ledgers(max_documents=25),
    offset=st.integers(0, 800),
    weeks=st.integers(1, 20),
    bands=st.integers(1, 7),
    min_history=st.integers(1, 4),
    naive=st.booleans(),
)
def test_forecast_sums_to_the_open_balance_nothing_dropped_nothing_invented(
    ledger: Ledger, offset: int, weeks: int, bands: int, min_history: int, naive: bool
) -> None:
    as_of = EPOCH + datetime.timedelta(days=offset)
    model = ForecastModel.DUE_DATE if naive else ForecastModel.BEHAVIOUR
    result = cash_forecast(
        ledger, as_of=as_of, weeks=weeks, bands=bands, min_history=min_history, model=model
    )
    balance = ledger.balance(as_of)
    for code in {*balance, *result.currencies}:
        expected = balance.get(code, Money.zero(code)).amount
        assert result.total(code).amount == expected
        months = sum((m.amount(code).amount for m in result.monthly), result.beyond_in(code).amount)
        assert months + result.credit_in(code).amount == expected
        assert not result.credit_in(code).is_positive
    for forecast in result.items:
        assert forecast.expected + forecast.offset == forecast.item.amount
        assert all(p.on > as_of and p.amount.is_positive for p in forecast.parts)
    assert result.weekly[-1].end == as_of + timedelta(days=7 * weeks)
    assert result.monthly[-1].end == result.weekly[-1].end


@settings(max_examples=40, deadline=None)
@given(ledger=ledgers(max_documents=25), offset=st.integers(0, 800))
def test_nothing_after_as_of_leaks_into_the_forecast(ledger: Ledger, offset: int) -> None:
    as_of = EPOCH + datetime.timedelta(days=offset)
    assert cash_forecast(ledger, as_of=as_of, min_history=1) == cash_forecast(
        known_on(ledger, as_of), as_of=as_of, min_history=1
    )
