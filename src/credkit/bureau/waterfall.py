"""``Waterfall``: several providers tried in order, the cheapest first.

A waterfall asks its first provider; when that one knows no such company, is unavailable
or answers with something unreadable, it asks the next, and so on. Which providers it
asks, and in which order, may depend on the company's country (``countries``). Every
try is recorded (:class:`Attempt`), so that a decision can say which provider answered
and why the others did not. When no provider answers, the error lists them all: a
:class:`~credkit.errors.SubjectNotFound` if every provider said "no such company", a
:class:`~credkit.errors.BureauUnavailable` otherwise.

>>> import datetime
>>> from credkit.bureau import BureauReport
>>> from credkit.errors import BureauUnavailable
>>> class Down:
...     name = "cheap"
...     def report(self, subject_id, *, as_of):
...         raise BureauUnavailable("cheap: HTTP 503")
>>> class Up:
...     name = "dear"
...     def report(self, subject_id, *, as_of):
...         return BureauReport("dear", subject_id, datetime.datetime(2026, 5, 4, tzinfo=datetime.timezone.utc), rating="2")
>>> result = Waterfall([Down(), Up()]).fetch("C1", as_of=datetime.date(2026, 5, 4))
>>> result.report.provider, [(a.provider, a.outcome) for a in result.attempts]
('dear', [('cheap', 'unavailable'), ('dear', 'report')])
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence

import attrs

from credkit._validate import check_date, check_text, describe
from credkit.bureau.protocol import Bureau
from credkit.bureau.report import BureauReport
from credkit.errors import (
    BureauError,
    BureauUnavailable,
    MalformedReport,
    SubjectNotFound,
    ValidationError,
)

__all__ = ["Attempt", "Waterfall", "WaterfallResult"]


@attrs.frozen
class Attempt:
    """One provider's try in a waterfall: ``outcome`` is ``"report"``, ``"not_found"``,
    ``"unavailable"``, ``"malformed"`` or ``"error"``, with the error's message.

    >>> Attempt("dnb", "not_found", "dnb: no company '1' (HTTP 404)").outcome
    'not_found'
    """

    provider: str
    outcome: str
    message: str = ""


@attrs.frozen
class WaterfallResult:
    """The report a waterfall got and every try it took to get it.

    >>> WaterfallResult.__name__
    'WaterfallResult'
    """

    report: BureauReport
    attempts: tuple[Attempt, ...]


def _outcome(error: BureauError) -> str:
    if isinstance(error, SubjectNotFound):
        return "not_found"
    if isinstance(error, BureauUnavailable):
        return "unavailable"
    if isinstance(error, MalformedReport):
        return "malformed"
    return "error"


class Waterfall:
    """A :class:`~credkit.bureau.Bureau` trying ``bureaus`` in order (see the module).

    List the bureaus cheapest first. ``countries`` maps an ISO country code to the names
    of the providers to try for companies there, in order (``{"US": ["dnb"]}``); other
    countries get every bureau in the listed order. ``name`` is the waterfall's own name.

    >>> Waterfall([])
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: bureaus: expected at least one bureau, got list []
    """

    def __init__(
        self,
        bureaus: Sequence[Bureau],
        *,
        countries: Mapping[str, Sequence[str]] | None = None,
        name: str = "waterfall",
    ) -> None:
        if isinstance(bureaus, str) or not isinstance(bureaus, Sequence) or not bureaus:
            raise ValidationError(f"bureaus: expected at least one bureau, got {describe(bureaus)}")
        self.bureaus = tuple(bureaus)
        names = [bureau.name for bureau in self.bureaus]
        if len(set(names)) != len(names):
            raise ValidationError(f"bureaus: each provider may appear once, got {names}")
        self._by_name = dict(zip(names, self.bureaus, strict=True))
        self.countries: dict[str, tuple[str, ...]] = {}
        for country, providers in (countries or {}).items():
            if isinstance(providers, str) or not providers:
                raise ValidationError(
                    f"countries[{country!r}]: expected a list of provider names, got "
                    f"{describe(providers)}"
                )
            for provider in providers:
                if provider not in self._by_name:
                    raise ValidationError(
                        f"countries[{country!r}]: unknown provider {provider!r}; the waterfall "
                        f"has {', '.join(repr(n) for n in names)}"
                    )
            self.countries[country.upper()] = tuple(providers)
        self._name = check_text(name, "name")

    @property
    def name(self) -> str:
        """The waterfall's name."""
        return self._name

    @property
    def providers(self) -> tuple[str, ...]:
        """The names of the providers, in the default order."""
        return tuple(self._by_name)

    def order(self, country: str | None = None) -> tuple[Bureau, ...]:
        """The bureaus to try for a company in ``country``, in order.

        >>> class B:
        ...     def __init__(self, name): self.name = name
        >>> [b.name for b in Waterfall([B("cs"), B("dnb")], countries={"US": ["dnb"]}).order("us")]
        ['dnb']
        """
        if country is not None and country.upper() in self.countries:
            return tuple(self._by_name[n] for n in self.countries[country.upper()])
        return self.bureaus

    def fetch(
        self, subject_id: str, *, as_of: datetime.date, country: str | None = None
    ) -> WaterfallResult:
        """The first report any provider gives, with every try (see the module)."""
        check_text(subject_id, "subject_id")
        check_date(as_of, "as_of")
        attempts: list[Attempt] = []
        for bureau in self.order(country):
            try:
                report = bureau.report(subject_id, as_of=as_of)
            except BureauError as error:
                attempts.append(Attempt(bureau.name, _outcome(error), str(error)))
                continue
            attempts.append(Attempt(bureau.name, "report"))
            return WaterfallResult(report, tuple(attempts))
        failures = tuple((a.provider, a.message) for a in attempts)
        listed = "; ".join(f"{a.provider}: {a.outcome}" for a in attempts)
        if all(a.outcome == "not_found" for a in attempts):
            raise SubjectNotFound(
                f"{self.name}: no provider knows {subject_id!r} ({listed})",
                provider=self.name,
                failures=failures,
            )
        raise BureauUnavailable(
            f"{self.name}: no provider gave a report on {subject_id!r} ({listed})",
            provider=self.name,
            failures=failures,
        )

    def report(
        self, subject_id: str, *, as_of: datetime.date, country: str | None = None
    ) -> BureauReport:
        """The first report any provider gives (:meth:`fetch` without the tries)."""
        return self.fetch(subject_id, as_of=as_of, country=country).report
