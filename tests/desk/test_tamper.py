"""Tampering with the audit log in the database is found by ``CreditDesk.verify_log``.

Each test writes a small history through the desk, then changes the audit table
behind its back with plain SQL (as someone with database access could) and checks
that verification fails and names the first bad entry.
"""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from tests.desk.conftest import DAY, book, desk, order
from tests.storage.conftest import empty_sql_store, server_url

from credkit.desk import CreditDesk
from credkit.errors import PermissionDenied, StorageError
from credkit.storage.records import chain_hash
from credkit.storage.sql import SQLStore


@pytest.fixture(params=["sqlite", "postgresql"])
def history(request: pytest.FixtureRequest, tmp_path: object) -> tuple[SQLStore, CreditDesk]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/tamper.db"
    else:
        url = server_url(request.param)
    store = empty_sql_store(url, prefix="credkit_tamper_")
    book(store, {"C1": 1000, "C2": 1000})
    d = desk(store)
    for n, (customer, amount) in enumerate(
        [("C1", 400), ("C2", 100), ("C1", 500), ("C1", 300), ("C2", 200)]
    ):
        d.check_order(order(f"SO-{n}", customer, amount), as_of=DAY)
    d.order_cancelled("SO-0", as_of=DAY)
    assert d.verify_log() == 6
    return store, d


def _rows(store: SQLStore) -> list[sa.Row[object]]:
    audit = store.tables.audit
    with store.engine.connect() as connection:
        query = sa.select(audit).where(audit.c.customer_id == "C1").order_by(audit.c.sequence)
        return list(connection.execute(query))


def _update(store: SQLStore, sequence: int, **values: object) -> None:
    audit = store.tables.audit
    with store.engine.begin() as connection:
        connection.execute(sa.update(audit).where(audit.c.sequence == sequence).values(**values))


def test_an_edited_amount_is_found(history: tuple[SQLStore, CreditDesk]) -> None:
    store, d = history
    row = _rows(store)[1]
    payload = json.loads(row.payload)
    payload["order"]["amount"]["amount"] = "5.00"
    _update(store, row.sequence, payload=json.dumps(payload, sort_keys=True))
    with pytest.raises(StorageError, match=f"audit entry {row.sequence}: .*was changed"):
        d.verify_log()


@pytest.mark.parametrize("which", [0, 1, -1])
def test_a_deleted_entry_is_found_even_the_last(
    history: tuple[SQLStore, CreditDesk], which: int
) -> None:
    store, d = history
    row = _rows(store)[which]
    audit = store.tables.audit
    with store.engine.begin() as connection:
        connection.execute(sa.delete(audit).where(audit.c.sequence == row.sequence))
    with pytest.raises(StorageError, match=r"removed or reordered|deleted or inserted"):
        d.verify_log()


def test_two_swapped_entries_are_found(history: tuple[SQLStore, CreditDesk]) -> None:
    store, d = history
    first, second = _rows(store)[1:3]

    def content(row: sa.Row[object]) -> dict[str, object]:
        return {c: getattr(row, c) for c in ("at", "kind", "payload", "previous_hash", "hash")}

    # swap the two rows' contents, keeping their sequence numbers; the chain's unique
    # (customer, previous hash) needs a placeholder while both rows change
    _update(store, first.sequence, **{**content(second), "previous_hash": "placeholder"})
    _update(store, second.sequence, **content(first))
    _update(store, first.sequence, previous_hash=second.previous_hash)
    with pytest.raises(StorageError, match=f"audit entry {first.sequence}"):
        d.verify_log()


def test_a_forged_entry_is_found_even_with_a_correct_hash(
    history: tuple[SQLStore, CreditDesk],
) -> None:
    store, d = history
    last = _rows(store)[-1]
    payload = {"event": "release", "order_id": "SO-3", "user": "mallory"}
    at = "2026-05-04T10:00:00+00:00"
    content = {"customer_id": "C1", "at": at, "kind": "release", "payload": payload}
    forged = chain_hash(last.hash, content)
    audit = store.tables.audit
    with store.engine.begin() as connection:
        connection.execute(
            sa.insert(audit).values(
                customer_id="C1",
                at=at,
                kind="release",
                payload=json.dumps(payload),
                previous_hash=last.hash,
                hash=forged,
            )
        )
    # the chain itself is consistent, but the order's record points to another entry
    with pytest.raises(StorageError, match="order 'SO-3' was last decided in entry"):
        d.verify_log()


def test_an_unreadable_entry_is_named(history: tuple[SQLStore, CreditDesk]) -> None:
    store, d = history
    row = _rows(store)[2]
    _update(store, row.sequence, payload="{not json")
    with pytest.raises(StorageError, match=f"audit entry {row.sequence}: cannot be read back"):
        d.verify_log()


def test_a_deleted_trailing_entry_that_no_order_points_to_is_found_after_an_anchor(
    history: tuple[SQLStore, CreditDesk],
) -> None:
    store, d = history
    with pytest.raises(PermissionDenied):
        d.release("SO-3", users="nobody", reason="x", as_of=DAY)  # a denied attempt, logged
    d.anchor(user="nightly")
    denied = _rows(store)[-1]
    assert denied.kind == "denied"
    audit = store.tables.audit
    with store.engine.begin() as connection:
        connection.execute(sa.delete(audit).where(audit.c.sequence == denied.sequence))
    with pytest.raises(StorageError, match=f"entry {denied.sequence}, anchored in desk entry"):
        d.verify_log()
