"""MoneyTotals: amounts of several currencies kept apart, summed exactly per currency."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credkit.errors import CurrencyMismatchError, ValidationError
from credkit.money import Money, MoneyTotals
from credkit.testing.strategies import money

amounts = st.lists(money(min_value=-1_000_000), max_size=30)


@given(values=amounts)
def test_each_currency_total_is_the_exact_sum_of_its_amounts(values: list[Money]) -> None:
    totals = MoneyTotals.of(values)
    assert totals.currencies == tuple(sorted({m.currency for m in values}))
    for currency in totals.currencies:
        exact = sum((m.amount for m in values if m.currency == currency), Decimal(0))
        # compare as fractions: no rounding of any kind may have happened
        assert totals[currency].amount.as_integer_ratio() == exact.as_integer_ratio()
    assert list(totals) == [totals[c] for c in totals.currencies]


@given(a=amounts, b=amounts)
def test_adding_totals_is_totalling_everything(a: list[Money], b: list[Money]) -> None:
    assert MoneyTotals.of(a) + MoneyTotals.of(b) == MoneyTotals.of(a + b)
    assert MoneyTotals.of(a + b) == MoneyTotals.of(b + a)
    assert (MoneyTotals.of(a) - MoneyTotals.of(a)).nonzero() == MoneyTotals()


@given(values=amounts)
def test_money_sums_within_one_currency(values: list[Money]) -> None:
    euros = [m for m in values if m.currency == "EUR"]
    if euros:
        assert sum(euros) == MoneyTotals.of(euros).only("EUR")


def test_zero_totals_are_kept_until_nonzero_leaves_them_out() -> None:
    totals = MoneyTotals.of([Money.of("5.00", "EUR"), Money.of("-5.00", "EUR"), Money.of(1, "JPY")])
    assert totals.currencies == ("EUR", "JPY")
    assert totals.nonzero().currencies == ("JPY",)
    assert totals["USD"] == Money.zero("USD")


def test_only_refuses_several_currencies_and_names_them() -> None:
    mixed = MoneyTotals.of([Money.of(1, "EUR"), Money.of(1, "USD")])
    with pytest.raises(CurrencyMismatchError, match=r"^totals: .* got EUR, USD; convert"):
        mixed.only()
    with pytest.raises(CurrencyMismatchError, match=r"one currency GBP, got EUR"):
        MoneyTotals.of([Money.of(1, "EUR")]).only("GBP")
    with pytest.raises(ValidationError, match="no currency to give a zero in"):
        MoneyTotals().only()


def test_bad_input_is_refused_with_the_field() -> None:
    with pytest.raises(ValidationError, match=r"^amounts: expected Money values, got Decimal"):
        MoneyTotals.of([Decimal(1)])  # type: ignore[list-item]
    with pytest.raises(ValidationError, match=r"^amounts: expected \(currency, Decimal\) pairs"):
        MoneyTotals((("USD", Decimal(1)), ("EUR", Decimal(1))))
    with pytest.raises(ValidationError, match="cannot add int 5 and Money"):
        _ = 5 + Money.of(1, "EUR")
    with pytest.raises(CurrencyMismatchError):
        sum([Money.of(1, "EUR"), Money.of(1, "USD")])
