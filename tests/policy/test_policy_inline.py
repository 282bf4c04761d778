"""A policy inlines each built-in rule's ``fails`` method, derived from its own source.

The differential property in test_policy_check.py holds inlined policies to the rules
evaluated one by one; these tests pin the inliner's own promises: every built-in rule
is inlined, a method of another shape (or without source) is called instead with the
same decisions, and tracebacks show the generated lines.
"""

from __future__ import annotations

import datetime
import linecache
import traceback
import warnings
from decimal import Decimal
from typing import ClassVar

import attrs
import pytest

import credkit.policy
from credkit.errors import PolicyError
from credkit.money import Money
from credkit.policy import (
    CreditProfile,
    Exposure,
    ExposureComponent,
    OrderRequest,
    Policy,
    RuleResult,
    check,
)
from credkit.policy import rules as rules_module
from credkit.policy.rules import (
    BUILTIN_RULE_TYPES,
    BuiltinRule,
    DunningLevelReached,
    MaxOrderValue,
    ScoreFloor,
    StaticLimit,
    _inline,
)

AS_OF = datetime.date(2026, 11, 23)


def profile(**changes: object) -> CreditProfile:
    values: dict[str, object] = {
        "as_of": AS_OF,
        "limit": Money.of("1000.00", "EUR"),
        "exposure": Exposure(
            (ExposureComponent("open_receivables", Money.of("900.00", "EUR")),), currency="EUR"
        ),
    }
    values.update(changes)
    return CreditProfile("C-1", **values)  # type: ignore[arg-type]


def order(amount: str) -> OrderRequest:
    return OrderRequest("SO-1", Money.of(amount, "EUR"), order_date=AS_OF)


def _required(cls: type[BuiltinRule]) -> dict[str, object]:
    examples: dict[str, object] = {
        "horizon_days": 30,
        "max_amount": Money.of("500.00", "EUR"),
        "max_days": 30,
        "max_share": "0.25",
        "level": 2,
        "blocked": ["D", "E"],
        "min_score": 500,
        "min_index": 70,
        "max_count": 3,
    }
    return {
        a.name: examples[a.name] for a in attrs.fields(cls) if a.init and a.default is attrs.NOTHING
    }


@pytest.mark.parametrize("cls", BUILTIN_RULE_TYPES, ids=lambda cls: cls.__name__)
def test_every_built_in_rule_is_inlined(cls: type[BuiltinRule]) -> None:
    rule = cls(**_required(cls))
    inlined = _inline.inline(rule, "c0_")
    assert inlined is not None
    source, names = inlined
    assert all(name.startswith("c0_") for name in names)
    assert "self" not in source.replace("c0_self", "")
    assert "f0(p, o)" not in Policy("p", version="1", rules=[rule]).source


@attrs.frozen
class _Looping(BuiltinRule):
    """A rule whose ``fails`` binds a name of its own: not inlinable, so the policy calls it."""

    name: ClassVar[str] = "looping"
    code: ClassVar[str] = "LOOPING"
    codes: ClassVar[tuple[str, ...]] = ("LOOPING",)

    def fails(self, p: CreditProfile, amount: Decimal) -> bool:
        return any(c.amount.amount + amount > 950 for c in p.exposure.components)

    def explain(self, profile: CreditProfile, order: OrderRequest) -> RuleResult:
        return RuleResult(self.name, "LOOPING", False, "a component would pass 950.00")


def test_a_rule_of_another_shape_is_called_with_the_same_decisions() -> None:
    rule = _Looping()
    assert _inline.inline(rule, "c0_") is None
    policy = Policy("p", version="1", rules=[rule])
    assert "r = f0(p, o)" in policy.source
    assert check(profile(), order("49.99"), policy).outcome.value == "approve"
    decision = check(profile(), order("50.01"), policy)
    assert [reason.code for reason in decision.reasons] == ["LOOPING"]


def test_without_source_the_rule_is_called(monkeypatch: pytest.MonkeyPatch) -> None:
    def unreadable(_object: object) -> str:
        raise OSError("could not get source code")

    _inline._template.cache_clear()
    monkeypatch.setattr(_inline.inspect, "getsource", unreadable)
    try:
        policy = Policy("p", version="1", rules=[StaticLimit(), ScoreFloor(min_score=500)])
        assert "f0(p, o)" in policy.source
        assert "f1(p, o)" in policy.source
        decision = check(profile(score=400), order("100.01"), policy)
        assert [reason.code for reason in decision.reasons] == [
            "LIMIT_EXCEEDED",
            "SCORE_BELOW_FLOOR",
        ]
    finally:
        _inline._template.cache_clear()


def test_tracebacks_show_the_generated_line() -> None:
    policy = Policy("p", version="1", rules=[MaxOrderValue(max_amount=Money.of(10, "USD"))])
    with pytest.raises(PolicyError, match=r"^max_order_value\.max_amount: 10 USD") as caught:
        check(profile(), order("1.00"), policy)
    frames = traceback.extract_tb(caught.value.__traceback__)
    generated = [f for f in frames if f.filename.startswith("<credkit policy decide ")]
    assert len(generated) == 1
    line = linecache.getline(generated[0].filename, generated[0].lineno or 0)
    assert "c0_self_refuse_currency" in line
    assert generated[0].line == line.strip()


def test_equal_policies_share_one_linecache_entry() -> None:
    before = {k for k in linecache.cache if str(k).startswith("<credkit policy")}
    for tolerance in ("0", "0.01", "0.02"):
        Policy("p", version=tolerance, rules=[StaticLimit(tolerance=tolerance)])
    after = {k for k in linecache.cache if str(k).startswith("<credkit policy")}
    assert len(after - before) <= 2  # decide and decide_prepaid; parameters are names


def test_old_names_still_work_for_one_release_and_say_so() -> None:
    with pytest.warns(DeprecationWarning, match=r"credkit\.policy\.rules\.StaticLimit"):
        assert credkit.policy.StaticLimit is StaticLimit  # type: ignore[attr-defined]
    with pytest.warns(DeprecationWarning, match="DunningLevelReached"):
        assert credkit.policy.DunningLevel is DunningLevelReached  # type: ignore[attr-defined]
    with pytest.warns(DeprecationWarning, match="DunningLevelReached"):
        assert rules_module.DunningLevel is DunningLevelReached  # type: ignore[attr-defined]
    with pytest.warns(DeprecationWarning, match=r"rule\.failure\(profile, order\)"):
        fast = StaticLimit().compile()
    assert fast(profile(), order("100.01")) == StaticLimit().failure(profile(), order("100.01"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(AttributeError, match="NoSuchRule"):
            credkit.policy.NoSuchRule  # type: ignore[attr-defined] # noqa: B018
