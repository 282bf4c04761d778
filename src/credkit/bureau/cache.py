"""``CachedBureau``: reports kept in the store, fetched again only when too old.

Bureau reports cost money per call. :class:`CachedBureau` keeps each report it fetches in
the store's bureau cache (:class:`~credkit.storage.BureauCache`: ``MemoryStore``,
``SQLStore`` or the host's own) and answers from there while the report is younger than
the provider's maximum age. ``refresh=True`` fetches a new report whatever the cache
holds (a credit manager's "pull a fresh report" button, a monitoring event).

A report is fresh for a request ``as_of`` a date when it was fetched at most ``max_age``
before the *reference time*: the end of the ``as_of`` day (UTC), or now if that is
earlier. A report fetched after the reference time is never used (a decision replayed for
a past date does not see later reports).

>>> import datetime
>>> from credkit.bureau import BureauReport
>>> from credkit.storage import MemoryStore
>>> class Counting:
...     name = "creditsafe"
...     calls = 0
...     def report(self, subject_id, *, as_of):
...         self.calls += 1
...         return BureauReport("creditsafe", subject_id, now(), rating="B")
>>> now = lambda: datetime.datetime(2026, 5, 4, 9, 0, tzinfo=datetime.timezone.utc)
>>> source = Counting()
>>> bureau = CachedBureau(source, MemoryStore(), max_age=datetime.timedelta(days=30), clock=now)
>>> day = datetime.date(2026, 5, 4)
>>> _ = bureau.report("C1", as_of=day); _ = bureau.report("C1", as_of=day); source.calls
1
>>> _ = bureau.report("C1", as_of=day, refresh=True); source.calls
2
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from credkit._validate import check_date, check_text, describe
from credkit.bureau.protocol import Bureau, Clock
from credkit.bureau.report import BureauReport, utc_now
from credkit.errors import ValidationError
from credkit.storage.protocols import Store

__all__ = ["CachedBureau"]


def _age(value: object, field: str) -> datetime.timedelta:
    if not isinstance(value, datetime.timedelta) or value < datetime.timedelta(0):
        raise ValidationError(
            f"{field}: expected a datetime.timedelta of zero or more, such as "
            f"timedelta(days=30), got {describe(value)}"
        )
    return value


class CachedBureau:
    """A :class:`~credkit.bureau.Bureau` answering from the store's cache (see the module).

    ``max_age`` is how old a cached report may be; ``max_ages`` overrides it per provider
    (``{"dnb": timedelta(days=90)}``). When ``bureau`` has a ``providers`` attribute (a
    :class:`~credkit.bureau.Waterfall`), the cache of each of those providers is read, in
    that order; otherwise the cache of ``bureau.name``. ``clock`` gives the time (UTC).

    >>> from credkit.storage import MemoryStore
    >>> CachedBureau(object(), MemoryStore(), max_age=30)
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: max_age: expected a datetime.timedelta of zero or more, such as timedelta(days=30), got int 30
    """

    def __init__(
        self,
        bureau: Bureau,
        store: Store,
        *,
        max_age: datetime.timedelta = datetime.timedelta(days=30),
        max_ages: Mapping[str, datetime.timedelta] | None = None,
        clock: Clock = utc_now,
    ) -> None:
        self.bureau = bureau
        self.store = store
        self.max_age = _age(max_age, "max_age")
        self.max_ages = {
            check_text(provider, "max_ages"): _age(age, f"max_ages[{provider!r}]")
            for provider, age in (max_ages or {}).items()
        }
        self.clock = clock

    @property
    def name(self) -> str:
        """The wrapped bureau's name."""
        return self.bureau.name

    def age_limit(self, provider: str) -> datetime.timedelta:
        """The maximum age of ``provider``'s reports.

        >>> from credkit.storage import MemoryStore
        >>> CachedBureau(object(), MemoryStore(), max_ages={"dnb": datetime.timedelta(days=90)}).age_limit("dnb").days
        90
        """
        return self.max_ages.get(provider, self.max_age)

    def _providers(self) -> tuple[str, ...]:
        providers = getattr(self.bureau, "providers", None)
        if isinstance(providers, tuple | list) and providers:
            return tuple(providers)
        return (self.bureau.name,)

    def reference_time(self, as_of: datetime.date) -> datetime.datetime:
        """The time freshness is measured at for ``as_of`` (see the module)."""
        end = datetime.datetime.combine(as_of, datetime.time.max, tzinfo=datetime.UTC)
        return min(self.clock(), end)

    def cached(self, subject_id: str, *, as_of: datetime.date) -> BureauReport | None:
        """The fresh cached report on ``subject_id`` for ``as_of``, or None."""
        check_text(subject_id, "subject_id")
        check_date(as_of, "as_of")
        reference = self.reference_time(as_of)
        with self.store.unit() as unit:
            for provider in self._providers():
                entry = unit.cached_report(provider, subject_id, as_of=reference)
                if entry is not None and reference - entry.fetched_at <= self.age_limit(provider):
                    return BureauReport.from_entry(entry)
        return None

    def report(
        self, subject_id: str, *, as_of: datetime.date, refresh: bool = False
    ) -> BureauReport:
        """A fresh cached report, or a new one from the bureau (kept in the cache).

        ``refresh=True`` skips the cache. Errors of the bureau propagate; nothing is
        cached then.
        """
        if not refresh:
            found = self.cached(subject_id, as_of=as_of)
            if found is not None:
                return found
        report = self.bureau.report(subject_id, as_of=as_of)
        with self.store.unit() as unit:
            unit.cache_report(report.to_entry())
        return report
