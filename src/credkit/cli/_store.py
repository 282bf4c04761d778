"""What the commands on a store share: ``--url``/``--prefix``, opening an SQLStore, readiness.

Private to :mod:`credkit.cli`. ``credkit db`` creates and migrates a database;
``credkit check --url`` and ``credkit audit`` work on one that ``credkit db init``
made, and refuse any other with the command that would fix it. Errors are
:class:`~credkit.errors.StorageError` or :class:`~credkit.errors.ValidationError`
naming the option, which :func:`credkit.cli.main` prints with exit status 2.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Final

from credkit.errors import StorageError, ValidationError

if TYPE_CHECKING:
    from credkit.sample import SamplePortfolio
    from credkit.storage import MemoryStore
    from credkit.storage.sql import SQLStore

__all__ = [
    "DEFAULT_PREFIX",
    "ENVIRONMENT_VARIABLE",
    "FALLBACK_URL",
    "add_source_arguments",
    "add_store_arguments",
    "closing",
    "default_url",
    "hint",
    "missing_file",
    "open_store",
    "portfolio_store",
    "ready_store",
    "source_prefix",
]

ENVIRONMENT_VARIABLE: Final = "CREDKIT_DB_URL"
"""The environment variable ``--url`` defaults to."""

FALLBACK_URL: Final = "sqlite:///credkit.db"
DEFAULT_PREFIX: Final = "credkit_"


def default_url(environ: Mapping[str, str] | None = None) -> str:
    """The database URL without ``--url``: ``$CREDKIT_DB_URL``, else ``sqlite:///credkit.db``.

    >>> default_url({}), default_url({"CREDKIT_DB_URL": "postgresql://app@db/credit"})
    ('sqlite:///credkit.db', 'postgresql://app@db/credit')
    """
    value = (os.environ if environ is None else environ).get(ENVIRONMENT_VARIABLE, "")
    return value.strip() or FALLBACK_URL


URL_HELP: Final = (
    f"database URL, e.g. sqlite:///credkit.db, postgresql://user@host/db or "
    f"mariadb://user@host/db (default: ${ENVIRONMENT_VARIABLE}, else {FALLBACK_URL})"
)


def add_store_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--url`` (default: :func:`default_url`) and ``--prefix`` (default ``credkit_``).

    >>> parser = argparse.ArgumentParser()
    >>> add_store_arguments(parser)
    >>> args = parser.parse_args(["--url", "sqlite:///x.db"])
    >>> args.url, args.prefix
    ('sqlite:///x.db', 'credkit_')
    """
    parser.add_argument("--url", metavar="URL", help=URL_HELP)
    parser.add_argument(
        "--prefix",
        default=DEFAULT_PREFIX,
        metavar="PREFIX",
        help=f"start of every credkit table name (default {DEFAULT_PREFIX})",
    )


def add_source_arguments(parser: argparse.ArgumentParser, *, ledger_help: str) -> None:
    """Add ``--url``, ``--prefix`` and ``--ledger DIR``: a store, or a ledger directory.

    For commands that read either; :func:`source_prefix` checks the combination.
    ``--prefix`` stays None unless given, so that it can be refused beside ``--ledger``.

    >>> parser = argparse.ArgumentParser()
    >>> add_source_arguments(parser, ledger_help="a ledger directory")
    >>> args = parser.parse_args(["--ledger", "book"])
    >>> args.url, args.prefix, args.ledger
    (None, None, PosixPath('book'))
    """
    parser.add_argument("--url", metavar="URL", help=URL_HELP)
    parser.add_argument(
        "--prefix",
        metavar="PREFIX",
        help=f"with --url: start of every credkit table name (default {DEFAULT_PREFIX})",
    )
    parser.add_argument("--ledger", type=Path, metavar="DIR", help=ledger_help)


def source_prefix(args: argparse.Namespace) -> str:
    """The table prefix of the store to read; refuses ``--url`` or ``--prefix`` with ``--ledger``.

    >>> source_prefix(argparse.Namespace(url=None, prefix=None, ledger=None))
    'credkit_'
    >>> source_prefix(argparse.Namespace(url=None, prefix="erp_", ledger=Path("book")))
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: --prefix: goes with --url (a store), not with --ledger
    """
    if args.ledger is not None:
        if args.url is not None:
            raise ValidationError("--ledger: give either --url or --ledger, not both")
        if args.prefix is not None:
            raise ValidationError("--prefix: goes with --url (a store), not with --ledger")
    return DEFAULT_PREFIX if args.prefix is None else str(args.prefix)


def open_store(url: str | None, prefix: str, *, command: str) -> SQLStore:
    """An :class:`~credkit.storage.sql.SQLStore` on ``url`` (None: :func:`default_url`).

    ``command`` names the command in the message when the ``sql`` extra is missing;
    a URL or a prefix the store refuses is reported against its option.

    >>> open_store("nosuchdb://x", "credkit_", command="credkit db")
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: --url: backend 'nosuchdb' is not supported; use sqlite, postgresql, mariadb or mysql
    """
    try:
        from credkit.storage.sql import SQLStore
    except ImportError as error:
        raise StorageError(
            f"{command} needs the sql extra ({error.name or error} is not installed): "
            "pip install 'credkit-b2b[sql]'"
        ) from None
    try:
        return SQLStore(default_url() if url is None else url, prefix=prefix)
    except (ValidationError, StorageError) as error:  # a URL or a prefix it refuses
        option = "--prefix" if error.message.startswith("prefix: ") else "--url"
        detail = error.message.removeprefix("prefix: ").removeprefix("url: ")
        raise type(error)(f"{option}: {detail}") from None


def _sqlite_file(store: SQLStore) -> Path | None:
    """The file of an SQLite database (None for other databases and in-memory ones)."""
    database = store.url.database
    if store.backend != "sqlite" or not database or database == ":memory:":
        return None
    if database.startswith("file:") or store.url.query.get("mode") == "memory":
        return None
    return Path(database)


def missing_file(store: SQLStore) -> Path | None:
    """The SQLite file of ``store`` when it does not exist (None otherwise)."""
    path = _sqlite_file(store)
    return path if path is not None and not path.exists() else None


@contextmanager
def closing(store: SQLStore) -> Iterator[None]:
    """Close the store's connections when the command is done (the store names its own errors)."""
    try:
        yield
    finally:
        store.dispose()


def hint(store: SQLStore, action: str) -> str:
    """The ``credkit db ACTION`` command line for ``store``, to quote in a message."""
    prefix = store.tables.prefix
    option = "" if prefix == DEFAULT_PREFIX else f" --prefix {prefix}"
    return f"`credkit db {action} --url {store.where}{option}`"


def ready_store(url: str | None, prefix: str, *, command: str) -> SQLStore:
    """A store whose database exists and has this credkit's schema; else a StorageError.

    The error says which ``credkit db`` command makes it ready. Call
    :func:`closing` on the store when done.
    """
    store = open_store(url, prefix, command=command)
    missing = missing_file(store)
    if missing is not None:
        raise StorageError(
            f"--url: there is no database file {str(missing)!r}; {hint(store, 'init')} creates one"
        )
    require_schema(store)
    return store


def require_schema(store: SQLStore) -> None:
    """Raise a StorageError naming the ``credkit db upgrade`` command unless the database
    has this credkit's schema."""
    from credkit.storage.sql import HEAD  # importable: open_store checked

    with closing(store):
        version = store.version()
    if version != HEAD:
        found = "no credkit tables" if version is None else f"schema version {version}"
        raise StorageError(
            f"{store.where} has {found}; this credkit needs version {HEAD}: run "
            f"{hint(store, 'upgrade')} first"
        )


def portfolio_store(portfolio: SamplePortfolio) -> MemoryStore:
    """The sample portfolio in a :class:`~credkit.storage.MemoryStore`, for the demos.

    Its customers, documents and allocations, credit limits, open orders (reserved) and
    dunning history, as a host's store would hold them on the portfolio's last day.

    >>> from credkit import sample
    >>> store = portfolio_store(sample.generate(seed=1, customers=4))
    >>> with store.unit() as unit:
    ...     unit.customer_ids()
    ('C001', 'C002', 'C003', 'C004')
    """
    from credkit import sample
    from credkit.storage import MemoryStore, Reservation
    from credkit.storage._ledger import add_ledger

    ledger = portfolio.ledger
    store = MemoryStore()
    with store.unit() as unit:
        add_ledger(unit, ledger)
        for limit in sample.credit_limits(portfolio):
            unit.add_limit(limit)
        for order in sample.open_orders(portfolio):
            if order.customer_id is not None and order.amount.is_positive:
                unit.reserve(
                    Reservation(
                        order.order_id,
                        order.customer_id,
                        order.amount,
                        reserved_on=order.order_date,
                    )
                )
        unit.record_dunning(sample.dunning_history(portfolio).records)
    return store
