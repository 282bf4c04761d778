"""credkit's own implementations run the conformance kits of credkit.testing.contracts,
in the one-line style a host uses, and the kits catch what they promise to catch."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, ClassVar

import attrs
import pytest

from credkit.errors import RateNotFoundError
from credkit.fx import RateSource, RateTable
from credkit.policy import BUILTIN_RULES, CreditProfile, OrderRequest, RuleResult
from credkit.policy.rules import Rule, ScoreFloor, StaticLimit, SubLimits
from credkit.testing.contracts import RateSourceContract, RuleContract

JAN_2 = datetime.date(2026, 1, 2)
FEB_2 = datetime.date(2026, 2, 2)


class TestRateTable(RateSourceContract):
    known_rates: ClassVar[list[tuple[str, str, datetime.date]]] = [
        ("EUR", "USD", JAN_2),
        ("USD", "EUR", JAN_2),
        ("GBP", "USD", JAN_2),  # a cross rate through the pivot
        ("EUR", "JPY", FEB_2),
        ("EUR", "USD", FEB_2 + datetime.timedelta(days=40)),  # still in force
    ]
    missing_rates: ClassVar[list[tuple[str, str, datetime.date]]] = [
        ("EUR", "USD", JAN_2 - datetime.timedelta(days=1)),  # before the first rate
        ("EUR", "CHF", FEB_2),  # never quoted
        ("EUR", "JPY", JAN_2),  # quoted from February only
    ]
    inverse_tolerance = Decimal("1e-20")  # inverses are computed, not stored rounded

    def make_rates(self) -> RateSource:
        return RateTable.from_mapping(
            {JAN_2: {"USD": "1.0412", "GBP": "0.8291"}, FEB_2: {"USD": "1.0388", "JPY": "162.7"}},
            base="EUR",
        )


@attrs.frozen
class _Pegged:
    """The one-direction source of the RateSource docstring (EUR/BGN only)."""

    def rate(self, base: str, quote: str, on: datetime.date) -> Decimal:
        if (base, quote) == ("EUR", "BGN") and on >= datetime.date(1999, 1, 1):
            return Decimal("1.95583")
        raise RateNotFoundError(f"no {base}/{quote} rate on {on}")


class TestPeggedRates(RateSourceContract):
    known_rates: ClassVar[list[tuple[str, str, datetime.date]]] = [("EUR", "BGN", JAN_2)]
    missing_rates: ClassVar[list[tuple[str, str, datetime.date]]] = [
        ("BGN", "EUR", JAN_2),
        ("EUR", "BGN", datetime.date(1998, 12, 31)),
    ]

    def make_rates(self) -> RateSource:
        return _Pegged()


class TestStaticLimit(RuleContract):
    def make_rule(self) -> Rule:
        return StaticLimit(tolerance="0.05")


class TestScoreFloorThatPassesWithoutAScore(RuleContract):
    def make_rule(self) -> Rule:
        return ScoreFloor(min_score=550, when_missing="pass")


class TestSubLimitsInYen(RuleContract):
    currency = "JPY"

    def make_rule(self) -> Rule:
        return SubLimits(tolerance="0.1")


@attrs.frozen
class _Params:
    max_employees: int = 50


def _small_companies_only(profile: CreditProfile, order: OrderRequest, params: Any) -> RuleResult:
    employees = profile.bureau.get("employees")
    if isinstance(employees, int) and not isinstance(employees, bool):
        if employees > params.max_employees:
            return RuleResult.failure(
                "small_companies_only",
                "TOO_LARGE",
                f"{employees} employees, more than {params.max_employees}",
            )
        return RuleResult.success("small_companies_only", "TOO_LARGE")
    return RuleResult.failure("small_companies_only", "EMPLOYEES_MISSING", "no head count")


REGISTRY = BUILTIN_RULES.register(
    "small_companies_only",
    _small_companies_only,
    params=_Params,
    code="TOO_LARGE",
    codes=["EMPLOYEES_MISSING"],
)


class TestACustomRule(RuleContract):
    def make_rule(self) -> Rule:
        return REGISTRY.rule("small_companies_only", max_employees=200)


# -- the kits catch what they promise to catch ----------------------------------------


class _GuessingRates(TestRateTable):
    def make_rates(self) -> RateSource:
        table = super().make_rates()

        class Guessing:
            def rate(self, base: str, quote: str, on: datetime.date) -> Decimal:
                try:
                    return table.rate(base, quote, on)
                except RateNotFoundError:
                    return Decimal(1)  # the guess the contract forbids

        return Guessing()


def test_the_rate_kit_catches_a_guess() -> None:
    with pytest.raises(AssertionError, match=r"EUR/USD on 2026-01-01: answered Decimal\('1'\)"):
        _GuessingRates().test_missing_rates_raise_rate_not_found()


class _Inconsistent(TestPeggedRates):
    known_rates: ClassVar[list[tuple[str, str, datetime.date]]] = [
        ("EUR", "BGN", JAN_2),
        ("BGN", "EUR", JAN_2),
    ]

    def make_rates(self) -> RateSource:
        return RateTable.from_mapping({JAN_2: {"BGN": "1.95583"}}, base="EUR").__class__(
            (
                *RateTable.from_mapping({JAN_2: {"BGN": "1.95583"}}, base="EUR").rates,
                *RateTable.from_mapping({JAN_2: {"EUR": "0.6"}}, base="BGN").rates,
            ),
        )


def test_the_rate_kit_catches_inverses_that_disagree() -> None:
    with pytest.raises(AssertionError, match=r"EUR/BGN x BGN/EUR on 2026-01-02 = 1\.17"):
        _Inconsistent().test_inverse_pairs_agree()


class _Undeclared(TestACustomRule):
    def make_rule(self) -> Rule:
        return attrs.evolve(super().make_rule(), codes=("TOO_LARGE",))  # type: ignore[misc]


def test_the_rule_kit_catches_an_undeclared_code() -> None:
    with pytest.raises(AssertionError, match="EMPLOYEES_MISSING is not among"):
        _Undeclared().test_results_name_the_rule_and_a_declared_code()


def test_a_kit_without_examples_says_what_to_give() -> None:
    class Empty(RateSourceContract):
        def make_rates(self) -> RateSource:
            return _Pegged()

    with pytest.raises(AssertionError, match="give known_rates"):
        Empty().test_the_contract_has_examples()
    with pytest.raises(NotImplementedError, match="override make_rule"):
        RuleContract().make_rule()
