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
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from credkit.cli._common import Subcommands, grid, plain_number
from credkit.cli._load import add_source, read_sources
from credkit.cli._output import FINDINGS, OK, Rows, add_format_argument, emit
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
from credkit.errors import StorageError
from credkit.io import RECORD_FILES

if TYPE_CHECKING:
    from credkit.storage.sql import SQLStore

__all__ = ["ENVIRONMENT_VARIABLE", "add_parser", "default_url", "run"]


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
    add_format_argument(
        common,
        help="format of what is printed: table (default), json or csv (status: one row per "
        "table; load: one row per kind of record; init and upgrade: the schema versions)",
    )
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
    ...     run(argparse.Namespace(action="init", url=url, prefix="credkit_", format="table"))
    created the credkit tables in sqlite:///.../credkit.db (schema version 0007)
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
        text = f"{store.where} is up to date (schema version {after})"
    elif before is None:
        text = f"created the credkit tables in {store.where} (schema version {after})"
    else:
        text = f"upgraded {store.where} from schema version {before} to {after}"
    document = {"store": store.where, "schema_before": before, "schema_after": after}
    _print(args, text, document, (["schema_before", "schema_after"], [[before, after]]))
    return OK


def _print(args: argparse.Namespace, text: str, document: object, rows: Rows) -> None:
    print(
        emit(
            getattr(args, "format", "table"),
            table=lambda: text,
            document=lambda: document,
            rows=lambda: rows,
            raw=getattr(args, "raw_csv", False),
        )
    )


def _init(args: argparse.Namespace) -> int:
    return _migrate(args, create=True)


def _upgrade(args: argparse.Namespace) -> int:
    return _migrate(args, create=False)


def _status(args: argparse.Namespace) -> int:
    store = _open(args)
    from credkit.storage.sql import HEAD  # importable: _open checked

    lines = [f"database: {store.where}"]
    document: dict[str, Any] = {"store": store.where, "schema": None, "head": HEAD}
    missing = missing_file(store)
    counts: dict[str, int] = {}
    if missing is not None:
        lines.append(
            f"schema: none; there is no file {str(missing)!r} ({hint(store, 'init')} creates it)"
        )
        version = None
    else:
        with closing(store):
            version = store.version()
            if version == HEAD:
                counts = store.counts()
        if version is None:
            lines.append(
                f"schema: none; the database has no credkit tables (run "
                f"{hint(store, 'upgrade')} to create them)"
            )
        elif version != HEAD:
            lines.append(
                f"schema: version {version}, but this credkit works on version {HEAD} "
                f"(run {hint(store, 'upgrade')}, or upgrade credkit if the database is newer)"
            )
        else:
            lines.append(f"schema: version {version} (current)")
            rows = [
                [name, plain_number(Decimal(count), 0)] for name, count in sorted(counts.items())
            ]
            lines += grid(["Table", "Rows"], rows, left={"Table"})
    document["schema"] = version
    document["current"] = version == HEAD
    document["tables"] = [{"table": name, "rows": n} for name, n in sorted(counts.items())]
    _print(
        args,
        "\n".join(lines),
        document,
        (["table", "rows"], sorted(counts.items())),
    )
    return OK if version == HEAD else FINDINGS


# -- load -----------------------------------------------------------------------------


def _load(args: argparse.Namespace) -> int:
    store = _open(args)
    missing = missing_file(store)
    if missing is not None:
        raise StorageError(
            f"--url: there is no database file {str(missing)!r}; {hint(store, 'init')} creates one"
        )
    sources = read_sources(args.path, args.mapping)  # every file is read before anything is stored
    require_schema(store)
    export = args.mapping is not None or (
        args.path.is_file() and args.path.name not in {n for n, _ in RECORD_FILES.values()}
    )
    counts = []
    with closing(store), store.unit() as unit:
        for source in sources:
            counts.append(add_source(unit, source, export=export))
    lines = [count.line() for count in counts]
    added = sum(count.new + count.updated for count in counts)
    if added:
        lines.append(f"stored {added} new records in {store.where}, in one transaction")
    else:
        lines.append(f"nothing new: {store.where} holds every record already")
    records = [
        {"kind": c.kind, "new": c.new, "stored": c.stored, "updated": c.updated} for c in counts
    ]
    _print(
        args,
        "\n".join(lines),
        {"store": store.where, "added": added, "records": records},
        (["kind", "new", "stored", "updated"], [list(r.values()) for r in records]),
    )
    return OK
