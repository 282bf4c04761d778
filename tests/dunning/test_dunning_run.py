"""Dunning runs: escalation over successive runs, exclusions, grouping, next dates."""

from __future__ import annotations

from datetime import date, timedelta

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from credkit.dunning import (
    Block,
    BlockReason,
    Channel,
    ChargeTreatment,
    Contact,
    DaysReference,
    DunningHistory,
    DunningLadder,
    DunningLevel,
    DunningRecord,
    EULatePayment,
    ExclusionReason,
    Fee,
    ItemState,
    LadderRule,
    LadderSet,
    PaymentPlan,
    PromiseToPay,
    ReferenceRates,
    SendStatus,
    dunning_run,
)
from credkit.errors import ValidationError
from credkit.ledger import (
    Allocation,
    CreditNote,
    Customer,
    DocumentKind,
    Invoice,
    Ledger,
    OpenItem,
    Payment,
)
from credkit.money import Money
from credkit.testing.strategies import ledgers

DUE = date(2026, 1, 31)
ACME = Customer("C1", "Acme GmbH", country="DE", currency="EUR", segment="wholesale")
BOLT = Customer("C2", "Bolt Ltd", country="GB", currency="GBP", segment="retail")

LADDER = DunningLadder(
    "test",
    version="7",
    tolerance=(Money.of("1.00", "EUR"), Money.of("1.00", "GBP")),
    levels=(
        DunningLevel(
            10,
            template="l1",
            channel=Channel.EMAIL,
            interval_days=7,
            fee=Fee.fixed(Money.of("5.00", "EUR"), Money.of("4.00", "GBP")),
        ),
        DunningLevel(
            20, template="l2", channel=Channel.LETTER, interval_days=7, fee=Fee.percentage(2)
        ),
        DunningLevel(40, template="l3", channel=Channel.PHONE),
    ),
)


def eur(amount: str) -> Money:
    return Money.of(amount, "EUR")


def invoice(
    id_: str,
    amount: str = "1000.00",
    *,
    due: date = DUE,
    customer: str = "C1",
    disputed: bool = False,
) -> Invoice:
    currency = "EUR" if customer == "C1" else "GBP"
    issue = min(due, DUE) - timedelta(days=30)
    return Invoice(id_, customer, issue, due, Money.of(amount, currency), disputed=disputed)


def ledger(*invoices: Invoice, **extra: object) -> Ledger:
    return Ledger(customers=[ACME, BOLT], invoices=invoices, **extra)  # type: ignore[arg-type]


def run_on(source: Ledger | list[OpenItem], history: DunningHistory, day: date, **kw: object):  # type: ignore[no-untyped-def]
    return dunning_run(source, history, as_of=day, ladder=kw.pop("ladder", LADDER), **kw)  # type: ignore[arg-type]


def levels(run) -> list[tuple[str, int, tuple[str, ...]]]:  # type: ignore[no-untyped-def]
    return [(a.customer_id, a.level, a.item_ids) for a in run.actions]


# -- escalation over successive runs ----------------------------------------------------------


def test_escalation_one_level_at_a_time_from_what_was_sent() -> None:
    books = ledger(invoice("I1"))
    history = DunningHistory()

    # Nothing before the first threshold (due + 10 days = 10 February).
    before = run_on(books, history, date(2026, 2, 9))
    assert before.actions == ()
    status = before.status("I1")
    assert (status.state, status.next_date, status.next_level) == (
        ItemState.WAITING,
        date(2026, 2, 10),
        1,
    )

    # Level 1 at the threshold, with its fixed fee.
    first = run_on(books, history, date(2026, 2, 10))
    assert levels(first) == [("C1", 1, ("I1",))]
    assert first.actions[0].lines[0].fee == eur("5.00")
    assert first.status("I1").next_date == date(2026, 2, 20)  # level 2's own threshold
    history = history.record(first)

    # Running the same day again proposes nothing new.
    assert run_on(books, history, date(2026, 2, 10)).actions == ()

    # Level 2 only at its threshold, after level 1 was sent, with 2 % of the open amount.
    assert run_on(books, history, date(2026, 2, 19)).actions == ()
    second = run_on(books, history, date(2026, 2, 20))
    assert levels(second) == [("C1", 2, ("I1",))]
    assert second.actions[0].lines[0].fee == eur("20.00")
    history = history.record(second)

    # Level 3, then nothing more: the item is at its final level.
    third = run_on(books, history, date(2026, 3, 12))
    assert levels(third) == [("C1", 3, ("I1",))]
    assert third.status("I1").next_date is None
    history = history.record(third)
    final = run_on(books, history, date(2026, 6, 1))
    assert final.actions == ()
    assert final.status("I1").state is ItemState.FINAL
    assert final.status("I1").level == 3


def test_level_2_needs_level_1_to_have_been_sent() -> None:
    books = ledger(invoice("I1"))
    # Level 1 was proposed on 10 February but never recorded as sent: on 20 February
    # (level 2's threshold) the item still gets level 1, not level 2.
    late = run_on(books, DunningHistory(), date(2026, 2, 20))
    assert levels(late) == [("C1", 1, ("I1",))]
    assert late.status("I1").next_date == date(2026, 2, 27)  # 20 Feb + level 1's 7-day interval


def test_a_failed_send_does_not_count_and_is_retried_the_next_day() -> None:
    books = ledger(invoice("I1"))
    first = run_on(books, DunningHistory(), date(2026, 2, 10))
    history = DunningHistory().record(first, status=SendStatus.FAILED)
    # Same day: nothing new (idempotent), retry tomorrow.
    same_day = run_on(books, history, date(2026, 2, 10))
    assert same_day.actions == ()
    assert same_day.status("I1").next_date == date(2026, 2, 11)
    retry = run_on(books, history, date(2026, 2, 11))
    assert levels(retry) == [("C1", 1, ("I1",))]
    assert retry.actions[0].notes == (
        "sent as a letter: no e-mail address known for the customer",
        "retries level 1 that failed on 2026-02-10 (letter)",
    )
    # Even at level 2's threshold, a failed level 1 is never skipped over.
    assert levels(run_on(books, history, date(2026, 2, 25))) == [("C1", 1, ("I1",))]


def test_the_next_level_is_due_from_the_previous_reminder_not_from_the_run_date() -> None:
    # Kill Bill's bug: scheduling from "now + interval" skips a level when runs are late.
    books = ledger(invoice("I1"))
    sent_late = DunningHistory().add(
        DunningRecord("C1", ("I1",), level=1, on=date(2026, 2, 18), channel=Channel.EMAIL)
    )
    # Level 2: later of its threshold (20 Feb) and 18 Feb + 7 days = 25 February.
    assert run_on(books, sent_late, date(2026, 2, 24)).status("I1").next_date == date(2026, 2, 25)
    # A run long after level 3's threshold still proposes level 2, not level 3.
    late_run = run_on(books, sent_late, date(2026, 3, 30))
    assert levels(late_run) == [("C1", 2, ("I1",))]
    # Level 3 if level 2 goes out today: later of 12 March and 30 March + 7 = 6 April.
    assert late_run.status("I1").next_date == date(2026, 4, 6)


def test_allow_skip_jumps_to_the_highest_level_due() -> None:
    books = ledger(invoice("I1"))
    day = DUE + timedelta(days=45)
    assert levels(run_on(books, DunningHistory(), day)) == [("C1", 1, ("I1",))]
    skipping = attrs.evolve(LADDER, allow_skip=True)
    assert levels(run_on(books, DunningHistory(), day, ladder=skipping)) == [("C1", 3, ("I1",))]


def test_blocked_items_stay_put_and_resume_after_the_block() -> None:
    books = ledger(invoice("I1"))
    history = DunningHistory().add(
        DunningRecord("C1", ("I1",), level=1, on=date(2026, 2, 10), channel=Channel.EMAIL)
    )
    block = Block("C1", BlockReason.LEGAL, until=date(2026, 2, 28), note="in mediation")
    blocked = run_on(books, history, date(2026, 2, 20), blocks=[block])
    assert blocked.actions == ()
    status = blocked.status("I1")
    assert status.state is ItemState.EXCLUDED
    assert status.reason is ExclusionReason.BLOCKED
    assert status.block == block
    assert status.level == 1
    assert (status.next_date, status.next_level) == (date(2026, 3, 1), 2)
    assert status.message == "blocked (legal) until 2026-02-28: in mediation"
    assert levels(run_on(books, history, date(2026, 3, 1), blocks=[block])) == [("C1", 2, ("I1",))]


def test_an_item_block_holds_only_that_item() -> None:
    books = ledger(invoice("I1"), invoice("I2"))
    block = Block("C1", BlockReason.DISPUTE, until=None, item_ids=("I2",))
    result = run_on(books, DunningHistory(), date(2026, 2, 10), blocks=[block])
    assert levels(result) == [("C1", 1, ("I1",))]
    assert result.status("I2").reason is ExclusionReason.BLOCKED
    assert result.status("I2").next_date is None  # open-ended block


def test_paid_items_drop_out() -> None:
    books = ledger(
        invoice("I1"),
        payments=[Payment("P1", "C1", date(2026, 2, 15), eur("1000.00"))],
        allocations=[Allocation("P1", "I1", eur("1000.00"), date(2026, 2, 15))],
    )
    history = DunningHistory().record(run_on(books, DunningHistory(), date(2026, 2, 10)))
    assert len(history) == 1
    after = run_on(books, history, date(2026, 2, 20))
    assert after.actions == ()
    assert after.items == ()


def test_a_partly_paid_item_is_dunned_for_what_is_open() -> None:
    books = ledger(
        invoice("I1"),
        payments=[Payment("P1", "C1", date(2026, 2, 5), eur("400.00"))],
        allocations=[Allocation("P1", "I1", eur("400.00"), date(2026, 2, 5))],
    )
    history = DunningHistory().add(
        DunningRecord("C1", ("I1",), level=1, on=date(2026, 2, 10), channel=Channel.EMAIL)
    )
    line = run_on(books, history, date(2026, 2, 20)).actions[0].lines[0]
    assert line.amount == eur("600.00")
    assert line.original_amount == eur("1000.00")
    assert line.fee == eur("12.00")  # 2 % of the dunned 600


def test_history_after_the_run_date_is_ignored() -> None:
    books = ledger(invoice("I1"))
    future = DunningHistory().add(
        DunningRecord("C1", ("I1",), level=1, on=date(2026, 3, 1), channel=Channel.EMAIL)
    )
    assert levels(run_on(books, future, date(2026, 2, 10))) == [("C1", 1, ("I1",))]


# -- grouping and channels ------------------------------------------------------------------


def test_one_communication_per_customer_and_level() -> None:
    books = ledger(
        invoice("I1"),
        invoice("I2", "200.00", due=DUE - timedelta(days=2)),
        invoice("I3", due=DUE - timedelta(days=15)),
        invoice("G1", "300.00", customer="C2"),
    )
    history = DunningHistory().add(
        DunningRecord("C1", ("I3",), level=1, on=date(2026, 1, 26), channel=Channel.EMAIL)
    )
    result = run_on(books, history, date(2026, 2, 10))
    assert levels(result) == [("C1", 1, ("I2", "I1")), ("C1", 2, ("I3",)), ("C2", 1, ("G1",))]
    first = result.actions[0]
    assert first.totals == (eur("1200.00"),)
    assert first.fees == (eur("10.00"),)  # a fixed fee per item and level
    assert result.actions[2].fees == (Money.of("4.00", "GBP"),)
    assert result.ladders == (("test", "7"),)
    assert {a.id for a in result.actions} == {
        "C1/1/2026-02-10",
        "C1/2/2026-02-10",
        "C2/1/2026-02-10",
    }


def test_email_falls_back_to_letter_without_an_address() -> None:
    books = ledger(invoice("I1"), invoice("G1", "300.00", customer="C2"))
    contacts = {"C1": Contact("ap@acme.example"), "C2": Contact(locale="en_GB")}
    result = run_on(books, DunningHistory(), date(2026, 2, 10), contacts=contacts)
    by_customer = {a.customer_id: a for a in result.actions}
    assert by_customer["C1"].channel is Channel.EMAIL
    assert by_customer["C1"].notes == ()
    assert by_customer["C2"].channel is Channel.LETTER
    assert by_customer["C2"].requested_channel is Channel.EMAIL
    assert by_customer["C2"].notes == (
        "sent as a letter: no e-mail address known for the customer",
    )


# -- exclusions -----------------------------------------------------------------------------


def test_every_exclusion_says_why() -> None:
    books = ledger(
        invoice("I1"),
        invoice("DISP", disputed=True),
        invoice("TINY", "0.50"),
        invoice("LATER", due=date(2026, 3, 31)),
        credit_notes=[CreditNote("CN1", "C1", date(2026, 1, 20), eur("100.00"))],
    )
    result = run_on(books, DunningHistory(), date(2026, 2, 10))
    assert levels(result) == [("C1", 1, ("I1",))]
    reasons = {s.item_id: (s.state, s.reason) for s in result.items}
    assert reasons == {
        "I1": (ItemState.PROPOSED, None),
        "DISP": (ItemState.EXCLUDED, ExclusionReason.DISPUTED),
        "TINY": (ItemState.EXCLUDED, ExclusionReason.BELOW_TOLERANCE),
        "LATER": (ItemState.NOT_OVERDUE, None),
        "CN1": (ItemState.EXCLUDED, ExclusionReason.UNAPPLIED_CREDIT),
    }
    assert result.status("LATER").next_date == date(2026, 4, 10)
    assert result.status("TINY").message == "below the tolerance: 0.50 EUR open, tolerance 1.00 EUR"
    assert result.actions[0].unapplied_credits == (eur("100.00"),)
    assert {s.item_id for s in result.exclusions} == {"DISP", "TINY", "CN1"}


def test_a_customer_whose_credits_cover_the_overdue_items_is_not_dunned() -> None:
    books = ledger(
        invoice("I1"),
        invoice("LATER", due=date(2026, 3, 31)),
        payments=[Payment("P1", "C1", date(2026, 2, 5), eur("999.50"))],
    )
    result = run_on(books, DunningHistory(), date(2026, 2, 10))
    assert result.actions == ()
    status = result.status("I1")
    assert status.reason is ExclusionReason.COVERED_BY_CREDITS
    assert "0.50 EUR, not above the tolerance 1.00 EUR" in status.message
    # A smaller credit does not cover it: the item is dunned and the credit shown.
    partial = ledger(invoice("I1"), payments=[Payment("P1", "C1", date(2026, 2, 5), eur("100.00"))])
    action = run_on(partial, DunningHistory(), date(2026, 2, 10)).actions[0]
    assert action.unapplied_credits == (eur("100.00"),)


def test_item_and_customer_minimums() -> None:
    ladder = attrs.evolve(
        LADDER,
        levels=(
            attrs.evolve(
                LADDER.levels[0],
                min_item_amount=(eur("50.00"),),
                min_customer_amount=(eur("500.00"),),
            ),
            *LADDER.levels[1:],
        ),
    )
    small = ledger(invoice("I1", "40.00"))
    status = run_on(small, DunningHistory(), date(2026, 2, 10), ladder=ladder).status("I1")
    assert status.reason is ExclusionReason.BELOW_ITEM_MINIMUM
    few = ledger(invoice("I1", "200.00"), invoice("I2", "250.00"))
    result = run_on(few, DunningHistory(), date(2026, 2, 10), ladder=ladder)
    assert result.actions == ()
    assert {s.reason for s in result.items} == {ExclusionReason.BELOW_CUSTOMER_MINIMUM}
    enough = ledger(invoice("I1", "200.00"), invoice("I2", "300.00"))
    assert levels(run_on(enough, DunningHistory(), date(2026, 2, 10), ladder=ladder)) == [
        ("C1", 1, ("I1", "I2"))
    ]
    # A threshold list that lacks the item's currency raises rather than guess.
    with pytest.raises(ValidationError, match=r"^levels\[0\].min_item_amount: no amount in GBP"):
        run_on(
            ledger(invoice("G1", customer="C2")), DunningHistory(), date(2026, 2, 10), ladder=ladder
        )


# -- promises and plans hold dunning back ----------------------------------------------------


def test_a_pending_promise_blocks_and_a_broken_one_lets_dunning_resume() -> None:
    books = ledger(invoice("I1"))
    promise = PromiseToPay(
        "PTP1", "C1", eur("1000.00"), promised_for=date(2026, 2, 15), made_on=date(2026, 2, 8)
    )
    held = run_on(books, DunningHistory(), date(2026, 2, 10), promises=[promise])
    assert held.actions == ()
    assert held.status("I1").block is not None
    assert held.status("I1").block.reason is BlockReason.PROMISE_TO_PAY  # type: ignore[union-attr]
    assert held.status("I1").next_date == date(2026, 2, 16)
    assert levels(run_on(books, DunningHistory(), date(2026, 2, 16), promises=[promise])) == [
        ("C1", 1, ("I1",))
    ]


def test_a_payment_plan_blocks_until_it_defaults() -> None:
    books = ledger(invoice("I1"))
    plan = PaymentPlan.schedule(
        "PP1", "C1", eur("1000.00"), first=date(2026, 2, 15), count=2, agreed_on=date(2026, 2, 5)
    )
    assert run_on(books, DunningHistory(), date(2026, 2, 10), plans=[plan]).actions == ()
    # Nothing was paid on 15 February: the plan defaulted, its block is lifted.
    assert levels(run_on(books, DunningHistory(), date(2026, 2, 16), plans=[plan])) == [
        ("C1", 1, ("I1",))
    ]
    items = books.open_items(date(2026, 2, 10))
    with pytest.raises(ValidationError, match=r"^payments: payment plans need"):
        run_on(list(items), DunningHistory(), date(2026, 2, 10), plans=[plan])


# -- references, ladder sets, interest -------------------------------------------------------


def test_end_of_due_month_and_previous_reminder_references() -> None:
    ladder = DunningLadder(
        "refs",
        version="1",
        levels=(
            DunningLevel(10, template="a", reference=DaysReference.END_OF_DUE_MONTH),
            DunningLevel(14, template="b", reference=DaysReference.PREVIOUS_REMINDER),
        ),
    )
    books = ledger(invoice("I1", due=date(2026, 1, 15)))
    status = run_on(books, DunningHistory(), date(2026, 1, 20), ladder=ladder).status("I1")
    assert status.next_date == date(2026, 2, 10)  # 31 January + 10 days
    history = DunningHistory().add(
        DunningRecord("C1", ("I1",), level=1, on=date(2026, 2, 12), channel=Channel.LETTER)
    )
    assert run_on(books, history, date(2026, 2, 13), ladder=ladder).status("I1").next_date == date(
        2026, 2, 26
    )


def test_a_ladder_set_picks_per_segment_and_risk_class() -> None:
    strict = DunningLadder("strict", version="2", levels=(DunningLevel(1, template="s"),))
    ladders = LadderSet(
        "set",
        version="1",
        ladders=(LADDER, strict),
        default="test",
        rules=(LadderRule("strict", segment="retail"), LadderRule("strict", risk_class="D")),
    )
    books = ledger(invoice("I1"), invoice("G1", "300.00", customer="C2"))
    day = DUE + timedelta(days=2)
    result = run_on(books, DunningHistory(), day, ladder=ladders)
    assert levels(result) == [("C2", 1, ("G1",))]  # retail gets the strict ladder
    assert result.ladders == (("strict", "2"), ("test", "7"))
    risky = run_on(books, DunningHistory(), day, ladder=ladders, risk_classes={"C1": "D"})
    assert levels(risky) == [("C1", 1, ("I1",)), ("C2", 1, ("G1",))]
    relabelled = run_on(books, DunningHistory(), day, ladder=ladders, segments={"C2": "public"})
    assert relabelled.actions == ()


def test_interest_and_compensation_on_the_lines() -> None:
    books = ledger(invoice("I1"))
    ecb = ReferenceRates.from_mapping({"2025-06-11": "2.15"}, name="ECB MRO")
    rule = EULatePayment(ecb)
    first = run_on(books, DunningHistory(), date(2026, 2, 10), interest=rule)
    line = first.actions[0].lines[0]
    # 1,000 x (2.15 + 8) % x 10 / 365 = 2.7808... -> 2.78
    assert line.interest == eur("2.78")
    assert line.compensation == eur("40")
    assert first.actions[0].charges is ChargeTreatment.SHOW
    second = run_on(books, DunningHistory().record(first), date(2026, 2, 20), interest=rule)
    assert second.actions[0].lines[0].interest == eur("5.56")
    assert second.actions[0].lines[0].compensation is None  # only on the first reminder
    assert second.actions[0].interest == (eur("5.56"),)


def test_bare_open_items_work_and_duplicates_are_refused() -> None:
    item = OpenItem("I1", "C1", DocumentKind.INVOICE, date(2026, 1, 1), DUE, eur("100.00"))
    assert levels(run_on([item], DunningHistory(), date(2026, 2, 10))) == [("C1", 1, ("I1",))]
    with pytest.raises(ValidationError, match=r"^items\[1\].document_id: 'I1' is listed twice"):
        run_on([item, item], DunningHistory(), date(2026, 2, 10))
    with pytest.raises(ValidationError, match=r"^history: expected a DunningHistory"):
        dunning_run([item], [], as_of=date(2026, 2, 10), ladder=LADDER)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=r"^as_of: expected a datetime.date"):
        dunning_run([item], DunningHistory(), as_of="2026-02-10", ladder=LADDER)  # type: ignore[arg-type]


# -- properties over generated ledgers ------------------------------------------------------

simple_ladder = DunningLadder(
    "p",
    version="1",
    levels=(
        DunningLevel(0, template="a", interval_days=3),
        DunningLevel(5, template="b", interval_days=0),
        DunningLevel(9, template="c"),
    ),
)


@given(ledgers(max_documents=15), st.integers(0, 700), st.lists(st.booleans(), max_size=40))
def test_running_the_same_day_twice_proposes_nothing_new(
    books: Ledger, offset: int, outcomes: list[bool]
) -> None:
    day = date(2024, 1, 1) + timedelta(days=offset)
    first = dunning_run(books, DunningHistory(), as_of=day, ladder=simple_ladder)
    history = DunningHistory()
    for index, action in enumerate(first.actions):
        sent = outcomes[index] if index < len(outcomes) else True
        history = history.add(
            DunningRecord.from_action(action, status=SendStatus.SENT if sent else SendStatus.FAILED)
        )
    again = dunning_run(books, history, as_of=day, ladder=simple_ladder)
    assert again.actions == ()
    # and every open item is accounted for, with a next date in the future if any
    assert {s.item_id for s in again.items} == {i.document_id for i in books.open_items(day)}
    assert all(s.next_date is None or s.next_date > day for s in again.items)


@given(ledgers(max_documents=15), st.integers(0, 700))
def test_only_overdue_undisputed_positive_items_are_proposed(books: Ledger, offset: int) -> None:
    day = date(2024, 1, 1) + timedelta(days=offset)
    result = dunning_run(books, DunningHistory(), as_of=day, ladder=simple_ladder)
    open_items = {i.document_id: i for i in books.open_items(day)}
    for action in result.actions:
        assert action.level == 1
        for line in action.lines:
            item = open_items[line.item_id]
            assert item.amount.is_positive
            assert not item.disputed
            assert item.due_date < day
            assert item.customer_id == action.customer_id
    proposed = [s for s in result.items if s.state is ItemState.PROPOSED]
    assert sorted(s.item_id for s in proposed) == sorted(
        line.item_id for a in result.actions for line in a.lines
    )
