"""Tests for credkit.kpi.behaviour: payment behaviour, payment index, trend, ranking."""

from __future__ import annotations

import datetime
from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from credkit import sample
from credkit.errors import CurrencyMismatchError, ValidationError
from credkit.fx import RateTable
from credkit.kpi import (
    INDEX_ANCHORS,
    InsufficientData,
    PaymentBehaviour,
    PaymentTrend,
    TrendDirection,
    most_deteriorated,
    payment_behaviour,
    payment_index,
    payment_trends,
)
from credkit.ledger import Allocation, Customer, Invoice, Ledger, Payment, Settlement
from credkit.money import Money

D = Decimal
date = datetime.date
AS_OF = date(2026, 6, 30)
DUE = date(2026, 3, 31)


def settled(
    number: int,
    *,
    days_beyond: int,
    amount: int | str = 100,
    customer: str = "C1",
    currency: str = "EUR",
    due: date = DUE,
    terms: int = 30,
    credited: int | str = 0,
) -> Settlement:
    """An invoice due on ``due`` after ``terms`` days, settled ``days_beyond`` after it.

    The terms are lengthened when needed so that the invoice is never paid before it
    was issued.
    """
    return Settlement(
        f"I{number}",
        customer,
        due - datetime.timedelta(days=max(terms, -days_beyond)),
        due,
        Money.of(amount, currency),
        settled_on=due + datetime.timedelta(days=days_beyond),
        credited=Money.of(credited, currency),
    )


def behaviour_of(records: list[Settlement], **kwargs: object) -> PaymentBehaviour:
    result = payment_behaviour(records, as_of=kwargs.pop("as_of", AS_OF), **kwargs)  # type: ignore[arg-type]
    (value,) = result.values()
    assert isinstance(value, PaymentBehaviour)
    return value


# -- the payment index --------------------------------------------------------------------


def test_index_follows_the_public_paydex_key() -> None:
    # D&B PAYDEX key as published (dandb.com glossary "PAYDEX"; saif.com Credit Q&A part 3):
    # 80 prompt (within terms), 70 = 15 days beyond terms, 60 = 22, 50 = 30, 40 = 60,
    # 30 = 90, 20 = 120; and from D&B's value chart 90 = 20 days sooner than terms,
    # 100 = 30 days sooner.
    key = {0: 80, 15: 70, 22: 60, 30: 50, 60: 40, 90: 30, 120: 20, -20: 90, -30: 100}
    for days, index in key.items():
        assert payment_index(days) == index


def test_index_matches_points_of_the_dnb_value_chart() -> None:
    # D&B PAYDEX value chart (dandb.com glossary): 85 = 10 days sooner than terms,
    # 95 = 25 days sooner, 55 = 26 days beyond terms, 45 = 45 days beyond terms.
    assert payment_index(-10) == 85
    assert payment_index(-25) == 95
    assert payment_index(26) == 55
    assert payment_index(45) == 45


def test_index_floor_and_ceiling() -> None:
    assert payment_index(-365) == 100
    assert payment_index(150) == 10
    assert payment_index(180) == 0
    assert payment_index(10_000) == 0
    assert payment_index("7.5") == 75


def test_anchors_are_ordered() -> None:
    days = [d for d, _ in INDEX_ANCHORS]
    values = [v for _, v in INDEX_ANCHORS]
    assert days == sorted(days)
    assert values == sorted(values, reverse=True)


@given(a=st.integers(-400, 400), b=st.integers(-400, 400))
def test_index_is_monotone(a: int, b: int) -> None:
    early, late = sorted((a, b))
    assert payment_index(early) >= payment_index(late)
    assert 0 <= payment_index(late) <= 100


@given(
    a=st.decimals(-400, 400, places=3, allow_nan=False),
    b=st.decimals(-400, 400, places=3, allow_nan=False),
)
def test_index_is_monotone_for_fractional_days(a: Decimal, b: Decimal) -> None:
    early, late = sorted((a, b))
    assert payment_index(early) >= payment_index(late)


# -- behaviour of one customer ------------------------------------------------------------


def test_figures_worked_by_hand() -> None:
    records = [
        settled(1, days_beyond=0, amount=100),  # on the due date
        settled(2, days_beyond=15, amount=300),  # 15 days late
        settled(3, days_beyond=-10, amount=600),  # 10 days early
    ]
    b = behaviour_of(records)
    assert b.invoices == 3
    assert b.currency == "EUR"
    assert b.amount_paid == Money.of(1000, "EUR")
    assert b.average_days_to_pay == D(30 + 45 + 20) / 3
    assert b.weighted_days_to_pay == D(100 * 30 + 300 * 45 + 600 * 20) / 1000  # 28.5
    assert b.average_days_beyond_terms == D(5) / 3
    assert b.weighted_days_beyond_terms == D("-1.5")  # (4500 - 6000) / 1000: early visible
    assert b.average_days_late == 5
    assert b.weighted_days_late == D("4.5")
    assert b.share_on_time == D(2) / 3
    assert b.share_early == D(1) / 3
    # index: 80, 70 and 85, weighted by 100, 300 and 600
    assert b.payment_index == D(80 * 100 + 70 * 300 + 85 * 600) / 1000
    assert b.as_of == AS_OF
    assert b.window_start == date(2024, 7, 1)


@given(
    days=st.integers(-60, 200),
    amount=st.integers(1, 10**9),
    credited=st.integers(0, 10**9),
    terms=st.integers(0, 90),
)
def test_weighted_dbt_of_one_invoice_is_its_dbt(
    days: int, amount: int, credited: int, terms: int
) -> None:
    record = settled(1, days_beyond=days, amount=amount + credited, credited=credited, terms=terms)
    b = behaviour_of([record], min_invoices=1, as_of=date(2027, 1, 1))
    assert b.weighted_days_beyond_terms == record.days_beyond_terms == days
    assert b.average_days_beyond_terms == days
    assert b.weighted_days_to_pay == record.days_to_pay
    assert b.payment_index == payment_index(days)


records_strategy = st.lists(
    st.tuples(st.integers(-40, 150), st.integers(1, 10**6)), min_size=1, max_size=15
)


@given(records=records_strategy, which=st.integers(0, 14), delay=st.integers(1, 60))
def test_paying_later_never_raises_the_index(
    records: list[tuple[int, int]], which: int, delay: int
) -> None:
    base = [settled(n, days_beyond=d, amount=a) for n, (d, a) in enumerate(records)]
    k = which % len(base)
    later = list(base)
    later[k] = attrs.evolve(base[k], settled_on=base[k].settled_on + datetime.timedelta(days=delay))
    as_of = date(2027, 1, 1)
    before = behaviour_of(base, min_invoices=1, as_of=as_of)
    after = behaviour_of(later, min_invoices=1, as_of=as_of)
    assert after.payment_index <= before.payment_index
    assert after.weighted_days_beyond_terms > before.weighted_days_beyond_terms
    assert after.share_on_time <= before.share_on_time
    assert 0 <= after.payment_index <= 100


@given(records=records_strategy)
def test_shares_and_averages_are_consistent(records: list[tuple[int, int]]) -> None:
    base = [settled(n, days_beyond=d, amount=a) for n, (d, a) in enumerate(records)]
    b = behaviour_of(base, min_invoices=1, as_of=date(2027, 1, 1))
    assert 0 <= b.share_early <= b.share_on_time <= 1
    assert b.average_days_late >= max(b.average_days_beyond_terms, D(0))
    assert b.weighted_days_late >= max(b.weighted_days_beyond_terms, D(0))
    assert min(d for d, _ in records) <= b.weighted_days_beyond_terms <= max(d for d, _ in records)


def test_fully_credited_invoices_are_left_out() -> None:
    records = [
        settled(1, days_beyond=0),
        settled(2, days_beyond=0),
        settled(3, days_beyond=90, amount=500, credited=500),  # cancelled, not paid
    ]
    result = payment_behaviour(records, as_of=AS_OF)["C1"]
    assert isinstance(result, InsufficientData)
    assert (result.invoices, result.required, result.fully_credited) == (2, 3, 1)
    assert (
        result.reason
        == "C1: 2 paid invoices in the window, 3 needed (1 settled by credit notes only)"
    )
    b = behaviour_of(records, min_invoices=2)
    assert b.payment_index == 80


def test_partly_credited_invoices_weigh_what_was_paid() -> None:
    records = [
        settled(1, days_beyond=0, amount=1000, credited=900),  # 100 paid on time
        settled(2, days_beyond=30, amount=100),  # 100 paid 30 days late
    ]
    b = behaviour_of(records, min_invoices=1)
    assert b.amount_paid == Money.of(200, "EUR")
    assert b.weighted_days_beyond_terms == 15


def test_window_and_as_of() -> None:
    records = [
        settled(1, days_beyond=0, due=date(2024, 6, 1)),  # settled before the window
        settled(2, days_beyond=5, due=date(2024, 7, 1)),  # in the window
        settled(3, days_beyond=10, due=date(2026, 6, 20)),  # settled on as_of itself
        settled(4, days_beyond=1, due=date(2026, 6, 30)),  # after as_of: unknown yet
    ]
    b = behaviour_of(records, min_invoices=2)
    assert b.invoices == 2
    assert b.average_days_beyond_terms == D("7.5")
    shorter = behaviour_of(records, min_invoices=1, window_months=1)
    assert shorter.invoices == 1


def test_every_customer_gets_an_entry_in_id_order() -> None:
    records = [
        settled(1, days_beyond=0, customer="B"),
        settled(2, days_beyond=0, customer="A"),
        settled(3, days_beyond=0, customer="A", due=date(2020, 1, 31)),
        settled(4, days_beyond=0, customer="C", due=date(2030, 1, 31)),
    ]
    result = payment_behaviour(records, as_of=AS_OF, min_invoices=1)
    assert list(result) == ["A", "B", "C"]
    assert isinstance(result["A"], PaymentBehaviour)
    assert result["A"].invoices == 1
    assert isinstance(result["C"], InsufficientData)
    assert result["C"].invoices == 0


def test_behaviour_from_a_ledger() -> None:
    ledger = Ledger(
        customers=[Customer("C1", "Acme", country="FR", currency="EUR")],
        invoices=[
            Invoice(f"I{n}", "C1", date(2026, n, 1), date(2026, n, 28), Money.of(100, "EUR"))
            for n in range(1, 4)
        ],
        payments=[
            Payment(
                f"P{n}", "C1", date(2026, n, 28) + datetime.timedelta(days=n), Money.of(100, "EUR")
            )
            for n in range(1, 4)
        ],
        allocations=[
            Allocation(
                f"P{n}",
                f"I{n}",
                Money.of(100, "EUR"),
                date(2026, n, 28) + datetime.timedelta(days=n),
            )
            for n in range(1, 4)
        ],
    )
    b = behaviour_of(list(ledger.settlements()))
    assert b.average_days_beyond_terms == 2
    assert b.share_on_time == 0


# -- currencies ---------------------------------------------------------------------------


def test_each_customer_is_weighted_in_its_own_currency() -> None:
    records = [
        settled(1, days_beyond=0, customer="E", currency="EUR"),
        settled(2, days_beyond=10, customer="J", currency="JPY", amount=10_000),
    ]
    result = payment_behaviour(records, as_of=AS_OF, min_invoices=1)
    assert result["E"].currency == "EUR"  # type: ignore[union-attr]
    assert result["J"].amount_paid == Money.of(10_000, "JPY")  # type: ignore[union-attr]


def test_several_currencies_for_one_customer_need_rates() -> None:
    records = [
        settled(1, days_beyond=0, amount=100, currency="EUR"),
        settled(2, days_beyond=30, amount=100, currency="USD"),
    ]
    with pytest.raises(
        CurrencyMismatchError,
        match=r"settlements: customers with invoices in several currencies: C1 \(EUR, USD\)",
    ):
        payment_behaviour(records, as_of=AS_OF)
    rates = RateTable.from_mapping({"2026-01-01": {"USD": "2"}}, base="EUR")
    with pytest.raises(CurrencyMismatchError):
        payment_behaviour(records, as_of=AS_OF, rates=rates)
    b = behaviour_of(records, min_invoices=1, currency="EUR", rates=rates)
    # 100 USD = 50 EUR: weights 100 and 50
    assert b.currency == "EUR"
    assert b.amount_paid == Money.of(150, "EUR")
    assert b.weighted_days_beyond_terms == D(30 * 50) / 150


# -- bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("records", "kwargs", "message"),
    [
        ([object()], {}, r"settlements\[0\]: expected a credkit.ledger.Settlement"),
        ("abc", {}, "settlements: expected an iterable"),
        (
            [settled(1, days_beyond=0, amount=10, credited=11)],
            {},
            r"settlements\[0\].credited: 11 EUR is more",
        ),
        (
            [attrs.evolve(settled(1, days_beyond=0), credited=Money.of(0, "USD"))],
            {},
            r"settlements\[0\].credited: 0 USD is not in the currency",
        ),
        (
            [attrs.evolve(settled(1, days_beyond=0), settled_on=date(2026, 2, 1))],
            {},
            r"settlements\[0\].settled_on: .* is before the issue date",
        ),
        ([], {"as_of": "2026-06-30"}, "as_of: expected a datetime.date"),
        ([], {"min_invoices": 0}, "min_invoices: expected a whole number >= 1, got 0"),
        ([], {"window_months": 1.5}, "window_months: expected a whole number"),
        ([], {"threshold_days": -1}, "threshold_days: must be zero or more"),
        ([], {"threshold_days": 2.5}, "threshold_days: float 2.5 is not exact"),
        ([], {"currency": "EURO"}, "currency: 'EURO'"),
        ([], {"rates": {"USD": 1}}, "rates: expected a credkit.fx.RateSource"),
    ],
)
def test_bad_input(records: object, kwargs: dict[str, object], message: str) -> None:
    kwargs.setdefault("as_of", AS_OF)
    with pytest.raises(ValidationError, match=message):
        payment_behaviour(records, **kwargs)  # type: ignore[arg-type]


# -- trend --------------------------------------------------------------------------------


def history(baseline_late: int, recent_late: int, *, customer: str = "C1") -> list[Settlement]:
    """Twelve monthly invoices paid ``baseline_late`` days late, then three ``recent_late``."""
    records = []
    for n in range(15):
        due = date(2025, 4, 10) + datetime.timedelta(days=30 * n)
        late = baseline_late if n < 12 else recent_late
        records.append(
            settled(n, days_beyond=late, due=due - datetime.timedelta(days=late), customer=customer)
        )
    return records


def test_history_helper_places_windows_as_intended() -> None:
    records = history(0, 0)
    recent = [r for r in records if r.settled_on > date(2026, 3, 30)]
    assert len(recent) == 3


@pytest.mark.parametrize(
    ("baseline", "recent", "direction"),
    [
        (2, 20, TrendDirection.DETERIORATING),
        (20, 2, TrendDirection.IMPROVING),
        (10, 15, TrendDirection.STABLE),  # exactly the threshold: stable
        (10, 16, TrendDirection.DETERIORATING),
        (-10, 0, TrendDirection.STABLE),  # from early to on time: still within terms
    ],
)
def test_trend_directions(baseline: int, recent: int, direction: TrendDirection) -> None:
    b = behaviour_of(history(baseline, recent))
    assert b.trend.direction is direction
    assert b.trend.recent_invoices == 3
    assert b.trend.baseline_invoices == 12
    assert b.trend.change == max(recent, 0) - max(baseline, 0)


def test_trend_with_too_few_recent_invoices() -> None:
    records = history(0, 30)[:13]  # one recent invoice
    trend = payment_trends(records, as_of=AS_OF)["C1"]
    assert trend.direction is TrendDirection.INSUFFICIENT_DATA
    assert trend.recent_days_late is None
    assert trend.change is None
    assert payment_trends(records, as_of=AS_OF, min_invoices=1)["C1"].direction is (
        TrendDirection.DETERIORATING
    )


def test_trend_threshold_is_configurable() -> None:
    records = history(0, 4)
    assert payment_trends(records, as_of=AS_OF)["C1"].direction is TrendDirection.STABLE
    assert payment_trends(records, as_of=AS_OF, threshold_days=3)["C1"].direction is (
        TrendDirection.DETERIORATING
    )


def test_trend_of_payment_behaviour_equals_payment_trends() -> None:
    records = history(3, 25) + history(5, 5, customer="C2")
    behaviours = payment_behaviour(records, as_of=AS_OF)
    trends = payment_trends(records, as_of=AS_OF)
    for customer, trend in trends.items():
        value = behaviours[customer]
        assert isinstance(value, PaymentBehaviour)
        assert value.trend == trend


def test_most_deteriorated_ranks_worst_first() -> None:
    records = (
        history(0, 10, customer="A")
        + history(0, 40, customer="B")
        + history(0, 40, customer="AA")
        + history(20, 0, customer="D")
        + history(0, 0, customer="E")
    )
    results = payment_behaviour(records, as_of=AS_OF)
    ranked = most_deteriorated(results)
    assert [t.customer_id for t in ranked] == ["AA", "B", "A"]
    assert [t.customer_id for t in most_deteriorated(results, limit=1)] == ["AA"]
    assert most_deteriorated(payment_trends(records, as_of=AS_OF)) == ranked
    assert most_deteriorated(list(results.values()), limit=0) == ()


def test_most_deteriorated_refuses_other_values() -> None:
    with pytest.raises(ValidationError, match="results: expected PaymentBehaviour"):
        most_deteriorated([1])  # type: ignore[list-item]
    with pytest.raises(ValidationError, match="limit: expected a whole number >= 0"):
        most_deteriorated([], limit=-1)


def test_insufficient_data_is_skipped_by_the_ranking() -> None:
    trend = PaymentTrend(
        "X",
        TrendDirection.INSUFFICIENT_DATA,
        recent_days_late=None,
        baseline_days_late=None,
        recent_invoices=0,
        baseline_invoices=0,
    )
    gap = InsufficientData("Y", invoices=0, required=3)
    assert most_deteriorated([trend, gap]) == ()


# -- on the sample portfolio --------------------------------------------------------------


@pytest.fixture(scope="module")
def portfolio() -> sample.SamplePortfolio:
    return sample.generate(seed=7, customers=120)


def test_deteriorating_sample_customers_come_out_deteriorating(
    portfolio: sample.SamplePortfolio,
) -> None:
    results = payment_behaviour(portfolio.ledger.settlements(), as_of=portfolio.end)
    deteriorating = portfolio.customer_ids(sample.Behaviour.DETERIORATING)
    assert deteriorating
    judged = []
    for customer in deteriorating:
        value = results[customer]
        assert isinstance(value, PaymentBehaviour)
        if value.trend.direction is not TrendDirection.INSUFFICIENT_DATA:
            judged.append(value.trend.direction)
    # Late payers' newest invoices are still open, so a few may lack recent
    # settlements; every customer that can be judged is judged deteriorating.
    assert len(judged) >= len(deteriorating) * 3 // 4
    assert set(judged) == {TrendDirection.DETERIORATING}


def test_sample_ranking_is_led_by_deteriorating_customers(
    portfolio: sample.SamplePortfolio,
) -> None:
    results = payment_behaviour(portfolio.ledger.settlements(), as_of=portfolio.end)
    top = most_deteriorated(results)
    assert len(top) == 10
    kinds = [portfolio.behaviours[t.customer_id] for t in top]
    assert kinds.count(sample.Behaviour.DETERIORATING) >= 6


def test_sample_prompt_payers_score_higher_than_slow_payers(
    portfolio: sample.SamplePortfolio,
) -> None:
    results = payment_behaviour(portfolio.ledger.settlements(), as_of=portfolio.end)

    def indexes(kind: sample.Behaviour) -> list[Decimal]:
        return [
            value.payment_index
            for customer in portfolio.customer_ids(kind)
            if isinstance(value := results[customer], PaymentBehaviour)
        ]

    prompt, slow = indexes(sample.Behaviour.PROMPT), indexes(sample.Behaviour.SLOW)
    discount = indexes(sample.Behaviour.DISCOUNT_TAKER)
    # discount takers pay around day 10 of 2/10 net 30 (index about 90), prompt payers
    # around the due date (80), slow payers 15 to 45 days late (about 50)
    assert min(discount) > max(prompt)
    assert min(prompt) > max(slow)
    assert sorted(prompt)[len(prompt) // 2] >= 80
    assert min(discount) >= 85
    assert max(slow) < 70


def test_single_currency_behaviour_leaves_out_customers_paid_in_several_currencies() -> None:
    from credkit.kpi import single_currency_behaviour

    def paid(n: int, customer: str, currency: str, settled: date) -> Settlement:
        return Settlement(
            f"I{n}",
            customer,
            date(2026, 1, 1),
            date(2026, 1, 31),
            Money.of(100, currency),
            settled_on=settled,
            credited=Money.zero(currency),
        )

    records = [
        paid(1, "C1", "EUR", date(2026, 2, 10)),
        paid(2, "C2", "EUR", date(2026, 2, 10)),
        paid(3, "C2", "USD", date(2026, 3, 10)),
        paid(4, "C3", "EUR", date(2026, 2, 10)),
        paid(5, "C3", "USD", date(2026, 8, 10)),  # after as_of: C3 paid in one currency
    ]
    with pytest.raises(CurrencyMismatchError):
        payment_behaviour(records, as_of=AS_OF, min_invoices=1)
    results, left_out = single_currency_behaviour(records, as_of=AS_OF, min_invoices=1)
    assert left_out == ("C2",)
    kept = [r for r in records if r.customer_id != "C2"]
    assert results == payment_behaviour(kept, as_of=AS_OF, min_invoices=1)
    same, none = single_currency_behaviour(kept, as_of=AS_OF, min_invoices=1)
    assert (same, none) == (results, ())
