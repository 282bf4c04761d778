"""Receivables KPIs of a period straight from one CSV export: :func:`kpis_from_file`.

``kpis_from_file(path, mapping=m, period_start=a, period_end=b)`` gives what
``kpis(InvoiceHistory(read_invoices(path, mapping=m), read_settlements(path,
mapping=m)), period_start=a, period_end=b)`` gives. ``engine="polars"`` sums the
figures with a lazy, streaming polars query instead of building a record per line
(see :mod:`credkit.io._polars_kpi`); the pure path sums them too, a block of columns
at a time with no record per line (see :mod:`credkit.io._kpi_sums`), except when
converting into a reporting currency. Both engines make the figures of the sums with
the same code.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Sequence
from typing import Literal

from credkit.errors import CredkitError, ValidationError
from credkit.fx import RateSource
from credkit.io._kpi_sums import Sums, kpi_sums
from credkit.io.erp import (
    _check_mapping,
    _settled_column,
    history_blocks,
    read_invoices,
    read_settlements,
)
from credkit.io.mapping import ColumnMapping
from credkit.kpi.report import (
    InvoiceHistory,
    KPIReport,
    _check_period,
    _check_reporting,
    _report,
    kpis,
)

__all__ = ["kpis_from_file"]

_Path = str | os.PathLike[str]


def kpis_from_file(
    path: _Path,
    *,
    mapping: ColumnMapping,
    period_start: datetime.date,
    period_end: datetime.date,
    currency: str | None = None,
    rates: RateSource | None = None,
    engine: Literal["python", "polars"] = "python",
) -> KPIReport:
    """The receivables KPIs of a period from one CSV export of invoices with a
    settled-date column (``mapping.settled_on``).

    Equal to ``kpis(InvoiceHistory(read_invoices(path, mapping=mapping),
    read_settlements(path, mapping=mapping)), period_start=..., period_end=...,
    currency=..., rates=...)`` (see :func:`credkit.kpi.kpis`), with the errors of those
    readers (file, line and column of the first bad line); the period, ``currency`` and
    ``rates`` are checked before the file is read. ``engine="polars"`` (the ``polars``
    extra) sums the figures with a lazy, streaming polars query, in integers of minor
    units, with the same checks and an equal report: a file with a line that engine does
    not read natively (a quoted cell, an amount with thousands separators, a padded
    cell) or with any problem is read again by the pure path, which gives its report or
    its error; options it does not implement (``currency`` and ``rates``, a date format
    other than ISO, a decimal comma, another encoding, ``due_days``, ``booked``) raise a
    :class:`~credkit.errors.ValidationError` naming ``engine``.

    >>> import pathlib, tempfile
    >>> from datetime import date
    >>> mapping = ColumnMapping(settled_on="paid_on")
    >>> with tempfile.TemporaryDirectory() as directory:
    ...     path = pathlib.Path(directory, "history.csv")
    ...     _ = path.write_text("id,customer_id,issue_date,due_date,amount,currency,paid_on\\n"
    ...                         "I1,C1,2026-01-10,2026-02-09,3000.00,EUR,2026-02-20\\n"
    ...                         "I2,C1,2026-03-20,2026-04-19,1000.00,EUR,\\n")
    ...     report = kpis_from_file(path, mapping=mapping, period_start=date(2026, 1, 1),
    ...                             period_end=date(2026, 3, 31))
    >>> eur = report["EUR"]
    >>> str(eur.credit_sales), str(eur.ending_ar), eur.dso
    ('4000.00 EUR', '1000.00 EUR', Decimal('22.5'))
    """
    (report,) = _reports_from_file(
        path,
        mapping=mapping,
        periods=[(period_start, period_end)],
        currency=currency,
        rates=rates,
        engine=engine,
    )
    return report


def _reports_from_file(
    path: _Path,
    *,
    mapping: ColumnMapping,
    periods: Sequence[tuple[object, object]],
    currency: str | None,
    rates: RateSource | None,
    engine: str,
) -> tuple[KPIReport, ...]:
    """One report per period (first day, last day) from one reading of the file: the
    KPIs of ``credkit kpi`` and its ``--monthly`` series."""
    checked = [_check_period(start, end) for start, end in periods]
    to = _check_reporting(currency, rates)
    mapping = _check_mapping(mapping)
    _settled_column(mapping)
    if engine == "polars":
        # only when asked for: polars is optional
        from credkit.io._polars_kpi import kpi_sums_polars

        found = kpi_sums_polars(
            path, mapping=mapping, periods=checked, currency=currency, rates=rates
        )
        if found is not None:
            return tuple(
                _report(sums, start=start, end=end, to=None, write_offs=False)
                for sums, (start, end) in zip(found, checked, strict=True)
            )
    elif engine != "python":
        raise ValidationError(f"engine: expected 'python' or 'polars', got {engine!r}")
    if to is None:
        summed = _sums_from_file(path, mapping, checked)
        if summed is not None:
            return tuple(
                _report(sums, start=start, end=end, to=None, write_offs=False)
                for sums, (start, end) in zip(summed, checked, strict=True)
            )
    # converting into a reporting currency (on each document's date), or a total too
    # large for exact sums: the records, as kpis() reads them
    history = InvoiceHistory(
        read_invoices(path, mapping=mapping), read_settlements(path, mapping=mapping)
    )
    return tuple(
        kpis(history, period_start=start, period_end=end, currency=currency, rates=rates)
        for start, end in checked
    )


def _sums_from_file(
    path: _Path, mapping: ColumnMapping, periods: Sequence[tuple[datetime.date, datetime.date]]
) -> list[Sums] | None:
    """The sums of each period, read a block of columns at a time with the checks of
    :func:`~credkit.io.read_payment_history`; None if a total is too large for them.

    That reader checks each line in file order, while the records' route reads every
    invoice (:func:`~credkit.io.read_invoices`) before the settled dates: on an error,
    ``read_invoices`` raises first if any invoice is bad, else the error stands (it is
    the error of :func:`~credkit.io.read_settlements`).
    """
    try:
        return kpi_sums(history_blocks(path, mapping=mapping), periods)
    except (CredkitError, OSError, ValueError):
        read_invoices(path, mapping=mapping)
        raise
