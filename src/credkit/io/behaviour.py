"""Payment behaviour straight from a payment-history CSV file: :func:`behaviour_from_file`.

``behaviour_from_file(path, mapping=m, as_of=d)`` gives what
``payment_behaviour(read_settlements(path, mapping=m), as_of=d)`` gives without building
a :class:`~credkit.ledger.Settlement` per line: the file is read a block of lines at a
time, each block a column at a time (with the checks and errors of
:func:`~credkit.io.read_payment_history`), and only the sums of each customer are kept.
:func:`behaviour_partial_from_file` stops before the figures and returns the
:class:`~credkit.kpi.BehaviourPartial`, so that several files (or parts of one history)
can be counted apart and added. ``engine="polars"`` does the same with a lazy,
streaming polars query (see :mod:`credkit.io._polars_behaviour`).
"""

from __future__ import annotations

import datetime
import os
from decimal import Decimal
from typing import Literal

from credkit.errors import ValidationError
from credkit.fx import RateSource
from credkit.io.erp import _check_mapping, _settled_column, history_blocks
from credkit.io.mapping import ColumnMapping
from credkit.kpi.behaviour import (
    BehaviourPartial,
    InsufficientData,
    PaymentBehaviour,
    _finishing,
    _partial_options,
    _start,
    _windows,
)

__all__ = ["behaviour_from_file", "behaviour_partial_from_file"]

_Path = str | os.PathLike[str]
_ordinal = datetime.date.toordinal


def behaviour_partial_from_file(
    path: _Path,
    *,
    as_of: datetime.date,
    mapping: ColumnMapping,
    window_months: int = 24,
    recent_months: int = 3,
    baseline_months: int = 12,
    currency: str | None = None,
    rates: RateSource | None = None,
    engine: Literal["python", "polars"] = "python",
) -> BehaviourPartial:
    """The :class:`~credkit.kpi.BehaviourPartial` of the settled invoices of a
    payment-history file, as ``behaviour_partial(read_settlements(path, mapping=mapping),
    ...)`` gives it, reading the file once and keeping only the sums.

    Errors are those of :func:`~credkit.io.read_payment_history` (file, line and column of
    the first bad line). ``engine="polars"`` (the ``polars`` extra) reads the file with a
    lazy, streaming polars query instead, with the same checks and an equal partial: a
    file with a line that engine does not read natively (a quoted cell, an amount with
    thousands separators, a padded cell) or with any problem is read again by the pure
    path, which gives its partial or its error; options it does not implement
    (``currency`` and ``rates``, a date format other than ISO, a decimal comma, another
    encoding, ``due_days``, ``booked``) raise a :class:`~credkit.errors.ValidationError`
    naming ``engine``.

    >>> import pathlib, tempfile
    >>> from datetime import date
    >>> mapping = ColumnMapping(settled_on="paid_on")
    >>> with tempfile.TemporaryDirectory() as directory:
    ...     january, february = pathlib.Path(directory, "jan.csv"), pathlib.Path(directory, "feb.csv")
    ...     header = "id,customer_id,issue_date,due_date,amount,currency,paid_on\\n"
    ...     _ = january.write_text(header + "I1,C1,2026-01-05,2026-02-04,10.00,EUR,2026-02-10\\n")
    ...     _ = february.write_text(header + "I2,C1,2026-02-05,2026-03-07,30.00,EUR,2026-03-07\\n")
    ...     parts = [behaviour_partial_from_file(p, as_of=date(2026, 3, 31), mapping=mapping)
    ...              for p in (january, february)]
    >>> c1 = (parts[0] + parts[1]).finish(min_invoices=2)["C1"]
    >>> c1.invoices, c1.weighted_days_beyond_terms, c1.amount_paid
    (2, Decimal('1.5'), Money('40.00', 'EUR'))
    """
    bounds, window, recent, baseline = _windows(
        as_of, window_months, recent_months, baseline_months
    )
    mapping = _check_mapping(mapping)
    _settled_column(mapping)
    scan = _start(bounds, currency, rates)
    options = _partial_options(as_of, window, recent, baseline, currency, rates)
    if engine == "polars":
        # only when asked for: polars is optional
        from credkit.io._polars_behaviour import behaviour_polars

        partial = behaviour_polars(
            path, bounds=bounds, mapping=mapping, currency=currency, rates=rates, options=options
        )
        if partial is not None:
            return partial
    elif engine != "python":
        raise ValidationError(f"engine: expected 'python' or 'polars', got {engine!r}")
    for columns in history_blocks(path, mapping=mapping):
        scan.add(
            columns.customers,
            columns.codes,
            columns.units,
            columns.places,
            list(map(_ordinal, columns.issued)),
            list(map(_ordinal, columns.due)),
            list(map(_ordinal, columns.settled)),
        )
    return scan.partial(options)


def behaviour_from_file(
    path: _Path,
    *,
    as_of: datetime.date,
    mapping: ColumnMapping,
    window_months: int = 24,
    min_invoices: int = 3,
    recent_months: int = 3,
    baseline_months: int = 12,
    threshold_days: Decimal | int | str = 5,
    trend_min_invoices: int = 2,
    currency: str | None = None,
    rates: RateSource | None = None,
    engine: Literal["python", "polars"] = "python",
) -> dict[str, PaymentBehaviour | InsufficientData]:
    """Each customer's payment behaviour from a payment-history CSV file.

    Equal to ``payment_behaviour(read_settlements(path, mapping=mapping), as_of=as_of,
    ...)`` with the same options, and with the errors of
    :func:`~credkit.io.read_payment_history`; this is
    :func:`behaviour_partial_from_file` (``engine`` included) finished with
    :meth:`~credkit.kpi.BehaviourPartial.finish`. It is the way to analyse exports of
    hundreds of thousands or millions of lines (see ``docs/performance.md``).

    >>> import pathlib, tempfile
    >>> from datetime import date
    >>> mapping = ColumnMapping(settled_on="paid_on")
    >>> with tempfile.TemporaryDirectory() as directory:
    ...     path = pathlib.Path(directory, "history.csv")
    ...     _ = path.write_text("id,customer_id,issue_date,due_date,amount,currency,paid_on\\n"
    ...                         "I1,C1,2026-01-05,2026-02-04,10.00,EUR,2026-02-10\\n"
    ...                         "I2,C1,2026-02-05,2026-03-07,30.00,EUR,2026-03-07\\n"
    ...                         "I3,C1,2026-03-01,2026-03-31,20.00,EUR,\\n")
    ...     result = behaviour_from_file(path, as_of=date(2026, 3, 31), mapping=mapping,
    ...                                  min_invoices=2)
    >>> result["C1"].average_days_beyond_terms, result["C1"].payment_index
    (Decimal('3'), Decimal('79'))
    """
    _finishing(min_invoices, threshold_days, trend_min_invoices)
    partial = behaviour_partial_from_file(
        path,
        as_of=as_of,
        mapping=mapping,
        window_months=window_months,
        recent_months=recent_months,
        baseline_months=baseline_months,
        currency=currency,
        rates=rates,
        engine=engine,
    )
    return partial.finish(
        min_invoices=min_invoices,
        threshold_days=threshold_days,
        trend_min_invoices=trend_min_invoices,
    )
