"""Tests for credkit.scoring.scorecard: bins, categories, missing values, weights, reasons."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from credkit.config import dump, load
from credkit.errors import ConfigError, ValidationError
from credkit.scoring import (
    Bin,
    Category,
    Factor,
    OddsBasis,
    RiskClass,
    RiskScale,
    Scaling,
    Scorecard,
)

LIQUIDITY = Factor(
    "current_ratio",
    reason_code="LIQ",
    missing="min",
    bins=(
        Bin(upper="1.0", points=0),
        Bin(lower="1.0", upper="1.5", points=20),
        Bin(lower="1.5", points=40),
    ),
)
FORM = Factor(
    "legal_form",
    reason_code="FORM",
    missing=5,
    categories=(Category("corporation", points=30), Category("sole_trader", points=10)),
)
AGE = Factor(
    "age",
    input="years_in_business",
    reason_code="AGE",
    missing=0,
    weight=2,
    bins=(
        Bin(lower=0, upper=2, points=0),
        Bin(lower=2, upper=5, points=10),
        Bin(lower=10, points=25),
    ),
)
CARD = Scorecard("demo", version="3", base_points=100, factors=(LIQUIDITY, FORM, AGE))


def points(card: Scorecard, inputs: dict[str, Any]) -> list[Decimal]:
    return [c.points for c in card.score(inputs).contributions]


# -- bins ------------------------------------------------------------------------------------


def test_bins_are_half_open_lower_included_upper_excluded() -> None:
    assert points(CARD, {"current_ratio": "0.9999"})[0] == 0
    assert points(CARD, {"current_ratio": "1.0"})[0] == 20
    assert points(CARD, {"current_ratio": "1.4999"})[0] == 20
    assert points(CARD, {"current_ratio": "1.5"})[0] == 40
    assert points(CARD, {"current_ratio": -1000})[0] == 0  # open lower end
    assert points(CARD, {"current_ratio": 10**9})[0] == 40  # open upper end


def test_contribution_records_value_match_and_maximum() -> None:
    result = CARD.score({"current_ratio": Decimal("1.2"), "legal_form": "corporation"})
    liquidity, form, age = result.contributions
    assert (liquidity.factor, liquidity.reason_code) == ("current_ratio", "LIQ")
    assert (liquidity.value, liquidity.matched) == (Decimal("1.2"), "[1.0, 1.5)")
    assert (liquidity.points, liquidity.max_points, liquidity.lost) == (20, 40, 20)
    assert (form.value, form.matched, form.points, form.lost) == (
        "corporation",
        "corporation",
        30,
        0,
    )
    assert (age.missing, age.unseen, age.value, age.matched) == (True, False, None, None)
    assert result.scorecard_id == "demo"
    assert result.scorecard_version == "3"


def test_value_in_a_gap_between_bins_is_unseen() -> None:
    result = CARD.score({"years_in_business": 7})
    age = result.contributions[2]
    assert (age.unseen, age.missing, age.value, age.points) == (True, False, Decimal(7), 0)
    below = CARD.score({"years_in_business": -1}).contributions[2]
    assert below.unseen


def test_labels_name_bins_in_results() -> None:
    factor = Factor(
        "dbt",
        reason_code="DBT",
        missing=0,
        bins=(Bin(upper=1, points=50, label="on time"), Bin(lower=1, points=0)),
    )
    card = Scorecard("c", version="1", factors=(factor,))
    assert card.score({"dbt": 0}).contributions[0].matched == "on time"
    assert card.score({"dbt": 3}).contributions[0].matched == ">= 1"


# -- missing values, categories, weights -------------------------------------------------


@pytest.mark.parametrize("absent", [None, "", "   "])
def test_none_and_blank_strings_are_missing(absent: str | None) -> None:
    result = CARD.score(
        {"current_ratio": absent, "legal_form": absent, "years_in_business": absent}
    )
    assert [c.missing for c in result.contributions] == [True, True, True]
    # "min" takes the lowest bin; explicit points are used as given (times the weight).
    assert [c.points for c in result.contributions] == [0, 5, 0]
    assert CARD.score({}).total == result.total == Decimal(105)


def test_unseen_category_uses_the_missing_rule_and_matching_is_exact() -> None:
    for value in ("partnership", "Corporation", " corporation"):
        form = CARD.score({"legal_form": value}).contributions[1]
        assert (form.unseen, form.points, form.matched) == (True, 5, None)


def test_weight_multiplies_all_points_including_explicit_missing_points() -> None:
    assert points(CARD, {"years_in_business": 3})[2] == 20
    assert points(CARD, {"years_in_business": 12})[2] == 50
    assert AGE.max_points == 50
    heavy = attrs.evolve(FORM, weight="1.5")
    assert heavy.evaluate(None).points == Decimal("7.5")
    assert heavy.evaluate("corporation").points == Decimal("45.0")


def test_explicit_missing_points_above_every_bin_raise_the_maximum() -> None:
    neutral = Factor(
        "f", reason_code="F", missing=50, bins=(Bin(upper=1, points=0), Bin(lower=1, points=30))
    )
    assert neutral.max_points == 50
    assert neutral.evaluate(5).lost == 20


def test_numeric_inputs_must_be_exact_and_categories_strings() -> None:
    with pytest.raises(ValidationError, match=r"^current_ratio: float 1.2 is not exact"):
        CARD.score({"current_ratio": 1.2})  # type: ignore[dict-item]
    with pytest.raises(ValidationError, match=r"^years_in_business: 'old' is not a number"):
        CARD.score({"years_in_business": "old"})
    with pytest.raises(ValidationError, match=r"^legal_form: expected a category as a string"):
        CARD.score({"legal_form": 3})
    with pytest.raises(ValidationError, match=r"^current_ratio: 'NaN' is not a finite number"):
        CARD.score({"current_ratio": "NaN"})
    with pytest.raises(ValidationError, match=r"^inputs: expected a mapping"):
        CARD.score([("current_ratio", 1)])  # type: ignore[arg-type]


def test_inputs_the_scorecard_does_not_read_are_ignored() -> None:
    assert CARD.score({"unrelated": 1.5}).total == CARD.score({}).total  # type: ignore[dict-item]


# -- reason codes ----------------------------------------------------------------------------


def test_reason_codes_order_by_points_lost_then_factor_order() -> None:
    # LIQ loses 40, FORM loses 20 (10 of 30), AGE loses 50 (0 of 50, weighted).
    result = CARD.score(
        {"current_ratio": "0.5", "legal_form": "sole_trader", "years_in_business": 1}
    )
    assert result.reason_codes == ("AGE", "LIQ", "FORM")
    assert [c.reason_code for c in result.reasons] == ["AGE", "LIQ", "FORM"]
    # Ties keep the scorecard's factor order.
    tie = CARD.score({"current_ratio": "1.2", "legal_form": "sole_trader", "years_in_business": 20})
    assert tie.reason_codes == ("LIQ", "FORM")
    # Factors that scored their maximum give no reason.
    best = CARD.score({"current_ratio": 2, "legal_form": "corporation", "years_in_business": 11})
    assert best.reason_codes == ()
    assert best.total == CARD.max_total == Decimal(220)


def test_scaling_and_risk_scale_add_pd_and_class() -> None:
    scaling = Scaling(pdo=20, target_score=150, target_odds=50, basis=OddsBasis.GOOD_TO_BAD)
    scale = RiskScale(
        id="s",
        version="1",
        classes=(
            RiskClass("A", min_score=150, pd="0.01", review_months=12),
            RiskClass("B", max_score=150, pd="0.1", review_months=3),
        ),
    )
    card = attrs.evolve(CARD, scaling=scaling, risk_scale=scale)
    result = card.score({"current_ratio": 2, "legal_form": "corporation"})
    assert result.total == 170
    assert result.pd is not None
    assert abs(result.pd - 1 / (1 + Decimal(100))) < Decimal("1e-20")
    assert result.risk_class is not None
    assert result.risk_class.name == "A"
    assert CARD.score({}).pd is None
    assert CARD.score({}).risk_class is None


def test_risk_scale_must_cover_every_possible_total() -> None:
    narrow = RiskScale(
        id="s",
        version="1",
        classes=(RiskClass("A", min_score=150, pd="0.01", review_months=12),),
    )
    with pytest.raises(
        ValidationError, match=r"^risk_scale: does not cover every total .*105 to 220"
    ):
        attrs.evolve(CARD, risk_scale=narrow)


# -- validation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"bins": (Bin(upper=5, points=0), Bin(lower=4, points=1))},
            r"^bins\[1\].lower: 4 is below bins\[0\].upper \(5\)",
        ),
        (
            {"bins": (Bin(lower=5, upper=9, points=0), Bin(lower=0, upper=5, points=1))},
            r"^bins\[1\].lower: 0 is below bins\[0\].upper \(9\)",
        ),
        (
            {"bins": (Bin(upper=5, points=0), Bin(upper=9, points=1))},
            r"^bins\[1\].lower: only the first bin may leave lower open",
        ),
        (
            {"bins": (Bin(lower=0, points=0), Bin(lower=5, points=1))},
            r"^bins\[0\].upper: only the last bin may leave upper open",
        ),
        ({}, r"^bins: a factor needs bins \(numeric ranges\) or categories"),
        (
            {"bins": (Bin(points=1),), "categories": (Category("a", points=1),)},
            r"^categories: a factor has bins \(numeric ranges\) or categories, not both",
        ),
        (
            {"categories": (Category("a", points=1), Category("a", points=2))},
            r"^categories\[1\].value: 'a' is already listed at categories\[0\]",
        ),
        ({"bins": (Bin(points=1),), "weight": 0}, r"^weight: must be above zero, got 0"),
        ({"bins": (Bin(points=1),), "missing": "max"}, r"^missing: expected 'min' or a number"),
        ({"bins": (Bin(points=1),), "missing": 0.5}, r"^missing: float 0.5 is not exact"),
        ({"bins": [Bin(points=1), "x"]}, r"^bins\[1\]: expected Bin, got str 'x'"),
        (
            {"bins": (Bin(points=1),), "reason_code": ""},
            r"^reason_code: expected a non-empty string",
        ),
    ],
)
def test_factor_validation_names_the_field(kwargs: dict[str, Any], message: str) -> None:
    arguments: dict[str, Any] = {"reason_code": "F", "missing": 0, **kwargs}
    with pytest.raises(ValidationError, match=message):
        Factor("f", **arguments)


def test_scorecard_validation_names_the_field() -> None:
    with pytest.raises(ValidationError, match=r"^factors: a scorecard needs at least one factor"):
        Scorecard("c", version="1", factors=())
    with pytest.raises(
        ValidationError, match=r"^factors\[1\].name: 'current_ratio' is already used"
    ):
        Scorecard("c", version="1", factors=(LIQUIDITY, attrs.evolve(LIQUIDITY, reason_code="X")))
    with pytest.raises(ValidationError, match=r"^factors\[2\].reason_code: 'LIQ' is already used"):
        Scorecard("c", version="1", factors=(LIQUIDITY, FORM, attrs.evolve(AGE, reason_code="LIQ")))
    with pytest.raises(ValidationError, match=r"^version: expected a non-empty string"):
        Scorecard("c", version="", factors=(LIQUIDITY,))
    with pytest.raises(ValidationError, match=r"^scaling: expected a Scaling or None"):
        Scorecard("c", version="1", factors=(LIQUIDITY,), scaling="pdo 20")  # type: ignore[arg-type]


def test_bins_with_a_float_bound_name_the_bound() -> None:
    with pytest.raises(ValidationError, match=r"^lower: float 1.5 is not exact"):
        Bin(lower=1.5, points=1)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=r"^upper: must be above lower \(2\), got 2"):
        Bin(lower=2, upper=2, points=1)


def test_document_errors_carry_the_full_path() -> None:
    document = dump(CARD)
    document["factors"][1]["categories"][0]["points"] = "many"
    with pytest.raises(ConfigError, match=r"^factors\[1\].categories\[0\].points: 'many' is not"):
        load(Scorecard, document)
    document = dump(CARD)
    document["factors"][2]["bins"][2]["lower"] = "4"
    with pytest.raises(
        ConfigError, match=r"^factors\[2\].bins\[2\].lower: 4 is below bins\[1\].upper"
    ):
        load(Scorecard, document)
    document = dump(CARD)
    document["factors"][0]["missing"] = True
    with pytest.raises(ConfigError, match=r"^factors\[0\].missing: expected 'min' or a number"):
        load(Scorecard, document)
    document = dump(CARD)
    document["factors"][0]["bin"] = []
    with pytest.raises(ConfigError, match=r"^factors\[0\].bin: unknown key"):
        load(Scorecard, document)


# -- strategies --------------------------------------------------------------------------------

_points = st.integers(min_value=-50, max_value=100)
_cut = st.integers(min_value=-1000, max_value=1000)
_CATEGORY_VALUES = ("alpha", "beta", "gamma", "delta", "epsilon")


@st.composite
def binned_factor(draw: st.DrawFn, index: int) -> Factor:
    cuts = sorted(set(draw(st.lists(_cut, min_size=1, max_size=6))))
    edges: list[int | None] = list(cuts)
    if draw(st.booleans()):
        edges.insert(0, None)
    if draw(st.booleans()):
        edges.append(None)
    if len(edges) < 2:
        edges.append(cuts[-1] + 10)
    bins = [
        Bin(lower=edges[i], upper=edges[i + 1], points=draw(_points)) for i in range(len(edges) - 1)
    ]
    # Dropping inner bins leaves gaps, which are allowed.
    if len(bins) > 2 and draw(st.booleans()):
        del bins[draw(st.integers(min_value=1, max_value=len(bins) - 2))]
    return Factor(
        f"f{index}",
        reason_code=f"R{index}",
        missing=draw(st.one_of(st.just("min"), _points)),
        weight=draw(st.sampled_from(["1", "0.5", "2", "1.25"])),
        bins=tuple(bins),
    )


@st.composite
def categorical_factor(draw: st.DrawFn, index: int) -> Factor:
    values = draw(st.lists(st.sampled_from(_CATEGORY_VALUES), min_size=1, max_size=4, unique=True))
    return Factor(
        f"f{index}",
        reason_code=f"R{index}",
        missing=draw(st.one_of(st.just("min"), _points)),
        categories=tuple(Category(value, points=draw(_points)) for value in values),
    )


@st.composite
def scorecards(draw: st.DrawFn) -> Scorecard:
    count = draw(st.integers(min_value=1, max_value=6))
    factors = tuple(draw(st.one_of(binned_factor(i), categorical_factor(i))) for i in range(count))
    return Scorecard("drawn", version="1", base_points=draw(_points), factors=factors)


def input_for(factor: Factor) -> st.SearchStrategy[Any]:
    if factor.bins:
        value = st.one_of(
            st.integers(min_value=-1200, max_value=1200),
            st.decimals(min_value=-1200, max_value=1200, places=3),
            st.integers(min_value=-1200, max_value=1200).map(str),
        )
    else:
        value = st.sampled_from((*_CATEGORY_VALUES, "unknown"))
    return st.one_of(st.none(), st.just(""), value)


@st.composite
def cards_and_inputs(draw: st.DrawFn) -> tuple[Scorecard, dict[str, Any]]:
    card = draw(scorecards())
    inputs = {}
    for factor in card.factors:
        if draw(st.booleans()):
            inputs[factor.input] = draw(input_for(factor))
    return card, inputs


# -- properties --------------------------------------------------------------------------------


@given(cards_and_inputs())
def test_total_contributions_and_reasons_are_consistent(
    case: tuple[Scorecard, dict[str, Any]],
) -> None:
    card, inputs = case
    result = card.score(inputs)
    assert result.total == card.base_points + sum(
        (c.points for c in result.contributions), Decimal(0)
    )
    assert card.min_total <= result.total <= card.max_total
    for factor, contribution in zip(card.factors, result.contributions, strict=True):
        assert factor.min_points <= contribution.points <= factor.max_points
        assert contribution.max_points == factor.max_points
    losers = [c for c in result.contributions if c.lost > 0]
    assert set(result.reason_codes) == {c.reason_code for c in losers}
    lost = [c.lost for c in result.reasons]
    assert lost == sorted(lost, reverse=True)
    order = [c.reason_code for c in result.contributions]
    for first, second in zip(result.reasons, result.reasons[1:], strict=False):
        if first.lost == second.lost:
            assert order.index(first.reason_code) < order.index(second.reason_code)


@given(st.data())
def test_score_never_changes_when_an_input_moves_within_one_bin(data: st.DataObject) -> None:
    card, inputs = data.draw(cards_and_inputs())
    binned = [f for f in card.factors if f.bins]
    assume(binned)
    factor = data.draw(st.sampled_from(binned))
    chosen = data.draw(st.sampled_from(factor.bins))
    low = chosen.lower if chosen.lower is not None else Decimal(-5000)
    high = chosen.upper if chosen.upper is not None else Decimal(5000)
    within = st.decimals(min_value=low, max_value=high, places=4).filter(lambda v: v < high)
    a, b = data.draw(within), data.draw(within)
    first = card.score({**inputs, factor.input: a})
    second = card.score({**inputs, factor.input: b})
    assert first.total == second.total
    assert first.reason_codes == second.reason_codes


@given(st.data())
def test_raising_a_factors_points_never_lowers_the_total(data: st.DataObject) -> None:
    card, inputs = data.draw(cards_and_inputs())
    position = data.draw(st.integers(min_value=0, max_value=len(card.factors) - 1))
    factor = card.factors[position]
    raise_by = data.draw(st.integers(min_value=0, max_value=100))
    if factor.bins:
        j = data.draw(st.integers(min_value=0, max_value=len(factor.bins) - 1))
        bins = list(factor.bins)
        bins[j] = attrs.evolve(bins[j], points=bins[j].points + raise_by)
        raised = attrs.evolve(factor, bins=tuple(bins))
    else:
        j = data.draw(st.integers(min_value=0, max_value=len(factor.categories) - 1))
        categories = list(factor.categories)
        categories[j] = attrs.evolve(categories[j], points=categories[j].points + raise_by)
        raised = attrs.evolve(factor, categories=tuple(categories))
    factors = list(card.factors)
    factors[position] = raised
    better = attrs.evolve(card, factors=tuple(factors))
    before, after = card.score(inputs).total, better.score(inputs).total
    assert after >= before
    assert after - before <= raise_by * factor.weight


@given(scorecards())
def test_scorecards_round_trip_through_documents(card: Scorecard) -> None:
    assert load(Scorecard, dump(card)) == card
