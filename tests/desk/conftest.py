"""Shared pieces of the desk tests: a small book, a policy, users."""

from __future__ import annotations

import datetime
from typing import Any

from credkit import Money
from credkit.desk import CreditDesk, RoleTable
from credkit.ledger import Customer, Invoice
from credkit.limits import ApprovalMatrix, AuthorityBand, CreditLimit
from credkit.policy import OrderRequest, Policy, PolicyEntry
from credkit.policy.rules import GroupLimit, StaticLimit
from credkit.storage import Store

DAY = datetime.date(2026, 5, 4)
POLICY = Policy(
    "standard", version="1", rules=[PolicyEntry(StaticLimit()), PolicyEntry(GroupLimit())]
)
USERS = RoleTable(
    users={
        "clerk": ["credit_clerk"],
        "manager": ["credit_manager"],
        "boss": ["controller"],
        "olga": ["auditor"],
    }
)
# who may release how much over the limit: clerks a little, managers more, two above that
APPROVALS = ApprovalMatrix(
    "over-limit",
    version="1",
    currency="EUR",
    bands=(
        AuthorityBand(max_amount=500, roles=("credit_clerk", "credit_manager", "controller")),
        AuthorityBand(min_amount=500, max_amount=5000, roles=("credit_manager", "controller")),
        AuthorityBand(min_amount=5000, roles=("credit_manager", "controller"), approvals=2),
    ),
)


def customer(customer_id: str, parent_id: str | None = None) -> Customer:
    return Customer(
        customer_id, f"Customer {customer_id}", country="DE", currency="EUR", parent_id=parent_id
    )


def limit(customer_id: str, amount: int | None, start: datetime.date = DAY) -> CreditLimit:
    value = None if amount is None else Money.of(amount, "EUR")
    return CreditLimit(
        customer_id, value, currency="EUR", valid_from=start - datetime.timedelta(30)
    )


def order(
    order_id: str, customer_id: str, amount: int | str, day: datetime.date = DAY
) -> OrderRequest:
    return OrderRequest(order_id, Money.of(amount, "EUR"), order_date=day, customer_id=customer_id)


def invoice(invoice_id: str, customer_id: str, amount: int | str) -> Invoice:
    return Invoice(
        invoice_id,
        customer_id,
        DAY - datetime.timedelta(10),
        DAY + datetime.timedelta(20),
        Money.of(amount, "EUR"),
    )


def book(
    store: Store, limits: dict[str, int | None], parents: dict[str, str] | None = None
) -> None:
    parents = parents or {}
    with store.unit() as unit:
        unit.add_customers([customer(c, parents.get(c)) for c in limits])
        for customer_id, amount in limits.items():
            unit.add_limit(limit(customer_id, amount))


def desk(store: Store, **options: Any) -> CreditDesk:
    """A desk over ``store`` with the test users and approvals and a clock that ticks a second."""
    clock = iter(
        datetime.datetime(2026, 5, 4, 9, tzinfo=datetime.UTC) + datetime.timedelta(seconds=n)
        for n in range(10**6)
    )
    settings: dict[str, Any] = {
        "authorizer": USERS,
        "approvals": APPROVALS,
        "clock": lambda: next(clock),
        **options,
    }
    return CreditDesk(store, settings.pop("policies", POLICY), **settings)
