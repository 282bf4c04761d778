"""credkit's first schema: customers, documents, allocations and the records of a running system.

Revision ID: 0001
Revises: (none)

Frozen: a later change to the schema is a new migration, never an edit of this one.
Table names take the store's prefix and schema from the caller
(``context.config.attributes["credkit_schema"]``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context, op
from sqlalchemy.dialects import mysql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ID = sa.String(191)
DOCUMENT = sa.Text().with_variant(mysql.LONGTEXT(), "mysql", "mariadb")


def upgrade() -> None:
    s = context.config.attributes["credkit_schema"]
    p, schema = s.prefix, s.schema
    op.create_table(
        f"{p}customers",
        sa.Column("id", ID, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("segment", sa.Text),
        sa.Column("industry", sa.Text),
        sa.Column("parent_id", ID),
        sa.Column("root_id", ID, nullable=False),
        schema=schema,
    )
    op.create_index(f"ix_{p}customers_root_id", f"{p}customers", ["root_id"], schema=schema)
    op.create_table(
        f"{p}documents",
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
        schema=schema,
    )
    op.create_index(
        f"{p}documents_by_customer", f"{p}documents", ["customer_id", "dated"], schema=schema
    )
    op.create_table(
        f"{p}allocations",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("customer_id", ID, nullable=False),
        sa.Column("source_id", ID, nullable=False),
        sa.Column("target_id", ID, nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("applied_on", sa.Date, nullable=False),
        sa.UniqueConstraint(
            "source_id", "target_id", "applied_on", "amount", name=f"{p}allocations_once"
        ),
        schema=schema,
    )
    op.create_index(
        f"{p}allocations_by_customer",
        f"{p}allocations",
        ["customer_id", "applied_on"],
        schema=schema,
    )
    op.create_index(f"{p}allocations_by_target", f"{p}allocations", ["target_id"], schema=schema)
    op.create_table(
        f"{p}limits",
        sa.Column("customer_id", ID, primary_key=True),
        sa.Column("kind", sa.String(12), primary_key=True),
        sa.Column("valid_from", sa.Date, primary_key=True),
        sa.Column("record", DOCUMENT, nullable=False),
        schema=schema,
    )
    op.create_table(
        f"{p}reservations",
        sa.Column("order_id", ID, primary_key=True),
        sa.Column("customer_id", ID, nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("reserved_on", sa.Date, nullable=False),
        schema=schema,
    )
    op.create_index(
        f"ix_{p}reservations_customer_id", f"{p}reservations", ["customer_id"], schema=schema
    )
    op.create_table(
        f"{p}orders",
        sa.Column("order_id", ID, primary_key=True),
        sa.Column("customer_id", ID, nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("record", DOCUMENT, nullable=False),
        schema=schema,
    )
    op.create_index(f"ix_{p}orders_customer_id", f"{p}orders", ["customer_id"], schema=schema)
    op.create_index(f"ix_{p}orders_status", f"{p}orders", ["status"], schema=schema)
    for log in ("dunning", "blocks"):
        op.create_table(
            f"{p}{log}",
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("customer_id", ID, nullable=False),
            sa.Column("digest", sa.String(64), nullable=False),
            sa.Column("record", DOCUMENT, nullable=False),
            sa.UniqueConstraint("customer_id", "digest", name=f"{p}{log}_once"),
            schema=schema,
        )
    op.create_table(
        f"{p}cases",
        sa.Column("kind", sa.String(12), primary_key=True),
        sa.Column("id", ID, primary_key=True),
        sa.Column("customer_id", ID, nullable=False),
        sa.Column("record", DOCUMENT, nullable=False),
        schema=schema,
    )
    op.create_index(f"{p}cases_by_customer", f"{p}cases", ["kind", "customer_id"], schema=schema)
    op.create_table(
        f"{p}snapshots",
        sa.Column("customer_id", ID, primary_key=True),
        sa.Column("as_of", sa.Date, primary_key=True),
        sa.Column("record", DOCUMENT, nullable=False),
        schema=schema,
    )
    op.create_table(
        f"{p}bureau",
        sa.Column("provider", sa.String(64), primary_key=True),
        sa.Column("subject_id", ID, primary_key=True),
        sa.Column("fetched_at", sa.String(32), primary_key=True),
        sa.Column("record", DOCUMENT, nullable=False),
        schema=schema,
    )
    op.create_table(
        f"{p}audit",
        sa.Column("sequence", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("customer_id", ID, nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("payload", DOCUMENT, nullable=False),
        sa.Column("previous_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.UniqueConstraint("customer_id", "previous_hash", name=f"{p}audit_chain"),
        schema=schema,
    )


def downgrade() -> None:
    s = context.config.attributes["credkit_schema"]
    for name in (
        "audit",
        "bureau",
        "snapshots",
        "cases",
        "blocks",
        "dunning",
        "orders",
        "reservations",
        "limits",
        "allocations",
        "documents",
        "customers",
    ):
        op.drop_table(f"{s.prefix}{name}", schema=s.schema)
