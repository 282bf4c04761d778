"""Helpers shared by the tests of the polars engines (``tests/io``)."""

from __future__ import annotations

from typing import Any

import pytest

from credkit.errors import CredkitError

try:
    import polars  # noqa: F401
except ImportError:  # pragma: no cover - CI installs the extra
    HAVE_POLARS = False
else:
    HAVE_POLARS = True

needs_polars = pytest.mark.skipif(
    not HAVE_POLARS,
    reason="polars is not installed here (pip install 'credkit-b2b[polars]'); CI runs "
    "these tests with it",
)


def outcome(run: Any) -> Any:
    """What ``run()`` returns, or (type, message) of the error it raises."""
    try:
        return run()
    except CredkitError as error:
        return (type(error), str(error))
