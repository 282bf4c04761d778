"""Altman Z-score models, as data.

An :class:`AltmanModel` is a set of weights for the five Altman ratios (X5 may be
absent), an optional constant, two zone cut-offs and the equity measure that X4
uses. credkit ships the three published models, each with its own weights *and*
its own cut-offs (many secondary sources mix one model's weights with another's
zones):

| model | X1 | X2 | X3 | X4 | X5 | distress below | safe above |
|---|---|---|---|---|---|---|---|
| :data:`Z_1968` (public manufacturers) | 1.2 | 1.4 | 3.3 | 0.6 x market equity / TL | 1.0 | 1.81 | 2.99 |
| :data:`Z_PRIME` (private firms) | 0.717 | 0.847 | 3.107 | 0.420 x book equity / TL | 0.998 | 1.23 | 2.90 |
| :data:`Z_DOUBLE_PRIME` (non-manufacturers) | 6.56 | 3.26 | 6.72 | 1.05 x book equity / TL | none | 1.10 | 2.60 |

Sources: E. I. Altman, "Financial Ratios, Discriminant Analysis and the
Prediction of Corporate Bankruptcy", *Journal of Finance* 23(4), 1968, pp. 589-609
(Z); E. I. Altman, "Predicting Financial Distress of Companies: Revisiting the
Z-Score and ZETA Models", NYU Stern working paper, 2000 (Z' and Z'').

Zones: a score *below* the distress cut-off is :attr:`AltmanZone.DISTRESS`, a score
*above* the safe cut-off is :attr:`AltmanZone.SAFE`, and everything from one cut-off
to the other, both included, is :attr:`AltmanZone.GREY`. A score of exactly 1.81
under the 1968 model is therefore grey.

A variant (the 0.999 weight some texts print for X5, a re-estimated model, the
emerging-markets form of Z'' with its constant of 3.25) is just another
:class:`AltmanModel`, built in Python or loaded with :func:`credkit.config.load`.

>>> from credkit.scoring.statements import FinancialStatement
>>> statement = FinancialStatement(
...     current_assets=500, current_liabilities=300, total_assets=1000,
...     retained_earnings=0, ebit=200, market_value_equity=100,
...     total_liabilities=1000, sales=2000,
... )
>>> result = altman_z(statement)
>>> result.score, result.zone
(Decimal('2.96'), <AltmanZone.GREY: 'grey'>)
"""

from __future__ import annotations

import enum
from decimal import Decimal
from typing import Any

import attrs

from credkit._validate import number, optional_number, text, to_number, to_optional_number
from credkit.errors import ValidationError
from credkit.money import Numeric, to_decimal
from credkit.scoring.ratios import EquityMeasure, x1, x2, x3, x4, x5
from credkit.scoring.statements import FinancialStatement

__all__ = [
    "ALTMAN_MODELS",
    "Z_1968",
    "Z_DOUBLE_PRIME",
    "Z_PRIME",
    "AltmanModel",
    "AltmanResult",
    "AltmanZone",
    "altman_z",
]


class AltmanZone(enum.Enum):
    """Where a Z-score falls relative to its model's cut-offs.

    >>> AltmanZone("grey")
    <AltmanZone.GREY: 'grey'>
    """

    SAFE = "safe"
    GREY = "grey"
    DISTRESS = "distress"


def _equity(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, EquityMeasure):
        raise ValidationError(
            f"equity: expected EquityMeasure.MARKET or EquityMeasure.BOOK "
            f"('market' or 'book' in a document), got {value!r}"
        )


def _safe_cutoff(instance: AltmanModel, attribute: attrs.Attribute[Any], value: Decimal) -> None:
    number(instance, attribute, value)
    if value < instance.distress_cutoff:
        raise ValidationError(
            f"safe_cutoff: must be at or above distress_cutoff ({instance.distress_cutoff}), "
            f"got {value}"
        )


@attrs.frozen
class AltmanModel:
    """One Altman-type model: weights, cut-offs and the equity measure of X4.

    ``score = constant + x1_weight*X1 + ... + x5_weight*X5``; ``x5_weight`` is
    ``None`` for models without X5 (Z''), and then sales are not needed.
    ``distress_cutoff`` must not exceed ``safe_cutoff``. Numbers are exact
    (``Decimal``, ``int`` or numeric strings).

    >>> variant = AltmanModel(
    ...     "Z (1968), X5 weight 0.999", x1_weight="1.2", x2_weight="1.4", x3_weight="3.3",
    ...     x4_weight="0.6", x5_weight="0.999", distress_cutoff="1.81", safe_cutoff="2.99",
    ...     equity=EquityMeasure.MARKET,
    ... )
    >>> variant.zone(Decimal("1.81")), variant.zone(Decimal("1.8099"))
    (<AltmanZone.GREY: 'grey'>, <AltmanZone.DISTRESS: 'distress'>)
    >>> AltmanModel("bad", x1_weight=1, x2_weight=1, x3_weight=1, x4_weight=1,
    ...     distress_cutoff=3, safe_cutoff=2, equity=EquityMeasure.BOOK)
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: safe_cutoff: must be at or above distress_cutoff (3), got 2
    """

    name: str = attrs.field(validator=text)
    x1_weight: Decimal = attrs.field(kw_only=True, converter=to_number, validator=number)
    x2_weight: Decimal = attrs.field(kw_only=True, converter=to_number, validator=number)
    x3_weight: Decimal = attrs.field(kw_only=True, converter=to_number, validator=number)
    x4_weight: Decimal = attrs.field(kw_only=True, converter=to_number, validator=number)
    x5_weight: Decimal | None = attrs.field(
        kw_only=True, default=None, converter=to_optional_number, validator=optional_number
    )
    distress_cutoff: Decimal = attrs.field(kw_only=True, converter=to_number, validator=number)
    safe_cutoff: Decimal = attrs.field(kw_only=True, converter=to_number, validator=_safe_cutoff)
    equity: EquityMeasure = attrs.field(kw_only=True, validator=_equity)
    constant: Decimal = attrs.field(
        kw_only=True, default=Decimal(0), converter=to_number, validator=number
    )

    def zone(self, score: Numeric) -> AltmanZone:
        """The zone of ``score``: distress below, safe above, grey from cut-off to cut-off.

        >>> Z_1968.zone("2.99"), Z_1968.zone("2.9901"), Z_1968.zone("1.80")
        (<AltmanZone.GREY: 'grey'>, <AltmanZone.SAFE: 'safe'>, <AltmanZone.DISTRESS: 'distress'>)
        """
        value = to_decimal(score, field="score")
        if value < self.distress_cutoff:
            return AltmanZone.DISTRESS
        if value > self.safe_cutoff:
            return AltmanZone.SAFE
        return AltmanZone.GREY

    def evaluate(
        self,
        x1: Numeric,
        x2: Numeric,
        x3: Numeric,
        x4: Numeric,
        x5: Numeric | None = None,
    ) -> AltmanResult:
        """Score ratios that were computed elsewhere (``x5`` only if the model uses it).

        >>> Z_1968.evaluate("0.2", "0", "0.2", "0.1", "2.0").score
        Decimal('2.96')
        >>> Z_1968.evaluate("0.2", "0", "0.2", "0.1")
        Traceback (most recent call last):
        ...
        credkit.errors.ValidationError: x5: needed by model 'Altman Z (1968)' but missing
        """
        ratios = {"x1": x1, "x2": x2, "x3": x3, "x4": x4}
        values = {name: to_decimal(value, field=name) for name, value in ratios.items()}
        if self.x5_weight is None:
            x5_value = None
        elif x5 is None:
            raise ValidationError(f"x5: needed by model {self.name!r} but missing")
        else:
            x5_value = to_decimal(x5, field="x5")
        try:
            score = (
                self.constant
                + self.x1_weight * values["x1"]
                + self.x2_weight * values["x2"]
                + self.x3_weight * values["x3"]
                + self.x4_weight * values["x4"]
            )
            if self.x5_weight is not None and x5_value is not None:
                score += self.x5_weight * x5_value
        except ArithmeticError:
            raise ValidationError(
                f"score: the weighted sum of {self.name!r} is too large to compute "
                "from these ratios"
            ) from None
        return AltmanResult(
            score=score,
            zone=self.zone(score),
            x1=values["x1"],
            x2=values["x2"],
            x3=values["x3"],
            x4=values["x4"],
            x5=x5_value,
            model_name=self.name,
        )


@attrs.frozen(kw_only=True)
class AltmanResult:
    """The outcome of an Altman model: the score, its zone and the ratios used.

    ``x5`` is ``None`` when the model has no X5 term. ``model_name`` records which
    model produced the score.

    >>> result = Z_DOUBLE_PRIME.evaluate("0.1", "0.2", "0.05", "0.5")
    >>> result.score, result.zone.value, result.x5
    (Decimal('2.1690'), 'grey', None)
    """

    score: Decimal
    zone: AltmanZone
    x1: Decimal
    x2: Decimal
    x3: Decimal
    x4: Decimal
    x5: Decimal | None
    model_name: str


Z_1968 = AltmanModel(
    "Altman Z (1968)",
    x1_weight=Decimal("1.2"),
    x2_weight=Decimal("1.4"),
    x3_weight=Decimal("3.3"),
    x4_weight=Decimal("0.6"),
    x5_weight=Decimal("1.0"),
    distress_cutoff=Decimal("1.81"),
    safe_cutoff=Decimal("2.99"),
    equity=EquityMeasure.MARKET,
)
"""The original model for publicly traded manufacturers (Altman 1968)."""

Z_PRIME = AltmanModel(
    "Altman Z' (private firms)",
    x1_weight=Decimal("0.717"),
    x2_weight=Decimal("0.847"),
    x3_weight=Decimal("3.107"),
    x4_weight=Decimal("0.420"),
    x5_weight=Decimal("0.998"),
    distress_cutoff=Decimal("1.23"),
    safe_cutoff=Decimal("2.90"),
    equity=EquityMeasure.BOOK,
)
"""Z' for private manufacturers: book equity in X4, re-estimated weights and cut-offs."""

Z_DOUBLE_PRIME = AltmanModel(
    "Altman Z'' (non-manufacturers)",
    x1_weight=Decimal("6.56"),
    x2_weight=Decimal("3.26"),
    x3_weight=Decimal("6.72"),
    x4_weight=Decimal("1.05"),
    x5_weight=None,
    distress_cutoff=Decimal("1.10"),
    safe_cutoff=Decimal("2.60"),
    equity=EquityMeasure.BOOK,
)
"""Z'' for non-manufacturers and service firms: no sales/assets term, book equity in X4."""

ALTMAN_MODELS: tuple[AltmanModel, ...] = (Z_1968, Z_PRIME, Z_DOUBLE_PRIME)
"""The three published models credkit ships."""


def altman_z(statement: FinancialStatement, *, model: AltmanModel | None = None) -> AltmanResult:
    """Compute ``model``'s Z-score and zone from a financial statement.

    ``model`` is :data:`Z_1968` (the original model for public manufacturers) unless
    given.

    The statement must hold the figures the model's ratios need; a missing figure
    or a zero denominator raises a :class:`~credkit.errors.ValidationError` naming
    it. Sales are not needed by models without X5.

    >>> from credkit.scoring.statements import FinancialStatement
    >>> private = FinancialStatement(
    ...     current_assets=400, current_liabilities=250, total_assets=1000,
    ...     retained_earnings=150, ebit=80, book_equity=450, total_liabilities=550,
    ... )
    >>> result = altman_z(private, model=Z_DOUBLE_PRIME)
    >>> result.score, result.zone.value
    (Decimal('2.869690909090909090909090909'), 'safe')
    >>> altman_z(private, model=Z_PRIME)
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: sales: needed for x5 (sales / total assets) but missing
    """
    if model is None:
        model = Z_1968
    if not isinstance(model, AltmanModel):
        raise ValidationError(f"model: expected an AltmanModel, got {type(model).__name__}")
    return model.evaluate(
        x1(statement),
        x2(statement),
        x3(statement),
        x4(statement, equity=model.equity),
        x5(statement) if model.x5_weight is not None else None,
    )
