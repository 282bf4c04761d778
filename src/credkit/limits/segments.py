"""Credit segments: one customer, a limit per company or business unit, limits above them.

A customer that buys from several companies (or business units) of the same
business can have a limit in each of them, its *credit segments*, while the
business still caps what the customer owes altogether. SAP FSCM credit
management works this way: a customer's credit profile has a limit per credit
segment, and the main segment adds up the exposure of every segment and has a
limit of its own. Above the customer, the credit group (the parent and its
members, ``credkit.limits.groups``) may have a group limit.

:class:`CreditSegments` holds one customer's segment limits and its
customer-wide limit (loadable with :func:`credkit.config.load`);
:func:`segment_headroom` says how much more exposure one segment can take: the
smallest headroom of the segment's limit, the customer-wide limit (against the
exposure of all segments together) and the group limit. ``None`` at a level
means *no limit* there; a level without a limit never binds.

>>> from credkit.money import Money
>>> segments = CreditSegments(
...     "C-1",
...     currency="EUR",
...     segments=(
...         SegmentLimit("DE01", Money.of(60000, "EUR")),
...         SegmentLimit("FR01", Money.of(50000, "EUR")),
...     ),
...     customer_limit=Money.of(90000, "EUR"),
... )
>>> room = segment_headroom(
...     segments, "DE01",
...     exposures={"DE01": Money.of(20000, "EUR"), "FR01": Money.of(45000, "EUR")},
... )
>>> room.headroom, room.binding
(Money('25000', 'EUR'), <SegmentLevel.CUSTOMER: 'customer'>)
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from credkit._validate import (
    check_money,
    check_text,
    currency_code,
    describe,
    optional_money,
    optional_non_negative_money,
    text,
)
from credkit.errors import CurrencyMismatchError, ValidationError
from credkit.limits._common import fmt
from credkit.money import Money

__all__ = [
    "CreditSegments",
    "SegmentHeadroom",
    "SegmentLevel",
    "SegmentLimit",
    "SegmentStanding",
    "segment_headroom",
]


class SegmentLevel(enum.Enum):
    """A level of limits above one segment's exposure.

    >>> [level.value for level in SegmentLevel]
    ['segment', 'customer', 'group']
    """

    SEGMENT = "segment"
    """The segment's own limit, against the segment's exposure."""
    CUSTOMER = "customer"
    """The customer-wide limit (SAP's main segment), against all segments' exposure."""
    GROUP = "group"
    """The credit group's limit, against the group's exposure."""


@attrs.frozen
class SegmentLimit:
    """The limit of one credit segment (a company or business unit); ``None``: no limit.

    >>> SegmentLimit("DE01", Money.of(60000, "EUR")).segment
    'DE01'
    """

    segment: str = attrs.field(validator=text)
    amount: Money | None = attrs.field(validator=optional_non_negative_money)


def _segments(value: Iterable[SegmentLimit]) -> Any:
    if isinstance(value, list | tuple):
        return tuple(value)
    return value


def _check_segments(
    instance: CreditSegments, attribute: attrs.Attribute[Any], value: object
) -> None:
    if not isinstance(value, tuple):
        raise ValidationError(
            f"segments: expected a list of SegmentLimit values, got {describe(value)}"
        )
    seen: set[str] = set()
    for index, item in enumerate(value):
        if not isinstance(item, SegmentLimit):
            raise ValidationError(
                f"segments[{index}]: expected a SegmentLimit, got {describe(item)}"
            )
        if item.segment in seen:
            raise ValidationError(
                f"segments[{index}].segment: {item.segment!r} is listed twice; give one "
                "limit per segment"
            )
        seen.add(item.segment)


@attrs.frozen
class CreditSegments:
    """One customer's limits per credit segment, and its customer-wide limit.

    Every limit is in ``currency``. ``customer_limit`` caps the exposure of all
    segments together (``None``: no customer-wide limit); it may be smaller than
    the sum of the segment limits, which is the point of having it.

    >>> CreditSegments("C-1", currency="EUR",
    ...                segments=[SegmentLimit("DE01", None), SegmentLimit("DE01", None)])
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: segments[1].segment: 'DE01' is listed twice; give one limit per segment
    >>> CreditSegments("C-1", currency="EUR", segments=[SegmentLimit("DE01", Money.of(1, "EUR"))],
    ...                customer_limit=Money.of(5, "USD"))
    Traceback (most recent call last):
    ...
    credkit.errors.CurrencyMismatchError: customer_limit: 5 USD is not in the limits' currency EUR; convert it first with credkit.fx.convert
    """

    customer_id: str = attrs.field(validator=text)
    currency: str = attrs.field(kw_only=True, validator=currency_code)
    segments: tuple[SegmentLimit, ...] = attrs.field(
        kw_only=True, converter=_segments, validator=_check_segments
    )
    customer_limit: Money | None = attrs.field(
        default=None, kw_only=True, validator=optional_non_negative_money
    )

    def __attrs_post_init__(self) -> None:
        named = [(f"segments[{i}].amount", s.amount) for i, s in enumerate(self.segments)]
        for field, amount in [*named, ("customer_limit", self.customer_limit)]:
            _in_currency(field, amount, self.currency)

    def limit_of(self, segment: str) -> Money | None:
        """The limit of ``segment`` (``None``: no limit); an unknown segment is an error.

        >>> CreditSegments("C-1", currency="EUR", segments=[SegmentLimit("DE01", None)]).limit_of("FR01")
        Traceback (most recent call last):
        ...
        credkit.errors.ValidationError: segment: unknown segment 'FR01' for C-1; known segments are DE01
        """
        for item in self.segments:
            if item.segment == segment:
                return item.amount
        known = ", ".join(s.segment for s in self.segments) or "none"
        raise ValidationError(
            f"segment: unknown segment {segment!r} for {self.customer_id}; known segments "
            f"are {known}"
        )


@attrs.frozen(kw_only=True)
class SegmentStanding:
    """One level's limit, the exposure it is measured against, and what is left.

    ``headroom`` is ``limit - exposure`` (negative when over), ``None`` without a limit.

    >>> SegmentStanding(level=SegmentLevel.SEGMENT, key="DE01", limit=None,
    ...                 exposure=Money.of(10, "EUR")).headroom is None
    True
    """

    level: SegmentLevel = attrs.field(validator=attrs.validators.instance_of(SegmentLevel))
    key: str = attrs.field(validator=text)
    limit: Money | None = attrs.field(validator=optional_money)
    exposure: Money = attrs.field(validator=lambda _i, a, v: check_money(v, a.name))

    @property
    def headroom(self) -> Money | None:
        """``limit - exposure``, or ``None`` without a limit."""
        return None if self.limit is None else self.limit - self.exposure


@attrs.frozen(kw_only=True)
class SegmentHeadroom:
    """How much more exposure a segment can take, level by level, and the binding level.

    ``levels`` lists the segment, the customer and (when there is a group limit)
    the group; ``headroom`` is the smallest of their headrooms (negative when a
    level is already over its limit, ``None`` when no level has a limit) and
    ``binding`` the level that gives it (the lowest level wins a tie).

    >>> from credkit.money import Money
    >>> segments = CreditSegments("C-1", currency="EUR",
    ...                           segments=[SegmentLimit("DE01", Money.of(100, "EUR"))])
    >>> room = segment_headroom(segments, "DE01", exposures={"DE01": Money.of(40, "EUR")})
    >>> room.allows(Money.of(60, "EUR")), room.allows(Money.of("60.01", "EUR"))
    (True, False)
    """

    customer_id: str = attrs.field(validator=text)
    segment: str = attrs.field(validator=text)
    levels: tuple[SegmentStanding, ...] = attrs.field()
    headroom: Money | None = attrs.field(validator=optional_money)
    binding: SegmentLevel | None = attrs.field()
    reason: str = attrs.field(validator=text)

    def allows(self, amount: Money) -> bool:
        """Whether ``amount`` more exposure fits every level (exactly the headroom fits).

        >>> from credkit.money import Money
        >>> segments = CreditSegments("C-1", currency="EUR", segments=[SegmentLimit("DE01", None)])
        >>> segment_headroom(segments, "DE01", exposures={}).allows(Money.of(10**9, "EUR"))
        True
        """
        check_money(amount, "amount")
        _in_currency("amount", amount, self.levels[0].exposure.currency)
        return self.headroom is None or amount <= self.headroom


def _check_exposures(exposures: object, segments: CreditSegments) -> dict[str, Money]:
    if not isinstance(exposures, Mapping):
        raise ValidationError(
            f"exposures: expected a mapping of segment to Money, got {describe(exposures)}"
        )
    result = {}
    for key, value in exposures.items():
        check_text(key, "exposures key", what="a segment id")
        segments.limit_of(key)  # an exposure in an unknown segment is refused, not dropped
        result[key] = check_money(value, f"exposures[{key!r}]")
        _in_currency(f"exposures[{key!r}]", value, segments.currency)
    return result


def segment_headroom(
    segments: CreditSegments,
    segment: str,
    *,
    exposures: Mapping[str, Money],
    group_limit: Money | None = None,
    group_exposure: Money | None = None,
) -> SegmentHeadroom:
    """How much more exposure ``segment`` can take under its limit and every limit above.

    ``exposures`` gives each segment's exposure (a segment left out has none);
    the customer-wide exposure is their sum, as SAP's main segment adds up its
    segments. ``group_limit`` and ``group_exposure`` are the credit group's (the
    exposure is required with a limit). Every amount must be in the limits'
    currency (convert first with :func:`credkit.fx.convert`); an exposure for a
    segment that is not listed is refused rather than dropped.

    >>> from credkit.money import Money
    >>> segments = CreditSegments("C-1", currency="EUR",
    ...                           segments=[SegmentLimit("DE01", Money.of(100, "EUR"))])
    >>> room = segment_headroom(
    ...     segments, "DE01", exposures={"DE01": Money.of(40, "EUR")},
    ...     group_limit=Money.of(1000, "EUR"), group_exposure=Money.of(990, "EUR"),
    ... )
    >>> room.headroom, room.binding
    (Money('10', 'EUR'), <SegmentLevel.GROUP: 'group'>)
    >>> segment_headroom(segments, "DE01", exposures={"FR01": Money.of(1, "EUR")})
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: segment: unknown segment 'FR01' for C-1; known segments are DE01
    """
    if not isinstance(segments, CreditSegments):
        raise ValidationError(f"segments: expected CreditSegments, got {describe(segments)}")
    check_text(segment, "segment", what="a segment id")
    segment_limit = segments.limit_of(segment)
    given = _check_exposures(exposures, segments)
    if group_limit is not None:
        check_money(group_limit, "group_limit")
        if group_exposure is None:
            raise ValidationError(
                "group_exposure: required with a group_limit; give the group's exposure or "
                "leave out the group limit"
            )
    for field, value in (("group_limit", group_limit), ("group_exposure", group_exposure)):
        if value is not None:
            check_money(value, field)
            _in_currency(field, value, segments.currency)
    zero = Money.zero(segments.currency)
    total = sum(given.values(), zero)
    levels = [
        SegmentStanding(
            level=SegmentLevel.SEGMENT,
            key=segment,
            limit=segment_limit,
            exposure=given.get(segment, zero),
        ),
        SegmentStanding(
            level=SegmentLevel.CUSTOMER,
            key=segments.customer_id,
            limit=segments.customer_limit,
            exposure=total,
        ),
    ]
    if group_limit is not None:
        assert group_exposure is not None
        levels.append(
            SegmentStanding(
                level=SegmentLevel.GROUP, key="group", limit=group_limit, exposure=group_exposure
            )
        )
    best: SegmentStanding | None = None
    for standing in levels:
        room = standing.headroom
        if room is not None and (best is None or room < best.headroom):  # type: ignore[operator]
            best = standing
    parts = [
        f"{s.level.value} {s.key}: limit {fmt(s.limit)}, exposure {fmt(s.exposure)}"
        + ("" if s.headroom is None else f", headroom {fmt(s.headroom)}")
        for s in levels
    ]
    if best is None:
        reason = "no limit at any level; " + "; ".join(parts)
    else:
        reason = f"{best.level.value} limit binds; " + "; ".join(parts)
    return SegmentHeadroom(
        customer_id=segments.customer_id,
        segment=segment,
        levels=tuple(levels),
        headroom=None if best is None else best.headroom,
        binding=None if best is None else best.level,
        reason=reason,
    )


def _in_currency(field: str, amount: Money | None, currency: str) -> None:
    if amount is not None and amount.currency != currency:
        raise CurrencyMismatchError(
            f"{field}: {amount} is not in the limits' currency {currency}; "
            "convert it first with credkit.fx.convert"
        )
