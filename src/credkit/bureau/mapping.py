"""Mapping documents: where each normalised field sits in a provider's JSON answer.

A :class:`ReportMapping` tells :class:`~credkit.bureau.HttpJsonBureau` how to ask a
provider for a report (``request``: the URL path and query) and where to find each
field of a :class:`~credkit.bureau.BureauReport` in the answer (``fields``, ``events``,
``statements``). Locations are *paths*: keys joined by dots, list positions in brackets
(``report.creditScore.currentCreditRating.commonValue``, ``organization.financials[0]``).
Values listed in ``absent`` (``"Not Rated"``) mean "no figure"; any other value that is
not what a field needs makes the answer a :class:`~credkit.errors.MalformedReport`, never
a silently emptier report.

Mappings are configuration documents: :func:`load_mapping` reads one (a mapping, a
TOML/JSON text or file) with :func:`credkit.config.load`, so every mistake is a
:class:`~credkit.errors.ConfigError` naming the field; :func:`shipped_mapping` loads a
ready one (``"creditsafe"``, ``"dnb"``) from ``credkit/data/bureau/``.
:func:`normalise` applies a mapping to a decoded answer; it is pure.

>>> mapping = load_mapping({
...     "id": "acme-bureau", "version": "1", "provider": "acme",
...     "request": {"path": "/reports/{subject_id}"},
...     "fields": {"rating": "data.grade", "rating_scale": "acme-grades",
...                "recommended_limit": "data.limit.value", "limit_currency": "data.limit.ccy"},
... })
>>> import datetime
>>> at = datetime.datetime(2026, 5, 4, tzinfo=datetime.timezone.utc)
>>> report = normalise({"data": {"grade": "B", "limit": {"value": 25000, "ccy": "EUR"}}},
...                    mapping, subject_id="C1", fetched_at=at)
>>> report.rating, report.rating_scale, str(report.recommended_limit)
('B', 'acme-grades', '25000 EUR')
>>> load_mapping({"id": "x", "version": "1", "provider": "x", "request": {"path": "/r/{subject_id}"},
...               "fields": {"score": "data..score"}})
Traceback (most recent call last):
...
credkit.errors.ConfigError: fields.score: 'data..score' is not a path: an empty key before position 5; write keys joined by dots and list positions in brackets, such as 'report.scores[0].value'
"""

from __future__ import annotations

import datetime
import functools
import os
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from importlib import resources
from typing import Any, Final

import attrs

from credkit._validate import describe, iso_day, shorten
from credkit.bureau.report import BureauReport, DerogatoryEvent, DerogatoryKind
from credkit.config import load
from credkit.errors import CredkitError, MalformedReport, ValidationError
from credkit.money import Money
from credkit.scoring.statements import FinancialStatement

__all__ = [
    "SHIPPED_MAPPINGS",
    "EventPaths",
    "FieldPaths",
    "ReportMapping",
    "RequestSpec",
    "StatementPaths",
    "load_mapping",
    "lookup",
    "normalise",
    "parse_path",
    "shipped_mapping",
]

Step = str | int

_SEGMENT = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


@functools.lru_cache(maxsize=1024)
def parse_path(path: str) -> tuple[Step, ...]:
    """The steps of a path: keys (``str``) and list positions (``int``).

    >>> parse_path("report.creditScore.providerValue.value")
    ('report', 'creditScore', 'providerValue', 'value')
    >>> parse_path("organization.financials[0].yearlyRevenue[1]")
    ('organization', 'financials', 0, 'yearlyRevenue', 1)
    >>> parse_path("a[x]")
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: 'a[x]' is not a path: unexpected '[' at position 1; write keys joined by dots and list positions in brackets, such as 'report.scores[0].value'
    """
    steps: list[Step] = []
    position = 0
    hint = (
        "write keys joined by dots and list positions in brackets, such as 'report.scores[0].value'"
    )
    if not isinstance(path, str) or not path:
        raise ValidationError(f"expected a path such as 'report.score', got {describe(path)}")
    while position < len(path):
        if steps and path[position] == ".":
            position += 1
            if position == len(path) or path[position] in ".[":
                raise ValidationError(
                    f"{shorten(repr(path))} is not a path: an empty key before position "
                    f"{position}; {hint}"
                )
        elif steps and path[position] != "[":
            raise ValidationError(
                f"{shorten(repr(path))} is not a path: expected '.' or '[' at position "
                f"{position}; {hint}"
            )
        match = _SEGMENT.match(path, position)
        if match is None:
            raise ValidationError(
                f"{shorten(repr(path))} is not a path: unexpected {path[position]!r} at "
                f"position {position}; {hint}"
            )
        if match.group(1) is not None:
            if path[position - 1 : position] == "]":
                raise ValidationError(
                    f"{shorten(repr(path))} is not a path: expected '.' or '[' at position "
                    f"{position}; {hint}"
                )
            steps.append(match.group(1).strip())
        else:
            steps.append(int(match.group(2)))
        position = match.end()
    if isinstance(steps[0], int):
        raise ValidationError(
            f"{shorten(repr(path))} is not a path: it must start with a key; {hint}"
        )
    return tuple(steps)


_MISSING: Final = object()


def lookup(document: object, path: str) -> object:
    """The value at ``path`` in a decoded JSON ``document``, or ``None`` when any step is
    missing (a key not there, a list too short, a ``null`` on the way).

    A step into something that is neither an object nor a list (a key into a number)
    raises :class:`~credkit.errors.MalformedReport`: the answer does not have the shape
    the mapping expects.

    >>> lookup({"a": [{"b": 1}, {"b": 2}]}, "a[1].b"), lookup({"a": []}, "a[0].b")
    (2, None)
    >>> lookup({"a": 5}, "a.b")
    Traceback (most recent call last):
    ...
    credkit.errors.MalformedReport: a.b: expected an object at 'a', got int 5
    """
    current = document
    walked: list[str] = []
    for step in parse_path(path):
        if current is None:
            return None
        if isinstance(step, int):
            if not isinstance(current, list):
                raise MalformedReport(
                    f"{path}: expected a list at {''.join(walked)!r}, got {describe(current)}"
                )
            current = current[step] if step < len(current) else None
            walked.append(f"[{step}]")
        else:
            if not isinstance(current, dict):
                where = "".join(walked) or "(the answer)"
                raise MalformedReport(
                    f"{path}: expected an object at {where!r}, got {describe(current)}"
                )
            current = current.get(step)
            walked.append(f".{step}" if walked else step)
    return current


# -- the mapping document -------------------------------------------------------------


def _path(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    try:
        parse_path(value)
    except ValidationError as error:
        raise ValidationError(f"{attribute.name}: {error}") from None


def _text(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise ValidationError(
            f"{attribute.name}: expected a non-empty string, got {describe(value)}"
        )


def _url_path(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    _text(instance, attribute, value)
    assert isinstance(value, str)
    if not value.startswith("/") or "{subject_id}" not in value:
        raise ValidationError(
            f"{attribute.name}: expected a URL path starting with '/' that holds "
            f"'{{subject_id}}', such as '/companies/{{subject_id}}', got {value!r}"
        )
    try:
        value.format(subject_id="x", as_of="2026-01-01")
    except (KeyError, IndexError, ValueError) as error:
        raise ValidationError(
            f"{attribute.name}: {value!r} may only hold the placeholders {{subject_id}} and "
            f"{{as_of}} ({type(error).__name__}: {error})"
        ) from None


def _statuses(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    statuses: tuple[int, ...] = value  # type: ignore[assignment]
    for index, status in enumerate(statuses):
        if not 400 <= status <= 499:
            raise ValidationError(
                f"{attribute.name}[{index}]: expected an HTTP client error status from 400 "
                f"to 499, got {status}"
            )


@attrs.frozen
class RequestSpec:
    """How to ask for a report: ``GET base_url + path`` with ``query`` parameters.

    ``path`` and the query values may hold ``{subject_id}`` and ``{as_of}`` (ISO date).
    ``not_found`` lists the HTTP statuses that mean "no such company" (default 404).

    >>> RequestSpec("/companies/{subject_id}", query={"language": "en"}).not_found
    (404,)
    """

    path: str = attrs.field(validator=_url_path)
    query: dict[str, str] = attrs.field(factory=dict, kw_only=True)
    not_found: tuple[int, ...] = attrs.field(default=(404,), kw_only=True, validator=_statuses)

    def url_path(self, subject_id: str, as_of: datetime.date) -> str:
        """The path for ``subject_id``, with the id percent-encoded.

        >>> RequestSpec("/companies/{subject_id}").url_path("DE/1 2", datetime.date(2026, 1, 1))
        '/companies/DE%2F1%202'
        """
        from urllib.parse import quote

        return self.path.format(subject_id=quote(subject_id, safe=""), as_of=as_of.isoformat())

    def params(self, subject_id: str, as_of: datetime.date) -> dict[str, str]:
        """The query parameters for ``subject_id`` and ``as_of``.

        >>> RequestSpec("/r/{subject_id}", query={"on": "{as_of}"}).params("1", datetime.date(2026, 1, 2))
        {'on': '2026-01-02'}
        """
        return {
            key: value.format(subject_id=subject_id, as_of=as_of.isoformat())
            for key, value in self.query.items()
        }


def _path_field() -> Any:
    return attrs.field(default=None, kw_only=True, validator=_path)


@attrs.frozen
class FieldPaths:
    """Where the single-valued fields of a report are (``None``: the provider has none).

    ``rating_scale`` and ``score_scale`` are not paths but the names of the provider's
    scales, as a :class:`~credkit.scoring.RatingScale` knows them. ``pd_percent`` says the
    probability of default is given in percent (``2.5`` for 2.5 %). ``limit_currency``
    is the path of the suggested limit's currency; ``currency`` the currency to use when
    the answer gives none.

    >>> FieldPaths(score="a.b", pd="a.pd", pd_percent=True).pd_percent
    True
    """

    report_id: str | None = _path_field()
    rating: str | None = _path_field()
    rating_scale: str | None = attrs.field(default=None, kw_only=True, validator=_text)
    score: str | None = _path_field()
    score_scale: str | None = attrs.field(default=None, kw_only=True, validator=_text)
    pd: str | None = _path_field()
    pd_percent: bool = attrs.field(default=False, kw_only=True)
    recommended_limit: str | None = _path_field()
    limit_currency: str | None = _path_field()
    currency: str | None = attrs.field(default=None, kw_only=True, validator=_text)
    payment_index: str | None = _path_field()


@attrs.frozen
class EventPaths:
    """Where derogatory events are: ``path`` leads to one object or a list of them.

    Within each item, ``date`` (required), ``amount``, ``currency`` and ``description``
    are paths. The kind is ``kind`` for every item, or read at ``kind_path`` and looked
    up in ``kinds`` (provider's value -> ``insolvency``, ``judgment``, ``lien``,
    ``default`` or ``other``).

    >>> EventPaths("report.negativeInformation.ccjs", date="date", kind="judgment").kind
    'judgment'
    """

    path: str = attrs.field(validator=_path)
    date: str = attrs.field(kw_only=True, validator=_path)
    kind: str | None = attrs.field(default=None, kw_only=True)
    kind_path: str | None = _path_field()
    kinds: dict[str, str] = attrs.field(factory=dict, kw_only=True)
    amount: str | None = _path_field()
    currency: str | None = _path_field()
    description: str | None = _path_field()

    def __attrs_post_init__(self) -> None:
        accepted = ", ".join(repr(kind.value) for kind in DerogatoryKind)
        if (self.kind is None) == (self.kind_path is None):
            raise ValidationError("kind: give either kind (one for all items) or kind_path")
        for key, value in [
            ("kind", self.kind),
            *((f"kinds.{k}", v) for k, v in self.kinds.items()),
        ]:
            if value is not None and value not in {kind.value for kind in DerogatoryKind}:
                raise ValidationError(f"{key}: expected one of {accepted}, got {value!r}")


@attrs.frozen
class StatementPaths:
    """Where financial statements are: ``path`` leads to one object or a list of them.

    ``figures`` maps :class:`~credkit.scoring.FinancialStatement` field names
    (``total_assets``, ``sales``, ...) to paths within each item; ``period_end`` and
    ``currency`` are paths too.

    >>> StatementPaths("fin", figures={"total_assets": "bs.totalAssets"}).figures
    {'total_assets': 'bs.totalAssets'}
    """

    path: str = attrs.field(validator=_path)
    figures: dict[str, str] = attrs.field(factory=dict, kw_only=True)
    period_end: str | None = _path_field()
    currency: str | None = _path_field()

    def __attrs_post_init__(self) -> None:
        names = {field.name for field in attrs.fields(FinancialStatement)} - {
            "period_end",
            "currency",
        }
        for key, value in self.figures.items():
            if key not in names:
                raise ValidationError(
                    f"figures.{key}: not a FinancialStatement figure; accepted are "
                    f"{', '.join(sorted(names))}"
                )
            try:
                parse_path(value)
            except ValidationError as error:
                raise ValidationError(f"figures.{key}: {error}") from None


@attrs.frozen
class ReportMapping:
    """A provider's request and answer layout (see the module).

    ``id`` and ``version`` identify the mapping; ``provider`` names the bureau;
    ``source`` says where the layout is documented; ``absent`` lists values that mean
    "no figure" (compared as text, case-insensitively).

    >>> mapping = shipped_mapping("creditsafe")
    >>> mapping.provider, mapping.fields.rating_scale
    ('creditsafe', 'creditsafe-common')
    """

    id: str = attrs.field(validator=_text)
    version: str = attrs.field(kw_only=True, validator=_text)
    provider: str = attrs.field(kw_only=True, validator=_text)
    request: RequestSpec = attrs.field(kw_only=True)
    fields: FieldPaths = attrs.field(factory=FieldPaths, kw_only=True)
    events: tuple[EventPaths, ...] = attrs.field(default=(), kw_only=True)
    statements: tuple[StatementPaths, ...] = attrs.field(default=(), kw_only=True)
    absent: tuple[str, ...] = attrs.field(default=(), kw_only=True)
    source: str | None = attrs.field(default=None, kw_only=True)
    description: str | None = attrs.field(default=None, kw_only=True)


def load_mapping(
    source: Mapping[str, Any] | str | os.PathLike[str], *, format: Any = None
) -> ReportMapping:
    """Load a :class:`ReportMapping` from a mapping, a TOML/JSON text or a file.

    Every problem raises :class:`~credkit.errors.ConfigError` with the field's path.

    >>> load_mapping({"id": "x", "version": "1", "provider": "x",
    ...               "request": {"path": "/r/{subject_id}", "not_found": [200]}})
    Traceback (most recent call last):
    ...
    credkit.errors.ConfigError: request.not_found[0]: expected an HTTP client error status from 400 to 499, got 200
    """
    return load(ReportMapping, source, format=format)


SHIPPED_MAPPINGS: Final = ("creditsafe", "dnb")
"""The mappings that ship in ``credkit/data/bureau/`` (``<name>.toml``)."""


@functools.cache
def shipped_mapping(name: str) -> ReportMapping:
    """A ready mapping from ``credkit/data/bureau/``: ``"creditsafe"`` or ``"dnb"``.

    >>> shipped_mapping("dnb").request.path
    '/v1/data/duns/{subject_id}'
    >>> shipped_mapping("experian")
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: name: no shipped mapping 'experian'; shipped are 'creditsafe', 'dnb'
    """
    if name not in SHIPPED_MAPPINGS:
        shipped = ", ".join(repr(n) for n in SHIPPED_MAPPINGS)
        raise ValidationError(f"name: no shipped mapping {name!r}; shipped are {shipped}")
    resource = resources.files("credkit").joinpath("data", "bureau", f"{name}.toml")
    return load_mapping(resource.read_text(encoding="utf-8"), format="toml")


# -- applying a mapping -----------------------------------------------------------------


def _is_absent(value: object, mapping: ReportMapping) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        folded = value.strip().casefold()
        return not folded or folded in {a.strip().casefold() for a in mapping.absent}
    return False


def _number(value: object, where: str, mapping: ReportMapping) -> Decimal | None:
    if _is_absent(value, mapping):
        return None
    if isinstance(value, bool) or not isinstance(value, int | str | Decimal):
        raise MalformedReport(f"{where}: expected a number, got {describe(value)}")
    try:
        number = Decimal(value.strip() if isinstance(value, str) else value)
    except InvalidOperation:
        raise MalformedReport(
            f"{where}: expected a number, got {describe(value)}; if the provider writes "
            "this for 'no figure', add it to the mapping's absent list"
        ) from None
    if not number.is_finite():
        raise MalformedReport(f"{where}: expected a finite number, got {describe(value)}")
    return number


def _text_value(value: object, where: str, mapping: ReportMapping) -> str | None:
    if _is_absent(value, mapping):
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise MalformedReport(f"{where}: expected text or a whole number, got {describe(value)}")
    return str(value).strip()


def _date(value: object, where: str) -> datetime.date:
    if isinstance(value, str) and len(value) >= 10:
        try:
            return iso_day(value[:10])
        except ValueError:
            pass
    raise MalformedReport(f"{where}: expected a date as 'YYYY-MM-DD...', got {describe(value)}")


def _items(document: object, path: str) -> list[tuple[str, object]]:
    found = lookup(document, path)
    if found is None:
        return []
    if isinstance(found, list):
        return [(f"{path}[{index}]", item) for index, item in enumerate(found)]
    return [(path, found)]


def _money(amount: Decimal | None, currency: str | None, where: str) -> Money | None:
    if amount is None:
        return None
    if currency is None:
        raise MalformedReport(
            f"{where}: an amount without a currency; map the currency's path or set "
            "fields.currency in the mapping"
        )
    try:
        return Money.of(amount, currency)
    except CredkitError as error:
        raise MalformedReport(f"{where}: {error}") from None


def _events(document: object, mapping: ReportMapping) -> list[DerogatoryEvent]:
    events: list[DerogatoryEvent] = []
    for spec in mapping.events:
        for where, item in _items(document, spec.path):
            if not isinstance(item, dict):
                raise MalformedReport(f"{where}: expected an object, got {describe(item)}")
            kind = spec.kind
            if spec.kind_path is not None:
                found = _text_value(
                    lookup(item, spec.kind_path), f"{where}.{spec.kind_path}", mapping
                )
                kind = spec.kinds.get(found or "", "other")
            day = _date(lookup(item, spec.date), f"{where}.{spec.date}")
            amount = None
            if spec.amount is not None:
                figure = _number(lookup(item, spec.amount), f"{where}.{spec.amount}", mapping)
                currency = (
                    _text_value(lookup(item, spec.currency), f"{where}.{spec.currency}", mapping)
                    if spec.currency is not None
                    else None
                ) or mapping.fields.currency
                amount = _money(figure, currency, f"{where}.{spec.amount}")
            description = (
                _text_value(lookup(item, spec.description), f"{where}.{spec.description}", mapping)
                if spec.description is not None
                else None
            )
            try:
                events.append(DerogatoryEvent(kind, day, amount=amount, description=description))
            except CredkitError as error:
                raise MalformedReport(f"{where}: {error}") from None
    return events


def _statements(document: object, mapping: ReportMapping) -> list[FinancialStatement]:
    statements: list[FinancialStatement] = []
    for spec in mapping.statements:
        for where, item in _items(document, spec.path):
            if not isinstance(item, dict):
                raise MalformedReport(f"{where}: expected an object, got {describe(item)}")
            figures: dict[str, Any] = {
                name: _number(lookup(item, path), f"{where}.{path}", mapping)
                for name, path in spec.figures.items()
            }
            if spec.period_end is not None:
                found = lookup(item, spec.period_end)
                figures["period_end"] = (
                    None
                    if _is_absent(found, mapping)
                    else _date(found, f"{where}.{spec.period_end}")
                )
            if spec.currency is not None:
                figures["currency"] = _text_value(
                    lookup(item, spec.currency), f"{where}.{spec.currency}", mapping
                )
            try:
                statements.append(FinancialStatement(**figures))
            except CredkitError as error:
                raise MalformedReport(f"{where}: {error}") from None
    return statements


def normalise(
    document: object,
    mapping: ReportMapping,
    *,
    subject_id: str,
    fetched_at: datetime.datetime,
) -> BureauReport:
    """A :class:`~credkit.bureau.BureauReport` from a provider's decoded JSON answer.

    Raises :class:`~credkit.errors.MalformedReport` when the answer is not a JSON object,
    a mapped value has the wrong type, or the answer holds none of the mapped figures
    (rating, score, probability of default, limit, payment index, events, statements):
    an empty report is never returned as if it said something.

    >>> at = datetime.datetime(2026, 5, 4, tzinfo=datetime.timezone.utc)
    >>> normalise({"unexpected": 1}, shipped_mapping("creditsafe"), subject_id="GB-1", fetched_at=at)
    Traceback (most recent call last):
    ...
    credkit.errors.MalformedReport: creditsafe: the answer for 'GB-1' holds none of the mapped figures (rating, score, pd, recommended limit, payment index, events, statements); is it the right endpoint?
    """
    if not isinstance(document, dict):
        raise MalformedReport(
            f"{mapping.provider}: expected a JSON object, got {describe(document)}",
            provider=mapping.provider,
        )
    paths = mapping.fields

    def value(path: str | None) -> object:
        return None if path is None else lookup(document, path)

    try:
        rating = _text_value(value(paths.rating), str(paths.rating), mapping)
        score = _number(value(paths.score), str(paths.score), mapping)
        pd = _number(value(paths.pd), str(paths.pd), mapping)
        if pd is not None and paths.pd_percent:
            pd = pd / 100
        limit_amount = _number(
            value(paths.recommended_limit), str(paths.recommended_limit), mapping
        )
        currency = (
            _text_value(value(paths.limit_currency), str(paths.limit_currency), mapping)
            or paths.currency
        )
        limit = _money(limit_amount, currency, str(paths.recommended_limit))
        payment_index = _number(value(paths.payment_index), str(paths.payment_index), mapping)
        report_id = _text_value(value(paths.report_id), str(paths.report_id), mapping)
        events = _events(document, mapping)
        statements = _statements(document, mapping)
    except MalformedReport as error:
        raise MalformedReport(f"{mapping.provider}: {error}", provider=mapping.provider) from None
    if all(figure is None for figure in (rating, score, pd, limit, payment_index)) and not (
        events or statements
    ):
        raise MalformedReport(
            f"{mapping.provider}: the answer for {subject_id!r} holds none of the mapped "
            "figures (rating, score, pd, recommended limit, payment index, events, "
            "statements); is it the right endpoint?",
            provider=mapping.provider,
        )
    try:
        return BureauReport(
            mapping.provider,
            subject_id,
            fetched_at,
            report_id=report_id,
            rating=rating,
            rating_scale=paths.rating_scale if rating is not None else None,
            score=score,
            score_scale=paths.score_scale if score is not None else None,
            pd=pd,
            recommended_limit=limit,
            payment_index=payment_index,
            events=events,
            statements=statements,
            raw=document,
        )
    except CredkitError as error:
        raise MalformedReport(f"{mapping.provider}: {error}", provider=mapping.provider) from None
