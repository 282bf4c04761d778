"""Collections: dunning proposals, the contact log, collector assignments, insurance policies.

Revision ID: 0003
Revises: 0002

Frozen once released: a later change to the schema is a new migration.
Table names take the store's prefix and schema from the caller
(``context.config.attributes["credkit_schema"]``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context, op
from sqlalchemy.dialects import mysql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

ID = sa.String(191)
DOCUMENT = sa.Text().with_variant(mysql.LONGTEXT(), "mysql", "mariadb")


def upgrade() -> None:
    s = context.config.attributes["credkit_schema"]
    p, schema = s.prefix, s.schema
    op.create_table(
        f"{p}collections",
        sa.Column("kind", sa.String(12), primary_key=True),
        sa.Column("key", ID, primary_key=True),
        sa.Column("customer_id", ID, nullable=False),
        sa.Column("dated", sa.Date),
        sa.Column("status", sa.String(12)),
        sa.Column("record", DOCUMENT, nullable=False),
        schema=schema,
    )
    op.create_index(
        f"{p}collections_by_customer",
        f"{p}collections",
        ["kind", "customer_id", "dated"],
        schema=schema,
    )


def downgrade() -> None:
    s = context.config.attributes["credkit_schema"]
    op.drop_table(f"{s.prefix}collections", schema=s.schema)
