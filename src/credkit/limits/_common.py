"""What only the limits modules share (private): user ids, money helpers, formatting.

Field checks every package uses live in :mod:`credkit._validate`; this module keeps
the checks that belong to limits (user ids for the four-eyes rule) and the money
helpers of the limit calculators.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, Context, Decimal
from typing import Any

import attrs

from credkit._figures import grouped_exact, plain_amount
from credkit._validate import describe, distinct_texts
from credkit.errors import ValidationError
from credkit.fx import RATE_PRECISION, RateSource
from credkit.money import Money, minor_units

__all__: list[str] = []


# -- user ids ----------------------------------------------------------------------------


names = distinct_texts()
"""Validator: a tuple of distinct non-empty strings."""


def check_user_id(value: object, field: str) -> str:
    """Return ``value`` if it is a usable user id, else raise naming ``field``.

    A user id is a non-empty string without leading or trailing whitespace: ids are
    compared exactly, so ``"ana "`` would otherwise pass the four-eyes rule as a
    different person from ``"ana"``.

    >>> check_user_id("ana", "user_id")
    'ana'
    >>> check_user_id("ana ", "user_id")
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: user_id: 'ana ' has leading or trailing whitespace; user ids are compared exactly, so pass them normalised (e.g. 'ana')
    """
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"{field}: expected a non-empty user id, got {describe(value)}")
    if value != value.strip():
        raise ValidationError(
            f"{field}: {value!r} has leading or trailing whitespace; user ids are compared "
            f"exactly, so pass them normalised (e.g. {value.strip()!r})"
        )
    return value


def is_user_id(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validator: a user id (see :func:`check_user_id`)."""
    check_user_id(value, attribute.name)


# -- money helpers -----------------------------------------------------------------------


def floor_minor(money: Money) -> Money:
    """``money`` rounded down (towards zero) to its currency's minor units."""
    return money.round(ROUND_DOWN)


def in_currency(
    money: Money,
    currency: str,
    *,
    on: datetime.date,
    rates: RateSource | None,
    field: str,
) -> Money:
    """``money`` in ``currency``: unchanged when it already is, else converted exactly.

    The amount is multiplied by ``rates.rate(money.currency, currency, on)`` and not
    rounded to minor units (unlike :func:`credkit.fx.convert`, which rounds half away
    from zero): limit figures are rounded *down* to minor units by the caller
    (:func:`floor_minor`), and rounding half up first could carry a figure a cent
    above what the rate gives. Only digits beyond the precision of a derived rate
    (:data:`credkit.fx.RATE_PRECISION` significant digits) are dropped. Without
    ``rates`` a different currency raises a :class:`ValidationError` naming ``field``
    and both currencies.
    """
    if money.currency == currency:
        return money
    if rates is None:
        raise ValidationError(
            f"{field}: {fmt(money)} is in {money.currency} but the limit is in {currency}; "
            f"pass rates (a credkit.fx.RateSource) to convert {money.currency} to {currency}"
        )
    if not isinstance(rates, RateSource):
        raise ValidationError(
            f"rates: expected a credkit.fx.RateSource such as a RateTable, got {describe(rates)}"
        )
    rate = rates.rate(money.currency, currency, on)
    if not isinstance(rate, Decimal) or not rate.is_finite() or rate <= 0:
        raise ValidationError(
            f"rates: {type(rates).__name__}.rate({money.currency!r}, {currency!r}, {on}) "
            f"returned {describe(rate)}; a RateSource must return a positive Decimal"
        )
    amount = money.amount
    digits = len(amount.as_tuple().digits) + len(rate.as_tuple().digits)
    exact = Context(prec=digits + 1).multiply(amount, rate)
    # A derived (inverse or cross) rate has RATE_PRECISION significant digits, so
    # digits of the product beyond those are noise: 10,800 USD at 1 / 1.08 is
    # 9,999.99999...9997 EUR and would floor to 9,999.99. Keep RATE_PRECISION digits
    # (more for amounts so large that they reach the minor units), which moves no
    # figure across a minor unit unless it is that close to it.
    keep = max(RATE_PRECISION, exact.adjusted() + minor_units(currency) + 2)
    return Money(Context(prec=keep, rounding=ROUND_HALF_EVEN).plus(exact), currency)


def fmt(money: Money | None) -> str:
    """``'250,000.00 EUR'`` (rounded half up for display only); ``'no limit'`` for None."""
    if money is None:
        return "no limit"
    return plain_amount(money.amount, money.currency)


def fmt_step(value: Decimal) -> str:
    """A step or factor with thousands separators and no trailing zeros: ``'5,000'``."""
    return grouped_exact(value)


def pick(
    amounts: Sequence[Money],
    currency: str,
    *,
    on: datetime.date,
    rates: RateSource | None,
    field: str,
) -> Money:
    """The one of ``amounts`` in ``currency``, else the first listed, converted.

    An amount that a policy lists in several currencies (one per currency) is taken
    in the limit currency when listed in it; otherwise the first listed is converted
    with ``rates`` (an error naming both currencies without them).
    """
    for money in amounts:
        if money.currency == currency:
            return money
    return in_currency(amounts[0], currency, on=on, rates=rates, field=field)


def one_per_currency(field: str, amounts: Sequence[Money]) -> None:
    """Raise when two of ``amounts`` share a currency."""
    seen: set[str] = set()
    for index, money in enumerate(amounts):
        if money.currency in seen:
            raise ValidationError(
                f"{field}[{index}]: a second amount in {money.currency}; list at most one "
                "amount per currency"
            )
        seen.add(money.currency)
