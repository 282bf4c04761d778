"""Tests for credkit.sample: determinism, validity and behaviours that show in the data."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credkit.errors import ValidationError
from credkit.ledger import CreditNote, DocumentKind, Invoice, Ledger, Settlement
from credkit.money import Money
from credkit.sample import Behaviour, SamplePortfolio, generate

# -- helpers and strategies ---------------------------------------------------------------


def records(ledger: Ledger) -> tuple[tuple[Any, ...], ...]:
    """Everything a ledger holds, as plain tuples of records (ledgers compare by identity)."""
    return (
        ledger.customers,
        ledger.invoices,
        ledger.credit_notes,
        ledger.payments,
        ledger.allocations,
    )


def all_amounts(ledger: Ledger) -> list[Money]:
    documents: list[Invoice | CreditNote | Any] = [
        *ledger.invoices,
        *ledger.credit_notes,
        *ledger.payments,
    ]
    return [d.amount for d in documents] + [a.amount for a in ledger.allocations]


def all_dates(ledger: Ledger) -> list[date]:
    return [
        *(i.issue_date for i in ledger.invoices),
        *(c.issue_date for c in ledger.credit_notes),
        *(p.received_on for p in ledger.payments),
        *(a.applied_on for a in ledger.allocations),
    ]


def settlements_of(portfolio: SamplePortfolio, behaviour: Behaviour) -> list[Settlement]:
    ids = set(portfolio.customer_ids(behaviour))
    return [s for s in portfolio.ledger.settlements() if s.customer_id in ids]


def small_arguments() -> st.SearchStrategy[dict[str, Any]]:
    """Keyword arguments for small, quick portfolios."""
    return st.fixed_dictionaries(
        {
            "seed": st.integers(min_value=-(2**40), max_value=2**40),
            "customers": st.integers(min_value=1, max_value=8),
            "months": st.integers(min_value=1, max_value=8),
            "start": st.dates(min_value=date(1990, 1, 1), max_value=date(2060, 12, 31)),
        }
    )


@pytest.fixture(scope="module")
def portfolio() -> SamplePortfolio:
    return generate()


# -- determinism ----------------------------------------------------------------------------


def test_same_seed_gives_identical_records(portfolio: SamplePortfolio) -> None:
    again = generate()
    assert records(again.ledger) == records(portfolio.ledger)
    assert dict(again.behaviours) == dict(portfolio.behaviours)
    assert (again.start, again.end) == (portfolio.start, portfolio.end)


def test_different_seeds_differ(portfolio: SamplePortfolio) -> None:
    other = generate(seed=8)
    assert records(other.ledger)[0] != records(portfolio.ledger)[0]
    assert records(other.ledger)[1] != records(portfolio.ledger)[1]


def test_global_random_state_is_neither_used_nor_disturbed() -> None:
    import random

    random.seed(1)
    expected = random.random()
    random.seed(1)
    first = generate(seed=5, customers=6, months=4)
    assert random.random() == expected
    random.seed(99)
    assert records(generate(seed=5, customers=6, months=4).ledger) == records(first.ledger)


@given(small_arguments())
def test_small_portfolios_are_deterministic_and_valid(arguments: dict[str, Any]) -> None:
    portfolio = generate(**arguments)
    assert records(generate(**arguments).ledger) == records(portfolio.ledger)
    ledger = portfolio.ledger
    assert portfolio.start == arguments["start"]
    assert portfolio.start <= portfolio.end
    assert len(ledger.customers) == arguments["customers"]
    assert sorted(portfolio.behaviours) == sorted(c.id for c in ledger.customers)
    assert all(d <= portfolio.end for d in all_dates(ledger))
    assert all(i.issue_date >= portfolio.start for i in ledger.invoices)
    assert all(amount.is_rounded() and amount.is_positive for amount in all_amounts(ledger))
    currency = {c.id: c.currency for c in ledger.customers}
    for document in (*ledger.invoices, *ledger.credit_notes, *ledger.payments):
        assert document.amount.currency == currency[document.customer_id]
    if arguments["customers"] >= len(Behaviour):
        assert set(portfolio.behaviours.values()) == set(Behaviour)


@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2050, 12, 31)),
    st.integers(min_value=1, max_value=40),
)
def test_end_is_the_day_before_start_plus_months(start: date, months: int) -> None:
    end = generate(seed=0, customers=1, start=start, months=months).end
    after = end + timedelta(days=1)
    # the day after ``end`` is ``months`` calendar months after ``start`` (day clipped)
    assert (after.year - start.year) * 12 + after.month - start.month == months
    assert after.day == start.day or (start.day > 28 and after.day <= start.day)


# -- shape of the portfolio -----------------------------------------------------------------


def test_every_behaviour_present_most_prompt(portfolio: SamplePortfolio) -> None:
    counts = Counter(portfolio.behaviours.values())
    assert set(counts) == set(Behaviour)
    assert counts.most_common(1)[0][0] is Behaviour.PROMPT
    assert counts[Behaviour.PROMPT] < len(portfolio.behaviours)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_behaviour_present_for_other_seeds(seed: int) -> None:
    assert set(generate(seed=seed, customers=6, months=2).behaviours.values()) == set(Behaviour)


def test_behaviours_are_read_only(portfolio: SamplePortfolio) -> None:
    with pytest.raises(TypeError):
        portfolio.behaviours["C001"] = Behaviour.SLOW  # type: ignore[index]


def test_default_period(portfolio: SamplePortfolio) -> None:
    assert portfolio.start == date(2024, 12, 1)
    assert portfolio.end == date(2026, 11, 30)


def test_countries_and_currencies(portfolio: SamplePortfolio) -> None:
    customers = portfolio.ledger.customers
    assert {c.country for c in customers} == {"DE", "FR", "NL", "IT", "ES", "GB", "US", "CH", "JP"}
    expected = {"EUR", "GBP", "USD", "CHF", "JPY"}
    assert {c.currency for c in customers} == expected
    assert {i.amount.currency for i in portfolio.ledger.invoices} == expected
    home = {"DE": "EUR", "GB": "GBP", "US": "USD", "CH": "CHF", "JP": "JPY"}
    assert all(home.get(c.country, "EUR") == c.currency for c in customers)


def test_segments_industries_and_names(portfolio: SamplePortfolio) -> None:
    customers = portfolio.ledger.customers
    assert {c.segment for c in customers} == {"wholesale", "retail", "public"}
    assert len({c.industry for c in customers}) >= 5
    assert len({c.name for c in customers}) == len(customers)
    legal_forms = ("GmbH", "AG", "KG", "SAS", "SA", "SARL", "B.V.", "N.V.", "S.p.A.", "S.r.l.")
    legal_forms += ("S.L.", "S.A.", "Ltd", "plc", "Inc.", "LLC", "Corp.", "K.K.", "Co., Ltd.")
    assert all(c.name.endswith(legal_forms) for c in customers)


def test_credit_groups(portfolio: SamplePortfolio) -> None:
    ledger = portfolio.ledger
    children: dict[str, list[str]] = defaultdict(list)
    for customer in ledger.customers:
        if customer.parent_id is not None:
            children[customer.parent_id].append(customer.id)
    assert len(children) >= 2
    for parent, members in children.items():
        assert 2 <= len(members) <= 3
        assert ledger.customer(parent).parent_id is None
        stem = ledger.customer(parent).name.split(" Holding ")[0]
        assert all(ledger.customer(m).name.startswith(stem) for m in members)


def test_invoices_monthly_ish_and_up_to_end(portfolio: SamplePortfolio) -> None:
    ledger = portfolio.ledger
    months_with_invoices: dict[str, set[tuple[int, int]]] = defaultdict(set)
    for invoice in ledger.invoices:
        months_with_invoices[invoice.customer_id].add(
            (invoice.issue_date.year, invoice.issue_date.month)
        )
    for customer_id in portfolio.customer_ids(Behaviour.PROMPT):
        assert len(months_with_invoices[customer_id]) >= 12
    last_month = (portfolio.end.year, portfolio.end.month)
    assert any(last_month in months for months in months_with_invoices.values())
    assert all(i.issue_date.weekday() < 5 for i in ledger.invoices if i.issue_date < portfolio.end)


def test_due_dates_follow_payment_terms(portfolio: SamplePortfolio) -> None:
    net = {14, 30, 45, 60}
    end_of_month = []
    for invoice in portfolio.ledger.invoices:
        if (invoice.due_date - invoice.issue_date).days in net:
            continue
        # 30 days after the last day of the month of issue
        month_end = invoice.due_date - timedelta(days=30)
        assert (month_end.year, month_end.month) == (
            invoice.issue_date.year,
            invoice.issue_date.month,
        )
        assert (month_end + timedelta(days=1)).day == 1
        end_of_month.append(invoice)
    assert end_of_month
    terms = Counter((i.due_date - i.issue_date).days for i in portfolio.ledger.invoices)
    assert net <= set(terms)


# -- amounts ----------------------------------------------------------------------------------


def test_amounts_in_whole_minor_units(portfolio: SamplePortfolio) -> None:
    amounts = all_amounts(portfolio.ledger)
    assert all(amount.is_rounded() for amount in amounts)
    yen = [a.amount for a in amounts if a.currency == "JPY"]
    assert yen
    assert all(a == a.to_integral_value() and a.as_tuple().exponent == 0 for a in yen)
    euros = [a.amount for a in amounts if a.currency == "EUR"]
    assert any(a != a.to_integral_value() for a in euros)  # cents do occur


def test_ledger_reconciles(portfolio: SamplePortfolio) -> None:
    ledger = portfolio.ledger
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for invoice in ledger.invoices:
        totals[invoice.amount.currency] += invoice.amount.amount
    for document in (*ledger.credit_notes, *ledger.payments):
        totals[document.amount.currency] -= document.amount.amount
    expected = {c: Money(t, c) for c, t in sorted(totals.items()) if t}
    assert ledger.balance(portfolio.end) == expected


def test_nothing_dated_after_end(portfolio: SamplePortfolio) -> None:
    assert max(all_dates(portfolio.ledger)) <= portfolio.end
    assert portfolio.ledger.last_date() is not None
    assert portfolio.ledger.last_date() <= portfolio.end  # type: ignore[operator]
    assert min(i.issue_date for i in portfolio.ledger.invoices) >= portfolio.start


def test_payments_on_business_days(portfolio: SamplePortfolio) -> None:
    assert all(p.received_on.weekday() < 5 for p in portfolio.ledger.payments)


def test_partial_unapplied_and_returns_occur(portfolio: SamplePortfolio) -> None:
    ledger = portfolio.ledger
    items = ledger.open_items(portfolio.end)
    assert any(i.kind is DocumentKind.PAYMENT for i in items)  # cash on account
    paid_by: dict[str, set[str]] = defaultdict(set)
    for allocation in ledger.allocations:
        if allocation.source_id.startswith("PAY-"):
            paid_by[allocation.target_id].add(allocation.source_id)
    assert any(len(sources) >= 2 for sources in paid_by.values())  # paid in parts
    covered: dict[str, set[str]] = defaultdict(set)
    for allocation in ledger.allocations:
        covered[allocation.source_id].add(allocation.target_id)
    assert any(len(targets) >= 2 for targets in covered.values())  # one payment, several invoices
    discount_customers = set(portfolio.customer_ids(Behaviour.DISCOUNT_TAKER))
    disputed = {i.id for i in ledger.invoices if i.disputed}
    returns = [
        c
        for c in ledger.credit_notes
        if not c.write_off
        and c.customer_id not in discount_customers
        and c.invoice_id not in disputed
    ]
    assert returns


# -- behaviours show in the data ----------------------------------------------------------------


def test_prompt_pays_within_terms_and_before_slow(portfolio: SamplePortfolio) -> None:
    prompt = [s.days_beyond_terms for s in settlements_of(portfolio, Behaviour.PROMPT)]
    slow = [s.days_beyond_terms for s in settlements_of(portfolio, Behaviour.SLOW)]
    assert statistics.mean(prompt) < 0 < 15 <= statistics.mean(slow) <= 50
    assert sum(d <= 0 for d in prompt) / len(prompt) >= 0.85
    assert statistics.mean(prompt) < statistics.mean(slow)


def test_slow_pays_weeks_late(portfolio: SamplePortfolio) -> None:
    slow = [
        s.days_beyond_terms for s in settlements_of(portfolio, Behaviour.SLOW) if s.credited.is_zero
    ]
    assert sum(15 <= d <= 80 for d in slow) / len(slow) >= 0.9


def test_deteriorating_pays_later_at_the_end(portfolio: SamplePortfolio) -> None:
    first_half_year = portfolio.start + timedelta(days=183)
    last_half_year = portfolio.end - timedelta(days=183)
    for customer_id in portfolio.customer_ids(Behaviour.DETERIORATING):
        mine = [s for s in portfolio.ledger.settlements() if s.customer_id == customer_id]
        early = [s.days_beyond_terms for s in mine if s.issue_date < first_half_year]
        late = [s.days_beyond_terms for s in mine if s.settled_on > last_half_year]
        assert early
        assert late
        assert statistics.mean(late) > statistics.mean(early) + 10


def test_defaulting_leaves_old_open_invoices(portfolio: SamplePortfolio) -> None:
    ledger = portfolio.ledger
    items = ledger.open_items(portfolio.end)
    for customer_id in portfolio.customer_ids(Behaviour.DEFAULTING):
        overdue = [
            i.days_overdue(portfolio.end)
            for i in items
            if i.customer_id == customer_id and i.kind is DocumentKind.INVOICE
        ]
        assert overdue
        assert max(overdue) >= 90
        last_payment = max(p.received_on for p in ledger.payments if p.customer_id == customer_id)
        assert last_payment <= portfolio.end - timedelta(days=90)


def test_defaulter_with_few_invoices_still_leaves_some_open() -> None:
    # With seed 2, customer C033 (retail, defaulting) happened to pay its last invoice
    # before its planned stop date; the generator must still leave its last two open.
    portfolio = generate(seed=2)
    assert portfolio.behaviours["C033"] is Behaviour.DEFAULTING
    open_invoices = [
        i
        for i in portfolio.ledger.open_items(portfolio.end, customer_id="C033")
        if i.kind is DocumentKind.INVOICE
    ]
    assert open_invoices
    assert max(i.days_overdue(portfolio.end) for i in open_invoices) >= 90


def test_only_defaulters_are_written_off(portfolio: SamplePortfolio) -> None:
    written_off = [c for c in portfolio.ledger.credit_notes if c.write_off]
    assert written_off
    defaulters = set(portfolio.customer_ids(Behaviour.DEFAULTING))
    assert {c.customer_id for c in written_off} <= defaulters
    assert all(c.invoice_id is not None for c in written_off)


def test_disputing_customers_have_disputed_invoices(portfolio: SamplePortfolio) -> None:
    disputed_by: Counter[str] = Counter(
        i.customer_id for i in portfolio.ledger.invoices if i.disputed
    )
    disputing = set(portfolio.customer_ids(Behaviour.DISPUTING))
    assert set(disputed_by) == disputing
    disputed_ids = {i.id for i in portfolio.ledger.invoices if i.disputed}
    credited = {c.invoice_id for c in portfolio.ledger.credit_notes if c.invoice_id}
    assert disputed_ids & credited  # some disputes end in a credit note


def test_discount_takers_take_two_percent_and_pay_early(portfolio: SamplePortfolio) -> None:
    ledger = portfolio.ledger
    takers = portfolio.customer_ids(Behaviour.DISCOUNT_TAKER)
    invoices = {i.id: i for i in ledger.invoices}
    for customer_id in takers:
        notes = [c for c in ledger.credit_notes if c.customer_id == customer_id]
        assert notes
        discounts = [
            c for c in notes if c.invoice_id and c.amount * 50 <= invoices[c.invoice_id].amount
        ]
        assert discounts  # no more than 2 % of the invoice
        for note in discounts:
            invoice = invoices[note.invoice_id]  # type: ignore[index]
            assert note.issue_date <= invoice.issue_date + timedelta(days=10)
    settled = [s for c in takers for s in ledger.settlements() if s.customer_id == c]
    assert settled
    assert all(s.days_beyond_terms <= 0 for s in settled)
    assert sum(s.days_to_pay <= 10 for s in settled) / len(settled) >= 0.8


# -- arguments --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"customers": 0}, r"customers: expected a whole number from 1 to 100000, got 0"),
        ({"customers": True}, r"customers: .* got True"),
        ({"months": 0}, r"months: expected a whole number from 1 to 1200, got 0"),
        ({"months": "12"}, r"months: .* got '12'"),
        ({"seed": "7"}, r"seed: expected an int, got str '7'"),
        ({"seed": 1.5}, r"seed: expected an int, got float 1.5"),
        ({"start": datetime(2025, 1, 1)}, r"start: expected a datetime.date, got datetime"),
        ({"start": "2025-01-01"}, r"start: expected a datetime.date, got str"),
        ({"start": date(9999, 10, 1), "months": 1}, r"start: 9999-10-01 plus 1 months"),
    ],
)
def test_bad_arguments_are_refused(arguments: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        generate(**arguments)


@settings(max_examples=25)
@given(st.integers(min_value=0, max_value=2**32))
def test_behaviour_invariants_hold_for_any_seed(seed: int) -> None:
    portfolio = generate(seed=seed, customers=12, months=24)
    ledger = portfolio.ledger
    items = ledger.open_items(portfolio.end)
    invoiced = Counter(i.customer_id for i in ledger.invoices)
    for customer_id in portfolio.customer_ids(Behaviour.DEFAULTING):
        if invoiced[customer_id] >= 2:
            assert any(
                i.customer_id == customer_id and i.kind is DocumentKind.INVOICE for i in items
            )
    takers = set(portfolio.customer_ids(Behaviour.DISCOUNT_TAKER))
    assert all(s.days_beyond_terms <= 0 for s in ledger.settlements() if s.customer_id in takers)
    disputing = set(portfolio.customer_ids(Behaviour.DISPUTING))
    assert all(i.customer_id in disputing for i in ledger.invoices if i.disputed)
    written_off = {c.customer_id for c in ledger.credit_notes if c.write_off}
    assert written_off <= set(portfolio.customer_ids(Behaviour.DEFAULTING))
