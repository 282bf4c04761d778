"""CreditLimit: None is no limit, zero is no credit; review dates from the risk class."""

from __future__ import annotations

from datetime import date

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from credkit.errors import ValidationError
from credkit.limits import CreditLimit, LimitKind, next_review_date
from credkit.money import Money
from credkit.scoring import RiskClass


def limit(amount: Money | None, **changes: object) -> CreditLimit:
    return CreditLimit("C1", amount, currency="EUR", valid_from=date(2026, 1, 1), **changes)  # type: ignore[arg-type]


def test_none_zero_and_an_amount_are_three_different_things() -> None:
    unlimited, zero, some = limit(None), limit(Money.zero("EUR")), limit(Money.of(5000, "EUR"))
    assert unlimited.is_unlimited
    assert unlimited.allows_credit
    assert not zero.is_unlimited
    assert not zero.allows_credit
    assert not some.is_unlimited
    assert some.allows_credit
    assert unlimited.describe().startswith("no limit: unlimited credit")
    assert zero.describe().startswith("zero limit: no credit")
    assert some.describe().startswith("5,000.00 EUR")


def test_describe_lists_everything() -> None:
    record = limit(
        Money.of(75_000, "EUR"),
        valid_to=date(2026, 12, 31),
        next_review=date(2026, 7, 1),
        kind=LimitKind.INSURED,
        approved_by=("bo", "cy"),
        approved_on=date(2025, 12, 30),
    )
    assert record.describe() == (
        "75,000.00 EUR (insured), valid from 2026-01-01 to 2026-12-31, next review 2026-07-01, "
        "approved by bo, cy on 2025-12-30"
    )


def test_validity_and_review() -> None:
    record = limit(Money.of(1, "EUR"), valid_to=date(2026, 6, 30), next_review=date(2026, 4, 1))
    assert not record.in_force(date(2025, 12, 31))
    assert record.in_force(date(2026, 1, 1))
    assert record.in_force(date(2026, 6, 30))
    assert not record.in_force(date(2026, 7, 1))
    assert not record.review_due(date(2026, 3, 31))
    assert record.review_due(date(2026, 4, 1))
    assert not limit(None).review_due(date(2099, 1, 1))


def test_headroom() -> None:
    assert limit(Money.of(100, "EUR")).headroom(Money.of(30, "EUR")) == Money.of(70, "EUR")
    assert limit(None).headroom(Money.of(10**9, "EUR")) is None
    with pytest.raises(ValidationError, match="exposure: 5 USD is not in the limit currency EUR"):
        limit(None).headroom(Money.of(5, "USD"))


@pytest.mark.parametrize(
    ("amount", "changes", "message"),
    [
        (Money.of(-1, "EUR"), {}, "amount: must be zero or more, got -1 EUR"),
        (Money.of(1, "USD"), {}, "amount: 1 USD is not in the limit currency EUR"),
        (5000, {}, "amount: expected Money"),
        (None, {"valid_to": date(2025, 12, 31)}, "valid_to: 2025-12-31 is before valid_from"),
        (None, {"next_review": date(2025, 12, 31)}, "next_review: 2025-12-31 is before valid_from"),
        (None, {"approved_by": ("bo", "bo")}, "approved_by: lists a user twice"),
        (None, {"kind": "insured"}, "'kind' must be"),
    ],
)
def test_bad_limits_are_refused(amount: object, changes: dict[str, object], message: str) -> None:
    with pytest.raises((ValidationError, TypeError), match=message):
        limit(amount, **changes)  # type: ignore[arg-type]


def test_next_review_from_the_risk_class() -> None:
    six_months = RiskClass("C", pd="0.03", review_months=6)
    # 31 August + 6 months: February has no 31st, so its last day
    assert next_review_date(date(2025, 8, 31), risk_class=six_months) == date(2026, 2, 28)
    assert next_review_date(date(2027, 8, 31), risk_class=six_months) == date(2028, 2, 29)
    assert next_review_date(date(2026, 1, 15), risk_class=24) == date(2028, 1, 15)
    with pytest.raises(ValidationError, match="risk_class: expected a RiskClass or a whole number"):
        next_review_date(date(2026, 1, 15), risk_class=0)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 1, 1)), st.integers(1, 120))
def test_next_review_is_whole_months_later_clipped_to_month_end(start: date, months: int) -> None:
    review = next_review_date(start, risk_class=months)
    assert (review.year - start.year) * 12 + review.month - start.month == months
    month_end = review.replace(day=1) + relativedelta(months=1, days=-1)
    assert review.day == start.day or (review.day < start.day and review == month_end)
