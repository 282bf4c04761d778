"""Dunning from the store, disputes, collector work and credit insurance deadlines (issue 19)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credkit.aging import age
from credkit.desk import CreditDesk, RoleTable
from credkit.desk.collections import store_open_items
from credkit.desk.disputes import dispute_kpis
from credkit.dunning import (
    ChargeTreatment,
    CollectorAssignment,
    ContactEntry,
    DunningLadder,
    DunningLevel,
    ExclusionReason,
    Fee,
    InsurancePolicy,
    SendStatus,
)
from credkit.errors import PermissionDenied, ValidationError
from credkit.ledger import Customer, Invoice
from credkit.money import Money
from credkit.policy import Policy, PolicyEntry
from credkit.policy.rules import StaticLimit
from credkit.storage import Dispute, DisputeStatus, MemoryStore

D = datetime.date
LADDER = DunningLadder(
    "std",
    version="1",
    charges=ChargeTreatment.BOOK,
    levels=(
        DunningLevel(7, template="first", fee=Fee.fixed(Money.of("5.00", "EUR"))),
        DunningLevel(21, template="second", interval_days=10),
        DunningLevel(35, template="third", interval_days=7),
    ),
)


def _desk(*invoices: Invoice) -> CreditDesk:
    store = MemoryStore()
    with store.unit() as unit:
        unit.add_customers([Customer("C1", "Acme", country="DE", currency="EUR")])
        unit.add_documents(invoices)
    table = RoleTable(users={"ana": ("credit_manager",), "bo": ("credit_clerk",)})
    return CreditDesk(
        store, Policy("p", version="1", rules=[PolicyEntry(StaticLimit())]), authorizer=table
    )


def _invoice(id: str = "INV-1", amount: str = "1000.00") -> Invoice:
    return Invoice(id, "C1", D(2026, 1, 1), D(2026, 1, 31), Money.of(amount, "EUR"))


def _balance(desk: CreditDesk, on: datetime.date) -> Money:
    with desk.store.unit("C1") as unit:
        return unit.ledger("C1", as_of=on).balance(on).get("EUR", Money.zero("EUR"))


# -- dunning from the store ------------------------------------------------------------


def test_the_same_day_twice_proposes_nothing_new() -> None:
    desk = _desk(_invoice())
    first = desk.dunning_run(D(2026, 2, 7), ladder=LADDER)
    again = desk.dunning_run(D(2026, 2, 7), ladder=LADDER)
    assert [a.id for a in first.new] == ["C1/1/2026-02-07"]
    assert again.new == ()
    assert [a.id for a in again.pending] == ["C1/1/2026-02-07"]


def test_a_pending_reminder_of_an_instalment_is_not_proposed_again_the_next_day() -> None:
    """Finding 5: pending proposals name item keys ("INV-1#1") but the run filtered the
    open items by document id, so the same reminder was proposed again every day."""
    from credkit.ledger import InvoiceInstalment

    half = Money.of("500.00", "EUR")
    split = Invoice(
        "INV-1",
        "C1",
        D(2026, 1, 1),
        D(2026, 3, 2),
        Money.of("1000.00", "EUR"),
        schedule=[InvoiceInstalment(D(2026, 1, 31), half), InvoiceInstalment(D(2026, 3, 2), half)],
    )
    desk = _desk(split)
    first = desk.dunning_run(D(2026, 2, 7), ladder=LADDER)
    assert [a.item_ids for a in first.new] == [("INV-1#1",)]
    again = desk.dunning_run(D(2026, 2, 8), ladder=LADDER)
    assert again.new == ()
    assert [a.id for a in again.pending] == [first.new[0].id]


def test_a_crash_between_propose_and_record_shows_the_proposal_again() -> None:
    desk = _desk(_invoice())
    desk.dunning_run(D(2026, 2, 7), ladder=LADDER)  # proposed, then the sender crashed
    later = desk.dunning_run(D(2026, 3, 1), ladder=LADDER)  # level 2 would be due by now
    assert later.new == ()
    assert [(a.id, a.level) for a in later.pending] == [("C1/1/2026-02-07", 1)]
    desk.record_sent("C1/1/2026-02-07", "email", "sent")
    after = desk.dunning_run(D(2026, 3, 1), ladder=LADDER)
    levels = {item_id: a.level for a in after.new for item_id in a.item_ids}
    assert levels["INV-1"] == 2  # the booked fee is a receivable of its own, at level 1
    assert levels["C1/1/2026-02-07/fee/EUR"] == 1


def test_a_failed_send_is_not_sent_and_the_level_is_proposed_again_the_next_day() -> None:
    desk = _desk(_invoice())
    run = desk.dunning_run(D(2026, 2, 7), ladder=LADDER)
    result = desk.record_sent(run.new[0], "email", "failed")
    assert result.documents == ()  # a bounced reminder books no fee
    assert desk.dunning_run(D(2026, 2, 7), ladder=LADDER).new == ()
    retry = desk.dunning_run(D(2026, 2, 8), ladder=LADDER).new
    assert [a.level for a in retry] == [1]
    assert "retries level 1" in retry[0].notes[-1]
    with pytest.raises(ValidationError, match="recorded as failed"):
        desk.record_sent(run.new[0], status="sent")


def test_a_fee_is_booked_once_and_reversed_by_a_credit_note() -> None:
    desk = _desk(_invoice())
    run = desk.dunning_run(D(2026, 2, 7), ladder=LADDER)
    before = _balance(desk, D(2026, 2, 7))
    sent = desk.record_sent(run.new[0], status=SendStatus.SENT)
    again = desk.record_sent(run.new[0], status=SendStatus.SENT)
    assert [d.id for d in sent.documents] == [d.id for d in again.documents]
    assert _balance(desk, D(2026, 2, 7)) == before + Money.of("5.00", "EUR")
    fee_id = sent.documents[0].id
    with pytest.raises(PermissionDenied):
        desk.reverse_charge(fee_id, customer_id="C1", on=D(2026, 2, 9), user="bo", reason="x")
    note = desk.reverse_charge(
        fee_id, customer_id="C1", on=D(2026, 2, 9), user="ana", reason="goodwill"
    )
    assert note.amount == Money.of("5.00", "EUR")
    assert _balance(desk, D(2026, 2, 9)) == before
    with desk.store.unit("C1") as unit:
        kinds = [e.kind for e in unit.audit_log("C1")]
    assert {"dunning_proposed", "dunning_sent", "charge_reversed"} <= set(kinds)


_DAYS = st.lists(
    st.tuples(st.integers(1, 12), st.sampled_from(["sent", "failed", "leave"])),
    min_size=1,
    max_size=12,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=_DAYS)
def test_replayed_runs_climb_at_most_one_level_and_never_repropose_what_was_sent(
    steps: list[tuple[int, str]],
) -> None:
    desk = _desk(_invoice("I1"), _invoice("I2", "50.00"))
    day = D(2026, 2, 1)
    for gap, outcome in steps:
        day += datetime.timedelta(days=gap)
        with desk.store.unit("C1") as unit:
            history = unit.dunning_history("C1")
        run = desk.dunning_run(day, ladder=LADDER)
        for action in run.new:
            for item_id in action.item_ids:
                reached, _ = history.reached(item_id, as_of=day)
                assert action.level == reached + 1  # one level, never one already sent
                assert not history.sent(item_id, action.level, as_of=day)
        if outcome != "leave":
            for action in run.pending:
                desk.record_sent(action, status=outcome, on=max(action.as_of, day))


# -- disputes --------------------------------------------------------------------------


def _dispute(amount: str = "300.00", id: str = "D-1") -> Dispute:
    return Dispute(
        id,
        "C1",
        "INV-1",
        Money.of(amount, "EUR"),
        reason="price",
        opened_on=D(2026, 2, 1),
        owner="ana",
    )


def test_a_partial_dispute_blocks_only_its_part_and_shows_in_aging() -> None:
    desk = _desk(_invoice())
    desk.save_dispute(_dispute(), user="ana")
    run = desk.dunning_run(D(2026, 2, 7), ladder=LADDER)
    assert [(line.item_id, str(line.amount)) for line in run.new[0].lines] == [
        ("INV-1", "700.00 EUR")
    ]
    part = next(i for i in run.items if i.item_id == "INV-1~disputed")
    assert part.reason is ExclusionReason.DISPUTED
    with desk.store.unit("C1") as unit:
        items = store_open_items(unit, "C1", as_of=D(2026, 2, 7))
    [total] = age(items, as_of=D(2026, 2, 7)).totals
    assert total.disputed == Money.of("300.00", "EUR")
    assert total.total == Money.of("1000.00", "EUR")


def test_a_dispute_for_more_than_is_open_is_refused() -> None:
    desk = _desk(_invoice())
    desk.save_dispute(_dispute("600.00"), user="ana")
    with pytest.raises(ValidationError, match=r"dispute at most 400\.00 EUR"):
        desk.save_dispute(_dispute("500.00", id="D-2"), user="ana")


@settings(max_examples=40, deadline=None)
@given(cents=st.integers(1, 100_000), write_off=st.booleans())
def test_resolving_by_credit_note_reconciles_the_ledger_to_the_cent(
    cents: int, write_off: bool
) -> None:
    desk = _desk(_invoice())
    amount = Money(Decimal(cents).scaleb(-2), "EUR")
    desk.save_dispute(_dispute(str(amount.amount)), user="ana")
    before = _balance(desk, D(2026, 2, 20))
    done = desk.resolve_dispute(
        "D-1",
        customer_id="C1",
        resolution="write_off" if write_off else "credit_note",
        on=D(2026, 2, 20),
        user="ana",
    )
    after = _balance(desk, D(2026, 2, 20))
    assert before == after + amount
    assert done.status is (DisputeStatus.WRITTEN_OFF if write_off else DisputeStatus.RESOLVED)
    assert done.document_id == "D-1/credit"
    with desk.store.unit("C1") as unit:
        assert [e.kind for e in unit.audit_log("C1")][-1] == "dispute_resolved"


def test_a_rejected_dispute_is_dunned_again_and_counts_in_the_kpis() -> None:
    desk = _desk(_invoice())
    desk.save_dispute(_dispute(), user="ana")
    desk.resolve_dispute(
        "D-1", customer_id="C1", resolution="customer_pays", on=D(2026, 2, 11), user="bo"
    )
    run = desk.dunning_run(D(2026, 2, 12), ladder=LADDER)
    assert str(run.new[0].lines[0].amount) == "1000.00 EUR"
    with desk.store.unit("C1") as unit:
        kpis = dispute_kpis(unit.disputes("C1"), as_of=D(2026, 3, 1))
    assert [(k.reason, k.count, k.open, k.average_days_to_resolve) for k in kpis] == [
        ("price", 1, 0, Decimal("10.0")),
        ("*", 1, 0, Decimal("10.0")),
    ]


# -- collector work and insurance deadlines --------------------------------------------

POLICY = InsurancePolicy(
    "P-1", max_extension_days=60, notification_days=30, claim_days=90, warn_days=5
)


def test_the_worklist_ranks_per_collector_with_last_contact_and_next_step() -> None:
    desk = _desk(_invoice())
    desk.assign_collector(CollectorAssignment("C1", "ana", since=D(2026, 1, 1)), user="lead")
    desk.log_contact(
        ContactEntry(
            "K-1",
            "C1",
            on=D(2026, 2, 10),
            kind="call",
            collector="ana",
            outcome="promise_to_pay",
            next_contact_on=D(2026, 2, 17),
            next_step="check the payment",
        ),
        user="ana",
    )
    desk.insure("C1", POLICY, user="lead")
    [task] = desk.collector_worklist(D(2026, 2, 12), collector="ana")
    assert (task.rank, task.last_contact.id, task.next_step, task.next_on) == (
        1,
        "K-1",
        "check the payment",
        D(2026, 2, 17),
    )
    assert [d.deadline for d in task.deadlines] == [D(2026, 5, 1), D(2026, 7, 30)]


@pytest.mark.parametrize(
    ("as_of", "new", "severity"),
    [
        (D(2026, 4, 25), 0, None),  # six days before: outside warn_days
        (D(2026, 4, 30), 1, "warning"),  # the day before
        (D(2026, 5, 1), 1, "critical"),  # on the day
        (D(2026, 5, 2), 1, "critical"),  # the day after: missed, still raised once
    ],
)
def test_insurance_notification_alerts_around_the_deadline(
    as_of: datetime.date, new: int, severity: str | None
) -> None:
    desk = _desk(_invoice())
    desk.insure("C1", POLICY, user="lead")
    alerts = desk.insurance_alerts(as_of)
    notify = [a for a in alerts if a.reason == "INSURANCE_NOTIFICATION"]
    assert len(notify) == new
    if severity is not None:
        assert notify[0].severity.value == severity
        assert notify[0].figures["deadline"] == "2026-05-01"
    assert desk.insurance_alerts(as_of) == ()  # once per deadline
