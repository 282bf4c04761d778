"""Cash-in forecast: when open receivables are expected to be paid, and how good that is.

- ``credkit.forecast.cash``: :func:`cash_forecast` dates each open invoice from the
  customer's payment history (with fallbacks to its segment, country and the whole
  book), overridden by promises to pay and payment plans, and sums the result into
  weeks and months per currency that add up exactly to the open balance.
- ``credkit.forecast.history``: :func:`known_on`, the ledger as it stood on a date,
  and :func:`days_beyond_terms`, the payment history a forecast reads.
- ``credkit.forecast.backtesting``: :func:`backtest` forecasts from a past date with
  only what was known then and compares with what was collected, against the naive
  "paid on the due date" forecast.

>>> from datetime import date
>>> from credkit.ledger import Customer, Invoice, Ledger
>>> from credkit.money import Money
>>> ledger = Ledger(
...     customers=[Customer("C1", "Acme", country="DE", currency="EUR")],
...     invoices=[Invoice("I1", "C1", date(2026, 3, 2), date(2026, 4, 1), Money.of("100.00", "EUR"))],
... )
>>> str(cash_forecast(ledger, as_of=date(2026, 3, 31)).total("EUR"))
'100.00 EUR'
"""

from credkit.forecast.backtesting import Backtest, CurrencyErrors, backtest
from credkit.forecast.cash import (
    Basis,
    CashForecast,
    ExpectedPayment,
    ForecastModel,
    ForecastPeriod,
    ItemForecast,
    cash_forecast,
)
from credkit.forecast.history import days_beyond_terms, known_on

__all__ = [
    "Backtest",
    "Basis",
    "CashForecast",
    "CurrencyErrors",
    "ExpectedPayment",
    "ForecastModel",
    "ForecastPeriod",
    "ItemForecast",
    "backtest",
    "cash_forecast",
    "days_beyond_terms",
    "known_on",
]
