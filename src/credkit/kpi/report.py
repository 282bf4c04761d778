"""Receivables KPIs of a period, computed from a :class:`~credkit.ledger.Ledger`.

:func:`kpis` reads the figures every KPI of ``credkit.kpi.formulas`` needs off a
ledger, for the period from ``period_start`` to ``period_end`` (both included):

- **credit sales**: invoices issued in the period;
- **beginning AR**: open invoice amounts at the end of the day before ``period_start``;
- **ending AR**: open invoice amounts at the end of ``period_end``, and of those the
  **current** AR, not yet due on that day (due on ``period_end`` or later);
- **written off**: credit notes marked ``write_off`` issued in the period;
- **unapplied**: payments and credit notes received but not applied to an invoice at
  the end of the period (zero or negative). It is shown, not netted into AR: netting
  unapplied cash would make DSO look better while the cash sits unallocated.

Figures are kept per currency, never summed across currencies, unless a reporting
``currency`` is given: then every amount is converted with :func:`credkit.fx.convert`
(receivables at the rate of their snapshot date, sales and write-offs at the rate of
their document date, one conversion per currency and day). A KPI that is undefined
for the period (no credit sales, no receivables) is ``None`` in the report, and
``undefined`` says why; it is never a made-up number.

>>> from datetime import date
>>> from credkit.ledger import Customer, Invoice, Ledger
>>> ledger = Ledger(
...     customers=[Customer("C1", "Acme", country="FR", currency="EUR")],
...     invoices=[
...         Invoice("I1", "C1", date(2026, 1, 10), date(2026, 2, 9), Money.of(3000, "EUR")),
...         Invoice("I2", "C1", date(2026, 3, 20), date(2026, 4, 19), Money.of(1000, "EUR")),
...     ],
... )
>>> report = kpis(ledger, period_start=date(2026, 1, 1), period_end=date(2026, 3, 31))
>>> eur = report["EUR"]
>>> str(eur.ending_ar), str(eur.ending_current_ar), eur.percent_current
('4000 EUR', '1000 EUR', Decimal('25'))
>>> eur.dso
Decimal('90')
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping
from decimal import Decimal
from typing import Any

import attrs
from dateutil.relativedelta import relativedelta

from credkit._notebook import html_table, rows_caption, text_rows
from credkit._validate import check_date
from credkit.errors import ValidationError
from credkit.fx import RateSource, convert
from credkit.kpi.formulas import (
    UndefinedKPIError,
    ar_turnover,
    average_days_delinquent,
    bad_debt_ratio,
    best_possible_dso,
    collection_effectiveness_index,
    dso_countback,
    dso_simple,
    percent_current,
    turnover_days,
)
from credkit.ledger import CreditNote, DocumentKind, Invoice, Ledger, OpenItem, Settlement
from credkit.money import Money

__all__ = ["InvoiceHistory", "KPIFigures", "KPIReport", "kpis", "monthly_series"]

_ONE_DAY = datetime.timedelta(days=1)


@attrs.frozen
class KPIFigures:
    """The receivables figures and KPIs of one period in one currency.

    Amounts are :class:`~credkit.money.Money` in ``currency``; KPIs are unrounded
    ``Decimal`` values, or ``None`` when undefined for the period, with the reason in
    ``undefined`` (keyed by the KPI's field name). ``written_off`` is ``None`` when the
    source does not record write-offs (an :class:`InvoiceHistory`). Units: DSO, best possible DSO,
    average days delinquent and turnover days in days; CEI and percent current in
    percent; the bad-debt ratio as a fraction; the turnover in times per period.

    >>> zero = Money.zero("EUR")
    >>> f = KPIFigures("EUR", beginning_ar=zero, ending_ar=Money.of(50, "EUR"),
    ...                ending_current_ar=Money.of(20, "EUR"), unapplied=zero,
    ...                credit_sales=zero, written_off=zero, days=31, months=Decimal(1))
    >>> f.dso is None, f.undefined["dso"]
    (True, 'credit_sales: DSO is undefined with zero credit sales')
    >>> f.percent_current, str(f.ending_overdue_ar)
    (Decimal('40'), '30 EUR')
    """

    currency: str
    beginning_ar: Money = attrs.field(kw_only=True)
    ending_ar: Money = attrs.field(kw_only=True)
    ending_current_ar: Money = attrs.field(kw_only=True)
    unapplied: Money = attrs.field(kw_only=True)
    credit_sales: Money = attrs.field(kw_only=True)
    written_off: Money | None = attrs.field(kw_only=True)
    days: int = attrs.field(kw_only=True)
    months: Decimal = attrs.field(kw_only=True)
    sales_history: tuple[tuple[int, Money], ...] = attrs.field(default=(), kw_only=True)
    dso: Decimal | None = attrs.field(init=False)
    countback_dso: Decimal | None = attrs.field(init=False)
    best_possible_dso: Decimal | None = attrs.field(init=False)
    average_days_delinquent: Decimal | None = attrs.field(init=False)
    collection_effectiveness_index: Decimal | None = attrs.field(init=False)
    bad_debt_ratio: Decimal | None = attrs.field(init=False)
    ar_turnover: Decimal | None = attrs.field(init=False)
    turnover_days: Decimal | None = attrs.field(init=False)
    percent_current: Decimal | None = attrs.field(init=False)
    undefined: Mapping[str, str] = attrs.field(init=False, hash=False)

    def __attrs_post_init__(self) -> None:
        for field in (
            "beginning_ar",
            "ending_ar",
            "ending_current_ar",
            "unapplied",
            "credit_sales",
            "written_off",
        ):
            value = getattr(self, field)
            if value is None and field == "written_off":
                continue
            if not isinstance(value, Money) or value.currency != self.currency:
                raise ValidationError(f"{field}: expected Money in {self.currency}, got {value!r}")
        undefined: dict[str, str] = {}

        def attempt(name: str, function: Callable[..., Decimal], *args: Any) -> None:
            try:
                value: Decimal | None = function(*args)
            except UndefinedKPIError as error:
                undefined[name] = error.message
                value = None
            object.__setattr__(self, name, value)

        total, current, sales = self.ending_ar, self.ending_current_ar, self.credit_sales
        attempt("dso", dso_simple, total, sales, self.days)
        if self.sales_history:
            attempt("countback_dso", dso_countback, total, list(self.sales_history))
        elif total.is_zero:
            object.__setattr__(self, "countback_dso", Decimal(0))
        else:
            undefined["countback_dso"] = (
                f"sales_history: no credit sales in {self.currency} up to the end of the period"
            )
            object.__setattr__(self, "countback_dso", None)
        attempt("best_possible_dso", best_possible_dso, current, sales, self.days)
        attempt(
            "average_days_delinquent", average_days_delinquent, total, current, sales, self.days
        )
        attempt(
            "collection_effectiveness_index",
            collection_effectiveness_index,
            self.beginning_ar,
            sales,
            total,
            current,
            self.months,
        )
        if self.written_off is None:
            undefined["bad_debt_ratio"] = (
                "written_off: not known (an invoice history does not record write-offs)"
            )
            object.__setattr__(self, "bad_debt_ratio", None)
        else:
            attempt("bad_debt_ratio", bad_debt_ratio, self.written_off, sales)
        attempt("ar_turnover", ar_turnover, sales, self.average_ar)
        if self.ar_turnover is None:
            undefined["turnover_days"] = f"ar_turnover: undefined ({undefined['ar_turnover']})"
            object.__setattr__(self, "turnover_days", None)
        else:
            attempt("turnover_days", turnover_days, self.days, self.ar_turnover)
        attempt("percent_current", percent_current, current, total)
        object.__setattr__(self, "undefined", undefined)

    def __add__(self, other: KPIFigures) -> KPIFigures:
        """The figures of two disjoint parts of a book (two sets of customers), as one.

        Every amount is a sum over documents, so the amounts add, and the KPIs are
        worked out again from the sums: the result equals the figures of the whole book.
        The sales histories add month by month and reach as far back as the longer one
        (months without sales beyond the last sale never change a KPI).
        ``written_off`` is unknown (None) if it is unknown on either side.

        >>> z = Money.zero("EUR")
        >>> def part(ar: int, sales: int) -> KPIFigures:
        ...     return KPIFigures("EUR", beginning_ar=z, ending_ar=Money.of(ar, "EUR"),
        ...                       ending_current_ar=z, unapplied=z, credit_sales=Money.of(sales, "EUR"),
        ...                       written_off=z, days=30, months=Decimal(1))
        >>> (part(300, 900) + part(100, 300)).dso
        Decimal('10')
        """
        if not isinstance(other, KPIFigures):
            return NotImplemented
        if (other.currency, other.days, other.months) != (self.currency, self.days, self.months):
            raise ValidationError(
                f"other: figures of {other.currency} over {other.days} days "
                f"({other.months} months) do not add to figures of {self.currency} over "
                f"{self.days} days ({self.months} months); add figures of one currency and period"
            )
        written = (
            None
            if self.written_off is None or other.written_off is None
            else self.written_off + other.written_off
        )
        longer, shorter = sorted((self.sales_history, other.sales_history), key=len, reverse=True)
        history = tuple(
            (days, amount + shorter[index][1]) if index < len(shorter) else (days, amount)
            for index, (days, amount) in enumerate(longer)
        )
        return KPIFigures(
            self.currency,
            beginning_ar=self.beginning_ar + other.beginning_ar,
            ending_ar=self.ending_ar + other.ending_ar,
            ending_current_ar=self.ending_current_ar + other.ending_current_ar,
            unapplied=self.unapplied + other.unapplied,
            credit_sales=self.credit_sales + other.credit_sales,
            written_off=written,
            days=self.days,
            months=self.months,
            sales_history=history,
        )

    @property
    def ending_overdue_ar(self) -> Money:
        """Ending AR past its due date (ending AR - ending current AR).

        >>> z = Money.zero("USD")
        >>> str(KPIFigures("USD", beginning_ar=z, ending_ar=Money.of(9, "USD"), ending_current_ar=z,
        ...                unapplied=z, credit_sales=z, written_off=z, days=1, months=Decimal(1)).ending_overdue_ar)
        '9 USD'
        """
        return self.ending_ar - self.ending_current_ar

    @property
    def average_ar(self) -> Money:
        """(beginning AR + ending AR) / 2, the denominator of the turnover.

        >>> z = Money.zero("USD")
        >>> KPIFigures("USD", beginning_ar=Money.of(10, "USD"), ending_ar=Money.of(20, "USD"),
        ...            ending_current_ar=z, unapplied=z, credit_sales=z, written_off=z,
        ...            days=1, months=Decimal(1)).average_ar
        Money('15', 'USD')
        """
        return (self.beginning_ar + self.ending_ar) / 2  # type: ignore[no-any-return]


@attrs.frozen
class KPIReport:
    """KPIs of one period, one :class:`KPIFigures` per currency (sorted by code).

    ``currency`` is the reporting currency when amounts were converted into one
    (then there is a single entry), else ``None``. ``days`` is the length of the
    period and ``months`` the number of calendar months in it (a partial month counts
    as its share of days), the ``N`` of the collection effectiveness index. Index a
    report by currency code.

    >>> report = KPIReport(datetime.date(2026, 1, 1), datetime.date(2026, 1, 31), days=31,
    ...                    months=Decimal(1), figures=())
    >>> report["EUR"]
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: currency: no figures in 'EUR' for 2026-01-01 to 2026-01-31; the report has none
    """

    period_start: datetime.date
    period_end: datetime.date
    days: int = attrs.field(kw_only=True)
    months: Decimal = attrs.field(kw_only=True)
    figures: tuple[KPIFigures, ...] = attrs.field(kw_only=True)
    currency: str | None = attrs.field(default=None, kw_only=True)

    @property
    def currencies(self) -> tuple[str, ...]:
        """The currencies the report has figures for.

        >>> KPIReport(datetime.date(2026, 1, 1), datetime.date(2026, 1, 31), days=31,
        ...           months=Decimal(1), figures=()).currencies
        ()
        """
        return tuple(f.currency for f in self.figures)

    def __add__(self, other: KPIReport) -> KPIReport:
        """The report of two disjoint parts of a book (two sets of customers) for one period.

        Figures of a currency on both sides add (:meth:`KPIFigures.__add__`); a currency
        on one side only is taken as it is. So KPIs computed per partition (per process,
        per file, per worker) merge into exactly the report of the whole book.

        >>> jan = (datetime.date(2026, 1, 1), datetime.date(2026, 1, 31))
        >>> (KPIReport(*jan, days=31, months=Decimal(1), figures=())
        ...  + KPIReport(*jan, days=31, months=Decimal(1), figures=())).currencies
        ()
        """
        if not isinstance(other, KPIReport):
            return NotImplemented
        mine = (self.period_start, self.period_end, self.currency)
        theirs = (other.period_start, other.period_end, other.currency)
        if mine != theirs:
            raise ValidationError(
                f"other: a report of {other.period_start.isoformat()} to "
                f"{other.period_end.isoformat()} (currency {other.currency}) does not add to "
                f"one of {self.period_start.isoformat()} to {self.period_end.isoformat()} "
                f"(currency {self.currency}); add reports of one period"
            )
        merged = {f.currency: f for f in self.figures}
        for figures in other.figures:
            mine_figures = merged.get(figures.currency)
            merged[figures.currency] = figures if mine_figures is None else mine_figures + figures
        return KPIReport(
            self.period_start,
            self.period_end,
            days=self.days,
            months=self.months,
            figures=tuple(merged[code] for code in sorted(merged)),
            currency=self.currency,
        )

    def __getitem__(self, currency: str) -> KPIFigures:
        for figures in self.figures:
            if figures.currency == currency:
                return figures
        raise ValidationError(
            f"currency: no figures in {currency!r} for {self.period_start.isoformat()} to "
            f"{self.period_end.isoformat()}; the report has {', '.join(self.currencies) or 'none'}"
        )

    def to_records(self) -> list[dict[str, Any]]:
        """One record per currency for a data frame: the period, the amounts and the KPIs.

        Amounts are ``Decimal`` in the record's ``currency`` (``written_off`` is None when
        the source does not record write-offs); KPIs are the unrounded ``Decimal`` values
        of :class:`KPIFigures`, None where undefined. See the how-to guide on notebooks.

        >>> zero = Money.zero("EUR")
        >>> f = KPIFigures("EUR", beginning_ar=zero, ending_ar=Money.of(50, "EUR"),
        ...                ending_current_ar=Money.of(20, "EUR"), unapplied=zero,
        ...                credit_sales=zero, written_off=zero, days=31, months=Decimal(1))
        >>> report = KPIReport(datetime.date(2026, 1, 1), datetime.date(2026, 1, 31), days=31,
        ...                    months=Decimal(1), figures=(f,))
        >>> report.to_records()
        [{'period_start': datetime.date(2026, 1, 1), 'period_end': datetime.date(2026, 1, 31),
          'currency': 'EUR', 'days': 31, 'months': Decimal('1'), 'beginning_ar': Decimal('0'),
          'ending_ar': Decimal('50'), ..., 'dso': None, ..., 'percent_current': Decimal('40')}]
        """
        records = []
        for f in self.figures:
            written_off = None if f.written_off is None else f.written_off.amount
            records.append(
                {
                    "period_start": self.period_start,
                    "period_end": self.period_end,
                    "currency": f.currency,
                    "days": f.days,
                    "months": f.months,
                    "beginning_ar": f.beginning_ar.amount,
                    "ending_ar": f.ending_ar.amount,
                    "ending_current_ar": f.ending_current_ar.amount,
                    "ending_overdue_ar": f.ending_overdue_ar.amount,
                    "unapplied": f.unapplied.amount,
                    "credit_sales": f.credit_sales.amount,
                    "written_off": written_off,
                    "dso": f.dso,
                    "countback_dso": f.countback_dso,
                    "best_possible_dso": f.best_possible_dso,
                    "average_days_delinquent": f.average_days_delinquent,
                    "collection_effectiveness_index": f.collection_effectiveness_index,
                    "bad_debt_ratio": f.bad_debt_ratio,
                    "ar_turnover": f.ar_turnover,
                    "turnover_days": f.turnover_days,
                    "percent_current": f.percent_current,
                }
            )
        return records

    def to_rows(self) -> list[dict[str, Any]]:
        """:meth:`to_records` for CSV or JSON: decimals as plain strings, dates in ISO form.

        >>> KPIReport(datetime.date(2026, 1, 1), datetime.date(2026, 1, 31), days=31,
        ...           months=Decimal(1), figures=()).to_rows()
        []
        """
        return text_rows(self.to_records())

    def _repr_html_(self) -> str:
        """The records as an HTML table, for Jupyter.

        >>> KPIReport(datetime.date(2026, 1, 1), datetime.date(2026, 1, 31), days=31,
        ...           months=Decimal(1), figures=())._repr_html_().count("<caption")
        1
        """
        records = self.to_records()
        what = f"{self.period_start.isoformat()} to {self.period_end.isoformat()}"
        return html_table(rows_caption("KPIReport", what, len(records)), records)


def _invoices(values: Iterable[Invoice]) -> tuple[Invoice, ...]:
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise ValidationError(f"invoices: expected an iterable of Invoice, got {values!r}")
    return tuple(values)


def _settlements(values: Iterable[Settlement]) -> tuple[Settlement, ...]:
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise ValidationError(f"settlements: expected an iterable of Settlement, got {values!r}")
    return tuple(values)


@attrs.frozen(eq=False)
class InvoiceHistory:
    """Invoices and when each was paid in full: what a payment-history export holds.

    A stand-in for a :class:`~credkit.ledger.Ledger` when all there is is one CSV of
    invoices with a settled-date column (read with :func:`credkit.io.read_invoices`
    and :func:`credkit.io.read_settlements`). An invoice is open from its issue date
    until its settlement date, in full (such exports do not show partial payments);
    there are no credit notes, unapplied cash or write-offs, so the bad-debt ratio is
    undefined. :func:`kpis` and :func:`monthly_series` take it in place of a ledger.

    >>> from datetime import date
    >>> from credkit.ledger import Invoice, Settlement
    >>> invoice = Invoice("I1", "C1", date(2026, 1, 5), date(2026, 2, 4), Money.of(10, "EUR"))
    >>> paid = Settlement("I1", "C1", date(2026, 1, 5), date(2026, 2, 4), Money.of(10, "EUR"),
    ...                   settled_on=date(2026, 2, 10), credited=Money.zero("EUR"))
    >>> history = InvoiceHistory([invoice], [paid])
    >>> len(history.open_items(date(2026, 2, 9))), len(history.open_items(date(2026, 2, 10)))
    (1, 0)
    """

    invoices: tuple[Invoice, ...] = attrs.field(converter=_invoices)
    settlements: tuple[Settlement, ...] = attrs.field(converter=_settlements, default=())
    _settled: dict[str, datetime.date] = attrs.field(init=False, repr=False)

    def __attrs_post_init__(self) -> None:
        seen: set[str] = set()
        for index, invoice in enumerate(self.invoices):
            if not isinstance(invoice, Invoice):
                raise ValidationError(
                    f"invoices[{index}]: expected a credkit.ledger.Invoice, "
                    f"got {type(invoice).__name__} {invoice!r}"
                )
            if invoice.id in seen:
                raise ValidationError(f"invoices[{index}].id: duplicate invoice id {invoice.id!r}")
            seen.add(invoice.id)
        settled: dict[str, datetime.date] = {}
        for index, settlement in enumerate(self.settlements):
            if not isinstance(settlement, Settlement):
                raise ValidationError(
                    f"settlements[{index}]: expected a credkit.ledger.Settlement, "
                    f"got {type(settlement).__name__} {settlement!r}"
                )
            if settlement.invoice_id not in seen:
                raise ValidationError(
                    f"settlements[{index}].invoice_id: {settlement.invoice_id!r} is not one "
                    "of the invoices"
                )
            settled[settlement.invoice_id] = settlement.settled_on
        object.__setattr__(self, "_settled", settled)

    @property
    def credit_notes(self) -> tuple[CreditNote, ...]:
        """None: an invoice history has no credit notes.

        >>> InvoiceHistory([]).credit_notes
        ()
        """
        return ()

    def open_items(self, as_of: datetime.date) -> tuple[OpenItem, ...]:
        """The invoices issued by ``as_of`` and not settled by then, in full.

        >>> InvoiceHistory([]).open_items(datetime.date(2026, 1, 1))
        ()
        """
        items = []
        for invoice in self.invoices:
            if invoice.issue_date > as_of:
                continue
            paid = self._settled.get(invoice.id)
            if paid is not None and paid <= as_of:
                continue
            items.append(
                OpenItem(
                    invoice.id,
                    invoice.customer_id,
                    DocumentKind.INVOICE,
                    invoice.issue_date,
                    invoice.due_date,
                    invoice.amount,
                    original_amount=invoice.amount,
                    disputed=invoice.disputed,
                )
            )
        return tuple(items)


# -- computing from a ledger -------------------------------------------------------------


def _check_reporting(currency: object, rates: object) -> str | None:
    if currency is None:
        if rates is not None:
            raise ValidationError(
                "rates: given without a reporting currency; pass currency='EUR' (for "
                "example) to convert every amount into it, or leave rates out"
            )
        return None
    Money.zero(currency)  # type: ignore[arg-type]  # raises a ValidationError naming 'currency'
    if rates is not None and not isinstance(rates, RateSource):
        raise ValidationError(
            f"rates: expected a credkit.fx.RateSource such as a RateTable, "
            f"got {type(rates).__name__} {rates!r}"
        )
    assert isinstance(currency, str)
    return currency


def _month_end(day: datetime.date) -> datetime.date:
    return day + relativedelta(day=31)


def _months_in(start: datetime.date, end: datetime.date) -> Decimal:
    total = Decimal(0)
    cursor = start
    while True:
        last = _month_end(cursor)
        stop = min(last, end)
        total += Decimal((stop - cursor).days + 1) / Decimal(last.day)
        if stop >= end:
            return total
        cursor = stop + _ONE_DAY


class _Totals:
    """Sums per (key, currency), converted into one currency on document dates if asked."""

    def __init__(self, to: str | None, rates: RateSource | None) -> None:
        self._to = to
        self._rates = rates
        self._raw: dict[tuple[Hashable, str, datetime.date | None], Decimal] = defaultdict(Decimal)

    def add(self, key: Hashable, money: Money, on: datetime.date) -> None:
        when = on if self._to is not None and money.currency != self._to else None
        self._raw[(key, money.currency, when)] += money.amount

    def result(self) -> dict[Hashable, dict[str, Decimal]]:
        out: dict[Hashable, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
        for (key, currency, on), total in self._raw.items():
            if self._to is None or on is None:
                out[key][currency] += total
                continue
            if self._rates is None:
                raise ValidationError(
                    f"rates: needed to convert {currency} amounts into the reporting currency "
                    f"{self._to}; pass a credkit.fx.RateSource such as a RateTable"
                )
            converted = convert(Money(total, currency), self._to, on=on, rates=self._rates)
            out[key][self._to] += converted.amount
        return out


def kpis(
    ledger: Ledger | InvoiceHistory,
    *,
    period_start: datetime.date,
    period_end: datetime.date,
    currency: str | None = None,
    rates: RateSource | None = None,
) -> KPIReport:
    """All receivables KPIs of the period ``period_start`` .. ``period_end`` (inclusive).

    Without ``currency`` there is one :class:`KPIFigures` per currency that has any
    receivables, sales or write-offs in the period. With ``currency`` (and ``rates``
    whenever a document is in another currency) every amount is converted into it and
    there is one entry. The countback DSO walks back from ``period_end`` through the
    credit sales of each calendar month (the month of ``period_end`` up to that day,
    then whole months) as far as the ledger goes. An :class:`InvoiceHistory` can stand
    in for the ledger.

    >>> from datetime import date
    >>> from credkit.ledger import Customer, Invoice, Ledger
    >>> ledger = Ledger(
    ...     customers=[Customer("C1", "Acme", country="US", currency="USD")],
    ...     invoices=[Invoice("I1", "C1", date(2026, 1, 5), date(2026, 2, 4), Money.of(100, "USD"))],
    ... )
    >>> report = kpis(ledger, period_start=date(2026, 1, 1), period_end=date(2026, 1, 31))
    >>> report.currencies, report.days, report.months
    (('USD',), 31, Decimal('1'))
    >>> usd = report["USD"]
    >>> usd.dso, usd.countback_dso, usd.percent_current
    (Decimal('31'), Decimal('31'), Decimal('100'))
    >>> print(usd.collection_effectiveness_index, usd.undefined["collection_effectiveness_index"])
    None ending_current_ar: CEI is undefined when beginning AR + monthly credit sales (100 USD) equals the ending current AR (nothing was due)
    """
    if not isinstance(ledger, Ledger | InvoiceHistory):
        raise ValidationError(
            "ledger: expected a credkit.ledger.Ledger or a credkit.kpi.InvoiceHistory, "
            f"got {type(ledger).__name__}"
        )
    start, end = _check_period(period_start, period_end)
    to = _check_reporting(currency, rates)
    totals = _Totals(to, rates)
    beginning = start - _ONE_DAY
    for as_of, key in ((beginning, "beginning"), (end, "ending")):
        for item in ledger.open_items(as_of):
            if item.kind is DocumentKind.INVOICE:
                totals.add(key, item.amount, as_of)
                if key == "ending" and item.due_date >= as_of:
                    totals.add("current", item.amount, as_of)
            elif key == "ending":
                totals.add("unapplied", item.amount, as_of)
    for invoice in ledger.invoices:
        issued = invoice.issue_date
        if issued > end:
            continue
        if issued >= start:
            totals.add("sales", invoice.amount, issued)
        totals.add(("month", issued.replace(day=1)), invoice.amount, issued)
    for note in ledger.credit_notes:
        if note.write_off and start <= note.issue_date <= end:
            totals.add("written_off", note.amount, note.issue_date)
    return _report(
        totals.result(),
        start=start,
        end=end,
        to=to,
        write_offs=not isinstance(ledger, InvoiceHistory),
    )


def _check_period(period_start: object, period_end: object) -> tuple[datetime.date, datetime.date]:
    """The period's first and last day, checked as :func:`kpis` checks them."""
    start = check_date(period_start, "period_start")
    end = check_date(period_end, "period_end")
    if end < start:
        raise ValidationError(
            f"period_end: {end.isoformat()} is before period_start {start.isoformat()}"
        )
    if start == datetime.date.min:
        raise ValidationError(
            f"period_start: {start.isoformat()} is the first day Python supports; the "
            "beginning receivables are read on the day before period_start, so start on "
            f"{(start + _ONE_DAY).isoformat()} or later"
        )
    return start, end


def _report(
    sums: Mapping[Hashable, Mapping[str, Decimal]],
    *,
    start: datetime.date,
    end: datetime.date,
    to: str | None,
    write_offs: bool,
) -> KPIReport:
    """The report of the period's sums, the one place where figures are made of them.

    ``sums`` maps ``"beginning"``, ``"ending"``, ``"current"``, ``"unapplied"``,
    ``"sales"``, ``"written_off"`` and ``("month", first day)`` (credit sales of each
    month up to ``end``) to the totals per currency (in ``to`` when converted). Both
    :func:`kpis` and :func:`credkit.io.kpis_from_file` (either engine) end here.
    ``write_offs`` says whether the source records write-offs.
    """
    month_of_end = end.replace(day=1)
    scalar_keys = ("beginning", "ending", "current", "unapplied", "sales", "written_off")
    currencies = sorted({code for key in scalar_keys for code in sums.get(key, {})})
    if to is not None:
        currencies = [to]
    days = (end - start).days + 1
    months = _months_in(start, end)
    earliest = min(
        (k[1] for k in sums if isinstance(k, tuple) and k[0] == "month"), default=month_of_end
    )
    figures = []
    for code in currencies:

        def money(key: Hashable, code: str = code) -> Money:
            return Money(sums.get(key, {}).get(code, Decimal(0)), code)

        history: list[tuple[int, Money]] = []
        cursor = month_of_end
        while True:
            length = end.day if cursor == month_of_end else _month_end(cursor).day
            history.append((length, money(("month", cursor))))
            if cursor <= earliest:
                break
            cursor -= relativedelta(months=1)
        if not any(amount.is_positive for _days, amount in history):
            history = []
        figures.append(
            KPIFigures(
                code,
                beginning_ar=money("beginning"),
                ending_ar=money("ending"),
                ending_current_ar=money("current"),
                unapplied=money("unapplied"),
                credit_sales=money("sales"),
                written_off=money("written_off") if write_offs else None,
                days=days,
                months=months,
                sales_history=tuple(history),
            )
        )
    return KPIReport(start, end, days=days, months=months, figures=tuple(figures), currency=to)


def monthly_series(
    ledger: Ledger | InvoiceHistory,
    *,
    end: datetime.date,
    months: int = 12,
    currency: str | None = None,
    rates: RateSource | None = None,
) -> tuple[KPIReport, ...]:
    """One :class:`KPIReport` per calendar month, oldest first, the last one ending on ``end``.

    The months are the ``months`` calendar months up to and including the month of
    ``end``; all are whole months except the last, which runs from the first of the
    month to ``end``. Read ``report["EUR"].dso`` (or ``countback_dso``) of each for the
    DSO trend.

    >>> from datetime import date
    >>> series = monthly_series(Ledger(), end=date(2026, 3, 15), months=3)
    >>> [(r.period_start.isoformat(), r.period_end.isoformat()) for r in series]
    [('2026-01-01', '2026-01-31'), ('2026-02-01', '2026-02-28'), ('2026-03-01', '2026-03-15')]
    """
    return tuple(
        kpis(ledger, period_start=first, period_end=stop, currency=currency, rates=rates)
        for first, stop in _series_periods(end, months)
    )


def _series_periods(end: object, months: object) -> list[tuple[datetime.date, datetime.date]]:
    """The (first, last) days of the months of :func:`monthly_series`, checked, oldest first."""
    last = check_date(end, "end")
    if isinstance(months, bool) or not isinstance(months, int) or months < 1:
        raise ValidationError(f"months: expected a whole number of months >= 1, got {months!r}")
    # A report reads its beginning receivables on the day before its first day, which
    # must exist: the series cannot start on 0001-01-01.
    available = (last.year - 1) * 12 + last.month - 1  # months after January of year 1
    if months > available:
        raise ValidationError(
            f"months: {months} months up to {last.isoformat()} reach back to January of year "
            f"1 or earlier; at most {available} fit after the first day Python supports"
        )
    periods = []
    for back in range(months - 1, -1, -1):
        first = last.replace(day=1) - relativedelta(months=back)
        periods.append((first, last if back == 0 else _month_end(first)))
    return periods
