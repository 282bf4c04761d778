"""credkit: B2B credit management as a typed, embeddable library.

The everyday names are importable from the package itself:

>>> from credkit import Money
>>> Money.of("1250.00", "EUR").format("de_DE")
'1.250,00\\xa0€'
"""

from credkit._version import __version__
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
from credkit.money import Money

__all__ = [
    "BureauError",
    "ConfigError",
    "CredkitError",
    "CurrencyMismatchError",
    "Money",
    "PermissionDenied",
    "PolicyError",
    "RateNotFoundError",
    "StorageError",
    "ValidationError",
    "__version__",
]
