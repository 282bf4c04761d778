"""Tests for the ledger's customer and credit-group indexes.

``Ledger.open_items(customer_id=...)`` (and so ``balance``) reads only that customer's
documents, and ``Ledger.group`` finds a credit group without scanning every customer.
The answers must be exactly those of a scan over the whole book.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, ClassVar

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from credkit import ValidationError
from credkit.ledger import (
    Allocation,
    CreditNote,
    Customer,
    DocumentKind,
    Invoice,
    Ledger,
    Payment,
)
from credkit.money import Money, MoneyTotals
from credkit.testing.strategies import ledgers

EUR = "EUR"


def eur(amount: str | int) -> Money:
    return Money.of(amount, EUR)


def customer(id_: str, parent_id: str | None = None) -> Customer:
    return Customer(id_, f"Customer {id_}", country="DE", currency=EUR, parent_id=parent_id)


def scanned(ledger: Ledger, as_of: date, customer_id: str) -> tuple[Any, ...]:
    """The customer's open items the slow way: the whole book, filtered."""
    return tuple(item for item in ledger.open_items(as_of) if item.customer_id == customer_id)


# -- examples -------------------------------------------------------------------------------------


def test_open_items_for_a_customer_keep_document_order() -> None:
    jan = date(2026, 1, 1)
    ledger = Ledger(
        customers=[customer("A"), customer("B")],
        invoices=[
            Invoice("I1", "B", jan, jan + timedelta(days=30), eur(100)),
            Invoice("I2", "A", jan, jan + timedelta(days=30), eur(200)),
            Invoice("I3", "B", jan + timedelta(days=5), jan + timedelta(days=35), eur(300)),
        ],
        credit_notes=[CreditNote("N1", "B", jan + timedelta(days=6), eur(40))],
        payments=[
            Payment("P1", "A", jan + timedelta(days=7), eur(50)),
            Payment("P2", "B", jan + timedelta(days=8), eur(120)),
        ],
        allocations=[Allocation("P2", "I1", eur(100), jan + timedelta(days=9))],
    )
    as_of = jan + timedelta(days=10)
    items = ledger.open_items(as_of, customer_id="B")
    assert [(i.document_id, i.kind, str(i.amount)) for i in items] == [
        ("I3", DocumentKind.INVOICE, "300 EUR"),
        ("N1", DocumentKind.CREDIT_NOTE, "-40 EUR"),
        ("P2", DocumentKind.PAYMENT, "-20 EUR"),
    ]
    assert items == scanned(ledger, as_of, "B")
    assert ledger.open_items(as_of, customer_id="A") == scanned(ledger, as_of, "A")
    assert ledger.balance(as_of, customer_id="B") == {EUR: eur(240)}


def test_a_customer_without_documents_has_no_open_items_and_unknown_ones_are_refused() -> None:
    ledger = Ledger(customers=[customer("A"), customer("B")])
    assert ledger.open_items(date(2026, 1, 1), customer_id="A") == ()
    assert ledger.balance(date(2026, 1, 1), customer_id="B") == {}
    with pytest.raises(ValidationError, match="unknown customer 'Z'"):
        ledger.open_items(date(2026, 1, 1), customer_id="Z")
    with pytest.raises(ValidationError, match="unknown customer 'Z'"):
        ledger.group("Z")


def test_group_lists_root_first_then_members_in_customer_order() -> None:
    ledger = Ledger(
        customers=[
            customer("G2", parent_id="S2"),
            customer("S1", parent_id="H"),
            customer("X"),
            customer("H"),
            customer("G1", parent_id="S1"),
            customer("S2", parent_id="H"),
            customer("Y", parent_id="X"),
        ]
    )
    tree = ("H", ("H", "G2", "S1", "G1", "S2"))
    for member in tree[1]:
        assert ledger.group(member) == tree
    assert ledger.group("Y") == ("X", ("X", "Y"))
    assert ledger.extend(customers=[customer("Z")]).group("Z") == ("Z", ("Z",))


class _WatchedInvoice(Invoice):
    """An invoice that records each read of its customer, date or amount (by invoice id)."""

    __slots__ = ()
    reads: ClassVar[list[str]] = []

    def __getattribute__(self, name: str) -> Any:
        if name in ("customer_id", "issue_date", "amount"):
            _WatchedInvoice.reads.append(object.__getattribute__(self, "id"))
        return super().__getattribute__(name)


def test_a_customer_query_reads_only_that_customers_documents_in_a_large_book() -> None:
    """1 customer with 3 documents among 20,000 other customers' invoices.

    Robust, not timed: the answer is right, and the other customers' documents are
    not even looked at (their attribute reads are counted).
    """
    jan = date(2026, 1, 1)
    others = [customer(f"O{n}") for n in range(2_000)]
    book = [
        _WatchedInvoice(f"X{n}", f"O{n % 2_000}", jan, jan + timedelta(days=30), eur(10 + n % 7))
        for n in range(20_000)
    ]
    ledger = Ledger(
        customers=[*others[:1_000], customer("A"), *others[1_000:]],
        invoices=[
            *book[:10_000],
            Invoice("A-1", "A", jan, jan + timedelta(days=30), eur(100)),
            *book[10_000:],
        ],
        credit_notes=[CreditNote("A-2", "A", jan + timedelta(days=1), eur(30))],
        payments=[Payment("A-3", "A", jan + timedelta(days=2), eur(50))],
    )
    as_of = jan + timedelta(days=3)
    _WatchedInvoice.reads.clear()
    items = ledger.open_items(as_of, customer_id="A")
    balance = ledger.balance(as_of, customer_id="A")
    assert _WatchedInvoice.reads == []
    assert [(i.document_id, str(i.amount)) for i in items] == [
        ("A-1", "100 EUR"),
        ("A-2", "-30 EUR"),
        ("A-3", "-50 EUR"),
    ]
    assert balance == {EUR: eur(20)}
    assert len(ledger.open_items(as_of)) == 20_003  # the whole book is still there


# -- properties -----------------------------------------------------------------------------------


@st.composite
def grouped_ledgers(draw: st.DrawFn) -> Ledger:
    """A ledger from ``ledgers()`` whose customers form credit groups, listed in any order."""
    ledger = draw(ledgers(max_customers=7))
    ranked = draw(st.permutations(ledger.customers))  # a parent always ranks before its child
    parents: dict[str, str | None] = {}
    for index, member in enumerate(ranked):
        options = [None, *(c.id for c in ranked[:index])]
        parents[member.id] = draw(st.sampled_from(options))
    listed = draw(st.permutations(ledger.customers))
    return Ledger(
        customers=[attrs.evolve(c, parent_id=parents[c.id]) for c in listed],
        invoices=ledger.invoices,
        credit_notes=ledger.credit_notes,
        payments=ledger.payments,
        allocations=ledger.allocations,
    )


def _naive_group(ledger: Ledger, customer_id: str) -> tuple[str, tuple[str, ...]]:
    def root_of(member: Customer) -> str:
        while member.parent_id is not None:
            member = next(c for c in ledger.customers if c.id == member.parent_id)
        return member.id

    root = root_of(next(c for c in ledger.customers if c.id == customer_id))
    rest = tuple(c.id for c in ledger.customers if c.id != root and root_of(c) == root)
    return root, (root, *rest)


as_of_offsets = st.integers(-30, 800)


@given(grouped_ledgers(), as_of_offsets)
def test_open_items_and_balance_per_customer_equal_the_filtered_full_scan(
    ledger: Ledger, offset: int
) -> None:
    as_of = date(2024, 1, 1) + timedelta(days=offset)
    for member in ledger.customers:
        items = ledger.open_items(as_of, customer_id=member.id)
        assert items == scanned(ledger, as_of, member.id)
        totals = MoneyTotals.of(i.amount for i in items).nonzero()
        assert ledger.balance(as_of, customer_id=member.id) == {m.currency: m for m in totals}


@given(grouped_ledgers())
def test_group_agrees_with_a_naive_parent_walk(ledger: Ledger) -> None:
    for member in ledger.customers:
        root, members = ledger.group(member.id)
        assert (root, members) == _naive_group(ledger, member.id)
        assert member.id in members
        assert len(set(members)) == len(members)
