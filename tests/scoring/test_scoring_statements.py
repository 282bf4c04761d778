"""Tests for credkit.scoring.statements and credkit.scoring.ratios."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from credkit.config import load
from credkit.errors import ConfigError, ValidationError
from credkit.scoring import (
    EquityMeasure,
    FinancialStatement,
    current_ratio,
    debt_to_equity,
    equity_ratio,
    interest_coverage,
    quick_ratio,
    tangible_net_worth,
    working_capital,
    x1,
    x2,
    x3,
    x4,
    x5,
)

FIGURES = tuple(
    field.name
    for field in attrs.fields(FinancialStatement)
    if field.name not in ("period_end", "currency")
)
MAY_BE_NEGATIVE = {"retained_earnings", "ebit", "book_equity"}

FULL = FinancialStatement(
    current_assets="420000",
    current_liabilities="300000",
    total_assets="1250000",
    total_liabilities="750000",
    retained_earnings="180000",
    ebit="95000",
    sales="2100000",
    book_equity="500000",
    market_value_equity="640000",
    intangibles="60000",
    cash="40000",
    inventory="150000",
    interest_expense="19000",
    period_end=date(2025, 12, 31),
    currency="EUR",
)


# -- the statement ----------------------------------------------------------------------


def test_figures_accept_decimal_int_and_numeric_strings() -> None:
    statement = FinancialStatement(cash=Decimal("1.50"), inventory=7, sales=" 1_000.25 ")
    assert statement.cash == Decimal("1.50")
    assert statement.inventory == Decimal(7)
    assert statement.sales == Decimal("1000.25")
    assert statement.total_assets is None


@pytest.mark.parametrize("name", FIGURES)
def test_float_is_refused_naming_the_field(name: str) -> None:
    with pytest.raises(ValidationError, match=rf"^{name}: float 1.5 is not exact"):
        FinancialStatement(**{name: 1.5})


@pytest.mark.parametrize("name", FIGURES)
def test_junk_is_refused_naming_the_field(name: str) -> None:
    with pytest.raises(ValidationError, match=rf"^{name}: 'lots' is not a number"):
        FinancialStatement(**{name: "lots"})


@pytest.mark.parametrize("name", FIGURES)
def test_only_equity_earnings_and_ebit_may_be_negative(name: str) -> None:
    if name in MAY_BE_NEGATIVE:
        assert getattr(FinancialStatement(**{name: -5}), name) == Decimal(-5)
    else:
        with pytest.raises(ValidationError, match=rf"^{name}: must be zero or more, got -5"):
            FinancialStatement(**{name: -5})


def test_currency_and_period_end_are_checked() -> None:
    with pytest.raises(ValidationError, match=r"^currency: 'eur' is not an ISO 4217 code"):
        FinancialStatement(currency="eur")
    with pytest.raises(ValidationError, match=r"^period_end: expected a datetime.date"):
        FinancialStatement(period_end="2025-12-31")  # type: ignore[arg-type]


def test_statement_loads_from_a_document_with_paths_in_errors() -> None:
    statement = load(
        FinancialStatement,
        'total_assets = 1250000.00\nebit = -3.5\nperiod_end = 2025-12-31\ncurrency = "EUR"',
        format="toml",
    )
    assert statement.total_assets == Decimal("1250000.00")
    assert statement.ebit == Decimal("-3.5")
    assert statement.period_end == date(2025, 12, 31)
    with pytest.raises(ConfigError, match=r"^sales: must be zero or more, got -1$"):
        load(FinancialStatement, {"sales": -1})
    with pytest.raises(ConfigError, match=r"^total_asset: unknown key"):
        load(FinancialStatement, {"total_asset": 1})


# -- ratios -------------------------------------------------------------------------------


def test_ratios_of_a_full_statement() -> None:
    assert working_capital(FULL) == Decimal(120000)
    assert tangible_net_worth(FULL) == Decimal(440000)
    assert current_ratio(FULL) == Decimal("1.4")
    assert quick_ratio(FULL) == Decimal("0.9")
    assert debt_to_equity(FULL) == Decimal("1.5")
    assert equity_ratio(FULL) == Decimal("0.4")
    assert interest_coverage(FULL) == Decimal(5)
    assert x1(FULL) == Decimal("0.096")
    assert x2(FULL) == Decimal("0.144")
    assert x3(FULL) == Decimal("0.076")
    assert x4(FULL) == Decimal("0.8533333333333333333333333333")
    assert x4(FULL, equity=EquityMeasure.BOOK) == Decimal("0.6666666666666666666666666667")
    assert x5(FULL) == Decimal("1.68")


RATIOS = {
    "current_ratio": (current_ratio, "current_liabilities"),
    "quick_ratio": (quick_ratio, "current_liabilities"),
    "equity_ratio": (equity_ratio, "total_assets"),
    "interest_coverage": (interest_coverage, "interest_expense"),
    "x1": (x1, "total_assets"),
    "x2": (x2, "total_assets"),
    "x3": (x3, "total_assets"),
    "x4": (x4, "total_liabilities"),
    "x5": (x5, "total_assets"),
}


@pytest.mark.parametrize("name", sorted(RATIOS))
def test_zero_denominator_names_the_field(name: str) -> None:
    ratio, denominator = RATIOS[name]
    with pytest.raises(ValidationError, match=rf"^{denominator}: is zero, so .* is undefined$"):
        ratio(attrs.evolve(FULL, **{denominator: 0}))


def test_missing_figure_is_named_with_what_needed_it() -> None:
    with pytest.raises(
        ValidationError,
        match=r"^total_assets: needed for x1 \(working capital / total assets\) but missing$",
    ):
        x1(attrs.evolve(FULL, total_assets=None))
    with pytest.raises(
        ValidationError,
        match=r"^current_assets: needed for x1 .* but missing \(also missing: total_assets\)$",
    ):
        x1(attrs.evolve(FULL, current_assets=None, total_assets=None))
    with pytest.raises(ValidationError, match=r"^book_equity: needed for x4 \(book equity"):
        x4(attrs.evolve(FULL, book_equity=None), equity=EquityMeasure.BOOK)
    with pytest.raises(ValidationError, match=r"^intangibles: needed for tangible net worth"):
        tangible_net_worth(attrs.evolve(FULL, intangibles=None))


def test_debt_to_equity_refuses_zero_and_negative_equity() -> None:
    for equity in (0, -1):
        with pytest.raises(ValidationError, match=r"^book_equity: is -?\d+; debt to equity"):
            debt_to_equity(attrs.evolve(FULL, book_equity=equity))


def test_results_beyond_the_decimal_range_raise_a_validation_error() -> None:
    # Figures that overflowed exact arithmetic (9e999999) are now refused as they come in.
    with pytest.raises(ValidationError, match=r"^current_assets: '9e999999' is out of bounds"):
        FinancialStatement(current_assets="9e999999")
    with pytest.raises(ValidationError, match=r"^total_assets: '1e-999999' is out of bounds"):
        FinancialStatement(total_assets="1e-999999")
    # The largest and smallest figures within the bounds still give exact ratios.
    extreme = FinancialStatement(
        current_assets="9e30", current_liabilities=0, total_assets="1e-30", sales="9e30"
    )
    assert x1(extreme) == Decimal("9e60")
    assert x5(extreme) == Decimal("9e60")


def test_ratio_refuses_something_that_is_not_a_statement() -> None:
    with pytest.raises(ValidationError, match=r"^statement: expected a FinancialStatement"):
        current_ratio({"current_assets": 1})  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=r"^equity: expected EquityMeasure"):
        x4(FULL, equity="book")  # type: ignore[arg-type]


# -- properties ---------------------------------------------------------------------------

_figures = st.one_of(
    st.none(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.decimals(min_value=-(10**9), max_value=10**9, allow_nan=False, places=2),
)


@st.composite
def _statements(draw: st.DrawFn) -> FinancialStatement:
    values = {}
    for name in FIGURES:
        value = draw(_figures)
        if value is not None and name not in MAY_BE_NEGATIVE:
            value = abs(value)
        values[name] = value
    return FinancialStatement(**values)


ALL_RATIOS = (
    working_capital,
    tangible_net_worth,
    current_ratio,
    quick_ratio,
    debt_to_equity,
    equity_ratio,
    interest_coverage,
    x1,
    x2,
    x3,
    x4,
    x5,
)


@given(_statements())
def test_every_ratio_returns_a_decimal_or_names_a_field(statement: FinancialStatement) -> None:
    for ratio in ALL_RATIOS:
        try:
            value = ratio(statement)
        except ValidationError as error:
            field = str(error).split(":", 1)[0]
            assert field in FIGURES
        else:
            assert isinstance(value, Decimal)
            assert value.is_finite()


@given(_statements(), st.integers(min_value=1, max_value=10**6))
def test_ratios_do_not_depend_on_the_unit(statement: FinancialStatement, scale: int) -> None:
    scaled = FinancialStatement(
        **{
            name: None if getattr(statement, name) is None else getattr(statement, name) * scale
            for name in FIGURES
        }
    )
    for ratio in (current_ratio, quick_ratio, equity_ratio, x1, x2, x3, x4, x5):
        try:
            expected = ratio(statement)
        except ValidationError:
            continue
        assert abs(ratio(scaled) - expected) <= abs(expected) * Decimal("1e-25")
