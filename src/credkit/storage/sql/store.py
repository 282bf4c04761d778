"""SQLStore: credkit's records in SQLite, PostgreSQL or MariaDB/MySQL, on SQLAlchemy Core.

How a unit of work is isolated, per backend:

- **SQLite** (the embedded default, ``sqlite:///credkit.db``): each unit starts with
  ``BEGIN IMMEDIATE``, which takes the database's write lock at once, so units run
  one at a time; a unit that waits longer than ``lock_timeout`` seconds raises
  :class:`~credkit.errors.ConflictError`. The database runs in WAL mode.
- **PostgreSQL** (``postgresql://``, driver psycopg 3) and **MariaDB/MySQL**
  (``mariadb://`` or ``mysql://``, driver PyMySQL): each unit is a ``READ COMMITTED``
  transaction that first locks the rows of the customers it names and of their
  groups' roots with ``SELECT ... FOR UPDATE``, one row at a time in
  :func:`~credkit.storage.rules.lock_order`. Deadlocks, serialization failures and
  lock-wait timeouts roll the unit back and raise ConflictError;
  :func:`~credkit.storage.atomic` runs it again.

The schema is managed by the Alembic migrations shipped in this package:
:meth:`SQLStore.upgrade` (or ``credkit db upgrade``) brings a database to the
newest, and a store refuses to work on a database at another version.

>>> import tempfile, pathlib
>>> from datetime import date
>>> from credkit import Money
>>> from credkit.ledger import Customer, Invoice
>>> folder = tempfile.mkdtemp()
>>> store = SQLStore(f"sqlite:///{pathlib.Path(folder) / 'credkit.db'}")
>>> store.upgrade()
'0007'
>>> with store.unit() as unit:
...     unit.add_customers([Customer("C1", "Acme GmbH", country="DE", currency="EUR")])
...     unit.add_documents([Invoice("INV-1", "C1", date(2026, 1, 5), date(2026, 2, 4), Money.of("1000.00", "EUR"))])
1
1
>>> with store.unit("C1") as unit:
...     unit.ledger("C1", as_of=date(2026, 3, 1)).balance(date(2026, 3, 1))
{'EUR': Money('1000.00', 'EUR')}
>>> store.dispose()
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import json
import logging
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any, Final, NamedTuple, TypeVar, cast

import attrs
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.util import CommandError as AlembicError
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import ReturningDelete

from credkit._validate import check_date, check_text
from credkit.config import converter
from credkit.dunning import (
    Block,
    CollectorAssignment,
    ContactEntry,
    DunningHistory,
    DunningRecord,
    InsurancePolicy,
    PaymentPlan,
    PromiseToPay,
)
from credkit.errors import ConflictError, StorageError, ValidationError
from credkit.ledger import (
    Allocation,
    CreditNote,
    Customer,
    DocumentKind,
    Invoice,
    InvoiceInstalment,
    Ledger,
    OpenItem,
    Payment,
    check_allocations,
    document_date,
)
from credkit.limits import CreditLimit
from credkit.storage.records import (
    DESK_CHAIN,
    Alert,
    AuditEntry,
    BureauEntry,
    Dispute,
    DunningProposal,
    OrderRecord,
    OrderStatus,
    ProposalStatus,
    Reservation,
    Snapshot,
    WatchEntry,
    chain_hash,
)
from credkit.storage.rules import (
    expect,
    from_minor_units,
    lock_order,
    new_or_same,
    parents_first,
    to_minor_units,
)
from credkit.storage.sql.schema import ID, Schema

__all__ = ["DEFAULT_URL", "HEAD", "SQLStore", "SQLUnit"]

HEAD: Final = "0007"
"""The schema version (Alembic revision) this release of credkit works on."""

DEFAULT_URL: Final = "sqlite:///credkit.db"
"""Where a store is when no URL is given: the SQLite file ``credkit.db`` in the working directory."""

_MIGRATIONS = Path(__file__).parent / "migrations"
_CHUNK = 500  # ids per IN (...) list
_DRIVERS = {
    "postgresql": "postgresql+psycopg",
    "mariadb": "mariadb+pymysql",
    "mysql": "mysql+pymysql",
}

Document = Invoice | CreditNote | Payment
R = TypeVar("R")
S = TypeVar("S", bound=sa.Executable)


def _url(url: str | sa.URL) -> sa.URL:
    try:
        parsed = sa.make_url(url)
    except (sa.exc.ArgumentError, ValueError, TypeError) as error:
        raise ValidationError(
            f"url: {url!r} is not a database URL (e.g. sqlite:///credkit.db, "
            "postgresql://user@host/db, mariadb://user@host/db)"
        ) from error
    if parsed.drivername in _DRIVERS:
        parsed = parsed.set(drivername=_DRIVERS[parsed.drivername])
    if parsed.get_backend_name() not in ("sqlite", "postgresql", "mysql", "mariadb"):
        raise ValidationError(
            f"url: backend {parsed.get_backend_name()!r} is not supported; "
            "use sqlite, postgresql, mariadb or mysql"
        )
    return parsed


def _conflict(error: sa.exc.DBAPIError) -> bool:
    """Whether a database error means "another unit got in the way" (safe to retry)."""
    if isinstance(error, sa.exc.IntegrityError):
        return True  # a concurrent unit stored the same key first
    original = error.orig
    if getattr(original, "sqlstate", None) in ("40001", "40P01", "55P03"):
        return True  # PostgreSQL: serialization failure, deadlock, lock not available
    arguments = getattr(original, "args", ())
    if arguments and arguments[0] in (1205, 1213):
        return True  # MariaDB/MySQL: lock wait timeout, deadlock
    text = str(original).lower()
    return "database is locked" in text or "database is busy" in text


def _json(record: object) -> str:
    return json.dumps(converter.unstructure(record), sort_keys=True, separators=(",", ":"))


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _stamp(moment: datetime.datetime) -> str:
    """A UTC time as text that sorts as the times do."""
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")


@functools.lru_cache(maxsize=4096)
def _parsed(cls: type[R], text: str) -> R:
    """The frozen record ``cls`` stored as the JSON ``text``, parsed once per text.

    Limits, snapshots, dunning records and watch-list entries are immutable values,
    and a desk reads the same busy customers' records again and again: a text
    already parsed gives the same record without parsing and validating it again.
    """
    if cls is WatchEntry:
        return WatchEntry.from_json(json.loads(text))  # type: ignore[return-value]
    return converter.structure(json.loads(text), cls)


def _chunks(values: Sequence[R]) -> Iterator[Sequence[R]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


# per schema: statements by name (_statement), and their texts compiled for a driver
# by (dialect, name, value names) (_driver_sql)
_BUILT: weakref.WeakKeyDictionary[Schema, dict[Any, Any]] = weakref.WeakKeyDictionary()


def _built(tables: Schema) -> dict[Any, Any]:
    built = _BUILT.get(tables)
    return _BUILT.setdefault(tables, {}) if built is None else built


def _statement(tables: Schema, name: str, build: Callable[[Schema], S]) -> S:
    """The statement ``name`` over ``tables``, built once (values come as bind parameters).

    Building a SQLAlchemy statement costs several times what running a cached one
    does, so the statements a unit runs for every order are built once per schema.
    """
    built = _built(tables)
    statement: S | None = built.get(name)
    if statement is None:
        statement = built[name] = build(tables)
    return statement


class _DriverSQL(NamedTuple):
    """A statement compiled for the driver's own cursor (see :meth:`SQLUnit._fast`)."""

    text: str
    defaults: dict[str, Any]  # the values the statement binds itself
    order: tuple[str, ...] | None  # the values' names in order, for a positional driver
    convert: dict[str, Callable[[Any], Any]]  # the bound types' conversions, by name


_ENGINE_LOG: Final = logging.getLogger("sqlalchemy.engine.Engine")
_FAST: Final = {"postgresql", "sqlite"}  # dialects whose units run hot statements themselves


def _driver_sql(
    tables: Schema,
    dialect: sa.Dialect,
    name: str,
    build: Callable[[Schema], sa.Executable],
    keys: tuple[str, ...],
) -> _DriverSQL | None:
    """The statement ``name`` compiled for ``dialect``'s driver with the values ``keys``,
    once per schema; None where SQLAlchemy must run it (values it would expand at each
    run, or a compiler that does not tell how its types convert values)."""
    compiled_for = _built(tables)
    key = (dialect.name, name, keys)
    if key not in compiled_for:
        statement = _statement(tables, name, build)
        compiled = statement.compile(dialect=dialect, column_keys=list(keys))  # type: ignore[attr-defined]
        convert = getattr(compiled, "_bind_processors", None)
        compiled_for[key] = (
            None
            if convert is None or compiled.literal_execute_params or compiled.post_compile_params
            else _DriverSQL(
                str(compiled),
                {k: v for k, v in compiled.params.items() if k not in keys},
                tuple(compiled.positiontup or ()) if compiled.positional else None,
                dict(convert),
            )
        )
    found: _DriverSQL | None = compiled_for[key]
    return found


def _day(value: Any) -> Any:
    """A date column's value as a ``date``: SQLite's driver gives the text SQLAlchemy
    stored (``YYYY-MM-DD``) where SQLAlchemy's execution would have converted it."""
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


# -- the statements a unit runs most, built once per schema ------------------------------

_INSERT_NEW: Final[dict[str, Callable[[sa.Table], Any]]] = {
    "postgresql": postgresql.insert,
    "sqlite": sqlite.insert,
}


def _ids() -> sa.BindParameter[Any]:
    return sa.bindparam("ids", expanding=True)


def _matching(table: sa.Table, key: Iterable[str]) -> list[sa.ColumnElement[bool]]:
    return [table.c[column] == sa.bindparam(column) for column in key]


def _lock_rows(t: Schema, one: bool = False) -> sa.Select[Any]:
    """PostgreSQL's lock of the customers ``ids`` (or the one ``customer_id``) and their
    roots, with their groups' members: the locked id, then a :class:`_CustomerRow`."""
    c = t.customers
    named = c.alias("named")
    given = named.c.id == sa.bindparam("customer_id") if one else named.c.id.in_(_ids())
    wanted = sa.union(  # a union, not an OR, so that PostgreSQL looks both up by key
        sa.select(named.c.id).where(given),
        sa.select(named.c.root_id).where(given),
    )
    member = c.alias("member")  # every member of a locked row's group, read, not locked
    return (
        sa.select(c.c.id.label("locked_id"), *(member.c[f] for f in _CustomerRow._fields))
        .join(member, member.c.root_id == c.c.root_id)
        .where(c.c.id.in_(wanted))
        .order_by(c.c.id, member.c.id)
        .with_for_update(of=c)
    )


def _lock_one(t: Schema) -> sa.Select[Any]:
    return _lock_rows(t, one=True)


def _customer_rows(t: Schema) -> sa.Select[Any]:
    return sa.select(t.customers).where(t.customers.c.id.in_(_ids()))


def _group_rows(t: Schema) -> sa.Select[Any]:
    c = t.customers
    return sa.select(c).where(c.c.root_id == sa.bindparam("root_id")).order_by(c.c.id)


def _group_of(t: Schema) -> sa.Select[Any]:
    c = t.customers
    root = sa.select(c.c.root_id).where(c.c.id == sa.bindparam("customer_id"))
    return sa.select(c).where(c.c.root_id == root.scalar_subquery()).order_by(c.c.id)


def _ledger_documents(t: Schema) -> sa.Select[Any]:
    d = t.documents
    return (
        sa.select(d)
        .where(d.c.customer_id.in_(_ids()), d.c.dated <= sa.bindparam("as_of"))
        .order_by(d.c.dated, d.c.id)
    )


def _schedule_text(schedule: Sequence[InvoiceInstalment]) -> str:
    """An invoice's schedule as JSON text: ``[[due date, minor units], ...]``."""
    return json.dumps(
        [
            [part.due_date.isoformat(), to_minor_units(part.amount, "schedule.amount")]
            for part in schedule
        ]
    )


def _schedule_of(text: str | None, currency: str) -> tuple[InvoiceInstalment, ...]:
    if not text:
        return ()
    return tuple(
        InvoiceInstalment(datetime.date.fromisoformat(day), from_minor_units(units, currency))
        for day, units in json.loads(text)
    )


def _ledger_allocations(t: Schema) -> sa.Select[Any]:
    a = t.allocations
    return (
        sa.select(a)
        .where(a.c.customer_id.in_(_ids()), a.c.applied_on <= sa.bindparam("as_of"))
        .order_by(a.c.applied_on, a.c.source_id, a.c.target_id, a.c.amount, a.c.instalment)
    )


_ZERO_SQL: Final = sa.literal_column("0", sa.Integer)
_ONE_SQL: Final = sa.literal_column("1", sa.Integer)


def _open_parts(
    d: sa.FromClause,
    a: sa.FromClause,
    ids: sa.BindParameter[Any] | sa.Select[Any],
    *,
    each: bool = False,
) -> tuple[sa.FromClause, sa.ColumnElement[Any], list[sa.ColumnElement[bool]]]:
    """What :func:`_open_documents` and :func:`_check_reads` share: the documents ``d``
    joined to the sums of what was applied to and from them by ``as_of`` (allocations
    ``a``), the open amount (a BIGINT) and the conditions (the documents of ``ids``
    dated by ``as_of`` and still open).

    What is open is summed here, as the ledger does it: an invoice's amount less the
    allocations to it, a payment's or credit note's amount less the allocations from
    it, counting only allocations applied on or before ``as_of``.

    With ``each``, each document's allocations are summed on their own, through the
    allocations' indexes by target and by source (an allocation never crosses
    customers, so no group condition is needed), instead of grouping the group's
    allocations and joining the sums. On SQLite, for the 300 customers of the desk
    benchmark's book with the most documents (up to 221 each), that halves the cost of
    the open items (0.24-0.29 against 0.47-0.58 ms, issue 17); on PostgreSQL it costs
    more (0.48 against 0.36 ms: its SUM of a BIGINT is a NUMERIC), so only SQLite's
    :func:`_first_check_reads` uses it.
    """
    on_or_before = a.c.applied_on <= sa.bindparam("as_of", type_=sa.Date)
    invoice = d.c.kind == DocumentKind.INVOICE.value
    if each:

        def each_sum(side: sa.ColumnElement[Any]) -> sa.ScalarSelect[Any]:
            total = sa.func.coalesce(sa.func.sum(a.c.amount), _ZERO_SQL)
            return sa.select(total).where(side == d.c.id, on_or_before).scalar_subquery()

        settled: sa.ColumnElement[Any] = sa.case(
            (invoice, each_sum(a.c.target_id)), else_=each_sum(a.c.source_id)
        )
        return d, sa.cast(d.c.amount - settled, sa.BigInteger), _open_where(d, ids, settled)
    applied = (a.c.customer_id.in_(ids), on_or_before)
    to = (
        sa.select(a.c.target_id.label("id"), sa.func.sum(a.c.amount).label("units"))
        .where(*applied)
        .group_by(a.c.target_id)
        .subquery("applied_to")
    )
    out = (
        sa.select(a.c.source_id.label("id"), sa.func.sum(a.c.amount).label("units"))
        .where(*applied)
        .group_by(a.c.source_id)
        .subquery("applied_from")
    )
    settled = sa.case(
        (invoice, sa.func.coalesce(to.c.units, _ZERO_SQL)),
        else_=sa.func.coalesce(out.c.units, _ZERO_SQL),
    )
    joined = d.outerjoin(to, to.c.id == d.c.id).outerjoin(out, out.c.id == d.c.id)
    return joined, sa.cast(d.c.amount - settled, sa.BigInteger), _open_where(d, ids, settled)


def _open_where(
    d: sa.FromClause,
    ids: sa.BindParameter[Any] | sa.Select[Any],
    settled: sa.ColumnElement[Any],
) -> list[sa.ColumnElement[bool]]:
    """The documents of ``ids`` dated by ``as_of`` whose amount is not all ``settled``."""
    return [
        d.c.customer_id.in_(ids),
        d.c.dated <= sa.bindparam("as_of", type_=sa.Date),
        d.c.amount != settled,
    ]


def _open_documents(t: Schema) -> sa.Select[Any]:
    """The group's documents still open as of ``as_of``, with what is open of each
    (see :func:`_open_parts`): invoices first, then credit notes, then payments, each
    by date and id, the order of the ledger slice."""
    d = t.documents
    joined, left, where = _open_parts(d, t.allocations, _ids())
    rank = sa.case(
        (d.c.kind == DocumentKind.INVOICE.value, 0),
        (d.c.kind == DocumentKind.CREDIT_NOTE.value, 1),
        else_=2,
    )
    return (
        sa.select(
            d.c.id,
            d.c.customer_id,
            d.c.kind,
            d.c.dated,
            d.c.due_date,
            d.c.amount,
            d.c.currency,
            d.c.disputed,
            d.c.booked,
            d.c.schedule,
            left.label("open"),
        )
        .select_from(joined)
        .where(*where)
        .order_by(rank, d.c.dated, d.c.id)
    )


def _limit_records(t: Schema) -> sa.Select[Any]:
    lim = t.limits
    return (
        sa.select(lim.c.customer_id, lim.c.record)
        .where(lim.c.customer_id.in_(_ids()))
        .order_by(lim.c.customer_id, lim.c.valid_from, lim.c.kind)
    )


_ROW_NAMES: Final = (
    "tag",
    "customer_id",
    "day",
    "key",
    "seq",
    "record",
    "amount",
    "currency",
    "on",
    "flag",
    "odd",
)
"""The names of the columns of :func:`_row`."""


def _row(
    tag: str,
    customer_id: Any,
    *,
    day: Any = None,
    key: Any = None,
    seq: Any = None,
    record: Any = None,
    amount: Any = None,
    currency: Any = None,
    on: Any = None,
    flag: Any = None,
    odd: Any = None,
    first: bool = False,
) -> list[sa.ColumnElement[Any]]:
    """The columns of a row of :func:`_read_ahead` and :func:`_check_reads`: one shape
    for every kind of record, told apart by ``tag``, NULL where a kind has nothing.

    Only the ``first`` part of a union casts its NULLs: PostgreSQL types a union's
    columns from left to right, and a CAST in every part made the statement too long
    for psycopg's cache of parsed queries (4,096 characters).
    """

    def given(value: Any, kind: Any) -> sa.ColumnElement[Any]:
        if value is not None:
            return value  # type: ignore[no-any-return]
        return sa.cast(sa.null(), kind) if first else sa.type_coerce(sa.null(), kind)

    columns = [
        sa.literal_column(f"'{tag}'", sa.String(1)),
        given(customer_id, ID),
        given(day, sa.Date),
        given(key, ID),
        given(seq, sa.BigInteger),
        given(record, sa.Text),
        given(amount, sa.BigInteger),
        given(currency, sa.String(3)),
        given(on, sa.Date),
        given(flag, sa.Integer),  # 1 or 0: MariaDB cannot cast to BOOLEAN
        given(odd, sa.Integer),
    ]
    if not first:  # a union's columns are named by its first part
        return columns
    return [column.label(name) for column, name in zip(columns, _ROW_NAMES, strict=True)]


def _reservation_rows_of(res: sa.FromClause, tag: str) -> sa.Select[Any]:
    """Reservations of the table (alias) ``res`` as rows of :func:`_row` tagged ``tag``."""
    return sa.select(
        *_row(
            tag,
            res.c.customer_id,
            key=res.c.order_id,
            amount=res.c.amount,
            currency=res.c.currency,
            on=res.c.reserved_on,
        )
    )


def _ahead_rows(
    t: Schema,
    limit_ids: sa.BindParameter[Any] | list[sa.ColumnElement[Any]],
    group_ids: sa.BindParameter[Any] | sa.Select[Any],
) -> list[sa.Select[Any]]:
    """The parts of :func:`_read_ahead`: the limits of the customers ``limit_ids``, the
    reservations of ``group_ids``, and the watch-list entry, dunning records, latest
    snapshot on or before ``as_of`` (none when it is NULL) and audit chain head of
    ``customer_id``."""
    # short aliases keep the statement's text short (see _check_reads)
    lim, res, w, dun, aud = (
        table.alias(name)
        for table, name in (
            (t.limits, "l"),
            (t.reservations, "r"),
            (t.watch_list, "w"),
            (t.dunning, "d"),
            (t.audit, "a"),
        )
    )
    customer: sa.BindParameter[str] = sa.bindparam("customer_id")
    head = (
        sa.select(aud.c.hash)
        .where(aud.c.customer_id == customer)
        .order_by(aud.c.sequence.desc())
        .limit(1)
        .scalar_subquery()
    )
    snap = t.snapshots.alias("s")
    latest = (
        sa.select(snap.c.customer_id, snap.c.record)
        .where(snap.c.customer_id == customer, snap.c.as_of <= sa.bindparam("as_of", type_=sa.Date))
        .order_by(snap.c.as_of.desc())
        .limit(1)
        .subquery("latest")
    )
    return [
        sa.select(
            *_row(
                "l",
                lim.c.customer_id,
                day=lim.c.valid_from,
                key=lim.c.kind,
                record=lim.c.record,
                first=True,
            )
        ).where(lim.c.customer_id.in_(limit_ids)),
        _reservation_rows_of(res, "r").where(res.c.customer_id.in_(group_ids)),
        sa.select(*_row("w", w.c.customer_id, record=w.c.record)).where(
            w.c.customer_id == customer
        ),
        sa.select(*_row("d", dun.c.customer_id, seq=dun.c.id, record=dun.c.record)).where(
            dun.c.customer_id == customer
        ),
        sa.select(*_row("s", latest.c.customer_id, record=latest.c.record)),
        sa.select(*_row("a", customer, record=head)),
    ]


def _ordered(parts: Sequence[sa.Select[Any]]) -> sa.CompoundSelect[Any]:
    """``parts`` in one ``UNION ALL``, ordered as the methods that read each kind alone
    order them (``day``, ``key`` and ``seq`` within a tag)."""
    both = sa.union_all(*parts)
    columns = both.selected_columns
    return both.order_by(*(columns[name] for name in ("tag", "customer_id", "day", "key", "seq")))


def _read_ahead(t: Schema) -> sa.CompoundSelect[Any]:
    """In one statement what a credit check reads of a held customer (see
    :func:`_ahead_rows`): the limits of ``limit_ids``, the reservations of
    ``group_ids``."""
    return _ordered(
        _ahead_rows(
            t, sa.bindparam("limit_ids", expanding=True), sa.bindparam("group_ids", expanding=True)
        )
    )


def _members_of(t: Schema, root: sa.ColumnElement[Any]) -> sa.Select[Any]:
    """The ids of the credit group of ``root``: a subquery rather than a list of ids,
    so that the statement's text stays the same from one run to the next (an expanding
    list is rendered again at every run)."""
    c = t.customers
    return sa.select(c.c.id).where(c.c.root_id == root)


def _check_reads(t: Schema) -> sa.CompoundSelect[Any]:
    """What a check of the order ``order_id`` for ``customer_id`` as of ``as_of`` reads,
    in one statement (see :func:`_check_parts`), the group's root ``root_id`` given."""
    return _ordered(_check_parts(t, sa.bindparam("root_id")))


def _first_check_reads(t: Schema) -> sa.CompoundSelect[Any]:
    """:func:`_check_reads` for a customer whose group this unit has not read yet (on
    SQLite, whose ``BEGIN IMMEDIATE`` already holds the whole database): the root
    looked up in the statement, and the group's customer rows with the rest (tag
    ``c``: the root in ``key``, the currency in ``currency``, the other columns as a
    JSON list in ``record``). Never sent to PostgreSQL, so its length does not count,
    and its open items are summed document by document, which SQLite does faster.

    Unordered: sorting the union cost SQLite a sort per part (0.07 of 0.5 ms), and
    SQLite's BINARY collation orders text as Python does, so the unit sorts the few
    lists whose order it keeps."""
    c = t.customers
    root = sa.select(c.c.root_id).where(c.c.id == sa.bindparam("customer_id")).scalar_subquery()
    record = sa.func.json_array(*(c.c[name] for name in _CUSTOMER_TEXT))
    rows = sa.select(
        *_row("c", c.c.id, key=c.c.root_id, record=record, currency=c.c.currency)
    ).where(c.c.root_id == root)
    return sa.union_all(*_check_parts(t, root, each=True), rows)


_CUSTOMER_TEXT: Final = ("name", "country", "segment", "industry", "parent_id", "tags")
"""The columns of a customer row that :func:`_first_check_reads` sends as a JSON list."""


class _CustomerRow(NamedTuple):
    """A customer row read by :func:`_first_check_reads`, with the columns' names."""

    id: str
    name: str
    country: str
    segment: str | None
    industry: str | None
    parent_id: str | None
    tags: str | None
    currency: str
    root_id: str


def _check_parts(
    t: Schema, root: sa.ColumnElement[Any], *, each: bool = False
) -> list[sa.Select[Any]]:
    """The parts of what a check reads: :func:`_ahead_rows` with the limits of the
    customer and its group's ``root`` and the reservations of the group, the order's
    record (tag ``o``), a reservation under its id, whoever it is for (``x``), and the
    group's open items (``i``: the open amount in ``seq``, the original in ``amount``,
    the kind in ``record``, the due date in ``on``, the disputed flag in ``flag``, and
    in ``odd`` whether the document has a booked amount or an instalment schedule),
    their open amounts summed per document with ``each`` (see :func:`_open_parts`)."""
    o, res, d = t.orders.alias("o"), t.reservations.alias("x"), t.documents.alias("i")
    order: sa.BindParameter[str] = sa.bindparam("order_id")
    members = _members_of(t, root).cte("g")
    group = sa.select(members.c.id)
    held: list[sa.ColumnElement[Any]] = [sa.bindparam("customer_id"), root]
    joined, left, where = _open_parts(d, t.allocations.alias("p"), group, each=each)
    odd = sa.case(
        (
            sa.or_(d.c.booked.is_not(None), sa.and_(d.c.schedule.is_not(None), d.c.schedule != "")),
            _ONE_SQL,
        ),
        else_=_ZERO_SQL,
    )
    return [
        *_ahead_rows(t, held, group),
        sa.select(*_row("o", o.c.customer_id, key=o.c.order_id, record=o.c.record)).where(
            o.c.order_id == order
        ),
        _reservation_rows_of(res, "x").where(res.c.order_id == order),
        sa.select(
            *_row(
                "i",
                d.c.customer_id,
                day=d.c.dated,
                key=d.c.id,
                seq=left,
                record=d.c.kind,
                amount=d.c.amount,
                currency=d.c.currency,
                on=d.c.due_date,
                flag=sa.case((d.c.disputed, _ONE_SQL), else_=_ZERO_SQL),
                odd=odd,
            )
        )
        .select_from(joined)
        .where(*where),
    ]


def _reservation_row(t: Schema) -> sa.Select[Any]:
    r = t.reservations
    return sa.select(r).where(r.c.order_id == sa.bindparam("order_id"))


def _released(t: Schema) -> ReturningDelete[Any]:
    r = t.reservations
    return sa.delete(r).where(r.c.order_id == sa.bindparam("order_id")).returning(*r.c)


def _reservation_rows(t: Schema) -> sa.Select[Any]:
    r = t.reservations
    return sa.select(r).where(r.c.customer_id.in_(_ids())).order_by(r.c.customer_id, r.c.order_id)


def _dunning_records(t: Schema) -> sa.Select[Any]:
    d = t.dunning
    return (
        sa.select(d.c.record).where(d.c.customer_id == sa.bindparam("customer_id")).order_by(d.c.id)
    )


def _latest_snapshot(t: Schema) -> sa.Select[Any]:
    s = t.snapshots
    return (
        sa.select(s.c.record)
        .where(s.c.customer_id == sa.bindparam("customer_id"), s.c.as_of <= sa.bindparam("as_of"))
        .order_by(s.c.as_of.desc())
        .limit(1)
    )


def _appended(table: sa.Table) -> sa.Insert:
    return sa.insert(table).returning(table.c.sequence)


def _audit_head(t: Schema) -> sa.Select[Any]:
    a = t.audit
    return (
        sa.select(a.c.hash)
        .where(a.c.customer_id == sa.bindparam("customer_id"))
        .order_by(a.c.sequence.desc())
        .limit(1)
    )


_RANK: Final = {DocumentKind.INVOICE.value: 0, DocumentKind.CREDIT_NOTE.value: 1}


def _open_item(
    document_id: str,
    customer_id: str,
    kind: str,
    dated: datetime.date,
    due_date: datetime.date | None,
    units: int,
    open_units: int,
    currency: str,
    disputed: bool,
) -> OpenItem:
    """The open item of a stored document of ``units`` (minor units of ``currency``)
    of which ``open_units`` are open: an invoice's with its due date and disputed flag,
    a payment's or credit note's negative and due on its date, as the ledger gives it."""
    amount = from_minor_units(units, currency)
    left = from_minor_units(open_units, currency)
    if kind == DocumentKind.INVOICE.value:
        if due_date is None:
            raise StorageError(
                f"documents.due_date: invoice {document_id!r} has none; every stored invoice "
                "has a due date, so the row was changed outside credkit"
            )
        return OpenItem(
            document_id,
            customer_id,
            DocumentKind.INVOICE,
            dated,
            due_date,
            left,
            original_amount=amount,
            disputed=disputed,
        )
    return OpenItem(
        document_id,
        customer_id,
        DocumentKind(kind),
        dated,
        dated,
        -left,
        original_amount=-amount,
    )


class SQLStore:
    """A :class:`~credkit.storage.Store` in a relational database (see the module).

    ``url`` defaults to ``sqlite:///credkit.db``; ``postgresql://`` uses psycopg 3 and
    ``mariadb://`` / ``mysql://`` PyMySQL unless the URL names another driver.
    ``prefix`` (default ``credkit_``) starts every table name; ``schema`` puts the
    tables in a database schema of their own instead. ``unit_class`` (a subclass of
    :class:`SQLUnit`) reads customers and documents from the host's own tables. Needs
    the ``sql`` extra.

    >>> SQLStore("oracle://scott@db/orcl")
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: url: backend 'oracle' is not supported; use sqlite, postgresql, mariadb or mysql
    """

    def __init__(
        self,
        url: str | sa.URL = DEFAULT_URL,
        *,
        prefix: str = "credkit_",
        schema: str | None = None,
        lock_timeout: float = 30.0,
        unit_class: type[SQLUnit] | None = None,
    ) -> None:
        self.url = _url(url)
        self.unit_class = SQLUnit if unit_class is None else unit_class
        self.tables = Schema(prefix=prefix, schema=schema)
        self.backend = self.url.get_backend_name()
        try:
            self.engine = self._engine(lock_timeout)
        except ImportError as error:
            raise StorageError(
                f"url: the driver {self.url.get_driver_name()!r} for {self.backend} is not "
                f"installed ({error.name or error}); pip install 'credkit-b2b[sql]' brings "
                "psycopg for PostgreSQL and PyMySQL for MariaDB/MySQL"
            ) from None
        self._ready = False
        self._local = threading.local()

    def _engine(self, lock_timeout: float) -> sa.Engine:
        if self.backend == "sqlite":
            engine = sa.create_engine(
                self.url, connect_args={"timeout": lock_timeout, "check_same_thread": False}
            )
            sa.event.listen(engine, "connect", _sqlite_connect)
            sa.event.listen(engine, "begin", _sqlite_begin)
        else:
            engine = sa.create_engine(self.url, isolation_level="READ COMMITTED")
            sa.event.listen(engine, "checkin", _checked_in)
            sa.event.listen(engine, "checkout", _ping_if_idle)
        return engine

    def __repr__(self) -> str:
        return f"SQLStore({self.where!r})"

    @property
    def where(self) -> str:
        """The database's URL with the password hidden, to show people.

        >>> SQLStore("postgresql://app:secret@db.example/credit").where
        'postgresql+psycopg://app:***@db.example/credit'
        """
        return self.url.render_as_string(hide_password=True)

    def dispose(self) -> None:
        """Close every pooled connection (the store can still be used afterwards)."""
        self.engine.dispose()

    # -- schema ---------------------------------------------------------------------

    def _alembic(self, connection: sa.Connection) -> Config:
        config = Config()
        config.set_main_option("script_location", str(_MIGRATIONS))
        config.attributes["connection"] = connection
        config.attributes["credkit_schema"] = self.tables
        return config

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """Database and migration failures as credkit errors: ConflictError or StorageError."""
        try:
            yield
        except sa.exc.DBAPIError as error:
            if _conflict(error):
                raise ConflictError(
                    f"a concurrent unit of work got in the way ({error.orig}); "
                    "nothing was written, retry"
                ) from error
            raise StorageError(f"{self.where}: {error.orig}") from error
        except (sa.exc.SQLAlchemyError, AlembicError) as error:
            raise StorageError(f"{self.where}: {error}") from error

    def version(self) -> str | None:
        """The schema version of the database (None before :meth:`upgrade`)."""
        with self._errors(), self.engine.connect() as connection:
            context = MigrationContext.configure(
                connection,
                opts={
                    "version_table": self.tables.version_table,
                    "version_table_schema": self.tables.schema,
                },
            )
            return context.get_current_revision()

    def upgrade(self, revision: str = "head") -> str:
        """Bring the database to ``revision`` (the newest by default); return the version.

        Running it again on an up-to-date database changes nothing.
        """
        with self._errors(), self.engine.begin() as connection:
            if self.tables.schema is not None and self.backend == "postgresql":
                connection.execute(sa.schema.CreateSchema(self.tables.schema, if_not_exists=True))
            command.upgrade(self._alembic(connection), revision)
        self._ready = False
        version = self.version()
        return version or ""

    def counts(self) -> dict[str, int]:
        """How many rows each of credkit's tables holds, by table name without the prefix."""
        self._check_version()
        with self._errors(), self.engine.connect() as connection:
            return {
                table.name.removeprefix(self.tables.prefix): connection.execute(
                    sa.select(sa.func.count()).select_from(table)
                ).scalar_one()
                for table in self.tables.record_tables
            }

    def _check_version(self) -> None:
        if self._ready:
            return
        version = self.version()
        if version != HEAD:
            found = f"version {version}" if version else "no credkit schema"
            raise StorageError(
                f"{self.where}: the database has {found}; this credkit needs version {HEAD}. "
                "Run store.upgrade() or `credkit db upgrade --url URL`"
            )
        self._ready = True

    # -- units ----------------------------------------------------------------------

    @contextmanager
    def unit(self, *customer_ids: str) -> Iterator[SQLUnit]:
        """A unit of work locking ``customer_ids`` and their groups' roots (see the module)."""
        for index, customer_id in enumerate(customer_ids):
            check_text(customer_id, f"customer_ids[{index}]")
        if getattr(self._local, "active", False):
            raise StorageError(
                "unit: this thread is already inside a unit of this store; units do not nest"
            )
        self._check_version()
        self._local.active = True
        try:
            with self._errors(), self.engine.begin() as connection:
                unit = self.unit_class(connection, self.tables)
                if customer_ids:
                    try:
                        unit.lock(customer_ids)
                    except sa.exc.DBAPIError as error:
                        if not error.connection_invalidated:
                            raise
                        # the first statement found the pooled connection dropped by
                        # the server: nothing was done, the unit may run again
                        raise ConflictError(
                            f"the connection to {self.where} was closed ({error.orig}); "
                            "nothing was written, retry"
                        ) from error
                yield unit
        finally:
            self._local.active = False


_IDLE_PING: Final = 5.0
"""Seconds a pooled server connection may rest before a checkout tests it first."""


def _checked_in(_dbapi_connection: Any, record: Any) -> None:
    record.info["credkit_idle_since"] = time.monotonic()


def _ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    """Test a pooled connection that rested more than :data:`_IDLE_PING` seconds.

    A connection in steady use is not tested: that saves a round trip per unit (what
    ``pool_pre_ping`` costs). One the server dropped meanwhile fails at the unit's
    first statement, the lock, which :meth:`SQLStore.unit` reports as a conflict, so
    :func:`~credkit.storage.atomic` runs the unit again on a new connection. One that
    rested (a server restart overnight, a firewall's idle timeout) is tested here and
    replaced by the pool when the test fails.
    """
    since = record.info.get("credkit_idle_since")
    if since is None or time.monotonic() - since < _IDLE_PING:
        return
    try:
        cursor = dbapi_connection.cursor()
        cursor.execute("SELECT 1")
        cursor.fetchall()
        cursor.close()
    except Exception as error:  # whatever the driver raises, the connection is unusable
        raise sa.exc.DisconnectionError(f"a resting connection failed its test: {error}") from error


def _observed(connection: sa.Connection) -> bool:
    """Whether the host watches SQLAlchemy's statements: ``echo``, the engine's logger
    at INFO, or listeners of its cursor events (tracing, metrics). Then every statement
    goes SQLAlchemy's way, so that the host sees each one."""
    return bool(
        connection.engine.echo
        or _ENGINE_LOG.isEnabledFor(logging.INFO)
        or connection.dispatch.before_cursor_execute
        or connection.dispatch.after_cursor_execute
    )


def _on_the_driver(connection: sa.Connection, text: str, values: Any) -> Any:
    """Run ``text`` on a new cursor of ``connection``'s DB-API connection; return it.

    The driver's error comes back as SQLAlchemy's execution raises it: wrapped in the
    matching :class:`sqlalchemy.exc.DBAPIError`, a dropped connection invalidated.
    """
    dialect = connection.dialect
    driver = connection.connection.dbapi_connection
    cursor = driver.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(text, values)
    except dialect.loaded_dbapi.Error as error:
        dropped = dialect.is_disconnect(error, driver, cursor)
        if dropped:
            connection.invalidate(error)
        raise sa.exc.DBAPIError.instance(
            text,
            values,
            error,
            dialect.loaded_dbapi.Error,
            connection_invalidated=dropped,
            dialect=dialect,
        ) from error
    return cursor


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # let SQLAlchemy's "begin" event emit BEGIN
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def _sqlite_begin(connection: sa.Connection) -> None:
    """Begin each transaction holding SQLite's write lock; on the driver's connection,
    as a check's statements (:meth:`SQLUnit._fast`), unless the host watches."""
    if _observed(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        _on_the_driver(connection, "BEGIN IMMEDIATE", ())


class SQLUnit:
    """The records of an :class:`SQLStore` within one transaction (one unit of work).

    A host whose customers and documents already live in its own tables subclasses
    it and overrides what reads or writes them: :meth:`known_customers`,
    :meth:`customer`, ``customer_ids``, :meth:`group`, :meth:`lock`, ``add_customers``,
    ``add_documents``, ``add_allocations`` and ``ledger``; everything else (limits,
    reservations, the audit log, ...) stays in credkit's tables, in the same
    transaction. ``connection`` is that transaction's connection and ``tables``
    credkit's :class:`~credkit.storage.sql.Schema`. The how-to "Keep credkit's
    records beside your own tables" walks through one. A subclass that overrides
    ``ledger`` gets the open items of that ledger from :meth:`open_items`, until it
    overrides that too (summing its own tables, as the conformance kit then checks).

    For a customer whose group's root it has locked, a unit keeps what it read until
    it writes it: the group's members (read with the lock on PostgreSQL; on SQLite when
    first needed, or by :meth:`prefetch_check` with the rest of a check),
    and, read in one statement the first time a credit check asks for any of them, the
    limits of the customers it holds, the group's reservations, the customer's
    watch-list entry, dunning history, audit chain head and latest snapshot
    (:meth:`snapshot` first brings that too). No other unit can change those records
    meanwhile.

    On PostgreSQL and SQLite, a check's statements (the lock, the check's one read, the
    reservation, the audit entry and the order record; SQLite's ``BEGIN IMMEDIATE``)
    run on the driver's own cursor, compiled once by SQLAlchemy; while the host watches
    SQLAlchemy's statements (``echo``, the ``sqlalchemy.engine`` logger at INFO, cursor
    event listeners), they run through SQLAlchemy as every other statement does.
    """

    def __init__(self, connection: sa.Connection, tables: Schema) -> None:
        self.connection = connection
        self.tables = tables
        self._c = connection
        self._t = tables
        self._seen: dict[str, Any] = {}  # customer rows (sa.Row, _CustomerRow) read here
        # What this unit read of the customers it locked, kept until it writes them: no
        # other unit changes a locked customer's records, so reading them again would
        # only return the same rows.
        self._locked: set[str] = set()
        # customers locked on SQLite whose groups nothing has read yet (see _settle)
        self._pending: set[str] = set()
        self._members: dict[str, tuple[str, ...]] = {}  # group members by root
        self._limits: dict[str, tuple[CreditLimit, ...]] = {}
        self._reserved: dict[str, tuple[Reservation, ...]] = {}
        self._heads: dict[str, str] = {}  # audit chain heads this unit read or appended
        self._watched: dict[str, WatchEntry | None] = {}
        self._dunned: dict[str, DunningHistory] = {}
        self._snapshots: dict[tuple[str, datetime.date], Snapshot | None] = {}
        # read by prefetch_check: order records and reservations by order id (None:
        # there is none), open items by (customer, as_of); each dropped when written
        self._orders: dict[str, OrderRecord | None] = {}
        self._by_order: dict[str, Reservation | None] = {}
        self._open: dict[tuple[str, datetime.date], tuple[OpenItem, ...]] = {}
        self._loading = False

    def _run(
        self, name: str, build: Callable[[Schema], sa.Executable], **values: Any
    ) -> sa.CursorResult[Any]:
        """Run the statement ``name`` (built once per schema) with ``values``."""
        return self._c.execute(_statement(self._t, name, build), values)

    def _fast(
        self, name: str, build: Callable[[Schema], sa.Executable], values: dict[str, Any]
    ) -> Any:
        """Run the statement ``name`` on the driver's own cursor where that is safe.

        For the statements a credit check runs on every order (the lock, the check's
        reads, the reservation, the audit entry, the order record), on PostgreSQL and
        SQLite: SQLAlchemy's execution layer cost about as much CPU as the driver's
        (0.26 of 0.46 ms for the check's reads on PostgreSQL, issue 17). The statement
        is compiled by SQLAlchemy once per schema and set of value names
        (:func:`_driver_sql`), its values converted by its bound types as SQLAlchemy
        would, and the driver's errors come back wrapped as SQLAlchemy wraps them (a
        dropped connection invalidated), so :meth:`SQLStore.unit` tells conflicts from
        failures as it does for :meth:`_run`. Rows come back as the driver gives them:
        a date column on SQLite as its text (see :func:`_day`). Returns the DB-API
        cursor, or None where SQLAlchemy must run the statement: on MariaDB, for
        values it expands at each run, and while the host watches SQLAlchemy's
        statements (:func:`_observed`).
        """
        dialect = self._c.dialect
        if dialect.name not in _FAST or _observed(self._c):
            return None
        sql = _driver_sql(self._t, dialect, name, build, tuple(values))
        if sql is None:
            return None
        text, defaults, order, convert = sql
        if defaults or convert:
            values = {**defaults, **values}
            for key, conversion in convert.items():
                values[key] = conversion(values[key])
        return _on_the_driver(
            self._c, text, values if order is None else [values[k] for k in order]
        )

    def _execute(
        self, name: str, build: Callable[[Schema], sa.Executable], values: dict[str, Any]
    ) -> Any:
        """Run the statement ``name`` on the driver's cursor where :meth:`_fast` runs it,
        else SQLAlchemy's way; either answer gives its rows by iteration (as tuples)
        and its ``rowcount``."""
        cursor = self._fast(name, build, values)
        return self._run(name, build, **values) if cursor is None else cursor

    def _load(self) -> None:
        """On PostgreSQL, plan this unit's statements for their own parameters from now on.

        psycopg prepares a statement after five runs, and PostgreSQL then may keep a
        generic plan chosen while a table was nearly empty: loading 40,000 documents in
        batches of 10,000 took 0.3, 2.4, 6.1 and 9.9 s. Units that load customers,
        documents or allocations plan each run afresh; the desk's short units keep
        their prepared plans.
        """
        self._open.clear()  # documents, allocations or groups are about to change
        if self._c.dialect.name == "postgresql" and not self._loading:
            self._c.exec_driver_sql("SET LOCAL plan_cache_mode = force_custom_plan")
            self._loading = True

    def lock(self, customer_ids: Sequence[str]) -> None:
        """Lock the customers and their groups' roots against other units, in lock order.

        On PostgreSQL: one ``SELECT ... ORDER BY id FOR UPDATE OF`` over the customers'
        and their roots' rows, which PostgreSQL locks in the order it returns them
        (:func:`~credkit.storage.rules.lock_order`), joined to their groups' members,
        which it returns without locking them. On MariaDB: ``SELECT ... FOR UPDATE``
        on each row, one at a time in that order. On SQLite the rows are only read: the
        unit's ``BEGIN IMMEDIATE`` already holds the database's write lock, so their
        groups are read when first needed (:meth:`_settle`), or by :meth:`prefetch_check`
        with the rest of what a check reads.
        """
        dialect = self._c.dialect.name
        ids = sorted(set(customer_ids))
        if dialect == "postgresql" and len(ids) <= _CHUNK:
            rows = (  # for a unit of one customer (the desk's), see _fast
                self._execute("lock one", _lock_one, {"customer_id": ids[0]})
                if len(ids) == 1
                else self._run("lock", _lock_rows, ids=ids)
            )
            groups: dict[str, dict[str, _CustomerRow]] = {}
            for locked_id, *columns in cast("Iterable[tuple[Any, ...]]", rows):
                row = _CustomerRow(*columns)
                self._locked.add(locked_id)
                groups.setdefault(row.root_id, {})[row.id] = row
            for members in groups.values():  # each group's rows, in the order read (by id)
                self._read_group(members.values())
            return
        if dialect == "sqlite":  # no other unit writes until this ends: read groups later
            self._pending.update(ids)
            return
        rows = self._customers(ids)
        self._locked.update(rows)
        self._locked.update(row.root_id for row in rows.values())
        customers = self._t.customers
        roots = {customer_id: row.root_id for customer_id, row in rows.items()}
        for customer_id in lock_order(customer_ids, roots.get):
            self._c.execute(
                sa.select(customers.c.id).where(customers.c.id == customer_id).with_for_update()
            )

    def _settle(self) -> None:
        """Read the groups of the customers :meth:`lock` took on SQLite that nothing has
        read yet, and hold them (each whole: no other unit writes until this one ends)."""
        pending = sorted(self._pending)
        self._pending.clear()
        for customer_id in pending:
            if customer_id not in self._seen:
                self._read_group(self._run("group of", _group_of, customer_id=customer_id))
            known = self._seen.get(customer_id)
            if known is not None:
                self._locked.update((customer_id, known.root_id))

    def known_customers(self, customer_ids: Iterable[str]) -> set[str]:
        """Which of ``customer_ids`` are stored customers."""
        return set(self._customers(customer_ids))

    def _rows(self, statement: sa.Executable) -> list[sa.Row[Any]]:
        return list(self._c.execute(statement))

    # -- customers ------------------------------------------------------------------

    @staticmethod
    def _customer(row: Any) -> Customer:
        return Customer(
            row.id,
            row.name,
            country=row.country,
            currency=row.currency,
            segment=row.segment,
            industry=row.industry,
            parent_id=row.parent_id,
            tags=() if row.tags is None else json.loads(row.tags),
        )

    def _customers(self, ids: Iterable[str]) -> dict[str, sa.Row[Any]]:
        """Stored customers' rows by id, read once per unit (a stored customer never changes)."""
        if self._pending:
            self._settle()
        wanted = set(ids)
        missing = sorted(wanted - self._seen.keys())
        for chunk in _chunks(missing):
            for row in self._run("customers", _customer_rows, ids=list(chunk)):
                self._seen[row.id] = row
        return {i: self._seen[i] for i in wanted if i in self._seen}

    def _known(self, customer_ids: Iterable[str], field: str = "customer_id") -> None:
        wanted = {check_text(customer_id, field) for customer_id in customer_ids}
        missing = wanted - self.known_customers(wanted)
        if missing:
            raise ValidationError(f"{field}: unknown customer {min(missing)!r}")

    def add_customers(self, customers: Iterable[Customer]) -> int:
        self._load()
        self._members.clear()  # groups may grow
        given = list(customers)
        ids = {c.id for c in given if isinstance(c, Customer)}
        parents = {c.parent_id for c in given if isinstance(c, Customer) and c.parent_id}
        stored = self._customers(ids | parents)
        rows: list[dict[str, Any]] = []
        roots = {i: row.root_id for i, row in stored.items()}
        for customer in parents_first(given, lambda i: i in stored):
            what = f"customer {customer.id!r}"
            old = stored.get(customer.id)
            if new_or_same(None if old is None else self._customer(old), customer, what):
                parent = customer.parent_id
                roots[customer.id] = customer.id if parent is None else roots[parent]
                rows.append(
                    {
                        "id": customer.id,
                        "name": customer.name,
                        "country": customer.country,
                        "currency": customer.currency,
                        "segment": customer.segment,
                        "industry": customer.industry,
                        "parent_id": parent,
                        "root_id": roots[customer.id],
                        "tags": json.dumps(customer.tags) if customer.tags else None,
                    }
                )
        for chunk in _chunks(rows):
            self._c.execute(sa.insert(self._t.customers), list(chunk))
        return len(rows)

    def customer(self, customer_id: str) -> Customer:
        check_text(customer_id, "customer_id")
        row = self._customers([customer_id]).get(customer_id)
        if row is None:
            raise ValidationError(f"customer_id: unknown customer {customer_id!r}")
        return self._customer(row)

    def customer_ids(self) -> tuple[str, ...]:
        table = self._t.customers
        return tuple(self._c.execute(sa.select(table.c.id).order_by(table.c.id)).scalars())

    def _read_group(self, result: Iterable[Any]) -> list[Any]:
        """Keep a group's customer rows (ordered by id) and its members; return the rows."""
        rows = list(result)
        if rows:
            self._seen.update((row.id, row) for row in rows)
            self._members[rows[0].root_id] = tuple(row.id for row in rows)
        return rows

    def group(self, customer_id: str) -> tuple[Customer, ...]:
        check_text(customer_id, "customer_id")
        if self._pending:
            self._settle()
        known = self._seen.get(customer_id)
        members = None if known is None else self._members.get(known.root_id)
        if members is not None and self._stable(customer_id):  # read with the lock
            rows = [self._seen[i] for i in members]
        elif known is None:
            rows = self._read_group(self._run("group of", _group_of, customer_id=customer_id))
        else:
            rows = self._read_group(self._run("group", _group_rows, root_id=known.root_id))
        if not rows:
            raise ValidationError(f"customer_id: unknown customer {customer_id!r}")
        root = rows[0].root_id
        return tuple(
            self._customer(row) for row in sorted(rows, key=lambda r: (r.id != root, r.id))
        )

    # -- documents ------------------------------------------------------------------

    @staticmethod
    def _document(row: sa.Row[Any]) -> Document:
        amount = from_minor_units(row.amount, row.currency)
        booked = None if row.booked is None else from_minor_units(row.booked, row.booked_currency)
        if row.kind == DocumentKind.INVOICE.value:
            return Invoice(
                row.id,
                row.customer_id,
                row.dated,
                row.due_date,
                amount,
                disputed=row.disputed,
                booked=booked,
                schedule=_schedule_of(row.schedule, row.currency),
            )
        if row.kind == DocumentKind.CREDIT_NOTE.value:
            return CreditNote(
                row.id,
                row.customer_id,
                row.dated,
                amount,
                invoice_id=row.invoice_id,
                write_off=row.write_off,
                booked=booked,
            )
        return Payment(row.id, row.customer_id, row.dated, amount, booked=booked)

    def _documents(self, ids: Iterable[str]) -> dict[str, Document]:
        table = self._t.documents
        found: dict[str, Document] = {}
        for chunk in _chunks(sorted(set(ids))):
            for row in self._rows(sa.select(table).where(table.c.id.in_(chunk))):
                found[row.id] = self._document(row)
        return found

    def add_documents(self, documents: Iterable[Document]) -> int:
        self._load()
        given = list(documents)
        rows: list[dict[str, Any]] = []
        for index, document in enumerate(given):
            expect(
                document,
                (Invoice, CreditNote, Payment),
                f"documents[{index}]",
                "an invoice, credit note or payment",
            )
        self._known((d.customer_id for d in given), "documents.customer_id")
        stored = self._documents(d.id for d in given)
        seen: dict[str, Document] = {}
        for index, document in enumerate(given):
            amount = to_minor_units(document.amount, f"documents[{index}].amount")
            what = f"document {document.id!r}"
            if not new_or_same(stored.get(document.id) or seen.get(document.id), document, what):
                continue
            seen[document.id] = document
            kind = (
                DocumentKind.INVOICE
                if isinstance(document, Invoice)
                else DocumentKind.CREDIT_NOTE
                if isinstance(document, CreditNote)
                else DocumentKind.PAYMENT
            )
            rows.append(
                {
                    "id": document.id,
                    "customer_id": document.customer_id,
                    "kind": kind.value,
                    "dated": document_date(document),
                    "due_date": document.due_date if isinstance(document, Invoice) else None,
                    "amount": amount,
                    "currency": document.amount.currency,
                    "disputed": isinstance(document, Invoice) and document.disputed,
                    "invoice_id": document.invoice_id if isinstance(document, CreditNote) else None,
                    "write_off": isinstance(document, CreditNote) and document.write_off,
                    "booked": (
                        None
                        if document.booked is None
                        else to_minor_units(document.booked, f"documents[{index}].booked")
                    ),
                    "booked_currency": (
                        None if document.booked is None else document.booked.currency
                    ),
                    "schedule": (
                        _schedule_text(document.schedule)
                        if isinstance(document, Invoice) and document.schedule
                        else None
                    ),
                }
            )
        for chunk in _chunks(rows):
            self._c.execute(sa.insert(self._t.documents), list(chunk))
        return len(rows)

    def _applied(self, ids: Sequence[str], documents: Mapping[str, Document]) -> dict[str, Decimal]:
        table = self._t.allocations
        applied: dict[str, Decimal] = {}
        for column in (table.c.source_id, table.c.target_id):
            for chunk in _chunks(ids):
                query = (
                    sa.select(column, sa.func.sum(table.c.amount))
                    .where(column.in_(chunk))
                    .group_by(column)
                )
                for document_id, units in self._c.execute(query):
                    currency = documents[document_id].amount.currency
                    applied[document_id] = from_minor_units(int(units), currency).amount
        return applied

    def _named_instalments(
        self, new: Sequence[Allocation], documents: Mapping[str, Document]
    ) -> dict[tuple[str, int], Decimal]:
        """What stored allocations naming an instalment apply to it, for the targets of ``new``."""
        table = self._t.allocations
        targets = sorted({a.target_id for a in new if a.instalment is not None})
        named: dict[tuple[str, int], Decimal] = {}
        for chunk in _chunks(targets):
            query = (
                sa.select(table.c.target_id, table.c.instalment, sa.func.sum(table.c.amount))
                .where(table.c.target_id.in_(chunk), table.c.instalment > 0)
                .group_by(table.c.target_id, table.c.instalment)
            )
            for target, number, units in self._c.execute(query):
                currency = documents[target].amount.currency
                named[(target, int(number))] = from_minor_units(int(units), currency).amount
        return named

    def add_allocations(self, allocations: Iterable[Allocation]) -> int:
        self._load()
        table = self._t.allocations
        given = list(allocations)
        keys: list[tuple[str, str, datetime.date, int, int]] = []
        for index, allocation in enumerate(given):
            expect(allocation, Allocation, f"allocations[{index}]", "an Allocation")
            units = to_minor_units(allocation.amount, f"allocations[{index}].amount")
            keys.append(
                (
                    allocation.source_id,
                    allocation.target_id,
                    allocation.applied_on,
                    units,
                    allocation.instalment or 0,
                )
            )
        existing: set[tuple[str, str, datetime.date, int, int]] = set()
        sources = sorted({key[0] for key in keys})
        for chunk in _chunks(sources):
            query = sa.select(
                table.c.source_id,
                table.c.target_id,
                table.c.applied_on,
                table.c.amount,
                table.c.instalment,
            ).where(table.c.source_id.in_(chunk))
            existing.update((s, t, d, int(a), int(n)) for s, t, d, a, n in self._c.execute(query))
        new: list[Allocation] = []
        new_keys: list[tuple[str, str, datetime.date, int, int]] = []
        for allocation, key in zip(given, keys, strict=True):
            if key not in existing:
                existing.add(key)
                new.append(allocation)
                new_keys.append(key)
        named = sorted({i for a in new for i in (a.source_id, a.target_id)})
        documents = self._documents(named)
        # what is applied already must not change before these rows are in: a unit that
        # named other customers (or none) holds no lock on these documents' customers yet
        self.lock(sorted({d.customer_id for d in documents.values()}))
        check_allocations(
            new,
            documents,
            self._applied([i for i in named if i in documents], documents),
            named=self._named_instalments(new, documents),
        )
        rows = [
            {
                "customer_id": documents[target].customer_id,
                "source_id": source,
                "target_id": target,
                "amount": units,
                "currency": documents[target].amount.currency,
                "applied_on": applied_on,
                "instalment": instalment,
            }
            for source, target, applied_on, units, instalment in new_keys
        ]
        for batch in _chunks(rows):
            self._c.execute(sa.insert(table), list(batch))
        return len(rows)

    def ledger(self, customer_id: str, *, as_of: datetime.date) -> Ledger:
        check_date(as_of, "as_of")
        members = self.group(customer_id)
        ids = [c.id for c in members]
        documents = [
            self._document(row)
            for row in self._run("documents", _ledger_documents, ids=ids, as_of=as_of)
        ]
        allocations = [
            Allocation(
                row.source_id,
                row.target_id,
                from_minor_units(row.amount, row.currency),
                row.applied_on,
                instalment=row.instalment or None,
            )
            for row in self._run("allocations", _ledger_allocations, ids=ids, as_of=as_of)
        ]
        return Ledger(
            customers=members,
            invoices=[d for d in documents if isinstance(d, Invoice)],
            credit_notes=[d for d in documents if isinstance(d, CreditNote)],
            payments=[d for d in documents if isinstance(d, Payment)],
            allocations=allocations,
        )

    def open_items(self, customer_id: str, *, as_of: datetime.date) -> tuple[OpenItem, ...]:
        """The group's open items, summed in the database (see
        :class:`~credkit.storage.OpenItemRecords`).

        A subclass that overrides :meth:`ledger` (a host's own documents) gets the
        items of its ledger, until it overrides this method too; so does a group
        with an open invoice in instalments or an open document with a booked
        amount, whose items the ledger spreads.
        """
        check_date(as_of, "as_of")
        if type(self).ledger is not SQLUnit.ledger:
            return self.ledger(customer_id, as_of=as_of).open_items(as_of)
        check_text(customer_id, "customer_id")
        if self._pending:
            self._settle()
        known = self._seen.get(customer_id)
        stable = known is not None and self._stable(customer_id)  # its group cannot change
        cached = self._open.get((customer_id, as_of)) if stable else None
        if cached is not None:
            return cached
        ids = self._members.get(known.root_id) if known is not None and stable else None
        if ids is None:
            ids = tuple(c.id for c in self.group(customer_id))
        rows = list(self._run("open items", _open_documents, ids=list(ids), as_of=as_of))
        if any(row.schedule or row.booked is not None for row in rows):
            return self.ledger(customer_id, as_of=as_of).open_items(as_of)
        return tuple(
            _open_item(
                row.id,
                row.customer_id,
                row.kind,
                row.dated,
                row.due_date,
                row.amount,
                int(row.open),
                row.currency,
                row.disputed,
            )
            for row in rows
        )

    # -- records kept as JSON -------------------------------------------------------

    def _record(self, table: sa.Table, cls: type[R], **key: object) -> R | None:
        text = self._run(
            f"record {table.name} {' '.join(key)}",
            lambda _: sa.select(table.c.record).where(*_matching(table, key)),
            **key,
        ).scalar_one_or_none()
        return None if text is None else converter.structure(json.loads(text), cls)

    def _insert(self, table: sa.Table, values: Mapping[str, Any]) -> sa.CursorResult[Any]:
        return self._run(f"insert {table.name}", lambda _: sa.insert(table), **values)

    def _insert_new(self, table: sa.Table, values: Mapping[str, Any]) -> bool:
        """Insert a row unless one with its key is stored; True if inserted.

        One statement on PostgreSQL and SQLite (``ON CONFLICT DO NOTHING``); on
        MariaDB always False, and the caller looks the key up first.
        """
        dialect = self._c.dialect.name
        if dialect not in _INSERT_NEW:
            return False
        name = f"insert new {table.name}"

        def build(_: Schema) -> sa.Executable:
            insert = _INSERT_NEW[dialect](table).on_conflict_do_nothing()
            return insert.execution_options(preserve_rowcount=True)  # type: ignore[no-any-return]

        return self._execute(name, build, dict(values)).rowcount == 1  # type: ignore[no-any-return]

    def _delete(self, table: sa.Table, **key: object) -> None:
        self._run(
            f"delete {table.name} {' '.join(key)}",
            lambda _: sa.delete(table).where(*_matching(table, key)),
            **key,
        )

    def _put(
        self, table: sa.Table, record: object, what: str, cls: type[Any], **key: object
    ) -> bool:
        values = {**key, "record": _json(record)}
        if self._insert_new(table, values):
            return True
        if not new_or_same(self._record(table, cls, **key), record, what):
            return False
        self._insert(table, values)
        return True

    def _replace(
        self,
        table: sa.Table,
        record: Any,
        cls: type[R],
        columns: Mapping[str, object] | None = None,
        **key: object,
    ) -> R | None:
        values = {**key, **(columns or {}), "record": _json(record)}
        if "customer_id" in table.c and "customer_id" not in key:
            values["customer_id"] = record.customer_id
        if self._insert_new(table, values):
            return None
        old = self._record(table, cls, **key)
        owner = getattr(old, "customer_id", record.customer_id)
        if owner != record.customer_id:
            name = table.name.removeprefix(self._t.prefix)
            raise ValidationError(
                f"{name}.customer_id: {next(iter(key.values()))!r} belongs to {owner!r}, "
                f"not {record.customer_id!r}"
            )
        if old is not None:
            self._delete(table, **key)
        self._insert(table, values)
        return old

    def _all(
        self,
        table: sa.Table,
        cls: type[R],
        *where: sa.ColumnElement[bool],
        order: Sequence[sa.ColumnElement[Any]],
    ) -> tuple[R, ...]:
        query = sa.select(table.c.record).where(*where).order_by(*order)
        return tuple(
            converter.structure(json.loads(text), cls) for text in self._c.execute(query).scalars()
        )

    def add_limit(self, limit: CreditLimit) -> bool:
        expect(limit, CreditLimit, "limit", "a CreditLimit")
        if limit.amount is not None:
            to_minor_units(limit.amount, "limit.amount")
        self._known([limit.customer_id])
        self._limits.pop(limit.customer_id, None)
        what = f"limit of {limit.customer_id!r} ({limit.kind.value}) from {limit.valid_from}"
        return self._put(
            self._t.limits,
            limit,
            what,
            CreditLimit,
            customer_id=limit.customer_id,
            kind=limit.kind.value,
            valid_from=limit.valid_from,
        )

    def _stable(self, customer_id: str) -> bool:
        """Whether no other unit can change ``customer_id``'s records while this one runs.

        Every unit locks the roots of the customers it names, so a customer whose
        group root this unit holds is this unit's alone until it ends.
        """
        if self._pending:
            self._settle()
        row = self._seen.get(customer_id)
        return row is not None and row.root_id in self._locked

    def limits(self, customer_id: str) -> tuple[CreditLimit, ...]:
        self._known([customer_id])
        found = self._limits.get(customer_id)
        if found is not None:
            return found
        if self._stable(customer_id):
            self._read_ahead(customer_id)
            return self._limits[customer_id]
        return tuple(
            converter.structure(json.loads(row.record), CreditLimit)
            for row in self._run("limits", _limit_records, ids=[customer_id])
        )

    def _read_ahead(
        self, customer_id: str, as_of: datetime.date | None = None, order_id: str | None = None
    ) -> None:
        """Read, in one statement, what a credit check reads of ``customer_id`` (which
        this unit holds) and keep it for the rest of the unit: the limits of every
        customer the unit holds, its group's reservations, its watch-list entry,
        dunning history, audit chain head and, given ``as_of``, latest snapshot; given
        ``order_id`` too (:meth:`prefetch_check`), the order's record, a reservation
        under its id and the group's open items as of ``as_of``, and, for a customer
        locked on SQLite whose group nothing has read yet, its group's customer rows.

        Only for customers this unit holds (:meth:`_stable`): no other unit can change
        their records meanwhile, and this unit's own writes drop what they change.
        """
        first = customer_id in self._pending  # prefetch_check on SQLite: group unread
        limit_ids: set[str] = set()
        group: set[str] = set()
        if order_id is None:
            root = self._seen[customer_id].root_id
            limit_ids = {customer_id} | {
                i for i in self._locked if i not in self._limits and self._stable(i)
            }
            group = (set(self._members.get(root, ())) | {customer_id}) - self._reserved.keys()
            rows: Iterable[Any] = self._run(
                "read ahead",
                _read_ahead,
                customer_id=customer_id,
                limit_ids=sorted(limit_ids),
                group_ids=sorted(group),
                as_of=as_of,
            )
        elif first:
            values = {"customer_id": customer_id, "order_id": order_id, "as_of": as_of}
            rows = self._execute("first check reads", _first_check_reads, values)
        else:  # the customer and its root; the whole group (see _check_parts)
            root = self._seen[customer_id].root_id
            if root not in self._members:  # MariaDB's lock does not read the group
                self.group(customer_id)
            limit_ids = {customer_id, root}
            group = set(self._members[root])
            values = {
                "customer_id": customer_id,
                "root_id": root,
                "order_id": order_id,
                "as_of": as_of,
            }
            rows = self._execute("check reads", _check_reads, values)
        limits: dict[str, list[CreditLimit]] = {}
        reserved: dict[str, list[Reservation]] = {}
        customers: list[_CustomerRow] = []
        watched = None
        dunned: list[tuple[int, DunningRecord]] = []
        snapshot = None
        head = ""
        order = None
        held = None
        items: list[tuple[int, datetime.date, str, OpenItem]] | None = []
        # unpacked by position (the order of _ROW_NAMES): cheaper than a Row's names
        for tag, owner, day, key, seq, record, amount, code, on, flag, odd in cast(
            "Iterable[tuple[Any, ...]]", rows
        ):
            if tag == "i":
                if odd:  # instalments or a booked amount: the ledger spreads those
                    items = None
                elif items is not None:
                    day = _day(day)
                    item = _open_item(
                        key, owner, record, day, _day(on), amount, int(seq), code, flag == 1
                    )
                    items.append((_RANK.get(record, 2), day, key, item))
            elif tag == "l":
                limits.setdefault(owner, []).append(_parsed(CreditLimit, record))
            elif tag == "r" or tag == "x":
                on = _day(on)
                found = Reservation(key, owner, from_minor_units(amount, code), reserved_on=on)
                if tag == "r":
                    reserved.setdefault(owner, []).append(found)
                else:
                    held = found
            elif tag == "w":
                watched = _parsed(WatchEntry, record)
            elif tag == "d":
                dunned.append((seq, _parsed(DunningRecord, record)))
            elif tag == "s":
                snapshot = _parsed(Snapshot, record)
            elif tag == "o":
                order = converter.structure(json.loads(record), OrderRecord)
            elif tag == "c":
                name, country, segment, industry, parent_id, tags = json.loads(record)
                customers.append(
                    _CustomerRow(
                        owner, name, country, segment, industry, parent_id, tags, code, key
                    )
                )
            elif record is not None:  # "a": the audit chain's head
                head = record
        if first:
            self._pending.discard(customer_id)
            if not customers:  # not a stored customer: nothing of it to keep
                return
            # in the orders of the statements the unit reads each with alone
            customers.sort(key=lambda row: row.id)
            dunned.sort(key=lambda numbered: numbered[0])
            for kept in limits.values():
                kept.sort(key=lambda limit: (limit.valid_from, limit.kind.value))
            for held_by in reserved.values():
                held_by.sort(key=lambda reservation: reservation.order_id)
            self._read_group(customers)
            root = self._seen[customer_id].root_id
            self._locked.update((customer_id, root))
            limit_ids = {customer_id, root}
            group = set(self._members[root])
        if as_of is not None:
            self._snapshots[customer_id, as_of] = snapshot
        if order_id is not None:
            self._orders[order_id] = order
            self._by_order[order_id] = held
            if items is not None and as_of is not None:
                # the order of the ledger slice: invoices, credit notes, payments, each
                # by date and id (ids compared as Python does, not by the collation)
                items.sort(key=lambda ranked: ranked[:3])
                self._open[customer_id, as_of] = tuple(ranked[3] for ranked in items)
        self._limits.update((i, tuple(limits.get(i, ()))) for i in limit_ids)
        self._reserved.update((i, tuple(reserved.get(i, ()))) for i in group)
        self._watched[customer_id] = watched
        self._dunned[customer_id] = DunningHistory(tuple(record for _, record in dunned))
        self._heads.setdefault(customer_id, head)

    def prefetch_check(self, customer_id: str, *, order_id: str, as_of: datetime.date) -> None:
        """Read in one statement what a check of ``order_id`` reads (see
        :class:`~credkit.storage.CheckPrefetch`), for a customer this unit holds; for
        another customer, or in a subclass that reads documents from its own tables,
        read nothing."""
        check_text(customer_id, "customer_id")
        check_text(order_id, "order_id")
        check_date(as_of, "as_of")
        if (
            type(self).ledger is not SQLUnit.ledger
            or type(self).open_items is not SQLUnit.open_items
        ):
            return
        if customer_id in self._pending or self._stable(customer_id):
            self._read_ahead(customer_id, as_of, order_id)

    # -- reservations ---------------------------------------------------------------

    @staticmethod
    def _reservation(row: sa.Row[Any]) -> Reservation:
        return Reservation(
            row.order_id,
            row.customer_id,
            from_minor_units(row.amount, row.currency),
            reserved_on=row.reserved_on,
        )

    def _reservation_of(self, order_id: str) -> Reservation | None:
        row = self._run("reservation", _reservation_row, order_id=order_id).one_or_none()
        return None if row is None else self._reservation(row)

    def reserve(self, reservation: Reservation) -> Reservation | None:
        expect(reservation, Reservation, "reservation", "a Reservation")
        units = to_minor_units(reservation.amount, "reservation.amount")
        self._known([reservation.customer_id])
        table = self._t.reservations
        self._reserved.clear()
        self._by_order.pop(reservation.order_id, None)
        values = {
            "order_id": reservation.order_id,
            "customer_id": reservation.customer_id,
            "amount": units,
            "currency": reservation.amount.currency,
            "reserved_on": reservation.reserved_on,
        }
        if self._insert_new(table, values):
            return None
        old = self._reservation_of(reservation.order_id)
        if old is not None:
            if old.customer_id != reservation.customer_id:
                raise ValidationError(
                    f"reservation.customer_id: order {reservation.order_id!r} is reserved for "
                    f"{old.customer_id!r}, not {reservation.customer_id!r}"
                )
            self._delete(table, order_id=reservation.order_id)
        self._insert(table, values)
        return old

    def release(self, order_id: str) -> Reservation | None:
        check_text(order_id, "order_id")
        if order_id in self._by_order and self._by_order[order_id] is None:
            return None  # read by prefetch_check: nothing is reserved under this id
        self._by_order.pop(order_id, None)
        table = self._t.reservations
        if self._c.dialect.delete_returning:
            row = self._run("release", _released, order_id=order_id).one_or_none()
            old = None if row is None else self._reservation(row)
        else:
            old = self._reservation_of(order_id)
            if old is not None:
                self._delete(table, order_id=order_id)
        if old is not None:
            self._reserved.clear()
        return old

    def reservations(self, customer_id: str) -> tuple[Reservation, ...]:
        self._known([customer_id])
        found = self._reserved.get(customer_id)
        if found is not None:
            return found
        ids = {customer_id}
        if self._stable(customer_id):  # read the whole group's, which this unit holds
            ids |= set(self._members.get(self._seen[customer_id].root_id, ()))
        read: dict[str, list[Reservation]] = {i: [] for i in ids}
        for row in self._run("reservations", _reservation_rows, ids=sorted(ids)):
            read[row.customer_id].append(self._reservation(row))
        if self._stable(customer_id):
            self._reserved.update((i, tuple(r)) for i, r in read.items())
        return tuple(read[customer_id])

    # -- orders ---------------------------------------------------------------------

    def save_order(self, record: OrderRecord) -> OrderRecord | None:
        expect(record, OrderRecord, "record", "an OrderRecord")
        to_minor_units(record.amount, "record.amount")
        self._known([record.customer_id])
        self._orders.pop(record.order_id, None)
        columns = {"status": record.status.value}
        return self._replace(self._t.orders, record, OrderRecord, columns, order_id=record.order_id)

    def order(self, order_id: str) -> OrderRecord | None:
        check_text(order_id, "order_id")
        if order_id in self._orders:
            return self._orders[order_id]
        return self._record(self._t.orders, OrderRecord, order_id=order_id)

    def orders(self, customer_id: str) -> tuple[OrderRecord, ...]:
        self._known([customer_id])
        table = self._t.orders
        return self._all(
            table, OrderRecord, table.c.customer_id == customer_id, order=(table.c.order_id,)
        )

    def held_orders(self) -> tuple[OrderRecord, ...]:
        table = self._t.orders
        held = self._all(
            table, OrderRecord, table.c.status == OrderStatus.HELD.value, order=(table.c.order_id,)
        )
        return tuple(sorted(held, key=lambda r: (r.order_date, r.order_id)))

    # -- dunning and blocks: logs of records stored once ----------------------------

    def _log(self, table: sa.Table, records: Sequence[Any]) -> int:
        added = 0
        for record in records:
            self._known([record.customer_id])
            text = _json(record)
            digest = _digest(text)
            found = self._c.execute(
                sa.select(table.c.id).where(
                    table.c.customer_id == record.customer_id, table.c.digest == digest
                )
            ).first()
            if found is None:
                self._c.execute(
                    sa.insert(table).values(
                        customer_id=record.customer_id, digest=digest, record=text
                    )
                )
                added += 1
        return added

    def record_dunning(self, records: Iterable[DunningRecord]) -> int:
        given = list(records)
        for index, record in enumerate(given):
            expect(record, DunningRecord, f"records[{index}]", "a DunningRecord")
        self._dunned.clear()
        return self._log(self._t.dunning, given)

    def dunning_history(self, customer_id: str) -> DunningHistory:
        self._known([customer_id])
        if customer_id in self._dunned and self._stable(customer_id):
            return self._dunned[customer_id]
        records = self._run("dunning", _dunning_records, customer_id=customer_id).scalars()
        return DunningHistory(
            tuple(converter.structure(json.loads(text), DunningRecord) for text in records)
        )

    def add_block(self, block: Block) -> bool:
        expect(block, Block, "block", "a Block")
        return self._log(self._t.blocks, [block]) == 1

    def blocks(self, customer_id: str) -> tuple[Block, ...]:
        self._known([customer_id])
        table = self._t.blocks
        return self._all(table, Block, table.c.customer_id == customer_id, order=(table.c.id,))

    # -- cases: promises, plans, disputes -------------------------------------------

    def _add_case(self, kind: str, record: Any, cls: type[Any]) -> bool:
        expect(record, cls, kind, f"a {cls.__name__}")
        amount = record.total if isinstance(record, PaymentPlan) else record.amount
        to_minor_units(amount, f"{kind}.amount")
        self._known([record.customer_id])
        table = self._t.cases
        what = f"{kind} {record.id!r}"
        if not new_or_same(self._record(table, cls, kind=kind, id=record.id), record, what):
            return False
        self._c.execute(
            sa.insert(table).values(
                kind=kind, id=record.id, customer_id=record.customer_id, record=_json(record)
            )
        )
        return True

    def _cases(self, kind: str, customer_id: str, cls: type[R]) -> tuple[R, ...]:
        self._known([customer_id])
        table = self._t.cases
        return self._all(
            table,
            cls,
            table.c.kind == kind,
            table.c.customer_id == customer_id,
            order=(table.c.id,),
        )

    def add_promise(self, promise: PromiseToPay) -> bool:
        return self._add_case("promise", promise, PromiseToPay)

    def promises(self, customer_id: str) -> tuple[PromiseToPay, ...]:
        return self._cases("promise", customer_id, PromiseToPay)

    def add_plan(self, plan: PaymentPlan) -> bool:
        return self._add_case("plan", plan, PaymentPlan)

    def plans(self, customer_id: str) -> tuple[PaymentPlan, ...]:
        return self._cases("plan", customer_id, PaymentPlan)

    def save_dispute(self, dispute: Dispute) -> Dispute | None:
        expect(dispute, Dispute, "dispute", "a Dispute")
        to_minor_units(dispute.amount, "dispute.amount")
        self._known([dispute.customer_id])
        return self._replace(self._t.cases, dispute, Dispute, kind="dispute", id=dispute.id)

    def disputes(self, customer_id: str) -> tuple[Dispute, ...]:
        return self._cases("dispute", customer_id, Dispute)

    # -- snapshots and the bureau cache ---------------------------------------------

    def put_snapshot(self, snapshot: Snapshot) -> bool:
        expect(snapshot, Snapshot, "snapshot", "a Snapshot")
        self._snapshots.clear()
        self._known([snapshot.customer_id])
        what = f"snapshot of {snapshot.customer_id!r} as of {snapshot.as_of}"
        return self._put(
            self._t.snapshots,
            snapshot,
            what,
            Snapshot,
            customer_id=snapshot.customer_id,
            as_of=snapshot.as_of,
        )

    def snapshot(self, customer_id: str, *, as_of: datetime.date) -> Snapshot | None:
        check_date(as_of, "as_of")
        self._known([customer_id])
        if self._stable(customer_id):
            if (customer_id, as_of) not in self._snapshots and customer_id not in self._watched:
                self._read_ahead(customer_id, as_of)  # the first read of a held customer
            if (customer_id, as_of) in self._snapshots:
                return self._snapshots[customer_id, as_of]
        text = self._run(
            "snapshot", _latest_snapshot, customer_id=customer_id, as_of=as_of
        ).scalar_one_or_none()
        return None if text is None else converter.structure(json.loads(text), Snapshot)

    @staticmethod
    def _entry(text: str) -> BureauEntry:
        data = json.loads(text)
        return BureauEntry(
            data["provider"],
            data["subject_id"],
            datetime.datetime.fromisoformat(data["fetched_at"]),
            payload=data["payload"],
            report_id=data["report_id"],
        )

    def cache_report(self, entry: BureauEntry) -> bool:
        expect(entry, BureauEntry, "entry", "a BureauEntry")
        table = self._t.bureau
        key = {
            "provider": entry.provider,
            "subject_id": entry.subject_id,
            "fetched_at": _stamp(entry.fetched_at),
        }
        text = self._c.execute(
            sa.select(table.c.record).where(*(table.c[k] == v for k, v in key.items()))
        ).scalar_one_or_none()
        what = f"report of {entry.provider} on {entry.subject_id!r} at {entry.fetched_at}"
        if not new_or_same(None if text is None else self._entry(text), entry, what):
            return False
        record = {
            "provider": entry.provider,
            "subject_id": entry.subject_id,
            "fetched_at": entry.fetched_at.isoformat(),
            "payload": entry.payload,
            "report_id": entry.report_id,
        }
        self._c.execute(sa.insert(table).values(**key, record=json.dumps(record, sort_keys=True)))
        return True

    def cached_report(
        self, provider: str, subject_id: str, *, as_of: datetime.datetime | None = None
    ) -> BureauEntry | None:
        check_text(provider, "provider")
        check_text(subject_id, "subject_id")
        table = self._t.bureau
        query = sa.select(table.c.record).where(
            table.c.provider == provider, table.c.subject_id == subject_id
        )
        if as_of is not None:
            query = query.where(table.c.fetched_at <= _stamp(as_of))
        text = self._c.execute(
            query.order_by(table.c.fetched_at.desc()).limit(1)
        ).scalar_one_or_none()
        return None if text is None else self._entry(text)

    # -- the audit log --------------------------------------------------------------

    def append(
        self, customer_id: str, kind: str, payload: Mapping[str, Any], *, at: datetime.datetime
    ) -> AuditEntry:
        if customer_id != DESK_CHAIN:
            self._known([customer_id])
        previous = self._heads.get(customer_id)
        if previous is None:
            previous = (
                self._run("audit head", _audit_head, customer_id=customer_id).scalar_one_or_none()
                or ""
            )
        draft = AuditEntry(
            0, customer_id, at, kind, dict(payload), previous_hash=previous, hash="-"
        )
        digest = chain_hash(previous, draft.content())
        table = self._t.audit
        values = {
            "customer_id": customer_id,
            "at": at.isoformat(),
            "kind": kind,
            "payload": json.dumps(draft.payload, sort_keys=True),
            "previous_hash": previous,
            "hash": digest,
        }
        cursor = self._fast(f"append {table.name}", lambda _: _appended(table), values)
        if cursor is not None:
            ((sequence,),) = cursor.fetchall() or ((None,),)  # all: SQLite ends it then
        else:
            (sequence,) = self._insert(table, values).inserted_primary_key or (None,)
        if customer_id == DESK_CHAIN or self._stable(customer_id):
            self._heads[customer_id] = digest
        if not isinstance(sequence, int):
            raise StorageError(f"audit: the database returned no sequence number ({sequence!r})")
        return draft.numbered(sequence, digest)

    def audit_log(self, customer_id: str, *, since: int = 0) -> tuple[AuditEntry, ...]:
        if customer_id != DESK_CHAIN:
            self._known([customer_id])
        table = self._t.audit
        rows = self._rows(
            sa.select(table)
            .where(table.c.customer_id == customer_id, table.c.sequence > since)
            .order_by(table.c.sequence)
        )
        return tuple(self._audit_entry(row) for row in rows)

    @staticmethod
    def _audit_entry(row: sa.Row[Any]) -> AuditEntry:
        try:
            return AuditEntry(
                row.sequence,
                row.customer_id,
                datetime.datetime.fromisoformat(row.at),
                row.kind,
                json.loads(row.payload),
                previous_hash=row.previous_hash,
                hash=row.hash,
            )
        except (ValueError, TypeError) as error:  # JSONDecodeError is a ValueError
            raise StorageError(
                f"audit entry {row.sequence}: cannot be read back ({error}); the row was changed"
            ) from error

    # -- monitoring: alerts and the watch list ----------------------------------------

    def _alert(self, key: str) -> Alert | None:
        table = self._t.alerts
        text = self._c.execute(
            sa.select(table.c.record).where(table.c.key == key)
        ).scalar_one_or_none()
        return None if text is None else Alert.from_json(json.loads(text))

    def save_alert(self, alert: Alert) -> bool:
        expect(alert, Alert, "alert", "an Alert")
        self._known([alert.customer_id])
        stored = self._alert(alert.key)
        if stored is not None:
            if stored.customer_id != alert.customer_id:
                raise ValidationError(
                    f"alert.key: {alert.key!r} belongs to {stored.customer_id!r}, "
                    f"not {alert.customer_id!r}"
                )
            return False
        self._c.execute(
            sa.insert(self._t.alerts).values(
                key=alert.key,
                customer_id=alert.customer_id,
                found_on=alert.on,
                is_open=alert.is_open,
                record=json.dumps(alert.to_json(), sort_keys=True),
            )
        )
        return True

    def alert(self, key: str) -> Alert | None:
        return self._alert(check_text(key, "key"))

    def alerts(
        self,
        customer_id: str | None = None,
        *,
        open_only: bool = False,
        since: datetime.date | None = None,
    ) -> tuple[Alert, ...]:
        table = self._t.alerts
        query = sa.select(table.c.record)
        if customer_id is not None:
            self._known([customer_id])
            query = query.where(table.c.customer_id == customer_id)
        if open_only:
            query = query.where(table.c.is_open.is_(True))
        if since is not None:
            query = query.where(table.c.found_on >= check_date(since, "since"))
        texts = self._c.execute(query.order_by(table.c.found_on, table.c.key)).scalars()
        return tuple(Alert.from_json(json.loads(text)) for text in texts)

    def acknowledge(
        self, key: str, *, by: str, at: datetime.datetime, note: str | None = None
    ) -> Alert:
        check_text(key, "key")
        check_text(by, "by")
        stored = self._alert(key)
        if stored is None:
            raise ValidationError(f"key: no alert {key!r}")
        if not stored.is_open:
            return stored
        done = attrs.evolve(stored, acknowledged_by=by, acknowledged_at=at, note=note)
        table = self._t.alerts
        self._c.execute(
            sa.update(table)
            .where(table.c.key == key)
            .values(is_open=False, record=json.dumps(done.to_json(), sort_keys=True))
        )
        return done

    def watching(self, customer_id: str) -> WatchEntry | None:
        check_text(customer_id, "customer_id")
        if customer_id in self._watched and self._stable(customer_id):
            return self._watched[customer_id]
        table = self._t.watch_list
        text = self._c.execute(
            sa.select(table.c.record).where(table.c.customer_id == customer_id)
        ).scalar_one_or_none()
        return None if text is None else WatchEntry.from_json(json.loads(text))

    def watch(
        self,
        customer_id: str,
        reason: str,
        *,
        by: str,
        at: datetime.datetime,
        block_orders: bool = False,
    ) -> bool:
        entry = WatchEntry(customer_id, reason, by=by, at=at, block_orders=block_orders)
        self._known([customer_id])
        self._watched.pop(customer_id, None)
        if self.watching(customer_id) is not None:
            return False
        self._c.execute(
            sa.insert(self._t.watch_list).values(
                customer_id=customer_id, record=json.dumps(entry.to_json(), sort_keys=True)
            )
        )
        return True

    def unwatch(self, customer_id: str) -> WatchEntry | None:
        old = self.watching(customer_id)
        self._watched.pop(customer_id, None)
        if old is not None:
            table = self._t.watch_list
            self._c.execute(sa.delete(table).where(table.c.customer_id == customer_id))
        return old

    def watched(self) -> tuple[WatchEntry, ...]:
        table = self._t.watch_list
        texts = self._c.execute(sa.select(table.c.record).order_by(table.c.customer_id)).scalars()
        return tuple(WatchEntry.from_json(json.loads(text)) for text in texts)

    # -- collections: proposals, the contact log, collectors, insurance ----------------

    def _collection(self, kind: str, key: str, cls: type[R]) -> R | None:
        table = self._t.collections
        text = self._c.execute(
            sa.select(table.c.record).where(table.c.kind == kind, table.c.key == key)
        ).scalar_one_or_none()
        return None if text is None else converter.structure(json.loads(text), cls)

    def _collect(
        self,
        kind: str,
        key: str,
        customer_id: str,
        record: object,
        *,
        dated: datetime.date | None = None,
        status: str | None = None,
        replace: bool,
    ) -> None:
        table = self._t.collections
        if replace:
            self._c.execute(sa.delete(table).where(table.c.kind == kind, table.c.key == key))
        self._c.execute(
            sa.insert(table).values(
                kind=kind,
                key=key,
                customer_id=customer_id,
                dated=dated,
                status=status,
                record=_json(record),
            )
        )

    def _collected(self, kind: str, cls: type[R], *where: sa.ColumnElement[bool]) -> tuple[R, ...]:
        table = self._t.collections
        return self._all(
            table, cls, table.c.kind == kind, *where, order=(table.c.dated, table.c.key)
        )

    def save_proposal(self, proposal: DunningProposal) -> DunningProposal | None:
        expect(proposal, DunningProposal, "proposal", "a DunningProposal")
        self._known([proposal.customer_id])
        old = self._collection("proposal", proposal.id, DunningProposal)
        if old is not None and old.customer_id != proposal.customer_id:
            raise ValidationError(
                f"proposal.customer_id: proposal {proposal.id!r} belongs to "
                f"{old.customer_id!r}, not {proposal.customer_id!r}"
            )
        self._collect(
            "proposal",
            proposal.id,
            proposal.customer_id,
            proposal,
            dated=proposal.on,
            status=proposal.status.value,
            replace=old is not None,
        )
        return old

    def proposals(
        self, customer_id: str, *, pending_only: bool = False
    ) -> tuple[DunningProposal, ...]:
        self._known([customer_id])
        table = self._t.collections
        where = [table.c.customer_id == customer_id]
        if pending_only:
            where.append(table.c.status == ProposalStatus.PROPOSED.value)
        return self._collected("proposal", DunningProposal, *where)

    def add_contact(self, entry: ContactEntry) -> bool:
        expect(entry, ContactEntry, "entry", "a ContactEntry")
        self._known([entry.customer_id])
        stored = self._collection("contact", entry.id, ContactEntry)
        if not new_or_same(stored, entry, f"contact {entry.id!r}"):
            return False
        self._collect("contact", entry.id, entry.customer_id, entry, dated=entry.on, replace=False)
        return True

    def contacts(self, customer_id: str) -> tuple[ContactEntry, ...]:
        self._known([customer_id])
        table = self._t.collections
        return self._collected("contact", ContactEntry, table.c.customer_id == customer_id)

    def assign_collector(self, assignment: CollectorAssignment) -> CollectorAssignment | None:
        expect(assignment, CollectorAssignment, "assignment", "a CollectorAssignment")
        customer_id = assignment.customer_id
        self._known([customer_id])
        old = self._collection("collector", customer_id, CollectorAssignment)
        self._collect(
            "collector",
            customer_id,
            customer_id,
            assignment,
            dated=assignment.since,
            replace=old is not None,
        )
        return old

    def collector_of(self, customer_id: str) -> CollectorAssignment | None:
        return self._collection(
            "collector", check_text(customer_id, "customer_id"), CollectorAssignment
        )

    def assignments(self) -> tuple[CollectorAssignment, ...]:
        table = self._t.collections
        query = sa.select(table.c.record).where(table.c.kind == "collector").order_by(table.c.key)
        return tuple(
            converter.structure(json.loads(text), CollectorAssignment)
            for text in self._c.execute(query).scalars()
        )

    def insure(self, customer_id: str, policy: InsurancePolicy | None) -> InsurancePolicy | None:
        if policy is not None:
            expect(policy, InsurancePolicy, "policy", "an InsurancePolicy or None")
        self._known([customer_id])
        old = self._collection("insurance", customer_id, InsurancePolicy)
        if policy is None:
            if old is not None:
                table = self._t.collections
                self._c.execute(
                    sa.delete(table).where(table.c.kind == "insurance", table.c.key == customer_id)
                )
        else:
            self._collect("insurance", customer_id, customer_id, policy, replace=old is not None)
        return old

    def insurance(self, customer_id: str) -> InsurancePolicy | None:
        self._known([customer_id])
        return self._collection("insurance", customer_id, InsurancePolicy)
