"""Tests for credkit.io.ColumnMapping: defaults, validation, loading from documents."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credkit.config import dump, load
from credkit.errors import ConfigError
from credkit.io import ISO_DATE, ColumnMapping
from credkit.ledger import DocumentKind


def test_defaults_read_credkits_own_invoices_file() -> None:
    mapping = ColumnMapping()
    assert (mapping.document_id, mapping.customer_id, mapping.amount, mapping.currency) == (
        "id",
        "customer_id",
        "amount",
        "currency",
    )
    assert mapping.date_format == ISO_DATE == "%Y-%m-%d"
    assert mapping.thousands == ","
    assert mapping.kind_values == {
        "invoice": DocumentKind.INVOICE,
        "credit_note": DocumentKind.CREDIT_NOTE,
        "payment": DocumentKind.PAYMENT,
    }


def test_load_with_kind_values_from_toml() -> None:
    mapping = load(
        ColumnMapping,
        """
kind = "Belegart"
currency = "Waehrung"
[kind_values]
RE = "invoice"
GS = "credit_note"
ZA = "payment"
""",
        format="toml",
    )
    assert mapping.kind_values == {
        "RE": DocumentKind.INVOICE,
        "GS": DocumentKind.CREDIT_NOTE,
        "ZA": DocumentKind.PAYMENT,
    }
    assert load(ColumnMapping, dump(mapping)) == mapping


@pytest.mark.parametrize(
    ("document", "path", "detail"),
    [
        ({"due_dat": "Fällig"}, "due_dat", "unknown key"),
        ({"amount": ""}, "amount", "expected a column name"),
        ({"amount": 5}, "amount", "expected a string"),
        ({"currency": None}, "default_currency", "required when currency is None"),
        ({"default_currency": "euro"}, "default_currency", "'euro' is not an ISO 4217 code"),
        ({"date_format": "dd.mm.yyyy"}, "date_format", "expected a strptime pattern"),
        ({"date_format": "%m/%Y"}, "date_format", "cannot hold a whole date"),
        ({"decimal_separator": ";"}, "decimal_separator", "expected one of '.', ','"),
        ({"thousands_separator": "_"}, "thousands_separator", "expected one of"),
        (
            {"decimal_separator": ",", "thousands_separator": ","},
            "thousands_separator",
            "also the decimal separator",
        ),
        ({"delimiter": ";;"}, "delimiter", "expected one character"),
        ({"encoding": "klingon"}, "encoding", "not a text encoding"),
        ({"encoding": "rot13"}, "encoding", "not a text encoding"),
        ({"kind_values": {"RE": "bill"}}, "kind_values[RE]", "expected one of 'invoice'"),
        ({"kind_values": {}}, "kind_values", "needs at least one value"),
    ],
)
def test_bad_mappings_name_the_field(document: dict[str, object], path: str, detail: str) -> None:
    with pytest.raises(ConfigError) as info:
        load(ColumnMapping, document)
    assert info.value.path == path
    assert detail in info.value.detail


def test_built_in_python_errors_are_config_errors_too() -> None:
    with pytest.raises(ConfigError, match="decimal_separator: expected one of"):
        ColumnMapping(decimal_separator="·")
    with pytest.raises(ConfigError, match="kind_values: expected a table"):
        ColumnMapping(kind_values=["RE"])  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="currency: expected a column name"):
        ColumnMapping(currency=" ")


_KEYS = [
    "document_id",
    "amount",
    "currency",
    "default_currency",
    "date_format",
    "decimal_separator",
    "thousands_separator",
    "delimiter",
    "encoding",
    "kind_values",
    "x",
]


@given(
    st.dictionaries(
        st.sampled_from(_KEYS),
        st.none()
        | st.booleans()
        | st.integers()
        | st.text(max_size=6)
        | st.dictionaries(st.text(max_size=3), st.text(max_size=8), max_size=2),
        max_size=4,
    )
)
def test_loading_junk_gives_a_mapping_or_a_config_error(document: dict[str, object]) -> None:
    try:
        result = load(ColumnMapping, document)
    except ConfigError:
        return
    assert isinstance(result, ColumnMapping)
