"""``credkit apply``: run a credit application through the desk of a credkit store.

``credkit apply APPLICATION.toml --url URL --as-of DATE --user USER`` reads a credit
application (TOML or JSON, see :func:`credkit.desk.applications.load_application`),
and runs it through :meth:`credkit.desk.CreditDesk.apply`: the customer is stored,
the bureau asked (with ``--bureau-dir DIR --provider NAME``: the saved reports under
``DIR/NAME/``, through the store's bureau cache; ``credkit sample --out OUT`` writes
the sample's under ``OUT/bureau/sample/``), the applicant scored, a limit recommended
and a limit request drafted and routed. It prints the steps, the recommendation, the
request's routing and what to ask the applicant for; ``--format json`` prints the
result as a JSON document.

``--approvals FILE`` is the approval matrix that routes the request (TOML or JSON;
without it the request stays a draft that no band routes); ``--roles FILE`` the role
table that gives the user their roles (default: the user is a credit clerk).
``--scorecard FILE``, ``--limit-policy FILE`` and ``--application-policy FILE`` replace
credkit's example scorecard, limit policy and application policy.

Takes ``--url`` and ``--prefix`` as ``credkit db`` does and needs a database at this
credkit's schema. Applying the same application again stores nothing new. Exit
status: 0 when a request was made and nothing is missing, 1 when something must be
asked of the applicant, 2 for bad input.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, Final

from credkit.cli._common import Subcommands, iso_date
from credkit.cli._output import FINDINGS, OK, add_format_argument, emit, to_json
from credkit.cli._store import add_store_arguments, closing, ready_store
from credkit.cli.check import DEFAULT_POLICY
from credkit.config import load
from credkit.desk import CreditDesk, RoleTable
from credkit.desk.applications import ApplicationPolicy, ApplicationResult, load_application
from credkit.errors import ValidationError
from credkit.limits import ApprovalMatrix, LimitPolicy
from credkit.policy import load_policy
from credkit.scoring import Scorecard

__all__ = ["add_parser", "run"]

_COMMAND: Final = "credkit apply"


def add_parser(commands: Subcommands) -> None:
    """Register ``credkit apply`` on ``commands``.

    >>> parser = argparse.ArgumentParser(prog="credkit")
    >>> add_parser(parser.add_subparsers())
    >>> args = parser.parse_args(["apply", "app.toml", "--as-of", "2026-05-04", "--user", "sam"])
    >>> args.application, args.as_of, args.format, args.provider
    (PosixPath('app.toml'), datetime.date(2026, 5, 4), 'table', 'sample')
    """
    parser = commands.add_parser(
        "apply",
        help="run a credit application: bureau, score, limit, routed request",
        description="Run a credit application (TOML or JSON) through the desk of a credkit "
        "store: store the customer, ask the bureau, score, recommend a limit and draft a "
        "limit request routed by the approval matrix. Prints the steps and what to ask the "
        "applicant for (exit 1 when something is missing).",
    )
    parser.add_argument(
        "application", type=Path, metavar="APPLICATION", help="the application, .toml or .json"
    )
    add_store_arguments(parser)
    parser.add_argument(
        "--as-of", type=iso_date, required=True, metavar="DATE", help="the day (YYYY-MM-DD)"
    )
    parser.add_argument("--user", required=True, metavar="USER", help="who runs the application")
    add_format_argument(
        parser, help="output format: table (default), json, or csv (one row per step)"
    )
    parser.add_argument(
        "--bureau-dir",
        type=Path,
        metavar="DIR",
        help="saved bureau reports, DIR/PROVIDER/SUBJECT.json (e.g. OUT/bureau of `credkit "
        "sample --out OUT`)",
    )
    parser.add_argument(
        "--provider",
        default="sample",
        metavar="NAME",
        help="the provider under --bureau-dir (default: sample)",
    )
    parser.add_argument(
        "--approvals", type=Path, metavar="FILE", help="approval matrix, TOML or JSON"
    )
    parser.add_argument(
        "--roles",
        type=Path,
        metavar="FILE",
        help="role table, TOML or JSON (default: the user is a credit clerk)",
    )
    parser.add_argument("--scorecard", type=Path, metavar="FILE", help="scorecard, TOML or JSON")
    parser.add_argument(
        "--limit-policy", type=Path, metavar="FILE", help="limit policy, TOML or JSON"
    )
    parser.add_argument(
        "--application-policy",
        type=Path,
        metavar="FILE",
        help="what a complete application has, TOML or JSON",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the application; return the exit status (0 complete, 1 something to ask for)."""
    application = load_application(args.application)
    roles = (
        RoleTable(users={args.user: ["credit_clerk"]})
        if args.roles is None
        else load(RoleTable, args.roles)
    )
    approvals = None if args.approvals is None else load(ApprovalMatrix, args.approvals)
    scorecard = None if args.scorecard is None else load(Scorecard, args.scorecard)
    limit_policy = None if args.limit_policy is None else load(LimitPolicy, args.limit_policy)
    policy = (
        None
        if args.application_policy is None
        else load(ApplicationPolicy, args.application_policy)
    )
    if args.bureau_dir is not None and not args.bureau_dir.is_dir():
        raise ValidationError(f"--bureau-dir: {str(args.bureau_dir)!r} is not a directory")
    store = ready_store(args.url, args.prefix, command=_COMMAND)
    with closing(store):
        bureau = None
        if args.bureau_dir is not None:
            from credkit.bureau import CachedBureau, FileBureau

            bureau = CachedBureau(FileBureau(args.bureau_dir, provider=args.provider), store)
        desk = CreditDesk(
            store,
            load_policy(DEFAULT_POLICY, format="toml"),  # unused: no orders are checked
            authorizer=roles,
            approvals=approvals,
            bureau=bureau,
        )
        result = desk.apply(
            application,
            as_of=args.as_of,
            user=args.user,
            scorecard=scorecard,
            limit_policy=limit_policy,
            policy=policy,
        )
    print(
        emit(
            args.format,
            table=lambda: f"Store: {store.where}\n{result.explain()}",
            document=lambda: _document(result, store.where),
            rows=lambda: (
                ["step", "detail", "entry"],
                [[step.name, step.detail, step.entry] for step in result.steps],
            ),
            raw=args.raw_csv,
        )
    )
    return FINDINGS if result.to_ask else OK


def _document(result: ApplicationResult, where: str) -> dict[str, Any]:
    """The result's JSON document, with amounts as money and the score's reason texts."""
    document: dict[str, Any] = {"store": where, **result.to_json()}
    recommendation = result.recommendation
    document["recommendation"] = {
        "policy": {"id": recommendation.policy_id, "version": recommendation.policy_version},
        "amount": recommendation.amount,
        "currency": recommendation.currency,
        "chosen": list(recommendation.chosen),
        "methods": [
            {"method": m.method, "amount": m.amount, "reason": m.reason}
            for m in recommendation.methods
        ],
        "adjustments": [{"step": a.step, "reason": a.reason} for a in recommendation.adjustments],
    }
    if result.score is not None:
        document["score"]["total"] = result.score.total
    document["request"] = to_json(result.request)
    return document
