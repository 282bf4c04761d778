"""A seeded generator of a realistic synthetic receivables portfolio.

:func:`generate` builds a :class:`~credkit.ledger.Ledger` of business customers in
several countries and currencies, two years (by default) of invoices, and the
payments, credit notes and allocations that follow from each customer's payment
:class:`Behaviour`: prompt payers, discount takers, slow payers, customers whose
payments deteriorate, customers who dispute invoices and customers who stop
paying. It is meant for demos, documentation, tutorials and tests of the
calculators that read a ledger (aging, KPIs, scoring, dunning).
:func:`financial_statements` and :func:`scoring_inputs` add what a scorecard needs
beyond the ledger: a yearly statement, a company age and a bureau score per customer.

The same seed and arguments always give the same portfolio: the generator draws
from one :class:`random.Random` seeded with ``seed`` and reads no clock and no
global state.

>>> portfolio = generate(seed=1, customers=5)
>>> portfolio.ledger.customers[0].id
'C001'
>>> portfolio.start.isoformat(), portfolio.end.isoformat()
('2024-12-01', '2026-11-30')
>>> portfolio.ledger.last_date() <= portfolio.end
True
"""

from __future__ import annotations

import calendar
import enum
import functools
import itertools
import random
import types
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from decimal import Context, Decimal, localcontext
from typing import Final, TypeVar

import attrs
from dateutil.relativedelta import relativedelta

from credkit.errors import ValidationError
from credkit.kpi import PaymentBehaviour, payment_behaviour
from credkit.ledger import Allocation, CreditNote, Customer, Invoice, Ledger, Payment
from credkit.money import Money, minor_units
from credkit.scoring.ratios import current_ratio, equity_ratio
from credkit.scoring.statements import FinancialStatement

__all__ = [
    "Behaviour",
    "SamplePortfolio",
    "financial_statements",
    "generate",
    "scoring_inputs",
]

_T = TypeVar("_T")


class Behaviour(enum.Enum):
    """How a sample customer pays its invoices.

    - ``PROMPT``: pays within terms, now and then a few days late.
    - ``DISCOUNT_TAKER``: buys on 2/10 net 30 and mostly pays within the ten-day
      discount window, short by 2 %; the discount is a credit note allocated to the
      invoice on the day of payment. Otherwise pays within terms.
    - ``SLOW``: pays 15 to 45 days after the due date.
    - ``DETERIORATING``: pays on time during the portfolio's first year, then a few
      days later every month.
    - ``DISPUTING``: disputes about a third of its invoices (``Invoice.disputed``);
      a disputed invoice is paid late, partly credited and the rest paid, or fully
      credited. Undisputed invoices are paid around the due date.
    - ``DEFAULTING``: pays a little late for a while, then stops paying; invoicing
      stops some weeks later. The last invoices (at least two) stay open, and the
      oldest half of them are written off (``CreditNote(write_off=True)``) five to
      nine months after invoicing stopped, when the portfolio runs that long.

    >>> Behaviour("discount_taker")
    <Behaviour.DISCOUNT_TAKER: 'discount_taker'>
    """

    PROMPT = "prompt"
    DISCOUNT_TAKER = "discount_taker"
    SLOW = "slow"
    DETERIORATING = "deteriorating"
    DISPUTING = "disputing"
    DEFAULTING = "defaulting"


def _frozen_behaviours(value: Mapping[str, Behaviour]) -> Mapping[str, Behaviour]:
    return types.MappingProxyType(dict(value))


def _seed(instance: object, attribute: attrs.Attribute[int], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(f"seed: expected an int, got {type(value).__name__} {value!r}")


@attrs.frozen(eq=False)
class SamplePortfolio:
    """A generated ledger, each customer's payment behaviour, and the period it covers.

    ``end`` is the last day covered: nothing in the ledger is dated after it, so it is
    the natural "as of" date for aging and KPIs. ``behaviours`` maps every customer
    id to its :class:`Behaviour` and is read-only. ``seed`` is the seed the portfolio
    was generated with; :func:`financial_statements` and :func:`scoring_inputs` derive
    their figures from it. Like :class:`~credkit.ledger.Ledger`, portfolios compare by
    identity; compare their records to compare contents.

    >>> portfolio = generate(seed=3, customers=8, months=6)
    >>> sorted(portfolio.behaviours) == [c.id for c in portfolio.ledger.customers]
    True
    >>> portfolio.end.isoformat(), portfolio.seed
    ('2025-05-31', 3)
    """

    ledger: Ledger = attrs.field(validator=attrs.validators.instance_of(Ledger))
    behaviours: Mapping[str, Behaviour] = attrs.field(converter=_frozen_behaviours)
    start: date = attrs.field(kw_only=True)
    end: date = attrs.field(kw_only=True)
    seed: int = attrs.field(kw_only=True, validator=_seed)

    def customer_ids(self, behaviour: Behaviour) -> tuple[str, ...]:
        """The ids of the customers with ``behaviour``, in ledger order.

        >>> portfolio = generate(seed=1, customers=12, months=3)
        >>> all(portfolio.behaviours[i] is Behaviour.SLOW for i in portfolio.customer_ids(Behaviour.SLOW))
        True
        """
        return tuple(c.id for c in self.ledger.customers if self.behaviours[c.id] is behaviour)


# -- reference data ---------------------------------------------------------------------
# Weights are relative frequencies; sizes are rough and only shape the amounts.

_BEHAVIOUR_WEIGHTS: Final = (
    (Behaviour.PROMPT, 45),
    (Behaviour.DISCOUNT_TAKER, 12),
    (Behaviour.SLOW, 17),
    (Behaviour.DETERIORATING, 9),
    (Behaviour.DISPUTING, 9),
    (Behaviour.DEFAULTING, 8),
)


@attrs.frozen
class _Country:
    code: str
    currency: str
    stems: str  # language of the name stems
    words: str  # language of the industry words
    legal_forms: tuple[str, ...]
    weight: int
    per_eur: tuple[int, int]  # currency units per euro, roughly, as a fraction (sizing only)


_COUNTRIES: Final = (
    _Country("DE", "EUR", "de", "de", ("GmbH", "AG", "GmbH & Co. KG"), 18, (1, 1)),
    _Country("FR", "EUR", "fr", "fr", ("SAS", "SA", "SARL"), 12, (1, 1)),
    _Country("NL", "EUR", "nl", "nl", ("B.V.", "N.V."), 8, (1, 1)),
    _Country("IT", "EUR", "it", "it", ("S.p.A.", "S.r.l."), 9, (1, 1)),
    _Country("ES", "EUR", "es", "es", ("S.L.", "S.A."), 8, (1, 1)),
    _Country("GB", "GBP", "en", "en", ("Ltd", "plc"), 14, (85, 100)),
    _Country("US", "USD", "en", "en", ("Inc.", "LLC", "Corp."), 14, (108, 100)),
    _Country("CH", "CHF", "de", "de", ("AG", "GmbH"), 7, (95, 100)),
    _Country("JP", "JPY", "ja", "en", ("K.K.", "Co., Ltd."), 6, (160, 1)),
)

_STEMS: Final[Mapping[str, tuple[str, ...]]] = {
    "de": (
        "Nordwind",
        "Rheinblick",
        "Alpenrose",
        "Falkenstein",
        "Eichenhof",
        "Sonnenberg",
        "Weserland",
        "Hansa",
        "Lindenhof",
        "Bergmann",
    ),
    "fr": (
        "Lumière",
        "Mistral",
        "Azur",
        "Horizon",
        "Beaulieu",
        "Valmont",
        "Rivoli",
        "Chantilly",
        "Belfort",
        "Garonne",
    ),
    "nl": (
        "Zeewind",
        "Polder",
        "Delta",
        "Oranje",
        "Noorderlicht",
        "Vlieland",
        "Amstel",
        "Dijkstra",
        "Waterland",
        "Kempen",
    ),
    "it": (
        "Aurora",
        "Vesuvio",
        "Solaris",
        "Stella",
        "Dolomiti",
        "Tirreno",
        "Venturi",
        "Aquila",
        "Monteverde",
        "Laguna",
    ),
    "es": (
        "Sierra",
        "Solana",
        "Mirador",
        "Brisa",
        "Alhambra",
        "Duero",
        "Costa",
        "Montaña",
        "Vega",
        "Girasol",
    ),
    "en": (
        "Atlas",
        "Brightwater",
        "Summit",
        "Redwood",
        "Harbour",
        "Keystone",
        "Northgate",
        "Meridian",
        "Oakridge",
        "Silverline",
        "Pinnacle",
        "Riverside",
    ),
    "ja": (
        "Sakura",
        "Fujimi",
        "Hikari",
        "Asahi",
        "Midori",
        "Kaze",
        "Tsubasa",
        "Yamato",
        "Shinsei",
        "Kobayashi",
    ),
}

# industry -> word in de, fr, nl, it, es, en
_INDUSTRY_WORDS: Final[Mapping[str, tuple[str, str, str, str, str, str]]] = {
    "logistics": ("Logistik", "Logistique", "Logistiek", "Logistica", "Logística", "Logistics"),
    "manufacturing": (
        "Komponenten",
        "Composants",
        "Componenten",
        "Componenti",
        "Componentes",
        "Components",
    ),
    "food": ("Lebensmittel", "Alimentaire", "Voeding", "Alimentari", "Alimentación", "Foods"),
    "construction": (
        "Bau",
        "Construction",
        "Bouw",
        "Costruzioni",
        "Construcciones",
        "Construction",
    ),
    "electronics": (
        "Elektronik",
        "Électronique",
        "Elektronica",
        "Elettronica",
        "Electrónica",
        "Electronics",
    ),
    "chemicals": ("Chemie", "Chimie", "Chemie", "Chimica", "Química", "Chemicals"),
    "textiles": ("Textil", "Textiles", "Textiel", "Tessuti", "Textil", "Textiles"),
    "healthcare": ("Medizintechnik", "Médical", "Medisch", "Medicale", "Médica", "Medical"),
    "energy": ("Energie", "Énergie", "Energie", "Energia", "Energía", "Energy"),
    "distribution": (
        "Handel",
        "Distribution",
        "Handel",
        "Distribuzione",
        "Distribución",
        "Distribution",
    ),
}
_LANGUAGES: Final = ("de", "fr", "nl", "it", "es", "en")
_INDUSTRIES: Final = tuple(_INDUSTRY_WORDS)
_PUBLIC_INDUSTRIES: Final = ("healthcare", "energy", "construction")


@attrs.frozen
class _Segment:
    name: str
    weight: int
    size_eur: tuple[int, int]  # typical invoice, in euros, drawn log-uniformly
    per_month: tuple[tuple[int, int], ...]  # (invoices in a month, weight)
    terms: tuple[tuple[tuple[str, int], int], ...]  # ((kind, days), weight)


_SEGMENTS: Final = (
    _Segment(
        "wholesale",
        50,
        (4_000, 60_000),
        ((0, 5), (1, 35), (2, 33), (3, 19), (4, 8)),
        ((("net", 30), 35), (("net", 45), 20), (("net", 60), 15), (("eom", 30), 30)),
    ),
    _Segment(
        "retail",
        30,
        (300, 4_000),
        ((0, 15), (1, 60), (2, 25)),
        ((("net", 14), 40), (("net", 30), 60)),
    ),
    _Segment(
        "public",
        20,
        (2_000, 40_000),
        ((0, 20), (1, 65), (2, 15)),
        ((("net", 30), 60), (("net", 60), 40)),
    ),
)

# Fixed arithmetic context, so that the caller's decimal context cannot change the output.
_CONTEXT: Final = Context(prec=28)

_DISCOUNT_DAYS: Final = 10
_DISCOUNT_PERCENT: Final = 2
_DISCOUNT_TERMS: Final = ("net", 30)

# -- drafts (integer minor units until the very end) ------------------------------------


@attrs.frozen
class _Profile:
    index: int
    customer: Customer
    behaviour: Behaviour
    segment: _Segment
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
    return Money(Decimal(units).scaleb(-minor, _CONTEXT), currency)


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
        countries = _spread(rng, [(c, c.weight) for c in _COUNTRIES], n)
        behaviours = _spread(rng, _BEHAVIOUR_WEIGHTS, n)
        segment_weights = tuple((s, s.weight) for s in _SEGMENTS)
        segments = [_weighted(rng, segment_weights) for _ in range(n)]
        industries: list[str] = [
            rng.choice(_PUBLIC_INDUSTRIES if s.name == "public" else _INDUSTRIES) for s in segments
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
            stems = [s for s in _STEMS[countries[parent].stems] if s not in used_stems]
            stem = rng.choice(stems or _STEMS[countries[parent].stems])
            used_stems.add(stem)
            names[parent] = self._unique(
                f"{stem} Holding {rng.choice(countries[parent].legal_forms)}", used, parent
            )
            child_industries = rng.sample(_INDUSTRIES, size - 1)
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
            ctx = _CONTEXT
            bottom = ctx.ln(Decimal(low))
            span = ctx.subtract(ctx.ln(Decimal(high)), bottom)
            euros = int(ctx.exp(ctx.add(bottom, ctx.multiply(span, Decimal(rng.random())))))
            num, den = country.per_eur
            scale = max(1, euros * num // den) * 10**minor
            terms = (
                _DISCOUNT_TERMS
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
    def _name(country: _Country, industry: str, stem: str, legal: str | None = None) -> str:
        word = _INDUSTRY_WORDS[industry][_LANGUAGES.index(country.words)]
        return f"{stem} {word} {legal or country.legal_forms[0]}"

    def _standalone_name(self, country: _Country, industry: str, used: set[str], i: int) -> str:
        rng = self.rng
        stems = _STEMS[country.stems]
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
                day = invoice.issue + timedelta(days=rng.randint(3, _DISCOUNT_DAYS))
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
            days=_DISCOUNT_DAYS
        ):
            discount = (remaining * _DISCOUNT_PERCENT + 50) // 100
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


# -- scoring inputs -------------------------------------------------------------------------
# A yearly statement, a founding date and a bureau score per customer, none of which a
# ledger holds. Each customer's figures come from its own random.Random seeded with the
# string "{seed}:{customer id}" (string seeds hash with SHA-512, so they are the same in
# every run and on every platform, unlike hash()), and only integer draws are used.


@attrs.frozen
class _Strength:
    """Ranges the draws come from, per behaviour (ints, drawn uniformly, ends included)."""

    equity_bp: tuple[int, int]  # book equity / total assets, basis points
    current_ratio_pct: tuple[int, int]  # current assets / current liabilities, hundredths
    margin_bp: tuple[int, int]  # EBIT / sales, basis points
    bureau: tuple[int, int]  # bureau score, 0-100
    age_years: tuple[int, int]  # years since founding


_STRENGTH: Final[Mapping[Behaviour, _Strength]] = {
    Behaviour.PROMPT: _Strength((3000, 5500), (140, 240), (500, 1200), (60, 95), (6, 60)),
    Behaviour.DISCOUNT_TAKER: _Strength((3500, 6000), (150, 260), (600, 1400), (65, 98), (8, 70)),
    Behaviour.SLOW: _Strength((1200, 3200), (100, 160), (150, 600), (35, 70), (3, 40)),
    Behaviour.DISPUTING: _Strength((1800, 4000), (110, 180), (250, 800), (40, 80), (4, 50)),
    Behaviour.DETERIORATING: _Strength((400, 2000), (80, 125), (-200, 400), (25, 60), (2, 30)),
    Behaviour.DEFAULTING: _Strength((-1200, 1000), (50, 100), (-900, 150), (5, 40), (1, 15)),
}

# Legal forms of the generated names that are not limited companies; the rest
# (GmbH, AG, SAS, Ltd, plc, Inc., LLC, K.K., ...) count as "corporation".
_PARTNERSHIPS: Final = ("GmbH & Co. KG",)
_LEGAL_FORMS: Final = tuple(
    sorted({form for country in _COUNTRIES for form in country.legal_forms}, key=len, reverse=True)
)
_MIN_INVOICES: Final = 3  # paid invoices needed for the payment figures
_WINDOW_MONTHS: Final = 24


@attrs.frozen
class _Company:
    statement: FinancialStatement
    founded: date
    bureau_score: int


def _check_portfolio(portfolio: object) -> SamplePortfolio:
    if not isinstance(portfolio, SamplePortfolio):
        raise ValidationError(
            f"portfolio: expected a SamplePortfolio from credkit.sample.generate, "
            f"got {type(portfolio).__name__}"
        )
    return portfolio


def _annual_volumes(portfolio: SamplePortfolio) -> dict[str, int]:
    """Each customer's invoicing over the last year, in minor units of its currency.

    Customers invoiced only earlier (a defaulter whose deliveries stopped) get their
    whole period's invoicing scaled to a year.
    """
    last_year: dict[str, int] = defaultdict(int)
    whole: dict[str, int] = defaultdict(int)
    year_before = portfolio.end - relativedelta(years=1)
    for invoice in portfolio.ledger.invoices:
        minor = minor_units(invoice.amount.currency)
        units = int(invoice.amount.amount.scaleb(minor, _CONTEXT))
        whole[invoice.customer_id] += units
        if invoice.issue_date > year_before:
            last_year[invoice.customer_id] += units
    days = (portfolio.end - portfolio.start).days + 1
    return {customer: last_year[customer] or whole[customer] * 365 // days for customer in whole}


def _companies(portfolio: SamplePortfolio) -> dict[str, _Company]:
    volumes = _annual_volumes(portfolio)
    countries = {c.code: c for c in _COUNTRIES}
    end = portfolio.end
    companies = {}
    for customer in portfolio.ledger.customers:
        rng = random.Random(f"{portfolio.seed}:{customer.id}")
        strength = _STRENGTH[portfolio.behaviours[customer.id]]
        minor = minor_units(customer.currency)
        volume = volumes.get(customer.id, 0)
        if volume == 0:  # never invoiced: a small firm (20,000 euros a year, in its currency)
            country = countries.get(customer.country)
            num, den = country.per_eur if country is not None else (1, 1)
            volume = 20_000 * num // den * 10**minor
        # We are one of the customer's suppliers: our sales to it are 2-12 % of its sales.
        sales = volume * 100 // rng.randint(2, 12)
        total_assets = sales * 100 // rng.randint(80, 250)  # asset turnover 0.8-2.5
        equity = total_assets * rng.randint(*strength.equity_bp) // 10_000
        liabilities = total_assets - equity
        current_assets = total_assets * rng.randint(35, 70) // 100
        current_liabilities = min(
            current_assets * 100 // rng.randint(*strength.current_ratio_pct), liabilities
        )
        inventory = current_assets * rng.randint(10, 40) // 100
        cash = current_assets * rng.randint(5, 25) // 100
        intangibles = (total_assets - current_assets) * rng.randint(0, 15) // 100
        ebit = sales * rng.randint(*strength.margin_bp) // 10_000
        if equity > 0:  # equity = share capital + retained earnings
            capital = equity * rng.randint(10, 60) // 100
        else:
            capital = total_assets * rng.randint(2, 8) // 100
        interest_bearing = liabilities - current_liabilities + current_liabilities * 3 // 10
        interest = max(10**minor, interest_bearing * rng.randint(300, 800) // 10_000)

        def amount(units: int, minor: int = minor) -> Decimal:
            return Decimal(units).scaleb(-minor, _CONTEXT)

        statement = FinancialStatement(
            current_assets=amount(current_assets),
            current_liabilities=amount(current_liabilities),
            total_assets=amount(total_assets),
            total_liabilities=amount(liabilities),
            retained_earnings=amount(equity - capital),
            ebit=amount(ebit),
            sales=amount(sales),
            book_equity=amount(equity),
            intangibles=amount(intangibles),
            cash=amount(cash),
            inventory=amount(inventory),
            interest_expense=amount(interest),
            period_end=end,
            currency=customer.currency,
        )
        bureau = rng.randint(*strength.bureau)
        low, high = strength.age_years
        founded = end - timedelta(days=rng.randint(low * 365, high * 365 + 364))
        companies[customer.id] = _Company(statement, founded, bureau)
    return companies


def financial_statements(portfolio: SamplePortfolio) -> Mapping[str, FinancialStatement]:
    """One synthetic yearly financial statement per customer, as of ``portfolio.end``.

    The figures are invented but consistent: total assets equal total liabilities plus
    book equity, cash and inventory are part of the current assets, current
    liabilities part of the total liabilities, and book equity is share capital plus
    retained earnings. They are sized by what the customer was invoiced in the
    portfolio's last year (its sales are 8 to 50 times that; a customer invoiced only
    earlier has its whole period's invoicing scaled to a year, and one never invoiced
    the figures of a small firm), and they follow its
    :class:`Behaviour`: prompt payers and discount takers have more equity, more
    liquidity and better margins, deteriorating and defaulting customers thin or
    negative equity, poor liquidity and low or negative margins. Amounts are
    ``Decimal`` values in whole minor units of the customer's currency; there is no
    market value of equity (the customers are private companies), so use the Z' or
    Z'' Altman models.

    Each customer's figures depend only on ``portfolio.seed``, the customer's id and
    its invoicing, never on a clock or on Python's per-run hash salt: the same
    portfolio always gives the same statements. The mapping is read-only, in ledger
    order.

    >>> from credkit.scoring import Z_DOUBLE_PRIME, altman_z
    >>> portfolio = generate(seed=7, customers=6)
    >>> statements = financial_statements(portfolio)
    >>> list(statements) == [c.id for c in portfolio.ledger.customers]
    True
    >>> prompt = portfolio.customer_ids(Behaviour.PROMPT)[0]
    >>> s = statements[prompt]
    >>> s.currency, s.period_end == portfolio.end, s.total_assets == s.total_liabilities + s.book_equity
    ('EUR', True, True)
    >>> s.sales, s.book_equity
    (Decimal('210474.75'), Decimal('60542.44'))
    >>> altman_z(s, model=Z_DOUBLE_PRIME).zone.value
    'safe'
    """
    companies = _companies(_check_portfolio(portfolio))
    return types.MappingProxyType({cid: company.statement for cid, company in companies.items()})


def _legal_form(name: str) -> str | None:
    base = name
    if base.endswith(")") and " (" in base:  # "Name (12)": made unique by the generator
        base = base[: base.rindex(" (")]
    for form in _LEGAL_FORMS:
        if base.endswith(f" {form}"):
            return "partnership" if form in _PARTNERSHIPS else "corporation"
    return None


def _weighted_days_beyond_terms(portfolio: SamplePortfolio) -> dict[str, Decimal]:
    """Days beyond terms weighted by the amount paid, per customer, over the window.

    Invoices settled after ``end - 24 months`` and on or before ``end``; each weighs
    its amount less what credit notes settled of it, and invoices settled by credit
    notes alone were cancelled, not paid, and are left out. Signed: early payment
    counts negative. Customers with fewer than three paid invoices are left out.
    """
    after = portfolio.end - relativedelta(months=_WINDOW_MONTHS)
    paid: dict[str, Decimal] = defaultdict(Decimal)
    weighted: dict[str, Decimal] = defaultdict(Decimal)
    counted: dict[str, int] = defaultdict(int)
    for settlement in portfolio.ledger.settlements():
        if not after < settlement.settled_on <= portfolio.end:
            continue
        amount = settlement.amount.amount - settlement.credited.amount
        if amount <= 0:
            continue
        customer = settlement.customer_id
        paid[customer] += amount
        weighted[customer] += amount * settlement.days_beyond_terms
        counted[customer] += 1
    return {
        customer: weighted[customer] / paid[customer]
        for customer, n in counted.items()
        if n >= _MIN_INVOICES
    }


def scoring_inputs(portfolio: SamplePortfolio) -> Mapping[str, Mapping[str, Decimal | str | None]]:
    """Per customer, the inputs that the example scorecard reads.

    The keys are those of :func:`credkit.scoring.example_scorecard` (the shipped
    ``trade-credit-scorecard.toml``):

    - ``current_ratio`` and ``equity_ratio``: from the customer's
      :func:`financial_statements` entry (unrounded);
    - ``payment_index``: the amount-weighted 0-100 payment index of
      :func:`credkit.kpi.payment_behaviour` over the invoices settled in the 24 months
      up to ``portfolio.end``;
    - ``days_beyond_terms``: the days beyond terms of the same invoices, weighted by
      the amount paid (signed: early payment counts negative), computed from
      ``portfolio.ledger.settlements()``;
    - ``years_in_business``: whole years from a synthetic founding date to
      ``portfolio.end``;
    - ``legal_form``: ``"corporation"`` for limited companies and ``"partnership"``
      for a GmbH & Co. KG, read off the customer's name;
    - ``bureau_score``: a synthetic 0-100 bureau score (higher is better), drawn like
      the statement from the customer's behaviour.

    A customer with fewer than three paid invoices in the window has ``None`` for both
    payment figures, so that the scorecard's missing rule applies: a defaulter whose
    invoices stay open has no payment history to show, and the scorecard does not
    pretend otherwise. All values are ``Decimal`` (computed in a fixed 28-digit
    context, whatever the caller's), strings or ``None``; the mappings are read-only.

    >>> from credkit.scoring import example_scorecard
    >>> portfolio = generate(seed=7, customers=6)
    >>> inputs = scoring_inputs(portfolio)
    >>> sorted(inputs["C001"])
    ['bureau_score', 'current_ratio', 'days_beyond_terms', 'equity_ratio', 'legal_form', 'payment_index', 'years_in_business']
    >>> card = example_scorecard()
    >>> for cid, values in inputs.items():
    ...     result = card.score(values)
    ...     print(cid, portfolio.behaviours[cid].value, result.total, result.risk_class.name)
    C001 slow 530 D
    C002 deteriorating 575 C
    C003 discount_taker 695 A
    C004 defaulting 455 E
    C005 disputing 615 B
    C006 prompt 710 A
    """
    _check_portfolio(portfolio)
    with localcontext(_CONTEXT):
        companies = _companies(portfolio)
        dbt = _weighted_days_beyond_terms(portfolio)
        behaviours = payment_behaviour(
            portfolio.ledger.settlements(),
            as_of=portfolio.end,
            window_months=_WINDOW_MONTHS,
            min_invoices=_MIN_INVOICES,
        )
        result: dict[str, Mapping[str, Decimal | str | None]] = {}
        for customer in portfolio.ledger.customers:
            company = companies[customer.id]
            statement = company.statement
            behaviour = behaviours.get(customer.id)
            index = behaviour.payment_index if isinstance(behaviour, PaymentBehaviour) else None
            years = relativedelta(portfolio.end, company.founded).years
            result[customer.id] = types.MappingProxyType(
                {
                    "current_ratio": current_ratio(statement),
                    "equity_ratio": equity_ratio(statement),
                    "payment_index": index,
                    "days_beyond_terms": dbt.get(customer.id),
                    "years_in_business": Decimal(years),
                    "legal_form": _legal_form(customer.name),
                    "bureau_score": Decimal(company.bureau_score),
                }
            )
    return types.MappingProxyType(result)
