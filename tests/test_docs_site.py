"""The built docs site: no raw Sphinx roles, and copy buttons that copy runnable code.

The site is built once per session with ``mkdocs build --strict`` (about 10 s), or
taken from ``CREDKIT_DOCS_SITE`` when that names a site built already (the CI
builds it in a step of its own). Without the docs extra the tests are skipped.
"""

from __future__ import annotations

import html
import importlib.util
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

_ROOT = Path(__file__).resolve().parents[1]
_DOCS_PACKAGES = ("mkdocs", "material", "mkdocstrings", "mkdocstrings_handlers.python")
_RAW_ROLE = re.compile(r":(?:func|class|meth|attr|mod|data|exc|obj):`")
_PYCON_BLOCK = re.compile(r'<div class="language-pycon highlight"(?P<attrs>[^>]*)>')


def _missing_docs_packages() -> list[str]:
    missing = []
    for name in _DOCS_PACKAGES:
        try:
            found = importlib.util.find_spec(name) is not None
        except ModuleNotFoundError:
            found = False
        if not found:
            missing.append(name)
    return missing


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if built := os.environ.get("CREDKIT_DOCS_SITE"):
        return Path(built)
    if missing := _missing_docs_packages():
        pytest.skip(f"the docs extra is not installed (missing {', '.join(missing)})")
    site_dir = tmp_path_factory.mktemp("site")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir)],
        cwd=_ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    return site_dir


class _ProseText(HTMLParser):
    """The text of a page outside code, preformatted blocks, scripts and styles.

    Each code element outside those leaves a backtick in its place: Markdown turns
    the backticks of an unconverted role (``:func:`age` ``) into ``:func:<code>age</code>``.
    """

    _SKIPPED = frozenset({"code", "pre", "script", "style"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "code" and not self.depth:
            self.parts.append("`")
        if tag in self._SKIPPED:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIPPED and self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if not self.depth:
            self.parts.append(data)


def _raw_roles(page: str) -> list[str]:
    parser = _ProseText()
    parser.feed(page)
    text = "".join(parser.parts)
    return [text[max(0, m.start() - 60) : m.end() + 60] for m in _RAW_ROLE.finditer(text)]


def test_the_role_scanner_sees_prose_and_skips_code() -> None:
    assert len(_raw_roles("<p>See :func:`age` or :meth:<code>Money.round</code>.</p>")) == 2
    assert not _raw_roles("<p><code>:class:`Money`</code></p><pre><code>:meth:`x`</code></pre>")
    assert not _raw_roles('<p>See <a href="#m"><code>Money.round()</code></a>.</p>')


def test_no_raw_sphinx_role_reaches_the_built_pages(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 50, "the site looks incomplete"
    found = {
        str(page.relative_to(site)): hits
        for page in pages
        if (hits := _raw_roles(page.read_text(encoding="utf-8")))
    }
    assert not found, f"raw Sphinx roles in the built HTML: {found}"


def test_roles_in_docstrings_render_as_links(site: Path) -> None:
    page = (site / "reference" / "policy" / "index.html").read_text(encoding="utf-8")
    assert page.count('class="autorefs autorefs-internal credkit-role"') > 10


def test_pycon_copy_buttons_copy_the_code_alone(site: Path) -> None:
    page = (site / "reference" / "money" / "index.html").read_text(encoding="utf-8")
    blocks = list(_PYCON_BLOCK.finditer(page))
    assert blocks
    for block in blocks:
        copied = re.search(r'data-copy="([^"]*)"', block.group("attrs"))
        assert copied, block.group(0)
        text = html.unescape(copied.group(1))
        assert text.strip()
        assert not re.search(r"^(>>>|\.\.\.)", text, re.MULTILINE), text
    # The page itself still shows the prompts and the expected output.
    assert '<span class="gp">&gt;&gt;&gt; </span>' in page
    assert '<span class="go">' in page


def test_every_pycon_block_on_the_site_has_copy_text(site: Path) -> None:
    without = [
        str(page.relative_to(site))
        for page in sorted(site.rglob("*.html"))
        for block in _PYCON_BLOCK.finditer(page.read_text(encoding="utf-8"))
        if "data-copy=" not in block.group("attrs")
    ]
    assert not without


# -- the reference: every public name once, every cross-reference a link --------------------------

_HEADING = re.compile(r'<h[1-6] id="(?P<id>credkit[^"]*)" class="doc doc-heading"')
_UNRESOLVED = re.compile(r'<span title="(?P<id>credkit[^"]*)">')


def _public_modules() -> list[str]:
    """Every public credkit module, as ``tests/test_public_api.py`` finds them.

    The submodules of ``credkit.cli`` are left out: the command's interface is the
    command line, which ``reference/cli.md`` documents (with ``credkit.cli.main``).
    """
    import pkgutil

    import credkit

    found = ["credkit"]
    for info in pkgutil.walk_packages(credkit.__path__, "credkit."):
        parts = info.name.split(".")
        if any(part.startswith("_") for part in parts) or parts[:2] == ["credkit", "cli"]:
            continue
        found.append(info.name)
    return sorted(found)


@pytest.fixture(scope="session")
def griffe_modules() -> object:
    """credkit as griffe (mkdocstrings' loader) sees it: a path -> object collection."""
    griffe = pytest.importorskip("griffe")
    loader = griffe.GriffeLoader(search_paths=[str(_ROOT / "src")])
    loader.load("credkit")
    loader.resolve_aliases(implicit=False, external=False)
    return loader.modules_collection


def _canonical(collection: object, path: str) -> str | None:
    """Where the object named ``path`` is defined (an alias followed to its target)."""
    try:
        found = collection[path]  # type: ignore[index]
        return str(found.final_target.path if found.is_alias else found.path)
    except Exception:  # griffe raises several kinds of errors for a path it cannot follow
        return None


def test_every_public_name_is_documented_exactly_once(site: Path, griffe_modules: object) -> None:
    import importlib

    public: dict[str, list[str]] = {}
    for module_name in _public_modules():
        for name in importlib.import_module(module_name).__all__:
            if not (name.startswith("__") and name.endswith("__")):
                path = f"{module_name}.{name}"
                public.setdefault(_canonical(griffe_modules, path) or path, []).append(path)
    documented: dict[str, list[str]] = {}
    for page in sorted(site.rglob("*.html")):
        for heading in _HEADING.finditer(page.read_text(encoding="utf-8")):
            canonical = _canonical(griffe_modules, heading["id"]) or heading["id"]
            documented.setdefault(canonical, []).append(
                f"{page.relative_to(site).parent}#{heading['id']}"
            )
    assert len(public) > 500, "the walk found too few public names"
    missing = sorted(names[0] for canonical, names in public.items() if canonical not in documented)
    assert not missing, f"public names no reference page documents: {missing}"
    twice = {names[0]: documented[c] for c, names in public.items() if len(documented[c]) > 1}
    assert not twice, f"public names documented more than once: {twice}"


def test_no_cross_reference_to_credkit_is_left_unresolved(site: Path) -> None:
    # A role in a docstring that finds no entry fails `mkdocs build --strict`; the
    # references mkdocstrings makes itself (annotations, bases, attribute tables) are
    # optional and would render as plain code: none may point at a credkit object.
    found = {
        str(page.relative_to(site)): sorted(set(_UNRESOLVED.findall(text)))
        for page in sorted(site.rglob("*.html"))
        if _UNRESOLVED.search(text := page.read_text(encoding="utf-8"))
    }
    assert not found, f"credkit objects referenced but documented nowhere: {found}"


def test_a_member_without_an_entry_links_to_its_class(site: Path) -> None:
    # :attr:`~credkit.dunning.ChargeTreatment.BOOK` (an enum member described in its
    # class's docstring) links to the class's entry on the dunning page.
    page = (site / "reference" / "collections" / "index.html").read_text(encoding="utf-8")
    link = re.search(
        r'<a class="[^"]*credkit-role"[^>]*href="([^"]*)"[^>]*><code>BOOK</code>', page
    )
    assert link, "no link for ChargeTreatment.BOOK"
    assert link.group(1).endswith("dunning/#credkit.dunning.ChargeTreatment"), link.group(1)


def test_a_function_named_in_a_class_docstring_is_not_the_class_field(site: Path) -> None:
    # PaymentBehaviour has a field payment_index; :func:`payment_index` in its
    # docstring means the module's function, as Python would look the name up.
    page = (site / "reference" / "kpi" / "index.html").read_text(encoding="utf-8")
    targets = set(
        re.findall(r'credkit-role"[^>]*href="([^"]*)"><code>payment_index\(\)</code>', page)
    )
    assert targets == {"#credkit.kpi.payment_index"}


def test_the_package_page_lists_every_exported_name(site: Path) -> None:
    import credkit

    page = (site / "reference" / "credkit" / "index.html").read_text(encoding="utf-8")
    linked = set(
        re.findall(r'<a class="autorefs autorefs-internal"[^>]*><code>(\w+)</code></a>', page)
    )
    exported = {name for name in credkit.__all__ if name != "__version__"}
    assert exported <= linked, sorted(exported - linked)


def test_console_copy_buttons_copy_the_commands_alone(site: Path) -> None:
    page = (site / "tutorial" / "limits" / "index.html").read_text(encoding="utf-8")
    blocks = re.findall(r'<div class="language-console highlight"([^>]*)>', page)
    copied = [re.findall(r'data-copy="([^"]*)"', attrs) for attrs in blocks]
    assert copied == [["credkit limits"], ["credkit limits --customer C001 --grace-days 15"]]
