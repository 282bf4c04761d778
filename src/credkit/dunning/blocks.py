"""Dunning blocks: items or customers that must not be dunned for a while, and why.

A :class:`Block` stops :func:`~credkit.dunning.dunning_run` from proposing
reminders for some of a customer's items (``item_ids``) or for all of them (no
``item_ids``), from ``since`` to ``until`` (both included; either may be open).
Every block carries a :class:`BlockReason`, and the run reports it on each item it
holds back, together with the first date on which dunning may resume.

Promises to pay and payment plans produce blocks of their own
(:meth:`PromiseToPay.block <credkit.dunning.PromiseToPay.block>`,
:meth:`PaymentPlan.block <credkit.dunning.PaymentPlan.block>`).

>>> from datetime import date
>>> block = Block("C1", BlockReason.LEGAL, until=date(2026, 6, 30), note="insolvency filing")
>>> block.active(date(2026, 6, 30)), block.active(date(2026, 7, 1))
(True, False)
>>> block.covers("C1", "INV-9")
True
"""

from __future__ import annotations

import enum
from datetime import date

import attrs

from credkit._compat import renamed_argument
from credkit._validate import check_date, optional_date, optional_text, text, to_tuple
from credkit.dunning._common import ids
from credkit.errors import ValidationError

__all__ = ["Block", "BlockReason"]


class BlockReason(enum.Enum):
    """Why dunning is held back.

    >>> BlockReason("promise_to_pay")
    <BlockReason.PROMISE_TO_PAY: 'promise_to_pay'>
    """

    DISPUTE = "dispute"
    PROMISE_TO_PAY = "promise_to_pay"
    PAYMENT_PLAN = "payment_plan"
    LEGAL = "legal"
    OTHER = "other"


@attrs.frozen
class Block:
    """Hold back dunning of a customer's items (or all of them) for a reason, until a date.

    ``until`` is the last blocked day; ``None`` blocks until the host lifts the block
    (then the run cannot say when dunning resumes). ``since`` is the first blocked
    day (``None``: from the start). ``item_ids`` empty means the whole customer.

    >>> from datetime import date
    >>> Block("C1", BlockReason.DISPUTE, item_ids=("INV-1",), until=date(2026, 3, 31)).covers("C1", "INV-2")
    False
    >>> Block("C1", BlockReason.OTHER, since=date(2026, 4, 1), until=date(2026, 3, 1))
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: until: 2026-03-01 is before since 2026-04-01
    """

    customer_id: str = attrs.field(validator=text)
    reason: BlockReason = attrs.field(validator=attrs.validators.instance_of(BlockReason))
    until: date | None = attrs.field(kw_only=True, validator=optional_date)
    item_ids: tuple[str, ...] = attrs.field(
        default=(), kw_only=True, converter=to_tuple, validator=ids
    )
    since: date | None = attrs.field(default=None, kw_only=True, validator=optional_date)
    note: str | None = attrs.field(default=None, kw_only=True, validator=optional_text)

    def __attrs_post_init__(self) -> None:
        if self.since is not None and self.until is not None and self.until < self.since:
            raise ValidationError(
                f"until: {self.until.isoformat()} is before since {self.since.isoformat()}"
            )

    @renamed_argument("on", "as_of")
    def active(self, as_of: date) -> bool:
        """Whether the block holds on ``as_of``.

        >>> from datetime import date
        >>> Block("C1", BlockReason.LEGAL, until=None).active(date(2999, 1, 1))
        True
        """
        check_date(as_of, "as_of")
        if self.since is not None and as_of < self.since:
            return False
        return self.until is None or as_of <= self.until

    def covers(self, customer_id: str, item_id: str) -> bool:
        """Whether the block applies to item ``item_id`` of customer ``customer_id``.

        >>> Block("C1", BlockReason.LEGAL, until=None).covers("C2", "INV-1")
        False
        """
        if customer_id != self.customer_id:
            return False
        return not self.item_ids or item_id in self.item_ids

    def describe(self) -> str:
        """A short human-readable account of the block.

        >>> from datetime import date
        >>> Block("C1", BlockReason.PROMISE_TO_PAY, until=date(2026, 5, 15)).describe()
        'blocked (promise to pay) until 2026-05-15'
        """
        reason = self.reason.value.replace("_", " ")
        until = f"until {self.until.isoformat()}" if self.until else "until lifted"
        note = f": {self.note}" if self.note else ""
        return f"blocked ({reason}) {until}{note}"
