"""Points scorecards: factors, bins, categories, missing values and reason codes.

A :class:`Scorecard` adds up points. Each :class:`Factor` reads one named input
(a ratio, a bureau score, a payment index, years in business: any value the host
supplies in a mapping) and gives points by numeric ranges (:class:`Bin`) or by
:class:`Category` values. The rules, in full:

* **Bins** are half-open ranges ``[lower, upper)``: ``lower`` is included,
  ``upper`` is not. The first bin may leave ``lower`` open and the last may leave
  ``upper`` open. Bins are listed in increasing order and may not overlap; gaps
  are allowed, and a value in a gap counts as *unseen*.
* **Categories** match an input string exactly (case and spacing matter).
* **Missing and unseen values** get the factor's ``missing`` rule: explicit
  points (``missing = 0``), or ``"min"``, the factor's lowest bin or category
  points. An input is missing when its key is absent, ``None`` or a blank
  string; it is unseen when it is present but no bin or category matches.
* **Weight** (default 1) multiplies every point value of the factor, the
  explicit missing points included.
* **Maximum points** of a factor are its highest possible points (bins,
  categories and explicit missing points). The points a customer *lost* on a
  factor are the maximum less the points scored.
* **Reason codes** are the ``reason_code`` values of the factors that lost points,
  ordered by the points lost, largest first; ties keep the scorecard's factor
  order. These are the "adverse reasons" a credit decision reports.

The total is ``base_points`` plus each factor's points. With a
:class:`~credkit.scoring.scaling.Scaling` the result also carries the
probability of default the total stands for, and with a
:class:`~credkit.scoring.risk.RiskScale` the risk class. With a
:class:`~credkit.scoring.scaling.ScoreRange` (such as 300 to 850),
:meth:`Scorecard.scaled_score` puts a total on that fixed range.

Numeric inputs are ``Decimal``, ``int`` or numeric strings; a ``float`` is refused
like everywhere in credkit.

>>> card = Scorecard(
...     "trade", version="1",
...     factors=(
...         Factor("current_ratio", reason_code="LIQ", missing="min", bins=(
...             Bin(upper="1.0", points=0),
...             Bin(lower="1.0", upper="1.5", points=20),
...             Bin(lower="1.5", points=40),
...         )),
...         Factor("legal_form", reason_code="FORM", missing=5, categories=(
...             Category("corporation", points=30),
...             Category("sole_trader", points=10),
...         )),
...     ),
... )
>>> result = card.score({"current_ratio": "1.2", "legal_form": "partnership"})
>>> result.total, result.reason_codes
(Decimal('25'), ('FORM', 'LIQ'))
>>> [(c.factor, c.matched, c.points, c.unseen) for c in result.contributions]
[('current_ratio', '[1.0, 1.5)', Decimal('20'), False), ('legal_form', None, Decimal('5'), True)]
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

import attrs

from credkit._validate import (
    number,
    optional_number,
    optional_text,
    positive,
    text,
    to_number,
    to_optional_number,
    tuple_of,
)
from credkit.config import converter as _config_converter
from credkit.errors import ConfigError, ValidationError
from credkit.money import MAX_MAGNITUDE, MIN_MAGNITUDE, Numeric, to_decimal
from credkit.scoring._fast import ScoringFunction, compile_scorecard
from credkit.scoring.results import FactorContribution, ScoreResult
from credkit.scoring.risk import RiskScale
from credkit.scoring.scaling import Scaling, ScoreRange

__all__ = ["Bin", "Category", "Factor", "Scorecard"]

_NEG_INF = Decimal("-Infinity")
_new_contribution = tuple.__new__  # builds a FactorContribution without the keyword layer
_MIN: Literal["min"] = "min"
_LOWEST, _HIGHEST = MIN_MAGNITUDE, MAX_MAGNITUDE  # to_decimal's bounds on sizes


# -- bins and categories -----------------------------------------------------------------


def _upper(instance: Bin, attribute: attrs.Attribute[Any], value: object) -> None:
    optional_number(instance, attribute, value)
    if value is not None and instance.lower is not None:
        assert isinstance(value, Decimal)
        if value <= instance.lower:
            raise ValidationError(f"upper: must be above lower ({instance.lower}), got {value}")


@attrs.frozen(kw_only=True)
class Bin:
    """A numeric range ``[lower, upper)`` and the points it gives.

    ``lower`` is included and ``upper`` excluded; ``None`` leaves an end open.
    ``label`` names the bin in results; without one the range is shown.

    >>> Bin(lower="1.0", upper="1.5", points=20).contains(Decimal("1.5"))
    False
    >>> Bin(lower="1.0", upper="1.5", points=20).describe(), Bin(upper=0, points=0).describe()
    ('[1.0, 1.5)', '< 0')
    >>> Bin(lower=2, upper=1, points=0)
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: upper: must be above lower (2), got 1
    """

    lower: Decimal | None = attrs.field(
        default=None, converter=to_optional_number, validator=optional_number
    )
    upper: Decimal | None = attrs.field(
        default=None, converter=to_optional_number, validator=_upper
    )
    points: Decimal = attrs.field(converter=to_number, validator=number)
    label: str | None = attrs.field(default=None, validator=optional_text)

    def contains(self, value: Decimal) -> bool:
        """Whether ``lower <= value < upper`` (open ends always match).

        >>> Bin(lower=10, points=5).contains(Decimal(10))
        True
        """
        if self.lower is not None and value < self.lower:
            return False
        return self.upper is None or value < self.upper

    def describe(self) -> str:
        """The label, or the range as ``[lower, upper)``, ``< upper`` or ``>= lower``.

        >>> Bin(lower=3, points=1).describe()
        '>= 3'
        """
        if self.label is not None:
            return self.label
        if self.lower is None and self.upper is None:
            return "any value"
        if self.lower is None:
            return f"< {self.upper}"
        if self.upper is None:
            return f">= {self.lower}"
        return f"[{self.lower}, {self.upper})"


@attrs.frozen
class Category:
    """A category value (matched exactly) and the points it gives.

    >>> Category("corporation", points=30)
    Category(value='corporation', points=Decimal('30'))
    """

    value: str = attrs.field(validator=text)
    points: Decimal = attrs.field(kw_only=True, converter=to_number, validator=number)


# -- factors -------------------------------------------------------------------------------


def _to_bins(value: Iterable[Bin]) -> tuple[Bin, ...]:
    if isinstance(value, list | tuple):
        return tuple(value)
    return value  # type: ignore[return-value]  # the validator reports it


def _to_categories(value: Iterable[Category]) -> tuple[Category, ...]:
    if isinstance(value, list | tuple):
        return tuple(value)
    return value  # type: ignore[return-value]  # the validator reports it


def _to_missing(value: Numeric | Literal["min"]) -> Decimal | Literal["min"]:
    if value == _MIN:
        return _MIN
    return to_number(value)  # type: ignore[return-value]  # the validator reports the rest


def _missing(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value == _MIN:
        return
    if isinstance(value, Decimal) and value.is_finite():
        return
    if isinstance(value, float):
        to_decimal(value, field="missing")
    raise ValidationError(
        f"missing: expected 'min' or a number of points, got {type(value).__name__} {value!r}"
    )


def _bins(instance: Factor, attribute: attrs.Attribute[Any], value: object) -> None:
    tuple_of(Bin, "Bin")(instance, attribute, value)
    assert isinstance(value, tuple)
    last = len(value) - 1
    for index, current in enumerate(value):
        if index > 0 and current.lower is None:
            raise ValidationError(
                f"bins[{index}].lower: only the first bin may leave lower open; "
                "list bins in increasing order"
            )
        if index < last and current.upper is None:
            raise ValidationError(
                f"bins[{index}].upper: only the last bin may leave upper open; "
                "list bins in increasing order"
            )
        if index > 0:
            previous = value[index - 1]
            assert current.lower is not None
            assert previous.upper is not None
            if current.lower < previous.upper:
                raise ValidationError(
                    f"bins[{index}].lower: {current.lower} is below bins[{index - 1}].upper "
                    f"({previous.upper}); bins must be in increasing order and must not overlap"
                )


def _categories(instance: Factor, attribute: attrs.Attribute[Any], value: object) -> None:
    tuple_of(Category, "Category")(instance, attribute, value)
    assert isinstance(value, tuple)
    if value and instance.bins:
        raise ValidationError(
            "categories: a factor has bins (numeric ranges) or categories, not both"
        )
    if not value and not instance.bins:
        raise ValidationError(
            "bins: a factor needs bins (numeric ranges) or categories; both are empty"
        )
    seen: dict[str, int] = {}
    for index, category in enumerate(value):
        if category.value in seen:
            raise ValidationError(
                f"categories[{index}].value: {category.value!r} is already listed "
                f"at categories[{seen[category.value]}]"
            )
        seen[category.value] = index


def _default_input(instance: Factor) -> str:
    return instance.name


@attrs.frozen
class Factor:
    """One scorecard factor: which input it reads and how it gives points.

    ``input`` is the key the factor reads from the inputs mapping (by default
    its ``name``); ``reason_code`` is the stable code reported when the factor
    costs points; ``description`` is an optional human-readable reason text.
    Give either ``bins`` or ``categories``. ``missing`` is ``"min"`` or explicit
    points for missing and unseen values; ``weight`` (above zero) multiplies all
    points of the factor.

    >>> age = Factor("years_in_business", reason_code="AGE", missing=0, bins=(
    ...     Bin(upper=2, points=0), Bin(lower=2, upper=5, points=15), Bin(lower=5, points=30),
    ... ), weight=2)
    >>> age.max_points, age.min_points
    (Decimal('60'), Decimal('0'))
    >>> Factor("x", reason_code="X", missing="min", bins=(
    ...     Bin(upper=5, points=0), Bin(lower=4, points=10),
    ... ))
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: bins[1].lower: 4 is below bins[0].upper (5); bins must be in increasing order and must not overlap
    """

    name: str = attrs.field(validator=text)
    input: str = attrs.field(
        kw_only=True, default=attrs.Factory(_default_input, takes_self=True), validator=text
    )
    reason_code: str = attrs.field(kw_only=True, validator=text)
    missing: Decimal | Literal["min"] = attrs.field(
        kw_only=True, converter=_to_missing, validator=_missing
    )
    bins: tuple[Bin, ...] = attrs.field(
        kw_only=True, default=(), converter=_to_bins, validator=_bins
    )
    categories: tuple[Category, ...] = attrs.field(
        kw_only=True, default=(), converter=_to_categories, validator=_categories
    )
    weight: Decimal = attrs.field(
        kw_only=True, default=Decimal(1), converter=to_number, validator=positive
    )
    description: str | None = attrs.field(kw_only=True, default=None, validator=optional_text)

    # Derived lookup tables, filled in __attrs_post_init__.
    _lowers: tuple[Decimal, ...] = attrs.field(init=False, repr=False, eq=False, hash=False)
    _points: tuple[Decimal, ...] = attrs.field(init=False, repr=False, eq=False, hash=False)
    _uppers: tuple[Decimal | None, ...] = attrs.field(init=False, repr=False, eq=False, hash=False)
    _labels: tuple[str, ...] = attrs.field(init=False, repr=False, eq=False, hash=False)
    _binned: bool = attrs.field(init=False, repr=False, eq=False, hash=False)
    _matches: dict[str, FactorContribution] = attrs.field(
        init=False, repr=False, eq=False, hash=False
    )
    _missing_result: FactorContribution = attrs.field(init=False, repr=False, eq=False, hash=False)
    _missing_points: Decimal = attrs.field(init=False, repr=False, eq=False, hash=False)
    _max: Decimal = attrs.field(init=False, repr=False, eq=False, hash=False)
    _min: Decimal = attrs.field(init=False, repr=False, eq=False, hash=False)

    def __attrs_post_init__(self) -> None:
        options: tuple[Bin, ...] | tuple[Category, ...] = self.bins or self.categories
        try:
            points = tuple(option.points * self.weight for option in options)
            explicit = None if isinstance(self.missing, str) else self.missing * self.weight
        except ArithmeticError:
            raise ValidationError(
                f"weight: {self.weight} times the points is too large to compute"
            ) from None
        lowest = min(points)
        missing_points = lowest if explicit is None else explicit
        maximum = max(*points, missing_points)
        setattr_ = object.__setattr__
        setattr_(
            self, "_lowers", tuple(_NEG_INF if b.lower is None else b.lower for b in self.bins)
        )
        setattr_(self, "_uppers", tuple(b.upper for b in self.bins))
        setattr_(self, "_points", points)
        setattr_(self, "_labels", tuple(b.describe() for b in self.bins))
        setattr_(self, "_binned", bool(self.bins))
        setattr_(self, "_missing_points", missing_points)
        setattr_(self, "_max", maximum)
        setattr_(self, "_min", min(lowest, missing_points))
        # Results that do not depend on a number are built once and shared (they are immutable).
        setattr_(
            self,
            "_matches",
            {
                c.value: FactorContribution(
                    self.name, self.reason_code, c.value, c.value, p, maximum, False, False
                )
                for c, p in zip(self.categories, points, strict=False)
            },
        )
        setattr_(
            self,
            "_missing_result",
            FactorContribution(
                self.name, self.reason_code, None, None, missing_points, maximum, True, False
            ),
        )

    @property
    def max_points(self) -> Decimal:
        """The most points the factor can give (weighted).

        >>> Factor("f", reason_code="F", missing=50, categories=(Category("a", points=10),)).max_points
        Decimal('50')
        """
        return self._max

    @property
    def min_points(self) -> Decimal:
        """The fewest points the factor can give (weighted).

        >>> Factor("f", reason_code="F", missing="min", categories=(Category("a", points=10),)).min_points
        Decimal('10')
        """
        return self._min

    def evaluate(self, value: Decimal | int | str | None) -> FactorContribution:
        """The points this factor gives for one input value.

        >>> f = Factor("bureau_score", reason_code="BUR", missing="min", bins=(
        ...     Bin(upper=50, points=0), Bin(lower=50, points=25)))
        >>> f.evaluate("72").points, f.evaluate(None).missing, f.evaluate("").points
        (Decimal('25'), True, Decimal('0'))
        >>> f.evaluate(72.0)
        Traceback (most recent call last):
        ...
        credkit.errors.ValidationError: bureau_score: float 72.0 is not exact; pass a Decimal, an int or a string such as '72.0'
        """
        if value is None or (isinstance(value, str) and not value.strip()):
            return self._missing_result
        if self._binned:
            if type(value) is str:
                try:
                    number_ = Decimal(value)
                except InvalidOperation:
                    number_ = to_decimal(value, field=self.input)
            elif type(value) is Decimal:
                number_ = value
            else:
                number_ = to_decimal(value, field=self.input)
            if not number_.is_finite() or not _LOWEST <= number_.adjusted() <= _HIGHEST:
                to_decimal(value, field=self.input)  # raises, naming the input and the value
            position = bisect_right(self._lowers, number_) - 1
            if position >= 0:
                upper = self._uppers[position]
                if upper is None or number_ < upper:
                    return _new_contribution(
                        FactorContribution,
                        (
                            self.name,
                            self.reason_code,
                            number_,
                            self._labels[position],
                            self._points[position],
                            self._max,
                            False,
                            False,
                        ),
                    )
            return self._unseen(number_)
        if not isinstance(value, str):
            raise ValidationError(
                f"{self.input}: expected a category as a string, got "
                f"{type(value).__name__} {value!r}"
            )
        matched = self._matches.get(value)
        return self._unseen(value) if matched is None else matched

    def _unseen(self, value: Decimal | str) -> FactorContribution:
        return FactorContribution(
            self.name, self.reason_code, value, None, self._missing_points, self._max, False, True
        )


# -- the scorecard -------------------------------------------------------------------------


def _to_factors(value: Iterable[Factor]) -> tuple[Factor, ...]:
    if isinstance(value, list | tuple):
        return tuple(value)
    return value  # type: ignore[return-value]  # the validator reports it


def _factors(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    tuple_of(Factor, "Factor")(instance, attribute, value)
    assert isinstance(value, tuple)
    if not value:
        raise ValidationError("factors: a scorecard needs at least one factor")
    names: dict[str, int] = {}
    codes: dict[str, int] = {}
    for index, factor in enumerate(value):
        if factor.name in names:
            raise ValidationError(
                f"factors[{index}].name: {factor.name!r} is already used by "
                f"factors[{names[factor.name]}]"
            )
        if factor.reason_code in codes:
            raise ValidationError(
                f"factors[{index}].reason_code: {factor.reason_code!r} is already used by "
                f"factors[{codes[factor.reason_code]}]; reason codes must be unique"
            )
        names[factor.name] = index
        codes[factor.reason_code] = index


def _optional(kind: type, name: str) -> Any:
    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is not None and not isinstance(value, kind):
            raise ValidationError(
                f"{attribute.name}: expected a {name} or None, got {type(value).__name__}"
            )

    return check


@attrs.frozen
class Scorecard:
    """A versioned points scorecard.

    ``id`` and ``version`` identify it (every :class:`ScoreResult` records them);
    ``factors`` are scored in order and have unique names and reason codes;
    ``base_points`` (default 0) is added to every total. ``scaling`` and
    ``risk_scale`` are optional; with them a result also carries a probability
    of default and a risk class. ``score_range`` (optional) is the fixed range
    :meth:`scaled_score` maps totals onto; the probability of default and the
    risk class still read the total.

    >>> card = Scorecard("demo", version="1", base_points=100, factors=(
    ...     Factor("payment_index", reason_code="PAY", missing="min", bins=(
    ...         Bin(upper=50, points=0), Bin(lower=50, upper=80, points=30), Bin(lower=80, points=60),
    ...     )),
    ... ))
    >>> card.score({"payment_index": 80}).total, card.min_total, card.max_total
    (Decimal('160'), Decimal('100'), Decimal('160'))
    """

    id: str = attrs.field(validator=text)
    version: str = attrs.field(kw_only=True, validator=text)
    factors: tuple[Factor, ...] = attrs.field(
        kw_only=True, converter=_to_factors, validator=_factors
    )
    base_points: Decimal = attrs.field(
        kw_only=True, default=Decimal(0), converter=to_number, validator=number
    )
    scaling: Scaling | None = attrs.field(
        kw_only=True, default=None, validator=_optional(Scaling, "Scaling")
    )
    risk_scale: RiskScale | None = attrs.field(
        kw_only=True, default=None, validator=_optional(RiskScale, "RiskScale")
    )
    score_range: ScoreRange | None = attrs.field(
        kw_only=True, default=None, validator=_optional(ScoreRange, "ScoreRange")
    )

    _min_total: Decimal = attrs.field(init=False, repr=False, eq=False, hash=False)
    _max_total: Decimal = attrs.field(init=False, repr=False, eq=False, hash=False)
    _score: ScoringFunction = attrs.field(init=False, repr=False, eq=False, hash=False)

    def __attrs_post_init__(self) -> None:
        # Adding up the extremes in order bounds every partial sum score() will compute,
        # so a scorecard that loads can always be scored without an arithmetic overflow.
        low = high = self.base_points
        try:
            for factor in self.factors:
                low += factor.min_points
                high += factor.max_points
        except ArithmeticError:
            raise ValidationError(
                "factors: the points are too large to add up; use points of a sensible size"
            ) from None
        object.__setattr__(self, "_min_total", low)
        object.__setattr__(self, "_max_total", high)
        if self.score_range is not None and low == high:
            raise ValidationError(
                f"score_range: every total of this scorecard is {low}, so there is no range "
                "of totals to rescale; give the factors points that differ"
            )
        if self.risk_scale is not None:
            for end in (low, high):
                try:
                    self.risk_scale.risk_class(end)
                except ValidationError as error:
                    raise ValidationError(
                        f"risk_scale: does not cover every total this scorecard can give "
                        f"({low} to {high}): {error}"
                    ) from None
        # A result works out its probability of default when it is first read. That
        # cannot fail when the scaling copes with both extreme totals (the PD is
        # monotonic in the total); if it does not, score() computes the PD at once and
        # raises for the customers it cannot express, as it always has.
        eager_pd = False
        if self.scaling is not None:
            try:
                self.scaling.pd_from_score(low)
                self.scaling.pd_from_score(high)
            except ValidationError:
                eager_pd = True
        object.__setattr__(self, "_score", compile_scorecard(self, eager_pd=eager_pd))

    # The compiled scoring function cannot be pickled; unpickling builds it again.
    def __getstate__(self) -> dict[str, object]:
        return {a.name: getattr(self, a.name) for a in attrs.fields(Scorecard) if a.init}

    def __setstate__(self, state: dict[str, object]) -> None:
        for name, value in state.items():
            object.__setattr__(self, name, value)
        self.__attrs_post_init__()

    @property
    def min_total(self) -> Decimal:
        """The lowest total the scorecard can give.

        >>> Scorecard("c", version="1", factors=(
        ...     Factor("a", reason_code="A", missing=-5, categories=(Category("x", points=5),)),
        ... )).min_total
        Decimal('-5')
        """
        return self._min_total

    @property
    def max_total(self) -> Decimal:
        """The highest total the scorecard can give.

        >>> Scorecard("c", version="1", factors=(
        ...     Factor("a", reason_code="A", missing=0, categories=(Category("x", points=5),)),
        ... )).max_total
        Decimal('5')
        """
        return self._max_total

    def scaled_score(self, total: ScoreResult | Numeric) -> Decimal:
        """A total (or a result's total) on the scorecard's ``score_range``.

        :attr:`min_total` gives the range's ``minimum`` and :attr:`max_total` its
        ``maximum``, exactly; totals between keep their order (see
        :class:`~credkit.scoring.scaling.ScoreRange`).

        >>> card = Scorecard("c", version="1", score_range=ScoreRange(minimum=300, maximum=850, places=0),
        ...     factors=(Factor("pay", reason_code="PAY", missing=0, bins=(
        ...         Bin(upper=50, points=0), Bin(lower=50, upper=80, points=30), Bin(lower=80, points=60))),))
        >>> [card.scaled_score(card.score({"pay": pay})) for pay in (10, 60, 95)]
        [Decimal('300'), Decimal('575'), Decimal('850')]
        >>> Scorecard("d", version="1", factors=card.factors).scaled_score(30)
        Traceback (most recent call last):
        ...
        credkit.errors.ValidationError: score_range: scorecard 'd' has none; give it a ScoreRange (such as minimum = 300, maximum = 850) to rescale totals
        """
        if self.score_range is None:
            raise ValidationError(
                f"score_range: scorecard {self.id!r} has none; give it a ScoreRange (such as "
                "minimum = 300, maximum = 850) to rescale totals"
            )
        value = total.total if isinstance(total, ScoreResult) else total
        return self.score_range.rescale(value, low=self._min_total, high=self._max_total)

    def score(self, inputs: Mapping[str, Decimal | int | str | None]) -> ScoreResult:
        """Score one customer's inputs (keys are the factors' ``input`` names).

        Keys the scorecard does not read are ignored; an absent key, ``None`` or a
        blank string is a missing value. A value that is not an exact number for a
        binned factor, or not a string for a categorical one, raises a
        :class:`~credkit.errors.ValidationError` naming the input.

        The result keeps the values read and the points given; its contributions,
        reason codes, probability of default and risk class are worked out when
        first read (see :class:`ScoreResult`).

        >>> card = Scorecard("c", version="1", factors=(
        ...     Factor("age", reason_code="AGE", missing=0, bins=(Bin(lower=0, points=1),)),))
        >>> card.score({"age": "three"})
        Traceback (most recent call last):
        ...
        credkit.errors.ValidationError: age: 'three' is not a number; expected digits such as '1250.00'
        """
        if type(inputs) is not dict and not isinstance(inputs, Mapping):
            raise ValidationError(
                f"inputs: expected a mapping of input names to values, got {type(inputs).__name__}"
            )
        return self._score(inputs, self)


# -- configuration documents ---------------------------------------------------------------


def _structure_missing(value: object, _: object) -> Decimal | Literal["min"]:
    if value == _MIN:
        return _MIN
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise ConfigError(
            f"expected 'min' or a number of points, got {type(value).__name__} {value!r}"
        )
    try:
        return to_decimal(value, field="missing")
    except ValidationError:
        raise ConfigError(
            f"expected 'min' or a number of points, got {type(value).__name__} {value!r}"
        ) from None


_MISSING_TYPE: Any = Decimal | Literal["min"]
_config_converter.register_structure_hook_func(
    lambda type_: type_ == _MISSING_TYPE, _structure_missing
)
