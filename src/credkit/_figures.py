"""Figures for messages, reasons and command-line tables, in one fixed style.

credkit writes amounts and factors in its own messages the way en-US writes them
(``1,234,567.89``): a comma between thousands, a point before the decimals. That
style is credkit's decision, not a locale's, so it is written here with the
standard library instead of asking babel, whose CLDR data changes between releases
and whose pattern parsing costs more than the formatting itself. Text for people in
their own locale goes through :meth:`credkit.money.Money.format` (babel).

Rounding is half to even, as babel's pattern formatting rounds, unless a caller
rounds first; amounts with their currency (:func:`plain_amount`) are rounded half up,
for display only, to the currency's minor units.
"""

from __future__ import annotations

import functools
from decimal import ROUND_HALF_EVEN, Context, Decimal

from credkit.money import DEFAULT_ROUNDING, minor_units

__all__ = [
    "fmt_amount",
    "grouped",
    "grouped_exact",
    "percent",
    "plain_amount",
    "plain_number",
    "quantum",
]

_MAX_PLACES = 10
_CONTEXT = Context(prec=28, rounding=ROUND_HALF_EVEN)


def grouped(value: Decimal, places: int) -> str:
    """``value`` rounded half to even to ``places`` decimals, thousands grouped.

    >>> grouped(Decimal("1234567.891"), 2), grouped(Decimal("-1234"), 0)
    ('1,234,567.89', '-1,234')
    >>> grouped(Decimal("1E+5"), 2), grouped(Decimal("0.005"), 2)
    ('100,000.00', '0.00')
    """
    if not value.is_finite():
        return str(value)
    digits = value.adjusted() + places + 2
    context = (
        _CONTEXT if digits <= _CONTEXT.prec else Context(prec=digits, rounding=ROUND_HALF_EVEN)
    )
    return f"{value.quantize(quantum(places), context=context):,f}"


@functools.cache
def quantum(places: int) -> Decimal:
    """``Decimal('0.01')`` for 2 places: what :meth:`Decimal.quantize` rounds to.

    >>> quantum(2), quantum(0)
    (Decimal('0.01'), Decimal('1'))
    """
    return Decimal((0, (1,), -places))


def grouped_exact(value: Decimal) -> str:
    """``value`` with thousands grouped and no trailing zeros (at most ten decimals).

    >>> grouped_exact(Decimal("5000")), grouped_exact(Decimal("0.0250")), grouped_exact(Decimal("1E+3"))
    ('5,000', '0.025', '1,000')
    """
    text = grouped(value, _MAX_PLACES)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


# -- amounts and numbers in messages ----------------------------------------------------

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


def percent(share: Decimal) -> str:
    """A fraction as a percentage: ``Decimal('0.05')`` -> ``'5 %'``.

    >>> percent(Decimal("0.05")), percent(Decimal("0.125"))
    ('5 %', '12.5 %')
    """
    return f"{plain_number(share * 100)} %"
