"""A sample portfolio in a store, shared by the report tests (built once per module)."""

from __future__ import annotations

import pytest
from tests.cli.conftest import database  # the ``--url`` options of an empty database

from credkit import sample
from credkit.cli.report import sample_store
from credkit.storage import MemoryStore


@pytest.fixture(scope="module")
def portfolio() -> sample.SamplePortfolio:
    return sample.generate(seed=3, customers=12)


@pytest.fixture(scope="module")
def store(portfolio: sample.SamplePortfolio) -> MemoryStore:
    return sample_store(portfolio)


__all__ = ["database", "portfolio", "store"]
