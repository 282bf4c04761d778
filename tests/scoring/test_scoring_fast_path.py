"""Scorecard.score's compiled fast path gives exactly what Factor.evaluate defines.

``Scorecard.score`` runs a function compiled for its scorecard: the common cases (a
``Decimal`` placed among the bin edges by written-out comparisons, or by
``bisect_right`` beyond 15 edges; a string looked up among the categories; a missing
value) are handled inline, with the points as ints when they are all whole and not
negative, and the rest goes to :meth:`Factor.evaluate`. These properties compare it with
a plain reference built from ``Factor.evaluate`` and the documented rules for totals and
reason codes, on scorecards of every shape.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credkit.errors import ValidationError
from credkit.scoring import (
    Bin,
    Category,
    Factor,
    RiskClass,
    RiskScale,
    Scorecard,
    ScoreResult,
)

_CATEGORIES = ("corporation", "partnership", "sole_trader", "coop")


@st.composite
def points(draw: st.DrawFn, *, whole: bool) -> int | str:
    """Points for a bin or category: whole and not negative (then added as ints), or any."""
    if whole:
        return draw(st.integers(0, 60))
    return draw(st.one_of(st.integers(-20, 60), st.sampled_from(["-0", "7.5", "10.0", "0"])))


@st.composite
def binned_factors(draw: st.DrawFn, name: str, *, whole: bool = False) -> Factor:
    # Up to 15 edges the compiled code compares in a tree; beyond, it uses bisect_right.
    few, many = (1, 6), (18, 30)
    least, most = draw(st.sampled_from([few, few, many]))
    edges = sorted(draw(st.sets(st.integers(-50, 50), min_size=least, max_size=most)))
    # Some bins are dropped to leave gaps; the ends are open or closed at random.
    bins = []
    lower: int | None = None if draw(st.booleans()) else edges[0] - 10
    for edge in edges:
        if lower is None or edge > lower:
            if draw(st.integers(0, 4)) > 0:
                bins.append(
                    Bin(
                        lower=None if lower is None else Decimal(lower).scaleb(-1),
                        upper=Decimal(edge).scaleb(-1),
                        points=draw(points(whole=whole)),
                    )
                )
            lower = edge
    if not bins or draw(st.booleans()):
        bins.append(
            Bin(
                lower=None if lower is None else Decimal(lower).scaleb(-1),
                points=draw(points(whole=whole)),
            )
        )
    return Factor(
        name,
        reason_code=name.upper(),
        missing=draw(st.one_of(st.just("min"), points(whole=whole))),
        weight=draw(st.sampled_from(["1", "2"] if whole else ["1", "2", "0.5"])),
        bins=tuple(bins),
    )


@st.composite
def categorical_factors(draw: st.DrawFn, name: str, *, whole: bool = False) -> Factor:
    values = draw(st.lists(st.sampled_from(_CATEGORIES[:3]), min_size=1, max_size=3, unique=True))
    return Factor(
        name,
        reason_code=name.upper(),
        missing=draw(st.one_of(st.just("min"), points(whole=whole))),
        weight=draw(st.sampled_from(["1", "3"])),
        categories=tuple(Category(v, points=draw(points(whole=whole))) for v in values),
    )


@st.composite
def scorecards(draw: st.DrawFn) -> Scorecard:
    kinds = draw(st.lists(st.booleans(), min_size=1, max_size=6))
    whole = draw(st.booleans())
    factors = tuple(
        draw(
            binned_factors(f"f{i}", whole=whole)
            if binned
            else categorical_factors(f"f{i}", whole=whole)
        )
        for i, binned in enumerate(kinds)
    )
    card = Scorecard("c", version="1", base_points=draw(st.integers(0, 500)), factors=factors)
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
        card = Scorecard(
            "c",
            version="1",
            base_points=card.base_points,
            factors=card.factors,
            risk_scale=scale,
        )
    return card


numbers = st.integers(-80, 80).map(lambda n: Decimal(n).scaleb(-1))
values = st.one_of(
    st.none(),
    numbers,
    numbers.map(lambda d: d.quantize(Decimal("0.001"))),  # same value, other exponent
    st.integers(-8, 8),
    numbers.map(str),
    st.sampled_from(["", "  ", "abc", "NaN", *_CATEGORIES]),
    st.sampled_from([Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity"), Decimal("sNaN")]),
    st.just(1.5),
    st.booleans(),
)


@st.composite
def inputs_for(draw: st.DrawFn, card: Scorecard) -> dict[str, Any]:
    inputs: dict[str, Any] = {}
    for factor in card.factors:
        if draw(st.integers(0, 9)) == 0:
            continue  # absent
        edges = [e for b in factor.bins for e in (b.lower, b.upper) if e is not None]
        if edges and draw(st.booleans()):  # exactly on a bin boundary, where bugs hide
            inputs[factor.input] = draw(st.sampled_from(edges))
        else:
            inputs[factor.input] = draw(values)
    return inputs


def reference(card: Scorecard, inputs: dict[str, Any]) -> ScoreResult:
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
        pd=None,
        risk_class=None if card.risk_scale is None else card.risk_scale.risk_class(total),
    )


def outcome(compute: Any) -> tuple[str, Any]:
    try:
        return "ok", compute()
    except ValidationError as error:
        return "error", str(error)


@given(st.data())
def test_score_matches_the_reference_built_from_factor_evaluate(data: st.DataObject) -> None:
    card = data.draw(scorecards())
    inputs = data.draw(inputs_for(card))
    fast = outcome(lambda: card.score(inputs))
    slow = outcome(lambda: reference(card, inputs))
    assert fast == slow
    if fast[0] == "ok":
        # Values are reported as read, exponent included (1.0 is not shown as 1).
        assert [str(c.value) for c in fast[1].contributions] == [
            str(c.value) for c in slow[1].contributions
        ]
        assert repr(fast[1]) == repr(slow[1])


def test_a_mapping_that_is_not_a_dict_takes_the_same_path() -> None:
    from types import MappingProxyType

    card = Scorecard(
        "c",
        version="1",
        factors=(
            Factor(
                "a",
                reason_code="A",
                missing=0,
                bins=(Bin(upper=1, points=0), Bin(lower=1, points=9)),
            ),
        ),
    )
    assert card.score(MappingProxyType({"a": Decimal(2)})) == card.score({"a": Decimal(2)})
    with pytest.raises(ValidationError, match="inputs: expected a mapping"):
        card.score([("a", Decimal(2))])  # type: ignore[arg-type]


def test_the_fast_result_equals_one_built_by_the_attrs_init() -> None:
    card = Scorecard(
        "c",
        version="7",
        factors=(
            Factor(
                "a",
                reason_code="A",
                missing=0,
                bins=(Bin(upper=1, points=0), Bin(lower=1, points=9)),
            ),
            Factor("b", reason_code="B", missing=0, categories=(Category("x", points=4),)),
        ),
    )
    result = card.score({"a": Decimal("0.5"), "b": "y"})
    rebuilt = ScoreResult(
        scorecard_id=result.scorecard_id,
        scorecard_version=result.scorecard_version,
        total=result.total,
        contributions=result.contributions,
        reason_codes=result.reason_codes,
        pd=result.pd,
        risk_class=result.risk_class,
    )
    assert result == rebuilt
    assert hash(result) == hash(rebuilt)
    assert (result.total, result.reason_codes) == (Decimal(0), ("A", "B"))


def test_whole_points_add_up_to_shared_totals_and_other_points_keep_their_exponent() -> None:
    def card(points: tuple[str, str], missing: str, base: str = "100") -> Scorecard:
        return Scorecard(
            "c",
            version="1",
            base_points=base,
            factors=(
                Factor(
                    "a",
                    reason_code="A",
                    missing=missing,
                    bins=(Bin(upper=1, points=points[0]), Bin(lower=1, points=points[1])),
                ),
            ),
        )

    # Whole points not below zero are added as ints; equal totals are one shared Decimal.
    whole = card(("0", "20"), "5")
    first, second = whole.score({"a": Decimal(3)}), whole.score({"a": Decimal(7)})
    assert repr(first.total) == "Decimal('120')"
    assert first.total is second.total
    # Any other points are added as Decimals, exponent and sign as Decimal addition gives.
    for other, inputs, total in (
        (card(("0", "20.0"), "5"), {"a": Decimal(3)}, "Decimal('120.0')"),
        (card(("0", "20"), "5.0"), {"a": Decimal(3)}, "Decimal('120')"),
        (card(("0", "20"), "5.0"), {}, "Decimal('105.0')"),
        (card(("-100", "20"), "5"), {"a": Decimal(0)}, "Decimal('0')"),
        (card(("0", "2E+1"), "5"), {"a": Decimal(3)}, "Decimal('120')"),
        (card(("0", "2E+1"), "1E+1", base="1E+2"), {"a": Decimal(3)}, "Decimal('1.2E+2')"),
    ):
        result = other.score(inputs)
        assert repr(result.total) == total
        assert result == reference(other, inputs)
