"""Open-item exports with one line per due date of an invoice: the mapping's ``instalment``.

SAP's customer line items (FBL5N) and Odoo's aged receivables list an invoice with
instalment payment terms as one receivable line per due date. With an ``instalment``
column each line is an :class:`~credkit.ledger.OpenItem` of its own, and aging the
export equals ``age()`` over those items, and over a ledger holding the invoice with
its schedule.
"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from pathlib import Path
from unittest import mock

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credkit.aging import AgingBasis, age
from credkit.config import load
from credkit.errors import ConfigError, ValidationError
from credkit.io import ColumnMapping, _table, age_open_items, read_open_items
from credkit.io import aging as io_aging
from credkit.ledger import Customer, DocumentKind, Invoice, InvoiceInstalment, Ledger, OpenItem
from credkit.money import Money

AS_OF = date(2026, 4, 30)

# an FBL5N-style layout: German number and date formats, one line per net due date,
# the instalment number in a column of its own
FBL5N = ColumnMapping(
    document_id="Belegnummer",
    customer_id="Konto",
    issue_date="Belegdatum",
    due_date="Nettofälligkeit",
    amount="Betrag in HW",
    currency="HWähr",
    instalment="Rate",
    date_format="%d.%m.%Y",
    decimal_separator=",",
    delimiter=";",
)
FBL5N_HEADER = "Belegnummer;Konto;Belegdatum;Nettofälligkeit;Betrag in HW;HWähr;Rate\n"


def _fbl5n(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "fbl5n.csv"
    path.write_text(FBL5N_HEADER + body, encoding="utf-8")
    return path


def test_sap_fbl5n_two_due_date_lines_of_one_invoice_are_two_items(tmp_path: Path) -> None:
    # invoice 1800000123 of 1,000.00 EUR on terms "50 % in 30 days, 50 % in 60 days":
    # FBL5N lists a line per net due date; as of 30 April the first is 30 days overdue
    path = _fbl5n(
        tmp_path,
        "1800000123;100042;01.03.2026;31.03.2026;500,00;EUR;1\n"
        "1800000123;100042;01.03.2026;30.04.2026;500,00;EUR;2\n"
        "1800000124;100042;15.04.2026;15.05.2026;250,00;EUR;\n",
    )
    items = read_open_items(path, mapping=FBL5N)
    assert [(i.key, i.instalment, i.due_date) for i in items] == [
        ("1800000123#1", 1, date(2026, 3, 31)),
        ("1800000123#2", 2, date(2026, 4, 30)),
        ("1800000124", None, date(2026, 5, 15)),
    ]
    report = age_open_items(path, mapping=FBL5N, as_of=AS_OF)
    assert report == age(items, as_of=AS_OF)
    row = report.row("100042")
    assert [str(m) for m in row.amounts[:3]] == ["750.00 EUR", "500.00 EUR", "0.00 EUR"]
    assert row.oldest_days == 30

    # the same invoice with its schedule in a ledger ages alike
    ledger = Ledger(
        customers=[Customer("100042", "Muster GmbH", country="DE", currency="EUR")],
        invoices=[
            Invoice(
                "1800000123",
                "100042",
                date(2026, 3, 1),
                date(2026, 4, 30),
                Money.of("1000.00", "EUR"),
                schedule=(
                    InvoiceInstalment(date(2026, 3, 31), Money.of("500.00", "EUR")),
                    InvoiceInstalment(date(2026, 4, 30), Money.of("500.00", "EUR")),
                ),
            ),
            Invoice(
                "1800000124",
                "100042",
                date(2026, 4, 15),
                date(2026, 5, 15),
                Money.of("250.00", "EUR"),
            ),
        ],
    )
    assert [i.key for i in ledger.open_items(AS_OF)] == [i.key for i in items]
    assert report.to_rows() == age(ledger, as_of=AS_OF).to_rows()


def test_without_the_column_the_lines_are_one_document_given_twice(tmp_path: Path) -> None:
    path = _fbl5n(
        tmp_path,
        "1800000123;100042;01.03.2026;31.03.2026;500,00;EUR;1\n"
        "1800000123;100042;01.03.2026;30.04.2026;500,00;EUR;2\n",
    )
    plain = attrs.evolve(FBL5N, instalment=None)
    with pytest.raises(ValidationError, match="line 3, column Belegnummer: invoice '1800000123' "):
        age_open_items(path, mapping=plain, as_of=AS_OF)


def test_the_same_instalment_twice_is_refused(tmp_path: Path) -> None:
    path = _fbl5n(
        tmp_path,
        "1800000123;100042;01.03.2026;31.03.2026;500,00;EUR;1\n"
        "1800000123;100042;01.03.2026;30.04.2026;500,00;EUR;1\n",
    )
    with pytest.raises(ValidationError) as error:
        age_open_items(path, mapping=FBL5N, as_of=AS_OF)
    assert str(error.value) == (
        f"{path}, line 3, column Belegnummer: invoice '1800000123#1' is given twice "
        "(first on line 2); each open item may be aged once"
    )
    with pytest.raises(ValidationError, match=r"items\[1\]: invoice '1800000123#1' is given twice"):
        age(read_open_items(path, mapping=FBL5N), as_of=AS_OF)


@pytest.mark.parametrize(
    ("first", "second", "message"),
    [
        ("", "2", "invoice '1800000123' has instalment 2 here but no instalment number on line 2"),
        ("1", "", "invoice '1800000123' has no instalment number here but has one on line 2"),
    ],
)
def test_an_invoice_with_and_without_instalment_numbers_is_refused(
    tmp_path: Path, first: str, second: str, message: str
) -> None:
    # a line without a number is the whole invoice, so it cannot have instalments too
    path = _fbl5n(
        tmp_path,
        f"1800000123;100042;01.03.2026;31.03.2026;500,00;EUR;{first}\n"
        "1800000999;100042;01.03.2026;31.03.2026;10,00;EUR;\n"
        f"1800000123;100042;01.03.2026;30.04.2026;500,00;EUR;{second}\n",
    )
    expected = f"{path}, line 4, column Rate: {message}"
    for run in (
        lambda: read_open_items(path, mapping=FBL5N),
        lambda: age_open_items(path, mapping=FBL5N, as_of=AS_OF),
    ):
        with pytest.raises(ValidationError) as error:
            run()
        assert str(error.value).startswith(expected)


@pytest.mark.parametrize("cell", ["0", "-1", "1,5", "erste", "²"])
def test_a_bad_instalment_number_names_the_cell(tmp_path: Path, cell: str) -> None:
    path = _fbl5n(tmp_path, f"1800000123;100042;01.03.2026;31.03.2026;500,00;EUR;{cell}\n")
    expected = f"{path}, line 2, column Rate: {cell!r} is not an instalment number"
    for run in (
        lambda: read_open_items(path, mapping=FBL5N),
        lambda: age_open_items(path, mapping=FBL5N, as_of=AS_OF),
    ):
        with pytest.raises(ValidationError) as error:
            run()
        assert str(error.value).startswith(expected)


def test_only_an_invoice_has_instalments(tmp_path: Path) -> None:
    path = _fbl5n(tmp_path, "1400000007;100042;01.03.2026;;-80,00;EUR;1\n")
    with pytest.raises(ValidationError, match="line 2, column Rate: only an invoice has"):
        read_open_items(path, mapping=FBL5N)


def test_a_mapped_instalment_column_must_be_in_the_file(tmp_path: Path) -> None:
    path = tmp_path / "open.csv"
    path.write_text("id,customer_id,issue_date,due_date,amount,currency\n")
    with pytest.raises(ValidationError, match="line 1: missing column 'Rate'"):
        read_open_items(path, mapping=ColumnMapping(instalment="Rate"))


def test_the_mapping_document_names_the_field() -> None:
    assert load(ColumnMapping, 'instalment = "Rate"', format="toml").instalment == "Rate"
    assert ColumnMapping().instalment is None
    for document in ("instalment = 2", 'instalment = " "'):
        with pytest.raises(ConfigError, match=r"^instalment: "):
            load(ColumnMapping, document, format="toml")


def test_the_polars_engine_refuses_the_instalment_column(tmp_path: Path) -> None:
    path = _fbl5n(tmp_path, "1800000123;100042;01.03.2026;31.03.2026;500,00;EUR;1\n")
    mapping = ColumnMapping(instalment="Rate")
    with pytest.raises(
        ValidationError,
        match=r"^engine: engine='polars' does not support the mapping's instalment \('Rate'\)",
    ):
        age_open_items(path, mapping=mapping, as_of=AS_OF, engine="polars")


# -- property: aging the export equals age() over the same items built directly ------


@st.composite
def instalment_items(draw: st.DrawFn) -> list[OpenItem]:
    items = []
    for number in range(draw(st.integers(0, 12))):
        customer = draw(st.sampled_from(["C1", "C2"]))
        issued = AS_OF - timedelta(days=draw(st.integers(0, 200)))
        currency = draw(st.sampled_from(["EUR", "USD"]))
        if draw(st.integers(0, 4)) == 0:  # a credit note
            amount = -draw(st.decimals(min_value=1, max_value=900, places=2))
            items.append(
                OpenItem(
                    f"G{number}",
                    customer,
                    DocumentKind.CREDIT_NOTE,
                    issued,
                    issued,
                    Money(amount, currency),
                )
            )
            continue
        parts = draw(st.sampled_from([None, 1, 2, 3]))
        due = issued
        disputed = draw(st.booleans())
        for part in [None] if parts is None else range(1, parts + 1):
            due = due + timedelta(days=draw(st.integers(0 if part is None else 1, 60)))
            amount = draw(st.decimals(min_value=1, max_value=900, places=2))
            items.append(
                OpenItem(
                    f"R{number}",
                    customer,
                    DocumentKind.INVOICE,
                    issued,
                    due,
                    Money(amount, currency),
                    disputed=disputed,
                    instalment=part,
                )
            )
    return draw(st.permutations(items))


def _export(path: Path, items: list[OpenItem]) -> Path:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["id", "customer_id", "issue_date", "due_date", "amount", "currency", "n", "x"])
    for item in items:
        writer.writerow(
            [
                item.document_id,
                item.customer_id,
                item.issue_date.isoformat(),
                item.due_date.isoformat(),
                format(item.amount.amount, "f"),
                item.amount.currency,
                "" if item.instalment is None else str(item.instalment),
                "yes" if item.disputed else "",
            ]
        )
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


@settings(max_examples=120, deadline=None)
@given(
    items=instalment_items(),
    block_chars=st.integers(1, 300),
    basis=st.sampled_from(list(AgingBasis)),
)
def test_aging_an_export_with_instalments_equals_age_over_the_items(
    tmp_path_factory: pytest.TempPathFactory,
    items: list[OpenItem],
    block_chars: int,
    basis: AgingBasis,
) -> None:
    mapping = ColumnMapping(instalment="n", disputed="x")
    path = _export(tmp_path_factory.mktemp("instalments") / "open.csv", items)
    assert list(read_open_items(path, mapping=mapping)) == items
    expected = age(items, as_of=AS_OF, basis=basis)
    with mock.patch.object(_table, "_BLOCK_CHARS", block_chars):
        report = age_open_items(path, mapping=mapping, as_of=AS_OF, basis=basis)
    assert report == expected
    assert report.to_rows() == expected.to_rows()
    # every (kind, id, instalment) hashing alike costs time, never a wrong answer
    with mock.patch.object(io_aging, "hash", return_value=7, create=True):
        assert age_open_items(path, mapping=mapping, as_of=AS_OF, basis=basis) == expected
