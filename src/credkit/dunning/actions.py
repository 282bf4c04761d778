"""What a dunning run proposes and finds: actions, their lines, and each item's status.

The records of :func:`~credkit.dunning.run.dunning_run`, in a module of their own so
that ``credkit.dunning.history`` (what was sent) can read them without importing
the run. :class:`DunningAction` is one proposed communication, :class:`ActionLine` one
item in it, :class:`ItemStatus` where one open item stands (:class:`ItemState`, with
an :class:`ExclusionReason` when it is held back), :class:`Contact` how to reach a
customer, and :class:`DunningRun` the whole result.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date

import attrs

from credkit._validate import optional_text
from credkit.dunning.blocks import Block
from credkit.dunning.ladder import Channel, ChargeTreatment
from credkit.errors import ValidationError
from credkit.money import Money, MoneyTotals

__all__ = [
    "ActionLine",
    "Contact",
    "DunningAction",
    "DunningRun",
    "ExclusionReason",
    "ItemState",
    "ItemStatus",
]


@attrs.frozen
class Contact:
    """How to reach a customer, as the host knows it.

    ``email`` enables the ``EMAIL`` channel (without it, e-mail levels fall back to
    letters); ``locale`` and ``name`` are for letters.

    >>> Contact(email="ap@acme.example", locale="de_DE").email
    'ap@acme.example'
    """

    email: str | None = attrs.field(default=None, validator=optional_text)
    locale: str | None = attrs.field(default=None, kw_only=True, validator=optional_text)
    name: str | None = attrs.field(default=None, kw_only=True, validator=optional_text)


class ItemState(enum.Enum):
    """What a run decided about an open item.

    >>> ItemState("waiting")
    <ItemState.WAITING: 'waiting'>
    """

    PROPOSED = "proposed"
    WAITING = "waiting"
    NOT_OVERDUE = "not_overdue"
    FINAL = "final"
    EXCLUDED = "excluded"


class ExclusionReason(enum.Enum):
    """Why an item was held back from dunning.

    >>> ExclusionReason("covered_by_credits")
    <ExclusionReason.COVERED_BY_CREDITS: 'covered_by_credits'>
    """

    UNAPPLIED_CREDIT = "unapplied_credit"
    DISPUTED = "disputed"
    BLOCKED = "blocked"
    BELOW_TOLERANCE = "below_tolerance"
    BELOW_ITEM_MINIMUM = "below_item_minimum"
    BELOW_CUSTOMER_MINIMUM = "below_customer_minimum"
    COVERED_BY_CREDITS = "covered_by_credits"


@attrs.frozen(kw_only=True)
class ItemStatus:
    """A run's verdict on one open item, and the next date something happens to it.

    ``level`` is the highest level sent so far; ``proposed_level`` the level this
    run proposes (PROPOSED only); ``next_date`` and ``next_level`` say when and to
    which level the item moves next (None when nothing is scheduled); ``reason``
    and ``block`` say why an EXCLUDED item was held back; ``message`` says it all
    in words.

    >>> from datetime import date
    >>> from credkit.dunning import DunningHistory, DunningLadder, DunningLevel, Fee, dunning_run
    >>> from credkit.ledger import DocumentKind, OpenItem
    >>> item = OpenItem("I1", "C1", DocumentKind.INVOICE, date(2026, 1, 1), date(2026, 1, 31),
    ...                 Money.of("400.00", "EUR"))
    >>> ladder = DunningLadder("l", version="1", levels=(
    ...     DunningLevel(5, template="t", fee=Fee.percentage(1)), DunningLevel(15, template="u")))
    >>> run = dunning_run([item], DunningHistory(), as_of=date(2026, 2, 5), ladder=ladder)
    >>> s = run.status("I1")
    >>> s.state.value, s.level, s.proposed_level, s.next_date, s.next_level, s.days_overdue
    ('proposed', 0, 1, datetime.date(2026, 2, 15), 2, 5)
    """

    item_id: str
    customer_id: str
    amount: Money
    due_date: date
    days_overdue: int
    state: ItemState
    level: int
    ladder_id: str
    message: str
    proposed_level: int | None = None
    next_date: date | None = None
    next_level: int | None = None
    reason: ExclusionReason | None = None
    block: Block | None = None


@attrs.frozen(kw_only=True)
class ActionLine:
    """One item in a :class:`DunningAction`.

    ``amount`` is what is open (the dunned amount); ``fee`` the level's fee on it
    (zero when the level has none); ``interest`` the late-payment interest as of
    the run date and ``compensation`` the statutory fixed sum, when the run was
    given an interest rule (the fixed sum only on the item's first reminder).

    >>> from datetime import date
    >>> from credkit.dunning import DunningHistory, DunningLadder, DunningLevel, Fee, dunning_run
    >>> from credkit.ledger import DocumentKind, OpenItem
    >>> item = OpenItem("I1", "C1", DocumentKind.INVOICE, date(2026, 1, 1), date(2026, 1, 31),
    ...                 Money.of("400.00", "EUR"))
    >>> ladder = DunningLadder("l", version="1", levels=(
    ...     DunningLevel(5, template="t", fee=Fee.percentage(1)), DunningLevel(15, template="u")))
    >>> run = dunning_run([item], DunningHistory(), as_of=date(2026, 2, 5), ladder=ladder)
    >>> line = run.actions[0].lines[0]
    >>> line.item_id, line.amount, line.fee, line.interest
    ('I1', Money('400.00', 'EUR'), Money('4.00', 'EUR'), None)
    """

    item_id: str
    issue_date: date
    due_date: date
    days_overdue: int
    amount: Money
    original_amount: Money | None
    fee: Money
    interest: Money | None = None
    compensation: Money | None = None


def _totals(values: Iterable[Money | None]) -> tuple[Money, ...]:
    return tuple(MoneyTotals.of(values))


@attrs.frozen(kw_only=True)
class DunningAction:
    """A proposed reminder: level ``level`` to ``customer_id`` about ``lines``, on ``as_of``.

    ``channel`` is how to send it (after the e-mail-to-letter fallback;
    ``requested_channel`` is the level's own), ``template`` the level's template
    key, ``charges`` whether fees and interest are booked or only shown,
    ``unapplied_credits`` the customer's credits per currency, ``notes`` why the
    channel changed or that this retries a failed send. Totals are per currency.

    >>> from datetime import date
    >>> from credkit.dunning import DunningHistory, DunningLadder, DunningLevel, Fee, dunning_run
    >>> from credkit.ledger import DocumentKind, OpenItem
    >>> item = OpenItem("I1", "C1", DocumentKind.INVOICE, date(2026, 1, 1), date(2026, 1, 31),
    ...                 Money.of("400.00", "EUR"))
    >>> ladder = DunningLadder("l", version="1", levels=(
    ...     DunningLevel(5, template="t", fee=Fee.percentage(1)), DunningLevel(15, template="u")))
    >>> run = dunning_run([item], DunningHistory(), as_of=date(2026, 2, 5), ladder=ladder)
    >>> action = run.actions[0]
    >>> action.id, action.channel.value, action.template, action.totals, action.fees
    ('C1/1/2026-02-05', 'letter', 't', (Money('400.00', 'EUR'),), (Money('4.00', 'EUR'),))
    """

    customer_id: str
    level: int
    as_of: date
    channel: Channel
    requested_channel: Channel
    template: str
    ladder_id: str
    ladder_version: str
    charges: ChargeTreatment
    lines: tuple[ActionLine, ...]
    unapplied_credits: tuple[Money, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        """A stable id: ``customer/level/date``.

        >>> from datetime import date
        >>> DunningAction(
        ...     customer_id="C1", level=2, as_of=date(2026, 3, 1), channel=Channel.EMAIL,
        ...     requested_channel=Channel.EMAIL, template="t", ladder_id="l", ladder_version="1",
        ...     charges=ChargeTreatment.SHOW, lines=(),
        ... ).id
        'C1/2/2026-03-01'
        """
        return f"{self.customer_id}/{self.level}/{self.as_of.isoformat()}"

    @property
    def item_ids(self) -> tuple[str, ...]:
        """The ids of the items in the action."""
        return tuple(line.item_id for line in self.lines)

    @property
    def totals(self) -> tuple[Money, ...]:
        """The dunned amounts, one total per currency.

        >>> from datetime import date
        >>> line = ActionLine(
        ...     item_id="I1", issue_date=date(2026, 1, 1), due_date=date(2026, 1, 31),
        ...     days_overdue=9, amount=Money.of(5, "EUR"), original_amount=None,
        ...     fee=Money.of(0, "EUR"),
        ... )
        >>> DunningAction(
        ...     customer_id="C1", level=1, as_of=date(2026, 2, 9), channel=Channel.EMAIL,
        ...     requested_channel=Channel.EMAIL, template="t", ladder_id="l", ladder_version="1",
        ...     charges=ChargeTreatment.SHOW, lines=(line, line),
        ... ).totals
        (Money('10', 'EUR'),)
        """
        return _totals(line.amount for line in self.lines)

    @property
    def fees(self) -> tuple[Money, ...]:
        """Fees, one total per currency (empty when there are none)."""
        return tuple(m for m in _totals(line.fee for line in self.lines) if not m.is_zero)

    @property
    def interest(self) -> tuple[Money, ...]:
        """Late-payment interest, one total per currency (empty without an interest rule)."""
        return _totals(line.interest for line in self.lines)

    @property
    def compensation(self) -> tuple[Money, ...]:
        """Statutory fixed sums, one total per currency."""
        return _totals(line.compensation for line in self.lines)


@attrs.frozen(kw_only=True)
class DunningRun:
    """The result of :func:`dunning_run`: proposed actions and a status for every open item.

    ``ladders`` lists the ``(id, version)`` of every ladder the run used.

    >>> from datetime import date
    >>> from credkit.dunning import DunningHistory, DunningLadder, DunningLevel, Fee, dunning_run
    >>> from credkit.ledger import DocumentKind, OpenItem
    >>> item = OpenItem("I1", "C1", DocumentKind.INVOICE, date(2026, 1, 1), date(2026, 1, 31),
    ...                 Money.of("400.00", "EUR"))
    >>> ladder = DunningLadder("l", version="1", levels=(
    ...     DunningLevel(5, template="t", fee=Fee.percentage(1)), DunningLevel(15, template="u")))
    >>> run = dunning_run([item], DunningHistory(), as_of=date(2026, 2, 5), ladder=ladder)
    >>> len(run.actions), run.ladders, run.next_date()
    (1, (('l', '1'),), datetime.date(2026, 2, 15))
    """

    as_of: date
    actions: tuple[DunningAction, ...]
    items: tuple[ItemStatus, ...]
    ladders: tuple[tuple[str, str], ...]

    @property
    def exclusions(self) -> tuple[ItemStatus, ...]:
        """The items held back, each with its reason.

        >>> DunningRun(as_of=date(2026, 1, 1), actions=(), items=(), ladders=()).exclusions
        ()
        """
        return tuple(item for item in self.items if item.state is ItemState.EXCLUDED)

    def status(self, item_id: str) -> ItemStatus:
        """The status of open item ``item_id``.

        >>> DunningRun(as_of=date(2026, 1, 1), actions=(), items=(), ladders=()).status("X")
        Traceback (most recent call last):
        ...
        credkit.errors.ValidationError: item_id: 'X' is not an open item of this run
        """
        for item in self.items:
            if item.item_id == item_id:
                return item
        raise ValidationError(f"item_id: {item_id!r} is not an open item of this run")

    def actions_for(self, customer_id: str) -> tuple[DunningAction, ...]:
        """The actions proposed for ``customer_id``.

        >>> DunningRun(as_of=date(2026, 1, 1), actions=(), items=(), ladders=()).actions_for("C1")
        ()
        """
        return tuple(a for a in self.actions if a.customer_id == customer_id)

    def next_date(self) -> date | None:
        """The earliest next date of any item: when the next run has something to do.

        >>> DunningRun(as_of=date(2026, 1, 1), actions=(), items=(), ladders=()).next_date() is None
        True
        """
        dates = [item.next_date for item in self.items if item.next_date is not None]
        return min(dates, default=None)
