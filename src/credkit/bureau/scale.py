"""The shipped rating scale and a report's credkit risk class.

:func:`rating_scale` loads ``credkit/data/bureau/rating-scale.toml``: the grades and
scores of Creditsafe (international grade, local score), D&B (failure score class and
national percentile) and credkit's sample bureau mapped onto the risk classes A-E (see
:mod:`credkit.scoring.ratings`). :func:`report_class` reads a report's class from it.

>>> import datetime
>>> from credkit.bureau import BureauReport
>>> at = datetime.datetime(2026, 5, 4, tzinfo=datetime.timezone.utc)
>>> creditsafe = BureauReport("creditsafe", "GB-1", at, rating="C", rating_scale="creditsafe-common")
>>> dnb = BureauReport("dnb", "804735132", at, score=30, score_scale="dnb-failure-percentile")
>>> report_class(creditsafe), report_class(dnb)
('C', 'C')
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from importlib import resources
from typing import Any

from credkit.bureau.report import BureauReport
from credkit.config import load
from credkit.errors import ValidationError
from credkit.scoring.ratings import RatingScale

__all__ = ["load_rating_scale", "rating_scale", "report_class"]


def load_rating_scale(
    source: Mapping[str, Any] | str | os.PathLike[str], *, format: Any = None
) -> RatingScale:
    """Load a :class:`~credkit.scoring.RatingScale` document (errors name the field).

    >>> load_rating_scale({"id": "x", "version": "1", "classes": ["A"], "scales": [
    ...     {"name": "s", "grades": [{"rating": "1", "risk_class": "Z"}]}]})
    Traceback (most recent call last):
    ...
    credkit.errors.ConfigError: scales[0].grades[0].risk_class: 'Z' is not a class of the scale; accepted are 'A'
    """
    return load(RatingScale, source, format=format)


@functools.cache
def rating_scale() -> RatingScale:
    """The shipped rating scale (loaded once; it is immutable).

    >>> scale = rating_scale()
    >>> scale.classes, scale.risk_class("dnb-failure-class", rating="3")
    (('A', 'B', 'C', 'D', 'E'), 'C')
    """
    resource = resources.files("credkit").joinpath("data", "bureau", "rating-scale.toml")
    return load_rating_scale(resource.read_text(encoding="utf-8"), format="toml")


def report_class(report: BureauReport, scale: RatingScale | None = None) -> str | None:
    """The credkit risk class of ``report`` on ``scale`` (default: :func:`rating_scale`).

    The rating decides when the report has one on a scale that ``scale`` maps; otherwise
    the score. ``None`` when the report has neither on a mapped scale. A rating or score
    that the mapped scale does not know raises :class:`~credkit.errors.ValidationError`.

    >>> import datetime
    >>> at = datetime.datetime(2026, 5, 4, tzinfo=datetime.timezone.utc)
    >>> report_class(BureauReport("x", "1", at, rating="B", rating_scale="unknown-scale")) is None
    True
    """
    if not isinstance(report, BureauReport):
        raise ValidationError(f"report: expected a BureauReport, got {type(report).__name__}")
    scale = rating_scale() if scale is None else scale
    known = {s.name: s for s in scale.scales}
    rated = report.rating_scale in known and known[report.rating_scale].grades
    if report.rating is not None and report.rating_scale is not None and rated:
        return scale.risk_class(report.rating_scale, rating=report.rating)
    scored = report.score_scale in known and known[report.score_scale].bands
    if report.score is not None and report.score_scale is not None and scored:
        return scale.risk_class(report.score_scale, score=report.score)
    return None
