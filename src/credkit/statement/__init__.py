"""Statements of account: what a customer owed, was invoiced, credited and paid in a period.

- ``credkit.statement.account``: :func:`statement` builds a :class:`Statement` from a
  :class:`~credkit.ledger.Ledger`: per currency an opening balance, the period's
  documents and allocations with a running balance, the closing balance and an aging
  summary; opening plus the lines always equals closing, to the cent.
- ``credkit.statement.render``: :func:`render_text`, :func:`render_csv` and
  :func:`render_html`, localised with babel; the text and HTML layouts are Jinja2
  templates a host may replace, rendered in the letters sandbox
  (:mod:`credkit.dunning.letters`).

>>> from datetime import date
>>> from credkit.ledger import Customer, Invoice, Ledger
>>> from credkit.money import Money
>>> ledger = Ledger(
...     customers=[Customer("C1", "Acme GmbH", country="DE", currency="EUR")],
...     invoices=[Invoice("I1", "C1", date(2026, 3, 2), date(2026, 4, 1), Money.of("80.00", "EUR"))],
... )
>>> str(statement(ledger, "C1", as_of=date(2026, 3, 31)).section("EUR").closing)
'80.00 EUR'
"""

from credkit.statement.account import (
    CurrencyStatement,
    LineKind,
    Statement,
    StatementLine,
    statement,
)
from credkit.statement.render import (
    CSV_COLUMNS,
    HTML_TEMPLATE,
    render_csv,
    render_html,
    render_template,
    render_text,
    statement_context,
)

__all__ = [
    "CSV_COLUMNS",
    "HTML_TEMPLATE",
    "CurrencyStatement",
    "LineKind",
    "Statement",
    "StatementLine",
    "render_csv",
    "render_html",
    "render_template",
    "render_text",
    "statement",
    "statement_context",
]
