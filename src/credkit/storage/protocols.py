"""What a store is: one small protocol per kind of record, and the unit of work over them.

A host implements these over its own tables (or uses :class:`~credkit.storage.MemoryStore`
or :class:`~credkit.storage.SQLStore`) and proves it with
:class:`credkit.testing.contracts.StoreContract`. Every read and write happens inside a
*unit of work*: ``with store.unit("C1") as unit:`` locks customer ``C1`` and its credit
group against other units, and either everything the block wrote is kept or, when the
block raises, nothing is.

The contracts every implementation keeps (the kit checks each):

- **Reads return core values**: a :class:`~credkit.ledger.Ledger` slice, a
  :class:`~credkit.limits.CreditLimit`, a :class:`~credkit.dunning.DunningHistory`.
- **Reads are per customer or group, as of a date**: :meth:`DocumentRecords.ledger`
  returns one credit group's documents dated on or before ``as_of`` and allocations
  applied on or before it, never the whole book.
- **Writes are idempotent**: storing a record that is already stored, identical, is a
  no-op (the methods say how many records were new); storing a *different* record
  under a key already taken raises :class:`~credkit.errors.DuplicateRecordError`.
  Records that change by nature (a reservation's amount, a dispute's status) are
  replaced by key, and the method returns what they replaced.
- **Bad records are refused** with :class:`~credkit.errors.ValidationError` naming the
  field: unknown customers, allocations that cross customers or currencies or
  over-allocate, amounts finer than their currency's minor unit.
- **Units are atomic and isolated**: see :class:`Store`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from contextlib import AbstractContextManager
from typing import Any, Protocol, runtime_checkable

from credkit.dunning import (
    Block,
    CollectorAssignment,
    ContactEntry,
    DunningHistory,
    DunningRecord,
    InsurancePolicy,
    PaymentPlan,
    PromiseToPay,
)
from credkit.ledger import Allocation, CreditNote, Customer, Invoice, Ledger, OpenItem, Payment
from credkit.limits import CreditLimit
from credkit.storage.records import (
    Alert,
    AuditEntry,
    BureauEntry,
    Dispute,
    DunningProposal,
    OrderRecord,
    Reservation,
    Snapshot,
    WatchEntry,
)

__all__ = [
    "AlertRecords",
    "AuditLog",
    "BureauCache",
    "CaseRecords",
    "CheckPrefetch",
    "CollectionRecords",
    "CustomerRecords",
    "DocumentRecords",
    "DunningRecords",
    "LimitRecords",
    "OpenItemRecords",
    "OrderRecords",
    "ReservationRecords",
    "SnapshotRecords",
    "Store",
    "Unit",
]

Document = Invoice | CreditNote | Payment


@runtime_checkable
class CustomerRecords(Protocol):
    """Customers and their credit groups (by ``parent_id``)."""

    def add_customers(self, customers: Iterable[Customer]) -> int:
        """Store customers (parents before or beside their children); return how many were new.

        A customer whose ``parent_id`` is neither stored nor in ``customers`` is refused.
        """
        ...

    def customer(self, customer_id: str) -> Customer:
        """The stored customer (``ValidationError`` naming ``customer_id`` if unknown)."""
        ...

    def customer_ids(self) -> tuple[str, ...]:
        """Every stored customer's id, sorted (for runs over the whole book, such as
        verifying the audit log; per-order work never needs it)."""
        ...

    def group(self, customer_id: str) -> tuple[Customer, ...]:
        """The customer's credit group: its top-most ancestor first, then every member
        below it ordered by id (a customer alone is a group of one)."""
        ...


@runtime_checkable
class DocumentRecords(Protocol):
    """Invoices, credit notes, payments and the allocations between them."""

    def add_documents(self, documents: Iterable[Document]) -> int:
        """Store documents of stored customers; return how many were new."""
        ...

    def add_allocations(self, allocations: Iterable[Allocation]) -> int:
        """Store allocations between stored documents; return how many were new.

        An allocation equal in every field to a stored one is the same record.
        """
        ...

    def ledger(self, customer_id: str, *, as_of: datetime.date) -> Ledger:
        """The customer's credit group as a :class:`~credkit.ledger.Ledger`, as of ``as_of``:
        its members (as :meth:`CustomerRecords.group` orders them), their documents dated
        on or before ``as_of`` (by date, then id) and the allocations applied on or before
        it (by date, source, target, amount)."""
        ...


@runtime_checkable
class OpenItemRecords(Protocol):
    """Open items summed where the documents are kept: an optional addition to a unit.

    A unit that has this method answers what is open of a credit group without
    building its whole ledger slice; :class:`~credkit.desk.CreditDesk` then builds an
    order's profile from the open items alone. A unit without it is no less a
    :class:`Unit`: the desk reads :meth:`DocumentRecords.ledger` instead, with the
    same decision. :class:`~credkit.storage.MemoryStore` and
    :class:`~credkit.storage.SQLStore` (which sums the allocations in the database)
    have it; the conformance kit checks it against the ledger slice when a unit has it.

    >>> from datetime import date
    >>> from credkit import Money
    >>> from credkit.ledger import Customer, Invoice, Payment, Allocation
    >>> from credkit.storage import MemoryStore
    >>> store = MemoryStore()
    >>> with store.unit() as unit:
    ...     unit.add_customers([Customer("C1", "Acme", country="DE", currency="EUR")])
    ...     unit.add_documents([
    ...         Invoice("I1", "C1", date(2026, 3, 1), date(2026, 3, 31), Money.of(500, "EUR")),
    ...         Payment("P1", "C1", date(2026, 3, 20), Money.of(200, "EUR")),
    ...     ])
    ...     unit.add_allocations([Allocation("P1", "I1", Money.of(200, "EUR"), date(2026, 3, 20))])
    1
    2
    1
    >>> with store.unit("C1") as unit:
    ...     isinstance(unit, OpenItemRecords), [
    ...         (i.document_id, str(i.amount)) for i in unit.open_items("C1", as_of=date(2026, 4, 1))
    ...     ]
    (True, [('I1', '300 EUR')])
    """

    def open_items(self, customer_id: str, *, as_of: datetime.date) -> tuple[OpenItem, ...]:
        """The open items of the customer's credit group as of ``as_of``: exactly
        ``ledger(customer_id, as_of=as_of).open_items(as_of)`` (every member's items,
        in that order, with the same amounts, original amounts, disputed flags,
        instalments and booked amounts)."""
        ...


@runtime_checkable
class CheckPrefetch(Protocol):
    """Reading at once what a credit check will ask: an optional addition to a unit.

    Before it checks an order, :class:`~credkit.desk.CreditDesk` tells a unit that
    has this method which customer, order and date the check is about. The unit may
    then read, in one go, everything the check asks next (the order's record, a
    reservation under its id, the group's open items, limits and reservations, the
    customer's snapshot, dunning history and watch-list entry) and answer those
    questions from what it read. Every answer must be the one the unit would give
    without the hint; the conformance kit checks that. A unit without this method
    reads each thing when it is asked. :class:`~credkit.storage.SQLStore`'s units
    have it: the reads take one statement instead of four.

    >>> from datetime import date
    >>> from credkit.storage import SQLStore
    >>> store = SQLStore("sqlite://")
    >>> store.upgrade() != ""
    True
    >>> with store.unit() as unit:
    ...     isinstance(unit, CheckPrefetch)
    True
    """

    def prefetch_check(self, customer_id: str, *, order_id: str, as_of: datetime.date) -> None:
        """Read what a check of ``order_id`` for ``customer_id`` as of ``as_of`` asks.

        A hint: it returns nothing, changes nothing, and may read nothing (for a
        customer the unit does not hold, say)."""
        ...


@runtime_checkable
class LimitRecords(Protocol):
    """Credit limits and their history (see :func:`~credkit.storage.limit_in_force`)."""

    def add_limit(self, limit: CreditLimit) -> bool:
        """Store a limit; True if new. The key is (customer, kind, ``valid_from``)."""
        ...

    def limits(self, customer_id: str) -> tuple[CreditLimit, ...]:
        """Every limit of the customer, by ``valid_from`` then kind."""
        ...


@runtime_checkable
class ReservationRecords(Protocol):
    """Open sales orders' reservations against the limit."""

    def reserve(self, reservation: Reservation) -> Reservation | None:
        """Hold (or replace) the order's reservation; return the one it replaced."""
        ...

    def release(self, order_id: str) -> Reservation | None:
        """Drop the order's reservation; return it (None if there was none)."""
        ...

    def reservations(self, customer_id: str) -> tuple[Reservation, ...]:
        """The customer's reservations, by order id."""
        ...


@runtime_checkable
class OrderRecords(Protocol):
    """Sales orders as the credit desk decided them (its held-order queue)."""

    def save_order(self, record: OrderRecord) -> OrderRecord | None:
        """Store or update an order (by id); return the version it replaced."""
        ...

    def order(self, order_id: str) -> OrderRecord | None:
        """The stored order (None if there is none)."""
        ...

    def orders(self, customer_id: str) -> tuple[OrderRecord, ...]:
        """The customer's orders, by order id."""
        ...

    def held_orders(self) -> tuple[OrderRecord, ...]:
        """Every customer's held orders, oldest order date first (then by id)."""
        ...


@runtime_checkable
class DunningRecords(Protocol):
    """What was sent, or failed to send, to whom and when."""

    def record_dunning(self, records: Iterable[DunningRecord]) -> int:
        """Store dunning records; return how many were new (an identical one is a no-op)."""
        ...

    def dunning_history(self, customer_id: str) -> DunningHistory:
        """The customer's dunning history, in the order it was recorded."""
        ...


@runtime_checkable
class CaseRecords(Protocol):
    """Blocks, promises to pay, payment plans and disputes."""

    def add_block(self, block: Block) -> bool:
        """Store a block; True if new (an identical block is a no-op)."""
        ...

    def blocks(self, customer_id: str) -> tuple[Block, ...]:
        """The customer's blocks, in the order they were stored."""
        ...

    def add_promise(self, promise: PromiseToPay) -> bool:
        """Store a promise to pay; True if new. The key is its id."""
        ...

    def promises(self, customer_id: str) -> tuple[PromiseToPay, ...]:
        """The customer's promises, by id."""
        ...

    def add_plan(self, plan: PaymentPlan) -> bool:
        """Store a payment plan; True if new. The key is its id."""
        ...

    def plans(self, customer_id: str) -> tuple[PaymentPlan, ...]:
        """The customer's payment plans, by id."""
        ...

    def save_dispute(self, dispute: Dispute) -> Dispute | None:
        """Store or update a dispute (by id); return the version it replaced."""
        ...

    def disputes(self, customer_id: str) -> tuple[Dispute, ...]:
        """The customer's disputes, by id."""
        ...


@runtime_checkable
class SnapshotRecords(Protocol):
    """Costly figures kept with the date they are true of."""

    def put_snapshot(self, snapshot: Snapshot) -> bool:
        """Store a snapshot; True if new. The key is (customer, ``as_of``)."""
        ...

    def snapshot(self, customer_id: str, *, as_of: datetime.date) -> Snapshot | None:
        """The latest snapshot dated on or before ``as_of`` (None if there is none)."""
        ...


@runtime_checkable
class BureauCache(Protocol):
    """Credit bureau reports as received."""

    def cache_report(self, entry: BureauEntry) -> bool:
        """Store a report; True if new. The key is (provider, subject, ``fetched_at``)."""
        ...

    def cached_report(
        self, provider: str, subject_id: str, *, as_of: datetime.datetime | None = None
    ) -> BureauEntry | None:
        """The latest report fetched at or before ``as_of`` (any time when None)."""
        ...


@runtime_checkable
class AuditLog(Protocol):
    """The append-only, hash-chained decision and audit log."""

    def append(
        self, customer_id: str, kind: str, payload: Mapping[str, Any], *, at: datetime.datetime
    ) -> AuditEntry:
        """Append an entry chained to the customer's previous one; return it.

        ``customer_id`` may also be :data:`~credkit.storage.records.DESK_CHAIN` (``"*"``),
        the chain of entries that belong to no customer.
        """
        ...

    def audit_log(self, customer_id: str, *, since: int = 0) -> tuple[AuditEntry, ...]:
        """The customer's (or the desk chain's) entries with a sequence above ``since``."""
        ...


@runtime_checkable
class AlertRecords(Protocol):
    """Monitoring alerts, kept once per key until acknowledged, and the watch list."""

    def save_alert(self, alert: Alert) -> bool:
        """Store an alert of a stored customer; True if new.

        The key is ``alert.key``: an alert under a key already stored is a no-op (the
        stored one, with its acknowledgement, stays), so that a run that finds the same
        facts again, on any day, adds nothing. A key stored for another customer is
        refused (:class:`~credkit.errors.ValidationError`).
        """
        ...

    def alert(self, key: str) -> Alert | None:
        """The alert stored under ``key`` (None if there is none)."""
        ...

    def alerts(
        self,
        customer_id: str | None = None,
        *,
        open_only: bool = False,
        since: datetime.date | None = None,
    ) -> tuple[Alert, ...]:
        """The customer's alerts (every customer's when None), by day then key; only
        unacknowledged ones with ``open_only``, only those found on or after ``since``."""
        ...

    def acknowledge(
        self, key: str, *, by: str, at: datetime.datetime, note: str | None = None
    ) -> Alert:
        """Mark the alert under ``key`` acknowledged by ``by`` at ``at``; return it as stored.

        An alert acknowledged already keeps its first acknowledgement; an unknown key
        is refused (:class:`~credkit.errors.ValidationError` naming ``key``).
        """
        ...

    def watch(
        self,
        customer_id: str,
        reason: str,
        *,
        by: str,
        at: datetime.datetime,
        block_orders: bool = False,
    ) -> bool:
        """Put a stored customer on the watch list; True if new (a customer on the list
        already stays as they are)."""
        ...

    def unwatch(self, customer_id: str) -> WatchEntry | None:
        """Take the customer off the watch list; return the entry (None if not on it)."""
        ...

    def watching(self, customer_id: str) -> WatchEntry | None:
        """The customer's watch-list entry (None if not on the list)."""
        ...

    def watched(self) -> tuple[WatchEntry, ...]:
        """The whole watch list, by customer id."""
        ...


@runtime_checkable
class CollectionRecords(Protocol):
    """Collections work: dunning proposals, the contact log, collectors and insurance policies."""

    def save_proposal(self, proposal: DunningProposal) -> DunningProposal | None:
        """Store or update a dunning proposal (by its id); return the version it replaced.

        The id stays with its customer: the same id for another customer is refused.
        """
        ...

    def proposals(
        self, customer_id: str, *, pending_only: bool = False
    ) -> tuple[DunningProposal, ...]:
        """The customer's proposals by day then id; only those still ``PROPOSED`` with
        ``pending_only``."""
        ...

    def add_contact(self, entry: ContactEntry) -> bool:
        """Store a contact-log entry; True if new. The key is its id (a different entry
        under a stored id is refused with :class:`~credkit.errors.DuplicateRecordError`)."""
        ...

    def contacts(self, customer_id: str) -> tuple[ContactEntry, ...]:
        """The customer's contact log, by day then id."""
        ...

    def assign_collector(self, assignment: CollectorAssignment) -> CollectorAssignment | None:
        """Make ``assignment`` the customer's collector assignment; return the one it replaced."""
        ...

    def collector_of(self, customer_id: str) -> CollectorAssignment | None:
        """The customer's collector assignment (None if there is none)."""
        ...

    def assignments(self) -> tuple[CollectorAssignment, ...]:
        """Every customer's collector assignment, by customer id."""
        ...

    def insure(self, customer_id: str, policy: InsurancePolicy | None) -> InsurancePolicy | None:
        """Put a stored customer under ``policy`` (None: no longer insured); return the
        policy it replaced."""
        ...

    def insurance(self, customer_id: str) -> InsurancePolicy | None:
        """The credit insurance policy covering the customer (None if there is none)."""
        ...


@runtime_checkable
class Unit(
    CustomerRecords,
    DocumentRecords,
    LimitRecords,
    ReservationRecords,
    OrderRecords,
    DunningRecords,
    CaseRecords,
    SnapshotRecords,
    BureauCache,
    AuditLog,
    AlertRecords,
    CollectionRecords,
    Protocol,
):
    """Every kind of record, read and written within one unit of work."""


@runtime_checkable
class Store(Protocol):
    """Where a host keeps credkit's records.

    ``store.unit(*customer_ids)`` opens a unit of work. It locks each named customer
    and the top-most ancestor of its credit group, in one global order (sorted by
    id), so that two units can never wait for each other in a cycle; a second unit
    for the same customer or group waits until the first ends. Leaving the block
    commits; an exception rolls everything back and propagates. A unit that names
    no customer locks none (bulk loads, reports). A backend that detects a conflict
    instead of waiting (deadlock, serialization failure, a busy database) raises
    :class:`~credkit.errors.ConflictError` with nothing written;
    :func:`~credkit.storage.atomic` runs a unit again when that happens.
    """

    def unit(self, *customer_ids: str) -> AbstractContextManager[Unit]:
        """A unit of work locking ``customer_ids`` and their groups."""
        ...
