"""The sums of :func:`credkit.io.kpis_from_file`, on either engine.

For each period, ``credkit.kpi.report._report`` needs, per currency: the receivables
open at the end of the day before it starts and on its last day (and of those, the
ones not yet due), the credit sales in it, and the credit sales of each month up to its
end (for the countback DSO). Both engines add these up per currency and month of issue
in integers of the currency's minor unit, keeping the most decimals written in the
amounts each sum adds, so that the ``Decimal`` totals carry the exponent the ``Decimal``
additions of :func:`credkit.kpi.kpis` give them. :class:`PeriodSums` turns those
integers into the totals ``_report`` takes (both engines); :func:`kpi_sums` is the pure
path, a few columns of a block at a time (:func:`credkit.io.erp.history_blocks`), with
no record per line.
"""

from __future__ import annotations

import datetime
from collections.abc import Hashable, Iterable, Sequence
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, Context, Decimal
from typing import Final

from credkit.io.erp import SettledColumns
from credkit.money import minor_units

__all__ = ["KEYS", "PeriodSums", "kpi_sums"]

Sums = dict[Hashable, dict[str, Decimal]]
KEYS: Final = ("beginning", "ending", "current", "sales", "month")
_ONE_DAY: Final = datetime.timedelta(days=1)
_EXACT: Final = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN)
_LIMIT: Final = 10**28
"""Totals of at least 28 digits would be rounded by the pure path's Decimal context."""


class PeriodSums:
    """Sums per period, key of ``_report`` and currency, bucketed per month of issue for
    the credit sales of each month: integers of minor units and the most decimals written."""

    def __init__(self, count: int) -> None:
        self.count = count
        # (period, key, code) -> [minor units, most decimals written, the currency's decimals]
        self._found: dict[tuple[int, Hashable, str], list[int]] = {}

    def add(
        self,
        index: int,
        key: str,
        code: str,
        month: datetime.date,
        minor: int,
        written: int,
        places: int,
    ) -> None:
        """Add ``minor`` units of ``code`` (``places`` decimals), issued in ``month`` and
        written with at most ``written`` decimals, to ``key`` of period ``index``."""
        name: Hashable = ("month", month) if key == "month" else key
        entry = self._found.setdefault((index, name, code), [0, 0, places])
        entry[0] += minor
        entry[1] = max(entry[1], written)

    def result(self) -> list[Sums] | None:
        """Each period's sums as exact ``Decimal`` totals, keyed as ``_report`` keys them;
        None when one is too large for the pure path's 28-digit ``Decimal`` context."""
        result: list[Sums] = [{} for _ in range(self.count)]
        for (index, name, code), (units, written, places) in self._found.items():
            if abs(units) >= _LIMIT:  # pragma: no cover - 10**28 in minor units
                return None
            # exact: each amount is a whole number of 10 ** -written (written may be more
            # decimals than the currency has, as in 12.500 EUR)
            value = Decimal(units).scaleb(-places, context=_EXACT)
            value = value.quantize(Decimal(1).scaleb(-written), context=_EXACT)
            result[index].setdefault(name, {})[code] = value
        return result


def kpi_sums(
    blocks: Iterable[SettledColumns], periods: Sequence[tuple[datetime.date, datetime.date]]
) -> list[Sums] | None:
    """The sums of ``_report`` for each period from the blocks of a payment history, or
    None when a total is too large (see :meth:`PeriodSums.result`)."""
    # units as written per (currency, decimals written, issued, due, settled or None):
    # lines alike are added once, then each distinct line is weighed against each period
    lines: dict[tuple[str, int, datetime.date, datetime.date, datetime.date | None], int] = {}
    get = lines.get
    for columns in blocks:
        settled = zip(
            columns.codes, columns.places, columns.issued, columns.due, columns.settled, strict=True
        )
        for key, units in zip(settled, columns.units, strict=True):
            lines[key] = get(key, 0) + units
        still_open = zip(
            columns.open_codes,
            columns.open_places,
            columns.open_issued,
            columns.open_due,
            [None] * len(columns.open_codes),
            strict=True,
        )
        for line, units in zip(still_open, columns.open_units, strict=True):
            lines[line] = get(line, 0) + units
    # per (period, key, currency, month, decimals written): units as written
    written: dict[tuple[int, str, str, datetime.date, int], int] = {}
    bounds = [(index, start - _ONE_DAY, start, end) for index, (start, end) in enumerate(periods)]
    months: dict[datetime.date, datetime.date] = {}
    for (code, places, issued, due, paid), units in lines.items():
        month = months.get(issued)
        if month is None:
            month = months[issued] = issued.replace(day=1)
        for index, before, start, end in bounds:
            if issued > end:
                continue
            flags = ["month"]
            if issued >= start:
                flags.append("sales")
            if paid is None or paid > end:  # open at the end of the period
                flags.append("ending")
                if due >= end:
                    flags.append("current")
            if issued <= before and (paid is None or paid > before):
                flags.append("beginning")
            for flag in flags:
                bucket = (index, flag, code, month, places)
                written[bucket] = written.get(bucket, 0) + units
    sums = PeriodSums(len(periods))
    decimals: dict[str, int] = {}
    for (index, flag, code, month, places), units in written.items():
        currency = decimals.get(code)
        if currency is None:
            currency = decimals[code] = minor_units(code)
        minor = units * 10 ** (currency - places)
        sums.add(index, flag, code, month, minor, places, currency)
    return sums.result()
