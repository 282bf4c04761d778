"""Credit policy: exposure, credit profiles, rules, policies and the order check.

The modules, re-exported here except the rule classes:

* ``exposure``: :class:`Exposure`, :class:`ExposureComponent`,
  :class:`ExposureKind`, :class:`ScheduledAmount`;
* ``profile``: :class:`CreditProfile`;
* ``builder``: :func:`build_profile` from a ledger;
* ``order``: :class:`OrderRequest`, :class:`DocumentStage`;
* ``conditions``: :class:`RuleCondition` (when an entry applies,
  by customer tags), :func:`load_condition`;
* ``result``: :class:`Outcome`, :class:`RuleResult`,
  :class:`WhenMissing`, :func:`format_amount`;
* :mod:`~credkit.policy.rules`: the built-in rules (reached there, as
  ``rules.StaticLimit``) and the :class:`Rule` protocol (also re-exported here);
* ``registry``: :class:`RuleRegistry`, :data:`BUILTIN_RULES`,
  custom rules;
* ``policy``: :class:`Policy`, :class:`PolicyEntry`,
  :class:`PolicySet`, :class:`PolicySelector`, :func:`load_policy`,
  :func:`load_policy_set`;
* ``credit_check``: :func:`check`;
* ``decision``: :class:`Decision`, :class:`Reason`;
* ``fingerprints``: :func:`fingerprint`, :func:`canonical_json`.

>>> from datetime import date
>>> from credkit.money import Money
>>> from credkit.policy import (
...     CreditProfile, Exposure, ExposureComponent, OrderRequest, check, load_policy,
... )
>>> policy = load_policy({"id": "standard", "version": "1", "rules": [{"rule": "static_limit"}]})
>>> profile = CreditProfile(
...     "C-1",
...     as_of=date(2026, 11, 23),
...     limit=Money.of("10000.00", "EUR"),
...     exposure=Exposure(
...         (ExposureComponent("open_receivables", Money.of("4000.00", "EUR")),), currency="EUR"
...     ),
... )
>>> order = OrderRequest("SO-1", Money.of("6000.00", "EUR"), order_date=date(2026, 11, 23))
>>> check(profile, order, policy).outcome
<Outcome.APPROVE: 'approve'>
"""

from credkit._compat import moved_names
from credkit.policy.builder import build_profile
from credkit.policy.conditions import ConditionTerm, RuleCondition, load_condition
from credkit.policy.credit_check import check
from credkit.policy.decision import Decision, Reason
from credkit.policy.exposure import Exposure, ExposureComponent, ExposureKind, ScheduledAmount
from credkit.policy.fingerprints import FINGERPRINT_SCHEMA, canonical_json, fingerprint
from credkit.policy.order import DocumentStage, OrderRequest
from credkit.policy.policy import (
    Policy,
    PolicyEntry,
    PolicySelector,
    PolicySet,
    load_policy,
    load_policy_set,
)
from credkit.policy.profile import BureauValue, CreditProfile
from credkit.policy.registry import (
    BUILTIN_RULES,
    CustomRule,
    CustomRuleFunction,
    RuleRegistry,
    RuleSpec,
)
from credkit.policy.result import Outcome, RuleResult, WhenMissing, format_amount
from credkit.policy.rules import BUILTIN_RULE_TYPES as _BUILTIN_RULE_TYPES
from credkit.policy.rules import Rule

__all__ = [
    "BUILTIN_RULES",
    "FINGERPRINT_SCHEMA",
    "BureauValue",
    "ConditionTerm",
    "CreditProfile",
    "CustomRule",
    "CustomRuleFunction",
    "Decision",
    "DocumentStage",
    "Exposure",
    "ExposureComponent",
    "ExposureKind",
    "OrderRequest",
    "Outcome",
    "Policy",
    "PolicyEntry",
    "PolicySelector",
    "PolicySet",
    "Reason",
    "Rule",
    "RuleCondition",
    "RuleRegistry",
    "RuleResult",
    "RuleSpec",
    "ScheduledAmount",
    "WhenMissing",
    "build_profile",
    "canonical_json",
    "check",
    "fingerprint",
    "format_amount",
    "load_condition",
    "load_policy",
    "load_policy_set",
]

__getattr__ = moved_names(
    __name__,
    {
        "DunningLevel": "credkit.policy.rules.DunningLevelReached",
        "BUILTIN_RULE_TYPES": "credkit.policy.rules.BUILTIN_RULE_TYPES",
        **{
            kind.__name__: f"credkit.policy.rules.{kind.__name__}"
            for kind in _BUILTIN_RULE_TYPES
            if kind.__name__ != "DunningLevelReached"
        },
    },
)
