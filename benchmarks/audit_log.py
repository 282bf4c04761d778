"""A credit check as its customer's audit log grows: with and without migration 0007's index.

Every ``CreditDesk.check_order`` reads the head of its customer's hash chain (the
latest audit entry) to append its decision. Up to schema 0006 the audit table had only
the chain's unique key, ``(customer_id, previous_hash)``, so the head was found by
sorting all of the customer's entries (SQLite, MariaDB), or by walking the whole log
backwards from its newest entry until one of the customer's turned up (PostgreSQL's
plan): a check grew slower with every decision its customer (or, on PostgreSQL, every
other customer) had logged since. Migration 0007 adds an index on ``(customer_id,
sequence)``.

For each backend (SQLite, PostgreSQL) and each log size (default 2,000 and 20,000
entries of one busy customer, with five times as many of 500 other customers
interleaved, written through ``unit.append``), the script builds one store at the
newest schema, then times ``check_order`` in the same run on two sides:

* **0007**: the store as built, with the index;
* **without the index**: the same tables after ``DROP INDEX <prefix>audit_by_customer``,
  that is the audit table of schema 0006 (the baseline);

for two kinds of customer: the busy one (its log is large) and quiet ones, each with
one entry at the very beginning of the log (on PostgreSQL's old plan the whole log lies
between that entry and the newest), each checked once. Each side checks 200 orders of
each kind (fresh ids; the sides take turns twice, the index dropped and made again
between them, after 20 untimed checks of a customer of its own), and the script
prints the best of the two median milliseconds per check, the ratio without / with the
index, and the ratio of the larger log to the smaller one (with the index it should
be about 1).

    python benchmarks/audit_log.py
    python benchmarks/audit_log.py --backends sqlite --sizes 1000 10000
"""

from __future__ import annotations

import argparse
import datetime
import statistics
import sys
import tempfile
import time
from pathlib import Path

import store as book  # benchmarks/store.py: drop() removes a benchmark's tables

from credkit import Money
from credkit.desk import CreditDesk
from credkit.ledger import Customer, Invoice
from credkit.limits import CreditLimit
from credkit.policy import OrderRequest, Policy, PolicyEntry
from credkit.policy.rules import StaticLimit
from credkit.storage.sql import SQLStore

DAY = datetime.date(2026, 5, 4)
AT = datetime.datetime(2026, 5, 4, 9, 30, tzinfo=datetime.UTC)
POLICY = Policy("audit-bench", version="1", rules=[PolicyEntry(StaticLimit())])
OTHERS = 500
CHECKS = 200
TURNS = (True, False, False, True)  # with the index or without, taking turns
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"


def build(url: str, entries: int) -> SQLStore:
    """A store with the busy customer's ``entries`` audit entries among five times as
    many of other customers, the quiet customers' one entry each first of all."""
    store = SQLStore(url, prefix="bench_audit_")
    book.drop(store)  # as an earlier run may have left them
    store.upgrade()
    quiet = [f"Q{n:04d}" for n in range(CHECKS * len(TURNS))]
    names = ["BUSY", "WARM", *(f"C{n:04d}" for n in range(OTHERS)), *quiet]
    with store.unit() as unit:
        unit.add_customers(
            [Customer(c, f"Customer {c}", country="DE", currency="EUR") for c in names]
        )
        unit.add_documents(
            [
                Invoice(
                    f"INV-{c}",
                    c,
                    DAY - datetime.timedelta(20),
                    DAY + datetime.timedelta(10),
                    Money.of(1000, "EUR"),
                )
                for c in names
            ]
        )
        for c in names:  # a limit the open invoice fills: every check holds, reserving nothing
            unit.add_limit(
                CreditLimit(
                    c,
                    Money.of(1000, "EUR"),
                    currency="EUR",
                    valid_from=DAY - datetime.timedelta(300),
                )
            )
        for c in quiet:
            unit.append(c, "note", {"first": True}, at=AT)
        payload = {"event": "decision", "outcome": "approve", "codes": [], "order_id": ""}
        for n in range(entries * 6):  # one in six is the busy customer's
            owner = "BUSY" if n % 6 == 0 else names[2 + n % OTHERS]
            unit.append(owner, "decision", {**payload, "order_id": f"OLD-{n}"}, at=AT)
    if store.backend == "postgresql":
        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.exec_driver_sql(f"VACUUM ANALYZE {store.tables.audit.name}")
    return store


def index(store: SQLStore, present: bool) -> None:
    """Make or drop migration 0007's index, as the schema module defines it."""
    name = f"{store.tables.prefix}audit_by_customer"
    (by_customer,) = [i for i in store.tables.audit.indexes if i.name == name]
    with store.engine.begin() as connection:
        if present:
            by_customer.create(connection)
        else:
            by_customer.drop(connection)
        if store.backend == "postgresql":
            connection.exec_driver_sql(f"ANALYZE {store.tables.audit.name}")


def time_checks(desk: CreditDesk, customers: list[str], tag: str) -> list[float]:
    times = []
    for n, customer in enumerate(customers):
        order = OrderRequest(
            f"{tag}-{customer}-{n}", Money.of(10, "EUR"), order_date=DAY, customer_id=customer
        )
        started = time.perf_counter()
        desk.check_order(order, as_of=DAY)
        times.append(time.perf_counter() - started)
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--backends", nargs="+", choices=["sqlite", "postgresql"], default=["sqlite", "postgresql"]
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[2_000, 20_000])
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES)
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="credkit-audit-bench-"))
    medians: dict[tuple[str, int, str, str], float] = {}
    print(f"{CHECKS} checks per customer and side; {OTHERS} other customers; median ms per check")
    print(
        "| backend | busy customer's entries | log | customer | 0007 | without the index | ratio |"
    )
    print("|---|---:|---:|---|---:|---:|---:|")
    for backend in args.backends:
        for size in args.sizes:
            url = (
                f"sqlite:///{folder / f'audit-{size}.db'}"
                if backend == "sqlite"
                else args.postgres_url
            )
            store = build(url, size)
            desk = CreditDesk(store, POLICY)
            logged = store.counts()["audit"]
            for customer in ("BUSY", "QUIET"):
                for turn, present in enumerate(TURNS):
                    if turn and present != TURNS[turn - 1]:
                        index(store, present)
                    side = "0007" if present else "without"
                    time_checks(desk, ["WARM"] * 20, f"W{turn}{customer}")
                    if customer == "BUSY":
                        customers = ["BUSY"] * CHECKS
                    else:
                        customers = [f"Q{n:04d}" for n in range(turn * CHECKS, (turn + 1) * CHECKS)]
                    found = time_checks(desk, customers, f"T{turn}")
                    medians[backend, size, customer, side] = min(
                        medians.get((backend, size, customer, side), float("inf")),
                        statistics.median(found),
                    )
                with_index = medians[backend, size, customer, "0007"] * 1000
                without = medians[backend, size, customer, "without"] * 1000
                print(
                    f"| {backend} | {size:,} | {logged:,} | {customer.lower()} | "
                    f"{with_index:.2f} | {without:.2f} | {without / with_index:.2f} |"
                )
            book.drop(store)
    if len(args.sizes) > 1:
        small, large = min(args.sizes), max(args.sizes)
        print(f"\nlarger log / smaller log ({large:,} / {small:,} entries of the busy customer):")
        for backend in args.backends:
            for customer in ("BUSY", "QUIET"):
                for side in ("0007", "without"):
                    ratio = (
                        medians[backend, large, customer, side]
                        / medians[backend, small, customer, side]
                    )
                    print(f"  {backend} {customer.lower():5} {side:8} {ratio:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
