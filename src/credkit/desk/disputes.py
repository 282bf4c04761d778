"""Disputes and deductions through the desk: cases per item or part of one, resolved into documents.

A :class:`~credkit.storage.Dispute` contests ``amount`` of one open item: the whole
item or part of it. While it is open (or in review), that amount, and only that
amount, is held back from dunning and shown in aging's *disputed* column (see
:func:`~credkit.desk.collections.store_open_items`); the undisputed rest is dunned
as usual.

:func:`save_dispute` opens or updates a case (checked against the item's open
amount, logged ``dispute``); :func:`resolve_dispute` ends it:

* ``credit_note``: the customer was right; a credit note ``<dispute id>/credit`` of
  the disputed amount is stored and allocated to the item;
* ``write_off``: the same, with the credit note marked ``write_off``;
* ``customer_pays``: the claim is rejected; no document, the amount is owed and
  dunned again.

Both documents need the ``credit`` right of the desk's authorizer; everything is
logged (``dispute_resolved``) in the customer's audit log, in the same unit as the
documents. The ledger reconciles to the cent: the open balance before is the open
balance after plus the credit note. :func:`dispute_kpis` counts the cases, their
amounts and the average days to resolve, by reason.

>>> from datetime import date
>>> d = Dispute("D1", "C1", "I1", Money.of(100, "EUR"), reason="price", opened_on=date(2026, 3, 1),
...             status="resolved", resolved_on=date(2026, 3, 11), resolution="credit_note")
>>> [(k.reason, k.count, k.average_days_to_resolve) for k in dispute_kpis([d], as_of=date(2026, 4, 1))]
[('price', 1, Decimal('10.0')), ('*', 1, Decimal('10.0'))]
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING

import attrs

from credkit._validate import check_date, check_text, describe, sequence
from credkit.desk.access import Action
from credkit.errors import CurrencyMismatchError, ValidationError
from credkit.ledger import Allocation, CreditNote, DocumentKind
from credkit.money import Money, MoneyTotals
from credkit.storage import Dispute, DisputeResolution, DisputeStatus, Unit

if TYPE_CHECKING:
    from credkit.desk.desk import CreditDesk

__all__ = ["DisputeKPI", "dispute_kpis", "resolve_dispute", "save_dispute"]


def _open_amount(unit: Unit, dispute: Dispute, on: datetime.date) -> Money:
    ledger = unit.ledger(dispute.customer_id, as_of=on)
    found = [
        item.amount
        for item in ledger.open_items(on, customer_id=dispute.customer_id)
        if item.document_id == dispute.item_id and item.kind is DocumentKind.INVOICE
    ]
    if found:  # an invoice due in instalments is one open item per instalment
        return sum(found[1:], found[0])
    raise ValidationError(
        f"dispute.item_id: {dispute.item_id!r} is not an open invoice of "
        f"{dispute.customer_id!r} on {on.isoformat()}"
    )


def save_dispute(desk: CreditDesk, dispute: Dispute, *, user: str) -> Dispute | None:
    """Open or update a dispute case (logged ``dispute``); return the version it replaced.

    An open case must be about an open invoice of the customer, in its currency, for
    no more than is open of it on ``opened_on`` with the other open cases on it.
    """
    if not isinstance(dispute, Dispute):
        raise ValidationError(f"dispute: expected a Dispute, got {describe(dispute)}")
    check_text(user, "user")

    def work(unit: Unit) -> Dispute | None:
        if dispute.is_open:
            open_amount = _open_amount(unit, dispute, dispute.opened_on)
            if open_amount.currency != dispute.amount.currency:
                raise CurrencyMismatchError(
                    f"dispute.amount: {dispute.amount} is not in {open_amount.currency}, "
                    f"the currency of {dispute.item_id!r}"
                )
            others = sum(
                (
                    d.amount
                    for d in unit.disputes(dispute.customer_id)
                    if d.item_id == dispute.item_id and d.id != dispute.id and d.is_open
                ),
                Money.zero(open_amount.currency),
            )
            if dispute.amount + others > open_amount:
                raise ValidationError(
                    f"dispute.amount: {dispute.amount} with {others} already disputed is more "
                    f"than the {open_amount} open of {dispute.item_id!r}; dispute at most "
                    f"{open_amount - others}"
                )
        old = unit.save_dispute(dispute)
        desk._log(
            unit,
            dispute.customer_id,
            "dispute",
            user,
            dispute=dispute.id,
            item_id=dispute.item_id,
            amount=str(dispute.amount.amount),
            currency=dispute.amount.currency,
            reason=dispute.reason,
            status=dispute.status.value,
            owner=dispute.owner,
        )
        return old

    return desk._atomic(work, dispute.customer_id)


def _resolution(value: object) -> DisputeResolution:
    try:
        return value if isinstance(value, DisputeResolution) else DisputeResolution(value)
    except ValueError:
        accepted = ", ".join(repr(r.value) for r in DisputeResolution)
        raise ValidationError(
            f"resolution: expected one of {accepted}, got {describe(value)}"
        ) from None


def resolve_dispute(
    desk: CreditDesk,
    dispute_id: str,
    *,
    customer_id: str,
    resolution: DisputeResolution | str,
    on: datetime.date,
    user: str,
    amount: Money | None = None,
    note: str | None = None,
) -> Dispute:
    """End an open dispute on ``on``; store and allocate its credit note when it has one.

    ``amount`` is what the credit note credits (default: the disputed amount; at most
    what is open of the item). Returns the dispute as stored; resolving a dispute
    that is resolved already is refused.
    """
    check_text(dispute_id, "dispute_id")
    check_date(on, "on")
    ending = _resolution(resolution)
    check_text(user, "user")
    if ending is not DisputeResolution.CUSTOMER_PAYS:
        desk._authorize([user], Action.CREDIT, customer_id)

    def work(unit: Unit) -> Dispute:
        stored = {d.id: d for d in unit.disputes(customer_id)}.get(dispute_id)
        if stored is None:
            raise ValidationError(f"dispute_id: no dispute {dispute_id!r} of {customer_id!r}")
        if not stored.is_open:
            raise ValidationError(
                f"dispute_id: {dispute_id!r} is {stored.status.value} already "
                f"(on {stored.resolved_on}); nothing to resolve"
            )
        document_id = None
        credited = None
        if ending is not DisputeResolution.CUSTOMER_PAYS:
            open_amount = _open_amount(unit, stored, on)
            credited = stored.amount if amount is None else amount
            if not isinstance(credited, Money) or credited.currency != open_amount.currency:
                raise ValidationError(
                    f"amount: expected Money in {open_amount.currency}, got {describe(credited)}"
                )
            credited = min(credited, open_amount)
            document_id = f"{stored.id}/credit"
            credit_note = CreditNote(
                document_id,
                customer_id,
                on,
                credited,
                invoice_id=stored.item_id,
                write_off=ending is DisputeResolution.WRITE_OFF,
            )
            unit.add_documents([credit_note])
            unit.add_allocations([Allocation(document_id, stored.item_id, credited, on)])
        done = attrs.evolve(
            stored,
            status=DisputeStatus.WRITTEN_OFF
            if ending is DisputeResolution.WRITE_OFF
            else DisputeStatus.RESOLVED,
            resolved_on=on,
            resolution=ending,
            document_id=document_id,
            notes=stored.notes if note is None else (*stored.notes, note),
        )
        unit.save_dispute(done)
        desk._log(
            unit,
            customer_id,
            "dispute_resolved",
            user,
            dispute=dispute_id,
            item_id=stored.item_id,
            resolution=ending.value,
            credit_note=document_id,
            amount=None if credited is None else str(credited.amount),
            currency=stored.amount.currency,
            on=on.isoformat(),
            note=note,
        )
        return done

    return desk._atomic(work, customer_id)


@attrs.frozen(kw_only=True)
class DisputeKPI:
    """Dispute figures for one reason code (``"*"``: every reason together).

    ``count`` cases opened by the as-of date, ``open`` of them still open then;
    ``amounts`` and ``open_amounts`` per currency; ``resolved`` cases ended by then
    and ``average_days_to_resolve`` over those (``None`` when there are none).

    >>> DisputeKPI(reason="*", count=0, open=0, amounts=(), open_amounts=(), resolved=0,
    ...            average_days_to_resolve=None).reason
    '*'
    """

    reason: str
    count: int
    open: int
    amounts: tuple[Money, ...]
    open_amounts: tuple[Money, ...]
    resolved: int
    average_days_to_resolve: Decimal | None


def _average(days: list[Decimal]) -> Decimal | None:
    if not days:
        return None
    total = sum(days, Decimal(0))
    return (total / len(days)).quantize(Decimal("0.1"))


def _kpi(reason: str, cases: list[Dispute], as_of: datetime.date) -> DisputeKPI:
    ended = [
        d for d in cases if not d.is_open and d.resolved_on is not None and d.resolved_on <= as_of
    ]
    still = [d for d in cases if d not in ended]
    days = [Decimal((d.resolved_on - d.opened_on).days) for d in ended if d.resolved_on]
    return DisputeKPI(
        reason=reason,
        count=len(cases),
        open=len(still),
        amounts=tuple(MoneyTotals.of(d.amount for d in cases).nonzero()),
        open_amounts=tuple(MoneyTotals.of(d.amount for d in still).nonzero()),
        resolved=len(ended),
        average_days_to_resolve=_average(days),
    )


def dispute_kpis(disputes: Iterable[Dispute], *, as_of: datetime.date) -> tuple[DisputeKPI, ...]:
    """Count, amounts and average days to resolve of the disputes opened by ``as_of``, by reason.

    One :class:`DisputeKPI` per reason code (sorted), then one for every reason
    together (``"*"``). A case resolved after ``as_of`` counts as open.

    >>> from datetime import date
    >>> [k.reason for k in dispute_kpis([], as_of=date(2026, 1, 1))]
    ['*']
    """
    check_date(as_of, "as_of")
    cases = [d for d in sequence(disputes, Dispute, "disputes") if d.opened_on <= as_of]
    by_reason: dict[str, list[Dispute]] = defaultdict(list)
    for case in cases:
        by_reason[case.reason].append(case)
    result = [_kpi(reason, by_reason[reason], as_of) for reason in sorted(by_reason)]
    result.append(_kpi("*", cases, as_of))
    return tuple(result)
