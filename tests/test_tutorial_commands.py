"""Every ``credkit`` command shown in the tutorial runs, and prints what the page shows.

The Python in the tutorial runs as doctests (``--doctest-glob=*.md``). Commands are
shown in ``console`` blocks: a line ``$ credkit ...`` followed by its output. Each one
is run here in-process through :func:`credkit.cli.main`, the commands of a page in
order in one fresh working directory (a later command may read what an earlier one
wrote); its standard output is compared with the page the way doctest compares
output (``...`` stands for any text, runs of white space are equal), and its exit
status must be 0.
"""

from __future__ import annotations

import doctest
import re
import shlex
from pathlib import Path

import pytest

from credkit.cli import main

_TUTORIAL = Path(__file__).resolve().parents[1] / "docs" / "tutorial"
_CONSOLE = re.compile(r"^```console\n(?P<body>.*?)^```$", re.MULTILINE | re.DOTALL)
_CHECKER = doctest.OutputChecker()
_FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def _commands(text: str) -> list[tuple[str, str]]:
    """``(command, expected output)`` for each ``$`` line of the text's console blocks."""
    found: list[tuple[str, str]] = []
    for block in _CONSOLE.finditer(text):
        for chunk in re.split(r"^\$ ", block["body"], flags=re.MULTILINE)[1:]:
            command, _, output = chunk.partition("\n")
            found.append((command.strip(), output))
    return found


_PAGES = [
    pytest.param(page, id=page.stem)
    for page in sorted(_TUTORIAL.glob("*.md"))
    if _commands(page.read_text(encoding="utf-8"))
]


def test_the_parser_reads_commands_and_their_output() -> None:
    text = "Text\n\n```console\n$ credkit a --b\nline 1\n...\n$ credkit c\n```\n\n```\n$ no\n```\n"
    assert _commands(text) == [("credkit a --b", "line 1\n...\n"), ("credkit c", "")]


def test_the_tutorial_shows_commands() -> None:
    pages = {param.values[0].stem for param in _PAGES}
    assert "limits" in pages


@pytest.mark.parametrize("page", _PAGES)
def test_each_command_prints_what_the_page_shows(
    page: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    for command, expected in _commands(page.read_text(encoding="utf-8")):
        argv = shlex.split(command)
        assert argv[0] == "credkit", f"not a credkit command: {command}"
        status = main(argv[1:])
        printed = capsys.readouterr().out
        assert status == 0, f"$ {command}\nexit status {status}\n{printed}"
        assert _CHECKER.check_output(expected, printed, _FLAGS), (
            f"$ {command}\nthe page shows:\n{expected}\nthe command printed:\n{printed}"
        )
