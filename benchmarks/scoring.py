"""Scoring many customers: credkit's Scorecard against a hand-written function, in one run.

Builds a 10-factor scorecard (eight binned factors, two categorical ones, missing
rules of both kinds, one weighted factor) and a plain Python function that computes
the same points with if-chains over the same bins, then scores the same customers
with both:

* credkit: ``Scorecard.score(inputs)`` for every customer, a
  :class:`~credkit.scoring.ScoreResult` each time (its contributions, reason codes,
  probability of default and risk class are worked out when first read);
* hand-written: ``hand_written(inputs)``, the total and a tuple of each factor's
  points.

Inputs are dicts of ``Decimal`` values and category strings (as a host would pass
them), about 3 % of them missing (``None`` or absent), generated with a seeded
``random.Random``. The scorecard has no scaling and no risk scale (those add a
``Decimal`` logarithm and a bisect per customer, on first read; the comparison is
about the points).

First both sides score every customer untimed and must agree on the total and every
factor's points (read from the credkit result's contributions), or the script exits
with status 1. Then each side is timed ``--repeat`` times with ``time.perf_counter``,
the two sides taking turns to go first; every timed run keeps all its results in a
list until the clock stops, starts from a collected heap with nothing else alive but
the inputs, and must give the same totals as the check. The best time of each side
is reported, twice: with Python's cyclic garbage collector running as usual (as a
host runs) and with it paused during the timed loops (as ``timeit`` does).

    python benchmarks/scoring.py                          # 100,000 customers, best of 7
    python benchmarks/scoring.py --customers 10000 --repeat 3
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import time
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from credkit.scoring import Bin, Category, Factor, Scorecard

Inputs = Mapping[str, Decimal | str | None]
D = Decimal

# (name, bins as (lower, upper, points), missing) -- "min" or explicit points
_BINNED: tuple[tuple[str, tuple[tuple[str | None, str | None, int], ...], str | int], ...] = (
    (
        "current_ratio",
        ((None, "0.8", 0), ("0.8", "1.0", 15), ("1.0", "1.5", 35), ("1.5", None, 55)),
        "min",
    ),
    (
        "quick_ratio",
        ((None, "0.5", 0), ("0.5", "0.8", 10), ("0.8", "1.2", 25), ("1.2", None, 35)),
        "min",
    ),
    (
        "equity_ratio",
        (
            (None, "0", 0),
            ("0", "0.1", 10),
            ("0.1", "0.2", 25),
            ("0.2", "0.35", 40),
            ("0.35", None, 55),
        ),
        "min",
    ),
    (
        "interest_coverage",
        ((None, "1", 0), ("1", "2", 10), ("2", "4", 20), ("4", "8", 30), ("8", None, 40)),
        10,
    ),
    (
        "payment_index",
        ((None, "40", 0), ("40", "60", 20), ("60", "70", 40), ("70", "80", 60), ("80", None, 80)),
        30,
    ),
    (
        "days_beyond_terms",
        ((None, "1", 50), ("1", "8", 40), ("8", "16", 25), ("16", "31", 10), ("31", None, 0)),
        20,
    ),
    (
        "years_in_business",
        ((None, "2", 0), ("2", "5", 20), ("5", "10", 35), ("10", None, 50)),
        "min",
    ),
    (
        "bureau_score",
        ((None, "20", 0), ("20", "40", 20), ("40", "60", 40), ("60", "80", 60), ("80", None, 75)),
        "min",
    ),
)
_CATEGORICAL: tuple[tuple[str, tuple[tuple[str, int], ...], str | int], ...] = (
    ("legal_form", (("corporation", 30), ("partnership", 20), ("sole_trader", 10)), "min"),
    (
        "industry_risk",
        (("low", 25), ("medium", 15), ("high", 0)),
        5,
    ),
)
_WEIGHTED = "bureau_score"  # weight 2 on this factor
BASE_POINTS = 300


def build_scorecard() -> Scorecard:
    factors = []
    for name, bins, missing in _BINNED:
        factors.append(
            Factor(
                name,
                reason_code=name.upper(),
                missing=missing,
                weight=2 if name == _WEIGHTED else 1,
                bins=tuple(Bin(lower=lo, upper=hi, points=p) for lo, hi, p in bins),
            )
        )
    for name, categories, missing in _CATEGORICAL:
        factors.append(
            Factor(
                name,
                reason_code=name.upper(),
                missing=missing,
                categories=tuple(Category(value, points=p) for value, p in categories),
            )
        )
    return Scorecard("benchmark", version="1", base_points=BASE_POINTS, factors=factors)


# -- the hand-written function: the same bins as plain if-chains --------------------------

_08, _10, _15 = D("0.8"), D("1.0"), D("1.5")
_05, _12 = D("0.5"), D("1.2")
_0, _01, _02, _035 = D("0"), D("0.1"), D("0.2"), D("0.35")
_1, _2, _4, _5, _8, _10i = D(1), D(2), D(4), D(5), D(8), D(10)
_16, _20, _31, _40, _60, _70, _80 = D(16), D(20), D(31), D(40), D(60), D(70), D(80)


def hand_written(inputs: Inputs) -> tuple[int, tuple[int, ...]]:
    """The points of the benchmark scorecard with if-chains: (total, per-factor points)."""
    get = inputs.get

    v = get("current_ratio")
    if v is None or v < _08:
        a = 0
    elif v < _10:
        a = 15
    elif v < _15:
        a = 35
    else:
        a = 55

    v = get("quick_ratio")
    if v is None or v < _05:
        b = 0
    elif v < _08:
        b = 10
    elif v < _12:
        b = 25
    else:
        b = 35

    v = get("equity_ratio")
    if v is None or v < _0:
        c = 0
    elif v < _01:
        c = 10
    elif v < _02:
        c = 25
    elif v < _035:
        c = 40
    else:
        c = 55

    v = get("interest_coverage")
    if v is None:
        d = 10
    elif v < _1:
        d = 0
    elif v < _2:
        d = 10
    elif v < _4:
        d = 20
    elif v < _8:
        d = 30
    else:
        d = 40

    v = get("payment_index")
    if v is None:
        e = 30
    elif v < _40:
        e = 0
    elif v < _60:
        e = 20
    elif v < _70:
        e = 40
    elif v < _80:
        e = 60
    else:
        e = 80

    v = get("days_beyond_terms")
    if v is None:
        f = 20
    elif v < _1:
        f = 50
    elif v < _8:
        f = 40
    elif v < _16:
        f = 25
    elif v < _31:
        f = 10
    else:
        f = 0

    v = get("years_in_business")
    if v is None or v < _2:
        g = 0
    elif v < _5:
        g = 20
    elif v < _10i:
        g = 35
    else:
        g = 50

    v = get("bureau_score")
    if v is None or v < _20:
        h = 0
    elif v < _40:
        h = 40
    elif v < _60:
        h = 80
    elif v < _80:
        h = 120
    else:
        h = 150

    s = get("legal_form")
    if s == "corporation":
        i = 30
    elif s == "partnership":
        i = 20
    else:  # sole_trader, missing or unseen: the lowest points ("min")
        i = 10

    s = get("industry_risk")
    if s == "low":
        j = 25
    elif s == "medium":
        j = 15
    elif s == "high":
        j = 0
    else:
        j = 5

    return BASE_POINTS + a + b + c + d + e + f + g + h + i + j, (a, b, c, d, e, f, g, h, i, j)


# -- inputs -------------------------------------------------------------------------------


def generate(customers: int, seed: int) -> list[dict[str, Decimal | str | None]]:
    """``customers`` input mappings of Decimals and strings; about 3 % of values missing."""
    rng = random.Random(seed)

    def hundredths(low: int, high: int) -> Decimal:
        return D(rng.randint(low, high)).scaleb(-2)

    draws: tuple[tuple[str, Callable[[], Decimal | str]], ...] = (
        ("current_ratio", lambda: hundredths(20, 300)),
        ("quick_ratio", lambda: hundredths(10, 200)),
        ("equity_ratio", lambda: hundredths(-20, 70)),
        ("interest_coverage", lambda: hundredths(-200, 1500)),
        ("payment_index", lambda: D(rng.randint(0, 100))),
        ("days_beyond_terms", lambda: hundredths(-1500, 6000)),
        ("years_in_business", lambda: D(rng.randint(0, 60))),
        ("bureau_score", lambda: D(rng.randint(1, 100))),
        ("legal_form", lambda: rng.choice(("corporation", "partnership", "sole_trader", "coop"))),
        ("industry_risk", lambda: rng.choice(("low", "medium", "high", "unknown"))),
    )
    rows = []
    for _ in range(customers):
        row: dict[str, Decimal | str | None] = {}
        for name, draw in draws:
            roll = rng.random()
            if roll < 0.015:
                continue  # absent
            row[name] = None if roll < 0.03 else draw()
        rows.append(row)
    return rows


# -- checking and timing ------------------------------------------------------------------


def check(card: Scorecard, rows: list[dict[str, Decimal | str | None]]) -> list[str]:
    """Score every customer both ways; the disagreements, described (none if all agree)."""
    problems = []
    for n, row in enumerate(rows):
        result = card.score(row)
        total, points = hand_written(row)
        ours = tuple(c.points for c in result.contributions)
        if result.total != total or ours != points:
            problems.append(
                f"customer {n}: credkit {result.total} {[int(p) for p in ours]}, "
                f"hand-written {total} {list(points)}"
            )
    return problems


def timed(run: Callable[[], list[Any]], totals: list[Any], *, collector: bool) -> float:
    """Seconds for one ``run()``, from a collected heap; its results are kept until the end.

    ``collector=False`` pauses Python's cyclic garbage collector during the run, as
    ``timeit`` does by default. The run's totals must equal ``totals``.
    """
    gc.collect()
    if not collector:
        gc.disable()
    try:
        started = time.perf_counter()
        results = run()
        elapsed = time.perf_counter() - started
    finally:
        gc.enable()
    if [total_of(result) for result in results] != totals:
        raise SystemExit("a timed run gave other totals than the check")
    return elapsed


def total_of(result: Any) -> Any:
    return result[0] if type(result) is tuple else result.total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7, help="timed runs per side (best kept)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.customers < 1 or args.repeat < 1:
        parser.error("--customers and --repeat must be at least 1")

    card = build_scorecard()
    rows = generate(args.customers, args.seed)
    print(
        f"{args.customers:,} customers, {len(card.factors)}-factor scorecard, "
        f"best of {args.repeat} (seed {args.seed}), every result kept"
    )
    problems = check(card, rows)
    if problems:
        print(f"MISMATCH on {len(problems):,} customers:", *problems[:20], sep="\n  ")
        return 1
    print(f"same total and factor points for all {args.customers:,} customers")
    totals = [hand_written(row)[0] for row in rows]

    score = card.score
    sides: dict[str, Callable[[], list[Any]]] = {
        "credkit": lambda: [score(row) for row in rows],
        "hand-written": lambda: [hand_written(row) for row in rows],
    }
    for collector in (True, False):
        best = dict.fromkeys(sides, float("inf"))
        for turn in range(args.repeat):
            for name in sorted(sides, reverse=turn % 2 == 1):  # take turns to go first
                seconds = timed(sides[name], totals, collector=collector)
                best[name] = min(best[name], seconds)
        print("garbage collector on (as usual):" if collector else "garbage collector paused:")
        print(f"  credkit Scorecard.score:      {best['credkit']:7.3f} s")
        print(f"  hand-written if-chains:       {best['hand-written']:7.3f} s")
        print(f"  ratio credkit / hand-written: {best['credkit'] / best['hand-written']:7.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
