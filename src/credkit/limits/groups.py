"""Credit groups: a parent's limit caps its children's limits and the group's exposure.

Customers with a ``parent_id`` form a credit group under their parent
(:class:`~credkit.ledger.Customer`). A limit on the parent is a *group limit*:

* the limits of the parent's direct children together may not exceed it (each
  child's own limit in turn caps its own children), and
* the exposure of the whole group (the parent and everyone below it) may not
  exceed it.

:func:`group_status` checks both for one parent. :func:`group_headroom` answers
the question a limit recommendation for a member asks: how large may this
member's limit be, given every group above it? For each ancestor with a limit
on record it takes the smaller of

* the group limit less the limits of the ancestor's other children (the branch
  the member belongs to is left out, since it is the one being sized), and
* the member's own exposure plus what is left of the group limit after the
  group's exposure (the member may add no more exposure than the group has
  room for),

never below zero, and reports the tightest ancestor. Limits are given per
customer id as :class:`~credkit.limits.CreditLimit` records or plain amounts
(``None``: no limit, i.e. unlimited); a customer missing from ``limits`` has no
limit on record, which counts as zero for its parent's sum and, for a parent,
means there is no group limit to respect. Exposure defaults to each customer's
open balance on ``as_of`` (unapplied cash counts down to zero, never below),
converted into the group limit's currency with ``rates`` when needed.

>>> from datetime import date
>>> from credkit import Money
>>> from credkit.ledger import Customer, Invoice, Ledger
>>> ledger = Ledger(customers=[
...     Customer("H", "Holding", country="DE", currency="EUR"),
...     Customer("S1", "Sub One", country="DE", currency="EUR", parent_id="H"),
...     Customer("S2", "Sub Two", country="DE", currency="EUR", parent_id="H"),
... ], invoices=[Invoice("I1", "S2", date(2026, 3, 1), date(2026, 3, 31), Money.of(70000, "EUR"))])
>>> limits = {"H": Money.of(200000, "EUR"), "S2": Money.of(120000, "EUR")}
>>> room = group_headroom(ledger, "S1", limits=limits, as_of=date(2026, 3, 15))
>>> room.headroom, room.parent_id
(Money('80000', 'EUR'), 'H')
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import attrs

from credkit._validate import (
    check_date,
    check_money,
    describe,
    guard_arithmetic,
    optional_money,
    text,
)
from credkit.errors import ValidationError
from credkit.fx import RateSource
from credkit.ledger import Customer, Ledger
from credkit.limits._common import fmt, in_currency
from credkit.limits.credit_limit import CreditLimit
from credkit.money import Money

__all__ = ["GroupHeadroom", "GroupStatus", "LimitLike", "group_headroom", "group_status"]

LimitLike = CreditLimit | Money | None
"""A limit as the group functions accept it: a CreditLimit, an amount, or None (no limit)."""


@attrs.frozen(kw_only=True)
class GroupHeadroom:
    """How large a member's limit may be, given the tightest group above it.

    ``parent_id`` is the ancestor whose group limit binds (None when no ancestor has
    a limit on record); ``headroom`` is the most the member's limit may be (None:
    no group bound); ``reason`` shows the working.

    >>> GroupHeadroom(member_id="S1", parent_id=None, headroom=None, reason="no group limit on record above S1").headroom is None
    True
    """

    member_id: str = attrs.field(validator=text)
    parent_id: str | None = attrs.field()
    headroom: Money | None = attrs.field(validator=optional_money)
    reason: str = attrs.field(validator=text)


@attrs.frozen(kw_only=True)
class GroupStatus:
    """Whether a parent's group limit holds: children's limits and group exposure against it.

    ``group_limit`` is None when the parent has no limit (unlimited) and the figures
    are then only informative. ``unlimited_children`` lists children with no limit,
    whose limits cannot fit under a group limit. ``problems`` says what is wrong, in
    words; it is empty when the group is within its limit.

    >>> from datetime import date
    >>> from credkit import Money
    >>> from credkit.ledger import Customer, Ledger
    >>> ledger = Ledger(customers=[Customer("H", "H", country="DE", currency="EUR"),
    ...                            Customer("S", "S", country="DE", currency="EUR", parent_id="H")])
    >>> status = group_status(ledger, "H", limits={"H": Money.of(10, "EUR"), "S": Money.of(20, "EUR")},
    ...                       as_of=date(2026, 1, 1))
    >>> status.within_limit, status.problems
    (False, ("the children's limits 20.00 EUR exceed the group limit 10.00 EUR by 10.00 EUR",))
    """

    parent_id: str = attrs.field(validator=text)
    group_limit: Money | None = attrs.field(validator=optional_money)
    children_limits: Money = attrs.field(validator=lambda _i, a, v: check_money(v, a.name))
    group_exposure: Money = attrs.field(validator=lambda _i, a, v: check_money(v, a.name))
    unlimited_children: tuple[str, ...] = attrs.field(default=(), kw_only=True)
    problems: tuple[str, ...] = attrs.field(default=(), kw_only=True)

    @property
    def within_limit(self) -> bool:
        """Whether neither the children's limits nor the exposure exceed the group limit.

        >>> from credkit import Money
        >>> GroupStatus(parent_id="H", group_limit=None, children_limits=Money.zero("EUR"), group_exposure=Money.zero("EUR")).within_limit
        True
        """
        return not self.problems


# -- helpers -----------------------------------------------------------------------------------


def _amount_of(value: object, field: str) -> Money | None:
    if value is None:
        return None
    if isinstance(value, CreditLimit):
        return value.amount
    return check_money(value, field)


def _check_ledger(ledger: object) -> Ledger:
    if not isinstance(ledger, Ledger):
        raise ValidationError(f"ledger: expected a credkit.ledger.Ledger, got {describe(ledger)}")
    return ledger


def _check_limits(limits: object) -> Mapping[str, LimitLike]:
    if not isinstance(limits, Mapping):
        raise ValidationError(
            f"limits: expected a mapping of customer id to CreditLimit, Money or None, "
            f"got {describe(limits)}"
        )
    for key, value in limits.items():
        if value is not None and not isinstance(value, CreditLimit | Money):
            raise ValidationError(
                f"limits[{key!r}]: expected a CreditLimit, Money or None, got {describe(value)}"
            )
    return limits


class _Group:
    """The parent/child links of ``customer_id``'s credit group, and exposures in one currency."""

    def __init__(
        self,
        ledger: Ledger,
        customer_id: str,
        *,
        as_of: date,
        exposures: Mapping[str, Money] | None,
        rates: RateSource | None,
    ) -> None:
        self.ledger = ledger
        self.as_of = as_of
        self.rates = rates
        self.exposures = exposures
        # Only the group's own members: Ledger.group lists them in the order of
        # ledger.customers, so each parent's children keep that order too.
        self.children: dict[str, list[Customer]] = {}
        for member_id in ledger.group(customer_id)[1][1:]:
            member = ledger.customer(member_id)
            if member.parent_id is not None:
                self.children.setdefault(member.parent_id, []).append(member)

    def descendants(self, customer_id: str) -> list[str]:
        found = [customer_id]
        for child in self.children.get(customer_id, []):
            found.extend(self.descendants(child.id))
        return found

    def exposure(self, customer_id: str, currency: str) -> Money:
        if self.exposures is not None:
            given = self.exposures.get(customer_id)
            if given is None:
                return Money.zero(currency)
            check_money(given, f"exposures[{customer_id!r}]")
            money = in_currency(
                given,
                currency,
                on=self.as_of,
                rates=self.rates,
                field=f"exposures[{customer_id!r}]",
            )
        else:
            money = Money.zero(currency)
            for balance in self.ledger.balance(self.as_of, customer_id=customer_id).values():
                money += in_currency(
                    balance,
                    currency,
                    on=self.as_of,
                    rates=self.rates,
                    field=f"exposure of {customer_id!r}",
                )
        return money if money.is_positive else Money.zero(currency)

    def limit_in(self, value: LimitLike, currency: str, field: str) -> Money | None:
        amount = _amount_of(value, field)
        if amount is None:
            return None
        return in_currency(amount, currency, on=self.as_of, rates=self.rates, field=field)


def _check_exposures(exposures: object) -> Mapping[str, Money] | None:
    if exposures is None:
        return None
    if not isinstance(exposures, Mapping):
        raise ValidationError(
            f"exposures: expected a mapping of customer id to Money, got {describe(exposures)}"
        )
    return exposures


# -- public functions --------------------------------------------------------------------------


@guard_arithmetic("ledger, limits, exposures", what="the group status")
def group_status(
    ledger: Ledger,
    parent_id: str,
    *,
    limits: Mapping[str, LimitLike],
    as_of: date,
    exposures: Mapping[str, Money] | None = None,
    rates: RateSource | None = None,
) -> GroupStatus:
    """Check the group under ``parent_id``: children's limits and group exposure vs its limit.

    See the module for what counts. Without a limit on record for the parent the
    group has no limit to check.

    >>> from datetime import date
    >>> from credkit import Money
    >>> from credkit.ledger import Customer, Ledger
    >>> ledger = Ledger(customers=[Customer("H", "H", country="DE", currency="EUR"),
    ...                            Customer("S", "S", country="DE", currency="EUR", parent_id="H")])
    >>> group_status(ledger, "H", limits={"H": Money.of(10, "EUR"), "S": None},
    ...              as_of=date(2026, 1, 1)).problems
    ('S has no limit (unlimited credit), which no group limit can cover',)
    """
    _check_ledger(ledger)
    check_date(as_of, "as_of")
    limits = _check_limits(limits)
    parent = ledger.customer(parent_id)
    group = _Group(
        ledger, parent_id, as_of=as_of, exposures=_check_exposures(exposures), rates=rates
    )
    if parent_id in limits:
        group_limit = _amount_of(limits[parent_id], f"limits[{parent_id!r}]")
    else:
        group_limit = None
    currency = group_limit.currency if group_limit is not None else parent.currency
    children_total = Money.zero(currency)
    unlimited = []
    for child in group.children.get(parent_id, []):
        if child.id not in limits:
            continue
        amount = group.limit_in(limits[child.id], currency, f"limits[{child.id!r}]")
        if amount is None:
            unlimited.append(child.id)
        else:
            children_total += amount
    exposure = Money.zero(currency)
    for member in group.descendants(parent_id):
        exposure += group.exposure(member, currency)
    problems: list[str] = []
    if group_limit is not None:
        problems.extend(
            f"{child} has no limit (unlimited credit), which no group limit can cover"
            for child in unlimited
        )
        if children_total > group_limit:
            problems.append(
                f"the children's limits {fmt(children_total)} exceed the group limit "
                f"{fmt(group_limit)} by {fmt(children_total - group_limit)}"
            )
        if exposure > group_limit:
            problems.append(
                f"the group's exposure {fmt(exposure)} exceeds the group limit "
                f"{fmt(group_limit)} by {fmt(exposure - group_limit)}"
            )
    return GroupStatus(
        parent_id=parent_id,
        group_limit=group_limit,
        children_limits=children_total,
        group_exposure=exposure,
        unlimited_children=tuple(unlimited),
        problems=tuple(problems),
    )


@guard_arithmetic("ledger, limits, exposures", what="the group headroom")
def group_headroom(
    ledger: Ledger,
    customer_id: str,
    *,
    limits: Mapping[str, LimitLike],
    as_of: date,
    exposures: Mapping[str, Money] | None = None,
    rates: RateSource | None = None,
) -> GroupHeadroom:
    """How large ``customer_id``'s limit may be under every group limit above it.

    See the module for the rule. The result names the binding ancestor and shows
    the working; ``headroom`` is None when no ancestor has a limit (or all are
    unlimited). The member's own current limit is ignored: it is the one being sized.

    >>> from datetime import date
    >>> from credkit import Money
    >>> from credkit.ledger import Customer, Ledger
    >>> ledger = Ledger(customers=[Customer("H", "H", country="DE", currency="EUR"),
    ...                            Customer("S", "S", country="DE", currency="EUR", parent_id="H")])
    >>> group_headroom(ledger, "S", limits={}, as_of=date(2026, 1, 1)).reason
    'no group limit on record above S'
    """
    _check_ledger(ledger)
    check_date(as_of, "as_of")
    limits = _check_limits(limits)
    member = ledger.customer(customer_id)
    group = _Group(
        ledger, customer_id, as_of=as_of, exposures=_check_exposures(exposures), rates=rates
    )
    best: tuple[Money, str, str] | None = None
    branch = member
    while branch.parent_id is not None:
        ancestor = ledger.customer(branch.parent_id)
        found = _headroom_under(group, member, branch, ancestor, limits)
        if found is not None and (best is None or found[0] < _in(group, best[0], found[0])):
            best = found
        branch = ancestor
    if best is None:
        return GroupHeadroom(
            member_id=customer_id,
            parent_id=None,
            headroom=None,
            reason=f"no group limit on record above {customer_id}",
        )
    headroom, parent_id, reason = best
    return GroupHeadroom(
        member_id=customer_id, parent_id=parent_id, headroom=headroom, reason=reason
    )


def _in(group: _Group, money: Money, like: Money) -> Money:
    return in_currency(money, like.currency, on=group.as_of, rates=group.rates, field="headroom")


def _headroom_under(
    group: _Group,
    member: Customer,
    branch: Customer,
    ancestor: Customer,
    limits: Mapping[str, LimitLike],
) -> tuple[Money, str, str] | None:
    if ancestor.id not in limits:
        return None
    group_limit = _amount_of(limits[ancestor.id], f"limits[{ancestor.id!r}]")
    if group_limit is None:
        return None
    currency = group_limit.currency
    others = Money.zero(currency)
    unlimited: list[str] = []
    for child in group.children.get(ancestor.id, []):
        if child.id == branch.id or child.id not in limits:
            continue
        amount = group.limit_in(limits[child.id], currency, f"limits[{child.id!r}]")
        if amount is None:
            unlimited.append(child.id)
        else:
            others += amount
    exposure = Money.zero(currency)
    for customer_id in group.descendants(ancestor.id):
        exposure += group.exposure(customer_id, currency)
    own = group.exposure(member.id, currency)
    zero = Money.zero(currency)
    if unlimited:
        limit_room = zero
        limit_text = (
            f"{', '.join(unlimited)} {'has' if len(unlimited) == 1 else 'have'} no limit, "
            "leaving nothing"
        )
    else:
        limit_room = group_limit - others
        limit_text = f"other members' limits {fmt(others)} leave {fmt(max(limit_room, zero))}"
    exposure_room = own + group_limit - exposure
    headroom = max(min(limit_room, exposure_room), zero)
    reason = (
        f"group {ancestor.id} limit {fmt(group_limit)}: {limit_text}; group exposure "
        f"{fmt(exposure)} (of which {member.id} {fmt(own)}) leaves "
        f"{fmt(max(exposure_room, zero))} for {member.id}; headroom {fmt(headroom)}"
    )
    return headroom, ancestor.id, reason
