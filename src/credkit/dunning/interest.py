"""Late-payment interest: simple daily interest on what is unpaid, rounded once.

Interest for late payment is simple interest, day by day, from the day after the
due date to the day of payment (or the ``as_of`` date), at an annual rate:

    interest = principal x annual rate / 365 x days

summed over the stretches during which the principal and the rate stay the same
and rounded once, at the end, to the currency's minor units (half away from
zero). Rounding each day's interest first and multiplying gives a different,
wrong total; see ``docs/explanation/late-payment-interest.md``.

A partial payment reduces the principal from the day after it is received: the
day of payment still carries interest on the amount paid that day, so a debt paid
in full on day *n* after the due date carries *n* days of interest. For an invoice
of a ledger (:func:`invoice_interest`) that day is when the money was received (or
the credit note issued), never the later day the books applied it.

The annual rate comes from an :class:`InterestRule`: a :class:`FixedRate` from a
contract, or a statutory rule built on a reference rate the host supplies as data
(:class:`ReferenceRates`; see ``credkit.dunning.statutory`` for the EU Directive
2011/7/EU and the UK Late Payment of Commercial Debts (Interest) Act 1998). credkit
ships no central-bank rates: they change, so they are data, never constants in code.
A date the table cannot answer for raises :class:`~credkit.errors.RateNotFoundError`.

>>> from datetime import date
>>> calc = late_payment_interest(
...     Money.of("10000.00", "EUR"), due_date=date(2026, 1, 31), as_of=date(2026, 3, 2),
...     rule=FixedRate("9.5"),
... )
>>> calc.days, calc.interest
(30, Money('78.08', 'EUR'))
"""

from __future__ import annotations

import bisect
import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal, localcontext
from typing import Any, Protocol, runtime_checkable

import attrs

from credkit._compat import renamed_argument
from credkit._validate import (
    check_date,
    check_money,
    check_number,
    describe,
    is_date,
    iso_day,
    optional_date,
    text,
    to_number,
    to_tuple,
    tuple_of,
)
from credkit.dunning._common import add_days
from credkit.errors import RateNotFoundError, ValidationError
from credkit.ledger import CreditNote, Invoice, Ledger, Payment
from credkit.money import Money, Numeric

__all__ = [
    "DAYS_IN_YEAR",
    "FixedRate",
    "InterestCalculation",
    "InterestPeriod",
    "InterestRule",
    "RatePeriod",
    "ReferenceRate",
    "ReferenceRates",
    "invoice_interest",
    "late_payment_interest",
]

DAYS_IN_YEAR = 365
"""The day-count divisor: interest per day is the annual rate / 365, in leap years too
(the convention of the UK government's late-payment guidance and of the EU Directive's
national transpositions that state one)."""

_PRECISION = 60


# -- reference rates -------------------------------------------------------------------


def _percent(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    check_number(to_number(value), attribute.name)


@attrs.frozen
class ReferenceRate:
    """A reference rate of ``percent`` per year, in force from ``valid_from``.

    >>> from datetime import date
    >>> ReferenceRate(date(2023, 9, 20), "4.50")
    ReferenceRate(valid_from=datetime.date(2023, 9, 20), percent=Decimal('4.50'))
    >>> ReferenceRate(date(2023, 9, 20), 4.5)
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: percent: float 4.5 is not exact; pass a Decimal, an int or a string such as '4.5'
    """

    valid_from: datetime.date = attrs.field(validator=is_date)
    percent: Decimal = attrs.field(converter=to_number, validator=_percent)


def _rates(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    tuple_of(ReferenceRate, "a ReferenceRate")(instance, attribute, value)
    assert isinstance(value, tuple)
    if not value:
        raise ValidationError("rates: a reference rate table needs at least one rate")
    seen: dict[datetime.date, int] = {}
    for index, rate in enumerate(value):
        if rate.valid_from in seen:
            raise ValidationError(
                f"rates[{index}].valid_from: {rate.valid_from.isoformat()} is already given by "
                f"rates[{seen[rate.valid_from]}]; keep one, the table cannot choose"
            )
        seen[rate.valid_from] = index


@attrs.frozen
class ReferenceRates:
    """A dated table of a reference rate (a central bank's policy rate), supplied by the host.

    :meth:`percent_on` answers with the rate whose ``valid_from`` is the latest on
    or before the date. A date before the first rate raises
    :class:`~credkit.errors.RateNotFoundError`, and so does a date after
    ``known_until`` when it is set: it says up to which date the host vouches that
    the table is complete, so that a table nobody updated does not silently keep
    answering with an old rate.

    >>> from datetime import date
    >>> ecb = ReferenceRates.from_mapping(
    ...     {"2023-09-20": "4.50", "2024-06-12": "4.25"},
    ...     name="ECB main refinancing operations", known_until=date(2024, 9, 17),
    ... )
    >>> ecb.percent_on(date(2024, 1, 1)), ecb.percent_on(date(2024, 7, 1))
    (Decimal('4.50'), Decimal('4.25'))
    >>> ecb.percent_on(date(2024, 9, 18))
    Traceback (most recent call last):
    ...
    credkit.errors.RateNotFoundError: no ECB main refinancing operations known for 2024-09-18: the table is known to be complete only until 2024-09-17
    """

    name: str = attrs.field(validator=text)
    rates: tuple[ReferenceRate, ...] = attrs.field(
        kw_only=True, converter=to_tuple, validator=_rates
    )
    known_until: datetime.date | None = attrs.field(
        default=None, kw_only=True, validator=optional_date
    )
    _dates: tuple[datetime.date, ...] = attrs.field(init=False, repr=False, eq=False)
    _values: tuple[Decimal, ...] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        ordered = sorted(self.rates, key=lambda r: r.valid_from)
        object.__setattr__(self, "_dates", tuple(r.valid_from for r in ordered))
        object.__setattr__(self, "_values", tuple(r.percent for r in ordered))
        if self.known_until is not None and self.known_until < self._dates[0]:
            raise ValidationError(
                f"known_until: {self.known_until.isoformat()} is before the first rate "
                f"({self._dates[0].isoformat()})"
            )

    @classmethod
    def from_mapping(
        cls,
        data: Mapping[datetime.date | str, Numeric],
        *,
        name: str,
        known_until: datetime.date | None = None,
    ) -> ReferenceRates:
        """Build a table from ``{valid_from: percent}`` (dates or ISO strings).

        >>> ReferenceRates.from_mapping({"2023-08-03": "5.25"}, name="Bank Rate").rates
        (ReferenceRate(valid_from=datetime.date(2023, 8, 3), percent=Decimal('5.25')),)
        """
        if not isinstance(data, Mapping):
            raise ValidationError(
                f"data: expected a mapping of dates to percentages, got {describe(data)}"
            )
        rates = []
        for key, value in data.items():
            day: object = key
            if isinstance(key, str):
                try:
                    day = iso_day(key)
                except ValueError:
                    raise ValidationError(
                        f"data: key {key!r} is not a date; expected 'YYYY-MM-DD'"
                    ) from None
            try:
                rates.append(ReferenceRate(day, value))  # type: ignore[arg-type]
            except ValidationError as error:
                raise ValidationError(f"data[{key!r}]: {error.message}") from None
        return cls(name, rates=tuple(rates), known_until=known_until)

    @renamed_argument("day", "on")
    def percent_on(self, on: datetime.date) -> Decimal:
        """The rate in force on ``on``, in percent per year.

        >>> from datetime import date
        >>> ReferenceRates.from_mapping({"2023-08-03": "5.25"}, name="Bank Rate").percent_on(date(2023, 8, 2))
        Traceback (most recent call last):
        ...
        credkit.errors.RateNotFoundError: no Bank Rate known for 2023-08-02: the table starts on 2023-08-03
        """
        check_date(on, "on")
        if self.known_until is not None and on > self.known_until:
            raise RateNotFoundError(
                f"no {self.name} known for {on.isoformat()}: the table is known to be "
                f"complete only until {self.known_until.isoformat()}"
            )
        index = bisect.bisect_right(self._dates, on)
        if not index:
            raise RateNotFoundError(
                f"no {self.name} known for {on.isoformat()}: the table starts on "
                f"{self._dates[0].isoformat()}"
            )
        return self._values[index - 1]


# -- rules -----------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class RatePeriod:
    """Days ``first_day`` to ``last_day`` (both included) at ``percent`` per year.

    ``basis`` says where the rate comes from, for the letter and the audit trail.

    >>> from datetime import date
    >>> RatePeriod(first_day=date(2024, 1, 1), last_day=date(2024, 6, 30), percent=Decimal("12.50"), basis="4.50 + 8").days
    182
    """

    first_day: datetime.date
    last_day: datetime.date
    percent: Decimal
    basis: str

    @property
    def days(self) -> int:
        """Number of days in the period.

        >>> from datetime import date
        >>> RatePeriod(first_day=date(2024, 1, 1), last_day=date(2024, 1, 1), percent=Decimal(8), basis="x").days
        1
        """
        return (self.last_day - self.first_day).days + 1


@runtime_checkable
class InterestRule(Protocol):
    """What :func:`late_payment_interest` needs from a rate rule.

    ``rate_periods(first_day, last_day)`` covers the late days ``first_day`` to
    ``last_day`` (both included) with consecutive :class:`RatePeriod` values;
    ``compensation(debt)`` is a fixed sum due per late debt (``None`` when the rule
    has none). ``name`` describes the rule.

    >>> isinstance(FixedRate(8), InterestRule)
    True
    """

    @property
    def name(self) -> str:
        """A short description of the rule."""
        ...

    def rate_periods(
        self, first_day: datetime.date, last_day: datetime.date
    ) -> tuple[RatePeriod, ...]:
        """Consecutive periods covering ``first_day`` to ``last_day``."""
        ...

    def compensation(self, debt: Money) -> Money | None:
        """The fixed sum due when ``debt`` is paid late, if the rule has one."""
        ...


def _non_negative_percent(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    percent = check_number(to_number(value), attribute.name)
    if percent < 0:
        raise ValidationError(f"{attribute.name}: must be >= 0, got {percent}")


@attrs.frozen
class FixedRate:
    """A fixed annual rate of ``percent`` (a contractual rate), with no fixed compensation.

    >>> from datetime import date
    >>> FixedRate("9.5").rate_periods(date(2026, 2, 1), date(2026, 3, 2))
    (RatePeriod(first_day=datetime.date(2026, 2, 1), last_day=datetime.date(2026, 3, 2), percent=Decimal('9.5'), basis='fixed 9.5 % a year'),)
    """

    percent: Decimal = attrs.field(converter=to_number, validator=_non_negative_percent)

    @property
    def name(self) -> str:
        """``fixed <percent> % a year``.

        >>> FixedRate(8).name
        'fixed 8 % a year'
        """
        return f"fixed {self.percent} % a year"

    def rate_periods(
        self, first_day: datetime.date, last_day: datetime.date
    ) -> tuple[RatePeriod, ...]:
        """One period at the fixed rate.

        >>> from datetime import date
        >>> len(FixedRate(8).rate_periods(date(2026, 1, 1), date(2026, 12, 31)))
        1
        """
        return (
            RatePeriod(
                first_day=first_day, last_day=last_day, percent=self.percent, basis=self.name
            ),
        )

    def compensation(self, debt: Money) -> Money | None:
        """None: a contractual rate carries no statutory fixed sum.

        >>> FixedRate(8).compensation(Money.of(100, "EUR")) is None
        True
        """
        return None


# -- the calculation -------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class InterestPeriod:
    """Interest on ``principal`` at ``percent`` for ``days`` days from ``first_day``.

    ``interest`` is exact (not rounded); only the total of a calculation is rounded.

    >>> from datetime import date
    >>> p = InterestPeriod(
    ...     first_day=date(2026, 2, 1), last_day=date(2026, 2, 10), principal=Money.of(365, "EUR"),
    ...     percent=Decimal(10), basis="x", interest=Money.of(1, "EUR"),
    ... )
    >>> p.days
    10
    """

    first_day: datetime.date
    last_day: datetime.date
    principal: Money
    percent: Decimal
    basis: str
    interest: Money

    @property
    def days(self) -> int:
        """Days in the period, both ends included.

        >>> from datetime import date
        >>> InterestPeriod(
        ...     first_day=date(2026, 2, 1), last_day=date(2026, 2, 1), principal=Money.of(1, "EUR"),
        ...     percent=Decimal(1), basis="x", interest=Money.of(0, "EUR"),
        ... ).days
        1
        """
        return (self.last_day - self.first_day).days + 1


@attrs.frozen(kw_only=True)
class InterestCalculation:
    """The working and result of a late-payment interest calculation.

    ``periods`` are the stretches of constant principal and rate; ``interest`` is
    their exact sum rounded once; ``compensation`` is the rule's fixed sum for the
    debt (``None`` when the rule has none or nothing was late); ``debt`` is what
    was unpaid when interest started to run.

    >>> from datetime import date
    >>> late_payment_interest(Money.of(100, "EUR"), due_date=date(2026, 1, 31),
    ...                       as_of=date(2026, 1, 31), rule=FixedRate(8)).interest
    Money('0.00', 'EUR')
    """

    principal: Money
    due_date: datetime.date
    as_of: datetime.date
    rule: str
    debt: Money
    periods: tuple[InterestPeriod, ...]
    interest: Money
    compensation: Money | None

    @property
    def days(self) -> int:
        """Days on which interest accrued.

        >>> from datetime import date
        >>> late_payment_interest(Money.of(100, "EUR"), due_date=date(2026, 1, 31),
        ...                       as_of=date(2026, 2, 5), rule=FixedRate(8)).days
        5
        """
        return sum(period.days for period in self.periods)


def _reductions(
    value: Iterable[tuple[datetime.date, Money]], principal: Money
) -> list[tuple[datetime.date, Decimal]]:
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        raise ValidationError(f"payments: expected (date, Money) pairs, got {describe(value)}")
    result = []
    for index, pair in enumerate(value):
        if not isinstance(pair, tuple) or len(pair) != 2:
            raise ValidationError(
                f"payments[{index}]: expected a (date, Money) pair, got {describe(pair)}"
            )
        day = check_date(pair[0], f"payments[{index}]")
        amount = check_money(pair[1], f"payments[{index}]")
        if amount.currency != principal.currency:
            raise ValidationError(
                f"payments[{index}]: {amount} is not in the principal's currency "
                f"({principal.currency})"
            )
        if not amount.is_positive:
            raise ValidationError(f"payments[{index}]: must be above zero, got {amount}")
        result.append((day, amount.amount))
    result.sort(key=lambda pair: pair[0])
    total = sum((amount for _, amount in result), Decimal(0))
    if total > principal.amount:
        raise ValidationError(
            f"payments: they add up to {Money(total, principal.currency)}, more than the "
            f"principal {principal}; pass only what was applied to this debt"
        )
    return result


def late_payment_interest(
    principal: Money,
    *,
    due_date: datetime.date,
    as_of: datetime.date,
    rule: InterestRule,
    payments: Iterable[tuple[datetime.date, Money]] = (),
) -> InterestCalculation:
    """Simple daily interest on ``principal`` paid late, as of ``as_of``.

    Interest runs from the day after ``due_date`` to ``as_of`` (both included) or
    to the day the principal is paid off, whichever is earlier. ``payments`` are
    ``(date, amount)`` pairs applied to this debt (payments, credit notes); each
    reduces the principal from the day after its date. Each stretch of constant
    principal and rate accrues ``principal x percent / 100 / 365 x days`` exactly;
    the sum is rounded once, half away from zero.

    >>> from datetime import date
    >>> calc = late_payment_interest(
    ...     Money.of("1000.00", "GBP"), due_date=date(2026, 1, 31), as_of=date(2026, 3, 2),
    ...     rule=FixedRate("12.75"), payments=[(date(2026, 2, 10), Money.of("600.00", "GBP"))],
    ... )
    >>> [(p.first_day.isoformat(), p.days, str(p.principal.amount)) for p in calc.periods]
    [('2026-02-01', 10, '1000.00'), ('2026-02-11', 20, '400.00')]
    >>> calc.interest
    Money('6.29', 'GBP')
    """
    check_money(principal, "principal")
    if principal.is_negative:
        raise ValidationError(f"principal: must not be negative, got {principal}")
    check_date(due_date, "due_date")
    check_date(as_of, "as_of")
    if not isinstance(rule, InterestRule):
        raise ValidationError(
            f"rule: expected an InterestRule such as FixedRate('8'), got {describe(rule)}"
        )
    reductions = _reductions(payments, principal)
    first_day = add_days(due_date, 1, "due_date")
    # Principal outstanding on each day: the principal less what was paid before that day.
    debt = principal.amount - sum((a for d, a in reductions if d < first_day), Decimal(0))
    last_day = as_of
    running = principal.amount
    for day, amount in reductions:
        running -= amount
        if running == 0:
            last_day = min(last_day, max(day, due_date))
            break
    currency = principal.currency
    periods: list[InterestPeriod] = []
    total = Decimal(0)
    if last_day >= first_day and debt > 0:
        changes = sorted({add_days(d, 1, "payments") for d, _ in reductions if d >= first_day})
        with localcontext() as context:
            context.prec = _PRECISION
            for rate in rule.rate_periods(first_day, last_day):
                if rate.percent < 0:
                    raise ValidationError(
                        f"rule: the rate for {rate.first_day.isoformat()} is {rate.percent} %, "
                        "below zero; late-payment interest cannot be negative"
                    )
                starts = [
                    rate.first_day,
                    *(c for c in changes if rate.first_day < c <= rate.last_day),
                ]
                for index, start in enumerate(starts):
                    end = (
                        starts[index + 1] - datetime.timedelta(days=1)
                        if index + 1 < len(starts)
                        else rate.last_day
                    )
                    owed = principal.amount - sum(
                        (a for d, a in reductions if d < start), Decimal(0)
                    )
                    if owed <= 0:
                        continue
                    days = (end - start).days + 1
                    exact = owed * rate.percent / 100 / DAYS_IN_YEAR * days
                    total += exact
                    periods.append(
                        InterestPeriod(
                            first_day=start,
                            last_day=end,
                            principal=Money(owed, currency),
                            percent=rate.percent,
                            basis=rate.basis,
                            interest=Money(exact, currency),
                        )
                    )
    late = bool(periods)
    return InterestCalculation(
        principal=principal,
        due_date=due_date,
        as_of=as_of,
        rule=rule.name,
        debt=Money(debt, currency),
        periods=tuple(periods),
        interest=Money(total, currency).round(),
        compensation=rule.compensation(Money(debt, currency)) if late else None,
    )


def invoice_interest(
    ledger: Ledger,
    invoice_id: str,
    *,
    as_of: datetime.date,
    rule: InterestRule,
    instalment: int | None = None,
) -> InterestCalculation:
    """Late-payment interest on an invoice of ``ledger``, as of ``as_of``.

    For an invoice with a ``schedule`` name the ``instalment`` (1 for the first):
    interest then runs on that instalment's amount from its own due date, reduced
    by the money :meth:`~credkit.ledger.Ledger.instalment_allocations` attributes to
    it (as ERPNext and Odoo charge per overdue payment-schedule row / receivable line).
    That attribution never moves money an earlier allocation put on an instalment, so
    an allocation applied after ``as_of`` cannot take an instalment's principal back
    to an earlier date.

    The payments and credit notes allocated to the invoice reduce the principal from
    their *effective* date: the later of the day the payment was received (or the
    credit note issued) and the invoice's issue date. An allocation's ``applied_on``
    is only the day the books matched the money to the invoice; a customer who paid
    on time is not charged interest because the cash was applied late. Allocations
    whose effective date is after ``as_of`` are left out
    (:meth:`~credkit.ledger.Ledger.effective_date`, the date settlements use too).

    >>> from datetime import date
    >>> from credkit.ledger import Allocation, Customer, Invoice, Payment
    >>> ledger = Ledger(
    ...     customers=[Customer("C1", "Acme Ltd", country="GB", currency="GBP")],
    ...     invoices=[Invoice("I1", "C1", date(2026, 1, 1), date(2026, 1, 31), Money.of("1000.00", "GBP"))],
    ...     payments=[Payment("P1", "C1", date(2026, 2, 10), Money.of("600.00", "GBP"))],
    ...     allocations=[Allocation("P1", "I1", Money.of("600.00", "GBP"), date(2026, 2, 10))],
    ... )
    >>> invoice_interest(ledger, "I1", as_of=date(2026, 3, 2), rule=FixedRate("12.75")).interest
    Money('6.29', 'GBP')
    """
    if not isinstance(ledger, Ledger):
        raise ValidationError(f"ledger: expected a Ledger, got {describe(ledger)}")
    check_date(as_of, "as_of")
    invoice = ledger.document(invoice_id)
    if not isinstance(invoice, Invoice):
        raise ValidationError(f"invoice_id: {invoice_id!r} is not an invoice")
    if invoice.schedule or instalment is not None:
        return _instalment_interest(ledger, invoice, instalment, as_of=as_of, rule=rule)
    reductions = []
    for allocation in ledger.allocations:
        if allocation.target_id != invoice_id or not isinstance(
            ledger.document(allocation.source_id), Payment | CreditNote
        ):
            continue
        effective = ledger.effective_date(allocation)  # not applied_on: see above
        if effective <= as_of:
            reductions.append((effective, allocation.amount))
    return late_payment_interest(
        invoice.amount, due_date=invoice.due_date, as_of=as_of, rule=rule, payments=reductions
    )


def _instalment_interest(
    ledger: Ledger,
    invoice: Invoice,
    instalment: int | None,
    *,
    as_of: datetime.date,
    rule: InterestRule,
) -> InterestCalculation:
    count = len(invoice.schedule)
    if instalment is None or isinstance(instalment, bool) or not isinstance(instalment, int):
        raise ValidationError(
            f"instalment: invoice {invoice.id!r} is due in {count} instalments; name one "
            f"(1 to {count}), got {describe(instalment)}"
        )
    if not 1 <= instalment <= count:
        accepted = f"1 to {count}" if count else "none: it has no schedule"
        raise ValidationError(
            f"instalment: invoice {invoice.id!r} has no instalment {instalment}; "
            f"accepted: {accepted}"
        )
    part = invoice.schedule[instalment - 1]
    reductions = []
    for allocation, share in ledger.instalment_allocations(invoice.id)[instalment - 1]:
        effective = ledger.effective_date(allocation)
        if effective <= as_of:
            reductions.append((effective, share))
    return late_payment_interest(
        part.amount, due_date=part.due_date, as_of=as_of, rule=rule, payments=reductions
    )
