"""The monitor's detectors at their boundaries: the day before, on and after each threshold."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from credkit import Money
from credkit.config import load
from credkit.desk import MonitorConfig, default_monitor_config
from credkit.desk.monitor import (
    exposure_alerts,
    limit_alerts,
    limit_fallbacks,
    overdue_alerts,
    review_alerts,
    trend_alerts,
)
from credkit.errors import ConfigError
from credkit.ledger import Allocation, Customer, Invoice, Ledger, Payment
from credkit.limits import CreditLimit, LimitKind
from credkit.policy import CreditProfile, build_profile
from credkit.policy.exposure import Exposure, ExposureComponent, ExposureKind
from credkit.storage import Snapshot

END = datetime.date(2026, 12, 31)
ACME = Customer("C1", "Acme", country="DE", currency="EUR")


def _day(offset: int) -> datetime.date:
    return END + datetime.timedelta(days=offset)


def _limit(
    amount: int | None,
    start: datetime.date,
    end: datetime.date | None = None,
    *,
    kind: LimitKind = LimitKind.INTERNAL,
    review: datetime.date | None = None,
) -> CreditLimit:
    money = None if amount is None else Money.of(amount, "EUR")
    return CreditLimit(
        "C1", money, currency="EUR", valid_from=start, valid_to=end, kind=kind, next_review=review
    )


BASE = _limit(10000, datetime.date(2026, 1, 1))
SEASON = _limit(15000, datetime.date(2026, 11, 1), END)


def _reasons(alerts: tuple[object, ...]) -> list[tuple[str, str]]:
    return [(a.reason, a.severity.value) for a in alerts]  # type: ignore[attr-defined]


# -- limit expiry --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("offset", "expected"),
    [
        (-31, []),  # 31 days left: beyond expiry_days (30)
        (-30, [("LIMIT_EXPIRING", "warning")]),  # exactly 30 days left
        (-1, [("LIMIT_EXPIRING", "warning")]),  # the day before the end
        (0, [("LIMIT_EXPIRING", "warning")]),  # its last day: still in force
        (1, [("LIMIT_EXPIRED", "warning")]),  # the day after: the base limit again
        (90, [("LIMIT_EXPIRED", "warning")]),  # lookback_days after
        (91, []),
    ],
)
def test_a_temporary_limit_expiring_and_falling_back(
    offset: int, expected: list[tuple[str, str]]
) -> None:
    alerts = limit_alerts("C1", [BASE, SEASON], as_of=_day(offset))
    assert _reasons(alerts) == expected
    if expected:
        assert alerts[0].key.endswith(":internal:2026-11-01:2026-12-31")


def test_the_same_expiry_has_the_same_key_on_every_day() -> None:
    keys = {limit_alerts("C1", [BASE, SEASON], as_of=_day(d))[0].key for d in range(-30, 1)}
    assert keys == {"LIMIT_EXPIRING:C1:internal:2026-11-01:2026-12-31"}


def test_a_limit_ending_with_nothing_after_it_is_critical() -> None:
    only = _limit(5000, datetime.date(2026, 1, 1), END)
    assert _reasons(limit_alerts("C1", [only], as_of=_day(1))) == [("LIMIT_EXPIRED", "critical")]
    assert "no limit follows" in limit_alerts("C1", [only], as_of=_day(0))[0].message


def test_a_renewed_limit_raises_nothing() -> None:
    first = _limit(5000, datetime.date(2026, 1, 1), END)
    renewal = _limit(6000, _day(1), datetime.date(2027, 12, 31))
    for offset in (-10, 0, 1, 5):
        assert limit_alerts("C1", [first, renewal], as_of=_day(offset)) == ()
    assert limit_fallbacks([first, renewal], as_of=_day(5)) == ()


def test_a_fall_back_is_found_from_the_day_after_the_end() -> None:
    assert limit_fallbacks([BASE, SEASON], as_of=_day(0)) == ()
    (fallback,) = limit_fallbacks([BASE, SEASON], as_of=_day(1))
    assert (fallback.ended, fallback.base, fallback.on) == (SEASON, BASE, _day(1))
    assert limit_fallbacks([BASE, SEASON], as_of=_day(400)) == (fallback,)


def test_insured_limits_reduced_and_cancelled() -> None:
    start = datetime.date(2026, 1, 1)
    first = _limit(8000, start, kind=LimitKind.INSURED)
    lower = _limit(5000, datetime.date(2026, 6, 1), kind=LimitKind.INSURED)
    cancelled = _limit(0, datetime.date(2026, 9, 1), kind=LimitKind.INSURED)
    limits = [first, lower, cancelled]
    assert limit_alerts("C1", limits, as_of=datetime.date(2026, 5, 31)) == ()
    on = limit_alerts("C1", limits, as_of=datetime.date(2026, 6, 1))
    assert _reasons(on) == [("INSURED_LIMIT_REDUCED", "warning")]
    assert on[0].figures["previous"] == {"amount": "8000", "currency": "EUR"}
    assert _reasons(limit_alerts("C1", limits, as_of=datetime.date(2026, 8, 30))) == [
        ("INSURED_LIMIT_REDUCED", "warning")  # 90 days on: still within lookback_days
    ]
    assert _reasons(limit_alerts("C1", limits, as_of=datetime.date(2026, 9, 1))) == [
        ("INSURED_LIMIT_CANCELLED", "critical")  # the reduction is 92 days old by now
    ]
    ended = _limit(8000, start, datetime.date(2026, 3, 31), kind=LimitKind.INSURED)
    assert limit_alerts("C1", [ended], as_of=datetime.date(2026, 3, 31)) == ()
    assert _reasons(limit_alerts("C1", [ended], as_of=datetime.date(2026, 4, 1))) == [
        ("INSURED_LIMIT_CANCELLED", "critical")
    ]


# -- reviews ---------------------------------------------------------------------------------


def test_review_due_on_the_limit_s_review_date() -> None:
    review = datetime.date(2026, 7, 1)
    limit = _limit(1000, datetime.date(2026, 1, 1), review=review)
    assert review_alerts("C1", [limit], as_of=review - datetime.timedelta(days=1)) == ()
    on = review_alerts("C1", [limit], as_of=review)
    after = review_alerts("C1", [limit], as_of=review + datetime.timedelta(days=1))
    assert _reasons(on) == [("REVIEW_DUE", "warning")]
    assert on[0].key == after[0].key == "REVIEW_DUE:C1:limit:2026-01-01:2026-07-01"
    early = MonitorConfig(review_days=10)
    assert review_alerts("C1", [limit], as_of=datetime.date(2026, 6, 20), config=early) == ()
    assert review_alerts("C1", [limit], as_of=datetime.date(2026, 6, 21), config=early)


def test_review_due_by_risk_class_months() -> None:
    limit = _limit(1000, datetime.date(2025, 8, 31))
    config = MonitorConfig(review_months={"A": 24, "C": 6})
    due = datetime.date(2026, 2, 28)  # six calendar months after 31 August, clipped
    before = due - datetime.timedelta(days=1)
    assert review_alerts("C1", [limit], as_of=before, risk_class="C", config=config) == ()
    alerts = review_alerts("C1", [limit], as_of=due, risk_class="C", config=config)
    assert alerts[0].figures == {"due": "2026-02-28", "source": "risk class C", "risk_class": "C"}
    assert review_alerts("C1", [limit], as_of=due, risk_class="A", config=config) == ()
    assert review_alerts("C1", [limit], as_of=due, risk_class=None, config=config) == ()


def test_scheduled_reviews_count_from_the_day_they_were_scheduled() -> None:
    scheduled = [(datetime.date(2026, 3, 1), datetime.date(2026, 3, 15))]
    assert review_alerts("C1", [], as_of=datetime.date(2026, 3, 14), scheduled=scheduled) == ()
    assert review_alerts("C1", [], as_of=datetime.date(2026, 3, 15), scheduled=scheduled)
    # a run on an earlier day does not see a review scheduled later
    late = [(datetime.date(2026, 4, 1), datetime.date(2026, 3, 15))]
    assert review_alerts("C1", [], as_of=datetime.date(2026, 3, 20), scheduled=late) == ()


# -- payment trend ---------------------------------------------------------------------------


def _paid_ledger(days_late: dict[int, int]) -> Ledger:
    """Invoices due on the 1st of months 1..12 of 2026, each paid ``days_late`` days late."""
    invoices, payments, allocations = [], [], []
    for month, late in days_late.items():
        due = datetime.date(2026, month, 1)
        paid = due + datetime.timedelta(days=late)
        amount = Money.of(100, "EUR")
        invoices.append(Invoice(f"I{month}", "C1", due - datetime.timedelta(30), due, amount))
        payments.append(Payment(f"P{month}", "C1", paid, amount))
        allocations.append(Allocation(f"P{month}", f"I{month}", amount, paid))
    return Ledger(customers=[ACME], invoices=invoices, payments=payments, allocations=allocations)


@pytest.mark.parametrize(("late", "alert"), [(5, False), (6, True)])
def test_payment_trend_more_than_the_threshold_later_is_deteriorating(
    late: int, alert: bool
) -> None:
    # baseline: on time; the last three months: ``late`` days late (threshold 5 days)
    ledger = _paid_ledger(dict.fromkeys(range(1, 9), 0) | dict.fromkeys((9, 10, 11), late))
    found = trend_alerts("C1", ledger, as_of=datetime.date(2026, 11, 30))
    assert bool(found) is alert
    if alert:
        assert found[0].key == "PAYMENT_TREND:C1:2026-11"
        assert Decimal(found[0].figures["change"]) == late


def test_a_snapshot_trend_stands_in_when_settlements_are_too_few() -> None:
    ledger = Ledger(customers=[ACME])
    snapshot = Snapshot("C1", as_of=datetime.date(2026, 11, 1), trend="stable")
    assert trend_alerts("C1", ledger, as_of=datetime.date(2026, 11, 30), snapshot=snapshot) == ()


# -- overdue and exposure --------------------------------------------------------------------


def _open_ledger(*invoices: tuple[str, datetime.date, int]) -> Ledger:
    return Ledger(
        customers=[ACME],
        invoices=[
            Invoice(i, "C1", due - datetime.timedelta(30), due, Money.of(amount, "EUR"))
            for i, due, amount in invoices
        ],
    )


@pytest.mark.parametrize(("days", "alert"), [(59, False), (60, False), (61, True)])
def test_oldest_overdue_more_than_the_threshold(days: int, alert: bool) -> None:
    as_of = datetime.date(2026, 6, 30)
    ledger = _open_ledger(
        ("OLD", as_of - datetime.timedelta(days=days), 10),
        ("NEW", as_of - datetime.timedelta(days=5), 10),
    )
    found = overdue_alerts("C1", ledger, as_of=as_of, config=MonitorConfig(overdue_share=1))
    assert [a.key for a in found] == (["OVERDUE_DAYS:C1:OLD"] if alert else [])


@pytest.mark.parametrize(("overdue", "alert"), [(24, False), (25, False), (26, True)])
def test_overdue_share_more_than_the_threshold(overdue: int, alert: bool) -> None:
    as_of = datetime.date(2026, 6, 30)
    ledger = _open_ledger(
        ("LATE", as_of - datetime.timedelta(days=3), overdue),
        ("DUE", as_of + datetime.timedelta(days=10), 100 - overdue),
    )
    profile = build_profile(ledger, "C1", as_of=as_of, limit=Money.of(1000, "EUR"))
    found = overdue_alerts("C1", ledger, as_of=as_of, profile=profile)
    assert [a.reason for a in found] == (["OVERDUE_SHARE"] if alert else [])


@pytest.mark.parametrize(
    ("exposure", "alert"), [("999.99", False), ("1000", False), ("1000.01", True)]
)
def test_over_limit_only_above_the_limit(exposure: str, alert: bool) -> None:
    as_of = datetime.date(2026, 6, 30)
    component = ExposureComponent(ExposureKind.OPEN_RECEIVABLES, Money.of(exposure, "EUR"))
    profile = CreditProfile(
        "C1",
        as_of=as_of,
        exposure=Exposure((component,), currency="EUR"),
        limit=Money.of(1000, "EUR"),
    )
    found = exposure_alerts("C1", profile, as_of=as_of)
    assert [a.reason for a in found] == (["OVER_LIMIT"] if alert else [])
    unlimited = CreditProfile("C1", as_of=as_of, exposure=Exposure((component,), currency="EUR"))
    assert exposure_alerts("C1", unlimited, as_of=as_of) == ()


# -- the configuration document --------------------------------------------------------------


def test_the_shipped_configuration_loads_and_errors_name_the_field() -> None:
    config = default_monitor_config()
    assert config.review_months["C"] == 6
    assert (config.overdue_days, config.expiry_days) == (60, 30)
    with pytest.raises(ConfigError, match=r"^overdue_share: expected a fraction"):
        load(MonitorConfig, {"overdue_share": "1.5"})
    with pytest.raises(ConfigError, match=r"^review_months\.B: expected a whole number"):
        load(MonitorConfig, {"review_months": {"B": 0}})
    with pytest.raises(ConfigError, match=r"^overdue_dayz: unknown key"):
        load(MonitorConfig, {"overdue_dayz": 3})
    with pytest.raises(ConfigError, match=r"^actions\.over_limit: not a reason code"):
        load(MonitorConfig, {"actions": {"over_limit": ["watch"]}})
