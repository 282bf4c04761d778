"""A limit policy: which calculators, combined how, with which caps, floors and rounding.

A :class:`LimitPolicy` is configuration data with an ``id`` and a ``version``
that every recommendation made with it records. It lists the calculators, the
:class:`~credkit.limits.Combination`, the floors and caps (for every segment or
for one), the rounding step and the blocked risk classes. It can be built in
Python or loaded with :func:`credkit.config.load` from a mapping, JSON or TOML;
:func:`example_policy` is the policy of ``credkit/data/limit-policy.toml`` (shown in the docs).

Amounts a policy states (caps, floors, matrix amounts) may be listed in several
currencies, one per currency: a limit in a currency that is listed uses that
amount; otherwise the first listed is converted with the rates passed to
:func:`~credkit.limits.recommend` (an error naming both currencies without them).

>>> from credkit import config
>>> policy = config.load(LimitPolicy, '''
... id = "simple"
... version = "1"
... rounding_step = "1000"
... calculators = [
...   {kind = "tangible_net_worth", percent = "10"},
...   {kind = "sales"},
... ]
... caps = [{amount = "250000 EUR"}]
... ''', format="toml")
>>> [c.name for c in policy.calculators], policy.combination.rule.value
(['tangible_net_worth', 'sales'], 'min')
>>> config.load(LimitPolicy, {"id": "x", "version": "1", "calculators": [{"kind": "sales", "percent": "-1"}]})
Traceback (most recent call last):
...
credkit.errors.ConfigError: calculators[0].percent: unknown key; accepted keys are min_months, name
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import attrs

from credkit._validate import (
    check_currency,
    describe,
    non_negative_money,
    number_between,
    optional,
    optional_text,
    text,
    to_optional_number,
    to_tuple,
    tuple_of,
)
from credkit.errors import ValidationError
from credkit.fx import RateSource
from credkit.limits._common import names, pick
from credkit.limits.calculators import (
    BureauMethod,
    Calculator,
    ClassMultiplier,
    RiskClassMatrixMethod,
    SalesMethod,
    TangibleNetWorthMethod,
    WorkingCapitalMethod,
)
from credkit.limits.combinators import Combination, CombinationRule
from credkit.money import Money

__all__ = ["Bound", "CurrencyStep", "LimitPolicy", "example_policy"]


@attrs.frozen
class Bound:
    """A cap or a floor: an amount, for one segment or (``segment=None``) for every customer.

    >>> from credkit import Money
    >>> Bound(Money.of(60000, "EUR"), segment="retail").applies_to("retail")
    True
    >>> Bound(Money.of(60000, "EUR")).applies_to(None)
    True
    """

    amount: Money = attrs.field(validator=non_negative_money)
    segment: str | None = attrs.field(default=None, kw_only=True, validator=optional_text)

    def applies_to(self, segment: str | None) -> bool:
        """Whether the bound applies to a customer in ``segment``.

        >>> from credkit import Money
        >>> Bound(Money.of(1, "EUR"), segment="retail").applies_to("wholesale")
        False
        """
        return self.segment is None or self.segment == segment

    def describe(self) -> str:
        """``'every segment'`` or ``'segment retail'``.

        >>> from credkit import Money
        >>> Bound(Money.of(1, "EUR"), segment="retail").describe()
        'segment retail'
        """
        return "every segment" if self.segment is None else f"segment {self.segment}"


@attrs.frozen
class CurrencyStep:
    """The rounding step for limits in one currency (overrides the policy's ``rounding_step``).

    >>> CurrencyStep("JPY", step="100000").step
    Decimal('100000')
    """

    currency: str = attrs.field(validator=lambda _i, a, v: check_currency(v, a.name))
    step: Decimal = attrs.field(
        kw_only=True,
        converter=to_optional_number,
        validator=number_between(Decimal(0), None, low_open=True),
    )


def _bounds(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    tuple_of(Bound, "a Bound")(instance, attribute, value)
    assert isinstance(value, tuple)
    seen: set[tuple[str | None, str]] = set()
    for index, bound in enumerate(value):
        key = (bound.segment, bound.amount.currency)
        if key in seen:
            raise ValidationError(
                f"{attribute.name}[{index}]: {bound.describe()} already has a "
                f"{attribute.name[:-1]} in {bound.amount.currency}; list one per currency"
            )
        seen.add(key)


def _calculators(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, tuple):
        raise ValidationError(
            f"calculators: expected a list or tuple of calculators, got {describe(value)}"
        )
    if not value:
        raise ValidationError("calculators: a policy needs at least one calculator")
    seen: dict[str, int] = {}
    for index, calculator in enumerate(value):
        if not isinstance(calculator, Calculator):
            raise ValidationError(
                f"calculators[{index}]: expected a calculator (with name and recommend), "
                f"got {describe(calculator)}"
            )
        name = calculator.name
        if name in seen:
            raise ValidationError(
                f"calculators[{index}].name: {name!r} is already used by calculators[{seen[name]}]; "
                "give each calculator a distinct name"
            )
        seen[name] = index


def _steps(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    tuple_of(CurrencyStep, "a CurrencyStep")(instance, attribute, value)
    assert isinstance(value, tuple)
    seen: set[str] = set()
    for index, item in enumerate(value):
        if item.currency in seen:
            raise ValidationError(
                f"rounding_steps[{index}].currency: {item.currency!r} is listed twice"
            )
        seen.add(item.currency)


@attrs.frozen
class LimitPolicy:
    """How to size a credit limit: calculators, combination, bounds, rounding, blocked classes.

    The steps, in the order :func:`~credkit.limits.recommend` applies them:

    1. every calculator gives its figure (or says why it does not apply);
    2. ``combination`` combines the figures (minimum by default);
    3. the ``floors`` that apply to the customer's segment raise the amount;
    4. the ``caps`` that apply lower it (so a cap always wins over a floor);
    5. a credit group's headroom, when given, lowers it;
    6. it is rounded down to the ``rounding_step`` (or the step listed for the limit
       currency in ``rounding_steps``), a plain number of currency units;
    7. a customer in one of the ``blocked_classes`` gets zero (no credit).

    With no method applying there is no recommendation (floors and caps do not
    invent one), except that a blocked class still gets its zero.

    >>> from credkit import Money
    >>> policy = LimitPolicy(
    ...     "p", version="1", calculators=(SalesMethod(),),
    ...     caps=(Bound(Money.of(250000, "EUR")), Bound(Money.of(40000, "EUR"), segment="retail")),
    ... )
    >>> [str(b.amount) for b in policy.bounds_for("caps", segment="retail")]
    ['250000 EUR', '40000 EUR']
    >>> LimitPolicy("p", version="1", calculators=(SalesMethod(), SalesMethod()))
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: calculators[1].name: 'sales' is already used by calculators[0]; give each calculator a distinct name
    """

    id: str = attrs.field(validator=text)
    version: str = attrs.field(kw_only=True, validator=text)
    calculators: tuple[Calculator, ...] = attrs.field(
        kw_only=True, converter=to_tuple, validator=_calculators
    )
    combination: Combination = attrs.field(
        factory=Combination, kw_only=True, validator=attrs.validators.instance_of(Combination)
    )
    floors: tuple[Bound, ...] = attrs.field(
        default=(), kw_only=True, converter=to_tuple, validator=_bounds
    )
    caps: tuple[Bound, ...] = attrs.field(
        default=(), kw_only=True, converter=to_tuple, validator=_bounds
    )
    rounding_step: Decimal | None = attrs.field(
        default=None,
        kw_only=True,
        converter=to_optional_number,
        validator=optional(number_between(Decimal(0), None, low_open=True)),
    )
    rounding_steps: tuple[CurrencyStep, ...] = attrs.field(
        default=(), kw_only=True, converter=to_tuple, validator=_steps
    )
    blocked_classes: tuple[str, ...] = attrs.field(
        default=(), kw_only=True, converter=to_tuple, validator=names
    )
    description: str = attrs.field(
        default="", kw_only=True, validator=attrs.validators.instance_of(str)
    )

    def __attrs_post_init__(self) -> None:
        if self.combination.rule is CombinationRule.WEIGHTED:
            methods = [c.name for c in self.calculators]
            weighted = [w.method for w in self.combination.weights]
            for index, name in enumerate(weighted):
                if name not in methods:
                    raise ValidationError(
                        f"combination.weights[{index}].method: {name!r} is not a calculator "
                        f"of the policy; expected one of {', '.join(methods)}"
                    )
            for name in methods:
                if name not in weighted:
                    raise ValidationError(
                        f"combination.weights: no weight for calculator {name!r}; "
                        "the weighted rule needs one per calculator"
                    )
        for floor_index, low in enumerate(self.floors):
            for high in self.caps:
                if (
                    low.amount.currency == high.amount.currency
                    and (low.segment is None or high.segment is None or low.segment == high.segment)
                    and low.amount > high.amount
                ):
                    raise ValidationError(
                        f"floors[{floor_index}]: {low.amount} for {low.describe()} is above the "
                        f"cap {high.amount} for {high.describe()}; a floor must not exceed a cap"
                    )

    def bounds_for(self, which: str, *, segment: str | None) -> tuple[Bound, ...]:
        """The ``"caps"`` or ``"floors"`` that apply to a customer in ``segment``.

        >>> from credkit import Money
        >>> policy = LimitPolicy("p", version="1", calculators=(SalesMethod(),),
        ...                      floors=(Bound(Money.of(5000, "EUR"), segment="public"),))
        >>> policy.bounds_for("floors", segment="retail")
        ()
        """
        if which not in ("caps", "floors"):
            raise ValidationError(f"which: expected 'caps' or 'floors', got {which!r}")
        bounds: tuple[Bound, ...] = getattr(self, which)
        return tuple(b for b in bounds if b.applies_to(segment))

    def resolved_bounds(
        self,
        which: str,
        *,
        segment: str | None,
        currency: str,
        on: date,
        rates: RateSource | None,
    ) -> tuple[tuple[Bound, Money], ...]:
        """The applicable bounds with their amount in ``currency``, one per segment scope.

        For each scope (every segment, the customer's segment) the bound in
        ``currency`` is used if listed, else the first listed, converted.

        >>> from datetime import date
        >>> from credkit import Money
        >>> policy = LimitPolicy("p", version="1", calculators=(SalesMethod(),),
        ...     caps=(Bound(Money.of(250000, "EUR")), Bound(Money.of(200000, "GBP"))))
        >>> [str(m) for _, m in policy.resolved_bounds("caps", segment=None, currency="GBP",
        ...                                           on=date(2026, 1, 1), rates=None)]
        ['200000 GBP']
        """
        scopes: dict[str | None, list[Bound]] = {}
        for bound in self.bounds_for(which, segment=segment):
            scopes.setdefault(bound.segment, []).append(bound)
        result = []
        for scope_bounds in scopes.values():
            amount = pick(
                [b.amount for b in scope_bounds], currency, on=on, rates=rates, field=which
            )
            chosen = next(
                (b for b in scope_bounds if b.amount.currency == currency), scope_bounds[0]
            )
            result.append((chosen, amount))
        return tuple(result)

    def step_for(self, currency: str) -> Decimal | None:
        """The rounding step for limits in ``currency`` (None: no rounding to a step).

        >>> LimitPolicy("p", version="1", calculators=(SalesMethod(),), rounding_step=1000,
        ...     rounding_steps=(CurrencyStep("JPY", step=100000),)).step_for("JPY")
        Decimal('100000')
        """
        for item in self.rounding_steps:
            if item.currency == currency:
                return item.step
        return self.rounding_step


def example_policy() -> LimitPolicy:
    """The example policy of ``credkit/data/limit-policy.toml``, built in Python.

    The prudent minimum of four methods (10 % of tangible net worth, 20 % of working
    capital, sales x (terms + grace) / 30, the bureau's suggestion), plus a
    risk-class matrix; caps overall and for retail in each currency of the sample
    portfolio, steps of 100 (10,000 for JPY) and class E blocked. Illustrative
    figures, not advice: calibrate your own.

    >>> policy = example_policy()
    >>> policy.id, policy.version, [c.name for c in policy.calculators]
    ('trade-credit-limits', '2026.1', ['tangible_net_worth', 'working_capital', 'sales', 'bureau', 'risk_class_matrix'])
    """
    eur = _money_list(("1500000", "EUR"), ("1300000", "GBP"), ("1600000", "USD"))
    eur += _money_list(("1400000", "CHF"), ("250000000", "JPY"))
    retail = _money_list(("60000", "EUR"), ("50000", "GBP"), ("65000", "USD"))
    retail += _money_list(("55000", "CHF"), ("10000000", "JPY"))
    return LimitPolicy(
        "trade-credit-limits",
        version="2026.1",
        description="Prudent minimum of the financial, sales and bureau methods and a "
        "risk-class matrix; illustrative figures, not advice.",
        calculators=(
            TangibleNetWorthMethod(percent=Decimal(10), max_age_months=18),
            WorkingCapitalMethod(percent=Decimal(20), max_age_months=18),
            SalesMethod(min_months=3),
            BureauMethod(factor=Decimal(1)),
            RiskClassMatrixMethod(
                base=_money_list(
                    ("300000", "EUR"),
                    ("260000", "GBP"),
                    ("320000", "USD"),
                    ("280000", "CHF"),
                    ("50000000", "JPY"),
                ),
                multipliers=(
                    ClassMultiplier("A", multiplier=Decimal("1.5")),
                    ClassMultiplier("B", multiplier=Decimal(1)),
                    ClassMultiplier("C", multiplier=Decimal("0.5")),
                    ClassMultiplier("D", multiplier=Decimal("0.2")),
                    ClassMultiplier("E", multiplier=Decimal(0)),
                ),
            ),
        ),
        combination=Combination(CombinationRule.MIN),
        caps=tuple(Bound(m) for m in eur) + tuple(Bound(m, segment="retail") for m in retail),
        rounding_step=Decimal(100),
        rounding_steps=(CurrencyStep("JPY", step=Decimal(10000)),),
        blocked_classes=("E",),
    )


def _money_list(*pairs: tuple[str, str]) -> list[Money]:
    return [Money.of(amount, currency) for amount, currency in pairs]
