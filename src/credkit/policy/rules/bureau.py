"""The bureau rule: a credit bureau's report must be there, recent enough and without insolvency.

The desk (:class:`~credkit.desk.CreditDesk` with a ``bureau``) puts what it learned
from the bureau into the profile's ``bureau`` mapping under the names of
:data:`BUREAU_FIELDS`; a host that builds profiles itself can fill the same names.
Without a report (none on file, or the bureau could not answer) the mapping has no
``age_days``, and ``when_missing`` decides (``BUREAU_MISSING``): whether an order
may pass without bureau data is the policy's call, not the desk's.
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar, Final

import attrs

from credkit._validate import boolean, whole
from credkit.policy.order import OrderRequest
from credkit.policy.profile import CreditProfile
from credkit.policy.result import RuleResult, WhenMissing
from credkit.policy.rules.base import BuiltinRule, when_missing_field

__all__ = ["BUREAU_FIELDS", "BureauReportRule", "bureau_age"]

BUREAU_FIELDS: Final = (
    "provider",
    "report_id",
    "fetched_on",
    "age_days",
    "rating",
    "rating_scale",
    "risk_class",
    "score",
    "pd",
    "recommended_limit",
    "recommended_limit_currency",
    "payment_index",
    "derogatory_events",
    "insolvency",
)
"""The names under which the desk puts a bureau report into ``CreditProfile.bureau``.

``age_days`` is how many days before the check the report was fetched, ``fetched_on``
that day (ISO), ``risk_class`` the report's rating on credkit's scale, ``insolvency``
whether the report names an insolvency, ``derogatory_events`` how many derogatory
events (insolvency, judgments, ...) it lists; the others are the report's own figures.
"""


def bureau_age(profile: CreditProfile) -> int | None:
    """Days between the bureau report's fetch and the check (None: no report on the profile).

    >>> from datetime import date
    >>> from credkit.policy.exposure import Exposure
    >>> def profile(**bureau):
    ...     return CreditProfile("C1", as_of=date(2026, 5, 4), limit=None,
    ...                          exposure=Exposure((), currency="EUR"), bureau=bureau)
    >>> bureau_age(profile(age_days=12)), bureau_age(profile()), bureau_age(profile(age_days=True))
    (12, None, None)
    """
    value = profile.bureau.get("age_days")
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        return None
    return int(value)


@attrs.frozen
class BureauReportRule(BuiltinRule):
    """A bureau report must be on the profile, no older than ``max_age_days``, without insolvency.

    Fails with ``BUREAU_STALE`` when the report was fetched more than ``max_age_days``
    before the check (None: any age will do; a report exactly that old passes), and
    with ``BUREAU_INSOLVENCY`` when it names an insolvency and ``refuse_insolvency``
    is true (the default). Without a report, ``when_missing`` decides
    (``BUREAU_MISSING``).

    >>> BureauReportRule(max_age_days=90).codes
    ('BUREAU_STALE', 'BUREAU_INSOLVENCY', 'BUREAU_MISSING')
    """

    name: ClassVar[str] = "bureau_report"
    code: ClassVar[str] = "BUREAU_STALE"
    codes: ClassVar[tuple[str, ...]] = ("BUREAU_STALE", "BUREAU_INSOLVENCY", "BUREAU_MISSING")
    figure: ClassVar[tuple[str, str] | None] = ("bureau", "bureau report")

    max_age_days: int | None = attrs.field(
        default=None, kw_only=True, validator=attrs.validators.optional(whole(0))
    )
    refuse_insolvency: bool = attrs.field(default=True, kw_only=True, validator=boolean)
    when_missing: WhenMissing = when_missing_field()

    def fails(self, p: CreditProfile, amount: Decimal) -> bool:
        """No report: ``when_missing``; insolvency (if refused); older than ``max_age_days``."""
        if bureau_age(p) is None:
            return self.fails_when_missing
        if self.refuse_insolvency and p.bureau.get("insolvency") is True:
            return True
        return self.max_age_days is not None and (bureau_age(p) or 0) > self.max_age_days

    def explain(self, profile: CreditProfile, order: OrderRequest) -> RuleResult:
        """``bureau report ... names an insolvency`` or ``... fetched N days before ...``."""
        age = bureau_age(profile)
        if age is None:
            return self.missing("BUREAU_MISSING")
        source = f"bureau report of {profile.bureau.get('provider')}"
        if self.refuse_insolvency and profile.bureau.get("insolvency") is True:
            return self.failed("BUREAU_INSOLVENCY", f"{source} names an insolvency")
        return self.failed(
            "BUREAU_STALE",
            f"{source} was fetched {age} days before {profile.as_of.isoformat()}, "
            f"more than the {self.max_age_days} days allowed",
        )
