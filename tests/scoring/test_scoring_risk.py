"""Tests for credkit.scoring.risk: tiling, boundaries, monotonicity, loading."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from credkit.config import dump, load
from credkit.errors import ConfigError, ValidationError
from credkit.scoring import RiskClass, RiskScale

A = RiskClass("A", min_score=650, pd="0.005", review_months=24)
B = RiskClass("B", min_score=600, max_score=650, pd="0.013", review_months=12)
C = RiskClass("C", min_score=550, max_score=600, pd="0.03", review_months=12)
D = RiskClass("D", max_score=550, pd="0.15", review_months=3)
SCALE = RiskScale(id="trade", version="1", classes=(A, B, C, D))


def test_min_score_is_included_and_max_score_excluded() -> None:
    assert SCALE.risk_class(650) is A
    assert SCALE.risk_class("649.999") is B
    assert SCALE.risk_class(600) is B
    assert SCALE.risk_class(Decimal("599.99")) is C
    assert SCALE.risk_class(550) is C
    assert SCALE.risk_class(549) is D
    assert SCALE.risk_class(-(10**9)) is D
    assert SCALE.risk_class(10**9) is A


def test_closed_ends_refuse_scores_outside_the_scale() -> None:
    closed = RiskScale(
        id="s",
        version="1",
        classes=(attrs.evolve(A, max_score=1000), attrs.evolve(D, min_score=0, max_score=650)),
    )
    assert closed.risk_class(0).name == "D"
    assert closed.risk_class("999.99").name == "A"
    with pytest.raises(ValidationError, match=r"^score: -1 is below the bottom of the scale \(0"):
        closed.risk_class(-1)
    with pytest.raises(ValidationError, match=r"^score: 1000 is at or above the top of the scale"):
        closed.risk_class(1000)
    with pytest.raises(ValidationError, match=r"^score: float 600.0 is not exact"):
        SCALE.risk_class(600.0)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("classes", "message"),
    [
        ((), r"^classes: a risk scale needs at least one class"),
        (
            (A, C),
            r"^classes\[1\].max_score: must equal classes\[0\].min_score \(650\) .* 600 leaves a gap",
        ),
        (
            (A, attrs.evolve(B, max_score=700)),
            r"^classes\[1\].max_score: must equal classes\[0\].min_score \(650\) .* 700 overlaps",
        ),
        (
            (A, B, attrs.evolve(C, max_score=None)),
            r"^classes\[2\].max_score: only the first \(best\)",
        ),
        (
            (D, A),
            r"^classes\[0\].min_score: only the last \(worst\) class may leave min_score open",
        ),
        (
            (A, attrs.evolve(B, name="A")),
            r"^classes\[1\].name: 'A' is already used by classes\[0\]",
        ),
        (
            (A, attrs.evolve(B, pd="0.001")),
            r"^classes\[1\].pd: 0.001 is below the pd of the better",
        ),
        ((A, "B"), r"^classes\[1\]: expected RiskClass, got str 'B'"),
    ],
)
def test_classes_must_tile_the_scale(classes: tuple[Any, ...], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        RiskScale(id="s", version="1", classes=classes)


def test_risk_class_fields_are_validated() -> None:
    with pytest.raises(ValidationError, match=r"^max_score: must be above min_score \(5\), got 5"):
        RiskClass("X", min_score=5, max_score=5, pd=0, review_months=1)
    with pytest.raises(ValidationError, match=r"^pd: must be between 0 and 1 \(a fraction"):
        RiskClass("X", pd=15, review_months=1)
    with pytest.raises(ValidationError, match=r"^review_months: expected a whole number"):
        RiskClass("X", pd=0, review_months=0)
    with pytest.raises(ValidationError, match=r"^review_months: expected a whole number"):
        RiskClass("X", pd=0, review_months=True)
    with pytest.raises(ValidationError, match=r"^pd: float 0.1 is not exact"):
        RiskClass("X", pd=0.1, review_months=1)  # type: ignore[arg-type]


def test_scale_loads_from_toml_with_paths_in_errors() -> None:
    document = """
        id = "classes"
        version = "2026.1"
        [[classes]]
        name = "A"
        min_score = 600
        pd = 0.01
        review_months = 12
        [[classes]]
        name = "B"
        max_score = 600
        pd = 0.05
        review_months = 6
    """
    scale = load(RiskScale, document, format="toml")
    assert [c.name for c in scale.classes] == ["A", "B"]
    assert scale.classes[0].pd == Decimal("0.01")
    assert load(RiskScale, dump(scale)) == scale
    with pytest.raises(ConfigError, match=r"^classes\[1\].max_score: must equal classes\[0\]"):
        load(RiskScale, document.replace("max_score = 600", "max_score = 590"), format="toml")
    with pytest.raises(ConfigError, match=r"^classes\[0\].review_months: expected an integer"):
        load(
            RiskScale, document.replace("review_months = 12", "review_months = 12.5"), format="toml"
        )


# -- properties --------------------------------------------------------------------------------


@st.composite
def scales(draw: st.DrawFn) -> RiskScale:
    cuts = sorted(
        set(draw(st.lists(st.integers(-1000, 1000), min_size=1, max_size=6))), reverse=True
    )
    open_top, open_bottom = draw(st.booleans()), draw(st.booleans())
    edges: list[int | None] = [None if open_top else cuts[0] + 100, *cuts]
    edges.append(None if open_bottom else cuts[-1] - 100)
    pds = sorted(
        draw(
            st.lists(
                st.decimals(min_value=0, max_value=1, places=4),
                min_size=len(edges) - 1,
                max_size=len(edges) - 1,
            )
        )
    )
    classes = tuple(
        RiskClass(
            f"class{i}",
            max_score=edges[i],
            min_score=edges[i + 1],
            pd=pds[i],
            review_months=draw(st.integers(1, 36)),
        )
        for i in range(len(edges) - 1)
    )
    return RiskScale(id="drawn", version="1", classes=classes)


_scores = st.decimals(min_value=-1100, max_value=1100, places=3)


def _index(scale: RiskScale, score: Decimal) -> int | None:
    try:
        return scale.classes.index(scale.risk_class(score))
    except ValidationError:
        return None


@given(scales(), _scores, _scores)
def test_risk_class_is_monotone(scale: RiskScale, a: Decimal, b: Decimal) -> None:
    low, high = min(a, b), max(a, b)
    low_index, high_index = _index(scale, low), _index(scale, high)
    if low_index is not None and high_index is not None:
        # A higher score never lands in a worse class (classes are listed best first).
        assert high_index <= low_index
        assert scale.classes[high_index].pd <= scale.classes[low_index].pd


@given(scales(), _scores)
def test_every_score_on_the_scale_is_in_exactly_one_class(scale: RiskScale, score: Decimal) -> None:
    containing = [c for c in scale.classes if c.contains(score)]
    index = _index(scale, score)
    if index is None:
        assert containing == []
    else:
        assert containing == [scale.classes[index]]
