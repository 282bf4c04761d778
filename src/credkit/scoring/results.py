"""What a scorecard gives for one customer: the total, per-factor contributions, reasons.

:class:`ScoreResult` is what :meth:`~credkit.scoring.scorecard.Scorecard.score`
returns; :class:`FactorContribution` is one factor's share of it. A result holds the
total and what the scorecard read, and works out everything else on first read.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple, cast

import attrs

from credkit._notebook import html_table, plain, rows_caption, text_rows
from credkit.scoring.risk import RiskClass

if TYPE_CHECKING:
    from credkit.scoring.scorecard import Scorecard

__all__ = ["FactorContribution", "ScoreResult"]


class FactorContribution(NamedTuple):
    """What one factor gave for one customer.

    ``value`` is the input as read (a ``Decimal`` for bins, the string for
    categories, ``None`` when missing); ``matched`` is the bin label or range, or
    the category, or ``None`` when the missing rule applied. ``missing`` says the
    input was absent or blank; ``unseen`` that it was present but matched nothing.

    An immutable named tuple rather than an attrs class: a scorecard creates one
    per factor for every customer it scores, and a tuple is several times
    cheaper to create.

    >>> c = FactorContribution(factor="age", reason_code="AGE", value=Decimal(3), matched="[2, 5)",
    ...     points=Decimal(15), max_points=Decimal(30), missing=False, unseen=False)
    >>> c.lost
    Decimal('15')
    """

    factor: str
    reason_code: str
    value: Decimal | str | None
    matched: str | None
    points: Decimal
    max_points: Decimal
    missing: bool
    unseen: bool

    @property
    def lost(self) -> Decimal:
        """Points below the factor's maximum (zero when the factor scored its best).

        >>> FactorContribution(factor="f", reason_code="F", value=None, matched=None,
        ...     points=Decimal(0), max_points=Decimal(10), missing=True, unseen=False).lost
        Decimal('10')
        """
        return self.max_points - self.points


class _Deferred:
    """What :meth:`Scorecard.score` keeps for a :class:`ScoreResult` to fill itself in.

    ``_scorecard`` is the scorecard and ``_read`` one flat tuple: per factor the value
    read, then per factor the points given (numbers, strings and None only, so the
    garbage collector soon stops tracking it). Plain slots of a base class rather than
    attrs fields, so that a result's fields, equality, ``repr``, ``attrs.asdict`` and
    pickled state are its public fields only, as they have always been.
    """

    __slots__ = ("_read", "_scorecard")
    _scorecard: Scorecard
    _read: tuple[Decimal | int | str | None, ...]

    if not TYPE_CHECKING:  # hidden from type checkers, which would accept any name otherwise

        def __getattr__(self, name: str) -> object:
            # Called only for a slot that is not set: a field Scorecard.score left unset.
            compute = _LAZY_FIELDS.get(name)
            if compute is None:
                raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
            value = compute(self)
            object.__setattr__(self, name, value)
            return value


@attrs.frozen(kw_only=True)
class ScoreResult(_Deferred):
    """A scored customer: total, per-factor contributions and adverse reason codes.

    ``scorecard_id`` and ``scorecard_version`` record which scorecard produced it.
    ``reason_codes`` lists the factors that lost points, most points lost first.
    ``pd`` is the probability of default the total stands for under the
    scorecard's scaling (``None`` without one); ``risk_class`` is the class of the
    scorecard's risk scale (``None`` without one).

    A result made by :meth:`Scorecard.score` holds only the total and, per factor,
    the input value read and the points given. Every other field is worked out
    from those the first time it is read (``contributions`` with
    :meth:`Factor.evaluate`, ``pd`` with the scorecard's scaling, under the decimal
    context current then) and kept, so reading it again gives the same object.
    Nothing else changes: the fields, equality, hashing, ``repr`` and pickling
    are those of a result built with every field given, as in the example below.

    >>> from credkit.scoring.scorecard import Bin, Factor, Scorecard
    >>> card = Scorecard("c", version="2", factors=(
    ...     Factor("a", reason_code="A", missing=0, bins=(Bin(upper=1, points=0), Bin(lower=1, points=10))),
    ...     Factor("b", reason_code="B", missing=0, bins=(Bin(upper=1, points=0), Bin(lower=1, points=10))),
    ... ))
    >>> result = card.score({"a": 0, "b": 0})
    >>> result.reason_codes, [c.factor for c in result.reasons]
    (('A', 'B'), ['a', 'b'])
    >>> result == ScoreResult(scorecard_id="c", scorecard_version="2", total=result.total,
    ...     contributions=result.contributions, reason_codes=("A", "B"))
    True
    """

    scorecard_id: str
    scorecard_version: str
    total: Decimal
    contributions: tuple[FactorContribution, ...]
    reason_codes: tuple[str, ...]
    pd: Decimal | None = None
    risk_class: RiskClass | None = None

    @property
    def reasons(self) -> tuple[FactorContribution, ...]:
        """The contributions that lost points, in the order of :attr:`reason_codes`.

        >>> from credkit.scoring.scorecard import Category, Factor, Scorecard
        >>> card = Scorecard("c", version="1", factors=(
        ...     Factor("a", reason_code="A", missing=0, categories=(Category("x", points=5),)),))
        >>> card.score({"a": "x"}).reasons
        ()
        """
        by_code = {c.reason_code: c for c in self.contributions}
        return tuple(by_code[code] for code in self.reason_codes)

    def to_records(self) -> list[dict[str, Any]]:
        """One record per factor for a data frame: what was read, matched and scored.

        ``value`` is the input as read, as text (a number in plain digits; None when
        missing), so that the column has one type; ``points``, ``max_points`` and
        ``lost`` are ``Decimal``. The total, the scorecard and the risk class are
        the result's own fields (and the caption of its HTML table). See the
        how-to guide on notebooks.

        >>> from credkit.scoring.scorecard import Bin, Factor, Scorecard
        >>> card = Scorecard("c", version="2", factors=(
        ...     Factor("age", reason_code="AGE", missing=0,
        ...            bins=(Bin(upper=2, points=0), Bin(lower=2, points=10))),))
        >>> card.score({"age": 1}).to_records()
        [{'factor': 'age', 'reason_code': 'AGE', 'value': '1', 'matched': '< 2',
          'points': Decimal('0'), 'max_points': Decimal('10'), 'lost': Decimal('10'),
          'missing': False, 'unseen': False}]
        """
        return [
            {
                "factor": c.factor,
                "reason_code": c.reason_code,
                "value": None if c.value is None else plain(c.value),
                "matched": c.matched,
                "points": c.points,
                "max_points": c.max_points,
                "lost": c.lost,
                "missing": c.missing,
                "unseen": c.unseen,
            }
            for c in self.contributions
        ]

    def to_rows(self) -> list[dict[str, Any]]:
        """:meth:`to_records` for CSV or JSON: decimals as plain strings.

        >>> from credkit.scoring.scorecard import Category, Factor, Scorecard
        >>> card = Scorecard("c", version="1", factors=(
        ...     Factor("a", reason_code="A", missing=0, categories=(Category("x", points=5),)),))
        >>> card.score({"a": "x"}).to_rows()
        [{'factor': 'a', 'reason_code': 'A', 'value': 'x', 'matched': 'x', 'points': '5', 'max_points': '5', 'lost': '0', 'missing': False, 'unseen': False}]
        """
        return text_rows(self.to_records())

    def _repr_html_(self) -> str:
        """The factors as an HTML table, for Jupyter, with the total in the caption.

        >>> from credkit.scoring.scorecard import Category, Factor, Scorecard
        >>> card = Scorecard("c", version="1", factors=(
        ...     Factor("a", reason_code="A", missing=0, categories=(Category("x", points=5),)),))
        >>> "ScoreResult of c version 1: total 5" in card.score({"a": "x"})._repr_html_()
        True
        """
        what = f"of {self.scorecard_id} version {self.scorecard_version}: total {plain(self.total)}"
        if self.risk_class is not None:
            what += f", risk class {self.risk_class.name}"
        records = self.to_records()
        return html_table(rows_caption("ScoreResult", what, len(records)), records)


def _contributions(result: ScoreResult) -> tuple[FactorContribution, ...]:
    # Factor.evaluate defines every contribution; score() only kept what it read.
    factors = result._scorecard.factors
    return tuple(
        factor.evaluate(value)
        for factor, value in zip(factors, result._read[: len(factors)], strict=True)
    )


def _reason_codes(result: ScoreResult) -> tuple[str, ...]:
    factors = result._scorecard.factors
    given = cast("tuple[Decimal | int, ...]", result._read[len(factors) :])
    losers = sorted(
        # (points - maximum, position): most points lost first, ties in factor order
        (points - factor.max_points, index)
        for index, (factor, points) in enumerate(zip(factors, given, strict=True))
        if points < factor.max_points
    )
    return tuple(factors[index].reason_code for _, index in losers)


def _pd(result: ScoreResult) -> Decimal | None:
    scaling = result._scorecard.scaling
    return None if scaling is None else scaling.pd_from_score(result.total)


def _risk_class(result: ScoreResult) -> RiskClass | None:
    scale = result._scorecard.risk_scale
    return None if scale is None else scale.risk_class(result.total)


_LAZY_FIELDS: dict[str, Callable[[ScoreResult], object]] = {
    "scorecard_id": lambda result: result._scorecard.id,
    "scorecard_version": lambda result: result._scorecard.version,
    "contributions": _contributions,
    "reason_codes": _reason_codes,
    "pd": _pd,
    "risk_class": _risk_class,
}
