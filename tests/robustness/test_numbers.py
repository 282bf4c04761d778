"""Numbers from outside are bounded (hostile-input review): no figure can make exact
arithmetic run for minutes, no look-alike digit passes for a digit, -0 is 0."""

from __future__ import annotations

import time
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credkit.errors import ValidationError
from credkit.fx import Rate
from credkit.money import MAX_DIGITS, MAX_MAGNITUDE, MIN_MAGNITUDE, Money, to_decimal
from credkit.scoring import Bin, Factor, Scorecard


@pytest.mark.parametrize("text", ["1e999999", "-9.99e999999", "1e-999999", "1" * 60, "1e31"])
def test_figures_beyond_the_bounds_are_refused_at_once(text: str) -> None:
    # Money.of("1e999999").round() took 6 s and 1 GB; format() raised decimal.Overflow.
    started = time.perf_counter()
    with pytest.raises(ValidationError, match=r"^amount: .* is out of bounds: credkit takes"):
        Money.of(text, "EUR")
    assert time.perf_counter() - started < 0.1


def test_the_bounds_themselves_are_accepted() -> None:
    largest = Money.of("9" * 31, "EUR")
    assert largest.round().format("en_US").count(",") == 10
    assert Money.of("1e-30", "EUR").round().is_zero
    assert to_decimal("9" * MAX_DIGITS + "e-20") == Decimal("9" * MAX_DIGITS + "e-20")


@pytest.mark.parametrize("text", ["١٠", "１０", "1٠", "٣.٥"])
def test_digits_other_than_ascii_are_refused(text: str) -> None:
    # Decimal("١٠") is 10: an Arabic-Indic amount read as ten euros.
    with pytest.raises(ValidationError, match=r"other than ASCII digits"):
        Money.of(text, "EUR")


def test_minus_zero_is_zero() -> None:
    amount = Money.of("-0.00", "EUR").amount
    assert amount == 0
    assert not amount.is_signed()
    assert str(Money.of("-0", "JPY")) == "0 JPY"


def test_a_tiny_rate_and_a_huge_score_are_refused_with_their_field() -> None:
    with pytest.raises(ValidationError, match=r"^rate: '1e-999999' is out of bounds"):
        Rate("EUR", "USD", date(2026, 1, 2), "1e-999999")
    card = Scorecard(
        "c",
        version="1",
        factors=(Factor("ratio", reason_code="R", missing=0, bins=(Bin(lower=0, points=10),)),),
    )
    # A score of 9e999999 was class A.
    with pytest.raises(ValidationError, match=r"^ratio: '9e999999' is out of bounds"):
        card.score({"ratio": "9e999999"})


@given(st.text(max_size=40))
def test_any_text_is_a_bounded_number_or_a_validation_error(text: str) -> None:
    try:
        number = to_decimal(text)
    except ValidationError:
        return
    assert number.is_finite()
    assert number.is_zero() or MIN_MAGNITUDE <= number.adjusted() <= MAX_MAGNITUDE
    assert len(number.as_tuple().digits) <= MAX_DIGITS
    assert not (number.is_zero() and number.is_signed())
