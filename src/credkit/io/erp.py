"""Reading ERP exports: invoices, payment histories and open-item lists from CSV.

Each reader takes the path of one CSV file and a
:class:`~credkit.io.mapping.ColumnMapping` that says which column holds what and how
dates and numbers are written. Every problem raises
:class:`~credkit.errors.ValidationError` naming the file, the line and the column,
such as ``invoices.csv, line 14, column Fällig: '31.02.2026' is not a date in the
format %d.%m.%Y``; a header line alone reads as no records.

>>> import pathlib, tempfile
>>> from credkit.io.mapping import ColumnMapping
>>> mapping = ColumnMapping(document_id="Beleg", customer_id="Kunde", issue_date="Datum",
...                         due_date="Fällig", amount="Betrag", currency=None,
...                         default_currency="EUR", date_format="%d.%m.%Y",
...                         decimal_separator=",", delimiter=";")
>>> with tempfile.TemporaryDirectory() as directory:
...     path = pathlib.Path(directory, "offene_posten.csv")
...     _ = path.write_text("Beleg;Kunde;Datum;Fällig;Betrag\\n"
...                         "R-1;K100;15.01.2026;14.02.2026;1.234,56\\n", encoding="utf-8-sig")
...     [(i.id, str(i.amount), i.due_date.isoformat()) for i in read_invoices(path, mapping=mapping)]
[('R-1', '1234.56 EUR', '2026-02-14')]
"""

from __future__ import annotations

import datetime
import operator
import os
from collections.abc import Callable, Iterator, Sequence
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, Context, Decimal
from itertools import compress, repeat
from typing import Final, TypeVar

import attrs

from credkit._validate import _SURROGATE
from credkit.errors import ConfigError
from credkit.io._table import Block, Row, Table, parse_date, parse_flag
from credkit.io.mapping import ColumnMapping
from credkit.kpi.behaviour import _units
from credkit.ledger import DocumentKind, Invoice, OpenItem, Settlement
from credkit.money import Money, _trusted_money

__all__ = [
    "PaymentHistory",
    "read_invoices",
    "read_open_items",
    "read_payment_history",
    "read_settlements",
]

_DEFAULT: Final = ColumnMapping()

_Path = str | os.PathLike[str]


def _check_mapping(mapping: object) -> ColumnMapping:
    """``mapping`` checked; the default :class:`ColumnMapping` for ``None``."""
    if mapping is None:
        return _DEFAULT
    if not isinstance(mapping, ColumnMapping):
        raise ConfigError(
            f"expected a ColumnMapping (credkit.io.ColumnMapping or "
            f"credkit.config.load(ColumnMapping, ...)), got {type(mapping).__name__} {mapping!r}",
            path="mapping",
        )
    return mapping


def _columns(mapping: ColumnMapping, *extra: str | None) -> list[str]:
    names = [
        mapping.document_id,
        mapping.customer_id,
        mapping.issue_date,
        mapping.due_date,
        mapping.amount,
        mapping.currency,
        mapping.disputed,
        *extra,
    ]
    result: list[str] = []
    for name in names:
        if name is not None and name not in result:
            result.append(name)
    return result


def _fields(mapping: ColumnMapping) -> dict[str, str]:
    """Record field -> file column, to name the right column in errors."""
    pairs = {
        "id": mapping.document_id,
        "document_id": mapping.document_id,
        "customer_id": mapping.customer_id,
        "issue_date": mapping.issue_date,
        "due_date": mapping.due_date,
        "amount": mapping.amount,
        "currency": mapping.currency,
        "settled_on": mapping.settled_on,
        "kind": mapping.kind,
        "original_amount": mapping.original_amount,
        "booked": mapping.booked,
        "instalment": mapping.instalment,
    }
    return {field: column for field, column in pairs.items() if column is not None}


def _table(path: _Path, mapping: ColumnMapping, *extra: str | None) -> Table:
    optional = (
        {mapping.currency}
        if mapping.currency is not None and mapping.default_currency is not None
        else set()
    )
    if mapping.due_days is not None:
        optional.add(mapping.due_date)  # else: issue date + due_days
    return Table(
        path,
        columns=_columns(mapping, *extra),
        optional=optional,
        delimiter=mapping.delimiter,
        encoding=mapping.encoding,
        strip=True,
    )


def _row(table: Table, mapping: ColumnMapping, line: int, cells: list[str]) -> Row:
    return Row(
        table,
        line,
        cells,
        date_format=mapping.date_format,
        decimal=mapping.decimal_separator,
        thousands=mapping.thousands,
    )


def _rows(path: _Path, mapping: ColumnMapping, *extra: str | None) -> Iterator[Row]:
    table = _table(path, mapping, *extra)
    for line, cells in table.rows():
        yield _row(table, mapping, line, cells)


def _currency(row: Row, mapping: ColumnMapping) -> str:
    code = row.optional(mapping.currency)
    if code is not None:
        return code
    if mapping.default_currency is None:
        row.column = mapping.currency
        raise ValueError("is empty and the mapping has no default_currency")
    return mapping.default_currency


def _booked(row: Row, mapping: ColumnMapping) -> Money | None:
    """The booked amount of the line (None when the mapping or the cell has none)."""
    if row.optional(mapping.booked) is None:
        return None
    assert mapping.booked is not None
    amount = row.amount(mapping.booked)
    code = row.optional(mapping.booked_currency) or mapping.company_currency
    if code is None:
        row.column = mapping.booked_currency
        raise ValueError("is empty and the mapping has no company_currency")
    return Money(amount, code)


def _due(row: Row, mapping: ColumnMapping, issued: datetime.date) -> datetime.date:
    if mapping.due_days is not None and not row.table.has(mapping.due_date):
        try:
            return issued + datetime.timedelta(days=mapping.due_days)
        except OverflowError:
            row.column = mapping.issue_date
            raise ValueError(
                f"{issued.isoformat()} + {mapping.due_days} days is beyond 9999-12-31"
            ) from None
    return row.date(mapping.due_date)


def _invoice(row: Row, mapping: ColumnMapping) -> Invoice:
    issued = row.date(mapping.issue_date)
    return Invoice(
        row.text(mapping.document_id),
        row.text(mapping.customer_id),
        issued,
        _due(row, mapping, issued),
        Money(row.amount(mapping.amount), _currency(row, mapping)),
        disputed=row.flag(mapping.disputed),
        booked=_booked(row, mapping),
    )


def read_invoices(path: _Path, *, mapping: ColumnMapping | None = None) -> tuple[Invoice, ...]:
    """Invoices from a CSV export, one per data line, in file order.

    Needs the columns ``document_id``, ``customer_id``, ``issue_date``, ``due_date``
    and ``amount`` of ``mapping`` (plus ``currency``, ``disputed``, ``booked`` and
    ``booked_currency`` when it names them). Amounts must be above zero: an export that mixes in credit memos is read
    with :func:`read_open_items` instead. The default mapping reads credkit's own
    ``invoices.csv``.

    >>> import pathlib, tempfile
    >>> with tempfile.TemporaryDirectory() as directory:
    ...     path = pathlib.Path(directory, "invoices.csv")
    ...     _ = path.write_text("id,customer_id,issue_date,due_date,amount,currency\\n"
    ...                         "I1,C1,2026-01-05,2026-01-04,10.00,EUR\\n")
    ...     read_invoices(path)
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: .../invoices.csv, line 2, column due_date: 2026-01-04 is before issue_date 2026-01-05 of invoice 'I1'
    """
    mapping = _check_mapping(mapping)
    fields = _fields(mapping)
    result = []
    for row in _rows(path, mapping, mapping.booked, mapping.booked_currency):
        try:
            result.append(_invoice(row, mapping))
        except ValueError as error:
            raise row.fail(error, fields) from None
    return tuple(result)


@attrs.frozen(kw_only=True)
class PaymentHistory:
    """A payment-history export as read: the settled invoices, and the lines of the
    invoices still open (an empty settled date), which are not settlements.

    ``open_lines`` holds their line numbers in the file, so that a report can say how
    many lines it did not analyse, and why.
    """

    settlements: tuple[Settlement, ...]
    open_lines: tuple[int, ...]


def _settled_column(mapping: ColumnMapping) -> str:
    if mapping.settled_on is None:
        raise ConfigError(
            "the mapping names no settled-date column; read_settlements needs one "
            "(for example settled_on = 'paid_on')",
            path="settled_on",
        )
    return mapping.settled_on


class SettledColumns:
    """The settled invoices of one block of a payment history, a column each.

    ``units`` and ``places`` give each amount exactly as ``units * 10 ** -places``
    (as written: ``12.50`` is ``1250`` and ``2``); dates are ``datetime.date`` values;
    ``open_lines`` are the block's lines with an empty settled date, and ``open_codes``,
    ``open_units``, ``open_places``, ``open_issued`` and ``open_due`` the currency,
    amount, issue and due date of each of those invoices still open (for the KPIs).
    """

    __slots__ = (
        "codes",
        "customers",
        "due",
        "ids",
        "issued",
        "open_codes",
        "open_due",
        "open_issued",
        "open_lines",
        "open_places",
        "open_units",
        "places",
        "settled",
        "units",
    )

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.customers: list[str] = []
        self.codes: list[str] = []
        self.units: list[int] = []
        self.places: list[int] = []
        self.issued: list[datetime.date] = []
        self.due: list[datetime.date] = []
        self.settled: list[datetime.date] = []
        self.open_lines: list[int] = []
        self.open_codes: list[str] = []
        self.open_units: list[int] = []
        self.open_places: list[int] = []
        self.open_issued: list[datetime.date] = []
        self.open_due: list[datetime.date] = []


_EXACT: Final = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN)


class _BlockCells:
    """The cells of a block of a table a column at a time, for the scans that read
    blocks so (they set ``table`` and ``mapping``)."""

    table: Table
    mapping: ColumnMapping

    def _column(self, block: Block, name: str | None) -> list[str] | None:
        """The trimmed cells of column ``name``, or None if the table has no such column."""
        position = None if name is None else self.table.index.get(name)
        if position is None:
            return None
        cells = block.column(position)
        return cells if block.trimmed else list(map(str.strip, cells))

    def _date(self, text: str) -> datetime.date:
        return parse_date(text, self.mapping.date_format)


class _HistoryScan(_BlockCells):
    """Reads a payment-history file a block at a time: a column at a time where every
    cell of the block is plain, else line by line with the checks of each line.

    Both give the same settlements; a block with any problem is read line by line,
    which raises the error of its first bad line (file, line, column), in file order.
    """

    def __init__(self, path: _Path, mapping: ColumnMapping) -> None:
        self.mapping = mapping
        self.settled_column = _settled_column(mapping)
        self.fields = _fields(mapping)
        self.table = _table(path, mapping, mapping.settled_on)
        # what the column-wise reading does not do: every block is then read by lines
        self.by_lines = (
            mapping.booked is not None
            or (mapping.due_days is not None and not self.table.has(mapping.due_date))
            or mapping.decimal_separator not in (".", ",")
        )
        self.seen: set[int] = set()  # hashes of the invoice ids so far
        self.dates: dict[str, datetime.date] = {}
        self.codes: dict[str, str] = {}
        self.flags: dict[str, bool] = {}
        self.minor: dict[str, int] = {}

    def blocks(self) -> Iterator[SettledColumns]:
        for block in self.table.blocks():
            found = None if self.by_lines else self._columns(block)
            yield self._lines(block) if found is None else found

    # -- a block a column at a time -------------------------------------------------

    def _code(self, text: str) -> str:
        self.minor[text] = Money.zero(text).minor_units  # an unknown code raises
        return text

    def _amounts(self, cells: list[str]) -> tuple[list[int], list[int]] | None:
        """Plain positive amounts such as ``1234.56`` as (units, places); None otherwise."""
        if self.mapping.decimal_separator == ",":
            if "." in "".join(cells):
                return None
            cells = list(map(str.replace, cells, repeat(","), repeat(".")))
        joined = "\0".join(cells)
        digits = joined.replace(".", "").replace("\0", "")
        if "" in cells or not (digits.isascii() and digits.isdigit()):
            return None  # only ASCII digits and points (isdigit alone takes "²" too)
        if joined[0] == "." or joined[-1] == "." or "\0." in joined or ".\0" in joined:
            return None  # ".5" and "5." do not read
        parts = list(map(str.partition, cells, repeat(".")))
        tails = list(map(operator.itemgetter(2), parts))
        if "." in "".join(tails):
            return None  # two points in a cell
        places = list(map(len, tails))
        units = list(map(int, map(operator.add, map(operator.itemgetter(0), parts), tails)))
        if 0 in units:
            return None  # an invoice amount must be above zero
        return units, places

    def _columns(self, block: Block) -> SettledColumns | None:
        """The block read a column at a time; None if any cell needs a closer look."""
        mapping = self.mapping
        ids = self._column(block, mapping.document_id)
        customers = self._column(block, mapping.customer_id)
        if ids is None or customers is None or "" in ids or "" in customers:
            return None
        joined = "".join(ids) + "".join(customers)
        if "\0" in joined or (not joined.isascii() and _SURROGATE.search(joined)):
            return None
        cells = self._column(block, mapping.amount)
        amounts = None if cells is None else self._amounts(cells)
        if amounts is None:
            return None
        units, places = amounts
        codes = self._currencies(block)
        if codes is None:
            return None
        minor = self.minor
        if max(places) > 0 and any(map(int.__gt__, places, map(minor.__getitem__, codes))):
            return None  # more decimals than the currency has
        issue_cells = self._column(block, mapping.issue_date)
        due_cells = self._column(block, mapping.due_date)
        if issue_cells is None or due_cells is None:
            return None
        issued = _lookup(issue_cells, self.dates, self._date)
        due = _lookup(due_cells, self.dates, self._date)
        if issued is None or due is None or any(map(datetime.date.__lt__, due, issued)):
            return None
        flags = self._column(block, mapping.disputed)
        if flags is not None and _lookup(flags, self.flags, parse_flag) is None:
            return None
        settled_cells = self._column(block, self.settled_column)
        if settled_cells is None:
            return None
        keys = list(map(hash, ids))
        if len(set(keys)) != len(keys) or not self.seen.isdisjoint(keys):
            return None
        result = SettledColumns()
        if "" in settled_cells:
            unsettled = list(map(operator.not_, settled_cells))
            result.open_lines = list(compress(block.lines, unsettled))
            result.open_codes = list(compress(codes, unsettled))
            result.open_units = list(compress(units, unsettled))
            result.open_places = list(compress(places, unsettled))
            result.open_issued = list(compress(issued, unsettled))
            result.open_due = list(compress(due, unsettled))
            mask = settled_cells  # the settled lines only
            settled_cells = list(compress(settled_cells, mask))
            ids, customers = list(compress(ids, mask)), list(compress(customers, mask))
            codes, units = list(compress(codes, mask)), list(compress(units, mask))
            places, issued = list(compress(places, mask)), list(compress(issued, mask))
            due = list(compress(due, mask))
        settled = _lookup(settled_cells, self.dates, self._date)
        if settled is None or any(map(datetime.date.__lt__, settled, issued)):
            return None
        self.seen.update(keys)
        result.ids, result.customers, result.codes = ids, customers, codes
        result.units, result.places = units, places
        result.issued, result.due, result.settled = issued, due, settled
        return result

    def _currencies(self, block: Block) -> list[str] | None:
        cells = self._column(block, self.mapping.currency)
        default = self.mapping.default_currency
        if cells is None:
            cells = [default] * len(block) if default is not None else None
        elif "" in cells:
            cells = None if default is None else [c or default for c in cells]
        return None if cells is None else _lookup(cells, self.codes, self._code)

    # -- a block a line at a time ---------------------------------------------------

    def _lines(self, block: Block) -> SettledColumns:
        mapping, table = self.mapping, self.table
        result = SettledColumns()
        for line, cells in block.rows():
            row = _row(table, mapping, line, cells)
            try:
                invoice = _invoice(row, mapping)
                key = hash(invoice.id)
                if key in self.seen:
                    first = self._first_line(invoice.id, line)
                    if first is not None:
                        row.column = mapping.document_id
                        raise ValueError(
                            f"invoice {invoice.id!r} is also on line {first}; "
                            "give each invoice once"
                        )
                self.seen.add(key)
                if row.optional(self.settled_column) is None:
                    result.open_lines.append(line)
                    units, places = _units(invoice.amount.amount)
                    result.open_codes.append(invoice.amount.currency)
                    result.open_units.append(units)
                    result.open_places.append(places)
                    result.open_issued.append(invoice.issue_date)
                    result.open_due.append(invoice.due_date)
                    continue
                settled_on = row.date(self.settled_column)
                if settled_on < invoice.issue_date:
                    raise ValueError(
                        f"{settled_on.isoformat()} is before the issue date "
                        f"{invoice.issue_date.isoformat()} of invoice {invoice.id!r}"
                    )
            except ValueError as error:
                raise row.fail(error, self.fields) from None
            amount = invoice.amount
            units, places = _units(amount.amount)
            result.ids.append(invoice.id)
            result.customers.append(invoice.customer_id)
            result.codes.append(amount.currency)
            result.units.append(units)
            result.places.append(places)
            result.issued.append(invoice.issue_date)
            result.due.append(invoice.due_date)
            result.settled.append(settled_on)
        return result

    def _first_line(self, invoice_id: str, before: int) -> int | None:
        """The line before ``before`` with invoice ``invoice_id``, or None (a hash collision)."""
        position = self.table.index[self.mapping.document_id]
        assert position is not None
        for line, cells in self.table.rows():
            if line >= before:
                return None
            if cells[position].strip() == invoice_id:
                return line
        return None  # pragma: no cover - the loop ends at ``before``


_T = TypeVar("_T")


def _lookup(
    cells: Sequence[str], cache: dict[str, _T], parse: Callable[[str], _T]
) -> list[_T] | None:
    """``cells`` through ``cache``, parsing each new distinct cell; None if one fails."""
    try:
        return list(map(cache.__getitem__, cells))
    except KeyError:
        pass
    for text in set(cells).difference(cache):
        try:
            cache[text] = parse(text)
        except ValueError:  # ValidationError is a ValueError too
            return None
    return list(map(cache.__getitem__, cells))


def history_blocks(path: _Path, *, mapping: ColumnMapping) -> Iterator[SettledColumns]:
    """The settled invoices of a payment-history file a block at a time, checked as
    :func:`read_payment_history` checks them (for readers that sum without records)."""
    return _HistoryScan(path, _check_mapping(mapping)).blocks()


def read_payment_history(path: _Path, *, mapping: ColumnMapping) -> PaymentHistory:
    """Paid invoices from a payment-history export with a "settled on" column.

    Each line whose ``settled_on`` cell is filled becomes a
    :class:`~credkit.ledger.Settlement` (``amount`` the invoice amount, ``credited``
    zero, since an export of this kind does not say how an invoice was settled); lines
    with an empty cell are invoices still open, counted in ``open_lines``. A
    settlement dated before the invoice's issue date is an error, and so is an
    invoice given twice (a repeated line would count it twice).

    The file is read a block of lines at a time, each block a column at a time where
    every cell is plain (a block with anything else is read line by line, with the
    same checks and errors).

    >>> import pathlib, tempfile
    >>> mapping = ColumnMapping(settled_on="paid_on")
    >>> with tempfile.TemporaryDirectory() as directory:
    ...     path = pathlib.Path(directory, "history.csv")
    ...     _ = path.write_text("id,customer_id,issue_date,due_date,amount,currency,paid_on\\n"
    ...                         "I1,C1,2026-01-05,2026-02-04,10.00,EUR,2026-02-10\\n"
    ...                         "I2,C1,2026-02-05,2026-03-07,20.00,EUR,\\n")
    ...     history = read_payment_history(path, mapping=mapping)
    >>> [(s.invoice_id, s.days_beyond_terms) for s in history.settlements], history.open_lines
    ([('I1', 6)], (3,))
    """
    mapping = _check_mapping(mapping)
    _settled_column(mapping)
    settlements: list[Settlement] = []
    open_lines: list[int] = []
    zeros: dict[str, Money] = {}
    for columns in _HistoryScan(path, mapping).blocks():
        open_lines.extend(columns.open_lines)
        rows = zip(
            columns.ids,
            columns.customers,
            columns.codes,
            columns.units,
            columns.places,
            columns.issued,
            columns.due,
            columns.settled,
            strict=True,
        )
        for invoice_id, customer, code, units, places, issued, due, settled in rows:
            zero = zeros.get(code)
            if zero is None:
                zero = zeros[code] = Money.zero(code)
            settlements.append(
                Settlement(
                    invoice_id,
                    customer,
                    issued,
                    due,
                    _trusted_money(_EXACT.scaleb(Decimal(units), -places), code),
                    settled_on=settled,
                    credited=zero,
                )
            )
    return PaymentHistory(settlements=tuple(settlements), open_lines=tuple(open_lines))


def read_settlements(path: _Path, *, mapping: ColumnMapping) -> tuple[Settlement, ...]:
    """The settlements of :func:`read_payment_history` (open invoices left out).

    >>> import pathlib, tempfile
    >>> mapping = ColumnMapping(settled_on="paid_on")
    >>> with tempfile.TemporaryDirectory() as directory:
    ...     path = pathlib.Path(directory, "history.csv")
    ...     _ = path.write_text("id,customer_id,issue_date,due_date,amount,currency,paid_on\\n"
    ...                         "I1,C1,2026-01-05,2026-02-04,10.00,EUR,2026-02-10\\n"
    ...                         "I2,C1,2026-02-05,2026-03-07,20.00,EUR,\\n")
    ...     [(s.invoice_id, s.days_beyond_terms) for s in read_settlements(path, mapping=mapping)]
    [('I1', 6)]
    """
    return read_payment_history(path, mapping=mapping).settlements


def _kind(row: Row, mapping: ColumnMapping, amount: Money) -> DocumentKind:
    value = row.optional(mapping.kind)
    if value is None:
        if mapping.kind is not None and row.table.has(mapping.kind):
            raise ValueError("is empty; a document type is required")
        return DocumentKind.CREDIT_NOTE if amount.is_negative else DocumentKind.INVOICE
    try:
        return mapping.kind_values[value]
    except KeyError:
        accepted = ", ".join(repr(k) for k in mapping.kind_values)
        raise ValueError(
            f"{value!r} is not a document type the mapping knows; kind_values has {accepted}"
        ) from None


def _parse_instalment(text: str) -> int | None:
    """An instalment number cell: a whole number from 1, or None for an empty cell."""
    text = text.strip()
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or int(text) < 1:
        raise ValueError(
            f"{text!r} is not an instalment number; expected a whole number from 1 "
            "(1 for the first), or an empty cell for a line that is the whole invoice"
        )
    return int(text)


def _mixed_instalments(item: OpenItem, other: int) -> str:
    """Why ``item`` cannot be read beside line ``other``, which holds the same invoice
    with (or without) an instalment number where ``item`` has none (or one)."""
    if item.instalment is None:
        return (
            f"invoice {item.document_id!r} has no instalment number here but has one on "
            f"line {other}; a line without a number is the whole invoice, so give every "
            "line of an invoice with instalments its instalment number"
        )
    return (
        f"invoice {item.document_id!r} has instalment {item.instalment} here but no "
        f"instalment number on line {other}, which is the whole invoice; give every line "
        "of an invoice with instalments its instalment number"
    )


def _open_item(row: Row, mapping: ColumnMapping) -> OpenItem:
    document_id = row.text(mapping.document_id)
    customer_id = row.text(mapping.customer_id)
    issued = row.date(mapping.issue_date)
    currency = _currency(row, mapping)
    amount = Money(row.amount(mapping.amount), currency)
    original = None
    if mapping.original_amount is not None and row.optional(mapping.original_amount):
        original = Money(row.amount(mapping.original_amount), currency)
    kind = _kind(row, mapping, amount)
    if kind is not DocumentKind.INVOICE and (
        not row.table.has(mapping.due_date) or row.optional(mapping.due_date) is None
    ):
        due = issued
    else:
        due = _due(row, mapping, issued)
    instalment = None
    if mapping.instalment is not None:
        instalment = _parse_instalment(row.optional(mapping.instalment) or "")
    return OpenItem(
        document_id,
        customer_id,
        kind,
        issued,
        due,
        amount,
        original_amount=original,
        disputed=row.flag(mapping.disputed),
        instalment=instalment,
        booked=_booked(row, mapping),
    )


def read_open_items(path: _Path, *, mapping: ColumnMapping | None = None) -> tuple[OpenItem, ...]:
    """Open items from an export of what is open today, for hosts without a full ledger.

    ``amount`` is the signed open amount: positive for what a customer owes, negative
    for unapplied cash and credit notes. The type of each line comes from the
    ``kind`` column through ``kind_values`` when the mapping names one; without it, a
    negative line is read as a credit note and any other as an invoice (aging treats
    every negative item alike, so the report does not depend on that choice). Credit
    notes and payments may leave the due date empty (it is then the issue date).

    With an ``instalment`` column in the mapping, an export with one line per due date
    of an invoice (SAP FBL5N, Odoo's aged receivables) reads as one item per
    instalment: a line's number (a whole number from 1; empty: the whole invoice) is
    its item's :attr:`~credkit.ledger.OpenItem.instalment`, and aging counts each
    instalment as an item of its own, told apart by (kind, id, instalment). An invoice
    given both with and without instalment numbers is an error.

    >>> import pathlib, tempfile
    >>> with tempfile.TemporaryDirectory() as directory:
    ...     path = pathlib.Path(directory, "open.csv")
    ...     _ = path.write_text("id,customer_id,issue_date,due_date,amount,currency\\n"
    ...                         "I1,C1,2026-01-05,2026-02-04,400.00,EUR\\n"
    ...                         "P7,C1,2026-02-10,,-50.00,EUR\\n")
    ...     [(i.document_id, i.kind.value, str(i.amount)) for i in read_open_items(path)]
    [('I1', 'invoice', '400.00 EUR'), ('P7', 'credit_note', '-50.00 EUR')]
    """
    mapping = _check_mapping(mapping)
    fields = _fields(mapping)
    result = []
    extra = (
        mapping.kind,
        mapping.original_amount,
        mapping.booked,
        mapping.booked_currency,
        mapping.instalment,
    )
    # (kind, id) -> the first line with, and the first line without, an instalment number
    numbered: dict[tuple[DocumentKind, str], int] = {}
    whole: dict[tuple[DocumentKind, str], int] = {}
    for row in _rows(path, mapping, *extra):
        try:
            item = _open_item(row, mapping)
            if mapping.instalment is not None:
                key = (item.kind, item.document_id)
                mine, other = (whole, numbered) if item.instalment is None else (numbered, whole)
                if key in other:
                    row.column = mapping.instalment
                    raise ValueError(_mixed_instalments(item, other[key]))
                mine.setdefault(key, row.line)
            result.append(item)
        except ValueError as error:
            raise row.fail(error, fields) from None
    return tuple(result)
