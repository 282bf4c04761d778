"""Migration 0002: a database at 0001 is upgraded to the monitoring tables, its rows kept."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from tests.storage.conftest import drop_tables, own, server_url

from credkit.cli import main
from credkit.storage import Alert, alert_key
from credkit.storage.sql import HEAD, SQLStore


@pytest.mark.parametrize("backend", ["sqlite", "postgresql", "mariadb"])
def test_credkit_db_upgrade_takes_a_0001_database_to_0002(
    backend: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path}/old.db" if backend == "sqlite" else server_url(backend)
    prefix = own("credkit_up_")
    store = SQLStore(url, prefix=prefix)
    drop_tables(store)
    assert store.upgrade("0001") == "0001"
    with store.engine.begin() as connection:  # a row written by the credkit of 0001
        connection.execute(
            sa.insert(store.tables.customers).values(
                id="C1", name="Acme", country="DE", currency="EUR", root_id="C1"
            )
        )
        names = set(sa.inspect(connection).get_table_names())
    assert f"{prefix}customers" in names
    assert f"{prefix}alerts" not in names
    capsys.readouterr()
    assert main(["db", "upgrade", "--url", url, "--prefix", prefix]) == 0
    assert f"from schema version 0001 to {HEAD}" in capsys.readouterr().out
    assert store.version() == HEAD == "0007"
    alert = Alert(
        "C1",
        on=datetime.date(2026, 6, 1),
        reason="OVER_LIMIT",
        severity="critical",
        figures={"excess": "10.00"},
        message="over the limit",
        key=alert_key("OVER_LIMIT", "C1", "2026-06"),
    )
    with store.unit("C1") as unit:
        assert unit.customer("C1").name == "Acme"
        assert unit.save_alert(alert)
        assert unit.watch("C1", "OVER_LIMIT", by="monitor", at=datetime.datetime.now(datetime.UTC))
    with store.unit("C1") as unit:
        assert unit.alerts("C1") == (alert,)
    drop_tables(store)
    store.dispose()
