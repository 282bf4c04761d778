"""The credit limit record: how much credit a customer has, until when, approved by whom.

A :class:`CreditLimit` states an amount in the limit currency, or ``None`` for *no
limit* (unlimited credit). Zero is a real limit: it means *no credit*. credkit
never uses 0 to mean "no limit" (a well-known ambiguity in ERP systems), and
:meth:`CreditLimit.describe` says which of the three a limit is.

The next review date comes from the customer's risk class: ``review_months``
after the limit takes effect (:func:`next_review_date`), by calendar month with
:class:`dateutil.relativedelta.relativedelta`, so that a limit from 31 August
reviewed every six months is due on 28 (or 29) February.

>>> from datetime import date
>>> from credkit import Money
>>> limit = CreditLimit(
...     "C1", Money.of(50000, "EUR"), currency="EUR", valid_from=date(2026, 1, 31),
...     next_review=date(2026, 7, 31), approved_by=("bo", "cy"), approved_on=date(2026, 1, 30),
... )
>>> limit.describe()
'50,000.00 EUR (internal), valid from 2026-01-31, next review 2026-07-31, approved by bo, cy on 2026-01-30'
>>> limit.headroom(Money.of(42000, "EUR"))
Money('8000', 'EUR')
"""

from __future__ import annotations

import enum
from datetime import date
from typing import Any

import attrs
from dateutil.relativedelta import relativedelta

from credkit._compat import renamed_argument
from credkit._validate import (
    check_date,
    check_money,
    currency_code,
    describe,
    is_date,
    optional_date,
    text,
    to_tuple,
    tuple_of,
)
from credkit.errors import ValidationError
from credkit.limits._common import fmt
from credkit.money import Money
from credkit.scoring.risk import RiskClass

__all__ = ["CreditLimit", "LimitKind", "next_review_date"]


class LimitKind(enum.Enum):
    """Whether a limit is the business's own decision or backed by a credit insurer.

    >>> LimitKind("insured")
    <LimitKind.INSURED: 'insured'>
    """

    INTERNAL = "internal"
    INSURED = "insured"


def next_review_date(start: date, *, risk_class: RiskClass | int) -> date:
    """The date ``risk_class.review_months`` calendar months after ``start``.

    ``risk_class`` is a :class:`~credkit.scoring.RiskClass` or a number of months.
    Month arithmetic is :class:`~dateutil.relativedelta.relativedelta`'s: a day that
    does not exist in the target month is clipped to that month's last day.

    >>> from credkit.scoring import RiskClass
    >>> next_review_date(date(2025, 8, 31), risk_class=RiskClass("C", pd="0.08", review_months=6))
    datetime.date(2026, 2, 28)
    >>> next_review_date(date(2027, 8, 31), risk_class=6)
    datetime.date(2028, 2, 29)
    """
    check_date(start, "start")
    if isinstance(risk_class, RiskClass):
        months = risk_class.review_months
    elif isinstance(risk_class, int) and not isinstance(risk_class, bool) and risk_class >= 1:
        months = risk_class
    else:
        raise ValidationError(
            f"risk_class: expected a RiskClass or a whole number of months >= 1, "
            f"got {describe(risk_class)}"
        )
    result: date = start + relativedelta(months=months)
    return result


def _amount(instance: CreditLimit, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    money = check_money(value, "amount")
    if money.is_negative:
        raise ValidationError(
            f"amount: must be zero or more, got {money} (zero means no credit; None means no limit)"
        )


def _approved_by(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    tuple_of(str, "a user id")(instance, attribute, value)
    assert isinstance(value, tuple)
    if len(set(value)) != len(value):
        raise ValidationError(f"approved_by: lists a user twice: {list(value)}")


@attrs.frozen
class CreditLimit:
    """A customer's credit limit: amount (or ``None`` for no limit), validity, review, approval.

    ``amount`` is Money in ``currency``, zero or more; **zero means no credit** and
    **None means no limit**. ``valid_to`` is the last day the limit is in force
    (``None``: open-ended). ``next_review`` is when the limit should be looked at
    again (see :func:`next_review_date`). ``kind`` says whether it is backed by a
    credit insurer. ``approved_by`` lists the approvers' user ids in the order they
    approved, ``approved_on`` the day of the final approval.

    >>> from datetime import date
    >>> from credkit import Money
    >>> CreditLimit("C1", Money.zero("EUR"), currency="EUR", valid_from=date(2026, 1, 1)).describe()
    'zero limit: no credit (internal), valid from 2026-01-01'
    >>> CreditLimit("C1", None, currency="EUR", valid_from=date(2026, 1, 1)).describe()
    'no limit: unlimited credit (internal), valid from 2026-01-01'
    >>> CreditLimit("C1", Money.of(10, "USD"), currency="EUR", valid_from=date(2026, 1, 1))
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: amount: 10 USD is not in the limit currency EUR
    """

    customer_id: str = attrs.field(validator=text)
    amount: Money | None = attrs.field(validator=_amount)
    currency: str = attrs.field(kw_only=True, validator=currency_code)
    valid_from: date = attrs.field(kw_only=True, validator=is_date)
    valid_to: date | None = attrs.field(default=None, kw_only=True, validator=optional_date)
    next_review: date | None = attrs.field(default=None, kw_only=True, validator=optional_date)
    kind: LimitKind = attrs.field(
        default=LimitKind.INTERNAL,
        kw_only=True,
        validator=attrs.validators.instance_of(LimitKind),
    )
    approved_by: tuple[str, ...] = attrs.field(
        default=(), kw_only=True, converter=to_tuple, validator=_approved_by
    )
    approved_on: date | None = attrs.field(default=None, kw_only=True, validator=optional_date)

    def __attrs_post_init__(self) -> None:
        if self.amount is not None and self.amount.currency != self.currency:
            raise ValidationError(
                f"amount: {self.amount} is not in the limit currency {self.currency}"
            )
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValidationError(
                f"valid_to: {self.valid_to.isoformat()} is before valid_from "
                f"{self.valid_from.isoformat()}"
            )
        if self.next_review is not None and self.next_review < self.valid_from:
            raise ValidationError(
                f"next_review: {self.next_review.isoformat()} is before valid_from "
                f"{self.valid_from.isoformat()}"
            )

    @property
    def is_unlimited(self) -> bool:
        """Whether this is *no limit* (``amount is None``).

        >>> from datetime import date
        >>> CreditLimit("C1", None, currency="EUR", valid_from=date(2026, 1, 1)).is_unlimited
        True
        """
        return self.amount is None

    @property
    def allows_credit(self) -> bool:
        """Whether any credit is allowed (no limit, or a limit above zero).

        >>> from datetime import date
        >>> from credkit import Money
        >>> CreditLimit("C1", Money.zero("EUR"), currency="EUR", valid_from=date(2026, 1, 1)).allows_credit
        False
        """
        return self.amount is None or self.amount.is_positive

    @renamed_argument("on", "as_of")
    def in_force(self, as_of: date) -> bool:
        """Whether the limit is in force on ``as_of`` (``valid_from <= as_of <= valid_to``).

        >>> from datetime import date
        >>> limit = CreditLimit("C1", None, currency="EUR", valid_from=date(2026, 1, 1),
        ...                     valid_to=date(2026, 12, 31))
        >>> limit.in_force(date(2026, 12, 31)), limit.in_force(date(2027, 1, 1))
        (True, False)
        """
        check_date(as_of, "as_of")
        return self.valid_from <= as_of and (self.valid_to is None or as_of <= self.valid_to)

    @renamed_argument("on", "as_of")
    def review_due(self, as_of: date) -> bool:
        """Whether the review date has come by ``as_of`` (False without a review date).

        >>> from datetime import date
        >>> limit = CreditLimit("C1", None, currency="EUR", valid_from=date(2026, 1, 1),
        ...                     next_review=date(2026, 7, 1))
        >>> limit.review_due(date(2026, 6, 30)), limit.review_due(date(2026, 7, 1))
        (False, True)
        """
        check_date(as_of, "as_of")
        return self.next_review is not None and as_of >= self.next_review

    def headroom(self, exposure: Money) -> Money | None:
        """What is left of the limit after ``exposure`` (negative when over; None: no limit).

        >>> from datetime import date
        >>> from credkit import Money
        >>> CreditLimit("C1", Money.of(100, "EUR"), currency="EUR",
        ...             valid_from=date(2026, 1, 1)).headroom(Money.of(130, "EUR"))
        Money('-30', 'EUR')
        """
        check_money(exposure, "exposure")
        if exposure.currency != self.currency:
            raise ValidationError(
                f"exposure: {exposure} is not in the limit currency {self.currency}; "
                "convert it first with credkit.fx.convert"
            )
        if self.amount is None:
            return None
        return self.amount - exposure

    def describe(self) -> str:
        """One line for people: amount (or what None and zero mean), kind, dates, approvers.

        >>> from datetime import date
        >>> from credkit import Money
        >>> CreditLimit("C1", Money.of(7500, "GBP"), currency="GBP", kind=LimitKind.INSURED,
        ...             valid_from=date(2026, 1, 1), valid_to=date(2026, 12, 31)).describe()
        '7,500.00 GBP (insured), valid from 2026-01-01 to 2026-12-31'
        """
        if self.amount is None:
            head = "no limit: unlimited credit"
        elif self.amount.is_zero:
            head = "zero limit: no credit"
        else:
            head = fmt(self.amount)
        parts = [f"{head} ({self.kind.value}), valid from {self.valid_from.isoformat()}"]
        if self.valid_to is not None:
            parts[0] += f" to {self.valid_to.isoformat()}"
        if self.next_review is not None:
            parts.append(f"next review {self.next_review.isoformat()}")
        if self.approved_by:
            approved = f"approved by {', '.join(self.approved_by)}"
            if self.approved_on is not None:
                approved += f" on {self.approved_on.isoformat()}"
            parts.append(approved)
        return ", ".join(parts)
