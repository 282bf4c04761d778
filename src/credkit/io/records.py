"""Credit limits, open sales orders and dunning history as CSV files.

Beside the five files of a ledger (:mod:`credkit.io.canonical`), a directory written
by ``credkit sample`` holds what a running credit system keeps about its customers,
one UTF-8 CSV file per kind with a header line:

| file | columns |
|---|---|
| ``limits.csv`` | customer_id, amount, currency, valid_from, valid_to, next_review, kind, approved_by, approved_on |
| ``orders.csv`` | order_id, customer_id, amount, currency, ordered_on |
| ``dunning.csv`` | customer_id, item_ids, level, on, channel, status, ladder_id |

Each reader returns the core's own values: :class:`~credkit.limits.CreditLimit`,
:class:`~credkit.policy.OrderRequest` (with its ``customer_id``; a store holds an
open order as a reservation) and :class:`~credkit.dunning.DunningRecord`. Each
writer writes what its reader reads back into equal values.

The layout is the canonical one's: lines end in CRLF, dates are ISO
(``2026-01-31``), amounts plain decimal strings with a point (``1250.00``), and text is
kept exactly as written. In ``limits.csv`` an empty ``amount`` is *no limit*
(``0`` is a real limit: no credit); ``kind`` is ``internal`` or ``insured``. Lists
(``approved_by``, ``item_ids``) are separated by ``;``. The columns ``valid_to``,
``next_review``, ``kind``, ``approved_by``, ``approved_on``, ``status`` and
``ladder_id`` may be left out of a file (``kind`` is then ``internal`` and ``status``
``sent``). Errors name the file, the line and the column.

>>> import pathlib, tempfile
>>> from datetime import date
>>> from credkit.limits import CreditLimit
>>> from credkit.money import Money
>>> limit = CreditLimit("C1", Money.of(50000, "EUR"), currency="EUR", valid_from=date(2026, 1, 1))
>>> with tempfile.TemporaryDirectory() as directory:
...     path = write_limits([limit], pathlib.Path(directory, "limits.csv"))
...     read_limits(path) == (limit,)
True
"""

from __future__ import annotations

import csv
import datetime
import os
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, Final, TypeVar

from credkit.dunning import Channel, DunningHistory, DunningRecord, SendStatus
from credkit.errors import ValidationError
from credkit.io._table import Row, Table
from credkit.limits import CreditLimit, LimitKind
from credkit.money import Money
from credkit.policy import OrderRequest

__all__ = [
    "RECORD_FILES",
    "line_numbers",
    "read_dunning",
    "read_limits",
    "read_orders",
    "write_dunning",
    "write_limits",
    "write_orders",
]

RECORD_FILES: Final = {
    "limits": (
        "limits.csv",
        (
            "customer_id",
            "amount",
            "currency",
            "valid_from",
            "valid_to",
            "next_review",
            "kind",
            "approved_by",
            "approved_on",
        ),
    ),
    "orders": ("orders.csv", ("order_id", "customer_id", "amount", "currency", "ordered_on")),
    "dunning": (
        "dunning.csv",
        ("customer_id", "item_ids", "level", "on", "channel", "status", "ladder_id"),
    ),
}
"""Kind -> (file name, columns) of the files beside a ledger, in writing order."""

_OPTIONAL: Final = {
    "limits": frozenset({"valid_to", "next_review", "kind", "approved_by", "approved_on"}),
    "orders": frozenset(),
    "dunning": frozenset({"status", "ladder_id"}),
}
_SEPARATOR: Final = ";"
_LEVEL: Final = re.compile(r"[0-9]{1,6}")

_Path = str | os.PathLike[str]
_T = TypeVar("_T")


# -- writing --------------------------------------------------------------------------


def _date(value: datetime.date | None) -> str:
    return "" if value is None else value.isoformat()


def _amount(money: Money | None) -> str:
    return "" if money is None else format(money.amount, "f")


def _joined(values: Sequence[str], field: str) -> str:
    for value in values:
        if _SEPARATOR in value:
            raise ValidationError(
                f"{field}: {value!r} holds {_SEPARATOR!r}, which separates the values of the "
                "column; such an id cannot be written to the file"
            )
    return _SEPARATOR.join(values)


def _check_all(records: Iterable[object], cls: type[_T], name: str) -> list[_T]:
    result: list[_T] = []
    for index, record in enumerate(records):
        if not isinstance(record, cls):
            raise ValidationError(
                f"{name}[{index}]: expected a {cls.__name__}, got {type(record).__name__} {record!r}"
            )
        result.append(record)
    return result


def _write(path: _Path, kind: str, rows: Iterable[Sequence[str]]) -> Path:
    target = Path(path)
    _, columns = RECORD_FILES[kind]
    try:
        with target.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\r\n")
            writer.writerow(columns)
            writer.writerows(rows)
    except OSError as error:
        raise ValidationError(
            f"path: cannot write {str(target)!r} ({error.strerror or error})"
        ) from None
    return target


def _limit_cells(limit: CreditLimit) -> list[str]:
    return [
        limit.customer_id,
        _amount(limit.amount),
        limit.currency,
        _date(limit.valid_from),
        _date(limit.valid_to),
        _date(limit.next_review),
        limit.kind.value,
        _joined(limit.approved_by, "approved_by"),
        _date(limit.approved_on),
    ]


def write_limits(limits: Iterable[CreditLimit], path: _Path) -> Path:
    """Write credit limits to the CSV file ``path`` (replaced if it exists); return the path.

    >>> import pathlib, tempfile
    >>> from datetime import date
    >>> limit = CreditLimit("C1", None, currency="USD", valid_from=date(2026, 1, 1),
    ...                     kind=LimitKind.INSURED)
    >>> with tempfile.TemporaryDirectory() as directory:
    ...     path = write_limits([limit], pathlib.Path(directory, "limits.csv"))
    ...     path.read_text().splitlines()[1]
    'C1,,USD,2026-01-01,,,insured,,'
    """
    checked = _check_all(limits, CreditLimit, "limits")
    return _write(path, "limits", [_limit_cells(limit) for limit in checked])


def write_orders(orders: Iterable[OrderRequest], path: _Path) -> Path:
    """Write open sales orders to the CSV file ``path``; return the path.

    Every order needs its ``customer_id``; ``prepaid`` orders add no exposure, so they
    are not open orders of this kind and are refused.

    >>> import pathlib, tempfile
    >>> from datetime import date
    >>> order = OrderRequest("SO-1", Money.of("1200.00", "EUR"), order_date=date(2026, 11, 23),
    ...                      customer_id="C1")
    >>> with tempfile.TemporaryDirectory() as directory:
    ...     path = write_orders([order], pathlib.Path(directory, "orders.csv"))
    ...     path.read_text().splitlines()[1]
    'SO-1,C1,1200.00,EUR,2026-11-23'
    """
    rows = []
    for index, order in enumerate(_check_all(orders, OrderRequest, "orders")):
        if order.customer_id is None:
            raise ValidationError(f"orders[{index}].customer_id: an open order needs a customer")
        if order.prepaid or not order.adds_exposure:
            raise ValidationError(
                f"orders[{index}]: order {order.order_id!r} adds no exposure (prepaid, or an "
                "amount of zero or less); only orders held against a limit are written"
            )
        rows.append(
            [
                order.order_id,
                order.customer_id,
                _amount(order.amount),
                order.amount.currency,
                _date(order.order_date),
            ]
        )
    return _write(path, "orders", rows)


def write_dunning(records: DunningHistory | Iterable[DunningRecord], path: _Path) -> Path:
    """Write dunning records (or a whole :class:`~credkit.dunning.DunningHistory`) to ``path``.

    >>> import pathlib, tempfile
    >>> from datetime import date
    >>> record = DunningRecord("C1", ("I1", "I2"), level=1, on=date(2026, 3, 1),
    ...                        channel=Channel.EMAIL)
    >>> with tempfile.TemporaryDirectory() as directory:
    ...     path = write_dunning([record], pathlib.Path(directory, "dunning.csv"))
    ...     path.read_text().splitlines()[1]
    'C1,I1;I2,1,2026-03-01,email,sent,'
    """
    given = records.records if isinstance(records, DunningHistory) else records
    rows = [
        [
            record.customer_id,
            _joined(record.item_ids, "item_ids"),
            str(record.level),
            _date(record.on),
            record.channel.value,
            record.status.value,
            record.ladder_id or "",
        ]
        for record in _check_all(given, DunningRecord, "records")
    ]
    return _write(path, "dunning", rows)


# -- reading --------------------------------------------------------------------------


def _table(path: _Path, kind: str) -> Table:
    _, columns = RECORD_FILES[kind]
    return Table(path, columns=columns, optional=_OPTIONAL[kind], delimiter=",", strip=False)


def _read(
    path: _Path, kind: str, build: Callable[[Row], _T], key: Callable[[_T], object]
) -> tuple[_T, ...]:
    """Every row of ``path`` built into a record; a key given twice is an error."""
    table = _table(path, kind)
    result: list[_T] = []
    first_line: dict[object, int] = {}
    for line, cells in table.rows():
        row = Row(table, line, cells)
        try:
            record = build(row)
        except ValueError as error:  # ValidationError is a ValueError too
            raise row.fail(error) from None
        where = key(record)
        if where in first_line:
            raise table.error(
                line,
                None,
                f"{_describe(kind, where)} is also on line {first_line[where]}; give each once",
            )
        first_line[where] = line
        result.append(record)
    return tuple(result)


def _describe(kind: str, key: Any) -> str:
    if kind == "limits":
        customer_id, limit_kind, valid_from = key
        return f"the {limit_kind.value} limit of {customer_id!r} from {valid_from.isoformat()}"
    if kind == "orders":
        return f"order {key!r}"
    return "the same dunning record"


def _optional_date(row: Row, column: str) -> datetime.date | None:
    return None if row.optional(column) is None else row.date(column)


def _list(row: Row, column: str, *, required: bool) -> tuple[str, ...]:
    text = row.text(column) if required else (row.optional(column) or "")
    if not text:
        return ()
    values = tuple(text.split(_SEPARATOR))
    if any(not value.strip() for value in values):
        raise ValueError(f"{text!r} has an empty value; separate the values with a single ';'")
    return values


def _choice(row: Row, column: str, enum: Any, default: Any) -> Any:
    text = row.optional(column)
    if text is None:
        if row.table.has(column):
            raise ValueError("is empty; a value is required")
        return default
    try:
        return enum(text)
    except ValueError:
        accepted = ", ".join(member.value for member in enum)
        raise ValueError(f"{text!r} is not one of {accepted}") from None


def _limit(row: Row) -> CreditLimit:
    currency = row.text("currency")
    amount = row.optional("amount")
    return CreditLimit(
        row.text("customer_id"),
        None if amount is None else Money(row.amount("amount"), currency),
        currency=currency,
        valid_from=row.date("valid_from"),
        valid_to=_optional_date(row, "valid_to"),
        next_review=_optional_date(row, "next_review"),
        kind=_choice(row, "kind", LimitKind, LimitKind.INTERNAL),
        approved_by=_list(row, "approved_by", required=False),
        approved_on=_optional_date(row, "approved_on"),
    )


def _order(row: Row) -> OrderRequest:
    order_id = row.text("order_id")
    customer_id = row.text("customer_id")
    amount = Money(row.amount("amount"), row.text("currency"))
    if not amount.is_positive:
        row.column = "amount"
        raise ValueError(f"{amount.amount} is not above zero; an open order adds to the exposure")
    return OrderRequest(
        order_id, amount, order_date=row.date("ordered_on"), customer_id=customer_id
    )


def _level(row: Row) -> int:
    text = row.text("level")
    if not _LEVEL.fullmatch(text) or int(text) < 1:
        raise ValueError(f"{text!r} is not a dunning level (a whole number of 1 or more)")
    return int(text)


def _dunning(row: Row) -> DunningRecord:
    return DunningRecord(
        row.text("customer_id"),
        _list(row, "item_ids", required=True),
        level=_level(row),
        on=row.date("on"),
        channel=_choice(row, "channel", Channel, None),
        status=_choice(row, "status", SendStatus, SendStatus.SENT),
        ladder_id=row.optional("ladder_id"),
    )


def read_limits(path: _Path) -> tuple[CreditLimit, ...]:
    """The credit limits of a ``limits.csv`` file, in file order.

    A customer may have several limits: of both kinds, and over time (a temporary
    limit for a season beside the base limit); the same customer, kind and
    ``valid_from`` twice is an error.

    >>> import pathlib, tempfile
    >>> with tempfile.TemporaryDirectory() as directory:
    ...     path = pathlib.Path(directory, "limits.csv")
    ...     _ = path.write_text("customer_id,amount,currency,valid_from,valid_to\\n"
    ...                         "C1,50000,EUR,2026-01-01,\\n"
    ...                         "C1,80000,EUR,2026-10-01,2026-09-30\\n")
    ...     read_limits(path)
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: .../limits.csv, line 3, column valid_to: 2026-09-30 is before valid_from 2026-10-01
    """
    return _read(
        path, "limits", _limit, lambda limit: (limit.customer_id, limit.kind, limit.valid_from)
    )


def read_orders(path: _Path) -> tuple[OrderRequest, ...]:
    """The open sales orders of an ``orders.csv`` file, in file order.

    Each becomes an :class:`~credkit.policy.OrderRequest` with its ``customer_id``
    and ``order_date`` (the ``ordered_on`` column); amounts must be above zero and
    each ``order_id`` may appear once.

    >>> import pathlib, tempfile
    >>> with tempfile.TemporaryDirectory() as directory:
    ...     path = pathlib.Path(directory, "orders.csv")
    ...     _ = path.write_text("order_id,customer_id,amount,currency,ordered_on\\n"
    ...                         "SO-1,C1,1200.00,EUR,2026-11-23\\n")
    ...     [(o.order_id, o.customer_id, str(o.amount)) for o in read_orders(path)]
    [('SO-1', 'C1', '1200.00 EUR')]
    """
    return _read(path, "orders", _order, lambda order: order.order_id)


def read_dunning(path: _Path) -> tuple[DunningRecord, ...]:
    """The dunning records of a ``dunning.csv`` file, in file order.

    ``DunningHistory(read_dunning(path))`` is the history a dunning run reads.

    >>> import pathlib, tempfile
    >>> with tempfile.TemporaryDirectory() as directory:
    ...     path = pathlib.Path(directory, "dunning.csv")
    ...     _ = path.write_text("customer_id,item_ids,level,on,channel,status\\n"
    ...                         "C1,I1;I2,1,2026-03-01,fax,sent\\n")
    ...     read_dunning(path)
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: .../dunning.csv, line 2, column channel: 'fax' is not one of email, letter, phone, hold, collection_agency
    """
    return _read(path, "dunning", _dunning, lambda record: record)


def line_numbers(path: _Path, *, delimiter: str = ",", encoding: str = "utf-8") -> tuple[int, ...]:
    """The line number of every data row of a CSV file, as credkit's readers count them.

    Blank lines are skipped and a quoted cell may span lines, so the ``i``-th record a
    reader returns came from line ``line_numbers(path)[i]``: what a program needs to
    point at the line of a record that something later refused.

    >>> import pathlib, tempfile
    >>> with tempfile.TemporaryDirectory() as directory:
    ...     path = pathlib.Path(directory, "orders.csv")
    ...     _ = path.write_text('id,note\\nA,x\\n\\nB,"two\\nlines"\\nC,y\\n')
    ...     line_numbers(path)
    (2, 4, 6)
    """
    table = Table(path, columns=(), delimiter=delimiter, encoding=encoding)
    return tuple(line for block in table.blocks() for line in block.lines)
