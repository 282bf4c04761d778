"""Collections from the store: dunning from what was actually sent, charges booked, collector work.

:func:`store_dunning_run` (what :meth:`CreditDesk.dunning_run
<credkit.desk.CreditDesk.dunning_run>` calls) runs :func:`~credkit.dunning.dunning_run`
for every customer of the store, in one unit of work per customer, over what the
store holds: the open items (each disputed part split off with
:func:`~credkit.dunning.split_disputed`, so only the undisputed rest is dunned), the
dunning history of what was **sent** or failed, blocks, promises and plans. It never
replays "as if": a reminder counts only once it has been recorded as sent.

**Idempotent against the store.** Each proposed action is stored as a
:class:`~credkit.storage.DunningProposal` (``PROPOSED``) in the same unit. An item
with a proposal still pending is not proposed again: the run shows the pending
proposal instead, whatever the day, so running the same day twice proposes nothing
new, and a crash between proposing and recording loses nothing (the next run shows
the unrecorded proposal again rather than a new level). :func:`record_sent` turns a
proposal into a :class:`~credkit.dunning.DunningRecord`, ``SENT`` or ``FAILED`` (a
bounced e-mail is not sent: the item stays at its level and the level is proposed
again on a later day).

**Charges become documents.** When the ladder books charges
(:attr:`~credkit.dunning.ChargeTreatment.BOOK`), recording a send as ``SENT`` stores
the fees, late-payment interest and fixed compensation of the action as invoices
whose ids derive from the action (:func:`charge_documents`), so they are booked once
however often the send is recorded; :func:`reverse_charge` cancels one with a credit
note allocated to it. The ledger reconciles: every charge is a document, every
reversal a credit note against it.

>>> from datetime import date
>>> from credkit import Money
>>> from credkit.dunning import ChargeTreatment, DunningLadder, DunningLevel, Fee
>>> from credkit.ledger import Customer, Invoice
>>> from credkit.policy import Policy, PolicyEntry
>>> from credkit.policy.rules import StaticLimit
>>> from credkit.storage import MemoryStore
>>> from credkit.desk import CreditDesk
>>> store = MemoryStore()
>>> with store.unit() as unit:
...     unit.add_customers([Customer("C1", "Acme GmbH", country="DE", currency="EUR")])
...     unit.add_documents([Invoice("INV-1", "C1", date(2026, 1, 1), date(2026, 1, 31),
...                                 Money.of("800.00", "EUR"))])
1
1
>>> ladder = DunningLadder("std", version="1", charges=ChargeTreatment.BOOK, levels=(
...     DunningLevel(7, template="first", fee=Fee.fixed(Money.of("5.00", "EUR"))),
...     DunningLevel(21, template="second", interval_days=10)))
>>> desk = CreditDesk(store, Policy("p", version="1", rules=[PolicyEntry(StaticLimit())]))
>>> run = desk.dunning_run(date(2026, 2, 7), ladder=ladder)
>>> [a.id for a in run.new], len(desk.dunning_run(date(2026, 2, 7), ladder=ladder).new)
(['C1/1/2026-02-07'], 0)
>>> sent = desk.record_sent(run.new[0], status="sent")
>>> [(d.id, str(d.amount)) for d in sent.documents]
[('C1/1/2026-02-07/fee/EUR', '5.00 EUR')]
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import attrs

from credkit._validate import check_date, check_text, describe
from credkit.config import converter
from credkit.desk.access import Action
from credkit.dunning import (
    Block,
    Channel,
    ChargeTreatment,
    CollectorAssignment,
    CollectorTask,
    Contact,
    ContactEntry,
    DunningAction,
    DunningLadder,
    DunningRecord,
    InsuranceDeadline,
    InsurancePolicy,
    InterestRule,
    ItemStatus,
    LadderSet,
    PromiseToPay,
    SendStatus,
    collection_worklist,
    collector_worklist,
    dunning_run,
    insurance_deadlines,
    split_disputed,
)
from credkit.errors import CredkitError, ValidationError
from credkit.fx import RateSource
from credkit.ledger import Allocation, CreditNote, Invoice, Ledger, OpenItem, Payment
from credkit.money import Money
from credkit.storage import (
    Alert,
    AlertSeverity,
    Dispute,
    DunningProposal,
    ProposalStatus,
    Unit,
    alert_key,
)

if TYPE_CHECKING:
    from credkit.desk.desk import CreditDesk

__all__ = [
    "INSURANCE_REASONS",
    "DunningProblem",
    "SendResult",
    "StoreDunningRun",
    "charge_documents",
    "desk_collector_worklist",
    "desk_insurance_deadlines",
    "disputed_amounts",
    "insurance_alerts",
    "record_sent",
    "reverse_charge",
    "store_dunning_run",
    "store_open_items",
]

INSURANCE_REASONS: Mapping[str, str] = {
    "INSURANCE_NOTIFICATION": "an overdue must be notified to the credit insurer soon",
    "INSURANCE_CLAIM": "the claim must be filed with the credit insurer soon",
}
"""The alert reason codes of :func:`insurance_alerts`, with what they mean."""


# -- reading the store ------------------------------------------------------------------


def disputed_amounts(disputes: Iterable[Dispute], *, as_of: datetime.date) -> dict[str, Money]:
    """The amount in dispute per item on ``as_of``: the sum of its disputes open then.

    A dispute counts from its ``opened_on`` until it is resolved (still open, or
    resolved after ``as_of``).

    >>> from datetime import date
    >>> d = Dispute("D1", "C1", "I1", Money.of(20, "EUR"), reason="price", opened_on=date(2026, 3, 1))
    >>> disputed_amounts([d, attrs.evolve(d, id="D2")], as_of=date(2026, 3, 1))
    {'I1': Money('40', 'EUR')}
    """
    check_date(as_of, "as_of")
    found: dict[str, Money] = {}
    for dispute in disputes:
        if dispute.opened_on > as_of:
            continue
        if not dispute.is_open and (dispute.resolved_on is None or dispute.resolved_on <= as_of):
            continue
        before = found.get(dispute.item_id)
        found[dispute.item_id] = dispute.amount if before is None else before + dispute.amount
    return found


def store_open_items(unit: Unit, customer_id: str, *, as_of: datetime.date) -> tuple[OpenItem, ...]:
    """The customer's open items as of ``as_of`` from the store, disputed parts split off.

    What aging should be given to show disputes in its *disputed* column, and what
    dunning runs over (see :func:`~credkit.dunning.split_disputed`).

    >>> from datetime import date
    >>> from credkit.ledger import Customer
    >>> from credkit.storage import MemoryStore
    >>> store = MemoryStore()
    >>> with store.unit() as unit:
    ...     _ = unit.add_customers([Customer("C1", "Acme", country="DE", currency="EUR")])
    ...     _ = unit.add_documents([Invoice("I1", "C1", date(2026, 1, 1), date(2026, 1, 31), Money.of(100, "EUR"))])
    ...     _ = unit.save_dispute(Dispute("D1", "C1", "I1", Money.of(30, "EUR"), reason="price",
    ...                                   opened_on=date(2026, 2, 1)))
    ...     [(i.document_id, str(i.amount), i.disputed) for i in store_open_items(unit, "C1", as_of=date(2026, 2, 2))]
    [('I1', '70 EUR', False), ('I1~disputed', '30 EUR', True)]
    """
    ledger = unit.ledger(customer_id, as_of=as_of)
    items = ledger.open_items(as_of, customer_id=customer_id)
    return split_disputed(items, disputed_amounts(unit.disputes(customer_id), as_of=as_of))


# -- the run ----------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class DunningProblem:
    """A customer the run could not dun, and why (the run went on with the others).

    >>> DunningProblem(customer_id="C1", message="no amount in USD").customer_id
    'C1'
    """

    customer_id: str
    message: str


@attrs.frozen(kw_only=True)
class StoreDunningRun:
    """What :func:`store_dunning_run` found: new proposals, those still pending, every item.

    ``new`` are the actions this run proposed and stored; ``pending`` every action
    awaiting :func:`record_sent` (the new ones and those proposed earlier);
    ``items`` the status of every open item the run looked at (items with a pending
    proposal are not among them: the pending action speaks for them).

    >>> from datetime import date
    >>> StoreDunningRun(as_of=date(2026, 1, 1), new=(), pending=(), items=(), problems=()).clean
    True
    """

    as_of: datetime.date
    new: tuple[DunningAction, ...]
    pending: tuple[DunningAction, ...]
    items: tuple[ItemStatus, ...]
    problems: tuple[DunningProblem, ...]

    @property
    def clean(self) -> bool:
        """Whether every customer was dunned without a problem."""
        return not self.problems


def _customer_run(
    desk: CreditDesk,
    unit: Unit,
    customer_id: str,
    as_of: datetime.date,
    ladder: DunningLadder | LadderSet,
    contacts: Mapping[str, Contact] | None,
    interest: InterestRule | None,
    risk_classes: Mapping[str, str] | None,
    user: str | None,
) -> tuple[list[DunningAction], list[DunningAction], tuple[ItemStatus, ...]]:
    ledger = unit.ledger(customer_id, as_of=as_of)
    items = split_disputed(
        ledger.open_items(as_of, customer_id=customer_id),
        disputed_amounts(unit.disputes(customer_id), as_of=as_of),
    )
    pending = [p.action for p in unit.proposals(customer_id, pending_only=True)]
    waiting = {item_id for action in pending for item_id in action.item_ids}
    fresh = [i for i in items if i.key not in waiting]  # pending item ids are item keys
    customer = ledger.customer(customer_id)
    segments = {} if customer.segment is None else {customer_id: customer.segment}
    run = dunning_run(
        fresh,
        unit.dunning_history(customer_id),
        as_of=as_of,
        ladder=ladder,
        contacts=contacts,
        blocks=unit.blocks(customer_id),
        promises=unit.promises(customer_id),
        plans=unit.plans(customer_id),
        payments=[p for p in ledger.payments if p.customer_id == customer_id],
        segments=segments,
        risk_classes=None
        if risk_classes is None or customer_id not in risk_classes
        else {customer_id: risk_classes[customer_id]},
        interest=interest,
        rates=desk.rates,
    )
    new = []
    for action in run.actions:
        if unit.save_proposal(DunningProposal(action)) is None:
            new.append(action)
            desk._log(
                unit,
                customer_id,
                "dunning_proposed",
                user,
                action=action.id,
                level=action.level,
                items=list(action.item_ids),
                channel=action.channel.value,
                ladder={"id": action.ladder_id, "version": action.ladder_version},
            )
    return new, [*pending, *new], run.items


def store_dunning_run(
    desk: CreditDesk,
    as_of: datetime.date,
    *,
    ladder: DunningLadder | LadderSet,
    customer_ids: Iterable[str] | None = None,
    contacts: Mapping[str, Contact] | None = None,
    interest: InterestRule | None = None,
    risk_classes: Mapping[str, str] | None = None,
    user: str | None = None,
) -> StoreDunningRun:
    """Propose today's reminders from the store's records; store each proposal once.

    One unit of work per customer (every customer of the store, or
    ``customer_ids``): read, propose, store the proposals and log them
    (``dunning_proposed``), or nothing. A customer whose records the run cannot
    use (say, a ladder without a minimum in the customer's currency) is reported in
    ``problems``; the run goes on. ``contacts``, ``interest`` and ``risk_classes``
    are as for :func:`~credkit.dunning.dunning_run`.
    """
    check_date(as_of, "as_of")
    if not isinstance(ladder, DunningLadder | LadderSet):
        raise ValidationError(
            f"ladder: expected a DunningLadder or a LadderSet, got {describe(ladder)}"
        )
    with desk.store.unit() as unit:
        ids = tuple(unit.customer_ids() if customer_ids is None else customer_ids)
    new: list[DunningAction] = []
    pending: list[DunningAction] = []
    items: list[ItemStatus] = []
    problems: list[DunningProblem] = []
    for customer_id in ids:

        def work(
            unit: Unit, customer_id: str = customer_id
        ) -> tuple[list[DunningAction], list[DunningAction], tuple[ItemStatus, ...]]:
            return _customer_run(
                desk, unit, customer_id, as_of, ladder, contacts, interest, risk_classes, user
            )

        try:
            added, waiting, statuses = desk._atomic(work, customer_id)
        except CredkitError as error:
            problems.append(DunningProblem(customer_id=customer_id, message=str(error)))
            continue
        new += added
        pending += waiting
        items += statuses
    return StoreDunningRun(
        as_of=as_of,
        new=tuple(new),
        pending=tuple(pending),
        items=tuple(items),
        problems=tuple(problems),
    )


# -- recording sends and booking charges -----------------------------------------------


def charge_documents(action: DunningAction, *, due_days: int = 14) -> tuple[Invoice, ...]:
    """The invoices that book ``action``'s fees, interest and fixed compensation, per currency.

    Their ids derive from the action (``<action id>/fee/EUR``, ``/interest/``,
    ``/compensation/``), so they are stored once however often they are built.
    Issued on the action's date, due ``due_days`` later. Empty when the ladder only
    shows charges (:attr:`~credkit.dunning.ChargeTreatment.SHOW`).

    >>> from datetime import date
    >>> from credkit.dunning import DunningHistory, DunningLadder, DunningLevel, Fee, dunning_run
    >>> from credkit.ledger import DocumentKind
    >>> item = OpenItem("I1", "C1", DocumentKind.INVOICE,
    ...                 date(2026, 1, 1), date(2026, 1, 31), Money.of("400.00", "EUR"))
    >>> ladder = DunningLadder("l", version="1", charges=ChargeTreatment.BOOK,
    ...                        levels=(DunningLevel(5, template="t", fee=Fee.percentage(1)),))
    >>> action = dunning_run([item], DunningHistory(), as_of=date(2026, 2, 5), ladder=ladder).actions[0]
    >>> [(i.id, str(i.amount), i.due_date.isoformat()) for i in charge_documents(action)]
    [('C1/1/2026-02-05/fee/EUR', '4.00 EUR', '2026-02-19')]
    """
    if not isinstance(action, DunningAction):
        raise ValidationError(f"action: expected a DunningAction, got {describe(action)}")
    if action.charges is not ChargeTreatment.BOOK:
        return ()
    due = action.as_of + datetime.timedelta(days=due_days)
    documents = []
    for kind, totals in (
        ("fee", action.fees),
        ("interest", action.interest),
        ("compensation", action.compensation),
    ):
        for money in totals:
            amount = money.round()
            if amount.is_positive:
                documents.append(
                    Invoice(
                        f"{action.id}/{kind}/{amount.currency}",
                        action.customer_id,
                        action.as_of,
                        due,
                        amount,
                    )
                )
    return tuple(documents)


@attrs.frozen(kw_only=True)
class SendResult:
    """What :func:`record_sent` stored: the proposal as recorded, the record, the charges booked.

    >>> SendResult.__name__
    'SendResult'
    """

    proposal: DunningProposal
    record: DunningRecord
    documents: tuple[Invoice, ...]


def _status(value: object) -> SendStatus:
    try:
        return value if isinstance(value, SendStatus) else SendStatus(value)
    except ValueError:
        raise ValidationError(
            f"status: expected 'sent' or 'failed', got {describe(value)}"
        ) from None


def _customer_of(action_id: str) -> str:
    parts = action_id.rsplit("/", 2)
    if len(parts) != 3 or not parts[0]:
        raise ValidationError(
            f"action: {action_id!r} is not a dunning action id (customer/level/YYYY-MM-DD)"
        )
    return parts[0]


def record_sent(
    desk: CreditDesk,
    action: DunningAction | str,
    *,
    status: SendStatus | str = SendStatus.SENT,
    channel: str | None = None,
    on: datetime.date | None = None,
    user: str | None = None,
    due_days: int = 14,
) -> SendResult:
    """Record whether the proposed ``action`` (or its id) was sent or failed; book its charges.

    The proposal must be stored (a run proposed it). ``channel`` is how it went out
    (default: the action's); ``on`` the day (default: the action's date). A ``SENT``
    record of an action whose ladder books charges stores :func:`charge_documents`.
    Recording the same outcome again is a no-op that returns what was stored;
    recording another outcome for an action already recorded is refused.
    """
    sending = _status(status)
    action_id = action.id if isinstance(action, DunningAction) else check_text(action, "action")
    customer_id = _customer_of(action_id)
    if channel is not None:
        try:
            channel = Channel(channel).value
        except ValueError:
            accepted = ", ".join(repr(c.value) for c in Channel)
            raise ValidationError(
                f"channel: expected one of {accepted}, got {describe(channel)}"
            ) from None

    def work(unit: Unit) -> SendResult:
        stored = {p.id: p for p in unit.proposals(customer_id)}.get(action_id)
        if stored is None:
            raise ValidationError(
                f"action: no dunning proposal {action_id!r} is stored; run dunning first"
            )
        proposed = stored.action
        record = DunningRecord(
            customer_id,
            proposed.item_ids,
            level=proposed.level,
            on=proposed.as_of if on is None else check_date(on, "on"),
            channel=proposed.channel if channel is None else Channel(channel),
            status=sending,
            ladder_id=proposed.ladder_id,
        )
        documents = (
            charge_documents(proposed, due_days=due_days) if sending is SendStatus.SENT else ()
        )
        if not stored.is_pending:
            if stored.status.value != sending.value:
                raise ValidationError(
                    f"status: proposal {action_id!r} was recorded as {stored.status.value} "
                    f"on {stored.recorded_on}; it cannot become {sending.value}"
                )
            return SendResult(proposal=stored, record=record, documents=documents)
        unit.record_dunning([record])
        done = attrs.evolve(
            stored,
            status=ProposalStatus(sending.value),
            recorded_on=record.on,
            channel=record.channel.value,
        )
        unit.save_proposal(done)
        unit.add_documents(documents)
        desk._log(
            unit,
            customer_id,
            f"dunning_{sending.value}",
            user,
            action=action_id,
            level=proposed.level,
            items=list(proposed.item_ids),
            channel=record.channel.value,
            on=record.on.isoformat(),
            documents=[converter.unstructure(d) for d in documents],
        )
        return SendResult(proposal=done, record=record, documents=documents)

    return desk._atomic(work, customer_id)


def reverse_charge(
    desk: CreditDesk,
    document_id: str,
    *,
    customer_id: str,
    on: datetime.date,
    user: str,
    reason: str,
) -> CreditNote:
    """Cancel a booked dunning charge with a credit note allocated to it (the ``credit`` right).

    The credit note ``<document id>/reversal`` covers what is open of the charge on
    ``on``; storing it again is a no-op. Logged as ``charge_reversed``.
    """
    check_text(document_id, "document_id")
    check_date(on, "on")
    check_text(reason, "reason")
    desk._authorize([check_text(user, "user")], Action.CREDIT, customer_id)

    def work(unit: Unit) -> CreditNote:
        ledger = unit.ledger(customer_id, as_of=on)
        found = [
            i
            for i in ledger.open_items(on, customer_id=customer_id)
            if i.document_id == document_id
        ]
        note_id = f"{document_id}/reversal"
        if not found:
            known = {d.id: d for d in ledger.credit_notes}
            if note_id in known:
                return known[note_id]
            raise ValidationError(
                f"document_id: {document_id!r} is not an open document of {customer_id!r} on {on}"
            )
        # an invoice due in instalments is one open item per instalment: reverse them all
        item = attrs.evolve(found[0], amount=sum((i.amount for i in found[1:]), found[0].amount))
        note = CreditNote(note_id, customer_id, on, item.amount, invoice_id=document_id)
        unit.add_documents([note])
        unit.add_allocations([Allocation(note_id, document_id, item.amount, on)])
        desk._log(
            unit,
            customer_id,
            "charge_reversed",
            user,
            document=document_id,
            credit_note=note_id,
            amount=str(item.amount.amount),
            currency=item.amount.currency,
            reason=reason,
        )
        return note

    return desk._atomic(work, customer_id)


# -- collector work and insurance deadlines --------------------------------------------


def desk_insurance_deadlines(
    unit: Unit, customer_id: str, *, as_of: datetime.date
) -> tuple[InsuranceDeadline, ...]:
    """The credit insurance deadlines of the customer's overdue items (none when uninsured).

    Disputed parts count too: the insurer wants to hear of them as well.
    """
    policy = unit.insurance(customer_id)
    if policy is None:
        return ()
    items = unit.ledger(customer_id, as_of=as_of).open_items(as_of, customer_id=customer_id)
    return insurance_deadlines(items, policy, as_of=as_of)


def desk_collector_worklist(
    desk: CreditDesk,
    as_of: datetime.date,
    *,
    currency: str | None = None,
    rates: RateSource | None = None,
    collector: str | None = None,
) -> tuple[CollectorTask, ...]:
    """Each collector's worklist from the store: ranked customers, last contact, next step.

    The items are the store's open items with disputed parts split off (disputes
    are not collected), ranked with :func:`~credkit.dunning.collection_worklist`
    (blocks and promises from the store; ``currency`` and ``rates`` as there) and
    split per collector with :func:`~credkit.dunning.collector_worklist`, with each
    customer's credit insurance deadlines. ``collector`` keeps only that collector's
    list.
    """
    check_date(as_of, "as_of")
    items: list[OpenItem] = []
    blocks: list[Block] = []
    promises: list[PromiseToPay] = []
    payments: list[Payment] = []
    contacts: list[ContactEntry] = []
    deadlines: list[InsuranceDeadline] = []
    with desk.store.unit() as unit:
        assignments: tuple[CollectorAssignment, ...] = unit.assignments()
        for customer_id in unit.customer_ids():
            ledger: Ledger = unit.ledger(customer_id, as_of=as_of)
            items += split_disputed(
                ledger.open_items(as_of, customer_id=customer_id),
                disputed_amounts(unit.disputes(customer_id), as_of=as_of),
            )
            payments += [p for p in ledger.payments if p.customer_id == customer_id]
            blocks += unit.blocks(customer_id)
            promises += unit.promises(customer_id)
            contacts += unit.contacts(customer_id)
            deadlines += desk_insurance_deadlines(unit, customer_id, as_of=as_of)
    entries = collection_worklist(
        items,
        as_of=as_of,
        currency=currency,
        rates=rates,
        promises=promises,
        payments=payments,
        blocks=blocks,
    )
    tasks = collector_worklist(
        entries,
        as_of=as_of,
        assignments=assignments,
        contacts=contacts,
        promises=promises,
        deadlines=deadlines,
    )
    if collector is not None:
        tasks = tuple(t for t in tasks if t.collector == collector)
    return tasks


def _insurance_alert(deadline: InsuranceDeadline, as_of: datetime.date) -> Alert:
    reason = f"INSURANCE_{deadline.kind.value.upper()}"
    severity = AlertSeverity.CRITICAL if deadline.days_left <= 0 else AlertSeverity.WARNING
    return Alert(
        deadline.customer_id,
        on=as_of,
        reason=reason,
        severity=severity,
        figures={
            "item_id": deadline.item_id,
            "policy_id": deadline.policy_id,
            "deadline": deadline.deadline.isoformat(),
            "due_date": deadline.due_date.isoformat(),
            "amount": str(deadline.amount.amount),
            "currency": deadline.amount.currency,
            "days_left": deadline.days_left,
        },
        message=deadline.describe(),
        key=alert_key(
            reason, deadline.customer_id, deadline.item_id, deadline.deadline.isoformat()
        ),
    )


def insurance_alerts(
    desk: CreditDesk,
    as_of: datetime.date,
    *,
    customer_ids: Iterable[str] | None = None,
) -> tuple[Alert, ...]:
    """Raise an alert for each credit insurance deadline within its policy's ``warn_days``.

    For every insured customer, each overdue item's notification and claim deadline
    that is at most ``warn_days`` away (``warning``), due today or already passed
    (``critical``) becomes an :class:`~credkit.storage.Alert` with reason
    ``INSURANCE_NOTIFICATION`` or ``INSURANCE_CLAIM``, stored through the monitoring
    alerts (one per item and deadline, however often the run is repeated;
    acknowledged with :meth:`CreditDesk.acknowledge
    <credkit.desk.CreditDesk.acknowledge>`). Returns the alerts that were new.
    """
    check_date(as_of, "as_of")
    with desk.store.unit() as unit:
        ids = tuple(unit.customer_ids() if customer_ids is None else customer_ids)
    new: list[Alert] = []
    for customer_id in ids:

        def work(unit: Unit, customer_id: str = customer_id) -> list[Alert]:
            policy: InsurancePolicy | None = unit.insurance(customer_id)
            if policy is None:
                return []
            stored = []
            for deadline in desk_insurance_deadlines(unit, customer_id, as_of=as_of):
                if deadline.days_left > policy.warn_days:
                    continue
                alert = _insurance_alert(deadline, as_of)
                if unit.save_alert(alert):
                    stored.append(alert)
            return stored

        new += desk._atomic(work, customer_id)
    return tuple(new)
