"""The credit desk: order checks against a store, in one atomic step with the reservation.

:class:`CreditDesk` is where the pure core meets a store. For an order it opens one
unit of work that locks the customer and its credit group, reads what the check
needs (the group's ledger slice, the limit in force, open reservations, the dunning
level, the latest snapshot), builds the :class:`~credkit.policy.CreditProfile`, runs
:func:`~credkit.policy.check`, reserves the approved amount and appends the decision
to the customer's hash-chained audit log. Because the check and the reservation are
one unit, two orders checked at the same moment cannot both take the last headroom:
the approved exposure of a customer, and of its group, never exceeds the limit in
force plus what the policy tolerates.

Held orders wait in :meth:`CreditDesk.held_orders` until a user releases, rejects or
overrides them; those writes ask the :class:`~credkit.desk.access.Authorizer`, and an
amount over the limit needs the authority the desk's
:class:`~credkit.limits.ApprovalMatrix` gives for it (two approvers where it says
four eyes). Denied attempts are logged too.

What the desk reads, and how:

- **the group's documents** as its open items as of ``as_of``, when the unit sums
  them itself (:class:`~credkit.storage.OpenItemRecords`: ``MemoryStore`` and
  ``SQLStore`` do), otherwise (or when an open invoice is in instalments) as the
  group's ledger slice; both give the same profile, so the same decision;
- **the limit** is :func:`~credkit.storage.limit_in_force` of the customer's limits
  (kind ``internal``); a customer without one is refused
  (:class:`~credkit.errors.PolicyError`), never checked against an invented limit.
  In a credit group, the group limit is the limit in force of the group's top-most
  customer.
- **open orders** are the customer's reservations (other members' reservations count
  towards the group's exposure);
- **the dunning level** is the highest level sent, by ``as_of``, for an item still
  open;
- **payment index, trend, score and risk class** come from the latest
  :class:`~credkit.storage.Snapshot` on or before ``as_of``; its date is logged.

A unit that can read all of that at once (:class:`~credkit.storage.CheckPrefetch`:
``SQLStore``'s units read it in one statement) is told first which customer, order
and date the check is about; the answers are the same either way.

>>> from datetime import date
>>> from credkit import Money
>>> from credkit.ledger import Customer
>>> from credkit.limits import CreditLimit
>>> from credkit.policy import OrderRequest, Policy, PolicyEntry
>>> from credkit.policy.rules import GroupLimit, StaticLimit
>>> from credkit.storage import MemoryStore
>>> store = MemoryStore()
>>> with store.unit() as unit:
...     unit.add_customers([Customer("C1", "Acme GmbH", country="DE", currency="EUR")])
...     unit.add_limit(CreditLimit("C1", Money.of(1000, "EUR"), currency="EUR", valid_from=date(2026, 1, 1)))
1
True
>>> policy = Policy("standard", version="1", rules=[PolicyEntry(StaticLimit()), PolicyEntry(GroupLimit())])
>>> desk = CreditDesk(store, policy)
>>> first = desk.check_order(OrderRequest("SO-1", Money.of(800, "EUR"), order_date=date(2026, 5, 4), customer_id="C1"), as_of=date(2026, 5, 4))
>>> second = desk.check_order(OrderRequest("SO-2", Money.of(300, "EUR"), order_date=date(2026, 5, 4), customer_id="C1"), as_of=date(2026, 5, 4))
>>> first.outcome.value, second.outcome.value, [o.order_id for o in desk.held_orders()]
('approve', 'hold', ['SO-2'])
>>> desk.verify_log()
2
"""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

import attrs

from credkit._validate import check_date, check_text
from credkit.bureau import Bureau
from credkit.config import converter
from credkit.desk import collections as desk_collections
from credkit.desk import disputes as desk_disputes
from credkit.desk.access import Action, Authorizer, RoleTable
from credkit.desk.applications import (
    ApplicationPolicy,
    ApplicationResult,
    CreditApplication,
)
from credkit.desk.applications import apply as apply_application
from credkit.desk.backtest import Backtest, BacktestChange
from credkit.desk.bureau import BureauLookup, look_up
from credkit.desk.monitor import (
    MonitorConfig,
    MonitorRun,
    Notification,
    acknowledge_alert,
    notify,
    profile_flags,
    run_monitor,
)
from credkit.dunning import (
    CollectorAssignment,
    CollectorTask,
    Contact,
    ContactEntry,
    DunningAction,
    DunningLadder,
    InsurancePolicy,
    InterestRule,
    LadderSet,
    SendStatus,
)
from credkit.errors import (
    ConflictError,
    DuplicateRecordError,
    PermissionDenied,
    PolicyError,
    StorageError,
    ValidationError,
)
from credkit.fx import RateSource, convert
from credkit.ledger import CreditNote, Customer, DocumentKind, Invoice, Ledger, OpenItem, Payment
from credkit.limits import ApprovalMatrix, Approver, CreditLimit, LimitPolicy
from credkit.money import Money, MoneyTotals
from credkit.policy import (
    CreditProfile,
    Decision,
    OrderRequest,
    Outcome,
    Policy,
    PolicySet,
    build_profile,
    check,
)
from credkit.scoring import Scorecard
from credkit.storage import (
    DESK_CHAIN,
    Alert,
    AuditEntry,
    Dispute,
    DisputeResolution,
    OrderRecord,
    OrderStatus,
    Reservation,
    Store,
    Unit,
    atomic,
    limit_in_force,
    verify_chain,
)

__all__ = ["CreditDesk"]

_T = TypeVar("_T")

_STATUS = {
    Outcome.APPROVE: OrderStatus.APPROVED,
    Outcome.HOLD: OrderStatus.HELD,
    Outcome.REJECT: OrderStatus.REJECTED,
}


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def _order(value: object) -> OrderRequest:
    if not isinstance(value, OrderRequest):
        raise ValidationError(f"order: expected an OrderRequest, got {type(value).__name__}")
    if value.customer_id is None:
        raise ValidationError(
            f"order.customer_id: order {value.order_id!r} names no customer; the desk needs one"
        )
    return value


def _users(value: str | Sequence[str], field: str) -> tuple[str, ...]:
    users = (value,) if isinstance(value, str) else tuple(value)
    if not users:
        raise ValidationError(f"{field}: name at least one user")
    return tuple(check_text(user, field) for user in users)


def _writable(item: OpenItem) -> bool:
    """Whether a document of ``item``'s open amount can stand for it: not an instalment
    (a ledger numbers their keys from the whole schedule), an invoice open for a
    positive amount, a payment or credit note for a negative one."""
    if item.instalment is not None:
        return False
    if item.kind is DocumentKind.INVOICE:
        return item.amount.is_positive
    return item.amount.is_negative


def _open_ledger(members: Sequence[Customer], items: Sequence[OpenItem]) -> Ledger | None:
    """The group's open items as a ledger of documents of their open amounts (None if not).

    Each item becomes a document of what is open of it (an invoice with its due date
    and disputed flag, a payment or credit note of its unapplied amount), so the
    ledger's open items as of the same date have the amounts, kinds, dates, disputed
    flags and keys of ``items``: all that :func:`~credkit.policy.build_profile` and
    the dunning level read. Instalments (whose keys a ledger numbers from the whole
    schedule) and amounts of the wrong sign cannot be written so: None.
    """
    if not all(map(_writable, items)):
        return None
    invoices: list[Invoice] = []
    notes: list[CreditNote] = []
    payments: list[Payment] = []
    for item in items:
        if item.kind is DocumentKind.INVOICE:
            invoices.append(
                Invoice(
                    item.document_id,
                    item.customer_id,
                    item.issue_date,
                    item.due_date,
                    item.amount,
                    disputed=item.disputed,
                )
            )
        elif item.kind is DocumentKind.CREDIT_NOTE:
            notes.append(
                CreditNote(item.document_id, item.customer_id, item.issue_date, -item.amount)
            )
        else:
            payments.append(
                Payment(item.document_id, item.customer_id, item.issue_date, -item.amount)
            )
    return Ledger(customers=members, invoices=invoices, credit_notes=notes, payments=payments)


class _OpenLedger(Ledger):
    """The group's customers, with the open items of :func:`_open_ledger` as of ``as_of``.

    A credit check reads of the ledger only its customers, the group and the open
    items as of ``as_of`` (of the customer, of each member). The items the store
    summed are those answers but for ``original_amount``, which the ledger of open
    amounts cannot know and the profile does not read: they are given as they are,
    without building a document of each and reading it back. Asked about another
    date, ``open_items`` answers from that ledger, built then. It holds no documents
    otherwise: only the desk's profile reads it.
    """

    _open: tuple[datetime.date, tuple[OpenItem, ...], dict[str, list[OpenItem]]]
    _whole: Ledger | None

    def __init__(
        self, members: Sequence[Customer], items: Sequence[OpenItem], as_of: datetime.date
    ) -> None:
        super().__init__(customers=members)
        by_customer: dict[str, list[OpenItem]] = {}
        for item in items:
            by_customer.setdefault(item.customer_id, []).append(item)
        object.__setattr__(self, "_open", (as_of, tuple(items), by_customer))
        object.__setattr__(self, "_whole", None)

    def _ledger(self) -> Ledger:
        whole = self._whole
        if whole is None:
            whole = _open_ledger(self.customers, self._open[1])
            assert whole is not None  # _open_items checked the items
            object.__setattr__(self, "_whole", whole)
        return whole

    def open_items(
        self, as_of: datetime.date, *, customer_id: str | None = None
    ) -> tuple[OpenItem, ...]:
        day, items, by_customer = self._open
        if as_of != day:
            return self._ledger().open_items(as_of, customer_id=customer_id)
        if customer_id is None:
            return tuple(items)
        self.customer(customer_id)  # an unknown customer is refused, as the ledger does
        return tuple(by_customer.get(customer_id, ()))


def _open_items(
    members: Sequence[Customer], items: Sequence[OpenItem], as_of: datetime.date
) -> Ledger | None:
    """:class:`_OpenLedger` of ``items``, or None when :func:`_open_ledger` gives none."""
    if not all(map(_writable, items)):
        return None
    return _OpenLedger(members, items, as_of)


class CreditDesk:
    """Order checks, reservations, the held-order queue and the audit log over a store.

    ``policies`` is a :class:`~credkit.policy.Policy` or a
    :class:`~credkit.policy.PolicySet`; ``rates`` converts amounts in other currencies
    (reservations, groups in several currencies); ``authorizer`` says who may release,
    reject and override (default: a :class:`~credkit.desk.access.RoleTable` with no
    users, so nobody may); ``approvals`` says who may release how much over the
    limit (without it, only orders within the limit can be released); ``clock``
    gives the time written into the log (UTC); ``attempts`` is how often a unit is
    run again after a conflict (see :func:`~credkit.storage.atomic`); ``conflicts``
    counts those retries. ``bureau`` (best a :class:`~credkit.bureau.CachedBureau`)
    is asked about the customer before each check, outside the unit of work, under
    the subject id ``subject(customer_id)`` (default: the customer id); see
    :mod:`credkit.desk.bureau` for what reaches the profile and the log.
    ``overdue_margin_days`` and ``split_receivables`` are passed to
    :func:`~credkit.policy.build_profile` for every profile (OCA's maturity margin, and
    not-yet-due / overdue receivables each with a sub-limit); when set, the log's
    ``sources`` record them.

    >>> from credkit.policy import Policy, PolicyEntry
    >>> from credkit.policy.rules import StaticLimit
    >>> from credkit.storage import MemoryStore
    >>> desk = CreditDesk(MemoryStore(), Policy("p", version="1", rules=[PolicyEntry(StaticLimit())]),
    ...                   overdue_margin_days=5)
    >>> desk.overdue_margin_days, desk.split_receivables
    (5, False)
    """

    def __init__(
        self,
        store: Store,
        policies: Policy | PolicySet,
        *,
        rates: RateSource | None = None,
        authorizer: Authorizer | None = None,
        approvals: ApprovalMatrix | None = None,
        clock: Callable[[], datetime.datetime] | None = None,
        attempts: int = 20,
        bureau: Bureau | None = None,
        subject: Callable[[str], str] | None = None,
        overdue_margin_days: int = 0,
        split_receivables: bool = False,
    ) -> None:
        if not isinstance(policies, Policy | PolicySet):
            raise ValidationError(
                f"policies: expected a Policy or a PolicySet, got {type(policies).__name__}"
            )
        self.store = store
        self.policies = policies
        self.rates = rates
        self.authorizer: Authorizer = RoleTable() if authorizer is None else authorizer
        self.approvals = approvals
        self.clock = _now if clock is None else clock
        self.attempts = attempts
        self.bureau = bureau
        self.subject = subject
        if isinstance(overdue_margin_days, bool) or not isinstance(overdue_margin_days, int):
            raise ValidationError(
                f"overdue_margin_days: expected a whole number of days, "
                f"got {type(overdue_margin_days).__name__} {overdue_margin_days!r}"
            )
        if overdue_margin_days < 0:
            raise ValidationError(
                f"overdue_margin_days: expected 0 or more days, got {overdue_margin_days}"
            )
        if not isinstance(split_receivables, bool):
            raise ValidationError(
                f"split_receivables: expected True or False, got {split_receivables!r}"
            )
        self.overdue_margin_days = overdue_margin_days
        self.split_receivables = split_receivables
        self.conflicts = 0
        self._counting = threading.Lock()

    def _atomic(self, work: Callable[[Unit], _T], customer_id: str) -> _T:
        return atomic(
            self.store, work, customer_id, attempts=self.attempts, on_conflict=self._conflict
        )

    def _conflict(self, _: ConflictError) -> None:
        with self._counting:
            self.conflicts += 1

    # -- reading a profile ----------------------------------------------------------

    def _in(self, money: Money, currency: str, as_of: datetime.date, field: str) -> Money:
        if money.currency == currency:
            return money
        if self.rates is None:
            raise ValidationError(
                f"{field}: {money} is not in {currency}; give the desk rates to convert it"
            )
        return convert(money, currency, on=as_of, rates=self.rates)

    def _total(
        self, reservations: Iterable[Reservation], currency: str, as_of: datetime.date
    ) -> Money:
        totals = MoneyTotals.of(r.amount for r in reservations)
        return sum(
            (self._in(m, currency, as_of, "reservations") for m in totals.nonzero()),
            Money.zero(currency),
        )

    def _look_up(self, customer_id: str, as_of: datetime.date) -> BureauLookup | None:
        if self.bureau is None:
            return None
        return look_up(self.bureau, customer_id, as_of=as_of, subject=self.subject)

    @staticmethod
    def _slice(unit: Unit, customer_id: str, as_of: datetime.date) -> Ledger:
        """What the profile reads of the group's documents as of ``as_of``.

        From the unit's open items when it sums them itself
        (:class:`~credkit.storage.OpenItemRecords`), as a ledger of open amounts;
        otherwise, or when the items include instalments, the group's ledger slice.
        Both give the same profile.
        """
        # getattr, not isinstance: a check against a protocol inspects all its members
        # at every call, which costs more per order than the answer is worth
        open_items = getattr(unit, "open_items", None)
        if open_items is not None:
            items: Sequence[OpenItem] = open_items(customer_id, as_of=as_of)
            ledger = _open_items(unit.group(customer_id), items, as_of)
            if ledger is not None:
                return ledger
        return unit.ledger(customer_id, as_of=as_of)

    def _profile(
        self, unit: Unit, order: OrderRequest, as_of: datetime.date, bureau: BureauLookup | None
    ) -> tuple[CreditProfile, dict[str, Any]]:
        customer_id = order.customer_id
        assert customer_id is not None
        ledger = self._slice(unit, customer_id, as_of)
        # the snapshot first: a store may read what follows with it (SQLUnit does)
        snapshot = unit.snapshot(customer_id, as_of=as_of)
        limit = limit_in_force(unit.limits(customer_id), as_of=as_of)
        if limit is None:
            raise PolicyError(
                f"customer {customer_id!r} has no credit limit in force on {as_of}; store one "
                "before checking its orders (a CreditLimit with amount=None means no limit)"
            )
        currency = limit.currency
        members = [c.id for c in ledger.customers]
        root = members[0]
        group_limit = None
        group_other = None
        if len(members) > 1:
            root_limit = (
                limit if root == customer_id else limit_in_force(unit.limits(root), as_of=as_of)
            )
            if root_limit is not None and root_limit.amount is not None:
                group_limit = self._in(root_limit.amount, currency, as_of, "group limit")
                others = [r for m in members if m != customer_id for r in unit.reservations(m)]
                group_other = self._total(others, currency, as_of)
        own = [r for r in unit.reservations(customer_id) if r.order_id != order.order_id]
        open_invoices = [
            item.key  # dunning history is kept by item key (one per instalment)
            for item in ledger.open_items(as_of, customer_id=customer_id)
            if item.kind is DocumentKind.INVOICE
        ]
        level = 0
        if open_invoices:  # the dunning level is that of the open invoices
            history = unit.dunning_history(customer_id)
            level = max(history.reached(i, as_of=as_of)[0] for i in open_invoices)
        risk_class = None if snapshot is None else snapshot.risk_class
        if risk_class is None and bureau is not None:  # the bureau's class, on credkit's scale
            risk_class = bureau.risk_class
        watched = unit.watching(customer_id)
        flags = profile_flags(watched)
        profile = build_profile(
            ledger,
            customer_id,
            as_of=as_of,
            limit=limit,
            open_orders=self._total(own, currency, as_of),
            rates=self.rates,
            dunning_level=level,
            payment_index=None if snapshot is None else snapshot.payment_index,
            trend=None if snapshot is None else snapshot.trend,
            score=None if snapshot is None else snapshot.score,
            risk_class=risk_class,
            bureau=None if bureau is None else bureau.fields,
            group_limit=group_limit,
            blocked=flags["blocked"],
            watch_list=flags["watch_list"],
            group_other_exposure=group_other,
            overdue_margin_days=self.overdue_margin_days,
            split_receivables=self.split_receivables,
        )
        sources: dict[str, Any] = {
            "limit": {"kind": limit.kind.value, "valid_from": limit.valid_from.isoformat()},
            "snapshot_as_of": None if snapshot is None else snapshot.as_of.isoformat(),
            "reservations": len(own),
            "watch_list": None
            if watched is None
            else {"reason": watched.reason, "block_orders": watched.block_orders},
        }
        if bureau is not None:
            sources["bureau"] = dict(bureau.source)
        if self.overdue_margin_days or self.split_receivables:
            sources["profile_options"] = {
                "overdue_margin_days": self.overdue_margin_days,
                "split_receivables": self.split_receivables,
            }
        return profile, sources

    # -- the log --------------------------------------------------------------------

    def _log(
        self, unit: Unit, customer_id: str, event: str, user: str | None, **fields: Any
    ) -> AuditEntry:
        payload = {"event": event, "user": user, **fields}
        return unit.append(customer_id, event, payload, at=self.clock())

    def _decided(
        self,
        unit: Unit,
        event: str,
        decision: Decision,
        sources: Mapping[str, Any],
        user: str | None,
        **fields: Any,
    ) -> AuditEntry:
        order = decision.order
        policy = decision.policy
        assert order.customer_id is not None
        return self._log(
            unit,
            order.customer_id,
            event,
            user,
            order_id=order.order_id,
            outcome=decision.outcome.value,
            codes=list(decision.codes),
            fingerprint=decision.fingerprint,
            policy={"id": policy.id, "version": policy.version, "digest": policy.digest},
            profile=converter.unstructure(decision.profile),
            order=converter.unstructure(order),
            sources=dict(sources),
            **fields,
        )

    def _save(
        self,
        unit: Unit,
        order: OrderRequest,
        status: OrderStatus,
        codes: Sequence[str],
        as_of: datetime.date,
        entry: AuditEntry,
    ) -> None:
        assert order.customer_id is not None
        unit.save_order(
            OrderRecord(
                order.order_id,
                order.customer_id,
                order.amount,
                order_date=order.order_date,
                prepaid=order.prepaid,
                status=status,
                codes=tuple(codes),
                decided_on=as_of,
                entry=entry.sequence,
            )
        )

    def _hold_exposure(self, unit: Unit, order: OrderRequest, as_of: datetime.date) -> None:
        assert order.customer_id is not None
        if order.prepaid or not order.amount.is_positive:
            unit.release(order.order_id)
            return
        unit.reserve(
            Reservation(order.order_id, order.customer_id, order.amount, reserved_on=as_of)
        )

    # -- checking orders ------------------------------------------------------------

    def check_order(
        self,
        order: OrderRequest,
        *,
        as_of: datetime.date,
        user: str | None = None,
        dry_run: bool = False,
    ) -> Decision:
        """Check ``order`` against its customer's records, reserve it if approved, log it.

        With ``dry_run`` the order is checked the same way but nothing is reserved,
        logged or queued (an order already decided is checked afresh, not replayed).

        An order already decided is not decided again: the same order (amount, date,
        customer) returns the logged decision replayed; a different one under the
        same id is refused (:class:`~credkit.errors.DuplicateRecordError`; use
        :meth:`order_changed`). Deadlocks and other conflicts are retried.
        """
        order = _order(order)
        check_date(as_of, "as_of")
        customer_id = order.customer_id
        assert customer_id is not None
        bureau = self._look_up(customer_id, as_of)

        def work(unit: Unit) -> Decision:
            prefetch = getattr(unit, "prefetch_check", None)  # CheckPrefetch, optional
            if prefetch is not None:
                prefetch(customer_id, order_id=order.order_id, as_of=as_of)
            stored = None if dry_run else unit.order(order.order_id)
            if stored is not None:
                return self._replay(unit, stored, order)
            profile, sources = self._profile(unit, order, as_of, bureau)
            decision = check(profile, order, self.policies)
            if dry_run:
                return decision
            if decision.outcome is Outcome.APPROVE:
                self._hold_exposure(unit, order, as_of)
            else:  # an open order stored before the desk saw it holds nothing once held
                unit.release(order.order_id)
            entry = self._decided(unit, "decision", decision, sources, user)
            self._save(unit, order, _STATUS[decision.outcome], decision.codes, as_of, entry)
            return decision

        return self._atomic(work, customer_id)

    def _replay(self, unit: Unit, stored: OrderRecord, order: OrderRequest) -> Decision:
        same = (stored.customer_id, stored.amount, stored.order_date, stored.prepaid) == (
            order.customer_id,
            order.amount,
            order.order_date,
            order.prepaid,
        )
        if not same:
            raise DuplicateRecordError(
                f"order {order.order_id!r}: already decided with other values ({stored.amount}, "
                f"{stored.order_date}); use order_changed() for a changed order"
            )
        entry = next(
            (
                e
                for e in unit.audit_log(stored.customer_id)
                if e.kind == "decision" and e.payload.get("order_id") == order.order_id
            ),
            None,
        )
        if entry is None:
            raise StorageError(
                f"audit log of {stored.customer_id!r}: order {order.order_id!r} is stored but "
                "its decision is not in the log (run verify_log)"
            )
        profile, logged_order = self._inputs(entry)
        decision = check(profile, logged_order, self.policies)
        logged = entry.payload["policy"]
        if (decision.outcome.value, list(decision.codes), decision.policy.digest) != (
            entry.payload["outcome"],
            entry.payload["codes"],
            logged["digest"],
        ):
            raise PolicyError(
                f"order {order.order_id!r} was decided in audit entry {entry.sequence} under "
                f"policy {logged['id']!r} version {logged['version']}, which the desk no longer "
                "uses; read that decision from the audit log"
            )
        return decision

    @staticmethod
    def _inputs(entry: AuditEntry) -> tuple[CreditProfile, OrderRequest]:
        """The profile and the order a logged decision was made on."""
        profile = converter.structure(entry.payload["profile"], CreditProfile)
        order = converter.structure(entry.payload["order"], OrderRequest)
        return profile, order

    def order_changed(
        self, order: OrderRequest, *, as_of: datetime.date, user: str | None = None
    ) -> Decision:
        """Check a changed order again, in place of its earlier decision.

        The order's own reservation does not count against it; if the new decision
        approves, the reservation takes the new amount, otherwise it is released and
        the order waits in the queue (held) or is rejected.
        """
        order = _order(order)
        check_date(as_of, "as_of")
        customer_id = order.customer_id
        assert customer_id is not None
        bureau = self._look_up(customer_id, as_of)

        def work(unit: Unit) -> Decision:
            stored = self._stored(unit, order.order_id, customer_id)
            if stored.status in (OrderStatus.INVOICED, OrderStatus.CANCELLED):
                raise ValidationError(
                    f"order {order.order_id!r} is {stored.status.value}; it cannot change"
                )
            profile, sources = self._profile(unit, order, as_of, bureau)
            decision = check(profile, order, self.policies)
            if decision.outcome is Outcome.APPROVE:
                self._hold_exposure(unit, order, as_of)
            else:
                unit.release(order.order_id)
            entry = self._decided(unit, "change", decision, sources, user)
            self._save(unit, order, _STATUS[decision.outcome], decision.codes, as_of, entry)
            return decision

        return self._atomic(work, customer_id)

    def _stored(self, unit: Unit, order_id: str, customer_id: str | None = None) -> OrderRecord:
        stored = unit.order(check_text(order_id, "order_id"))
        if stored is None:
            raise ValidationError(f"order_id: the desk has no order {order_id!r}")
        if customer_id is not None and stored.customer_id != customer_id:
            raise ValidationError(
                f"order.customer_id: order {order_id!r} belongs to {stored.customer_id!r}, "
                f"not {customer_id!r}"
            )
        return stored

    def _customer_of(self, order_id: str) -> str:
        with self.store.unit() as unit:
            return self._stored(unit, order_id).customer_id

    def _finish(
        self,
        order_id: str,
        status: OrderStatus,
        event: str,
        as_of: datetime.date,
        user: str | None,
        first: Callable[[Unit, OrderRecord], None] | None = None,
        **fields: Any,
    ) -> OrderRecord:
        check_date(as_of, "as_of")
        customer_id = self._customer_of(order_id)

        def work(unit: Unit) -> OrderRecord:
            stored = self._stored(unit, order_id)
            if stored.status in (OrderStatus.INVOICED, OrderStatus.CANCELLED):
                raise ValidationError(f"order {order_id!r} is {stored.status.value} already")
            if first is not None:
                first(unit, stored)
            unit.release(order_id)
            entry = self._log(unit, customer_id, event, user, order_id=order_id, **fields)
            record = attrs.evolve(stored, status=status, decided_on=as_of, entry=entry.sequence)
            unit.save_order(record)
            return record

        return self._atomic(work, customer_id)

    def order_invoiced(
        self, order_id: str, invoice: Invoice, *, user: str | None = None
    ) -> OrderRecord:
        """The order became ``invoice``: store the invoice and release the reservation, at once.

        The exposure moves from open orders to open receivables in one unit, so it is
        never counted twice nor lost.
        """
        if not isinstance(invoice, Invoice):
            raise ValidationError(f"invoice: expected an Invoice, got {type(invoice).__name__}")

        def add(unit: Unit, stored: OrderRecord) -> None:
            if invoice.customer_id != stored.customer_id:
                raise ValidationError(
                    f"invoice.customer_id: {invoice.customer_id!r} is not the order's customer "
                    f"{stored.customer_id!r}"
                )
            unit.add_documents([invoice])

        return self._finish(
            order_id,
            OrderStatus.INVOICED,
            "invoiced",
            invoice.issue_date,
            user,
            add,
            invoice_id=invoice.id,
        )

    def order_cancelled(
        self, order_id: str, *, as_of: datetime.date, user: str | None = None
    ) -> OrderRecord:
        """The order was cancelled: release its reservation and take it out of the queue."""
        return self._finish(order_id, OrderStatus.CANCELLED, "cancelled", as_of, user)

    # -- the held-order queue -------------------------------------------------------

    def held_orders(self) -> tuple[OrderRecord, ...]:
        """Every held order, oldest first."""
        with self.store.unit() as unit:
            return unit.held_orders()

    def _authorize(self, users: Sequence[str], action: Action, customer_id: str) -> None:
        for user in users:
            if not self.authorizer.allows(user, action, customer_id=customer_id):
                self._denied(customer_id, user, action, f"user {user!r} may not {action.value}")

    def _denied(self, customer_id: str, user: str, action: Action, message: str) -> None:
        def log(unit: Unit) -> None:
            self._log(unit, customer_id, "denied", user, action=action.value, message=message)

        self._atomic(log, customer_id)
        raise PermissionDenied(message)

    def _over_limit(self, decision: Decision) -> Money | None:
        """How far the order takes the customer, or its group, over its limit (the larger)."""
        profile = decision.profile
        amount = self._in(decision.order.amount, profile.currency, profile.as_of, "order.amount")
        overs = []
        if profile.available_credit is not None:
            overs.append(amount - profile.available_credit)
        if profile.group_limit is not None and profile.group_exposure is not None:
            overs.append(profile.group_exposure + amount - profile.group_limit)
        over = max(overs, key=lambda m: m.amount, default=None)
        return over if over is not None and over.is_positive else None

    def _refusal(
        self, users: Sequence[str], action: Action, over: Money, profile: CreditProfile
    ) -> tuple[str, str] | None:
        """Who may not approve ``over`` (the amount over the limit) and why; None if they may."""
        if self.approvals is None:
            return users[0], f"{over} over the limit needs an approval matrix; the desk has none"
        needed = 1
        for user in users:
            approver = Approver(user, roles=self.authorizer.roles_of(user))
            try:
                band = self.approvals.check_approver(
                    approver,
                    over,
                    risk_class=profile.risk_class,
                    on=profile.as_of,
                    rates=self.rates,
                    action=action.value,
                )
            except PermissionDenied as error:
                return user, error.message
            needed = band.approvals
        if len(set(users)) < needed:
            return users[0], (
                f"{over} over the limit needs {needed} different approvers, "
                f"got {len(set(users))} ({', '.join(sorted(set(users)))})"
            )
        return None

    def _resolve(
        self,
        order_id: str,
        users: str | Sequence[str],
        reason: str,
        as_of: datetime.date,
        action: Action,
        allowed: tuple[OrderStatus, ...],
    ) -> OrderRecord:
        approvers = _users(users, "users")
        check_text(reason, "reason")
        check_date(as_of, "as_of")
        customer_id = self._customer_of(order_id)
        self._authorize(approvers, action, customer_id)
        bureau = self._look_up(customer_id, as_of)

        def work(unit: Unit) -> tuple[OrderRecord | None, tuple[str, str] | None]:
            stored = self._stored(unit, order_id)
            if stored.status not in allowed:
                names = " or ".join(s.value for s in allowed)
                raise ValidationError(
                    f"order {order_id!r} is {stored.status.value}; only a {names} order can be "
                    f"{'released' if action is Action.RELEASE else 'overridden'}"
                )
            order = OrderRequest(
                stored.order_id,
                stored.amount,
                order_date=stored.order_date,
                prepaid=stored.prepaid,
                customer_id=stored.customer_id,
            )
            profile, sources = self._profile(unit, order, as_of, bureau)
            decision = check(profile, order, self.policies)
            if decision.outcome is Outcome.REJECT and action is Action.RELEASE:
                raise PolicyError(
                    f"order {order_id!r} is now rejected by the policy "
                    f"({', '.join(decision.codes)}); reject it, or override it"
                )
            over = None if decision.outcome is Outcome.APPROVE else self._over_limit(decision)
            if over is not None:
                refusal = self._refusal(approvers, action, over, decision.profile)
                if refusal is not None:
                    return None, refusal  # nothing written; logged below, in its own unit
            self._hold_exposure(unit, order, as_of)
            entry = self._decided(
                unit,
                action.value,
                decision,
                sources,
                approvers[0],
                approvers=list(approvers),
                reason=reason,
                over_limit=None
                if over is None
                else {"amount": str(over.amount), "currency": over.currency},
            )
            self._save(unit, order, OrderStatus.APPROVED, decision.codes, as_of, entry)
            return unit.order(order_id), None

        record, refusal = self._atomic(work, customer_id)
        if refusal is not None:
            self._denied(customer_id, refusal[0], action, refusal[1])
        assert record is not None
        return record

    def release(
        self, order_id: str, *, users: str | Sequence[str], reason: str, as_of: datetime.date
    ) -> OrderRecord:
        """Release a held order: check it again against current exposure and reserve it.

        If it now passes, any user allowed to release it may. If it is still over the
        limit, ``users`` must together hold the authority the approval matrix gives for
        the amount over the limit (two different users where the band asks for four
        eyes). An order the policy now rejects cannot be released (only overridden).
        Returns the approved order; the log entry holds the re-check's decision, the
        approvers, the reason and the amount approved over the limit.
        """
        return self._resolve(order_id, users, reason, as_of, Action.RELEASE, (OrderStatus.HELD,))

    def override(
        self, order_id: str, *, users: str | Sequence[str], reason: str, as_of: datetime.date
    ) -> OrderRecord:
        """Approve a held or rejected order whatever the policy says, within the users' authority."""
        return self._resolve(
            order_id,
            users,
            reason,
            as_of,
            Action.OVERRIDE,
            (OrderStatus.HELD, OrderStatus.REJECTED),
        )

    def reject(self, order_id: str, *, user: str, reason: str, as_of: datetime.date) -> OrderRecord:
        """Reject a held order: it leaves the queue and holds nothing."""
        check_text(reason, "reason")
        customer_id = self._customer_of(order_id)
        self._authorize([check_text(user, "user")], Action.REJECT, customer_id)

        def held(_: Unit, stored: OrderRecord) -> None:
            if stored.status is not OrderStatus.HELD:
                raise ValidationError(
                    f"order {order_id!r} is {stored.status.value}; only a held order can be rejected"
                )

        return self._finish(
            order_id, OrderStatus.REJECTED, "reject", as_of, user, held, reason=reason
        )

    # -- limits ---------------------------------------------------------------------

    def set_limit(self, limit: CreditLimit, *, user: str) -> bool:
        """Store a new limit for a customer (logged); True if it was new."""
        if not isinstance(limit, CreditLimit):
            raise ValidationError(f"limit: expected a CreditLimit, got {type(limit).__name__}")
        self._authorize([check_text(user, "user")], Action.CHANGE_LIMIT, limit.customer_id)

        def work(unit: Unit) -> bool:
            added = unit.add_limit(limit)
            if added:
                self._log(
                    unit, limit.customer_id, "limit", user, limit=converter.unstructure(limit)
                )
            return added

        return self._atomic(work, limit.customer_id)

    # -- the desk's own chain: policies and anchors ------------------------------------

    def activate(self, policies: Policy | PolicySet, *, user: str) -> AuditEntry:
        """Make ``policies`` the desk's policies from now on, logged in the desk chain.

        Needs the ``activate_policy`` right; the entry records each policy's id, version
        and digest, so a decision can be matched to the policy that made it.
        """
        if not isinstance(policies, Policy | PolicySet):
            raise ValidationError(
                f"policies: expected a Policy or a PolicySet, got {type(policies).__name__}"
            )
        self._authorize([check_text(user, "user")], Action.ACTIVATE_POLICY, DESK_CHAIN)
        members = [policies] if isinstance(policies, Policy) else list(policies.policies)

        def log(unit: Unit) -> AuditEntry:
            return self._log(
                unit,
                DESK_CHAIN,
                "policy",
                user,
                id=policies.id,
                version=policies.version,
                policies=[{"id": p.id, "version": p.version, "digest": p.digest} for p in members],
            )

        entry = self._atomic(log, DESK_CHAIN)
        self.policies = policies
        return entry

    def anchor(self, *, user: str | None = None) -> AuditEntry:
        """Record every customer's chain head in the desk chain (run it, say, nightly).

        :meth:`verify_log` then finds a trailing entry deleted after the anchor (a
        denied attempt, a limit change: entries no order points to).
        """
        heads: dict[str, list[object]] = {}
        with self.store.unit() as unit:
            for customer_id in unit.customer_ids():
                entries = unit.audit_log(customer_id)
                if entries:
                    heads[customer_id] = [entries[-1].sequence, entries[-1].hash]
        return self._atomic(
            lambda unit: self._log(unit, DESK_CHAIN, "anchor", user, heads=heads), DESK_CHAIN
        )

    # -- the log --------------------------------------------------------------------

    def verify_log(self, customer_ids: Iterable[str] | None = None) -> int:
        """Re-check every customer's audit chain and that each order's entry is in it.

        Returns how many entries were checked; raises
        :class:`~credkit.errors.StorageError` naming the first bad entry: one edited,
        deleted, inserted or reordered (a deleted last entry is found through the
        order that points to it).
        """
        checked = 0
        with self.store.unit(DESK_CHAIN) as unit:
            desk_chain = unit.audit_log(DESK_CHAIN)
            if customer_ids is None:
                customer_ids = unit.customer_ids()
        checked += verify_chain(desk_chain)
        anchored: dict[str, list[tuple[int, str, int]]] = {}
        for entry in desk_chain:
            for customer_id, (sequence, digest) in entry.payload.get("heads", {}).items():
                anchored.setdefault(customer_id, []).append((sequence, digest, entry.sequence))
        for customer_id in tuple(customer_ids):
            # each customer inside its own locked unit: no check can write half-way through
            with self.store.unit(customer_id) as unit:
                entries = unit.audit_log(customer_id)
                checked += verify_chain(entries)
                last: dict[str, int] = {}
                for entry in entries:
                    order_id = entry.payload.get("order_id")
                    if isinstance(order_id, str) and entry.kind != "denied":
                        last[order_id] = entry.sequence
                hashes = {e.sequence: e.hash for e in entries}
                for sequence, digest, anchor in anchored.get(customer_id, ()):
                    if hashes.get(sequence) != digest:
                        raise StorageError(
                            f"audit log of {customer_id!r}: entry {sequence}, anchored in desk "
                            f"entry {anchor}, is gone or changed"
                        )
                for record in unit.orders(customer_id):
                    if last.get(record.order_id) != record.entry:
                        raise StorageError(
                            f"audit log of {customer_id!r}: order {record.order_id!r} was last "
                            f"decided in entry {record.entry}, but the log's last entry for it "
                            f"is {last.get(record.order_id)} (an entry was deleted or inserted)"
                        )
        return checked

    def backtest(
        self,
        policies: Policy | PolicySet,
        *,
        start: datetime.date,
        end: datetime.date,
        customer_ids: Iterable[str] | None = None,
    ) -> Backtest:
        """Replay the logged decisions dated ``start`` to ``end`` under ``policies``.

        Every decision's inputs (profile and order, as logged) are checked again; the
        result lists those whose outcome or reason codes would change.
        """
        check_date(start, "start")
        check_date(end, "end")
        changes: list[BacktestChange] = []
        replayed = 0
        with self.store.unit() as unit:
            ids = tuple(unit.customer_ids() if customer_ids is None else customer_ids)
            entries = [
                e for c in ids for e in unit.audit_log(c) if e.kind in ("decision", "change")
            ]
        for entry in entries:
            profile, order = self._inputs(entry)
            if not start <= profile.as_of <= end:
                continue
            replayed += 1
            after = check(profile, order, policies)
            logged = (entry.payload["outcome"], tuple(entry.payload["codes"]))
            if logged != (after.outcome.value, after.codes):
                changes.append(
                    BacktestChange(
                        order.order_id,
                        entry.customer_id,
                        as_of=profile.as_of,
                        amount=order.amount,
                        before=logged[0],
                        after=after.outcome.value,
                        codes_before=logged[1],
                        codes_after=after.codes,
                    )
                )
        return Backtest(
            policy_id=policies.id,
            policy_version=policies.version,
            decisions=replayed,
            changes=tuple(changes),
        )

    # -- monitoring (credkit.desk.monitor) ----------------------------------------------

    def monitor(
        self,
        as_of: datetime.date,
        *,
        config: MonitorConfig | None = None,
        customer_ids: Iterable[str] | None = None,
        bureau: Bureau | None = None,
        subjects: Mapping[str, str] | None = None,
    ) -> MonitorRun:
        """Run the monitor's detectors over the store as of ``as_of``; store new alerts once.

        See :func:`credkit.desk.monitor.run_monitor`; ``config`` defaults to
        :func:`~credkit.desk.monitor.default_monitor_config`; with a ``bureau``, rating
        downgrades and derogatory events are found too.
        """
        return run_monitor(
            self,
            as_of,
            config=config,
            customer_ids=customer_ids,
            bureau=bureau,
            subjects=subjects,
        )

    def notify(
        self,
        notifications: Notification | Iterable[Notification],
        *,
        config: MonitorConfig | None = None,
    ) -> MonitorRun:
        """Store pushed change events (a bureau's monitoring feed) as alerts, each once.

        See :func:`credkit.desk.monitor.notify`.
        """
        return notify(self, notifications, config=config)

    def acknowledge(self, key: str, *, user: str, note: str | None = None) -> Alert:
        """``user`` acknowledges the alert under ``key`` (the ``acknowledge`` right; logged).

        See :func:`credkit.desk.monitor.acknowledge_alert`.
        """
        return acknowledge_alert(self, key, user=user, note=note)

    # -- credit applications (credkit.desk.applications) --------------------------------

    def apply(
        self,
        application: CreditApplication,
        *,
        as_of: datetime.date,
        user: str,
        scorecard: Scorecard | None = None,
        limit_policy: LimitPolicy | None = None,
        policy: ApplicationPolicy | None = None,
    ) -> ApplicationResult:
        """Onboard ``application``: store the customer, bureau, score, recommend, request.

        The limit is not set: the result's request goes through its lifecycle and the
        approved limit through :meth:`set_limit`. See
        :func:`credkit.desk.applications.apply`.
        """
        return apply_application(
            self,
            application,
            as_of=as_of,
            user=user,
            scorecard=scorecard,
            limit_policy=limit_policy,
            policy=policy,
        )

    # -- collections (credkit.desk.collections, credkit.desk.disputes) ------------------

    def dunning_run(
        self,
        as_of: datetime.date,
        *,
        ladder: DunningLadder | LadderSet,
        customer_ids: Iterable[str] | None = None,
        contacts: Mapping[str, Contact] | None = None,
        interest: InterestRule | None = None,
        risk_classes: Mapping[str, str] | None = None,
        user: str | None = None,
    ) -> desk_collections.StoreDunningRun:
        """Propose today's reminders from what the store says was sent; store each once.

        See :func:`credkit.desk.collections.store_dunning_run`.
        """
        return desk_collections.store_dunning_run(
            self,
            as_of,
            ladder=ladder,
            customer_ids=customer_ids,
            contacts=contacts,
            interest=interest,
            risk_classes=risk_classes,
            user=user,
        )

    def record_sent(
        self,
        action: DunningAction | str,
        channel: str | None = None,
        status: SendStatus | str = SendStatus.SENT,
        *,
        on: datetime.date | None = None,
        user: str | None = None,
    ) -> desk_collections.SendResult:
        """Record that a proposed reminder was sent (or failed); book its charges when sent.

        See :func:`credkit.desk.collections.record_sent`.
        """
        return desk_collections.record_sent(
            self, action, status=status, channel=channel, on=on, user=user
        )

    def reverse_charge(
        self, document_id: str, *, customer_id: str, on: datetime.date, user: str, reason: str
    ) -> CreditNote:
        """Cancel a booked dunning charge with a credit note (the ``credit`` right; logged).

        See :func:`credkit.desk.collections.reverse_charge`.
        """
        return desk_collections.reverse_charge(
            self, document_id, customer_id=customer_id, on=on, user=user, reason=reason
        )

    def save_dispute(self, dispute: Dispute, *, user: str) -> Dispute | None:
        """Open or update a dispute case (logged). See :func:`credkit.desk.disputes.save_dispute`."""
        return desk_disputes.save_dispute(self, dispute, user=user)

    def resolve_dispute(
        self,
        dispute_id: str,
        *,
        customer_id: str,
        resolution: DisputeResolution | str,
        on: datetime.date,
        user: str,
        amount: Money | None = None,
        note: str | None = None,
    ) -> Dispute:
        """End a dispute by credit note, write-off or rejection; store and allocate the document.

        See :func:`credkit.desk.disputes.resolve_dispute`.
        """
        return desk_disputes.resolve_dispute(
            self,
            dispute_id,
            customer_id=customer_id,
            resolution=resolution,
            on=on,
            user=user,
            amount=amount,
            note=note,
        )

    def log_contact(self, entry: ContactEntry, *, user: str) -> bool:
        """Store a contact-log entry (logged when new); True if it was new."""
        check_text(user, "user")

        def work(unit: Unit) -> bool:
            added = unit.add_contact(entry)
            if added:
                self._log(
                    unit, entry.customer_id, "contact", user, contact=converter.unstructure(entry)
                )
            return added

        return self._atomic(work, entry.customer_id)

    def assign_collector(
        self, assignment: CollectorAssignment, *, user: str
    ) -> CollectorAssignment | None:
        """Make ``assignment`` the customer's collector (logged); return the one it replaced."""
        check_text(user, "user")

        def work(unit: Unit) -> CollectorAssignment | None:
            old = unit.assign_collector(assignment)
            self._log(
                unit,
                assignment.customer_id,
                "collector",
                user,
                collector=assignment.collector,
                since=assignment.since.isoformat(),
            )
            return old

        return self._atomic(work, assignment.customer_id)

    def insure(
        self, customer_id: str, policy: InsurancePolicy | None, *, user: str
    ) -> InsurancePolicy | None:
        """Put the customer under a credit insurance ``policy`` (None: none; logged)."""
        check_text(user, "user")

        def work(unit: Unit) -> InsurancePolicy | None:
            old = unit.insure(customer_id, policy)
            self._log(
                unit,
                customer_id,
                "insurance",
                user,
                policy=None if policy is None else converter.unstructure(policy),
            )
            return old

        return self._atomic(work, customer_id)

    def collector_worklist(
        self,
        as_of: datetime.date,
        *,
        currency: str | None = None,
        rates: RateSource | None = None,
        collector: str | None = None,
    ) -> tuple[CollectorTask, ...]:
        """Each collector's ranked customers with last contact, next step and insurance deadlines.

        See :func:`credkit.desk.collections.desk_collector_worklist`.
        """
        return desk_collections.desk_collector_worklist(
            self, as_of, currency=currency, rates=rates or self.rates, collector=collector
        )

    def insurance_alerts(
        self, as_of: datetime.date, *, customer_ids: Iterable[str] | None = None
    ) -> tuple[Alert, ...]:
        """Raise alerts for credit insurance deadlines about to pass; return the new ones.

        See :func:`credkit.desk.collections.insurance_alerts`.
        """
        return desk_collections.insurance_alerts(self, as_of, customer_ids=customer_ids)
