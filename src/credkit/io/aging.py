"""Aging an open-item export straight from its CSV file: :func:`age_open_items`.

``age_open_items(path, mapping=m, as_of=d)`` gives the same report as
``age(read_open_items(path, mapping=m), as_of=d)`` without building an
:class:`~credkit.ledger.OpenItem` per line and without holding the file or its items
in memory: the file is read in blocks of about a thousand lines, each block is
checked and parsed a column at a time, and only the sums per customer and currency
are kept. That makes it the way to age exports of hundreds of thousands or millions of
lines (see ``docs/performance.md``).

Every line is checked as :func:`~credkit.io.read_open_items` and
:func:`~credkit.aging.age` check it, and errors come in the same order: a line that
does not read is reported first, then the first problem of aging (a document given
twice, one issued after ``as_of``, a missing exchange rate) in file order. A block with
anything the column-wise checks do not take (an empty or malformed cell, an amount
with thousands separators or a sign behind it, a duplicate, a date after ``as_of``)
is read again line by line with the very code :func:`~credkit.io.read_open_items`
uses, which either reads it (the report is the same) or finds the problem and its line.
"""

from __future__ import annotations

import datetime
import os
import re
from decimal import Decimal, InvalidOperation
from itertools import repeat
from operator import gt, lt
from typing import Final, Literal

from credkit.aging.buckets import AgingBasis, Buckets
from credkit.aging.report import _EXACT, AgingReport, Tally, check_arguments
from credkit.errors import RateNotFoundError, ValidationError
from credkit.fx import RateSource, convert
from credkit.io._table import Block, Table, parse_flag
from credkit.io.erp import (
    _BlockCells,
    _check_mapping,
    _fields,
    _lookup,
    _mixed_instalments,
    _open_item,
    _parse_instalment,
    _row,
    _table,
)
from credkit.io.mapping import ColumnMapping
from credkit.ledger import DocumentKind, OpenItem
from credkit.money import Money

__all__ = ["age_open_items"]

_ZERO: Final = Decimal(0)
_BY_SIGN: Final = {True: DocumentKind.CREDIT_NOTE.value, False: DocumentKind.INVOICE.value}
_INVOICE: Final = DocumentKind.INVOICE.value
_AMOUNT_CHARS: Final = re.compile(r"[0-9.\-\x00]*")
"""What plain amounts are written with, NUL joining the cells of a column: matched in one
C pass (``frozenset.issuperset`` takes a Python string per character: eight times as
long)."""

_Path = str | os.PathLike[str]


def age_open_items(
    path: _Path,
    *,
    as_of: datetime.date,
    mapping: ColumnMapping | None = None,
    buckets: Buckets | None = None,
    basis: AgingBasis = AgingBasis.DUE_DATE,
    currency: str | None = None,
    rates: RateSource | None = None,
    engine: Literal["python", "polars"] = "python",
) -> AgingReport:
    """Age the open items of a CSV export as of ``as_of``, reading the file once.

    The report equals ``age(read_open_items(path, mapping=mapping), as_of=as_of,
    buckets=buckets, basis=basis, currency=currency, rates=rates)``; the file is read in
    blocks and only the sums are kept, so memory does not grow with the file.

    Errors are those of ``age(read_open_items(...))``, in the same order, but each names
    the file, the line and the column: the first line that does not read
    (:class:`~credkit.errors.ValidationError`); else the first problem of aging in
    file order, which is a document given twice (naming the line it was first given
    on), a document issued after ``as_of`` (both ``ValidationError``) or an exchange
    rate the source does not have (:class:`~credkit.errors.RateNotFoundError`).

    ``engine="polars"`` (the ``polars`` extra) ages the file with a lazy, streaming
    polars query instead: the same checks, the same errors and an equal report. A
    file with a line that engine does not read natively (a quoted cell, an amount
    with thousands separators, a cell with spaces to trim) or with any problem is
    aged again by the pure path, which gives its report or its error; options it does
    not implement (``currency`` and ``rates``, a date format other than ISO, a decimal
    comma, another encoding, ``due_days``, ``original_amount``, ``instalment``) raise a
    :class:`~credkit.errors.ValidationError` naming ``engine``, and a missing polars a
    :class:`~credkit.errors.CredkitError` naming the extra.

    >>> import pathlib, tempfile
    >>> from datetime import date
    >>> with tempfile.TemporaryDirectory() as directory:
    ...     path = pathlib.Path(directory, "open.csv")
    ...     _ = path.write_text("id,customer_id,issue_date,due_date,amount,currency\\n"
    ...                         "I1,C1,2026-01-05,2026-02-04,400.00,EUR\\n"
    ...                         "I2,C1,2026-03-01,2026-03-31,250.00,EUR\\n"
    ...                         "P7,C1,2026-02-10,,-50.00,EUR\\n")
    ...     report = age_open_items(path, as_of=date(2026, 3, 15))
    >>> row = report.row("C1")
    >>> [str(m) for m in row.amounts[:3]], str(row.unapplied), row.oldest_days
    (['250.00 EUR', '0.00 EUR', '400.00 EUR'], '-50.00 EUR', 39)
    """
    chosen = check_arguments(as_of, buckets, basis, currency, rates)
    mapping = _check_mapping(mapping)
    if engine == "polars":
        from credkit.io._polars import age_polars  # only when asked for: polars is optional

        report = age_polars(
            path,
            as_of=as_of,
            mapping=mapping,
            buckets=chosen,
            basis=basis,
            currency=currency,
            rates=rates,
        )
        if report is not None:
            return report
    elif engine != "python":
        raise ValidationError(f"engine: expected 'python' or 'polars', got {engine!r}")
    table = _table(path, mapping, mapping.kind, mapping.original_amount, mapping.instalment)
    scan = _Scan(table, mapping, as_of, chosen, basis, currency, rates)
    for block in table.blocks():
        if not scan.columns(block):
            scan.lines(block)
    if scan.problem is not None:
        raise scan.problem[2]
    return scan.tally.report(as_of, buckets=chosen, basis=basis, currency=currency)


class _Scan(_BlockCells):
    """The state of one :func:`age_open_items` run: the sums, what was seen, caches."""

    def __init__(
        self,
        table: Table,
        mapping: ColumnMapping,
        as_of: datetime.date,
        buckets: Buckets,
        basis: AgingBasis,
        currency: str | None,
        rates: RateSource | None,
    ) -> None:
        self.table = table
        self.mapping = mapping
        self.fields = _fields(mapping)
        self.as_of = as_of
        self.by_due = basis is AgingBasis.DUE_DATE
        self.index_for = buckets.index_for
        self.currency = currency
        self.rates = rates
        self.tally = Tally(len(buckets))
        # hash of (kind, document id, instalment) of every item so far; a hit is
        # confirmed by reading the earlier lines again (see _first_line), so a collision
        # costs time, never a wrong answer
        self.seen: set[int] = set()
        # with an instalment column: hashes of (kind, document id) given with a number,
        # and without one (an invoice may not be in both; confirmed the same way)
        self.numbered: set[int] = set()
        self.whole: set[int] = set()
        self.numbers: dict[str, int | None] = {}
        self.dates: dict[str, datetime.date] = {}
        self.slots: dict[datetime.date, tuple[int, int]] = {}
        self.flags: dict[str, bool] = {}
        self.codes: dict[str, str] = {}
        # an empty kind cell never reads, whatever kind_values says
        self.kinds = {cell: kind.value for cell, kind in mapping.kind_values.items() if cell}
        # ISO dates (YYYY-MM-DD) compare as text as they do as dates
        self.iso = mapping.date_format in (None, "%Y-%m-%d")
        self.due_slots: dict[str, tuple[int, int]] = {}
        # the first problem of aging as (line, rank, error), raised at the end
        self.problem: tuple[int, int, Exception] | None = None

    # -- a block a column at a time -----------------------------------------------------

    def _code(self, text: str) -> str:
        Money.zero(text)  # an unknown code raises a ValidationError
        return text

    def _amounts(self, cells: list[str]) -> list[Decimal] | None:
        """Exact amounts of plain cells such as ``-1234.56``; None for anything else."""
        if self.mapping.decimal_separator == ",":
            if "." in "".join(cells):
                return None
            cells = list(map(str.replace, cells, repeat(","), repeat(".")))
        joined = "\0".join(cells)
        if _AMOUNT_CHARS.fullmatch(joined) is None:
            return None
        # Decimal also reads ".5", "5." and "-.5", which read_open_items refuses
        if joined.startswith(".") or joined.endswith("."):
            return None
        if "\0." in joined or ".\0" in joined or "-." in joined:
            return None
        try:
            return list(map(_EXACT.create_decimal, cells))
        except InvalidOperation:
            return None

    def columns(self, block: Block) -> bool:
        """Add ``block`` checking a column at a time; False (nothing added) if it cannot."""
        mapping = self.mapping
        size = len(block)
        ids = self._column(block, mapping.document_id)
        customers = self._column(block, mapping.customer_id)
        if ids is None or customers is None or "" in ids or "" in customers:
            return False
        cells = self._column(block, mapping.amount)
        amounts = None if cells is None else self._amounts(cells)
        if amounts is None:
            return False
        original = self._column(block, mapping.original_amount)
        if original is not None and self._amounts([c for c in original if c]) is None:
            return False
        kind_cells = self._column(block, mapping.kind)
        if kind_cells is None:
            kinds = list(map(_BY_SIGN.__getitem__, map(gt, repeat(_ZERO), amounts)))
        else:
            try:
                kinds = list(map(self.kinds.__getitem__, kind_cells))
            except KeyError:  # an empty cell or one kind_values does not name
                return False
        issue_cells = self._column(block, mapping.issue_date)
        due_cells = self._column(block, mapping.due_date)
        if issue_cells is None or due_cells is None:
            return False
        issued = _lookup(issue_cells, self.dates, self._date)
        if issued is None or max(issued) > self.as_of:
            return False
        slots = self._due_slots(due_cells, issue_cells)
        if slots is None:
            due = self._due_dates(due_cells, kinds, issued)
            if due is None or any(map(lt, due, issued)):
                return False
            slots = self._slots(due if self.by_due else issued)
        codes = self._currencies(block, size)
        disputed = self._disputed(block, size)
        if codes is None or disputed is None:
            return False
        numbers: list[int | None] = [None] * size
        numbered: set[int] = set()
        whole: set[int] = set()
        if mapping.instalment is not None:
            cells = self._column(block, mapping.instalment)
            found = None if cells is None else _lookup(cells, self.numbers, _parse_instalment)
            if found is None:
                return False
            numbers = found
            for kind, key, number in zip(kinds, zip(kinds, ids, strict=True), numbers, strict=True):
                if number is None:
                    whole.add(hash(key))
                elif kind != _INVOICE:
                    return False
                else:
                    numbered.add(hash(key))
            if not (
                whole.isdisjoint(numbered)
                and whole.isdisjoint(self.numbered)
                and numbered.isdisjoint(self.whole)
            ):
                return False
        keys = set(map(hash, zip(kinds, ids, numbers, strict=True)))
        if len(keys) != size or not self.seen.isdisjoint(keys):
            return False
        if self.currency is not None:
            try:
                self._convert(codes, amounts)
            except (RateNotFoundError, ValidationError):
                return False  # read line by line, to tell which line it is
        self.seen.update(keys)
        self.numbered.update(numbered)
        self.whole.update(whole)
        self.tally.add(customers, codes, amounts, slots, disputed)
        return True

    def _due_slots(self, cells: list[str], issue_cells: list[str]) -> list[tuple[int, int]] | None:
        """The slots of the due dates straight from their text, or None to take the
        general way (another basis or date format, an empty cell, a cell that does not
        read, a due date before its issue date).

        Aging by due date on ISO dates, the due dates are needed only for their slots
        and to be checked against the issue dates, which their text does as well: a
        look-up per cell instead of one for the date and one for its slot.
        """
        if not (self.by_due and self.iso) or "" in cells:
            return None
        slots = _lookup(cells, self.due_slots, self._due_slot)
        if slots is None or any(map(lt, cells, issue_cells)):
            return None
        return slots

    def _due_slot(self, text: str) -> tuple[int, int]:
        """The slot of a due date written ``text``; ValueError if it is not a date."""
        day = self._date(text)
        days = (self.as_of - day).days
        return self.index_for(days), days

    def _due_dates(
        self, cells: list[str], kinds: list[str], issued: list[datetime.date]
    ) -> list[datetime.date] | None:
        """The due dates; an empty cell means the issue date, except on an invoice."""
        if "" not in cells:
            return _lookup(cells, self.dates, self._date)
        given = [(index, text) for index, text in enumerate(cells) if text]
        if any(kinds[index] == _INVOICE for index, text in enumerate(cells) if not text):
            return None
        found = _lookup([text for _, text in given], self.dates, self._date)
        if found is None:
            return None
        due = list(issued)
        for (index, _), day in zip(given, found, strict=True):
            due[index] = day
        return due

    def _currencies(self, block: Block, size: int) -> list[str] | None:
        mapping = self.mapping
        cells = self._column(block, mapping.currency)
        default = mapping.default_currency
        if cells is None:
            return None if default is None else [default] * size
        if "" in cells:
            if default is None:
                return None
            cells = [c or default for c in cells]
        return _lookup(cells, self.codes, self._code)

    def _disputed(self, block: Block, size: int) -> list[bool] | None:
        cells = self._column(block, self.mapping.disputed)
        if cells is None:
            return [False] * size
        return _lookup(cells, self.flags, parse_flag)

    def _slots(self, dates: list[datetime.date]) -> list[tuple[int, int]]:
        slots = self.slots
        for day in set(dates).difference(slots):
            days = (self.as_of - day).days
            slots[day] = (self.index_for(days), days)
        return list(map(slots.__getitem__, dates))

    def _convert(self, codes: list[str], amounts: list[Decimal]) -> None:
        for index, code in enumerate(codes):
            codes[index], amounts[index] = self._converted(code, amounts[index])

    def _converted(self, code: str, amount: Decimal) -> tuple[str, Decimal]:
        """``amount`` in the reporting currency (``convert`` rounds it to minor units)."""
        target, rates = self.currency, self.rates
        if target is None or code == target:
            return code, amount
        assert rates is not None  # checked by check_arguments
        return target, convert(Money(amount, code), target, on=self.as_of, rates=rates).amount

    def _defer(self, line: int, rank: int, error: Exception) -> None:
        """Keep the first problem of aging, in the order age() would meet it."""
        if self.problem is None or (line, rank) < self.problem[:2]:
            self.problem = (line, rank, error)

    # -- a block a line at a time ------------------------------------------------------

    def lines(self, block: Block) -> None:
        """Add ``block`` line by line as read_open_items reads it.

        A line that does not read raises at once. A problem of aging (a document given
        twice, one issued after ``as_of``, a missing exchange rate) is kept with
        :meth:`_defer` and raised once the whole file has read, as age() would only meet
        it after read_open_items has read everything.
        """
        mapping, table = self.mapping, self.table
        items: list[OpenItem] = []
        codes: list[str] = []
        amounts: list[Decimal] = []
        for line, cells in block.rows():
            row = _row(table, mapping, line, cells)
            try:
                item = _open_item(row, mapping)
            except ValueError as error:
                raise row.fail(error, self.fields) from None
            if mapping.instalment is not None:
                self._whole_or_parts(item, line)
            key = hash((item.kind.value, item.document_id, item.instalment))
            if key in self.seen:
                first = self._first_line(item, line)
                if first is not None:
                    self._defer(
                        line,
                        0,
                        table.error(
                            line,
                            mapping.document_id,
                            f"{item.kind.value} {item.key!r} is given twice (first on "
                            f"line {first}); each open item may be aged once",
                        ),
                    )
                    continue
            self.seen.add(key)
            if item.issue_date > self.as_of:
                self._defer(
                    line,
                    0,
                    table.error(
                        line,
                        mapping.issue_date,
                        f"{item.issue_date.isoformat()} of {item.document_id!r} is after as_of "
                        f"{self.as_of.isoformat()}; a report as of a date covers only "
                        "documents issued by then",
                    ),
                )
                continue
            try:
                code, amount = self._converted(item.amount.currency, item.amount.amount)
            except (RateNotFoundError, ValidationError) as error:
                self._defer(line, 1, error)
                continue
            items.append(item)
            codes.append(code)
            amounts.append(amount)
        days = [i.due_date if self.by_due else i.issue_date for i in items]
        self.tally.add(
            [i.customer_id for i in items],
            codes,
            amounts,
            self._slots(days),
            [i.disputed for i in items],
        )

    def _whole_or_parts(self, item: OpenItem, line: int) -> None:
        """Raise (a line that does not read) if the invoice of ``item`` was given on an
        earlier line with an instalment number where ``item`` has none, or the reverse,
        as :func:`~credkit.io.read_open_items` does."""
        key = hash((item.kind.value, item.document_id))
        mine, other = (
            (self.whole, self.numbered) if item.instalment is None else (self.numbered, self.whole)
        )
        if key in other:
            first = self._first_line(item, line, mixed=True)
            if first is not None:
                raise self.table.error(
                    line, self.mapping.instalment, _mixed_instalments(item, first)
                )
        mine.add(key)

    def _first_line(self, item: OpenItem, before: int, *, mixed: bool = False) -> int | None:
        """The line before ``before`` that holds the same item, or None; with ``mixed``,
        the same invoice with an instalment number where ``item`` has none, or the
        reverse."""
        mapping = self.mapping
        for line, cells in self.table.rows():
            if line >= before:
                return None
            earlier = _open_item(_row(self.table, mapping, line, cells), mapping)
            if (earlier.kind, earlier.document_id) != (item.kind, item.document_id):
                continue
            if mixed:
                if (earlier.instalment is None) != (item.instalment is None):
                    return line
            elif earlier.instalment == item.instalment:
                return line
        return None  # pragma: no cover - the loop ends at ``before``
