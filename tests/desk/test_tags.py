"""Customer tags reach the desk's profiles, so that policy conditions on tags decide.

D365 "Credit holds" lets blocking rules apply to one customer, a customer group or all
customers (Microsoft Learn, "Sales order credit holds"); credkit's tags play the part of
the group: a rule entry limited by ``when`` runs only for customers with (or without)
some tag, and the desk reads the tags from the stored customer.
"""

from __future__ import annotations

from tests.desk.conftest import DAY, order

from credkit import Money
from credkit.desk import CreditDesk
from credkit.ledger import Customer
from credkit.limits import CreditLimit
from credkit.policy import Outcome, Policy, PolicyEntry, RuleCondition
from credkit.policy.rules import MaxOrderValue, StaticLimit
from credkit.storage import MemoryStore

# Orders above 5,000 EUR are held, except for key accounts.
POLICY = Policy(
    "tags",
    version="1",
    rules=[
        PolicyEntry(StaticLimit()),
        PolicyEntry(
            MaxOrderValue(max_amount=Money.of(5000, "EUR")),
            on_fail="hold",
            when=RuleCondition(none=["tag:key_account"]),
        ),
    ],
)


def _store() -> MemoryStore:
    store = MemoryStore()
    with store.unit() as unit:
        unit.add_customers(
            [
                Customer("KEY", "Key account", country="DE", currency="EUR", tags=["key_account"]),
                Customer("PLAIN", "Other", country="DE", currency="EUR"),
            ]
        )
        for customer_id in ("KEY", "PLAIN"):
            unit.add_limit(
                CreditLimit(
                    customer_id,
                    Money.of(50_000, "EUR"),
                    currency="EUR",
                    valid_from=DAY.replace(day=1),
                )
            )
    return store


def test_the_stored_tags_decide_which_entries_apply() -> None:
    desk = CreditDesk(_store(), POLICY)
    key = desk.check_order(order("SO-1", "KEY", 6000), as_of=DAY)
    plain = desk.check_order(order("SO-2", "PLAIN", 6000), as_of=DAY)
    assert key.profile.tags == ("key_account",)
    assert plain.profile.tags == ()
    assert key.outcome is Outcome.APPROVE
    assert plain.outcome is Outcome.HOLD
    assert plain.codes == ("MAX_ORDER_VALUE",)


def test_at_the_maximum_both_pass() -> None:
    desk = CreditDesk(_store(), POLICY)
    for number, customer_id in enumerate(("KEY", "PLAIN")):
        decision = desk.check_order(order(f"SO-{number}", customer_id, 5000), as_of=DAY)
        assert decision.outcome is Outcome.APPROVE
