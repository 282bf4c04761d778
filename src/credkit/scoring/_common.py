"""Converters and validators shared by the scoring modules (private).

attrs converters do not know which field they convert, so the converters here are
lenient: they turn what they can into a ``Decimal`` and leave anything else as it
is, and the validators that follow name the field in the error. A float therefore
fails with ``lower: float 1.5 is not exact; ...`` rather than a message without
a field.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs

from credkit.errors import ValidationError
from credkit.money import Numeric, to_decimal

__all__: list[str] = []


def to_number(value: Numeric) -> Decimal:
    """Convert an exact number to ``Decimal``, leaving bad values for the validator."""
    try:
        return to_decimal(value)
    except ValidationError:
        return value  # type: ignore[return-value]  # the validator reports it with the field


def to_optional_number(value: Numeric | None) -> Decimal | None:
    """Like :func:`to_number`, but ``None`` stays ``None``."""
    if value is None:
        return None
    return to_number(value)


def number(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validate that ``value`` is a finite ``Decimal``."""
    if not isinstance(value, Decimal) or not value.is_finite():
        to_decimal(value, field=attribute.name)
        raise ValidationError(f"{attribute.name}: expected a finite number, got {value!r}")


def optional_number(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validate that ``value`` is ``None`` or a finite ``Decimal``."""
    if value is not None:
        number(instance, attribute, value)


def non_negative(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validate a number (or ``None``) that must not be below zero."""
    if value is None:
        return
    number(instance, attribute, value)
    assert isinstance(value, Decimal)
    if value < 0:
        raise ValidationError(f"{attribute.name}: must be zero or more, got {value}")


def positive(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validate a number that must be above zero."""
    number(instance, attribute, value)
    assert isinstance(value, Decimal)
    if value <= 0:
        raise ValidationError(f"{attribute.name}: must be above zero, got {value}")


def text(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validate a non-empty string."""
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(
            f"{attribute.name}: expected a non-empty string, got {type(value).__name__} {value!r}"
        )


def optional_text(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validate ``None`` or a non-empty string."""
    if value is not None:
        text(instance, attribute, value)


def sequence_of(kind: type, name: str) -> Any:
    """Validator factory: a tuple whose items are all ``kind`` instances."""

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, tuple):
            raise ValidationError(
                f"{attribute.name}: expected a tuple of {name}, got {type(value).__name__}"
            )
        for index, item in enumerate(value):
            if not isinstance(item, kind):
                raise ValidationError(
                    f"{attribute.name}[{index}]: expected {name}, "
                    f"got {type(item).__name__} {item!r}"
                )

    return check
