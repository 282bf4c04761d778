"""Tests for reading ERP exports with a ColumnMapping: German exports, settlements, open items."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from credkit.config import load
from credkit.errors import ConfigError, ValidationError
from credkit.io import ColumnMapping, read_invoices, read_open_items, read_rates, read_settlements
from credkit.ledger import DocumentKind, Invoice
from credkit.money import Money

GERMAN = ColumnMapping(
    document_id="Belegnr.",
    customer_id="Debitor",
    issue_date="Belegdatum",
    due_date="Fälligkeit",
    amount="Betrag",
    currency="Währung",
    default_currency="EUR",
    settled_on="Ausgleichsdatum",
    disputed="Reklamation",
    date_format="%d.%m.%Y",
    decimal_separator=",",
    delimiter=";",
    encoding="cp1252",
)

GERMAN_EXPORT = (
    "Belegnr.;Debitor;Belegdatum;Fälligkeit;Betrag;Währung;Ausgleichsdatum;Reklamation;Bemerkung\r\n"
    "4711;10001;15.01.2026;14.02.2026;1.234,56;EUR;20.02.2026;;Müller\r\n"
    "4712;10001;02.02.2026;04.03.2026;99,90;;;X;\r\n"
    "4713;10002;03.02.2026;05.03.2026;12.000,00;CHF;05.03.2026;0;\r\n"
)


def _file(tmp_path: Path, text: str, name: str = "export.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_german_export_with_decimal_commas_and_semicolons(tmp_path: Path) -> None:
    path = _file(tmp_path, GERMAN_EXPORT, encoding="cp1252")
    invoices = read_invoices(path, mapping=GERMAN)
    assert invoices == (
        Invoice("4711", "10001", date(2026, 1, 15), date(2026, 2, 14), Money.of("1234.56", "EUR")),
        Invoice(
            "4712",
            "10001",
            date(2026, 2, 2),
            date(2026, 3, 4),
            Money.of("99.90", "EUR"),
            disputed=True,
        ),
        Invoice("4713", "10002", date(2026, 2, 3), date(2026, 3, 5), Money.of("12000.00", "CHF")),
    )
    settlements = read_settlements(path, mapping=GERMAN)
    assert [(s.invoice_id, s.settled_on, s.days_beyond_terms) for s in settlements] == [
        ("4711", date(2026, 2, 20), 6),
        ("4713", date(2026, 3, 5), 0),
    ]
    assert settlements[0].amount == Money.of("1234.56", "EUR")
    assert settlements[0].credited == Money.zero("EUR")


def test_german_mapping_loads_from_toml(tmp_path: Path) -> None:
    toml = tmp_path / "mapping.toml"
    toml.write_text(
        """
document_id = "Belegnr."
customer_id = "Debitor"
issue_date = "Belegdatum"
due_date = "Fälligkeit"
amount = "Betrag"
currency = "Währung"
default_currency = "EUR"
settled_on = "Ausgleichsdatum"
disputed = "Reklamation"
date_format = "%d.%m.%Y"
decimal_separator = ","
delimiter = ";"
encoding = "cp1252"
""",
        encoding="utf-8",
    )
    assert load(ColumnMapping, toml) == GERMAN


def test_bom_prefixed_utf8_is_read(tmp_path: Path) -> None:
    path = _file(tmp_path, GERMAN_EXPORT, encoding="utf-8-sig")
    mapping = load(ColumnMapping, {**_as_document(GERMAN), "encoding": "utf-8"})
    assert [i.id for i in read_invoices(path, mapping=mapping)] == ["4711", "4712", "4713"]


def _as_document(mapping: ColumnMapping) -> dict[str, object]:
    from credkit.config import dump

    document: dict[str, object] = dump(mapping)
    return {k: v for k, v in document.items() if v is not None}


def test_the_date_error_of_the_issue(tmp_path: Path) -> None:
    lines = GERMAN_EXPORT.splitlines()
    lines.insert(2, "4799;10001;31.02.2026;31.02.2026;1,00;EUR;;;")
    path = _file(tmp_path, "\n".join(lines) + "\n", name="invoices.csv", encoding="cp1252")
    with pytest.raises(
        ValidationError,
        match=r"invoices\.csv, line 3, column Belegdatum: '31\.02\.2026' is not a date in the format %d\.%m\.%Y",
    ):
        read_invoices(path, mapping=GERMAN)


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("1.234.56", r"'1\.234\.56' is not an amount written with the decimal separator ','"),
        ("12.34,5", r"'12\.34,5' is not an amount"),
        ("1,2,3", r"'1,2,3' is not an amount"),
        ("EUR 5", r"'EUR 5' is not an amount"),
        ("-5,00-", r"'-5,00-' is not an amount: it has two signs"),
        ("", r"is empty; a value is required"),
        ("0,00", r"must be above zero"),
    ],
)
def test_bad_amounts_name_the_cell(tmp_path: Path, cell: str, message: str) -> None:
    path = _file(
        tmp_path,
        f"Belegnr.;Debitor;Belegdatum;Fälligkeit;Betrag;Währung\n1;K;01.01.2026;31.01.2026;{cell};EUR\n",
    )
    mapping = load(
        ColumnMapping,
        {**_as_document(GERMAN), "encoding": "utf-8", "settled_on": None, "disputed": None},
    )
    with pytest.raises(ValidationError, match=rf"export\.csv, line 2, column Betrag: {message}"):
        read_invoices(path, mapping=mapping)


@pytest.mark.parametrize(
    ("cell", "decimal", "thousands", "value"),
    [
        ("1.234,56", ",", None, "1234.56"),
        ("1234,56", ",", None, "1234.56"),
        ("1 234 567,5", ",", " ", "1234567.5"),
        ("1\u00a0234,50", ",", " ", "1234.50"),
        ("1'234.50", ".", "'", "1234.50"),
        ("1,234,567.891", ".", None, "1234567.891"),
        ("1234.5", ".", "", "1234.5"),
        ("  42  ", ".", None, "42"),
        ("+7", ".", None, "7"),
    ],
)
def test_separators(
    tmp_path: Path, cell: str, decimal: str, thousands: str | None, value: str
) -> None:
    path = _file(
        tmp_path, f'id|customer_id|issue_date|due_date|amount\nI|C|2026-01-01|2026-01-02|"{cell}"\n'
    )
    mapping = ColumnMapping(
        currency=None,
        default_currency="BHD",  # three decimals: 1,234,567.891 is a whole number of fils
        decimal_separator=decimal,
        thousands_separator=thousands,
        delimiter="|",
    )
    assert read_invoices(path, mapping=mapping)[0].amount == Money.of(value, "BHD")


def test_decimal_comma_hint_when_the_mapping_says_point(tmp_path: Path) -> None:
    path = _file(
        tmp_path,
        'id,customer_id,issue_date,due_date,amount,currency\nI,C,2026-01-01,2026-01-02,"12,50",EUR\n',
    )
    with pytest.raises(ValidationError, match="for decimal commas set decimal_separator = ','"):
        read_invoices(path)


def test_missing_columns_list_what_is_there(tmp_path: Path) -> None:
    path = _file(tmp_path, "Belegnr.;Debitor;Datum;Betrag\n1;K;01.01.2026;5\n")
    with pytest.raises(
        ValidationError,
        match=r"export\.csv, line 1: missing columns 'Belegdatum', 'Fälligkeit', 'Reklamation'; "
        r"the file has the columns 'Belegnr\.', 'Debitor', 'Datum', 'Betrag'",
    ):
        read_invoices(
            path, mapping=load(ColumnMapping, {**_as_document(GERMAN), "encoding": "utf-8"})
        )


def test_empty_file_and_header_only(tmp_path: Path) -> None:
    with pytest.raises(
        ValidationError, match=r"empty\.csv: the file is empty; expected a header line"
    ):
        read_invoices(_file(tmp_path, "", name="empty.csv"))
    with pytest.raises(ValidationError, match=r"bom\.csv: the file is empty"):
        read_invoices(_file(tmp_path, "\ufeff\r\n", name="bom.csv"))
    header = "id,customer_id,issue_date,due_date,amount,currency\n"
    assert read_invoices(_file(tmp_path, header, name="header.csv")) == ()
    assert read_open_items(_file(tmp_path, header, name="header2.csv")) == ()


def test_no_currency_column_uses_the_default(tmp_path: Path) -> None:
    path = _file(
        tmp_path, "id,customer_id,issue_date,due_date,amount\nI,C,2026-01-01,2026-01-02,5\n"
    )
    mapping = ColumnMapping(currency=None, default_currency="CHF")
    assert read_invoices(path, mapping=mapping)[0].amount == Money.of(5, "CHF")
    # A mapping loaded from TOML cannot say None: a default currency makes the column optional.
    assert read_invoices(path, mapping=ColumnMapping(default_currency="CHF"))[0].amount == Money.of(
        5, "CHF"
    )
    with pytest.raises(ValidationError, match=r"line 1: missing column 'currency'"):
        read_invoices(path)
    empty_cell = _file(
        tmp_path,
        "id,customer_id,issue_date,due_date,amount,currency\nI,C,2026-01-01,2026-01-02,5,\n",
        name="e.csv",
    )
    with pytest.raises(
        ValidationError,
        match=r"e\.csv, line 2, column currency: is empty and the mapping has no default_currency",
    ):
        read_invoices(empty_cell)


def test_trailing_delimiters_and_ragged_lines(tmp_path: Path) -> None:
    path = _file(
        tmp_path,
        "id;customer_id;issue_date;due_date;amount;currency;\nI;C;2026-01-01;2026-01-02;5;EUR;;\n",
    )
    mapping = ColumnMapping(delimiter=";")
    assert read_invoices(path, mapping=mapping)[0].id == "I"
    ragged = _file(
        tmp_path,
        "id;customer_id;issue_date;due_date;amount;currency\nI;C;2026-01-01;2026-01-02;5;EUR;oops\n",
        name="r.csv",
    )
    with pytest.raises(ValidationError, match=r"r\.csv, line 2: has 7 fields, the header has 6"):
        read_invoices(ragged, mapping=mapping)


def test_duplicate_wanted_column_is_refused(tmp_path: Path) -> None:
    path = _file(tmp_path, "id,customer_id,issue_date,due_date,amount,amount,currency\n")
    with pytest.raises(ValidationError, match=r"line 1, column amount: appears 2 times"):
        read_invoices(path)


def test_open_items_with_a_type_column_and_sap_style_signs(tmp_path: Path) -> None:
    path = _file(
        tmp_path,
        "Beleg;Art;Kunde;Datum;Fällig;Offen;Original\n"
        "R1;RE;K1;01.03.2026;31.03.2026;1.000,00;1.500,00\n"
        "G1;GS;K1;05.03.2026;;200,00-;200,00-\n"
        "Z1;ZA;K1;06.03.2026;;-50,00;\n",
    )
    mapping = ColumnMapping(
        document_id="Beleg",
        kind="Art",
        customer_id="Kunde",
        issue_date="Datum",
        due_date="Fällig",
        amount="Offen",
        original_amount="Original",
        currency=None,
        default_currency="EUR",
        kind_values={"RE": "invoice", "GS": "credit_note", "ZA": DocumentKind.PAYMENT},  # type: ignore[dict-item]
        date_format="%d.%m.%Y",
        decimal_separator=",",
        delimiter=";",
    )
    items = read_open_items(path, mapping=mapping)
    assert [(i.document_id, i.kind, str(i.amount), i.due_date) for i in items] == [
        ("R1", DocumentKind.INVOICE, "1000.00 EUR", date(2026, 3, 31)),
        ("G1", DocumentKind.CREDIT_NOTE, "-200.00 EUR", date(2026, 3, 5)),
        ("Z1", DocumentKind.PAYMENT, "-50.00 EUR", date(2026, 3, 6)),
    ]
    assert items[0].original_amount == Money.of("1500.00", "EUR")
    assert items[2].original_amount is None
    bad = _file(
        tmp_path,
        "Beleg;Art;Kunde;Datum;Fällig;Offen;Original\nX;XX;K1;01.03.2026;;1,00;\n",
        name="bad.csv",
    )
    with pytest.raises(
        ValidationError,
        match=r"bad\.csv, line 2, column Art: 'XX' is not a document type the mapping knows; kind_values has 'RE', 'GS', 'ZA'",
    ):
        read_open_items(bad, mapping=mapping)
    no_due = _file(
        tmp_path,
        "Beleg;Art;Kunde;Datum;Fällig;Offen;Original\nX;RE;K1;01.03.2026;;1,00;\n",
        name="nodue.csv",
    )
    with pytest.raises(ValidationError, match=r"nodue\.csv, line 2, column Fällig: is empty"):
        read_open_items(no_due, mapping=mapping)


def test_open_items_without_a_type_column_go_by_sign(tmp_path: Path) -> None:
    path = _file(
        tmp_path,
        "id,customer_id,issue_date,due_date,amount,currency\n"
        "I1,C1,2026-01-05,2026-02-04,400.00,EUR\n"
        "N1,C1,2026-01-07,,-40.00,EUR\n",
    )
    items = read_open_items(path)
    assert [i.kind for i in items] == [DocumentKind.INVOICE, DocumentKind.CREDIT_NOTE]
    assert items[1].due_date == date(2026, 1, 7)


def test_settlement_before_issue_is_refused(tmp_path: Path) -> None:
    path = _file(
        tmp_path,
        "id,customer_id,issue_date,due_date,amount,currency,paid\nI1,C1,2026-01-05,2026-02-04,1,EUR,2026-01-01\n",
    )
    with pytest.raises(
        ValidationError,
        match=r"line 2, column paid: 2026-01-01 is before the issue date 2026-01-05",
    ):
        read_settlements(path, mapping=ColumnMapping(settled_on="paid"))
    with pytest.raises(ConfigError, match="settled_on: the mapping names no settled-date column"):
        read_settlements(path, mapping=ColumnMapping())
    with pytest.raises(ConfigError, match="mapping: expected a ColumnMapping"):
        read_invoices(path, mapping={"amount": "x"})  # type: ignore[arg-type]


def test_record_errors_name_the_mapped_column(tmp_path: Path) -> None:
    path = _file(tmp_path, "Nr;Kunde;Datum;Fällig;Betrag\n1;K;05.01.2026;04.01.2026;5\n")
    mapping = ColumnMapping(
        document_id="Nr",
        customer_id="Kunde",
        issue_date="Datum",
        due_date="Fällig",
        amount="Betrag",
        currency=None,
        default_currency="EUR",
        date_format="%d.%m.%Y",
        delimiter=";",
    )
    with pytest.raises(
        ValidationError, match=r"line 2, column Fällig: 2026-01-04 is before issue_date"
    ):
        read_invoices(path, mapping=mapping)


def test_encoding_errors_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes(
        "id,customer_id,issue_date,due_date,amount,currency\nI,Müller,2026-01-01,2026-01-02,5,EUR\n".encode(
            "latin-1"
        )
    )
    with pytest.raises(
        ValidationError,
        match=r"latin\.csv, line 2: byte b'\\xfc' is not valid utf-8; set the mapping's encoding",
    ):
        read_invoices(path)
    assert read_invoices(path, mapping=ColumnMapping(encoding="latin-1"))[0].customer_id == "Müller"


def test_unreadable_path(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match=r"missing\.csv: cannot read the file"):
        read_invoices(tmp_path / "missing.csv")


def test_rates_csv(tmp_path: Path) -> None:
    path = _file(
        tmp_path,
        "valid_from,base,quote,rate\n2019-10-01,EUR,USD,1.0898\n2019-10-01,EUR,GBP,0.88955\n",
    )
    table = read_rates(path, pivot="EUR")
    assert table.rate("USD", "GBP", date(2019, 10, 2)) == Decimal("0.8162506881996696641585612039")
    clash = _file(
        tmp_path,
        "valid_from,base,quote,rate\n2019-10-01,EUR,USD,1.0898\n2019-10-01,EUR,USD,1.09\n",
        name="clash.csv",
    )
    with pytest.raises(
        ValidationError, match=r"clash\.csv, line 3: EUR/USD valid from 2019-10-01 is given twice"
    ):
        read_rates(clash)
    bad = _file(tmp_path, "valid_from,base,quote,rate\n2019-10-01,EUR,USD,0\n", name="bad.csv")
    with pytest.raises(ValidationError, match=r"bad\.csv, line 2, column rate: must be > 0, got 0"):
        read_rates(bad)
