"""Dunning runs: which reminders to send today, and what happens next to every open item.

:func:`dunning_run` looks at a customer's open items as of a date, the
:class:`~credkit.dunning.DunningHistory` of what was sent, the ladder and any
blocks, and proposes :class:`DunningAction` values: one communication per
customer and level, grouping that customer's items due for the level. It
changes nothing; the host sends the reminders and records what happened
(:meth:`DunningHistory.record <credkit.dunning.DunningHistory.record>`), and the
next run escalates from that record.

The rules (see ``docs/adr/0004-dunning-escalation.md``):

* An item climbs one level at a time, and only from reminders that were **sent**:
  a ``FAILED`` reminder leaves the item where it was, and the same level is
  proposed again on a later day. Levels are skipped only when the ladder says
  ``allow_skip``.
* Level *n+1* is due on the **later** of its own threshold (``days_overdue`` from
  its reference) and the date level *n* was sent plus level *n*'s
  ``interval_days`` (at least one day). It is never scheduled from "today +
  interval", so a run that happens late never pushes a level back or skips one.
* At most one reminder per item and day: an item with any record dated ``as_of``
  gets nothing new that day, so running the same day twice proposes nothing new.
* Every open item gets an :class:`ItemStatus`: proposed, waiting, not overdue,
  final, or excluded with an :class:`ExclusionReason` (disputed, blocked, an
  unapplied credit, below the tolerance or a minimum, covered by the customer's
  unapplied credits), and the next date on which something will happen to it
  (``None`` when only a new event, such as a payment or a lifted block, can change
  it). For a proposed item, the next date assumes the proposal is sent today.
* A customer's unapplied credits (payments and credit notes not yet applied) are
  netted per currency: when the customer's overdue, undisputed items less those
  credits come to no more than the ladder's tolerance, none of the customer's
  items in that currency is dunned (the money is most likely already there and
  only needs applying). Otherwise the items are dunned in full and the action
  lists the credits, so that the letter can mention them. A ladder with
  ``unapplied_credits = "mention"`` (:class:`~credkit.dunning.UnappliedCredits`)
  never holds reminders back for credits: it only lists them.
* A fixed fee with ``convert_from`` is converted into an item's currency at the
  rate ``rates`` gives for the run date, rounded once to that currency's minor units.
* ``EMAIL`` falls back to ``LETTER`` when the host's ``contacts`` give no e-mail
  address for the customer (the :class:`~credkit.ledger.Customer` record has none).

>>> from datetime import date
>>> from credkit.ledger import Customer, Invoice, Ledger
>>> from credkit.dunning import DunningHistory, DunningLadder, DunningLevel, Channel
>>> ledger = Ledger(
...     customers=[Customer("C1", "Acme GmbH", country="DE", currency="EUR")],
...     invoices=[Invoice("INV-1", "C1", date(2026, 1, 1), date(2026, 1, 31), Money.of("800.00", "EUR"))],
... )
>>> ladder = DunningLadder("std", version="1", levels=(
...     DunningLevel(7, template="first", channel=Channel.EMAIL),
...     DunningLevel(21, template="second", interval_days=10),
... ))
>>> run = dunning_run(ledger, DunningHistory(), as_of=date(2026, 2, 7), ladder=ladder)
>>> [(a.customer_id, a.level, a.channel.value, a.item_ids) for a in run.actions]
[('C1', 1, 'letter', ('INV-1',))]
>>> run.status("INV-1").next_date, run.status("INV-1").next_level
(datetime.date(2026, 2, 21), 2)
>>> history = DunningHistory().record(run)
>>> dunning_run(ledger, history, as_of=date(2026, 2, 7), ladder=ladder).actions
()
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from decimal import Decimal

import attrs

from credkit._validate import check_date, describe, sequence
from credkit.dunning._common import add_days, amount_in, month_end
from credkit.dunning.actions import (
    ActionLine,
    Contact,
    DunningAction,
    DunningRun,
    ExclusionReason,
    ItemState,
    ItemStatus,
)
from credkit.dunning.blocks import Block
from credkit.dunning.history import DunningHistory
from credkit.dunning.interest import InterestRule, invoice_interest, late_payment_interest
from credkit.dunning.ladder import (
    Channel,
    DaysReference,
    DunningLadder,
    LadderSet,
    UnappliedCredits,
)
from credkit.dunning.plans import PaymentPlan
from credkit.dunning.promises import PromiseToPay
from credkit.errors import ValidationError
from credkit.fx import RateSource
from credkit.ledger import DocumentKind, Ledger, OpenItem, Payment
from credkit.money import Money, MoneyTotals

__all__ = ["collection_blocks", "dunning_run"]


# -- blocks from promises and plans ----------------------------------------------------


def collection_blocks(
    *,
    promises: Iterable[PromiseToPay] = (),
    plans: Iterable[PaymentPlan] = (),
    payments: Ledger | Iterable[Payment] = (),
    as_of: date,
) -> tuple[Block, ...]:
    """The dunning blocks that promises to pay and payment plans put in place on ``as_of``.

    Each promise blocks until its deadline; each plan blocks until its last
    instalment plus grace unless it has defaulted by ``as_of`` (a defaulted plan
    lifts its block).

    >>> from datetime import date
    >>> promise = PromiseToPay("P1", "C1", Money.of(100, "EUR"), promised_for=date(2026, 3, 10),
    ...                        made_on=date(2026, 3, 1))
    >>> [b.describe() for b in collection_blocks(promises=[promise], as_of=date(2026, 3, 5))]
    ['blocked (promise to pay) until 2026-03-10: promise P1 of 100 EUR']
    """
    check_date(as_of, "as_of")
    result = [p.block() for p in sequence(promises, PromiseToPay, "promises")]
    paid = payments if isinstance(payments, Ledger) else sequence(payments, Payment, "payments")
    for plan in sequence(plans, PaymentPlan, "plans"):
        block = plan.block(paid, as_of=as_of)
        if block is not None:
            result.append(block)
    return tuple(result)


# -- the run ---------------------------------------------------------------------------


@attrs.frozen
class _Schedule:
    """When each level falls due for one item, given what was sent."""

    ladder: DunningLadder
    due_date: date
    reached: int
    sent_on: date | None

    def due(self, level: int) -> date | None:
        rung = self.ladder.level(level)
        if rung.reference is DaysReference.DUE_DATE:
            threshold = add_days(self.due_date, rung.days_overdue, "days_overdue")
        elif rung.reference is DaysReference.END_OF_DUE_MONTH:
            threshold = add_days(month_end(self.due_date), rung.days_overdue, "days_overdue")
        elif rung.reference is DaysReference.DUE_DATE_THEN_END_OF_MONTH:
            threshold = month_end(add_days(self.due_date, rung.days_overdue, "days_overdue"))
        elif self.sent_on is None:
            return None  # counts from a previous reminder that does not exist
        else:
            threshold = add_days(self.sent_on, rung.days_overdue, "days_overdue")
        earliest = add_days(self.due_date, 1, "due_date")
        if self.reached and self.sent_on is not None:
            wait = max(self.ladder.level(self.reached).interval_days, 1)
            earliest = max(earliest, add_days(self.sent_on, wait, "interval_days"))
        return max(threshold, earliest)

    def after(self, level: int, sent_on: date) -> date | None:
        """When the level after ``level`` falls due if ``level`` is sent on ``sent_on``."""
        if level >= self.ladder.final_level:
            return None
        return _Schedule(self.ladder, self.due_date, level, sent_on).due(level + 1)


def _items(source: Ledger | Iterable[OpenItem], as_of: date) -> tuple[OpenItem, ...]:
    if isinstance(source, Ledger):
        return source.open_items(as_of)
    items = sequence(source, OpenItem, "items")
    seen: set[str] = set()
    for index, item in enumerate(items):
        if item.key in seen:
            raise ValidationError(f"items[{index}].document_id: {item.key!r} is listed twice")
        seen.add(item.key)
    return items


def _mapping(value: Mapping[str, object] | None, field: str, cls: type) -> dict[str, object]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ValidationError(f"{field}: expected a mapping by customer id, got {describe(value)}")
    for key, item in value.items():
        if not isinstance(item, cls):
            raise ValidationError(
                f"{field}[{key!r}]: expected {cls.__name__}, got {describe(item)}"
            )
    return dict(value)


def _ladder_for(
    ladder: DunningLadder | LadderSet,
    customer_id: str,
    segments: Mapping[str, object],
    risk_classes: Mapping[str, object],
) -> DunningLadder:
    if isinstance(ladder, DunningLadder):
        return ladder
    segment = segments.get(customer_id)
    risk = risk_classes.get(customer_id)
    return ladder.ladder_for(
        segment=segment if isinstance(segment, str) else None,
        risk_class=risk if isinstance(risk, str) else None,
    )


@attrs.frozen
class _Candidate:
    item: OpenItem
    level: int
    schedule: _Schedule
    note: str | None


def dunning_run(
    source: Ledger | Iterable[OpenItem],
    history: DunningHistory,
    *,
    as_of: date,
    ladder: DunningLadder | LadderSet,
    contacts: Mapping[str, Contact] | None = None,
    blocks: Iterable[Block] = (),
    promises: Iterable[PromiseToPay] = (),
    plans: Iterable[PaymentPlan] = (),
    payments: Iterable[Payment] | None = None,
    segments: Mapping[str, str] | None = None,
    risk_classes: Mapping[str, str] | None = None,
    interest: InterestRule | None = None,
    rates: RateSource | None = None,
) -> DunningRun:
    """Propose today's reminders and say what happens next to every open item.

    * ``source``: a :class:`~credkit.ledger.Ledger` (its open items as of ``as_of``
      are used) or the open items themselves.
    * ``history``: what was sent before (records after ``as_of`` are ignored).
    * ``ladder``: one ladder for everyone, or a :class:`~credkit.dunning.LadderSet`
      choosing per segment (from the ledger's customers, or ``segments``) and
      risk class (``risk_classes``, by customer id).
    * ``contacts``: e-mail addresses and locales by customer id.
    * ``blocks``, ``promises``, ``plans``: what holds dunning back; plans need the
      customers' payments (from the ledger, or ``payments``).
    * ``interest``: an :class:`~credkit.dunning.InterestRule`; when given, each
      line carries late-payment interest as of ``as_of`` (with a ledger, partial
      payments reduce the principal from their dates; with bare open items the
      open amount is taken as the principal from the due date) and the rule's fixed
      compensation on the item's first reminder.
    * ``rates``: a :class:`~credkit.fx.RateSource` for fixed fees that convert their
      amount (:attr:`Fee.convert_from <credkit.dunning.Fee.convert_from>`) into an
      item's currency at the rate in force on ``as_of``; a missing rate raises
      :class:`~credkit.errors.RateNotFoundError` naming the currencies and the date.

    See the module description for the rules.

    >>> from datetime import date
    >>> from credkit.dunning import DunningLadder, DunningLevel, DunningHistory
    >>> from credkit.ledger import OpenItem, DocumentKind
    >>> items = [OpenItem("I1", "C1", DocumentKind.INVOICE, date(2026, 1, 1), date(2026, 1, 31),
    ...                   Money.of("90.00", "EUR"), disputed=True)]
    >>> ladder = DunningLadder("l", version="1", levels=(DunningLevel(7, template="t"),))
    >>> status = dunning_run(items, DunningHistory(), as_of=date(2026, 3, 1), ladder=ladder).status("I1")
    >>> status.state.value, status.reason.value, status.message
    ('excluded', 'disputed', 'disputed: not dunned until the dispute is resolved')
    """
    check_date(as_of, "as_of")
    if not isinstance(history, DunningHistory):
        raise ValidationError(f"history: expected a DunningHistory, got {describe(history)}")
    if not isinstance(ladder, DunningLadder | LadderSet):
        raise ValidationError(
            f"ladder: expected a DunningLadder or a LadderSet, got {describe(ladder)}"
        )
    if interest is not None and not isinstance(interest, InterestRule):
        raise ValidationError(f"interest: expected an InterestRule, got {describe(interest)}")
    if rates is not None and not isinstance(rates, RateSource):
        raise ValidationError(
            f"rates: expected a credkit.fx.RateSource such as a RateTable, got {describe(rates)}"
        )
    items = _items(source, as_of)
    contact_of = _mapping(contacts, "contacts", Contact)
    segment_of: dict[str, object] = {}
    if isinstance(source, Ledger):
        segment_of = {c.id: c.segment for c in source.customers if c.segment is not None}
    segment_of.update(_mapping(segments, "segments", str))
    risk_of = _mapping(risk_classes, "risk_classes", str)
    held = list(sequence(blocks, Block, "blocks"))
    plan_list = sequence(plans, PaymentPlan, "plans")
    if plan_list:
        if isinstance(source, Ledger):
            paid: Ledger | tuple[Payment, ...] = source
        elif payments is None:
            raise ValidationError(
                "payments: payment plans need the customers' payments; pass a Ledger or payments="
            )
        else:
            paid = sequence(payments, Payment, "payments")
        held.extend(collection_blocks(plans=plan_list, payments=paid, as_of=as_of))
    held.extend(collection_blocks(promises=promises, as_of=as_of))
    active = [b for b in held if b.active(as_of)]

    by_customer: dict[str, list[OpenItem]] = defaultdict(list)
    for item in items:
        by_customer[item.customer_id].append(item)

    actions: list[DunningAction] = []
    statuses: list[ItemStatus] = []
    used: dict[str, str] = {}
    for customer_id in sorted(by_customer):
        chosen = _ladder_for(ladder, customer_id, segment_of, risk_of)
        used[chosen.id] = chosen.version
        contact = contact_of.get(customer_id)
        assert contact is None or isinstance(contact, Contact)
        customer_actions, customer_statuses = _customer(
            customer_id,
            sorted(
                by_customer[customer_id],
                key=lambda i: (i.due_date, i.document_id, i.instalment or 0),
            ),
            history=history,
            as_of=as_of,
            ladder=chosen,
            contact=contact,
            blocks=[b for b in active if b.customer_id == customer_id],
            interest=interest,
            ledger=source if isinstance(source, Ledger) else None,
            rates=rates,
        )
        actions.extend(customer_actions)
        statuses.extend(customer_statuses)
    order = {item.key: index for index, item in enumerate(items)}
    statuses.sort(key=lambda s: order[s.item_id])
    return DunningRun(
        as_of=as_of,
        actions=tuple(actions),
        items=tuple(statuses),
        ladders=tuple(sorted(used.items())),
    )


def _status(
    item: OpenItem,
    as_of: date,
    ladder: DunningLadder,
    level: int,
    state: ItemState,
    message: str,
    **extra: object,
) -> ItemStatus:
    return ItemStatus(
        item_id=item.key,
        customer_id=item.customer_id,
        amount=item.amount,
        due_date=item.due_date,
        days_overdue=item.days_overdue(as_of),
        state=state,
        level=level,
        ladder_id=ladder.id,
        message=message,
        **extra,  # type: ignore[arg-type]
    )


def _customer(
    customer_id: str,
    items: list[OpenItem],
    *,
    history: DunningHistory,
    as_of: date,
    ladder: DunningLadder,
    contact: Contact | None,
    blocks: list[Block],
    interest: InterestRule | None,
    ledger: Ledger | None,
    rates: RateSource | None,
) -> tuple[list[DunningAction], list[ItemStatus]]:
    statuses: list[ItemStatus] = []
    candidates: list[_Candidate] = []
    for item in items:
        result = _evaluate(item, history=history, as_of=as_of, ladder=ladder, blocks=blocks)
        if isinstance(result, ItemStatus):
            statuses.append(result)
        else:
            candidates.append(result)

    # Unapplied credits, netted per currency against the overdue, undisputed items.
    credits = MoneyTotals.of(item.amount for item in items if item.amount.is_negative)
    overdue = MoneyTotals.of(
        item.amount
        for item in items
        if not item.amount.is_negative and item.due_date < as_of and not item.disputed
    )
    kept: list[_Candidate] = []
    for candidate in candidates:
        currency = candidate.item.amount.currency
        if credits[currency].amount and ladder.unapplied_credits is UnappliedCredits.NET:
            tolerance = amount_in(ladder.tolerance, currency, "tolerance")
            limit = tolerance.amount if tolerance is not None else Decimal(0)
            net = (overdue[currency] + credits[currency]).amount
            if net <= limit:
                statuses.append(
                    _status(
                        candidate.item,
                        as_of,
                        ladder,
                        candidate.schedule.reached,
                        ItemState.EXCLUDED,
                        f"covered by unapplied credits: overdue items less credits come to "
                        f"{Money(net, currency)}, not above the tolerance "
                        f"{Money(limit, currency)}; apply the credits",
                        reason=ExclusionReason.COVERED_BY_CREDITS,
                    )
                )
                continue
        kept.append(candidate)

    # One communication per level; the customer minimum is checked per currency.
    by_level: dict[int, list[_Candidate]] = defaultdict(list)
    for candidate in kept:
        by_level[candidate.level].append(candidate)
    actions = []
    credit_list = tuple(-credits.nonzero())
    for level in sorted(by_level):
        rung = ladder.level(level)
        sums = MoneyTotals.of(candidate.item.amount for candidate in by_level[level])
        lines: list[ActionLine] = []
        notes: list[str] = []
        for candidate in by_level[level]:
            item = candidate.item
            currency = item.amount.currency
            minimum = amount_in(
                rung.min_customer_amount, currency, f"levels[{level - 1}].min_customer_amount"
            )
            if minimum is not None and sums[currency] < minimum:
                statuses.append(
                    _status(
                        item,
                        as_of,
                        ladder,
                        candidate.schedule.reached,
                        ItemState.EXCLUDED,
                        f"below the customer minimum: level {level} items in {currency} come to "
                        f"{sums[currency]}, less than {minimum}",
                        reason=ExclusionReason.BELOW_CUSTOMER_MINIMUM,
                    )
                )
                continue
            fee = rung.fee.charge(item.amount, on=as_of, rates=rates)
            lines.append(_line(item, fee, candidate, as_of, interest, ledger))
            if candidate.note:
                notes.append(candidate.note)
            after = candidate.schedule.after(level, as_of)
            statuses.append(
                _status(
                    item,
                    as_of,
                    ladder,
                    candidate.schedule.reached,
                    ItemState.PROPOSED,
                    f"level {level} proposed"
                    + (
                        f"; level {level + 1} due on {after.isoformat()} if sent today"
                        if after
                        else "; final level"
                    ),
                    proposed_level=level,
                    next_date=after,
                    next_level=level + 1 if after else None,
                )
            )
        if not lines:
            continue
        channel = rung.channel
        if channel is Channel.EMAIL and (contact is None or contact.email is None):
            channel = Channel.LETTER
            notes.insert(0, "sent as a letter: no e-mail address known for the customer")
        actions.append(
            DunningAction(
                customer_id=customer_id,
                level=level,
                as_of=as_of,
                channel=channel,
                requested_channel=rung.channel,
                template=rung.template,
                ladder_id=ladder.id,
                ladder_version=ladder.version,
                charges=ladder.charges,
                lines=tuple(lines),
                unapplied_credits=credit_list,
                notes=tuple(dict.fromkeys(notes)),
            )
        )
    return actions, statuses


def _line(
    item: OpenItem,
    fee: Money,
    candidate: _Candidate,
    as_of: date,
    rule: InterestRule | None,
    ledger: Ledger | None,
) -> ActionLine:
    interest = compensation = None
    if rule is not None:
        if ledger is not None and item.kind is DocumentKind.INVOICE:
            calc = invoice_interest(
                ledger, item.document_id, as_of=as_of, rule=rule, instalment=item.instalment
            )
        else:
            calc = late_payment_interest(
                item.amount, due_date=item.due_date, as_of=as_of, rule=rule
            )
        interest = calc.interest
        if candidate.schedule.reached == 0:
            compensation = calc.compensation
    return ActionLine(
        item_id=item.key,
        issue_date=item.issue_date,
        due_date=item.due_date,
        days_overdue=item.days_overdue(as_of),
        amount=item.amount,
        original_amount=item.original_amount,
        fee=fee,
        interest=interest,
        compensation=compensation,
    )


def _evaluate(
    item: OpenItem,
    *,
    history: DunningHistory,
    as_of: date,
    ladder: DunningLadder,
    blocks: list[Block],
) -> ItemStatus | _Candidate:
    reached, sent_on = history.reached(item.key, as_of=as_of)
    reached = min(reached, ladder.final_level)
    currency = item.amount.currency

    def status(state: ItemState, message: str, **extra: object) -> ItemStatus:
        return _status(item, as_of, ladder, reached, state, message, **extra)

    if item.amount.is_negative:
        return status(
            ItemState.EXCLUDED,
            f"unapplied {item.kind.value.replace('_', ' ')}: a credit, never dunned",
            reason=ExclusionReason.UNAPPLIED_CREDIT,
        )
    if item.disputed:
        return status(
            ItemState.EXCLUDED,
            "disputed: not dunned until the dispute is resolved",
            reason=ExclusionReason.DISPUTED,
        )
    tolerance = amount_in(ladder.tolerance, currency, "tolerance")
    if item.amount.is_zero or (tolerance is not None and item.amount < tolerance):
        return status(
            ItemState.EXCLUDED,
            f"below the tolerance: {item.amount} open"
            + (f", tolerance {tolerance}" if tolerance is not None else ""),
            reason=ExclusionReason.BELOW_TOLERANCE,
        )
    if reached >= ladder.final_level:
        return status(ItemState.FINAL, f"final level {reached} sent on {sent_on}; nothing further")

    schedule = _Schedule(ladder, item.due_date, reached, sent_on)
    following = reached + 1
    due = schedule.due(following)
    assert due is not None  # level 1 never counts from a previous reminder
    today = history.on_day(item.key, as_of)
    earliest = max(due, as_of + timedelta(days=1)) if today else due
    block = next(
        (
            b
            for b in blocks
            if b.covers(item.customer_id, item.document_id) or b.covers(item.customer_id, item.key)
        ),
        None,
    )
    if block is not None:
        resume = None
        if block.until is not None:
            resume = max(earliest, add_days(block.until, 1, "until"))
        return status(
            ItemState.EXCLUDED,
            block.describe(),
            reason=ExclusionReason.BLOCKED,
            block=block,
            next_date=resume,
            next_level=following if resume is not None else None,
        )
    if earliest > as_of:
        if today:
            message = f"already handled today; level {following} due on {earliest.isoformat()}"
        elif reached == 0 and item.due_date >= as_of:
            message = f"not overdue; level 1 due on {earliest.isoformat()}"
        else:
            message = f"at level {reached}; level {following} due on {earliest.isoformat()}"
        state = ItemState.NOT_OVERDUE if item.due_date >= as_of else ItemState.WAITING
        return status(state, message, next_date=earliest, next_level=following)

    target = following
    if ladder.allow_skip:
        for level in range(following + 1, ladder.final_level + 1):
            when = schedule.due(level)
            if when is not None and when <= as_of:
                target = level
    minimum = amount_in(
        ladder.level(target).min_item_amount, currency, f"levels[{target - 1}].min_item_amount"
    )
    if minimum is not None and item.amount < minimum:
        return status(
            ItemState.EXCLUDED,
            f"below the item minimum of level {target}: {item.amount} open, minimum {minimum}",
            reason=ExclusionReason.BELOW_ITEM_MINIMUM,
        )
    failure = history.last_failure(item.key, as_of=as_of)
    note = None
    if failure is not None:
        note = (
            f"retries level {failure.level} that failed on {failure.on.isoformat()} "
            f"({failure.channel.value})"
        )
    return _Candidate(item, target, schedule, note)
