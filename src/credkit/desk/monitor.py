"""Monitoring: detectors over a store's records turned into alerts, each kept once, with follow-ons.

:func:`run_monitor` (what :meth:`CreditDesk.monitor <credkit.desk.CreditDesk.monitor>`
calls) looks at every customer of the store as of a date, in one unit of work per
customer, and turns what its detectors find into :class:`~credkit.storage.Alert` s:

============================ ========== =====================================================
reason code                  severity   found when
============================ ========== =====================================================
``LIMIT_EXPIRING``           warning    the limit in force ends within ``expiry_days``
                                        and no later limit takes over
``LIMIT_EXPIRED``            warning    a limit ended (within ``lookback_days``) and an older
                                        one applies again (a temporary limit fell back);
                             critical   ... and no limit is in force any more
``REVIEW_DUE``               warning    the limit's review date (its ``next_review``, or
                                        ``review_months`` of the risk class after it took
                                        effect, or a scheduled review) is at most
                                        ``review_days`` away
``PAYMENT_TREND``            warning    the payment trend is deteriorating
``OVERDUE_DAYS``             warning    the oldest overdue invoice is more than
                                        ``overdue_days`` past due
``OVERDUE_SHARE``            warning    more than ``overdue_share`` of the open invoices is
                                        overdue
``OVER_LIMIT``               critical   the exposure (open items and open orders) is more
                                        than the limit in force
``INSURED_LIMIT_REDUCED``    warning    an insured limit is lower than the one before it
``INSURED_LIMIT_CANCELLED``  critical   an insured limit is zero, or ended with none after it
============================ ========== =====================================================

Bureau changes (a rating down by ``bureau_downgrade_classes`` or more, a derogatory
event) enter through :func:`notify` as :class:`Notification` s, the path a bureau's
monitoring feed uses too.

**Each alert is kept once.** Its key (:func:`~credkit.storage.alert_key`) names the
facts it is about: the limit and its end date, the overdue invoice, the review date;
for a state that has no date of its own (a trend, an overdue share, an exposure over the
limit) the calendar month of the run. A store keeps one alert per key, so running the
same day twice, or any day again, adds nothing, and the configured follow-on actions
(:class:`FollowOn`) run only for an alert that is new.

**Temporary limits fall back by themselves**: a limit with a ``valid_to`` stops being
in force after that day and the limit it stood in for applies again
(:func:`~credkit.storage.limit_in_force`); the monitor records that fall-back once in
the customer's audit log (``limit_fallback``).

>>> from datetime import date
>>> from credkit import Money
>>> from credkit.limits import CreditLimit
>>> base = CreditLimit("C1", Money.of(10000, "EUR"), currency="EUR", valid_from=date(2026, 1, 1))
>>> season = CreditLimit("C1", Money.of(15000, "EUR"), currency="EUR",
...                      valid_from=date(2026, 11, 1), valid_to=date(2026, 12, 31))
>>> [a.reason for a in limit_alerts("C1", [base, season], as_of=date(2026, 12, 10))]
['LIMIT_EXPIRING']
>>> [a.severity.value for a in limit_alerts("C1", [base, season], as_of=date(2027, 1, 2))]
['warning']
>>> [(f.ended.valid_to, f.base.amount) for f in limit_fallbacks([base, season], as_of=date(2027, 1, 2))]
[(datetime.date(2026, 12, 31), Money('10000', 'EUR'))]
"""

from __future__ import annotations

import datetime
import enum
import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import ROUND_DOWN, Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import attrs

from credkit._notebook import html_table, joined, rows_caption, text_rows
from credkit._validate import (
    check_date,
    check_text,
    describe,
    enum_converter,
    is_date,
    one_of,
    text,
    whole,
)
from credkit.config import converter, load
from credkit.desk.access import Action
from credkit.desk.applications import route
from credkit.errors import BureauError, CredkitError, ValidationError
from credkit.kpi.behaviour import TrendDirection, payment_trends
from credkit.ledger import DocumentKind, Ledger
from credkit.limits import Approver, CreditLimit, LimitKind, LimitRequest, next_review_date
from credkit.money import Money
from credkit.policy import CreditProfile, build_profile
from credkit.storage import (
    Alert,
    AlertSeverity,
    AuditEntry,
    Reservation,
    Snapshot,
    Unit,
    WatchEntry,
    alert_key,
    limit_in_force,
)

if TYPE_CHECKING:
    from credkit.bureau import Bureau, BureauReport
    from credkit.desk.desk import CreditDesk
    from credkit.scoring.ratings import RatingScale

__all__ = [
    "REASONS",
    "FollowOn",
    "FollowOnResult",
    "LimitFallback",
    "MonitorConfig",
    "MonitorProblem",
    "MonitorRun",
    "Notification",
    "acknowledge_alert",
    "bureau_alerts",
    "customer_alerts",
    "default_monitor_config",
    "exposure_alerts",
    "limit_alerts",
    "limit_fallbacks",
    "notify",
    "overdue_alerts",
    "profile_flags",
    "review_alerts",
    "run_monitor",
    "trend_alerts",
]

REASONS: Final[Mapping[str, str]] = {
    "LIMIT_EXPIRING": "the limit in force ends soon and no later limit takes over",
    "LIMIT_EXPIRED": "a limit ended; an older one applies again, or none",
    "REVIEW_DUE": "the credit review is due",
    "PAYMENT_TREND": "the customer pays later than before",
    "OVERDUE_DAYS": "the oldest overdue invoice is past the threshold",
    "OVERDUE_SHARE": "the overdue share of the open invoices is past the threshold",
    "OVER_LIMIT": "the exposure is more than the limit in force",
    "BUREAU_DOWNGRADE": "the bureau rating fell by one risk class or more",
    "BUREAU_DEROGATORY": "the bureau reports a derogatory event (insolvency, judgment, ...)",
    "INSURED_LIMIT_REDUCED": "the credit insurer reduced its limit",
    "INSURED_LIMIT_CANCELLED": "the credit insurer cancelled its limit",
}
"""Every reason code the monitor raises, with what it means."""

_CODE = re.compile(r"^[A-Z][A-Z0-9_]*$")
_DATA = Path(__file__).resolve().parent.parent / "data" / "monitoring.toml"


class FollowOn(enum.Enum):
    """What the monitor does when it stores a new alert of a configured reason.

    - ``watch``: put the customer on the watch list;
    - ``block_orders``: put them on it with ``block_orders`` (new orders are to stop);
    - ``schedule_review``: log a review due ``review_within_days`` after the alert,
      which the ``REVIEW_DUE`` detector then reports;
    - ``request_limit_change``: draft a :class:`~credkit.limits.LimitRequest` for the
      limit in force times ``limit_change_factor``, log it with the band of the desk's
      approval matrix that must approve it.

    >>> FollowOn("block_orders")
    <FollowOn.BLOCK_ORDERS: 'block_orders'>
    """

    WATCH = "watch"
    BLOCK_ORDERS = "block_orders"
    SCHEDULE_REVIEW = "schedule_review"
    REQUEST_LIMIT_CHANGE = "request_limit_change"


def _review_months(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    for name, months in dict(value).items():  # type: ignore[call-overload]
        if isinstance(months, bool) or not isinstance(months, int) or months < 1:
            raise ValidationError(
                f"review_months.{name}: expected a whole number of months of 1 or more, "
                f"got {describe(months)}"
            )


def _actions(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    for reason, actions in dict(value).items():  # type: ignore[call-overload]
        if reason not in REASONS and not _CODE.match(reason):
            raise ValidationError(
                f"actions.{reason}: not a reason code (upper case letters, digits and "
                f"underscores, such as {', '.join(sorted(REASONS)[:3])}, ...)"
            )
        for index, action in enumerate(actions):
            if not isinstance(action, FollowOn):
                accepted = ", ".join(f.value for f in FollowOn)
                raise ValidationError(
                    f"actions.{reason}[{index}]: unknown action {describe(action)}; "
                    f"accepted: {accepted}"
                )


def _fraction(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Decimal) or not value.is_finite() or not 0 <= value <= 1:
        raise ValidationError(
            f"{attribute.name}: expected a fraction from 0 to 1 (0.25 for 25 %), got "
            f"{describe(value)}"
        )


def _non_negative(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Decimal) or not value.is_finite() or value < 0:
        raise ValidationError(
            f"{attribute.name}: expected a number of 0 or more, got {describe(value)}"
        )


def _decimal(value: object) -> object:
    if isinstance(value, int | str) and not isinstance(value, bool):
        try:
            return Decimal(value)
        except ArithmeticError:
            return value
    return value


@attrs.frozen(kw_only=True)
class MonitorConfig:
    """The monitor's thresholds and follow-on actions, as data.

    Load one from a document with :func:`credkit.config.load` (errors name the
    field); :func:`default_monitor_config` is ``credkit/data/monitoring.toml``. A
    ``MonitorConfig()`` has the same thresholds, no review intervals by risk class and
    no follow-on actions.

    - ``expiry_days``: warn this many days (or fewer) before a limit ends;
    - ``lookback_days``: how long after a limit ended, or an insured limit changed, a
      run still reports it;
    - ``review_days``: warn this many days before a review is due (0: on the day);
    - ``review_months``: the review interval by risk class name, for limits without
      a ``next_review`` (the customer's class comes from its latest snapshot);
    - ``trend_threshold_days``, ``trend_recent_months``, ``trend_baseline_months``:
      the payment trend (see :func:`credkit.kpi.payment_trends`);
    - ``overdue_days``: alert when the oldest overdue invoice is more days past due;
    - ``overdue_share``: alert when more of the open invoices (by amount) is overdue;
    - ``bureau_downgrade_classes``: how many risk classes down a bureau rating must
      fall for ``BUREAU_DOWNGRADE``;
    - ``actions``: follow-on actions by reason code;
    - ``review_within_days``: when a scheduled review is due;
    - ``limit_change_factor``: the limit a ``request_limit_change`` asks for, as a
      fraction of the limit in force;
    - ``user``: who the monitor acts as in the audit log.

    >>> from credkit.config import load
    >>> load(MonitorConfig, {"overdue_days": 45, "actions": {"OVER_LIMIT": ["block_orders"]}}).actions
    {'OVER_LIMIT': (<FollowOn.BLOCK_ORDERS: 'block_orders'>,)}
    >>> load(MonitorConfig, {"actions": {"OVER_LIMIT": ["shout"]}})
    Traceback (most recent call last):
    ...
    credkit.errors.ConfigError: actions[OVER_LIMIT][0]: expected one of 'watch', 'block_orders', 'schedule_review', 'request_limit_change', got str 'shout'
    """

    id: str = attrs.field(default="monitoring", validator=text)
    version: str = attrs.field(default="1", validator=text)
    expiry_days: int = attrs.field(default=30, validator=whole(0))
    lookback_days: int = attrs.field(default=90, validator=whole(0))
    review_days: int = attrs.field(default=0, validator=whole(0))
    review_months: dict[str, int] = attrs.field(factory=dict, validator=_review_months)
    trend_threshold_days: Decimal = attrs.field(
        default=Decimal(5), converter=_decimal, validator=_non_negative
    )
    trend_recent_months: int = attrs.field(default=3, validator=whole(1))
    trend_baseline_months: int = attrs.field(default=12, validator=whole(1))
    overdue_days: int = attrs.field(default=60, validator=whole(0))
    overdue_share: Decimal = attrs.field(
        default=Decimal("0.25"), converter=_decimal, validator=_fraction
    )
    bureau_downgrade_classes: int = attrs.field(default=1, validator=whole(1))
    actions: dict[str, tuple[FollowOn, ...]] = attrs.field(factory=dict, validator=_actions)
    review_within_days: int = attrs.field(default=14, validator=whole(0))
    limit_change_factor: Decimal = attrs.field(
        default=Decimal("0.5"), converter=_decimal, validator=_fraction
    )
    user: str = attrs.field(default="monitor", validator=text)


def default_monitor_config() -> MonitorConfig:
    """The monitor configuration shipped as ``credkit/data/monitoring.toml``.

    Thresholds as ``MonitorConfig()`` has them, review intervals for risk classes A to
    E, and follow-on actions (``MonitorConfig()`` has none).

    >>> config = default_monitor_config()
    >>> config.overdue_days, [a.value for a in config.actions["BUREAU_DEROGATORY"]]
    (60, ['block_orders', 'request_limit_change'])
    """
    return load(MonitorConfig, _DATA)


# -- what a run returns -------------------------------------------------------------


@attrs.frozen
class FollowOnResult:
    """One follow-on action of a new alert: what was asked, whether it changed anything, why.

    >>> FollowOnResult("X:C1", "C1", FollowOn.WATCH, done=False,
    ...                detail="already on the watch list").describe()
    'C1 watch: already on the watch list'
    """

    key: str
    customer_id: str
    action: FollowOn
    done: bool = attrs.field(kw_only=True)
    detail: str = attrs.field(kw_only=True)

    def describe(self) -> str:
        """One line for people.

        >>> FollowOnResult("X:C1", "C1", FollowOn.SCHEDULE_REVIEW, done=True,
        ...                detail="review due 2026-06-15").describe()
        'C1 schedule_review: review due 2026-06-15'
        """
        return f"{self.customer_id} {self.action.value}: {self.detail}"


@attrs.frozen
class LimitFallback:
    """A limit that ended (``ended``) and the older one in force again from ``on`` (``base``).

    >>> from datetime import date
    >>> base = CreditLimit("C1", Money.of(100, "EUR"), currency="EUR", valid_from=date(2026, 1, 1))
    >>> LimitFallback("C1", ended=base, base=base, on=date(2026, 2, 1)).on
    datetime.date(2026, 2, 1)
    """

    customer_id: str
    ended: CreditLimit = attrs.field(kw_only=True)
    base: CreditLimit = attrs.field(kw_only=True)
    on: datetime.date = attrs.field(kw_only=True)

    @property
    def key(self) -> str:
        """What identifies the fall-back in the audit log: the ended limit's kind and dates.

        >>> from datetime import date
        >>> base = CreditLimit("C1", None, currency="EUR", valid_from=date(2026, 1, 1),
        ...                    valid_to=date(2026, 1, 31))
        >>> LimitFallback("C1", ended=base, base=base, on=date(2026, 2, 1)).key
        'internal:2026-01-01:2026-01-31'
        """
        ended = self.ended
        return f"{ended.kind.value}:{ended.valid_from.isoformat()}:{_iso(ended.valid_to)}"


@attrs.frozen
class MonitorProblem:
    """A customer the run could not look at, and why (the error's message).

    >>> MonitorProblem("C1", "reservations: 5 USD is not in EUR; give the desk rates").customer_id
    'C1'
    """

    customer_id: str
    message: str


@attrs.frozen(kw_only=True)
class MonitorRun:
    """What one monitoring run (or one notification) found and did.

    ``found`` are the alerts the detectors found, ``new`` those stored for the first
    time (the others were stored by an earlier run), ``actions`` the follow-ons of the
    new ones, ``fallbacks`` the limit fall-backs recorded, ``problems`` the customers
    the run could not look at.

    >>> from datetime import date
    >>> run = MonitorRun(as_of=date(2026, 6, 1), config_id="monitoring", config_version="1",
    ...                  customers=0)
    >>> run.new, run.clean
    ((), True)
    """

    as_of: datetime.date
    config_id: str
    config_version: str
    customers: int
    found: tuple[Alert, ...] = ()
    new: tuple[Alert, ...] = ()
    actions: tuple[FollowOnResult, ...] = ()
    fallbacks: tuple[LimitFallback, ...] = ()
    problems: tuple[MonitorProblem, ...] = ()

    @property
    def clean(self) -> bool:
        """Whether the run found nothing and every customer could be looked at.

        >>> from datetime import date
        >>> MonitorRun(as_of=date(2026, 6, 1), config_id="m", config_version="1", customers=3,
        ...            problems=(MonitorProblem("C1", "no rates"),)).clean
        False
        """
        return not self.found and not self.problems

    def to_records(self) -> list[dict[str, Any]]:
        """One record per alert found, for a data frame, with whether it is new.

        ``on`` is the alert's date, ``severity`` its value (``info`` to ``critical``),
        ``new`` whether this run stored it first, ``actions`` the follow-on actions it
        set off (their values, in one text column). The customers the run could not
        look at are in :attr:`problems`. See the how-to guide on notebooks.

        >>> from datetime import date
        >>> alert = Alert("C1", on=date(2026, 6, 1), reason="OVERDUE", severity=AlertSeverity.WARNING,
        ...               figures={}, message="60 days overdue", key="OVERDUE:C1")
        >>> run = MonitorRun(as_of=date(2026, 6, 1), config_id="m", config_version="1", customers=3,
        ...                  found=(alert,), new=(alert,),
        ...                  actions=(FollowOnResult("OVERDUE:C1", "C1", FollowOn.WATCH, done=True,
        ...                                          detail="on the watch list"),))
        >>> run.to_records()
        [{'customer_id': 'C1', 'on': datetime.date(2026, 6, 1), 'reason': 'OVERDUE',
          'severity': 'warning', 'message': '60 days overdue', 'key': 'OVERDUE:C1', 'new': True,
          'actions': 'watch'}]
        """
        new = {alert.key for alert in self.new}
        actions: dict[str, list[str]] = {}
        for action in self.actions:
            actions.setdefault(action.key, []).append(action.action.value)
        return [
            {
                "customer_id": alert.customer_id,
                "on": alert.on,
                "reason": alert.reason,
                "severity": alert.severity.value,
                "message": alert.message,
                "key": alert.key,
                "new": alert.key in new,
                "actions": joined(actions.get(alert.key, ())),
            }
            for alert in self.found
        ]

    def to_rows(self) -> list[dict[str, Any]]:
        """:meth:`to_records` for CSV or JSON: dates in ISO form.

        >>> from datetime import date
        >>> MonitorRun(as_of=date(2026, 6, 1), config_id="m", config_version="1", customers=0).to_rows()
        []
        """
        return text_rows(self.to_records())

    def _repr_html_(self) -> str:
        """The alerts found as an HTML table, for Jupyter, with the run's counts in the caption.

        >>> from datetime import date
        >>> run = MonitorRun(as_of=date(2026, 6, 1), config_id="m", config_version="1", customers=3)
        >>> "MonitorRun as of 2026-06-01 (m version 1, 3 customers, 0 new, 0 problems), 0 rows" in run._repr_html_()
        True
        """
        what = (
            f"as of {self.as_of.isoformat()} ({self.config_id} version {self.config_version}, "
            f"{self.customers} customers, {len(self.new)} new, {len(self.problems)} problems)"
        )
        records = self.to_records()
        return html_table(rows_caption("MonitorRun", what, len(records)), records)


# -- the detectors: pure functions --------------------------------------------------


def _iso(day: datetime.date | None) -> str:
    return "open" if day is None else day.isoformat()


def _money(money: Money | None) -> dict[str, str] | None:
    return None if money is None else {"amount": str(money.amount), "currency": money.currency}


def _text(money: Money | None) -> str:
    return "no limit" if money is None else f"{money.amount} {money.currency}"


def _alert(
    customer_id: str,
    as_of: datetime.date,
    reason: str,
    severity: AlertSeverity,
    message: str,
    facts: Sequence[object],
    **figures: Any,
) -> Alert:
    return Alert(
        customer_id,
        on=as_of,
        reason=reason,
        severity=severity,
        figures=figures,
        message=message,
        key=alert_key(reason, customer_id, *facts),
    )


def _days(value: Decimal | None) -> str:
    return "?" if value is None else f"{value:.1f}"


def _month(as_of: datetime.date) -> str:
    return as_of.strftime("%Y-%m")


def _limit_facts(limit: CreditLimit) -> tuple[str, str, str]:
    return limit.kind.value, limit.valid_from.isoformat(), _iso(limit.valid_to)


def _after(limits: Sequence[CreditLimit], limit: CreditLimit) -> CreditLimit | None:
    """What is in force the day after ``limit`` ends (None: nothing of its kind)."""
    assert limit.valid_to is not None
    return limit_in_force(
        limits, as_of=limit.valid_to + datetime.timedelta(days=1), kind=limit.kind
    )


def _ended(limits: Sequence[CreditLimit], as_of: datetime.date, kind: LimitKind) -> list[Any]:
    """Limits of ``kind`` that were in force on their last day, before ``as_of``, and what
    followed each: ``(limit, successor, renewed)``."""
    ended = []
    for limit in limits:
        if limit.kind is not kind or limit.valid_to is None or limit.valid_to >= as_of:
            continue
        if limit_in_force(limits, as_of=limit.valid_to, kind=kind) != limit:
            continue  # another limit stood in for it: its end changed nothing
        successor = _after(limits, limit)
        renewed = successor is not None and successor.valid_from > limit.valid_from
        ended.append((limit, successor, renewed))
    return ended


def limit_fallbacks(
    limits: Iterable[CreditLimit], *, as_of: datetime.date
) -> tuple[LimitFallback, ...]:
    """Internal limits that ended before ``as_of`` with an older limit in force again after.

    A temporary limit (one with a ``valid_to``) stands in for the limit in force
    before it; when it ends, that limit applies again, by itself. A limit followed by
    a newer one (a renewal) did not fall back.

    >>> from datetime import date
    >>> base = CreditLimit("C1", Money.of(10, "EUR"), currency="EUR", valid_from=date(2026, 1, 1))
    >>> temp = CreditLimit("C1", Money.of(20, "EUR"), currency="EUR", valid_from=date(2026, 3, 1),
    ...                    valid_to=date(2026, 3, 31))
    >>> limit_fallbacks([base, temp], as_of=date(2026, 3, 31)), len(limit_fallbacks([base, temp], as_of=date(2026, 4, 1)))
    ((), 1)
    """
    check_date(as_of, "as_of")
    given = list(limits)
    return tuple(
        LimitFallback(
            limit.customer_id,
            ended=limit,
            base=successor,
            on=limit.valid_to + datetime.timedelta(days=1),
        )
        for limit, successor, renewed in _ended(given, as_of, LimitKind.INTERNAL)
        if successor is not None and not renewed
    )


def limit_alerts(
    customer_id: str,
    limits: Iterable[CreditLimit],
    *,
    as_of: datetime.date,
    config: MonitorConfig | None = None,
) -> tuple[Alert, ...]:
    """``LIMIT_EXPIRING``, ``LIMIT_EXPIRED`` and the insured limit's changes, as of ``as_of``.

    >>> from datetime import date
    >>> temp = CreditLimit("C1", Money.of(20, "EUR"), currency="EUR", valid_from=date(2026, 3, 1),
    ...                    valid_to=date(2026, 3, 31))
    >>> [(a.reason, a.severity.value) for a in limit_alerts("C1", [temp], as_of=date(2026, 4, 1))]
    [('LIMIT_EXPIRED', 'critical')]
    """
    check_date(as_of, "as_of")
    config = MonitorConfig() if config is None else config
    given = list(limits)
    found: list[Alert] = []
    current = limit_in_force(given, as_of=as_of)
    if current is not None and current.valid_to is not None:
        days = (current.valid_to - as_of).days
        successor = _after(given, current)
        renewed = successor is not None and successor.valid_from > current.valid_from
        if days <= config.expiry_days and not renewed:
            after = (
                f"; {_text(successor.amount)} applies again from "
                f"{(current.valid_to + datetime.timedelta(days=1)).isoformat()}"
                if successor is not None
                else "; no limit follows it"
            )
            found.append(
                _alert(
                    customer_id,
                    as_of,
                    "LIMIT_EXPIRING",
                    AlertSeverity.WARNING,
                    f"limit {_text(current.amount)} ends on {current.valid_to.isoformat()} "
                    f"({days} days){after}",
                    _limit_facts(current),
                    limit=_money(current.amount),
                    valid_to=current.valid_to.isoformat(),
                    days_left=days,
                    falls_back_to=None if successor is None else _money(successor.amount),
                )
            )
    for limit, successor, renewed in _ended(given, as_of, LimitKind.INTERNAL):
        assert limit.valid_to is not None
        since = (as_of - limit.valid_to).days
        if renewed or since > config.lookback_days:
            continue
        if successor is not None:
            severity = AlertSeverity.WARNING
            message = (
                f"limit {_text(limit.amount)} ended on {limit.valid_to.isoformat()}; "
                f"{_text(successor.amount)} (from {successor.valid_from.isoformat()}) "
                "applies again"
            )
        else:
            severity = AlertSeverity.CRITICAL
            message = (
                f"limit {_text(limit.amount)} ended on {limit.valid_to.isoformat()}; "
                "no limit is in force"
            )
        found.append(
            _alert(
                customer_id,
                as_of,
                "LIMIT_EXPIRED",
                severity,
                message,
                _limit_facts(limit),
                limit=_money(limit.amount),
                valid_to=limit.valid_to.isoformat(),
                days_since=since,
                in_force=None if successor is None else _money(successor.amount),
            )
        )
    found += _insured_alerts(customer_id, given, as_of, config)
    return tuple(found)


def _insured_alerts(
    customer_id: str, limits: Sequence[CreditLimit], as_of: datetime.date, config: MonitorConfig
) -> list[Alert]:
    found: list[Alert] = []
    insured = LimitKind.INSURED
    for limit in limits:
        if limit.kind is not insured or not (as_of - limit.valid_from).days >= 0:
            continue
        if (as_of - limit.valid_from).days > config.lookback_days:
            continue
        before = limit_in_force(
            limits, as_of=limit.valid_from - datetime.timedelta(days=1), kind=insured
        )
        previous = None if before is None else before.amount
        amount = limit.amount
        if amount is not None and amount.is_zero and (previous is None or not previous.is_zero):
            reason, severity = "INSURED_LIMIT_CANCELLED", AlertSeverity.CRITICAL
            message = f"the insurer cancelled its limit from {limit.valid_from.isoformat()}"
        elif (
            amount is not None
            and previous is not None
            and previous.currency == amount.currency
            and amount < previous
        ):
            reason, severity = "INSURED_LIMIT_REDUCED", AlertSeverity.WARNING
            message = (
                f"the insurer reduced its limit from {_text(previous)} to {_text(amount)} "
                f"from {limit.valid_from.isoformat()}"
            )
        else:
            continue
        found.append(
            _alert(
                customer_id,
                as_of,
                reason,
                severity,
                message,
                _limit_facts(limit),
                limit=_money(amount),
                previous=_money(previous),
                valid_from=limit.valid_from.isoformat(),
            )
        )
    for limit, successor, _renewed in _ended(limits, as_of, insured):
        assert limit.valid_to is not None
        if successor is not None or (as_of - limit.valid_to).days > config.lookback_days:
            continue
        found.append(
            _alert(
                customer_id,
                as_of,
                "INSURED_LIMIT_CANCELLED",
                AlertSeverity.CRITICAL,
                f"the insured limit {_text(limit.amount)} ended on "
                f"{limit.valid_to.isoformat()} and no insured limit follows it",
                _limit_facts(limit),
                limit=_money(limit.amount),
                previous=_money(limit.amount),
                valid_to=limit.valid_to.isoformat(),
            )
        )
    return found


def review_alerts(
    customer_id: str,
    limits: Iterable[CreditLimit],
    *,
    as_of: datetime.date,
    risk_class: str | None = None,
    scheduled: Iterable[tuple[datetime.date, datetime.date]] = (),
    config: MonitorConfig | None = None,
) -> tuple[Alert, ...]:
    """``REVIEW_DUE`` for the limit in force and for reviews scheduled on or before ``as_of``.

    The limit's review date is its ``next_review``; without one, ``review_months`` of
    ``risk_class`` after the limit took effect (:func:`~credkit.limits.next_review_date`).
    ``scheduled`` holds ``(scheduled_on, due)`` pairs.

    >>> from datetime import date
    >>> limit = CreditLimit("C1", Money.of(10, "EUR"), currency="EUR", valid_from=date(2026, 1, 31))
    >>> config = MonitorConfig(review_months={"C": 6})
    >>> review_alerts("C1", [limit], as_of=date(2026, 7, 30), risk_class="C", config=config)
    ()
    >>> [a.figures["due"] for a in review_alerts("C1", [limit], as_of=date(2026, 7, 31), risk_class="C", config=config)]
    ['2026-07-31']
    """
    check_date(as_of, "as_of")
    config = MonitorConfig() if config is None else config
    found: list[Alert] = []
    warn = datetime.timedelta(days=config.review_days)
    current = limit_in_force(list(limits), as_of=as_of)
    if current is not None:
        due = current.next_review
        source = "next_review"
        if due is None and risk_class is not None and risk_class in config.review_months:
            due = next_review_date(current.valid_from, risk_class=config.review_months[risk_class])
            source = f"risk class {risk_class}"
        if due is not None and as_of >= due - warn:
            found.append(
                _alert(
                    customer_id,
                    as_of,
                    "REVIEW_DUE",
                    AlertSeverity.WARNING,
                    f"credit review due on {due.isoformat()} ({source})",
                    ("limit", current.valid_from.isoformat(), due.isoformat()),
                    due=due.isoformat(),
                    source=source,
                    risk_class=risk_class,
                )
            )
    for scheduled_on, due in sorted(set(scheduled)):
        if scheduled_on <= as_of and as_of >= due - warn:
            found.append(
                _alert(
                    customer_id,
                    as_of,
                    "REVIEW_DUE",
                    AlertSeverity.WARNING,
                    f"credit review due on {due.isoformat()} (scheduled on "
                    f"{scheduled_on.isoformat()})",
                    ("scheduled", scheduled_on.isoformat(), due.isoformat()),
                    due=due.isoformat(),
                    source="scheduled",
                    risk_class=risk_class,
                )
            )
    return tuple(found)


def trend_alerts(
    customer_id: str,
    ledger: Ledger,
    *,
    as_of: datetime.date,
    snapshot: Snapshot | None = None,
    config: MonitorConfig | None = None,
) -> tuple[Alert, ...]:
    """``PAYMENT_TREND`` when the customer's payment trend is deteriorating.

    The trend is :func:`~credkit.kpi.payment_trends` of the customer's settled invoices;
    when those are too few, the ``trend`` of its latest snapshot.

    >>> from datetime import date
    >>> from credkit.ledger import Customer
    >>> ledger = Ledger(customers=[Customer("C1", "Acme", country="DE", currency="EUR")])
    >>> trend_alerts("C1", ledger, as_of=date(2026, 6, 1),
    ...              snapshot=Snapshot("C1", as_of=date(2026, 5, 31), trend="deteriorating"))[0].figures["source"]
    'snapshot 2026-05-31'
    """
    check_date(as_of, "as_of")
    config = MonitorConfig() if config is None else config
    settled = [s for s in ledger.settlements() if s.customer_id == customer_id]
    trend = payment_trends(
        settled,
        as_of=as_of,
        recent_months=config.trend_recent_months,
        baseline_months=config.trend_baseline_months,
        threshold_days=config.trend_threshold_days,
    ).get(customer_id)
    figures: dict[str, Any]
    if trend is not None and trend.direction is not TrendDirection.INSUFFICIENT_DATA:
        if trend.direction is not TrendDirection.DETERIORATING:
            return ()
        change = trend.change
        figures = {
            "recent_days_late": str(trend.recent_days_late),
            "baseline_days_late": str(trend.baseline_days_late),
            "change": str(change),
            "recent_invoices": trend.recent_invoices,
            "baseline_invoices": trend.baseline_invoices,
            "source": "settlements",
        }
        message = (
            f"paying later: {_days(trend.recent_days_late)} days late (weighted) in the last "
            f"{config.trend_recent_months} months, {_days(trend.baseline_days_late)} before"
        )
    elif snapshot is not None and snapshot.trend == TrendDirection.DETERIORATING.value:
        figures = {"source": f"snapshot {snapshot.as_of.isoformat()}"}
        message = f"payment trend deteriorating (snapshot of {snapshot.as_of.isoformat()})"
    else:
        return ()
    return (
        _alert(
            customer_id,
            as_of,
            "PAYMENT_TREND",
            AlertSeverity.WARNING,
            message,
            (_month(as_of),),
            **figures,
        ),
    )


def overdue_alerts(
    customer_id: str,
    ledger: Ledger,
    *,
    as_of: datetime.date,
    profile: CreditProfile | None = None,
    config: MonitorConfig | None = None,
) -> tuple[Alert, ...]:
    """``OVERDUE_DAYS`` (the oldest overdue invoice) and ``OVERDUE_SHARE`` (``profile``'s share).

    >>> from datetime import date
    >>> from credkit.ledger import Customer, Invoice
    >>> ledger = Ledger(customers=[Customer("C1", "Acme", country="DE", currency="EUR")],
    ...                 invoices=[Invoice("I1", "C1", date(2026, 1, 1), date(2026, 1, 31), Money.of(5, "EUR"))])
    >>> overdue_alerts("C1", ledger, as_of=date(2026, 4, 1))  # 60 days: not more than 60
    ()
    >>> [a.key for a in overdue_alerts("C1", ledger, as_of=date(2026, 4, 2))]
    ['OVERDUE_DAYS:C1:I1']
    """
    check_date(as_of, "as_of")
    config = MonitorConfig() if config is None else config
    found: list[Alert] = []
    overdue = [
        item
        for item in ledger.open_items(as_of, customer_id=customer_id)
        if item.kind is DocumentKind.INVOICE
        and item.amount.is_positive
        and item.days_overdue(as_of) > 0
    ]
    if overdue:
        oldest = min(overdue, key=lambda i: (i.due_date, i.document_id))
        days = oldest.days_overdue(as_of)
        if days > config.overdue_days:
            found.append(
                _alert(
                    customer_id,
                    as_of,
                    "OVERDUE_DAYS",
                    AlertSeverity.WARNING,
                    f"invoice {oldest.document_id} is {days} days past due (more than "
                    f"{config.overdue_days})",
                    (oldest.document_id,),
                    document_id=oldest.document_id,
                    days_overdue=days,
                    threshold=config.overdue_days,
                    amount=_money(oldest.amount),
                )
            )
    share = None if profile is None else profile.overdue_share
    if share is not None and share > config.overdue_share:
        found.append(
            _alert(
                customer_id,
                as_of,
                "OVERDUE_SHARE",
                AlertSeverity.WARNING,
                f"{(share * 100):.1f} % of the open invoices is overdue (more than "
                f"{(config.overdue_share * 100):.1f} %)",
                (_month(as_of),),
                share=str(share),
                threshold=str(config.overdue_share),
                overdue=None if profile is None else _money(profile.overdue_amount),
            )
        )
    return tuple(found)


def exposure_alerts(
    customer_id: str, profile: CreditProfile, *, as_of: datetime.date
) -> tuple[Alert, ...]:
    """``OVER_LIMIT`` when the profile's exposure is more than its limit (none without a limit).

    >>> from datetime import date
    >>> from credkit.policy.exposure import Exposure, ExposureComponent, ExposureKind
    >>> exposure = Exposure((ExposureComponent(ExposureKind.OPEN_RECEIVABLES, Money.of(120, "EUR")),), currency="EUR")
    >>> profile = CreditProfile("C1", as_of=date(2026, 6, 1), exposure=exposure, limit=Money.of(100, "EUR"))
    >>> exposure_alerts("C1", profile, as_of=date(2026, 6, 1))[0].figures["excess"]
    {'amount': '20', 'currency': 'EUR'}
    """
    check_date(as_of, "as_of")
    limit = profile.limit
    if limit is None or profile.exposure_amount <= limit.amount:
        return ()
    exposure = Money(profile.exposure_amount, profile.currency)
    return (
        _alert(
            customer_id,
            as_of,
            "OVER_LIMIT",
            AlertSeverity.CRITICAL,
            f"exposure {_text(exposure)} is over the limit {_text(limit)} by "
            f"{_text(exposure - limit)}",
            (_month(as_of),),
            exposure=_money(exposure),
            limit=_money(limit),
            excess=_money(exposure - limit),
        ),
    )


def bureau_alerts(
    customer_id: str,
    report: BureauReport,
    previous: BureauReport | None = None,
    *,
    as_of: datetime.date,
    config: MonitorConfig | None = None,
    scale: RatingScale | None = None,
) -> tuple[Alert, ...]:
    """``BUREAU_DOWNGRADE`` (``report`` against ``previous``) and ``BUREAU_DEROGATORY``.

    Both reports' ratings (or scores) are mapped onto credkit's risk classes with
    ``scale`` (default: :func:`credkit.bureau.rating_scale`); a fall of
    ``bureau_downgrade_classes`` or more is a downgrade (critical from two classes).
    Each derogatory event dated within ``lookback_days`` before ``as_of`` is an alert,
    keyed by provider, kind and date, so that the same event in later reports is
    stored once.

    >>> import datetime as dt
    >>> from credkit.bureau import BureauReport, DerogatoryEvent
    >>> at = dt.datetime(2026, 9, 1, tzinfo=dt.timezone.utc)
    >>> before = BureauReport("sample", "C1", at - dt.timedelta(days=90), rating="B", rating_scale="sample-class")
    >>> now = BureauReport("sample", "C1", at, rating="D", rating_scale="sample-class",
    ...                    events=[DerogatoryEvent("insolvency", dt.date(2026, 8, 20))])
    >>> [(a.reason, a.severity.value) for a in bureau_alerts("C1", now, before, as_of=dt.date(2026, 9, 1))]
    [('BUREAU_DOWNGRADE', 'critical'), ('BUREAU_DEROGATORY', 'critical')]
    """
    from credkit.bureau import rating_scale as shipped_scale
    from credkit.bureau import report_class

    check_date(as_of, "as_of")
    config = MonitorConfig() if config is None else config
    scale = shipped_scale() if scale is None else scale
    found: list[Alert] = []
    provider = report.provider
    now = report_class(report, scale)
    before = None if previous is None else report_class(previous, scale)
    if now is not None and before is not None:
        fall = scale.rank(now) - scale.rank(before)
        if fall >= config.bureau_downgrade_classes:
            assert previous is not None
            found.append(
                _alert(
                    customer_id,
                    as_of,
                    "BUREAU_DOWNGRADE",
                    AlertSeverity.CRITICAL if fall >= 2 else AlertSeverity.WARNING,
                    f"{provider} rates the company {now} (was {before} on "
                    f"{previous.fetched_at.date().isoformat()})",
                    (provider, report.report_id or report.fetched_at.isoformat()),
                    provider=provider,
                    risk_class=now,
                    previous_class=before,
                    classes_down=fall,
                    rating=report.rating,
                    previous_rating=previous.rating,
                    fetched_at=report.fetched_at.isoformat(),
                )
            )
    for event in report.events:
        if not 0 <= (as_of - event.on).days <= config.lookback_days:
            continue
        kind = event.kind.value
        found.append(
            _alert(
                customer_id,
                as_of,
                "BUREAU_DEROGATORY",
                AlertSeverity.CRITICAL,
                f"{provider} reports {kind.replace('_', ' ')} on {event.on.isoformat()}"
                + (f": {event.description}" if event.description else ""),
                (provider, kind, event.on.isoformat()),
                provider=provider,
                event=kind,
                date=event.on.isoformat(),
                amount=_money(event.amount),
            )
        )
    return tuple(found)


# -- the shell: reading a customer's records, storing, following on ---------------------


def _scheduled(entries: Iterable[AuditEntry]) -> list[tuple[datetime.date, datetime.date]]:
    found = []
    for entry in entries:
        if entry.kind == "review_scheduled":
            payload = entry.payload
            found.append(
                (
                    datetime.date.fromisoformat(payload["scheduled_on"]),
                    datetime.date.fromisoformat(payload["due"]),
                )
            )
    return found


def _reserved(
    desk: CreditDesk, reservations: Iterable[Reservation], currency: str, as_of: Any
) -> Money:
    total = Money.zero(currency)
    for reservation in reservations:
        total += desk._in(reservation.amount, currency, as_of, "reservations")
    return total


def customer_alerts(
    desk: CreditDesk,
    unit: Unit,
    customer_id: str,
    *,
    as_of: datetime.date,
    config: MonitorConfig,
) -> tuple[Alert, ...]:
    """Every detector's alerts for one customer, from the records of ``unit``.

    The store is read, never written; :func:`run_monitor` stores what this finds.
    """
    ledger = unit.ledger(customer_id, as_of=as_of)
    limits = unit.limits(customer_id)
    snapshot = unit.snapshot(customer_id, as_of=as_of)
    customer = unit.customer(customer_id)
    limit = limit_in_force(limits, as_of=as_of)
    currency = customer.currency if limit is None else limit.currency
    profile = build_profile(
        ledger,
        customer_id,
        as_of=as_of,
        limit=limit,
        currency=None if limit is not None else currency,
        open_orders=_reserved(desk, unit.reservations(customer_id), currency, as_of),
        rates=desk.rates,
    )
    risk_class = None if snapshot is None else snapshot.risk_class
    scheduled = _scheduled(unit.audit_log(customer_id))
    return (
        *limit_alerts(customer_id, limits, as_of=as_of, config=config),
        *review_alerts(
            customer_id,
            limits,
            as_of=as_of,
            risk_class=risk_class,
            scheduled=scheduled,
            config=config,
        ),
        *trend_alerts(customer_id, ledger, as_of=as_of, snapshot=snapshot, config=config),
        *overdue_alerts(customer_id, ledger, as_of=as_of, profile=profile, config=config),
        *(exposure_alerts(customer_id, profile, as_of=as_of) if limit is not None else ()),
    )


def _record_fallbacks(
    desk: CreditDesk, unit: Unit, customer_id: str, as_of: datetime.date, user: str
) -> list[LimitFallback]:
    fallbacks = limit_fallbacks(unit.limits(customer_id), as_of=as_of)
    if not fallbacks:
        return []
    logged = {
        e.payload.get("key") for e in unit.audit_log(customer_id) if e.kind == "limit_fallback"
    }
    recorded = []
    for fallback in fallbacks:
        if fallback.key in logged:
            continue
        desk._log(
            unit,
            customer_id,
            "limit_fallback",
            user,
            key=fallback.key,
            on=fallback.on.isoformat(),
            ended=converter.unstructure(fallback.ended),
            base=converter.unstructure(fallback.base),
        )
        recorded.append(fallback)
    return recorded


def _follow_on(
    desk: CreditDesk,
    unit: Unit,
    alert: Alert,
    action: FollowOn,
    as_of: datetime.date,
    at: datetime.datetime,
    config: MonitorConfig,
) -> FollowOnResult:
    customer_id = alert.customer_id
    user = config.user

    def result(done: bool, detail: str) -> FollowOnResult:
        if done:
            desk._log(unit, customer_id, action.value, user, alert=alert.key, detail=detail)
        return FollowOnResult(alert.key, customer_id, action, done=done, detail=detail)

    if action is FollowOn.WATCH:
        added = unit.watch(customer_id, alert.reason, by=user, at=at)
        return result(added, "put on the watch list" if added else "already on the watch list")
    if action is FollowOn.BLOCK_ORDERS:
        entry = unit.watching(customer_id)
        if entry is not None and entry.block_orders:
            return result(False, "new orders are blocked already")
        if entry is not None:
            unit.unwatch(customer_id)
        unit.watch(customer_id, alert.reason, by=user, at=at, block_orders=True)
        return result(True, "new orders blocked (on the watch list)")
    if action is FollowOn.SCHEDULE_REVIEW:
        due = as_of + datetime.timedelta(days=config.review_within_days)
        extra = {"scheduled_on": as_of.isoformat(), "due": due.isoformat()}
        desk._log(unit, customer_id, "review_scheduled", user, alert=alert.key, **extra)
        return FollowOnResult(
            alert.key, customer_id, action, done=True, detail=f"review due {due.isoformat()}"
        )
    return _request_change(desk, unit, alert, as_of, config)


def _request_change(
    desk: CreditDesk, unit: Unit, alert: Alert, as_of: datetime.date, config: MonitorConfig
) -> FollowOnResult:
    customer_id = alert.customer_id
    action = FollowOn.REQUEST_LIMIT_CHANGE
    current = limit_in_force(unit.limits(customer_id), as_of=as_of)
    if current is None or current.amount is None:
        return FollowOnResult(
            alert.key, customer_id, action, done=False, detail="no finite limit in force"
        )
    amount = current.amount * config.limit_change_factor
    step = Decimal(1).scaleb(-_places(current.amount))
    amount = Money(amount.amount.quantize(step, rounding=ROUND_DOWN), amount.currency)
    request = LimitRequest.draft(
        f"LR-{alert.key}",
        customer_id,
        amount,
        requested_by=Approver(config.user),
        on=as_of,
        current_limit=current,
        justification=alert.message,
    )
    band = (
        None
        if desk.approvals is None
        else route(request, desk.approvals, rates=desk.rates).describe()
    )
    detail = f"limit request {request.id} for {_text(amount)} (now {_text(current.amount)})"
    if band is not None:
        detail += f"; approval: {band}"
    desk._log(
        unit,
        customer_id,
        "limit_request",
        config.user,
        alert=alert.key,
        request=converter.unstructure(request),
        band=band,
    )
    return FollowOnResult(alert.key, customer_id, action, done=True, detail=detail)


def _places(money: Money) -> int:
    return money.minor_units


def _store(
    desk: CreditDesk,
    unit: Unit,
    alerts: Sequence[Alert],
    as_of: datetime.date,
    at: datetime.datetime,
    config: MonitorConfig,
) -> tuple[list[Alert], list[FollowOnResult]]:
    new: list[Alert] = []
    actions: list[FollowOnResult] = []
    for alert in alerts:
        if not unit.save_alert(alert):
            continue
        new.append(alert)
        for action in config.actions.get(alert.reason, ()):
            actions.append(_follow_on(desk, unit, alert, action, as_of, at, config))
    return new, actions


def run_monitor(
    desk: CreditDesk,
    as_of: datetime.date,
    *,
    config: MonitorConfig | None = None,
    customer_ids: Iterable[str] | None = None,
    bureau: Bureau | None = None,
    subjects: Mapping[str, str] | None = None,
    scale: RatingScale | None = None,
) -> MonitorRun:
    """Run every detector over every customer (or ``customer_ids``) as of ``as_of``.

    Each customer is one unit of work: its alerts are stored (each key once), the
    follow-ons of the new ones run and are logged, and limit fall-backs are recorded,
    or nothing is. A customer whose records cannot be read as they are (say, a
    reservation in a currency the desk has no rate for) is reported in ``problems``
    and the run goes on.

    With a ``bureau`` (best a :class:`~credkit.bureau.CachedBureau`, so that a run
    costs no new reports), each customer's report as of ``as_of`` is compared with the
    one before it (:func:`bureau_alerts`): the report before it in the bureau's
    ``history()`` when it keeps one (:class:`~credkit.bureau.FileBureau`), else the
    latest the store's bureau cache holds from before it. ``subjects`` maps customer
    ids to the bureau's subject ids (default: the same id); a bureau that cannot
    answer for a customer is a problem of the run, the other detectors still run.
    """
    check_date(as_of, "as_of")
    config = default_monitor_config() if config is None else config
    if not isinstance(config, MonitorConfig):
        raise ValidationError(f"config: expected a MonitorConfig, got {describe(config)}")
    with desk.store.unit() as unit:
        ids = tuple(unit.customer_ids() if customer_ids is None else customer_ids)
    at = desk.clock()
    found: list[Alert] = []
    new: list[Alert] = []
    actions: list[FollowOnResult] = []
    fallbacks: list[LimitFallback] = []
    problems: list[MonitorProblem] = []
    for customer_id in ids:
        report: BureauReport | None = None
        previous: BureauReport | None = None
        if bureau is not None:
            subject = (subjects or {}).get(customer_id, customer_id)
            try:
                report = bureau.report(subject, as_of=as_of)
                previous = _history_before(bureau, report)
            except BureauError as error:
                problems.append(MonitorProblem(customer_id, f"bureau: {error}"))

        def work(
            unit: Unit,
            customer_id: str = customer_id,
            report: BureauReport | None = report,
            previous: BureauReport | None = previous,
        ) -> tuple[tuple[Alert, ...], list[Alert], list[FollowOnResult], list[LimitFallback]]:
            alerts = customer_alerts(desk, unit, customer_id, as_of=as_of, config=config)
            if report is not None:
                before = previous or _cached_before(unit, report)
                alerts += bureau_alerts(
                    customer_id, report, before, as_of=as_of, config=config, scale=scale
                )
            stored, done = _store(desk, unit, alerts, as_of, at, config)
            recorded = _record_fallbacks(desk, unit, customer_id, as_of, config.user)
            return alerts, stored, done, recorded

        try:
            alerts, stored, done, recorded = desk._atomic(work, customer_id)
        except CredkitError as error:
            problems.append(MonitorProblem(customer_id, str(error)))
            continue
        found += alerts
        new += stored
        actions += done
        fallbacks += recorded
    return MonitorRun(
        as_of=as_of,
        config_id=config.id,
        config_version=config.version,
        customers=len(ids),
        found=tuple(found),
        new=tuple(new),
        actions=tuple(actions),
        fallbacks=tuple(fallbacks),
        problems=tuple(problems),
    )


def _history_before(bureau: Bureau, report: BureauReport) -> BureauReport | None:
    history = getattr(bureau, "history", None)
    if not callable(history):
        return None
    earlier = [r for r in history(report.subject_id) if r.fetched_at < report.fetched_at]
    found: BureauReport | None = earlier[-1] if earlier else None
    return found


def _cached_before(unit: Unit, report: BureauReport) -> BureauReport | None:
    from credkit.bureau import BureauReport

    before = report.fetched_at - datetime.timedelta(microseconds=1)
    entry = unit.cached_report(report.provider, report.subject_id, as_of=before)
    return None if entry is None else BureauReport.from_entry(entry)


def profile_flags(entry: WatchEntry | None) -> dict[str, bool]:
    """The ``blocked`` and ``watch_list`` flags of a credit profile, from a watch-list entry.

    Pass them to :func:`~credkit.policy.build_profile` (``**profile_flags(unit.watching(id))``)
    so that the ``customer_blocked`` and watch-list rules see what the monitor decided.

    >>> from datetime import datetime, timezone
    >>> at = datetime(2026, 6, 1, tzinfo=timezone.utc)
    >>> profile_flags(None), profile_flags(WatchEntry("C1", "OVER_LIMIT", by="m", at=at, block_orders=True))
    ({'blocked': False, 'watch_list': False}, {'blocked': True, 'watch_list': True})
    """
    if entry is None:
        return {"blocked": False, "watch_list": False}
    return {"blocked": entry.block_orders, "watch_list": True}


# -- notifications and acknowledgements --------------------------------------------


_severity = enum_converter(AlertSeverity)


def _to_severity(value: object) -> Any:
    return _severity(value)


def _code(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    check_text(value, attribute.name)
    assert isinstance(value, str)
    if not _CODE.match(value):
        raise ValidationError(
            f"{attribute.name}: {value!r} is not a reason code (upper case letters, digits "
            "and underscores, such as BUREAU_DOWNGRADE)"
        )


@attrs.frozen
class Notification:
    """A change pushed by an outside source (a bureau's monitoring feed) about a customer.

    ``source`` names the sender (a bureau provider) and ``event_id`` its id for the
    event: together they make the alert's key, so the same event delivered twice is
    stored once.

    >>> from datetime import date
    >>> Notification("C1", on=date(2026, 6, 1), reason="BUREAU_DEROGATORY", severity="critical",
    ...              message="insolvency filed", source="creditsafe", event_id="EV-7").to_alert().key
    'BUREAU_DEROGATORY:C1:creditsafe:EV-7'
    """

    customer_id: str = attrs.field(validator=text)
    on: datetime.date = attrs.field(kw_only=True, validator=is_date)
    reason: str = attrs.field(kw_only=True, validator=_code)
    severity: AlertSeverity = attrs.field(
        kw_only=True, converter=_to_severity, validator=one_of(AlertSeverity)
    )
    message: str = attrs.field(kw_only=True, validator=text)
    source: str = attrs.field(kw_only=True, validator=text)
    event_id: str = attrs.field(kw_only=True, validator=text)
    figures: Mapping[str, Any] = attrs.field(factory=dict, kw_only=True, converter=dict)

    def to_alert(self) -> Alert:
        """The alert this notification becomes (found on ``on``).

        >>> from datetime import date
        >>> Notification("C1", on=date(2026, 6, 1), reason="BUREAU_DOWNGRADE", severity="warning",
        ...              message="B to C", source="dnb", event_id="1",
        ...              figures={"from": "B", "to": "C"}).to_alert().figures["source"]
        'dnb'
        """
        return Alert(
            self.customer_id,
            on=self.on,
            reason=self.reason,
            severity=self.severity,
            figures={**self.figures, "source": self.source, "event_id": self.event_id},
            message=self.message,
            key=alert_key(self.reason, self.customer_id, self.source, self.event_id),
        )


def notify(
    desk: CreditDesk,
    notifications: Notification | Iterable[Notification],
    *,
    config: MonitorConfig | None = None,
) -> MonitorRun:
    """Store pushed notifications as alerts, each once, and run their follow-ons.

    The same path as a monitoring run: one unit per customer, the follow-ons of
    ``config`` for each new alert, everything logged. The run's ``as_of`` is the
    latest notification's day.
    """
    given = [notifications] if isinstance(notifications, Notification) else list(notifications)
    for index, notification in enumerate(given):
        if not isinstance(notification, Notification):
            raise ValidationError(
                f"notifications[{index}]: expected a Notification, got {describe(notification)}"
            )
    config = default_monitor_config() if config is None else config
    at = desk.clock()
    by_customer: dict[str, list[Alert]] = {}
    for notification in given:
        by_customer.setdefault(notification.customer_id, []).append(notification.to_alert())
    found: list[Alert] = []
    new: list[Alert] = []
    actions: list[FollowOnResult] = []
    for customer_id, alerts in by_customer.items():

        def work(
            unit: Unit, alerts: list[Alert] = alerts
        ) -> tuple[list[Alert], list[FollowOnResult]]:
            stored, done = [], []
            for alert in alerts:
                s, d = _store(desk, unit, [alert], alert.on, at, config)
                stored += s
                done += d
            return stored, done

        stored, done = desk._atomic(work, customer_id)
        found += alerts
        new += stored
        actions += done
    days = [n.on for n in given]
    return MonitorRun(
        as_of=max(days) if days else at.date(),
        config_id=config.id,
        config_version=config.version,
        customers=len(by_customer),
        found=tuple(found),
        new=tuple(new),
        actions=tuple(actions),
    )


def acknowledge_alert(desk: CreditDesk, key: str, *, user: str, note: str | None = None) -> Alert:
    """``user`` acknowledges the alert under ``key``; logged in the customer's audit log.

    Needs the ``acknowledge`` right of the desk's authorizer (a denied attempt is
    logged too and raises :class:`~credkit.errors.PermissionDenied`). An alert
    acknowledged already keeps its first acknowledgement and nothing is logged.
    """
    check_text(key, "key")
    check_text(user, "user")
    with desk.store.unit() as unit:
        stored = unit.alert(key)
    if stored is None:
        raise ValidationError(f"key: no alert {key!r}")
    customer_id = stored.customer_id
    desk._authorize([user], Action.ACKNOWLEDGE, customer_id)

    def work(unit: Unit) -> Alert:
        before = unit.alert(key)
        done = unit.acknowledge(key, by=user, at=desk.clock(), note=note)
        if before is not None and before.is_open:
            desk._log(
                unit, customer_id, "acknowledge", user, alert=key, reason=done.reason, note=note
            )
        return done

    return desk._atomic(work, customer_id)
