"""Retries with backoff and a circuit breaker around any bureau.

:class:`Retrying` calls a bureau again when it is unavailable, waiting longer each time
(exponential backoff, capped) and at least as long as the bureau's ``Retry-After`` asked.
:class:`CircuitBreaker` stops calling a bureau that failed ``threshold`` times in a row,
for ``cool_down`` seconds, then lets one trial call through (half-open): a success closes
the circuit, a failure opens it again. Both take their clock and sleep function as
arguments, so tests never wait for real.

>>> import datetime
>>> from credkit.bureau import BureauReport
>>> from credkit.errors import BureauUnavailable
>>> class Flaky:
...     name = "flaky"
...     calls = 0
...     def report(self, subject_id, *, as_of):
...         self.calls += 1
...         if self.calls < 3:
...             raise BureauUnavailable("flaky: HTTP 503", retry_after=2.0)
...         return BureauReport("flaky", subject_id, datetime.datetime(2026, 5, 4, tzinfo=datetime.timezone.utc), rating="A")
>>> waits = []
>>> bureau = Retrying(Flaky(), attempts=3, base_delay=0.5, sleep=waits.append)
>>> bureau.report("C1", as_of=datetime.date(2026, 5, 4)).rating, waits
('A', [2.0, 2.0])
"""

from __future__ import annotations

import datetime
import enum
import threading
import time
from collections.abc import Callable

from credkit._validate import describe
from credkit.bureau.protocol import Bureau, Sleep
from credkit.bureau.report import BureauReport
from credkit.errors import BureauUnavailable, MalformedReport, SubjectNotFound, ValidationError

__all__ = ["CircuitBreaker", "CircuitState", "Retrying"]


def _seconds(value: object, field: str, *, low: float = 0.0, high: float = 86400.0) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise ValidationError(
            f"{field}: expected a number of seconds from {low:g} to {high:g}, got {describe(value)}"
        )
    return float(value)


def _count(value: object, field: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationError(
            f"{field}: expected a whole number from {low} to {high}, got {describe(value)}"
        )
    return value


class Retrying:
    """Call ``bureau`` up to ``attempts`` times while it raises
    :class:`~credkit.errors.BureauUnavailable`.

    Before try *n* + 1 it waits ``base_delay * 2 ** (n - 1)`` seconds, at least the
    error's ``retry_after`` and at most ``max_delay``. When the bureau asks for a wait
    longer than ``max_delay`` the error is raised at once (the bureau said it will not
    answer sooner). Not-found and malformed answers are not retried: asking again would
    give the same answer.

    >>> Retrying(object(), attempts=0)
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: attempts: expected a whole number from 1 to 20, got int 0
    """

    def __init__(
        self,
        bureau: Bureau,
        *,
        attempts: int = 3,
        base_delay: float = 0.5,
        max_delay: float = 30.0,
        sleep: Sleep = time.sleep,
    ) -> None:
        self.bureau = bureau
        self.attempts = _count(attempts, "attempts", 1, 20)
        self.base_delay = _seconds(base_delay, "base_delay")
        self.max_delay = _seconds(max_delay, "max_delay")
        self.sleep = sleep

    @property
    def name(self) -> str:
        """The wrapped bureau's name."""
        return self.bureau.name

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait after failed try number ``attempt`` (1 for the first).

        >>> Retrying(object(), base_delay=1, max_delay=5).delay(1, None), Retrying(object(), base_delay=1, max_delay=5).delay(4, None)
        (1.0, 5.0)
        """
        backoff = self.base_delay * 2 ** min(attempt - 1, 60)
        return float(min(self.max_delay, max(backoff, retry_after or 0.0)))

    def report(self, subject_id: str, *, as_of: datetime.date) -> BureauReport:
        """The wrapped bureau's report, tried again as the class says."""
        for attempt in range(1, self.attempts + 1):
            try:
                return self.bureau.report(subject_id, as_of=as_of)
            except BureauUnavailable as error:
                asked = error.retry_after
                if attempt == self.attempts or (asked is not None and asked > self.max_delay):
                    if attempt > 1 or (asked is not None and asked > self.max_delay):
                        raise BureauUnavailable(
                            f"{error} (gave up after {attempt} "
                            f"{'try' if attempt == 1 else 'tries'}"
                            + (
                                f"; the bureau asked to wait {asked:g} s, over the "
                                f"{self.max_delay:g} s limit)"
                                if asked is not None and asked > self.max_delay
                                else ")"
                            ),
                            provider=error.provider,
                            retry_after=asked,
                        ) from error
                    raise
                self.sleep(self.delay(attempt, asked))
        raise AssertionError("unreachable")  # pragma: no cover


class CircuitState(enum.Enum):
    """The state of a :class:`CircuitBreaker`.

    >>> CircuitState("half_open")
    <CircuitState.HALF_OPEN: 'half_open'>
    """

    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitBreaker:
    """Stop calling ``bureau`` after ``threshold`` failures in a row (see the module).

    A failure is :class:`~credkit.errors.BureauUnavailable` or
    :class:`~credkit.errors.MalformedReport`; a not-found answer is an answer and resets
    the count. While the circuit is open, calls raise ``BureauUnavailable`` at once,
    without touching the bureau, with ``retry_after`` the seconds left. ``clock`` is a
    monotonic clock in seconds (``time.monotonic`` by default). Safe to share between
    threads: in the half-open state exactly one trial call goes through.

    >>> import datetime
    >>> from credkit.errors import BureauUnavailable
    >>> class Down:
    ...     name = "down"
    ...     def report(self, subject_id, *, as_of):
    ...         raise BureauUnavailable("down: timeout")
    >>> now = [0.0]
    >>> breaker = CircuitBreaker(Down(), threshold=2, cool_down=60, clock=lambda: now[0])
    >>> for _ in range(2):
    ...     try:
    ...         breaker.report("C1", as_of=datetime.date(2026, 5, 4))
    ...     except BureauUnavailable:
    ...         pass
    >>> breaker.state
    <CircuitState.OPEN: 'open'>
    >>> breaker.report("C1", as_of=datetime.date(2026, 5, 4))
    Traceback (most recent call last):
    ...
    credkit.errors.BureauUnavailable: down: circuit open after 2 failures in a row; next try in 60 s
    """

    def __init__(
        self,
        bureau: Bureau,
        *,
        threshold: int = 5,
        cool_down: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.bureau = bureau
        self.threshold = _count(threshold, "threshold", 1, 1000)
        self.cool_down = _seconds(cool_down, "cool_down", low=0.0)
        self.clock = clock
        self._lock = threading.Lock()
        self._failures = 0
        self._opened_at: float | None = None
        self._trial = False

    @property
    def name(self) -> str:
        """The wrapped bureau's name."""
        return self.bureau.name

    @property
    def state(self) -> CircuitState:
        """The circuit's state now."""
        with self._lock:
            return self._state()

    @property
    def failures(self) -> int:
        """Failures in a row so far."""
        return self._failures

    def _state(self) -> CircuitState:
        if self._opened_at is None:
            return CircuitState.CLOSED
        if self.clock() - self._opened_at >= self.cool_down:
            return CircuitState.HALF_OPEN
        return CircuitState.OPEN

    def _admit(self) -> bool:
        """Whether a call may go through now; True marks it as the half-open trial."""
        with self._lock:
            state = self._state()
            if state is CircuitState.CLOSED:
                return False
            if state is CircuitState.HALF_OPEN and not self._trial:
                self._trial = True
                return True
            assert self._opened_at is not None
            left = max(0.0, self.cool_down - (self.clock() - self._opened_at))
            raise BureauUnavailable(
                f"{self.name}: circuit open after {self._failures} failures in a row; "
                + (f"next try in {left:g} s" if not self._trial else "a trial call is under way"),
                provider=self.name,
                retry_after=left,
            )

    def report(self, subject_id: str, *, as_of: datetime.date) -> BureauReport:
        """The wrapped bureau's report, unless the circuit is open."""
        trial = self._admit()
        try:
            report = self.bureau.report(subject_id, as_of=as_of)
        except (BureauUnavailable, MalformedReport):
            with self._lock:
                self._failures += 1
                if trial or self._failures >= self.threshold:
                    self._opened_at = self.clock()
                if trial:
                    self._trial = False
            raise
        except SubjectNotFound:
            self._closed()  # an answer: the bureau is up
            raise
        except BaseException:
            if trial:  # a misuse, not the bureau's doing: let the next call try instead
                with self._lock:
                    self._trial = False
            raise
        self._closed()
        return report

    def _closed(self) -> None:
        with self._lock:
            self._failures = 0
            self._opened_at = None
            self._trial = False
