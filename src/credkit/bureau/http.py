"""``HttpJsonBureau``: a provider's HTTP/JSON API, read through a mapping document.

The adapter sends ``GET base_url + request.path`` (see
:class:`~credkit.bureau.ReportMapping`) with the headers you give it (an
``Authorization`` token, an API key), reads the answer within a total ``timeout`` and
turns it into a :class:`~credkit.bureau.BureauReport` with
:func:`~credkit.bureau.normalise`. Needs the ``bureau`` extra (httpx).

Every failure is a typed error, never a hang and never an empty report:

==========================================  ==============================================
what happened                               what is raised
==========================================  ==============================================
a status in ``request.not_found`` (404)     :class:`~credkit.errors.SubjectNotFound`
no answer within ``timeout`` seconds        :class:`~credkit.errors.BureauUnavailable`
connection refused or broken                :class:`~credkit.errors.BureauUnavailable`
HTTP 408, 429, 5xx                          :class:`~credkit.errors.BureauUnavailable`
                                            (``retry_after`` from ``Retry-After``)
another HTTP error (401, 403, 400, ...)     :class:`~credkit.errors.BureauError`
invalid, truncated or oversized JSON,       :class:`~credkit.errors.MalformedReport`
figures of the wrong type, no figure at all
==========================================  ==============================================

>>> import datetime
>>> from credkit.bureau import shipped_mapping
>>> bureau = HttpJsonBureau(shipped_mapping("creditsafe"), base_url="http://127.0.0.1:9", timeout=2)
>>> bureau.name
'creditsafe'
>>> bureau.report("GB-1", as_of=datetime.date(2026, 5, 4))
Traceback (most recent call last):
...
credkit.errors.BureauUnavailable: creditsafe: cannot reach http://127.0.0.1:9/companies/GB-1: ...
"""

from __future__ import annotations

import datetime
import email.utils
import json
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from credkit._validate import check_date, check_text, describe
from credkit.bureau.mapping import ReportMapping, normalise
from credkit.bureau.protocol import Clock
from credkit.bureau.report import BureauReport, utc_now
from credkit.errors import (
    BureauError,
    BureauUnavailable,
    MalformedReport,
    SubjectNotFound,
    ValidationError,
)

if TYPE_CHECKING:  # pragma: no cover
    import httpx

__all__ = ["MAX_ANSWER_BYTES", "HttpJsonBureau", "parse_retry_after"]

MAX_ANSWER_BYTES: Final = 20 * 2**20
"""The largest answer :class:`HttpJsonBureau` reads by default: 20 MiB."""

_RETRYABLE: Final = frozenset({408, 425, 429, 500, 502, 503, 504})


def parse_retry_after(value: str | None, *, now: datetime.datetime) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: a number of seconds or an HTTP date.

    ``None`` when there is no header or it cannot be read; never negative.

    >>> now = datetime.datetime(2026, 5, 4, 12, 0, tzinfo=datetime.timezone.utc)
    >>> parse_retry_after("120", now=now), parse_retry_after("Mon, 04 May 2026 12:00:30 GMT", now=now)
    (120.0, 30.0)
    >>> parse_retry_after("soon", now=now) is None, parse_retry_after("Mon, 04 May 2026 11:00:00 GMT", now=now)
    (True, 0.0)
    """
    if value is None:
        return None
    text = value.strip()
    if text.isdigit():
        return float(min(int(text), 10**9))
    try:
        moment = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if moment is None:  # pragma: no cover  (older Pythons)
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return max(0.0, (moment - now).total_seconds())


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not a number JSON allows")


class HttpJsonBureau:
    """A :class:`~credkit.bureau.Bureau` over a provider's HTTP/JSON API (see the module).

    ``mapping`` says where to ask and where the fields are; ``base_url`` is the API's
    root (``https://connect.creditsafe.com/v1``); ``headers`` go with every request.
    ``timeout`` bounds the whole exchange in seconds (connecting, waiting, reading);
    ``max_bytes`` the size of an answer. ``client`` is an ``httpx.Client`` to use
    instead of a new one (with a mock transport in tests, or your own proxies and
    certificates); ``clock`` gives ``fetched_at``.
    """

    def __init__(
        self,
        mapping: ReportMapping,
        *,
        base_url: str,
        headers: Mapping[str, str] | None = None,
        timeout: float = 10.0,
        max_bytes: int = MAX_ANSWER_BYTES,
        client: httpx.Client | None = None,
        clock: Clock = utc_now,
    ) -> None:
        if not isinstance(mapping, ReportMapping):
            raise ValidationError(f"mapping: expected a ReportMapping, got {describe(mapping)}")
        check_text(base_url, "base_url")
        if not base_url.startswith(("http://", "https://")):
            raise ValidationError(
                f"base_url: expected an http:// or https:// URL, got {base_url!r}"
            )
        if (
            isinstance(timeout, bool)
            or not isinstance(timeout, int | float)
            or not 0 < timeout <= 600
        ):
            raise ValidationError(
                f"timeout: expected seconds above 0 and at most 600, got {describe(timeout)}"
            )
        try:
            import httpx
        except ImportError:  # pragma: no cover  (the extra is installed in the tests)
            raise BureauError(
                "HttpJsonBureau needs httpx: pip install 'credkit-b2b[bureau]'"
            ) from None
        self.mapping = mapping
        self.base_url = base_url.rstrip("/")
        self.headers = dict(headers or {})
        self.timeout = float(timeout)
        self.max_bytes = max_bytes
        self.clock = clock
        self._httpx = httpx
        self._client = client if client is not None else httpx.Client(timeout=self.timeout)

    @property
    def name(self) -> str:
        """The provider's name, from the mapping."""
        return self.mapping.provider

    def __repr__(self) -> str:
        return f"HttpJsonBureau({self.mapping.id!r}, base_url={self.base_url!r})"

    def close(self) -> None:
        """Close the HTTP client (its pooled connections)."""
        self._client.close()

    def _fail(self, error: type[BureauError], message: str, **extra: Any) -> BureauError:
        return error(f"{self.name}: {message}", provider=self.name, **extra)

    def _body(self, response: httpx.Response, url: str, deadline: float) -> bytes:
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > self.max_bytes:
                raise self._fail(
                    MalformedReport,
                    f"the answer from {url} is larger than {self.max_bytes:,} bytes",
                )
            chunks.append(chunk)
            if time.monotonic() > deadline:
                raise self._fail(
                    BureauUnavailable, f"no complete answer from {url} within {self.timeout:g} s"
                )
        return b"".join(chunks)

    def fetch_document(self, subject_id: str, *, as_of: datetime.date) -> object:
        """The provider's decoded answer for ``subject_id`` (numbers with a fraction as text).

        Raises as the module says; :meth:`report` normalises what this returns.
        """
        check_text(subject_id, "subject_id")
        check_date(as_of, "as_of")
        request = self.mapping.request
        url = self.base_url + request.url_path(subject_id, as_of)
        deadline = time.monotonic() + self.timeout
        httpx = self._httpx
        try:
            with self._client.stream(
                "GET",
                url,
                params=request.params(subject_id, as_of),
                headers={"Accept": "application/json", **self.headers},
                timeout=self.timeout,
            ) as response:
                status = response.status_code
                if status in request.not_found:
                    raise self._fail(SubjectNotFound, f"no company {subject_id!r} (HTTP {status})")
                if status in _RETRYABLE or status >= 500:
                    wait = parse_retry_after(response.headers.get("Retry-After"), now=self.clock())
                    raise self._fail(
                        BureauUnavailable,
                        f"HTTP {status} from {url}"
                        + (f"; asked to retry after {wait:g} s" if wait is not None else ""),
                        retry_after=wait,
                    )
                if status >= 400 or status < 200:
                    raise self._fail(
                        BureauError,
                        f"HTTP {status} from {url}; check the credentials and the request",
                    )
                body = self._body(response, url, deadline)
        except httpx.TimeoutException:
            raise self._fail(
                BureauUnavailable, f"no answer from {url} within {self.timeout:g} s"
            ) from None
        except httpx.HTTPError as error:
            raise self._fail(
                BureauUnavailable, f"cannot reach {url}: {type(error).__name__}: {error}"
            ) from None
        try:
            return json.loads(
                body.decode("utf-8"), parse_float=str, parse_constant=_reject_constant
            )
        except (ValueError, RecursionError) as error:
            raise self._fail(
                MalformedReport, f"the answer from {url} is not valid JSON ({error})"
            ) from None

    def report(self, subject_id: str, *, as_of: datetime.date) -> BureauReport:
        """The provider's report on ``subject_id``, normalised (see the module)."""
        document = self.fetch_document(subject_id, as_of=as_of)
        fetched_at = self.clock()
        return normalise(document, self.mapping, subject_id=subject_id, fetched_at=fetched_at)
