"""Dates, ids and column mappings from outside (hostile-input review)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import attrs
import pytest

from credkit import io as credkit_io
from credkit.config import load
from credkit.errors import ConfigError, ValidationError
from credkit.fx import RateTable
from credkit.io import ColumnMapping
from credkit.ledger import Customer, Invoice
from credkit.money import Money


@attrs.frozen
class _Dated:
    day: date


@pytest.mark.parametrize(
    "text", ["20260131", "2026-W05-6", "2026-031", "2026-1-31", " 2026-01-31x"]
)
def test_dates_not_written_as_yyyy_mm_dd_are_refused(tmp_path: Path, text: str) -> None:
    # date.fromisoformat reads 20260131 and ISO week dates; credkit's documents do not.
    with pytest.raises(ConfigError, match="expected a date as 'YYYY-MM-DD'"):
        load(_Dated, {"day": text})
    with pytest.raises(ValidationError, match="is not a date"):
        RateTable.from_mapping({text: {"USD": "1.04"}}, base="EUR")
    path = tmp_path / "open.csv"
    path.write_text(
        "id,customer_id,kind,issue_date,due_date,amount,currency\n"
        f"I1,C1,invoice,2026-01-01,{text},10.00,EUR\n"
    )
    with pytest.raises(ValidationError, match=r"line 2, column due_date: .* is not a date"):
        credkit_io.read_open_items(path)


def test_the_written_form_is_accepted_everywhere() -> None:
    assert load(_Dated, {"day": "2026-01-31"}).day == date(2026, 1, 31)


@pytest.mark.parametrize("bad", ["C\x001", "C\ud8001", "\udfff"])
def test_ids_with_a_nul_or_a_lone_surrogate_are_refused(bad: str) -> None:
    with pytest.raises(ValidationError, match=r"^id: .* holds a NUL character or a lone surrogate"):
        Customer(bad, "Acme", country="DE", currency="EUR")
    with pytest.raises(ValidationError, match=r"holds a NUL character or a lone surrogate"):
        Invoice("I1", bad, date(2026, 1, 1), date(2026, 1, 31), Money.of(1, "EUR"))


def test_other_scripts_are_ordinary_ids() -> None:
    assert Customer("客户-1", "Müller & Söhne", country="DE", currency="EUR").id == "客户-1"


def test_a_mapping_whose_delimiter_is_its_decimal_separator_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"^delimiter: ',' is also the decimal separator"):
        load(ColumnMapping, {"decimal_separator": ",", "delimiter": ","})
    assert ColumnMapping(decimal_separator=",", delimiter=";").thousands == "."


def test_a_document_amount_with_more_decimals_than_its_currency_is_refused(tmp_path: Path) -> None:
    with pytest.raises(
        ValidationError, match=r"^amount: 10.5 JPY has more decimals than JPY has \(0\)"
    ):
        Invoice("I1", "C1", date(2026, 1, 1), date(2026, 1, 31), Money.of("10.5", "JPY"))
    path = tmp_path / "invoices.csv"
    path.write_text(
        "id,customer_id,issue_date,due_date,amount,currency\nI1,C1,2026-01-01,2026-01-31,10.5,JPY\n"
    )
    with pytest.raises(ValidationError, match=r"line 2, column amount: 10.5 JPY has more decimals"):
        credkit_io.read_invoices(path)
    assert Invoice("I2", "C1", date(2026, 1, 1), date(2026, 1, 31), Money.of("10", "JPY"))
