"""credkit: B2B credit management as a typed, embeddable library.

The everyday names are importable from the package itself:

>>> from credkit import Money
>>> Money.of("1250.00", "EUR").format("de_DE")
'1.250,00\\xa0€'
"""

from credkit._version import __version__
from credkit.aging import AgingBasis, AgingReport, Buckets, age
from credkit.dunning import (
    DunningHistory,
    DunningLadder,
    DunningLevel,
    DunningRun,
    LadderSet,
    collection_worklist,
    dunning_run,
)
from credkit.errors import (
    BureauError,
    ConfigError,
    CredkitError,
    CurrencyMismatchError,
    PermissionDenied,
    PolicyError,
    RateNotFoundError,
    StorageError,
    ValidationError,
)
from credkit.fx import Rate, RateSource, RateTable, convert
from credkit.kpi import (
    InsufficientData,
    KPIReport,
    PaymentBehaviour,
    UndefinedKPIError,
    kpis,
    payment_behaviour,
)
from credkit.ledger import (
    Allocation,
    CreditNote,
    Customer,
    DocumentKind,
    Invoice,
    Ledger,
    OpenItem,
    Payment,
    Settlement,
)
from credkit.limits import (
    ApprovalMatrix,
    Approver,
    CreditLimit,
    LimitInputs,
    LimitPolicy,
    LimitRecommendation,
    LimitRequest,
    recommend,
)
from credkit.money import Money
from credkit.scoring import (
    FinancialStatement,
    OddsBasis,
    RiskClass,
    RiskScale,
    Scaling,
    Scorecard,
    ScoreResult,
    altman_z,
)
from credkit.terms import CashDiscount, Instalment, PaymentTerms, TermsBasis

__all__ = [
    "AgingBasis",
    "AgingReport",
    "Allocation",
    "ApprovalMatrix",
    "Approver",
    "Buckets",
    "BureauError",
    "CashDiscount",
    "ConfigError",
    "CreditLimit",
    "CreditNote",
    "CredkitError",
    "CurrencyMismatchError",
    "Customer",
    "DocumentKind",
    "DunningHistory",
    "DunningLadder",
    "DunningLevel",
    "DunningRun",
    "FinancialStatement",
    "Instalment",
    "InsufficientData",
    "Invoice",
    "KPIReport",
    "LadderSet",
    "Ledger",
    "LimitInputs",
    "LimitPolicy",
    "LimitRecommendation",
    "LimitRequest",
    "Money",
    "OddsBasis",
    "OpenItem",
    "Payment",
    "PaymentBehaviour",
    "PaymentTerms",
    "PermissionDenied",
    "PolicyError",
    "Rate",
    "RateNotFoundError",
    "RateSource",
    "RateTable",
    "RiskClass",
    "RiskScale",
    "Scaling",
    "ScoreResult",
    "Scorecard",
    "Settlement",
    "StorageError",
    "TermsBasis",
    "UndefinedKPIError",
    "ValidationError",
    "__version__",
    "age",
    "altman_z",
    "collection_worklist",
    "convert",
    "dunning_run",
    "kpis",
    "payment_behaviour",
    "recommend",
]
