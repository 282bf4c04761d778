"""The columnar engine of :func:`credkit.io.kpis_from_file`: ``engine="polars"``.

Imported only when a caller asks for that engine (the ``polars`` extra). It reads the
file with the checked scans of the payment-history engine
(:func:`credkit.io._polars_behaviour.checked_history`: the same checks as
:func:`~credkit.io.read_invoices` and :func:`~credkit.io.read_settlements`, an invoice
given twice included), then sums, per currency and month of issue, in integers of the
currency's minor unit (Int128 sums, never floats), what :func:`credkit.kpi.kpis` adds up
for each period: the receivables open at the end of the day before it starts and on
its last day (and of those, the ones not yet due), the credit sales in it, and the
credit sales of each month up to its end (for the countback DSO). Each sum also keeps
the most decimals written in the amounts it adds, so that the ``Decimal`` totals
carry the exponent the pure path's ``Decimal`` additions give them; the totals are
made of them as on the pure path (:class:`credkit.io._kpi_sums.PeriodSums`), and the
figures by ``credkit.kpi.report._report``.

Any line it does not read natively or that breaks a rule, a header it does not read,
or a total too large for the pure path's 28-digit ``Decimal`` context makes it return
None: the pure path then reads the file and gives the report or the error naming the
file, the line and the column.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Sequence
from typing import Any, Final

from credkit.errors import CredkitError
from credkit.io._kpi_sums import KEYS, PeriodSums, Sums
from credkit.io._polars import (
    _collect,
    _simple_header,
    _unsupported_error,
    polars_for,
)
from credkit.io._polars_behaviour import checked_history
from credkit.io.erp import _table
from credkit.io.mapping import ColumnMapping

__all__ = ["kpi_sums_polars"]

_Path = str | os.PathLike[str]
_ONE_DAY: Final = datetime.timedelta(days=1)


def kpi_sums_polars(
    path: _Path,
    *,
    mapping: ColumnMapping,
    periods: Sequence[tuple[datetime.date, datetime.date]],
    currency: str | None = None,
    rates: object = None,
) -> list[Sums] | None:
    """The sums of ``credkit.kpi.report._report`` for each period, or None where the
    pure path must read the file (a reporting currency is an option it does not
    implement)."""
    if mapping.settled_on is None:  # pragma: no cover - checked before
        raise _unsupported_error("a mapping without settled_on")
    pl = polars_for(mapping, currency, rates)
    try:
        table = _table(path, mapping, mapping.settled_on)
    except CredkitError:
        return None  # the pure path raises its own error (read_invoices reads first)
    if not _simple_header(table):
        return None
    shape, scan, twice = checked_history(pl, table, mapping)
    summed = _collect(pl, shape, _sums(pl, scan, periods), twice)
    if summed is None:
        return None
    return _totals(summed, len(periods))


def _sums(pl: Any, scan: Any, periods: Sequence[tuple[datetime.date, datetime.date]]) -> Any:
    """Per (currency, month of issue): each period's sums and their most decimals."""
    issued, due, settled = pl.col("_issued"), pl.col("_due"), pl.col("_settled")
    opened, bad = pl.col("_open"), pl.col("_bad")
    minor, digits = pl.col("_minor").cast(pl.Int128), pl.col("_decimals")
    last = max(end for _start, end in periods)
    rows = scan.filter(bad | (issued <= pl.lit(last))).with_columns(
        issued.dt.month_start().alias("_month")
    )

    def open_on(day: datetime.date) -> Any:
        # issued by then and not settled by then (an open line has no settled date)
        return (issued <= pl.lit(day)) & (opened | (settled > pl.lit(day)))

    sums = [bad.any().alias("bad"), pl.col("_places").first().alias("places")]
    for index, (start, end) in enumerate(periods):
        ending = open_on(end)
        flags = {
            "beginning": open_on(start - _ONE_DAY),
            "ending": ending,
            "current": ending & (due >= pl.lit(end)),
            "sales": (issued >= pl.lit(start)) & (issued <= pl.lit(end)),
            "month": issued <= pl.lit(end),
        }
        for key in KEYS:
            flag = flags[key]
            sums.append(pl.when(flag).then(minor).otherwise(0).sum().alias(f"{key}{index}"))
            sums.append(pl.when(flag).then(digits).max().alias(f"{key}{index}_places"))
    return rows.group_by("_code", "_month").agg(*sums)


def _totals(summed: Any, count: int) -> list[Sums] | None:
    """The sums of each period as exact ``Decimal`` totals, keyed as the pure path keys them."""
    sums = PeriodSums(count)
    for row in summed.iter_rows(named=True):
        code, month, places = row["_code"], row["_month"], row["places"]
        for index in range(count):
            for key in KEYS:
                written = row[f"{key}{index}_places"]
                if written is None:
                    continue  # nothing of this currency and month in this sum
                sums.add(index, key, code, month, row[f"{key}{index}"], written, places)
    return sums.result()
