"""Tests for credkit.io's canonical CSV layout: write -> read round trips, and clear errors."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from credkit.errors import ValidationError
from credkit.io import FILES, read_ledger, write_ledger
from credkit.ledger import Allocation, CreditNote, Customer, Invoice, Ledger, Payment
from credkit.money import Money
from credkit.testing.strategies import ledgers


def _same(a: Ledger, b: Ledger) -> None:
    assert a.customers == b.customers
    assert a.invoices == b.invoices
    assert a.credit_notes == b.credit_notes
    assert a.payments == b.payments
    assert a.allocations == b.allocations


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ledgers())
def test_write_then_read_round_trips_any_ledger(ledger: Ledger) -> None:
    with tempfile.TemporaryDirectory() as directory:
        write_ledger(ledger, directory)
        _same(read_ledger(directory), ledger)


def _sample() -> Ledger:
    return Ledger(
        customers=[
            Customer(
                "C1", 'Müller, "Söhne" & Co.\nKG', country="DE", currency="EUR", segment="wholesale"
            ),
            Customer(
                "C2", " spaced ", country="GB", currency="GBP", parent_id="C1", industry="retail"
            ),
        ],
        invoices=[
            Invoice(
                "I1",
                "C1",
                date(2026, 1, 5),
                date(2026, 2, 4),
                Money.of("1250.00", "EUR"),
                disputed=True,
            ),
            Invoice("I2", "C2", date(2026, 1, 6), date(2026, 1, 6), Money.of("7.5", "GBP")),
        ],
        credit_notes=[
            CreditNote(
                "N1",
                "C1",
                date(2026, 1, 10),
                Money.of("50.00", "EUR"),
                invoice_id="I1",
                write_off=True,
            )
        ],
        payments=[Payment("P1", "C1", date(2026, 2, 1), Money.of("1000.00", "EUR"))],
        allocations=[
            Allocation("P1", "I1", Money.of("1000.00", "EUR"), date(2026, 2, 1)),
            Allocation("N1", "I1", Money.of("50.00", "EUR"), date(2026, 2, 2)),
        ],
    )


def test_files_and_their_contents(tmp_path: Path) -> None:
    paths = write_ledger(_sample(), tmp_path / "new" / "dir")
    assert [p.name for p in paths] == [name for name, _ in FILES.values()]
    invoices = (tmp_path / "new" / "dir" / "invoices.csv").read_bytes().decode("utf-8")
    assert invoices == (
        "id,customer_id,issue_date,due_date,amount,currency,disputed\r\n"
        "I1,C1,2026-01-05,2026-02-04,1250.00,EUR,true\r\n"
        "I2,C2,2026-01-06,2026-01-06,7.5,GBP,false\r\n"
    )
    customers = (tmp_path / "new" / "dir" / "customers.csv").read_bytes().decode("utf-8")
    assert customers.split("\r\n")[1] == 'C1,"Müller, ""Söhne"" & Co.\nKG",DE,EUR,wholesale,,'
    _same(read_ledger(tmp_path / "new" / "dir"), _sample())


def _write(directory: Path, name: str, text: str, encoding: str = "utf-8") -> None:
    (directory / name).write_text(text, encoding=encoding)


def test_optional_columns_may_be_left_out_and_extra_columns_are_ignored(tmp_path: Path) -> None:
    write_ledger(Ledger(), tmp_path)
    _write(tmp_path, "customers.csv", "id,name,country,currency,note\nC1,Acme,FR,EUR,ignored\n")
    _write(
        tmp_path,
        "invoices.csv",
        "id,customer_id,issue_date,due_date,amount,currency\nI1,C1,2026-01-01,2026-01-31,10,EUR\n",
    )
    ledger = read_ledger(tmp_path)
    assert ledger.customers == (Customer("C1", "Acme", country="FR", currency="EUR"),)
    assert ledger.invoices[0].disputed is False


def test_bom_and_blank_lines_are_accepted(tmp_path: Path) -> None:
    write_ledger(Ledger(), tmp_path)
    _write(
        tmp_path,
        "customers.csv",
        "id,name,country,currency\r\nC1,Acme,FR,EUR\r\n\r\n",
        encoding="utf-8-sig",
    )
    assert (tmp_path / "customers.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert read_ledger(tmp_path).customers[0].id == "C1"


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        (
            "invoices.csv",
            "id,customer_id,issue_date,due_date,amount,currency\nI1,C1,2026-01-01,2026-01-31,10,EUR\n"
            "I2,C1,2026-01-01,2026-02-31,10,EUR\n",
            r"invoices\.csv, line 3, column due_date: '2026-02-31' is not a date in the format YYYY-MM-DD",
        ),
        (
            "invoices.csv",
            'id,customer_id,issue_date,due_date,amount,currency\nI1,C1,2026-01-01,2026-01-31,"1,000.00",EUR\n',
            r"invoices\.csv, line 2, column amount: '1,000\.00' is not an amount",
        ),
        (
            "invoices.csv",
            "id,customer_id,issue_date,due_date,amount,currency\nI1,C1,2026-01-01,2026-01-31,10,eur\n",
            r"invoices\.csv, line 2, column currency: 'eur' is not an ISO 4217 code",
        ),
        (
            "invoices.csv",
            "id,customer_id,issue_date,due_date,amount,currency\nI1,C1,2026-01-01,2026-01-31,-10,EUR\n",
            r"invoices\.csv, line 2, column amount: must be above zero",
        ),
        (
            "invoices.csv",
            "id,customer_id,issue_date,due_date,amount,currency\nI1,C9,2026-01-01,2026-01-31,10,EUR\n",
            r"invoices\.csv, line 2, column customer_id: unknown customer 'C9' on 'I1'",
        ),
        (
            "invoices.csv",
            "id,customer_id,issue_date,due_date,amount,currency\n,C1,2026-01-01,2026-01-31,10,EUR\n",
            r"invoices\.csv, line 2, column id: is empty; a value is required",
        ),
        (
            "invoices.csv",
            "id,customer_id,issue_date,due_date,amount,currency,disputed\nI1,C1,2026-01-01,2026-01-31,10,EUR,maybe\n",
            r"invoices\.csv, line 2, column disputed: 'maybe' is not a yes/no value",
        ),
        (
            "invoices.csv",
            "id,customer_id,issue_date,amount,currency\n",
            r"invoices\.csv, line 1: missing column 'due_date'; the file has the columns 'id', "
            r"'customer_id', 'issue_date', 'amount', 'currency'",
        ),
        (
            "invoices.csv",
            "id;customer_id;issue_date;due_date;amount;currency\n",
            r"invoices\.csv, line 1: missing columns .*the file looks semicolon-separated",
        ),
        (
            "invoices.csv",
            "",
            r"invoices\.csv: the file is empty; expected a header line with the columns id, customer_id",
        ),
        (
            "invoices.csv",
            "id,customer_id,issue_date,due_date,amount,currency\nI1,C1,2026-01-01\n",
            r"invoices\.csv, line 2: has 3 fields, the header has 6",
        ),
        (
            "allocations.csv",
            "source_id,target_id,amount,currency,applied_on\nP1,I1,20,EUR,2026-01-05\n",
            r"allocations\.csv, line 2, column amount: over-allocates 'P1' \(10 EUR\) by 10 EUR",
        ),
        (
            "customers.csv",
            "id,name,country,currency\nC1,Acme,FR,EUR\nC1,Again,FR,EUR\n",
            r"customers\.csv, line 3, column id: duplicate id 'C1'",
        ),
    ],
)
def test_errors_name_the_file_line_and_column(
    tmp_path: Path, name: str, text: str, message: str
) -> None:
    write_ledger(
        Ledger(
            customers=[Customer("C1", "Acme", country="FR", currency="EUR")],
            invoices=[
                Invoice("I1", "C1", date(2026, 1, 1), date(2026, 1, 31), Money.of(10, "EUR"))
            ],
            payments=[Payment("P1", "C1", date(2026, 1, 2), Money.of(10, "EUR"))],
        ),
        tmp_path,
    )
    _write(tmp_path, name, text)
    with pytest.raises(ValidationError, match=message):
        read_ledger(tmp_path)


def test_missing_files_and_directories(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match=r"directory: .* is not a directory"):
        read_ledger(tmp_path / "nowhere")
    write_ledger(Ledger(), tmp_path)
    (tmp_path / "payments.csv").unlink()
    with pytest.raises(
        ValidationError, match=r"payments\.csv: no such file; a ledger directory holds"
    ):
        read_ledger(tmp_path)


def test_bad_bytes_name_the_line(tmp_path: Path) -> None:
    write_ledger(Ledger(), tmp_path)
    (tmp_path / "customers.csv").write_bytes(b"id,name,country,currency\nC1,M\xfcller,DE,EUR\n")
    with pytest.raises(
        ValidationError, match=r"customers\.csv, line 2: byte b'\\xfc' is not valid utf-8"
    ):
        read_ledger(tmp_path)


def test_write_refuses_what_is_not_a_ledger(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="ledger: expected a Ledger"):
        write_ledger([], tmp_path)  # type: ignore[arg-type]
    (tmp_path / "file").write_text("x")
    with pytest.raises(ValidationError, match="directory: cannot write the ledger"):
        write_ledger(Ledger(), tmp_path / "file")


def test_line_numbers_count_physical_lines_after_multi_line_cells(tmp_path: Path) -> None:
    write_ledger(Ledger(), tmp_path)
    _write(
        tmp_path,
        "customers.csv",
        'id,name,country,currency\nC1,"Two\nlines",FR,EUR\nC2,Bad,Germany,EUR\n',
    )
    with pytest.raises(ValidationError, match=r"customers\.csv, line 4, column country: 'Germany'"):
        read_ledger(tmp_path)
