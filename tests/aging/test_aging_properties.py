"""Property tests for credkit.aging: reconciliation, as-of stability, merging, conversion."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from credkit.aging import STANDARD, AgingBasis, AgingReport, Buckets, age
from credkit.fx import RateTable, convert
from credkit.ledger import Ledger, Payment
from credkit.money import Money
from credkit.testing.strategies import EPOCH, ledgers

as_of_dates = st.dates(EPOCH - datetime.timedelta(days=10), EPOCH + datetime.timedelta(days=800))
bases = st.sampled_from(list(AgingBasis))
bucket_sets = st.one_of(
    st.just(STANDARD),
    st.lists(st.integers(1, 400), max_size=7, unique=True).map(
        lambda edges: Buckets.from_edges(sorted(edges))
    ),
)


def _check_reconciles(ledger: Ledger, report: AgingReport) -> None:
    as_of = report.as_of
    balance = ledger.balance(as_of)
    # Totals per currency equal the ledger's open balance, to the cent.
    for currency in {*balance, *report.currencies}:
        expected = balance.get(currency, Money.zero(currency))
        assert report.total(currency).total == expected
    for line in (*report.rows, *report.totals):
        summed = sum((a.amount for a in line.amounts), Decimal(0)) + line.unapplied.amount
        assert summed == line.total.amount
    # Rows add up to the totals, bucket by bucket.
    for total in report.totals:
        rows = [r for r in report.rows if r.currency == total.currency]
        for index, amount in enumerate(total.amounts):
            assert sum((r.amounts[index].amount for r in rows), Decimal(0)) == amount.amount
        assert sum((r.unapplied.amount for r in rows), Decimal(0)) == total.unapplied.amount
        assert sum((r.disputed.amount for r in rows), Decimal(0)) == total.disputed.amount
        assert sum(r.count for r in rows) == total.count
    # Each customer's row is that customer's own balance.
    for row in report.rows:
        assert row.customer_id is not None
        own = ledger.balance(as_of, customer_id=row.customer_id)
        assert row.total == own.get(row.currency, Money.zero(row.currency))


def _independent(
    ledger: Ledger, as_of: datetime.date, buckets: Buckets, basis: AgingBasis
) -> dict[tuple[str, str, str], Decimal]:
    """Bucket sums computed the slow, obvious way: (customer, currency, label) -> amount."""
    sums: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
    for item in ledger.open_items(as_of):
        if item.amount.is_negative:
            label = "unapplied"
        else:
            start = item.due_date if basis is AgingBasis.DUE_DATE else item.issue_date
            days = (as_of - start).days
            (label,) = [b.label for b in buckets if b.contains(days)]
        sums[(item.customer_id, item.amount.currency, label)] += item.amount.amount
    return sums


@settings(deadline=None)
@given(ledgers(), as_of_dates, bucket_sets, bases)
def test_buckets_and_unapplied_sum_to_the_open_balance(
    ledger: Ledger, as_of: datetime.date, buckets: Buckets, basis: AgingBasis
) -> None:
    report = age(ledger, as_of=as_of, buckets=buckets, basis=basis)
    _check_reconciles(ledger, report)
    expected = _independent(ledger, as_of, buckets, basis)
    for row in report.rows:
        assert row.customer_id is not None
        for label, amount in zip(buckets.labels, row.amounts, strict=True):
            assert amount.amount == expected.get((row.customer_id, row.currency, label), 0)
        assert row.unapplied.amount == expected.get((row.customer_id, row.currency, "unapplied"), 0)
        assert row.disputed <= row.receivable


def _until(ledger: Ledger, as_of: datetime.date) -> Ledger:
    """The ledger as it stood on ``as_of``: later documents and allocations removed."""
    return Ledger(
        customers=ledger.customers,
        invoices=[i for i in ledger.invoices if i.issue_date <= as_of],
        credit_notes=[n for n in ledger.credit_notes if n.issue_date <= as_of],
        payments=[p for p in ledger.payments if p.received_on <= as_of],
        allocations=[a for a in ledger.allocations if a.applied_on <= as_of],
    )


@settings(deadline=None)
@given(ledgers(), as_of_dates, bases)
def test_report_as_of_a_date_ignores_what_happened_after(
    ledger: Ledger, as_of: datetime.date, basis: AgingBasis
) -> None:
    report = age(ledger, as_of=as_of, basis=basis)
    assert age(_until(ledger, as_of), as_of=as_of, basis=basis) == report


@settings(deadline=None)
@given(ledgers(), as_of_dates, st.integers(1, 90), st.data())
def test_a_later_payment_does_not_change_the_report(
    ledger: Ledger, as_of: datetime.date, days_later: int, data: st.DataObject
) -> None:
    customer = data.draw(st.sampled_from(ledger.customers))
    paid = ledger.extend(
        payments=[
            Payment(
                "LATE",
                customer.id,
                as_of + datetime.timedelta(days=days_later),
                Money.of(1_000_000, customer.currency),
            )
        ]
    ).apply_oldest_first("LATE", include_disputed=True)
    assert age(paid, as_of=as_of) == age(ledger, as_of=as_of)


def _only(ledger: Ledger, ids: set[str]) -> Ledger:
    def mine(document_id: str) -> bool:
        return ledger.document(document_id).customer_id in ids

    return Ledger(
        customers=[c for c in ledger.customers if c.id in ids],
        invoices=[i for i in ledger.invoices if i.customer_id in ids],
        credit_notes=[n for n in ledger.credit_notes if n.customer_id in ids],
        payments=[p for p in ledger.payments if p.customer_id in ids],
        allocations=[a for a in ledger.allocations if mine(a.source_id)],
    )


@settings(deadline=None)
@given(ledgers(), as_of_dates, bucket_sets, bases, st.data())
def test_merging_reports_of_a_split_portfolio_equals_the_whole(
    ledger: Ledger, as_of: datetime.date, buckets: Buckets, basis: AgingBasis, data: st.DataObject
) -> None:
    ids = [c.id for c in ledger.customers]
    parts = data.draw(st.lists(st.integers(0, 2), min_size=len(ids), max_size=len(ids)))
    reports = [
        age(
            _only(ledger, {i for i, p in zip(ids, parts, strict=True) if p == part}),
            as_of=as_of,
            buckets=buckets,
            basis=basis,
        )
        for part in range(3)
    ]
    whole = age(ledger, as_of=as_of, buckets=buckets, basis=basis)
    assert reports[0] + reports[1] + reports[2] == whole
    assert reports[2] + reports[0] + reports[1] == whole


_RATES = RateTable.from_mapping(
    {
        "2023-01-01": {
            "USD": "1.0866",
            "GBP": "0.88693",
            "CHF": "0.9913",
            "JPY": "140.6",
            "BHD": "0.4096",
        }
    },
    base="EUR",
)


@settings(deadline=None)
@given(ledgers(), as_of_dates, st.sampled_from(["EUR", "USD", "JPY", "BHD"]))
def test_converted_report_is_the_sum_of_converted_items(
    ledger: Ledger, as_of: datetime.date, currency: str
) -> None:
    report = age(ledger, as_of=as_of, currency=currency, rates=_RATES)
    assert report.currencies in ((), (currency,))
    expected: dict[str, Decimal] = defaultdict(Decimal)
    for item in ledger.open_items(as_of):
        converted = convert(item.amount, currency, on=as_of, rates=_RATES)
        expected[item.customer_id] += converted.amount
    assert {r.customer_id: r.total.amount for r in report.rows} == {
        k: v
        for k, v in expected.items()
        if any(i.customer_id == k for i in ledger.open_items(as_of))
    }
    assert report.total(currency).total.amount == sum(expected.values(), Decimal(0))
    for row in report.rows:
        assert all(a.is_rounded() for a in row.amounts)
        assert row.unapplied.is_rounded()
