"""``credkit limits``: credit-limit recommendations for the sample portfolio.

Builds the seeded sample portfolio (:func:`credkit.sample.generate`), reads each
customer's synthetic financial statement (:func:`credkit.sample.financial_statements`),
scores it with the example scorecard (:func:`credkit.scoring.example_scorecard`) for
its risk class, reads its last twelve full months of credit sales and its usual
payment terms from the ledger, and recommends a limit with a
:class:`~credkit.limits.LimitPolicy` (``--policy``, default
:func:`~credkit.limits.example_policy`). Members of a credit group are capped by
the group's headroom. The sample has no bureau data and no credit insurance, so
those methods say they do not apply.

The sample has no credit limits either. To compare, the command derives a
*synthetic* current limit per customer: one month's average of its credit sales in
the portfolio's first year, rounded down to two significant figures (for a parent,
of the whole group's sales). The output says so.
"""

from __future__ import annotations

import argparse
import datetime
from collections.abc import Mapping, Sequence
from decimal import ROUND_FLOOR, Decimal
from pathlib import Path
from typing import Any

import attrs
from dateutil.relativedelta import relativedelta

from credkit import config, sample
from credkit.cli._common import (
    Subcommands,
    grid,
    load_rates,
    non_negative_int,
    plain_amount,
    plain_number,
)
from credkit.cli._output import OK, add_format_argument, emit, for_user
from credkit.errors import ValidationError
from credkit.fx import RateSource, convert
from credkit.ledger import Ledger
from credkit.limits import (
    GroupHeadroom,
    LimitInputs,
    LimitPolicy,
    LimitRecommendation,
    example_policy,
    group_headroom,
    recommend,
)
from credkit.money import Money, minor_units
from credkit.scoring import example_scorecard

__all__ = [
    "SYNTHETIC_NOTE",
    "LimitRow",
    "add_parser",
    "demo_section",
    "portfolio_recommendations",
    "render",
    "run",
    "synthetic_limits",
]

SYNTHETIC_NOTE = (
    "Current limits are synthetic (the sample has none): one month's average of the "
    "customer's credit sales in the portfolio's first year (the whole group's, for a parent), "
    "rounded down to two significant figures."
)
"""What the output says about the synthetic current limits."""


def add_parser(commands: Subcommands) -> None:
    """Register ``credkit limits`` on the sub-command parser ``commands``."""
    parser = commands.add_parser(
        "limits",
        help="recommend credit limits for the sample portfolio",
        description="Recommend a credit limit for every customer of the seeded sample "
        "portfolio with a limit policy, next to a synthetic current limit.",
    )
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    parser.add_argument(
        "--customers", type=non_negative_int, default=60, help="number of customers (default 60)"
    )
    parser.add_argument(
        "--policy",
        type=Path,
        metavar="POLICY.toml",
        help="limit policy document (TOML or JSON); default: the example policy",
    )
    parser.add_argument(
        "--grace-days",
        type=non_negative_int,
        default=0,
        metavar="N",
        help="days of tolerance after the payment terms for the sales method (default 0)",
    )
    parser.add_argument(
        "--rates",
        type=Path,
        metavar="RATES.csv",
        help="exchange rates (valid_from,base,quote,rate per line) for groups whose members "
        "use different currencies and for policies without amounts in every currency",
    )
    parser.add_argument(
        "--customer",
        metavar="ID",
        help="print the full working of this customer's recommendation instead of the table",
    )
    add_format_argument(
        parser,
        help="output format: table (default), json or csv; with --customer, table prints the "
        "full working and json/csv that customer's line",
    )
    parser.set_defaults(func=run)


# -- the core of the command (pure, given a portfolio) ----------------------------------


@attrs.frozen
class LimitRow:
    """One customer's recommendation next to its synthetic current limit, for the output.

    ``note`` says why the group headroom could not be applied, when it could not.

    >>> row = portfolio_recommendations(sample.generate(seed=1, customers=1), example_policy())[0]
    >>> row.recommendation.customer_id, row.note
    ('C001', '')
    """

    recommendation: LimitRecommendation
    note: str = ""


def _round_down_significant(amount: Decimal, digits: int = 2) -> Decimal:
    if amount <= 0:
        return Decimal(0)
    exponent = amount.adjusted() - digits + 1
    step = Decimal(1).scaleb(exponent)
    return (amount / step).to_integral_value(rounding=ROUND_FLOOR) * step


def synthetic_limits(
    portfolio: sample.SamplePortfolio, *, rates: RateSource | None = None
) -> dict[str, Money]:
    """A plausible *current* limit per customer, since the sample has none (see the module).

    One month's average of the customer's credit sales in the portfolio's first twelve
    months, rounded down to two significant figures; for a parent, of the whole
    group's sales (members in another currency are converted with ``rates``, or left
    out without them). Customers without first-year sales get none.

    >>> synthetic_limits(sample.generate(seed=1, customers=3))
    {'C001': Money('35000.00', 'GBP'), 'C002': Money('50000.00', 'USD'), 'C003': Money('3700.00', 'EUR')}
    """
    ledger = portfolio.ledger
    first_year_end = portfolio.start + relativedelta(months=12)
    sales: dict[str, Money] = {c.id: Money.zero(c.currency) for c in ledger.customers}
    for invoice in ledger.invoices:
        if invoice.issue_date >= first_year_end:
            continue
        own = sales[invoice.customer_id]
        if invoice.amount.currency == own.currency:
            sales[invoice.customer_id] = own + invoice.amount
    children: dict[str, list[str]] = {}
    for customer in ledger.customers:
        if customer.parent_id is not None:
            children.setdefault(customer.parent_id, []).append(customer.id)

    def group_sales(customer_id: str, currency: str) -> Money:
        total = Money.zero(currency)
        own = sales[customer_id]
        if own.currency == currency:
            total += own
        elif rates is not None:
            total += convert(own, currency, on=portfolio.end, rates=rates)
        for child in children.get(customer_id, []):
            total += group_sales(child, currency)
        return total

    result = {}
    for customer in ledger.customers:
        base = (
            group_sales(customer.id, customer.currency)
            if customer.id in children
            else (sales[customer.id])
        )
        amount = _round_down_significant(base.amount / 12)
        if amount > 0:
            places = minor_units(customer.currency)
            result[customer.id] = Money(
                amount.quantize(Decimal(1).scaleb(-places)), customer.currency
            )
    return result


def _risk_classes(portfolio: sample.SamplePortfolio) -> dict[str, str | None]:
    card = example_scorecard()
    inputs = sample.scoring_inputs(portfolio)
    result: dict[str, str | None] = {}
    for customer in portfolio.ledger.customers:
        score = card.score(inputs[customer.id])
        result[customer.id] = None if score.risk_class is None else score.risk_class.name
    return result


def portfolio_recommendations(
    portfolio: sample.SamplePortfolio,
    policy: LimitPolicy,
    *,
    rates: RateSource | None = None,
    grace_days: int = 0,
) -> list[LimitRow]:
    """A recommendation for every customer of ``portfolio`` as of its end (see the module).

    >>> rows = portfolio_recommendations(sample.generate(seed=1, customers=4), example_policy())
    >>> [r.recommendation.customer_id for r in rows]
    ['C001', 'C002', 'C003', 'C004']
    """
    ledger = portfolio.ledger
    as_of = portfolio.end
    statements = sample.financial_statements(portfolio)
    classes = _risk_classes(portfolio)
    current = synthetic_limits(portfolio, rates=rates)
    rows = []
    for customer in ledger.customers:
        inputs = LimitInputs.from_ledger(
            ledger,
            customer.id,
            as_of=as_of,
            months=12,
            rates=rates,
            grace_days=grace_days,
            statement=statements.get(customer.id),
            risk_class=classes[customer.id],
            current_limit=current.get(customer.id),
        )
        group, note = _group(ledger, customer.id, current, as_of, rates)
        rows.append(LimitRow(recommend(inputs, policy, rates=rates, group=group), note))
    return rows


def _group(
    ledger: Ledger,
    customer_id: str,
    current: Mapping[str, Money],
    as_of: datetime.date,
    rates: RateSource | None,
) -> tuple[GroupHeadroom | None, str]:
    if ledger.customer(customer_id).parent_id is None:
        return None, ""
    try:
        return group_headroom(ledger, customer_id, limits=current, as_of=as_of, rates=rates), ""
    except ValidationError as error:
        if rates is not None:
            raise
        # Said in the output, next to the customer: the group bound was not applied.
        return None, f"group headroom not applied without --rates: {for_user(error.message)}"


# -- output -----------------------------------------------------------------------------


def _amount(money: Money | None) -> str:
    return "-" if money is None else plain_amount(money)


def _decided_by(rec: LimitRecommendation) -> str:
    if rec.amount is None:
        return "no method applies"
    for adjustment in reversed(rec.adjustments):
        if not adjustment.binding or adjustment.step == "round_down":
            continue
        if adjustment.step == "blocked":
            return f"blocked class {rec.inputs.risk_class}"
        if adjustment.step == "group":
            return "group headroom"
        return adjustment.step
    return ", ".join(rec.chosen) or "-"


def _change(rec: LimitRecommendation) -> str:
    change = rec.change
    if change is None:
        return "-"
    if change.is_zero:
        return "0"
    sign = "+" if change.is_positive else "-"
    return sign + _amount(abs(change))


def _ratio(rec: LimitRecommendation) -> Decimal | None:
    """The recommended limit over the current one (None unless both are known, the current > 0)."""
    current = rec.inputs.current_limit
    if rec.amount is None or current is None or not current.is_positive:
        return None
    return rec.amount.amount / current.amount


def _change_percent(rec: LimitRecommendation) -> str:
    ratio = _ratio(rec)
    if ratio is None:
        return "-"
    percent = (ratio - 1) * 100
    return ("+" if percent > 0 else "") + plain_number(percent, 1)


def _cells(row: LimitRow, *, percent: bool = False) -> list[str]:
    rec = row.recommendation
    customer = rec.inputs.customer
    return [
        customer.id,
        customer.name,
        customer.segment or "-",
        rec.inputs.risk_class or "-",
        rec.currency,
        _amount(rec.inputs.current_limit),
        _amount(rec.amount),
        _change(rec),
        *([_change_percent(rec)] if percent else []),
        _decided_by(rec),
    ]


def _table(rows: Sequence[LimitRow], *, percent: bool = False) -> list[str]:
    header = ["Customer", "Name", "Segment", "Class", "Ccy", "Current*", "Recommended", "Change"]
    header += ["Change %"] if percent else []
    header += ["Decided by"]
    body = [_cells(row, percent=percent) for row in rows]
    return grid(header, body, left={"Customer", "Name", "Segment", "Class", "Ccy", "Decided by"})


_CSV_HEADER = [
    "customer_id",
    "name",
    "segment",
    "risk_class",
    "currency",
    "current_limit",
    "recommended_limit",
    "change",
    "decided_by",
    "note",
]


def _record(row: LimitRow) -> dict[str, Any]:
    rec = row.recommendation
    return {
        "customer_id": rec.customer_id,
        "name": rec.inputs.customer.name,
        "segment": rec.inputs.segment,
        "risk_class": rec.inputs.risk_class,
        "currency": rec.currency,
        "current_limit": rec.inputs.current_limit,
        "recommended_limit": rec.amount,
        "change": rec.change,
        "decided_by": _decided_by(rec),
        "note": row.note,
    }


def _text(rows: Sequence[LimitRow], policy: LimitPolicy) -> str:
    as_of = rows[0].recommendation.as_of.isoformat() if rows else "-"
    lines = [
        f"Credit limit recommendations as of {as_of} (policy {policy.id} version {policy.version})",
        *_table(rows),
        "",
        f"* {SYNTHETIC_NOTE}",
    ]
    notes = [f"  {r.recommendation.customer_id}: {r.note}" for r in rows if r.note]
    if notes:
        lines += ["Notes:", *notes]
    return "\n".join(lines)


def render(
    rows: Sequence[LimitRow], *, policy: LimitPolicy, format: str = "table", raw: bool = False
) -> str:
    """The recommendations as a plain-text table (with notes), JSON or CSV (``raw``: cells exact).

    JSON and CSV carry exact amounts (see :mod:`credkit.cli._output`); limits are money.

    >>> rows = portfolio_recommendations(sample.generate(seed=1, customers=2), example_policy())
    >>> print(render(rows, policy=example_policy(), format="csv").splitlines()[0])
    customer_id,name,segment,risk_class,currency,current_limit,recommended_limit,change,decided_by,note
    """
    records = [_record(row) for row in rows]

    def amount(value: Money | None) -> object:
        return None if value is None else value.amount

    return emit(
        format,
        table=lambda: _text(rows, policy),
        document=lambda: {
            "as_of": rows[0].recommendation.as_of if rows else None,
            "policy": {"id": policy.id, "version": policy.version},
            "current_limits": SYNTHETIC_NOTE,
            "rows": records,
        },
        rows=lambda: (
            _CSV_HEADER,
            (
                [
                    amount(r[c]) if c in ("current_limit", "recommended_limit", "change") else r[c]
                    for c in _CSV_HEADER
                ]
                for r in records
            ),
        ),
        raw=raw,
    )


def demo_section(portfolio: sample.SamplePortfolio) -> str:
    """Limit recommendations vs (synthetic) current limits, for ``credkit demo``.

    A count of increases, decreases and customers without a recommendation, then
    the five largest increases and the five largest decreases in percent of the
    current limit (limits are in several currencies), under the example policy.

    >>> text = demo_section(sample.generate(seed=1, customers=20))
    >>> print(text.splitlines()[0])
    Limit recommendations vs current limits as of 2026-11-30 (policy trade-credit-limits version 2026.1)
    >>> "synthetic" in text
    True
    """
    policy = example_policy()
    rows = portfolio_recommendations(portfolio, policy)
    none = sum(row.recommendation.amount is None for row in rows)
    ratios = sorted(
        (ratio, index)
        for index, row in enumerate(rows)
        if (ratio := _ratio(row.recommendation)) is not None
    )
    up = sum(ratio > 1 for ratio, _ in ratios)
    down = sum(ratio < 1 for ratio, _ in ratios)
    same = len(ratios) - up - down
    decreases = [rows[i] for ratio, i in ratios[:5] if ratio < 1]
    increases = [rows[i] for ratio, i in reversed(ratios[-5:]) if ratio > 1]
    as_of = portfolio.end.isoformat()
    lines = [
        f"Limit recommendations vs current limits as of {as_of} (policy {policy.id} "
        f"version {policy.version})",
        f"  {len(rows)} customers: {up} up, {down} down, {same} unchanged, "
        f"{none} without a recommendation",
    ]
    for title, chosen in (
        ("Largest increases (by percent)", increases),
        ("Largest decreases (by percent)", decreases),
    ):
        lines += ["", title, *(_table(chosen, percent=True) if chosen else ["(none)"])]
    lines += ["", f"* {SYNTHETIC_NOTE}"]
    return "\n".join(lines)


# -- running ----------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> int:
    """Build the sample, recommend the limits and print them."""
    policy = example_policy() if args.policy is None else config.load(LimitPolicy, args.policy)
    rates = None if args.rates is None else load_rates(args.rates)
    portfolio = sample.generate(seed=args.seed, customers=args.customers)
    rows = portfolio_recommendations(portfolio, policy, rates=rates, grace_days=args.grace_days)
    if args.customer is not None:
        for row in rows:
            if row.recommendation.customer_id == args.customer:
                if args.format != "table":
                    print(render([row], policy=policy, format=args.format, raw=args.raw_csv))
                    return OK
                print(row.recommendation.explain())
                if row.note:
                    print(f"Note: {row.note}")
                print(f"* {SYNTHETIC_NOTE}")
                return OK
        known = ", ".join(r.recommendation.customer_id for r in rows[:3])
        raise ValidationError(
            f"--customer: no customer {args.customer!r} in the sample (ids such as {known})"
        )
    print(render(rows, policy=policy, format=args.format, raw=args.raw_csv))
    return OK
