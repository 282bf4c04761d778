"""Validators, converters and formatting shared by the limits modules (private).

attrs converters do not know which field they convert, so the converters here are
lenient (they turn what they can into the target type and leave anything else as
it is) and the validators that follow name the field in the error.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable, Sequence
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, Context, Decimal, localcontext
from typing import Any, ParamSpec, TypeVar

import attrs
from babel.numbers import format_decimal

from credkit.errors import CredkitError, ValidationError
from credkit.fx import RATE_PRECISION, RateSource
from credkit.money import DEFAULT_ROUNDING, Money, minor_units, to_decimal

__all__: list[str] = []

Validator = Callable[[object, "attrs.Attribute[Any]", object], None]


def describe(value: object) -> str:
    """``type value`` for error messages."""
    return f"{type(value).__name__} {value!r}"


# -- converters ----------------------------------------------------------------------------


def to_number(value: object) -> object:
    """Exact numbers become ``Decimal``; anything else is left for the validator."""
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
    """Lists and tuples become tuples; anything else is left for the validator."""
    if isinstance(value, list | tuple):
        return tuple(value)
    return value


# -- validators ----------------------------------------------------------------------------


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


def check_number(value: object, field: str) -> Decimal:
    """Return ``value`` if it is a finite ``Decimal``, else raise naming ``field``."""
    if not isinstance(value, Decimal) or not value.is_finite():
        to_decimal(value, field=field)  # raises the precise message for floats, text, ...
        raise ValidationError(f"{field}: expected a finite number, got {describe(value)}")
    return value


def number_between(
    low: Decimal | None, high: Decimal | None, *, low_open: bool = False, what: str = ""
) -> Validator:
    """Validator factory: a finite ``Decimal`` within ``[low, high]`` (``(low, high]``)."""

    def validate(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        number = check_number(value, attribute.name)
        too_low = low is not None and (number <= low if low_open else number < low)
        too_high = high is not None and number > high
        if too_low or too_high:
            lower = "" if low is None else (f"above {low}" if low_open else f">= {low}")
            upper = "" if high is None else f"<= {high}"
            bounds = " and ".join(part for part in (lower, upper) if part)
            raise ValidationError(f"{attribute.name}: must be {bounds}{what}, got {number}")

    return validate


def optional(validator: Validator) -> Validator:
    """Validator factory: ``None`` or what ``validator`` accepts."""

    def validate(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is not None:
            validator(instance, attribute, value)

    return validate


def count(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A whole number >= 0 (days, months, approvers)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(
            f"{attribute.name}: expected a whole number (int) >= 0, got {describe(value)}"
        )
    if value < 0:
        raise ValidationError(f"{attribute.name}: must be >= 0, got {value}")
    if value > 100_000:
        raise ValidationError(f"{attribute.name}: must be <= 100000, got {value}")


def optional_count(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """``None`` or a whole number >= 0."""
    if value is not None:
        count(instance, attribute, value)


def check_date(value: object, field: str) -> datetime.date:
    """Return ``value`` if it is a plain date, else raise naming ``field``."""
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
        raise ValidationError(
            f"{field}: expected a datetime.date such as date(2026, 3, 1), got {describe(value)}"
        )
    return value


def is_date(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A ``datetime.date`` that is not a ``datetime``."""
    check_date(value, attribute.name)


def optional_date(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """``None`` or a ``datetime.date``."""
    if value is not None:
        check_date(value, attribute.name)


def check_money(value: object, field: str) -> Money:
    """Return ``value`` if it is Money, else raise naming ``field``."""
    if not isinstance(value, Money):
        raise ValidationError(
            f"{field}: expected Money such as Money.of('100000.00', 'EUR'), got {describe(value)}"
        )
    return value


def non_negative_money(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Money of zero or more."""
    money = check_money(value, attribute.name)
    if money.is_negative:
        raise ValidationError(f"{attribute.name}: must be zero or more, got {money}")


def optional_money(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """``None`` or non-negative Money."""
    if value is not None:
        non_negative_money(instance, attribute, value)


def currency_code(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """An ISO 4217 code known to CLDR."""
    check_currency(value, attribute.name)


def check_currency(value: object, field: str) -> str:
    """Return ``value`` if it is an ISO 4217 code, else raise naming ``field``."""
    if not isinstance(value, str):
        raise ValidationError(
            f"{field}: expected an ISO 4217 code such as 'EUR', got {describe(value)}"
        )
    try:
        minor_units(value)
    except ValidationError as error:
        raise ValidationError(f"{field}: {error.message.removeprefix('currency: ')}") from None
    return value


def tuple_of(cls: type[Any] | tuple[type[Any], ...], what: str) -> Validator:
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


def names(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A tuple of distinct non-empty strings."""
    tuple_of(str, "a string")(instance, attribute, value)
    assert isinstance(value, tuple)
    seen: set[str] = set()
    for index, item in enumerate(value):
        if not item.strip():
            raise ValidationError(f"{attribute.name}[{index}]: expected a non-empty string")
        if item in seen:
            raise ValidationError(f"{attribute.name}[{index}]: {item!r} is listed twice")
        seen.add(item)


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


_DISPLAY_DIGITS = 60


def fmt_amount(amount: Decimal, currency: str) -> str:
    """An amount with thousands separators and the currency's decimals, without the code.

    Rounded half up for display only, in a context wide enough for any amount (the
    default 28 digits would raise ``InvalidOperation`` on a 30-digit figure). An
    amount of more than 60 digits is shown in scientific notation (``1E+999999``).
    """
    places = minor_units(currency)
    if amount.is_finite() and amount.adjusted() >= _DISPLAY_DIGITS:
        return f"{amount:E}"
    pattern = "#,##0" + ("." + "0" * places if places else "")
    with localcontext() as context:
        context.prec = max(28, amount.adjusted() + places + 2)
        value = amount.quantize(Decimal((0, (1,), -places)), rounding=DEFAULT_ROUNDING)
        if value.is_zero():
            value = value.copy_abs()
        return str(format_decimal(value, format=pattern, locale="en_US"))


def fmt(money: Money | None) -> str:
    """``'250,000.00 EUR'`` (rounded half up for display only); ``'no limit'`` for None."""
    if money is None:
        return "no limit"
    return f"{fmt_amount(money.amount, money.currency)} {money.currency}"


def fmt_number(value: Decimal) -> str:
    """A plain number without exponent or trailing zeros: ``Decimal('10.0')`` -> ``'10'``."""
    return f"{value.normalize():f}"


def fmt_step(value: Decimal) -> str:
    """A step or factor with thousands separators and no trailing zeros: ``'5,000'``."""
    return str(format_decimal(value.normalize(), format="#,##0.##########", locale="en_US"))


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


_P = ParamSpec("_P")
_R = TypeVar("_R")


def guard_arithmetic(
    fields: str, *, what: str = "the limit"
) -> Callable[[Callable[_P, _R]], Callable[_P, _R]]:
    """Decorator factory: a :mod:`decimal` overflow or invalid operation becomes a ValidationError.

    Figures near the limits of :mod:`decimal` (``1e999999``, ``1e-999999``) overflow
    in exact arithmetic; the caller gets a :class:`ValidationError` naming ``fields``
    (the inputs the figure is computed from) and ``what`` could not be computed,
    instead of a bare ``decimal.Overflow``. Used by the entry points of
    :mod:`credkit.limits` and :mod:`credkit.kpi`.

    >>> from decimal import Decimal
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
