"""Credit segments: a limit per company or business unit under a customer-wide and a group limit.

Peer: SAP FSCM credit management (a business partner's credit profile has a limit per
credit segment; the main segment adds up every segment's exposure and has a limit of
its own), with the credit group of credkit.limits.groups above the customer.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credkit.config import dump, load
from credkit.errors import ConfigError, CurrencyMismatchError, ValidationError
from credkit.limits import (
    CreditSegments,
    SegmentLevel,
    SegmentLimit,
    segment_headroom,
)
from credkit.money import Money
from credkit.testing.strategies import corrupted, credit_segments


def eur(amount: str | int | Decimal) -> Money:
    return Money.of(amount, "EUR")


SEGMENTS = CreditSegments(
    "C-1",
    currency="EUR",
    segments=(SegmentLimit("DE01", eur(60000)), SegmentLimit("FR01", eur(50000))),
    customer_limit=eur(90000),
)


def test_segment_limit_binds_when_it_is_the_tightest() -> None:
    room = segment_headroom(SEGMENTS, "DE01", exposures={"DE01": eur(55000), "FR01": eur(10000)})
    assert room.headroom == eur(5000)
    assert room.binding is SegmentLevel.SEGMENT
    assert [(s.level, s.exposure) for s in room.levels] == [
        (SegmentLevel.SEGMENT, eur(55000)),
        (SegmentLevel.CUSTOMER, eur(65000)),
    ]


def test_customer_wide_limit_caps_the_sum_of_the_segments() -> None:
    # SAP FSCM: the main segment aggregates all segments; 20,000 + 45,000 of 90,000
    room = segment_headroom(SEGMENTS, "DE01", exposures={"DE01": eur(20000), "FR01": eur(45000)})
    assert room.headroom == eur(25000)
    assert room.binding is SegmentLevel.CUSTOMER
    assert room.allows(eur(25000))
    assert not room.allows(eur("25000.01"))
    assert room.reason.startswith("customer limit binds; segment DE01: limit 60,000.00 EUR")


def test_group_limit_sits_above_the_customer() -> None:
    room = segment_headroom(
        SEGMENTS,
        "FR01",
        exposures={"FR01": eur(1000)},
        group_limit=eur(500000),
        group_exposure=eur(499000),
    )
    assert room.headroom == eur(1000)
    assert room.binding is SegmentLevel.GROUP


def test_over_a_limit_gives_negative_headroom() -> None:
    room = segment_headroom(SEGMENTS, "FR01", exposures={"FR01": eur(52000)})
    assert room.headroom == eur(-2000)
    assert not room.allows(eur("0.01"))
    assert room.allows(eur(-2000))  # a credit that brings it back to the limit


def test_no_limit_at_any_level() -> None:
    open_ended = CreditSegments("C-1", currency="EUR", segments=[SegmentLimit("DE01", None)])
    room = segment_headroom(open_ended, "DE01", exposures={"DE01": eur(10**9)})
    assert room.headroom is None
    assert room.binding is None
    assert room.allows(eur(10**9))
    assert room.reason.startswith("no limit at any level")


def test_zero_segment_limit_is_no_credit_in_that_segment() -> None:
    zero = CreditSegments("C-1", currency="EUR", segments=[SegmentLimit("DE01", eur(0))])
    room = segment_headroom(zero, "DE01", exposures={})
    assert room.headroom == eur(0)
    assert not room.allows(eur("0.01"))


def test_bad_input_is_refused_with_the_field() -> None:
    with pytest.raises(ValidationError, match=r"^segment: unknown segment 'IT01' for C-1"):
        segment_headroom(SEGMENTS, "IT01", exposures={})
    with pytest.raises(ValidationError, match=r"^segment: unknown segment 'IT01'"):
        segment_headroom(SEGMENTS, "DE01", exposures={"IT01": eur(1)})
    with pytest.raises(CurrencyMismatchError, match=r"^exposures\['DE01'\]: 1 USD is not in"):
        segment_headroom(SEGMENTS, "DE01", exposures={"DE01": Money.of(1, "USD")})
    with pytest.raises(ValidationError, match=r"^group_exposure: required with a group_limit"):
        segment_headroom(SEGMENTS, "DE01", exposures={}, group_limit=eur(1))
    with pytest.raises(CurrencyMismatchError, match=r"^segments\[1\]\.amount: 5 USD is not in"):
        CreditSegments(
            "C-1",
            currency="EUR",
            segments=[SegmentLimit("DE01", None), SegmentLimit("FR01", Money.of(5, "USD"))],
        )
    with pytest.raises(ValidationError, match=r"^amount: must be zero or more"):
        SegmentLimit("DE01", eur(-1))


def test_segments_load_from_a_document() -> None:
    loaded = load(
        CreditSegments,
        {
            "customer_id": "C-1",
            "currency": "EUR",
            "segments": [
                {"segment": "DE01", "amount": "60000 EUR"},
                {"segment": "FR01", "amount": "50000 EUR"},
            ],
            "customer_limit": "90000 EUR",
        },
    )
    assert loaded == SEGMENTS
    with pytest.raises(ConfigError, match=r"^segments\[1\]\.segment: 'DE01' is listed twice"):
        load(
            CreditSegments,
            {
                "customer_id": "C-1",
                "currency": "EUR",
                "segments": [
                    {"segment": "DE01", "amount": None},
                    {"segment": "DE01", "amount": None},
                ],
            },
        )


_exposure = st.decimals(min_value=-(10**5), max_value=10**6, places=2)


@given(
    segments=credit_segments(),
    data=st.data(),
    more=st.decimals(min_value=0, max_value=10**6, places=2),
)
def test_headroom_is_the_tightest_level_and_more_exposure_never_adds_room(
    segments: CreditSegments, data: st.DataObject, more: Decimal
) -> None:
    ids = [s.segment for s in segments.segments]
    exposures = {i: eur(data.draw(_exposure)) for i in ids}
    segment = data.draw(st.sampled_from(ids))
    room = segment_headroom(segments, segment, exposures=exposures)
    rooms = [s.headroom for s in room.levels if s.headroom is not None]
    assert room.headroom == (min(rooms) if rooms else None)
    # no level's room is exceeded by an amount the result allows
    if room.headroom is not None:
        for level in room.levels:
            assert level.headroom is None or room.headroom <= level.headroom
    # more exposure in any segment never turns a refusal into an allowance
    bumped = data.draw(st.sampled_from(ids))
    after = segment_headroom(
        segments, segment, exposures={**exposures, bumped: exposures[bumped] + eur(more)}
    )
    amount = eur(data.draw(st.decimals(min_value=0, max_value=10**6, places=2)))
    if not room.allows(amount):
        assert not after.allows(amount)
    if room.headroom is not None:
        assert after.headroom is not None
        assert after.headroom <= room.headroom


@given(data=st.data(), segments=credit_segments())
def test_damaged_documents_raise_only_config_error(
    data: st.DataObject, segments: CreditSegments
) -> None:
    document = data.draw(corrupted(dump(segments)))
    try:
        loaded = load(CreditSegments, document)
    except ConfigError:
        return
    assert isinstance(loaded, CreditSegments)
