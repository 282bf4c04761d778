"""The normalised credit bureau report: one shape for every provider.

A :class:`BureauReport` is what credkit reads from any bureau, whatever the provider's
own format: the rating on the provider's scale (and that scale's name), a score, a
probability of default, a suggested limit, a payment index, derogatory events
(:class:`DerogatoryEvent`: insolvency, judgments, liens, ...) with their dates, and
financial statements when the bureau has them. ``raw`` keeps the provider's answer as
received (numbers with a fraction as their literal text), for audit.

:meth:`BureauReport.to_document` and :meth:`BureauReport.from_document` turn a report
into a JSON-compatible mapping and back (what :class:`~credkit.bureau.FileBureau` reads
and the bureau cache stores); :meth:`BureauReport.to_entry` and
:meth:`BureauReport.from_entry` do the same with a store's
:class:`~credkit.storage.BureauEntry`.

>>> from datetime import datetime, timezone
>>> from credkit import Money
>>> report = BureauReport("creditsafe", "DE-123", datetime(2026, 5, 4, 9, 30, tzinfo=timezone.utc),
...                       rating="B", rating_scale="creditsafe-common", score=62,
...                       recommended_limit=Money.of(50000, "EUR"))
>>> BureauReport.from_document(report.to_document()) == report
True
>>> report.score, report.has_insolvency
(Decimal('62'), False)
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs

from credkit._validate import (
    describe,
    is_date,
    number_between,
    optional,
    optional_text,
    text,
    to_optional_number,
    to_tuple,
    tuple_of,
)
from credkit.config import converter, dump, load
from credkit.errors import ConfigError, ValidationError
from credkit.money import Money
from credkit.scoring.statements import FinancialStatement
from credkit.storage.records import BureauEntry

__all__ = ["BureauReport", "DerogatoryEvent", "DerogatoryKind", "utc_now"]


def utc_now() -> datetime.datetime:
    """The current time in UTC (the default clock of the bureau wrappers).

    >>> utc_now().utcoffset()
    datetime.timedelta(0)
    """
    return datetime.datetime.now(datetime.UTC)


class DerogatoryKind(enum.Enum):
    """What kind of negative event a bureau reports.

    >>> DerogatoryKind("insolvency")
    <DerogatoryKind.INSOLVENCY: 'insolvency'>
    """

    INSOLVENCY = "insolvency"  # insolvency or bankruptcy proceedings, liquidation
    JUDGMENT = "judgment"  # a court judgment for a debt (a CCJ in the UK)
    LIEN = "lien"  # a lien or a secured filing against the company's assets
    DEFAULT = "default"  # a reported payment default or collection case
    OTHER = "other"


def _kind(value: object) -> object:
    if isinstance(value, str):
        try:
            return DerogatoryKind(value)
        except ValueError:
            pass
    return value


def _check_kind(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, DerogatoryKind):
        accepted = ", ".join(repr(kind.value) for kind in DerogatoryKind)
        raise ValidationError(f"kind: expected one of {accepted}, got {describe(value)}")


def _optional_money(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    if not isinstance(value, Money):
        raise ValidationError(
            f"{attribute.name}: expected Money such as Money.of('1000.00', 'EUR') or None, "
            f"got {describe(value)}"
        )
    if value.is_negative:
        raise ValidationError(f"{attribute.name}: must be zero or more, got {value}")


@attrs.frozen
class DerogatoryEvent:
    """A negative event in a bureau report: what, when and, when known, how much.

    >>> from datetime import date
    >>> DerogatoryEvent("judgment", date(2026, 2, 3), amount=Money.of(4200, "GBP")).kind
    <DerogatoryKind.JUDGMENT: 'judgment'>
    >>> DerogatoryEvent("fraud", date(2026, 2, 3))
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: kind: expected one of 'insolvency', 'judgment', 'lien', 'default', 'other', got str 'fraud'
    """

    kind: DerogatoryKind = attrs.field(converter=_kind, validator=_check_kind)
    on: datetime.date = attrs.field(validator=is_date)
    amount: Money | None = attrs.field(default=None, kw_only=True, validator=_optional_money)
    description: str | None = attrs.field(default=None, kw_only=True, validator=optional_text)


def _utc(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, datetime.datetime) or value.utcoffset() != datetime.timedelta(0):
        raise ValidationError(
            f"{attribute.name}: expected a datetime in UTC (tzinfo=datetime.timezone.utc), "
            f"got {describe(value)}"
        )


def _raw(value: object) -> object:
    return {} if value is None else value


def _check_raw(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    # The same rules as a store's BureauEntry payload: JSON values, no floats.
    BureauEntry("x", "x", datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC), payload=value)


_percent = number_between(0, 100)


@attrs.frozen
class BureauReport:
    """A credit bureau's report on one company, in credkit's normalised shape.

    ``provider`` names the bureau (``"creditsafe"``, ``"dnb"``), ``subject_id`` is the
    company's id as the caller asked for it, ``fetched_at`` when the report was received
    (UTC) and ``report_id`` the provider's reference, if any. ``rating`` is the provider's
    grade as text on the scale ``rating_scale`` (``"C"`` on ``"creditsafe-common"``),
    ``score`` a number on the scale ``score_scale``; :mod:`credkit.scoring.ratings` maps
    either onto credkit's risk classes. ``pd`` is a probability of default as a fraction,
    ``recommended_limit`` the provider's suggested credit limit, ``payment_index`` a 0-100
    payment index (PAYDEX-like: 80 pays on time). ``events`` are derogatory events,
    ``statements`` financial statements (newest first, as the provider gave them), and
    ``raw`` the provider's answer as received.

    >>> at = datetime.datetime(2026, 5, 4, tzinfo=datetime.timezone.utc)
    >>> BureauReport("dnb", "804735132", at, pd="2")
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: pd: must be from 0 to 1 (a fraction such as 0.02 for 2 %), got 2
    """

    provider: str = attrs.field(validator=text)
    subject_id: str = attrs.field(validator=text)
    fetched_at: datetime.datetime = attrs.field(validator=_utc)
    report_id: str | None = attrs.field(default=None, kw_only=True, validator=optional_text)
    rating: str | None = attrs.field(default=None, kw_only=True, validator=optional_text)
    rating_scale: str | None = attrs.field(default=None, kw_only=True, validator=optional_text)
    score: Decimal | None = attrs.field(default=None, kw_only=True, converter=to_optional_number)
    score_scale: str | None = attrs.field(default=None, kw_only=True, validator=optional_text)
    pd: Decimal | None = attrs.field(default=None, kw_only=True, converter=to_optional_number)
    recommended_limit: Money | None = attrs.field(
        default=None, kw_only=True, validator=_optional_money
    )
    payment_index: Decimal | None = attrs.field(
        default=None, kw_only=True, converter=to_optional_number, validator=optional(_percent)
    )
    events: tuple[DerogatoryEvent, ...] = attrs.field(
        default=(),
        kw_only=True,
        converter=to_tuple,
        validator=tuple_of(DerogatoryEvent, "DerogatoryEvent"),
    )
    statements: tuple[FinancialStatement, ...] = attrs.field(
        default=(),
        kw_only=True,
        converter=to_tuple,
        validator=tuple_of(FinancialStatement, "FinancialStatement"),
    )
    raw: dict[str, Any] = attrs.field(
        factory=dict, kw_only=True, converter=_raw, validator=_check_raw, repr=False
    )

    @score.validator
    def _score(self, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is not None:
            number_between(None, None)(self, attribute, value)

    @pd.validator
    def _pd(self, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is None:
            return
        number_between(None, None)(self, attribute, value)
        assert isinstance(value, Decimal)
        if not 0 <= value <= 1:
            raise ValidationError(
                f"pd: must be from 0 to 1 (a fraction such as 0.02 for 2 %), got {value}"
            )

    @property
    def has_insolvency(self) -> bool:
        """Whether the report holds an insolvency event.

        >>> at = datetime.datetime(2026, 5, 4, tzinfo=datetime.timezone.utc)
        >>> BureauReport("dnb", "1", at, events=[DerogatoryEvent("insolvency", datetime.date(2026, 4, 1))]).has_insolvency
        True
        """
        return any(event.kind is DerogatoryKind.INSOLVENCY for event in self.events)

    def events_since(self, day: datetime.date) -> tuple[DerogatoryEvent, ...]:
        """The events dated on or after ``day``.

        >>> at = datetime.datetime(2026, 5, 4, tzinfo=datetime.timezone.utc)
        >>> report = BureauReport("dnb", "1", at, events=[DerogatoryEvent("lien", datetime.date(2025, 1, 1))])
        >>> report.events_since(datetime.date(2026, 1, 1))
        ()
        """
        return tuple(event for event in self.events if event.on >= day)

    def to_document(self) -> dict[str, Any]:
        """The report as a JSON-compatible mapping (figures as strings, dates in ISO form).

        >>> at = datetime.datetime(2026, 5, 4, 9, 30, tzinfo=datetime.timezone.utc)
        >>> document = BureauReport("dnb", "1", at, score="71.5").to_document()
        >>> document["fetched_at"], document["score"]
        ('2026-05-04T09:30:00+00:00', '71.5')
        """
        document: dict[str, Any] = dump(self)
        return {key: value for key, value in document.items() if value not in (None, (), [])}

    @classmethod
    def from_document(cls, document: Mapping[str, Any], *, path: str = "") -> BureauReport:
        """The report from a mapping made by :meth:`to_document` (or written by hand).

        Any problem raises :class:`~credkit.errors.ConfigError` naming the field.

        >>> BureauReport.from_document({"provider": "dnb", "subject_id": "1",
        ...                             "fetched_at": "2026-05-04T09:30:00Z", "score": 1.5})
        Traceback (most recent call last):
        ...
        credkit.errors.ConfigError: score: float 1.5 is not exact; pass a Decimal, an int or a string such as '1.5'
        """
        return load(cls, document, path=path)

    def to_entry(self) -> BureauEntry:
        """The report as a store's :class:`~credkit.storage.BureauEntry`, for the bureau cache.

        >>> at = datetime.datetime(2026, 5, 4, tzinfo=datetime.timezone.utc)
        >>> BureauReport("dnb", "1", at, report_id="R9", rating="2").to_entry().report_id
        'R9'
        """
        return BureauEntry(
            self.provider,
            self.subject_id,
            self.fetched_at,
            payload=self.to_document(),
            report_id=self.report_id,
        )

    @classmethod
    def from_entry(cls, entry: BureauEntry) -> BureauReport:
        """The report stored in a bureau cache entry made by :meth:`to_entry`.

        >>> at = datetime.datetime(2026, 5, 4, tzinfo=datetime.timezone.utc)
        >>> report = BureauReport("dnb", "1", at, rating="2")
        >>> BureauReport.from_entry(report.to_entry()) == report
        True
        """
        try:
            return cls.from_document(entry.payload)
        except ConfigError as error:
            raise ValidationError(
                f"entry: the cached payload of {entry.provider} on {entry.subject_id!r} is not "
                f"a BureauReport document ({error})"
            ) from None


# -- documents: a fetched_at is an ISO 8601 time with an offset, kept in UTC ---------------


def _structure_datetime(value: object, _: type) -> datetime.datetime:
    moment: datetime.datetime | None = None
    if isinstance(value, datetime.datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = datetime.datetime.fromisoformat(value)
        except ValueError:
            moment = None
    if moment is None:
        raise ConfigError(
            f"expected a time as 'YYYY-MM-DDTHH:MM:SSZ' (ISO 8601 with an offset), "
            f"got {describe(value)}"
        )
    if moment.utcoffset() is None:
        raise ConfigError(f"expected a time with an offset such as 'Z', got {describe(value)}")
    return moment.astimezone(datetime.UTC)


converter.register_structure_hook(datetime.datetime, _structure_datetime)
converter.register_unstructure_hook(datetime.datetime, datetime.datetime.isoformat)
