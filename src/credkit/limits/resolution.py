"""Which limit is in force: customer, then customer group, then the company default.

A business with several companies (legal entities, business units) often keeps a
credit limit per company at three levels: on the customer, on the customer's
group (a sales classification such as "wholesale", not the credit group of
:func:`~credkit.limits.group_headroom`), and a default per company. ERPNext resolves the
limit in this order for the company of the document (customer -> customer group
-> company), and D365 falls back the same way from the customer to its
customer-group settings. :class:`LimitTable` holds the three levels as data
(loadable with :func:`credkit.config.load`); :func:`resolve_limit` finds the
first level that has a :class:`LimitSetting` for the company and says which one
it was.

Each setting carries an explicit ``bypass`` flag: ERPNext's "bypass credit limit
check at sales order", which skips the check when the order is entered but keeps
the limit for the later stages (delivery, invoice). The level that supplies the
limit also supplies the flag. A setting's ``amount`` of ``None`` means *no limit*
(it still stops the search: it is an explicit setting); a level with no setting
for the company passes the question on to the next one. When no level has one,
the result has ``level=LimitLevel.NONE`` and no limit.

>>> from credkit.money import Money
>>> table = LimitTable(
...     customers={"C-1": {"DE01": LimitSetting(Money.of(50000, "EUR"), bypass=True)}},
...     customer_groups={"wholesale": {"DE01": LimitSetting(Money.of(20000, "EUR"))}},
...     companies={"DE01": LimitSetting(Money.of(5000, "EUR")), "FR01": LimitSetting(None)},
... )
>>> found = resolve_limit(table, "C-1", company="DE01", customer_group="wholesale")
>>> found.level, found.amount, found.bypass
(<LimitLevel.CUSTOMER: 'customer'>, Money('50000', 'EUR'), True)
>>> resolve_limit(table, "C-2", company="DE01", customer_group="wholesale").amount
Money('20000', 'EUR')
>>> resolve_limit(table, "C-2", company="DE01").reason
'company DE01 default: 5,000.00 EUR'
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

import attrs

from credkit._validate import (
    boolean,
    check_text,
    describe,
    frozen_mapping,
    optional_non_negative_money,
    optional_text,
    text,
)
from credkit.errors import ValidationError
from credkit.limits._common import fmt
from credkit.money import Money

__all__ = ["LimitLevel", "LimitSetting", "LimitTable", "ResolvedLimit", "resolve_limit"]


class LimitLevel(enum.Enum):
    """The level a resolved limit came from.

    >>> LimitLevel("customer_group")
    <LimitLevel.CUSTOMER_GROUP: 'customer_group'>
    """

    CUSTOMER = "customer"
    CUSTOMER_GROUP = "customer_group"
    COMPANY = "company"
    NONE = "none"
    """No level has a setting for the company: no limit."""


@attrs.frozen
class LimitSetting:
    """One level's limit for one company, and whether the order-stage check is bypassed.

    ``amount`` is zero or more, or ``None`` for *no limit* (zero is a real limit:
    no credit). ``bypass`` skips the credit check at the sales order (ERPNext's
    "bypass credit limit check at sales order").

    >>> LimitSetting(Money.of(-1, "EUR"))
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: amount: must be zero or more, got -1 EUR
    """

    amount: Money | None = attrs.field(default=None, validator=optional_non_negative_money)
    bypass: bool = attrs.field(default=False, kw_only=True, validator=boolean)


def _settings(field: str, value: object) -> None:
    if not isinstance(value, Mapping):
        raise ValidationError(
            f"{field}: expected a mapping of company to LimitSetting, got {describe(value)}"
        )
    for company, setting in value.items():
        check_text(company, f"{field} key", what="a company id")
        if not isinstance(setting, LimitSetting):
            raise ValidationError(
                f"{field}[{company!r}]: expected a LimitSetting, got {describe(setting)}"
            )


def _by_company(value: Any) -> Any:
    if isinstance(value, Mapping):
        return frozen_mapping(
            {k: frozen_mapping(v) if isinstance(v, Mapping) else v for k, v in value.items()}
        )
    return value


def _nested(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Mapping):
        raise ValidationError(
            f"{attribute.name}: expected a mapping of id to a mapping of company to "
            f"LimitSetting, got {describe(value)}"
        )
    for key, inner in value.items():
        check_text(key, f"{attribute.name} key", what="an id")
        _settings(f"{attribute.name}[{key!r}]", inner)


def _flat(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    _settings(attribute.name, value)


@attrs.frozen(kw_only=True)
class LimitTable:
    """Credit limits per company at three levels, searched in this order by :func:`resolve_limit`.

    ``customers`` maps a customer id to its settings per company;
    ``customer_groups`` maps a customer-group name to its settings per company;
    ``companies`` maps a company to its default setting. In a configuration
    document:

    >>> from credkit.config import load
    >>> table = load(LimitTable, {
    ...     "customers": {"C-1": {"DE01": {"amount": "50000.00 EUR", "bypass": True}}},
    ...     "companies": {"DE01": {"amount": "5000.00 EUR"}},
    ... })
    >>> table.customers["C-1"]["DE01"].bypass
    True
    >>> load(LimitTable, {"companies": {"DE01": {"amount": "5000.00 EUR", "bypas": True}}})
    Traceback (most recent call last):
    ...
    credkit.errors.ConfigError: companies[DE01].bypas: unknown key; accepted keys are amount, bypass
    """

    customers: Mapping[str, Mapping[str, LimitSetting]] = attrs.field(
        factory=dict, converter=_by_company, validator=_nested, hash=False
    )
    customer_groups: Mapping[str, Mapping[str, LimitSetting]] = attrs.field(
        factory=dict, converter=_by_company, validator=_nested, hash=False
    )
    companies: Mapping[str, LimitSetting] = attrs.field(
        factory=dict, converter=frozen_mapping, validator=_flat, hash=False
    )


@attrs.frozen(kw_only=True)
class ResolvedLimit:
    """The limit in force for a customer in a company, and where it came from.

    ``amount`` is ``None`` for *no limit* (an explicit setting, or no setting at
    any level: ``level`` tells which). ``bypass`` is the flag of the level that
    supplied the limit; ``key`` is that level's id (the customer, the group or the
    company; ``None`` for :attr:`LimitLevel.NONE`); ``reason`` says it in words.

    >>> resolve_limit(LimitTable(), "C-1", company="DE01").reason
    'no limit set for C-1 in company DE01 (customer, customer group or company default)'
    """

    customer_id: str = attrs.field(validator=text)
    company: str = attrs.field(validator=text)
    level: LimitLevel = attrs.field(validator=attrs.validators.instance_of(LimitLevel))
    key: str | None = attrs.field(validator=optional_text)
    amount: Money | None = attrs.field(validator=optional_non_negative_money)
    bypass: bool = attrs.field(validator=boolean)
    reason: str = attrs.field(validator=text)


def resolve_limit(
    table: LimitTable,
    customer_id: str,
    *,
    company: str,
    customer_group: str | None = None,
) -> ResolvedLimit:
    """The limit in force for ``customer_id`` in ``company``: customer, group, company default.

    The first level with a setting for ``company`` wins, with its ``bypass``
    flag; ``customer_group`` is the customer's group (``None``: the group level is
    skipped). See the module description.

    >>> from credkit.money import Money
    >>> table = LimitTable(
    ...     customers={"C-1": {"FR01": LimitSetting(Money.of(9000, "EUR"))}},
    ...     companies={"DE01": LimitSetting(Money.of(5000, "EUR"))},
    ... )
    >>> resolve_limit(table, "C-1", company="DE01").level
    <LimitLevel.COMPANY: 'company'>
    >>> resolve_limit(table, "C-1", company="")
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: company: expected a company id, got str ''
    """
    if not isinstance(table, LimitTable):
        raise ValidationError(f"table: expected a LimitTable, got {describe(table)}")
    check_text(customer_id, "customer_id", what="a customer id")
    check_text(company, "company", what="a company id")
    if customer_group is not None:
        check_text(customer_group, "customer_group", what="a customer-group name")
    candidates: list[tuple[LimitLevel, str, Mapping[str, LimitSetting] | None, str]] = [
        (LimitLevel.CUSTOMER, customer_id, table.customers.get(customer_id), "customer"),
    ]
    if customer_group is not None:
        candidates.append(
            (
                LimitLevel.CUSTOMER_GROUP,
                customer_group,
                table.customer_groups.get(customer_group),
                "customer group",
            )
        )
    for level, key, settings, label in candidates:
        if settings is not None and company in settings:
            setting = settings[company]
            return _found(customer_id, company, level, key, setting, f"{label} {key}")
    if company in table.companies:
        return _found(
            customer_id,
            company,
            LimitLevel.COMPANY,
            company,
            table.companies[company],
            f"company {company} default",
            in_company=False,
        )
    return ResolvedLimit(
        customer_id=customer_id,
        company=company,
        level=LimitLevel.NONE,
        key=None,
        amount=None,
        bypass=False,
        reason=(
            f"no limit set for {customer_id} in company {company} "
            "(customer, customer group or company default)"
        ),
    )


def _found(
    customer_id: str,
    company: str,
    level: LimitLevel,
    key: str,
    setting: LimitSetting,
    where: str,
    *,
    in_company: bool = True,
) -> ResolvedLimit:
    place = f"{where} in company {company}" if in_company else where
    reason = f"{place}: {fmt(setting.amount)}"
    if setting.bypass:
        reason += ", check bypassed at the sales order"
    return ResolvedLimit(
        customer_id=customer_id,
        company=company,
        level=level,
        key=key,
        amount=setting.amount,
        bypass=setting.bypass,
        reason=reason,
    )
