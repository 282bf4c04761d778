"""Statutory late-payment interest: EU Directive 2011/7/EU and the UK Late Payment Act 1998.

Rates used here are published rates, cited where they are set up:

* ECB main refinancing operations (fixed rate) with effect from: 20 September 2023
  4.50 %, 12 June 2024 4.25 %, 18 September 2024 3.65 %, 23 October 2024 3.40 %,
  18 December 2024 3.15 % (ECB, "Key ECB interest rates",
  https://www.ecb.europa.eu/stats/policy_and_exchange_rates/key_ecb_interest_rates/html/index.en.html).
  Cross-checks: the Bank of Finland gives 4.5 % as the reference rate for
  1 January - 30 June 2024 and 12.5 % as the commercial penalty rate (reference +
  8 points); Ireland's Department of Enterprise gives 12.25 % from 1 July 2024
  ("based on the ECB rate as at 1 July 2024 of 4.25 % plus the margin of 8 %",
  https://enterprise.gov.ie/en/faqs/what-is-the-late-payment-interest-rate-1.html);
  the Bundesbank gives 3.15 % for the last main refinancing operation before
  1 January 2025.
* Bank of England Bank Rate with effect from: 15 December 2022 3.50 %, 2 February
  2023 4.00 %, 23 March 2023 4.25 %, 11 May 2023 4.50 %, 22 June 2023 5.00 %,
  3 August 2023 5.25 % (maintained in December 2023), 1 August 2024 5.00 %,
  7 November 2024 4.75 % (Bank of England, "Bank Rate history",
  https://www.bankofengland.co.uk/boeapps/database/Bank-Rate.asp). Cross-check: the
  reference rates for late payment interest published by payontime.co.uk
  (https://payontime.co.uk/how-to-calculate-late-payment-interest-and-compensation):
  1 January - 30 June 2023 3.50 % (11.50 %), 1 July - 31 December 2023 5.00 %
  (13.00 %), 1 January - 30 June 2024 5.25 % (13.25 %).

Legal rules: Directive 2011/7/EU, Art. 2(6) (reference rate + at least 8 points),
the 1 January / 1 July reference dates, Art. 6(1) (EUR 40 per late invoice); UK
Late Payment of Commercial Debts (Rate of Interest) (No. 3) Order 2002 (SI 2002/1675)
art. 4 (8 % over the official dealing rate in force on 30 June / 31 December
immediately before the day interest starts to run) and the 1998 Act s. 5A (fixed
sums of GBP 40 / 70 / 100).
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credkit.dunning import (
    EULatePayment,
    InterestRule,
    RateFixing,
    ReferenceRates,
    UKLatePayment,
    half_year_start,
    late_payment_interest,
    uk_fixed_sum,
)
from credkit.errors import RateNotFoundError, ValidationError
from credkit.money import Money

ECB_MRO = ReferenceRates.from_mapping(
    {
        "2023-09-20": "4.50",
        "2024-06-12": "4.25",
        "2024-09-18": "3.65",
        "2024-10-23": "3.40",
        "2024-12-18": "3.15",
    },
    name="ECB main refinancing rate",
)
BOE_BANK_RATE = ReferenceRates.from_mapping(
    {
        "2022-12-15": "3.50",
        "2023-02-02": "4.00",
        "2023-03-23": "4.25",
        "2023-05-11": "4.50",
        "2023-06-22": "5.00",
        "2023-08-03": "5.25",
        "2024-08-01": "5.00",
        "2024-11-07": "4.75",
    },
    name="Bank Rate",
)
EU = EULatePayment(ECB_MRO)
UK = UKLatePayment(BOE_BANK_RATE)


def test_both_rules_are_interest_rules() -> None:
    assert isinstance(EU, InterestRule)
    assert isinstance(UK, InterestRule)


# -- EU: reference date selection --------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "reference", "percent"),
    [
        (date(2024, 1, 1), date(2024, 1, 1), "12.50"),
        (date(2024, 6, 30), date(2024, 1, 1), "12.50"),  # 4.50 in force on 1 January 2024
        (date(2024, 7, 1), date(2024, 7, 1), "12.25"),  # 4.25 in force on 1 July 2024
        (date(2024, 12, 31), date(2024, 7, 1), "12.25"),
        (date(2025, 1, 1), date(2025, 1, 1), "11.15"),  # 3.15 in force on 1 January 2025
    ],
)
def test_eu_reference_rate_is_the_one_in_force_on_1_january_or_1_july(
    day: date, reference: date, percent: str
) -> None:
    assert EU.reference_date(day) == reference
    assert EU.percent_on(day) == Decimal(percent)


def test_eu_a_rate_change_inside_a_half_year_waits_for_the_next_half_year() -> None:
    # The ECB cut to 3.65 % on 18 September 2024; the statutory rate for the second
    # half of 2024 stays at the 1 July rate.
    assert EU.percent_on(date(2024, 9, 30)) == Decimal("12.25")


def test_eu_worked_example_across_the_1_july_boundary() -> None:
    # EUR 10,000.00 due 31 May 2024, paid 15 August 2024.
    # 1 - 30 June: 30 days at 4.50 + 8 = 12.50 %: 10,000 x 12.50 % x 30 / 365 = 102.7397...
    # 1 July - 15 August: 46 days at 4.25 + 8 = 12.25 %: 10,000 x 12.25 % x 46 / 365 = 154.3835...
    # total 257.1232... -> 257.12, plus EUR 40 fixed compensation (Art. 6(1)).
    calc = late_payment_interest(
        Money.of("10000.00", "EUR"), due_date=date(2024, 5, 31), as_of=date(2024, 8, 15), rule=EU
    )
    assert [(p.first_day, p.days, p.percent) for p in calc.periods] == [
        (date(2024, 6, 1), 30, Decimal("12.50")),
        (date(2024, 7, 1), 46, Decimal("12.25")),
    ]
    assert calc.interest == Money.of("257.12", "EUR")
    assert calc.compensation == Money.of(40, "EUR")
    assert "on 2024-07-01 (4.25 %)" in calc.periods[1].basis


def test_eu_at_start_fixing_keeps_one_rate_for_the_whole_debt() -> None:
    rule = EULatePayment(ECB_MRO, fixing=RateFixing.AT_START)
    calc = late_payment_interest(
        Money.of("10000.00", "EUR"), due_date=date(2024, 5, 31), as_of=date(2024, 8, 15), rule=rule
    )
    assert [p.percent for p in calc.periods] == [Decimal("12.50")]
    assert calc.interest == Money.of("260.27", "EUR")  # 10,000 x 12.50 % x 76 / 365


def test_eu_margin_and_compensation_are_configurable_and_checked() -> None:
    rule = EULatePayment(ECB_MRO, margin="9", fixed_compensation=Money.of(300, "DKK"))
    assert rule.percent_on(date(2024, 3, 1)) == Decimal("13.50")
    assert rule.compensation(Money.of(1, "DKK")) == Money.of(300, "DKK")
    with pytest.raises(ValidationError, match=r"^margin: must be >= 0"):
        EULatePayment(ECB_MRO, margin=-1)
    with pytest.raises(ValidationError, match=r"^rates: expected ReferenceRates"):
        EULatePayment({"2024-01-01": "4.5"})  # type: ignore[arg-type]


def test_eu_a_missing_rate_raises_rather_than_guesses() -> None:
    with pytest.raises(RateNotFoundError, match="2023-07-01"):
        EU.percent_on(date(2023, 7, 1))  # the table starts on 20 September 2023


# -- UK: reference date selection --------------------------------------------------------------


@pytest.mark.parametrize(
    ("first_day", "reference", "percent"),
    [
        (date(2023, 6, 30), date(2022, 12, 31), "11.50"),  # 3.50 on 31 December 2022
        (date(2023, 7, 1), date(2023, 6, 30), "13.00"),  # 5.00 on 30 June 2023
        (date(2023, 12, 31), date(2023, 6, 30), "13.00"),
        (date(2024, 1, 1), date(2023, 12, 31), "13.25"),  # 5.25 on 31 December 2023
        (date(2024, 12, 31), date(2024, 6, 30), "13.25"),  # 5.25 on 30 June 2024
        (date(2025, 1, 1), date(2024, 12, 31), "12.75"),  # 4.75 on 31 December 2024
    ],
)
def test_uk_reference_rate_is_the_one_on_31_december_or_30_june_before(
    first_day: date, reference: date, percent: str
) -> None:
    assert UK.reference_date(first_day) == reference
    assert UK.percent_on(first_day) == Decimal(percent)


def test_uk_interest_starts_the_day_after_the_due_date_and_its_rate_stays_fixed() -> None:
    # Due 30 June 2023: interest starts 1 July 2023, so the 30 June 2023 rate applies
    # (5.00 + 8 = 13.00 %), for the whole debt, even across 1 January 2024.
    calc = late_payment_interest(
        Money.of("1000.00", "GBP"), due_date=date(2023, 6, 30), as_of=date(2024, 3, 1), rule=UK
    )
    assert [p.percent for p in calc.periods] == [Decimal("13.00")]
    # Due 29 June 2023: interest starts on 30 June 2023, in the first half-year.
    earlier = late_payment_interest(
        Money.of("1000.00", "GBP"), due_date=date(2023, 6, 29), as_of=date(2023, 7, 10), rule=UK
    )
    assert [p.percent for p in earlier.periods] == [Decimal("11.50")]


def test_uk_worked_example() -> None:
    # GBP 5,000.00 due 31 December 2023, paid 30 March 2024: interest starts 1 January
    # 2024 at 5.25 + 8 = 13.25 % for 31 + 29 + 30 = 90 days:
    # 5,000 x 13.25 % x 90 / 365 = 163.356... -> 163.36; fixed sum GBP 70 (s. 5A(2)(b)).
    calc = late_payment_interest(
        Money.of("5000.00", "GBP"), due_date=date(2023, 12, 31), as_of=date(2024, 3, 30), rule=UK
    )
    assert calc.days == 90
    assert calc.interest == Money.of("163.36", "GBP")
    assert calc.compensation == Money.of(70, "GBP")


def test_uk_per_half_year_reading_is_available_but_not_the_default() -> None:
    rule = UKLatePayment(BOE_BANK_RATE, fixing=RateFixing.PER_HALF_YEAR)
    calc = late_payment_interest(
        Money.of("1000.00", "GBP"), due_date=date(2023, 6, 30), as_of=date(2024, 3, 1), rule=rule
    )
    assert [p.percent for p in calc.periods] == [Decimal("13.00"), Decimal("13.25")]


# -- UK fixed sums at their exact boundaries ----------------------------------------------------


@pytest.mark.parametrize(
    ("debt", "fixed"),
    [
        ("0.01", 40),
        ("999.99", 40),
        ("1000.00", 70),
        ("9999.99", 70),
        ("10000.00", 100),
        ("250000.00", 100),
    ],
)
def test_uk_fixed_sums_at_their_boundaries(debt: str, fixed: int) -> None:
    # s. 5A(2): less than GBP 1,000 -> 40; 1,000 or more but less than 10,000 -> 70;
    # 10,000 or more -> 100 (also gov.uk / mygov.scot "Claim debt recovery costs on
    # late payments": "Up to £999.99 - £40; £1,000 to £9,999.99 - £70; £10,000 or more - £100").
    assert uk_fixed_sum(Money.of(debt, "GBP")) == Money.of(fixed, "GBP")
    assert UK.compensation(Money.of(debt, "GBP")) == Money.of(fixed, "GBP")


def test_uk_fixed_sum_refuses_other_currencies_and_negative_debts() -> None:
    with pytest.raises(ValidationError, match=r"^debt: the UK Act's fixed sums are in GBP"):
        uk_fixed_sum(Money.of(500, "EUR"))
    with pytest.raises(ValidationError, match=r"^debt: must not be negative"):
        uk_fixed_sum(Money.of(-5, "GBP"))


def test_eu_fixed_compensation_is_40_euro_whatever_the_size() -> None:
    for debt in ("0.01", "39.99", "40.00", "1000000.00"):
        assert EU.compensation(Money.of(debt, "EUR")) == Money.of(40, "EUR")


def test_eu_fixed_compensation_is_in_the_debts_currency_or_refused() -> None:
    # Reviewer finding: a USD debt was given EUR 40 as its compensation.
    with pytest.raises(
        ValidationError,
        match=r"^debt: no fixed compensation is configured in USD \(only in EUR\); give "
        r"EULatePayment\(fixed_compensation=\[\.\.\.\]\) the sum national law sets in USD$",
    ):
        EU.compensation(Money.of(100, "USD"))
    with pytest.raises(ValidationError, match=r"^debt: no fixed compensation is configured in USD"):
        late_payment_interest(
            Money.of("1000.00", "USD"), due_date=date(2024, 5, 31), as_of=date(2024, 6, 30), rule=EU
        )
    # Nothing late, nothing to compensate: no error.
    on_time = late_payment_interest(
        Money.of("1000.00", "USD"), due_date=date(2024, 5, 31), as_of=date(2024, 5, 31), rule=EU
    )
    assert on_time.compensation is None
    both = EULatePayment(ECB_MRO, fixed_compensation=[Money.of(40, "EUR"), Money.of(300, "DKK")])
    assert both.fixed_compensation == (Money.of(40, "EUR"), Money.of(300, "DKK"))
    assert both.compensation(Money.of(5, "DKK")) == Money.of(300, "DKK")
    assert both.compensation(Money.of(5, "EUR")) == Money.of(40, "EUR")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ([], r"^fixed_compensation: expected Money or a list of Money"),
        ("40 EUR", r"^fixed_compensation: expected Money or a list of Money"),
        ([Money.of(40, "EUR"), 40], r"^fixed_compensation\[1\]: expected Money"),
        ([Money.of(-1, "EUR")], r"^fixed_compensation\[0\]: must be >= 0"),
        (
            [Money.of(40, "EUR"), Money.of(41, "EUR")],
            r"^fixed_compensation\[1\]: a second sum in EUR",
        ),
    ],
)
def test_eu_fixed_compensation_configuration_is_checked(value: object, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        EULatePayment(ECB_MRO, fixed_compensation=value)  # type: ignore[arg-type]


# -- properties -------------------------------------------------------------------------------

days = st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31))


@given(days)
def test_half_year_start_is_on_or_before_and_within_six_months(day: date) -> None:
    start = half_year_start(day)
    assert start <= day
    assert (start.month, start.day) in ((1, 1), (7, 1))
    assert (day - start).days < 184


@given(
    st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 31)),
    st.integers(min_value=1, max_value=900),
)
def test_eu_periods_cover_every_late_day_exactly_once(first: date, length: int) -> None:
    last = first + timedelta(days=length - 1)
    periods = EU.rate_periods(first, last)
    assert periods[0].first_day == first
    assert periods[-1].last_day == last
    assert sum(p.days for p in periods) == length
    for before, after in itertools.pairwise(periods):
        assert after.first_day == before.last_day + timedelta(days=1)
        assert (after.first_day.month, after.first_day.day) in ((1, 1), (7, 1))
