"""Shared test settings and fixtures.

Hypothesis profiles: ``HYPOTHESIS_PROFILE`` picks one by name; without it, ``CI=true``
picks "ci" and anything else "default".

- "default" (50 examples a property): quick, for the README's test command and everyday runs.
- "ci" (100 examples, and a reproduction blob printed for every failure): what `.ci/run` uses.
- "thorough" (1,000 examples): an occasional deep run,
  ``HYPOTHESIS_PROFILE=thorough python -m pytest``.

Tests that set ``max_examples`` themselves keep their number in every profile.
"""

import os
from pathlib import Path

import pytest
from hypothesis import settings

from credkit import sample

settings.register_profile("default", deadline=None, max_examples=50)
settings.register_profile("ci", deadline=None, max_examples=100, print_blob=True)
settings.register_profile("thorough", deadline=None, max_examples=1000, print_blob=True)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") == "true" else "default")
)


@pytest.fixture(scope="session")
def sample_portfolio() -> sample.SamplePortfolio:
    """``sample.generate()`` with its defaults, made once for the session (it is immutable)."""
    return sample.generate()


@pytest.fixture(scope="module")
def loaded_sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """A sample directory and the ``--url`` of an SQLite store it was loaded into.

    One per test module (a module may write to its store); needs the ``sql`` extra.
    """
    from credkit.cli import main

    root = tmp_path_factory.mktemp("loaded")
    out = root / "sample"
    assert main(["sample", "--out", str(out), "--seed", "3", "--customers", "8"]) == 0
    url = ["--url", f"sqlite:///{root / 'credkit.db'}"]
    assert main(["db", "init", *url]) == 0
    assert main(["db", "load", str(out), *url]) == 0
    return out, url
