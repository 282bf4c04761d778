"""The desk's profile from a store's open items is the profile from the ledger slice (issue 17).

A unit that sums open items itself (:class:`~credkit.storage.OpenItemRecords`) lets the
desk build an order's profile from what is open instead of the group's whole history.
The decision must not change: same profile, outcome, reasons and fingerprint as when
the desk reads the ledger slice (a unit that leaves ``open_items`` out), for ledgers
with partial payments, credit notes, disputes, several currencies, credit groups,
instalments and booked amounts.
"""

from __future__ import annotations

import datetime
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credkit import Money
from credkit.desk import CreditDesk
from credkit.dunning import Channel, DunningRecord
from credkit.fx import Rate, RateTable
from credkit.ledger import DocumentKind, Ledger
from credkit.limits import CreditLimit
from credkit.policy import OrderRequest, Policy, PolicyEntry
from credkit.policy.rules import (
    DunningLevelReached,
    GroupLimit,
    OverdueInvoiceCount,
    OverdueShare,
    OverdueTooOld,
    StaticLimit,
    UnpaidInvoiceCount,
)
from credkit.storage import MemoryStore, OpenItemRecords, Store
from credkit.storage._ledger import add_ledger
from credkit.testing.strategies import CURRENCIES, booked_ledgers, ledgers

START = datetime.date(2000, 1, 1)
RATES = RateTable(
    [
        Rate("EUR", code, START, rate)
        for code, rate in zip(CURRENCIES[1:], ("1.1", "0.85", "0.95", "160", "0.41"), strict=True)
    ],
    pivot="EUR",
)
POLICY = Policy(
    "open-items",
    version="1",
    rules=[
        PolicyEntry(StaticLimit()),
        PolicyEntry(GroupLimit()),
        PolicyEntry(OverdueTooOld(max_days=30), on_fail="hold"),
        PolicyEntry(OverdueShare(max_share="0.5"), on_fail="hold"),
        PolicyEntry(OverdueInvoiceCount(max_count=2), on_fail="hold"),
        PolicyEntry(UnpaidInvoiceCount(max_count=4), on_fail="hold"),
        PolicyEntry(DunningLevelReached(level=2), on_fail="hold"),
    ],
)


class _LedgerOnly:
    """A store whose units leave ``open_items`` out: the desk reads the ledger slice."""

    def __init__(self, store: Store) -> None:
        self.store = store

    @contextmanager
    def unit(self, *customer_ids: str) -> Iterator[Any]:
        with self.store.unit(*customer_ids) as unit:
            yield _WithoutOpenItems(unit)


class _WithoutOpenItems:
    def __init__(self, unit: Any) -> None:
        self._unit = unit

    def __getattr__(self, name: str) -> Any:
        if name == "open_items":
            raise AttributeError(name)
        return getattr(self._unit, name)


def _grouped(ledger: Ledger, parents: list[int]) -> Ledger:
    """The ledger with customers put under earlier ones (``parents[i] < i``; else none) and
    named plainly (a database keeps no NUL character)."""
    ids = [c.id for c in ledger.customers]
    customers = [
        attrs.evolve(c, name=f"Customer {c.id}", parent_id=ids[p] if 0 <= p < i else None)
        for i, (c, p) in enumerate(zip(ledger.customers, parents, strict=False))
    ]
    customers += [
        attrs.evolve(c, name=f"Customer {c.id}") for c in ledger.customers[len(customers) :]
    ]
    return attrs.evolve(ledger, customers=customers)


def _load(store: Store, ledger: Ledger, dunned: set[str]) -> None:
    with store.unit() as unit:
        add_ledger(unit, ledger)
        for customer in ledger.customers:
            code = customer.currency
            unit.add_limit(
                CreditLimit(customer.id, Money.of(40_000, code), currency=code, valid_from=START)
            )
        unit.record_dunning(
            DunningRecord(i.customer_id, (i.id,), level=2, on=i.due_date, channel=Channel.EMAIL)
            for i in ledger.invoices
            if i.id in dunned and not i.schedule
        )


@contextmanager
def _stores(kind: str) -> Iterator[Store]:
    if kind == "memory":
        yield MemoryStore()
        return
    from credkit.storage import SQLStore

    with tempfile.TemporaryDirectory() as folder:
        store = SQLStore(f"sqlite:///{Path(folder) / 'desk.db'}")
        store.upgrade()
        try:
            yield store
        finally:
            store.dispose()


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_the_profile_from_open_items_is_the_profile_from_the_ledger(kind: str) -> None:
    @settings(
        max_examples=30 if kind == "memory" else 15,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(
        ledger=st.one_of(
            ledgers(max_customers=4, max_documents=14),
            ledgers(max_customers=3, max_documents=10, schedules=True),
            booked_ledgers(max_customers=3, max_documents=10),
        ),
        parents=st.lists(st.integers(-1, 3), max_size=4),
        offset=st.integers(-10, 800),
        factor=st.integers(1, 60_000),
        dunned=st.sets(st.sampled_from([f"I{n}" for n in range(14)])),
    )
    def prove(
        ledger: Ledger, parents: list[int], offset: int, factor: int, dunned: set[str]
    ) -> None:
        ledger = _grouped(ledger, parents)
        as_of = datetime.date(2024, 1, 1) + datetime.timedelta(days=offset)
        with _stores(kind) as store:
            _load(store, ledger, dunned)
            summing, reading = (
                CreditDesk(store, POLICY, rates=RATES),
                CreditDesk(_LedgerOnly(store), POLICY, rates=RATES),
            )
            with store.unit() as unit:
                assert isinstance(unit, OpenItemRecords)
            for customer in ledger.customers:
                order = OrderRequest(
                    f"SO-{customer.id}",
                    Money(Decimal(factor), customer.currency).round(),
                    order_date=as_of,
                    customer_id=customer.id,
                )
                ours = summing.check_order(order, as_of=as_of, dry_run=True)
                theirs = reading.check_order(order, as_of=as_of, dry_run=True)
                assert ours.profile == theirs.profile
                assert (ours.outcome, ours.codes, ours.fingerprint) == (
                    theirs.outcome,
                    theirs.codes,
                    theirs.fingerprint,
                )

    prove()


def test_a_group_with_instalments_is_read_from_the_ledger() -> None:
    """Open instalments keep their numbers only in the ledger: the desk reads it then."""
    from credkit.ledger import Customer, Invoice, InvoiceInstalment

    store = MemoryStore()
    day = datetime.date(2026, 5, 4)
    plan = (
        InvoiceInstalment(day - datetime.timedelta(40), Money.of(300, "EUR")),
        InvoiceInstalment(day + datetime.timedelta(20), Money.of(700, "EUR")),
    )
    with store.unit() as unit:
        unit.add_customers([Customer("C1", "Acme", country="DE", currency="EUR")])
        unit.add_documents(
            [
                Invoice(
                    "I1",
                    "C1",
                    day - datetime.timedelta(70),
                    plan[-1].due_date,
                    Money.of(1000, "EUR"),
                    schedule=plan,
                )
            ]
        )
        unit.add_limit(CreditLimit("C1", Money.of(5000, "EUR"), currency="EUR", valid_from=START))
    with store.unit("C1") as unit:
        items = unit.open_items("C1", as_of=day)
        assert [(i.key, i.kind) for i in items] == [
            ("I1#1", DocumentKind.INVOICE),
            ("I1#2", DocumentKind.INVOICE),
        ]
        ledger = CreditDesk._slice(unit, "C1", day)
    assert [i.key for i in ledger.open_items(day)] == ["I1#1", "I1#2"]
    assert ledger.document("I1").schedule == plan  # the stored invoice, not one of open amounts
