"""Bureau data in the desk's decisions: through the cache, in the profile, in the log, in the policy."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from tests.desk.conftest import DAY, book, order

from credkit import Money
from credkit.bureau import BureauReport, CachedBureau, DerogatoryEvent, FileBureau, write_reports
from credkit.desk import CreditDesk
from credkit.errors import BureauUnavailable, SubjectNotFound
from credkit.policy import Outcome, Policy, PolicyEntry
from credkit.policy.rules import BureauReportRule, StaticLimit
from credkit.storage import MemoryStore

FETCHED = datetime.datetime(2026, 4, 4, 10, 30, tzinfo=datetime.UTC)  # 30 days before DAY


def _policy(**rule: Any) -> Policy:
    return Policy(
        "bureau",
        version="1",
        rules=[PolicyEntry(StaticLimit()), PolicyEntry(BureauReportRule(**rule), on_fail="hold")],
    )


def _report(subject_id: str = "C1", **fields: Any) -> BureauReport:
    settings: dict[str, Any] = {
        "report_id": "CS-77",
        "rating": "C",
        "rating_scale": "creditsafe-common",
        "recommended_limit": Money.of(12500, "GBP"),
        **fields,
    }
    return BureauReport("creditsafe", subject_id, settings.pop("fetched_at", FETCHED), **settings)


def _files(tmp_path: Path, *reports: BureauReport) -> FileBureau:
    write_reports(reports, tmp_path)
    return FileBureau(tmp_path, provider="creditsafe")


def _desk(store: MemoryStore, bureau: Any, **rule: Any) -> CreditDesk:
    return CreditDesk(store, _policy(**rule), bureau=bureau)


class _Failing:
    """A bureau that raises ``error`` and counts the calls."""

    name = "creditsafe"

    def __init__(self, error: Exception) -> None:
        self.error = error
        self.calls = 0

    def report(self, subject_id: str, *, as_of: datetime.date) -> BureauReport:
        self.calls += 1
        raise self.error


@pytest.fixture
def store() -> MemoryStore:
    store = MemoryStore()
    book(store, {"C1": 10_000})
    return store


def test_the_report_reaches_the_profile_and_the_log(store: MemoryStore, tmp_path: Path) -> None:
    desk = _desk(store, _files(tmp_path, _report()))
    decision = desk.check_order(order("SO-1", "C1", 100), as_of=DAY)
    assert decision.outcome is Outcome.APPROVE
    bureau = decision.profile.bureau
    assert (bureau["provider"], bureau["report_id"], bureau["age_days"]) == (
        "creditsafe",
        "CS-77",
        30,
    )
    assert bureau["fetched_on"] == "2026-04-04"
    assert bureau["recommended_limit"] == 12500
    assert bureau["recommended_limit_currency"] == "GBP"
    # a Creditsafe "C" is class C on credkit's scale; without a snapshot it is the profile's class
    assert decision.profile.risk_class == "C"
    with store.unit("C1") as unit:
        (entry,) = unit.audit_log("C1")
    assert entry.payload["sources"]["bureau"] == {
        "subject_id": "C1",
        "provider": "creditsafe",
        "report_id": "CS-77",
        "fetched_at": "2026-04-04T10:30:00+00:00",
    }


def test_a_report_exactly_max_age_days_old_passes_one_day_older_is_stale(
    store: MemoryStore, tmp_path: Path
) -> None:
    desk = _desk(store, _files(tmp_path, _report()), max_age_days=30)
    assert desk.check_order(order("SO-1", "C1", 100), as_of=DAY).outcome is Outcome.APPROVE
    later = DAY + datetime.timedelta(days=1)
    held = desk.check_order(order("SO-2", "C1", 100, later), as_of=later)
    assert (held.outcome, held.codes) == (Outcome.HOLD, ("BUREAU_STALE",))
    assert "fetched 31 days before 2026-05-05, more than the 30 days" in held.results[-1].message


def test_an_insolvency_holds_unless_the_policy_accepts_it(
    store: MemoryStore, tmp_path: Path
) -> None:
    insolvent = _report(events=[DerogatoryEvent("insolvency", datetime.date(2026, 3, 30))])
    bureau = _files(tmp_path, insolvent)
    held = _desk(store, bureau).check_order(order("SO-1", "C1", 100), as_of=DAY)
    assert held.codes == ("BUREAU_INSOLVENCY",)
    assert held.profile.bureau["insolvency"] is True
    assert held.profile.bureau["derogatory_events"] == 1
    accepted = _desk(store, bureau, refuse_insolvency=False)
    assert accepted.check_order(order("SO-2", "C1", 100), as_of=DAY).outcome is Outcome.APPROVE


def test_events_after_the_check_date_do_not_count(store: MemoryStore, tmp_path: Path) -> None:
    later_event = _report(events=[DerogatoryEvent("insolvency", DAY + datetime.timedelta(1))])
    decision = _desk(store, _files(tmp_path, later_event)).check_order(
        order("SO-1", "C1", 100), as_of=DAY
    )
    assert decision.outcome is Outcome.APPROVE
    assert decision.profile.bureau["derogatory_events"] == 0


@pytest.mark.parametrize(
    ("error", "logged"),
    [
        (SubjectNotFound("no company 'C1'"), "not found: no company 'C1'"),
        (BureauUnavailable("timed out after 10 s"), "unavailable: timed out after 10 s"),
    ],
)
def test_no_report_is_a_fact_for_the_policy_and_the_log(
    store: MemoryStore, error: Exception, logged: str
) -> None:
    bureau = _Failing(error)
    held = _desk(store, bureau).check_order(order("SO-1", "C1", 100), as_of=DAY)
    assert (held.outcome, held.codes) == (Outcome.HOLD, ("BUREAU_MISSING",))
    assert dict(held.profile.bureau) == {}
    with store.unit("C1") as unit:
        (entry,) = unit.audit_log("C1")
    assert entry.payload["sources"]["bureau"] == {"subject_id": "C1", "error": logged}
    lenient = _desk(store, bureau, when_missing="pass")
    assert lenient.check_order(order("SO-2", "C1", 100), as_of=DAY).outcome is Outcome.APPROVE


def test_a_bug_in_the_bureau_is_not_taken_for_a_missing_report(store: MemoryStore) -> None:
    desk = _desk(store, _Failing(KeyError("report")))
    with pytest.raises(KeyError):
        desk.check_order(order("SO-1", "C1", 100), as_of=DAY)
    with store.unit("C1") as unit:
        assert unit.audit_log("C1") == ()
        assert unit.order("SO-1") is None


def test_the_subject_id_comes_from_the_host(store: MemoryStore, tmp_path: Path) -> None:
    bureau = _files(tmp_path, _report("GB-0-01234567"))
    desk = CreditDesk(store, _policy(), bureau=bureau, subject=lambda c: "GB-0-01234567")
    decision = desk.check_order(order("SO-1", "C1", 100), as_of=DAY)
    assert decision.profile.bureau["report_id"] == "CS-77"


def test_through_the_cache_the_bureau_is_asked_once_per_max_age(store: MemoryStore) -> None:
    class Counting:
        name = "creditsafe"
        calls = 0

        def report(self, subject_id: str, *, as_of: datetime.date) -> BureauReport:
            Counting.calls += 1
            return _report(
                subject_id, fetched_at=datetime.datetime(2026, 5, 4, 8, tzinfo=datetime.UTC)
            )

    noon = datetime.datetime(2026, 5, 4, 12, tzinfo=datetime.UTC)
    cached = CachedBureau(Counting(), store, max_age=datetime.timedelta(days=7), clock=lambda: noon)
    desk = _desk(store, cached)
    for index in range(3):
        desk.check_order(order(f"SO-{index}", "C1", 100), as_of=DAY)
    assert Counting.calls == 1


def test_a_replayed_decision_keeps_its_bureau_data(store: MemoryStore, tmp_path: Path) -> None:
    desk = _desk(store, _files(tmp_path, _report()), max_age_days=30)
    first = desk.check_order(order("SO-1", "C1", 100), as_of=DAY)
    # the bureau is gone now; the same order is still the logged decision
    replay = _desk(store, _Failing(BureauUnavailable("down")), max_age_days=30)
    again = replay.check_order(order("SO-1", "C1", 100), as_of=DAY)
    assert (again.outcome, again.codes) == (first.outcome, first.codes)
    # exact figures come back from the log as decimal strings (JSON has no decimals)
    assert {k: str(v) for k, v in again.profile.bureau.items()} == {
        k: str(v) for k, v in first.profile.bureau.items()
    }
