"""A report's rows are built from its own sums without checking them again (issue 20).

They must be exactly the rows the checked constructor would build from the same
figures, and every amount a plain, valid ``Money``.
"""

from __future__ import annotations

import datetime

from hypothesis import given, settings

from credkit.aging import AgingRow, age
from credkit.ledger import Ledger
from credkit.money import Money
from credkit.testing.strategies import ledgers

AS_OF = datetime.date(2027, 1, 31)


def _checked(row: AgingRow) -> AgingRow:
    """``row`` built again through the public constructor, every value checked."""
    return AgingRow(
        row.customer_id,
        row.currency,
        tuple(Money(m.amount, m.currency) for m in row.amounts),
        unapplied=Money(row.unapplied.amount, row.unapplied.currency),
        disputed=Money(row.disputed.amount, row.disputed.currency),
        count=row.count,
        oldest_days=row.oldest_days,
    )


@settings(deadline=None)
@given(ledgers())
def test_rows_and_totals_equal_their_checked_build(ledger: Ledger) -> None:
    report = age(ledger, as_of=max([AS_OF, *(i.issue_date for i in ledger.invoices)]))
    for row in (*report.rows, *report.totals):
        again = _checked(row)
        assert again == row
        assert hash(again) == hash(row)
        assert repr(again) == repr(row)
        for money in (*row.amounts, row.unapplied, row.disputed):
            assert type(money) is Money
            assert money.currency == row.currency
            assert not (money.amount.is_zero() and money.amount.is_signed())  # no -0
