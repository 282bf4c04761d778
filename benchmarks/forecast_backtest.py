"""Backtest of the cash-in forecast on the sample portfolio: credkit against "paid on the due date".

Generates the sample portfolio (``credkit.sample.generate(seed=7, customers=60)``, the
one ``credkit sample --out DIR`` writes: two years to 2026-11-30, five currencies,
prompt, discount-taking, slow, deteriorating, disputing and defaulting payers), then
for each month end from ``--first`` to ``--last`` (default 2025-12-31 .. 2026-08-31,
so that every 13-week horizon ends inside the data) runs
:func:`credkit.forecast.backtest`: the ledger is cut at the month end (documents dated
and allocations applied later are not seen), forecast with credkit's payment-behaviour
model and with the naive due-date model (both with the same overdue rule), and
compared with the payments that actually arrived afterwards.

Printed, pooled over all month ends:

* **days**: mean absolute error in days per invoice (forecast median date against the
  day the invoice's last payment arrived), over the invoices open at the month end and
  later paid in full by payments received after it; and the share of those within 7 days;
* **weekly amounts**, per currency: mean absolute error per week (average over the
  weeks of all month ends), and the mean absolute error of the 13-week total,
  against the mean weekly cash actually collected;

and the ratio credkit / naive for each (below 1: credkit is closer).

    python benchmarks/forecast_backtest.py
    python benchmarks/forecast_backtest.py --seed 11 --customers 200 --min-history 3
"""

from __future__ import annotations

import argparse
import datetime
import sys
import time
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from credkit import sample
from credkit.forecast import backtest


def _month_ends(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    days = []
    month = first.replace(day=1)
    while True:
        end = month + relativedelta(months=1) - datetime.timedelta(days=1)
        if end > last:
            return days
        if end >= first:
            days.append(end)
        month += relativedelta(months=1)


def _ratio(a: Decimal, b: Decimal) -> str:
    return "n/a" if not b else f"{a / b:.2f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--customers", type=int, default=60)
    parser.add_argument(
        "--first", type=datetime.date.fromisoformat, default=datetime.date(2025, 12, 31)
    )
    parser.add_argument(
        "--last", type=datetime.date.fromisoformat, default=datetime.date(2026, 8, 31)
    )
    parser.add_argument("--weeks", type=int, default=13)
    parser.add_argument("--min-history", type=int, default=5)
    parser.add_argument("--bands", type=int, default=5)
    args = parser.parse_args(argv)

    started = time.perf_counter()
    portfolio = sample.generate(seed=args.seed, customers=args.customers)
    ledger = portfolio.ledger
    cutoffs = _month_ends(args.first, args.last)
    if not cutoffs:
        print("no month end between --first and --last", file=sys.stderr)
        return 2
    errors: list[tuple[int, int]] = []
    skipped = 0
    weekly: dict[str, list[tuple[Decimal, Decimal, Decimal, Decimal, Decimal, Decimal]]] = {}
    for cutoff in cutoffs:
        result = backtest(
            ledger, as_of=cutoff, weeks=args.weeks, min_history=args.min_history, bands=args.bands
        )
        errors.extend((a, b) for _, a, b in result.item_errors)
        skipped += result.skipped
        for currency in result.currencies:
            weekly.setdefault(currency.currency, []).append(
                (
                    currency.mae,
                    currency.naive_mae,
                    currency.total_error,
                    currency.naive_total_error,
                    currency.collected / args.weeks,
                    currency.collected,
                )
            )
    elapsed = time.perf_counter() - started

    print(
        f"sample seed {args.seed}, {args.customers} customers, {len(ledger.invoices):,} invoices; "
        f"{len(cutoffs)} month ends {cutoffs[0]} .. {cutoffs[-1]}, {args.weeks} weeks each, "
        f"min_history {args.min_history}, {args.bands} bands ({elapsed:.1f} s)"
    )
    n = len(errors)
    if n:
        days = Decimal(sum(a for a, _ in errors)) / n
        naive_days = Decimal(sum(b for _, b in errors)) / n
        within = sum(a <= 7 for a, _ in errors) / n
        naive_within = sum(b <= 7 for _, b in errors) / n
        print(f"\ninvoices scored: {n:,} (not scored: {skipped:,}, see the docstring)")
        print(f"{'':28}{'credkit':>10}{'naive':>10}{'ratio':>8}")
        print(
            f"{'mean abs. error, days':28}{days:>10.2f}{naive_days:>10.2f}{_ratio(days, naive_days):>8}"
        )
        print(f"{'within 7 days':28}{within:>10.0%}{naive_within:>10.0%}")
    print("\nweekly amounts, mean over month ends (currency units)")
    print(
        f"{'':5}{'mean week':>12}{'MAE/wk credkit':>16}{'naive':>12}{'ratio':>7}"
        f"{'total err credkit':>19}{'naive':>12}{'ratio':>7}"
    )
    for code in sorted(weekly):
        rows = weekly[code]
        k = len(rows)
        mae, naive_mae, total, naive_total, mean_week, _ = (
            sum((row[i] for row in rows), Decimal(0)) / k for i in range(6)
        )
        print(
            f"{code:5}{mean_week:>12,.0f}{mae:>16,.0f}{naive_mae:>12,.0f}{_ratio(mae, naive_mae):>7}"
            f"{total:>19,.0f}{naive_total:>12,.0f}{_ratio(total, naive_total):>7}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
