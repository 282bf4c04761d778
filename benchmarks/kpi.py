"""Payment behaviour from a payment-history CSV: credkit against pandas and polars, in one run.

The data are a seeded, realistic payment-history export written by this script in the
manner of ``benchmarks/_data.py``: distinct invoice ids and amounts (lognormal, in
minor units), skewed customer sizes (about twenty invoices per customer on average,
lognormal), five currencies including JPY (each customer pays in one: a customer in
several would need exchange rates, which the plain scripts do not have), customers
with their own payment habits (from early payers to 60 days late, with noise), issue
dates over about two and a half years before the analysis date, and about 8 % of the
invoices still open (an empty settled date). Columns: ``id, customer_id, issue_date,
due_date, amount, currency, settled_on``. Each size (200,000 and 2,000,000 invoices by
default) is written once, untimed, then analysed as of :data:`AS_OF` with the default
windows (24 months; trend: the last 3 months against the 12 before) by each side, in
a fresh Python process of its own so that its peak memory is its own:

* credkit, pure path: :func:`credkit.io.behaviour_from_file` (``engine="python"``),
  which reads the file a block at a time, checks every line as
  :func:`~credkit.io.read_payment_history` does and keeps only sums;
* credkit, polars engine: ``behaviour_from_file(..., engine="polars")``, a lazy,
  streaming polars query with the same checks;
* credkit's record path: :func:`credkit.io.read_settlements`, then
  :func:`credkit.kpi.payment_behaviour` (with ``--before SRC``, also the same with the
  credkit sources in ``SRC``, e.g. a ``git archive`` of an earlier commit);
* pandas: ``pd.read_csv``, ``pd.to_datetime`` and a groupby of the same figures, in
  floats, without checks (the baseline);
* polars, plain: the same figures with a straightforward lazy polars script, without
  checks, on the streaming engine.

Every side writes every customer's figures (invoices, average and weighted days to pay,
beyond terms and late, on-time and early shares, payment index, amount paid, recent and
baseline days late of the trend) to a JSON file; the script compares them all: credkit's
sides exactly (the text of each ``Decimal``), pandas and plain polars within a relative
1e-9 of credkit's. Exit status 1 if anything differs.

Needs pandas and polars (the ``bench`` and ``polars`` extras):
``pip install 'credkit-b2b[bench,polars]'``.

    python benchmarks/kpi.py                              # 200,000 and 2,000,000 invoices
    python benchmarks/kpi.py --sizes 20000,200000 --sides pure,pandas
    python benchmarks/kpi.py --repeat 3 --before /tmp/before/src   # as in docs/performance.md
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import json
import math
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

AS_OF = datetime.date(2026, 11, 30)
COLUMNS = ("id", "customer_id", "issue_date", "due_date", "amount", "currency", "settled_on")
CURRENCIES = {"EUR": (0.55, 2, 1.0), "USD": (0.20, 2, 1.1), "GBP": (0.12, 2, 0.85)}
CURRENCIES |= {"CHF": (0.08, 2, 0.95), "JPY": (0.05, 0, 160.0)}
TERMS = (14, 30, 30, 30, 45, 60, 60, 90)
INVOICES_PER_CUSTOMER = 20
# the public PAYDEX-scale anchors of credkit.kpi.INDEX_ANCHORS, for the plain scripts
ANCHORS = ((-30, 100), (-20, 90), (0, 80), (15, 70), (22, 60), (30, 50), (60, 40))
ANCHORS += ((90, 30), (120, 20), (180, 0))
FIGURES = (
    "invoices",
    "average_days_to_pay",
    "weighted_days_to_pay",
    "average_days_beyond_terms",
    "weighted_days_beyond_terms",
    "average_days_late",
    "weighted_days_late",
    "share_on_time",
    "share_early",
    "payment_index",
    "amount_paid",
    "recent_days_late",
    "baseline_days_late",
)


# -- the data ------------------------------------------------------------------------------


def history_lines(lines: int, *, seed: int = 20) -> Any:
    """The header, then ``lines`` invoices of a payment-history export."""
    rng = random.Random(seed)
    yield ",".join(COLUMNS) + "\n"
    customers = max(1, lines // INVOICES_PER_CUSTOMER)
    weights = [rng.lognormvariate(0.0, 1.1) for _ in range(customers)]
    scale = (lines - customers) / sum(weights)
    sizes = [1 + int(w * scale) for w in weights]
    for _ in range(lines - sum(sizes)):
        sizes[rng.randrange(customers)] += 1
    codes = list(CURRENCIES)
    shares = [share for share, _, _ in CURRENCIES.values()]
    last = AS_OF.toordinal()
    days: dict[int, str] = {}

    def day(ordinal: int) -> str:
        text = days.get(ordinal)
        if text is None:
            text = days[ordinal] = datetime.date.fromordinal(ordinal).isoformat()
        return text

    number = 0
    for index, size in enumerate(sizes, start=1):
        customer = f"C{index:07d}"
        code = rng.choices(codes, shares)[0]
        _, places, factor = CURRENCIES[code]
        terms = rng.choice(TERMS)
        habit = rng.choice((-12, -5, 0, 0, 2, 5, 10, 20, 35, 60))
        mean = rng.lognormvariate(6.8, 0.8)
        for _ in range(size):
            number += 1
            issued = last - min(900, int(rng.expovariate(1 / 300)))
            due = issued + terms
            minor = max(1, int(mean * factor * rng.lognormvariate(0.0, 0.9) * 10**places))
            whole, cents = divmod(minor, 10**places)
            amount = f"{whole}.{cents:0{places}d}" if places else str(whole)
            settled = max(issued, due + habit + int(rng.gauss(0, 6)))
            paid = "" if rng.random() < 0.08 or settled > last + 30 else day(settled)
            yield f"INV-{number:09d},{customer},{day(issued)},{day(due)},{amount},{code},{paid}\n"


def write_history(path: Path, lines: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as file:
        batch: list[str] = []
        for text in history_lines(lines):
            batch.append(text)
            if len(batch) == 10_000:
                file.write("".join(batch))
                batch.clear()
        file.write("".join(batch))


def bounds(as_of: datetime.date) -> dict[str, int]:
    """Ordinal bounds of the windows, from credkit's own definition (in the parent)."""
    from credkit.kpi.behaviour import _bounds

    b = _bounds(as_of, 24, 3, 12)
    return {"as_of": b.as_of, "window": b.window, "recent": b.recent, "baseline": b.baseline}


# -- the sides -----------------------------------------------------------------------------


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _credkit_export(results: Any) -> dict[str, list[Any]]:
    from credkit.kpi import PaymentBehaviour

    exported = {}
    for customer, value in results.items():
        if isinstance(value, PaymentBehaviour):
            figures = [value.invoices] + [str(getattr(value, n)) for n in FIGURES[1:10]]
            figures.append(str(value.amount_paid.amount))
            for late in (value.trend.recent_days_late, value.trend.baseline_days_late):
                figures.append(None if late is None else str(late))
            exported[customer] = figures
    return exported


def _credkit(path: Path, as_of: datetime.date, how: str) -> tuple[Any, dict[str, list[Any]]]:
    from credkit.io import ColumnMapping, read_settlements
    from credkit.kpi import payment_behaviour

    mapping = ColumnMapping(settled_on="settled_on")
    if how == "records":
        results = payment_behaviour(read_settlements(path, mapping=mapping), as_of=as_of)
    else:
        from credkit.io import behaviour_from_file

        results = behaviour_from_file(path, as_of=as_of, mapping=mapping, engine=how)  # type: ignore[arg-type]
    return results, {}


def run_credkit(path: Path, as_of: datetime.date, how: str, **_: Any) -> tuple[Any, Any]:
    results, _unused = _credkit(path, as_of, how)
    return results, _credkit_export


def _finish_frame(rows: Any) -> dict[str, list[Any]]:
    """Figures of the per-customer sums (a list of dicts), as floats."""
    exported = {}
    for r in rows:
        n = r["n"]
        if n < 3:
            continue
        w = r["w"]
        exported[r["customer"]] = [
            int(n),
            r["dtp"] / n,
            r["w_dtp"] / w,
            r["dbt"] / n,
            r["w_dbt"] / w,
            r["late"] / n,
            r["w_late"] / w,
            r["on_time"] / n,
            r["early"] / n,
            r["w_index"] / w,
            w,
            r["rw_late"] / r["rw"] if r["rn"] >= 2 else None,
            r["bw_late"] / r["bw"] if r["bn"] >= 2 else None,
        ]
    return exported


def run_pandas(
    path: Path, as_of: datetime.date, *, window: int, recent: int, baseline: int, **_: Any
) -> tuple[Any, Any]:
    import numpy as np
    import pandas as pd

    # text as Python strings, as in benchmarks/aging.py (pyarrow strings are slower here)
    pd.set_option("mode.string_storage", "python")
    df = pd.read_csv(
        path,
        dtype={"id": str, "customer_id": str, "currency": str, "amount": float},
        keep_default_na=False,
    )
    df = df[df["settled_on"] != ""]
    epoch = datetime.date(1970, 1, 1).toordinal() - 1  # ordinal of the day before 1970-01-01

    def days(column: str) -> Any:
        dates = pd.to_datetime(df[column], format="%Y-%m-%d")
        return dates.to_numpy().astype("datetime64[D]").astype(np.int64) + epoch + 1

    s, issue, due = days("settled_on"), days("issue_date"), days("due_date")
    earliest = min(window, baseline)
    keep = (s > earliest) & (s <= as_of.toordinal())
    s, issue, due = s[keep], issue[keep], due[keep]
    w = df["amount"].to_numpy()[keep]
    dtp, dbt = s - issue, s - due
    late = np.maximum(dbt, 0)
    inside = (s > window).astype(np.int64)
    is_recent = (s > recent).astype(np.int64)
    is_base = ((s > baseline) & (s <= recent)).astype(np.int64)
    xs, ys = zip(*ANCHORS, strict=True)
    index = np.interp(dbt.astype(float), np.array(xs, float), np.array(ys, float))
    frame = pd.DataFrame(
        {
            "customer": df["customer_id"].to_numpy()[keep],
            "n": inside,
            "dtp": dtp * inside,
            "dbt": dbt * inside,
            "late": late * inside,
            "on_time": (dbt <= 0) * inside,
            "early": (dbt < 0) * inside,
            "w": w * inside,
            "w_dtp": w * dtp * inside,
            "w_dbt": w * dbt * inside,
            "w_late": w * late * inside,
            "w_index": w * index * inside,
            "rn": is_recent,
            "rw": w * is_recent,
            "rw_late": w * late * is_recent,
            "bn": is_base,
            "bw": w * is_base,
            "bw_late": w * late * is_base,
        }
    )
    sums = frame.groupby("customer", sort=False).sum()
    sums = sums[sums["n"] >= 3]
    return sums, lambda g: _finish_frame(g.reset_index().to_dict("records"))


def run_polars(
    path: Path, as_of: datetime.date, *, window: int, recent: int, baseline: int, **_: Any
) -> tuple[Any, Any]:
    import polars as pl

    epoch = datetime.date(1970, 1, 1).toordinal()

    def days(column: str) -> Any:
        return pl.col(column).str.to_date("%Y-%m-%d").cast(pl.Int64) + epoch

    scan = pl.scan_csv(path, schema_overrides={"amount": pl.Float64, "settled_on": pl.String})
    scan = scan.filter(pl.col("settled_on").is_not_null())
    scan = scan.with_columns(
        days("settled_on").alias("s"), days("issue_date").alias("i"), days("due_date").alias("d")
    )
    earliest = min(window, baseline)
    scan = scan.filter((pl.col("s") > earliest) & (pl.col("s") <= as_of.toordinal()))
    s, w = pl.col("s"), pl.col("amount")
    dtp, dbt = s - pl.col("i"), s - pl.col("d")
    late = pl.max_horizontal(dbt, 0)
    index = pl.lit(float(ANCHORS[-1][1]))
    for (x0, y0), (x1, y1) in reversed(list(itertools.pairwise(ANCHORS))):
        index = pl.when(dbt <= x1).then(y0 + (y1 - y0) * (dbt - x0) / (x1 - x0)).otherwise(index)
    index = pl.when(dbt <= ANCHORS[0][0]).then(float(ANCHORS[0][1])).otherwise(index)
    inside = (s > window).cast(pl.Int64)
    is_recent = (s > recent).cast(pl.Int64)
    is_base = ((s > baseline) & (s <= recent)).cast(pl.Int64)
    sums = scan.group_by(pl.col("customer_id").alias("customer")).agg(
        inside.sum().alias("n"),
        (dtp * inside).sum().alias("dtp"),
        (dbt * inside).sum().alias("dbt"),
        (late * inside).sum().alias("late"),
        ((dbt <= 0).cast(pl.Int64) * inside).sum().alias("on_time"),
        ((dbt < 0).cast(pl.Int64) * inside).sum().alias("early"),
        (w * inside).sum().alias("w"),
        (w * dtp * inside).sum().alias("w_dtp"),
        (w * dbt * inside).sum().alias("w_dbt"),
        (w * late * inside).sum().alias("w_late"),
        (w * index * inside).sum().alias("w_index"),
        is_recent.sum().alias("rn"),
        (w * is_recent).sum().alias("rw"),
        (w * late * is_recent).sum().alias("rw_late"),
        is_base.sum().alias("bn"),
        (w * is_base).sum().alias("bw"),
        (w * late * is_base).sum().alias("bw_late"),
    )
    result = sums.filter(pl.col("n") >= 3).collect(engine="streaming")
    return result, lambda g: _finish_frame(g.iter_rows(named=True))


SIDES: dict[str, tuple[str, Any]] = {
    "pure": ("credkit, pure path", lambda p, a, **k: run_credkit(p, a, "python")),
    "engine": ("credkit, polars engine", lambda p, a, **k: run_credkit(p, a, "polars")),
    "records": ("credkit, records", lambda p, a, **k: run_credkit(p, a, "records")),
    "before": ("credkit, records (--before)", lambda p, a, **k: run_credkit(p, a, "records")),
    "pandas": ("pandas, no checks", run_pandas),
    "polars": ("polars script, no checks", run_polars),
}
RATIOS = (
    ("pure", "pandas", 3.0),
    ("engine", "pandas", 0.5),
    ("engine", "polars", 1.2),
    ("pure", "records", None),
    ("pure", "before", None),
    ("records", "before", None),
    ("engine", "pure", None),
)


IMPORTS = {
    "pure": ("credkit.io", "credkit.kpi"),
    "engine": ("credkit.io", "credkit.kpi", "credkit.io._polars_behaviour", "polars"),
    "records": ("credkit.io", "credkit.kpi"),
    "before": ("credkit.io", "credkit.kpi"),
    "pandas": ("numpy", "pandas"),
    "polars": ("polars",),
}
"""What each side imports before its clock starts (imports are not measured)."""


def child(name: str, path: Path, as_of: datetime.date, out: Path, limits: dict[str, int]) -> None:
    import importlib

    for module in IMPORTS[name]:
        importlib.import_module(module)
    started, cpu = time.perf_counter(), time.process_time()
    result, export = SIDES[name][1](path, as_of, **limits)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = _peak_mib()
    Path(out).write_text(json.dumps(export(result)))
    print(json.dumps({"seconds": seconds, "cpu": cpu, "peak": peak}))


def side(name: str, path: Path, out: Path, limits: dict[str, int], before: Path | None) -> Any:
    command = [sys.executable, __file__, "--side", name, "--csv", str(path), "--out", str(out)]
    command += ["--limits", json.dumps(limits)]
    env = dict(os.environ)
    if name == "before":
        assert before is not None
        env["PYTHONPATH"] = str(before)
    done = subprocess.run(command, check=True, capture_output=True, text=True, env=env)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _close(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    x, y = float(a), float(b)
    return math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-9)


def compare(
    name: str, ours: dict[str, list[Any]], theirs: dict[str, list[Any]], exact: bool
) -> list[str]:
    problems = []
    if ours.keys() != theirs.keys():
        missing = sorted(ours.keys() ^ theirs.keys())[:5]
        problems.append(
            f"{name}: other customers with figures ({len(theirs)} vs {len(ours)}: {missing})"
        )
    for customer in sorted(ours.keys() & theirs.keys()):
        mine, other = ours[customer], theirs[customer]
        for figure, a, b in zip(FIGURES, mine, other, strict=True):
            if (a != b) if exact else not _close(a, b):
                problems.append(f"{name}: {customer} {figure}: {b!r}, credkit {a!r}")
    return problems


def best_of(
    names: list[str],
    repeat: int,
    directory: Path,
    run: Callable[[str, Path], dict[str, float]],
) -> tuple[dict[str, dict[str, float]], dict[str, Any]]:
    """Each side's figures of its fastest of ``repeat`` runs, the sides taking turns, and
    the results it wrote (``run(name, out)`` runs side ``name`` writing ``out``).

    Also used by benchmarks/period_kpis.py.
    """
    figures: dict[str, dict[str, float]] = {}
    for _ in range(repeat):
        for n in names:
            found = run(n, Path(directory, f"{n}.json"))
            best = figures.setdefault(n, found)
            if found["seconds"] < best["seconds"]:
                figures[n] = found
    results = {n: json.loads(Path(directory, f"{n}.json").read_text()) for n in names}
    return figures, results


def print_sides(
    names: list[str],
    figures: dict[str, dict[str, float]],
    repeat: int,
    sides: dict[str, tuple[str, Any]],
) -> None:
    """A line per side: its best time, CPU time and peak memory."""
    print(
        f"  (each side in its own process, best of {repeat}; cpu = its CPU time, threads "
        "included; peak = max resident memory of that process)"
    )
    for name in names:
        f = figures[name]
        print(
            f"  {sides[name][0]:30}{f['seconds']:8.2f} s  cpu {f['cpu']:7.2f} s "
            f"{f['peak']:8.0f} MiB"
        )


def history_of(directory: Path, lines: int, what: str) -> Path:
    """Write a payment history of ``lines`` invoices in ``directory``, untimed, and print
    a heading that says so, then ``what`` is measured. Also used by
    benchmarks/period_kpis.py."""
    path = Path(directory, f"history_{lines}.csv")
    started = time.perf_counter()
    write_history(path, lines)
    size = path.stat().st_size / 2**20
    print(
        f"\n{lines:,} invoices ({size:.0f} MiB, written in {time.perf_counter() - started:.1f} s, "
        f"not measured), {what}",
        flush=True,
    )
    return path


def run_size(
    lines: int, names: list[str], directory: Path, before: Path | None, repeat: int
) -> tuple[list[str], dict[str, dict[str, float]]]:
    path = history_of(directory, lines, f"payment behaviour as of {AS_OF}")
    limits = bounds(AS_OF)
    figures, results = best_of(
        names, repeat, directory, lambda n, out: side(n, path, out, limits, before)
    )
    path.unlink()
    print_sides(names, figures, repeat, SIDES)
    for ours, theirs, target in RATIOS:
        if ours in names and theirs in names:
            a, b = figures[ours], figures[theirs]
            ratio = a["seconds"] / b["seconds"]
            verdict = (
                ""
                if target is None
                else f"   target <= {target}: {'met' if ratio <= target else 'NOT met'}"
            )
            label = f"{SIDES[ours][0]} / {SIDES[theirs][0]}"
            print(
                f"  ratio {label:58} time {ratio:5.2f}  peak {a['peak'] / b['peak']:5.2f}{verdict}"
            )
    reference = results[names[0]]
    problems = []
    for name in names[1:]:
        exact = name in ("pure", "engine", "records", "before")
        problems += compare(name, reference, results[name], exact)
    if not problems:
        print(f"  same figures: all {len(reference):,} customers with figures agree on every side")
    return problems, figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="200000,2000000", help="comma-separated invoice counts")
    parser.add_argument(
        "--sides", default="pure,engine,records,pandas,polars", help=f"of {', '.join(SIDES)}"
    )
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs of each side; the best time is kept"
    )
    parser.add_argument(
        "--before", type=Path, help="credkit sources (a src directory) for 'before'"
    )
    parser.add_argument("--side", choices=sorted(SIDES), help=argparse.SUPPRESS)
    parser.add_argument("--csv", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--limits", type=json.loads, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.side is not None:
        limits = dict(args.limits)
        as_of = datetime.date.fromordinal(limits.pop("as_of"))
        child(args.side, args.csv, as_of, args.out, limits)
        return 0
    names = [n.strip() for n in args.sides.split(",")]
    if args.before is not None and "before" not in names:
        names.append("before")
    if "before" in names and args.before is None:
        parser.error("the side 'before' needs --before SRC")
    unknown = [n for n in names if n not in SIDES]
    if unknown:
        parser.error(f"--sides: unknown {unknown}; choose from {', '.join(SIDES)}")
    sizes = [int(part.replace("_", "")) for part in args.sizes.split(",")]
    problems: list[str] = []
    timings = []
    with tempfile.TemporaryDirectory() as directory:
        for lines in sizes:
            found, figures = run_size(lines, names, Path(directory), args.before, args.repeat)
            problems += found
            timings.append((lines, figures))
    for (small, a), (large, b) in itertools.pairwise(timings):
        factor = large / small
        print(f"\ngrowth from {small:,} to {large:,} invoices ({factor:g}x the data):")
        for name in names:
            grown = b[name]["seconds"] / a[name]["seconds"]
            cpu = b[name]["cpu"] / a[name]["cpu"]
            verdict = ""
            if name in ("pure", "engine", "records"):
                met = "met" if min(grown, cpu) <= factor * 1.1 else "NOT met"
                verdict = f"   (target <= {factor * 1.1:g}x: {met})"
            print(f"  {SIDES[name][0]:30} time {grown:6.2f}x  cpu {cpu:6.2f}x{verdict}")
    if problems:
        print("MISMATCH:", *problems[:20], sep="\n  ")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
