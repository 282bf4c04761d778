"""Company-currency figures: booked amounts, and the unrealised FX difference beside them.

A document in a foreign currency may carry ``booked``, its amount in the company
currency at the rate it was booked at (see :class:`~credkit.ledger.Invoice`). Two
questions then have separate answers, never mixed:

- *What does the receivable account hold?* :func:`~credkit.aging.age` with
  ``valuation=Valuation.BOOKED`` ages the booked amounts, and
  :meth:`Ledger.booked_balance <credkit.ledger.Ledger.booked_balance>` sums them: the
  figures of an ERP's receivable account in the company currency.
- *What would the open items be worth at today's rate?* :func:`revalue` values each
  open foreign-currency item at the rate in force on ``as_of`` and reports the
  unrealised difference against its booked amount, per currency and in total: SAP's
  foreign currency valuation (FAGL_FCV) and ERPNext's Exchange Rate Revaluation.

For every item, and so for every line and the total::

    booked + difference = revalued

>>> from datetime import date
>>> from credkit.fx import RateTable
>>> from credkit.ledger import DocumentKind, OpenItem
>>> from credkit.money import Money
>>> item = OpenItem("I1", "C1", DocumentKind.INVOICE, date(2026, 1, 5), date(2026, 2, 4),
...                 Money.of("1100.00", "USD"), booked=Money.of("1000.00", "EUR"))
>>> rates = RateTable.from_mapping({"2026-03-31": {"USD": "1.0000"}}, base="EUR")
>>> report = revalue([item], as_of=date(2026, 3, 31), currency="EUR", rates=rates)
>>> str(report.booked), str(report.revalued), str(report.difference)
('1000.00 EUR', '1100.00 EUR', '100.00 EUR')
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

import attrs

from credkit._validate import check_currency, check_date
from credkit.errors import ValidationError
from credkit.fx import RateSource, convert
from credkit.ledger import DocumentKind, Ledger, OpenItem
from credkit.money import Money

__all__ = ["RevaluationLine", "RevaluationReport", "RevaluedItem", "Valuation", "revalue"]


class Valuation(enum.Enum):
    """Which amounts :func:`~credkit.aging.age` sums.

    ``CURRENT`` (the default): each item's own amount, in its own currency, or, with
    ``currency=`` and ``rates=``, converted at the rate in force on ``as_of``.
    ``BOOKED``: each item's amount in the company currency (``currency=``) at its
    booking rate, :meth:`OpenItem.booked_in <credkit.ledger.OpenItem.booked_in>`; no
    rates are used.

    >>> Valuation("booked")
    <Valuation.BOOKED: 'booked'>
    """

    CURRENT = "current"
    BOOKED = "booked"


def check_valuation(value: object) -> Valuation:
    """``value`` if it is a :class:`Valuation`, else a ValidationError naming the field."""
    if not isinstance(value, Valuation):
        accepted = ", ".join(f"Valuation.{v.name}" for v in Valuation)
        raise ValidationError(
            f"valuation: expected one of {accepted}, got {type(value).__name__} {value!r}"
        )
    return value


@attrs.frozen
class RevaluedItem:
    """One open foreign-currency item valued at the revaluation rate.

    ``amount`` is the open amount in the document currency (signed as in
    :class:`~credkit.ledger.OpenItem`), ``booked`` the same in the company currency at
    the booking rate, ``revalued`` the same at ``rate`` (units of the company currency
    per unit of the document currency, in force on the report's ``as_of``), rounded
    once to the company currency's minor units. :attr:`difference` is positive for a
    gain: a receivable worth more, or unapplied cash owed back worth less.

    >>> from credkit.money import Money
    >>> item = RevaluedItem("I1", "C1", DocumentKind.INVOICE, None, Money.of("1100.00", "USD"),
    ...                     booked=Money.of("1000.00", "EUR"), revalued=Money.of("1100.00", "EUR"),
    ...                     rate=Decimal(1))
    >>> item.difference
    Money('100.00', 'EUR')
    """

    document_id: str
    customer_id: str
    kind: DocumentKind
    instalment: int | None
    amount: Money
    booked: Money = attrs.field(kw_only=True)
    revalued: Money = attrs.field(kw_only=True)
    rate: Decimal = attrs.field(kw_only=True)

    @property
    def difference(self) -> Money:
        """The unrealised difference: ``revalued - booked`` (exact)."""
        return self.revalued - self.booked


@attrs.frozen
class RevaluationLine:
    """The open items of one foreign currency: their sum in it, booked, revalued.

    >>> from credkit.money import Money
    >>> line = RevaluationLine("USD", Money.of("1100.00", "USD"), booked=Money.of("1000.00", "EUR"),
    ...                        revalued=Money.of("1010.00", "EUR"), count=2)
    >>> line.difference
    Money('10.00', 'EUR')
    """

    currency: str
    amount: Money
    booked: Money = attrs.field(kw_only=True)
    revalued: Money = attrs.field(kw_only=True)
    count: int = attrs.field(kw_only=True)

    @property
    def difference(self) -> Money:
        """The currency's unrealised difference: ``revalued - booked`` (exact)."""
        return self.revalued - self.booked


@attrs.frozen
class RevaluationReport:
    """Unrealised FX differences of the open foreign-currency items on ``as_of``.

    ``currency`` is the company currency; ``items`` the revalued items in the order
    given (items already in the company currency have no difference and are left
    out). :attr:`lines` sums them per document currency; :attr:`booked`,
    :attr:`revalued` and :attr:`difference` are the totals in the company currency.
    Nothing is rounded after the items: the totals are their exact sums.

    >>> from datetime import date
    >>> report = RevaluationReport(date(2026, 3, 31), "EUR", ())
    >>> report.difference, report.lines
    (Money('0.00', 'EUR'), ())
    """

    as_of: datetime.date
    currency: str
    items: tuple[RevaluedItem, ...]

    def _total(self, field: str) -> Money:
        total = Money.zero(self.currency).round()
        for item in self.items:
            total = total + getattr(item, field)
        return total

    @property
    def booked(self) -> Money:
        """The open foreign-currency items at their booking rates, in the company currency."""
        return self._total("booked")

    @property
    def revalued(self) -> Money:
        """The same items at the revaluation rate on ``as_of``."""
        return self._total("revalued")

    @property
    def difference(self) -> Money:
        """The total unrealised difference, ``revalued - booked`` (positive: a gain)."""
        return self.revalued - self.booked

    @property
    def lines(self) -> tuple[RevaluationLine, ...]:
        """One line per document currency, sorted by currency code."""
        sums: dict[str, list[Any]] = {}
        zero = Money.zero(self.currency).round()
        for item in self.items:
            code = item.amount.currency
            if code not in sums:
                sums[code] = [Money.zero(code).round(), zero, zero, 0]
            line = sums[code]
            line[0] += item.amount
            line[1] += item.booked
            line[2] += item.revalued
            line[3] += 1
        return tuple(
            RevaluationLine(code, amount, booked=booked, revalued=revalued, count=count)
            for code, (amount, booked, revalued, count) in sorted(sums.items())
        )

    def line(self, currency: str) -> RevaluationLine:
        """The line of document ``currency`` (a zero line if it has no open items).

        >>> from datetime import date
        >>> RevaluationReport(date(2026, 3, 31), "EUR", ()).line("USD").count
        0
        """
        check_currency(currency, "currency")
        for line in self.lines:
            if line.currency == currency:
                return line
        zero = Money.zero(self.currency).round()
        return RevaluationLine(
            currency, Money.zero(currency).round(), booked=zero, revalued=zero, count=0
        )


def _items(items: Iterable[OpenItem] | Ledger, as_of: datetime.date) -> Iterable[OpenItem]:
    """The open items of ``items`` (a ledger's as of ``as_of``), or an error naming ``items``."""
    if isinstance(items, Ledger):
        return items.open_items(as_of)
    if isinstance(items, str | bytes | OpenItem) or not isinstance(items, Iterable):
        raise ValidationError(
            f"items: expected a Ledger or an iterable of OpenItem, "
            f"got {type(items).__name__} {items!r}"
        )
    return items


def _checked_items(
    items: Iterable[OpenItem] | Ledger, as_of: datetime.date, *, use: str, scope: str
) -> Iterator[tuple[int, OpenItem]]:
    """``(position, item)`` for the open items of ``items``, checked as they come.

    Each must be an :class:`OpenItem`, given once (by kind, document id and instalment)
    and issued by ``as_of``; otherwise a ValidationError names its position. ``use``
    ("aged", "revalued") and ``scope`` ("a report", "a revaluation") word the errors.
    """
    seen: set[tuple[DocumentKind, str, int | None]] = set()
    for position, item in enumerate(_items(items, as_of)):
        if not isinstance(item, OpenItem):
            raise ValidationError(
                f"items[{position}]: expected an OpenItem, got {type(item).__name__} {item!r}"
            )
        key = (item.kind, item.document_id, item.instalment)
        if key in seen:
            raise ValidationError(
                f"items[{position}]: {item.kind.value} {item.key!r} is given twice; "
                f"each open item may be {use} once"
            )
        seen.add(key)
        if item.issue_date > as_of:
            raise ValidationError(
                f"items[{position}].issue_date: {item.issue_date.isoformat()} of "
                f"{item.document_id!r} is after as_of {as_of.isoformat()}; {scope} as of "
                "a date covers only documents issued by then"
            )
        yield position, item


def revalue(
    items: Iterable[OpenItem] | Ledger,
    *,
    as_of: datetime.date,
    currency: str,
    rates: RateSource,
) -> RevaluationReport:
    """Value the open foreign-currency items at the rate on ``as_of`` against their booking.

    For every open item (of a :class:`~credkit.ledger.Ledger` as of ``as_of``, or
    given) whose currency is not the company ``currency``: ``booked`` is its open
    amount at the booking rate (:meth:`OpenItem.booked_in
    <credkit.ledger.OpenItem.booked_in>`; an item without one raises a
    ValidationError naming it), ``revalued`` its open amount converted with
    :func:`credkit.fx.convert` at the rate in force on ``as_of`` (rounded once per
    item), and the difference between the two is the unrealised gain or loss. This is
    what SAP's foreign currency valuation and ERPNext's Exchange Rate Revaluation post
    for open receivables; credkit reports it and posts nothing, so that aged and
    booked figures stay as booked.

    Items in ``currency`` are left out (they have no FX difference); items issued after
    ``as_of`` and the same item twice are refused, as in :func:`~credkit.aging.age`.

    >>> from datetime import date
    >>> from credkit.fx import RateTable
    >>> from credkit.money import Money
    >>> items = [
    ...     OpenItem("I1", "C1", DocumentKind.INVOICE, date(2026, 1, 5), date(2026, 2, 4),
    ...              Money.of("550.00", "USD"), booked=Money.of("500.00", "EUR")),
    ...     OpenItem("P1", "C1", DocumentKind.PAYMENT, date(2026, 2, 1), date(2026, 2, 1),
    ...              Money.of("-108.00", "USD"), booked=Money.of("-100.00", "EUR")),
    ...     OpenItem("I2", "C1", DocumentKind.INVOICE, date(2026, 1, 9), date(2026, 2, 8),
    ...              Money.of("300.00", "EUR")),
    ... ]
    >>> rates = RateTable.from_mapping({"2026-03-31": {"USD": "1.08"}}, base="EUR")
    >>> report = revalue(items, as_of=date(2026, 3, 31), currency="EUR", rates=rates)
    >>> [(i.document_id, str(i.revalued), str(i.difference)) for i in report.items]
    [('I1', '509.26 EUR', '9.26 EUR'), ('P1', '-100.00 EUR', '0.00 EUR')]
    >>> line = report.line("USD")
    >>> str(line.amount), str(line.booked), str(line.revalued), str(line.difference)
    ('442.00 USD', '400.00 EUR', '409.26 EUR', '9.26 EUR')
    """
    check_date(as_of, "as_of")
    check_currency(currency, "currency")
    if not isinstance(rates, RateSource):
        raise ValidationError(
            "rates: expected a credkit.fx.RateSource such as a RateTable, "
            f"got {type(rates).__name__} {rates!r}"
        )
    found: dict[str, Decimal] = {}
    result: list[RevaluedItem] = []
    for position, item in _checked_items(items, as_of, use="revalued", scope="a revaluation"):
        code = item.amount.currency
        if code == currency:
            continue
        try:
            booked = item.booked_in(currency)
        except ValidationError as error:
            raise ValidationError(f"items[{position}].{error.message}") from None
        if code not in found:
            found[code] = rates.rate(code, currency, as_of)
        result.append(
            RevaluedItem(
                item.document_id,
                item.customer_id,
                item.kind,
                item.instalment,
                item.amount,
                booked=booked,
                revalued=convert(item.amount, currency, on=as_of, rates=rates),
                rate=found[code],
            )
        )
    return RevaluationReport(as_of, currency, tuple(result))
