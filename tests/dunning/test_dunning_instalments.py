"""Dunning, interest and worklists over invoices with a payment schedule.

Peers: ERPNext's Dunning lists the overdue Payment Schedule rows of a Sales Invoice
("Overdue Payments", one row per payment term); Odoo / OCA account_credit_control
follows up each receivable move line, and a multi-line payment term books one
receivable line per due date.
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credkit.dunning import (
    Block,
    BlockReason,
    DunningHistory,
    DunningLadder,
    DunningLevel,
    FixedRate,
    collection_worklist,
    disputed_part_of,
    dunning_run,
    invoice_interest,
    split_disputed,
)
from credkit.errors import ValidationError
from credkit.ledger import Allocation, Customer, Invoice, Ledger, Payment, schedule_for
from credkit.money import Money
from credkit.terms import PaymentTerms

ACME = Customer("C1", "Acme GmbH", country="DE", currency="EUR")
ISSUED = date(2026, 1, 31)
LADDER = DunningLadder("test", version="1", levels=(DunningLevel(10, template="l1"),))


def eur(amount: str | int) -> Money:
    return Money.of(amount, "EUR")


def books(**extra: object) -> Ledger:
    terms = PaymentTerms.parse("50% net 30, 50% net 60")
    schedule = schedule_for(eur("1000.00"), terms, issue_date=ISSUED)
    invoice = Invoice("I1", "C1", ISSUED, schedule[-1].due_date, eur("1000.00"), schedule=schedule)
    return Ledger(customers=[ACME], invoices=[invoice], **extra)  # type: ignore[arg-type]


def test_only_the_overdue_instalment_is_dunned() -> None:
    # ERPNext Dunning: only the overdue Payment Schedule row is listed.
    run = dunning_run(books(), DunningHistory(), as_of=date(2026, 3, 12), ladder=LADDER)
    assert [(a.level, a.item_ids) for a in run.actions] == [(1, ("I1#1",))]
    assert run.actions[0].lines[0].amount == eur("500.00")
    assert run.actions[0].lines[0].due_date == date(2026, 3, 2)
    assert {s.item_id for s in run.items} == {"I1#1", "I1#2"}


def test_each_instalment_escalates_from_its_own_history() -> None:
    first = dunning_run(books(), DunningHistory(), as_of=date(2026, 3, 12), ladder=LADDER)
    history = DunningHistory().record(first)
    later = dunning_run(books(), history, as_of=date(2026, 4, 11), ladder=LADDER)
    # instalment 1 already had the only level; instalment 2 gets its first reminder
    assert [a.item_ids for a in later.actions] == [("I1#2",)]


def test_a_block_on_the_invoice_holds_all_its_instalments() -> None:
    block = Block("C1", BlockReason.DISPUTE, until=None, item_ids=("I1",))
    run = dunning_run(
        books(), DunningHistory(), as_of=date(2026, 4, 20), ladder=LADDER, blocks=[block]
    )
    assert run.actions == ()
    one = Block("C1", BlockReason.DISPUTE, until=None, item_ids=("I1#2",))
    run = dunning_run(
        books(), DunningHistory(), as_of=date(2026, 4, 20), ladder=LADDER, blocks=[one]
    )
    assert [a.item_ids for a in run.actions] == [("I1#1",)]


def test_interest_runs_per_instalment_from_its_own_due_date() -> None:
    # Odoo / ERPNext: interest on an overdue payment-schedule row runs from that row's
    # due date on that row's amount. 500.00 x 10 % x 10 / 365 = 1.369... -> 1.37
    paid = books(
        payments=[Payment("P1", "C1", date(2026, 3, 7), eur(200))],
        allocations=[Allocation("P1", "I1", eur(200), date(2026, 3, 7))],
    )
    rule = FixedRate(10)
    calc = invoice_interest(paid, "I1", as_of=date(2026, 3, 12), rule=rule, instalment=1)
    # 500.00 for 5 days (0.68) + 300.00 for 5 days (0.41)
    assert calc.interest == eur("1.10")
    second = invoice_interest(paid, "I1", as_of=date(2026, 3, 12), rule=rule, instalment=2)
    assert second.interest == eur("0.00")
    with pytest.raises(ValidationError, match="instalment: invoice 'I1' is due in 2 instalments"):
        invoice_interest(paid, "I1", as_of=date(2026, 3, 12), rule=rule)
    with pytest.raises(ValidationError, match="has no instalment 3; accepted: 1 to 2"):
        invoice_interest(paid, "I1", as_of=date(2026, 3, 12), rule=rule, instalment=3)


def test_the_worklist_counts_only_overdue_instalments() -> None:
    entries = collection_worklist(books(), as_of=date(2026, 3, 12))
    assert [(e.customer_id, e.item_ids) for e in entries] == [("C1", ("I1#1",))]
    assert entries[0].overdue == eur("500.00")


def test_an_invoice_dispute_holds_back_the_earliest_instalments_first() -> None:
    # ERPNext / Odoo: a disputed amount withheld from an invoice due in parts is held
    # back from what falls due first; the rest of each instalment is dunned.
    items = books().open_items(date(2026, 4, 20))
    split = split_disputed(items, {"I1": eur("600.00")})
    assert [(i.key, str(i.amount), i.disputed) for i in split] == [
        ("I1#1", "500.00 EUR", True),
        ("I1#2", "400.00 EUR", False),
        ("I1~disputed#2", "100.00 EUR", True),
    ]
    assert disputed_part_of("I1~disputed#2") == "I1#2"
    one = split_disputed(items, {"I1#2": eur("50.00")})
    assert [(i.key, str(i.amount), i.disputed) for i in one] == [
        ("I1#1", "500.00 EUR", False),
        ("I1#2", "450.00 EUR", False),
        ("I1~disputed#2", "50.00 EUR", True),
    ]


@given(st.integers(0, 120_000))
def test_splitting_a_dispute_over_instalments_loses_no_cent(cents: int) -> None:
    items = books().open_items(date(2026, 4, 20))
    split = split_disputed(items, {"I1": Money.of(cents, "EUR") / 100})
    assert sum((i.amount for i in split), eur(0)) == eur("1000.00")
    assert sum((i.amount for i in split if i.disputed), eur(0)) == min(
        Money.of(cents, "EUR") / 100, eur("1000.00")
    )


def test_insurance_deadlines_name_each_overdue_instalment() -> None:
    """Finding 6: insurance deadlines named the invoice id, so two overdue instalments
    of one invoice gave deadlines (and alert keys) that could not be told apart."""
    from credkit.dunning import InsurancePolicy, insurance_deadlines
    from credkit.ledger import InvoiceInstalment

    split = Invoice(
        "I1",
        "C1",
        date(2026, 1, 1),
        date(2026, 2, 28),
        eur(100),
        schedule=[
            InvoiceInstalment(date(2026, 1, 31), eur(50)),
            InvoiceInstalment(date(2026, 2, 28), eur(50)),
        ],
    )
    items = Ledger(customers=[ACME], invoices=[split]).open_items(date(2026, 3, 15))
    policy = InsurancePolicy("P", max_extension_days=30, notification_days=0, claim_days=60)
    found = insurance_deadlines(items, policy, as_of=date(2026, 3, 15))
    assert sorted({d.item_id for d in found}) == ["I1#1", "I1#2"]
