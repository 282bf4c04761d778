"""An honest backtest of the cash-in forecast: forecast from a past date, compare with what came.

:func:`backtest` cuts the ledger at ``as_of`` with :func:`~credkit.forecast.history.known_on`
(documents dated and allocations applied after it are not seen), forecasts with
:func:`~credkit.forecast.cash.cash_forecast` twice, from payment behaviour and naively
("paid on the due date", the same overdue rule for both), and compares both with
what the whole ledger says was collected afterwards:

- **days**: for each invoice open on ``as_of`` that was later paid in full by
  payments received after ``as_of``, the absolute difference in days between the
  forecast's median date (:attr:`ItemForecast.expected_on
  <credkit.forecast.cash.ItemForecast.expected_on>`) and the day the last of that
  money arrived. Invoices settled partly by credit notes, or by cash already on the
  account on ``as_of``, or still open at the end of the data are not scored (counted
  in :attr:`Backtest.skipped`): they have no payment date to compare with.
- **weekly amounts**, per currency: the cash received in each forecast week from
  payments received after ``as_of`` and applied to the invoices open on it, against
  each forecast's week; :attr:`CurrencyErrors.mae` is the mean absolute error per
  week, :attr:`CurrencyErrors.total_error` the absolute error of the horizon's total.

>>> from datetime import date
>>> from credkit.ledger import Customer, Invoice, Ledger, Payment
>>> from credkit.money import Money
>>> ledger = Ledger(
...     customers=[Customer("C1", "Acme", country="DE", currency="EUR")],
...     invoices=[Invoice("I1", "C1", date(2026, 3, 2), date(2026, 4, 1), Money.of("100.00", "EUR"))],
...     payments=[Payment("P1", "C1", date(2026, 4, 10), Money.of("100.00", "EUR"))],
... ).apply_oldest_first("P1")
>>> result = backtest(ledger, as_of=date(2026, 3, 31), weeks=4)
>>> result.items, result.days_error, result.naive_days_error
(1, Decimal('9'), Decimal('9'))
>>> [str(m.amount) for m in result.currencies[0].actual]
['0.00', '100.00', '0.00', '0.00']
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import attrs

from credkit._validate import check_date, describe
from credkit.dunning import PaymentPlan, PromiseToPay
from credkit.errors import ValidationError
from credkit.forecast.cash import CashForecast, ForecastModel, cash_forecast
from credkit.forecast.history import known_on
from credkit.ledger import DocumentKind, Ledger, Payment, item_key
from credkit.money import Money

__all__ = ["Backtest", "CurrencyErrors", "backtest"]


def _mean(values: Sequence[Decimal]) -> Decimal:
    return sum(values, Decimal(0)) / len(values) if values else Decimal(0)


@attrs.frozen
class CurrencyErrors:
    """Weekly cash in one currency: what came, what each forecast said.

    >>> from datetime import date
    >>> e = CurrencyErrors("EUR", actual=(Money.of(10, "EUR"), Money.of(0, "EUR")),
    ...                    forecast=(Money.of(6, "EUR"), Money.of(2, "EUR")),
    ...                    naive=(Money.of(0, "EUR"), Money.of(0, "EUR")))
    >>> e.mae, e.naive_mae, e.total_error, e.naive_total_error
    (Decimal('3'), Decimal('5'), Decimal('2'), Decimal('10'))
    """

    currency: str
    actual: tuple[Money, ...] = attrs.field(kw_only=True)
    forecast: tuple[Money, ...] = attrs.field(kw_only=True)
    naive: tuple[Money, ...] = attrs.field(kw_only=True)

    def _mae(self, guess: Sequence[Money]) -> Decimal:
        return _mean([abs(g.amount - a.amount) for g, a in zip(guess, self.actual, strict=True)])

    def _total(self, guess: Sequence[Money]) -> Decimal:
        return abs(sum((g.amount for g in guess), Decimal(0)) - self.collected)

    @property
    def collected(self) -> Decimal:
        """What came in over the horizon."""
        return sum((a.amount for a in self.actual), Decimal(0))

    @property
    def mae(self) -> Decimal:
        """Mean absolute error per week of the behaviour forecast."""
        return self._mae(self.forecast)

    @property
    def naive_mae(self) -> Decimal:
        """Mean absolute error per week of the due-date forecast."""
        return self._mae(self.naive)

    @property
    def total_error(self) -> Decimal:
        """Absolute error of the behaviour forecast's total over the horizon."""
        return self._total(self.forecast)

    @property
    def naive_total_error(self) -> Decimal:
        """Absolute error of the due-date forecast's total over the horizon."""
        return self._total(self.naive)


@attrs.frozen
class Backtest:
    """The result of :func:`backtest`.

    ``item_errors`` holds ``(item key, behaviour error, naive error)`` in days for
    every scored invoice, so that several backtests can be pooled (the key is the
    invoice id, or ``"<invoice id>#<n>"`` for each instalment of an invoice with a
    schedule: :attr:`OpenItem.key <credkit.ledger.OpenItem.key>`).

    >>> from datetime import date
    >>> result = backtest(Ledger(), as_of=date(2026, 1, 31))
    >>> result.items, result.skipped, result.currencies
    (0, 0, ())
    """

    as_of: datetime.date
    weeks: int = attrs.field(kw_only=True)
    item_errors: tuple[tuple[str, int, int], ...] = attrs.field(kw_only=True)
    skipped: int = attrs.field(kw_only=True)
    currencies: tuple[CurrencyErrors, ...] = attrs.field(kw_only=True)
    forecast: CashForecast = attrs.field(kw_only=True, repr=False)
    naive: CashForecast = attrs.field(kw_only=True, repr=False)

    @property
    def items(self) -> int:
        """How many invoices were scored in days."""
        return len(self.item_errors)

    @property
    def days_error(self) -> Decimal:
        """Mean absolute error in days per invoice of the behaviour forecast."""
        return _mean([Decimal(e[1]) for e in self.item_errors])

    @property
    def naive_days_error(self) -> Decimal:
        """Mean absolute error in days per invoice of the due-date forecast."""
        return _mean([Decimal(e[2]) for e in self.item_errors])


def backtest(
    ledger: Ledger,
    *,
    as_of: datetime.date,
    weeks: int = 13,
    promises: Iterable[PromiseToPay] = (),
    plans: Iterable[PaymentPlan] = (),
    **options: Any,
) -> Backtest:
    """Forecast from ``as_of`` with what was known then; score it against what followed.

    ``options`` go to :func:`~credkit.forecast.cash.cash_forecast` (``min_history``,
    ``bands``, ``window_months``, ``overdue_in_days``); promises and plans made after
    ``as_of`` are ignored by the forecast, as it ignores everything later.

    >>> from datetime import date
    >>> backtest(Ledger(), as_of=date(2026, 1, 31), model="naive")
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: model: backtest runs both models itself; leave it out
    """
    if not isinstance(ledger, Ledger):
        raise ValidationError(f"ledger: expected a Ledger, got {describe(ledger)}")
    check_date(as_of, "as_of")
    if "model" in options:
        raise ValidationError("model: backtest runs both models itself; leave it out")
    promises = tuple(promises)
    plans = tuple(plans)
    known = known_on(ledger, as_of)
    forecast = cash_forecast(
        known, as_of=as_of, weeks=weeks, promises=promises, plans=plans, **options
    )
    naive = cash_forecast(
        known,
        as_of=as_of,
        weeks=weeks,
        promises=promises,
        plans=plans,
        model=ForecastModel.DUE_DATE,
        **options,
    )
    # by OpenItem.key: an invoice due in instalments is one item per instalment
    open_now = {
        i.key: i
        for i in known.open_items(as_of)
        if i.kind is DocumentKind.INVOICE and i.amount.is_positive
    }
    later: dict[str, list[tuple[Any, Money]]] = {key: [] for key in open_now}
    scheduled = {i.document_id for i in open_now.values() if i.instalment is not None}
    for allocation in ledger.allocations:
        if allocation.target_id in later and allocation.applied_on > as_of:
            later[allocation.target_id].append(
                (ledger.document(allocation.source_id), allocation.amount)
            )
    for invoice_id in sorted(scheduled):
        parts = ledger.instalment_allocations(invoice_id)
        for number, part in enumerate(parts, start=1):
            entries = later.get(item_key(invoice_id, number))
            if entries is None:
                continue
            for allocation, share in part:
                if allocation.applied_on > as_of:
                    entries.append((ledger.document(allocation.source_id), share))
    horizon_end = forecast.weekly[-1].end
    cash: dict[tuple[int, str], Decimal] = {}
    for entries in later.values():
        for source, amount in entries:
            if isinstance(source, Payment) and as_of < source.received_on <= horizon_end:
                key = (((source.received_on - as_of).days - 1) // 7, amount.currency)
                cash[key] = cash.get(key, Decimal(0)) + amount.amount
    expected = {f.item.key: f.expected_on for f in forecast.items}
    expected_naive = {f.item.key: f.expected_on for f in naive.items}
    errors: list[tuple[str, int, int]] = []
    skipped = 0
    for item_id, item in open_now.items():
        entries = later[item_id]
        paid = all(isinstance(s, Payment) and s.received_on > as_of for s, _ in entries)
        total = sum((m.amount for _, m in entries), Decimal(0))
        guess, guess_naive = expected[item_id], expected_naive[item_id]
        if (
            not entries
            or not paid
            or total != item.amount.amount
            or guess is None
            or guess_naive is None
        ):
            skipped += 1
            continue
        arrived = max(s.received_on for s, _ in entries)
        errors.append((item_id, abs((guess - arrived).days), abs((guess_naive - arrived).days)))
    currencies = tuple(
        CurrencyErrors(
            code,
            actual=tuple(
                Money(cash.get((k, code), Decimal(0)), code).round() for k in range(weeks)
            ),
            forecast=tuple(w.amount(code) for w in forecast.weekly),
            naive=tuple(w.amount(code) for w in naive.weekly),
        )
        for code in forecast.currencies
    )
    return Backtest(
        as_of,
        weeks=weeks,
        item_errors=tuple(errors),
        skipped=skipped,
        currencies=currencies,
        forecast=forecast,
        naive=naive,
    )
