"""Tests for credkit.money: construction, arithmetic, rounding, allocation, formatting."""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from fractions import Fraction

import attrs
import babel.numbers
import pytest
from hypothesis import given
from hypothesis import strategies as st

from credkit.errors import CurrencyMismatchError, ValidationError
from credkit.money import DEFAULT_ROUNDING, Money, minor_units, to_decimal

# -- strategies -------------------------------------------------------------------------

CURRENCIES = ("EUR", "JPY", "BHD", "USD")


@st.composite
def amounts(draw: st.DrawFn, *, extra_places: int = 3, magnitude: int = 10**12) -> Money:
    """Any amount up to ``magnitude``, with up to ``extra_places`` decimals beyond the minor unit.

    Amounts stay well inside the default decimal context (28 digits), so that
    arithmetic on them is exact.
    """
    currency = draw(st.sampled_from(CURRENCIES))
    places = minor_units(currency) + draw(st.integers(0, extra_places))
    units = draw(st.integers(-magnitude, magnitude))
    return Money(Decimal(units).scaleb(-places), currency)


def rounded_amounts(currency: str) -> st.SearchStrategy[Money]:
    unit = Decimal(1).scaleb(-minor_units(currency))
    return st.integers(-(10**12), 10**12).map(lambda n: Money(n * unit, currency))


weights_lists = st.lists(
    st.one_of(
        st.integers(0, 10**6),
        st.decimals(min_value=0, max_value=1000, places=4, allow_nan=False, allow_infinity=False),
    ),
    min_size=1,
    max_size=12,
).filter(lambda ws: any(w > 0 for w in ws))


# -- construction -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (Decimal("12.50"), Decimal("12.50")),
        (12, Decimal("12")),
        ("12.50", Decimal("12.50")),
        ("-0.01", Decimal("-0.01")),
        (" 1_250.00 ", Decimal("1250.00")),
        ("1E+3", Decimal("1000")),
    ],
)
def test_exact_numbers_are_accepted(amount: Decimal | int | str, expected: Decimal) -> None:
    money = Money.of(amount, "EUR")
    assert money.amount == expected
    assert isinstance(money.amount, Decimal)
    assert money.currency == "EUR"


def test_amount_keeps_the_precision_it_was_given() -> None:
    assert str(Money.of("1.500", "EUR").amount) == "1.500"
    assert str(Money.of("1.5", "EUR").amount) == "1.5"
    assert repr(Money.of("1.500", "EUR")) == "Money('1.500', 'EUR')"
    assert str(Money.of("1.500", "EUR")) == "1.500 EUR"


@pytest.mark.parametrize(
    ("amount", "fragments"),
    [
        (0.1, ["amount:", "float 0.1", "not exact", "'0.1'"]),
        (1.5, ["amount:", "float 1.5", "Decimal, an int or a string"]),
        (True, ["amount:", "bool True"]),
        (False, ["amount:", "bool False"]),
        ("NaN", ["amount:", "'NaN'", "not a finite number"]),
        ("sNaN", ["amount:", "'sNaN'", "not a finite number"]),
        (Decimal("NaN"), ["amount:", "Decimal('NaN')", "not a finite number"]),
        ("Infinity", ["amount:", "'Infinity'", "not a finite number"]),
        ("-inf", ["amount:", "'-inf'", "not a finite number"]),
        (Decimal("-Infinity"), ["amount:", "Decimal('-Infinity')", "not a finite number"]),
        ("abc", ["amount:", "'abc'", "not a number", "'1250.00'"]),
        ("", ["amount:", "''", "not a number"]),
        ("12,50", ["amount:", "'12,50'", "not a number"]),
        ("12.50 EUR", ["amount:", "'12.50 EUR'", "not a number"]),
        (None, ["amount:", "NoneType None", "Decimal, an int or a numeric string"]),
        ([1], ["amount:", "list [1]"]),
    ],
)
def test_inexact_and_non_numeric_amounts_are_refused(amount: object, fragments: list[str]) -> None:
    with pytest.raises(ValidationError) as caught:
        Money.of(amount, "EUR")  # type: ignore[arg-type]
    for fragment in fragments:
        assert fragment in str(caught.value)


def test_the_constructor_refuses_what_of_refuses() -> None:
    with pytest.raises(ValidationError, match=r"^amount: float 0\.1 is not exact"):
        Money(0.1, "EUR")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("currency", "fragments"),
    [
        ("eur", ["currency:", "'eur'", "upper case", "'EUR'"]),
        ("Usd", ["currency:", "'Usd'", "upper case"]),
        ("ABC", ["currency:", "'ABC'", "ISO 4217", "'EUR', 'USD' or 'JPY'"]),
        ("EURO", ["currency:", "'EURO'", "ISO 4217"]),
        ("", ["currency:", "''", "ISO 4217"]),
        (None, ["currency:", "None", "ISO 4217 code such as 'EUR'"]),
        (978, ["currency:", "978", "ISO 4217 code such as 'EUR'"]),
    ],
)
def test_unknown_and_lower_case_currencies_are_refused(
    currency: object, fragments: list[str]
) -> None:
    with pytest.raises(ValidationError) as caught:
        Money.of(1, currency)  # type: ignore[arg-type]
    for fragment in fragments:
        assert fragment in str(caught.value)
    if currency == "ABC":
        assert "upper case" not in str(caught.value)


def test_to_decimal_names_the_field_it_was_given() -> None:
    with pytest.raises(ValidationError, match=r"^rate: float 0\.25 is not exact"):
        to_decimal(0.25, field="rate")
    with pytest.raises(ValidationError, match=r"^weights\[2\]: 'x' is not a number"):
        to_decimal("x", field="weights[2]")
    assert to_decimal(7) == Decimal(7)


def test_money_is_immutable() -> None:
    money = Money.of("1.00", "EUR")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        money.amount = Decimal(2)  # type: ignore[misc]


def test_equal_amounts_are_equal_whatever_their_precision() -> None:
    assert Money.of("1.0", "EUR") == Money.of("1.00", "EUR")
    assert hash(Money.of("1.0", "EUR")) == hash(Money.of("1.00", "EUR"))
    assert len({Money.of("1.0", "EUR"), Money.of("1.00", "EUR"), Money.of(1, "EUR")}) == 1


def test_amounts_in_different_currencies_are_never_equal() -> None:
    assert Money.of(1, "EUR") != Money.of(1, "USD")
    assert Money.of(1, "EUR") != Decimal(1)


def test_zero_and_sign_predicates() -> None:
    assert Money.zero("JPY") == Money.of(0, "JPY")
    assert Money.zero("EUR").is_zero
    assert Money.of("-0.01", "EUR").is_negative
    assert not Money.of("-0.01", "EUR").is_positive
    assert Money.of("0.01", "EUR").is_positive
    assert not Money.zero("EUR").is_negative
    assert not Money.zero("EUR").is_positive


@pytest.mark.parametrize(
    ("currency", "places"),
    [("JPY", 0), ("EUR", 2), ("USD", 2), ("BHD", 3), ("KWD", 3), ("CHF", 2)],
)
def test_minor_units_come_from_cldr(currency: str, places: int) -> None:
    # CLDR supplementalData.xml, <currencyData><fractions>: JPY digits="0", BHD/KWD digits="3".
    assert minor_units(currency) == places
    assert Money.of(1, currency).minor_units == places


def test_minor_units_refuses_unknown_currencies() -> None:
    with pytest.raises(ValidationError, match="'XYZ' is not an ISO 4217 code"):
        minor_units("XYZ")


# -- arithmetic and comparison ------------------------------------------------------------


def test_addition_and_subtraction_are_exact() -> None:
    a = Money.of("0.1", "EUR")
    b = Money.of("0.2", "EUR")
    assert a + b == Money.of("0.3", "EUR")  # 0.1 + 0.2 != 0.3 in binary floating point
    assert (a + b).amount == Decimal("0.3")
    assert b - a == Money.of("0.1", "EUR")
    assert a - b == Money.of("-0.1", "EUR")


def test_sign_operations() -> None:
    a = Money.of("-12.50", "EUR")
    assert -a == Money.of("12.50", "EUR")
    assert abs(a) == Money.of("12.50", "EUR")
    assert +a is a


@pytest.mark.parametrize("other", [1, Decimal(1), "1", None])
def test_adding_a_plain_number_is_refused(other: object) -> None:
    with pytest.raises(ValidationError, match=r"cannot add .* and Money; use Money\.of"):
        Money.of(1, "EUR") + other  # type: ignore[operator]


@pytest.mark.parametrize(
    ("operation", "verb"),
    [
        (lambda a, b: a + b, "add"),
        (lambda a, b: a - b, "subtract"),
        (lambda a, b: a / b, "divide"),
        (lambda a, b: a < b, "compare"),
        (lambda a, b: a <= b, "compare"),
        (lambda a, b: a > b, "compare"),
        (lambda a, b: a >= b, "compare"),
    ],
)
def test_mixing_currencies_raises_currency_mismatch(operation: object, verb: str) -> None:
    eur = Money.of("10.00", "EUR")
    usd = Money.of("10.00", "USD")
    with pytest.raises(CurrencyMismatchError) as caught:
        operation(eur, usd)  # type: ignore[operator]
    assert str(caught.value).startswith(f"cannot {verb} EUR and USD amounts")
    assert "credkit.fx.convert" in str(caught.value)
    assert isinstance(caught.value, ValidationError)
    assert isinstance(caught.value, ValueError)


def test_comparisons_within_a_currency() -> None:
    small = Money.of("9.99", "EUR")
    large = Money.of("10.00", "EUR")
    assert small < large
    assert small <= large
    assert large > small
    assert large >= small
    assert large >= Money.of("10", "EUR")
    assert large <= Money.of("10", "EUR")
    assert not large < Money.of("10", "EUR")
    assert max(small, large) is large


def test_comparing_with_a_plain_number_is_refused() -> None:
    with pytest.raises(ValidationError, match="cannot compare int 0 and Money"):
        _ = Money.of(1, "EUR") > 0  # type: ignore[operator]


@pytest.mark.parametrize(
    ("factor", "expected"),
    [(3, "37.50"), (Decimal("0.5"), "6.250"), ("1.1", "13.750"), (0, "0.00"), (-1, "-12.50")],
)
def test_multiplication_by_exact_numbers(factor: Decimal | int | str, expected: str) -> None:
    money = Money.of("12.50", "EUR")
    assert money * factor == Money.of(expected, "EUR")
    assert (money * factor).amount == Decimal(expected)


def test_multiplication_from_the_left() -> None:
    assert 3 * Money.of("12.50", "EUR") == Money.of("37.50", "EUR")
    assert Decimal(2) * Money.of("12.50", "EUR") == Money.of("25.00", "EUR")


def test_multiplication_refuses_floats_and_money() -> None:
    money = Money.of("12.50", "EUR")
    with pytest.raises(ValidationError, match=r"^multiply factor: float 1\.1 is not exact"):
        money * 1.1  # type: ignore[operator]
    with pytest.raises(ValidationError, match="cannot multiply money by money"):
        money * money  # type: ignore[operator]


def test_division_by_a_number_keeps_full_precision() -> None:
    assert Money.of("10.00", "EUR") / 4 == Money.of("2.5", "EUR")
    third = Money.of("10.00", "EUR") / 3
    assert third.amount == Decimal(10) / Decimal(3)
    assert not third.is_rounded()
    assert third.round() == Money.of("3.33", "EUR")
    with pytest.raises(ValidationError, match=r"^divide factor: float 2\.0 is not exact"):
        Money.of(1, "EUR") / 2.0  # type: ignore[operator]


def test_dividing_two_amounts_gives_their_ratio() -> None:
    ratio = Money.of("10.00", "EUR") / Money.of(40, "EUR")
    assert ratio == Decimal("0.25")
    assert isinstance(ratio, Decimal)


@pytest.mark.parametrize("zero", [0, Decimal("0.00"), "0", "-0"])
def test_division_by_zero_is_refused(zero: Decimal | int | str) -> None:
    with pytest.raises(ValidationError, match=r"^cannot divide 1\.00 EUR by zero$"):
        Money.of("1.00", "EUR") / zero


def test_division_by_a_zero_amount_is_refused() -> None:
    with pytest.raises(ValidationError, match=r"^cannot divide 1 EUR by a zero amount$"):
        Money.of(1, "EUR") / Money.zero("EUR")


# -- rounding ---------------------------------------------------------------------------------


def test_default_rounding_is_half_away_from_zero() -> None:
    assert DEFAULT_ROUNDING == ROUND_HALF_UP


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("2.675", "EUR", "2.68"),
        ("-2.675", "EUR", "-2.68"),
        ("2.665", "EUR", "2.67"),  # banker's rounding would give 2.66
        ("2.674999", "EUR", "2.67"),
        ("5", "EUR", "5.00"),
        ("0.5", "JPY", "1"),
        ("-0.5", "JPY", "-1"),
        ("2.5", "JPY", "3"),  # banker's rounding would give 2
        ("1234.4999", "JPY", "1234"),
        ("1.0005", "BHD", "1.001"),
        ("1.0004", "BHD", "1.000"),
        ("7", "BHD", "7.000"),
        ("-0.001", "EUR", "0.00"),
    ],
)
def test_round_to_cldr_minor_units_half_up(amount: str, currency: str, expected: str) -> None:
    rounded = Money.of(amount, currency).round()
    assert str(rounded.amount) == expected
    assert rounded.currency == currency
    assert rounded.is_rounded()


@pytest.mark.parametrize(
    ("rounding", "expected"),
    [(ROUND_HALF_EVEN, "2.66"), (ROUND_DOWN, "2.66"), ("ROUND_UP", "2.67")],
)
def test_round_accepts_other_decimal_modes(rounding: str, expected: str) -> None:
    assert str(Money.of("2.665", "EUR").round(rounding).amount) == expected


def test_round_refuses_an_unknown_mode() -> None:
    with pytest.raises(
        ValidationError, match=r"^rounding: 'HALF_UP' is not a decimal rounding mode"
    ):
        Money.of("2.665", "EUR").round("HALF_UP")


def test_is_rounded() -> None:
    assert Money.of("1.50", "EUR").is_rounded()
    assert Money.of("1.5", "EUR").is_rounded()
    assert Money.of("1.500", "EUR").is_rounded()
    assert not Money.of("1.505", "EUR").is_rounded()
    assert not Money.of("0.5", "JPY").is_rounded()
    assert Money.of("1E+3", "JPY").is_rounded()


# -- allocation -------------------------------------------------------------------------------


def _amounts(parts: tuple[Money, ...]) -> list[str]:
    return [str(part.amount) for part in parts]


@pytest.mark.parametrize(
    ("amount", "currency", "weights", "expected"),
    [
        # Fowler, Patterns of Enterprise Application Architecture, "Money": 0.05 split 70/30.
        ("0.05", "EUR", [3, 7], ["0.02", "0.03"]),
        ("100", "EUR", [1, 1, 1], ["33.34", "33.33", "33.33"]),
        ("100.00", "EUR", [0, 1, 0], ["0.00", "100.00", "0.00"]),
        ("0.01", "EUR", [1, 0, 1], ["0.01", "0.00", "0.00"]),  # tie: the earlier part wins
        ("10.00", "EUR", [0, 2, 0, 1], ["0.00", "6.67", "0.00", "3.33"]),
        ("123.45", "EUR", [5], ["123.45"]),
        ("-100", "EUR", [1, 1, 1], ["-33.34", "-33.33", "-33.33"]),
        ("-10", "JPY", [1, 1, 1], ["-4", "-3", "-3"]),
        ("100", "JPY", [1, 1, 1], ["34", "33", "33"]),
        ("1", "JPY", [1, 1, 1], ["1", "0", "0"]),
        ("10", "BHD", [1, 2], ["3.333", "6.667"]),
        ("0.005", "EUR", [1, 1], ["0.003", "0.002"]),  # finer than a cent: split in 0.001s
        ("10.001", "EUR", [1, 1], ["5.001", "5.000"]),
        ("0.5", "JPY", [1, 1, 1], ["0.2", "0.2", "0.1"]),
        ("100", "EUR", ["0.5", "0.25", "0.25"], ["50.00", "25.00", "25.00"]),
        ("100", "EUR", [Decimal("0.1"), Decimal("0.2")], ["33.33", "66.67"]),
        ("0", "EUR", [1, 2], ["0.00", "0.00"]),
    ],
)
def test_allocate_examples(
    amount: str, currency: str, weights: list[Decimal | int | str], expected: list[str]
) -> None:
    money = Money.of(amount, currency)
    parts = money.allocate(weights)
    assert isinstance(parts, tuple)
    assert _amounts(parts) == expected
    assert all(part.currency == currency for part in parts)
    assert sum((part.amount for part in parts), Decimal(0)) == money.amount


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ([], r"^weights: need at least one weight, got an empty sequence$"),
        ([0, 0], r"^weights: must not all be zero, got \[0, 0\]$"),
        ([1, -1], r"^weights\[1\]: must be >= 0, got -1$"),
        ([1, "-0.5"], r"^weights\[1\]: must be >= 0, got -0\.5$"),
        ([1.5, 2], r"^weights\[0\]: float 1\.5 is not exact"),
        ([1, True], r"^weights\[1\]: expected a number, got bool True$"),
        ([1, "x"], r"^weights\[1\]: 'x' is not a number"),
        (["NaN"], r"^weights\[0\]: 'NaN' is not a finite number$"),
        ([None], r"^weights\[0\]: expected a Decimal, an int or a numeric string"),
    ],
)
def test_allocate_refuses_bad_weights(weights: list[object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Money.of(100, "EUR").allocate(weights)  # type: ignore[arg-type]


# -- formatting -------------------------------------------------------------------------------

# The separators, symbols and their places are CLDR data, which changes between babel
# releases (fr_CH grouped with a narrow no-break space until CLDR 47, with an apostrophe
# in CLDR 48). What credkit decides is the amount it hands babel (rounded half away from
# zero to the currency's minor units, or every decimal) and the locale and currency: the
# tests compare with babel's own answer for the installed release for that amount, and
# check the digits and the sign, which no CLDR release changes.


def _babel(amount: str, currency: str, locale: str) -> str:
    """What the installed babel shows for exactly ``amount`` (no rounding of its own)."""
    return babel.numbers.format_currency(
        Decimal(amount), currency, locale=locale, decimal_quantization=False
    )


def _digits(text: str) -> str:
    return "".join(char for char in text if char.isdigit())


@pytest.mark.parametrize(
    ("amount", "currency", "locale", "shown"),
    [
        ("1234.5", "EUR", "de_DE", "1234.50"),
        ("-1234.5", "EUR", "de_DE", "-1234.50"),
        ("1234.5", "USD", "en_US", "1234.50"),
        ("1234.5", "EUR", "en_US", "1234.50"),
        ("1234.5", "JPY", "ja_JP", "1235"),
        ("1234.5", "CHF", "fr_CH", "1234.50"),
        ("1234.5", "EUR", "fr_CH", "1234.50"),
        ("1234.5678", "BHD", "en_US", "1234.568"),
        ("-0.005", "EUR", "de_CH", "-0.01"),
    ],
)
def test_format_for_locales(amount: str, currency: str, locale: str, shown: str) -> None:
    text = Money.of(amount, currency).format(locale)
    assert text == _babel(shown, currency, locale)
    assert _digits(text) == _digits(shown)
    assert any(minus in text for minus in "-\u2212") == shown.startswith("-")


def test_format_hands_babel_the_locale() -> None:
    money = Money.of("1234.5", "EUR")
    shown = {locale: money.format(locale) for locale in ["de_DE", "en_US", "fr_CH", "ja_JP"]}
    assert len(set(shown.values())) > 1  # the locale reached babel, not a fixed default
    assert all(text == _babel("1234.50", "EUR", locale) for locale, text in shown.items())


def test_format_rounds_the_way_round_does() -> None:
    # babel alone would round half to even (2.66); the shown amount must match round().
    assert Money.of("2.665", "EUR").format("en_US") == _babel("2.67", "EUR", "en_US")
    assert _babel("2.665", "EUR", "en_US") != _babel("2.67", "EUR", "en_US")
    assert Money.of("-0.001", "EUR").format("en_US") == _babel("0.00", "EUR", "en_US")


def test_format_unrounded_shows_every_decimal() -> None:
    for amount, currency, locale, digits in [
        ("1234.567", "EUR", "de_DE", "1234567"),
        ("1234.5", "JPY", "ja_JP", "12345"),
        ("1234.5", "EUR", "de_DE", "123450"),
    ]:
        text = Money.of(amount, currency).format(locale, rounded=False)
        assert text == _babel(amount, currency, locale)
        assert _digits(text) == digits


def test_format_defaults_to_en_us() -> None:
    assert Money.of("1234.5", "USD").format() == Money.of("1234.5", "USD").format("en_US")


@pytest.mark.parametrize("locale", ["xx_YY", "not a locale", "de-DE-x-nonsense", ""])
def test_format_refuses_unknown_locales(locale: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Money.of(1, "EUR").format(locale)
    message = str(caught.value)
    assert message.startswith("locale: ")
    assert repr(locale) in message
    assert "'en_US'" in message


# -- properties ---------------------------------------------------------------------------------


@given(money=amounts(), weights=weights_lists)
def test_allocate_sums_exactly_to_the_amount(money: Money, weights: list[int | Decimal]) -> None:
    parts = money.allocate(weights)
    assert len(parts) == len(weights)
    assert all(part.currency == money.currency for part in parts)
    assert sum((part.amount for part in parts), Decimal(0)) == money.amount


@given(money=amounts(), weights=weights_lists)
def test_allocate_parts_are_within_one_minor_unit_of_their_share(
    money: Money, weights: list[int | Decimal]
) -> None:
    parts = money.allocate(weights)
    total = sum(Fraction(w) for w in weights)
    minor_unit = Fraction(1, 10**money.minor_units)
    for part, weight in zip(parts, weights, strict=True):
        share = Fraction(money.amount) * Fraction(weight) / total
        assert abs(Fraction(part.amount) - share) < minor_unit
        if weight == 0:
            assert part.is_zero


@given(data=st.data(), weights=weights_lists)
def test_allocate_gives_whole_minor_units_for_a_rounded_amount(
    data: st.DataObject, weights: list[int | Decimal]
) -> None:
    currency = data.draw(st.sampled_from(CURRENCIES))
    money = data.draw(rounded_amounts(currency))
    assert all(part.is_rounded() for part in money.allocate(weights))


@given(money=amounts(), weights=weights_lists)
def test_allocating_a_negated_amount_negates_the_parts(
    money: Money, weights: list[int | Decimal]
) -> None:
    assert (-money).allocate(weights) == tuple(-part for part in money.allocate(weights))


@given(data=st.data())
def test_adding_then_subtracting_gives_back_the_amount(data: st.DataObject) -> None:
    a = data.draw(amounts())
    b = data.draw(amounts().map(lambda m: Money(m.amount, a.currency)))
    assert a + b - b == a
    assert a + b == b + a


@given(data=st.data())
def test_ordering_agrees_with_the_amounts(data: st.DataObject) -> None:
    a = data.draw(amounts())
    b = data.draw(amounts().map(lambda m: Money(m.amount, a.currency)))
    assert (a < b) == (a.amount < b.amount)
    assert (a <= b) == (a.amount <= b.amount)
    assert (a > b) == (a.amount > b.amount)
    assert (a >= b) == (a.amount >= b.amount)
    assert (a == b) == (a.amount == b.amount)
    assert (a < b) + (a == b) + (a > b) == 1


@given(data=st.data())
def test_mixed_currency_ordering_always_raises(data: st.DataObject) -> None:
    a = data.draw(amounts())
    other = data.draw(st.sampled_from([c for c in CURRENCIES if c != a.currency]))
    b = Money(a.amount, other)
    with pytest.raises(CurrencyMismatchError):
        _ = a < b
    assert a != b


@given(money=amounts())
def test_round_is_idempotent_and_moves_at_most_half_a_minor_unit(money: Money) -> None:
    rounded = money.round()
    assert rounded.round() == rounded
    assert rounded.is_rounded()
    half_unit = Decimal(1).scaleb(-money.minor_units) / 2
    assert abs(rounded.amount - money.amount) <= half_unit
    assert rounded.round(ROUND_HALF_EVEN) == rounded


@given(money=amounts())
def test_round_is_symmetric_around_zero(money: Money) -> None:
    assert (-money).round() == -(money.round())


@given(money=amounts(), factor=st.integers(1, 10**6))
def test_multiplying_then_dividing_gives_back_the_amount(money: Money, factor: int) -> None:
    assert money * factor / factor == money
    if not money.is_zero:
        assert (money * factor) / money == factor


# -- independence from the caller's decimal context ----------------------------------------


def test_arithmetic_and_allocation_ignore_a_low_precision_caller_context() -> None:
    # Found in review: with getcontext().prec = 6, allocate() returned 411523 EUR three
    # times for 1,234,567.89 EUR (1.11 EUR created) and sums were rounded.
    from decimal import localcontext

    amount = Money.of("1234567.89", "EUR")
    with localcontext() as context:
        context.prec = 6
        parts = amount.allocate([1, 1, 1])
        total = parts[0] + parts[1] + parts[2]
        doubled = amount * 2
        rounded = Money.of("1234.565", "EUR").round()
    assert [p.amount for p in parts] == [
        Decimal("411522.63"),
        Decimal("411522.63"),
        Decimal("411522.63"),
    ]
    assert total == amount
    assert doubled.amount == Decimal("2469135.78")
    assert rounded.amount == Decimal("1234.57")


def test_allocation_of_amounts_beyond_28_digits_is_exact() -> None:
    amount = Money.of("1234567890123456789012345678.91", "EUR")
    parts = amount.allocate([1, 1])
    assert parts[0] + parts[1] == amount
    assert [str(p.amount) for p in parts] == [
        "617283945061728394506172839.46",
        "617283945061728394506172839.45",
    ]


@given(
    units=st.integers(min_value=-(10**32) + 1, max_value=10**32 - 1),  # within the bounds
    weights=st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=8).filter(any),
    precision=st.integers(min_value=1, max_value=28),
)
def test_allocate_sums_exactly_under_any_caller_precision(
    units: int, weights: list[int], precision: int
) -> None:
    from decimal import localcontext

    amount = Money(Decimal(units).scaleb(-2), "EUR")
    with localcontext() as context:
        context.prec = precision
        parts = amount.allocate(weights)
    assert sum(parts, Money.zero("EUR")) == amount
    assert all(part.is_rounded() for part in parts)
