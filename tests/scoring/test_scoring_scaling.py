"""Tests for credkit.scoring.scaling: published anchors, both odds bases, round trips."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credkit.config import dump, load
from credkit.errors import ConfigError, ValidationError
from credkit.scoring import OddsBasis, Scaling

TIGHT = Decimal("1e-20")
GOOD = OddsBasis.GOOD_TO_BAD
BAD = OddsBasis.BAD_TO_GOOD


def close(a: Decimal, b: Decimal | int | str, tolerance: Decimal = TIGHT) -> bool:
    return abs(a - Decimal(b)) <= tolerance


# -- published anchors ---------------------------------------------------------------------


def test_scorecardpy_convention_600_points_at_bad_good_1_to_19_pdo_50() -> None:
    # scorecardpy scorecard(points0=600, odds0=1/19, pdo=50): odds = p/(1-p) (bad:good),
    # b = pdo/ln 2, a = points0 + b*ln(odds0), score = a - b*ln(odds).
    one_in_19 = Decimal(1) / Decimal(19)
    card = Scaling(pdo=50, target_score=600, target_odds=one_in_19, basis=BAD)
    assert close(card.score_from_odds(one_in_19), 600)
    assert close(card.score_from_odds(one_in_19 / 2), 650)  # half the bads per good: +pdo
    assert close(card.score_from_odds(one_in_19 * 2), 550)
    assert close(card.pd_from_score(600), Decimal(1) / Decimal(20))
    # scorecardpy's a = 600 + (50/ln 2) * ln(1/19) = 387.6036...
    assert round(card.offset, 4) == Decimal("387.6036")
    assert round(card.factor, 4) == Decimal("72.1348")
    # The same line, quoted good:bad.
    same = Scaling(pdo=50, target_score=600, target_odds=19, basis=GOOD)
    assert close(same.score_from_odds(19), 600)
    assert close(same.offset, card.offset, Decimal("1e-24"))


def test_toad_convention_750_points_at_good_bad_35_to_1_pdo_60() -> None:
    # toad ScoreCard(pdo=60, rate=2, base_odds=35, base_score=750): odds = (1-p)/p (good:bad),
    # factor = pdo/ln 2, offset = base_score - factor*ln(base_odds).
    card = Scaling(pdo=60, target_score=750, target_odds=35, basis=GOOD)
    assert close(card.score_from_odds(35), 750)
    assert close(card.score_from_odds(70), 810)
    assert close(card.score_from_odds(Decimal("17.5")), 690)
    assert close(card.pd_from_score(750), Decimal(1) / Decimal(36))
    assert close(card.odds_from_score(750), 35)
    # Quoted bad:good, the same scaling is 750 at 1:35.
    flipped = Scaling(pdo=60, target_score=750, target_odds=Decimal(1) / 35, basis=BAD)
    assert close(flipped.score_from_odds(Decimal(1) / 35), 750)
    assert close(flipped.pd_from_score(810), card.pd_from_score(810))


def test_siddiqi_example_factor_and_offset() -> None:
    # N. Siddiqi, Credit Risk Scorecards (2006), ch. 6: odds of 50:1 at 600 points, pdo 20
    # give factor = 20/ln 2 = 28.8539 and offset = 600 - 28.8539*ln(50) = 487.123.
    card = Scaling(pdo=20, target_score=600, target_odds=50, basis=GOOD)
    assert round(card.factor, 4) == Decimal("28.8539")
    assert round(card.offset, 3) == Decimal("487.123")


def test_stack_exchange_example_odds_double_every_20_points() -> None:
    # stats.stackexchange.com question 10092 ("What does 20/ln(2) mean?"): 600 means good:bad
    # odds of 30:1 and with pdo 20, 620 means 60:1 and 640 means 120:1.
    card = Scaling(pdo=20, target_score=600, target_odds=30, basis=GOOD)
    assert close(card.odds_from_score(620), 60)
    assert close(card.odds_from_score(640), 120)
    assert close(card.score_from_odds(120), 640)


def test_mailing_list_example_two_percent_bad_rate_at_500() -> None:
    # edstat mailing list (J. L. Stevens, msg06692): "2% bad rate (or 49:1 odds) at 500 and
    # 50 PDO ... a score of 550 is 98:1 odds".
    card = Scaling(pdo=50, target_score=500, target_odds=49, basis=GOOD)
    assert close(card.pd_from_score(500), "0.02")
    assert close(card.odds_from_score(550), 98)
    assert close(card.score_from_pd("0.02"), 500)


# -- validation ----------------------------------------------------------------------------


def test_bad_scalings_and_arguments_are_refused() -> None:
    with pytest.raises(ValidationError, match=r"^target_odds: must be above zero, got 0"):
        Scaling(pdo=20, target_score=600, target_odds=0, basis=GOOD)
    with pytest.raises(ValidationError, match=r"^pdo: float 20.0 is not exact"):
        Scaling(pdo=20.0, target_score=600, target_odds=50, basis=GOOD)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=r"^basis: expected OddsBasis"):
        Scaling(pdo=20, target_score=600, target_odds=50, basis="good_to_bad")  # type: ignore[arg-type]
    card = Scaling(pdo=20, target_score=600, target_odds=50, basis=GOOD)
    with pytest.raises(ValidationError, match=r"^odds: must be above zero, got -1"):
        card.score_from_odds(-1)
    for pd in (0, 1, "1.5", "-0.1"):
        with pytest.raises(ValidationError, match=r"^pd: must be above 0 and below 1"):
            card.score_from_pd(pd)
    with pytest.raises(ValidationError, match=r"^score: float 600.0 is not exact"):
        card.pd_from_score(600.0)  # type: ignore[arg-type]


def test_extreme_scores_raise_a_validation_error_not_an_arithmetic_one() -> None:
    card = Scaling(pdo=20, target_score=600, target_odds=50, basis=BAD)
    with pytest.raises(ValidationError, match=r"^score: 1E\+30 is too far"):
        card.odds_from_score("1e30")
    with pytest.raises(ValidationError, match=r"^score: -1E\+30 is too far"):
        card.odds_from_score("-1e30")
    with pytest.raises(ValidationError, match=r"^score: '1e100' is out of bounds"):
        card.odds_from_score("1e100")


def test_scaling_loads_from_a_document() -> None:
    card = load(
        Scaling,
        'pdo = 50\ntarget_score = 600\ntarget_odds = "0.05263157894736842105263157895"\n'
        'basis = "bad_to_good"',
        format="toml",
    )
    assert card.basis is BAD
    assert load(Scaling, dump(card)) == card
    with pytest.raises(ConfigError, match=r"^basis: expected one of 'good_to_bad', 'bad_to_good'"):
        load(Scaling, {"pdo": 50, "target_score": 600, "target_odds": 19, "basis": "odds"})


# -- properties ----------------------------------------------------------------------------


@st.composite
def scalings(draw: st.DrawFn) -> Scaling:
    return Scaling(
        pdo=draw(st.decimals(min_value=5, max_value=100, places=2)),
        target_score=draw(st.decimals(min_value=0, max_value=1000, places=2)),
        target_odds=draw(st.decimals(min_value="0.01", max_value=500, places=2)),
        basis=draw(st.sampled_from(OddsBasis)),
    )


def _offsets(card: Scaling) -> st.SearchStrategy[Decimal]:
    # Scores within 20 pdo of the target: PDs between about 1e-6 and 1 - 1e-6.
    return st.decimals(
        min_value=card.target_score - 20 * card.pdo,
        max_value=card.target_score + 20 * card.pdo,
        places=4,
    )


_odds = st.decimals(min_value="0.001", max_value=100000, places=3)


@given(scalings(), _odds)
def test_doubling_good_bad_odds_adds_exactly_pdo(card: Scaling, good_to_bad: Decimal) -> None:
    if card.basis is GOOD:
        before, after = card.score_from_odds(good_to_bad), card.score_from_odds(good_to_bad * 2)
    else:
        # bad:good odds are the reciprocal; doubling good:bad halves bad:good.
        before = card.score_from_odds(1 / good_to_bad)
        after = card.score_from_odds(1 / (good_to_bad * 2))
    assert close(after - before, card.pdo)


@given(scalings())
def test_the_target_score_sits_at_the_target_odds(card: Scaling) -> None:
    assert close(card.score_from_odds(card.target_odds), card.target_score)
    assert close(
        card.odds_from_score(card.target_score), card.target_odds, card.target_odds * TIGHT
    )


@given(st.data())
def test_score_to_pd_to_score_round_trips(data: st.DataObject) -> None:
    card = data.draw(scalings())
    score = data.draw(_offsets(card))
    pd = card.pd_from_score(score)
    assert 0 < pd < 1
    assert close(card.score_from_pd(pd), score, Decimal("1e-12"))
    assert close(card.score_from_odds(card.odds_from_score(score)), score, Decimal("1e-15"))


@given(scalings(), st.decimals(min_value="0.000001", max_value="0.999999", places=6))
def test_pd_to_score_to_pd_round_trips(card: Scaling, pd: Decimal) -> None:
    assert close(card.pd_from_score(card.score_from_pd(pd)), pd, Decimal("1e-20"))


@given(st.data())
def test_pd_falls_as_the_score_rises(data: st.DataObject) -> None:
    card = data.draw(scalings())
    a, b = data.draw(_offsets(card)), data.draw(_offsets(card))
    low, high = min(a, b), max(a, b)
    assert card.pd_from_score(high) <= card.pd_from_score(low)
    if high > low:
        assert card.pd_from_score(high) < card.pd_from_score(low)


@given(scalings(), st.decimals(min_value=-2000, max_value=3000, places=2))
def test_both_bases_describe_the_same_line(card: Scaling, score: Decimal) -> None:
    other_basis = BAD if card.basis is GOOD else GOOD
    mirrored = Scaling(
        pdo=card.pdo,
        target_score=card.target_score,
        target_odds=1 / card.target_odds,
        basis=other_basis,
    )
    assert close(mirrored.offset, card.offset, Decimal("1e-22"))
    assert close(mirrored.pd_from_score(score), card.pd_from_score(score), Decimal("1e-22"))
