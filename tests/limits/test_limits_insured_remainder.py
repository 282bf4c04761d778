"""The insured-cover method's two bases: own risk on top, or own risk = total - insured.

Peers: OCA ``partner_financial_risk_insurance`` (Odoo) keeps a company credit limit
and an insurance credit limit side by side, their sum being the customer's credit
(the "on top" basis); the "remainder" basis is the other common reading: the business
fixes the total limit and its own risk is what the insurer does not cover,
``max(0, total limit - insured limit)``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credkit.config import dump, load
from credkit.errors import ConfigError, ValidationError
from credkit.fx import RateTable
from credkit.ledger import Customer
from credkit.limits import (
    InsuranceCover,
    InsuredCoverMethod,
    LimitInputs,
    LimitPolicy,
    OwnRiskBasis,
)
from credkit.money import Money

AS_OF = date(2026, 3, 31)
ACME = Customer("C1", "Acme GmbH", country="DE", currency="EUR")


def eur(amount: str | int | Decimal) -> Money:
    return Money.of(amount, "EUR")


def inputs(buyer_limit: Money, **changes: object) -> LimitInputs:
    cover = InsuranceCover(buyer_limit, cover_percent=90, insurer="Atradius")
    return LimitInputs(ACME, as_of=AS_OF, insurance=cover, **changes)  # type: ignore[arg-type]


def test_default_basis_is_own_risk_on_top() -> None:
    assert InsuredCoverMethod().own_risk_basis is OwnRiskBasis.ON_TOP
    result = InsuredCoverMethod(own_risk_percent=25).recommend(inputs(eur(80000)))
    assert (result.insured, result.own_risk, result.amount) == (
        eur("80000.00"),
        eur("20000.00"),
        eur("100000.00"),
    )


def test_remainder_own_risk_is_total_less_insured() -> None:
    # total 100,000, insurer covers 80,000: own risk 20,000
    method = InsuredCoverMethod(own_risk_basis="remainder", total_limit=eur(100000))
    result = method.recommend(inputs(eur(80000)))
    assert (result.insured, result.own_risk, result.amount) == (
        eur("80000.00"),
        eur("20000.00"),
        eur("100000.00"),
    )
    assert result.reason.startswith("total limit 100,000.00 EUR (total_limit): insured part")
    assert "insurer pays 90% of a loss (72,000.00 EUR)" in result.reason


def test_remainder_never_goes_below_zero_own_risk() -> None:
    # the insurer covers more than the total: the whole limit is insured, no own risk
    method = InsuredCoverMethod(own_risk_basis=OwnRiskBasis.REMAINDER, total_limit=eur(50000))
    result = method.recommend(inputs(eur(80000)))
    assert (result.insured, result.own_risk, result.amount) == (
        eur("50000.00"),
        eur("0.00"),
        eur("50000.00"),
    )
    assert "the buyer limit 80,000.00 EUR is above the total" in result.reason


def test_remainder_takes_the_limit_in_force_without_a_total() -> None:
    method = InsuredCoverMethod(own_risk_basis="remainder")
    result = method.recommend(inputs(eur(30000), current_limit=eur(45000)))
    assert (result.insured, result.own_risk) == (eur("30000.00"), eur("15000.00"))
    assert "(the limit in force)" in result.reason
    missing = method.recommend(inputs(eur(30000)))
    assert not missing.applicable
    assert missing.reason == (
        "not applicable: no total limit to split (give total_limit or the limit in force)"
    )


def test_remainder_own_risk_cap_lowers_the_figure() -> None:
    method = InsuredCoverMethod(
        own_risk_basis="remainder", total_limit=eur(100000), own_risk_max=eur(5000)
    )
    result = method.recommend(inputs(eur(80000)))
    assert (result.own_risk, result.amount) == (eur("5000.00"), eur("85000.00"))


def test_remainder_converts_the_total_into_the_limit_currency() -> None:
    rates = RateTable.from_mapping({"2026-03-02": {"USD": "1.2500"}}, base="EUR")
    method = InsuredCoverMethod(own_risk_basis="remainder", total_limit=Money.of(125000, "USD"))
    result = method.recommend(inputs(eur(80000)), rates=rates)
    assert (result.insured, result.own_risk) == (eur("80000.00"), eur("20000.00"))


def test_options_that_do_not_fit_the_basis_are_refused() -> None:
    with pytest.raises(ValidationError, match=r"^own_risk_percent: 10 applies only with"):
        InsuredCoverMethod(own_risk_basis="remainder", own_risk_percent=10)
    with pytest.raises(ValidationError, match=r"^total_limit: applies only with own_risk_basis"):
        InsuredCoverMethod(total_limit=eur(1))
    with pytest.raises(ValidationError, match=r"^own_risk_basis: expected one of 'on_top', 'rem"):
        InsuredCoverMethod(own_risk_basis="rest")
    with pytest.raises(ValidationError, match=r"^total_limit: must be zero or more"):
        InsuredCoverMethod(own_risk_basis="remainder", total_limit=eur(-1))


def test_remainder_in_a_limit_policy_document() -> None:
    document = {
        "id": "insured",
        "version": "1",
        "calculators": [
            {"kind": "insured_cover", "own_risk_basis": "remainder", "total_limit": "90000 EUR"}
        ],
    }
    policy = load(LimitPolicy, document)
    method = policy.calculators[0]
    assert isinstance(method, InsuredCoverMethod)
    assert method.own_risk_basis is OwnRiskBasis.REMAINDER
    assert load(LimitPolicy, dump(policy)) == policy
    bad = {**document, "calculators": [{"kind": "insured_cover", "own_risk_basis": "rest"}]}
    with pytest.raises(ConfigError, match=r"^calculators\[0\]\.own_risk_basis: expected one of"):
        load(LimitPolicy, bad)


@given(
    buyer=st.integers(0, 10**7),
    total=st.integers(0, 10**7),
)
def test_remainder_parts_add_up_and_own_risk_is_never_negative(buyer: int, total: int) -> None:
    method = InsuredCoverMethod(own_risk_basis="remainder", total_limit=eur(total))
    result = method.recommend(inputs(eur(buyer)))
    assert result.insured is not None
    assert result.own_risk is not None
    assert result.amount == eur(total)
    assert result.insured + result.own_risk == result.amount
    assert result.own_risk == max(eur(total) - eur(buyer), eur(0))
    assert result.insured <= eur(buyer)
