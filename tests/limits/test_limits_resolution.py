"""Resolving the limit in force: customer -> customer group -> company default, with bypass.

Peers: ERPNext looks for the credit limit of the document's company on the customer,
then on its customer group, then on the company, and each customer or group row has
"bypass credit limit check at sales order"; D365 falls back from the customer to the
customer group's credit settings in the same way.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credkit.config import dump, load
from credkit.errors import ConfigError, ValidationError
from credkit.limits import LimitLevel, LimitSetting, LimitTable, resolve_limit
from credkit.money import Money
from credkit.testing.strategies import corrupted, limit_tables


def eur(amount: int) -> Money:
    return Money.of(amount, "EUR")


TABLE = LimitTable(
    customers={
        "C1": {"DE01": LimitSetting(eur(50000), bypass=True), "FR01": LimitSetting(None)},
    },
    customer_groups={"wholesale": {"DE01": LimitSetting(eur(20000)), "GB01": LimitSetting(eur(0))}},
    companies={"DE01": LimitSetting(eur(5000)), "GB01": LimitSetting(eur(7000), bypass=True)},
)


def test_customer_level_wins_with_its_bypass_flag() -> None:
    # ERPNext: the customer's own row for the company, "bypass credit limit check at
    # sales order" ticked
    found = resolve_limit(TABLE, "C1", company="DE01", customer_group="wholesale")
    assert (found.level, found.key, found.amount, found.bypass) == (
        LimitLevel.CUSTOMER,
        "C1",
        eur(50000),
        True,
    )
    assert found.reason == (
        "customer C1 in company DE01: 50,000.00 EUR, check bypassed at the sales order"
    )


def test_customer_group_then_company_default() -> None:
    group = resolve_limit(TABLE, "C2", company="DE01", customer_group="wholesale")
    assert (group.level, group.key, group.amount, group.bypass) == (
        LimitLevel.CUSTOMER_GROUP,
        "wholesale",
        eur(20000),
        False,
    )
    default = resolve_limit(TABLE, "C2", company="DE01", customer_group="retail")
    assert (default.level, default.amount) == (LimitLevel.COMPANY, eur(5000))
    without_group = resolve_limit(TABLE, "C1", company="GB01")
    assert (without_group.level, without_group.amount, without_group.bypass) == (
        LimitLevel.COMPANY,
        eur(7000),
        True,
    )


def test_an_explicit_no_limit_or_zero_stops_the_search() -> None:
    # None is "no limit" set on purpose; zero is "no credit"; neither falls through
    unlimited = resolve_limit(TABLE, "C1", company="FR01")
    assert (unlimited.level, unlimited.amount) == (LimitLevel.CUSTOMER, None)
    assert unlimited.reason == "customer C1 in company FR01: no limit"
    zero = resolve_limit(TABLE, "C9", company="GB01", customer_group="wholesale")
    assert (zero.level, zero.amount, zero.bypass) == (LimitLevel.CUSTOMER_GROUP, eur(0), False)


def test_nothing_set_at_any_level() -> None:
    found = resolve_limit(TABLE, "C2", company="US01", customer_group="wholesale")
    assert (found.level, found.key, found.amount, found.bypass) == (
        LimitLevel.NONE,
        None,
        None,
        False,
    )


def test_bad_input_is_refused_with_the_field() -> None:
    with pytest.raises(ValidationError, match=r"^company: expected a company id"):
        resolve_limit(TABLE, "C1", company="")
    with pytest.raises(ValidationError, match=r"^customer_group: expected a customer-group name"):
        resolve_limit(TABLE, "C1", company="DE01", customer_group=5)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=r"^table: expected a LimitTable"):
        resolve_limit({}, "C1", company="DE01")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=r"^companies\['DE01'\]: expected a LimitSetting"):
        LimitTable(companies={"DE01": eur(5)})  # type: ignore[dict-item]
    with pytest.raises(ValidationError, match=r"^bypass: expected True or False"):
        LimitSetting(eur(5), bypass="yes")  # type: ignore[arg-type]


def test_table_loads_from_a_document_with_field_paths() -> None:
    document = {
        "customers": {"C1": {"DE01": {"amount": "50000 EUR", "bypass": True}}},
        "customer_groups": {"wholesale": {"DE01": {"amount": "20000 EUR"}}},
        "companies": {"DE01": {"amount": "5000 EUR"}, "FR01": {}},
    }
    table = load(LimitTable, document)
    assert table.companies["FR01"] == LimitSetting(None)
    assert resolve_limit(table, "C1", company="DE01").bypass is True
    assert load(LimitTable, dump(table)) == table
    bad = {"customers": {"C1": {"DE01": {"amount": "-5 EUR"}}}}
    with pytest.raises(ConfigError, match=r"^customers\[C1\]\[DE01\]\.amount: must be zero or"):
        load(LimitTable, bad)


@given(
    table=limit_tables(),
    customer=st.sampled_from(["C1", "C2", "C3", "C4"]),
    group=st.none() | st.sampled_from(["retail", "wholesale"]),
    company=st.sampled_from(["DE01", "FR01", "GB01", "US01"]),
)
def test_the_first_level_with_a_setting_decides_amount_and_bypass(
    table: LimitTable, customer: str, group: str | None, company: str
) -> None:
    found = resolve_limit(table, customer, company=company, customer_group=group)
    levels = [
        (LimitLevel.CUSTOMER, table.customers.get(customer, {}).get(company)),
        (
            LimitLevel.CUSTOMER_GROUP,
            None if group is None else table.customer_groups.get(group, {}).get(company),
        ),
        (LimitLevel.COMPANY, table.companies.get(company)),
    ]
    first = next(((level, s) for level, s in levels if s is not None), None)
    if first is None:
        assert (found.level, found.amount, found.bypass) == (LimitLevel.NONE, None, False)
    else:
        level, setting = first
        assert (found.level, found.amount, found.bypass) == (
            level,
            setting.amount,
            setting.bypass,
        )


@given(data=st.data(), table=limit_tables())
def test_damaged_documents_raise_only_config_error(data: st.DataObject, table: LimitTable) -> None:
    document = data.draw(corrupted(dump(table)))
    try:
        loaded = load(LimitTable, document)
    except ConfigError:
        return
    assert isinstance(loaded, LimitTable)
