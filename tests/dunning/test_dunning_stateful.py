"""Dunning over time, as a hypothesis state machine.

Days pass, runs propose reminders that are sent or fail, payments arrive. After
every run:

* no level is skipped (unless the ladder allows it): a proposal is always one
  level above what was actually sent for the item;
* no item is ever sent the same level twice;
* running the same day again proposes nothing new;
* paid items are never dunned, nor disputed ones, nor unapplied credits.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from credkit.dunning import (
    Channel,
    DaysReference,
    DunningHistory,
    DunningLadder,
    DunningLevel,
    DunningRecord,
    Fee,
    SendStatus,
    dunning_run,
)
from credkit.ledger import Allocation, Customer, Invoice, Ledger, Payment
from credkit.money import Money

START = date(2026, 1, 1)
CUSTOMERS = (
    Customer("C1", "Acme GmbH", country="DE", currency="EUR"),
    Customer("C2", "Bolt Ltd", country="GB", currency="GBP"),
)
CURRENCY = {"C1": "EUR", "C2": "GBP"}


def _ladder(allow_skip: bool) -> DunningLadder:
    return DunningLadder(
        "stateful",
        version="1",
        allow_skip=allow_skip,
        tolerance=(Money.of("1.00", "EUR"), Money.of("1.00", "GBP")),
        levels=(
            DunningLevel(5, template="a", channel=Channel.EMAIL, interval_days=3),
            DunningLevel(12, template="b", interval_days=0, fee=Fee.percentage(1)),
            DunningLevel(
                10, template="c", reference=DaysReference.PREVIOUS_REMINDER, interval_days=5
            ),
            DunningLevel(60, template="d", channel=Channel.COLLECTION_AGENCY),
        ),
    )


invoice_specs = st.lists(
    st.tuples(
        st.sampled_from(["C1", "C2"]),
        st.integers(min_value=0, max_value=30),  # due, days after START
        st.integers(min_value=50, max_value=500_000),  # cents
        st.sampled_from([False, False, False, True]),  # disputed now and then
    ),
    min_size=1,
    max_size=6,
)


class DunningOverTime(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.day = START
        self.books = Ledger(customers=CUSTOMERS)
        self.history = DunningHistory()
        self.ladder = _ladder(False)
        self.sent: dict[str, set[int]] = defaultdict(set)
        self.paid_off: set[str] = set()
        self.payments = 0
        self.runs = 0

    @initialize(specs=invoice_specs, allow_skip=st.booleans())
    def open_the_books(self, specs: list[tuple[str, int, int, bool]], allow_skip: bool) -> None:
        invoices = [
            Invoice(
                f"I{index}",
                customer,
                START,
                START + timedelta(days=due),
                Money(Decimal(cents).scaleb(-2), CURRENCY[customer]),
                disputed=disputed,
            )
            for index, (customer, due, cents, disputed) in enumerate(specs)
        ]
        self.books = Ledger(customers=CUSTOMERS, invoices=invoices)
        self.ladder = _ladder(allow_skip)

    @rule(days=st.integers(min_value=1, max_value=30))
    def time_passes(self, days: int) -> None:
        self.day += timedelta(days=days)

    @rule(outcomes=st.lists(st.booleans(), max_size=12))
    def run_dunning(self, outcomes: list[bool]) -> None:
        result = dunning_run(self.books, self.history, as_of=self.day, ladder=self.ladder)
        self.runs += 1
        open_items = {i.document_id: i for i in self.books.open_items(self.day)}
        for index, action in enumerate(result.actions):
            for item_id in action.item_ids:
                item = open_items[item_id]  # paid items are not open, so never dunned
                assert item_id not in self.paid_off
                assert item.amount.is_positive
                assert not item.disputed
                reached = max(self.sent[item_id], default=0)
                assert action.level not in self.sent[item_id], "dunned twice at the same level"
                if self.ladder.allow_skip:
                    assert action.level > reached
                else:
                    assert action.level == reached + 1, "a level was skipped"
            ok = outcomes[index] if index < len(outcomes) else True
            status = SendStatus.SENT if ok else SendStatus.FAILED
            self.history = self.history.add(DunningRecord.from_action(action, status=status))
            if ok:
                for item_id in action.item_ids:
                    self.sent[item_id].add(action.level)
        again = dunning_run(self.books, self.history, as_of=self.day, ladder=self.ladder)
        assert again.actions == (), "the same day twice proposed something new"
        for status_ in again.items:
            assert status_.next_date is None or status_.next_date > self.day

    @precondition(lambda self: bool(self.books.invoices))
    @rule(data=st.data())
    def a_payment_arrives(self, data: st.DataObject) -> None:
        candidates = [
            i
            for i in self.books.open_items(self.day)
            if i.amount.is_positive and i.issue_date <= self.day
        ]
        if not candidates:
            return
        item = data.draw(st.sampled_from(candidates))
        cents = int(item.amount.amount * 100)
        paid = data.draw(st.integers(min_value=1, max_value=cents) | st.just(cents))
        amount = Money(Decimal(paid).scaleb(-2), item.amount.currency)
        self.payments += 1
        payment_id = f"P{self.payments}"
        self.books = self.books.extend(
            payments=[Payment(payment_id, item.customer_id, self.day, amount)],
            allocations=[Allocation(payment_id, item.document_id, amount, self.day)],
        )
        if paid == cents:
            self.paid_off.add(item.document_id)

    @invariant()
    def sent_levels_have_no_gaps_unless_skipping_is_allowed(self) -> None:
        if self.ladder.allow_skip:
            return
        for levels in self.sent.values():
            assert levels == set(range(1, len(levels) + 1))


DunningOverTime.TestCase.settings = settings(max_examples=80, stateful_step_count=50, deadline=None)
test_dunning_over_time = DunningOverTime.TestCase
