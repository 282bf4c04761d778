"""What a user installs: the wheel carries the type marker, the example documents the
docs refer to, the licence, and metadata that says only what CI checks."""

from __future__ import annotations

import email.parser
import os
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[zipfile.ZipFile]:
    build = pytest.importorskip("hatchling.build", reason="the test extra installs hatchling")
    out = tmp_path_factory.mktemp("wheel")
    here = Path.cwd()
    os.chdir(ROOT)  # the PEP 517 hooks build the project in the current directory
    try:
        name = build.build_wheel(str(out))
    finally:
        os.chdir(here)
    with zipfile.ZipFile(out / name) as archive:
        yield archive


def _documents_the_docs_link_to() -> set[str]:
    names: set[str] = set()
    for page in (ROOT / "docs").rglob("*.md"):
        text = page.read_text(encoding="utf-8")
        names.update(re.findall(r"\(\.\./examples/([\w.-]+)\)", text))
        names.update(re.findall(r'--8<-- "src/credkit/data/([\w.-]+)"', text))
        names.update(re.findall(r'joinpath\("data", "([\w.-]+)"\)', text))
        names.update(re.findall(r'"data" / "([\w.-]+)"', text))
    return names


def test_the_wheel_carries_the_type_marker(wheel: zipfile.ZipFile) -> None:
    assert "credkit/py.typed" in wheel.namelist()


def test_the_wheel_carries_every_example_document_the_docs_refer_to(
    wheel: zipfile.ZipFile,
) -> None:
    referred = _documents_the_docs_link_to()
    assert {"credit-policy.toml", "limit-policy.toml", "trade-credit-scorecard.toml"} <= referred
    shipped = {Path(name).name for name in wheel.namelist() if name.startswith("credkit/data/")}
    assert referred <= shipped


def test_the_wheel_carries_the_licence_and_honest_metadata(wheel: zipfile.ZipFile) -> None:
    names = wheel.namelist()
    licence = next(name for name in names if name.endswith(".dist-info/licenses/LICENSE"))
    assert wheel.read(licence).decode().startswith("MIT License")
    metadata_name = next(name for name in names if name.endswith(".dist-info/METADATA"))
    metadata = email.parser.Parser().parsestr(wheel.read(metadata_name).decode())
    assert metadata["Name"] == "credkit-b2b"
    assert metadata["License-Expression"] == "MIT"
    urls = dict(url.split(", ", 1) for url in metadata.get_all("Project-URL") or [])
    assert {"Documentation", "Source", "Issues"} <= urls.keys()
    versions = {
        c.rsplit(" :: ", 1)[1]
        for c in metadata.get_all("Classifier") or []
        if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)
    }
    # Only the versions .ci/run tests (its python3) may be claimed.
    assert versions == {"3.11"}


def test_no_test_or_docs_files_leak_into_the_wheel(wheel: zipfile.ZipFile) -> None:
    assert all(name.startswith("credkit") for name in wheel.namelist())


def test_the_wheel_carries_the_store_migrations(wheel: zipfile.ZipFile) -> None:
    # SQLStore.upgrade() runs Alembic from these files; without them no database can be set up.
    names = set(wheel.namelist())
    folder = "credkit/storage/sql/migrations/"
    assert {
        folder + "env.py",
        folder + "script.py.mako",
        folder + "versions/0001_initial.py",
    } <= names
