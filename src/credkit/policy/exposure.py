"""Credit exposure as typed components, each with an optional sub-limit.

A customer's exposure is what it could owe: open receivables, orders taken but not
delivered, goods delivered but not yet invoiced, and anything else the business
counts (a guarantee, a consignment stock). :class:`Exposure` keeps these as
:class:`ExposureComponent` values of an :class:`ExposureKind`, each with its own
optional ``sub_limit`` and an ``included_in_total`` flag (after the exposure
categories of the OCA ``account_financial_risk`` module for Odoo,
https://github.com/OCA/credit-control), and adds up the included ones into
:attr:`Exposure.total`, in one currency: the limit's.

Amounts in other currencies are never added silently: :class:`Exposure` refuses
them with :class:`~credkit.errors.CurrencyMismatchError`, and
:meth:`Exposure.converted` converts them at the rates of a
:class:`~credkit.fx.RateSource` on a date the caller names.

A component may carry a ``schedule``: the dates on which parts of its amount
become exposure (the planned delivery dates of open orders, say). The dynamic
limit rule counts only what falls within its horizon (:meth:`Exposure.within`).

>>> from datetime import date
>>> exposure = Exposure(
...     (
...         ExposureComponent(ExposureKind.OPEN_RECEIVABLES, Money.of("98400.00", "EUR")),
...         ExposureComponent(
...             ExposureKind.OPEN_ORDERS,
...             Money.of("20000.00", "EUR"),
...             sub_limit=Money.of("25000.00", "EUR"),
...         ),
...         ExposureComponent(
...             ExposureKind.OTHER, Money.of("5000.00", "EUR"), included_in_total=False
...         ),
...     ),
...     currency="EUR",
... )
>>> exposure.total
Money('118400.00', 'EUR')
>>> exposure.amount_of(ExposureKind.OTHER)
Money('5000.00', 'EUR')
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import attrs

from credkit._validate import (
    boolean,
    check_date,
    describe,
    enum_converter,
    is_date,
    is_money,
    one_of,
    optional_non_negative_money,
)
from credkit.errors import CurrencyMismatchError, ValidationError
from credkit.fx import RateSource, convert
from credkit.money import Money

__all__ = ["Exposure", "ExposureComponent", "ExposureKind", "ScheduledAmount"]


class ExposureKind(enum.Enum):
    """What a part of the exposure stands for.

    >>> ExposureKind("open_orders")
    <ExposureKind.OPEN_ORDERS: 'open_orders'>
    """

    OPEN_RECEIVABLES = "open_receivables"
    """Invoiced and not yet paid, net of unapplied cash and credit notes."""
    OPEN_ORDERS = "open_orders"
    """Sales orders confirmed but not yet delivered."""
    DELIVERED_NOT_INVOICED = "delivered_not_invoiced"
    """Goods delivered or services rendered but not yet invoiced."""
    OTHER = "other"
    """Anything else the business counts: guarantees, consignment stock, special items."""
    RECEIVABLES_NOT_DUE = "receivables_not_due"
    """The open receivables not counted as overdue, when they are split in two
    (:func:`~credkit.policy.builder.build_profile` with ``split_receivables=True``):
    invoices not yet due or within the overdue margin, net of unapplied cash and credit
    notes."""
    RECEIVABLES_OVERDUE = "receivables_overdue"
    """The open receivables counted as overdue, when they are split in two: invoices past
    their due date by more than the overdue margin."""


# The kinds that split OPEN_RECEIVABLES in two (after the "open" and "unpaid" invoice
# categories of OCA account_financial_risk). build_profile gives the whole or the parts,
# never both; an exposure built by hand with both would count the invoices twice.
_RECEIVABLE_PARTS = (ExposureKind.RECEIVABLES_NOT_DUE, ExposureKind.RECEIVABLES_OVERDUE)


def _currency_of(field: str, value: Money, currency: str) -> None:
    if value.currency != currency:
        raise CurrencyMismatchError(
            f"{field}: {value} is not in {currency}; convert it first "
            "(Exposure.converted converts with a rate source)"
        )


_to_kind_value = enum_converter(ExposureKind)
_check_kind = one_of(ExposureKind)


def _to_kind(value: object) -> Any:
    return _to_kind_value(value)


@attrs.frozen
class ScheduledAmount:
    """Part of a component's amount and the date on which it becomes exposure.

    >>> from datetime import date
    >>> ScheduledAmount(date(2026, 12, 15), Money.of("8000.00", "EUR")).on
    datetime.date(2026, 12, 15)
    """

    on: datetime.date = attrs.field(validator=is_date)
    amount: Money = attrs.field(validator=is_money)


def _schedule(value: Iterable[ScheduledAmount]) -> Any:
    if isinstance(value, list | tuple):
        return tuple(value)
    return value


def _check_schedule(
    instance: ExposureComponent, attribute: attrs.Attribute[Any], value: object
) -> None:
    if not isinstance(value, tuple):
        raise ValidationError(
            f"schedule: expected a tuple of ScheduledAmount values, got {describe(value)}"
        )
    if not value:
        return
    total = Decimal(0)
    for index, part in enumerate(value):
        if not isinstance(part, ScheduledAmount):
            raise ValidationError(
                f"schedule[{index}]: expected a ScheduledAmount, got {describe(part)}"
            )
        _currency_of(f"schedule[{index}].amount", part.amount, instance.amount.currency)
        total += part.amount.amount
    if total != instance.amount.amount:
        raise ValidationError(
            f"schedule: the parts add up to {Money(total, instance.amount.currency)}, "
            f"not to the component's amount {instance.amount}; a schedule breaks the whole "
            "amount down by date"
        )


@attrs.frozen
class ExposureComponent:
    """One kind of exposure: an amount, an optional sub-limit, whether it counts in the total.

    ``amount`` may be negative (a customer in credit). ``sub_limit`` caps this kind
    on its own (the sub-limit rule checks it); ``None`` means no sub-limit.
    ``included_in_total=False`` keeps the component visible, and subject to its
    sub-limit, without counting it against the limit. ``schedule`` optionally
    breaks ``amount`` down by the date each part becomes exposure; its parts must
    add up to ``amount`` exactly.

    >>> ExposureComponent("open_orders", Money.of(100, "EUR"), sub_limit=Money.of(50, "USD"))
    Traceback (most recent call last):
    ...
    credkit.errors.CurrencyMismatchError: sub_limit: 50 USD is not in EUR; convert it first (Exposure.converted converts with a rate source)
    """

    kind: ExposureKind = attrs.field(converter=_to_kind, validator=_check_kind)
    amount: Money = attrs.field(validator=is_money)
    sub_limit: Money | None = attrs.field(
        default=None, kw_only=True, validator=optional_non_negative_money
    )
    included_in_total: bool = attrs.field(default=True, kw_only=True, validator=boolean)
    schedule: tuple[ScheduledAmount, ...] = attrs.field(
        default=(), kw_only=True, converter=_schedule, validator=_check_schedule
    )

    def __attrs_post_init__(self) -> None:
        if self.sub_limit is not None:
            _currency_of("sub_limit", self.sub_limit, self.amount.currency)

    def within(self, cutoff: datetime.date) -> Decimal:
        """The part of ``amount`` that is exposure by ``cutoff`` (all of it when unscheduled).

        >>> from datetime import date
        >>> component = ExposureComponent(
        ...     "open_orders",
        ...     Money.of(300, "EUR"),
        ...     schedule=(
        ...         ScheduledAmount(date(2026, 12, 1), Money.of(100, "EUR")),
        ...         ScheduledAmount(date(2027, 2, 1), Money.of(200, "EUR")),
        ...     ),
        ... )
        >>> component.within(date(2026, 12, 31))
        Decimal('100')
        """
        if not self.schedule:
            return self.amount.amount
        return sum((p.amount.amount for p in self.schedule if p.on <= cutoff), Decimal(0))


def _components(value: Iterable[ExposureComponent]) -> Any:
    if isinstance(value, list | tuple):
        return tuple(value)
    return value


def _check_components(instance: Exposure, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, tuple):
        raise ValidationError(
            f"components: expected a tuple of ExposureComponent values, got {describe(value)}"
        )
    seen: dict[ExposureKind, int] = {}
    for index, component in enumerate(value):
        if not isinstance(component, ExposureComponent):
            raise ValidationError(
                f"components[{index}]: expected an ExposureComponent, got {describe(component)}"
            )
        if component.kind in seen:
            raise ValidationError(
                f"components[{index}].kind: {component.kind.value!r} is already "
                f"components[{seen[component.kind]}]; give one component per kind "
                "(use a schedule to split an amount by date)"
            )
        seen[component.kind] = index
        _currency_of(f"components[{index}].amount", component.amount, instance.currency)
    parts = [kind for kind in _RECEIVABLE_PARTS if kind in seen]
    if ExposureKind.OPEN_RECEIVABLES in seen and parts:
        whole = seen[ExposureKind.OPEN_RECEIVABLES]
        raise ValidationError(
            f"components[{seen[parts[0]]}].kind: {parts[0].value!r} is a part of "
            f"'open_receivables' (components[{whole}]); give the open receivables whole or "
            "split into 'receivables_not_due' and 'receivables_overdue', not both "
            "(both would count the invoices twice)"
        )


def _check_currency(_instance: object, _attribute: attrs.Attribute[Any], value: object) -> None:
    Money.zero(value)  # type: ignore[arg-type]  # raises a ValidationError naming the code


@attrs.frozen
class Exposure:
    """A customer's exposure: typed components in one currency and their included total.

    ``total`` (Money) and ``total_amount`` (its ``Decimal``) add up the components
    with ``included_in_total``; they are computed once, when the exposure is built.

    >>> Exposure((ExposureComponent("open_orders", Money.of(10, "USD")),), currency="EUR")
    Traceback (most recent call last):
    ...
    credkit.errors.CurrencyMismatchError: components[0].amount: 10 USD is not in EUR; convert it first (Exposure.converted converts with a rate source)
    >>> Exposure((), currency="EUR").total
    Money('0', 'EUR')
    """

    # ``currency`` comes first so that it is validated before the components that use it.
    currency: str = attrs.field(kw_only=True, validator=_check_currency)
    components: tuple[ExposureComponent, ...] = attrs.field(
        converter=_components, validator=_check_components
    )
    total_amount: Decimal = attrs.field(init=False, repr=False, eq=False)
    total: Money = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        amount = sum((c.amount.amount for c in self.components if c.included_in_total), Decimal(0))
        object.__setattr__(self, "total_amount", amount)
        object.__setattr__(self, "total", Money(amount, self.currency))

    @classmethod
    def converted(
        cls,
        components: Iterable[ExposureComponent],
        *,
        currency: str,
        on: datetime.date,
        rates: RateSource | None,
    ) -> Exposure:
        """An exposure in ``currency``, converting components in other currencies.

        Each amount (and sub-limit) is converted with :func:`credkit.fx.convert` at the
        rate in force ``on``, rounded once to ``currency``'s minor units. A scheduled
        component converts part by part, and its converted amount is the sum of its
        converted parts, so the schedule still adds up. Components already in
        ``currency`` are kept as they are. Without ``rates``, a foreign component
        raises :class:`~credkit.errors.CurrencyMismatchError`.

        >>> from datetime import date
        >>> from credkit.fx import RateTable
        >>> rates = RateTable.from_mapping({"2026-11-02": {"USD": "1.1600"}}, base="EUR")
        >>> exposure = Exposure.converted(
        ...     [
        ...         ExposureComponent("open_receivables", Money.of("1000.00", "EUR")),
        ...         ExposureComponent("open_orders", Money.of("580.00", "USD")),
        ...     ],
        ...     currency="EUR",
        ...     on=date(2026, 11, 23),
        ...     rates=rates,
        ... )
        >>> exposure.amount_of("open_orders"), exposure.total
        (Money('500.00', 'EUR'), Money('1500.00', 'EUR'))
        """
        Money.zero(currency)
        check_date(on, "on")
        result = []
        for index, component in enumerate(components):
            if not isinstance(component, ExposureComponent):
                raise ValidationError(
                    f"components[{index}]: expected an ExposureComponent, got {describe(component)}"
                )
            if component.amount.currency == currency:
                result.append(component)
                continue
            if rates is None:
                raise CurrencyMismatchError(
                    f"components[{index}].amount: {component.amount} is not in {currency}; "
                    "pass rates (a RateSource) and the date to convert on"
                )

            def to(value: Money) -> Money:
                return convert(value, currency, on=on, rates=rates)

            schedule = tuple(ScheduledAmount(p.on, to(p.amount)) for p in component.schedule)
            amount = (
                Money(sum((p.amount.amount for p in schedule), Decimal(0)), currency)
                if schedule
                else to(component.amount)
            )
            result.append(
                ExposureComponent(
                    component.kind,
                    amount,
                    sub_limit=None if component.sub_limit is None else to(component.sub_limit),
                    included_in_total=component.included_in_total,
                    schedule=schedule,
                )
            )
        return cls(tuple(result), currency=currency)

    def component(self, kind: ExposureKind | str) -> ExposureComponent | None:
        """The component of ``kind``, or ``None`` when there is none.

        >>> Exposure((), currency="EUR").component("open_orders") is None
        True
        """
        wanted = _kind(kind)
        for component in self.components:
            if component.kind is wanted:
                return component
        return None

    def amount_of(self, kind: ExposureKind | str) -> Money:
        """The amount of ``kind`` (zero when there is no such component), included or not.

        >>> Exposure((), currency="EUR").amount_of(ExposureKind.OPEN_ORDERS)
        Money('0', 'EUR')
        """
        component = self.component(kind)
        return Money.zero(self.currency) if component is None else component.amount

    @property
    def receivables(self) -> Money:
        """The open receivables, whole or split into their not-yet-due and overdue parts.

        >>> Exposure(
        ...     (
        ...         ExposureComponent("receivables_not_due", Money.of(700, "EUR")),
        ...         ExposureComponent("receivables_overdue", Money.of(300, "EUR")),
        ...     ),
        ...     currency="EUR",
        ... ).receivables
        Money('1000', 'EUR')
        """
        kinds = (ExposureKind.OPEN_RECEIVABLES, *_RECEIVABLE_PARTS)
        amount = sum((c.amount.amount for c in self.components if c.kind in kinds), Decimal(0))
        return Money(amount, self.currency)

    def within(self, cutoff: datetime.date) -> Money:
        """The included exposure that has arisen by ``cutoff``.

        Unscheduled components count in full; scheduled ones count the parts dated
        on or before ``cutoff``. The dynamic limit rule uses this with
        ``as_of + horizon_days``.

        >>> from datetime import date
        >>> exposure = Exposure(
        ...     (
        ...         ExposureComponent("open_receivables", Money.of(1000, "EUR")),
        ...         ExposureComponent(
        ...             "open_orders",
        ...             Money.of(500, "EUR"),
        ...             schedule=(ScheduledAmount(date(2027, 3, 1), Money.of(500, "EUR")),),
        ...         ),
        ...     ),
        ...     currency="EUR",
        ... )
        >>> exposure.within(date(2026, 12, 31)), exposure.within(date(2027, 3, 1))
        (Money('1000', 'EUR'), Money('1500', 'EUR'))
        """
        check_date(cutoff, "cutoff")
        amount = sum((c.within(cutoff) for c in self.components if c.included_in_total), Decimal(0))
        return Money(amount, self.currency)


def _kind(kind: object) -> ExposureKind:
    if isinstance(kind, ExposureKind):
        return kind
    for member in ExposureKind:
        if member.value == kind:
            return member
    accepted = ", ".join(repr(m.value) for m in ExposureKind)
    raise ValidationError(f"kind: expected one of {accepted}, got {describe(kind)}")
