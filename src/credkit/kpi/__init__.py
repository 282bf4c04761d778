"""Receivables KPIs and customers' payment behaviour.

- ``credkit.kpi.formulas``: the KPIs as plain functions of period figures (DSO
  simple and countback, best possible DSO, average days delinquent, collection
  effectiveness index, bad-debt ratio, turnover, percent current).
- ``credkit.kpi.report``: the same KPIs read off a :class:`~credkit.ledger.Ledger`
  for a period (:func:`kpis`) and month by month (:func:`monthly_series`).
- ``credkit.kpi.behaviour``: days to pay, days beyond terms, a 0-100 payment index
  on the public PAYDEX scale and a trend per customer, from settled invoices
  (:func:`single_currency_behaviour` leaves out customers paid in several currencies
  rather than needing exchange rates).

>>> from credkit.kpi import dso_simple
>>> round(dso_simple(150_000, 1_800_000, 365), 1)
Decimal('30.4')
"""

from credkit.kpi.behaviour import (
    INDEX_ANCHORS,
    BehaviourPartial,
    InsufficientData,
    PaymentBehaviour,
    PaymentTrend,
    TrendDirection,
    behaviour_partial,
    behaviour_records,
    most_deteriorated,
    payment_behaviour,
    payment_index,
    payment_trends,
    single_currency_behaviour,
    window_start,
)
from credkit.kpi.formulas import (
    Amount,
    UndefinedKPIError,
    ar_turnover,
    average_days_delinquent,
    bad_debt_ratio,
    best_possible_dso,
    collection_effectiveness_index,
    dso_countback,
    dso_simple,
    percent_current,
    turnover_days,
)
from credkit.kpi.report import InvoiceHistory, KPIFigures, KPIReport, kpis, monthly_series

__all__ = [
    "INDEX_ANCHORS",
    "Amount",
    "BehaviourPartial",
    "InsufficientData",
    "InvoiceHistory",
    "KPIFigures",
    "KPIReport",
    "PaymentBehaviour",
    "PaymentTrend",
    "TrendDirection",
    "UndefinedKPIError",
    "ar_turnover",
    "average_days_delinquent",
    "bad_debt_ratio",
    "behaviour_partial",
    "behaviour_records",
    "best_possible_dso",
    "collection_effectiveness_index",
    "dso_countback",
    "dso_simple",
    "kpis",
    "monthly_series",
    "most_deteriorated",
    "payment_behaviour",
    "payment_index",
    "payment_trends",
    "percent_current",
    "single_currency_behaviour",
    "turnover_days",
    "window_start",
]
