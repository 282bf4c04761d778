"""Credit bureaus: one report shape, caching, a waterfall, retries and HTTP/JSON adapters.

The modules, each re-exported here:

* :mod:`~credkit.bureau.report`: :class:`BureauReport`, :class:`DerogatoryEvent`,
  :class:`DerogatoryKind`;
* :mod:`~credkit.bureau.protocol`: the :class:`Bureau` protocol;
* :mod:`~credkit.bureau.mapping`: :class:`ReportMapping` documents, :func:`load_mapping`,
  :func:`shipped_mapping` (Creditsafe, D&B) and :func:`normalise`;
* :mod:`~credkit.bureau.http`: :class:`HttpJsonBureau` (the ``bureau`` extra);
* :mod:`~credkit.bureau.files`: :class:`FileBureau` and :func:`write_reports`;
* :mod:`~credkit.bureau.cache`: :class:`CachedBureau`;
* :mod:`~credkit.bureau.waterfall`: :class:`Waterfall`;
* :mod:`~credkit.bureau.resilience`: :class:`Retrying` and :class:`CircuitBreaker`;
* :mod:`~credkit.bureau.scale`: :func:`rating_scale`, the shipped mapping of provider
  ratings onto credkit's risk classes, and :func:`report_class`;
* :mod:`~credkit.bureau.samples`: :func:`sample_reports` for the sample portfolio.

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
