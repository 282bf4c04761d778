"""MemoryStore: every record in dictionaries, thread-safe, for tests, notebooks and demos.

Units of work lock customers with one :class:`threading.Lock` per customer id (taken
in :func:`~credkit.storage.rules.lock_order`); a unit that names no customer has the
store to itself (it waits for every other unit to end, and they for it). Each write
records how to undo itself, so a unit that raises leaves nothing behind.

>>> from datetime import date
>>> from credkit import Money
>>> from credkit.ledger import Customer, Invoice
>>> store = MemoryStore()
>>> with store.unit() as unit:
...     unit.add_customers([Customer("C1", "Acme GmbH", country="DE", currency="EUR")])
...     unit.add_documents([Invoice("INV-1", "C1", date(2026, 1, 5), date(2026, 2, 4), Money.of(1000, "EUR"))])
1
1
>>> with store.unit("C1") as unit:
...     unit.ledger("C1", as_of=date(2026, 3, 1)).balance(date(2026, 3, 1))
{'EUR': Money('1000', 'EUR')}
"""

from __future__ import annotations

import bisect
import datetime
import functools
import itertools
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import attrs

from credkit._validate import check_date, check_text
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
from credkit.errors import StorageError, ValidationError
from credkit.ledger import (
    Allocation,
    CreditNote,
    Customer,
    Invoice,
    Ledger,
    OpenItem,
    Payment,
    check_allocations,
    document_date,
)
from credkit.limits import CreditLimit
from credkit.storage.records import (
    DESK_CHAIN,
    Alert,
    AuditEntry,
    BureauEntry,
    Dispute,
    DunningProposal,
    OrderRecord,
    OrderStatus,
    Reservation,
    Snapshot,
    WatchEntry,
    chain_hash,
)
from credkit.storage.rules import (
    expect,
    lock_order,
    new_or_same,
    parents_first,
    to_minor_units,
)

__all__ = ["MemoryStore"]

Document = Invoice | CreditNote | Payment
_Undo = Callable[[], None]


class _State:
    """The records, indexed for per-customer reads."""

    def __init__(self) -> None:
        self.customers: dict[str, Customer] = {}
        self.roots: dict[str, str] = {}
        self.members: dict[str, list[str]] = defaultdict(list)
        self.documents: dict[str, Document] = {}
        self.documents_of: dict[str, list[str]] = defaultdict(list)
        self.allocations: set[Allocation] = set()
        self.allocations_of: dict[str, list[Allocation]] = defaultdict(list)
        self.applied: dict[str, Decimal] = {}
        self.limits: dict[str, dict[tuple[datetime.date, str], CreditLimit]] = defaultdict(dict)
        self.reservations: dict[str, Reservation] = {}
        self.orders: dict[str, OrderRecord] = {}
        self.held: dict[str, None] = {}
        self.orders_of: dict[str, dict[str, None]] = defaultdict(dict)
        self.dunning: dict[str, list[DunningRecord]] = defaultdict(list)
        self.blocks: dict[str, list[Block]] = defaultdict(list)
        self.promises: dict[str, PromiseToPay] = {}
        self.plans: dict[str, PaymentPlan] = {}
        self.disputes: dict[str, Dispute] = {}
        self.cases_of: dict[tuple[str, str], dict[str, None]] = defaultdict(dict)
        self.snapshots: dict[str, dict[datetime.date, Snapshot]] = defaultdict(dict)
        self.bureau: dict[tuple[str, str], dict[datetime.datetime, BureauEntry]] = defaultdict(dict)
        self.audit: dict[str, list[AuditEntry]] = defaultdict(list)
        self.sequence = itertools.count(1)


class _Gate:
    """Shared entry for units that lock customers; exclusive entry for units that lock none."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._shared = 0
        self._exclusive = False
        self._waiting = 0

    @contextmanager
    def shared(self) -> Iterator[None]:
        with self._condition:
            while self._exclusive or self._waiting:
                self._condition.wait()
            self._shared += 1
        try:
            yield
        finally:
            with self._condition:
                self._shared -= 1
                self._condition.notify_all()

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        with self._condition:
            self._waiting += 1
            while self._exclusive or self._shared:
                self._condition.wait()
            self._waiting -= 1
            self._exclusive = True
        try:
            yield
        finally:
            with self._condition:
                self._exclusive = False
                self._condition.notify_all()


class MemoryStore:
    """A :class:`~credkit.storage.Store` in memory; thread-safe, nothing kept on disk.

    >>> store = MemoryStore()
    >>> with store.unit() as unit:
    ...     unit.add_customers([Customer("C1", "Acme", country="FR", currency="EUR")])
    1
    >>> with store.unit() as unit:  # the same record again is a no-op
    ...     unit.add_customers([Customer("C1", "Acme", country="FR", currency="EUR")])
    0
    """

    def __init__(self) -> None:
        self._state = _State()
        self._mutex = threading.RLock()
        self._gate = _Gate()
        self._locks: dict[str, threading.Lock] = {}
        self._local = threading.local()

    def _lock(self, customer_id: str) -> threading.Lock:
        with self._mutex:
            return self._locks.setdefault(customer_id, threading.Lock())

    def _root_of(self, customer_id: str) -> str | None:
        with self._mutex:
            return self._state.roots.get(customer_id)

    @contextmanager
    def unit(self, *customer_ids: str) -> Iterator[_MemoryUnit]:
        """A unit of work locking ``customer_ids`` and their groups' roots (see the class).

        >>> store = MemoryStore()
        >>> with store.unit() as unit:
        ...     unit.add_customers([Customer("C1", "Acme", country="FR", currency="EUR")])
        ...     raise RuntimeError("changed my mind")
        Traceback (most recent call last):
        ...
        RuntimeError: changed my mind
        >>> with store.unit() as unit:
        ...     unit.group("C1")
        Traceback (most recent call last):
        ...
        credkit.errors.ValidationError: customer_id: unknown customer 'C1'
        """
        for index, customer_id in enumerate(customer_ids):
            check_text(customer_id, f"customer_ids[{index}]")
        if getattr(self._local, "active", False):
            raise StorageError(
                "unit: this thread is already inside a unit of this store; units do not nest"
            )
        self._local.active = True
        try:
            gate = self._gate.shared() if customer_ids else self._gate.exclusive()
            with gate:
                locks = [self._lock(i) for i in lock_order(customer_ids, self._root_of)]
                for lock in locks:
                    lock.acquire()
                try:
                    unit = _MemoryUnit(self._state, self._mutex)
                    try:
                        yield unit
                    except BaseException:
                        unit.rollback()
                        raise
                finally:
                    for lock in reversed(locks):
                        lock.release()
        finally:
            self._local.active = False


class _MemoryUnit:
    """The records of a MemoryStore within one unit of work."""

    def __init__(self, state: _State, mutex: threading.RLock) -> None:
        self._s = state
        self._mutex = mutex
        self._undo: list[_Undo] = []

    def rollback(self) -> None:
        with self._mutex:
            while self._undo:
                self._undo.pop()()

    def _set(self, mapping: dict[Any, Any], key: object, value: object) -> None:
        missing = key not in mapping
        old = mapping.get(key)
        mapping[key] = value
        self._undo.append(lambda: mapping.pop(key) if missing else mapping.__setitem__(key, old))

    def _append(self, values: list[Any], value: object) -> None:
        values.append(value)

        def undo() -> None:  # remove this very value, wherever other units' appends put it
            for index in range(len(values) - 1, -1, -1):
                if values[index] is value:
                    del values[index]
                    return

        self._undo.append(undo)

    # -- customers ------------------------------------------------------------------

    def _known(self, customer_id: str) -> Customer:
        customer = self._s.customers.get(customer_id)
        if customer is None:
            raise ValidationError(f"customer_id: unknown customer {customer_id!r}")
        return customer

    def add_customers(self, customers: Iterable[Customer]) -> int:
        with self._mutex:
            added = 0
            for customer in parents_first(customers, lambda i: i in self._s.customers):
                stored = self._s.customers.get(customer.id)
                if new_or_same(stored, customer, f"customer {customer.id!r}"):
                    parent = customer.parent_id
                    root = customer.id if parent is None else self._s.roots[parent]
                    self._set(self._s.customers, customer.id, customer)
                    self._set(self._s.roots, customer.id, root)
                    self._append(self._s.members[root], customer.id)
                    added += 1
            return added

    def customer(self, customer_id: str) -> Customer:
        with self._mutex:
            return self._known(customer_id)

    def customer_ids(self) -> tuple[str, ...]:
        with self._mutex:
            return tuple(sorted(self._s.customers))

    def group(self, customer_id: str) -> tuple[Customer, ...]:
        with self._mutex:
            self._known(customer_id)
            root = self._s.roots[customer_id]
            others = sorted(m for m in self._s.members[root] if m != root)
            return tuple(self._s.customers[i] for i in (root, *others))

    # -- documents ------------------------------------------------------------------

    def add_documents(self, documents: Iterable[Document]) -> int:
        with self._mutex:
            added = 0
            for index, document in enumerate(documents):
                field = f"documents[{index}]"
                expect(
                    document,
                    (Invoice, CreditNote, Payment),
                    field,
                    "an invoice, credit note or payment",
                )
                to_minor_units(document.amount, f"{field}.amount")
                self._known(document.customer_id)
                stored = self._s.documents.get(document.id)
                if new_or_same(stored, document, f"document {document.id!r}"):
                    self._set(self._s.documents, document.id, document)
                    self._append(self._s.documents_of[document.customer_id], document.id)
                    added += 1
            return added

    def _named_instalments(
        self, new: Iterable[Allocation], documents: Mapping[str, Invoice | CreditNote | Payment]
    ) -> dict[tuple[str, int], Decimal]:
        """What stored allocations naming an instalment apply to it, for the targets of ``new``."""
        targets = {
            a.target_id for a in new if a.instalment is not None and a.target_id in documents
        }
        named: dict[tuple[str, int], Decimal] = {}
        for customer_id in {documents[t].customer_id for t in targets}:
            for stored in self._s.allocations_of.get(customer_id, ()):
                if stored.target_id in targets and stored.instalment is not None:
                    key = (stored.target_id, stored.instalment)
                    named[key] = named.get(key, Decimal(0)) + stored.amount.amount
        return named

    def add_allocations(self, allocations: Iterable[Allocation]) -> int:
        with self._mutex:
            given = list(allocations)
            new: list[Allocation] = []
            for index, allocation in enumerate(given):
                expect(allocation, Allocation, f"allocations[{index}]", "an Allocation")
                to_minor_units(allocation.amount, f"allocations[{index}].amount")
                if allocation not in self._s.allocations and allocation not in new:
                    new.append(allocation)
            named = {i for a in new for i in (a.source_id, a.target_id)}
            documents = {i: self._s.documents[i] for i in named if i in self._s.documents}
            applied = {i: self._s.applied[i] for i in named if i in self._s.applied}
            totals = check_allocations(
                new, documents, applied, named=self._named_instalments(new, documents)
            )
            for allocation in new:
                self._s.allocations.add(allocation)
                self._undo.append(functools.partial(self._s.allocations.discard, allocation))
                customer_id = documents[allocation.target_id].customer_id
                self._append(self._s.allocations_of[customer_id], allocation)
            for document_id, total in totals.items():
                self._set(self._s.applied, document_id, total)
            return len(new)

    def ledger(self, customer_id: str, *, as_of: datetime.date) -> Ledger:
        check_date(as_of, "as_of")
        with self._mutex:
            members = self.group(customer_id)
            documents = [
                self._s.documents[i]
                for member in members
                for i in self._s.documents_of.get(member.id, ())
                if document_date(self._s.documents[i]) <= as_of
            ]
            allocations = [
                a
                for member in members
                for a in self._s.allocations_of.get(member.id, ())
                if a.applied_on <= as_of
            ]
        documents.sort(key=lambda d: (document_date(d), d.id))
        allocations.sort(key=lambda a: (a.applied_on, a.source_id, a.target_id, a.amount.amount))
        return Ledger(
            customers=members,
            invoices=[d for d in documents if isinstance(d, Invoice)],
            credit_notes=[d for d in documents if isinstance(d, CreditNote)],
            payments=[d for d in documents if isinstance(d, Payment)],
            allocations=allocations,
        )

    def open_items(self, customer_id: str, *, as_of: datetime.date) -> tuple[OpenItem, ...]:
        return self.ledger(customer_id, as_of=as_of).open_items(as_of)

    # -- limits ---------------------------------------------------------------------

    def add_limit(self, limit: CreditLimit) -> bool:
        expect(limit, CreditLimit, "limit", "a CreditLimit")
        if limit.amount is not None:
            to_minor_units(limit.amount, "limit.amount")
        with self._mutex:
            self._known(limit.customer_id)
            stored = self._s.limits[limit.customer_id]
            key = (limit.valid_from, limit.kind.value)
            what = f"limit of {limit.customer_id!r} ({limit.kind.value}) from {limit.valid_from}"
            if new_or_same(stored.get(key), limit, what):
                self._set(stored, key, limit)
                return True
            return False

    def limits(self, customer_id: str) -> tuple[CreditLimit, ...]:
        with self._mutex:
            self._known(customer_id)
            stored = self._s.limits.get(customer_id, {})
            return tuple(stored[key] for key in sorted(stored))

    # -- reservations ---------------------------------------------------------------

    def reserve(self, reservation: Reservation) -> Reservation | None:
        expect(reservation, Reservation, "reservation", "a Reservation")
        to_minor_units(reservation.amount, "reservation.amount")
        with self._mutex:
            self._known(reservation.customer_id)
            old = self._s.reservations.get(reservation.order_id)
            if old is not None and old.customer_id != reservation.customer_id:
                raise ValidationError(
                    f"reservation.customer_id: order {reservation.order_id!r} is reserved for "
                    f"{old.customer_id!r}, not {reservation.customer_id!r}"
                )
            self._set(self._s.reservations, reservation.order_id, reservation)
            self._set(self._s.orders_of[reservation.customer_id], reservation.order_id, None)
            return old

    def release(self, order_id: str) -> Reservation | None:
        check_text(order_id, "order_id")
        with self._mutex:
            old = self._s.reservations.get(order_id)
            if old is not None:
                orders = self._s.orders_of[old.customer_id]
                del self._s.reservations[order_id], orders[order_id]
                self._undo.append(lambda: self._s.reservations.__setitem__(order_id, old))
                self._undo.append(lambda: orders.__setitem__(order_id, None))
            return old

    def reservations(self, customer_id: str) -> tuple[Reservation, ...]:
        with self._mutex:
            self._known(customer_id)
            orders = sorted(self._s.orders_of.get(customer_id, ()))
            return tuple(self._s.reservations[order_id] for order_id in orders)

    # -- orders -----------------------------------------------------------------------

    def save_order(self, record: OrderRecord) -> OrderRecord | None:
        expect(record, OrderRecord, "record", "an OrderRecord")
        to_minor_units(record.amount, "record.amount")
        with self._mutex:
            old: OrderRecord | None = self._put_case(
                "order", self._s.orders, record, record.order_id
            )
            if record.status is OrderStatus.HELD:
                self._set(self._s.held, record.order_id, None)
            elif record.order_id in self._s.held:
                del self._s.held[record.order_id]
                self._undo.append(lambda: self._s.held.__setitem__(record.order_id, None))
            return old

    def order(self, order_id: str) -> OrderRecord | None:
        check_text(order_id, "order_id")
        with self._mutex:
            return self._s.orders.get(order_id)

    def orders(self, customer_id: str) -> tuple[OrderRecord, ...]:
        return self._cases("order", self._s.orders, customer_id)

    def held_orders(self) -> tuple[OrderRecord, ...]:
        with self._mutex:
            held = [self._s.orders[i] for i in self._s.held]
        return tuple(sorted(held, key=lambda r: (r.order_date, r.order_id)))

    # -- dunning --------------------------------------------------------------------

    def record_dunning(self, records: Iterable[DunningRecord]) -> int:
        with self._mutex:
            added = 0
            for index, record in enumerate(records):
                expect(record, DunningRecord, f"records[{index}]", "a DunningRecord")
                self._known(record.customer_id)
                stored = self._s.dunning[record.customer_id]
                if record not in stored:
                    self._append(stored, record)
                    added += 1
            return added

    def dunning_history(self, customer_id: str) -> DunningHistory:
        with self._mutex:
            self._known(customer_id)
            return DunningHistory(tuple(self._s.dunning.get(customer_id, ())))

    # -- cases ----------------------------------------------------------------------

    def add_block(self, block: Block) -> bool:
        expect(block, Block, "block", "a Block")
        with self._mutex:
            self._known(block.customer_id)
            stored = self._s.blocks[block.customer_id]
            if block in stored:
                return False
            self._append(stored, block)
            return True

    def blocks(self, customer_id: str) -> tuple[Block, ...]:
        with self._mutex:
            self._known(customer_id)
            return tuple(self._s.blocks.get(customer_id, ()))

    def _put_case(self, what: str, mapping: dict[str, Any], record: Any, key: str) -> Any:
        """Store ``record`` under ``key``, indexed under its customer; return what it replaced."""
        self._known(record.customer_id)
        old = mapping.get(key)
        if old is not None and old.customer_id != record.customer_id:
            raise ValidationError(
                f"{what}.customer_id: {what} {key!r} belongs to {old.customer_id!r}, "
                f"not {record.customer_id!r}"
            )
        self._set(mapping, key, record)
        self._set(self._s.cases_of[(what, record.customer_id)], key, None)
        return old

    def _add_case(self, what: str, mapping: dict[str, Any], record: Any) -> bool:
        amount = record.total if isinstance(record, PaymentPlan) else record.amount
        to_minor_units(amount, f"{what}.amount")
        with self._mutex:
            if new_or_same(mapping.get(record.id), record, f"{what} {record.id!r}"):
                self._put_case(what, mapping, record, record.id)
                return True
            return False

    def _cases(self, what: str, mapping: Mapping[str, Any], customer_id: str) -> tuple[Any, ...]:
        with self._mutex:
            self._known(customer_id)
            ids = sorted(self._s.cases_of.get((what, customer_id), ()))  # ids or order ids
            return tuple(mapping[i] for i in ids)

    def add_promise(self, promise: PromiseToPay) -> bool:
        expect(promise, PromiseToPay, "promise", "a PromiseToPay")
        return self._add_case("promise", self._s.promises, promise)

    def promises(self, customer_id: str) -> tuple[PromiseToPay, ...]:
        return self._cases("promise", self._s.promises, customer_id)

    def add_plan(self, plan: PaymentPlan) -> bool:
        expect(plan, PaymentPlan, "plan", "a PaymentPlan")
        return self._add_case("plan", self._s.plans, plan)

    def plans(self, customer_id: str) -> tuple[PaymentPlan, ...]:
        return self._cases("plan", self._s.plans, customer_id)

    def save_dispute(self, dispute: Dispute) -> Dispute | None:
        expect(dispute, Dispute, "dispute", "a Dispute")
        to_minor_units(dispute.amount, "dispute.amount")
        with self._mutex:
            old: Dispute | None = self._put_case("dispute", self._s.disputes, dispute, dispute.id)
            return old

    def disputes(self, customer_id: str) -> tuple[Dispute, ...]:
        return self._cases("dispute", self._s.disputes, customer_id)

    # -- snapshots and the bureau cache ---------------------------------------------

    def put_snapshot(self, snapshot: Snapshot) -> bool:
        expect(snapshot, Snapshot, "snapshot", "a Snapshot")
        with self._mutex:
            self._known(snapshot.customer_id)
            stored = self._s.snapshots[snapshot.customer_id]
            what = f"snapshot of {snapshot.customer_id!r} as of {snapshot.as_of}"
            if new_or_same(stored.get(snapshot.as_of), snapshot, what):
                self._set(stored, snapshot.as_of, snapshot)
                return True
            return False

    def snapshot(self, customer_id: str, *, as_of: datetime.date) -> Snapshot | None:
        check_date(as_of, "as_of")
        with self._mutex:
            self._known(customer_id)
            stored = self._s.snapshots.get(customer_id, {})
            days = sorted(stored)
            index = bisect.bisect_right(days, as_of)
            return stored[days[index - 1]] if index else None

    def cache_report(self, entry: BureauEntry) -> bool:
        expect(entry, BureauEntry, "entry", "a BureauEntry")
        with self._mutex:
            stored = self._s.bureau[(entry.provider, entry.subject_id)]
            what = f"report of {entry.provider} on {entry.subject_id!r} at {entry.fetched_at}"
            if new_or_same(stored.get(entry.fetched_at), entry, what):
                self._set(stored, entry.fetched_at, entry)
                return True
            return False

    def cached_report(
        self, provider: str, subject_id: str, *, as_of: datetime.datetime | None = None
    ) -> BureauEntry | None:
        check_text(provider, "provider")
        check_text(subject_id, "subject_id")
        with self._mutex:
            stored = self._s.bureau.get((provider, subject_id), {})
            times = sorted(t for t in stored if as_of is None or t <= as_of)
            return stored[times[-1]] if times else None

    # -- the audit log --------------------------------------------------------------

    def append(
        self, customer_id: str, kind: str, payload: Mapping[str, Any], *, at: datetime.datetime
    ) -> AuditEntry:
        with self._mutex:
            if customer_id != DESK_CHAIN:
                self._known(customer_id)
            chain = self._s.audit[customer_id]
            previous = chain[-1].hash if chain else ""
            draft = AuditEntry(
                0, customer_id, at, kind, dict(payload), previous_hash=previous, hash="-"
            )
            entry = draft.numbered(next(self._s.sequence), chain_hash(previous, draft.content()))
            self._append(chain, entry)
            return entry

    def audit_log(self, customer_id: str, *, since: int = 0) -> tuple[AuditEntry, ...]:
        with self._mutex:
            if customer_id != DESK_CHAIN:
                self._known(customer_id)
            return tuple(e for e in self._s.audit.get(customer_id, ()) if e.sequence > since)

    # -- monitoring: alerts and the watch list ----------------------------------------

    def _monitoring(self) -> _Monitoring:
        # kept beside the other records, created on first use
        found: _Monitoring | None = getattr(self._s, "monitoring", None)
        if found is None:
            found = _Monitoring()
            self._s.monitoring = found  # type: ignore[attr-defined]
        return found

    def save_alert(self, alert: Alert) -> bool:
        expect(alert, Alert, "alert", "an Alert")
        with self._mutex:
            self._known(alert.customer_id)
            alerts = self._monitoring().alerts
            stored = alerts.get(alert.key)
            if stored is not None:
                if stored.customer_id != alert.customer_id:
                    raise ValidationError(
                        f"alert.key: {alert.key!r} belongs to {stored.customer_id!r}, "
                        f"not {alert.customer_id!r}"
                    )
                return False
            self._set(alerts, alert.key, alert)
            return True

    def alert(self, key: str) -> Alert | None:
        check_text(key, "key")
        with self._mutex:
            return self._monitoring().alerts.get(key)

    def alerts(
        self,
        customer_id: str | None = None,
        *,
        open_only: bool = False,
        since: datetime.date | None = None,
    ) -> tuple[Alert, ...]:
        if since is not None:
            check_date(since, "since")
        with self._mutex:
            if customer_id is not None:
                self._known(customer_id)
            found = [
                a
                for a in self._monitoring().alerts.values()
                if (customer_id is None or a.customer_id == customer_id)
                and (not open_only or a.is_open)
                and (since is None or a.on >= since)
            ]
        return tuple(sorted(found, key=lambda a: (a.on, a.key)))

    def acknowledge(
        self, key: str, *, by: str, at: datetime.datetime, note: str | None = None
    ) -> Alert:
        check_text(key, "key")
        check_text(by, "by")
        with self._mutex:
            alerts = self._monitoring().alerts
            stored = alerts.get(key)
            if stored is None:
                raise ValidationError(f"key: no alert {key!r}")
            if not stored.is_open:
                return stored
            done = attrs.evolve(stored, acknowledged_by=by, acknowledged_at=at, note=note)
            self._set(alerts, key, done)
            return done

    def watch(
        self,
        customer_id: str,
        reason: str,
        *,
        by: str,
        at: datetime.datetime,
        block_orders: bool = False,
    ) -> bool:
        entry = WatchEntry(customer_id, reason, by=by, at=at, block_orders=block_orders)
        with self._mutex:
            self._known(customer_id)
            watched = self._monitoring().watched
            if customer_id in watched:
                return False
            self._set(watched, customer_id, entry)
            return True

    def unwatch(self, customer_id: str) -> WatchEntry | None:
        check_text(customer_id, "customer_id")
        with self._mutex:
            watched = self._monitoring().watched
            old = watched.get(customer_id)
            if old is not None:
                del watched[customer_id]
                self._undo.append(lambda: watched.__setitem__(customer_id, old))
            return old

    def watching(self, customer_id: str) -> WatchEntry | None:
        check_text(customer_id, "customer_id")
        with self._mutex:
            return self._monitoring().watched.get(customer_id)

    def watched(self) -> tuple[WatchEntry, ...]:
        with self._mutex:
            watched = self._monitoring().watched
            return tuple(watched[i] for i in sorted(watched))

    # -- collections: proposals, the contact log, collectors, insurance ----------------

    def _collections(self) -> _Collections:
        # kept beside the other records, created on first use
        found: _Collections | None = getattr(self._s, "collections", None)
        if found is None:
            found = _Collections()
            self._s.collections = found  # type: ignore[attr-defined]
        return found

    def save_proposal(self, proposal: DunningProposal) -> DunningProposal | None:
        expect(proposal, DunningProposal, "proposal", "a DunningProposal")
        with self._mutex:
            self._known(proposal.customer_id)
            stored = self._collections().proposals
            old = stored.get(proposal.id)
            if old is not None and old.customer_id != proposal.customer_id:
                raise ValidationError(
                    f"proposal.customer_id: proposal {proposal.id!r} belongs to "
                    f"{old.customer_id!r}, not {proposal.customer_id!r}"
                )
            self._set(stored, proposal.id, proposal)
            return old

    def proposals(
        self, customer_id: str, *, pending_only: bool = False
    ) -> tuple[DunningProposal, ...]:
        with self._mutex:
            self._known(customer_id)
            found = [
                p
                for p in self._collections().proposals.values()
                if p.customer_id == customer_id and (p.is_pending or not pending_only)
            ]
        return tuple(sorted(found, key=lambda p: (p.on, p.id)))

    def add_contact(self, entry: ContactEntry) -> bool:
        expect(entry, ContactEntry, "entry", "a ContactEntry")
        with self._mutex:
            self._known(entry.customer_id)
            stored = self._collections().contacts
            if new_or_same(stored.get(entry.id), entry, f"contact {entry.id!r}"):
                self._set(stored, entry.id, entry)
                return True
            return False

    def contacts(self, customer_id: str) -> tuple[ContactEntry, ...]:
        with self._mutex:
            self._known(customer_id)
            found = [
                e for e in self._collections().contacts.values() if e.customer_id == customer_id
            ]
        return tuple(sorted(found, key=lambda e: (e.on, e.id)))

    def assign_collector(self, assignment: CollectorAssignment) -> CollectorAssignment | None:
        expect(assignment, CollectorAssignment, "assignment", "a CollectorAssignment")
        with self._mutex:
            self._known(assignment.customer_id)
            stored = self._collections().collectors
            old = stored.get(assignment.customer_id)
            self._set(stored, assignment.customer_id, assignment)
            return old

    def collector_of(self, customer_id: str) -> CollectorAssignment | None:
        check_text(customer_id, "customer_id")
        with self._mutex:
            return self._collections().collectors.get(customer_id)

    def assignments(self) -> tuple[CollectorAssignment, ...]:
        with self._mutex:
            stored = self._collections().collectors
            return tuple(stored[i] for i in sorted(stored))

    def insure(self, customer_id: str, policy: InsurancePolicy | None) -> InsurancePolicy | None:
        if policy is not None:
            expect(policy, InsurancePolicy, "policy", "an InsurancePolicy or None")
        with self._mutex:
            self._known(customer_id)
            stored = self._collections().insurance
            old = stored.get(customer_id)
            if policy is None:
                if old is not None:
                    del stored[customer_id]
                    self._undo.append(lambda: stored.__setitem__(customer_id, old))
            else:
                self._set(stored, customer_id, policy)
            return old

    def insurance(self, customer_id: str) -> InsurancePolicy | None:
        with self._mutex:
            self._known(customer_id)
            return self._collections().insurance.get(customer_id)


class _Collections:
    """A MemoryStore's dunning proposals, contact log, collectors and insurance policies."""

    def __init__(self) -> None:
        self.proposals: dict[str, DunningProposal] = {}
        self.contacts: dict[str, ContactEntry] = {}
        self.collectors: dict[str, CollectorAssignment] = {}
        self.insurance: dict[str, InsurancePolicy] = {}


class _Monitoring:
    """A MemoryStore's alerts (by key) and watch list (by customer)."""

    def __init__(self) -> None:
        self.alerts: dict[str, Alert] = {}
        self.watched: dict[str, WatchEntry] = {}
