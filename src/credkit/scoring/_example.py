"""The example B2B trade-credit scorecard that ships with credkit.

:func:`example_scorecard` loads ``credkit/data/trade-credit-scorecard.toml``, a
seven-factor scorecard (current ratio, equity ratio, payment index, days beyond
terms, years in business, legal form, bureau score) with points-to-double-odds
scaling and risk classes A-E. Its points are illustrative, not fitted to data: it
is there to learn from, to demo and to copy as a starting point for your own.
The docs site publishes the same file as ``examples/trade-credit-scorecard.toml``.

>>> card = example_scorecard()
>>> card.id, card.version, [c.name for c in card.risk_scale.classes]
('trade-credit-b2b', '2026.1', ['A', 'B', 'C', 'D', 'E'])
"""

from __future__ import annotations

import functools
from importlib import resources

from credkit.config import load
from credkit.scoring.scorecard import Scorecard

__all__ = ["example_scorecard"]

_RESOURCE = "trade-credit-scorecard.toml"


@functools.cache
def example_scorecard() -> Scorecard:
    """The shipped example scorecard for B2B trade credit (loaded once; it is immutable).

    To adapt it, start from its document: ``credkit.config.dump(example_scorecard())``
    gives a plain mapping to edit and load back with :func:`credkit.config.load`.

    >>> card = example_scorecard()
    >>> card.min_total, card.max_total
    (Decimal('340'), Decimal('725'))
    >>> card.score({"current_ratio": "1.3", "legal_form": "corporation"}).reason_codes[:2]
    ('BUREAU', 'FIN_EQUITY')
    """
    text = resources.files("credkit").joinpath("data", _RESOURCE).read_text(encoding="utf-8")
    return load(Scorecard, text, format="toml")
