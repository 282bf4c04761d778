"""Collector work: the contact log (calls, e-mails, outcomes, next steps) and who collects from whom.

A :class:`ContactEntry` records one contact with a customer: when, how
(:class:`ContactKind`), by which collector, what came of it
(:class:`ContactOutcome`), and the next step agreed, with its date. A
:class:`CollectorAssignment` says which collector works a customer from a date.
Both are plain values; a store keeps them (:mod:`credkit.storage`), and
:func:`~credkit.dunning.collector_worklist` reads them to rank each collector's
customers and to show the last contact and the next step.

>>> from datetime import date
>>> call = ContactEntry("K-1", "C1", on=date(2026, 3, 2), kind="call", collector="ana",
...                     outcome="promise_to_pay", next_contact_on=date(2026, 3, 9),
...                     next_step="check the payment came in")
>>> call.kind, call.describe()
(<ContactKind.CALL: 'call'>, '2026-03-02 call by ana: promise to pay; next: check the payment came in on 2026-03-09')
>>> last_contact([call], "C1", as_of=date(2026, 3, 1)) is None
True
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date
from typing import Any

import attrs

from credkit._validate import (
    check_date,
    enum_converter,
    is_date,
    one_of,
    optional_date,
    optional_text,
    sequence,
    text,
)
from credkit.errors import ValidationError

__all__ = [
    "CollectorAssignment",
    "ContactEntry",
    "ContactKind",
    "ContactOutcome",
    "last_contact",
]


class ContactKind(enum.Enum):
    """How a collector reached out (or was reached).

    >>> ContactKind("email")
    <ContactKind.EMAIL: 'email'>
    """

    CALL = "call"
    EMAIL = "email"
    LETTER = "letter"
    MEETING = "meeting"
    OTHER = "other"


class ContactOutcome(enum.Enum):
    """What came of a contact.

    >>> ContactOutcome("no_answer")
    <ContactOutcome.NO_ANSWER: 'no_answer'>
    """

    REACHED = "reached"
    NO_ANSWER = "no_answer"
    LEFT_MESSAGE = "left_message"
    PROMISE_TO_PAY = "promise_to_pay"
    DISPUTE_RAISED = "dispute_raised"
    REFUSED = "refused"
    WRONG_CONTACT = "wrong_contact"
    OTHER = "other"


_kind = enum_converter(ContactKind)
_outcome = enum_converter(ContactOutcome)


def _to_kind(value: object) -> Any:
    return _kind(value)


def _to_outcome(value: object) -> Any:
    return _outcome(value)


@attrs.frozen
class ContactEntry:
    """One contact with customer ``customer_id`` on ``on``, and the next step agreed.

    ``id`` is the host's key for the entry (storing it again is a no-op);
    ``next_contact_on`` is when the collector should follow up (not before ``on``),
    ``next_step`` what to do then.

    >>> from datetime import date
    >>> ContactEntry("K-1", "C1", on=date(2026, 3, 2), kind="fax", collector="ana",
    ...              outcome="reached")
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: kind: expected one of 'call', 'email', 'letter', 'meeting', 'other', got str 'fax'
    """

    id: str = attrs.field(validator=text)
    customer_id: str = attrs.field(validator=text)
    on: date = attrs.field(kw_only=True, validator=is_date)
    kind: ContactKind = attrs.field(kw_only=True, converter=_to_kind, validator=one_of(ContactKind))
    collector: str = attrs.field(kw_only=True, validator=text)
    outcome: ContactOutcome = attrs.field(
        kw_only=True, converter=_to_outcome, validator=one_of(ContactOutcome)
    )
    note: str | None = attrs.field(default=None, kw_only=True, validator=optional_text)
    next_contact_on: date | None = attrs.field(default=None, kw_only=True, validator=optional_date)
    next_step: str | None = attrs.field(default=None, kw_only=True, validator=optional_text)

    def __attrs_post_init__(self) -> None:
        if self.next_contact_on is not None and self.next_contact_on < self.on:
            raise ValidationError(
                f"next_contact_on: {self.next_contact_on.isoformat()} is before the contact "
                f"on {self.on.isoformat()}; give a date on or after it"
            )

    def describe(self) -> str:
        """One line for a worklist: date, kind, collector, outcome and the next step.

        >>> from datetime import date
        >>> ContactEntry("K", "C1", on=date(2026, 3, 2), kind="email", collector="bo",
        ...              outcome="no_answer").describe()
        '2026-03-02 email by bo: no answer'
        """
        line = (
            f"{self.on.isoformat()} {self.kind.value} by {self.collector}: "
            f"{self.outcome.value.replace('_', ' ')}"
        )
        if self.next_step is not None or self.next_contact_on is not None:
            step = self.next_step or "contact again"
            when = f" on {self.next_contact_on.isoformat()}" if self.next_contact_on else ""
            line += f"; next: {step}{when}"
        return line


@attrs.frozen
class CollectorAssignment:
    """Collector ``collector`` works customer ``customer_id`` from ``since`` on.

    >>> from datetime import date
    >>> CollectorAssignment("C1", "ana", since=date(2026, 1, 1)).collector
    'ana'
    """

    customer_id: str = attrs.field(validator=text)
    collector: str = attrs.field(validator=text)
    since: date = attrs.field(kw_only=True, validator=is_date)


def last_contact(
    entries: Iterable[ContactEntry], customer_id: str, *, as_of: date
) -> ContactEntry | None:
    """The latest contact with ``customer_id`` on or before ``as_of`` (the later id on a tie).

    >>> from datetime import date
    >>> a = ContactEntry("K1", "C1", on=date(2026, 3, 2), kind="call", collector="ana",
    ...                  outcome="no_answer")
    >>> b = ContactEntry("K2", "C1", on=date(2026, 3, 4), kind="call", collector="ana",
    ...                  outcome="reached")
    >>> last_contact([b, a], "C1", as_of=date(2026, 3, 3)).id
    'K1'
    """
    check_date(as_of, "as_of")
    found = [
        e
        for e in sequence(entries, ContactEntry, "entries")
        if e.customer_id == customer_id and e.on <= as_of
    ]
    return max(found, key=lambda e: (e.on, e.id), default=None)
