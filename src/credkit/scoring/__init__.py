"""Credit scoring: financial statements and ratios, Altman models, scorecards, risk classes.

The modules, each re-exported here:

* ``statements``: :class:`FinancialStatement`;
* ``ratios``: ratio functions (current ratio, quick ratio,
  debt to equity, Altman X1..X5, ...);
* ``altman``: :class:`AltmanModel`, the shipped models
  :data:`Z_1968`, :data:`Z_PRIME`, :data:`Z_DOUBLE_PRIME` and :func:`altman_z`;
* ``results``: :class:`ScoreResult` and :class:`FactorContribution`;
* ``scorecard``: :class:`Scorecard`, :class:`Factor`,
  :class:`Bin` and :class:`Category`;
* ``scaling``: points-to-double-odds :class:`Scaling` and the
  fixed-range :class:`ScoreRange`;
* ``risk``: :class:`RiskScale` and :class:`RiskClass`;
* :mod:`~credkit.scoring.ratings`: :class:`RatingScale` (bureau grades and scores onto
  risk classes), :class:`ProviderScale`, :class:`Grade` and :class:`ScoreBand`;
* ``batch``: :func:`score_rows` for rows of text (CSV);
* :func:`example_scorecard`: the example scorecard for B2B trade credit that
  ships with credkit (``credkit/data/trade-credit-scorecard.toml``).

Every configuration class loads with :func:`credkit.config.load`.

>>> from credkit.scoring import FinancialStatement, altman_z
>>> statement = FinancialStatement(
...     current_assets=500, current_liabilities=300, total_assets=1000, retained_earnings=0,
...     ebit=200, market_value_equity=100, total_liabilities=1000, sales=2000,
... )
>>> altman_z(statement).zone.value
'grey'
"""

from credkit.scoring._example import example_scorecard
from credkit.scoring.altman import (
    ALTMAN_MODELS,
    Z_1968,
    Z_DOUBLE_PRIME,
    Z_PRIME,
    AltmanModel,
    AltmanResult,
    AltmanZone,
    altman_z,
)
from credkit.scoring.batch import ScoredRow, score_rows
from credkit.scoring.ratings import Grade, ProviderScale, RatingScale, ScoreBand
from credkit.scoring.ratios import (
    EquityMeasure,
    current_ratio,
    debt_to_equity,
    equity_ratio,
    interest_coverage,
    quick_ratio,
    tangible_net_worth,
    working_capital,
    x1,
    x2,
    x3,
    x4,
    x5,
)
from credkit.scoring.results import FactorContribution, ScoreResult
from credkit.scoring.risk import RiskClass, RiskScale
from credkit.scoring.scaling import OddsBasis, Scaling, ScoreRange
from credkit.scoring.scorecard import Bin, Category, Factor, Scorecard
from credkit.scoring.statements import FinancialStatement

__all__ = [
    "ALTMAN_MODELS",
    "Z_1968",
    "Z_DOUBLE_PRIME",
    "Z_PRIME",
    "AltmanModel",
    "AltmanResult",
    "AltmanZone",
    "Bin",
    "Category",
    "EquityMeasure",
    "Factor",
    "FactorContribution",
    "FinancialStatement",
    "Grade",
    "OddsBasis",
    "ProviderScale",
    "RatingScale",
    "RiskClass",
    "RiskScale",
    "Scaling",
    "ScoreBand",
    "ScoreRange",
    "ScoreResult",
    "Scorecard",
    "ScoredRow",
    "altman_z",
    "current_ratio",
    "debt_to_equity",
    "equity_ratio",
    "example_scorecard",
    "interest_coverage",
    "quick_ratio",
    "score_rows",
    "tangible_net_worth",
    "working_capital",
    "x1",
    "x2",
    "x3",
    "x4",
    "x5",
]
