"""KPI figures read as numbers: no ``1E+2`` for 100 or ``0E+2`` for 0.

Dividing by an amount with cents leaves a positive exponent (``500 / 5.00`` is
``Decimal('1E+2')``); the value is right but prints in scientific notation, which is
what a credit manager then sees in a table.
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from credkit.kpi import bad_debt_ratio, dso_simple, percent_current

CENTS = st.integers(0, 10**9).map(lambda n: Decimal(n).scaleb(-2))


def test_a_whole_percentage_reads_as_a_number() -> None:
    assert str(percent_current(Decimal("5"), Decimal("5.00"))) == "100"
    assert str(dso_simple(Decimal("0"), Decimal("1000.00"), 31)) == "0"
    assert str(bad_debt_ratio(Decimal("0"), Decimal("1000.00"))) == "0"


@given(CENTS, CENTS.filter(bool), st.integers(1, 366))
def test_figures_never_print_with_an_exponent(part: Decimal, whole: Decimal, days: int) -> None:
    current = min(part, whole)
    for figure in (
        percent_current(current, whole),
        dso_simple(part, whole, days),
        bad_debt_ratio(part, whole),
    ):
        exponent = figure.as_tuple().exponent
        assert isinstance(exponent, int)
        assert exponent <= 0, figure
    assert percent_current(current, whole) == current * 100 / whole  # the same value
