"""Limit rules: the static and dynamic limit, a limit required and in force, the group
limit, sub-limits per exposure component, and the maximum value of one order.

A limit is exceeded only when the exposure *plus* the order goes *above* it (times
``1 + tolerance``), so an order that brings the customer exactly to the limit passes
and one cent more fails. A profile without a limit passes the limit rules: no limit
means none to exceed; add :class:`RequireLimit` to insist on one.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, ClassVar

import attrs

from credkit._figures import plain_amount
from credkit._validate import enum_converter, non_negative_money, one_of, whole
from credkit.money import Money
from credkit.policy.exposure import ExposureComponent, ExposureKind
from credkit.policy.order import OrderRequest
from credkit.policy.profile import CreditProfile
from credkit.policy.result import RuleResult
from credkit.policy.rules.base import BuiltinRule, cap_text, days, tolerance_field

__all__ = [
    "DynamicLimit",
    "GroupLimit",
    "LimitValidity",
    "MaxOrderValue",
    "RequireLimit",
    "StaticLimit",
    "SubLimits",
]


@attrs.frozen
class StaticLimit(BuiltinRule):
    """Exposure plus the order must not go above the limit, with an optional tolerance.

    Fails with ``LIMIT_EXCEEDED`` when
    ``exposure total + order amount > limit x (1 + tolerance)``. ``tolerance`` is a
    fraction (``0.05`` lets the exposure run 5 % over). A profile without a limit
    (``limit=None``) passes: no limit means none to exceed; add
    :class:`RequireLimit` to insist on one. A limit of zero is a limit of zero.

    >>> StaticLimit(tolerance=5)
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: tolerance: must be from 0 to 1 (a fraction such as 0.05 for 5 %), got 5
    """

    name: ClassVar[str] = "static_limit"
    code: ClassVar[str] = "LIMIT_EXCEEDED"
    codes: ClassVar[tuple[str, ...]] = ("LIMIT_EXCEEDED",)

    tolerance: Decimal = tolerance_field()

    @property
    def factor(self) -> Decimal:
        """``1 + tolerance``: what the limit is multiplied by."""
        return 1 + self.tolerance

    def fails(self, p: CreditProfile, amount: Decimal) -> bool:
        """``limit is set and exposure + amount > limit x (1 + tolerance)``."""
        return (
            p.limit_amount is not None and p.exposure_amount + amount > p.limit_amount * self.factor
        )

    def explain(self, profile: CreditProfile, order: OrderRequest) -> RuleResult:
        """``exposure ... + order ... exceeds limit ...``."""
        currency = profile.currency
        limit = profile.limit_amount
        assert limit is not None
        return self.failed(
            "LIMIT_EXCEEDED",
            f"exposure {plain_amount(profile.exposure_amount, currency)} + order "
            f"{plain_amount(order.amount.amount, currency)} exceeds limit "
            f"{cap_text(limit, self.tolerance, currency)}",
        )


def exposure_within(profile: CreditProfile, horizon: datetime.timedelta) -> Decimal:
    """The exposure total that arises by ``as_of + horizon`` (see :class:`DynamicLimit`)."""
    cutoff = profile.as_of + horizon
    total = Decimal(0)
    for component in profile.exposure.components:
        if component.included_in_total:
            total += component.within(cutoff)
    return total


@attrs.frozen
class DynamicLimit(BuiltinRule):
    """Like :class:`StaticLimit`, counting only the exposure that arises within a horizon.

    The exposure counted is :meth:`Exposure.within(as_of + horizon_days)
    <credkit.policy.exposure.Exposure.within>`: unscheduled components in full,
    scheduled ones (open orders with delivery dates, say) only for the parts dated
    within the horizon. The order itself always counts. Fails with
    ``DYNAMIC_LIMIT`` when that plus the order is above
    ``limit x (1 + tolerance)``; no limit passes. This is the "dynamic" check of
    ERP credit management (SAP SD's credit horizon, for example), which lets a
    customer carry orders for delivery far ahead without blocking today's.

    >>> DynamicLimit(horizon_days=30).horizon_days
    30
    """

    name: ClassVar[str] = "dynamic_limit"
    code: ClassVar[str] = "DYNAMIC_LIMIT"
    codes: ClassVar[tuple[str, ...]] = ("DYNAMIC_LIMIT",)

    horizon_days: int = attrs.field(kw_only=True, validator=whole(0))
    tolerance: Decimal = tolerance_field()

    @property
    def factor(self) -> Decimal:
        """``1 + tolerance``: what the limit is multiplied by."""
        return 1 + self.tolerance

    @property
    def horizon(self) -> datetime.timedelta:
        """``horizon_days`` as a ``timedelta``."""
        return days(self.horizon_days)

    def fails(self, p: CreditProfile, amount: Decimal) -> bool:
        """``limit is set and exposure within the horizon + amount > limit x (1 + tolerance)``."""
        return (
            p.limit_amount is not None
            and exposure_within(p, self.horizon) + amount > p.limit_amount * self.factor
        )

    def explain(self, profile: CreditProfile, order: OrderRequest) -> RuleResult:
        """``exposure within N days ... + order ... exceeds limit ...``."""
        currency = profile.currency
        limit = profile.limit_amount
        assert limit is not None
        counted = exposure_within(profile, self.horizon)
        return self.failed(
            "DYNAMIC_LIMIT",
            f"exposure within {self.horizon_days} days {plain_amount(counted, currency)} + order "
            f"{plain_amount(order.amount.amount, currency)} exceeds limit "
            f"{cap_text(limit, self.tolerance, currency)}",
        )


@attrs.frozen
class RequireLimit(BuiltinRule):
    """The customer must have a limit: fails with ``NO_LIMIT`` when ``limit`` is ``None``.

    >>> RequireLimit().code
    'NO_LIMIT'
    """

    name: ClassVar[str] = "require_limit"
    code: ClassVar[str] = "NO_LIMIT"
    codes: ClassVar[tuple[str, ...]] = ("NO_LIMIT",)

    def fails(self, p: CreditProfile, amount: Decimal) -> bool:
        """``no limit``."""
        return p.limit_amount is None

    def explain(self, profile: CreditProfile, order: OrderRequest) -> RuleResult:
        """``no credit limit on the profile``."""
        return self.failed("NO_LIMIT", "no credit limit on the profile")


@attrs.frozen
class LimitValidity(BuiltinRule):
    """The limit must be in force on the profile's date.

    Fails with ``LIMIT_EXPIRED`` when ``as_of`` is after ``limit_valid_to`` and
    with ``LIMIT_NOT_YET_VALID`` when it is before ``limit_valid_from`` (both dates
    are inclusive: a limit valid to 30 November is still in force that day). Open
    dates (``None``) never fail, and neither does a profile without a limit (see
    :class:`RequireLimit`).

    >>> LimitValidity().codes
    ('LIMIT_EXPIRED', 'LIMIT_NOT_YET_VALID')
    """

    name: ClassVar[str] = "limit_validity"
    code: ClassVar[str] = "LIMIT_EXPIRED"
    codes: ClassVar[tuple[str, ...]] = ("LIMIT_EXPIRED", "LIMIT_NOT_YET_VALID")

    def fails(self, p: CreditProfile, amount: Decimal) -> bool:
        """``limit is set and (as_of after valid_to or before valid_from)``."""
        return p.limit_amount is not None and (
            (p.limit_valid_to is not None and p.as_of > p.limit_valid_to)
            or (p.limit_valid_from is not None and p.as_of < p.limit_valid_from)
        )

    def explain(self, profile: CreditProfile, order: OrderRequest) -> RuleResult:
        """``limit expired on ...`` or ``limit is valid from ...``."""
        valid_to = profile.limit_valid_to
        if valid_to is not None and profile.as_of > valid_to:
            return self.failed(
                "LIMIT_EXPIRED",
                f"limit expired on {valid_to.isoformat()}, "
                f"{(profile.as_of - valid_to).days} days before {profile.as_of.isoformat()}",
            )
        valid_from = profile.limit_valid_from
        assert valid_from is not None
        return self.failed(
            "LIMIT_NOT_YET_VALID",
            f"limit is valid from {valid_from.isoformat()}, not yet on {profile.as_of.isoformat()}",
        )


@attrs.frozen
class MaxOrderValue(BuiltinRule):
    """One order may not be worth more than ``max_amount``.

    Fails with ``MAX_ORDER_VALUE`` when the order amount is above ``max_amount``
    (exactly ``max_amount`` passes). ``max_amount`` must be in the profile's
    currency; another currency raises :class:`~credkit.errors.PolicyError`.

    >>> MaxOrderValue(max_amount=Money.of("50000", "EUR")).max_amount
    Money('50000', 'EUR')
    """

    name: ClassVar[str] = "max_order_value"
    code: ClassVar[str] = "MAX_ORDER_VALUE"
    codes: ClassVar[tuple[str, ...]] = ("MAX_ORDER_VALUE",)

    max_amount: Money = attrs.field(kw_only=True, validator=non_negative_money)

    def fails(self, p: CreditProfile, amount: Decimal) -> bool:
        """``amount > max_amount`` (a maximum in another currency raises)."""
        if p.currency != self.max_amount.currency:
            return self.refuse_currency("max_amount", self.max_amount, p)
        return amount > self.max_amount.amount

    def explain(self, profile: CreditProfile, order: OrderRequest) -> RuleResult:
        """``order ... is above the maximum order value ...``."""
        return self.failed(
            "MAX_ORDER_VALUE",
            f"order {plain_amount(order.amount.amount, profile.currency)} is above the maximum "
            f"order value {plain_amount(self.max_amount.amount, self.max_amount.currency)}",
        )


@attrs.frozen
class GroupLimit(BuiltinRule):
    """The credit group's exposure plus the order must not go above the group limit.

    Fails with ``GROUP_LIMIT_EXCEEDED`` when
    ``group_exposure + order > group_limit x (1 + tolerance)``. No group limit
    passes (the profile requires the group's exposure whenever it has a group
    limit).

    >>> GroupLimit(tolerance="0.02").tolerance
    Decimal('0.02')
    """

    name: ClassVar[str] = "group_limit"
    code: ClassVar[str] = "GROUP_LIMIT_EXCEEDED"
    codes: ClassVar[tuple[str, ...]] = ("GROUP_LIMIT_EXCEEDED",)

    tolerance: Decimal = tolerance_field()

    @property
    def factor(self) -> Decimal:
        """``1 + tolerance``: what the group limit is multiplied by."""
        return 1 + self.tolerance

    def fails(self, p: CreditProfile, amount: Decimal) -> bool:
        """``group limit is set and group exposure + amount > group limit x (1 + tolerance)``."""
        if p.group_limit is None or p.group_exposure is None:
            return False
        return p.group_exposure.amount + amount > p.group_limit.amount * self.factor

    def explain(self, profile: CreditProfile, order: OrderRequest) -> RuleResult:
        """``group G exposure ... + order ... exceeds group limit ...``."""
        limit = profile.group_limit
        exposure = profile.group_exposure
        assert limit is not None
        assert exposure is not None
        currency = profile.currency
        group = f"group {profile.group_id} " if profile.group_id else "group "
        return self.failed(
            "GROUP_LIMIT_EXCEEDED",
            f"{group}exposure {plain_amount(exposure.amount, currency)} + order "
            f"{plain_amount(order.amount.amount, currency)} exceeds group limit "
            f"{cap_text(limit.amount, self.tolerance, currency)}",
        )


def sub_limit_breaches(
    profile: CreditProfile, amount: Decimal, kind: ExposureKind, factor: Decimal
) -> list[tuple[ExposureComponent, bool]]:
    """Components over their sub-limit, each with whether the order adds to it."""
    breaches = []
    for component in profile.exposure.components:
        sub_limit = component.sub_limit
        if sub_limit is None:
            continue
        adds = component.kind is kind
        total = component.amount.amount + amount if adds else component.amount.amount
        if total > sub_limit.amount * factor:
            breaches.append((component, adds))
    return breaches


_to_kind = enum_converter(ExposureKind)


def _kind(value: object) -> Any:
    return _to_kind(value)


@attrs.frozen
class SubLimits(BuiltinRule):
    """Each exposure component with a sub-limit must stay within it.

    The order adds to the component of kind ``order_kind`` (open orders unless
    told otherwise). Fails with ``SUB_LIMIT_EXCEEDED`` when any component with a
    ``sub_limit`` is above ``sub_limit x (1 + tolerance)``, naming every one that
    is. Components without a sub-limit, included in the total or not, never fail.
    With the open receivables split into ``receivables_not_due`` and
    ``receivables_overdue`` (:func:`~credkit.policy.builder.build_profile` with
    ``split_receivables=True``), each part is checked against its own sub-limit, as
    OCA ``account_financial_risk`` limits open and unpaid invoices separately.

    >>> SubLimits().order_kind
    <ExposureKind.OPEN_ORDERS: 'open_orders'>
    """

    name: ClassVar[str] = "sub_limits"
    code: ClassVar[str] = "SUB_LIMIT_EXCEEDED"
    codes: ClassVar[tuple[str, ...]] = ("SUB_LIMIT_EXCEEDED",)

    tolerance: Decimal = tolerance_field()
    order_kind: ExposureKind = attrs.field(
        default=ExposureKind.OPEN_ORDERS,
        kw_only=True,
        converter=_kind,
        validator=one_of(ExposureKind),
    )

    @property
    def factor(self) -> Decimal:
        """``1 + tolerance``: what each sub-limit is multiplied by."""
        return 1 + self.tolerance

    def fails(self, p: CreditProfile, amount: Decimal) -> bool:
        """Any component over its sub-limit, counting the order in ``order_kind``."""
        return bool(sub_limit_breaches(p, amount, self.order_kind, self.factor))

    def explain(self, profile: CreditProfile, order: OrderRequest) -> RuleResult:
        """``open orders ... + order ... exceeds its sub-limit ...`` for each breach."""
        currency = profile.currency
        amount = order.amount.amount
        parts = []
        for component, adds in sub_limit_breaches(profile, amount, self.order_kind, self.factor):
            assert component.sub_limit is not None
            plus = f" + order {plain_amount(amount, currency)}" if adds else ""
            parts.append(
                f"{component.kind.value.replace('_', ' ')} "
                f"{plain_amount(component.amount.amount, currency)}{plus} exceeds its sub-limit "
                f"{cap_text(component.sub_limit.amount, self.tolerance, currency)}"
            )
        return self.failed("SUB_LIMIT_EXCEEDED", "; ".join(parts))
