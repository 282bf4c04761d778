"""Tests for ``credkit check --url`` and ``credkit audit``, in process, on SQLite, PostgreSQL
and MariaDB (the servers as ``tests/storage/conftest.py`` finds them; on a server each
test's tables get a prefix of their own and are dropped afterwards).

The path a user takes: ``credkit sample --out DIR``, ``credkit db init``, ``credkit db
load DIR``, then ``credkit check --url ... DIR/orders.csv`` and ``credkit audit``."""

from __future__ import annotations

import datetime
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from credkit import Money
from credkit.limits import CreditLimit

pytest.importorskip("sqlalchemy", reason="credkit check --url needs the sql extra (SQLAlchemy)")

import sqlalchemy as sa
from tests.desk.conftest import APPROVALS, USERS

from credkit.cli import main
from credkit.cli.check import DEFAULT_POLICY
from credkit.desk import CreditDesk
from credkit.errors import PermissionDenied
from credkit.policy import load_policy
from credkit.policy.rules import REASONS
from credkit.storage import OrderStatus
from credkit.storage.sql import SQLStore

AS_OF = "2026-11-30"
# the sample's credit groups mix currencies: the desk converts with these
RATES = "valid_from,base,quote,rate\n2026-01-01,EUR,GBP,0.85\n2026-01-01,EUR,USD,1.08\n"
RATES += "2026-01-01,EUR,CHF,0.94\n"


# -- fixtures -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``credkit sample --out DIR`` with a small portfolio, and a rates file beside it."""
    out = tmp_path_factory.mktemp("sample") / "out"
    assert main(["sample", "--out", str(out), "--seed", "3", "--customers", "8"]) == 0
    return out


@pytest.fixture(scope="module")
def rates(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("rates") / "rates.csv"
    path.write_text(RATES, encoding="utf-8")
    return path


@pytest.fixture
def sqlite(tmp_path: Path) -> list[str]:
    return ["--url", f"sqlite:///{tmp_path / 'credkit.db'}"]


def _store(options: list[str]) -> SQLStore:
    url = options[options.index("--url") + 1]
    prefix = options[options.index("--prefix") + 1] if "--prefix" in options else "credkit_"
    return SQLStore(url, prefix=prefix)


def _loaded(options: list[str], directory: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "init", *options]) == 0
    assert main(["db", "load", str(directory), *options]) == 0
    capsys.readouterr()


def _counts(capsys: pytest.CaptureFixture[str], options: list[str]) -> dict[str, int]:
    capsys.readouterr()
    assert main(["db", "status", *options]) == 0
    counts = {}
    for line in capsys.readouterr().out.splitlines():
        match = re.fullmatch(r"([a-z]+)\s+([0-9,]+)", line)
        if match:
            counts[match.group(1)] = int(match.group(2).replace(",", ""))
    return counts


def _json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, dict[str, Any]]:
    capsys.readouterr()
    status = main([*argv, "--format", "json"])
    return status, json.loads(capsys.readouterr().out)


def _tamper(options: list[str], sequence: int) -> None:
    """Change the order amount logged in audit entry ``sequence``, as an intruder with SQL would."""
    store = _store(options)
    table = store.tables.audit
    try:
        with store.engine.begin() as connection:
            text = connection.execute(
                sa.select(table.c.payload).where(table.c.sequence == sequence)
            ).scalar_one()
            payload = json.loads(text)
            payload["order"]["amount"]["amount"] = "1.00"
            connection.execute(
                sa.update(table)
                .where(table.c.sequence == sequence)
                .values(payload=json.dumps(payload, sort_keys=True))
            )
    finally:
        store.dispose()


# -- the whole path, on every database ------------------------------------------------


def test_check_reserves_and_logs_replays_and_the_log_verifies_until_tampered(
    database: list[str],
    sample_dir: Path,
    rates: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _loaded(database, sample_dir, capsys)
    orders = sample_dir / "orders.csv"
    argv = ["check", str(orders), *database, "--as-of", AS_OF, "--rates", str(rates)]
    loaded = _counts(capsys, database)

    # a dry run first: the same decisions, nothing reserved, logged or queued
    dry_status, dry = _json(capsys, [*argv, "--dry-run"])
    assert _counts(capsys, database) == loaded
    assert dry["dry_run"] is True
    assert all(d["entry"] is None and not d["replayed"] for d in dry["decisions"])

    status, document = _json(capsys, argv)
    decisions = document["decisions"]
    outcomes = {d["order_id"]: d["outcome"] for d in decisions}
    assert len(outcomes) == len(orders.read_text().splitlines()) - 1
    assert outcomes == {d["order_id"]: d["outcome"] for d in dry["decisions"]}
    assert document["errors"] == []
    assert document["counts"] == {
        "approve": list(outcomes.values()).count("approve"),
        "hold": list(outcomes.values()).count("hold"),
        "reject": list(outcomes.values()).count("reject"),
        "replayed": 0,
        "not_checked": 0,
    }
    assert {"approve", "hold"} <= set(outcomes.values())
    assert status == dry_status == 1  # some orders are held
    after = _counts(capsys, database)
    assert after["audit"] == loaded["audit"] + len(outcomes)
    assert after["orders"] == len(outcomes)

    # the store agrees with what was printed: statuses, log entries, reservations
    store = _store(database)
    try:
        with store.unit() as unit:
            for decision in decisions:
                record = unit.order(decision["order_id"])
                assert record is not None
                assert record.status is OrderStatus(
                    {"approve": "approved", "hold": "held", "reject": "rejected"}[
                        decision["outcome"]
                    ]
                )
                assert record.entry == decision["entry"]
                if decision["outcome"] == "approve":
                    assert decision["reservation"] == {
                        "amount": decision["amount"],
                        "reserved_on": AS_OF,
                    }
        desk = CreditDesk(store, load_policy(DEFAULT_POLICY, format="toml"))
        held = {o.order_id for o in desk.held_orders()}
        assert held == {o for o, outcome in outcomes.items() if outcome == "hold"}
    finally:
        store.dispose()

    # the same file again: every decision replayed from the log, nothing new written
    again_status, again = _json(capsys, argv)
    assert again_status == status
    assert all(d["replayed"] for d in again["decisions"])
    assert [(d["order_id"], d["outcome"], d["fingerprint"]) for d in again["decisions"]] == [
        (d["order_id"], d["outcome"], d["fingerprint"]) for d in decisions
    ]
    assert again["counts"]["replayed"] == len(outcomes)
    assert _counts(capsys, database) == after
    assert main([*argv, "--no-fail-on-hold"]) == 0
    table = capsys.readouterr().out
    assert f"{len(outcomes)} replayed from the audit log" in table

    # the log verifies; an auditor reads a customer's entries
    assert main(["audit", "verify", *database]) == 0
    assert capsys.readouterr().out == f"audit log intact: {after['audit']} entries\n"
    first = decisions[0]
    assert main(["audit", "show", *database, "--customer", first["customer_id"]]) == 0
    shown = capsys.readouterr().out
    assert first["order_id"] in shown
    assert first["fingerprint"][:12] in shown
    assert shown.rstrip().splitlines()[-1].startswith("chain: intact")

    # someone changes a logged amount with SQL: the entry is named, exit 1
    _tamper(database, first["entry"])
    assert main(["audit", "verify", *database]) == 1
    out = capsys.readouterr().out
    assert out.startswith(f"audit log broken: audit entry {first['entry']}: ")
    assert "the entry was changed" in out
    assert main(["audit", "show", *database, "--customer", first["customer_id"]]) == 1
    assert "chain: broken: audit entry" in capsys.readouterr().out
    others = sorted({d["customer_id"] for d in decisions} - {first["customer_id"]})
    assert main(["audit", "verify", *database, "--customer", *others]) == 0
    assert capsys.readouterr().out.startswith("audit log intact: ")


# -- check --url, on SQLite -------------------------------------------------------------


def test_lines_that_cannot_be_checked_are_named_and_the_others_are_checked(
    sqlite: list[str],
    sample_dir: Path,
    rates: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # a copy of the sample whose customer C003 has no limit at all
    directory = tmp_path / "sample"
    shutil.copytree(sample_dir, directory)
    limits = directory / "limits.csv"
    lines = limits.read_text(encoding="utf-8").splitlines(keepends=True)
    limits.write_text("".join(x for x in lines if not x.startswith("C003,")), encoding="utf-8")
    _loaded(sqlite, directory, capsys)
    orders = tmp_path / "orders.csv"
    orders.write_text(
        "order_id,customer_id,amount,currency,ordered_on\n"
        "X-1,C999,10.00,EUR,2026-11-30\n"
        "X-2,C003,10.00,CHF,2026-11-30\n"
        "X-3,C004,10.00,EUR,2026-11-30\n",
        encoding="utf-8",
    )
    argv = ["check", str(orders), *sqlite, "--as-of", AS_OF, "--rates", str(rates)]
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [
        f"credkit: error: {orders}, line 2: order 'X-1': customer_id: unknown customer 'C999'",
        f"credkit: error: {orders}, line 3: order 'X-2': customer 'C003' has no credit limit "
        "in force on 2026-11-30; store one before checking its orders (a CreditLimit with "
        "amount=None means no limit)",
    ]
    assert "X-3" in captured.out
    assert "; 2 not checked (see the errors)" in captured.out
    status, document = _json(capsys, argv)
    assert status == 2
    assert [(e["line"], e["order_id"]) for e in document["errors"]] == [(2, "X-1"), (3, "X-2")]
    assert [d["order_id"] for d in document["decisions"]] == ["X-3"]
    assert document["decisions"][0]["replayed"] is True  # decided by the first run
    assert _counts(capsys, sqlite)["orders"] == 1


def test_the_table_shows_reservations_entries_and_reasons(
    sqlite: list[str], sample_dir: Path, rates: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _loaded(sqlite, sample_dir, capsys)
    argv = ["check", str(sample_dir / "orders.csv"), *sqlite, "--as-of", AS_OF]
    assert main([*argv, "--rates", str(rates), "--user", "ana"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert (
        out[0]
        == f"Credit check as of {AS_OF}, policy credkit-default version 1, store " + (sqlite[1])
    )
    assert out[1].split() == [
        "Order",
        "Customer",
        "Name",
        "Amount",
        "Outcome",
        "Available",
        "after",
        "Reserved",
        "Log",
        "entry",
    ]
    approved = next(line for line in out if " APPROVE " in line)
    assert approved.split()[-1] == "1"  # the first entry of the log
    meaning = REASONS["LIMIT_EXCEEDED"]
    assert any(line.startswith(f"    hold LIMIT_EXCEEDED ({meaning}): ") for line in out)
    store = _store(sqlite)
    try:
        with store.unit() as unit:
            customer_id = approved.split()[1]
            assert unit.customer(customer_id).name in approved  # the name beside the id
            assert unit.audit_log(customer_id)[0].payload["user"] == "ana"
    finally:
        store.dispose()


def test_a_dry_run_says_so_and_writes_nothing(
    sqlite: list[str], sample_dir: Path, rates: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _loaded(sqlite, sample_dir, capsys)
    before = _counts(capsys, sqlite)
    argv = ["check", str(sample_dir / "orders.csv"), *sqlite, "--as-of", AS_OF]
    assert main([*argv, "--rates", str(rates), "--dry-run"]) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[1] == "(dry run: nothing reserved or logged)"
    assert "Reserved" not in out
    assert _counts(capsys, sqlite) == before


def test_a_policy_set_document_is_read_as_a_set(
    sqlite: list[str], sample_dir: Path, rates: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _loaded(sqlite, sample_dir, capsys)
    policy = Path(__file__).parents[2] / "src" / "credkit" / "data" / "credit-policy.toml"
    argv = ["check", str(sample_dir / "orders.csv"), *sqlite, "--as-of", AS_OF, "--dry-run"]
    _, document = _json(capsys, [*argv, "--rates", str(rates), "--policy", str(policy)])
    assert (document["policy_id"], document["policy_version"]) == ("nordwind-credit", "2026-11")
    assert {d["policy_id"] for d in document["decisions"]} <= {"standard", "public-sector", "watch"}


def test_a_database_that_is_not_ready_is_refused_with_the_command_that_fixes_it(
    tmp_path: Path, sample_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'none.db'}"
    orders = str(sample_dir / "orders.csv")
    assert main(["check", orders, "--url", url, "--as-of", AS_OF]) == 2
    assert "`credkit db init --url " in capsys.readouterr().err
    assert main(["audit", "verify", "--url", url]) == 2
    assert "there is no database file" in capsys.readouterr().err
    (tmp_path / "empty.db").touch()
    assert (
        main(["audit", "show", "--url", f"sqlite:///{tmp_path / 'empty.db'}", "--customer", "C1"])
        == 2
    )
    assert "has no credkit tables" in capsys.readouterr().err


# -- audit, on SQLite -----------------------------------------------------------------


def test_audit_show_lists_releases_with_approvers_and_the_amount_over_the_limit(
    sqlite: list[str], sample_dir: Path, rates: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _loaded(sqlite, sample_dir, capsys)
    argv = ["check", str(sample_dir / "orders.csv"), *sqlite, "--as-of", AS_OF]
    _, document = _json(capsys, [*argv, "--rates", str(rates)])
    held = next(
        d for d in document["decisions"] if d["outcome"] == "hold" and d["currency"] == "EUR"
    )
    store = _store(sqlite)
    try:
        clock = iter(
            datetime.datetime(2026, 11, 30, 10, tzinfo=datetime.UTC) + datetime.timedelta(minutes=n)
            for n in range(10)
        )
        desk = CreditDesk(
            store,
            load_policy(DEFAULT_POLICY, format="toml"),
            rates=None,
            authorizer=USERS,
            approvals=APPROVALS,
            clock=lambda: next(clock),
        )
        # a lower limit from today, so that the release is over the limit whatever the
        # other loaded orders left free
        desk.set_limit(
            CreditLimit(
                held["customer_id"],
                Money.of(1000, "EUR"),
                currency="EUR",
                valid_from=datetime.date(2026, 11, 30),
            ),
            user="boss",
        )
        with pytest.raises(PermissionDenied):
            desk.release(
                held["order_id"], users="olga", reason="why not", as_of=datetime.date(2026, 11, 30)
            )
        released = desk.release(
            held["order_id"],
            users=["manager", "boss"],
            reason="seasonal peak",
            as_of=datetime.date(2026, 11, 30),
        )
    finally:
        store.dispose()
    customer_id = held["customer_id"]
    assert main(["audit", "show", *sqlite, "--customer", customer_id]) == 0
    out = capsys.readouterr().out.splitlines()
    assert re.match(rf"Audit log of {customer_id} \(.+\) in sqlite:///.+: \d+ entries$", out[0])
    assert out[1].split()[:3] == ["Seq", "Time", "(UTC)"]
    denied = next(line for line in out if line.split()[3:4] == ["denied"])
    assert "2026-11-30 10:01:00" in denied  # 10:00 is the new limit
    assert "olga" in denied
    assert "user 'olga' may not release" in denied
    release = next(line for line in out if line.split()[3:4] == ["release"])
    assert "2026-11-30 10:02:00" in release
    assert "manager, boss" in release
    assert "seasonal peak" in release
    assert "LIMIT_EXCEEDED" in release
    assert released.entry is not None
    assert release.split()[0] == str(released.entry)
    assert re.search(r"[0-9,]+\.\d\d EUR", release)  # the amount over the limit
    assert out[-1].startswith("chain: intact")

    _, shown = _json(capsys, ["audit", "show", *sqlite, "--customer", customer_id])
    entries = {e["event"]: e for e in shown["entries"]}
    assert entries["release"]["approvers"] == ["manager", "boss"]
    assert entries["release"]["over_limit"]["currency"] == "EUR"
    assert entries["release"]["reason"] == "seasonal peak"
    assert len(entries["release"]["fingerprint"]) == 64
    assert entries["denied"]["reason"] == "user 'olga' may not release"
    assert shown["chain"] == {"intact": True, "entries": len(shown["entries"]), "problem": None}


def test_audit_refuses_unknown_customers_and_reports_unreadable_entries(
    sqlite: list[str], sample_dir: Path, rates: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _loaded(sqlite, sample_dir, capsys)
    assert main(["audit", "verify", *sqlite]) == 0
    assert capsys.readouterr().out == "audit log intact: 0 entries\n"
    assert main(["audit", "verify", *sqlite, "--customer", "C001", "C999"]) == 2
    assert "--customer: " in capsys.readouterr().err
    assert main(["audit", "show", *sqlite, "--customer", "C999"]) == 2
    assert "has no customer 'C999'" in capsys.readouterr().err
    argv = ["check", str(sample_dir / "orders.csv"), *sqlite, "--as-of", AS_OF]
    _, document = _json(capsys, [*argv, "--rates", str(rates)])
    first = document["decisions"][0]
    store = _store(sqlite)
    try:
        with store.engine.begin() as connection:
            table = store.tables.audit
            connection.execute(
                sa.update(table).where(table.c.sequence == first["entry"]).values(payload="{oops")
            )
    finally:
        store.dispose()
    assert main(["audit", "verify", *sqlite]) == 1
    assert capsys.readouterr().out.startswith("audit log broken: audit entry ")
    assert main(["audit", "show", *sqlite, "--customer", first["customer_id"]]) == 1
    assert "cannot be read back" in capsys.readouterr().out
