"""``credkit forecast``: the cash-in forecast of the whole book, from a store or a ledger.

Reads every customer's credit group as of ``--as-of`` from the store of ``--url`` (with
the promises to pay and payment plans the store holds), or a ledger directory in the
canonical layout (``--ledger DIR``, without promises or plans), and prints
:func:`credkit.forecast.cash_forecast`: one line per week (``--weeks``, default 13) and
per calendar month, a column per currency, then what is expected beyond the horizon,
the credit balance no invoice absorbs, and the open balance they add up to.
``--format`` is ``table`` (default), ``csv`` (one row per period and currency) or
``json`` (periods, each with a list of amounts, and every item's expected payments). ``--min-history`` and
``--bands`` are those of :func:`~credkit.forecast.cash_forecast`; ``--naive`` gives the
"paid on the due date" forecast instead. Bad input exits with status 2.
"""

from __future__ import annotations

import argparse
import datetime
from collections.abc import Callable, Sequence
from typing import Any

from credkit.cli._common import Subcommands, grid, iso_date, plain_amount
from credkit.cli._output import OK, add_format_argument, emit
from credkit.cli._store import add_source_arguments, closing, ready_store, source_prefix
from credkit.dunning import PaymentPlan, PromiseToPay
from credkit.errors import ValidationError
from credkit.forecast import CashForecast, ForecastModel, ForecastPeriod, cash_forecast
from credkit.io import read_ledger
from credkit.ledger import Ledger
from credkit.money import Money

__all__ = ["add_parser", "read_store", "run"]


def add_parser(commands: Subcommands) -> None:
    """Register ``credkit forecast`` on the sub-command parser ``commands``."""
    parser = commands.add_parser(
        "forecast",
        help="cash-in forecast per week and month, from a store or a ledger",
        description="Forecast when the open receivables will be paid, from each customer's "
        "payment history, promises to pay and payment plans, in weekly and monthly "
        "buckets per currency that add up to the open balance.",
    )
    add_source_arguments(
        parser, ledger_help="read a ledger directory in the canonical layout instead of a store"
    )
    parser.add_argument(
        "--as-of", required=True, type=iso_date, metavar="DATE", help="forecast date, YYYY-MM-DD"
    )
    parser.add_argument(
        "--weeks", type=int, default=13, metavar="N", help="weeks of the horizon (default 13)"
    )
    parser.add_argument(
        "--min-history",
        type=int,
        default=5,
        metavar="N",
        help="paid invoices a customer needs for its own history (default 5)",
    )
    parser.add_argument(
        "--bands", type=int, default=5, metavar="N", help="parts an item is spread over (default 5)"
    )
    parser.add_argument(
        "--naive", action="store_true", help="every item on its due date (for comparison)"
    )
    add_format_argument(parser)
    parser.set_defaults(func=run)


def read_store(
    url: str | None, prefix: str, *, as_of: datetime.date
) -> tuple[Ledger, list[PromiseToPay], list[PaymentPlan]]:
    """Every credit group's ledger as of ``as_of``, with the store's promises and plans."""
    store = ready_store(url, prefix, command="credkit forecast")
    groups: list[Ledger] = []
    promises: list[PromiseToPay] = []
    plans: list[PaymentPlan] = []
    with closing(store), store.unit() as unit:
        seen: set[str] = set()
        for customer_id in unit.customer_ids():
            promises.extend(unit.promises(customer_id))
            plans.extend(unit.plans(customer_id))
            if customer_id in seen:
                continue
            group = unit.ledger(customer_id, as_of=as_of)
            seen.update(c.id for c in group.customers)
            groups.append(group)
    ledger = Ledger(
        customers=[c for g in groups for c in g.customers],
        invoices=[d for g in groups for d in g.invoices],
        credit_notes=[d for g in groups for d in g.credit_notes],
        payments=[d for g in groups for d in g.payments],
        allocations=[a for g in groups for a in g.allocations],
    )
    return ledger, promises, plans


def _digits(money: Money) -> str:
    """Plain digits with the currency's minor units, for programs (csv, json)."""
    return f"{money.round().amount:f}"


def _period_rows(
    result: CashForecast,
    kind: str,
    periods: Sequence[ForecastPeriod],
    shown: Callable[[Money], str],
) -> list[list[str]]:
    return [
        [
            kind,
            p.start.isoformat(),
            p.end.isoformat(),
            *(shown(p.amount(c)) for c in result.currencies),
        ]
        for p in periods
    ]


def _json(result: CashForecast) -> dict[str, Any]:
    def amounts(of: Callable[[str], Money]) -> list[Money]:
        return [of(c).round() for c in result.currencies]

    def periods(values: Sequence[ForecastPeriod]) -> list[dict[str, Any]]:
        return [{"start": p.start, "end": p.end, "amounts": amounts(p.amount)} for p in values]

    return {
        "as_of": result.as_of,
        "model": result.model.value,
        "currencies": list(result.currencies),
        "weekly": periods(result.weekly),
        "monthly": periods(result.monthly),
        "beyond": amounts(result.beyond_in),
        "credits": amounts(result.credit_in),
        "open_balance": amounts(result.total),
        "items": [
            {
                "document_id": f.item.document_id,
                "customer_id": f.item.customer_id,
                "due_date": f.item.due_date,
                "open": f.item.amount.round(),
                "offset": f.offset,
                "basis": f.basis.value,
                "expected_on": f.expected_on,
                "parts": [
                    {
                        "on": p.on,
                        "amount": p.amount.round(),
                        "basis": p.basis.value,
                        "source": p.source,
                        "moved": p.moved,
                    }
                    for p in f.parts
                ],
            }
            for f in result.items
        ],
    }


def _csv_rows(result: CashForecast) -> tuple[list[str], list[list[object]]]:
    """One row per period and currency; then beyond, credits and the open balance."""
    rows: list[list[object]] = []
    for kind, periods in (("week", result.weekly), ("month", result.monthly)):
        for p in periods:
            rows += [[kind, p.start, p.end, c, _digits(p.amount(c))] for c in result.currencies]
    for kind, of in (
        ("beyond", result.beyond_in),
        ("credits", result.credit_in),
        ("open_balance", result.total),
    ):
        end = result.as_of if kind == "open_balance" else None
        rows += [[kind, None, end, c, _digits(of(c))] for c in result.currencies]
    return ["period", "start", "end", "currency", "amount"], rows


def run(args: argparse.Namespace) -> int:
    """Build the forecast and print it; return the exit status."""
    as_of: datetime.date = args.as_of
    promises: list[PromiseToPay] = []
    plans: list[PaymentPlan] = []
    prefix = source_prefix(args)
    if args.ledger is not None:
        ledger = read_ledger(args.ledger)
    else:
        ledger, promises, plans = read_store(args.url, prefix, as_of=as_of)
    options = {
        "--weeks": (args.weeks, 1, 520),
        "--min-history": (args.min_history, 1, 10_000),
        "--bands": (args.bands, 1, 100),
    }
    for option, (value, low, high) in options.items():
        if not low <= value <= high:
            raise ValidationError(
                f"{option}: expected a whole number from {low} to {high}, got {value}"
            )
    result = cash_forecast(
        ledger,
        as_of=as_of,
        weeks=args.weeks,
        promises=promises,
        plans=plans,
        model=ForecastModel.DUE_DATE if args.naive else ForecastModel.BEHAVIOUR,
        min_history=args.min_history,
        bands=args.bands,
    )
    codes = list(result.currencies)

    def table() -> str:
        rows = _period_rows(result, "week", result.weekly, plain_amount)
        rows += _period_rows(result, "month", result.monthly, plain_amount)
        tail = [
            ["beyond", "", "", *(plain_amount(result.beyond_in(c)) for c in codes)],
            ["credits", "", "", *(plain_amount(result.credit_in(c)) for c in codes)],
            [
                "open balance",
                "",
                as_of.isoformat(),
                *(plain_amount(result.total(c)) for c in codes),
            ],
        ]
        header = ["Period", "From", "To", *codes]
        model = "due date (naive)" if args.naive else "payment behaviour"
        weeks = grid(header, rows[: len(result.weekly)], left={"Period", "From", "To"})
        months = grid(header, rows[len(result.weekly) :] + tail, left={"Period", "From", "To"})
        title = f"Cash-in forecast as of {as_of.isoformat()} ({model}), {args.weeks} weeks"
        return "\n".join([title, "", *weeks, "", *months])

    print(
        emit(
            args.format,
            table=table,
            document=lambda: _json(result),
            rows=lambda: _csv_rows(result),
            raw=args.raw_csv,
        )
    )
    return OK
