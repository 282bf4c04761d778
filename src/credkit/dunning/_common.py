"""Validators and converters shared by the dunning modules (private).

attrs converters do not know which field they convert, so the converters here are
lenient (they turn what they can into the target type and leave anything else
as it is) and the validators that follow name the field in the error.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any, TypeVar

import attrs

from credkit.errors import ValidationError
from credkit.money import Money, to_decimal

__all__: list[str] = []

_T = TypeVar("_T")


def describe(value: object) -> str:
    """``type value`` for error messages."""
    return f"{type(value).__name__} {value!r}"


def text(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A non-empty string."""
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(
            f"{attribute.name}: expected a non-empty string, got {describe(value)}"
        )


def optional_text(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """``None`` or a non-empty string."""
    if value is not None:
        text(instance, attribute, value)


def count(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A whole number >= 0 (days, instalments)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(
            f"{attribute.name}: expected a whole number (int) >= 0, got {describe(value)}"
        )
    if value < 0:
        raise ValidationError(f"{attribute.name}: must be >= 0, got {value}")
    if value > 100_000:
        raise ValidationError(f"{attribute.name}: must be <= 100000 days, got {value}")


def is_date(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A ``datetime.date`` that is not a ``datetime``."""
    check_date(value, attribute.name)


def optional_date(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """``None`` or a ``datetime.date``."""
    if value is not None:
        check_date(value, attribute.name)


def check_date(value: object, field: str) -> datetime.date:
    """Return ``value`` if it is a plain date, else raise naming ``field``."""
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
        raise ValidationError(
            f"{field}: expected a datetime.date such as date(2026, 3, 1), got {describe(value)}"
        )
    return value


def is_money(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A :class:`~credkit.money.Money`."""
    check_money(value, attribute.name)


def check_money(value: object, field: str) -> Money:
    """Return ``value`` if it is Money, else raise naming ``field``."""
    if not isinstance(value, Money):
        raise ValidationError(
            f"{field}: expected Money such as Money.of('100.00', 'EUR'), got {describe(value)}"
        )
    return value


def positive_money(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Money above zero."""
    money = check_money(value, attribute.name)
    if not money.is_positive:
        raise ValidationError(f"{attribute.name}: must be above zero, got {money}")


def to_tuple(value: object) -> object:
    """Lists and tuples become tuples; anything else is left for the validator."""
    if isinstance(value, list | tuple):
        return tuple(value)
    return value


def tuple_of(cls: type[Any], what: str) -> Callable[[object, attrs.Attribute[Any], object], None]:
    """A validator for a tuple whose items are all ``cls``."""

    def validate(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, tuple):
            raise ValidationError(
                f"{attribute.name}: expected a list or tuple of {what}, got {describe(value)}"
            )
        for index, item in enumerate(value):
            if not isinstance(item, cls):
                raise ValidationError(
                    f"{attribute.name}[{index}]: expected {what}, got {describe(item)}"
                )

    return validate


def ids(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A tuple of distinct non-empty string ids."""
    tuple_of(str, "a string id")(instance, attribute, value)
    assert isinstance(value, tuple)
    seen: set[str] = set()
    for index, item in enumerate(value):
        if not item.strip():
            raise ValidationError(
                f"{attribute.name}[{index}]: expected a non-empty id, got {item!r}"
            )
        if item in seen:
            raise ValidationError(f"{attribute.name}[{index}]: {item!r} is listed twice")
        seen.add(item)


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


def to_percent(value: object) -> object:
    """Turn an exact number into a Decimal, leaving bad values for the validator."""
    if value is None or isinstance(value, Decimal):
        return value
    try:
        return to_decimal(value)
    except ValidationError:
        return value


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
