"""The built-in credit rules, each a frozen value with parameters and stable reason codes.

A rule reads a :class:`~credkit.policy.profile.CreditProfile` and an
:class:`~credkit.policy.order.OrderRequest` and returns a
:class:`~credkit.policy.result.RuleResult`: passed, or failed with a reason code and a
message that carries the numbers. "The customer is over the limit" is a result,
not an exception; rules raise only when misused (an order in another currency, a
rule amount in a currency the profile does not use).

Comparisons are exact and the boundaries are stated on each rule: a limit is
exceeded only when the exposure *plus* the order goes *above* it, so an order that
brings the customer exactly to the limit passes and one cent more fails.

Rules that read a figure the profile may lack (score, payment index, overdue
figures, review date, risk class) take ``when_missing``: ``"fail"`` (the default:
an order is never approved because nobody looked) or ``"pass"``. A missing figure
that fails reports its own reason code (``SCORE_MISSING``, ...).

Each rule has a ``name`` (the key that selects it in a policy document), a main
``code`` and the tuple of every code it can report (``codes``); the rules reference
of the documentation lists them all. Each built-in rule states when it fails as a
:class:`Condition`, which a :class:`~credkit.policy.policy.Policy` compiles inline,
and what it reports then (``explain``).

>>> from datetime import date
>>> from credkit.policy.exposure import Exposure, ExposureComponent
>>> from credkit.policy.order import OrderRequest
>>> from credkit.policy.profile import CreditProfile
>>> profile = CreditProfile(
...     "C-100",
...     as_of=date(2026, 11, 23),
...     limit=Money.of("120000.00", "EUR"),
...     exposure=Exposure(
...         (ExposureComponent("open_receivables", Money.of("118400.00", "EUR")),), currency="EUR"
...     ),
... )
>>> order = OrderRequest("SO-1", Money.of("12000.00", "EUR"), order_date=date(2026, 11, 23))
>>> result = StaticLimit().evaluate(profile, order)
>>> result.passed, result.code
(False, 'LIMIT_EXCEEDED')
>>> result.message
'exposure 118,400.00 EUR + order 12,000.00 EUR exceeds limit 120,000.00 EUR'
>>> StaticLimit(tolerance="0.1").evaluate(profile, order).passed
True
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, ClassVar, Protocol, TypeAlias, runtime_checkable

import attrs

from credkit._checks import (
    describe,
    non_negative_money,
    plain_amount,
    plain_number,
    text,
    to_number,
)
from credkit.errors import CurrencyMismatchError, PolicyError, ValidationError
from credkit.money import Money
from credkit.policy._common import (
    enum_converter,
    enum_validator,
    fraction,
    frozen_mapping,
    number,
    whole,
)
from credkit.policy.exposure import ExposureComponent, ExposureKind
from credkit.policy.order import OrderRequest
from credkit.policy.profile import CreditProfile
from credkit.policy.result import RuleResult, WhenMissing

__all__ = [
    "BUILTIN_RULE_TYPES",
    "Check",
    "Condition",
    "CustomerBlocked",
    "DunningLevel",
    "DynamicLimit",
    "GroupLimit",
    "LimitValidity",
    "MaxOrderValue",
    "OverdueAmount",
    "OverdueShare",
    "OverdueTooOld",
    "PaymentIndexFloor",
    "RequireLimit",
    "ReviewOverdue",
    "RiskClassBlocked",
    "Rule",
    "ScoreFloor",
    "StaticLimit",
    "SubLimits",
    "WatchList",
    "builtin",
    "check_inputs",
]

Check: TypeAlias = Callable[[CreditProfile, OrderRequest], RuleResult | None]
"""A compiled rule: ``None`` when the order passes, the failed result otherwise."""


@runtime_checkable
class Rule(Protocol):
    """What a policy needs of a rule.

    ``name`` selects the rule in documents, ``code`` is its main reason code;
    ``applies_to_prepaid`` says whether it is still checked for prepaid orders and
    orders that add no exposure. ``evaluate`` returns a result, passed or failed;
    ``compile`` returns the fast form a policy calls on every order: a callable that
    returns ``None`` when the order passes (no result object is built for passing
    rules) and the failed :class:`~credkit.policy.result.RuleResult` otherwise.
    Every built-in rule and every registered custom rule is a ``Rule``.

    >>> isinstance(StaticLimit(), Rule)
    True
    """

    @property
    def name(self) -> str:
        """The rule's name in policy documents."""
        ...

    @property
    def code(self) -> str:
        """The main reason code."""
        ...

    @property
    def applies_to_prepaid(self) -> bool:
        """Whether prepaid and exposure-reducing orders are still checked by this rule."""
        ...

    def evaluate(self, profile: CreditProfile, order: OrderRequest) -> RuleResult:
        """The finding for ``order`` against ``profile``, passed or failed."""
        ...

    def compile(self) -> Check:
        """The fast form: ``None`` for a pass, the failed result otherwise."""
        ...


def check_inputs(profile: object, order: object) -> None:
    """Refuse a profile or order of the wrong type, or an order in another currency.

    >>> from datetime import date
    >>> from credkit.policy.exposure import Exposure
    >>> profile = CreditProfile("C-1", as_of=date(2026, 11, 23), exposure=Exposure((), currency="EUR"))
    >>> check_inputs(profile, OrderRequest("SO-1", Money.of(5, "USD"), order_date=date(2026, 11, 23)))
    Traceback (most recent call last):
    ...
    credkit.errors.CurrencyMismatchError: order.amount: 5 USD is not in the profile's currency EUR; convert the order with credkit.fx.convert first
    """
    if not isinstance(profile, CreditProfile):
        raise ValidationError(f"profile: expected a CreditProfile, got {describe(profile)}")
    if not isinstance(order, OrderRequest):
        raise ValidationError(f"order: expected an OrderRequest, got {describe(order)}")
    if order.amount.currency != profile.currency:
        raise CurrencyMismatchError(
            f"order.amount: {order.amount} is not in the profile's currency {profile.currency}; "
            "convert the order with credkit.fx.convert first"
        )
    if order.customer_id is not None and order.customer_id != profile.customer_id:
        raise ValidationError(
            f"order.customer_id: {order.customer_id!r} is not the profile's customer "
            f"{profile.customer_id!r}"
        )


# -- conditions ------------------------------------------------------------------------


@attrs.frozen
class Condition:
    """When a built-in rule fails, as one Python expression: what a policy compiles inline.

    ``source`` is an expression over ``p`` (the profile) and ``amount`` (the order's
    amount as a ``Decimal``) that is true when the rule fails. It names the rule's
    parameters as ``{placeholders}``, bound to ``values`` when the expression is
    compiled, so no parameter is ever pasted into code. A
    :class:`~credkit.policy.policy.Policy` joins the conditions of its built-in
    rules into one generated function, the way attrs and cattrs generate their
    methods, so that checking an order costs about what a hand-written chain of
    ``if`` statements costs; :meth:`function` compiles a condition on its own.

    >>> condition = ScoreFloor(min_score=500).condition()
    >>> condition.source
    'p.score is None or (p.score < {floor})'
    >>> condition.values
    mappingproxy({'floor': Decimal('500')})
    """

    source: str = attrs.field(validator=text)
    values: Mapping[str, Any] = attrs.field(factory=dict, converter=frozen_mapping, hash=False)

    def bind(self, prefix: str) -> tuple[str, dict[str, Any]]:
        """The source with each placeholder renamed ``prefix + name``, and those names' values.

        >>> ScoreFloor(min_score=500).condition().bind("c3_")
        ('(p.score is None or (p.score < c3_floor))', {'c3_floor': Decimal('500')})
        """
        names = {key: f"{prefix}{key}" for key in self.values}
        source = "(" + self.source.format(**names) + ")"
        return source, {names[key]: value for key, value in self.values.items()}

    def function(self) -> Callable[[CreditProfile, Decimal], bool]:
        """The condition as a function of the profile and the order amount.

        >>> from datetime import date
        >>> from credkit.policy.exposure import Exposure
        >>> fails = ScoreFloor(min_score=500).condition().function()
        >>> fails(CreditProfile("C-1", as_of=date(2026, 11, 23), exposure=Exposure((), currency="EUR"), score=499), Decimal(1))
        True
        """
        source, namespace = self.bind("_")
        code = compile(f"lambda p, amount: {source}", "<credkit rule condition>", "eval")
        function: Callable[[CreditProfile, Decimal], bool] = eval(  # our own source
            code, {"__builtins__": {}, **namespace}
        )
        return function


def _guard(field: str, test: str, when_missing: WhenMissing) -> str:
    """``test`` on ``p.field``, with what happens when the field is ``None``."""
    if when_missing is WhenMissing.FAIL:
        return f"p.{field} is None or ({test})"
    return f"p.{field} is not None and ({test})"


def _factor(tolerance: Decimal) -> Decimal:
    return 1 + tolerance


# -- shared parts ----------------------------------------------------------------------


def _tolerance(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    fraction(instance, attribute, value)


_to_when_missing_value = enum_converter(WhenMissing)
_check_when_missing = enum_validator(WhenMissing)
_to_kind_value = enum_converter(ExposureKind)
_check_kind = enum_validator(ExposureKind)


def _to_when_missing(value: object) -> Any:
    return _to_when_missing_value(value)


def _to_kind(value: object) -> Any:
    return _to_kind_value(value)


def _share(value: Decimal) -> str:
    return plain_number((value * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)) + " %"


def _cap_text(limit: Decimal, tolerance: Decimal, currency: str) -> str:
    if tolerance == 0:
        return plain_amount(limit, currency)
    return (
        f"{plain_amount(limit, currency)} + {_share(tolerance)} tolerance "
        f"= {plain_amount(limit * (1 + tolerance), currency)}"
    )


@attrs.frozen
class _RefuseCurrency:
    """Raise :class:`PolicyError` for a rule amount in another currency than the profile's."""

    rule: str
    field: str
    amount: Money

    def __call__(self, profile: CreditProfile) -> bool:
        raise PolicyError(
            f"{self.rule}.{self.field}: {self.amount} is in another currency than the profile "
            f"({profile.currency}); use a policy written for that currency, or convert the profile"
        )


def _missing_result(rule: str, code: str, figure: str) -> RuleResult:
    return RuleResult(
        rule, code, False, f"no {figure} on the profile; fails as when_missing is 'fail'"
    )


@attrs.frozen
class _Builtin:
    """Behaviour shared by the built-in rules; the subclasses hold the parameters.

    A subclass says when it fails (:meth:`condition`) and what it reports when it
    does (:meth:`explain`); :meth:`failure`, :meth:`evaluate` and :meth:`compile`
    follow from those two, so a rule checked on its own and the same rule inlined
    in a compiled policy cannot disagree.
    """

    name: ClassVar[str]
    code: ClassVar[str]
    codes: ClassVar[tuple[str, ...]]
    applies_to_prepaid: ClassVar[bool] = False
    figure: ClassVar[tuple[str, str] | None] = None  # (profile field, words) it may lack

    _fails: Callable[[CreditProfile, Decimal], bool] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_fails", self.condition().function())

    def condition(self) -> Condition:
        """When this rule fails, as a :class:`Condition`."""
        raise NotImplementedError  # pragma: no cover - every subclass defines it

    def explain(self, profile: CreditProfile, order: OrderRequest) -> RuleResult:
        """The failed result for an order that meets :meth:`condition` (with the numbers)."""
        raise NotImplementedError  # pragma: no cover - every subclass defines it

    def failure(self, profile: CreditProfile, order: OrderRequest) -> RuleResult | None:
        """``None`` when ``order`` passes, the failed result otherwise (inputs are not checked).

        >>> from datetime import date
        >>> from credkit.policy.exposure import Exposure
        >>> profile = CreditProfile("C-1", as_of=date(2026, 11, 23), exposure=Exposure((), currency="EUR"))
        >>> order = OrderRequest("SO-1", Money.of(5, "EUR"), order_date=date(2026, 11, 23))
        >>> WatchList().failure(profile, order) is None
        True
        """
        if self._fails(profile, order.amount.amount):
            return self.explain(profile, order)
        return None

    def evaluate(self, profile: CreditProfile, order: OrderRequest) -> RuleResult:
        """The finding for ``order`` against ``profile``: passed or failed, with the numbers.

        >>> from datetime import date
        >>> from credkit.policy.exposure import Exposure
        >>> profile = CreditProfile("C-1", as_of=date(2026, 11, 23), exposure=Exposure((), currency="EUR"))
        >>> order = OrderRequest("SO-1", Money.of(5, "EUR"), order_date=date(2026, 11, 23))
        >>> ScoreFloor(min_score=500, when_missing="pass").evaluate(profile, order).message
        "no score on the profile; passes as when_missing is 'pass'"
        """
        check_inputs(profile, order)
        result = self.failure(profile, order)
        if result is not None:
            return result
        message = "passed"
        if self.figure is not None and getattr(profile, self.figure[0]) is None:
            message = f"no {self.figure[1]} on the profile; passes as when_missing is 'pass'"
        return RuleResult(self.name, self.code, True, message)

    def compile(self) -> Check:
        """The fast form for code that calls rules one by one: the bound :meth:`failure`.

        A :class:`~credkit.policy.policy.Policy` inlines the :meth:`condition` instead.

        >>> WatchList().compile().__name__
        'failure'
        """
        return self.failure


# -- limits ----------------------------------------------------------------------------


def _when_missing_field() -> Any:
    """The ``when_missing`` parameter of the rules that read figures a profile may lack."""
    return attrs.field(
        default=WhenMissing.FAIL,
        kw_only=True,
        converter=_to_when_missing,
        validator=_check_when_missing,
    )


@attrs.frozen
class StaticLimit(_Builtin):
    """Exposure plus the order must not go above the limit, with an optional tolerance.

    Fails with ``LIMIT_EXCEEDED`` when
    ``exposure total + order amount > limit x (1 + tolerance)``. ``tolerance`` is a
    fraction (``0.05`` lets the exposure run 5 % over). A profile without a limit
    (``limit=None``) passes: no limit means none to exceed; add
    :class:`RequireLimit` to insist on one. A limit of zero is a limit of zero.

    >>> StaticLimit(tolerance=5)
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: tolerance: must be from 0 to 1 (a fraction such as 0.05 for 5 %), got 5
    """

    name: ClassVar[str] = "static_limit"
    code: ClassVar[str] = "LIMIT_EXCEEDED"
    codes: ClassVar[tuple[str, ...]] = ("LIMIT_EXCEEDED",)

    tolerance: Decimal = attrs.field(
        default=Decimal(0), kw_only=True, converter=to_number, validator=_tolerance
    )

    def condition(self) -> Condition:
        """``limit is set and exposure + amount > limit x (1 + tolerance)``.

        >>> StaticLimit().condition().source
        'p.limit_amount is not None and p.exposure_amount + amount > p.limit_amount'
        """
        test = "p.limit_amount is not None and p.exposure_amount + amount > p.limit_amount"
        if self.tolerance == 0:
            return Condition(test)
        return Condition(test + " * {factor}", {"factor": _factor(self.tolerance)})

    def explain(self, profile: CreditProfile, order: OrderRequest) -> RuleResult:
        """``exposure ... + order ... exceeds limit ...``."""
        currency = profile.currency
        limit = profile.limit_amount
        assert limit is not None
        return RuleResult(
            self.name,
            "LIMIT_EXCEEDED",
            False,
            f"exposure {plain_amount(profile.exposure_amount, currency)} + order "
            f"{plain_amount(order.amount.amount, currency)} exceeds limit "
            f"{_cap_text(limit, self.tolerance, currency)}",
        )


def _exposure_within(profile: CreditProfile, horizon: datetime.timedelta) -> Decimal:
    cutoff = profile.as_of + horizon
    total = Decimal(0)
    for component in profile.exposure.components:
        if component.included_in_total:
            total += component.within(cutoff)
    return total


def _horizon(days: int) -> datetime.timedelta:
    return datetime.timedelta(days=days)


@attrs.frozen
class DynamicLimit(_Builtin):
    """Like :class:`StaticLimit`, counting only the exposure that arises within a horizon.

    The exposure counted is :meth:`Exposure.within(as_of + horizon_days)
    <credkit.policy.exposure.Exposure.within>`: unscheduled components in full,
    scheduled ones (open orders with delivery dates, say) only for the parts dated
    within the horizon. The order itself always counts. Fails with
    ``DYNAMIC_LIMIT`` when that plus the order is above
    ``limit x (1 + tolerance)``; no limit passes. This is the "dynamic" check of
    ERP credit management (SAP SD's credit horizon, for example), which lets a
    customer carry orders for delivery far ahead without blocking today's.

    >>> DynamicLimit(horizon_days=30).horizon_days
    30
    """

    name: ClassVar[str] = "dynamic_limit"
    code: ClassVar[str] = "DYNAMIC_LIMIT"
    codes: ClassVar[tuple[str, ...]] = ("DYNAMIC_LIMIT",)

    horizon_days: int = attrs.field(kw_only=True, validator=whole(0))
    tolerance: Decimal = attrs.field(
        default=Decimal(0), kw_only=True, converter=to_number, validator=_tolerance
    )

    def condition(self) -> Condition:
        """``limit is set and exposure within the horizon + amount > limit x (1 + tolerance)``.

        >>> DynamicLimit(horizon_days=30).condition().source
        'p.limit_amount is not None and {within}(p, {horizon}) + amount > p.limit_amount * {factor}'
        """
        return Condition(
            "p.limit_amount is not None and {within}(p, {horizon}) + amount "
            "> p.limit_amount * {factor}",
            {
                "within": _exposure_within,
                "horizon": _horizon(self.horizon_days),
                "factor": _factor(self.tolerance),
            },
        )

    def explain(self, profile: CreditProfile, order: OrderRequest) -> RuleResult:
        """``exposure within N days ... + order ... exceeds limit ...``."""
        currency = profile.currency
        limit = profile.limit_amount
        assert limit is not None
        counted = _exposure_within(profile, _horizon(self.horizon_days))
        return RuleResult(
            self.name,
            "DYNAMIC_LIMIT",
            False,
            f"exposure within {self.horizon_days} days {plain_amount(counted, currency)} + order "
            f"{plain_amount(order.amount.amount, currency)} exceeds limit "
            f"{_cap_text(limit, self.tolerance, currency)}",
        )


@attrs.frozen
class RequireLimit(_Builtin):
    """The customer must have a limit: fails with ``NO_LIMIT`` when ``limit`` is ``None``.

    >>> RequireLimit().condition().source
    'p.limit_amount is None'
    """

    name: ClassVar[str] = "require_limit"
    code: ClassVar[str] = "NO_LIMIT"
    codes: ClassVar[tuple[str, ...]] = ("NO_LIMIT",)

    def condition(self) -> Condition:
        """``no limit``."""
        return Condition("p.limit_amount is None")

    def explain(self, profile: CreditProfile, order: OrderRequest) -> RuleResult:
        """``no credit limit on the profile``."""
        return RuleResult(self.name, "NO_LIMIT", False, "no credit limit on the profile")


@attrs.frozen
class LimitValidity(_Builtin):
    """The limit must be in force on the profile's date.

    Fails with ``LIMIT_EXPIRED`` when ``as_of`` is after ``limit_valid_to`` and
    with ``LIMIT_NOT_YET_VALID`` when it is before ``limit_valid_from`` (both dates
    are inclusive: a limit valid to 30 November is still in force that day). Open
    dates (``None``) never fail, and neither does a profile without a limit (see
    :class:`RequireLimit`).

    >>> LimitValidity().codes
    ('LIMIT_EXPIRED', 'LIMIT_NOT_YET_VALID')
    """

    name: ClassVar[str] = "limit_validity"
    code: ClassVar[str] = "LIMIT_EXPIRED"
    codes: ClassVar[tuple[str, ...]] = ("LIMIT_EXPIRED", "LIMIT_NOT_YET_VALID")

    def condition(self) -> Condition:
        """``limit is set and (as_of after valid_to or before valid_from)``."""
        return Condition(
            "p.limit_amount is not None and ("
            "(p.limit_valid_to is not None and p.as_of > p.limit_valid_to) or "
            "(p.limit_valid_from is not None and p.as_of < p.limit_valid_from))"
        )

    def explain(self, profile: CreditProfile, order: OrderRequest) -> RuleResult:
        """``limit expired on ...`` or ``limit is valid from ...``."""
        valid_to = profile.limit_valid_to
        if valid_to is not None and profile.as_of > valid_to:
            return RuleResult(
                self.name,
                "LIMIT_EXPIRED",
                False,
                f"limit expired on {valid_to.isoformat()}, "
                f"{(profile.as_of - valid_to).days} days before {profile.as_of.isoformat()}",
            )
        valid_from = profile.limit_valid_from
        assert valid_from is not None
        return RuleResult(
            self.name,
            "LIMIT_NOT_YET_VALID",
            False,
            f"limit is valid from {valid_from.isoformat()}, not yet on {profile.as_of.isoformat()}",
        )


@attrs.frozen
class ReviewOverdue(_Builtin):
    """The credit review must not be overdue.

    Fails with ``REVIEW_OVERDUE`` when ``as_of`` is more than ``grace_days`` after
    ``next_review`` (a review due today is not overdue). Without a review date,
    ``when_missing`` decides (``REVIEW_DATE_MISSING``).

    >>> ReviewOverdue(grace_days=14).grace_days
    14
    """

    name: ClassVar[str] = "review_overdue"
    code: ClassVar[str] = "REVIEW_OVERDUE"
    codes: ClassVar[tuple[str, ...]] = ("REVIEW_OVERDUE", "REVIEW_DATE_MISSING")
    figure: ClassVar[tuple[str, str] | None] = ("next_review", "review date")

    grace_days: int = attrs.field(default=0, kw_only=True, validator=whole(0))
    when_missing: WhenMissing = _when_missing_field()

    def condition(self) -> Condition:
        """``as_of - next_review > grace``, with ``when_missing`` for no review date."""
        return Condition(
            _guard("next_review", "p.as_of - p.next_review > {grace}", self.when_missing),
            {"grace": _horizon(self.grace_days)},
        )

    def explain(self, profile: CreditProfile, order: OrderRequest) -> RuleResult:
        """``credit review was due on ..., N days before ...``."""
        due = profile.next_review
        if due is None:
            return _missing_result(self.name, "REVIEW_DATE_MISSING", "review date")
        late = (profile.as_of - due).days
        grace = f" (grace {self.grace_days} days)" if self.grace_days else ""
        return RuleResult(
            self.name,
            "REVIEW_OVERDUE",
            False,
            f"credit review was due on {due.isoformat()}, {late} days before "
            f"{profile.as_of.isoformat()}{grace}",
        )


@attrs.frozen
class MaxOrderValue(_Builtin):
    """One order may not be worth more than ``max_amount``.

    Fails with ``MAX_ORDER_VALUE`` when the order amount is above ``max_amount``
    (exactly ``max_amount`` passes). ``max_amount`` must be in the profile's
    currency; another currency raises :class:`~credkit.errors.PolicyError`.

    >>> MaxOrderValue(max_amount=Money.of("50000", "EUR")).max_amount
    Money('50000', 'EUR')
    """

    name: ClassVar[str] = "max_order_value"
    code: ClassVar[str] = "MAX_ORDER_VALUE"
    codes: ClassVar[tuple[str, ...]] = ("MAX_ORDER_VALUE",)

    max_amount: Money = attrs.field(kw_only=True, validator=non_negative_money)

    def condition(self) -> Condition:
        """``amount > max_amount`` (another currency raises)."""
        return Condition(
            "{refuse}(p) if p.currency != {currency} else amount > {maximum}",
            {
                "refuse": _RefuseCurrency(self.name, "max_amount", self.max_amount),
                "currency": self.max_amount.currency,
                "maximum": self.max_amount.amount,
            },
        )

    def explain(self, profile: CreditProfile, order: OrderRequest) -> RuleResult:
        """``order ... is above the maximum order value ...``."""
        return RuleResult(
            self.name,
            "MAX_ORDER_VALUE",
            False,
            f"order {plain_amount(order.amount.amount, profile.currency)} is above the maximum "
            f"order value {plain_amount(self.max_amount.amount, self.max_amount.currency)}",
        )


# -- overdue and dunning ---------------------------------------------------------------


@attrs.frozen
class OverdueTooOld(_Builtin):
    """The oldest overdue item may not be more than ``max_days`` past due.

    Fails with ``OVERDUE_TOO_OLD`` when ``oldest_overdue_days > max_days``
    (exactly ``max_days`` passes; ``max_days = 0`` holds on anything overdue).
    Without overdue days, ``when_missing`` decides (``OVERDUE_DAYS_MISSING``).

    >>> OverdueTooOld(max_days=-1)
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: max_days: must be 0 or more, got -1
    """

    name: ClassVar[str] = "overdue_too_old"
    code: ClassVar[str] = "OVERDUE_TOO_OLD"
    codes: ClassVar[tuple[str, ...]] = ("OVERDUE_TOO_OLD", "OVERDUE_DAYS_MISSING")
    figure: ClassVar[tuple[str, str] | None] = ("oldest_overdue_days", "overdue days")

    max_days: int = attrs.field(kw_only=True, validator=whole(0))
    when_missing: WhenMissing = _when_missing_field()

    def condition(self) -> Condition:
        """``oldest_overdue_days > max_days``, with ``when_missing``."""
        return Condition(
            _guard("oldest_overdue_days", "p.oldest_overdue_days > {days}", self.when_missing),
            {"days": self.max_days},
        )

    def explain(self, profile: CreditProfile, order: OrderRequest) -> RuleResult:
        """``oldest overdue item is N days past due, more than M``."""
        days = profile.oldest_overdue_days
        if days is None:
            return _missing_result(self.name, "OVERDUE_DAYS_MISSING", "overdue days")
        return RuleResult(
            self.name,
            "OVERDUE_TOO_OLD",
            False,
            f"oldest overdue item is {days} days past due, more than {self.max_days}",
        )


@attrs.frozen
class OverdueAmount(_Builtin):
    """The overdue amount may not be above ``max_amount``.

    Fails with ``OVERDUE_AMOUNT`` when ``overdue_amount > max_amount``. Without an
    overdue amount, ``when_missing`` decides (``OVERDUE_AMOUNT_MISSING``).
    ``max_amount`` must be in the profile's currency (else
    :class:`~credkit.errors.PolicyError`).

    >>> OverdueAmount(max_amount=Money.of("5000", "EUR")).code
    'OVERDUE_AMOUNT'
    """

    name: ClassVar[str] = "overdue_amount"
    code: ClassVar[str] = "OVERDUE_AMOUNT"
    codes: ClassVar[tuple[str, ...]] = ("OVERDUE_AMOUNT", "OVERDUE_AMOUNT_MISSING")
    figure: ClassVar[tuple[str, str] | None] = ("overdue_amount", "overdue amount")

    max_amount: Money = attrs.field(kw_only=True, validator=non_negative_money)
    when_missing: WhenMissing = _when_missing_field()

    def condition(self) -> Condition:
        """``overdue_amount > max_amount``, with ``when_missing`` (another currency raises)."""
        return Condition(
            _guard(
                "overdue_amount",
                "{refuse}(p) if p.currency != {currency} else p.overdue_amount.amount > {maximum}",
                self.when_missing,
            ),
            {
                "refuse": _RefuseCurrency(self.name, "max_amount", self.max_amount),
                "currency": self.max_amount.currency,
                "maximum": self.max_amount.amount,
            },
        )

    def explain(self, profile: CreditProfile, order: OrderRequest) -> RuleResult:
        """``overdue ... is above ...``."""
        overdue = profile.overdue_amount
        if overdue is None:
            return _missing_result(self.name, "OVERDUE_AMOUNT_MISSING", "overdue amount")
        return RuleResult(
            self.name,
            "OVERDUE_AMOUNT",
            False,
            f"overdue {plain_amount(overdue.amount, overdue.currency)} is above "
            f"{plain_amount(self.max_amount.amount, self.max_amount.currency)}",
        )


@attrs.frozen
class OverdueShare(_Builtin):
    """The overdue share of the open invoices may not be above ``max_share``.

    Fails with ``OVERDUE_SHARE`` when ``overdue_share > max_share`` (a fraction:
    ``0.25`` is 25 %). Without an overdue share, ``when_missing`` decides
    (``OVERDUE_SHARE_MISSING``).

    >>> OverdueShare(max_share="25")
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: max_share: must be from 0 to 1 (a fraction such as 0.05 for 5 %), got 25
    """

    name: ClassVar[str] = "overdue_share"
    code: ClassVar[str] = "OVERDUE_SHARE"
    codes: ClassVar[tuple[str, ...]] = ("OVERDUE_SHARE", "OVERDUE_SHARE_MISSING")
    figure: ClassVar[tuple[str, str] | None] = ("overdue_share", "overdue share")

    max_share: Decimal = attrs.field(kw_only=True, converter=to_number, validator=fraction)
    when_missing: WhenMissing = _when_missing_field()

    def condition(self) -> Condition:
        """``overdue_share > max_share``, with ``when_missing``."""
        return Condition(
            _guard("overdue_share", "p.overdue_share > {share}", self.when_missing),
            {"share": self.max_share},
        )

    def explain(self, profile: CreditProfile, order: OrderRequest) -> RuleResult:
        """``N % of the open invoices is overdue, more than M %``."""
        share = profile.overdue_share
        if share is None:
            return _missing_result(self.name, "OVERDUE_SHARE_MISSING", "overdue share")
        return RuleResult(
            self.name,
            "OVERDUE_SHARE",
            False,
            f"{_share(share)} of the open invoices is overdue, more than {_share(self.max_share)}",
        )


@attrs.frozen
class DunningLevel(_Builtin):
    """Fails with ``DUNNING_LEVEL`` when the customer's dunning level is ``level`` or higher.

    >>> DunningLevel(level=0)
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: level: must be 1 or more, got 0
    """

    name: ClassVar[str] = "dunning_level"
    code: ClassVar[str] = "DUNNING_LEVEL"
    codes: ClassVar[tuple[str, ...]] = ("DUNNING_LEVEL",)

    level: int = attrs.field(kw_only=True, validator=whole(1))

    def condition(self) -> Condition:
        """``dunning_level >= level``."""
        return Condition("p.dunning_level >= {level}", {"level": self.level})

    def explain(self, profile: CreditProfile, order: OrderRequest) -> RuleResult:
        """``dunning level N reached; orders stop from level M``."""
        return RuleResult(
            self.name,
            "DUNNING_LEVEL",
            False,
            f"dunning level {profile.dunning_level} reached; orders stop from level {self.level}",
        )


# -- risk ------------------------------------------------------------------------------


def _classes(value: Any) -> Any:
    if isinstance(value, frozenset | set):
        return tuple(sorted(value))
    if isinstance(value, list | tuple):
        return tuple(value)
    return value


def _check_classes(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, tuple) or not value:
        raise ValidationError(
            f"{attribute.name}: expected a non-empty list of risk class names, got {describe(value)}"
        )
    for index, item in enumerate(value):
        if not isinstance(item, str) or not item:
            raise ValidationError(
                f"{attribute.name}[{index}]: expected a risk class name, got {describe(item)}"
            )


@attrs.frozen
class RiskClassBlocked(_Builtin):
    """Fails with ``RISK_CLASS_BLOCKED`` when the customer's risk class is in ``blocked``.

    Names match exactly. List every class from the first blocked one down to the
    worst, so that a worse class is never treated better than a blocked one.
    Without a risk class, ``when_missing`` decides (``RISK_CLASS_MISSING``).

    >>> RiskClassBlocked(blocked=["D", "E"]).blocked
    ('D', 'E')
    """

    name: ClassVar[str] = "risk_class_blocked"
    code: ClassVar[str] = "RISK_CLASS_BLOCKED"
    codes: ClassVar[tuple[str, ...]] = ("RISK_CLASS_BLOCKED", "RISK_CLASS_MISSING")
    figure: ClassVar[tuple[str, str] | None] = ("risk_class", "risk class")

    blocked: tuple[str, ...] = attrs.field(
        kw_only=True, converter=_classes, validator=_check_classes
    )
    when_missing: WhenMissing = _when_missing_field()

    def condition(self) -> Condition:
        """``risk_class in blocked``, with ``when_missing``."""
        return Condition(
            _guard("risk_class", "p.risk_class in {blocked}", self.when_missing),
            {"blocked": frozenset(self.blocked)},
        )

    def explain(self, profile: CreditProfile, order: OrderRequest) -> RuleResult:
        """``risk class 'D' is blocked (blocked classes: D, E)``."""
        risk = profile.risk_class
        if risk is None:
            return _missing_result(self.name, "RISK_CLASS_MISSING", "risk class")
        return RuleResult(
            self.name,
            "RISK_CLASS_BLOCKED",
            False,
            f"risk class {risk!r} is blocked (blocked classes: {', '.join(self.blocked)})",
        )


@attrs.frozen
class ScoreFloor(_Builtin):
    """Fails with ``SCORE_BELOW_FLOOR`` when the score is below ``min_score`` (equal passes).

    Without a score, ``when_missing`` decides (``SCORE_MISSING``).

    >>> ScoreFloor(min_score="500.5").min_score
    Decimal('500.5')
    """

    name: ClassVar[str] = "score_floor"
    code: ClassVar[str] = "SCORE_BELOW_FLOOR"
    codes: ClassVar[tuple[str, ...]] = ("SCORE_BELOW_FLOOR", "SCORE_MISSING")
    figure: ClassVar[tuple[str, str] | None] = ("score", "score")

    min_score: Decimal = attrs.field(kw_only=True, converter=to_number, validator=number)
    when_missing: WhenMissing = _when_missing_field()

    def condition(self) -> Condition:
        """``score < min_score``, with ``when_missing``."""
        return Condition(
            _guard("score", "p.score < {floor}", self.when_missing), {"floor": self.min_score}
        )

    def explain(self, profile: CreditProfile, order: OrderRequest) -> RuleResult:
        """``score N is below the floor M``."""
        score = profile.score
        if score is None:
            return _missing_result(self.name, "SCORE_MISSING", "score")
        return RuleResult(
            self.name,
            "SCORE_BELOW_FLOOR",
            False,
            f"score {plain_number(score)} is below the floor {plain_number(self.min_score)}",
        )


def _index(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    number(instance, attribute, value)
    assert isinstance(value, Decimal)
    if not 0 <= value <= 100:
        raise ValidationError(f"{attribute.name}: must be from 0 to 100, got {value}")


@attrs.frozen
class PaymentIndexFloor(_Builtin):
    """Fails with ``PAYMENT_INDEX_BELOW_FLOOR`` when the payment index is below ``min_index``.

    The index runs from 0 to 100 (80 = pays within terms); equal passes. Without a
    payment index (a new customer has none), ``when_missing`` decides
    (``PAYMENT_INDEX_MISSING``).

    >>> PaymentIndexFloor(min_index=70).min_index
    Decimal('70')
    """

    name: ClassVar[str] = "payment_index_floor"
    code: ClassVar[str] = "PAYMENT_INDEX_BELOW_FLOOR"
    codes: ClassVar[tuple[str, ...]] = ("PAYMENT_INDEX_BELOW_FLOOR", "PAYMENT_INDEX_MISSING")
    figure: ClassVar[tuple[str, str] | None] = ("payment_index", "payment index")

    min_index: Decimal = attrs.field(kw_only=True, converter=to_number, validator=_index)
    when_missing: WhenMissing = _when_missing_field()

    def condition(self) -> Condition:
        """``payment_index < min_index``, with ``when_missing``."""
        return Condition(
            _guard("payment_index", "p.payment_index < {floor}", self.when_missing),
            {"floor": self.min_index},
        )

    def explain(self, profile: CreditProfile, order: OrderRequest) -> RuleResult:
        """``payment index N is below the floor M``."""
        index = profile.payment_index
        if index is None:
            return _missing_result(self.name, "PAYMENT_INDEX_MISSING", "payment index")
        return RuleResult(
            self.name,
            "PAYMENT_INDEX_BELOW_FLOOR",
            False,
            f"payment index {plain_number(index)} is below the floor "
            f"{plain_number(self.min_index)}",
        )


# -- flags -----------------------------------------------------------------------------


@attrs.frozen
class CustomerBlocked(_Builtin):
    """Fails with ``CUSTOMER_BLOCKED`` when the customer is blocked.

    A block stops all business with the customer, not only credit, so this rule
    is also checked for prepaid orders and orders that add no exposure
    (``applies_to_prepaid`` is true; a policy entry can still say otherwise).

    >>> CustomerBlocked().applies_to_prepaid
    True
    """

    name: ClassVar[str] = "customer_blocked"
    code: ClassVar[str] = "CUSTOMER_BLOCKED"
    codes: ClassVar[tuple[str, ...]] = ("CUSTOMER_BLOCKED",)
    applies_to_prepaid: ClassVar[bool] = True

    def condition(self) -> Condition:
        """``blocked``."""
        return Condition("p.blocked")

    def explain(self, profile: CreditProfile, order: OrderRequest) -> RuleResult:
        """``customer is blocked``."""
        return RuleResult(self.name, "CUSTOMER_BLOCKED", False, "customer is blocked")


@attrs.frozen
class WatchList(_Builtin):
    """Fails with ``WATCH_LIST`` when the customer is on the watch list.

    Usually an entry with ``on_fail = "hold"``: someone looks at every credit
    order of a watched customer.

    >>> WatchList().code
    'WATCH_LIST'
    """

    name: ClassVar[str] = "watch_list"
    code: ClassVar[str] = "WATCH_LIST"
    codes: ClassVar[tuple[str, ...]] = ("WATCH_LIST",)

    def condition(self) -> Condition:
        """``watch_list``."""
        return Condition("p.watch_list")

    def explain(self, profile: CreditProfile, order: OrderRequest) -> RuleResult:
        """``customer is on the watch list``."""
        return RuleResult(self.name, "WATCH_LIST", False, "customer is on the watch list")


# -- groups and sub-limits -------------------------------------------------------------


@attrs.frozen
class GroupLimit(_Builtin):
    """The credit group's exposure plus the order must not go above the group limit.

    Fails with ``GROUP_LIMIT_EXCEEDED`` when
    ``group_exposure + order > group_limit x (1 + tolerance)``. No group limit
    passes (the profile requires the group's exposure whenever it has a group
    limit).

    >>> GroupLimit(tolerance="0.02").tolerance
    Decimal('0.02')
    """

    name: ClassVar[str] = "group_limit"
    code: ClassVar[str] = "GROUP_LIMIT_EXCEEDED"
    codes: ClassVar[tuple[str, ...]] = ("GROUP_LIMIT_EXCEEDED",)

    tolerance: Decimal = attrs.field(
        default=Decimal(0), kw_only=True, converter=to_number, validator=_tolerance
    )

    def condition(self) -> Condition:
        """``group limit is set and group exposure + amount > group limit x (1 + tolerance)``."""
        return Condition(
            "p.group_limit is not None and p.group_exposure.amount + amount "
            "> p.group_limit.amount * {factor}",
            {"factor": _factor(self.tolerance)},
        )

    def explain(self, profile: CreditProfile, order: OrderRequest) -> RuleResult:
        """``group G exposure ... + order ... exceeds group limit ...``."""
        limit = profile.group_limit
        exposure = profile.group_exposure
        assert limit is not None
        assert exposure is not None
        currency = profile.currency
        group = f"group {profile.group_id} " if profile.group_id else "group "
        return RuleResult(
            self.name,
            "GROUP_LIMIT_EXCEEDED",
            False,
            f"{group}exposure {plain_amount(exposure.amount, currency)} + order "
            f"{plain_amount(order.amount.amount, currency)} exceeds group limit "
            f"{_cap_text(limit.amount, self.tolerance, currency)}",
        )


def _sub_limit_breaches(
    profile: CreditProfile, amount: Decimal, kind: ExposureKind, factor: Decimal
) -> list[tuple[ExposureComponent, bool]]:
    """Components over their sub-limit, each with whether the order adds to it."""
    breaches = []
    for component in profile.exposure.components:
        sub_limit = component.sub_limit
        if sub_limit is None:
            continue
        adds = component.kind is kind
        total = component.amount.amount + amount if adds else component.amount.amount
        if total > sub_limit.amount * factor:
            breaches.append((component, adds))
    return breaches


def _any_sub_limit_breached(
    profile: CreditProfile, amount: Decimal, kind: ExposureKind, factor: Decimal
) -> bool:
    return bool(_sub_limit_breaches(profile, amount, kind, factor))


@attrs.frozen
class SubLimits(_Builtin):
    """Each exposure component with a sub-limit must stay within it.

    The order adds to the component of kind ``order_kind`` (open orders unless
    told otherwise). Fails with ``SUB_LIMIT_EXCEEDED`` when any component with a
    ``sub_limit`` is above ``sub_limit x (1 + tolerance)``, naming every one that
    is. Components without a sub-limit, included in the total or not, never fail.

    >>> SubLimits().order_kind
    <ExposureKind.OPEN_ORDERS: 'open_orders'>
    """

    name: ClassVar[str] = "sub_limits"
    code: ClassVar[str] = "SUB_LIMIT_EXCEEDED"
    codes: ClassVar[tuple[str, ...]] = ("SUB_LIMIT_EXCEEDED",)

    tolerance: Decimal = attrs.field(
        default=Decimal(0), kw_only=True, converter=to_number, validator=_tolerance
    )
    order_kind: ExposureKind = attrs.field(
        default=ExposureKind.OPEN_ORDERS, kw_only=True, converter=_to_kind, validator=_check_kind
    )

    def condition(self) -> Condition:
        """Any component over its sub-limit, counting the order in ``order_kind``."""
        return Condition(
            "{breached}(p, amount, {kind}, {factor})",
            {
                "breached": _any_sub_limit_breached,
                "kind": self.order_kind,
                "factor": _factor(self.tolerance),
            },
        )

    def explain(self, profile: CreditProfile, order: OrderRequest) -> RuleResult:
        """``open orders ... + order ... exceeds its sub-limit ...`` for each breach."""
        currency = profile.currency
        amount = order.amount.amount
        parts = []
        for component, adds in _sub_limit_breaches(
            profile, amount, self.order_kind, _factor(self.tolerance)
        ):
            assert component.sub_limit is not None
            plus = f" + order {plain_amount(amount, currency)}" if adds else ""
            parts.append(
                f"{component.kind.value.replace('_', ' ')} "
                f"{plain_amount(component.amount.amount, currency)}{plus} exceeds its sub-limit "
                f"{_cap_text(component.sub_limit.amount, self.tolerance, currency)}"
            )
        return RuleResult(self.name, "SUB_LIMIT_EXCEEDED", False, "; ".join(parts))


BUILTIN_RULE_TYPES: tuple[type[Any], ...] = (
    StaticLimit,
    DynamicLimit,
    RequireLimit,
    LimitValidity,
    ReviewOverdue,
    MaxOrderValue,
    OverdueTooOld,
    OverdueAmount,
    OverdueShare,
    DunningLevel,
    RiskClassBlocked,
    ScoreFloor,
    PaymentIndexFloor,
    CustomerBlocked,
    WatchList,
    GroupLimit,
    SubLimits,
)
"""Every built-in rule class, in the order of the rules reference."""


def builtin(rule: object) -> bool:
    """Whether ``rule`` is a built-in rule, which a policy compiles inline.

    >>> builtin(StaticLimit()), builtin(object())
    (True, False)
    """
    return isinstance(rule, _Builtin)
