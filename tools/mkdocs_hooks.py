"""mkdocs hooks for credkit's docs site.

Docstrings show their examples as bare doctest blocks (``>>>`` lines followed by
the expected output), which doctest runs but Markdown would render as running text.
This hook adds a small Markdown preprocessor that fences each bare doctest block as
``pycon`` code, for the pages and for the docstrings mkdocstrings renders alike.
Blocks already inside a fence are left alone.
"""

from __future__ import annotations

from typing import Any

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor


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
