"""Promises to pay, payment plans, and the blocks they put on dunning."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credkit.dunning import (
    BlockReason,
    PaymentPlan,
    PlanFrequency,
    PlanInstalment,
    PlanStatus,
    PromiseStatus,
    PromiseToPay,
    collection_blocks,
)
from credkit.errors import ValidationError
from credkit.ledger import Customer, Ledger, Payment
from credkit.money import Money


def eur(amount: str) -> Money:
    return Money.of(amount, "EUR")


_IDS = itertools.count(1)


def pay(day: date, amount: str, *, customer: str = "C1", currency: str = "EUR") -> Payment:
    return Payment(f"P{next(_IDS)}", customer, day, Money.of(amount, currency))


PROMISE = PromiseToPay(
    "PTP-1",
    "C1",
    eur("500.00"),
    promised_for=date(2026, 4, 15),
    made_on=date(2026, 4, 1),
    grace_days=2,
)

# -- promises -----------------------------------------------------------------------------------


def test_a_promise_is_pending_until_its_deadline_then_judged() -> None:
    assert PROMISE.deadline == date(2026, 4, 17)
    assert PROMISE.status([], as_of=date(2026, 4, 17)) is PromiseStatus.PENDING
    assert PROMISE.status([], as_of=date(2026, 4, 18)) is PromiseStatus.BROKEN
    part = [pay(date(2026, 4, 10), "200.00")]
    assert PROMISE.status(part, as_of=date(2026, 4, 12)) is PromiseStatus.PENDING
    assert PROMISE.status(part, as_of=date(2026, 4, 18)) is PromiseStatus.PARTLY_KEPT
    full = [pay(date(2026, 4, 10), "200.00"), pay(date(2026, 4, 16), "300.00")]
    assert PROMISE.status(full, as_of=date(2026, 4, 16)) is PromiseStatus.KEPT  # within grace
    assert PROMISE.paid(full, as_of=date(2026, 4, 30)) == eur("500.00")


def test_only_the_customers_payments_in_the_window_and_currency_count() -> None:
    payments = [
        pay(date(2026, 3, 31), "500.00"),  # before the promise was made
        pay(date(2026, 4, 18), "500.00"),  # after the deadline
        pay(date(2026, 4, 10), "500.00", customer="C2"),  # someone else
        pay(date(2026, 4, 10), "500.00", currency="USD"),  # another currency
    ]
    assert PROMISE.paid(payments, as_of=date(2026, 5, 1)) == eur("0")
    assert PROMISE.status(payments, as_of=date(2026, 5, 1)) is PromiseStatus.BROKEN
    # payments after as_of are not known yet
    assert (
        PROMISE.status([pay(date(2026, 4, 10), "500")], as_of=date(2026, 4, 9))
        is PromiseStatus.PENDING
    )


def test_promises_read_payments_from_a_ledger() -> None:
    ledger = Ledger(
        customers=[Customer("C1", "Acme", country="DE", currency="EUR")],
        payments=[Payment("X1", "C1", date(2026, 4, 14), eur("500.00"))],
    )
    assert PROMISE.status(ledger, as_of=date(2026, 4, 20)) is PromiseStatus.KEPT


def test_a_promise_blocks_from_when_it_was_made_to_its_deadline() -> None:
    block = PROMISE.block()
    assert block.reason is BlockReason.PROMISE_TO_PAY
    assert (block.since, block.until) == (date(2026, 4, 1), date(2026, 4, 17))
    assert not block.active(date(2026, 3, 31))
    assert block.active(date(2026, 4, 17))
    assert not block.active(date(2026, 4, 18))


def test_promise_validation() -> None:
    with pytest.raises(ValidationError, match=r"^amount: must be above zero"):
        PromiseToPay("P", "C1", eur("0"), promised_for=date(2026, 1, 2), made_on=date(2026, 1, 1))
    with pytest.raises(ValidationError, match=r"^item_ids\[1\]: 'I1' is listed twice"):
        PromiseToPay(
            "P",
            "C1",
            eur("1"),
            promised_for=date(2026, 1, 2),
            made_on=date(2026, 1, 1),
            item_ids=("I1", "I1"),
        )


# -- payment plans ------------------------------------------------------------------------------


def test_monthly_instalments_clip_to_month_ends_and_sum_exactly() -> None:
    plan = PaymentPlan.schedule(
        "PP", "C1", eur("1000.00"), first=date(2024, 1, 31), count=4, agreed_on=date(2024, 1, 10)
    )
    assert [i.due for i in plan.instalments] == [
        date(2024, 1, 31),
        date(2024, 2, 29),
        date(2024, 3, 31),
        date(2024, 4, 30),
    ]
    assert [i.amount for i in plan.instalments] == [eur("250.00")] * 4
    assert plan.total == eur("1000.00")


def test_weekly_instalments() -> None:
    plan = PaymentPlan.schedule(
        "PP",
        "C1",
        eur("100.00"),
        first=date(2026, 3, 2),
        count=3,
        agreed_on=date(2026, 3, 1),
        frequency=PlanFrequency.WEEKLY,
    )
    assert [i.due for i in plan.instalments] == [
        date(2026, 3, 2),
        date(2026, 3, 9),
        date(2026, 3, 16),
    ]
    assert [i.amount.amount for i in plan.instalments] == [
        Decimal("33.34"),
        Decimal("33.33"),
        Decimal("33.33"),
    ]


def test_plan_status_on_track_behind_defaulted_and_completed() -> None:
    plan = PaymentPlan.schedule(
        "PP",
        "C1",
        eur("300.00"),
        first=date(2026, 3, 1),
        count=3,
        agreed_on=date(2026, 2, 20),
        grace_days=5,
    )
    first = [pay(date(2026, 3, 1), "100.00")]
    assert plan.status([], as_of=date(2026, 2, 28)) is PlanStatus.ON_TRACK
    assert plan.status(first, as_of=date(2026, 3, 1)) is PlanStatus.ON_TRACK
    assert plan.status(first, as_of=date(2026, 4, 1)) is PlanStatus.BEHIND  # second due, in grace
    assert plan.status(first, as_of=date(2026, 4, 6)) is PlanStatus.BEHIND  # last day of grace
    defaulted = plan.progress(first, as_of=date(2026, 4, 7))
    assert defaulted.status is PlanStatus.DEFAULTED
    assert defaulted.defaulted_on == date(2026, 4, 7)
    assert defaulted.arrears == eur("100.00")
    assert defaulted.next_due == date(2026, 5, 1)
    # Default is final: catching up later does not revive the plan.
    late = [*first, pay(date(2026, 4, 20), "200.00")]
    assert plan.status(late, as_of=date(2026, 5, 10)) is PlanStatus.DEFAULTED
    on_time = [*first, pay(date(2026, 4, 3), "100.00"), pay(date(2026, 5, 1), "100.00")]
    assert plan.status(on_time, as_of=date(2026, 5, 1)) is PlanStatus.COMPLETED


def test_a_defaulted_plan_lifts_its_block() -> None:
    plan = PaymentPlan.schedule(
        "PP", "C1", eur("300.00"), first=date(2026, 3, 1), count=3, agreed_on=date(2026, 2, 20)
    )
    block = plan.block([], as_of=date(2026, 3, 1))
    assert block is not None
    assert block.reason is BlockReason.PAYMENT_PLAN
    assert block.until == date(2026, 5, 1)
    assert plan.block([], as_of=date(2026, 3, 2)) is None
    assert collection_blocks(plans=[plan], payments=[], as_of=date(2026, 3, 2)) == ()
    assert collection_blocks(plans=[plan], payments=[], as_of=date(2026, 3, 1)) == (block,)


def test_plan_validation() -> None:
    with pytest.raises(ValidationError, match=r"^instalments: a plan needs at least one"):
        PaymentPlan("PP", "C1", instalments=(), agreed_on=date(2026, 1, 1))
    with pytest.raises(
        ValidationError, match=r"^instalments\[1\].due: instalments must be in strictly"
    ):
        PaymentPlan(
            "PP",
            "C1",
            instalments=(
                PlanInstalment(date(2026, 2, 1), eur("1")),
                PlanInstalment(date(2026, 2, 1), eur("1")),
            ),
            agreed_on=date(2026, 1, 1),
        )
    with pytest.raises(ValidationError, match=r"^instalments\[1\].amount: 1 USD is not in EUR"):
        PaymentPlan(
            "PP",
            "C1",
            instalments=(
                PlanInstalment(date(2026, 2, 1), eur("1")),
                PlanInstalment(date(2026, 3, 1), Money.of(1, "USD")),
            ),
            agreed_on=date(2026, 1, 1),
        )
    with pytest.raises(
        ValidationError, match=r"^instalments\[0\].due: 2026-01-01 is before agreed_on"
    ):
        PaymentPlan.schedule(
            "PP", "C1", eur("1"), first=date(2026, 1, 1), count=1, agreed_on=date(2026, 1, 2)
        )
    with pytest.raises(ValidationError, match=r"^count: expected a whole number from 1 to 1000"):
        PaymentPlan.schedule(
            "PP", "C1", eur("1"), first=date(2026, 1, 1), count=0, agreed_on=date(2026, 1, 1)
        )
    with pytest.raises(ValidationError, match=r"^count: 3 instalments from 9999-11-30 run beyond"):
        PaymentPlan.schedule(
            "PP", "C1", eur("1"), first=date(9999, 11, 30), count=3, agreed_on=date(9999, 11, 1)
        )


# -- properties ---------------------------------------------------------------------------------

currencies = st.sampled_from(["EUR", "JPY", "BHD"])
firsts = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))


@given(
    st.integers(min_value=1, max_value=10**12),
    currencies,
    st.integers(min_value=1, max_value=60),
    firsts,
    st.sampled_from(PlanFrequency),
    st.integers(min_value=1, max_value=3),
)
def test_instalments_sum_exactly_and_fall_in_order(
    units: int, currency: str, count: int, first: date, frequency: PlanFrequency, interval: int
) -> None:
    total = Money(Decimal(units).scaleb(-{"EUR": 2, "JPY": 0, "BHD": 3}[currency]), currency)
    if units < count:
        with pytest.raises(
            ValidationError, match=rf"^count: .* cannot be split into {count} instalments"
        ):
            PaymentPlan.schedule("PP", "C1", total, first=first, count=count, agreed_on=first)
        return
    plan = PaymentPlan.schedule(
        "PP",
        "C1",
        total,
        first=first,
        count=count,
        agreed_on=first,
        frequency=frequency,
        interval=interval,
    )
    assert len(plan.instalments) == count
    assert sum((i.amount.amount for i in plan.instalments), Decimal(0)) == total.amount
    amounts = [i.amount.amount for i in plan.instalments]
    assert max(amounts) - min(amounts) <= Decimal(1).scaleb(-total.minor_units)
    dues = [i.due for i in plan.instalments]
    assert dues[0] == first
    assert all(a < b for a, b in itertools.pairwise(dues))
    if frequency is PlanFrequency.MONTHLY:
        # the instalment day, or the month's last day when the month is shorter
        for due in dues:
            assert due.day == first.day or (
                due.day < first.day and (due + timedelta(days=1)).day == 1
            )


@given(st.lists(st.integers(min_value=1, max_value=40_000), max_size=6), st.integers(0, 200))
def test_paying_more_never_makes_a_plan_worse(extra: list[int], offset: int) -> None:
    plan = PaymentPlan.schedule(
        "PP",
        "C1",
        eur("600.00"),
        first=date(2026, 3, 1),
        count=6,
        agreed_on=date(2026, 2, 1),
        grace_days=3,
    )
    as_of = date(2026, 2, 1) + timedelta(days=offset)
    base = [pay(date(2026, 3, 1), "100.00")]
    more = base + [
        pay(date(2026, 2, 1) + timedelta(days=i * 17 % 200), str(Decimal(c).scaleb(-2)))
        for i, c in enumerate(extra)
    ]
    rank = {
        PlanStatus.COMPLETED: 0,
        PlanStatus.ON_TRACK: 1,
        PlanStatus.BEHIND: 2,
        PlanStatus.DEFAULTED: 3,
    }
    assert rank[plan.status(more, as_of=as_of)] <= rank[plan.status(base, as_of=as_of)]
