"""Credit bureaus: one report shape, caching, a waterfall, retries and HTTP/JSON adapters.

The modules, each re-exported here:

* ``report``: :class:`BureauReport`, :class:`DerogatoryEvent`,
  :class:`DerogatoryKind`;
* ``protocol``: the :class:`Bureau` protocol;
* ``mapping``: :class:`ReportMapping` documents, :func:`load_mapping`,
  :func:`shipped_mapping` (Creditsafe, D&B) and :func:`normalise`;
* ``http``: :class:`HttpJsonBureau` (the ``bureau`` extra);
* ``files``: :class:`FileBureau` and :func:`write_reports`;
* ``cache``: :class:`CachedBureau`;
* ``waterfall``: :class:`Waterfall`;
* ``resilience``: :class:`Retrying` and :class:`CircuitBreaker`;
* ``scale``: :func:`rating_scale`, the shipped mapping of provider
  ratings onto credkit's risk classes, and :func:`report_class`;
* ``samples``: :func:`sample_reports` for the sample portfolio.

>>> import datetime
>>> from credkit.bureau import BureauReport, report_class
>>> at = datetime.datetime(2026, 5, 4, tzinfo=datetime.timezone.utc)
>>> report_class(BureauReport("creditsafe", "GB-1", at, rating="C", rating_scale="creditsafe-common"))
'C'
"""

from credkit.bureau.cache import CachedBureau
from credkit.bureau.files import FileBureau, write_reports
from credkit.bureau.http import HttpJsonBureau, parse_retry_after
from credkit.bureau.mapping import (
    EventPaths,
    FieldPaths,
    ReportMapping,
    RequestSpec,
    StatementPaths,
    load_mapping,
    normalise,
    shipped_mapping,
)
from credkit.bureau.protocol import Bureau
from credkit.bureau.report import BureauReport, DerogatoryEvent, DerogatoryKind, utc_now
from credkit.bureau.resilience import CircuitBreaker, CircuitState, Retrying
from credkit.bureau.samples import sample_reports
from credkit.bureau.scale import rating_scale, report_class
from credkit.bureau.waterfall import Attempt, Waterfall, WaterfallResult

__all__ = [
    "Attempt",
    "Bureau",
    "BureauReport",
    "CachedBureau",
    "CircuitBreaker",
    "CircuitState",
    "DerogatoryEvent",
    "DerogatoryKind",
    "EventPaths",
    "FieldPaths",
    "FileBureau",
    "HttpJsonBureau",
    "ReportMapping",
    "RequestSpec",
    "Retrying",
    "StatementPaths",
    "Waterfall",
    "WaterfallResult",
    "load_mapping",
    "normalise",
    "parse_retry_after",
    "rating_scale",
    "report_class",
    "sample_reports",
    "shipped_mapping",
    "utc_now",
    "write_reports",
]
