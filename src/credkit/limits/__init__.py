"""Credit limits: calculators, recommendations, limit records, approval authority, requests.

The modules, each re-exported here:

* ``inputs``: :class:`LimitInputs` (what the calculators read)
  and :class:`InsuranceCover`;
* ``calculators``: the limit methods (:class:`TangibleNetWorthMethod`,
  :class:`WorkingCapitalMethod`, :class:`SalesMethod`, :class:`BureauMethod`,
  :class:`RiskClassMatrixMethod`, :class:`InsuredCoverMethod` with its
  :class:`OwnRiskBasis`) and their :class:`MethodResult`;
* ``combinators``: :func:`min_of`, :func:`max_of`,
  :func:`weighted_blend`, :func:`cap`, :func:`floor`, :func:`round_down`,
  :func:`zero_if_blocked` and :class:`Combination`;
* ``policy``: :class:`LimitPolicy` (loadable with
  :func:`credkit.config.load`) and :func:`example_policy`;
* ``recommendation``: :func:`recommend` and
  :class:`LimitRecommendation` with its working;
* ``groups``: :func:`group_headroom` and :func:`group_status`
  for credit groups;
* ``segments``: :class:`CreditSegments` (limits per company or
  business unit under a customer-wide limit) and :func:`segment_headroom`;
* ``resolution``: :class:`LimitTable` and :func:`resolve_limit`
  (customer -> customer group -> company default, with a bypass flag);
* ``credit_limit``: the :class:`CreditLimit` record;
* ``approval``: :class:`ApprovalMatrix`, :class:`AuthorityBand`,
  :class:`Approver`;
* ``requests``: :class:`LimitRequest` and its lifecycle.

>>> from datetime import date
>>> from credkit import Money
>>> from credkit.ledger import Customer
>>> inputs = LimitInputs(Customer("C1", "Acme", country="DE", currency="EUR"), as_of=date(2026, 3, 31),
...                      bureau_limit=Money.of(120000, "EUR"))
>>> recommend(inputs, example_policy()).amount
Money('120000.00', 'EUR')
"""

from credkit.limits.approval import ApprovalMatrix, Approver, AuthorityBand
from credkit.limits.calculators import (
    CALCULATOR_KINDS,
    BureauMethod,
    Calculator,
    ClassMultiplier,
    InsuredCoverMethod,
    MatrixCell,
    MethodResult,
    OwnRiskBasis,
    RiskClassMatrixMethod,
    SalesMethod,
    TangibleNetWorthMethod,
    WorkingCapitalMethod,
)
from credkit.limits.combinators import (
    Adjustment,
    Combination,
    CombinationRule,
    Combined,
    MethodWeight,
    cap,
    floor,
    max_of,
    min_of,
    round_down,
    weighted_blend,
    zero_if_blocked,
)
from credkit.limits.credit_limit import CreditLimit, LimitKind, next_review_date
from credkit.limits.groups import (
    GroupHeadroom,
    GroupStatus,
    LimitLike,
    group_headroom,
    group_status,
)
from credkit.limits.inputs import InsuranceCover, LimitInputs, sales_window
from credkit.limits.policy import Bound, CurrencyStep, LimitPolicy, example_policy
from credkit.limits.recommendation import LimitRecommendation, recommend
from credkit.limits.requests import Approval, AuditEntry, LimitRequest, RequestState
from credkit.limits.resolution import (
    LimitLevel,
    LimitSetting,
    LimitTable,
    ResolvedLimit,
    resolve_limit,
)
from credkit.limits.segments import (
    CreditSegments,
    SegmentHeadroom,
    SegmentLevel,
    SegmentLimit,
    SegmentStanding,
    segment_headroom,
)

__all__ = [
    "CALCULATOR_KINDS",
    "Adjustment",
    "Approval",
    "ApprovalMatrix",
    "Approver",
    "AuditEntry",
    "AuthorityBand",
    "Bound",
    "BureauMethod",
    "Calculator",
    "ClassMultiplier",
    "Combination",
    "CombinationRule",
    "Combined",
    "CreditLimit",
    "CreditSegments",
    "CurrencyStep",
    "GroupHeadroom",
    "GroupStatus",
    "InsuranceCover",
    "InsuredCoverMethod",
    "LimitInputs",
    "LimitKind",
    "LimitLevel",
    "LimitLike",
    "LimitPolicy",
    "LimitRecommendation",
    "LimitRequest",
    "LimitSetting",
    "LimitTable",
    "MatrixCell",
    "MethodResult",
    "MethodWeight",
    "OwnRiskBasis",
    "RequestState",
    "ResolvedLimit",
    "RiskClassMatrixMethod",
    "SalesMethod",
    "SegmentHeadroom",
    "SegmentLevel",
    "SegmentLimit",
    "SegmentStanding",
    "TangibleNetWorthMethod",
    "WorkingCapitalMethod",
    "cap",
    "example_policy",
    "floor",
    "group_headroom",
    "group_status",
    "max_of",
    "min_of",
    "next_review_date",
    "recommend",
    "resolve_limit",
    "round_down",
    "sales_window",
    "segment_headroom",
    "weighted_blend",
    "zero_if_blocked",
]
