"""KPI reports of disjoint parts of a book add up to the report of the whole (issue 20).

Partition a ledger's customers into two sets, compute the KPIs of each part, add the
two reports: every amount and every KPI equals the report of the whole ledger, so the
KPIs of a book too large for one process can be computed per partition and merged.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credkit.errors import ValidationError
from credkit.kpi import KPIFigures, KPIReport, kpis
from credkit.ledger import Ledger
from credkit.money import Money
from credkit.testing.strategies import ledgers

START = datetime.date(2026, 1, 1)
EPOCH = datetime.date(2024, 1, 1)  # the strategies' documents fall in 2024 and 2025
_KPIS = (
    "dso",
    "countback_dso",
    "best_possible_dso",
    "average_days_delinquent",
    "collection_effectiveness_index",
    "bad_debt_ratio",
    "ar_turnover",
    "turnover_days",
    "percent_current",
)
_AMOUNTS = (
    "beginning_ar",
    "ending_ar",
    "ending_current_ar",
    "unapplied",
    "credit_sales",
    "written_off",
)


def _part(ledger: Ledger, ids: set[str]) -> Ledger:
    """The customers ``ids`` of ``ledger`` with their documents and allocations."""
    owner = {d.id: d.customer_id for d in (*ledger.credit_notes, *ledger.payments)}
    return Ledger(
        customers=[c for c in ledger.customers if c.id in ids],
        invoices=[i for i in ledger.invoices if i.customer_id in ids],
        credit_notes=[n for n in ledger.credit_notes if n.customer_id in ids],
        payments=[p for p in ledger.payments if p.customer_id in ids],
        allocations=[a for a in ledger.allocations if owner[a.source_id] in ids],
    )


def _trimmed(history: tuple[tuple[int, Money], ...]) -> tuple[tuple[int, Money], ...]:
    """A sales history without the months beyond its last sale (they change no KPI)."""
    cut = len(history)
    while cut and not history[cut - 1][1].is_positive:
        cut -= 1
    return history[:cut]


def _same(merged: KPIFigures, whole: KPIFigures) -> None:
    for name in (*_AMOUNTS, *_KPIS):
        assert getattr(merged, name) == getattr(whole, name), name
    assert merged.undefined.keys() == whole.undefined.keys()
    assert _trimmed(merged.sales_history) == _trimmed(whole.sales_history)


@settings(deadline=None)
@given(ledgers(), st.data())
def test_the_kpis_of_two_parts_add_up_to_the_kpis_of_the_whole(
    ledger: Ledger, data: st.DataObject
) -> None:
    roots = sorted({c.parent_id or c.id for c in ledger.customers})
    chosen = set(data.draw(st.lists(st.sampled_from(roots), unique=True))) if roots else set()
    left = {c.id for c in ledger.customers if (c.parent_id or c.id) in chosen}
    right = {c.id for c in ledger.customers} - left
    end = data.draw(st.dates(EPOCH + datetime.timedelta(days=1), datetime.date(2026, 2, 28)))
    start = end - datetime.timedelta(days=data.draw(st.integers(0, 120)))
    whole = kpis(ledger, period_start=start, period_end=end)
    merged = kpis(_part(ledger, left), period_start=start, period_end=end) + kpis(
        _part(ledger, right), period_start=start, period_end=end
    )
    assert merged.currencies == whole.currencies
    for code in whole.currencies:
        _same(merged[code], whole[code])


def test_reports_of_other_periods_do_not_add() -> None:
    jan = KPIReport(START, datetime.date(2026, 1, 31), days=31, months=Decimal(1), figures=())
    feb = KPIReport(
        datetime.date(2026, 2, 1),
        datetime.date(2026, 2, 28),
        days=28,
        months=Decimal(1),
        figures=(),
    )
    with pytest.raises(ValidationError, match="other: a report of 2026-02-01 to 2026-02-28"):
        jan + feb


def test_figures_of_other_currencies_do_not_add() -> None:
    def figures(code: str) -> KPIFigures:
        zero = Money.zero(code)
        return KPIFigures(
            code,
            beginning_ar=zero,
            ending_ar=zero,
            ending_current_ar=zero,
            unapplied=zero,
            credit_sales=zero,
            written_off=zero,
            days=31,
            months=Decimal(1),
        )

    with pytest.raises(ValidationError, match="other: figures of USD over 31 days"):
        figures("EUR") + figures("USD")
