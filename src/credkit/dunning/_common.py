"""Validators and converters used only by the dunning modules (private).

Checks shared with other packages live in :mod:`credkit._checks`.

attrs converters do not know which field they convert, so the converters here are
lenient (they turn what they can into the target type and leave anything else
as it is) and the validators that follow name the field in the error.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, TypeVar

import attrs

from credkit._checks import check_money, describe, distinct_texts, tuple_of
from credkit.errors import ValidationError
from credkit.money import Money, to_decimal

__all__: list[str] = []

_T = TypeVar("_T")


def positive_money(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Money above zero."""
    money = check_money(value, attribute.name)
    if not money.is_positive:
        raise ValidationError(f"{attribute.name}: must be above zero, got {money}")


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


def check_percent(value: object, field: str) -> Decimal:
    """A finite Decimal (floats are refused with the exact-number message)."""
    if not isinstance(value, Decimal):
        return to_decimal(value, field=field)
    if not value.is_finite():
        raise ValidationError(f"{field}: expected a finite number, got {value}")
    return value


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


def frozen_mapping(value: Mapping[str, _T] | None, field: str) -> dict[str, _T]:
    """A copy of an optional mapping of string keys, checked to be a mapping."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ValidationError(f"{field}: expected a mapping, got {describe(value)}")
    return dict(value)


def sequence(value: Iterable[_T], cls: type[Any], field: str) -> tuple[_T, ...]:
    """A tuple of ``cls`` from any iterable (strings and mappings are refused)."""
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        raise ValidationError(
            f"{field}: expected a sequence of {cls.__name__}, got {describe(value)}"
        )
    items = tuple(value)
    for index, item in enumerate(items):
        if not isinstance(item, cls):
            raise ValidationError(
                f"{field}[{index}]: expected {cls.__name__}, got {describe(item)}"
            )
    return items
