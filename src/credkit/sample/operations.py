"""What a running credit system holds beside the sample ledger: limits, open orders, dunning.

- :func:`credit_limits`: each customer's credit limits over the portfolio's period:
  a limit from the start, renewed at a yearly review (half-yearly for the riskier
  payers), a temporary higher limit for the autumn season for some customers, a
  credit insurer's limit for others, and a zero limit (no more credit) for
  customers who stopped paying, from the day after their last invoice.
- :func:`open_orders`: sales orders taken in the last weeks of the period and not yet
  invoiced, for customers still buying.
- :func:`dunning_history`: the reminders of weekly dunning runs over the period's last
  half year, as if each proposed reminder had been sent (a few e-mails bounce and are
  recorded as failed). A run proposes reminders only for items overdue on its date,
  so the history is consistent with the ledger.

Like :func:`~credkit.sample.financial_statements`, each is derived from the
portfolio and its seed alone: the same portfolio gives the same records.

>>> from credkit.sample import generate
>>> portfolio = generate(seed=1, customers=8, months=12)
>>> limits = credit_limits(portfolio)
>>> {limit.customer_id for limit in limits} == {c.id for c in portfolio.ledger.customers}
True
>>> credit_limits(portfolio) == limits
True
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, Decimal
from typing import Final

from dateutil.relativedelta import relativedelta

from credkit.dunning import (
    Channel,
    Contact,
    DunningHistory,
    DunningLadder,
    DunningLevel,
    DunningRecord,
    SendStatus,
    dunning_run,
)
from credkit.ledger import Customer
from credkit.limits import CreditLimit, LimitKind
from credkit.money import Money, minor_units
from credkit.policy import OrderRequest
from credkit.sample._reference import CONTEXT, COUNTRIES
from credkit.sample.portfolio import Behaviour, SamplePortfolio
from credkit.sample.statements import _check_portfolio

__all__ = ["credit_limits", "dunning_history", "open_orders"]

_RISKY: Final = frozenset({Behaviour.SLOW, Behaviour.DETERIORATING, Behaviour.DISPUTING})
_ANALYST: Final = "ar.analyst"
_MANAGER: Final = "credit.manager"
_TWO_APPROVERS_EUR: Final = 50_000  # limits from this size (in euros) need the manager too
_SEASON_START: Final = 10  # October
_SEASON_MONTHS: Final = 4  # October to January
_ORDER_DAYS: Final = 21  # orders are taken in the last three weeks
_DUNNING_WEEKS: Final = 26
_BOUNCE_PERCENT: Final = 4
_NO_EMAIL_PERCENT: Final = 15
_LADDER: Final = DunningLadder(
    "sample",
    version="1",
    description="credkit sample ladder",
    levels=(
        DunningLevel(7, channel=Channel.EMAIL, template="friendly-reminder", interval_days=7),
        DunningLevel(21, channel=Channel.LETTER, template="first-notice", interval_days=7),
        DunningLevel(35, channel=Channel.PHONE, template="call", interval_days=7),
        DunningLevel(60, channel=Channel.COLLECTION_AGENCY, template="hand-over", interval_days=7),
    ),
)


def _rng(portfolio: SamplePortfolio, what: str, customer: Customer | None = None) -> random.Random:
    # string seeds hash with SHA-512: the same in every run and on every platform
    suffix = "" if customer is None else f":{customer.id}"
    return random.Random(f"{portfolio.seed}:{what}{suffix}")


def _per_eur(currency: str) -> tuple[int, int]:
    for country in COUNTRIES:
        if country.currency == currency:
            return country.per_eur
    return (1, 1)


def _monthly_invoicing(portfolio: SamplePortfolio, since: date, until: date) -> dict[str, Decimal]:
    """Each customer's average invoicing per month between two dates, in its own currency."""
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for invoice in portfolio.ledger.invoices:
        if since <= invoice.issue_date <= until:
            totals[invoice.customer_id] += invoice.amount.amount
    months = max(1, round((until - since).days / 30.4))
    return {customer: total / months for customer, total in totals.items()}


def _two_figures(value: Decimal, currency: str, rounding: str) -> Money:
    """``value`` rounded to two significant figures (whole units at least)."""
    step = Decimal(1).scaleb(max(value.adjusted() - 1, 0))
    rounded = (value / step).to_integral_value(rounding=rounding) * step
    return Money(rounded.quantize(Decimal(1)), currency)


def _limit_amount(monthly: Decimal, currency: str) -> Money:
    """Twice ``monthly``, rounded up to two significant figures, at least 5,000 euros' worth."""
    num, den = _per_eur(currency)
    return _two_figures(max(2 * monthly, Decimal(5000 * num) / den), currency, ROUND_CEILING)


def _approvers(amount: Money) -> tuple[str, ...]:
    num, den = _per_eur(amount.currency)
    euros = amount.amount * den / num
    return (_ANALYST, _MANAGER) if euros >= _TWO_APPROVERS_EUR else (_ANALYST,)


def _internal(
    customer: Customer, amount: Money, start: date, *, review_months: int, end: date | None
) -> CreditLimit:
    return CreditLimit(
        customer.id,
        amount,
        currency=customer.currency,
        valid_from=start,
        valid_to=end,
        next_review=None if end is not None else start + relativedelta(months=review_months),
        approved_by=_approvers(amount),
        approved_on=start - timedelta(days=3),
    )


def credit_limits(portfolio: SamplePortfolio) -> tuple[CreditLimit, ...]:
    """Every customer's credit limits over the period, by customer, then date, then kind.

    Each customer has an internal limit from the portfolio's start: twice its
    average monthly invoicing in the first months, rounded up to two significant
    figures (at least 5,000 euros' worth, in its currency). A year later (six months
    for slow, deteriorating and disputing payers) the limit is reviewed and renewed
    from its invoicing since: the first limit ends the day before, and the new one's
    ``next_review`` is the next review date. About one customer in six gets a
    temporary limit half as high again from the last 1 October of the period to the
    end of January, one in four a credit insurer's limit (``LimitKind.INSURED``),
    and a customer who stopped paying has a zero limit (no credit) from the day after
    its last invoice. Limits of 50,000 euros' worth or more are approved by two.

    >>> from credkit.sample import generate
    >>> portfolio = generate(seed=1, customers=6)
    >>> [(l.valid_from.isoformat(), str(l.amount), l.kind.value) for l in credit_limits(portfolio)
    ...  if l.customer_id == "C001"]
    [('2024-12-01', '7500 EUR', 'internal'), ('2025-12-01', '8500 EUR', 'internal')]
    """
    portfolio = _check_portfolio(portfolio)
    start, end = portfolio.start, portfolio.end
    last_invoice: dict[str, date] = {}
    for invoice in portfolio.ledger.invoices:
        last_invoice[invoice.customer_id] = invoice.issue_date
    limits: list[CreditLimit] = []
    for customer in portfolio.ledger.customers:
        rng = _rng(portfolio, "limits", customer)
        behaviour = portfolio.behaviours[customer.id]
        months = 6 if behaviour in _RISKY else 12
        review = start + relativedelta(months=months)
        first = _monthly_invoicing(portfolio, start, min(review, end) - timedelta(days=1))
        base = _limit_amount(first.get(customer.id, Decimal(0)), customer.currency)
        mine: list[CreditLimit] = []
        if review <= end:
            mine.append(
                _internal(customer, base, start, review_months=months, end=review - timedelta(1))
            )
            since = _monthly_invoicing(portfolio, review - relativedelta(months=months), end)
            current = _limit_amount(since.get(customer.id, Decimal(0)), customer.currency)
            mine.append(_internal(customer, current, review, review_months=months, end=None))
        else:
            current = base
            mine.append(_internal(customer, base, start, review_months=months, end=None))
        stopped = last_invoice.get(customer.id)
        defaulted = behaviour is Behaviour.DEFAULTING and stopped is not None and stopped < end
        if defaulted and stopped is not None:
            day = stopped + timedelta(days=1)
            if all(limit.valid_from != day for limit in mine):
                mine.append(
                    CreditLimit(
                        customer.id,
                        Money.zero(customer.currency),
                        currency=customer.currency,
                        valid_from=day,
                        approved_by=(_ANALYST, _MANAGER),
                        approved_on=day,
                    )
                )
        season = date(end.year, _SEASON_START, 1)
        if season > end:
            season = date(end.year - 1, _SEASON_START, 1)
        seasonal = rng.randrange(6) == 0
        if (
            seasonal
            and not defaulted
            and season > start
            and all(limit.valid_from != season for limit in mine)
        ):
            raised = Money((current.amount * 3 / 2).quantize(Decimal(1)), customer.currency)
            mine.append(
                CreditLimit(
                    customer.id,
                    raised,
                    currency=customer.currency,
                    valid_from=season,
                    valid_to=season + relativedelta(months=_SEASON_MONTHS) - timedelta(days=1),
                    approved_by=_approvers(raised),
                    approved_on=season - timedelta(days=7),
                )
            )
        if rng.randrange(4) == 0:
            cover = current.amount * rng.randint(50, 100) / 100
            insured_from = start + timedelta(days=rng.randint(0, 90))
            mine.append(
                CreditLimit(
                    customer.id,
                    _two_figures(cover, customer.currency, ROUND_FLOOR),
                    currency=customer.currency,
                    valid_from=insured_from,
                    next_review=insured_from + relativedelta(years=1),
                    kind=LimitKind.INSURED,
                )
            )
        limits.extend(sorted(mine, key=lambda limit: (limit.valid_from, limit.kind.value)))
    return tuple(limits)


def _business_day(day: date) -> date:
    """``day``, or the Friday before it when it falls on a weekend."""
    return day - timedelta(days=max(0, day.weekday() - 4))


def open_orders(portfolio: SamplePortfolio) -> tuple[OrderRequest, ...]:
    """Sales orders taken in the period's last three weeks and not invoiced by its end.

    Customers invoiced in the last 90 days of the period may have up to three open
    orders each, dated on business days, each about the size of one of the
    customer's usual invoices (in its currency, in whole minor units). Orders are
    numbered ``SO-000001`` on in order of date and customer; each carries its
    ``customer_id``, and ``order_date`` is the day it was taken.

    >>> from credkit.sample import generate
    >>> portfolio = generate(seed=1, customers=6)
    >>> orders = open_orders(portfolio)
    >>> all(0 <= (portfolio.end - o.order_date).days < 21 for o in orders)
    True
    >>> [(o.order_id, o.customer_id) for o in orders][:2]
    [('SO-000001', 'C003'), ('SO-000002', 'C004')]
    """
    portfolio = _check_portfolio(portfolio)
    end = portfolio.end
    recent = end - timedelta(days=90)
    amounts: dict[str, list[Decimal]] = defaultdict(list)
    active: set[str] = set()
    for invoice in portfolio.ledger.invoices:
        amounts[invoice.customer_id].append(invoice.amount.amount)
        if invoice.issue_date > recent:
            active.add(invoice.customer_id)
    drafts: list[tuple[date, int, int, Money, str]] = []
    for index, customer in enumerate(portfolio.ledger.customers):
        if customer.id not in active:
            continue
        rng = _rng(portfolio, "orders", customer)
        usual = sorted(amounts[customer.id])
        places = minor_units(customer.currency)
        for draw in range(rng.choice((0, 0, 1, 1, 1, 2, 2, 3))):
            day = _business_day(end - timedelta(days=rng.randrange(_ORDER_DAYS)))
            if day < portfolio.start:
                continue
            size = usual[rng.randrange(len(usual))] * rng.randint(50, 150) / 100
            amount = size.quantize(Decimal(1).scaleb(-places), ROUND_HALF_EVEN, CONTEXT)
            if amount > 0:
                drafts.append((day, index, draw, Money(amount, customer.currency), customer.id))
    drafts.sort(key=lambda draft: draft[:3])
    return tuple(
        OrderRequest(f"SO-{number:06d}", amount, order_date=day, customer_id=customer_id)
        for number, (day, _, _, amount, customer_id) in enumerate(drafts, 1)
    )


def _contacts(portfolio: SamplePortfolio) -> dict[str, Contact]:
    contacts = {}
    for customer in portfolio.ledger.customers:
        if _rng(portfolio, "contact", customer).randrange(100) >= _NO_EMAIL_PERCENT:
            contacts[customer.id] = Contact(f"ar-{customer.id.lower()}@example.com")
    return contacts


def dunning_history(portfolio: SamplePortfolio) -> DunningHistory:
    """The reminders of weekly dunning runs over the last half year of the period.

    The runs fall on the period's last day and every seven days before it, back to
    26 weeks (or to the start of a shorter period). Each uses a four-level ladder
    (an e-mail 7 days after the due date, a letter at 21, a phone call at 35, a
    hand-over to a collection agency at 60, at least a week apart) with ladder id
    ``"sample"``, over the ledger as it stood on the run's date, so that only items
    overdue on that date are reminded. Customers without an e-mail address (about
    one in seven) get letters instead of e-mails; about one e-mail in 25 bounces and
    is recorded as ``SendStatus.FAILED`` (it is proposed again in the next run).

    >>> from credkit.sample import generate
    >>> portfolio = generate(seed=1, customers=6, months=12)
    >>> history = dunning_history(portfolio)
    >>> record = history.records[0]
    >>> invoice = portfolio.ledger.document(record.item_ids[0])
    >>> invoice.due_date < record.on, record.ladder_id
    (True, 'sample')
    """
    portfolio = _check_portfolio(portfolio)
    ledger = portfolio.ledger
    contacts = _contacts(portfolio)
    rng = _rng(portfolio, "dunning")
    days = [
        portfolio.end - timedelta(weeks=weeks)
        for weeks in range(_DUNNING_WEEKS, -1, -1)
        if portfolio.end - timedelta(weeks=weeks) >= portfolio.start
    ]
    history = DunningHistory()
    for day in days:
        run = dunning_run(ledger, history, as_of=day, ladder=_LADDER, contacts=contacts)
        records = []
        for action in run.actions:
            bounced = action.channel is Channel.EMAIL and rng.randrange(100) < _BOUNCE_PERCENT
            status = SendStatus.FAILED if bounced else SendStatus.SENT
            records.append(DunningRecord.from_action(action, status=status))
        history = history.add(*records)
    return history
