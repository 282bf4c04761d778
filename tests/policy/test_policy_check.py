"""Tests for check and Decision: outcomes, exemptions, policy sets, fingerprints, monotonicity.

The property tests draw consistent credit profiles, orders and policies of built-in
rules (strategies below). They check that

* the compiled policy decides as the rules do when each is evaluated on its own;
* outcomes are monotone, with REJECT > HOLD > APPROVE: more exposure, a larger order,
  older overdue items or a worse risk class never give a milder outcome;
* the decision is a pure function of its inputs: equal inputs give equal decisions
  and the same fingerprint; changing any input changes the fingerprint.
"""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from credkit.errors import CurrencyMismatchError, ValidationError
from credkit.money import Money
from credkit.policy import (
    BUILTIN_RULES,
    CreditProfile,
    Decision,
    Exposure,
    ExposureComponent,
    OrderRequest,
    Outcome,
    Policy,
    PolicyEntry,
    PolicySelector,
    PolicySet,
    Rule,
    RuleResult,
    check,
    fingerprint,
    load_policy,
)
from credkit.policy.rules import (
    BureauReportRule,
    CustomerBlocked,
    DunningLevelReached,
    DynamicLimit,
    GroupLimit,
    LimitValidity,
    MaxOrderValue,
    OverdueAmount,
    OverdueInvoiceCount,
    OverdueShare,
    OverdueTooOld,
    PaymentIndexFloor,
    RequireLimit,
    ReviewOverdue,
    RiskClassBlocked,
    ScoreFloor,
    StaticLimit,
    SubLimits,
    UnpaidInvoiceCount,
    WatchList,
)
from credkit.testing.strategies import RISK_CLASSES as CLASSES
from credkit.testing.strategies import credit_profiles as profiles
from credkit.testing.strategies import order_requests as orders

AS_OF = datetime.date(2026, 11, 23)


def eur(amount: str | int | Decimal) -> Money:
    return Money.of(amount, "EUR")


def profile(**changes: Any) -> CreditProfile:
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


def order(amount: str, **changes: Any) -> OrderRequest:
    return OrderRequest("SO-1", eur(amount), order_date=AS_OF, **changes)


STANDARD = Policy(
    "standard",
    version="7",
    rules=[
        PolicyEntry(CustomerBlocked(), on_fail="reject", stop=True),
        RequireLimit(),
        StaticLimit(),
        PolicyEntry(OverdueTooOld(max_days=90), on_fail="reject"),
        OverdueTooOld(max_days=30),
        WatchList(),
    ],
)


# -- outcomes -----------------------------------------------------------------------------


def test_approve_when_no_rule_fails() -> None:
    decision = check(profile(), order("1600.00"), STANDARD)
    assert decision.outcome is Outcome.APPROVE
    assert decision.reasons == decision.results == decision.failed == ()
    assert decision.codes == ()
    assert (decision.policy_id, decision.policy_version) == ("standard", "7")
    assert decision.exemption is None


def test_hold_with_the_message_of_the_issue() -> None:
    decision = check(profile(), order("12000.00"), STANDARD)
    assert decision.outcome is Outcome.HOLD
    [reason] = decision.reasons
    assert (reason.rule, reason.code, reason.outcome) == (
        "static_limit",
        "LIMIT_EXCEEDED",
        Outcome.HOLD,
    )
    assert reason.message == (
        "exposure 118,400.00 EUR + order 12,000.00 EUR exceeds limit 120,000.00 EUR"
    )
    assert decision.available_before == eur("1600.00")
    assert decision.available_after == eur("-10400.00")


def test_reject_beats_hold_whatever_the_order_of_the_rules() -> None:
    late = profile(overdue_amount=eur(500), oldest_overdue_days=95, overdue_share="0.1")
    for rules in (STANDARD.rules, tuple(reversed(STANDARD.rules[1:]))):
        policy = Policy("p", version="1", rules=rules)
        decision = check(late, order("12000.00"), policy)
        assert decision.outcome is Outcome.REJECT
        assert set(decision.codes) == {"LIMIT_EXCEEDED", "OVERDUE_TOO_OLD"}
        assert [r.outcome for r in decision.reasons].count(Outcome.REJECT) == 1


def test_every_failed_rule_is_reported_in_policy_order() -> None:
    p = profile(
        watch_list=True, overdue_amount=eur(500), oldest_overdue_days=45, overdue_share="0.1"
    )
    decision = check(p, order("12000.00"), STANDARD)
    assert decision.codes == ("LIMIT_EXCEEDED", "OVERDUE_TOO_OLD", "WATCH_LIST")
    assert decision.outcome is Outcome.HOLD


def test_stop_ends_the_evaluation_after_a_rejection() -> None:
    decision = check(profile(blocked=True, watch_list=True), order("12000.00"), STANDARD)
    assert decision.outcome is Outcome.REJECT
    assert decision.codes == ("CUSTOMER_BLOCKED",)


# -- exemptions ---------------------------------------------------------------------------


def test_a_prepaid_order_is_approved_by_the_prepaid_rule() -> None:
    late = profile(overdue_amount=eur(500), oldest_overdue_days=200, overdue_share="0.5")
    decision = check(late, order("500000.00", prepaid=True), STANDARD)
    assert decision.outcome is Outcome.APPROVE
    assert decision.exemption is not None
    assert decision.exemption.code == "PREPAID"
    assert decision.exemption.passed
    assert "still checked: customer_blocked" in decision.exemption.message
    # a prepaid order uses no credit
    assert decision.available_after == decision.available_before == eur("1600.00")


def test_a_blocked_customer_is_refused_even_prepaid() -> None:
    decision = check(profile(blocked=True), order("10.00", prepaid=True), STANDARD)
    assert decision.outcome is Outcome.REJECT
    assert decision.codes == ("CUSTOMER_BLOCKED",)
    assert decision.exemption is not None
    assert decision.exemption.code == "PREPAID"


def test_an_order_that_adds_no_exposure_is_approved_by_its_own_rule() -> None:
    over = profile(limit=eur("1000.00"))
    for amount in ("-250.00", "0.00"):
        decision = check(over, order(amount), STANDARD)
        assert decision.outcome is Outcome.APPROVE
        assert decision.exemption is not None
        assert decision.exemption.code == "REDUCES_EXPOSURE"
    credit = check(over, order("-250.00"), STANDARD)
    assert credit.available_after == eur("-117150.00")  # 1,000 - 118,400 + 250


def test_exemptions_can_be_turned_off() -> None:
    strict = attrs.evolve(STANDARD, exempt_prepaid=False, exempt_reductions=False)
    assert check(profile(), order("12000.00", prepaid=True), strict).codes == ("LIMIT_EXCEEDED",)
    assert check(profile(limit=None), order("-5.00"), strict).codes == ("NO_LIMIT",)
    assert check(profile(), order("12000.00", prepaid=True), strict).exemption is None


def test_an_entry_can_say_whether_it_applies_to_prepaid_orders() -> None:
    policy = Policy(
        "p",
        version="1",
        rules=[
            PolicyEntry(CustomerBlocked(), on_fail="reject", applies_to_prepaid=False),
            PolicyEntry(WatchList(), applies_to_prepaid=True),
        ],
    )
    p = profile(blocked=True, watch_list=True)
    assert check(p, order("5.00", prepaid=True), policy).codes == ("WATCH_LIST",)
    assert "still checked: watch_list" in policy.prepaid_result.message


# -- inputs and policy sets ---------------------------------------------------------------


def test_check_refuses_misuse() -> None:
    with pytest.raises(CurrencyMismatchError, match=r"^order.amount: 5 USD"):
        check(profile(), OrderRequest("SO", Money.of(5, "USD"), order_date=AS_OF), STANDARD)
    with pytest.raises(ValidationError, match=r"^order.customer_id: 'C-999'"):
        check(profile(), order("5", customer_id="C-999"), STANDARD)
    with pytest.raises(ValidationError, match=r"^profile: expected a CreditProfile"):
        check(None, order("5"), STANDARD)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=r"^policy: expected a Policy or a PolicySet"):
        check(profile(), order("5"), [STANDARD])  # type: ignore[arg-type]
    assert check(profile(), order("5", customer_id="C-100"), STANDARD).outcome is Outcome.APPROVE


def test_a_policy_set_chooses_by_risk_class_then_segment_then_default() -> None:
    strict = Policy("strict", version="2", rules=[PolicyEntry(StaticLimit(), on_fail="reject")])
    public = Policy("public", version="1", rules=[StaticLimit(tolerance="0.1")])
    policies = PolicySet(
        "acme",
        version="1",
        policies=[STANDARD, strict, public],
        default="standard",
        select=[
            PolicySelector("strict", risk_class="E"),
            PolicySelector("public", segment="public"),
        ],
    )
    over = order("12000.00")
    assert check(profile(segment="public"), over, policies).outcome is Outcome.APPROVE
    decision = check(profile(segment="public", risk_class="E"), over, policies)
    assert (decision.outcome, decision.policy_id, decision.policy_version) == (
        Outcome.REJECT,
        "strict",
        "2",
    )
    assert check(profile(segment="retail"), over, policies).policy_id == "standard"


def test_a_policy_set_refuses_duplicate_ids_and_empty_selectors() -> None:
    with pytest.raises(ValidationError, match=r"^policies\[1\].id: 'standard' is already"):
        PolicySet("s", version="1", policies=[STANDARD, STANDARD], default="standard")
    with pytest.raises(ValidationError, match=r"a selector needs a segment, a risk_class"):
        PolicySelector("standard")


# -- the decision -------------------------------------------------------------------------


def test_decision_record_and_summary() -> None:
    decision = check(profile(), order("12000.00"), STANDARD)
    record = decision.to_record()
    assert json.loads(json.dumps(record)) == record
    assert record["outcome"] == "hold"
    assert record["available_before"] == "1600.00"
    assert record["reasons"][0]["code"] == "LIMIT_EXCEEDED"
    assert record["fingerprint"] == decision.fingerprint
    assert decision.summary().splitlines() == [
        "SO-1 for C-100: HOLD (policy standard version 7)",
        "  order 12,000.00 EUR; available credit 1,600.00 EUR before, -10,400.00 EUR after",
        "  hold LIMIT_EXCEEDED: exposure 118,400.00 EUR + order 12,000.00 EUR exceeds limit "
        "120,000.00 EUR",
    ]
    assert "codes=('LIMIT_EXCEEDED',)" in repr(decision)


def test_decisions_are_read_only() -> None:
    decision = check(profile(), order("12000.00"), STANDARD)
    with pytest.raises(AttributeError):
        decision.outcome = Outcome.APPROVE  # type: ignore[misc]
    assert decision == check(profile(), order("12000.00"), STANDARD)
    assert hash(decision) == hash(check(profile(), order("12000.00"), STANDARD))


def test_the_policy_source_shows_the_generated_code() -> None:
    assert "def decide(p, o, amount):" in STANDARD.source
    assert "if (p.blocked):" in STANDARD.source
    assert "def decide_prepaid(p, o, amount):" in STANDARD.source


# -- strategies ---------------------------------------------------------------------------

cents = st.decimals(min_value=0, max_value=10**7, places=2)


when_missing = st.sampled_from(["fail", "pass"])
tolerances = st.sampled_from(["0", "0.05", "0.1"])


def rules() -> st.SearchStrategy[Rule]:
    """Any built-in rule with parameters in EUR; risk classes blocked from a class down."""
    return st.one_of(
        st.builds(StaticLimit, tolerance=tolerances),
        st.builds(DynamicLimit, horizon_days=st.integers(0, 120), tolerance=tolerances),
        st.builds(RequireLimit),
        st.builds(LimitValidity),
        st.builds(ReviewOverdue, grace_days=st.integers(0, 30), when_missing=when_missing),
        st.builds(MaxOrderValue, max_amount=cents.map(eur)),
        st.builds(OverdueTooOld, max_days=st.integers(0, 120), when_missing=when_missing),
        st.builds(OverdueAmount, max_amount=cents.map(eur), when_missing=when_missing),
        st.builds(
            OverdueShare,
            max_share=st.decimals(min_value=0, max_value=1, places=2),
            when_missing=when_missing,
        ),
        st.builds(UnpaidInvoiceCount, max_count=st.integers(0, 60), when_missing=when_missing),
        st.builds(OverdueInvoiceCount, max_count=st.integers(0, 40), when_missing=when_missing),
        st.builds(DunningLevelReached, level=st.integers(1, 4)),
        st.builds(
            RiskClassBlocked,
            blocked=st.integers(0, 4).map(lambda i: CLASSES[i:]),
            when_missing=when_missing,
        ),
        st.builds(ScoreFloor, min_score=st.integers(300, 900), when_missing=when_missing),
        st.builds(PaymentIndexFloor, min_index=st.integers(0, 100), when_missing=when_missing),
        st.builds(CustomerBlocked),
        st.builds(WatchList),
        st.builds(GroupLimit, tolerance=tolerances),
        st.builds(SubLimits, tolerance=tolerances),
        st.builds(
            BureauReportRule,
            max_age_days=st.none() | st.integers(0, 400),
            refuse_insolvency=st.booleans(),
            when_missing=when_missing,
        ),
    )


@st.composite
def entries(draw: st.DrawFn) -> PolicyEntry:
    on_fail = draw(st.sampled_from(["hold", "reject"]))
    return PolicyEntry(
        draw(rules()),
        on_fail=on_fail,
        stop=on_fail == "reject" and draw(st.booleans()),
        applies_to_prepaid=draw(st.none() | st.booleans()),
    )


@st.composite
def policies(draw: st.DrawFn) -> Policy:
    return Policy(
        "p",
        version=draw(st.sampled_from(["1", "2"])),
        rules=draw(st.lists(entries(), min_size=1, max_size=8)),
        exempt_prepaid=draw(st.booleans()),
        exempt_reductions=draw(st.booleans()),
    )


# -- properties ---------------------------------------------------------------------------


def reference_check(profile: CreditProfile, order: OrderRequest, policy: Policy) -> Decision:
    """The policy applied rule by rule with Rule.evaluate, as the documentation states it."""
    exempt = (order.prepaid and policy.exempt_prepaid) or (
        order.amount.amount <= 0 and policy.exempt_reductions
    )
    failed = []
    for entry in policy.rules:
        if exempt and not entry.checks_prepaid:
            continue
        result = entry.rule.evaluate(profile, order)
        if not result.passed:
            failed.append((entry, result))
            if entry.stop:
                break
    outcome = max((entry.on_fail for entry, _ in failed), default=Outcome.APPROVE)
    return Decision(outcome, profile, order, policy, tuple(failed))


@given(profile=profiles(), order=orders(), policy=policies())
def test_the_compiled_policy_decides_as_the_rules_do_one_by_one(
    profile: CreditProfile, order: OrderRequest, policy: Policy
) -> None:
    decision = check(profile, order, policy)
    expected = reference_check(profile, order, policy)
    assert decision.outcome is expected.outcome
    assert decision.results == expected.results
    assert decision.reasons == expected.reasons


def _worse_or_equal(worse: Decision, better: Decision) -> None:
    assert worse.outcome >= better.outcome, (worse.reasons, better.reasons)
    if better.outcome is not Outcome.APPROVE:
        assert worse.outcome is not Outcome.APPROVE


def _with_receivables(profile: CreditProfile, extra: Decimal) -> CreditProfile:
    components = tuple(
        attrs.evolve(c, amount=c.amount + eur(extra)) if c.kind.value == "open_receivables" else c
        for c in profile.exposure.components
    )
    return attrs.evolve(profile, exposure=Exposure(components, currency="EUR"))


@given(profile=profiles(), order=orders(), policy=policies(), extra=cents)
def test_more_exposure_never_gives_a_milder_outcome(
    profile: CreditProfile, order: OrderRequest, policy: Policy, extra: Decimal
) -> None:
    worse = _with_receivables(profile, extra)
    _worse_or_equal(check(worse, order, policy), check(profile, order, policy))


@given(profile=profiles(), order=orders(), policy=policies(), extra=cents)
def test_a_larger_order_never_gives_a_milder_outcome(
    profile: CreditProfile, order: OrderRequest, policy: Policy, extra: Decimal
) -> None:
    larger = attrs.evolve(order, amount=order.amount + eur(extra))
    _worse_or_equal(check(profile, larger, policy), check(profile, order, policy))


@given(
    profile=profiles(overdue=("some",)),
    order=orders(),
    policy=policies(),
    days=st.integers(1, 400),
)
def test_older_overdue_items_never_give_a_milder_outcome(
    profile: CreditProfile, order: OrderRequest, policy: Policy, days: int
) -> None:
    assert profile.oldest_overdue_days is not None
    assert profile.oldest_overdue_days > 0
    older = attrs.evolve(profile, oldest_overdue_days=profile.oldest_overdue_days + days)
    _worse_or_equal(check(older, order, policy), check(profile, order, policy))


@given(profile=profiles(rated=True), order=orders(), policy=policies(), steps=st.integers(1, 4))
def test_a_worse_risk_class_never_gives_a_milder_outcome(
    profile: CreditProfile, order: OrderRequest, policy: Policy, steps: int
) -> None:
    assert profile.risk_class is not None
    index = min(CLASSES.index(profile.risk_class) + steps, len(CLASSES) - 1)
    worse = attrs.evolve(profile, risk_class=CLASSES[index])
    _worse_or_equal(check(worse, order, policy), check(profile, order, policy))


def _rebuilt(profile: CreditProfile) -> CreditProfile:
    """An equal profile built anew, with the bureau data in reverse order."""
    values = {a.name: getattr(profile, a.name) for a in attrs.fields(CreditProfile) if a.init}
    values["bureau"] = dict(reversed(list(profile.bureau.items())))
    customer = values.pop("customer_id")
    return CreditProfile(customer, **values)


@given(profile=profiles(), order=orders(), policy=policies())
def test_equal_inputs_give_equal_decisions_and_the_same_fingerprint(
    profile: CreditProfile, order: OrderRequest, policy: Policy
) -> None:
    first = check(profile, order, policy)
    again = check(_rebuilt(profile), attrs.evolve(order), policy)
    assert again == first
    assert again.fingerprint == first.fingerprint
    assert again.reasons == first.reasons
    assert len(first.fingerprint) == 64


def _profile_changes(profile: CreditProfile) -> list[tuple[str, Any]]:
    """One different value for each field of the profile."""

    def other_date(day: datetime.date | None) -> datetime.date:
        return AS_OF if day is None or day != AS_OF else AS_OF + datetime.timedelta(days=1)

    changes: list[tuple[str, Any]] = [
        ("customer_id", profile.customer_id + "x"),
        ("as_of", profile.as_of + datetime.timedelta(days=1)),
        ("exposure", _with_receivables(profile, Decimal("0.01")).exposure),
        ("segment", None if profile.segment else "public"),
        ("limit", eur("1.00") if profile.limit is None else None),
        ("limit_valid_to", None if profile.limit_valid_to else datetime.date(2029, 1, 1)),
        ("next_review", other_date(profile.next_review)),
        ("dunning_level", profile.dunning_level + 1),
        ("payment_index", 50 if profile.payment_index != 50 else 51),
        ("trend", "stable" if profile.trend != "stable" else None),
        ("score", (profile.score or 0) + 1),
        ("risk_class", "B" if profile.risk_class != "B" else "C"),
        ("bureau", {**profile.bureau, "new": "x"}),
        ("blocked", not profile.blocked),
        ("watch_list", not profile.watch_list),
        ("group_id", "G-2" if profile.group_id != "G-2" else None),
    ]
    if profile.group_exposure is not None:
        changes.append(("group_exposure", profile.group_exposure + eur("0.01")))
    if profile.oldest_overdue_days:
        changes.append(("oldest_overdue_days", profile.oldest_overdue_days + 1))
    if profile.overdue_amount is not None and profile.overdue_amount.is_positive:
        changes.append(("overdue_amount", profile.overdue_amount + eur("0.01")))
    if profile.overdue_share is not None and 0 < profile.overdue_share < 1:
        changes.append(("overdue_share", profile.overdue_share / 2))
    return changes


@given(profile=profiles(), order=orders(), data=st.data())
def test_changing_any_input_changes_the_fingerprint(
    profile: CreditProfile, order: OrderRequest, data: st.DataObject
) -> None:
    base = fingerprint(profile, order, policy_id="p", policy_version="1")
    field, value = data.draw(st.sampled_from(_profile_changes(profile)))
    changed = attrs.evolve(profile, **{field: value})
    assert changed != profile
    assert fingerprint(changed, order, policy_id="p", policy_version="1") != base, field
    order_field, order_value = data.draw(
        st.sampled_from(
            [
                ("order_id", order.order_id + "x"),
                ("amount", order.amount + eur("0.01")),
                ("order_date", order.order_date + datetime.timedelta(days=1)),
                ("prepaid", not order.prepaid),
                ("customer_id", "C-1" if order.customer_id is None else None),
            ]
        )
    )
    other = attrs.evolve(order, **{order_field: order_value})
    assert fingerprint(profile, other, policy_id="p", policy_version="1") != base, order_field
    assert fingerprint(profile, order, policy_id="p", policy_version="2") != base
    assert fingerprint(profile, order, policy_id="q", policy_version="1") != base


def test_fingerprint_ignores_trailing_zeros_and_bureau_order() -> None:
    one = profile(limit=eur("120000.00"), bureau={"a": Decimal("1.50"), "b": 2})
    two = profile(limit=eur("120000"), bureau={"b": 2, "a": Decimal("1.5")})
    assert (
        check(one, order("5.0"), STANDARD).fingerprint
        == check(two, order("5.00"), STANDARD).fingerprint
    )


# -- the policy's content in the fingerprint (issue: hostile and careless input) -------------


def _policy(tolerance: str, **changes: Any) -> Policy:
    document: dict[str, Any] = {
        "id": "standard",
        "version": "7",
        "rules": [{"rule": "static_limit", "tolerance": tolerance}, {"rule": "watch_list"}],
    }
    document.update(changes)
    return load_policy(document)


def test_a_policy_edited_without_a_new_version_gives_another_fingerprint() -> None:
    before = check(profile(), order("12000.00"), _policy("0.05"))
    edited = check(profile(), order("12000.00"), _policy("0.06"))
    assert (before.policy_id, before.policy_version) == (edited.policy_id, edited.policy_version)
    assert before.fingerprint != edited.fingerprint
    assert before.to_record()["policy_digest"] == _policy("0.05").digest
    assert before.to_record()["policy_digest"] != edited.to_record()["policy_digest"]


def test_the_same_policy_written_differently_gives_the_same_fingerprint() -> None:
    written = load_policy(
        {
            "rules": [{"tolerance": "0.050", "rule": "static_limit"}, {"rule": "watch_list"}],
            "version": "7",
            "id": "standard",
        }
    )
    assert written.digest == _policy("0.05").digest
    assert check(profile(), order("1.00"), written).fingerprint == (
        check(profile(), order("1.00"), _policy("0.05")).fingerprint
    )


def test_every_part_of_a_policy_reaches_its_digest() -> None:
    base = _policy("0.05").digest
    changed = [
        _policy("0.05", exempt_prepaid=False),
        _policy("0.05", exempt_reductions=False),
        _policy("0.05", rules=[{"rule": "static_limit", "tolerance": "0.05"}]),
        _policy(
            "0.05", rules=[{"rule": "watch_list"}, {"rule": "static_limit", "tolerance": "0.05"}]
        ),
        _policy(
            "0.05",
            rules=[
                {"rule": "static_limit", "tolerance": "0.05", "on_fail": "reject"},
                {"rule": "watch_list"},
            ],
        ),
        _policy(
            "0.05",
            rules=[
                {"rule": "static_limit", "tolerance": "0.05", "applies_to_prepaid": True},
                {"rule": "watch_list"},
            ],
        ),
        _policy(
            "0.05", rules=[{"rule": "static_limit", "tolerance": "0.05"}, {"rule": "require_limit"}]
        ),
    ]
    digests = [policy.digest for policy in changed]
    assert base not in digests
    assert len(set(digests)) == len(digests)


def test_a_custom_rules_parameters_reach_the_digest() -> None:
    @attrs.frozen
    class Cap:
        share: Decimal = Decimal("0.1")

    registry = BUILTIN_RULES.register(
        "cap", lambda p, o, params: RuleResult.success("cap", "CAP"), params=Cap, code="CAP"
    )

    def policy(share: str) -> Policy:
        return load_policy(
            {"id": "p", "version": "1", "rules": [{"rule": "cap", "share": share}]},
            registry=registry,
        )

    assert policy("0.1").digest == policy("0.10").digest
    assert policy("0.1").digest != policy("0.2").digest
