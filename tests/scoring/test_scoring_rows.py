"""Tests for credkit.scoring.batch.score_rows, the core of `credkit score FILE.csv`."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credkit.errors import ValidationError
from credkit.scoring import (
    Bin,
    Category,
    Factor,
    RiskClass,
    RiskScale,
    Scorecard,
    score_rows,
)

CARD = Scorecard(
    "rows",
    version="1",
    factors=(
        Factor(
            "payment_index",
            reason_code="PAY",
            missing="min",
            bins=(
                Bin(upper=50, points=0),
                Bin(lower=50, upper=80, points=30),
                Bin(lower=80, points=60),
            ),
        ),
        Factor(
            "form",
            input="legal_form",
            reason_code="FORM",
            missing=0,
            categories=(Category("corporation", points=20),),
        ),
    ),
)
SCALE = RiskScale(
    id="s",
    version="1",
    classes=(
        RiskClass("good", min_score=50, pd="0.01", review_months=12),
        RiskClass("poor", max_score=50, pd="0.1", review_months=3),
    ),
)


def test_rows_are_scored_in_order_with_empty_cells_missing() -> None:
    rows = [
        {"customer_id": "C1", "payment_index": "85", "legal_form": "corporation", "extra": "x"},
        {"customer_id": "C2", "payment_index": "", "legal_form": ""},
        {"customer_id": "C3", "payment_index": "55", "legal_form": None},
    ]
    scored = score_rows(iter(rows), CARD, risk_scale=SCALE)
    assert [(r.id, r.result.total) for r in scored] == [
        ("C1", Decimal(80)),
        ("C2", Decimal(0)),
        ("C3", Decimal(30)),
    ]
    assert [r.risk_class.name for r in scored if r.risk_class] == ["good", "poor", "poor"]
    assert scored[1].result.contributions[0].missing
    assert scored[1].result.reason_codes == ("PAY", "FORM")
    assert score_rows([], CARD) == ()


def test_id_column_can_be_renamed_and_must_be_filled() -> None:
    rows = [{"debtor": "D-7", "payment_index": "90", "legal_form": ""}]
    assert score_rows(rows, CARD, id_column="debtor")[0].id == "D-7"
    with pytest.raises(
        ValidationError, match=r"^rows\[0\]\.customer_id: expected a customer id, got None"
    ):
        score_rows(rows, CARD)
    with pytest.raises(
        ValidationError, match=r"^rows\[0\]\.debtor: expected a customer id, got ' '"
    ):
        score_rows(
            [{"debtor": " ", "payment_index": "1", "legal_form": ""}], CARD, id_column="debtor"
        )


def test_values_must_be_text_and_columns_present() -> None:
    with pytest.raises(
        ValidationError, match=r"^rows\[0\]\.payment_index: expected text, got int 85"
    ):
        score_rows([{"customer_id": "C1", "payment_index": 85, "legal_form": ""}], CARD)  # type: ignore[dict-item]
    with pytest.raises(
        ValidationError,
        match=r"^rows\[1\]\.legal_form: no such column; the scorecard reads payment_index, legal_form \(customer 'C2'\)",
    ):
        score_rows(
            [
                {"customer_id": "C1", "payment_index": "1", "legal_form": ""},
                {"customer_id": "C2", "payment_index": "1"},
            ],
            CARD,
        )
    with pytest.raises(ValidationError, match=r"^rows\[0\]: expected a mapping"):
        score_rows(["C1,85"], CARD)  # type: ignore[list-item]
    with pytest.raises(ValidationError, match=r"^scorecard: expected a Scorecard"):
        score_rows([], "card.toml")  # type: ignore[arg-type]


def test_a_total_outside_a_closed_risk_scale_names_the_row() -> None:
    closed = RiskScale(
        id="s",
        version="1",
        classes=(RiskClass("good", min_score=50, max_score=70, pd="0.01", review_months=12),),
    )
    rows = [{"customer_id": "C9", "payment_index": "99", "legal_form": "corporation"}]
    with pytest.raises(
        ValidationError, match=r"^rows\[0\]\.score: 80 is at or above the top .* \(customer 'C9'\)"
    ):
        score_rows(rows, CARD, risk_scale=closed)


_cells = st.one_of(
    st.just(""),
    st.integers(min_value=-10, max_value=120).map(str),
    st.sampled_from(["corporation", "partnership"]),
    st.text(max_size=5),
)


@given(st.lists(st.fixed_dictionaries({"payment_index": _cells, "legal_form": _cells}), max_size=5))
def test_rows_score_like_the_scorecard_or_raise_a_validation_error(
    cells: list[dict[str, Any]],
) -> None:
    rows = [{"customer_id": f"C{i}", **row} for i, row in enumerate(cells)]
    expected = [_score_or_error(row) for row in rows]
    failing = [i for i, outcome in enumerate(expected) if isinstance(outcome, ValidationError)]
    if failing:
        # The first row the scorecard refuses is the one reported.
        with pytest.raises(ValidationError, match=rf"^rows\[{failing[0]}\]\."):
            score_rows(rows, CARD)
        return
    scored = score_rows(rows, CARD)
    assert [r.id for r in scored] == [row["customer_id"] for row in rows]
    assert [r.result for r in scored] == expected


def _score_or_error(row: dict[str, Any]) -> object:
    try:
        return CARD.score(row)
    except ValidationError as error:
        return error
