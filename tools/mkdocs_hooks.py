"""mkdocs hooks for credkit's docs site.

Docstrings show their examples as bare doctest blocks (``>>>`` lines followed by
the expected output), which doctest runs but Markdown would render as running text.
This hook adds a small Markdown preprocessor that fences each bare doctest block as
``pycon`` code, for the pages and for the docstrings mkdocstrings renders alike.
Blocks already inside a fence are left alone.

The same preprocessor turns the Sphinx roles the docstrings use
(``:func:`~credkit.aging.age` ``, ``:class:``, ``:meth:``, ``:attr:``, ``:mod:``,
``:data:``, ``:exc:``, ``:obj:``) into autorefs cross-references, the mechanism
mkdocstrings documents (``[title][identifier]``), so that they render as links
instead of raw text. Roles inside fenced blocks and inline code are left alone.

* Title: ``:func:`~credkit.a.b` `` shows ``b()``, ``:func:`credkit.a.b` `` shows
  ``credkit.a.b()``; functions and methods get ``()``, other roles do not; an
  explicit title (``:meth:`Money.allocate <credkit.money.Money.allocate>` ``) is
  kept as written.
* Target: a ``credkit.`` path is taken as written; a name relative to the object
  whose docstring is rendered (``.name`` for its member, ``..name`` for its
  parent's, or a plain ``name`` / ``Name.member`` looked up in the object's scope
  as Python would, through its module's imports) is resolved with griffe to its
  full path, the way mkdocstrings-python's ``scoped_crossrefs`` does. A ``:func:``
  or ``:meth:`` name that would find a field of the class being documented is
  looked up in the module instead, as Python looks up a name called in a method.
* Rule, in two steps. (1) Here: a target that is not a public credkit object
  (outside credkit such as ``decimal.Decimal``, a private ``_name`` or a member of
  a private class, or a name griffe cannot resolve) renders as plain inline code
  (``b()``). (2) Every other target becomes an autorefs reference, which must
  resolve: some reference page documents the object (under its own path or an
  alias, e.g. ``credkit.policy.result.RuleResult`` documented as
  ``credkit.policy.RuleResult``), else ``mkdocs build --strict`` fails. A member of
  a class (a field, an enum member) without an entry of its own links to its
  class, whose docstring describes it: the reference carries the class's path as
  the fallback identifier autorefs tries second (its ``slug``). A submodule whose
  names are documented through its package has no entry: write its name as inline
  code in double backticks, not with ``:mod:``.

The package page, ``reference/credkit.md``, lists the names ``credkit`` exports:
a hook replaces the marker ``<!-- credkit: the exported names -->`` with one
list per source module (``credkit._SOURCES``), each name linked to its entry,
with the first paragraph of its docstring.

The copy button of a doctest (``pycon``) block copies only the code, and that of a
shell session (``console``) only the commands: a hook on the page HTML gives each
block a ``data-copy`` attribute with the lines Pygments marks as prompted (``gp``),
without their ``>>> `` / ``... `` / ``$ `` prompts and without the expected output;
mkdocs-material 9's copy button copies the nearest ``data-copy`` text when there is
one, and the block's visible text otherwise. The page still shows prompts and
output, and the Markdown the doctests run is unchanged.
``docs/stylesheets/extra.css`` makes prompts and output unselectable for a copy by
hand.

The example configuration documents live once, in the package
(``src/credkit/data/*.toml``, so that an installed credkit has them); a second hook
publishes each of them on the site as ``examples/<name>`` for the docs to link to.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor
from mkdocs.structure.files import File, Files

_EXAMPLES = Path(__file__).resolve().parents[1] / "src" / "credkit" / "data"


class _DoctestFences(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        result: list[str] = []
        fence: str | None = None
        index = 0
        while index < len(lines):
            line = lines[index]
            stripped = line.lstrip()
            if fence is None and stripped.startswith(("```", "~~~")):
                fence = stripped[:3]
            elif fence is not None and stripped.startswith(fence):
                fence = None
            elif fence is None and (stripped.startswith(">>> ") or stripped == ">>>"):
                indent = line[: len(line) - len(stripped)]
                block = []
                while index < len(lines) and lines[index].strip():
                    block.append(lines[index])
                    index += 1
                result.extend([f"{indent}```pycon", *block, f"{indent}```", ""])
                continue
            result.append(line)
            index += 1
        return _rewrite_roles(result, _current_object(self.md))


_ROLE_OR_CODE = re.compile(
    r"(?P<role>:(?P<kind>func|class|meth|attr|mod|data|exc|obj):`(?P<target>[^`]+)`)"
    r"|(?P<code>(?P<ticks>`+)[\s\S]*?(?<!`)(?P=ticks)(?!`))"
)
_CALLABLE_ROLES = frozenset({"func", "meth"})
_TITLED = re.compile(r"(?P<title>[\s\S]*?)\s*<(?P<target>[^<>]+)>\s*$")


def _current_object(md: Markdown) -> Any:
    """The griffe object whose docstring mkdocstrings is converting, if any."""
    if "mkdocs-autorefs" not in md.inlinePatterns:
        return None
    hook = getattr(md.inlinePatterns["mkdocs-autorefs"], "hook", None)
    obj = getattr(hook, "current_object", None)
    if obj is not None and obj.docstring is not None and obj.docstring.parent is not None:
        # Inherited members: resolve in the scope the docstring was written in.
        obj = obj.docstring.parent
    return obj


def _rewrite_roles(lines: list[str], obj: Any) -> list[str]:
    """Rewrite the roles in the lines outside fenced blocks (see the module docstring)."""
    result: list[str] = []
    chunk: list[str] = []
    fence: str | None = None

    def flush() -> None:
        if chunk:
            result.extend(
                _ROLE_OR_CODE.sub(lambda m: _replace(m, obj), "\n".join(chunk)).split("\n")
            )
            chunk.clear()

    for line in lines:
        stripped = line.lstrip()
        if fence is None and stripped.startswith(("```", "~~~")):
            flush()
            fence = stripped[:3]
            result.append(line)
        elif fence is not None:
            if stripped.startswith(fence):
                fence = None
            result.append(line)
        else:
            chunk.append(line)
    flush()
    return result


def _replace(match: re.Match[str], obj: Any) -> str:
    if match.group("role") is None:
        return match.group(0)  # inline code, left alone
    kind, text = match.group("kind"), " ".join(match.group("target").split())
    titled = _TITLED.match(text)
    if titled:
        title, target = titled.group("title"), titled.group("target").strip()
    else:
        target = text.lstrip("~")
        title = target.rsplit(".", 1)[-1] if text.startswith("~") else target.lstrip(".")
    if kind in _CALLABLE_ROLES and not title.endswith(")"):
        title += "()"
    path = _resolve(target.lstrip("~"), obj, callable_role=kind in _CALLABLE_ROLES)
    if path is None:
        return f"`{title}`"
    code = f"<code>{html.escape(title)}</code>"
    fallback = _owning_class(path, obj)
    slug = f' slug="{html.escape(fallback)}"' if fallback else ""
    return f'<autoref identifier="{html.escape(path)}"{slug} class="credkit-role">{code}</autoref>'


def _owning_class(path: str, obj: Any) -> str | None:
    """The class a member target belongs to, linked when the member has no entry of its own."""
    if obj is None or "." not in path:
        return None
    parent = path.rsplit(".", 1)[0]
    try:
        found = obj.modules_collection[parent]
        return parent if (found.final_target if found.is_alias else found).is_class else None
    except Exception:  # not a path griffe knows, or an alias it cannot load
        return None


def _resolve(target: str, obj: Any, *, callable_role: bool = False) -> str | None:
    """The full path of a credkit object the reference can document, or None."""
    if obj is None:
        return target if target.startswith("credkit.") else None
    if target.startswith("."):
        target = target[1:]
        scope = obj
        while target.startswith("."):
            target = target[1:]
            scope = scope.parent if scope.parent is not None else scope
        path = f"{scope.path}.{target}" if target else scope.path
    elif target.startswith("credkit."):
        path = target
    else:
        first, _, rest = target.partition(".")
        try:
            path = obj.resolve(first)
            if callable_role and not rest and _is_field(obj.modules_collection[path]):
                # A function named from a class's docstring, not the class's field of the
                # same name: Python looks names up in the module, past the class body.
                path = obj.module.resolve(first)
        except Exception:  # griffe raises several kinds of errors
            return None
        if rest:
            path = f"{path}.{rest}"
    try:
        found = obj.modules_collection[path]
    except Exception:  # not a path griffe knows
        return None
    try:
        canonical = found.canonical_path if found.is_alias else found.path
    except Exception:  # an alias whose target griffe cannot load
        return None
    if not canonical.startswith("credkit.") or _is_private(found):
        return None
    return path


def _is_field(found: Any) -> bool:
    """Whether the object is an attribute of a class (a field, a class variable)."""
    obj = found.final_target if found.is_alias else found
    return bool(obj.is_attribute and obj.parent is not None and obj.parent.is_class)


def _is_private(found: Any) -> bool:
    """Whether the object, or a class it is a member of, has a private name."""
    obj = found.final_target if found.is_alias else found
    while obj is not None and not obj.is_module:
        if obj.name.startswith("_"):
            return True
        obj = obj.parent
    return False


class _DoctestFencesExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Markdown's API name)
        md.preprocessors.register(_DoctestFences(md), "credkit_doctest_fences", 40)


def on_config(config: Any) -> Any:
    """Register the doctest-fencing extension with every Markdown conversion."""
    config.markdown_extensions.append(_DoctestFencesExtension())
    return config


_EXPORTS_MARKER = "<!-- credkit: the exported names -->"


def _exported_names() -> str:
    """The names ``import credkit`` offers, per module, each linked to its entry."""
    import importlib
    import inspect

    import credkit

    sections: list[str] = []
    for module_name, names in credkit._SOURCES.items():
        module = importlib.import_module(module_name)
        page = module_name.split(".")[1]
        lines = [
            f"### `{module_name}`",
            "",
            f"Documented on the [{module_name}]({page}.md) page.",
            "",
        ]
        for name in names:
            summary = (inspect.getdoc(getattr(module, name)) or "").split("\n\n")[0]
            summary = " ".join(summary.split())
            lines.append(f"- [`{name}`][{module_name}.{name}]: {summary}")
        sections.append("\n".join(lines))
    return "\n\n".join(sections)


def on_page_markdown(markdown: str, page: Any, **kwargs: Any) -> str:
    """Fill the package page with the names ``credkit`` exports, from ``credkit._SOURCES``."""
    if _EXPORTS_MARKER in markdown:
        markdown = markdown.replace(_EXPORTS_MARKER, _exported_names())
    return markdown


def on_files(files: Files, config: Any) -> Files:
    """Publish the package's example documents as ``examples/<name>`` on the site."""
    for document in sorted(_EXAMPLES.glob("*.toml")):
        files.append(
            File.generated(config, f"examples/{document.name}", abs_src_path=str(document))
        )
    return files


_PYCON_BLOCK = re.compile(
    r'(<div class="language-(?:pycon|console) highlight")(>.*?<code>)(?P<code>.*?)(</code></pre></div>)',
    re.DOTALL,
)
_PROMPT = re.compile(r'^<span class="gp">[^<]*</span>')
_TAG = re.compile(r"<[^>]+>")


def _copy_text(code: str) -> str:
    """The code of a ``pycon`` or ``console`` block: its prompt lines, without the prompts.

    A blank line closes each multi-line statement (``def``, ``for``, a call spread
    over ``...`` lines), as the interactive interpreter needs when the text is pasted.
    """
    lines: list[str] = []
    continued = False
    for line in code.split("\n"):
        prompt = _PROMPT.match(line)
        if prompt is None:
            continue
        primary = html.unescape(_TAG.sub("", prompt.group(0))).startswith((">>>", "$"))
        if primary and continued and lines and lines[-1]:
            lines.append("")
        continued = not primary
        lines.append(html.unescape(_TAG.sub("", line[prompt.end() :])))
    return "\n".join(lines)


def on_page_content(html_text: str, **kwargs: Any) -> str:
    """Give each ``pycon`` and ``console`` block the text its copy button copies (code only)."""

    def add_copy(match: re.Match[str]) -> str:
        text = html.escape(_copy_text(match.group("code")), quote=True).replace("\n", "&#10;")
        return f'{match.group(1)} data-copy="{text}"{match.group(2)}{match.group("code")}{match.group(4)}'

    return _PYCON_BLOCK.sub(add_copy, html_text)
