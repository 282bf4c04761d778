"""credkit's one vocabulary of field checks: validators, converters, checks (private).

Every package validates its records with the pieces here; only checks that belong to
one domain (bucket contiguity, scorecard bins, user ids) stay with their package.
Three kinds, one calling style each:

- **validators** for attrs fields, ``(instance, attribute, value)``: plain ones
  (``text``, ``is_date``, ``number``, ``boolean``, ...) and factories that take their
  parameters first, as attrs' own do (``whole(1)``, ``number_between(0, 1)``,
  ``tuple_of(Bucket, "a Bucket")``, ``one_of(Channel)``, ``optional(validator)``);
- **checks** for plain arguments, ``check_x(value, field) -> value``: the value first,
  the field it came from second, returning the value (narrowed) or raising;
- **converters**, lenient: attrs converters do not know which field they convert, so
  they turn what they can into the target type and leave anything else for the
  validator that follows, which names the field.

Every error is a :class:`~credkit.errors.ValidationError` whose message starts with
the field: ``field: expected ..., got <type> <value>``, so that
:func:`credkit.config.load` can report it with the field's path.

This module depends only on :mod:`credkit.errors` and :mod:`credkit.money`, so any
package may import it without loading another.
"""

from __future__ import annotations

import datetime
import enum
import functools
import re
import types
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any, ParamSpec, TypeVar

import attrs
from dateutil.relativedelta import relativedelta

from credkit.errors import CredkitError, OutOfBoundsError, ValidationError
from credkit.money import Money, minor_units, to_decimal

__all__ = [
    "MAX_SHOWN",
    "Validator",
    "arithmetic_guard",
    "boolean",
    "check_currency",
    "check_date",
    "check_mapping",
    "check_money",
    "check_number",
    "check_text",
    "count",
    "currency_code",
    "describe",
    "distinct_texts",
    "enum_converter",
    "fraction",
    "frozen_mapping",
    "guard_arithmetic",
    "instance_of",
    "is_date",
    "is_money",
    "iso_day",
    "non_negative",
    "non_negative_money",
    "number",
    "number_between",
    "one_of",
    "optional",
    "optional_count",
    "optional_date",
    "optional_fraction",
    "optional_money",
    "optional_non_negative_money",
    "optional_number",
    "optional_text",
    "optional_whole",
    "positive",
    "positive_money",
    "sequence",
    "shifted",
    "shorten",
    "text",
    "to_number",
    "to_optional_number",
    "to_tuple",
    "tuple_of",
    "whole",
]

Validator = Callable[[object, "attrs.Attribute[Any]", object], None]

_P = ParamSpec("_P")
_R = TypeVar("_R")
_T = TypeVar("_T")


MAX_SHOWN = 200
"""The most characters of an offending value an error message shows."""


def shorten(text: str) -> str:
    """``text`` cut to :data:`MAX_SHOWN` characters, saying how long it was.

    >>> shorten("x" * 500)[-40:]
    'xxxxxxxxxxxxxxxxxxxx... (500 characters)'
    """
    if len(text) <= MAX_SHOWN:
        return text
    return f"{text[:MAX_SHOWN]}... ({len(text):,} characters)"


def describe(value: object) -> str:
    """``type value`` for error messages, with a huge value cut short.

    >>> describe("7")
    "str '7'"
    >>> len(describe("7" * 10**6)) < 300
    True
    """
    return f"{type(value).__name__} {shorten(repr(value))}"


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
    r"""Return ``value`` if it is a string that is not blank, else raise naming ``field``.

    A NUL character or a lone surrogate (half of a UTF-16 pair) is refused too: no
    file, terminal or database keeps them, so an id holding one could not be matched.

    >>> check_text(" ", "name")
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: name: expected a non-empty string, got str ' '
    >>> check_text("INV\x001", "id")
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: id: 'INV\x001' holds a NUL character or a lone surrogate; expected text that can be written to a file
    """
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"{field}: expected {what}, got {describe(value)}")
    if "\x00" in value or (not value.isascii() and _SURROGATE.search(value)):
        raise ValidationError(
            f"{field}: {shorten(repr(value))} holds a NUL character or a lone surrogate; "
            "expected text that can be written to a file"
        )
    return value


_SURROGATE = re.compile("[\ud800-\udfff]")


def text(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validator: a non-empty string."""
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


def to_tags(value: object, field: str = "tags") -> tuple[str, ...]:
    """A customer's tags: any iterable of non-empty names, kept sorted and without repeats.

    >>> to_tags(["public", "key_account", "public"])
    ('key_account', 'public')
    >>> to_tags("key_account")
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: tags: expected a list of tag names such as ['key_account'], got str 'key_account'
    """
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise ValidationError(
            f"{field}: expected a list of tag names such as ['key_account'], got {describe(value)}"
        )
    tags = tuple(value)
    for tag in tags:
        if not isinstance(tag, str) or not tag.strip() or tag != tag.strip():
            raise ValidationError(
                f"{field}: expected non-empty tag names without surrounding spaces, "
                f"got {describe(tag)}"
            )
    return tuple(sorted(set(tags)))


def check_locale(value: object, field: str = "locale") -> str:
    """``value`` if it is a locale identifier babel knows, else a ValidationError naming ``field``.

    >>> check_locale("de_DE")
    'de_DE'
    >>> check_locale("xx_YY", "--locale")
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: --locale: 'xx_YY' is not a locale babel knows; expected an identifier such as 'en_GB' or 'de_DE'
    """
    import babel  # here, so that importing this module does not load babel

    if not isinstance(value, str) or not value:
        raise ValidationError(
            f"{field}: expected an identifier such as 'de_DE', got {describe(value)}"
        )
    try:
        babel.Locale.parse(value)
    except (ValueError, TypeError, babel.UnknownLocaleError):
        raise ValidationError(
            f"{field}: {value!r} is not a locale babel knows; expected an identifier such as "
            "'en_GB' or 'de_DE'"
        ) from None
    return value


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


def non_negative_money(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validator: Money of zero or more."""
    money = check_money(value, attribute.name)
    if money.is_negative:
        raise ValidationError(f"{attribute.name}: must be zero or more, got {money}")


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


def check_number(value: object, field: str) -> Decimal:
    """Return ``value`` if it is a finite ``Decimal``, else raise naming ``field``.

    >>> check_number(Decimal("NaN"), "score")
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: score: Decimal('NaN') is not a finite number
    >>> check_number(1.5, "score")
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: score: float 1.5 is not exact; pass a Decimal, an int or a string such as '1.5'
    """
    if not isinstance(value, Decimal) or not value.is_finite():
        to_decimal(value, field=field)  # raises the precise message for floats, text, ...
        raise ValidationError(f"{field}: expected a finite number, got {describe(value)}")
    return value


def number(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validator: a finite ``Decimal`` (floats are refused with the exact-number message)."""
    check_number(value, attribute.name)


def number_between(
    low: Decimal | int | None,
    high: Decimal | int | None,
    *,
    low_open: bool = False,
    what: str = "",
) -> Validator:
    """Validator factory: a finite ``Decimal`` within ``[low, high]`` (``(low, high]``).

    >>> import attrs
    >>> @attrs.frozen
    ... class Weight:
    ...     share: Decimal = attrs.field(validator=number_between(0, 1, low_open=True))
    >>> Weight(Decimal(0))
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: share: must be above 0 and <= 1, got 0
    """

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


def fraction(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validator: a number from 0 to 1 (a share, not a percentage)."""
    share = check_number(value, attribute.name)
    if not 0 <= share <= 1:
        raise ValidationError(
            f"{attribute.name}: must be from 0 to 1 (a fraction such as 0.05 for 5 %), got {share}"
        )


def non_negative(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validator: ``None`` or a number of zero or more."""
    if value is None:
        return
    if check_number(value, attribute.name) < 0:
        raise ValidationError(f"{attribute.name}: must be zero or more, got {value}")


def positive(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validator: a number above zero."""
    if check_number(value, attribute.name) <= 0:
        raise ValidationError(f"{attribute.name}: must be above zero, got {value}")


def whole(minimum: int) -> Validator:
    """Validator factory: an ``int`` (not a bool) of at least ``minimum``.

    >>> import attrs
    >>> @attrs.frozen
    ... class Level:
    ...     level: int = attrs.field(validator=whole(1))
    >>> Level(0)
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: level: must be 1 or more, got 0
    """

    def check(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError(
                f"{attribute.name}: expected a whole number, got {describe(value)}"
            )
        if value < minimum:
            raise ValidationError(f"{attribute.name}: must be {minimum} or more, got {value}")

    return check


def optional_whole(minimum: int) -> Validator:
    """Validator factory: ``None`` or an ``int`` of at least ``minimum``."""
    return optional(whole(minimum))


def optional(validator: Validator) -> Validator:
    """Validator factory: ``None`` or what ``validator`` accepts (attrs' ``optional``).

    >>> import attrs
    >>> @attrs.frozen
    ... class Review:
    ...     days: int | None = attrs.field(default=None, validator=optional(whole(1)))
    >>> Review().days, Review(30).days
    (None, 30)
    """

    def validate(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is not None:
            validator(instance, attribute, value)

    return validate


optional_text = optional(text)
"""Validator: ``None`` or a non-empty string."""

optional_date = optional(is_date)
"""Validator: ``None`` or a ``datetime.date``."""

optional_money = optional(is_money)
"""Validator: ``None`` or a :class:`~credkit.money.Money` (any sign)."""

optional_non_negative_money = optional(non_negative_money)
"""Validator: ``None`` or Money of zero or more."""

optional_number = optional(number)
"""Validator: ``None`` or a finite ``Decimal``."""

optional_fraction = optional(fraction)
"""Validator: ``None`` or a number from 0 to 1."""

optional_count = optional(count)
"""Validator: ``None`` or a whole number from 0 to 100000 (see :func:`count`)."""


def instance_of(kind: type) -> Validator:
    """Validator factory: an instance of ``kind`` (attrs' ``instance_of``, with credkit's message).

    >>> import attrs
    >>> @attrs.frozen
    ... class Named:
    ...     name: str = attrs.field(validator=instance_of(str))
    >>> Named(5)
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: name: expected str, got int 5
    """

    def check(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, kind):
            raise ValidationError(
                f"{attribute.name}: expected {kind.__name__}, got {describe(value)}"
            )

    return check


def boolean(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validator: ``True`` or ``False`` (not 0 or 1)."""
    if not isinstance(value, bool):
        raise ValidationError(f"{attribute.name}: expected True or False, got {describe(value)}")


def positive_money(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validator: Money above zero."""
    money = check_money(value, attribute.name)
    if not money.is_positive:
        raise ValidationError(f"{attribute.name}: must be above zero, got {money}")


def check_currency(value: object, field: str) -> str:
    """Return ``value`` if it is an ISO 4217 code known to CLDR, else raise naming ``field``.

    >>> check_currency("eur", "currency")
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: currency: 'eur' is not an ISO 4217 code known to CLDR (codes are upper case); expected a code such as 'EUR', 'USD' or 'JPY'
    """
    if not isinstance(value, str):
        raise ValidationError(
            f"{field}: expected an ISO 4217 code such as 'EUR', got {describe(value)}"
        )
    try:
        minor_units(value)
    except ValidationError as error:
        raise ValidationError(f"{field}: {error.message.removeprefix('currency: ')}") from None
    return value


def currency_code(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validator: an ISO 4217 code known to CLDR."""
    check_currency(value, attribute.name)


_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def iso_day(text: str) -> datetime.date:
    """The date written exactly as ``YYYY-MM-DD``; ``ValueError`` for anything else.

    ``date.fromisoformat`` alone also reads ``20260101`` and ISO week dates such as
    ``2026-W01-1``, which credkit's documents do not use.

    >>> iso_day("2026-01-31")
    datetime.date(2026, 1, 31)
    >>> iso_day("20260131")
    Traceback (most recent call last):
    ...
    ValueError: '20260131' is not a date written as YYYY-MM-DD
    """
    if not _ISO_DAY.fullmatch(text):
        raise ValueError(f"{text!r} is not a date written as YYYY-MM-DD")
    return datetime.date.fromisoformat(text)


def shifted(day: datetime.date, field: str, *, days: int = 0, months: int = 0) -> datetime.date:
    """``day`` moved by ``months`` and then ``days`` (negative: back), or a ValidationError
    naming ``field`` when that leaves the calendar Python supports (years 1 to 9999).

    >>> shifted(datetime.date(2026, 3, 31), "window_months", months=-1)
    datetime.date(2026, 2, 28)
    >>> shifted(datetime.date(2026, 3, 31), "window_months", months=-100000)
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: window_months: 2026-03-31 and 100000 months back is outside the calendar credkit supports (0001-01-01 to 9999-12-31)
    """
    try:
        return day + relativedelta(months=months) + datetime.timedelta(days=days)
    except (OverflowError, ValueError):
        moves = [
            f"{abs(amount)} {unit} {'back' if amount < 0 else 'on'}"
            for amount, unit in ((days, "days"), (months, "months"))
            if amount
        ]
        raise ValidationError(
            f"{field}: {day.isoformat()} and {' and '.join(moves)} is outside the calendar "
            "credkit supports (0001-01-01 to 9999-12-31)"
        ) from None


# -- enums, mappings and sequences ----------------------------------------------------------


def enum_converter(kind: type[enum.Enum]) -> Callable[[object], Any]:
    """Converter factory: accept an enum's value as well as its member.

    >>> enum_converter(enum.Enum("Colour", {"RED": "red"}))("red").name
    'RED'
    """

    def convert(value: object) -> Any:
        if isinstance(value, kind):
            return value
        for member in kind:
            if type(member.value) is type(value) and member.value == value:
                return member
        return value

    return convert


def one_of(kind: type[enum.Enum]) -> Validator:
    """Validator factory: a member of ``kind``, with the accepted values in the message.

    >>> import attrs
    >>> Colour = enum.Enum("Colour", {"RED": "red", "BLUE": "blue"})
    >>> @attrs.frozen
    ... class Pen:
    ...     colour: Colour = attrs.field(validator=one_of(Colour))
    >>> Pen("green")
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: colour: expected one of 'red', 'blue', got str 'green'
    """
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


def check_mapping(value: Mapping[str, _T] | None, field: str) -> dict[str, _T]:
    """A copy of an optional mapping (``None`` is empty), checked to be a mapping.

    >>> check_mapping(None, "segments"), check_mapping({"C1": "retail"}, "segments")
    ({}, {'C1': 'retail'})
    """
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ValidationError(f"{field}: expected a mapping, got {describe(value)}")
    return dict(value)


def sequence(value: Iterable[_T], cls: type[Any], field: str) -> tuple[_T, ...]:
    """A tuple of ``cls`` from any iterable (strings and mappings are refused).

    >>> sequence([1, 2], int, "weights")
    (1, 2)
    >>> sequence([1, "2"], int, "weights")
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: weights[1]: expected an int, got str '2'
    """
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        raise ValidationError(
            f"{field}: expected a sequence of {cls.__name__}, got {describe(value)}"
        )
    items = tuple(value)
    name = cls.__name__
    article = "an" if name[:1].lower() in "aeiou" else "a"
    for index, item in enumerate(items):
        if not isinstance(item, cls):
            raise ValidationError(
                f"{field}[{index}]: expected {article} {name}, got {describe(item)}"
            )
    return items


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

    inputs = {name.strip() for name in fields.split(",")}

    def decorate(func: Callable[_P, _R]) -> Callable[_P, _R]:
        @functools.wraps(func)
        def guarded(*args: _P.args, **kwargs: _P.kwargs) -> _R:
            try:
                return func(*args, **kwargs)
            except OutOfBoundsError as error:
                if error.message.split(":", 1)[0].split("[", 1)[0] in inputs:
                    raise  # an input itself is beyond the bounds, and the error names it
                # a figure computed from inputs within the bounds is beyond them: name the
                # inputs, not the figure
                raise ValidationError(
                    f"{fields}: {what} cannot be computed: a figure computed from them is "
                    f"too large or too small ({error.message})"
                ) from None
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
