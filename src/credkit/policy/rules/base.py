"""What every rule is: the :class:`Rule` protocol, and the base of the built-in rules.

Every rule, built-in or custom, has one shape: a ``name`` (its key in policy
documents), a main ``code`` and every code it may report (``codes``), whether it
still applies to prepaid orders, and two methods: :meth:`Rule.failure` (``None``
when the order passes, the failed result otherwise: what a policy calls) and
:meth:`Rule.evaluate` (the finding, passed or failed).

A built-in rule derives both from two plain methods of its own:
``fails(p, amount) -> bool`` says when it fails, in ordinary Python, and
``explain(profile, order) -> RuleResult`` says what it reports then, reading the
same named figures of the profile. A policy inlines ``fails`` into its generated
function (see decision record 0006); everything else calls it.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, ClassVar, NoReturn, Protocol, TypeAlias, runtime_checkable

import attrs

from credkit._compat import deprecated
from credkit._figures import plain_amount, plain_number
from credkit._validate import describe, enum_converter, fraction, one_of, to_number
from credkit.errors import CurrencyMismatchError, PolicyError, ValidationError
from credkit.money import Money
from credkit.policy.order import OrderRequest
from credkit.policy.profile import CreditProfile
from credkit.policy.result import RuleResult, WhenMissing, unchecked_failure

__all__ = ["BuiltinRule", "Check", "Rule", "builtin", "check_inputs"]

Check: TypeAlias = Callable[[CreditProfile, OrderRequest], RuleResult | None]
"""A rule's :meth:`~Rule.failure`: ``None`` when the order passes, the failed result otherwise."""


@runtime_checkable
class Rule(Protocol):
    """What a policy needs of a rule, built-in or custom.

    ``name`` selects the rule in documents, ``code`` is its main reason code and
    ``codes`` every code it may report; ``applies_to_prepaid`` says whether it is
    still checked for prepaid orders and orders that add no exposure.
    :meth:`failure` is what a policy calls on every order: ``None`` when the order
    passes (no result object is built for a passing rule) and the failed
    :class:`~credkit.policy.result.RuleResult` otherwise. :meth:`evaluate` gives the
    finding either way.

    >>> from credkit.policy.rules import StaticLimit
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
    def codes(self) -> tuple[str, ...]:
        """Every reason code the rule may report."""
        ...

    @property
    def applies_to_prepaid(self) -> bool:
        """Whether prepaid and exposure-reducing orders are still checked by this rule."""
        ...

    def failure(self, profile: CreditProfile, order: OrderRequest) -> RuleResult | None:
        """``None`` when ``order`` passes, the failed result otherwise."""
        ...

    def evaluate(self, profile: CreditProfile, order: OrderRequest) -> RuleResult:
        """The finding for ``order`` against ``profile``, passed or failed."""
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


# -- parts the rule families share ------------------------------------------------------


_to_when_missing = enum_converter(WhenMissing)
_check_when_missing = one_of(WhenMissing)


def _when_missing(value: object) -> Any:
    return _to_when_missing(value)


def when_missing_field() -> Any:
    """The ``when_missing`` parameter of the rules that read figures a profile may lack."""
    return attrs.field(
        default=WhenMissing.FAIL,
        kw_only=True,
        converter=_when_missing,
        validator=_check_when_missing,
    )


def tolerance_field() -> Any:
    """The ``tolerance`` parameter of the limit rules: a fraction, 0 by default."""
    return attrs.field(default=Decimal(0), kw_only=True, converter=to_number, validator=fraction)


def share_text(value: Decimal) -> str:
    """``0.255`` as ``'25.50 %'``."""
    return plain_number((value * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)) + " %"


def cap_text(limit: Decimal, tolerance: Decimal, currency: str) -> str:
    """A limit as the messages show it, with its tolerance when there is one."""
    if tolerance == 0:
        return plain_amount(limit, currency)
    return (
        f"{plain_amount(limit, currency)} + {share_text(tolerance)} tolerance "
        f"= {plain_amount(limit * (1 + tolerance), currency)}"
    )


def days(count: int) -> datetime.timedelta:
    """``count`` days as a ``timedelta``."""
    return datetime.timedelta(days=count)


@attrs.frozen
class BuiltinRule:
    """The base of the built-in rules; the subclasses hold the parameters.

    A subclass says when it fails (:meth:`fails`, plain Python over the profile
    ``p`` and the order's ``amount``) and what it reports when it does
    (:meth:`explain`); :meth:`failure` and :meth:`evaluate` follow from those two,
    so a rule checked on its own and the same rule inlined in a policy cannot
    disagree.

    To be inlined, ``fails`` is written as ``if test: return x`` statements and a
    final ``return``, reading ``p``, ``amount``, ``self`` and module-level names.
    """

    name: ClassVar[str]
    code: ClassVar[str]
    codes: ClassVar[tuple[str, ...]]
    applies_to_prepaid: ClassVar[bool] = False
    figure: ClassVar[tuple[str, str] | None] = None  # (profile field, words) it may lack

    def fails(self, p: CreditProfile, amount: Decimal) -> bool:
        """Whether an order of ``amount`` fails this rule against profile ``p``."""
        raise NotImplementedError  # pragma: no cover - every subclass defines it

    def explain(self, profile: CreditProfile, order: OrderRequest) -> RuleResult:
        """The failed result for an order that :meth:`fails` (with the numbers)."""
        raise NotImplementedError  # pragma: no cover - every subclass defines it

    @property
    def fails_when_missing(self) -> bool:
        """Whether a profile without the figure the rule reads fails (``when_missing``).

        >>> from credkit.policy.rules import ScoreFloor
        >>> ScoreFloor(min_score=1).fails_when_missing, ScoreFloor(min_score=1, when_missing="pass").fails_when_missing
        (True, False)
        """
        return getattr(self, "when_missing", WhenMissing.FAIL) is WhenMissing.FAIL

    def refuse_currency(self, field: str, amount: Money, profile: CreditProfile) -> NoReturn:
        """Raise :class:`~credkit.errors.PolicyError`: the rule's ``field`` is in another currency."""
        raise PolicyError(
            f"{self.name}.{field}: {amount} is in another currency than the profile "
            f"({profile.currency}); use a policy written for that currency, or convert the profile"
        )

    def failed(self, code: str, message: str) -> RuleResult:
        """This rule's failed result with ``code`` (one of :attr:`codes`) and ``message``.

        >>> from credkit.policy.rules import WatchList
        >>> WatchList().failed("WATCH_LIST", "customer is on the watch list").passed
        False
        """
        return unchecked_failure(self.name, code, message)

    def missing(self, code: str) -> RuleResult:
        """The failed result for a profile without the figure the rule reads."""
        assert self.figure is not None
        return self.failed(
            code, f"no {self.figure[1]} on the profile; fails as when_missing is 'fail'"
        )

    def failure(self, profile: CreditProfile, order: OrderRequest) -> RuleResult | None:
        """``None`` when ``order`` passes, the failed result otherwise (inputs are not checked).

        >>> from datetime import date
        >>> from credkit.policy.exposure import Exposure
        >>> from credkit.policy.rules import WatchList
        >>> profile = CreditProfile("C-1", as_of=date(2026, 11, 23), exposure=Exposure((), currency="EUR"))
        >>> order = OrderRequest("SO-1", Money.of(5, "EUR"), order_date=date(2026, 11, 23))
        >>> WatchList().failure(profile, order) is None
        True
        """
        if self.fails(profile, order.amount.amount):
            return self.explain(profile, order)
        return None

    def evaluate(self, profile: CreditProfile, order: OrderRequest) -> RuleResult:
        """The finding for ``order`` against ``profile``: passed or failed, with the numbers.

        >>> from datetime import date
        >>> from credkit.policy.exposure import Exposure
        >>> from credkit.policy.rules import ScoreFloor
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
        """Deprecated: use :meth:`failure`, which is what this returned."""
        deprecated("Rule.compile()", "rule.failure(profile, order)")
        return self.failure


def builtin(rule: object) -> bool:
    """Whether ``rule`` is a built-in rule (which a policy inlines).

    >>> from credkit.policy.rules import StaticLimit
    >>> builtin(StaticLimit()), builtin(object())
    (True, False)
    """
    return isinstance(rule, BuiltinRule)
