"""The exceptions credkit raises.

Every error credkit raises on purpose derives from :class:`CredkitError`, and
each leaf also derives from the built-in exception that fits, so that callers
who already catch ``ValueError`` or ``LookupError`` keep working::

    CredkitError
     ├── ValidationError (ValueError)        bad input: a value, a document, a ledger
     │    ├── CurrencyMismatchError          amounts of two currencies were mixed
     │    ├── OutOfBoundsError               a number beyond credkit's documented bounds
     │    ├── DuplicateRecordError           a store holds a different record under that key
     │    └── ConfigError                    a configuration document is invalid
     ├── RateNotFoundError (LookupError)     no exchange rate for a pair and date
     ├── PolicyError (ValueError)            a policy cannot be evaluated as written
     ├── PermissionDenied (PermissionError)  an action needs authority the actor lacks
     ├── StorageError (RuntimeError)         a storage backend failed
     │    └── ConflictError                  a concurrent unit got in the way; retry
     └── BureauError (RuntimeError)          a credit bureau failed or answered badly
          ├── SubjectNotFound (LookupError)  the bureau knows no such company
          ├── BureauUnavailable              no answer: timeout, refused, 429/5xx, circuit open
          └── MalformedReport (ValueError)   an answer that cannot be read as a report

Messages name the field, the offending value and what would be accepted.

>>> from credkit import Money
>>> try:
...     Money.of(0.1, "EUR")
... except ValueError as error:
...     print(type(error).__name__)
ValidationError
"""

from __future__ import annotations

__all__ = [
    "BureauError",
    "BureauUnavailable",
    "ConfigError",
    "ConflictError",
    "CredkitError",
    "CurrencyMismatchError",
    "DuplicateRecordError",
    "MalformedReport",
    "OutOfBoundsError",
    "PermissionDenied",
    "PolicyError",
    "RateNotFoundError",
    "StorageError",
    "SubjectNotFound",
    "ValidationError",
]


class CredkitError(Exception):
    """Root of every error credkit raises on purpose.

    >>> issubclass(ValidationError, CredkitError)
    True
    """

    default_message = "credkit error"

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message if message is not None else self.default_message)

    @property
    def message(self) -> str:
        """The human-readable message.

        >>> CredkitError("boom").message
        'boom'
        """
        return str(self.args[0])


class ValidationError(CredkitError, ValueError):
    """A value, a document or a set of records is not acceptable.

    >>> raise ValidationError("amount: must be positive, got -1")
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: amount: must be positive, got -1
    """

    default_message = "invalid value"


class CurrencyMismatchError(ValidationError):
    """Two amounts in different currencies were combined without a conversion.

    >>> from credkit import Money
    >>> Money.of(1, "EUR") + Money.of(1, "USD")
    Traceback (most recent call last):
    ...
    credkit.errors.CurrencyMismatchError: cannot add EUR and USD amounts; convert one first ...
    """

    default_message = "currencies differ"


class OutOfBoundsError(ValidationError):
    """A number beyond credkit's documented bounds (see :func:`credkit.money.to_decimal`).

    >>> from credkit import Money
    >>> Money.of("1e999999", "EUR")
    Traceback (most recent call last):
    ...
    credkit.errors.OutOfBoundsError: amount: '1e999999' is out of bounds: ...
    """

    default_message = "number out of bounds"


class ConfigError(ValidationError):
    """A configuration document is invalid.

    ``path`` names the offending field the way a user would write it
    (``rules[2].max_days_overdue``); it is empty for the document as a whole.
    ``problems`` lists every ``(path, detail)`` found when a loader found several;
    the message shows the first.

    >>> error = ConfigError("must be >= 0, got -5", path="rules[2].max_days_overdue")
    >>> str(error)
    'rules[2].max_days_overdue: must be >= 0, got -5'
    >>> error.path
    'rules[2].max_days_overdue'
    """

    default_message = "invalid configuration"

    def __init__(
        self,
        message: str | None = None,
        *,
        path: str = "",
        problems: tuple[tuple[str, str], ...] = (),
    ) -> None:
        detail = message if message is not None else self.default_message
        super().__init__(f"{path}: {detail}" if path else detail)
        self.path = path
        self.detail = detail
        self.problems = problems or ((path, detail),)


class RateNotFoundError(CredkitError, LookupError):
    """No exchange rate is known for a currency pair on a date.

    >>> issubclass(RateNotFoundError, LookupError)
    True
    """

    default_message = "no exchange rate"


class PolicyError(CredkitError, ValueError):
    """A credit policy cannot be evaluated as written (a misuse, not a failed rule).

    >>> issubclass(PolicyError, ValueError)
    True
    """

    default_message = "policy cannot be evaluated"


class PermissionDenied(CredkitError, PermissionError):  # noqa: N818  (named as DESIGN.md says)
    """An actor tried an action that needs authority they do not have.

    >>> issubclass(PermissionDenied, PermissionError)
    True
    """

    default_message = "permission denied"


class StorageError(CredkitError, RuntimeError):
    """A storage backend failed to read or write.

    >>> str(StorageError())
    'storage failed'
    """

    default_message = "storage failed"


class ConflictError(StorageError):
    """A concurrent unit of work got in the way (deadlock, serialization failure, busy).

    Nothing of the unit was written; running it again is safe.
    :func:`credkit.storage.atomic` does so by itself.

    >>> str(ConflictError())
    'a concurrent unit of work got in the way; nothing was written, retry'
    """

    default_message = "a concurrent unit of work got in the way; nothing was written, retry"


class DuplicateRecordError(ValidationError):
    """A record with the same key is already stored with different values.

    Storing the same record again is a no-op; storing a *different* record under a
    key already taken is refused, so that nothing is silently replaced.

    >>> str(DuplicateRecordError())
    'a different record with the same key is already stored'
    """

    default_message = "a different record with the same key is already stored"


class BureauError(CredkitError, RuntimeError):
    """A credit bureau failed or returned an answer credkit cannot use.

    >>> str(BureauError())
    'credit bureau failed'
    """

    default_message = "credit bureau failed"

    def __init__(
        self,
        message: str | None = None,
        *,
        provider: str | None = None,
        failures: tuple[tuple[str, str], ...] = (),
    ) -> None:
        super().__init__(message)
        self.provider = provider
        self.failures = failures
        """``(provider, reason)`` of each provider a :class:`~credkit.bureau.Waterfall` tried."""


class SubjectNotFound(BureauError, LookupError):  # noqa: N818  (a lookup that found nothing)
    """The bureau answered that it knows no company with that id.

    >>> issubclass(SubjectNotFound, LookupError), str(SubjectNotFound())
    (True, 'the bureau knows no such subject')
    """

    default_message = "the bureau knows no such subject"


class BureauUnavailable(BureauError):  # noqa: N818  (named as the issue says)
    """The bureau gave no usable answer now: a timeout, a refused connection, HTTP 429 or
    5xx, or a circuit breaker that is open. Trying again later may work; ``retry_after``
    is how many seconds the bureau asked to wait, when it said so.

    >>> BureauUnavailable("creditsafe: HTTP 429", retry_after=30.0).retry_after
    30.0
    """

    default_message = "the credit bureau is unavailable"

    def __init__(
        self,
        message: str | None = None,
        *,
        provider: str | None = None,
        failures: tuple[tuple[str, str], ...] = (),
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, provider=provider, failures=failures)
        self.retry_after = retry_after


class MalformedReport(BureauError, ValueError):  # noqa: N818  (named as the issue says)
    """The bureau answered with something that is not a report credkit can read: invalid
    or truncated JSON, a figure that is not a number, or no figure at all.

    >>> issubclass(MalformedReport, ValueError)
    True
    """

    default_message = "the credit bureau's answer cannot be read as a report"
