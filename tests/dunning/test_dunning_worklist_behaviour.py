"""The collection worklist with payment behaviour: the behaviour weight, its reasons, monotony."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credkit.dunning import WorklistEntry, collection_worklist
from credkit.dunning.worklist import behaviour_weight
from credkit.errors import ValidationError
from credkit.kpi import (
    InsufficientData,
    PaymentBehaviour,
    PaymentTrend,
    TrendDirection,
    payment_behaviour,
)
from credkit.ledger import Allocation, Customer, DocumentKind, Invoice, Ledger, OpenItem, Payment
from credkit.money import Money

AS_OF = date(2026, 3, 31)


def item(id_: str, customer: str, days: int, amount: str) -> OpenItem:
    due = AS_OF - timedelta(days=days)
    return OpenItem(
        id_, customer, DocumentKind.INVOICE, due - timedelta(days=30), due, Money.of(amount, "EUR")
    )


def record(
    customer: str,
    index: Decimal | int | str,
    direction: TrendDirection = TrendDirection.STABLE,
    *,
    as_of: date = AS_OF,
) -> PaymentBehaviour:
    """A behaviour record with the given payment index and trend direction."""
    known = direction is not TrendDirection.INSUFFICIENT_DATA
    recent = {TrendDirection.DETERIORATING: Decimal(30), TrendDirection.IMPROVING: Decimal(0)}
    trend = PaymentTrend(
        customer,
        direction,
        recent_days_late=recent.get(direction, Decimal(10)) if known else None,
        baseline_days_late=Decimal(10) if known else None,
        recent_invoices=3 if known else 1,
        baseline_invoices=8,
    )
    zero = Decimal(0)
    return PaymentBehaviour(
        customer,
        as_of=as_of,
        window_start=date(2024, 4, 1),
        currency="EUR",
        invoices=11,
        amount_paid=Money.of("11000.00", "EUR"),
        average_days_to_pay=Decimal(40),
        weighted_days_to_pay=Decimal(40),
        average_days_beyond_terms=Decimal(10),
        weighted_days_beyond_terms=Decimal(10),
        average_days_late=Decimal(10),
        weighted_days_late=Decimal(10),
        share_on_time=zero,
        share_early=zero,
        payment_index=Decimal(index),
        trend=trend,
    )


def insufficient(customer: str) -> InsufficientData:
    return InsufficientData(customer, invoices=1, required=3)


# -- strategies ---------------------------------------------------------------------------

CUSTOMERS = "ABCDE"

indexes = st.decimals(min_value=0, max_value=100, places=4, allow_nan=False)
directions = st.sampled_from(TrendDirection)
item_rows = st.lists(
    st.tuples(
        st.sampled_from(CUSTOMERS),
        st.integers(min_value=1, max_value=200),  # days overdue
        st.integers(min_value=100, max_value=10**8),  # cents, at least 1.00
    ),
    min_size=1,
    max_size=20,
)


def items_of(rows: list[tuple[str, int, int]]) -> list[OpenItem]:
    return [
        item(f"I{n}", customer, days, str(Decimal(cents).scaleb(-2)))
        for n, (customer, days, cents) in enumerate(rows)
    ]


@st.composite
def behaviours(draw: st.DrawFn) -> dict[str, PaymentBehaviour | InsufficientData]:
    """Records for some of the customers: behaviour, insufficient data, or none at all."""
    result: dict[str, PaymentBehaviour | InsufficientData] = {}
    for customer in CUSTOMERS:
        kind = draw(st.sampled_from(["behaviour", "insufficient", "absent"]))
        if kind == "behaviour":
            result[customer] = record(customer, draw(indexes), draw(directions))
        elif kind == "insufficient":
            result[customer] = insufficient(customer)
    return result


def by_customer(entries: tuple[WorklistEntry, ...]) -> dict[str, WorklistEntry]:
    return {e.customer_id: e for e in entries}


# -- the weight ----------------------------------------------------------------------------


def test_the_weight_follows_the_documented_formula() -> None:
    # 1 + 1 % per index point below 80 + 25 % when deteriorating.
    assert behaviour_weight(record("A", 80)) == 1
    assert behaviour_weight(record("A", 95)) == 1
    assert behaviour_weight(record("A", 50)) == Decimal("1.3")
    assert behaviour_weight(record("A", 0)) == Decimal("1.8")
    assert behaviour_weight(record("A", 50, TrendDirection.DETERIORATING)) == Decimal("1.55")
    assert behaviour_weight(record("A", 90, TrendDirection.DETERIORATING)) == Decimal("1.25")
    assert behaviour_weight(record("A", 50, TrendDirection.IMPROVING)) == Decimal("1.3")
    # The index is rounded to one decimal first, as the reason shows it.
    assert behaviour_weight(record("A", "79.96")) == 1
    assert behaviour_weight(record("A", "62.54")) == Decimal("1.175")
    assert behaviour_weight(insufficient("A")) == 1
    assert behaviour_weight(None) == 1


@given(indexes, indexes, directions)
def test_a_lower_index_never_lowers_the_weight(
    one: Decimal, other: Decimal, direction: TrendDirection
) -> None:
    worse, better = sorted((one, other))
    assert behaviour_weight(record("A", worse, direction)) >= behaviour_weight(
        record("A", better, direction)
    )
    # Deteriorating never weighs less than any other direction at the same index.
    assert behaviour_weight(record("A", one, TrendDirection.DETERIORATING)) >= behaviour_weight(
        record("A", one, direction)
    )
    assert Decimal(1) <= behaviour_weight(record("A", one, direction)) <= Decimal("2.05")


# -- the worklist --------------------------------------------------------------------------


def test_behaviour_scales_the_priority_and_explains_itself() -> None:
    items = [
        item("A1", "A", 10, "1000.00"),
        item("B1", "B", 10, "1000.00"),
        item("C1", "C", 10, "1000.00"),
        item("D1", "D", 10, "1000.00"),
        item("E1", "E", 10, "1000.00"),
    ]
    behaviour: dict[str, PaymentBehaviour | InsufficientData] = {
        "A": record("A", "62.5", TrendDirection.DETERIORATING),
        "B": record("B", 85, TrendDirection.DETERIORATING),
        "C": record("C", 50),
        "D": insufficient("D"),
    }
    entries = collection_worklist(items, as_of=AS_OF, behaviour=behaviour)
    assert [(e.customer_id, e.priority.amount, e.behaviour_weight) for e in entries] == [
        ("A", Decimal("1425.00"), Decimal("1.425")),  # +17.5 % +25 %
        ("C", Decimal("1300.00"), Decimal("1.3")),
        ("B", Decimal("1250.00"), Decimal("1.25")),
        ("D", Decimal("1000.00"), Decimal("1")),
        ("E", Decimal("1000.00"), Decimal("1")),
    ]
    found = by_customer(entries)
    assert found["A"].reasons == (
        "overdue 1000.00 EUR, weighted by age 1000.00 EUR",
        "oldest item 10 days overdue",
        "payment index 62.5: +17.5%",
        "payment trend deteriorating (days late 10 -> 30): +25%",
    )
    assert found["B"].reasons[-2:] == (
        "payment index 85: +0%",
        "payment trend deteriorating (days late 10 -> 30): +25%",
    )
    assert found["C"].reasons[-1] == "payment trend stable (days late 10 -> 10): +0%"
    assert found["D"].reasons[-1] == (
        "payment behaviour: insufficient data (1 of 3 paid invoices needed): +0%"
    )
    assert found["E"].reasons[-1] == "payment behaviour: none on record: +0%"
    assert found["A"].behaviour == behaviour["A"]
    assert found["E"].behaviour is None


def test_a_deteriorating_trend_raises_the_priority() -> None:
    items = [item("A1", "A", 45, "800.00")]  # 31-60 days: weighs 2
    stable = collection_worklist(items, as_of=AS_OF, behaviour={"A": record("A", 80)})
    worse = collection_worklist(
        items, as_of=AS_OF, behaviour={"A": record("A", 80, TrendDirection.DETERIORATING)}
    )
    assert stable[0].priority == Money.of("1600.00", "EUR")
    assert worse[0].priority == Money.of("2000.00", "EUR")


def test_behaviour_multiplies_with_the_other_factors() -> None:
    items = [item("A1", "A", 95, "100.00")]  # > 90 days: weighs 4
    entry = collection_worklist(
        items,
        as_of=AS_OF,
        risk_classes={"A": "high"},
        risk_weights={"high": "1.5"},
        behaviour={"A": record("A", 70, TrendDirection.DETERIORATING)},
    )[0]
    # 400 x 1.5 x (1 + 0.10 + 0.25)
    assert entry.priority == Money.of("810.00", "EUR")
    assert entry.reasons[-3:] == (
        "risk class high (x1.5)",
        "payment index 70: +10%",
        "payment trend deteriorating (days late 10 -> 30): +25%",
    )


def _neutral(value: PaymentBehaviour | InsufficientData) -> PaymentBehaviour | InsufficientData:
    """The record made neutral: an index of at least 80 and a trend that is not deteriorating."""
    if isinstance(value, InsufficientData):
        return value
    direction = value.trend.direction
    if direction is TrendDirection.DETERIORATING:
        direction = TrendDirection.STABLE
    return record(value.customer_id, max(value.payment_index, Decimal(80)), direction)


@given(item_rows, behaviours())
def test_without_behaviour_the_result_is_the_old_one(
    rows: list[tuple[str, int, int]], behaviour: dict[str, PaymentBehaviour | InsufficientData]
) -> None:
    items = items_of(rows)
    old = collection_worklist(items, as_of=AS_OF)
    assert collection_worklist(items, as_of=AS_OF, behaviour=None) == old
    assert all(e.behaviour is None and e.behaviour_weight == 1 for e in old)
    # Neutral behaviour (insufficient data, absent, an index of 80 or more and no
    # deterioration) keeps every priority and the order, and only adds reasons.
    neutral = {customer: _neutral(value) for customer, value in behaviour.items()}
    ranked = collection_worklist(items, as_of=AS_OF, behaviour=neutral)
    assert [(e.customer_id, e.rank, e.priority) for e in ranked] == [
        (e.customer_id, e.rank, e.priority) for e in old
    ]
    for before, after in zip(old, ranked, strict=True):
        assert after.reasons[: len(before.reasons)] == before.reasons
        assert all(r.endswith(": +0%") for r in after.reasons[len(before.reasons) :])


@given(item_rows, behaviours(), st.sampled_from(CUSTOMERS), indexes, indexes, directions)
def test_a_worse_payment_index_never_lowers_a_priority_or_a_rank(
    rows: list[tuple[str, int, int]],
    behaviour: dict[str, PaymentBehaviour | InsufficientData],
    customer: str,
    one: Decimal,
    other: Decimal,
    direction: TrendDirection,
) -> None:
    items = items_of(rows)
    lower, higher = sorted((one, other))
    better = {**behaviour, customer: record(customer, higher, direction)}
    worse = {**behaviour, customer: record(customer, lower, direction)}
    before = by_customer(collection_worklist(items, as_of=AS_OF, behaviour=better))
    after = by_customer(collection_worklist(items, as_of=AS_OF, behaviour=worse))
    assert before.keys() == after.keys()
    if customer in before:
        assert after[customer].priority >= before[customer].priority
        assert after[customer].rank <= before[customer].rank
    for other_customer in before.keys() - {customer}:
        assert after[other_customer].priority == before[other_customer].priority


@given(item_rows, behaviours(), st.sampled_from(CUSTOMERS))
def test_deterioration_raises_every_priority_it_touches(
    rows: list[tuple[str, int, int]],
    behaviour: dict[str, PaymentBehaviour | InsufficientData],
    customer: str,
) -> None:
    items = items_of(rows)
    current = behaviour.get(customer)
    index = current.payment_index if isinstance(current, PaymentBehaviour) else Decimal(80)
    steady = {**behaviour, customer: record(customer, index, TrendDirection.STABLE)}
    falling = {**behaviour, customer: record(customer, index, TrendDirection.DETERIORATING)}
    before = by_customer(collection_worklist(items, as_of=AS_OF, behaviour=steady))
    after = by_customer(collection_worklist(items, as_of=AS_OF, behaviour=falling))
    if customer in before:
        # Every priority here is at least 1.00, so +25 % survives rounding to cents.
        assert after[customer].priority > before[customer].priority
        assert after[customer].rank <= before[customer].rank


def test_behaviour_from_a_ledger() -> None:
    """From real settlements: three invoices paid 30 days late give an index of 50."""
    customer = Customer("C1", "Acme GmbH", country="DE", currency="EUR")
    invoices, payments, allocations = [], [], []
    for n in range(3):
        due = date(2025, 12, 31) - timedelta(days=30 * n)
        invoices.append(Invoice(f"I{n}", "C1", due - timedelta(days=30), due, Money.of(100, "EUR")))
        paid = due + timedelta(days=30)
        payments.append(Payment(f"P{n}", "C1", paid, Money.of(100, "EUR")))
        allocations.append(Allocation(f"P{n}", f"I{n}", Money.of(100, "EUR"), paid))
    invoices.append(Invoice("OPEN", "C1", date(2026, 2, 1), date(2026, 3, 3), Money.of(500, "EUR")))
    ledger = Ledger(
        customers=[customer], invoices=invoices, payments=payments, allocations=allocations
    )
    behaviour = payment_behaviour(ledger.settlements(), as_of=AS_OF)
    entry = collection_worklist(ledger, as_of=AS_OF, behaviour=behaviour)[0]
    assert entry.priority == Money.of("650.00", "EUR")  # 500 x (1 + 0.30)
    assert entry.reasons[-2] == "payment index 50: +30%"


# -- bad input -----------------------------------------------------------------------------


def test_bad_behaviour_is_refused_with_the_field_named() -> None:
    items = [item("A1", "A", 10, "100.00")]

    def worklist(behaviour: object) -> object:
        return collection_worklist(items, as_of=AS_OF, behaviour=behaviour)  # type: ignore[arg-type]

    with pytest.raises(ValidationError, match=r"^behaviour: expected a mapping of customer id"):
        worklist([record("A", 50)])
    with pytest.raises(ValidationError, match=r"^behaviour\['A'\]: expected a credkit.kpi"):
        worklist({"A": Decimal(50)})
    with pytest.raises(ValidationError, match=r"^behaviour\['A'\]: .* got None"):
        worklist({"A": None})
    with pytest.raises(ValidationError, match=r"^behaviour: keys must be customer ids"):
        worklist({1: record("A", 50)})
    with pytest.raises(
        ValidationError, match=r"^behaviour\['A'\]: the record is for customer 'B', not 'A'"
    ):
        worklist({"A": record("B", 50)})
    with pytest.raises(ValidationError, match=r"^behaviour\['A'\]: the record is for customer"):
        worklist({"A": insufficient("B")})
    with pytest.raises(
        ValidationError, match=r"^behaviour\['A'\].as_of: 2026-04-30 is after the worklist's"
    ):
        worklist({"A": record("A", 50, as_of=date(2026, 4, 30))})
    with pytest.raises(
        ValidationError, match=r"^behaviour\['A'\].payment_index: expected a Decimal from 0 to 100"
    ):
        worklist({"A": record("A", 101)})
    with pytest.raises(ValidationError, match=r"^behaviour: expected a credkit.kpi"):
        behaviour_weight("A")  # type: ignore[arg-type]
