"""Tests for the ``credkit`` command: version, sample, demo and error handling."""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

import pytest

import credkit
from credkit import io, sample
from credkit.cli import main
from credkit.cli._common import plain_amount


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"credkit {credkit.__version__}"


def test_no_command_prints_help_and_fails(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "usage: credkit" in capsys.readouterr().out


def test_sample_writes_a_ledger_that_reads_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sample", "--out", str(tmp_path / "out"), "--seed", "3", "--customers", "8"]) == 0
    written = io.read_ledger(tmp_path / "out")
    expected = sample.generate(seed=3, customers=8).ledger
    assert written.invoices == expected.invoices
    assert written.allocations == expected.allocations
    assert "wrote 8 customers" in capsys.readouterr().out


def test_sample_refuses_bad_arguments(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sample", "--out", str(tmp_path), "--customers", "0"]) == 2
    assert "--customers: must be at least 1, got 0" in capsys.readouterr().err
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    assert main(["sample", "--out", str(blocker / "sub")]) == 2
    assert "--out: cannot create" in capsys.readouterr().err


def test_demo_summarises_the_sample_and_ages_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where the demo's report goes
    assert main(["demo", "--customers", "12", "--seed", "5"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert len(lines) < 40  # an overview on one screen; the report has the rest
    portfolio = sample.generate(seed=5, customers=12)
    assert f"customers: {len(portfolio.ledger.customers)}" in out
    assert f"open items as of {portfolio.end.isoformat()}: " in out
    assert f"Aged receivables as of {portfolio.end.isoformat()}" in out
    # the aging totals per currency are the ledger's open balance
    for currency, total in portfolio.ledger.balance(portfolio.end).items():
        row = next(line.split() for line in lines if line.split()[:1] == [currency])
        assert row[1] == plain_amount(total)
    assert re.search(r"orders checked: \d+ \(\d+ approved, \d+ held, \d+ rejected\)", out)
    assert re.search(r"alerts: \d+ \(\d+ critical, \d+ warning, \d+ info\)", out)
    report = Path(lines[-1].removeprefix("Portfolio report: ").split(" (")[0])
    assert report.parent == tmp_path
    assert report.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_demo_json_is_the_same_overview(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "report.html"
    argv = ["demo", "--customers", "8", "--seed", "3", "--out", str(out), "--format", "json"]
    assert main(argv) == 0
    document = json.loads(capsys.readouterr().out)
    portfolio = sample.generate(seed=3, customers=8)
    assert document["portfolio"]["customers"] == 8
    assert document["report"] == str(out)
    balance = portfolio.ledger.balance(portfolio.end)
    assert {a["currency"]: a["total"] for a in document["aging"]} == {
        code: {"amount": str(m.amount), "currency": code} for code, m in balance.items()
    }
    assert out.is_file()


def test_age_over_a_sample_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    portfolio = sample.generate(seed=2, customers=6)
    io.write_ledger(portfolio.ledger, tmp_path)
    as_of = portfolio.end.isoformat()
    assert main(["age", str(tmp_path), "--as-of", as_of, "--by", "total", "--format", "csv"]) == 0
    out = capsys.readouterr().out
    for currency, total in portfolio.ledger.balance(portfolio.end).items():
        line = next(row for row in out.splitlines() if row.split(",")[0] == currency)
        assert str(total.amount) in line.split(",")
