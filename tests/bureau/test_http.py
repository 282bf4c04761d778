"""HttpJsonBureau against a local server that misbehaves: every failure is a typed error."""

from __future__ import annotations

import datetime
import time
from decimal import Decimal

import pytest

from credkit import Money
from credkit.bureau import (
    HttpJsonBureau,
    Retrying,
    Waterfall,
    report_class,
    shipped_mapping,
)
from credkit.errors import (
    BureauError,
    BureauUnavailable,
    MalformedReport,
    SubjectNotFound,
)

DAY = datetime.date(2026, 5, 4)
NOW = datetime.datetime(2026, 5, 4, 9, 30, tzinfo=datetime.UTC)


def _bureau(base_url: str, *, timeout: float = 2.0) -> HttpJsonBureau:
    return HttpJsonBureau(
        shipped_mapping("creditsafe"),
        base_url=base_url,
        headers={"Authorization": "Bearer test"},
        timeout=timeout,
        clock=lambda: NOW,
    )


def test_a_good_answer_is_normalised(base_url: str, bureau_server) -> None:
    report = _bureau(base_url).report("GOOD", as_of=DAY)
    assert report.provider == "creditsafe"
    assert report.report_id == "GB-0-01234567"
    assert (report.rating, report.rating_scale) == ("C", "creditsafe-common")
    assert (report.score, report.score_scale) == (Decimal(42), "creditsafe-provider")
    assert report.recommended_limit == Money.of(12500, "GBP")
    assert report.fetched_at == NOW
    assert report.raw["report"]["companySummary"]["businessName"] == "Example Trading Ltd"
    assert report_class(report) == "C"
    assert any(path.startswith("/companies/GOOD?language=en") for path in bureau_server.requests)


def test_texts_meaning_no_figure_read_as_missing(base_url: str) -> None:
    report = _bureau(base_url).report("NOT-RATED", as_of=DAY)
    assert report.rating == "E"
    assert report.score is None
    assert report.recommended_limit is None
    assert report_class(report) == "E"


def test_an_unknown_subject_is_not_found(base_url: str) -> None:
    with pytest.raises(
        SubjectNotFound, match=r"creditsafe: no company 'NOBODY' \(HTTP 404\)"
    ) as info:
        _bureau(base_url).report("NOBODY", as_of=DAY)
    assert info.value.provider == "creditsafe"


def test_a_slow_server_ends_in_a_timeout_within_the_limit(base_url: str) -> None:
    started = time.monotonic()
    with pytest.raises(BureauUnavailable, match=r"no answer from .* within 0\.3 s"):
        _bureau(base_url, timeout=0.3).report("SLOW", as_of=DAY)
    assert time.monotonic() - started < 1.5


def test_a_dripping_answer_is_cut_at_the_total_timeout(base_url: str) -> None:
    started = time.monotonic()
    with pytest.raises(BureauUnavailable, match=r"within 0\.4 s"):
        _bureau(base_url, timeout=0.4).report("DRIP", as_of=DAY)
    assert time.monotonic() - started < 1.5


@pytest.mark.parametrize(("subject", "seconds"), [("LIMITED", 7.0), ("LIMITED-DATE", None)])
def test_429_is_unavailable_with_retry_after(
    base_url: str, subject: str, seconds: float | None
) -> None:
    with pytest.raises(BureauUnavailable, match="HTTP 429") as info:
        _bureau(base_url).report(subject, as_of=DAY)
    if seconds is None:  # an HTTP date in 2099: far in the future
        assert info.value.retry_after is not None
        assert info.value.retry_after > 10**9
    else:
        assert info.value.retry_after == seconds


@pytest.mark.parametrize("subject", ["BROKEN", "UNAVAILABLE"])
def test_5xx_is_unavailable(base_url: str, subject: str) -> None:
    with pytest.raises(BureauUnavailable, match=r"HTTP 50[03]"):
        _bureau(base_url).report(subject, as_of=DAY)


def test_403_is_a_bureau_error_that_is_not_retried(base_url: str) -> None:
    with pytest.raises(BureauError, match="HTTP 403") as info:
        _bureau(base_url).report("FORBIDDEN", as_of=DAY)
    assert type(info.value) is BureauError


@pytest.mark.parametrize(
    ("subject", "message"),
    [
        ("GARBAGE", "is not valid JSON"),
        ("TRUNCATED", "is not valid JSON"),
        ("EMPTY", "holds none of the mapped figures"),
        ("LIST", "expected a JSON object, got list"),
        ("NAN", "is not valid JSON"),
        ("WRONG-TYPE", "expected text or a whole number, got dict"),
    ],
)
def test_malformed_answers_are_malformed_reports(base_url: str, subject: str, message: str) -> None:
    with pytest.raises(MalformedReport, match=message):
        _bureau(base_url).report(subject, as_of=DAY)


def test_a_connection_cut_short_is_unavailable(base_url: str) -> None:
    with pytest.raises(BureauUnavailable, match="cannot reach"):
        _bureau(base_url).report("CUT", as_of=DAY)


def test_a_refused_connection_is_unavailable() -> None:
    with pytest.raises(BureauUnavailable, match=r"cannot reach http://127\.0\.0\.1:9/"):
        _bureau("http://127.0.0.1:9", timeout=1).report("GOOD", as_of=DAY)


def test_retrying_honours_retry_after_then_gives_up(base_url: str) -> None:
    waits: list[float] = []
    bureau = Retrying(_bureau(base_url), attempts=3, base_delay=1, max_delay=10, sleep=waits.append)
    with pytest.raises(BureauUnavailable, match=r"gave up after 3 tries") as info:
        bureau.report("LIMITED", as_of=DAY)
    assert waits == [7.0, 7.0]
    assert info.value.retry_after == 7.0


def test_retrying_gives_up_at_once_when_asked_to_wait_too_long(base_url: str) -> None:
    waits: list[float] = []
    bureau = Retrying(_bureau(base_url), attempts=5, max_delay=30, sleep=waits.append)
    with pytest.raises(BureauUnavailable, match="over the 30 s limit"):
        bureau.report("LIMITED-DATE", as_of=DAY)
    assert waits == []


def test_retrying_does_not_retry_not_found_or_malformed(base_url: str, bureau_server) -> None:
    waits: list[float] = []
    bureau = Retrying(_bureau(base_url), attempts=3, sleep=waits.append)
    before = len(bureau_server.requests)
    with pytest.raises(SubjectNotFound):
        bureau.report("NOBODY-2", as_of=DAY)
    with pytest.raises(MalformedReport):
        bureau.report("GARBAGE", as_of=DAY)
    assert waits == []
    assert len(bureau_server.requests) - before == 2


def test_a_waterfall_falls_to_the_next_provider_on_each_failure(base_url: str) -> None:
    # Three "providers" on the same server, told apart by their mapping's provider name.
    mapping = shipped_mapping("creditsafe")

    def named(name: str, subject_path: str) -> HttpJsonBureau:
        import attrs

        request = attrs.evolve(mapping.request, path=subject_path)
        return HttpJsonBureau(
            attrs.evolve(mapping, provider=name, request=request),
            base_url=base_url,
            timeout=0.3,
            clock=lambda: NOW,
        )

    waterfall = Waterfall(
        [
            named("slow", "/companies/SLOW?x={subject_id}"),
            named("limited", "/companies/LIMITED?x={subject_id}"),
            named("garbage", "/companies/GARBAGE?x={subject_id}"),
            named("missing", "/companies/{subject_id}"),
            named("good", "/companies/GOOD?x={subject_id}"),
        ]
    )
    result = waterfall.fetch("NOBODY", as_of=DAY)
    assert result.report.provider == "good"
    assert [(a.provider, a.outcome) for a in result.attempts] == [
        ("slow", "unavailable"),
        ("limited", "unavailable"),
        ("garbage", "malformed"),
        ("missing", "not_found"),
        ("good", "report"),
    ]
    with pytest.raises(BureauUnavailable, match="no provider gave a report") as info:
        Waterfall(waterfall.bureaus[1:4]).report("NOBODY", as_of=DAY)
    assert [provider for provider, _ in info.value.failures] == ["limited", "garbage", "missing"]
