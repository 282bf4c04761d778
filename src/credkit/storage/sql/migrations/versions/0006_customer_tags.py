"""Customer tags: the names a host gives its customers, which policy conditions read.

Revision ID: 0006
Revises: 0005

Frozen once released: a later change to the schema is a new migration.
Table names take the store's prefix and schema from the caller
(``context.config.attributes["credkit_schema"]``).

``customers.tags`` holds a customer's tags as a JSON list (NULL for none). The
downgrade drops the column and with it every customer's tags.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context, op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    s = context.config.attributes["credkit_schema"]
    op.add_column(
        f"{s.prefix}customers", sa.Column("tags", sa.Text, nullable=True), schema=s.schema
    )


def downgrade() -> None:
    s = context.config.attributes["credkit_schema"]
    with op.batch_alter_table(f"{s.prefix}customers", schema=s.schema) as batch:
        batch.drop_column("tags")
