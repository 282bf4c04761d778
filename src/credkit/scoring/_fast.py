"""The fast path of :meth:`Scorecard.score <credkit.scoring.scorecard.Scorecard.score>` (private).

A scorecard is compiled, when it is made, into one Python function of its shape; this
module writes and compiles it. The model (bins, categories, factors, the scorecard)
lives in :mod:`credkit.scoring.scorecard` and defines every result: the function
gives exactly what :meth:`Factor.evaluate <credkit.scoring.scorecard.Factor.evaluate>`
gives, which ``tests/scoring/test_scoring_fast_path.py`` checks. Decision record 0006
describes the practice (generated per shape, registered with :mod:`linecache`, held
to the plain model by a differential test).
"""

from __future__ import annotations

import functools
import linecache
from bisect import bisect_right
from collections.abc import Callable, Mapping
from decimal import Decimal
from types import CodeType
from typing import TYPE_CHECKING, Any

from credkit.money import MAX_MAGNITUDE, MIN_MAGNITUDE
from credkit.scoring.results import ScoreResult

if TYPE_CHECKING:
    from credkit.scoring.scorecard import Factor, Scorecard

__all__ = ["ScoringFunction", "compile_scorecard"]

# -- compiling a scorecard -------------------------------------------------------------------
#
# Scorecard.score runs a function built for its scorecard when the scorecard is made: the
# factors' lookups written out one after another, each reading its tables from the
# function's globals (a loop over per-factor plans, tried first, was 10-20 % slower on
# benchmarks/scoring.py). The source depends only on the shape of the scorecard: the
# number of bin edges of each factor, and whether its points are whole (it names tables
# k0, b0_0, s0_0, ... and never contains a value from the scorecard), so it is compiled
# once per shape.
#
# Per factor, the common cases are handled inline and give exactly the points that
# Factor.evaluate gives (tests/scoring/test_scoring_fast_path.py checks this):
#
# * binned: None is missing; a finite Decimal is placed with bisect_right among the bin
#   edges, each slot between two edges holding its bin's points, or the missing points
#   for a gap or beyond a closed end (an unseen value); anything else (a numeric string, an
#   int, a blank string, bad input) goes through Factor.evaluate, which converts it or
#   raises.
# * categorical: a string gets its category's points, or the missing points (a blank
#   string is missing, any other unlisted string unseen, and both get the missing points);
#   None is missing; anything else goes through Factor.evaluate, which raises.
#
# When the points are whole numbers (the usual case; see _WHOLE_LIMIT), the tables hold
# Python ints, which add several times faster than Decimals, and the total becomes a
# Decimal once, from a cache of the totals seen so far (there are at most
# max_total - min_total + 1), so results share them.

ScoringFunction = Callable[[Mapping[str, Decimal | int | str | None], "Scorecard"], ScoreResult]
"""A compiled scorecard: ``(inputs, scorecard) -> ScoreResult``."""

_BINNED = """\
    v{i} = get(k{i})
    if v{i} is None:
        p{i} = m{i}
    elif type(v{i}) is Decimal and v{i}.is_finite() and lowest <= v{i}.adjusted() <= highest:
{place}
    else:
        p{i} = {slow}
    total += p{i}
"""
_CATEGORICAL = """\
    v{i} = get(k{i})
    if type(v{i}) is str:
        p{i} = c{i}.get(v{i}, m{i})
    elif v{i} is None:
        p{i} = m{i}
    else:
        p{i} = {slow}
    total += p{i}
"""
_SLOW = "e{i}(v{i}).points"  # Factor.evaluate: converts, or raises naming the input
_SLOW_WHOLE = "int(e{i}(v{i}).points)"

# Points are added as ints when the base points and every point value (weighted, missing
# points included) are whole and not negative, written without a fraction or exponent
# (55, not 55.0 or 5.5E+1, nor -0), when every total is below _WHOLE_LIMIT and when there
# are fewer than _TOTALS_LIMIT possible totals to cache. The int total then equals the
# Decimal sum digit for digit, sign and exponent included, under any decimal context of
# 15 digits or more (the default has 28): the partial sums of numbers that are not
# negative never exceed the total, so none of them is rounded, and with no negative term
# no rounding mode can make a zero negative.
_WHOLE_LIMIT = 10**15
_TOTALS_LIMIT = 100_000


# Up to this many bin edges a value is placed with comparisons written out as a balanced
# tree (edges b{i}_{j}, slot points s{i}_{j}), beyond it with bisect_right (b{i}, s{i}).
_TREE_EDGES = 15


def _place(i: int, edges: int) -> str:
    """Source that sets ``p{i}`` to the points of the slot ``v{i}`` falls in."""
    if edges > _TREE_EDGES:
        return f"        p{i} = s{i}[bisect_right(b{i}, v{i})]"

    def tree(first: int, last: int, indent: str) -> list[str]:
        # slots first..last; edge j lies between slot j and slot j + 1
        if first == last:
            return [f"{indent}p{i} = s{i}_{first}"]
        middle = (first + last) // 2
        return [
            f"{indent}if v{i} < b{i}_{middle}:",
            *tree(first, middle, indent + "    "),
            f"{indent}else:",
            *tree(middle + 1, last, indent + "    "),
        ]

    return "\n".join(tree(0, edges, " " * 8))


@functools.lru_cache(maxsize=256)
def _code(kinds: tuple[int | None, ...], *, whole: bool, eager_pd: bool) -> CodeType:
    """The compiled scoring function for factors of ``kinds``.

    A kind is the number of bin edges of a binned factor, ``None`` for a categorical one.
    """
    slow = _SLOW_WHOLE if whole else _SLOW
    names = range(len(kinds))
    lines = [
        "def score(inputs, card):\n",
        "    get = inputs.get\n",
        "    total = base\n",
        *(
            _CATEGORICAL.format(i=i, slow=slow.format(i=i))
            if edges is None
            else _BINNED.format(i=i, slow=slow.format(i=i), place=_place(i, edges))
            for i, edges in zip(names, kinds, strict=True)
        ),
        "    number = total\n" if whole else "",
        "    total = totals.get(number)\n" if whole else "",
        "    if total is None:\n" if whole else "",
        "        total = totals[number] = Decimal(number)\n" if whole else "",
        "    result = new(ScoreResult)\n",
        "    set_total(result, total)\n",
        "    set_scorecard(result, card)\n",
        f"    set_read(result, ({''.join(f'v{i}, ' for i in names)}"
        f"{''.join(f'p{i}, ' for i in names)}))\n",
        "    set_pd(result, card.scaling.pd_from_score(total))\n" if eager_pd else "",
        "    return result\n",
    ]
    source = "".join(lines)
    shape = ",".join("c" if edges is None else str(edges) for edges in kinds)
    filename = f"<credkit scoring function ({shape}){' whole' if whole else ''}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    return compile(source, filename, "exec")


def _bin_slots(factor: Factor) -> tuple[tuple[Decimal, ...], tuple[Decimal, ...]]:
    """The bin edges and, for each slot ``bisect_right(edges, value)``, its points.

    Slot ``j`` holds the values from ``edges[j - 1]`` (included) to ``edges[j]``
    (excluded): a bin's points, or the missing points in a gap and beyond a closed end.
    """
    edges: list[Decimal] = []
    slots: list[Decimal] = [factor._missing_points]
    for bin_, points in zip(factor.bins, factor._points, strict=True):
        if bin_.lower is None:
            slots[0] = points  # the first bin, open below
        elif edges and edges[-1] == bin_.lower:
            slots[-1] = points  # starts where the previous bin ends
        else:
            edges.append(bin_.lower)  # the first bin, closed below, or after a gap
            slots.append(points)
        if bin_.upper is not None:
            edges.append(bin_.upper)
            slots.append(factor._missing_points)
    return tuple(edges), tuple(slots)


def _whole_points(card: Scorecard) -> bool:
    """Whether the points can be added as ints: see the comment on _WHOLE_LIMIT."""
    values = [card.base_points]
    for factor in card.factors:
        values.extend(factor._points)
        values.append(factor._missing_points)
    return (
        card.max_total < _WHOLE_LIMIT
        and card.max_total - card.min_total < _TOTALS_LIMIT
        and all(v.as_tuple().exponent == 0 and not v.is_signed() for v in values)
    )


def compile_scorecard(card: Scorecard, *, eager_pd: bool) -> ScoringFunction:
    """``card``'s scoring function (it takes the scorecard as an argument, so no cycle)."""
    whole = _whole_points(card)
    number: Callable[[Decimal], Decimal | int] = int if whole else Decimal
    namespace: dict[str, Any] = {
        "Decimal": Decimal,
        "bisect_right": bisect_right,
        "lowest": MIN_MAGNITUDE,  # inputs beyond credkit's bounds take the slow path, which
        "highest": MAX_MAGNITUDE,  # refuses them naming the input
        "new": object.__new__,
        "ScoreResult": ScoreResult,
        "set_total": _set_total,
        "set_scorecard": _set_scorecard,
        "set_read": _set_read,
        "set_pd": _set_pd,
        "base": number(card.base_points),
        "totals": {},  # whole-number totals as Decimals, filled in as they occur
    }
    kinds: list[int | None] = []
    for i, factor in enumerate(card.factors):
        namespace[f"k{i}"] = factor.input
        namespace[f"m{i}"] = number(factor._missing_points)
        namespace[f"e{i}"] = factor.evaluate
        if not factor.bins:
            kinds.append(None)
            namespace[f"c{i}"] = {
                c.value: number(p) for c, p in zip(factor.categories, factor._points, strict=True)
            }
            continue
        edges, slots = _bin_slots(factor)
        kinds.append(len(edges))
        if len(edges) > _TREE_EDGES:
            namespace[f"b{i}"] = edges
            namespace[f"s{i}"] = tuple(map(number, slots))
        else:
            namespace.update({f"b{i}_{j}": edge for j, edge in enumerate(edges)})
            namespace.update({f"s{i}_{j}": number(p) for j, p in enumerate(slots)})
    exec(_code(tuple(kinds), whole=whole, eager_pd=eager_pd), namespace)
    function: ScoringFunction = namespace["score"]
    return function


def _setter(name: str) -> Callable[[ScoreResult, Any], None]:
    """Sets one slot of a ScoreResult (which is frozen), as its ``__init__`` does."""
    descriptor = getattr(ScoreResult, name)
    setter: Callable[[ScoreResult, Any], None] = descriptor.__set__
    return setter


_set_total = _setter("total")
_set_scorecard = _setter("_scorecard")
_set_read = _setter("_read")
_set_pd = _setter("pd")
