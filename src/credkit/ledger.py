"""Customers, receivables documents and the ledger that answers point-in-time questions.

A :class:`Ledger` holds customers, invoices, credit notes, payments and the
allocations that apply payments and credit notes to invoices. It is immutable and
validated when built: unknown ids, duplicate ids, a document id equal to the key of
another invoice's instalment (:func:`item_key`), allocations that cross customers
or currencies, allocations dated before either document, and over-allocation all
raise :class:`~credkit.errors.ValidationError`.

It answers questions *as of* a date, ignoring what happened after it:
:meth:`Ledger.open_items` (what was open), :meth:`Ledger.balance`, and, for
payment-behaviour analysis, :meth:`Ledger.settlements` (when each invoice was paid
in full). Unapplied cash and unapplied credit notes are open items with negative
amounts, so the open items always add up to what was invoiced less what was
credited and received.

>>> from datetime import date, datetime
>>> from credkit import Money
>>> acme = Customer("C1", "Acme GmbH", country="DE", currency="EUR")
>>> ledger = Ledger(
...     customers=[acme],
...     invoices=[Invoice("INV-1", "C1", date(2026, 1, 5), date(2026, 2, 4), Money.of(1000, "EUR"))],
...     payments=[Payment("PAY-1", "C1", date(2026, 2, 10), Money.of(600, "EUR"))],
... ).apply_oldest_first("PAY-1")
>>> [(item.document_id, str(item.amount)) for item in ledger.open_items(date(2026, 2, 9))]
[('INV-1', '1000 EUR')]
>>> [(item.document_id, str(item.amount)) for item in ledger.open_items(date(2026, 2, 28))]
[('INV-1', '400 EUR')]
"""

from __future__ import annotations

import bisect
import enum
import functools
import itertools
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, cast

import attrs
import babel

from credkit._validate import (
    check_currency,
    check_date,
    check_money,
    check_text,
    currency_code,
    instance_of,
    is_date,
    optional,
    optional_whole,
    to_tags,
)
from credkit.errors import ValidationError
from credkit.money import EXACT_CONTEXT, Money, MoneyTotals
from credkit.terms import PaymentTerms

__all__ = [
    "Allocation",
    "CreditNote",
    "Customer",
    "DocumentKind",
    "Invoice",
    "InvoiceInstalment",
    "Ledger",
    "OpenItem",
    "Payment",
    "Settlement",
    "check_allocations",
    "document_date",
    "item_key",
    "oldest_first",
    "parse_item_key",
    "schedule_for",
]


class DocumentKind(enum.Enum):
    """What an open item stands for.

    >>> DocumentKind("credit_note")
    <DocumentKind.CREDIT_NOTE: 'credit_note'>
    """

    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"
    PAYMENT = "payment"


# -- validators -----------------------------------------------------------------------


def _non_empty_id(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    check_text(value, attribute.name, what="a non-empty string id")


def _positive_money(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A document amount: above zero, in whole minor units of its currency."""
    money = check_money(value, attribute.name)
    if not money.is_positive:
        raise ValidationError(
            f"{attribute.name}: must be above zero, got {money} "
            "(record a reduction as a CreditNote, money received as a Payment)"
        )
    if not money.is_rounded():
        raise ValidationError(
            f"{attribute.name}: {money} has more decimals than {money.currency} has "
            f"({money.minor_units}); a document is booked in whole minor units"
        )


def _booked_money(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A document's optional amount in the company currency at the booking rate."""
    if value is None:
        return
    _positive_money(instance, attribute, value)
    assert isinstance(value, Money)
    document = cast("Document", instance)  # attrs validates after every field is set
    amount = document.amount
    if value.currency == amount.currency and value.amount != amount.amount:
        raise ValidationError(
            f"booked: {value} differs from amount {amount} of {document.id!r}; a document "
            "already in the company currency is booked at its own amount (or leave booked "
            "empty)"
        )


@functools.cache
def _countries() -> frozenset[str]:
    territories: Iterable[str] = babel.Locale("en").territories
    return frozenset(code for code in territories if len(code) == 2 and code.isalpha())


def _country(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or value not in _countries():
        raise ValidationError(
            f"country: {value!r} is not an ISO 3166-1 alpha-2 code; "
            "expected an upper-case code such as 'DE', 'GB' or 'US'"
        )


# -- records --------------------------------------------------------------------------


@attrs.frozen
class Customer:
    """A business customer. ``parent_id`` places it in a credit group under its parent.

    ``country`` is an ISO 3166-1 alpha-2 code, ``currency`` the customer's usual
    (limit) currency; documents may still be in other currencies. ``tags`` are names
    a host gives its customers (``"key_account"``, ``"public"``), kept sorted and without
    repeats; credit profiles carry them, and policy rules can be limited to customers
    with or without some (:class:`~credkit.policy.conditions.RuleCondition`).

    >>> Customer("C1", "Acme GmbH", country="DE", currency="EUR", segment="wholesale")
    Customer(id='C1', name='Acme GmbH', country='DE', currency='EUR', segment='wholesale', industry=None, parent_id=None, tags=())
    """

    id: str = attrs.field(validator=_non_empty_id)
    name: str = attrs.field(validator=instance_of(str))
    country: str = attrs.field(kw_only=True, validator=_country)
    currency: str = attrs.field(kw_only=True, validator=currency_code)
    segment: str | None = attrs.field(default=None, kw_only=True)
    industry: str | None = attrs.field(default=None, kw_only=True)
    parent_id: str | None = attrs.field(
        default=None, kw_only=True, validator=optional(_non_empty_id)
    )
    tags: tuple[str, ...] = attrs.field(default=(), kw_only=True, converter=to_tags)

    def __attrs_post_init__(self) -> None:
        if self.parent_id == self.id:
            raise ValidationError(f"parent_id: customer {self.id!r} cannot be its own parent")


@attrs.frozen
class InvoiceInstalment:
    """One due date of an invoice with a payment schedule, and the amount due on it.

    An :class:`Invoice` whose ``schedule`` lists several of these is due in parts
    (ERPNext's "Payment Schedule" rows, one Odoo receivable line per due date, SAP
    instalment payment terms): each part ages, is dunned and counts as overdue on its
    own date. :func:`schedule_for` builds a schedule from :class:`~credkit.terms.PaymentTerms`.

    >>> from datetime import date
    >>> InvoiceInstalment(date(2026, 3, 2), Money.of("625.00", "EUR"))
    InvoiceInstalment(due_date=datetime.date(2026, 3, 2), amount=Money('625.00', 'EUR'))
    """

    due_date: date = attrs.field(validator=is_date)
    amount: Money = attrs.field(validator=_positive_money)


def _schedule(value: object) -> object:
    if type(value) is tuple:  # the default (), and schedules built in code: no ABC checks
        return value
    if isinstance(value, Iterable) and not isinstance(value, str | bytes | Mapping):
        return tuple(value)
    return value


def _check_schedule(invoice: Invoice) -> None:
    schedule = invoice.schedule
    if not isinstance(schedule, tuple):
        raise ValidationError(
            f"schedule: expected a list of InvoiceInstalment, got {type(schedule).__name__} "
            f"{schedule!r}"
        )
    if not schedule:
        return
    if len(schedule) == 1:
        raise ValidationError(
            f"schedule: invoice {invoice.id!r} has a single instalment; a schedule needs at "
            "least two (leave it empty for an invoice due at once on its due_date)"
        )
    total = Decimal(0)
    previous: date | None = None
    for index, part in enumerate(schedule):
        where = f"schedule[{index}]"
        if not isinstance(part, InvoiceInstalment):
            raise ValidationError(
                f"{where}: expected an InvoiceInstalment, got {type(part).__name__} {part!r}"
            )
        if part.amount.currency != invoice.amount.currency:
            raise ValidationError(
                f"{where}.amount: {part.amount} is not in the currency of invoice "
                f"{invoice.id!r} ({invoice.amount.currency})"
            )
        if part.due_date < invoice.issue_date:
            raise ValidationError(
                f"{where}.due_date: {part.due_date.isoformat()} is before issue_date "
                f"{invoice.issue_date.isoformat()} of invoice {invoice.id!r}"
            )
        if previous is not None and part.due_date <= previous:
            raise ValidationError(
                f"{where}.due_date: {part.due_date.isoformat()} is not after "
                f"{previous.isoformat()}; instalments are listed by strictly increasing "
                "due date"
            )
        previous = part.due_date
        total = EXACT_CONTEXT.add(total, part.amount.amount)
    if total != invoice.amount.amount:
        raise ValidationError(
            f"schedule: the instalments of invoice {invoice.id!r} sum to "
            f"{Money(total, invoice.amount.currency)}, expected exactly its amount "
            f"{invoice.amount}"
        )
    if schedule[-1].due_date != invoice.due_date:
        raise ValidationError(
            f"schedule[{len(schedule) - 1}].due_date: {schedule[-1].due_date.isoformat()} "
            f"differs from due_date {invoice.due_date.isoformat()} of invoice {invoice.id!r}; "
            "an invoice is due when its last instalment is"
        )


def schedule_for(
    amount: Money, terms: PaymentTerms, *, issue_date: date
) -> tuple[InvoiceInstalment, ...]:
    """The schedule of an invoice of ``amount`` issued on ``issue_date`` under ``terms``.

    Due dates and amounts are those of :meth:`PaymentTerms.due_dates
    <credkit.terms.PaymentTerms.due_dates>`: ``amount`` split by the instalment
    percents with :meth:`Money.allocate <credkit.money.Money.allocate>` (largest
    remainders, earlier instalments first on ties), so the instalments sum exactly to
    ``amount`` and the two never disagree by a cent. Instalments that fall due on the
    same day are merged. Terms without instalments,
    or whose instalments all fall due on one day, give ``()``: the invoice is due at
    once on ``terms.due_date(issue_date)``.

    >>> from datetime import date
    >>> terms = PaymentTerms.parse("50% net 30, 50% net 60")
    >>> parts = schedule_for(Money.of("1000.01", "EUR"), terms, issue_date=date(2026, 1, 31))
    >>> [(p.due_date.isoformat(), str(p.amount)) for p in parts]
    [('2026-03-02', '500.01 EUR'), ('2026-04-01', '500.00 EUR')]
    >>> terms = PaymentTerms.parse("30% due on receipt, 40% net 30, 30% net 60")
    >>> [str(p.amount) for p in schedule_for(Money.of("100.01", "EUR"), terms, issue_date=date(2026, 1, 31))]
    ['30.00 EUR', '40.01 EUR', '30.00 EUR']
    >>> schedule_for(Money.of(100, "EUR"), PaymentTerms.net(30), issue_date=date(2026, 1, 31))
    ()
    """
    amount = check_money(amount, "amount")
    if not isinstance(terms, PaymentTerms):
        raise ValidationError(f"terms: expected PaymentTerms, got {type(terms).__name__} {terms!r}")
    if not amount.is_positive or not amount.is_rounded():
        raise ValidationError(
            f"amount: expected an invoice amount above zero in whole minor units of "
            f"{amount.currency}, got {amount}"
        )
    if not terms.instalments:
        return ()
    split = terms.due_dates(issue_date, amount)
    if not all(share.is_positive for _, share in split):
        raise ValidationError(
            f"amount: {amount} is too small to split as {terms.describe()!r}; every "
            "instalment must come to at least one minor unit"
        )
    merged: dict[date, Money] = {}
    for day, share in split:
        merged[day] = merged[day] + share if day in merged else share
    if len(merged) < 2:
        return ()
    return tuple(InvoiceInstalment(day, share) for day, share in merged.items())


@attrs.frozen
class Invoice:
    """An invoice: money the customer owes from ``issue_date``, payable by ``due_date``.

    ``disputed`` marks an invoice the customer contests; it stays in the balance and
    in aging, shown as disputed, and is skipped by :func:`oldest_first` by default.

    ``schedule`` splits the invoice into instalments due on different dates (at least
    two, by strictly increasing due date, summing exactly to ``amount``, the last one
    due on ``due_date``). Open items, settlements, aging, dunning and interest then see
    each instalment on its own; without a schedule the invoice is due at once.

    ``booked`` is the amount in the company currency at the booking rate, as an ERP's
    receivable account holds it (ERPNext's "Base Grand Total", SAP's amount in local
    currency); one company currency per ledger. Aging with
    ``valuation=Valuation.BOOKED`` and :func:`credkit.aging.revalue` read it. On an
    invoice already in the company currency it must equal ``amount``.

    >>> from datetime import date, datetime
    >>> Invoice("INV-1", "C1", date(2026, 1, 31), date(2026, 3, 2), Money.of("1250.00", "EUR")).days_overdue(date(2026, 3, 5))
    3
    >>> Invoice("INV-3", "C1", date(2026, 1, 31), date(2026, 3, 2), Money.of("1100.00", "USD"),
    ...         booked=Money.of("1000.00", "EUR")).booked
    Money('1000.00', 'EUR')
    >>> Invoice("INV-2", "C1", date(2026, 1, 31), date(2026, 3, 2), Money.of(100, "EUR"),
    ...         schedule=[InvoiceInstalment(date(2026, 2, 15), Money.of(40, "EUR")),
    ...                   InvoiceInstalment(date(2026, 3, 2), Money.of(50, "EUR"))])
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: schedule: the instalments of invoice 'INV-2' sum to 90 EUR, expected exactly its amount 100 EUR
    """

    id: str = attrs.field(validator=_non_empty_id)
    customer_id: str = attrs.field(validator=_non_empty_id)
    issue_date: date = attrs.field(validator=is_date)
    due_date: date = attrs.field(validator=is_date)
    amount: Money = attrs.field(validator=_positive_money)
    disputed: bool = attrs.field(default=False, kw_only=True)
    schedule: tuple[InvoiceInstalment, ...] = attrs.field(
        default=(), kw_only=True, converter=_schedule
    )
    booked: Money | None = attrs.field(default=None, kw_only=True, validator=_booked_money)

    def __attrs_post_init__(self) -> None:
        if self.due_date < self.issue_date:
            raise ValidationError(
                f"due_date: {self.due_date.isoformat()} is before issue_date "
                f"{self.issue_date.isoformat()} of invoice {self.id!r}"
            )
        if self.schedule != ():
            _check_schedule(self)

    def days_overdue(self, as_of: date) -> int:
        """Days past the due date on ``as_of`` (negative before it is due).

        >>> from datetime import date, datetime
        >>> inv = Invoice("I", "C", date(2026, 1, 1), date(2026, 1, 31), Money.of(1, "EUR"))
        >>> inv.days_overdue(date(2026, 1, 30)), inv.days_overdue(date(2026, 2, 1))
        (-1, 1)
        """
        return (check_date(as_of, "as_of") - self.due_date).days


@attrs.frozen
class CreditNote:
    """A credit note: an amount the business owes back to the customer from ``issue_date``.

    ``invoice_id`` names the invoice it corrects, for information; what it actually
    settles is stated by allocations. ``write_off`` marks a credit note that writes
    off a bad debt (for the bad-debt ratio). ``booked`` is its amount in the company
    currency at its own booking rate, as for :class:`Invoice`.

    >>> from datetime import date, datetime
    >>> CreditNote("CN-1", "C1", date(2026, 2, 1), Money.of("50.00", "EUR"), invoice_id="INV-1").invoice_id
    'INV-1'
    """

    id: str = attrs.field(validator=_non_empty_id)
    customer_id: str = attrs.field(validator=_non_empty_id)
    issue_date: date = attrs.field(validator=is_date)
    amount: Money = attrs.field(validator=_positive_money)
    invoice_id: str | None = attrs.field(
        default=None, kw_only=True, validator=optional(_non_empty_id)
    )
    write_off: bool = attrs.field(default=False, kw_only=True)
    booked: Money | None = attrs.field(default=None, kw_only=True, validator=_booked_money)


@attrs.frozen
class Payment:
    """Money received from a customer on ``received_on``.

    ``booked`` is the amount in the company currency at the rate of the day it was
    received, as for :class:`Invoice`: what is left unapplied keeps that rate, and
    the difference an allocation realises against an invoice's rate is the
    payment's, never the invoice's.

    >>> from datetime import date, datetime
    >>> Payment("PAY-1", "C1", date(2026, 2, 10), Money.of(600, "EUR")).amount
    Money('600', 'EUR')
    """

    id: str = attrs.field(validator=_non_empty_id)
    customer_id: str = attrs.field(validator=_non_empty_id)
    received_on: date = attrs.field(validator=is_date)
    amount: Money = attrs.field(validator=_positive_money)
    booked: Money | None = attrs.field(default=None, kw_only=True, validator=_booked_money)


@attrs.frozen
class Allocation:
    """Part of a payment or credit note (``source_id``) applied to an invoice (``target_id``).

    On an invoice with a ``schedule``, ``instalment`` (1 for the first) names the
    instalment the money settles; without it the money settles the earliest open
    instalments first (see :meth:`Ledger.open_items`).

    >>> from datetime import date, datetime
    >>> Allocation("PAY-1", "INV-1", Money.of(600, "EUR"), date(2026, 2, 10)).amount
    Money('600', 'EUR')
    """

    source_id: str = attrs.field(validator=_non_empty_id)
    target_id: str = attrs.field(validator=_non_empty_id)
    amount: Money = attrs.field(validator=_positive_money)
    applied_on: date = attrs.field(validator=is_date)
    instalment: int | None = attrs.field(default=None, kw_only=True, validator=optional_whole(1))


@attrs.frozen
class OpenItem:
    """What was open of one document on a date.

    ``amount`` is signed: positive for what the customer owes on an invoice, negative
    for unapplied cash and unapplied credit notes. ``original_amount`` is the
    document's full amount with the same sign. For payments and credit notes
    ``due_date`` equals ``issue_date``. For an instalment of an invoice with a
    ``schedule``, ``instalment`` is its number (1 for the first), ``due_date`` and
    ``original_amount`` are the instalment's, and :attr:`key` tells it apart from the
    invoice's other instalments. Hosts that only have today's open items can build
    these directly and pass them wherever open items are needed.

    ``booked`` is the open amount in the company currency at the document's booking
    rate, with the same sign as ``amount`` (see :meth:`Ledger.open_items` for how a
    partly settled document keeps its share); :meth:`booked_in` reads it.

    >>> from datetime import date, datetime
    >>> item = OpenItem("INV-1", "C1", DocumentKind.INVOICE, date(2026, 1, 5), date(2026, 2, 4),
    ...                 Money.of(400, "EUR"), original_amount=Money.of(1000, "EUR"))
    >>> item.days_overdue(date(2026, 2, 14))
    10
    """

    document_id: str = attrs.field(validator=_non_empty_id)
    customer_id: str = attrs.field(validator=_non_empty_id)
    kind: DocumentKind = attrs.field(validator=instance_of(DocumentKind))
    issue_date: date = attrs.field(validator=is_date)
    due_date: date = attrs.field(validator=is_date)
    amount: Money = attrs.field(validator=instance_of(Money))
    original_amount: Money | None = attrs.field(default=None, kw_only=True)
    disputed: bool = attrs.field(default=False, kw_only=True)
    instalment: int | None = attrs.field(default=None, kw_only=True, validator=optional_whole(1))
    booked: Money | None = attrs.field(
        default=None, kw_only=True, validator=optional(instance_of(Money))
    )

    def __attrs_post_init__(self) -> None:
        if self.due_date < self.issue_date:
            raise ValidationError(
                f"due_date: {self.due_date.isoformat()} is before issue_date "
                f"{self.issue_date.isoformat()} of {self.document_id!r}"
            )
        if self.booked is not None:
            _check_open_booked(self)
        if self.instalment is not None and self.kind is not DocumentKind.INVOICE:
            raise ValidationError(
                f"instalment: only an invoice has instalments, got instalment "
                f"{self.instalment} on {self.kind.value} {self.document_id!r}"
            )

    @property
    def key(self) -> str:
        """What tells this item apart from every other open item: the document id, and
        for an instalment ``"<document id>#<instalment>"`` (:func:`item_key`; dunning
        history, disputes, insurance deadlines and forecasts use it).

        >>> from datetime import date
        >>> OpenItem("INV-7", "C1", DocumentKind.INVOICE, date(2026, 1, 5), date(2026, 3, 6),
        ...          Money.of(500, "EUR"), instalment=2).key
        'INV-7#2'
        """
        return item_key(self.document_id, self.instalment)

    def booked_in(self, currency: str) -> Money:
        """The open amount in the company ``currency`` at the booking rate.

        An item in ``currency`` is its own amount; an item in another currency needs a
        ``booked`` amount in ``currency`` (a ValidationError names the item otherwise:
        credkit never converts silently here).

        >>> from datetime import date
        >>> item = OpenItem("INV-1", "C1", DocumentKind.INVOICE, date(2026, 1, 5), date(2026, 2, 4),
        ...                 Money.of("550.00", "USD"), booked=Money.of("500.00", "EUR"))
        >>> item.booked_in("EUR"), item.booked_in("USD")
        (Money('500.00', 'EUR'), Money('550.00', 'USD'))
        >>> item.booked_in("GBP")
        Traceback (most recent call last):
        ...
        credkit.errors.ValidationError: booked: invoice 'INV-1' is open for 550.00 USD and is booked in EUR, not in the company currency GBP; set booked on the document in GBP
        """
        if self.amount.currency == currency:
            return self.amount
        if self.booked is not None and self.booked.currency == currency:
            return self.booked
        how = (
            "has no booked amount"
            if self.booked is None
            else f"is booked in {self.booked.currency}"
        )
        raise ValidationError(
            f"booked: {self.kind.value} {self.key!r} is open for {self.amount} and {how}, "
            f"not in the company currency {currency}; set booked on the document in "
            f"{currency}"
        )

    def days_overdue(self, as_of: date) -> int:
        """Days past the due date on ``as_of`` (negative before it is due).

        >>> from datetime import date, datetime
        >>> OpenItem("P", "C", DocumentKind.PAYMENT, date(2026, 1, 1), date(2026, 1, 1),
        ...          Money.of(-5, "EUR")).days_overdue(date(2026, 1, 3))
        2
        """
        return (check_date(as_of, "as_of") - self.due_date).days


_INSTALMENT_SEPARATOR = "#"


def item_key(document_id: str, instalment: int | None = None) -> str:
    """The key of an open item: the document id, and for an instalment
    ``"<document id>#<instalment>"`` (the one place that format is written).

    A :class:`Ledger` refuses a document id equal to the key of another invoice's
    instalment, so within a ledger keys never collide even when ids contain ``#``.

    >>> item_key("INV-7"), item_key("INV-7", 2)
    ('INV-7', 'INV-7#2')
    """
    if instalment is None:
        return document_id
    return f"{document_id}{_INSTALMENT_SEPARATOR}{instalment}"


def parse_item_key(key: str) -> tuple[str, int | None]:
    """The document id and instalment number a key of :func:`item_key` stands for.

    A key ending in ``#`` and a number from 1 (without leading zeros) reads as an
    instalment; any other key is a document id. The key alone cannot tell a document
    whose id is ``"A#2"`` from instalment 2 of ``"A"``; a ledger never holds both.

    >>> parse_item_key("INV-7#2"), parse_item_key("INV-7"), parse_item_key("A#02")
    (('INV-7', 2), ('INV-7', None), ('A#02', None))
    """
    head, separator, tail = key.rpartition(_INSTALMENT_SEPARATOR)
    if separator and head and tail.isdigit() and tail.isascii() and not tail.startswith("0"):
        return head, int(tail)
    return key, None


def _check_open_booked(item: OpenItem) -> None:
    booked, amount = item.booked, item.amount
    assert booked is not None
    if booked.currency == amount.currency:
        if booked.amount != amount.amount:
            raise ValidationError(
                f"booked: {booked} differs from amount {amount} of {item.key!r}; an item "
                "already in the company currency is booked at its own amount"
            )
    elif (booked.is_negative and amount.is_positive) or (booked.is_positive and amount.is_negative):
        raise ValidationError(
            f"booked: {booked} has the opposite sign of amount {amount} of {item.key!r}; "
            "the booked amount carries the same sign"
        )


@attrs.frozen
class Settlement:
    """An invoice paid in full: when, and how much of it was settled by credit notes.

    ``settled_on`` is the date the money that closed it arrived (see
    :meth:`Ledger.effective_date`), not the date it was applied. For an instalment
    of an invoice with a schedule, ``instalment`` is its number (1 for the first) and
    ``due_date`` and ``amount`` are the instalment's.

    >>> from datetime import date, datetime
    >>> s = Settlement("INV-1", "C1", date(2026, 1, 5), date(2026, 2, 4), Money.of(1000, "EUR"),
    ...                settled_on=date(2026, 2, 10), credited=Money.zero("EUR"))
    >>> s.days_to_pay, s.days_beyond_terms
    (36, 6)
    """

    invoice_id: str
    customer_id: str
    issue_date: date
    due_date: date
    amount: Money
    settled_on: date = attrs.field(kw_only=True)
    credited: Money = attrs.field(kw_only=True)
    instalment: int | None = attrs.field(default=None, kw_only=True)

    @property
    def days_to_pay(self) -> int:
        """Days from issue to settlement.

        >>> from datetime import date, datetime
        >>> Settlement("I", "C", date(2026, 1, 1), date(2026, 1, 31), Money.of(1, "EUR"),
        ...            settled_on=date(2026, 1, 21), credited=Money.zero("EUR")).days_to_pay
        20
        """
        return (self.settled_on - self.issue_date).days

    @property
    def days_beyond_terms(self) -> int:
        """Days from the due date to settlement; negative when paid early.

        >>> from datetime import date, datetime
        >>> Settlement("I", "C", date(2026, 1, 1), date(2026, 1, 31), Money.of(1, "EUR"),
        ...            settled_on=date(2026, 1, 21), credited=Money.zero("EUR")).days_beyond_terms
        -10
        """
        return (self.settled_on - self.due_date).days


def check_allocations(
    allocations: Iterable[Allocation],
    documents: Mapping[str, Document],
    applied: Mapping[str, Decimal] | None = None,
    *,
    named: Mapping[tuple[str, int], Decimal] | None = None,
) -> dict[str, Decimal]:
    """Check new allocations against their documents and what is already applied to them.

    ``documents`` holds at least every document the allocations name; ``applied`` what
    other allocations already apply to or from each of them (none by default). A
    :class:`Ledger` checks its allocations with it, and so does every store. Returns
    the applied totals afterwards. Raises a ValidationError naming ``allocations[i]``
    for unknown ids, a source that is not a payment or credit note, a target that is
    not an invoice, crossing customers or currencies, a date before either document,
    or over-allocation. An allocation that names an ``instalment`` must name one of
    its invoice's schedule, and the allocations naming one instalment (with what
    ``named`` says is applied to it already, by ``(invoice id, instalment)``) may not
    exceed it.

    >>> docs = {"I1": Invoice("I1", "C1", date(2026, 1, 1), date(2026, 1, 31), Money.of(100, "EUR")),
    ...         "P1": Payment("P1", "C1", date(2026, 2, 1), Money.of(150, "EUR"))}
    >>> check_allocations([Allocation("P1", "I1", Money.of(60, "EUR"), date(2026, 2, 1))], docs, {"I1": Decimal(50)})
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: allocations[0].amount: over-allocates 'I1' (100 EUR) by 10 EUR
    """
    totals = {key: Decimal(value) for key, value in (applied or {}).items()}
    per_instalment = {key: Decimal(value) for key, value in (named or {}).items()}
    for index, allocation in enumerate(allocations):
        where = f"allocations[{index}]"
        if not isinstance(allocation, Allocation):
            raise ValidationError(f"{where}: expected an Allocation, got {allocation!r}")
        source = documents.get(allocation.source_id)
        target = documents.get(allocation.target_id)
        if not isinstance(source, Payment | CreditNote):
            found = "unknown id" if source is None else "an invoice"
            raise ValidationError(
                f"{where}.source_id: {allocation.source_id!r} is {found}; "
                "expected a payment or credit note id"
            )
        if not isinstance(target, Invoice):
            found = "unknown id" if target is None else "not an invoice"
            raise ValidationError(
                f"{where}.target_id: {allocation.target_id!r} is {found}; expected an invoice id"
            )
        if allocation.instalment is not None:
            _check_named(allocation, target, where, per_instalment)
        if source.customer_id != target.customer_id:
            raise ValidationError(
                f"{where}: {source.id!r} of customer {source.customer_id!r} cannot settle "
                f"{target.id!r} of customer {target.customer_id!r}"
            )
        for document in (source, target):
            if allocation.amount.currency != document.amount.currency:
                raise ValidationError(
                    f"{where}.amount: {allocation.amount} is not in the currency of "
                    f"{document.id!r} ({document.amount.currency})"
                )
        earliest = max(document_date(source), target.issue_date)
        if allocation.applied_on < earliest:
            raise ValidationError(
                f"{where}.applied_on: {allocation.applied_on.isoformat()} is before "
                f"{earliest.isoformat()}, when both {source.id!r} and {target.id!r} existed"
            )
        for document in (source, target):
            total = EXACT_CONTEXT.add(totals.get(document.id, Decimal(0)), allocation.amount.amount)
            if total > document.amount.amount:
                over = Money(
                    EXACT_CONTEXT.subtract(total, document.amount.amount),
                    document.amount.currency,
                )
                raise ValidationError(
                    f"{where}.amount: over-allocates {document.id!r} ({document.amount}) by {over}"
                )
            totals[document.id] = total
    return totals


def _check_named(
    allocation: Allocation,
    target: Invoice,
    where: str,
    per_instalment: dict[tuple[str, int], Decimal],
) -> None:
    number = allocation.instalment
    assert number is not None
    if number > len(target.schedule):
        accepted = (
            f"1 to {len(target.schedule)}"
            if target.schedule
            else "none: it has no schedule, leave instalment empty"
        )
        raise ValidationError(
            f"{where}.instalment: invoice {target.id!r} has no instalment {number}; "
            f"accepted: {accepted}"
        )
    key = (target.id, number)
    total = EXACT_CONTEXT.add(per_instalment.get(key, Decimal(0)), allocation.amount.amount)
    part = target.schedule[number - 1].amount
    if total > part.amount:
        over = Money(EXACT_CONTEXT.subtract(total, part.amount), part.currency)
        raise ValidationError(
            f"{where}.amount: over-allocates instalment {number} of {target.id!r} "
            f"({part}) by {over}"
        )
    per_instalment[key] = total


def _spread_order(allocation: Allocation) -> tuple[date, str, Decimal, int]:
    """The order in which allocations reach an invoice's instalments (a total order,
    the one the SQL store reads them in: same-day allocations by source id, amount,
    instalment)."""
    return (
        allocation.applied_on,
        allocation.source_id,
        allocation.amount.amount,
        allocation.instalment or 0,
    )


def _spread(
    invoice: Invoice, allocations: Iterable[Allocation]
) -> list[list[tuple[Allocation, Decimal]]]:
    """Which allocation settles how much of each instalment of ``invoice``.

    One pass in :func:`_spread_order` (by ``applied_on``, then source id, amount and
    instalment): an allocation that names an instalment settles what is still open of
    it; an unnamed one, and whatever of a named one its instalment has no room left
    for (an earlier unnamed allocation filled it), settles the earliest instalments
    with room left. A share once given never moves, so what the allocations applied
    up to a date settle does not depend on later ones, nor on the order in which the
    allocations were recorded.
    """
    parts: list[list[tuple[Allocation, Decimal]]] = [[] for _ in invoice.schedule]
    room = [part.amount.amount for part in invoice.schedule]

    def settle(allocation: Allocation, index: int, left: Decimal) -> Decimal:
        share = min(left, room[index])
        if share <= 0:
            return left
        parts[index].append((allocation, share))
        room[index] = EXACT_CONTEXT.subtract(room[index], share)
        return EXACT_CONTEXT.subtract(left, share)

    for allocation in sorted(allocations, key=_spread_order):
        left = allocation.amount.amount
        if allocation.instalment is not None:
            left = settle(allocation, allocation.instalment - 1, left)
        for index in range(len(room)):
            if left <= 0:
                break
            left = settle(allocation, index, left)
    return parts


# -- the ledger -----------------------------------------------------------------------


@attrs.frozen
class _Trail:
    """Allocations touching one document, by date, with running totals (for bisecting)."""

    dates: tuple[date, ...]
    running: tuple[Decimal, ...]

    def applied_by(self, as_of: date) -> Decimal:
        index = bisect.bisect_right(self.dates, as_of)
        return self.running[index - 1] if index else Decimal(0)


def _trails(pairs: Iterable[tuple[str, Allocation]]) -> dict[str, _Trail]:
    grouped: dict[str, list[Allocation]] = defaultdict(list)
    for key, allocation in pairs:
        grouped[key].append(allocation)
    result = {}
    for key, items in grouped.items():
        items.sort(key=lambda a: a.applied_on)
        running = tuple(itertools.accumulate((a.amount.amount for a in items), EXACT_CONTEXT.add))
        result[key] = _Trail(tuple(a.applied_on for a in items), running)
    return result


_NO_TRAIL = _Trail((), ())

Document = Invoice | CreditNote | Payment


def document_date(document: Document) -> date:
    """The date a document exists from: its issue date, or the day a payment arrived.

    >>> document_date(Payment("P1", "C1", date(2026, 2, 10), Money.of(5, "EUR")))
    datetime.date(2026, 2, 10)
    """
    return document.received_on if isinstance(document, Payment) else document.issue_date


def _records(values: Iterable[Any], kind: type, field: str) -> tuple[Any, ...]:
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise ValidationError(
            f"{field}: expected a list of {kind.__name__} records, "
            f"got {type(values).__name__} {values!r}"
        )
    result = tuple(values)
    for index, value in enumerate(result):
        if not isinstance(value, kind):
            raise ValidationError(
                f"{field}[{index}]: expected {kind.__name__}, got {type(value).__name__} {value!r}"
            )
    return result


def _by_customer(documents: Iterable[Document]) -> dict[str, tuple[Document, ...]]:
    grouped: dict[str, list[Document]] = defaultdict(list)
    for document in documents:
        grouped[document.customer_id].append(document)
    return {key: tuple(items) for key, items in grouped.items()}


def _check_booked_currency(groups: Iterable[tuple[str, Sequence[Document]]]) -> None:
    """Every booked amount of a ledger is in one company currency."""
    first: tuple[str, Document] | None = None
    for field, group in groups:
        for index, document in enumerate(group):
            booked = document.booked
            if booked is None:
                continue
            if first is None:
                first = (f"{field}[{index}]", document)
                continue
            company = first[1].booked
            assert company is not None
            if booked.currency != company.currency:
                raise ValidationError(
                    f"{field}[{index}].booked: {booked} on {document.id!r} is not in the "
                    f"company currency {company.currency} of {first[0]}.booked "
                    f"({first[1].id!r}); a ledger books in one company currency"
                )


def _check_instalment_keys(invoices: Iterable[Invoice], documents: Mapping[str, Document]) -> None:
    """No document id equals the key of an instalment of another invoice (``"A#2"``)."""
    for invoice in invoices:
        for number in range(1, len(invoice.schedule) + 1):
            key = item_key(invoice.id, number)
            clash = documents.get(key)
            if clash is not None:
                raise ValidationError(
                    f"id: document id {clash.id!r} equals the key of instalment {number} of "
                    f"invoice {invoice.id!r}; open items, dunning history and disputes "
                    "would mix them up (rename one of the two)"
                )


def _booked_share(booked: Money | None, open_amount: Decimal, amount: Decimal) -> Money | None:
    """The booked amount of the part ``open_amount`` (> 0) of a document of ``amount``.

    Pro rata at the document's own booking rate: ``booked`` is split in the proportion
    open : settled with :meth:`Money.allocate`, so the open and the settled shares add
    up to ``booked`` exactly and a fully open document keeps its whole booked amount.
    """
    if booked is None:
        return None
    if open_amount == amount:
        return booked
    settled = EXACT_CONTEXT.subtract(amount, open_amount)
    return booked.allocate([open_amount, settled])[0]


def _with_booked(invoice: Invoice, items: Iterable[OpenItem]) -> Iterable[OpenItem]:
    """The open instalments of ``invoice``, each with its booked share.

    The invoice's open booked amount is worked out once, as for an invoice without a
    schedule (:func:`_booked_share` of what is open of the whole invoice), then split
    over the open instalments in proportion to their open amounts
    (:meth:`Money.allocate`, nothing lost): aging by instalment adds up to aging by
    invoice to the cent.
    """
    if invoice.booked is None:
        yield from items
        return
    open_items = list(items)
    if not open_items:
        return
    open_amount = functools.reduce(
        EXACT_CONTEXT.add, (item.amount.amount for item in open_items), Decimal(0)
    )
    booked = _booked_share(invoice.booked, open_amount, invoice.amount.amount)
    assert booked is not None
    shares = booked.allocate([item.amount.amount for item in open_items])
    for item, share in zip(open_items, shares, strict=True):
        yield attrs.evolve(item, booked=share)


def _negated(money: Money | None) -> Money | None:
    return None if money is None else -money


def _customer_tuple(values: Iterable[Customer]) -> tuple[Customer, ...]:
    return _records(values, Customer, "customers")


def _invoice_tuple(values: Iterable[Invoice]) -> tuple[Invoice, ...]:
    return _records(values, Invoice, "invoices")


def _credit_note_tuple(values: Iterable[CreditNote]) -> tuple[CreditNote, ...]:
    return _records(values, CreditNote, "credit_notes")


def _payment_tuple(values: Iterable[Payment]) -> tuple[Payment, ...]:
    return _records(values, Payment, "payments")


def _allocation_tuple(values: Iterable[Allocation]) -> tuple[Allocation, ...]:
    return _records(values, Allocation, "allocations")


@attrs.frozen(eq=False)
class Ledger:
    """Customers, documents and allocations, validated, answering point-in-time questions.

    Build it with keyword arguments (any iterables); it is immutable, and
    :meth:`extend` and :meth:`apply_oldest_first` return new ledgers.

    >>> from datetime import date, datetime
    >>> ledger = Ledger(
    ...     customers=[Customer("C1", "Acme", country="FR", currency="EUR")],
    ...     invoices=[Invoice("I1", "C1", date(2026, 1, 1), date(2026, 1, 31), Money.of(100, "EUR"))],
    ...     credit_notes=[CreditNote("CN1", "C1", date(2026, 1, 10), Money.of(30, "EUR"))],
    ... )
    >>> ledger.balance(date(2026, 1, 15))
    {'EUR': Money('70', 'EUR')}
    """

    customers: tuple[Customer, ...] = attrs.field(default=(), converter=_customer_tuple)
    invoices: tuple[Invoice, ...] = attrs.field(default=(), kw_only=True, converter=_invoice_tuple)
    credit_notes: tuple[CreditNote, ...] = attrs.field(
        default=(), kw_only=True, converter=_credit_note_tuple
    )
    payments: tuple[Payment, ...] = attrs.field(default=(), kw_only=True, converter=_payment_tuple)
    allocations: tuple[Allocation, ...] = attrs.field(
        default=(), kw_only=True, converter=_allocation_tuple
    )
    _customers: dict[str, Customer] = attrs.field(init=False, repr=False)
    _documents: dict[str, Document] = attrs.field(init=False, repr=False)
    _by_target: dict[str, _Trail] = attrs.field(init=False, repr=False)
    _by_source: dict[str, _Trail] = attrs.field(init=False, repr=False)
    # customer id -> its documents, in the order of _documents (customers without any left out)
    _by_customer: dict[str, tuple[Document, ...]] = attrs.field(init=False, repr=False)
    # parent id -> ids of its direct children, in the order of customers
    _children: dict[str, tuple[str, ...]] = attrs.field(init=False, repr=False)
    # id of a customer with a parent -> its position in customers (orders group members)
    _positions: dict[str, int] = attrs.field(init=False, repr=False)
    # id of an invoice with a schedule -> the allocations to it, in ledger order
    _scheduled: dict[str, tuple[Allocation, ...]] = attrs.field(init=False, repr=False)

    def __attrs_post_init__(self) -> None:
        customers = self._index_customers()
        documents = self._index_documents(customers)
        check_allocations(self.allocations, documents)
        object.__setattr__(self, "_customers", customers)
        object.__setattr__(self, "_documents", documents)
        object.__setattr__(self, "_by_target", _trails((a.target_id, a) for a in self.allocations))
        object.__setattr__(self, "_by_source", _trails((a.source_id, a) for a in self.allocations))
        object.__setattr__(self, "_by_customer", _by_customer(documents.values()))
        scheduled: dict[str, list[Allocation]] = {i.id: [] for i in self.invoices if i.schedule}
        if scheduled:
            for allocation in self.allocations:
                if allocation.target_id in scheduled:
                    scheduled[allocation.target_id].append(allocation)
        object.__setattr__(self, "_scheduled", {k: tuple(v) for k, v in scheduled.items()})
        children: dict[str, list[str]] = defaultdict(list)
        positions: dict[str, int] = {}
        for index, customer in enumerate(self.customers):
            if customer.parent_id is not None:
                children[customer.parent_id].append(customer.id)
                positions[customer.id] = index
        object.__setattr__(self, "_children", {k: tuple(v) for k, v in children.items()})
        object.__setattr__(self, "_positions", positions)

    def _index_customers(self) -> dict[str, Customer]:
        customers: dict[str, Customer] = {}
        for index, customer in enumerate(self.customers):
            if customer.id in customers:
                raise ValidationError(f"customers[{index}].id: duplicate id {customer.id!r}")
            customers[customer.id] = customer
        for index, customer in enumerate(self.customers):
            seen = {customer.id}
            parent = customer.parent_id
            while parent is not None:
                if parent not in customers:
                    raise ValidationError(
                        f"customers[{index}].parent_id: unknown customer {parent!r}"
                    )
                if parent in seen:
                    raise ValidationError(
                        f"customers[{index}].parent_id: credit group of {customer.id!r} "
                        f"forms a cycle through {parent!r}"
                    )
                seen.add(parent)
                parent = customers[parent].parent_id
        return customers

    def _index_documents(self, customers: Mapping[str, Customer]) -> dict[str, Document]:
        documents: dict[str, Document] = {}
        groups: tuple[tuple[str, Sequence[Document]], ...] = (
            ("invoices", self.invoices),
            ("credit_notes", self.credit_notes),
            ("payments", self.payments),
        )
        for field, group in groups:
            for index, document in enumerate(group):
                if document.id in documents:
                    raise ValidationError(
                        f"{field}[{index}].id: duplicate document id {document.id!r} "
                        "(invoice, credit note and payment ids share one namespace)"
                    )
                if document.customer_id not in customers:
                    raise ValidationError(
                        f"{field}[{index}].customer_id: unknown customer "
                        f"{document.customer_id!r} on {document.id!r}"
                    )
                documents[document.id] = document
        _check_booked_currency(groups)
        _check_instalment_keys(self.invoices, documents)
        return documents

    # -- look-ups -------------------------------------------------------------------

    def customer(self, customer_id: str) -> Customer:
        """The customer with ``customer_id``.

        >>> Ledger(customers=[Customer("C1", "Acme", country="FR", currency="EUR")]).customer("C1").name
        'Acme'
        """
        try:
            return self._customers[customer_id]
        except KeyError:
            raise ValidationError(f"customer_id: unknown customer {customer_id!r}") from None

    def group(self, customer_id: str) -> tuple[str, tuple[str, ...]]:
        """The credit group of ``customer_id``: its top-most ancestor's id and every member's id.

        The group is the customer's top-most ancestor by ``parent_id`` (the root) and
        everyone below it. Members come root first, then the others in the order they
        appear in :attr:`customers`. A customer without parent or children is a group
        of its own, ``(id, (id,))``.

        >>> ledger = Ledger(customers=[
        ...     Customer("S2", "Sub Two", country="DE", currency="EUR", parent_id="H"),
        ...     Customer("H", "Holding", country="DE", currency="EUR"),
        ...     Customer("G", "Grandchild", country="DE", currency="EUR", parent_id="S1"),
        ...     Customer("S1", "Sub One", country="DE", currency="EUR", parent_id="H"),
        ...     Customer("X", "Alone", country="DE", currency="EUR"),
        ... ])
        >>> ledger.group("G")
        ('H', ('H', 'S2', 'G', 'S1'))
        >>> ledger.group("X")
        ('X', ('X',))
        """
        root = self.customer(customer_id)
        while root.parent_id is not None:
            root = self._customers[root.parent_id]
        below: list[str] = []
        pending = [root.id]
        while pending:
            children = self._children.get(pending.pop(), ())
            below.extend(children)
            pending.extend(children)
        below.sort(key=self._positions.__getitem__)
        return root.id, (root.id, *below)

    def document(self, document_id: str) -> Invoice | CreditNote | Payment:
        """The invoice, credit note or payment with ``document_id``.

        >>> Ledger().document("X")
        Traceback (most recent call last):
        ...
        credkit.errors.ValidationError: document_id: unknown document 'X'
        """
        try:
            return self._documents[document_id]
        except KeyError:
            raise ValidationError(f"document_id: unknown document {document_id!r}") from None

    def last_date(self) -> date | None:
        """The latest date of any document or allocation (None for an empty ledger).

        >>> Ledger().last_date() is None
        True
        """
        dates = [document_date(d) for d in self._documents.values()]
        dates.extend(a.applied_on for a in self.allocations)
        return max(dates, default=None)

    # -- point-in-time answers --------------------------------------------------------

    def open_items(self, as_of: date, *, customer_id: str | None = None) -> tuple[OpenItem, ...]:
        """What was open on ``as_of``: documents issued by then, less allocations made by then.

        Later documents and later allocations are ignored, so a report as of a past date
        does not change when payments arrive afterwards. Unapplied payments and credit
        notes appear with negative amounts. Items come in document order: invoices,
        credit notes, payments. With ``customer_id`` only that customer's documents are
        read (the ledger indexes them by customer when it is built), so the cost of the
        call does not grow with the rest of the book. An invoice with a ``schedule`` is
        one item per open instalment (see :meth:`instalment_allocations` for how
        allocations settle them); their amounts add up to what is open of the invoice.

        >>> from datetime import date, datetime
        >>> ledger = Ledger(
        ...     customers=[Customer("C1", "Acme", country="FR", currency="EUR")],
        ...     payments=[Payment("P1", "C1", date(2026, 1, 3), Money.of(80, "EUR"))],
        ... )
        >>> [(i.kind.value, str(i.amount)) for i in ledger.open_items(date(2026, 1, 3))]
        [('payment', '-80 EUR')]
        """
        check_date(as_of, "as_of")
        documents: Iterable[Document]
        if customer_id is None:
            documents = self._documents.values()
        else:
            self.customer(customer_id)
            documents = self._by_customer.get(customer_id, ())
        items: list[OpenItem] = []
        for document in documents:
            issued = document_date(document)
            if issued > as_of:
                continue
            if isinstance(document, Invoice):
                if document.schedule:
                    items.extend(_with_booked(document, self._open_instalments(document, as_of)))
                    continue
                trail = self._by_target.get(document.id, _NO_TRAIL)
                open_amount = EXACT_CONTEXT.subtract(
                    document.amount.amount, trail.applied_by(as_of)
                )
                if open_amount:
                    items.append(
                        OpenItem(
                            document.id,
                            document.customer_id,
                            DocumentKind.INVOICE,
                            document.issue_date,
                            document.due_date,
                            Money(open_amount, document.amount.currency),
                            original_amount=document.amount,
                            disputed=document.disputed,
                            booked=_booked_share(
                                document.booked, open_amount, document.amount.amount
                            ),
                        )
                    )
            else:
                trail = self._by_source.get(document.id, _NO_TRAIL)
                unapplied = EXACT_CONTEXT.subtract(document.amount.amount, trail.applied_by(as_of))
                if unapplied:
                    kind = (
                        DocumentKind.PAYMENT
                        if isinstance(document, Payment)
                        else DocumentKind.CREDIT_NOTE
                    )
                    items.append(
                        OpenItem(
                            document.id,
                            document.customer_id,
                            kind,
                            issued,
                            issued,
                            Money(-unapplied, document.amount.currency),
                            original_amount=-document.amount,
                            booked=_negated(
                                _booked_share(document.booked, unapplied, document.amount.amount)
                            ),
                        )
                    )
        return tuple(items)

    def _open_instalments(self, invoice: Invoice, as_of: date) -> Iterable[OpenItem]:
        made = (a for a in self._scheduled[invoice.id] if a.applied_on <= as_of)
        currency = invoice.amount.currency
        for number, (part, settled) in enumerate(
            zip(invoice.schedule, _spread(invoice, made), strict=True), start=1
        ):
            paid = functools.reduce(EXACT_CONTEXT.add, (share for _, share in settled), Decimal(0))
            left = EXACT_CONTEXT.subtract(part.amount.amount, paid)
            if left:
                yield OpenItem(
                    invoice.id,
                    invoice.customer_id,
                    DocumentKind.INVOICE,
                    invoice.issue_date,
                    part.due_date,
                    Money(left, currency),
                    original_amount=part.amount,
                    disputed=invoice.disputed,
                    instalment=number,
                )

    def balance(self, as_of: date, *, customer_id: str | None = None) -> dict[str, Money]:
        """Open balance per currency on ``as_of`` (the sum of :meth:`open_items`).

        Currencies with a zero balance are left out; currencies are never summed together.

        >>> Ledger().balance(date(2026, 1, 1))
        {}
        """
        totals = MoneyTotals.of(
            item.amount for item in self.open_items(as_of, customer_id=customer_id)
        )
        return {money.currency: money for money in totals.nonzero()}

    def booked_balance(
        self, as_of: date, *, currency: str, customer_id: str | None = None
    ) -> Money:
        """Open balance on ``as_of`` in the company ``currency`` at the booking rates.

        The sum of :meth:`OpenItem.booked_in` over :meth:`open_items`: what an ERP's
        receivable account shows (ERPNext's receivable balance in the company
        currency, SAP's local-currency balance). Items in ``currency`` count at their
        amount; an open item in another currency without a booked amount raises a
        ValidationError naming it. Unrealised FX differences are not in it (see
        :func:`credkit.aging.revalue`).

        >>> from datetime import date
        >>> ledger = Ledger(
        ...     customers=[Customer("C1", "Acme Inc", country="US", currency="USD")],
        ...     invoices=[Invoice("I1", "C1", date(2026, 1, 5), date(2026, 2, 4),
        ...                       Money.of("1100.00", "USD"), booked=Money.of("1000.00", "EUR")),
        ...               Invoice("I2", "C1", date(2026, 1, 9), date(2026, 2, 8),
        ...                       Money.of("200.00", "EUR"))],
        ... )
        >>> ledger.booked_balance(date(2026, 1, 31), currency="EUR")
        Money('1200.00', 'EUR')
        """
        check_currency(currency, "currency")
        total = Money.zero(currency)
        for item in self.open_items(as_of, customer_id=customer_id):
            total = total + item.booked_in(currency)
        return total

    def effective_date(self, allocation: Allocation) -> date:
        """When the money of ``allocation`` reached the invoice, as opposed to when it was booked.

        That is the later of the date the payment was received (or the credit note
        issued) and the invoice's issue date. ``applied_on`` is only the bookkeeping
        date: cash received on time but applied a week later was still paid on time.
        Payment behaviour and late-payment interest use this date.

        >>> from datetime import date
        >>> ledger = Ledger(
        ...     customers=[Customer("C1", "Acme", country="FR", currency="EUR")],
        ...     invoices=[Invoice("I1", "C1", date(2026, 1, 1), date(2026, 1, 31), Money.of(100, "EUR"))],
        ...     payments=[Payment("P1", "C1", date(2026, 1, 30), Money.of(100, "EUR"))],
        ...     allocations=[Allocation("P1", "I1", Money.of(100, "EUR"), date(2026, 3, 2))],
        ... )
        >>> ledger.effective_date(ledger.allocations[0])
        datetime.date(2026, 1, 30)
        """
        source = self.document(allocation.source_id)
        target = self.document(allocation.target_id)
        if isinstance(source, Invoice) or not isinstance(target, Invoice):
            raise ValidationError(
                f"allocation: {allocation.source_id!r} -> {allocation.target_id!r} is not an "
                "allocation of this ledger"
            )
        return max(document_date(source), target.issue_date)

    def settlements(self) -> tuple[Settlement, ...]:
        """Every invoice settled in full, with the date the money that closed it arrived.

        ``settled_on`` is the latest :meth:`effective_date` of the invoice's
        allocations: the day the last payment was received (or the last credit note
        issued), not the day someone applied it. ``credited`` says how much of the
        invoice was settled by credit notes rather than cash, so that payment-behaviour
        analysis can leave out invoices that were cancelled rather than paid. An invoice
        with a ``schedule`` gives one settlement per instalment settled in full, dated
        by the money :meth:`instalment_allocations` attributes to it.

        >>> from datetime import date
        >>> ledger = Ledger(
        ...     customers=[Customer("C1", "Acme", country="FR", currency="EUR")],
        ...     invoices=[Invoice("I1", "C1", date(2026, 1, 1), date(2026, 1, 31), Money.of(100, "EUR"))],
        ...     payments=[Payment("P1", "C1", date(2026, 2, 3), Money.of(100, "EUR"))],
        ...     allocations=[Allocation("P1", "I1", Money.of(100, "EUR"), date(2026, 2, 9))],
        ... )
        >>> [(s.invoice_id, s.settled_on.isoformat(), s.days_beyond_terms) for s in ledger.settlements()]
        [('I1', '2026-02-03', 3)]
        """
        credited: dict[str, Decimal] = defaultdict(Decimal)
        arrived: dict[str, date] = {}
        for allocation in self.allocations:
            source = self._documents[allocation.source_id]
            target = allocation.target_id
            if isinstance(source, CreditNote):
                credited[target] = EXACT_CONTEXT.add(credited[target], allocation.amount.amount)
            when = self.effective_date(allocation)
            if target not in arrived or when > arrived[target]:
                arrived[target] = when
        result: list[Settlement] = []
        for invoice in self.invoices:
            if invoice.schedule:
                result.extend(self._settled_instalments(invoice))
                continue
            trail = self._by_target.get(invoice.id)
            if trail is None or trail.running[-1] != invoice.amount.amount:
                continue
            result.append(
                Settlement(
                    invoice.id,
                    invoice.customer_id,
                    invoice.issue_date,
                    invoice.due_date,
                    invoice.amount,
                    settled_on=arrived[invoice.id],
                    credited=Money(credited[invoice.id], invoice.amount.currency),
                )
            )
        return tuple(result)

    def instalment_allocations(
        self, invoice_id: str, *, as_of: date | None = None
    ) -> tuple[tuple[tuple[Allocation, Money], ...], ...]:
        """How the allocations to an invoice with a schedule settle each of its instalments.

        One tuple per instalment, in schedule order, of ``(allocation, share)`` pairs.
        The allocations are taken in one pass by ``applied_on`` (same-day ones by
        source id, then amount, then instalment): one that names an instalment settles
        what is still open of it; an unnamed one settles the earliest instalments with
        room left, splitting where one fills up (ERPNext allocates a payment over the
        "Payment Schedule" rows the same way). If an earlier unnamed allocation already
        filled the instalment a later allocation names, what does not fit goes on to
        the earliest instalment with room: a share once given never moves, so what
        the allocations applied by a date settle never depends on later ones. With
        ``as_of`` only allocations applied on or before it count. An invoice without a
        schedule gives ``()``.

        >>> from datetime import date
        >>> ledger = Ledger(
        ...     customers=[Customer("C1", "Acme", country="FR", currency="EUR")],
        ...     invoices=[Invoice("I1", "C1", date(2026, 1, 1), date(2026, 3, 2), Money.of(100, "EUR"),
        ...                       schedule=[InvoiceInstalment(date(2026, 1, 31), Money.of(50, "EUR")),
        ...                                 InvoiceInstalment(date(2026, 3, 2), Money.of(50, "EUR"))])],
        ...     payments=[Payment("P1", "C1", date(2026, 2, 1), Money.of(70, "EUR"))],
        ...     allocations=[Allocation("P1", "I1", Money.of(70, "EUR"), date(2026, 2, 1))],
        ... )
        >>> [[str(share) for _, share in part] for part in ledger.instalment_allocations("I1")]
        [['50 EUR'], ['20 EUR']]
        """
        invoice = self.document(invoice_id)
        if not isinstance(invoice, Invoice):
            raise ValidationError(f"invoice_id: {invoice_id!r} is not an invoice")
        if not invoice.schedule:
            return ()
        made = self._scheduled[invoice.id]
        if as_of is not None:
            check_date(as_of, "as_of")
            made = tuple(a for a in made if a.applied_on <= as_of)
        currency = invoice.amount.currency
        return tuple(
            tuple((allocation, Money(share, currency)) for allocation, share in part)
            for part in _spread(invoice, made)
        )

    def _settled_instalments(self, invoice: Invoice) -> Iterable[Settlement]:
        currency = invoice.amount.currency
        spread = _spread(invoice, self._scheduled[invoice.id])
        for number, (part, settled) in enumerate(zip(invoice.schedule, spread, strict=True), 1):
            paid = functools.reduce(EXACT_CONTEXT.add, (share for _, share in settled), Decimal(0))
            if paid != part.amount.amount:
                continue
            credited = functools.reduce(
                EXACT_CONTEXT.add,
                (
                    share
                    for allocation, share in settled
                    if isinstance(self._documents[allocation.source_id], CreditNote)
                ),
                Decimal(0),
            )
            yield Settlement(
                invoice.id,
                invoice.customer_id,
                invoice.issue_date,
                part.due_date,
                part.amount,
                settled_on=max(self.effective_date(allocation) for allocation, _ in settled),
                credited=Money(credited, currency),
                instalment=number,
            )

    # -- changed copies ---------------------------------------------------------------

    def extend(
        self,
        *,
        customers: Iterable[Customer] = (),
        invoices: Iterable[Invoice] = (),
        credit_notes: Iterable[CreditNote] = (),
        payments: Iterable[Payment] = (),
        allocations: Iterable[Allocation] = (),
    ) -> Ledger:
        """A new ledger with more records added (validated as a whole).

        >>> from datetime import date, datetime
        >>> base = Ledger(customers=[Customer("C1", "Acme", country="FR", currency="EUR")])
        >>> base.extend(payments=[Payment("P1", "C1", date(2026, 1, 1), Money.of(5, "EUR"))]).payments[0].id
        'P1'
        """
        return Ledger(
            customers=(*self.customers, *customers),
            invoices=(*self.invoices, *invoices),
            credit_notes=(*self.credit_notes, *credit_notes),
            payments=(*self.payments, *payments),
            allocations=(*self.allocations, *allocations),
        )

    def apply_oldest_first(
        self, source_id: str, *, applied_on: date | None = None, include_disputed: bool = False
    ) -> Ledger:
        """Apply what is unapplied of a payment or credit note to its customer's invoices.

        A credit note that names its invoice (``invoice_id``) settles that invoice first,
        disputed or not, since a credit note is how a dispute is usually resolved. Then
        invoices issued by ``applied_on`` (default: the payment's or credit note's date)
        in the same currency, with what is left of them after every recorded allocation,
        are paid oldest due date first (then oldest issue date,
        then id); disputed invoices are skipped unless ``include_disputed``. What cannot
        be applied stays unapplied, visible as a negative open item.

        >>> from datetime import date, datetime
        >>> ledger = Ledger(
        ...     customers=[Customer("C1", "Acme", country="FR", currency="EUR")],
        ...     invoices=[
        ...         Invoice("I2", "C1", date(2026, 1, 9), date(2026, 2, 8), Money.of(50, "EUR")),
        ...         Invoice("I1", "C1", date(2026, 1, 2), date(2026, 2, 1), Money.of(70, "EUR")),
        ...     ],
        ...     payments=[Payment("P1", "C1", date(2026, 2, 5), Money.of(100, "EUR"))],
        ... ).apply_oldest_first("P1")
        >>> [(a.target_id, str(a.amount)) for a in ledger.allocations]
        [('I1', '70 EUR'), ('I2', '30 EUR')]
        """
        source = self.document(source_id)
        if isinstance(source, Invoice):
            raise ValidationError(
                f"source_id: {source_id!r} is an invoice; expected a payment or credit note id"
            )
        on = applied_on if applied_on is not None else document_date(source)
        # Allocations already recorded for later dates are commitments too: count them all,
        # so that the new allocations can never over-allocate the source or an invoice.
        unapplied = source.amount.amount - self._by_source.get(source_id, _NO_TRAIL).applied_by(
            date.max
        )
        if unapplied <= 0:
            return self
        candidates = [
            item
            for item in self.open_items(date.max, customer_id=source.customer_id)
            if item.kind is DocumentKind.INVOICE
            and item.issue_date <= on
            and (include_disputed or not item.disputed or item.document_id == _named(source))
        ]
        new = oldest_first(
            Money(unapplied, source.amount.currency),
            candidates,
            source_id=source_id,
            applied_on=on,
            first=_named(source),
        )
        return self.extend(allocations=new)


def _named(source: CreditNote | Payment) -> str | None:
    return source.invoice_id if isinstance(source, CreditNote) else None


def oldest_first(
    amount: Money,
    items: Iterable[OpenItem],
    *,
    source_id: str,
    applied_on: date,
    first: str | None = None,
) -> tuple[Allocation, ...]:
    """Allocations that spend ``amount`` on open invoice ``items``, oldest due date first.

    Only positive items in ``amount``'s currency are considered; ties on the due date
    go to the older issue date, then to the lower id. ``first`` names an invoice to
    settle before all others (the invoice a credit note was issued for). The allocations never exceed an
    item's open amount or ``amount`` in total. An allocation to an instalment item
    names its ``instalment``.

    >>> from datetime import date, datetime
    >>> items = [
    ...     OpenItem("I1", "C1", DocumentKind.INVOICE, date(2026, 1, 1), date(2026, 1, 31), Money.of(60, "EUR")),
    ...     OpenItem("I0", "C1", DocumentKind.INVOICE, date(2025, 12, 1), date(2025, 12, 31), Money.of(30, "EUR")),
    ... ]
    >>> [(a.target_id, str(a.amount)) for a in oldest_first(Money.of(50, "EUR"), items, source_id="P", applied_on=date(2026, 2, 1))]
    [('I0', '30 EUR'), ('I1', '20 EUR')]
    """
    if not amount.is_positive:
        raise ValidationError(f"amount: must be above zero to allocate, got {amount}")
    eligible = sorted(
        (
            item
            for item in items
            if item.kind is DocumentKind.INVOICE
            and item.amount.currency == amount.currency
            and item.amount.is_positive
        ),
        key=lambda item: (
            item.document_id != first,
            item.due_date,
            item.issue_date,
            item.document_id,
            item.instalment or 0,
        ),
    )
    left = amount.amount
    result = []
    for item in eligible:
        if left <= 0:
            break
        share = min(left, item.amount.amount)
        result.append(
            Allocation(
                source_id,
                item.document_id,
                Money(share, amount.currency),
                applied_on,
                instalment=item.instalment,
            )
        )
        left -= share
    return tuple(result)
