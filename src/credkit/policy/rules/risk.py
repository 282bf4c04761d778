"""Risk rules: blocked risk classes, a score floor and a payment index floor.

Each reads a figure the profile may lack, so each takes ``when_missing``
(``"fail"`` by default, or ``"pass"``) and reports its own code for a missing figure.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

import attrs

from credkit._figures import plain_number
from credkit._validate import describe, number, to_number
from credkit.errors import ValidationError
from credkit.policy.order import OrderRequest
from credkit.policy.profile import CreditProfile
from credkit.policy.result import RuleResult, WhenMissing
from credkit.policy.rules.base import BuiltinRule, when_missing_field

__all__ = ["PaymentIndexFloor", "RiskClassBlocked", "ScoreFloor"]


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
class RiskClassBlocked(BuiltinRule):
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
    when_missing: WhenMissing = when_missing_field()

    @property
    def blocked_set(self) -> frozenset[str]:
        """``blocked`` as a set, for the membership test."""
        return frozenset(self.blocked)

    def fails(self, p: CreditProfile, amount: Decimal) -> bool:
        """``risk_class in blocked``, with ``when_missing``."""
        if p.risk_class is None:
            return self.fails_when_missing
        return p.risk_class in self.blocked_set

    def explain(self, profile: CreditProfile, order: OrderRequest) -> RuleResult:
        """``risk class 'D' is blocked (blocked classes: D, E)``."""
        risk = profile.risk_class
        if risk is None:
            return self.missing("RISK_CLASS_MISSING")
        return self.failed(
            "RISK_CLASS_BLOCKED",
            f"risk class {risk!r} is blocked (blocked classes: {', '.join(self.blocked)})",
        )


@attrs.frozen
class ScoreFloor(BuiltinRule):
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
    when_missing: WhenMissing = when_missing_field()

    def fails(self, p: CreditProfile, amount: Decimal) -> bool:
        """``score < min_score``, with ``when_missing``."""
        if p.score is None:
            return self.fails_when_missing
        return p.score < self.min_score

    def explain(self, profile: CreditProfile, order: OrderRequest) -> RuleResult:
        """``score N is below the floor M``."""
        score = profile.score
        if score is None:
            return self.missing("SCORE_MISSING")
        return self.failed(
            "SCORE_BELOW_FLOOR",
            f"score {plain_number(score)} is below the floor {plain_number(self.min_score)}",
        )


def _index(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    number(instance, attribute, value)
    assert isinstance(value, Decimal)
    if not 0 <= value <= 100:
        raise ValidationError(f"{attribute.name}: must be from 0 to 100, got {value}")


@attrs.frozen
class PaymentIndexFloor(BuiltinRule):
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
    when_missing: WhenMissing = when_missing_field()

    def fails(self, p: CreditProfile, amount: Decimal) -> bool:
        """``payment_index < min_index``, with ``when_missing``."""
        if p.payment_index is None:
            return self.fails_when_missing
        return p.payment_index < self.min_index

    def explain(self, profile: CreditProfile, order: OrderRequest) -> RuleResult:
        """``payment index N is below the floor M``."""
        index = profile.payment_index
        if index is None:
            return self.missing("PAYMENT_INDEX_MISSING")
        return self.failed(
            "PAYMENT_INDEX_BELOW_FLOOR",
            f"payment index {plain_number(index)} is below the floor "
            f"{plain_number(self.min_index)}",
        )
