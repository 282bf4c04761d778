"""Names and keywords renamed in this release still work for one release, and say so."""

from __future__ import annotations

from datetime import date

import pytest

from credkit.dunning import Block, BlockReason, EULatePayment, ReferenceRates
from credkit.limits import CreditLimit
from credkit.money import Money

LIMIT = CreditLimit(
    "C1",
    Money.of(1000, "EUR"),
    currency="EUR",
    valid_from=date(2026, 1, 1),
    valid_to=date(2026, 12, 31),
    next_review=date(2026, 6, 30),
)
RATES = ReferenceRates.from_mapping({"2023-09-20": "4.50"}, name="ECB MRO")


@pytest.mark.parametrize(
    ("new", "old", "message"),
    [
        (
            lambda: LIMIT.in_force(as_of=date(2026, 7, 1)),
            lambda: LIMIT.in_force(on=date(2026, 7, 1)),
            "in_force",
        ),
        (
            lambda: LIMIT.review_due(as_of=date(2026, 7, 1)),
            lambda: LIMIT.review_due(on=date(2026, 7, 1)),
            "review_due",
        ),
        (
            lambda: Block("C1", BlockReason.LEGAL, until=None).active(as_of=date(2026, 1, 1)),
            lambda: Block("C1", BlockReason.LEGAL, until=None).active(on=date(2026, 1, 1)),
            "active",
        ),
        (
            lambda: RATES.percent_on(on=date(2024, 1, 2)),
            lambda: RATES.percent_on(day=date(2024, 1, 2)),
            "percent_on",
        ),
        (
            lambda: EULatePayment(RATES).percent_on(on=date(2024, 3, 1)),
            lambda: EULatePayment(RATES).percent_on(day=date(2024, 3, 1)),
            "percent_on",
        ),
    ],
)
def test_renamed_keywords_give_the_same_answer_with_a_warning(
    new: object, old: object, message: str
) -> None:
    expected = new()  # type: ignore[operator]
    with pytest.warns(DeprecationWarning, match=rf"{message}\(\w+=\.\.\.\) is deprecated"):
        assert old() == expected  # type: ignore[operator]
