"""``credkit bureau fetch``: one company's report from a saved directory or a configured API.

``--dir DIR`` reads saved reports (``DIR/<provider>/<subject>.json``, what
``credkit sample --out OUT`` writes under ``OUT/bureau``) with
:class:`~credkit.bureau.FileBureau`. ``--config FILE`` reads a TOML or JSON document
listing providers (:class:`BureauConfig`): each names a shipped mapping (``creditsafe``,
``dnb``) or a mapping file, the API's base URL and the environment variable that holds
the access token, and is reached with :class:`~credkit.bureau.HttpJsonBureau`.

Exit status: 0 with a report, 1 when the bureau knows no such company, 2 for bad input
or a bureau that failed (the message says which).
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
from pathlib import Path
from typing import Any

import attrs

from credkit import config
from credkit.bureau import (
    Bureau,
    BureauReport,
    FileBureau,
    HttpJsonBureau,
    Retrying,
    load_mapping,
    report_class,
    shipped_mapping,
)
from credkit.bureau.mapping import SHIPPED_MAPPINGS
from credkit.cli._common import Subcommands, grid, iso_date
from credkit.cli._output import (
    BAD_INPUT,
    FINDINGS,
    OK,
    add_format_argument,
    emit,
    snake,
    to_json,
)
from credkit.errors import SubjectNotFound, ValidationError

__all__ = ["BureauConfig", "ProviderConfig", "add_parser", "run"]


@attrs.frozen
class ProviderConfig:
    """One provider in a ``--config`` document.

    ``mapping`` is a shipped mapping's name or the path of a mapping file; ``token_env``
    names the environment variable holding the bearer token (never the token itself).
    """

    name: str
    mapping: str
    base_url: str
    token_env: str | None = None
    timeout: float = 10.0
    attempts: int = 3


@attrs.frozen
class BureauConfig:
    """A ``--config`` document: ``[[providers]]`` tables (:class:`ProviderConfig`)."""

    providers: tuple[ProviderConfig, ...]


def add_parser(commands: Subcommands) -> None:
    """Register ``credkit bureau`` on the sub-command parser ``commands``."""
    parser = commands.add_parser(
        "bureau",
        help="fetch a credit bureau report",
        description="Credit bureau reports: `credkit bureau fetch SUBJECT --provider NAME` "
        "prints one company's normalised report.",
    )
    actions = parser.add_subparsers(title="actions", metavar="ACTION")
    fetch = actions.add_parser(
        "fetch",
        help="fetch one company's report",
        description="Fetch one company's report from saved files (--dir) or a configured "
        "provider API (--config) and print it normalised, with its credkit risk class. "
        "Exit status 0 with a report, 1 when the company is not known, 2 for bad input.",
    )
    fetch.add_argument("subject", metavar="SUBJECT", help="the company's id at the provider")
    fetch.add_argument("--provider", required=True, metavar="NAME", help="the provider's name")
    source = fetch.add_mutually_exclusive_group(required=True)
    source.add_argument("--dir", type=Path, metavar="DIR", help="directory of saved reports")
    source.add_argument(
        "--config", type=Path, metavar="FILE", help="providers document (TOML or JSON)"
    )
    fetch.add_argument(
        "--as-of", type=iso_date, default=None, metavar="DATE", help="report date (default today)"
    )
    add_format_argument(
        fetch, help="output format: table (default), json or csv (one field and value per row)"
    )
    fetch.set_defaults(func=run)
    parser.set_defaults(func=lambda _: _usage(parser))


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return BAD_INPUT


def _document(report: BureauReport, risk: str | None) -> dict[str, Any]:
    """The report with every field (``null`` when the bureau left it out), its risk class,
    and its statements' figures as money like every amount."""
    document: dict[str, Any] = to_json(report)
    document["risk_class"] = risk
    document["statements"] = [
        {
            key: value
            if key in ("currency", "period_end") or value is None
            else {"amount": value, "currency": statement["currency"]}
            for key, value in statement.items()
        }
        for statement in document["statements"]
    ]
    return document


def _bureau(args: argparse.Namespace) -> Bureau:
    if args.dir is not None:
        if not args.dir.is_dir():
            raise ValidationError(f"--dir: {str(args.dir)!r} is not a directory")
        return FileBureau(args.dir, provider=args.provider)
    document = config.load(BureauConfig, args.config)
    chosen = [p for p in document.providers if p.name == args.provider]
    if not chosen:
        names = ", ".join(repr(p.name) for p in document.providers) or "none"
        raise ValidationError(
            f"--provider: {args.provider!r} is not in {str(args.config)!r}; it lists {names}"
        )
    provider = chosen[0]
    if provider.mapping in SHIPPED_MAPPINGS:
        mapping = shipped_mapping(provider.mapping)
    else:
        path = Path(provider.mapping)
        if not path.is_absolute():
            path = args.config.parent / path
        mapping = load_mapping(path)
    headers = {}
    if provider.token_env is not None:
        token = os.environ.get(provider.token_env)
        if not token:
            raise ValidationError(
                f"providers.{provider.name}.token_env: the environment variable "
                f"{provider.token_env} is not set"
            )
        headers["Authorization"] = f"Bearer {token}"
    http = HttpJsonBureau(
        mapping, base_url=provider.base_url, headers=headers, timeout=provider.timeout
    )
    return Retrying(http, attempts=provider.attempts)


def run(args: argparse.Namespace) -> int:
    """Fetch and print the report (see the module); returns the exit status."""
    bureau = _bureau(args)
    as_of = args.as_of or datetime.datetime.now(datetime.UTC).date()
    try:
        report = bureau.report(args.subject, as_of=as_of)
    except SubjectNotFound as error:  # a finding: the bureau does not know the company
        print(f"credkit: error: {error}", file=sys.stderr)
        return FINDINGS
    try:
        risk = report_class(report)
    except ValidationError as error:
        risk = None
        print(f"credkit: warning: {error}", file=sys.stderr)
    rows = [
        ["provider", report.provider],
        ["subject", report.subject_id],
        ["report id", report.report_id or ""],
        ["fetched at", report.fetched_at.isoformat()],
        ["rating", f"{report.rating} ({report.rating_scale})" if report.rating else ""],
        ["score", f"{report.score} ({report.score_scale})" if report.score is not None else ""],
        ["risk class", risk or ""],
        ["pd", "" if report.pd is None else str(report.pd)],
        [
            "suggested limit",
            "" if report.recommended_limit is None else str(report.recommended_limit),
        ],
        ["payment index", "" if report.payment_index is None else str(report.payment_index)],
        ["statements", str(len(report.statements))],
    ]
    rows += [
        [f"event {index + 1}", f"{e.kind.value} on {e.on}" + (f", {e.amount}" if e.amount else "")]
        for index, e in enumerate(report.events)
    ]
    print(
        emit(
            args.format,
            table=lambda: "\n".join(grid(["Field", "Value"], rows, left={"Field", "Value"})),
            document=lambda: _document(report, risk),
            rows=lambda: (["field", "value"], [[snake(f), v] for f, v in rows]),
            raw=args.raw_csv,
        )
    )
    return OK
