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
from credkit.io._table import Row, Table
from credkit.ledger import Allocation, CreditNote, Customer, Invoice, Ledger, Payment
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
            with path.open("w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle, lineterminator="\r\n")
                writer.writerow(columns)
                for record in getattr(ledger, kind):
                    writer.writerow(_cells(kind, record))
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
        self.table = Table(path, columns=columns, optional=_OPTIONAL, delimiter=",", strip=False)
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


def _customer(row: Row) -> Customer:
    return Customer(
        row.text("id"),
        row.text("name", allow_empty=True),
        country=row.text("country"),
        currency=row.text("currency"),
        segment=row.optional("segment"),
        industry=row.optional("industry"),
        parent_id=row.optional("parent_id"),
    )


def _invoice(row: Row) -> Invoice:
    return Invoice(
        row.text("id"),
        row.text("customer_id"),
        row.date("issue_date"),
        row.date("due_date"),
        _money(row),
        disputed=row.flag("disputed"),
    )


def _credit_note(row: Row) -> CreditNote:
    return CreditNote(
        row.text("id"),
        row.text("customer_id"),
        row.date("issue_date"),
        _money(row),
        invoice_id=row.optional("invoice_id"),
        write_off=row.flag("write_off"),
    )


def _payment(row: Row) -> Payment:
    return Payment(row.text("id"), row.text("customer_id"), row.date("received_on"), _money(row))


def _allocation(row: Row) -> Allocation:
    return Allocation(
        row.text("source_id"), row.text("target_id"), _money(row), row.date("applied_on")
    )


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
