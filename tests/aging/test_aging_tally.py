"""The sums of an aging report (Tally): the additions per run of items equal a plain loop.

:meth:`Tally.add` looks a line up once per run of consecutive items of the same
customer and currency and adds the items up in one pass. These tests compare it with
the plain rule, item by item, on columns where runs are long (a customer's items
together, as exports list them), short (customers interleaved), and cross the calls
(a customer's items split over two blocks): every sum, its exponent included, every
count and every oldest age.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from credkit.aging import STANDARD
from credkit.aging.report import _EXACT, Tally, _runs, _zero

_Item = tuple[str, str, Decimal, tuple[int, int], bool]

_AMOUNTS = st.sampled_from(
    ["100.00", "-25.50", "0.00", "-0.00", "12.500", "3", "-7.0", "1E+2", "99.99", "-0.01"]
).map(Decimal)
_DAYS = st.sampled_from([-30, -1, 0, 1, 15, 30, 31, 60, 61, 90, 91, 120, 121, 400])


@st.composite
def items(draw: st.DrawFn) -> _Item:
    days = draw(_DAYS)
    return (
        draw(st.sampled_from(["C1", "C2", "C3"])),
        draw(st.sampled_from(["EUR", "EUR", "JPY", "USD"])),
        draw(_AMOUNTS),
        (STANDARD.index_for(days), days),
        draw(st.booleans()),
    )


@st.composite
def batches(draw: st.DrawFn) -> list[list[_Item]]:
    found = draw(st.lists(st.lists(items(), max_size=40), max_size=4))
    if draw(st.booleans()):  # grouped by customer and currency, as exports list them
        found = [sorted(batch, key=lambda item: item[:2]) for batch in found]
    return found


def _plain(batches: list[list[_Item]]) -> dict[tuple[str, str], list[Any]]:
    """The rule item by item: what Tally.add must give."""
    width = len(STANDARD)
    lines: dict[tuple[str, str], list[Any]] = {}
    for batch in batches:
        for customer, code, amount, (slot, days), disputed in batch:
            line = lines.setdefault((customer, code), [_zero(code)] * (width + 2) + [0, 0])
            line[width + 2] += 1
            if amount < 0:
                line[width] = _EXACT.add(line[width], amount)
                continue
            line[slot] = _EXACT.add(line[slot], amount)
            if disputed:
                line[width + 1] = _EXACT.add(line[width + 1], amount)
            if days > 0:
                line[width + 3] = max(line[width + 3], days)
    return lines


@settings(max_examples=300, deadline=None)
@given(batches=batches())
def test_adding_runs_equals_adding_item_by_item(batches: list[list[_Item]]) -> None:
    tally = Tally(len(STANDARD))
    for batch in batches:
        tally.add(
            [item[0] for item in batch],
            [item[1] for item in batch],
            [item[2] for item in batch],
            [item[3] for item in batch],
            [item[4] for item in batch],
        )
    ours = {key: [repr(value) for value in line] for key, line in tally.lines()}
    theirs = {key: [repr(value) for value in line] for key, line in _plain(batches).items()}
    assert ours == theirs


def test_runs_start_where_the_customer_or_the_currency_changes() -> None:
    customers = ["C1", "C1", "C1", "C2", "C2", "C1"]
    currencies = ["EUR", "EUR", "USD", "USD", "USD", "USD"]
    assert _runs(customers, currencies) == [0, 2, 3, 5, 6]
    assert _runs([], []) == [0]
    assert _runs(["C1"], ["EUR"]) == [0, 1]
