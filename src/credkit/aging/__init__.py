"""Aged receivables: buckets of days, as-of reports that reconcile to the cent.

:func:`age` turns a :class:`~credkit.ledger.Ledger` (or any open items) into an
:class:`AgingReport` as of a date: one row per customer and currency, with an amount
per :class:`Bucket`, unapplied credits in their own column, the disputed share, and
totals per currency. The explanation page on aging in the documentation gives the
choices behind it.

>>> from datetime import date
>>> from credkit.ledger import DocumentKind, OpenItem
>>> from credkit.money import Money
>>> item = OpenItem("I1", "C1", DocumentKind.INVOICE, date(2026, 1, 1), date(2026, 1, 31),
...                 Money.of("500.00", "EUR"))
>>> report = age([item], as_of=date(2026, 3, 2))
>>> report.buckets.bucket_for(30).label, str(report.row("C1").amounts[1].amount)
('1-30', '500.00')
"""

from credkit.aging.buckets import STANDARD, AgingBasis, Bucket, Buckets
from credkit.aging.report import AgingReport, AgingRow, age
from credkit.aging.valuation import (
    RevaluationLine,
    RevaluationReport,
    RevaluedItem,
    Valuation,
    revalue,
)

__all__ = [
    "STANDARD",
    "AgingBasis",
    "AgingReport",
    "AgingRow",
    "Bucket",
    "Buckets",
    "RevaluationLine",
    "RevaluationReport",
    "RevaluedItem",
    "Valuation",
    "age",
    "revalue",
]
