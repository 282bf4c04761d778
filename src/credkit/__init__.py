"""credkit: B2B credit management as a typed, embeddable library.

The everyday names are importable from the package itself:

>>> from credkit import Money
>>> Money.of("1250.00", "EUR").format("de_DE")
'1.250,00\\xa0€'
"""

import importlib as _importlib

from credkit._version import __version__

# Not ``from typing import TYPE_CHECKING``: importing typing would cost more than the
# rest of ``import credkit``. Type checkers read this name the same way.
TYPE_CHECKING = False
if TYPE_CHECKING:  # the names for type checkers; at run time __getattr__ imports them
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
        ConflictError,
        CredkitError,
        CurrencyMismatchError,
        DuplicateRecordError,
        OutOfBoundsError,
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
    from credkit.money import Money, MoneyTotals
    from credkit.policy import (
        CreditProfile,
        Decision,
        Exposure,
        ExposureComponent,
        ExposureKind,
        OrderRequest,
        Outcome,
        Policy,
        PolicySet,
        RuleResult,
        build_profile,
        check,
        load_policy,
        load_policy_set,
    )
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
    "ConflictError",
    "CreditLimit",
    "CreditNote",
    "CreditProfile",
    "CredkitError",
    "CurrencyMismatchError",
    "Customer",
    "Decision",
    "DocumentKind",
    "DunningHistory",
    "DunningLadder",
    "DunningLevel",
    "DunningRun",
    "DuplicateRecordError",
    "Exposure",
    "ExposureComponent",
    "ExposureKind",
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
    "MoneyTotals",
    "OddsBasis",
    "OpenItem",
    "OrderRequest",
    "OutOfBoundsError",
    "Outcome",
    "Payment",
    "PaymentBehaviour",
    "PaymentTerms",
    "PermissionDenied",
    "Policy",
    "PolicyError",
    "PolicySet",
    "Rate",
    "RateNotFoundError",
    "RateSource",
    "RateTable",
    "RiskClass",
    "RiskScale",
    "RuleResult",
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
    "build_profile",
    "check",
    "collection_worklist",
    "convert",
    "dunning_run",
    "kpis",
    "load_policy",
    "load_policy_set",
    "payment_behaviour",
    "recommend",
]

# Each public name, grouped by the module it comes from: ``import credkit`` imports
# none of them (PEP 562); the first use of a name imports its module.
_SOURCES: dict[str, tuple[str, ...]] = {
    "credkit.aging": ("AgingBasis", "AgingReport", "Buckets", "age"),
    "credkit.dunning": (
        "DunningHistory",
        "DunningLadder",
        "DunningLevel",
        "DunningRun",
        "LadderSet",
        "collection_worklist",
        "dunning_run",
    ),
    "credkit.errors": (
        "BureauError",
        "ConfigError",
        "ConflictError",
        "CredkitError",
        "CurrencyMismatchError",
        "DuplicateRecordError",
        "OutOfBoundsError",
        "PermissionDenied",
        "PolicyError",
        "RateNotFoundError",
        "StorageError",
        "ValidationError",
    ),
    "credkit.fx": ("Rate", "RateSource", "RateTable", "convert"),
    "credkit.kpi": (
        "InsufficientData",
        "KPIReport",
        "PaymentBehaviour",
        "UndefinedKPIError",
        "kpis",
        "payment_behaviour",
    ),
    "credkit.ledger": (
        "Allocation",
        "CreditNote",
        "Customer",
        "DocumentKind",
        "Invoice",
        "Ledger",
        "OpenItem",
        "Payment",
        "Settlement",
    ),
    "credkit.limits": (
        "ApprovalMatrix",
        "Approver",
        "CreditLimit",
        "LimitInputs",
        "LimitPolicy",
        "LimitRecommendation",
        "LimitRequest",
        "recommend",
    ),
    "credkit.money": ("Money", "MoneyTotals"),
    "credkit.policy": (
        "CreditProfile",
        "Decision",
        "Exposure",
        "ExposureComponent",
        "ExposureKind",
        "OrderRequest",
        "Outcome",
        "Policy",
        "PolicySet",
        "RuleResult",
        "build_profile",
        "check",
        "load_policy",
        "load_policy_set",
    ),
    "credkit.scoring": (
        "FinancialStatement",
        "OddsBasis",
        "RiskClass",
        "RiskScale",
        "Scaling",
        "Scorecard",
        "ScoreResult",
        "altman_z",
    ),
    "credkit.terms": ("CashDiscount", "Instalment", "PaymentTerms", "TermsBasis"),
}
_LAZY = {name: module for module, names in _SOURCES.items() for name in names}


if not TYPE_CHECKING:  # hidden from type checkers, which would take any name as Any

    def __getattr__(name: str) -> object:
        """Import a public name, or a subpackage, on first use (PEP 562)."""
        module = _LAZY.get(name)
        if module is not None:
            value = getattr(_importlib.import_module(module), name)
            globals()[name] = value
            return value
        if not name.startswith("_"):
            # ``import credkit; credkit.aging.age(...)`` worked while the package imported
            # every subpackage; the submodule is imported on first access instead.
            try:
                return _importlib.import_module(f"{__name__}.{name}")
            except ModuleNotFoundError as error:
                if error.name != f"{__name__}.{name}":
                    raise
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_SUBMODULES = (
    "aging",
    "bureau",
    "cli",
    "config",
    "desk",
    "dunning",
    "engines",
    "errors",
    "forecast",
    "fx",
    "io",
    "kpi",
    "ledger",
    "limits",
    "money",
    "policy",
    "report",
    "sample",
    "scoring",
    "statement",
    "storage",
    "terms",
    "testing",
)
"""The public subpackages and modules, imported on first access like the names."""


def __dir__() -> list[str]:
    """The module's dunder attributes, every public name and every public subpackage,
    imported or not (not the helpers of this module)."""
    dunders = (name for name in globals() if name.startswith("__") and name.endswith("__"))
    return sorted({*dunders, *__all__, *_SUBMODULES})


del TYPE_CHECKING  # read above only; not a name of the package
