"""Credit groups: the parent's limit caps its children's limits and the group's exposure."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credkit.errors import ValidationError
from credkit.fx import RateTable
from credkit.ledger import Customer, Invoice, Ledger, Payment
from credkit.limits import (
    BureauMethod,
    CreditLimit,
    LimitInputs,
    LimitPolicy,
    group_headroom,
    group_status,
    recommend,
)
from credkit.money import Money

AS_OF = date(2026, 3, 31)


def eur(amount: int) -> Money:
    return Money.of(amount, "EUR")


def customer(id_: str, parent: str | None = None, currency: str = "EUR") -> Customer:
    country = {"EUR": "DE", "USD": "US"}[currency]
    return Customer(id_, id_, country=country, currency=currency, parent_id=parent)


def owed(id_: str, who: str, amount: int, currency: str = "EUR") -> Invoice:
    issued = date(2026, 3, 1)
    return Invoice(id_, who, issued, issued + timedelta(days=30), Money.of(amount, currency))


# H holds S1 and S2; S2 holds T1 (two levels).
LEDGER = Ledger(
    customers=[customer("H"), customer("S1", "H"), customer("S2", "H"), customer("T1", "S2")],
    invoices=[
        owed("I1", "H", 10_000),
        owed("I2", "S1", 30_000),
        owed("I3", "S2", 20_000),
        owed("I4", "T1", 15_000),
    ],
)


def test_headroom_is_the_lower_of_limit_room_and_exposure_room() -> None:
    limits = {"H": eur(200_000), "S2": eur(90_000)}
    room = group_headroom(LEDGER, "S1", limits=limits, as_of=AS_OF)
    # limit room: 200,000 - S2's 90,000 = 110,000
    # exposure room: S1's own 30,000 + 200,000 - group exposure (10 + 30 + 20 + 15 = 75,000)
    #   = 155,000; the lower is 110,000
    assert room.headroom == eur(110_000)
    assert room.parent_id == "H"
    assert room.reason == (
        "group H limit 200,000.00 EUR: other members' limits 90,000.00 EUR leave 110,000.00 EUR; "
        "group exposure 75,000.00 EUR (of which S1 30,000.00 EUR) leaves 155,000.00 EUR for S1; "
        "headroom 110,000.00 EUR"
    )


def test_exposure_room_can_bind() -> None:
    room = group_headroom(LEDGER, "S1", limits={"H": eur(80_000)}, as_of=AS_OF)
    # limit room 80,000; exposure room 30,000 + 80,000 - 75,000 = 35,000
    assert room.headroom == eur(35_000)


def test_a_group_already_over_its_limit_leaves_zero() -> None:
    room = group_headroom(LEDGER, "S1", limits={"H": eur(20_000)}, as_of=AS_OF)
    # 30,000 + 20,000 - 75,000 < 0 -> 0
    assert room.headroom == Money.zero("EUR")


def test_the_tightest_ancestor_binds_in_a_two_level_group() -> None:
    limits = {"H": eur(1_000_000), "S2": eur(40_000)}
    room = group_headroom(LEDGER, "T1", limits=limits, as_of=AS_OF)
    # under S2: limit room 40,000 (no other children); exposure room 15,000 + 40,000 - 35,000
    #   = 20,000 -> 20,000
    # under H: the branch is S2; other child S1 has no limit on record (counts zero):
    #   limit room 1,000,000; exposure room 15,000 + 1,000,000 - 75,000 = 940,000
    assert room.parent_id == "S2"
    assert room.headroom == eur(20_000)


def test_an_unlimited_sibling_leaves_no_room() -> None:
    room = group_headroom(LEDGER, "S1", limits={"H": eur(200_000), "S2": None}, as_of=AS_OF)
    assert room.headroom == Money.zero("EUR")
    assert "S2 has no limit, leaving nothing" in room.reason


def test_no_group_limit_means_no_bound() -> None:
    assert group_headroom(LEDGER, "S1", limits={}, as_of=AS_OF).headroom is None
    assert group_headroom(LEDGER, "S1", limits={"H": None}, as_of=AS_OF).headroom is None
    solo = group_headroom(LEDGER, "H", limits={"H": eur(1)}, as_of=AS_OF)
    assert solo.headroom is None
    assert solo.reason == "no group limit on record above H"


def test_credit_limit_records_and_given_exposures() -> None:
    parent = CreditLimit("H", eur(100_000), currency="EUR", valid_from=date(2026, 1, 1))
    room = group_headroom(
        LEDGER,
        "S1",
        limits={"H": parent},
        exposures={"S1": eur(5_000), "S2": eur(-9_999)},
        as_of=AS_OF,
    )
    # exposures as given (a negative one counts as zero, missing ones as zero): group 5,000;
    # exposure room 5,000 + 100,000 - 5,000 = 100,000; limit room 100,000
    assert room.headroom == eur(100_000)


def test_unapplied_cash_does_not_make_exposure_negative() -> None:
    ledger = LEDGER.extend(payments=[Payment("P1", "S2", date(2026, 3, 2), eur(50_000))])
    status = group_status(ledger, "H", limits={"H": eur(1)}, as_of=AS_OF)
    # S2 owes 20,000 and has paid 50,000 on account: its exposure is 0, not -30,000
    assert status.group_exposure == eur(55_000)


def test_group_members_in_other_currencies_need_rates() -> None:
    ledger = Ledger(
        customers=[customer("H"), customer("S1", "H"), customer("U1", "H", "USD")],
        invoices=[owed("I1", "U1", 10_800, "USD")],
    )
    with pytest.raises(
        ValidationError, match=r"exposure of 'U1': 10,800.00 USD is in USD but the limit is in EUR"
    ):
        group_headroom(ledger, "S1", limits={"H": eur(100_000)}, as_of=AS_OF)
    rates = RateTable.from_mapping({"2026-03-02": {"USD": "1.08"}}, base="EUR")
    room = group_headroom(
        ledger,
        "S1",
        limits={"H": eur(100_000), "U1": Money.of(54_000, "USD")},
        as_of=AS_OF,
        rates=rates,
    )
    # U1's limit 54,000 USD = 50,000 EUR; its exposure 10,800 USD = 10,000 EUR
    # limit room 100,000 - 50,000 = 50,000; exposure room 0 + 100,000 - 10,000 = 90,000
    assert room.headroom == eur(50_000)


def test_group_status() -> None:
    limits = {"H": eur(100_000), "S1": eur(60_000), "S2": eur(50_000)}
    status = group_status(LEDGER, "H", limits=limits, as_of=AS_OF)
    assert status.children_limits == eur(110_000)
    assert status.group_exposure == eur(75_000)
    assert status.problems == (
        "the children's limits 110,000.00 EUR exceed the group limit 100,000.00 EUR by 10,000.00 EUR",
    )
    assert not status.within_limit
    tight = group_status(LEDGER, "H", limits={"H": eur(70_000)}, as_of=AS_OF)
    assert tight.problems == (
        "the group's exposure 75,000.00 EUR exceeds the group limit 70,000.00 EUR by 5,000.00 EUR",
    )
    assert group_status(LEDGER, "H", limits={"H": None}, as_of=AS_OF).within_limit


def test_group_functions_check_their_arguments() -> None:
    with pytest.raises(ValidationError, match=r"ledger: expected a credkit.ledger.Ledger"):
        group_headroom([], "S1", limits={}, as_of=AS_OF)  # type: ignore[arg-type]
    with pytest.raises(
        ValidationError, match=r"limits\['H'\]: expected a CreditLimit, Money or None"
    ):
        group_headroom(LEDGER, "S1", limits={"H": 5}, as_of=AS_OF)  # type: ignore[dict-item]
    with pytest.raises(ValidationError, match="customer_id: unknown customer 'X'"):
        group_headroom(LEDGER, "X", limits={}, as_of=AS_OF)


def test_a_member_recommendation_is_capped_by_the_group_headroom() -> None:
    policy = LimitPolicy("p", version="1", calculators=(BureauMethod(),))
    limits = {"H": eur(200_000), "S2": eur(90_000)}
    room = group_headroom(LEDGER, "S1", limits=limits, as_of=AS_OF)
    inputs = LimitInputs(LEDGER.customer("S1"), as_of=AS_OF, bureau_limit=eur(500_000))
    rec = recommend(inputs, policy, group=room)
    assert rec.amount == eur(110_000)
    assert rec.adjustments[-1].step == "group"


@given(
    parent_limit=st.integers(0, 10**6),
    sibling_limits=st.lists(st.one_of(st.none(), st.integers(0, 10**6)), max_size=3),
    exposures=st.lists(st.integers(-(10**5), 10**6), min_size=5, max_size=5),
)
def test_a_member_at_its_headroom_keeps_the_group_within_its_limit(
    parent_limit: int, sibling_limits: list[int | None], exposures: list[int]
) -> None:
    siblings = [customer(f"B{i}", "H") for i in range(len(sibling_limits))]
    ledger = Ledger(customers=[customer("H"), customer("M", "H"), *siblings])
    ids = ["H", "M", *(s.id for s in siblings)]
    given_exposures = {cid: eur(e) for cid, e in zip(ids, exposures, strict=False)}
    limits: dict[str, Money | None] = {"H": eur(parent_limit)}
    limits.update(
        {s.id: None if v is None else eur(v) for s, v in zip(siblings, sibling_limits, strict=True)}
    )
    room = group_headroom(ledger, "M", limits=limits, exposures=given_exposures, as_of=AS_OF)
    assert room.headroom is not None
    assert not room.headroom.is_negative
    limits["M"] = room.headroom
    status = group_status(ledger, "H", limits=limits, exposures=given_exposures, as_of=AS_OF)
    if room.headroom.is_positive:
        # granting the headroom never pushes the children's limits over the group limit
        assert status.children_limits <= eur(parent_limit)
        assert not status.unlimited_children
