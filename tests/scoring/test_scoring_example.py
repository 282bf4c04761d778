"""The shipped example scorecard (credkit/data/trade-credit-scorecard.toml) loads and scores."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest

from credkit.config import dump, load
from credkit.errors import ValidationError
from credkit.scoring import OddsBasis, Scorecard, score_rows

EXAMPLE = Path(__file__).parents[2] / "src" / "credkit" / "data" / "trade-credit-scorecard.toml"


@pytest.fixture(scope="module")
def card() -> Scorecard:
    return load(Scorecard, EXAMPLE)


def test_the_example_loads_with_scaling_and_risk_scale(card: Scorecard) -> None:
    assert (card.id, card.version) == ("trade-credit-b2b", "2026.1")
    assert [f.name for f in card.factors] == [
        "current_ratio",
        "equity_ratio",
        "payment_index",
        "days_beyond_terms",
        "years_in_business",
        "legal_form",
        "bureau_score",
    ]
    assert (card.min_total, card.max_total) == (Decimal(340), Decimal(725))
    assert card.scaling is not None
    assert card.scaling.basis is OddsBasis.GOOD_TO_BAD
    assert card.risk_scale is not None
    assert [c.name for c in card.risk_scale.classes] == ["A", "B", "C", "D", "E"]
    assert load(Scorecard, dump(card)) == card


def test_a_strong_customer_scores_the_maximum_and_class_a(card: Scorecard) -> None:
    result = card.score(
        {
            "current_ratio": "1.8",
            "equity_ratio": "0.40",
            "payment_index": "82",
            "days_beyond_terms": "0",
            "years_in_business": "25",
            "legal_form": "corporation",
            "bureau_score": "85",
        }
    )
    assert result.total == 725
    assert result.reason_codes == ()
    assert result.risk_class is not None
    assert (result.risk_class.name, result.risk_class.review_months) == ("A", 24)


def test_an_established_customer_with_some_weaknesses(card: Scorecard) -> None:
    result = card.score(
        {
            "current_ratio": "1.3",  # 35 of 55
            "equity_ratio": "0.28",  # 40 of 55
            "payment_index": "76",  # 60 of 80
            "days_beyond_terms": "4",  # 40 of 50
            "years_in_business": "12",  # 50 of 50
            "legal_form": "corporation",  # 30 of 30
            "bureau_score": "71",  # 60 of 75
        }
    )
    assert result.total == 330 + 35 + 40 + 60 + 40 + 50 + 30 + 60 == 645
    # Lost: liquidity 20, payment index 20, equity 15, bureau 15, DBT 10; ties keep card order.
    assert result.reason_codes == ("FIN_LIQUIDITY", "PAY_INDEX", "FIN_EQUITY", "BUREAU", "PAY_DBT")
    assert result.risk_class is not None
    assert result.risk_class.name == "B"


def test_a_young_customer_without_payment_history_sits_on_the_d_boundary(card: Scorecard) -> None:
    result = card.score(
        {
            "current_ratio": "1.1",
            "equity_ratio": "0.15",
            "payment_index": "",  # no history yet: the explicit 30 points
            "days_beyond_terms": None,  # the explicit 20 points
            "years_in_business": "1",
            "legal_form": "partnership",
            "bureau_score": "45",
        }
    )
    assert [c.missing for c in result.contributions][2:4] == [True, True]
    assert result.total == 500
    assert result.risk_class is not None
    assert result.risk_class.name == "D"  # 500 is D's min_score, included
    # 600 points at 50:1 with pdo 40: 500 points are 50 / 2**2.5 = 8.8388:1, a PD of 10.16 %.
    assert result.pd is not None
    assert round(result.pd, 4) == Decimal("0.1016")


def test_a_weak_customer_is_class_e_with_reasons_in_order(card: Scorecard) -> None:
    result = card.score(
        {
            "current_ratio": "0.7",
            "equity_ratio": "-0.05",
            "payment_index": "35",
            "days_beyond_terms": "45",
            "years_in_business": "3",
            "legal_form": "corporation",
            "bureau_score": "15",
        }
    )
    assert result.total == 380
    assert result.contributions[1].matched == "negative equity"
    assert result.reason_codes[:3] == ("PAY_INDEX", "BUREAU", "FIN_LIQUIDITY")
    assert "LEGAL_FORM" not in result.reason_codes
    assert result.risk_class is not None
    assert (result.risk_class.name, result.risk_class.pd) == ("E", Decimal("0.15"))


CSV = """customer_id,name,current_ratio,equity_ratio,payment_index,days_beyond_terms,years_in_business,legal_form,bureau_score
C-001,Strong AG,1.8,0.40,82,0,25,corporation,85
C-002,Young OHG,1.1,0.15,,,1,partnership,45
C-003,Weak GmbH,0.7,-0.05,35,45,3,corporation,15
"""


def test_score_rows_scores_a_csv_file(card: Scorecard) -> None:
    rows = score_rows(csv.DictReader(io.StringIO(CSV)), card)
    assert [(row.id, row.result.total) for row in rows] == [
        ("C-001", Decimal(725)),
        ("C-002", Decimal(500)),
        ("C-003", Decimal(380)),
    ]
    assert [row.risk_class.name for row in rows if row.risk_class] == ["A", "D", "E"]


def test_score_rows_reports_the_row_and_customer(card: Scorecard) -> None:
    misspelt = CSV.replace("bureau_score\n", "bureau_scor\n", 1)
    with pytest.raises(
        ValidationError, match=r"^rows\[0\]\.bureau_score: no such column; .* \(customer 'C-001'\)$"
    ):
        score_rows(csv.DictReader(io.StringIO(misspelt)), card)
    bad_cell = CSV.replace("C-003,Weak GmbH,0.7", "C-003,Weak GmbH,0.7x")
    with pytest.raises(
        ValidationError,
        match=r"^rows\[2\]\.current_ratio: '0.7x' is not a number.* \(customer 'C-003'\)$",
    ):
        score_rows(csv.DictReader(io.StringIO(bad_cell)), card)
