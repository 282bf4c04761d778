"""Conditions on policy entries: a rule applies only to customers with (or without) some tags.

A :class:`RuleCondition` is data: lists of *terms* under ``all`` (every term holds),
``any`` (at least one holds) and ``none`` (no term holds). A term is ``"tag:NAME"``
(the profile's :attr:`~credkit.policy.profile.CreditProfile.tags` include ``NAME``)
or another condition, so AND, OR and NOT nest as deep as a policy needs. When
several keys are given, all of them must hold. In a policy document the condition is
the entry's ``when`` key::

    [[rules]]
    rule = "overdue_too_old"
    max_days = 60
    when = { any = ["tag:key_account", { all = ["tag:public", "tag:framework_contract"] }] }

An entry whose condition does not hold is skipped for that customer, as if it were
not in the policy: it neither fails nor stops the evaluation. D365 credit
management applies each blocking rule to one customer, a customer credit group or
all customers ("Sales order credit holds", Microsoft Learn); tags do the same for
any set of customers the host names, and AND / OR / NOT combine them. The profile's
tags are the customer's (:attr:`credkit.ledger.Customer.tags`, kept by every store;
:func:`~credkit.policy.builder.build_profile` also takes ``tags=``).

>>> from datetime import date
>>> from credkit.policy.exposure import Exposure
>>> from credkit.policy.profile import CreditProfile
>>> condition = load_condition({"any": ["tag:key_account", {"all": ["tag:public", "tag:framework"]}]})
>>> profile = CreditProfile("C-1", as_of=date(2026, 11, 23), exposure=Exposure((), currency="EUR"),
...                         tags=["public", "framework"])
>>> condition.holds(profile)
True
>>> load_condition({"any": ["tags:key_account"]}, path="rules[2].when")
Traceback (most recent call last):
...
credkit.errors.ConfigError: rules[2].when.any[0]: 'tags:key_account' is not a term; expected 'tag:NAME' or a table with all, any or none
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeAlias

import attrs

from credkit._validate import describe
from credkit.config import converter as _config_converter
from credkit.errors import ConfigError, ValidationError
from credkit.policy.profile import CreditProfile

__all__ = ["ConditionTerm", "RuleCondition", "load_condition"]

ConditionTerm: TypeAlias = "str | RuleCondition"
"""One term of a condition: ``"tag:NAME"`` or a nested :class:`RuleCondition`."""

_KEYS = ("all", "any", "none")
_TAG = "tag:"
_MAX_DEPTH = 32  # nested conditions; deeper documents are refused, not a RecursionError


def _term_problem(term: object) -> str | None:
    """Why ``term`` is not a term (``None`` when it is one)."""
    if isinstance(term, RuleCondition):
        return None
    if isinstance(term, str) and term.startswith(_TAG):
        name = term[len(_TAG) :]
        if name and name == name.strip():
            return None
    shown = repr(term) if isinstance(term, str) else describe(term)
    return f"{shown} is not a term; expected 'tag:NAME' or a table with all, any or none"


def _terms(value: object) -> Any:
    if isinstance(value, str) or not isinstance(value, Iterable):
        return value  # refused by the validator, with the field's name
    return tuple(value)


def _check_terms(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, tuple):
        raise ValidationError(
            f"{attribute.name}: expected a list of terms such as ['tag:key_account'], "
            f"got {describe(value)}"
        )
    for index, term in enumerate(value):
        problem = _term_problem(term)
        if problem is not None:
            raise ValidationError(f"{attribute.name}[{index}]: {problem}")


def _holds(term: ConditionTerm, tags: tuple[str, ...], profile: CreditProfile) -> bool:
    if isinstance(term, RuleCondition):
        return term.holds(profile)
    return term[len(_TAG) :] in tags


@attrs.frozen
class RuleCondition:
    """When a policy entry applies: every term of ``all``, one of ``any``, none of ``none``.

    Terms are ``"tag:NAME"`` or nested conditions. At least one of the three lists
    must have a term; lists left empty are not checked (an empty ``any`` does not
    make the condition false).

    >>> key_accounts = RuleCondition(all=["tag:key_account"], none=["tag:on_probation"])
    >>> key_accounts.terms()
    ('tag:key_account', 'tag:on_probation')
    >>> RuleCondition()
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: all: a condition needs at least one term in all, any or none
    """

    all: tuple[ConditionTerm, ...] = attrs.field(
        default=(), kw_only=True, converter=_terms, validator=_check_terms
    )
    any: tuple[ConditionTerm, ...] = attrs.field(
        default=(), kw_only=True, converter=_terms, validator=_check_terms
    )
    none: tuple[ConditionTerm, ...] = attrs.field(
        default=(), kw_only=True, converter=_terms, validator=_check_terms
    )

    def __attrs_post_init__(self) -> None:
        if not (self.all or self.any or self.none):
            raise ValidationError("all: a condition needs at least one term in all, any or none")

    def holds(self, profile: CreditProfile) -> bool:
        """Whether ``profile`` meets the condition.

        >>> from datetime import date
        >>> from credkit.policy.exposure import Exposure
        >>> profile = CreditProfile("C-1", as_of=date(2026, 11, 23), exposure=Exposure((), currency="EUR"),
        ...                         tags=["key_account", "on_probation"])
        >>> RuleCondition(all=["tag:key_account"], none=["tag:on_probation"]).holds(profile)
        False
        """
        tags = profile.tags
        if not all(_holds(term, tags, profile) for term in self.all):
            return False
        if self.any and not any(_holds(term, tags, profile) for term in self.any):
            return False
        return not any(_holds(term, tags, profile) for term in self.none)

    def terms(self) -> tuple[str, ...]:
        """Every ``tag:`` term, nested ones included, in the order written.

        >>> RuleCondition(any=["tag:a", RuleCondition(none=["tag:b"])]).terms()
        ('tag:a', 'tag:b')
        """
        found: list[str] = []
        for term in (*self.all, *self.any, *self.none):
            if isinstance(term, RuleCondition):
                found.extend(term.terms())
            else:
                found.append(term)
        return tuple(found)


def load_condition(value: object, *, path: str = "") -> RuleCondition:
    """A :class:`RuleCondition` from a document: a table with ``all`` / ``any`` / ``none``.

    A single term (``"tag:key_account"``) stands for ``{all = ["tag:key_account"]}``.
    Every problem is a :class:`~credkit.errors.ConfigError` whose path (prefixed with
    ``path``) names the offending key or term.

    >>> load_condition("tag:key_account")
    RuleCondition(all=('tag:key_account',), any=(), none=())
    >>> load_condition({"al": ["tag:x"]}, path="when")
    Traceback (most recent call last):
    ...
    credkit.errors.ConfigError: when.al: unknown key; a condition accepts all, any, none
    """
    return _load(value, path, 0)


def _load(value: object, path: str, depth: int) -> RuleCondition:
    if isinstance(value, RuleCondition):
        return value
    if depth > _MAX_DEPTH:
        raise ConfigError(f"conditions nest more than {_MAX_DEPTH} deep", path=path)
    if isinstance(value, str):
        problem = _term_problem(value)
        if problem is not None:
            raise ConfigError(problem, path=path)
        return RuleCondition(all=(value,))
    if not isinstance(value, Mapping):
        raise ConfigError(
            "expected a table with all, any or none (lists of 'tag:NAME' terms or tables), "
            f"got {describe(value)}",
            path=path,
        )
    lists: dict[str, tuple[ConditionTerm, ...]] = {}
    for key, items in value.items():
        where = f"{path}.{key}" if path else str(key)
        if key not in _KEYS:
            raise ConfigError("unknown key; a condition accepts all, any, none", path=where)
        if isinstance(items, str) or not isinstance(items, list | tuple):
            raise ConfigError(
                f"expected a list of terms such as ['tag:key_account'], got {describe(items)}",
                path=where,
            )
        terms: list[ConditionTerm] = []
        for index, item in enumerate(items):
            at = f"{where}[{index}]"
            if isinstance(item, Mapping):
                terms.append(_load(item, at, depth + 1))
                continue
            problem = _term_problem(item)
            if problem is not None:
                raise ConfigError(problem, path=at)
            terms.append(item)
        lists[key] = tuple(terms)
    if not any(lists.values()):
        raise ConfigError("a condition needs at least one term in all, any or none", path=path)
    return RuleCondition(**lists)


def _unstructure(condition: RuleCondition) -> dict[str, Any]:
    return {
        key: [_unstructure(t) if isinstance(t, RuleCondition) else t for t in terms]
        for key in _KEYS
        if (terms := getattr(condition, key))
    }


_config_converter.register_structure_hook(RuleCondition, lambda value, _: load_condition(value))
_config_converter.register_unstructure_hook(RuleCondition, _unstructure)
