"""credkit's own figure style (``1,234.56``) for messages and tables, without babel."""

from __future__ import annotations

from decimal import Decimal

import babel.numbers
from hypothesis import given
from hypothesis import strategies as st

from credkit._figures import grouped, grouped_exact

finite = st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**15), max_value=10**15)


@given(value=finite, places=st.integers(min_value=0, max_value=6))
def test_grouped_matches_babels_en_us_pattern(value: Decimal, places: int) -> None:
    # The style replaced babel's "#,##0.00" pattern for en_US: the same text, digit for digit.
    pattern = "#,##0" + ("." + "0" * places if places else "")
    assert grouped(value, places) == babel.numbers.format_decimal(
        value, format=pattern, locale="en_US"
    )


@given(value=finite)
def test_grouped_exact_matches_babels_optional_decimals(value: Decimal) -> None:
    assert grouped_exact(value) == babel.numbers.format_decimal(
        value.normalize(), format="#,##0.##########", locale="en_US"
    )


@given(value=finite, places=st.integers(min_value=0, max_value=6))
def test_grouped_reads_back_as_the_rounded_value(value: Decimal, places: int) -> None:
    text = grouped(value, places)
    assert Decimal(text.replace(",", "")) == round(value, places)
    whole = text.lstrip("-").split(".")[0]
    assert all(len(group) == 3 for group in whole.split(",")[1:])
    assert 1 <= len(whole.split(",")[0]) <= 3


def test_huge_values_keep_every_digit() -> None:
    assert grouped(Decimal("123456789012345678901234567890.125"), 2) == (
        "123,456,789,012,345,678,901,234,567,890.12"
    )
