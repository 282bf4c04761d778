"""Storage: the records a running credit system keeps, behind protocols a host implements.

- :mod:`credkit.storage.protocols`: :class:`Store` and its unit of work, one protocol
  per kind of record (customers, documents, limits, reservations, dunning, cases,
  snapshots, the bureau cache, the audit log, monitoring alerts and the watch list).
- :mod:`credkit.storage.records`: the records only a running system has
  (:class:`Reservation`, :class:`Dispute`, :class:`Snapshot`, :class:`BureauEntry`,
  :class:`AuditEntry`).
- :mod:`credkit.storage.rules`: what every store keeps the same way
  (:func:`limit_in_force`, :func:`atomic`, :func:`verify_chain`, ...).
- :mod:`credkit.storage.memory`: :class:`MemoryStore`.
- :mod:`credkit.storage.sql`: :class:`SQLStore` on SQLAlchemy Core (the ``sql`` extra).

>>> from datetime import date
>>> from credkit import Money
>>> from credkit.ledger import Customer
>>> store = MemoryStore()
>>> with store.unit() as unit:
...     unit.add_customers([Customer("C1", "Acme GmbH", country="DE", currency="EUR")])
1
>>> with store.unit("C1") as unit:
...     unit.reserve(Reservation("SO-1", "C1", Money.of(500, "EUR"), reserved_on=date(2026, 5, 4)))
...     [r.order_id for r in unit.reservations("C1")]
['SO-1']
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from credkit.storage.memory import MemoryStore
from credkit.storage.protocols import (
    AlertRecords,
    AuditLog,
    BureauCache,
    CaseRecords,
    CheckPrefetch,
    CollectionRecords,
    CustomerRecords,
    DocumentRecords,
    DunningRecords,
    LimitRecords,
    OpenItemRecords,
    OrderRecords,
    ReservationRecords,
    SnapshotRecords,
    Store,
    Unit,
)
from credkit.storage.records import (
    DESK_CHAIN,
    Alert,
    AlertSeverity,
    AuditEntry,
    BureauEntry,
    Dispute,
    DisputeResolution,
    DisputeStatus,
    DunningProposal,
    OrderRecord,
    OrderStatus,
    ProposalStatus,
    Reservation,
    Snapshot,
    WatchEntry,
    alert_key,
    chain_hash,
)
from credkit.storage.rules import atomic, limit_in_force, verify_chain

if TYPE_CHECKING:
    from credkit.storage.sql import SQLStore

__all__ = [
    "DESK_CHAIN",
    "Alert",
    "AlertRecords",
    "AlertSeverity",
    "AuditEntry",
    "AuditLog",
    "BureauCache",
    "BureauEntry",
    "CaseRecords",
    "CheckPrefetch",
    "CollectionRecords",
    "CustomerRecords",
    "Dispute",
    "DisputeResolution",
    "DisputeStatus",
    "DocumentRecords",
    "DunningProposal",
    "DunningRecords",
    "LimitRecords",
    "MemoryStore",
    "OpenItemRecords",
    "OrderRecord",
    "OrderRecords",
    "OrderStatus",
    "ProposalStatus",
    "Reservation",
    "ReservationRecords",
    "SQLStore",
    "Snapshot",
    "SnapshotRecords",
    "Store",
    "Unit",
    "WatchEntry",
    "alert_key",
    "atomic",
    "chain_hash",
    "limit_in_force",
    "verify_chain",
]


def __getattr__(name: str) -> Any:
    # SQLStore needs the ``sql`` extra (SQLAlchemy); import it only when asked for.
    if name == "SQLStore":
        from credkit.storage.sql import SQLStore

        return SQLStore
    raise AttributeError(f"module 'credkit.storage' has no attribute {name!r}")
