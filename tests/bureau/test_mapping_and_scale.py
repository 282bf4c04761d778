"""Mapping documents, the shipped mappings, the rating scale and its invariants."""

from __future__ import annotations

import contextlib
import datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credkit.bureau import (
    BureauReport,
    load_mapping,
    normalise,
    rating_scale,
    report_class,
    shipped_mapping,
)
from credkit.bureau.mapping import lookup, parse_path
from credkit.bureau.scale import load_rating_scale
from credkit.errors import ConfigError, MalformedReport, ValidationError
from credkit.money import Money

AT = datetime.datetime(2026, 5, 4, tzinfo=datetime.UTC)

# A D&B Direct+ answer for the data blocks the shipped mapping asks for, reduced to the
# fields it reads. The layout follows the Direct+ data block documentation
# (https://directplus.documentation.dnb.com/, Financial Strength Insight and Payment
# Insight); the figures are invented.
DNB_ANSWER = {
    "transactionDetail": {"transactionID": "rrt-0a1b2c3d"},
    "organization": {
        "duns": "804735132",
        "dnbAssessment": {
            "failureScore": {"classScore": 3, "nationalPercentile": 30},
            "creditLimitRecommendation": {
                "maximumRecommendedLimit": {"value": 35000, "currency": "USD"}
            },
        },
        "businessTrading": [{"summary": [{"paydexScoreHistory": [{"paydexScore": 72}]}]}],
    },
}


def test_the_dnb_mapping_reads_a_direct_plus_answer() -> None:
    report = normalise(DNB_ANSWER, shipped_mapping("dnb"), subject_id="804735132", fetched_at=AT)
    assert (report.rating, report.rating_scale) == ("3", "dnb-failure-class")
    assert (report.score, report.score_scale) == (Decimal(30), "dnb-failure-percentile")
    assert report.recommended_limit == Money.of(35000, "USD")
    assert report.payment_index == Decimal(72)
    assert report.report_id == "rrt-0a1b2c3d"


def test_a_creditsafe_c_and_a_dnb_percentile_of_30_land_in_the_same_class() -> None:
    creditsafe = BureauReport(
        "creditsafe", "GB-1", AT, rating="C", rating_scale="creditsafe-common"
    )
    dnb = BureauReport("dnb", "1", AT, score=30, score_scale="dnb-failure-percentile")
    dnb_class = BureauReport("dnb", "1", AT, rating="3", rating_scale="dnb-failure-class")
    assert report_class(creditsafe) == report_class(dnb) == report_class(dnb_class) == "C"


def test_an_unknown_rating_on_a_mapped_scale_is_an_error() -> None:
    report = BureauReport("creditsafe", "GB-1", AT, rating="F", rating_scale="creditsafe-common")
    with pytest.raises(
        ValidationError, match="'F' is not a grade of the scale 'creditsafe-common'"
    ):
        report_class(report)


def test_events_and_statements_are_read_when_mapped() -> None:
    mapping = load_mapping(
        """
        id = "acme"
        version = "1"
        provider = "acme"
        [request]
        path = "/r/{subject_id}"
        [fields]
        currency = "EUR"
        [[events]]
        path = "legal.cases"
        date = "filed"
        kind_path = "type"
        kinds = { BANKRUPTCY = "insolvency", CCJ = "judgment" }
        amount = "amount"
        [[statements]]
        path = "accounts"
        period_end = "yearEnd"
        currency = "ccy"
        figures = { total_assets = "bs.total", sales = "pl.revenue" }
        """,
        format="toml",
    )
    document = {
        "legal": {
            "cases": [
                {"type": "CCJ", "filed": "2026-02-03T00:00:00Z", "amount": "4200.50"},
                {"type": "BANKRUPTCY", "filed": "2026-04-01"},
            ]
        },
        "accounts": [
            {
                "yearEnd": "2025-12-31",
                "ccy": "EUR",
                "bs": {"total": 1000},
                "pl": {"revenue": "2500.5"},
            }
        ],
    }
    report = normalise(document, mapping, subject_id="X", fetched_at=AT)
    assert [(e.kind.value, e.on.isoformat(), e.amount) for e in report.events] == [
        ("judgment", "2026-02-03", Money.of("4200.50", "EUR")),
        ("insolvency", "2026-04-01", None),
    ]
    assert report.has_insolvency
    assert report.statements[0].total_assets == Decimal(1000)
    assert report.statements[0].sales == Decimal("2500.5")
    assert report.statements[0].period_end == datetime.date(2025, 12, 31)
    document["legal"]["cases"][0]["filed"] = "last week"
    with pytest.raises(MalformedReport, match=r"legal.cases\[0\].filed: expected a date"):
        normalise(document, mapping, subject_id="X", fetched_at=AT)


def test_paths() -> None:
    assert lookup({"a": [{"b": [1, {"c": "x"}]}]}, "a[0].b[1].c") == "x"
    assert lookup({"a": None}, "a.b.c") is None
    for bad in ("", ".a", "a.", "a[", "a[-1]", "[0]", "a]b", "a[0]b"):
        with pytest.raises(ValidationError):
            parse_path(bad)


def test_a_mapping_error_names_the_field() -> None:
    with pytest.raises(ConfigError) as info:
        load_mapping(
            {
                "id": "x",
                "version": "1",
                "provider": "x",
                "request": {"path": "/r/{subject_id}"},
                "statements": [{"path": "a", "figures": {"total_asets": "b"}}],
            }
        )
    assert info.value.path == "statements[0].figures.total_asets"
    assert "accepted are" in str(info.value)


_junk = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12) | st.floats(allow_nan=True),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)
_keys = st.sampled_from(
    [
        "id",
        "version",
        "provider",
        "request",
        "fields",
        "events",
        "statements",
        "absent",
        "path",
        "rating",
        "x",
    ]
)


@settings(max_examples=150, deadline=None)
@given(
    document=st.dictionaries(_keys, _junk, max_size=6),
    request=st.one_of(
        st.none(),
        st.dictionaries(st.sampled_from(["path", "query", "not_found"]), _junk, max_size=3),
    ),
)
def test_the_mapping_loader_fails_only_with_config_error(
    document: dict, request: dict | None
) -> None:
    if request is not None:
        document = {**document, "request": request}
    with contextlib.suppress(ConfigError):
        load_mapping(document)


@settings(max_examples=150, deadline=None)
@given(document=_junk)
def test_normalise_fails_only_with_malformed_report(document: object) -> None:
    for name in ("creditsafe", "dnb"):
        with contextlib.suppress(MalformedReport):
            normalise(document, shipped_mapping(name), subject_id="X", fetched_at=AT)


_scores = st.decimals(min_value=-50, max_value=150, allow_nan=False, allow_infinity=False, places=2)


@settings(max_examples=200, deadline=None)
@given(
    scale_name=st.sampled_from(["creditsafe-provider", "dnb-failure-percentile", "sample-score"]),
    a=_scores,
    b=_scores,
)
def test_the_shipped_scale_is_monotone(scale_name: str, a: Decimal, b: Decimal) -> None:
    scale = rating_scale()
    low, high = min(a, b), max(a, b)
    # higher is better on these scales: the lower score is never in a better class
    assert scale.rank(scale.risk_class(scale_name, score=low)) >= scale.rank(
        scale.risk_class(scale_name, score=high)
    )


def test_the_grades_of_the_shipped_scale_are_monotone() -> None:
    scale = rating_scale()
    for provider in scale.scales:
        ranks = [scale.rank(g.risk_class) for g in provider.grades]
        assert ranks == sorted(ranks)


def test_the_scale_loader_refuses_a_band_that_maps_a_worse_score_to_a_better_class() -> None:
    with pytest.raises(ConfigError) as info:
        load_rating_scale(
            {
                "id": "x",
                "version": "1",
                "classes": ["A", "B"],
                "scales": [
                    {
                        "name": "s",
                        "bands": [
                            {"risk_class": "B", "min_score": 50},
                            {"risk_class": "A", "max_score": 50},
                        ],
                    }
                ],
            }
        )
    assert info.value.path == "scales[0].bands[1].risk_class"


def test_the_scale_loader_refuses_bands_with_a_gap() -> None:
    with pytest.raises(ConfigError, match="tile the scores"):
        load_rating_scale(
            {
                "id": "x",
                "version": "1",
                "classes": ["A", "B"],
                "scales": [
                    {
                        "name": "s",
                        "bands": [
                            {"risk_class": "A", "min_score": 50},
                            {"risk_class": "B", "max_score": 40},
                        ],
                    }
                ],
            }
        )
