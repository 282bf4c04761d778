"""One customer's credit profile from an SQLStore: credkit against hand-written SQL (issue 16).

For each backend (SQLite, PostgreSQL) and each size (default 100,000 and 1,000,000
documents) the script

* generates a synthetic book (seeded: the same every run) and bulk-loads it into a
  store, once: the SQLite files (in ``<tmp>/credkit-bench-store``) and the PostgreSQL
  tables (prefix ``bench100k_``, ``bench1m_``, ...) are kept, marked with what they
  hold, and used again by later runs (``--reload`` loads them again);
* times the path a host runs for an order: ``store.unit(customer)`` (locks the
  customer and its credit group's root), ``unit.ledger(customer, as_of=...)`` (the
  group's documents and allocations up to ``as_of``), ``limit_in_force(unit.limits(...))``
  (for a group member also the root's, as the group limit), ``unit.reservations(...)``
  (the open orders), ``unit.snapshot(...)`` (payment index, trend, score, risk class),
  :func:`credkit.policy.build_profile` with all of them, and the unit's commit;
* times, for the same customers, the baseline a host would write by hand on its own
  plain engine, without locks: one SQL query (``sqlalchemy.text``) that works out the
  customer's open receivables, overdue amount and oldest overdue due date and the
  group's open receivables as of the date inside the database, and three small ones
  for the open orders, the limit records and the latest snapshot;
* checks that both sides give the same figures for every customer, and that every
  size gives the same profile (exit status 1 if not), and prints the median and p95
  time per profile, the ratio to the baseline, the median time of each phase of
  credkit's path, the SQL statements it runs, and the ratio of the largest size to
  the smallest: documents are read through the indexes on ``(customer_id, dated)``
  and allocations on ``(customer_id, applied_on)``, so a profile should take about
  as long in a book ten times larger.

The book: customers are drawn one after another, each from a random generator of its
own, until the documents are there (about one customer per 10 documents: 100,000
customers for 1,000,000), so a smaller book is the beginning of a larger one and
its customers have the same histories in both. A customer's number of documents is
lognormal (mean 10, sigma 1.1: most have a handful, a few some hundreds); about 12 %
belong to credit groups (a root and 1 to 39 members by ``parent_id``, some two levels
deep), in 11 countries and 7 currencies (JPY without minor units). Three years of
invoices (net 14 to 60 days, amounts lognormal around each customer's own size),
paid promptly, slowly, very late, or not at all after some date; some disputed;
payments one per invoice, in two parts, or in weekly runs covering several invoices,
a few overpaid or never applied, applied the same day or up to 40 days later; credit
notes on 4 % of invoices (most allocated) and write-offs. Limits (some with a
history, seasonal and insured limits, a few unlimited or missing), open orders for
40 % of customers, monthly snapshots for 70 %. Documents are stored in date order and
numbered by date, as a host's would be.

The customers timed are drawn from the smallest book (the same ones at every size
and backend), in proportion to their number of documents (busy customers place more
orders), each with an ``as_of`` in the book's last 60 days. For each customer every
(size, side) pair runs once, in an order that rotates from one customer to the next,
after some warm-up customers.

Loading bypasses the store's checks: the rows go straight into the tables, with
``executemany`` through the store's engine (SQLite) or ``COPY`` through its
connection (PostgreSQL), holding what SQLStore writes (amounts in minor units,
``root_id``, records as JSON by the store's own encoder). Before loading, the script
shows that it is the same: it loads a small book both ways, through ``unit.add_*``
(documents and allocations in batches of 10,000) and in bulk, compares every table,
and prints both speeds.

    python benchmarks/store.py                   # 100k and 1M, SQLite and PostgreSQL
    python benchmarks/store.py --sizes 100000 --backends sqlite
    python benchmarks/store.py --postgres-url postgresql://user@host:5432/db --reload
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import itertools
import json
import math
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from credkit.ledger import Allocation, CreditNote, Customer, Invoice, Payment
from credkit.limits import CreditLimit, LimitKind
from credkit.money import Money, minor_units
from credkit.policy import CreditProfile, ExposureKind, build_profile
from credkit.storage import Reservation, Snapshot, SQLStore, limit_in_force
from credkit.storage.rules import from_minor_units
from credkit.storage.sql.store import _json as store_json  # the store's own record encoder

SEED = 16
GENERATOR = "store-bench-2"  # change when the generated book changes: cached databases reload
START = datetime.date(2023, 7, 1)
END = datetime.date(2026, 6, 30)  # the last day of the book
AS_OF_DAYS = 60  # profiles are built as of one of the book's last 60 days
DOCS_PER_CUSTOMER = 10
SIZE_SIGMA = 1.1
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
CACHE = Path(tempfile.gettempdir()) / "credkit-bench-store"
CHECK_DOCUMENTS = 20_000  # the small book loaded both ways before the first load
BATCH = 10_000

# country, currency, weight, major units per EUR (roughly)
COUNTRIES = (
    ("DE", "EUR", 22, 1.0), ("FR", "EUR", 12, 1.0), ("NL", "EUR", 7, 1.0),
    ("IT", "EUR", 8, 1.0), ("ES", "EUR", 6, 1.0), ("GB", "GBP", 12, 0.85),
    ("US", "USD", 15, 1.1), ("CH", "CHF", 6, 0.95), ("SE", "SEK", 4, 11.0),
    ("PL", "PLN", 4, 4.3), ("JP", "JPY", 4, 160.0),
)  # fmt: skip
LEGAL = {"DE": "GmbH", "FR": "SAS", "NL": "B.V.", "IT": "S.r.l.", "ES": "S.L.", "GB": "Ltd",
         "US": "Inc.", "CH": "AG", "SE": "AB", "PL": "sp. z o.o.", "JP": "K.K."}  # fmt: skip
STEMS = ("Nordwind", "Altmark", "Bergtal", "Lindholm", "Sonnfeld", "Rheinau", "Westend",
         "Hafenkamp", "Eichberg", "Talgrund", "Brandt", "Ostrow", "Marlow", "Kessler")  # fmt: skip
INDUSTRIES = ("wholesale trade", "construction", "manufacturing", "retail", "logistics",
              "food", "chemicals", "public sector")  # fmt: skip
SEGMENTS = (("wholesale", 5), ("retail", 3), ("public", 1))
BEHAVIOURS = (("prompt", 55), ("slow", 25), ("late", 12), ("defaulter", 8))
INVOICE, CREDIT_NOTE, PAYMENT = 0, 1, 2
KINDS = ("invoice", "credit_note", "payment")
PREFIXES = ("INV", "CN", "PAY")
TABLES = ("customers", "documents", "allocations", "limits", "reservations", "snapshots")


# -- the book -------------------------------------------------------------------------


@dataclass
class Book:
    """Rows as SQLStore writes them (dates as ``datetime.date``, amounts in minor units)."""

    documents: int
    customers: list[tuple[Any, ...]]
    document_rows: list[tuple[Any, ...]]
    allocation_rows: list[tuple[Any, ...]]  # without the autoincremented id
    limits: list[CreditLimit]
    reservation_rows: list[tuple[Any, ...]]
    snapshots: list[Snapshot]

    def rows(self, table: str) -> list[tuple[Any, ...]]:
        if table == "limits":
            return [(x.customer_id, x.kind.value, x.valid_from, store_json(x)) for x in self.limits]
        if table == "snapshots":
            return [(s.customer_id, s.as_of, store_json(s)) for s in self.snapshots]
        # the columns added by later migrations: customers' tags (0006), documents'
        # booked amount and schedule (0004, 0005), allocations' instalment
        if table == "customers":
            return [(*row, None) for row in self.customers]
        if table == "documents":
            return [(*row, None, None, None) for row in self.document_rows]
        if table == "allocations":
            return [(*row, 0) for row in self.allocation_rows]
        return self.reservation_rows


def _weighted(rng: random.Random, pairs: Sequence[tuple[Any, int]]) -> Any:
    return rng.choices([v for v, _ in pairs], weights=[w for _, w in pairs])[0]


def _parents(seed: int) -> Iterator[int | None]:
    """Each customer's parent (index), in order: credit groups of a root and the customers after it."""
    rng = random.Random(seed)
    index = 0
    while True:
        size = 1 + min(39, int(rng.paretovariate(1.6))) if rng.random() < 0.04 else 1
        yield None
        for member in range(index + 1, index + size):
            yield index if rng.random() < 0.7 else rng.randrange(index, member)
        index += size


def generate(documents: int, seed: int = SEED) -> Book:
    """A book of ``documents`` documents, about a tenth as many customers (see the module).

    Each customer is drawn from a random generator of its own (seeded with ``seed`` and
    its number), and so are the credit groups, so a smaller book is the start of a larger
    one: its customers, but the last, have the same histories in both.
    """
    mu = math.log(DOCS_PER_CUSTOMER) - SIZE_SIGMA**2 / 2
    end, start = END.toordinal(), START.toordinal()
    days: dict[int, datetime.date] = {}

    def day(ordinal: int) -> datetime.date:
        value = days.get(ordinal)
        if value is None:
            value = days[ordinal] = datetime.date.fromordinal(ordinal)
        return value

    months = [END]
    while len(months) < 7:
        months.append(months[-1].replace(day=1) - datetime.timedelta(days=1))
    ids: list[str] = []
    country: list[str] = []
    currency: list[str] = []
    factor: list[float] = []
    root: list[int] = []
    customers: list[tuple[Any, ...]] = []
    # [dated, kind, customer, due, units, credited invoice, disputed, write_off]
    docs: list[list[Any]] = []
    allocations: list[tuple[int, int, int, int]] = []  # (applied_on, source, target, units)
    limits: list[CreditLimit] = []
    reservation_rows: list[tuple[Any, ...]] = []
    snapshots: list[Snapshot] = []
    parents = _parents(seed)
    left = documents
    c = -1
    while left > 0:
        c += 1
        rng = random.Random(seed * 1_000_003 + c)
        budget = min(left, max(1, round(rng.lognormvariate(mu, SIZE_SIGMA))))
        left -= budget
        parent = next(parents)
        cid = f"C{c + 1:06d}"
        ids.append(cid)
        root.append(c if parent is None else root[parent])
        if parent is None:
            place = _weighted(rng, [(x, x[2]) for x in COUNTRIES])
            country.append(place[0])
            currency.append(place[1])
            factor.append(place[3])
        else:  # a group keeps its books in the root's currency
            country.append(country[root[c]])
            currency.append(currency[root[c]])
            factor.append(factor[root[c]])
        code = currency[c]
        industry = rng.choice(INDUSTRIES)
        name = f"{rng.choice(STEMS)} {industry.split()[0].title()} {c + 1} {LEGAL[country[c]]}"
        customers.append(
            (cid, name, country[c], code, _weighted(rng, SEGMENTS), industry,
             None if parent is None else ids[parent], ids[root[c]])
        )  # fmt: skip

        def lag() -> int:
            r = rng.random()  # noqa: B023
            return 0 if r < 0.7 else rng.randint(1, 3) if r < 0.95 else rng.randint(10, 40)  # noqa: B023

        size = budget
        join = end - int((end - start) * rng.uniform(0.1, 1.0))
        terms = rng.choice((14, 30, 30, 30, 45, 60))
        behaviour = _weighted(rng, BEHAVIOURS)
        stop = (
            join + int((end - join) * rng.uniform(0.6, 1.0)) if behaviour == "defaulter" else None
        )
        batch = rng.random() < 0.3  # pays in a weekly run
        places = minor_units(code)
        scale = rng.lognormvariate(math.log(2500), 1.0) * factor[c]
        runs: dict[int, tuple[int, int]] = {}  # payment day -> (payment, applied_on)
        while budget > 0:
            # an invoice that can get no payment (the customer's last document) is a recent one
            issue = rng.randint(join if budget > 1 else max(join, end - terms), end)
            due = issue + terms
            units = max(1, round(scale * rng.lognormvariate(0, 0.5) * 10**places))
            disputed = rng.random() < 0.02
            invoice = len(docs)
            docs.append([issue, INVOICE, c, due, units, -1, disputed, False])
            budget -= 1
            remaining = units
            if budget and rng.random() < 0.04:  # goods returned: a credit note
                dated = min(end, issue + rng.randint(2, 30))
                credited = max(1, int(units * rng.uniform(0.05, 1.0)))
                note = len(docs)
                docs.append([dated, CREDIT_NOTE, c, None, credited, invoice, False, False])
                budget -= 1
                applied = dated + lag()
                if rng.random() < 0.9 and applied <= end:
                    allocations.append((applied, note, invoice, credited))
                    remaining -= credited
            if remaining <= 0 or not budget or (disputed and rng.random() < 0.6):
                continue
            delay = {
                "prompt": rng.randint(-7, 5),
                "slow": rng.randint(0, 35),
                "late": rng.randint(15, 110),
                "defaulter": rng.randint(10, 60),
            }[behaviour]
            paid = max(issue + 1, due + delay)
            if stop is not None and paid >= stop:
                if issue < end - 180 and rng.random() < 0.3:  # written off
                    dated = min(end, due + rng.randint(120, 200))
                    note = len(docs)
                    docs.append([dated, CREDIT_NOTE, c, None, remaining, invoice, False, True])
                    budget -= 1
                    allocations.append((dated, note, invoice, remaining))
                continue
            if paid > end:
                continue
            if batch:
                friday = min(end, paid + (4 - datetime.date.fromordinal(paid).weekday()) % 7)
                if friday not in runs:
                    runs[friday] = (len(docs), friday + lag())
                    docs.append([friday, PAYMENT, c, None, 0, -1, False, False])
                    budget -= 1
                payment, applied = runs[friday]
                docs[payment][4] += remaining
                if applied <= end:
                    allocations.append((applied, payment, invoice, remaining))
                continue
            parts = [(paid, remaining)]
            if remaining >= 200 and budget >= 2 and rng.random() < 0.08:
                first = int(remaining * rng.uniform(0.3, 0.7))
                parts = [(paid, first), (paid + rng.randint(7, 45), remaining - first)]
            for dated, amount in parts:
                if dated > end or not budget:
                    break
                extra = rng.randint(1, amount // 10 + 1) if rng.random() < 0.02 else 0
                payment = len(docs)
                docs.append([dated, PAYMENT, c, None, amount + extra, -1, False, False])
                budget -= 1
                applied = dated + lag()
                if rng.random() >= 0.01 and applied <= end:  # 1 % are never applied
                    allocations.append((applied, payment, invoice, amount))

        # limits, open orders, snapshots
        volume = scale * size / 2 / max(1, (end - join) / 30)  # invoiced per month
        base = max(1000, math.ceil(volume * (terms / 30 + 1) * 1.5 / 1000) * 1000)

        def limit(amount: float | None, since: int, **more: Any) -> CreditLimit:
            money = None if amount is None else Money.of(int(amount), code)  # noqa: B023
            return CreditLimit(cid, money, currency=code, valid_from=day(since), **more)  # noqa: B023

        r = rng.random()
        if r < 0.02:
            limits.append(limit(None, join, approved_by=("cfo",), approved_on=day(join)))
        elif r >= 0.05:  # (3 % have no limit at all)
            since = join
            if end - join > 120 and rng.random() < 0.3:  # raised (or cut) once
                since = rng.randint(join + 30, end - 60)
                limits.append(limit(round(base * 0.7, -3) or 1000, join, valid_to=day(since - 1)))
            review = day(since + 365) if rng.random() < 0.8 else None
            approvers = ("credit.analyst", "credit.manager")[: rng.randint(1, 2)]
            limits.append(limit(base, since, next_review=review, approved_by=approvers,
                                approved_on=day(since)))  # fmt: skip
            if rng.random() < 0.1:  # a seasonal limit running now
                limits.append(limit(base * 1.5, end - 40, valid_to=day(end + 45)))
            if rng.random() < 0.15:
                limits.append(limit(round(base * 0.8, -3), join, kind=LimitKind.INSURED))
        if rng.random() < 0.4:
            for order in range(rng.randint(1, 4)):
                units = max(1, round(scale * rng.lognormvariate(0, 0.5) * 10**places))
                reservation_rows.append(
                    (f"SO-{c + 1:06d}-{order + 1}", cid, units, code, day(end - rng.randint(0, 30)))
                )
        if rng.random() < 0.7:
            for month in months[1 : 1 + rng.randint(1, 6)]:
                snapshots.append(
                    Snapshot(
                        cid, as_of=month, payment_index=f"{rng.uniform(20, 100):.1f}",
                        trend=rng.choice(("improving", "stable", "worsening")),
                        score=rng.randint(300, 850), risk_class=rng.choice("ABBCCCDE"),
                        source="scorecard-3.2",
                    )
                )  # fmt: skip

    # ids numbered by date per kind, rows in date order
    order = sorted(range(len(docs)), key=lambda i: (docs[i][0], docs[i][1], docs[i][2], i))
    names: list[str] = [""] * len(docs)
    numbers = [0, 0, 0]
    for i in order:
        kind = docs[i][1]
        numbers[kind] += 1
        names[i] = f"{PREFIXES[kind]}-{numbers[kind]:07d}"
    document_rows = []
    for i in order:
        dated, kind, c, due, units, credited, disputed, write_off = docs[i]
        document_rows.append(
            (names[i], ids[c], KINDS[kind], day(dated), None if due is None else day(due), units,
             currency[c], disputed, None if credited < 0 else names[credited], write_off)
        )  # fmt: skip
    allocations.sort(key=lambda a: (a[0], docs[a[2]][2], a[1], a[2]))
    allocation_rows = [
        (ids[docs[target][2]], names[source], names[target], units, currency[docs[target][2]],
         day(applied))
        for applied, source, target, units in allocations
    ]  # fmt: skip
    return Book(
        documents, customers, document_rows, allocation_rows, limits, reservation_rows, snapshots
    )


# -- loading --------------------------------------------------------------------------


def _columns(table: sa.Table) -> list[str]:
    return [c.name for c in table.columns if not (c.primary_key and c.autoincrement is True)]


def bulk_load(store: SQLStore, book: Book) -> dict[str, float]:
    """Write the book's rows straight into the store's tables; seconds per table."""
    seconds = {}
    for name in TABLES:
        started = time.perf_counter()
        table = getattr(store.tables, name)
        columns = _columns(table)
        rows = book.rows(name)
        if store.backend == "postgresql":
            raw = store.engine.raw_connection()
            try:
                with raw.driver_connection.cursor() as cursor:  # type: ignore[union-attr]
                    statement = f'COPY "{table.name}" ({", ".join(columns)}) FROM STDIN'
                    with cursor.copy(statement) as copy:
                        for row in rows:
                            copy.write_row(row)
                raw.commit()
            finally:
                raw.close()
        else:
            with store.engine.begin() as connection:
                for start in range(0, len(rows), 50_000):
                    chunk = [
                        dict(zip(columns, row, strict=True)) for row in rows[start : start + 50_000]
                    ]
                    connection.execute(sa.insert(table), chunk)
        seconds[name] = time.perf_counter() - started
    return seconds


def _objects(book: Book) -> dict[str, list[Any]]:
    """The book as credkit values, for ``unit.add_*``."""
    customers = [
        Customer(i, n, country=co, currency=cu, segment=s, industry=ind, parent_id=p)
        for i, n, co, cu, s, ind, p, _ in book.customers
    ]
    documents: list[Any] = []
    for i, c, kind, dated, due, units, code, disputed, credited, write_off in book.document_rows:
        amount = from_minor_units(units, code)
        if kind == "invoice":
            documents.append(Invoice(i, c, dated, due, amount, disputed=disputed))
        elif kind == "credit_note":
            documents.append(
                CreditNote(i, c, dated, amount, invoice_id=credited, write_off=write_off)
            )
        else:
            documents.append(Payment(i, c, dated, amount))
    allocations = [
        Allocation(s, t, from_minor_units(units, code), applied)
        for _, s, t, units, code, applied in book.allocation_rows
    ]
    reservations = [
        Reservation(o, c, from_minor_units(units, code), reserved_on=on)
        for o, c, units, code, on in book.reservation_rows
    ]
    return {"customers": customers, "documents": documents, "allocations": allocations,
            "reservations": reservations}  # fmt: skip


def api_load(store: SQLStore, book: Book) -> dict[str, float]:
    """Load the book through ``unit.add_*`` (documents and allocations in batches).

    Returns the seconds of each step: customers, documents, allocations, and the
    records stored one call each (limits, reservations, snapshots).
    """
    objects = _objects(book)
    seconds = {}
    started = time.perf_counter()
    with store.unit() as unit:
        unit.add_customers(objects["customers"])
    seconds["customers"] = time.perf_counter() - started
    for name in ("documents", "allocations"):
        started = time.perf_counter()
        values = objects[name]
        for start in range(0, len(values), BATCH):
            with store.unit() as unit:
                add = unit.add_documents if name == "documents" else unit.add_allocations
                add(values[start : start + BATCH])
        seconds[name] = time.perf_counter() - started
    started = time.perf_counter()
    with store.unit() as unit:
        for limit in book.limits:
            unit.add_limit(limit)
        for reservation in objects["reservations"]:
            unit.reserve(reservation)
        for snapshot in book.snapshots:
            unit.put_snapshot(snapshot)
    seconds["records"] = time.perf_counter() - started
    return seconds


def dump(store: SQLStore) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the six tables, without generated ids, sorted."""
    result = {}
    with store.engine.connect() as connection:
        for name in TABLES:
            table = getattr(store.tables, name)
            columns = [table.c[c] for c in _columns(table)]
            rows = connection.execute(sa.select(*columns).order_by(*columns))
            result[name] = [tuple(row) for row in rows]
    return result


def drop(store: SQLStore) -> None:
    """Remove the store's tables (the benchmark's prefix only)."""
    store.dispose()
    if store.backend == "sqlite":
        database = store.url.database or ""
        for suffix in ("", "-wal", "-shm"):
            Path(database + suffix).unlink(missing_ok=True)
        return
    with store.engine.begin() as connection:
        store.tables.metadata.drop_all(connection)
        for name in (store.tables.version_table, f"{store.tables.prefix}bench"):
            connection.exec_driver_sql(f'DROP TABLE IF EXISTS "{name}"')


def analyze(store: SQLStore) -> None:
    """Fresh planner statistics (and, in PostgreSQL, the visibility map), as a maintained database has."""
    if store.backend == "postgresql":
        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            for name in TABLES:
                connection.exec_driver_sql(f'VACUUM ANALYZE "{getattr(store.tables, name).name}"')
            # write the load out now rather than while the profiles are timed (a role
            # without pg_checkpoint may not: then the server does it in its own time)
            with contextlib.suppress(sa.exc.DBAPIError):
                connection.exec_driver_sql("CHECKPOINT")
    else:
        with store.engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")
        raw = store.engine.raw_connection()  # outside a transaction (the store's begins one)
        try:
            raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # type: ignore[union-attr]
        finally:
            raw.close()


def fingerprint(documents: int) -> str:
    return f"{GENERATOR} seed={SEED} documents={documents}"


def _marker(store: SQLStore) -> sa.Table:
    return sa.Table(
        f"{store.tables.prefix}bench", sa.MetaData(),
        sa.Column("fingerprint", sa.Text, primary_key=True),
        sa.Column("seconds", sa.Float, nullable=False),
    )  # fmt: skip


def cached(store: SQLStore, documents: int) -> float | None:
    """The seconds the cached load took, or None when the database holds another book."""
    marker = _marker(store)
    try:
        with store.engine.connect() as connection:
            seconds = connection.execute(
                sa.select(marker.c.seconds).where(marker.c.fingerprint == fingerprint(documents))
            ).scalar_one_or_none()
    except sa.exc.DBAPIError:
        return None
    return seconds


def check_load(url: str, backend: str, folder: Path) -> str:
    """Load a small book through unit.add_* and in bulk; the tables must be identical."""
    book = generate(CHECK_DOCUMENTS, seed=SEED + 1)
    stores = []
    for way in ("api", "bulk"):
        if backend == "sqlite":
            store = SQLStore(f"sqlite:///{folder / f'check-{way}.db'}", prefix="benchchk_")
        else:
            store = SQLStore(url, prefix=f"benchchk{way}_")
        drop(store)
        store.upgrade()
        stores.append(store)
    api = api_load(stores[0], book)
    started = time.perf_counter()
    bulk_load(stores[1], book)
    bulk = time.perf_counter() - started
    a, b = dump(stores[0]), dump(stores[1])
    for store in stores:
        drop(store)
    different = [name for name in TABLES if a[name] != b[name]]
    if different:
        raise SystemExit(f"{backend}: bulk load differs from unit.add_* in {different}")
    records = len(book.limits) + len(book.reservation_rows) + len(book.snapshots)
    rows = len(book.customers) + CHECK_DOCUMENTS + len(book.allocation_rows) + records
    return (
        f"{backend}: a {CHECK_DOCUMENTS:,}-document book ({len(book.customers):,} customers, "
        f"{len(book.allocation_rows):,} allocations, {records:,} limits, orders and snapshots) "
        f"loaded both ways gives identical tables.\n    unit.add_*: {sum(api.values()):.1f} s "
        f"(documents {CHECK_DOCUMENTS / api['documents']:,.0f}/s, allocations "
        f"{len(book.allocation_rows) / api['allocations']:,.0f}/s, in batches of {BATCH:,}; "
        f"limits, orders and snapshots one call each {records / api['records']:,.0f}/s); "
        f"bulk: {bulk:.2f} s ({rows / bulk:,.0f} rows/s)"
    )


def open_store(backend: str, documents: int, url: str, reload: bool) -> tuple[SQLStore, str]:
    """The store holding the book of ``documents``, loading it when it is not cached."""
    store = open_plain(backend, documents, url)
    seconds = None if reload else cached(store, documents)
    if seconds is not None:
        store.upgrade()  # a book cached by an older credkit gains the newer tables
        return store, f"cached (the load took {seconds:.0f} s)"
    drop(store)
    store = SQLStore(store.url, prefix=store.tables.prefix)
    store.upgrade()
    started = time.perf_counter()
    book = generate(documents)
    generated = time.perf_counter() - started
    tables = bulk_load(store, book)
    loaded = time.perf_counter() - started - generated
    analyze(store)
    total = time.perf_counter() - started
    marker = _marker(store)
    with store.engine.begin() as connection:
        marker.create(connection)
        connection.execute(
            sa.insert(marker).values(fingerprint=fingerprint(documents), seconds=total)
        )
    per_table = ", ".join(f"{name} {tables[name]:.1f}" for name in TABLES)
    return store, (
        f"loaded in {total:.0f} s: generating {generated:.0f} s, writing {loaded:.0f} s "
        f"({per_table}), analyze {total - generated - loaded:.0f} s"
    )


def _label(documents: int) -> str:
    if documents % 1_000_000 == 0:
        return f"{documents // 1_000_000}m"
    if documents % 1000 == 0:
        return f"{documents // 1000}k"
    return str(documents)


# -- the two sides --------------------------------------------------------------------

PHASES = ("unit", "ledger", "limits", "reservations", "snapshot", "build", "commit")


def credkit_profile(
    store: SQLStore, customer_id: str, as_of: datetime.date
) -> tuple[CreditProfile, list[float], int]:
    """The host's path; the profile, the seconds of each phase and the documents read."""
    t = [time.perf_counter()]
    with store.unit(customer_id) as unit:
        t.append(time.perf_counter())
        ledger = unit.ledger(customer_id, as_of=as_of)
        t.append(time.perf_counter())
        limit = limit_in_force(unit.limits(customer_id), as_of=as_of)
        group_id, members = ledger.group(customer_id)
        group_limit = None
        if len(members) > 1:  # the group limit is the root's limit
            root = (
                limit
                if group_id == customer_id
                else limit_in_force(unit.limits(group_id), as_of=as_of)
            )
            group_limit = None if root is None else root.amount
        t.append(time.perf_counter())
        reservations = unit.reservations(customer_id)
        open_orders = None
        if reservations:
            open_orders = sum((r.amount for r in reservations[1:]), reservations[0].amount)
        t.append(time.perf_counter())
        snapshot = unit.snapshot(customer_id, as_of=as_of)
        t.append(time.perf_counter())
        profile = build_profile(
            ledger, customer_id, as_of=as_of, limit=limit, open_orders=open_orders,
            group_limit=group_limit,
            payment_index=None if snapshot is None else snapshot.payment_index,
            trend=None if snapshot is None else snapshot.trend,
            score=None if snapshot is None else snapshot.score,
            risk_class=None if snapshot is None else snapshot.risk_class,
        )  # fmt: skip
        t.append(time.perf_counter())
    t.append(time.perf_counter())
    read = len(ledger.invoices) + len(ledger.credit_notes) + len(ledger.payments)
    return profile, [b - a for a, b in itertools.pairwise(t)], read


FIGURES_SQL = """
WITH members AS (
    SELECT id FROM {customers}
    WHERE root_id = (SELECT root_id FROM {customers} WHERE id = :customer_id)
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
    SELECT d.customer_id, d.kind, d.due_date, d.currency,
           CASE WHEN d.kind = 'invoice' THEN d.amount - COALESCE(a.amount, 0)
                ELSE COALESCE(a.amount, 0) - d.amount END AS open_amount
    FROM {documents} d LEFT JOIN applied a ON a.document_id = d.id
    WHERE d.customer_id IN (SELECT id FROM members) AND d.dated <= :as_of
)
SELECT
    (SELECT root_id FROM {customers} WHERE id = :customer_id) AS root_id,
    (SELECT COUNT(*) FROM members) AS members,
    COALESCE(SUM(CASE WHEN customer_id = :customer_id THEN open_amount END), 0) AS receivables,
    COALESCE(SUM(CASE WHEN customer_id = :customer_id AND kind = 'invoice'
                      AND open_amount > 0 AND due_date < :as_of THEN open_amount END), 0) AS overdue,
    MIN(CASE WHEN customer_id = :customer_id AND kind = 'invoice'
             AND open_amount > 0 AND due_date < :as_of THEN due_date END) AS oldest_due,
    COALESCE(SUM(open_amount), 0) AS group_receivables,
    COUNT(DISTINCT currency) AS currencies
FROM items
"""


@dataclass(frozen=True)
class Figures:
    """What the hand-written side computes, in minor units of the customer's currency."""

    receivables: int
    overdue: int
    oldest_days: int
    group_receivables: int | None
    open_orders: int | None
    limit: dict[str, Any] | None
    group_limit: str | None
    snapshot: dict[str, Any] | None


class HandWritten:
    """The baseline: plain SQL on a plain engine (no locks, no credkit objects)."""

    def __init__(self, store: SQLStore) -> None:
        self.engine = sa.create_engine(store.url)
        names = {n: getattr(store.tables, n).name for n in TABLES}
        self.figures = (
            sa.text(FIGURES_SQL.format(**names))
            .bindparams(sa.bindparam("as_of", type_=sa.Date))
            .columns(oldest_due=sa.Date)
        )
        self.orders = sa.text(
            f"SELECT SUM(amount) FROM {names['reservations']} WHERE customer_id = :customer_id"
        )
        self.limits = sa.text(
            f"SELECT record FROM {names['limits']} "
            "WHERE customer_id IN (:customer_id, :root_id) AND kind = 'internal' "
            "AND valid_from <= :as_of ORDER BY valid_from"
        ).bindparams(sa.bindparam("as_of", type_=sa.Date))
        self.snapshot = sa.text(
            f"SELECT record FROM {names['snapshots']} WHERE customer_id = :customer_id "
            "AND as_of <= :as_of ORDER BY as_of DESC LIMIT 1"
        ).bindparams(sa.bindparam("as_of", type_=sa.Date))

    def __call__(self, customer_id: str, as_of: datetime.date) -> Figures:
        key = {"customer_id": customer_id, "as_of": as_of}
        with self.engine.connect() as connection:
            row = connection.execute(self.figures, key).one()
            orders = connection.execute(self.orders, key).scalar_one()
            in_force: dict[str, dict[str, Any]] = {}
            for (text,) in connection.execute(self.limits, {**key, "root_id": row.root_id}):
                record = json.loads(text)  # the latest to start that has not ended
                if record["valid_to"] is None or as_of.isoformat() <= record["valid_to"]:
                    in_force[record["customer_id"]] = record
            text = connection.execute(self.snapshot, key).scalar_one_or_none()
        if row.currencies > 1:
            raise ValueError(f"{customer_id}: several currencies in the group")
        root_limit = in_force.get(row.root_id)
        return Figures(
            receivables=int(row.receivables),
            overdue=int(row.overdue),
            oldest_days=0 if row.oldest_due is None else (as_of - row.oldest_due).days,
            group_receivables=int(row.group_receivables) if row.members > 1 else None,
            open_orders=None if orders is None else int(orders),
            limit=in_force.get(customer_id),
            group_limit=(
                None if row.members == 1 or root_limit is None or root_limit["amount"] is None
                else root_limit["amount"]["amount"]
            ),
            snapshot=None if text is None else json.loads(text),
        )  # fmt: skip


def compare(customer_id: str, profile: CreditProfile, theirs: Figures) -> list[str]:
    """Where the profile and the hand-written figures differ."""
    code = profile.exposure.currency

    def units(money: Money) -> int:
        return int(money.amount.scaleb(minor_units(code)))

    open_orders = profile.exposure.component(ExposureKind.OPEN_ORDERS)
    limit = theirs.limit
    snapshot = theirs.snapshot or {}
    ours_theirs = {
        "receivables": (
            units(profile.exposure.amount_of(ExposureKind.OPEN_RECEIVABLES)), theirs.receivables
        ),
        "overdue": (units(profile.overdue_amount), theirs.overdue),
        "oldest_overdue_days": (profile.oldest_overdue_days, theirs.oldest_days),
        "open_orders": (None if open_orders is None else units(open_orders.amount), theirs.open_orders),
        "group_exposure": (
            None if profile.group_exposure is None else units(profile.group_exposure),
            None if theirs.group_receivables is None or theirs.group_limit is None
            else theirs.group_receivables + (theirs.open_orders or 0),
        ),
        "group_limit": (
            None if profile.group_limit is None else profile.group_limit.amount,
            None if theirs.group_limit is None else Decimal(theirs.group_limit),
        ),
        "limit": (
            None if profile.limit is None else profile.limit.amount,
            None if limit is None or limit["amount"] is None else Decimal(limit["amount"]["amount"]),
        ),
        "limit_valid_from": (
            profile.limit_valid_from,
            None if limit is None else datetime.date.fromisoformat(limit["valid_from"]),
        ),
        "payment_index": (
            profile.payment_index,
            None if snapshot.get("payment_index") is None else Decimal(snapshot["payment_index"]),
        ),
        "risk_class": (profile.risk_class, snapshot.get("risk_class")),
    }  # fmt: skip
    return [
        f"{customer_id} {name}: credkit {a!r}, SQL {b!r}"
        for name, (a, b) in ours_theirs.items()
        if a != b
    ]


# -- the run --------------------------------------------------------------------------


def sample(store: SQLStore, count: int, seed: int) -> list[tuple[str, datetime.date]]:
    """``count`` customers drawn in proportion to their documents, each with an as-of date.

    Drawn from the smallest book, less the credit group of its last customer (whose
    history the larger books continue), so that every book holds the same histories.
    """
    documents, customers = store.tables.documents, store.tables.customers
    with store.engine.connect() as connection:
        last = connection.execute(
            sa.select(customers.c.root_id).order_by(customers.c.id.desc()).limit(1)
        ).scalar_one()
        rows = connection.execute(
            sa.select(documents.c.customer_id, sa.func.count())
            .join(customers, customers.c.id == documents.c.customer_id)
            .where(customers.c.root_id != last)
            .group_by(documents.c.customer_id)
            .order_by(documents.c.customer_id)
        ).all()
    rng = random.Random(seed)
    chosen = rng.choices([r[0] for r in rows], weights=[r[1] for r in rows], k=count)
    return [(c, END - datetime.timedelta(days=rng.randrange(AS_OF_DAYS))) for c in chosen]


@dataclass
class Result:
    backend: str
    documents: int
    customers: int
    ours: list[float] = field(default_factory=list)
    theirs: list[float] = field(default_factory=list)
    phases: list[list[float]] = field(default_factory=list)
    read: list[int] = field(default_factory=list)
    statements: list[int] = field(default_factory=list)


def measure(
    stores: dict[int, SQLStore], results: dict[int, Result], samples: int, warmup: int
) -> list[str]:
    """Time both sides on every size for the same customers, rotating the order of the runs."""
    sizes = sorted(stores)
    baselines = {size: HandWritten(stores[size]) for size in sizes}
    problems: list[str] = []
    chosen = sample(stores[sizes[0]], samples + warmup, SEED)
    runs = [(size, side) for size in sizes for side in ("credkit", "sql")]
    statements = [0]

    def counted(*_: Any) -> None:
        statements[0] += 1

    for store in stores.values():
        sa.event.listen(store.engine, "before_cursor_execute", counted)
    for index, (customer_id, as_of) in enumerate(chosen):
        turn = index % len(runs)
        answers: dict[tuple[int, str], Any] = {}
        seconds: dict[tuple[int, str], float] = {}
        for size, side in runs[turn:] + runs[:turn]:
            statements[0] = 0
            started = time.perf_counter()
            if side == "credkit":
                answers[size, side] = (
                    *credkit_profile(stores[size], customer_id, as_of),
                    statements[0],
                )
            else:
                answers[size, side] = baselines[size](customer_id, as_of)
            seconds[size, side] = time.perf_counter() - started
        first = answers[sizes[0], "credkit"][0]
        for size in sizes:
            profile, phases, read, count = answers[size, "credkit"]
            problems += compare(customer_id, profile, answers[size, "sql"])
            if profile != first:
                problems.append(f"{customer_id}: another profile from {size:,} documents")
            if index >= warmup:
                result = results[size]
                result.ours.append(seconds[size, "credkit"])
                result.theirs.append(seconds[size, "sql"])
                result.phases.append(phases)
                result.read.append(read)
                result.statements.append(count)
    for size in sizes:
        sa.event.remove(stores[size].engine, "before_cursor_execute", counted)
        baselines[size].engine.dispose()
    return problems


def p95(values: Sequence[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def ms(value: float) -> str:
    return f"{value * 1000:7.2f}"


def report(results: Sequence[Result], samples: int) -> None:
    print()
    print(f"Time per profile, {samples} customers drawn in proportion to their documents (ms):")
    print(
        f"  {'backend':11}{'documents':>11}{'customers':>10}{'median':>9}{'p95':>9}"
        f"{'SQL med':>9}{'SQL p95':>9}{'ratio':>7}{'docs read med/p95':>19}"
    )
    for r in results:
        ratio = statistics.median(r.ours) / statistics.median(r.theirs)
        print(
            f"  {r.backend:11}{r.documents:>11,}{r.customers:>10,}  {ms(statistics.median(r.ours))}"
            f"  {ms(p95(r.ours))}  {ms(statistics.median(r.theirs))}  {ms(p95(r.theirs))}"
            f"{ratio:7.1f}{statistics.median(r.read):>11.0f} / {p95(r.read):<6.0f}"
        )
    print()
    print("credkit's path by phase, median (ms), and the SQL statements per profile:")
    print(
        f"  {'backend':11}{'documents':>11}"
        + "".join(f"{p:>13}" for p in PHASES)
        + f"{'statements':>16}"
    )
    for r in results:
        medians = [statistics.median(p[i] for p in r.phases) for i in range(len(PHASES))]
        print(
            f"  {r.backend:11}{r.documents:>11,}"
            + "".join(f"{m * 1000:13.3f}" for m in medians)
            + f"{min(r.statements):>9} to {max(r.statements)}"
        )
    print()
    for backend in dict.fromkeys(r.backend for r in results):
        mine = sorted((r for r in results if r.backend == backend), key=lambda r: r.documents)
        if len(mine) < 2:
            continue
        small, large = mine[0], mine[-1]
        for name, f in (("median", statistics.median), ("p95", p95)):
            ratio = f(large.ours) / f(small.ours)
            print(
                f"  {backend}: {large.documents:,} / {small.documents:,} documents, {name} "
                f"{ratio:.2f}x (credkit), {f(large.theirs) / f(small.theirs):.2f}x (SQL)"
                + ("" if name == "p95" else f"  {'within' if ratio <= 1.3 else 'NOT within'} 1.3x")
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument(
        "--backends", nargs="+", choices=("sqlite", "postgresql"), default=["sqlite", "postgresql"]
    )
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES)
    parser.add_argument("--samples", type=int, default=300, help="customers timed per size")
    parser.add_argument("--warmup", type=int, default=30, help="profiles run before timing")
    parser.add_argument("--reload", action="store_true", help="load the books again")
    parser.add_argument(
        "--no-check-load", action="store_true", help="skip the bulk-load check on a small book"
    )
    args = parser.parse_args(argv)
    if min(args.sizes) < 100 or args.samples < 2:
        parser.error("--sizes must be at least 100 and --samples at least 2")

    print(
        f"Books: documents/{DOCS_PER_CUSTOMER} customers, lognormal sizes (sigma {SIZE_SIGMA}), "
        f"{START} to {END}, seed {SEED}; profiles as of the last {AS_OF_DAYS} days"
    )
    begun, load = time.perf_counter(), _load()
    problems: list[str] = []
    results: list[Result] = []
    with tempfile.TemporaryDirectory() as folder:
        if not args.no_check_load:
            for backend in args.backends:
                need = args.reload or any(
                    cached(open_plain(backend, size, args.postgres_url), size) is None
                    for size in args.sizes
                )
                if need:
                    print("  " + check_load(args.postgres_url, backend, Path(folder)))
        for backend in args.backends:
            stores: dict[int, SQLStore] = {}
            runs: dict[int, Result] = {}
            for size in sorted(set(args.sizes)):
                stores[size], how = open_store(backend, size, args.postgres_url, args.reload)
                customers = stores[size].counts()["customers"]
                runs[size] = Result(backend, size, customers)
                print(
                    f"  {backend}, {size:,} documents and {customers:,} customers "
                    f"(prefix {stores[size].tables.prefix}): {how}"
                )
            problems += measure(stores, runs, args.samples, args.warmup)
            results += runs.values()
            for store in stores.values():
                store.dispose()
    report(results, args.samples)
    if problems:
        print("MISMATCH:", *problems[:20], sep="\n  ")
        return 1
    print(
        "  same figures: every profile agrees with the hand-written SQL, and every size "
        f"gives the same profiles; {time.perf_counter() - begun:.0f} s in all "
        f"(load average {load} at the start, {_load()} at the end, {os.cpu_count()} CPUs)"
    )
    return 0


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def open_plain(backend: str, documents: int, url: str) -> SQLStore:
    """The store of the book of ``documents`` (loaded or not)."""
    label = _label(documents)
    if backend == "sqlite":
        CACHE.mkdir(parents=True, exist_ok=True)
        return SQLStore(f"sqlite:///{CACHE / f'store-{label}.db'}", prefix=f"bench{label}_")
    return SQLStore(url, prefix=f"bench{label}_")


if __name__ == "__main__":
    sys.exit(main())
