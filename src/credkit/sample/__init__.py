"""A seeded generator of a realistic synthetic receivables portfolio.

:func:`generate` builds a :class:`~credkit.ledger.Ledger` of business customers in
several countries and currencies, two years (by default) of invoices, and the
payments, credit notes and allocations that follow from each customer's payment
:class:`Behaviour`: prompt payers, discount takers, slow payers, customers whose
payments deteriorate, customers who dispute invoices and customers who stop
paying. It is meant for demos, documentation, tutorials and tests of the
calculators that read a ledger (aging, KPIs, scoring, dunning).
:func:`financial_statements` and :func:`scoring_inputs` add what a scorecard needs
beyond the ledger: a yearly statement, a company age and a bureau score per customer.
:func:`credit_limits`, :func:`open_orders` and :func:`dunning_history` add what a
running credit system keeps beside it: limits over time, open sales orders and the
reminders sent.

The same seed and arguments always give the same portfolio: the generator draws
from one :class:`random.Random` seeded with ``seed`` and reads no clock and no
global state.

>>> portfolio = generate(seed=1, customers=5)
>>> portfolio.ledger.customers[0].id
'C001'
>>> portfolio.start.isoformat(), portfolio.end.isoformat()
('2024-12-01', '2026-11-30')
>>> portfolio.ledger.last_date() <= portfolio.end
True
"""

from credkit.sample.generator import generate
from credkit.sample.operations import credit_limits, dunning_history, open_orders
from credkit.sample.portfolio import Behaviour, SamplePortfolio
from credkit.sample.statements import financial_statements, scoring_inputs

__all__ = [
    "Behaviour",
    "SamplePortfolio",
    "credit_limits",
    "dunning_history",
    "financial_statements",
    "generate",
    "open_orders",
    "scoring_inputs",
]
