"""What only the dunning modules share (private): ids, per-currency thresholds, dates.

Field checks every package uses live in :mod:`credkit._validate`; this module keeps
the checks that belong to dunning (one threshold per currency) and its date helpers.
"""

from __future__ import annotations

import calendar
import datetime
from typing import Any, TypeVar

import attrs

from credkit._validate import distinct_texts, tuple_of
from credkit.errors import ValidationError
from credkit.money import Money

__all__: list[str] = []

_T = TypeVar("_T")


ids = distinct_texts(what="a string id", blank="a non-empty id")
"""Validator: a tuple of distinct non-empty string ids."""


def amounts(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Amounts of money, at most one per currency, none negative."""
    tuple_of(Money, "Money such as '5.00 EUR'")(instance, attribute, value)
    assert isinstance(value, tuple)
    seen: dict[str, int] = {}
    for index, money in enumerate(value):
        if money.is_negative:
            raise ValidationError(f"{attribute.name}[{index}]: must not be negative, got {money}")
        if money.currency in seen:
            raise ValidationError(
                f"{attribute.name}[{index}]: a second amount in {money.currency} "
                f"(the first is {attribute.name}[{seen[money.currency]}]); give one per currency"
            )
        seen[money.currency] = index


def amount_in(values: tuple[Money, ...], currency: str, field: str) -> Money | None:
    """The amount of ``values`` in ``currency``; None when ``values`` is empty.

    A non-empty tuple without ``currency`` raises: the configuration does not say
    what the threshold is in that currency, and credkit does not guess.
    """
    if not values:
        return None
    for money in values:
        if money.currency == currency:
            return money
    given = ", ".join(m.currency for m in values)
    raise ValidationError(
        f"{field}: no amount in {currency} (given in {given}); add one for every currency "
        "that is dunned, or leave the list empty for no threshold"
    )


def month_end(day: datetime.date) -> datetime.date:
    """The last day of ``day``'s month."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_days(day: datetime.date, days: int, field: str) -> datetime.date:
    """``day + days`` or a ValidationError naming ``field`` when the calendar ends."""
    try:
        return day + datetime.timedelta(days=days)
    except OverflowError:
        raise ValidationError(
            f"{field}: {day.isoformat()} + {days} days is beyond the calendar Python supports"
        ) from None
