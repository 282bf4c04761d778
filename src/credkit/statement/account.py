"""A customer's statement of account for a period: :func:`statement` and its values.

A statement covers the days ``period_from`` .. ``as_of`` (both included) and holds,
for each currency the customer has documents in:

- the **opening balance**: what the customer owed at the end of the day before
  ``period_from`` (:meth:`Ledger.balance <credkit.ledger.Ledger.balance>` of that day);
- the **lines** of the period in date order, each with the running balance: every
  invoice (``+``), credit note (``-``) and payment (``-``) dated in the period, and
  every allocation applied in the period. An allocation moves money that was already
  counted (the payment or credit note lowered the balance the day it arrived) onto
  an invoice, so its line shows the amount ``applied`` and moves the balance by zero;
- the **closing balance**: the open balance on ``as_of``. It always equals the opening
  balance plus the lines, to the cent, because a balance is what was invoiced less what
  was credited and received: allocations only say which invoice the money settled;
- an **aging summary**: the customer's row of :func:`credkit.aging.age` on ``as_of``
  in that currency (a zero row when nothing is open in it).

Lines come by date, then invoices, credit notes, payments and allocations, then by
id. Documents and allocations dated after ``as_of`` are ignored, so a statement of a
past period does not change when later payments arrive.

>>> from datetime import date
>>> from credkit.ledger import Customer, Invoice, Ledger, Payment
>>> from credkit.money import Money
>>> ledger = Ledger(
...     customers=[Customer("C1", "Acme GmbH", country="DE", currency="EUR")],
...     invoices=[
...         Invoice("I1", "C1", date(2026, 1, 10), date(2026, 2, 9), Money.of("1000.00", "EUR")),
...         Invoice("I2", "C1", date(2026, 2, 3), date(2026, 3, 5), Money.of("250.00", "EUR")),
...     ],
...     payments=[Payment("P1", "C1", date(2026, 2, 12), Money.of("600.00", "EUR"))],
... ).apply_oldest_first("P1")
>>> account = statement(ledger, "C1", as_of=date(2026, 2, 28))
>>> section = account.section("EUR")
>>> str(section.opening), str(section.closing)
('1000.00 EUR', '650.00 EUR')
>>> [(line.kind.value, line.document_id, str(line.amount), str(line.balance)) for line in section.lines]
[('invoice', 'I2', '250.00 EUR', '1250.00 EUR'), ('payment', 'P1', '-600.00 EUR', '650.00 EUR'), ('allocation', 'P1', '0.00 EUR', '650.00 EUR')]
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Iterable
from typing import Any

import attrs

from credkit._validate import check_date, describe, instance_of
from credkit.aging import STANDARD, AgingRow, Buckets, age
from credkit.errors import ValidationError
from credkit.ledger import CreditNote, Customer, Invoice, Ledger, Payment
from credkit.money import Money

__all__ = ["CurrencyStatement", "LineKind", "Statement", "StatementLine", "statement"]


class LineKind(enum.Enum):
    """What a statement line stands for.

    >>> LineKind("allocation")
    <LineKind.ALLOCATION: 'allocation'>
    """

    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"
    PAYMENT = "payment"
    ALLOCATION = "allocation"


_ORDER = {kind: index for index, kind in enumerate(LineKind)}


def _zero(currency: str) -> Money:
    """Zero with the currency's minor units (``0.00 EUR``), so that sums print alike."""
    return Money.of(0, currency).round()


def _line_tuple(values: Iterable[StatementLine]) -> tuple[StatementLine, ...]:
    result = tuple(values)
    for index, value in enumerate(result):
        if not isinstance(value, StatementLine):
            raise ValidationError(
                f"lines[{index}]: expected a StatementLine, got {describe(value)}"
            )
    return result


@attrs.frozen
class StatementLine:
    """One line of a statement: a document or an allocation, and the balance after it.

    ``amount`` is how the line moves the balance: an invoice's amount, a credit note's
    or a payment's amount negated, zero for an allocation. ``applied`` is the amount
    an allocation applied (None for documents); ``reference`` the invoice an allocation
    or a credit note is for, when known; ``due_date`` an invoice's due date.

    >>> from datetime import date
    >>> line = StatementLine(date(2026, 2, 12), LineKind.PAYMENT, "P1", Money.of("-600.00", "EUR"),
    ...                      balance=Money.of("650.00", "EUR"))
    >>> line.currency
    'EUR'
    """

    on: datetime.date = attrs.field(validator=lambda _i, _a, v: check_date(v, "on"))
    kind: LineKind = attrs.field(validator=instance_of(LineKind))
    document_id: str
    amount: Money = attrs.field(validator=instance_of(Money))
    balance: Money = attrs.field(kw_only=True, validator=instance_of(Money))
    applied: Money | None = attrs.field(default=None, kw_only=True)
    reference: str | None = attrs.field(default=None, kw_only=True)
    due_date: datetime.date | None = attrs.field(default=None, kw_only=True)
    disputed: bool = attrs.field(default=False, kw_only=True)

    @property
    def currency(self) -> str:
        """The line's currency.

        >>> from datetime import date
        >>> StatementLine(date(2026, 1, 1), LineKind.INVOICE, "I", Money.of(5, "JPY"),
        ...               balance=Money.of(5, "JPY")).currency
        'JPY'
        """
        return self.amount.currency


@attrs.frozen
class CurrencyStatement:
    """A customer's statement in one currency: opening, lines, closing, aging.

    >>> from datetime import date
    >>> zero = Money.of("0.00", "EUR")
    >>> section = CurrencyStatement("EUR", opening=zero, lines=(), closing=zero, aging=None)
    >>> section.movements
    Money('0.00', 'EUR')
    """

    currency: str
    opening: Money = attrs.field(kw_only=True)
    lines: tuple[StatementLine, ...] = attrs.field(kw_only=True, converter=_line_tuple)
    closing: Money = attrs.field(kw_only=True)
    aging: AgingRow | None = attrs.field(kw_only=True)

    @property
    def movements(self) -> Money:
        """The sum of the lines' amounts: ``closing - opening``.

        >>> from datetime import date
        >>> line = StatementLine(date(2026, 1, 2), LineKind.INVOICE, "I1", Money.of("5.00", "EUR"),
        ...                      balance=Money.of("5.00", "EUR"))
        >>> CurrencyStatement("EUR", opening=Money.of("0.00", "EUR"), lines=(line,),
        ...                   closing=Money.of("5.00", "EUR"), aging=None).movements
        Money('5.00', 'EUR')
        """
        return sum((line.amount for line in self.lines), _zero(self.currency))

    @property
    def invoiced(self) -> Money:
        """What was invoiced in the period.

        >>> CurrencyStatement("EUR", opening=Money.of(0, "EUR"), lines=(),
        ...                   closing=Money.of(0, "EUR"), aging=None).invoiced
        Money('0.00', 'EUR')
        """
        return self._sum(LineKind.INVOICE)

    @property
    def received(self) -> Money:
        """What was received (payments) in the period, as a positive amount.

        >>> CurrencyStatement("EUR", opening=Money.of(0, "EUR"), lines=(),
        ...                   closing=Money.of(0, "EUR"), aging=None).received
        Money('0.00', 'EUR')
        """
        return _zero(self.currency) - self._sum(LineKind.PAYMENT)

    @property
    def credited(self) -> Money:
        """What was credited (credit notes) in the period, as a positive amount.

        >>> CurrencyStatement("EUR", opening=Money.of(0, "EUR"), lines=(),
        ...                   closing=Money.of(0, "EUR"), aging=None).credited
        Money('0.00', 'EUR')
        """
        return _zero(self.currency) - self._sum(LineKind.CREDIT_NOTE)

    def _sum(self, kind: LineKind) -> Money:
        """The sum of the period's lines of ``kind`` (signed as on the statement)."""
        return sum((line.amount for line in self.lines if line.kind is kind), _zero(self.currency))


@attrs.frozen
class Statement:
    """A statement of account: a customer, a period, and one section per currency.

    ``sections`` are sorted by currency code; a currency appears when the customer
    has a balance in it at either end of the period or a line in it. ``buckets`` are
    the aging buckets of the sections' aging rows.

    >>> from datetime import date
    >>> from credkit.ledger import Customer
    >>> empty = Statement(Customer("C1", "Acme", country="FR", currency="EUR"),
    ...                   period_from=date(2026, 1, 1), as_of=date(2026, 1, 31), sections=())
    >>> empty.currencies
    ()
    """

    customer: Customer = attrs.field(validator=instance_of(Customer))
    period_from: datetime.date = attrs.field(kw_only=True)
    as_of: datetime.date = attrs.field(kw_only=True)
    sections: tuple[CurrencyStatement, ...] = attrs.field(kw_only=True)
    buckets: Buckets = attrs.field(default=attrs.Factory(lambda: STANDARD), kw_only=True)

    @property
    def currencies(self) -> tuple[str, ...]:
        """The currencies of the sections, sorted.

        >>> from datetime import date
        >>> from credkit.ledger import Customer
        >>> Statement(Customer("C1", "Acme", country="FR", currency="EUR"),
        ...           period_from=date(2026, 1, 1), as_of=date(2026, 1, 31),
        ...           sections=()).currencies
        ()
        """
        return tuple(section.currency for section in self.sections)

    def section(self, currency: str) -> CurrencyStatement:
        """The section of ``currency``.

        >>> from datetime import date
        >>> from credkit.ledger import Customer
        >>> Statement(Customer("C1", "Acme", country="FR", currency="EUR"),
        ...           period_from=date(2026, 1, 1), as_of=date(2026, 1, 31),
        ...           sections=()).section("EUR")
        Traceback (most recent call last):
        ...
        credkit.errors.ValidationError: currency: the statement has no section in 'EUR'; it has none
        """
        for section in self.sections:
            if section.currency == currency:
                return section
        listed = ", ".join(self.currencies) or "none"
        raise ValidationError(
            f"currency: the statement has no section in {currency!r}; it has {listed}"
        )


def _document_lines(
    ledger: Ledger, customer_id: str, start: datetime.date, end: datetime.date
) -> list[tuple[Any, ...]]:
    """``(date, kind order, id, kind, signed amount, extra)`` of the period's documents."""
    rows: list[tuple[Any, ...]] = []
    invoices: Iterable[Invoice] = (i for i in ledger.invoices if i.customer_id == customer_id)
    for invoice in invoices:
        if start <= invoice.issue_date <= end:
            rows.append(
                (
                    invoice.issue_date,
                    _ORDER[LineKind.INVOICE],
                    invoice.id,
                    LineKind.INVOICE,
                    invoice.amount,
                    {"due_date": invoice.due_date, "disputed": invoice.disputed},
                )
            )
    notes: Iterable[CreditNote] = (c for c in ledger.credit_notes if c.customer_id == customer_id)
    for note in notes:
        if start <= note.issue_date <= end:
            rows.append(
                (
                    note.issue_date,
                    _ORDER[LineKind.CREDIT_NOTE],
                    note.id,
                    LineKind.CREDIT_NOTE,
                    -note.amount,
                    {"reference": note.invoice_id},
                )
            )
    payments: Iterable[Payment] = (p for p in ledger.payments if p.customer_id == customer_id)
    for payment in payments:
        if start <= payment.received_on <= end:
            rows.append(
                (
                    payment.received_on,
                    _ORDER[LineKind.PAYMENT],
                    payment.id,
                    LineKind.PAYMENT,
                    -payment.amount,
                    {},
                )
            )
    for allocation in ledger.allocations:
        if not start <= allocation.applied_on <= end:
            continue
        if ledger.document(allocation.target_id).customer_id != customer_id:
            continue
        rows.append(
            (
                allocation.applied_on,
                _ORDER[LineKind.ALLOCATION],
                allocation.source_id,
                LineKind.ALLOCATION,
                _zero(allocation.amount.currency),
                {"applied": allocation.amount, "reference": allocation.target_id},
            )
        )
    rows.sort(key=lambda row: (row[0], row[1], row[2], row[5].get("reference") or ""))
    return rows


def _balance(ledger: Ledger, customer_id: str, day: datetime.date | None) -> dict[str, Money]:
    if day is None:
        return {}
    return ledger.balance(day, customer_id=customer_id)


def statement(
    ledger: Ledger,
    customer_id: str,
    *,
    as_of: datetime.date,
    period_from: datetime.date | None = None,
    buckets: Buckets | None = None,
) -> Statement:
    """The statement of account of ``customer_id`` for ``period_from`` .. ``as_of``.

    ``period_from`` defaults to the first day of ``as_of``'s month; it may not be after
    ``as_of``. ``buckets`` are the aging buckets of the summary (default
    :data:`credkit.aging.STANDARD`). An unknown customer, or a period that ends
    before it starts, raises :class:`~credkit.errors.ValidationError`.

    >>> from datetime import date
    >>> from credkit.ledger import Customer
    >>> ledger = Ledger(customers=[Customer("C1", "Acme", country="FR", currency="EUR")])
    >>> statement(ledger, "C1", as_of=date(2024, 2, 29)).period_from
    datetime.date(2024, 2, 1)
    >>> statement(ledger, "C2", as_of=date(2024, 2, 29))
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: customer_id: unknown customer 'C2'
    >>> statement(ledger, "C1", as_of=date(2024, 2, 29), period_from=date(2024, 3, 1))
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: period_from: 2024-03-01 is after as_of 2024-02-29; a statement's period ends on as_of
    """
    if not isinstance(ledger, Ledger):
        raise ValidationError(f"ledger: expected a Ledger, got {describe(ledger)}")
    check_date(as_of, "as_of")
    start = as_of.replace(day=1) if period_from is None else check_date(period_from, "period_from")
    if start > as_of:
        raise ValidationError(
            f"period_from: {start.isoformat()} is after as_of {as_of.isoformat()}; "
            "a statement's period ends on as_of"
        )
    chosen = STANDARD if buckets is None else buckets
    if not isinstance(chosen, Buckets):
        raise ValidationError(f"buckets: expected Buckets, got {describe(buckets)}")
    customer = ledger.customer(customer_id)
    day_before = None if start == datetime.date.min else start - datetime.timedelta(days=1)
    opening = _balance(ledger, customer_id, day_before)
    closing = _balance(ledger, customer_id, as_of)
    rows = _document_lines(ledger, customer_id, start, as_of)
    currencies = sorted({*opening, *closing, *(row[4].currency for row in rows)})
    report = age(ledger.open_items(as_of, customer_id=customer_id), as_of=as_of, buckets=chosen)
    sections = []
    for currency in currencies:
        running = opening.get(currency, _zero(currency)) + _zero(currency)
        first = running
        lines = []
        for on, _, document_id, kind, amount, extra in rows:
            if amount.currency != currency:
                continue
            running = running + amount
            lines.append(StatementLine(on, kind, document_id, amount, balance=running, **extra))
        end = closing.get(currency, _zero(currency)) + _zero(currency)
        if running != end:  # pragma: no cover - the ledger's balances guarantee it
            raise AssertionError(f"statement of {customer_id} in {currency} does not reconcile")
        try:
            row = report.row(customer_id, currency)
        except ValidationError:  # nothing open in this currency on as_of
            row = _zero_row(customer_id, currency, chosen)
        sections.append(
            CurrencyStatement(currency, opening=first, lines=lines, closing=end, aging=row)
        )
    return Statement(
        customer, period_from=start, as_of=as_of, sections=tuple(sections), buckets=chosen
    )


def _zero_row(customer_id: str, currency: str, buckets: Buckets) -> AgingRow:
    zero = _zero(currency)
    return AgingRow(
        customer_id,
        currency,
        (zero,) * len(buckets),
        unapplied=zero,
        disputed=zero,
        count=0,
        oldest_days=None,
    )
