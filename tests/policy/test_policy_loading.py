"""Tests for loading policies and policy sets, the rule registry and custom rules.

The robustness tests feed arbitrary documents (JSON-like values, damaged valid
documents, arbitrary TOML and JSON text) to the loaders and accept only a policy or a
well-formed ConfigError.
"""

from __future__ import annotations

import copy
import datetime
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from credkit import config
from credkit.errors import ConfigError, PolicyError, ValidationError
from credkit.money import Money
from credkit.policy import (
    BUILTIN_RULES,
    CreditProfile,
    CustomRule,
    Exposure,
    OrderRequest,
    Outcome,
    Policy,
    PolicySet,
    RuleRegistry,
    RuleResult,
    check,
    load_policy,
    load_policy_set,
)
from credkit.policy.rules import (
    BUILTIN_RULE_TYPES,
    StaticLimit,
)
from credkit.testing.strategies import config_documents, corrupted

AS_OF = datetime.date(2026, 11, 23)
EXAMPLE = Path(__file__).resolve().parents[2] / "src" / "credkit" / "data" / "credit-policy.toml"


def document(*rules: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"id": "standard", "version": "1", "rules": list(rules), **extra}


# -- loading ------------------------------------------------------------------------------


def test_load_a_policy_from_toml_json_and_a_mapping() -> None:
    toml = """
id = "standard"
version = "2026-11"
description = "Wholesale customers"

[[rules]]
rule = "customer_blocked"
on_fail = "reject"
stop = true

[[rules]]
rule = "static_limit"
tolerance = "0.05"

[[rules]]
rule = "overdue_too_old"
max_days = 60
on_fail = "reject"
when_missing = "pass"
"""
    policy = load_policy(toml, format="toml")
    assert [(e.rule.name, e.on_fail, e.stop) for e in policy.rules] == [
        ("customer_blocked", Outcome.REJECT, True),
        ("static_limit", Outcome.HOLD, False),
        ("overdue_too_old", Outcome.REJECT, False),
    ]
    assert policy.rules[1].rule == StaticLimit(tolerance=Decimal("0.05"))
    assert load_policy(json.dumps(config.dump(policy)), format="json") == policy
    assert load_policy(config.dump(policy)) == policy
    assert config.load(Policy, toml, format="toml") == policy


def test_the_example_policy_file_loads() -> None:
    policies = load_policy_set(EXAMPLE)
    assert policies.default in [p.id for p in policies.policies]


@pytest.mark.parametrize(
    ("source", "path", "detail"),
    [
        (document({"rule": "static_limt"}), "rules[0].rule", "unknown rule 'static_limt'"),
        (document({"rule": 3}), "rules[0].rule", "expected a rule name, got int 3"),
        (document({"tolerance": "0.1"}), "rules[0].rule", "required key is missing"),
        (
            document({"rule": "static_limit"}, {"rule": "overdue_too_old", "max_days": -5}),
            "rules[1].max_days",
            "must be 0 or more, got -5",
        ),
        (
            document({"rule": "overdue_too_old", "max_dayz": 5}),
            "rules[0].max_dayz",
            "unknown key; rule 'overdue_too_old' accepts applies_to_prepaid, max_days, on_fail, "
            "rule, stages, stop, when, when_missing",
        ),
        (document({"rule": "overdue_too_old"}), "rules[0].max_days", "required key is missing"),
        (
            document({"rule": "static_limit", "tolerance": 5}),
            "rules[0].tolerance",
            "must be from 0 to 1 (a fraction such as 0.05 for 5 %), got 5",
        ),
        (
            document({"rule": "static_limit", "on_fail": "approve"}),
            "rules[0].on_fail",
            "expected 'hold' or 'reject', got str 'approve'",
        ),
        (
            document({"rule": "static_limit", "stop": True}),
            "rules[0].stop",
            "only an entry with on_fail 'reject' may stop",
        ),
        (
            document({"rule": "static_limit", "stop": "yes"}),
            "rules[0].stop",
            "expected true or false, got str 'yes'",
        ),
        (
            document({"rule": "score_floor", "min_score": "5", "when_missing": "skip"}),
            "rules[0].when_missing",
            "expected one of 'fail', 'pass', got str 'skip'",
        ),
        (
            document({"rule": "max_order_value", "max_amount": "50000"}),
            "rules[0].max_amount",
            "expected an amount as '1250.00 EUR'",
        ),
        (
            document({"rule": "risk_class_blocked", "blocked": "E"}),
            "rules[0].blocked",
            "expected a list, got str 'E'",
        ),
        (
            document({"rule": "dunning_level", "level": "2"}),
            "rules[0].level",
            "expected an integer, got str '2'",
        ),
        (document(), "rules", "a policy needs at least one rule"),
        (document({"rule": "watch_list"}, colour="red"), "colour", "unknown key"),
        (document(["static_limit"]), "rules[0]", "expected a table with a 'rule' key"),
    ],
)
def test_loading_errors_name_the_path(source: dict[str, Any], path: str, detail: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_policy(source)
    assert caught.value.path == path
    assert detail in caught.value.detail


def test_a_policy_set_loads_and_checks_its_references() -> None:
    source = {
        "id": "acme",
        "version": "1",
        "default": "standard",
        "policies": [
            {"id": "standard", "version": "3", "rules": [{"rule": "static_limit"}]},
            {"id": "strict", "version": "1", "rules": [{"rule": "require_limit"}]},
        ],
        "select": [{"policy": "strict", "segment": "public", "risk_class": "D"}],
    }
    policies = load_policy_set(source)
    assert policies.select[0].policy == "strict"
    broken = copy.deepcopy(source)
    broken["select"][0]["policy"] = "lenient"
    with pytest.raises(ConfigError, match=r"select\[0\].policy: 'lenient' is not the id"):
        load_policy_set(broken)
    broken = copy.deepcopy(source)
    broken["policies"][1]["rules"][0]["rule"] = "nope"
    with pytest.raises(ConfigError) as caught:
        load_policy_set(broken)
    assert caught.value.path == "policies[1].rules[0].rule"
    broken = copy.deepcopy(source)
    broken["select"][0] = {"policy": "strict"}
    with pytest.raises(ConfigError, match=r"select\[0\]"):
        load_policy_set(broken)


def test_load_policy_refuses_a_registry_that_is_not_one() -> None:
    with pytest.raises(ValidationError, match=r"^registry: expected a RuleRegistry"):
        load_policy(document({"rule": "watch_list"}), registry={})  # type: ignore[arg-type]


# -- custom rules -------------------------------------------------------------------------


@attrs.frozen
class InsuranceParams:
    """Parameters of a custom rule: the insured cover as a share of the limit."""

    max_share: Decimal = attrs.field(converter=Decimal)

    @max_share.validator
    def _check(self, attribute: attrs.Attribute[Decimal], value: Decimal) -> None:
        if not 0 < value <= 1:
            raise ValidationError(f"max_share: must be above 0 and at most 1, got {value}")


def insured(profile: CreditProfile, order: OrderRequest, params: InsuranceParams) -> RuleResult:
    cover = profile.bureau.get("insured_cover")
    if not isinstance(cover, Decimal):
        return RuleResult.failure("insured_cover", "NO_COVER", "no insured cover on the profile")
    if profile.exposure_amount + order.amount.amount > cover * params.max_share:
        return RuleResult.failure("insured_cover", "OVER_COVER", "over the insured cover")
    return RuleResult.success("insured_cover", "OVER_COVER")


REGISTRY = BUILTIN_RULES.register(
    "insured_cover", insured, params=InsuranceParams, code="OVER_COVER", codes=["NO_COVER"]
)


def profile(**changes: Any) -> CreditProfile:
    return CreditProfile("C-1", as_of=AS_OF, exposure=Exposure((), currency="EUR"), **changes)


def order(amount: str) -> OrderRequest:
    return OrderRequest("SO-1", Money.of(amount, "EUR"), order_date=AS_OF)


def test_a_registered_custom_rule_loads_and_decides() -> None:
    policy = load_policy(
        document({"rule": "insured_cover", "max_share": "0.9", "on_fail": "reject"}),
        registry=REGISTRY,
    )
    rule = policy.rules[0].rule
    assert isinstance(rule, CustomRule)
    assert rule.params == InsuranceParams(Decimal("0.9"))
    covered = profile(bureau={"insured_cover": Decimal(1000)})
    assert check(covered, order("900.00"), policy).outcome is Outcome.APPROVE
    decision = check(covered, order("900.01"), policy)
    assert (decision.outcome, decision.codes) == (Outcome.REJECT, ("OVER_COVER",))
    assert check(profile(), order("1"), policy).codes == ("NO_COVER",)
    assert REGISTRY.spec("insured_cover").codes == ("OVER_COVER", "NO_COVER")
    assert load_policy(config.dump(policy), registry=REGISTRY) == policy


def test_custom_rule_errors_are_config_errors_with_paths() -> None:
    with pytest.raises(ConfigError) as caught:
        load_policy(document({"rule": "insured_cover", "max_share": "2"}), registry=REGISTRY)
    assert (caught.value.path, caught.value.detail) == (
        "rules[0].max_share",
        "must be above 0 and at most 1, got 2",
    )
    with pytest.raises(ConfigError) as caught:
        load_policy(document({"rule": "insured_cover", "share": "0.5"}), registry=REGISTRY)
    assert caught.value.path == "rules[0].share"
    # the default registry does not know the custom rule
    with pytest.raises(ConfigError, match=r"unknown rule 'insured_cover'"):
        load_policy(document({"rule": "insured_cover", "max_share": "0.5"}))


def test_registering_is_explicit() -> None:
    with pytest.raises(ValidationError, match=r"^name: rule 'insured_cover' is already"):
        REGISTRY.register("insured_cover", insured, code="X")
    with pytest.raises(ValidationError, match=r"^name: expected a lower-case name"):
        BUILTIN_RULES.register("Insured", insured, code="X")
    with pytest.raises(ValidationError, match=r"^code: expected an upper-case reason code"):
        BUILTIN_RULES.register("insured", insured, code="x")
    with pytest.raises(ValidationError, match=r"^params: expected an attrs class"):
        BUILTIN_RULES.register("insured", insured, code="X", params=dict)
    with pytest.raises(ValidationError, match=r"^function: expected a callable"):
        BUILTIN_RULES.register("insured", "insured", code="X")  # type: ignore[arg-type]
    assert "insured_cover" not in BUILTIN_RULES
    assert REGISTRY != BUILTIN_RULES
    assert RuleRegistry(BUILTIN_RULES.specs.values()) == BUILTIN_RULES


def test_a_custom_rule_without_parameters_refuses_keys() -> None:
    def manual(p: CreditProfile, o: OrderRequest, params: None) -> RuleResult:
        return RuleResult.failure("manual", "MANUAL", "every order is looked at")

    registry = BUILTIN_RULES.register("manual", manual, code="MANUAL")
    assert registry.rule("manual").evaluate(profile(), order("1")).code == "MANUAL"
    with pytest.raises(ConfigError, match=r"^rules\[0\].level: unknown key; rule 'manual' accepts"):
        load_policy(document({"rule": "manual", "level": 1}), registry=registry)


def test_a_custom_rule_that_answers_nonsense_is_a_policy_error() -> None:
    registry = BUILTIN_RULES.register("broken", lambda p, o, params: "ok", code="BROKEN")
    policy = Policy("p", version="1", rules=[registry.rule("broken")])
    with pytest.raises(PolicyError, match=r"custom rule 'broken' returned str 'ok'"):
        check(profile(), order("1"), policy)


def test_registry_rule_builds_built_in_rules_too() -> None:
    for cls in BUILTIN_RULE_TYPES:
        assert BUILTIN_RULES.spec(cls.name).params is cls
    assert BUILTIN_RULES.rule("static_limit", tolerance="0.1") == StaticLimit(tolerance="0.1")


# -- robustness ---------------------------------------------------------------------------

_ENTRY_KEYS = ["rule", "on_fail", "stop", "applies_to_prepaid"]
_FIELD_NAMES = sorted(
    {a.name for cls in BUILTIN_RULE_TYPES for a in attrs.fields(cls) if a.init}
    | {a.name for a in attrs.fields(Policy) if a.init}
    | {a.name for a in attrs.fields(PolicySet) if a.init}
    | set(_ENTRY_KEYS)
    | {"segment", "risk_class", "policy"}
)


def json_documents() -> st.SearchStrategy[Any]:
    """JSON-like values whose keys are mostly the policy's own field and rule names."""
    return config_documents(
        keys=_FIELD_NAMES,
        words=[
            *BUILTIN_RULES.names(),
            "hold",
            "reject",
            "approve",
            "fail",
            "pass",
            "0.05",
            "open_orders",
            "E",
        ],
    )


def _valid_rule_document(name: str) -> dict[str, Any]:
    examples: dict[str, dict[str, Any]] = {
        "dynamic_limit": {"horizon_days": 30},
        "max_order_value": {"max_amount": "50000 EUR"},
        "overdue_too_old": {"max_days": 30},
        "overdue_amount": {"max_amount": "1000 EUR"},
        "overdue_share": {"max_share": "0.5"},
        "dunning_level": {"level": 2},
        "risk_class_blocked": {"blocked": ["D", "E"]},
        "score_floor": {"min_score": 450},
        "payment_index_floor": {"min_index": 50},
    }
    return {"rule": name, **examples.get(name, {})}


@st.composite
def damaged_documents(draw: st.DrawFn) -> dict[str, Any]:
    """A valid policy document with one to three places replaced by junk or removed."""
    names = draw(st.lists(st.sampled_from(BUILTIN_RULES.names()), min_size=1, max_size=5))
    doc: Any = document(*(_valid_rule_document(n) for n in names))
    for _ in range(draw(st.integers(1, 3))):
        doc = draw(corrupted(doc, junk=json_documents()))
    return doc  # type: ignore[no-any-return]


def _load_or_config_error(source: Any, **kwargs: Any) -> None:
    try:
        result = load_policy(source, **kwargs)
    except ConfigError as caught:
        error = caught
    else:
        assert isinstance(result, Policy)
        return
    assert error.problems
    assert error.path == error.problems[0][0]
    if error.path:
        assert str(error).startswith(f"{error.path}: ")


@given(doc=json_documents())
@example(doc={"id": "p", "version": "1", "rules": [{"rule": "static_limit", "tolerance": None}]})
@example(doc={"id": "p", "version": "1", "rules": [{"rule": "sub_limits", "order_kind": []}]})
@example(
    doc={"id": "p", "version": "1", "rules": [{"rule": "risk_class_blocked", "blocked": [[]]}]}
)
@example(
    doc={
        "id": "p",
        "version": "1",
        "rules": [{"rule": "max_order_value", "max_amount": {"amount": "1", "currency": "XXX1"}}],
    }
)
def test_arbitrary_documents_give_a_policy_or_a_config_error(doc: Any) -> None:
    if isinstance(doc, dict):
        _load_or_config_error(doc)
        _load_or_config_error(json.dumps(doc, default=str), format="json")
    else:
        with pytest.raises(ConfigError):
            load_policy(doc)


@given(doc=damaged_documents())
def test_damaged_documents_give_a_policy_or_a_config_error(doc: dict[str, Any]) -> None:
    _load_or_config_error(doc)
    _load_or_config_error(doc, registry=REGISTRY)


@given(text=st.text())
@example(text='id = "p"\nversion = "1"\n[[rules]]\nrule = "static_limit"\ntolerance = nan')
@example(text='id = "p"\nversion = "1"\n[[rules]]\nrule = "review_overdue"\ngrace_days = 1e400')
@example(text="a = " + "[" * 5000)
def test_arbitrary_toml_gives_a_policy_or_a_config_error(text: str) -> None:
    _load_or_config_error(text, format="toml")


@given(text=st.text())
@example(text='{"id": "p", "version": "1", "rules": [{"rule": "score_floor", "min_score": 1e400}]}')
@example(text="[" * 5000)
def test_arbitrary_json_gives_a_policy_or_a_config_error(text: str) -> None:
    _load_or_config_error(text, format="json")
