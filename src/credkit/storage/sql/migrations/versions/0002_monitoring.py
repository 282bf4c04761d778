"""Monitoring: alerts (one per key, until acknowledged) and the watch list.

Revision ID: 0002
Revises: 0001

Frozen once released: a later change to the schema is a new migration.
Table names take the store's prefix and schema from the caller
(``context.config.attributes["credkit_schema"]``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context, op
from sqlalchemy.dialects import mysql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

ID = sa.String(191)
DOCUMENT = sa.Text().with_variant(mysql.LONGTEXT(), "mysql", "mariadb")


def upgrade() -> None:
    s = context.config.attributes["credkit_schema"]
    p, schema = s.prefix, s.schema
    op.create_table(
        f"{p}alerts",
        sa.Column("key", ID, primary_key=True),
        sa.Column("customer_id", ID, nullable=False),
        sa.Column("found_on", sa.Date, nullable=False),
        sa.Column("is_open", sa.Boolean, nullable=False),
        sa.Column("record", DOCUMENT, nullable=False),
        schema=schema,
    )
    op.create_index(
        f"{p}alerts_by_customer", f"{p}alerts", ["customer_id", "found_on"], schema=schema
    )
    op.create_index(f"{p}alerts_by_day", f"{p}alerts", ["found_on"], schema=schema)
    op.create_table(
        f"{p}watched",
        sa.Column("customer_id", ID, primary_key=True),
        sa.Column("record", DOCUMENT, nullable=False),
        schema=schema,
    )


def downgrade() -> None:
    s = context.config.attributes["credkit_schema"]
    for name in ("watched", "alerts"):
        op.drop_table(f"{s.prefix}{name}", schema=s.schema)
