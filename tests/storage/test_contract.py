"""The store conformance kit on every backend credkit ships: memory, SQLite, PostgreSQL, MariaDB."""

from __future__ import annotations

import tempfile
from pathlib import Path

from tests.storage.conftest import empty_sql_store, server_url

from credkit.storage import MemoryStore, Store
from credkit.testing.contracts import StoreContract

_file = Path(tempfile.mkdtemp(prefix="credkit-store-")) / "store.db"


class TestMemoryStore(StoreContract):
    threads = 16

    def make_store(self) -> Store:
        return MemoryStore()


class TestSQLiteStore(StoreContract):
    def make_store(self) -> Store:
        return empty_sql_store(f"sqlite:///{_file}")


class TestPostgreSQLStore(StoreContract):
    threads = 16

    def make_store(self) -> Store:
        return empty_sql_store(server_url("postgresql"))


class TestMariaDBStore(StoreContract):
    threads = 16

    def make_store(self) -> Store:
        return empty_sql_store(server_url("mariadb"))
