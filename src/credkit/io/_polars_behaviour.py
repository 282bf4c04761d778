"""The columnar engine of :func:`credkit.io.behaviour_from_file`: ``engine="polars"``.

Imported only when a caller asks for that engine (the ``polars`` extra). It follows
the aging engine (:mod:`credkit.io._polars`, ADR 0007): lazy queries on polars'
streaming engine, one after the other, so that the file is never held in memory whole:

1. a line scan checks that every line splits as the pure path splits it (the header's
   number of fields, no quotes, no stray carriage returns or NUL characters);
2. a cell scan reads every cell as text, checks it as
   :func:`~credkit.io.read_payment_history` does (ids, ISO dates with the due and the
   settled date not before the issue date, a known currency, a plain amount above
   zero with no more decimals than the currency has, yes/no flags) and sums, per
   customer and currency, the figures of :class:`~credkit.kpi.BehaviourPartial` in
   integers (amounts in minor units, Int128 sums: never floats);
3. a hash of each invoice id finds an invoice given twice.

Any line it does not read natively or that breaks a rule makes it return None, and the
pure path reads the file again: it gives the partial (a quoted cell, a padded cell, an
amount with thousands separators) or the error naming the file, the line and the
column. Options it does not implement raise a :class:`~credkit.errors.ValidationError`
naming ``engine`` before anything is read.
"""

from __future__ import annotations

import datetime
import functools
import itertools
import os
from typing import Any, Final

from credkit.io._polars import (
    _AMOUNT,
    _FALSE,
    _TEXT,
    _TRUE,
    _amount_columns,
    _cell,
    _code,
    _collect,
    _day,
    _decimals_of,
    _lookup,
    _lowered,
    _powers,
    _scans,
    _simple_header,
    _unsupported_error,
    _with_code,
    _with_minor,
    polars_for,
)
from credkit.io._table import Table
from credkit.io.erp import _table
from credkit.io.mapping import ColumnMapping
from credkit.kpi.behaviour import _SCALE, INDEX_ANCHORS, BehaviourPartial, _Bounds

__all__ = ["behaviour_polars", "checked_history"]

_Path = str | os.PathLike[str]
_POSITIVE: Final = _AMOUNT.replace("^-?", "^")
"""A plain amount without a sign (an invoice amount is above zero)."""

# the columns of the sums, in the order of BehaviourPartial's tuples after code, places
_COUNTS: Final = ("n", "dtp", "dbt", "late", "on_time", "early")
_WEIGHTED: Final = ("w", "w_dtp", "w_dbt", "w_late", "w_index", "rn", "rw", "rw_late")
_TAIL: Final = ("bn", "bw", "bw_late")
_AMOUNTS: Final = frozenset(
    {"w", "w_dtp", "w_dbt", "w_late", "w_index", "rw", "rw_late", "bw", "bw_late"}
)


def behaviour_polars(
    path: _Path,
    *,
    bounds: _Bounds,
    mapping: ColumnMapping,
    currency: str | None,
    rates: object,
    options: dict[str, Any],
) -> BehaviourPartial | None:
    """The partial of ``path`` counted in polars, or None where the pure path must read it."""
    if mapping.settled_on is None:  # pragma: no cover - checked before
        raise _unsupported_error("a mapping without settled_on")
    pl = polars_for(mapping, currency, rates)
    table = _table(path, mapping, mapping.settled_on)
    if not _simple_header(table):
        return None
    summed = _collect(pl, *_queries(pl, table, mapping, bounds))
    if summed is None:
        return None
    return _partial(summed, options)


def checked_history(pl: Any, table: Table, mapping: ColumnMapping) -> tuple[Any, Any, Any]:
    """The lazy scans of a payment history with every line checked (shared with the KPI
    engine, :mod:`credkit.io._polars_kpi`): ``shape`` (lines polars and the pure path may
    split apart), ``scan`` (the data lines with ``_code``, ``_decimals``, ``_minor``,
    ``_issued``, ``_due``, ``_open``, ``_settled`` and ``_bad``, a line breaking a rule
    of :func:`~credkit.io.read_payment_history`) and ``twice`` (an invoice given twice).
    """
    shape, cells, scan = _scans(pl, table, mapping.delimiter)
    cell = functools.partial(_cell, pl, table)
    document, customer = cell(mapping.document_id), cell(mapping.customer_id)
    lowered = _lowered(pl, cell(mapping.disputed))
    settled_cells = cell(mapping.settled_on)
    scan = _with_code(pl, scan, _code(pl, cell(mapping.currency), mapping.default_currency))
    scan = scan.with_columns(
        *_amount_columns(pl, cell(mapping.amount), _POSITIVE),
        _day(pl, cell(mapping.issue_date)).alias("_issued"),
        _day(pl, cell(mapping.due_date)).alias("_due"),
        (settled_cells == "").alias("_open"),
        _day(pl, settled_cells).alias("_settled"),
        lowered.is_in([*_TRUE, *_FALSE]).alias("_flag"),
        (document.str.contains(_TEXT) & customer.str.contains(_TEXT)).alias("_ids"),
    )
    powers = _powers()
    scan = _with_minor(pl, scan, powers)
    minor, issued, due = pl.col("_minor"), pl.col("_issued"), pl.col("_due")
    opened, settled = pl.col("_open"), pl.col("_settled")
    bad = (
        ~pl.col("_ids")
        | ~pl.col("_plain")
        | pl.col("_finer")
        | minor.is_null()
        | (minor <= 0)
        | issued.is_null()
        | due.is_null()
        | (due < issued)
        | ~pl.col("_flag")
        | (~opened & (settled.is_null() | (settled < issued)))
    )
    scan = scan.with_columns(bad.fill_null(True).alias("_bad"))
    twice = cells.filter(document != "").select(
        (document.hash().n_unique() < pl.len()).alias("twice")
    )
    return shape, scan, twice


def _queries(
    pl: Any, table: Table, mapping: ColumnMapping, bounds: _Bounds
) -> tuple[Any, Any, Any]:
    shape, scan, twice = checked_history(pl, table, mapping)
    customer = _cell(pl, table, mapping.customer_id)
    issued, due, minor = pl.col("_issued"), pl.col("_due"), pl.col("_minor")
    opened, digits = pl.col("_open"), pl.col("_decimals")
    decimals_of = _decimals_of(pl)
    powers = _powers()
    # -- the sums of the settled invoices (open ones only had to be checked)
    on = pl.col("_settled")

    def ordinal(day: int) -> Any:
        return pl.lit(datetime.date.fromordinal(day))

    earliest = min(bounds.window, bounds.baseline)
    in_range = (on > ordinal(earliest)) & (on <= ordinal(bounds.as_of))
    inside = in_range & (on > ordinal(bounds.window))
    recent = in_range & (on > ordinal(bounds.recent))
    base = in_range & (on > ordinal(bounds.baseline)) & (on <= ordinal(bounds.recent))
    dtp = (on - issued).dt.total_days()
    dbt = (on - due).dt.total_days()
    rows = scan.filter(~opened | pl.col("_bad")).select(
        customer.alias("customer"),
        pl.col("_code").alias("code"),
        pl.col("_bad").alias("bad"),
        in_range.fill_null(False).alias("k"),
        inside.fill_null(False).alias("i"),
        recent.fill_null(False).alias("r"),
        base.fill_null(False).alias("b"),
        pl.when(in_range).then(digits).alias("places"),
        dtp.alias("dtp"),
        dbt.alias("dbt"),
        minor.cast(pl.Int128).alias("u"),
    )
    i, r, b = pl.col("i"), pl.col("r"), pl.col("b")
    u, dtp, dbt = pl.col("u"), pl.col("dtp"), pl.col("dbt")
    late = dbt > 0
    index = _scaled_index(pl, dbt)

    def total(condition: Any, value: Any) -> Any:
        return pl.when(condition).then(value).otherwise(0).sum()

    sums = rows.group_by("customer", "code").agg(
        pl.len().alias("records"),
        pl.col("bad").any().alias("bad"),
        pl.col("k").sum().alias("k"),
        pl.col("places").max().alias("places"),
        i.sum().alias("n"),
        total(i, dtp).alias("dtp"),
        total(i, dbt).alias("dbt"),
        total(i & late, dbt).alias("late"),
        (i & ~late).sum().alias("on_time"),
        (i & (dbt < 0)).sum().alias("early"),
        total(i, u).alias("w"),
        total(i, u * dtp).alias("w_dtp"),
        total(i, u * dbt).alias("w_dbt"),
        total(i & late, u * dbt).alias("w_late"),
        total(i, u * index).alias("w_index"),
        r.sum().alias("rn"),
        total(r, u).alias("rw"),
        total(r & late, u * dbt).alias("rw_late"),
        b.sum().alias("bn"),
        total(b, u).alias("bw"),
        total(b & late, u * dbt).alias("bw_late"),
    )
    # the amounts from minor units to the decimals written (the pure path's places):
    # exact, every amount is a whole multiple of the factor
    sums = sums.join(decimals_of, left_on="code", right_on="_code", how="left")
    written = pl.col("places").fill_null(0).clip(lower_bound=0)
    factor = _lookup(pl, pl.col("_places") - written, powers, pl.Int64).cast(pl.Int128)
    sums = sums.with_columns(
        written.alias("places"), *(pl.col(name) // factor for name in sorted(_AMOUNTS))
    )
    return shape, sums, twice


def _scaled_index(pl: Any, dbt: Any) -> Any:
    """``credkit.kpi.behaviour._scaled_index`` of each whole number of days, in Int64."""
    low, high = INDEX_ANCHORS[0], INDEX_ANCHORS[-1]
    result = pl.lit(high[1] * _SCALE, dtype=pl.Int64)
    for (x0, y0), (x1, y1) in reversed(list(itertools.pairwise(INDEX_ANCHORS))):
        dx = x1 - x0
        value = (y0 * dx - (y0 - y1) * (dbt - x0)) * (_SCALE // dx)
        result = pl.when(dbt <= x1).then(value).otherwise(result)
    return pl.when(dbt <= low[0]).then(pl.lit(low[1] * _SCALE, dtype=pl.Int64)).otherwise(result)


def _partial(summed: Any, options: dict[str, Any]) -> BehaviourPartial:
    """The partial of the sums: amounts moved from minor units to the decimals written."""
    sums: dict[str, dict[str, tuple[Any, ...]]] = {}
    names = ("customer", "k", "code", "places", *_COUNTS, *_WEIGHTED, *_TAIL)
    for customer, counted, *values in zip(*(summed[n].to_list() for n in names), strict=True):
        found = sums.setdefault(customer, {})
        if counted:
            found[values[0]] = tuple(values)
    return BehaviourPartial(
        **options,
        sums=sums,
        converted={},
        credited={},
        records=int(summed["records"].sum()),
    )
