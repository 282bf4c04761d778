"""Startup: ``import credkit`` and ``credkit --version`` load no domain package (issue 20).

What is imported is checked in fresh interpreters (``sys.modules`` after the fact);
the time it takes is measured by ``benchmarks/startup.py``, never asserted here.
"""

from __future__ import annotations

import argparse
import ast
import importlib
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import credkit
import credkit.cli

SOURCE = Path(credkit.__file__).parent
_LOADED = (
    "import sys, json; print(json.dumps(sorted(m for m in sys.modules if m.startswith('credkit'))))"
)


def _credkit_modules_after(code: str) -> list[str]:
    """The credkit modules in ``sys.modules`` of a fresh interpreter after ``code`` ran."""
    completed = subprocess.run(
        [sys.executable, "-c", f"{code}\n{_LOADED}"],
        check=True,
        capture_output=True,
        text=True,
    )
    loaded: list[str] = json.loads(completed.stdout.splitlines()[-1])
    return loaded


# -- the package face ---------------------------------------------------------------------


def test_import_credkit_imports_no_subpackage() -> None:
    assert _credkit_modules_after("import credkit") == ["credkit", "credkit._version"]


def test_import_credkit_does_not_import_typing() -> None:
    completed = subprocess.run(
        [sys.executable, "-c", "import sys, credkit; print('typing' in sys.modules)"],
        check=True,
        capture_output=True,
        text=True,
    )
    assert completed.stdout.strip() == "False"


def test_a_name_imports_only_its_own_module_s_needs() -> None:
    loaded = _credkit_modules_after("from credkit import CredkitError")
    assert "credkit.errors" in loaded
    assert not {"credkit.aging", "credkit.desk", "credkit.storage", "credkit.policy"} & set(loaded)


@pytest.mark.parametrize("name", credkit.__all__)
def test_each_name_is_the_object_of_its_module(name: str) -> None:
    module_name = credkit._LAZY.get(name, "credkit._version")
    module = importlib.import_module(module_name)
    assert getattr(credkit, name) is getattr(module, name)


def test_the_lazy_table_is_all_and_matches_the_type_checking_imports() -> None:
    assert sorted(credkit._LAZY) == sorted(set(credkit.__all__) - {"__version__"})
    tree = ast.parse((SOURCE / "__init__.py").read_text(encoding="utf-8"))
    blocks = [
        node
        for node in tree.body
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name)
        if node.test.id == "TYPE_CHECKING"
    ]
    static = {
        alias.name: statement.module
        for block in blocks
        for statement in block.body
        if isinstance(statement, ast.ImportFrom) and statement.module != "typing"
        for alias in statement.names
    }
    assert static == credkit._LAZY


def test_dir_lists_every_public_name() -> None:
    assert set(credkit.__all__) <= set(dir(credkit))
    assert "AgingReport" in _dir_in_a_fresh_interpreter()


def _dir_in_a_fresh_interpreter() -> list[str]:
    completed = subprocess.run(
        [sys.executable, "-c", "import credkit, json; print(json.dumps(dir(credkit)))"],
        check=True,
        capture_output=True,
        text=True,
    )
    names: list[str] = json.loads(completed.stdout)
    return names


def test_subpackages_are_still_attributes() -> None:
    # ``import credkit; credkit.aging.age`` worked while the package imported them all.
    for name in ("aging", "ledger", "money"):
        assert getattr(credkit, name) is importlib.import_module(f"credkit.{name}")
    assert credkit.aging.age is credkit.age


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'no_such_thing'"):
        _ = credkit.no_such_thing  # type: ignore[attr-defined]
    assert not hasattr(credkit, "_private_nothing")


def test_star_import_brings_all() -> None:
    namespace: dict[str, object] = {}
    exec("from credkit import *", namespace)
    assert set(namespace) - {"__builtins__"} == set(credkit.__all__)


# -- the command --------------------------------------------------------------------------


@pytest.mark.parametrize("arguments", [["--version"], ["--help"]])
def test_the_command_imports_only_itself_for_version_and_help(arguments: list[str]) -> None:
    code = f"import sys\nfrom credkit.cli import main\ntry:\n    main({arguments!r})\nexcept SystemExit:\n    pass"
    assert _credkit_modules_after(code) == ["credkit", "credkit._version", "credkit.cli"]


def test_the_console_script_version_imports_no_subpackage() -> None:
    script = Path(sys.executable).with_name("credkit")
    if not script.exists():
        pytest.skip("no credkit console script beside this interpreter")
    completed = subprocess.run(
        [sys.executable, "-X", "importtime", str(script), "--version"],
        check=True,
        capture_output=True,
        text=True,
    )
    assert completed.stdout.startswith("credkit ")
    imported = {
        line.rsplit("|", 1)[-1].strip()
        for line in completed.stderr.splitlines()
        if line.startswith("import time:")
    }
    assert {name for name in imported if name.startswith("credkit")} == {
        "credkit",
        "credkit._version",
        "credkit.cli",
    }


def test_a_command_imports_its_own_module_and_not_the_others() -> None:
    code = "from credkit.cli import main\ntry:\n    main(['age', '--help'])\nexcept SystemExit:\n    pass"
    loaded = set(_credkit_modules_after(code))
    assert "credkit.cli.age" in loaded
    assert not {"credkit.cli.db", "credkit.cli.apply", "credkit.cli.check"} & loaded


def test_the_command_table_lists_every_command_module() -> None:
    modules = {
        info.name
        for info in pkgutil.iter_modules(credkit.cli.__path__)
        if not info.name.startswith("_")
    }
    assert set(credkit.cli._COMMANDS) == modules


def test_the_help_lines_are_the_command_modules_own() -> None:
    lazy, full = credkit.cli._parser(load=()), credkit.cli._parser()
    assert lazy.format_help() == full.format_help()
    (commands,) = [a for a in full._actions if isinstance(a, argparse._SubParsersAction)]
    lines = {choice.dest: choice.help for choice in commands._choices_actions}
    assert lines == credkit.cli._COMMANDS
    assert [parser.prog for parser in commands.choices.values()] == [
        f"credkit {name}" for name in credkit.cli._COMMANDS
    ]


def test_dir_lists_the_public_names_and_subpackages_and_no_helpers() -> None:
    names = set(_dir_in_a_fresh_interpreter())
    public = {
        module.name
        for module in pkgutil.iter_modules(credkit.__path__)
        if not module.name.startswith("_")
    }
    assert public <= names  # credkit.aging, credkit.ledger, ... before they are imported
    assert set(credkit.__all__) <= names
    helpers = {"TYPE_CHECKING", "importlib", "annotations", "_LAZY", "_SOURCES", "_importlib"}
    assert names.isdisjoint(helpers)
    dunders = {n for n in names if n.startswith("__") and n.endswith("__")}
    assert names - dunders == (public | set(credkit.__all__)) - dunders
