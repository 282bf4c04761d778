"""Reading a directory, a record file or an export into a store: ``credkit db load``'s path.

Private to :mod:`credkit.cli`. :func:`read_sources` reads every file first (a bad file
stores nothing), :func:`add_source` stores one file's records in a unit of work and
names the file, the line and the column of a record the store refuses, and
:func:`directory_store` loads a directory in the canonical layout into a
:class:`~credkit.storage.MemoryStore` (``credkit report --ledger``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import attrs

from credkit.cli._common import ledger_or_mapping
from credkit.errors import CredkitError, DuplicateRecordError, ValidationError
from credkit.io import (
    FILES,
    RECORD_FILES,
    ColumnMapping,
    line_numbers,
    read_dunning,
    read_invoices,
    read_limits,
    read_orders,
)
from credkit.ledger import Ledger
from credkit.policy import OrderRequest
from credkit.storage import MemoryStore, Reservation, Unit

__all__ = ["add_source", "directory_store", "read_sources"]

_LABELS: Final = {
    "customers": "customers",
    "invoices": "invoices",
    "credit_notes": "credit notes",
    "payments": "payments",
    "allocations": "allocations",
    "limits": "limits",
    "orders": "orders",
    "dunning": "dunning records",
}
_READERS: Final[Mapping[str, Callable[[Path], Sequence[Any]]]] = {
    "limits": read_limits,
    "orders": read_orders,
    "dunning": read_dunning,
}
# A store's messages start with the field they are about, maybe with an index:
# "documents[3].amount: ...", "documents.customer_id: ...", "customer_id: ...".
_FIELD: Final = re.compile(r"([A-Za-z_]\w*)(?:\[(\d+)\])?(?:\.([A-Za-z_]\w*))?: ")


@attrs.frozen
class _Source:
    """Records read from one file, and how to point at the line of one of them."""

    kind: str
    path: Path
    records: Sequence[Any]
    columns: Mapping[str, str]  # record field -> the file's column
    delimiter: str = ","
    encoding: str = "utf-8"

    def lines(self) -> tuple[int, ...]:
        return line_numbers(self.path, delimiter=self.delimiter, encoding=self.encoding)

    def error(self, index: int | None, column: str | None, detail: str) -> ValidationError:
        if index is None:
            return ValidationError(f"{self.path}: {detail}")
        lines = self.lines()
        if index >= len(lines):  # pragma: no cover - the file changed while being loaded
            return ValidationError(f"{self.path}: {detail}")
        where = f", column {column}" if column else ""
        return ValidationError(f"{self.path}, line {lines[index]}{where}: {detail}")


def _identity(names: Sequence[str]) -> dict[str, str]:
    return {name: name for name in names}


def read_sources(path: Path, mapping: Path | None) -> list[_Source]:
    """Every file of ``path`` read into records, before anything is stored (see the module)."""
    if path.is_file() and mapping is None:
        for kind, (name, columns) in RECORD_FILES.items():
            if path.name == name:
                return [_Source(kind, path, _READERS[kind](path), _identity(columns))]
    source = ledger_or_mapping(path, mapping, default=ColumnMapping())
    if isinstance(source, ColumnMapping):
        fields = {
            "id": source.document_id,
            "customer_id": source.customer_id,
            "issue_date": source.issue_date,
            "due_date": source.due_date,
            "amount": source.amount,
            **({"currency": source.currency} if source.currency is not None else {}),
        }
        invoices = read_invoices(path, mapping=source)
        return [
            _Source(
                "invoices",
                path,
                invoices,
                fields,
                delimiter=source.delimiter,
                encoding=source.encoding,
            )
        ]
    ledger: Ledger = source
    sources = [
        _Source(kind, path / name, getattr(ledger, kind), _identity(columns))
        for kind, (name, columns) in FILES.items()
    ]
    for kind, (name, columns) in RECORD_FILES.items():
        if (path / name).is_file():
            sources.append(
                _Source(kind, path / name, _READERS[kind](path / name), _identity(columns))
            )
    return sources


def _keys(kind: str, record: Any) -> tuple[str | None, ...]:
    """The ids a store's message may name a record by, the most telling first."""
    if kind == "customers":
        return (record.id,)
    if kind in ("invoices", "credit_notes", "payments"):
        return (record.id, record.customer_id)
    if kind == "allocations":
        return (record.source_id, record.target_id)
    if kind == "orders":
        return (record.order_id, record.customer_id)
    return (record.customer_id,)


def _located(error: ValidationError, source: _Source, index: int | None = None) -> CredkitError:
    """``error`` from the store, as an error naming the file, the line and the column."""
    message = error.message
    column = None
    detail = message
    match = _FIELD.match(message)
    if match is not None:
        name, position, sub = match.groups()
        field = sub or name
        if field in source.columns:
            column, detail = source.columns[field], message[match.end() :]
        if index is None and position is not None and name in ("customers", "documents"):
            index = int(position)
    if index is None or index >= len(source.records):
        index = _search(message, source)
    located = source.error(index, column, detail)
    if isinstance(error, DuplicateRecordError):
        return DuplicateRecordError(located.message)
    return located


def _search(message: str, source: _Source) -> int | None:
    """The first record whose id the message names (ids first, then customers...)."""
    keyed = [_keys(source.kind, record) for record in source.records]
    width = max((len(keys) for keys in keyed), default=0)
    for level in range(width):
        for index, keys in enumerate(keyed):
            if level < len(keys) and keys[level] is not None and repr(keys[level]) in message:
                return index
    return None


@attrs.frozen
class _Count:
    kind: str
    new: int
    stored: int
    updated: int = 0

    def line(self) -> str:
        text = f"{_LABELS[self.kind]}: {self.new} new, {self.stored} already stored"
        return text + (f", {self.updated} updated" if self.updated else "")


def _reservation(order: OrderRequest) -> Reservation:
    assert order.customer_id is not None  # read_orders requires it
    return Reservation(
        order.order_id, order.customer_id, order.amount, reserved_on=order.order_date
    )


def _add_orders(unit: Unit, source: _Source) -> _Count:
    orders: Sequence[OrderRequest] = source.records
    held: dict[str, Reservation] = {}
    for customer_id in sorted({order.customer_id for order in orders if order.customer_id}):
        try:
            held.update((r.order_id, r) for r in unit.reservations(customer_id))
        except ValidationError as error:
            raise _located(error, source) from None
    new = same = updated = 0
    for index, order in enumerate(orders):
        reservation = _reservation(order)
        if held.get(order.order_id) == reservation:
            same += 1
            continue
        try:
            replaced = unit.reserve(reservation)
        except ValidationError as error:
            raise _located(error, source, index) from None
        if replaced is None:
            new += 1
        else:
            updated += 1
    return _Count(source.kind, new, same, updated)


def _add_limits(unit: Unit, source: _Source) -> _Count:
    new = 0
    for index, limit in enumerate(source.records):
        try:
            new += unit.add_limit(limit)
        except ValidationError as error:
            raise _located(error, source, index) from None
    return _Count(source.kind, new, len(source.records) - new)


def _check_customers(unit: Unit, source: _Source) -> None:
    """An export's invoices name customers the store must hold already."""
    for index, record in enumerate(source.records):
        try:
            unit.customer(record.customer_id)
        except ValidationError:
            raise source.error(
                index,
                source.columns["customer_id"],
                f"customer {record.customer_id!r} is not stored; load the customers first "
                "(for example `credkit db load DIR` with a directory holding customers.csv)",
            ) from None


def add_source(unit: Unit, source: _Source, *, export: bool) -> _Count:
    """Store the records of ``source`` in ``unit``; an error names the file, line and column."""
    if source.kind == "orders":
        return _add_orders(unit, source)
    if source.kind == "limits":
        return _add_limits(unit, source)
    if export:
        _check_customers(unit, source)
    adders: dict[str, Callable[[Any], int]] = {
        "customers": unit.add_customers,
        "invoices": unit.add_documents,
        "credit_notes": unit.add_documents,
        "payments": unit.add_documents,
        "allocations": unit.add_allocations,
        "dunning": unit.record_dunning,
    }
    add = adders[source.kind]
    try:
        new = add(source.records)
    except ValidationError as error:
        raise _located(error, source) from None
    return _Count(source.kind, new, len(source.records) - new)


def directory_store(path: Path, *, option: str = "--ledger") -> MemoryStore:
    """A store in memory holding the directory ``path``, loaded as ``credkit db load`` loads it.

    Errors name the file, the line and the column, as for ``credkit db load``; a path
    that is not a directory is reported against ``option``.
    """
    if not path.is_dir():
        raise ValidationError(f"{option}: {str(path)!r} is not a directory")
    sources = read_sources(path, None)
    store = MemoryStore()
    with store.unit() as unit:
        for source in sources:
            add_source(unit, source, export=False)
    return store
