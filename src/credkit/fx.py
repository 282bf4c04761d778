"""Exchange rates in force on a date, and conversion of amounts between currencies.

credkit never mixes currencies silently: to turn an amount in one currency into
another, :func:`convert` asks a :class:`RateSource` for the rate in force on a date
the caller names. :class:`RateTable` is the in-memory source credkit ships: a set of
dated :class:`Rate` values (for example the ECB's euro reference rates) that answers
with the latest rate valid on or before the date, derives inverse and cross rates, and
raises :class:`~credkit.errors.RateNotFoundError` rather than guess.

The conversion rounds once, to the target currency's minor units, half away from
zero (:data:`~credkit.money.DEFAULT_ROUNDING`); rates themselves are never rounded
except where they are derived (an inverse or a cross rate is computed to
:data:`RATE_PRECISION` significant digits).

>>> from datetime import date
>>> table = RateTable.from_mapping({"2019-10-01": {"USD": "1.0898"}}, base="EUR")
>>> convert(Money.of("1000.00", "EUR"), "USD", on=date(2019, 10, 1), rates=table)
Money('1089.80', 'USD')
>>> convert(Money.of("1089.80", "USD"), "EUR", on=date(2019, 10, 1), rates=table)
Money('1000.00', 'EUR')
"""

from __future__ import annotations

import bisect
import datetime
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_EVEN, Context, Decimal
from typing import Any, Final, Protocol, runtime_checkable

import attrs

from credkit._validate import check_currency, check_date, currency_code, iso_day
from credkit.errors import RateNotFoundError, ValidationError
from credkit.money import DEFAULT_ROUNDING, Money, Numeric, minor_units, to_decimal

__all__ = ["RATE_PRECISION", "Rate", "RateSource", "RateTable", "convert"]

RATE_PRECISION: Final = 28
"""Significant digits of a derived rate: an inverse (``1 / rate``) or a cross rate
(the product of two legs) is computed in a local :class:`decimal.Context` of this
precision, rounding half to even. Stored rates are returned exactly as given."""

_RATE_CONTEXT: Final = Context(prec=RATE_PRECISION, rounding=ROUND_HALF_EVEN)
_ONE: Final = Decimal(1)

_Index = dict[tuple[str, str], tuple[tuple[datetime.date, ...], tuple[Decimal, ...]]]


# -- validation helpers ----------------------------------------------------------------


def _date_validator(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    check_date(value, attribute.name)


def _to_rate(value: Numeric) -> Decimal:
    return to_decimal(value, field="rate")


def _positive(_instance: object, _attribute: attrs.Attribute[Any], value: Decimal) -> None:
    if value <= 0:
        raise ValidationError(f"rate: must be > 0, got {value}")


def _pivot_validator(_instance: object, _attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        check_currency(value, "pivot")


# -- the protocol ----------------------------------------------------------------------


@runtime_checkable
class RateSource(Protocol):
    """Anything that can say which exchange rate was in force for a pair on a date.

    ``rate(base, quote, on)`` returns how many units of ``quote`` one unit of ``base``
    buys on ``on``, as a positive ``Decimal``. When it does not know, it raises
    :class:`~credkit.errors.RateNotFoundError`; it never guesses (no nearest later
    rate, no default of 1). :class:`RateTable` is credkit's own implementation; a host
    can plug its own (a database of ECB fixings, a treasury system) by writing a class
    with this one method.

    >>> from datetime import date
    >>> from decimal import Decimal
    >>> class Pegged:
    ...     def rate(self, base: str, quote: str, on: date) -> Decimal:
    ...         if (base, quote) == ("EUR", "BGN"):
    ...             return Decimal("1.95583")
    ...         raise RateNotFoundError(f"no {base}/{quote} rate on {on}")
    >>> isinstance(Pegged(), RateSource)
    True
    >>> convert(Money.of(100, "EUR"), "BGN", on=date(2019, 10, 1), rates=Pegged())
    Money('195.58', 'BGN')
    """

    def rate(self, base: str, quote: str, on: datetime.date) -> Decimal:
        """Units of ``quote`` for one unit of ``base`` in force on ``on``.

        Raises :class:`~credkit.errors.RateNotFoundError` when the rate is unknown.
        """
        ...


# -- values ----------------------------------------------------------------------------


@attrs.frozen
class Rate:
    """One exchange rate: ``rate`` units of ``quote`` buy one unit of ``base``,
    in force from ``valid_from`` until a later rate for the same pair supersedes it.

    ``base`` and ``quote`` are ISO 4217 codes known to CLDR (checked as for
    :class:`~credkit.money.Money`) and must differ; ``rate`` is a positive exact number
    (``Decimal``, ``int`` or numeric string, never ``float``) and is kept as given.

    >>> from datetime import date
    >>> Rate("EUR", "USD", date(2019, 10, 1), "1.0898")
    Rate(base='EUR', quote='USD', valid_from=datetime.date(2019, 10, 1), rate=Decimal('1.0898'))
    >>> Rate("EUR", "USD", date(2019, 10, 1), 1.0898)
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: rate: float 1.0898 is not exact; pass a Decimal, an int or a string such as '1.0898'
    >>> Rate("EUR", "USD", date(2019, 10, 1), "0")
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: rate: must be > 0, got 0
    """

    base: str = attrs.field(validator=currency_code)
    quote: str = attrs.field(validator=currency_code)
    valid_from: datetime.date = attrs.field(validator=_date_validator)
    rate: Decimal = attrs.field(converter=_to_rate, validator=_positive)

    def __attrs_post_init__(self) -> None:
        if self.base == self.quote:
            raise ValidationError(
                f"quote: must differ from base, got {self.quote!r} for both; "
                "a currency converts to itself at 1 without a rate"
            )


def _to_rates(value: Iterable[Rate]) -> tuple[Rate, ...]:
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        raise ValidationError(
            f"rates: expected a tuple or list of Rate values, got {type(value).__name__} {value!r}"
        )
    rates = tuple(value)
    for i, item in enumerate(rates):
        if not isinstance(item, Rate):
            raise ValidationError(
                f"rates[{i}]: expected a Rate, got {type(item).__name__} {item!r}"
            )
    return rates


def _build_index(rates: tuple[Rate, ...]) -> _Index:
    grouped: dict[tuple[str, str], list[tuple[datetime.date, int]]] = {}
    for i, item in enumerate(rates):
        grouped.setdefault((item.base, item.quote), []).append((item.valid_from, i))
    index: _Index = {}
    for pair, entries in grouped.items():
        entries.sort()
        dates: list[datetime.date] = []
        values: list[Decimal] = []
        first_at: list[int] = []
        for valid_from, i in entries:
            value = rates[i].rate
            if dates and dates[-1] == valid_from:
                if values[-1] != value:
                    raise ValidationError(
                        f"rates[{i}]: {pair[0]}/{pair[1]} valid from {valid_from} is given "
                        f"twice with different values, {values[-1]} (rates[{first_at[-1]}]) "
                        f"and {value}; keep one, the table cannot choose"
                    )
                continue
            dates.append(valid_from)
            values.append(value)
            first_at.append(i)
        index[pair] = (tuple(dates), tuple(values))
    return index


@attrs.frozen
class RateTable:
    """Dated exchange rates held in memory; the reference :class:`RateSource`.

    ``rate(base, quote, on)`` uses the latest rate whose ``valid_from`` is on or
    before ``on`` and looks in this order, stopping at the first that has a rate in
    force on ``on``:

    1. the same currency: ``1``;
    2. the pair itself, as stored (``base``/``quote``);
    3. the reverse pair (``quote``/``base``), inverted: ``1 / rate``;
    4. when ``pivot`` is set and is neither currency, the cross rate
       ``base->pivot x pivot->quote``, each leg itself direct or inverted as above.

    A step that finds a rate ends the search, even if a later step would have found
    a more recent one; keep each pair in one direction to avoid the question.
    Derived rates (steps 3 and 4) are computed to :data:`RATE_PRECISION` significant
    digits. Nothing found raises :class:`~credkit.errors.RateNotFoundError`, naming
    the pair, the date and the earliest date the table could answer for that pair.

    Two rates for the same pair and ``valid_from`` with different values are refused
    as ambiguous (identical repeats are harmless). The table indexes its rates once,
    when it is built, so a lookup is a binary search, however many rates it holds.

    >>> from datetime import date
    >>> table = RateTable(
    ...     (
    ...         Rate("EUR", "USD", date(2019, 10, 1), "1.0898"),
    ...         Rate("EUR", "GBP", date(2019, 10, 1), "0.88955"),
    ...     ),
    ...     pivot="EUR",
    ... )
    >>> table.rate("EUR", "USD", date(2019, 10, 31))
    Decimal('1.0898')
    >>> table.rate("USD", "EUR", date(2019, 10, 1))
    Decimal('0.9175995595522114149385208295')
    >>> table.rate("USD", "GBP", date(2019, 10, 1))
    Decimal('0.8162506881996696641585612039')
    """

    rates: tuple[Rate, ...] = attrs.field(converter=_to_rates)
    pivot: str | None = attrs.field(default=None, validator=_pivot_validator)
    _index: _Index = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_index", _build_index(self.rates))

    @classmethod
    def from_mapping(
        cls, data: Mapping[datetime.date | str, Mapping[str, Numeric]], *, base: str
    ) -> RateTable:
        """Build a table from rates quoted against one ``base`` currency, by date.

        ``data`` maps each date (a ``datetime.date`` or an ISO ``"YYYY-MM-DD"``
        string) to ``{quote currency: units of quote for one base}``, the shape in
        which the ECB publishes its euro reference rates. The table's ``pivot`` is
        ``base``, so cross rates between any two quoted currencies are available;
        use ``attrs.evolve(table, pivot=None)`` to turn that off.

        >>> table = RateTable.from_mapping(
        ...     {"2019-10-01": {"USD": "1.0898", "GBP": "0.88955"}}, base="EUR"
        ... )
        >>> table.pivot, len(table.rates)
        ('EUR', 2)
        >>> table.rates[0]
        Rate(base='EUR', quote='USD', valid_from=datetime.date(2019, 10, 1), rate=Decimal('1.0898'))
        >>> RateTable.from_mapping({"2019-10-32": {"USD": "1.0898"}}, base="EUR")
        Traceback (most recent call last):
        ...
        credkit.errors.ValidationError: data: key '2019-10-32' is not a date; expected a datetime.date or 'YYYY-MM-DD'
        """
        check_currency(base, "base")
        if not isinstance(data, Mapping):
            raise ValidationError(
                "data: expected a mapping of dates to {currency: rate} mappings, "
                f"got {type(data).__name__} {data!r}"
            )
        rates: list[Rate] = []
        for key, quotes in data.items():
            valid_from = _parse_date(key)
            if not isinstance(quotes, Mapping):
                raise ValidationError(
                    f"data[{key!r}]: expected a mapping of currency codes to rates, "
                    f"got {type(quotes).__name__} {quotes!r}"
                )
            for quote, value in quotes.items():
                try:
                    rates.append(Rate(base, quote, valid_from, value))
                except ValidationError as error:
                    raise ValidationError(f"data[{key!r}][{quote!r}]: {error.message}") from None
        return cls(tuple(rates), pivot=base)

    # -- lookup --------------------------------------------------------------------------

    def rate(self, base: str, quote: str, on: datetime.date) -> Decimal:
        """Units of ``quote`` for one unit of ``base`` in force on ``on``.

        See the class description for the lookup order. Raises
        :class:`~credkit.errors.RateNotFoundError` when no rate is in force, and
        :class:`~credkit.errors.ValidationError` for an unknown currency code or a
        date that is not a ``datetime.date``.

        >>> from datetime import date
        >>> table = RateTable((Rate("EUR", "USD", date(2019, 10, 1), "1.0898"),))
        >>> table.rate("USD", "USD", date(2019, 10, 1))
        Decimal('1')
        >>> table.rate("EUR", "USD", date(2019, 9, 30))
        Traceback (most recent call last):
        ...
        credkit.errors.RateNotFoundError: no EUR/USD rate in force on 2019-09-30; the earliest rate for EUR/USD is valid from 2019-10-01
        """
        check_currency(base, "base")
        check_currency(quote, "quote")
        check_date(on, "on")
        if base == quote:
            return _ONE
        found = self._leg(base, quote, on)
        pivot = self.pivot
        if found is None and pivot is not None and pivot not in (base, quote):
            to_pivot = self._leg(base, pivot, on)
            from_pivot = self._leg(pivot, quote, on) if to_pivot is not None else None
            if to_pivot is not None and from_pivot is not None:
                found = _RATE_CONTEXT.multiply(to_pivot, from_pivot)
        if found is None:
            raise RateNotFoundError(self._not_found(base, quote, on))
        return found

    def _latest(self, base: str, quote: str, on: datetime.date) -> Decimal | None:
        entry = self._index.get((base, quote))
        if entry is None:
            return None
        dates, values = entry
        position = bisect.bisect_right(dates, on)
        return values[position - 1] if position else None

    def _leg(self, base: str, quote: str, on: datetime.date) -> Decimal | None:
        direct = self._latest(base, quote, on)
        if direct is not None:
            return direct
        reverse = self._latest(quote, base, on)
        if reverse is not None:
            return _RATE_CONTEXT.divide(_ONE, reverse)
        return None

    def _first(self, base: str, quote: str) -> datetime.date | None:
        """Earliest date from which a direct or inverse lookup of the pair succeeds."""
        firsts = [
            entry[0][0]
            for entry in (self._index.get((base, quote)), self._index.get((quote, base)))
            if entry
        ]
        return min(firsts, default=None)

    def _earliest(self, base: str, quote: str) -> datetime.date | None:
        """Earliest date from which :meth:`rate` succeeds for the pair, by any route."""
        candidates: list[datetime.date] = []
        direct = self._first(base, quote)
        if direct is not None:
            candidates.append(direct)
        pivot = self.pivot
        if pivot is not None and pivot not in (base, quote):
            to_pivot = self._first(base, pivot)
            from_pivot = self._first(pivot, quote)
            if to_pivot is not None and from_pivot is not None:
                candidates.append(max(to_pivot, from_pivot))
        return min(candidates, default=None)

    def _not_found(self, base: str, quote: str, on: datetime.date) -> str:
        pair = f"{base}/{quote}"
        earliest = self._earliest(base, quote)
        if earliest is not None:
            return (
                f"no {pair} rate in force on {on}; "
                f"the earliest rate for {pair} is valid from {earliest}"
            )
        if self.pivot is not None:
            routes = f"directly, inverted or through the pivot {self.pivot}"
        else:
            routes = "directly or inverted, and the table has no pivot for cross rates"
        return f"no {pair} rate in force on {on}; the table has no rate for {pair} {routes}"


def _parse_date(key: object) -> datetime.date:
    if isinstance(key, datetime.date) and not isinstance(key, datetime.datetime):
        return key
    if isinstance(key, str):
        try:
            return iso_day(key)
        except ValueError:
            pass
    raise ValidationError(
        f"data: key {key!r} is not a date; expected a datetime.date or 'YYYY-MM-DD'"
    )


# -- conversion ------------------------------------------------------------------------


def _round(value: Decimal, places: int) -> Decimal:
    quantum = Decimal((0, (1,), -places))
    precision = max(RATE_PRECISION, value.adjusted() + places + 2)
    rounded = value.quantize(quantum, rounding=DEFAULT_ROUNDING, context=Context(prec=precision))
    return rounded.copy_abs() if rounded.is_zero() else rounded


def convert(money: Money, to: str, *, on: datetime.date, rates: RateSource) -> Money:
    """Convert ``money`` into currency ``to`` at the rate in force on ``on``.

    The amount is multiplied exactly by ``rates.rate(money.currency, to, on)`` and
    then rounded once, to ``to``'s minor units, half away from zero: this is the
    documented rounding point of a conversion. The sign is kept (a credit note stays
    negative). Converting to the same currency returns ``money`` unchanged, without
    asking for a rate and without rounding. ``rates`` must be a :class:`RateSource`
    even then (anything else raises :class:`~credkit.errors.ValidationError`). A
    missing rate raises :class:`~credkit.errors.RateNotFoundError` from the source; a
    source that answers with anything but a positive ``Decimal`` raises
    :class:`~credkit.errors.ValidationError`.

    >>> from datetime import date
    >>> table = RateTable.from_mapping({"2019-10-01": {"JPY": "118.00"}}, base="EUR")
    >>> convert(Money.of("-1000000", "JPY"), "EUR", on=date(2019, 10, 1), rates=table)
    Money('-8474.58', 'EUR')
    >>> convert(Money.of("12.345", "EUR"), "EUR", on=date(2019, 10, 1), rates=table)
    Money('12.345', 'EUR')
    >>> convert(Money.of(1, "EUR"), "USD", on=date(2019, 10, 1), rates=None)
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: rates: expected a credkit.fx.RateSource such as a RateTable, got NoneType None
    """
    if not isinstance(money, Money):
        raise ValidationError(
            f"money: expected a Money value such as Money.of('100.00', 'EUR'), "
            f"got {type(money).__name__} {money!r}"
        )
    check_currency(to, "to")
    check_date(on, "on")
    if not isinstance(rates, RateSource):
        raise ValidationError(
            "rates: expected a credkit.fx.RateSource such as a RateTable, "
            f"got {type(rates).__name__} {rates!r}"
        )
    if money.currency == to:
        return money
    rate = rates.rate(money.currency, to, on)
    if not isinstance(rate, Decimal) or not rate.is_finite() or rate <= 0:
        raise ValidationError(
            f"rates: {type(rates).__name__}.rate({money.currency!r}, {to!r}, {on}) returned "
            f"{type(rate).__name__} {rate!r}; a RateSource must return a positive Decimal"
        )
    amount = money.amount
    digits = len(amount.as_tuple().digits) + len(rate.as_tuple().digits)
    product = Context(prec=digits + 1).multiply(amount, rate)
    return Money(_round(product, minor_units(to)), to)
