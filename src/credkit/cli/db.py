"""``credkit db``: create, upgrade, inspect and load the database of a credkit store.

- ``credkit db init``: create the database's credkit tables, or bring them up to date
  (an SQLite file is created when missing);
- ``credkit db upgrade``: bring an existing database to this credkit's schema;
- ``credkit db status``: the schema version and how many rows each table holds;
- ``credkit db load PATH``: store a directory written by ``credkit sample --out DIR``
  (the five ledger files, and ``limits.csv``, ``orders.csv`` and ``dunning.csv`` when
  they are there), one of those three files alone, or a CSV export of invoices
  (``--mapping`` describes its columns, as for ``credkit age``).

Every action takes ``--url`` (default: the environment variable ``CREDKIT_DB_URL``,
else ``sqlite:///credkit.db``) and ``--prefix`` (default ``credkit_``), and needs
the ``sql`` extra (SQLAlchemy, Alembic, and psycopg or PyMySQL for PostgreSQL or
MariaDB/MySQL). A load is one unit of work, one transaction: a bad file stores
nothing, and the error names the file, the line and the column. Loading the same
files again stores nothing new, and says so kind by kind.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import attrs

from credkit.cli._common import Subcommands, grid, ledger_or_mapping, plain_number
from credkit.cli._store import (
    ENVIRONMENT_VARIABLE,
    add_store_arguments,
    closing,
    default_url,
    hint,
    missing_file,
    open_store,
    require_schema,
)
from credkit.errors import CredkitError, DuplicateRecordError, StorageError, ValidationError
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
from credkit.storage import Reservation, Unit

if TYPE_CHECKING:
    from credkit.storage.sql import SQLStore

__all__ = ["ENVIRONMENT_VARIABLE", "add_parser", "default_url", "run"]

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


def add_parser(commands: Subcommands) -> None:
    """Register ``credkit db`` and its actions on the sub-command parser ``commands``.

    >>> parser = argparse.ArgumentParser(prog="credkit")
    >>> add_parser(parser.add_subparsers())
    >>> args = parser.parse_args(["db", "load", "sample", "--url", "sqlite:///x.db"])
    >>> args.action, args.path, args.url
    ('load', PosixPath('sample'), 'sqlite:///x.db')
    """
    common = argparse.ArgumentParser(add_help=False)
    add_store_arguments(common)
    parser = commands.add_parser(
        "db",
        help="create, upgrade, inspect and load a credkit database",
        description="Manage the database of a credkit store (SQLite, PostgreSQL or "
        "MariaDB/MySQL; needs the sql extra).",
    )
    actions = parser.add_subparsers(title="actions", metavar="ACTION", dest="action")
    actions.required = True
    actions.add_parser(
        "init",
        parents=[common],
        help="create the credkit tables (and an SQLite file) or bring them up to date",
        description="Create the credkit tables in the database, or bring them up to date. "
        "An SQLite database file is created when missing (its directory must exist).",
    )
    actions.add_parser(
        "upgrade",
        parents=[common],
        help="bring an existing database to this credkit's schema",
        description="Run the schema migrations an existing database lacks (none if it is "
        "up to date).",
    )
    actions.add_parser(
        "status",
        parents=[common],
        help="schema version and rows per table",
        description="Print the schema version of the database and how many rows each "
        "credkit table holds. Exits with 1 when the schema is missing or not this "
        "credkit's.",
    )
    load = actions.add_parser(
        "load",
        parents=[common],
        help="store a sample directory or an invoice export, in one transaction",
        description="Store the records of PATH in one transaction: a directory written by "
        "`credkit sample --out DIR` (customers, invoices, credit notes, payments and "
        "allocations, and limits.csv, orders.csv and dunning.csv when present), one of "
        "limits.csv, orders.csv or dunning.csv alone, or a CSV export of invoices of "
        "customers already stored (--mapping describes its columns). Records already "
        "stored are skipped; a bad file stores nothing.",
    )
    load.add_argument(
        "path",
        type=Path,
        metavar="PATH",
        help="a directory in the canonical layout, or one CSV file",
    )
    load.add_argument(
        "--mapping",
        type=Path,
        metavar="MAPPING.toml",
        help="column mapping (TOML or JSON) for a CSV export of invoices",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the action of ``args``: ``init``, ``upgrade``, ``status`` or ``load``.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     url = f"sqlite:///{folder}/credkit.db"
    ...     run(argparse.Namespace(action="init", url=url, prefix="credkit_"))
    created the credkit tables in sqlite:///.../credkit.db (schema version 0003)
    0
    """
    actions: dict[str, Callable[[argparse.Namespace], int]] = {
        "init": _init,
        "upgrade": _upgrade,
        "status": _status,
        "load": _load,
    }
    return actions[args.action](args)


# -- the store ------------------------------------------------------------------------


def _open(args: argparse.Namespace) -> SQLStore:
    return open_store(args.url, args.prefix, command="credkit db")


# -- init, upgrade, status ------------------------------------------------------------


def _migrate(args: argparse.Namespace, *, create: bool) -> int:
    store = _open(args)
    missing = missing_file(store)
    if missing is not None and not create:
        raise StorageError(
            f"--url: there is no database file {str(missing)!r}; {hint(store, 'init')} creates one"
        )
    if missing is not None and not missing.parent.is_dir():
        raise StorageError(
            f"--url: cannot create {str(missing)!r}: the directory "
            f"{str(missing.parent)!r} does not exist"
        )
    with closing(store):
        before = store.version()
        after = store.upgrade()
    if before == after:
        print(f"{store.where} is up to date (schema version {after})")
    elif before is None:
        print(f"created the credkit tables in {store.where} (schema version {after})")
    else:
        print(f"upgraded {store.where} from schema version {before} to {after}")
    return 0


def _init(args: argparse.Namespace) -> int:
    return _migrate(args, create=True)


def _upgrade(args: argparse.Namespace) -> int:
    return _migrate(args, create=False)


def _status(args: argparse.Namespace) -> int:
    store = _open(args)
    from credkit.storage.sql import HEAD  # importable: _open checked

    print(f"database: {store.where}")
    missing = missing_file(store)
    if missing is not None:
        print(f"schema: none; there is no file {str(missing)!r} ({hint(store, 'init')} creates it)")
        return 1
    with closing(store):
        version = store.version()
        if version != HEAD:
            if version is None:
                print(
                    f"schema: none; the database has no credkit tables (run "
                    f"{hint(store, 'upgrade')} to create them)"
                )
            else:
                print(
                    f"schema: version {version}, but this credkit works on version {HEAD} "
                    f"(run {hint(store, 'upgrade')}, or upgrade credkit if the database is newer)"
                )
            return 1
        counts = store.counts()
    print(f"schema: version {version} (current)")
    rows = [[name, plain_number(Decimal(count), 0)] for name, count in sorted(counts.items())]
    print("\n".join(grid(["Table", "Rows"], rows, left={"Table"})))
    return 0


# -- load -----------------------------------------------------------------------------


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


def _sources(path: Path, mapping: Path | None) -> list[_Source]:
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


def _add(unit: Unit, source: _Source, *, export: bool) -> _Count:
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


def _load(args: argparse.Namespace) -> int:
    store = _open(args)
    missing = missing_file(store)
    if missing is not None:
        raise StorageError(
            f"--url: there is no database file {str(missing)!r}; {hint(store, 'init')} creates one"
        )
    sources = _sources(args.path, args.mapping)  # every file is read before anything is stored
    require_schema(store)
    export = args.mapping is not None or (
        args.path.is_file() and args.path.name not in {n for n, _ in RECORD_FILES.values()}
    )
    counts = []
    with closing(store), store.unit() as unit:
        for source in sources:
            counts.append(_add(unit, source, export=export))
    for count in counts:
        print(count.line())
    added = sum(count.new + count.updated for count in counts)
    if added:
        print(f"stored {added} new records in {store.where}, in one transaction")
    else:
        print(f"nothing new: {store.where} holds every record already")
    return 0
