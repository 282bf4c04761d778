"""The desk's central promise under load: approved exposure never exceeds the limit in force.

16 workers (threads on MemoryStore and SQLite, processes on PostgreSQL and MariaDB)
check 1,600 orders against tight limits of a few customers, two of them in a credit
group. Afterwards every customer's approved exposure is recomputed from the audit
log and held against its limit (and the group's against the group limit), every
order has exactly one decision, every reservation belongs to an approved order and
every approved order has its reservation, and the log verifies. The counts of
orders, approvals and retries are printed (``pytest -s`` shows them).
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

import pytest
from tests.desk.conftest import DAY, POLICY, book, order
from tests.storage.conftest import empty_sql_store, server_url

from credkit import Money
from credkit.desk import CreditDesk
from credkit.policy import OrderRequest
from credkit.storage import MemoryStore, OrderStatus, Store
from credkit.storage.sql import SQLStore

WORKERS = 16
ORDERS = 1600
LIMITS: dict[str, int | None] = {"G": 20000, "G-1": 9000, "G-2": 9000, "A": 6000, "B": 3000}
PARENTS = {"G-1": "G", "G-2": "G"}
GROUP = ("G", "G-1", "G-2")


def _orders() -> list[OrderRequest]:
    draw = random.Random(17)
    customers = list(LIMITS)
    return [
        order(f"SO-{n:05d}", draw.choice(customers), f"{draw.randint(5000, 90000) / 100:.2f}")
        for n in range(ORDERS)
    ]


def _chunks(orders: Sequence[OrderRequest]) -> list[list[OrderRequest]]:
    return [list(orders[n::WORKERS]) for n in range(WORKERS)]


def _check_all(desk: CreditDesk, orders: Sequence[OrderRequest]) -> int:
    for each in orders:
        desk.check_order(each, as_of=DAY)
    return desk.conflicts


def _in_process(url: str, prefix: str, orders: list[OrderRequest]) -> int:
    """A worker process: its own connection pool, its own desk."""
    store = SQLStore(url, prefix=prefix)
    try:
        return _check_all(CreditDesk(store, POLICY, attempts=100), orders)
    finally:
        store.dispose()


def _with_threads(store: Store, orders: list[OrderRequest]) -> int:
    desk = CreditDesk(store, POLICY, attempts=100)
    errors: list[BaseException] = []

    def work(chunk: list[OrderRequest]) -> None:
        try:
            _check_all(desk, chunk)
        except BaseException as error:  # reported by the main thread
            errors.append(error)

    threads = [threading.Thread(target=work, args=(chunk,)) for chunk in _chunks(orders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors[:3]
    return desk.conflicts


def _with_processes(url: str, prefix: str, orders: list[OrderRequest]) -> int:
    with ProcessPoolExecutor(WORKERS, mp_context=get_context("spawn")) as pool:
        futures = [pool.submit(_in_process, url, prefix, chunk) for chunk in _chunks(orders)]
        return sum(future.result() for future in futures)


def _prove(store: Store, orders: list[OrderRequest], retries: int, backend: str) -> None:
    amounts = {o.order_id: o.amount for o in orders}
    decisions: Counter[str] = Counter()
    approved: dict[str, Money] = {c: Money.zero("EUR") for c in LIMITS}
    approved_ids: set[str] = set()
    with store.unit() as unit:
        for customer_id in LIMITS:
            for entry in unit.audit_log(customer_id):
                assert entry.kind == "decision", entry
                order_id = entry.payload["order_id"]
                decisions[order_id] += 1
                if entry.payload["outcome"] == "approve":
                    approved[customer_id] += amounts[order_id]
                    approved_ids.add(order_id)
            reserved = {r.order_id: r.amount for r in unit.reservations(customer_id)}
            records = {r.order_id: r for r in unit.orders(customer_id)}
            mine = {i for i in approved_ids if records.get(i) is not None}
            assert set(reserved) == {
                i for i, r in records.items() if r.status is OrderStatus.APPROVED
            }, f"{customer_id}: reservations and approved orders differ"
            assert set(reserved) == mine
            assert all(reserved[i] == amounts[i] for i in reserved)
    assert set(decisions) == set(amounts), "an order has no decision"
    assert set(decisions.values()) == {1}, "an order was decided twice"
    for customer_id, cap in LIMITS.items():
        assert cap is not None
        assert approved[customer_id] <= Money.of(cap, "EUR"), (customer_id, approved[customer_id])
    group = sum((approved[c] for c in GROUP), Money.zero("EUR"))
    assert group <= Money.of(LIMITS["G"] or 0, "EUR"), group
    # tight limits: most of the room is taken, and most orders do not fit
    assert len(approved_ids) < ORDERS // 4
    assert CreditDesk(store, POLICY).verify_log() == ORDERS
    print(
        f"\n{backend}: {ORDERS} orders by {WORKERS} workers, {len(approved_ids)} approved, "
        f"{ORDERS - len(approved_ids)} held, {retries} retries after conflicts; "
        f"group exposure {group} of {LIMITS['G']} EUR"
    )


@pytest.mark.parametrize("backend", ["memory", "sqlite", "postgresql", "mariadb"])
def test_approved_exposure_never_exceeds_the_limit_under_load(
    backend: str, tmp_path: object
) -> None:
    orders = _orders()
    if backend == "memory":
        store: Store = MemoryStore()
        book(store, LIMITS, PARENTS)
        retries = _with_threads(store, orders)
    elif backend == "sqlite":
        store = empty_sql_store(f"sqlite:///{tmp_path}/load.db", prefix="credkit_load_")
        book(store, LIMITS, PARENTS)
        retries = _with_threads(store, orders)
    else:
        url = server_url(backend)
        store = empty_sql_store(url, prefix="credkit_load_")
        book(store, LIMITS, PARENTS)
        retries = _with_processes(url, store.tables.prefix, orders)
    _prove(store, orders, retries, backend)
