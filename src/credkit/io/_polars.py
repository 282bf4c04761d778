"""The columnar engine of :func:`credkit.io.age_open_items`: ``engine="polars"``.

Imported only when a caller asks for that engine, so that credkit never needs polars
otherwise (the ``polars`` extra: ``pip install 'credkit-b2b[polars]'``).

How it stays identical to the pure path
---------------------------------------
Three lazy queries run one after the other on polars' streaming engine, so that the
file is never held in memory whole: the first scans it a whole line per row and checks
that every line splits as the pure path splits it (the header's number of fields, no
quotes, no stray carriage returns); the second scans it with polars' CSV reader, every
cell as text, checks every cell the way :func:`~credkit.io.read_open_items` and
:func:`~credkit.aging.age` do, and sums the amounts per customer and currency as
integers of the currency's minor unit (never floats); the third looks for a document
given twice (hashes of kind and id). Memory grows with the number of (customer,
currency) rows and of documents (the hashes), not with the size of the lines.

The engine reads exactly the lines the pure path reads in its own fast path: no
quotes, no stray carriage returns, every line with the header's number of fields,
cells with nothing to trim, plain amounts (``-1234.56``, no more decimals than the
currency has), ISO dates and yes/no flags written as credkit writes them, empty lines
skipped (a line of spaces only sends the file to the pure path). A file where every line is of that kind and passes every check gives the
report the pure path gives, built from the sums.

Anything else (a line the engine does not read natively, or one that breaks a rule)
makes it age the file again with the pure path, which either reads it after all (an
amount with thousands separators, a quoted cell, a padded cell: then the report is
the pure path's) or raises the error the pure path raises, naming the file, the line
and the column of the first problem in file order. Options the engine does not
implement at all (converting currencies, a date format other than ISO, a decimal
comma, another encoding, ``due_days``, ``original_amount``, ``instalment`` or any other
column beyond those it reads) raise a :class:`~credkit.errors.ValidationError` naming ``engine``
before anything is read, rather than slowly falling back on every line.
"""

from __future__ import annotations

import datetime
import functools
import importlib
import os
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

import attrs

from credkit.aging.buckets import AgingBasis, Buckets
from credkit.aging.report import AgingReport, Tally
from credkit.errors import CredkitError, ValidationError
from credkit.io._table import MAX_STREAM_BYTES, Table
from credkit.io.erp import _table
from credkit.io.mapping import ISO_DATE, ColumnMapping
from credkit.ledger import DocumentKind
from credkit.money import _known_currencies, minor_units

__all__ = ["age_polars", "load_polars", "polars_for", "unsupported"]

_Path = str | os.PathLike[str]

_WHITESPACE: Final = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
"""What ``str.strip()`` removes (every character whose ``isspace()`` is true); the pure
path trims cells of it, the engine leaves cells that have any to the pure path."""

_CLASS: Final = "".join(f"\\x{{{ord(c):X}}}" for c in _WHITESPACE)
_TEXT: Final = f"^[^{_CLASS}](?:.*[^{_CLASS}])?$"
"""A non-empty cell with nothing to trim at either end."""
_AMOUNT: Final = r"^-?[0-9]{1,13}(?:\.[0-9]{1,4})?$"
"""A plain amount the engine sums in Int64 (larger or finer ones go to the pure path)."""
_DAY: Final = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_TRUE: Final = ("true", "yes", "y", "1", "x")
_FALSE: Final = ("false", "no", "n", "0", "")
_FIELD_LIMIT: Final = 131_072
"""The csv module's default field size limit: longer lines go to the pure path."""
_INVOICE: Final = DocumentKind.INVOICE.value
_CREDIT_NOTE: Final = DocumentKind.CREDIT_NOTE.value

# the mapping fields the engine reads; every other field must keep its default
_READ: Final = frozenset(
    {
        "document_id",
        "customer_id",
        "issue_date",
        "due_date",
        "amount",
        "currency",
        "disputed",
        "kind",
        "kind_values",
        "default_currency",
        "delimiter",
        "settled_on",  # not read when aging open items, by either engine
        "thousands_separator",  # plain amounts have none; grouped ones go to the pure path
    }
)
_DEFAULT: Final = ColumnMapping()


def load_polars() -> Any:
    """The polars module, or a :class:`~credkit.errors.CredkitError` naming the extra."""
    try:
        return importlib.import_module("polars")
    except ImportError:
        raise CredkitError(
            "engine='polars' needs polars, which is an optional dependency; install the "
            "'polars' extra: pip install 'credkit-b2b[polars]' (or use engine='python')"
        ) from None


def unsupported(mapping: ColumnMapping, currency: str | None, rates: object) -> str | None:
    """What of these options the engine does not implement, or None if it does them all."""
    if currency is not None or rates is not None:
        return "converting into a reporting currency (currency=..., rates=...)"
    if mapping.date_format != ISO_DATE:
        return f"date_format {mapping.date_format!r} (it reads ISO dates, YYYY-MM-DD, only)"
    if mapping.decimal_separator != ".":
        return "decimal_separator ',' (it reads amounts such as -1234.56 only)"
    if mapping.encoding.lower().replace("_", "-") not in ("utf-8", "utf8", "utf-8-sig"):
        return f"encoding {mapping.encoding!r} (it reads UTF-8 only)"
    if not mapping.delimiter.isascii():
        return f"delimiter {mapping.delimiter!r} (it splits at an ASCII character only)"
    for field in attrs.fields(ColumnMapping):
        if field.name in _READ:
            continue
        value = getattr(mapping, field.name)
        if value != getattr(_DEFAULT, field.name):
            return f"the mapping's {field.name} ({value!r})"
    return None


def polars_for(mapping: ColumnMapping, currency: str | None, rates: object) -> Any:
    """The polars module for a query of a file read with ``mapping``: a
    :class:`~credkit.errors.ValidationError` naming ``engine`` for an option the engine
    does not implement (see :func:`unsupported`), a :class:`~credkit.errors.CredkitError`
    naming the extra when polars is missing."""
    missing = unsupported(mapping, currency, rates)
    if missing is not None:
        raise _unsupported_error(missing)
    return load_polars()


def _unsupported_error(missing: str) -> ValidationError:
    """The error for an option the engine does not implement (``missing`` says which)."""
    return ValidationError(
        f"engine: engine='polars' does not support {missing}; "
        "use engine='python' (the default) for this file"
    )


def _scan_table(path: _Path, mapping: ColumnMapping) -> Table:
    """The header checked as the pure path checks it (missing columns raise here)."""
    return _table(path, mapping, mapping.kind, mapping.original_amount)


def _simple_header(table: Table) -> bool:
    """Whether the header is one line without quotes, as the engine's scan needs."""
    if table._text is not None or table._header_lines != 1:
        return False
    with Path(table.path).open("rb") as file:
        first = file.readline(MAX_STREAM_BYTES)
    return b'"' not in first and b"\r" not in first.rstrip(b"\r\n")


@functools.cache
def _places() -> dict[str, int]:
    return {code: minor_units(code) for code in _known_currencies()}


def age_polars(
    path: _Path,
    *,
    as_of: datetime.date,
    mapping: ColumnMapping,
    buckets: Buckets,
    basis: AgingBasis,
    currency: str | None = None,
    rates: object = None,
) -> AgingReport | None:
    """The report of ``path`` computed in polars, or None where the pure path must age it.

    None means: some line is not one the engine reads natively or breaks a rule (the
    pure path then gives the report or the exact error), or the file is not a regular
    file with a one-line, unquoted header. An option the engine does not implement
    raises a :class:`~credkit.errors.ValidationError` naming ``engine``; a missing polars
    a :class:`~credkit.errors.CredkitError` naming the extra.
    """
    pl = polars_for(mapping, currency, rates)
    table = _scan_table(path, mapping)
    if not _simple_header(table):
        return None
    shape, sums, twice = _frame(pl, table, mapping, as_of=as_of, buckets=buckets, basis=basis)
    summed = _collect(pl, shape, sums, twice)
    if summed is None:
        return None
    # sums of at most count * largest never overflowed Int64; else the pure path adds up
    # (a float only for this bound, with a margin of two: it never touches an amount)
    bound = (summed["count"].cast(pl.Float64) * summed["largest"].cast(pl.Float64)).max()
    if bound is not None and bound >= 2.0**62:  # pragma: no cover - 10**13 on 10**6 lines
        return None
    places = _places()
    codes = summed["currency"].to_list()
    if not set(codes) <= places.keys():  # pragma: no cover - caught by the per-line check
        return None
    return _report(summed, codes, places, as_of=as_of, buckets=buckets, basis=basis)


def _frame(
    pl: Any,
    table: Table,
    mapping: ColumnMapping,
    *,
    as_of: datetime.date,
    buckets: Buckets,
    basis: AgingBasis,
) -> tuple[Any, Any, Any]:
    """The lazy queries: lines polars and the pure path may split apart; sums per
    (customer, currency) with a ``bad`` flag; a document given twice."""
    shape, cells, scan = _scans(pl, table, mapping.delimiter)
    cell = functools.partial(_cell, pl, table)
    document, customer = cell(mapping.document_id), cell(mapping.customer_id)
    due_cells = cell(mapping.due_date)
    lowered = _lowered(pl, cell(mapping.disputed))
    decimals_of = _decimals_of(pl)
    scan = _with_code(pl, scan, _code(pl, cell(mapping.currency), mapping.default_currency))
    # first stage: each cell parsed once (null where it does not parse)
    scan = scan.with_columns(
        *_amount_columns(pl, cell(mapping.amount), _AMOUNT),
        _day(pl, cell(mapping.issue_date)).alias("_issued"),
        (due_cells == "").alias("_empty"),
        _day(pl, due_cells).alias("_given"),
        lowered.is_in([*_TRUE, *_FALSE]).alias("_flag"),
        lowered.is_in(list(_TRUE)).alias("_disputed"),
        (document.str.contains(_TEXT) & customer.str.contains(_TEXT)).alias("_ids"),
    )
    powers = _powers()
    # second stage: the amount in minor units (at most 13 + 4 digits: Int64 holds it), kind
    scan = _with_minor(pl, scan, powers)
    minor = pl.col("_minor")
    kinds = cell(mapping.kind)
    if kinds is None:
        kind = pl.when(minor < 0).then(pl.lit(_CREDIT_NOTE)).otherwise(pl.lit(_INVOICE))
    else:
        kind_of = {written: value.value for written, value in mapping.kind_values.items()}
        kind = _lookup(pl, kinds, kind_of, pl.String)
    scan = scan.with_columns(kind.alias("_kind"))
    kind, issued, empty = pl.col("_kind"), pl.col("_issued"), pl.col("_empty")
    due = pl.when(empty).then(issued).otherwise(pl.col("_given"))
    scan = scan.with_columns(due.alias("_due"))
    due = pl.col("_due")
    bad = (
        ~pl.col("_ids")
        | ~pl.col("_plain")
        | pl.col("_finer")
        | minor.is_null()
        | kind.is_null()
        | issued.is_null()
        | due.is_null()
        | (empty & (kind == _INVOICE))
        | (due < issued)
        | (issued > pl.lit(as_of))
        | ~pl.col("_flag")
    )
    since = due if basis is AgingBasis.DUE_DATE else issued
    days = (pl.lit(as_of) - since).dt.total_days()
    scan = scan.with_columns(days.alias("_days"), bad.fill_null(True).alias("_bad"))
    days = pl.col("_days")
    uppers = [b.max_days for b in buckets if b.max_days is not None]
    slot = pl.sum_horizontal([(days > upper).cast(pl.Int8) for upper in uppers] or [pl.lit(0)])
    owed = minor >= 0
    rows = scan.select(
        customer.alias("customer"),
        pl.col("_code").alias("currency"),
        minor.alias("minor"),
        slot.alias("slot"),
        days.alias("days"),
        owed.alias("owed"),
        (owed & pl.col("_disputed")).alias("disputed"),
        pl.col("_bad").alias("bad"),
        kind.alias("kind"),
        document.alias("document"),
    )
    m, s = pl.col("minor"), pl.col("slot")
    o, d = pl.col("owed"), pl.col("days")
    sums = rows.group_by("customer", "currency").agg(
        *(
            pl.when(o & (s == index)).then(m).otherwise(0).sum().alias(f"b{index}")
            for index in range(len(buckets))
        ),
        pl.when(o).then(0).otherwise(m).sum().alias("unapplied"),
        pl.when(pl.col("disputed")).then(m).otherwise(0).sum().alias("disputed"),
        pl.len().alias("count"),
        pl.when(o & (d > 0)).then(d).otherwise(0).max().alias("oldest"),
        m.abs().max().alias("largest"),
        pl.col("bad").any().alias("bad"),
    )
    # the sums as exact decimal text with the currency's decimals (-1234.50, 0.00, 5 JPY)
    sums = sums.join(decimals_of, left_on="currency", right_on="_code", how="left")
    decimals = pl.col("_places").fill_null(0)
    amounts = [*(f"b{index}" for index in range(len(buckets))), "unapplied", "disputed"]
    sums = sums.with_columns(*(_decimal_text(pl, name, decimals, powers) for name in amounts))
    # a document given twice: fewer distinct hashes of (kind, id) than lines with an id.
    # Read on its own from the two or three cells it needs (lines with a problem send the
    # file to the pure path anyway); a collision only does that too, and the pure path
    # then finds no repeat and gives the report
    if kinds is None:  # by sign: a plain amount below zero (-0.00 is not)
        text = cell(mapping.amount)
        sign = text.str.starts_with("-") & text.str.contains("[1-9]")
        by = pl.when(sign).then(pl.lit(_CREDIT_NOTE)).otherwise(pl.lit(_INVOICE))
    else:
        by = _lookup(pl, kinds, kind_of, pl.String)
    twice = cells.filter(document != "").select(
        (
            pl.struct(by.alias("kind"), document.alias("document")).hash().n_unique() < pl.len()
        ).alias("twice")
    )
    return shape, sums, twice


# -- pieces shared with the payment-history engine (credkit.io._polars_behaviour) ------


def _collect(pl: Any, shape: Any, sums: Any, twice: Any) -> Any | None:
    """The collected sums, or None where the pure path must read the file."""
    try:
        # one after the other: cheapest first, and collect_all would hold more at once
        # (running the three together measured no faster on two cores, 2026-12-04)
        if shape.collect(engine="streaming")["odd"].any():
            return None
        summed = sums.collect(engine="streaming")
        if summed["bad"].any() or twice.collect(engine="streaming")["twice"].any():
            return None
    except pl.exceptions.PolarsError:
        # a line polars cannot split (more fields, the separator of the line scan, bad
        # UTF-8, a header it counts otherwise): the pure path reads it or says what is
        # wrong with it. (The tests require clean files to be read here, so that a
        # mistake in the queries cannot hide behind this.)
        return None
    return summed


def _scans(pl: Any, table: Table, delimiter: str) -> tuple[Any, Any, Any]:
    """The lazy scans of the file: ``shape``, one row whose ``odd`` says that some line
    polars and the pure path may split apart; ``cells``, every cell as text in columns
    ``c0``, ``c1``, ...; ``scan``, those cells without the blank lines."""
    width = table.width
    # -- the lines as written: every one blank or with width fields, no quotes, CR or NUL
    lines = pl.scan_csv(
        table.path,
        has_header=False,
        skip_rows=1,
        separator="\x1f" if delimiter != "\x1f" else "\x1e",
        quote_char=None,
        schema={"line": pl.String},
        empty_string_is_null=False,
        raise_if_empty=False,
        encoding="utf8",
    )
    line = pl.col("line")
    fields = line.str.count_matches(delimiter, literal=True) + 1
    size = line.str.len_bytes()
    odd = (
        ((fields != width) & (size > 0))  # a line of spaces, too: the pure path skips it
        | line.str.contains('["\r\x00]')
        | (size >= _FIELD_LIMIT)
        # a row of empty cells, which the cells' scan below cannot tell from a blank line
        | (line == delimiter * (width - 1))
    )
    shape = lines.select(odd.any().alias("odd"))

    # -- the cells: polars' own CSV reader, every cell as text
    names = [f"c{index}" for index in range(width)]
    cells = pl.scan_csv(
        table.path,
        has_header=True,
        with_column_names=lambda found: names if len(found) == width else found,
        separator=delimiter,
        quote_char=None,
        infer_schema=False,
        empty_string_is_null=False,
        raise_if_empty=False,
        encoding="utf8",
    )
    blank = pl.col("c0") == ""  # an empty line (the line scan tells it from ",,,")
    for name in names[1:]:
        blank = blank & (pl.col(name) == "")
    return shape, cells, cells.filter(~blank)


def _cell(pl: Any, table: Table, column: str | None) -> Any:
    """The cells of ``column`` (a column of the cell scan), or None if the file has none."""
    position = None if column is None else table.index.get(column)
    return None if position is None else pl.col(f"c{position}")


def _day(pl: Any, written: Any) -> Any:
    """The date of an exactly YYYY-MM-DD cell, else null."""
    parsed = written.str.to_date("%Y-%m-%d", strict=False)
    return pl.when(written.str.contains(_DAY) & (parsed.dt.year() >= 1)).then(parsed)


def _code(pl: Any, currency: Any, default: str | None) -> Any:
    """The currency code of each line: the ``currency`` cell, else ``default``."""
    if currency is None:
        return pl.lit(default, dtype=pl.String)
    if default is not None:
        return pl.when(currency == "").then(pl.lit(default)).otherwise(currency)
    return currency


def _lowered(pl: Any, flags: Any) -> Any:
    """The flag cells in lower case (empty without a flag column)."""
    return pl.lit("") if flags is None else flags.str.to_lowercase()


def _decimals_of(pl: Any) -> Any:
    """A small table of the decimals (``_places``) of each currency code (``_code``)."""
    known = _places()
    return pl.LazyFrame(
        {"_code": list(known), "_places": list(known.values())},
        schema={"_code": pl.String, "_places": pl.Int64},
    )


def _with_code(pl: Any, scan: Any, code: Any) -> Any:
    """``scan`` with the currency ``code`` of each line and its decimals (``_places``).

    The decimals come from a join with a small table (replace_strict would make the
    streaming engine hold the whole column); an unknown code gets null.
    """
    return scan.with_columns(code.alias("_code")).join(_decimals_of(pl), on="_code", how="left")


def _amount_columns(pl: Any, text: Any, pattern: str) -> tuple[Any, Any, Any]:
    """The amount cells ``text`` parsed: whether each matches ``pattern`` (``_plain``),
    its digits as a whole number (``_scaled``) and its number of decimals (``_decimals``)."""
    point = text.str.find(".", literal=True)  # null without a decimal point
    return (
        text.str.contains(pattern).alias("_plain"),
        # the digits without the point: -1234.5 -> -12345, with 1 decimal
        text.str.replace(".", "", literal=True).cast(pl.Int64, strict=False).alias("_scaled"),
        (text.str.len_bytes().cast(pl.Int64) - 1 - point).fill_null(0).alias("_decimals"),
    )


def _powers() -> dict[int, int]:
    """``10 ** exponent`` for every exponent up to the most decimals of a currency."""
    return {exponent: 10**exponent for exponent in range(max(_places().values()) + 1)}


def _with_minor(pl: Any, scan: Any, powers: dict[int, int]) -> Any:
    """``scan`` with the amount in minor units (``_minor``) and whether it has more
    decimals than its currency (``_finer``)."""
    places, digits = pl.col("_places"), pl.col("_decimals")
    minor = pl.col("_scaled") * _lookup(pl, places - digits, powers, pl.Int64)
    return scan.with_columns(minor.alias("_minor"), (digits > places).alias("_finer"))


def _lookup(pl: Any, expression: Any, table: dict[Any, Any], dtype: Any) -> Any:
    """``table[value]`` for each value of ``expression``, null for any other value.

    A chain of ``when``; ``replace_strict`` would be shorter, but the streaming engine
    runs it on the whole column at once, holding the file in memory.
    """
    result = pl.lit(None, dtype=dtype)
    for key, value in table.items():
        result = pl.when(expression == key).then(pl.lit(value, dtype=dtype)).otherwise(result)
    return result


def _decimal_text(pl: Any, name: str, decimals: Any, powers: dict[int, int]) -> Any:
    """Column ``name`` (minor units) as decimal text with ``decimals`` places."""
    units = pl.col(name)
    scale = _lookup(pl, decimals, powers, pl.Int64)
    size = units.abs()
    whole = (size // scale).cast(pl.String)
    fraction = (size % scale).cast(pl.String).str.zfill(decimals)
    sign = pl.when(units < 0).then(pl.lit("-")).otherwise(pl.lit(""))
    return (
        pl.when(decimals == 0)
        .then(pl.concat_str(sign, whole))
        .otherwise(pl.concat_str(sign, whole, pl.lit("."), fraction))
        .alias(name)
    )


def _report(
    summed: Any,
    codes: list[str],
    places: dict[str, int],
    *,
    as_of: datetime.date,
    buckets: Buckets,
    basis: AgingBasis,
) -> AgingReport:
    """The report of the sums, as exact ``Decimal`` amounts in a credkit tally."""
    width = len(buckets)
    tally = Tally(width)
    keys = list(zip(summed["customer"].to_list(), codes, strict=True))
    tally.index.update(zip(keys, range(len(keys)), strict=True))
    for code in set(codes):
        tally.zeros[code] = Decimal(0).scaleb(-places[code])
    # a zero cell shares its currency's zero, as a tally's lines start from it in the
    # pure path (a report's rows then share one Money per zero, see _Cells); most cells
    # of a large report are zero, so only the others are made from their text
    zeros = list(map(tally.zeros.__getitem__, codes))
    names = [*(f"b{index}" for index in range(width)), "unapplied", "disputed"]
    for column, name in zip(tally.columns, names, strict=False):
        texts = summed[name]
        given = texts.str.contains("[1-9]")  # not zero
        values = zeros.copy()
        made = map(Decimal, texts.filter(given).to_list())
        for position, value in zip(given.arg_true().to_list(), made, strict=True):
            values[position] = value
        column.extend(values)
    tally.columns[width + 2].extend(summed["count"].to_list())
    tally.columns[width + 3].extend(summed["oldest"].to_list())
    return tally.report(as_of, buckets=buckets, basis=basis, currency=None)
