"""Tests for ``credkit apply``: a credit application through the desk of a database."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest

pytest.importorskip("sqlalchemy", reason="credkit apply needs the sql extra (SQLAlchemy)")

from credkit import Money
from credkit.bureau import BureauReport, write_reports
from credkit.cli import main
from credkit.storage.sql import SQLStore

AS_OF = "2026-05-04"

APPLICATION = """\
id = "APP-1"
customer_id = "N1"
name = "Nordwind GmbH"
country = "DE"
currency = "EUR"
segment = "wholesale"
requested_limit = "{limit} EUR"
requested_terms_days = 30
applied_by = "sam"
applied_on = 2026-05-04
legal_form = "corporation"
founded = 2014-03-01

[company_ids]
bureau_id = "HRB4711"

[[trade_references]]
name = "Hansa Papier AG"
years_known = 6
payment_experience = "prompt"

[[trade_references]]
name = "Kieler Druck KG"
highest_credit = "20000 EUR"

[[bank_references]]
name = "Förde Sparkasse"
"""

STATEMENT = """
[[statements]]
current_assets = "2000000"
current_liabilities = "1000000"
total_assets = "5000000"
total_liabilities = "3000000"
book_equity = "2000000"
intangibles = "0"
period_end = 2025-12-31
currency = "EUR"
"""

APPROVALS = """\
id = "limits"
version = "1"
currency = "EUR"
[[bands]]
max_amount = "50000"
roles = ["credit_clerk", "credit_manager"]
[[bands]]
min_amount = "50000"
max_amount = "150000"
roles = ["credit_manager"]
[[bands]]
min_amount = "150000"
roles = ["credit_manager", "controller"]
approvals = 2
"""


def _files(tmp_path: Path, *, limit: int = 40000, statements: bool = True) -> list[str]:
    application = tmp_path / "application.toml"
    application.write_text(
        APPLICATION.format(limit=limit) + (STATEMENT if statements else ""), encoding="utf-8"
    )
    approvals = tmp_path / "approvals.toml"
    approvals.write_text(APPROVALS, encoding="utf-8")
    bureau = tmp_path / "bureau"
    report = BureauReport(
        "sample",
        "HRB4711",
        datetime.datetime(2026, 4, 20, 6, 0, tzinfo=datetime.UTC),
        report_id="S-1",
        rating="A",
        rating_scale="creditsafe-common",
        score=85,
        recommended_limit=Money.of(300000, "EUR"),
        payment_index=80,
    )
    write_reports([report], bureau)
    return [
        str(application),
        "--as-of",
        AS_OF,
        "--user",
        "sam",
        "--approvals",
        str(approvals),
        "--bureau-dir",
        str(bureau),
        "--provider",
        "sample",
    ]


def _apply(
    capsys: pytest.CaptureFixture[str], database: list[str], *args: str
) -> tuple[int, str, str]:
    status = main(["apply", *args, *database])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.fixture
def ready(database: list[str], capsys: pytest.CaptureFixture[str]) -> list[str]:
    assert main(["db", "init", *database]) == 0
    capsys.readouterr()
    return database


def test_a_complete_application_prints_its_steps_and_exits_0(
    tmp_path: Path, ready: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = _apply(capsys, ready, *_files(tmp_path))
    assert (status, err) == (0, "")
    for text in (
        "Credit application APP-1 for N1 (Nordwind GmbH) as of 2026-05-04",
        "bureau: sample report S-1",
        "risk class A (from the score)",
        "Recommended limit: 200,000.00 EUR",
        "Request LR-APP-1: €40,000.00 (requested), submitted",
        "Approval: band below 50,000.00 EUR, 1 approval by one of the roles",
        "Nothing to ask the applicant for.",
    ):
        assert text in out
    url = ready[ready.index("--url") + 1]
    prefix = ready[ready.index("--prefix") + 1] if "--prefix" in ready else "credkit_"
    store = SQLStore(url, prefix=prefix)
    try:
        with store.unit() as unit:
            kinds = [e.kind for e in unit.audit_log("N1")]
            assert unit.limits("N1") == ()  # a request, not a limit
            assert unit.cached_report("sample", "HRB4711") is not None
    finally:
        store.dispose()
    assert kinds == ["application", "bureau", "score", "recommendation", "limit_request"]


def test_json_and_the_same_application_again(
    tmp_path: Path, ready: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    args = [*_files(tmp_path, limit=180000), "--format", "json"]
    status, out, _ = _apply(capsys, ready, *args)
    first = json.loads(out)
    assert status == 0
    assert (first["replayed"], first["customer_added"]) == (False, True)
    assert first["routing"]["approvals"] == 2
    assert first["routing"]["four_eyes"] is True
    assert first["request"]["amount"] == {"amount": "180000", "currency": "EUR"}
    status, out, _ = _apply(capsys, ready, *args)
    again = json.loads(out)
    assert (status, again["replayed"], again["customer_added"]) == (0, True, False)
    assert [s["entry"] for s in again["steps"]] == [s["entry"] for s in first["steps"]]


def test_a_missing_statement_is_asked_for_with_exit_1(
    tmp_path: Path, ready: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    args = [*_files(tmp_path, statements=False), "--format", "json"]
    status, out, _ = _apply(capsys, ready, *args)
    document = json.loads(out)
    assert (status, document["to_ask"]) == (1, ["STATEMENTS_MISSING"])
    status, out, _ = _apply(capsys, ready, *_files(tmp_path, statements=False))
    assert status == 1
    assert "Ask the applicant for:\n  STATEMENTS_MISSING: " in out


def test_bad_input_exits_2(
    tmp_path: Path, ready: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    args = _files(tmp_path)
    Path(args[0]).write_text('id = "A"\nrequested_terms_days = -1\n', encoding="utf-8")
    status, _, err = _apply(capsys, ready, *args)
    assert status == 2
    assert "credkit: error:" in err
    status, _, err = _apply(capsys, ready, *_files(tmp_path), "--bureau-dir", "/nonexistent")
    assert status == 2
    assert "--bureau-dir" in err
