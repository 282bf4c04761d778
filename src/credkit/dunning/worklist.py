"""The collection worklist: overdue customers in the order a collector should call them.

:func:`collection_worklist` ranks customers with overdue, undisputed, unblocked
items by a priority that is written down and explained on every entry:

    priority = age-weighted amount at risk x risk weight x (1 + broken promises)
               x behaviour weight

* **Amount at risk, weighted by age**: each overdue item's open amount times its
  age weight, 1 for 1-30 days overdue, 2 for 31-60, 3 for 61-90 and 4 beyond 90
  (older debt is harder to collect), less the customer's unapplied credits.
  Customers whose overdue amount is covered by their credits are left out.
* **Risk weight**: when the host passes ``risk_classes`` (by customer) and
  ``risk_weights`` (by class), the class's weight; 1 otherwise.
* **Broken promises**: each promise to pay that was broken or only partly kept
  by ``as_of`` multiplies the priority once more (one broken promise doubles it).
* **Behaviour weight**: when the host passes ``behaviour`` (by customer, what
  :func:`credkit.kpi.payment_behaviour` returns), :func:`behaviour_weight`:
  1 plus 1 % for each point of the customer's payment index (rounded to one
  decimal) below 80, the index of payment within terms, plus 25 % when the
  payment trend is deteriorating. A customer with
  :class:`~credkit.kpi.InsufficientData`, or not in ``behaviour``, weighs 1. So
  an index of 50 (about 30 days beyond terms) with a deteriorating trend weighs
  1 + 0.30 + 0.25 = 1.55. Without ``behaviour`` every weight is 1 and the
  behaviour adds no reasons.

Ties go to the customer with the oldest overdue item, then to the lower customer
id, so the order is deterministic. Amounts in several currencies are ranked in
one currency: pass ``currency`` and ``rates`` (a :class:`~credkit.fx.RateSource`)
to convert them at ``as_of``, or ``currency`` alone to rank only the items in that
currency; credkit never adds two currencies without a rate.

>>> from datetime import date, timedelta
>>> from credkit.ledger import DocumentKind, OpenItem
>>> def item(i, c, days, amount):
...     due = date(2026, 3, 31) - timedelta(days=days)
...     return OpenItem(i, c, DocumentKind.INVOICE, due, due, Money.of(amount, "EUR"))
>>> items = [item("I1", "C1", 10, "3000.00"), item("I2", "C2", 95, "1000.00")]
>>> ranked = collection_worklist(items, as_of=date(2026, 3, 31))
>>> [(e.rank, e.customer_id, str(e.priority)) for e in ranked]
[(1, 'C2', '4000.00 EUR'), (2, 'C1', '3000.00 EUR')]
>>> ranked[0].reasons[0]
'overdue 1000.00 EUR, weighted by age 4000.00 EUR'
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal

import attrs

from credkit._validate import check_date, sequence
from credkit.dunning.blocks import Block
from credkit.dunning.promises import PromiseStatus, PromiseToPay
from credkit.errors import ValidationError
from credkit.fx import RateSource, convert
from credkit.kpi import InsufficientData, PaymentBehaviour, TrendDirection
from credkit.ledger import Ledger, OpenItem, Payment
from credkit.money import Money, to_decimal

__all__ = [
    "AGE_WEIGHTS",
    "WorklistEntry",
    "age_weight",
    "behaviour_weight",
    "collection_worklist",
]

AGE_WEIGHTS = ((30, 1), (60, 2), (90, 3))
"""``(up to days overdue, weight)``; items more than 90 days overdue weigh 4."""


def age_weight(days_overdue: int) -> int:
    """The weight of an item ``days_overdue`` days overdue (0 when it is not overdue).

    >>> [age_weight(d) for d in (0, 1, 30, 31, 60, 61, 90, 91)]
    [0, 1, 1, 2, 2, 3, 3, 4]
    """
    if days_overdue <= 0:
        return 0
    for limit, weight in AGE_WEIGHTS:
        if days_overdue <= limit:
            return weight
    return 4


_INDEX_PAR = Decimal(80)  # the payment index of payment within terms (PAYDEX scale)
_PER_INDEX_POINT = Decimal("0.01")  # +1 % per index point below _INDEX_PAR
_DETERIORATING = Decimal("0.25")  # +25 % for a deteriorating payment trend
_TENTH = Decimal("0.1")


def _number(value: Decimal) -> str:
    """A Decimal with at most one decimal place, without a trailing ``.0``."""
    text = f"{value.quantize(_TENTH):f}"
    return text.removesuffix(".0")


def _percent(fraction: Decimal) -> str:
    return f"+{_number(fraction * 100)}%"


def _behaviour(
    record: PaymentBehaviour | InsufficientData | None,
) -> tuple[Decimal, tuple[str, ...]]:
    """The behaviour weight and the reasons that explain it."""
    if record is None:
        return Decimal(1), ("payment behaviour: none on record: +0%",)
    if isinstance(record, InsufficientData):
        return Decimal(1), (
            f"payment behaviour: insufficient data ({record.invoices} of {record.required} "
            "paid invoices needed): +0%",
        )
    index = record.payment_index.quantize(_TENTH)
    below = max(Decimal(0), _INDEX_PAR - index) * _PER_INDEX_POINT
    trend = record.trend
    worse = _DETERIORATING if trend.direction is TrendDirection.DETERIORATING else Decimal(0)
    if trend.recent_days_late is not None and trend.baseline_days_late is not None:
        direction = (
            f"payment trend {trend.direction.value} (days late "
            f"{_number(trend.baseline_days_late)} -> {_number(trend.recent_days_late)})"
        )
    else:
        direction = f"payment trend {trend.direction.value.replace('_', ' ')}"
    return (1 + below + worse).normalize(), (
        f"payment index {_number(index)}: {_percent(below)}",
        f"{direction}: {_percent(worse)}",
    )


def behaviour_weight(behaviour: PaymentBehaviour | InsufficientData | None) -> Decimal:
    """How much a customer's payment behaviour raises its worklist priority (1 = not at all).

    1, plus 1 % for each point of the payment index (rounded to one decimal) below
    80, the index of payment within terms on the public PAYDEX scale, plus 25 % when
    the payment trend is deteriorating. ``None`` (no record) and
    :class:`~credkit.kpi.InsufficientData` weigh 1. A lower index or a deteriorating
    trend never lowers the weight; an improving trend does not lower it either, since
    the overdue amount is still overdue.

    >>> from credkit.kpi import payment_behaviour
    >>> from credkit.ledger import Settlement
    >>> from datetime import date, timedelta
    >>> def paid(n, days_late):
    ...     due = date(2026, 1, 31) - timedelta(days=30 * n)
    ...     return Settlement(f"I{n}", "C1", due - timedelta(days=30), due, Money.of(100, "EUR"),
    ...                       settled_on=due + timedelta(days=days_late), credited=Money.zero("EUR"))
    >>> late = payment_behaviour([paid(n, 30) for n in range(4)], as_of=date(2026, 3, 31))["C1"]
    >>> late.payment_index, behaviour_weight(late)
    (Decimal('50'), Decimal('1.3'))
    >>> behaviour_weight(None)
    Decimal('1')
    """
    return _behaviour(_check_behaviour("behaviour", behaviour, customer=None, as_of=None))[0]


def _check_behaviour(
    field: str,
    record: object,
    *,
    customer: str | None,
    as_of: date | None,
) -> PaymentBehaviour | InsufficientData | None:
    if record is None:
        return None
    if not isinstance(record, PaymentBehaviour | InsufficientData):
        raise ValidationError(
            f"{field}: expected a credkit.kpi.PaymentBehaviour or InsufficientData "
            f"(from credkit.kpi.payment_behaviour), got {type(record).__name__} {record!r}"
        )
    if customer is not None and record.customer_id != customer:
        raise ValidationError(
            f"{field}: the record is for customer {record.customer_id!r}, not {customer!r}"
        )
    if isinstance(record, PaymentBehaviour):
        index = record.payment_index
        if not isinstance(index, Decimal) or not index.is_finite() or not 0 <= index <= 100:
            raise ValidationError(
                f"{field}.payment_index: expected a Decimal from 0 to 100, got {index!r}"
            )
        if as_of is not None and record.as_of > as_of:
            raise ValidationError(
                f"{field}.as_of: {record.as_of.isoformat()} is after the worklist's as_of "
                f"{as_of.isoformat()}; compute the behaviour as of the same date"
            )
    return record


def _behaviours(
    behaviour: object, as_of: date
) -> dict[str, PaymentBehaviour | InsufficientData] | None:
    if behaviour is None:
        return None
    if not isinstance(behaviour, Mapping):
        raise ValidationError(
            "behaviour: expected a mapping of customer id to PaymentBehaviour or "
            "InsufficientData, as credkit.kpi.payment_behaviour returns, got "
            f"{type(behaviour).__name__}"
        )
    result: dict[str, PaymentBehaviour | InsufficientData] = {}
    for key, record in behaviour.items():
        if not isinstance(key, str):
            raise ValidationError(
                f"behaviour: keys must be customer ids (str), got {type(key).__name__} {key!r}"
            )
        checked = _check_behaviour(f"behaviour[{key!r}]", record, customer=key, as_of=as_of)
        if checked is None:
            raise ValidationError(
                f"behaviour[{key!r}]: expected a credkit.kpi.PaymentBehaviour or "
                "InsufficientData, got None; leave the customer out instead"
            )
        result[key] = checked
    return result


@attrs.frozen(kw_only=True)
class WorklistEntry:
    """One customer on the worklist, with its rank, priority and the reasons for it.

    Amounts are in the ranking currency. ``behaviour`` is the payment-behaviour
    record that was used (``None`` when ``behaviour=`` was not passed or had no
    record for the customer) and ``behaviour_weight`` what it contributed (see
    :func:`behaviour_weight`).

    ``reasons`` come in a fixed order: the overdue and age-weighted amounts; the
    unapplied credits, if any; the oldest item's days overdue; the risk class, if
    known; the broken promises, if any; and, when ``behaviour=`` was passed, what
    the payment behaviour contributed (the payment index and the trend, or why it
    contributed nothing).

    >>> from datetime import date
    >>> from credkit.ledger import DocumentKind, OpenItem
    >>> item = OpenItem("I1", "C1", DocumentKind.INVOICE, date(2026, 1, 1), date(2026, 1, 31),
    ...                 Money.of("100.00", "EUR"))
    >>> entry = collection_worklist([item], as_of=date(2026, 3, 31))[0]
    >>> entry.rank, entry.oldest_days_overdue, str(entry.weighted), entry.reasons[1]
    (1, 59, '200.00 EUR', 'oldest item 59 days overdue')
    """

    rank: int
    customer_id: str
    priority: Money
    overdue: Money
    weighted: Money
    unapplied_credits: Money
    oldest_days_overdue: int
    risk_class: str | None
    risk_weight: Decimal
    broken_promises: int
    item_ids: tuple[str, ...]
    reasons: tuple[str, ...]
    behaviour: PaymentBehaviour | InsufficientData | None = None
    behaviour_weight: Decimal = Decimal(1)


def _items(source: Ledger | Iterable[OpenItem], as_of: date) -> tuple[OpenItem, ...]:
    if isinstance(source, Ledger):
        return source.open_items(as_of)
    return sequence(source, OpenItem, "items")


def collection_worklist(
    source: Ledger | Iterable[OpenItem],
    *,
    as_of: date,
    currency: str | None = None,
    rates: RateSource | None = None,
    risk_classes: Mapping[str, str] | None = None,
    risk_weights: Mapping[str, Decimal | int | str] | None = None,
    promises: Iterable[PromiseToPay] = (),
    payments: Iterable[Payment] | None = None,
    blocks: Iterable[Block] = (),
    behaviour: Mapping[str, PaymentBehaviour | InsufficientData] | None = None,
) -> tuple[WorklistEntry, ...]:
    """Overdue customers ranked by priority (see the module description), highest first.

    Disputed items, items under an active block and items not yet overdue are
    left out. Promises are judged with the ledger's payments or ``payments``.
    ``behaviour`` is each customer's payment behaviour as of ``as_of`` (what
    :func:`credkit.kpi.payment_behaviour` returns); a record as of a later date is
    refused, since it would rank with knowledge of the future.

    >>> from datetime import date, timedelta
    >>> collection_worklist([], as_of=date(2026, 1, 1))
    ()
    >>> from credkit.kpi import payment_behaviour
    >>> from credkit.ledger import DocumentKind, OpenItem, Settlement
    >>> as_of = date(2026, 3, 31)
    >>> def paid(n, days_late):
    ...     due = as_of - timedelta(days=40 * n)
    ...     return Settlement(f"P{n}", "C1", due - timedelta(days=30), due, Money.of(100, "EUR"),
    ...                       settled_on=due + timedelta(days=days_late), credited=Money.zero("EUR"))
    >>> history = [paid(1, 30), paid(2, 30), paid(3, 0), paid(4, 0), paid(5, 0)]
    >>> behaviour = payment_behaviour(history, as_of=as_of)
    >>> open_item = OpenItem("I1", "C1", DocumentKind.INVOICE, date(2026, 2, 1), date(2026, 3, 1),
    ...                      Money.of("1000.00", "EUR"))
    >>> entry = collection_worklist([open_item], as_of=as_of, behaviour=behaviour)[0]
    >>> str(entry.priority), entry.behaviour_weight
    ('1370.00 EUR', Decimal('1.37'))
    >>> entry.reasons[-2:]
    ('payment index 68: +12%', 'payment trend deteriorating (days late 0 -> 30): +25%')
    """
    check_date(as_of, "as_of")
    records = _behaviours(behaviour, as_of)
    items = _items(source, as_of)
    if rates is not None and currency is None:
        raise ValidationError("currency: rates were given without the currency to rank in")
    classes = dict(risk_classes or {})
    weights = {
        key: to_decimal(value, field=f"risk_weights[{key!r}]")
        for key, value in (risk_weights or {}).items()
    }
    for key, weight in weights.items():
        if weight <= 0:
            raise ValidationError(f"risk_weights[{key!r}]: must be above zero, got {weight}")
    active = [b for b in sequence(blocks, Block, "blocks") if b.active(as_of)]
    promise_list = sequence(promises, PromiseToPay, "promises")
    paid: Ledger | tuple[Payment, ...]
    if isinstance(source, Ledger):
        paid = source
    elif promise_list and payments is None:
        raise ValidationError(
            "payments: promises are judged by payments; pass a Ledger or payments="
        )
    else:
        paid = sequence(payments or (), Payment, "payments")
    broken: dict[str, int] = defaultdict(int)
    for promise in promise_list:
        status = promise.status(paid, as_of=as_of)
        if status in (PromiseStatus.BROKEN, PromiseStatus.PARTLY_KEPT):
            broken[promise.customer_id] += 1

    def ranked(money: Money) -> Money | None:
        if currency is None or money.currency == currency:
            return money
        if rates is None:
            return None
        return convert(money, currency, on=as_of, rates=rates)

    overdue: dict[str, Decimal] = defaultdict(Decimal)
    weighted: dict[str, Decimal] = defaultdict(Decimal)
    credits: dict[str, Decimal] = defaultdict(Decimal)
    oldest: dict[str, int] = defaultdict(int)
    ids: dict[str, list[tuple[date, str]]] = defaultdict(list)
    seen: set[str] = set()
    for item in items:
        amount = ranked(item.amount)
        if amount is None:
            continue
        customer = item.customer_id
        if amount.is_negative:
            seen.add(amount.currency)
            credits[customer] += -amount.amount
            continue
        days = item.days_overdue(as_of)
        if days <= 0 or item.disputed:
            continue
        if any(
            b.covers(customer, item.document_id) or b.covers(customer, item.key) for b in active
        ):
            continue
        seen.add(amount.currency)
        overdue[customer] += amount.amount
        weighted[customer] += amount.amount * age_weight(days)
        oldest[customer] = max(oldest[customer], days)
        ids[customer].append((item.due_date, item.key))
    if len(seen) > 1:
        raise ValidationError(
            f"currency: open items are in {', '.join(sorted(seen))}; pass currency= to rank "
            "one currency, and rates= to convert the others into it"
        )
    unit = currency or (next(iter(seen)) if seen else None)
    if unit is None:
        return ()
    entries = []
    for customer, total in overdue.items():
        net_weighted = weighted[customer] - credits[customer]
        if total - credits[customer] <= 0 or net_weighted <= 0:
            continue
        risk = classes.get(customer)
        weight = Decimal(1)
        reasons = [
            f"overdue {Money(total, unit).round()}, weighted by age {Money(weighted[customer], unit).round()}"
        ]
        if credits[customer]:
            reasons.append(f"less unapplied credits {Money(credits[customer], unit).round()}")
        days = oldest[customer]
        reasons.append(f"oldest item {days} day{'s' if days != 1 else ''} overdue")
        if risk is not None:
            if weights:
                if risk not in weights:
                    raise ValidationError(
                        f"risk_weights: no weight for risk class {risk!r} of customer {customer!r}"
                    )
                weight = weights[risk]
                reasons.append(f"risk class {risk} (x{weight})")
            else:
                reasons.append(f"risk class {risk}")
        promises_broken = broken.get(customer, 0)
        if promises_broken:
            reasons.append(
                f"{promises_broken} broken promise{'s' if promises_broken > 1 else ''} "
                f"(x{1 + promises_broken})"
            )
        record = None if records is None else records.get(customer)
        behaviour_factor = Decimal(1)
        if records is not None:
            behaviour_factor, explained = _behaviour(record)
            reasons.extend(explained)
        priority = Money(
            net_weighted * weight * (1 + promises_broken) * behaviour_factor, unit
        ).round()
        entries.append(
            (
                priority,
                customer,
                WorklistEntry(
                    rank=0,
                    customer_id=customer,
                    priority=priority,
                    overdue=Money(total, unit).round(),
                    weighted=Money(weighted[customer], unit).round(),
                    unapplied_credits=Money(credits[customer], unit).round(),
                    oldest_days_overdue=oldest[customer],
                    risk_class=risk,
                    risk_weight=weight,
                    broken_promises=promises_broken,
                    item_ids=tuple(i for _, i in sorted(ids[customer])),
                    reasons=tuple(reasons),
                    behaviour=record,
                    behaviour_weight=behaviour_factor,
                ),
            )
        )
    entries.sort(key=lambda e: (-e[0].amount, -e[2].oldest_days_overdue, e[1]))
    return tuple(
        attrs.evolve(entry, rank=index) for index, (_, _, entry) in enumerate(entries, start=1)
    )
