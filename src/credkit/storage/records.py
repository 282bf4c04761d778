"""The records a store keeps beyond the core's own values.

Customers, documents, allocations, credit limits, dunning records, blocks, promises
and payment plans are the core's values (:mod:`credkit.ledger`, :mod:`credkit.limits`,
:mod:`credkit.dunning`); a store keeps them as they are. What only a running system
has is here:

- :class:`Reservation`: the exposure of an open sales order, held against the limit
  until the order is invoiced or cancelled;
- :class:`Dispute`: a customer's contest of an item or part of one;
- :class:`Snapshot`: a costly figure (payment index and trend, score and risk
  class) computed once and kept with the date it is true of;
- :class:`BureauEntry`: a credit bureau's answer, kept as received, for the cache;
- :class:`AuditEntry`: one entry of the append-only, hash-chained decision log.

>>> from datetime import date
>>> from credkit import Money
>>> Reservation("SO-1", "C1", Money.of("2500.00", "EUR"), reserved_on=date(2026, 11, 2)).amount
Money('2500.00', 'EUR')
"""

from __future__ import annotations

import datetime
import enum
import hashlib
import json
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, Final

import attrs

from credkit._validate import (
    check_mapping,
    enum_converter,
    is_date,
    optional_date,
    optional_number,
    optional_text,
    positive_money,
    text,
    to_optional_number,
)
from credkit.errors import ValidationError
from credkit.money import Money

__all__ = [
    "DESK_CHAIN",
    "AuditEntry",
    "BureauEntry",
    "Dispute",
    "DisputeStatus",
    "JSONValue",
    "OrderRecord",
    "OrderStatus",
    "Reservation",
    "Snapshot",
    "chain_hash",
]

DESK_CHAIN: Final = "*"
"""The name of the audit chain that belongs to no customer: the desk's own (anchors of
every customer's chain head, policy activations). No customer id may be ``"*"``."""

JSONValue = None | bool | int | str | list[Any] | dict[str, Any]
"""What a payload may hold: JSON's values (no floats: exact figures go as strings)."""


def _utc(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, datetime.datetime) or value.utcoffset() != datetime.timedelta(0):
        raise ValidationError(
            f"{attribute.name}: expected a datetime in UTC (tzinfo=datetime.timezone.utc), "
            f"got {value!r}"
        )


def _check_json(value: object, field: str) -> None:
    if value is None or isinstance(value, bool | int | str):
        return
    if isinstance(value, list):
        for index, element in enumerate(value):
            _check_json(element, f"{field}[{index}]")
        return
    if isinstance(value, dict):
        for key, element in value.items():
            if not isinstance(key, str):
                raise ValidationError(f"{field}: keys must be strings, got {key!r}")
            _check_json(element, f"{field}.{key}")
        return
    raise ValidationError(
        f"{field}: expected a JSON value (None, bool, int, str, list or dict; exact figures "
        f"as strings), got {type(value).__name__} {value!r}"
    )


def _payload(value: object) -> dict[str, Any]:
    mapping: dict[str, Any] = check_mapping(value, "payload")  # type: ignore[arg-type]
    _check_json(mapping, "payload")
    # a deep copy through JSON: what is stored cannot change under the caller's hands
    copied: dict[str, Any] = json.loads(json.dumps(mapping))
    return copied


def _json_payload(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    _check_json(value, attribute.name)


@attrs.frozen
class Reservation:
    """The approved exposure of an open sales order, held until it is invoiced or cancelled.

    A store keeps one reservation per ``order_id``; reserving an order again replaces
    its amount (the order changed).

    >>> from datetime import date
    >>> Reservation("SO-1", "C1", Money.of(100, "EUR"), reserved_on=date(2026, 1, 5)).order_id
    'SO-1'
    """

    order_id: str = attrs.field(validator=text)
    customer_id: str = attrs.field(validator=text)
    amount: Money = attrs.field(validator=positive_money)
    reserved_on: datetime.date = attrs.field(kw_only=True, validator=is_date)


class DisputeStatus(enum.Enum):
    """Where a dispute stands.

    >>> DisputeStatus("in_review")
    <DisputeStatus.IN_REVIEW: 'in_review'>
    """

    OPEN = "open"
    IN_REVIEW = "in_review"
    RESOLVED = "resolved"
    WRITTEN_OFF = "written_off"


_status = enum_converter(DisputeStatus)


def _to_status(value: object) -> Any:
    return _status(value)


@attrs.frozen
class Dispute:
    """A customer's contest of ``amount`` of one item; saving it again updates its status.

    >>> from datetime import date
    >>> d = Dispute("D-1", "C1", "INV-7", Money.of(120, "EUR"), reason="price",
    ...             opened_on=date(2026, 3, 2))
    >>> d.status, d.is_open
    (<DisputeStatus.OPEN: 'open'>, True)
    """

    id: str = attrs.field(validator=text)
    customer_id: str = attrs.field(validator=text)
    item_id: str = attrs.field(validator=text)
    amount: Money = attrs.field(validator=positive_money)
    reason: str = attrs.field(kw_only=True, validator=text)
    opened_on: datetime.date = attrs.field(kw_only=True, validator=is_date)
    status: DisputeStatus = attrs.field(
        default=DisputeStatus.OPEN,
        kw_only=True,
        converter=_to_status,
        validator=attrs.validators.instance_of(DisputeStatus),
    )
    resolved_on: datetime.date | None = attrs.field(
        default=None, kw_only=True, validator=optional_date
    )
    owner: str | None = attrs.field(default=None, kw_only=True, validator=optional_text)

    def __attrs_post_init__(self) -> None:
        if self.resolved_on is not None and self.resolved_on < self.opened_on:
            raise ValidationError(
                f"resolved_on: {self.resolved_on.isoformat()} is before opened_on "
                f"{self.opened_on.isoformat()}"
            )

    @property
    def is_open(self) -> bool:
        """Whether the dispute still stands (open or in review).

        >>> from datetime import date
        >>> Dispute("D", "C", "I", Money.of(1, "EUR"), reason="r", opened_on=date(2026, 1, 1),
        ...         status="resolved", resolved_on=date(2026, 2, 1)).is_open
        False
        """
        return self.status in (DisputeStatus.OPEN, DisputeStatus.IN_REVIEW)


class OrderStatus(enum.Enum):
    """Where a sales order stands at the credit desk.

    ``APPROVED`` orders hold a :class:`Reservation`; ``HELD`` orders wait in the queue
    for someone with the authority to release or reject them.

    >>> OrderStatus("held")
    <OrderStatus.HELD: 'held'>
    """

    APPROVED = "approved"
    HELD = "held"
    REJECTED = "rejected"
    INVOICED = "invoiced"
    CANCELLED = "cancelled"


_order_status = enum_converter(OrderStatus)


def _to_order_status(value: object) -> Any:
    return _order_status(value)


def _codes(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


@attrs.frozen
class OrderRecord:
    """A sales order as the credit desk last decided it; saving it again updates it.

    ``codes`` are the reason codes of the decision that set ``status``, ``decided_on``
    its date, and ``entry`` the sequence number of the audit entry that recorded it.

    >>> from datetime import date
    >>> OrderRecord("SO-1", "C1", Money.of(500, "EUR"), order_date=date(2026, 5, 4),
    ...             status="held", codes=("OVER_LIMIT",), decided_on=date(2026, 5, 4), entry=7).status
    <OrderStatus.HELD: 'held'>
    """

    order_id: str = attrs.field(validator=text)
    customer_id: str = attrs.field(validator=text)
    amount: Money = attrs.field(validator=attrs.validators.instance_of(Money))
    order_date: datetime.date = attrs.field(kw_only=True, validator=is_date)
    status: OrderStatus = attrs.field(
        kw_only=True,
        converter=_to_order_status,
        validator=attrs.validators.instance_of(OrderStatus),
    )
    codes: tuple[str, ...] = attrs.field(default=(), kw_only=True, converter=_codes)
    decided_on: datetime.date = attrs.field(kw_only=True, validator=is_date)
    entry: int = attrs.field(kw_only=True, validator=attrs.validators.instance_of(int))
    prepaid: bool = attrs.field(default=False, kw_only=True)


@attrs.frozen
class Snapshot:
    """Costly figures of one customer, true as of ``as_of``, kept for later checks.

    ``payment_index`` (0-100) and ``trend`` come from
    :func:`credkit.kpi.payment_behaviour`; ``score`` and ``risk_class`` from a
    scorecard; ``source`` names what produced them (a model id and version). A store
    keeps one snapshot per customer and date; later snapshots do not hide earlier
    ones from a reader asking about an earlier date.

    >>> from datetime import date
    >>> Snapshot("C1", as_of=date(2026, 6, 30), payment_index="78", risk_class="B").payment_index
    Decimal('78')
    """

    customer_id: str = attrs.field(validator=text)
    as_of: datetime.date = attrs.field(kw_only=True, validator=is_date)
    payment_index: Decimal | None = attrs.field(
        default=None, kw_only=True, converter=to_optional_number, validator=optional_number
    )
    trend: str | None = attrs.field(default=None, kw_only=True, validator=optional_text)
    score: Decimal | None = attrs.field(
        default=None, kw_only=True, converter=to_optional_number, validator=optional_number
    )
    risk_class: str | None = attrs.field(default=None, kw_only=True, validator=optional_text)
    source: str | None = attrs.field(default=None, kw_only=True, validator=optional_text)


@attrs.frozen
class BureauEntry:
    """A credit bureau's report on ``subject_id`` as received, for the bureau cache.

    >>> from datetime import datetime, timezone
    >>> BureauEntry("creditsafe", "DE-123", datetime(2026, 5, 4, 9, 30, tzinfo=timezone.utc),
    ...             payload={"rating": "B"}).payload
    {'rating': 'B'}
    """

    provider: str = attrs.field(validator=text)
    subject_id: str = attrs.field(validator=text)
    fetched_at: datetime.datetime = attrs.field(validator=_utc)
    payload: dict[str, Any] = attrs.field(kw_only=True, converter=_payload, eq=True)
    report_id: str | None = attrs.field(default=None, kw_only=True, validator=optional_text)


def chain_hash(previous: str, entry: Mapping[str, Any]) -> str:
    """The SHA-256 of ``previous`` and ``entry`` in canonical JSON (sorted keys, no spaces).

    Each :class:`AuditEntry` hashes its predecessor's hash with its own content, so
    that changing, removing or reordering any entry breaks every hash after it.

    >>> first = chain_hash("", {"kind": "x"})
    >>> len(first), chain_hash(first, {"kind": "y"}) != chain_hash("", {"kind": "y"})
    (64, True)
    """
    canonical = json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((previous + "\n" + canonical).encode()).hexdigest()


@attrs.frozen
class AuditEntry:
    """One entry of a customer's append-only decision and audit log.

    A store numbers entries (``sequence``, increasing across the whole log) and
    chains them per customer: ``hash`` is :func:`chain_hash` of the customer's
    previous entry's hash (``""`` for the first) and :meth:`content`.
    :func:`credkit.storage.verify_chain` re-checks a customer's chain.

    >>> from datetime import datetime, timezone
    >>> at = datetime(2026, 5, 4, 9, 30, tzinfo=timezone.utc)
    >>> entry = AuditEntry(1, "C1", at, "decision", {"order": "SO-1"}, previous_hash="",
    ...                    hash=chain_hash("", AuditEntry.content_of("C1", at, "decision", {"order": "SO-1"})))
    >>> entry.content()["kind"]
    'decision'
    """

    sequence: int = attrs.field(validator=attrs.validators.instance_of(int))
    customer_id: str = attrs.field(validator=text)
    at: datetime.datetime = attrs.field(validator=_utc)
    kind: str = attrs.field(validator=text)
    payload: dict[str, Any] = attrs.field(converter=_payload)
    previous_hash: str = attrs.field(kw_only=True, validator=attrs.validators.instance_of(str))
    hash: str = attrs.field(kw_only=True, validator=text)

    @staticmethod
    def content_of(
        customer_id: str, at: datetime.datetime, kind: str, payload: Mapping[str, Any]
    ) -> dict[str, Any]:
        """What the hash covers, as a JSON mapping.

        >>> from datetime import datetime, timezone
        >>> AuditEntry.content_of("C1", datetime(2026, 1, 1, tzinfo=timezone.utc), "x", {})
        {'customer_id': 'C1', 'at': '2026-01-01T00:00:00+00:00', 'kind': 'x', 'payload': {}}
        """
        return {"customer_id": customer_id, "at": at.isoformat(), "kind": kind, "payload": payload}

    def content(self) -> dict[str, Any]:
        """What this entry's hash covers (see :meth:`content_of`).

        >>> from datetime import datetime, timezone
        >>> at = datetime(2026, 1, 1, tzinfo=timezone.utc)
        >>> AuditEntry(1, "C1", at, "x", {}, previous_hash="", hash="h").content()["at"]
        '2026-01-01T00:00:00+00:00'
        """
        return self.content_of(self.customer_id, self.at, self.kind, self.payload)
