"""The credit desk: order checks against a store, reservations, held orders, the audit log.

- :mod:`credkit.desk.desk`: :class:`CreditDesk`.
- :mod:`credkit.desk.access`: :class:`Action`, the :class:`Authorizer` protocol and
  :class:`RoleTable` (roles as data, :data:`DEFAULT_ROLES`).
- :mod:`credkit.desk.backtest`: :class:`Backtest` and :class:`BacktestChange`, what
  another policy would have decided.

>>> from credkit.desk import CreditDesk, RoleTable
>>> RoleTable().roles_of("nobody")
()
"""

from __future__ import annotations

from credkit.desk.access import DEFAULT_ROLES, Action, Authorizer, RoleTable
from credkit.desk.backtest import Backtest, BacktestChange
from credkit.desk.desk import CreditDesk

__all__ = [
    "DEFAULT_ROLES",
    "Action",
    "Authorizer",
    "Backtest",
    "BacktestChange",
    "CreditDesk",
    "RoleTable",
]
