"""Exact amounts of money in one currency.

:class:`Money` holds a :class:`~decimal.Decimal` amount and an ISO 4217
currency code known to the Unicode CLDR (through babel). Amounts keep the
precision they are given; :meth:`Money.round` brings them to the currency's
minor units (JPY 0, EUR 2, BHD 3 decimals) at the points where credkit
documents a rounding. ``float`` is refused: ``0.1`` has no exact binary value,
and money that is off by a fraction of a cent does not reconcile.

>>> price = Money.of("1250.00", "EUR")
>>> price * 3
Money('3750.00', 'EUR')
>>> [part.amount for part in Money.of("100", "EUR").allocate([1, 1, 1])]
[Decimal('33.34'), Decimal('33.33'), Decimal('33.33')]
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Sequence
from decimal import (
    MAX_EMAX,
    MAX_PREC,
    MIN_EMIN,
    ROUND_05UP,
    ROUND_CEILING,
    ROUND_DOWN,
    ROUND_FLOOR,
    ROUND_HALF_DOWN,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    ROUND_UP,
    Context,
    Decimal,
    InvalidOperation,
    localcontext,
)
from typing import Any, Final, TypeAlias

import attrs
import babel
import babel.numbers

from credkit.errors import CurrencyMismatchError, OutOfBoundsError, ValidationError

__all__ = [
    "DEFAULT_ROUNDING",
    "DIVISION_CONTEXT",
    "EXACT_CONTEXT",
    "MAX_DIGITS",
    "MAX_MAGNITUDE",
    "MIN_MAGNITUDE",
    "Money",
    "MoneyTotals",
    "Numeric",
    "minor_units",
    "to_decimal",
]

Numeric: TypeAlias = Decimal | int | str
"""What credkit accepts as an exact number: ``Decimal``, ``int`` or a numeric string."""

DEFAULT_ROUNDING: Final = ROUND_HALF_UP
"""Rounding mode of :meth:`Money.round` unless told otherwise: half away from zero
(commercial rounding), see ``docs/adr/0001-rounding.md``."""

EXACT_CONTEXT: Final = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN)
"""Decimal context in which addition, subtraction, multiplication and quantizing are exact.

Money's arithmetic runs in it, so results never depend on the caller's decimal
context (a low ``getcontext().prec`` would otherwise round sums and create or lose
money). Never divide in it: a division that does not terminate would not end.

>>> EXACT_CONTEXT.add(Decimal("1234567890123456789012345678.91"), Decimal("0.09"))
Decimal('1234567890123456789012345679.00')
"""

DIVISION_CONTEXT: Final = Context(prec=28, rounding=ROUND_HALF_EVEN)
"""Decimal context of :class:`Money` divisions: 28 significant digits, whatever the caller's.

>>> DIVISION_CONTEXT.divide(Decimal(10), Decimal(3))
Decimal('3.333333333333333333333333333')
"""

_ROUNDING_MODES: Final = (
    ROUND_HALF_UP,
    ROUND_HALF_EVEN,
    ROUND_HALF_DOWN,
    ROUND_UP,
    ROUND_DOWN,
    ROUND_CEILING,
    ROUND_FLOOR,
    ROUND_05UP,
)


MAX_DIGITS: Final = 50
"""The most significant digits of a number credkit takes from outside."""

MAX_MAGNITUDE: Final = 30
"""The largest order of magnitude (``Decimal.adjusted()``) of such a number: below 1E+31."""

MIN_MAGNITUDE: Final = -30
"""The smallest order of magnitude of a number other than zero: 1E-30 or more."""


def to_decimal(value: object, *, field: str = "amount") -> Decimal:
    """Turn an exact number (``Decimal``, ``int`` or numeric ``str``) into a finite ``Decimal``.

    ``float`` and ``bool`` are refused with a message naming ``field``, and so are
    strings with digits other than ASCII ones (``'١٠'``) and numbers beyond the
    documented bounds: sizes from ``1E-30`` to below ``1E+31`` (:data:`MIN_MAGNITUDE`,
    :data:`MAX_MAGNITUDE`), and for text and ints at most :data:`MAX_DIGITS` significant
    digits, so that no figure from outside can make exact arithmetic run for minutes
    (a ``Decimal`` from credkit's own exact arithmetic may carry more digits).
    ``-0`` becomes ``0``.

    >>> to_decimal("12.50")
    Decimal('12.50')
    >>> to_decimal(0.1, field="rate")
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: rate: float 0.1 is not exact; pass a Decimal, an int or a string such as '0.1'
    >>> to_decimal("1e999999")
    Traceback (most recent call last):
    ...
    credkit.errors.OutOfBoundsError: amount: '1e999999' is out of bounds: credkit takes numbers of at most 50 significant digits between 1E-30 and 1E+31 in size
    >>> to_decimal("-0.00")
    Decimal('0.00')
    """
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, bool):
        raise ValidationError(f"{field}: expected a number, got bool {value!r}")
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        raise ValidationError(
            f"{field}: float {value!r} is not exact; "
            f"pass a Decimal, an int or a string such as '{value!r}'"
        )
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip().replace("_", ""))
        except InvalidOperation:
            raise ValidationError(
                f"{field}: {value!r} is not a number; expected digits such as '1250.00'"
            ) from None
    else:
        raise ValidationError(
            f"{field}: expected a Decimal, an int or a numeric string, "
            f"got {type(value).__name__} {value!r}"
        )
    if not result.is_finite():
        raise ValidationError(f"{field}: {_shown(value)} is not a finite number")
    if isinstance(value, str) and not value.isascii():
        raise ValidationError(
            f"{field}: {_shown(value)} has characters other than ASCII digits, '.', '-', '+', "
            "'e' and '_'; write numbers with the digits 0-9"
        )
    if result.is_zero():
        return result.copy_abs()  # -0 and 0 are the same amount
    magnitude = result.adjusted()
    # Digits are bounded where a number comes as text or an int (from outside); exact
    # arithmetic inside credkit may carry more (a Decimal), but never a larger size.
    digits = len(result.as_tuple().digits) if not isinstance(value, Decimal) else 0
    if digits > MAX_DIGITS or not MIN_MAGNITUDE <= magnitude <= MAX_MAGNITUDE:
        raise OutOfBoundsError(
            f"{field}: {_shown(value)} is out of bounds: credkit takes numbers of at most "
            f"{MAX_DIGITS} significant digits between 1E{MIN_MAGNITUDE} and "
            f"1E+{MAX_MAGNITUDE + 1} in size"
        )
    return result


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:60]}... ({len(text):,} characters)"


@functools.cache
def _known_currencies() -> frozenset[str]:
    return frozenset(babel.numbers.list_currencies())


@functools.cache
def minor_units(currency: str) -> int:
    """Number of decimals of ``currency``'s minor unit, from CLDR.

    >>> minor_units("EUR"), minor_units("JPY"), minor_units("BHD")
    (2, 0, 3)
    """
    return int(babel.numbers.get_currency_precision(_check_currency(currency)))


def _check_currency(currency: object) -> str:
    if not isinstance(currency, str):
        raise ValidationError(
            f"currency: expected an ISO 4217 code such as 'EUR', got {currency!r}"
        )
    if currency not in _known_currencies():
        hint = " (codes are upper case)" if currency.upper() in _known_currencies() else ""
        raise ValidationError(
            f"currency: {currency!r} is not an ISO 4217 code known to CLDR{hint}; "
            "expected a code such as 'EUR', 'USD' or 'JPY'"
        )
    return currency


def _to_amount(value: object) -> Decimal:
    return to_decimal(value, field="amount")


def _factor(value: object, operation: str) -> Decimal:
    if isinstance(value, Money):
        raise ValidationError(
            f"cannot {operation} money by money; use a plain number "
            "(divide two amounts of one currency with '/' to get their ratio)"
        )
    return to_decimal(value, field=f"{operation} factor")


@attrs.frozen(repr=False, order=False)
class Money:
    """An exact amount in one currency.

    Build it with :meth:`of` (or :meth:`zero`); ``amount`` accepts ``Decimal``,
    ``int`` and numeric strings, never ``float``. Amounts of one currency add,
    subtract and compare; multiplying or dividing by a number scales them, and
    dividing two amounts gives their ratio as a ``Decimal``. Mixing currencies
    raises :class:`~credkit.errors.CurrencyMismatchError`.

    >>> a = Money.of("10.00", "EUR")
    >>> a + Money.of("2.50", "EUR")
    Money('12.50', 'EUR')
    >>> a / 3
    Money('3.333333333333333333333333333', 'EUR')
    >>> (a / 3).round()
    Money('3.33', 'EUR')
    >>> a / Money.of(40, "EUR")
    Decimal('0.25')
    >>> a > Money.zero("EUR")
    True
    """

    amount: Decimal = attrs.field(converter=_to_amount)
    currency: str = attrs.field(validator=lambda _i, _a, v: _check_currency(v))

    @classmethod
    def of(cls, amount: Numeric, currency: str) -> Money:
        """Build an amount from a ``Decimal``, an ``int`` or a numeric string.

        >>> Money.of("1250.00", "EUR")
        Money('1250.00', 'EUR')
        >>> Money.of(0.5, "EUR")
        Traceback (most recent call last):
        ...
        credkit.errors.ValidationError: amount: float 0.5 is not exact; pass a Decimal, an int or a string such as '0.5'
        """
        return cls(amount, currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        """Zero in ``currency``.

        >>> Money.zero("JPY")
        Money('0', 'JPY')
        """
        return cls(Decimal(0), currency)

    # -- inspection -----------------------------------------------------------------

    @property
    def minor_units(self) -> int:
        """Decimals of this currency's minor unit (2 for EUR).

        >>> Money.of(1, "BHD").minor_units
        3
        """
        return minor_units(self.currency)

    @property
    def is_zero(self) -> bool:
        """Whether the amount is zero.

        >>> Money.of("0.00", "EUR").is_zero
        True
        """
        return self.amount == 0

    @property
    def is_negative(self) -> bool:
        """Whether the amount is below zero.

        >>> Money.of("-0.01", "EUR").is_negative
        True
        """
        return self.amount < 0

    @property
    def is_positive(self) -> bool:
        """Whether the amount is above zero.

        >>> Money.of("0.01", "EUR").is_positive
        True
        """
        return self.amount > 0

    def is_rounded(self) -> bool:
        """Whether the amount has no more decimals than the currency's minor unit.

        >>> Money.of("1.50", "EUR").is_rounded(), Money.of("1.505", "EUR").is_rounded()
        (True, False)
        """
        quantized = self.amount.quantize(
            self._quantum(), rounding=ROUND_DOWN, context=EXACT_CONTEXT
        )
        return self.amount == quantized

    # -- arithmetic -----------------------------------------------------------------

    def _same_currency(self, other: object, operation: str) -> Money:
        if not isinstance(other, Money):
            raise ValidationError(
                f"cannot {operation} {type(other).__name__} {other!r} and Money; "
                f"use Money.of(amount, {self.currency!r})"
            )
        if other.currency != self.currency:
            raise CurrencyMismatchError(
                f"cannot {operation} {self.currency} and {other.currency} amounts; "
                "convert one first with credkit.fx.convert"
            )
        return other

    def __add__(self, other: Money) -> Money:
        other_amount = self._same_currency(other, "add").amount
        return Money(EXACT_CONTEXT.add(self.amount, other_amount), self.currency)

    def __radd__(self, other: object) -> Money:
        """``0 + money`` is ``money``, so that ``sum()`` works within one currency.

        >>> sum([Money.of("1.50", "EUR"), Money.of(2, "EUR")])
        Money('3.50', 'EUR')
        """
        if other == 0 and type(other) is int:
            return self
        return self._same_currency(other, "add") + self

    def __sub__(self, other: Money) -> Money:
        other_amount = self._same_currency(other, "subtract").amount
        return Money(EXACT_CONTEXT.subtract(self.amount, other_amount), self.currency)

    def __neg__(self) -> Money:
        return Money(EXACT_CONTEXT.minus(self.amount), self.currency)

    def __pos__(self) -> Money:
        return self

    def __abs__(self) -> Money:
        return Money(EXACT_CONTEXT.abs(self.amount), self.currency)

    def __mul__(self, factor: Numeric) -> Money:
        return Money(
            EXACT_CONTEXT.multiply(self.amount, _factor(factor, "multiply")), self.currency
        )

    __rmul__ = __mul__

    def __truediv__(self, divisor: Numeric) -> Any:
        if isinstance(divisor, Money):
            other = self._same_currency(divisor, "divide")
            if other.is_zero:
                raise ValidationError(f"cannot divide {self} by a zero amount")
            return DIVISION_CONTEXT.divide(self.amount, other.amount)
        value = _factor(divisor, "divide")
        if value == 0:
            raise ValidationError(f"cannot divide {self} by zero")
        return Money(DIVISION_CONTEXT.divide(self.amount, value), self.currency)

    def _compare(self, other: object) -> tuple[Decimal, Decimal]:
        return self.amount, self._same_currency(other, "compare").amount

    def __lt__(self, other: Money) -> bool:
        a, b = self._compare(other)
        return a < b

    def __le__(self, other: Money) -> bool:
        a, b = self._compare(other)
        return a <= b

    def __gt__(self, other: Money) -> bool:
        a, b = self._compare(other)
        return a > b

    def __ge__(self, other: Money) -> bool:
        a, b = self._compare(other)
        return a >= b

    # -- rounding and splitting -----------------------------------------------------

    def _quantum(self) -> Decimal:
        return Decimal(1).scaleb(-self.minor_units)

    def round(self, rounding: str = DEFAULT_ROUNDING) -> Money:
        """Round to the currency's minor units (half away from zero unless told otherwise).

        ``rounding`` is one of the :mod:`decimal` rounding modes.

        >>> Money.of("2.675", "EUR").round()
        Money('2.68', 'EUR')
        >>> from decimal import ROUND_HALF_EVEN
        >>> Money.of("2.665", "EUR").round(ROUND_HALF_EVEN)
        Money('2.66', 'EUR')
        >>> Money.of("1234.5", "JPY").round()
        Money('1235', 'JPY')
        >>> Money.of("-0.001", "EUR").round()
        Money('0.00', 'EUR')
        """
        if rounding not in _ROUNDING_MODES:
            raise ValidationError(
                f"rounding: {rounding!r} is not a decimal rounding mode; "
                f"expected one of {', '.join(_ROUNDING_MODES)}"
            )
        result = self.amount.quantize(self._quantum(), rounding=rounding, context=EXACT_CONTEXT)
        # A negative amount that rounds to zero is zero, not "-0.00".
        return Money(result.copy_abs() if result.is_zero() else result, self.currency)

    def allocate(self, weights: Sequence[Numeric]) -> tuple[Money, ...]:
        """Split into parts proportional to ``weights`` that sum exactly to this amount.

        Parts are whole minor units (or finer, when the amount itself is finer).
        Units left over after the proportional floor go one each to the parts with
        the largest remainders, earlier parts first on ties (the largest remainder
        method), so no cent is created or lost. Negative amounts split the same way
        as their absolute value, negated. Weights must be non-negative and not all zero.

        >>> [str(p) for p in Money.of("0.05", "EUR").allocate([3, 7])]
        ['0.02 EUR', '0.03 EUR']
        >>> [str(p) for p in Money.of("-10", "JPY").allocate([1, 1, 1])]
        ['-4 JPY', '-3 JPY', '-3 JPY']
        """
        if not weights:
            raise ValidationError("weights: need at least one weight, got an empty sequence")
        ratios = [to_decimal(w, field=f"weights[{i}]") for i, w in enumerate(weights)]
        for i, ratio in enumerate(ratios):
            if ratio < 0:
                raise ValidationError(f"weights[{i}]: must be >= 0, got {ratio}")
        # Exact integer arithmetic throughout: weights scaled to whole numbers, the amount
        # counted in units of its finest digit, so no decimal context can round anything.
        scale = max(0, *(-int(r.as_tuple().exponent) for r in ratios))
        integer_weights = [int(r.scaleb(scale, context=EXACT_CONTEXT)) for r in ratios]
        total_weight = sum(integer_weights)
        if total_weight == 0:
            raise ValidationError(f"weights: must not all be zero, got {list(weights)}")
        exponent = min(int(self.amount.as_tuple().exponent), -self.minor_units)
        units = int(EXACT_CONTEXT.abs(self.amount).scaleb(-exponent, context=EXACT_CONTEXT))
        floors = [units * w // total_weight for w in integer_weights]
        remainders = [units * w % total_weight for w in integer_weights]
        left = units - sum(floors)
        order = sorted(range(len(floors)), key=lambda i: (-remainders[i], i))
        for i in order[:left]:
            floors[i] += 1
        sign = -1 if self.amount < 0 else 1
        return tuple(
            Money(Decimal(sign * n).scaleb(exponent, context=EXACT_CONTEXT), self.currency)
            for n in floors
        )

    # -- presentation ---------------------------------------------------------------

    def format(self, locale: str = "en_US", *, rounded: bool = True) -> str:
        """Format for people with babel, in ``locale``'s conventions.

        ``rounded`` (the default) shows the amount rounded with :meth:`round`
        (half away from zero) to the currency's minor units; pass
        ``rounded=False`` to show every decimal the amount has.

        >>> Money.of("1234.5", "EUR").format("de_DE")
        '1.234,50\\xa0€'
        >>> Money.of("1234.5", "USD").format("en_US")
        '$1,234.50'
        >>> Money.of("2.665", "EUR").format("en_US"), Money.of("2.665", "EUR").format(rounded=False)
        ('€2.67', '€2.665')
        """
        if not isinstance(locale, str) or not locale:
            raise ValidationError(
                f"locale: expected an identifier such as 'en_US' or 'de_DE', got {locale!r}"
            )
        amount = self.round().amount if rounded else self.amount
        try:
            # babel quantizes in the current context: give it the digits the amount has
            with localcontext(Context(prec=max(28, len(amount.as_tuple().digits) + 4))):
                return babel.numbers.format_currency(
                    amount, self.currency, locale=locale, decimal_quantization=False
                )
        except (ValueError, LookupError, babel.UnknownLocaleError) as error:
            raise ValidationError(
                f"locale: {locale!r} is not a locale babel knows ({error}); "
                "expected an identifier such as 'en_US' or 'de_DE'"
            ) from None

    def __repr__(self) -> str:
        return f"Money({str(self.amount)!r}, {self.currency!r})"

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


def _check_totals(_instance: object, _attribute: object, value: object) -> None:
    if not (
        isinstance(value, tuple)
        and all(
            isinstance(pair, tuple)
            and len(pair) == 2
            and isinstance(pair[0], str)
            and type(pair[1]) is Decimal
            for pair in value
        )
        and [pair[0] for pair in value] == sorted({pair[0] for pair in value})
    ):
        raise ValidationError(
            f"amounts: expected (currency, Decimal) pairs sorted by currency, got {value!r}; "
            "build totals with MoneyTotals.of(amounts)"
        )


def _trusted_money(amount: Decimal, currency: str) -> Money:
    """A :class:`Money` of figures credkit made itself, built without checking them again.

    For results such as an aging report's rows, whose amounts are exact sums of amounts
    checked when they came in, so that reading a large result does not check every
    cell once more. ``amount`` must be a finite ``Decimal`` other than ``-0`` and
    ``currency`` a code :class:`Money` accepts; anything from outside goes through
    :class:`Money` itself.

    >>> _trusted_money(Decimal("12.50"), "EUR") == Money.of("12.50", "EUR")
    True
    """
    money = object.__new__(Money)
    object.__setattr__(money, "amount", amount)
    object.__setattr__(money, "currency", currency)
    return money


@attrs.frozen(repr=False)
class MoneyTotals:
    """Amounts of several currencies, kept apart: a total per currency.

    The value for "what is owed" when a customer's documents are in more than one
    currency (beancount's inventory, without lots). Adding a :class:`Money` or
    other totals adds per currency, exactly (no rounding, no precision limit);
    currencies are never summed together. A currency whose total is zero is kept
    (it was seen) but :meth:`nonzero` leaves it out. Iterating gives one
    :class:`Money` per currency, sorted by code.

    >>> totals = MoneyTotals.of([Money.of("10.00", "EUR"), Money.of(500, "JPY"), Money.of("2.50", "EUR")])
    >>> totals
    MoneyTotals(['12.50 EUR', '500 JPY'])
    >>> totals["EUR"], totals["USD"]
    (Money('12.50', 'EUR'), Money('0', 'USD'))
    >>> (totals + Money.of(-500, "JPY")).nonzero()
    MoneyTotals(['12.50 EUR'])
    >>> totals.only()
    Traceback (most recent call last):
    ...
    credkit.errors.CurrencyMismatchError: totals: expected amounts in one currency, got EUR, JPY; convert them first with credkit.fx.convert
    """

    _amounts: tuple[tuple[str, Decimal], ...] = attrs.field(default=(), validator=_check_totals)

    @classmethod
    def of(cls, amounts: Iterable[Money | None]) -> MoneyTotals:
        """The totals of ``amounts`` (``None`` entries are skipped).

        >>> MoneyTotals.of([]).currencies, MoneyTotals.of([None, Money.of(1, "EUR")]).currencies
        ((), ('EUR',))
        """
        sums: dict[str, Decimal] = {}
        add = EXACT_CONTEXT.add
        for money in amounts:
            if money is None:
                continue
            if not isinstance(money, Money):
                raise ValidationError(
                    f"amounts: expected Money values, got {type(money).__name__} {money!r}"
                )
            currency = money.currency
            sums[currency] = add(sums[currency], money.amount) if currency in sums else money.amount
        return cls(tuple(sorted(sums.items())))

    @property
    def currencies(self) -> tuple[str, ...]:
        """The currencies seen, sorted."""
        return tuple(currency for currency, _ in self._amounts)

    def __getitem__(self, currency: str) -> Money:
        """The total in ``currency`` (zero when there is none)."""
        for code, amount in self._amounts:
            if code == currency:
                return Money(amount, code)
        return Money.zero(currency)

    def __iter__(self) -> Iterator[Money]:
        return (Money(amount, currency) for currency, amount in self._amounts)

    def __len__(self) -> int:
        return len(self._amounts)

    def __add__(self, other: MoneyTotals | Money) -> MoneyTotals:
        if isinstance(other, Money):
            return MoneyTotals.of([*self, other])
        if isinstance(other, MoneyTotals):
            return MoneyTotals.of([*self, *other])
        return NotImplemented

    def __neg__(self) -> MoneyTotals:
        return MoneyTotals(tuple((c, EXACT_CONTEXT.minus(a)) for c, a in self._amounts))

    def __sub__(self, other: MoneyTotals | Money) -> MoneyTotals:
        if isinstance(other, Money | MoneyTotals):
            return self + -other
        return NotImplemented

    def nonzero(self) -> MoneyTotals:
        """The same totals without the currencies whose total is zero."""
        return MoneyTotals(tuple((c, a) for c, a in self._amounts if a))

    def only(self, currency: str | None = None) -> Money:
        """The one total there is; an error when there are amounts in several currencies.

        With ``currency``, the totals must be in that currency only (or empty: zero).

        >>> MoneyTotals.of([Money.of(3, "EUR")]).only(), MoneyTotals().only("EUR")
        (Money('3', 'EUR'), Money('0', 'EUR'))
        """
        codes = self.currencies
        if len(codes) > 1 or (currency is not None and codes and codes != (currency,)):
            wanted = f" {currency}" if currency is not None else ""
            raise CurrencyMismatchError(
                f"totals: expected amounts in one currency{wanted}, got {', '.join(codes)}; "
                "convert them first with credkit.fx.convert"
            )
        if not codes:
            if currency is None:
                raise ValidationError("totals: no amounts, and no currency to give a zero in")
            return Money.zero(currency)
        return Money(self._amounts[0][1], codes[0])

    def __repr__(self) -> str:
        return f"MoneyTotals({[str(money) for money in self]!r})"
