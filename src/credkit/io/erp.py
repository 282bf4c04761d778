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
import os
from collections.abc import Iterator
from typing import Final

import attrs

from credkit.errors import ConfigError
from credkit.io._table import Row, Table
from credkit.io.mapping import ColumnMapping
from credkit.ledger import DocumentKind, Invoice, OpenItem, Settlement
from credkit.money import Money

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


def read_payment_history(path: _Path, *, mapping: ColumnMapping) -> PaymentHistory:
    """Paid invoices from a payment-history export with a "settled on" column.

    Each line whose ``settled_on`` cell is filled becomes a
    :class:`~credkit.ledger.Settlement` (``amount`` the invoice amount, ``credited``
    zero, since an export of this kind does not say how an invoice was settled); lines
    with an empty cell are invoices still open, counted in ``open_lines``. A
    settlement dated before the invoice's issue date is an error, and so is an
    invoice given twice (a repeated line would count it twice).

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
    if mapping.settled_on is None:
        raise ConfigError(
            "the mapping names no settled-date column; read_settlements needs one "
            "(for example settled_on = 'paid_on')",
            path="settled_on",
        )
    fields = _fields(mapping)
    settlements = []
    open_lines = []
    first_line: dict[str, int] = {}
    for row in _rows(path, mapping, mapping.settled_on):
        try:
            invoice = _invoice(row, mapping)
            if invoice.id in first_line:
                row.column = mapping.document_id
                raise ValueError(
                    f"invoice {invoice.id!r} is also on line {first_line[invoice.id]}; "
                    "give each invoice once"
                )
            first_line[invoice.id] = row.line
            settled_text = row.optional(mapping.settled_on)
            if settled_text is None:
                open_lines.append(row.line)
                continue
            settled_on = row.date(mapping.settled_on)
            if settled_on < invoice.issue_date:
                raise ValueError(
                    f"{settled_on.isoformat()} is before the issue date "
                    f"{invoice.issue_date.isoformat()} of invoice {invoice.id!r}"
                )
        except ValueError as error:
            raise row.fail(error, fields) from None
        settlements.append(
            Settlement(
                invoice.id,
                invoice.customer_id,
                invoice.issue_date,
                invoice.due_date,
                invoice.amount,
                settled_on=settled_on,
                credited=Money.zero(invoice.amount.currency),
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
