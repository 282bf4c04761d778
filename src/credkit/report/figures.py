"""The figures of the portfolio report, gathered from what credkit already computes.

:func:`portfolio_report` reads a store (or a ledger and its limits, which it puts
into a :class:`~credkit.storage.MemoryStore` first) as of a date and returns a
:class:`PortfolioReport`, an immutable value that :func:`credkit.report.render_html`
turns into a page. Nothing is computed here that credkit does not compute elsewhere:

- aging per currency: :func:`credkit.aging.age` over the whole book;
- DSO and CEI per month: :func:`credkit.kpi.monthly_series` (the 12 calendar months
  up to the as-of date);
- exposure against limits by risk class: each customer's limit in force
  (:func:`credkit.storage.limit_in_force`), its exposure as the credit desk builds it
  (:func:`credkit.policy.build_profile`: open receivables plus reserved orders), and
  its risk class from the store's score snapshot as of the date (or ``risk_classes``);
- the top deteriorating payers: :func:`credkit.kpi.most_deteriorated` over
  :func:`credkit.kpi.single_currency_behaviour` of the settled invoices (customers
  paid in several currencies are left out, and a note names them);
- holds: the desk's held orders (:meth:`credkit.storage.OrderRecords.held_orders`),
  with the texts of :data:`credkit.policy.rules.REASONS`;
- alerts: every monitoring detector as of the date
  (:func:`credkit.desk.monitor.customer_alerts`, which reads the store and never
  writes it), with the acknowledgement of those stored on or before the date (an
  alert's key stays the same from day to day), and the texts of
  :data:`credkit.desk.monitor.REASONS`;
- the worklist: :func:`credkit.dunning.collection_worklist` per currency, with the
  payment behaviour, risk classes, promises and blocks.

The store is only read: making the report changes nothing in it.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Final

import attrs

from credkit._validate import check_date
from credkit.aging import AgingReport, age
from credkit.desk import CreditDesk, MonitorConfig, default_monitor_config
from credkit.desk.monitor import REASONS as MONITOR_REASONS
from credkit.desk.monitor import customer_alerts
from credkit.dunning import Block, PromiseToPay, WorklistEntry, collection_worklist
from credkit.errors import CredkitError, ValidationError
from credkit.fx import RateSource, convert
from credkit.kpi import (
    KPIReport,
    PaymentTrend,
    monthly_series,
    most_deteriorated,
    single_currency_behaviour,
    window_start,
)
from credkit.ledger import Allocation, CreditNote, Customer, Document, Invoice, Ledger, Payment
from credkit.limits import CreditLimit
from credkit.money import Money
from credkit.policy import Policy, PolicyEntry, build_profile
from credkit.policy.rules import REASONS as POLICY_REASONS
from credkit.policy.rules import StaticLimit
from credkit.storage import Alert, MemoryStore, OrderRecord, Store, limit_in_force
from credkit.storage._ledger import add_ledger

__all__ = [
    "SNAPSHOTS",
    "UNRATED",
    "ExposureLine",
    "Hold",
    "PortfolioReport",
    "portfolio_report",
]

UNRATED: Final = "unrated"
"""The risk class of customers without a score snapshot (or an entry in ``risk_classes``)."""

SNAPSHOTS: Final = "the store's score snapshots"
"""Where the risk classes of :attr:`PortfolioReport.risk_class_sources` come from when
the store's score snapshots give them."""


@attrs.frozen
class ExposureLine:
    """The customers of one risk class and currency: their limits against their exposure.

    Per customer, the exposure within its limit, over it, the limit left unused, and
    the exposure of customers with no limit in force; these four are summed over the
    class. ``exposure`` is the sum of the customers' exposures as the desk builds them
    (a negative exposure, a customer in credit, counts in ``exposure`` but in none of
    the four parts).

    >>> line = ExposureLine("B", "EUR", customers=2, limit=Money.of(100, "EUR"),
    ...                     exposure=Money.of(130, "EUR"), within=Money.of(90, "EUR"),
    ...                     over=Money.of(40, "EUR"), unused=Money.of(10, "EUR"),
    ...                     unlimited=Money.zero("EUR"))
    >>> str(line.within + line.over + line.unlimited)
    '130 EUR'
    """

    risk_class: str
    currency: str
    customers: int = attrs.field(kw_only=True)
    limit: Money = attrs.field(kw_only=True)
    exposure: Money = attrs.field(kw_only=True)
    within: Money = attrs.field(kw_only=True)
    over: Money = attrs.field(kw_only=True)
    unused: Money = attrs.field(kw_only=True)
    unlimited: Money = attrs.field(kw_only=True)


@attrs.frozen
class Hold:
    """A held order and what its reason codes mean (``(code, text)`` pairs).

    >>> from credkit.storage import OrderStatus
    >>> record = OrderRecord("SO-1", "C1", Money.of(500, "EUR"), order_date=datetime.date(2026, 5, 4),
    ...                      status=OrderStatus.HELD, codes=("NO_LIMIT",),
    ...                      decided_on=datetime.date(2026, 5, 4), entry=1)
    >>> Hold(record, reasons=(("NO_LIMIT", "the customer has no credit limit"),)).order.order_id
    'SO-1'
    """

    order: OrderRecord
    reasons: tuple[tuple[str, str], ...] = attrs.field(kw_only=True)


@attrs.frozen
class PortfolioReport:
    """Everything the portfolio report shows, as of ``as_of``; see :func:`portfolio_report`.

    - ``customers``: every customer, for the names beside ids (:meth:`name`);
    - ``aging``: the book aged as of ``as_of`` (its ``totals`` are per currency);
    - ``kpis``: one :class:`~credkit.kpi.KPIReport` per month, oldest first;
    - ``exposure``: :class:`ExposureLine` per risk class and currency;
    - ``deteriorating``: the customers whose payment deteriorated most, worst first;
    - ``holds``: the held orders, oldest first; ``alerts``: the monitor's alerts as
      of ``as_of``, most severe first;
    - ``worklist``: the top of the collection worklist of each currency;
    - ``risk_class_sources``: where the customers' risk classes come from, as
      ``(source, customers)`` pairs: the ``risk_classes`` given (named by
      ``risk_classes_from``), :data:`SNAPSHOTS`, or :data:`UNRATED`;
    - ``reasons``: what the alerts' reason codes mean, ``(code, text)`` pairs from the
      monitor's table (:data:`credkit.desk.monitor.REASONS`; :meth:`reason` looks one
      up); a hold carries its own texts, from the rules' table
      (:data:`credkit.policy.rules.REASONS`); ``notes``: what the figures leave out.

    >>> report = portfolio_report(Ledger(), as_of=datetime.date(2026, 3, 31))
    >>> report.as_of, len(report.kpis), report.aging.totals, report.holds
    (datetime.date(2026, 3, 31), 12, (), ())
    """

    as_of: datetime.date
    customers: tuple[Customer, ...] = attrs.field(kw_only=True)
    aging: AgingReport = attrs.field(kw_only=True)
    kpis: tuple[KPIReport, ...] = attrs.field(kw_only=True)
    exposure: tuple[ExposureLine, ...] = attrs.field(kw_only=True)
    deteriorating: tuple[PaymentTrend, ...] = attrs.field(kw_only=True)
    holds: tuple[Hold, ...] = attrs.field(kw_only=True)
    # an Alert's figures are a dict, so alerts stay out of the hash (they still count
    # for equality): a report is hashable like credkit's other values
    alerts: tuple[Alert, ...] = attrs.field(kw_only=True, hash=False)
    worklist: tuple[WorklistEntry, ...] = attrs.field(kw_only=True)
    risk_class_sources: tuple[tuple[str, int], ...] = attrs.field(kw_only=True, default=())
    reasons: tuple[tuple[str, str], ...] = attrs.field(kw_only=True, default=())
    notes: tuple[str, ...] = attrs.field(kw_only=True, default=())

    def reason(self, code: str) -> str:
        """What the alert reason ``code`` means ('' for a code the report has no text for).

        >>> report = portfolio_report(Ledger(), as_of=datetime.date(2026, 3, 31))
        >>> report.reason("OVER_LIMIT"), report.reason("NO_SUCH_CODE")
        ('the exposure is more than the limit in force', '')
        """
        return dict(self.reasons).get(code, "")

    def name(self, customer_id: str) -> str:
        """The customer's name ('' for an id the report does not know).

        >>> from credkit.ledger import Customer
        >>> report = portfolio_report(
        ...     Ledger(customers=[Customer("C1", "Acme", country="DE", currency="EUR")]),
        ...     as_of=datetime.date(2026, 3, 31))
        >>> report.name("C1"), report.name("C9")
        ('Acme', '')
        """
        for customer in self.customers:
            if customer.id == customer_id:
                return customer.name
        return ""


# -- gathering ------------------------------------------------------------------------

_PLACEHOLDER = Policy("report", version="1", rules=[PolicyEntry(StaticLimit())])


def _store_of(ledger: Ledger, limits: Iterable[CreditLimit]) -> MemoryStore:
    store = MemoryStore()
    with store.unit() as unit:
        add_ledger(unit, ledger)
        for limit in limits:
            unit.add_limit(limit)
    return store


@attrs.define
class _Tally:
    customers: int = 0
    limit: Decimal = Decimal(0)
    exposure: Decimal = Decimal(0)
    within: Decimal = Decimal(0)
    over: Decimal = Decimal(0)
    unused: Decimal = Decimal(0)
    unlimited: Decimal = Decimal(0)

    def add(self, exposure: Decimal, limit: Decimal | None) -> None:
        self.customers += 1
        self.exposure += exposure
        drawn = max(exposure, Decimal(0))
        if limit is None:
            self.unlimited += drawn
            return
        self.limit += limit
        self.within += min(drawn, limit)
        self.over += max(drawn - limit, Decimal(0))
        self.unused += max(limit - drawn, Decimal(0))

    def line(self, risk_class: str, currency: str) -> ExposureLine:
        def money(amount: Decimal) -> Money:
            return Money(amount, currency)

        return ExposureLine(
            risk_class,
            currency,
            customers=self.customers,
            limit=money(self.limit),
            exposure=money(self.exposure),
            within=money(self.within),
            over=money(self.over),
            unused=money(self.unused),
            unlimited=money(self.unlimited),
        )


def _risk_order(risk_class: str) -> tuple[int, str]:
    return (risk_class == UNRATED, risk_class)


def portfolio_report(
    source: Store | Ledger,
    *,
    as_of: datetime.date,
    limits: Iterable[CreditLimit] = (),
    risk_classes: Mapping[str, str] | None = None,
    risk_classes_from: str | None = None,
    reasons: Mapping[str, str] | None = None,
    monitor_config: MonitorConfig | None = None,
    rates: RateSource | None = None,
    months: int = 12,
    top: int = 10,
) -> PortfolioReport:
    """The figures of the portfolio report of ``source`` as of ``as_of`` (see the module).

    ``source`` is a store (a :class:`~credkit.storage.MemoryStore`, an
    :class:`~credkit.storage.sql.SQLStore` or a host's own), read and never written, or
    a :class:`~credkit.ledger.Ledger` with its ``limits`` (a ledger has no held orders
    or snapshots). ``risk_classes`` maps customer ids to risk classes and wins over
    the store's score snapshots; customers with neither are :data:`UNRATED`.
    ``risk_classes_from`` says where ``risk_classes`` come from (a file name, say), for
    the report's :attr:`~PortfolioReport.risk_class_sources`.
    A held order's reason codes are explained by the built-in rules' texts
    (:data:`credkit.policy.rules.REASONS`), an alert's by the monitor's
    (:data:`credkit.desk.monitor.REASONS`); ``reasons`` adds texts for the codes of a
    host's own rules. ``rates`` converts reserved orders in another currency than
    the customer's limit. ``months`` is the length of the DSO and CEI trend and
    ``top`` the number of deteriorating payers and worklist entries per currency.

    >>> from credkit.ledger import Customer, Invoice
    >>> ledger = Ledger(
    ...     customers=[Customer("C1", "Acme", country="DE", currency="EUR")],
    ...     invoices=[Invoice("I1", "C1", datetime.date(2026, 1, 5), datetime.date(2026, 2, 4),
    ...                       Money.of("1200.00", "EUR"))],
    ... )
    >>> report = portfolio_report(ledger, as_of=datetime.date(2026, 3, 31))
    >>> str(report.aging.total("EUR").total), report.worklist[0].customer_id
    ('1200.00 EUR', 'C1')
    >>> [(line.risk_class, str(line.unlimited)) for line in report.exposure]
    [('unrated', '1200.00 EUR')]
    """
    as_of = check_date(as_of, "as_of")
    try:  # the payment behaviour looks back furthest: its window before as_of
        window_start(as_of)
    except ValidationError:
        raise ValidationError(
            f"as_of: {as_of.isoformat()} is too early; the report looks back 24 months "
            "for payment behaviour, to before the first day credkit supports (0001-01-01)"
        ) from None
    if isinstance(top, bool) or not isinstance(top, int) or top < 1:
        raise ValidationError(f"top: expected a whole number of 1 or more, got {top!r}")
    if isinstance(source, Ledger):
        store: Store = _store_of(source, limits)
    elif isinstance(source, Store):
        store = source
        if limits:
            raise ValidationError("limits: a store holds its own limits; pass limits with a ledger")
    else:
        raise ValidationError(f"source: expected a Store or a Ledger, got {type(source).__name__}")
    desk = CreditDesk(store, _PLACEHOLDER, rates=rates)
    config = default_monitor_config() if monitor_config is None else monitor_config
    hold_texts = {**POLICY_REASONS, **(reasons or {})}
    notes: list[str] = []
    customers: dict[str, Customer] = {}
    documents: dict[str, Document] = {}
    allocations: dict[Allocation, None] = {}
    groups: dict[str, Ledger] = {}
    classes: dict[str, str] = {}
    given_from = risk_classes_from or "the risk classes given"
    sources: dict[str, int] = dict.fromkeys((given_from, SNAPSHOTS, UNRATED), 0)
    tallies: dict[tuple[str, str], _Tally] = defaultdict(_Tally)
    alerts: list[Alert] = []
    promises: list[PromiseToPay] = []
    blocks: list[Block] = []
    with store.unit() as unit:
        ids = unit.customer_ids()
        # every alert stored on or before the date: a key stays the same from day to
        # day, so an alert found again today may have been stored (and acknowledged) earlier
        stored = {a.key: a for a in unit.alerts() if a.on <= as_of}
        held = tuple(o for o in unit.held_orders() if o.decided_on <= as_of)
        for customer_id in ids:
            group = groups.get(customer_id)
            if group is None:  # a credit group is read once, for its first member
                group = unit.ledger(customer_id, as_of=as_of)
                groups.update(dict.fromkeys((c.id for c in group.customers), group))
                groups[customer_id] = group
                for member in group.customers:
                    customers.setdefault(member.id, member)
                batches: tuple[tuple[Document, ...], ...] = (
                    group.invoices,
                    group.credit_notes,
                    group.payments,
                )
                for batch in batches:
                    for document in batch:
                        documents.setdefault(document.id, document)
                allocations.update(dict.fromkeys(group.allocations))
            given = (risk_classes or {}).get(customer_id)
            snapshot = None if given else unit.snapshot(customer_id, as_of=as_of)
            if given:
                classes[customer_id] = given
                sources[given_from] += 1
            elif snapshot is not None and snapshot.risk_class:
                classes[customer_id] = snapshot.risk_class
                sources[SNAPSHOTS] += 1
            else:
                classes[customer_id] = UNRATED
                sources[UNRATED] += 1
            promises.extend(unit.promises(customer_id))
            blocks.extend(unit.blocks(customer_id))
            try:
                customer = unit.customer(customer_id)
                limit = limit_in_force(unit.limits(customer_id), as_of=as_of)
                currency = customer.currency if limit is None else limit.currency
                reserved = Money.zero(currency)
                for reservation in unit.reservations(customer_id):
                    amount = reservation.amount
                    if amount.currency != currency:
                        if rates is None:
                            raise ValidationError(
                                f"reservation {reservation.order_id!r} is in "
                                f"{amount.currency}, the limit in {currency}; converting "
                                "needs rates"
                            )
                        amount = convert(amount, currency, on=as_of, rates=rates)
                    reserved += amount
                profile = build_profile(
                    group,
                    customer_id,
                    as_of=as_of,
                    limit=limit,
                    currency=None if limit is not None else currency,
                    open_orders=reserved,
                    rates=rates,
                )
                found = customer_alerts(
                    desk,
                    unit,
                    customer_id,
                    as_of=as_of,
                    config=config,
                )
            except CredkitError as error:
                notes.append(f"Customer {customer_id} is left out of exposure and alerts: {error}")
                continue
            limit_amount = None if profile.limit is None else profile.limit.amount
            tallies[(classes[customer_id], profile.currency)].add(
                profile.exposure_amount, limit_amount
            )
            alerts.extend(stored.get(a.key, a) for a in found)
    ledger = Ledger(
        customers=list(customers.values()),
        invoices=[d for d in documents.values() if isinstance(d, Invoice)],
        credit_notes=[d for d in documents.values() if isinstance(d, CreditNote)],
        payments=[d for d in documents.values() if isinstance(d, Payment)],
        allocations=list(allocations),
    )
    behaviour, mixed = single_currency_behaviour(ledger.settlements(), as_of=as_of)
    if mixed:  # weighting them needs exchange rates
        notes.append(
            f"Payment behaviour leaves out {', '.join(mixed)}: paid in several currencies, "
            "which needs exchange rates."
        )
    overdue_currencies = sorted(
        {
            item.amount.currency
            for item in ledger.open_items(as_of)
            if item.amount.is_positive and item.due_date < as_of
        }
    )
    worklist: list[WorklistEntry] = []
    for currency in overdue_currencies:
        entries = collection_worklist(
            ledger,
            as_of=as_of,
            currency=currency,
            risk_classes={c: r for c, r in classes.items() if r != UNRATED},
            promises=promises,
            blocks=blocks,
            behaviour=behaviour,
        )
        worklist.extend(entries[:top])
    exposure = tuple(
        tally.line(risk_class, currency)
        for (risk_class, currency), tally in sorted(
            tallies.items(), key=lambda kv: (kv[0][1], _risk_order(kv[0][0]))
        )
    )
    return PortfolioReport(
        as_of,
        customers=tuple(customers.values()),
        aging=age(ledger, as_of=as_of),
        kpis=monthly_series(ledger, end=as_of, months=months),
        exposure=exposure,
        deteriorating=most_deteriorated(behaviour, limit=top),
        holds=tuple(
            Hold(o, reasons=tuple((code, hold_texts.get(code, "")) for code in o.codes))
            for o in held
        ),
        alerts=tuple(sorted(alerts, key=lambda a: (-a.severity.rank, a.customer_id, a.key))),
        worklist=tuple(worklist),
        risk_class_sources=tuple((where, n) for where, n in sources.items() if n),
        reasons=tuple(sorted(MONITOR_REASONS.items())),
        notes=tuple(notes),
    )
