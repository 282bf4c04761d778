"""desk.monitor(), desk.notify() and desk.acknowledge() over a store: alerts once, follow-ons, log."""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from credkit import Money
from credkit.desk import (
    CreditDesk,
    FollowOn,
    MonitorConfig,
    Notification,
    RoleTable,
)
from credkit.errors import PermissionDenied, ValidationError
from credkit.ledger import Customer, Invoice
from credkit.limits import ApprovalMatrix, AuthorityBand, CreditLimit
from credkit.policy import Policy, PolicyEntry
from credkit.policy.rules import StaticLimit
from credkit.storage import MemoryStore, Reservation, Store
from credkit.storage.sql import SQLStore

DAY = datetime.date(2026, 11, 30)
POLICY = Policy("standard", version="1", rules=[PolicyEntry(StaticLimit())])
USERS = RoleTable(users={"clerk": ["credit_clerk"], "olga": ["auditor"]})
MATRIX = ApprovalMatrix(
    "limits",
    version="1",
    currency="EUR",
    bands=(
        AuthorityBand(max_amount=10000, roles=("credit_manager",)),
        AuthorityBand(min_amount=10000, roles=("controller",), approvals=2),
    ),
)
CONFIG = MonitorConfig(
    actions={
        "OVER_LIMIT": (FollowOn.WATCH, FollowOn.REQUEST_LIMIT_CHANGE),
        "OVERDUE_DAYS": (FollowOn.BLOCK_ORDERS,),
        "LIMIT_EXPIRING": (FollowOn.SCHEDULE_REVIEW,),
        "BUREAU_DEROGATORY": (FollowOn.WATCH, FollowOn.BLOCK_ORDERS),
    }
)


def _clock() -> Callable[[], datetime.datetime]:
    ticks = itertools.count()
    start = datetime.datetime(2026, 11, 30, 8, tzinfo=datetime.UTC)
    return lambda: start + datetime.timedelta(seconds=next(ticks))


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "memory":
        yield MemoryStore()
        return
    sql = SQLStore(f"sqlite:///{tmp_path / 'monitor.db'}")
    sql.upgrade()
    yield sql
    sql.dispose()


def _book(store: Store) -> None:
    """C1 over its limit, with an invoice long overdue; C2 on a temporary limit; C3 quiet."""
    with store.unit() as unit:
        unit.add_customers(
            [Customer(c, f"Customer {c}", country="DE", currency="EUR") for c in ("C1", "C2", "C3")]
        )
        unit.add_documents(
            [
                Invoice(
                    "I1",
                    "C1",
                    datetime.date(2026, 6, 1),
                    datetime.date(2026, 7, 1),
                    Money.of(9000, "EUR"),
                ),
                Invoice(
                    "I2",
                    "C3",
                    datetime.date(2026, 11, 1),
                    datetime.date(2026, 12, 1),
                    Money.of(100, "EUR"),
                ),
            ]
        )
        start = datetime.date(2026, 1, 1)
        for customer, amount in (("C1", 8000), ("C2", 5000), ("C3", 5000)):
            unit.add_limit(
                CreditLimit(customer, Money.of(amount, "EUR"), currency="EUR", valid_from=start)
            )
        unit.add_limit(
            CreditLimit(
                "C2",
                Money.of(9000, "EUR"),
                currency="EUR",
                valid_from=datetime.date(2026, 11, 1),
                valid_to=datetime.date(2026, 12, 15),
            )
        )
        unit.reserve(Reservation("SO-1", "C1", Money.of(500, "EUR"), reserved_on=DAY))


def _desk(store: Store) -> CreditDesk:
    return CreditDesk(store, POLICY, authorizer=USERS, approvals=MATRIX, clock=_clock())


def test_a_run_stores_each_alert_once_and_follows_on_once(store: Store) -> None:
    _book(store)
    desk = _desk(store)
    run = desk.monitor(DAY, config=CONFIG)
    assert sorted(a.key for a in run.new) == [
        "LIMIT_EXPIRING:C2:internal:2026-11-01:2026-12-15",
        "OVERDUE_DAYS:C1:I1",
        "OVERDUE_SHARE:C1:2026-11",
        "OVER_LIMIT:C1:2026-11",
    ]
    over = next(a for a in run.new if a.reason == "OVER_LIMIT")
    assert Decimal(over.figures["excess"]["amount"]) == 1500
    assert run.customers == 3
    assert run.problems == ()
    done = {(r.customer_id, r.action.value): r for r in run.actions}
    assert set(done) == {
        ("C1", "watch"),
        ("C1", "request_limit_change"),
        ("C1", "block_orders"),
        ("C2", "schedule_review"),
    }
    assert "4000.00 EUR (now 8000 EUR)" in done[("C1", "request_limit_change")].detail
    assert "credit_manager" in done[("C1", "request_limit_change")].detail
    with store.unit() as unit:
        (entry,) = unit.watched()
        assert (entry.customer_id, entry.block_orders) == ("C1", True)
        kinds = [e.kind for e in unit.audit_log("C1")]
    # OVERDUE_DAYS (blocking) came before OVER_LIMIT (watching): the watch changed nothing
    assert done[("C1", "watch")].detail == "already on the watch list"
    assert not done[("C1", "watch")].done
    assert sorted(kinds) == ["block_orders", "limit_request"]

    again = desk.monitor(DAY, config=CONFIG)
    assert again.new == ()
    assert again.actions == ()
    assert {a.key for a in again.found} == {a.key for a in run.found}
    with store.unit() as unit:
        assert len(unit.alerts()) == len(run.new)
        assert len(unit.audit_log("C1")) == 2
    assert desk.verify_log() == 3  # block_orders, limit_request (C1), review_scheduled (C2)


def test_a_scheduled_review_is_reported_when_due(store: Store) -> None:
    _book(store)
    desk = _desk(store)
    desk.monitor(DAY, config=CONFIG)  # LIMIT_EXPIRING of C2 schedules a review in 14 days
    due = DAY + datetime.timedelta(days=14)
    assert not [
        a
        for a in desk.monitor(due - datetime.timedelta(days=1), config=CONFIG).found
        if a.reason == "REVIEW_DUE"
    ]
    found = [a for a in desk.monitor(due, config=CONFIG).new if a.reason == "REVIEW_DUE"]
    assert [a.key for a in found] == [f"REVIEW_DUE:C2:scheduled:{DAY}:{due}"]


def test_the_fall_back_of_a_temporary_limit_is_logged_once(store: Store) -> None:
    _book(store)
    desk = _desk(store)
    for day in (
        datetime.date(2026, 12, 15),
        datetime.date(2027, 1, 2),
        datetime.date(2026, 12, 16),
        datetime.date(2027, 3, 1),
    ):
        desk.monitor(day, config=CONFIG)
    with store.unit("C2") as unit:
        entries = [e for e in unit.audit_log("C2") if e.kind == "limit_fallback"]
        expired = [a for a in unit.alerts("C2") if a.reason == "LIMIT_EXPIRED"]
    assert len(entries) == 1
    assert entries[0].payload["on"] == "2026-12-16"
    assert entries[0].payload["base"]["amount"] == {"amount": "5000", "currency": "EUR"}
    assert [(a.on, a.severity.value) for a in expired] == [(datetime.date(2027, 1, 2), "warning")]


def test_acknowledging_needs_the_right_and_is_logged_once(store: Store) -> None:
    _book(store)
    desk = _desk(store)
    key = next(a.key for a in desk.monitor(DAY, config=CONFIG).new if a.reason == "OVER_LIMIT")
    with pytest.raises(PermissionDenied, match="olga"):
        desk.acknowledge(key, user="olga")
    done = desk.acknowledge(key, user="clerk", note="called the buyer")
    assert (done.acknowledged_by, done.note, done.is_open) == ("clerk", "called the buyer", False)
    assert desk.acknowledge(key, user="clerk").note == "called the buyer"
    with store.unit("C1") as unit:
        kinds = [e.kind for e in unit.audit_log("C1")]
        assert key not in {a.key for a in unit.alerts("C1", open_only=True)}
    assert kinds.count("acknowledge") == 1
    assert kinds.count("denied") == 1
    with pytest.raises(ValidationError, match="no alert 'NOPE'"):
        desk.acknowledge("NOPE", user="clerk")


def test_notifications_enter_the_same_path(store: Store) -> None:
    _book(store)
    desk = _desk(store)
    event = Notification(
        "C3",
        on=DAY,
        reason="BUREAU_DEROGATORY",
        severity="critical",
        message="insolvency proceedings opened",
        source="creditsafe",
        event_id="EV-1",
        figures={"event": "insolvency", "date": "2026-11-28"},
    )
    run = desk.notify([event, event], config=CONFIG)
    assert [a.key for a in run.new] == ["BUREAU_DEROGATORY:C3:creditsafe:EV-1"]
    assert [r.action.value for r in run.actions] == ["watch", "block_orders"]
    assert desk.notify(event, config=CONFIG).new == ()
    with store.unit() as unit:
        (entry,) = unit.watched()
    assert (entry.customer_id, entry.block_orders, entry.reason) == (
        "C3",
        True,
        "BUREAU_DEROGATORY",
    )


def test_a_customer_that_cannot_be_read_is_a_problem_not_a_silent_gap(store: Store) -> None:
    _book(store)
    with store.unit("C3") as unit:
        unit.reserve(Reservation("SO-USD", "C3", Money.of(10, "USD"), reserved_on=DAY))
    run = _desk(store).monitor(DAY, config=CONFIG)
    assert [p.customer_id for p in run.problems] == ["C3"]
    assert "rates" in run.problems[0].message
    assert {a.customer_id for a in run.found} == {"C1", "C2"}


def test_the_default_configuration_is_the_shipped_document(store: Store) -> None:
    _book(store)
    run = _desk(store).monitor(DAY)
    assert run.config_version == "2026.1"
    assert ("C1", "watch") in {(r.customer_id, r.action.value) for r in run.actions}


class _Bureau:
    """Quarterly reports on C1: class B, then D with an insolvency filed in between."""

    name = "sample"

    def __init__(self) -> None:
        from credkit.bureau import BureauReport, DerogatoryEvent

        at = datetime.datetime(2026, 9, 1, 6, tzinfo=datetime.UTC)
        self.reports = (
            BureauReport(
                "sample", "C1", at, report_id="R1", rating="B", rating_scale="sample-class"
            ),
            BureauReport(
                "sample",
                "C1",
                at + datetime.timedelta(days=80),
                report_id="R2",
                rating="D",
                rating_scale="sample-class",
                events=[DerogatoryEvent("insolvency", datetime.date(2026, 11, 10))],
            ),
        )

    def history(self, subject_id: str) -> tuple[object, ...]:
        return self.reports

    def report(self, subject_id: str, *, as_of: datetime.date) -> object:
        from credkit.errors import SubjectNotFound

        found = [
            r for r in self.reports if r.subject_id == subject_id and r.fetched_at.date() <= as_of
        ]
        if not found:
            raise SubjectNotFound(f"sample: no report on {subject_id!r}", provider="sample")
        return found[-1]


def test_bureau_downgrades_and_events_become_alerts_once(store: Store) -> None:
    _book(store)
    desk = _desk(store)
    bureau = _Bureau()
    early = desk.monitor(datetime.date(2026, 10, 1), config=CONFIG, bureau=bureau)  # type: ignore[arg-type]
    assert not [a for a in early.found if a.reason.startswith("BUREAU")]
    assert {p.customer_id for p in early.problems} == {"C2", "C3"}  # no reports on them
    run = desk.monitor(DAY, config=CONFIG, bureau=bureau, customer_ids=["C1"])  # type: ignore[arg-type]
    bureau_alerts = sorted(
        (a.reason, a.severity.value, a.key) for a in run.new if a.reason.startswith("BUREAU")
    )
    assert bureau_alerts == [
        ("BUREAU_DEROGATORY", "critical", "BUREAU_DEROGATORY:C1:sample:insolvency:2026-11-10"),
        ("BUREAU_DOWNGRADE", "critical", "BUREAU_DOWNGRADE:C1:sample:R2"),
    ]
    assert ("C1", "block_orders") in {(r.customer_id, r.action.value) for r in run.actions}
    later = desk.monitor(
        DAY + datetime.timedelta(days=5), config=CONFIG, bureau=bureau, customer_ids=["C1"]
    )  # type: ignore[arg-type]
    assert not [a for a in later.new if a.reason.startswith("BUREAU")]
