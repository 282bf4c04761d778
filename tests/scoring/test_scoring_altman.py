"""Tests for credkit.scoring.altman: the shipped models, zones, variants and worked examples."""

from __future__ import annotations

from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from credkit.config import dump, load
from credkit.errors import ConfigError, ValidationError
from credkit.scoring import (
    ALTMAN_MODELS,
    Z_1968,
    Z_DOUBLE_PRIME,
    Z_PRIME,
    AltmanModel,
    AltmanZone,
    EquityMeasure,
    FinancialStatement,
    altman_z,
)

ZONE_RANK = {AltmanZone.DISTRESS: 0, AltmanZone.GREY: 1, AltmanZone.SAFE: 2}


# -- the shipped models ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "weights", "distress", "safe", "equity"),
    [
        # Altman (1968), Journal of Finance 23(4); /work/shared/reference/credit-reference.md
        (Z_1968, ("1.2", "1.4", "3.3", "0.6", "1.0"), "1.81", "2.99", EquityMeasure.MARKET),
        # Altman (2000), "Revisiting the Z-score and ZETA models": Z' for private firms
        (
            Z_PRIME,
            ("0.717", "0.847", "3.107", "0.420", "0.998"),
            "1.23",
            "2.90",
            EquityMeasure.BOOK,
        ),
        # Altman (2000): Z'' for non-manufacturers, no X5
        (
            Z_DOUBLE_PRIME,
            ("6.56", "3.26", "6.72", "1.05", None),
            "1.10",
            "2.60",
            EquityMeasure.BOOK,
        ),
    ],
)
def test_each_model_keeps_its_own_weights_and_zones(
    model: AltmanModel,
    weights: tuple[str | None, ...],
    distress: str,
    safe: str,
    equity: EquityMeasure,
) -> None:
    actual = (model.x1_weight, model.x2_weight, model.x3_weight, model.x4_weight, model.x5_weight)
    assert actual == tuple(None if w is None else Decimal(w) for w in weights)
    assert model.distress_cutoff == Decimal(distress)
    assert model.safe_cutoff == Decimal(safe)
    assert model.equity is equity
    assert model.constant == 0
    assert model in ALTMAN_MODELS


# -- worked examples -----------------------------------------------------------------------


def test_ratios_0_2_0_0_2_0_1_2_0_give_2_96() -> None:
    # Worked example of credkit issue 5, by the 1968 weights (Altman 1968):
    # Z = 1.2*0.2 + 1.4*0 + 3.3*0.2 + 0.6*0.1 + 1.0*2.0 = 0.24 + 0 + 0.66 + 0.06 + 2.0 = 2.96
    result = Z_1968.evaluate("0.2", "0", "0.2", "0.1", "2.0")
    assert result.score == Decimal("2.96")
    assert result.zone is AltmanZone.GREY
    # The same from a statement that has exactly these ratios.
    statement = FinancialStatement(
        current_assets=500,
        current_liabilities=300,
        total_assets=1000,
        retained_earnings=0,
        ebit=200,
        market_value_equity=100,
        total_liabilities=1000,
        sales=2000,
    )
    from_statement = altman_z(statement)
    assert from_statement.score == Decimal("2.96")
    assert (from_statement.x1, from_statement.x2, from_statement.x3) == (
        Decimal("0.2"),
        Decimal(0),
        Decimal("0.2"),
    )
    assert (from_statement.x4, from_statement.x5) == (Decimal("0.1"), Decimal(2))
    assert from_statement.model_name == "Altman Z (1968)"


def test_published_ratio_example_gives_2_70() -> None:
    # wizedu.com question 366502, "Calculate the Z-score of the firm that has the following
    # ratios": WC/TA 0.34, RE/TA 0.15, EBIT/TA 0.00, MVE/debt 0.80, sales/TA 1.6 -> "Z score
    # is 2.70" (0.408 + 0.21 + 0 + 0.48 + 1.6 = 2.698, rounded to two places).
    result = Z_1968.evaluate("0.34", "0.15", "0.00", "0.80", "1.6")
    assert result.score == Decimal("2.698")
    assert round(result.score, 2) == Decimal("2.70")
    assert result.zone is AltmanZone.GREY


def test_published_statement_example_with_the_0_999_variant() -> None:
    # formiax.com "Altman Z-score" calculator page, worked example from statements with the
    # X5 weight printed as 0.999: total assets 3,500,000, working capital 4,200,000,
    # liabilities 5,000,000, retained earnings 800,000, EBIT 6,500,000, revenue 8,300,000,
    # market value of equity 7,000,000 -> "Altman Z-Score = 11.097 - Safe Zone".
    # (The page prints X2 as 0.299; 800,000 / 3,500,000 is 0.2286, and 11.097 needs 0.2286.)
    variant = attrs.evolve(Z_1968, name="Z (1968), X5 0.999", x5_weight=Decimal("0.999"))
    statement = FinancialStatement(
        current_assets=4_200_000,
        current_liabilities=0,
        total_assets=3_500_000,
        total_liabilities=5_000_000,
        retained_earnings=800_000,
        ebit=6_500_000,
        sales=8_300_000,
        market_value_equity=7_000_000,
    )
    result = altman_z(statement, model=variant)
    assert round(result.score, 3) == Decimal("11.098")  # 11.09763; the page truncates to 11.097
    assert str(result.score).startswith("11.097")
    assert result.zone is AltmanZone.SAFE
    assert result.model_name == "Z (1968), X5 0.999"


def test_z_double_prime_does_not_need_sales() -> None:
    statement = FinancialStatement(
        current_assets=400,
        current_liabilities=250,
        total_assets=1000,
        retained_earnings=150,
        ebit=80,
        book_equity=450,
        total_liabilities=550,
    )
    result = altman_z(statement, model=Z_DOUBLE_PRIME)
    # 6.56*0.15 + 3.26*0.15 + 6.72*0.08 + 1.05*450/550
    expected = (
        Decimal("6.56") * Decimal("0.15")
        + Decimal("3.26") * Decimal("0.15")
        + Decimal("6.72") * Decimal("0.08")
        + Decimal("1.05") * (Decimal(450) / Decimal(550))
    )
    assert result.score == expected
    assert result.x5 is None
    with pytest.raises(ValidationError, match=r"^sales: needed for x5"):
        altman_z(statement, model=Z_PRIME)
    with pytest.raises(ValidationError, match=r"^market_value_equity: needed for x4"):
        altman_z(statement)


# -- zones ---------------------------------------------------------------------------------


@pytest.mark.parametrize("model", ALTMAN_MODELS, ids=lambda m: m.name)
def test_a_score_exactly_at_a_cutoff_is_grey(model: AltmanModel) -> None:
    tiny = Decimal("0.0001")
    assert model.zone(model.distress_cutoff) is AltmanZone.GREY
    assert model.zone(model.safe_cutoff) is AltmanZone.GREY
    assert model.zone(model.distress_cutoff - tiny) is AltmanZone.DISTRESS
    assert model.zone(model.safe_cutoff + tiny) is AltmanZone.SAFE


_scores = st.decimals(min_value=-20, max_value=20, places=4)


@st.composite
def _models(draw: st.DrawFn) -> AltmanModel:
    low, high = sorted(draw(st.lists(_scores, min_size=2, max_size=2)))
    weights = draw(
        st.lists(st.decimals(min_value=-10, max_value=10, places=3), min_size=5, max_size=5)
    )
    return AltmanModel(
        "drawn",
        x1_weight=weights[0],
        x2_weight=weights[1],
        x3_weight=weights[2],
        x4_weight=weights[3],
        x5_weight=draw(st.sampled_from([None, weights[4]])),
        distress_cutoff=low,
        safe_cutoff=high,
        equity=draw(st.sampled_from(EquityMeasure)),
        constant=draw(st.decimals(min_value=-5, max_value=5, places=2)),
    )


@given(st.one_of(st.sampled_from(ALTMAN_MODELS), _models()), _scores, _scores)
def test_zone_is_monotone_in_the_score(model: AltmanModel, a: Decimal, b: Decimal) -> None:
    low, high = min(a, b), max(a, b)
    assert ZONE_RANK[model.zone(low)] <= ZONE_RANK[model.zone(high)]


@given(
    _models(), st.lists(st.decimals(min_value=-5, max_value=5, places=3), min_size=5, max_size=5)
)
def test_evaluate_is_the_weighted_sum(model: AltmanModel, ratios: list[Decimal]) -> None:
    result = model.evaluate(*ratios)
    expected = model.constant + sum(
        (
            w * r
            for w, r in zip(
                (model.x1_weight, model.x2_weight, model.x3_weight, model.x4_weight),
                ratios[:4],
                strict=True,
            )
        ),
        Decimal(0),
    )
    if model.x5_weight is not None:
        expected += model.x5_weight * ratios[4]
        assert result.x5 == ratios[4]
    else:
        assert result.x5 is None
    assert result.score == expected
    assert result.zone is model.zone(expected)


# -- variants and validation ---------------------------------------------------------------


def test_a_variant_loads_from_toml_without_code() -> None:
    # A user-defined variant: the Z'' weights with a constant of 3.25, as in the
    # emerging-market form of Z''; the cut-offs here are illustrative.
    document = """
        name = "Z'' emerging markets"
        x1_weight = 6.56
        x2_weight = 3.26
        x3_weight = 6.72
        x4_weight = 1.05
        constant = 3.25
        distress_cutoff = 4.35
        safe_cutoff = 5.85
        equity = "book"
    """
    model = load(AltmanModel, document, format="toml")
    assert model.constant == Decimal("3.25")
    assert model.x5_weight is None
    assert model.evaluate(0, 0, 0, 0).score == Decimal("3.25")
    assert load(AltmanModel, dump(model)) == model


def test_model_documents_report_field_paths() -> None:
    base = dump(Z_1968)
    with pytest.raises(ConfigError, match=r"^safe_cutoff: must be at or above distress_cutoff"):
        load(AltmanModel, {**base, "safe_cutoff": "1.0"})
    with pytest.raises(ConfigError, match=r"^equity: expected one of 'market', 'book'"):
        load(AltmanModel, {**base, "equity": "MARKET"})
    with pytest.raises(ConfigError, match=r"^x6_weight: unknown key"):
        load(AltmanModel, {**base, "x6_weight": "1"})
    with pytest.raises(ConfigError, match=r"^x1_weight: required key is missing"):
        load(AltmanModel, {k: v for k, v in base.items() if k != "x1_weight"})


def test_model_and_evaluate_refuse_bad_values() -> None:
    with pytest.raises(ValidationError, match=r"^x2_weight: float 1.4 is not exact"):
        attrs.evolve(Z_1968, x2_weight=1.4)
    with pytest.raises(ValidationError, match=r"^name: expected a non-empty string"):
        attrs.evolve(Z_1968, name=" ")
    with pytest.raises(ValidationError, match=r"^x3: float 0.2 is not exact"):
        Z_1968.evaluate(0, 0, 0.2, 0, 0)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=r"^score: 'high' is not a number"):
        Z_1968.zone("high")
    with pytest.raises(ValidationError, match=r"^x1: '9e999999' is out of bounds"):
        Z_1968.evaluate("9e999999", 0, 0, 0, 0)
    with pytest.raises(ValidationError, match=r"^model: expected an AltmanModel"):
        altman_z(FinancialStatement(), model="Z")  # type: ignore[arg-type]
