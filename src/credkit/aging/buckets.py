"""Aging buckets: labelled, contiguous ranges of days.

A :class:`Bucket` holds the items whose age in days lies between ``min_days`` and
``max_days``, **both inclusive**; ``None`` leaves a side open. :class:`Buckets` is an
ordered set of them that covers every whole number of days exactly once, so every open
item lands in exactly one bucket and the buckets always add up to the balance.

The standard set, :data:`STANDARD`, has a *not yet due* column (0 days or fewer: due
today or later) and then 1-30, 31-60, 61-90, 91-120 and over 120 days.
:meth:`Buckets.from_edges` builds other sets from the upper edges of the overdue
columns.

>>> [b.label for b in STANDARD]
['Not yet due', '1-30', '31-60', '61-90', '91-120', 'Over 120']
>>> STANDARD.bucket_for(30).label, STANDARD.bucket_for(31).label
('1-30', '31-60')
>>> [b.label for b in Buckets.from_edges([15, 30, 45])]
['Not yet due', '1-15', '16-30', '31-45', 'Over 45']
"""

from __future__ import annotations

import bisect
import enum
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Final

import attrs

from credkit._validate import sequence
from credkit.config import converter
from credkit.errors import ConfigError, ValidationError

__all__ = ["STANDARD", "AgingBasis", "Bucket", "Buckets"]

_RESERVED_LABELS: Final = frozenset(
    {"customer_id", "currency", "unapplied", "total", "disputed", "count", "oldest_days"}
)
"""Column names of :meth:`AgingReport.to_rows` that a bucket label may not take."""


class AgingBasis(enum.Enum):
    """What an item's age is counted from.

    ``DUE_DATE``: days past the due date (0 on the due date, negative before it).
    ``ISSUE_DATE``: days since the document was issued (0 on the issue date).

    >>> AgingBasis("issue_date")
    <AgingBasis.ISSUE_DATE: 'issue_date'>
    """

    DUE_DATE = "due_date"
    ISSUE_DATE = "issue_date"


def _bound(name: str) -> Any:
    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise ValidationError(
                f"{name}: expected a whole number of days or None, "
                f"got {type(value).__name__} {value!r}"
            )

    return check


def _label(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"label: expected a non-empty string, got {value!r}")
    if value in _RESERVED_LABELS:
        raise ValidationError(
            f"label: {value!r} is a column name of the aging report; "
            f"choose a label other than {', '.join(sorted(_RESERVED_LABELS))}"
        )


@attrs.frozen
class Bucket:
    """A labelled range of days, ``min_days`` to ``max_days``, both inclusive.

    ``None`` leaves a side open: ``Bucket("Not yet due", None, 0)`` holds every item of
    0 days or fewer, ``Bucket("Over 120", 121, None)`` every item of 121 days or more.

    >>> b = Bucket("31-60", 31, 60)
    >>> b.contains(31), b.contains(60), b.contains(61)
    (True, True, False)
    >>> Bucket("odd", 10, 5)
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: max_days: 5 is below min_days 10 in bucket 'odd'
    """

    label: str = attrs.field(validator=_label)
    min_days: int | None = attrs.field(validator=_bound("min_days"))
    max_days: int | None = attrs.field(default=None, validator=_bound("max_days"))

    def __attrs_post_init__(self) -> None:
        low, high = self.min_days, self.max_days
        if low is not None and high is not None and high < low:
            raise ValidationError(
                f"max_days: {high} is below min_days {low} in bucket {self.label!r}"
            )

    def contains(self, days: int) -> bool:
        """Whether an item ``days`` old belongs here (bounds inclusive).

        >>> Bucket("Not yet due", None, 0).contains(-400)
        True
        """
        return (self.min_days is None or days >= self.min_days) and (
            self.max_days is None or days <= self.max_days
        )


def _buckets(values: Iterable[Bucket]) -> tuple[Bucket, ...]:
    return sequence(values, Bucket, "buckets")


@attrs.frozen
class Buckets:
    """An ordered set of buckets that covers every number of days exactly once.

    The first bucket must be open below (``min_days=None``), the last open above
    (``max_days=None``), and each bucket must start the day after the previous one
    ends: no gaps, no overlaps, in order. Labels must differ. Usually built with
    :meth:`from_edges`; loadable with :func:`credkit.config.load` from either
    ``{"edges": [...], "labels": [...]}`` or ``{"buckets": [{"label": ..., "min_days":
    ..., "max_days": ...}, ...]}``.

    >>> Buckets((Bucket("Current", None, 0), Bucket("Late", 1, None))).labels
    ('Current', 'Late')
    >>> Buckets((Bucket("Current", None, 0), Bucket("Late", 5, None)))
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: buckets[1].min_days: expected 1 (the day after 'Current' ends), got 5; buckets must be contiguous, without gaps or overlaps
    >>> from credkit.config import load
    >>> load(Buckets, {"edges": [30, 60]}).labels
    ('Not yet due', '1-30', '31-60', 'Over 60')
    """

    buckets: tuple[Bucket, ...] = attrs.field(converter=_buckets)
    _uppers: tuple[int, ...] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        buckets = self.buckets
        if not buckets:
            raise ValidationError("buckets: need at least one bucket, got none")
        if buckets[0].min_days is not None:
            raise ValidationError(
                f"buckets[0].min_days: the first bucket must be open below (None), "
                f"got {buckets[0].min_days}; otherwise younger items would fall in no bucket"
            )
        if buckets[-1].max_days is not None:
            raise ValidationError(
                f"buckets[{len(buckets) - 1}].max_days: the last bucket must be open above "
                f"(None), got {buckets[-1].max_days}; otherwise older items would fall in no bucket"
            )
        seen: dict[str, int] = {}
        for index, bucket in enumerate(buckets):
            if bucket.label in seen:
                raise ValidationError(
                    f"buckets[{index}].label: {bucket.label!r} is already the label of "
                    f"buckets[{seen[bucket.label]}]; labels must differ"
                )
            seen[bucket.label] = index
            if index == 0:
                continue
            previous = buckets[index - 1]
            if previous.max_days is None:
                raise ValidationError(
                    f"buckets[{index - 1}].max_days: only the last bucket may be open above, "
                    f"but {previous.label!r} is followed by {bucket.label!r}"
                )
            expected = previous.max_days + 1
            if bucket.min_days != expected:
                raise ValidationError(
                    f"buckets[{index}].min_days: expected {expected} (the day after "
                    f"{previous.label!r} ends), got {bucket.min_days}; buckets must be "
                    "contiguous, without gaps or overlaps"
                )
        uppers = tuple(b.max_days for b in buckets[:-1] if b.max_days is not None)
        object.__setattr__(self, "_uppers", uppers)

    @classmethod
    def from_edges(cls, edges: Sequence[int], labels: Sequence[str] | None = None) -> Buckets:
        """Buckets from the (inclusive) upper edges of the overdue columns.

        ``edges`` are strictly increasing positive whole numbers of days. The result
        always starts with a *not yet due* bucket (0 days or fewer), then one bucket per
        edge (``1-e1``, ``e1+1-e2``, ...), and ends with an open ``Over eN`` bucket:
        ``len(edges) + 2`` buckets. ``labels``, if given, names all of them in order.

        >>> [(b.label, b.min_days, b.max_days) for b in Buckets.from_edges([10, 20])]
        [('Not yet due', None, 0), ('1-10', 1, 10), ('11-20', 11, 20), ('Over 20', 21, None)]
        >>> Buckets.from_edges([30, 15])
        Traceback (most recent call last):
        ...
        credkit.errors.ValidationError: edges[1]: 15 is not above the previous edge 30; edges must be strictly increasing
        """
        if isinstance(edges, str | bytes) or not isinstance(edges, Sequence):
            raise ValidationError(
                f"edges: expected a list of whole numbers of days such as [30, 60, 90], "
                f"got {type(edges).__name__} {edges!r}"
            )
        previous = 0
        for index, edge in enumerate(edges):
            if isinstance(edge, bool) or not isinstance(edge, int):
                raise ValidationError(
                    f"edges[{index}]: expected a whole number of days, "
                    f"got {type(edge).__name__} {edge!r}"
                )
            if edge <= previous:
                what = "above 0" if index == 0 else f"above the previous edge {previous}"
                rule = (
                    "edges are days overdue, the not-yet-due column ends at 0"
                    if index == 0
                    else "edges must be strictly increasing"
                )
                raise ValidationError(f"edges[{index}]: {edge} is not {what}; {rule}")
            previous = edge
        count = len(edges) + 2
        if labels is None:
            names = ["Not yet due"]
            low = 1
            for edge in edges:
                names.append(str(low) if low == edge else f"{low}-{edge}")
                low = edge + 1
            names.append(f"Over {edges[-1]}" if edges else "Overdue")
        else:
            if isinstance(labels, str | bytes) or not isinstance(labels, Sequence):
                raise ValidationError(
                    f"labels: expected a list of {count} labels, got {type(labels).__name__} "
                    f"{labels!r}"
                )
            if len(labels) != count:
                raise ValidationError(
                    f"labels: expected {count} labels (not yet due, one per edge, and the open "
                    f"last column), got {len(labels)}: {list(labels)!r}"
                )
            names = list(labels)
        bounds: list[tuple[int | None, int | None]] = [(None, 0)]
        low = 1
        for edge in edges:
            bounds.append((low, edge))
            low = edge + 1
        bounds.append((low, None))
        result = []
        for index, (name, (low_, high)) in enumerate(zip(names, bounds, strict=True)):
            try:
                result.append(Bucket(name, low_, high))
            except ValidationError as error:
                field = "labels" if labels is not None else "edges"
                raise ValidationError(f"{field}[{index}]: {error.message}") from None
        return cls(tuple(result))

    # -- inspection -------------------------------------------------------------------

    @property
    def labels(self) -> tuple[str, ...]:
        """The labels, in order.

        >>> STANDARD.labels[-1]
        'Over 120'
        """
        return tuple(b.label for b in self.buckets)

    @property
    def edges(self) -> tuple[int, ...] | None:
        """The edges :meth:`from_edges` would take to rebuild these bounds, or None.

        None when the first bucket does not end at 0 days (a set built by hand).

        >>> STANDARD.edges
        (30, 60, 90, 120)
        """
        if self.buckets[0].max_days != 0 or len(self.buckets) < 2:
            return None
        return self._uppers[1:]

    def index_for(self, days: int) -> int:
        """Position of the bucket that holds an item ``days`` old.

        >>> STANDARD.index_for(0), STANDARD.index_for(1), STANDARD.index_for(121)
        (0, 1, 5)
        """
        return bisect.bisect_left(self._uppers, days)

    def bucket_for(self, days: int) -> Bucket:
        """The bucket that holds an item ``days`` old.

        >>> STANDARD.bucket_for(-3).label
        'Not yet due'
        """
        return self.buckets[self.index_for(days)]

    def __iter__(self) -> Iterator[Bucket]:
        return iter(self.buckets)

    def __len__(self) -> int:
        return len(self.buckets)

    def __getitem__(self, index: int) -> Bucket:
        return self.buckets[index]


STANDARD: Final = Buckets.from_edges((30, 60, 90, 120))
"""Not yet due (0 days or fewer), 1-30, 31-60, 61-90, 91-120 and Over 120 days."""


# -- configuration documents ----------------------------------------------------------


def _int_list(value: object, field: str) -> list[int]:
    if not isinstance(value, list | tuple):
        raise ConfigError(
            f"expected a list of whole numbers of days, got {type(value).__name__} {value!r}",
            path=field,
        )
    for index, item in enumerate(value):
        if isinstance(item, bool) or not isinstance(item, int):
            raise ConfigError(
                f"expected a whole number of days, got {type(item).__name__} {item!r}",
                path=f"{field}[{index}]",
            )
    return list(value)


def _str_list(value: object, field: str) -> list[str]:
    if not isinstance(value, list | tuple):
        raise ConfigError(
            f"expected a list of labels, got {type(value).__name__} {value!r}", path=field
        )
    for index, item in enumerate(value):
        if not isinstance(item, str):
            raise ConfigError(
                f"expected a string, got {type(item).__name__} {item!r}",
                path=f"{field}[{index}]",
            )
    return list(value)


def _check_keys(value: Mapping[str, Any], accepted: set[str], path: str = "") -> None:
    for key in sorted(set(value) - accepted, key=str):
        where = f"{path}.{key}" if path else str(key)
        raise ConfigError(
            f"unknown key; accepted keys are {', '.join(sorted(accepted))}", path=where
        )


def _structure_bucket(value: object, path: str) -> Bucket:
    if not isinstance(value, Mapping):
        raise ConfigError(
            f"expected a table with label, min_days and max_days, got {type(value).__name__} "
            f"{value!r}",
            path=path,
        )
    _check_keys(value, {"label", "min_days", "max_days"}, path)
    if "label" not in value:
        raise ConfigError("required key is missing", path=f"{path}.label")
    bounds: list[int | None] = []
    for key in ("min_days", "max_days"):
        bound = value.get(key)
        if bound is not None and (isinstance(bound, bool) or not isinstance(bound, int)):
            raise ConfigError(
                f"expected a whole number of days (leave it out for an open side), got "
                f"{type(bound).__name__} {bound!r}",
                path=f"{path}.{key}",
            )
        bounds.append(bound)
    try:
        return Bucket(value["label"], bounds[0], bounds[1])
    except ValidationError as error:
        field, _, detail = error.message.partition(": ")
        raise ConfigError(detail, path=f"{path}.{field}") from None


def _structure_buckets(value: object, _: type) -> Buckets:
    if not isinstance(value, Mapping):
        raise ConfigError(
            "expected a table with 'edges' (and optionally 'labels') or with 'buckets', "
            f"got {type(value).__name__} {value!r}"
        )
    if "edges" in value:
        _check_keys(value, {"edges", "labels"})
        edges = _int_list(value["edges"], "edges")
        labels = _str_list(value["labels"], "labels") if "labels" in value else None
        return Buckets.from_edges(edges, labels)
    if "buckets" in value:
        _check_keys(value, {"buckets"})
        items = value["buckets"]
        if not isinstance(items, list | tuple):
            raise ConfigError(
                f"expected a list of buckets, got {type(items).__name__} {items!r}",
                path="buckets",
            )
        return Buckets(tuple(_structure_bucket(b, f"buckets[{i}]") for i, b in enumerate(items)))
    raise ConfigError(
        "expected a table with 'edges' (and optionally 'labels') or with 'buckets', "
        f"got the keys {', '.join(map(str, value)) or '(none)'}"
    )


def _unstructure_buckets(value: Buckets) -> dict[str, Any]:
    edges = value.edges
    if edges is not None:
        return {"edges": list(edges), "labels": list(value.labels)}
    return {
        "buckets": [
            {
                key: val
                for key, val in (
                    ("label", b.label),
                    ("min_days", b.min_days),
                    ("max_days", b.max_days),
                )
                if val is not None
            }
            for b in value.buckets
        ]
    }


converter.register_structure_hook(Buckets, _structure_buckets)
converter.register_unstructure_hook(Buckets, _unstructure_buckets)
