"""The orders of the demos: ``credkit demo``'s credit check and the report's held orders.

Private to :mod:`credkit.cli`: :func:`demo_orders` builds a few deterministic orders
against customers of the sample portfolio, which :mod:`credkit.cli.check` checks and
explains and :mod:`credkit.cli.report` puts through a credit desk.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Final

from credkit.cli.check import synthetic_limit
from credkit.money import Money
from credkit.policy import OrderRequest, build_profile
from credkit.sample import Behaviour, SamplePortfolio

__all__ = ["demo_orders"]

_SCENARIOS: Final = (
    # (behaviour wanted, order size as a share of the available credit, prepaid)
    (Behaviour.PROMPT, Decimal("0.4"), False),
    (Behaviour.PROMPT, Decimal("1.5"), False),
    (Behaviour.SLOW, Decimal("0.2"), False),
    (Behaviour.DEFAULTING, Decimal("0.2"), False),
    (Behaviour.DEFAULTING, Decimal("0.2"), True),
    (Behaviour.DISPUTING, Decimal("-0.05"), False),
)


def demo_orders(portfolio: SamplePortfolio, as_of: datetime.date) -> list[OrderRequest]:
    """The demo's orders as of ``as_of``: one per scenario, each for its own sample customer.

    Deterministic: a prompt payer within its limit and one over it, a slow payer, a
    defaulting customer on credit and prepaid, and a return (a negative order), each
    sized as a share of the customer's available credit under its
    :func:`~credkit.cli.check.synthetic_limit`.

    >>> from credkit import sample
    >>> orders = demo_orders(sample.generate(seed=1, customers=6), datetime.date(2026, 11, 30))
    >>> [str(order.amount) for order in orders]
    ['7900 EUR', '475500 EUR', '6500 USD', '200 GBP', '200 GBP', '-1400 EUR']
    """
    ledger = portfolio.ledger
    used: list[str] = []
    orders = []
    for number, (behaviour, share, prepaid) in enumerate(_SCENARIOS, start=1):
        wanted = [c for c in portfolio.customer_ids(behaviour) if c not in used]
        if behaviour is Behaviour.DEFAULTING and prepaid and used:
            wanted = [used[-1]]  # the prepaid order comes from the defaulting customer
        others = [c.id for c in ledger.customers if c.id not in used]
        pool = wanted or others
        if not pool:
            break
        customer_id = pool[0]
        if customer_id not in used:
            used.append(customer_id)
        limit = synthetic_limit(ledger, customer_id, as_of=as_of)
        profile = build_profile(ledger, customer_id, as_of=as_of, limit=limit)
        available = profile.available_credit
        assert available is not None
        base = available.amount if available.amount > 0 else limit.amount
        amount = (base * share / 100).to_integral_value() * 100
        if amount == 0:
            amount = Decimal(100).copy_sign(share)
        orders.append(
            OrderRequest(
                f"SO-{number:03d}",
                Money(amount, limit.currency),
                order_date=as_of,
                prepaid=prepaid,
                customer_id=customer_id,
            )
        )
    return orders
