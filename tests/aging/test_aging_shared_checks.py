"""``age`` and ``revalue`` check their items with one shared generator.

Review finding 6 (duplicates): the loop that checks items, duplicates and issue dates
was written twice, and the copies had drifted: ``revalue`` told items apart by
``OpenItem.key`` (``"<id>#<instalment>"``), so an invoice ``"X#1"`` and instalment 1
of invoice ``"X"`` were refused as one item given twice, while ``age`` took both.
"""

from __future__ import annotations

from datetime import date

import pytest

from credkit.aging import age, revalue
from credkit.errors import ValidationError
from credkit.fx import RateTable
from credkit.ledger import DocumentKind, OpenItem
from credkit.money import Money

AS_OF = date(2026, 3, 31)
RATES = RateTable.from_mapping({"2026-03-31": {"USD": "1.10"}}, base="EUR")


def _item(
    document_id: str, *, instalment: int | None = None, issued: date = date(2026, 1, 1)
) -> OpenItem:
    return OpenItem(
        document_id,
        "C1",
        DocumentKind.INVOICE,
        issued,
        max(issued, date(2026, 2, 1)),
        Money.of(100, "USD"),
        booked=Money.of(90, "EUR"),
        instalment=instalment,
    )


def test_age_and_revalue_tell_the_same_items_apart() -> None:
    """Finding 6 (duplicates): both take an id with '#' beside an instalment."""
    items = [_item("X#1"), _item("X", instalment=1)]
    assert age(items, as_of=AS_OF).totals[0].count == 2
    assert revalue(items, as_of=AS_OF, currency="EUR", rates=RATES).line("USD").count == 2


@pytest.mark.parametrize(
    ("items", "message"),
    [
        ([_item("X"), _item("X")], r"^items\[1\]: invoice 'X' is given twice; each open item "),
        (["X"], r"^items\[0\]: expected an OpenItem, got str 'X'"),
        (
            [_item("X", issued=date(2026, 4, 1))],
            r"^items\[0\]\.issue_date: 2026-04-01 of 'X' is after as_of 2026-03-31; ",
        ),
    ],
)
def test_age_and_revalue_refuse_the_same_items(items: list[object], message: str) -> None:
    """Finding 6 (duplicates): one check, worded for each use."""
    with pytest.raises(ValidationError, match=message):
        age(items, as_of=AS_OF)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=message):
        revalue(items, as_of=AS_OF, currency="EUR", rates=RATES)  # type: ignore[arg-type]
