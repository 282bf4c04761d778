"""The ``credkit`` command.

Each sub-command lives in a module of this package with an ``add_parser``
function; :func:`main` wires them together. Run ``credkit --help`` for the list.

Only the module of the sub-command that runs is imported: ``credkit --version``,
``credkit --help`` and ``credkit COMMAND --help`` for one command load no domain
package but that command's. The list of commands and their one-line help are in
``_COMMANDS`` here, so the top-level help needs no command module (a test checks the
lines match the modules').

>>> main(["--version"])  # doctest: +ELLIPSIS
credkit ...
0
"""

from __future__ import annotations

import argparse
import importlib
import os
import re
import sys
from collections.abc import Collection, Sequence

from credkit._version import __version__

TYPE_CHECKING = False  # not from typing: ``credkit --version`` need not import it
if TYPE_CHECKING:
    from typing import NoReturn

    from credkit.cli._common import Subcommands

__all__ = ["main"]

_COMMANDS: dict[str, str] = {
    # name (the module credkit.cli.NAME): the line of ``credkit --help``
    "demo": "summarise the seeded sample portfolio",
    "sample": "write a seeded synthetic portfolio as CSV files",
    "age": "aged receivables as of a date from CSV files",
    "kpi": "receivables KPIs of a period (DSO, CEI, turnover, ...) from CSV files",
    "behaviour": "payment behaviour per customer from a payment-history CSV file",
    "score": "score customers from a CSV file with a scorecard",
    "limits": "recommend credit limits for the sample portfolio",
    "check": "credit-check sales orders from a CSV file, against a store or a ledger",
    "dunning": "propose today's dunning reminders and show the collection worklist",
    "statement": "a customer's statement of account, from a store or a ledger",
    "forecast": "cash-in forecast per week and month, from a store or a ledger",
    "report": "the portfolio report as one HTML file, from a store or a ledger",
    "db": "create, upgrade, inspect and load a credkit database",
    "audit": "verify and read the audit log of a credkit store",
    "bureau": "fetch a credit bureau report",
    "monitor": "run the monitor over a credkit store; show the alerts",
    "apply": "run a credit application: bureau, score, limit, routed request",
}


def _add_command(commands: Subcommands, name: str) -> None:
    """Register the sub-command ``name`` on ``commands`` with its module's ``add_parser``."""
    module = importlib.import_module(f"{__name__}.{name}")
    module.add_parser(commands)


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors start ``credkit: error:`` as every other error does.

    Status 2 (bad input), after the usage line; the message names the command.
    """

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        command = self.prog.removeprefix("credkit").strip()
        where = f"{command}: " if command else ""
        self.exit(2, f"credkit: error: {where}{message}\n")


def _parser(load: Collection[str] = _COMMANDS) -> argparse.ArgumentParser:
    """The ``credkit`` parser; the commands in ``load`` complete (their modules imported).

    Every other command is a placeholder with the same name and help line, which takes
    any arguments and only records its name as ``_command``: enough for ``--help``,
    ``--version`` and to find which command's module to import.
    """
    parser = _Parser(
        prog="credkit",
        description="B2B credit management: sample data, aging, KPIs, scoring and more.",
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    commands: Subcommands = parser.add_subparsers(  # type: ignore[assignment]
        title="commands", metavar="COMMAND"
    )
    for name, help_line in _COMMANDS.items():
        if name in load:
            _add_command(commands, name)
        else:
            placeholder = commands.add_parser(name, help=help_line, add_help=False)
            placeholder.set_defaults(_command=name)
    return parser


_LIST_OPTIONS = ("--buckets",)
_NEGATIVE_LOOKING = re.compile(r"-[0-9]")


def _attach_list_values(argv: Sequence[str]) -> list[str]:
    """``--buckets -30,60`` as ``--buckets=-30,60``: argparse would take ``-30,60`` for an
    option and report a missing value, rather than the bad edge it is.

    >>> _attach_list_values(["age", "x", "--buckets", "-30,60"])
    ['age', 'x', '--buckets=-30,60']
    """
    result: list[str] = []
    index = 0
    while index < len(argv):
        part = argv[index]
        following = argv[index + 1] if index + 1 < len(argv) else None
        if part in _LIST_OPTIONS and following is not None and _NEGATIVE_LOOKING.match(following):
            result.append(f"{part}={following}")
            index += 2
            continue
        result.append(part)
        index += 1
    return result


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``credkit`` command with ``argv`` (default: the process arguments).

    Returns the exit status, the same for every command: 0 on success, 1 for findings
    (holds, rejections, alerts, a failed verification), 2 for bad input (the message
    goes to standard error, prefixed ``credkit: error:``, in the words of the options).

    >>> main(["sample", "--out", "/nonexistent/\\0bad"])
    2
    """
    arguments = _attach_list_values(sys.argv[1:] if argv is None else argv)
    # First with placeholders, to learn the command (``--help`` and errors in the
    # top-level arguments end here); then with that command's own parser.
    parser = _parser(load=())
    known, _ = parser.parse_known_args(arguments)
    command = getattr(known, "_command", None)
    if command is not None:
        parser = _parser(load=(command,))
    args = parser.parse_args(arguments)
    if args.version:
        print(f"credkit {__version__}")
        return 0
    if not hasattr(args, "func"):
        parser.print_help()
        return 2
    from credkit.cli._common import stdin_input
    from credkit.cli._output import BAD_INPUT, for_user
    from credkit.errors import CredkitError  # imported by every command's module anyway

    spooled = None
    try:
        with stdin_input(args) as spooled:
            status: int = args.func(args)
    except CredkitError as error:
        message = for_user(str(error), command=command)
        if spooled is not None:  # name standard input as the user gave it
            message = message.replace(repr(str(spooled)), "'-'").replace(str(spooled), "-")
        print(f"credkit: error: {message}", file=sys.stderr)
        return BAD_INPUT
    except BrokenPipeError:
        # The reader went away (``credkit ... | head``): stop quietly, as Unix tools do.
        # Point stdout at devnull so that the interpreter's final flush cannot fail too
        # (the recipe in the Python docs, "Note on SIGPIPE").
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    return status
