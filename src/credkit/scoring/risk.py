"""Risk classes: from a score to a class with a probability of default and a review interval.

A :class:`RiskScale` is an ordered list of risk classes (:class:`RiskClass`), listed from the
best (highest scores) to the worst. Each class covers scores from ``min_score``
(included) up to ``max_score`` (excluded); the best class may leave
``max_score`` open and the worst may leave ``min_score`` open. The classes must
tile the scale: each class's ``max_score`` is the ``min_score`` of the class
above it, so that there are no gaps and no overlaps, and every score on the
scale falls in exactly one class. Probabilities of default may not fall from a
better class to a worse one.

>>> scale = RiskScale(
...     id="trade-credit", version="1",
...     classes=(
...         RiskClass("A", min_score=650, pd="0.005", review_months=24),
...         RiskClass("B", min_score=550, max_score=650, pd="0.02", review_months=12),
...         RiskClass("C", max_score=550, pd="0.08", review_months=6),
...     ),
... )
>>> scale.risk_class(650).name, scale.risk_class("649.99").name, scale.risk_class(-10).name
('A', 'B', 'C')
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import attrs

from credkit._validate import number, optional_number, text, to_number, to_optional_number, tuple_of
from credkit.errors import ValidationError
from credkit.money import Numeric, to_decimal

__all__ = ["RiskClass", "RiskScale"]


def _max_score(instance: RiskClass, attribute: attrs.Attribute[Any], value: object) -> None:
    optional_number(instance, attribute, value)
    if value is not None and instance.min_score is not None:
        assert isinstance(value, Decimal)
        if value <= instance.min_score:
            raise ValidationError(
                f"max_score: must be above min_score ({instance.min_score}), got {value}"
            )


def _pd(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    number(instance, attribute, value)
    assert isinstance(value, Decimal)
    if not 0 <= value <= 1:
        raise ValidationError(
            f"pd: must be between 0 and 1 (a fraction, not a percentage), got {value}"
        )


def _months(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError(
            f"review_months: expected a whole number of months of 1 or more, got {value!r}"
        )


@attrs.frozen
class RiskClass:
    """One class of a :class:`RiskScale`.

    Scores from ``min_score`` (included) to ``max_score`` (excluded) fall in the
    class; ``None`` leaves that end open. ``pd`` is the class's probability of
    default as a fraction (``0.02`` for 2 %), ``review_months`` how often a
    customer in the class should be reviewed.

    >>> RiskClass("B", min_score=550, max_score=650, pd="0.02", review_months=12).contains(600)
    True
    >>> RiskClass("B", min_score=550, max_score=650, pd=2, review_months=12)
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: pd: must be between 0 and 1 (a fraction, not a percentage), got 2
    """

    name: str = attrs.field(validator=text)
    min_score: Decimal | None = attrs.field(
        kw_only=True, default=None, converter=to_optional_number, validator=optional_number
    )
    max_score: Decimal | None = attrs.field(
        kw_only=True, default=None, converter=to_optional_number, validator=_max_score
    )
    pd: Decimal = attrs.field(kw_only=True, converter=to_number, validator=_pd)
    review_months: int = attrs.field(kw_only=True, validator=_months)

    def contains(self, score: Numeric) -> bool:
        """Whether ``score`` falls in this class (``min_score <= score < max_score``).

        >>> RiskClass("A", min_score=650, pd="0.005", review_months=24).contains(650)
        True
        """
        value = to_decimal(score, field="score")
        if self.min_score is not None and value < self.min_score:
            return False
        return self.max_score is None or value < self.max_score


def _to_classes(value: Iterable[RiskClass]) -> tuple[RiskClass, ...]:
    if isinstance(value, list | tuple):
        return tuple(value)
    return value  # type: ignore[return-value]  # the validator reports it


def _classes(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    tuple_of(RiskClass, "RiskClass")(instance, attribute, value)
    assert isinstance(value, tuple)
    if not value:
        raise ValidationError("classes: a risk scale needs at least one class")
    seen: dict[str, int] = {}
    for index, current in enumerate(value):
        where = f"classes[{index}]"
        if current.name in seen:
            raise ValidationError(
                f"{where}.name: {current.name!r} is already used by classes[{seen[current.name]}]"
            )
        seen[current.name] = index
        if index > 0 and current.max_score is None:
            raise ValidationError(
                f"{where}.max_score: only the first (best) class may leave max_score open; "
                "list the classes from the highest scores to the lowest"
            )
        if index < len(value) - 1 and current.min_score is None:
            raise ValidationError(
                f"{where}.min_score: only the last (worst) class may leave min_score open; "
                "list the classes from the highest scores to the lowest"
            )
        if index == 0:
            continue
        better = value[index - 1]
        if current.max_score != better.min_score:
            problem = (
                "overlaps"
                if current.max_score is not None
                and better.min_score is not None
                and current.max_score > better.min_score
                else "leaves a gap to"
            )
            raise ValidationError(
                f"{where}.max_score: must equal classes[{index - 1}].min_score "
                f"({better.min_score}) so that the classes tile the scale; "
                f"{current.max_score} {problem} class {better.name!r}"
            )
        if current.pd < better.pd:
            raise ValidationError(
                f"{where}.pd: {current.pd} is below the pd of the better class "
                f"{better.name!r} ({better.pd}); a worse class cannot be less likely to default"
            )


@attrs.frozen
class RiskScale:
    """Risk classes that tile a score scale, listed from best to worst.

    ``risk_class(score)`` finds the class of a score; a score outside a scale
    whose ends are closed raises a :class:`~credkit.errors.ValidationError`.
    ``id`` and ``version`` identify the configuration.

    >>> scale = RiskScale(id="s", version="1", classes=(
    ...     RiskClass("good", min_score=500, max_score=900, pd="0.01", review_months=12),
    ...     RiskClass("bad", min_score=0, max_score=500, pd="0.1", review_months=3),
    ... ))
    >>> scale.risk_class(900)
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: score: 900 is at or above the top of the scale (900, the end of class 'good')
    >>> RiskScale(id="s", version="1", classes=(
    ...     RiskClass("good", min_score=500, pd="0.01", review_months=12),
    ...     RiskClass("bad", min_score=0, max_score=450, pd="0.1", review_months=3),
    ... ))
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: classes[1].max_score: must equal classes[0].min_score (500) so that the classes tile the scale; 450 leaves a gap to class 'good'
    """

    id: str = attrs.field(validator=text)
    version: str = attrs.field(kw_only=True, validator=text)
    classes: tuple[RiskClass, ...] = attrs.field(
        kw_only=True, converter=_to_classes, validator=_classes
    )
    _bounds: tuple[Decimal, ...] = attrs.field(init=False, repr=False, eq=False, hash=False)

    def __attrs_post_init__(self) -> None:
        # Lower bounds from the worst class up, for bisect: class i (best first)
        # starts at bounds[len - 1 - i].
        bounds = tuple(
            Decimal("-Infinity") if risk.min_score is None else risk.min_score
            for risk in reversed(self.classes)
        )
        object.__setattr__(self, "_bounds", bounds)

    def risk_class(self, score: Numeric) -> RiskClass:
        """The class that ``score`` falls in.

        >>> scale = RiskScale(id="s", version="1", classes=(
        ...     RiskClass("A", min_score=600, pd="0.01", review_months=12),
        ...     RiskClass("B", max_score=600, pd="0.05", review_months=6),
        ... ))
        >>> scale.risk_class(600).name, scale.risk_class("599.5").review_months
        ('A', 6)
        """
        value = to_decimal(score, field="score")
        position = bisect.bisect_right(self._bounds, value) - 1
        if position < 0:
            worst = self.classes[-1]
            raise ValidationError(
                f"score: {value} is below the bottom of the scale "
                f"({worst.min_score}, the start of class {worst.name!r})"
            )
        found = self.classes[len(self.classes) - 1 - position]
        if found.max_score is not None and value >= found.max_score:
            raise ValidationError(
                f"score: {value} is at or above the top of the scale "
                f"({found.max_score}, the end of class {found.name!r})"
            )
        return found
