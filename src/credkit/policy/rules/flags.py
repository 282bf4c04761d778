"""Flag and review rules: a blocked customer, the watch list, and an overdue credit review."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import ClassVar

import attrs

from credkit._validate import whole
from credkit.policy.order import OrderRequest
from credkit.policy.profile import CreditProfile
from credkit.policy.result import RuleResult, WhenMissing
from credkit.policy.rules.base import BuiltinRule, days, when_missing_field

__all__ = ["CustomerBlocked", "ReviewOverdue", "WatchList"]


@attrs.frozen
class CustomerBlocked(BuiltinRule):
    """Fails with ``CUSTOMER_BLOCKED`` when the customer is blocked.

    A block stops all business with the customer, not only credit, so this rule
    is also checked for prepaid orders and orders that add no exposure
    (``applies_to_prepaid`` is true; a policy entry can still say otherwise).

    >>> CustomerBlocked().applies_to_prepaid
    True
    """

    name: ClassVar[str] = "customer_blocked"
    code: ClassVar[str] = "CUSTOMER_BLOCKED"
    codes: ClassVar[tuple[str, ...]] = ("CUSTOMER_BLOCKED",)
    applies_to_prepaid: ClassVar[bool] = True

    def fails(self, p: CreditProfile, amount: Decimal) -> bool:
        """``blocked``."""
        return p.blocked

    def explain(self, profile: CreditProfile, order: OrderRequest) -> RuleResult:
        """``customer is blocked``."""
        return self.failed("CUSTOMER_BLOCKED", "customer is blocked")


@attrs.frozen
class WatchList(BuiltinRule):
    """Fails with ``WATCH_LIST`` when the customer is on the watch list.

    Usually an entry with ``on_fail = "hold"``: someone looks at every credit
    order of a watched customer.

    >>> WatchList().code
    'WATCH_LIST'
    """

    name: ClassVar[str] = "watch_list"
    code: ClassVar[str] = "WATCH_LIST"
    codes: ClassVar[tuple[str, ...]] = ("WATCH_LIST",)

    def fails(self, p: CreditProfile, amount: Decimal) -> bool:
        """``watch_list``."""
        return p.watch_list

    def explain(self, profile: CreditProfile, order: OrderRequest) -> RuleResult:
        """``customer is on the watch list``."""
        return self.failed("WATCH_LIST", "customer is on the watch list")


@attrs.frozen
class ReviewOverdue(BuiltinRule):
    """The credit review must not be overdue.

    Fails with ``REVIEW_OVERDUE`` when ``as_of`` is more than ``grace_days`` after
    ``next_review`` (a review due today is not overdue). Without a review date,
    ``when_missing`` decides (``REVIEW_DATE_MISSING``).

    >>> ReviewOverdue(grace_days=14).grace_days
    14
    """

    name: ClassVar[str] = "review_overdue"
    code: ClassVar[str] = "REVIEW_OVERDUE"
    codes: ClassVar[tuple[str, ...]] = ("REVIEW_OVERDUE", "REVIEW_DATE_MISSING")
    figure: ClassVar[tuple[str, str] | None] = ("next_review", "review date")

    grace_days: int = attrs.field(default=0, kw_only=True, validator=whole(0))
    when_missing: WhenMissing = when_missing_field()

    @property
    def grace(self) -> datetime.timedelta:
        """``grace_days`` as a ``timedelta``."""
        return days(self.grace_days)

    def fails(self, p: CreditProfile, amount: Decimal) -> bool:
        """``as_of - next_review > grace``, with ``when_missing`` for no review date."""
        if p.next_review is None:
            return self.fails_when_missing
        return p.as_of - p.next_review > self.grace

    def explain(self, profile: CreditProfile, order: OrderRequest) -> RuleResult:
        """``credit review was due on ..., N days before ...``."""
        due = profile.next_review
        if due is None:
            return self.missing("REVIEW_DATE_MISSING")
        late = (profile.as_of - due).days
        grace = f" (grace {self.grace_days} days)" if self.grace_days else ""
        return self.failed(
            "REVIEW_OVERDUE",
            f"credit review was due on {due.isoformat()}, {late} days before "
            f"{profile.as_of.isoformat()}{grace}",
        )
