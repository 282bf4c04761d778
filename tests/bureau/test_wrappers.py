"""CachedBureau (MemoryStore and SQLite SQLStore), Waterfall routing, the circuit breaker."""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credkit.bureau import (
    BureauReport,
    CachedBureau,
    CircuitBreaker,
    CircuitState,
    Waterfall,
)
from credkit.errors import BureauUnavailable, MalformedReport, SubjectNotFound, ValidationError
from credkit.storage import MemoryStore, SQLStore

DAY = datetime.date(2026, 5, 4)
START = datetime.datetime(2026, 5, 4, 9, 0, tzinfo=datetime.UTC)


class Clock:
    def __init__(self, now: datetime.datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime.datetime:
        return self.now


class Source:
    """A bureau that counts its calls and stamps reports with the clock's time."""

    def __init__(
        self, name: str, clock: Callable[[], datetime.datetime], rating: str = "B"
    ) -> None:
        self.name = name
        self.clock = clock
        self.rating = rating
        self.calls = 0
        self.fail: Exception | None = None

    def report(self, subject_id: str, *, as_of: datetime.date) -> BureauReport:
        self.calls += 1
        if self.fail is not None:
            raise self.fail
        return BureauReport(
            self.name, subject_id, self.clock(), rating=self.rating, report_id=f"R{self.calls}"
        )


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path) -> object:
    if request.param == "memory":
        return MemoryStore()
    sql = SQLStore(f"sqlite:///{tmp_path / 'bureau.db'}", prefix="credkit_b_")
    sql.upgrade()
    return sql


def test_the_cache_answers_until_the_report_is_older_than_max_age(store) -> None:
    clock = Clock()
    source = Source("creditsafe", clock)
    bureau = CachedBureau(source, store, max_age=datetime.timedelta(days=30), clock=clock)
    first = bureau.report("C1", as_of=DAY)
    clock.now = START + datetime.timedelta(days=30)
    assert bureau.report("C1", as_of=DAY + datetime.timedelta(days=30)) == first
    assert source.calls == 1
    clock.now = START + datetime.timedelta(days=30, seconds=1)
    second = bureau.report("C1", as_of=DAY + datetime.timedelta(days=30))
    assert source.calls == 2
    assert second.report_id == "R2"
    assert second.fetched_at == clock.now


def test_a_forced_refresh_fetches_and_caches_a_new_report(store) -> None:
    clock = Clock()
    source = Source("dnb", clock)
    bureau = CachedBureau(source, store, clock=clock)
    bureau.report("C1", as_of=DAY)
    clock.now = START + datetime.timedelta(hours=1)
    source.rating = "4"
    fresh = bureau.report("C1", as_of=DAY, refresh=True)
    assert (source.calls, fresh.rating) == (2, "4")
    assert bureau.report("C1", as_of=DAY) == fresh  # the new one is what the cache holds now
    assert source.calls == 2


def test_max_age_per_provider(store) -> None:
    clock = Clock()
    cheap, dear = Source("cheap", clock), Source("dear", clock)
    ages = {"dear": datetime.timedelta(days=90)}
    cached_cheap = CachedBureau(
        cheap, store, max_age=datetime.timedelta(days=7), max_ages=ages, clock=clock
    )
    cached_dear = CachedBureau(
        dear, store, max_age=datetime.timedelta(days=7), max_ages=ages, clock=clock
    )
    cached_cheap.report("C1", as_of=DAY)
    cached_dear.report("C1", as_of=DAY)
    clock.now = START + datetime.timedelta(days=60)
    later = DAY + datetime.timedelta(days=60)
    cached_cheap.report("C1", as_of=later)
    cached_dear.report("C1", as_of=later)
    assert (cheap.calls, dear.calls) == (2, 1)


def test_a_past_as_of_never_sees_a_later_report(store) -> None:
    clock = Clock()
    source = Source("creditsafe", clock)
    bureau = CachedBureau(source, store, clock=clock)
    bureau.report("C1", as_of=DAY)
    assert bureau.cached("C1", as_of=DAY - datetime.timedelta(days=1)) is None


def test_errors_are_not_cached(store) -> None:
    clock = Clock()
    source = Source("creditsafe", clock)
    source.fail = BureauUnavailable("creditsafe: HTTP 503")
    bureau = CachedBureau(source, store, clock=clock)
    with pytest.raises(BureauUnavailable):
        bureau.report("C1", as_of=DAY)
    assert bureau.cached("C1", as_of=DAY) is None


def test_a_cached_waterfall_reads_each_providers_cache(store) -> None:
    clock = Clock()
    cheap, dear = Source("cheap", clock), Source("dear", clock)
    cheap.fail = SubjectNotFound("cheap: no company")
    bureau = CachedBureau(Waterfall([cheap, dear]), store, clock=clock)
    assert bureau.report("C1", as_of=DAY).provider == "dear"
    assert bureau.report("C1", as_of=DAY).provider == "dear"
    assert (cheap.calls, dear.calls) == (1, 1)


def test_the_waterfall_order_follows_the_country() -> None:
    clock = Clock()
    cs, dnb = Source("creditsafe", clock), Source("dnb", clock)
    waterfall = Waterfall([cs, dnb], countries={"US": ["dnb"]})
    assert waterfall.report("C1", as_of=DAY, country="us").provider == "dnb"
    assert waterfall.report("C1", as_of=DAY, country="DE").provider == "creditsafe"
    assert (cs.calls, dnb.calls) == (1, 1)
    with pytest.raises(ValidationError, match="unknown provider 'experian'"):
        Waterfall([cs, dnb], countries={"GB": ["experian"]})


def test_all_not_found_is_not_found() -> None:
    clock = Clock()
    a, b = Source("a", clock), Source("b", clock)
    a.fail = SubjectNotFound("a: no company")
    b.fail = SubjectNotFound("b: no company")
    with pytest.raises(
        SubjectNotFound, match=r"no provider knows 'C1' \(a: not_found; b: not_found\)"
    ) as info:
        Waterfall([a, b]).report("C1", as_of=DAY)
    assert info.value.failures == (("a", "a: no company"), ("b", "b: no company"))


# -- the circuit breaker ----------------------------------------------------------------


def _down(name: str = "down") -> Source:
    source = Source(name, Clock())
    source.fail = BureauUnavailable(f"{name}: timeout")
    return source


def test_the_breaker_opens_then_half_opens_after_the_cool_down() -> None:
    now = [0.0]
    source = _down()
    breaker = CircuitBreaker(source, threshold=3, cool_down=30, clock=lambda: now[0])
    for _ in range(3):
        with pytest.raises(BureauUnavailable, match="timeout"):
            breaker.report("C1", as_of=DAY)
    assert breaker.state is CircuitState.OPEN
    now[0] = 29.0
    with pytest.raises(BureauUnavailable, match="circuit open") as info:
        breaker.report("C1", as_of=DAY)
    assert info.value.retry_after == 1.0
    assert source.calls == 3
    now[0] = 30.0
    assert breaker.state is CircuitState.HALF_OPEN
    with pytest.raises(BureauUnavailable, match="timeout"):  # the trial call fails: open again
        breaker.report("C1", as_of=DAY)
    assert (source.calls, breaker.state) == (4, CircuitState.OPEN)
    now[0] = 60.0
    source.fail = None
    assert breaker.report("C1", as_of=DAY).rating == "B"
    assert (breaker.state, breaker.failures) == (CircuitState.CLOSED, 0)


def test_not_found_is_an_answer_and_resets_the_count() -> None:
    source = _down()
    breaker = CircuitBreaker(source, threshold=2, cool_down=30, clock=lambda: 0.0)
    with pytest.raises(BureauUnavailable):
        breaker.report("C1", as_of=DAY)
    source.fail = SubjectNotFound("down: no company")
    with pytest.raises(SubjectNotFound):
        breaker.report("C1", as_of=DAY)
    source.fail = MalformedReport("down: garbage")
    with pytest.raises(MalformedReport):
        breaker.report("C1", as_of=DAY)
    assert breaker.state is CircuitState.CLOSED


@settings(max_examples=60, deadline=None)
@given(
    threshold=st.integers(1, 4),
    cool_down=st.integers(1, 50),
    steps=st.lists(st.tuples(st.integers(0, 20), st.booleans()), max_size=40),
)
def test_the_breaker_never_lets_a_call_through_while_open(
    threshold: int, cool_down: int, steps: list[tuple[int, bool]]
) -> None:
    now = [0.0]
    source = Source("flaky", Clock())
    breaker = CircuitBreaker(source, threshold=threshold, cool_down=cool_down, clock=lambda: now[0])
    in_a_row = 0
    for advance, fails in steps:
        now[0] += advance
        state = breaker.state
        source.fail = BureauUnavailable("flaky: down") if fails else None
        before = source.calls
        with contextlib.suppress(BureauUnavailable):
            breaker.report("C1", as_of=DAY)
        called = source.calls - before
        if state is CircuitState.OPEN:
            assert called == 0
        else:
            assert called == 1
            in_a_row = in_a_row + 1 if fails else 0
        assert breaker.failures <= max(in_a_row, threshold + len(steps))
