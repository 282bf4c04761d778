"""Credit policies: ordered rules with an outcome on failure, and sets of policies by segment or class.

A :class:`Policy` is an ``id``, a ``version`` and an ordered tuple of
:class:`PolicyEntry` values: a rule, the outcome when it fails (``hold`` or
``reject``) and whether evaluation stops there. When the policy is built it is
*compiled* into one Python function: the ``fails`` method of each built-in rule is
inlined as an ``if`` statement (derived from the method's own source, see decision
record 0006) and each custom rule is a call, so checking an order costs about what a
hand-written chain of ``if`` statements costs. The generated code is in
:attr:`Policy.source`, and tracebacks and debuggers show its lines.

Prepaid orders and orders that add no exposure (amount zero or below) are
approved by an explicit rule of the policy, not by accident: with
``exempt_prepaid`` (default true) a prepaid order is checked only by the rules that
apply to prepaid orders (the customer-blocked rule, unless an entry says
otherwise) and the decision records the reason ``PREPAID``; with
``exempt_reductions`` (default true) the same holds for orders of zero or less,
recorded as ``REDUCES_EXPOSURE``. Set either to false to check such orders by every
rule.

A :class:`PolicySet` chooses the policy for a profile: the first of its
:class:`PolicySelector` entries that matches the profile's segment and/or risk
class, else the default.

Policies and policy sets load from TOML, JSON or a mapping with
:func:`load_policy` and :func:`load_policy_set` (or :func:`credkit.config.load`,
which knows the built-in rules). A rule entry names its rule with ``rule`` and
gives the rule's parameters beside it::

    id = "standard"
    version = "2026-11"

    [[rules]]
    rule = "customer_blocked"
    on_fail = "reject"
    stop = true

    [[rules]]
    rule = "static_limit"
    tolerance = "0.05"

An entry may also say when it applies: ``when`` is a
:class:`~credkit.policy.conditions.RuleCondition` on the customer's tags (``when =
{ any = ["tag:key_account", "tag:public"] }``) and ``stages`` lists the
:class:`~credkit.policy.order.DocumentStage` values it runs at (``stages =
["delivery", "invoice"]``). An entry that does not apply to an order is skipped as
if it were not in the policy. A policy set's selectors can choose a policy by stage
too.

Unknown rule names, unknown keys and bad parameters are
:class:`~credkit.errors.ConfigError` values with the path (``rules[1].tolerance``).

>>> policy = load_policy(
...     {
...         "id": "standard",
...         "version": "1",
...         "rules": [
...             {"rule": "customer_blocked", "on_fail": "reject", "stop": True},
...             {"rule": "static_limit", "tolerance": "0.05"},
...             {"rule": "overdue_too_old", "max_days": 30},
...         ],
...     }
... )
>>> [entry.rule.name for entry in policy.rules]
['customer_blocked', 'static_limit', 'overdue_too_old']
>>> load_policy({"id": "p", "version": "1", "rules": [{"rule": "overdue_too_old", "max_days": -5}]})
Traceback (most recent call last):
...
credkit.errors.ConfigError: rules[0].max_days: must be 0 or more, got -5
"""

from __future__ import annotations

import contextvars
import hashlib
import linecache
import os
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import attrs

from credkit import config
from credkit._validate import boolean, describe, enum_converter, optional_text, text
from credkit.errors import ConfigError, ValidationError
from credkit.policy.conditions import RuleCondition, load_condition
from credkit.policy.fingerprints import canonical_json
from credkit.policy.order import DocumentStage, OrderRequest, _to_stage
from credkit.policy.profile import CreditProfile
from credkit.policy.registry import BUILTIN_RULES, CustomRule, RuleRegistry, check_keys
from credkit.policy.result import Outcome, RuleResult
from credkit.policy.rules import Rule, builtin
from credkit.policy.rules._inline import inline

__all__ = [
    "Decide",
    "Policy",
    "PolicyEntry",
    "PolicySelector",
    "PolicySet",
    "load_policy",
    "load_policy_set",
]

_ENTRY_KEYS = ("rule", "on_fail", "stop", "applies_to_prepaid", "when", "stages")


def _rule(_instance: object, _attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Rule):
        raise ValidationError(
            "rule: expected a rule (a built-in rule such as StaticLimit(), or one from "
            f"RuleRegistry.rule), got {describe(value)}"
        )


def _on_fail(_instance: object, _attribute: attrs.Attribute[Any], value: object) -> None:
    if value not in (Outcome.HOLD, Outcome.REJECT):
        shown = value.value if isinstance(value, Outcome) else value
        raise ValidationError(f"on_fail: expected 'hold' or 'reject', got {describe(shown)}")


_to_outcome_value = enum_converter(Outcome)


def _to_outcome(value: object) -> Any:
    return _to_outcome_value(value)


_STAGES = ", ".join(repr(stage.value) for stage in DocumentStage)


def _stages(value: object) -> Any:
    if value is None or isinstance(value, str) or not isinstance(value, list | tuple | frozenset):
        return value
    converted = tuple(_to_stage(item) for item in value)
    if all(isinstance(item, DocumentStage) for item in converted) and len(set(converted)) == len(
        converted
    ):
        # in the enum's order, so that the same stages written in another order give the
        # same entry and the same policy digest; repeats are left for _check_stages to refuse
        return tuple(stage for stage in DocumentStage if stage in converted)
    return converted


def _repeated_stage(stages: tuple[object, ...]) -> tuple[int, int] | None:
    # (index of the repeat, index of the first occurrence) of the first repeated stage
    first: dict[object, int] = {}
    for index, stage in enumerate(stages):
        if stage in first:
            return index, first[stage]
        first[stage] = index
    return None


def _check_stages(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    if not isinstance(value, tuple) or not value:
        raise ValidationError(
            f"{attribute.name}: expected a non-empty list of stages ({_STAGES}) or None for "
            f"every stage, got {describe(value)}"
        )
    for item in value:
        if not isinstance(item, DocumentStage):
            raise ValidationError(
                f"{attribute.name}: expected stages among {_STAGES}, got {describe(item)}"
            )
    repeat = _repeated_stage(value)
    if repeat is not None:
        index, first = repeat
        raise ValidationError(
            f"{attribute.name}[{index}]: {value[index].value!r} is already "
            f"{attribute.name}[{first}]; give each stage once"
        )


def _condition(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not isinstance(value, RuleCondition):
        raise ValidationError(
            f"{attribute.name}: expected a RuleCondition or None, got {describe(value)}"
        )


def _optional_bool(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not isinstance(value, bool):
        raise ValidationError(
            f"{attribute.name}: expected True, False or None, got {describe(value)}"
        )


@attrs.frozen
class PolicyEntry:
    """One rule of a policy: the rule, the outcome when it fails, and whether to stop there.

    ``on_fail`` is ``"hold"`` (the default) or ``"reject"``. ``stop=True`` ends the
    evaluation when this rule fails, so later rules are not checked (use it for
    rules after which nothing else matters, such as a blocked customer). Only a
    ``reject`` entry may stop: stopping after a hold could skip a later rejection,
    and then a customer who is worse in some respect would get a milder outcome
    than a better one. With that rule every decision is monotone: more exposure,
    a larger order, older overdue items never make the outcome milder.
    ``applies_to_prepaid`` overrides the rule's own answer to whether it still
    runs for prepaid orders and orders that add no exposure (``None`` keeps it).
    ``when`` (a :class:`~credkit.policy.conditions.RuleCondition` on the
    customer's tags) and ``stages`` (the :class:`~credkit.policy.order.DocumentStage`
    values it runs at, each once; kept in the order ``order``, ``delivery``,
    ``invoice`` whatever order they are given in) limit the orders the entry
    applies to; ``None``, the default for both, applies it to every order. An entry that does not apply is
    skipped: it neither fails nor stops.

    >>> from credkit.policy.rules import WatchList
    >>> PolicyEntry(WatchList(), on_fail="approve")
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: on_fail: expected 'hold' or 'reject', got str 'approve'
    >>> PolicyEntry(WatchList(), stop=True)
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: stop: only an entry with on_fail 'reject' may stop the evaluation; stopping after a hold could skip a later rejection, and a worse customer would then get a milder outcome than a better one
    """

    rule: Rule = attrs.field(validator=_rule)
    on_fail: Outcome = attrs.field(
        default=Outcome.HOLD, kw_only=True, converter=_to_outcome, validator=_on_fail
    )
    stop: bool = attrs.field(default=False, kw_only=True, validator=boolean)
    applies_to_prepaid: bool | None = attrs.field(
        default=None, kw_only=True, validator=_optional_bool
    )
    when: RuleCondition | None = attrs.field(default=None, kw_only=True, validator=_condition)
    stages: tuple[DocumentStage, ...] | None = attrs.field(
        default=None, kw_only=True, converter=_stages, validator=_check_stages
    )

    def __attrs_post_init__(self) -> None:
        if self.stop and self.on_fail is not Outcome.REJECT:
            raise ValidationError(
                "stop: only an entry with on_fail 'reject' may stop the evaluation; stopping "
                "after a hold could skip a later rejection, and a worse customer would then "
                "get a milder outcome than a better one"
            )

    @property
    def checks_prepaid(self) -> bool:
        """Whether this entry runs for prepaid orders and orders that add no exposure.

        >>> from credkit.policy.rules import CustomerBlocked, WatchList
        >>> PolicyEntry(CustomerBlocked()).checks_prepaid, PolicyEntry(WatchList()).checks_prepaid
        (True, False)
        """
        if self.applies_to_prepaid is not None:
            return self.applies_to_prepaid
        return bool(self.rule.applies_to_prepaid)

    def applies(self, profile: CreditProfile, order: OrderRequest) -> bool:
        """Whether this entry is checked for ``order``: its stage and its condition hold.

        >>> from datetime import date
        >>> from credkit.money import Money
        >>> from credkit.policy.exposure import Exposure
        >>> from credkit.policy.rules import WatchList
        >>> entry = PolicyEntry(WatchList(), when=RuleCondition(none=["tag:key_account"]),
        ...                     stages=["delivery"])
        >>> entry.stages
        (<DocumentStage.DELIVERY: 'delivery'>,)
        >>> profile = CreditProfile("C-1", as_of=date(2026, 11, 23), exposure=Exposure((), currency="EUR"))
        >>> order = OrderRequest("SO-1", Money.of(5, "EUR"), order_date=date(2026, 11, 23))
        >>> entry.applies(profile, order), entry.applies(profile, attrs.evolve(order, stage="delivery"))
        (False, True)
        """
        if self.stages is not None and order.stage not in self.stages:
            return False
        return self.when is None or self.when.holds(profile)


def _entries(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return tuple(PolicyEntry(item) if isinstance(item, Rule) else item for item in value)
    return value


def _check_entries(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, tuple):
        raise ValidationError(
            f"{attribute.name}: expected a list of rules or PolicyEntry values, got {describe(value)}"
        )
    if not value:
        raise ValidationError(
            f"{attribute.name}: a policy needs at least one rule (a policy without rules "
            "would approve every order)"
        )
    for index, entry in enumerate(value):
        if not isinstance(entry, PolicyEntry):
            raise ValidationError(
                f"{attribute.name}[{index}]: expected a rule or a PolicyEntry, got {describe(entry)}"
            )


Decide = Callable[[CreditProfile, OrderRequest, Decimal], list[tuple["PolicyEntry", Any]]]
"""A compiled policy: ``(profile, order, amount) -> [(entry, result or None), ...]`` for the
entries that failed, in order; ``None`` stands for a built-in rule's result, which
:meth:`Rule.explain <credkit.policy.rules.StaticLimit.explain>` gives on demand."""


def _compile(entries: tuple[PolicyEntry, ...], name: str) -> tuple[Decide, str]:
    """Generate one Python function that checks ``entries`` in order.

    A built-in rule's ``fails`` method is inlined as an ``if`` (see
    :func:`credkit.policy.rules._inline.inline`); any other rule, and a built-in one
    whose method cannot be inlined, is called through its ``failure`` method.
    Parameters are bound as names in the function's namespace, never pasted into the
    source. The source is registered with :mod:`linecache` under a name that tells
    its content apart, as attrs does for its generated methods.
    """
    namespace: dict[str, Any] = {"__builtins__": {}}
    lines = [f"def {name}(p, o, amount):", "    failed = []"]
    for index, entry in enumerate(entries):
        namespace[f"e{index}"] = entry
        rule = entry.rule
        guards = []  # when the entry applies: its stages, then its condition
        if entry.stages is not None:
            namespace[f"s{index}"] = frozenset(entry.stages)
            guards.append(f"o.stage in s{index}")
        if entry.when is not None:
            namespace[f"w{index}"] = entry.when.holds
            guards.append(f"w{index}(p)")
        guard = " and ".join(guards)
        inlined = inline(rule, f"c{index}_") if builtin(rule) else None
        if inlined is not None:
            source, values = inlined
            namespace.update(values)
            lines.append(f"    if {guard + ' and ' if guard else ''}{source}:")
            lines.append(f"        failed.append((e{index}, None))")
        else:
            namespace[f"f{index}"] = rule.failure
            if guard:
                lines.append(f"    r = f{index}(p, o) if {guard} else None")
            else:
                lines.append(f"    r = f{index}(p, o)")
            lines.append("    if r is not None:")
            lines.append(f"        failed.append((e{index}, r))")
        if entry.stop:
            lines.append("        return failed")
    lines.append("    return failed")
    source = "\n".join(lines) + "\n"
    digest = hashlib.sha256(source.encode()).hexdigest()[:12]
    filename = f"<credkit policy {name} {digest}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    exec(compile(source, filename, "exec"), namespace)  # our own generated source
    decide: Decide = namespace[name]
    return decide, source


@attrs.frozen
class Policy:
    """A credit policy: an id, a version, ordered rule entries, and how it treats prepaid orders.

    ``rules`` takes :class:`PolicyEntry` values or bare rules (which become entries
    that hold on failure). See the module description for ``exempt_prepaid`` and
    ``exempt_reductions``. The policy is compiled when it is built into
    ``decide`` (every entry) and ``decide_prepaid`` (the entries that apply to
    prepaid orders); ``source`` shows the generated code.

    >>> from credkit.policy.rules import CustomerBlocked, StaticLimit
    >>> policy = Policy(
    ...     "standard",
    ...     version="1",
    ...     rules=[PolicyEntry(CustomerBlocked(), on_fail="reject", stop=True), StaticLimit()],
    ... )
    >>> [(e.rule.name, e.on_fail.value, e.stop) for e in policy.rules]
    [('customer_blocked', 'reject', True), ('static_limit', 'hold', False)]
    >>> Policy("empty", version="1", rules=[])
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: rules: a policy needs at least one rule (a policy without rules would approve every order)
    """

    id: str = attrs.field(validator=text)
    version: str = attrs.field(kw_only=True, validator=text)
    rules: tuple[PolicyEntry, ...] = attrs.field(
        kw_only=True, converter=_entries, validator=_check_entries
    )
    exempt_prepaid: bool = attrs.field(default=True, kw_only=True, validator=boolean)
    exempt_reductions: bool = attrs.field(default=True, kw_only=True, validator=boolean)
    description: str | None = attrs.field(default=None, kw_only=True, validator=optional_text)
    _digest: str | None = attrs.field(init=False, default=None, repr=False, eq=False)
    decide: Decide = attrs.field(init=False, repr=False, eq=False)
    decide_prepaid: Decide = attrs.field(init=False, repr=False, eq=False)
    source: str = attrs.field(init=False, repr=False, eq=False)
    prepaid_result: RuleResult = attrs.field(init=False, repr=False, eq=False)
    reduction_result: RuleResult = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        decide, source = _compile(self.rules, "decide")
        prepaid = tuple(e for e in self.rules if e.checks_prepaid)
        decide_prepaid, prepaid_source = _compile(prepaid, "decide_prepaid")
        still = sorted({e.rule.name for e in prepaid})
        checked = f"; still checked: {', '.join(still)}" if still else ""
        object.__setattr__(self, "decide", decide)
        object.__setattr__(self, "decide_prepaid", decide_prepaid)
        object.__setattr__(self, "source", source + "\n" + prepaid_source)
        object.__setattr__(
            self,
            "prepaid_result",
            RuleResult(
                "prepaid",
                "PREPAID",
                True,
                f"prepaid order: no credit is extended, so the credit rules were not applied{checked}",
            ),
        )
        object.__setattr__(
            self,
            "reduction_result",
            RuleResult(
                "reduces_exposure",
                "REDUCES_EXPOSURE",
                True,
                "the order adds no exposure (amount zero or below), so the credit rules were not "
                f"applied{checked}",
            ),
        )

    @property
    def digest(self) -> str:
        """SHA-256 (hex) of the policy's content: every rule by name, its parameters,
        outcome and flags, and the policy's own settings (worked out on first read).

        A decision's fingerprint includes it, so a policy edited without a new version
        still gives other fingerprints. Equal policies have equal digests, however
        their documents were written (key order, ``0.05`` or ``0.050``).

        >>> from credkit.policy.rules import StaticLimit, WatchList
        >>> one = Policy("p", version="1", rules=[StaticLimit(tolerance="0.05")])
        >>> one.digest == Policy("p", version="1", rules=[StaticLimit(tolerance="0.050")]).digest
        True
        >>> one.digest == Policy("p", version="1", rules=[StaticLimit(tolerance="0.06")]).digest
        False
        >>> from credkit.policy.rules import RequireLimit
        >>> Policy("p", version="1", rules=[WatchList()]).digest == Policy(
        ...     "p", version="1", rules=[RequireLimit()]).digest
        False
        """
        if self._digest is None:
            object.__setattr__(self, "_digest", _digest(self))
        assert self._digest is not None
        return self._digest


def _digest(policy: Policy) -> str:
    return hashlib.sha256(canonical_json(_document(policy)).encode("ascii")).hexdigest()


def _parameters(rule: Rule) -> object:
    """What a rule was given: a built-in rule's fields, a custom rule's code and parameters."""
    if not isinstance(rule, CustomRule):
        return rule
    try:
        canonical_json(rule.params)
    except ValidationError:  # parameters of a kind the canonical form does not know
        return {"code": rule.code, "params": repr(rule.params)}
    return {"code": rule.code, "params": rule.params}


def _document(policy: Policy) -> dict[str, object]:
    """The content of ``policy`` that decides: every rule by name with its parameters."""
    return {
        "id": policy.id,
        "version": policy.version,
        "exempt_prepaid": policy.exempt_prepaid,
        "exempt_reductions": policy.exempt_reductions,
        "rules": [_entry_document(entry) for entry in policy.rules],
    }


def _entry_document(entry: PolicyEntry) -> dict[str, object]:
    document: dict[str, object] = {
        "rule": entry.rule.name,
        "parameters": _parameters(entry.rule),
        "on_fail": entry.on_fail,
        "stop": entry.stop,
        "applies_to_prepaid": entry.applies_to_prepaid,
    }
    # written only when set, so that the digests of policies without them do not change
    if entry.when is not None:
        document["when"] = entry.when
    if entry.stages is not None:
        document["stages"] = entry.stages
    return document


def _check_selector(instance: PolicySelector) -> None:
    if instance.segment is None and instance.risk_class is None and instance.stage is None:
        raise ValidationError(
            "segment: a selector needs a segment, a risk_class, a stage or several of them "
            "(the policy set's default covers everything else)"
        )


def _optional_stage(value: object) -> Any:
    return None if value is None else _to_stage(value)


def _check_optional_stage(
    _instance: object, attribute: attrs.Attribute[Any], value: object
) -> None:
    if value is not None and not isinstance(value, DocumentStage):
        raise ValidationError(
            f"{attribute.name}: expected one of {_STAGES} or None, got {describe(value)}"
        )


@attrs.frozen
class PolicySelector:
    """Choose ``policy`` (an id) for profiles of ``segment`` and/or ``risk_class``, and/or
    for orders at ``stage`` (a :class:`~credkit.policy.order.DocumentStage`).

    Every criterion given must match. A selector with a stage lets each stage of the
    order-to-cash flow have its own policy, as SAP FSCM and D365 configure credit
    checks per document.

    >>> PolicySelector("strict", risk_class="D").matches(None, "D")
    True
    >>> PolicySelector("at-delivery", stage="delivery").matches(None, None, stage="order")
    False
    """

    policy: str = attrs.field(validator=text)
    segment: str | None = attrs.field(default=None, kw_only=True, validator=optional_text)
    risk_class: str | None = attrs.field(default=None, kw_only=True, validator=optional_text)
    stage: DocumentStage | None = attrs.field(
        default=None, kw_only=True, converter=_optional_stage, validator=_check_optional_stage
    )

    def __attrs_post_init__(self) -> None:
        _check_selector(self)

    def matches(
        self,
        segment: str | None,
        risk_class: str | None,
        *,
        stage: DocumentStage | str = DocumentStage.ORDER,
    ) -> bool:
        """Whether a profile with ``segment`` and ``risk_class``, at ``stage``, is selected.

        >>> PolicySelector("p", segment="public", risk_class="A").matches("public", "B")
        False
        """
        if self.segment is not None and self.segment != segment:
            return False
        if self.stage is not None and self.stage is not _to_stage(stage):
            return False
        return self.risk_class is None or self.risk_class == risk_class


def _tuple(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _check_policies(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, tuple) or not value:
        raise ValidationError(f"{attribute.name}: expected a non-empty list of policies")
    seen: dict[str, int] = {}
    for index, policy in enumerate(value):
        if not isinstance(policy, Policy):
            raise ValidationError(
                f"{attribute.name}[{index}]: expected a Policy, got {describe(policy)}"
            )
        if policy.id in seen:
            raise ValidationError(
                f"{attribute.name}[{index}].id: {policy.id!r} is already policies[{seen[policy.id]}]"
            )
        seen[policy.id] = index


def _check_selectors(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, tuple):
        raise ValidationError(f"{attribute.name}: expected a list of PolicySelector values")
    for index, selector in enumerate(value):
        if not isinstance(selector, PolicySelector):
            raise ValidationError(
                f"{attribute.name}[{index}]: expected a PolicySelector, got {describe(selector)}"
            )


@attrs.frozen
class PolicySet:
    """Several policies and the choice between them: by segment, by risk class, else a default.

    :meth:`policy_for` walks ``select`` in order and takes the first selector that
    matches the profile; when none does, the policy whose id is ``default``.
    Every id a selector or ``default`` names must be one of ``policies``.
    :func:`~credkit.policy.credit_check.check` accepts a policy set in place of a policy.

    >>> from credkit.policy.rules import ScoreFloor, StaticLimit
    >>> policies = PolicySet(
    ...     "acme",
    ...     version="1",
    ...     policies=[
    ...         Policy("standard", version="3", rules=[StaticLimit()]),
    ...         Policy("public", version="1", rules=[StaticLimit(tolerance="0.1")]),
    ...     ],
    ...     default="standard",
    ...     select=[PolicySelector("public", segment="public")],
    ... )
    >>> policies.policy("public").version
    '1'
    >>> PolicySet("x", version="1", policies=policies.policies, default="strict")
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: default: 'strict' is not the id of any policy; expected one of 'public', 'standard'
    """

    id: str = attrs.field(validator=text)
    version: str = attrs.field(kw_only=True, validator=text)
    policies: tuple[Policy, ...] = attrs.field(
        kw_only=True, converter=_tuple, validator=_check_policies
    )
    default: str = attrs.field(kw_only=True, validator=text)
    select: tuple[PolicySelector, ...] = attrs.field(
        default=(), kw_only=True, converter=_tuple, validator=_check_selectors
    )
    _by_id: Mapping[str, Policy] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        by_id = {policy.id: policy for policy in self.policies}
        accepted = ", ".join(repr(i) for i in sorted(by_id))
        if self.default not in by_id:
            raise ValidationError(
                f"default: {self.default!r} is not the id of any policy; expected one of {accepted}"
            )
        for index, selector in enumerate(self.select):
            if selector.policy not in by_id:
                raise ValidationError(
                    f"select[{index}].policy: {selector.policy!r} is not the id of any policy; "
                    f"expected one of {accepted}"
                )
        object.__setattr__(self, "_by_id", by_id)

    def policy(self, policy_id: str) -> Policy:
        """The policy with ``policy_id``.

        >>> from credkit.policy.rules import StaticLimit
        >>> PolicySet("s", version="1", policies=[Policy("p", version="1", rules=[StaticLimit()])], default="p").policy("q")
        Traceback (most recent call last):
        ...
        credkit.errors.ValidationError: policy_id: no policy 'q' in policy set 's'; it has 'p'
        """
        try:
            return self._by_id[policy_id]
        except KeyError:
            have = ", ".join(repr(i) for i in sorted(self._by_id))
            raise ValidationError(
                f"policy_id: no policy {policy_id!r} in policy set {self.id!r}; it has {have}"
            ) from None

    def policy_for(
        self, profile: CreditProfile, *, stage: DocumentStage | str = DocumentStage.ORDER
    ) -> Policy:
        """The policy that applies to ``profile`` for an order at ``stage`` (``"order"``).

        >>> from datetime import date
        >>> from credkit.policy.exposure import Exposure
        >>> from credkit.policy.rules import StaticLimit
        >>> policies = PolicySet(
        ...     "s",
        ...     version="1",
        ...     policies=[
        ...         Policy("standard", version="1", rules=[StaticLimit()]),
        ...         Policy("strict", version="1", rules=[StaticLimit()]),
        ...     ],
        ...     default="standard",
        ...     select=[PolicySelector("strict", risk_class="D")],
        ... )
        >>> profile = CreditProfile(
        ...     "C-1", as_of=date(2026, 11, 23), exposure=Exposure((), currency="EUR"), risk_class="D"
        ... )
        >>> policies.policy_for(profile).id
        'strict'
        """
        segment = profile.segment
        risk_class = profile.risk_class
        at = _to_stage(stage)
        if not isinstance(at, DocumentStage):
            raise ValidationError(f"stage: expected one of {_STAGES}, got {describe(stage)}")
        for selector in self.select:
            if selector.matches(segment, risk_class, stage=at):
                return self._by_id[selector.policy]
        return self._by_id[self.default]


# -- loading ---------------------------------------------------------------------------

_REGISTRY: contextvars.ContextVar[RuleRegistry] = contextvars.ContextVar(
    "credkit_policy_registry", default=BUILTIN_RULES
)


def _structure_entry(value: object, _type: type) -> PolicyEntry:
    if isinstance(value, PolicyEntry):
        return value
    if not isinstance(value, Mapping):
        raise ConfigError(
            f"expected a table with a 'rule' key and the rule's parameters, got {describe(value)}"
        )
    if "rule" not in value:
        raise ConfigError(
            "required key is missing; name the rule, e.g. rule = 'static_limit'", path="rule"
        )
    name = value["rule"]
    if not isinstance(name, str):
        raise ConfigError(f"expected a rule name, got {describe(name)}", path="rule")
    spec = _REGISTRY.get().spec(name)
    check_keys(spec, value, _ENTRY_KEYS, path="")
    params = {k: v for k, v in value.items() if k not in _ENTRY_KEYS}
    options: dict[str, Any] = {}
    if "on_fail" in value:
        on_fail = value["on_fail"]
        if on_fail not in ("hold", "reject"):
            raise ConfigError(
                f"expected 'hold' or 'reject', got {describe(on_fail)}", path="on_fail"
            )
        options["on_fail"] = Outcome(on_fail)
    for key in ("stop", "applies_to_prepaid"):
        if key in value:
            if not isinstance(value[key], bool):
                raise ConfigError(f"expected true or false, got {describe(value[key])}", path=key)
            options[key] = value[key]
    if "when" in value:
        options["when"] = load_condition(value["when"], path="when")
    if "stages" in value:
        options["stages"] = _load_stages(value["stages"], path="stages")
    return PolicyEntry(spec.build(params), **options)


def _load_stages(value: object, *, path: str) -> tuple[DocumentStage, ...]:
    if isinstance(value, str) or not isinstance(value, list | tuple) or not value:
        raise ConfigError(
            f"expected a non-empty list of stages among {_STAGES}, got {describe(value)}",
            path=path,
        )
    stages: list[DocumentStage] = []
    for index, item in enumerate(value):
        stage = _to_stage(item)
        if not isinstance(stage, DocumentStage):
            raise ConfigError(
                f"expected one of {_STAGES}, got {describe(item)}", path=f"{path}[{index}]"
            )
        if stage in stages:
            raise ConfigError(
                f"{stage.value!r} is already {path}[{stages.index(stage)}]; give each stage once",
                path=f"{path}[{index}]",
            )
        stages.append(stage)
    return tuple(stages)


def _unstructure_entry(entry: PolicyEntry) -> dict[str, Any]:
    rule = entry.rule
    document: dict[str, Any] = {"rule": rule.name, "on_fail": entry.on_fail.value}
    if entry.stop:
        document["stop"] = True
    if entry.applies_to_prepaid is not None:
        document["applies_to_prepaid"] = entry.applies_to_prepaid
    if entry.when is not None:
        document["when"] = config.converter.unstructure(entry.when, RuleCondition)
    if entry.stages is not None:
        document["stages"] = [stage.value for stage in entry.stages]
    params: Any = None
    if isinstance(rule, CustomRule):
        params = rule.params
    elif attrs.has(type(rule)):
        params = rule
    if params is not None and attrs.has(type(params)):
        document.update(config.converter.unstructure(params))
    return document


config.converter.register_structure_hook(PolicyEntry, _structure_entry)
config.converter.register_unstructure_hook(PolicyEntry, _unstructure_entry)


def load_policy(
    source: Mapping[str, Any] | str | os.PathLike[str],
    *,
    registry: RuleRegistry | None = None,
    format: config.Format | None = None,
) -> Policy:
    """Load a :class:`Policy` from a mapping, a JSON or TOML text, or a ``.json``/``.toml`` path.

    Rule names are looked up in ``registry`` (the built-in rules unless you pass one
    with your own). Every problem raises :class:`~credkit.errors.ConfigError` with the
    path of the offending key; nothing else escapes.

    >>> load_policy('id = "p"\\nversion = "1"\\n[[rules]]\\nrule = "static_limt"', format="toml")
    Traceback (most recent call last):
    ...
    credkit.errors.ConfigError: rules[0].rule: unknown rule 'static_limt'; known rules are bureau_report, customer_blocked, dunning_level, dynamic_limit, group_limit, limit_validity, max_order_value, overdue_amount, overdue_invoice_count, overdue_share, overdue_too_old, payment_index_floor, require_limit, review_overdue, risk_class_blocked, score_floor, static_limit, sub_limits, unpaid_invoice_count, watch_list
    """
    policy: Policy = _load(
        Policy, source, registry=BUILTIN_RULES if registry is None else registry, format=format
    )
    return policy


def load_policy_set(
    source: Mapping[str, Any] | str | os.PathLike[str],
    *,
    registry: RuleRegistry | None = None,
    format: config.Format | None = None,
) -> PolicySet:
    """Load a :class:`PolicySet` the way :func:`load_policy` loads a policy.

    >>> policies = load_policy_set(
    ...     {
    ...         "id": "acme",
    ...         "version": "1",
    ...         "default": "standard",
    ...         "policies": [
    ...             {"id": "standard", "version": "1", "rules": [{"rule": "static_limit"}]},
    ...             {"id": "strict", "version": "1", "rules": [{"rule": "require_limit"}]},
    ...         ],
    ...         "select": [{"policy": "strict", "risk_class": "D"}],
    ...     }
    ... )
    >>> policies.select[0]
    PolicySelector(policy='strict', segment=None, risk_class='D', stage=None)
    """
    policies: PolicySet = _load(
        PolicySet, source, registry=BUILTIN_RULES if registry is None else registry, format=format
    )
    return policies


def _load(
    cls: type[Any],
    source: Mapping[str, Any] | str | os.PathLike[str],
    *,
    registry: RuleRegistry,
    format: config.Format | None,
) -> Any:
    if not isinstance(registry, RuleRegistry):
        raise ValidationError(f"registry: expected a RuleRegistry, got {describe(registry)}")
    token = _REGISTRY.set(registry)
    try:
        return config.load(cls, source, format=format)
    finally:
        _REGISTRY.reset(token)
