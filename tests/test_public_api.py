"""The public surface: ``__all__`` lists, docstrings, star imports and runtime dependencies.

Modules are discovered with :func:`pkgutil.walk_packages`, so modules added later are
covered without touching this file. Private modules (any dotted part starting with
``_``) are skipped.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
import sys
import types
from pathlib import Path

import pytest

import credkit

_WALK_ERRORS: list[str] = []


def _public_module_names() -> list[str]:
    names = ["credkit"]
    for info in pkgutil.walk_packages(credkit.__path__, "credkit.", onerror=_WALK_ERRORS.append):
        if not any(part.startswith("_") for part in info.name.split(".")):
            names.append(info.name)
    return sorted(names)


PUBLIC_MODULES = _public_module_names()
SOURCE_ROOT = Path(credkit.__file__).parent
RUNTIME_DEPENDENCIES = {"attrs", "cattrs", "dateutil", "babel", "credkit"}
TEST_DEPENDENCIES = {"hypothesis", "pytest"}
# Subpackages behind an extra may import that extra's distributions.
EXTRA_DEPENDENCIES = {
    ("storage", "sql"): {"sqlalchemy", "alembic"},  # the ``sql`` extra
    ("bureau", "http.py"): {"httpx"},  # the ``bureau`` extra
}


def _top_level(name: str) -> str:
    return name.split(".", 1)[0]


# -- the package namespace ----------------------------------------------------------------------


def test_discovery_found_the_core_modules() -> None:
    assert _WALK_ERRORS == []
    assert {"credkit", "credkit.errors", "credkit.money", "credkit.config"} <= set(PUBLIC_MODULES)
    assert not any("._" in name for name in PUBLIC_MODULES)


def _isort_style(name: str) -> tuple[int, tuple[tuple[int, int, str], ...]]:
    """The order ruff's RUF022 checks: CONSTANTS, then Classes, then the rest, naturally."""
    if len(name) > 1 and name.isupper():
        category = 0
    elif name[:1].isupper():
        category = 1
    else:
        category = 2
    chunks = tuple(
        (0, int(chunk), "") if chunk.isdigit() else (1, 0, chunk)
        for chunk in re.split(r"(\d+)", name)
        if chunk
    )
    return category, chunks


def test_isort_style_order() -> None:
    names = ["convert", "__version__", "Money", "DEFAULT_ROUNDING", "A", "Rate10", "Rate9"]
    assert sorted(names, key=_isort_style) == [
        "DEFAULT_ROUNDING",
        "A",
        "Money",
        "Rate9",
        "Rate10",
        "__version__",
        "convert",
    ]


def test_the_package_all_is_sorted_and_complete() -> None:
    assert list(credkit.__all__) == sorted(credkit.__all__, key=_isort_style), (
        "credkit.__all__ is not in the order `ruff check` (RUF022) enforces"
    )
    assert len(set(credkit.__all__)) == len(credkit.__all__)
    missing = [name for name in credkit.__all__ if not hasattr(credkit, name)]
    assert missing == []


def test_the_package_exports_the_core_names() -> None:
    expected = {"Money", "CredkitError", "ValidationError", "ConfigError", "__version__"}
    assert expected <= set(credkit.__all__)


def test_the_version_is_a_string() -> None:
    assert isinstance(credkit.__version__, str)
    assert credkit.__version__[0].isdigit()


# -- every public module -----------------------------------------------------------------------


def _attribute_docstrings(module: types.ModuleType) -> set[str]:
    """Names assigned at module level and followed by a string (attribute docstrings)."""
    try:
        tree = ast.parse(inspect.getsource(module))
    except (OSError, TypeError):
        return set()
    documented: set[str] = set()
    for statement, following in zip(tree.body, tree.body[1:], strict=False):
        if not (
            isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
            and isinstance(following.value.value, str)
            and following.value.value.strip()
        ):
            continue
        if isinstance(statement, ast.Assign):
            targets = statement.targets
        elif isinstance(statement, ast.AnnAssign):
            targets = [statement.target]
        else:
            continue
        documented.update(t.id for t in targets if isinstance(t, ast.Name))
    return documented


def _imported_from(module: types.ModuleType, name: str) -> tuple[str, str] | None:
    """Where ``name`` was imported from with ``from x import y``, if it was."""
    try:
        tree = ast.parse(inspect.getsource(module))
    except (OSError, TypeError):
        return None
    package = module.__name__ if hasattr(module, "__path__") else module.__package__
    for statement in tree.body:
        if isinstance(statement, ast.ImportFrom):
            source = importlib.util.resolve_name(
                "." * statement.level + (statement.module or ""), package
            )
            for alias in statement.names:
                if (alias.asname or alias.name) == name:
                    return source, alias.name
    return None


def _has_docstring(module: types.ModuleType, name: str, depth: int = 0) -> bool:
    obj = getattr(module, name)
    if inspect.isclass(obj) or inspect.ismodule(obj):
        return bool((vars(obj).get("__doc__") or "").strip())
    if inspect.isroutine(obj) or hasattr(obj, "__wrapped__"):
        return bool((getattr(obj, "__doc__", None) or "").strip())
    # Data (constants, type aliases, converters): an attribute docstring in the source,
    # here or in the module the name was imported from.
    if name in _attribute_docstrings(module):
        return True
    origin = _imported_from(module, name)
    if origin is not None and depth < 5:
        source_module = importlib.import_module(origin[0])
        return _has_docstring(source_module, origin[1], depth + 1)
    return False


@pytest.mark.parametrize("module_name", PUBLIC_MODULES)
def test_each_public_module_has_a_docstring_and_an_all(module_name: str) -> None:
    module = importlib.import_module(module_name)
    assert (module.__doc__ or "").strip(), f"{module_name} has no docstring"
    assert hasattr(module, "__all__"), f"{module_name} has no __all__"
    names = list(module.__all__)
    assert all(isinstance(name, str) for name in names)
    assert len(set(names)) == len(names), f"{module_name}.__all__ has duplicates"


@pytest.mark.parametrize("module_name", PUBLIC_MODULES)
def test_all_names_exist_and_are_documented(module_name: str) -> None:
    module = importlib.import_module(module_name)
    missing = [name for name in module.__all__ if not hasattr(module, name)]
    assert missing == [], f"{module_name}.__all__ names what it does not define"
    undocumented = [
        name
        for name in module.__all__
        if not (name.startswith("__") and name.endswith("__")) and not _has_docstring(module, name)
    ]
    assert undocumented == [], f"{module_name}: no docstring for {undocumented}"


@pytest.mark.parametrize("module_name", PUBLIC_MODULES)
def test_star_import_brings_exactly_all(module_name: str) -> None:
    module = importlib.import_module(module_name)
    namespace: dict[str, object] = {}
    exec(f"from {module_name} import *", namespace)
    namespace.pop("__builtins__", None)
    assert set(namespace) == set(module.__all__)


@pytest.mark.parametrize("module_name", PUBLIC_MODULES)
def test_exported_classes_and_functions_are_credkit_s_own(module_name: str) -> None:
    # Catches re-exporting someone else's name (py-moneyed's `import *` leaks Decimal).
    module = importlib.import_module(module_name)
    foreign = []
    for name in module.__all__:
        obj = getattr(module, name)
        if inspect.ismodule(obj):
            origin = obj.__name__
        elif inspect.isclass(obj) or inspect.isroutine(obj):
            origin = getattr(obj, "__module__", None) or ""
        else:
            continue
        if _top_level(origin) != "credkit":
            foreign.append(f"{name} (from {origin})")
    assert foreign == [], f"{module_name} exports names that are not credkit's: {foreign}"


# -- dependencies ------------------------------------------------------------------------------------


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
    return found


SOURCE_FILES = sorted(SOURCE_ROOT.rglob("*.py"))


@pytest.mark.parametrize(
    "path", SOURCE_FILES, ids=[str(p.relative_to(SOURCE_ROOT)) for p in SOURCE_FILES]
)
def test_only_allowed_dependencies_are_imported(path: Path) -> None:
    parts = path.relative_to(SOURCE_ROOT).parts
    in_testing = parts[0] == "testing"
    allowed = RUNTIME_DEPENDENCIES | (TEST_DEPENDENCIES if in_testing else set())
    for where, extra in EXTRA_DEPENDENCIES.items():
        if parts[: len(where)] == where:
            allowed |= extra
    imported = _imports(path)
    outside = sorted(
        name
        for name in imported
        if _top_level(name) not in allowed and _top_level(name) not in sys.stdlib_module_names
    )
    assert outside == [], f"{path.name} imports {outside}; runtime deps are attrs, cattrs, ..."
    if not in_testing:
        uses_testing = sorted(n for n in imported if n.startswith("credkit.testing"))
        assert uses_testing == [], "only tests and credkit.testing itself may import it"


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_default_values_print_short_in_help(name: str) -> None:
    """help() of a public callable fits a screen: no default value prints longer than a line."""
    module = importlib.import_module(name)
    long = []
    for attribute in getattr(module, "__all__", ()):
        value = getattr(module, attribute)
        callables = [value]
        if inspect.isclass(value):
            callables += [m for n, m in inspect.getmembers(value) if not n.startswith("_")]
        for function in callables:
            if not callable(function):
                continue
            try:
                signature = inspect.signature(function)
            except (TypeError, ValueError):
                continue
            long += [
                f"{attribute}: {parameter.name}={repr(parameter.default)[:60]}..."
                for parameter in signature.parameters.values()
                if parameter.default is not parameter.empty and len(repr(parameter.default)) > 80
            ]
    assert long == []
