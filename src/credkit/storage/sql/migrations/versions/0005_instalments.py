"""Instalments: an invoice's payment schedule, and allocations that name an instalment.

Revision ID: 0005
Revises: 0004

Frozen once released: a later change to the schema is a new migration.
Table names take the store's prefix and schema from the caller
(``context.config.attributes["credkit_schema"]``).

``documents.schedule`` holds an invoice's schedule as JSON text (a list of
``[due date, minor units]`` pairs; NULL for an invoice due at once).
``allocations.instalment`` is the instalment an allocation names (0 for none), and
takes part in the "each allocation once" key, since one payment may settle two
instalments of one invoice with the same amount on the same day.

The downgrade is lossy and can fail: it drops every invoice's schedule and every
allocation's instalment number silently (the invoices are then due at once), and it
fails with a unique-constraint violation when two allocations differ only by the
instalment they name, since the older "each allocation once" key cannot tell them
apart (merge such rows first). Downgrading further (0004) drops the booked
company-currency amounts too. Back up the database before downgrading.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context, op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    s = context.config.attributes["credkit_schema"]
    p = s.prefix
    op.add_column(f"{p}documents", sa.Column("schedule", sa.Text, nullable=True), schema=s.schema)
    with op.batch_alter_table(f"{p}allocations", schema=s.schema) as batch:
        batch.add_column(
            sa.Column("instalment", sa.Integer, nullable=False, server_default=sa.text("0"))
        )
        batch.drop_constraint(f"{p}allocations_once", type_="unique")
        batch.create_unique_constraint(
            f"{p}allocations_once",
            ["source_id", "target_id", "applied_on", "amount", "instalment"],
        )


def downgrade() -> None:
    s = context.config.attributes["credkit_schema"]
    p = s.prefix
    with op.batch_alter_table(f"{p}allocations", schema=s.schema) as batch:
        batch.drop_constraint(f"{p}allocations_once", type_="unique")
        batch.create_unique_constraint(
            f"{p}allocations_once", ["source_id", "target_id", "applied_on", "amount"]
        )
        batch.drop_column("instalment")
    with op.batch_alter_table(f"{p}documents", schema=s.schema) as batch:
        batch.drop_column("schedule")
