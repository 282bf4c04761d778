"""``credkit check``: credit-check sales orders from a CSV file against a ledger and a policy.

``ORDERS.csv`` has the columns ``customer_id``, ``order_id``, ``amount``, ``currency``
and ``prepaid`` (``true``/``false``, ``yes``/``no``, ``1``/``0`` or empty for false),
and optionally ``order_date`` (``YYYY-MM-DD``, default: the as-of date). The ledger
is a directory in credkit's canonical layout (``--ledger``, read with
:func:`credkit.io.read_ledger`) or, by default, the seeded sample portfolio of
:func:`credkit.sample.generate`; documents in another currency than a customer's
limit need ``--rates`` (read with :func:`credkit.io.read_rates`). The policy is a TOML or JSON document
(``--policy``) or :data:`DEFAULT_POLICY`.

Credit limits come from ``--limits LIMITS.csv`` (columns ``customer_id``,
``amount`` (empty for no limit), ``currency``, and optionally ``valid_to`` and
``next_review``). Without it every customer gets a *synthetic* limit, and the
output says so: twice what the customer was invoiced in the 90 days up to the
as-of date, rounded up to a whole 1,000 of its currency (at least 1,000).

Orders are checked in file order, and an approved order counts as an open order of
its customer for the customer's later orders in the file, as it would in an ERP.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from decimal import ROUND_CEILING, Decimal
from pathlib import Path
from typing import Any, Final

from credkit import sample
from credkit._validate import iso_day
from credkit.cli._common import Subcommands, grid, iso_date, load_rates
from credkit.errors import CredkitError, ValidationError
from credkit.fx import RateSource
from credkit.io import read_ledger
from credkit.ledger import Ledger
from credkit.money import Money, to_decimal
from credkit.policy import (
    CreditProfile,
    Decision,
    OrderRequest,
    Outcome,
    Policy,
    build_profile,
    check,
    format_amount,
    load_policy,
)
from credkit.sample import Behaviour, SamplePortfolio

__all__ = [
    "DEFAULT_POLICY",
    "add_parser",
    "demo_section",
    "read_limits",
    "read_orders",
    "run",
    "synthetic_limit",
]

DEFAULT_POLICY: Final = """\
id = "credkit-default"
version = "1"
description = "The policy credkit check and credkit demo use unless given another"

[[rules]]
rule = "customer_blocked"
on_fail = "reject"
stop = true

[[rules]]
rule = "require_limit"

[[rules]]
rule = "limit_validity"

[[rules]]
rule = "static_limit"

[[rules]]
rule = "overdue_too_old"
max_days = 90
on_fail = "reject"

[[rules]]
rule = "overdue_too_old"
max_days = 30

[[rules]]
rule = "overdue_share"
max_share = "0.5"
"""
"""The policy used without ``--policy``: a blocked customer is rejected; no limit, an
expired limit, going over the limit, anything more than 30 days overdue or more than
half of the open invoices overdue holds the order; anything more than 90 days overdue
rejects it."""

_ORDER_COLUMNS: Final = ("customer_id", "order_id", "amount", "currency", "prepaid")
_LIMIT_COLUMNS: Final = ("customer_id", "amount", "currency")
_TRUE: Final = frozenset({"true", "yes", "y", "1"})
_FALSE: Final = frozenset({"false", "no", "n", "0", ""})
_SYNTHETIC_DAYS: Final = 90
_SYNTHETIC_STEP: Final = Decimal(1000)
SYNTHETIC_NOTE: Final = (
    "synthetic limits: twice each customer's invoicing in the 90 days up to the as-of date, "
    "rounded up to 1,000"
)


def add_parser(commands: Subcommands) -> None:
    """Register ``credkit check`` on the sub-command parser ``commands``."""
    parser = commands.add_parser(
        "check",
        help="credit-check sales orders from a CSV file",
        description="Check each order of ORDERS.csv (customer_id, order_id, amount, currency, "
        "prepaid) against the customer's credit profile as of a date and a credit policy, and "
        "print the decisions with their reasons.",
    )
    parser.add_argument("orders", type=Path, metavar="ORDERS.csv", help="the orders to check")
    parser.add_argument(
        "--ledger",
        type=Path,
        metavar="DIR",
        help="ledger directory in the canonical layout (default: the sample portfolio)",
    )
    parser.add_argument(
        "--policy", type=Path, metavar="POLICY.toml", help="credit policy, TOML or JSON"
    )
    parser.add_argument(
        "--limits",
        type=Path,
        metavar="LIMITS.csv",
        help="credit limits: customer_id, amount, currency[, valid_to, next_review] "
        "(default: synthetic limits)",
    )
    parser.add_argument(
        "--rates",
        type=Path,
        metavar="RATES.csv",
        help="exchange rates (valid_from,base,quote,rate) for documents in other currencies "
        "than a customer's limit",
    )
    parser.add_argument(
        "--as-of",
        type=iso_date,
        metavar="DATE",
        help="date of the profiles, YYYY-MM-DD (default: the ledger's last date)",
    )
    parser.add_argument(
        "--format", choices=("table", "json"), default="table", help="output format"
    )
    parser.set_defaults(func=run)


# -- input ----------------------------------------------------------------------------


def _rows(path: Path, required: Sequence[str]) -> Iterator[tuple[int, dict[str, str]]]:
    try:
        handle = path.open(encoding="utf-8", newline="")
    except OSError as error:
        raise ValidationError(f"{path}: cannot read: {error}") from None
    with handle:
        reader = csv.DictReader(handle)
        try:
            header = reader.fieldnames or []
            missing = [c for c in required if c not in header]
            if missing:
                raise ValidationError(
                    f"{path}: missing column {', '.join(missing)}; expected {', '.join(required)}"
                )
            for row in reader:
                yield reader.line_num, {k: (v or "").strip() for k, v in row.items() if k}
        except (csv.Error, UnicodeDecodeError, OSError) as error:
            raise ValidationError(f"{path}, line {reader.line_num}: {error}") from None


def _cell(path: Path, line: int, column: str, problem: str) -> ValidationError:
    return ValidationError(f"{path}, line {line}, column {column}: {problem}")


def _money(path: Path, line: int, row: Mapping[str, str]) -> Money:
    try:
        amount = to_decimal(row["amount"], field="amount")
    except CredkitError as error:
        raise _cell(path, line, "amount", str(error).removeprefix("amount: ")) from None
    try:
        return Money(amount, row["currency"])
    except CredkitError as error:
        raise _cell(path, line, "currency", str(error).removeprefix("currency: ")) from None


def _optional_date(
    path: Path, line: int, row: Mapping[str, str], column: str
) -> datetime.date | None:
    text = row.get(column, "")
    if not text:
        return None
    try:
        return iso_day(text)
    except ValueError:
        raise _cell(
            path, line, column, f"{text!r} is not a date in the format YYYY-MM-DD"
        ) from None


def read_orders(path: Path, *, as_of: datetime.date) -> list[OrderRequest]:
    """The orders of a CSV file; ``order_date`` defaults to ``as_of``.

    >>> import tempfile, pathlib, datetime
    >>> with tempfile.TemporaryDirectory() as directory:
    ...     path = pathlib.Path(directory) / "orders.csv"
    ...     _ = path.write_text("customer_id,order_id,amount,currency,prepaid\\nC001,SO-1,1200.00,EUR,no\\n")
    ...     [(o.order_id, str(o.amount), o.prepaid) for o in read_orders(path, as_of=datetime.date(2026, 11, 30))]
    [('SO-1', '1200.00 EUR', False)]
    """
    orders = []
    seen: dict[str, int] = {}
    for line, row in _rows(path, _ORDER_COLUMNS):
        flag = row["prepaid"].lower()
        if flag not in _TRUE | _FALSE:
            raise _cell(path, line, "prepaid", f"{row['prepaid']!r} is not true or false")
        order_id = row["order_id"]
        if order_id in seen:
            raise _cell(path, line, "order_id", f"{order_id!r} is already on line {seen[order_id]}")
        seen[order_id] = line
        try:
            orders.append(
                OrderRequest(
                    order_id,
                    _money(path, line, row),
                    order_date=_optional_date(path, line, row, "order_date") or as_of,
                    prepaid=flag in _TRUE,
                    customer_id=row["customer_id"] or None,
                )
            )
        except ValidationError as error:
            if str(error).startswith(str(path)):
                raise
            raise ValidationError(f"{path}, line {line}: {error}") from None
        if not row["customer_id"]:
            raise _cell(path, line, "customer_id", "empty; every order needs a customer")
    return orders


def read_limits(path: Path) -> dict[str, dict[str, Any]]:
    """Credit limits by customer id: ``limit`` (Money or None), ``limit_valid_to``, ``next_review``.

    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as directory:
    ...     path = pathlib.Path(directory) / "limits.csv"
    ...     _ = path.write_text("customer_id,amount,currency,valid_to\\nC001,50000,EUR,2027-06-30\\nC002,,USD,\\n")
    ...     limits = read_limits(path)
    >>> limits["C001"]["limit"], limits["C002"]["limit"]
    (Money('50000', 'EUR'), None)
    """
    limits: dict[str, dict[str, Any]] = {}
    for line, row in _rows(path, _LIMIT_COLUMNS):
        customer = row["customer_id"]
        if not customer:
            raise _cell(path, line, "customer_id", "empty")
        if customer in limits:
            raise _cell(path, line, "customer_id", f"{customer!r} has a limit already")
        limit = _money(path, line, row) if row["amount"] else None
        if limit is None:
            try:
                Money.zero(row["currency"])
            except CredkitError as error:
                message = str(error).removeprefix("currency: ")
                raise _cell(path, line, "currency", message) from None
        limits[customer] = {
            "limit": limit,
            "currency": row["currency"],
            "limit_valid_to": _optional_date(path, line, row, "valid_to"),
            "next_review": _optional_date(path, line, row, "next_review"),
        }
    return limits


def synthetic_limit(ledger: Ledger, customer_id: str, *, as_of: datetime.date) -> Money:
    """Twice the customer's invoicing in the 90 days to ``as_of``, rounded up to 1,000 (at least 1,000).

    Only invoices in the customer's own currency count. For demonstrations only: a
    real limit comes from an assessment (see the limits package).

    >>> from credkit.ledger import Customer, Invoice
    >>> ledger = Ledger(
    ...     customers=[Customer("C1", "Acme", country="DE", currency="EUR")],
    ...     invoices=[Invoice("I1", "C1", datetime.date(2026, 11, 2), datetime.date(2026, 12, 2),
    ...                       Money.of("12345.67", "EUR"))],
    ... )
    >>> synthetic_limit(ledger, "C1", as_of=datetime.date(2026, 11, 30))
    Money('25000', 'EUR')
    """
    customer = ledger.customer(customer_id)
    since = as_of - datetime.timedelta(days=_SYNTHETIC_DAYS)
    invoiced = sum(
        (
            invoice.amount.amount
            for invoice in ledger.invoices
            if invoice.customer_id == customer_id
            and invoice.amount.currency == customer.currency
            and since < invoice.issue_date <= as_of
        ),
        Decimal(0),
    )
    steps = (2 * invoiced / _SYNTHETIC_STEP).to_integral_value(rounding=ROUND_CEILING)
    return Money(max(steps, Decimal(1)) * _SYNTHETIC_STEP, customer.currency)


# -- checking -------------------------------------------------------------------------


def _decide(
    ledger: Ledger,
    orders: Sequence[OrderRequest],
    policy: Policy,
    *,
    as_of: datetime.date,
    limits: Mapping[str, Mapping[str, Any]] | None,
    rates: RateSource | None = None,
) -> list[Decision]:
    open_orders: dict[str, Decimal] = defaultdict(Decimal)
    decisions = []
    for order in orders:
        customer_id = order.customer_id
        assert customer_id is not None
        customer = ledger.customer(customer_id)
        if limits is None:
            record: Mapping[str, Any] = {"limit": synthetic_limit(ledger, customer_id, as_of=as_of)}
        elif customer_id in limits:
            record = limits[customer_id]
        else:
            record = {"limit": None, "currency": customer.currency}
        currency = record.get("currency") or customer.currency
        profile: CreditProfile = build_profile(
            ledger,
            customer_id,
            as_of=as_of,
            limit=record["limit"],
            limit_valid_to=record.get("limit_valid_to"),
            next_review=record.get("next_review"),
            currency=currency,
            open_orders=Money(open_orders[customer_id], currency),
            rates=rates,
        )
        decision = check(profile, order, policy)
        if decision.outcome is Outcome.APPROVE and not order.prepaid and order.adds_exposure:
            open_orders[customer_id] += order.amount.amount
        decisions.append(decision)
    return decisions


# -- output ---------------------------------------------------------------------------


def _decision_cells(decision: Decision) -> list[str]:
    after = decision.available_after
    return [
        decision.order.order_id,
        decision.profile.customer_id,
        format_amount(decision.order.amount),
        decision.outcome.value.upper(),
        "no limit" if after is None else format_amount(after),
    ]


def _table(decisions: Sequence[Decision], title: str) -> str:
    header = ["Order", "Customer", "Amount", "Outcome", "Available after"]
    table = grid(
        header, [_decision_cells(d) for d in decisions], left={"Order", "Customer", "Outcome"}
    )
    lines = [title, *table[:2]]
    for decision, row in zip(decisions, table[2:], strict=True):
        lines.append(row)
        exemption = decision.exemption
        if exemption is not None:
            lines.append(f"    {exemption.code}: {exemption.message}")
        for reason in decision.reasons:
            lines.append(f"    {reason.outcome.value} {reason.code}: {reason.message}")
    counts = {o: sum(d.outcome is o for d in decisions) for o in Outcome}
    lines.append(
        f"{len(decisions)} order{'' if len(decisions) == 1 else 's'}: "
        f"{counts[Outcome.APPROVE]} approved, "
        f"{counts[Outcome.HOLD]} held, {counts[Outcome.REJECT]} rejected"
    )
    return "\n".join(lines)


def _header(policy: Policy, as_of: datetime.date, synthetic: bool) -> str:
    text = f"Credit check as of {as_of.isoformat()}, policy {policy.id} version {policy.version}"
    return text + (f"\n({SYNTHETIC_NOTE})" if synthetic else "")


def run(args: argparse.Namespace) -> int:
    """Read the inputs, check every order and print the decisions."""
    portfolio: SamplePortfolio | None = None
    if args.ledger is None:
        portfolio = sample.generate()
        ledger = portfolio.ledger
    else:
        ledger = read_ledger(args.ledger)
    as_of: datetime.date | None = args.as_of
    if as_of is None:
        as_of = portfolio.end if portfolio is not None else ledger.last_date()
        if as_of is None:
            raise ValidationError("--as-of: the ledger is empty; give the date to check as of")
    policy = (
        load_policy(DEFAULT_POLICY, format="toml")
        if args.policy is None
        else load_policy(args.policy)
    )
    limits = None if args.limits is None else read_limits(args.limits)
    orders = read_orders(args.orders, as_of=as_of)
    rates = None if args.rates is None else load_rates(args.rates)
    decisions = _decide(ledger, orders, policy, as_of=as_of, limits=limits, rates=rates)
    if args.format == "json":
        document = {
            "as_of": as_of.isoformat(),
            "policy_id": policy.id,
            "policy_version": policy.version,
            "limits": "synthetic" if limits is None else str(args.limits),
            "decisions": [d.to_record() for d in decisions],
        }
        print(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        print(_table(decisions, _header(policy, as_of, limits is None)))
    return 0


# -- the demo -------------------------------------------------------------------------

_SCENARIOS: Final = (
    # (behaviour wanted, order size as a share of the available credit, prepaid)
    (Behaviour.PROMPT, Decimal("0.4"), False),
    (Behaviour.PROMPT, Decimal("1.5"), False),
    (Behaviour.SLOW, Decimal("0.2"), False),
    (Behaviour.DEFAULTING, Decimal("0.2"), False),
    (Behaviour.DEFAULTING, Decimal("0.2"), True),
    (Behaviour.DISPUTING, Decimal("-0.05"), False),
)


def _demo_orders(portfolio: SamplePortfolio, as_of: datetime.date) -> list[OrderRequest]:
    ledger = portfolio.ledger
    used: list[str] = []
    orders = []
    for number, (behaviour, share, prepaid) in enumerate(_SCENARIOS, start=1):
        wanted = [c for c in portfolio.customer_ids(behaviour) if c not in used]
        if behaviour is Behaviour.DEFAULTING and prepaid and used:
            wanted = [used[-1]]  # the prepaid order comes from the defaulting customer
        others = [c.id for c in ledger.customers if c.id not in used]
        pool = wanted or others
        if not pool:
            break
        customer_id = pool[0]
        if customer_id not in used:
            used.append(customer_id)
        limit = synthetic_limit(ledger, customer_id, as_of=as_of)
        profile = build_profile(ledger, customer_id, as_of=as_of, limit=limit)
        available = profile.available_credit
        assert available is not None
        base = available.amount if available.amount > 0 else limit.amount
        amount = (base * share / 100).to_integral_value() * 100
        if amount == 0:
            amount = Decimal(100).copy_sign(share)
        orders.append(
            OrderRequest(
                f"SO-{number:03d}",
                Money(amount, limit.currency),
                order_date=as_of,
                prepaid=prepaid,
                customer_id=customer_id,
            )
        )
    return orders


def demo_section(portfolio: SamplePortfolio) -> str:
    """ "Today's orders": a few synthetic orders against sample customers, checked and explained.

    For ``credkit demo``: deterministic orders (a prompt payer within its limit and one
    over it, a slow payer, a defaulting customer on credit and prepaid, a credit
    note-like return) checked as of the portfolio's end under :data:`DEFAULT_POLICY`,
    with synthetic limits (the output says so).

    >>> text = demo_section(sample.generate(seed=1, customers=20))
    >>> print(text.splitlines()[0])
    Today's orders: credit check as of 2026-11-30, policy credkit-default version 1
    >>> "synthetic limits" in text and "APPROVE" in text
    True
    """
    as_of = portfolio.end
    policy = load_policy(DEFAULT_POLICY, format="toml")
    orders = _demo_orders(portfolio, as_of)
    decisions = _decide(portfolio.ledger, orders, policy, as_of=as_of, limits=None)
    header = "Today's orders: c" + _header(policy, as_of, True)[1:]
    header += "\n(the orders are synthetic too)"
    return _table(decisions, header)
