"""The portfolio report: one self-contained HTML page of a receivables book as of a date.

- ``credkit.report.figures``: :func:`portfolio_report` gathers a
  :class:`PortfolioReport` from a store (or a ledger and its limits): aging per
  currency, DSO and CEI per month, exposure against limits by risk class
  (:class:`ExposureLine`), the top deteriorating payers, held orders (:class:`Hold`),
  the monitor's alerts and the collection worklist.
- ``credkit.report.html``: :func:`render_html`, the page, with inline CSS and SVG,
  a table beside every chart, and no script.
- ``credkit.report.svg``: :func:`stacked_bar_chart` and :func:`line_chart`, inline
  SVG charts as text, and :func:`stack`, the geometry of a stacked bar.

>>> from datetime import date
>>> from credkit.ledger import Ledger
>>> page = render_html(portfolio_report(Ledger(), as_of=date(2026, 3, 31)))
>>> "<h1>Credit portfolio report</h1>" in page
True
"""

from credkit.report.figures import (
    SNAPSHOTS,
    UNRATED,
    ExposureLine,
    Hold,
    PortfolioReport,
    portfolio_report,
)
from credkit.report.html import render_html
from credkit.report.svg import Segment, line_chart, nice_ticks, stack, stacked_bar_chart

__all__ = [
    "SNAPSHOTS",
    "UNRATED",
    "ExposureLine",
    "Hold",
    "PortfolioReport",
    "Segment",
    "line_chart",
    "nice_ticks",
    "portfolio_report",
    "render_html",
    "stack",
    "stacked_bar_chart",
]
