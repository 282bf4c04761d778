"""What another policy would have decided: the result of replaying logged decisions.

:meth:`credkit.desk.CreditDesk.backtest` re-runs the inputs of every logged decision
(the profile and the order, exactly as the desk saw them) under another policy and
lists the decisions whose outcome or reasons would change.

>>> from datetime import date
>>> from credkit import Money
>>> change = BacktestChange("SO-1", "C1", as_of=date(2026, 5, 4), amount=Money.of(900, "EUR"),
...                         before="approve", after="hold", codes_before=(), codes_after=("OVER_LIMIT",))
>>> change.outcome_changed
True
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping

import attrs

from credkit.money import Money, MoneyTotals

__all__ = ["Backtest", "BacktestChange"]


@attrs.frozen(kw_only=True)
class BacktestChange:
    """One logged decision that the other policy would decide differently.

    ``before`` and ``after`` are outcomes (``"approve"``, ``"hold"``, ``"reject"``);
    ``codes_before`` and ``codes_after`` the reason codes.
    """

    order_id: str = attrs.field(kw_only=False)
    customer_id: str = attrs.field(kw_only=False)
    as_of: datetime.date
    amount: Money
    before: str
    after: str
    codes_before: tuple[str, ...]
    codes_after: tuple[str, ...]

    @property
    def outcome_changed(self) -> bool:
        """Whether the outcome itself changes (not only the reasons).

        >>> from datetime import date
        >>> BacktestChange("SO-1", "C1", as_of=date(2026, 5, 4), amount=Money.of(1, "EUR"),
        ...                before="hold", after="hold", codes_before=("A",), codes_after=("B",)).outcome_changed
        False
        """
        return self.before != self.after


@attrs.frozen(kw_only=True)
class Backtest:
    """Logged decisions replayed under ``policy_id`` version ``policy_version``.

    ``decisions`` counts the decisions replayed; ``changes`` lists those that would
    change; :meth:`totals` sums them per change of outcome.

    >>> from datetime import date
    >>> one = BacktestChange("SO-1", "C1", as_of=date(2026, 5, 4), amount=Money.of(900, "EUR"),
    ...                      before="approve", after="hold", codes_before=(), codes_after=("OVER_LIMIT",))
    >>> Backtest(policy_id="p", policy_version="2", decisions=10, changes=(one,)).totals()
    {('approve', 'hold'): (1, {'EUR': Money('900', 'EUR')})}
    """

    policy_id: str
    policy_version: str
    decisions: int
    changes: tuple[BacktestChange, ...]

    def totals(self) -> Mapping[tuple[str, str], tuple[int, dict[str, Money]]]:
        """Per (before, after) outcome: how many orders, and their amounts per currency."""
        counts: dict[tuple[str, str], int] = {}
        amounts: dict[tuple[str, str], MoneyTotals] = {}
        for change in self.changes:
            key = (change.before, change.after)
            counts[key] = counts.get(key, 0) + 1
            amounts[key] = amounts.get(key, MoneyTotals()) + MoneyTotals.of([change.amount])
        return {
            key: (counts[key], {m.currency: m for m in amounts[key].nonzero()})
            for key in sorted(counts)
        }
