"""Robustness: loaders fed arbitrary documents raise only ConfigError; calculators fed
arbitrary inputs return a result or raise only ValidationError.

Documents are drawn two ways: from scratch (keys taken from the real field names so
that the structuring code is reached), and by corrupting one leaf of a valid document.
"""

from __future__ import annotations

import contextlib
import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import credkit.scoring
from credkit.config import dump, load
from credkit.errors import ConfigError, ValidationError
from credkit.scoring import (
    Z_PRIME,
    AltmanModel,
    Bin,
    Category,
    Factor,
    FinancialStatement,
    RiskClass,
    RiskScale,
    Scaling,
    Scorecard,
    altman_z,
)
from credkit.testing.strategies import config_documents
from credkit.testing.strategies import corrupted as shared_corrupted

EXAMPLE = Path(__file__).parents[2] / "src" / "credkit" / "data" / "trade-credit-scorecard.toml"
CARD = load(Scorecard, EXAMPLE)
CLASSES: tuple[type[Any], ...] = (
    FinancialStatement,
    AltmanModel,
    Scaling,
    Bin,
    Category,
    Factor,
    Scorecard,
    RiskClass,
    RiskScale,
)
VALID: dict[type[Any], Any] = {
    FinancialStatement: FinancialStatement(total_assets=100, ebit=-5, currency="EUR"),
    AltmanModel: Z_PRIME,
    Scaling: CARD.scaling,
    Bin: CARD.factors[0].bins[1],
    Category: CARD.factors[5].categories[0],
    Factor: CARD.factors[1],
    Scorecard: CARD,
    RiskClass: CARD.risk_scale.classes[1] if CARD.risk_scale else None,
    RiskScale: CARD.risk_scale,
}
KEYS = sorted({f.name for cls in CLASSES for f in attrs.fields(cls) if f.init} | {"unknown"})

documents = config_documents(
    keys=KEYS,
    words=[
        "min",
        "-1e999999",
        "sNaN",
        "good_to_bad",
        "bad_to_good",
        "market",
        "book",
        "2025-12-31",
    ],
)


def corrupted(document: Any) -> st.SearchStrategy[Any]:
    """``document`` with one place damaged by this module's junk."""
    return shared_corrupted(document, junk=documents)


def _load_only_config_errors(cls: type[Any], document: Any) -> None:
    try:
        value = load(cls, document)
    except ConfigError:
        return
    assert isinstance(value, cls)


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.__name__)
@given(document=st.dictionaries(st.sampled_from(KEYS), documents, max_size=8))
def test_arbitrary_documents_raise_only_config_error(cls: type[Any], document: Any) -> None:
    _load_only_config_errors(cls, document)


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.__name__)
@given(data=st.data())
def test_corrupted_valid_documents_raise_only_config_error(
    cls: type[Any], data: st.DataObject
) -> None:
    document = data.draw(corrupted(dump(VALID[cls])))
    if not isinstance(document, dict):
        with pytest.raises(ConfigError):
            load(cls, document)
        return
    _load_only_config_errors(cls, document)


@pytest.mark.parametrize("format_", ["toml", "json"])
@given(text=st.text(max_size=200))
def test_arbitrary_text_raises_only_config_error(format_: str, text: str) -> None:
    for cls in CLASSES:
        with contextlib.suppress(ConfigError):
            load(cls, text, format=format_)  # type: ignore[arg-type]


def test_valid_documents_load() -> None:
    for cls, value in VALID.items():
        assert load(cls, dump(value)) == value


_inputs = st.dictionaries(
    st.sampled_from([f.input for f in CARD.factors] + ["other"]),
    st.one_of(
        st.none(),
        st.text(max_size=6),
        st.integers(),
        st.decimals(),
        st.floats(),
        st.booleans(),
        st.sampled_from(["corporation", "1.5", "1e999999", "NaN", " 42 "]),
        st.lists(st.integers(), max_size=2),
    ),
)


def _attempt(compute: Any) -> Any:
    try:
        return compute()
    except ValidationError as error:
        return error


@given(_inputs)
def test_scoring_arbitrary_inputs_returns_a_result_or_a_validation_error(inputs: Any) -> None:
    outcome = _attempt(lambda: CARD.score(inputs))
    if isinstance(outcome, ValidationError):
        assert str(outcome).split(":", 1)[0] in {f.input for f in CARD.factors}
    else:
        assert CARD.min_total <= outcome.total <= CARD.max_total


_figure = st.one_of(
    st.none(),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.decimals(allow_nan=False, allow_infinity=False),
    st.sampled_from(["1e999999", "-1e999999", "1e-999999", "9.99e999999"]),
)


@given(
    st.fixed_dictionaries(
        dict.fromkeys(
            (
                "current_assets",
                "current_liabilities",
                "total_assets",
                "total_liabilities",
                "retained_earnings",
                "ebit",
                "sales",
                "book_equity",
            ),
            _figure,
        )
    )
)
def test_altman_on_arbitrary_statements_returns_or_raises_validation_error(
    figures: dict[str, Any],
) -> None:
    try:
        statement = FinancialStatement(**figures)
        result = altman_z(statement, model=Z_PRIME)
    except ValidationError:
        return
    assert result.zone is Z_PRIME.zone(result.score)


def test_public_namespace_is_exactly_the_intended_names() -> None:
    public = {name for name in dir(credkit.scoring) if not name.startswith("_")}
    modules = {
        "altman",
        "batch",
        "ratings",
        "ratios",
        "results",
        "risk",
        "scaling",
        "scorecard",
        "statements",
    }
    assert public - modules == set(credkit.scoring.__all__)
    assert len(credkit.scoring.__all__) == len(set(credkit.scoring.__all__))  # ruff keeps it sorted
    for name in credkit.scoring.__all__:
        assert getattr(credkit.scoring, name).__doc__


def test_dates_in_documents() -> None:
    # TOML dates and ISO strings are both accepted for period_end.
    loaded = load(FinancialStatement, {"period_end": "2025-06-30"})
    assert loaded.period_end == datetime.date(2025, 6, 30)
    with pytest.raises(ConfigError, match=r"^period_end: expected a date"):
        load(FinancialStatement, {"period_end": "30.06.2025"})
    assert load(Bin, {"points": Decimal(1)}) == Bin(points=1)
