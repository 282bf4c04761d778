"""Scoring many customers from rows of text, such as the rows of a CSV file.

:func:`score_rows` is the pure core of ``credkit score FILE.csv --scorecard
card.toml``: the command reads the file (``csv.DictReader``) and the scorecard
(:func:`credkit.config.load`), and this function does the rest. Values are
strings as a CSV file holds them; an empty cell is a missing value.

>>> from credkit.scoring.scorecard import Bin, Factor, Scorecard
>>> card = Scorecard("c", version="1", factors=(
...     Factor("payment_index", reason_code="PAY", missing="min", bins=(
...         Bin(upper=50, points=0), Bin(lower=50, upper=80, points=30), Bin(lower=80, points=60),
...     )),
... ))
>>> rows = [{"customer_id": "C1", "payment_index": "85"}, {"customer_id": "C2", "payment_index": ""}]
>>> [(row.id, row.result.total, row.result.reason_codes) for row in score_rows(rows, card)]
[('C1', Decimal('60'), ()), ('C2', Decimal('0'), ('PAY',))]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import attrs

from credkit.errors import ValidationError
from credkit.scoring.results import ScoreResult
from credkit.scoring.risk import RiskClass, RiskScale
from credkit.scoring.scorecard import Scorecard

__all__ = ["ScoredRow", "score_rows"]


@attrs.frozen
class ScoredRow:
    """One scored row: the customer id, the score result and the risk class (if any).

    ``risk_class`` comes from the ``risk_scale`` given to :func:`score_rows`, or
    from the scorecard's own risk scale.

    >>> from credkit.scoring.scorecard import Category, Factor, Scorecard
    >>> card = Scorecard("c", version="1", factors=(
    ...     Factor("form", reason_code="F", missing=0, categories=(Category("ltd", points=9),)),))
    >>> row = score_rows([{"customer_id": "C1", "form": "ltd"}], card)[0]
    >>> row.id, row.result.total, row.risk_class
    ('C1', Decimal('9'), None)
    """

    id: str
    result: ScoreResult = attrs.field(kw_only=True)
    risk_class: RiskClass | None = attrs.field(kw_only=True, default=None)


def score_rows(
    rows: Iterable[Mapping[str, str | None]],
    scorecard: Scorecard,
    *,
    id_column: str = "customer_id",
    risk_scale: RiskScale | None = None,
) -> tuple[ScoredRow, ...]:
    """Score every row with ``scorecard``, in the order given.

    Each row maps column names to text. ``id_column`` must be present and
    non-blank in every row; every input the scorecard reads must be a column
    (a column that is absent altogether is an error, because it is most likely a
    misspelt header, while an empty cell is a missing value). Other columns are
    ignored. ``risk_scale`` classifies the totals; without it the scorecard's own
    risk scale is used, if it has one.

    Any problem raises a :class:`~credkit.errors.ValidationError` whose message
    starts with ``rows[i]`` (0-based, not counting the header) and names the
    customer and the column.

    >>> from credkit.scoring.scorecard import Bin, Factor, Scorecard
    >>> card = Scorecard("c", version="1", factors=(
    ...     Factor("bureau_score", reason_code="BUR", missing=0, bins=(Bin(lower=0, points=1),)),
    ... ))
    >>> score_rows([{"customer_id": "C9", "bureau_score": "n/a"}], card)
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: rows[0].bureau_score: 'n/a' is not a number; expected digits such as '1250.00' (customer 'C9')
    >>> score_rows([{"customer_id": "C9", "bureau_scor": "7"}], card)
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: rows[0].bureau_score: no such column; the scorecard reads bureau_score (customer 'C9')
    """
    if not isinstance(scorecard, Scorecard):
        raise ValidationError(f"scorecard: expected a Scorecard, got {type(scorecard).__name__}")
    if risk_scale is not None and not isinstance(risk_scale, RiskScale):
        raise ValidationError(
            f"risk_scale: expected a RiskScale or None, got {type(risk_scale).__name__}"
        )
    scale = risk_scale if risk_scale is not None else scorecard.risk_scale
    needed = tuple(dict.fromkeys(factor.input for factor in scorecard.factors))
    scored: list[ScoredRow] = []
    for index, row in enumerate(rows):
        where = f"rows[{index}]"
        if not isinstance(row, Mapping):
            raise ValidationError(f"{where}: expected a mapping of column names to text")
        customer = row.get(id_column)
        if not isinstance(customer, str) or not customer.strip():
            raise ValidationError(f"{where}.{id_column}: expected a customer id, got {customer!r}")
        for column in needed:
            if column not in row:
                raise ValidationError(
                    f"{where}.{column}: no such column; the scorecard reads "
                    f"{', '.join(needed)} (customer {customer!r})"
                )
            value = row[column]
            if value is not None and not isinstance(value, str):
                raise ValidationError(
                    f"{where}.{column}: expected text, got {type(value).__name__} {value!r} "
                    f"(customer {customer!r})"
                )
        try:
            result = scorecard.score(row)
            risk_class = None if scale is None else scale.risk_class(result.total)
        except ValidationError as error:
            raise ValidationError(f"{where}.{error} (customer {customer!r})") from None
        scored.append(ScoredRow(customer, result=result, risk_class=risk_class))
    return tuple(scored)
