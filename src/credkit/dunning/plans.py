"""Payment plans: an overdue balance rescheduled into instalments, and how it is going.

:meth:`PaymentPlan.schedule` spreads a total over ``count`` instalments whose dates
come from :mod:`dateutil.rrule` (monthly on the first date's day, clipped to the end
of shorter months; or every ``interval`` weeks) and whose amounts come from
:meth:`Money.allocate <credkit.money.Money.allocate>`, so they add up to the total
exactly.

:meth:`PaymentPlan.status` compares what the customer paid since the plan was
agreed with what was due, as of a date:

* ``COMPLETED``: the total is paid;
* ``ON_TRACK``: everything due by the date is paid;
* ``BEHIND``: an instalment is unpaid, but still within ``grace_days`` of its date;
* ``DEFAULTED``: an instalment was still unpaid ``grace_days`` after its date.
  Default is final: paying later does not revive the plan, and a defaulted plan
  lifts its dunning block (:meth:`PaymentPlan.block` returns None).

>>> from datetime import date
>>> plan = PaymentPlan.schedule("PP-1", "C1", Money.of("1000.00", "EUR"), first=date(2026, 1, 31),
...                             count=3, agreed_on=date(2026, 1, 15), grace_days=5)
>>> [(i.due.isoformat(), str(i.amount.amount)) for i in plan.instalments]
[('2026-01-31', '333.34'), ('2026-02-28', '333.33'), ('2026-03-31', '333.33')]
>>> from credkit.ledger import Payment
>>> pays = [Payment("P1", "C1", date(2026, 1, 30), Money.of("333.34", "EUR"))]
>>> [plan.status(pays, as_of=d).value for d in (date(2026, 2, 28), date(2026, 3, 3), date(2026, 3, 6))]
['behind', 'behind', 'defaulted']
"""

from __future__ import annotations

import datetime
import enum
import itertools
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import attrs
from dateutil import rrule

from credkit._validate import (
    check_date,
    count,
    describe,
    is_date,
    positive_money,
    text,
    to_tuple,
    tuple_of,
)
from credkit.dunning._common import add_days, ids
from credkit.dunning.blocks import Block, BlockReason
from credkit.dunning.promises import payments_of
from credkit.errors import ValidationError
from credkit.ledger import Ledger, Payment
from credkit.money import Money

__all__ = ["PaymentPlan", "PlanFrequency", "PlanInstalment", "PlanProgress", "PlanStatus"]


class PlanStatus(enum.Enum):
    """Where a payment plan stands on a date.

    >>> PlanStatus("on_track")
    <PlanStatus.ON_TRACK: 'on_track'>
    """

    ON_TRACK = "on_track"
    BEHIND = "behind"
    DEFAULTED = "defaulted"
    COMPLETED = "completed"


class PlanFrequency(enum.Enum):
    """How often instalments fall due.

    >>> PlanFrequency("weekly")
    <PlanFrequency.WEEKLY: 'weekly'>
    """

    MONTHLY = "monthly"
    WEEKLY = "weekly"


@attrs.frozen
class PlanInstalment:
    """``amount`` due on ``due``.

    >>> from datetime import date
    >>> PlanInstalment(date(2026, 1, 31), Money.of("100.00", "EUR")).amount
    Money('100.00', 'EUR')
    """

    due: datetime.date = attrs.field(validator=is_date)
    amount: Money = attrs.field(validator=positive_money)


def _instalments(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    tuple_of(PlanInstalment, "a PlanInstalment")(instance, attribute, value)
    assert isinstance(value, tuple)
    if not value:
        raise ValidationError("instalments: a plan needs at least one instalment")
    currency = value[0].amount.currency
    for index, (before, after) in enumerate(itertools.pairwise(value), start=1):
        if after.due <= before.due:
            raise ValidationError(
                f"instalments[{index}].due: instalments must be in strictly increasing date "
                f"order, got {after.due.isoformat()} after {before.due.isoformat()}"
            )
    for index, instalment in enumerate(value):
        if instalment.amount.currency != currency:
            raise ValidationError(
                f"instalments[{index}].amount: {instalment.amount} is not in {currency}, "
                "the currency of the first instalment"
            )


@attrs.frozen(kw_only=True)
class PlanProgress:
    """A plan's state on ``as_of``: what was due, what was paid, arrears, status.

    ``next_due`` is the next instalment date after ``as_of`` (None when none is left).

    >>> from datetime import date
    >>> plan = PaymentPlan.schedule("PP", "C1", Money.of("90.00", "EUR"), first=date(2026, 1, 31),
    ...                             count=3, agreed_on=date(2026, 1, 2))
    >>> p = plan.progress([], as_of=date(2026, 2, 28))
    >>> p.status.value, str(p.due), str(p.arrears), p.next_due
    ('defaulted', '60.00 EUR', '60.00 EUR', datetime.date(2026, 3, 31))
    """

    as_of: datetime.date
    status: PlanStatus
    due: Money
    paid: Money
    arrears: Money
    next_due: datetime.date | None
    defaulted_on: datetime.date | None


@attrs.frozen
class PaymentPlan:
    """An agreed schedule of instalments for a customer's overdue balance.

    ``item_ids`` names the items the plan covers (empty: the whole account);
    ``grace_days`` are allowed after each instalment's date before the plan counts
    as defaulted. Payments of the customer in the plan's currency received from
    ``agreed_on`` count towards the plan, in date order.

    >>> from datetime import date
    >>> PaymentPlan("PP", "C1", instalments=(), agreed_on=date(2026, 1, 1))
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: instalments: a plan needs at least one instalment
    """

    id: str = attrs.field(validator=text)
    customer_id: str = attrs.field(validator=text)
    instalments: tuple[PlanInstalment, ...] = attrs.field(
        kw_only=True, converter=to_tuple, validator=_instalments
    )
    agreed_on: datetime.date = attrs.field(kw_only=True, validator=is_date)
    item_ids: tuple[str, ...] = attrs.field(
        default=(), kw_only=True, converter=to_tuple, validator=ids
    )
    grace_days: int = attrs.field(default=0, kw_only=True, validator=count)

    def __attrs_post_init__(self) -> None:
        first = self.instalments[0].due
        if first < self.agreed_on:
            raise ValidationError(
                f"instalments[0].due: {first.isoformat()} is before agreed_on "
                f"{self.agreed_on.isoformat()}"
            )

    @classmethod
    def schedule(
        cls,
        id: str,
        customer_id: str,
        total: Money,
        *,
        first: datetime.date,
        count: int,
        agreed_on: datetime.date,
        frequency: PlanFrequency = PlanFrequency.MONTHLY,
        interval: int = 1,
        item_ids: Iterable[str] = (),
        grace_days: int = 0,
    ) -> PaymentPlan:
        """A plan of ``count`` instalments adding up exactly to ``total``, from ``first``.

        Monthly instalments fall on ``first``'s day of the month, or the month's last
        day when it is shorter (31 January, 28 February, 31 March); the amounts are
        ``total.allocate([1] * count)``: equal to the cent, earlier instalments taking
        the leftover cents.

        >>> from datetime import date
        >>> plan = PaymentPlan.schedule("PP", "C1", Money.of("100", "EUR"), first=date(2026, 1, 5),
        ...                             count=2, agreed_on=date(2026, 1, 1),
        ...                             frequency=PlanFrequency.WEEKLY, interval=2)
        >>> [i.due.isoformat() for i in plan.instalments]
        ['2026-01-05', '2026-01-19']
        """
        check_date(first, "first")
        if not isinstance(total, Money) or not total.is_positive:
            raise ValidationError(f"total: expected Money above zero, got {describe(total)}")
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 1000:
            raise ValidationError(
                f"count: expected a whole number from 1 to 1000, got {describe(count)}"
            )
        if isinstance(interval, bool) or not isinstance(interval, int) or not 1 <= interval <= 120:
            raise ValidationError(
                f"interval: expected a whole number from 1 to 120, got {describe(interval)}"
            )
        if not isinstance(frequency, PlanFrequency):
            raise ValidationError(f"frequency: expected a PlanFrequency, got {describe(frequency)}")
        start = datetime.datetime(first.year, first.month, first.day)
        if frequency is PlanFrequency.MONTHLY:
            # The instalment day, or the last day of a shorter month: of the month's
            # days {first.day, last day}, the earlier one.
            rule = rrule.rrule(
                rrule.MONTHLY,
                dtstart=start,
                interval=interval,
                count=count,
                bymonthday=(first.day, -1),
                bysetpos=1,
            )
        else:
            rule = rrule.rrule(rrule.WEEKLY, dtstart=start, interval=interval, count=count)
        try:
            dates = [moment.date() for moment in rule]
        except (ValueError, OverflowError):
            dates = []
        if len(dates) != count:
            raise ValidationError(
                f"count: {count} instalments from {first.isoformat()} run beyond the calendar"
            )
        amounts = total.allocate([1] * count)
        if any(amount.is_zero for amount in amounts):
            raise ValidationError(
                f"count: {total} cannot be split into {count} instalments of at least one "
                "minor unit each; use fewer instalments"
            )
        return cls(
            id,
            customer_id,
            instalments=tuple(
                PlanInstalment(day, amount) for day, amount in zip(dates, amounts, strict=True)
            ),
            agreed_on=agreed_on,
            item_ids=tuple(item_ids),
            grace_days=grace_days,
        )

    @property
    def total(self) -> Money:
        """The sum of the instalments.

        >>> from datetime import date
        >>> PaymentPlan.schedule("PP", "C1", Money.of("10.00", "EUR"), first=date(2026, 1, 5),
        ...                      count=3, agreed_on=date(2026, 1, 1)).total
        Money('10.00', 'EUR')
        """
        amounts = [i.amount for i in self.instalments]
        return sum(amounts[1:], amounts[0])

    @property
    def currency(self) -> str:
        """The plan's currency.

        >>> from datetime import date
        >>> PaymentPlan.schedule("PP", "C1", Money.of(3, "JPY"), first=date(2026, 1, 5),
        ...                      count=3, agreed_on=date(2026, 1, 1)).currency
        'JPY'
        """
        return self.instalments[0].amount.currency

    def _paid_by(self, payments: tuple[Payment, ...], day: datetime.date) -> Decimal:
        return sum(
            (p.amount.amount for p in payments if self.agreed_on <= p.received_on <= day),
            Decimal(0),
        )

    def progress(
        self, payments: Ledger | Iterable[Payment], *, as_of: datetime.date
    ) -> PlanProgress:
        """The plan's state on ``as_of``.

        >>> from datetime import date
        >>> plan = PaymentPlan.schedule("PP", "C1", Money.of("10.00", "EUR"), first=date(2026, 1, 5),
        ...                             count=2, agreed_on=date(2026, 1, 1))
        >>> progress = plan.progress([], as_of=date(2026, 1, 5))
        >>> progress.status.value, str(progress.arrears)
        ('behind', '5.00 EUR')
        """
        check_date(as_of, "as_of")
        pays = payments_of(payments, self.customer_id, self.currency)
        paid = self._paid_by(pays, as_of)
        due = Decimal(0)
        defaulted_on = None
        cumulative = Decimal(0)
        for instalment in self.instalments:
            cumulative += instalment.amount.amount
            if instalment.due <= as_of:
                due = cumulative
            deadline = add_days(instalment.due, self.grace_days, "grace_days")
            if (
                defaulted_on is None
                and deadline < as_of
                and self._paid_by(pays, deadline) < cumulative
            ):
                defaulted_on = add_days(deadline, 1, "grace_days")
        total = self.total.amount
        if defaulted_on is not None:
            status = PlanStatus.DEFAULTED
        elif paid >= total:
            status = PlanStatus.COMPLETED
        elif paid >= due:
            status = PlanStatus.ON_TRACK
        else:
            status = PlanStatus.BEHIND
        upcoming = [i.due for i in self.instalments if i.due > as_of]
        return PlanProgress(
            as_of=as_of,
            status=status,
            due=Money(due, self.currency),
            paid=Money(paid, self.currency),
            arrears=Money(max(due - paid, Decimal(0)), self.currency),
            next_due=upcoming[0] if upcoming else None,
            defaulted_on=defaulted_on,
        )

    def status(self, payments: Ledger | Iterable[Payment], *, as_of: datetime.date) -> PlanStatus:
        """The plan's status on ``as_of`` (see the module description).

        >>> from datetime import date
        >>> plan = PaymentPlan.schedule("PP", "C1", Money.of("10.00", "EUR"), first=date(2026, 1, 5),
        ...                             count=2, agreed_on=date(2026, 1, 1))
        >>> plan.status([], as_of=date(2026, 1, 4))
        <PlanStatus.ON_TRACK: 'on_track'>
        """
        return self.progress(payments, as_of=as_of).status

    def block(self, payments: Ledger | Iterable[Payment], *, as_of: datetime.date) -> Block | None:
        """The dunning block of a plan that has not defaulted on ``as_of``; None once it has.

        The block runs from ``agreed_on`` to the last instalment's date plus grace.

        >>> from datetime import date
        >>> plan = PaymentPlan.schedule("PP", "C1", Money.of("10.00", "EUR"), first=date(2026, 1, 5),
        ...                             count=2, agreed_on=date(2026, 1, 1))
        >>> plan.block([], as_of=date(2026, 1, 2)).describe()
        'blocked (payment plan) until 2026-02-05: payment plan PP'
        >>> plan.block([], as_of=date(2026, 1, 6)) is None
        True
        """
        if self.status(payments, as_of=as_of) is PlanStatus.DEFAULTED:
            return None
        return Block(
            self.customer_id,
            BlockReason.PAYMENT_PLAN,
            since=self.agreed_on,
            until=add_days(self.instalments[-1].due, self.grace_days, "grace_days"),
            item_ids=self.item_ids,
            note=f"payment plan {self.id}",
        )
