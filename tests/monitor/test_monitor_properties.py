"""Monitoring runs on random days, in random order: each alert once, limits in force exactly."""

from __future__ import annotations

import datetime

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from credkit import Money
from credkit.desk import CreditDesk, FollowOn, MonitorConfig
from credkit.ledger import Customer, Invoice
from credkit.limits import CreditLimit
from credkit.policy import Policy, PolicyEntry
from credkit.policy.rules import StaticLimit
from credkit.storage import Alert, MemoryStore, limit_in_force

START = datetime.date(2026, 1, 1)
POLICY = Policy("standard", version="1", rules=[PolicyEntry(StaticLimit())])
CONFIG = MonitorConfig(
    expiry_days=10,
    lookback_days=30,
    overdue_days=20,
    actions={
        "OVER_LIMIT": (FollowOn.WATCH,),
        "OVERDUE_DAYS": (FollowOn.BLOCK_ORDERS,),
        "LIMIT_EXPIRING": (FollowOn.SCHEDULE_REVIEW,),
    },
)


def _day(offset: int) -> datetime.date:
    return START + datetime.timedelta(days=offset)


class MonitoringDays(RuleBasedStateMachine):
    """A small book with temporary limits, monitored on days drawn at random."""

    @initialize(
        start=st.integers(1, 120),
        length=st.integers(0, 45),
        orphan_start=st.integers(0, 120),
        invoices=st.lists(st.tuples(st.integers(0, 150), st.integers(1, 900)), max_size=4),
    )
    def book(
        self, start: int, length: int, orphan_start: int, invoices: list[tuple[int, int]]
    ) -> None:
        self.store = MemoryStore()
        self.desk = CreditDesk(self.store, POLICY)
        self.temporary = CreditLimit(
            "C1",
            Money.of(1500, "EUR"),
            currency="EUR",
            valid_from=_day(start),
            valid_to=_day(start + length),
        )
        self.orphan = CreditLimit(
            "C2",
            Money.of(300, "EUR"),
            currency="EUR",
            valid_from=_day(orphan_start),
            valid_to=_day(orphan_start + length),
        )
        with self.store.unit() as unit:
            unit.add_customers([Customer(c, c, country="DE", currency="EUR") for c in ("C1", "C2")])
            unit.add_limit(
                CreditLimit("C1", Money.of(1000, "EUR"), currency="EUR", valid_from=START)
            )
            unit.add_limit(self.temporary)
            unit.add_limit(self.orphan)
            unit.add_documents(
                [
                    Invoice(
                        f"I{n}",
                        "C1" if n % 2 == 0 else "C2",
                        _day(due - 30),
                        _day(due),
                        Money.of(amount, "EUR"),
                    )
                    for n, (due, amount) in enumerate(invoices)
                ]
            )
        self.first: dict[str, Alert] = {}  # each alert as the first run that found it
        self.days: list[int] = []

    @rule(offset=st.integers(0, 220))
    def monitor(self, offset: int) -> None:
        day = _day(offset)
        run = self.desk.monitor(day, config=CONFIG)
        assert run.problems == ()
        for alert in run.new:
            assert alert.key not in self.first, f"{alert.key} stored twice"
            self.first[alert.key] = alert
        for alert in run.found:
            assert alert.key in self.first, f"{alert.key} found but not stored"
        assert len({a.key for a in run.actions}) <= len(run.new)
        self.days.append(offset)
        again = self.desk.monitor(day, config=CONFIG)
        assert again.new == ()
        assert again.actions == ()
        assert again.fallbacks == ()

    @rule(offset=st.integers(0, 220))
    def limits_in_force(self, offset: int) -> None:
        day = _day(offset)
        with self.store.unit("C1", "C2") as unit:
            in_force = limit_in_force(unit.limits("C1"), as_of=day)
            orphan = limit_in_force(unit.limits("C2"), as_of=day)
        temporary = self.temporary
        assert temporary.valid_to is not None
        valid = temporary.valid_from <= day <= temporary.valid_to
        assert (in_force == temporary) is valid
        assert in_force is not None
        assert valid or in_force.amount == Money.of(1000, "EUR")
        assert (orphan == self.orphan) is (self.orphan.valid_from <= day <= self.orphan.valid_to)
        assert orphan in (None, self.orphan)

    @invariant()
    def each_alert_once_and_each_fall_back_once(self) -> None:
        if not hasattr(self, "store"):
            return
        with self.store.unit("C1", "C2") as unit:
            stored = unit.alerts()
            fallbacks = [e for e in unit.audit_log("C1") if e.kind == "limit_fallback"]
            orphan_fallbacks = [e for e in unit.audit_log("C2") if e.kind == "limit_fallback"]
        assert len(stored) == len({a.key for a in stored}) == len(self.first)
        assert {a.key: a for a in stored} == self.first
        assert self.temporary.valid_to is not None
        after_end = any(_day(d) > self.temporary.valid_to for d in self.days)
        assert len(fallbacks) == (1 if after_end else 0)
        assert orphan_fallbacks == []


MonitoringDays.TestCase.settings = settings(
    max_examples=40,
    stateful_step_count=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestMonitoringDays = MonitoringDays.TestCase
