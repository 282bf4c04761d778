"""credkit's own CSV layout: a directory with one file per kind of record.

:func:`write_ledger` writes a :class:`~credkit.ledger.Ledger` as five UTF-8 CSV files
with a header line and :func:`read_ledger` reads them back into an equal ledger:

| file | columns |
|---|---|
| ``customers.csv`` | id, name, country, currency, segment, industry, parent_id |
| ``invoices.csv`` | id, customer_id, issue_date, due_date, amount, currency, disputed |
| ``credit_notes.csv`` | id, customer_id, issue_date, amount, currency, invoice_id, write_off |
| ``payments.csv`` | id, customer_id, received_on, amount, currency |
| ``allocations.csv`` | source_id, target_id, amount, currency, applied_on |

Lines end in CRLF (RFC 4180). Dates are ISO (``2026-01-31``), amounts plain decimal
strings with a point and no thousands separators (``1250.00``), flags ``true`` / ``false``, and an empty cell is
"none" for the optional columns (segment, industry, parent_id, invoice_id), which may
also be left out of the file, as may ``disputed`` and ``write_off`` (then false).
Invoices, credit notes and payments may carry two more optional columns, ``booked``
and ``booked_currency``: the amount in the company currency at the booking rate
(written only when some record of the file has one).
``invoices.csv`` may carry an optional ``schedule`` column, an invoice's instalments
as ``due date amount`` pairs separated by ``;`` (``2026-03-02 500.00;2026-04-01
500.00``, in the invoice's currency), and ``allocations.csv`` an optional
``instalment`` column, the number of the instalment an allocation names, and
``customers.csv`` an optional ``tags`` column, a customer's tags separated by ``;``
(``key_account;public``) (each written only when some record of the file has one;
empty is none).
Text is kept exactly as written (no trimming). Errors name the file, the line and the
column.

>>> import tempfile
>>> from datetime import date
>>> from credkit.ledger import Customer, Invoice, Ledger
>>> from credkit.money import Money
>>> ledger = Ledger(
...     customers=[Customer("C1", "Acme, Inc.", country="US", currency="USD")],
...     invoices=[Invoice("I1", "C1", date(2026, 1, 5), date(2026, 2, 4), Money.of("99.90", "USD"))],
... )
>>> with tempfile.TemporaryDirectory() as directory:
...     _ = write_ledger(ledger, directory)
...     again = read_ledger(directory)
>>> again.customers == ledger.customers, again.invoices == ledger.invoices
(True, True)
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

from credkit.errors import ValidationError
from credkit.io._table import Row, Table, parse_amount, parse_date
from credkit.ledger import (
    Allocation,
    CreditNote,
    Customer,
    Invoice,
    InvoiceInstalment,
    Ledger,
    Payment,
)
from credkit.money import Money

__all__ = ["FILES", "read_ledger", "write_ledger"]

FILES: Final = {
    "customers": (
        "customers.csv",
        ("id", "name", "country", "currency", "segment", "industry", "parent_id"),
    ),
    "invoices": (
        "invoices.csv",
        ("id", "customer_id", "issue_date", "due_date", "amount", "currency", "disputed"),
    ),
    "credit_notes": (
        "credit_notes.csv",
        ("id", "customer_id", "issue_date", "amount", "currency", "invoice_id", "write_off"),
    ),
    "payments": ("payments.csv", ("id", "customer_id", "received_on", "amount", "currency")),
    "allocations": (
        "allocations.csv",
        ("source_id", "target_id", "amount", "currency", "applied_on"),
    ),
}
"""Ledger field -> (file name, columns) of the canonical layout, in writing order."""

_OPTIONAL: Final = frozenset(
    {"segment", "industry", "parent_id", "invoice_id", "disputed", "write_off"}
)

_BOOKED: Final = ("booked", "booked_currency")
"""Optional columns of the document files: the amount in the company currency as booked."""

_DOCUMENT_KINDS: Final = frozenset({"invoices", "credit_notes", "payments"})

_EXTRA: Final = {"invoices": "schedule", "allocations": "instalment", "customers": "tags"}
"""The optional last column of a file, by ledger field: instalments, customers' tags."""


def _extra_cell(kind: str, record: Any) -> str:
    if kind == "customers":
        customer: Customer = record
        for tag in customer.tags:
            if ";" in tag:
                raise ValidationError(
                    f"tags: customer {customer.id!r} has the tag {tag!r}; a tag in "
                    "customers.csv cannot hold ';', which separates the tags"
                )
        return ";".join(customer.tags)
    if kind == "invoices":
        invoice: Invoice = record
        return ";".join(f"{p.due_date.isoformat()} {_amount(p.amount)}" for p in invoice.schedule)
    number: int | None = record.instalment
    return "" if number is None else str(number)


# -- writing --------------------------------------------------------------------------


def _amount(money: Money) -> str:
    return format(money.amount, "f")


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _text(value: str | None) -> str:
    return "" if value is None else value


def _cells(kind: str, record: Any) -> list[str]:
    if kind == "customers":
        c: Customer = record
        return [
            c.id,
            c.name,
            c.country,
            c.currency,
            _text(c.segment),
            _text(c.industry),
            _text(c.parent_id),
        ]
    if kind == "invoices":
        i: Invoice = record
        return [
            i.id,
            i.customer_id,
            i.issue_date.isoformat(),
            i.due_date.isoformat(),
            _amount(i.amount),
            i.amount.currency,
            _flag(i.disputed),
        ]
    if kind == "credit_notes":
        n: CreditNote = record
        return [
            n.id,
            n.customer_id,
            n.issue_date.isoformat(),
            _amount(n.amount),
            n.amount.currency,
            _text(n.invoice_id),
            _flag(n.write_off),
        ]
    if kind == "payments":
        p: Payment = record
        return [
            p.id,
            p.customer_id,
            p.received_on.isoformat(),
            _amount(p.amount),
            p.amount.currency,
        ]
    a: Allocation = record
    return [
        a.source_id,
        a.target_id,
        _amount(a.amount),
        a.amount.currency,
        a.applied_on.isoformat(),
    ]


def write_ledger(ledger: Ledger, directory: str | os.PathLike[str]) -> tuple[Path, ...]:
    """Write ``ledger`` as the five CSV files of the canonical layout into ``directory``.

    The directory is created if needed; existing files of the same names are
    replaced. Returns the paths written, in the order of :data:`FILES`.

    >>> import tempfile
    >>> from credkit.ledger import Ledger
    >>> with tempfile.TemporaryDirectory() as directory:
    ...     [p.name for p in write_ledger(Ledger(), directory)]
    ['customers.csv', 'invoices.csv', 'credit_notes.csv', 'payments.csv', 'allocations.csv']
    """
    if not isinstance(ledger, Ledger):
        raise ValidationError(f"ledger: expected a Ledger, got {type(ledger).__name__} {ledger!r}")
    root = Path(directory)
    written = []
    try:
        root.mkdir(parents=True, exist_ok=True)
        for kind, (name, columns) in FILES.items():
            path = root / name
            records = getattr(ledger, kind)
            booked = kind in _DOCUMENT_KINDS and any(r.booked is not None for r in records)
            extra = kind in _EXTRA and any(_extra_cell(kind, r) for r in records)
            with path.open("w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle, lineterminator="\r\n")
                header = (*columns, *_BOOKED) if booked else columns
                writer.writerow((*header, _EXTRA[kind]) if extra else header)
                for record in records:
                    cells = _cells(kind, record)
                    if booked:
                        cells.extend(_booked_cells(record.booked))
                    if extra:
                        cells.append(_extra_cell(kind, record))
                    writer.writerow(cells)
            written.append(path)
    except OSError as error:
        raise ValidationError(
            f"directory: cannot write the ledger to {str(root)!r} ({error.strerror or error})"
        ) from None
    return tuple(written)


# -- reading --------------------------------------------------------------------------


class _Reader:
    """Reads one canonical file, remembering each record's line for later errors."""

    def __init__(self, root: Path, kind: str) -> None:
        name, columns = FILES[kind]
        path = root / name
        if not path.is_file():
            listed = ", ".join(n for n, _ in FILES.values())
            raise ValidationError(
                f"{path}: no such file; a ledger directory holds {listed} "
                "(write one with credkit.io.write_ledger or `credkit sample`)"
            )
        self.kind = kind
        if kind in _DOCUMENT_KINDS:
            columns = (*columns, *_BOOKED)
        if kind in _EXTRA:
            columns = (*columns, _EXTRA[kind])
        self.table = Table(
            path,
            columns=columns,
            optional=_OPTIONAL.union(_BOOKED, _EXTRA.values()),
            delimiter=",",
            strip=False,
        )
        self.lines: list[int] = []

    def records(self) -> list[Any]:
        build = _BUILDERS[self.kind]
        result = []
        for line, cells in self.table.rows():
            row = Row(self.table, line, cells)
            try:
                result.append(build(row))
            except ValueError as error:  # ValidationError is a ValueError too
                raise row.fail(error) from None
            self.lines.append(line)
        return result


def _money(row: Row) -> Money:
    return Money(row.amount("amount"), row.text("currency"))


def _booked_cells(booked: Money | None) -> list[str]:
    return ["", ""] if booked is None else [_amount(booked), booked.currency]


def _booked(row: Row) -> Money | None:
    """The optional ``booked`` / ``booked_currency`` cells (both or neither)."""
    if row.optional("booked") is None:
        if row.optional("booked_currency") is not None:
            raise ValueError("is set but booked is empty; give both or neither")
        return None
    amount = row.amount("booked")
    return Money(amount, row.text("booked_currency"))


def _customer(row: Row) -> Customer:
    return Customer(
        row.text("id"),
        row.text("name", allow_empty=True),
        country=row.text("country"),
        currency=row.text("currency"),
        segment=row.optional("segment"),
        industry=row.optional("industry"),
        parent_id=row.optional("parent_id"),
        tags=_tags(row),
    )


def _tags(row: Row) -> tuple[str, ...]:
    """The optional ``tags`` cell: tag names separated by ``;`` (empty: none)."""
    cell = row.optional("tags")
    return () if cell is None else tuple(cell.split(";"))


def _invoice(row: Row) -> Invoice:
    return Invoice(
        row.text("id"),
        row.text("customer_id"),
        row.date("issue_date"),
        row.date("due_date"),
        _money(row),
        disputed=row.flag("disputed"),
        booked=_booked(row),
        schedule=_schedule(row),
    )


def _schedule(row: Row) -> tuple[InvoiceInstalment, ...]:
    """The optional ``schedule`` cell: ``due date amount`` pairs separated by ``;``."""
    cell = row.optional("schedule")
    if cell is None:
        return ()
    currency = row.text("currency")
    row.column = "schedule"
    parts = []
    for number, text in enumerate(cell.split(";"), start=1):
        pair = text.split()
        if len(pair) != 2:
            raise ValueError(
                f"instalment {number} {text.strip()!r} is not a due date and an amount such "
                "as '2026-03-02 500.00'; separate instalments with ';'"
            )
        parts.append(
            InvoiceInstalment(parse_date(pair[0], None), Money(parse_amount(pair[1]), currency))
        )
    return tuple(parts)


def _credit_note(row: Row) -> CreditNote:
    return CreditNote(
        row.text("id"),
        row.text("customer_id"),
        row.date("issue_date"),
        _money(row),
        invoice_id=row.optional("invoice_id"),
        write_off=row.flag("write_off"),
        booked=_booked(row),
    )


def _payment(row: Row) -> Payment:
    return Payment(
        row.text("id"),
        row.text("customer_id"),
        row.date("received_on"),
        _money(row),
        booked=_booked(row),
    )


def _allocation(row: Row) -> Allocation:
    return Allocation(
        row.text("source_id"),
        row.text("target_id"),
        _money(row),
        row.date("applied_on"),
        instalment=_instalment(row),
    )


def _instalment(row: Row) -> int | None:
    cell = row.optional("instalment")
    if cell is None:
        return None
    if not cell.strip().isdigit() or not cell.isascii():
        raise ValueError(f"{cell!r} is not an instalment number (1 for the first)")
    return int(cell)


_BUILDERS: Final[dict[str, Callable[[Row], Any]]] = {
    "customers": _customer,
    "invoices": _invoice,
    "credit_notes": _credit_note,
    "payments": _payment,
    "allocations": _allocation,
}


_LEDGER_ERROR: Final = re.compile(
    r"(?P<kind>customers|invoices|credit_notes|payments|allocations)\[(?P<index>\d+)\]"
    r"(?:\.(?P<field>[A-Za-z_]+))?: "
)


def read_ledger(directory: str | os.PathLike[str]) -> Ledger:
    """Read a ledger from the canonical CSV layout written by :func:`write_ledger`.

    Every file must be there (a header line alone is an empty file). Problems with a
    cell, and problems the ledger finds between records (an unknown customer, an
    over-allocation), raise :class:`~credkit.errors.ValidationError` naming the file,
    the line and the column.

    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as directory:
    ...     _ = write_ledger(Ledger(), directory)
    ...     _ = (pathlib.Path(directory) / "payments.csv").write_text(
    ...         "id,customer_id,received_on,amount,currency\\nP1,C1,31.01.2026,10,EUR\\n")
    ...     read_ledger(directory)
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: .../payments.csv, line 2, column received_on: '31.01.2026' is not a date in the format YYYY-MM-DD
    """
    root = Path(directory)
    if not root.is_dir():
        raise ValidationError(
            f"directory: {str(root)!r} is not a directory; expected one holding "
            f"{', '.join(n for n, _ in FILES.values())}"
        )
    readers = {kind: _Reader(root, kind) for kind in FILES}
    records = {kind: reader.records() for kind, reader in readers.items()}
    try:
        return Ledger(
            customers=records["customers"],
            invoices=records["invoices"],
            credit_notes=records["credit_notes"],
            payments=records["payments"],
            allocations=records["allocations"],
        )
    except ValidationError as error:
        match = _LEDGER_ERROR.match(error.message)
        if match is None:
            raise ValidationError(f"{root}: {error.message}") from None
        reader = readers[match.group("kind")]
        line = reader.lines[int(match.group("index"))]
        field = match.group("field")
        column = field if field in reader.table.index else None
        raise reader.table.error(line, column, error.message[match.end() :]) from None
