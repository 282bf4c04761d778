"""Promises to pay: a customer's word to pay an amount by a date, and whether it was kept.

A :class:`PromiseToPay` holds dunning back (:meth:`PromiseToPay.block`) while it is
pending, and is judged as payments arrive (:meth:`PromiseToPay.status`):

* ``KEPT``: payments made since the promise add up to the promised amount (on
  time: by the promised date plus ``grace_days``);
* ``PENDING``: not yet paid in full, and the promised date plus grace has not
  passed;
* ``PARTLY_KEPT``: the date plus grace has passed with some, not all, of the
  amount paid;
* ``BROKEN``: the date plus grace has passed with nothing paid.

Only payments received from ``made_on`` to the promised date plus grace count
(a late payment does not turn a broken promise into a kept one, though it of
course reduces what is owed). The host passes the customer's payments, or a
:class:`~credkit.ledger.Ledger` whose payments are used.

>>> from datetime import date
>>> from credkit.ledger import Payment
>>> promise = PromiseToPay("PTP-1", "C1", Money.of("500.00", "EUR"), promised_for=date(2026, 4, 15),
...                        made_on=date(2026, 4, 1))
>>> pays = [Payment("P1", "C1", date(2026, 4, 10), Money.of("200.00", "EUR"))]
>>> [promise.status(pays, as_of=d).value for d in (date(2026, 4, 12), date(2026, 4, 16))]
['pending', 'partly_kept']
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

import attrs

from credkit._validate import (
    check_date,
    count,
    describe,
    is_date,
    optional_text,
    positive_money,
    text,
    to_tuple,
)
from credkit.dunning._common import add_days, ids
from credkit.dunning.blocks import Block, BlockReason
from credkit.errors import ValidationError
from credkit.ledger import Ledger, Payment
from credkit.money import Money

__all__ = ["PromiseStatus", "PromiseToPay", "payments_of"]


class PromiseStatus(enum.Enum):
    """Where a promise to pay stands on a date.

    >>> PromiseStatus("partly_kept")
    <PromiseStatus.PARTLY_KEPT: 'partly_kept'>
    """

    PENDING = "pending"
    KEPT = "kept"
    PARTLY_KEPT = "partly_kept"
    BROKEN = "broken"


def payments_of(
    source: Ledger | Iterable[Payment], customer_id: str, currency: str
) -> tuple[Payment, ...]:
    """The payments of ``customer_id`` in ``currency`` from a ledger or an iterable.

    >>> from datetime import date
    >>> pays = [Payment("P1", "C1", date(2026, 1, 1), Money.of(5, "EUR")),
    ...         Payment("P2", "C2", date(2026, 1, 1), Money.of(5, "EUR"))]
    >>> [p.id for p in payments_of(pays, "C1", "EUR")]
    ['P1']
    """
    records = source.payments if isinstance(source, Ledger) else source
    if isinstance(records, str | bytes) or not isinstance(records, Iterable):
        raise ValidationError(
            f"payments: expected a Ledger or Payment records, got {describe(records)}"
        )
    result = []
    for index, payment in enumerate(records):
        if not isinstance(payment, Payment):
            raise ValidationError(f"payments[{index}]: expected a Payment, got {describe(payment)}")
        if payment.customer_id == customer_id and payment.amount.currency == currency:
            result.append(payment)
    return tuple(result)


@attrs.frozen
class PromiseToPay:
    """A customer's promise, made on ``made_on``, to pay ``amount`` by ``promised_for``.

    ``item_ids`` names the items the promise is about (empty: the whole account);
    ``grace_days`` are allowed after ``promised_for`` before the promise is judged.

    >>> from datetime import date
    >>> PromiseToPay("P", "C1", Money.of(10, "EUR"), promised_for=date(2026, 1, 1), made_on=date(2026, 1, 2))
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: promised_for: 2026-01-01 is before made_on 2026-01-02
    """

    id: str = attrs.field(validator=text)
    customer_id: str = attrs.field(validator=text)
    amount: Money = attrs.field(validator=positive_money)
    promised_for: date = attrs.field(kw_only=True, validator=is_date)
    made_on: date = attrs.field(kw_only=True, validator=is_date)
    item_ids: tuple[str, ...] = attrs.field(
        default=(), kw_only=True, converter=to_tuple, validator=ids
    )
    grace_days: int = attrs.field(default=0, kw_only=True, validator=count)
    note: str | None = attrs.field(default=None, kw_only=True, validator=optional_text)

    def __attrs_post_init__(self) -> None:
        if self.promised_for < self.made_on:
            raise ValidationError(
                f"promised_for: {self.promised_for.isoformat()} is before made_on "
                f"{self.made_on.isoformat()}"
            )

    @property
    def deadline(self) -> date:
        """The last day a payment counts: ``promised_for`` + ``grace_days``.

        >>> from datetime import date
        >>> PromiseToPay("P", "C1", Money.of(10, "EUR"), promised_for=date(2026, 1, 30),
        ...              made_on=date(2026, 1, 2), grace_days=3).deadline
        datetime.date(2026, 2, 2)
        """
        return add_days(self.promised_for, self.grace_days, "grace_days")

    def paid(self, payments: Ledger | Iterable[Payment], *, as_of: date) -> Money:
        """What the customer paid towards the promise by ``as_of`` (capped at nothing).

        Payments of the customer in the promise's currency received from ``made_on``
        to the deadline and by ``as_of`` count.

        >>> from datetime import date
        >>> p = PromiseToPay("P", "C1", Money.of(10, "EUR"), promised_for=date(2026, 1, 30),
        ...                  made_on=date(2026, 1, 2))
        >>> p.paid([Payment("X", "C1", date(2026, 1, 1), Money.of(9, "EUR"))], as_of=date(2026, 2, 1))
        Money('0', 'EUR')
        """
        check_date(as_of, "as_of")
        last = min(as_of, self.deadline)
        total = sum(
            (
                p.amount.amount
                for p in payments_of(payments, self.customer_id, self.amount.currency)
                if self.made_on <= p.received_on <= last
            ),
            Decimal(0),
        )
        return Money(total, self.amount.currency)

    def status(self, payments: Ledger | Iterable[Payment], *, as_of: date) -> PromiseStatus:
        """The promise's status on ``as_of`` (see the module description).

        >>> from datetime import date
        >>> p = PromiseToPay("P", "C1", Money.of(10, "EUR"), promised_for=date(2026, 1, 30),
        ...                  made_on=date(2026, 1, 2))
        >>> p.status([], as_of=date(2026, 1, 31))
        <PromiseStatus.BROKEN: 'broken'>
        """
        paid = self.paid(payments, as_of=as_of)
        if paid >= self.amount:
            return PromiseStatus.KEPT
        if as_of <= self.deadline:
            return PromiseStatus.PENDING
        return PromiseStatus.PARTLY_KEPT if paid.is_positive else PromiseStatus.BROKEN

    def block(self) -> Block:
        """The block the promise puts on dunning: from ``made_on`` to the deadline.

        A kept promise leaves nothing to dun, and a broken one lets dunning resume
        the day after the deadline, so the block needs no status.

        >>> from datetime import date
        >>> PromiseToPay("P", "C1", Money.of(10, "EUR"), promised_for=date(2026, 1, 30),
        ...              made_on=date(2026, 1, 2)).block().describe()
        'blocked (promise to pay) until 2026-01-30: promise P of 10 EUR'
        """
        return Block(
            self.customer_id,
            BlockReason.PROMISE_TO_PAY,
            since=self.made_on,
            until=self.deadline,
            item_ids=self.item_ids,
            note=f"promise {self.id} of {self.amount}",
        )
