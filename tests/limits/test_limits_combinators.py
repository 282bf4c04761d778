"""Combinators and adjustments, with hand-checked figures."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credkit.errors import ValidationError
from credkit.limits import (
    Combination,
    CombinationRule,
    MethodResult,
    MethodWeight,
    cap,
    floor,
    max_of,
    min_of,
    round_down,
    weighted_blend,
    zero_if_blocked,
)
from credkit.money import Money


def eur(amount: str | int) -> Money:
    return Money.of(amount, "EUR")


def result(name: str, amount: str | int | None) -> MethodResult:
    if amount is None:
        return MethodResult.not_applicable(name, "bureau", f"no data for {name}")
    return MethodResult(method=name, kind="bureau", amount=eur(amount), reason=f"{name} working")


NET_WORTH, SALES, BUREAU = result("nw", 65_000), result("sales", 48_000), result("bureau", None)


def test_min_of_picks_the_lowest_applicable_figure() -> None:
    combined = min_of([NET_WORTH, SALES, BUREAU])
    assert combined.amount == eur(48_000)
    assert combined.chosen == ("sales",)
    assert combined.rule == "min"
    assert combined.reason == "minimum of 2 applicable methods: sales is the lowest (48,000.00 EUR)"


def test_max_of_picks_the_highest() -> None:
    combined = max_of([NET_WORTH, SALES, BUREAU])
    assert (combined.amount, combined.chosen) == (eur(65_000), ("nw",))


def test_a_single_applicable_method_is_said_so() -> None:
    assert min_of([BUREAU, SALES]).reason == "sales is the only method that applies (48,000.00 EUR)"


def test_ties_go_to_the_first_listed() -> None:
    assert min_of([result("a", 5), result("b", 5)]).chosen == ("a",)
    assert max_of([result("a", 5), result("b", 5)]).chosen == ("a",)


def test_nothing_applies() -> None:
    combined = min_of([BUREAU, result("x", None)])
    assert combined.amount is None
    assert combined.reason == "no method applies (bureau, x do not)"
    assert max_of([]).reason == "no method to combine"


def test_weighted_blend_renormalises_over_applicable_methods() -> None:
    combined = weighted_blend([NET_WORTH, SALES, BUREAU], {"nw": 1, "sales": 3, "bureau": 4})
    # bureau dropped; weights 1 and 3 become 0.25 and 0.75:
    # 65,000 x 0.25 + 48,000 x 0.75 = 16,250 + 36,000 = 52,250
    assert combined.amount == eur("52250.00")
    assert combined.chosen == ("nw", "sales")
    assert "nw 65,000.00 EUR x 0.25 + sales 48,000.00 EUR x 0.75" in combined.reason
    assert "weights renormalised over the 2 applicable methods; bureau dropped" in combined.reason


def test_weighted_blend_rounds_down() -> None:
    # (100 x 1 + 200 x 2) / 3 = 166.666... -> 166.66
    assert weighted_blend([result("a", 100), result("b", 200)], {"a": 1, "b": 2}).amount == eur(
        "166.66"
    )


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ({"nw": 1}, "weights: no weight for method 'sales'"),
        ({"nw": 0, "sales": 1}, r"weights\['nw'\]: must be above zero"),
        ({"nw": 0.5, "sales": 1}, r"weights\['nw'\]: float 0.5 is not exact"),
        ([("nw", 1)], "weights: expected a mapping"),
    ],
)
def test_weighted_blend_checks_its_weights(weights: object, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        weighted_blend([NET_WORTH, SALES], weights)  # type: ignore[arg-type]


def test_figures_in_different_currencies_do_not_mix() -> None:
    usd = MethodResult(method="u", kind="bureau", amount=Money.of(1, "USD"), reason="r")
    with pytest.raises(ValidationError, match=r"results\[1\]: u is in USD, the others in EUR"):
        min_of([NET_WORTH, usd])


def test_combination_rules() -> None:
    results = [NET_WORTH, SALES, BUREAU]
    assert Combination().combine(results).amount == eur(48_000)
    assert Combination(CombinationRule.MAX).combine(results).amount == eur(65_000)
    weighted = Combination(
        CombinationRule.WEIGHTED,
        weights=(
            MethodWeight("nw", weight=1),
            MethodWeight("sales", weight=1),
            MethodWeight("bureau", weight=1),
        ),
    )
    # (65,000 + 48,000) / 2 = 56,500
    assert weighted.combine(results).amount == eur("56500.00")


def test_require_all_gives_no_recommendation_when_a_method_is_missing() -> None:
    combined = Combination(require_all=True).combine([NET_WORTH, SALES, BUREAU])
    assert combined.amount is None
    assert combined.reason == (
        "the policy requires every method and bureau does not apply (not applicable: no data "
        "for bureau)"
    )
    assert Combination(require_all=True).combine([NET_WORTH, SALES]).amount == eur(48_000)


def test_combination_validation() -> None:
    with pytest.raises(ValidationError, match="weights: the weighted rule needs a weight"):
        Combination(CombinationRule.WEIGHTED)
    with pytest.raises(ValidationError, match="weights: only the 'weighted' rule uses weights"):
        Combination(weights=(MethodWeight("a", weight=1),))
    with pytest.raises(ValidationError, match=r"weights\[1\].method: 'a' is listed twice"):
        Combination(
            CombinationRule.WEIGHTED,
            weights=(MethodWeight("a", weight=1), MethodWeight("a", weight=2)),
        )


# -- adjustments -----------------------------------------------------------------------------------


def test_cap() -> None:
    binding = cap(eur(300_000), eur(250_000), label="cap for segment wholesale")
    assert (binding.before, binding.after, binding.bound) == (
        eur(300_000),
        eur(250_000),
        eur(250_000),
    )
    assert binding.binding
    assert binding.step == "cap"
    loose = cap(eur(100), eur(250))
    assert loose.after == eur(100)
    assert not loose.binding
    assert loose.reason == "cap 250.00 EUR: not binding"


def test_floor() -> None:
    raised = floor(eur(500), eur(1_000))
    assert (raised.after, raised.binding) == (eur(1_000), True)
    assert floor(eur(5_000), eur(1_000)).after == eur(5_000)


def test_cap_and_floor_need_the_same_currency() -> None:
    with pytest.raises(
        ValidationError, match=r"limit: 1.00 USD is not in the currency of the amount"
    ):
        cap(eur(1), Money.of(1, "USD"))


def test_round_down_to_a_step() -> None:
    # 46,381.27 / 5,000 = 9.27 -> 9 x 5,000 = 45,000
    assert round_down(eur("46381.27"), 5000).after == eur(45_000)
    # already a multiple: unchanged, not binding
    unchanged = round_down(eur(45_000), 5000)
    assert not unchanged.binding
    assert unchanged.reason == "round down to a multiple of 5,000: not binding"
    # below one step: zero (no credit), said in the reason
    assert round_down(eur(999), 1000).after == Money.zero("EUR")
    # steps need not be whole: 0.25
    assert round_down(eur("10.30"), "0.25").after == eur("10.25")


@pytest.mark.parametrize("step", [0, -1, "x", 1.5])
def test_round_down_step_is_checked(step: object) -> None:
    with pytest.raises(ValidationError, match=r"^step: "):
        round_down(eur(1), step)  # type: ignore[arg-type]


def test_zero_if_blocked() -> None:
    blocked = zero_if_blocked(eur(10_000), risk_class="E", blocked=("D", "E"))
    assert blocked.after == Money.zero("EUR")
    assert blocked.reason == "risk class E is blocked: no credit (zero limit)"
    assert not zero_if_blocked(eur(10_000), risk_class="A", blocked=("E",)).binding
    assert not zero_if_blocked(eur(10_000), risk_class=None, blocked=("E",)).binding
    with pytest.raises(ValidationError, match="blocked: expected a collection"):
        zero_if_blocked(eur(1), risk_class="E", blocked="E")


amounts = st.decimals(min_value=0, max_value=10**9, places=2).map(eur)


@given(amounts, amounts)
def test_cap_never_exceeds_and_floor_never_falls_below(amount: Money, bound: Money) -> None:
    assert cap(amount, bound).after == min(amount, bound)
    assert floor(amount, bound).after == max(amount, bound)


@given(amounts, st.decimals(min_value=Decimal("0.01"), max_value=10**6, places=2))
def test_round_down_is_a_multiple_within_one_step(amount: Money, step: Decimal) -> None:
    after = round_down(amount, step).after
    assert after <= amount
    assert amount.amount - after.amount < step
    assert after.amount % step == 0


@given(st.lists(st.one_of(st.none(), st.integers(0, 10**7)), min_size=1, max_size=6))
def test_min_weighted_max_are_ordered(figures: list[int | None]) -> None:
    results = [result(f"m{i}", f) for i, f in enumerate(figures)]
    weights = {f"m{i}": i + 1 for i in range(len(figures))}
    low, blend, high = min_of(results), weighted_blend(results, weights), max_of(results)
    if all(f is None for f in figures):
        assert low.amount is blend.amount is high.amount is None
        return
    assert low.amount is not None
    assert blend.amount is not None
    assert high.amount is not None
    assert low.amount <= blend.amount <= high.amount
