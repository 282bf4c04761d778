"""What the desk learns from a credit bureau for one check: profile fields and a log record.

The desk asks its bureau (usually a :class:`~credkit.bureau.CachedBureau`, so that a
recent report comes from the store's cache and only a stale one costs a new request)
before it opens the unit of work: a slow bureau never holds a customer's lock. The
report's figures go into the profile's ``bureau`` mapping under the names of
:data:`~credkit.policy.rules.BUREAU_FIELDS`, and its provider, report id and fetch
time into the decision's log entry. A bureau that cannot answer (unknown subject,
unavailable, malformed answer: a :class:`~credkit.errors.BureauError`) leaves the
mapping empty and the error in the log entry, and the policy decides what a missing
report means (rule ``bureau_report``, ``when_missing``); any other exception is a
bug and propagates.

>>> import datetime
>>> from credkit import Money
>>> from credkit.bureau import BureauReport, DerogatoryEvent
>>> at = datetime.datetime(2026, 4, 20, 8, 0, tzinfo=datetime.timezone.utc)
>>> report = BureauReport("creditsafe", "DE-1", at, report_id="R-7", rating="B",
...     rating_scale="creditsafe-common", recommended_limit=Money.of(40000, "EUR"),
...     events=[DerogatoryEvent("judgment", datetime.date(2025, 9, 1))])
>>> fields = bureau_fields(report, as_of=datetime.date(2026, 5, 4))
>>> fields["age_days"], fields["risk_class"], fields["recommended_limit"], fields["insolvency"]
(14, 'B', Decimal('40000'), False)
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from credkit._validate import check_date
from credkit.bureau import Bureau, BureauReport, DerogatoryKind, report_class
from credkit.errors import BureauError, BureauUnavailable, MalformedReport, SubjectNotFound
from credkit.policy.profile import BureauValue

__all__ = ["BureauLookup", "bureau_fields", "look_up"]


def bureau_fields(report: BureauReport, *, as_of: datetime.date) -> dict[str, BureauValue]:
    """The profile's ``bureau`` mapping for ``report`` in a check as of ``as_of`` (see the module).

    ``age_days`` counts whole days from the day the report was fetched (UTC) to
    ``as_of``, at least 0; derogatory events dated after ``as_of`` are not counted.
    """
    check_date(as_of, "as_of")
    events = [event for event in report.events if event.on <= as_of]
    limit = report.recommended_limit
    return {
        "provider": report.provider,
        "report_id": report.report_id,
        "fetched_on": report.fetched_at.date().isoformat(),
        "age_days": max(0, (as_of - report.fetched_at.date()).days),
        "rating": report.rating,
        "rating_scale": report.rating_scale,
        "risk_class": report_class(report),
        "score": report.score,
        "pd": report.pd,
        "recommended_limit": None if limit is None else limit.amount,
        "recommended_limit_currency": None if limit is None else limit.currency,
        "payment_index": report.payment_index,
        "derogatory_events": len(events),
        "insolvency": any(event.kind is DerogatoryKind.INSOLVENCY for event in events),
    }


@attrs.frozen
class BureauLookup:
    """The outcome of asking the bureau about one customer for one check.

    ``fields`` go into the profile (empty without a report), ``source`` into the
    decision's log entry, ``risk_class`` is the report's class on credkit's scale,
    ``report`` the report itself (None without one) and ``error`` why there is none
    (``not found``, ``unavailable``, ``malformed`` or ``failed``).

    >>> failed = BureauLookup.failed("DE-1", "unavailable", "timed out")
    >>> failed.source["error"], failed.error, failed.report is None
    ('unavailable: timed out', 'unavailable', True)
    """

    fields: Mapping[str, BureauValue] = attrs.field(factory=dict)
    source: Mapping[str, Any] = attrs.field(factory=dict)
    risk_class: str | None = None
    report: BureauReport | None = attrs.field(default=None, kw_only=True)
    error: str | None = attrs.field(default=None, kw_only=True)

    @classmethod
    def failed(cls, subject_id: str, kind: str, message: str) -> BureauLookup:
        """No report: the bureau could not answer about ``subject_id``."""
        return cls(source={"subject_id": subject_id, "error": f"{kind}: {message}"}, error=kind)


def _kind(error: BureauError) -> str:
    """``not found``, ``unavailable``, ``malformed`` or ``failed``, from the error's class."""
    for cls, kind in (
        (SubjectNotFound, "not found"),
        (BureauUnavailable, "unavailable"),
        (MalformedReport, "malformed"),
    ):
        if isinstance(error, cls):
            return kind
    return "failed"


def look_up(
    bureau: Bureau,
    customer_id: str,
    *,
    as_of: datetime.date,
    subject: Callable[[str], str] | None = None,
) -> BureauLookup:
    """Ask ``bureau`` about ``customer_id`` (its subject id by ``subject``) as of ``as_of``.

    >>> import datetime
    >>> from credkit.bureau import FileBureau
    >>> import tempfile
    >>> empty = FileBureau(tempfile.mkdtemp(), provider="creditsafe")
    >>> look_up(empty, "C1", as_of=datetime.date(2026, 5, 4)).source["error"][:9]
    'not found'
    """
    subject_id = customer_id if subject is None else subject(customer_id)
    try:
        report = bureau.report(subject_id, as_of=as_of)
    except BureauError as error:
        return BureauLookup.failed(subject_id, _kind(error), str(error))
    fields = bureau_fields(report, as_of=as_of)
    source = {
        "subject_id": subject_id,
        "provider": report.provider,
        "report_id": report.report_id,
        "fetched_at": report.fetched_at.isoformat(),
    }
    risk_class = fields["risk_class"]
    return BureauLookup(
        fields, source, risk_class if isinstance(risk_class, str) else None, report=report
    )
