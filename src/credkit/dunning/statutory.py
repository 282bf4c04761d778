"""Statutory late-payment interest and fixed compensation: the EU Directive and the UK Act.

Both rules are a reference rate the host supplies (:class:`~credkit.dunning.ReferenceRates`)
plus 8 percentage points, fixed per half-year, and a fixed sum per late debt:

* :class:`EULatePayment`, Directive 2011/7/EU on combating late payment in
  commercial transactions: statutory interest is simple interest at the reference
  rate (for the euro area, the ECB's main refinancing rate) plus at least eight
  percentage points (Art. 2(6)); the reference rate for the first half of a year is
  the one in force on 1 January, for the second half the one in force on 1 July;
  the creditor is entitled to a fixed EUR 40 per late invoice (Art. 6(1)); for a
  debt in another currency, the host configures the fixed sum in that currency
  (Member States outside the euro area set their own equivalent), and a debt in a
  currency without one raises :class:`~credkit.errors.ValidationError`. By
  default each late day carries the rate of its own half-year
  (:attr:`RateFixing.PER_HALF_YEAR`), which is how, for example, Germany applies its
  half-yearly base rate; national laws that fix one rate per debt can use
  :attr:`RateFixing.AT_START`.
* :class:`UKLatePayment`, Late Payment of Commercial Debts (Interest) Act 1998 with
  the Late Payment of Commercial Debts (Rate of Interest) (No. 3) Order 2002
  (SI 2002/1675, art. 4): 8 % over the Bank of England's official dealing rate
  (Bank Rate) in force on 30 June, for interest that starts to run from 1 July to
  31 December, or on 31 December, for interest that starts to run from 1 January
  to 30 June, "immediately before the day on which statutory interest starts to
  run". The rate is therefore fixed for the whole debt by the day interest starts
  (:attr:`RateFixing.AT_START`, the default). The fixed sum (s. 5A) depends on the
  size of the debt: less than GBP 1,000 -> 40; 1,000 or more but less than 10,000
  -> 70; 10,000 or more -> 100 (:func:`uk_fixed_sum`).

Interest starts to run on the day after the due date in both rules.

>>> from datetime import date
>>> ecb = ReferenceRates.from_mapping({"2023-09-20": "4.50", "2024-06-12": "4.25"},
...                                   name="ECB main refinancing rate")
>>> eu = EULatePayment(ecb)
>>> [(str(p.percent), p.first_day.isoformat()) for p in eu.rate_periods(date(2024, 6, 29), date(2024, 7, 2))]
[('12.50', '2024-06-29'), ('12.25', '2024-07-01')]
>>> uk_fixed_sum(Money.of("999.99", "GBP")), uk_fixed_sum(Money.of("1000.00", "GBP"))
(Money('40', 'GBP'), Money('70', 'GBP'))
"""

from __future__ import annotations

import datetime
import enum
from decimal import Decimal
from typing import Any

import attrs

from credkit._compat import renamed_argument
from credkit._validate import check_date, check_money, check_number, to_number
from credkit.dunning.interest import RatePeriod, ReferenceRates
from credkit.errors import ValidationError
from credkit.money import Money

__all__ = [
    "EULatePayment",
    "RateFixing",
    "UKLatePayment",
    "half_year_start",
    "uk_fixed_sum",
]


class RateFixing(enum.Enum):
    """How a half-yearly reference rate applies to a debt that is late across half-years.

    * ``PER_HALF_YEAR``: each late day carries the rate fixed for its own half-year.
    * ``AT_START``: the rate fixed for the half-year in which interest starts to run
      applies to the whole debt.

    >>> RateFixing("at_start")
    <RateFixing.AT_START: 'at_start'>
    """

    PER_HALF_YEAR = "per_half_year"
    AT_START = "at_start"


def half_year_start(day: datetime.date) -> datetime.date:
    """1 January or 1 July: the start of ``day``'s half-year.

    >>> half_year_start(datetime.date(2024, 6, 30)), half_year_start(datetime.date(2024, 7, 1))
    (datetime.date(2024, 1, 1), datetime.date(2024, 7, 1))
    """
    check_date(day, "day")
    return datetime.date(day.year, 1 if day.month <= 6 else 7, 1)


def _next_half_year(start: datetime.date) -> datetime.date:
    return (
        datetime.date(start.year, 7, 1) if start.month == 1 else datetime.date(start.year + 1, 1, 1)
    )


def _margin(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    margin = check_number(to_number(value), attribute.name)
    if margin < 0:
        raise ValidationError(f"{attribute.name}: must be >= 0 percentage points, got {margin}")


def _rates(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, ReferenceRates):
        raise ValidationError(
            f"rates: expected ReferenceRates (a dated table the host supplies), "
            f"got {type(value).__name__} {value!r}"
        )


def _to_compensation(value: object) -> object:
    if isinstance(value, Money):
        return (value,)
    if isinstance(value, list | tuple):
        return tuple(value)
    return value


def _compensation(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, tuple) or not value:
        raise ValidationError(
            "fixed_compensation: expected Money or a list of Money (one per currency), such as "
            f"[Money.of(40, 'EUR')], got {type(value).__name__} {value!r}"
        )
    seen: set[str] = set()
    for index, money in enumerate(value):
        check_money(money, f"fixed_compensation[{index}]")
        if money.is_negative:
            raise ValidationError(f"fixed_compensation[{index}]: must be >= 0, got {money}")
        if money.currency in seen:
            raise ValidationError(
                f"fixed_compensation[{index}]: a second sum in {money.currency}; give at most "
                "one per currency"
            )
        seen.add(money.currency)


def _periods(
    first_day: datetime.date,
    last_day: datetime.date,
    *,
    fixing: RateFixing,
    percent_for: Any,
) -> tuple[RatePeriod, ...]:
    check_date(first_day, "first_day")
    check_date(last_day, "last_day")
    if last_day < first_day:
        raise ValidationError(
            f"last_day: {last_day.isoformat()} is before first_day {first_day.isoformat()}"
        )
    if fixing is RateFixing.AT_START:
        percent, basis = percent_for(half_year_start(first_day))
        return (RatePeriod(first_day=first_day, last_day=last_day, percent=percent, basis=basis),)
    periods = []
    start = first_day
    while start <= last_day:
        half = half_year_start(start)
        following = _next_half_year(half)
        end = min(last_day, following - datetime.timedelta(days=1))
        percent, basis = percent_for(half)
        periods.append(RatePeriod(first_day=start, last_day=end, percent=percent, basis=basis))
        start = following
    return tuple(periods)


@attrs.frozen
class EULatePayment:
    """Statutory interest under Directive 2011/7/EU: reference rate + 8 points, EUR 40 per invoice.

    ``rates`` is the reference rate table (the ECB main refinancing rate for the
    euro area, or a national central bank's rate), ``margin`` the points added
    (at least 8 under the Directive; a Member State may set more),
    ``fixed_compensation`` the fixed sum per late invoice: one Money, or a list with
    one per currency (default EUR 40 only), ``fixing`` how the half-yearly rate
    applies across half-years. The Directive states the sum in euro; for a debt in
    another currency give the amount in that currency that the applicable national
    law sets. :meth:`compensation` never converts and never guesses: a debt in a
    currency without a configured sum raises :class:`~credkit.errors.ValidationError`.

    >>> from datetime import date
    >>> ecb = ReferenceRates.from_mapping({"2023-09-20": "4.50"}, name="ECB MRO")
    >>> EULatePayment(ecb).reference_date(date(2024, 5, 3))
    datetime.date(2024, 1, 1)
    >>> EULatePayment(ecb).compensation(Money.of("120.00", "EUR"))
    Money('40', 'EUR')
    >>> EULatePayment(ecb).compensation(Money.of("120.00", "SEK"))
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: debt: no fixed compensation is configured in SEK (only in EUR); give EULatePayment(fixed_compensation=[...]) the sum national law sets in SEK
    """

    rates: ReferenceRates = attrs.field(validator=_rates)
    margin: Decimal = attrs.field(
        default=Decimal(8), kw_only=True, converter=to_number, validator=_margin
    )
    fixed_compensation: tuple[Money, ...] = attrs.field(
        factory=lambda: (Money.of(40, "EUR"),),
        kw_only=True,
        converter=_to_compensation,
        validator=_compensation,
    )
    fixing: RateFixing = attrs.field(
        default=RateFixing.PER_HALF_YEAR,
        kw_only=True,
        validator=attrs.validators.instance_of(RateFixing),
    )

    @property
    def name(self) -> str:
        """A description naming the Directive and the reference rate.

        >>> EULatePayment(ReferenceRates.from_mapping({"2023-09-20": "4.50"}, name="ECB MRO")).name
        'Directive 2011/7/EU: ECB MRO + 8 points'
        """
        return f"Directive 2011/7/EU: {self.rates.name} + {self.margin} points"

    def reference_date(self, day: datetime.date) -> datetime.date:
        """The date whose reference rate applies to ``day``: 1 January or 1 July.

        >>> EULatePayment(ReferenceRates.from_mapping({"2023-09-20": "4.50"}, name="x")).reference_date(
        ...     datetime.date(2024, 7, 1))
        datetime.date(2024, 7, 1)
        """
        return half_year_start(day)

    @renamed_argument("day", "on")
    def percent_on(self, on: datetime.date) -> Decimal:
        """The statutory rate in force on ``on`` (``PER_HALF_YEAR`` reading), in percent.

        >>> ecb = ReferenceRates.from_mapping({"2023-09-20": "4.50"}, name="x")
        >>> EULatePayment(ecb).percent_on(datetime.date(2024, 3, 1))
        Decimal('12.50')
        """
        return self.rates.percent_on(self.reference_date(on)) + self.margin

    def _percent_for(self, half: datetime.date) -> tuple[Decimal, str]:
        reference = self.rates.percent_on(half)
        basis = f"{self.rates.name} on {half.isoformat()} ({reference} %) + {self.margin} points"
        return reference + self.margin, basis

    def rate_periods(
        self, first_day: datetime.date, last_day: datetime.date
    ) -> tuple[RatePeriod, ...]:
        """The late days split at 1 January and 1 July, each half-year at its own rate.

        >>> ecb = ReferenceRates.from_mapping({"2023-09-20": "4.50"}, name="x")
        >>> len(EULatePayment(ecb).rate_periods(datetime.date(2024, 1, 1), datetime.date(2024, 12, 31)))
        2
        """
        return _periods(first_day, last_day, fixing=self.fixing, percent_for=self._percent_for)

    def compensation(self, debt: Money) -> Money | None:
        """The fixed sum per late invoice in ``debt``'s currency (EUR 40 unless configured).

        >>> ecb = ReferenceRates.from_mapping({"2023-09-20": "4.50"}, name="x")
        >>> EULatePayment(ecb).compensation(Money.of(1, "EUR"))
        Money('40', 'EUR')
        >>> rule = EULatePayment(ecb, fixed_compensation=[Money.of(40, "EUR"), Money.of(300, "DKK")])
        >>> rule.compensation(Money.of(1, "DKK"))
        Money('300', 'DKK')
        """
        check_money(debt, "debt")
        for money in self.fixed_compensation:
            if money.currency == debt.currency:
                return money
        configured = ", ".join(m.currency for m in self.fixed_compensation)
        raise ValidationError(
            f"debt: no fixed compensation is configured in {debt.currency} (only in "
            f"{configured}); give EULatePayment(fixed_compensation=[...]) the sum national law "
            f"sets in {debt.currency}"
        )


_UK_BANDS = (
    (Decimal(1000), Decimal(40)),
    (Decimal(10000), Decimal(70)),
)


def uk_fixed_sum(debt: Money) -> Money:
    """The fixed sum of s. 5A of the UK Late Payment Act for a late ``debt`` in GBP.

    Less than GBP 1,000: 40; 1,000 or more but less than 10,000: 70; 10,000 or
    more: 100.

    >>> [uk_fixed_sum(Money.of(x, "GBP")).amount for x in ("9999.99", "10000.00")]
    [Decimal('70'), Decimal('100')]
    >>> uk_fixed_sum(Money.of(500, "EUR"))
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: debt: the UK Act's fixed sums are in GBP, got 500 EUR; convert the debt first
    """
    check_money(debt, "debt")
    if debt.currency != "GBP":
        raise ValidationError(
            f"debt: the UK Act's fixed sums are in GBP, got {debt}; convert the debt first"
        )
    if debt.is_negative:
        raise ValidationError(f"debt: must not be negative, got {debt}")
    for limit, amount in _UK_BANDS:
        if debt.amount < limit:
            return Money(amount, "GBP")
    return Money(Decimal(100), "GBP")


@attrs.frozen
class UKLatePayment:
    """Statutory interest under the UK Late Payment of Commercial Debts (Interest) Act 1998.

    ``rates`` is the Bank of England's Bank Rate (official dealing rate) table;
    ``margin`` is 8 %; the rate in force on 31 December (for interest starting
    1 January - 30 June) or 30 June (for 1 July - 31 December) just before the day
    interest starts applies to the whole debt (``fixing=RateFixing.AT_START``).
    ``compensation`` is :func:`uk_fixed_sum`.

    >>> from datetime import date
    >>> boe = ReferenceRates.from_mapping({"2023-08-03": "5.25", "2024-08-01": "5.00"}, name="Bank Rate")
    >>> uk = UKLatePayment(boe)
    >>> uk.reference_date(date(2024, 7, 1)), uk.reference_date(date(2024, 6, 30))
    (datetime.date(2024, 6, 30), datetime.date(2023, 12, 31))
    >>> [str(p.percent) for p in uk.rate_periods(date(2024, 7, 1), date(2025, 3, 1))]
    ['13.25']
    """

    rates: ReferenceRates = attrs.field(validator=_rates)
    margin: Decimal = attrs.field(
        default=Decimal(8), kw_only=True, converter=to_number, validator=_margin
    )
    fixing: RateFixing = attrs.field(
        default=RateFixing.AT_START,
        kw_only=True,
        validator=attrs.validators.instance_of(RateFixing),
    )

    @property
    def name(self) -> str:
        """A description naming the Act and the reference rate.

        >>> UKLatePayment(ReferenceRates.from_mapping({"2023-08-03": "5.25"}, name="Bank Rate")).name
        'Late Payment of Commercial Debts (Interest) Act 1998: Bank Rate + 8 %'
        """
        return f"Late Payment of Commercial Debts (Interest) Act 1998: {self.rates.name} + {self.margin} %"

    def reference_date(self, first_day: datetime.date) -> datetime.date:
        """The day whose rate applies when interest starts on ``first_day``: 31 December or 30 June before.

        >>> boe = ReferenceRates.from_mapping({"2023-08-03": "5.25"}, name="Bank Rate")
        >>> UKLatePayment(boe).reference_date(datetime.date(2025, 1, 1))
        datetime.date(2024, 12, 31)
        """
        return half_year_start(first_day) - datetime.timedelta(days=1)

    def percent_on(self, first_day: datetime.date) -> Decimal:
        """The statutory rate for interest that starts to run on ``first_day``, in percent.

        >>> boe = ReferenceRates.from_mapping({"2023-08-03": "5.25"}, name="Bank Rate")
        >>> UKLatePayment(boe).percent_on(datetime.date(2024, 1, 1))
        Decimal('13.25')
        """
        return self.rates.percent_on(self.reference_date(first_day)) + self.margin

    def _percent_for(self, half: datetime.date) -> tuple[Decimal, str]:
        day = half - datetime.timedelta(days=1)
        reference = self.rates.percent_on(day)
        basis = f"{self.rates.name} on {day.isoformat()} ({reference} %) + {self.margin} %"
        return reference + self.margin, basis

    def rate_periods(
        self, first_day: datetime.date, last_day: datetime.date
    ) -> tuple[RatePeriod, ...]:
        """One period at the rate fixed when interest started (or per half-year if so configured).

        >>> boe = ReferenceRates.from_mapping({"2023-08-03": "5.25"}, name="Bank Rate")
        >>> UKLatePayment(boe).rate_periods(datetime.date(2024, 2, 1), datetime.date(2024, 2, 1))[0].basis
        'Bank Rate on 2023-12-31 (5.25 %) + 8 %'
        """
        return _periods(first_day, last_day, fixing=self.fixing, percent_for=self._percent_for)

    def compensation(self, debt: Money) -> Money | None:
        """The s. 5A fixed sum for ``debt`` (:func:`uk_fixed_sum`).

        >>> boe = ReferenceRates.from_mapping({"2023-08-03": "5.25"}, name="Bank Rate")
        >>> UKLatePayment(boe).compensation(Money.of("12000.00", "GBP"))
        Money('100', 'GBP')
        """
        return uk_fixed_sum(debt)
