"""Payment terms: when an invoice is due, what paying early earns, how it splits.

:class:`PaymentTerms` turns an issue date into a due date (net days, months,
end-of-month rules), offers cash discounts for early payment (``2/10 net 30``),
splits an invoice into instalments and grants grace days before an invoice counts
as late. Terms can be built in Python, parsed from the short form people write on
invoices, or loaded from a configuration document with :func:`credkit.config.load`.
Month arithmetic uses :mod:`dateutil.relativedelta`, which clips to the end of
shorter months; what "end of month" means is recorded in
``docs/adr/0002-end-of-month.md``.

>>> from datetime import date
>>> from credkit.money import Money
>>> terms = PaymentTerms.parse("2/10 net 30")
>>> terms.due_date(date(2024, 3, 1))
datetime.date(2024, 3, 31)
>>> terms.amount_due(Money.of("1000.00", "EUR"), issue_date=date(2024, 3, 1),
...                  paid_on=date(2024, 3, 11))
Money('980.00', 'EUR')
>>> PaymentTerms.parse("1 month eom").due_date(date(2016, 1, 22))
datetime.date(2016, 2, 29)
>>> PaymentTerms.parse("2/10 eom").discount_deadline(date(2024, 1, 22))
datetime.date(2024, 2, 10)
"""

from __future__ import annotations

import calendar
import datetime
import enum
import functools
import itertools
import re
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Final, TypeVar

import attrs
from dateutil.relativedelta import relativedelta

from credkit._validate import check_date, describe, sequence
from credkit.errors import ValidationError
from credkit.money import Money, Numeric, to_decimal

__all__ = ["CashDiscount", "Instalment", "PaymentTerms", "TermsBasis"]

_T = TypeVar("_T")


class TermsBasis(enum.Enum):
    """Where the days and months of a payment term are counted from.

    * ``INVOICE_DATE``: from the issue date; due = issue date + months + net days.
    * ``END_OF_MONTH``: from the end of the invoice month; due = last day of the
      month ``months`` after the invoice month, + net days.
    * ``DAYS_THEN_END_OF_MONTH``: count months and days from the issue date, then
      move to the end of the month reached (French "30 jours fin de mois", second
      reading).

    >>> TermsBasis("end_of_month")
    <TermsBasis.END_OF_MONTH: 'end_of_month'>
    """

    INVOICE_DATE = "invoice_date"
    END_OF_MONTH = "end_of_month"
    DAYS_THEN_END_OF_MONTH = "days_then_end_of_month"


# -- validation helpers ---------------------------------------------------------------


_MAX_DAYS: Final = (datetime.date.max - datetime.date.min).days
_MAX_MONTHS: Final = 12 * datetime.date.max.year


def _count_of(unit: str, maximum: int) -> Callable[[object, attrs.Attribute[int], object], None]:
    def validate(_instance: object, attribute: attrs.Attribute[int], value: object) -> None:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError(
                f"{attribute.name}: expected a whole number (int) >= 0, got {describe(value)}"
            )
        if value < 0:
            raise ValidationError(
                f"{attribute.name}: must be >= 0 (a due date is never before the issue date), "
                f"got {value}"
            )
        if value > maximum:
            raise ValidationError(
                f"{attribute.name}: must be <= {maximum} {unit}, the span of the whole calendar "
                f"Python can represent, got {value}"
            )

    return validate


_whole_days = _count_of("days", _MAX_DAYS)
_whole_months = _count_of("months", _MAX_MONTHS)


def _to_percent(value: Numeric) -> Decimal:
    return to_decimal(value, field="percent")


def _discount_percent(_instance: object, _attribute: object, value: Decimal) -> None:
    if not Decimal(0) < value < Decimal(100):
        raise ValidationError(f"percent: must be > 0 and < 100, got {value}")


def _instalment_percent(_instance: object, _attribute: object, value: Decimal) -> None:
    if not Decimal(0) < value <= Decimal(100):
        raise ValidationError(
            f"percent: an instalment's share must be > 0 and <= 100 (percent), got {value}"
        )


def _to_basis(value: TermsBasis | str) -> TermsBasis:
    if isinstance(value, TermsBasis):
        return value
    for member in TermsBasis:
        if isinstance(value, str) and value == member.value:
            return member
    accepted = ", ".join(repr(member.value) for member in TermsBasis)
    raise ValidationError(
        f"basis: expected a TermsBasis or one of {accepted}, got {describe(value)}"
    )


def _discount_basis(_instance: object, _attribute: object, value: TermsBasis) -> None:
    if value is TermsBasis.DAYS_THEN_END_OF_MONTH:
        raise ValidationError(
            "basis: a discount tier counts its days from the issue date ('invoice_date') "
            "or from the end of the invoice month ('end_of_month'), got "
            "'days_then_end_of_month'"
        )


def _to_discounts(value: Iterable[CashDiscount]) -> tuple[CashDiscount, ...]:
    return sequence(value, CashDiscount, "discounts")


def _to_instalments(value: Iterable[Instalment]) -> tuple[Instalment, ...]:
    return sequence(value, Instalment, "instalments")


def _check_money(value: object) -> Money:
    if not isinstance(value, Money):
        raise ValidationError(
            f"amount: expected a Money such as Money.of('1000.00', 'EUR'), got {describe(value)}"
        )
    return value


def _number(value: Decimal) -> str:
    return format(value.normalize(), "f")


# -- calendar helpers -----------------------------------------------------------------

_CYCLE_MONTHS: Final = 4800  # the Gregorian calendar repeats every 400 years
_CYCLE_DAYS: Final = 146097


@functools.cache
def _month_starts() -> tuple[int, ...]:
    """Day numbers at which each month of two 400-year cycles starts (prefix sums)."""
    starts = [0]
    for index in range(2 * _CYCLE_MONTHS):
        year, month = divmod(index, 12)
        starts.append(starts[-1] + calendar.monthrange(2000 + year, month + 1)[1])
    return tuple(starts)


@functools.lru_cache(maxsize=256)
def _shortest_span(months: int) -> int:
    """The fewest days that ``months`` consecutive calendar months can hold (28 for one)."""
    cycles, rest = divmod(months, _CYCLE_MONTHS)
    if rest == 0:
        return cycles * _CYCLE_DAYS
    starts = _month_starts()
    shortest = min(starts[s + rest] - starts[s] for s in range(_CYCLE_MONTHS))
    return cycles * _CYCLE_DAYS + shortest


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _period(months: int, net_days: int) -> str:
    if months == 0:
        return f"net {net_days}"
    if net_days == 0:
        return _plural(months, "month")
    return f"{_plural(months, 'month')} + {_plural(net_days, 'day')}"


_BASIS_SUFFIX: Final = {
    TermsBasis.INVOICE_DATE: "",
    TermsBasis.END_OF_MONTH: " eom",
    TermsBasis.DAYS_THEN_END_OF_MONTH: " then eom",
}


# -- value classes --------------------------------------------------------------------


@attrs.frozen(repr=False)
class CashDiscount:
    """A cash discount tier: ``percent`` off when paid within ``days`` of its start.

    "2/10" is ``CashDiscount(2, 10)``: 2 percent off if paid no later than 10 days
    after the issue date. ``percent`` is a ``Decimal``, ``int`` or numeric string
    (never ``float``), strictly between 0 and 100; ``days`` is a whole number >= 0.

    ``basis`` says where the days start: the issue date (``TermsBasis.INVOICE_DATE``,
    the default) or the last day of the invoice month (``TermsBasis.END_OF_MONTH``),
    the US "2/10 EOM" convention, written ``2/10 eom``: 2 percent off if paid by the
    10th of the month after the invoice month. A tier counted from the end of the
    month belongs to terms counted from it too (see :class:`PaymentTerms`).

    >>> CashDiscount("2", 10)
    CashDiscount(percent=Decimal('2'), days=10)
    >>> str(CashDiscount(2, 10, basis=TermsBasis.END_OF_MONTH))
    '2/10 eom'
    >>> CashDiscount(0, 10)
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: percent: must be > 0 and < 100, got 0
    """

    percent: Decimal = attrs.field(converter=_to_percent, validator=_discount_percent)
    days: int = attrs.field(validator=_whole_days)
    basis: TermsBasis = attrs.field(
        default=TermsBasis.INVOICE_DATE,
        converter=_to_basis,
        validator=_discount_basis,
        kw_only=True,
    )

    def __repr__(self) -> str:
        basis = "" if self.basis is TermsBasis.INVOICE_DATE else f", basis={self.basis!r}"
        return f"CashDiscount(percent={self.percent!r}, days={self.days!r}{basis})"

    def __str__(self) -> str:
        suffix = " eom" if self.basis is TermsBasis.END_OF_MONTH else ""
        return f"{_number(self.percent)}/{self.days}{suffix}"


@attrs.frozen
class Instalment:
    """One part of an invoice split into instalments, such as "30% net 30" in "30% net 30, 70% net 60".

    ``percent`` is this part's share of the amount (> 0; the shares of all
    instalments of one :class:`PaymentTerms` sum to exactly 100). Its due date is
    computed from ``months`` and ``net_days`` with the terms' basis, exactly as the
    single due date of terms without instalments.

    >>> Instalment("50", net_days=30)
    Instalment(percent=Decimal('50'), net_days=30, months=0)
    """

    percent: Decimal = attrs.field(converter=_to_percent, validator=_instalment_percent)
    net_days: int = attrs.field(default=0, validator=_whole_days, kw_only=True)
    months: int = attrs.field(default=0, validator=_whole_months, kw_only=True)


_TIER: Final = re.compile(
    r"(\d+(?:\.\d+)?)\s*%?\s*/\s*(\d+)\s*(?:(eom|end\s+of\s+month)(?:\s+|$))?", re.ASCII
)
_EOM_NET_AFTER_DISCOUNT: Final = 20
"""Days from the end of an EOM discount to the net date when the terms state none
("2/10 eom" is net 30 eom), the usual US textbook rule."""
_INSTALMENT: Final = re.compile(r"(?P<percent>\d+(?:\.\d+)?)\s*%\s*(?P<rest>[^/\s].*)", re.ASCII)
_PERIOD: Final = re.compile(
    r"""
    (?:(?P<months>\d+)\s*months?)?
    \s*(?P<plus>\+|and)?\s*
    (?:net\s*(?P<net>\d+)(?:\s*days?)?|(?P<days>\d+)\s*days?)?
    \s*(?P<basis>then\s+eom|then\s+end\s+of\s+month|eom|end\s+of\s+month)?
    """,
    re.VERBOSE | re.ASCII,
)
_GRACE: Final = re.compile(r"(?:^|[\s,;]+)(?:\+\s*)?grace\s*(\d+)(?:\s*days?)?$", re.ASCII)
_NET: Final = re.compile(r"\bn(?:et)?(?:\s*/\s*|-|\s*)(?=\d)", re.ASCII)

_ACCEPTED: Final = (
    "accepted forms are 'net 30' (also 'NET30', 'n30', 'n/30', '30 days'), 'due on receipt', "
    "'2 months' and '1 month + 10 days'; each may end in 'eom' (counted from the end of the "
    "invoice month: 'net 30 eom', '1 month eom') or 'then eom' (count first, then go to the "
    "end of that month: 'net 30 then eom'); cash discount tiers come first ('2/10 net 30', "
    "'3/10 2/20 net 45'), and a tier counted from the end of the invoice month ends in "
    "'eom' ('2/10 eom net 30 eom', or '2/10 eom' for net 30 eom); instalments are comma-separated shares ('50% net 30, 50% net 60'); "
    "an optional 'grace 5' goes at the end"
)


def _count(digits: str) -> int:
    if len(digits) > 9:
        raise ValidationError(
            f"text: the number {digits[:12]}... is too large for a count of days or months"
        )
    return int(digits)


def _parse_period(text: str) -> tuple[int, int, TermsBasis] | None:
    text = text.strip()
    if text == "due on receipt":
        return 0, 0, TermsBasis.INVOICE_DATE
    match = _PERIOD.fullmatch(text)
    if match is None:
        return None
    months, net, days, plus, basis = match.group("months", "net", "days", "plus", "basis")
    count = net if net is not None else days
    if months is None and count is None:
        return None
    if plus is not None and (months is None or count is None):
        return None
    if basis is None:
        chosen = TermsBasis.INVOICE_DATE
    elif basis.startswith("then"):
        chosen = TermsBasis.DAYS_THEN_END_OF_MONTH
    else:
        chosen = TermsBasis.END_OF_MONTH
    return _count(months or "0"), _count(count or "0"), chosen


@attrs.frozen
class PaymentTerms:
    """When an invoice is due, the discounts for paying early, and how it splits.

    * ``net_days`` and ``months``: the credit period, counted according to ``basis``
      (see :class:`TermsBasis`); months are added first, then days.
    * ``discounts``: cash discount tiers, by strictly increasing ``days`` and strictly
      decreasing ``percent``; each tier's days are counted from the issue date (or,
      for tiers whose ``basis`` is ``END_OF_MONTH``, from the last day of the invoice
      month, which only terms on that basis accept; all tiers share one basis) and
      may not exceed the fewest days these terms can give until the due date
      (``net_days`` plus the shortest run of ``months`` calendar months, 28 days for
      one month), so a discount never outlives the due date.
    * ``instalments``: shares that sum to exactly 100 percent, each with its own
      ``months`` and ``net_days`` on the terms' basis. With instalments, the terms'
      own ``net_days`` and ``months`` must be 0, and cash discounts are refused
      (whether a discount applies per instalment or to the whole would be a guess).
      Instalments are listed in due-date order for every possible issue date.
    * ``grace_days``: days after the due date before the invoice counts as late.

    Negative days or months are refused, so the due date is never before the
    issue date.

    >>> from datetime import date
    >>> PaymentTerms(net_days=30, basis=TermsBasis.END_OF_MONTH).due_date(date(2016, 2, 10))
    datetime.date(2016, 3, 30)
    >>> PaymentTerms(net_days=30, discounts=(CashDiscount(2, 45),))
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: discounts[0].days: must be <= net_days (30) so that the discount ends by the due date, got 45
    """

    net_days: int = attrs.field(default=0, validator=_whole_days)
    months: int = attrs.field(default=0, validator=_whole_months, kw_only=True)
    basis: TermsBasis = attrs.field(
        default=TermsBasis.INVOICE_DATE, converter=_to_basis, kw_only=True
    )
    discounts: tuple[CashDiscount, ...] = attrs.field(
        default=(), converter=_to_discounts, kw_only=True
    )
    instalments: tuple[Instalment, ...] = attrs.field(
        default=(), converter=_to_instalments, kw_only=True
    )
    grace_days: int = attrs.field(default=0, validator=_whole_days, kw_only=True)

    def __attrs_post_init__(self) -> None:
        if self.instalments:
            self._check_instalments()
        self._check_discounts()

    def _check_instalments(self) -> None:
        for name in ("net_days", "months"):
            value = getattr(self, name)
            if value != 0:
                raise ValidationError(
                    f"{name}: must be 0 when instalments are given "
                    f"(each instalment carries its own {name}), got {value}"
                )
        if self.discounts:
            raise ValidationError(
                f"discounts: cash discounts cannot be combined with instalments (it is not "
                f"defined whether a discount applies per instalment or to the whole invoice); "
                f"got {len(self.discounts)} discount tier(s) and "
                f"{len(self.instalments)} instalments"
            )
        total = sum((part.percent for part in self.instalments), Decimal(0))
        if total != 100:
            shares = " + ".join(_number(part.percent) for part in self.instalments)
            raise ValidationError(
                f"instalments: percents must sum to exactly 100, got {_number(total)} ({shares})"
            )
        pairs = itertools.pairwise(self.instalments)
        for index, (before, after) in enumerate(pairs, start=1):
            where = f"instalments[{index}]"
            got = (
                f"got months={after.months}, net_days={after.net_days} after "
                f"months={before.months}, net_days={before.net_days}"
            )
            if (before.months, before.net_days) == (after.months, after.net_days):
                raise ValidationError(
                    f"{where}: falls due with instalments[{index - 1}] "
                    f"(months={after.months}, net_days={after.net_days}); merge the two"
                )
            if after.months < before.months:
                raise ValidationError(
                    f"{where}: instalments must be listed in due-date order, so months may "
                    f"not decrease; {got}"
                )
            allowance = _shortest_span(after.months - before.months)
            if before.net_days - after.net_days > allowance:
                raise ValidationError(
                    f"{where}: could fall due before instalments[{index - 1}]; its net_days "
                    f"may be at most {allowance} below the previous one's "
                    f"(the shortest {after.months - before.months} calendar month(s)); {got}"
                )

    def _check_discounts(self) -> None:
        for index, tier in enumerate(self.discounts):
            first = self.discounts[0].basis
            if tier.basis is not first:
                raise ValidationError(
                    f"discounts[{index}].basis: every tier counts from the same date, got "
                    f"{tier.basis.value!r} after {first.value!r}"
                )
            if tier.basis is TermsBasis.END_OF_MONTH and self.basis is not tier.basis:
                raise ValidationError(
                    f"discounts[{index}].basis: a discount counted from the end of the invoice "
                    f"month needs terms counted from it too (basis 'end_of_month', such as "
                    f"'2/10 eom net 30 eom'), got terms basis {self.basis.value!r}"
                )
        for index, (before, after) in enumerate(itertools.pairwise(self.discounts), start=1):
            if after.days <= before.days:
                raise ValidationError(
                    f"discounts[{index}].days: tiers must be listed by strictly increasing "
                    f"days, got {after.days} after {before.days}"
                )
            if after.percent >= before.percent:
                raise ValidationError(
                    f"discounts[{index}].percent: a later tier must offer a smaller discount "
                    f"than an earlier one, got {_number(after.percent)} after "
                    f"{_number(before.percent)}"
                )
        span = _shortest_span(self.months)
        limit = self.net_days + span
        for index, tier in enumerate(self.discounts):
            if tier.days <= limit:
                continue
            if self.months == 0:
                reason = f"must be <= net_days ({self.net_days})"
            else:
                reason = (
                    f"must be <= {limit} (net_days {self.net_days} + {span} days, the shortest "
                    f"{_plural(self.months, 'calendar month')})"
                )
            raise ValidationError(
                f"discounts[{index}].days: {reason} so that the discount ends by the due "
                f"date, got {tier.days}"
            )

    # -- construction ---------------------------------------------------------------

    @classmethod
    def net(cls, days: int) -> PaymentTerms:
        """Plain "net ``days``" terms, counted from the issue date.

        >>> PaymentTerms.net(30)
        PaymentTerms(net_days=30, months=0, basis=<TermsBasis.INVOICE_DATE: 'invoice_date'>, discounts=(), instalments=(), grace_days=0)
        """
        return cls(net_days=days)

    @classmethod
    def parse(cls, text: str) -> PaymentTerms:
        """Read terms from the short form written on invoices (case and spacing are free).

        Accepted: ``net 30`` (also ``NET30``, ``n30``, ``n/30``, ``30 days``), ``due on
        receipt`` (net 0), ``2 months``, ``1 month + 10 days``; each may end in ``eom``
        (counted from the end of the invoice month) or ``then eom`` (counted from the
        issue date, then to the end of the month reached). Cash discount tiers come
        first (``2/10 net 30``, ``3/10 2/20 net 45``); instalments are comma-separated
        shares (``50% net 30, 50% net 60``), each with the same basis suffix; ``grace
        5`` may end any of these. ``parse(terms.describe()) == terms`` for all terms.

        A tier followed by ``eom`` counts its days from the end of the invoice month
        (the US "2/10 EOM" convention) and needs terms counted from there too:
        ``2/10 eom net 30 eom``. Without a net period, ``2/10 eom`` is net 20 days
        after the discount ends, so net 30 eom (the usual textbook rule when EOM
        terms state no net date).

        >>> PaymentTerms.parse("3/10 2/20 net 45").discounts
        (CashDiscount(percent=Decimal('3'), days=10), CashDiscount(percent=Decimal('2'), days=20))
        >>> PaymentTerms.parse("net 30 eom").basis
        <TermsBasis.END_OF_MONTH: 'end_of_month'>
        >>> PaymentTerms.parse("2/10 EOM").describe()
        '2/10 eom net 30 eom'
        >>> PaymentTerms.parse("pay whenever")
        Traceback (most recent call last):
        ...
        credkit.errors.ValidationError: text: cannot read 'pay whenever' as payment terms; accepted forms are ...
        """
        if not isinstance(text, str):
            raise ValidationError(
                f"text: expected payment terms as a string such as 'net 30', got {describe(text)}"
            )
        normal = " ".join(text.lower().replace("+", " + ").split())
        normal = _NET.sub("net ", normal)
        grace_match = _GRACE.search(normal)
        if grace_match is not None:
            normal = normal[: grace_match.start()]
        parts = [part.strip() for part in re.split(r"[,;]", normal)]
        try:
            grace = 0 if grace_match is None else _count(grace_match.group(1))
            if any(_INSTALMENT.fullmatch(part) for part in parts):
                terms = cls._parse_instalments(parts, grace)
            else:
                terms = cls._parse_single(" ".join(parts), grace)
        except ValidationError as error:
            raise ValidationError(
                f"text: {text!r} reads as payment terms that are not valid: {error}"
            ) from None
        if terms is None:
            raise ValidationError(f"text: cannot read {text!r} as payment terms; {_ACCEPTED}")
        return terms

    @classmethod
    def _parse_single(cls, text: str, grace: int) -> PaymentTerms | None:
        discounts = []
        position = 0
        while (tier := _TIER.match(text, position)) is not None:
            basis = TermsBasis.INVOICE_DATE if tier.group(3) is None else TermsBasis.END_OF_MONTH
            discounts.append(CashDiscount(tier.group(1), _count(tier.group(2)), basis=basis))
            position = tier.end()
        rest = text[position:].strip()
        if not rest and discounts and all(t.basis is TermsBasis.END_OF_MONTH for t in discounts):
            # "2/10 eom": net 20 days after the discount ends, counted from the month end.
            rest = f"net {discounts[-1].days + _EOM_NET_AFTER_DISCOUNT} eom"
        period = _parse_period(rest)
        if period is None:
            return None
        months, net_days, basis = period
        return cls(
            net_days,
            months=months,
            basis=basis,
            discounts=discounts,
            grace_days=grace,
        )

    @classmethod
    def _parse_instalments(cls, parts: list[str], grace: int) -> PaymentTerms | None:
        instalments = []
        bases = set()
        for part in parts:
            match = _INSTALMENT.fullmatch(part)
            period = None if match is None else _parse_period(match.group("rest"))
            if match is None or period is None:
                return None
            months, net_days, basis = period
            bases.add(basis)
            instalments.append(Instalment(match.group("percent"), net_days=net_days, months=months))
        if len(bases) != 1:
            raise ValidationError(
                "instalments: every part must end the same way ('eom', 'then eom' or "
                "neither), because the basis belongs to the terms as a whole"
            )
        return cls(basis=bases.pop(), instalments=instalments, grace_days=grace)

    # -- presentation ---------------------------------------------------------------

    def describe(self) -> str:
        """The short form of these terms, as :meth:`parse` reads it back.

        >>> PaymentTerms.parse("2/10 N30").describe()
        '2/10 net 30'
        >>> PaymentTerms(months=1, basis=TermsBasis.END_OF_MONTH, grace_days=5).describe()
        '1 month eom grace 5'
        >>> PaymentTerms(instalments=(Instalment(50), Instalment(50, months=1))).describe()
        '50% net 0, 50% 1 month'
        """
        suffix = _BASIS_SUFFIX[self.basis]
        if self.instalments:
            text = ", ".join(
                f"{_number(part.percent)}% {_period(part.months, part.net_days)}{suffix}"
                for part in self.instalments
            )
        elif (
            self.basis is TermsBasis.INVOICE_DATE
            and self.months == 0
            and self.net_days == 0
            and not self.discounts
        ):
            text = "due on receipt"
        else:
            tiers = "".join(f"{tier} " for tier in self.discounts)
            text = f"{tiers}{_period(self.months, self.net_days)}{suffix}"
        if self.grace_days:
            text += f" grace {self.grace_days}"
        return text

    def __str__(self) -> str:
        return self.describe()

    # -- dates ----------------------------------------------------------------------

    def _beyond(self, issue_date: datetime.date) -> ValidationError:
        return ValidationError(
            f"issue_date: {issue_date.isoformat()} under {self.describe()!r} gives a date "
            f"after {datetime.date.max.isoformat()}, the last date Python can represent"
        )

    def _date(self, issue_date: datetime.date, months: int, net_days: int) -> datetime.date:
        try:
            if self.basis is TermsBasis.END_OF_MONTH:
                month_end = issue_date + relativedelta(months=months, day=31)
                return month_end + datetime.timedelta(days=net_days)
            reached = issue_date + relativedelta(months=months)
            reached += datetime.timedelta(days=net_days)
            if self.basis is TermsBasis.DAYS_THEN_END_OF_MONTH:
                return reached + relativedelta(day=31)
            return reached
        except (OverflowError, ValueError):
            raise self._beyond(issue_date) from None

    def _add_days(
        self, start: datetime.date, days: int, issue_date: datetime.date
    ) -> datetime.date:
        try:
            return start + datetime.timedelta(days=days)
        except OverflowError:
            raise self._beyond(issue_date) from None

    def due_date(self, issue_date: datetime.date) -> datetime.date:
        """The date by which the invoice must be paid (for instalments: the last one's).

        >>> from datetime import date
        >>> PaymentTerms.net(30).due_date(date(2024, 1, 31))
        datetime.date(2024, 3, 1)
        >>> PaymentTerms.parse("1 month eom").due_date(date(2016, 2, 10))
        datetime.date(2016, 3, 31)
        >>> PaymentTerms.parse("net 30 then eom").due_date(date(2024, 1, 15))
        datetime.date(2024, 2, 29)
        """
        issue_date = check_date(issue_date, "issue_date")
        if self.instalments:
            last = self.instalments[-1]
            return self._date(issue_date, last.months, last.net_days)
        return self._date(issue_date, self.months, self.net_days)

    def due_dates(
        self, issue_date: datetime.date, amount: Money
    ) -> tuple[tuple[datetime.date, Money], ...]:
        """Each due date with the amount due on it; the amounts sum exactly to ``amount``.

        Terms without instalments give one ``(due_date, amount)``. Instalment amounts
        come from :meth:`Money.allocate <credkit.money.Money.allocate>` with the
        instalment percents as weights, so no minor unit is lost or created.

        >>> from datetime import date
        >>> terms = PaymentTerms.parse("30% due on receipt, 40% net 30, 30% net 60")
        >>> for day, part in terms.due_dates(date(2024, 5, 2), Money.of("100.01", "EUR")):
        ...     print(day, part)
        2024-05-02 30.00 EUR
        2024-06-01 40.01 EUR
        2024-07-01 30.00 EUR
        """
        issue_date = check_date(issue_date, "issue_date")
        amount = _check_money(amount)
        if not self.instalments:
            return ((self.due_date(issue_date), amount),)
        parts = amount.allocate([part.percent for part in self.instalments])
        return tuple(
            (self._date(issue_date, part.months, part.net_days), share)
            for part, share in zip(self.instalments, parts, strict=True)
        )

    def grace_end(self, issue_date: datetime.date) -> datetime.date:
        """The due date plus the grace days: the last day before the invoice counts as late.

        >>> from datetime import date
        >>> PaymentTerms(net_days=30, grace_days=5).grace_end(date(2024, 3, 1))
        datetime.date(2024, 4, 5)
        """
        return self._add_days(self.due_date(issue_date), self.grace_days, issue_date)

    def _tier_end(self, tier: CashDiscount, issue_date: datetime.date) -> datetime.date:
        start = issue_date
        if tier.basis is TermsBasis.END_OF_MONTH:
            start = issue_date + relativedelta(day=31)
        return self._add_days(start, tier.days, issue_date)

    def discount_deadline(self, issue_date: datetime.date) -> datetime.date | None:
        """The last day of the best (largest) discount tier, or ``None`` without discounts.

        >>> from datetime import date
        >>> PaymentTerms.parse("3/10 2/20 net 45").discount_deadline(date(2024, 3, 1))
        datetime.date(2024, 3, 11)
        >>> PaymentTerms.parse("2/10 eom net 30 eom").discount_deadline(date(2024, 3, 1))
        datetime.date(2024, 4, 10)
        >>> PaymentTerms.net(30).discount_deadline(date(2024, 3, 1)) is None
        True
        """
        issue_date = check_date(issue_date, "issue_date")
        if not self.discounts:
            return None
        return self._tier_end(self.discounts[0], issue_date)

    # -- amounts --------------------------------------------------------------------

    def discount(
        self, amount: Money, *, issue_date: datetime.date, paid_on: datetime.date
    ) -> Money:
        """The cash discount earned by paying ``amount`` in full on ``paid_on``.

        The best tier whose last day (issue date + its days, or the end of the invoice
        month + its days for an ``eom`` tier) is on or after ``paid_on`` applies; the discount is rounded to the currency's minor units
        (half away from zero) and is zero when no tier applies. ``amount`` must
        already be in whole minor units, so the discount can never exceed it.

        >>> from datetime import date
        >>> terms = PaymentTerms.parse("3/10 2/20 net 45")
        >>> invoice = Money.of("1234.56", "EUR")
        >>> terms.discount(invoice, issue_date=date(2024, 3, 1), paid_on=date(2024, 3, 15))
        Money('24.69', 'EUR')
        >>> terms.discount(invoice, issue_date=date(2024, 3, 1), paid_on=date(2024, 3, 22))
        Money('0.00', 'EUR')
        """
        amount = _check_money(amount)
        issue_date = check_date(issue_date, "issue_date")
        paid_on = check_date(paid_on, "paid_on")
        if not amount.is_rounded():
            raise ValidationError(
                f"amount: {amount} has more decimals than {amount.currency}'s minor unit "
                f"({amount.minor_units}); round it first with Money.round()"
            )
        for tier in self.discounts:
            if paid_on <= self._tier_end(tier, issue_date):
                return (amount * (tier.percent / 100)).round()
        return Money.zero(amount.currency).round()

    def amount_due(
        self, amount: Money, *, issue_date: datetime.date, paid_on: datetime.date
    ) -> Money:
        """What settles ``amount`` in full when paid on ``paid_on``: amount minus discount.

        Worked example (the "2/10 net 30" convention as explained by Investopedia,
        https://www.investopedia.com/terms/1/2-10-net-30.asp): an invoice of 1,000.00
        paid on day 10 settles with 980.00; paid on day 11 it needs the full 1,000.00.

        >>> from datetime import date
        >>> terms = PaymentTerms.parse("2/10 net 30")
        >>> invoice = Money.of("1000.00", "USD")
        >>> terms.amount_due(invoice, issue_date=date(2024, 3, 1), paid_on=date(2024, 3, 11))
        Money('980.00', 'USD')
        >>> terms.amount_due(invoice, issue_date=date(2024, 3, 1), paid_on=date(2024, 3, 12))
        Money('1000.00', 'USD')
        """
        return amount - self.discount(amount, issue_date=issue_date, paid_on=paid_on)
