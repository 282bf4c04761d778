"""Tests for credkit.fx: dated rates, inverse and cross rates, conversion."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import ROUND_HALF_EVEN, Context, Decimal, localcontext

import attrs
import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from credkit.errors import ConfigError, RateNotFoundError, ValidationError
from credkit.fx import RATE_PRECISION, Rate, RateSource, RateTable, convert
from credkit.money import Money, minor_units

D = Decimal
date = datetime.date

# -- published worked example -------------------------------------------------------------
#
# Euro foreign exchange reference rates published by the ECB, as reproduced in the
# Official Journal of the European Union ("Source: reference exchange rate published
# by the ECB"), 1 euro = ... :
#
# * 2 May 2019, OJ C 151, 3.5.2019, p. 3 (2019/C 151/04):
#   USD 1.1212, JPY 125.01, GBP 0.85930, CHF 1.1419
# * 1 October 2019, OJ C 331, 2.10.2019, p. 5 (2019/C 331/05):
#   USD 1.0898, JPY 118.00, GBP 0.88955, CHF 1.0906

ECB_2019 = {
    "2019-05-02": {"USD": "1.1212", "JPY": "125.01", "GBP": "0.85930", "CHF": "1.1419"},
    "2019-10-01": {"USD": "1.0898", "JPY": "118.00", "GBP": "0.88955", "CHF": "1.0906"},
}


@pytest.fixture
def ecb() -> RateTable:
    return RateTable.from_mapping(ECB_2019, base="EUR")


def test_ecb_direct_rate_converts_euro_amounts(ecb: RateTable) -> None:
    on = date(2019, 10, 1)
    # 1000.00 x 1.0898 = 1089.80
    assert convert(Money.of("1000.00", "EUR"), "USD", on=on, rates=ecb) == Money.of(
        "1089.80", "USD"
    )
    # 100 x 118.00 = 11800 yen; JPY has no minor unit
    result = convert(Money.of("100", "EUR"), "JPY", on=on, rates=ecb)
    assert result == Money.of("11800", "JPY")
    assert result.amount.as_tuple().exponent == 0


def test_ecb_inverse_rate(ecb: RateTable) -> None:
    on = date(2019, 10, 1)
    # 1 / 1.0898 = 0.91759955955221141493852082951..., kept to 28 significant digits
    assert ecb.rate("USD", "EUR", on) == D("0.9175995595522114149385208295")
    # 1,000,000 / 118.00 = 8474.5762711... -> 8474.58
    assert convert(Money.of(1_000_000, "JPY"), "EUR", on=on, rates=ecb) == Money.of(
        "8474.58", "EUR"
    )
    # 1089.80 / 1.0898 = 1000 (the inverse is rounded at the 28th digit, the result is not off)
    assert convert(Money.of("1089.80", "USD"), "EUR", on=on, rates=ecb) == Money.of(
        "1000.00", "EUR"
    )


def test_ecb_cross_rate_through_the_euro(ecb: RateTable) -> None:
    on = date(2019, 10, 1)
    # USD -> GBP = 0.88955 / 1.0898 = 0.81625068819966966...
    # 10,000.00 USD x 0.81625068819... = 8162.5068819... -> 8162.51 GBP
    # check: 8162.51 x 1.0898 = 8895.5034 EUR-equivalent vs 10,000 x 0.88955 = 8895.50
    assert convert(Money.of("10000.00", "USD"), "GBP", on=on, rates=ecb) == Money.of(
        "8162.51", "GBP"
    )
    # CHF -> GBP: 5000 / 1.0906 x 0.88955 = 4078.2596... -> 4078.26
    assert convert(Money.of("5000.00", "CHF"), "GBP", on=on, rates=ecb) == Money.of(
        "4078.26", "GBP"
    )


def test_ecb_later_publication_supersedes_and_credit_note_keeps_its_sign(ecb: RateTable) -> None:
    credit_note = Money.of("-2500.00", "EUR")
    # still the 2 May rate the day before the October publication: -2500 x 1.1212 = -2803.00
    assert convert(credit_note, "USD", on=date(2019, 9, 30), rates=ecb) == Money.of(
        "-2803.00", "USD"
    )
    # from 1 October: -2500 x 1.0898 = -2724.50
    assert convert(credit_note, "USD", on=date(2019, 10, 1), rates=ecb) == Money.of(
        "-2724.50", "USD"
    )


def test_ecb_before_the_first_publication_is_an_error_not_a_guess(ecb: RateTable) -> None:
    with pytest.raises(RateNotFoundError) as info:
        ecb.rate("EUR", "USD", date(2019, 5, 1))
    message = str(info.value)
    assert "EUR/USD" in message
    assert "2019-05-01" in message
    assert "valid from 2019-05-02" in message
    with pytest.raises(RateNotFoundError, match=r"GBP/JPY.*2019-04-30.*valid from 2019-05-02"):
        convert(Money.of("1.00", "GBP"), "JPY", on=date(2019, 4, 30), rates=ecb)


# -- date boundaries ------------------------------------------------------------------------


def _table(*rates: tuple[str, str, datetime.date, str], pivot: str | None = None) -> RateTable:
    return RateTable(tuple(Rate(b, q, d, r) for b, q, d, r in rates), pivot=pivot)


def test_rate_valid_from_the_second_is_not_in_force_on_the_first() -> None:
    table = _table(("EUR", "USD", date(2026, 1, 2), "1.0350"))
    with pytest.raises(RateNotFoundError, match="no EUR/USD rate in force on 2026-01-01"):
        table.rate("EUR", "USD", date(2026, 1, 1))
    assert table.rate("EUR", "USD", date(2026, 1, 2)) == D("1.0350")


def test_later_rate_supersedes_from_its_own_date() -> None:
    table = _table(
        ("EUR", "USD", date(2026, 1, 2), "1.0350"),
        ("EUR", "USD", date(2026, 2, 1), "1.0400"),
    )
    assert table.rate("EUR", "USD", date(2026, 1, 31)) == D("1.0350")
    assert table.rate("EUR", "USD", date(2026, 2, 1)) == D("1.0400")
    assert table.rate("EUR", "USD", date(2030, 1, 1)) == D("1.0400")


def test_order_of_rates_in_the_table_does_not_matter() -> None:
    rates = (
        ("EUR", "USD", date(2026, 2, 1), "1.0400"),
        ("EUR", "USD", date(2026, 1, 2), "1.0350"),
    )
    assert _table(*rates).rate("EUR", "USD", date(2026, 1, 15)) == D("1.0350")
    assert _table(*reversed(rates)).rate("EUR", "USD", date(2026, 1, 15)) == D("1.0350")


# -- lookup order -----------------------------------------------------------------------------


def test_same_currency_is_one_even_in_an_empty_table() -> None:
    assert RateTable(()).rate("EUR", "EUR", date(2026, 1, 1)) == D(1)


def test_direct_pair_wins_over_a_more_recent_reverse_pair() -> None:
    table = _table(
        ("EUR", "USD", date(2026, 1, 1), "1.25"),
        ("USD", "EUR", date(2026, 3, 1), "0.5"),
    )
    assert table.rate("EUR", "USD", date(2026, 3, 1)) == D("1.25")
    assert table.rate("USD", "EUR", date(2026, 3, 1)) == D("0.5")
    # before the reverse pair is in force, USD/EUR falls back to inverting EUR/USD
    assert table.rate("USD", "EUR", date(2026, 2, 1)) == D("0.8")


def test_cross_rate_only_when_neither_direction_is_in_force() -> None:
    table = _table(
        ("EUR", "USD", date(2026, 1, 1), "2"),
        ("EUR", "GBP", date(2026, 1, 1), "0.5"),
        ("USD", "GBP", date(2026, 2, 1), "0.3"),
        pivot="EUR",
    )
    # before 1 February: USD -> EUR -> GBP = 0.5 x 0.5
    assert table.rate("USD", "GBP", date(2026, 1, 31)) == D("0.25")
    assert table.rate("GBP", "USD", date(2026, 1, 31)) == D("4")
    # from 1 February the direct pair is used
    assert table.rate("USD", "GBP", date(2026, 2, 1)) == D("0.3")


def test_cross_legs_may_each_be_direct_or_inverse() -> None:
    table = _table(
        ("USD", "EUR", date(2026, 1, 1), "0.8"),
        ("EUR", "JPY", date(2026, 1, 1), "160"),
        ("CHF", "EUR", date(2026, 1, 1), "1.25"),
        pivot="EUR",
    )
    assert table.rate("USD", "JPY", date(2026, 1, 1)) == D("128.0")  # direct x direct
    assert table.rate("JPY", "CHF", date(2026, 1, 1)) == D("0.005")  # inverse x inverse
    assert table.rate("USD", "CHF", date(2026, 1, 1)) == D("0.64")  # direct x inverse


def test_no_cross_rate_without_a_pivot() -> None:
    table = _table(("EUR", "USD", date(2026, 1, 1), "2"), ("EUR", "GBP", date(2026, 1, 1), "0.5"))
    with pytest.raises(RateNotFoundError, match="no pivot"):
        table.rate("USD", "GBP", date(2026, 1, 1))
    assert attrs.evolve(table, pivot="EUR").rate("USD", "GBP", date(2026, 1, 1)) == D("0.25")


def test_cross_rate_needs_both_legs_in_force() -> None:
    table = _table(
        ("EUR", "USD", date(2026, 1, 1), "2"),
        ("EUR", "GBP", date(2026, 3, 1), "0.5"),
        pivot="EUR",
    )
    with pytest.raises(RateNotFoundError) as info:
        table.rate("USD", "GBP", date(2026, 2, 1))
    # the cross route opens when its later leg starts
    assert "valid from 2026-03-01" in str(info.value)
    assert table.rate("USD", "GBP", date(2026, 3, 1)) == D("0.25")


def test_unknown_pair_error_names_the_pair_date_and_routes() -> None:
    table = _table(("EUR", "USD", date(2026, 1, 1), "2"), pivot="EUR")
    with pytest.raises(RateNotFoundError) as info:
        table.rate("CHF", "USD", date(2026, 6, 30))
    message = str(info.value)
    assert message.startswith("no CHF/USD rate in force on 2026-06-30")
    assert "no rate for CHF/USD directly, inverted or through the pivot EUR" in message
    assert isinstance(info.value, LookupError)


def test_missing_rate_propagates_from_convert_and_nothing_is_guessed() -> None:
    table = _table(("EUR", "USD", date(2026, 1, 2), "2"))
    with pytest.raises(RateNotFoundError):
        convert(Money.of("10.00", "EUR"), "USD", on=date(2026, 1, 1), rates=table)
    with pytest.raises(RateNotFoundError):
        convert(Money.of("10.00", "EUR"), "GBP", on=date(2026, 1, 2), rates=table)


# -- validation ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("EUR", "USD", date(2026, 1, 1), "0"), "rate: must be > 0, got 0"),
        (("EUR", "USD", date(2026, 1, 1), "-1.2"), "rate: must be > 0, got -1.2"),
        (("EUR", "USD", date(2026, 1, 1), 1.2), "rate: float 1.2 is not exact"),
        (("EUR", "USD", date(2026, 1, 1), "1,2"), "rate: '1,2' is not a number"),
        (("EUR", "USD", date(2026, 1, 1), "NaN"), "rate: 'NaN' is not a finite number"),
        (("eur", "USD", date(2026, 1, 1), "1"), "base: 'eur' is not an ISO 4217 code"),
        (("EUR", "XYZ", date(2026, 1, 1), "1"), "quote: 'XYZ' is not an ISO 4217 code"),
        (("EUR", None, date(2026, 1, 1), "1"), "quote: expected an ISO 4217 code"),
        (("EUR", "EUR", date(2026, 1, 1), "1"), "quote: must differ from base"),
        (("EUR", "USD", "2026-01-01", "1"), "valid_from: expected a datetime.date"),
        (
            ("EUR", "USD", datetime.datetime(2026, 1, 1, 12), "1"),
            "valid_from: expected a datetime.date",
        ),
    ],
)
def test_rate_refuses_bad_values(args: tuple[object, ...], message: str) -> None:
    with pytest.raises(ValidationError) as info:
        Rate(*args)  # type: ignore[arg-type]
    assert str(info.value).startswith(message)


def test_conflicting_rates_for_the_same_pair_and_day_are_refused() -> None:
    with pytest.raises(ValidationError) as info:
        _table(
            ("EUR", "USD", date(2026, 1, 1), "1.0350"),
            ("EUR", "GBP", date(2026, 1, 1), "0.83"),
            ("EUR", "USD", date(2026, 1, 1), "1.0351"),
        )
    message = str(info.value)
    assert message.startswith("rates[2]: EUR/USD valid from 2026-01-01 is given twice")
    assert "1.0350 (rates[0])" in message
    assert "1.0351" in message


def test_identical_repeats_are_harmless() -> None:
    table = _table(
        ("EUR", "USD", date(2026, 1, 1), "1.0350"),
        ("EUR", "USD", date(2026, 1, 1), "1.035"),
    )
    assert table.rate("EUR", "USD", date(2026, 1, 1)) == D("1.0350")
    assert len(table.rates) == 2  # kept as given


def test_table_refuses_things_that_are_not_rates() -> None:
    with pytest.raises(ValidationError, match=r"^rates\[1\]: expected a Rate, got dict"):
        RateTable((Rate("EUR", "USD", date(2026, 1, 1), "1"), {"base": "EUR"}))  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=r"^rates: expected a tuple or list"):
        RateTable("EUR/USD")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=r"^pivot: 'eur' is not an ISO 4217 code"):
        RateTable((), pivot="eur")


def test_table_accepts_a_list_and_stores_a_tuple() -> None:
    table = RateTable([Rate("EUR", "USD", date(2026, 1, 1), "1")])
    assert isinstance(table.rates, tuple)
    assert table == RateTable((Rate("EUR", "USD", date(2026, 1, 1), "1"),))
    assert hash(table) == hash(RateTable((Rate("EUR", "USD", date(2026, 1, 1), "1"),)))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("eur", "USD", date(2026, 1, 1)), "base: 'eur'"),
        (("EUR", 1, date(2026, 1, 1)), "quote: expected an ISO 4217 code"),
        (("EUR", "USD", "2026-01-01"), "on: expected a datetime.date"),
        (("EUR", "USD", datetime.datetime(2026, 1, 1)), "on: expected a datetime.date"),
    ],
)
def test_lookup_refuses_bad_arguments(args: tuple[object, ...], message: str) -> None:
    table = _table(("EUR", "USD", date(2026, 1, 1), "2"))
    with pytest.raises(ValidationError) as info:
        table.rate(*args)  # type: ignore[arg-type]
    assert str(info.value).startswith(message)


# -- from_mapping -----------------------------------------------------------------------------


def test_from_mapping_accepts_dates_and_iso_strings_and_pivots_on_the_base() -> None:
    table = RateTable.from_mapping(
        {date(2026, 1, 1): {"USD": D("1.0350")}, "2026-02-01": {"USD": 1, "GBP": "0.83"}},
        base="EUR",
    )
    assert table.pivot == "EUR"
    assert table.rates == (
        Rate("EUR", "USD", date(2026, 1, 1), D("1.0350")),
        Rate("EUR", "USD", date(2026, 2, 1), D(1)),
        Rate("EUR", "GBP", date(2026, 2, 1), D("0.83")),
    )
    assert table.rate("USD", "GBP", date(2026, 2, 1)) == D("0.83")


@pytest.mark.parametrize(
    ("data", "base", "message"),
    [
        ({"2026-13-01": {"USD": "1"}}, "EUR", "data: key '2026-13-01' is not a date"),
        ({20260101: {"USD": "1"}}, "EUR", "data: key 20260101 is not a date"),
        ({"2026-01-01": "USD 1.03"}, "EUR", "data['2026-01-01']: expected a mapping"),
        ({"2026-01-01": {"usd": "1"}}, "EUR", "data['2026-01-01']['usd']: quote: 'usd'"),
        ({"2026-01-01": {"USD": "0"}}, "EUR", "data['2026-01-01']['USD']: rate: must be > 0"),
        ({"2026-01-01": {"EUR": "1"}}, "EUR", "data['2026-01-01']['EUR']: quote: must differ"),
        ({"2026-01-01": {"USD": "1"}}, "XXY", "base: 'XXY' is not an ISO 4217 code"),
        ([("2026-01-01", {"USD": "1"})], "EUR", "data: expected a mapping"),
    ],
)
def test_from_mapping_names_the_bad_entry(data: object, base: str, message: str) -> None:
    with pytest.raises(ValidationError) as info:
        RateTable.from_mapping(data, base=base)  # type: ignore[arg-type]
    assert str(info.value).startswith(message)


# -- convert ------------------------------------------------------------------------------------


class _Fixed:
    """A RateSource answering every question with one value (possibly a wrong one)."""

    def __init__(self, value: object) -> None:
        self.value = value
        self.calls: list[tuple[str, str, datetime.date]] = []

    def rate(self, base: str, quote: str, on: datetime.date) -> Decimal:
        self.calls.append((base, quote, on))
        return self.value  # type: ignore[return-value]


def test_rate_table_and_custom_sources_satisfy_the_protocol() -> None:
    assert isinstance(RateTable(()), RateSource)
    assert isinstance(_Fixed(D(1)), RateSource)
    assert not isinstance(object(), RateSource)


def test_convert_asks_the_source_for_the_pair_and_date() -> None:
    source = _Fixed(D("0.5"))
    assert convert(Money.of("3.00", "EUR"), "USD", on=date(2026, 1, 5), rates=source) == Money.of(
        "1.50", "USD"
    )
    assert source.calls == [("EUR", "USD", date(2026, 1, 5))]


@pytest.mark.parametrize("bad", [1.1, 1, "1.1", D(0), D("-1"), D("NaN"), D("Infinity"), None])
def test_convert_refuses_a_source_that_answers_badly(bad: object) -> None:
    with pytest.raises(ValidationError, match=r"^rates: _Fixed\.rate\('EUR', 'USD', 2026-01-05\)"):
        convert(Money.of("3.00", "EUR"), "USD", on=date(2026, 1, 5), rates=_Fixed(bad))


def test_convert_rounds_half_away_from_zero_once() -> None:
    source = _Fixed(D("0.5"))
    on = date(2026, 1, 1)
    # 0.05 x 0.5 = 0.025 -> 0.03 ; -0.025 -> -0.03 (half away from zero, not to even)
    assert convert(Money.of("0.05", "EUR"), "USD", on=on, rates=source).amount == D("0.03")
    assert convert(Money.of("-0.05", "EUR"), "USD", on=on, rates=source).amount == D("-0.03")
    # BHD has three decimals, JPY none
    assert convert(Money.of("0.01", "EUR"), "BHD", on=on, rates=_Fixed(D("0.4105"))).amount == D(
        "0.004"
    )
    assert convert(Money.of("0.01", "EUR"), "JPY", on=on, rates=_Fixed(D("150"))).amount == D("2")


def test_convert_never_returns_negative_zero() -> None:
    result = convert(Money.of("-0.001", "EUR"), "USD", on=date(2026, 1, 1), rates=_Fixed(D("1.1")))
    assert result.amount == 0
    assert not result.amount.is_signed()


def test_convert_is_exact_for_large_amounts_whatever_the_callers_context() -> None:
    amount = Money.of("123456789012345678901234.56", "EUR")
    rate = D("1.0898")
    with localcontext(Context(prec=5)):
        result = convert(amount, "USD", on=date(2026, 1, 1), rates=_Fixed(rate))
    # integer check: 12345678901234567890123456 x 10898 = 134543208665654320866565423488,
    # i.e. 134543208665654320866565.423488 -> ...565.42
    assert result.amount == D("134543208665654320866565.42")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"money": D("1"), "to": "USD", "on": date(2026, 1, 1)}, "money: expected a Money"),
        ({"money": Money.of(1, "EUR"), "to": "usd", "on": date(2026, 1, 1)}, "to: 'usd'"),
        ({"money": Money.of(1, "EUR"), "to": "USD", "on": "2026-01-01"}, "on: expected"),
    ],
)
def test_convert_refuses_bad_arguments(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError) as info:
        convert(rates=_Fixed(D(1)), **kwargs)  # type: ignore[arg-type]
    assert str(info.value).startswith(message)


@pytest.mark.parametrize("rates", [None, object(), {"EUR/USD": "1.1"}, "ECB"])
@pytest.mark.parametrize("to", ["USD", "EUR"])
def test_convert_refuses_a_rates_argument_that_is_not_a_rate_source(rates: object, to: str) -> None:
    # Reviewer finding: rates=None raised a bare AttributeError.
    with pytest.raises(ValidationError) as info:
        convert(Money.of(1, "EUR"), to, on=date(2026, 1, 1), rates=rates)  # type: ignore[arg-type]
    assert str(info.value).startswith(
        f"rates: expected a credkit.fx.RateSource such as a RateTable, got {type(rates).__name__} "
    )


# -- configuration ------------------------------------------------------------------------------


def test_table_loads_through_the_shared_config_loader() -> None:
    config = pytest.importorskip("credkit.config")
    document = {
        "pivot": "EUR",
        "rates": [
            {"base": "EUR", "quote": "USD", "valid_from": "2019-10-01", "rate": "1.0898"},
            {"base": "EUR", "quote": "GBP", "valid_from": "2019-10-01", "rate": "0.88955"},
        ],
    }
    table = config.load(RateTable, document)
    assert table == RateTable.from_mapping(
        {"2019-10-01": {"USD": "1.0898", "GBP": "0.88955"}}, base="EUR"
    )
    assert table.rate("USD", "GBP", date(2019, 10, 1)) == D("0.8162506881996696641585612039")
    assert config.load(RateTable, config.dump(table)) == table


def test_table_loads_from_toml_with_exact_decimals() -> None:
    config = pytest.importorskip("credkit.config")
    text = """
pivot = "EUR"
[[rates]]
base = "EUR"
quote = "JPY"
valid_from = 2019-10-01
rate = 118.00
"""
    table = config.load(RateTable, text, format="toml")
    assert table.rates[0].rate == D("118.00")
    assert table.rates[0].valid_from == date(2019, 10, 1)


@pytest.mark.parametrize(
    ("rates", "path", "detail"),
    [
        (
            [{"base": "EUR", "quote": "USD", "valid_from": "2019-10-01", "rate": "0"}],
            "rates[0].rate",
            "must be > 0, got 0",
        ),
        (
            [{"base": "EUR", "quote": "usd", "valid_from": "2019-10-01", "rate": "1"}],
            "rates[0].quote",
            "'usd' is not an ISO 4217 code",
        ),
        (
            [{"base": "EUR", "quote": "USD", "valid_from": "1.10.2019", "rate": "1"}],
            "rates[0].valid_from",
            "expected a date as 'YYYY-MM-DD'",
        ),
        (
            [
                {"base": "EUR", "quote": "USD", "valid_from": "2019-10-01", "rate": "1.0898"},
                {"base": "EUR", "quote": "USD", "valid_from": "2019-10-01", "rate": "1.09"},
            ],
            "rates[1]",
            "EUR/USD valid from 2019-10-01 is given twice",
        ),
        (
            [{"base": "EUR", "quote": "USD", "valid_from": "2019-10-01", "rate": "1", "x": 1}],
            "rates[0].x",
            "unknown key",
        ),
    ],
)
def test_config_errors_carry_the_field_path(
    rates: list[dict[str, object]], path: str, detail: str
) -> None:
    config = pytest.importorskip("credkit.config")
    with pytest.raises(ConfigError) as info:
        config.load(RateTable, {"rates": rates})
    assert info.value.path == path
    assert info.value.detail.startswith(detail)


# -- property tests -----------------------------------------------------------------------------

CURRENCIES = ("EUR", "USD", "GBP", "JPY", "BHD", "CHF")
FIRST_DAY = date(2026, 1, 1)

currencies = st.sampled_from(CURRENCIES)
ALL_PAIRS = tuple((a, b) for a in CURRENCIES for b in CURRENCIES if a != b)
pairs = st.sampled_from(ALL_PAIRS)
days = st.dates(min_value=FIRST_DAY, max_value=FIRST_DAY + datetime.timedelta(days=20))
rate_values = st.decimals(
    min_value=D("0.0001"), max_value=D("50000"), places=6, allow_nan=False, allow_infinity=False
).filter(lambda value: value > 0)


@st.composite
def rate_tables(draw: st.DrawFn) -> RateTable:
    """Random tables over a few currencies: pairs in either direction, no conflicts.

    Many pairs touch one "hub" currency (the pivot, when there is one) so that cross
    rates, and their failures when one leg is missing, come up often.
    """
    pivot = draw(st.none() | currencies)
    hub = pivot or draw(currencies)
    around_hub = st.sampled_from([pair for pair in ALL_PAIRS if hub in pair])
    keys = st.tuples(around_hub | pairs, days)
    entries = draw(st.dictionaries(keys, rate_values, min_size=1, max_size=40))
    rates = [Rate(base, quote, day, value) for ((base, quote), day), value in entries.items()]
    return RateTable(tuple(draw(st.permutations(rates))), pivot=pivot)


@st.composite
def lookups(draw: st.DrawFn) -> tuple[RateTable, str, str, date]:
    """A random table and a question about it: a pair (often of currencies the table holds,
    sometimes one currency twice) and a day."""
    table = draw(rate_tables())
    held = sorted({item.base for item in table.rates} | {item.quote for item in table.rates})
    about_table = st.sampled_from([(a, b) for a in held for b in held])
    base, quote = draw(about_table | st.sampled_from(ALL_PAIRS))
    return table, base, quote, draw(days)


@st.composite
def euro_tables(draw: st.DrawFn) -> RateTable:
    """Consistent tables as a central bank publishes them: every currency against the euro."""
    quoted = draw(st.lists(st.sampled_from(CURRENCIES[1:]), min_size=1, unique=True))
    data = {FIRST_DAY: {code: draw(rate_values) for code in quoted}}
    return RateTable.from_mapping(data, base="EUR")


def amounts(currency: str) -> st.SearchStrategy[Money]:
    places = minor_units(currency)
    return st.decimals(
        min_value=D("-1e12"),
        max_value=D("1e12"),
        places=places,
        allow_nan=False,
        allow_infinity=False,
    ).map(lambda value: Money(value, currency))


def _brute_latest(rates: Sequence[Rate], base: str, quote: str, on: date) -> Decimal | None:
    best: Rate | None = None
    for item in rates:
        in_force = item.base == base and item.quote == quote and item.valid_from <= on
        if in_force and (best is None or item.valid_from > best.valid_from):
            best = item
    return None if best is None else best.rate


def _brute_leg(rates: Sequence[Rate], base: str, quote: str, on: date) -> Decimal | None:
    direct = _brute_latest(rates, base, quote, on)
    if direct is not None:
        return direct
    reverse = _brute_latest(rates, quote, base, on)
    if reverse is None:
        return None
    with localcontext(prec=RATE_PRECISION, rounding=ROUND_HALF_EVEN):
        return 1 / reverse


def _brute_rate(table: RateTable, base: str, quote: str, on: date) -> Decimal | None:
    """The documented lookup order, by scanning every rate."""
    if base == quote:
        return D(1)
    found = _brute_leg(table.rates, base, quote, on)
    if found is not None or table.pivot in (None, base, quote):
        return found
    assert table.pivot is not None
    first = _brute_leg(table.rates, base, table.pivot, on)
    second = _brute_leg(table.rates, table.pivot, quote, on)
    if first is None or second is None:
        return None
    with localcontext(prec=RATE_PRECISION, rounding=ROUND_HALF_EVEN):
        return first * second


@given(lookups())
def test_lookup_equals_a_brute_force_scan(lookup: tuple[RateTable, str, str, date]) -> None:
    table, base, quote, on = lookup
    expected = _brute_rate(table, base, quote, on)
    event("found" if expected is not None else "missing")
    if expected is not None:
        assert table.rate(base, quote, on) == expected
        return
    with pytest.raises(RateNotFoundError) as info:
        table.rate(base, quote, on)
    # the error names the earliest date from which the scan finds a rate, if any
    dates = sorted({item.valid_from for item in table.rates})
    earliest = next((d for d in dates if _brute_rate(table, base, quote, d) is not None), None)
    message = str(info.value)
    assert f"{base}/{quote}" in message
    assert str(on) in message
    if earliest is None:
        assert "the table has no rate" in message
    else:
        assert f"valid from {earliest}" in message
        assert earliest > on


@given(euro_tables(), currencies, currencies, st.data())
def test_round_trip_stays_within_the_two_roundings(
    table: RateTable, a: str, b: str, data: st.DataObject
) -> None:
    quoted = {"EUR"} | {item.quote for item in table.rates}
    if a not in quoted or b not in quoted:
        return
    money = data.draw(amounts(a))
    there = convert(money, b, on=FIRST_DAY, rates=table)
    back = convert(there, a, on=FIRST_DAY, rates=table)
    forward = table.rate(a, b, FIRST_DAY)
    backward = table.rate(b, a, FIRST_DAY)
    with localcontext(prec=200):
        half_a = D(1).scaleb(-minor_units(a)) / 2
        half_b = D(1).scaleb(-minor_units(b)) / 2
        bound = half_a + backward * half_b + abs(money.amount) * abs(forward * backward - 1)
        assert abs(back.amount - money.amount) <= bound


@given(euro_tables(), st.data())
def test_cross_rate_equals_the_product_of_its_legs(table: RateTable, data: st.DataObject) -> None:
    quoted = sorted({item.quote for item in table.rates})
    a = data.draw(st.sampled_from(quoted))
    b = data.draw(st.sampled_from(quoted))
    if a == b:
        return
    with localcontext(prec=RATE_PRECISION, rounding=ROUND_HALF_EVEN):
        product = table.rate(a, "EUR", FIRST_DAY) * table.rate("EUR", b, FIRST_DAY)
    assert table.rate(a, b, FIRST_DAY) == product


class _Refusing:
    def rate(self, base: str, quote: str, on: datetime.date) -> Decimal:
        raise AssertionError("a same-currency conversion must not ask for a rate")


@given(currencies.flatmap(amounts), st.integers(min_value=0, max_value=4), days)
def test_converting_to_the_same_currency_is_the_identity(
    money: Money, extra_places: int, on: date
) -> None:
    finer = Money(money.amount.scaleb(-extra_places), money.currency)  # unrounded on purpose
    result = convert(finer, finer.currency, on=on, rates=_Refusing())
    assert result == finer
    assert result.amount.as_tuple() == finer.amount.as_tuple()


@given(currencies.flatmap(amounts), currencies, rate_values)
def test_sign_is_kept_and_rounding_is_symmetric(money: Money, to: str, value: Decimal) -> None:
    source = _Fixed(value)
    positive = convert(money, to, on=FIRST_DAY, rates=source)
    negative = convert(-money, to, on=FIRST_DAY, rates=source)
    assert negative == -positive
    assert positive.is_rounded()
    if money.currency != to:
        assert positive.amount * money.amount >= 0
        with localcontext(prec=200):
            error = abs(positive.amount - money.amount * value)
            assert error <= D(1).scaleb(-minor_units(to)) / 2


@given(rate_tables())
def test_tables_are_values(table: RateTable) -> None:
    rebuilt = RateTable(tuple(table.rates), pivot=table.pivot)
    assert rebuilt == table
    assert hash(rebuilt) == hash(table)
    assert isinstance(table, RateSource)


def test_brute_force_oracle_agrees_with_hand_checked_values() -> None:
    table = _table(
        ("EUR", "USD", date(2026, 1, 2), "2"),
        ("GBP", "EUR", date(2026, 1, 2), "1.25"),
        pivot="EUR",
    )
    assert _brute_rate(table, "EUR", "USD", date(2026, 1, 1)) is None
    assert _brute_rate(table, "USD", "EUR", date(2026, 1, 2)) == D("0.5")
    assert _brute_rate(table, "GBP", "USD", date(2026, 1, 2)) == D("2.5")
    assert _brute_rate(table, "USD", "GBP", date(2026, 1, 2)) == D("0.4")
