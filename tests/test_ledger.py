"""Tests for credkit.ledger: validation, point-in-time open items, settlements, allocation."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credkit import ValidationError
from credkit.ledger import (
    Allocation,
    CreditNote,
    Customer,
    DocumentKind,
    Invoice,
    Ledger,
    OpenItem,
    Payment,
    oldest_first,
)
from credkit.money import Money
from credkit.testing.strategies import ledgers

EUR = "EUR"


def eur(amount: str | int) -> Money:
    return Money.of(amount, EUR)


ACME = Customer("C1", "Acme GmbH", country="DE", currency=EUR)
GLOBEX = Customer("C2", "Globex Ltd", country="GB", currency="GBP")


def invoice(id_: str, issued: date, amount: str | int = 100, *, days: int = 30, **kw) -> Invoice:
    return Invoice(
        id_, kw.pop("customer", "C1"), issued, issued + timedelta(days=days), eur(amount), **kw
    )


# -- records ----------------------------------------------------------------------------


def test_customer_rejects_unknown_country_and_currency() -> None:
    with pytest.raises(ValidationError, match=r"country: 'Germany' is not an ISO 3166-1"):
        Customer("C1", "Acme", country="Germany", currency=EUR)
    with pytest.raises(ValidationError, match=r"currency: 'eur'.*upper case"):
        Customer("C1", "Acme", country="DE", currency="eur")
    with pytest.raises(ValidationError, match="cannot be its own parent"):
        Customer("C1", "Acme", country="DE", currency=EUR, parent_id="C1")


def test_invoice_due_date_never_before_issue_date() -> None:
    with pytest.raises(
        ValidationError, match=r"due_date: 2026-01-01 is before issue_date 2026-01-02"
    ):
        Invoice("I1", "C1", date(2026, 1, 2), date(2026, 1, 1), eur(1))


@pytest.mark.parametrize("amount", [eur(0), eur(-5)])
def test_documents_need_positive_amounts(amount: Money) -> None:
    with pytest.raises(ValidationError, match="amount: must be above zero"):
        Invoice("I1", "C1", date(2026, 1, 1), date(2026, 1, 1), amount)
    with pytest.raises(ValidationError, match="amount: must be above zero"):
        Payment("P1", "C1", date(2026, 1, 1), amount)


def test_documents_refuse_datetimes_and_blank_ids() -> None:
    from datetime import datetime

    with pytest.raises(ValidationError, match=r"received_on: expected a datetime\.date"):
        Payment("P1", "C1", datetime(2026, 1, 1, 12), eur(1))  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="id: expected a non-empty string id"):
        Payment(" ", "C1", date(2026, 1, 1), eur(1))


# -- ledger validation --------------------------------------------------------------------


def test_unknown_customer_and_duplicate_ids_are_refused() -> None:
    with pytest.raises(ValidationError, match=r"invoices\[0\].customer_id: unknown customer 'C9'"):
        Ledger(customers=[ACME], invoices=[invoice("I1", date(2026, 1, 1), customer="C9")])
    with pytest.raises(ValidationError, match=r"payments\[0\].id: duplicate document id 'I1'"):
        Ledger(
            customers=[ACME],
            invoices=[invoice("I1", date(2026, 1, 1))],
            payments=[Payment("I1", "C1", date(2026, 1, 1), eur(1))],
        )
    with pytest.raises(ValidationError, match=r"customers\[1\].id: duplicate id 'C1'"):
        Ledger(customers=[ACME, ACME])


def test_credit_groups_must_exist_and_not_cycle() -> None:
    child = Customer("C3", "Child", country="DE", currency=EUR, parent_id="C4")
    with pytest.raises(ValidationError, match=r"customers\[0\].parent_id: unknown customer 'C4'"):
        Ledger(customers=[child])
    parent = Customer("C4", "Parent", country="DE", currency=EUR, parent_id="C3")
    with pytest.raises(ValidationError, match="forms a cycle"):
        Ledger(customers=[child, parent])


def _base() -> Ledger:
    return Ledger(
        customers=[ACME, GLOBEX],
        invoices=[
            invoice("I1", date(2026, 1, 10), 100),
            Invoice("G1", "C2", date(2026, 1, 10), date(2026, 2, 9), Money.of(50, "GBP")),
        ],
        payments=[
            Payment("P1", "C1", date(2026, 1, 20), eur(150)),
            Payment("P2", "C1", date(2026, 1, 20), Money.of(10, "USD")),
        ],
        credit_notes=[CreditNote("N1", "C1", date(2026, 1, 5), eur(20))],
    )


@pytest.mark.parametrize(
    ("allocation", "message"),
    [
        (Allocation("P9", "I1", eur(1), date(2026, 1, 20)), r"source_id: 'P9' is unknown id"),
        (Allocation("I1", "I1", eur(1), date(2026, 1, 20)), r"source_id: 'I1' is an invoice"),
        (Allocation("P1", "N1", eur(1), date(2026, 1, 20)), r"target_id: 'N1' is not an invoice"),
        (Allocation("P1", "G1", eur(1), date(2026, 1, 20)), r"of customer 'C1' cannot settle 'G1'"),
        (
            Allocation("P2", "I1", Money.of(1, "USD"), date(2026, 1, 20)),
            r"amount: 1 USD is not in the currency of 'I1'",
        ),
        (
            Allocation("P1", "I1", eur(1), date(2026, 1, 19)),
            r"applied_on: 2026-01-19 is before 2026-01-20",
        ),
        (
            Allocation("N1", "I1", eur(1), date(2026, 1, 9)),
            r"applied_on: 2026-01-09 is before 2026-01-10",
        ),
        (
            Allocation("P1", "I1", eur("100.01"), date(2026, 1, 20)),
            r"over-allocates 'I1' \(100 EUR\) by 0.01 EUR",
        ),
    ],
)
def test_bad_allocations_are_refused(allocation: Allocation, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        _base().extend(allocations=[allocation])


def test_over_allocating_a_payment_across_invoices_is_refused() -> None:
    ledger = _base().extend(invoices=[invoice("I2", date(2026, 1, 11), 100)])
    with pytest.raises(ValidationError, match=r"allocations\[1\].amount: over-allocates 'N1'"):
        ledger.extend(
            allocations=[
                Allocation("N1", "I1", eur(15), date(2026, 1, 12)),
                Allocation("N1", "I2", eur(6), date(2026, 1, 12)),
            ]
        )


# -- point in time ---------------------------------------------------------------------------


def test_partial_payment_credit_note_and_overpayment_as_of_dates() -> None:
    ledger = _base().extend(
        allocations=[
            Allocation("N1", "I1", eur(20), date(2026, 1, 15)),
            Allocation("P1", "I1", eur(80), date(2026, 1, 25)),
        ]
    )

    def view(as_of: date) -> dict[str, str]:
        return {i.document_id: str(i.amount) for i in ledger.open_items(as_of, customer_id="C1")}

    # before anything: only the standalone credit note exists
    assert view(date(2026, 1, 5)) == {"N1": "-20 EUR"}
    # the invoice is issued, the credit note is not applied yet
    assert view(date(2026, 1, 10)) == {"I1": "100 EUR", "N1": "-20 EUR"}
    # credit note applied; payment received but not yet applied: shown as unapplied cash
    assert view(date(2026, 1, 20)) == {"I1": "80 EUR", "P1": "-150 EUR", "P2": "-10 USD"}
    # payment applied: the overpayment of 70 EUR stays visible, never dropped
    assert view(date(2026, 1, 31)) == {"P1": "-70 EUR", "P2": "-10 USD"}
    assert ledger.balance(date(2026, 1, 31), customer_id="C1") == {
        "EUR": eur(-70),
        "USD": Money.of(-10, "USD"),
    }


def test_open_item_fields_for_invoice_and_disputes() -> None:
    ledger = Ledger(customers=[ACME], invoices=[invoice("I1", date(2026, 1, 10), disputed=True)])
    (item,) = ledger.open_items(date(2026, 3, 1))
    assert item == OpenItem(
        "I1",
        "C1",
        DocumentKind.INVOICE,
        date(2026, 1, 10),
        date(2026, 2, 9),
        eur(100),
        original_amount=eur(100),
        disputed=True,
    )
    assert item.days_overdue(date(2026, 3, 1)) == 20


def test_unknown_customer_filter_is_an_error() -> None:
    with pytest.raises(ValidationError, match="customer_id: unknown customer 'C9'"):
        _base().open_items(date(2026, 1, 1), customer_id="C9")


def test_settlements_date_from_when_the_money_arrived_not_when_it_was_applied() -> None:
    # Found in review: a payment received on time but applied late made the customer look
    # late. The credit note (issued 5 Jan, before the invoice of 10 Jan) counts from the
    # invoice date; the payment received 20 Jan counts from 20 Jan although applied 25 Feb.
    ledger = _base().extend(
        invoices=[invoice("I2", date(2026, 1, 11), 100)],
        payments=[Payment("P3", "C1", date(2026, 3, 1), eur(50))],
        allocations=[
            Allocation("N1", "I1", eur(20), date(2026, 1, 15)),
            Allocation("P1", "I1", eur(80), date(2026, 2, 25)),
            Allocation("P1", "I2", eur(50), date(2026, 2, 25)),
            Allocation("P3", "I2", eur(50), date(2026, 3, 1)),
        ],
    )
    first, second = ledger.settlements()
    assert (first.invoice_id, first.settled_on, first.credited) == (
        "I1",
        date(2026, 1, 20),
        eur(20),
    )
    assert (first.days_to_pay, first.days_beyond_terms) == (10, -20)
    # I2 is closed by the second payment, received 1 March: that is when it was paid.
    assert (second.invoice_id, second.settled_on, second.credited) == (
        "I2",
        date(2026, 3, 1),
        eur(0),
    )
    assert second.days_beyond_terms == 19
    assert ledger.effective_date(ledger.allocations[0]) == date(2026, 1, 10)


def test_credit_note_for_a_disputed_invoice_settles_that_invoice_first() -> None:
    # Found in review: the credit note issued to resolve a dispute on I2 went to I1.
    ledger = Ledger(
        customers=[ACME],
        invoices=[
            invoice("I1", date(2026, 1, 1), 1000),
            invoice("I2", date(2026, 1, 5), 300, disputed=True),
        ],
        credit_notes=[CreditNote("N1", "C1", date(2026, 2, 1), eur(400), invoice_id="I2")],
    ).apply_oldest_first("N1")
    assert [(a.target_id, a.amount) for a in ledger.allocations] == [
        ("I2", eur(300)),
        ("I1", eur(100)),
    ]


@pytest.mark.parametrize("bad", ["2026-01-01", None, 20260101])
def test_as_of_must_be_a_date(bad: object) -> None:
    with pytest.raises(ValidationError, match=r"as_of: expected a datetime\.date"):
        _base().open_items(bad)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=r"as_of: expected a datetime\.date"):
        Ledger().balance(bad)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=r"as_of: expected a datetime\.date"):
        invoice("I9", date(2026, 1, 1)).days_overdue(bad)  # type: ignore[arg-type]


def test_records_refuse_wrong_types_with_validation_errors() -> None:
    with pytest.raises(ValidationError, match="name: expected str, got NoneType None"):
        Customer("C1", None, country="DE", currency=EUR)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="kind: expected DocumentKind, got str 'invoice'"):
        OpenItem("I", "C", "invoice", date(2026, 1, 1), date(2026, 1, 1), eur(1))  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="amount: expected Money, got int 5"):
        OpenItem("I", "C", DocumentKind.INVOICE, date(2026, 1, 1), date(2026, 1, 1), 5)  # type: ignore[arg-type]


# -- oldest first -------------------------------------------------------------------------------


def test_apply_oldest_first_skips_disputes_and_other_currencies() -> None:
    ledger = Ledger(
        customers=[ACME],
        invoices=[
            invoice("I1", date(2026, 1, 1), 40, disputed=True),
            invoice("I2", date(2026, 1, 2), 30),
            invoice("I3", date(2026, 1, 3), 50),
            Invoice("U1", "C1", date(2025, 12, 1), date(2025, 12, 1), Money.of(5, "USD")),
        ],
        payments=[Payment("P1", "C1", date(2026, 2, 1), eur(60))],
    )
    applied = ledger.apply_oldest_first("P1")
    assert [(a.target_id, a.amount) for a in applied.allocations] == [
        ("I2", eur(30)),
        ("I3", eur(30)),
    ]
    with_disputes = ledger.apply_oldest_first("P1", include_disputed=True)
    assert [(a.target_id, a.amount) for a in with_disputes.allocations] == [
        ("I1", eur(40)),
        ("I2", eur(20)),
    ]
    # applying again changes nothing: the payment is fully applied
    assert applied.apply_oldest_first("P1").allocations == applied.allocations


def test_apply_oldest_first_leaves_the_rest_unapplied_and_refuses_invoices() -> None:
    ledger = Ledger(
        customers=[ACME],
        invoices=[invoice("I1", date(2026, 1, 1), 40)],
        payments=[Payment("P1", "C1", date(2026, 2, 1), eur(100))],
    ).apply_oldest_first("P1")
    assert {i.document_id: i.amount for i in ledger.open_items(date(2026, 2, 1))} == {
        "P1": eur(-60)
    }
    with pytest.raises(ValidationError, match="source_id: 'I1' is an invoice"):
        ledger.apply_oldest_first("I1")


def test_oldest_first_refuses_non_positive_amounts() -> None:
    with pytest.raises(ValidationError, match="amount: must be above zero to allocate"):
        oldest_first(eur(0), [], source_id="P", applied_on=date(2026, 1, 1))


# -- properties ---------------------------------------------------------------------------------


def _dated(ledger: Ledger) -> list[date]:
    dates = [i.issue_date for i in ledger.invoices] + [n.issue_date for n in ledger.credit_notes]
    dates += [p.received_on for p in ledger.payments] + [a.applied_on for a in ledger.allocations]
    return dates or [date(2024, 1, 1)]


as_of_offsets = st.integers(-30, 800)


@given(ledgers(), as_of_offsets)
def test_open_items_reconcile_with_what_was_invoiced_credited_and_received(
    ledger: Ledger, offset: int
) -> None:
    as_of = date(2024, 1, 1) + timedelta(days=offset)
    expected: dict[str, Decimal] = defaultdict(Decimal)
    for inv in ledger.invoices:
        if inv.issue_date <= as_of:
            expected[inv.amount.currency] += inv.amount.amount
    for note in ledger.credit_notes:
        if note.issue_date <= as_of:
            expected[note.amount.currency] -= note.amount.amount
    for pay in ledger.payments:
        if pay.received_on <= as_of:
            expected[pay.amount.currency] -= pay.amount.amount
    actual: dict[str, Decimal] = defaultdict(Decimal)
    for item in ledger.open_items(as_of):
        actual[item.amount.currency] += item.amount.amount
        assert item.amount.amount != 0
    assert {k: v for k, v in actual.items() if v} == {k: v for k, v in expected.items() if v}


@given(ledgers(), as_of_offsets)
def test_as_of_view_ignores_everything_after_the_date(ledger: Ledger, offset: int) -> None:
    as_of = date(2024, 1, 1) + timedelta(days=offset)
    earlier = Ledger(
        customers=ledger.customers,
        invoices=[i for i in ledger.invoices if i.issue_date <= as_of],
        credit_notes=[n for n in ledger.credit_notes if n.issue_date <= as_of],
        payments=[p for p in ledger.payments if p.received_on <= as_of],
        allocations=[a for a in ledger.allocations if a.applied_on <= as_of],
    )
    assert ledger.open_items(as_of) == earlier.open_items(as_of)


@given(ledgers())
def test_settled_invoices_are_exactly_those_no_longer_open(ledger: Ledger) -> None:
    end = max(_dated(ledger))
    settled = {s.invoice_id for s in ledger.settlements()}
    still_open = {i.document_id for i in ledger.open_items(end) if i.kind is DocumentKind.INVOICE}
    assert settled | still_open == {i.id for i in ledger.invoices}
    assert not settled & still_open
    for s in ledger.settlements():
        assert s.settled_on >= s.issue_date
        assert Decimal(0) <= s.credited.amount <= s.amount.amount


@given(ledgers(), st.data())
def test_apply_oldest_first_never_over_allocates_and_spends_what_it_can(
    ledger: Ledger, data: st.DataObject
) -> None:
    if not ledger.payments:
        return
    payment = data.draw(st.sampled_from(ledger.payments))
    on = payment.received_on
    end = date.max
    unapplied_before = -sum(
        (i.amount.amount for i in ledger.open_items(end) if i.document_id == payment.id),
        Decimal(0),
    )
    eligible = sum(
        (
            i.amount.amount
            for i in ledger.open_items(end, customer_id=payment.customer_id)
            if i.kind is DocumentKind.INVOICE
            and i.issue_date <= on
            and not i.disputed
            and i.amount.currency == payment.amount.currency
        ),
        Decimal(0),
    )
    after = ledger.apply_oldest_first(payment.id)  # constructing it validates: no over-allocation
    spent = sum((a.amount.amount for a in after.allocations[len(ledger.allocations) :]), Decimal(0))
    assert spent == min(unapplied_before, eligible)


@pytest.mark.parametrize("bad", [None, "C1", 5])
def test_record_lists_must_be_iterables_of_records(bad: object) -> None:
    # Found in review: Ledger(customers=None) escaped as a bare TypeError.
    with pytest.raises(ValidationError, match="customers: expected a list of Customer records"):
        Ledger(customers=bad)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="invoices: expected a list of Invoice records"):
        Ledger(invoices=bad)  # type: ignore[arg-type]
