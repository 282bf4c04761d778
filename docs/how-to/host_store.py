"""The example of the how-to "Keep credkit's records beside your own tables".

A host application keeps its customers (``partner``), its invoices, refunds and
payments (``account_move``) and what it reconciled (``reconcile``) in its own tables.
:class:`HostUnit` reads and writes those tables for credkit; limits, reservations,
the audit log and credkit's other records stay in credkit's own tables, in the same
transaction. ``tests/storage/test_host_store.py`` runs credkit's conformance kit on it.

--8<-- [start:usage]
>>> import pathlib, tempfile
>>> from datetime import date
>>> import sqlalchemy as sa
>>> from credkit import Money
>>> from credkit.ledger import Allocation, Customer, Invoice, Payment
>>> from credkit.limits import CreditLimit
>>> from credkit.storage import Reservation
>>> from credkit.storage.sql import SQLStore
>>> from host_store import HostUnit, account_move, create_host_tables
>>> url = f"sqlite:///{pathlib.Path(tempfile.mkdtemp()) / 'erp.db'}"
>>> store = SQLStore(url, unit_class=HostUnit)
>>> create_host_tables(store.engine)  # the host's own migrations do this
>>> store.upgrade()  # credkit's migrations: only the tables named credkit_*
'0007'
>>> with store.unit() as unit:
...     unit.add_customers([
...         Customer("ACME", "Acme Holding", country="DE", currency="EUR"),
...         Customer("ACME-FR", "Acme France", country="FR", currency="EUR", parent_id="ACME"),
...     ])
...     unit.add_documents([
...         Invoice("INV/2026/0001", "ACME-FR", date(2026, 1, 5), date(2026, 2, 4), Money.of("1190.00", "EUR")),
...         Payment("BNK1/2026/0007", "ACME-FR", date(2026, 2, 3), Money.of("500.00", "EUR")),
...     ])
...     unit.add_allocations([
...         Allocation("BNK1/2026/0007", "INV/2026/0001", Money.of("500.00", "EUR"), date(2026, 2, 3)),
...     ])
2
2
1
>>> with store.engine.connect() as connection:
...     connection.execute(
...         sa.select(account_move.c.name, account_move.c.move_type, account_move.c.amount_minor)
...         .order_by(account_move.c.name)
...     ).all()
[('BNK1/2026/0007', 'inbound_payment', 50000), ('INV/2026/0001', 'out_invoice', 119000)]
>>> with store.unit("ACME-FR") as unit:
...     unit.add_limit(CreditLimit("ACME-FR", Money.of(2000, "EUR"), currency="EUR", valid_from=date(2026, 1, 1)))
...     unit.reserve(Reservation("SO-0042", "ACME-FR", Money.of(800, "EUR"), reserved_on=date(2026, 2, 10)))
...     ledger = unit.ledger("ACME-FR", as_of=date(2026, 2, 10))
True
>>> [customer.id for customer in ledger.customers], ledger.balance(date(2026, 2, 10))
(['ACME', 'ACME-FR'], {'EUR': Money('690.00', 'EUR')})
>>> store.counts()["customers"], store.counts()["reservations"]
(0, 1)
>>> store.dispose()

--8<-- [end:usage]
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from credkit.errors import ValidationError
from credkit.ledger import (
    Allocation,
    CreditNote,
    Customer,
    Invoice,
    InvoiceInstalment,
    Ledger,
    Payment,
    check_allocations,
    document_date,
)
from credkit.storage.rules import (
    from_minor_units,
    lock_order,
    new_or_same,
    parents_first,
    to_minor_units,
)
from credkit.storage.sql import SQLUnit

__all__ = [
    "MOVE_TYPES",
    "HostUnit",
    "account_move",
    "create_host_tables",
    "metadata",
    "partner",
    "reconcile",
]

Document = Invoice | CreditNote | Payment

# --8<-- [start:schema]
metadata = sa.MetaData()

partner = sa.Table(
    "partner",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("display_name", sa.Text, nullable=False),
    sa.Column("country_code", sa.String(2), nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("segment", sa.Text),
    sa.Column("industry", sa.Text),
    sa.Column("parent_id", sa.String(64), sa.ForeignKey("partner.id")),
    sa.Column("tags", sa.Text),  # the partner's categories, comma-separated
)

account_move = sa.Table(
    "account_move",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("partner_id", sa.String(64), sa.ForeignKey("partner.id"), nullable=False),
    sa.Column("move_type", sa.String(16), nullable=False),
    sa.Column("date", sa.Date, nullable=False),  # issued, or for a payment received
    sa.Column("due_date", sa.Date),  # invoices only
    sa.Column("amount_minor", sa.BigInteger, nullable=False),  # cents for EUR, yen for JPY
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("disputed", sa.Boolean, nullable=False),  # invoices only
    sa.Column("reversed_entry", sa.String(64)),  # refunds: the invoice they correct
    sa.Column("write_off", sa.Boolean, nullable=False),  # refunds only
    # in the company currency at the booking rate (Odoo: amount_total_signed), if booked
    sa.Column("amount_company_minor", sa.BigInteger),
    sa.Column("company_currency", sa.String(3)),
    # invoices due in parts: [[date_maturity, amount_minor], ...] (Odoo: one line each)
    sa.Column("payment_schedule", sa.Text),
    sa.CheckConstraint(
        "move_type IN ('out_invoice', 'out_refund', 'inbound_payment')", name="move_type_known"
    ),
    sa.Index("account_move_by_partner", "partner_id", "date"),
)
# credkit's documents as the host's move types
MOVE_TYPES = {Invoice: "out_invoice", CreditNote: "out_refund", Payment: "inbound_payment"}

reconcile = sa.Table(
    "reconcile",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("debit_move", sa.String(64), sa.ForeignKey("account_move.name"), nullable=False),
    sa.Column("credit_move", sa.String(64), sa.ForeignKey("account_move.name"), nullable=False),
    sa.Column("amount_minor", sa.BigInteger, nullable=False),
    sa.Column("reconciled_on", sa.Date, nullable=False),
    sa.Column("instalment", sa.Integer, nullable=False, default=0),  # 0: none named
    sa.Index("reconcile_by_debit", "debit_move"),
    sa.Index("reconcile_by_credit", "credit_move"),
)


def _schedule_json(invoice: Invoice) -> str | None:
    """An invoice's payment schedule as the host stores it (None when due at once)."""
    if not invoice.schedule:
        return None
    return json.dumps(
        [
            [part.due_date.isoformat(), to_minor_units(part.amount, "schedule.amount")]
            for part in invoice.schedule
        ]
    )


def create_host_tables(engine: sa.Engine) -> None:
    """Create the host's tables (in a real host, its own migrations do this)."""
    metadata.create_all(engine)


# --8<-- [end:schema]


# --8<-- [start:customers]
class HostUnit(SQLUnit):
    """A unit of work that keeps customers and documents in the host's tables."""

    @staticmethod
    def _as_customer(row: sa.Row[Any]) -> Customer:
        return Customer(
            row.id,
            row.display_name,
            country=row.country_code,
            currency=row.currency,
            segment=row.segment,
            industry=row.industry,
            parent_id=row.parent_id,
            tags=row.tags.split(",") if row.tags else (),
        )

    def _partners(self, ids: Iterable[str]) -> dict[str, Customer]:
        query = sa.select(partner).where(partner.c.id.in_(sorted(set(ids))))
        return {row.id: self._as_customer(row) for row in self.connection.execute(query)}

    def _root(self, customer_id: str) -> str | None:
        """The top-most ancestor of a stored partner (None if there is no such partner)."""
        chain: list[str] = []
        current: str | None = customer_id
        while current is not None and current not in chain:
            query = sa.select(partner.c.parent_id).where(partner.c.id == current)
            row = self.connection.execute(query).one_or_none()
            if row is None:
                break
            chain.append(current)
            current = row.parent_id
        return chain[-1] if chain else None

    def known_customers(self, customer_ids: Iterable[str]) -> set[str]:
        query = sa.select(partner.c.id).where(partner.c.id.in_(sorted(set(customer_ids))))
        return set(self.connection.execute(query).scalars())

    def customer(self, customer_id: str) -> Customer:
        found = self._partners([customer_id]).get(customer_id)
        if found is None:
            raise ValidationError(f"customer_id: unknown customer {customer_id!r}")
        return found

    def customer_ids(self) -> tuple[str, ...]:
        query = sa.select(partner.c.id).order_by(partner.c.id)
        return tuple(self.connection.execute(query).scalars())

    def group(self, customer_id: str) -> tuple[Customer, ...]:
        root = self._root(customer_id)
        if root is None:
            raise ValidationError(f"customer_id: unknown customer {customer_id!r}")
        members, level = [root], [root]
        while level:  # walk down the tree, one generation per query
            query = sa.select(partner.c.id).where(partner.c.parent_id.in_(level))
            level = [i for i in self.connection.execute(query).scalars() if i not in members]
            members += level
        found = self._partners(members)
        return (found[root], *(found[i] for i in sorted(members) if i != root))

    def lock(self, customer_ids: Sequence[str]) -> None:
        if self.connection.dialect.name == "sqlite":
            return  # the unit's BEGIN IMMEDIATE already holds the database's write lock
        for customer_id in lock_order(customer_ids, self._root):
            query = sa.select(partner.c.id).where(partner.c.id == customer_id)
            self.connection.execute(query.with_for_update())

    def add_customers(self, customers: Iterable[Customer]) -> int:
        ordered = parents_first(customers, lambda i: bool(self.known_customers([i])))
        stored = self._partners(c.id for c in ordered)
        rows = [
            {
                "id": c.id,
                "display_name": c.name,
                "country_code": c.country,
                "currency": c.currency,
                "segment": c.segment,
                "industry": c.industry,
                "parent_id": c.parent_id,
                "tags": ",".join(c.tags) or None,
            }
            for c in ordered
            if new_or_same(stored.get(c.id), c, f"customer {c.id!r}")
        ]
        if rows:
            self.connection.execute(sa.insert(partner), rows)
        return len(rows)

    # --8<-- [end:customers]

    # --8<-- [start:documents]
    @staticmethod
    def _as_document(row: sa.Row[Any]) -> Document:
        amount = from_minor_units(row.amount_minor, row.currency)
        booked = None
        if row.amount_company_minor is not None:
            booked = from_minor_units(row.amount_company_minor, row.company_currency)
        if row.move_type == "out_invoice":
            schedule = [
                InvoiceInstalment(
                    datetime.date.fromisoformat(day), from_minor_units(units, row.currency)
                )
                for day, units in json.loads(row.payment_schedule or "[]")
            ]
            return Invoice(
                row.name,
                row.partner_id,
                row.date,
                row.due_date,
                amount,
                disputed=row.disputed,
                booked=booked,
                schedule=schedule,
            )
        if row.move_type == "out_refund":
            return CreditNote(
                row.name,
                row.partner_id,
                row.date,
                amount,
                invoice_id=row.reversed_entry,
                write_off=row.write_off,
                booked=booked,
            )
        return Payment(row.name, row.partner_id, row.date, amount, booked=booked)

    def _moves(self, names: Iterable[str]) -> dict[str, Document]:
        query = sa.select(account_move).where(account_move.c.name.in_(sorted(set(names))))
        return {row.name: self._as_document(row) for row in self.connection.execute(query)}

    def add_documents(self, documents: Iterable[Document]) -> int:
        given = list(documents)
        for index, document in enumerate(given):
            if not isinstance(document, Invoice | CreditNote | Payment):
                raise ValidationError(
                    f"documents[{index}]: expected an invoice, credit note or payment, "
                    f"got {document!r}"
                )
        partners = {d.customer_id for d in given}
        unknown = partners - self.known_customers(partners)
        if unknown:
            raise ValidationError(f"documents.customer_id: unknown customer {min(unknown)!r}")
        stored = self._moves(d.id for d in given)
        rows = []
        for index, d in enumerate(given):
            units = to_minor_units(d.amount, f"documents[{index}].amount")
            booked = d.booked
            company = (
                None if booked is None else to_minor_units(booked, f"documents[{index}].booked")
            )
            if not new_or_same(stored.get(d.id), d, f"document {d.id!r}"):
                continue
            stored[d.id] = d  # the same document twice in one call is stored once
            rows.append(
                {
                    "name": d.id,
                    "partner_id": d.customer_id,
                    "move_type": MOVE_TYPES[type(d)],
                    "date": document_date(d),
                    "due_date": d.due_date if isinstance(d, Invoice) else None,
                    "amount_minor": units,
                    "currency": d.amount.currency,
                    "disputed": isinstance(d, Invoice) and d.disputed,
                    "reversed_entry": d.invoice_id if isinstance(d, CreditNote) else None,
                    "write_off": isinstance(d, CreditNote) and d.write_off,
                    "amount_company_minor": company,
                    "company_currency": None if booked is None else booked.currency,
                    "payment_schedule": _schedule_json(d) if isinstance(d, Invoice) else None,
                }
            )
        if rows:
            self.connection.execute(sa.insert(account_move), rows)
        return len(rows)

    # --8<-- [end:documents]

    # --8<-- [start:allocations]
    def _named(self, documents: dict[str, Document]) -> dict[tuple[str, int], Decimal]:
        """What the stored reconciliations naming an instalment already apply to it."""
        query = (
            sa.select(
                reconcile.c.debit_move,
                reconcile.c.instalment,
                sa.func.sum(reconcile.c.amount_minor),
            )
            .where(reconcile.c.debit_move.in_(sorted(documents)), reconcile.c.instalment > 0)
            .group_by(reconcile.c.debit_move, reconcile.c.instalment)
        )
        return {
            (name, int(number)): from_minor_units(
                int(units), documents[name].amount.currency
            ).amount
            for name, number, units in self.connection.execute(query)
        }

    def _reconciled(self, documents: dict[str, Document]) -> dict[str, Decimal]:
        """What the stored reconciliations already apply to or from each document."""
        applied: dict[str, Decimal] = {}
        for column in (reconcile.c.debit_move, reconcile.c.credit_move):
            query = (
                sa.select(column, sa.func.sum(reconcile.c.amount_minor))
                .where(column.in_(sorted(documents)))
                .group_by(column)
            )
            for name, units in self.connection.execute(query):
                currency = documents[name].amount.currency
                applied[name] = from_minor_units(int(units), currency).amount
        return applied

    def add_allocations(self, allocations: Iterable[Allocation]) -> int:
        given = list(allocations)
        keys = []
        for index, a in enumerate(given):
            if not isinstance(a, Allocation):
                raise ValidationError(f"allocations[{index}]: expected an Allocation, got {a!r}")
            units = to_minor_units(a.amount, f"allocations[{index}].amount")
            keys.append((a.source_id, a.target_id, a.applied_on, units, a.instalment or 0))
        columns = (
            reconcile.c.credit_move,
            reconcile.c.debit_move,
            reconcile.c.reconciled_on,
            reconcile.c.amount_minor,
            reconcile.c.instalment,
        )
        query = sa.select(*columns).where(reconcile.c.credit_move.in_(sorted({k[0] for k in keys})))
        seen = {tuple(row) for row in self.connection.execute(query)}
        new = []
        for allocation, key in zip(given, keys, strict=True):
            if key not in seen:  # equal in every field to a stored one: the same record
                seen.add(key)
                new.append((allocation, key))
        documents = self._moves(i for a, _ in new for i in (a.source_id, a.target_id))
        self.lock(sorted({d.customer_id for d in documents.values()}))  # before reading totals
        check_allocations(
            [a for a, _ in new],
            documents,
            self._reconciled(documents),
            named=self._named(documents),
        )
        rows = [
            {
                "credit_move": s,
                "debit_move": t,
                "reconciled_on": on,
                "amount_minor": units,
                "instalment": number,
            }
            for _, (s, t, on, units, number) in new
        ]
        if rows:
            self.connection.execute(sa.insert(reconcile), rows)
        return len(rows)

    def ledger(self, customer_id: str, *, as_of: datetime.date) -> Ledger:
        members = self.group(customer_id)
        ids = [c.id for c in members]
        moves = self.connection.execute(
            sa.select(account_move)
            .where(account_move.c.partner_id.in_(ids), account_move.c.date <= as_of)
            .order_by(account_move.c.date, account_move.c.name)
        )
        documents = [self._as_document(row) for row in moves]
        reconciled = self.connection.execute(
            sa.select(reconcile, account_move.c.currency)
            .join(account_move, account_move.c.name == reconcile.c.debit_move)
            .where(account_move.c.partner_id.in_(ids), reconcile.c.reconciled_on <= as_of)
            .order_by(reconcile.c.reconciled_on, reconcile.c.id)
        )
        allocations = [
            Allocation(
                row.credit_move,
                row.debit_move,
                from_minor_units(row.amount_minor, row.currency),
                row.reconciled_on,
                instalment=row.instalment or None,
            )
            for row in reconciled
        ]
        return Ledger(
            customers=members,
            invoices=[d for d in documents if isinstance(d, Invoice)],
            credit_notes=[d for d in documents if isinstance(d, CreditNote)],
            payments=[d for d in documents if isinstance(d, Payment)],
            allocations=allocations,
        )

    # --8<-- [end:allocations]
