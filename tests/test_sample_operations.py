"""Tests for credkit.sample's limits, open orders and dunning history: determinism, and
consistency with the sample ledger."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

import pytest

from credkit.dunning import Channel, SendStatus
from credkit.errors import ValidationError
from credkit.limits import LimitKind
from credkit.money import minor_units
from credkit.sample import (
    Behaviour,
    SamplePortfolio,
    credit_limits,
    dunning_history,
    generate,
    open_orders,
)
from credkit.storage import limit_in_force


@pytest.fixture(scope="module")
def portfolio() -> SamplePortfolio:
    return generate(seed=11, customers=40)


def test_the_same_portfolio_gives_the_same_records(portfolio: SamplePortfolio) -> None:
    again = generate(seed=11, customers=40)
    assert credit_limits(again) == credit_limits(portfolio)
    assert open_orders(again) == open_orders(portfolio)
    assert dunning_history(again).records == dunning_history(portfolio).records
    other = generate(seed=12, customers=40)
    assert credit_limits(other) != credit_limits(portfolio)


def test_every_function_refuses_what_is_not_a_portfolio() -> None:
    for function in (credit_limits, open_orders, dunning_history):
        with pytest.raises(ValidationError, match="portfolio: expected a SamplePortfolio"):
            function("portfolio")  # type: ignore[arg-type]


# -- limits -------------------------------------------------------------------------------


def test_every_customer_has_an_internal_limit_in_its_currency_all_period_long(
    portfolio: SamplePortfolio,
) -> None:
    limits = credit_limits(portfolio)
    by_customer = defaultdict(list)
    for limit in limits:
        by_customer[limit.customer_id].append(limit)
    customers = {c.id: c for c in portfolio.ledger.customers}
    assert set(by_customer) == set(customers)
    keys = [(limit.customer_id, limit.kind, limit.valid_from) for limit in limits]
    assert len(set(keys)) == len(keys)  # a store's key
    for customer_id, mine in by_customer.items():
        assert {limit.currency for limit in mine} == {customers[customer_id].currency}
        for day in (portfolio.start, portfolio.start + timedelta(days=400), portfolio.end):
            assert limit_in_force(mine, as_of=day) is not None
        for limit in mine:
            assert limit.amount is not None
            places = minor_units(limit.currency)
            assert limit.amount.amount == round(limit.amount.amount, places)


def test_seasons_insurers_and_stops_show_in_the_limits(portfolio: SamplePortfolio) -> None:
    limits = credit_limits(portfolio)
    seasonal = [x for x in limits if x.valid_to is not None and x.valid_from.month == 10]
    assert seasonal
    for season in seasonal:
        mine = [x for x in limits if x.customer_id == season.customer_id]
        base = limit_in_force(mine, as_of=season.valid_from - timedelta(days=1))
        assert base is not None
        assert base.amount is not None
        assert season.amount is not None
        assert limit_in_force(mine, as_of=season.valid_from) == season
        assert season.amount > base.amount
    assert any(x.kind is LimitKind.INSURED for x in limits)
    last_invoice = {i.customer_id: i.issue_date for i in portfolio.ledger.invoices}
    for customer_id in portfolio.customer_ids(Behaviour.DEFAULTING):
        stopped = last_invoice[customer_id]
        if stopped < portfolio.end:
            mine = [x for x in limits if x.customer_id == customer_id]
            after = limit_in_force(mine, as_of=stopped + timedelta(days=1))
            assert after is not None
            assert not after.allows_credit


# -- orders -------------------------------------------------------------------------------


def test_open_orders_are_recent_positive_and_of_active_customers(
    portfolio: SamplePortfolio,
) -> None:
    orders = open_orders(portfolio)
    assert orders
    customers = {c.id: c for c in portfolio.ledger.customers}
    assert [o.order_id for o in orders] == [f"SO-{n:06d}" for n in range(1, len(orders) + 1)]
    assert [o.order_date for o in orders] == sorted(o.order_date for o in orders)
    for order in orders:
        assert order.customer_id in customers
        assert order.amount.currency == customers[order.customer_id].currency
        assert order.adds_exposure
        assert not order.prepaid
        assert 0 <= (portfolio.end - order.order_date).days < 21
        assert order.order_date.weekday() < 5


# -- dunning ------------------------------------------------------------------------------


def test_reminders_are_only_about_items_overdue_on_their_date(
    portfolio: SamplePortfolio,
) -> None:
    history = dunning_history(portfolio)
    assert len(history) > 0
    ledger = portfolio.ledger
    for record in history.records:
        assert portfolio.start <= record.on <= portfolio.end
        assert record.ladder_id == "sample"
        open_then = {
            item.document_id: item
            for item in ledger.open_items(record.on, customer_id=record.customer_id)
        }
        for item_id in record.item_ids:
            assert item_id in open_then, (record, item_id)
            assert open_then[item_id].due_date < record.on
        if record.status is SendStatus.FAILED:
            assert record.channel is Channel.EMAIL
    levels = {record.level for record in history.records}
    assert levels == {1, 2, 3, 4}
    assert any(r.status is SendStatus.FAILED for r in history.records)
    assert any(r.channel is Channel.LETTER and r.level == 1 for r in history.records)


def test_a_short_portfolio_has_dunning_from_its_start_only() -> None:
    portfolio = generate(seed=2, customers=6, months=2)
    for record in dunning_history(portfolio).records:
        assert record.on >= portfolio.start
    limits = credit_limits(portfolio)  # no review and no season within two months
    assert {x.customer_id for x in limits} == {c.id for c in portfolio.ledger.customers}
    assert all(x.valid_to is None for x in limits)
