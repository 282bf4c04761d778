"""Payment behaviour of many customers: credkit against a pandas groupby, in one run.

Generates plain settled-invoice records (not through the sample ledger: that would
take far longer than the measurement), then times

* credkit: :func:`credkit.kpi.payment_behaviour` over the ``Settlement`` records
  (every figure of :class:`~credkit.kpi.PaymentBehaviour`, including the trend);
* pandas: a groupby computing the same headline figures (invoices counted, mean days
  to pay, mean and amount-weighted days beyond terms, on-time share, amount-weighted
  payment index), once from a DataFrame already built from arrays, and once including
  building that DataFrame from the ``Settlement`` records (what a caller holding the
  records would have to do);

prints the times and the ratios, and checks that both give the same numbers for a
random sample of customers (exit status 1 if they do not).

Needs pandas (the ``bench`` extra): ``pip install credkit-b2b[bench]``.

    python benchmarks/kpi.py                       # 100,000 customers, 2 million invoices
    python benchmarks/kpi.py --customers 1000 --invoices 20000
"""

from __future__ import annotations

import argparse
import datetime
import random
import sys
import time
from decimal import Decimal

import numpy as np
import pandas as pd

from credkit.kpi import INDEX_ANCHORS, InsufficientData, PaymentBehaviour, payment_behaviour
from credkit.ledger import Settlement
from credkit.money import Money

AS_OF = datetime.date(2026, 6, 30)
WINDOW_MONTHS = 24
MIN_INVOICES = 3
# exclusive lower bound of the 24-month window: settled after 30 June 2024
WINDOW_AFTER = datetime.date(2024, 6, 30).toordinal()


def generate(customers: int, invoices: int, seed: int) -> dict[str, np.ndarray]:
    """Columns of settled invoices: some outside the window, some fully credited."""
    rng = np.random.default_rng(seed)
    customer = rng.integers(0, customers, size=invoices)
    first = datetime.date(2024, 3, 1).toordinal()
    last = datetime.date(2026, 6, 15).toordinal()
    issue = rng.integers(first, last, size=invoices)
    terms = rng.choice(np.array([14, 30, 30, 60]), size=invoices)
    # per-customer lateness plus noise; early payment down to the issue date
    habit = rng.integers(-10, 40, size=customers)
    delay = np.maximum(habit[customer] + rng.integers(-8, 15, size=invoices), -terms)
    amount = np.round(rng.lognormal(7.5, 1.2, size=invoices)).astype(np.int64) + 1
    credited = np.where(rng.random(invoices) < 0.01, amount, 0)  # 1 % cancelled by credit
    return {
        "customer": customer,
        "issue": issue,
        "due": issue + terms,
        "settled": issue + terms + delay,
        "amount": amount,
        "credited": credited,
    }


def to_settlements(columns: dict[str, np.ndarray]) -> list[Settlement]:
    dates: dict[int, datetime.date] = {}
    amounts: dict[int, Money] = {}
    zero = Money.zero("EUR")

    def day(ordinal: int) -> datetime.date:
        value = dates.get(ordinal)
        if value is None:
            value = dates[ordinal] = datetime.date.fromordinal(ordinal)
        return value

    def money(units: int) -> Money:
        value = amounts.get(units)
        if value is None:
            value = amounts[units] = Money(Decimal(units), "EUR")
        return value

    records = []
    rows = zip(
        columns["customer"].tolist(),
        columns["issue"].tolist(),
        columns["due"].tolist(),
        columns["settled"].tolist(),
        columns["amount"].tolist(),
        columns["credited"].tolist(),
        strict=True,
    )
    for n, (customer, issue, due, settled, amount, credited) in enumerate(rows):
        records.append(
            Settlement(
                f"I{n}",
                f"C{customer:06d}",
                day(issue),
                day(due),
                money(amount),
                settled_on=day(settled),
                credited=money(credited) if credited else zero,
            )
        )
    return records


def frame_from_arrays(columns: dict[str, np.ndarray]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer": pd.Series([f"C{c:06d}" for c in columns["customer"].tolist()]),
            "issue": columns["issue"],
            "due": columns["due"],
            "settled": columns["settled"],
            "amount": columns["amount"].astype(float),
            "credited": columns["credited"].astype(float),
        }
    )


def frame_from_records(records: list[Settlement]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer": [s.customer_id for s in records],
            "issue": [s.issue_date.toordinal() for s in records],
            "due": [s.due_date.toordinal() for s in records],
            "settled": [s.settled_on.toordinal() for s in records],
            "amount": [float(s.amount.amount) for s in records],
            "credited": [float(s.credited.amount) for s in records],
        }
    )


def pandas_behaviour(df: pd.DataFrame) -> pd.DataFrame:
    """The same headline figures with a groupby (float arithmetic)."""
    paid = df["amount"] - df["credited"]
    keep = (df["settled"] > WINDOW_AFTER) & (df["settled"] <= AS_OF.toordinal()) & (paid > 0)
    d = df.loc[keep, ["customer"]].copy()
    w = paid[keep]
    dbt = df.loc[keep, "settled"] - df.loc[keep, "due"]
    xs = np.array([x for x, _ in INDEX_ANCHORS], dtype=float)
    ys = np.array([y for _, y in INDEX_ANCHORS], dtype=float)
    d["dtp"] = df.loc[keep, "settled"] - df.loc[keep, "issue"]
    d["dbt"] = dbt
    d["w"] = w
    d["wdbt"] = w * dbt
    d["widx"] = w * np.interp(dbt.to_numpy(dtype=float), xs, ys)
    d["on_time"] = dbt <= 0
    g = d.groupby("customer", sort=True).agg(
        invoices=("dtp", "size"),
        days_to_pay=("dtp", "mean"),
        dbt=("dbt", "mean"),
        w=("w", "sum"),
        wdbt=("wdbt", "sum"),
        widx=("widx", "sum"),
        on_time=("on_time", "mean"),
    )
    g["weighted_dbt"] = g["wdbt"] / g["w"]
    g["index"] = g["widx"] / g["w"]
    return g[g["invoices"] >= MIN_INVOICES]


def check(
    credkit: dict[str, PaymentBehaviour | InsufficientData],
    pandas: pd.DataFrame,
    sample: int,
    seed: int,
) -> list[str]:
    """Differences between the two for ``sample`` random customers (empty when equal)."""
    problems = []
    customers = sorted(credkit)
    chosen = random.Random(seed).sample(customers, min(sample, len(customers)))
    for customer in chosen:
        ours = credkit[customer]
        if not isinstance(ours, PaymentBehaviour):
            if customer in pandas.index:
                problems.append(f"{customer}: credkit says insufficient data, pandas has figures")
            continue
        if customer not in pandas.index:
            problems.append(f"{customer}: pandas has too few invoices, credkit has figures")
            continue
        row = pandas.loc[customer]
        pairs: dict[str, tuple[Decimal | int, float]] = {
            "invoices": (ours.invoices, row["invoices"]),
            "days_to_pay": (ours.average_days_to_pay, row["days_to_pay"]),
            "days_beyond_terms": (ours.average_days_beyond_terms, row["dbt"]),
            "weighted_days_beyond_terms": (ours.weighted_days_beyond_terms, row["weighted_dbt"]),
            "share_on_time": (ours.share_on_time, row["on_time"]),
            "payment_index": (ours.payment_index, row["index"]),
        }
        for name, (exact, approximate) in pairs.items():
            if abs(float(exact) - float(approximate)) > 1e-6 * max(1.0, abs(float(exact))):
                problems.append(f"{customer} {name}: credkit {exact}, pandas {approximate}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--invoices", type=int, default=2_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--check", type=int, default=1000, help="customers to compare")
    args = parser.parse_args(argv)
    if args.customers < 1 or args.invoices < 1:
        parser.error("--customers and --invoices must be at least 1")

    print(f"{args.customers:,} customers, {args.invoices:,} settled invoices (seed {args.seed})")
    started = time.perf_counter()
    columns = generate(args.customers, args.invoices, args.seed)
    records = to_settlements(columns)
    frame = frame_from_arrays(columns)
    print(f"  generating the records: {time.perf_counter() - started:.2f} s (not measured)")

    started = time.perf_counter()
    ours = payment_behaviour(
        records, as_of=AS_OF, window_months=WINDOW_MONTHS, min_invoices=MIN_INVOICES
    )
    credkit_seconds = time.perf_counter() - started

    started = time.perf_counter()
    theirs = pandas_behaviour(frame)
    pandas_seconds = time.perf_counter() - started

    started = time.perf_counter()
    theirs_from_records = pandas_behaviour(frame_from_records(records))
    pandas_records_seconds = time.perf_counter() - started

    counted = sum(isinstance(v, PaymentBehaviour) for v in ours.values())
    print(f"  credkit payment_behaviour:             {credkit_seconds:7.2f} s")
    print(f"  pandas groupby (frame from arrays):    {pandas_seconds:7.2f} s")
    print(f"  pandas groupby (frame from records):   {pandas_records_seconds:7.2f} s")
    print(f"  ratio credkit / pandas groupby:        {credkit_seconds / pandas_seconds:7.2f}")
    print(
        f"  ratio credkit / pandas incl. frame:    {credkit_seconds / pandas_records_seconds:7.2f}"
    )
    print(f"  customers with figures: credkit {counted:,}, pandas {len(theirs):,}")

    problems = check(ours, theirs, args.check, args.seed)
    problems += check(ours, theirs_from_records, min(args.check, 100), args.seed + 1)
    if len(theirs) != counted:
        problems.append(f"customers with figures differ: credkit {counted}, pandas {len(theirs)}")
    if problems:
        print("MISMATCH:", *problems[:20], sep="\n  ")
        return 1
    print(f"  same figures for {min(args.check, len(ours)):,} sampled customers")
    return 0


if __name__ == "__main__":
    sys.exit(main())
