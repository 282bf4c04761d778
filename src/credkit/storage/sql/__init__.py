"""SQLStore: credkit's records in SQLite, PostgreSQL or MariaDB/MySQL (the ``sql`` extra).

>>> from credkit.storage.sql import SQLStore, HEAD
>>> HEAD
'0007'
"""

from __future__ import annotations

from credkit.storage.sql.schema import Schema
from credkit.storage.sql.store import DEFAULT_URL, HEAD, SQLStore, SQLUnit

__all__ = ["DEFAULT_URL", "HEAD", "SQLStore", "SQLUnit", "Schema"]
