"""Tests for credkit.aging.buckets: bucket bounds, custom edges, loading from config."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credkit.aging import STANDARD, AgingBasis, Bucket, Buckets
from credkit.config import dump, load
from credkit.errors import ConfigError, ValidationError


def test_standard_buckets_and_their_inclusive_upper_bounds() -> None:
    assert STANDARD.labels == ("Not yet due", "1-30", "31-60", "61-90", "91-120", "Over 120")
    expected = {
        -365: "Not yet due",
        0: "Not yet due",
        1: "1-30",
        30: "1-30",
        31: "31-60",
        60: "31-60",
        61: "61-90",
        90: "61-90",
        91: "91-120",
        120: "91-120",
        121: "Over 120",
        10_000: "Over 120",
    }
    for days, label in expected.items():
        assert STANDARD.bucket_for(days).label == label, days


def test_from_edges_builds_not_yet_due_first_and_an_open_last_bucket() -> None:
    buckets = Buckets.from_edges([15, 30, 45, 60, 90])
    assert [(b.label, b.min_days, b.max_days) for b in buckets] == [
        ("Not yet due", None, 0),
        ("1-15", 1, 15),
        ("16-30", 16, 30),
        ("31-45", 31, 45),
        ("46-60", 46, 60),
        ("61-90", 61, 90),
        ("Over 90", 91, None),
    ]
    assert buckets.edges == (15, 30, 45, 60, 90)
    assert Buckets.from_edges([30, 60, 90, 120]) == STANDARD


def test_from_edges_with_labels_and_single_day_buckets() -> None:
    buckets = Buckets.from_edges([1, 7], labels=["Current", "Yesterday", "This week", "Older"])
    assert buckets.labels == ("Current", "Yesterday", "This week", "Older")
    assert Buckets.from_edges([1, 7]).labels == ("Not yet due", "1", "2-7", "Over 7")
    assert Buckets.from_edges([]).labels == ("Not yet due", "Overdue")


@pytest.mark.parametrize(
    ("edges", "message"),
    [
        ([30, 30], r"edges\[1\]: 30 is not above the previous edge 30"),
        ([60, 30], r"edges\[1\]: 30 is not above the previous edge 60"),
        ([0, 30], r"edges\[0\]: 0 is not above 0"),
        ([-5], r"edges\[0\]: -5 is not above 0"),
        ([30, "60"], r"edges\[1\]: expected a whole number of days, got str '60'"),
        ([30, True], r"edges\[1\]: expected a whole number of days, got bool"),
        ("30,60", r"edges: expected a list"),
    ],
)
def test_from_edges_refuses_unsorted_or_bad_edges(edges: object, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Buckets.from_edges(edges)  # type: ignore[arg-type]


def test_from_edges_checks_the_number_of_labels() -> None:
    with pytest.raises(ValidationError, match=r"labels: expected 4 labels .* got 3"):
        Buckets.from_edges([30, 60], labels=["a", "b", "c"])
    with pytest.raises(ValidationError, match=r"buckets\[2\]\.label: 'a' is already the label"):
        Buckets.from_edges([30, 60], labels=["a", "b", "a", "d"])


def test_buckets_refuse_gaps_overlaps_and_open_middles() -> None:
    with pytest.raises(ValidationError, match=r"buckets\[1\]\.min_days: expected 1 .* got 5"):
        Buckets((Bucket("a", None, 0), Bucket("b", 5, None)))
    with pytest.raises(ValidationError, match=r"buckets\[2\]\.min_days: expected 31 .* got 20"):
        Buckets((Bucket("a", None, 0), Bucket("b", 1, 30), Bucket("c", 20, None)))
    with pytest.raises(ValidationError, match=r"buckets\[0\]\.min_days: the first bucket must"):
        Buckets((Bucket("a", -10, 0), Bucket("b", 1, None)))
    with pytest.raises(ValidationError, match=r"buckets\[1\]\.max_days: the last bucket must"):
        Buckets((Bucket("a", None, 0), Bucket("b", 1, 30)))
    with pytest.raises(ValidationError, match=r"buckets\[0\]\.max_days: only the last bucket"):
        Buckets((Bucket("a", None, None), Bucket("b", 1, None)))
    with pytest.raises(ValidationError, match="buckets: need at least one bucket"):
        Buckets(())
    with pytest.raises(ValidationError, match=r"buckets\[0\]: expected a Bucket"):
        Buckets(("a",))  # type: ignore[arg-type]


def test_bucket_validation() -> None:
    with pytest.raises(ValidationError, match="max_days: 5 is below min_days 10"):
        Bucket("x", 10, 5)
    with pytest.raises(ValidationError, match="label: expected a non-empty string"):
        Bucket(" ", 1, 5)
    with pytest.raises(ValidationError, match="label: 'total' is a column name"):
        Bucket("total", 1, 5)
    with pytest.raises(ValidationError, match="min_days: expected a whole number of days"):
        Bucket("x", 1.5, 5)  # type: ignore[arg-type]


def test_a_single_bucket_holds_everything() -> None:
    everything = Buckets((Bucket("All", None, None),))
    assert everything.bucket_for(-5).label == everything.bucket_for(500).label == "All"
    assert everything.edges is None


def test_hand_built_future_buckets_split_not_yet_due() -> None:
    buckets = Buckets(
        (
            Bucket("Due in over 30 days", None, -31),
            Bucket("Due within 30 days", -30, 0),
            Bucket("Overdue", 1, None),
        )
    )
    assert [buckets.bucket_for(d).label for d in (-31, -30, 0, 1)] == [
        "Due in over 30 days",
        "Due within 30 days",
        "Due within 30 days",
        "Overdue",
    ]
    assert buckets.edges is None


def test_load_buckets_from_edges_and_from_explicit_buckets() -> None:
    assert load(Buckets, "edges = [30, 60, 90, 120]", format="toml") == STANDARD
    custom = load(
        Buckets,
        {"edges": [15, 30], "labels": ["Current", "1-15 days", "16-30 days", "Later"]},
    )
    assert custom.labels == ("Current", "1-15 days", "16-30 days", "Later")
    explicit = load(
        Buckets,
        {
            "buckets": [
                {"label": "Future", "max_days": -1},
                {"label": "Due", "min_days": 0, "max_days": 0},
                {"label": "Late", "min_days": 1},
            ]
        },
    )
    assert explicit.labels == ("Future", "Due", "Late")
    assert explicit.bucket_for(0).label == "Due"


@pytest.mark.parametrize(
    ("document", "path", "detail"),
    [
        ({"edges": [30, 15]}, "edges[1]", "15 is not above the previous edge 30"),
        ({"edges": [30, "60"]}, "edges[1]", "expected a whole number of days, got str '60'"),
        ({"edges": [30], "lables": ["a"]}, "lables", "unknown key"),
        ({"edges": 30}, "edges", "expected a list"),
        ({"edges": [30], "labels": ["a", 2, "c"]}, "labels[1]", "expected a string"),
        (
            {"buckets": [{"label": "a", "max_days": 0}, {"label": "b", "min_days": 2}]},
            "buckets[1].min_days",
            "expected 1",
        ),
        (
            {"buckets": [{"label": "a", "max_days": 0}, {"label": "b", "min_days": "1"}]},
            "buckets[1].min_days",
            "expected a whole number of days",
        ),
        (
            {"buckets": [{"label": "a", "max_days": 0}, {"min_days": 1}]},
            "buckets[1].label",
            "required key is missing",
        ),
        (
            {"buckets": [{"label": "a", "max_days": 0, "colour": "red"}]},
            "buckets[0].colour",
            "unknown key",
        ),
        (
            {"buckets": [{"label": "a", "min_days": 5, "max_days": 0}]},
            "buckets[0].max_days",
            "0 is below min_days 5",
        ),
        ({"labels": ["a"]}, "", "expected a table with 'edges'"),
    ],
)
def test_loading_bad_buckets_names_the_field(
    document: dict[str, object], path: str, detail: str
) -> None:
    with pytest.raises(ConfigError) as info:
        load(Buckets, document)
    assert info.value.path == path
    assert detail in info.value.detail


def test_dump_round_trips_both_forms() -> None:
    assert dump(STANDARD) == {
        "edges": [30, 60, 90, 120],
        "labels": ["Not yet due", "1-30", "31-60", "61-90", "91-120", "Over 120"],
    }
    future = Buckets((Bucket("Future", None, -1), Bucket("Now", 0, None)))
    assert dump(future) == {
        "buckets": [{"label": "Future", "max_days": -1}, {"label": "Now", "min_days": 0}]
    }
    assert load(Buckets, dump(future)) == future


def test_aging_basis_values() -> None:
    assert AgingBasis("due_date") is AgingBasis.DUE_DATE
    assert AgingBasis("issue_date") is AgingBasis.ISSUE_DATE


edge_lists = st.lists(st.integers(1, 400), min_size=0, max_size=8, unique=True).map(sorted)


@given(edge_lists, st.integers(-1000, 1000))
def test_every_day_count_falls_in_exactly_one_bucket(edges: list[int], days: int) -> None:
    buckets = Buckets.from_edges(edges)
    holding = [b for b in buckets if b.contains(days)]
    assert holding == [buckets.bucket_for(days)]
    assert buckets.index_for(days) == list(buckets).index(holding[0])


@given(edge_lists)
def test_custom_edges_round_trip_through_config(edges: list[int]) -> None:
    buckets = Buckets.from_edges(edges)
    assert load(Buckets, dump(buckets)) == buckets
    assert buckets.edges == tuple(edges)


junk = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5) | st.floats(allow_nan=True),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


@given(
    st.dictionaries(
        st.sampled_from(["edges", "labels", "buckets", "label", "min_days", "max_days", "x"]),
        junk,
        max_size=3,
    )
)
def test_loading_junk_gives_buckets_or_a_config_error(document: dict[str, object]) -> None:
    try:
        result = load(Buckets, document)
    except ConfigError:
        return
    assert isinstance(result, Buckets)
