"""The credit desk under load: ``CreditDesk.check_order`` against a hand-written transaction (issue 17).

For each backend (SQLite, PostgreSQL), each book (default 100,000 and 1,000,000
documents: the cached books of ``benchmarks/store.py``, loaded by it when missing)
and each number of workers (default 1, 4 and 16), the script runs the same stream
of orders through two sides, one after the other, in the same run:

* **credkit**: ``CreditDesk(store, policy).check_order(order, as_of=...)`` on an
  :class:`~credkit.storage.SQLStore` over the book. In one unit of work it locks the
  customer and its credit group's root, reads the group's open items (documents less
  allocations, summed in the database), the latest snapshot and with it, in the same
  statement, the limit records, the reservations, the dunning history, the watch list
  and the audit chain's head, builds the profile, runs the check, reserves an approved order, appends the decision (profile
  and order as JSON) to the customer's hash-chained audit log and saves the order
  record. The policy is ``static_limit`` + ``group_limit`` (``StaticLimit()`` and
  ``GroupLimit()``, no tolerance): the decision the hand-written side makes. The
  packaged example policy (``credkit/data/credit-policy.toml``) is not used: its
  ``max_order_value`` is in EUR, and a third of the book's customers keep their
  books in other currencies, which that rule refuses.
* **hand-written**: what a host would write on its own plain SQLAlchemy engine with
  ``sqlalchemy.text``, one transaction per order: lock the customer row (``SELECT
  root_id ... FOR UPDATE`` on PostgreSQL, then the group root's row when it is
  another; ``BEGIN IMMEDIATE`` on SQLite), one query for the customer's and the
  group's open receivables as of the date (documents less allocations, in the
  database) and their open orders, one for the limit records in force (customer and
  group root), compare in Python (``exposure + order <= limit``, and the same for the
  group when the root has a limit), insert the reservation when approved and an
  audit row (a JSON payload with the figures) in a table of its own
  (``<prefix>desk_audit``, with an index on the customer, created for the run and
  dropped after), commit.

Workers are processes (``fork``) on both backends: a worker opens its own store or
engine, runs a few warm-up orders, waits for the others at a barrier, then takes
the next order of the shared stream until it is empty, timing each call. SQLite
serializes writers (every unit starts with ``BEGIN IMMEDIATE``; a worker waits on the
database's busy timeout), so there more workers only queue. Reported per run: p50
and p99 of the per-order latency and the throughput (orders over the wall time from
the barrier to the last worker's end); the ratios credkit / hand-written (latency)
and hand-written / credkit (throughput); the CPU time per order of the workers and,
on a local PostgreSQL, of their server backends (``/proc``), which noise from other
jobs on the machine hardly changes; and how many cores were busy with other work
during the run (the machine's busy cores, ``/proc/stat``, less the run's own
processes). Then the 1M / 100k ratios, and the throughput by workers on PostgreSQL.
Before a book's runs, what the orders' checks read is read once (a warm cache, as a
desk's busy customers have); with ``--repeat N`` each side runs N times per worker
count, taking turns to go first, and the run with the best throughput is kept.

The orders: customers drawn from the 100k book in proportion to their documents
(``store.sample``: busy customers order more; the same customers, with the same
histories, in both books), each with an as-of date in the book's last 60 days,
keeping those with an internal limit in force (credkit refuses a customer without
one); the amount is the customer's median invoice times a lognormal factor (sigma
0.5), in its currency. Every run gives its orders ids of its own
(``DESK-<run>-<ck|hw>-<workers>w<repeat>-<n>``); after each run the script deletes what that
run wrote (reservations, order records and audit entries with those ids; the
hand-written audit rows), checks that it deleted exactly what the run reported
(a reservation per approved order, an order record and an audit entry per order)
and, on PostgreSQL, vacuums those tables, so every run starts from the book as it
was loaded. With one worker both sides see the same orders in the same order from
the same state, so their decisions must agree order by order (exit status 1 if
not, or if a clean-up finds other rows than the run reported; a target missed is
printed, not an error).

Then, per backend, one process runs a few hundred more orders through credkit with
every step timed (exclusive time of each method, SQL statements and time in the
driver per step), to show where credkit's time goes, and then through the
hand-written side (its time and statements per order), the books taking turns order
by order: this gives the 1M / 100k ratio at one worker without the drift between
runs (processes on a shared 2-core machine differ by 10-20 % from one run to the
next).

    python benchmarks/desk.py                        # SQLite and PostgreSQL, 100k and 1M
    python benchmarks/desk.py --backends postgresql --sizes 100000 --workers 1 4
    python benchmarks/desk.py --orders 2000 --repeat 3 --postgres-url postgresql://user@host/db
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import inspect
import itertools
import json
import multiprocessing
import os
import queue
import random
import resource
import statistics
import sys
import time
import traceback
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
import store as book  # benchmarks/store.py: the cached books and how they are drawn from
from sqlalchemy.engine.default import DefaultDialect

import credkit.desk.desk as desk_module
from credkit.config import converter
from credkit.desk import CreditDesk
from credkit.errors import CredkitError
from credkit.limits import CreditLimit
from credkit.money import minor_units
from credkit.policy import OrderRequest, Policy, PolicyEntry
from credkit.policy.rules import GroupLimit, StaticLimit
from credkit.storage import SQLStore, limit_in_force
from credkit.storage.rules import from_minor_units
from credkit.storage.sql import Schema, SQLUnit

SEED = 17
ID_PREFIX = "DESK-"
SIDES = ("credkit", "hand-written")
BARRIER_SECONDS = 300.0
POLICY = Policy(
    "desk-bench",
    version="1",
    rules=[PolicyEntry(StaticLimit()), PolicyEntry(GroupLimit())],
)


@dataclass(frozen=True)
class Job:
    """Where a book is: enough for a forked worker to open its own store or engine."""

    backend: str
    documents: int
    url: str  # with the driver, as SQLStore resolved it
    prefix: str


@dataclass(frozen=True)
class Order:
    customer_id: str
    as_of: datetime.date
    units: int  # minor units of ``currency``
    currency: str


# -- the orders -----------------------------------------------------------------------


def make_orders(store: SQLStore, count: int, seed: int) -> list[Order]:
    """``count`` orders of customers drawn with the book's skew, each with a limit in force."""
    drawn = book.sample(store, count * 2 + 50, seed)
    ids = sorted({c for c, _ in drawn})
    t = store.tables
    limits: dict[str, list[CreditLimit]] = defaultdict(list)
    invoices: dict[str, list[int]] = defaultdict(list)
    currency: dict[str, str] = {}
    with store.engine.connect() as connection:
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            query = sa.select(t.limits.c.customer_id, t.limits.c.record).where(
                t.limits.c.customer_id.in_(chunk)
            )
            for customer_id, text in connection.execute(query):
                limits[customer_id].append(converter.structure(json.loads(text), CreditLimit))
            query = sa.select(t.documents.c.customer_id, t.documents.c.amount).where(
                t.documents.c.customer_id.in_(chunk), t.documents.c.kind == "invoice"
            )
            for customer_id, units in connection.execute(query):
                invoices[customer_id].append(int(units))
            query = sa.select(t.customers.c.id, t.customers.c.currency).where(
                t.customers.c.id.in_(chunk)
            )
            currency.update((row[0], row[1]) for row in connection.execute(query))
    rng = random.Random(seed)
    orders = []
    for customer_id, as_of in drawn:
        if limit_in_force(limits[customer_id], as_of=as_of) is None or not invoices[customer_id]:
            continue
        typical = statistics.median(invoices[customer_id])
        units = max(1, round(typical * rng.lognormvariate(0, 0.5)))
        orders.append(Order(customer_id, as_of, units, currency[customer_id]))
        if len(orders) == count:
            return orders
    raise SystemExit(f"only {len(orders)} of {count} drawn customers have a limit in force")


def order_id(tag: str, index: int) -> str:
    return f"{ID_PREFIX}{tag}-{index:05d}"


# -- the two sides --------------------------------------------------------------------


class Credkit:
    """credkit's side: one CreditDesk over its own SQLStore."""

    def __init__(self, job: Job) -> None:
        self.store = SQLStore(job.url, prefix=job.prefix)
        self.desk = CreditDesk(self.store, POLICY)

    def __call__(self, order: Order, identifier: str) -> str:
        request = OrderRequest(
            identifier,
            from_minor_units(order.units, order.currency),
            order_date=order.as_of,
            customer_id=order.customer_id,
        )
        return self.desk.check_order(request, as_of=order.as_of).outcome.value

    @property
    def retries(self) -> int:
        return self.desk.conflicts

    @property
    def engine(self) -> sa.Engine:
        return self.store.engine

    def close(self) -> None:
        self.store.dispose()


FIGURES_SQL = """
WITH members AS (
    SELECT id FROM {customers} WHERE root_id = :root_id
),
applied AS (
    SELECT target_id AS document_id, SUM(amount) AS amount FROM {allocations}
    WHERE customer_id IN (SELECT id FROM members) AND applied_on <= :as_of
    GROUP BY target_id
    UNION ALL
    SELECT source_id, SUM(amount) FROM {allocations}
    WHERE customer_id IN (SELECT id FROM members) AND applied_on <= :as_of
    GROUP BY source_id
),
items AS (
    SELECT d.customer_id,
           CASE WHEN d.kind = 'invoice' THEN d.amount - COALESCE(a.amount, 0)
                ELSE COALESCE(a.amount, 0) - d.amount END AS open_amount
    FROM {documents} d LEFT JOIN applied a ON a.document_id = d.id
    WHERE d.customer_id IN (SELECT id FROM members) AND d.dated <= :as_of
),
orders AS (
    SELECT customer_id, SUM(amount) AS amount FROM {reservations}
    WHERE customer_id IN (SELECT id FROM members)
    GROUP BY customer_id
)
SELECT
    (SELECT COUNT(*) FROM members) AS members,
    (SELECT COALESCE(SUM(open_amount), 0) FROM items WHERE customer_id = :customer_id)
        AS receivables,
    (SELECT COALESCE(SUM(open_amount), 0) FROM items) AS group_receivables,
    (SELECT COALESCE(SUM(amount), 0) FROM orders WHERE customer_id = :customer_id) AS orders,
    (SELECT COALESCE(SUM(amount), 0) FROM orders) AS group_orders
"""


def _audit_table(prefix: str) -> sa.Table:
    """The hand-written side's own audit table (a host's)."""
    name = f"{prefix}desk_audit"
    return sa.Table(
        name,
        sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("customer_id", sa.String(191), nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("order_id", sa.String(191), nullable=False),
        sa.Column("outcome", sa.String(12), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Index(f"{name}_by_customer", "customer_id"),
    )


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # BEGIN is sent by the "begin" event
    dbapi_connection.execute("PRAGMA journal_mode=WAL")


def _sqlite_begin(connection: sa.Connection) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def plain_engine(job: Job) -> sa.Engine:
    """A host's own engine: READ COMMITTED on PostgreSQL, BEGIN IMMEDIATE on SQLite."""
    if job.backend == "sqlite":
        engine = sa.create_engine(
            job.url, connect_args={"timeout": 30.0, "check_same_thread": False}
        )
        sa.event.listen(engine, "connect", _sqlite_connect)
        sa.event.listen(engine, "begin", _sqlite_begin)
        return engine
    return sa.create_engine(job.url, isolation_level="READ COMMITTED")


def _units(text: str, currency: str) -> int:
    return int(Decimal(text).scaleb(minor_units(currency)))


class HandWritten:
    """The baseline: one hand-written transaction per order on a plain engine."""

    def __init__(self, job: Job) -> None:
        self.engine = plain_engine(job)
        self.postgres = job.backend == "postgresql"
        tables = Schema(prefix=job.prefix)
        names = {
            n: getattr(tables, n).name
            for n in ("customers", "documents", "allocations", "reservations", "limits")
        }
        lock = " FOR UPDATE" if self.postgres else ""
        date = sa.bindparam("as_of", type_=sa.Date)
        self.lock = sa.text(
            f"SELECT root_id FROM {names['customers']} WHERE id = :customer_id{lock}"
        )
        self.root = sa.text(f"SELECT root_id FROM {names['customers']} WHERE id = :customer_id")
        self.lock_root = sa.text(f"SELECT id FROM {names['customers']} WHERE id = :root_id{lock}")
        self.figures = sa.text(FIGURES_SQL.format(**names)).bindparams(date)
        self.limits = sa.text(
            f"SELECT customer_id, record FROM {names['limits']} "
            "WHERE customer_id IN (:customer_id, :root_id) AND kind = 'internal' "
            "AND valid_from <= :as_of ORDER BY valid_from"
        ).bindparams(date)
        self.reserve = sa.text(
            f"INSERT INTO {names['reservations']} "
            "(order_id, customer_id, amount, currency, reserved_on) "
            "VALUES (:order_id, :customer_id, :amount, :currency, :as_of)"
        ).bindparams(date)
        audit = _audit_table(job.prefix).name
        self.audit = sa.text(
            f"INSERT INTO {audit} (customer_id, at, order_id, outcome, payload) "
            "VALUES (:customer_id, :at, :order_id, :outcome, :payload)"
        )

    def __call__(self, order: Order, identifier: str) -> str:
        customer_id, as_of, currency = order.customer_id, order.as_of, order.currency
        with self.engine.begin() as connection:
            root_id = connection.execute(self.lock, {"customer_id": customer_id}).scalar_one()
            if self.postgres and root_id != customer_id:
                connection.execute(self.lock_root, {"root_id": root_id})
            key = {"customer_id": customer_id, "root_id": root_id, "as_of": as_of}
            row = connection.execute(self.figures, key).one()
            in_force: dict[str, dict[str, Any]] = {}
            for owner, text in connection.execute(self.limits, key):
                record = json.loads(text)  # the latest to start that has not ended
                if record["valid_to"] is None or as_of.isoformat() <= record["valid_to"]:
                    in_force[owner] = record
            exposure = int(row.receivables) + int(row.orders)
            limit = in_force[customer_id]["amount"]
            approve = limit is None or exposure + order.units <= _units(limit["amount"], currency)
            group_exposure = group_limit = None
            root = in_force.get(root_id)
            if row.members > 1 and root is not None and root["amount"] is not None:
                group_exposure = int(row.group_receivables) + int(row.group_orders)
                group_limit = _units(root["amount"]["amount"], currency)
                approve = approve and group_exposure + order.units <= group_limit
            outcome = "approve" if approve else "hold"
            if approve:
                connection.execute(
                    self.reserve,
                    {**key, "order_id": identifier, "amount": order.units, "currency": currency},
                )
            payload = {
                "order_id": identifier,
                "amount": order.units,
                "currency": currency,
                "as_of": as_of.isoformat(),
                "outcome": outcome,
                "exposure": exposure,
                "limit": limit,
                "group_exposure": group_exposure,
                "group_limit": group_limit,
            }
            connection.execute(
                self.audit,
                {
                    "customer_id": customer_id,
                    "at": datetime.datetime.now(datetime.UTC).isoformat(),
                    "order_id": identifier,
                    "outcome": outcome,
                    "payload": json.dumps(payload, sort_keys=True),
                },
            )
        return outcome

    retries = 0

    def close(self) -> None:
        self.engine.dispose()


def open_side(side: str, job: Job) -> Credkit | HandWritten:
    return Credkit(job) if side == "credkit" else HandWritten(job)


# -- a run ----------------------------------------------------------------------------


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def process_cpu(pid: int | None) -> float:
    """CPU seconds of process ``pid`` on this machine (0 when unknown: not Linux, another host)."""
    if pid is None:
        return 0.0
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def server_pid(engine: sa.Engine) -> int | None:
    """The PostgreSQL backend of the connection the engine's pool hands out (one per worker)."""
    if engine.dialect.name != "postgresql":
        return None
    with engine.connect() as connection:
        pid = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    return int(pid) if pid is not None and os.path.exists(f"/proc/{pid}") else None


def ticks() -> tuple[int, int] | None:
    """The machine's busy and total CPU ticks so far, all processes (Linux; None elsewhere)."""
    try:
        with open("/proc/stat") as stat:
            fields = [int(x) for x in stat.readline().split()[1:9]]
    except (OSError, ValueError):
        return None
    return sum(fields) - fields[3] - fields[4], sum(fields)  # less idle and iowait


def busy_cores(before: tuple[int, int] | None, after: tuple[int, int] | None) -> float | None:
    """How many of the machine's cores were busy between two ``ticks()``."""
    if before is None or after is None or after[1] == before[1]:
        return None
    return (after[0] - before[0]) / (after[1] - before[1]) * (os.cpu_count() or 1)


@dataclass
class Timed:
    """What one worker reports."""

    began: float
    ended: float
    seconds: list[tuple[int, float, str]]  # order index, latency, outcome
    errors: list[str]
    retries: int
    cpu: float  # the worker's CPU seconds while timed
    server: float  # its PostgreSQL backend's CPU seconds while timed
    first: tuple[int, int] | None  # ticks() when it began and ended
    last: tuple[int, int] | None


@dataclass
class Run:
    backend: str
    documents: int
    side: str
    workers: int
    seconds: list[float] = field(default_factory=list)
    wall: float = 0.0
    outcomes: dict[int, str] = field(default_factory=dict)  # order index -> outcome
    errors: list[str] = field(default_factory=list)
    retries: int = 0
    load: float = 0.0  # the 1-minute load average when the run started
    warm: int = 0  # warm-up orders run before the timed ones
    cpu: float = 0.0  # CPU seconds of the workers while timed
    server: float = 0.0  # CPU seconds of their PostgreSQL backends while timed
    busy: float | None = None  # the machine's busy cores over the run (Linux)

    @property
    def throughput(self) -> float:
        return len(self.seconds) / self.wall

    def percentile(self, p: float) -> float:
        ordered = sorted(self.seconds)
        return ordered[min(len(ordered) - 1, max(0, round(p * len(ordered)) - 1))]

    @property
    def others(self) -> float | None:
        """Busy cores not explained by this run's workers and backends (other jobs)."""
        if self.busy is None:
            return None
        return max(0.0, self.busy - (self.cpu + self.server) / self.wall)

    def cpu_line(self) -> str:
        per = 1000 / len(self.seconds)
        busy = "?" if self.busy is None else f"{self.busy:.2f}"
        others = "?" if self.others is None else f"{self.others:.2f}"
        return (
            f"CPU per order: worker {self.cpu * per:.2f} ms, server {self.server * per:.2f} ms; "
            f"busy cores {busy} of {os.cpu_count()}, {others} not this run's"
        )


def _worker(
    job: Job,
    side: str,
    orders: Sequence[Order],
    warm: Sequence[Order],
    tag: str,
    number: int,
    counter: Any,
    barrier: Any,
    results: Any,
) -> None:
    """One worker process: warm up, wait for the others, take orders until none are left."""
    try:
        run = open_side(side, job)
        for index, order in enumerate(warm):
            run(order, order_id(f"{tag}-warm{number}", index))
        pid = server_pid(run.engine)
        seconds: list[tuple[int, float, str]] = []
        errors: list[str] = []
        barrier.wait()
        began, cpu, server, first = time.perf_counter(), _cpu(), process_cpu(pid), ticks()
        while True:
            with counter.get_lock():
                index = counter.value
                counter.value += 1
            if index >= len(orders):
                break
            started = time.perf_counter()
            try:
                outcome = run(orders[index], order_id(tag, index))
            except CredkitError as error:
                errors.append(f"{orders[index].customer_id}: {error}")
                continue
            seconds.append((index, time.perf_counter() - started, outcome))
        ended, last = time.perf_counter(), ticks()
        cpu, server = _cpu() - cpu, process_cpu(pid) - server
        results.put(Timed(began, ended, seconds, errors, run.retries, cpu, server, first, last))
        run.close()
    except BaseException:  # report it: the parent must not wait for a dead worker
        barrier.abort()
        results.put(f"worker {number}: {traceback.format_exc()}")


def run_side(
    job: Job, side: str, orders: Sequence[Order], warm: Sequence[Order], workers: int, tag: str
) -> Run:
    """Run ``orders`` through ``side`` with ``workers`` processes."""
    context = multiprocessing.get_context("fork")
    counter = context.Value("i", 0)
    barrier = context.Barrier(workers, timeout=BARRIER_SECONDS)
    results = context.Queue()
    per = max(1, len(warm) // workers)
    shares = [warm[k * per : (k + 1) * per] for k in range(workers)]
    processes = [
        context.Process(
            target=_worker,
            args=(job, side, orders, shares[k], tag, k, counter, barrier, results),
        )
        for k in range(workers)
    ]
    run = Run(job.backend, job.documents, side, workers, load=os.getloadavg()[0])
    run.warm = sum(len(share) for share in shares)
    for process in processes:
        process.start()
    answers: list[Timed] = []
    failures: list[str] = []
    for _ in processes:
        try:
            answer = results.get(timeout=BARRIER_SECONDS * 2)
        except queue.Empty:
            failures.append("a worker gave no answer")
            break
        if isinstance(answer, Timed):
            answers.append(answer)
        else:
            failures.append(answer)
    for process in processes:
        process.join(timeout=30)
        if process.is_alive():
            process.terminate()
    if failures:
        raise SystemExit(f"{side}, {workers} workers: a worker failed:\n{failures[0]}")
    run.wall = max(a.ended for a in answers) - min(a.began for a in answers)
    run.busy = busy_cores(
        min(answers, key=lambda a: a.began).first, max(answers, key=lambda a: a.ended).last
    )
    for answer in answers:
        run.cpu += answer.cpu
        run.server += answer.server
        for index, elapsed, outcome in answer.seconds:
            run.seconds.append(elapsed)
            run.outcomes[index] = outcome
        run.errors += answer.errors
        run.retries += answer.retries
    return run


def disagreements(ours: Run, theirs: Run, orders: Sequence[Order]) -> list[str]:
    """Orders the two sides decided differently (meaningful with one worker: the same sequence)."""
    a, b = ours.outcomes, theirs.outcomes
    return [
        f"{ours.backend} {ours.documents:,} order {i} ({orders[i].customer_id}): "
        f"credkit {a[i]}, hand-written {b.get(i)}"
        for i in sorted(a)
        if a[i] != b.get(i)
    ][:10]


def warm_cache(job: Job, orders: Sequence[Order]) -> None:
    """Read what the orders' checks read once, untimed: the runs start from a warm cache."""
    hand = HandWritten(job)
    snapshots = Schema(prefix=job.prefix).snapshots
    try:
        with hand.engine.connect() as connection:
            for order in orders:
                key = {"customer_id": order.customer_id, "as_of": order.as_of}
                root_id = connection.execute(hand.root, key).scalar_one()
                connection.execute(hand.figures, {**key, "root_id": root_id}).all()
                connection.execute(hand.limits, {**key, "root_id": root_id}).all()
                connection.execute(
                    sa.select(snapshots.c.record).where(
                        snapshots.c.customer_id == order.customer_id
                    )
                ).all()
            connection.rollback()
    finally:
        hand.close()


def prepare(job: Job) -> None:
    """Create the hand-written side's audit table and remove what an interrupted run left."""
    engine = plain_engine(job)
    try:
        with engine.begin() as connection:
            _audit_table(job.prefix).drop(connection, checkfirst=True)
            _audit_table(job.prefix).create(connection)
    finally:
        engine.dispose()
    clean(job)


def clean(job: Job) -> dict[str, int]:
    """Delete every row the runs wrote (ids starting with ``DESK-``); rows deleted per table."""
    tables = Schema(prefix=job.prefix)
    like = f"{ID_PREFIX}%"
    engine = plain_engine(job)
    deleted = {}
    try:
        with engine.begin() as connection:
            for name, table, where in (
                ("reservations", tables.reservations, tables.reservations.c.order_id.like(like)),
                ("orders", tables.orders, tables.orders.c.order_id.like(like)),
                ("audit", tables.audit, tables.audit.c.payload.like(f'%"order_id": "{like}')),
                ("desk_audit", _audit_table(job.prefix), sa.true()),
            ):
                deleted[name] = connection.execute(sa.delete(table).where(where)).rowcount
        if job.backend == "postgresql":
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                for table in (tables.reservations, tables.orders, tables.audit):
                    connection.exec_driver_sql(f'VACUUM ANALYZE "{table.name}"')
    finally:
        engine.dispose()
    return deleted


def finish(job: Job) -> None:
    clean(job)
    engine = plain_engine(job)
    try:
        with engine.begin() as connection:
            _audit_table(job.prefix).drop(connection, checkfirst=True)
    finally:
        engine.dispose()


def check_cleanup(run: Run, deleted: dict[str, int]) -> list[str]:
    """The rows a run wrote must be the rows it reported: one reservation per approval."""
    warm = run.warm
    decided = len(run.outcomes) + warm
    approved = sum(1 for o in run.outcomes.values() if o == "approve")
    problems = []
    if run.side == "credkit":
        if not approved <= deleted["reservations"] <= approved + warm:
            problems.append(f"{deleted['reservations']} reservations for {approved} approvals")
        if deleted["orders"] != decided or deleted["audit"] != decided:
            problems.append(
                f"{deleted['orders']} order records, {deleted['audit']} audit entries for "
                f"{decided} orders"
            )
    else:
        if not approved <= deleted["reservations"] <= approved + warm:
            problems.append(f"{deleted['reservations']} reservations for {approved} approvals")
        if deleted["desk_audit"] != decided:
            problems.append(f"{deleted['desk_audit']} audit rows for {decided} orders")
    label = f"{run.backend} {run.documents:,} {run.side} {run.workers}w"
    return [f"{label}: {p}" for p in problems]


# -- where credkit's time goes --------------------------------------------------------


class Spans:
    """Exclusive time, SQL statements and driver time per step of ``check_order``."""

    def __init__(self) -> None:
        self.time: dict[str, float] = defaultdict(float)
        self.statements: Counter[str] = Counter()
        self.driver: dict[str, float] = defaultdict(float)
        self.stack: list[list[Any]] = []
        self.documents = 0
        self._sent = 0.0

    @contextlib.contextmanager
    def span(self, label: str) -> Iterator[None]:
        now = time.perf_counter()
        if self.stack:
            self.time[self.stack[-1][0]] += now - self.stack[-1][1]
        self.stack.append([label, now])
        try:
            yield
        finally:
            end = time.perf_counter()
            name, began = self.stack.pop()
            self.time[name] += end - began
            if self.stack:
                self.stack[-1][1] = end

    def before(self, *_: Any) -> None:
        self.statements[self.stack[-1][0] if self.stack else "?"] += 1
        self._sent = time.perf_counter()

    def after(self, *_: Any) -> None:
        self.driver[self.stack[-1][0] if self.stack else "?"] += time.perf_counter() - self._sent


STEPS = (
    ("begin", "unit: pool checkout, BEGIN, version check"),
    ("lock", "lock: customer and root rows (FOR UPDATE; none on SQLite)"),
    ("prefetch", "prefetch_check: what the check reads, in one statement"),
    ("kept", "replay check, limits, reservations, dunning, snapshot (read with the prefetch)"),
    ("items", "open items (read with the prefetch) as a ledger"),
    ("ledger", "ledger: group, documents, allocations (when the unit has no open items)"),
    ("profile", "_profile glue: open invoices for the dunning level, totals"),
    ("build", "build_profile"),
    ("check", "check (policy)"),
    ("reserve", "reserve (approved) or release (held): look up, insert or delete"),
    ("payload", "audit payload: unstructure profile and order"),
    ("append", "audit append: previous hash, chain hash, INSERT"),
    ("save", "order record: look up, insert"),
    ("commit", "COMMIT"),
    ("desk", "the rest: check_order, atomic, OrderRequest"),
)


class Instrumented:
    """credkit's steps wrapped to time into :attr:`active` (nothing while it is None)."""

    def __init__(self) -> None:
        self.active: Spans | None = None
        self.undo: list[tuple[Any, str, Any]] = []

    def span(self, label: str) -> contextlib.AbstractContextManager[None]:
        return contextlib.nullcontext() if self.active is None else self.active.span(label)

    def wrap(self, owner: Any, name: str, label: str) -> None:
        original = getattr(owner, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            with self.span(label):
                return original(*args, **kwargs)

        static = isinstance(inspect.getattr_static(owner, name), staticmethod)
        self.replace(owner, name, staticmethod(timed) if static else timed)

    def replace(self, owner: Any, name: str, value: Any) -> None:
        self.undo.append((owner, name, inspect.getattr_static(owner, name)))
        setattr(owner, name, value)

    def __enter__(self) -> Instrumented:
        original_unit = SQLStore.unit
        original_ledger = SQLUnit.ledger

        @contextlib.contextmanager
        def unit(store: SQLStore, *customer_ids: str) -> Iterator[SQLUnit]:
            manager = original_unit(store, *customer_ids)
            with self.span("begin"):
                opened = manager.__enter__()
            try:
                yield opened
            except BaseException:
                if not manager.__exit__(*sys.exc_info()):
                    raise
            else:
                with self.span("commit"):
                    manager.__exit__(None, None, None)

        def ledger(unit: SQLUnit, customer_id: str, *, as_of: datetime.date) -> Any:
            with self.span("ledger"):
                found = original_ledger(unit, customer_id, as_of=as_of)
            if self.active is not None:
                read = len(found.invoices) + len(found.credit_notes) + len(found.payments)
                self.active.documents += read
            return found

        self.replace(SQLStore, "unit", unit)
        self.replace(SQLUnit, "ledger", ledger)
        # statements counted and timed where they reach the driver, not by SQLAlchemy's
        # cursor events: a listener would make the unit run them all SQLAlchemy's way
        original_fast = SQLUnit._fast

        def fast(unit: SQLUnit, *args: Any) -> Any:  # the driver's cursor, from the unit
            spans = self.active
            if spans is None:
                return original_fast(unit, *args)
            spans.before()
            cursor = original_fast(unit, *args)
            if cursor is None:  # SQLAlchemy runs it: counted below
                spans.statements[spans.stack[-1][0] if spans.stack else "?"] -= 1
            else:
                spans.after()
            return cursor

        self.replace(SQLUnit, "_fast", fast)
        for name in ("do_execute", "do_execute_no_params"):
            self.driver(name)
        for owner, name, label in (
            (SQLUnit, "lock", "lock"),
            (SQLUnit, "prefetch_check", "prefetch"),
            (CreditDesk, "_slice", "items"),
            (SQLUnit, "order", "kept"),
            (SQLUnit, "limits", "kept"),
            (desk_module, "limit_in_force", "kept"),
            (SQLUnit, "reservations", "kept"),
            (SQLUnit, "dunning_history", "kept"),
            (SQLUnit, "snapshot", "kept"),
            (CreditDesk, "_profile", "profile"),
            (desk_module, "build_profile", "build"),
            (desk_module, "check", "check"),
            (CreditDesk, "_hold_exposure", "reserve"),
            (SQLUnit, "release", "reserve"),
            (CreditDesk, "_decided", "payload"),
            (SQLUnit, "append", "append"),
            (CreditDesk, "_save", "save"),
        ):
            self.wrap(owner, name, label)
        return self

    def driver(self, name: str) -> None:
        """Count and time the statements SQLAlchemy hands its dialects' drivers."""
        original = getattr(DefaultDialect, name)

        def counted(*args: Any, **kwargs: Any) -> Any:
            spans = self.active
            if spans is None:
                return original(*args, **kwargs)
            spans.before()
            try:
                return original(*args, **kwargs)
            finally:
                spans.after()

        self.replace(DefaultDialect, name, counted)

    def __exit__(self, *_: object) -> None:
        for owner, name, original in reversed(self.undo):
            setattr(owner, name, original)
        self.undo.clear()


@dataclass
class Breakdown:
    backend: str
    documents: int
    spans: Spans
    ours: list[float] = field(default_factory=list)  # seconds per order, credkit
    theirs: list[float] = field(default_factory=list)  # hand-written
    hand_statements: int = 0


def breakdown(jobs: Sequence[Job], orders: Sequence[Order], tag: str) -> list[Breakdown]:
    """Run ``orders`` through both sides in this process, the books taking turns order by order.

    credkit first (its steps timed), then the hand-written side, each on every book:
    for each order, each book in turn (the first book changing every order), so that
    the books compare on the same machine state. Both sides start from the book as
    loaded (the rows of the first pass are deleted before the second).
    """
    results = [Breakdown(job.backend, job.documents, Spans()) for job in jobs]
    credkit = [Credkit(job) for job in jobs]
    hand = [HandWritten(job) for job in jobs]
    for k in range(len(jobs)):  # warm up, untimed
        for index, order in enumerate(orders[:5]):
            credkit[k](order, order_id(f"{tag}-warm", index))
            hand[k](order, order_id(f"{tag}-hwarm", index))
    turns = [list(range(len(jobs))), list(reversed(range(len(jobs))))]
    with Instrumented() as instrumented:
        for index, order in enumerate(orders):
            for k in turns[index % 2]:
                instrumented.active = spans = results[k].spans
                started = time.perf_counter()
                with spans.span("desk"):
                    credkit[k](order, order_id(tag, index))
                results[k].ours.append(time.perf_counter() - started)
                instrumented.active = None
    for job in jobs:
        clean(job)
    for k, result in enumerate(results):

        def count(*_: Any, result: Breakdown = result) -> None:
            result.hand_statements += 1

        sa.event.listen(hand[k].engine, "before_cursor_execute", count)
    for index, order in enumerate(orders):
        for k in turns[index % 2]:
            started = time.perf_counter()
            hand[k](order, order_id(f"{tag}-h", index))
            results[k].theirs.append(time.perf_counter() - started)
    for side in (*credkit, *hand):
        side.close()
    for job in jobs:
        clean(job)
    return results


# -- the report -----------------------------------------------------------------------


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f}"


def report(runs: Sequence[Run], breakdowns: Sequence[Breakdown]) -> list[str]:
    """Print the tables; return the targets missed."""
    by = {(r.backend, r.documents, r.side, r.workers): r for r in runs}
    keys = sorted({(r.backend, r.documents, r.workers) for r in runs})
    missed = []
    print()
    print(
        "| backend | documents | workers | credkit p50 ms | p99 ms | orders/s "
        "| hand-written p50 ms | p99 ms | orders/s | ratio p50 | p99 | orders/s "
        "| CPU ms/order credkit / hand-written | other load |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for backend, documents, workers in keys:
        ours, theirs = (by[backend, documents, s, workers] for s in SIDES)
        p50 = ours.percentile(0.5) / theirs.percentile(0.5)
        p99 = ours.percentile(0.99) / theirs.percentile(0.99)
        rate = theirs.throughput / ours.throughput
        cpu = [(r.cpu + r.server) * 1000 / len(r.seconds) for r in (ours, theirs)]
        others = " / ".join("?" if r.others is None else f"{r.others:.2f}" for r in (ours, theirs))
        print(
            f"| {backend} | {documents:,} | {workers} | {ms(ours.percentile(0.5))} "
            f"| {ms(ours.percentile(0.99))} | {ours.throughput:.0f} "
            f"| {ms(theirs.percentile(0.5))} | {ms(theirs.percentile(0.99))} "
            f"| {theirs.throughput:.0f} | {p50:.2f} | {p99:.2f} | {rate:.2f} "
            f"| {cpu[0]:.1f} / {cpu[1]:.1f} | {others} |"
        )
        if max(p50, rate) > 2:
            missed.append(
                f"{backend} {documents:,} {workers}w: not within 2x of the hand-written "
                f"(p50 {p50:.2f}x, throughput {rate:.2f}x)"
            )
    print()
    print("ratio: credkit / hand-written for latency, hand-written / credkit for orders/s.")
    print("CPU: the workers' and (PostgreSQL) their server backends' CPU time per order.")
    print(
        "other load: busy cores not explained by the run's processes (credkit / hand-written run)"
    )
    approved = Counter(
        (r.backend, r.documents, sum(1 for o in r.outcomes.values() if o == "approve"))
        for r in runs
        if r.workers == 1
    )
    print(
        "approved at one worker: "
        + ", ".join(f"{b} {d:,}: {n}/{len(runs[0].seconds)}" for b, d, n in sorted(approved))
    )
    sizes = sorted({r.documents for r in runs})
    if len(sizes) > 1:
        small, large = sizes[0], sizes[-1]
        print()
        print(
            f"| backend | workers | credkit {large:,} / {small:,} p50 | p99 | orders/s "
            "| hand-written p50 | p99 | orders/s |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        for backend, workers in sorted({(b, w) for b, _, w in keys}):
            cells = []
            for side in SIDES:
                a, b = by[backend, small, side, workers], by[backend, large, side, workers]
                cells += [
                    b.percentile(0.5) / a.percentile(0.5),
                    b.percentile(0.99) / a.percentile(0.99),
                    a.throughput / b.throughput,
                ]
            print(f"| {backend} | {workers} | " + " | ".join(f"{c:.2f}" for c in cells) + " |")
            if cells[0] > 1.3:
                missed.append(
                    f"{backend} {workers}w: credkit p50 at {large:,} is {cells[0]:.2f}x "
                    f"{small:,} (target 1.3x)"
                )
        print("(orders/s as 100k / 1M: above 1 means slower on the larger book)")
    for backend, documents in sorted({(b, d) for b, d, _ in keys}):
        if backend != "postgresql":
            continue
        counts = sorted(w for b, d, w in keys if (b, d) == (backend, documents))
        rates = [by[backend, documents, "credkit", w].throughput for w in counts]
        steps = ", ".join(
            f"{w}: {r:.0f}/s ({r / rates[0]:.2f}x)" for w, r in zip(counts, rates, strict=True)
        )
        print(f"\n{backend} {documents:,}, credkit orders/s by workers: {steps}")
        for (w1, r1), (w2, r2) in itertools.pairwise(zip(counts, rates, strict=True)):
            if w2 <= (os.cpu_count() or 1) * 2 and r2 <= r1:
                missed.append(f"{backend} {documents:,}: no gain from {w1} to {w2} workers")
    print_interleaved(breakdowns)
    for b in breakdowns:
        print_breakdown(b)
    return missed


def print_breakdown(b: Breakdown) -> None:
    s = b.spans
    count = len(b.ours)
    total = sum(b.ours)
    per = 1000 / count
    print()
    print(
        f"credkit's check_order, {b.backend}, {b.documents:,} documents, one worker, {count} "
        f"orders: {total * per:.2f} ms (p50 {ms(statistics.median(b.ours))}) and "
        f"{sum(s.statements.values()) / count:.1f} SQL statements per order "
        f"({s.documents / count:.0f} documents read per order); hand-written "
        f"{sum(b.theirs) * per:.2f} ms (p50 {ms(statistics.median(b.theirs))}), "
        f"{b.hand_statements / count:.1f} statements"
    )
    print("| step | ms per order | share | statements | in the driver, ms |")
    print("|---|---:|---:|---:|---:|")
    for key, label in STEPS:
        if key not in s.time and key not in s.statements:
            continue
        print(
            f"| {label} | {s.time[key] * per:.3f} | {s.time[key] / total:.0%} "
            f"| {s.statements[key] / count:.1f} | {s.driver[key] * per:.3f} |"
        )
    print(
        f"| all | {sum(s.time.values()) * per:.3f} | 100% "
        f"| {sum(s.statements.values()) / count:.1f} | {sum(s.driver.values()) * per:.3f} |"
    )


def print_interleaved(breakdowns: Sequence[Breakdown]) -> None:
    """The books' ratio from the one-process pass, where they took turns order by order."""
    backends = dict.fromkeys(b.backend for b in breakdowns)
    for backend in backends:
        mine = sorted((b for b in breakdowns if b.backend == backend), key=lambda b: b.documents)
        if len(mine) < 2:
            continue
        small, large = mine[0], mine[-1]
        ratios = [
            f(getattr(large, side)) / f(getattr(small, side))
            for side in ("ours", "theirs")
            for f in (statistics.median, sum)
        ]
        print(
            f"\n{backend}, one worker, the books taking turns order by order in one process: "
            f"{large.documents:,} / {small.documents:,} credkit p50 {ratios[0]:.2f}x, mean "
            f"{ratios[1]:.2f}x; hand-written p50 {ratios[2]:.2f}x, mean {ratios[3]:.2f}x"
        )


# -- main -----------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument(
        "--backends", nargs="+", choices=("sqlite", "postgresql"), default=["sqlite", "postgresql"]
    )
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--orders", type=int, default=800, help="timed orders per run")
    parser.add_argument("--warmup", type=int, default=32, help="warm-up orders per run, split")
    parser.add_argument("--profile-orders", type=int, default=300, help="0: no breakdown")
    parser.add_argument(
        "--repeat", type=int, default=2, help="runs of each side and worker count; the best kept"
    )
    parser.add_argument("--postgres-url", default=book.DEFAULT_POSTGRES)
    args = parser.parse_args(argv)
    if args.orders < 100 or min(args.workers) < 1 or args.repeat < 1:
        parser.error("--orders must be at least 100, --workers and --repeat at least 1")

    begun, load = time.perf_counter(), _load()
    tag = f"{int(time.time()) % 100_000_000:08d}"
    print(
        f"Orders: {args.orders} per run (and {args.warmup} warm-up), customers drawn from the "
        f"{min(args.sizes):,}-document book in proportion to their documents, seed {SEED}; "
        f"policy static_limit + group_limit; workers are processes; run {tag}"
    )
    runs: list[Run] = []
    breakdowns: list[Breakdown] = []
    problems: list[str] = []
    for backend in args.backends:
        stores = {}
        for size in sorted(set(args.sizes)):
            store, how = book.open_store(backend, size, args.postgres_url, reload=False)
            stores[size] = store
            print(f"  {backend}, {size:,} documents (prefix {store.tables.prefix}): {how}")
        first = stores[min(stores)]
        orders = make_orders(first, args.orders + args.warmup + args.profile_orders, SEED)
        timed = orders[: args.orders]
        warm = orders[args.orders : args.orders + args.warmup]
        profiled = orders[args.orders + args.warmup :]
        jobs = {
            size: Job(backend, size, s.url.render_as_string(hide_password=False), s.tables.prefix)
            for size, s in stores.items()
        }
        for store in stores.values():
            store.dispose()
        try:
            for job in jobs.values():
                prepare(job)
                warm_cache(job, [*timed, *warm, *profiled])
            tried: dict[tuple[int, str, int], list[Run]] = defaultdict(list)
            turn = 0
            for workers in args.workers:
                for repeat in range(args.repeat):
                    for job in jobs.values():  # sizes and sides take turns to go first
                        turn += 1
                        for side in SIDES if turn % 2 else SIDES[::-1]:
                            name = f"{tag}-{'ck' if side == 'credkit' else 'hw'}-{workers}w{repeat}"
                            run = run_side(job, side, timed, warm, workers, name)
                            problems += check_cleanup(run, clean(job))
                            problems += [
                                f"{backend} {side} {workers}w: {e}" for e in run.errors[:3]
                            ]
                            tried[job.documents, side, workers].append(run)
                            print(
                                f"  {backend} {job.documents:,} {side:12} {workers:2}w: "
                                f"p50 {ms(run.percentile(0.5))} ms, "
                                f"p99 {ms(run.percentile(0.99))} ms, "
                                f"{run.throughput:.0f} orders/s, {run.retries} retries, "
                                f"{len(run.errors)} errors; {run.cpu_line()} (load {run.load:.1f})"
                            )
                        if workers == 1:
                            problems += disagreements(
                                tried[job.documents, "credkit", 1][-1],
                                tried[job.documents, "hand-written", 1][-1],
                                timed,
                            )
                    jobs = dict(reversed(jobs.items()))  # the other size goes first next time
            runs += [max(found, key=lambda r: r.throughput) for found in tried.values()]
            if args.profile_orders:
                ordered = [jobs[size] for size in sorted(jobs)]
                breakdowns += breakdown(ordered, profiled, f"{tag}-prof")
        finally:
            for job in jobs.values():
                finish(job)
    missed = report(runs, breakdowns)
    print()
    for line in missed:
        print(f"  target missed: {line}")
    if problems:
        print("PROBLEMS:", *problems[:30], sep="\n  ")
        return 1
    print(
        f"  same decisions at one worker on both sides; every run's rows deleted after it; "
        f"{time.perf_counter() - begun:.0f} s in all (load average {load} at the start, "
        f"{_load()} at the end, {os.cpu_count()} CPUs)"
    )
    return 0


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


if __name__ == "__main__":
    sys.exit(main())
