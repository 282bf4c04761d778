"""How each customer pays: days to pay, days beyond terms, a 0-100 payment index, a trend.

The input is settled invoices, :class:`~credkit.ledger.Settlement` records, from
:meth:`Ledger.settlements() <credkit.ledger.Ledger.settlements>` or read from a
payment-history CSV file with :func:`credkit.io.read_settlements`. For each invoice:

- **days to pay** = settlement date - issue date;
- **days beyond terms** (DBT) = settlement date - due date, *signed*: an invoice paid
  ten days early counts -10, so that early payers and discount takers stay visible
  (the reference definition ``max(0, ...)`` is :attr:`PaymentBehaviour.average_days_late`);
- the **payment index** of :func:`payment_index`, on the public scale of the D&B
  PAYDEX (credkit's index follows that scale but is not D&B's score).

:func:`payment_behaviour` summarises each customer over a window (24 months by
default, by settlement date, up to ``as_of``): plain averages weight every invoice
alike; *weighted* figures weight each invoice by the amount paid, its amount less
what credit notes settled of it. Invoices settled entirely by credit notes were
cancelled, not paid, and are left out. A customer with fewer than ``min_invoices``
paid invoices in the window gets :class:`InsufficientData`, never a number.

Weighting needs one currency. Each customer is weighted in the currency of their
invoices; a customer whose invoices are in several currencies is weighted in
``currency``, converting each amount at the rate of its settlement date from
``rates``; without them that raises :class:`~credkit.errors.CurrencyMismatchError`.

Every figure is a ratio of sums, kept exactly in whole numbers of minor units:
:func:`behaviour_partial` returns them as a :class:`BehaviourPartial`, partials of parts
of a history add up (``a + b``) to the partial of the whole, and
:meth:`BehaviourPartial.finish` turns them into the figures; :func:`payment_behaviour`
is the two in one. :func:`credkit.io.behaviour_from_file` does the same straight from
a payment-history file, without a record per line.

The **trend** compares the amount-weighted days late (days beyond terms, early and
on-time payment counted as 0) of the invoices settled in the last ``recent_months``
(default 3) with that of the ``baseline_months`` (default 12) before them: more than
``threshold_days`` (default 5) later is *deteriorating*, more than that earlier is
*improving*, anything between *stable*. Early payment counts as 0 here because a
customer who moves from paying ten days early to paying on the due date is still
within terms: counting that as deterioration floods the ranking with prompt payers.
Invoices that are still open are not settlements, so a customer who has stopped
paying shows up as insufficient recent data here; look at their aging for that.

>>> from datetime import date
>>> from credkit.ledger import Settlement
>>> def paid(n, due, settled, amount=100):
...     return Settlement(f"I{n}", "C1", date(2026, 1, 1), due, Money.of(amount, "EUR"),
...                       settled_on=settled, credited=Money.zero("EUR"))
>>> history = [paid(1, date(2026, 1, 31), date(2026, 1, 31)),
...            paid(2, date(2026, 1, 31), date(2026, 2, 15)),
...            paid(3, date(2026, 1, 31), date(2026, 1, 21), amount=200)]
>>> b = payment_behaviour(history, as_of=date(2026, 3, 31))["C1"]
>>> b.invoices, b.average_days_beyond_terms, b.weighted_days_beyond_terms
(3, Decimal('1.666666666666666666666666667'), Decimal('-1.25'))
>>> b.share_on_time, b.payment_index
(Decimal('0.6666666666666666666666666667'), Decimal('80'))
"""

from __future__ import annotations

import datetime
import enum
import functools
import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Final

import attrs

from credkit._notebook import html_table, rows_caption, text_rows
from credkit._validate import shifted
from credkit.errors import CurrencyMismatchError, RateNotFoundError, ValidationError
from credkit.fx import RateSource, convert
from credkit.ledger import Settlement
from credkit.money import Money, _trusted_money, to_decimal

__all__ = [
    "INDEX_ANCHORS",
    "BehaviourPartial",
    "InsufficientData",
    "PaymentBehaviour",
    "PaymentTrend",
    "TrendDirection",
    "behaviour_partial",
    "behaviour_records",
    "most_deteriorated",
    "payment_behaviour",
    "payment_index",
    "payment_trends",
    "single_currency_behaviour",
    "window_start",
]

INDEX_ANCHORS: Final[tuple[tuple[int, int], ...]] = (
    (-30, 100),
    (-20, 90),
    (0, 80),
    (15, 70),
    (22, 60),
    (30, 50),
    (60, 40),
    (90, 30),
    (120, 20),
    (180, 0),
)
"""``(days beyond terms, index)`` points of :func:`payment_index`, joined by straight lines.

From 0 days (paid on the due date, 80) to 120 days beyond terms (20) these are the
anchor points of the public D&B PAYDEX key: 70 = 15 days beyond, 60 = 22, 50 = 30,
40 = 60, 30 = 90, 20 = 120. Early payment follows D&B's published value chart: 90 =
20 days sooner than terms (a ``2/10 net 30`` discount taken), 100 = 30 days sooner
or more ("anticipates"). Beyond 120 days, where the public key only says "below 20",
credkit continues the last slope (10 points per 30 days) down to 0 at 180 days
beyond terms and stays at 0 after that.
"""

_D0: Final = Decimal(0)

# The index on a segment is (y0 * dx - dy * (days - x0)) / dx: an exact numerator over
# a small whole denominator. Scaled by the least common multiple of the denominators,
# the index of a whole number of days is an integer, so the weighted sums in the hot
# loop stay exact and are divided once at the end (a single invoice's weighted index
# is then exactly its own index).
_SCALE: Final = math.lcm(*(x1 - x0 for (x0, _), (x1, _) in itertools.pairwise(INDEX_ANCHORS)))


def _segment(days: Decimal | int) -> tuple[int, int, int, int] | None:
    """``(x0, y0, x1, y1)`` of the segment holding ``days``; None outside the anchors."""
    if days <= INDEX_ANCHORS[0][0] or days >= INDEX_ANCHORS[-1][0]:
        return None
    for (x0, y0), (x1, y1) in itertools.pairwise(INDEX_ANCHORS):
        if days <= x1:
            return x0, y0, x1, y1
    raise AssertionError("unreachable")  # pragma: no cover


def _index_at(days: Decimal) -> Decimal:
    segment = _segment(days)
    if segment is None:
        return Decimal(INDEX_ANCHORS[0][1] if days <= 0 else INDEX_ANCHORS[-1][1])
    x0, y0, x1, y1 = segment
    # One rounding only (the division), of an exact numerator that falls as days grow:
    # a later payment never gets a higher index.
    return (y0 * (x1 - x0) - (y0 - y1) * (days - x0)) / Decimal(x1 - x0)


def _scaled_index(days: int) -> int:
    """The index of a whole number of days times ``_SCALE``, exactly."""
    segment = _segment(days)
    if segment is None:
        return (INDEX_ANCHORS[0][1] if days <= 0 else INDEX_ANCHORS[-1][1]) * _SCALE
    x0, y0, x1, y1 = segment
    dx = x1 - x0
    return (y0 * dx - (y0 - y1) * (days - x0)) * (_SCALE // dx)


def payment_index(days_beyond_terms: Decimal | int | str) -> Decimal:
    """Payment index (0-100) of one invoice paid ``days_beyond_terms`` after its due date.

    Negative days mean paid before the due date. The index interpolates linearly
    between the points of :data:`INDEX_ANCHORS` (the public PAYDEX scale; credkit's
    index is not D&B's PAYDEX): 80 for payment on the due date, 70 at 15 days beyond,
    50 at 30, 20 at 120, 0 from 180; 90 at 20 days early, 100 from 30 days early.
    Paying later never raises it.

    >>> payment_index(0), payment_index(15), payment_index(-20), payment_index(-45)
    (Decimal('80'), Decimal('70'), Decimal('90'), Decimal('100'))
    >>> payment_index(45), payment_index(150), payment_index(400)
    (Decimal('45'), Decimal('10'), Decimal('0'))
    >>> payment_index(1.5)
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: days_beyond_terms: float 1.5 is not exact; pass a Decimal, an int or a string such as '1.5'
    """
    return _index_at(to_decimal(days_beyond_terms, field="days_beyond_terms"))


class TrendDirection(enum.Enum):
    """Which way a customer's payment is going.

    >>> TrendDirection("deteriorating")
    <TrendDirection.DETERIORATING: 'deteriorating'>
    """

    IMPROVING = "improving"
    STABLE = "stable"
    DETERIORATING = "deteriorating"
    INSUFFICIENT_DATA = "insufficient_data"


@attrs.frozen
class PaymentTrend:
    """Amount-weighted days late recently against a baseline period before it.

    Days late are days beyond terms with early and on-time payment counted as 0.

    ``recent_days_late`` and ``baseline_days_late`` are ``None`` when
    their window has fewer invoices than the trend needs (then ``direction`` is
    ``INSUFFICIENT_DATA``). ``change`` is recent - baseline, in days: positive means
    paying later than before.

    >>> t = PaymentTrend("C1", TrendDirection.DETERIORATING, recent_days_late=Decimal(20),
    ...                  baseline_days_late=Decimal(2), recent_invoices=3, baseline_invoices=12)
    >>> t.change
    Decimal('18')
    """

    customer_id: str
    direction: TrendDirection
    recent_days_late: Decimal | None = attrs.field(kw_only=True)
    baseline_days_late: Decimal | None = attrs.field(kw_only=True)
    recent_invoices: int = attrs.field(kw_only=True)
    baseline_invoices: int = attrs.field(kw_only=True)

    @property
    def change(self) -> Decimal | None:
        """Recent minus baseline weighted days late (``None`` without both).

        >>> PaymentTrend("C1", TrendDirection.INSUFFICIENT_DATA, recent_days_late=None,
        ...              baseline_days_late=Decimal(3), recent_invoices=0,
        ...              baseline_invoices=5).change is None
        True
        """
        if self.recent_days_late is None or self.baseline_days_late is None:
            return None
        return self.recent_days_late - self.baseline_days_late


@attrs.frozen
class PaymentBehaviour:
    """How one customer paid the invoices settled in the window ``window_start`` .. ``as_of``.

    Day figures are unrounded ``Decimal`` values. ``average_*`` weight each invoice
    alike, ``weighted_*`` by the amount paid (in ``currency``; ``amount_paid`` is the
    total). ``*_days_beyond_terms`` are signed (early payment negative);
    ``*_days_late`` count early and on-time payment as 0. ``share_on_time`` (settled
    on or before the due date) and ``share_early`` (before it) are fractions of the
    invoices. ``payment_index`` is the amount-weighted mean of :func:`payment_index`
    over the invoices: 0-100 on the public PAYDEX scale (80 = within terms).

    >>> from credkit.ledger import Settlement
    >>> due = datetime.date(2026, 1, 31)
    >>> records = [Settlement(f"I{n}", "C1", datetime.date(2026, 1, 1), due, Money.of(100, "EUR"),
    ...                       settled_on=due + datetime.timedelta(days=n),
    ...                       credited=Money.zero("EUR")) for n in (0, 15, 30)]
    >>> b = payment_behaviour(records, as_of=datetime.date(2026, 3, 31))["C1"]
    >>> b.average_days_to_pay, b.weighted_days_late, b.share_on_time, b.payment_index
    (Decimal('45'), Decimal('15'), Decimal('0.3333333333333333333333333333'), Decimal('66.66666666666666666666666667'))
    """

    customer_id: str
    as_of: datetime.date = attrs.field(kw_only=True)
    window_start: datetime.date = attrs.field(kw_only=True)
    currency: str = attrs.field(kw_only=True)
    invoices: int = attrs.field(kw_only=True)
    amount_paid: Money = attrs.field(kw_only=True)
    average_days_to_pay: Decimal = attrs.field(kw_only=True)
    weighted_days_to_pay: Decimal = attrs.field(kw_only=True)
    average_days_beyond_terms: Decimal = attrs.field(kw_only=True)
    weighted_days_beyond_terms: Decimal = attrs.field(kw_only=True)
    average_days_late: Decimal = attrs.field(kw_only=True)
    weighted_days_late: Decimal = attrs.field(kw_only=True)
    share_on_time: Decimal = attrs.field(kw_only=True)
    share_early: Decimal = attrs.field(kw_only=True)
    payment_index: Decimal = attrs.field(kw_only=True)
    trend: PaymentTrend = attrs.field(kw_only=True)

    def to_records(self) -> list[dict[str, Any]]:
        """One record for a data frame: the figures, with the trend's direction and change.

        ``amount_paid`` is a ``Decimal`` in ``currency``; day figures and shares are the
        unrounded ``Decimal`` values. :func:`behaviour_records` gives the records of every
        customer in what :func:`payment_behaviour` returns. See the how-to guide on
        notebooks.

        >>> from credkit.ledger import Settlement
        >>> due = datetime.date(2026, 1, 31)
        >>> paid = [Settlement(f"I{n}", "C1", datetime.date(2026, 1, 1), due, Money.of(100, "EUR"),
        ...                    settled_on=due + datetime.timedelta(days=n),
        ...                    credited=Money.zero("EUR")) for n in (0, 15, 30)]
        >>> payment_behaviour(paid, as_of=datetime.date(2026, 3, 31))["C1"].to_records()
        [{'customer_id': 'C1', 'as_of': datetime.date(2026, 3, 31),
          'window_start': datetime.date(2024, 4, 1), 'currency': 'EUR', 'invoices': 3,
          'amount_paid': Decimal('300'), 'average_days_to_pay': Decimal('45'), ...,
          'trend': 'insufficient_data', 'recent_days_late': Decimal('15'), 'baseline_days_late': None,
          'trend_change': None}]
        """
        trend = self.trend
        return [
            {
                "customer_id": self.customer_id,
                "as_of": self.as_of,
                "window_start": self.window_start,
                "currency": self.currency,
                "invoices": self.invoices,
                "amount_paid": self.amount_paid.amount,
                "average_days_to_pay": self.average_days_to_pay,
                "weighted_days_to_pay": self.weighted_days_to_pay,
                "average_days_beyond_terms": self.average_days_beyond_terms,
                "weighted_days_beyond_terms": self.weighted_days_beyond_terms,
                "average_days_late": self.average_days_late,
                "weighted_days_late": self.weighted_days_late,
                "share_on_time": self.share_on_time,
                "share_early": self.share_early,
                "payment_index": self.payment_index,
                "trend": trend.direction.value,
                "recent_days_late": trend.recent_days_late,
                "baseline_days_late": trend.baseline_days_late,
                "trend_change": trend.change,
            }
        ]

    def to_rows(self) -> list[dict[str, Any]]:
        """:meth:`to_records` for CSV or JSON: decimals as plain strings, dates in ISO form.

        >>> from credkit.ledger import Settlement
        >>> due = datetime.date(2026, 1, 31)
        >>> paid = [Settlement(f"I{n}", "C1", datetime.date(2026, 1, 1), due, Money.of(100, "EUR"),
        ...                    settled_on=due, credited=Money.zero("EUR")) for n in (1, 2, 3)]
        >>> row, = payment_behaviour(paid, as_of=datetime.date(2026, 3, 31))["C1"].to_rows()
        >>> row["as_of"], row["amount_paid"], row["payment_index"]
        ('2026-03-31', '300', '80')
        """
        return text_rows(self.to_records())

    def _repr_html_(self) -> str:
        """The record as an HTML table (field, value), for Jupyter.

        >>> from credkit.ledger import Settlement
        >>> due = datetime.date(2026, 1, 31)
        >>> paid = [Settlement(f"I{n}", "C1", datetime.date(2026, 1, 1), due, Money.of(100, "EUR"),
        ...                    settled_on=due, credited=Money.zero("EUR")) for n in (1, 2, 3)]
        >>> "PaymentBehaviour of C1" in payment_behaviour(paid, as_of=datetime.date(2026, 3, 31))["C1"]._repr_html_()
        True
        """
        what = f"of {self.customer_id} as of {self.as_of.isoformat()}"
        return html_table(rows_caption("PaymentBehaviour", what, 1), self.to_records())


@attrs.frozen
class InsufficientData:
    """Too few paid invoices in the window to say how a customer pays.

    ``invoices`` were counted, ``required`` are needed; ``fully_credited`` invoices
    were settled by credit notes alone and do not count.

    >>> InsufficientData("C9", invoices=1, required=3, fully_credited=0).reason
    'C9: 1 paid invoice in the window, 3 needed'
    """

    customer_id: str
    invoices: int = attrs.field(kw_only=True)
    required: int = attrs.field(kw_only=True)
    fully_credited: int = attrs.field(default=0, kw_only=True)

    @property
    def reason(self) -> str:
        """Why there is no behaviour, for people.

        >>> InsufficientData("C9", invoices=0, required=3, fully_credited=2).reason
        'C9: 0 paid invoices in the window, 3 needed (2 settled by credit notes only)'
        """
        noun = "invoice" if self.invoices == 1 else "invoices"
        text = (
            f"{self.customer_id}: {self.invoices} paid {noun} in the window, {self.required} needed"
        )
        if self.fully_credited:
            text += f" ({self.fully_credited} settled by credit notes only)"
        return text


def behaviour_records(
    results: Mapping[str, PaymentBehaviour | InsufficientData],
) -> list[dict[str, Any]]:
    """The records of every customer in ``results`` (what :func:`payment_behaviour` returns).

    A :class:`PaymentBehaviour` gives its :meth:`~PaymentBehaviour.to_records`, an
    :class:`InsufficientData` a record with the same keys, its ``customer_id`` and
    ``invoices`` and None for every figure; the last key, ``insufficient_data``, is its
    :attr:`~InsufficientData.reason` (None for a customer with a behaviour). In the order
    of ``results``; ``pandas.DataFrame(behaviour_records(results))`` takes them as they are.

    >>> from credkit.ledger import Settlement
    >>> due = datetime.date(2026, 1, 31)
    >>> paid = [Settlement(f"I{n}", c, datetime.date(2026, 1, 1), due, Money.of(100, "EUR"),
    ...                    settled_on=due, credited=Money.zero("EUR"))
    ...         for c, n in (("C1", 1), ("C1", 2), ("C1", 3), ("C2", 4))]
    >>> records = behaviour_records(payment_behaviour(paid, as_of=datetime.date(2026, 3, 31)))
    >>> [(r["customer_id"], r["invoices"], r["payment_index"], r["insufficient_data"]) for r in records]
    [('C1', 3, Decimal('80'), None), ('C2', 1, None, 'C2: 1 paid invoice in the window, 3 needed')]
    """
    keys = _record_keys()
    records = []
    for result in results.values():
        if isinstance(result, PaymentBehaviour):
            record = result.to_records()[0]
            record["insufficient_data"] = None
        elif isinstance(result, InsufficientData):
            record = dict.fromkeys(keys)
            record["customer_id"] = result.customer_id
            record["invoices"] = result.invoices
            record["insufficient_data"] = result.reason
        else:
            raise ValidationError(
                "results: expected PaymentBehaviour or InsufficientData values, "
                f"got {type(result).__name__} {result!r}"
            )
        records.append(record)
    return records


@functools.cache
def _record_keys() -> tuple[str, ...]:
    """The keys of a behaviour record, in order (from an example result)."""
    trend = PaymentTrend(
        "-",
        TrendDirection.INSUFFICIENT_DATA,
        recent_days_late=None,
        baseline_days_late=None,
        recent_invoices=0,
        baseline_invoices=0,
    )
    zero = Decimal(0)
    example = PaymentBehaviour(
        "-",
        as_of=datetime.date.min,
        window_start=datetime.date.min,
        currency="EUR",
        invoices=0,
        amount_paid=Money.zero("EUR"),
        average_days_to_pay=zero,
        weighted_days_to_pay=zero,
        average_days_beyond_terms=zero,
        weighted_days_beyond_terms=zero,
        average_days_late=zero,
        weighted_days_late=zero,
        share_on_time=zero,
        share_early=zero,
        payment_index=zero,
        trend=trend,
    )
    return (*example.to_records()[0], "insufficient_data")


# -- the single pass ---------------------------------------------------------------------

# Slots of the sums of one customer in one currency (a list, indexed by constants, is
# the cheapest mutable record in the hot loop). Amounts are whole numbers of
# 10 ** -places (``_PLACES``): integer arithmetic, exact, and turned into ``Decimal``
# values with the exponents the ``Decimal`` sums would have had only at the end.
_CODE, _PLACES, _N, _DTP, _DBT, _LATE, _ON_TIME, _EARLY = 0, 1, 2, 3, 4, 5, 6, 7
_W, _W_DTP, _W_DBT, _W_LATE, _W_INDEX = 8, 9, 10, 11, 12
_RN, _RW, _RW_LATE, _BN, _BW, _BW_LATE = 13, 14, 15, 16, 17, 18
_AMOUNTS: Final = (_W, _W_DTP, _W_DBT, _W_LATE, _W_INDEX, _RW, _RW_LATE, _BW, _BW_LATE)
_SLOTS: Final = 19


def _new_sums(code: str | None) -> list[Any]:
    return [code, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]


def _units(amount: Decimal) -> tuple[int, int]:
    """``amount`` as ``(units, places)`` with ``amount == units * 10 ** -places``, exactly."""
    places = -amount.as_tuple().exponent  # type: ignore[operator]
    return int(amount.scaleb(places)), places


def _rescale(sums: list[Any], places: int) -> None:
    """Move ``sums`` to the finer ``places`` (more decimals), multiplying its amounts."""
    factor = 10 ** (places - sums[_PLACES])
    for slot in _AMOUNTS:
        sums[slot] *= factor
    sums[_PLACES] = places


def _add_sums(left: Sequence[Any], right: Sequence[Any]) -> list[Any]:
    """The sums of two lists of one currency, at the finer of their places."""
    places = max(left[_PLACES], right[_PLACES])
    result = list(left)
    result[_PLACES] = places
    lf, rf = 10 ** (places - left[_PLACES]), 10 ** (places - right[_PLACES])
    for slot in range(_N, _SLOTS):
        if slot in _AMOUNTS:
            result[slot] = left[slot] * lf + right[slot] * rf
        else:
            result[slot] = left[slot] + right[slot]
    return result


@attrs.frozen
class _Bounds:
    as_of: int
    window: int  # exclusive lower bound of the behaviour window (ordinal)
    recent: int  # exclusive lower bound of the recent trend window
    baseline: int  # exclusive lower bound of the baseline trend window


@attrs.frozen
class _Failed:
    """A conversion that failed: raised only if the customer turns out to need it."""

    position: int
    error: Exception


class _Scan:
    """The sums of one pass, kept by customer and currency while settlements come in."""

    def __init__(self, bounds: _Bounds, currency: str | None, rates: RateSource | None) -> None:
        self.bounds = bounds
        self.to = currency if rates is not None else None
        self.rates = rates
        self.first: dict[str, list[Any]] = {}  # customer -> sums of its first currency
        self.others: dict[tuple[str, str], list[Any]] = {}  # (customer, currency) -> sums
        self.converted: _Scan | None = None  # keyed by (customer, currency)
        self.failed: dict[tuple[str, str], _Failed] = {}
        self.credited: dict[str, int] = {}
        self.index_of: dict[int, int] = {}
        self.records = 0

    def add(
        self,
        customers: Sequence[str],
        codes: Sequence[str],
        paid: Sequence[int],
        places: Sequence[int],
        issued: Sequence[int],
        due: Sequence[int],
        settled: Sequence[int],
    ) -> None:
        """Add settled invoices given as columns: ``paid`` (>= 0) is ``paid * 10 **
        -places`` of currency ``codes``; dates are ordinals, settled on or after issue."""
        first, index_of = self.first, self.index_of
        as_of, window = self.bounds.as_of, self.bounds.window
        recent, baseline = self.bounds.recent, self.bounds.baseline
        earliest = min(window, baseline)
        to = self.to
        offset = self.records
        self.records += len(customers)
        rows = zip(customers, codes, paid, places, issued, due, settled, strict=True)
        for position, (customer, code, units, exponent, issue, due_on, on) in enumerate(rows):
            acc = first.get(customer)
            if acc is None:
                acc = first[customer] = _new_sums(None)
            if on > as_of or on <= earliest:
                continue
            if units <= 0:
                self.credited[customer] = self.credited.get(customer, 0) + 1
                continue
            if code != acc[_CODE]:
                if acc[_CODE] is None:
                    acc[_CODE] = code
                else:
                    acc = self.others.get((customer, code)) or self._other(customer, code)
            if to is not None and code != to:
                self._convert(offset + position, customer, code, units, exponent, issue, due_on, on)
            if exponent != acc[_PLACES]:
                if exponent > acc[_PLACES]:
                    _rescale(acc, exponent)
                else:
                    units *= 10 ** (acc[_PLACES] - exponent)
            dtp = on - issue
            dbt = on - due_on
            weighted_dbt = units * dbt
            if on > recent:
                acc[_RN] += 1
                acc[_RW] += units
                if dbt > 0:
                    acc[_RW_LATE] += weighted_dbt
            elif on > baseline:
                acc[_BN] += 1
                acc[_BW] += units
                if dbt > 0:
                    acc[_BW_LATE] += weighted_dbt
            if on <= window:
                continue
            index = index_of.get(dbt)
            if index is None:
                index = index_of[dbt] = _scaled_index(dbt)
            acc[_N] += 1
            acc[_DTP] += dtp
            acc[_DBT] += dbt
            acc[_W] += units
            acc[_W_DTP] += units * dtp
            acc[_W_DBT] += weighted_dbt
            acc[_W_INDEX] += units * index
            if dbt > 0:
                acc[_LATE] += dbt
                acc[_W_LATE] += weighted_dbt
            else:
                acc[_ON_TIME] += 1
                if dbt < 0:
                    acc[_EARLY] += 1

    def _other(self, customer: str, code: str) -> list[Any]:
        acc = self.others[customer, code] = _new_sums(code)
        return acc

    def _convert(
        self,
        position: int,
        customer: str,
        code: str,
        units: int,
        exponent: int,
        issue: int,
        due_on: int,
        on: int,
    ) -> None:
        """Add the invoice, converted into ``to`` on its settlement date, to the sums
        that weight a customer with several currencies (kept per original currency)."""
        assert self.to is not None
        assert self.rates is not None
        key = (customer, code)
        if key in self.failed:
            return
        try:
            amount = convert(
                Money(Decimal(units).scaleb(-exponent), code),
                self.to,
                on=datetime.date.fromordinal(on),
                rates=self.rates,
            ).amount
        except (RateNotFoundError, ValidationError) as error:
            # only a customer with invoices in several currencies needs the rate
            self.failed[key] = _Failed(position, error)
            return
        if self.converted is None:
            self.converted = _Scan(self.bounds, None, None)
            self.converted.index_of = self.index_of
        value, places = _units(amount)
        self.converted.add((key,), (self.to,), (value,), (places,), (issue,), (due_on,), (on,))  # type: ignore[arg-type]

    def partial(self, options: dict[str, Any]) -> BehaviourPartial:
        sums: dict[str, dict[str, tuple[Any, ...]]] = {}
        for customer, acc in self.first.items():
            sums[customer] = {} if acc[_CODE] is None else {acc[_CODE]: tuple(acc)}
        for (customer, code), acc in self.others.items():
            sums[customer][code] = tuple(acc)
        converted: dict[str, dict[str, tuple[Any, ...] | _Failed]] = {}
        if self.converted is not None:
            for key, acc in self.converted.first.items():
                customer, code = key  # type: ignore[str-unpack]
                converted.setdefault(customer, {})[code] = tuple(acc)
        for (customer, code), failure in self.failed.items():
            converted.setdefault(customer, {})[code] = failure
        return BehaviourPartial(
            **options,
            sums=sums,
            converted=converted,
            credited=self.credited,
            records=self.records,
        )


def _check_settlements(
    settlements: Iterable[Settlement], bounds: _Bounds, scan: _Scan, chunk: int = 8192
) -> None:
    """Check ``settlements`` as the pass needs them and add them to ``scan`` in chunks."""
    if isinstance(settlements, str | bytes | Mapping) or not isinstance(settlements, Iterable):
        raise ValidationError(
            f"settlements: expected an iterable of credkit.ledger.Settlement, "
            f"got {type(settlements).__name__}"
        )
    as_of = bounds.as_of
    earliest = min(bounds.window, bounds.baseline)
    columns: tuple[list[Any], ...] = ([], [], [], [], [], [], [])
    customers, codes, paid, places, issued, due, settled = columns
    for position, record in enumerate(settlements):
        if type(record) is not Settlement and not isinstance(record, Settlement):
            raise ValidationError(
                f"settlements[{position}]: expected a credkit.ledger.Settlement, "
                f"got {type(record).__name__} {record!r}"
            )
        on = record.settled_on.toordinal()
        customers.append(record.customer_id)
        settled.append(on)
        if on > as_of or on <= earliest:  # only the customer counts: no checks
            codes.append("")
            paid.append(0)
            places.append(0)
            issued.append(on)
            due.append(on)
        else:
            amount = record.amount
            credited = record.credited
            currency = amount.currency
            if credited.currency != currency:
                raise CurrencyMismatchError(
                    f"settlements[{position}].credited: {credited} is not in the currency of "
                    f"invoice {record.invoice_id!r} ({amount})"
                )
            credit = credited.amount
            value = amount.amount - credit if credit else amount.amount
            if value < 0:
                raise ValidationError(
                    f"settlements[{position}].credited: {credited} is more than the amount "
                    f"{amount} of invoice {record.invoice_id!r}"
                )
            issue = record.issue_date.toordinal()
            if value and on < issue:
                raise ValidationError(
                    f"settlements[{position}].settled_on: {record.settled_on.isoformat()} is "
                    f"before the issue date {record.issue_date.isoformat()} of invoice "
                    f"{record.invoice_id!r}"
                )
            units, exponent = _units(value)
            codes.append(currency)
            paid.append(units)
            places.append(exponent)
            issued.append(issue)
            due.append(record.due_date.toordinal())
        if len(customers) == chunk:
            scan.add(*columns)
            for column in columns:
                column.clear()
    scan.add(*columns)


# -- building results --------------------------------------------------------------------


def _whole(value: object, field: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValidationError(f"{field}: expected a whole number >= {minimum}, got {value!r}")
    return value


def window_start(as_of: datetime.date, *, window_months: int = 24) -> datetime.date:
    """The first day of the window of :func:`payment_behaviour` (``PaymentBehaviour.window_start``):
    settlements from it to ``as_of`` are analysed, earlier ones are not.

    >>> window_start(datetime.date(2026, 3, 31), window_months=24)
    datetime.date(2024, 4, 1)
    """
    return shifted(as_of, "window_months", months=-window_months, days=1)


def _bounds(as_of: object, window_months: int, recent_months: int, baseline_months: int) -> _Bounds:
    if isinstance(as_of, datetime.datetime) or not isinstance(as_of, datetime.date):
        raise ValidationError(
            f"as_of: expected a datetime.date such as date(2026, 3, 31), "
            f"got {type(as_of).__name__} {as_of!r}"
        )
    recent = shifted(as_of, "recent_months", months=-recent_months)
    return _Bounds(
        as_of=as_of.toordinal(),
        window=window_start(as_of, window_months=window_months).toordinal() - 1,
        recent=recent.toordinal(),
        baseline=shifted(recent, "baseline_months", months=-baseline_months).toordinal(),
    )


def _windows(
    as_of: object, window_months: object, recent_months: object, baseline_months: object
) -> tuple[_Bounds, int, int, int]:
    """The bounds of the windows, and the checked ``window_months``, ``recent_months``
    and ``baseline_months`` (the options that decide what is counted)."""
    window = _whole(window_months, "window_months", 1)
    recent = _whole(recent_months, "recent_months", 1)
    baseline = _whole(baseline_months, "baseline_months", 1)
    return _bounds(as_of, window, recent, baseline), window, recent, baseline


def _decimal(units: int, places: int) -> Decimal:
    """``units * 10 ** -places`` as the ``Decimal`` sum of those amounts would be."""
    return Decimal(units).scaleb(-places) if places else Decimal(units)


def _ratio(units: int, weight: int, places: int) -> Decimal:
    """``units / weight``, two sums at ``places``, exactly as the ``Decimal`` sums divide.

    Both sums have the exponent ``-places``, so their quotient has the ideal exponent 0
    and equals the quotient of the whole numbers; except a sum of late invoices with
    none in it, which was ``Decimal(0)`` (exponent 0): ``0 / weight`` is then ``0E+places``.
    """
    if units:
        return Decimal(units) / Decimal(weight)
    return _ZEROS[places] if places < len(_ZEROS) else Decimal(0).scaleb(places)


_ZEROS: Final = tuple(Decimal(0).scaleb(places) for places in range(8))


def _trend(customer: str, acc: Sequence[Any], threshold: Decimal, needed: int) -> PaymentTrend:
    places = acc[_PLACES]
    recent = baseline = None
    if acc[_RN] >= needed:
        recent = _ratio(acc[_RW_LATE], acc[_RW], places)
    if acc[_BN] >= needed:
        baseline = _ratio(acc[_BW_LATE], acc[_BW], places)
    if recent is None or baseline is None:
        direction = TrendDirection.INSUFFICIENT_DATA
    elif recent - baseline > threshold:
        direction = TrendDirection.DETERIORATING
    elif baseline - recent > threshold:
        direction = TrendDirection.IMPROVING
    else:
        direction = TrendDirection.STABLE
    return PaymentTrend(
        customer,
        direction,
        recent_days_late=recent,
        baseline_days_late=baseline,
        recent_invoices=acc[_RN],
        baseline_invoices=acc[_BN],
    )


def _threshold(value: object) -> Decimal:
    threshold = to_decimal(value, field="threshold_days")
    if threshold < 0:
        raise ValidationError(f"threshold_days: must be zero or more, got {threshold}")
    return threshold


def _finishing(
    min_invoices: object, threshold_days: object, trend_min_invoices: object
) -> tuple[int, Decimal, int]:
    """The checked options that only read the sums (those of :meth:`BehaviourPartial.finish`)."""
    needed = _whole(min_invoices, "min_invoices", 1)
    threshold = _threshold(threshold_days)
    return needed, threshold, _whole(trend_min_invoices, "trend_min_invoices", 1)


_OPTIONS: Final = (
    "as_of",
    "window_months",
    "recent_months",
    "baseline_months",
    "currency",
    "rates_given",
)


@attrs.frozen(eq=False)
class BehaviourPartial:
    """Exact sums of payment behaviour over some settlements: add partials, then finish.

    Made by :func:`behaviour_partial` (or
    :func:`credkit.io.behaviour_partial_from_file`). Every figure of
    :func:`payment_behaviour` is a ratio of sums, and this holds the sums of each
    customer, per currency, in whole numbers of minor units, with the options they were
    counted with (``as_of``, ``window_months``, ``recent_months``, ``baseline_months``,
    ``currency``). Partials of any split of the settlements add up, with ``a + b``,
    to the partial of them all, so that parts of a large history can be counted
    separately (in processes, on a cluster) and merged exactly; :meth:`finish` then
    gives what :func:`payment_behaviour` gives. Partials counted with different options
    refuse to add (:class:`~credkit.errors.ValidationError` naming the option); partials
    that convert (``currency=`` and ``rates=``) must have used the same rates, which
    credkit cannot check. An invoice must be in one part only.

    >>> from datetime import date
    >>> from credkit.ledger import Settlement
    >>> def paid(n, customer, settled):
    ...     return Settlement(f"I{n}", customer, date(2026, 1, 1), date(2026, 1, 31),
    ...                       Money.of(100, "EUR"), settled_on=settled, credited=Money.zero("EUR"))
    >>> part1 = behaviour_partial([paid(1, "C1", date(2026, 1, 31)), paid(2, "C2", date(2026, 2, 5))],
    ...                           as_of=date(2026, 3, 31))
    >>> part2 = behaviour_partial([paid(3, "C1", date(2026, 2, 20))], as_of=date(2026, 3, 31))
    >>> whole = (part1 + part2).finish(min_invoices=1)
    >>> whole["C1"].invoices, whole["C1"].average_days_beyond_terms, sorted(whole)
    (2, Decimal('10'), ['C1', 'C2'])
    >>> part1 + behaviour_partial([], as_of=date(2026, 2, 28))
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: as_of: cannot add partials counted with different as_of (2026-03-31 and 2026-02-28); count every part with the same options
    """

    as_of: datetime.date = attrs.field(kw_only=True)
    window_months: int = attrs.field(kw_only=True)
    recent_months: int = attrs.field(kw_only=True)
    baseline_months: int = attrs.field(kw_only=True)
    currency: str | None = attrs.field(kw_only=True)
    _sums: Mapping[str, Mapping[str, tuple[Any, ...]]] = attrs.field(
        kw_only=True, alias="sums", repr=False
    )
    _converted: Mapping[str, Mapping[str, tuple[Any, ...] | _Failed]] = attrs.field(
        kw_only=True, alias="converted", repr=False
    )
    _credited: Mapping[str, int] = attrs.field(kw_only=True, alias="credited", repr=False)
    rates_given: bool = attrs.field(kw_only=True)
    records: int = attrs.field(kw_only=True)

    @property
    def customers(self) -> tuple[str, ...]:
        """The customers seen, sorted.

        >>> behaviour_partial([], as_of=datetime.date(2026, 3, 31)).customers
        ()
        """
        return tuple(sorted(self._sums))

    def _options(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in _OPTIONS}

    def __add__(self, other: BehaviourPartial) -> BehaviourPartial:
        if not isinstance(other, BehaviourPartial):
            return NotImplemented
        for name in _OPTIONS:
            mine, theirs = getattr(self, name), getattr(other, name)
            if mine != theirs:
                if name == "rates_given":
                    raise ValidationError(
                        "rates: cannot add a partial counted with rates= to one counted "
                        "without; count every part with the same options"
                    )
                shown = (
                    str(v) if isinstance(v, datetime.date) else repr(v) for v in (mine, theirs)
                )
                raise ValidationError(
                    f"{name}: cannot add partials counted with different {name} "
                    f"({' and '.join(shown)}); count every part with the same options"
                )
        sums = {customer: dict(found) for customer, found in self._sums.items()}
        for customer, found in other._sums.items():
            into = sums.setdefault(customer, {})
            for code, values in found.items():
                mine = into.get(code)
                into[code] = values if mine is None else tuple(_add_sums(mine, values))
        converted = {customer: dict(found) for customer, found in self._converted.items()}
        offset = self.records
        for customer, conv in other._converted.items():
            conv_into = converted.setdefault(customer, {})
            for code, value in conv.items():
                if isinstance(value, _Failed):
                    value = _Failed(value.position + offset, value.error)
                mine_conv = conv_into.get(code)
                if mine_conv is None:
                    conv_into[code] = value
                elif not isinstance(mine_conv, _Failed):  # the first failure stays
                    conv_into[code] = (
                        value if isinstance(value, _Failed) else tuple(_add_sums(mine_conv, value))
                    )
        credited = dict(self._credited)
        for customer, count in other._credited.items():
            credited[customer] = credited.get(customer, 0) + count
        return BehaviourPartial(
            **self._options(),
            sums=sums,
            converted=converted,
            credited=credited,
            records=self.records + other.records,
        )

    def _combined(self) -> dict[str, Sequence[Any]]:
        """Each customer's sums in one currency (``[None, 0, 0, ...]`` with none counted)."""
        result: dict[str, Sequence[Any]] = {}
        mixed: dict[str, list[str]] = {}
        for customer in sorted(self._sums):
            found = self._sums[customer]
            if len(found) == 1:
                (result[customer],) = found.values()
            elif not found:
                result[customer] = _new_sums(None)
            else:
                mixed[customer] = sorted(found)
                result[customer] = ()
        if not mixed:
            return result
        to = self.currency
        if to is None or not self.rates_given:
            shown = "; ".join(f"{c} ({', '.join(codes)})" for c, codes in list(mixed.items())[:5])
            more = f" and {len(mixed) - 5} more" if len(mixed) > 5 else ""
            raise CurrencyMismatchError(
                f"settlements: customers with invoices in several currencies: {shown}{more}; "
                "weighting by amount needs one currency: pass currency= and rates= "
                "(a credkit.fx.RateSource) to convert their amounts on the settlement dates"
            )
        failures = [
            value
            for customer in mixed
            for value in self._converted.get(customer, {}).values()
            if isinstance(value, _Failed)
        ]
        if failures:
            raise min(failures, key=lambda f: f.position).error
        for customer, codes in mixed.items():
            total: list[Any] | None = None
            for code in codes:
                if code == to:
                    values: Sequence[Any] = self._sums[customer][code]
                else:
                    found_conv = self._converted[customer][code]
                    assert not isinstance(found_conv, _Failed)
                    values = found_conv
                row = [to, *values[1:]]
                total = row if total is None else _add_sums(total, row)
            result[customer] = total or _new_sums(to)
        return result

    def finish(
        self,
        *,
        min_invoices: int = 3,
        threshold_days: Decimal | int | str = 5,
        trend_min_invoices: int = 2,
    ) -> dict[str, PaymentBehaviour | InsufficientData]:
        """The result of :func:`payment_behaviour` for the settlements counted.

        ``min_invoices``, ``threshold_days`` and ``trend_min_invoices`` are those of
        :func:`payment_behaviour`; a customer with invoices in several currencies needs
        the partial counted with ``currency=`` and ``rates=``, else this raises
        :class:`~credkit.errors.CurrencyMismatchError`.

        >>> from datetime import date
        >>> from credkit.ledger import Settlement
        >>> late = Settlement("I1", "C2", date(2026, 1, 1), date(2026, 1, 31), Money.of(50, "USD"),
        ...                   settled_on=date(2026, 3, 2), credited=Money.zero("USD"))
        >>> behaviour_partial([late], as_of=date(2026, 3, 31)).finish(min_invoices=1)["C2"].payment_index
        Decimal('50')
        """
        needed, threshold, trend_needed = _finishing(
            min_invoices, threshold_days, trend_min_invoices
        )
        as_of = self.as_of
        first_day = window_start(as_of, window_months=self.window_months)
        result: dict[str, PaymentBehaviour | InsufficientData] = {}
        for customer, acc in self._combined().items():
            n = acc[_N]
            if n < needed:
                result[customer] = InsufficientData(
                    customer,
                    invoices=n,
                    required=needed,
                    fully_credited=self._credited.get(customer, 0),
                )
                continue
            count = Decimal(n)
            places, units = acc[_PLACES], acc[_W]
            weight = Decimal(units)
            result[customer] = PaymentBehaviour(
                customer,
                as_of=as_of,
                window_start=first_day,
                currency=acc[_CODE],
                invoices=n,
                # a sum of checked amounts: no need to check it again
                amount_paid=_trusted_money(_decimal(units, places), acc[_CODE]),
                average_days_to_pay=acc[_DTP] / count,
                weighted_days_to_pay=Decimal(acc[_W_DTP]) / weight,
                average_days_beyond_terms=acc[_DBT] / count,
                weighted_days_beyond_terms=Decimal(acc[_W_DBT]) / weight,
                average_days_late=acc[_LATE] / count,
                weighted_days_late=_ratio(acc[_W_LATE], units, places),
                share_on_time=acc[_ON_TIME] / count,
                share_early=acc[_EARLY] / count,
                payment_index=Decimal(acc[_W_INDEX]) / Decimal(units * _SCALE),
                trend=_trend(customer, acc, threshold, trend_needed),
            )
        return result

    def trends(
        self, *, threshold_days: Decimal | int | str = 5, min_invoices: int = 2
    ) -> dict[str, PaymentTrend]:
        """Each customer's :class:`PaymentTrend`, as :func:`payment_trends` gives it.

        One exception: with ``currency=`` and ``rates=``, a customer's amounts are
        converted when the settlements counted (those of ``window_months`` too) are in
        several currencies, and :func:`payment_trends` counts one month; a customer
        whose other currency lies only outside the trend windows gets trends weighted
        in converted amounts here and in its own currency there.

        >>> behaviour_partial([], as_of=datetime.date(2026, 3, 31)).trends()
        {}
        """
        threshold = _threshold(threshold_days)
        needed = _whole(min_invoices, "min_invoices", 1)
        return {
            customer: _trend(customer, acc, threshold, needed)
            for customer, acc in self._combined().items()
        }


def behaviour_partial(
    settlements: Iterable[Settlement],
    *,
    as_of: datetime.date,
    window_months: int = 24,
    recent_months: int = 3,
    baseline_months: int = 12,
    currency: str | None = None,
    rates: RateSource | None = None,
) -> BehaviourPartial:
    """The exact sums of :func:`payment_behaviour` over ``settlements``, to add and finish.

    The options are those of :func:`payment_behaviour` that decide what is counted;
    those that only read the sums (``min_invoices``, ``threshold_days``,
    ``trend_min_invoices``) go to :meth:`BehaviourPartial.finish`. With ``currency=``
    and ``rates=``, every amount in another currency is also converted on its
    settlement date, so that a customer who pays in one currency in one part and in
    another in the next is weighted exactly after the parts are added (a missing rate
    is raised by ``finish`` only for a customer who needs it).

    >>> from datetime import date
    >>> from credkit.ledger import Settlement
    >>> history = [Settlement(f"I{n}", "C1", date(2026, 1, 1), date(2026, 1, 31),
    ...                       Money.of(100, "EUR"), settled_on=date(2026, 2, n),
    ...                       credited=Money.zero("EUR")) for n in (1, 2, 3, 4)]
    >>> whole = behaviour_partial(history, as_of=date(2026, 3, 31))
    >>> parts = behaviour_partial(history[:3], as_of=date(2026, 3, 31)) + behaviour_partial(
    ...     history[3:], as_of=date(2026, 3, 31))
    >>> parts.finish() == whole.finish() == payment_behaviour(history, as_of=date(2026, 3, 31))
    True
    """
    bounds, window, recent, baseline = _windows(
        as_of, window_months, recent_months, baseline_months
    )
    if isinstance(settlements, str | bytes | Mapping) or not isinstance(settlements, Iterable):
        raise ValidationError(
            f"settlements: expected an iterable of credkit.ledger.Settlement, "
            f"got {type(settlements).__name__}"
        )
    scan = _start(bounds, currency, rates)
    _check_settlements(settlements, bounds, scan)
    return scan.partial(_partial_options(as_of, window, recent, baseline, currency, rates))


def _start(bounds: _Bounds, currency: str | None, rates: RateSource | None) -> _Scan:
    if currency is not None:
        Money.zero(currency)  # raises a ValidationError naming 'currency'
    if rates is not None and not isinstance(rates, RateSource):
        raise ValidationError(
            f"rates: expected a credkit.fx.RateSource such as a RateTable, "
            f"got {type(rates).__name__} {rates!r}"
        )
    return _Scan(bounds, currency, rates)


def _partial_options(
    as_of: datetime.date,
    window: int,
    recent: int,
    baseline: int,
    currency: str | None,
    rates: RateSource | None,
) -> dict[str, Any]:
    return {
        "as_of": as_of,
        "window_months": window,
        "recent_months": recent,
        "baseline_months": baseline,
        "currency": currency,
        "rates_given": rates is not None,
    }


def payment_behaviour(
    settlements: Iterable[Settlement],
    *,
    as_of: datetime.date,
    window_months: int = 24,
    min_invoices: int = 3,
    recent_months: int = 3,
    baseline_months: int = 12,
    threshold_days: Decimal | int | str = 5,
    trend_min_invoices: int = 2,
    currency: str | None = None,
    rates: RateSource | None = None,
) -> dict[str, PaymentBehaviour | InsufficientData]:
    """Each customer's payment behaviour over the ``window_months`` up to ``as_of``.

    Invoices count in the window when settled after ``as_of - window_months`` and on
    or before ``as_of``; later settlements are ignored, so the result as of a past
    date does not change. Every customer that appears in ``settlements`` gets an
    entry (sorted by customer id): a :class:`PaymentBehaviour` when at least
    ``min_invoices`` paid invoices fall in the window, else :class:`InsufficientData`.
    The :class:`PaymentTrend` of each uses the windows ``recent_months`` and
    ``baseline_months`` before it (both ending at ``as_of``, independent of the
    behaviour window), each needing ``trend_min_invoices`` invoices, and
    ``threshold_days``. ``currency`` and ``rates`` are needed only for customers with
    invoices in several currencies (see the module documentation).

    This is ``behaviour_partial(settlements, ...).finish(...)`` (see
    :class:`BehaviourPartial`): one pass over ``settlements`` summing whole numbers of
    minor units, divided once per figure at the end.

    >>> from datetime import date
    >>> from credkit.ledger import Settlement
    >>> late = Settlement("I1", "C2", date(2026, 1, 1), date(2026, 1, 31), Money.of(50, "USD"),
    ...                   settled_on=date(2026, 3, 2), credited=Money.zero("USD"))
    >>> payment_behaviour([late], as_of=date(2026, 3, 31))["C2"].reason
    'C2: 1 paid invoice in the window, 3 needed'
    >>> payment_behaviour([late], as_of=date(2026, 3, 31), min_invoices=1)["C2"].payment_index
    Decimal('50')
    """
    _whole(window_months, "window_months", 1)
    _whole(min_invoices, "min_invoices", 1)
    _whole(recent_months, "recent_months", 1)
    _whole(baseline_months, "baseline_months", 1)
    _bounds(as_of, 1, 1, 1)
    _threshold(threshold_days)
    _whole(trend_min_invoices, "trend_min_invoices", 1)
    partial = behaviour_partial(
        settlements,
        as_of=as_of,
        window_months=window_months,
        recent_months=recent_months,
        baseline_months=baseline_months,
        currency=currency,
        rates=rates,
    )
    return partial.finish(
        min_invoices=min_invoices,
        threshold_days=threshold_days,
        trend_min_invoices=trend_min_invoices,
    )


def single_currency_behaviour(
    settlements: Iterable[Settlement], *, as_of: datetime.date, **options: Any
) -> tuple[dict[str, PaymentBehaviour | InsufficientData], tuple[str, ...]]:
    """:func:`payment_behaviour` without exchange rates, leaving out who needs them.

    A customer whose invoices settled up to ``as_of`` are in several currencies can be
    weighted only with ``rates`` (see the module); this returns the behaviour of every
    other customer and the sorted ids of those left out, for the caller to name (a
    worklist ranks them as neutral). ``options`` are passed on to
    :func:`payment_behaviour` (``window_months``, ``min_invoices``, ...).

    >>> from datetime import date
    >>> from credkit.ledger import Settlement
    >>> def paid(n, customer, currency):
    ...     return Settlement(f"I{n}", customer, date(2026, 1, 1), date(2026, 1, 31),
    ...                       Money.of(100, currency), settled_on=date(2026, 2, 10),
    ...                       credited=Money.zero(currency))
    >>> results, left_out = single_currency_behaviour(
    ...     [paid(1, "C1", "EUR"), paid(2, "C2", "EUR"), paid(3, "C2", "USD")],
    ...     as_of=date(2026, 3, 31), min_invoices=1)
    >>> sorted(results), left_out
    (['C1'], ('C2',))
    """
    records = list(settlements)
    try:
        return payment_behaviour(records, as_of=as_of, **options), ()
    except CurrencyMismatchError:
        pass
    currencies: dict[str, set[str]] = {}
    for record in records:
        if record.settled_on <= as_of:
            currencies.setdefault(record.customer_id, set()).add(record.amount.currency)
    left_out = tuple(sorted(c for c, found in currencies.items() if len(found) > 1))
    kept = [record for record in records if record.customer_id not in left_out]
    return payment_behaviour(kept, as_of=as_of, **options), left_out


def payment_trends(
    settlements: Iterable[Settlement],
    *,
    as_of: datetime.date,
    recent_months: int = 3,
    baseline_months: int = 12,
    threshold_days: Decimal | int | str = 5,
    min_invoices: int = 2,
    currency: str | None = None,
    rates: RateSource | None = None,
) -> dict[str, PaymentTrend]:
    """Each customer's :class:`PaymentTrend` as of ``as_of``, without the rest of the behaviour.

    Same windows and rules as the trend of :func:`payment_behaviour`; ``min_invoices``
    is the number of invoices each of the two windows needs.

    >>> from datetime import date
    >>> from credkit.ledger import Settlement
    >>> from datetime import timedelta
    >>> def paid(n, due, settled):
    ...     return Settlement(f"I{n}", "C1", due - timedelta(days=30), due, Money.of(10, "EUR"),
    ...                       settled_on=settled, credited=Money.zero("EUR"))
    >>> trend = payment_trends([paid(1, date(2025, 5, 31), date(2025, 6, 2)),
    ...                         paid(2, date(2025, 6, 30), date(2025, 7, 3)),
    ...                         paid(3, date(2026, 2, 28), date(2026, 3, 20)),
    ...                         paid(4, date(2026, 3, 5), date(2026, 3, 30))],
    ...                        as_of=date(2026, 3, 31))["C1"]
    >>> trend.baseline_days_late, trend.recent_days_late
    (Decimal('2.5'), Decimal('22.5'))
    >>> trend.direction, trend.change
    (<TrendDirection.DETERIORATING: 'deteriorating'>, Decimal('20.0'))
    """
    _whole(recent_months, "recent_months", 1)
    _whole(baseline_months, "baseline_months", 1)
    threshold = _threshold(threshold_days)
    _whole(min_invoices, "min_invoices", 1)
    partial = behaviour_partial(
        settlements,
        as_of=as_of,
        window_months=1,
        recent_months=recent_months,
        baseline_months=baseline_months,
        currency=currency,
        rates=rates,
    )
    return partial.trends(threshold_days=threshold, min_invoices=min_invoices)


def most_deteriorated(
    results: Mapping[str, PaymentBehaviour | InsufficientData | PaymentTrend]
    | Iterable[PaymentBehaviour | InsufficientData | PaymentTrend],
    *,
    limit: int = 10,
) -> tuple[PaymentTrend, ...]:
    """The customers whose payment deteriorated most, worst first (at most ``limit``).

    Takes what :func:`payment_behaviour` or :func:`payment_trends` returned (or their
    values). Only trends whose direction is ``DETERIORATING`` count; they are ranked
    by :attr:`PaymentTrend.change`, largest first, then by customer id.

    >>> worse = PaymentTrend("C1", TrendDirection.DETERIORATING, recent_days_late=Decimal(30),
    ...                      baseline_days_late=Decimal(0), recent_invoices=3, baseline_invoices=9)
    >>> bit = attrs.evolve(worse, customer_id="C2", recent_days_late=Decimal(8))
    >>> same = attrs.evolve(worse, customer_id="C3", direction=TrendDirection.STABLE)
    >>> [t.customer_id for t in most_deteriorated([bit, same, worse])]
    ['C1', 'C2']
    """
    limit = _whole(limit, "limit", 0)
    values = results.values() if isinstance(results, Mapping) else results
    trends = []
    for value in values:
        if isinstance(value, PaymentBehaviour):
            value = value.trend
        elif isinstance(value, InsufficientData):
            continue
        elif not isinstance(value, PaymentTrend):
            raise ValidationError(
                f"results: expected PaymentBehaviour, InsufficientData or PaymentTrend values, "
                f"got {type(value).__name__} {value!r}"
            )
        if value.direction is TrendDirection.DETERIORATING and value.change is not None:
            trends.append(value)
    trends.sort(key=lambda t: (-t.change, t.customer_id))  # type: ignore[operator]
    return tuple(trends[:limit])
