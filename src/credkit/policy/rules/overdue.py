"""Overdue and dunning rules: the oldest overdue item, the overdue amount and share, the
number of unpaid or overdue invoices, and the dunning level reached.

Rules that read a figure the profile may lack take ``when_missing``: ``"fail"`` (the
default: an order is never approved because nobody looked) or ``"pass"``. A missing
figure that fails reports its own reason code (``OVERDUE_DAYS_MISSING``, ...).
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

import attrs

from credkit._figures import plain_amount
from credkit._validate import fraction, non_negative_money, to_number, whole
from credkit.money import Money
from credkit.policy.order import OrderRequest
from credkit.policy.profile import CreditProfile
from credkit.policy.result import RuleResult, WhenMissing
from credkit.policy.rules.base import BuiltinRule, share_text, when_missing_field

__all__ = [
    "DunningLevelReached",
    "OverdueAmount",
    "OverdueInvoiceCount",
    "OverdueShare",
    "OverdueTooOld",
    "UnpaidInvoiceCount",
]


@attrs.frozen
class OverdueTooOld(BuiltinRule):
    """The oldest overdue item may not be more than ``max_days`` past due.

    Fails with ``OVERDUE_TOO_OLD`` when ``oldest_overdue_days > max_days``
    (exactly ``max_days`` passes; ``max_days = 0`` holds on anything overdue).
    Without overdue days, ``when_missing`` decides (``OVERDUE_DAYS_MISSING``).

    >>> OverdueTooOld(max_days=-1)
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: max_days: must be 0 or more, got -1
    """

    name: ClassVar[str] = "overdue_too_old"
    code: ClassVar[str] = "OVERDUE_TOO_OLD"
    codes: ClassVar[tuple[str, ...]] = ("OVERDUE_TOO_OLD", "OVERDUE_DAYS_MISSING")
    figure: ClassVar[tuple[str, str] | None] = ("oldest_overdue_days", "overdue days")

    max_days: int = attrs.field(kw_only=True, validator=whole(0))
    when_missing: WhenMissing = when_missing_field()

    def fails(self, p: CreditProfile, amount: Decimal) -> bool:
        """``oldest_overdue_days > max_days``, with ``when_missing``."""
        if p.oldest_overdue_days is None:
            return self.fails_when_missing
        return p.oldest_overdue_days > self.max_days

    def explain(self, profile: CreditProfile, order: OrderRequest) -> RuleResult:
        """``oldest overdue item is N days past due, more than M``."""
        days = profile.oldest_overdue_days
        if days is None:
            return self.missing("OVERDUE_DAYS_MISSING")
        return self.failed(
            "OVERDUE_TOO_OLD",
            f"oldest overdue item is {days} days past due, more than {self.max_days}",
        )


@attrs.frozen
class OverdueAmount(BuiltinRule):
    """The overdue amount may not be above ``max_amount``.

    Fails with ``OVERDUE_AMOUNT`` when ``overdue_amount > max_amount``. Without an
    overdue amount, ``when_missing`` decides (``OVERDUE_AMOUNT_MISSING``).
    ``max_amount`` must be in the profile's currency (else
    :class:`~credkit.errors.PolicyError`).

    >>> OverdueAmount(max_amount=Money.of("5000", "EUR")).code
    'OVERDUE_AMOUNT'
    """

    name: ClassVar[str] = "overdue_amount"
    code: ClassVar[str] = "OVERDUE_AMOUNT"
    codes: ClassVar[tuple[str, ...]] = ("OVERDUE_AMOUNT", "OVERDUE_AMOUNT_MISSING")
    figure: ClassVar[tuple[str, str] | None] = ("overdue_amount", "overdue amount")

    max_amount: Money = attrs.field(kw_only=True, validator=non_negative_money)
    when_missing: WhenMissing = when_missing_field()

    def fails(self, p: CreditProfile, amount: Decimal) -> bool:
        """``overdue_amount > max_amount``, with ``when_missing`` (another currency raises)."""
        if p.overdue_amount is None:
            return self.fails_when_missing
        if p.currency != self.max_amount.currency:
            return self.refuse_currency("max_amount", self.max_amount, p)
        return p.overdue_amount.amount > self.max_amount.amount

    def explain(self, profile: CreditProfile, order: OrderRequest) -> RuleResult:
        """``overdue ... is above ...``."""
        overdue = profile.overdue_amount
        if overdue is None:
            return self.missing("OVERDUE_AMOUNT_MISSING")
        return self.failed(
            "OVERDUE_AMOUNT",
            f"overdue {plain_amount(overdue.amount, overdue.currency)} is above "
            f"{plain_amount(self.max_amount.amount, self.max_amount.currency)}",
        )


@attrs.frozen
class OverdueShare(BuiltinRule):
    """The overdue share of the open invoices may not be above ``max_share``.

    Fails with ``OVERDUE_SHARE`` when ``overdue_share > max_share`` (a fraction:
    ``0.25`` is 25 %). Without an overdue share, ``when_missing`` decides
    (``OVERDUE_SHARE_MISSING``).

    >>> OverdueShare(max_share="25")
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: max_share: must be from 0 to 1 (a fraction such as 0.05 for 5 %), got 25
    """

    name: ClassVar[str] = "overdue_share"
    code: ClassVar[str] = "OVERDUE_SHARE"
    codes: ClassVar[tuple[str, ...]] = ("OVERDUE_SHARE", "OVERDUE_SHARE_MISSING")
    figure: ClassVar[tuple[str, str] | None] = ("overdue_share", "overdue share")

    max_share: Decimal = attrs.field(kw_only=True, converter=to_number, validator=fraction)
    when_missing: WhenMissing = when_missing_field()

    def fails(self, p: CreditProfile, amount: Decimal) -> bool:
        """``overdue_share > max_share``, with ``when_missing``."""
        if p.overdue_share is None:
            return self.fails_when_missing
        return p.overdue_share > self.max_share

    def explain(self, profile: CreditProfile, order: OrderRequest) -> RuleResult:
        """``N % of the open invoices is overdue, more than M %``."""
        share = profile.overdue_share
        if share is None:
            return self.missing("OVERDUE_SHARE_MISSING")
        return self.failed(
            "OVERDUE_SHARE",
            f"{share_text(share)} of the open invoices is overdue, "
            f"more than {share_text(self.max_share)}",
        )


@attrs.frozen
class UnpaidInvoiceCount(BuiltinRule):
    """The customer may not have more than ``max_count`` unpaid invoices.

    Fails with ``UNPAID_INVOICE_COUNT`` when ``unpaid_invoice_count > max_count``
    (exactly ``max_count`` passes; ``max_count = 0`` holds while any invoice is
    open). Part-paid invoices count, due or not. Without a count, ``when_missing``
    decides (``UNPAID_INVOICE_COUNT_MISSING``). It stops customers who pile up many
    small invoices that each stay under the amount rules.

    >>> from datetime import date
    >>> from credkit.policy.exposure import Exposure
    >>> profile = CreditProfile("C-1", as_of=date(2026, 11, 23), exposure=Exposure((), currency="EUR"),
    ...                         unpaid_invoice_count=6)
    >>> order = OrderRequest("SO-1", Money.of(5, "EUR"), order_date=date(2026, 11, 23))
    >>> UnpaidInvoiceCount(max_count=5).evaluate(profile, order).message
    '6 unpaid invoices, more than 5'
    """

    name: ClassVar[str] = "unpaid_invoice_count"
    code: ClassVar[str] = "UNPAID_INVOICE_COUNT"
    codes: ClassVar[tuple[str, ...]] = ("UNPAID_INVOICE_COUNT", "UNPAID_INVOICE_COUNT_MISSING")
    figure: ClassVar[tuple[str, str] | None] = ("unpaid_invoice_count", "unpaid invoice count")

    max_count: int = attrs.field(kw_only=True, validator=whole(0))
    when_missing: WhenMissing = when_missing_field()

    def fails(self, p: CreditProfile, amount: Decimal) -> bool:
        """``unpaid_invoice_count > max_count``, with ``when_missing``."""
        if p.unpaid_invoice_count is None:
            return self.fails_when_missing
        return p.unpaid_invoice_count > self.max_count

    def explain(self, profile: CreditProfile, order: OrderRequest) -> RuleResult:
        """``N unpaid invoices, more than M``."""
        count = profile.unpaid_invoice_count
        if count is None:
            return self.missing("UNPAID_INVOICE_COUNT_MISSING")
        return self.failed(
            "UNPAID_INVOICE_COUNT", f"{count} unpaid invoices, more than {self.max_count}"
        )


@attrs.frozen
class OverdueInvoiceCount(BuiltinRule):
    """The customer may not have more than ``max_count`` overdue invoices.

    Fails with ``OVERDUE_INVOICE_COUNT`` when ``overdue_invoice_count > max_count``
    (exactly ``max_count`` passes). An invoice is overdue from the day after its due
    date, disputed or not, as for the overdue amount. Without a count,
    ``when_missing`` decides (``OVERDUE_INVOICE_COUNT_MISSING``).

    >>> OverdueInvoiceCount(max_count=-1)
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: max_count: must be 0 or more, got -1
    """

    name: ClassVar[str] = "overdue_invoice_count"
    code: ClassVar[str] = "OVERDUE_INVOICE_COUNT"
    codes: ClassVar[tuple[str, ...]] = ("OVERDUE_INVOICE_COUNT", "OVERDUE_INVOICE_COUNT_MISSING")
    figure: ClassVar[tuple[str, str] | None] = ("overdue_invoice_count", "overdue invoice count")

    max_count: int = attrs.field(kw_only=True, validator=whole(0))
    when_missing: WhenMissing = when_missing_field()

    def fails(self, p: CreditProfile, amount: Decimal) -> bool:
        """``overdue_invoice_count > max_count``, with ``when_missing``."""
        if p.overdue_invoice_count is None:
            return self.fails_when_missing
        return p.overdue_invoice_count > self.max_count

    def explain(self, profile: CreditProfile, order: OrderRequest) -> RuleResult:
        """``N overdue invoices, more than M``."""
        count = profile.overdue_invoice_count
        if count is None:
            return self.missing("OVERDUE_INVOICE_COUNT_MISSING")
        return self.failed(
            "OVERDUE_INVOICE_COUNT", f"{count} overdue invoices, more than {self.max_count}"
        )


@attrs.frozen
class DunningLevelReached(BuiltinRule):
    """Fails with ``DUNNING_LEVEL`` when the customer's dunning level is ``level`` or higher.

    Its key in policy documents is ``dunning_level``. (It was called ``DunningLevel``,
    the name of a dunning ladder's level in :mod:`credkit.dunning`.)

    >>> DunningLevelReached(level=0)
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: level: must be 1 or more, got 0
    """

    name: ClassVar[str] = "dunning_level"
    code: ClassVar[str] = "DUNNING_LEVEL"
    codes: ClassVar[tuple[str, ...]] = ("DUNNING_LEVEL",)

    level: int = attrs.field(kw_only=True, validator=whole(1))

    def fails(self, p: CreditProfile, amount: Decimal) -> bool:
        """``dunning_level >= level``."""
        return p.dunning_level >= self.level

    def explain(self, profile: CreditProfile, order: OrderRequest) -> RuleResult:
        """``dunning level N reached; orders stop from level M``."""
        return self.failed(
            "DUNNING_LEVEL",
            f"dunning level {profile.dunning_level} reached; orders stop from level {self.level}",
        )
