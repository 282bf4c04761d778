"""What a scorecard needs beyond the ledger: yearly statements, company ages, bureau scores."""

from __future__ import annotations

import random
import types
from collections import defaultdict
from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal, localcontext
from typing import Final

import attrs
from dateutil.relativedelta import relativedelta

from credkit.errors import ValidationError
from credkit.kpi import PaymentBehaviour, payment_behaviour
from credkit.money import minor_units
from credkit.sample._reference import CONTEXT, COUNTRIES
from credkit.sample.portfolio import Behaviour, SamplePortfolio
from credkit.scoring.ratios import current_ratio, equity_ratio
from credkit.scoring.statements import FinancialStatement

__all__ = ["financial_statements", "scoring_inputs"]

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
    sorted({form for country in COUNTRIES for form in country.legal_forms}, key=len, reverse=True)
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
        units = int(invoice.amount.amount.scaleb(minor, CONTEXT))
        whole[invoice.customer_id] += units
        if invoice.issue_date > year_before:
            last_year[invoice.customer_id] += units
    days = (portfolio.end - portfolio.start).days + 1
    return {customer: last_year[customer] or whole[customer] * 365 // days for customer in whole}


def _companies(portfolio: SamplePortfolio) -> dict[str, _Company]:
    volumes = _annual_volumes(portfolio)
    countries = {c.code: c for c in COUNTRIES}
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
            return Decimal(units).scaleb(-minor, CONTEXT)

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
    >>> from credkit.sample import generate
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
    >>> from credkit.sample import generate
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
    with localcontext(CONTEXT):
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
