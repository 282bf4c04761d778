"""Aged receivables from a CSV of open items: credkit against pandas, in one run.

Builds N open items (default one million) from the sample generator: the open items
of ``generate(seed=7, customers=500)`` on the portfolio's last day (1,533 items:
invoices, unapplied payments and credit notes, five currencies, some disputed),
copied again and again with a copy number appended to every document and customer
id (``INV-000123-17``, ``C042-17``) and, for copy ``k``, every date moved ``k % 29``
days earlier, until there are N of them. They are written once, untimed, to a CSV
file (document id, customer id, kind, issue date, due date, amount, currency,
disputed). Then each side runs in a fresh Python process of its own, so that its peak
memory is its own:

* credkit: :func:`credkit.io.age_open_items` with the standard buckets on the due
  date, which reads the file in blocks and ages it in the same pass (one figure,
  load and aging together);
* credkit's object path, for comparison (left out with ``--no-objects``):
  :func:`credkit.io.read_open_items` (load, an ``OpenItem`` per line), then
  :func:`credkit.aging.age` (aging);
* pandas: ``pd.read_csv`` and ``pd.to_datetime`` on the due dates (load), then days
  overdue, ``pd.cut`` into the same six buckets and a groupby on (customer,
  currency) summing each bucket, the negative items as *unapplied*, the disputed
  amount, the count and the oldest days overdue (aging). This is the baseline.
* pandas with checks, for comparison: the same, but its load also checks what credkit
  checks (ids and customers not empty, known kinds and currencies, plain decimal
  amounts, yes/no flags, ISO dates with due dates not before issue dates and nothing
  after the report date, no document twice).

Each process prints its times and its peak resident memory (``ru_maxrss``, read as
soon as its report is built), then turns every row of its report into plain values
(``AgingReport.to_rows()`` for credkit, ``itertuples`` for pandas; timed apart as
*export*, not part of the ratio) and writes them to a JSON file. The script then
compares every row: same customers and currencies, same bucket, unapplied and
disputed amounts (pandas sums floats, rounded to the currency's minor units before
comparing with credkit's exact ``Decimal`` sums; with a handful of items per row the
float error is far below a cent), same counts and oldest days. Exit status 1 if
anything differs.

Needs pandas (the ``bench`` extra): ``pip install credkit-b2b[bench]``.

    python benchmarks/aging.py                    # 1,000,000 open items
    python benchmarks/aging.py --items 100000 --no-objects
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import math
import resource
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

SEED = 7
CUSTOMERS = 500
SHIFT = 29  # copy k moves every date k % SHIFT days earlier
COLUMNS = ("id", "customer_id", "kind", "issue_date", "due_date", "amount", "currency", "disputed")
EDGES = (30, 60, 90, 120)


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def write_items(path: Path, count: int) -> datetime.date:
    """Write ``count`` open items to ``path``; return the as-of date to age them on."""
    from credkit.sample import generate

    portfolio = generate(seed=SEED, customers=CUSTOMERS)
    as_of = portfolio.end
    base = portfolio.ledger.open_items(as_of)
    rows = [
        (
            item.document_id,
            item.customer_id,
            item.kind.value,
            item.issue_date.toordinal(),
            item.due_date.toordinal(),
            format(item.amount.amount, "f"),
            item.amount.currency,
            "yes" if item.disputed else "no",
        )
        for item in base
    ]
    days: dict[int, str] = {}

    def day(ordinal: int) -> str:
        text = days.get(ordinal)
        if text is None:
            text = days[ordinal] = datetime.date.fromordinal(ordinal).isoformat()
        return text

    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(COLUMNS)
        written = 0
        copy = 0
        while written < count:
            shift = copy % SHIFT
            for document, customer, kind, issued, due, amount, currency, disputed in rows[
                : count - written
            ]:
                writer.writerow(
                    (
                        f"{document}-{copy}",
                        f"{customer}-{copy}",
                        kind,
                        day(issued - shift),
                        day(due - shift),
                        amount,
                        currency,
                        disputed,
                    )
                )
            written += min(len(rows), count - written)
            copy += 1
    return as_of


# -- the two sides, each run in a process of its own ----------------------------------


def _export(report: Any) -> dict[str, list[Any]]:
    names = [*report.buckets.labels, "unapplied", "disputed"]
    return {
        f"{row['customer_id']}|{row['currency']}": [
            *(row[name] for name in names),
            row["count"],
            row["oldest_days"],
        ]
        for row in report.to_rows()
    }


def run_credkit(path: Path, as_of: datetime.date, out: Path) -> dict[str, float]:
    """The one-pass path: age_open_items reads and ages the file block by block."""
    return _credkit(path, as_of, out, one_pass=True)


def run_objects(path: Path, as_of: datetime.date, out: Path) -> dict[str, float]:
    """The object path: read_open_items builds an OpenItem per line, then age()."""
    return _credkit(path, as_of, out, one_pass=False)


def _credkit(path: Path, as_of: datetime.date, out: Path, *, one_pass: bool) -> dict[str, float]:
    from credkit.aging import STANDARD, age
    from credkit.io import ColumnMapping, age_open_items, read_open_items

    assert STANDARD.edges == EDGES
    mapping = ColumnMapping(kind="kind", disputed="disputed")
    baseline = _peak_mib()
    started = time.perf_counter()
    if one_pass:
        report = age_open_items(path, mapping=mapping, as_of=as_of)
        loaded = float("nan")  # load and aging are one pass
    else:
        items = read_open_items(path, mapping=mapping)
        loaded = time.perf_counter()
        report = age(items, as_of=as_of)
    done = time.perf_counter()
    peak = _peak_mib()
    rows = _export(report)
    exported = time.perf_counter()
    out.write_text(json.dumps(rows))
    return {
        "load": loaded - started,
        "aging": done - loaded,
        "total": done - started,
        "export": exported - done,
        "items": sum(row[-2] for row in rows.values()),
        "baseline": baseline,
        "peak": peak,
    }


def _read_plain(path: Path) -> Any:
    """The straightforward pandas load: the five columns aging needs, nothing checked."""
    import pandas as pd

    df = pd.read_csv(
        path,
        usecols=["customer_id", "due_date", "amount", "currency", "disputed"],
        dtype={"customer_id": str, "due_date": str, "amount": float, "currency": str},
        true_values=["yes"],
        false_values=["no"],
    )
    df["due_date"] = pd.to_datetime(df["due_date"], format="%Y-%m-%d")
    return df


def _read_checked(path: Path, as_of: datetime.date) -> Any:
    """A pandas load that checks what credkit checks, raising ValueError on a problem.

    Ids and customers not empty, kinds known, amounts of the plain decimal shape,
    ISO dates (an empty due date only on payments and credit notes, then the issue
    date), due dates not before issue dates, nothing issued after ``as_of``, known
    currency codes, yes/no flags, and no document twice.
    """
    import babel.numbers
    import pandas as pd

    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    for column in ("id", "customer_id"):
        if (df[column].str.strip() == "").any():
            raise ValueError(f"an empty {column}")
    if not df["kind"].isin(["invoice", "payment", "credit_note"]).all():
        raise ValueError("an unknown kind")
    if not df["amount"].str.fullmatch(r"-?[0-9]+(?:\.[0-9]+)?").all():
        raise ValueError("an amount that is not a plain decimal")
    if not df["currency"].isin(list(babel.numbers.list_currencies())).all():
        raise ValueError("an unknown currency")
    flags = df["disputed"].str.lower().map({"yes": True, "no": False, "": False})
    if flags.isna().any():
        raise ValueError("a flag that is not yes or no")
    issued = pd.to_datetime(df["issue_date"], format="%Y-%m-%d")
    blank = df["due_date"] == ""
    if (blank & (df["kind"] == "invoice")).any():
        raise ValueError("an invoice without a due date")
    due = pd.to_datetime(df["due_date"].where(~blank, df["issue_date"]), format="%Y-%m-%d")
    if (issued > pd.Timestamp(as_of)).any() or (due < issued).any():
        raise ValueError("a date out of order")
    if df.duplicated(["kind", "id"]).any():
        raise ValueError("a document given twice")
    return pd.DataFrame(
        {
            "customer_id": df["customer_id"],
            "due_date": due,
            "amount": df["amount"].astype(float),
            "currency": df["currency"],
            "disputed": flags.astype(bool),
        }
    )


def run_pandas(path: Path, as_of: datetime.date, out: Path) -> dict[str, float]:
    """The straightforward pandas script the issue compares with."""
    return _pandas(path, as_of, out, checked=False)


def run_pandas_checked(path: Path, as_of: datetime.date, out: Path) -> dict[str, float]:
    """The same script with credkit's checks added to its load, for comparison."""
    return _pandas(path, as_of, out, checked=True)


def _pandas(path: Path, as_of: datetime.date, out: Path, *, checked: bool) -> dict[str, float]:
    import numpy as np
    import pandas as pd

    from credkit.money import minor_units

    labels = ["Not yet due", "1-30", "31-60", "61-90", "91-120", "Over 120"]
    bins = [-np.inf, 0, *EDGES, np.inf]
    baseline = _peak_mib()
    started = time.perf_counter()
    df = _read_checked(path, as_of) if checked else _read_plain(path)
    loaded = time.perf_counter()
    days = (pd.Timestamp(as_of) - df["due_date"]).dt.days
    positive = df["amount"] >= 0
    df["bucket"] = pd.cut(days, bins=bins, labels=labels, right=True)
    df["unapplied"] = df["amount"].where(~positive, 0.0)
    df["owed"] = df["amount"].where(positive, 0.0)
    df["disputed_amount"] = df["owed"].where(df["disputed"], 0.0)
    df["late"] = days.where(positive & (days > 0))
    keys = ["customer_id", "currency"]
    by_bucket = (
        df[positive]
        .pivot_table(
            index=keys,
            columns="bucket",
            values="amount",
            aggfunc="sum",
            fill_value=0.0,
            observed=False,
        )
        .reindex(columns=labels, fill_value=0.0)
    )
    other = df.groupby(keys).agg(
        unapplied=("unapplied", "sum"),
        disputed=("disputed_amount", "sum"),
        count=("amount", "size"),
        oldest=("late", "max"),
    )
    report = other.join(by_bucket, how="left").fillna(dict.fromkeys(labels, 0.0))
    done = time.perf_counter()
    peak = _peak_mib()
    places = {code: minor_units(code) for code in report.index.get_level_values(1).unique()}

    def money(value: float, code: str) -> str:
        text = f"{value:.{places[code]}f}"
        return text[1:] if text.startswith("-") and not Decimal(text) else text

    rows = {}
    for (customer, code), record in zip(
        report.index,
        report[[*labels, "unapplied", "disputed", "count", "oldest"]].itertuples(
            index=False, name=None
        ),
        strict=True,
    ):
        *amounts, count, oldest = record
        rows[f"{customer}|{code}"] = [
            *(money(a, code) for a in amounts),
            int(count),
            None if pd.isna(oldest) else int(oldest),
        ]
    exported = time.perf_counter()
    out.write_text(json.dumps(rows))
    return {
        "load": loaded - started,
        "aging": done - loaded,
        "total": done - started,
        "export": exported - done,
        "items": len(df),
        "baseline": baseline,
        "peak": peak,
    }


# -- the parent: data, the two processes, the comparison ------------------------------


def compare(ours: dict[str, list[Any]], theirs: dict[str, list[Any]]) -> list[str]:
    problems = []
    for key in sorted(set(ours) ^ set(theirs))[:10]:
        side = "credkit" if key in ours else "pandas"
        problems.append(f"{key}: a row only {side} has")
    names = [
        "Not yet due", "1-30", "31-60", "61-90", "91-120", "Over 120",
        "unapplied", "disputed", "count", "oldest_days",
    ]  # fmt: skip
    for key in sorted(set(ours) & set(theirs)):
        for name, a, b in zip(names, ours[key], theirs[key], strict=True):
            same = a == b if name in ("count", "oldest_days") else Decimal(a) == Decimal(b)
            if not same:
                problems.append(f"{key} {name}: credkit {a}, pandas {b}")
    return problems


SIDES = {
    "credkit": run_credkit,
    "objects": run_objects,
    "checked": run_pandas_checked,
    "pandas": run_pandas,
}
NAMES = {
    "credkit": "credkit age_open_items",
    "objects": "credkit read + age",
    "checked": "pandas, with checks",
    "pandas": "pandas",
}


def side(name: str, path: Path, as_of: datetime.date, out: Path) -> dict[str, float]:
    command = [sys.executable, __file__, "--side", name, "--csv", str(path), "--as-of"]
    command += [as_of.isoformat(), "--out", str(out)]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _seconds(value: float) -> str:
    return "      -  " if math.isnan(value) else f"{value:8.2f}s"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument(
        "--no-objects",
        action="store_true",
        help="leave out the slow object path (read_open_items, then age)",
    )
    parser.add_argument("--side", choices=sorted(SIDES), help=argparse.SUPPRESS)
    parser.add_argument("--csv", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--as-of", type=datetime.date.fromisoformat, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.side is not None:
        print(json.dumps(SIDES[args.side](args.csv, args.as_of, args.out)))
        return 0
    if args.items < 1:
        parser.error("--items must be at least 1")
    names = [n for n in SIDES if not (args.no_objects and n == "objects")]

    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory, "open_items.csv")
        started = time.perf_counter()
        as_of = write_items(path, args.items)
        size = path.stat().st_size / 2**20
        print(
            f"{args.items:,} open items: those of generate(seed={SEED}, customers={CUSTOMERS}) "
            f"on {as_of}, copied with ids suffixed -<copy> and dates moved (copy % {SHIFT}) "
            "days earlier"
        )
        print(
            f"  writing {path.name} ({size:.0f} MiB): {time.perf_counter() - started:.2f} s "
            f"(not measured); aged as of {as_of}, standard buckets, due-date basis"
        )
        figures = {name: side(name, path, as_of, Path(directory, f"{name}.json")) for name in names}
        reports = {name: json.loads(Path(directory, f"{name}.json").read_text()) for name in names}

    print("  (each in its own process; peak = max resident memory of that process)")
    print(
        f"  {'':24}{'load':>9}{'aging':>9}{'total':>9}{'peak':>10}{'after imports':>15}"
        f"{'export':>9}"
    )
    for name in names:
        f = figures[name]
        print(
            f"  {NAMES[name]:24}{_seconds(f['load'])}{_seconds(f['aging'])}{_seconds(f['total'])}"
            f"{f['peak']:6.0f} MiB{f['baseline']:11.0f} MiB{_seconds(f['export'])}"
        )
    p = figures["pandas"]
    pairs = [(n, "pandas") for n in ("credkit", "objects") if n in names]
    pairs.append(("credkit", "checked"))
    for ours, theirs in pairs:
        a, b = figures[ours], figures[theirs]
        versus = f"{NAMES[ours]} / {NAMES[theirs]}"
        print(f"  ratio {versus:48} total {a['total'] / b['total']:5.2f}", end="")
        print(f"   peak memory {a['peak'] / b['peak']:5.2f}")

    problems = []
    for name in names[:-1]:
        problems += [f"{name}: {p}" for p in compare(reports[name], reports["pandas"])]
        if figures[name]["items"] != args.items:
            problems.append(f"{name}: {figures[name]['items']} items aged, not {args.items}")
    if p["items"] != args.items:
        problems.append(f"pandas: {p['items']} items read, not {args.items}")
    if problems:
        print("MISMATCH:", *problems[:20], sep="\n  ")
        return 1
    print(f"  same report: all {len(reports['pandas']):,} (customer, currency) rows agree")
    return 0


if __name__ == "__main__":
    sys.exit(main())
