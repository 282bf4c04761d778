"""Booked amounts (the company currency at the booking rate) in credkit's CSV files and ERP exports."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from credkit.config import load
from credkit.errors import ConfigError, ValidationError
from credkit.io import ColumnMapping, read_invoices, read_ledger, read_open_items, write_ledger
from credkit.ledger import DocumentKind, Ledger
from credkit.money import Money
from credkit.testing.strategies import booked_ledgers


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(booked_ledgers("EUR"))
def test_write_then_read_round_trips_booked_amounts(ledger: Ledger) -> None:
    with tempfile.TemporaryDirectory() as directory:
        write_ledger(ledger, directory)
        again = read_ledger(directory)
    assert again.invoices == ledger.invoices
    assert again.credit_notes == ledger.credit_notes
    assert again.payments == ledger.payments
    assert [d.booked for d in again.payments] == [d.booked for d in ledger.payments]


def test_the_booked_columns_are_written_only_when_there_are_booked_amounts(
    tmp_path: Path,
) -> None:
    write_ledger(Ledger(), tmp_path)
    assert (tmp_path / "invoices.csv").read_text().splitlines()[0].endswith("currency,disputed")
    assert "booked" not in (tmp_path / "payments.csv").read_text()


def test_a_booked_amount_without_its_currency_names_the_cell(tmp_path: Path) -> None:
    write_ledger(Ledger(), tmp_path)
    (tmp_path / "customers.csv").write_text(
        "id,name,country,currency\nC1,Acme,US,USD\n", encoding="utf-8"
    )
    (tmp_path / "payments.csv").write_text(
        "id,customer_id,received_on,amount,currency,booked,booked_currency\n"
        "P1,C1,2026-02-10,550.00,USD,520.00,\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationError, match=r"payments.csv, line 2, column booked_currency"):
        read_ledger(tmp_path)


def test_an_erp_export_with_the_amount_in_local_currency(tmp_path: Path) -> None:
    # SAP FBL5N exports "Amount in doc. curr." and "Amount in local currency" with
    # the local currency in its own column; ERPNext's receivable report has the
    # "Base Grand Total" in the company currency.
    path = tmp_path / "fbl5n.csv"
    path.write_text(
        "Belegnr;Kunde;Belegdatum;Nettofälligkeit;Betrag;Währung;Betrag HW;Hauswährung\n"
        "1800001;C1;05.01.2026;04.02.2026;1.100,00;USD;1.000,00;EUR\n"
        "1800002;C1;09.01.2026;08.02.2026;200,00;EUR;;\n",
        encoding="utf-8",
    )
    mapping = load(
        ColumnMapping,
        {
            "document_id": "Belegnr",
            "customer_id": "Kunde",
            "issue_date": "Belegdatum",
            "due_date": "Nettofälligkeit",
            "amount": "Betrag",
            "currency": "Währung",
            "booked": "Betrag HW",
            "booked_currency": "Hauswährung",
            "date_format": "%d.%m.%Y",
            "decimal_separator": ",",
            "delimiter": ";",
        },
    )
    invoices = read_invoices(path, mapping=mapping)
    assert [i.booked for i in invoices] == [Money.of("1000.00", "EUR"), None]


def test_open_items_read_their_signed_booked_amount_in_the_company_currency(
    tmp_path: Path,
) -> None:
    path = tmp_path / "open.csv"
    path.write_text(
        "id,customer_id,issue_date,due_date,amount,currency,base_amount\n"
        "I1,C1,2026-01-05,2026-02-04,660.00,USD,600.00\n"
        "P1,C1,2026-02-10,,-110.00,USD,-104.00\n",
        encoding="utf-8",
    )
    mapping = ColumnMapping(booked="base_amount", company_currency="EUR")
    items = read_open_items(path, mapping=mapping)
    assert [(i.kind, i.booked) for i in items] == [
        (DocumentKind.INVOICE, Money.of("600.00", "EUR")),
        (DocumentKind.CREDIT_NOTE, Money.of("-104.00", "EUR")),
    ]
    path.write_text(
        "id,customer_id,issue_date,due_date,amount,currency,base_amount\n"
        "I1,C1,2026-01-05,2026-02-04,660.00,USD,-600.00\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationError, match=r"line 2, column base_amount: .*opposite sign"):
        read_open_items(path, mapping=mapping)


@pytest.mark.parametrize(
    ("document", "path", "message"),
    [
        ({"booked": "HW"}, "company_currency", "booked needs the currency of the booked amounts"),
        ({"company_currency": "EUR"}, "company_currency", "is only read with booked"),
        ({"booked": "HW", "company_currency": "EURO"}, "company_currency", "EURO"),
        ({"booked_currency": "HWae"}, "booked_currency", "is only read with booked"),
    ],
)
def test_booked_mapping_errors_name_the_field(
    document: dict[str, str], path: str, message: str
) -> None:
    with pytest.raises(ConfigError, match=message) as caught:
        load(ColumnMapping, document)
    assert caught.value.path == path
