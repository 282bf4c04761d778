"""The audit log by customer: an index on ``(customer_id, sequence)``.

Revision ID: 0007
Revises: 0006

Frozen once released: a later change to the schema is a new migration.
Table names take the store's prefix and schema from the caller
(``context.config.attributes["credkit_schema"]``).

A credit check reads the head of its customer's chain (the latest entry, by
``sequence``), and verifying or showing a customer's log reads its entries in
``sequence`` order. With only the chain's unique key, ``(customer_id,
previous_hash)``, each of these sorted all of the customer's entries, so a check grew
slower with every decision logged for its customer; with this index it seeks the
latest one. The downgrade drops the index and keeps every entry.
"""

from __future__ import annotations

from alembic import context, op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    s = context.config.attributes["credkit_schema"]
    op.create_index(
        f"{s.prefix}audit_by_customer",
        f"{s.prefix}audit",
        ["customer_id", "sequence"],
        schema=s.schema,
    )


def downgrade() -> None:
    s = context.config.attributes["credkit_schema"]
    op.drop_index(f"{s.prefix}audit_by_customer", f"{s.prefix}audit", schema=s.schema)
