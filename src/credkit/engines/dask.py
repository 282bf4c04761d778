"""Scale-out on Dask: aging, KPIs and payment behaviour in partitions, merged exactly.

A book too large for one process is split into *partitions*: a list of files (an ERP
that exports one file per company code or region, or one file cut in parts) or the
partitions of a Dask DataFrame. Each partition is computed on a worker of a Dask
cluster by the very functions one process uses (:func:`credkit.io.age_open_items`,
:func:`credkit.kpi.kpis`, :func:`credkit.kpi.behaviour_partial`), and the partial
results are merged with ``+`` in a tree
(eight at a time), which is exact: the sums are ``Decimal`` sums, and the figures
derived from them are worked out again from the merged sums. So the result equals the
result of one process on the whole book, whatever the cluster, the number of workers or
the order in which partitions finish.

* :func:`age_on_dask`: one :class:`~credkit.aging.AgingReport` of open-item exports
  (files, or the rows of a DataFrame);
* :func:`kpis_on_dask`: one :class:`~credkit.kpi.KPIReport` of a period, from
  payment-history exports (or ledger directories) or the rows of a DataFrame;
* :func:`behaviour_on_dask`: each customer's payment behaviour, from the same sources.

Pass a ``distributed.Client`` as ``client`` to run on that cluster; without one, Dask's
default scheduler runs the graph (the most recently created ``Client``, else threads of
this process, which gives the same result without the speed). Dask is imported when a
function is called, never when credkit is (the ``dask`` extra installs it). The files
must be readable by the workers at the paths given (a shared or network file system,
or the local disk of a ``LocalCluster``).

**A DataFrame** holds the rows of an export, with the export's column names: the
columns the ``mapping`` names (by default credkit's own names: ``id``,
``customer_id``, ``issue_date``, ``due_date``, ``amount``, ``currency``, plus ``kind``,
``disputed`` or ``settled_on`` when the mapping names them). Each partition's rows are
written as text into a CSV file on the worker and read by the pure reader, so every
check of a file applies to every row, and an error names the partition, the row and
its index label instead of a file and a line. Cells may be text (read as the mapping
says: date format, decimal separator), ``datetime.date``/``datetime64`` dates (written
in the mapping's date format), whole numbers, ``Decimal`` amounts (written with the
mapping's decimal separator), booleans (yes/no) or missing. Floats are refused: a
binary fraction is not an exact amount; read amounts as text
(``dask.dataframe.read_csv(..., dtype=str)``) or as ``Decimal``. Note that Dask turns
columns of Python objects into text by default (its ``dataframe.convert-string``
setting), ``Decimal`` and ``datetime.date`` values with ``str()``: such cells then
read as text, which fits a mapping with ISO dates and a decimal point.

**What one partition cannot see.** Each partition is checked on its own, as a file is:
a document given twice *within* a partition is an error, as in one process; a document
given in two partitions is not detected (give each document to one partition). Aging
reports merge only over disjoint sets of
customers (:meth:`AgingReport.__add__ <credkit.aging.AgingReport.__add__>`), so each
customer's lines must be in one partition: files cut at customer boundaries, and a
DataFrame is shuffled on the customer column first (``shuffle=False`` skips that when
the frame is partitioned by customer already). KPIs and payment behaviour add over any
split of the invoices.
"""

from __future__ import annotations

import datetime
import functools
import importlib
import operator
import os
import re
import tempfile
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, Final, Literal, TypeVar

import attrs

from credkit.aging import AgingBasis, AgingReport, Buckets
from credkit.errors import CredkitError, RateNotFoundError, ValidationError
from credkit.fx import RateSource
from credkit.io import (
    ColumnMapping,
    age_open_items,
    behaviour_partial_from_file,
    read_invoices,
    read_ledger,
    read_settlements,
)
from credkit.kpi import (
    BehaviourPartial,
    InsufficientData,
    InvoiceHistory,
    KPIReport,
    PaymentBehaviour,
    behaviour_partial,
    kpis,
    payment_behaviour,
)
from credkit.ledger import Ledger
from credkit.money import Money

__all__ = ["age_on_dask", "behaviour_on_dask", "kpis_on_dask"]

_FAN_IN: Final = 8
"""How many partial results one task of the tree reduction adds up."""

_MAPPED: Final = (
    "document_id",
    "customer_id",
    "issue_date",
    "due_date",
    "amount",
    "currency",
    "settled_on",
    "disputed",
    "kind",
    "original_amount",
    "booked",
    "booked_currency",
    "instalment",
)
"""The fields of a ColumnMapping that name a column."""

_KPI_MAPPING: Final = ColumnMapping(settled_on="settled_on")

_Path = str | os.PathLike[str]
_T = TypeVar("_T")


# -- Dask, imported on first use -----------------------------------------------------------


def _dask() -> Any:
    """The dask module, or a :class:`~credkit.errors.CredkitError` naming the extra."""
    try:
        importlib.import_module("distributed")
        return importlib.import_module("dask")
    except ImportError:
        raise CredkitError(
            "credkit.engines.dask needs Dask, which is an optional dependency; install "
            "the 'dask' extra: pip install 'credkit-b2b[dask]'"
        ) from None


def _check_client(client: object) -> Any:
    if client is None:
        return None
    distributed = importlib.import_module("distributed")
    if not isinstance(client, distributed.Client):
        raise ValidationError(
            "client: expected a distributed.Client (or None for Dask's default "
            f"scheduler), got {type(client).__name__} {client!r}"
        )
    return client


def _compute(dask: Any, root: Any, client: Any) -> Any:
    if client is None:
        (result,) = dask.compute(root)
        return result
    return client.compute(root).result()


def _add(*parts: _T) -> _T:
    return functools.reduce(operator.add, parts)


def _merged(dask: Any, parts: list[Any]) -> Any:
    """The sum of ``parts`` (delayed values) by a tree of additions, in partition order."""
    add = dask.delayed(_add, pure=True)
    while len(parts) > 1:
        parts = [add(*parts[i : i + _FAN_IN]) for i in range(0, len(parts), _FAN_IN)]
    return parts[0]


# -- the source: files or a DataFrame ------------------------------------------------------


def _is_frame(source: object) -> bool:
    frames = importlib.import_module("dask.dataframe")
    return isinstance(source, frames.DataFrame)


def _check_files(source: object) -> list[_Path]:
    if isinstance(source, str | bytes | os.PathLike) or not isinstance(source, Sequence):
        raise ValidationError(
            "source: expected a list of file paths or a dask.dataframe.DataFrame, got "
            f"{type(source).__name__} {source!r}"
        )
    if not source:
        raise ValidationError("source: expected at least one file, got an empty list")
    for index, path in enumerate(source):
        if not isinstance(path, str | os.PathLike):
            raise ValidationError(
                f"source[{index}]: expected a file path (str or os.PathLike), got "
                f"{type(path).__name__} {path!r}"
            )
    return list(source)


def _mapped_columns(mapping: ColumnMapping) -> list[str]:
    names: list[str] = []
    for field in _MAPPED:
        name = getattr(mapping, field)
        if name is not None and name not in names:
            names.append(name)
    return names


def _check_frame(frame: Any, mapping: ColumnMapping) -> None:
    """Refuse float columns the mapping reads, before anything runs on the cluster."""
    for name, dtype in frame.dtypes.items():
        if name in _mapped_columns(mapping) and dtype.kind == "f":
            raise ValidationError(
                f"source: column {name!r} holds floats ({dtype}); a binary fraction is not "
                "an exact amount or a date: give text (dask.dataframe.read_csv(..., "
                "dtype=str)), Decimal values or whole numbers"
            )


def _cell_text(mapping: ColumnMapping, column: str, pandas: Any) -> Callable[[object], str]:
    """How a cell of an object column becomes the text a CSV file would hold."""
    missing = (None, pandas.NA, pandas.NaT)

    def text(value: object) -> str:
        if any(value is nothing for nothing in missing):
            return ""
        if isinstance(value, float) and value != value:  # NaN: pandas' missing value
            return ""
        if isinstance(value, str):
            return value
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, int):
            return str(value)
        if isinstance(value, Decimal) and value.is_finite():
            return format(value, "f").replace(".", mapping.decimal_separator)
        if isinstance(value, datetime.date):  # datetime and pandas.Timestamp too
            return value.strftime(mapping.date_format)
        raise ValidationError(
            f"source: column {column!r} holds {type(value).__name__} {value!r}; expected "
            "text, a date, a whole number, a Decimal or a boolean (floats are not exact)"
        )

    return text


def _as_text(rows: Any, mapping: ColumnMapping) -> Any:
    """The columns of a pandas partition that ``mapping`` reads, as text cells."""
    pandas = importlib.import_module("pandas")
    wanted = [name for name in _mapped_columns(mapping) if name in rows.columns]
    result = rows[wanted].copy()
    for name in wanted:
        column = rows[name]
        kind = column.dtype.kind
        if kind == "M":
            result[name] = column.dt.strftime(mapping.date_format).fillna("")
        elif kind in "iu":
            result[name] = column.astype(str)
        elif kind == "b":
            result[name] = column.map({True: "yes", False: "no"})
        elif kind == "f":  # checked before; a partition computed differently lands here
            _check_frame(rows, mapping)
        elif str(column.dtype) in ("str", "string"):  # pandas' text dtypes
            result[name] = column.astype(object).where(column.notna(), "")
        else:
            result[name] = column.astype(object).map(_cell_text(mapping, name, pandas))
    return result


def _with_rows(
    rows: Any, partition: int, mapping: ColumnMapping, compute: Callable[[Path], _T]
) -> _T:
    """``compute`` of a CSV file holding ``rows``; errors name the partition and row."""
    with tempfile.TemporaryDirectory(prefix="credkit-dask-") as folder:
        path = Path(folder, f"partition-{partition}.csv")
        _as_text(rows, mapping).to_csv(
            path, index=False, sep=mapping.delimiter, encoding=mapping.encoding
        )
        try:
            return compute(path)
        except (ValidationError, RateNotFoundError) as error:
            raise _relocated(error, str(path), partition, list(rows.index)) from None


def _relocated(
    error: ValidationError | RateNotFoundError, where: str, partition: int, labels: list[Any]
) -> ValidationError | RateNotFoundError:
    """``error`` with the partition's file and line replaced by the partition and row."""

    def row(match: re.Match[str]) -> str:
        number = int(match.group(1)) - 2  # line 1 is the header
        label = f" (index {labels[number]!r})" if 0 <= number < len(labels) else ""
        return f"partition {partition}, row {number}{label}"

    message = re.sub(re.escape(where) + r",? line (\d+)", row, str(error))
    message = message.replace(where, f"partition {partition}")
    if type(error) in (ValidationError, RateNotFoundError):
        return type(error)(message)
    return error


def _partitions(
    dask: Any,
    source: object,
    mapping: ColumnMapping,
    on_file: Callable[[Path | str | os.PathLike[str]], _T],
    *,
    customer_first: bool,
) -> list[Any]:
    """One delayed partial result per file or per partition of the DataFrame."""
    if not _is_frame(source):
        task = dask.delayed(on_file, pure=True)
        return [task(path) for path in _check_files(source)]
    frame: Any = source
    _check_frame(frame, mapping)
    if customer_first:
        if mapping.customer_id not in frame.columns:
            raise ValidationError(
                f"source: no column {mapping.customer_id!r} (the mapping's customer_id) to "
                f"shuffle on; the frame has {', '.join(map(repr, frame.columns))}"
            )
        frame = frame.shuffle(on=mapping.customer_id)
    task = dask.delayed(_with_rows, pure=True)
    return [
        task(part, index, mapping, on_file)
        for index, part in enumerate(frame.to_delayed(optimize_graph=True))
    ]


# -- aging ---------------------------------------------------------------------------------


def age_on_dask(
    source: Sequence[_Path] | Any,
    *,
    as_of: datetime.date,
    mapping: ColumnMapping | None = None,
    buckets: Buckets | None = None,
    basis: AgingBasis = AgingBasis.DUE_DATE,
    currency: str | None = None,
    rates: RateSource | None = None,
    engine: Literal["python", "polars"] = "python",
    shuffle: bool = True,
    client: Any = None,
) -> AgingReport:
    """Age open-item exports on a Dask cluster: one report, equal to one process's.

    ``source`` is a list of CSV files (each customer's lines in one file) or a Dask
    DataFrame of their rows (see the module for the columns). Each file or partition
    is aged by :func:`credkit.io.age_open_items` with the given options (``engine``
    included) on a worker; the reports are added up in a tree. The result equals
    ``age_open_items`` of all the lines in one file, and every error of that function
    is raised the same way, naming the file and line (or the partition, row and index
    label). A DataFrame is shuffled on the mapping's ``customer_id`` column first, so
    that each customer's rows are in one partition; ``shuffle=False`` skips that for a
    frame partitioned by customer already. Two reports that share a customer do not
    merge (a :class:`~credkit.errors.ValidationError` naming ``rows``).

    ``client`` is a ``distributed.Client``; without one, Dask's default scheduler runs.

    >>> import pathlib, tempfile
    >>> from datetime import date
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> header = "id,customer_id,issue_date,due_date,amount,currency\\n"
    >>> _ = (folder / "north.csv").write_text(header + "I1,C1,2026-01-05,2026-02-04,400.00,EUR\\n")
    >>> _ = (folder / "south.csv").write_text(header + "I2,C2,2026-03-01,2026-03-31,250.00,EUR\\n")
    >>> report = age_on_dask([folder / "north.csv", folder / "south.csv"], as_of=date(2026, 3, 15))
    >>> [(row.customer_id, str(row.total)) for row in report.rows]
    [('C1', '400.00 EUR'), ('C2', '250.00 EUR')]
    >>> age_on_dask("north.csv", as_of=date(2026, 3, 15))
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: source: expected a list of file paths or a dask.dataframe.DataFrame, got str 'north.csv'
    """
    dask = _dask()
    client = _check_client(client)
    chosen = _mapping(mapping, ColumnMapping())
    if not isinstance(shuffle, bool):
        raise ValidationError(f"shuffle: expected True or False, got {shuffle!r}")
    age_file = functools.partial(
        age_open_items,
        as_of=as_of,
        mapping=chosen,
        buckets=buckets,
        basis=basis,
        currency=currency,
        rates=rates,
        engine=engine,
    )
    # the options are checked here, on no data, before anything is sent to the cluster
    _check_options(lambda path: age_file(path), _empty_export(chosen))
    parts = _partitions(dask, source, chosen, age_file, customer_first=shuffle)
    report: AgingReport = _compute(dask, _merged(dask, parts), client)
    return report


def _mapping(mapping: object, default: ColumnMapping) -> ColumnMapping:
    if mapping is None:
        return default
    if not isinstance(mapping, ColumnMapping):
        raise ValidationError(
            f"mapping: expected a credkit.io.ColumnMapping, got {type(mapping).__name__} "
            f"{mapping!r}"
        )
    return mapping


def _check_history_options(
    source: object, mapping: ColumnMapping, compute: Callable[[Path], object], what: str
) -> None:
    """The mapping of payment-history exports, checked on a header alone (unless every
    file is a ledger directory, which needs no mapping)."""
    if _is_frame(source) or any(not Path(path).is_dir() for path in _check_files(source)):
        if mapping.settled_on is None:
            raise ValidationError(
                f"mapping: names no settled-date column (settled_on); for {what} from an "
                "export, credkit needs to know when each invoice was paid"
            )
        _check_options(compute, _empty_export(mapping))


def _empty_export(mapping: ColumnMapping) -> str:
    return mapping.delimiter.join(_mapped_columns(mapping)) + "\n"


def _check_options(compute: Callable[[Path], object], text: str) -> None:
    """Run ``compute`` on a file of ``text`` (a header alone): bad options raise here."""
    with tempfile.TemporaryDirectory(prefix="credkit-dask-") as folder:
        path = Path(folder, "options.csv")
        path.write_text(text, encoding="utf-8")
        compute(path)


# -- period KPIs ---------------------------------------------------------------------------


@attrs.frozen
class _KPIPartial:
    """The KPIs of a part of the book, and the sales history of each of its currencies.

    :func:`credkit.kpi.kpis` gives figures only for the currencies with receivables,
    sales or write-offs in the period, but the countback DSO of the whole book walks
    back through the sales of every month, including those of a part whose invoices
    were all paid before the period. ``histories`` keeps them: the report of the same
    invoices with none paid, which has every currency sold in and the same sales
    history (the history depends on the invoices alone).
    """

    report: KPIReport
    histories: KPIReport

    def __add__(self, other: _KPIPartial) -> _KPIPartial:
        return _KPIPartial(self.report + other.report, self.histories + other.histories)

    def finish(self) -> KPIReport:
        """The report of the whole book: each currency's figures with its whole history.

        Every history reaches back to the earliest sale of the book in any currency, as
        in ``kpis`` of the whole book; the months added have no sales (such months
        change no KPI, but make the report equal to the one-process report).
        """
        everything = (*self.report.figures, *self.histories.figures)
        longest = max((f.sales_history for f in everything), key=len, default=())
        sold = {f.currency: f for f in self.histories.figures}
        figures = []
        for mine in self.report.figures:
            history = sold[mine.currency].sales_history if mine.currency in sold else ()
            if history:
                history += tuple(
                    (days, Money(Decimal(0), mine.currency)) for days, _ in longest[len(history) :]
                )
            figures.append(attrs.evolve(mine, sales_history=history))
        return attrs.evolve(self.report, figures=tuple(figures))


def _period_kpis(
    path: Path | str | os.PathLike[str],
    *,
    mapping: ColumnMapping,
    period_start: datetime.date,
    period_end: datetime.date,
) -> _KPIPartial:
    """The KPIs of one file (a payment-history export) or directory (a ledger)."""
    source: Ledger | InvoiceHistory
    if Path(path).is_dir():
        source = read_ledger(path)
    else:
        source = InvoiceHistory(
            read_invoices(path, mapping=mapping), read_settlements(path, mapping=mapping)
        )
    return _KPIPartial(
        kpis(source, period_start=period_start, period_end=period_end),
        kpis(InvoiceHistory(source.invoices), period_start=period_start, period_end=period_end),
    )


def kpis_on_dask(
    source: Sequence[_Path] | Any,
    *,
    period_start: datetime.date,
    period_end: datetime.date,
    mapping: ColumnMapping | None = None,
    client: Any = None,
) -> KPIReport:
    """The receivables KPIs of a period on a Dask cluster: one report, equal to one process's.

    ``source`` is a list of payment-history exports (one line per invoice with the date
    it was paid in full, read as ``credkit kpi`` reads one: with ``mapping``, by default
    credkit's column names and a ``settled_on`` column), of ledger directories
    (:func:`credkit.io.read_ledger`, one set of customers each), or a Dask DataFrame of
    an export's rows (see the module). Each is computed by :func:`credkit.kpi.kpis` as
    an :class:`~credkit.kpi.InvoiceHistory` or a ledger on a worker, and the reports
    are added up in a tree: figures per currency, equal to ``kpis`` of the whole book
    (a reporting currency is not offered: ``kpis`` converts sums per day, and parts of
    a day's sum would round apart).

    >>> import pathlib, tempfile
    >>> from datetime import date
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> header = "id,customer_id,issue_date,due_date,amount,currency,settled_on\\n"
    >>> _ = (folder / "a.csv").write_text(header + "I1,C1,2026-01-05,2026-02-04,300.00,EUR,\\n")
    >>> _ = (folder / "b.csv").write_text(header + "I2,C2,2026-01-20,2026-02-19,600.00,EUR,2026-01-25\\n")
    >>> report = kpis_on_dask(
    ...     [folder / "a.csv", folder / "b.csv"], period_start=date(2026, 1, 1), period_end=date(2026, 1, 31)
    ... )
    >>> eur = report["EUR"]
    >>> str(eur.credit_sales), str(eur.ending_ar), eur.dso
    ('900.00 EUR', '300.00 EUR', Decimal('10.33333333333333333333333333'))
    """
    dask = _dask()
    client = _check_client(client)
    chosen = _mapping(mapping, _KPI_MAPPING)
    compute = functools.partial(
        _period_kpis, mapping=chosen, period_start=period_start, period_end=period_end
    )
    # period and mapping checked on no data, before anything is sent to the cluster
    kpis(InvoiceHistory([]), period_start=period_start, period_end=period_end)
    _check_history_options(source, chosen, compute, "KPIs")
    parts = _partitions(dask, source, chosen, compute, customer_first=False)
    partial: _KPIPartial = _compute(dask, _merged(dask, parts), client)
    return partial.finish()


# -- payment behaviour ---------------------------------------------------------------------


def _behaviour_partial(
    path: Path | str | os.PathLike[str],
    *,
    mapping: ColumnMapping,
    engine: Literal["python", "polars"],
    **options: Any,
) -> BehaviourPartial:
    """The behaviour sums of one file (a payment-history export) or directory (a ledger)."""
    if Path(path).is_dir():
        return behaviour_partial(read_ledger(path).settlements(), **options)
    return behaviour_partial_from_file(path, mapping=mapping, engine=engine, **options)


def behaviour_on_dask(
    source: Sequence[_Path] | Any,
    *,
    as_of: datetime.date,
    mapping: ColumnMapping | None = None,
    window_months: int = 24,
    min_invoices: int = 3,
    recent_months: int = 3,
    baseline_months: int = 12,
    threshold_days: Decimal | int | str = 5,
    trend_min_invoices: int = 2,
    currency: str | None = None,
    rates: RateSource | None = None,
    engine: Literal["python", "polars"] = "python",
    client: Any = None,
) -> dict[str, PaymentBehaviour | InsufficientData]:
    """Each customer's payment behaviour on a Dask cluster: equal to one process's.

    ``source`` is a list of payment-history exports (read with ``mapping``, by default
    credkit's column names and a ``settled_on`` column), of ledger directories (their
    :meth:`~credkit.ledger.Ledger.settlements`), or a Dask DataFrame of an export's rows
    (see the module). Each is counted on a worker, an export by
    :func:`credkit.io.behaviour_partial_from_file` (with ``engine``, ``"polars"`` for the
    columnar engine), a ledger by :func:`credkit.kpi.behaviour_partial`; the partials are
    added up in a tree and finished here: the result is
    :func:`credkit.kpi.payment_behaviour` of all the settlements, with the same options.
    A customer's invoices may be spread over several partitions (the sums add), but
    each invoice must be in one; a customer paid in several currencies needs
    ``currency`` and ``rates``, as in one process.

    >>> import pathlib, tempfile
    >>> from datetime import date
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> header = "id,customer_id,issue_date,due_date,amount,currency,settled_on\\n"
    >>> _ = (folder / "2025.csv").write_text(header + "I1,C1,2025-11-03,2025-12-03,300.00,EUR,2025-12-13\\n")
    >>> _ = (folder / "2026.csv").write_text(header + "I2,C1,2026-01-05,2026-02-04,100.00,EUR,2026-02-04\\n")
    >>> result = behaviour_on_dask(
    ...     [folder / "2025.csv", folder / "2026.csv"], as_of=date(2026, 3, 31), min_invoices=2
    ... )
    >>> result["C1"].invoices, result["C1"].weighted_days_beyond_terms
    (2, Decimal('7.5'))
    """
    dask = _dask()
    client = _check_client(client)
    chosen = _mapping(mapping, _KPI_MAPPING)
    finishing: dict[str, Any] = {
        "min_invoices": min_invoices,
        "threshold_days": threshold_days,
        "trend_min_invoices": trend_min_invoices,
    }
    counting: dict[str, Any] = {
        "as_of": as_of,
        "window_months": window_months,
        "recent_months": recent_months,
        "baseline_months": baseline_months,
        "currency": currency,
        "rates": rates,
    }
    # every option checked on no data, before anything is sent to the cluster
    payment_behaviour([], **counting, **finishing)
    if engine not in ("python", "polars"):
        raise ValidationError(f"engine: expected 'python' or 'polars', got {engine!r}")
    compute = functools.partial(_behaviour_partial, mapping=chosen, engine=engine, **counting)
    _check_history_options(source, chosen, compute, "payment behaviour")
    parts = _partitions(dask, source, chosen, compute, customer_first=False)
    partial: BehaviourPartial = _compute(dask, _merged(dask, parts), client)
    return partial.finish(**finishing)
