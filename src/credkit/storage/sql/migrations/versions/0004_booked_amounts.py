"""Booked amounts: a document's amount in the company currency at the booking rate.

Revision ID: 0004
Revises: 0003

Frozen once released: a later change to the schema is a new migration.
Table names take the store's prefix and schema from the caller
(``context.config.attributes["credkit_schema"]``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context, op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    s = context.config.attributes["credkit_schema"]
    table = f"{s.prefix}documents"
    op.add_column(table, sa.Column("booked", sa.BigInteger, nullable=True), schema=s.schema)
    op.add_column(table, sa.Column("booked_currency", sa.String(3), nullable=True), schema=s.schema)


def downgrade() -> None:
    s = context.config.attributes["credkit_schema"]
    table = f"{s.prefix}documents"
    with op.batch_alter_table(table, schema=s.schema) as batch:
        batch.drop_column("booked_currency")
        batch.drop_column("booked")
