"""Alembic environment for credkit's own migrations (run by SQLStore.upgrade()).

The connection and credkit's :class:`~credkit.storage.sql.schema.Schema` (prefix and
schema) come from the caller through ``config.attributes``; only tables with credkit's
prefix are credkit's, so a host's own tables in the same database are never touched.
"""

from __future__ import annotations

from alembic import context

config = context.config
schema = config.attributes["credkit_schema"]
connection = config.attributes["connection"]


def _ours(name: str | None, type_: str, parent_names: object) -> bool:
    return type_ != "table" or (name or "").startswith(schema.prefix)


context.configure(
    connection=connection,
    target_metadata=schema.metadata,
    version_table=schema.version_table,
    version_table_schema=schema.schema,
    include_name=_ours,
)
with context.begin_transaction():
    context.run_migrations()
