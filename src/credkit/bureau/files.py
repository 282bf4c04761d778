"""``FileBureau``: saved reports in JSON files, for tests, demos and offline use.

The directory holds one folder per provider and one file per subject:
``<directory>/<provider>/<subject id>.json`` (the id percent-encoded, so that any id
makes a safe file name). A file holds one report document
(:meth:`~credkit.bureau.BureauReport.to_document`) or a list of them, the history of the
subject's reports; :meth:`FileBureau.report` returns the latest fetched on or before the
``as_of`` date. :func:`write_reports` writes such a directory.

>>> import datetime, tempfile
>>> from pathlib import Path
>>> from credkit.bureau import BureauReport
>>> at = datetime.datetime(2026, 3, 1, tzinfo=datetime.timezone.utc)
>>> with tempfile.TemporaryDirectory() as folder:
...     _ = write_reports([BureauReport("creditsafe", "C1", at, rating="B"),
...                        BureauReport("creditsafe", "C1", at.replace(month=5), rating="C")], folder)
...     bureau = FileBureau(folder, provider="creditsafe")
...     bureau.report("C1", as_of=datetime.date(2026, 4, 30)).rating, bureau.report("C1", as_of=datetime.date(2026, 6, 1)).rating
('B', 'C')
"""

from __future__ import annotations

import datetime
import json
import os
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote

from credkit._validate import check_date, check_text, describe
from credkit.bureau.report import BureauReport
from credkit.errors import ConfigError, MalformedReport, SubjectNotFound, ValidationError

__all__ = ["FileBureau", "write_reports"]

_MAX_BYTES = 10 * 2**20


def _file(directory: Path, provider: str, subject_id: str) -> Path:
    return directory / quote(provider, safe="") / f"{quote(subject_id, safe='')}.json"


class FileBureau:
    """A :class:`~credkit.bureau.Bureau` that reads saved reports (see the module).

    ``provider`` picks the folder and is the bureau's ``name``.

    >>> FileBureau("/nonexistent", provider="dnb").report("1", as_of=datetime.date(2026, 1, 1))
    Traceback (most recent call last):
    ...
    credkit.errors.SubjectNotFound: dnb: no saved report on '1' (looked for /nonexistent/dnb/1.json)
    """

    def __init__(self, directory: str | os.PathLike[str], *, provider: str) -> None:
        self.directory = Path(directory)
        self.provider = check_text(provider, "provider")

    @property
    def name(self) -> str:
        """The provider whose reports this bureau serves."""
        return self.provider

    def __repr__(self) -> str:
        return f"FileBureau({str(self.directory)!r}, provider={self.provider!r})"

    def history(self, subject_id: str) -> tuple[BureauReport, ...]:
        """Every saved report on ``subject_id``, oldest first.

        >>> FileBureau("/nonexistent", provider="dnb").history("1")
        ()
        """
        check_text(subject_id, "subject_id")
        path = _file(self.directory, self.provider, subject_id)
        try:
            with path.open("rb") as file:
                data = file.read(_MAX_BYTES + 1)
        except FileNotFoundError:
            return ()
        except OSError as error:
            raise MalformedReport(
                f"{path}: cannot read the file: {error}", provider=self.provider
            ) from None
        if len(data) > _MAX_BYTES:
            raise MalformedReport(
                f"{path}: larger than {_MAX_BYTES:,} bytes", provider=self.provider
            )
        try:
            document = json.loads(data.decode("utf-8"), parse_float=Decimal)
        except (ValueError, RecursionError) as error:
            raise MalformedReport(
                f"{path}: not valid JSON: {error}", provider=self.provider
            ) from None
        documents = document if isinstance(document, list) else [document]
        reports: list[BureauReport] = []
        for index, item in enumerate(documents):
            where = f"[{index}]" if isinstance(document, list) else ""
            if not isinstance(item, dict):
                raise MalformedReport(
                    f"{path}{where}: expected a report object, got {describe(item)}",
                    provider=self.provider,
                )
            try:
                report = BureauReport.from_document(_exact(item))
            except ConfigError as error:
                raise MalformedReport(f"{path}{where}: {error}", provider=self.provider) from None
            if report.provider != self.provider or report.subject_id != subject_id:
                raise MalformedReport(
                    f"{path}{where}: holds a report of {report.provider} on "
                    f"{report.subject_id!r}, not of {self.provider} on {subject_id!r}",
                    provider=self.provider,
                )
            reports.append(report)
        return tuple(sorted(reports, key=lambda r: r.fetched_at))

    def report(self, subject_id: str, *, as_of: datetime.date) -> BureauReport:
        """The latest saved report on ``subject_id`` fetched on or before ``as_of``."""
        check_date(as_of, "as_of")
        reports = [r for r in self.history(subject_id) if r.fetched_at.date() <= as_of]
        if not reports:
            path = _file(self.directory, self.provider, subject_id)
            raise SubjectNotFound(
                f"{self.provider}: no saved report on {subject_id!r}"
                + (f" fetched on or before {as_of}" if path.exists() else f" (looked for {path})"),
                provider=self.provider,
            )
        return reports[-1]


def _exact(value: Any) -> Any:
    # Figures read from JSON as Decimal go back to text: a report document holds strings.
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {key: _exact(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_exact(item) for item in value]
    return value


def write_reports(
    reports: Iterable[BureauReport], directory: str | os.PathLike[str]
) -> tuple[Path, ...]:
    """Write ``reports`` where a :class:`FileBureau` reads them; return the files written.

    Each subject's file holds all of its reports given here, oldest first (a list);
    an existing file is replaced.

    >>> write_reports(["not a report"], "/tmp")
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: reports[0]: expected a BureauReport, got str 'not a report'
    """
    grouped: dict[tuple[str, str], list[BureauReport]] = defaultdict(list)
    for index, report in enumerate(reports):
        if not isinstance(report, BureauReport):
            raise ValidationError(
                f"reports[{index}]: expected a BureauReport, got {describe(report)}"
            )
        grouped[(report.provider, report.subject_id)].append(report)
    root = Path(directory)
    written: list[Path] = []
    for (provider, subject_id), items in grouped.items():
        path = _file(root, provider, subject_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        documents = [r.to_document() for r in sorted(items, key=lambda r: r.fetched_at)]
        path.write_text(
            json.dumps(documents, indent=1, sort_keys=True, ensure_ascii=False) + "\n",
            encoding="utf-8",
        )
        written.append(path)
    return tuple(written)
