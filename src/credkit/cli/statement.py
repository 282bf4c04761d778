"""``credkit statement``: a customer's statement of account, from a store or a ledger.

The ledger comes from the store of ``--url`` (a database ``credkit db init`` and
``credkit db load`` filled; ``--prefix`` as for ``credkit db``), read for the
customer's credit group as of ``--as-of``, or from ``--ledger DIR``, a directory in
credkit's canonical layout. The statement (:func:`credkit.statement.statement`) covers
``--from`` (default: the first day of the as-of month) to ``--as-of``. ``--format``
is ``table`` (default; ``text`` is the same), ``json``, ``csv`` or ``html``; ``--locale``
formats amounts and dates
(default ``en_GB``); ``--template FILE`` replaces the text or HTML layout by a Jinja2
template, rendered in the letters sandbox. HTML and templates need Jinja2, the
``letters`` extra. ``--out FILE`` writes the statement to a file instead of standard
output. Bad input (an unknown customer, a period that ends before it starts, an
unknown locale) exits with status 2 and a message naming the option.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import importlib.util
import io
from pathlib import Path

from credkit.cli._common import Subcommands, csv_text, iso_date
from credkit.cli._output import OK, add_format_argument, bucket_list, json_text, to_json
from credkit.cli._store import add_source_arguments, closing, ready_store, source_prefix
from credkit.errors import CredkitError, ValidationError
from credkit.io import read_ledger
from credkit.ledger import Ledger
from credkit.statement import Statement, render_csv, render_html, render_text, statement

__all__ = ["add_parser", "read_template", "run", "statement_json", "store_ledger"]


def add_parser(commands: Subcommands) -> None:
    """Register ``credkit statement`` on the sub-command parser ``commands``."""
    parser = commands.add_parser(
        "statement",
        help="a customer's statement of account, from a store or a ledger",
        description="Print a customer's statement of account for a period: opening balance, "
        "the invoices, credit notes, payments and allocations of the period with a running "
        "balance, the closing balance and an aging summary, per currency.",
    )
    parser.add_argument("customer", metavar="CUSTOMER", help="the customer's id")
    add_source_arguments(
        parser,
        ledger_help="read the ledger from a directory in the canonical layout instead of a store",
    )
    parser.add_argument(
        "--as-of", required=True, type=iso_date, metavar="DATE", help="last day, YYYY-MM-DD"
    )
    parser.add_argument(
        "--from",
        dest="period_from",
        type=iso_date,
        metavar="DATE",
        help="first day, YYYY-MM-DD (default: the first day of the as-of month)",
    )
    add_format_argument(
        parser,
        extra=("html", "text"),
        help="output format: table (default; text is the same), json, csv or html",
    )
    parser.add_argument(
        "--locale", default="en_GB", help="locale of amounts and dates (default en_GB)"
    )
    parser.add_argument(
        "--template",
        type=Path,
        metavar="FILE",
        help="Jinja2 template replacing the text or HTML layout (needs the letters extra)",
    )
    parser.add_argument(
        "--out", type=Path, metavar="FILE", help="write to FILE instead of standard output"
    )
    parser.set_defaults(func=run)


def store_ledger(url: str | None, prefix: str, customer_id: str, *, as_of: datetime.date) -> Ledger:
    """The credit group of ``customer_id`` as of ``as_of`` from the store of ``url``.

    An unknown customer raises :class:`~credkit.errors.ValidationError` naming it.
    """
    store = ready_store(url, prefix, command="credkit statement")
    with closing(store):
        with store.unit() as unit:
            if customer_id not in unit.customer_ids():
                raise ValidationError(
                    f"CUSTOMER: unknown customer {customer_id!r} in {store.where}"
                )
        with store.unit(customer_id) as unit:
            return unit.ledger(customer_id, as_of=as_of)


def read_template(path: Path) -> str:
    """The text of a ``--template`` file (a ValidationError naming the option if unreadable)."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ValidationError(f"--template: cannot read {str(path)!r}: {error}") from None


def _need_jinja(what: str) -> None:
    if importlib.util.find_spec("jinja2") is None:
        raise CredkitError(
            f"credkit statement {what} needs Jinja2, an optional dependency; install the "
            "'letters' extra: pip install 'credkit-b2b[letters]'"
        )


def statement_json(account: Statement) -> str:
    """The statement as JSON: its fields as they are, each section's aging as bucket list.

    >>> from credkit.ledger import Customer
    >>> ledger = Ledger(customers=[Customer("C1", "Acme", country="DE", currency="EUR")])
    >>> import json
    >>> document = json.loads(statement_json(statement(ledger, "C1", as_of=datetime.date(2026, 3, 31))))
    >>> document["customer"]["name"], document["sections"]
    ('Acme', [])
    """
    document = to_json(account)
    del document["buckets"]  # each section's aging names its buckets
    for section, shown in zip(account.sections, document["sections"], strict=True):
        aging = section.aging
        if aging is None:  # nothing open in the currency
            continue
        shown["aging"] = {
            "buckets": bucket_list(account.buckets, aging.amounts),
            "unapplied": to_json(aging.unapplied),
            "disputed": to_json(aging.disputed),
            "total": to_json(aging.total),
            "count": aging.count,
            "oldest_days": aging.oldest_days,
        }
    return json_text(document)


def run(args: argparse.Namespace) -> int:
    """Build the statement and print or write it; return the exit status."""
    as_of: datetime.date = args.as_of
    prefix = source_prefix(args)
    if args.ledger is not None:
        ledger = read_ledger(args.ledger)
        if args.customer not in {c.id for c in ledger.customers}:
            raise ValidationError(
                f"CUSTOMER: unknown customer {args.customer!r} in {str(args.ledger)!r}"
            )
    else:
        ledger = store_ledger(args.url, prefix, args.customer, as_of=as_of)
    if args.period_from is not None and args.period_from > as_of:
        raise ValidationError(
            f"--from: {args.period_from.isoformat()} is after --as-of {as_of.isoformat()}"
        )
    template = None
    if args.template is not None:
        if args.format in ("csv", "json"):
            raise ValidationError(
                f"--template: {args.format} has a fixed layout; use it with table or html"
            )
        _need_jinja("--template")
        template = read_template(args.template)
    if args.format == "html":
        _need_jinja("--format html")
    account = statement(ledger, args.customer, as_of=as_of, period_from=args.period_from)
    try:
        if args.format == "csv":  # the cells made safe for spreadsheets, unless --raw-csv
            header, *rows = csv.reader(io.StringIO(render_csv(account)))
            text = csv_text(header, rows, raw=args.raw_csv) + "\r\n"
        elif args.format == "json":
            text = statement_json(account) + "\n"
        elif args.format == "html":
            text = render_html(account, locale=args.locale, template=template)
        else:
            text = render_text(account, locale=args.locale, template=template) + "\n"
    except ValidationError as error:
        if error.message.startswith("locale: "):
            raise ValidationError(f"--locale: {error.message.removeprefix('locale: ')}") from None
        raise
    if args.out is None:
        print(text, end="")
    else:
        try:
            args.out.write_text(text, encoding="utf-8", newline="")
        except OSError as error:
            raise ValidationError(f"--out: cannot write {str(args.out)!r}: {error}") from None
    return OK
