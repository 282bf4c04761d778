"""Named rules: the built-in ones, and custom rules a host registers with a parameter schema.

A policy document names each rule (``rule = "static_limit"``) and gives its
parameters beside the name. A :class:`RuleRegistry` maps names to
:class:`RuleSpec` values that say how to build the rule from those parameters.
:data:`BUILTIN_RULES` holds every built-in rule; a host adds its own with
:meth:`RuleRegistry.register`, which returns a new registry (registries are
immutable, like everything else in credkit), and passes that registry to
:func:`~credkit.policy.policy.load_policy`.

A custom rule is a function ``(profile, order, params) -> RuleResult`` and, when
it takes parameters, an attrs class describing them; the class is loaded with
:mod:`credkit.config`, so its fields are validated and typos in documents are
errors with the path of the key.

>>> import attrs
>>> from decimal import Decimal
>>> from credkit.policy.result import RuleResult
>>> @attrs.frozen
... class InsolvencyParams:
...     field: str = "insolvency"
>>> def no_insolvency(profile, order, params):
...     if profile.bureau.get(params.field):
...         return RuleResult.failure("no_insolvency", "INSOLVENCY", "bureau reports an insolvency")
...     return RuleResult.success("no_insolvency", "INSOLVENCY")
>>> registry = BUILTIN_RULES.register(
...     "no_insolvency", no_insolvency, params=InsolvencyParams, code="INSOLVENCY"
... )
>>> "no_insolvency" in registry, "no_insolvency" in BUILTIN_RULES
(True, False)
>>> registry.rule("no_insolvency", field="insolvency_flag").params
InsolvencyParams(field='insolvency_flag')
>>> registry.rule("no_such_rule")
Traceback (most recent call last):
...
credkit.errors.ConfigError: rule: unknown rule 'no_such_rule'; known rules are bureau_report, customer_blocked, dunning_level, dynamic_limit, group_limit, limit_validity, max_order_value, no_insolvency, overdue_amount, overdue_invoice_count, overdue_share, overdue_too_old, payment_index_floor, require_limit, review_overdue, risk_class_blocked, score_floor, static_limit, sub_limits, unpaid_invoice_count, watch_list
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeAlias

import attrs

from credkit import config
from credkit._compat import deprecated
from credkit._validate import boolean, describe, frozen_mapping
from credkit.errors import ConfigError, PolicyError, ValidationError
from credkit.policy.order import OrderRequest
from credkit.policy.profile import CreditProfile
from credkit.policy.result import RuleResult
from credkit.policy.rules import BUILTIN_RULE_TYPES, Check, Rule, check_inputs

__all__ = [
    "BUILTIN_RULES",
    "CustomRule",
    "CustomRuleFunction",
    "RuleRegistry",
    "RuleSpec",
    "check_keys",
]

CustomRuleFunction: TypeAlias = Callable[[CreditProfile, OrderRequest, Any], RuleResult]
"""A custom rule: ``(profile, order, params) -> RuleResult`` (``params`` is ``None``
when the rule takes none)."""

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_CODE = re.compile(r"^[A-Z][A-Z0-9_]*$")


def _name(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not _NAME.match(value):
        raise ValidationError(
            f"{attribute.name}: expected a lower-case name such as 'credit_insurance' "
            f"(letters, digits, underscores), got {describe(value)}"
        )


def _code(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not _CODE.match(value):
        raise ValidationError(
            f"{attribute.name}: expected an upper-case reason code such as 'INSURANCE_CAP' "
            f"(letters, digits, underscores), got {describe(value)}"
        )


def _codes(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, tuple):
        raise ValidationError(f"{attribute.name}: expected a tuple of codes, got {describe(value)}")
    for item in value:
        _code(instance, attribute, item)


def _params_type(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not (isinstance(value, type) and attrs.has(value)):
        raise ValidationError(
            f"{attribute.name}: expected an attrs class describing the parameters (or None), "
            f"got {describe(value)}"
        )


def _function(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not callable(value):
        raise ValidationError(
            f"{attribute.name}: expected a callable (profile, order, params) -> RuleResult, "
            f"got {describe(value)}"
        )


def _tuple(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


@attrs.frozen
class CustomRule:
    """A registered custom rule with its parameters, ready for a policy.

    Build it with :meth:`RuleRegistry.rule` (or load it in a policy document).
    ``evaluate`` calls the function and insists on a
    :class:`~credkit.policy.result.RuleResult` back; anything else raises
    :class:`~credkit.errors.PolicyError`, since a rule that answers nonsense
    cannot be evaluated. Exceptions the function raises propagate.

    >>> from credkit.policy.result import RuleResult
    >>> rule = CustomRule(
    ...     "always_hold", lambda p, o, params: RuleResult.failure("always_hold", "MANUAL", "manual review"),
    ...     code="MANUAL",
    ... )
    >>> rule.name, rule.params
    ('always_hold', None)
    """

    name: str = attrs.field(validator=_name)
    function: CustomRuleFunction = attrs.field(validator=_function)
    params: Any = attrs.field(default=None, kw_only=True)
    code: str = attrs.field(kw_only=True, validator=_code)
    applies_to_prepaid: bool = attrs.field(default=False, kw_only=True, validator=boolean)
    codes: tuple[str, ...] = attrs.field(
        default=(), kw_only=True, converter=_tuple, validator=_codes
    )

    def __attrs_post_init__(self) -> None:
        if self.code not in self.codes:
            object.__setattr__(self, "codes", (self.code, *self.codes))

    def evaluate(self, profile: CreditProfile, order: OrderRequest) -> RuleResult:
        """Call the function and check that it answered with a result.

        >>> from datetime import date
        >>> from credkit.money import Money
        >>> from credkit.policy.exposure import Exposure
        >>> profile = CreditProfile("C-1", as_of=date(2026, 11, 23), exposure=Exposure((), currency="EUR"))
        >>> order = OrderRequest("SO-1", Money.of(5, "EUR"), order_date=date(2026, 11, 23))
        >>> CustomRule("broken", lambda p, o, params: True, code="BROKEN").evaluate(profile, order)
        Traceback (most recent call last):
        ...
        credkit.errors.PolicyError: custom rule 'broken' returned bool True; a rule must return a RuleResult
        """
        check_inputs(profile, order)
        result = self.function(profile, order, self.params)
        if not isinstance(result, RuleResult):
            raise PolicyError(
                f"custom rule {self.name!r} returned {describe(result)}; "
                "a rule must return a RuleResult"
            )
        return result

    def failure(self, profile: CreditProfile, order: OrderRequest) -> RuleResult | None:
        """``None`` for a pass, the failed result otherwise (inputs are not checked).

        >>> from datetime import date
        >>> from credkit.money import Money
        >>> from credkit.policy.exposure import Exposure
        >>> from credkit.policy.result import RuleResult
        >>> profile = CreditProfile("C-1", as_of=date(2026, 11, 23), exposure=Exposure((), currency="EUR"))
        >>> order = OrderRequest("SO-1", Money.of(5, "EUR"), order_date=date(2026, 11, 23))
        >>> rule = CustomRule("ok", lambda p, o, params: RuleResult.success("ok", "OK"), code="OK")
        >>> rule.failure(profile, order) is None
        True
        """
        result = self.function(profile, order, self.params)
        if result.__class__ is not RuleResult and not isinstance(result, RuleResult):
            raise PolicyError(
                f"custom rule {self.name!r} returned {describe(result)}; "
                "a rule must return a RuleResult"
            )
        return None if result.passed else result

    def compile(self) -> Check:
        """Deprecated: use :meth:`failure`, which is what this returned."""
        deprecated("Rule.compile()", "rule.failure(profile, order)")
        return self.failure


@attrs.frozen
class RuleSpec:
    """How to build one named rule: its parameter class and, for a custom rule, its function.

    For a built-in rule ``params`` is the rule class itself and ``function`` is
    ``None``; for a custom rule ``params`` is the parameter class (or ``None`` for
    a rule without parameters) and ``function`` the callable.

    >>> BUILTIN_RULES.spec("overdue_too_old").parameters
    ('max_days', 'when_missing')
    """

    name: str = attrs.field(validator=_name)
    params: type | None = attrs.field(kw_only=True, validator=_params_type)
    function: CustomRuleFunction | None = attrs.field(
        default=None, kw_only=True, validator=_function
    )
    code: str = attrs.field(kw_only=True, validator=_code)
    codes: tuple[str, ...] = attrs.field(kw_only=True, converter=_tuple, validator=_codes)
    applies_to_prepaid: bool = attrs.field(default=False, kw_only=True, validator=boolean)
    description: str = attrs.field(default="", kw_only=True)

    @property
    def parameters(self) -> tuple[str, ...]:
        """The parameter keys a document may give for this rule.

        >>> BUILTIN_RULES.spec("customer_blocked").parameters
        ()
        """
        if self.params is None:
            return ()
        return tuple(a.alias for a in attrs.fields(self.params) if a.init)

    def build(self, params: Mapping[str, Any], *, path: str = "") -> Rule:
        """Build the rule from a document's parameters, validated by :func:`credkit.config.load`.

        Unknown keys, bad values and failed validations raise
        :class:`~credkit.errors.ConfigError`; ``path`` prefixes the error paths.

        >>> BUILTIN_RULES.spec("overdue_too_old").build({"max_days": 30})
        OverdueTooOld(max_days=30, when_missing=<WhenMissing.FAIL: 'fail'>)
        >>> BUILTIN_RULES.spec("dunning_level").build({"level": "2"}, path="rules[0]")
        Traceback (most recent call last):
        ...
        credkit.errors.ConfigError: rules[0].level: expected an integer, got str '2'
        """
        check_keys(self, params, (), path=path)
        values: Any = None if self.params is None else config.load(self.params, params, path=path)
        if self.function is None:
            built: Rule = values
            return built
        return CustomRule(
            self.name,
            self.function,
            params=values,
            code=self.code,
            codes=self.codes,
            applies_to_prepaid=self.applies_to_prepaid,
        )


def check_keys(
    spec: RuleSpec, params: Mapping[str, Any], extra: Iterable[str], *, path: str
) -> None:
    """Raise a :class:`~credkit.errors.ConfigError` for the first key ``spec`` does not accept.

    ``extra`` are further keys allowed beside the parameters (a policy entry's own).

    >>> check_keys(BUILTIN_RULES.spec("watch_list"), {"level": 2}, ["on_fail"], path="rules[1]")
    Traceback (most recent call last):
    ...
    credkit.errors.ConfigError: rules[1].level: unknown key; rule 'watch_list' accepts on_fail
    """
    accepted = set(spec.parameters) | set(extra)
    for key in params:
        if key not in accepted:
            listing = ", ".join(sorted(accepted)) if accepted else "no keys"
            where = f"{path}.{key}" if path else str(key)
            raise ConfigError(f"unknown key; rule {spec.name!r} accepts {listing}", path=where)


def _specs(value: Any) -> Any:
    if isinstance(value, Mapping):
        return frozen_mapping(dict(sorted(value.items())))
    if isinstance(value, Iterable) and not isinstance(value, str):
        return frozen_mapping({spec.name: spec for spec in sorted(value, key=lambda s: s.name)})
    return value


def _check_specs(_instance: object, _attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Mapping):
        raise ValidationError(f"specs: expected RuleSpec values, got {describe(value)}")
    for key, spec in value.items():
        if not isinstance(spec, RuleSpec) or spec.name != key:
            raise ValidationError(f"specs[{key!r}]: expected the RuleSpec named {key!r}")


@attrs.frozen
class RuleRegistry:
    """Rule names and how to build each rule; immutable (:meth:`register` returns a new one).

    >>> len(BUILTIN_RULES.names())
    20
    >>> BUILTIN_RULES.register("static_limit", lambda p, o, params: None, code="X")
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: name: rule 'static_limit' is already registered; choose another name
    """

    specs: Mapping[str, RuleSpec] = attrs.field(
        factory=dict, converter=_specs, validator=_check_specs, eq=False, hash=False
    )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RuleRegistry):
            return NotImplemented
        return dict(self.specs) == dict(other.specs)

    def __hash__(self) -> int:
        return hash(tuple(self.specs))

    def __contains__(self, name: object) -> bool:
        return name in self.specs

    def names(self) -> tuple[str, ...]:
        """Every registered name, sorted.

        >>> BUILTIN_RULES.names()[:3]
        ('bureau_report', 'customer_blocked', 'dunning_level')
        """
        return tuple(self.specs)

    def spec(self, name: str) -> RuleSpec:
        """The spec registered under ``name``; an unknown name is a :class:`~credkit.errors.ConfigError`.

        >>> BUILTIN_RULES.spec("static_limit").code
        'LIMIT_EXCEEDED'
        """
        try:
            return self.specs[name]
        except (KeyError, TypeError):
            raise ConfigError(
                f"unknown rule {name!r}; known rules are {', '.join(self.specs)}", path="rule"
            ) from None

    def register(
        self,
        name: str,
        function: CustomRuleFunction,
        *,
        params: type | None = None,
        code: str,
        codes: Iterable[str] = (),
        applies_to_prepaid: bool = False,
        description: str = "",
    ) -> RuleRegistry:
        """A new registry with the custom rule ``name`` added.

        ``function(profile, order, params)`` must return a
        :class:`~credkit.policy.result.RuleResult`; ``params`` is the attrs class its
        parameters load into (``None``: no parameters). ``code`` is the main reason
        code and ``codes`` every code the rule may report (``code`` is added when
        missing). ``applies_to_prepaid`` says whether the rule still runs for
        prepaid orders and orders that add no exposure. Names are lower case and
        unique: a name that is already registered, built-in or not, is refused.

        >>> registry = BUILTIN_RULES.register("x", lambda p, o, params: None, code="X")
        >>> registry.spec("x").codes
        ('X',)
        """
        if isinstance(name, str) and name in self.specs:
            raise ValidationError(f"name: rule {name!r} is already registered; choose another name")
        if function is None:
            raise ValidationError(
                "function: expected a callable (profile, order, params) -> RuleResult, got None"
            )
        all_codes = tuple(codes)
        if code not in all_codes:
            all_codes = (code, *all_codes)
        spec = RuleSpec(
            name,
            params=params,
            function=function,
            code=code,
            codes=all_codes,
            applies_to_prepaid=applies_to_prepaid,
            description=description,
        )
        return RuleRegistry({**self.specs, name: spec})

    def rule(self, name: str, /, **params: Any) -> Rule:
        """Build the rule ``name`` from keyword parameters, validated as in a document.

        Bad or unknown parameters raise :class:`~credkit.errors.ConfigError`.

        >>> BUILTIN_RULES.rule("overdue_too_old", max_days=30, when_missing="pass")
        OverdueTooOld(max_days=30, when_missing=<WhenMissing.PASS: 'pass'>)
        >>> BUILTIN_RULES.rule("overdue_too_old", max_day=30)
        Traceback (most recent call last):
        ...
        credkit.errors.ConfigError: max_day: unknown key; rule 'overdue_too_old' accepts max_days, when_missing
        """
        return self.spec(name).build(params)


def _builtin_spec(cls: type[Any]) -> RuleSpec:
    return RuleSpec(
        cls.name,
        params=cls,
        code=cls.code,
        codes=cls.codes,
        applies_to_prepaid=cls.applies_to_prepaid,
        description=(cls.__doc__ or "").strip().split("\n")[0],
    )


BUILTIN_RULES: RuleRegistry = RuleRegistry(_builtin_spec(cls) for cls in BUILTIN_RULE_TYPES)
"""Every built-in rule, by name. Register custom rules on it to get a registry with both."""
