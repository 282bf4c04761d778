"""Inline SVG charts as text: a stacked bar chart and a line chart, without a dependency.

Pure functions: values in, SVG markup out, for inline use in an HTML page (which
needs no namespace declaration, so the page names no URL at all). Coordinates are computed with
:class:`~decimal.Decimal` and written with two decimals, never with ``float``. Each
chart is an ``<svg role="img">`` with a ``<title>`` and a ``<desc>`` (which
``aria-labelledby`` names), axis ticks at "nice" steps (1, 2 or 5 times a power of
ten), a legend, and every text escaped, so that a customer called ``<b>&`` shows as
written. Each drawn shape carries its exact value in ``data-value`` and a ``<title>``
(the tooltip), so that a test or a reader can compare it with the table beside it.

Bars stack non-negative values only: a negative value is drawn as nothing (the
``<desc>`` says so) and belongs in the table that goes with every chart.

:func:`stack` is the geometry of the bars, on its own so that it can be tested:
each segment's top is the rounded running total, so the segments of a bar add up
exactly to the bar's rounded height and none is ever negative.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from decimal import ROUND_FLOOR, ROUND_HALF_EVEN, Decimal
from typing import Final

import attrs

from credkit._figures import grouped_exact
from credkit.errors import ValidationError

__all__ = [
    "PALETTE",
    "Segment",
    "line_chart",
    "nice_ticks",
    "stack",
    "stacked_bar_chart",
]

PALETTE: Final = (
    "#0072b2",
    "#56b4e9",
    "#009e73",
    "#e69f00",
    "#d55e00",
    "#cc79a7",
    "#f0e442",
    "#000000",
)
"""The series colours, in order: the Okabe-Ito palette, which colour-blind readers can tell apart."""

_CENT = Decimal("0.01")
_WIDTH: Final = 720
_HEIGHT: Final = 300
_LEFT: Final = 64  # room for the value axis' labels
_RIGHT: Final = 16
_TOP: Final = 16
_BOTTOM: Final = 40  # room for the category labels
_LEGEND_ROW: Final = 20

Formatter = Callable[[Decimal], str]


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _num(value: Decimal) -> str:
    """A coordinate as SVG wants it: two decimals at most, no exponent."""
    text = f"{value.quantize(_CENT, rounding=ROUND_HALF_EVEN):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _decimal(value: object, where: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise ValidationError(f"{where}: expected a Decimal or an int, got {value!r}")
    number = Decimal(value)
    if not number.is_finite():
        raise ValidationError(f"{where}: expected a finite number, got {value!r}")
    return number


def nice_ticks(low: Decimal, high: Decimal, *, count: int = 5) -> tuple[Decimal, ...]:
    """Axis ticks from ``low`` (rounded down) to ``high`` (rounded up) at a step of 1, 2 or 5 x 10^n.

    About ``count`` intervals; the first tick is at or below ``low`` and the last at or
    above ``high``. An empty range (``low == high``) gets the ticks of 0 to 1 around it.

    >>> nice_ticks(Decimal(0), Decimal(87))
    (Decimal('0'), Decimal('20'), Decimal('40'), Decimal('60'), Decimal('80'), Decimal('100'))
    >>> nice_ticks(Decimal(0), Decimal(0))
    (Decimal('0'), Decimal('0.2'), Decimal('0.4'), Decimal('0.6'), Decimal('0.8'), Decimal('1'))
    """
    if high < low:
        low, high = high, low
    if high == low:
        high = low + 1
    raw = (high - low) / max(count, 1)
    power = Decimal(1).scaleb(raw.adjusted())
    fraction = raw / power  # from 1 to 10
    nice = next(
        (
            m
            for limit, m in ((Decimal("1.5"), 1), (Decimal(3), 2), (Decimal(7), 5))
            if fraction < limit
        ),
        10,
    )
    step = nice * power
    first = (low / step).to_integral_value(rounding=ROUND_FLOOR) * step
    ticks = [first]
    while ticks[-1] < high:
        ticks.append(ticks[-1] + step)
    return tuple(
        t.quantize(Decimal(1)) if t == t.to_integral_value() else t.normalize() for t in ticks
    )


@attrs.frozen
class Segment:
    """One drawn piece of a stacked bar: its series, value, and its bottom and height in pixels.

    ``bottom`` counts up from the axis; the segment covers ``bottom`` to
    ``bottom + height``.

    >>> Segment(0, Decimal(5), bottom=Decimal(0), height=Decimal("12.5")).top
    Decimal('12.5')
    """

    series: int
    value: Decimal
    bottom: Decimal = attrs.field(kw_only=True)
    height: Decimal = attrs.field(kw_only=True)

    @property
    def top(self) -> Decimal:
        """``bottom + height``."""
        return self.bottom + self.height


def stack(values: Sequence[Decimal | int], *, scale: Decimal) -> tuple[Segment, ...]:
    """The segments of one stacked bar, bottom first: ``scale`` pixels per unit of value.

    Each segment's top is the running total times ``scale`` rounded to 0.01, and its
    height the difference from the top below: the heights add up exactly to the
    rounded bar and none is negative. Negative values count as zero (they are not drawn).

    >>> [s.height for s in stack([Decimal("1"), Decimal("2"), Decimal("-4")], scale=Decimal("3.333"))]
    [Decimal('3.33'), Decimal('6.67'), Decimal('0.00')]
    """
    scale = _decimal(scale, "scale")
    if scale < 0:
        raise ValidationError(f"scale: must be zero or more, got {scale}")
    segments = []
    total = Decimal(0)
    bottom = Decimal("0.00")
    for index, value in enumerate(values):
        number = _decimal(value, f"values[{index}]")
        total += max(number, Decimal(0))
        top = (total * scale).quantize(_CENT, rounding=ROUND_HALF_EVEN)
        segments.append(Segment(index, number, bottom=bottom, height=top - bottom))
        bottom = top
    return tuple(segments)


def _svg_open(chart_id: str, title: str, description: str, width: int, height: int) -> list[str]:
    return [
        f'<svg class="chart" id="{_esc(chart_id)}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-labelledby="{_esc(chart_id)}-title {_esc(chart_id)}-desc">',
        f'<title id="{_esc(chart_id)}-title">{_esc(title)}</title>',
        f'<desc id="{_esc(chart_id)}-desc">{_esc(description)}</desc>',
    ]


def _value_axis(
    ticks: Sequence[Decimal], y_of: Callable[[Decimal], Decimal], plot_right: int, fmt: Formatter
) -> list[str]:
    parts = ['<g class="axis y" aria-hidden="true">']
    for tick in ticks:
        y = _num(y_of(tick))
        parts.append(
            f'<line x1="{_LEFT}" x2="{plot_right}" y1="{y}" y2="{y}" class="grid"/>'
            f'<text x="{_LEFT - 6}" y="{y}" text-anchor="end" dominant-baseline="middle">'
            f"{_esc(fmt(tick))}</text>"
        )
    parts.append("</g>")
    return parts


def _legend(
    names: Sequence[str], top: int, width: int, marker: str, colours: Sequence[str] = PALETTE
) -> list[str]:
    parts = [f'<g class="legend" transform="translate({_LEFT} {top})">']
    x = 0
    y = 0
    for index, name in enumerate(names):
        label_width = 24 + 7 * len(name)
        if x and x + label_width > width - _LEFT - _RIGHT:
            x = 0
            y += _LEGEND_ROW
        colour = colours[index % len(colours)]
        if marker == "line":
            parts.append(
                f'<line x1="{x}" x2="{x + 14}" y1="{y + 6}" y2="{y + 6}" stroke="{colour}" '
                'stroke-width="3"/>'
            )
        else:
            parts.append(f'<rect x="{x}" y="{y}" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{x + 18}" y="{y + 10}">{_esc(name)}</text>')
        x += label_width
    parts.append("</g>")
    return parts


def _legend_rows(names: Sequence[str], width: int) -> int:
    rows = 1 if names else 0
    x = 0
    for name in names:
        label_width = 24 + 7 * len(name)
        if x and x + label_width > width - _LEFT - _RIGHT:
            rows += 1
            x = 0
        x += label_width
    return rows


def _check_series(
    categories: Sequence[str], series: Sequence[tuple[str, Sequence[Decimal | int | None]]]
) -> None:
    for index, (_name, values) in enumerate(series):
        if len(values) != len(categories):
            raise ValidationError(
                f"series[{index}]: {len(values)} values for {len(categories)} categories"
            )


def stacked_bar_chart(
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[Decimal | int]]],
    *,
    title: str,
    description: str,
    chart_id: str = "chart",
    tick_format: Formatter = grouped_exact,
    value_format: Formatter = grouped_exact,
    colours: Sequence[str] | None = None,
    width: int = _WIDTH,
    height: int = _HEIGHT,
) -> str:
    """A vertical stacked bar chart: one bar per category, one segment per series.

    ``series`` is ``(name, values)`` with one value per category, stacked in order
    from the bottom. The value axis runs from 0 to a nice tick at or above the tallest
    bar; ``tick_format`` writes its labels and ``value_format`` the values in each
    segment's tooltip; ``colours`` are the series' fill colours, in order (default :data:`PALETTE`). Every segment is drawn (a zero as a segment of no height) with
    its exact value in ``data-value``.

    >>> svg = stacked_bar_chart(["EUR", "<b>&"], [("due", [Decimal(3), Decimal(1)]),
    ...                                           ("late", [Decimal(1), Decimal(0)])],
    ...                         title="Aging", description="Two bars")
    >>> svg.count("<rect class=\\"segment\\""), "&lt;b&gt;&amp;" in svg, "<b>" in svg
    (4, True, False)
    """
    _check_series(categories, series)
    colours = PALETTE if colours is None else colours
    names = [name for name, _values in series]
    legend_rows = _legend_rows(names, width)
    plot_bottom = height - _BOTTOM - legend_rows * _LEGEND_ROW
    plot_height = Decimal(plot_bottom - _TOP)
    plot_right = width - _RIGHT
    totals = [
        sum(
            (max(_decimal(v[i], f"series[{s}]"), Decimal(0)) for s, (_n, v) in enumerate(series)),
            Decimal(0),
        )
        for i in range(len(categories))
    ]
    ticks = nice_ticks(Decimal(0), max(totals, default=Decimal(0)))
    scale = plot_height / ticks[-1]
    negatives = any(_decimal(v, "value") < 0 for _n, values in series for v in values)
    if negatives:
        description += " Negative values are not drawn; the table shows them."
    parts = _svg_open(chart_id, title, description, width, height)

    def y_of(value: Decimal) -> Decimal:
        return plot_bottom - value * scale

    parts += _value_axis(ticks, y_of, plot_right, tick_format)
    slot = Decimal(plot_right - _LEFT) / max(len(categories), 1)
    bar_width = min(slot * Decimal("0.6"), Decimal(80))
    for index, category in enumerate(categories):
        x = _LEFT + slot * index + (slot - bar_width) / 2
        values = [values[index] for _name, values in series]
        parts.append(f'<g class="bar" data-category="{_esc(category)}">')
        for segment in stack(values, scale=scale):
            name = names[segment.series]
            colour = colours[segment.series % len(colours)]
            parts.append(
                f'<rect class="segment" x="{_num(x)}" y="{_num(plot_bottom - segment.top)}" '
                f'width="{_num(bar_width)}" height="{_num(segment.height)}" fill="{colour}" '
                f'data-series="{_esc(name)}" data-value="{_esc(segment.value)}">'
                f"<title>{_esc(category)}, {_esc(name)}: {_esc(value_format(segment.value))}"
                "</title></rect>"
            )
        parts.append(
            f'<text class="category" x="{_num(x + bar_width / 2)}" y="{plot_bottom + 18}" '
            f'text-anchor="middle">{_esc(category)}</text></g>'
        )
    parts.append(
        f'<line class="axis x" x1="{_LEFT}" x2="{plot_right}" y1="{plot_bottom}" '
        f'y2="{plot_bottom}" aria-hidden="true"/>'
    )
    parts += _legend(names, plot_bottom + _BOTTOM - 8, width, "box", colours)
    parts.append("</svg>")
    return "\n".join(parts)


def line_chart(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[Decimal | int | None]]],
    *,
    title: str,
    description: str,
    chart_id: str = "chart",
    tick_format: Formatter = grouped_exact,
    value_format: Formatter = grouped_exact,
    width: int = _WIDTH,
    height: int = _HEIGHT,
) -> str:
    """A line chart: one point per label (a month, say), one line per series.

    ``None`` is a gap: the line stops and starts again after it. The value axis runs
    from the lower of 0 and the smallest value to a nice tick above the largest.
    Each point is a circle with its exact value in ``data-value`` and a tooltip.

    >>> svg = line_chart(["Jan", "Feb", "Mar"], [("DSO", [Decimal(40), None, Decimal(45)])],
    ...                  title="DSO", description="Three months")
    >>> svg.count("<polyline"), svg.count("<circle")
    (2, 2)
    """
    _check_series(labels, series)
    names = [name for name, _values in series]
    numbers = [
        _decimal(v, f"series[{s}]")
        for s, (_n, values) in enumerate(series)
        for v in values
        if v is not None
    ]
    ticks = nice_ticks(min([Decimal(0), *numbers]), max([Decimal(0), *numbers]))
    legend_rows = _legend_rows(names, width)
    plot_bottom = height - _BOTTOM - legend_rows * _LEGEND_ROW
    plot_right = width - _RIGHT
    scale = Decimal(plot_bottom - _TOP) / (ticks[-1] - ticks[0])

    def y_of(value: Decimal) -> Decimal:
        return plot_bottom - (value - ticks[0]) * scale

    step = Decimal(plot_right - _LEFT) / max(len(labels), 1)

    def x_of(index: int) -> Decimal:
        return _LEFT + step * index + step / 2

    parts = _svg_open(chart_id, title, description, width, height)
    parts += _value_axis(ticks, y_of, plot_right, tick_format)
    every = max(1, -(-len(labels) * 56 // (plot_right - _LEFT)))  # labels ~56 px apart at least
    parts.append('<g class="axis x" aria-hidden="true">')
    for index, label in enumerate(labels):
        if index % every == 0:
            parts.append(
                f'<text x="{_num(x_of(index))}" y="{plot_bottom + 18}" text-anchor="middle">'
                f"{_esc(label)}</text>"
            )
    parts.append("</g>")
    for number, (name, values) in enumerate(series):
        colour = PALETTE[number % len(PALETTE)]
        parts.append(f'<g class="series" data-series="{_esc(name)}">')
        run: list[str] = []
        runs: list[list[str]] = [run]
        for index, value in enumerate(values):
            if value is None:
                run = []
                runs.append(run)
                continue
            run.append(f"{_num(x_of(index))},{_num(y_of(Decimal(value)))}")
        for points in runs:
            if points:
                parts.append(
                    f'<polyline fill="none" stroke="{colour}" stroke-width="2.5" '
                    f'points="{" ".join(points)}"/>'
                )
        for index, value in enumerate(values):
            if value is None:
                continue
            parts.append(
                f'<circle cx="{_num(x_of(index))}" cy="{_num(y_of(Decimal(value)))}" r="3.5" '
                f'fill="{colour}" data-value="{_esc(value)}"><title>{_esc(labels[index])}, '
                f"{_esc(name)}: {_esc(value_format(Decimal(value)))}</title></circle>"
            )
        parts.append("</g>")
    parts.append(
        f'<line class="axis x" x1="{_LEFT}" x2="{plot_right}" y1="{_num(y_of(Decimal(0)))}" '
        f'y2="{_num(y_of(Decimal(0)))}" aria-hidden="true"/>'
    )
    parts += _legend(names, plot_bottom + _BOTTOM - 8, width, "line")
    parts.append("</svg>")
    return "\n".join(parts)
