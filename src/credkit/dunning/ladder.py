"""Dunning ladders: the levels a reminder climbs, one at a time, and when.

A :class:`DunningLadder` is a configuration document: an ``id``, a ``version``
and an ordered list of :class:`DunningLevel` values, plus options that hold for
the whole ladder (``tolerance``, ``allow_skip``, ``charges``). Level numbers are
1-based positions in ``levels``. Each level says

* when it is due: ``days_overdue`` counted from a :class:`DaysReference` (the due
  date, the end of the due date's month, the end of the month that the days reach
  from the due date, or the previous reminder of the item);
* how to reach the customer: a :class:`Channel` and a template key;
* which amounts are worth it: minimum amounts per item and per customer (one
  amount per currency);
* how long to wait before the next level (``interval_days``);
* what it costs the customer: a :class:`Fee`, charged once per item and level.

A :class:`LadderSet` picks a ladder per customer segment or risk class. Ladders
and ladder sets load from TOML/JSON/mappings with :func:`credkit.config.load`,
and errors name the field (``levels[2].days_overdue``).

>>> from credkit.config import load
>>> ladder = load(DunningLadder, '''
... id = "standard"
... version = "2026-01"
... tolerance = ["5.00 EUR"]
... [[levels]]
... days_overdue = 7
... channel = "email"
... template = "friendly"
... [[levels]]
... days_overdue = 21
... channel = "letter"
... template = "firm"
... interval_days = 10
... fee = {kind = "fixed", amounts = ["5.00 EUR"]}
... ''', format="toml")
>>> [(n, level.days_overdue, level.channel.value) for n, level in ladder.numbered()]
[(1, 7, 'email'), (2, 21, 'letter')]
>>> load(DunningLadder, {"id": "x", "version": "1", "levels": [
...     {"days_overdue": 30, "template": "a"}, {"days_overdue": 10, "template": "b"}]})
Traceback (most recent call last):
...
credkit.errors.ConfigError: levels[1].days_overdue: must be greater than levels[0].days_overdue (30) when both count from the due date, got 10
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import attrs

from credkit._validate import (
    check_date,
    check_number,
    count,
    currency_code,
    describe,
    enum_converter,
    one_of,
    optional,
    optional_text,
    text,
    to_number,
    to_tuple,
    tuple_of,
)
from credkit.dunning._common import amounts
from credkit.errors import RateNotFoundError, ValidationError
from credkit.fx import RateSource, convert
from credkit.money import Money

__all__ = [
    "Channel",
    "ChargeTreatment",
    "DaysReference",
    "DunningLadder",
    "DunningLevel",
    "Fee",
    "FeeKind",
    "LadderRule",
    "LadderSet",
    "UnappliedCredits",
]


class Channel(enum.Enum):
    """How a level reaches the customer.

    ``HOLD`` is an internal action (put the account on credit hold) and
    ``COLLECTION_AGENCY`` hands the items over; both are recorded in the history
    like any other reminder. ``EMAIL`` falls back to ``LETTER`` when the host knows
    no e-mail address for the customer.

    >>> Channel("collection_agency")
    <Channel.COLLECTION_AGENCY: 'collection_agency'>
    """

    EMAIL = "email"
    LETTER = "letter"
    PHONE = "phone"
    HOLD = "hold"
    COLLECTION_AGENCY = "collection_agency"


class DaysReference(enum.Enum):
    """What a level's ``days_overdue`` counts from.

    * ``DUE_DATE``: the item's due date (level due on due date + days).
    * ``END_OF_DUE_MONTH``: the last day of the due date's month.
    * ``DUE_DATE_THEN_END_OF_MONTH``: ``days_overdue`` days after the due date, then
      the last day of the month that date falls in (level due on the end of the
      month of due date + days). This is the reading that
      :attr:`credkit.terms.TermsBasis.DAYS_THEN_END_OF_MONTH` gives payment terms
      (``docs/adr/0002-end-of-month.md``): with a due date of 20 January 2024, 11 days
      give 31 January and 12 days give 29 February.
    * ``PREVIOUS_REMINDER``: the date of the item's previous reminder that was
      actually sent (not allowed on the first level, which has no previous one).

    >>> DaysReference("end_of_due_month")
    <DaysReference.END_OF_DUE_MONTH: 'end_of_due_month'>
    >>> DaysReference("due_date_then_end_of_month")
    <DaysReference.DUE_DATE_THEN_END_OF_MONTH: 'due_date_then_end_of_month'>
    """

    DUE_DATE = "due_date"
    END_OF_DUE_MONTH = "end_of_due_month"
    DUE_DATE_THEN_END_OF_MONTH = "due_date_then_end_of_month"
    PREVIOUS_REMINDER = "previous_reminder"


class FeeKind(enum.Enum):
    """What a level charges: nothing, a fixed amount, or a percentage of the dunned amount.

    >>> FeeKind("percentage")
    <FeeKind.PERCENTAGE: 'percentage'>
    """

    NONE = "none"
    FIXED = "fixed"
    PERCENTAGE = "percentage"


class ChargeTreatment(enum.Enum):
    """Whether fees and interest are claimed as receivables or only shown.

    * ``SHOW``: the reminder shows them; nothing is booked (ERPNext's choice).
    * ``BOOK``: the host books them as receivables (Tryton's choice); each action
      says so in ``DunningAction.charges``.

    >>> ChargeTreatment("book")
    <ChargeTreatment.BOOK: 'book'>
    """

    SHOW = "show"
    BOOK = "book"


class UnappliedCredits(enum.Enum):
    """What a run does with a customer's unapplied credits (payments and credit notes).

    * ``NET`` (the default): credits are netted per currency against the customer's
      overdue, undisputed items; when what is left is no more than the ladder's
      tolerance, none of those items is dunned (``COVERED_BY_CREDITS``: the money is
      most likely there and only needs applying). Otherwise the items are dunned in
      full and the action lists the credits.
    * ``MENTION``: credits never hold a reminder back; overdue items are dunned in
      full and the action lists the credits, so that the letter can mention them.
      This is what OCA's ``account_invoice_overdue_reminder`` (Odoo) does once the
      user confirms that the customer's unreconciled payments and refunds have a
      good reason not to be reconciled with an open invoice.

    >>> UnappliedCredits("mention")
    <UnappliedCredits.MENTION: 'mention'>
    """

    NET = "net"
    MENTION = "mention"


_to_fee_kind = enum_converter(FeeKind)
_to_unapplied_credits = enum_converter(UnappliedCredits)
_to_days_reference = enum_converter(DaysReference)
_to_charges = enum_converter(ChargeTreatment)


def _fee_kind(value: object) -> Any:
    return _to_fee_kind(value)


def _unapplied_credits(value: object) -> Any:
    return _to_unapplied_credits(value)


def _days_reference(value: object) -> Any:
    return _to_days_reference(value)


def _charges(value: object) -> Any:
    return _to_charges(value)


@attrs.frozen
class Fee:
    """A dunning fee, charged once per item and level.

    * ``FeeKind.NONE``: no fee (the default).
    * ``FeeKind.FIXED``: ``amounts`` holds one amount per currency. An item in a
      currency that is not listed raises rather than guess a conversion, unless
      ``convert_from`` names the listed currency to convert from: the item then gets
      that amount converted into its currency at the rate in force on the run date,
      rounded once to the item currency's minor units (:func:`credkit.fx.convert`).
      A listed amount always wins over a conversion. OCA's credit control dunning
      fees for Odoo convert a fee given in one currency into the line's currency
      the same way.
    * ``FeeKind.PERCENTAGE``: ``percent`` of the dunned amount, that is the item's
      open amount on the day of the run. It is a share of that one dunned item,
      never of the amount plus earlier fees, so fees do not compound level after
      level; Tryton's ``account_dunning_fee`` likewise takes its percentage of the
      dunned line.

    Fees are rounded to the currency's minor units, half away from zero.

    >>> Fee.fixed(Money.of("5.00", "EUR")).charge(Money.of("1000.00", "EUR"))
    Money('5.00', 'EUR')
    >>> Fee.percentage("2").charge(Money.of("1000.00", "EUR"))
    Money('20.00', 'EUR')
    >>> Fee.fixed(Money.of("5.00", "EUR")).charge(Money.of("80", "USD"))
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: fee.amounts: no fixed fee in USD (given in EUR); add one for every currency that is dunned, or set convert_from
    >>> Fee("unknown")
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: kind: expected one of 'none', 'fixed', 'percentage', got str 'unknown'

    Converted through a rate source on the run date:

    >>> from datetime import date
    >>> from credkit.fx import RateTable
    >>> rates = RateTable.from_mapping({"2026-02-02": {"USD": "1.0857"}}, base="EUR")
    >>> fee = Fee.fixed(Money.of("5.00", "EUR"), convert_from="EUR")
    >>> fee.charge(Money.of("80", "USD"), on=date(2026, 2, 7), rates=rates)
    Money('5.43', 'USD')
    >>> fee.charge(Money.of("80", "USD"), on=date(2026, 2, 1), rates=rates)
    Traceback (most recent call last):
    ...
    credkit.errors.RateNotFoundError: fee.convert_from: no EUR/USD rate on 2026-02-01 to convert the fixed fee of 5.00 EUR for an item in USD (no EUR/USD rate in force on 2026-02-01; the earliest rate for EUR/USD is valid from 2026-02-02)
    """

    kind: FeeKind = attrs.field(
        default=FeeKind.NONE, converter=_fee_kind, validator=one_of(FeeKind)
    )
    amounts: tuple[Money, ...] = attrs.field(
        default=(), kw_only=True, converter=to_tuple, validator=amounts
    )
    percent: Decimal | None = attrs.field(default=None, kw_only=True, converter=to_number)
    convert_from: str | None = attrs.field(
        default=None, kw_only=True, validator=optional(currency_code)
    )

    def __attrs_post_init__(self) -> None:
        if self.percent is not None:
            check_number(to_number(self.percent), "percent")
        if self.convert_from is not None and self.kind is not FeeKind.FIXED:
            raise ValidationError(
                f"convert_from: only a fixed fee is converted, got {self.convert_from!r} "
                f"on a fee of kind {self.kind.value!r}"
            )
        if self.kind is FeeKind.FIXED:
            if not self.amounts:
                raise ValidationError(
                    "amounts: a fixed fee needs at least one amount, such as ['5.00 EUR']"
                )
            listed = [money.currency for money in self.amounts]
            if self.convert_from is not None and self.convert_from not in listed:
                raise ValidationError(
                    f"convert_from: must be the currency of one of the amounts "
                    f"({', '.join(listed)}), got {self.convert_from!r}"
                )
            if self.percent is not None:
                raise ValidationError(
                    f"percent: a fixed fee has no percent, got {self.percent}; "
                    "use kind 'percentage' for a share of the dunned amount"
                )
            for index, money in enumerate(self.amounts):
                if not money.is_positive:
                    raise ValidationError(f"amounts[{index}]: must be above zero, got {money}")
        elif self.kind is FeeKind.PERCENTAGE:
            if self.percent is None:
                raise ValidationError("percent: a percentage fee needs a percent, such as 1.5")
            if not Decimal(0) < self.percent <= Decimal(100):
                raise ValidationError(f"percent: must be > 0 and <= 100, got {self.percent}")
            if self.amounts:
                raise ValidationError(
                    "amounts: a percentage fee has no fixed amounts; use kind 'fixed'"
                )
        elif self.amounts or self.percent is not None:
            raise ValidationError(
                "kind: 'none' takes neither amounts nor percent; use kind 'fixed' or 'percentage'"
            )

    @classmethod
    def none(cls) -> Fee:
        """No fee.

        >>> Fee.none().charge(Money.of(100, "EUR"))
        Money('0.00', 'EUR')
        """
        return cls()

    @classmethod
    def fixed(cls, *amounts: Money, convert_from: str | None = None) -> Fee:
        """A fixed fee, one amount per currency; ``convert_from`` converts for the others.

        >>> Fee.fixed(Money.of(5, "EUR"), Money.of(4, "GBP")).kind
        <FeeKind.FIXED: 'fixed'>
        >>> Fee.fixed(Money.of(5, "EUR"), convert_from="GBP")
        Traceback (most recent call last):
        ...
        credkit.errors.ValidationError: convert_from: must be the currency of one of the amounts (EUR), got 'GBP'
        """
        return cls(FeeKind.FIXED, amounts=amounts, convert_from=convert_from)

    @classmethod
    def percentage(cls, percent: Decimal | int | str) -> Fee:
        """A fee of ``percent`` of the dunned amount.

        >>> Fee.percentage("1.5").percent
        Decimal('1.5')
        """
        return cls(FeeKind.PERCENTAGE, percent=percent)

    def charge(
        self,
        dunned: Money,
        *,
        on: datetime.date | None = None,
        rates: RateSource | None = None,
    ) -> Money:
        """The fee on an item whose open (dunned) amount is ``dunned``, rounded.

        ``on`` (the run date) and ``rates`` are needed only when a fixed fee with
        ``convert_from`` is charged on an item in a currency it does not list.

        >>> Fee.percentage("2.5").charge(Money.of("10.10", "EUR"))
        Money('0.25', 'EUR')
        """
        if not isinstance(dunned, Money):
            raise ValidationError(f"dunned: expected Money, got {describe(dunned)}")
        if self.kind is FeeKind.FIXED:
            for money in self.amounts:
                if money.currency == dunned.currency:
                    return money.round()
            if self.convert_from is not None:
                return self._converted(dunned.currency, on=on, rates=rates)
            given = ", ".join(m.currency for m in self.amounts)
            raise ValidationError(
                f"fee.amounts: no fixed fee in {dunned.currency} (given in {given}); "
                "add one for every currency that is dunned, or set convert_from"
            )
        if self.kind is FeeKind.PERCENTAGE:
            assert self.percent is not None
            return (dunned * (self.percent * Decimal("0.01"))).round()
        return Money.zero(dunned.currency).round()

    def _converted(
        self, currency: str, *, on: datetime.date | None, rates: RateSource | None
    ) -> Money:
        source = next(m for m in self.amounts if m.currency == self.convert_from)
        what = f"the fixed fee of {source} for an item in {currency}"
        if rates is None or on is None:
            raise ValidationError(
                f"fee.convert_from: converting {what} needs a rate source and the run "
                "date; pass rates= (a credkit.fx.RateSource such as a RateTable) and on="
            )
        check_date(on, "on")
        try:
            return convert(source, currency, on=on, rates=rates)
        except RateNotFoundError as error:
            raise RateNotFoundError(
                f"fee.convert_from: no {source.currency}/{currency} rate on {on.isoformat()} "
                f"to convert {what} ({error.message})"
            ) from None


@attrs.frozen
class DunningLevel:
    """One step of a :class:`DunningLadder`.

    * ``days_overdue``: when the level is due, in days after ``reference``.
    * ``reference``: see :class:`DaysReference` (default: the due date).
    * ``channel`` and ``template``: how the reminder is sent and which template
      key renders it.
    * ``interval_days``: days to wait after this level was sent before the next
      level may follow (the next level also waits for its own threshold, and
      never follows on the same day).
    * ``min_item_amount``: items whose open amount is below this are not dunned
      at this level; ``min_customer_amount``: the level is not sent when the
      customer's items at this level add up to less. Each is one amount per
      currency; an empty list means no minimum.
    * ``fee``: see :class:`Fee`.

    >>> DunningLevel(14, template="reminder", channel=Channel.EMAIL).reference
    <DaysReference.DUE_DATE: 'due_date'>
    >>> DunningLevel(14, template="reminder", reference="end_of_due_month").reference
    <DaysReference.END_OF_DUE_MONTH: 'end_of_due_month'>
    >>> DunningLevel(14, template="reminder", reference="end_of_month")
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: reference: expected one of 'due_date', 'end_of_due_month', 'due_date_then_end_of_month', 'previous_reminder', got str 'end_of_month'
    """

    days_overdue: int = attrs.field(validator=count)
    template: str = attrs.field(kw_only=True, validator=text)
    reference: DaysReference = attrs.field(
        default=DaysReference.DUE_DATE,
        kw_only=True,
        converter=_days_reference,
        validator=one_of(DaysReference),
    )
    channel: Channel = attrs.field(
        default=Channel.LETTER, kw_only=True, validator=attrs.validators.instance_of(Channel)
    )
    interval_days: int = attrs.field(default=0, kw_only=True, validator=count)
    min_item_amount: tuple[Money, ...] = attrs.field(
        default=(), kw_only=True, converter=to_tuple, validator=amounts
    )
    min_customer_amount: tuple[Money, ...] = attrs.field(
        default=(), kw_only=True, converter=to_tuple, validator=amounts
    )
    fee: Fee = attrs.field(factory=Fee, kw_only=True, validator=attrs.validators.instance_of(Fee))


# Between two levels that both count from the due date, then the end of that month: two
# dates this many days apart are in different months (no month is longer), so the later
# level's month end is at least a month after the earlier one's.
_MONTH_APART = 31


def _levels(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    tuple_of(DunningLevel, "a DunningLevel")(instance, attribute, value)
    assert isinstance(value, tuple)
    if not value:
        raise ValidationError("levels: a ladder needs at least one level")
    if value[0].reference is DaysReference.PREVIOUS_REMINDER:
        raise ValidationError(
            "levels[0].reference: the first level has no previous reminder to count from; "
            "use 'due_date', 'end_of_due_month' or 'due_date_then_end_of_month'"
        )
    for index in range(1, len(value)):
        before, after = value[index - 1], value[index]
        if (
            after.reference is before.reference is DaysReference.DUE_DATE_THEN_END_OF_MONTH
            and after.days_overdue - before.days_overdue < _MONTH_APART
        ):
            # due + 5 and due + 15 can reach the same month end, and the later level would
            # then follow the day after the earlier one; 31 days apart are always in
            # different months, so their month ends differ by at least a month
            raise ValidationError(
                f"levels[{index}].days_overdue: must be at least {_MONTH_APART} more than "
                f"levels[{index - 1}].days_overdue ({before.days_overdue}) when both count "
                "from the due date, then the end of that month (closer levels can reach the "
                f"same month end), got {after.days_overdue}"
            )
        if (
            after.reference is before.reference
            and after.reference is not DaysReference.PREVIOUS_REMINDER
            and after.days_overdue <= before.days_overdue
        ):
            where = {
                DaysReference.DUE_DATE: "the due date",
                DaysReference.END_OF_DUE_MONTH: "the end of the due month",
            }[after.reference]
            raise ValidationError(
                f"levels[{index}].days_overdue: must be greater than "
                f"levels[{index - 1}].days_overdue ({before.days_overdue}) when both count "
                f"from {where}, got {after.days_overdue}"
            )


@attrs.frozen
class DunningLadder:
    """An ordered list of dunning levels and the options that hold for all of them.

    * ``tolerance``: one amount per currency; items whose open amount is below it
      are never dunned, and a customer whose overdue items less unapplied credits
      come to no more than it is not dunned at all. Empty: no tolerance.
    * ``allow_skip``: whether an item may jump over levels when several are due at
      once (for example an old item seen for the first time). By default it may
      not: it gets level 1 first, and level 2 only after level 1 was sent.
    * ``charges``: whether fees and interest are booked or only shown
      (:class:`ChargeTreatment`).
    * ``unapplied_credits``: whether a customer's unapplied credits can hold its
      reminders back (:class:`UnappliedCredits`; by default they are netted).

    Every result records the ladder's ``id`` and ``version``.

    >>> ladder = DunningLadder("std", version="1", levels=(
    ...     DunningLevel(7, template="first"), DunningLevel(21, template="second")))
    >>> ladder.level(2).template, ladder.final_level
    ('second', 2)
    """

    id: str = attrs.field(validator=text)
    version: str = attrs.field(kw_only=True, validator=text)
    levels: tuple[DunningLevel, ...] = attrs.field(
        kw_only=True, converter=to_tuple, validator=_levels
    )
    tolerance: tuple[Money, ...] = attrs.field(
        default=(), kw_only=True, converter=to_tuple, validator=amounts
    )
    allow_skip: bool = attrs.field(
        default=False, kw_only=True, validator=attrs.validators.instance_of(bool)
    )
    charges: ChargeTreatment = attrs.field(
        default=ChargeTreatment.SHOW,
        kw_only=True,
        converter=_charges,
        validator=one_of(ChargeTreatment),
    )
    unapplied_credits: UnappliedCredits = attrs.field(
        default=UnappliedCredits.NET,
        kw_only=True,
        converter=_unapplied_credits,
        validator=one_of(UnappliedCredits),
    )
    description: str | None = attrs.field(default=None, kw_only=True, validator=optional_text)

    @property
    def final_level(self) -> int:
        """The number of the last level.

        >>> DunningLadder("x", version="1", levels=(DunningLevel(1, template="t"),)).final_level
        1
        """
        return len(self.levels)

    def level(self, number: int) -> DunningLevel:
        """Level ``number`` (1-based).

        >>> DunningLadder("x", version="1", levels=(DunningLevel(1, template="t"),)).level(2)
        Traceback (most recent call last):
        ...
        credkit.errors.ValidationError: level: ladder 'x' has levels 1 to 1, got 2
        """
        if isinstance(number, bool) or not isinstance(number, int):
            raise ValidationError(f"level: expected a level number, got {describe(number)}")
        if not 1 <= number <= len(self.levels):
            raise ValidationError(
                f"level: ladder {self.id!r} has levels 1 to {len(self.levels)}, got {number}"
            )
        return self.levels[number - 1]

    def numbered(self) -> Iterator[tuple[int, DunningLevel]]:
        """``(number, level)`` pairs, from level 1.

        >>> [n for n, _ in DunningLadder("x", version="1", levels=(
        ...     DunningLevel(1, template="a"), DunningLevel(9, template="b"))).numbered()]
        [1, 2]
        """
        return enumerate(self.levels, start=1)


@attrs.frozen
class LadderRule:
    """Use ladder ``ladder`` for customers of ``segment`` and/or ``risk_class``.

    A rule matches when every criterion it names equals the customer's; it must
    name at least one.

    >>> LadderRule("strict", risk_class="C").matches(segment="retail", risk_class="C")
    True
    """

    ladder: str = attrs.field(validator=text)
    segment: str | None = attrs.field(default=None, kw_only=True, validator=optional_text)
    risk_class: str | None = attrs.field(default=None, kw_only=True, validator=optional_text)

    def __attrs_post_init__(self) -> None:
        if self.segment is None and self.risk_class is None:
            raise ValidationError(
                "segment: a rule needs a segment, a risk_class or both "
                "(customers that match no rule get the default ladder)"
            )

    def matches(self, *, segment: str | None, risk_class: str | None) -> bool:
        """Whether a customer with ``segment`` and ``risk_class`` falls under this rule.

        >>> LadderRule("x", segment="public").matches(segment=None, risk_class=None)
        False
        """
        if self.segment is not None and self.segment != segment:
            return False
        return self.risk_class is None or self.risk_class == risk_class


def _ladders(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    tuple_of(DunningLadder, "a DunningLadder")(instance, attribute, value)
    assert isinstance(value, tuple)
    if not value:
        raise ValidationError("ladders: a ladder set needs at least one ladder")
    seen: dict[str, int] = {}
    for index, ladder in enumerate(value):
        if ladder.id in seen:
            raise ValidationError(
                f"ladders[{index}].id: {ladder.id!r} is already used by ladders[{seen[ladder.id]}]"
            )
        seen[ladder.id] = index


@attrs.frozen
class LadderSet:
    """Ladders chosen per customer segment or risk class.

    ``rules`` are tried in order and the first that matches wins; customers that
    match none get the ``default`` ladder. Rules and the default name ladders by id.

    >>> base = DunningLadder("base", version="1", levels=(DunningLevel(14, template="a"),))
    >>> strict = DunningLadder("strict", version="1", levels=(DunningLevel(3, template="a"),))
    >>> ladders = LadderSet("set", version="1", ladders=(base, strict), default="base",
    ...                     rules=(LadderRule("strict", risk_class="C"),))
    >>> ladders.ladder_for(segment="retail", risk_class="C").id
    'strict'
    >>> ladders.ladder_for(segment="retail", risk_class=None).id
    'base'
    """

    id: str = attrs.field(validator=text)
    version: str = attrs.field(kw_only=True, validator=text)
    ladders: tuple[DunningLadder, ...] = attrs.field(
        kw_only=True, converter=to_tuple, validator=_ladders
    )
    default: str = attrs.field(kw_only=True, validator=text)
    rules: tuple[LadderRule, ...] = attrs.field(
        default=(), kw_only=True, converter=to_tuple, validator=tuple_of(LadderRule, "a LadderRule")
    )

    def __attrs_post_init__(self) -> None:
        known = {ladder.id for ladder in self.ladders}
        accepted = ", ".join(repr(name) for name in sorted(known))
        if self.default not in known:
            raise ValidationError(
                f"default: unknown ladder {self.default!r}; the set has {accepted}"
            )
        for index, rule in enumerate(self.rules):
            if rule.ladder not in known:
                raise ValidationError(
                    f"rules[{index}].ladder: unknown ladder {rule.ladder!r}; the set has {accepted}"
                )

    def ladder(self, ladder_id: str) -> DunningLadder:
        """The ladder with ``ladder_id``.

        >>> LadderSet("s", version="1", ladders=(DunningLadder("a", version="1",
        ...     levels=(DunningLevel(1, template="t"),)),), default="a").ladder("b")
        Traceback (most recent call last):
        ...
        credkit.errors.ValidationError: ladder_id: unknown ladder 'b'; the set has 'a'
        """
        for ladder in self.ladders:
            if ladder.id == ladder_id:
                return ladder
        accepted = ", ".join(repr(ladder.id) for ladder in self.ladders)
        raise ValidationError(f"ladder_id: unknown ladder {ladder_id!r}; the set has {accepted}")

    def ladder_for(self, *, segment: str | None, risk_class: str | None) -> DunningLadder:
        """The ladder for a customer of ``segment`` and ``risk_class`` (either may be None).

        >>> s = LadderSet("s", version="1", ladders=(DunningLadder("a", version="1",
        ...     levels=(DunningLevel(1, template="t"),)),), default="a")
        >>> s.ladder_for(segment=None, risk_class=None).id
        'a'
        """
        for rule in self.rules:
            if rule.matches(segment=segment, risk_class=risk_class):
                return self.ladder(rule.ladder)
        return self.ladder(self.default)
