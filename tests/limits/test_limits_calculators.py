"""Example tests for each limit calculator, with the arithmetic worked by hand.

The rules of thumb behind the methods (10 % of net worth, sales x terms, a share
of a bureau's suggestion) are described in docs/explanation/credit-limits.md with
their public sources; the figures here are our own worked examples.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credkit.errors import ValidationError
from credkit.fx import RateTable
from credkit.ledger import Customer
from credkit.limits import (
    BureauMethod,
    Calculator,
    ClassMultiplier,
    InsuranceCover,
    InsuredCoverMethod,
    LimitInputs,
    MatrixCell,
    MethodResult,
    RiskClassMatrixMethod,
    SalesMethod,
    TangibleNetWorthMethod,
    WorkingCapitalMethod,
)
from credkit.money import Money
from credkit.scoring import FinancialStatement

AS_OF = date(2026, 3, 31)
ACME = Customer("C1", "Acme GmbH", country="DE", currency="EUR", segment="wholesale")
RATES = RateTable.from_mapping({"2026-03-02": {"USD": "1.0800", "GBP": "0.8500"}}, base="EUR")


def inputs(**changes: object) -> LimitInputs:
    return LimitInputs(ACME, as_of=AS_OF, **changes)  # type: ignore[arg-type]


def eur(amount: str | int) -> Money:
    return Money.of(amount, "EUR")


# -- tangible net worth ------------------------------------------------------------------------


def test_tangible_net_worth_percent() -> None:
    statement = FinancialStatement(book_equity=812_345, intangibles=150_000, currency="EUR")
    result = TangibleNetWorthMethod(percent=10).recommend(inputs(statement=statement))
    # tangible net worth = 812,345 - 150,000 = 662,345; 10 % of it = 66,234.50
    assert result.amount == eur("66234.50")
    assert result.reason == "10% of tangible net worth 662,345.00 EUR"
    assert result.method == "tangible_net_worth"
    assert result.kind == "tangible_net_worth"
    assert result.applicable


def test_tangible_net_worth_rounds_down_to_the_cent() -> None:
    statement = FinancialStatement(book_equity="1000.09", intangibles=0, currency="EUR")
    # 7.5 % of 1,000.09 = 75.00675 -> 75.00 (down, never up)
    assert TangibleNetWorthMethod(percent="7.5").recommend(
        inputs(statement=statement)
    ).amount == eur("75.00")


def test_negative_tangible_net_worth_gives_zero_with_its_reason() -> None:
    statement = FinancialStatement(book_equity=50_000, intangibles=80_000, currency="EUR")
    result = TangibleNetWorthMethod(percent=10).recommend(inputs(statement=statement))
    # 50,000 - 80,000 = -30,000: nothing to lend against
    assert result.amount == Money.zero("EUR")
    assert "-30,000.00 EUR, not above zero: no credit on this method" in result.reason


@pytest.mark.parametrize(
    ("statement", "why"),
    [
        (None, "no financial statement"),
        (
            FinancialStatement(book_equity=1, intangibles=0),
            "the financial statement has no currency; set FinancialStatement.currency",
        ),
        (
            FinancialStatement(book_equity=1, currency="EUR"),
            "the financial statement lacks a figure for tangible net worth (intangibles: needed "
            "for tangible net worth (book equity - intangibles) but missing)",
        ),
    ],
)
def test_tangible_net_worth_not_applicable(statement: FinancialStatement | None, why: str) -> None:
    result = TangibleNetWorthMethod(percent=10).recommend(inputs(statement=statement))
    assert result.amount is None
    assert not result.applicable
    assert result.reason == f"not applicable: {why}"


def test_statement_older_than_the_maximum_age_is_refused() -> None:
    statement = FinancialStatement(
        book_equity=100, intangibles=0, currency="EUR", period_end=date(2024, 9, 30)
    )
    method = TangibleNetWorthMethod(percent=10, max_age_months=18)
    # 2024-09-30 + 18 months = 2026-03-30, one day before AS_OF
    assert method.recommend(inputs(statement=statement)).reason == (
        "not applicable: the financial statement of 2024-09-30 is more than 18 months old "
        "on 2026-03-31"
    )
    fresh = FinancialStatement(
        book_equity=100, intangibles=0, currency="EUR", period_end=date(2024, 10, 1)
    )
    assert method.recommend(inputs(statement=fresh)).amount == eur("10.00")
    undated = FinancialStatement(book_equity=100, intangibles=0, currency="EUR")
    assert "has no period_end" in method.recommend(inputs(statement=undated)).reason


def test_statement_in_another_currency_is_converted_with_rates() -> None:
    statement = FinancialStatement(book_equity=540_000, intangibles=0, currency="USD")
    result = TangibleNetWorthMethod(percent=10).recommend(inputs(statement=statement), rates=RATES)
    # 540,000 USD / 1.08 = 500,000.00 EUR; 10 % = 50,000.00 EUR
    assert result.amount == eur("50000.00")
    assert result.reason == "10% of tangible net worth 500,000.00 EUR (from 540,000.00 USD)"


def test_statement_in_another_currency_without_rates_names_both_currencies() -> None:
    statement = FinancialStatement(book_equity=540_000, intangibles=0, currency="USD")
    with pytest.raises(ValidationError, match=r"is in USD but the limit is in EUR.*USD to EUR"):
        TangibleNetWorthMethod(percent=10).recommend(inputs(statement=statement))


@pytest.mark.parametrize("percent", [0, -5, 101, "abc", Decimal("NaN")])
def test_percent_is_checked(percent: object) -> None:
    with pytest.raises(ValidationError, match=r"^percent: "):
        TangibleNetWorthMethod(percent=percent)  # type: ignore[arg-type]


def test_float_percent_is_refused() -> None:
    with pytest.raises(ValidationError, match=r"percent: float 10\.0 is not exact"):
        TangibleNetWorthMethod(percent=10.0)  # type: ignore[arg-type]


# -- working capital ---------------------------------------------------------------------------


def test_working_capital_percent() -> None:
    statement = FinancialStatement(
        current_assets=420_000, current_liabilities=310_000, currency="EUR"
    )
    result = WorkingCapitalMethod(percent=20).recommend(inputs(statement=statement))
    # working capital = 420,000 - 310,000 = 110,000; 20 % of it = 22,000
    assert result.amount == eur("22000.00")
    assert result.reason == "20% of working capital 110,000.00 EUR"


def test_negative_working_capital_gives_zero() -> None:
    statement = FinancialStatement(current_assets=100, current_liabilities=250, currency="EUR")
    result = WorkingCapitalMethod(percent=20).recommend(inputs(statement=statement))
    assert result.amount == Money.zero("EUR")
    assert "working capital is -150.00 EUR" in result.reason


def test_working_capital_without_a_statement() -> None:
    assert WorkingCapitalMethod(percent=20).recommend(inputs()).reason == (
        "not applicable: no financial statement"
    )


# -- sales-based -------------------------------------------------------------------------------


def test_sales_method_with_grace_days() -> None:
    sales = [eur(30_000), eur(36_000), eur(42_000)]
    result = SalesMethod().recommend(inputs(monthly_sales=sales, terms_days=45, grace_days=15))
    # average = (30,000 + 36,000 + 42,000) / 3 = 36,000; x (45 + 15) / 30 = 72,000
    assert result.amount == eur("72000.00")
    assert result.reason == (
        "average monthly credit sales 36,000.00 EUR over 3 months x (45 terms + 15 grace days) / 30"
    )


def test_sales_method_rounds_the_average_down_first() -> None:
    sales = [eur("100.00"), eur("100.00"), eur("100.01")]
    result = SalesMethod().recommend(inputs(monthly_sales=sales, terms_days=14))
    # average = 300.01 / 3 = 100.00333... -> 100.00; x 14 / 30 = 46.666... -> 46.66
    assert result.amount == eur("46.66")
    assert "100.00 EUR over 3 months x (14 days) / 30" in result.reason


@pytest.mark.parametrize(
    ("changes", "why"),
    [
        ({}, "no monthly credit sales history"),
        ({"monthly_sales": [eur(10)] * 3}, "no payment terms (terms_days)"),
        (
            {"monthly_sales": [eur(10)] * 2, "terms_days": 30},
            "only 2 months of credit sales history; the method needs 3",
        ),
        (
            {"monthly_sales": [eur(10)], "terms_days": 30},
            "only 1 month of credit sales history; the method needs 3",
        ),
    ],
)
def test_sales_method_not_applicable(changes: dict[str, object], why: str) -> None:
    result = SalesMethod(min_months=3).recommend(inputs(**changes))
    assert result.reason == f"not applicable: {why}"


def test_no_sales_is_a_zero_figure_not_a_missing_one() -> None:
    result = SalesMethod().recommend(inputs(monthly_sales=[eur(0)] * 12, terms_days=30))
    assert result.amount == Money.zero("EUR")


# -- bureau ------------------------------------------------------------------------------------


def test_bureau_factor() -> None:
    result = BureauMethod(factor="0.75").recommend(inputs(bureau_limit=eur(120_000)))
    # 120,000 x 0.75 = 90,000
    assert result.amount == eur("90000.00")
    assert result.reason == "bureau suggested limit 120,000.00 EUR x 0.75"


CLASS_FACTORS = [
    ClassMultiplier("A", multiplier=1),
    ClassMultiplier("C", multiplier="0.5"),
    ClassMultiplier("E", multiplier=0),
]


def test_bureau_class_factors_scale_the_suggestion_by_the_bureaus_class() -> None:
    method = BureauMethod(factor="0.8", class_factors=CLASS_FACTORS)
    rated_c = method.recommend(inputs(bureau_limit=eur(120_000), bureau_class="C"))
    # 120,000 x 0.8 x 0.5 = 48,000
    assert rated_c.amount == eur("48000.00")
    assert rated_c.reason == "bureau suggested limit 120,000.00 EUR x 0.4 (bureau class C)"
    rated_e = method.recommend(inputs(bureau_limit=eur(120_000), bureau_class="E"))
    assert rated_e.amount == eur("0.00")


@pytest.mark.parametrize(
    ("bureau_class", "why"),
    [
        (None, "no bureau risk class"),
        ("B", "bureau class 'B' has no factor (classes: A, C, E)"),
    ],
)
def test_bureau_class_factors_need_a_known_class(bureau_class: str | None, why: str) -> None:
    method = BureauMethod(class_factors=CLASS_FACTORS)
    result = method.recommend(inputs(bureau_limit=eur(120_000), bureau_class=bureau_class))
    assert result.reason == f"not applicable: {why}"


def test_bureau_class_factors_are_listed_once() -> None:
    twice = [ClassMultiplier("A", multiplier=1), ClassMultiplier("A", multiplier=2)]
    with pytest.raises(
        ValidationError, match=r"^class_factors\[1\].risk_class: 'A' is listed twice"
    ):
        BureauMethod(class_factors=twice)


def test_bureau_limit_in_another_currency() -> None:
    result = BureauMethod().recommend(inputs(bureau_limit=Money.of(85_000, "GBP")), rates=RATES)
    # 85,000 GBP / 0.85 = 100,000 EUR
    assert result.amount == eur("100000.00")
    assert "(from 85,000.00 GBP)" in result.reason


def test_converted_figures_are_rounded_down_never_half_up_first() -> None:
    # Reviewer finding: 10 GBP at 1.0005 is 10.005 EUR; converting with rounding half up
    # gave 10.01 before flooring, above what the rate gives. Limits round down: 10.00.
    rates = RateTable.from_mapping({"2026-03-02": {"EUR": "1.0005"}}, base="GBP")
    result = BureauMethod().recommend(inputs(bureau_limit=Money.of(10, "GBP")), rates=rates)
    assert result.amount == eur("10.00")
    cover = InsuranceCover(Money.of(10, "GBP"), cover_percent=90)
    insured = InsuredCoverMethod().recommend(inputs(insurance=cover), rates=rates)
    assert insured.insured == eur("10.00")


def test_an_inverse_rate_does_not_lose_a_cent_to_its_last_digit() -> None:
    # 10,800 USD at 1 / 1.08 (an inverse rate, 28 significant digits) is 10,000 EUR,
    # not 9,999.99 EUR: digits beyond the rate's precision are not counted.
    result = BureauMethod().recommend(inputs(bureau_limit=Money.of(10_800, "USD")), rates=RATES)
    assert result.amount == eur("10000.00")


@given(
    cents=st.integers(min_value=0, max_value=10**12),
    rate=st.decimals(
        min_value=Decimal("0.0001"), max_value=1000, places=6, allow_nan=False, allow_infinity=False
    ),
)
def test_a_converted_bureau_limit_is_the_exact_product_rounded_down(
    cents: int, rate: Decimal
) -> None:
    if rate <= 0:
        return
    table = RateTable.from_mapping({"2026-03-02": {"EUR": rate}}, base="GBP")
    limit = Money(Decimal(cents).scaleb(-2), "GBP")
    result = BureauMethod().recommend(inputs(bureau_limit=limit), rates=table)
    assert result.amount is not None
    exact = limit.amount * rate  # within the default 28 digits for these sizes
    assert result.amount.amount <= exact < result.amount.amount + Decimal("0.01")
    assert result.amount.amount == result.amount.amount.quantize(Decimal("0.01"))


def test_bureau_without_a_suggestion() -> None:
    assert BureauMethod().recommend(inputs()).reason == "not applicable: no bureau suggested limit"


# -- risk-class matrix -------------------------------------------------------------------------

MATRIX = RiskClassMatrixMethod(
    base=eur(50_000),
    multipliers=(
        ClassMultiplier("A", multiplier=2),
        ClassMultiplier("B", multiplier="1"),
        ClassMultiplier("C", multiplier="0.4"),
        ClassMultiplier("E", multiplier=0),
    ),
    cells=(
        MatrixCell("A", eur(150_000), segment="wholesale"),
        MatrixCell("D", eur(5_000)),
        MatrixCell("D", Money.of(4_000, "GBP")),
    ),
)


def test_matrix_base_times_multiplier() -> None:
    result = MATRIX.recommend(inputs(risk_class="C"))
    # 50,000 x 0.4 = 20,000
    assert result.amount == eur("20000.00")
    assert result.reason == "risk class C: base 50,000.00 EUR x 0.4"


def test_matrix_cell_for_class_and_segment_comes_first() -> None:
    assert MATRIX.recommend(inputs(risk_class="A")).amount == eur("150000.00")
    # another segment falls back to base x multiplier: 50,000 x 2
    assert MATRIX.recommend(inputs(risk_class="A", segment="retail")).amount == eur("100000.00")


def test_matrix_cell_in_the_limit_currency_is_preferred() -> None:
    gbp_customer = Customer("G1", "Brit Ltd", country="GB", currency="GBP")
    result = MATRIX.recommend(LimitInputs(gbp_customer, as_of=AS_OF, risk_class="D"))
    assert result.amount == Money.of("4000.00", "GBP")
    assert result.reason == "risk class D: 4,000.00 GBP from the table"


def test_matrix_zero_multiplier_is_a_deliberate_zero() -> None:
    assert MATRIX.recommend(inputs(risk_class="E")).amount == Money.zero("EUR")


def test_matrix_base_is_converted_for_other_currencies() -> None:
    usd_customer = Customer("U1", "Yank Inc", country="US", currency="USD")
    result = MATRIX.recommend(LimitInputs(usd_customer, as_of=AS_OF, risk_class="B"), rates=RATES)
    # 50,000 EUR x 1.08 = 54,000 USD; x 1
    assert result.amount == Money.of("54000.00", "USD")
    with pytest.raises(
        ValidationError, match=r"base: 50,000.00 EUR is in EUR but the limit is in USD"
    ):
        MATRIX.recommend(LimitInputs(usd_customer, as_of=AS_OF, risk_class="B"))


def test_matrix_not_applicable() -> None:
    assert MATRIX.recommend(inputs()).reason == "not applicable: no risk class"
    assert MATRIX.recommend(inputs(risk_class="X")).reason == (
        "not applicable: risk class 'X' is not in the matrix (classes: A, D, B, C, E)"
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "cells: the matrix is empty"),
        ({"base": eur(1)}, "multipliers: a base amount needs a multiplier"),
        ({"multipliers": (ClassMultiplier("A", multiplier=1),)}, "base: multipliers need a base"),
        (
            {"base": (eur(1), eur(2)), "multipliers": (ClassMultiplier("A", multiplier=1),)},
            r"base\[1\]: a second amount in EUR",
        ),
        (
            {"cells": (MatrixCell("A", eur(1)), MatrixCell("A", eur(2)))},
            r"cells\[1\]: risk class 'A' in any segment is listed twice in EUR",
        ),
    ],
)
def test_matrix_validation(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        RiskClassMatrixMethod(**kwargs)  # type: ignore[arg-type]


# -- insured cover -----------------------------------------------------------------------------


def test_insured_cover_with_own_risk_on_top() -> None:
    cover = InsuranceCover(eur(80_000), cover_percent=90, insurer="Atradius")
    result = InsuredCoverMethod(own_risk_percent=25).recommend(inputs(insurance=cover))
    # insured part = buyer limit 80,000; own risk = 25 % of 80,000 = 20,000; total 100,000
    assert result.insured == eur("80000.00")
    assert result.own_risk == eur("20000.00")
    assert result.amount == eur("100000.00")
    # the insurer pays 90 % of a loss on the insured part: 72,000
    assert "of which the insurer pays 90% of a loss (72,000.00 EUR)" in result.reason
    assert "(Atradius)" in result.reason


def test_insured_cover_own_risk_capped() -> None:
    cover = InsuranceCover(eur(80_000), cover_percent=90)
    result = InsuredCoverMethod(own_risk_percent=25, own_risk_max=eur(5_000)).recommend(
        inputs(insurance=cover)
    )
    # own risk 20,000 capped at 5,000; total 85,000
    assert (result.insured, result.own_risk, result.amount) == (
        eur("80000.00"),
        eur("5000.00"),
        eur("85000.00"),
    )
    assert "capped at 5,000.00 EUR" in result.reason


def test_insured_cover_without_own_risk_is_the_buyer_limit() -> None:
    cover = InsuranceCover(eur("12345.67"), cover_percent=85)
    result = InsuredCoverMethod().recommend(inputs(insurance=cover))
    assert (result.insured, result.own_risk) == (eur("12345.67"), eur("0.00"))
    assert result.amount == eur("12345.67")


def test_insured_cover_not_applicable() -> None:
    assert InsuredCoverMethod().recommend(inputs()).reason == (
        "not applicable: no credit insurance cover"
    )
    expired = InsuranceCover(eur(1), cover_percent=90, expires_on=date(2026, 3, 30))
    assert InsuredCoverMethod().recommend(inputs(insurance=expired)).reason == (
        "not applicable: the insurance cover expired on 2026-03-30"
    )
    on_the_day = InsuranceCover(eur(1), cover_percent=90, expires_on=AS_OF)
    assert InsuredCoverMethod().recommend(inputs(insurance=on_the_day)).applicable


def test_method_result_parts_must_sum() -> None:
    with pytest.raises(ValidationError, match="do not sum to amount"):
        MethodResult(
            method="x",
            kind="insured_cover",
            amount=eur(10),
            reason="r",
            insured=eur(6),
            own_risk=eur(5),
        )
    with pytest.raises(ValidationError, match="needs the amount and both parts"):
        MethodResult(method="x", kind="insured_cover", amount=eur(10), reason="r", insured=eur(10))


def test_every_shipped_calculator_is_a_calculator() -> None:
    shipped = [
        TangibleNetWorthMethod(percent=10),
        WorkingCapitalMethod(percent=10),
        SalesMethod(),
        BureauMethod(),
        MATRIX,
        InsuredCoverMethod(),
    ]
    for calculator in shipped:
        assert isinstance(calculator, Calculator)
        result = calculator.recommend(inputs())
        # with nothing to go on, each says why rather than giving a silent zero
        assert result.amount is None
        assert result.reason.startswith("not applicable: ")


# -- robustness: any inputs give a result or a ValidationError ------------------------------------

_figures = st.one_of(
    st.none(),
    st.integers(min_value=0, max_value=10**15),
    st.decimals(min_value=0, allow_nan=False, allow_infinity=False),
    st.sampled_from(["1e999999", "9.99e999999", "1e-999999", "0"]),
)
_signed = st.one_of(
    _figures, st.decimals(allow_nan=False, allow_infinity=False), st.just("-9.99e999999")
)
_amounts = st.one_of(
    st.decimals(min_value=0, allow_nan=False, allow_infinity=False),
    st.sampled_from(["1e999999", "1e-999999", "0"]),
)


def _attempt(calculator: Calculator, data: LimitInputs) -> MethodResult | ValidationError:
    try:
        return calculator.recommend(data)
    except ValidationError as error:
        return error


def _beyond_bounds(figure: object) -> bool:
    if figure is None:
        return False
    number = Decimal(str(figure))
    return not number.is_zero() and not -30 <= number.adjusted() <= 30


@given(
    equity=_signed,
    intangibles=_figures,
    assets=_figures,
    liabilities=_figures,
    sales=st.lists(_amounts, max_size=3),
    terms=st.one_of(st.none(), st.integers(0, 10**5)),
    bureau=st.one_of(st.none(), _amounts),
    buyer_limit=st.one_of(st.none(), _amounts),
)
def test_calculators_return_a_result_or_raise_only_validation_errors(
    equity: object,
    intangibles: object,
    assets: object,
    liabilities: object,
    sales: list[object],
    terms: int | None,
    bureau: object,
    buyer_limit: object,
) -> None:
    figures = [equity, intangibles, assets, liabilities, *sales, bureau, buyer_limit]
    beyond = [figure for figure in figures if _beyond_bounds(figure)]
    if beyond:  # figures beyond credkit's bounds (1e999999) are refused as they come in
        for figure in beyond:
            with pytest.raises(ValidationError, match="is out of bounds"):
                eur(figure)  # type: ignore[arg-type]
        return
    statement = FinancialStatement(
        book_equity=equity,  # type: ignore[arg-type]
        intangibles=intangibles,  # type: ignore[arg-type]
        current_assets=assets,  # type: ignore[arg-type]
        current_liabilities=liabilities,  # type: ignore[arg-type]
        currency="EUR",
    )
    monthly = [eur(amount) for amount in sales]  # type: ignore[arg-type]
    bureau_limit = None if bureau is None else eur(bureau)  # type: ignore[arg-type]
    insured = None if buyer_limit is None else eur(buyer_limit)  # type: ignore[arg-type]
    cover = None if insured is None else InsuranceCover(insured, cover_percent=90)
    data = inputs(
        statement=statement,
        monthly_sales=monthly,
        terms_days=terms,
        bureau_limit=bureau_limit,
        insurance=cover,
        risk_class="A",
    )
    for calculator in (
        TangibleNetWorthMethod(percent=10),
        WorkingCapitalMethod(percent=100),
        SalesMethod(),
        BureauMethod(factor=10),
        MATRIX,
        InsuredCoverMethod(own_risk_percent=1000),
    ):
        result = _attempt(calculator, data)
        if isinstance(result, ValidationError):
            assert str(result).split(":")[0] in {"inputs", "monthly_sales"}
            assert "too large" in str(result)
            continue
        assert isinstance(result, MethodResult)
        if result.amount is not None:
            assert not result.amount.is_negative
            assert result.amount.is_rounded()
