"""Bureau reports for the sample portfolio, as a synthetic bureau called ``sample`` keeps them.

:func:`sample_reports` gives, for each customer of a
:class:`~credkit.sample.SamplePortfolio`, four quarterly reports over the portfolio's last
nine months (the last one on its ``end``): a 0-100 score on the ``sample-score`` scale
(the customer's ``bureau_score`` of :func:`credkit.sample.scoring_inputs` in the last
report), the risk class it maps to as the rating, a probability of default, a suggested
limit sized from the customer's financial statement, the payment index and the statement.
Customers whose payments deteriorate are downgraded quarter by quarter; the first
customer that stops paying gets an insolvency event shortly after it stopped, so that
monitoring has something to find. ``credkit sample --out DIR`` writes them into
``DIR/bureau/`` for ``FileBureau(DIR / "bureau", provider="sample")``.

The same portfolio always gives the same reports: each customer's figures come from a
:class:`random.Random` seeded with ``"{seed}:bureau:{customer id}"``.

>>> from credkit.sample import generate
>>> reports = sample_reports(generate(seed=7, customers=8))
>>> len(reports), reports[-1].provider, reports[-1].fetched_at.isoformat()
(32, 'sample', '2026-11-30T06:00:00+00:00')
>>> [r.rating for r in reports if r.subject_id == "C008"]
['B', 'C', 'C', 'C']
>>> [e.kind.value for r in reports for e in r.events][:1]
['insolvency']
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from credkit.bureau.report import BureauReport, DerogatoryEvent
from credkit.bureau.scale import rating_scale
from credkit.money import Money
from credkit.sample import Behaviour, SamplePortfolio, financial_statements, scoring_inputs

__all__ = ["SAMPLE_PROVIDER", "sample_reports"]

SAMPLE_PROVIDER = "sample"
"""The provider name of the sample reports (the folder :class:`FileBureau` reads)."""

_PD = {"A": "0.005", "B": "0.013", "C": "0.03", "D": "0.07", "E": "0.15"}
_LIMIT_SHARE = {"A": "0.12", "B": "0.08", "C": "0.05", "D": "0.02", "E": "0"}


def _stop_day(portfolio: SamplePortfolio, customer_id: str) -> datetime.date:
    paid = [
        payment.received_on
        for payment in portfolio.ledger.payments
        if payment.customer_id == customer_id
    ]
    return max(paid) if paid else portfolio.start


def sample_reports(portfolio: SamplePortfolio) -> tuple[BureauReport, ...]:
    """Quarterly sample bureau reports for every customer (see the module), oldest first."""
    inputs = scoring_inputs(portfolio)
    statements = financial_statements(portfolio)
    scale = rating_scale()
    days = [portfolio.end - relativedelta(months=months) for months in (9, 6, 3, 0)]
    insolvent = next(iter(portfolio.customer_ids(Behaviour.DEFAULTING)), None)
    reports: list[BureauReport] = []
    for customer in portfolio.ledger.customers:
        rng = random.Random(f"{portfolio.seed}:bureau:{customer.id}")
        behaviour = portfolio.behaviours[customer.id]
        final = int(Decimal(str(inputs[customer.id]["bureau_score"])))
        step = rng.randint(8, 14)
        statement = statements[customer.id]
        index = inputs[customer.id]["payment_index"]
        payment_index = (
            None
            if index is None
            else min(Decimal(100), max(Decimal(0), Decimal(str(index)))).quantize(Decimal(1))
        )
        events: list[DerogatoryEvent] = []
        if customer.id == insolvent:
            filed = _stop_day(portfolio, customer.id) + datetime.timedelta(days=rng.randint(20, 60))
            filed = min(filed, days[-1])
            events.append(
                DerogatoryEvent("insolvency", filed, description="insolvency proceedings opened")
            )
        for quarter, day in enumerate(days):
            later = len(days) - 1 - quarter
            if behaviour in (Behaviour.DETERIORATING, Behaviour.DEFAULTING):
                score = final + later * step
            else:
                score = final + (rng.randint(-3, 3) if later else 0)
            score = min(100, max(0, score))
            risk = scale.risk_class("sample-score", score=score)
            at = datetime.datetime.combine(day, datetime.time(6, 0), tzinfo=datetime.UTC)
            sales = statement.sales or Decimal(0)
            limit = (sales * Decimal(_LIMIT_SHARE[risk]) / 1000).to_integral_value(
                rounding="ROUND_FLOOR"
            ) * 1000
            known = [event for event in events if event.on <= day]
            reports.append(
                BureauReport(
                    SAMPLE_PROVIDER,
                    customer.id,
                    at,
                    report_id=f"S{portfolio.seed}-{customer.id}-{day:%Y%m%d}",
                    rating=risk if not known else "E",
                    rating_scale="sample-class",
                    score=score if not known else 0,
                    score_scale="sample-score",
                    pd=_PD[risk] if not known else "1",
                    recommended_limit=Money.of(limit if not known else 0, customer.currency),
                    payment_index=payment_index,
                    events=known,
                    statements=[statement],
                    raw={"generator": "credkit.bureau.samples", "seed": portfolio.seed},
                )
            )
    return tuple(sorted(reports, key=lambda r: (r.fetched_at, r.subject_id)))
