"""Figures for messages, reasons and command-line tables, in one fixed style.

credkit writes amounts and factors in its own messages the way en-US writes them
(``1,234,567.89``): a comma between thousands, a point before the decimals. That
style is credkit's decision, not a locale's, so it is written here with the
standard library instead of asking babel, whose CLDR data changes between releases
and whose pattern parsing costs more than the formatting itself. Text for people in
their own locale goes through :meth:`credkit.money.Money.format` (babel).

Rounding is half to even, as babel's pattern formatting rounds, unless a caller
rounds first.
"""

from __future__ import annotations

import functools
from decimal import ROUND_HALF_EVEN, Context, Decimal

__all__ = ["grouped", "grouped_exact", "quantum"]

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
