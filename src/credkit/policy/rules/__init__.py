"""The built-in credit rules, each a frozen value with parameters and stable reason codes.

A rule reads a :class:`~credkit.policy.profile.CreditProfile` and an
:class:`~credkit.policy.order.OrderRequest` and returns a
:class:`~credkit.policy.result.RuleResult`: passed, or failed with a reason code and a
message that carries the numbers. "The customer is over the limit" is a result,
not an exception; rules raise only when misused (an order in another currency, a
rule amount in a currency the profile does not use).

Comparisons are exact and the boundaries are stated on each rule: a limit is
exceeded only when the exposure *plus* the order goes *above* it, so an order that
brings the customer exactly to the limit passes and one cent more fails.

Rules that read a figure the profile may lack (score, payment index, overdue
figures, review date, risk class) take ``when_missing``: ``"fail"`` (the default:
an order is never approved because nobody looked) or ``"pass"``. A missing figure
that fails reports its own reason code (``SCORE_MISSING``, ...).

Each rule has a ``name`` (the key that selects it in a policy document), a main
``code`` and the tuple of every code it can report (``codes``); the rules reference
of the documentation lists them all. A built-in rule states when it fails once, as
the plain method ``fails(p, amount)``, and what it reports then as ``explain``
(see :class:`~credkit.policy.rules.base.BuiltinRule`). The rules live in modules by
family, all re-exported here:

* ``base``: the :class:`Rule` protocol and the base class;
* ``limits``: limits, validity, group and sub-limits, order value;
* ``overdue``: overdue items, invoice counts and the dunning level;
* ``risk``: risk class, score and payment index;
* ``flags``: blocked, watch list, credit review;
* ``bureau``: a credit bureau's report;
* ``reasons``: :data:`REASONS`, what each reason code means.

>>> from datetime import date
>>> from credkit.money import Money
>>> from credkit.policy.exposure import Exposure, ExposureComponent
>>> from credkit.policy.order import OrderRequest
>>> from credkit.policy.profile import CreditProfile
>>> profile = CreditProfile(
...     "C-100",
...     as_of=date(2026, 11, 23),
...     limit=Money.of("120000.00", "EUR"),
...     exposure=Exposure(
...         (ExposureComponent("open_receivables", Money.of("118400.00", "EUR")),), currency="EUR"
...     ),
... )
>>> order = OrderRequest("SO-1", Money.of("12000.00", "EUR"), order_date=date(2026, 11, 23))
>>> result = StaticLimit().evaluate(profile, order)
>>> result.passed, result.code
(False, 'LIMIT_EXCEEDED')
>>> result.message
'exposure 118,400.00 EUR + order 12,000.00 EUR exceeds limit 120,000.00 EUR'
>>> StaticLimit(tolerance="0.1").evaluate(profile, order).passed
True
"""

from __future__ import annotations

from credkit._compat import moved_names
from credkit.policy.rules.base import BuiltinRule, Check, Rule, builtin, check_inputs
from credkit.policy.rules.bureau import BUREAU_FIELDS, BureauReportRule, bureau_age
from credkit.policy.rules.flags import CustomerBlocked, ReviewOverdue, WatchList
from credkit.policy.rules.limits import (
    DynamicLimit,
    GroupLimit,
    LimitValidity,
    MaxOrderValue,
    RequireLimit,
    StaticLimit,
    SubLimits,
)
from credkit.policy.rules.overdue import (
    DunningLevelReached,
    OverdueAmount,
    OverdueInvoiceCount,
    OverdueShare,
    OverdueTooOld,
    UnpaidInvoiceCount,
)
from credkit.policy.rules.reasons import REASONS
from credkit.policy.rules.risk import PaymentIndexFloor, RiskClassBlocked, ScoreFloor

__all__ = [
    "BUILTIN_RULE_TYPES",
    "BUREAU_FIELDS",
    "REASONS",
    "BuiltinRule",
    "BureauReportRule",
    "Check",
    "CustomerBlocked",
    "DunningLevelReached",
    "DynamicLimit",
    "GroupLimit",
    "LimitValidity",
    "MaxOrderValue",
    "OverdueAmount",
    "OverdueInvoiceCount",
    "OverdueShare",
    "OverdueTooOld",
    "PaymentIndexFloor",
    "RequireLimit",
    "ReviewOverdue",
    "RiskClassBlocked",
    "Rule",
    "ScoreFloor",
    "StaticLimit",
    "SubLimits",
    "UnpaidInvoiceCount",
    "WatchList",
    "builtin",
    "bureau_age",
    "check_inputs",
]

BUILTIN_RULE_TYPES: tuple[type[BuiltinRule], ...] = (
    StaticLimit,
    DynamicLimit,
    RequireLimit,
    LimitValidity,
    ReviewOverdue,
    MaxOrderValue,
    OverdueTooOld,
    OverdueAmount,
    OverdueShare,
    UnpaidInvoiceCount,
    OverdueInvoiceCount,
    DunningLevelReached,
    RiskClassBlocked,
    ScoreFloor,
    PaymentIndexFloor,
    CustomerBlocked,
    WatchList,
    GroupLimit,
    SubLimits,
    BureauReportRule,
)
"""Every built-in rule class, in the order of the rules reference."""

__getattr__ = moved_names(__name__, {"DunningLevel": "credkit.policy.rules.DunningLevelReached"})
