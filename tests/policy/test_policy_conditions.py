"""Invoice-count rules, tag conditions on policy entries, and checks per document stage.

Peers these options match (public documentation):

* D365 credit management, "Sales order credit holds" (Microsoft Learn): each blocking
  rule applies to one customer, a customer credit group or all customers; credkit's
  ``when`` conditions over customer tags give the same choice, with AND / OR / NOT.
* D365 credit management checkpoints (order confirmation, picking list, packing slip,
  invoice posting) and SAP FSCM / SD credit checks at the sales order, the delivery
  and goods issue: credkit's ``stages`` on entries and ``stage`` on selectors.
* The invoice-count rules are asked for by issue 14 beside the amount rules every peer
  has (IFS "total overdue amount", D365 "overdue amount").
"""

from __future__ import annotations

import datetime
import hashlib
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from credkit import config
from credkit.errors import ConfigError, ValidationError
from credkit.ledger import Allocation, Customer, Invoice, Ledger, Payment
from credkit.money import Money
from credkit.policy import (
    CreditProfile,
    Exposure,
    ExposureComponent,
    OrderRequest,
    Outcome,
    Policy,
    PolicyEntry,
    PolicySelector,
    build_profile,
    check,
    load_policy,
    load_policy_set,
)
from credkit.policy.conditions import RuleCondition, load_condition
from credkit.policy.fingerprints import canonical_json
from credkit.policy.order import DocumentStage
from credkit.policy.rules import (
    CustomerBlocked,
    OverdueInvoiceCount,
    OverdueTooOld,
    StaticLimit,
    UnpaidInvoiceCount,
    WatchList,
)
from credkit.testing.strategies import TAGS, credit_profiles, order_requests, rule_conditions

AS_OF = datetime.date(2026, 11, 23)


def eur(amount: str | int) -> Money:
    return Money.of(amount, "EUR")


def profile(**changes: Any) -> CreditProfile:
    values: dict[str, Any] = {
        "as_of": AS_OF,
        "limit": eur("10000.00"),
        "exposure": Exposure(
            (ExposureComponent("open_receivables", eur("9000.00")),), currency="EUR"
        ),
    }
    values.update(changes)
    return CreditProfile("C-1", **values)


def order(amount: str = "500.00", **changes: Any) -> OrderRequest:
    return OrderRequest("SO-1", eur(amount), order_date=AS_OF, **changes)


# -- invoice counts ---------------------------------------------------------------------------


def test_unpaid_invoice_count_passes_at_the_threshold_and_fails_one_above() -> None:
    rule = UnpaidInvoiceCount(max_count=5)
    assert rule.evaluate(profile(unpaid_invoice_count=5), order()).passed
    failed = rule.evaluate(profile(unpaid_invoice_count=6), order())
    assert (failed.passed, failed.code, failed.message) == (
        False,
        "UNPAID_INVOICE_COUNT",
        "6 unpaid invoices, more than 5",
    )


def test_overdue_invoice_count_with_zero_holds_on_any_overdue_invoice() -> None:
    rule = OverdueInvoiceCount(max_count=0)
    assert rule.evaluate(profile(overdue_invoice_count=0), order()).passed
    failed = rule.evaluate(
        profile(overdue_invoice_count=1, oldest_overdue_days=3, unpaid_invoice_count=4), order()
    )
    assert failed.code == "OVERDUE_INVOICE_COUNT"
    assert failed.message == "1 overdue invoices, more than 0"


def test_a_missing_count_fails_with_its_own_code_unless_told_to_pass() -> None:
    assert UnpaidInvoiceCount(max_count=3).evaluate(profile(), order()).code == (
        "UNPAID_INVOICE_COUNT_MISSING"
    )
    assert OverdueInvoiceCount(max_count=3).evaluate(profile(), order()).code == (
        "OVERDUE_INVOICE_COUNT_MISSING"
    )
    passed = OverdueInvoiceCount(max_count=3, when_missing="pass").evaluate(profile(), order())
    assert passed.passed
    assert passed.message == (
        "no overdue invoice count on the profile; passes as when_missing is 'pass'"
    )


def test_the_profile_refuses_counts_that_contradict_each_other() -> None:
    with pytest.raises(ValidationError, match=r"^overdue_invoice_count: 3 is more than unpaid"):
        profile(unpaid_invoice_count=2, overdue_invoice_count=3, oldest_overdue_days=5)
    with pytest.raises(ValidationError, match=r"^oldest_overdue_days: 0 contradicts overdue_inv"):
        profile(overdue_invoice_count=1, oldest_overdue_days=0)
    with pytest.raises(ValidationError, match=r"^unpaid_invoice_count: must be 0 or more"):
        profile(unpaid_invoice_count=-1)


def test_build_profile_counts_open_and_overdue_invoices() -> None:
    ledger = Ledger(
        customers=[Customer("C-1", "Nordwind", country="DE", currency="EUR")],
        invoices=[
            # overdue and part-paid: counts as unpaid and overdue
            Invoice(
                "INV-1", "C-1", datetime.date(2026, 9, 1), datetime.date(2026, 10, 1), eur(600)
            ),
            # overdue and disputed: counts too, as for the overdue amount
            Invoice(
                "INV-2",
                "C-1",
                datetime.date(2026, 9, 5),
                datetime.date(2026, 10, 5),
                eur(300),
                disputed=True,
            ),
            # due today: unpaid, not overdue
            Invoice("INV-3", "C-1", datetime.date(2026, 10, 24), AS_OF, eur(400)),
            # paid in full: not counted
            Invoice(
                "INV-4", "C-1", datetime.date(2026, 10, 1), datetime.date(2026, 10, 31), eur(100)
            ),
            # issued after as_of: not counted
            Invoice(
                "INV-5", "C-1", datetime.date(2026, 11, 30), datetime.date(2026, 12, 30), eur(50)
            ),
        ],
        payments=[
            Payment("PAY-1", "C-1", datetime.date(2026, 11, 1), eur(100)),
            Payment("PAY-2", "C-1", datetime.date(2026, 11, 2), eur(200)),
        ],
        allocations=[
            Allocation("PAY-1", "INV-4", eur(100), datetime.date(2026, 11, 1)),
            Allocation("PAY-2", "INV-1", eur(200), datetime.date(2026, 11, 2)),
        ],
    )
    built = build_profile(ledger, "C-1", as_of=AS_OF, tags=["public", "key_account"])
    assert (built.unpaid_invoice_count, built.overdue_invoice_count) == (3, 2)
    assert built.tags == ("key_account", "public")


_COUNT_POLICY = Policy(
    "counts",
    version="1",
    rules=[
        PolicyEntry(UnpaidInvoiceCount(max_count=8), on_fail="reject"),
        UnpaidInvoiceCount(max_count=4),
        OverdueInvoiceCount(max_count=1, when_missing="pass"),
        StaticLimit(),
        WatchList(),
    ],
)


@given(
    profile=credit_profiles(), order=order_requests(), more=st.integers(1, 20), late=st.booleans()
)
def test_more_unpaid_invoices_never_turn_a_hold_into_an_approval(
    profile: CreditProfile, order: OrderRequest, more: int, late: bool
) -> None:
    known = profile.unpaid_invoice_count
    if known is None:  # compare known counts: unknown is not "fewer"
        known = profile.overdue_invoice_count or 0
        profile = attrs.evolve(profile, unpaid_invoice_count=known)
    changes = {"unpaid_invoice_count": known + more}
    if late and profile.overdue_invoice_count is not None and profile.oldest_overdue_days:
        changes["overdue_invoice_count"] = profile.overdue_invoice_count + more
    worse = attrs.evolve(profile, **changes)
    before = check(profile, order, _COUNT_POLICY)
    after = check(worse, order, _COUNT_POLICY)
    assert after.outcome >= before.outcome, (before.reasons, after.reasons)
    if before.outcome is not Outcome.APPROVE:
        assert after.outcome is not Outcome.APPROVE


# -- conditions on tags ---------------------------------------------------------------------


def test_a_condition_combines_tags_with_and_or_and_not() -> None:
    # ERP-style example: hold key accounts only when they are not on a framework contract,
    # or public bodies of any kind.
    condition = RuleCondition(
        any=[
            RuleCondition(all=["tag:key_account"], none=["tag:framework"]),
            "tag:public",
        ]
    )
    assert condition.holds(profile(tags=["key_account"]))
    assert not condition.holds(profile(tags=["key_account", "framework"]))
    assert condition.holds(profile(tags=["public", "framework"]))
    assert not condition.holds(profile())


def test_an_entry_whose_condition_does_not_hold_is_skipped() -> None:
    policy = load_policy(
        {
            "id": "p",
            "version": "1",
            "rules": [
                {"rule": "static_limit"},
                {"rule": "watch_list", "on_fail": "reject", "when": {"none": ["tag:key_account"]}},
            ],
        }
    )
    watched = profile(watch_list=True, exposure=Exposure((), currency="EUR"))
    assert check(watched, order(), policy).outcome is Outcome.REJECT
    key_account = attrs.evolve(watched, tags=("key_account",))
    assert check(key_account, order(), policy).outcome is Outcome.APPROVE


def test_a_skipped_stop_entry_does_not_stop_the_evaluation() -> None:
    policy = Policy(
        "p",
        version="1",
        rules=[
            PolicyEntry(
                CustomerBlocked(), on_fail="reject", stop=True, when=RuleCondition(all=["tag:x"])
            ),
            StaticLimit(),
        ],
    )
    decision = check(profile(blocked=True), order("1500.00"), policy)
    assert decision.codes == ("LIMIT_EXCEEDED",)


@pytest.mark.parametrize(
    ("when", "path", "detail"),
    [
        ({"any": ["tags:key_account"]}, "rules[0].when.any[0]", "'tags:key_account' is not a term"),
        ({"al": ["tag:x"]}, "rules[0].when.al", "unknown key; a condition accepts all, any, none"),
        ({"all": "tag:x"}, "rules[0].when.all", "expected a list of terms"),
        ({"any": [{"none": [5]}]}, "rules[0].when.any[0].none[0]", "int 5 is not a term"),
        ({"any": []}, "rules[0].when", "a condition needs at least one term"),
        ("tag:", "rules[0].when", "'tag:' is not a term"),
        (["tag:x"], "rules[0].when", "expected a table with all, any or none"),
    ],
)
def test_condition_errors_name_the_path(when: object, path: str, detail: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_policy({"id": "p", "version": "1", "rules": [{"rule": "watch_list", "when": when}]})
    assert caught.value.path == path
    assert detail in caught.value.detail


def test_conditions_and_stages_round_trip_through_documents() -> None:
    document = {
        "id": "p",
        "version": "1",
        "rules": [
            {
                "rule": "overdue_too_old",
                "max_days": 30,
                "when": {"any": ["tag:public", {"all": ["tag:key_account", "tag:framework"]}]},
                "stages": ["invoice", "delivery"],
            }
        ],
    }
    policy = load_policy(document)
    entry = policy.rules[0]
    assert entry.stages == (DocumentStage.DELIVERY, DocumentStage.INVOICE)
    assert load_policy(config.dump(policy)) == policy
    assert load_condition("tag:public") == RuleCondition(all=["tag:public"])


def test_policies_without_conditions_or_stages_keep_their_digest() -> None:
    policy = Policy("p", version="1", rules=[StaticLimit(tolerance="0.05"), WatchList()])
    before_this_change = {  # the digest document as it was written before entries had them
        "id": "p",
        "version": "1",
        "exempt_prepaid": True,
        "exempt_reductions": True,
        "rules": [
            {
                "rule": entry.rule.name,
                "parameters": entry.rule,
                "on_fail": entry.on_fail,
                "stop": entry.stop,
                "applies_to_prepaid": entry.applies_to_prepaid,
            }
            for entry in policy.rules
        ],
    }
    expected = hashlib.sha256(canonical_json(before_this_change).encode("ascii")).hexdigest()
    assert policy.digest == expected
    tagged = Policy(
        "p",
        version="1",
        rules=[
            StaticLimit(tolerance="0.05"),
            PolicyEntry(WatchList(), when=RuleCondition(all=["tag:public"])),
        ],
    )
    staged = Policy(
        "p",
        version="1",
        rules=[StaticLimit(tolerance="0.05"), PolicyEntry(WatchList(), stages=["invoice"])],
    )
    assert len({policy.digest, tagged.digest, staged.digest}) == 3


def _reference(condition: RuleCondition, tags: frozenset[str]) -> bool:
    def term(item: str | RuleCondition) -> bool:
        return _reference(item, tags) if isinstance(item, RuleCondition) else item[4:] in tags

    results = [term(t) for t in condition.all]
    if condition.any:
        results.append(sum(map(term, condition.any)) > 0)
    results.extend(not term(t) for t in condition.none)
    return False not in results


@given(condition=rule_conditions(), tags=st.frozensets(st.sampled_from(TAGS)))
def test_a_condition_holds_as_boolean_logic_over_the_tags(
    condition: RuleCondition, tags: frozenset[str]
) -> None:
    assert condition.holds(profile(tags=sorted(tags))) is _reference(condition, tags)
    negated = RuleCondition(none=[condition])
    assert negated.holds(profile(tags=sorted(tags))) is not condition.holds(
        profile(tags=sorted(tags))
    )


# -- stages ----------------------------------------------------------------------------------


def test_an_entry_limited_to_stages_runs_only_there() -> None:
    # SAP FSCM: a stricter check at delivery than at the sales order.
    policy = load_policy(
        {
            "id": "p",
            "version": "1",
            "rules": [
                {"rule": "static_limit"},
                {"rule": "overdue_too_old", "max_days": 0, "stages": ["delivery", "invoice"]},
            ],
        }
    )
    late = profile(oldest_overdue_days=12, overdue_amount=eur(50), overdue_share="0.1")
    assert check(late, order(), policy).outcome is Outcome.APPROVE
    assert check(late, order(stage="delivery"), policy).codes == ("OVERDUE_TOO_OLD",)
    assert check(late, order(stage=DocumentStage.INVOICE), policy).codes == ("OVERDUE_TOO_OLD",)


def test_a_policy_set_chooses_a_policy_per_stage() -> None:
    # D365: credit checkpoints at order confirmation and at packing slip posting.
    policies = load_policy_set(
        {
            "id": "s",
            "version": "1",
            "default": "order",
            "policies": [
                {"id": "order", "version": "1", "rules": [{"rule": "static_limit"}]},
                {"id": "delivery", "version": "1", "rules": [{"rule": "watch_list"}]},
            ],
            "select": [{"policy": "delivery", "stage": "delivery"}],
        }
    )
    assert check(profile(), order(), policies).policy_id == "order"
    assert check(profile(), order(stage="delivery"), policies).policy_id == "delivery"
    assert policies.policy_for(profile()).id == "order"
    with pytest.raises(ValidationError, match=r"^stage: expected one of 'order', 'delivery'"):
        policies.policy_for(profile(), stage="shipping")


def test_stage_errors() -> None:
    with pytest.raises(ValidationError, match=r"^stage: expected one of 'order'"):
        order(stage="shipping")
    with pytest.raises(ValidationError, match=r"^stages: expected a non-empty list of stages"):
        PolicyEntry(WatchList(), stages=[])
    with pytest.raises(ConfigError) as caught:
        load_policy(
            {
                "id": "p",
                "version": "1",
                "rules": [{"rule": "watch_list", "stages": ["goods_issue"]}],
            }
        )
    assert caught.value.path == "rules[0].stages[0]"
    with pytest.raises(ConfigError) as caught:
        load_policy_set(
            {
                "id": "s",
                "version": "1",
                "default": "p",
                "policies": [{"id": "p", "version": "1", "rules": [{"rule": "watch_list"}]}],
                "select": [{"policy": "p", "stage": "goods_issue"}],
            }
        )
    assert caught.value.path == "select[0].stage"
    with pytest.raises(ValidationError, match=r"a selector needs a segment, a risk_class, a stage"):
        PolicySelector("p")


def test_repeated_stages_are_refused_with_their_path() -> None:
    """Finding 5 (stages): ``PolicyEntry(stages=[...])`` dropped repeats silently and
    ``load_policy`` accepted them; a repeat is now refused, naming where it is."""
    with pytest.raises(
        ValidationError, match=r"^stages\[2\]: 'invoice' is already stages\[0\]; give each"
    ):
        PolicyEntry(WatchList(), stages=["invoice", "order", "invoice"])
    with pytest.raises(ValidationError, match=r"^stages\[1\]: 'order' is already stages\[0\]"):
        PolicyEntry(WatchList(), stages=[DocumentStage.ORDER, "order"])
    with pytest.raises(ConfigError) as caught:
        load_policy(
            {
                "id": "p",
                "version": "1",
                "rules": [{"rule": "watch_list", "stages": ["delivery", "invoice", "delivery"]}],
            }
        )
    assert caught.value.path == "rules[0].stages[2]"
    assert "'delivery' is already stages[0]" in str(caught.value)
    # distinct stages are still kept in the enum's order, so the digest does not depend
    # on the order they were written in
    entry = PolicyEntry(WatchList(), stages=["invoice", "order"])
    assert entry.stages == (DocumentStage.ORDER, DocumentStage.INVOICE)


_PLAIN = Policy(
    "plain",
    version="1",
    rules=[
        PolicyEntry(CustomerBlocked(), on_fail="reject", stop=True),
        StaticLimit(),
        OverdueTooOld(max_days=30, when_missing="pass"),
        UnpaidInvoiceCount(max_count=10, when_missing="pass"),
    ],
)


@given(profile=credit_profiles(), order=order_requests())
def test_without_stages_every_stage_decides_as_the_order_stage(
    profile: CreditProfile, order: OrderRequest
) -> None:
    expected = check(profile, attrs.evolve(order, stage="order"), _PLAIN)
    decision = check(profile, order, _PLAIN)
    assert (decision.outcome, decision.codes) == (expected.outcome, expected.codes)


@st.composite
def _guarded_policies(draw: st.DrawFn) -> Policy:
    rules = [
        CustomerBlocked(),
        StaticLimit(),
        WatchList(),
        OverdueTooOld(max_days=30, when_missing="pass"),
        UnpaidInvoiceCount(max_count=5),
        OverdueInvoiceCount(max_count=1, when_missing="pass"),
    ]
    entries = []
    for _ in range(draw(st.integers(1, 5))):
        on_fail = draw(st.sampled_from(["hold", "reject"]))
        entries.append(
            PolicyEntry(
                draw(st.sampled_from(rules)),
                on_fail=on_fail,
                stop=on_fail == "reject" and draw(st.booleans()),
                when=draw(st.none() | rule_conditions(1)),
                stages=draw(
                    st.none() | st.lists(st.sampled_from(DocumentStage), min_size=1, unique=True)
                ),
            )
        )
    return Policy("g", version="1", rules=entries, exempt_prepaid=draw(st.booleans()))


@given(profile=credit_profiles(), order=order_requests(), policy=_guarded_policies())
def test_the_compiled_policy_skips_the_entries_that_do_not_apply(
    profile: CreditProfile, order: OrderRequest, policy: Policy
) -> None:
    exempt = (order.prepaid and policy.exempt_prepaid) or (
        order.amount.amount <= 0 and policy.exempt_reductions
    )
    expected = []
    for entry in policy.rules:
        if (exempt and not entry.checks_prepaid) or not entry.applies(profile, order):
            continue
        result = entry.rule.evaluate(profile, order)
        if not result.passed:
            expected.append(result.code)
            if entry.stop:
                break
    assert check(profile, order, policy).codes == tuple(expected)


def test_the_order_stage_reaches_the_fingerprint() -> None:
    one = check(profile(), order(), _PLAIN)
    two = check(profile(), order(stage="invoice"), _PLAIN)
    assert one.outcome is two.outcome
    assert one.fingerprint != two.fingerprint


# -- robustness ---------------------------------------------------------------------------


def _junk() -> st.SearchStrategy[object]:
    words = st.sampled_from(["all", "any", "none", "tag:a", "tag:", "tag: a", "x", ""])
    leaves = st.none() | st.booleans() | st.integers() | words | st.decimals(allow_nan=False)
    return st.recursive(
        leaves,
        lambda inner: (
            st.lists(inner, max_size=3)
            | st.dictionaries(words | st.text(max_size=3), inner, max_size=3)
        ),
        max_leaves=12,
    )


@given(when=_junk(), stages=_junk())
def test_junk_conditions_and_stages_load_or_raise_a_config_error(
    when: object, stages: object
) -> None:
    for entry in ({"rule": "watch_list", "when": when}, {"rule": "watch_list", "stages": stages}):
        try:
            policy = load_policy({"id": "p", "version": "1", "rules": [entry]})
        except ConfigError:
            continue
        assert load_policy(config.dump(policy)) == policy


def test_a_condition_nested_too_deeply_is_a_config_error() -> None:
    deep: object = "tag:a"
    for _ in range(2000):
        deep = {"any": [deep]}
    with pytest.raises(ConfigError, match=r"conditions nest more than 32 deep"):
        load_condition(deep, path="when")


def test_tags_and_counts_reach_the_fingerprint() -> None:
    base = check(profile(), order(), _PLAIN).fingerprint
    for changes in ({"tags": ["public"]}, {"unpaid_invoice_count": 2}):
        assert check(profile(**changes), order(), _PLAIN).fingerprint != base


def test_the_profile_keeps_tags_sorted_once_and_refuses_bad_ones() -> None:
    assert profile(tags=("public", "key_account", "public")).tags == ("key_account", "public")
    with pytest.raises(ValidationError, match=r"^tags: expected a list of tag names"):
        profile(tags="public")
    with pytest.raises(ValidationError, match=r"^tags: expected non-empty tag names"):
        profile(tags=["public", " key_account"])
    with pytest.raises(ValidationError, match=r"^tags: expected non-empty tag names"):
        profile(tags=[7])


def test_the_stage_converter_is_defined_once() -> None:
    """Finding 6 (duplicates): ``_to_stage`` was defined in both policy.order and
    policy.policy."""
    from credkit.policy import order as order_module
    from credkit.policy import policy as policy_module

    assert policy_module._to_stage is order_module._to_stage
