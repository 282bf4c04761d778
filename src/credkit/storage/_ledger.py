"""Putting a whole :class:`~credkit.ledger.Ledger` into a store: private to credkit.

One way for the places that fill a store from a ledger in memory (the portfolio
report of a ledger, the demos' sample store): customers first, then the documents,
then the allocations between them, in one unit of work.
"""

from __future__ import annotations

from credkit.ledger import Ledger
from credkit.storage.protocols import Unit

__all__ = ["add_ledger"]


def add_ledger(unit: Unit, ledger: Ledger) -> None:
    """Add the customers, documents and allocations of ``ledger`` to ``unit``.

    >>> from credkit.storage import MemoryStore
    >>> from credkit.ledger import Customer
    >>> store = MemoryStore()
    >>> with store.unit() as unit:
    ...     add_ledger(unit, Ledger(customers=[Customer("C1", "Acme", country="DE", currency="EUR")]))
    ...     unit.customer_ids()
    ('C1',)
    """
    unit.add_customers(ledger.customers)
    unit.add_documents([*ledger.invoices, *ledger.credit_notes, *ledger.payments])
    unit.add_allocations(ledger.allocations)
