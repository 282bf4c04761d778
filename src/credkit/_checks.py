"""Field validators, converters, formatting and the arithmetic guard shared across credkit (private).

One implementation of each check that several packages (ledger, limits, policy,
dunning, kpi) need. attrs converters do not know which field they convert, so the
converters here are lenient (they turn what they can into the target type and leave
anything else as it is) and the validators that follow name the field in the error:
``field: expected ..., got <type> <value>``.

This module depends only on :mod:`credkit.errors` and :mod:`credkit.money`, so any
package may import it without loading another.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable
from decimal import Context, Decimal
from typing import Any, ParamSpec, TypeVar

import attrs

from credkit._figures import grouped, quantum
from credkit.errors import CredkitError, ValidationError
from credkit.money import DEFAULT_ROUNDING, Money, minor_units, to_decimal

__all__ = [
    "Validator",
    "arithmetic_guard",
    "check_date",
    "check_money",
    "check_text",
    "count",
    "describe",
    "distinct_texts",
    "fmt_amount",
    "guard_arithmetic",
    "is_date",
    "is_money",
    "non_negative_money",
    "optional_date",
    "optional_money",
    "optional_non_negative_money",
    "optional_text",
    "plain_amount",
    "plain_number",
    "text",
    "to_number",
    "to_optional_number",
    "to_tuple",
    "tuple_of",
]

Validator = Callable[[object, "attrs.Attribute[Any]", object], None]

_P = ParamSpec("_P")
_R = TypeVar("_R")


def describe(value: object) -> str:
    """``type value`` for error messages.

    >>> describe("7")
    "str '7'"
    """
    return f"{type(value).__name__} {value!r}"


# -- converters ----------------------------------------------------------------------------


def to_number(value: object) -> object:
    """Exact numbers become ``Decimal``; anything else is left for the validator.

    >>> to_number("1.50"), to_number(1.5)
    (Decimal('1.50'), 1.5)
    """
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        return value
    try:
        return to_decimal(value)
    except ValidationError:
        return value


def to_optional_number(value: object) -> object:
    """Like :func:`to_number`, but ``None`` stays ``None``."""
    return None if value is None else to_number(value)


def to_tuple(value: object) -> object:
    """Lists and tuples become tuples; anything else is left for the validator.

    >>> to_tuple([1, 2]), to_tuple("ab")
    ((1, 2), 'ab')
    """
    if isinstance(value, list | tuple):
        return tuple(value)
    return value


# -- checks and validators -----------------------------------------------------------------


def check_text(value: object, field: str, *, what: str = "a non-empty string") -> str:
    """Return ``value`` if it is a string that is not blank, else raise naming ``field``.

    >>> check_text(" ", "name")
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: name: expected a non-empty string, got str ' '
    """
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"{field}: expected {what}, got {describe(value)}")
    return value


def text(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validator: a non-empty string."""
    check_text(value, attribute.name)


def optional_text(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validator: ``None`` or a non-empty string."""
    if value is not None:
        check_text(value, attribute.name)


def count(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validator: a whole number (``int``, not ``bool``) from 0 to 100000 (days, months, ...)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(
            f"{attribute.name}: expected a whole number (int) >= 0, got {describe(value)}"
        )
    if value < 0:
        raise ValidationError(f"{attribute.name}: must be >= 0, got {value}")
    if value > 100_000:
        raise ValidationError(f"{attribute.name}: must be <= 100000, got {value}")


def check_date(value: object, field: str) -> datetime.date:
    """Return ``value`` if it is a plain date (not a ``datetime``), else raise naming ``field``.

    >>> check_date(datetime.date(2026, 3, 1), "as_of")
    datetime.date(2026, 3, 1)
    >>> check_date("2026-03-01", "as_of")
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: as_of: expected a datetime.date such as date(2026, 3, 1), got str '2026-03-01'
    """
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
        raise ValidationError(
            f"{field}: expected a datetime.date such as date(2026, 3, 1), got {describe(value)}"
        )
    return value


def is_date(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validator: a ``datetime.date`` that is not a ``datetime``."""
    check_date(value, attribute.name)


def optional_date(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validator: ``None`` or a ``datetime.date``."""
    if value is not None:
        check_date(value, attribute.name)


def check_money(value: object, field: str) -> Money:
    """Return ``value`` if it is :class:`~credkit.money.Money`, else raise naming ``field``.

    >>> check_money(5, "amount")
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: amount: expected Money such as Money.of('1000.00', 'EUR'), got int 5
    """
    if not isinstance(value, Money):
        raise ValidationError(
            f"{field}: expected Money such as Money.of('1000.00', 'EUR'), got {describe(value)}"
        )
    return value


def is_money(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validator: a :class:`~credkit.money.Money`."""
    check_money(value, attribute.name)


def optional_money(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validator: ``None`` or a :class:`~credkit.money.Money` (any sign)."""
    if value is not None:
        check_money(value, attribute.name)


def non_negative_money(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validator: Money of zero or more."""
    money = check_money(value, attribute.name)
    if money.is_negative:
        raise ValidationError(f"{attribute.name}: must be zero or more, got {money}")


def optional_non_negative_money(
    instance: object, attribute: attrs.Attribute[Any], value: object
) -> None:
    """Validator: ``None`` or Money of zero or more."""
    if value is not None:
        non_negative_money(instance, attribute, value)


def tuple_of(cls: type[Any] | tuple[type[Any], ...], what: str) -> Validator:
    """Validator factory: a tuple whose items are all ``cls`` (``what`` names them in errors).

    >>> import attrs
    >>> @attrs.frozen
    ... class Tags:
    ...     names: tuple[str, ...] = attrs.field(validator=tuple_of(str, "a string"))
    >>> Tags(("a", 1))
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: names[1]: expected a string, got int 1
    """

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


def distinct_texts(*, what: str = "a string", blank: str = "a non-empty string") -> Validator:
    """Validator factory: a tuple of distinct non-blank strings (``what`` / ``blank`` word errors).

    >>> import attrs
    >>> @attrs.frozen
    ... class Roles:
    ...     names: tuple[str, ...] = attrs.field(validator=distinct_texts())
    >>> Roles(("a", "a"))
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: names[1]: 'a' is listed twice
    """
    items_of = tuple_of(str, what)

    def validate(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        items_of(instance, attribute, value)
        assert isinstance(value, tuple)
        seen: set[str] = set()
        for index, item in enumerate(value):
            if not item.strip():
                raise ValidationError(
                    f"{attribute.name}[{index}]: expected {blank}, got {describe(item)}"
                )
            if item in seen:
                raise ValidationError(f"{attribute.name}[{index}]: {item!r} is listed twice")
            seen.add(item)

    return validate


# -- formatting ----------------------------------------------------------------------------

_DISPLAY_DIGITS = 60
_DISPLAY_CONTEXT = Context(prec=28, rounding=DEFAULT_ROUNDING)


def fmt_amount(amount: Decimal, currency: str) -> str:
    """An amount with thousands separators and the currency's decimals, without the code.

    Rounded half up for display only, in a context wide enough for any amount (the
    default 28 digits would raise ``InvalidOperation`` on a 30-digit figure). An
    amount of more than 60 digits is shown in scientific notation (``1E+999999``).

    >>> fmt_amount(Decimal("1234.565"), "EUR"), fmt_amount(Decimal("-0.001"), "JPY")
    ('1,234.57', '0')
    """
    places = minor_units(currency)
    if amount.is_finite() and amount.adjusted() >= _DISPLAY_DIGITS:
        return f"{amount:E}"
    digits = amount.adjusted() + places + 2
    context = (
        _DISPLAY_CONTEXT
        if digits <= _DISPLAY_CONTEXT.prec
        else Context(prec=digits, rounding=DEFAULT_ROUNDING)
    )
    value = amount.quantize(quantum(places), context=context)
    return grouped(value.copy_abs() if value.is_zero() else value, places)


def plain_amount(amount: Decimal, currency: str) -> str:
    """:func:`fmt_amount` followed by the currency code.

    >>> plain_amount(Decimal("250000"), "EUR")
    '250,000.00 EUR'
    """
    return f"{fmt_amount(amount, currency)} {currency}"


def plain_number(value: Decimal) -> str:
    """A number as people write it: no exponent, no trailing zeros after the point.

    >>> plain_number(Decimal("10.50")), plain_number(Decimal("1E+2"))
    ('10.5', '100')
    """
    digits = format(value, "f")
    if "." in digits:
        digits = digits.rstrip("0").rstrip(".")
    return digits or "0"


# -- arithmetic guard ----------------------------------------------------------------------


def guard_arithmetic(
    fields: str, *, what: str = "the limit"
) -> Callable[[Callable[_P, _R]], Callable[_P, _R]]:
    """Decorator factory: a :mod:`decimal` overflow or invalid operation becomes a ValidationError.

    Figures near the limits of :mod:`decimal` (``1e999999``, ``1e-999999``) overflow
    in exact arithmetic; the caller gets a :class:`ValidationError` naming ``fields``
    (the inputs the figure is computed from) and ``what`` could not be computed,
    instead of a bare ``decimal.Overflow``. Used by the entry points of
    :mod:`credkit.limits` and :mod:`credkit.kpi`.

    >>> @guard_arithmetic("a, b", what="the ratio")
    ... def ratio(a: Decimal, b: Decimal) -> Decimal:
    ...     return a / b
    >>> ratio(Decimal("1e999999"), Decimal("1e-999999"))
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: a, b: the ratio cannot be computed: the figures are too large or too precise for exact decimal arithmetic (Overflow)
    """

    def decorate(func: Callable[_P, _R]) -> Callable[_P, _R]:
        @functools.wraps(func)
        def guarded(*args: _P.args, **kwargs: _P.kwargs) -> _R:
            try:
                return func(*args, **kwargs)
            except ArithmeticError as error:
                if isinstance(error, CredkitError):
                    raise
                raise ValidationError(
                    f"{fields}: {what} cannot be computed: the figures are too large or too "
                    f"precise for exact decimal arithmetic ({type(error).__name__})"
                ) from None

        return guarded

    return decorate


def arithmetic_guard(func: Callable[_P, _R]) -> Callable[_P, _R]:
    """:func:`guard_arithmetic` for the limit calculators: the fields are their ``inputs``."""
    return guard_arithmetic("inputs")(func)
