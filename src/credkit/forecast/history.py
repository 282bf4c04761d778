"""What was known on a date: a ledger cut at ``as_of``, and the payment history behind a forecast.

:func:`known_on` keeps the documents dated on or before ``as_of`` and the allocations
applied on or before it: the ledger as the books stood that evening. A forecast or a
backtest from a past date reads only that, so no later payment can leak into it.

:func:`days_beyond_terms` lists, per customer, the days beyond terms (settlement date
minus due date, negative when early) of the invoices paid in full in the window
``window_months`` up to ``as_of``, counting only invoices whose every allocation was
applied by ``as_of`` (a payment applied later was not known then). Invoices settled
entirely by credit notes were cancelled rather than paid and are left out, as
:func:`credkit.kpi.payment_behaviour` does.

>>> from datetime import date
>>> from credkit.ledger import Customer, Invoice, Ledger, Payment
>>> from credkit.money import Money
>>> ledger = Ledger(
...     customers=[Customer("C1", "Acme", country="DE", currency="EUR")],
...     invoices=[Invoice("I1", "C1", date(2026, 1, 1), date(2026, 1, 31), Money.of(100, "EUR"))],
...     payments=[Payment("P1", "C1", date(2026, 2, 4), Money.of(100, "EUR"))],
... ).apply_oldest_first("P1")
>>> days_beyond_terms(ledger, as_of=date(2026, 2, 3)), days_beyond_terms(ledger, as_of=date(2026, 3, 1))
({}, {'C1': (4,)})
>>> len(known_on(ledger, date(2026, 2, 3)).payments)
0
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from credkit._validate import check_date, describe
from credkit.errors import ValidationError
from credkit.kpi import window_start
from credkit.ledger import Ledger

__all__ = ["days_beyond_terms", "known_on"]


def _ledger(value: object) -> Ledger:
    if not isinstance(value, Ledger):
        raise ValidationError(f"ledger: expected a Ledger, got {describe(value)}")
    return value


def known_on(ledger: Ledger, as_of: datetime.date) -> Ledger:
    """The ledger as it stood on ``as_of``: documents dated and allocations applied by then.

    >>> from datetime import date
    >>> known_on(Ledger(), date(2026, 1, 1)).customers
    ()
    """
    _ledger(ledger)
    check_date(as_of, "as_of")
    return Ledger(
        customers=ledger.customers,
        invoices=[i for i in ledger.invoices if i.issue_date <= as_of],
        credit_notes=[c for c in ledger.credit_notes if c.issue_date <= as_of],
        payments=[p for p in ledger.payments if p.received_on <= as_of],
        allocations=[a for a in ledger.allocations if a.applied_on <= as_of],
    )


def days_beyond_terms(
    ledger: Ledger, *, as_of: datetime.date, window_months: int = 24
) -> dict[str, tuple[int, ...]]:
    """Customer id -> days beyond terms of its invoices paid in the window, sorted.

    Customers without such invoices are left out.

    >>> from datetime import date
    >>> days_beyond_terms(Ledger(), as_of=date(2026, 1, 1), window_months=0)
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: window_months: expected a whole number from 1 to 1200, got 0
    """
    _ledger(ledger)
    check_date(as_of, "as_of")
    if (
        isinstance(window_months, bool)
        or not isinstance(window_months, int)
        or not 1 <= window_months <= 1200
    ):
        raise ValidationError(
            f"window_months: expected a whole number from 1 to 1200, got {window_months!r}"
        )
    first = window_start(as_of, window_months=window_months)
    last_applied: dict[str, datetime.date] = {}
    for allocation in ledger.allocations:
        seen = last_applied.get(allocation.target_id)
        if seen is None or allocation.applied_on > seen:
            last_applied[allocation.target_id] = allocation.applied_on
    found: dict[str, list[int]] = defaultdict(list)
    for settlement in ledger.settlements():
        if last_applied[settlement.invoice_id] > as_of or settlement.settled_on < first:
            continue
        if settlement.credited == settlement.amount:
            continue
        found[settlement.customer_id].append(settlement.days_beyond_terms)
    return {customer: tuple(sorted(days)) for customer, days in sorted(found.items())}
