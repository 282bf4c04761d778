"""Exchange rates from CSV: one dated rate per line.

``rates.csv`` has the columns ``valid_from`` (ISO date), ``base``, ``quote`` and
``rate`` (units of ``quote`` for one ``base``, a plain decimal), the shape of
:class:`~credkit.fx.Rate`.

>>> import pathlib, tempfile
>>> from datetime import date
>>> with tempfile.TemporaryDirectory() as directory:
...     path = pathlib.Path(directory, "rates.csv")
...     _ = path.write_text("valid_from,base,quote,rate\\n2026-01-02,EUR,USD,1.0350\\n")
...     table = read_rates(path)
>>> table.rate("EUR", "USD", date(2026, 1, 31))
Decimal('1.0350')
"""

from __future__ import annotations

import os

from credkit.errors import ValidationError
from credkit.fx import Rate, RateTable
from credkit.io._table import Row, Table

__all__ = ["read_rates"]


def read_rates(path: str | os.PathLike[str], *, pivot: str | None = None) -> RateTable:
    """A :class:`~credkit.fx.RateTable` from a CSV of dated rates.

    ``pivot`` is passed on to the table (the currency through which cross rates are
    derived). Two different rates for one pair and date are refused, naming the line.

    >>> import pathlib, tempfile
    >>> with tempfile.TemporaryDirectory() as directory:
    ...     path = pathlib.Path(directory, "rates.csv")
    ...     _ = path.write_text("valid_from,base,quote,rate\\n2026-01-02,EUR,USD,1,035\\n")
    ...     read_rates(path)
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: .../rates.csv, line 2: has 5 fields, the header has 4; check the delimiter and the quoting
    """
    table = Table(path, columns=("valid_from", "base", "quote", "rate"), strip=True)
    rates: list[Rate] = []
    lines: list[int] = []
    for line, cells in table.rows():
        row = Row(table, line, cells)
        try:
            rates.append(
                Rate(
                    row.text("base"),
                    row.text("quote"),
                    row.date("valid_from"),
                    row.amount("rate"),
                )
            )
        except ValueError as error:
            raise row.fail(error) from None
        lines.append(line)
    try:
        return RateTable(tuple(rates), pivot=pivot)
    except ValidationError as error:
        message = error.message
        if message.startswith("rates["):
            index = int(message[len("rates[") : message.index("]")])
            detail = message[message.index("]: ") + 3 :]
            raise table.error(lines[index], None, detail) from None
        raise
