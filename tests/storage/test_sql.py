"""SQLStore beyond the kit: migrations, prefixes and schemas beside a host's tables, errors."""

from __future__ import annotations

import datetime
import threading
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from tests.storage.conftest import drop_tables, own, server_url

from credkit import Money
from credkit.dunning import Channel, DunningRecord
from credkit.errors import ConflictError, StorageError, ValidationError
from credkit.ledger import Allocation, Customer, Invoice, Payment
from credkit.limits import CreditLimit
from credkit.storage import BureauEntry, Reservation, Snapshot, Unit, atomic, verify_chain
from credkit.storage.sql import HEAD, SQLStore

BACKENDS = ["sqlite", "postgresql", "mariadb"]
ACME = Customer("C1", "Acme", country="DE", currency="EUR")


def _url(backend: str, tmp_path: object) -> str:
    return f"sqlite:///{tmp_path}/store.db" if backend == "sqlite" else server_url(backend)


_drop = drop_tables


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_newest_migration_builds_exactly_the_schema_module(
    backend: str, tmp_path: object
) -> None:
    store = SQLStore(_url(backend, tmp_path), prefix=own("credkit_m_"))
    _drop(store)
    assert store.version() is None
    assert store.upgrade() == HEAD
    assert store.upgrade() == HEAD  # again: nothing to do
    with store.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "include_name": lambda name, kind, _: (
                    kind != "table"
                    or (
                        (name or "").startswith("credkit_m_") and name != store.tables.version_table
                    )
                ),
                "compare_type": True,
            },
        )
        differences = compare_metadata(context, store.tables.metadata)
    assert differences == []
    _drop(store)
    store.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_credkit_tables_live_beside_the_host_s_own(backend: str, tmp_path: object) -> None:
    url = _url(backend, tmp_path)
    host = sa.MetaData()
    orders = sa.Table("host_orders", host, sa.Column("id", sa.Integer, primary_key=True))
    host_version = sa.Table("alembic_version", host, sa.Column("version_num", sa.String(32)))
    engine = sa.create_engine(SQLStore(url).url)
    host.drop_all(engine)
    host.create_all(engine)
    with engine.begin() as connection:
        connection.execute(sa.insert(orders).values(id=7))
        connection.execute(sa.insert(host_version).values(version_num="host-42"))
    store = SQLStore(url, prefix=own("credkit_h_"))
    _drop(store)
    store.upgrade()
    with engine.connect() as connection:
        assert connection.execute(sa.select(host_version.c.version_num)).scalars().all() == [
            "host-42"
        ]
        assert connection.execute(sa.select(orders.c.id)).scalars().all() == [7]
        names = set(sa.inspect(connection).get_table_names())
    assert f"{store.tables.prefix}alembic_version" in names
    assert {t.name for t in store.tables.record_tables} <= names
    _drop(store)
    host.drop_all(engine)
    engine.dispose()
    store.dispose()


def test_postgresql_tables_can_live_in_a_schema_of_their_own() -> None:
    url = server_url("postgresql")
    schema = own("credkit_test_schema")
    store = SQLStore(url, prefix="", schema=schema)
    with store.engine.begin() as connection:
        connection.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
    assert store.upgrade() == HEAD
    with store.unit() as unit:
        assert unit.add_customers([ACME]) == 1
    with store.engine.connect() as connection:
        tables = sa.inspect(connection).get_table_names(schema=schema)
    assert {"customers", "documents", "alembic_version"} <= set(tables)
    with store.engine.begin() as connection:
        connection.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
    store.dispose()


def test_a_store_refuses_a_database_at_another_version(tmp_path: object) -> None:
    store = SQLStore(f"sqlite:///{tmp_path}/old.db")
    with pytest.raises(StorageError, match=r"no credkit schema.*credkit db upgrade"):
        store.counts()
    with pytest.raises(StorageError, match=f"needs version {HEAD}"), store.unit():
        pass
    store.upgrade()
    assert store.counts()["customers"] == 0
    store.dispose()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("oracle://scott@db/orcl", "backend 'oracle' is not supported"),
        ("not a url", "is not a database URL"),
    ],
)
def test_bad_urls_are_refused_with_what_is_accepted(url: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        SQLStore(url)


@pytest.mark.parametrize(("prefix", "schema"), [("bad-prefix", None), ("ok_", "drop table;")])
def test_prefixes_and_schemas_are_plain_names(prefix: str, schema: str | None) -> None:
    with pytest.raises(ValidationError, match="is not a plain SQL name"):
        SQLStore("sqlite://", prefix=prefix, schema=schema)


def test_an_sqlite_unit_that_cannot_get_the_lock_is_a_conflict_and_atomic_retries(
    tmp_path: object,
) -> None:
    url = f"sqlite:///{tmp_path}/busy.db"
    store = SQLStore(url, lock_timeout=0.05)
    store.upgrade()
    with store.unit() as unit:
        unit.add_customers([ACME])
    holding = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with store.unit("C1"):
            holding.set()
            release.wait(5)

    holder = threading.Thread(target=hold)
    holder.start()
    holding.wait(5)
    with pytest.raises(ConflictError, match="nothing was written"), store.unit("C1") as unit:
        unit.reserve(
            Reservation("SO-1", "C1", Money.of(1, "EUR"), reserved_on=datetime.date(2026, 1, 1))
        )
    threading.Timer(0.2, release.set).start()
    order = Reservation("SO-2", "C1", Money.of(2, "EUR"), reserved_on=datetime.date(2026, 1, 1))
    assert atomic(store, lambda unit: unit.reserve(order), "C1", attempts=40, pause=0.05) is None
    holder.join()
    with store.unit("C1") as unit:
        assert unit.reservations("C1") == (order,)
    store.dispose()


def test_units_do_not_nest(tmp_path: object) -> None:
    store = SQLStore(f"sqlite:///{tmp_path}/nest.db")
    store.upgrade()
    with store.unit(), pytest.raises(StorageError, match="units do not nest"), store.unit():
        pass
    store.dispose()


def test_amounts_beyond_a_64_bit_column_are_refused(tmp_path: object) -> None:
    store = SQLStore(f"sqlite:///{tmp_path}/big.db")
    store.upgrade()
    huge = Invoice(
        "I1",
        "C1",
        datetime.date(2026, 1, 1),
        datetime.date(2026, 1, 2),
        Money.of("100000000000000000", "EUR"),
    )

    def load(unit: Unit) -> None:
        unit.add_customers([ACME])
        unit.add_documents([huge])

    with pytest.raises(
        ValidationError, match=r"documents\[0\].amount: .* beyond what a store keeps"
    ):
        atomic(store, load)
    assert store.counts()["customers"] == 0
    store.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_bureau_report_larger_than_a_mysql_text_column_round_trips(
    backend: str, tmp_path: object
) -> None:
    store = SQLStore(_url(backend, tmp_path), prefix=own("credkit_big_"))
    _drop(store)
    store.upgrade()
    at = datetime.datetime(2026, 5, 4, 9, 30, tzinfo=datetime.UTC)
    report = BureauEntry("dnb", "DE-1", at, payload={"filing": "x" * 200_000, "é": "ü"})
    with store.unit() as unit:
        assert unit.cache_report(report)
    with store.unit() as unit:
        assert unit.cached_report("dnb", "DE-1") == report
    _drop(store)
    store.dispose()


def test_unreachable_databases_and_unknown_versions_are_storage_errors(tmp_path: object) -> None:
    missing = SQLStore(f"sqlite:///{tmp_path}/no/such/folder/credkit.db")
    with pytest.raises(StorageError, match="unable to open database file"):
        missing.version()
    store = SQLStore(f"sqlite:///{tmp_path}/store.db")
    with pytest.raises(StorageError, match="9999"):
        store.upgrade("9999")
    store.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_what_a_unit_reads_ahead_never_hides_its_own_writes(backend: str, tmp_path: object) -> None:
    """A held customer's records, read in one statement with the snapshot (issue 17), are
    kept for the unit: each write of the unit must show in the reads after it, and the
    audit chain must continue from the head read ahead."""
    store = SQLStore(_url(backend, tmp_path), prefix=own("credkit_ahead_"))
    _drop(store)
    store.upgrade()
    day = datetime.date(2026, 5, 4)
    at = datetime.datetime(2026, 5, 4, 9, tzinfo=datetime.UTC)
    parent = Customer("P1", "Parent", country="DE", currency="EUR")
    child = Customer("C1", "Child", country="DE", currency="EUR", parent_id="P1")
    with store.unit() as unit:
        unit.add_customers([parent, child])
    with store.unit("C1") as unit:
        unit.append("C1", "note", {"n": 1}, at=at)
    limit = CreditLimit("C1", Money.of(900, "EUR"), currency="EUR", valid_from=day)
    snapshot = Snapshot("C1", as_of=day, score=600)
    sent = DunningRecord("C1", ("I1",), level=1, on=day, channel=Channel.EMAIL)
    with store.unit("C1") as unit:
        assert unit.snapshot("C1", as_of=day) is None  # reads the rest ahead
        assert unit.limits("C1") == ()
        assert unit.reservations("P1") == ()
        assert unit.watching("C1") is None
        assert unit.dunning_history("C1").records == ()
        assert unit.add_limit(limit)
        assert unit.limits("C1") == (limit,)
        reserved = Reservation("SO-1", "P1", Money.of(100, "EUR"), reserved_on=day)
        unit.reserve(reserved)
        assert unit.reservations("P1") == (reserved,)
        assert unit.release("SO-1") == reserved
        assert unit.reservations("P1") == ()
        assert unit.watch("C1", "late", by="olga", at=at)
        assert unit.watching("C1") is not None
        assert unit.unwatch("C1") is not None
        assert unit.watching("C1") is None
        assert unit.record_dunning([sent]) == 1
        assert unit.dunning_history("C1").records == (sent,)
        assert unit.put_snapshot(snapshot)
        assert unit.snapshot("C1", as_of=day) == snapshot
        unit.append("C1", "note", {"n": 2}, at=at)
        unit.append("C1", "note", {"n": 3}, at=at)
    with store.unit("C1") as unit:
        assert verify_chain(unit.audit_log("C1")) == 3
        assert unit.limits("C1") == (limit,)
        assert unit.snapshot("C1", as_of=day) == snapshot
    _drop(store)
    store.dispose()


_OWN_ID = {"postgresql": "SELECT pg_backend_pid()", "mariadb": "SELECT CONNECTION_ID()"}
_KILL = {"postgresql": "SELECT pg_terminate_backend({})", "mariadb": "KILL {}"}


@pytest.mark.parametrize("rested", [False, True], ids=["in-use", "rested"])
@pytest.mark.parametrize("backend", ["postgresql", "mariadb"])
def test_a_connection_the_server_closed_is_replaced_and_nothing_is_lost(
    backend: str, rested: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pooled connections are not tested at every checkout (a round trip per unit, issue
    17): one in steady use that the server closed fails at the unit's lock, which is a
    conflict that atomic() runs again on a new connection; one that rested is tested
    at checkout and replaced before the unit starts."""
    store = SQLStore(server_url(backend), prefix=own("credkit_drop_"))
    _drop(store)
    store.upgrade()
    with store.unit() as unit:
        unit.add_customers([ACME])
    with store.unit("C1") as unit:
        own_id = unit.connection.exec_driver_sql(_OWN_ID[backend]).scalar_one()
    killer = sa.create_engine(store.url)
    with killer.connect() as connection:
        connection.exec_driver_sql(_KILL[backend].format(int(own_id)))
        connection.commit()
    killer.dispose()
    if rested:
        monkeypatch.setattr("credkit.storage.sql.store._IDLE_PING", 0.0)
    conflicts: list[ConflictError] = []
    assert atomic(
        store, lambda unit: unit.customer("C1").name, "C1", on_conflict=conflicts.append
    ) == ("Acme")
    if rested:
        assert conflicts == []
    else:
        assert len(conflicts) == 1
        assert "was closed" in str(conflicts[0])
        assert "nothing was written, retry" in str(conflicts[0])
    with store.unit("C1") as unit:  # the pool holds working connections again
        assert unit.customer("C1") == ACME
    _drop(store)
    store.dispose()


@pytest.mark.parametrize("prefix", ["credkit_", "acme_credit_records_"])
def test_what_a_check_reads_fits_psycopg_s_cache_of_parsed_statements(prefix: str) -> None:
    """psycopg parses a statement's text again at every run when it is longer than its
    cache takes (4,096 characters): 0.1-0.2 ms per order on the desk (issue 17)."""
    from psycopg import _queries
    from sqlalchemy.dialects import postgresql

    from credkit.storage.sql.schema import Schema
    from credkit.storage.sql.store import _check_reads

    text = str(_check_reads(Schema(prefix=prefix)).compile(dialect=postgresql.dialect()))
    assert "g.id" in text  # the statement with the group's members
    assert "'i'" in text  # and its open items
    assert len(text) <= _queries.MAX_CACHED_STATEMENT_LENGTH


def test_an_invoice_row_changed_to_have_no_due_date_is_reported(tmp_path: object) -> None:
    store = SQLStore(_url("sqlite", tmp_path))
    store.upgrade()
    day = datetime.date(2026, 5, 4)
    with store.unit() as unit:
        unit.add_customers([ACME])
        unit.add_documents([Invoice("I1", "C1", day, day, Money.of(100, "EUR"))])
    with store.engine.begin() as connection:
        connection.execute(sa.update(store.tables.documents).values(due_date=None))
    with store.unit("C1") as unit, pytest.raises(StorageError) as raised:
        unit.open_items("C1", as_of=day)
    assert str(raised.value) == (
        "documents.due_date: invoice 'I1' has none; every stored invoice has a due date, "
        "so the row was changed outside credkit"
    )
    with store.unit("C1") as unit, pytest.raises(StorageError, match="'I1' has none"):
        unit.prefetch_check("C1", order_id="SO-1", as_of=day)
    store.dispose()


def test_an_sqlite_check_reads_the_group_with_everything_else_in_one_statement(
    tmp_path: object,
) -> None:
    """On SQLite the unit's ``BEGIN IMMEDIATE`` holds the whole database, so the lock
    reads nothing and the check's one statement brings the group's customer rows too
    (issue 17): a desk check of an approved order sends one SELECT, then its writes."""
    from credkit.desk import CreditDesk
    from credkit.policy import OrderRequest, Policy, PolicyEntry
    from credkit.policy.rules import GroupLimit, StaticLimit

    store = SQLStore(_url("sqlite", tmp_path))
    store.upgrade()
    day = datetime.date(2026, 5, 4)
    parent = Customer("P1", "Parent", country="DE", currency="EUR", industry="Tools")
    child = Customer("C1", "Child", country="DE", currency="EUR", parent_id="P1", tags=["vip"])
    with store.unit() as unit:
        unit.add_customers([parent, child])
        for customer_id in ("P1", "C1"):
            limit = CreditLimit(customer_id, Money.of(1000, "EUR"), currency="EUR", valid_from=day)
            unit.add_limit(limit)
        unit.add_documents([Invoice("I1", "C1", day, day, Money.of(300, "EUR"))])
    policy = Policy("p", version="1", rules=[PolicyEntry(StaticLimit()), PolicyEntry(GroupLimit())])
    desk = CreditDesk(store, policy)
    sent: list[str] = []

    def record(statement: str) -> None:
        sent.append(statement.split(None, 1)[0].upper())

    def trace(dbapi_connection: Any, *_: object) -> None:  # what SQLite itself runs
        dbapi_connection.set_trace_callback(record)

    store.dispose()
    sa.event.listen(store.engine, "connect", trace)
    order = OrderRequest("SO-1", Money.of(600, "EUR"), order_date=day, customer_id="C1")
    decision = desk.check_order(order, as_of=day)
    store.dispose()
    sa.event.remove(store.engine, "connect", trace)
    assert decision.outcome.value == "approve"
    assert sent.count("SELECT") + sent.count("WITH") == 1
    assert sent.count("INSERT") == 3  # the reservation, the audit entry, the order record
    assert sent.count("BEGIN") == sent.count("COMMIT") == 1
    over = OrderRequest("SO-2", Money.of(200, "EUR"), order_date=day, customer_id="C1")
    assert desk.check_order(over, as_of=day).outcome.value != "approve"  # 300 + 600 + 200
    with store.unit("C1") as unit:
        unit.prefetch_check("C1", order_id="SO-3", as_of=day)
        assert unit.group("C1") == (parent, child)
    store.dispose()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_desk_check_runs_its_statements_on_the_driver_s_cursor_unless_the_host_watches(
    backend: str, tmp_path: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLAlchemy's execution layer cost as much CPU as psycopg's for the check's
    statements (issue 17): a desk check sends them on the driver's own cursor, and
    decides, reserves and logs as when SQLAlchemy runs them. A host that watches
    SQLAlchemy's statements (a cursor event listener, ``echo``) sees every one."""
    from credkit.desk import CreditDesk
    from credkit.policy import OrderRequest, Policy, PolicyEntry
    from credkit.policy.rules import GroupLimit, StaticLimit
    from credkit.storage.sql import SQLUnit

    store = SQLStore(_url(backend, tmp_path), prefix=own("credkit_fast_"))
    _drop(store)
    store.upgrade()
    day = datetime.date(2026, 2, 28)
    with store.unit() as unit:
        unit.add_customers([ACME])
        unit.add_limit(CreditLimit("C1", Money.of(1000, "EUR"), currency="EUR", valid_from=day))
        unit.add_documents([Invoice("I1", "C1", day, day, Money.of(300, "EUR"))])
    policy = Policy("p", version="1", rules=[PolicyEntry(StaticLimit()), PolicyEntry(GroupLimit())])
    desk = CreditDesk(store, policy)
    ran: list[str] = []
    run = SQLUnit._run

    def recorded(unit: SQLUnit, name: str, *args: Any, **values: Any) -> Any:
        ran.append(name)
        return run(unit, name, *args, **values)

    monkeypatch.setattr(SQLUnit, "_run", recorded)
    order = OrderRequest("SO-1", Money.of(600, "EUR"), order_date=day, customer_id="C1")
    assert desk.check_order(order, as_of=day).outcome.value == "approve"
    assert ran == []
    seen: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        seen.append(statement.split(None, 1)[0].upper())

    sa.event.listen(store.engine, "before_cursor_execute", record)
    small = OrderRequest("SO-2", Money.of(1, "EUR"), order_date=day, customer_id="C1")
    assert desk.check_order(small, as_of=day).outcome.value == "approve"
    sa.event.remove(store.engine, "before_cursor_execute", record)
    assert ran != []
    assert seen.count("INSERT") == 3  # the reservation, the audit entry, the order record
    assert seen.count("BEGIN") == (backend == "sqlite")  # SQLite's BEGIN IMMEDIATE
    ran.clear()
    store.engine.echo = True  # logging the statements watches them too
    echoed = OrderRequest("SO-4", Money.of(1, "EUR"), order_date=day, customer_id="C1")
    assert desk.check_order(echoed, as_of=day).outcome.value == "approve"
    store.engine.echo = False
    assert "first check reads" in ran or "check reads" in ran
    with store.unit("C1") as unit:
        assert unit.reservations("C1") == (
            Reservation("SO-1", "C1", Money.of(600, "EUR"), reserved_on=day),
            Reservation("SO-2", "C1", Money.of(1, "EUR"), reserved_on=day),
            Reservation("SO-4", "C1", Money.of(1, "EUR"), reserved_on=day),
        )
        stored = unit.order("SO-1")
        assert stored is not None
        assert stored.entry == unit.audit_log("C1")[0].sequence
    assert desk.verify_log(["C1"]) == 3
    over = OrderRequest("SO-3", Money.of(200, "EUR"), order_date=day, customer_id="C1")
    assert desk.check_order(over, as_of=day).outcome.value != "approve"  # 300 + 602 + 200
    _drop(store)
    store.dispose()


_FAILING = {"sqlite": "SELECT abs(-9223372036854775807 - 1)", "postgresql": "SELECT 1 / 0"}


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_statement_on_the_driver_s_cursor_fails_as_sqlalchemy_s_would(
    backend: str, tmp_path: object
) -> None:
    """The driver's error comes back wrapped as SQLAlchemy wraps it, so that the store
    tells conflicts (retried) from other failures the same way on both paths."""
    store = SQLStore(_url(backend, tmp_path), prefix=own("credkit_fast_"))
    store.upgrade()
    name = f"failing {backend}"

    def build(_: object) -> sa.TextClause:
        return sa.text(_FAILING[backend])

    def on_the_driver(unit: Any) -> None:
        unit._fast(name, build, {})  # raises (returns None where it does not run it)

    def by_sqlalchemy(unit: Any) -> None:
        unit._run(name, build)

    raised = []
    for way in (on_the_driver, by_sqlalchemy):
        with pytest.raises(StorageError) as caught, store.unit() as unit:
            way(unit)
        cause = caught.value.__cause__
        assert isinstance(cause, sa.exc.DBAPIError)
        assert not cause.connection_invalidated
        raised.append((type(cause), str(cause.orig), str(caught.value)))
    assert raised[0] == raised[1]
    with store.unit("C1") as unit:  # the connection is still good
        assert unit.known_customers(["C1"]) == set()
    _drop(store)
    store.dispose()


def test_an_sqlite_check_of_an_unknown_customer_keeps_nothing_and_still_refuses_it(
    tmp_path: object,
) -> None:
    store = SQLStore(_url("sqlite", tmp_path))
    store.upgrade()
    with store.unit() as unit:
        unit.add_customers([ACME])
    day = datetime.date(2026, 5, 4)
    with store.unit("NOPE", "C1") as unit:
        unit.prefetch_check("NOPE", order_id="SO-1", as_of=day)
        with pytest.raises(ValidationError, match="customer_id: unknown customer 'NOPE'"):
            unit.limits("NOPE")
        assert unit.customer("C1") == ACME  # the other customer's group is read when asked
        assert unit.limits("C1") == ()
    store.dispose()


def test_an_sqlite_check_reads_its_lists_in_the_order_of_the_unit_s_own_reads(
    tmp_path: object,
) -> None:
    """The SQLite statement of a first check is unordered (a sort per part cost SQLite
    0.07 ms); the unit orders limits, reservations, dunning records and the group's
    members as its statements of each alone do, whatever order they were written in."""
    from credkit.limits import LimitKind

    store = SQLStore(_url("sqlite", tmp_path))
    store.upgrade()
    day = datetime.date(2026, 5, 4)
    ids = ["P", "b-2", "B-1", "a", "Z\u00e9", "Za"]  # the root first: parents before children
    with store.unit() as unit:
        unit.add_customers(
            Customer(i, i, country="DE", currency="EUR", parent_id=None if i == "P" else "P")
            for i in ids
        )
        for offset, kind in [(9, "internal"), (3, "insured"), (3, "internal"), (20, "insured")]:
            start = day - datetime.timedelta(days=offset)
            unit.add_limit(
                CreditLimit(
                    "a",
                    Money.of(offset, "EUR"),
                    currency="EUR",
                    valid_from=start,
                    kind=LimitKind(kind),
                )
            )
        for order_id, owner in [("SO-9", "a"), ("SO-10", "Za"), ("so-1", "a"), ("SO-2", "a")]:
            unit.reserve(Reservation(order_id, owner, Money.of(5, "EUR"), reserved_on=day))
        unit.record_dunning(
            DunningRecord("a", (f"I{level}",), level=level, on=day, channel=Channel.EMAIL)
            for level in (3, 1, 2)
        )

    def reads(prefetch: bool) -> list[object]:
        with store.unit("a") as unit:
            if prefetch:
                unit.prefetch_check("a", order_id="SO-X", as_of=day)
            return [
                unit.group("a"),
                unit.limits("a"),
                [unit.reservations(i) for i in ids],
                unit.dunning_history("a"),
            ]

    plain, prefetched = reads(False), reads(True)
    assert prefetched == plain
    assert [c.id for c in plain[0]] == ["P", *sorted(ids[1:])]  # the root first, then by id
    assert [r.order_id for r in plain[2][ids.index("a")]] == ["SO-2", "SO-9", "so-1"]
    assert [r.level for r in plain[3].records] == [3, 1, 2]  # in the order recorded
    store.dispose()


def _plan(connection: sa.Connection, statement: sa.Executable, values: dict[str, Any]) -> str:
    """What the database says it will do for ``statement`` with ``values``, as one text."""
    dialect = connection.dialect
    explain = "EXPLAIN QUERY PLAN " if dialect.name == "sqlite" else "EXPLAIN "
    compiled = statement.compile(dialect=dialect)
    given = compiled.construct_params(values)
    arguments = (
        tuple(given[k] for k in compiled.positiontup or ()) if compiled.positional else given
    )
    rows = connection.exec_driver_sql(explain + str(compiled), arguments).mappings().all()
    return "\n".join(" ".join(str(value) for value in row.values()) for row in rows)


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_chain_head_is_read_through_an_index_not_by_sorting_the_customer_s_log(
    backend: str, tmp_path: object
) -> None:
    """A check reads its customer's latest audit entry. Without an index on (customer_id,
    sequence) (migration 0007) every database sorted all of the customer's entries for
    it: 3.8 ms for a customer with 15,000 entries on SQLite, against 0.02 ms with it."""
    from credkit.storage.sql.store import _audit_head, _first_check_reads

    store = SQLStore(_url(backend, tmp_path), prefix=own("credkit_head_"))
    _drop(store)
    store.upgrade()
    audit = store.tables.audit
    rows = [
        {
            "customer_id": "C1" if n % 100 == 0 else f"C{n}",  # one entry in a hundred
            "at": "2026-05-04T09:30:00+00:00",
            "kind": "decision",
            "payload": "{}",
            "previous_hash": f"{n:064x}",
            "hash": f"{n + 1:064x}",
        }
        for n in range(3000)
    ]
    with store.engine.begin() as connection:
        connection.execute(sa.insert(audit), rows)
        if backend != "sqlite":  # the server's statistics, as a busy log would have them
            connection.exec_driver_sql(
                f"ANALYZE {'TABLE ' if backend == 'mariadb' else ''}{store.tables.audit.name}"
            )
    with store.engine.connect() as connection:
        plan = _plan(connection, _audit_head(store.tables), {"customer_id": "C1"})
        assert f"{store.tables.prefix}audit_by_customer" in plan, plan
        for sorting in ("TEMP B-TREE", "filesort", "Sort"):  # SQLite, MariaDB, PostgreSQL
            assert sorting not in plan, plan
        latest = connection.execute(_audit_head(store.tables), {"customer_id": "C1"}).scalar()
        assert latest == f"{2900 + 1:064x}"
        if backend == "sqlite":  # the check's own statement reads the head the same way
            values = {"customer_id": "C1", "order_id": "SO-1", "as_of": "2026-05-04"}
            plan = _plan(connection, _first_check_reads(store.tables), values)
            assert f"{store.tables.prefix}audit_by_customer" in plan, plan
            assert "FOR ORDER BY" not in plan, plan
    _drop(store)
    store.dispose()


def test_an_sqlite_check_sums_each_open_document_s_allocations_through_their_indexes(
    tmp_path: object,
) -> None:
    """SQLite's check statement looks each document's allocations up by target (an
    invoice) or by source (a payment, a credit note) instead of grouping the whole
    group's allocations with a temporary B-tree: for the 200 customers with the most
    documents in the desk benchmark's book (up to 221 each) the statement took 0.33 ms
    instead of 0.69 ms (issue 17). The sums are
    those of the unit's own read, partial and later allocations included."""
    from credkit.storage.sql.store import _first_check_reads

    store = SQLStore(_url("sqlite", tmp_path))
    store.upgrade()
    day = datetime.date(2026, 5, 4)
    later = day + datetime.timedelta(days=10)
    eur = "EUR"
    with store.unit() as unit:
        unit.add_customers([ACME])
        unit.add_documents(
            [
                Invoice("I1", "C1", day, day, Money.of(100, eur)),
                Invoice("I2", "C1", day, day, Money.of(50, eur)),
                Payment("P1", "C1", day, Money.of(120, eur)),
                Payment("P2", "C1", later, Money.of(30, eur)),
            ]
        )
        unit.add_allocations(
            [
                Allocation("P1", "I1", Money.of(100, eur), applied_on=day),
                Allocation("P1", "I2", Money.of(15, eur), applied_on=day),
                Allocation("P2", "I2", Money.of(30, eur), applied_on=later),
            ]
        )
    with store.engine.connect() as connection:
        values = {"customer_id": "C1", "order_id": "SO-1", "as_of": day.isoformat()}
        plan = _plan(connection, _first_check_reads(store.tables), values)
    assert "FOR GROUP BY" not in plan, plan
    assert f"{store.tables.prefix}allocations_by_target" in plan, plan
    open_on = {}
    for as_of in (day, later):
        with store.unit("C1") as unit:
            expected = {i.document_id: i.amount for i in unit.open_items("C1", as_of=as_of)}
        with store.unit("C1") as unit:
            unit.prefetch_check("C1", order_id="SO-1", as_of=as_of)
            open_on[as_of] = {i.document_id: i.amount for i in unit.open_items("C1", as_of=as_of)}
        assert open_on[as_of] == expected
    assert open_on[day] == {"I2": Money.of(35, eur), "P1": Money.of(-5, eur)}
    assert open_on[later] == {"I2": Money.of(5, eur), "P1": Money.of(-5, eur)}
    store.dispose()
