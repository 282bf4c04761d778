"""Cash-in forecast: when each open item is expected to be paid, in weeks and months.

:func:`cash_forecast` reads a ledger as of a date (later documents and allocations are
ignored) and expects every open invoice to be paid as follows, in this order:

1. **Credits first.** Unapplied credit notes and unapplied cash bring in no money:
   they are expected to be set off against the customer's open invoices in the same
   currency, a credit note first against the invoice it names, then oldest due date
   first (:func:`credkit.ledger.oldest_first`). What they cannot cover stays a credit
   balance, reported per currency in :attr:`CashForecast.credits` and never in a week.
2. **Commitments.** A promise to pay made by ``as_of`` and still pending on it is
   expected, for what is left of it, on its promised date; a payment plan agreed by
   ``as_of`` that has neither defaulted nor completed is expected instalment by
   instalment, for what is unpaid of each. Either covers the items it names (all the
   customer's items in its currency when it names none), oldest due date first; a
   commitment larger than the items it covers is capped at them.
3. **Payment behaviour.** What is left of an item is spread over the customer's
   history of days beyond terms (:func:`~credkit.forecast.history.days_beyond_terms`),
   in ``bands`` equal parts: part ``i`` of ``n`` is expected on the due date plus the
   ``(2i + 1) / 2n`` quantile of the history (with 5 bands: the 10th, 30th, 50th, 70th
   and 90th percentiles, each carrying a fifth of the amount). An overdue item is
   spread over the history *beyond its present lateness* only: an invoice 20 days late
   cannot be paid 5 days late any more. When a customer has fewer than
   ``min_history`` paid invoices, the history of its segment is used, then of its
   country, then of every customer; with none of these long enough the item is
   expected on its due date (:attr:`Basis.DUE_DATE`).
4. **Overdue, expected next week.** A part whose date is not after ``as_of`` (an
   overdue item on the due-date basis, a plan instalment in arrears, a history that
   has nothing later than the item's lateness) is expected ``overdue_in_days`` days
   after ``as_of`` (7 by default, so in the first week) and marked ``moved``.

The parts are amounts in minor units, split with :meth:`Money.allocate
<credkit.money.Money.allocate>`, so that per currency the weeks, the months, the
amount beyond the horizon and the credit balance add up exactly to the open balance:
nothing dropped, nothing invented. Weeks run from the day after ``as_of``: week 1 is
``as_of + 1`` .. ``as_of + 7``. Months are calendar months cut at the same horizon
(the first and last may be partial). Whatever is expected after the last week is in
:attr:`CashForecast.beyond`.

>>> from datetime import date
>>> from credkit.ledger import Customer, Invoice, Ledger
>>> from credkit.money import Money
>>> ledger = Ledger(
...     customers=[Customer("C1", "Acme", country="DE", currency="EUR")],
...     invoices=[Invoice("I1", "C1", date(2026, 3, 2), date(2026, 4, 1), Money.of("100.00", "EUR"))],
... )
>>> result = cash_forecast(ledger, as_of=date(2026, 3, 31))
>>> item = result.items[0]
>>> item.basis.value, [(p.on.isoformat(), str(p.amount)) for p in item.parts]
('due_date', [('2026-04-01', '100.00 EUR')])
>>> [str(p.amount("EUR")) for p in result.weekly[:2]]
['100.00 EUR', '0.00 EUR']
"""

from __future__ import annotations

import bisect
import datetime
import enum
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import attrs
from dateutil.relativedelta import relativedelta

from credkit._validate import check_date, describe
from credkit.dunning import PaymentPlan, PlanStatus, PromiseStatus, PromiseToPay
from credkit.errors import ValidationError
from credkit.forecast.history import days_beyond_terms
from credkit.ledger import (
    Allocation,
    CreditNote,
    DocumentKind,
    Ledger,
    OpenItem,
    item_key,
    oldest_first,
)
from credkit.money import Money

__all__ = [
    "Basis",
    "CashForecast",
    "ExpectedPayment",
    "ForecastModel",
    "ForecastPeriod",
    "ItemForecast",
    "cash_forecast",
]


class Basis(enum.Enum):
    """What an expected payment date rests on.

    >>> Basis("segment")
    <Basis.SEGMENT: 'segment'>
    """

    PROMISE = "promise"
    PLAN = "plan"
    CUSTOMER = "customer"
    SEGMENT = "segment"
    COUNTRY = "country"
    PORTFOLIO = "portfolio"
    DUE_DATE = "due_date"


class ForecastModel(enum.Enum):
    """How :func:`cash_forecast` dates what commitments do not cover.

    ``BEHAVIOUR`` spreads it over the payment history (the default); ``DUE_DATE`` is
    the naive forecast, every item paid on its due date, for comparison.

    >>> ForecastModel("due_date")
    <ForecastModel.DUE_DATE: 'due_date'>
    """

    BEHAVIOUR = "behaviour"
    DUE_DATE = "due_date"


def _zero(currency: str) -> Money:
    """Zero in the currency's minor units (``0.00 EUR``)."""
    return Money.zero(currency).round()


@attrs.frozen
class ExpectedPayment:
    """Part of an open item expected on ``on``.

    ``probability`` is the share of the item's open amount the part stands for;
    ``source`` the promise or plan id behind a commitment; ``moved`` says the date was
    not after the forecast date and was moved by the overdue rule.

    >>> from datetime import date
    >>> ExpectedPayment(date(2026, 4, 7), Money.of("20.00", "EUR"), Decimal("0.2"),
    ...                 Basis.CUSTOMER).amount
    Money('20.00', 'EUR')
    """

    on: datetime.date
    amount: Money
    probability: Decimal
    basis: Basis
    source: str | None = attrs.field(default=None, kw_only=True)
    moved: bool = attrs.field(default=False, kw_only=True)


@attrs.frozen
class ItemForecast:
    """An open invoice and when its open amount is expected.

    ``offset`` is what unapplied credits are expected to settle of it; ``parts`` what
    is expected in cash (``open_amount - offset`` in total); ``basis`` what dated the
    part not covered by commitments (or the commitment's, when they cover it all).

    >>> from datetime import date
    >>> item = OpenItem("I1", "C1", DocumentKind.INVOICE, date(2026, 1, 1), date(2026, 1, 31),
    ...                 Money.of("10.00", "EUR"))
    >>> ItemForecast(item, offset=Money.of("10.00", "EUR"), parts=(), basis=Basis.DUE_DATE).expected_on is None
    True
    """

    item: OpenItem
    offset: Money = attrs.field(kw_only=True)
    parts: tuple[ExpectedPayment, ...] = attrs.field(kw_only=True)
    basis: Basis = attrs.field(kw_only=True)

    @property
    def expected(self) -> Money:
        """What is expected in cash: the sum of the parts.

        >>> from datetime import date
        >>> item = OpenItem("I1", "C1", DocumentKind.INVOICE, date(2026, 1, 1), date(2026, 1, 31),
        ...                 Money.of("10.00", "EUR"))
        >>> ItemForecast(item, offset=Money.of("4.00", "EUR"), parts=(), basis=Basis.DUE_DATE).expected
        Money('0.00', 'EUR')
        """
        return sum((p.amount for p in self.parts), _zero(self.item.amount.currency))

    @property
    def expected_on(self) -> datetime.date | None:
        """The median date: by it, at least half of the expected amount has come in.

        None when nothing is expected in cash.

        >>> from datetime import date
        >>> item = OpenItem("I1", "C1", DocumentKind.INVOICE, date(2026, 1, 1), date(2026, 1, 31),
        ...                 Money.of("10.00", "EUR"))
        >>> parts = tuple(ExpectedPayment(date(2026, 2, d), Money.of(a, "EUR"), Decimal("0.5"),
        ...                               Basis.CUSTOMER) for d, a in ((3, 4), (9, 6)))
        >>> ItemForecast(item, offset=Money.of(0, "EUR"), parts=parts, basis=Basis.CUSTOMER).expected_on
        datetime.date(2026, 2, 9)
        """
        total = self.expected.amount
        if total <= 0:
            return None
        running = Decimal(0)
        for part in sorted(self.parts, key=lambda p: p.on):
            running += part.amount.amount
            if running * 2 >= total:
                return part.on
        raise AssertionError("unreachable")  # pragma: no cover


@attrs.frozen
class ForecastPeriod:
    """A week or a month of the forecast (``start`` .. ``end``, both included).

    ``amounts`` has one amount per currency of the forecast, zero included.

    >>> from datetime import date
    >>> week = ForecastPeriod(date(2026, 4, 1), date(2026, 4, 7), (Money.of("5.00", "EUR"),))
    >>> week.amount("EUR"), week.amount("USD")
    (Money('5.00', 'EUR'), Money('0.00', 'USD'))
    """

    start: datetime.date
    end: datetime.date
    amounts: tuple[Money, ...]

    def amount(self, currency: str) -> Money:
        """The period's amount in ``currency`` (zero when it has none)."""
        for money in self.amounts:
            if money.currency == currency:
                return money
        return _zero(currency)


@attrs.frozen
class CashForecast:
    """A cash-in forecast as of a date: items, weeks, months, beyond, credit balances.

    For each currency, ``sum(weekly) + beyond + credits`` (and the same with
    ``monthly``) is the open balance on ``as_of``, exactly.

    >>> from datetime import date
    >>> empty = cash_forecast(Ledger(), as_of=date(2026, 1, 31), weeks=2)
    >>> empty.currencies, [w.end.isoformat() for w in empty.weekly]
    ((), ['2026-02-07', '2026-02-14'])
    """

    as_of: datetime.date
    model: ForecastModel = attrs.field(kw_only=True)
    items: tuple[ItemForecast, ...] = attrs.field(kw_only=True)
    weekly: tuple[ForecastPeriod, ...] = attrs.field(kw_only=True)
    monthly: tuple[ForecastPeriod, ...] = attrs.field(kw_only=True)
    beyond: tuple[Money, ...] = attrs.field(kw_only=True)
    credits: tuple[Money, ...] = attrs.field(kw_only=True)

    @property
    def currencies(self) -> tuple[str, ...]:
        """The currencies of the open items, sorted."""
        return tuple(m.currency for m in self.beyond)

    def _of(self, amounts: Sequence[Money], currency: str) -> Money:
        for money in amounts:
            if money.currency == currency:
                return money
        return _zero(currency)

    def beyond_in(self, currency: str) -> Money:
        """What is expected after the last week, in ``currency``.

        >>> from datetime import date
        >>> cash_forecast(Ledger(), as_of=date(2026, 1, 31)).beyond_in("EUR")
        Money('0.00', 'EUR')
        """
        return self._of(self.beyond, currency)

    def credit_in(self, currency: str) -> Money:
        """The credit balance no open invoice absorbs, in ``currency`` (zero or below).

        >>> from datetime import date
        >>> cash_forecast(Ledger(), as_of=date(2026, 1, 31)).credit_in("EUR")
        Money('0.00', 'EUR')
        """
        return self._of(self.credits, currency)

    def total(self, currency: str) -> Money:
        """Weeks + beyond + credit balance in ``currency``: the open balance on ``as_of``.

        >>> from datetime import date
        >>> cash_forecast(Ledger(), as_of=date(2026, 1, 31)).total("EUR")
        Money('0.00', 'EUR')
        """
        weeks = sum((w.amount(currency) for w in self.weekly), _zero(currency))
        return weeks + self.beyond_in(currency) + self.credit_in(currency)


# -- the forecast ---------------------------------------------------------------------


def _whole(value: object, field: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationError(
            f"{field}: expected a whole number from {low} to {high}, got {describe(value)}"
        )
    return value


def _records(values: object, kind: type, field: str) -> tuple[Any, ...]:
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise ValidationError(
            f"{field}: expected a list of {kind.__name__}, got {describe(values)}"
        )
    result = tuple(values)
    for index, value in enumerate(result):
        if not isinstance(value, kind):
            raise ValidationError(
                f"{field}[{index}]: expected a {kind.__name__}, got {describe(value)}"
            )
    return result


@attrs.frozen
class _Commitment:
    on: datetime.date
    amount: Money
    basis: Basis
    source: str
    customer_id: str
    item_ids: tuple[str, ...]


def _commitments(
    ledger: Ledger,
    promises: Sequence[PromiseToPay],
    plans: Sequence[PaymentPlan],
    as_of: datetime.date,
) -> list[_Commitment]:
    found: list[_Commitment] = []
    for promise in promises:
        if promise.made_on > as_of:
            continue
        if promise.status(ledger, as_of=as_of) is not PromiseStatus.PENDING:
            continue
        left = promise.amount - promise.paid(ledger, as_of=as_of)
        if left.is_positive:
            found.append(
                _Commitment(
                    promise.promised_for,
                    left,
                    Basis.PROMISE,
                    promise.id,
                    promise.customer_id,
                    promise.item_ids,
                )
            )
    for plan in plans:
        if plan.agreed_on > as_of:
            continue
        progress = plan.progress(ledger, as_of=as_of)
        if progress.status in (PlanStatus.DEFAULTED, PlanStatus.COMPLETED):
            continue
        paid = progress.paid.amount
        for instalment in plan.instalments:
            taken = min(paid, instalment.amount.amount)
            paid -= taken
            unpaid = instalment.amount.amount - taken
            if unpaid > 0:
                found.append(
                    _Commitment(
                        instalment.due,
                        Money(unpaid, plan.currency),
                        Basis.PLAN,
                        plan.id,
                        plan.customer_id,
                        plan.item_ids,
                    )
                )
    found.sort(key=lambda c: (c.on, c.source))
    return found


def _pick(values: Sequence[int], bands: int) -> list[int]:
    """The ``(2i + 1) / 2n`` quantiles of sorted ``values`` (nearest rank below)."""
    n = len(values)
    return [values[min(n - 1, (2 * i + 1) * n // (2 * bands))] for i in range(bands)]


class _Histories:
    """Day histories per customer, with the fallbacks to segment, country and everyone."""

    def __init__(self, ledger: Ledger, history: dict[str, tuple[int, ...]], minimum: int) -> None:
        self.minimum = minimum
        self.by_customer = history
        segments: dict[str, list[int]] = defaultdict(list)
        countries: dict[str, list[int]] = defaultdict(list)
        everyone: list[int] = []
        for customer in ledger.customers:
            days = history.get(customer.id, ())
            if customer.segment is not None:
                segments[customer.segment].extend(days)
            countries[customer.country].extend(days)
            everyone.extend(days)
        self.segments = {k: tuple(sorted(v)) for k, v in segments.items()}
        self.countries = {k: tuple(sorted(v)) for k, v in countries.items()}
        self.everyone = tuple(sorted(everyone))
        self._chosen: dict[str, tuple[Basis, tuple[int, ...]]] = {}

    def of(self, ledger: Ledger, customer_id: str) -> tuple[Basis, tuple[int, ...]]:
        if customer_id in self._chosen:
            return self._chosen[customer_id]
        customer = ledger.customer(customer_id)
        candidates: list[tuple[Basis, tuple[int, ...]]] = [
            (Basis.CUSTOMER, self.by_customer.get(customer_id, ())),
        ]
        if customer.segment is not None:
            candidates.append((Basis.SEGMENT, self.segments.get(customer.segment, ())))
        candidates.append((Basis.COUNTRY, self.countries.get(customer.country, ())))
        candidates.append((Basis.PORTFOLIO, self.everyone))
        chosen: tuple[Basis, tuple[int, ...]] = (Basis.DUE_DATE, ())
        for basis, days in candidates:
            if len(days) >= self.minimum:
                chosen = (basis, days)
                break
        self._chosen[customer_id] = chosen
        return chosen


@attrs.frozen
class _Dates:
    """The forecast date and where the overdue rule puts what is due by it."""

    as_of: datetime.date
    moved_to: datetime.date

    def place(self, on: datetime.date) -> tuple[datetime.date, bool]:
        return (on, False) if on > self.as_of else (self.moved_to, True)


def _add(day: datetime.date, days: int) -> datetime.date:
    try:
        return day + datetime.timedelta(days=days)
    except OverflowError:
        return datetime.date.max


def cash_forecast(
    ledger: Ledger,
    *,
    as_of: datetime.date,
    weeks: int = 13,
    promises: Iterable[PromiseToPay] = (),
    plans: Iterable[PaymentPlan] = (),
    model: ForecastModel = ForecastModel.BEHAVIOUR,
    min_history: int = 5,
    bands: int = 5,
    window_months: int = 24,
    overdue_in_days: int = 7,
) -> CashForecast:
    """Forecast when the open items of ``ledger`` on ``as_of`` will be paid (module description).

    ``weeks`` (1 to 520) is the horizon; ``min_history`` (1 to 10,000) the paid invoices
    a customer (or a segment, or a country) needs for its own history to be used;
    ``bands`` (1 to 100) how many parts the behaviour splits an item into;
    ``window_months`` how far back the history goes; ``overdue_in_days`` (1 to 366)
    where the overdue rule puts what is expected by ``as_of``. Promises and plans of
    customers the ledger does not know are refused.

    >>> from datetime import date
    >>> cash_forecast(Ledger(), as_of=date(2026, 1, 31), weeks=0)
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: weeks: expected a whole number from 1 to 520, got int 0
    """
    if not isinstance(ledger, Ledger):
        raise ValidationError(f"ledger: expected a Ledger, got {describe(ledger)}")
    check_date(as_of, "as_of")
    _whole(weeks, "weeks", 1, 520)
    _whole(min_history, "min_history", 1, 10_000)
    _whole(bands, "bands", 1, 100)
    _whole(overdue_in_days, "overdue_in_days", 1, 366)
    if not isinstance(model, ForecastModel):
        raise ValidationError(f"model: expected a ForecastModel, got {describe(model)}")
    chosen_promises = _records(promises, PromiseToPay, "promises")
    chosen_plans = _records(plans, PaymentPlan, "plans")
    known = {c.id for c in ledger.customers}
    for field, records in (("promises", chosen_promises), ("plans", chosen_plans)):
        for index, record in enumerate(records):
            if record.customer_id not in known:
                raise ValidationError(
                    f"{field}[{index}].customer_id: unknown customer {record.customer_id!r}"
                )
    horizon = _add(as_of, 7 * weeks)
    dates = _Dates(as_of, _add(as_of, overdue_in_days))
    history = days_beyond_terms(ledger, as_of=as_of, window_months=window_months)
    histories = _Histories(ledger, history, min_history)

    items = ledger.open_items(as_of)
    invoices: dict[tuple[str, str], list[OpenItem]] = defaultdict(list)
    credit_items: dict[tuple[str, str], list[OpenItem]] = defaultdict(list)
    for item in items:
        key = (item.customer_id, item.amount.currency)
        (invoices if item.kind is DocumentKind.INVOICE else credit_items)[key].append(item)
    # by OpenItem.key: an invoice due in instalments is one item per instalment
    remaining: dict[str, Money] = {i.key: i.amount for v in invoices.values() for i in v}
    offsets: dict[str, Money] = {k: Money.zero(v.currency) for k, v in remaining.items()}
    credits: dict[str, Money] = {}
    for key, credit_list in sorted(credit_items.items()):
        for credit in sorted(credit_list, key=lambda c: (c.issue_date, c.document_id)):
            document = ledger.document(credit.document_id)
            first = document.invoice_id if isinstance(document, CreditNote) else None
            candidates = [
                attrs.evolve(i, amount=remaining[i.key])
                for i in invoices.get(key, ())
                if remaining[i.key].is_positive
            ]
            left = -credit.amount
            for allocation in oldest_first(
                left, candidates, source_id=credit.document_id, applied_on=as_of, first=first
            ):
                remaining[_target(allocation)] -= allocation.amount
                offsets[_target(allocation)] += allocation.amount
                left -= allocation.amount
            if left.is_positive:
                code = left.currency
                credits[code] = credits.get(code, Money.zero(code)) - left

    parts: dict[str, list[ExpectedPayment]] = defaultdict(list)
    covered_basis: dict[str, Basis] = {}

    for commitment in _commitments(ledger, chosen_promises, chosen_plans, as_of):
        key = (commitment.customer_id, commitment.amount.currency)
        candidates = [
            attrs.evolve(i, amount=remaining[i.key])
            for i in invoices.get(key, ())
            if remaining[i.key].is_positive
            and (
                not commitment.item_ids
                or i.document_id in commitment.item_ids
                or i.key in commitment.item_ids
            )
        ]
        if not candidates:
            continue
        on, was_moved = dates.place(commitment.on)
        for allocation in oldest_first(
            commitment.amount, candidates, source_id=commitment.source, applied_on=as_of
        ):
            target = _target(allocation)
            remaining[target] -= allocation.amount
            parts[target].append(
                ExpectedPayment(
                    on,
                    allocation.amount,
                    Decimal(0),
                    commitment.basis,
                    source=commitment.source,
                    moved=was_moved,
                )
            )
            covered_basis.setdefault(target, commitment.basis)

    results: list[ItemForecast] = []
    for key in sorted(invoices):
        for item in invoices[key]:
            left = remaining[item.key]
            basis = covered_basis.get(item.key, Basis.DUE_DATE)
            if left.is_positive:
                days: tuple[int, ...] = ()
                if model is ForecastModel.DUE_DATE:
                    basis = Basis.DUE_DATE
                else:
                    basis, days = histories.of(ledger, item.customer_id)
                parts[item.key].extend(_spread(item, left, basis, days, bands, dates))
            whole = item.amount.amount
            results.append(
                ItemForecast(
                    item,
                    offset=offsets[item.key],
                    parts=tuple(
                        attrs.evolve(p, probability=p.amount.amount / whole)
                        for p in sorted(parts[item.key], key=lambda p: p.on)
                    ),
                    basis=basis,
                )
            )
    currencies = sorted({k[1] for k in invoices} | {k[1] for k in credit_items})
    return _bucketed(results, credits, currencies, as_of, weeks, horizon, model)


def _target(allocation: Allocation) -> str:
    """The :attr:`OpenItem.key <credkit.ledger.OpenItem.key>` of what ``allocation`` settles."""
    return item_key(allocation.target_id, allocation.instalment)


def _spread(
    item: OpenItem,
    amount: Money,
    basis: Basis,
    days: Sequence[int],
    bands: int,
    dates: _Dates,
) -> list[ExpectedPayment]:
    """``amount`` of ``item`` over the history ``days`` beyond its present lateness."""
    if basis is Basis.DUE_DATE:
        on, was_moved = dates.place(item.due_date)
        return [ExpectedPayment(on, amount, Decimal(0), basis, moved=was_moved)]
    late = item.days_overdue(dates.as_of)
    later = [d for d in days if d > late]
    if not later:  # the history has nothing as late as this item already is
        return [ExpectedPayment(dates.moved_to, amount, Decimal(0), basis, moved=True)]
    merged: dict[datetime.date, Money] = {}
    for offset, share in zip(_pick(later, bands), amount.allocate([1] * bands), strict=True):
        on = _add(item.due_date, offset)
        merged[on] = merged[on] + share if on in merged else share
    return [
        ExpectedPayment(on, share, Decimal(0), basis)
        for on, share in sorted(merged.items())
        if not share.is_zero
    ]


def _months(
    as_of: datetime.date, horizon: datetime.date
) -> list[tuple[datetime.date, datetime.date]]:
    """Calendar months from ``as_of + 1`` to ``horizon``, the first and last cut to them."""
    periods = []
    start = _add(as_of, 1)
    while start <= horizon:
        following = start.replace(day=1) + relativedelta(months=1)
        end = min(horizon, following - datetime.timedelta(days=1))
        periods.append((start, end))
        start = following
    return periods


def _bucketed(
    results: Sequence[ItemForecast],
    credits: dict[str, Money],
    currencies: Sequence[str],
    as_of: datetime.date,
    weeks: int,
    horizon: datetime.date,
    model: ForecastModel,
) -> CashForecast:
    week_spans = [(_add(as_of, 7 * k + 1), _add(as_of, 7 * (k + 1))) for k in range(weeks)]
    month_spans = _months(as_of, horizon)
    by_week: dict[tuple[int, str], Money] = {}
    by_month: dict[tuple[int, str], Money] = {}
    beyond: dict[str, Money] = {}
    month_starts = [start for start, _ in month_spans]
    for result in results:
        for part in result.parts:
            code = part.amount.currency
            if part.on > horizon:
                beyond[code] = beyond[code] + part.amount if code in beyond else part.amount
                continue
            # every part is dated after as_of: the overdue rule moved the others
            key = (((part.on - as_of).days - 1) // 7, code)
            by_week[key] = by_week[key] + part.amount if key in by_week else part.amount
            mkey = (bisect.bisect_right(month_starts, part.on) - 1, code)
            by_month[mkey] = by_month[mkey] + part.amount if mkey in by_month else part.amount

    zero = _zero

    weekly = tuple(
        ForecastPeriod(start, end, tuple(by_week.get((k, c), zero(c)) for c in currencies))
        for k, (start, end) in enumerate(week_spans)
    )
    monthly = tuple(
        ForecastPeriod(start, end, tuple(by_month.get((k, c), zero(c)) for c in currencies))
        for k, (start, end) in enumerate(month_spans)
    )
    return CashForecast(
        as_of,
        model=model,
        items=tuple(results),
        weekly=weekly,
        monthly=monthly,
        beyond=tuple(beyond.get(c, zero(c)) for c in currencies),
        credits=tuple(credits.get(c, zero(c)) for c in currencies),
    )
