"""recommend(): the working kept, the order of the steps, and the policy's invariants."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from credkit.errors import ValidationError
from credkit.fx import RateTable
from credkit.ledger import Customer
from credkit.limits import (
    Bound,
    BureauMethod,
    ClassMultiplier,
    Combination,
    CombinationRule,
    CurrencyStep,
    GroupHeadroom,
    InsuranceCover,
    InsuredCoverMethod,
    LimitInputs,
    LimitPolicy,
    MethodResult,
    MethodWeight,
    RiskClassMatrixMethod,
    SalesMethod,
    TangibleNetWorthMethod,
    WorkingCapitalMethod,
    example_policy,
    recommend,
)
from credkit.money import Money
from credkit.scoring import FinancialStatement

AS_OF = date(2026, 3, 31)
ACME = Customer("C1", "Acme GmbH", country="DE", currency="EUR", segment="wholesale")
SHOP = Customer("C2", "Shop SARL", country="FR", currency="EUR", segment="retail")


def eur(amount: str | int) -> Money:
    return Money.of(amount, "EUR")


def statement(equity: int | Decimal, intangibles: int = 0) -> FinancialStatement:
    return FinancialStatement(
        period_end=date(2025, 12, 31),
        book_equity=equity,
        intangibles=intangibles,
        current_assets=400_000,
        current_liabilities=300_000,
        currency="EUR",
    )


POLICY = LimitPolicy(
    "standard",
    version="3",
    calculators=(
        TangibleNetWorthMethod(percent=10),
        WorkingCapitalMethod(percent=20),
        SalesMethod(),
        BureauMethod(factor="0.5"),
    ),
    floors=(Bound(eur(2_000)),),
    caps=(Bound(eur(250_000)), Bound(eur(15_000), segment="retail")),
    rounding_step=1000,
    blocked_classes=("E",),
)


def test_recommendation_keeps_its_working() -> None:
    inputs = LimitInputs(
        ACME,
        as_of=AS_OF,
        statement=statement(800_000, 150_000),
        monthly_sales=[eur(36_000)] * 12,
        terms_days=30,
        grace_days=10,
        current_limit=eur(20_000),
    )
    rec = recommend(inputs, POLICY)
    # methods: 10 % x 650,000 = 65,000; 20 % x 100,000 = 20,000;
    # 36,000 x 40 / 30 = 48,000; bureau: none. Minimum: 20,000 (working capital).
    assert [r.amount for r in rec.methods] == [eur(65_000), eur(20_000), eur(48_000), None]
    assert rec.method("bureau").reason == "not applicable: no bureau suggested limit"
    assert rec.chosen == ("working_capital",)
    assert [(a.step, a.binding) for a in rec.adjustments] == [
        ("floor", False),
        ("cap", False),
        ("round_down", False),
    ]
    assert rec.amount == eur(20_000)
    assert rec.change == Money.zero("EUR")
    assert (rec.policy_id, rec.policy_version) == ("standard", "3")
    assert rec.inputs is inputs
    assert rec.customer_id == "C1"
    assert rec.currency == "EUR"
    assert rec.as_of == AS_OF
    text = rec.explain()
    assert text.splitlines()[:2] == [
        "Credit limit recommendation for C1 (Acme GmbH) as of 2026-03-31, in EUR",
        "Policy: standard version 3",
    ]
    assert "  bureau                          -  not applicable: no bureau suggested limit" in text
    assert (
        text.splitlines()[-1]
        == "Recommended limit: 20,000.00 EUR (current 20,000.00 EUR: unchanged)"
    )


def test_segment_cap_binds_and_rounding_follows() -> None:
    inputs = LimitInputs(SHOP, as_of=AS_OF, bureau_limit=eur(47_777), current_limit=eur(10_000))
    rec = recommend(inputs, POLICY)
    # bureau 47,777 x 0.5 = 23,888.50; floor 2,000 not binding; cap for every segment
    # 250,000 not binding; cap for retail 15,000 binds; round down to 1,000: 15,000.
    assert [a.step for a in rec.adjustments] == ["floor", "cap", "cap", "round_down"]
    assert rec.adjustments[2].reason == (
        "cap for segment retail 15,000.00 EUR: 23,888.50 EUR lowered to 15,000.00 EUR"
    )
    assert rec.amount == eur(15_000)
    assert rec.explain().splitlines()[-1] == (
        "Recommended limit: 15,000.00 EUR (current 10,000.00 EUR: up 5,000.00 EUR)"
    )


def test_floor_raises_and_a_cap_wins_over_a_floor() -> None:
    small = recommend(LimitInputs(ACME, as_of=AS_OF, bureau_limit=eur(1_000)), POLICY)
    # 1,000 x 0.5 = 500 -> floor 2,000
    assert small.amount == eur(2_000)
    assert small.adjustments[0].binding


def test_blocked_class_is_zero_even_without_methods() -> None:
    rec = recommend(LimitInputs(ACME, as_of=AS_OF, risk_class="E"), POLICY)
    assert rec.amount == Money.zero("EUR")
    assert rec.adjustments[-1].reason == (
        "risk class E is blocked: no credit (zero limit); no method applied"
    )
    assert "Recommended limit: 0.00 EUR (zero: no credit)" in rec.explain()
    funded = recommend(
        LimitInputs(ACME, as_of=AS_OF, risk_class="E", bureau_limit=eur(90_000)), POLICY
    )
    assert funded.amount == Money.zero("EUR")
    assert funded.adjustments[-1].before == eur(45_000)


def test_no_method_applies_means_no_recommendation() -> None:
    rec = recommend(LimitInputs(ACME, as_of=AS_OF, current_limit=eur(5_000)), POLICY)
    assert rec.amount is None
    assert rec.adjustments == ()
    assert rec.change is None
    assert rec.explain().splitlines()[-1] == (
        "Recommended limit: none (no method applies; decide on other grounds)"
    )


def test_group_headroom_caps_a_member_and_is_recorded() -> None:
    member = Customer("S1", "Sub", country="DE", currency="EUR", parent_id="H")
    group = GroupHeadroom(
        member_id="S1", parent_id="H", headroom=eur(12_345), reason="group H limit ..."
    )
    rec = recommend(LimitInputs(member, as_of=AS_OF, bureau_limit=eur(90_000)), POLICY, group=group)
    # 45,000 capped by the group's headroom 12,345, then rounded down to 12,000
    assert [a.step for a in rec.adjustments] == ["floor", "cap", "group", "round_down"]
    assert rec.adjustments[2].after == eur(12_345)
    assert "(group H limit ...)" in rec.adjustments[2].reason
    assert rec.amount == eur(12_000)
    unbounded = GroupHeadroom(
        member_id="S1", parent_id=None, headroom=None, reason="no group limit on record above S1"
    )
    plain = recommend(
        LimitInputs(member, as_of=AS_OF, bureau_limit=eur(90_000)), POLICY, group=unbounded
    )
    assert "group" not in [a.step for a in plain.adjustments]


def test_group_headroom_in_another_currency_needs_rates() -> None:
    group = GroupHeadroom(
        member_id="C1", parent_id="H", headroom=Money.of(10_800, "USD"), reason="group H ..."
    )
    inputs = LimitInputs(ACME, as_of=AS_OF, bureau_limit=eur(90_000))
    with pytest.raises(
        ValidationError, match=r"group.headroom: 10,800.00 USD is in USD but the limit is in EUR"
    ):
        recommend(inputs, POLICY, group=group)
    rates = RateTable.from_mapping({"2026-03-02": {"USD": "1.08"}}, base="EUR")
    assert recommend(inputs, POLICY, group=group, rates=rates).amount == eur(10_000)


def test_policy_amounts_in_another_currency_need_rates() -> None:
    brit = Customer("G1", "Brit Ltd", country="GB", currency="GBP")
    inputs = LimitInputs(brit, as_of=AS_OF, bureau_limit=Money.of(10_000, "GBP"))
    with pytest.raises(
        ValidationError, match=r"floors: 2,000.00 EUR is in EUR but the limit is in GBP"
    ):
        recommend(inputs, POLICY)
    rates = RateTable.from_mapping({"2026-03-02": {"GBP": "0.85"}}, base="EUR")
    rec = recommend(inputs, POLICY, rates=rates)
    # 10,000 x 0.5 = 5,000 GBP; floor 2,000 EUR = 1,700 GBP; cap 250,000 EUR = 212,500 GBP
    assert rec.amount == Money.of(5_000, "GBP")
    assert rec.adjustments[1].bound == Money.of("212500.00", "GBP")


def test_bounds_and_group_headroom_in_another_currency_are_rounded_down() -> None:
    # A cap of 10 GBP at 1.0005 is 10.005 EUR: the limit is capped at 10.00 EUR, not the
    # 10.01 EUR that rounding half up first would give; the same for a group headroom.
    rates = RateTable.from_mapping({"2026-03-02": {"EUR": "1.0005"}}, base="GBP")
    policy = LimitPolicy(
        "p", version="1", calculators=(BureauMethod(),), caps=(Bound(Money.of(10, "GBP")),)
    )
    rec = recommend(LimitInputs(ACME, as_of=AS_OF, bureau_limit=eur(90)), policy, rates=rates)
    assert rec.amount == eur("10.00")
    assert rec.adjustments[-1].bound == eur("10.00")
    group = GroupHeadroom(
        member_id="C1", parent_id="H", headroom=Money.of(10, "GBP"), reason="group H ..."
    )
    plain = LimitPolicy("p", version="1", calculators=(BureauMethod(),))
    rec = recommend(
        LimitInputs(ACME, as_of=AS_OF, bureau_limit=eur(90)), plain, rates=rates, group=group
    )
    assert rec.amount == eur("10.00")


def test_rounding_step_per_currency() -> None:
    policy = LimitPolicy(
        "p",
        version="1",
        calculators=(BureauMethod(),),
        rounding_step=1000,
        rounding_steps=(CurrencyStep("JPY", step=100_000),),
    )
    yen = Customer("J1", "Nippon KK", country="JP", currency="JPY")
    rec = recommend(LimitInputs(yen, as_of=AS_OF, bureau_limit=Money.of(12_345_678, "JPY")), policy)
    assert rec.amount == Money.of(12_300_000, "JPY")


def test_insured_split_of_the_recommendation() -> None:
    policy = LimitPolicy(
        "insured",
        version="1",
        calculators=(InsuredCoverMethod(own_risk_percent=20),),
        rounding_step=1000,
    )
    cover = InsuranceCover(eur("50500"), cover_percent=90)
    rec = recommend(LimitInputs(ACME, as_of=AS_OF, insurance=cover), policy)
    # method: 50,500 insured + 10,100 own risk = 60,600; rounded down to 60,000;
    # the insurer covers up to 50,500 of it, the other 9,500 is own risk
    assert rec.method("insured_cover").amount == eur("60600.00")
    assert rec.amount == eur(60_000)
    assert (rec.insured, rec.own_risk) == (eur("50500.00"), eur("9500.00"))
    assert "of which insured 50,500.00 EUR, own risk 9,500.00 EUR" in rec.explain()


def test_custom_calculators_must_return_a_method_result_in_the_limit_currency() -> None:
    class Fixed:
        name = "fixed"

        def __init__(self, value: object) -> None:
            self.value = value

        def recommend(self, inputs: LimitInputs, *, rates: object = None) -> object:
            return self.value

    good = LimitPolicy(
        "p",
        version="1",
        calculators=(
            Fixed(MethodResult(method="fixed", kind="custom", amount=eur(7), reason="seven")),
        ),
    )  # type: ignore[arg-type]
    assert recommend(LimitInputs(ACME, as_of=AS_OF), good).amount == eur(7)
    wrong = LimitPolicy("p", version="1", calculators=(Fixed(eur(7)),))  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=r"calculators\[0\]: 'fixed' returned Money"):
        recommend(LimitInputs(ACME, as_of=AS_OF), wrong)
    usd = LimitPolicy(
        "p",
        version="1",
        calculators=(
            Fixed(MethodResult(method="fixed", kind="c", amount=Money.of(7, "USD"), reason="r")),
        ),
    )  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="not in the limit currency EUR"):
        recommend(LimitInputs(ACME, as_of=AS_OF), usd)


def test_recommend_checks_its_arguments() -> None:
    with pytest.raises(ValidationError, match="inputs: expected LimitInputs"):
        recommend({}, POLICY)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="policy: expected a LimitPolicy"):
        recommend(LimitInputs(ACME, as_of=AS_OF), {})  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="name: no method 'x'"):
        recommend(LimitInputs(ACME, as_of=AS_OF), POLICY).method("x")


def test_example_policy_on_a_worked_customer() -> None:
    inputs = LimitInputs(
        ACME,
        as_of=AS_OF,
        statement=statement(2_000_000, 100_000),
        monthly_sales=[eur(60_000)] * 12,
        terms_days=45,
        risk_class="C",
    )
    rec = recommend(inputs, example_policy())
    # 10 % x 1,900,000 = 190,000; 20 % x 100,000 = 20,000; 60,000 x 45 / 30 = 90,000;
    # class C: 300,000 x 0.5 = 150,000; the minimum is working capital's 20,000
    assert [r.amount for r in rec.methods] == [
        eur(190_000),
        eur(20_000),
        eur(90_000),
        None,
        eur(150_000),
    ]
    assert rec.amount == eur(20_000)


# -- property tests ------------------------------------------------------------------------------

money_amounts = st.integers(min_value=0, max_value=10**9)
CLASSES = ("A", "B", "C", "D", "E")


@st.composite
def bound_sets(draw: st.DrawFn) -> tuple[tuple[Bound, ...], tuple[Bound, ...]]:
    caps = tuple(
        Bound(eur(amount), segment=segment)
        for segment, amount in draw(
            st.dictionaries(
                st.sampled_from([None, "wholesale", "retail"]), money_amounts, max_size=3
            )
        ).items()
    )
    lowest = min((c.amount for c in caps), default=eur(10**9))
    floor_amount = draw(st.integers(min_value=0, max_value=int(lowest.amount)))
    floors = (Bound(eur(floor_amount)),) if draw(st.booleans()) else ()
    return floors, caps


@st.composite
def limit_inputs(draw: st.DrawFn) -> LimitInputs:
    customer = draw(st.sampled_from([ACME, SHOP]))
    equity = draw(st.one_of(st.none(), st.integers(-(10**8), 10**9)))
    months = draw(st.lists(money_amounts.map(eur), max_size=12))
    return LimitInputs(
        customer,
        as_of=AS_OF,
        statement=None if equity is None else statement(equity),
        monthly_sales=months,
        terms_days=draw(st.one_of(st.none(), st.integers(0, 120))),
        grace_days=draw(st.integers(0, 30)),
        bureau_limit=draw(st.one_of(st.none(), money_amounts.map(eur))),
        risk_class=draw(st.one_of(st.none(), st.sampled_from(CLASSES))),
    )


MATRIX = RiskClassMatrixMethod(
    base=eur(100_000),
    multipliers=tuple(
        ClassMultiplier(name, multiplier=m)
        for name, m in zip(CLASSES, ("2", "1", "0.5", "0.2", "0"), strict=True)
    ),
)
CALCULATORS = (TangibleNetWorthMethod(percent=10), SalesMethod(), BureauMethod(), MATRIX)


def combinations() -> st.SearchStrategy[Combination]:
    weights = tuple(MethodWeight(c.name, weight=i + 1) for i, c in enumerate(CALCULATORS))
    return st.sampled_from(
        [
            Combination(),
            Combination(CombinationRule.MAX),
            Combination(CombinationRule.WEIGHTED, weights=weights),
            Combination(require_all=True),
        ]
    )


@given(
    inputs=limit_inputs(),
    bounds=bound_sets(),
    combination=combinations(),
    step=st.one_of(st.none(), st.sampled_from([1, 100, 1000, 25_000])),
    blocked=st.lists(st.sampled_from(CLASSES), unique=True, max_size=2),
    headroom=st.one_of(st.none(), money_amounts.map(eur)),
)
def test_a_recommendation_never_exceeds_any_active_cap(
    inputs: LimitInputs,
    bounds: tuple[tuple[Bound, ...], tuple[Bound, ...]],
    combination: Combination,
    step: int | None,
    blocked: list[str],
    headroom: Money | None,
) -> None:
    floors, caps = bounds
    policy = LimitPolicy(
        "p",
        version="1",
        calculators=CALCULATORS,
        combination=combination,
        floors=floors,
        caps=caps,
        rounding_step=step,
        blocked_classes=tuple(blocked),
    )
    group = (
        None
        if headroom is None
        else GroupHeadroom(
            member_id=inputs.customer_id, parent_id="H", headroom=headroom, reason="g"
        )
    )
    rec = recommend(inputs, policy, group=group)
    if rec.amount is None:
        assert all(not r.applicable for r in rec.methods) or combination.require_all
        return
    active = [c.amount for c in caps if c.applies_to(inputs.segment)]
    if headroom is not None:
        active.append(headroom)
    for limit in active:
        assert rec.amount <= limit
    if rec.combined.amount is None:
        # only a blocked class gives a figure (zero) when no method applied
        assert rec.amount.is_zero
        assert [a.step for a in rec.adjustments] == ["blocked"]
        return
    # every active cap is in the working
    recorded = [a.bound for a in rec.adjustments if a.step in ("cap", "group")]
    assert sorted(x.amount for x in recorded if x is not None) == sorted(a.amount for a in active)
    if inputs.risk_class in blocked:
        assert rec.amount.is_zero
    if step is not None:
        assert rec.amount.amount % step == 0


def _policy(combination: Combination) -> LimitPolicy:
    return LimitPolicy(
        "monotone",
        version="1",
        calculators=CALCULATORS,
        combination=combination,
        floors=(Bound(eur(1_000)),),
        caps=(Bound(eur(500_000)), Bound(eur(50_000), segment="retail")),
        rounding_step=1000,
        blocked_classes=("E",),
    )


@given(
    inputs=limit_inputs(),
    equity=st.integers(-(10**8), 10**9),
    extra=st.integers(0, 10**9),
    combination=combinations(),
)
def test_higher_net_worth_never_lowers_the_recommendation(
    inputs: LimitInputs, equity: int, extra: int, combination: Combination
) -> None:
    inputs = attrs.evolve(inputs, statement=statement(equity))
    assert inputs.statement is not None
    assert inputs.statement.book_equity is not None
    richer = LimitInputs(
        inputs.customer,
        as_of=inputs.as_of,
        statement=statement(inputs.statement.book_equity + extra),
        monthly_sales=inputs.monthly_sales,
        terms_days=inputs.terms_days,
        grace_days=inputs.grace_days,
        bureau_limit=inputs.bureau_limit,
        risk_class=inputs.risk_class,
    )
    policy = _policy(combination)
    before, after = recommend(inputs, policy).amount, recommend(richer, policy).amount
    # the same methods apply to both (only require_all can leave both without one)
    # "no recommendation" (require_all with a method missing) is not a lower figure;
    # a blocked class still gets its zero, which any figure is at least
    if before is not None and after is not None:
        assert after >= before


@st.composite
def class_pairs(draw: st.DrawFn) -> tuple[str, str]:
    """A (better, worse) pair of distinct risk classes, best first in CLASSES."""
    worse = draw(st.integers(1, len(CLASSES) - 1))
    better = draw(st.integers(0, worse - 1))
    return CLASSES[better], CLASSES[worse]


@given(inputs=limit_inputs(), combination=combinations(), pair=class_pairs())
def test_a_better_class_never_lowers_the_recommendation(
    inputs: LimitInputs, combination: Combination, pair: tuple[str, str]
) -> None:
    better, worse = pair
    inputs = attrs.evolve(inputs, risk_class=worse)
    upgraded = LimitInputs(
        inputs.customer,
        as_of=inputs.as_of,
        statement=inputs.statement,
        monthly_sales=inputs.monthly_sales,
        terms_days=inputs.terms_days,
        grace_days=inputs.grace_days,
        bureau_limit=inputs.bureau_limit,
        risk_class=better,
    )
    policy = _policy(combination)
    before, after = recommend(inputs, policy).amount, recommend(upgraded, policy).amount
    # "no recommendation" (require_all with a method missing) is not a lower figure;
    # a blocked class still gets its zero, which any figure is at least
    if before is not None and after is not None:
        assert after >= before


@given(
    buyer_limit=st.decimals(min_value=0, max_value=10**9, places=2),
    cover=st.integers(1, 100),
    own_percent=st.decimals(min_value=0, max_value=200, places=3),
    own_max=st.one_of(st.none(), st.decimals(min_value=0, max_value=10**8, places=2)),
    cap_amount=st.one_of(st.none(), money_amounts),
    step=st.one_of(st.none(), st.sampled_from([1, 1000])),
)
def test_insured_and_own_risk_parts_sum_to_the_total(
    buyer_limit: Decimal,
    cover: int,
    own_percent: Decimal,
    own_max: Decimal | None,
    cap_amount: int | None,
    step: int | None,
) -> None:
    method = InsuredCoverMethod(
        own_risk_percent=own_percent, own_risk_max=None if own_max is None else eur(own_max)
    )
    inputs = LimitInputs(
        ACME, as_of=AS_OF, insurance=InsuranceCover(eur(buyer_limit), cover_percent=cover)
    )
    result = method.recommend(inputs)
    assert result.insured is not None
    assert result.own_risk is not None
    assert result.amount is not None
    assert result.insured + result.own_risk == result.amount
    assert result.insured == eur(buyer_limit)
    policy = LimitPolicy(
        "p",
        version="1",
        calculators=(method,),
        caps=() if cap_amount is None else (Bound(eur(cap_amount)),),
        rounding_step=step,
    )
    rec = recommend(inputs, policy)
    assert rec.amount is not None
    assert rec.insured is not None
    assert rec.own_risk is not None
    assert rec.insured + rec.own_risk == rec.amount
    assert rec.insured <= eur(buyer_limit)
    assert not rec.own_risk.is_negative
