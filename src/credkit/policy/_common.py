"""Validators, converters and formatting used only by the policy modules (private).

Checks shared with other packages live in :mod:`credkit._checks`.

attrs validators here raise :class:`~credkit.errors.ValidationError` with messages
that start with the field name, so that :func:`credkit.config.load` reports them
with the path of the field (``rules[2].max_days: ...``).
"""

from __future__ import annotations

import enum
import types
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs

from credkit._checks import describe, plain_number
from credkit.errors import ValidationError
from credkit.money import to_decimal

__all__: list[str] = []


def boolean(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """``True`` or ``False`` (not 0 or 1)."""
    if not isinstance(value, bool):
        raise ValidationError(f"{attribute.name}: expected True or False, got {describe(value)}")


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


def percent(share: Decimal) -> str:
    """A fraction as a percentage: ``Decimal('0.05')`` -> ``'5 %'``."""
    return f"{plain_number(share * 100)} %"
