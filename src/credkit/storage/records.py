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

import copy
import datetime
import enum
import hashlib
import json
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, Final

import attrs

from credkit._validate import (
    boolean,
    check_mapping,
    check_text,
    enum_converter,
    is_date,
    one_of,
    optional_date,
    optional_number,
    optional_text,
    positive_money,
    shorten,
    text,
    to_optional_number,
)
from credkit.dunning.actions import DunningAction
from credkit.errors import ValidationError
from credkit.money import Money

__all__ = [
    "DESK_CHAIN",
    "KEY_LENGTH",
    "Alert",
    "AlertSeverity",
    "AuditEntry",
    "BureauEntry",
    "Dispute",
    "DisputeResolution",
    "DisputeStatus",
    "DunningProposal",
    "JSONValue",
    "OrderRecord",
    "OrderStatus",
    "ProposalStatus",
    "Reservation",
    "Snapshot",
    "WatchEntry",
    "alert_key",
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


_PLAIN: Final = frozenset({type(None), bool, int, str})


class _NotPlainError(Exception):
    """A value :func:`_plain_copy` leaves to the general check and copy."""


def _plain_copy(value: Any) -> Any:
    """A deep copy of a JSON value made only of plain ``None``, bool, int, str, list and
    dict (string keys), as ``json.loads(json.dumps(value))`` gives it; :class:`_NotPlainError`
    on anything else (a float, a tuple, a subclass of int or str, ...)."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is list:
        return [_plain_copy(element) for element in value]
    if kind is dict:
        copied = {}
        for key, element in value.items():
            if type(key) is not str:
                raise _NotPlainError
            copied[key] = _plain_copy(element)
        return copied
    raise _NotPlainError


def _payload(value: object) -> dict[str, Any]:
    mapping: dict[str, Any] = check_mapping(value, "payload")  # type: ignore[arg-type]
    # a deep copy: what is stored cannot change under the caller's hands
    try:
        plain: dict[str, Any] = _plain_copy(mapping)
        return plain
    except _NotPlainError:
        pass
    _check_json(mapping, "payload")  # names the first value that is not JSON
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


class DisputeResolution(enum.Enum):
    """How a dispute ended.

    * ``CREDIT_NOTE``: the customer was right; a credit note cancels the disputed amount.
    * ``WRITE_OFF``: the amount is given up (a credit note marked ``write_off``).
    * ``CUSTOMER_PAYS``: the claim was rejected; the amount is owed and dunned again.

    >>> DisputeResolution("write_off")
    <DisputeResolution.WRITE_OFF: 'write_off'>
    """

    CREDIT_NOTE = "credit_note"
    WRITE_OFF = "write_off"
    CUSTOMER_PAYS = "customer_pays"


_resolution = enum_converter(DisputeResolution)


def _notes(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _to_optional_resolution(value: object) -> Any:
    return None if value is None else _resolution(value)


def _to_status(value: object) -> Any:
    return _status(value)


@attrs.frozen
class Dispute:
    """A customer's contest of ``amount`` of one item; saving it again updates its status.

    ``amount`` may be part of the item's open amount: only that part is held back
    from dunning. ``reason`` is a reason code (``price``, ``quality``, ``short_delivery``,
    ...), ``owner`` who works the case, ``resolution`` how it ended and ``document_id``
    the credit note that ended it, ``notes`` what happened on the way.

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
    resolution: DisputeResolution | None = attrs.field(
        default=None,
        kw_only=True,
        converter=_to_optional_resolution,
        validator=attrs.validators.optional(one_of(DisputeResolution)),
    )
    document_id: str | None = attrs.field(default=None, kw_only=True, validator=optional_text)
    notes: tuple[str, ...] = attrs.field(default=(), kw_only=True, converter=_notes)

    def __attrs_post_init__(self) -> None:
        for index, note in enumerate(self.notes):
            check_text(note, f"notes[{index}]")
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

    def numbered(self, sequence: int, hash: str) -> AuditEntry:
        """This entry with the sequence number a store gave it and its chain hash.

        A store drafts an entry (sequence 0) to compute its hash, then numbers it; the
        payload, checked and copied once for the draft, is not copied again.

        >>> from datetime import datetime, timezone
        >>> at = datetime(2026, 1, 1, tzinfo=timezone.utc)
        >>> AuditEntry(0, "C1", at, "x", {}, previous_hash="", hash="-").numbered(7, "h").sequence
        7
        """
        if not isinstance(sequence, int) or isinstance(sequence, bool):
            raise ValidationError(f"sequence: expected a whole number, got {sequence!r}")
        entry = copy.copy(self)
        object.__setattr__(entry, "sequence", sequence)
        object.__setattr__(entry, "hash", check_text(hash, "hash"))
        return entry


# -- monitoring: alerts and the watch list ---------------------------------------------

KEY_LENGTH: Final = 191
"""The longest alert key a store keeps (MariaDB's longest indexable utf8mb4 key)."""


class AlertSeverity(enum.Enum):
    """How urgent an :class:`Alert` is, from ``info`` to ``critical``.

    >>> AlertSeverity("critical").rank > AlertSeverity("warning").rank
    True
    """

    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        """0 for ``info``, 1 for ``warning``, 2 for ``critical`` (to sort by urgency).

        >>> AlertSeverity.INFO.rank
        0
        """
        return list(AlertSeverity).index(self)


_severity = enum_converter(AlertSeverity)


def _to_severity(value: object) -> Any:
    return _severity(value)


def _figures(value: object) -> dict[str, Any]:
    mapping: dict[str, Any] = check_mapping(value, "figures")  # type: ignore[arg-type]
    _check_json(mapping, "figures")
    copied: dict[str, Any] = json.loads(json.dumps(mapping))
    return copied


def _key(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    check_text(value, attribute.name)
    assert isinstance(value, str)
    if len(value) > KEY_LENGTH or value != value.strip():
        raise ValidationError(
            f"{attribute.name}: {shorten(repr(value))} is not a key a store keeps (at most "
            f"{KEY_LENGTH} characters, no leading or trailing spaces); build it with alert_key()"
        )


def _optional_utc(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        _utc(instance, attribute, value)


def alert_key(reason: str, customer_id: str, *facts: object) -> str:
    """The stable key of an alert: its reason code, its customer and the facts it is about.

    The same facts give the same key whatever day a monitor runs, so a store keeps
    the alert once. A key longer than a store keeps ends in a SHA-256 of the whole.

    >>> alert_key("LIMIT_EXPIRING", "C1", "internal", "2026-12-31")
    'LIMIT_EXPIRING:C1:internal:2026-12-31'
    >>> len(alert_key("X", "C" * 300))
    191
    """
    key = ":".join([check_text(reason, "reason"), check_text(customer_id, "customer_id")])
    key += "".join(f":{fact}" for fact in facts)
    if len(key) <= KEY_LENGTH:
        return key
    digest = hashlib.sha256(key.encode()).hexdigest()
    return f"{key[: KEY_LENGTH - len(digest) - 1]}#{digest}"


@attrs.frozen
class Alert:
    """Something a monitoring run found about a customer, kept until someone acknowledges it.

    ``reason`` is a reason code (``LIMIT_EXPIRED``, ``OVERDUE_DAYS``, ...), ``on`` the
    day the run found it, ``figures`` the numbers behind it (JSON values, exact
    figures as strings), ``message`` one line for people. ``key`` names the facts
    (see :func:`alert_key`): a store keeps one alert per key, so the same alert on the
    same facts is stored once, whichever day it is found again. ``acknowledged_by``,
    ``acknowledged_at`` (UTC) and ``note`` say who dealt with it.

    >>> from datetime import date
    >>> alert = Alert("C1", on=date(2026, 6, 1), reason="LIMIT_EXPIRED", severity="critical",
    ...               figures={"valid_to": "2026-05-31"}, message="limit expired on 2026-05-31",
    ...               key=alert_key("LIMIT_EXPIRED", "C1", "2026-05-31"))
    >>> alert.severity, alert.is_open
    (<AlertSeverity.CRITICAL: 'critical'>, True)
    """

    customer_id: str = attrs.field(validator=text)
    on: datetime.date = attrs.field(kw_only=True, validator=is_date)
    reason: str = attrs.field(kw_only=True, validator=text)
    severity: AlertSeverity = attrs.field(
        kw_only=True, converter=_to_severity, validator=one_of(AlertSeverity)
    )
    figures: dict[str, Any] = attrs.field(kw_only=True, converter=_figures)
    message: str = attrs.field(kw_only=True, validator=text)
    key: str = attrs.field(kw_only=True, validator=_key)
    acknowledged_by: str | None = attrs.field(default=None, kw_only=True, validator=optional_text)
    acknowledged_at: datetime.datetime | None = attrs.field(
        default=None, kw_only=True, validator=_optional_utc
    )
    note: str | None = attrs.field(default=None, kw_only=True, validator=optional_text)

    def __attrs_post_init__(self) -> None:
        if (self.acknowledged_by is None) != (self.acknowledged_at is None):
            raise ValidationError(
                "acknowledged_at: give acknowledged_by and acknowledged_at together, "
                f"got {self.acknowledged_by!r} and {self.acknowledged_at!r}"
            )

    @property
    def is_open(self) -> bool:
        """Whether nobody has acknowledged the alert yet.

        >>> from datetime import date, datetime, timezone
        >>> Alert("C1", on=date(2026, 6, 1), reason="X", severity="info", figures={},
        ...       message="m", key="X:C1", acknowledged_by="ana",
        ...       acknowledged_at=datetime(2026, 6, 1, tzinfo=timezone.utc)).is_open
        False
        """
        return self.acknowledged_by is None

    def to_json(self) -> dict[str, Any]:
        """The alert as a JSON mapping (dates and times in ISO form); :meth:`from_json` reads it.

        >>> from datetime import date
        >>> a = Alert("C1", on=date(2026, 6, 1), reason="X", severity="info", figures={"n": "1"},
        ...           message="m", key="X:C1")
        >>> Alert.from_json(a.to_json()) == a, a.to_json()["on"]
        (True, '2026-06-01')
        """
        at = self.acknowledged_at
        return {
            "customer_id": self.customer_id,
            "on": self.on.isoformat(),
            "reason": self.reason,
            "severity": self.severity.value,
            "figures": self.figures,
            "message": self.message,
            "key": self.key,
            "acknowledged_by": self.acknowledged_by,
            "acknowledged_at": None if at is None else at.isoformat(),
            "note": self.note,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Alert:
        """An alert from :meth:`to_json`'s mapping.

        >>> Alert.from_json({"customer_id": "C1", "on": "2026-06-01", "reason": "X",
        ...                  "severity": "warning", "figures": {}, "message": "m", "key": "X:C1"}).on
        datetime.date(2026, 6, 1)
        """
        at = data.get("acknowledged_at")
        return cls(
            data["customer_id"],
            on=datetime.date.fromisoformat(data["on"]),
            reason=data["reason"],
            severity=data["severity"],
            figures=data["figures"],
            message=data["message"],
            key=data["key"],
            acknowledged_by=data.get("acknowledged_by"),
            acknowledged_at=None if at is None else datetime.datetime.fromisoformat(at),
            note=data.get("note"),
        )


@attrs.frozen
class WatchEntry:
    """A customer on the watch list: why, put there by whom and when.

    ``block_orders`` asks the desk to stop new orders of the customer (the
    ``blocked`` flag of its :class:`~credkit.policy.CreditProfile`), not only to
    watch them (the ``watch_list`` flag).

    >>> from datetime import datetime, timezone
    >>> entry = WatchEntry("C1", "OVERDUE_DAYS", by="monitor",
    ...                    at=datetime(2026, 6, 1, tzinfo=timezone.utc))
    >>> entry.block_orders, WatchEntry.from_json(entry.to_json()) == entry
    (False, True)
    """

    customer_id: str = attrs.field(validator=text)
    reason: str = attrs.field(validator=text)
    by: str = attrs.field(kw_only=True, validator=text)
    at: datetime.datetime = attrs.field(kw_only=True, validator=_utc)
    block_orders: bool = attrs.field(default=False, kw_only=True, validator=boolean)

    def to_json(self) -> dict[str, Any]:
        """The entry as a JSON mapping (see :meth:`from_json`).

        >>> from datetime import datetime, timezone
        >>> WatchEntry("C1", "r", by="ana", at=datetime(2026, 6, 1, tzinfo=timezone.utc)).to_json()["at"]
        '2026-06-01T00:00:00+00:00'
        """
        return {
            "customer_id": self.customer_id,
            "reason": self.reason,
            "by": self.by,
            "at": self.at.isoformat(),
            "block_orders": self.block_orders,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> WatchEntry:
        """An entry from :meth:`to_json`'s mapping.

        >>> WatchEntry.from_json({"customer_id": "C1", "reason": "r", "by": "ana",
        ...                       "at": "2026-06-01T00:00:00+00:00"}).block_orders
        False
        """
        return cls(
            data["customer_id"],
            data["reason"],
            by=data["by"],
            at=datetime.datetime.fromisoformat(data["at"]),
            block_orders=bool(data.get("block_orders", False)),
        )


# -- collections: dunning proposals -----------------------------------------------------


class ProposalStatus(enum.Enum):
    """Where a proposed reminder stands: proposed (not yet recorded), sent or failed.

    >>> ProposalStatus("proposed")
    <ProposalStatus.PROPOSED: 'proposed'>
    """

    PROPOSED = "proposed"
    SENT = "sent"
    FAILED = "failed"


_proposal_status = enum_converter(ProposalStatus)


def _to_proposal_status(value: object) -> Any:
    return _proposal_status(value)


def _action(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, DunningAction):
        raise ValidationError(
            f"{attribute.name}: expected a DunningAction, got {type(value).__name__}"
        )


@attrs.frozen
class DunningProposal:
    """A reminder a dunning run proposed, kept until someone records whether it was sent.

    The key is the action's id (``customer/level/date``). A run stores each action it
    proposes as ``PROPOSED``; recording the send turns it ``SENT`` or ``FAILED`` (on
    ``recorded_on``, by ``channel``). A proposal still ``PROPOSED`` is shown again by the
    next run instead of a new one, so a crash between proposing and recording loses
    nothing.

    >>> from datetime import date
    >>> from credkit.dunning import DunningHistory, DunningLadder, DunningLevel, dunning_run
    >>> from credkit.ledger import DocumentKind, OpenItem
    >>> item = OpenItem("I1", "C1", DocumentKind.INVOICE, date(2026, 1, 1), date(2026, 1, 31),
    ...                 Money.of(90, "EUR"))
    >>> ladder = DunningLadder("l", version="1", levels=(DunningLevel(5, template="t"),))
    >>> action = dunning_run([item], DunningHistory(), as_of=date(2026, 2, 5), ladder=ladder).actions[0]
    >>> proposal = DunningProposal(action)
    >>> proposal.id, proposal.customer_id, proposal.is_pending
    ('C1/1/2026-02-05', 'C1', True)
    """

    action: DunningAction = attrs.field(validator=_action)
    status: ProposalStatus = attrs.field(
        default=ProposalStatus.PROPOSED,
        kw_only=True,
        converter=_to_proposal_status,
        validator=one_of(ProposalStatus),
    )
    recorded_on: datetime.date | None = attrs.field(
        default=None, kw_only=True, validator=optional_date
    )
    channel: str | None = attrs.field(default=None, kw_only=True, validator=optional_text)

    @property
    def id(self) -> str:
        """The action's id: ``customer/level/date``."""
        return self.action.id

    @property
    def customer_id(self) -> str:
        """The customer the reminder is for."""
        return self.action.customer_id

    @property
    def on(self) -> datetime.date:
        """The day the run proposed it."""
        return self.action.as_of

    @property
    def is_pending(self) -> bool:
        """Whether nobody has recorded yet whether it was sent."""
        return self.status is ProposalStatus.PROPOSED
