"""What the ``credkit`` sub-commands share: arguments, reading inputs, plain-text tables.

Private to :mod:`credkit.cli`. The argument types raise
:class:`argparse.ArgumentTypeError`, so that argparse names the option and exits
with status 2; input errors are :class:`~credkit.errors.ValidationError`, which
:func:`credkit.cli.main` prints. The formatting helpers write numbers the way every
table of the command does: grouped with commas, a point for decimals, no currency
symbol (the currency is in a column or the title).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime
import io
import os
import re
import sys
import tempfile
from collections.abc import Collection, Iterable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TypeAlias

import attrs

from credkit import config
from credkit._figures import grouped
from credkit._validate import iso_day
from credkit.errors import ValidationError
from credkit.fx import RateTable
from credkit.io import ColumnMapping, read_ledger, read_rates
from credkit.ledger import Ledger
from credkit.money import Money, minor_units

__all__ = [
    "Subcommands",
    "add_currency_arguments",
    "add_raw_csv_argument",
    "csv_text",
    "currency_rates",
    "grid",
    "iso_date",
    "keep_parent_options",
    "ledger_or_mapping",
    "load_rates",
    "non_negative_int",
    "plain_amount",
    "plain_number",
    "printable",
    "safe_cell",
    "shown_path",
    "stdin_input",
]

Subcommands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
"""The type of ``parser.add_subparsers()``, which each command's ``add_parser`` receives."""


# -- arguments ------------------------------------------------------------------------


def keep_parent_options(action: argparse.ArgumentParser, parent: argparse.ArgumentParser) -> None:
    """Let options ``action`` shares with ``parent`` be typed before or after the action.

    argparse lets an action's defaults overwrite what was typed before the action word
    (``credkit monitor --url U ack KEY`` would lose ``--url``); an action's option that
    its command also has therefore gets no default of its own.

    >>> parent = argparse.ArgumentParser()
    >>> _ = parent.add_argument("--format", default="table")
    >>> action = parent.add_subparsers(dest="action").add_parser("ack")
    >>> _ = action.add_argument("--format", default="table")
    >>> keep_parent_options(action, parent)
    >>> parent.parse_args(["--format", "json", "ack"]).format
    'json'
    >>> parent.parse_args(["ack", "--format", "csv"]).format
    'csv'
    >>> parent.parse_args(["ack"]).format
    'table'
    """
    shared = {option.dest for option in parent._actions if option.option_strings}
    for option in action._actions:
        if option.option_strings and option.dest in shared and option.dest != "help":
            option.default = argparse.SUPPRESS


def iso_date(text: str) -> datetime.date:
    """An argparse ``type`` for a date written ``YYYY-MM-DD``.

    >>> iso_date("2026-03-31")
    datetime.date(2026, 3, 31)
    >>> iso_date("31.03.2026")
    Traceback (most recent call last):
    argparse.ArgumentTypeError: '31.03.2026' is not a date; expected YYYY-MM-DD such as 2026-03-31
    """
    try:
        return iso_day(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date; expected YYYY-MM-DD such as 2026-03-31"
        ) from None


def non_negative_int(text: str) -> int:
    """An argparse ``type`` for a count: a whole number of 0 or more.

    >>> non_negative_int("3")
    3
    >>> non_negative_int("-1")
    Traceback (most recent call last):
    argparse.ArgumentTypeError: '-1' is not a whole number of 0 or more
    """
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of 0 or more")
    return value


def add_currency_arguments(
    parser: argparse.ArgumentParser,
    *,
    currency_help: str = "convert everything into this currency (needs --rates)",
) -> None:
    """Add ``--currency CODE`` and ``--rates RATES.csv``; read them with :func:`currency_rates`.

    >>> parser = argparse.ArgumentParser()
    >>> add_currency_arguments(parser)
    >>> args = parser.parse_args(["--currency", "EUR", "--rates", "rates.csv"])
    >>> args.currency, args.rates.name
    ('EUR', 'rates.csv')
    """
    parser.add_argument("--currency", metavar="CODE", help=currency_help)
    parser.add_argument(
        "--rates",
        type=Path,
        metavar="RATES.csv",
        help="exchange rates: valid_from,base,quote,rate per line",
    )


# -- input ----------------------------------------------------------------------------


def currency_rates(
    currency: str | None,
    rates: str | os.PathLike[str] | None,
    *,
    why: str = "converting needs both the reporting currency and a rates file",
) -> RateTable | None:
    """The rates file of ``--rates`` (see :func:`load_rates`), which ``--currency`` needs.

    The two options go together: one without the other raises a
    :class:`~credkit.errors.ValidationError` that says ``why``.

    >>> currency_rates(None, None) is None
    True
    >>> currency_rates("EUR", None)
    Traceback (most recent call last):
    credkit.errors.ValidationError: --currency and --rates go together: converting needs both the reporting currency and a rates file
    """
    if (currency is None) != (rates is None):
        raise ValidationError(f"--currency and --rates go together: {why}")
    return None if rates is None else load_rates(rates)


def ledger_or_mapping(
    path: Path, mapping: Path | None, *, default: ColumnMapping, name: str = "PATH"
) -> Ledger | ColumnMapping:
    """What the commands' ``PATH`` argument holds: a ledger directory or one CSV export.

    For a directory in the canonical layout, its ledger (see
    :func:`credkit.io.read_ledger`); ``--mapping`` is refused there. For a file, the
    :class:`~credkit.io.ColumnMapping` to read it with: the document ``mapping``
    (TOML or JSON) or ``default``. ``name`` is how errors call the argument.

    >>> ledger_or_mapping(Path("/nonexistent"), None, default=ColumnMapping())
    Traceback (most recent call last):
    credkit.errors.ValidationError: PATH: '/nonexistent' is neither a directory nor a file
    """
    if path.is_dir():
        if mapping is not None:
            raise ValidationError(
                f"--mapping: applies to a single CSV export, but {str(path)!r} is a directory "
                "in the canonical layout"
            )
        return read_ledger(path)
    if path.is_file():
        return default if mapping is None else config.load(ColumnMapping, mapping)
    raise ValidationError(f"{name}: {str(path)!r} is neither a directory nor a file")


def load_rates(path: str | os.PathLike[str]) -> RateTable:
    """The exchange rates of a CSV file (see :func:`credkit.io.read_rates`), ready for cross rates.

    When every rate is quoted against one base currency (as the ECB publishes
    them), that currency becomes the table's pivot, so that rates between two
    other currencies are derived through it.

    >>> import pathlib, tempfile
    >>> with tempfile.TemporaryDirectory() as directory:
    ...     path = pathlib.Path(directory, "rates.csv")
    ...     _ = path.write_text(
    ...         "valid_from,base,quote,rate\\n2026-01-02,EUR,USD,1.04\\n2026-01-02,EUR,GBP,0.83\\n"
    ...     )
    ...     load_rates(path).pivot
    'EUR'
    """
    table = read_rates(path)
    bases = {rate.base for rate in table.rates}
    if len(bases) == 1:
        table = attrs.evolve(table, pivot=bases.pop())
    return table


STDIN_OPTIONS = {
    # the argparse dest of each file a command reads -> how messages name it
    "path": "PATH",
    "orders": "ORDERS.csv",
    "rates": "--rates",
    "limits": "--limits",
    "risk_classes": "--risk-classes",
    "application": "APPLICATION",
}
"""The inputs that may be ``-``, standard input (the arguments that name a file to read)."""


@contextlib.contextmanager
def stdin_input(args: argparse.Namespace) -> Iterator[Path | None]:
    """Standard input as the file of the argument given as ``-``, for as long as a command runs.

    The input is spooled to a file in a temporary directory (credkit's readers take
    paths: they sniff encodings and name lines in their messages), and the argument
    points at it; the directory goes when the command ends. Yields that file, or
    ``None`` when no argument is ``-``. Only one argument can be ``-``.

    >>> args = argparse.Namespace(path=Path("orders.csv"), rates=None)
    >>> with stdin_input(args) as spooled:
    ...     spooled is None
    True
    >>> args = argparse.Namespace(path=Path("-"), rates=Path("-"))
    >>> with stdin_input(args):
    ...     pass
    Traceback (most recent call last):
    credkit.errors.ValidationError: --rates: only one input can be '-' (standard input); PATH is already
    """
    named = [name for name in STDIN_OPTIONS if str(getattr(args, name, None)) == "-"]
    if not named:
        yield None
        return
    if len(named) > 1:
        raise ValidationError(
            f"{STDIN_OPTIONS[named[1]]}: only one input can be '-' (standard input); "
            f"{STDIN_OPTIONS[named[0]]} is already"
        )
    data = sys.stdin.buffer.read()
    name = named[0]
    suffix = ".csv"
    if name == "application":  # TOML or JSON, told apart by the file name
        suffix = ".json" if data.lstrip().startswith(b"{") else ".toml"
    with tempfile.TemporaryDirectory(prefix="credkit-stdin-") as folder:
        spooled = Path(folder, f"stdin{suffix}")
        spooled.write_bytes(data)
        setattr(args, name, spooled)
        yield spooled


def shown_path(path: Path) -> str:
    """How messages name the file ``path``: ``-`` for standard input spooled by :func:`stdin_input`.

    >>> shown_path(Path("orders.csv")), shown_path(Path("/tmp/credkit-stdin-x1/stdin.csv"))
    ('orders.csv', '-')
    """
    if path.parent.name.startswith("credkit-stdin-") and path.stem == "stdin":
        return "-"
    return str(path)


# -- output ---------------------------------------------------------------------------


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"-?[0-9][0-9,]*(\.[0-9]+)?")


def safe_cell(value: object) -> str:
    r"""A cell a spreadsheet shows as text, never runs as a formula (OWASP CSV injection).

    Cells that start with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return get a
    leading apostrophe, except plain numbers (``-12.50`` stays a number).

    >>> safe_cell("=HYPERLINK(\"http://x\")"), safe_cell("-12.50"), safe_cell("ACME")
    ('\'=HYPERLINK("http://x")', '-12.50', 'ACME')
    """
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]], *, raw: bool = False) -> str:
    r"""Rows as CSV for people: ``\r\n`` line ends, quoting, cells made safe.

    Every field with a delimiter, quote, ``\r`` or ``\n`` is quoted (so that Python's
    csv module and spreadsheets read it back), and each cell goes through
    :func:`safe_cell` unless ``raw`` is true (for programs that read the values back).

    >>> csv_text(["id", "note"], [["C1", "=1+1"], ["C\r2", "-5"]])
    'id,note\r\nC1,\'=1+1\r\n"C\r2",-5'
    >>> csv_text(["id"], [["=1+1"]], raw=True)
    'id\r\n=1+1'
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(
            ["" if cell is None else str(cell) for cell in row]
            if raw
            else [safe_cell(cell) for cell in row]
        )
    return buffer.getvalue().removesuffix("\r\n")


def add_raw_csv_argument(parser: argparse.ArgumentParser) -> None:
    """``--raw-csv``: write CSV cells exactly, for programs (see :func:`csv_text`)."""
    parser.add_argument(
        "--raw-csv",
        action="store_true",
        help="with --format csv, write every cell exactly as it is, for programs that read "
        "the file back (by default a cell a spreadsheet would run as a formula, such as "
        "'=...', gets a leading apostrophe)",
    )


def plain_number(value: Decimal, places: int) -> str:
    """``value`` rounded to ``places`` decimals, with thousands separators (en_US).

    >>> plain_number(Decimal("12345.678"), 1), plain_number(Decimal("-1234"), 0)
    ('12,345.7', '-1,234')
    """
    return grouped(value, max(places, 0))


def plain_amount(money: Money) -> str:
    """The amount of ``money`` rounded to its currency's minor units, without the currency.

    >>> plain_amount(Money.of("1234567.891", "EUR")), plain_amount(Money.of("1234567.5", "JPY"))
    ('1,234,567.89', '1,234,568')
    """
    return plain_number(money.round().amount, minor_units(money.currency))


def printable(text: str) -> str:
    r"""``text`` with control characters written as escapes, safe to print to a terminal.

    An id from a file may hold an escape sequence that would recolour, move or clear
    the terminal; it is shown, not obeyed.

    >>> printable("C1\x1b[2J"), printable("Müller\tGmbH")
    ('C1\\x1b[2J', 'Müller\\tGmbH')
    """
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def grid(
    header: Sequence[str], rows: Sequence[Sequence[str]], *, left: Collection[str]
) -> list[str]:
    """A plain-text table: the header, a rule of dashes, then one line per row.

    Cells go through :func:`printable`, so control characters in ids from a file show
    as escapes rather than acting on the terminal.

    Each column is as wide as its widest cell; columns are separated by two spaces
    and lines have no trailing spaces. The columns whose headers are named in
    ``left`` are aligned left, the others (numbers) right.

    >>> print("\\n".join(grid(["Customer", "Total"], [["C1", "1,200.00"], ["C22", "5.00"]],
    ...                       left={"Customer"})))
    Customer     Total
    --------  --------
    C1        1,200.00
    C22           5.00
    """
    unknown = sorted(set(left) - set(header))
    if unknown:
        raise ValidationError(
            f"left: {unknown[0]!r} is not a column; expected one of {', '.join(map(repr, header))}"
        )
    rows = [[printable(cell) for cell in cells] for cells in rows]
    widths = [max(len(cells[i]) for cells in [header, *rows]) for i in range(len(header))]
    lefts = [name in left for name in header]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            cell.ljust(width) if is_left else cell.rjust(width)
            for cell, width, is_left in zip(cells, widths, lefts, strict=True)
        ).rstrip()

    return [line(header), "  ".join("-" * width for width in widths), *map(line, rows)]
