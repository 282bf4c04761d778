"""The ``credkit`` command.

Each sub-command lives in a module of this package with an ``add_parser``
function; :func:`main` wires them together. Run ``credkit --help`` for the list.

>>> main(["--version"])  # doctest: +ELLIPSIS
credkit ...
0
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Sequence

from credkit._version import __version__
from credkit.cli import (
    age,
    apply,
    audit,
    behaviour,
    bureau,
    check,
    db,
    demo,
    dunning,
    forecast,
    kpi,
    limits,
    monitor,
    sample,
    score,
    statement,
)
from credkit.errors import CredkitError

__all__ = ["main"]

_COMMANDS = (
    demo,
    sample,
    age,
    kpi,
    behaviour,
    score,
    limits,
    check,
    dunning,
    statement,
    forecast,
    db,
    audit,
    bureau,
    monitor,
    apply,
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="credkit",
        description="B2B credit management: sample data, aging, KPIs, scoring and more.",
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    for command in _COMMANDS:
        command.add_parser(commands)
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

    Returns the exit status: 0 on success, 2 for bad input (the message goes to
    standard error, prefixed ``credkit: error:``).

    >>> main(["sample", "--out", "/nonexistent/\\0bad"])
    2
    """
    parser = _parser()
    args = parser.parse_args(_attach_list_values(sys.argv[1:] if argv is None else argv))
    if args.version:
        print(f"credkit {__version__}")
        return 0
    if not hasattr(args, "func"):
        parser.print_help()
        return 2
    try:
        status: int = args.func(args)
    except CredkitError as error:
        print(f"credkit: error: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader went away (``credkit ... | head``): stop quietly, as Unix tools do.
        # Point stdout at devnull so that the interpreter's final flush cannot fail too
        # (the recipe in the Python docs, "Note on SIGPIPE").
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    return status
