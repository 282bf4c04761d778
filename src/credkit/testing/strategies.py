"""Hypothesis strategies for credkit's domain values.

Integrators can use them in their own property tests, for example to check that
their storage adapter round-trips any ledger. Every strategy produces valid values
only; ledgers are consistent (no over-allocation, allocations dated after both
documents, one customer and currency per allocation).

>>> from hypothesis import given
>>> @given(ledgers())
... def test_balance_is_per_currency(ledger):
...     for currency, total in ledger.balance(ledger.last_date() or EPOCH).items():
...         assert total.currency == currency
>>> test_balance_is_per_currency()
"""

from __future__ import annotations

import datetime
import functools
import itertools
from collections.abc import Sequence
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any

import attrs
from hypothesis import strategies as st

from credkit.errors import ValidationError
from credkit.ledger import (
    Allocation,
    CreditNote,
    Customer,
    Invoice,
    InvoiceInstalment,
    Ledger,
    Payment,
    schedule_for,
)
from credkit.limits import CreditSegments, LimitSetting, LimitTable, SegmentLimit
from credkit.money import Money, minor_units
from credkit.policy import (
    CreditProfile,
    Exposure,
    ExposureComponent,
    OrderRequest,
    ScheduledAmount,
)
from credkit.policy.conditions import RuleCondition
from credkit.policy.order import DocumentStage
from credkit.scoring.scaling import ScoreRange
from credkit.terms import CashDiscount, Instalment, PaymentTerms, TermsBasis

__all__ = [
    "CURRENCIES",
    "EPOCH",
    "RISK_CLASSES",
    "TAGS",
    "booked_ledgers",
    "business_dates",
    "config_documents",
    "corrupted",
    "credit_profiles",
    "credit_segments",
    "currencies",
    "customers",
    "discount_tiers",
    "instalment_splits",
    "invoices",
    "ledgers",
    "limit_tables",
    "money",
    "order_requests",
    "overdue_figures",
    "payment_terms",
    "payments",
    "rule_conditions",
    "score_ranges",
]

CURRENCIES: tuple[str, ...] = ("EUR", "USD", "GBP", "CHF", "JPY", "BHD")
"""Currencies the strategies draw from: two-decimal ones plus JPY (0) and BHD (3)."""

EPOCH = datetime.date(2024, 1, 1)
"""The earliest date the strategies produce by default (2024 is a leap year)."""

_COUNTRIES = ("DE", "FR", "GB", "US", "CH", "JP", "BH", "IT", "NL", "ES")


def currencies() -> st.SearchStrategy[str]:
    """One of :data:`CURRENCIES`.

    >>> from hypothesis import find
    >>> find(currencies(), lambda code: code == "JPY")
    'JPY'
    """
    return st.sampled_from(CURRENCIES)


def money(
    currency: str | st.SearchStrategy[str] | None = None,
    *,
    min_value: Decimal | int = 0,
    max_value: Decimal | int = 1_000_000,
) -> st.SearchStrategy[Money]:
    """Amounts in whole minor units between ``min_value`` and ``max_value``.

    ``currency`` is a code, a strategy of codes, or None for any of :data:`CURRENCIES`.

    >>> from hypothesis import find
    >>> find(money("JPY", min_value=1, max_value=10), lambda m: m.amount > 5)
    Money('6', 'JPY')
    """
    if currency is None:
        codes: st.SearchStrategy[str] = currencies()
    elif isinstance(currency, str):
        codes = st.just(currency)
    else:
        codes = currency

    def build(code: str) -> st.SearchStrategy[Money]:
        places = minor_units(code)
        unit = Decimal(1).scaleb(-places)
        low = int((Decimal(min_value) / unit).to_integral_value(ROUND_CEILING))
        high = int((Decimal(max_value) / unit).to_integral_value(ROUND_FLOOR))
        return st.integers(low, high).map(lambda n: Money(n * unit, code))

    return codes.flatmap(build)


def business_dates(
    min_value: datetime.date = EPOCH, max_value: datetime.date = datetime.date(2027, 12, 31)
) -> st.SearchStrategy[datetime.date]:
    """Dates in a range, leaning towards month ends and 29 February.

    >>> from hypothesis import find
    >>> find(business_dates(), lambda d: d.month == 2 and d.day == 29)
    datetime.date(2024, 2, 29)
    """
    month_ends = [
        d
        for d in (
            datetime.date(2024, 2, 29),
            datetime.date(2025, 2, 28),
            datetime.date(2024, 12, 31),
            datetime.date(2026, 1, 31),
            datetime.date(2026, 4, 30),
        )
        if min_value <= d <= max_value
    ]
    plain = st.dates(min_value, max_value)
    return st.one_of(plain, st.sampled_from(month_ends)) if month_ends else plain


def customers(
    customer_id: str | st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[Customer]:
    """A customer with a country, a currency and possibly a segment.

    >>> from hypothesis import find
    >>> find(customers("C1"), lambda c: c.currency == "JPY").id
    'C1'
    """
    ids: st.SearchStrategy[str] = (
        st.just(customer_id)
        if isinstance(customer_id, str)
        else customer_id or st.from_regex(r"C[0-9]{1,6}", fullmatch=True)
    )
    return st.builds(
        Customer,
        ids,
        st.text(min_size=1, max_size=30),
        country=st.sampled_from(_COUNTRIES),
        currency=currencies(),
        segment=st.none() | st.sampled_from(["retail", "wholesale", "public"]),
    )


@st.composite
def discount_tiers(
    draw: st.DrawFn, *, max_days: int, basis: TermsBasis = TermsBasis.INVOICE_DATE
) -> tuple[CashDiscount, ...]:
    """0 to 3 cash-discount tiers: strictly increasing days within ``max_days``, strictly decreasing percent.

    Every tier counts its days from ``basis`` (the issue date, or the end of the
    invoice month for ``TermsBasis.END_OF_MONTH``, as in "2/10 eom").

    >>> from hypothesis import find
    >>> len(find(discount_tiers(max_days=30), lambda tiers: len(tiers) == 2))
    2
    >>> eom = find(discount_tiers(max_days=30, basis=TermsBasis.END_OF_MONTH), bool)
    >>> str(eom[0]).endswith(" eom")
    True
    """
    count = draw(st.integers(min_value=0, max_value=min(3, max_days + 1)))
    days = sorted(
        draw(
            st.lists(
                st.integers(min_value=0, max_value=max_days),
                min_size=count,
                max_size=count,
                unique=True,
            )
        )
    )
    percents = sorted(
        draw(
            st.lists(
                st.integers(min_value=1, max_value=9999),
                min_size=count,
                max_size=count,
                unique=True,
            )
        ),
        reverse=True,
    )
    return tuple(
        CashDiscount(Decimal(p).scaleb(-2), d, basis=basis)
        for p, d in zip(percents, days, strict=True)
    )


@st.composite
def instalment_splits(draw: st.DrawFn) -> tuple[Instalment, ...]:
    """1 to 6 instalments whose percents (in hundredths) sum to 100, in due-date order.

    >>> from hypothesis import find
    >>> sum(i.percent for i in find(instalment_splits(), lambda parts: len(parts) == 3))
    Decimal('100.00')
    """
    count = draw(st.integers(min_value=1, max_value=6))
    cuts = sorted(
        draw(
            st.lists(
                st.integers(min_value=1, max_value=9999),
                min_size=count - 1,
                max_size=count - 1,
                unique=True,
            )
        )
    )
    bounds = [0, *cuts, 10000]
    percents = [Decimal(b - a).scaleb(-2) for a, b in itertools.pairwise(bounds)]
    parts: list[Instalment] = []
    months, net_days = 0, draw(st.integers(min_value=0, max_value=60))
    for index, percent in enumerate(percents):
        if index:
            extra_months = draw(st.integers(min_value=0, max_value=3))
            # 28 days per extra month is always safe: no month is shorter.
            lowest = -28 * extra_months if extra_months else 1
            months += extra_months
            net_days = max(0, net_days + draw(st.integers(min_value=lowest, max_value=60)))
            previous = parts[-1]
            if (months, net_days) == (previous.months, previous.net_days):
                net_days += 1
        parts.append(Instalment(percent, net_days=net_days, months=months))
    return tuple(parts)


@st.composite
def _payment_terms(draw: st.DrawFn) -> PaymentTerms:
    basis = draw(st.sampled_from(TermsBasis))
    grace = draw(st.integers(min_value=0, max_value=60))
    if draw(st.booleans()):
        return PaymentTerms(basis=basis, instalments=draw(instalment_splits()), grace_days=grace)
    months = draw(st.integers(min_value=0, max_value=30))
    net_days = draw(st.integers(min_value=0, max_value=400))
    # Tiers counted from the end of the month ("2/10 eom") need terms counted from it.
    tier_basis = TermsBasis.INVOICE_DATE
    if basis is TermsBasis.END_OF_MONTH and draw(st.booleans()):
        tier_basis = TermsBasis.END_OF_MONTH
    return PaymentTerms(
        net_days,
        months=months,
        basis=basis,
        discounts=draw(discount_tiers(max_days=net_days + 28 * months, basis=tier_basis)),
        grace_days=grace,
    )


def payment_terms() -> st.SearchStrategy[PaymentTerms]:
    """Any valid payment terms: one due date with 0-3 discount tiers, or 1-6 instalments.

    Every basis, months and net days, and grace days appear; end-of-month terms also
    get tiers counted from the end of the month ("2/10 eom net 30 eom").

    >>> from hypothesis import find
    >>> find(payment_terms(), lambda t: len(t.instalments) > 2).instalments[0].percent > 0
    True
    """
    return _payment_terms()


def _schedule(
    draw: st.DrawFn, amount: Money, issued: datetime.date
) -> tuple[InvoiceInstalment, ...]:
    terms = PaymentTerms(instalments=draw(instalment_splits()))
    try:
        return schedule_for(amount, terms, issue_date=issued)
    except ValidationError:  # too small an amount to split that way
        return ()


def invoices(
    customer_id: str = "C1",
    *,
    currency: str | st.SearchStrategy[str] | None = None,
    schedules: bool = False,
) -> st.SearchStrategy[Invoice]:
    """Invoices of ``customer_id`` with a due date from generated payment terms.

    With ``schedules`` about half of them are due in instalments (a ``schedule``
    split from generated instalment terms by :func:`credkit.ledger.schedule_for`).

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=20)
    ... @given(invoices(currency="JPY"))
    ... def test_invoices_are_due_on_or_after_their_issue(invoice):
    ...     assert (invoice.amount.currency, invoice.customer_id) == ("JPY", "C1")
    ...     assert invoice.due_date >= invoice.issue_date
    >>> test_invoices_are_due_on_or_after_their_issue()
    """

    @st.composite
    def build(draw: st.DrawFn) -> Invoice:
        issued = draw(business_dates())
        terms = draw(payment_terms())
        amount: Money = draw(money(currency, min_value=Decimal("0.01"), max_value=1_000_000))
        number = draw(st.from_regex(r"INV-[0-9]{1,8}", fullmatch=True))
        disputed = draw(st.booleans())
        schedule = _schedule(draw, amount, issued) if schedules and draw(st.booleans()) else ()
        return Invoice(
            number,
            customer_id,
            issued,
            schedule[-1].due_date if schedule else terms.due_date(issued),
            amount,
            disputed=disputed,
            schedule=schedule,
        )

    return build()


def payments(
    customer_id: str = "C1", *, currency: str | st.SearchStrategy[str] | None = None
) -> st.SearchStrategy[Payment]:
    """Payments received from ``customer_id``.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=20)
    ... @given(payments(currency="EUR"))
    ... def test_payments_are_positive_amounts_in_euro(payment):
    ...     assert payment.amount.currency == "EUR" and payment.amount.amount > 0
    >>> test_payments_are_positive_amounts_in_euro()
    """
    return st.builds(
        Payment,
        st.from_regex(r"PAY-[0-9]{1,8}", fullmatch=True),
        st.just(customer_id),
        business_dates(),
        money(currency, min_value=Decimal("0.01"), max_value=1_000_000),
    )


@st.composite
def _ledgers(
    draw: st.DrawFn,
    max_customers: int,
    max_documents: int,
    start: datetime.date,
    days: int,
    schedules: bool,
) -> Ledger:
    count = draw(st.integers(1, max_customers))
    people = [draw(customers(f"C{i}")) for i in range(count)]

    def when() -> datetime.date:
        return start + datetime.timedelta(days=draw(st.integers(0, days)))

    def amount(code: str) -> Money:
        drawn: Money = draw(money(code, min_value=Decimal("0.01"), max_value=50_000))
        return drawn

    invoices: list[Invoice] = []
    notes: list[CreditNote] = []
    payments: list[Payment] = []
    for n in range(draw(st.integers(0, max_documents))):
        who = draw(st.sampled_from(people))
        code = draw(st.sampled_from([who.currency, who.currency, "EUR"]))
        kind = draw(st.sampled_from(["invoice", "invoice", "payment", "credit_note"]))
        issued = when()
        if kind == "invoice":
            due = issued + datetime.timedelta(days=draw(st.sampled_from([0, 14, 30, 60])))
            total = amount(code)
            disputed = draw(st.booleans())
            plan = _schedule(draw, total, issued) if schedules and draw(st.booleans()) else ()
            invoices.append(
                Invoice(
                    f"I{n}",
                    who.id,
                    issued,
                    plan[-1].due_date if plan else due,
                    total,
                    disputed=disputed,
                    schedule=plan,
                )
            )
        elif kind == "payment":
            payments.append(Payment(f"P{n}", who.id, issued, amount(code)))
        else:
            notes.append(CreditNote(f"N{n}", who.id, issued, amount(code)))

    open_left = {i.id: i.amount.amount for i in invoices}
    # room left for allocations naming an instalment, by (invoice id, instalment)
    named_left = {
        (i.id, number): part.amount.amount
        for i in invoices
        for number, part in enumerate(i.schedule, start=1)
    }
    allocations: list[Allocation] = []
    sources: list[Payment | CreditNote] = [*payments, *notes]
    for source in sources:
        source_date = source.received_on if isinstance(source, Payment) else source.issue_date
        left = source.amount.amount
        targets = [
            i
            for i in invoices
            if i.customer_id == source.customer_id and i.amount.currency == source.amount.currency
        ]
        for target in draw(st.permutations(targets)):
            if left <= 0 or not draw(st.booleans()):
                continue
            number: int | None = None
            if target.schedule:
                named = draw(st.booleans())
                number = draw(st.integers(1, len(target.schedule))) if named else None
            room = min(left, open_left[target.id])
            if number is not None:
                room = min(room, named_left[(target.id, number)])
            if room <= 0:
                continue
            share = (
                room
                if draw(st.booleans())
                else (room / 2).quantize(Decimal(1).scaleb(-minor_units(source.amount.currency)))
            )
            if share <= 0:
                continue
            applied = max(source_date, target.issue_date) + datetime.timedelta(
                days=draw(st.integers(0, 60))
            )
            allocations.append(
                Allocation(
                    source.id,
                    target.id,
                    Money(share, source.amount.currency),
                    applied,
                    instalment=number,
                )
            )
            left -= share
            open_left[target.id] -= share
            if number is not None:
                named_left[(target.id, number)] -= share
    return Ledger(
        customers=people,
        invoices=invoices,
        credit_notes=notes,
        payments=payments,
        allocations=allocations,
    )


def ledgers(
    *,
    max_customers: int = 4,
    max_documents: int = 25,
    start: datetime.date = EPOCH,
    days: int = 730,
    schedules: bool = False,
) -> st.SearchStrategy[Ledger]:
    """Consistent ledgers: customers, invoices, credit notes, payments and allocations.

    Documents fall within ``days`` after ``start``; some invoices are disputed, some
    documents are in a second currency, and allocations are partial or full. With
    ``schedules`` about half of the invoices are due in instalments, and some
    allocations to them name the instalment they settle.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=20)
    ... @given(ledgers(max_documents=5))
    ... def test_allocations_name_documents_of_the_ledger(ledger):
    ...     ids = {d.id for d in (*ledger.invoices, *ledger.credit_notes, *ledger.payments)}
    ...     assert all({a.source_id, a.target_id} <= ids for a in ledger.allocations)
    >>> test_allocations_name_documents_of_the_ledger()
    """
    return _ledgers(max_customers, max_documents, start, days, schedules)


def _with_booked(draw: st.DrawFn, document: Any, company: str) -> Any:
    if document.amount.currency == company:
        return attrs.evolve(document, booked=document.amount) if draw(st.booleans()) else document
    rate = Decimal(draw(st.integers(1, 40_000))).scaleb(-4)
    booked = Money(document.amount.amount * rate, company).round()
    unit = Money(Decimal(1).scaleb(-minor_units(company)), company)
    return attrs.evolve(document, booked=booked if booked.is_positive else unit)


@st.composite
def _booked_ledgers(draw: st.DrawFn, company: str, options: dict[str, Any]) -> Ledger:
    ledger: Ledger = draw(ledgers(**options))
    return Ledger(
        customers=ledger.customers,
        invoices=[_with_booked(draw, d, company) for d in ledger.invoices],
        credit_notes=[_with_booked(draw, d, company) for d in ledger.credit_notes],
        payments=[_with_booked(draw, d, company) for d in ledger.payments],
        allocations=ledger.allocations,
    )


def booked_ledgers(
    company: str = "EUR",
    *,
    max_customers: int = 4,
    max_documents: int = 25,
    schedules: bool = False,
) -> st.SearchStrategy[Ledger]:
    """Ledgers (as :func:`ledgers`) whose documents carry ``booked`` amounts in ``company``.

    Every document in another currency is booked at its own drawn rate (0.0001 to 4
    units of ``company`` per unit, rounded, at least one minor unit); documents in
    ``company`` carry ``booked`` equal to their amount or none.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=20)
    ... @given(booked_ledgers("CHF", max_documents=5))
    ... def test_foreign_documents_are_booked_in_the_company_currency(ledger):
    ...     for d in (*ledger.invoices, *ledger.credit_notes, *ledger.payments):
    ...         assert d.amount.currency == "CHF" or d.booked.currency == "CHF"
    >>> test_foreign_documents_are_booked_in_the_company_currency()
    """
    options = {
        "max_customers": max_customers,
        "max_documents": max_documents,
        "schedules": schedules,
    }
    return _booked_ledgers(company, options)


_TRICKY_WORDS = (
    "100 EUR",
    "-5 EUR",
    "1e999999 EUR",
    "1 XXX",
    "EUR",
    "JPY",
    "1.5",
    "-3",
    "0.1",
    "1e999999",
    "NaN",
    "Infinity",
    "2026-01-31",
    "2026-02-30",
    "",
    " ",
)


def config_documents(
    *, keys: Sequence[str] = (), words: Sequence[str] = ()
) -> st.SearchStrategy[Any]:
    """Junk shaped like configuration documents, for loader robustness tests.

    Scalars are None, booleans, integers (some huge), decimals (NaN and infinities too),
    floats, text, dates, datetimes and tricky strings (amounts, impossible dates, huge
    exponents, blanks) plus ``words``; they nest in lists and in tables whose keys are
    mostly ``keys``, so that junk reaches nested structuring and not only the
    unknown-key check. A loader fed these should return a value or raise
    :class:`~credkit.errors.ConfigError`, nothing else.

    >>> from hypothesis import find
    >>> find(config_documents(keys=["net_days"]), lambda d: isinstance(d, dict) and "net_days" in d)
    {'net_days': None}
    """
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.integers(min_value=-(10**30), max_value=10**30),
        st.decimals(allow_nan=True, allow_infinity=True),
        st.floats(),
        st.text(max_size=10),
        st.dates(),
        st.datetimes(),
        st.sampled_from([*_TRICKY_WORDS, *words]),
    )
    key_names = (st.sampled_from(list(keys)) | st.text(max_size=8)) if keys else st.text(max_size=8)
    return st.recursive(
        scalars,
        lambda children: st.one_of(
            st.lists(children, max_size=4),
            st.dictionaries(key_names, children, max_size=6),
        ),
        max_leaves=25,
    )


@st.composite
def _corrupted(draw: st.DrawFn, document: Any, junk: st.SearchStrategy[Any]) -> Any:
    if isinstance(document, dict) and document and draw(st.integers(0, 3)) > 0:
        key = draw(st.sampled_from(sorted(document, key=str)))
        if draw(st.integers(0, 4)) == 0:
            return {k: v for k, v in document.items() if k != key}
        return {**document, key: draw(_corrupted(document[key], junk))}
    if isinstance(document, list) and document and draw(st.integers(0, 3)) > 0:
        index = draw(st.integers(0, len(document) - 1))
        return [*document[:index], draw(_corrupted(document[index], junk)), *document[index + 1 :]]
    return draw(junk)


def corrupted(
    document: Any, *, junk: st.SearchStrategy[Any] | None = None
) -> st.SearchStrategy[Any]:
    """``document`` (a valid configuration document) with one place damaged.

    One leaf or sub-document is replaced by ``junk`` (default :func:`config_documents`),
    or one key is removed; the original is never changed.

    >>> from hypothesis import find
    >>> find(corrupted({"net_days": 30}), lambda d: d != {"net_days": 30}) in ({}, None)
    True
    """
    return _corrupted(document, junk if junk is not None else config_documents())


# -- credit profiles and orders ----------------------------------------------------------

RISK_CLASSES = ("A", "B", "C", "D", "E")
"""The risk classes :func:`credit_profiles` draws, best to worst."""

_PROFILE_AS_OF = datetime.date(2026, 11, 23)

TAGS: tuple[str, ...] = ("key_account", "public", "framework", "on_probation")
"""The customer tags :func:`credit_profiles` draws from, for rule conditions."""
_OVERDUE_KINDS = ("unknown", "none", "some")


def _amounts(currency: str, low: int, high: int) -> st.SearchStrategy[Money]:
    places = minor_units(currency)
    return st.decimals(min_value=low, max_value=high, places=places).map(
        lambda amount: Money(amount, currency)
    )


@st.composite
def overdue_figures(
    draw: st.DrawFn, currency: str = "EUR", kinds: Sequence[str] = _OVERDUE_KINDS
) -> dict[str, Any]:
    """Consistent overdue figures for a profile: unknown, nothing overdue, or something overdue.

    ``kinds`` narrows the choice to some of ``"unknown"``, ``"none"`` and ``"some"``.

    >>> from hypothesis import find
    >>> sorted(find(overdue_figures(kinds=["some"]), lambda figures: True))
    ['oldest_overdue_days', 'overdue_amount', 'overdue_share']
    """
    kind = draw(st.sampled_from(list(kinds)))
    if kind == "unknown":
        return {}
    if kind == "none":
        return {
            "overdue_amount": Money.zero(currency),
            "oldest_overdue_days": 0,
            "overdue_share": 0,
        }
    places = minor_units(currency)
    return {
        "overdue_amount": Money(
            draw(st.decimals(min_value=Decimal(1).scaleb(-places), max_value=10**6, places=places)),
            currency,
        ),
        "oldest_overdue_days": draw(st.integers(1, 400)),
        "overdue_share": draw(st.decimals(min_value="0.0001", max_value=1, places=4)),
    }


@st.composite
def credit_profiles(
    draw: st.DrawFn,
    *,
    currency: str = "EUR",
    overdue: Sequence[str] = _OVERDUE_KINDS,
    rated: bool = False,
) -> CreditProfile:
    """Credit profiles with any mix of known and unknown figures, for rule and policy tests.

    Exposure of open receivables (possibly negative), open orders (with or without a
    delivery schedule and a sub-limit) and other exposure; limits with or without
    validity dates; review dates, dunning levels, payment index, score, risk class
    (one of :data:`RISK_CLASSES`), bureau data, flags and group limits. ``overdue``
    narrows the kinds of overdue figures (see :func:`overdue_figures`) and ``rated``
    always gives a risk class, for properties about those figures. Unpaid and overdue
    invoice counts (consistent with the overdue days) and up to three of :data:`TAGS`
    are drawn too. Profiles are as of 2026-11-23 or 2027-02-28.

    >>> from hypothesis import find
    >>> find(credit_profiles(rated=True), lambda p: p.risk_class == "E").currency
    'EUR'
    """
    money = functools.partial(_amounts, currency)
    dates = st.dates(min_value=datetime.date(2025, 1, 1), max_value=datetime.date(2028, 12, 31))
    orders = draw(money(0, 10**7))
    schedule: tuple[ScheduledAmount, ...] = ()
    if draw(st.booleans()) and orders.amount > 0:
        first = (orders / 2).round()
        schedule = (
            ScheduledAmount(draw(dates), first),
            ScheduledAmount(draw(dates), orders - first),
        )
    components = (
        ExposureComponent("open_receivables", draw(money(-(10**5), 10**7))),
        ExposureComponent(
            "open_orders",
            orders,
            sub_limit=draw(st.none() | money(0, 10**7)),
            schedule=schedule,
        ),
        ExposureComponent("other", draw(money(0, 10**7)), included_in_total=draw(st.booleans())),
    )
    valid_from = draw(st.none() | dates)
    valid_to = draw(st.none() | dates)
    if valid_from is not None and valid_to is not None and valid_to < valid_from:
        valid_from, valid_to = valid_to, valid_from
    group_limit = draw(st.none() | money(0, 10**7))
    classes = st.sampled_from(RISK_CLASSES)
    figures = draw(overdue_figures(currency, overdue))
    days = figures.get("oldest_overdue_days")
    late = draw(st.none() | (st.just(0) if days == 0 else st.integers(0, 40)))
    unpaid = draw(st.none() | st.integers(late or 0, 60))
    return CreditProfile(
        draw(st.sampled_from(["C-1", "C-2"])),
        as_of=draw(st.sampled_from([_PROFILE_AS_OF, datetime.date(2027, 2, 28)])),
        exposure=Exposure(components, currency=currency),
        segment=draw(st.none() | st.sampled_from(["wholesale", "public"])),
        limit=draw(st.none() | money(0, 10**7)),
        limit_valid_from=valid_from,
        limit_valid_to=valid_to,
        next_review=draw(st.none() | dates),
        dunning_level=draw(st.integers(0, 4)),
        payment_index=draw(st.none() | st.integers(0, 100)),
        trend=draw(st.none() | st.sampled_from(["improving", "deteriorating"])),
        score=draw(st.none() | st.integers(300, 900)),
        risk_class=draw(classes if rated else st.none() | classes),
        bureau=draw(
            st.dictionaries(
                st.sampled_from(["rating", "employees", "insolvency", "age_days", "provider"]),
                st.none() | st.booleans() | st.integers(0, 500) | st.text(max_size=3),
                max_size=4,
            )
        ),
        blocked=draw(st.booleans()),
        watch_list=draw(st.booleans()),
        group_id=draw(st.none() | st.just("G-1")),
        group_limit=group_limit,
        group_exposure=None if group_limit is None else draw(money(-(10**5), 10**7)),
        unpaid_invoice_count=unpaid,
        overdue_invoice_count=late,
        tags=draw(st.lists(st.sampled_from(TAGS), max_size=3)),
        **figures,
    )


@st.composite
def _conditions(draw: st.DrawFn, depth: int) -> RuleCondition:
    term: st.SearchStrategy[str | RuleCondition] = st.sampled_from([f"tag:{tag}" for tag in TAGS])
    if depth > 0:
        term = st.one_of(term, _conditions(depth - 1))
    lists = st.lists(term, max_size=3)
    condition: dict[str, Any] = {"all": draw(lists), "any": draw(lists), "none": draw(lists)}
    if not any(condition.values()):
        condition["any"] = [draw(term)]
    return RuleCondition(**condition)


@st.composite
def score_ranges(draw: st.DrawFn) -> ScoreRange:
    """Fixed score ranges such as 300 to 850: whole or decimal ends, rounded or exact.

    >>> from hypothesis import find
    >>> find(score_ranges(), lambda r: r.places == 0).places
    0
    """
    places = draw(st.none() | st.integers(0, 2))
    digits = 2 if places is None else places
    ends = st.decimals(min_value=-1000, max_value=2000, places=digits)
    low = draw(ends)
    high = draw(ends.filter(lambda value: value != low))
    low, high = min(low, high), max(low, high)
    return ScoreRange(minimum=low, maximum=high, places=places)


def rule_conditions(max_depth: int = 2) -> st.SearchStrategy[RuleCondition]:
    """Conditions on the :data:`TAGS` that :func:`credit_profiles` gives, nested up to ``max_depth``.

    >>> from hypothesis import find
    >>> find(rule_conditions(), lambda c: len(c.terms()) > 3).terms()[0].startswith("tag:")
    True
    """
    return _conditions(max_depth)


def order_requests(currency: str = "EUR") -> st.SearchStrategy[OrderRequest]:
    """Orders of customer-free :class:`~credkit.policy.OrderRequest` values, credits included.

    Amounts run from -100,000 to 10,000,000 (zero and below are credits and returns),
    some orders are prepaid; dated 2026-11-23 or 2026-12-01, to go with
    :func:`credit_profiles`, at any :class:`~credkit.policy.order.DocumentStage`.

    >>> from hypothesis import find
    >>> find(order_requests(), lambda o: o.amount.amount < 0).amount.is_negative
    True
    """
    return st.builds(
        OrderRequest,
        st.sampled_from(["SO-1", "SO-2"]),
        _amounts(currency, -(10**5), 10**7),
        order_date=st.sampled_from([_PROFILE_AS_OF, datetime.date(2026, 12, 1)]),
        prepaid=st.booleans(),
        stage=st.sampled_from(DocumentStage),
    )


_COMPANIES = ("DE01", "FR01", "GB01", "US01")


def limit_tables(currency: str = "EUR") -> st.SearchStrategy[LimitTable]:
    """Limit tables for customers C1-C3, groups "retail" and "wholesale" and four companies.

    Settings have an amount (zero included) or none (no limit), and either bypass flag.

    >>> from hypothesis import find
    >>> find(limit_tables(), lambda t: len(t.companies) == 2).companies.keys() <= set(_COMPANIES)
    True
    """
    setting = st.builds(
        LimitSetting, st.none() | _amounts(currency, 0, 10**6), bypass=st.booleans()
    )
    per_company = st.dictionaries(st.sampled_from(_COMPANIES), setting, max_size=3)
    return st.builds(
        LimitTable,
        customers=st.dictionaries(st.sampled_from(("C1", "C2", "C3")), per_company, max_size=3),
        customer_groups=st.dictionaries(
            st.sampled_from(("retail", "wholesale")), per_company, max_size=2
        ),
        companies=per_company,
    )


@st.composite
def _credit_segments(draw: st.DrawFn, currency: str) -> CreditSegments:
    ids = draw(st.lists(st.sampled_from(_COMPANIES), min_size=1, max_size=4, unique=True))
    limit = st.none() | _amounts(currency, 0, 10**6)
    return CreditSegments(
        "C1",
        currency=currency,
        segments=tuple(SegmentLimit(segment, draw(limit)) for segment in ids),
        customer_limit=draw(limit),
    )


def credit_segments(currency: str = "EUR") -> st.SearchStrategy[CreditSegments]:
    """Credit segments of customer C1: one to four companies, limits or none, a customer limit.

    >>> from hypothesis import find
    >>> find(credit_segments(), lambda s: len(s.segments) == 3).customer_id
    'C1'
    """
    return _credit_segments(currency)
