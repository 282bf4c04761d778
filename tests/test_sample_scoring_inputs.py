"""Synthetic scoring inputs for the sample portfolio: statements, ages, bureau scores, payment."""

from __future__ import annotations

import functools
import os
import subprocess
import sys
from collections import defaultdict
from datetime import date
from decimal import Decimal, localcontext
from statistics import mean

import attrs
import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st

from credkit.errors import ValidationError
from credkit.kpi import PaymentBehaviour, payment_behaviour
from credkit.money import minor_units
from credkit.sample import (
    Behaviour,
    SamplePortfolio,
    financial_statements,
    generate,
    scoring_inputs,
)
from credkit.scoring import (
    Z_1968,
    Z_DOUBLE_PRIME,
    Z_PRIME,
    EquityMeasure,
    altman_z,
    current_ratio,
    debt_to_equity,
    equity_ratio,
    example_scorecard,
    interest_coverage,
    quick_ratio,
    tangible_net_worth,
    working_capital,
    x1,
    x2,
    x3,
    x4,
    x5,
)

STRONG = (Behaviour.PROMPT, Behaviour.DISCOUNT_TAKER)
WEAK = (Behaviour.DETERIORATING, Behaviour.DEFAULTING)


@functools.cache
def portfolio(seed: int = 11, customers: int = 150, months: int = 24) -> SamplePortfolio:
    return generate(seed=seed, customers=customers, months=months)


def as_plain(mapping: object) -> object:
    """Nested read-only mappings as plain dicts, for comparing and printing."""
    if hasattr(mapping, "items"):
        return {key: as_plain(value) for key, value in mapping.items()}
    return mapping


def last_year_volume(p: SamplePortfolio, customer_id: str) -> int:
    """What the generator sizes a statement by, computed here independently."""
    minor = minor_units(p.ledger.customer(customer_id).currency)
    year_before = p.end - relativedelta(years=1)
    units = [
        (int(i.amount.amount.scaleb(minor)), i.issue_date > year_before)
        for i in p.ledger.invoices
        if i.customer_id == customer_id
    ]
    recent = sum(u for u, last in units if last)
    days = (p.end - p.start).days + 1
    return recent or sum(u for u, _ in units) * 365 // days


# -- the seed --------------------------------------------------------------------------------


def test_the_portfolio_records_its_seed() -> None:
    assert generate(seed=5, customers=3, months=2).seed == 5
    p = portfolio()
    assert p.seed == 11
    with pytest.raises(ValidationError, match="seed: expected an int, got str '5'"):
        SamplePortfolio(p.ledger, p.behaviours, start=p.start, end=p.end, seed="5")  # type: ignore[arg-type]


# -- determinism -----------------------------------------------------------------------------


def test_same_portfolio_same_statements_and_inputs() -> None:
    first, second = generate(seed=4, customers=20), generate(seed=4, customers=20)
    assert dict(financial_statements(first)) == dict(financial_statements(second))
    assert as_plain(scoring_inputs(first)) == as_plain(scoring_inputs(second))


def test_another_seed_gives_other_statements() -> None:
    a = financial_statements(generate(seed=4, customers=20))
    b = financial_statements(generate(seed=5, customers=20))
    assert a.keys() == b.keys()
    assert sum(a[c] != b[c] for c in a) == len(a)


_SCRIPT = """
from credkit.sample import financial_statements, generate, scoring_inputs
p = generate(seed=3, customers=10, months=12)
print(sorted(financial_statements(p).items()))
print(sorted((k, sorted(v.items())) for k, v in scoring_inputs(p).items()))
"""


def test_statements_do_not_depend_on_the_hash_salt_of_the_process() -> None:
    outputs = []
    for salt in ("0", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": salt}
        done = subprocess.run(
            [sys.executable, "-c", _SCRIPT], capture_output=True, text=True, env=env, check=True
        )
        outputs.append(done.stdout)
    p = generate(seed=3, customers=10, months=12)
    here = (
        f"{sorted(financial_statements(p).items())}\n"
        f"{sorted((k, sorted(v.items())) for k, v in scoring_inputs(p).items())}\n"
    )
    assert outputs[0] == outputs[1] == here


def test_the_callers_decimal_context_does_not_change_the_inputs() -> None:
    p = generate(seed=6, customers=12, months=12)
    expected = as_plain(scoring_inputs(p))
    with localcontext() as context:
        context.prec = 6
        assert as_plain(scoring_inputs(p)) == expected


# -- the statements --------------------------------------------------------------------------


def check_statement(p: SamplePortfolio, customer_id: str) -> None:
    s = financial_statements(p)[customer_id]
    customer = p.ledger.customer(customer_id)
    assert (s.currency, s.period_end) == (customer.currency, p.end)
    assert s.market_value_equity is None
    figures = attrs.asdict(s, recurse=False)
    amounts = {k: v for k, v in figures.items() if isinstance(v, Decimal)}
    assert len(amounts) == 12
    exponent = -minor_units(customer.currency)
    assert all(v.as_tuple().exponent == exponent for v in amounts.values()), amounts
    assert s.total_assets == s.total_liabilities + s.book_equity
    assert s.current_assets is not None
    assert s.total_assets is not None
    assert s.total_liabilities is not None
    assert s.book_equity is not None
    assert s.retained_earnings is not None
    assert 0 < s.current_assets <= s.total_assets
    assert s.cash + s.inventory <= s.current_assets  # type: ignore[operator]
    assert 0 < s.current_liabilities <= s.total_liabilities  # type: ignore[operator]
    assert s.intangibles <= s.total_assets - s.current_assets  # type: ignore[operator]
    assert s.retained_earnings < s.book_equity  # share capital is above zero
    assert s.interest_expense > 0  # type: ignore[operator]
    # Every ratio the statement is meant for can be computed.
    for ratio in (
        current_ratio,
        quick_ratio,
        equity_ratio,
        working_capital,
        tangible_net_worth,
        interest_coverage,
        x1,
        x2,
        x3,
        x5,
    ):
        assert isinstance(ratio(s), Decimal)
    assert isinstance(x4(s, equity=EquityMeasure.BOOK), Decimal)
    for model in (Z_PRIME, Z_DOUBLE_PRIME):
        assert altman_z(s, model=model).model_name == model.name
    if s.book_equity > 0:
        assert debt_to_equity(s) > 0
    else:
        with pytest.raises(ValidationError, match="book_equity"):
            debt_to_equity(s)
    with pytest.raises(ValidationError, match="market_value_equity"):
        altman_z(s, model=Z_1968)  # private companies: no share price
    # Sized by what we invoice the customer: its sales are 8 to 50 times that (a
    # customer never invoiced in a short portfolio gets a small firm's figures).
    volume = last_year_volume(p, customer_id)
    sales = int(s.sales.scaleb(-exponent))  # type: ignore[union-attr]
    if volume:
        assert volume * 100 // 12 <= sales <= volume * 100 // 2
    else:
        assert sales > 0


def test_every_statement_of_a_large_portfolio_is_consistent_and_sized_by_volume() -> None:
    p = portfolio()
    statements = financial_statements(p)
    assert list(statements) == [c.id for c in p.ledger.customers]
    for customer_id in statements:
        check_statement(p, customer_id)


@settings(max_examples=15)
@given(seed=st.integers(0, 10**9), customers=st.integers(1, 14), months=st.integers(1, 14))
def test_statements_are_consistent_for_any_portfolio(
    seed: int, customers: int, months: int
) -> None:
    p = generate(seed=seed, customers=customers, months=months)
    for customer in p.ledger.customers:
        check_statement(p, customer.id)


def test_strong_payers_have_stronger_balance_sheets_than_weak_ones() -> None:
    p = portfolio()
    statements = financial_statements(p)

    def figures(behaviours: tuple[Behaviour, ...]) -> list[tuple[Decimal, Decimal, Decimal]]:
        return [
            (
                equity_ratio(statements[c]),
                current_ratio(statements[c]),
                x3(statements[c]),
            )
            for b in behaviours
            for c in p.customer_ids(b)
        ]

    strong, weak = figures(STRONG), figures(WEAK)
    assert len(strong) > 50
    assert len(weak) > 15
    # Equity ratios do not overlap at all; liquidity and returns differ on average.
    assert min(e for e, _, _ in strong) > max(e for e, _, _ in weak)
    assert mean(c for _, c, _ in strong) > mean(c for _, c, _ in weak) + Decimal("0.5")
    assert mean(r for _, _, r in strong) > mean(r for _, _, r in weak)
    defaulting = [statements[c] for c in p.customer_ids(Behaviour.DEFAULTING)]
    assert any(s.book_equity < 0 for s in defaulting)  # type: ignore[operator]


def test_rejects_what_is_not_a_sample_portfolio() -> None:
    with pytest.raises(ValidationError, match="portfolio: expected a SamplePortfolio"):
        financial_statements(portfolio().ledger)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="portfolio: expected a SamplePortfolio"):
        scoring_inputs(None)  # type: ignore[arg-type]


# -- the scoring inputs ----------------------------------------------------------------------


def test_inputs_are_exactly_what_the_example_scorecard_reads() -> None:
    p = portfolio()
    inputs = scoring_inputs(p)
    needed = {factor.input for factor in example_scorecard().factors}
    assert list(inputs) == [c.id for c in p.ledger.customers]
    for customer_id, values in inputs.items():
        assert set(values) == needed
        statement = financial_statements(p)[customer_id]
        assert values["current_ratio"] == current_ratio(statement)
        assert values["equity_ratio"] == equity_ratio(statement)
        for key in ("years_in_business", "bureau_score"):
            value = values[key]
            assert isinstance(value, Decimal)
            assert value == value.to_integral_value()
        assert 0 <= values["years_in_business"] <= 70  # type: ignore[operator]
        assert 0 <= values["bureau_score"] <= 100  # type: ignore[operator]
    with pytest.raises(TypeError):
        inputs[p.ledger.customers[0].id]["bureau_score"] = Decimal(1)  # type: ignore[index]


def test_legal_form_is_read_off_the_name() -> None:
    p = portfolio()
    inputs = scoring_inputs(p)
    forms = {c.id: c.name for c in p.ledger.customers}
    for customer_id, name in forms.items():
        expected = "partnership" if "GmbH & Co. KG" in name else "corporation"
        assert inputs[customer_id]["legal_form"] == expected, name
    assert {v["legal_form"] for v in inputs.values()} == {"corporation", "partnership"}


def paid_in_window(p: SamplePortfolio) -> dict[str, list[tuple[Decimal, int]]]:
    """(amount paid, days beyond terms) of every invoice paid in the 24-month window."""
    after = p.end - relativedelta(months=24)
    paid: dict[str, list[tuple[Decimal, int]]] = defaultdict(list)
    for s in p.ledger.settlements():
        amount = s.amount.amount - s.credited.amount
        if after < s.settled_on <= p.end and amount > 0:
            paid[s.customer_id].append((amount, s.days_beyond_terms))
    return paid


def test_days_beyond_terms_is_weighted_by_the_amount_paid() -> None:
    p = portfolio()
    inputs = scoring_inputs(p)
    paid = paid_in_window(p)
    checked = 0
    for customer_id, values in inputs.items():
        records = paid.get(customer_id, [])
        if len(records) < 3:
            assert values["days_beyond_terms"] is None
            continue
        total = sum(a for a, _ in records)
        expected = sum(a * d for a, d in records) / total
        assert values["days_beyond_terms"] == expected
        checked += 1
    assert checked > 100


def test_payment_figures_agree_with_credkit_kpi() -> None:
    p = portfolio()
    inputs = scoring_inputs(p)
    behaviours = payment_behaviour(p.ledger.settlements(), as_of=p.end, window_months=24)
    for customer_id, values in inputs.items():
        b = behaviours.get(customer_id)
        if isinstance(b, PaymentBehaviour):
            assert values["payment_index"] == b.payment_index
            assert values["days_beyond_terms"] == b.weighted_days_beyond_terms
        else:
            assert values["payment_index"] is None
            assert values["days_beyond_terms"] is None


def test_customers_without_enough_payment_history_get_missing_payment_figures() -> None:
    p = generate(seed=2, customers=40, months=2)
    inputs = scoring_inputs(p)
    paid = paid_in_window(p)
    short = [c for c in inputs if len(paid.get(c, [])) < 3]
    assert short, "expected customers with little history in a two-month portfolio"
    for customer_id in short:
        assert inputs[customer_id]["payment_index"] is None
        assert inputs[customer_id]["days_beyond_terms"] is None
        result = example_scorecard().score(inputs[customer_id])
        missing = {c.factor for c in result.contributions if c.missing}
        assert {"payment_index", "days_beyond_terms"} <= missing


def test_payers_score_as_they_pay_with_the_example_scorecard() -> None:
    p = portfolio()
    inputs = scoring_inputs(p)
    card = example_scorecard()

    def totals(behaviour: Behaviour) -> list[Decimal]:
        return [card.score(inputs[c]).total for c in p.customer_ids(behaviour)]

    prompt, defaulting = totals(Behaviour.PROMPT), totals(Behaviour.DEFAULTING)
    assert len(prompt) > 40
    assert len(defaulting) > 5
    assert mean(prompt) > mean(defaulting) + 100
    assert mean(totals(Behaviour.DISCOUNT_TAKER)) > mean(totals(Behaviour.SLOW))
    classes = {card.score(inputs[c]).risk_class.name for c in p.customer_ids(Behaviour.PROMPT)}  # type: ignore[union-attr]
    assert classes <= {"A", "B", "C"}


def test_dates_are_as_of_the_portfolio_end() -> None:
    p = generate(seed=9, customers=5, months=6, start=date(2025, 3, 1))
    assert {s.period_end for s in financial_statements(p).values()} == {date(2025, 8, 31)}
