"""The seeded generator of the sample portfolio (see :mod:`credkit.sample`)."""

from __future__ import annotations

import calendar
import functools
import itertools
import random
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import TypeVar

import attrs
from dateutil.relativedelta import relativedelta

from credkit.errors import ValidationError
from credkit.ledger import Allocation, CreditNote, Customer, Invoice, Ledger, Payment
from credkit.money import Money, minor_units
from credkit.sample._reference import (
    BEHAVIOUR_WEIGHTS,
    CONTEXT,
    COUNTRIES,
    DISCOUNT_DAYS,
    DISCOUNT_PERCENT,
    DISCOUNT_TERMS,
    INDUSTRIES,
    INDUSTRY_WORDS,
    LANGUAGES,
    PUBLIC_INDUSTRIES,
    SEGMENTS,
    STEMS,
    Country,
    Segment,
)
from credkit.sample.portfolio import Behaviour, SamplePortfolio

__all__ = ["generate"]

_T = TypeVar("_T")

# -- drafts (integer minor units until the very end) ------------------------------------


@attrs.frozen
class _Profile:
    index: int
    customer: Customer
    behaviour: Behaviour
    segment: Segment
    minor: int
    scale: int  # typical invoice in minor units
    terms: tuple[str, int]
    pay_weekday: int | None  # weekday of the customer's payment run, if any
    turn: date  # DETERIORATING: when payments start to slip
    slope: int  # DETERIORATING: extra days late per month after the turn
    stop: date | None  # DEFAULTING: no payments from this day
    block: date | None  # DEFAULTING: no invoices after this day


@attrs.define
class _InvoiceDraft:
    customer: int
    issue: date
    due: date
    units: int
    disputed: bool
    seq: int
    id: str = ""


@attrs.frozen
class _CreditDraft:
    issue: date
    customer: int
    seq: int
    units: int
    invoice_id: str | None
    write_off: bool
    applied: bool


_PaymentKey = tuple[date, int, int]  # received on, customer index, 0 = remittance / n = on account


def _weighted(rng: random.Random, pairs: tuple[tuple[_T, int], ...]) -> _T:
    values: tuple[_T, ...]
    values, cumulative = _table(pairs)
    choice: _T = rng.choices(values, cum_weights=cumulative)[0]
    return choice


@functools.cache
def _table(pairs: tuple[tuple[_T, int], ...]) -> tuple[tuple[_T, ...], tuple[int, ...]]:
    return tuple(v for v, _ in pairs), tuple(itertools.accumulate(w for _, w in pairs))


def _spread(rng: random.Random, pairs: Sequence[tuple[_T, int]], n: int) -> list[_T]:
    """``n`` values in proportion to their weights, in random order.

    Counts are the largest-remainder split of ``n``; every value occurs at least once
    when ``n`` allows, so that a small portfolio still shows every kind.
    """
    total = sum(w for _, w in pairs)
    counts = [n * w // total for _, w in pairs]
    by_remainder = sorted(range(len(pairs)), key=lambda i: (-(n * pairs[i][1] % total), i))
    for i in by_remainder[: n - sum(counts)]:
        counts[i] += 1
    if n >= len(pairs):
        for i, count in enumerate(counts):
            if count == 0:
                counts[counts.index(max(counts))] -= 1
                counts[i] = 1
    chosen = [value for (value, _), count in zip(pairs, counts, strict=True) for _ in range(count)]
    rng.shuffle(chosen)
    return chosen


def _due(issue: date, terms: tuple[str, int]) -> date:
    kind, days = terms
    if kind == "eom":  # end of the month of issue, then ``days`` more
        month_end = issue.replace(day=calendar.monthrange(issue.year, issue.month)[1])
        return month_end + timedelta(days=days)
    return issue + timedelta(days=days)


def _snap(day: date, *, not_before: date, weekday: int | None, backward: bool) -> date:
    """Move a payment to a business day (or to the customer's payment-run weekday)."""
    target = weekday
    if target is None:
        if day.weekday() < 5:
            return day
        target = 4 if backward else 0
    if backward:
        earlier = day - timedelta(days=(day.weekday() - target) % 7)
        if earlier >= not_before:
            return earlier
    return day + timedelta(days=(target - day.weekday()) % 7)


def _money(units: int, minor: int, currency: str) -> Money:
    return Money(Decimal(units).scaleb(-minor, CONTEXT), currency)


# -- the generator ----------------------------------------------------------------------


class _Generator:
    def __init__(self, rng: random.Random, start: date, end: date) -> None:
        self.rng = rng
        self.start = start
        self.end = end
        self.credits: list[_CreditDraft] = []
        self.remittances: dict[_PaymentKey, list[tuple[str, int]]] = {}
        self.extra: dict[_PaymentKey, int] = defaultdict(int)
        self.remaining: dict[str, int] = {}
        self.seq = 0

    def _next(self) -> int:
        self.seq += 1
        return self.seq

    # customers --------------------------------------------------------------------------

    def customers(self, n: int) -> list[_Profile]:
        rng = self.rng
        countries = _spread(rng, [(c, c.weight) for c in COUNTRIES], n)
        behaviours = _spread(rng, BEHAVIOUR_WEIGHTS, n)
        segment_weights = tuple((s, s.weight) for s in SEGMENTS)
        segments = [_weighted(rng, segment_weights) for _ in range(n)]
        industries: list[str] = [
            rng.choice(PUBLIC_INDUSTRIES if s.name == "public" else INDUSTRIES) for s in segments
        ]
        width = max(3, len(str(n)))
        ids = [f"C{i + 1:0{width}d}" for i in range(n)]
        names: list[str] = [""] * n
        parents: list[str | None] = [None] * n
        used: set[str] = set()
        used_stems: set[str] = set()

        # Credit groups: a parent holding company with two or three subsidiaries.
        order = list(range(n))
        rng.shuffle(order)
        groups = n // 20 if n >= 20 else (1 if n >= 3 else 0)
        position = 0
        for _ in range(groups):
            size = min(1 + rng.choice((2, 3)), n - position)
            if size < 3:
                break
            members = order[position : position + size]
            position += size
            parent = members[0]
            stems = [s for s in STEMS[countries[parent].stems] if s not in used_stems]
            stem = rng.choice(stems or STEMS[countries[parent].stems])
            used_stems.add(stem)
            names[parent] = self._unique(
                f"{stem} Holding {rng.choice(countries[parent].legal_forms)}", used, parent
            )
            child_industries = rng.sample(INDUSTRIES, size - 1)
            for child, industry in zip(members[1:], child_industries, strict=True):
                industries[child] = industry
                parents[child] = ids[parent]
                legal = rng.choice(countries[child].legal_forms)
                names[child] = self._unique(
                    self._name(countries[child], industry, stem, legal), used, child
                )
        for i in range(n):
            if not names[i]:
                names[i] = self._standalone_name(countries[i], industries[i], used, i)

        total_days = (self.end - self.start).days + 1
        profiles = []
        for i in range(n):
            country, behaviour, segment = countries[i], behaviours[i], segments[i]
            customer = Customer(
                ids[i],
                names[i],
                country=country.code,
                currency=country.currency,
                segment=segment.name,
                industry=industries[i],
                parent_id=parents[i],
            )
            minor = minor_units(country.currency)
            low, high = segment.size_eur
            # log-uniform; Decimal's ln and exp are correctly rounded, so this is the same
            # on every platform (math.exp may differ in the last bit between C libraries)
            ctx = CONTEXT
            bottom = ctx.ln(Decimal(low))
            span = ctx.subtract(ctx.ln(Decimal(high)), bottom)
            euros = int(ctx.exp(ctx.add(bottom, ctx.multiply(span, Decimal(rng.random())))))
            num, den = country.per_eur
            scale = max(1, euros * num // den) * 10**minor
            terms = (
                DISCOUNT_TERMS
                if behaviour is Behaviour.DISCOUNT_TAKER
                else _weighted(rng, segment.terms)
            )
            pay_run = (
                behaviour is not Behaviour.DISCOUNT_TAKER
                and segment.name != "retail"
                and rng.random() < 0.4
            )
            stop = block = None
            if behaviour is Behaviour.DEFAULTING:
                stop = self.start + timedelta(days=total_days * rng.randint(35, 65) // 100)
                latest = self.end - timedelta(days=150)
                block = max(stop, min(stop + timedelta(days=rng.randint(45, 100)), latest))
            profiles.append(
                _Profile(
                    index=i,
                    customer=customer,
                    behaviour=behaviour,
                    segment=segment,
                    minor=minor,
                    scale=scale,
                    terms=terms,
                    pay_weekday=rng.randint(0, 4) if pay_run else None,
                    turn=self.start + relativedelta(months=12),
                    slope=rng.randint(3, 6),
                    stop=stop,
                    block=block,
                )
            )
        return profiles

    @staticmethod
    def _name(country: Country, industry: str, stem: str, legal: str | None = None) -> str:
        word = INDUSTRY_WORDS[industry][LANGUAGES.index(country.words)]
        return f"{stem} {word} {legal or country.legal_forms[0]}"

    def _standalone_name(self, country: Country, industry: str, used: set[str], i: int) -> str:
        rng = self.rng
        stems = STEMS[country.stems]
        for attempt in range(40):
            stem = rng.choice(stems)
            if attempt >= 20:  # the simple names are taken: join two stems
                stem = f"{stem}-{rng.choice(stems)}"
            name = self._name(country, industry, stem, rng.choice(country.legal_forms))
            if name not in used:
                used.add(name)
                return name
        return self._unique(self._name(country, industry, rng.choice(stems)), used, i)

    @staticmethod
    def _unique(name: str, used: set[str], i: int) -> str:
        if name in used:
            name = f"{name} ({i + 1})"
        used.add(name)
        return name

    # invoices ---------------------------------------------------------------------------

    def invoices(self, profiles: Sequence[_Profile], months: int) -> list[_InvoiceDraft]:
        rng = self.rng
        drafts = []
        bounds = [self.start + relativedelta(months=m) for m in range(months + 1)]
        windows = [(bounds[m], bounds[m + 1] - timedelta(days=1)) for m in range(months)]
        for p in profiles:
            for first, last in windows:
                count = _weighted(rng, p.segment.per_month)
                days = sorted(rng.randint(0, (last - first).days) for _ in range(count))
                for offset in days:
                    issue = first + timedelta(days=offset)
                    if issue.weekday() >= 5:  # invoice on a business day of the same month
                        friday = issue - timedelta(days=issue.weekday() - 4)
                        monday = issue + timedelta(days=7 - issue.weekday())
                        issue = friday if friday >= first else monday
                        issue = min(issue, last)
                    if p.block is not None and issue > p.block:
                        continue
                    percent = rng.randint(40, 160)
                    units = max(1, p.scale * percent // 100 + rng.randrange(10**p.minor))
                    disputed = p.behaviour is Behaviour.DISPUTING and rng.random() < 0.3
                    drafts.append(
                        _InvoiceDraft(
                            p.index, issue, _due(issue, p.terms), units, disputed, self._next()
                        )
                    )
        drafts.sort(key=lambda d: (d.issue, d.customer, d.seq))
        for number, draft in enumerate(drafts, 1):
            draft.id = f"INV-{number:06d}"
            self.remaining[draft.id] = draft.units
        return drafts

    # payments and credit notes ----------------------------------------------------------

    def _payable(self, p: _Profile, day: date) -> bool:
        return day <= self.end and (p.stop is None or day < p.stop)

    def _pay(self, p: _Profile, day: date, invoice: _InvoiceDraft, units: int) -> None:
        if units <= 0:
            return
        self.remittances.setdefault((day, p.index, 0), []).append((invoice.id, units))
        self.remaining[invoice.id] -= units

    def _credit(
        self,
        p: _Profile,
        day: date,
        invoice: _InvoiceDraft,
        units: int,
        *,
        write_off: bool = False,
        applied: bool = True,
    ) -> None:
        self.credits.append(
            _CreditDraft(day, p.index, self._next(), units, invoice.id, write_off, applied)
        )
        if applied:
            self.remaining[invoice.id] -= units

    def _when(self, p: _Profile, invoice: _InvoiceDraft, after_due: int) -> date:
        day = max(invoice.issue, invoice.due + timedelta(days=after_due))
        return _snap(day, not_before=invoice.issue, weekday=p.pay_weekday, backward=after_due <= 0)

    def _planned(self, p: _Profile, invoice: _InvoiceDraft) -> date:
        rng = self.rng
        b = p.behaviour
        if b is Behaviour.PROMPT:
            late = rng.randint(-10, 0) if rng.random() < 0.93 else rng.randint(1, 5)
        elif b is Behaviour.DISCOUNT_TAKER:
            if rng.random() < 0.9:
                day = invoice.issue + timedelta(days=rng.randint(3, DISCOUNT_DAYS))
                return _snap(day, not_before=invoice.issue, weekday=None, backward=True)
            late = -rng.randint(0, 10)
        elif b is Behaviour.SLOW:
            late = rng.randint(15, 45)
        elif b is Behaviour.DETERIORATING:
            if invoice.issue < p.turn:
                late = rng.randint(-6, 2)
            else:
                months = (
                    (invoice.issue.year - p.turn.year) * 12 + invoice.issue.month - p.turn.month
                )
                late = (months + 1) * p.slope + rng.randint(-3, 6)
        elif b is Behaviour.DISPUTING:
            late = rng.randint(-3, 12)
        else:  # DEFAULTING, until it stops
            late = rng.randint(0, 25)
        return self._when(p, invoice, late)

    def settle(self, p: _Profile, invoice: _InvoiceDraft) -> None:
        rng = self.rng
        if invoice.disputed:
            self._resolve_dispute(p, invoice)
            return
        pay_on = self._planned(p, invoice)
        remaining = invoice.units
        if rng.random() < 0.03 and remaining >= 2:  # goods returned: a credit note
            returned = max(1, remaining * rng.randint(5, 30) // 100)
            applied = rng.random() < 0.8
            day = invoice.issue + timedelta(days=rng.randint(2, 20))
            if applied:
                day = min(day, max(pay_on, invoice.issue))
            if day <= self.end:
                self._credit(p, day, invoice, returned, applied=applied)
                remaining = self.remaining[invoice.id]
        if not self._payable(p, pay_on):
            return
        if p.behaviour is Behaviour.DISCOUNT_TAKER and pay_on <= invoice.issue + timedelta(
            days=DISCOUNT_DAYS
        ):
            discount = (remaining * DISCOUNT_PERCENT + 50) // 100
            if 0 < discount < remaining:
                self._credit(p, pay_on, invoice, discount)
        elif (
            p.behaviour is not Behaviour.DISCOUNT_TAKER and rng.random() < 0.06 and remaining >= 2
        ):  # a partial payment, the rest later
            first = max(1, remaining * rng.randint(30, 70) // 100)
            self._pay(p, pay_on, invoice, first)
            later = _snap(
                pay_on + timedelta(days=rng.randint(10, 35)),
                not_before=pay_on,
                weekday=p.pay_weekday,
                backward=False,
            )
            if self._payable(p, later):
                self._pay(p, later, invoice, self.remaining[invoice.id])
            return
        paid = self.remaining[invoice.id]
        self._pay(p, pay_on, invoice, paid)
        if rng.random() < 0.015:  # paid too much: the excess stays on account
            self.extra[(pay_on, p.index, 0)] += max(1, paid * rng.randint(1, 10) // 100)

    def _resolve_dispute(self, p: _Profile, invoice: _InvoiceDraft) -> None:
        rng = self.rng
        outcome = rng.random()
        if outcome < 0.45:  # settled in the customer's favour only in time: paid late
            pay_on = self._when(p, invoice, rng.randint(30, 90))
            if self._payable(p, pay_on):
                self._pay(p, pay_on, invoice, invoice.units)
            return
        resolved = self._when(p, invoice, rng.randint(20, 75))
        if resolved > self.end:
            return
        if outcome < 0.85 and invoice.units >= 2:  # partly credited, the rest paid
            self._credit(p, resolved, invoice, max(1, invoice.units * rng.randint(10, 50) // 100))
            pay_on = _snap(
                resolved + timedelta(days=rng.randint(3, 15)),
                not_before=resolved,
                weekday=p.pay_weekday,
                backward=False,
            )
            if self._payable(p, pay_on):
                self._pay(p, pay_on, invoice, self.remaining[invoice.id])
            return
        self._credit(p, resolved, invoice, invoice.units)  # cancelled in full

    def write_offs(self, p: _Profile, invoices: Sequence[_InvoiceDraft]) -> None:
        if p.block is None:
            return
        day = _snap(
            p.block + timedelta(days=self.rng.randint(150, 270)),
            not_before=p.block,
            weekday=None,
            backward=True,
        )
        still_open = [i for i in invoices if self.remaining[i.id] > 0]
        if day > self.end or len(still_open) < 2:
            return
        for invoice in still_open[: len(still_open) // 2]:
            self._credit(p, day, invoice, self.remaining[invoice.id], write_off=True)

    def on_account(self, p: _Profile) -> None:
        rng = self.rng
        if p.behaviour is Behaviour.DEFAULTING or rng.random() >= 0.15:
            return
        day = _snap(
            self.start + timedelta(days=rng.randint(20, (self.end - self.start).days + 20)),
            not_before=self.start,
            weekday=None,
            backward=True,
        )
        if day > self.end:
            return
        step = 100 * 10**p.minor
        units = max(step, p.scale * rng.randint(20, 80) // 100 // step * step)
        key = (day, p.index, 1)
        self.remittances[key] = []
        self.extra[key] += units

    # records ----------------------------------------------------------------------------

    def ledger(self, profiles: Sequence[_Profile], drafts: Sequence[_InvoiceDraft]) -> Ledger:
        def money(customer: int, units: int) -> Money:
            p = profiles[customer]
            return _money(units, p.minor, p.customer.currency)

        invoices = [
            Invoice(
                d.id,
                profiles[d.customer].customer.id,
                d.issue,
                d.due,
                money(d.customer, d.units),
                disputed=d.disputed,
            )
            for d in drafts
        ]
        allocations: list[Allocation] = []
        credit_notes = []
        credits = sorted(self.credits, key=lambda c: (c.issue, c.customer, c.seq))
        for number, c in enumerate(credits, 1):
            note = CreditNote(
                f"CN-{number:06d}",
                profiles[c.customer].customer.id,
                c.issue,
                money(c.customer, c.units),
                invoice_id=c.invoice_id,
                write_off=c.write_off,
            )
            credit_notes.append(note)
            if c.applied and c.invoice_id is not None:
                allocations.append(Allocation(note.id, c.invoice_id, note.amount, c.issue))
        payments = []
        for number, key in enumerate(sorted(self.remittances), 1):
            day, customer, _ = key
            parts = self.remittances[key]
            total = sum(units for _, units in parts) + self.extra.get(key, 0)
            payment = Payment(
                f"PAY-{number:06d}",
                profiles[customer].customer.id,
                day,
                money(customer, total),
            )
            payments.append(payment)
            allocations.extend(
                Allocation(payment.id, invoice_id, money(customer, units), day)
                for invoice_id, units in parts
            )
        allocations.sort(key=lambda a: (a.applied_on, a.source_id, a.target_id))
        return Ledger(
            customers=[p.customer for p in profiles],
            invoices=invoices,
            credit_notes=credit_notes,
            payments=payments,
            allocations=allocations,
        )


def _check_count(name: str, value: object, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationError(
            f"{name}: expected a whole number from {low} to {high}, got {value!r}"
        )
    return value


def generate(
    *,
    seed: int = 7,
    customers: int = 60,
    start: date = date(2024, 12, 1),
    months: int = 24,
) -> SamplePortfolio:
    """Generate a synthetic portfolio of ``customers`` over ``months`` months from ``start``.

    The portfolio covers ``start`` to the day before ``start + months`` (its ``end``).
    Customers are spread over Germany, France, the Netherlands, Italy and Spain (EUR),
    the United Kingdom (GBP), the United States (USD), Switzerland (CHF) and Japan
    (JPY), over the wholesale, retail and public segments and over several
    industries; about one in twenty belongs to a credit group (a holding company as
    ``parent_id`` of two or three subsidiaries). Each customer has a typical invoice
    size, payment terms (net 14, 30, 45 or 60 days, or 30 days after the end of the
    month of issue; 2/10 net 30 for discount takers) and a :class:`Behaviour`; most
    customers pay promptly, and when there are at least six customers every behaviour
    occurs. Customers are invoiced a few times a month, on business days, in whole
    minor units of their currency (whole yen for JPY).

    Payments are dated on business days (some customers pay in a weekly payment run
    that covers several invoices), never after ``end``; invoices whose payment would
    fall after ``end`` are still open at ``end``. Besides what each behaviour does,
    some invoices are paid in two parts, a few payments are too large (the excess
    stays unapplied), some customers pay an amount on account, and now and then goods
    are returned (a credit note, usually allocated to the invoice). Amounts are in the
    invoice's currency throughout.

    Same arguments, same portfolio: all randomness comes from ``random.Random(seed)``.

    >>> portfolio = generate(seed=1, customers=5)
    >>> portfolio.ledger.customers[0].id
    'C001'
    >>> len(portfolio.ledger.customers), len(portfolio.behaviours)
    (5, 5)
    >>> generate(seed=1, customers=5).ledger.invoices == portfolio.ledger.invoices
    True
    >>> generate(customers=0)
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: customers: expected a whole number from 1 to 100000, got 0
    """
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ValidationError(f"seed: expected an int, got {type(seed).__name__} {seed!r}")
    _check_count("customers", customers, 1, 100_000)
    _check_count("months", months, 1, 1200)
    if not isinstance(start, date) or hasattr(start, "hour"):
        raise ValidationError(
            f"start: expected a datetime.date, got {type(start).__name__} {start!r}"
        )
    try:
        end = start + relativedelta(months=months) - timedelta(days=1)
        # room after ``end`` for due dates (up to 60 days after the end of a month)
        end + timedelta(days=120)
    except (OverflowError, ValueError):
        raise ValidationError(
            f"start: {start.isoformat()} plus {months} months runs past the largest date; "
            "expected a start at least a few months before 9999-12-31"
        ) from None

    rng = random.Random(seed)
    generator = _Generator(rng, start, end)
    profiles = generator.customers(customers)
    drafts = generator.invoices(profiles, months)
    by_customer: dict[int, list[_InvoiceDraft]] = defaultdict(list)
    for draft in drafts:
        by_customer[draft.customer].append(draft)
    for p in profiles:
        mine = by_customer[p.index]
        if p.stop is not None and mine:  # a defaulter leaves at least its last two invoices unpaid
            p = attrs.evolve(p, stop=min(p.stop, mine[max(0, len(mine) - 2)].issue))
        for draft in mine:
            generator.settle(p, draft)
        generator.write_offs(p, mine)
        generator.on_account(p)
    ledger = generator.ledger(profiles, drafts)
    return SamplePortfolio(
        ledger,
        {p.customer.id: p.behaviour for p in profiles},
        start=start,
        end=end,
        seed=seed,
    )
