"""Credit insurance deadlines: by when an overdue must be notified to the insurer, and claimed.

A credit insurance policy covers the insured's losses on its buyers only if the
insured keeps the policy's deadlines. :class:`InsurancePolicy` states them as data,
in days:

* ``max_extension_days``: the *maximum extension period*: how long after the
  original due date the insured may wait (or extend the due date) before an unpaid
  invoice counts as an overdue the insurer must hear about;
* ``notification_days``: how long after the end of that period the overdue must be
  notified (0: on the last day of the period);
* ``claim_days``: how long the insured then has to file the claim, counted from
  the notification deadline (``claim_from="notification"``, the default) or from
  the original due date (``claim_from="due_date"``).

So for an invoice due on 31 January under a policy of 60, 30 and 90 days, the
period ends on 1 April, the overdue must be notified by 1 May, and the claim filed
by 30 July. :func:`insurance_deadlines` computes both for every overdue invoice of an
insured customer, with the days left as of a date; the credit desk shows them on
the worklist and raises alerts ``warn_days`` before each deadline passes.

>>> from datetime import date
>>> from credkit.ledger import DocumentKind, OpenItem
>>> policy = InsurancePolicy("P-1", insurer="Allianz Trade", max_extension_days=60,
...                          notification_days=30, claim_days=90)
>>> item = OpenItem("INV-1", "C1", DocumentKind.INVOICE, date(2026, 1, 1), date(2026, 1, 31),
...                 Money.of("1000.00", "EUR"))
>>> [(d.kind.value, d.deadline.isoformat(), d.days_left)
...  for d in insurance_deadlines([item], policy, as_of=date(2026, 4, 20))]
[('notification', '2026-05-01', 11), ('claim', '2026-07-30', 101)]
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

import attrs

from credkit._validate import (
    check_date,
    count,
    describe,
    enum_converter,
    one_of,
    optional_text,
    sequence,
    text,
)
from credkit.errors import ValidationError
from credkit.ledger import DocumentKind, OpenItem
from credkit.money import Money

__all__ = [
    "ClaimReference",
    "DeadlineKind",
    "InsuranceDeadline",
    "InsurancePolicy",
    "insurance_deadlines",
]


class ClaimReference(enum.Enum):
    """What a policy's ``claim_days`` count from.

    >>> ClaimReference("due_date")
    <ClaimReference.DUE_DATE: 'due_date'>
    """

    NOTIFICATION = "notification"
    DUE_DATE = "due_date"


class DeadlineKind(enum.Enum):
    """Which deadline of a policy: notifying the overdue, or filing the claim.

    >>> DeadlineKind("claim")
    <DeadlineKind.CLAIM: 'claim'>
    """

    NOTIFICATION = "notification"
    CLAIM = "claim"


_reference = enum_converter(ClaimReference)


def _to_reference(value: object) -> Any:
    return _reference(value)


@attrs.frozen
class InsurancePolicy:
    """An insurer's credit insurance policy: its deadlines in days (see the module).

    ``warn_days`` is how many days before a deadline the desk raises an alert.
    Loadable with :func:`credkit.config.load`.

    >>> from credkit.config import load
    >>> load(InsurancePolicy, {"id": "P", "max_extension_days": -1, "notification_days": 0,
    ...                        "claim_days": 90})
    Traceback (most recent call last):
    ...
    credkit.errors.ConfigError: max_extension_days: must be >= 0, got -1
    """

    id: str = attrs.field(validator=text)
    max_extension_days: int = attrs.field(kw_only=True, validator=count)
    notification_days: int = attrs.field(kw_only=True, validator=count)
    claim_days: int = attrs.field(kw_only=True, validator=count)
    claim_from: ClaimReference = attrs.field(
        default=ClaimReference.NOTIFICATION,
        kw_only=True,
        converter=_to_reference,
        validator=one_of(ClaimReference),
    )
    warn_days: int = attrs.field(default=7, kw_only=True, validator=count)
    insurer: str | None = attrs.field(default=None, kw_only=True, validator=optional_text)
    version: str | None = attrs.field(default=None, kw_only=True, validator=optional_text)

    def notification_deadline(self, due_date: date) -> date:
        """The last day to notify the insurer of an invoice due on ``due_date`` that is unpaid.

        >>> from datetime import date
        >>> InsurancePolicy("P", max_extension_days=60, notification_days=0,
        ...                 claim_days=0).notification_deadline(date(2026, 1, 31))
        datetime.date(2026, 4, 1)
        """
        check_date(due_date, "due_date")
        return due_date + timedelta(days=self.max_extension_days + self.notification_days)

    def claim_deadline(self, due_date: date) -> date:
        """The last day to file the claim for an invoice due on ``due_date``.

        >>> from datetime import date
        >>> InsurancePolicy("P", max_extension_days=60, notification_days=0, claim_days=30,
        ...                 claim_from="due_date").claim_deadline(date(2026, 1, 31))
        datetime.date(2026, 3, 2)
        """
        if self.claim_from is ClaimReference.DUE_DATE:
            start = check_date(due_date, "due_date")
        else:
            start = self.notification_deadline(due_date)
        return start + timedelta(days=self.claim_days)


@attrs.frozen(kw_only=True)
class InsuranceDeadline:
    """A deadline of ``policy_id`` for overdue item ``item_id``, and the days left as of the run.

    ``days_left`` is 0 on the deadline itself and negative once it has passed.

    >>> from datetime import date
    >>> d = InsuranceDeadline(item_id="I1", customer_id="C1", policy_id="P",
    ...                       kind=DeadlineKind.CLAIM, deadline=date(2026, 5, 1),
    ...                       due_date=date(2026, 1, 31), amount=Money.of(5, "EUR"), days_left=-1)
    >>> d.passed, d.describe()
    (True, 'claim deadline of policy P for I1 (5 EUR) passed on 2026-05-01')
    """

    item_id: str
    customer_id: str
    policy_id: str
    kind: DeadlineKind
    deadline: date
    due_date: date
    amount: Money
    days_left: int

    @property
    def passed(self) -> bool:
        """Whether the deadline has passed (the day after it, or later)."""
        return self.days_left < 0

    def describe(self) -> str:
        """One line for a worklist or an alert.

        >>> from datetime import date
        >>> InsuranceDeadline(item_id="I1", customer_id="C1", policy_id="P",
        ...                   kind=DeadlineKind.NOTIFICATION, deadline=date(2026, 5, 1),
        ...                   due_date=date(2026, 1, 31), amount=Money.of(5, "EUR"),
        ...                   days_left=0).describe()
        'notification deadline of policy P for I1 (5 EUR) is today, 2026-05-01'
        """
        head = f"{self.kind.value} deadline of policy {self.policy_id} for {self.item_id} ({self.amount})"
        when = self.deadline.isoformat()
        if self.days_left < 0:
            return f"{head} passed on {when}"
        if self.days_left == 0:
            return f"{head} is today, {when}"
        return f"{head} is {when}, in {self.days_left} day(s)"


def insurance_deadlines(
    items: Iterable[OpenItem], policy: InsurancePolicy, *, as_of: date
) -> tuple[InsuranceDeadline, ...]:
    """The notification and claim deadlines of every overdue invoice among ``items``, as of ``as_of``.

    Only invoices past their due date on ``as_of`` with something open count (the
    insurer hears of nothing that is paid or not yet due); deadlines that have
    passed are kept, with negative ``days_left``, so that a missed one is seen.
    Ordered by deadline, then item id, then kind.

    >>> from datetime import date
    >>> from credkit.ledger import DocumentKind, OpenItem
    >>> policy = InsurancePolicy("P", max_extension_days=30, notification_days=0, claim_days=60)
    >>> item = OpenItem("I1", "C1", DocumentKind.INVOICE, date(2026, 1, 1), date(2026, 1, 31),
    ...                 Money.of("10.00", "EUR"))
    >>> insurance_deadlines([item], policy, as_of=date(2026, 1, 31))
    ()
    """
    check_date(as_of, "as_of")
    if not isinstance(policy, InsurancePolicy):
        raise ValidationError(f"policy: expected an InsurancePolicy, got {describe(policy)}")
    found: list[InsuranceDeadline] = []
    for item in sequence(items, OpenItem, "items"):
        if item.kind is not DocumentKind.INVOICE or not item.amount.is_positive:
            continue
        if item.due_date >= as_of:
            continue
        for kind, deadline in (
            (DeadlineKind.NOTIFICATION, policy.notification_deadline(item.due_date)),
            (DeadlineKind.CLAIM, policy.claim_deadline(item.due_date)),
        ):
            found.append(
                InsuranceDeadline(
                    item_id=item.key,
                    customer_id=item.customer_id,
                    policy_id=policy.id,
                    kind=kind,
                    deadline=deadline,
                    due_date=item.due_date,
                    amount=item.amount,
                    days_left=(deadline - as_of).days,
                )
            )
    found.sort(key=lambda d: (d.deadline, d.item_id, d.kind.value))
    return tuple(found)
