"""The credit desk: order checks against a store, reservations, held orders, the audit log.

- :mod:`credkit.desk.desk`: :class:`CreditDesk`.
- :mod:`credkit.desk.access`: :class:`Action`, the :class:`Authorizer` protocol and
  :class:`RoleTable` (roles as data, :data:`DEFAULT_ROLES`).
- :mod:`credkit.desk.backtest`: :class:`Backtest` and :class:`BacktestChange`, what
  another policy would have decided.
- :mod:`credkit.desk.monitor`: monitoring runs (:class:`MonitorConfig`,
  :class:`MonitorRun`, :class:`FollowOn`, :class:`Notification`), alerts kept once.
- :mod:`credkit.desk.applications`: credit applications (:class:`CreditApplication`,
  :func:`load_application`, :class:`ApplicationPolicy`, :class:`ApplicationResult`).

>>> from credkit.desk import CreditDesk, RoleTable
>>> RoleTable().roles_of("nobody")
()
"""

from __future__ import annotations

from credkit.desk.access import DEFAULT_ROLES, Action, Authorizer, RoleTable
from credkit.desk.applications import (
    ApplicationPolicy,
    ApplicationResult,
    CreditApplication,
    load_application,
)
from credkit.desk.backtest import Backtest, BacktestChange
from credkit.desk.desk import CreditDesk
from credkit.desk.monitor import (
    FollowOn,
    FollowOnResult,
    LimitFallback,
    MonitorConfig,
    MonitorProblem,
    MonitorRun,
    Notification,
    default_monitor_config,
)

__all__ = [
    "DEFAULT_ROLES",
    "Action",
    "ApplicationPolicy",
    "ApplicationResult",
    "Authorizer",
    "Backtest",
    "BacktestChange",
    "CreditApplication",
    "CreditDesk",
    "FollowOn",
    "FollowOnResult",
    "LimitFallback",
    "MonitorConfig",
    "MonitorProblem",
    "MonitorRun",
    "Notification",
    "RoleTable",
    "default_monitor_config",
    "load_application",
]
