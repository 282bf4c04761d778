"""One rating scale: every bureau's grades and scores mapped onto credkit's risk classes.

Each bureau grades on its own scale: Creditsafe's international grade runs from A
(very low risk) to E, D&B's failure score class from 1 (lowest risk) to 5 and its
national percentile from 100 (lowest risk) down to 1. A :class:`RatingScale` maps each
such *provider scale* (:class:`ProviderScale`) onto one list of credkit risk classes,
listed from the best to the worst, so that reports from different bureaus land in
comparable classes and a policy or a limit rule can read one class whatever the source.

A provider scale lists *grades* (:class:`Grade`: a provider's rating and its class) and
or score *bands* (:class:`ScoreBand`: a range of scores and its class), both from the
best to the worst. The mapping must be monotone: a worse grade or a worse score never
lands in a better class. Loading checks that, and that every class is one of the
scale's classes.

>>> scale = RatingScale(id="bureaus", version="1", classes=("A", "B", "C"), scales=(
...     ProviderScale("acme-grades", grades=(Grade("1", "A"), Grade("2", "B"), Grade("3", "C"))),
...     ProviderScale("acme-score", bands=(ScoreBand("A", min_score=70), ScoreBand("B", min_score=40, max_score=70),
...                                        ScoreBand("C", max_score=40))),
... ))
>>> scale.risk_class("acme-grades", rating="2"), scale.risk_class("acme-score", score=39)
('B', 'C')
>>> RatingScale(id="x", version="1", classes=("A", "B"), scales=(
...     ProviderScale("bad", grades=(Grade("1", "B"), Grade("2", "A"))),))
Traceback (most recent call last):
...
credkit.errors.ConfigError: scales[0].grades[1].risk_class: 'A' is better than 'B' of the grade listed before it; list grades from the best to the worst, and a worse grade may not map to a better class
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs

from credkit._validate import describe, optional_number, text, to_optional_number, to_tuple
from credkit.errors import ConfigError, ValidationError
from credkit.money import Numeric, to_decimal

__all__ = ["Grade", "ProviderScale", "RatingScale", "ScoreBand"]


@attrs.frozen
class Grade:
    """A provider's rating (compared without regard to case or surrounding spaces) and
    the credkit risk class it maps to.

    >>> Grade("c", "C").matches(" C ")
    True
    """

    rating: str = attrs.field(validator=text)
    risk_class: str = attrs.field(validator=text)

    def matches(self, rating: str) -> bool:
        """Whether ``rating`` is this grade.

        >>> Grade("1", "A").matches("2")
        False
        """
        return rating.strip().casefold() == self.rating.strip().casefold()


def _band_max(instance: ScoreBand, attribute: attrs.Attribute[Any], value: object) -> None:
    optional_number(instance, attribute, value)
    if value is not None and instance.min_score is not None:
        assert isinstance(value, Decimal)
        if value <= instance.min_score:
            raise ValidationError(
                f"max_score: must be above min_score ({instance.min_score}), got {value}"
            )


@attrs.frozen
class ScoreBand:
    """Scores from ``min_score`` (included) to ``max_score`` (excluded) and their class;
    ``None`` leaves an end open.

    >>> ScoreBand("B", min_score=40, max_score=70).contains(70)
    False
    """

    risk_class: str = attrs.field(validator=text)
    min_score: Decimal | None = attrs.field(
        default=None, kw_only=True, converter=to_optional_number, validator=optional_number
    )
    max_score: Decimal | None = attrs.field(
        default=None, kw_only=True, converter=to_optional_number, validator=_band_max
    )

    def contains(self, score: Numeric) -> bool:
        """Whether ``score`` falls in the band.

        >>> ScoreBand("A", min_score=70).contains(70)
        True
        """
        value = to_decimal(score, field="score")
        if self.min_score is not None and value < self.min_score:
            return False
        return self.max_score is None or value < self.max_score


def _bands(instance: ProviderScale, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, tuple) or not all(isinstance(b, ScoreBand) for b in value):
        raise ValidationError(f"bands: expected a list of ScoreBand, got {describe(value)}")
    higher = instance.higher_is_better
    for index in range(1, len(value)):
        better, worse = value[index - 1], value[index]
        # Higher is better: each band ends where the better one starts; lower is better:
        # each band starts where the better one ends.
        if higher:
            joined, end = worse.max_score == better.min_score, "max_score"
            expected = better.min_score
        else:
            joined, end = worse.min_score == better.max_score, "min_score"
            expected = better.max_score
        if expected is None or not joined:
            order = "the highest" if higher else "the lowest"
            raise ValidationError(
                f"bands[{index}].{end}: must equal the other end of bands[{index - 1}] "
                f"({expected}) so that the bands tile the scores; list the bands from the "
                f"best to the worst ({order} scores first, as higher_is_better is "
                f"{'true' if higher else 'false'})"
            )


def _grades(instance: ProviderScale, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, tuple) or not all(isinstance(g, Grade) for g in value):
        raise ValidationError(f"grades: expected a list of Grade, got {describe(value)}")
    seen: dict[str, int] = {}
    for index, grade in enumerate(value):
        key = grade.rating.strip().casefold()
        if key in seen:
            raise ValidationError(
                f"grades[{index}].rating: {grade.rating!r} is already listed at grades[{seen[key]}]"
            )
        seen[key] = index


@attrs.frozen
class ProviderScale:
    """A provider's scale (``name``, as reports name it) mapped onto risk classes.

    ``grades`` map ratings, ``bands`` map scores; each is listed from the best to the
    worst. ``higher_is_better`` says which way the scores run (true for a percentile,
    false for a probability of default).

    >>> ProviderScale("empty")
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: name: the scale 'empty' maps nothing; give grades, bands or both
    """

    name: str = attrs.field(validator=text)
    grades: tuple[Grade, ...] = attrs.field(
        default=(), kw_only=True, converter=to_tuple, validator=_grades
    )
    higher_is_better: bool = attrs.field(default=True, kw_only=True)
    bands: tuple[ScoreBand, ...] = attrs.field(
        default=(), kw_only=True, converter=to_tuple, validator=_bands
    )
    description: str | None = attrs.field(default=None, kw_only=True)

    def __attrs_post_init__(self) -> None:
        if not self.grades and not self.bands:
            raise ValidationError(
                f"name: the scale {self.name!r} maps nothing; give grades, bands or both"
            )


def _scales(instance: RatingScale, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, tuple) or not all(isinstance(s, ProviderScale) for s in value):
        raise ValidationError(f"scales: expected a list of ProviderScale, got {describe(value)}")
    rank = {name: index for index, name in enumerate(instance.classes)}
    accepted = ", ".join(repr(c) for c in instance.classes)
    names: dict[str, int] = {}
    for s_index, scale in enumerate(value):
        where = f"scales[{s_index}]"
        if scale.name in names:
            raise ValidationError(
                f"{where}.name: {scale.name!r} is already scales[{names[scale.name]}]"
            )
        names[scale.name] = s_index
        for kind, items in (("grades", scale.grades), ("bands", scale.bands)):
            previous: str | None = None
            for index, item in enumerate(items):
                # A ConfigError carries the nested path (scales[0].bands[1].risk_class) that a
                # loader reports; it is a ValidationError for callers building in Python.
                field = f"{where}.{kind}[{index}].risk_class"
                if item.risk_class not in rank:
                    raise ConfigError(
                        f"{item.risk_class!r} is not a class of the scale; accepted are {accepted}",
                        path=field,
                    )
                if previous is not None and rank[item.risk_class] < rank[previous]:
                    what = "grade" if kind == "grades" else "band"
                    raise ConfigError(
                        f"{item.risk_class!r} is better than {previous!r} of the {what} listed "
                        f"before it; list {kind} from the best to the worst, and a worse {what} "
                        "may not map to a better class",
                        path=field,
                    )
                previous = item.risk_class


def _classes(instance: RatingScale, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, tuple) or not value:
        raise ValidationError(f"classes: expected a list of class names, got {describe(value)}")
    for index, name in enumerate(value):
        if not isinstance(name, str) or not name.strip():
            raise ValidationError(f"classes[{index}]: expected a class name, got {describe(name)}")
        if value.index(name) != index:
            raise ValidationError(f"classes[{index}]: {name!r} is listed twice")


@attrs.frozen
class RatingScale:
    """credkit's risk ``classes`` (best first) and each provider scale mapped onto them.

    ``id`` and ``version`` identify the configuration; load one with
    :func:`credkit.config.load` (``credkit.bureau.rating_scale()`` loads the shipped one).

    >>> scale = RatingScale(id="s", version="1", classes=("A", "B"),
    ...                     scales=(ProviderScale("x", grades=(Grade("good", "A"),)),))
    >>> scale.risk_class("x", rating="bad")
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: rating: 'bad' is not a grade of the scale 'x'; its grades are 'good'
    """

    id: str = attrs.field(validator=text)
    version: str = attrs.field(kw_only=True, validator=text)
    classes: tuple[str, ...] = attrs.field(kw_only=True, converter=to_tuple, validator=_classes)
    scales: tuple[ProviderScale, ...] = attrs.field(
        kw_only=True, converter=to_tuple, validator=_scales
    )

    def scale(self, name: str) -> ProviderScale:
        """The provider scale called ``name``.

        >>> RatingScale(id="s", version="1", classes=("A",), scales=()).scale("dnb")
        Traceback (most recent call last):
        ...
        credkit.errors.ValidationError: scale: no provider scale 'dnb' in the rating scale 's'; it has none
        """
        for scale in self.scales:
            if scale.name == name:
                return scale
        known = ", ".join(repr(s.name) for s in self.scales) or "none"
        raise ValidationError(
            f"scale: no provider scale {name!r} in the rating scale {self.id!r}; it has {known}"
        )

    def rank(self, risk_class: str) -> int:
        """The position of ``risk_class``, 0 for the best.

        >>> RatingScale(id="s", version="1", classes=("A", "B"), scales=()).rank("B")
        1
        """
        try:
            return self.classes.index(risk_class)
        except ValueError:
            raise ValidationError(
                f"risk_class: {risk_class!r} is not a class of the scale; accepted are "
                f"{', '.join(repr(c) for c in self.classes)}"
            ) from None

    def risk_class(
        self, scale: str, *, rating: str | None = None, score: Numeric | None = None
    ) -> str:
        """The class of ``rating`` (when the scale has grades) or else ``score`` on ``scale``.

        Raises :class:`~credkit.errors.ValidationError` for an unknown scale, a rating
        that is not one of its grades, a score outside its bands, or neither given.
        """
        provider = self.scale(scale)
        if rating is not None and provider.grades:
            for grade in provider.grades:
                if grade.matches(rating):
                    return grade.risk_class
            grades = ", ".join(repr(g.rating) for g in provider.grades)
            raise ValidationError(
                f"rating: {rating!r} is not a grade of the scale {scale!r}; its grades are {grades}"
            )
        if score is not None and provider.bands:
            value = to_decimal(score, field="score")
            for band in provider.bands:
                if band.contains(value):
                    return band.risk_class
            raise ValidationError(f"score: {value} is outside the bands of the scale {scale!r}")
        raise ValidationError(
            f"rating, score: the scale {scale!r} maps "
            + " and ".join(
                k for k, v in (("ratings", provider.grades), ("scores", provider.bands)) if v
            )
            + f", got rating={rating!r} and score={score!r}"
        )
