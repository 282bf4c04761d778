"""Combining method figures into one limit, and the adjustments applied after.

Two kinds of step turn the figures of several calculators into one recommended
limit, each returning a record of what it did:

* **combinators** pick or blend the figures into one (:class:`Combined`):
  :func:`min_of` (the most prudent), :func:`max_of`, and :func:`weighted_blend`;
  :class:`Combination` is the configurable form used by a policy;
* **adjustments** then change that amount (:class:`Adjustment`): :func:`cap`,
  :func:`floor`, :func:`round_down` to a step, and :func:`zero_if_blocked`.

Methods that do not apply are left out of every combinator. For a weighted blend
this means the weights of the remaining methods are **renormalised** to sum to
one: with weights 1, 1 and 2 and the third method not applicable, the first two
count half each. A policy that wants no recommendation when any method is
missing says so with ``Combination(require_all=True)``.

>>> from credkit import Money
>>> results = [
...     MethodResult(method="tangible_net_worth", kind="tangible_net_worth", amount=Money.of(65000, "EUR"), reason="10% of ..."),
...     MethodResult(method="sales", kind="sales", amount=Money.of(48000, "EUR"), reason="sales x ..."),
...     MethodResult.not_applicable("bureau", "bureau", "no bureau suggested limit"),
... ]
>>> min_of(results).reason
'minimum of 2 applicable methods: sales is the lowest (48,000.00 EUR)'
>>> weighted_blend(results, {"tangible_net_worth": 1, "sales": 3, "bureau": 4}).amount
Money('52250.00', 'EUR')
>>> round_down(Money.of("52250.00", "EUR"), 5000).after
Money('50000', 'EUR')
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Mapping, Sequence
from decimal import ROUND_FLOOR, Decimal
from typing import Any

import attrs

from credkit._figures import plain_number
from credkit._validate import (
    check_money,
    describe,
    guard_arithmetic,
    number_between,
    optional_money,
    text,
    to_number,
    to_tuple,
    tuple_of,
)
from credkit.errors import ValidationError
from credkit.limits._common import floor_minor, fmt, fmt_step
from credkit.limits.calculators import MethodResult
from credkit.money import Money, Numeric, to_decimal

__all__ = [
    "Adjustment",
    "Combination",
    "CombinationRule",
    "Combined",
    "MethodWeight",
    "cap",
    "floor",
    "max_of",
    "min_of",
    "round_down",
    "weighted_blend",
    "zero_if_blocked",
]


@attrs.frozen(kw_only=True)
class Combined:
    """The outcome of a combinator: one amount (or None), which methods made it, and why.

    ``rule`` is ``"min"``, ``"max"`` or ``"weighted"``; ``chosen`` names the
    method(s) whose figures the amount comes from; ``amount`` is None when no
    method applied (or a required one did not).

    >>> min_of([]).amount is None
    True
    """

    rule: str = attrs.field(validator=text)
    amount: Money | None = attrs.field(validator=optional_money)
    chosen: tuple[str, ...] = attrs.field(converter=to_tuple, validator=tuple_of(str, "a name"))
    reason: str = attrs.field(validator=text)


@attrs.frozen(kw_only=True)
class Adjustment:
    """One adjustment applied to the combined amount, in order: what, before, after, why.

    ``step`` is ``"floor"``, ``"cap"``, ``"round_down"``, ``"blocked"`` or
    ``"group"`` (a credit group's headroom); ``bound`` is the floor's or cap's
    amount (None for the others); ``binding`` says whether it changed the amount.

    >>> from credkit import Money
    >>> cap(Money.of(80000, "EUR"), Money.of(100000, "EUR")).binding
    False
    """

    step: str = attrs.field(validator=text)
    before: Money = attrs.field(validator=lambda _i, a, v: check_money(v, a.name))
    after: Money = attrs.field(validator=lambda _i, a, v: check_money(v, a.name))
    reason: str = attrs.field(validator=text)
    bound: Money | None = attrs.field(default=None, kw_only=True, validator=optional_money)

    @property
    def binding(self) -> bool:
        """Whether the adjustment changed the amount.

        >>> from credkit import Money
        >>> floor(Money.of(500, "EUR"), Money.of(1000, "EUR")).binding
        True
        """
        return self.after != self.before


# -- combinators ---------------------------------------------------------------------------


def _applicable(results: Sequence[MethodResult]) -> list[MethodResult]:
    if isinstance(results, str | bytes) or not isinstance(results, Sequence):
        raise ValidationError(
            f"results: expected a sequence of MethodResult, got {describe(results)}"
        )
    found = []
    currency = None
    for index, result in enumerate(results):
        if not isinstance(result, MethodResult):
            raise ValidationError(
                f"results[{index}]: expected a MethodResult, got {describe(result)}"
            )
        if result.amount is None:
            continue
        if currency is None:
            currency = result.amount.currency
        elif result.amount.currency != currency:
            raise ValidationError(
                f"results[{index}]: {result.method} is in {result.amount.currency}, the others in "
                f"{currency}; every method must give its figure in the limit currency"
            )
        found.append(result)
    return found


def _none_apply(rule: str, results: Sequence[MethodResult]) -> Combined:
    if not results:
        return Combined(rule=rule, amount=None, chosen=(), reason="no method to combine")
    names = ", ".join(r.method for r in results)
    return Combined(rule=rule, amount=None, chosen=(), reason=f"no method applies ({names} do not)")


def _extreme(results: Sequence[MethodResult], *, lowest: bool) -> Combined:
    rule, word = ("min", "lowest") if lowest else ("max", "highest")
    applicable = _applicable(results)
    if not applicable:
        return _none_apply(rule, results)
    best = applicable[0]
    for result in applicable[1:]:
        assert result.amount is not None
        assert best.amount is not None
        if (result.amount < best.amount) if lowest else (result.amount > best.amount):
            best = result
    assert best.amount is not None
    label = "minimum" if lowest else "maximum"
    if len(applicable) == 1:
        reason = f"{best.method} is the only method that applies ({fmt(best.amount)})"
    else:
        reason = (
            f"{label} of {len(applicable)} applicable methods: {best.method} is the "
            f"{word} ({fmt(best.amount)})"
        )
    return Combined(rule=rule, amount=best.amount, chosen=(best.method,), reason=reason)


@guard_arithmetic("results", what="the lowest figure")
def min_of(results: Sequence[MethodResult]) -> Combined:
    """The lowest figure of the methods that apply (the first listed on a tie).

    >>> from credkit import Money
    >>> min_of([MethodResult(method="a", kind="bureau", amount=Money.of(10, "EUR"), reason="x"),
    ...         MethodResult(method="b", kind="sales", amount=Money.of(10, "EUR"), reason="y")]).chosen
    ('a',)
    """
    return _extreme(results, lowest=True)


@guard_arithmetic("results", what="the highest figure")
def max_of(results: Sequence[MethodResult]) -> Combined:
    """The highest figure of the methods that apply (the first listed on a tie).

    >>> from credkit import Money
    >>> max_of([MethodResult(method="a", kind="bureau", amount=Money.of(10, "EUR"), reason="x"),
    ...         MethodResult(method="b", kind="sales", amount=Money.of(12, "EUR"), reason="y")]).reason
    'maximum of 2 applicable methods: b is the highest (12.00 EUR)'
    """
    return _extreme(results, lowest=False)


@guard_arithmetic("results, weights", what="the weighted blend")
def weighted_blend(results: Sequence[MethodResult], weights: Mapping[str, Numeric]) -> Combined:
    """The weighted mean of the figures of the methods that apply, weights renormalised.

    ``weights`` maps method names to positive weights. Methods that do not apply are
    dropped and the remaining weights are divided by their sum, so that they add up
    to one. Every method that applies needs a weight. The mean is rounded down to
    the currency's minor units.

    >>> from credkit import Money
    >>> results = [MethodResult(method="a", kind="bureau", amount=Money.of(100, "EUR"), reason="x"),
    ...            MethodResult(method="b", kind="sales", amount=Money.of(200, "EUR"), reason="y")]
    >>> weighted_blend(results, {"a": 1, "b": 2}).amount
    Money('166.66', 'EUR')
    >>> weighted_blend(results, {"a": 1})
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: weights: no weight for method 'b'; give every method a weight
    """
    if not isinstance(weights, Mapping):
        raise ValidationError(
            f"weights: expected a mapping of method name to weight, got {describe(weights)}"
        )
    parsed: dict[str, Decimal] = {}
    for key, value in weights.items():
        weight = to_decimal(value, field=f"weights[{key!r}]")
        if weight <= 0:
            raise ValidationError(f"weights[{key!r}]: must be above zero, got {weight}")
        parsed[str(key)] = weight
    for result in results if isinstance(results, Sequence) else ():
        if isinstance(result, MethodResult) and result.method not in parsed:
            raise ValidationError(
                f"weights: no weight for method {result.method!r}; give every method a weight"
            )
    applicable = _applicable(results)
    if not applicable:
        return _none_apply("weighted", results)
    total_weight = sum((parsed[r.method] for r in applicable), Decimal(0))
    currency = applicable[0].amount.currency if applicable[0].amount else ""
    blended = sum(
        (r.amount.amount * parsed[r.method] for r in applicable if r.amount is not None),
        Decimal(0),
    )
    amount = floor_minor(Money(blended / total_weight, currency))
    terms = " + ".join(
        f"{r.method} {fmt(r.amount)} x {plain_number(parsed[r.method] / total_weight)}"
        for r in applicable
    )
    dropped = [r.method for r in results if isinstance(r, MethodResult) and not r.applicable]
    note = ""
    if dropped:
        note = (
            f" (weights renormalised over the {len(applicable)} applicable methods; "
            f"{', '.join(dropped)} dropped)"
        )
    return Combined(
        rule="weighted",
        amount=amount,
        chosen=tuple(r.method for r in applicable),
        reason=f"weighted blend: {terms}{note}",
    )


class CombinationRule(enum.Enum):
    """How a :class:`Combination` combines the method figures.

    >>> CombinationRule("weighted")
    <CombinationRule.WEIGHTED: 'weighted'>
    """

    MIN = "min"
    MAX = "max"
    WEIGHTED = "weighted"


@attrs.frozen
class MethodWeight:
    """The weight of one method (by name) in a weighted blend.

    >>> MethodWeight("sales", weight=3).weight
    Decimal('3')
    """

    method: str = attrs.field(validator=text)
    weight: Decimal = attrs.field(
        kw_only=True, converter=to_number, validator=number_between(Decimal(0), None, low_open=True)
    )


def _weights(instance: Combination, attribute: attrs.Attribute[Any], value: object) -> None:
    tuple_of(MethodWeight, "a MethodWeight")(instance, attribute, value)
    assert isinstance(value, tuple)
    seen: set[str] = set()
    for index, item in enumerate(value):
        if item.method in seen:
            raise ValidationError(f"weights[{index}].method: {item.method!r} is listed twice")
        seen.add(item.method)
    if instance.rule is CombinationRule.WEIGHTED and not value:
        raise ValidationError("weights: the weighted rule needs a weight for every method")
    if instance.rule is not CombinationRule.WEIGHTED and value:
        raise ValidationError(
            f"weights: only the 'weighted' rule uses weights, but the rule is "
            f"{instance.rule.value!r}"
        )


@attrs.frozen
class Combination:
    """The combination step of a policy: a :class:`CombinationRule`, weights, strictness.

    ``rule`` picks :func:`min_of` (the default), :func:`max_of` or
    :func:`weighted_blend` (which needs ``weights``, one per method). With
    ``require_all`` a method that does not apply means no recommendation at all,
    instead of combining the others.

    >>> from credkit import Money
    >>> results = [MethodResult(method="a", kind="bureau", amount=Money.of(100, "EUR"), reason="x"),
    ...            MethodResult.not_applicable("b", "sales", "no payment terms")]
    >>> Combination().combine(results).amount
    Money('100', 'EUR')
    >>> Combination(require_all=True).combine(results).reason
    'the policy requires every method and b does not apply (not applicable: no payment terms)'
    """

    rule: CombinationRule = attrs.field(
        default=CombinationRule.MIN, validator=attrs.validators.instance_of(CombinationRule)
    )
    weights: tuple[MethodWeight, ...] = attrs.field(
        default=(), kw_only=True, converter=to_tuple, validator=_weights
    )
    require_all: bool = attrs.field(
        default=False, kw_only=True, validator=attrs.validators.instance_of(bool)
    )

    @guard_arithmetic("results", what="the combined figure")
    def combine(self, results: Sequence[MethodResult]) -> Combined:
        """Combine ``results`` by the rule (see the class).

        >>> from credkit import Money
        >>> Combination(CombinationRule.MAX).combine(
        ...     [MethodResult(method="a", kind="bureau", amount=Money.of(100, "EUR"), reason="x")]).chosen
        ('a',)
        """
        if self.require_all:
            _applicable(results)
            for result in results:
                if not result.applicable:
                    return Combined(
                        rule=self.rule.value,
                        amount=None,
                        chosen=(),
                        reason=f"the policy requires every method and {result.method} does not "
                        f"apply ({result.reason})",
                    )
        if self.rule is CombinationRule.MIN:
            return min_of(results)
        if self.rule is CombinationRule.MAX:
            return max_of(results)
        return weighted_blend(results, {w.method: w.weight for w in self.weights})


# -- adjustments ---------------------------------------------------------------------------------


def _same_currency(amount: Money, other: Money, field: str) -> None:
    check_money(amount, "amount")
    check_money(other, field)
    if amount.currency != other.currency:
        raise ValidationError(
            f"{field}: {fmt(other)} is not in the currency of the amount ({amount.currency}); "
            "convert it first with credkit.fx.convert"
        )


@guard_arithmetic("amount, limit", what="the capped amount")
def cap(amount: Money, limit: Money, *, label: str = "cap") -> Adjustment:
    """At most ``limit``: the lower of the two. ``label`` names the cap in the reason.

    >>> from credkit import Money
    >>> cap(Money.of(300000, "EUR"), Money.of(250000, "EUR"), label="cap for segment wholesale").reason
    'cap for segment wholesale 250,000.00 EUR: 300,000.00 EUR lowered to 250,000.00 EUR'
    """
    _same_currency(amount, limit, "limit")
    if amount > limit:
        return Adjustment(
            step="cap",
            before=amount,
            after=limit,
            reason=f"{label} {fmt(limit)}: {fmt(amount)} lowered to {fmt(limit)}",
            bound=limit,
        )
    return Adjustment(
        step="cap",
        before=amount,
        after=amount,
        reason=f"{label} {fmt(limit)}: not binding",
        bound=limit,
    )


@guard_arithmetic("amount, minimum", what="the floored amount")
def floor(amount: Money, minimum: Money, *, label: str = "floor") -> Adjustment:
    """At least ``minimum``: the higher of the two.

    >>> from credkit import Money
    >>> floor(Money.of(500, "EUR"), Money.of(1000, "EUR")).reason
    'floor 1,000.00 EUR: 500.00 EUR raised to 1,000.00 EUR'
    """
    _same_currency(amount, minimum, "minimum")
    if amount < minimum:
        return Adjustment(
            step="floor",
            before=amount,
            after=minimum,
            reason=f"{label} {fmt(minimum)}: {fmt(amount)} raised to {fmt(minimum)}",
            bound=minimum,
        )
    return Adjustment(
        step="floor",
        before=amount,
        after=amount,
        reason=f"{label} {fmt(minimum)}: not binding",
        bound=minimum,
    )


@guard_arithmetic("amount, step", what="the rounded-down amount")
def round_down(amount: Money, step: Numeric) -> Adjustment:
    """Down to a whole multiple of ``step`` (a positive number of currency units).

    Rounding down keeps a capped amount within its cap and gives round figures
    ("nice" limits such as 45,000 rather than 46,381.27).

    >>> from credkit import Money
    >>> round_down(Money.of("46381.27", "EUR"), 5000).reason
    'round down to a multiple of 5,000: 46,381.27 EUR to 45,000.00 EUR'
    >>> round_down(Money.of("46381.27", "EUR"), 0)
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: step: must be above zero, got 0
    """
    check_money(amount, "amount")
    size = to_decimal(step, field="step")
    if size <= 0:
        raise ValidationError(f"step: must be above zero, got {size}")
    multiples = (amount.amount / size).to_integral_value(rounding=ROUND_FLOOR)
    after = Money(multiples * size, amount.currency)
    step_text = fmt_step(size)
    if after == amount:
        return Adjustment(
            step="round_down",
            before=amount,
            after=amount,
            reason=f"round down to a multiple of {step_text}: not binding",
        )
    return Adjustment(
        step="round_down",
        before=amount,
        after=after,
        reason=f"round down to a multiple of {step_text}: {fmt(amount)} to {fmt(after)}",
    )


def zero_if_blocked(
    amount: Money, *, risk_class: str | None, blocked: Collection[str]
) -> Adjustment:
    """Zero when ``risk_class`` is one of the ``blocked`` classes, else unchanged.

    A zero limit means *no credit* (cash in advance or secured terms only).

    >>> from credkit import Money
    >>> zero_if_blocked(Money.of(1000, "EUR"), risk_class="E", blocked={"E"}).reason
    'risk class E is blocked: no credit (zero limit)'
    >>> zero_if_blocked(Money.of(1000, "EUR"), risk_class="B", blocked={"E"}).binding
    False
    """
    check_money(amount, "amount")
    if isinstance(blocked, str) or not isinstance(blocked, Collection):
        raise ValidationError(
            f"blocked: expected a collection of risk class names, got {describe(blocked)}"
        )
    if risk_class is not None and risk_class in blocked:
        return Adjustment(
            step="blocked",
            before=amount,
            after=Money.zero(amount.currency),
            reason=f"risk class {risk_class} is blocked: no credit (zero limit)",
        )
    shown = "no risk class" if risk_class is None else f"risk class {risk_class}"
    return Adjustment(
        step="blocked", before=amount, after=amount, reason=f"{shown} is not blocked: not binding"
    )
