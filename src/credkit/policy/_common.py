"""Validators, converters and formatting shared by the policy modules (private).

attrs validators here raise :class:`~credkit.errors.ValidationError` with messages
that start with the field name, so that :func:`credkit.config.load` reports them
with the path of the field (``rules[2].max_days: ...``).
"""

from __future__ import annotations

import datetime
import enum
import functools
import types
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import attrs

from credkit.errors import ValidationError
from credkit.money import Money, minor_units, to_decimal

__all__: list[str] = []


def describe(value: object) -> str:
    """``type value`` for error messages."""
    return f"{type(value).__name__} {value!r}"


def text(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A non-empty string."""
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(
            f"{attribute.name}: expected a non-empty string, got {describe(value)}"
        )


def optional_text(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """``None`` or a non-empty string."""
    if value is not None:
        text(instance, attribute, value)


def boolean(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """``True`` or ``False`` (not 0 or 1)."""
    if not isinstance(value, bool):
        raise ValidationError(f"{attribute.name}: expected True or False, got {describe(value)}")


def check_date(field: str, value: object) -> datetime.date:
    """A ``datetime.date`` that is not a ``datetime``."""
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
        raise ValidationError(
            f"{field}: expected a datetime.date such as date(2026, 11, 23), got {describe(value)}"
        )
    return value


def date_field(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validator: a date."""
    check_date(attribute.name, value)


def optional_date(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validator: ``None`` or a date."""
    if value is not None:
        check_date(attribute.name, value)


def whole(minimum: int) -> Any:
    """Validator factory: an ``int`` (not a bool) of at least ``minimum``."""

    def check(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError(
                f"{attribute.name}: expected a whole number, got {describe(value)}"
            )
        if value < minimum:
            raise ValidationError(f"{attribute.name}: must be {minimum} or more, got {value}")

    return check


def optional_whole(minimum: int) -> Any:
    """Validator factory: ``None`` or an ``int`` of at least ``minimum``."""
    inner = whole(minimum)

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is not None:
            inner(instance, attribute, value)

    return check


def to_number(value: Any) -> Any:
    """Convert an exact number to ``Decimal``; leave bad values for the validator."""
    try:
        return to_decimal(value)
    except ValidationError:
        return value


def to_optional_number(value: Any) -> Any:
    """Like :func:`to_number`; ``None`` stays ``None``."""
    return None if value is None else to_number(value)


def number(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A finite ``Decimal`` (floats are refused with the usual message)."""
    if not isinstance(value, Decimal):
        to_decimal(value, field=attribute.name)
        raise ValidationError(f"{attribute.name}: expected a number, got {describe(value)}")


def optional_number(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """``None`` or a finite ``Decimal``."""
    if value is not None:
        number(instance, attribute, value)


def fraction(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A number from 0 to 1 (a share, not a percentage)."""
    number(instance, attribute, value)
    assert isinstance(value, Decimal)
    if not 0 <= value <= 1:
        raise ValidationError(
            f"{attribute.name}: must be from 0 to 1 (a fraction such as 0.05 for 5 %), got {value}"
        )


def optional_fraction(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """``None`` or a number from 0 to 1."""
    if value is not None:
        fraction(instance, attribute, value)


def money(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A :class:`~credkit.money.Money` value."""
    if not isinstance(value, Money):
        raise ValidationError(
            f"{attribute.name}: expected Money such as Money.of('1000.00', 'EUR'), "
            f"got {describe(value)}"
        )


def optional_money(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """``None`` or Money."""
    if value is not None:
        money(instance, attribute, value)


def non_negative_money(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Money of zero or more."""
    money(instance, attribute, value)
    assert isinstance(value, Money)
    if value.amount < 0:
        raise ValidationError(f"{attribute.name}: must be zero or more, got {value}")


def optional_non_negative_money(
    instance: object, attribute: attrs.Attribute[Any], value: object
) -> None:
    """``None`` or money of zero or more."""
    if value is not None:
        non_negative_money(instance, attribute, value)


def enum_converter(kind: type[enum.Enum]) -> Any:
    """Converter factory: accept an enum's value as well as its member."""

    def convert(value: object) -> Any:
        if isinstance(value, kind):
            return value
        for member in kind:
            if type(member.value) is type(value) and member.value == value:
                return member
        return value

    return convert


def enum_validator(kind: type[enum.Enum]) -> Any:
    """Validator factory: a member of ``kind``, with the accepted values in the message."""
    accepted = ", ".join(repr(member.value) for member in kind)

    def check(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, kind):
            raise ValidationError(
                f"{attribute.name}: expected one of {accepted}, got {describe(value)}"
            )

    return check


def frozen_mapping(value: Any) -> Any:
    """Converter: a read-only copy of a mapping (anything else is left for the validator)."""
    if isinstance(value, Mapping):
        return types.MappingProxyType(dict(value))
    return value


@functools.cache
def _quantum(currency: str) -> Decimal:
    return Decimal(1).scaleb(-minor_units(currency))


def plain_amount(amount: Decimal, currency: str) -> str:
    """``amount`` rounded half up to ``currency``'s minor units, thousands commas, then the code."""
    rounded = amount.quantize(_quantum(currency), rounding=ROUND_HALF_UP)
    if rounded.is_zero():
        rounded = rounded.copy_abs()
    return f"{rounded:,f} {currency}"


def plain_number(value: Decimal) -> str:
    """A number as people write it: no exponent, no trailing zeros after the point."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def percent(share: Decimal) -> str:
    """A fraction as a percentage: ``Decimal('0.05')`` -> ``'5 %'``."""
    return f"{plain_number(share * 100)} %"
