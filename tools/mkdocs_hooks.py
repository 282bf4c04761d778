"""mkdocs hooks for credkit's docs site.

Docstrings show their examples as bare doctest blocks (``>>>`` lines followed by
the expected output), which doctest runs but Markdown would render as running text.
This hook adds a small Markdown preprocessor that fences each bare doctest block as
``pycon`` code, for the pages and for the docstrings mkdocstrings renders alike.
Blocks already inside a fence are left alone.

The example configuration documents live once, in the package
(``src/credkit/data/*.toml``, so that an installed credkit has them); a second hook
publishes each of them on the site as ``examples/<name>`` for the docs to link to.
"""

from __future__ import annotations

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
        return result


class _DoctestFencesExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Markdown's API name)
        md.preprocessors.register(_DoctestFences(md), "credkit_doctest_fences", 40)


def on_config(config: Any) -> Any:
    """Register the doctest-fencing extension with every Markdown conversion."""
    config.markdown_extensions.append(_DoctestFencesExtension())
    return config


def on_files(files: Files, config: Any) -> Files:
    """Publish the package's example documents as ``examples/<name>`` on the site."""
    for document in sorted(_EXAMPLES.glob("*.toml")):
        files.append(
            File.generated(config, f"examples/{document.name}", abs_src_path=str(document))
        )
    return files
