"""The collection worklist: documented priority, reasons, deterministic ties, currencies."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credkit.dunning import (
    Block,
    BlockReason,
    PromiseToPay,
    WorklistEntry,
    age_weight,
    collection_worklist,
)
from credkit.errors import ValidationError
from credkit.fx import RateTable
from credkit.ledger import DocumentKind, OpenItem, Payment
from credkit.money import Money

AS_OF = date(2026, 3, 31)


def item(
    id_: str,
    customer: str,
    days: int,
    amount: str,
    currency: str = "EUR",
    *,
    disputed: bool = False,
) -> OpenItem:
    due = AS_OF - timedelta(days=days)
    return OpenItem(
        id_,
        customer,
        DocumentKind.INVOICE,
        due - timedelta(days=30),
        due,
        Money.of(amount, currency),
        disputed=disputed,
    )


def credit(id_: str, customer: str, amount: str) -> OpenItem:
    day = AS_OF - timedelta(days=3)
    return OpenItem(id_, customer, DocumentKind.PAYMENT, day, day, Money.of(f"-{amount}", "EUR"))


def order(entries: tuple[WorklistEntry, ...]) -> list[str]:
    return [e.customer_id for e in entries]


def test_priority_weighs_amount_by_age_and_explains_itself() -> None:
    items = [
        item("A1", "A", 10, "3000.00"),  # 3000 x 1
        item("B1", "B", 45, "1000.00"),  # 1000 x 2
        item("B2", "B", 95, "500.00"),  # 500 x 4
        item("C1", "C", 5, "100.00"),
        credit("C-PAY", "C", "40.00"),
    ]
    entries = collection_worklist(items, as_of=AS_OF)
    assert [(e.rank, e.customer_id, e.priority) for e in entries] == [
        (1, "B", Money.of("4000.00", "EUR")),
        (2, "A", Money.of("3000.00", "EUR")),
        (3, "C", Money.of("60.00", "EUR")),
    ]
    b = entries[0]
    assert b.overdue == Money.of("1500.00", "EUR")
    assert b.oldest_days_overdue == 95
    assert b.item_ids == ("B2", "B1")  # oldest due date first
    assert b.reasons == (
        "overdue 1500.00 EUR, weighted by age 4000.00 EUR",
        "oldest item 95 days overdue",
    )
    assert entries[2].reasons[1] == "less unapplied credits 40.00 EUR"


def test_risk_class_weights_and_broken_promises_raise_the_priority() -> None:
    items = [
        item("A1", "A", 10, "1000.00"),
        item("B1", "B", 10, "1000.00"),
        item("C1", "C", 10, "1000.00"),
    ]
    promise = PromiseToPay(
        "P1",
        "C",
        Money.of("1000.00", "EUR"),
        promised_for=AS_OF - timedelta(days=5),
        made_on=AS_OF - timedelta(days=9),
    )
    entries = collection_worklist(
        items,
        as_of=AS_OF,
        risk_classes={"A": "low", "B": "high"},
        risk_weights={"low": 1, "high": "1.5"},
        promises=[promise],
        payments=[],
    )
    assert [(e.customer_id, e.priority.amount) for e in entries] == [
        ("C", Decimal("2000.00")),  # one broken promise doubles it
        ("B", Decimal("1500.00")),
        ("A", Decimal("1000.00")),
    ]
    assert entries[0].reasons[-1] == "1 broken promise (x2)"
    assert entries[1].reasons[-1] == "risk class high (x1.5)"
    assert entries[1].risk_weight == Decimal("1.5")
    with pytest.raises(ValidationError, match=r"^risk_weights: no weight for risk class 'mid'"):
        collection_worklist(items, as_of=AS_OF, risk_classes={"A": "mid"}, risk_weights={"low": 1})
    with pytest.raises(ValidationError, match=r"^payments: promises are judged by payments"):
        collection_worklist(items, as_of=AS_OF, promises=[promise])


def test_a_kept_promise_does_not_count() -> None:
    items = [item("C1", "C", 10, "1000.00")]
    promise = PromiseToPay(
        "P1",
        "C",
        Money.of("10.00", "EUR"),
        promised_for=AS_OF - timedelta(days=5),
        made_on=AS_OF - timedelta(days=9),
    )
    paid = [Payment("X", "C", AS_OF - timedelta(days=6), Money.of("10.00", "EUR"))]
    assert (
        collection_worklist(items, as_of=AS_OF, promises=[promise], payments=paid)[
            0
        ].broken_promises
        == 0
    )


def test_ties_go_to_the_oldest_item_then_the_lower_id() -> None:
    items = [
        item("Z1", "Z", 20, "100.00"),
        item("Y1", "Y", 20, "100.00"),
        item("X1", "X", 25, "100.00"),
    ]
    assert order(collection_worklist(items, as_of=AS_OF)) == ["X", "Y", "Z"]


def test_what_is_left_out() -> None:
    items = [
        item("N1", "N", 0, "900.00"),  # due today: not overdue
        item("D1", "D", 30, "900.00", disputed=True),
        item("K1", "K", 30, "900.00"),
        item("K2", "K", 30, "50.00"),
        item("P1", "P", 30, "100.00"),
        credit("P-PAY", "P", "100.00"),  # covers P entirely
    ]
    block = Block("K", BlockReason.LEGAL, until=None, item_ids=("K1",))
    entries = collection_worklist(items, as_of=AS_OF, blocks=[block])
    assert order(entries) == ["K"]
    assert entries[0].overdue == Money.of("50.00", "EUR")


def test_currencies_are_never_mixed_without_rates() -> None:
    items = [item("E1", "E", 10, "100.00"), item("G1", "G", 10, "100.00", "GBP")]
    with pytest.raises(ValidationError, match=r"^currency: open items are in EUR, GBP"):
        collection_worklist(items, as_of=AS_OF)
    assert order(collection_worklist(items, as_of=AS_OF, currency="GBP")) == ["G"]
    rates = RateTable.from_mapping({"2026-03-01": {"GBP": "0.80"}}, base="EUR")
    both = collection_worklist(items, as_of=AS_OF, currency="EUR", rates=rates)
    assert [(e.customer_id, e.priority) for e in both] == [
        ("G", Money.of("125.00", "EUR")),
        ("E", Money.of("100.00", "EUR")),
    ]
    with pytest.raises(ValidationError, match=r"^currency: rates were given without"):
        collection_worklist(items, as_of=AS_OF, rates=rates)


def test_age_weights_at_their_boundaries() -> None:
    assert [age_weight(d) for d in (-3, 0, 1, 30, 31, 60, 61, 90, 91, 400)] == [
        0,
        0,
        1,
        1,
        2,
        2,
        3,
        3,
        4,
        4,
    ]


@given(
    st.lists(
        st.tuples(
            st.sampled_from("ABCDEF"),
            st.integers(min_value=-10, max_value=200),
            st.integers(min_value=1, max_value=10**8),
        ),
        max_size=25,
    )
)
def test_the_worklist_is_ranked_deterministically_and_consistently(
    rows: list[tuple[str, int, int]],
) -> None:
    items = [
        item(f"I{n}", customer, days, str(Decimal(cents).scaleb(-2)))
        for n, (customer, days, cents) in enumerate(rows)
    ]
    entries = collection_worklist(items, as_of=AS_OF)
    assert [e.rank for e in entries] == list(range(1, len(entries) + 1))
    assert collection_worklist(list(reversed(items)), as_of=AS_OF) == entries
    keys = [(-e.priority.amount, -e.oldest_days_overdue, e.customer_id) for e in entries]
    assert keys == sorted(keys)
    overdue_customers = {c for c, days, _ in rows if days > 0}
    assert {e.customer_id for e in entries} == overdue_customers
