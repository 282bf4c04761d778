"""The credit profile: everything a rule may read about one customer on one date.

A :class:`CreditProfile` is an immutable snapshot of plain values: the limit and
its dates, the :class:`~credkit.policy.exposure.Exposure`, the overdue figures,
the dunning level, the payment index and trend, the score and risk class, bureau
data, flags, and the credit group's limit and exposure. Rules read it and nothing
else, so a decision can be replayed from the profile alone.

:func:`~credkit.policy.builder.build_profile` assembles one from a
:class:`~credkit.ledger.Ledger` and the host's other records; hosts can also fill
one directly. Every amount is in the profile's currency (the exposure's, which is
the limit's): a limit or an overdue amount in another currency is refused with
:class:`~credkit.errors.CurrencyMismatchError`.

Figures that may be unknown are ``None``, and ``None`` always means *unknown*,
never zero: a rule that needs a missing figure does what its ``when_missing``
parameter says. The exceptions are documented on the fields: ``limit=None``
means *no limit*, ``group_limit=None`` *no group limit*.

>>> from datetime import date
>>> from credkit.policy.exposure import Exposure, ExposureComponent
>>> profile = CreditProfile(
...     "C-100",
...     as_of=date(2026, 11, 23),
...     limit=Money.of("120000.00", "EUR"),
...     exposure=Exposure(
...         (ExposureComponent("open_receivables", Money.of("118400.00", "EUR")),),
...         currency="EUR",
...     ),
...     score=612,
... )
>>> profile.currency, profile.available_credit
('EUR', Money('1600.00', 'EUR'))
>>> profile.payment_index is None
True
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, TypeAlias

import attrs

from credkit._validate import (
    boolean,
    describe,
    frozen_mapping,
    is_date,
    optional_date,
    optional_fraction,
    optional_money,
    optional_non_negative_money,
    optional_number,
    optional_text,
    optional_whole,
    text,
    to_optional_number,
    to_tags,
    whole,
)
from credkit.errors import CurrencyMismatchError, ValidationError
from credkit.money import Money, to_decimal
from credkit.policy.exposure import Exposure
from credkit.policy.fingerprints import _OMIT_AT_DEFAULT
from credkit.scoring.risk import RiskClass

__all__ = ["BureauValue", "CreditProfile"]

BureauValue: TypeAlias = str | int | Decimal | bool | None
"""What a bureau field may hold: text, an exact number, a flag or nothing."""


def _exposure(_instance: object, _attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Exposure):
        raise ValidationError(f"exposure: expected an Exposure, got {describe(value)}")


def _payment_index(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    optional_number(instance, attribute, value)
    if value is not None and not 0 <= value <= 100:  # type: ignore[operator]
        raise ValidationError(f"payment_index: must be from 0 to 100, got {value}")


def _bureau(_instance: object, _attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Mapping):
        raise ValidationError(
            f"bureau: expected a mapping of field names to values, got {describe(value)}"
        )
    for key, item in value.items():
        if not isinstance(key, str) or not key:
            raise ValidationError(f"bureau: keys must be non-empty strings, got {describe(key)}")
        if isinstance(item, float):
            to_decimal(item, field=f"bureau[{key!r}]")
        if item is not None and not isinstance(item, str | int | Decimal | bool):
            raise ValidationError(
                f"bureau[{key!r}]: expected text, an int, a Decimal, a bool or None, "
                f"got {describe(item)}"
            )
        if isinstance(item, Decimal) and not item.is_finite():
            raise ValidationError(f"bureau[{key!r}]: {item} is not a finite number")


def _risk_class(value: object) -> Any:
    # A RiskClass from credkit.scoring is kept by its name.
    return value.name if isinstance(value, RiskClass) else value


def _trend(value: object) -> Any:
    # An enum such as credkit.kpi.TrendDirection is kept by its value.
    inner = getattr(value, "value", None)
    return inner if isinstance(inner, str) and not isinstance(value, str) else value


@attrs.frozen
class CreditProfile:
    """What a credit rule may read about one customer, as of one date.

    Fields, all keyword-only after ``customer_id``:

    - ``as_of``: the date the profile describes; rules judge dates against it.
    - ``exposure``: the :class:`~credkit.policy.exposure.Exposure`; its currency is
      the profile's ``currency``, and every other amount must be in it.
    - ``limit``: the credit limit, ``None`` for *no limit*; ``limit_valid_from``
      and ``limit_valid_to`` (both inclusive, ``None`` = open) and ``next_review``.
    - ``segment``: the customer segment, for choosing a policy.
    - ``overdue_amount``, ``oldest_overdue_days``, ``overdue_share``: what is past
      due, the days past due of the oldest overdue item (0 when nothing is), and
      the overdue share of the open invoices (0 to 1). ``None`` = unknown. The share
      is above zero exactly when the amount is, and an amount above zero needs days
      above zero; days with a zero amount are allowed (an overdue item in another
      currency can convert to less than one unit of the profile's currency).
    - ``unpaid_invoice_count``, ``overdue_invoice_count``: how many invoices are
      open (unpaid or part-paid) and how many of those are past due; ``None`` =
      unknown. The overdue count is at most the unpaid count.
    - ``dunning_level``: the highest dunning level reached (0 = none).
    - ``payment_index`` (0 to 100) and ``trend`` (for example ``"deteriorating"``).
    - ``score`` and ``risk_class`` (the class's name).
    - ``bureau``: further bureau data by field name (read-only mapping).
    - ``blocked``, ``watch_list``: flags.
    - ``tags``: the customer's tags (``"key_account"``, ``"public"``...), which
      rule conditions read; kept sorted and without repeats.
    - ``group_id``, ``group_limit`` (``None`` = no group limit), ``group_exposure``
      (the group's exposure; required with a group limit).

    ``currency``, ``limit_amount`` and ``exposure_amount`` are derived when the
    profile is built: the last two are the ``Decimal`` amounts the rules compare.

    >>> from datetime import date
    >>> from credkit.policy.exposure import Exposure
    >>> CreditProfile(
    ...     "C-1",
    ...     as_of=date(2026, 11, 23),
    ...     exposure=Exposure((), currency="EUR"),
    ...     limit=Money.of(1000, "USD"),
    ... )
    Traceback (most recent call last):
    ...
    credkit.errors.CurrencyMismatchError: limit: 1000 USD is not in the exposure's currency EUR; convert it first with credkit.fx.convert
    >>> CreditProfile(
    ...     "C-1", as_of=date(2026, 11, 23), exposure=Exposure((), currency="EUR"), dunning_level=-1
    ... )
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: dunning_level: must be 0 or more, got -1
    """

    customer_id: str = attrs.field(validator=text)
    as_of: datetime.date = attrs.field(kw_only=True, validator=is_date)
    exposure: Exposure = attrs.field(kw_only=True, validator=_exposure)
    segment: str | None = attrs.field(default=None, kw_only=True, validator=optional_text)
    limit: Money | None = attrs.field(
        default=None, kw_only=True, validator=optional_non_negative_money
    )
    limit_valid_from: datetime.date | None = attrs.field(
        default=None, kw_only=True, validator=optional_date
    )
    limit_valid_to: datetime.date | None = attrs.field(
        default=None, kw_only=True, validator=optional_date
    )
    next_review: datetime.date | None = attrs.field(
        default=None, kw_only=True, validator=optional_date
    )
    overdue_amount: Money | None = attrs.field(
        default=None, kw_only=True, validator=optional_non_negative_money
    )
    oldest_overdue_days: int | None = attrs.field(
        default=None, kw_only=True, validator=optional_whole(0)
    )
    overdue_share: Decimal | None = attrs.field(
        default=None, kw_only=True, converter=to_optional_number, validator=optional_fraction
    )
    # fields added after the fingerprint schema: left out of fingerprints at their defaults
    unpaid_invoice_count: int | None = attrs.field(
        default=None,
        kw_only=True,
        validator=optional_whole(0),
        metadata={_OMIT_AT_DEFAULT: True},
    )
    overdue_invoice_count: int | None = attrs.field(
        default=None,
        kw_only=True,
        validator=optional_whole(0),
        metadata={_OMIT_AT_DEFAULT: True},
    )
    dunning_level: int = attrs.field(default=0, kw_only=True, validator=whole(0))
    payment_index: Decimal | None = attrs.field(
        default=None, kw_only=True, converter=to_optional_number, validator=_payment_index
    )
    trend: str | None = attrs.field(
        default=None, kw_only=True, converter=_trend, validator=optional_text
    )
    score: Decimal | None = attrs.field(
        default=None, kw_only=True, converter=to_optional_number, validator=optional_number
    )
    risk_class: str | None = attrs.field(
        default=None, kw_only=True, converter=_risk_class, validator=optional_text
    )
    bureau: Mapping[str, BureauValue] = attrs.field(
        factory=dict, kw_only=True, converter=frozen_mapping, validator=_bureau, hash=False
    )
    blocked: bool = attrs.field(default=False, kw_only=True, validator=boolean)
    watch_list: bool = attrs.field(default=False, kw_only=True, validator=boolean)
    tags: tuple[str, ...] = attrs.field(
        default=(), kw_only=True, converter=to_tags, metadata={_OMIT_AT_DEFAULT: True}
    )
    group_id: str | None = attrs.field(default=None, kw_only=True, validator=optional_text)
    group_limit: Money | None = attrs.field(
        default=None, kw_only=True, validator=optional_non_negative_money
    )
    group_exposure: Money | None = attrs.field(default=None, kw_only=True, validator=optional_money)
    currency: str = attrs.field(init=False, repr=False, eq=False)
    limit_amount: Decimal | None = attrs.field(init=False, repr=False, eq=False)
    exposure_amount: Decimal = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        currency = self.exposure.currency
        for field in ("limit", "overdue_amount", "group_limit", "group_exposure"):
            value = getattr(self, field)
            if value is not None and value.currency != currency:
                raise CurrencyMismatchError(
                    f"{field}: {value} is not in the exposure's currency {currency}; "
                    "convert it first with credkit.fx.convert"
                )
        if (
            self.limit_valid_from is not None
            and self.limit_valid_to is not None
            and self.limit_valid_to < self.limit_valid_from
        ):
            raise ValidationError(
                f"limit_valid_to: {self.limit_valid_to.isoformat()} is before "
                f"limit_valid_from {self.limit_valid_from.isoformat()}"
            )
        self._check_overdue()
        if self.group_limit is not None and self.group_exposure is None:
            raise ValidationError(
                "group_exposure: required with a group_limit (the group limit rule compares "
                "the two); give the group's exposure or leave out the group limit"
            )
        object.__setattr__(self, "currency", currency)
        object.__setattr__(self, "limit_amount", None if self.limit is None else self.limit.amount)
        object.__setattr__(self, "exposure_amount", self.exposure.total_amount)

    def _check_overdue(self) -> None:
        # The overdue figures must tell the same story: the share is above zero exactly
        # when the amount is, and money overdue is at least a day overdue. Days overdue
        # with a zero amount can happen: an item in another currency may convert to
        # less than the smallest unit of the profile's currency.
        amount = self.overdue_amount
        share = self.overdue_share
        owed = None if amount is None else amount.amount > 0
        shared = None if share is None else share > 0
        if owed is not None and shared is not None and owed != shared:
            raise ValidationError(
                f"overdue_share: {share} contradicts overdue_amount {amount}; the share is "
                "above zero exactly when the amount is"
            )
        unpaid, late = self.unpaid_invoice_count, self.overdue_invoice_count
        if unpaid is not None and late is not None and late > unpaid:
            raise ValidationError(
                f"overdue_invoice_count: {late} is more than unpaid_invoice_count {unpaid}; "
                "an overdue invoice is also unpaid"
            )
        if late and self.oldest_overdue_days == 0:
            raise ValidationError(
                f"oldest_overdue_days: 0 contradicts overdue_invoice_count {late}; what is "
                "overdue is at least 1 day overdue"
            )
        if self.oldest_overdue_days == 0 and (owed or shared):
            name, value = ("overdue_amount", amount) if owed else ("overdue_share", share)
            raise ValidationError(
                f"oldest_overdue_days: 0 contradicts {name} {value}; what is overdue is "
                "at least 1 day overdue"
            )

    @property
    def available_credit(self) -> Money | None:
        """The limit less the exposure total (``None`` when there is no limit).

        Negative when the customer is over its limit.

        >>> from datetime import date
        >>> from credkit.policy.exposure import Exposure
        >>> CreditProfile("C-1", as_of=date(2026, 11, 23), exposure=Exposure((), currency="EUR")).available_credit is None
        True
        """
        if self.limit_amount is None:
            return None
        return Money(self.limit_amount - self.exposure_amount, self.currency)
