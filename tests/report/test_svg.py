"""The SVG charts of the portfolio report: geometry, gaps, escaping, well-formed markup."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credkit.errors import ValidationError
from credkit.report import line_chart, nice_ticks, stack, stacked_bar_chart

CENT = Decimal("0.01")


def _bars(svg: str) -> dict[str, list[ET.Element]]:
    root = ET.fromstring(svg)
    return {
        group.get("data-category", ""): group.findall("rect")
        for group in root.iter("g")
        if group.get("class") == "bar"
    }


def _height(rect: ET.Element) -> Decimal:
    return Decimal(rect.get("height", "0"))


# -- stack ------------------------------------------------------------------------------


def test_segment_heights_are_proportional_to_the_values() -> None:
    segments = stack([Decimal(10), Decimal(20), Decimal(30)], scale=Decimal(2))
    assert [s.height for s in segments] == [Decimal(20), Decimal(40), Decimal(60)]
    assert [s.bottom for s in segments] == [Decimal(0), Decimal(20), Decimal(60)]
    assert segments[-1].top == Decimal(120)


def test_segments_sum_exactly_to_the_rounded_bar() -> None:
    values = [Decimal("1.111"), Decimal("2.222"), Decimal("3.337")]
    scale = Decimal("3.3333")
    segments = stack(values, scale=scale)
    assert sum(s.height for s in segments) == (sum(values) * scale).quantize(CENT)


def test_negative_and_zero_values_are_drawn_as_nothing() -> None:
    segments = stack([Decimal(5), Decimal(-3), Decimal(0), Decimal(5)], scale=Decimal(1))
    assert [s.height for s in segments] == [Decimal(5), Decimal(0), Decimal(0), Decimal(5)]
    assert [s.value for s in segments] == [Decimal(5), Decimal(-3), Decimal(0), Decimal(5)]


def test_an_empty_bar_has_no_segments() -> None:
    assert stack([], scale=Decimal(1)) == ()


def test_stack_refuses_floats_and_negative_scales() -> None:
    with pytest.raises(ValidationError, match=r"values\[0\]"):
        stack([1.5], scale=Decimal(1))  # type: ignore[list-item]
    with pytest.raises(ValidationError, match="scale"):
        stack([Decimal(1)], scale=Decimal(-1))


@given(
    st.lists(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False), max_size=8),
    st.decimals(min_value=Decimal("0.000001"), max_value=10, places=6),
)
def test_stacked_heights_sum_to_the_bar_and_are_never_negative(
    values: list[Decimal], scale: Decimal
) -> None:
    segments = stack(values, scale=scale)
    assert all(s.height >= 0 for s in segments)
    bar = (sum(values, Decimal(0)) * scale).quantize(CENT)
    assert sum((s.height for s in segments), Decimal(0)) == bar
    for segment, value in zip(segments, values, strict=True):  # each within rounding
        assert abs(segment.height - value * scale) <= CENT


# -- the stacked bar chart ------------------------------------------------------------


def test_bar_heights_in_the_chart_are_proportional_to_the_totals() -> None:
    svg = stacked_bar_chart(
        ["A", "B", "C"],
        [("x", [Decimal(10), Decimal(20), Decimal(0)]), ("y", [Decimal(30), Decimal(60), 0])],
        title="t",
        description="d",
    )
    bars = _bars(svg)
    totals = {name: sum(map(_height, rects), Decimal(0)) for name, rects in bars.items()}
    assert totals["C"] == 0
    assert abs(totals["B"] - 2 * totals["A"]) <= 2 * CENT
    for rects in bars.values():  # each segment in proportion within its bar
        assert len(rects) == 2
    a_x, a_y = bars["A"]
    assert abs(_height(a_y) - 3 * _height(a_x)) <= 3 * CENT
    # the segments touch: each starts where the one below ends
    assert Decimal(a_x.get("y", "")) == Decimal(a_y.get("y", "")) + _height(a_y)


def test_the_tallest_bar_fits_under_the_top_tick() -> None:
    svg = stacked_bar_chart(["A"], [("x", [Decimal(87)])], title="t", description="d")
    root = ET.fromstring(svg)
    rect = root.find(".//rect[@class='segment']")
    assert rect is not None
    assert Decimal(rect.get("y", "")) >= 16
    labels = [t.text for t in root.iter("text")]
    assert "100" in labels
    assert "0" in labels


def test_values_are_carried_exactly_and_escaped() -> None:
    svg = stacked_bar_chart(
        ["<b>&", 'say "hi"'],
        [("<i>", [Decimal("1.005"), Decimal(2)])],
        title="<title>&",
        description="d & <e>",
    )
    assert "<b>" not in svg
    assert "<i>" not in svg
    root = ET.fromstring(svg)  # well-formed XML
    assert root.get("role") == "img"
    assert root.findtext("title") == "<title>&"
    assert root.findtext("desc") == "d & <e>"
    assert list(_bars(svg)) == ["<b>&", 'say "hi"']
    values = [r.get("data-value") for r in root.iter("rect") if r.get("class") == "segment"]
    assert values == ["1.005", "2"]
    assert root.get("aria-labelledby") == "chart-title chart-desc"


def test_negative_values_are_said_in_the_description_not_drawn() -> None:
    svg = stacked_bar_chart(["A"], [("x", [Decimal(-5)])], title="t", description="d.")
    root = ET.fromstring(svg)
    assert "Negative values are not drawn" in (root.findtext("desc") or "")
    assert [_height(r) for r in _bars(svg)["A"]] == [0]


def test_empty_and_mismatched_data() -> None:
    ET.fromstring(stacked_bar_chart([], [], title="t", description="d"))
    with pytest.raises(ValidationError, match=r"series\[0\]: 1 values for 2 categories"):
        stacked_bar_chart(["A", "B"], [("x", [1])], title="t", description="d")


# -- the line chart -------------------------------------------------------------------


def test_a_line_breaks_at_missing_values() -> None:
    svg = line_chart(
        ["m1", "m2", "m3", "m4"],
        [("DSO", [Decimal(40), None, Decimal(50), Decimal(45)]), ("<x>", [None] * 4)],
        title="t",
        description="d",
    )
    root = ET.fromstring(svg)
    lines = root.findall(".//polyline")
    assert [len(p.get("points", "").split()) for p in lines] == [1, 2]
    assert [c.get("data-value") for c in root.iter("circle")] == ["40", "50", "45"]
    ys = [Decimal(c.get("cy", "")) for c in root.iter("circle")]
    assert ys[1] < ys[2] < ys[0]  # higher values are drawn higher (smaller y)


def test_line_chart_handles_negative_values_and_no_data() -> None:
    root = ET.fromstring(
        line_chart(["a", "b"], [("x", [Decimal(-10), Decimal(10)])], title="t", description="d")
    )
    labels = [t.text for t in root.iter("text")]
    assert "-10" in labels
    ET.fromstring(line_chart([], [], title="t", description="d"))


def test_nice_ticks() -> None:
    assert nice_ticks(Decimal(0), Decimal(1234)) == tuple(Decimal(n) for n in range(0, 1401, 200))
    assert nice_ticks(Decimal(-7), Decimal(3))[0] == Decimal(-8)
    assert nice_ticks(Decimal(5), Decimal(5))[-1] >= 6
