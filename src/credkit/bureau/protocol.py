"""The :class:`Bureau` protocol: a credit bureau's report on a company as of a date.

Anything with a ``name`` and a ``report(subject_id, *, as_of)`` method is a bureau:
the adapters (:class:`~credkit.bureau.HttpJsonBureau`, :class:`~credkit.bureau.FileBureau`)
and the wrappers that add caching, retries, a circuit breaker or a waterfall around
them (:class:`~credkit.bureau.CachedBureau`, :class:`~credkit.bureau.Retrying`,
:class:`~credkit.bureau.CircuitBreaker`, :class:`~credkit.bureau.Waterfall`), which are
bureaus themselves and so stack.

A bureau raises :class:`~credkit.errors.SubjectNotFound` when it knows no such company,
:class:`~credkit.errors.BureauUnavailable` when it gives no answer now (a timeout, HTTP
429 or 5xx, an open circuit), :class:`~credkit.errors.MalformedReport` for an answer it
cannot read, and never returns an empty report in place of an error.

>>> import datetime
>>> from credkit.bureau import BureauReport
>>> class Fixed:
...     name = "fixed"
...     def report(self, subject_id: str, *, as_of: datetime.date) -> BureauReport:
...         at = datetime.datetime(2026, 5, 4, tzinfo=datetime.timezone.utc)
...         return BureauReport(self.name, subject_id, at, rating="B")
>>> isinstance(Fixed(), Bureau)
True
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Protocol, runtime_checkable

from credkit.bureau.report import BureauReport

__all__ = ["Bureau", "Clock", "Sleep"]

Clock = Callable[[], datetime.datetime]
"""A function giving the current time in UTC (``credkit.bureau.utc_now`` by default)."""

Sleep = Callable[[float], None]
"""A function that waits for a number of seconds (``time.sleep`` by default)."""


@runtime_checkable
class Bureau(Protocol):
    """A source of credit reports (see the module)."""

    @property
    def name(self) -> str:
        """The provider's name, as reports and the cache record it (``"creditsafe"``)."""
        ...

    def report(self, subject_id: str, *, as_of: datetime.date) -> BureauReport:
        """The report on ``subject_id`` that the bureau has as of ``as_of``."""
        ...
