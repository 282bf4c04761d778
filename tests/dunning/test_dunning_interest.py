"""Late-payment interest: simple daily interest, rounded once, partial payments, rate tables."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credkit.config import dump, load
from credkit.dunning import (
    DAYS_IN_YEAR,
    FixedRate,
    InterestRule,
    RatePeriod,
    ReferenceRate,
    ReferenceRates,
    invoice_interest,
    late_payment_interest,
)
from credkit.errors import ConfigError, RateNotFoundError, ValidationError
from credkit.ledger import Allocation, CreditNote, Customer, Invoice, Ledger, Payment
from credkit.money import Money

DUE = date(2026, 1, 31)

# -- strategies -------------------------------------------------------------------------------

cents = st.integers(min_value=1, max_value=10**11)
percents = st.decimals(min_value=0, max_value=50, places=2, allow_nan=False, allow_infinity=False)
day_counts = st.integers(min_value=0, max_value=2000)


def eur(units: int) -> Money:
    return Money(Decimal(units).scaleb(-2), "EUR")


@st.composite
def payment_schedules(draw: st.DrawFn, principal_cents: int) -> list[tuple[date, Money]]:
    """Up to four payments (dated around the due date) that never exceed the principal."""
    left = principal_cents
    result = []
    for _ in range(draw(st.integers(0, 4))):
        if left <= 0:
            break
        amount = draw(st.integers(1, left))
        left -= amount
        day = DUE + timedelta(days=draw(st.integers(-10, 400)))
        result.append((day, eur(amount)))
    return result


# -- the formula ------------------------------------------------------------------------------


def test_simple_daily_interest_is_principal_times_rate_over_365_times_days() -> None:
    calc = late_payment_interest(
        Money.of("10000.00", "EUR"),
        due_date=DUE,
        as_of=DUE + timedelta(days=30),
        rule=FixedRate("9.5"),
    )
    # 10,000 x 9.5 % / 365 x 30 = 78.0821917...
    assert calc.interest == Money.of("78.08", "EUR")
    assert calc.days == 30
    assert len(calc.periods) == 1
    assert calc.periods[0].first_day == date(2026, 2, 1)  # the day after the due date
    assert calc.periods[0].last_day == date(2026, 3, 2)


def test_a_full_year_at_8_5_percent_on_1000_is_85() -> None:
    # The UK government's guidance computes annual statutory interest as debt x rate
    # (GBP 1,000 at 8.5 % = GBP 85 a year) and the daily amount as that / 365.
    calc = late_payment_interest(
        Money.of("1000.00", "GBP"),
        due_date=date(2025, 1, 31),
        as_of=date(2026, 1, 31),
        rule=FixedRate("8.5"),
    )
    assert calc.days == DAYS_IN_YEAR
    assert calc.interest == Money.of("85.00", "GBP")


def test_rounding_once_differs_from_rounding_the_daily_amount_first() -> None:
    principal = Money.of("1000.00", "EUR")
    days = 100
    calc = late_payment_interest(
        principal, due_date=DUE, as_of=DUE + timedelta(days=days), rule=FixedRate(8)
    )
    # Exact: 1000 x 8 % / 365 x 100 = 21.9178... -> 21.92.
    assert calc.interest == Money.of("21.92", "EUR")
    # Rounding the daily interest first: 0.2191... -> 0.22, x 100 = 22.00: wrong.
    daily_first = (principal * Decimal("0.08") * (Decimal(1) / 365)).round() * days
    assert daily_first == Money.of("22.00", "EUR")
    assert daily_first != calc.interest


def test_no_interest_on_or_before_the_due_date() -> None:
    for as_of in (DUE - timedelta(days=5), DUE):
        calc = late_payment_interest(
            Money.of(500, "EUR"), due_date=DUE, as_of=as_of, rule=FixedRate(8)
        )
        assert calc.interest == Money.of("0.00", "EUR")
        assert calc.periods == ()
        assert calc.compensation is None


def test_a_partial_payment_reduces_the_principal_from_the_day_after_it() -> None:
    calc = late_payment_interest(
        Money.of("1000.00", "GBP"),
        due_date=DUE,
        as_of=date(2026, 3, 2),
        rule=FixedRate("12.75"),
        payments=[(date(2026, 2, 10), Money.of("600.00", "GBP"))],
    )
    assert [(p.first_day, p.last_day, p.principal) for p in calc.periods] == [
        (date(2026, 2, 1), date(2026, 2, 10), Money.of("1000.00", "GBP")),
        (date(2026, 2, 11), date(2026, 3, 2), Money.of("400.00", "GBP")),
    ]
    # 1000 x 12.75 % x 10 / 365 = 3.4931...; 400 x 12.75 % x 20 / 365 = 2.7945...; sum 6.2876...
    assert calc.interest == Money.of("6.29", "GBP")


def test_interest_stops_on_the_day_the_debt_is_paid_in_full() -> None:
    calc = late_payment_interest(
        Money.of("365.00", "EUR"),
        due_date=DUE,
        as_of=date(2026, 12, 31),
        rule=FixedRate(10),
        payments=[(DUE + timedelta(days=20), Money.of("365.00", "EUR"))],
    )
    assert calc.days == 20
    assert calc.interest == Money.of("2.00", "EUR")  # 365 x 10 % / 365 x 20


def test_payments_before_the_due_date_reduce_the_debt_before_interest_starts() -> None:
    calc = late_payment_interest(
        Money.of("1000.00", "EUR"),
        due_date=DUE,
        as_of=DUE + timedelta(days=73),
        rule=FixedRate(10),
        payments=[(DUE, Money.of("500.00", "EUR"))],
    )
    assert calc.debt == Money.of("500.00", "EUR")
    assert calc.interest == Money.of("10.00", "EUR")  # 500 x 10 % x 73 / 365


def test_invoice_interest_uses_the_allocations_of_payments_and_credit_notes() -> None:
    ledger = Ledger(
        customers=[Customer("C1", "Acme Ltd", country="GB", currency="GBP")],
        invoices=[Invoice("I1", "C1", date(2026, 1, 1), DUE, Money.of("1000.00", "GBP"))],
        payments=[Payment("P1", "C1", date(2026, 2, 10), Money.of("500.00", "GBP"))],
        credit_notes=[CreditNote("CN1", "C1", date(2026, 2, 10), Money.of("100.00", "GBP"))],
        allocations=[
            Allocation("P1", "I1", Money.of("500.00", "GBP"), date(2026, 2, 10)),
            Allocation("CN1", "I1", Money.of("100.00", "GBP"), date(2026, 2, 10)),
        ],
    )
    via_ledger = invoice_interest(ledger, "I1", as_of=date(2026, 3, 2), rule=FixedRate("12.75"))
    by_hand = late_payment_interest(
        Money.of("1000.00", "GBP"),
        due_date=DUE,
        as_of=date(2026, 3, 2),
        rule=FixedRate("12.75"),
        payments=[(date(2026, 2, 10), Money.of("600.00", "GBP"))],
    )
    assert via_ledger.interest == by_hand.interest == Money.of("6.29", "GBP")
    # Allocations after the as-of date are ignored.
    earlier = invoice_interest(ledger, "I1", as_of=date(2026, 2, 5), rule=FixedRate("12.75"))
    assert earlier.periods[-1].principal == Money.of("1000.00", "GBP")


def test_invoice_interest_runs_until_the_money_was_received_not_until_it_was_applied() -> None:
    # Reviewer scenario: paid on 30 January (before the due date), applied on 2 March.
    ledger = Ledger(
        customers=[Customer("C1", "Acme Ltd", country="GB", currency="GBP")],
        invoices=[Invoice("I1", "C1", date(2026, 1, 1), DUE, Money.of("10000.00", "GBP"))],
        payments=[Payment("P1", "C1", date(2026, 1, 30), Money.of("10000.00", "GBP"))],
        allocations=[Allocation("P1", "I1", Money.of("10000.00", "GBP"), date(2026, 3, 2))],
    )
    calc = invoice_interest(ledger, "I1", as_of=date(2026, 3, 31), rule=FixedRate(8))
    assert calc.days == 0
    assert calc.interest == Money.of("0.00", "GBP")
    assert calc.debt == Money.of("0.00", "GBP")
    # as_of filters by the effective date: on 29 January nothing had been received yet.
    before = invoice_interest(ledger, "I1", as_of=date(2026, 1, 29), rule=FixedRate(8))
    assert before.debt == Money.of("10000.00", "GBP")


def test_invoice_interest_partial_payment_applied_late_counts_from_receipt() -> None:
    # Received 10 February, applied 20 March; a credit note issued 15 February, applied 1 March.
    ledger = Ledger(
        customers=[Customer("C1", "Acme Ltd", country="GB", currency="GBP")],
        invoices=[Invoice("I1", "C1", date(2026, 1, 1), DUE, Money.of("1000.00", "GBP"))],
        payments=[Payment("P1", "C1", date(2026, 2, 10), Money.of("500.00", "GBP"))],
        credit_notes=[CreditNote("CN1", "C1", date(2026, 2, 15), Money.of("100.00", "GBP"))],
        allocations=[
            Allocation("P1", "I1", Money.of("500.00", "GBP"), date(2026, 3, 20)),
            Allocation("CN1", "I1", Money.of("100.00", "GBP"), date(2026, 3, 1)),
        ],
    )
    via_ledger = invoice_interest(ledger, "I1", as_of=date(2026, 3, 31), rule=FixedRate(10))
    by_hand = late_payment_interest(
        Money.of("1000.00", "GBP"),
        due_date=DUE,
        as_of=date(2026, 3, 31),
        rule=FixedRate(10),
        payments=[
            (date(2026, 2, 10), Money.of("500.00", "GBP")),
            (date(2026, 2, 15), Money.of("100.00", "GBP")),
        ],
    )
    assert via_ledger == by_hand
    assert [p.first_day for p in via_ledger.periods] == [
        date(2026, 2, 1),
        date(2026, 2, 11),
        date(2026, 2, 16),
    ]


def test_invoice_interest_credit_note_issued_before_the_invoice_counts_from_the_invoice() -> None:
    # A credit note older than the invoice cannot reduce a debt that did not yet exist.
    ledger = Ledger(
        customers=[Customer("C1", "Acme Ltd", country="GB", currency="GBP")],
        invoices=[Invoice("I1", "C1", date(2026, 1, 10), DUE, Money.of("1000.00", "GBP"))],
        credit_notes=[CreditNote("CN1", "C1", date(2026, 1, 2), Money.of("1000.00", "GBP"))],
        allocations=[Allocation("CN1", "I1", Money.of("1000.00", "GBP"), date(2026, 3, 1))],
    )
    calc = invoice_interest(ledger, "I1", as_of=date(2026, 3, 31), rule=FixedRate(8))
    assert calc.interest == Money.of("0.00", "GBP")
    assert calc.debt == Money.of("0.00", "GBP")


def test_bad_inputs_raise_validation_errors_naming_the_field() -> None:
    with pytest.raises(ValidationError, match=r"^payments: they add up to 600 EUR, more than"):
        late_payment_interest(
            Money.of(500, "EUR"),
            due_date=DUE,
            as_of=DUE + timedelta(days=9),
            rule=FixedRate(8),
            payments=[(DUE, Money.of(600, "EUR"))],
        )
    with pytest.raises(ValidationError, match=r"^payments\[0\]: 5 USD is not in"):
        late_payment_interest(
            Money.of(500, "EUR"),
            due_date=DUE,
            as_of=DUE,
            rule=FixedRate(8),
            payments=[(DUE, Money.of(5, "USD"))],
        )
    with pytest.raises(ValidationError, match=r"^rule: expected an InterestRule"):
        late_payment_interest(Money.of(1, "EUR"), due_date=DUE, as_of=DUE, rule="8%")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=r"^percent: float 8.5 is not exact"):
        FixedRate(8.5)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=r"^percent: must be >= 0"):
        FixedRate(-1)


# -- reference rate tables ---------------------------------------------------------------------


def test_reference_rates_answer_with_the_rate_in_force_and_never_guess() -> None:
    # ECB main refinancing operations rate: 4.50 % from 20 September 2023, 4.25 % from
    # 12 June 2024 (ECB, "Key ECB interest rates").
    ecb = ReferenceRates.from_mapping(
        {"2023-09-20": "4.50", "2024-06-12": "4.25"}, name="ECB MRO", known_until=date(2024, 9, 17)
    )
    assert ecb.percent_on(date(2023, 9, 20)) == Decimal("4.50")
    assert ecb.percent_on(date(2024, 6, 11)) == Decimal("4.50")
    assert ecb.percent_on(date(2024, 6, 12)) == Decimal("4.25")
    with pytest.raises(RateNotFoundError, match="the table starts on 2023-09-20"):
        ecb.percent_on(date(2023, 9, 19))
    with pytest.raises(RateNotFoundError, match="complete only until 2024-09-17"):
        ecb.percent_on(date(2024, 9, 18))


def test_reference_rates_refuse_duplicates_and_floats() -> None:
    with pytest.raises(
        ValidationError, match=r"^rates\[1\].valid_from: 2024-01-01 is already given"
    ):
        ReferenceRates(
            "x",
            rates=(ReferenceRate(date(2024, 1, 1), 1), ReferenceRate(date(2024, 1, 1), 2)),
        )
    with pytest.raises(ValidationError, match=r"^data\['2024-01-01'\]: percent: float"):
        ReferenceRates.from_mapping({"2024-01-01": 4.5}, name="x")  # type: ignore[dict-item]
    with pytest.raises(ValidationError, match=r"^rates: a reference rate table needs"):
        ReferenceRates("x", rates=())


def test_reference_rates_load_from_a_document_and_round_trip() -> None:
    table = load(
        ReferenceRates,
        'name = "Bank Rate"\n[[rates]]\nvalid_from = 2023-08-03\npercent = 5.25\n',
        format="toml",
    )
    assert table.percent_on(date(2023, 12, 31)) == Decimal("5.25")
    assert load(ReferenceRates, dump(table)) == table
    with pytest.raises(ConfigError) as error:
        load(ReferenceRates, {"name": "x", "rates": [{"valid_from": "2023-08-03", "percent": "x"}]})
    assert error.value.path == "rates[0].percent"


def test_fixed_rate_is_an_interest_rule_without_compensation() -> None:
    rule = FixedRate(8)
    assert isinstance(rule, InterestRule)
    assert rule.compensation(Money.of(100, "EUR")) is None
    assert rule.rate_periods(DUE, DUE) == (
        RatePeriod(first_day=DUE, last_day=DUE, percent=Decimal(8), basis="fixed 8 % a year"),
    )


# -- properties -------------------------------------------------------------------------------


@given(cents, percents, day_counts, day_counts)
def test_interest_is_monotone_in_days(units: int, percent: Decimal, a: int, b: int) -> None:
    short, long = sorted((a, b))
    rule = FixedRate(percent)
    first = late_payment_interest(
        eur(units), due_date=DUE, as_of=DUE + timedelta(days=short), rule=rule
    )
    second = late_payment_interest(
        eur(units), due_date=DUE, as_of=DUE + timedelta(days=long), rule=rule
    )
    assert first.interest <= second.interest


@given(cents, cents, percents, day_counts)
def test_interest_is_monotone_in_principal(a: int, b: int, percent: Decimal, days: int) -> None:
    small, large = sorted((a, b))
    rule = FixedRate(percent)
    as_of = DUE + timedelta(days=days)
    assert (
        late_payment_interest(eur(small), due_date=DUE, as_of=as_of, rule=rule).interest
        <= late_payment_interest(eur(large), due_date=DUE, as_of=as_of, rule=rule).interest
    )


@given(st.data(), cents, percents, day_counts)
def test_partial_payments_never_increase_interest(
    data: st.DataObject, units: int, percent: Decimal, days: int
) -> None:
    schedule = data.draw(payment_schedules(units))
    rule = FixedRate(percent)
    as_of = DUE + timedelta(days=days)
    without = late_payment_interest(eur(units), due_date=DUE, as_of=as_of, rule=rule)
    with_payments = late_payment_interest(
        eur(units), due_date=DUE, as_of=as_of, rule=rule, payments=schedule
    )
    assert with_payments.interest <= without.interest
    # and the periods never claim interest on more than was owed
    assert all(p.principal <= eur(units) for p in with_payments.periods)


@given(cents, percents, day_counts)
def test_the_total_is_the_rounded_exact_sum_of_the_periods(
    units: int, percent: Decimal, days: int
) -> None:
    calc = late_payment_interest(
        eur(units), due_date=DUE, as_of=DUE + timedelta(days=days), rule=FixedRate(percent)
    )
    exact = sum((p.interest.amount for p in calc.periods), Decimal(0))
    assert calc.interest == Money(exact, "EUR").round()
    assert calc.days == max(days, 0)
