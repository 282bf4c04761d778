"""The canonical CSV layout keeps customers' tags in an optional ``tags`` column."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credkit.errors import ValidationError
from credkit.io import read_ledger, write_ledger
from credkit.ledger import Customer, Ledger

TAG = st.text(st.characters(codec="utf-8", exclude_characters=";\r\n"), min_size=1).filter(
    lambda t: t == t.strip()
)


@given(st.lists(st.lists(TAG, max_size=4), min_size=1, max_size=4))
def test_tags_round_trip(tag_lists: list[list[str]]) -> None:
    customers = [
        Customer(f"C{n}", f"Customer {n}", country="DE", currency="EUR", tags=tags)
        for n, tags in enumerate(tag_lists)
    ]
    with tempfile.TemporaryDirectory() as directory:
        write_ledger(Ledger(customers=customers), directory)
        again = read_ledger(directory)
        header = (Path(directory) / "customers.csv").read_text().splitlines()[0]
    assert again.customers == tuple(customers)
    assert header.endswith(",tags") == any(tag_lists)  # the column only when needed


def test_a_tag_with_the_separator_is_refused_on_writing() -> None:
    ledger = Ledger(customers=[Customer("C1", "A", country="DE", currency="EUR", tags=["a;b"])])
    with (
        tempfile.TemporaryDirectory() as directory,
        pytest.raises(ValidationError, match=r"tags: customer 'C1' has the tag 'a;b'"),
    ):
        write_ledger(ledger, directory)


def test_an_empty_tag_names_the_file_line_and_column() -> None:
    with tempfile.TemporaryDirectory() as directory:
        write_ledger(Ledger(), directory)
        (Path(directory) / "customers.csv").write_text(
            "id,name,country,currency,tags\nC1,Acme,DE,EUR,public;;key_account\n"
        )
        with pytest.raises(ValidationError, match="line 2, column tags: expected non-empty"):
            read_ledger(directory)
