"""A ScoreResult works out its fields on first read, and they equal the eager ones.

``Scorecard.score`` keeps only the total, the values read and the points given; a
result's ``scorecard_id``, ``scorecard_version``, ``contributions``, ``reason_codes``,
``pd`` and ``risk_class`` are worked out the first time they are read and then kept.
These tests compare every such field with one computed eagerly from the documented rules
(``Factor.evaluate`` for each contribution, ``Scaling.pd_from_score`` and
``RiskScale.risk_class`` of the total), on the shipped example scorecard and on random
ones, and check that the result otherwise behaves as a plain frozen value.
"""

from __future__ import annotations

import copy
import pickle
from decimal import Decimal, localcontext
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from credkit.errors import ValidationError
from credkit.scoring import (
    Bin,
    Category,
    Factor,
    OddsBasis,
    RiskClass,
    RiskScale,
    Scaling,
    Scorecard,
    ScoreResult,
    example_scorecard,
)

LAZY = ("scorecard_id", "scorecard_version", "contributions", "reason_codes", "pd", "risk_class")
FIELDS = ("total", *LAZY)

# -- strategies ------------------------------------------------------------------------------


@st.composite
def value_for(draw: st.DrawFn, factor: Factor) -> Any:
    """A value for ``factor``'s input: on or near its bin edges, a category, or odd ones."""
    if factor.bins:
        edges = [e for b in factor.bins for e in (b.lower, b.upper) if e is not None] or [
            Decimal(0)
        ]
        near = st.sampled_from(edges).flatmap(
            lambda edge: st.sampled_from([edge, edge - Decimal("0.01"), edge + Decimal("0.01")])
        )
        return draw(
            st.one_of(
                near,
                near.map(str),  # numeric strings take Factor.evaluate's path
                st.integers(-100, 100),
                st.sampled_from([None, "", "  "]),
            )
        )
    listed = [c.value for c in factor.categories]
    return draw(st.sampled_from([*listed, "unlisted", "", None]))


@st.composite
def inputs_for(draw: st.DrawFn, card: Scorecard) -> dict[str, Any]:
    inputs: dict[str, Any] = {}
    for factor in card.factors:
        if draw(st.integers(0, 9)) > 0:  # absent one time in ten
            inputs[factor.input] = draw(value_for(factor))
    return inputs


@st.composite
def factors(draw: st.DrawFn, index: int) -> Factor:
    points: st.SearchStrategy[int | str] = (
        st.integers(0, 50) if draw(st.booleans()) else st.sampled_from(["-5", "2.5", "10"])
    )
    missing = draw(st.one_of(st.just("min"), points))
    if draw(st.booleans()):
        cuts = sorted(draw(st.sets(st.integers(-20, 20), min_size=1, max_size=5)))
        lowers = [None, *cuts]
        uppers = [*cuts, None]
        bins = tuple(
            Bin(
                lower=None if lo is None else Decimal(lo).scaleb(-1),
                upper=None if hi is None else Decimal(hi).scaleb(-1),
                points=draw(points),
            )
            for lo, hi in zip(lowers, uppers, strict=True)
        )
        return Factor(f"f{index}", reason_code=f"R{index}", missing=missing, bins=bins)
    values = draw(st.lists(st.sampled_from(["a", "b", "c"]), min_size=1, max_size=3, unique=True))
    return Factor(
        f"f{index}",
        reason_code=f"R{index}",
        missing=missing,
        weight=draw(st.sampled_from(["1", "2"])),
        categories=tuple(Category(v, points=draw(points)) for v in values),
    )


@st.composite
def scorecards(draw: st.DrawFn) -> Scorecard:
    count = draw(st.integers(1, 5))
    card = Scorecard(
        "random",
        version=draw(st.sampled_from(["1", "2026.1"])),
        base_points=draw(st.integers(0, 600)),
        factors=tuple(draw(factors(i)) for i in range(count)),
    )
    scaling = None
    if draw(st.booleans()):
        scaling = Scaling(
            pdo=draw(st.integers(20, 60)),
            target_score=draw(st.integers(300, 700)),
            target_odds=draw(st.integers(5, 60)),
            basis=draw(st.sampled_from(OddsBasis)),
        )
    scale = None
    if draw(st.booleans()):
        cut = (card.min_total + card.max_total) // 2
        scale = RiskScale(
            id="s",
            version="1",
            classes=(
                RiskClass("A", min_score=cut, pd="0.01", review_months=12),
                RiskClass("B", max_score=cut, pd="0.1", review_months=6),
            ),
        )
    return attrs.evolve(card, scaling=scaling, risk_scale=scale)


def cards_and_inputs() -> st.SearchStrategy[tuple[Scorecard, dict[str, Any]]]:
    example = st.just(example_scorecard())
    return st.one_of(example, scorecards()).flatmap(
        lambda card: st.tuples(st.just(card), inputs_for(card))
    )


# -- the reference ---------------------------------------------------------------------------


def eager(card: Scorecard, inputs: dict[str, Any]) -> ScoreResult:
    """Every field computed at once from the documented rules, built with the attrs init."""
    contributions = tuple(factor.evaluate(inputs.get(factor.input)) for factor in card.factors)
    total = card.base_points + sum((c.points for c in contributions), Decimal(0))
    losers = sorted(
        (c.points - c.max_points, index, c.reason_code)
        for index, c in enumerate(contributions)
        if c.points < c.max_points
    )
    return ScoreResult(
        scorecard_id=card.id,
        scorecard_version=card.version,
        total=total,
        contributions=contributions,
        reason_codes=tuple(code for _, _, code in losers),
        pd=None if card.scaling is None else card.scaling.pd_from_score(total),
        risk_class=None if card.risk_scale is None else card.risk_scale.risk_class(total),
    )


# -- properties ------------------------------------------------------------------------------


@given(cards_and_inputs(), st.permutations(FIELDS))
def test_every_field_read_lazily_equals_the_eager_one_in_any_order(
    case: tuple[Scorecard, dict[str, Any]], order: list[str]
) -> None:
    card, inputs = case
    expected = eager(card, inputs)
    result = card.score(inputs)
    for name in order:  # a field must not depend on which were read before it
        assert getattr(result, name) == getattr(expected, name), name
    assert [str(c.value) for c in result.contributions] == [
        str(c.value) for c in expected.contributions
    ]  # values as read, exponent included
    assert str(result.total) == str(expected.total)
    assert result.reasons == expected.reasons


@given(cards_and_inputs())
def test_an_unread_result_compares_hashes_and_prints_as_the_eager_one(
    case: tuple[Scorecard, dict[str, Any]],
) -> None:
    card, inputs = case
    expected = eager(card, inputs)
    assert card.score(inputs) == expected
    assert expected == card.score(inputs)
    assert hash(card.score(inputs)) == hash(expected)
    assert repr(card.score(inputs)) == repr(expected)
    assert card.score(inputs) == card.score(inputs)  # two unread results


@given(cards_and_inputs())
def test_reading_a_field_twice_gives_the_same_object(
    case: tuple[Scorecard, dict[str, Any]],
) -> None:
    card, inputs = case
    result = card.score(inputs)
    first = {name: getattr(result, name) for name in FIELDS}
    second = {name: getattr(result, name) for name in FIELDS}
    for name in FIELDS:
        assert second[name] is first[name], name
    reasons = result.reasons
    assert result.reasons == reasons
    assert all(a is b for a, b in zip(result.reasons, reasons, strict=True))
    # The contributions are Factor.evaluate's; the reasons are some of them, not copies.
    assert all(any(r is c for c in result.contributions) for r in reasons)


@given(cards_and_inputs())
def test_a_result_does_not_change_when_the_inputs_do(
    case: tuple[Scorecard, dict[str, Any]],
) -> None:
    card, inputs = case
    expected = eager(card, inputs)
    result = card.score(inputs)
    for key in list(inputs):
        inputs[key] = "changed after scoring"
    inputs["extra"] = Decimal(1)
    assert result == expected


@given(cards_and_inputs())
def test_pickling_copying_and_evolving_give_the_eager_fields(
    case: tuple[Scorecard, dict[str, Any]],
) -> None:
    card, inputs = case
    expected = eager(card, inputs)
    for other in (
        pickle.loads(pickle.dumps(card.score(inputs))),
        copy.copy(card.score(inputs)),
        copy.deepcopy(card.score(inputs)),
    ):
        assert other == expected
        assert repr(other) == repr(expected)
    assert attrs.asdict(card.score(inputs), recurse=False) == attrs.asdict(expected, recurse=False)
    moved = attrs.evolve(card.score(inputs), total=expected.total + 1)
    assert moved.contributions == expected.contributions
    assert moved.total == expected.total + 1


# -- examples --------------------------------------------------------------------------------


def test_the_fields_are_those_of_the_attrs_class_only() -> None:
    # The values kept for later are private slots of a base class, not attrs fields.
    assert tuple(a.name for a in attrs.fields(ScoreResult)) == (
        "scorecard_id",
        "scorecard_version",
        "total",
        "contributions",
        "reason_codes",
        "pd",
        "risk_class",
    )


def test_a_result_stays_frozen_before_and_after_a_field_is_read() -> None:
    result = example_scorecard().score({"current_ratio": "1.3"})
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        result.contributions = ()  # type: ignore[misc]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        result.total = Decimal(0)  # type: ignore[misc]
    assert len(result.contributions) == len(example_scorecard().factors)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        result.contributions = ()  # type: ignore[misc]


def test_an_unknown_attribute_is_still_an_attribute_error() -> None:
    result = example_scorecard().score({})
    with pytest.raises(AttributeError, match=r"^'ScoreResult' object has no attribute 'nope'$"):
        result.nope  # type: ignore[attr-defined]  # noqa: B018
    assert not hasattr(result, "nope")
    assert not hasattr(result, "_read_later")


def test_the_example_scorecard_gives_its_documented_totals_and_classes() -> None:
    # Figures from tests/scoring/test_scoring_example.py (the example scorecard's own tests),
    # read here in the opposite order: risk class and pd first, contributions last.
    result = example_scorecard().score(
        {
            "current_ratio": "1.1",
            "equity_ratio": "0.15",
            "payment_index": "",
            "days_beyond_terms": None,
            "years_in_business": "1",
            "legal_form": "partnership",
            "bureau_score": "45",
        }
    )
    assert result.risk_class is not None
    assert result.risk_class.name == "D"
    assert result.pd is not None
    assert round(result.pd, 4) == Decimal("0.1016")
    assert result.total == 500
    assert [c.missing for c in result.contributions][2:4] == [True, True]


def test_the_pd_is_worked_out_under_the_decimal_context_of_its_first_read() -> None:
    card = example_scorecard()
    assert card.scaling is not None
    result = card.score({"current_ratio": "1.3", "bureau_score": "71"})
    with localcontext() as context:
        context.prec = 8
        pd = result.pd
    assert pd is not None
    assert len(pd.as_tuple().digits) <= 8
    assert result.pd is pd  # kept, whatever the context of later reads
    full = card.scaling.pd_from_score(result.total)
    assert len(full.as_tuple().digits) > 8
    assert abs(pd - full) < Decimal("1e-8")


def _card_with_a_steep_scaling() -> Scorecard:
    # Every 0.0001 points double the odds: at a total of 1000 the odds are 2 ** 10,000,000,
    # beyond the largest exponent of the default decimal context, so pd_from_score(1000)
    # fails (as tests/scoring/test_scoring_scaling.py shows for 1E+100) while 0 works.
    return Scorecard(
        "steep",
        version="1",
        factors=(
            Factor(
                "x",
                reason_code="X",
                missing=0,
                bins=(Bin(upper=1, points=0), Bin(lower=1, points=1000)),
            ),
        ),
        scaling=Scaling(pdo="0.0001", target_score=0, target_odds=1, basis=OddsBasis.GOOD_TO_BAD),
    )


def test_a_scaling_that_fails_at_an_extreme_still_raises_from_score() -> None:
    card = _card_with_a_steep_scaling()
    assert card.scaling is not None
    with pytest.raises(ValidationError, match=r"^score: 1000 is too far"):
        card.scaling.pd_from_score(1000)
    with pytest.raises(ValidationError, match=r"^score: 1000 is too far"):
        card.score({"x": Decimal(5)})
    low = card.score({"x": Decimal(0)})
    assert low.total == 0
    assert low.pd == Decimal("0.5")
