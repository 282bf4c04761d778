"""Tests for ``credkit db``: init, upgrade, status and load, in process, on SQLite,
PostgreSQL and MariaDB (the servers as ``tests/storage/conftest.py`` finds them: a server
that does not answer skips its tests, or fails them where ``CREDKIT_REQUIRE_SERVERS`` is
set, as ``.ci/run`` does). On a server, each test's tables get a prefix of their own and
are dropped afterwards, so the database may be shared."""

from __future__ import annotations

import csv
import re
import sqlite3
from pathlib import Path

import pytest

pytest.importorskip("sqlalchemy", reason="credkit db needs the sql extra (SQLAlchemy)")


from credkit.cli import main
from credkit.cli.db import default_url
from credkit.storage.sql import HEAD

TABLES = (
    "alerts",
    "allocations",
    "audit",
    "blocks",
    "bureau",
    "cases",
    "collections",
    "customers",
    "documents",
    "dunning",
    "limits",
    "orders",
    "reservations",
    "snapshots",
    "watched",
)


# -- fixtures -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``credkit sample --out DIR`` with a small portfolio, written once per module."""
    out = tmp_path_factory.mktemp("sample") / "out"
    assert main(["sample", "--out", str(out), "--seed", "3", "--customers", "8"]) == 0
    return out


def _counts(capsys: pytest.CaptureFixture[str], options: list[str]) -> dict[str, int]:
    capsys.readouterr()
    assert main(["db", "status", *options]) == 0
    out = capsys.readouterr().out
    counts = {}
    for line in out.splitlines():
        match = re.fullmatch(r"([a-z]+)\s+([0-9,]+)", line)
        if match:
            counts[match.group(1)] = int(match.group(2).replace(",", ""))
    return counts


def _rows(path: Path) -> int:
    with path.open(encoding="utf-8", newline="") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1


def _init(options: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "init", *options]) == 0
    capsys.readouterr()


# -- init, upgrade and status ---------------------------------------------------------


def test_init_creates_the_schema_and_status_shows_version_0001_and_no_rows(
    database: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["db", "init", *database]) == 0
    assert "created the credkit tables in " in capsys.readouterr().out
    assert main(["db", "status", *database]) == 0
    out = capsys.readouterr().out
    assert f"schema: version {HEAD} (current)" in out
    assert _counts(capsys, database) == dict.fromkeys(TABLES, 0)


def test_init_and_upgrade_again_change_nothing(
    database: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    _init(database, capsys)
    assert main(["db", "init", *database]) == 0
    assert f"is up to date (schema version {HEAD})" in capsys.readouterr().out
    assert main(["db", "upgrade", *database]) == 0
    assert f"is up to date (schema version {HEAD})" in capsys.readouterr().out


def test_status_of_a_database_without_the_schema_says_to_upgrade(
    database: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if database[1].startswith("sqlite"):
        sqlite3.connect(tmp_path / "credkit.db").close()  # an empty database file
    assert main(["db", "status", *database]) == 1
    out = capsys.readouterr().out
    assert "the database has no credkit tables" in out
    assert "credkit db upgrade --url " in out
    assert main(["db", "upgrade", *database]) == 0
    assert "created the credkit tables in " in capsys.readouterr().out
    assert main(["db", "status", *database]) == 0


def test_a_missing_sqlite_file_is_created_by_init_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "typo.db"
    url = f"sqlite:///{path}"
    assert main(["db", "status", "--url", url]) == 1
    assert "`credkit db init --url " in capsys.readouterr().out
    assert main(["db", "upgrade", "--url", url]) == 2
    assert "there is no database file" in capsys.readouterr().err
    assert main(["db", "load", str(tmp_path), "--url", url]) == 2
    assert not path.exists()
    assert main(["db", "init", "--url", f"sqlite:///{tmp_path / 'no' / 'x.db'}"]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_the_url_defaults_to_the_environment_then_to_credkit_db(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CREDKIT_DB_URL", f"sqlite:///{tmp_path / 'env.db'}")
    assert main(["db", "init"]) == 0
    assert (tmp_path / "env.db").is_file()
    monkeypatch.delenv("CREDKIT_DB_URL")
    assert default_url() == "sqlite:///credkit.db"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("oracle://scott@db/orcl", "--url: backend 'oracle' is not supported"),
        ("not a url", "--url: 'not a url' is not a database URL"),
    ],
)
def test_bad_urls_are_errors(url: str, message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "status", "--url", url]) == 2
    err = capsys.readouterr().err
    assert err.startswith("credkit: error: ")
    assert message in err


def test_an_unreachable_server_is_an_error_without_the_password(
    capsys: pytest.CaptureFixture[str],
) -> None:
    pytest.importorskip("psycopg")
    assert main(["db", "status", "--url", "postgresql://app:s3cret@127.0.0.1:1/credit"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("credkit: error: postgresql+psycopg://app:***@127.0.0.1:1/credit: ")
    assert "s3cret" not in err


# -- load -----------------------------------------------------------------------------


def test_load_stores_every_row_of_the_sample_and_a_reload_adds_nothing(
    database: list[str], sample_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _init(database, capsys)
    assert main(["db", "load", str(sample_dir), *database]) == 0
    out = capsys.readouterr().out
    rows = {
        name: _rows(sample_dir / f"{name}.csv")
        for name in (
            "customers",
            "invoices",
            "credit_notes",
            "payments",
            "allocations",
            "limits",
            "orders",
            "dunning",
        )
    }
    assert f"customers: {rows['customers']} new, 0 already stored" in out
    assert f"dunning records: {rows['dunning']} new, 0 already stored" in out
    assert "in one transaction" in out
    expected = {
        **dict.fromkeys(TABLES, 0),
        "customers": rows["customers"],
        "documents": rows["invoices"] + rows["credit_notes"] + rows["payments"],
        "allocations": rows["allocations"],
        "limits": rows["limits"],
        "reservations": rows["orders"],
        "dunning": rows["dunning"],
    }
    assert all(rows.values())
    assert _counts(capsys, database) == expected

    assert main(["db", "load", str(sample_dir), *database]) == 0
    out = capsys.readouterr().out
    assert f"customers: 0 new, {rows['customers']} already stored" in out
    assert f"credit notes: 0 new, {rows['credit_notes']} already stored" in out
    assert f"orders: 0 new, {rows['orders']} already stored" in out
    assert "nothing new:" in out
    assert not re.search(r": [1-9][0-9]* new", out)
    assert _counts(capsys, database) == expected


def _corrupt(source: Path, target: Path, name: str, line: int, column: str, value: str) -> Path:
    """A copy of ``source`` with the cell of ``column`` on line ``line`` of ``name`` replaced."""
    target.mkdir()
    for path in source.iterdir():
        if path.is_file():  # the bureau/ folder of saved reports is not loaded
            (target / path.name).write_bytes(path.read_bytes())
    path = target / name
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    rows[line - 1][rows[0].index(column)] = value
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\r\n").writerows(rows)
    return target


def test_a_bad_amount_loads_nothing_and_names_the_file_line_and_column(
    database: list[str], sample_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _init(database, capsys)
    bad = _corrupt(sample_dir, tmp_path / "bad", "invoices.csv", 7, "amount", "12.5x")
    assert main(["db", "load", str(bad), *database]) == 2
    err = capsys.readouterr().err
    assert err.startswith("credkit: error: ")
    assert f"{bad / 'invoices.csv'}, line 7, column amount: '12.5x' is not an amount" in err
    assert _counts(capsys, database) == dict.fromkeys(TABLES, 0)


def test_a_record_the_store_refuses_rolls_back_everything_before_it(
    database: list[str], sample_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # orders.csv is stored after the customers and documents, in the same transaction
    _init(database, capsys)
    bad = _corrupt(sample_dir, tmp_path / "bad", "orders.csv", 3, "customer_id", "C999")
    assert main(["db", "load", str(bad), *database]) == 2
    err = capsys.readouterr().err
    assert f"{bad / 'orders.csv'}, line 3, column customer_id: unknown customer 'C999'" in err
    assert _counts(capsys, database) == dict.fromkeys(TABLES, 0)


def test_a_changed_record_under_a_stored_key_is_refused_with_its_line(
    database: list[str], sample_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _init(database, capsys)
    assert main(["db", "load", str(sample_dir), *database]) == 0
    before = _counts(capsys, database)
    with (sample_dir / "limits.csv").open(encoding="utf-8", newline="") as handle:
        amount = list(csv.reader(handle))[4][1]
    changed = str(int(amount) + 1000)
    bad = _corrupt(sample_dir, tmp_path / "bad", "limits.csv", 5, "amount", changed)
    assert main(["db", "load", str(bad), *database]) == 2
    err = capsys.readouterr().err
    assert f"{bad / 'limits.csv'}, line 5: limit of " in err
    assert "already stored with different values" in err
    assert _counts(capsys, database) == before


def test_an_amount_finer_than_the_currency_is_refused_at_its_cell(
    database: list[str], sample_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _init(database, capsys)
    # a credit limit may be any amount; a store keeps whole minor units
    bad = _corrupt(sample_dir, tmp_path / "bad", "limits.csv", 4, "amount", "10000.001")
    assert main(["db", "load", str(bad), *database]) == 2
    err = capsys.readouterr().err
    assert f"{bad / 'limits.csv'}, line 4, column amount: 10000.001 " in err
    assert "finer than" in err
    assert _counts(capsys, database) == dict.fromkeys(TABLES, 0)


def test_load_needs_the_schema(
    database: list[str], sample_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if database[1].startswith("sqlite"):
        sqlite3.connect(tmp_path / "credkit.db").close()
    assert main(["db", "load", str(sample_dir), *database]) == 2
    err = capsys.readouterr().err
    assert "has no credkit tables" in err
    assert "credkit db upgrade --url " in err


def test_one_record_file_alone(
    database: list[str], sample_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _init(database, capsys)
    assert main(["db", "load", str(sample_dir / "limits.csv"), *database]) == 2
    assert "unknown customer" in capsys.readouterr().err  # the customers come first
    assert main(["db", "load", str(sample_dir), *database]) == 0
    capsys.readouterr()
    assert main(["db", "load", str(sample_dir / "dunning.csv"), *database]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"dunning records: 0 new, {_rows(sample_dir / 'dunning.csv')} already")


def test_a_mapped_invoice_export_adds_invoices_of_stored_customers(
    database: list[str], sample_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _init(database, capsys)
    assert main(["db", "load", str(sample_dir), *database]) == 0
    before = _counts(capsys, database)
    mapping = tmp_path / "erp.toml"
    mapping.write_text(
        'document_id = "Beleg"\ncustomer_id = "Kunde"\nissue_date = "Datum"\n'
        'due_date = "Fällig"\namount = "Betrag"\ncurrency = "Währung"\n'
        'default_currency = "EUR"\ndate_format = "%d.%m.%Y"\ndecimal_separator = ","\n'
        'delimiter = ";"\n',
        encoding="utf-8",
    )
    export = tmp_path / "offene_posten.csv"
    export.write_text(
        "Beleg;Kunde;Datum;Fällig;Betrag\n"
        "R-1;C001;15.01.2026;14.02.2026;1.234,56\n"
        "\n"
        "R-2;C002;16.01.2026;15.02.2026;99,00\n",
        encoding="utf-8",
    )
    options = [str(export), "--mapping", str(mapping), *database]
    assert main(["db", "load", *options]) == 0
    assert capsys.readouterr().out.startswith("invoices: 2 new, 0 already stored")
    assert _counts(capsys, database)["documents"] == before["documents"] + 2
    assert main(["db", "load", *options]) == 0
    assert capsys.readouterr().out.startswith("invoices: 0 new, 2 already stored")

    export.write_text(
        "Beleg;Kunde;Datum;Fällig;Betrag\n"
        "R-3;C001;15.01.2026;14.02.2026;5,00\n"
        "\n"
        "R-4;K404;16.01.2026;15.02.2026;99,00\n",
        encoding="utf-8",
    )
    assert main(["db", "load", *options]) == 2
    err = capsys.readouterr().err
    assert f"{export}, line 4, column Kunde: customer 'K404' is not stored" in err
    assert _counts(capsys, database)["documents"] == before["documents"] + 2


def test_a_mapping_for_a_directory_is_refused(
    sample_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'credkit.db'}"
    _init(["--url", url], capsys)
    mapping = tmp_path / "m.toml"
    mapping.write_text('delimiter = ";"\n')
    assert main(["db", "load", str(sample_dir), "--mapping", str(mapping), "--url", url]) == 2
    assert "--mapping: applies to a single CSV export" in capsys.readouterr().err
