"""credkit's tables, as SQLAlchemy Core ``Table`` objects with a prefix or a schema.

The tables live in the host's database beside its own: every name starts with the
prefix (default ``credkit_``), or they live in a database schema of their own, and
credkit's migrations keep their version in their own table
(``<prefix>alembic_version``), so neither side's migrations touch the other's.

Amounts that a query adds up (documents, allocations, reservations) are integers of
the currency's minor units (``BIGINT``), next to a three-letter currency code; dates
are ``DATE``. Records that are only read back whole (limits, dunning records, blocks,
promises, plans, disputes, snapshots, bureau reports, audit payloads, alerts, the
watch list, dunning proposals, contacts, collectors, insurance policies) are kept as canonical JSON text, amounts in it as exact decimal strings.

This module is the current schema. The migrations in
``credkit/storage/sql/migrations/versions`` build it step by step; a test checks that
a database upgraded to the newest migration has exactly these tables.

>>> names = Schema(prefix="app_credkit_").metadata.tables
>>> sorted(names)[:3]
['app_credkit_alerts', 'app_credkit_allocations', 'app_credkit_audit']
"""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import mysql

from credkit._validate import check_text
from credkit.errors import ValidationError

__all__ = ["DOCUMENT", "ID", "Schema"]

ID = sa.String(191)
"""Ids and keys: at most 191 characters, MariaDB's longest indexable utf8mb4 key."""

DOCUMENT = sa.Text().with_variant(mysql.LONGTEXT(), "mysql", "mariadb")
"""Records kept whole, as JSON text: ``LONGTEXT`` on MariaDB/MySQL, whose ``TEXT`` holds 64 KiB."""

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,29}$")


def _name(value: str | None, field: str) -> str | None:
    if value is None:
        return None
    if value and not _NAME.match(check_text(value, field)):
        raise ValidationError(
            f"{field}: {value!r} is not a plain SQL name (letters, digits and underscores, "
            "at most 30 characters, not starting with a digit)"
        )
    return value


class Schema:
    """credkit's tables under ``prefix`` (default ``credkit_``) in database ``schema``.

    >>> Schema().customers.name, Schema(schema="credit").customers.schema
    ('credkit_customers', 'credit')
    """

    def __init__(self, *, prefix: str = "credkit_", schema: str | None = None) -> None:
        self.prefix = _name(prefix, "prefix") or ""
        self.schema = _name(schema, "schema")
        self.metadata = sa.MetaData(schema=self.schema)
        p = self.prefix
        m = self.metadata
        self.version_table = f"{p}alembic_version"
        self.customers = sa.Table(
            f"{p}customers",
            m,
            sa.Column("id", ID, primary_key=True),
            sa.Column("name", sa.Text, nullable=False),
            sa.Column("country", sa.String(2), nullable=False),
            sa.Column("currency", sa.String(3), nullable=False),
            sa.Column("segment", sa.Text),
            sa.Column("industry", sa.Text),
            sa.Column("parent_id", ID),
            sa.Column("root_id", ID, nullable=False, index=True),
            sa.Column("tags", sa.Text),  # the customer's tags as a JSON list, or NULL (0006)
        )
        self.documents = sa.Table(
            f"{p}documents",
            m,
            sa.Column("id", ID, primary_key=True),
            sa.Column("customer_id", ID, nullable=False),
            sa.Column("kind", sa.String(12), nullable=False),
            sa.Column("dated", sa.Date, nullable=False),
            sa.Column("due_date", sa.Date),
            sa.Column("amount", sa.BigInteger, nullable=False),
            sa.Column("currency", sa.String(3), nullable=False),
            sa.Column("disputed", sa.Boolean, nullable=False),
            sa.Column("invoice_id", ID),
            sa.Column("write_off", sa.Boolean, nullable=False),
            sa.Column("booked", sa.BigInteger),  # minor units of booked_currency (0004)
            sa.Column("booked_currency", sa.String(3)),
            sa.Column("schedule", sa.Text),  # an invoice's instalments as JSON (0005)
            sa.Index(f"{p}documents_by_customer", "customer_id", "dated"),
        )
        self.allocations = sa.Table(
            f"{p}allocations",
            m,
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("customer_id", ID, nullable=False),
            sa.Column("source_id", ID, nullable=False),
            sa.Column("target_id", ID, nullable=False),
            sa.Column("amount", sa.BigInteger, nullable=False),
            sa.Column("currency", sa.String(3), nullable=False),
            sa.Column("applied_on", sa.Date, nullable=False),
            # the instalment an allocation names, 0 for none (0005)
            sa.Column("instalment", sa.Integer, nullable=False, server_default=sa.text("0")),
            sa.Index(f"{p}allocations_by_customer", "customer_id", "applied_on"),
            sa.Index(f"{p}allocations_by_target", "target_id"),
            sa.UniqueConstraint(
                "source_id",
                "target_id",
                "applied_on",
                "amount",
                "instalment",
                name=f"{p}allocations_once",
            ),
        )
        self.limits = _records(
            m, f"{p}limits", ("customer_id", ID), ("kind", sa.String(12)), ("valid_from", sa.Date)
        )
        self.reservations = sa.Table(
            f"{p}reservations",
            m,
            sa.Column("order_id", ID, primary_key=True),
            sa.Column("customer_id", ID, nullable=False, index=True),
            sa.Column("amount", sa.BigInteger, nullable=False),
            sa.Column("currency", sa.String(3), nullable=False),
            sa.Column("reserved_on", sa.Date, nullable=False),
        )
        self.orders = sa.Table(
            f"{p}orders",
            m,
            sa.Column("order_id", ID, primary_key=True),
            sa.Column("customer_id", ID, nullable=False, index=True),
            sa.Column("status", sa.String(12), nullable=False, index=True),
            sa.Column("record", DOCUMENT, nullable=False),
        )
        self.dunning = _log(m, f"{p}dunning")
        self.blocks = _log(m, f"{p}blocks")
        self.cases = _records(m, f"{p}cases", ("kind", sa.String(12)), ("id", ID))
        sa.Index(f"{p}cases_by_customer", self.cases.c.kind, self.cases.c.customer_id)
        self.snapshots = _records(m, f"{p}snapshots", ("customer_id", ID), ("as_of", sa.Date))
        self.bureau = sa.Table(
            f"{p}bureau",
            m,
            sa.Column("provider", sa.String(64), primary_key=True),
            sa.Column("subject_id", ID, primary_key=True),
            sa.Column("fetched_at", sa.String(32), primary_key=True),
            sa.Column("record", DOCUMENT, nullable=False),
        )
        self.audit = sa.Table(
            f"{p}audit",
            m,
            sa.Column("sequence", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("customer_id", ID, nullable=False),
            sa.Column("at", sa.String(32), nullable=False),
            sa.Column("kind", sa.String(64), nullable=False),
            sa.Column("payload", DOCUMENT, nullable=False),
            sa.Column("previous_hash", sa.String(64), nullable=False),
            sa.Column("hash", sa.String(64), nullable=False),
            sa.UniqueConstraint("customer_id", "previous_hash", name=f"{p}audit_chain"),
            # a customer's chain head and entries in order, without sorting them (0007)
            sa.Index(f"{p}audit_by_customer", "customer_id", "sequence"),
        )
        # monitoring (migration 0002): alerts by key, the watch list by customer
        self.alerts = sa.Table(
            f"{p}alerts",
            m,
            sa.Column("key", ID, primary_key=True),
            sa.Column("customer_id", ID, nullable=False),
            sa.Column("found_on", sa.Date, nullable=False),
            sa.Column("is_open", sa.Boolean, nullable=False),
            sa.Column("record", DOCUMENT, nullable=False),
            sa.Index(f"{p}alerts_by_customer", "customer_id", "found_on"),
            sa.Index(f"{p}alerts_by_day", "found_on"),
        )
        self.watch_list = sa.Table(
            f"{p}watched",
            m,
            sa.Column("customer_id", ID, primary_key=True),
            sa.Column("record", DOCUMENT, nullable=False),
        )
        # collections (migration 0003): dunning proposals, contacts, collectors, insurance
        self.collections = sa.Table(
            f"{p}collections",
            m,
            sa.Column("kind", sa.String(12), primary_key=True),
            sa.Column("key", ID, primary_key=True),
            sa.Column("customer_id", ID, nullable=False),
            sa.Column("dated", sa.Date),
            sa.Column("status", sa.String(12)),
            sa.Column("record", DOCUMENT, nullable=False),
            sa.Index(f"{p}collections_by_customer", "kind", "customer_id", "dated"),
        )

    @property
    def record_tables(self) -> tuple[sa.Table, ...]:
        """Every table, by name (for counts and clean-up).

        >>> len(Schema().record_tables)
        15
        """
        return tuple(self.metadata.sorted_tables)


def _records(metadata: sa.MetaData, name: str, *key: tuple[str, Any]) -> sa.Table:
    """A table of whole records as JSON text under a composite key (and their customer)."""
    columns = [sa.Column(column, kind, primary_key=True) for column, kind in key]
    if "customer_id" not in {column for column, _ in key}:
        columns.append(sa.Column("customer_id", ID, nullable=False))
    return sa.Table(name, metadata, *columns, sa.Column("record", DOCUMENT, nullable=False))


def _log(metadata: sa.MetaData, name: str) -> sa.Table:
    """A table of whole records per customer, in the order stored, each stored once."""
    return sa.Table(
        name,
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("customer_id", ID, nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("record", DOCUMENT, nullable=False),
        sa.UniqueConstraint("customer_id", "digest", name=f"{name}_once"),
    )
