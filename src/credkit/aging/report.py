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
import functools
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, ROUND_HALF_UP, Context, Decimal, localcontext
from itertools import chain, compress, filterfalse, repeat
from operator import itemgetter, ne, sub
from typing import Any, Final, Literal

import attrs

from credkit._notebook import decimal_text, html_table, rows_caption
from credkit._validate import check_date
from credkit.aging.buckets import STANDARD, AgingBasis, Buckets
from credkit.aging.valuation import Valuation, _checked_items, check_valuation
from credkit.errors import ValidationError
from credkit.fx import RateSource, convert
from credkit.ledger import Ledger, OpenItem
from credkit.money import Money, _trusted_money, minor_units

__all__ = ["AgingReport", "AgingRow", "age"]

_EXACT: Final = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN)
"""Additions in this context never round: sums of amounts are exact whatever their size."""


_BATCH: Final = 4096
"""Items :func:`age` collects before adding them up column by column."""

_by_key: Final = itemgetter(0)
_ZERO: Final = Decimal(0)


def _zero(currency: str) -> Decimal:
    """Zero with the currency's minor units, so sums print as ``0.00`` rather than ``0``."""
    return Decimal(0).scaleb(-minor_units(currency))


def _sum(values: Iterable[Decimal], currency: str) -> Decimal:
    with localcontext(_EXACT):
        return sum(values, _zero(currency))


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


def _check_rows(values: object) -> tuple[AgingRow, ...]:
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
    return rows


def check_arguments(
    as_of: object,
    buckets: object,
    basis: object,
    currency: object,
    rates: object,
    *,
    valuation: object = Valuation.CURRENT,
) -> Buckets:
    """Check what :func:`age` (and :func:`credkit.io.age_open_items`) are given.

    Returns the buckets to use: :data:`~credkit.aging.buckets.STANDARD` for ``None``.
    """
    check_date(as_of, "as_of")
    chosen = STANDARD if buckets is None else _check_buckets(buckets)
    _check_basis(basis)
    if check_valuation(valuation) is Valuation.BOOKED:
        if currency is None:
            raise ValidationError(
                "currency: valuation=Valuation.BOOKED reports in the company currency; "
                "pass it as currency='EUR' (for example), got None"
            )
        _check_currency("currency", currency)
        if rates is not None:
            raise ValidationError(
                "rates: valuation=Valuation.BOOKED uses the booked amounts and converts "
                f"nothing; leave rates out (see credkit.aging.revalue for the difference "
                f"at a revaluation rate), got {type(rates).__name__}"
            )
    elif currency is not None:
        _check_currency("currency", currency)
        if rates is None:
            raise ValidationError(
                f"rates: converting into {currency} needs a rate source (rates=...), got None"
            )
    elif rates is not None:
        raise ValidationError(
            "currency: rates were given but no reporting currency; pass currency='EUR' "
            "(for example) to convert, or leave rates out to report each currency separately"
        )
    return chosen


# -- sums per customer and currency ---------------------------------------------------

_Key = tuple[str, str]
"""(customer id, currency) of a report line."""

_Line = Sequence[Any]
"""A line's sums: one ``Decimal`` per bucket, then unapplied, disputed (``Decimal``),
the count and the oldest age in days (``int``, 0 for none)."""


def _runs(customers: Sequence[str], currencies: Sequence[str]) -> list[int]:
    """Where each run of consecutive items with the same customer and currency starts,
    then the number of items: ``[0, ..., len(customers)]``.

    Found with ``map`` over the columns, in C: an export lists a customer's items
    together, so there are several items per run and :meth:`Tally.add` does its
    per-line work (a dictionary look-up, the count) once per run.
    """
    size = len(customers)
    later = zip(customers[1:], currencies[1:], strict=True)
    changed = map(ne, later, zip(customers, currencies, strict=True))
    return [0, *compress(range(1, size), changed), size] if size else [0]


class Tally:
    """Sums of open items per customer and currency, kept as columns (private to credkit).

    :func:`age` and :func:`credkit.io.age_open_items` feed it items column by column
    with :meth:`add`, and an :class:`AgingReport` keeps one as its sums. Line ``i`` is
    ``[column[i] for column in columns]``: one ``Decimal`` per bucket, then unapplied and
    disputed, then the count and the oldest age in days (0 for none); ``index`` maps
    (customer id, currency) to ``i``. Columns rather than a list per line: adding up a
    million items then allocates nothing per line that the garbage collector walks.
    Sums are exact: they are taken in a context that never rounds.
    """

    __slots__ = ("columns", "index", "width", "zeros")

    def __init__(self, width: int) -> None:
        self.width = width
        self.index: dict[_Key, int] = {}
        self.columns: list[list[Any]] = [[] for _ in range(width + 4)]
        self.zeros: dict[str, Decimal] = {}

    def _grow(self, keys: Sequence[_Key]) -> None:
        """Make zero lines for ``keys`` (all new to the tally)."""
        start = len(self.index)
        self.index.update(zip(keys, range(start, start + len(keys)), strict=True))
        codes = list(map(itemgetter(1), keys))
        for code in set(codes).difference(self.zeros):
            self.zeros[code] = _zero(code)
        zeros = list(map(self.zeros.__getitem__, codes))
        for column in self.columns[: self.width + 2]:
            column.extend(zeros)
        for column in self.columns[self.width + 2 :]:
            column.extend(repeat(0, len(keys)))

    def put(self, key: _Key, line: _Line) -> None:
        """Set the line of ``key`` (new to the tally)."""
        self._grow([key])
        position = self.index[key]
        for column, value in zip(self.columns, line, strict=True):
            column[position] = value

    def __getstate__(self) -> tuple[Any, ...]:
        """What pickle keeps: each column of amounts as one text, a line per amount.

        A report moves between processes (Dask workers, ``multiprocessing``) pickled;
        pickling a million ``Decimal`` objects one by one costs about three times as
        much as writing them as text, and ``Decimal(str(d))`` gives back ``d`` exactly,
        its exponent included.
        """
        amounts = self.columns[: self.width + 2]
        texts = ["\n".join(map(str, column)) for column in amounts]
        return self.width, self.index, texts, self.columns[self.width + 2 :], self.zeros

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        self.width, self.index, texts, counts, self.zeros = state
        amounts = [list(map(Decimal, text.split("\n"))) if text else [] for text in texts]
        self.columns = [*amounts, *counts]

    def joined(self, other: Tally) -> Tally:
        """The lines of this tally, then those of ``other`` (no key in both): the columns
        concatenated, so that merging reports costs a copy, not a step per line."""
        joined = Tally(self.width)
        joined.index = dict(self.index)
        start = len(self.index)
        joined.index.update(zip(other.index, range(start, start + len(other.index)), strict=True))
        joined.columns = [
            mine + theirs for mine, theirs in zip(self.columns, other.columns, strict=True)
        ]
        joined.zeros = {**self.zeros, **other.zeros}
        return joined

    def line(self, key: _Key) -> _Line:
        position = self.index[key]
        return [column[position] for column in self.columns]

    def lines(self) -> Iterator[tuple[_Key, _Line]]:
        """(key, line) for every line; the index keeps keys in the order of positions."""
        return zip(self.index, zip(*self.columns, strict=True), strict=True)

    def totals(self) -> dict[str, _Line]:
        """Currency -> the sums of its lines: exact totals, the count and the oldest age."""
        positions: dict[str, list[int]] = {}
        for (_customer_id, code), position in self.index.items():
            positions.setdefault(code, []).append(position)
        *amounts, counts, oldest = self.columns
        totals: dict[str, _Line] = {}
        with localcontext(_EXACT):
            for code, where in positions.items():
                totals[code] = [
                    *(sum(map(column.__getitem__, where), self.zeros[code]) for column in amounts),
                    sum(map(counts.__getitem__, where)),
                    max(map(oldest.__getitem__, where)),
                ]
        return totals

    def add(
        self,
        customers: Iterable[str],
        currencies: Iterable[str],
        amounts: Iterable[Decimal],
        slots: Iterable[tuple[int, int]],
        disputed: Iterable[bool],
    ) -> None:
        """Add items given as columns; ``slots`` holds (bucket position, age in days).

        Negative amounts go to *unapplied* whatever their slot; positive ones to their
        bucket, to *disputed* if disputed, and their age to *oldest* when above zero.

        Exports list a customer's items together, so the line of each item is looked
        up once per run of items with the same customer and currency (found in C with
        :func:`_runs`), not once per item; the sums, the disputed column and the oldest
        age then take one pass over the items, which costs less than a pass per column.
        """
        customers, currencies = list(customers), list(currencies)
        index = self.index
        starts = _runs(customers, currencies)
        heads = starts[:-1]
        keys = list(
            zip(map(customers.__getitem__, heads), map(currencies.__getitem__, heads), strict=True)
        )
        new = list(filterfalse(index.__contains__, dict.fromkeys(keys)))
        if new:
            self._grow(new)
        lines = list(map(index.__getitem__, keys))
        lengths = list(map(sub, starts[1:], heads))
        columns, width = self.columns, self.width
        unapplied, dispute, counts, oldest = columns[width:]
        for position, length in zip(lines, lengths, strict=True):
            counts[position] += length
        positions = chain.from_iterable(map(repeat, lines, lengths))
        with localcontext(_EXACT):
            for position, amount, (slot, days), flag in zip(
                positions, amounts, slots, disputed, strict=True
            ):
                if amount < _ZERO:
                    unapplied[position] += amount
                    continue
                columns[slot][position] += amount
                if flag:
                    dispute[position] += amount
                if days > oldest[position]:  # oldest is 0 or more: only overdue items count
                    oldest[position] = days

    def report(
        self,
        as_of: datetime.date,
        *,
        buckets: Buckets,
        basis: AgingBasis,
        currency: str | None,
        valuation: Valuation = Valuation.CURRENT,
    ) -> AgingReport:
        """The report of what was added (the tally must not be used afterwards)."""
        return AgingReport._of_tally(
            as_of, self, buckets=buckets, basis=basis, currency=currency, valuation=valuation
        )


def _line_of(row: AgingRow) -> _Line:
    return [
        *(m.amount for m in row.amounts),
        row.unapplied.amount,
        row.disputed.amount,
        row.count,
        row.oldest_days or 0,
    ]


def _comparable(tally: Tally) -> frozenset[tuple[_Key, tuple[Any, ...]]]:
    """What report equality and hashing compare: every line with its key."""
    return frozenset((key, tuple(line)) for key, line in tally.lines())


def _sorted(tally: Tally) -> list[tuple[_Key, _Line]]:
    """(key, line) for every line, by customer id, then currency."""
    return sorted(tally.lines(), key=_by_key)


class _Cells:
    """Money for a report's cells, sharing one object per zero ``Decimal`` and currency.

    Most cells of a large report are the zero a line started from; sharing their
    ``Money`` (immutable) saves building hundreds of thousands of equal objects.
    """

    def __init__(self) -> None:
        self._shared: dict[tuple[int, str], Money] = {}

    def __call__(self, amount: Decimal, code: str) -> Money:
        if amount:  # the report's own exact sums: not checked again
            return _trusted_money(amount, code)
        key = (id(amount), code)  # the tally holds ``amount``, so its id is not reused
        shared = self._shared.get(key)
        if shared is None:
            shared = self._shared[key] = Money(amount, code)
        return shared


def _build_row(customer_id: str | None, code: str, line: _Line, cell: _Cells) -> AgingRow:
    """The row of a tally line, built without checking again what the tally made.

    The tally's sums are exact sums of checked items (buckets of positive items,
    ``unapplied`` of negative ones), so the checks of :class:`AgingRow` would only
    repeat themselves; a large report's ``rows`` stay cheap that way.
    """
    width = len(line) - 4
    row = object.__new__(AgingRow)
    put = object.__setattr__
    put(row, "customer_id", customer_id)
    put(row, "currency", code)
    put(row, "amounts", tuple([cell(amount, code) for amount in line[:width]]))
    put(row, "unapplied", cell(line[width], code))
    put(row, "disputed", cell(line[width + 1], code))
    put(row, "count", line[width + 2])
    put(row, "oldest_days", line[width + 3] or None)
    return row


def _same(amount: Decimal) -> Decimal:
    return amount


def _record(
    customer_id: str | None,
    code: str,
    line: _Line,
    labels: Sequence[str],
    value: Callable[[Decimal], Any] = decimal_text,
) -> dict[str, Any]:
    width = len(labels)
    record: dict[str, Any] = {} if customer_id is None else {"customer_id": customer_id}
    record["currency"] = code
    amounts = line[:width]
    record.update(zip(labels, map(value, amounts), strict=True))
    record["unapplied"] = value(line[width])
    record["total"] = value(_EXACT.add(_sum(amounts, code), line[width]))
    record["disputed"] = value(line[width + 1])
    record["count"] = line[width + 2]
    record["oldest_days"] = line[width + 3] or None
    return record


@attrs.frozen(init=False)
class AgingReport:
    """Aged receivables as of a date: rows per customer and currency, and totals.

    Build it with :func:`age` (or :func:`credkit.io.age_open_items` for a CSV export).
    ``rows`` are sorted by customer id, then currency; :attr:`totals` has one line per
    currency whose amounts are the exact sums of that currency's rows. ``currency`` is
    the reporting currency when :func:`age` converted every item into one, else None;
    ``valuation`` says whether it holds the items' current amounts (converted at the
    rate on ``as_of`` if at all) or their booked amounts in the company currency
    (:class:`~credkit.aging.Valuation`). Reports over disjoint sets of customers with
    the same ``as_of``, ``basis``, ``buckets``, ``currency`` and ``valuation`` add up
    with ``+``.

    A report keeps its sums compactly and makes its :class:`AgingRow` objects when
    ``rows`` or ``totals`` is first read; :meth:`row`, :meth:`to_rows` and ``+`` work on
    the sums directly, so a report of a large portfolio is cheap until its rows are
    needed one by one.

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

    as_of: datetime.date = attrs.field(validator=lambda _i, _a, v: check_date(v, "as_of"))
    buckets: Buckets = attrs.field(validator=lambda _i, _a, v: _check_buckets(v))
    basis: AgingBasis = attrs.field(validator=lambda _i, _a, v: _check_basis(v))
    currency: str | None = attrs.field(
        validator=lambda _i, _a, v: None if v is None else _check_currency("currency", v),
    )
    _tally: Tally = attrs.field(alias="tally", eq=_comparable, repr=False)
    valuation: Valuation = attrs.field(
        default=Valuation.CURRENT, kw_only=True, validator=lambda _i, _a, v: check_valuation(v)
    )

    def __init__(
        self,
        as_of: datetime.date,
        rows: Iterable[AgingRow],
        *,
        buckets: Buckets | None = None,
        basis: AgingBasis = AgingBasis.DUE_DATE,
        currency: str | None = None,
        valuation: Valuation = Valuation.CURRENT,
    ) -> None:
        check_date(as_of, "as_of")
        buckets = STANDARD if buckets is None else _check_buckets(buckets)
        _check_basis(basis)
        if check_valuation(valuation) is Valuation.BOOKED and currency is None:
            raise ValidationError(
                "currency: a report of booked amounts is in the company currency; "
                "pass it as currency='EUR' (for example), got None"
            )
        if currency is not None:
            _check_currency("currency", currency)
        checked = _check_rows(rows)
        width = len(buckets)
        tally = Tally(width)
        for index, row in enumerate(checked):
            if row.customer_id is None:
                raise ValidationError(
                    f"rows[{index}].customer_id: a report row needs a customer id "
                    "(None marks the total lines, which the report computes itself)"
                )
            if len(row.amounts) != width:
                raise ValidationError(
                    f"rows[{index}].amounts: has {len(row.amounts)} amounts for {width} buckets"
                )
            if currency is not None and row.currency != currency:
                raise ValidationError(
                    f"rows[{index}].currency: {row.currency} in a report in {currency}"
                )
            key = (row.customer_id, row.currency)
            if key in tally.index:
                raise ValidationError(
                    f"rows[{index}]: customer {row.customer_id!r} has two rows in {row.currency}"
                )
            tally.put(key, _line_of(row))
        self.__attrs_init__(as_of, buckets, basis, currency, tally, valuation=valuation)

    @classmethod
    def _of_tally(
        cls,
        as_of: datetime.date,
        tally: Tally,
        *,
        buckets: Buckets,
        basis: AgingBasis,
        currency: str | None,
        valuation: Valuation = Valuation.CURRENT,
    ) -> AgingReport:
        report = cls.__new__(cls)
        report.__attrs_init__(as_of, buckets, basis, currency, tally, valuation=valuation)
        return report

    # -- look-ups ---------------------------------------------------------------------

    @functools.cached_property
    def rows(self) -> tuple[AgingRow, ...]:
        """One row per customer and currency, sorted by customer id, then currency.

        >>> from datetime import date
        >>> age([], as_of=date(2026, 1, 1)).rows
        ()
        """
        cell = _Cells()
        return tuple(
            _build_row(customer_id, code, line, cell)
            for (customer_id, code), line in _sorted(self._tally)
        )

    @functools.cached_property
    def totals(self) -> tuple[AgingRow, ...]:
        """One total line per currency (``customer_id`` None), sorted by currency.

        >>> from datetime import date
        >>> age([], as_of=date(2026, 1, 1)).totals
        ()
        """
        cell = _Cells()
        return tuple(
            _build_row(None, code, line, cell)
            for code, line in sorted(self._tally.totals().items())
        )

    @functools.cached_property
    def _currencies_of(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for customer_id, code in sorted(self._tally.index):
            found.setdefault(customer_id, []).append(code)
        return found

    @property
    def currencies(self) -> tuple[str, ...]:
        """The currencies that have a row, in alphabetical order.

        >>> from datetime import date
        >>> age([], as_of=date(2026, 1, 1)).currencies
        ()
        """
        return tuple(sorted({code for _customer_id, code in self._tally.index}))

    @property
    def customers(self) -> frozenset[str]:
        """The ids of the customers that have a row.

        >>> from datetime import date
        >>> age([], as_of=date(2026, 1, 1)).customers
        frozenset()
        """
        return frozenset(customer_id for customer_id, _code in self._tally.index)

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
            code
            for code in self._currencies_of.get(customer_id, ())
            if currency is None or code == currency
        ]
        if not found:
            where = f" in {currency}" if currency else ""
            raise ValidationError(
                f"customer_id: {customer_id!r} has no open items{where} in this report"
            )
        if len(found) > 1:
            listed = ", ".join(found)
            raise ValidationError(
                f"currency: customer {customer_id!r} has rows in {listed}; name one"
            )
        code = found[0]
        return _build_row(customer_id, code, self._tally.line((customer_id, code)), _Cells())

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
        for field in ("as_of", "basis", "buckets", "currency", "valuation"):
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
        return AgingReport._of_tally(
            self.as_of,
            self._tally.joined(other._tally),
            buckets=self.buckets,
            basis=self.basis,
            currency=self.currency,
            valuation=self.valuation,
        )

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
        labels = self.buckets.labels
        if by == "customer":
            return [
                _record(customer_id, code, line, labels)
                for (customer_id, code), line in _sorted(self._tally)
            ]
        if by == "total":
            return [
                _record(None, code, line, labels)
                for code, line in sorted(self._tally.totals().items())
            ]
        raise ValidationError(f"by: expected 'customer' or 'total', got {by!r}")

    def to_records(self, *, by: Literal["customer", "total"] = "customer") -> list[dict[str, Any]]:
        """The rows of :meth:`to_rows` with amounts as exact ``Decimal``, for a data frame.

        Same keys in the same order (bucket columns are named by their labels);
        ``pandas.DataFrame(report.to_records())`` and ``polars.DataFrame(...)`` take the
        list as it is (see the how-to guide on notebooks).

        >>> from datetime import date
        >>> from credkit.ledger import DocumentKind, OpenItem
        >>> from credkit.money import Money
        >>> item = OpenItem("I1", "C1", DocumentKind.INVOICE, date(2026, 1, 1), date(2026, 1, 31),
        ...                 Money.of("99.50", "EUR"))
        >>> age([item], as_of=date(2026, 3, 1)).to_records()
        [{'customer_id': 'C1', 'currency': 'EUR', 'Not yet due': Decimal('0.00'), '1-30': Decimal('99.50'), ..., 'oldest_days': 29}]
        """
        labels = self.buckets.labels
        if by == "customer":
            return [
                _record(customer_id, code, line, labels, _same)
                for (customer_id, code), line in _sorted(self._tally)
            ]
        if by == "total":
            return [
                _record(None, code, line, labels, _same)
                for code, line in sorted(self._tally.totals().items())
            ]
        raise ValidationError(f"by: expected 'customer' or 'total', got {by!r}")

    def _repr_html_(self) -> str:
        """The rows as an HTML table, for Jupyter (the first rows of a large report).

        >>> from datetime import date
        >>> age([], as_of=date(2026, 1, 1))._repr_html_().count("<caption")
        1
        """
        records = self.to_records()
        what = f"as of {self.as_of.isoformat()}"
        return html_table(rows_caption("AgingReport", what, len(records)), records)

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
    if isinstance(value, AgingBasis | Valuation):
        return str(value.value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return repr(value)


# -- aging ----------------------------------------------------------------------------


def age(
    items: Iterable[OpenItem] | Ledger,
    *,
    as_of: datetime.date,
    buckets: Buckets | None = None,
    basis: AgingBasis = AgingBasis.DUE_DATE,
    currency: str | None = None,
    rates: RateSource | None = None,
    valuation: Valuation = Valuation.CURRENT,
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

    With ``valuation=Valuation.BOOKED`` and the company ``currency`` (no rates), each
    item counts at its booked amount in the company currency
    (:meth:`OpenItem.booked_in <credkit.ledger.OpenItem.booked_in>`: items in that
    currency at their amount, foreign ones at ``booked``, and a foreign item without
    it is refused), so the report shows what the receivable account holds, as an ERP's
    aged receivables in the company currency do. The unrealised difference at the
    rate on ``as_of`` is reported separately by :func:`credkit.aging.revalue`.

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
    >>> booked = [attrs.evolve(items[1], booked=Money.of("101.00", "EUR"))]
    >>> str(age(booked, as_of=date(2026, 2, 15), currency="EUR", valuation=Valuation.BOOKED).total().total)
    '101.00 EUR'
    """
    chosen = check_arguments(as_of, buckets, basis, currency, rates, valuation=valuation)
    in_booked = valuation is Valuation.BOOKED
    by_due = basis is AgingBasis.DUE_DATE
    index_for = chosen.index_for
    tally = Tally(len(chosen))
    batch: list[tuple[str, str, Decimal, tuple[int, int], bool]] = []
    for position, item in _checked_items(items, as_of, use="aged", scope="a report"):
        money = item.amount
        if in_booked:
            assert currency is not None  # checked by check_arguments
            try:
                money = item.booked_in(currency)
            except ValidationError as error:
                raise ValidationError(f"items[{position}].{error.message}") from None
        elif currency is not None and money.currency != currency:
            money = convert(money, currency, on=as_of, rates=rates)  # type: ignore[arg-type]
        days = (as_of - (item.due_date if by_due else item.issue_date)).days
        batch.append(
            (item.customer_id, money.currency, money.amount, (index_for(days), days), item.disputed)
        )
        if len(batch) == _BATCH:
            tally.add(*zip(*batch, strict=True))
            batch.clear()
    if batch:
        tally.add(*zip(*batch, strict=True))
    return tally.report(as_of, buckets=chosen, basis=basis, currency=currency, valuation=valuation)
