"""Each collector's worklist: their customers in priority order, the last contact and the next step.

:func:`collector_worklist` takes the ranked :class:`~credkit.dunning.WorklistEntry`
values of :func:`~credkit.dunning.collection_worklist` and splits them per
collector (from the :class:`~credkit.dunning.CollectorAssignment` of each customer;
unassigned customers go to collector ``None``), numbering each collector's
customers from 1 in the worklist's order. Each :class:`CollectorTask` shows the
customer's last contact, the next step and its date, and the credit insurance
deadlines of the customer's overdue items.

The next step is the earliest of: the follow-up agreed at the last contact
(``next_contact_on``), the deadline of an open promise to pay, and a credit
insurance deadline that has not passed; each with what to do.

>>> from datetime import date
>>> from credkit.ledger import DocumentKind, OpenItem
>>> from credkit.money import Money
>>> from credkit.dunning import CollectorAssignment, ContactEntry, collection_worklist
>>> items = [OpenItem("I1", "C1", DocumentKind.INVOICE, date(2026, 1, 1), date(2026, 1, 31),
...                   Money.of("500.00", "EUR"))]
>>> entries = collection_worklist(items, as_of=date(2026, 3, 2))
>>> call = ContactEntry("K1", "C1", on=date(2026, 3, 1), kind="call", collector="ana",
...                     outcome="no_answer", next_contact_on=date(2026, 3, 4), next_step="call again")
>>> [task] = collector_worklist(entries, as_of=date(2026, 3, 2),
...     assignments=[CollectorAssignment("C1", "ana", since=date(2026, 1, 1))], contacts=[call])
>>> task.collector, task.rank, task.next_step, task.next_on
('ana', 1, 'call again', datetime.date(2026, 3, 4))
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import attrs

from credkit._validate import check_date, sequence
from credkit.dunning.contacts import CollectorAssignment, ContactEntry, last_contact
from credkit.dunning.insurance import InsuranceDeadline
from credkit.dunning.promises import PromiseToPay
from credkit.dunning.worklist import WorklistEntry

__all__ = ["CollectorTask", "collector_worklist"]


@attrs.frozen(kw_only=True)
class CollectorTask:
    """One customer on one collector's list: rank, worklist entry, last contact, next step.

    ``rank`` counts from 1 within ``collector`` (``None``: not assigned);
    ``next_step`` and ``next_on`` are what to do next and when (``None`` when nothing is
    scheduled); ``deadlines`` the customer's credit insurance deadlines.

    >>> CollectorTask.__name__
    'CollectorTask'
    """

    collector: str | None
    rank: int
    entry: WorklistEntry
    last_contact: ContactEntry | None
    next_step: str | None
    next_on: date | None
    deadlines: tuple[InsuranceDeadline, ...] = ()

    @property
    def customer_id(self) -> str:
        """The customer's id (from the worklist entry)."""
        return self.entry.customer_id


def _next(
    customer_id: str,
    contact: ContactEntry | None,
    promises: tuple[PromiseToPay, ...],
    deadlines: tuple[InsuranceDeadline, ...],
    as_of: date,
) -> tuple[str | None, date | None]:
    steps: list[tuple[date, str]] = []
    if contact is not None and contact.next_contact_on is not None:
        steps.append((contact.next_contact_on, contact.next_step or "contact again"))
    for promise in promises:
        if promise.customer_id == customer_id and promise.promised_for >= as_of:
            steps.append(
                (promise.promised_for, f"check promise {promise.id} of {promise.amount} is paid")
            )
    for deadline in deadlines:
        if not deadline.passed:
            what = (
                "notify the insurer of"
                if deadline.kind.value == "notification"
                else "file the claim for"
            )
            steps.append(
                (deadline.deadline, f"{what} {deadline.item_id} (policy {deadline.policy_id})")
            )
    if not steps:
        return None, None
    when, what = min(steps)
    return what, when


def collector_worklist(
    entries: Iterable[WorklistEntry],
    *,
    as_of: date,
    assignments: Iterable[CollectorAssignment] = (),
    contacts: Iterable[ContactEntry] = (),
    promises: Iterable[PromiseToPay] = (),
    deadlines: Iterable[InsuranceDeadline] = (),
) -> tuple[CollectorTask, ...]:
    """The worklist split per collector, each ranked from 1 (see the module).

    Assignments dated after ``as_of`` are ignored; of several for a customer, the
    latest on or before ``as_of`` counts. Tasks come by collector (``None`` last),
    then rank.

    >>> from datetime import date
    >>> collector_worklist([], as_of=date(2026, 3, 2))
    ()
    """
    check_date(as_of, "as_of")
    ranked = sorted(sequence(entries, WorklistEntry, "entries"), key=lambda e: e.rank)
    owner: dict[str, tuple[date, str]] = {}
    for assignment in sequence(assignments, CollectorAssignment, "assignments"):
        if assignment.since <= as_of:
            seen = owner.get(assignment.customer_id)
            if seen is None or assignment.since >= seen[0]:
                owner[assignment.customer_id] = (assignment.since, assignment.collector)
    contact_list = sequence(contacts, ContactEntry, "contacts")
    promise_list = sequence(promises, PromiseToPay, "promises")
    deadline_list = sequence(deadlines, InsuranceDeadline, "deadlines")
    counters: dict[str | None, int] = {}
    tasks: list[CollectorTask] = []
    for entry in ranked:
        customer_id = entry.customer_id
        collector = owner[customer_id][1] if customer_id in owner else None
        counters[collector] = counters.get(collector, 0) + 1
        contact = last_contact(contact_list, customer_id, as_of=as_of)
        own = tuple(d for d in deadline_list if d.customer_id == customer_id)
        step, when = _next(customer_id, contact, promise_list, own, as_of)
        tasks.append(
            CollectorTask(
                collector=collector,
                rank=counters[collector],
                entry=entry,
                last_contact=contact,
                next_step=step,
                next_on=when,
                deadlines=own,
            )
        )
    tasks.sort(key=lambda t: (t.collector is None, t.collector or "", t.rank))
    return tuple(tasks)
