"""Fixtures for the CLI tests that need a database."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.storage.conftest import SERVERS, drop_tables, server_url

from credkit.storage.sql import SQLStore


@pytest.fixture(params=["sqlite", *SERVERS])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[list[str]]:
    """The ``--url`` (and ``--prefix``) options of a database with nothing in it yet.

    SQLite: a file under ``tmp_path`` (not created yet). A server: the database
    ``server_url`` finds, with tables under a prefix of their own, dropped afterwards.
    """
    if request.param == "sqlite":
        yield ["--url", f"sqlite:///{tmp_path / 'credkit.db'}"]
        return
    url = server_url(request.param)
    prefix = f"t{uuid.uuid4().hex[:10]}_"
    try:
        yield ["--url", url, "--prefix", prefix]
    finally:
        store = SQLStore(url, prefix=prefix)
        try:
            drop_tables(store)
        finally:
            store.dispose()
