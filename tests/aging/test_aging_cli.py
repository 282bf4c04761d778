"""Tests for ``credkit age`` (credkit.cli.age), run through its own argparse parser."""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path

import pytest

from credkit.cli import age as age_command
from credkit.errors import ConfigError, ValidationError
from credkit.io import write_ledger
from credkit.ledger import Customer, Invoice, Ledger, Payment
from credkit.money import Money


def _run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="credkit")
    age_command.add_parser(parser.add_subparsers())
    args = parser.parse_args(["age", *argv])
    status: int = args.func(args)
    return status


def _ledger() -> Ledger:
    return Ledger(
        customers=[
            Customer("C1", "Acme", country="DE", currency="EUR"),
            Customer("C2", "Globex", country="US", currency="USD"),
        ],
        invoices=[
            Invoice("I1", "C1", date(2026, 1, 1), date(2026, 1, 31), Money.of("12345.67", "EUR")),
            Invoice(
                "I2",
                "C1",
                date(2026, 3, 1),
                date(2026, 3, 31),
                Money.of("100.00", "EUR"),
                disputed=True,
            ),
            Invoice("I3", "C2", date(2025, 10, 1), date(2025, 10, 31), Money.of("1100.00", "USD")),
        ],
        payments=[Payment("P1", "C1", date(2026, 3, 20), Money.of("45.67", "EUR"))],
    )


@pytest.fixture
def directory(tmp_path: Path) -> Path:
    write_ledger(_ledger(), tmp_path / "ledger")
    return tmp_path / "ledger"


def test_table_by_customer(directory: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run([str(directory), "--as-of", "2026-03-31"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Aged receivables as of 2026-03-31 (days past the due date)"
    assert out[1].split() == [
        "Customer",
        "Name",
        "Currency",
        "Not",
        "yet",
        "due",
        "1-30",
        "31-60",
        "61-90",
        "91-120",
        "Over",
        "120",
        "Unapplied",
        "Total",
        "Disputed",
        "Items",
        "Oldest",
    ]
    names = {c.id: c.name for c in _ledger().customers}
    assert out[3].removeprefix("C1").strip().startswith(names["C1"])  # the name beside the id
    assert out[3].replace(names["C1"], "").split() == [
        "C1",
        "EUR",
        "100.00",
        "0.00",
        "12,345.67",
        "0.00",
        "0.00",
        "0.00",
        "-45.67",
        "12,400.00",
        "100.00",
        "3",
        "59",
    ]
    assert out[4].replace(names["C2"], "").split() == [
        "C2",
        "USD",
        "0.00",
        "0.00",
        "0.00",
        "0.00",
        "0.00",
        "1,100.00",
        "0.00",
        "1,100.00",
        "0.00",
        "1",
        "151",
    ]
    assert out[6].split()[:2] == ["Total", "EUR"]
    assert out[7].split()[:2] == ["Total", "USD"]


def test_csv_and_json_output(directory: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _run([str(directory), "--as-of", "2026-03-31", "--format", "csv", "--by", "total"])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == (
        "currency,not_yet_due,days_1_30,days_31_60,days_61_90,days_91_120,over_120,unapplied,"
        "total,disputed,count,oldest_days"
    )
    assert lines[1] == "EUR,100.00,0.00,12345.67,0.00,0.00,0.00,-45.67,12400.00,100.00,3,59"
    _run([str(directory), "--as-of", "2026-03-31", "--format", "json", "--buckets", "60"])
    document = json.loads(capsys.readouterr().out)
    assert document["as_of"] == "2026-03-31"
    assert document["basis"] == "due_date"
    buckets = document["rows"][1]["buckets"]
    assert [(b["label"], b["lower"], b["upper"]) for b in buckets] == [
        ("Not yet due", None, 0),
        ("1-60", 1, 60),
        ("Over 60", 61, None),
    ]
    assert buckets[2]["amount"] == {"amount": "1100.00", "currency": "USD"}
    assert document["rows"][1]["name"] == _ledger().customers[1].name
    assert document["totals"][0]["customer_id"] is None
    assert document["totals"][0]["total"] == {"amount": "12400.00", "currency": "EUR"}


def test_issue_basis_and_conversion(
    directory: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rates = tmp_path / "rates.csv"
    rates.write_text("valid_from,base,quote,rate\n2026-03-01,EUR,USD,1.1000\n")
    _run(
        [
            str(directory),
            "--as-of",
            "2026-03-31",
            "--basis",
            "issue",
            "--currency",
            "EUR",
            "--rates",
            str(rates),
            "--by",
            "total",
            "--format",
            "csv",
        ]
    )
    lines = capsys.readouterr().out.splitlines()
    # 1100 USD / 1.1 = 1000 EUR, issued 181 days before: Over 120. I1 issued 89 days ago.
    assert lines[1] == "EUR,0.00,100.00,0.00,12345.67,0.00,1000.00,-45.67,13400.00,100.00,4,181"


def test_single_open_items_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "open.csv"
    path.write_text(
        "id,customer_id,issue_date,due_date,amount,currency\n"
        "I1,C1,2026-01-05,2026-02-04,400.00,EUR\n"
        "N1,C1,2026-02-07,,-40.00,EUR\n"
    )
    _run([str(path), "--as-of", "2026-03-31", "--format", "csv"])
    lines = capsys.readouterr().out.splitlines()
    # a single export has no customer names: the name column is empty
    assert lines[1] == "C1,,EUR,0.00,0.00,400.00,0.00,0.00,0.00,-40.00,360.00,0.00,2,55"


def test_invoice_history_with_a_mapping(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "history.csv"
    path.write_text(
        "Nr;Kunde;Datum;Fällig;Betrag;Bezahlt\n"
        "1;K1;05.01.2026;04.02.2026;1.000,00;10.02.2026\n"
        "2;K1;05.02.2026;07.03.2026;250,00;\n"
        "3;K2;01.03.2026;31.03.2026;99,00;05.04.2026\n"
        "4;K2;01.04.2026;01.05.2026;10,00;\n",
        encoding="utf-8",
    )
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(
        'document_id = "Nr"\ncustomer_id = "Kunde"\nissue_date = "Datum"\ndue_date = "Fällig"\n'
        'amount = "Betrag"\nsettled_on = "Bezahlt"\ndefault_currency = "EUR"\n'
        'date_format = "%d.%m.%Y"\ndecimal_separator = ","\ndelimiter = ";"\n',
        encoding="utf-8",
    )
    _run([str(path), "--as-of", "2026-03-31", "--mapping", str(mapping), "--format", "csv"])
    lines = capsys.readouterr().out.splitlines()
    # As of 31 March: invoice 1 was paid in February; 2 is open and 24 days late; 3 is
    # paid only in April, so it is still open (due today); 4 is not issued yet.
    assert lines[1:] == [
        "K1,,EUR,0.00,250.00,0.00,0.00,0.00,0.00,0.00,250.00,0.00,1,24",
        "K2,,EUR,99.00,0.00,0.00,0.00,0.00,0.00,0.00,99.00,0.00,1,",
    ]
    mapping.write_text('amount = "Betrag"\ncurrency = false\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="currency: expected a string"):
        _run([str(path), "--as-of", "2026-03-31", "--mapping", str(mapping)])


def test_errors(directory: Path, tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="--currency and --rates go together"):
        _run([str(directory), "--as-of", "2026-03-31", "--currency", "EUR"])
    with pytest.raises(ValidationError, match=r"--buckets: 'x' is not a whole number of days"):
        _run([str(directory), "--as-of", "2026-03-31", "--buckets", "30,x"])
    with pytest.raises(
        ValidationError, match=r"--buckets: edges\[1\]: 30 is not above the previous edge 60"
    ):
        _run([str(directory), "--as-of", "2026-03-31", "--buckets", "60,30"])
    with pytest.raises(ValidationError, match=r"PATH: .* is neither a directory nor a file"):
        _run([str(tmp_path / "nothing"), "--as-of", "2026-03-31"])
    with pytest.raises(ValidationError, match="--mapping: applies to a single CSV export"):
        _run([str(directory), "--as-of", "2026-03-31", "--mapping", "m.toml"])
    with pytest.raises(SystemExit):
        _run([str(directory), "--as-of", "31.03.2026"])


def test_demo_section() -> None:
    text = age_command.demo_section(_ledger(), date(2026, 3, 31))
    lines = text.splitlines()
    assert lines[0] == "Aged receivables as of 2026-03-31 (days past the due date)"
    assert lines[1].startswith("Currency  Not yet due")
    assert lines[3].split() == [
        "EUR",
        "100.00",
        "0.00",
        "12,345.67",
        "0.00",
        "0.00",
        "0.00",
        "-45.67",
        "12,400.00",
        "100.00",
        "3",
        "59",
    ]
    assert lines[4].split()[0] == "USD"
    assert len(lines) == 5
