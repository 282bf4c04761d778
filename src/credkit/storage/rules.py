"""The rules every store keeps, written once: what counts as new, what is in force, retries.

Both of credkit's stores, and any host store that wants to, use these pure functions,
so that the same record is judged the same way everywhere.

>>> from datetime import date
>>> from credkit import Money
>>> from credkit.limits import CreditLimit
>>> base = CreditLimit("C1", Money.of(10000, "EUR"), currency="EUR", valid_from=date(2026, 1, 1))
>>> season = CreditLimit("C1", Money.of(15000, "EUR"), currency="EUR",
...                      valid_from=date(2026, 11, 1), valid_to=date(2026, 12, 31))
>>> str(limit_in_force([base, season], as_of=date(2026, 12, 3)).amount)
'15000 EUR'
>>> str(limit_in_force([base, season], as_of=date(2027, 1, 4)).amount)
'10000 EUR'
"""

from __future__ import annotations

import datetime
import random
import time
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any, TypeVar

from credkit._validate import check_date, check_text, describe
from credkit.errors import ConflictError, DuplicateRecordError, StorageError, ValidationError
from credkit.ledger import Customer
from credkit.limits import CreditLimit, LimitKind
from credkit.money import EXACT_CONTEXT, Money, minor_units
from credkit.storage.protocols import Store, Unit
from credkit.storage.records import DESK_CHAIN, AuditEntry, chain_hash

__all__ = [
    "MAX_MINOR_UNITS",
    "atomic",
    "expect",
    "from_minor_units",
    "limit_in_force",
    "lock_order",
    "new_or_same",
    "parents_first",
    "to_minor_units",
    "verify_chain",
]

T = TypeVar("T")

MAX_MINOR_UNITS = 2**63 - 1
"""The largest amount a store keeps, in minor units (a signed 64-bit integer column)."""


def to_minor_units(money: Money, field: str) -> int:
    """``money`` as a whole number of its currency's minor units, refusing anything finer.

    >>> to_minor_units(Money.of("12.34", "EUR"), "amount"), to_minor_units(Money.of(5, "JPY"), "amount")
    (1234, 5)
    >>> to_minor_units(Money.of("0.001", "EUR"), "amount")
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: amount: 0.001 EUR is finer than EUR's 2 decimal places; a store keeps whole minor units (round it first)
    """
    places = minor_units(money.currency)
    scaled = money.amount.scaleb(places, EXACT_CONTEXT)
    if scaled != scaled.to_integral_value():
        raise ValidationError(
            f"{field}: {money} is finer than {money.currency}'s {places} decimal places; "
            "a store keeps whole minor units (round it first)"
        )
    units = int(scaled)
    if abs(units) > MAX_MINOR_UNITS:
        raise ValidationError(
            f"{field}: {money} is beyond what a store keeps "
            f"(at most {MAX_MINOR_UNITS} minor units, a signed 64-bit integer)"
        )
    return units


def from_minor_units(units: int, currency: str) -> Money:
    """The :class:`~credkit.money.Money` of ``units`` minor units of ``currency``.

    >>> from_minor_units(1234, "EUR"), from_minor_units(1234, "BHD")
    (Money('12.34', 'EUR'), Money('1.234', 'BHD'))
    """
    return Money(Decimal(units).scaleb(-minor_units(currency), EXACT_CONTEXT), currency)


def expect(value: object, kind: type | tuple[type, ...], field: str, what: str) -> Any:
    """``value`` if it is a ``kind``; otherwise a ValidationError naming ``field`` and ``what``.

    >>> expect(5, str, "records[0]", "a DunningRecord")
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: records[0]: expected a DunningRecord, got int 5
    """
    if not isinstance(value, kind):
        raise ValidationError(f"{field}: expected {what}, got {describe(value)}")
    return value


def new_or_same(stored: T | None, record: T, what: str) -> bool:
    """True when nothing is stored under the key; False when the same record is.

    A different record under the key raises
    :class:`~credkit.errors.DuplicateRecordError`, naming ``what`` (the key).

    >>> new_or_same(None, 1, "x"), new_or_same(1, 1, "x")
    (True, False)
    >>> new_or_same(1, 2, "invoice 'INV-1'")
    Traceback (most recent call last):
    ...
    credkit.errors.DuplicateRecordError: invoice 'INV-1': already stored with different values (stored 1, given 2); a stored record is never replaced
    """
    if stored is None:
        return True
    if stored == record:
        return False
    raise DuplicateRecordError(
        f"{what}: already stored with different values (stored {stored!r}, given {record!r}); "
        "a stored record is never replaced"
    )


def parents_first(
    customers: Iterable[Customer], stored: Callable[[str], bool]
) -> tuple[Customer, ...]:
    """``customers`` ordered so that each parent comes before its children.

    A parent must be stored already (``stored(id)``) or be among ``customers``;
    otherwise, or on a cycle, the customer is refused with a ValidationError. So is a
    name, segment or industry holding a NUL character or a lone surrogate, which no
    database keeps.

    >>> a = Customer("A", "Alpha", country="DE", currency="EUR")
    >>> b = Customer("B", "Beta", country="DE", currency="EUR", parent_id="A")
    >>> [c.id for c in parents_first([b, a], stored=lambda _: False)]
    ['A', 'B']
    """
    batch: dict[str, Customer] = {}
    for index, customer in enumerate(customers):
        if not isinstance(customer, Customer):
            raise ValidationError(
                f"customers[{index}]: expected a Customer, got {type(customer).__name__}"
            )
        if customer.id == DESK_CHAIN:
            raise ValidationError(
                f"customers[{index}].id: {DESK_CHAIN!r} names the desk's own audit chain; "
                "choose another id"
            )
        for field in ("name", "segment", "industry"):
            value = getattr(customer, field)
            if value and value.strip():
                check_text(value, f"customers[{index}].{field}")
        if customer.id in batch and batch[customer.id] != customer:
            raise DuplicateRecordError(
                f"customers[{index}].id: {customer.id!r} appears twice with different values"
            )
        batch[customer.id] = customer
    ordered: list[Customer] = []
    placed: set[str] = set()

    def place(customer: Customer, path: tuple[str, ...]) -> None:
        if customer.id in placed:
            return
        parent = customer.parent_id
        if parent is not None and parent not in placed:
            if parent in path:
                raise ValidationError(
                    f"parent_id: credit group of {customer.id!r} forms a cycle through {parent!r}"
                )
            if parent in batch:
                place(batch[parent], (*path, customer.id))
            elif not stored(parent):
                raise ValidationError(
                    f"parent_id: unknown customer {parent!r} (parent of {customer.id!r}); "
                    "store the parent first or in the same call"
                )
        placed.add(customer.id)
        ordered.append(customer)

    for customer in batch.values():
        place(customer, (customer.id,))
    return tuple(ordered)


def limit_in_force(
    limits: Iterable[CreditLimit],
    *,
    as_of: datetime.date,
    kind: LimitKind = LimitKind.INTERNAL,
) -> CreditLimit | None:
    """The limit of ``kind`` in force on ``as_of``: of those in force, the latest to start.

    A temporary limit is a limit with a ``valid_to`` that starts after the base limit:
    while it runs it is the limit in force, and when it ends the base limit is again.
    None when no limit of that kind is in force (which is not "no limit": a
    :class:`~credkit.limits.CreditLimit` with ``amount=None`` says that).

    >>> limit_in_force([], as_of=datetime.date(2026, 1, 1)) is None
    True
    """
    check_date(as_of, "as_of")
    best: CreditLimit | None = None
    for limit in limits:
        in_force = limit.kind is kind and limit.in_force(as_of)
        if in_force and (best is None or limit.valid_from >= best.valid_from):
            best = limit
    return best


def lock_order(customer_ids: Iterable[str], root_of: Callable[[str], str | None]) -> list[str]:
    """The ids a unit locks, in the one global order: each customer and its group's root, sorted.

    ``root_of(id)`` is the top-most ancestor of a stored customer (None when unknown:
    only the id itself is locked). Sorting every unit's locks the same way means no
    two units can each hold a lock the other waits for.

    >>> lock_order(["C2", "C1"], {"C1": "G", "C2": "C2"}.get)
    ['C1', 'C2', 'G']
    """
    locks: set[str] = set()
    for customer_id in customer_ids:
        locks.add(customer_id)
        root = root_of(customer_id)
        if root is not None:
            locks.add(root)
    return sorted(locks)


def atomic(
    store: Store,
    work: Callable[[Unit], T],
    *customer_ids: str,
    attempts: int = 10,
    pause: float = 0.01,
    on_conflict: Callable[[ConflictError], None] | None = None,
) -> T:
    """Run ``work(unit)`` in a unit of work, again when a conflict rolled it back.

    A :class:`~credkit.errors.ConflictError` (deadlock, serialization failure, a
    busy database) means nothing was written; ``work`` runs again, up to
    ``attempts`` times, after a short random pause that doubles each time (up to a
    second). Any other
    error propagates at once. ``work`` must not have effects outside the unit.
    ``on_conflict`` is told of each conflict that led to another attempt (to count them).

    >>> from credkit.storage import MemoryStore
    >>> from credkit.ledger import Customer
    >>> store = MemoryStore()
    >>> atomic(store, lambda unit: unit.add_customers([Customer("C1", "Acme", country="FR", currency="EUR")]))
    1
    """
    if attempts < 1:
        raise ValidationError(f"attempts: must be at least 1, got {attempts}")
    for attempt in range(attempts):
        try:
            with store.unit(*customer_ids) as unit:
                return work(unit)
        except ConflictError as conflict:
            if attempt == attempts - 1:
                raise
            if on_conflict is not None:
                on_conflict(conflict)
            # jitter, not secrecy; doubling up to a second between attempts
            time.sleep(random.uniform(0, min(pause * 2**attempt, 1.0)))
    raise AssertionError("unreachable")  # pragma: no cover


def verify_chain(entries: Iterable[AuditEntry]) -> int:
    """Re-check one customer's audit entries (oldest first); return how many were checked.

    Raises :class:`~credkit.errors.StorageError` naming the first entry whose hash or
    link does not match: an entry changed, removed or reordered.

    >>> verify_chain([])
    0
    """
    previous = ""
    last_sequence = 0
    count = 0
    customer: str | None = None
    for entry in entries:
        if customer is not None and entry.customer_id != customer:
            raise StorageError(
                f"audit entry {entry.sequence}: customer {entry.customer_id!r} in the chain "
                f"of {customer!r}"
            )
        customer = entry.customer_id
        if entry.sequence <= last_sequence:
            raise StorageError(
                f"audit entry {entry.sequence}: out of order after entry {last_sequence}"
            )
        if entry.previous_hash != previous:
            raise StorageError(
                f"audit entry {entry.sequence}: links to {entry.previous_hash[:12]!r}, "
                f"but the entry before it has hash {previous[:12]!r} (an entry was removed or "
                "reordered)"
            )
        expected = chain_hash(previous, entry.content())
        if entry.hash != expected:
            raise StorageError(
                f"audit entry {entry.sequence}: hash {entry.hash[:12]!r} does not match its "
                f"content ({expected[:12]!r}); the entry was changed"
            )
        previous = entry.hash
        last_sequence = entry.sequence
        count += 1
    return count
