"""Stores for the storage tests: memory, SQLite files, and the real servers.

PostgreSQL and MariaDB are reached through ``CREDKIT_TEST_POSTGRES_URL`` and
``CREDKIT_TEST_MARIADB_URL``. ``.ci/run`` sets both and ``CREDKIT_REQUIRE_SERVERS=1``,
so that a missing server fails CI. Locally the defaults point at the servers of the
development machine; when a server does not answer (and neither that variable nor ``CI``
is set), its tests skip and say why.
"""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa

from credkit.storage.sql import SQLStore

SERVERS = {
    "postgresql": ("CREDKIT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"),
    "mariadb": ("CREDKIT_TEST_MARIADB_URL", "mariadb://root@127.0.0.1:3306/test"),
}

_answered: dict[str, str | None] = {}


def server_url(backend: str) -> str:
    """The server's URL, or a skip (a failure under CI) when it does not answer."""
    variable, default = SERVERS[backend]
    url = os.environ.get(variable, default)
    if backend not in _answered:
        try:
            engine = sa.create_engine(SQLStore(url).url)
            with engine.connect():
                pass
            engine.dispose()
            _answered[backend] = None
        except Exception as error:  # any failure to connect means "no server"
            _answered[backend] = f"{type(error).__name__}: {error}".splitlines()[0]
    problem = _answered[backend]
    if problem is not None:
        message = f"{backend} at {url} did not answer ({problem}); set {variable}"
        if os.environ.get("CREDKIT_REQUIRE_SERVERS") or os.environ.get("CI"):
            pytest.fail(f"{message}. CI needs every server (CREDKIT_REQUIRE_SERVERS is set).")
        pytest.skip(message)
    return url


def own(name: str) -> str:
    """``name`` (a table prefix or a schema) made this test process's own.

    Under pytest-xdist every worker is a process of its own running other tests at the
    same moment, on the same servers: each worker's tables get the worker's name
    (``credkit_t_`` becomes ``credkit_t_gw0_``), so that no two workers share a table.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return name
    return f"{name}{worker}_" if name.endswith("_") else f"{name}_{worker}"


_stores: dict[tuple[str, str], SQLStore] = {}


def drop_tables(store: SQLStore) -> None:
    """Drop credkit's tables and migration version table under the store's prefix."""
    with store.engine.begin() as connection:
        for table in store.tables.record_tables:
            table.drop(connection, checkfirst=True)
        version = sa.Table(store.tables.version_table, sa.MetaData(schema=store.tables.schema))
        version.drop(connection, checkfirst=True)


def empty_sql_store(url: str, prefix: str = "credkit_t_") -> SQLStore:
    """A store on ``url`` at the newest schema with every credkit table emptied.

    One store (one connection pool) per URL and prefix serves the whole session. The
    prefix is made the test process's own (``own``).
    """
    prefix = own(prefix)
    store = _stores.get((url, prefix))
    if store is None:  # a schema of this very credkit, whatever an earlier run left there
        store = _stores[(url, prefix)] = SQLStore(url, prefix=prefix)
        drop_tables(store)
        store.upgrade()
    with store.engine.begin() as connection:
        for table in store.tables.record_tables:
            connection.execute(sa.delete(table))
    return store


@pytest.fixture
def sqlite_url(tmp_path: object) -> str:
    return f"sqlite:///{tmp_path}/credkit.db"
