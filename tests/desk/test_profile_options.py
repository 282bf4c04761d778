"""The desk's profile options: OCA's maturity margin and the split of open receivables.

OCA ``account_financial_risk`` counts an invoice as unpaid only a margin of days after
its due date ("maturity margin"); the desk passes ``overdue_margin_days`` to every
profile, so an overdue rule reads the figures with the margin, and records the option
in the log.
"""

from __future__ import annotations

import datetime

import pytest
from tests.desk.conftest import DAY, book, order

from credkit import Money
from credkit.desk import CreditDesk
from credkit.errors import ValidationError
from credkit.ledger import Invoice
from credkit.policy import ExposureKind, Outcome, Policy, PolicyEntry
from credkit.policy.rules import OverdueTooOld, StaticLimit
from credkit.storage import MemoryStore

POLICY = Policy(
    "margin",
    version="1",
    rules=[PolicyEntry(StaticLimit()), PolicyEntry(OverdueTooOld(max_days=0), on_fail="hold")],
)


def _store(days_overdue: int) -> MemoryStore:
    store = MemoryStore()
    book(store, {"C1": 10_000})
    due = DAY - datetime.timedelta(days_overdue)
    with store.unit() as unit:
        unit.add_documents(
            [Invoice("I1", "C1", due - datetime.timedelta(30), due, Money.of(100, "EUR"))]
        )
    return store


@pytest.mark.parametrize(("days", "outcome"), [(5, Outcome.APPROVE), (6, Outcome.HOLD)])
def test_an_invoice_counts_as_overdue_only_after_the_margin(days: int, outcome: Outcome) -> None:
    desk = CreditDesk(_store(days), POLICY, overdue_margin_days=5)
    decision = desk.check_order(order("SO-1", "C1", 100), as_of=DAY)
    assert decision.outcome is outcome
    with desk.store.unit("C1") as unit:
        sources = unit.audit_log("C1")[-1].payload["sources"]
    assert sources["profile_options"] == {"overdue_margin_days": 5, "split_receivables": False}


def test_without_a_margin_one_day_overdue_holds_and_nothing_extra_is_logged() -> None:
    desk = CreditDesk(_store(1), POLICY)
    assert desk.check_order(order("SO-1", "C1", 100), as_of=DAY).outcome is Outcome.HOLD
    with desk.store.unit("C1") as unit:
        assert "profile_options" not in unit.audit_log("C1")[-1].payload["sources"]


def test_the_split_reaches_the_profile() -> None:
    desk = CreditDesk(_store(10), POLICY, split_receivables=True)
    profile = desk.check_order(order("SO-1", "C1", 100), as_of=DAY).profile
    kinds = {c.kind for c in profile.exposure.components}
    assert ExposureKind.RECEIVABLES_OVERDUE in kinds
    assert ExposureKind.OPEN_RECEIVABLES not in kinds
    overdue = profile.exposure.component(ExposureKind.RECEIVABLES_OVERDUE)
    assert overdue is not None
    assert overdue.amount == Money.of(100, "EUR")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"overdue_margin_days": -1}, "overdue_margin_days: expected 0 or more days, got -1"),
        ({"overdue_margin_days": 2.5}, "overdue_margin_days: expected a whole number of days"),
        ({"overdue_margin_days": True}, "overdue_margin_days: expected a whole number of days"),
        ({"split_receivables": "yes"}, "split_receivables: expected True or False"),
    ],
)
def test_bad_options_name_the_field(options: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        CreditDesk(MemoryStore(), POLICY, **options)  # type: ignore[arg-type]
