"""Aged receivables as of a date: :func:`age` and the :class:`AgingReport` it returns.

:func:`age` sorts open items into :class:`~credkit.aging.buckets.Buckets` by their age
in days on a chosen :class:`~credkit.aging.buckets.AgingBasis`, one row per customer
and currency. Positive items (what customers owe) go into the day buckets; negative
items (unapplied cash and unapplied credit notes) go into their own *unapplied* column
and never into a day bucket, so that for every row

    sum of the day buckets + unapplied = total = the open balance

exactly, and the rows of each currency add up exactly to that currency's totals.
Disputed invoices stay in their day buckets and are *also* shown in the *disputed*
column ("of which disputed").

>>> from datetime import date
>>> from credkit.ledger import Customer, Invoice, Ledger, Payment
>>> from credkit.money import Money
>>> ledger = Ledger(
...     customers=[Customer("C1", "Acme GmbH", country="DE", currency="EUR")],
...     invoices=[
...         Invoice("I1", "C1", date(2026, 1, 5), date(2026, 2, 4), Money.of("1000.00", "EUR")),
...         Invoice("I2", "C1", date(2026, 3, 1), date(2026, 3, 31), Money.of("250.00", "EUR")),
...     ],
...     payments=[Payment("P1", "C1", date(2026, 3, 10), Money.of("100.00", "EUR"))],
... )
>>> report = age(ledger, as_of=date(2026, 3, 15))
>>> {label: str(amount) for label, amount in report.by_bucket("C1").items() if amount.amount}
{'Not yet due': '250.00 EUR', '31-60': '1000.00 EUR'}
>>> row = report.row("C1")
>>> str(row.unapplied), str(row.total), row.oldest_days
('-100.00 EUR', '1150.00 EUR', 39)
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator, Sequence
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, ROUND_HALF_UP, Context, Decimal, localcontext
from typing import Any, Final, Literal

import attrs

from credkit.aging.buckets import STANDARD, AgingBasis, Buckets
from credkit.errors import ValidationError
from credkit.fx import RateSource, convert
from credkit.ledger import Ledger, OpenItem
from credkit.money import Money, minor_units

__all__ = ["AgingReport", "AgingRow", "age"]

_EXACT: Final = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN)
"""Additions in this context never round: sums of amounts are exact whatever their size."""


def _zero(currency: str) -> Decimal:
    """Zero with the currency's minor units, so sums print as ``0.00`` rather than ``0``."""
    return Decimal(0).scaleb(-minor_units(currency))


def _sum(values: Iterable[Decimal], currency: str) -> Decimal:
    total = _zero(currency)
    for value in values:
        total = _EXACT.add(total, value)
    return total


def _plain(amount: Decimal) -> str:
    return format(amount, "f")


def _check_money(row: AgingRow, field: str, value: object) -> Money:
    if not isinstance(value, Money):
        raise ValidationError(f"{field}: expected Money, got {type(value).__name__} {value!r}")
    if value.currency != row.currency:
        raise ValidationError(f"{field}: {value} is not in the row's currency {row.currency}")
    return value


def _check_buckets(value: object) -> Buckets:
    if not isinstance(value, Buckets):
        raise ValidationError(
            f"buckets: expected Buckets (such as STANDARD or Buckets.from_edges([...])), "
            f"got {type(value).__name__} {value!r}"
        )
    return value


def _check_basis(value: object) -> AgingBasis:
    if not isinstance(value, AgingBasis):
        accepted = ", ".join(f"AgingBasis.{b.name}" for b in AgingBasis)
        raise ValidationError(
            f"basis: expected one of {accepted}, got {type(value).__name__} {value!r}"
        )
    return value


def _check_currency(field: str, value: object) -> str:
    if not isinstance(value, str):
        raise ValidationError(
            f"{field}: expected an ISO 4217 code such as 'EUR', got {type(value).__name__} "
            f"{value!r}"
        )
    Money.zero(value)  # an unknown code raises a ValidationError naming it
    return value


def _customer_id(_instance: object, _attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and (not isinstance(value, str) or not value):
        raise ValidationError(
            "customer_id: expected a customer id (a non-empty string), or None on a total "
            f"line, got {type(value).__name__} {value!r}"
        )


def _oldest_days(_instance: object, _attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
        raise ValidationError(
            f"oldest_days: expected a whole number of days >= 1 or None, got "
            f"{type(value).__name__} {value!r}"
        )


def _money_tuple(values: Iterable[Money]) -> tuple[Money, ...]:
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise ValidationError(
            f"amounts: expected one Money per bucket, got {type(values).__name__} {values!r}"
        )
    return tuple(values)


@attrs.frozen
class AgingRow:
    """One line of an aging report: a customer's open items in one currency.

    ``customer_id`` is None on a currency's total line. ``amounts`` holds one amount per
    bucket, in the report's bucket order (positive items only); ``unapplied`` the sum of
    negative items (unapplied cash and credit notes, zero or below); ``disputed`` how
    much of the bucket amounts is on disputed items; ``count`` how many open items the
    line covers (negative ones included); ``oldest_days`` the largest age in days, on
    the report's basis, of a positive item older than 0 days (None if there is none).
    ``total`` is the sum of the buckets and ``unapplied``: the open balance.

    >>> from credkit.money import Money
    >>> row = AgingRow("C1", "EUR", (Money.of(50, "EUR"), Money.of(20, "EUR")),
    ...                unapplied=Money.of(-5, "EUR"), disputed=Money.of(0, "EUR"),
    ...                count=3, oldest_days=12)
    >>> row.total
    Money('65.00', 'EUR')
    >>> row.receivable
    Money('70.00', 'EUR')
    """

    customer_id: str | None = attrs.field(validator=_customer_id)
    currency: str = attrs.field(validator=lambda _i, _a, v: _check_currency("currency", v))
    amounts: tuple[Money, ...] = attrs.field(converter=_money_tuple)
    unapplied: Money = attrs.field(kw_only=True)
    disputed: Money = attrs.field(kw_only=True)
    count: int = attrs.field(kw_only=True)
    oldest_days: int | None = attrs.field(kw_only=True, validator=_oldest_days)

    def __attrs_post_init__(self) -> None:
        for index, amount in enumerate(self.amounts):
            _check_money(self, f"amounts[{index}]", amount)
            if amount.is_negative:
                raise ValidationError(
                    f"amounts[{index}]: bucket amounts are sums of positive items, got {amount}"
                )
        _check_money(self, "unapplied", self.unapplied)
        if self.unapplied.is_positive:
            raise ValidationError(
                f"unapplied: is the sum of negative items and cannot be above zero, "
                f"got {self.unapplied}"
            )
        _check_money(self, "disputed", self.disputed)
        if isinstance(self.count, bool) or not isinstance(self.count, int) or self.count < 0:
            raise ValidationError(f"count: expected a whole number >= 0, got {self.count!r}")

    @property
    def receivable(self) -> Money:
        """What the line's customers owe before unapplied credits: the sum of the buckets.

        >>> AgingRow(None, "JPY", (), unapplied=Money.zero("JPY"), disputed=Money.zero("JPY"),
        ...          count=0, oldest_days=None).receivable
        Money('0', 'JPY')
        """
        return Money(_sum((a.amount for a in self.amounts), self.currency), self.currency)

    @property
    def total(self) -> Money:
        """The open balance: the buckets plus ``unapplied`` (exact, never rounded).

        >>> AgingRow("C1", "EUR", (Money.of("10.00", "EUR"),), unapplied=Money.of("-2.50", "EUR"),
        ...          disputed=Money.zero("EUR"), count=2, oldest_days=None).total
        Money('7.50', 'EUR')
        """
        return Money(_EXACT.add(self.receivable.amount, self.unapplied.amount), self.currency)


def _total_row(currency: str, rows: Sequence[AgingRow], width: int) -> AgingRow:
    oldest = [r.oldest_days for r in rows if r.oldest_days is not None]
    return AgingRow(
        None,
        currency,
        tuple(
            Money(_sum((r.amounts[i].amount for r in rows), currency), currency)
            for i in range(width)
        ),
        unapplied=Money(_sum((r.unapplied.amount for r in rows), currency), currency),
        disputed=Money(_sum((r.disputed.amount for r in rows), currency), currency),
        count=sum(r.count for r in rows),
        oldest_days=max(oldest, default=None),
    )


def _rows(values: Iterable[AgingRow]) -> tuple[AgingRow, ...]:
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise ValidationError(
            f"rows: expected a list of AgingRow, got {type(values).__name__} {values!r}"
        )
    rows = tuple(values)
    for index, row in enumerate(rows):
        if not isinstance(row, AgingRow):
            raise ValidationError(
                f"rows[{index}]: expected an AgingRow, got {type(row).__name__} {row!r}"
            )
    return tuple(sorted(rows, key=lambda r: (r.customer_id or "", r.currency)))


def _check_date(field: str, value: object) -> datetime.date:
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
        raise ValidationError(
            f"{field}: expected a datetime.date, got {type(value).__name__} {value!r}"
        )
    return value


@attrs.frozen
class AgingReport:
    """Aged receivables as of a date: rows per customer and currency, and totals.

    Build it with :func:`age`. ``rows`` are sorted by customer id, then currency;
    :attr:`totals` has one line per currency whose amounts are the exact sums of that
    currency's rows. ``currency`` is the reporting currency when :func:`age` converted
    every item into one, else None. Reports over disjoint sets of customers with the
    same ``as_of``, ``basis``, ``buckets`` and ``currency`` add up with ``+``.

    >>> from datetime import date
    >>> from credkit.ledger import DocumentKind, OpenItem
    >>> from credkit.money import Money
    >>> def item(id_, customer, due, amount):
    ...     return OpenItem(id_, customer, DocumentKind.INVOICE, date(2026, 1, 1), due,
    ...                     Money.of(amount, "EUR"))
    >>> north = age([item("I1", "C1", date(2026, 2, 1), 100)], as_of=date(2026, 3, 1))
    >>> south = age([item("I2", "C2", date(2026, 3, 1), 40)], as_of=date(2026, 3, 1))
    >>> both = north + south
    >>> [r.customer_id for r in both.rows], str(both.total("EUR").total)
    (['C1', 'C2'], '140.00 EUR')
    """

    as_of: datetime.date = attrs.field(validator=lambda _i, _a, v: _check_date("as_of", v))
    rows: tuple[AgingRow, ...] = attrs.field(converter=_rows)
    buckets: Buckets = attrs.field(
        default=STANDARD, kw_only=True, validator=lambda _i, _a, v: _check_buckets(v)
    )
    basis: AgingBasis = attrs.field(
        default=AgingBasis.DUE_DATE, kw_only=True, validator=lambda _i, _a, v: _check_basis(v)
    )
    currency: str | None = attrs.field(
        default=None,
        kw_only=True,
        validator=lambda _i, _a, v: None if v is None else _check_currency("currency", v),
    )
    totals: tuple[AgingRow, ...] = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        width = len(self.buckets)
        seen: set[tuple[str | None, str]] = set()
        for index, row in enumerate(self.rows):
            if row.customer_id is None:
                raise ValidationError(
                    f"rows[{index}].customer_id: a report row needs a customer id "
                    "(None marks the total lines, which the report computes itself)"
                )
            if len(row.amounts) != width:
                raise ValidationError(
                    f"rows[{index}].amounts: has {len(row.amounts)} amounts for {width} buckets"
                )
            if self.currency is not None and row.currency != self.currency:
                raise ValidationError(
                    f"rows[{index}].currency: {row.currency} in a report in {self.currency}"
                )
            key = (row.customer_id, row.currency)
            if key in seen:
                raise ValidationError(
                    f"rows[{index}]: customer {row.customer_id!r} has two rows in {row.currency}"
                )
            seen.add(key)
        by_currency: dict[str, list[AgingRow]] = {}
        for row in self.rows:
            by_currency.setdefault(row.currency, []).append(row)
        totals = tuple(
            _total_row(currency, by_currency[currency], width) for currency in sorted(by_currency)
        )
        object.__setattr__(self, "totals", totals)

    # -- look-ups ---------------------------------------------------------------------

    @property
    def currencies(self) -> tuple[str, ...]:
        """The currencies that have a row, in alphabetical order.

        >>> from datetime import date
        >>> age([], as_of=date(2026, 1, 1)).currencies
        ()
        """
        return tuple(t.currency for t in self.totals)

    @property
    def customers(self) -> frozenset[str]:
        """The ids of the customers that have a row.

        >>> from datetime import date
        >>> age([], as_of=date(2026, 1, 1)).customers
        frozenset()
        """
        return frozenset(r.customer_id for r in self.rows if r.customer_id is not None)

    def _pick_currency(self, currency: str | None) -> str:
        if currency is not None:
            return currency
        if len(self.currencies) == 1:
            return self.currencies[0]
        listed = ", ".join(self.currencies) or "none"
        raise ValidationError(
            f"currency: the report has several currencies ({listed}) or none; name one"
        )

    def total(self, currency: str | None = None) -> AgingRow:
        """The total line of ``currency`` (may be left out when the report has just one).

        A currency without open items has a zero line.

        >>> from datetime import date
        >>> str(age([], as_of=date(2026, 1, 1)).total("EUR").total)
        '0.00 EUR'
        """
        code = self._pick_currency(currency)
        for line in self.totals:
            if line.currency == code:
                return line
        zero = Money(_zero(code), code)
        return AgingRow(
            None,
            code,
            (zero,) * len(self.buckets),
            unapplied=zero,
            disputed=zero,
            count=0,
            oldest_days=None,
        )

    def row(self, customer_id: str, currency: str | None = None) -> AgingRow:
        """The row of ``customer_id`` in ``currency`` (may be left out if the customer has one row).

        >>> from datetime import date
        >>> age([], as_of=date(2026, 1, 1)).row("C1")
        Traceback (most recent call last):
        ...
        credkit.errors.ValidationError: customer_id: 'C1' has no open items in this report
        """
        found = [
            r
            for r in self.rows
            if r.customer_id == customer_id and (currency is None or r.currency == currency)
        ]
        if not found:
            where = f" in {currency}" if currency else ""
            raise ValidationError(
                f"customer_id: {customer_id!r} has no open items{where} in this report"
            )
        if len(found) > 1:
            listed = ", ".join(r.currency for r in found)
            raise ValidationError(
                f"currency: customer {customer_id!r} has rows in {listed}; name one"
            )
        return found[0]

    def by_bucket(
        self, customer_id: str | None = None, currency: str | None = None
    ) -> dict[str, Money]:
        """Bucket label -> amount for a customer's row, or for a currency's total line.

        >>> from datetime import date
        >>> age([], as_of=date(2026, 1, 1)).by_bucket(currency="GBP")["1-30"]
        Money('0.00', 'GBP')
        """
        line = self.total(currency) if customer_id is None else self.row(customer_id, currency)
        return dict(zip(self.buckets.labels, line.amounts, strict=True))

    def __iter__(self) -> Iterator[AgingRow]:
        return iter(self.rows)

    # -- merging ----------------------------------------------------------------------

    def __add__(self, other: AgingReport) -> AgingReport:
        if not isinstance(other, AgingReport):
            return NotImplemented
        for field in ("as_of", "basis", "buckets", "currency"):
            mine, theirs = getattr(self, field), getattr(other, field)
            if mine != theirs:
                raise ValidationError(
                    f"{field}: cannot merge reports with different {field}, "
                    f"{_describe(mine)} and {_describe(theirs)}"
                )
        overlap = self.customers & other.customers
        if overlap:
            listed = ", ".join(repr(c) for c in sorted(overlap)[:5])
            more = f" and {len(overlap) - 5} more" if len(overlap) > 5 else ""
            raise ValidationError(
                f"rows: both reports have customers {listed}{more}; only reports over "
                "disjoint sets of customers can be merged"
            )
        return attrs.evolve(self, rows=(*self.rows, *other.rows))

    # -- export -----------------------------------------------------------------------

    def to_rows(self, *, by: Literal["customer", "total"] = "customer") -> list[dict[str, Any]]:
        """Plain dicts for CSV or JSON export: one per row (``by="customer"``) or per currency.

        Keys: ``customer_id`` (per-customer rows only), ``currency``, one key per bucket
        label, ``unapplied``, ``total``, ``disputed`` (amounts as plain decimal strings,
        exact), ``count`` (int) and ``oldest_days`` (int or None).

        >>> from datetime import date
        >>> from credkit.ledger import DocumentKind, OpenItem
        >>> from credkit.money import Money
        >>> item = OpenItem("I1", "C1", DocumentKind.INVOICE, date(2026, 1, 1), date(2026, 1, 31),
        ...                 Money.of("99.50", "EUR"))
        >>> age([item], as_of=date(2026, 3, 1)).to_rows(by="total")
        [{'currency': 'EUR', 'Not yet due': '0.00', '1-30': '99.50', ..., 'oldest_days': 29}]
        """
        if by == "customer":
            lines = self.rows
        elif by == "total":
            lines = self.totals
        else:
            raise ValidationError(f"by: expected 'customer' or 'total', got {by!r}")
        labels = self.buckets.labels
        result = []
        for line in lines:
            record: dict[str, Any] = {}
            if by == "customer":
                record["customer_id"] = line.customer_id
            record["currency"] = line.currency
            for label, amount in zip(labels, line.amounts, strict=True):
                record[label] = _plain(amount.amount)
            record["unapplied"] = _plain(line.unapplied.amount)
            record["total"] = _plain(line.total.amount)
            record["disputed"] = _plain(line.disputed.amount)
            record["count"] = line.count
            record["oldest_days"] = line.oldest_days
            result.append(record)
        return result

    def percent_by_bucket(
        self, currency: str | None = None, *, customer_id: str | None = None, places: int = 2
    ) -> dict[str, Decimal]:
        """Each bucket's share of the receivables (the sum of the buckets), in percent.

        For the currency's total line, or for one customer's row. Unapplied credits are
        left out of the base, so the shares describe what customers owe. Each share is
        rounded half up to ``places`` decimals on its own, so the shares may not add up to
        exactly 100: use them for charts and ratios, never for reconciliation. A line
        with nothing owed gives 0 for every bucket.

        >>> from datetime import date
        >>> from credkit.ledger import DocumentKind, OpenItem
        >>> from credkit.money import Money
        >>> items = [OpenItem(f"I{d}", "C1", DocumentKind.INVOICE, date(2026, 1, 1), date(2026, 1, d),
        ...                   Money.of(1, "EUR")) for d in (1, 2, 3)]
        >>> age(items, as_of=date(2026, 1, 2)).percent_by_bucket()
        {'Not yet due': Decimal('66.67'), '1-30': Decimal('33.33'), '31-60': Decimal('0.00'), ...}
        """
        if isinstance(places, bool) or not isinstance(places, int) or places < 0:
            raise ValidationError(f"places: expected a whole number >= 0, got {places!r}")
        line = (
            self.total(currency)
            if customer_id is None
            else self.row(customer_id, self._pick_currency(currency))
        )
        base = line.receivable.amount
        quantum = Decimal(1).scaleb(-places)
        context = Context(prec=max(28, base.adjusted() + places + 8))
        result = {}
        for label, amount in zip(self.buckets.labels, line.amounts, strict=True):
            share = (
                context.divide(context.multiply(amount.amount, Decimal(100)), base)
                if base
                else Decimal(0)
            )
            result[label] = share.quantize(quantum, rounding=ROUND_HALF_UP, context=context)
        return result


def _describe(value: object) -> str:
    if isinstance(value, Buckets):
        return "[" + ", ".join(value.labels) + "]"
    if isinstance(value, AgingBasis):
        return value.value
    if isinstance(value, datetime.date):
        return value.isoformat()
    return repr(value)


# -- aging ----------------------------------------------------------------------------


class _Line:
    """A row being summed up (mutable, private to :func:`age`)."""

    __slots__ = ("amounts", "count", "disputed", "oldest", "unapplied")

    def __init__(self, width: int, zero: Decimal) -> None:
        self.amounts = [zero] * width
        self.unapplied = zero
        self.disputed = zero
        self.count = 0
        self.oldest: int | None = None


def _items(items: Iterable[OpenItem] | Ledger, as_of: datetime.date) -> Iterable[OpenItem]:
    if isinstance(items, Ledger):
        return items.open_items(as_of)
    if isinstance(items, str | bytes | OpenItem) or not isinstance(items, Iterable):
        raise ValidationError(
            f"items: expected a Ledger or an iterable of OpenItem, "
            f"got {type(items).__name__} {items!r}"
        )
    return items


def age(
    items: Iterable[OpenItem] | Ledger,
    *,
    as_of: datetime.date,
    buckets: Buckets = STANDARD,
    basis: AgingBasis = AgingBasis.DUE_DATE,
    currency: str | None = None,
    rates: RateSource | None = None,
) -> AgingReport:
    """Age open items as of ``as_of`` into ``buckets``, per customer and currency.

    ``items`` is a :class:`~credkit.ledger.Ledger` (its open items as of ``as_of`` are
    aged, so payments and allocations dated later are ignored) or any iterable of
    :class:`~credkit.ledger.OpenItem`. Items issued after ``as_of`` are refused, and so
    is the same document twice.

    An item's age is ``as_of - due_date`` in days (``basis=AgingBasis.DUE_DATE``) or
    ``as_of - issue_date`` (``AgingBasis.ISSUE_DATE``). Items are sorted by sign:
    positive ones go into the bucket of their age, negative ones (unapplied cash and
    credit notes) into the *unapplied* column, whatever their age.

    Without ``currency`` each currency is reported on its own lines and never summed
    with another. With ``currency`` and ``rates``, every item is converted into
    ``currency`` at the rate in force on ``as_of`` (:func:`credkit.fx.convert`, which
    rounds each item to the currency's minor units) before it is summed.

    >>> from datetime import date
    >>> from credkit.fx import RateTable
    >>> from credkit.ledger import DocumentKind, OpenItem
    >>> from credkit.money import Money
    >>> items = [
    ...     OpenItem("I1", "C1", DocumentKind.INVOICE, date(2026, 1, 1), date(2026, 1, 31), Money.of("100.00", "EUR")),
    ...     OpenItem("I2", "C1", DocumentKind.INVOICE, date(2026, 1, 1), date(2026, 1, 31), Money.of("110.00", "USD")),
    ... ]
    >>> [str(t.total) for t in age(items, as_of=date(2026, 2, 15)).totals]
    ['100.00 EUR', '110.00 USD']
    >>> rates = RateTable.from_mapping({"2026-02-13": {"USD": "1.10"}}, base="EUR")
    >>> str(age(items, as_of=date(2026, 2, 15), currency="EUR", rates=rates).total().total)
    '200.00 EUR'
    >>> age(items, as_of=date(2026, 2, 15), currency="EUR")
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: rates: converting into EUR needs a rate source (rates=...), got None
    """
    _check_date("as_of", as_of)
    _check_buckets(buckets)
    _check_basis(basis)
    if currency is not None:
        Money.zero(currency)
        if rates is None:
            raise ValidationError(
                f"rates: converting into {currency} needs a rate source (rates=...), got None"
            )
    elif rates is not None:
        raise ValidationError(
            "currency: rates were given but no reporting currency; pass currency='EUR' "
            "(for example) to convert, or leave rates out to report each currency separately"
        )

    width = len(buckets)
    by_due = basis is AgingBasis.DUE_DATE
    index_for = buckets.index_for
    lines: dict[tuple[str, str], _Line] = {}
    zeros: dict[str, Decimal] = {}
    seen: set[tuple[object, str]] = set()
    with localcontext(_EXACT):
        for position, item in enumerate(_items(items, as_of)):
            if not isinstance(item, OpenItem):
                raise ValidationError(
                    f"items[{position}]: expected an OpenItem, got {type(item).__name__} {item!r}"
                )
            key = (item.kind, item.document_id)
            if key in seen:
                raise ValidationError(
                    f"items[{position}]: {item.kind.value} {item.document_id!r} is given twice; "
                    "each open item may be aged once"
                )
            seen.add(key)
            if item.issue_date > as_of:
                raise ValidationError(
                    f"items[{position}].issue_date: {item.issue_date.isoformat()} of "
                    f"{item.document_id!r} is after as_of {as_of.isoformat()}; a report as of "
                    "a date covers only documents issued by then"
                )
            money = item.amount
            if currency is not None and money.currency != currency:
                money = convert(money, currency, on=as_of, rates=rates)  # type: ignore[arg-type]
            code = money.currency
            line = lines.get((item.customer_id, code))
            if line is None:
                zero = zeros.get(code)
                if zero is None:
                    zero = zeros[code] = _zero(code)
                line = lines[(item.customer_id, code)] = _Line(width, zero)
            line.count += 1
            amount = money.amount
            if amount < 0:
                line.unapplied += amount
                continue
            days = (as_of - (item.due_date if by_due else item.issue_date)).days
            slot = index_for(days)
            line.amounts[slot] += amount
            if item.disputed:
                line.disputed += amount
            if days > 0 and (line.oldest is None or days > line.oldest):
                line.oldest = days
    # Most cells of a report are zero: share one Money per currency for the cells that
    # are still the untouched zero of their line (Money is immutable, so sharing is safe).
    empty = {code: Money(zero, code) for code, zero in zeros.items()}

    def cell(amount: Decimal, code: str) -> Money:
        return empty[code] if amount is zeros[code] else Money(amount, code)

    rows = [
        AgingRow(
            customer_id,
            code,
            tuple(cell(a, code) for a in line.amounts),
            unapplied=cell(line.unapplied, code),
            disputed=cell(line.disputed, code),
            count=line.count,
            oldest_days=line.oldest,
        )
        for (customer_id, code), line in lines.items()
    ]
    return AgingReport(as_of, rows, buckets=buckets, basis=basis, currency=currency)
