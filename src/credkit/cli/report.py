"""``credkit report``: the portfolio report as one self-contained HTML file.

The figures come from the store of ``--url`` (a database ``credkit db init`` made and
``credkit db load`` filled; ``--prefix`` as for ``credkit db``), read and never
written, or from ``--ledger DIR``, a directory in credkit's canonical layout
(``credkit sample --out DIR`` writes one), loaded as ``credkit db load`` would load it
into a store in memory (its ``limits.csv``, ``orders.csv`` and ``dunning.csv`` too;
``--prefix`` goes with ``--url`` only). Risk classes come from the store's score
snapshots, or from ``--risk-classes FILE`` (see :func:`read_risk_classes`), which wins
over them; the page says where they came from.
See :func:`credkit.report.portfolio_report` for what each section shows and
:func:`credkit.report.render_html` for the page. ``--out FILE`` is where the page
goes (``-`` for standard output); ``--locale`` formats amounts and dates (default
``en_GB``); ``--top N`` is the length of the deteriorating payers' list and of each
currency's worklist (default 10). A rendering command: it exits with 0 when it wrote
the page, whatever the page shows; bad input exits with status 2 and a message naming
the option.
"""

from __future__ import annotations

import argparse
import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from credkit._validate import check_locale
from credkit.cli._common import Subcommands, iso_date
from credkit.cli._load import directory_store
from credkit.cli._output import OK, add_format_argument, emit, to_json
from credkit.cli._store import (
    add_source_arguments,
    closing,
    portfolio_store,
    ready_store,
    source_prefix,
)
from credkit.errors import CredkitError, ValidationError

if TYPE_CHECKING:
    from credkit.report import PortfolioReport
    from credkit.sample import SamplePortfolio
    from credkit.storage import MemoryStore

__all__ = [
    "add_parser",
    "demo_section",
    "directory_store",
    "read_risk_classes",
    "run",
    "sample_store",
]


def add_parser(commands: Subcommands) -> None:
    """Register ``credkit report`` on the sub-command parser ``commands``.

    >>> parser = argparse.ArgumentParser(prog="credkit")
    >>> add_parser(parser.add_subparsers())
    >>> args = parser.parse_args(["report", "--ledger", "d", "--as-of", "2026-11-30",
    ...                           "--out", "r.html"])
    >>> args.as_of, args.out, args.locale, args.top
    (datetime.date(2026, 11, 30), PosixPath('r.html'), 'en_GB', 10)
    """
    parser = commands.add_parser(
        "report",
        help="the portfolio report as one HTML file, from a store or a ledger",
        description="Write the portfolio report as of a date as one self-contained HTML "
        "file: aging by currency, the DSO and CEI trend, exposure against limits by risk "
        "class, the top deteriorating payers, held orders, alerts and the collection "
        "worklist, each chart followed by a table of its figures.",
    )
    add_source_arguments(
        parser,
        ledger_help="read a directory in the canonical layout (credkit sample --out DIR) instead",
    )
    parser.add_argument(
        "--risk-classes",
        type=Path,
        metavar="FILE",
        help="a CSV file with the columns customer_id and risk_class, for the exposure by "
        "risk class and the worklist; wins over the store's score snapshots (a ledger "
        "directory has none: without this option its customers are unrated)",
    )
    parser.add_argument(
        "--as-of", required=True, type=iso_date, metavar="DATE", help="report date, YYYY-MM-DD"
    )
    parser.add_argument(
        "--out",
        required=True,
        type=Path,
        metavar="FILE",
        help="the HTML file to write ('-' for standard output)",
    )
    parser.add_argument(
        "--locale", default="en_GB", help="locale of amounts and dates (default en_GB)"
    )
    parser.add_argument(
        "--top",
        type=int,
        default=10,
        metavar="N",
        help="deteriorating payers, and worklist entries per currency (default 10)",
    )
    add_format_argument(
        parser,
        help="format of the summary printed after writing the page: table (default), json "
        "or csv (the page itself is HTML; with --out - nothing else is printed)",
    )
    parser.set_defaults(func=run)


def read_risk_classes(path: Path) -> dict[str, str]:
    """The risk classes of ``--risk-classes FILE``: a CSV file with a header line naming
    the columns ``customer_id`` and ``risk_class`` (other columns are ignored, so the CSV
    of ``credkit score --format csv --raw-csv`` will do). A row with an empty class is
    skipped; errors name ``--risk-classes``, and the line.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     file = Path(folder, "classes.csv")
    ...     _ = file.write_text("customer_id,risk_class\\nC1,A\\nC2,\\n", encoding="utf-8")
    ...     read_risk_classes(file)
    {'C1': 'A'}
    """
    from credkit.cli.score import read_rows

    try:
        rows = read_rows(path)
    except ValidationError as error:
        detail = error.message.removeprefix("FILE: ")
        raise ValidationError(f"--risk-classes: {detail}") from None
    classes: dict[str, str] = {}
    for line, row in rows:
        missing = [c for c in ("customer_id", "risk_class") if c not in row]
        if missing:
            raise ValidationError(
                f"--risk-classes: {str(path)!r} has no column {missing[0]}; expected a "
                "header line with customer_id and risk_class"
            )
        customer_id = row["customer_id"].strip()
        risk_class = row["risk_class"].strip()
        if not customer_id:
            raise ValidationError(f"--risk-classes: {path}, line {line}: no customer_id")
        if customer_id in classes:
            raise ValidationError(
                f"--risk-classes: {path}, line {line}: customer {customer_id!r} again"
            )
        if risk_class:
            classes[customer_id] = risk_class
    return classes


def _write(text: str, out: Path) -> None:
    if str(out) == "-":
        print(text, end="")
        return
    try:
        out.write_text(text, encoding="utf-8", newline="")
    except (OSError, ValueError) as error:
        raise ValidationError(f"--out: cannot write {str(out)!r}: {error}") from None


def _summary(report: PortfolioReport, out: Path) -> str:
    return (
        f"wrote the portfolio report as of {report.as_of.isoformat()} "
        f"({len(report.customers)} customers, {len(report.alerts)} alerts, "
        f"{len(report.holds)} held orders) to {out}"
    )


def run(args: argparse.Namespace) -> int:
    """Gather the figures, render the page and write it; return the exit status."""
    from credkit.report import portfolio_report, render_html

    if args.top < 1:
        raise ValidationError(f"--top: must be at least 1, got {args.top}")
    check_locale(args.locale, "--locale")
    as_of: datetime.date = args.as_of
    prefix = source_prefix(args)
    classes = None if args.risk_classes is None else read_risk_classes(args.risk_classes)
    options: dict[str, Any] = {
        "as_of": as_of,
        "top": args.top,
        "risk_classes": classes,
        "risk_classes_from": None if args.risk_classes is None else args.risk_classes.name,
    }
    try:
        if args.ledger is not None:
            report = portfolio_report(directory_store(args.ledger), **options)
        else:
            store = ready_store(args.url, prefix, command="credkit report")
            with closing(store):
                report = portfolio_report(store, **options)
    except ValidationError as error:
        if error.message.startswith("as_of: "):  # a date the figures cannot look back from
            raise ValidationError(f"--as-of: {error.message.removeprefix('as_of: ')}") from None
        raise
    _write(render_html(report, locale=args.locale), args.out)
    if str(args.out) != "-":
        counts = {
            "customers": len(report.customers),
            "alerts": len(report.alerts),
            "held_orders": len(report.holds),
        }
        document = {"as_of": report.as_of, "out": str(args.out), **counts}
        print(
            emit(
                getattr(args, "format", "table"),
                table=lambda: _summary(report, args.out),
                document=lambda: document,
                rows=lambda: (list(document), [list(to_json(document).values())]),
                raw=getattr(args, "raw_csv", False),
            )
        )
    return OK


# -- the demo -------------------------------------------------------------------------


def sample_store(portfolio: SamplePortfolio) -> MemoryStore:
    """The sample portfolio in a store, as a host's would look on the portfolio's last day.

    Customers, documents, limits, open orders (reserved), the dunning history, a score
    snapshot per customer (the example scorecard's risk class) and the orders of
    ``credkit demo``'s credit check, decided by a desk under the default policy (so
    that some are held).

    >>> from credkit import sample
    >>> store = sample_store(sample.generate(seed=1, customers=6))
    >>> with store.unit() as unit:
    ...     len(unit.customer_ids()), unit.snapshot("C001", as_of=datetime.date(2026, 11, 30)) is not None
    (6, True)
    """
    from credkit import sample
    from credkit.cli._demo import demo_orders
    from credkit.cli.check import DEFAULT_POLICY
    from credkit.desk import CreditDesk
    from credkit.policy import load_policy
    from credkit.scoring import example_scorecard
    from credkit.storage import Snapshot

    as_of = portfolio.end
    ledger = portfolio.ledger
    card = example_scorecard()
    inputs = sample.scoring_inputs(portfolio)
    store = portfolio_store(portfolio)
    with store.unit() as unit:
        for customer in ledger.customers:
            score = card.score(inputs[customer.id])
            unit.put_snapshot(
                Snapshot(
                    customer.id,
                    as_of=as_of,
                    score=score.total,
                    risk_class=None if score.risk_class is None else score.risk_class.name,
                    source=f"{card.id} {card.version}",
                )
            )
    end = datetime.datetime.combine(as_of, datetime.time(17, 0), tzinfo=datetime.UTC)
    desk = CreditDesk(store, load_policy(DEFAULT_POLICY, format="toml"), clock=lambda: end)
    for order in demo_orders(portfolio, as_of):
        try:
            desk.check_order(order, as_of=as_of, user="demo")
        except CredkitError:  # a group limit in another currency: the sample has no rates
            continue
    return store


def demo_section(portfolio: SamplePortfolio, out: Path) -> str:
    """Write the sample portfolio's report to ``out``; the line ``credkit demo`` prints.

    >>> import tempfile
    >>> from credkit import sample
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     print(demo_section(sample.generate(seed=1, customers=6), Path(folder, "r.html")))
    ...     Path(folder, "r.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    Portfolio report: ...r.html (open it in a browser)
    True
    """
    from credkit.report import portfolio_report, render_html

    report = portfolio_report(sample_store(portfolio), as_of=portfolio.end)
    _write(render_html(report), out)
    return f"Portfolio report: {out} (open it in a browser)"
