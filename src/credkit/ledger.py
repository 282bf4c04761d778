"""Customers, receivables documents and the ledger that answers point-in-time questions.

A :class:`Ledger` holds customers, invoices, credit notes, payments and the
allocations that apply payments and credit notes to invoices. It is immutable and
validated when built: unknown ids, duplicate ids, allocations that cross customers
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
from typing import Any

import attrs
import babel

from credkit._validate import (
    check_date,
    check_money,
    check_text,
    currency_code,
    instance_of,
    is_date,
    optional,
)
from credkit.errors import ValidationError
from credkit.money import EXACT_CONTEXT, Money, MoneyTotals

__all__ = [
    "Allocation",
    "CreditNote",
    "Customer",
    "DocumentKind",
    "Invoice",
    "Ledger",
    "OpenItem",
    "Payment",
    "Settlement",
    "check_allocations",
    "document_date",
    "oldest_first",
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
    (limit) currency; documents may still be in other currencies.

    >>> Customer("C1", "Acme GmbH", country="DE", currency="EUR", segment="wholesale")
    Customer(id='C1', name='Acme GmbH', country='DE', currency='EUR', segment='wholesale', industry=None, parent_id=None)
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

    def __attrs_post_init__(self) -> None:
        if self.parent_id == self.id:
            raise ValidationError(f"parent_id: customer {self.id!r} cannot be its own parent")


@attrs.frozen
class Invoice:
    """An invoice: money the customer owes from ``issue_date``, payable by ``due_date``.

    ``disputed`` marks an invoice the customer contests; it stays in the balance and
    in aging, shown as disputed, and is skipped by :func:`oldest_first` by default.

    >>> from datetime import date, datetime
    >>> Invoice("INV-1", "C1", date(2026, 1, 31), date(2026, 3, 2), Money.of("1250.00", "EUR")).days_overdue(date(2026, 3, 5))
    3
    """

    id: str = attrs.field(validator=_non_empty_id)
    customer_id: str = attrs.field(validator=_non_empty_id)
    issue_date: date = attrs.field(validator=is_date)
    due_date: date = attrs.field(validator=is_date)
    amount: Money = attrs.field(validator=_positive_money)
    disputed: bool = attrs.field(default=False, kw_only=True)

    def __attrs_post_init__(self) -> None:
        if self.due_date < self.issue_date:
            raise ValidationError(
                f"due_date: {self.due_date.isoformat()} is before issue_date "
                f"{self.issue_date.isoformat()} of invoice {self.id!r}"
            )

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
    off a bad debt (for the bad-debt ratio).

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


@attrs.frozen
class Payment:
    """Money received from a customer on ``received_on``.

    >>> from datetime import date, datetime
    >>> Payment("PAY-1", "C1", date(2026, 2, 10), Money.of(600, "EUR")).amount
    Money('600', 'EUR')
    """

    id: str = attrs.field(validator=_non_empty_id)
    customer_id: str = attrs.field(validator=_non_empty_id)
    received_on: date = attrs.field(validator=is_date)
    amount: Money = attrs.field(validator=_positive_money)


@attrs.frozen
class Allocation:
    """Part of a payment or credit note (``source_id``) applied to an invoice (``target_id``).

    >>> from datetime import date, datetime
    >>> Allocation("PAY-1", "INV-1", Money.of(600, "EUR"), date(2026, 2, 10)).amount
    Money('600', 'EUR')
    """

    source_id: str = attrs.field(validator=_non_empty_id)
    target_id: str = attrs.field(validator=_non_empty_id)
    amount: Money = attrs.field(validator=_positive_money)
    applied_on: date = attrs.field(validator=is_date)


@attrs.frozen
class OpenItem:
    """What was open of one document on a date.

    ``amount`` is signed: positive for what the customer owes on an invoice, negative
    for unapplied cash and unapplied credit notes. ``original_amount`` is the
    document's full amount with the same sign. For payments and credit notes
    ``due_date`` equals ``issue_date``. Hosts that only have today's open items can
    build these directly and pass them wherever open items are needed.

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

    def __attrs_post_init__(self) -> None:
        if self.due_date < self.issue_date:
            raise ValidationError(
                f"due_date: {self.due_date.isoformat()} is before issue_date "
                f"{self.issue_date.isoformat()} of {self.document_id!r}"
            )

    def days_overdue(self, as_of: date) -> int:
        """Days past the due date on ``as_of`` (negative before it is due).

        >>> from datetime import date, datetime
        >>> OpenItem("P", "C", DocumentKind.PAYMENT, date(2026, 1, 1), date(2026, 1, 1),
        ...          Money.of(-5, "EUR")).days_overdue(date(2026, 1, 3))
        2
        """
        return (check_date(as_of, "as_of") - self.due_date).days


@attrs.frozen
class Settlement:
    """An invoice paid in full: when, and how much of it was settled by credit notes.

    ``settled_on`` is the date the money that closed it arrived (see
    :meth:`Ledger.effective_date`), not the date it was applied.

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
) -> dict[str, Decimal]:
    """Check new allocations against their documents and what is already applied to them.

    ``documents`` holds at least every document the allocations name; ``applied`` what
    other allocations already apply to or from each of them (none by default). A
    :class:`Ledger` checks its allocations with it, and so does every store. Returns
    the applied totals afterwards. Raises a ValidationError naming ``allocations[i]``
    for unknown ids, a source that is not a payment or credit note, a target that is
    not an invoice, crossing customers or currencies, a date before either document,
    or over-allocation.

    >>> docs = {"I1": Invoice("I1", "C1", date(2026, 1, 1), date(2026, 1, 31), Money.of(100, "EUR")),
    ...         "P1": Payment("P1", "C1", date(2026, 2, 1), Money.of(150, "EUR"))}
    >>> check_allocations([Allocation("P1", "I1", Money.of(60, "EUR"), date(2026, 2, 1))], docs, {"I1": Decimal(50)})
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: allocations[0].amount: over-allocates 'I1' (100 EUR) by 10 EUR
    """
    totals = {key: Decimal(value) for key, value in (applied or {}).items()}
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

    def __attrs_post_init__(self) -> None:
        customers = self._index_customers()
        documents = self._index_documents(customers)
        check_allocations(self.allocations, documents)
        object.__setattr__(self, "_customers", customers)
        object.__setattr__(self, "_documents", documents)
        object.__setattr__(self, "_by_target", _trails((a.target_id, a) for a in self.allocations))
        object.__setattr__(self, "_by_source", _trails((a.source_id, a) for a in self.allocations))
        object.__setattr__(self, "_by_customer", _by_customer(documents.values()))
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
        call does not grow with the rest of the book.

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
                        )
                    )
        return tuple(items)

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
        analysis can leave out invoices that were cancelled rather than paid.

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
        result = []
        for invoice in self.invoices:
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
    item's open amount or ``amount`` in total.

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
        ),
    )
    left = amount.amount
    result = []
    for item in eligible:
        if left <= 0:
            break
        share = min(left, item.amount.amount)
        result.append(
            Allocation(source_id, item.document_id, Money(share, amount.currency), applied_on)
        )
        left -= share
    return tuple(result)
