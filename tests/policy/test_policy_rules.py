"""Tests for the built-in credit rules: each at its boundary, with tolerance and missing data.

The figures of the limit examples are those of issue 7 ("exposure 118,400.00 EUR +
order 12,000.00 EUR exceeds limit 120,000.00 EUR"); the boundaries are exact: a rule
passes at its threshold and fails one minor unit (or one day) beyond it.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest

from credkit.errors import CurrencyMismatchError, PolicyError, ValidationError
from credkit.money import Money
from credkit.policy import (
    CreditProfile,
    Exposure,
    ExposureComponent,
    ExposureKind,
    OrderRequest,
    Policy,
    Rule,
    RuleResult,
    ScheduledAmount,
    WhenMissing,
)
from credkit.policy.rules import (
    BUILTIN_RULE_TYPES,
    CustomerBlocked,
    DunningLevelReached,
    DynamicLimit,
    GroupLimit,
    LimitValidity,
    MaxOrderValue,
    OverdueAmount,
    OverdueShare,
    OverdueTooOld,
    PaymentIndexFloor,
    RequireLimit,
    ReviewOverdue,
    RiskClassBlocked,
    ScoreFloor,
    StaticLimit,
    SubLimits,
    WatchList,
)

AS_OF = datetime.date(2026, 11, 23)
DOCS = Path(__file__).resolve().parents[2] / "docs"


def eur(amount: str | int) -> Money:
    return Money.of(amount, "EUR")


def profile(**changes: Any) -> CreditProfile:
    """A customer 1,600.00 EUR below a 120,000.00 EUR limit, nothing overdue."""
    values: dict[str, Any] = {
        "as_of": AS_OF,
        "limit": eur("120000.00"),
        "exposure": Exposure(
            (ExposureComponent("open_receivables", eur("118400.00")),), currency="EUR"
        ),
        "overdue_amount": eur("0.00"),
        "oldest_overdue_days": 0,
        "overdue_share": Decimal(0),
    }
    values.update(changes)
    return CreditProfile("C-100", **values)


def order(amount: str | int, **changes: Any) -> OrderRequest:
    return OrderRequest("SO-1", eur(amount), order_date=AS_OF, **changes)


def passes(rule: Rule, p: CreditProfile, o: OrderRequest) -> bool:
    result = rule.evaluate(p, o)
    assert isinstance(result, RuleResult)
    assert result.rule == rule.name
    # the fast form agrees with the full evaluation, and so does the form a policy inlines
    assert (rule.failure(p, o) is None) == result.passed
    assert (not Policy("one", version="1", rules=[rule]).decide(p, o, o.amount.amount)) == (
        result.passed
    )
    return result.passed


def failure(rule: Rule, p: CreditProfile, o: OrderRequest) -> RuleResult:
    result = rule.evaluate(p, o)
    assert not result.passed
    return result


# -- static limit -------------------------------------------------------------------------


def test_static_limit_passes_exactly_at_the_limit_and_fails_one_cent_over() -> None:
    rule = StaticLimit()
    assert passes(rule, profile(), order("1600.00"))
    result = failure(rule, profile(), order("1600.01"))
    assert result.code == "LIMIT_EXCEEDED"
    assert result.message == (
        "exposure 118,400.00 EUR + order 1,600.01 EUR exceeds limit 120,000.00 EUR"
    )


def test_static_limit_message_of_the_issue_example() -> None:
    result = failure(StaticLimit(), profile(), order("12000.00"))
    assert result.message == (
        "exposure 118,400.00 EUR + order 12,000.00 EUR exceeds limit 120,000.00 EUR"
    )


def test_static_limit_with_tolerance_moves_the_boundary_exactly() -> None:
    rule = StaticLimit(tolerance="0.05")  # 120,000 x 1.05 = 126,000
    assert passes(rule, profile(), order("7600.00"))
    result = failure(rule, profile(), order("7600.01"))
    assert result.message == (
        "exposure 118,400.00 EUR + order 7,600.01 EUR exceeds limit "
        "120,000.00 EUR + 5 % tolerance = 126,000.00 EUR"
    )


def test_static_limit_in_a_currency_without_minor_units() -> None:
    p = CreditProfile(
        "C-J",
        as_of=AS_OF,
        limit=Money.of(1_000_000, "JPY"),
        exposure=Exposure(
            (ExposureComponent("open_receivables", Money.of(999_000, "JPY")),), currency="JPY"
        ),
    )
    at = OrderRequest("SO-J", Money.of(1000, "JPY"), order_date=AS_OF)
    over = OrderRequest("SO-J", Money.of(1001, "JPY"), order_date=AS_OF)
    assert passes(StaticLimit(), p, at)
    assert failure(StaticLimit(), p, over).message == (
        "exposure 999,000 JPY + order 1,001 JPY exceeds limit 1,000,000 JPY"
    )


def test_static_limit_without_a_limit_passes_and_a_zero_limit_is_a_limit() -> None:
    assert passes(StaticLimit(), profile(limit=None), order("9999999.99"))
    empty = profile(limit=eur("0.00"), exposure=Exposure((), currency="EUR"))
    assert passes(StaticLimit(), empty, order("0.00"))
    assert failure(StaticLimit(), empty, order("0.01")).code == "LIMIT_EXCEEDED"


def test_static_limit_counts_only_components_included_in_the_total() -> None:
    p = profile(
        exposure=Exposure(
            (
                ExposureComponent("open_receivables", eur("118400.00")),
                ExposureComponent("other", eur("50000.00"), included_in_total=False),
            ),
            currency="EUR",
        )
    )
    assert passes(StaticLimit(), p, order("1600.00"))


@pytest.mark.parametrize("tolerance", ["-0.01", "1.01", 5, "x", 0.05, None])
def test_static_limit_refuses_bad_tolerances(tolerance: object) -> None:
    with pytest.raises(ValidationError, match=r"^tolerance: "):
        StaticLimit(tolerance=tolerance)  # type: ignore[arg-type]


# -- dynamic limit ------------------------------------------------------------------------


def scheduled_profile() -> CreditProfile:
    """118,400.00 receivables and 10,000.00 of orders for delivery on 23 Dec and 22 Jan."""
    return profile(
        exposure=Exposure(
            (
                ExposureComponent("open_receivables", eur("108400.00")),
                ExposureComponent(
                    "open_orders",
                    eur("20000.00"),
                    schedule=(
                        ScheduledAmount(datetime.date(2026, 12, 23), eur("10000.00")),
                        ScheduledAmount(datetime.date(2027, 1, 22), eur("10000.00")),
                    ),
                ),
            ),
            currency="EUR",
        )
    )


def test_dynamic_limit_counts_the_parts_dated_within_the_horizon() -> None:
    p = scheduled_profile()  # static exposure 128,400.00: over the limit
    assert not StaticLimit().evaluate(p, order("0.01")).passed
    # 30 days reach 23 December (included), not 22 January: 118,400.00 counted
    rule = DynamicLimit(horizon_days=30)
    assert passes(rule, p, order("1600.00"))
    result = failure(rule, p, order("1600.01"))
    assert result.code == "DYNAMIC_LIMIT"
    assert result.message == (
        "exposure within 30 days 118,400.00 EUR + order 1,600.01 EUR exceeds limit 120,000.00 EUR"
    )


def test_dynamic_limit_horizon_boundary_is_inclusive() -> None:
    p = scheduled_profile()
    assert passes(DynamicLimit(horizon_days=29), p, order("11600.00"))  # only receivables
    assert not DynamicLimit(horizon_days=30).evaluate(p, order("11600.00")).passed


def test_dynamic_limit_with_tolerance_and_without_limit() -> None:
    p = scheduled_profile()
    assert passes(DynamicLimit(horizon_days=30, tolerance="0.05"), p, order("7600.00"))
    assert not DynamicLimit(horizon_days=30, tolerance="0.05").evaluate(p, order("7600.01")).passed
    assert passes(DynamicLimit(horizon_days=400), profile(limit=None), order("1000000"))


# -- limit presence and validity ----------------------------------------------------------


def test_require_limit() -> None:
    assert passes(RequireLimit(), profile(limit=eur("0.00")), order("1"))
    result = failure(RequireLimit(), profile(limit=None), order("1"))
    assert (result.code, result.message) == ("NO_LIMIT", "no credit limit on the profile")


def test_limit_valid_to_is_inclusive() -> None:
    rule = LimitValidity()
    assert passes(rule, profile(limit_valid_to=AS_OF), order("1"))
    result = failure(rule, profile(limit_valid_to=AS_OF - datetime.timedelta(days=1)), order("1"))
    assert result.code == "LIMIT_EXPIRED"
    assert result.message == "limit expired on 2026-11-22, 1 days before 2026-11-23"


def test_limit_valid_from_is_inclusive() -> None:
    rule = LimitValidity()
    assert passes(rule, profile(limit_valid_from=AS_OF), order("1"))
    result = failure(rule, profile(limit_valid_from=AS_OF + datetime.timedelta(days=1)), order("1"))
    assert result.code == "LIMIT_NOT_YET_VALID"
    assert result.message == "limit is valid from 2026-11-24, not yet on 2026-11-23"


def test_limit_validity_without_a_limit_or_dates_passes() -> None:
    expired = AS_OF - datetime.timedelta(days=400)
    assert passes(LimitValidity(), profile(limit=None, limit_valid_to=expired), order("1"))
    assert passes(LimitValidity(), profile(), order("1"))


# -- review -------------------------------------------------------------------------------


def test_review_due_today_is_not_overdue() -> None:
    assert passes(ReviewOverdue(), profile(next_review=AS_OF), order("1"))
    result = failure(
        ReviewOverdue(), profile(next_review=AS_OF - datetime.timedelta(days=1)), order("1")
    )
    assert result.code == "REVIEW_OVERDUE"
    assert result.message == "credit review was due on 2026-11-22, 1 days before 2026-11-23"


def test_review_grace_days_boundary() -> None:
    rule = ReviewOverdue(grace_days=14)
    assert passes(rule, profile(next_review=AS_OF - datetime.timedelta(days=14)), order("1"))
    result = failure(rule, profile(next_review=AS_OF - datetime.timedelta(days=15)), order("1"))
    assert result.message.endswith("15 days before 2026-11-23 (grace 14 days)")


def test_review_without_a_date_follows_when_missing() -> None:
    result = failure(ReviewOverdue(), profile(), order("1"))
    assert result.code == "REVIEW_DATE_MISSING"
    assert result.message == "no review date on the profile; fails as when_missing is 'fail'"
    lenient = ReviewOverdue(when_missing="pass")
    assert lenient.when_missing is WhenMissing.PASS
    assert lenient.evaluate(profile(), order("1")).message == (
        "no review date on the profile; passes as when_missing is 'pass'"
    )


# -- order value --------------------------------------------------------------------------


def test_max_order_value_boundary() -> None:
    rule = MaxOrderValue(max_amount=eur("50000.00"))
    assert passes(rule, profile(), order("50000.00"))
    result = failure(rule, profile(), order("50000.01"))
    assert result.message == ("order 50,000.01 EUR is above the maximum order value 50,000.00 EUR")


def test_rule_amounts_in_another_currency_are_a_policy_error() -> None:
    with pytest.raises(PolicyError, match=r"max_order_value.max_amount: 50000 USD"):
        MaxOrderValue(max_amount=Money.of(50000, "USD")).evaluate(profile(), order("1"))
    with pytest.raises(PolicyError, match=r"overdue_amount.max_amount: 10 USD"):
        OverdueAmount(max_amount=Money.of(10, "USD")).evaluate(profile(), order("1"))


# -- overdue and dunning ------------------------------------------------------------------


def overdue(days: int, amount: str = "5000.00", share: str = "0.25") -> CreditProfile:
    return profile(
        overdue_amount=eur(amount), oldest_overdue_days=days, overdue_share=Decimal(share)
    )


def test_oldest_overdue_boundary() -> None:
    rule = OverdueTooOld(max_days=30)
    assert passes(rule, overdue(30), order("1"))
    result = failure(rule, overdue(31), order("1"))
    assert result.code == "OVERDUE_TOO_OLD"
    assert result.message == "oldest overdue item is 31 days past due, more than 30"
    assert not OverdueTooOld(max_days=0).evaluate(overdue(1), order("1")).passed
    assert passes(OverdueTooOld(max_days=0), profile(), order("1"))


def test_overdue_amount_boundary() -> None:
    rule = OverdueAmount(max_amount=eur("5000.00"))
    assert passes(rule, overdue(10, "5000.00"), order("1"))
    result = failure(rule, overdue(10, "5000.01"), order("1"))
    assert result.message == "overdue 5,000.01 EUR is above 5,000.00 EUR"


def test_overdue_share_boundary() -> None:
    rule = OverdueShare(max_share="0.25")
    assert passes(rule, overdue(10, share="0.25"), order("1"))
    result = failure(rule, overdue(10, share="0.2501"), order("1"))
    assert result.message == "25.01 % of the open invoices is overdue, more than 25 %"


@pytest.mark.parametrize(
    ("rule", "code", "figure"),
    [
        (OverdueTooOld(max_days=30), "OVERDUE_DAYS_MISSING", "overdue days"),
        (OverdueAmount(max_amount=eur(100)), "OVERDUE_AMOUNT_MISSING", "overdue amount"),
        (OverdueShare(max_share="0.5"), "OVERDUE_SHARE_MISSING", "overdue share"),
        (ScoreFloor(min_score=500), "SCORE_MISSING", "score"),
        (PaymentIndexFloor(min_index=60), "PAYMENT_INDEX_MISSING", "payment index"),
        (RiskClassBlocked(blocked=["E"]), "RISK_CLASS_MISSING", "risk class"),
        (ReviewOverdue(), "REVIEW_DATE_MISSING", "review date"),
    ],
)
def test_missing_data_fails_by_default_and_passes_when_told(
    rule: Rule, code: str, figure: str
) -> None:
    bare = CreditProfile("C-1", as_of=AS_OF, exposure=Exposure((), currency="EUR"))
    result = failure(rule, bare, order("1"))
    assert (result.code, result.message) == (
        code,
        f"no {figure} on the profile; fails as when_missing is 'fail'",
    )
    assert code in rule.codes  # type: ignore[attr-defined]
    lenient = type(rule)(**{**_params(rule), "when_missing": "pass"})
    assert passes(lenient, bare, order("1"))


def _params(rule: object) -> dict[str, Any]:
    return {a.name: getattr(rule, a.name) for a in attrs.fields(type(rule)) if a.init}


def test_dunning_level_at_or_above() -> None:
    rule = DunningLevelReached(level=2)
    assert passes(rule, profile(dunning_level=1), order("1"))
    result = failure(rule, profile(dunning_level=2), order("1"))
    assert result.message == "dunning level 2 reached; orders stop from level 2"
    assert not rule.evaluate(profile(dunning_level=3), order("1")).passed


# -- risk ---------------------------------------------------------------------------------


def test_risk_class_blocked() -> None:
    rule = RiskClassBlocked(blocked=("D", "E"))
    assert passes(rule, profile(risk_class="C"), order("1"))
    result = failure(rule, profile(risk_class="D"), order("1"))
    assert result.message == "risk class 'D' is blocked (blocked classes: D, E)"
    assert passes(rule, profile(risk_class="d"), order("1"))  # names match exactly


def test_risk_class_blocked_needs_class_names() -> None:
    with pytest.raises(ValidationError, match=r"^blocked: expected a non-empty list"):
        RiskClassBlocked(blocked=())
    with pytest.raises(ValidationError, match=r"^blocked\[1\]: expected a risk class name"):
        RiskClassBlocked(blocked=("D", 5))  # type: ignore[arg-type]


def test_score_floor_boundary() -> None:
    rule = ScoreFloor(min_score=500)
    assert passes(rule, profile(score=500), order("1"))
    result = failure(rule, profile(score="499.99"), order("1"))
    assert result.message == "score 499.99 is below the floor 500"


def test_payment_index_floor_boundary() -> None:
    rule = PaymentIndexFloor(min_index=70)
    assert passes(rule, profile(payment_index=70), order("1"))
    result = failure(rule, profile(payment_index="69.9"), order("1"))
    assert result.message == "payment index 69.9 is below the floor 70"
    with pytest.raises(ValidationError, match=r"^min_index: must be from 0 to 100"):
        PaymentIndexFloor(min_index=101)


# -- flags --------------------------------------------------------------------------------


def test_flags() -> None:
    assert passes(CustomerBlocked(), profile(), order("1"))
    assert failure(CustomerBlocked(), profile(blocked=True), order("1")).message == (
        "customer is blocked"
    )
    assert passes(WatchList(), profile(), order("1"))
    assert failure(WatchList(), profile(watch_list=True), order("1")).code == "WATCH_LIST"
    assert CustomerBlocked.applies_to_prepaid
    assert not WatchList.applies_to_prepaid


# -- group and sub-limits -----------------------------------------------------------------


def test_group_limit_boundary_and_tolerance() -> None:
    p = profile(group_id="G-1", group_limit=eur("500000.00"), group_exposure=eur("490000.00"))
    assert passes(GroupLimit(), p, order("10000.00"))
    result = failure(GroupLimit(), p, order("10000.01"))
    assert result.message == (
        "group G-1 exposure 490,000.00 EUR + order 10,000.01 EUR exceeds group limit 500,000.00 EUR"
    )
    assert passes(GroupLimit(tolerance="0.02"), p, order("20000.00"))
    assert not GroupLimit(tolerance="0.02").evaluate(p, order("20000.01")).passed
    assert passes(GroupLimit(), profile(), order("99999999"))


def test_sub_limit_of_open_orders_counts_the_order() -> None:
    p = profile(
        exposure=Exposure(
            (
                ExposureComponent("open_receivables", eur("90000.00")),
                ExposureComponent("open_orders", eur("20000.00"), sub_limit=eur("25000.00")),
            ),
            currency="EUR",
        )
    )
    assert passes(SubLimits(), p, order("5000.00"))
    result = failure(SubLimits(), p, order("5000.01"))
    assert result.message == (
        "open orders 20,000.00 EUR + order 5,000.01 EUR exceeds its sub-limit 25,000.00 EUR"
    )
    assert passes(SubLimits(tolerance="0.1"), p, order("7500.00"))
    # the order adds to receivables instead: open orders stay within their sub-limit
    assert passes(SubLimits(order_kind="open_receivables"), p, order("100000.00"))


def test_sub_limit_of_a_component_outside_the_total_still_applies() -> None:
    p = profile(
        exposure=Exposure(
            (
                ExposureComponent("open_receivables", eur("90000.00")),
                ExposureComponent(
                    "other", eur("10000.01"), sub_limit=eur("10000.00"), included_in_total=False
                ),
            ),
            currency="EUR",
        )
    )
    result = failure(SubLimits(), p, order("1"))
    assert result.message == "other 10,000.01 EUR exceeds its sub-limit 10,000.00 EUR"
    assert SubLimits().order_kind is ExposureKind.OPEN_ORDERS


# -- misuse and the catalogue -------------------------------------------------------------


def test_evaluate_refuses_misuse() -> None:
    with pytest.raises(ValidationError, match=r"^profile: expected a CreditProfile"):
        StaticLimit().evaluate("C-100", order("1"))  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=r"^order: expected an OrderRequest"):
        StaticLimit().evaluate(profile(), eur(1))  # type: ignore[arg-type]
    usd = OrderRequest("SO-1", Money.of(1, "USD"), order_date=AS_OF)
    with pytest.raises(CurrencyMismatchError, match=r"^order.amount: 1 USD"):
        StaticLimit().evaluate(profile(), usd)
    with pytest.raises(ValidationError, match=r"^order.customer_id: 'C-9'"):
        StaticLimit().evaluate(profile(), order("1", customer_id="C-9"))


def test_every_built_in_rule_has_a_unique_name_and_stable_codes() -> None:
    names = [cls.name for cls in BUILTIN_RULE_TYPES]
    assert len(set(names)) == len(names) == 20
    for cls in BUILTIN_RULE_TYPES:
        assert re.fullmatch(r"[a-z][a-z_]*", cls.name)
        assert cls.code == cls.codes[0]
        assert all(re.fullmatch(r"[A-Z][A-Z_]*", code) for code in cls.codes)
        assert cls.__doc__


def test_the_rules_reference_lists_every_rule_and_code() -> None:
    reference = (DOCS / "reference" / "rules.md").read_text(encoding="utf-8")
    for cls in BUILTIN_RULE_TYPES:
        assert f"`{cls.name}`" in reference, cls.name
        for code in cls.codes:
            assert f"`{code}`" in reference, code
