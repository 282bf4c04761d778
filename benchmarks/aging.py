"""Aged receivables from a CSV of open items: credkit against pandas and polars, in one run.

The data come from ``benchmarks/_data.py``: a seeded, realistic open-item export with
distinct document ids and amounts, about ten lines per customer (lognormal sizes),
five currencies including JPY, credit notes, unapplied cash and disputes, dates over
two years. Each size (100,000 and 1,000,000 lines by default; ``--sizes 10M`` for ten
million) is written once, untimed (document id, customer id, kind, issue date, due
date, amount, currency, disputed), and aged as of ``_data.AS_OF`` with the standard
buckets on the due date. Each side runs in a fresh Python process of its own, so that
its peak memory is its own:

* credkit, pure path: :func:`credkit.io.age_open_items` (``engine="python"``), which
  reads the file in blocks and ages it in the same pass;
* credkit, polars engine: ``age_open_items(..., engine="polars")``: a lazy, streaming
  polars query with every check of the pure path;
* credkit's object path, for comparison (only with ``--objects``):
  :func:`credkit.io.read_open_items`, then :func:`credkit.aging.age`;
* pandas: ``pd.read_csv`` and ``pd.to_datetime`` on the due dates (load), then days
  overdue, ``pd.cut`` into the same six buckets and a groupby on (customer,
  currency) summing each bucket, the negative items as *unapplied*, the disputed
  amount, the count and the oldest days overdue (aging). This is the baseline.
* pandas with checks, for comparison: the same, but its load also checks what credkit
  checks (ids and customers not empty, known kinds and currencies, plain decimal
  amounts, yes/no flags, ISO dates with due dates not before issue dates and nothing
  after the report date, no document twice).
* polars, plain: a straightforward polars script of the same figures without any
  check (``scan_csv`` with float amounts, ``str.to_date``, a groupby), on the
  streaming engine.
* polars with checks, for comparison: the same script with the checks of pandas with
  checks, written to cost polars as little as it can: kinds and currencies read as
  enumerations and dates as dates (the reader refuses any other cell), the other
  checks summed into the same groupby, the duplicate check a second query run with it
  (``collect_all``). Its date reader is more lenient than credkit's (it also takes
  ``2026-7-8``), so ``polars, with checks / polars, plain`` is a lower bound of what
  the checks cost.

Each process prints its times and its peak resident memory (``ru_maxrss``, read as
soon as its report is built), then turns every row of its report into plain values
(``AgingReport.to_rows()`` for credkit; ``itertuples``/``iter_rows`` for pandas and
polars; timed apart as *export*, not part of the ratios) and writes them to a JSON
file. The script then compares every row of every side with pandas': same customers
and currencies, same bucket, unapplied and disputed amounts (pandas and plain polars
sum floats, rounded to the currency's minor units before comparing with credkit's
exact ``Decimal`` sums; with a handful of items per row the float error is far below
a cent), same counts and oldest days. Exit status 1 if anything differs.

Needs pandas and polars (the ``bench`` and ``polars`` extras):
``pip install 'credkit-b2b[bench,polars]'``.

With ``--repeat N`` each side runs N times, the sides taking turns, and its fastest run
is kept (single runs on a shared 2-core machine varied by up to 30 %).

    python benchmarks/aging.py                          # 100,000 and 1,000,000 lines
    python benchmarks/aging.py --repeat 3               # best of 3, as in docs/performance.md
    python benchmarks/aging.py --sizes 100k,1M,10M --objects
"""

from __future__ import annotations

import argparse
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

import _data  # benchmarks/_data.py: this script's folder is on sys.path

from kpi import best_of  # benchmarks/kpi.py: the sides take turns, the fastest run is kept

COLUMNS = _data.COLUMNS
EDGES = (30, 60, 90, 120)
MAPPING = {"kind": "kind", "disputed": "disputed"}


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


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
    """The pure path: age_open_items reads and ages the file block by block."""
    return _credkit(path, as_of, out, how="python")


def run_engine(path: Path, as_of: datetime.date, out: Path) -> dict[str, float]:
    """The columnar engine: age_open_items(..., engine="polars"), every check included."""
    return _credkit(path, as_of, out, how="polars")


def run_objects(path: Path, as_of: datetime.date, out: Path) -> dict[str, float]:
    """The object path: read_open_items builds an OpenItem per line, then age()."""
    return _credkit(path, as_of, out, how="objects")


def _credkit(path: Path, as_of: datetime.date, out: Path, *, how: str) -> dict[str, float]:
    from credkit.aging import STANDARD, age
    from credkit.io import ColumnMapping, age_open_items, read_open_items

    if how == "polars":
        import polars  # noqa: F401 - imported before the clock starts, as pandas is

    assert STANDARD.edges == EDGES
    mapping = ColumnMapping(**MAPPING)
    baseline = _peak_mib()
    started = time.perf_counter()
    if how != "objects":
        report = age_open_items(path, mapping=mapping, as_of=as_of, engine=how)  # type: ignore[arg-type]
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

    # Text columns as Python strings, pandas' faster way here: with pyarrow installed
    # (the dask extra brings it), pandas 3 keeps `str` columns as pyarrow strings, which
    # took 1.15-1.36 s against 0.87-0.91 s at a million lines (2026-12-04).
    pd.set_option("mode.string_storage", "python")
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


def run_polars(path: Path, as_of: datetime.date, out: Path) -> dict[str, float]:
    """A plain polars script of the same figures, without any check."""
    return _polars(path, as_of, out, checked=False)


def run_polars_checked(path: Path, as_of: datetime.date, out: Path) -> dict[str, float]:
    """The plain polars script with the checks of :func:`_read_checked`, written to cost
    polars as little as its own reader allows: what an engine that checks as much
    cannot go below."""
    return _polars(path, as_of, out, checked=True)


def _checked_scan(path: Path, as_of: datetime.date) -> tuple[Any, Any]:
    """The file read with :func:`_read_checked`'s checks: the reader itself refuses an
    unknown kind or currency (enumerations) and a cell that is not a date; a ``bad``
    column marks a line with an empty id, customer, kind, amount or currency, an amount
    that is not a plain decimal, a flag other than yes or no (any case, or empty), an
    invoice without a due date or dates out of order; the second query is true when a
    document is given twice.

    polars' date reader also takes ``2026/07/08`` and ``2026-7-8``, which the pure
    path refuses, so this checks a little less than credkit does."""
    import babel.numbers
    import polars as pl

    schema: dict[str, Any] = {
        "id": pl.String,
        "customer_id": pl.String,
        "kind": pl.Enum(["invoice", "payment", "credit_note"]),
        "issue_date": pl.Date,
        "due_date": pl.Date,
        "amount": pl.String,
        "currency": pl.Enum(sorted(babel.numbers.list_currencies())),
        "disputed": pl.String,
    }
    scan = pl.scan_csv(path, schema=schema)  # an empty cell is null
    twice = scan.select(pl.struct("kind", "id").n_unique() != pl.len())
    due, issued = pl.col("due_date"), pl.col("issue_date")
    flag = pl.col("disputed").str.to_lowercase().fill_null("")
    bad = (
        (pl.col("id").str.strip_chars() == "")
        | (pl.col("customer_id").str.strip_chars() == "")
        | ~pl.col("amount").str.contains(r"^-?[0-9]+(?:\.[0-9]+)?$")
        | pl.col("kind").is_null()
        | pl.col("currency").is_null()
        | issued.is_null()
        | (due.is_null() & (pl.col("kind") == "invoice"))
        | (issued > pl.lit(as_of))
        | (pl.coalesce(due, issued) < issued)
        | ~flag.is_in(["yes", "no", ""])
    ).fill_null(True)  # a null id, customer or amount
    scan = scan.with_columns(bad=bad).with_columns(
        pl.col("amount").cast(pl.Float64), due_date=pl.coalesce(due, issued), disputed=flag
    )
    return scan, twice


def _polars(path: Path, as_of: datetime.date, out: Path, *, checked: bool) -> dict[str, float]:
    import polars as pl

    from credkit.money import minor_units

    labels = ["Not yet due", "1-30", "31-60", "61-90", "91-120", "Over 120"]
    baseline = _peak_mib()
    started = time.perf_counter()
    if checked:
        scan, twice = _checked_scan(path, as_of)
        due = pl.col("due_date")
    else:
        scan = pl.scan_csv(
            path,
            schema_overrides={"id": pl.String, "customer_id": pl.String, "amount": pl.Float64},
        )
        due = pl.col("due_date").str.to_date("%Y-%m-%d")
    scan = scan.with_columns(
        days=(pl.lit(as_of) - due).dt.total_days(),
        owed=pl.col("amount") >= 0,
        flagged=pl.col("disputed") == "yes",
    )
    slot = pl.sum_horizontal([(pl.col("days") > edge).cast(pl.Int8) for edge in (0, *EDGES)])
    scan = scan.with_columns(slot=slot)
    amount, owed, d = pl.col("amount"), pl.col("owed"), pl.col("days")
    query = scan.group_by("customer_id", "currency").agg(
        *(
            pl.when(owed & (pl.col("slot") == index)).then(amount).otherwise(0.0).sum().alias(label)
            for index, label in enumerate(labels)
        ),
        pl.when(owed).then(0.0).otherwise(amount).sum().alias("unapplied"),
        pl.when(owed & pl.col("flagged")).then(amount).otherwise(0.0).sum().alias("dsp"),
        pl.len().alias("count"),
        pl.when(owed & (d > 0)).then(d).max().alias("oldest"),
        *([pl.col("bad").any()] if checked else []),
    )
    if checked:  # the sums with the line checks, and the duplicate check, run together
        frame, doubled = pl.collect_all([query, twice], engine="streaming")
        if doubled.item() or frame["bad"].any():
            raise ValueError("a line fails a check")
        frame = frame.drop("bad")
    else:
        frame = query.collect(engine="streaming")
    done = time.perf_counter()
    peak = _peak_mib()
    places = {code: minor_units(code) for code in frame["currency"].unique()}
    rows = {}
    for customer, code, *amounts, count, oldest in frame.iter_rows():
        rows[f"{customer}|{code}"] = [
            *(_money(a, places[code]) for a in amounts),
            int(count),
            oldest,
        ]
    exported = time.perf_counter()
    out.write_text(json.dumps(rows))
    return {
        "load": float("nan"),
        "aging": float("nan"),
        "total": done - started,
        "export": exported - done,
        "items": int(frame["count"].sum()),
        "baseline": baseline,
        "peak": peak,
    }


def _money(value: float, places: int) -> str:
    """A float sum rounded to the currency's minor units, without a minus on zero."""
    text = f"{value:.{places}f}"
    return text[1:] if text.startswith("-") and not Decimal(text) else text


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
    "engine": run_engine,
    "objects": run_objects,
    "checked": run_pandas_checked,
    "polars": run_polars,
    "polars_checked": run_polars_checked,
    "pandas": run_pandas,
}
NAMES = {
    "credkit": "credkit, pure path",
    "engine": "credkit, polars engine",
    "objects": "credkit read + age",
    "checked": "pandas, with checks",
    "polars": "polars, plain script",
    "polars_checked": "polars, with checks",
    "pandas": "pandas",
}
RATIOS = [
    # (ours, theirs, target of issue 20 or None)
    ("engine", "polars", 1.2),
    ("engine", "pandas", 0.5),
    ("credkit", "pandas", 1.5),
    ("credkit", "checked", None),
    ("engine", "checked", None),
    ("polars_checked", "polars", None),
    ("engine", "polars_checked", None),
    ("objects", "pandas", None),
]


def side(name: str, path: Path, as_of: datetime.date, out: Path) -> dict[str, float]:
    command = [sys.executable, __file__, "--side", name, "--csv", str(path), "--as-of"]
    command += [as_of.isoformat(), "--out", str(out)]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _seconds(value: float) -> str:
    return "      -  " if math.isnan(value) else f"{value:8.2f}s"


def _size(text: str) -> int:
    return _data.SIZES.get(text) or int(text.replace("_", "").replace(",", ""))


def run_size(lines: int, names: list[str], directory: Path, repeat: int = 1) -> list[str]:
    """Write ``lines`` open items, run every side on them (the fastest of ``repeat``
    runs kept), print; return the problems."""
    path = Path(directory, f"open_items_{lines}.csv")
    started = time.perf_counter()
    as_of = _data.write_open_items(path, lines)
    size = path.stat().st_size / 2**20
    print(
        f"\n{lines:,} open items from benchmarks/_data.py ({size:.0f} MiB, written in "
        f"{time.perf_counter() - started:.1f} s, not measured), aged as of {as_of}, "
        "standard buckets, due-date basis"
    )

    def run(name: str, out: Path) -> dict[str, float]:
        found = side(name, path, as_of, out)
        return {**found, "seconds": found["total"]}

    figures, reports = best_of(names, repeat, directory, run)
    path.unlink()
    print(
        f"  (each in its own process, best of {repeat}; peak = max resident memory of that process)"
    )
    print(
        f"  {'':26}{'load':>9}{'aging':>9}{'total':>9}{'peak':>10}{'after imports':>15}"
        f"{'export':>9}"
    )
    for name in names:
        f = figures[name]
        print(
            f"  {NAMES[name]:26}{_seconds(f['load'])}{_seconds(f['aging'])}{_seconds(f['total'])}"
            f"{f['peak']:6.0f} MiB{f['baseline']:11.0f} MiB{_seconds(f['export'])}"
        )
    for ours, theirs, target in RATIOS:
        if ours not in names or theirs not in names:
            continue
        a, b = figures[ours], figures[theirs]
        ratio = a["total"] / b["total"]
        versus = f"{NAMES[ours]} / {NAMES[theirs]}"
        verdict = ""
        if target is not None:
            verdict = f"   target <= {target}: {'met' if ratio <= target else 'NOT met'}"
        print(
            f"  ratio {versus:50} time {ratio:5.2f}   peak memory "
            f"{a['peak'] / b['peak']:5.2f}{verdict}"
        )
    problems = []
    for name in names:
        if name != "pandas":
            problems += [f"{name}: {p}" for p in compare(reports[name], reports["pandas"])]
        if figures[name]["items"] != lines:
            problems.append(f"{name}: {figures[name]['items']} items aged, not {lines}")
    if not problems:
        print(f"  same report: all {len(reports['pandas']):,} (customer, currency) rows agree")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        default="100k,1M",
        help="comma-separated line counts: 100k, 1M, 10M or a number (default 100k,1M)",
    )
    parser.add_argument(
        "--objects",
        action="store_true",
        help="also run the slow object path (read_open_items, then age)",
    )
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs of each side; the fastest is kept"
    )
    parser.add_argument("--side", choices=sorted(SIDES), help=argparse.SUPPRESS)
    parser.add_argument("--csv", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--as-of", type=datetime.date.fromisoformat, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.side is not None:
        print(json.dumps(SIDES[args.side](args.csv, args.as_of, args.out)))
        return 0
    try:
        sizes = [_size(part.strip()) for part in args.sizes.split(",")]
    except ValueError:
        parser.error(f"--sizes: expected counts such as 100k,1M, got {args.sizes!r}")
    if min(sizes) < 1 or args.repeat < 1:
        parser.error("--sizes and --repeat must be at least 1")
    names = [n for n in SIDES if args.objects or n != "objects"]
    problems = []
    with tempfile.TemporaryDirectory() as directory:
        for lines in sizes:
            problems += run_size(lines, names, Path(directory), args.repeat)
    if problems:
        print("MISMATCH:", *problems[:20], sep="\n  ")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
