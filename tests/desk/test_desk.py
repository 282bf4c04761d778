"""The credit desk on a MemoryStore: checks, reservations, the lifecycle, the queue, access."""

from __future__ import annotations

import datetime

import attrs
import pytest
from tests.desk.conftest import DAY, POLICY, book, customer, desk, invoice, limit, order

from credkit import Money
from credkit.desk import Action, CreditDesk, RoleTable
from credkit.errors import (
    DuplicateRecordError,
    PermissionDenied,
    PolicyError,
    ValidationError,
)
from credkit.ledger import Allocation, Payment
from credkit.policy import Outcome, Policy, PolicyEntry
from credkit.policy.rules import CustomerBlocked, OverdueTooOld, StaticLimit, WatchList
from credkit.storage import MemoryStore, OrderStatus, Snapshot


@pytest.fixture
def store() -> MemoryStore:
    store = MemoryStore()
    book(store, {"C1": 1000, "C2": 500})
    return store


def _reserved(store: MemoryStore, customer_id: str) -> Money:
    with store.unit(customer_id) as unit:
        return sum((r.amount for r in unit.reservations(customer_id)), Money.zero("EUR"))


def _events(store: MemoryStore, customer_id: str) -> list[str]:
    with store.unit(customer_id) as unit:
        return [entry.kind for entry in unit.audit_log(customer_id)]


def test_approved_orders_reserve_their_amount_and_the_rest_is_held(store: MemoryStore) -> None:
    d = desk(store)
    outcomes = [d.check_order(order(f"SO-{n}", "C1", 300), as_of=DAY).outcome for n in range(4)]
    assert outcomes == [Outcome.APPROVE] * 3 + [Outcome.HOLD]
    assert _reserved(store, "C1") == Money.of(900, "EUR")
    assert [o.order_id for o in d.held_orders()] == ["SO-3"]
    assert d.held_orders()[0].codes == ("LIMIT_EXCEEDED",)
    assert _events(store, "C1") == ["decision"] * 4
    assert d.verify_log() == 4


def test_open_receivables_and_reservations_both_count(store: MemoryStore) -> None:
    with store.unit("C1") as unit:
        unit.add_documents([invoice("INV-1", "C1", 600)])
    d = desk(store)
    assert d.check_order(order("SO-1", "C1", 300), as_of=DAY).outcome is Outcome.APPROVE
    decision = d.check_order(order("SO-2", "C1", 150), as_of=DAY)
    assert decision.outcome is Outcome.HOLD
    assert decision.profile.exposure.total == Money.of(900, "EUR")  # 600 open + 300 reserved


def test_the_same_order_again_is_the_logged_decision_and_a_changed_one_is_refused(
    store: MemoryStore,
) -> None:
    d = desk(store)
    first = d.check_order(order("SO-1", "C1", 800), as_of=DAY)
    again = d.check_order(order("SO-1", "C1", 800), as_of=DAY + datetime.timedelta(1))
    assert (again.outcome, again.codes, again.fingerprint) == (
        first.outcome,
        first.codes,
        first.fingerprint,
    )
    assert _events(store, "C1") == ["decision"]
    with pytest.raises(DuplicateRecordError, match="order_changed"):
        d.check_order(order("SO-1", "C1", 900), as_of=DAY)


def test_a_customer_without_a_limit_is_refused_not_invented() -> None:
    store = MemoryStore()
    with store.unit() as unit:
        unit.add_customers([customer("X")])
    with pytest.raises(PolicyError, match="no credit limit in force"):
        desk(store).check_order(order("SO-1", "X", 10), as_of=DAY)
    with store.unit("X") as unit:
        assert unit.audit_log("X") == ()


def test_no_limit_means_no_limit(store: MemoryStore) -> None:
    with store.unit("C2") as unit:
        unit.add_limit(limit("C2", None, start=DAY + datetime.timedelta(1)))
    decision = desk(store).check_order(
        order("SO-1", "C2", 10**6), as_of=DAY + datetime.timedelta(5)
    )
    assert decision.outcome is Outcome.APPROVE


def test_orders_without_a_customer_are_refused(store: MemoryStore) -> None:
    with pytest.raises(ValidationError, match=r"order\.customer_id"):
        desk(store).check_order(attrs.evolve(order("SO-1", "C1", 1), customer_id=None), as_of=DAY)


def test_the_dunning_level_of_an_invoice_in_instalments_reaches_the_profile(
    store: MemoryStore,
) -> None:
    """Finding 5: the desk asked the dunning history for the invoice id, but reminders of
    an instalment are recorded under its item key ("INV-1#1"): the level was 0."""
    from credkit.dunning import Channel, DunningRecord
    from credkit.ledger import Invoice, InvoiceInstalment

    half = Money.of(50, "EUR")
    split = Invoice(
        "INV-1",
        "C1",
        DAY - datetime.timedelta(60),
        DAY + datetime.timedelta(20),
        Money.of(100, "EUR"),
        schedule=[
            InvoiceInstalment(DAY - datetime.timedelta(30), half),
            InvoiceInstalment(DAY + datetime.timedelta(20), half),
        ],
    )
    with store.unit("C1") as unit:
        unit.add_documents([split])
        unit.record_dunning(
            [
                DunningRecord(
                    "C1",
                    ("INV-1#1",),
                    level=2,
                    on=DAY - datetime.timedelta(1),
                    channel=Channel.EMAIL,
                )
            ]
        )
    decision = desk(store).check_order(order("SO-1", "C1", 10), as_of=DAY)
    assert decision.profile.dunning_level == 2


def test_snapshots_and_dunning_reach_the_profile(store: MemoryStore) -> None:
    from credkit.dunning import Channel, DunningRecord

    with store.unit("C1") as unit:
        unit.add_documents([invoice("INV-1", "C1", 100)])
        unit.record_dunning(
            [
                DunningRecord(
                    "C1", ("INV-1",), level=2, on=DAY - datetime.timedelta(1), channel=Channel.EMAIL
                )
            ]
        )
        unit.put_snapshot(
            Snapshot(
                "C1",
                as_of=DAY - datetime.timedelta(3),
                payment_index=72,
                score=610,
                risk_class="B",
                trend="stable",
            )
        )
    decision = desk(store).check_order(order("SO-1", "C1", 10), as_of=DAY)
    profile = decision.profile
    assert (profile.dunning_level, profile.payment_index, profile.score) == (2, 72, 610)
    with store.unit("C1") as unit:
        sources = unit.audit_log("C1")[0].payload["sources"]
    assert sources["snapshot_as_of"] == (DAY - datetime.timedelta(3)).isoformat()


def test_the_watch_list_and_order_blocks_reach_the_profile(store: MemoryStore) -> None:
    policy = Policy(
        "flags",
        version="1",
        rules=[
            PolicyEntry(StaticLimit()),
            PolicyEntry(CustomerBlocked(), on_fail="reject"),
            PolicyEntry(WatchList(), on_fail="hold"),
        ],
    )
    noon = datetime.datetime(2026, 5, 4, 12, tzinfo=datetime.UTC)
    checks = desk(store, policies=policy)
    assert checks.check_order(order("SO-1", "C1", 10), as_of=DAY).outcome is Outcome.APPROVE
    with store.unit("C1") as unit:
        unit.watch("C1", "OVERDUE_DAYS", by="monitor", at=noon)
    watched = checks.check_order(order("SO-2", "C1", 10), as_of=DAY)
    assert (watched.outcome, watched.codes) == (Outcome.HOLD, ("WATCH_LIST",))
    with store.unit("C1") as unit:
        unit.unwatch("C1")
        unit.watch("C1", "OVER_LIMIT", by="monitor", at=noon, block_orders=True)
    blocked = checks.check_order(order("SO-3", "C1", 10), as_of=DAY)
    assert blocked.outcome is Outcome.REJECT
    assert blocked.codes[0] == "CUSTOMER_BLOCKED"
    with store.unit("C1") as unit:
        sources = unit.audit_log("C1")[-1].payload["sources"]
    assert sources["watch_list"] == {"reason": "OVER_LIMIT", "block_orders": True}


# -- the order lifecycle ---------------------------------------------------------------


def test_a_grown_order_is_checked_again_without_counting_itself(store: MemoryStore) -> None:
    d = desk(store)
    d.check_order(order("SO-1", "C1", 600), as_of=DAY)
    assert d.order_changed(order("SO-1", "C1", 1000), as_of=DAY).outcome is Outcome.APPROVE
    assert _reserved(store, "C1") == Money.of(1000, "EUR")
    held = d.order_changed(order("SO-1", "C1", 1001), as_of=DAY)
    assert held.outcome is Outcome.HOLD
    assert _reserved(store, "C1") == Money.zero("EUR")
    assert [o.order_id for o in d.held_orders()] == ["SO-1"]
    assert d.order_changed(order("SO-1", "C1", 400), as_of=DAY).outcome is Outcome.APPROVE
    assert d.held_orders() == ()
    assert _events(store, "C1") == ["decision", "change", "change", "change"]


def test_an_invoiced_order_moves_from_orders_to_receivables_at_once(store: MemoryStore) -> None:
    d = desk(store)
    d.check_order(order("SO-1", "C1", 700), as_of=DAY)
    record = d.order_invoiced("SO-1", invoice("INV-9", "C1", 700))
    assert record.status is OrderStatus.INVOICED
    assert _reserved(store, "C1") == Money.zero("EUR")
    after = d.check_order(order("SO-2", "C1", 301), as_of=DAY)
    assert after.outcome is Outcome.HOLD  # the 700 is still there, now as an open invoice
    assert after.profile.exposure.total == Money.of(700, "EUR")
    with pytest.raises(ValidationError, match="invoiced already"):
        d.order_cancelled("SO-1", as_of=DAY)


def test_a_cancelled_order_releases_its_reservation(store: MemoryStore) -> None:
    d = desk(store)
    d.check_order(order("SO-1", "C1", 900), as_of=DAY)
    d.order_cancelled("SO-1", as_of=DAY)
    assert _reserved(store, "C1") == Money.zero("EUR")
    assert d.check_order(order("SO-2", "C1", 1000), as_of=DAY).outcome is Outcome.APPROVE
    with pytest.raises(ValidationError, match="no order 'SO-9'"):
        d.order_cancelled("SO-9", as_of=DAY)


def test_an_invoice_of_another_customer_is_refused_and_nothing_changes(store: MemoryStore) -> None:
    d = desk(store)
    d.check_order(order("SO-1", "C1", 900), as_of=DAY)
    with pytest.raises(ValidationError, match="not the order's customer"):
        d.order_invoiced("SO-1", invoice("INV-9", "C2", 900))
    assert _reserved(store, "C1") == Money.of(900, "EUR")


# -- the held-order queue and who may act on it -----------------------------------------


def test_release_needs_the_right_and_is_logged_even_when_denied(store: MemoryStore) -> None:
    d = desk(store)
    d.check_order(order("SO-1", "C1", 800), as_of=DAY)
    d.check_order(order("SO-2", "C1", 300), as_of=DAY)
    with pytest.raises(PermissionDenied, match="'olga' may not release"):
        d.release("SO-2", users="olga", reason="looks fine", as_of=DAY)
    assert _events(store, "C1")[-1] == "denied"
    d.order_cancelled("SO-1", as_of=DAY)
    released = d.release("SO-2", users="clerk", reason="SO-1 cancelled", as_of=DAY)
    assert released.status is OrderStatus.APPROVED
    assert released.codes == ()  # re-checked against today's exposure: it passes now
    assert _reserved(store, "C1") == Money.of(300, "EUR")
    assert d.held_orders() == ()
    assert d.verify_log() == len(_events(store, "C1"))


def test_releasing_over_the_limit_needs_the_authority_for_the_excess(store: MemoryStore) -> None:
    d = desk(store)
    d.check_order(order("SO-1", "C1", 1000), as_of=DAY)
    d.check_order(order("SO-2", "C1", 400), as_of=DAY)  # 400 over: a clerk's band
    d.check_order(order("SO-3", "C1", 1200), as_of=DAY)  # 1,600 over: a manager's band
    d.check_order(order("SO-4", "C1", 7000), as_of=DAY)  # four eyes
    released = d.release("SO-2", users="clerk", reason="good payer", as_of=DAY)
    assert released.status is OrderStatus.APPROVED
    assert _reserved(store, "C1") == Money.of(1400, "EUR")
    with pytest.raises(PermissionDenied, match="clerk"):
        d.release("SO-3", users="clerk", reason="please", as_of=DAY)
    d.release("SO-3", users="manager", reason="season", as_of=DAY)
    with pytest.raises(PermissionDenied, match="needs 2 different approvers"):
        d.release("SO-4", users=["manager", "manager"], reason="big deal", as_of=DAY)
    d.release("SO-4", users=["manager", "boss"], reason="big deal", as_of=DAY)
    assert _reserved(store, "C1") == Money.of(9600, "EUR")
    with store.unit("C1") as unit:
        last = unit.audit_log("C1")[-1]
    assert last.payload["approvers"] == ["manager", "boss"]
    assert last.payload["over_limit"] == {"amount": "8600.00", "currency": "EUR"}
    assert _events(store, "C1").count("denied") == 2


def test_without_an_approval_matrix_only_orders_within_the_limit_are_released(
    store: MemoryStore,
) -> None:
    d = desk(store, approvals=None)
    d.check_order(order("SO-1", "C1", 1000), as_of=DAY)
    d.check_order(order("SO-2", "C1", 10), as_of=DAY)
    with pytest.raises(PermissionDenied, match="needs an approval matrix"):
        d.release("SO-2", users="boss", reason="x", as_of=DAY)


def test_rejected_orders_can_be_overridden_by_managers_only(store: MemoryStore) -> None:
    strict = Policy(
        "strict", version="1", rules=[PolicyEntry(StaticLimit(), on_fail=Outcome.REJECT)]
    )
    d = CreditDesk(
        store, strict, authorizer=desk(store).authorizer, approvals=desk(store).approvals
    )
    assert d.check_order(order("SO-1", "C1", 1100), as_of=DAY).outcome is Outcome.REJECT
    with pytest.raises(ValidationError, match="only a held order can be released"):
        d.release("SO-1", users="manager", reason="x", as_of=DAY)
    with pytest.raises(PermissionDenied, match="'clerk' may not override"):
        d.override("SO-1", users="clerk", reason="x", as_of=DAY)
    d.override("SO-1", users="manager", reason="pre-paid by cheque", as_of=DAY)
    assert _reserved(store, "C1") == Money.of(1100, "EUR")


def test_a_held_order_can_be_rejected_once(store: MemoryStore) -> None:
    d = desk(store)
    d.check_order(order("SO-1", "C1", 1001), as_of=DAY)
    record = d.reject("SO-1", user="clerk", reason="over limit", as_of=DAY)
    assert record.status is OrderStatus.REJECTED
    assert d.held_orders() == ()
    with pytest.raises(ValidationError, match="only a held order can be rejected"):
        d.reject("SO-1", user="clerk", reason="again", as_of=DAY)


def test_changing_a_limit_is_a_right_and_is_logged(store: MemoryStore) -> None:
    d = desk(store)
    raised = limit("C1", 5000, start=DAY + datetime.timedelta(31))
    with pytest.raises(PermissionDenied):
        d.set_limit(raised, user="clerk")
    assert d.set_limit(raised, user="manager")
    assert not d.set_limit(raised, user="manager")
    assert _events(store, "C1") == ["denied", "limit"]
    assert (
        d.check_order(order("SO-1", "C1", 4000), as_of=DAY + datetime.timedelta(2)).outcome
        is Outcome.APPROVE
    )


def test_role_tables_load_from_data_and_refuse_unknown_actions() -> None:
    table = RoleTable(roles={"desk": ["check", "release"]}, users={"ana": ["desk"]})
    assert table.allows("ana", Action.RELEASE, customer_id="C1")
    assert not table.allows("ana", Action.OVERRIDE, customer_id="C1")
    assert not table.allows("nobody", Action.CHECK, customer_id="C1")
    with pytest.raises(ValidationError, match=r"roles.desk\[1\]: unknown action 'fly'"):
        RoleTable(roles={"desk": ["check", "fly"]})


# -- groups ---------------------------------------------------------------------------


def test_a_group_limit_caps_the_members_together() -> None:
    store = MemoryStore()
    book(store, {"G": 1000, "G-1": 800, "G-2": 800}, parents={"G-1": "G", "G-2": "G"})
    d = desk(store)
    assert d.check_order(order("SO-1", "G-1", 700), as_of=DAY).outcome is Outcome.APPROVE
    second = d.check_order(order("SO-2", "G-2", 400), as_of=DAY)
    assert second.outcome is Outcome.HOLD
    assert second.codes == ("GROUP_LIMIT_EXCEEDED",)
    assert d.check_order(order("SO-3", "G-2", 300), as_of=DAY).outcome is Outcome.APPROVE


# -- the backtest -----------------------------------------------------------------------


def test_a_backtest_lists_the_decisions_another_policy_would_change(store: MemoryStore) -> None:
    with store.unit("C1") as unit:
        overdue = invoice("INV-1", "C1", 100)
        unit.add_documents(
            [
                attrs.evolve(
                    overdue,
                    issue_date=DAY - datetime.timedelta(70),
                    due_date=DAY - datetime.timedelta(40),
                ),
                Payment("P1", "C1", DAY - datetime.timedelta(1), Money.of(50, "EUR")),
            ]
        )
        unit.add_allocations(
            [Allocation("P1", "INV-1", Money.of(50, "EUR"), DAY - datetime.timedelta(1))]
        )
    d = desk(store)
    for n, amount in enumerate((300, 300, 500)):
        d.check_order(order(f"SO-{n}", "C1", amount), as_of=DAY)
    stricter = Policy(
        "strict", version="2", rules=[*POLICY.rules, PolicyEntry(OverdueTooOld(max_days=30))]
    )
    result = d.backtest(stricter, start=DAY, end=DAY)
    assert result.decisions == 3
    assert [(c.order_id, c.before, c.after) for c in result.changes] == [
        ("SO-0", "approve", "hold"),
        ("SO-1", "approve", "hold"),
        ("SO-2", "hold", "hold"),
    ]
    assert result.totals()[("approve", "hold")] == (2, {"EUR": Money.of(600, "EUR")})
    assert d.backtest(POLICY, start=DAY, end=DAY).changes == ()
    assert (
        d.backtest(
            stricter, start=DAY + datetime.timedelta(1), end=DAY + datetime.timedelta(9)
        ).decisions
        == 0
    )


def test_a_dry_run_checks_without_reserving_logging_or_queueing(store: MemoryStore) -> None:
    d = desk(store)
    d.check_order(order("SO-1", "C1", 900), as_of=DAY)
    trial = d.check_order(order("SO-2", "C1", 200), as_of=DAY, dry_run=True)
    assert trial.outcome is Outcome.HOLD
    assert _reserved(store, "C1") == Money.of(900, "EUR")
    assert d.held_orders() == ()
    assert _events(store, "C1") == ["decision"]


def test_a_repeated_check_replays_the_first_decision_even_after_a_release(
    store: MemoryStore,
) -> None:
    d = desk(store)
    d.check_order(order("SO-1", "C1", 900), as_of=DAY)
    first = d.check_order(order("SO-2", "C1", 200), as_of=DAY)
    d.order_cancelled("SO-1", as_of=DAY)
    d.release("SO-2", users="clerk", reason="room again", as_of=DAY)
    again = d.check_order(order("SO-2", "C1", 200), as_of=DAY)
    assert (again.outcome, again.fingerprint) == (first.outcome, first.fingerprint)
    d.order_cancelled("SO-2", as_of=DAY)
    assert d.check_order(order("SO-2", "C1", 200), as_of=DAY).outcome is Outcome.HOLD


def test_a_replay_under_another_policy_is_refused_not_invented(store: MemoryStore) -> None:
    desk(store).check_order(order("SO-1", "C1", 1001), as_of=DAY)
    lenient = Policy("lenient", version="9", rules=[PolicyEntry(StaticLimit(tolerance="0.5"))])
    later = CreditDesk(store, lenient)
    with pytest.raises(PolicyError, match="under policy 'standard' version 1"):
        later.check_order(order("SO-1", "C1", 1001), as_of=DAY)


def test_a_stored_open_order_that_is_held_no_longer_holds_exposure(store: MemoryStore) -> None:
    from credkit.storage import Reservation

    with store.unit("C1") as unit:  # loaded from the ERP before the desk saw it
        unit.reserve(Reservation("SO-1", "C1", Money.of(1500, "EUR"), reserved_on=DAY))
    assert desk(store).check_order(order("SO-1", "C1", 1500), as_of=DAY).outcome is Outcome.HOLD
    assert _reserved(store, "C1") == Money.zero("EUR")


def test_releasing_past_the_group_limit_needs_authority_for_the_group_excess() -> None:
    store = MemoryStore()
    book(store, {"G": 1000, "G-1": 5000, "G-2": 5000}, parents={"G-1": "G", "G-2": "G"})
    d = desk(store)
    d.check_order(order("SO-1", "G-1", 1000), as_of=DAY)
    held = d.check_order(order("SO-2", "G-2", 1000), as_of=DAY)
    assert held.codes == ("GROUP_LIMIT_EXCEEDED",)  # within G-2's own 5,000
    with pytest.raises(PermissionDenied, match="clerk"):
        d.release("SO-2", users="clerk", reason="please", as_of=DAY)  # 1,000 over: a manager's
    assert d.release("SO-2", users="manager", reason="ok", as_of=DAY).status is OrderStatus.APPROVED


def test_the_approval_matrix_sees_the_customer_s_risk_class(store: MemoryStore) -> None:
    from credkit.limits import ApprovalMatrix, AuthorityBand

    risky_needs_boss = ApprovalMatrix(
        "over-limit",
        version="2",
        currency="EUR",
        bands=(
            AuthorityBand(risk_classes=("E",), roles=("controller",)),
            AuthorityBand(roles=("credit_clerk", "credit_manager", "controller")),
        ),
    )
    with store.unit("C1") as unit:
        unit.put_snapshot(Snapshot("C1", as_of=DAY, risk_class="E"))
    d = desk(store, approvals=risky_needs_boss)
    d.check_order(order("SO-1", "C1", 1100), as_of=DAY)
    with pytest.raises(PermissionDenied, match="controller"):
        d.release("SO-1", users="clerk", reason="x", as_of=DAY)
    assert d.release("SO-1", users="boss", reason="x", as_of=DAY).status is OrderStatus.APPROVED


def test_activating_a_policy_is_a_right_and_is_logged_in_the_desk_chain(
    store: MemoryStore,
) -> None:
    from credkit.storage import DESK_CHAIN

    d = desk(store)
    stricter = Policy("strict", version="2", rules=[PolicyEntry(StaticLimit())])
    with pytest.raises(PermissionDenied, match="'manager' may not activate_policy"):
        d.activate(stricter, user="manager")
    assert d.policies is POLICY
    entry = d.activate(stricter, user="boss")
    assert d.policies is stricter
    assert entry.payload["policies"] == [
        {"id": "strict", "version": "2", "digest": stricter.digest}
    ]
    with store.unit(DESK_CHAIN) as unit:
        assert [e.kind for e in unit.audit_log(DESK_CHAIN)] == ["denied", "policy"]
    assert d.verify_log() == 2
