"""The layering of DESIGN.md, pinned: every import between credkit's packages points down.

DESIGN.md: ``money``/``terms`` <- ``ledger`` <- ``aging``/``kpi`` <- ``scoring``/``limits``
<- ``policy`` <- ``dunning``; the shell (``io``, ``storage``, ``bureau``, ``desk``,
``engines``, ``cli``) depends on the core, never the reverse, and ``desk`` is where the
core meets a store and a bureau. Each package has a layer below; a module may import
packages of lower layers, and of its own layer only where ``SIDEWAYS`` says so. Every
import counts: at module level, inside functions and under ``TYPE_CHECKING`` alike.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import credkit

SOURCE = Path(credkit.__file__).parent

LAYERS: dict[str, int] = {
    # foundation: no domain knowledge
    "_version": 0,
    "_compat": 0,
    "_notebook": 0,  # records, their text form and HTML tables for notebooks
    "errors": 0,
    "money": 1,
    "_figures": 2,
    "_validate": 2,
    "fx": 3,
    "config": 3,
    "terms": 3,
    # the core, in DESIGN.md's order
    "ledger": 4,
    "aging": 5,
    "kpi": 5,
    "scoring": 6,
    "limits": 6,
    "policy": 7,
    "dunning": 8,
    "statement": 9,  # statements of account: aging, and the letters' template sandbox
    "forecast": 9,  # cash-in forecast: payment history, promises and plans
    # the shell
    "io": 9,
    "sample": 9,
    "storage": 10,
    "engines": 10,
    "bureau": 11,  # a bureau's cache lives in a store
    "desk": 12,  # the core meets a store and a bureau here, and only here
    "testing": 13,  # strategies and conformance kits for everything below
    "report": 13,  # the portfolio report: reads a store through the desk's detectors
    "cli": 14,
    "__init__": 15,  # the package face re-exports the everyday names
}

SIDEWAYS = {("limits", "scoring")}  # a bureau- or score-based limit reads a score result


def _package(path: Path) -> str:
    parts = path.relative_to(SOURCE).with_suffix("").parts
    return parts[0]


def _imported_packages(path: Path) -> set[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[tuple[str, int]] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "credkit" and len(parts) > 1:
                    found.add((parts[1], node.lineno))
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            parts = node.module.split(".")
            if parts[0] != "credkit":
                continue
            if len(parts) > 1:
                found.add((parts[1], node.lineno))
            else:  # from credkit import config, money
                found.update((alias.name, node.lineno) for alias in node.names)
    return found


MODULES = sorted(SOURCE.rglob("*.py"))


def test_every_package_has_a_layer() -> None:
    packages = {_package(path) for path in MODULES}
    assert packages <= LAYERS.keys(), packages - LAYERS.keys()
    assert {"money", "ledger", "policy", "dunning", "io", "cli"} <= packages


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SOURCE)))
def test_imports_point_down(path: Path) -> None:
    here = _package(path)
    wrong = [
        f"line {line}: {here} imports {there}"
        for there, line in sorted(_imported_packages(path))
        if there != here
        and there in LAYERS
        and not (LAYERS[there] < LAYERS[here] or (here, there) in SIDEWAYS)
    ]
    assert wrong == []


def test_the_check_catches_an_upward_import(tmp_path: Path) -> None:
    module = tmp_path / "credkit" / "money.py"
    module.parent.mkdir()
    module.write_text("from credkit.policy import check\nimport credkit.cli\n")
    assert _imported_packages(module) == {("policy", 1), ("cli", 2)}


def test_no_package_imports_another_in_a_cycle() -> None:
    edges: dict[str, set[str]] = {}
    for path in MODULES:
        here = _package(path)
        edges.setdefault(here, set()).update(
            there for there, _ in _imported_packages(path) if there != here and there in LAYERS
        )
    for start in edges:
        seen: set[str] = set()
        todo = list(edges[start])
        while todo:
            package = todo.pop()
            assert package != start, f"{start} reaches itself"
            if package not in seen:
                seen.add(package)
                todo.extend(edges.get(package, ()))
