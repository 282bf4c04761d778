"""Tests for ScoreRange and Scorecard.scaled_score: totals rescaled onto a fixed range.

FICO scores run from 300 to 850 (myFICO, "What is a credit score?"): the examples use
that range. The mapping is the straight line through (lowest total, minimum) and
(highest total, maximum), as OptBinning's ``Scorecard(scaling_method="min_max",
scaling_method_params={"min": 300, "max": 850})`` offers beside "pdo_odds". The
property tests check that the ends are reached exactly and the order is kept.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credkit.config import dump, load
from credkit.errors import ConfigError, ValidationError
from credkit.scoring import (
    Bin,
    Factor,
    Scorecard,
    ScoreRange,
    example_scorecard,
)
from credkit.testing.strategies import score_ranges

FICO = ScoreRange(minimum=300, maximum=850, places=0)


def test_fico_range_ends_are_the_scorecards_lowest_and_highest_totals() -> None:
    card = example_scorecard()  # totals run from 340 to 725
    assert card.scaled_score(340) == 300
    assert card.scaled_score(725) == 850
    # 645 points: 300 + (645 - 340) x 550 / 385 = 735.71..., rounded half up
    assert card.scaled_score(645) == 736
    exact = ScoreRange(minimum=300, maximum=850)
    assert exact.rescale(645, low=340, high=725) == Decimal(300) + Decimal(305 * 550) / 385


def test_scaled_score_reads_a_result() -> None:
    card = Scorecard(
        "c",
        version="1",
        score_range=FICO,
        factors=(
            Factor(
                "pay",
                reason_code="PAY",
                missing=0,
                bins=(Bin(upper=50, points=0), Bin(lower=50, points=40)),
            ),
        ),
    )
    assert card.scaled_score(card.score({"pay": 70})) == 850
    assert card.scaled_score(card.score({})) == 300


def test_bad_ranges_and_totals_are_refused() -> None:
    with pytest.raises(ValidationError, match=r"^maximum: must be above minimum 300, got 300"):
        ScoreRange(minimum=300, maximum=300)
    with pytest.raises(ValidationError, match=r"^minimum: 300.5 has more than 0 decimal places"):
        ScoreRange(minimum="300.5", maximum=850, places=0)
    with pytest.raises(ValidationError, match=r"^places: must be 0 or more, got -1"):
        ScoreRange(minimum=300, maximum=850, places=-1)
    with pytest.raises(ValidationError, match=r"^minimum: float"):
        ScoreRange(minimum=300.0, maximum=850)
    with pytest.raises(ValidationError, match=r"^total: 726 is outside the totals 340 to 725"):
        FICO.rescale(726, low=340, high=725)
    with pytest.raises(ValidationError, match=r"^high: must be above low 5, got 5"):
        FICO.rescale(5, low=5, high=5)
    flat = (Factor("a", reason_code="A", missing=1, bins=(Bin(lower=0, points=1),)),)
    with pytest.raises(ValidationError, match=r"^score_range: every total of this scorecard is 1"):
        Scorecard("flat", version="1", factors=flat, score_range=FICO)


def test_a_scorecard_document_takes_a_score_range() -> None:
    card = example_scorecard()
    document = dump(card)
    document["score_range"] = {"minimum": 300, "maximum": 850, "places": 0}
    ranged = load(Scorecard, document)
    assert ranged.score_range == FICO
    assert load(Scorecard, dump(ranged)) == ranged
    document["score_range"] = {"minimum": 300, "maximum": 250}
    with pytest.raises(ConfigError) as caught:
        load(Scorecard, document)
    assert caught.value.path.startswith("score_range")
    assert "must be above minimum 300" in caught.value.detail


# -- properties ----------------------------------------------------------------------------


@st.composite
def _totals(draw: st.DrawFn) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    points = st.decimals(min_value=-5000, max_value=5000, places=draw(st.integers(0, 3)))
    low = draw(points)
    high = draw(points.filter(lambda value: value > low))
    inside = st.decimals(min_value=low, max_value=high, places=3)
    one, two = sorted((draw(inside), draw(inside)))
    return low, high, one, two


@given(score_ranges(), _totals())
def test_rescaling_keeps_the_order_of_customers(
    rescale: ScoreRange, totals: tuple[Decimal, Decimal, Decimal, Decimal]
) -> None:
    low, high, one, two = totals
    first = rescale.rescale(one, low=low, high=high)
    second = rescale.rescale(two, low=low, high=high)
    assert first <= second
    if one < two and rescale.places is None:
        assert first < second  # exact: distinct totals stay distinct
    assert rescale.minimum <= first <= rescale.maximum


@given(score_ranges(), _totals())
def test_the_ends_of_the_range_are_attained_exactly(
    rescale: ScoreRange, totals: tuple[Decimal, Decimal, Decimal, Decimal]
) -> None:
    low, high, _, _ = totals
    assert rescale.rescale(low, low=low, high=high) == rescale.minimum
    assert rescale.rescale(high, low=low, high=high) == rescale.maximum


@given(score_ranges(), st.lists(st.integers(0, 100), min_size=3, max_size=3))
def test_a_scorecards_ranged_scores_follow_its_totals(
    rescale: ScoreRange, payment_indices: list[int]
) -> None:
    card = Scorecard(
        "c",
        version="1",
        score_range=rescale,
        base_points=100,
        factors=(
            Factor(
                "pay",
                reason_code="PAY",
                missing="min",
                bins=(
                    Bin(upper=50, points=0),
                    Bin(lower=50, upper=80, points=30),
                    Bin(lower=80, points=60),
                ),
            ),
        ),
    )
    results = sorted((card.score({"pay": pay}) for pay in payment_indices), key=lambda r: r.total)
    scaled = [card.scaled_score(result) for result in results]
    assert scaled == sorted(scaled)
    assert card.scaled_score(card.min_total) == rescale.minimum
    assert card.scaled_score(card.max_total) == rescale.maximum
