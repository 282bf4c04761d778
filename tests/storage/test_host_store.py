"""The how-to's host store (docs/how-to/host_store.py) passes the whole conformance kit.

Its customers and documents live in a host's own tables (``partner``, ``account_move``,
``reconcile``); everything else in credkit's. The kit runs on SQLite, PostgreSQL and
MariaDB, as it does for credkit's own stores.
"""

from __future__ import annotations

import datetime
import importlib.util
import sys
import tempfile
from pathlib import Path
from types import ModuleType

import sqlalchemy as sa
from tests.storage.conftest import drop_tables, server_url

from credkit import Money
from credkit.ledger import Customer, Invoice
from credkit.storage import Store
from credkit.storage.sql import SQLStore
from credkit.testing.contracts import StoreContract

_EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "how-to" / "host_store.py"


def _import_example() -> ModuleType:
    """The example module, imported from its file (``how-to`` is not a package name)."""
    if "host_store" in sys.modules:
        return sys.modules["host_store"]
    spec = importlib.util.spec_from_file_location("host_store", _EXAMPLE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["host_store"] = module
    spec.loader.exec_module(module)
    return module


host_store = _import_example()


# --8<-- [start:kit]
_stores: dict[str, SQLStore] = {}
_file = Path(tempfile.mkdtemp(prefix="credkit-host-store-")) / "erp.db"


def empty_host_store(url: str) -> SQLStore:
    """A store over empty host tables and empty credkit tables (``credkit_hs_*``) at ``url``.

    The first call on a URL drops and creates the host's tables and upgrades credkit's;
    the store (one connection pool) serves the whole session.
    """
    store = _stores.get(url)
    if store is None:
        store = _stores[url] = SQLStore(url, prefix="credkit_hs_", unit_class=host_store.HostUnit)
        host_store.metadata.drop_all(store.engine)
        host_store.create_host_tables(store.engine)
        drop_tables(store)  # credkit's, as an earlier run may have left them
        store.upgrade()
    with store.engine.begin() as connection:
        for table in store.tables.record_tables:  # credkit's tables
            connection.execute(sa.delete(table))
        connection.execute(sa.delete(host_store.reconcile))
        connection.execute(sa.delete(host_store.account_move))
        # MariaDB checks the partner's own foreign key row by row: cut the tree first
        connection.execute(sa.update(host_store.partner).values(parent_id=None))
        connection.execute(sa.delete(host_store.partner))
    return store


class TestHostStoreOnSQLite(StoreContract):
    def make_store(self) -> Store:
        return empty_host_store(f"sqlite:///{_file}")


# --8<-- [end:kit]


class TestHostStoreOnPostgreSQL(StoreContract):
    threads = 16

    def make_store(self) -> Store:
        return empty_host_store(server_url("postgresql"))


class TestHostStoreOnMariaDB(StoreContract):
    threads = 16

    def make_store(self) -> Store:
        return empty_host_store(server_url("mariadb"))


def test_customers_and_documents_are_the_host_s_rows() -> None:
    store = empty_host_store(f"sqlite:///{_file}")
    day = datetime.date(2026, 3, 2)
    with store.unit() as unit:
        unit.add_customers([Customer("C1", "Acme", country="DE", currency="EUR")])
        unit.add_documents(
            [Invoice("INV/1", "C1", day, day + datetime.timedelta(30), Money.of("12.34", "EUR"))]
        )
    with store.engine.connect() as connection:
        partners = connection.execute(sa.select(host_store.partner.c.display_name)).all()
        moves = connection.execute(
            sa.select(host_store.account_move.c.name, host_store.account_move.c.amount_minor)
        ).all()
    assert partners == [("Acme",)]
    assert moves == [("INV/1", 1234)]
    counts = store.counts()
    assert counts["customers"] == counts["documents"] == 0, "credkit's own tables stay empty"
