"""Period receivables KPIs from an invoice export: credkit against pandas, in one run.

The data are the payment-history export of ``benchmarks/kpi.py`` (its ``write_history``:
seeded, distinct invoice ids and lognormal amounts, skewed customer sizes, five
currencies including JPY, customers with their own payment habits, issue dates over
about two and a half years up to 2026-11-30, about 8 % of the invoices still open).
Columns: ``id, customer_id, issue_date, due_date, amount, currency, settled_on``. Each
size (200,000 and 2,000,000 invoices by default) is written once, untimed, then the
KPIs of the quarter :data:`PERIOD` (2026-09-01 to 2026-11-30: 91 days, 3 months) are
computed by each side, in a fresh Python process of its own so that its peak memory is
its own:

* credkit, python engine: :func:`credkit.io.kpis_from_file` (``engine="python"``),
  which reads the file a block of columns at a time with the checks of
  :func:`~credkit.io.read_payment_history` and keeps only sums;
* credkit, polars engine: ``kpis_from_file(..., engine="polars")``, a lazy, streaming
  polars query with the same checks;
* credkit, records: ``kpis(InvoiceHistory(read_invoices(path), read_settlements(path)),
  ...)``, an ``Invoice`` and a ``Settlement`` per line (``--skip-records-above N`` leaves
  this side out at sizes above ``N``);
* pandas, the baseline: ``pd.read_csv``, ``pd.to_datetime`` of the three dates, then the
  beginning, ending and current receivables and the credit sales per currency, and of
  them the simple DSO, best possible DSO, percent current and CEI, in floats, without
  checks.

Every side writes every currency's figures to a JSON file; the script compares them all:
credkit's three sides exactly (the text of every ``Decimal`` of every figure: the four
amounts, the DSO simple and countback, best possible DSO, average days delinquent, CEI,
turnover, turnover days, percent current and the monthly sales of the countback),
pandas within a relative 1e-9 of credkit's on the figures it computes. Exit status 1 if
anything differs.

Needs pandas and polars (the ``bench`` and ``polars`` extras):
``pip install 'credkit-b2b[bench,polars]'``.

    python benchmarks/period_kpis.py                        # 200,000 and 2,000,000 invoices
    python benchmarks/period_kpis.py --sizes 20000,200000 --sides python,pandas
    python benchmarks/period_kpis.py --repeat 3 --skip-records-above 200000
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import json
import math
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

# benchmarks/kpi.py: this script's folder is on sys.path
from kpi import _peak_mib, best_of, history_of, print_sides

PERIOD = (datetime.date(2026, 9, 1), datetime.date(2026, 11, 30))
DAYS = (PERIOD[1] - PERIOD[0]).days + 1
MONTHS = 3  # September, October and November, each whole
FIGURES = (
    "beginning_ar",
    "ending_ar",
    "ending_current_ar",
    "credit_sales",
    "dso",
    "countback_dso",
    "best_possible_dso",
    "average_days_delinquent",
    "collection_effectiveness_index",
    "ar_turnover",
    "turnover_days",
    "percent_current",
    "sales_history",
)
BASELINE = (
    "beginning_ar",
    "ending_ar",
    "ending_current_ar",
    "credit_sales",
    "dso",
    "best_possible_dso",
    "collection_effectiveness_index",
    "percent_current",
)
"""The figures the pandas baseline computes, compared within a relative 1e-9."""


# -- the sides -----------------------------------------------------------------------------


def _credkit_export(report: Any) -> dict[str, dict[str, Any]]:
    exported = {}
    for f in report.figures:
        figures: dict[str, Any] = {}
        for name in FIGURES[:4]:
            figures[name] = str(getattr(f, name).amount)
        for name in FIGURES[4:-1]:
            value = getattr(f, name)
            figures[name] = None if value is None else str(value)
        figures["sales_history"] = [[days, str(m.amount)] for days, m in f.sales_history]
        exported[f.currency] = figures
    return exported


def run_credkit(path: Path, how: str) -> tuple[Any, Any]:
    from credkit.io import ColumnMapping

    mapping = ColumnMapping(settled_on="settled_on")
    start, end = PERIOD
    if how == "records":
        from credkit.io import read_invoices, read_settlements
        from credkit.kpi import InvoiceHistory, kpis

        history = InvoiceHistory(
            read_invoices(path, mapping=mapping), read_settlements(path, mapping=mapping)
        )
        report = kpis(history, period_start=start, period_end=end)
    else:
        from credkit.io import kpis_from_file

        report = kpis_from_file(
            path, mapping=mapping, period_start=start, period_end=end, engine=how
        )  # type: ignore[arg-type]
    return report, _credkit_export


def run_pandas(path: Path) -> tuple[Any, Any]:
    import pandas as pd

    # text as Python strings, as in benchmarks/aging.py (pyarrow strings are slower here)
    pd.set_option("mode.string_storage", "python")
    df = pd.read_csv(
        path,
        dtype={"id": str, "customer_id": str, "currency": str, "amount": float},
        keep_default_na=False,
    )
    start, end = (pd.Timestamp(day) for day in PERIOD)
    before = start - pd.Timedelta(days=1)
    issued = pd.to_datetime(df["issue_date"], format="%Y-%m-%d")
    due = pd.to_datetime(df["due_date"], format="%Y-%m-%d")
    settled = pd.to_datetime(df["settled_on"], format="%Y-%m-%d", errors="coerce")  # "" -> NaT
    amount = df["amount"]
    open_at_end = (issued <= end) & (settled.isna() | (settled > end))
    frame = pd.DataFrame(
        {
            "currency": df["currency"],
            "beginning_ar": amount.where(
                (issued <= before) & (settled.isna() | (settled > before)), 0.0
            ),
            "ending_ar": amount.where(open_at_end, 0.0),
            "ending_current_ar": amount.where(open_at_end & (due >= end), 0.0),
            "credit_sales": amount.where((issued >= start) & (issued <= end), 0.0),
        }
    )
    sums = frame.groupby("currency").sum()
    b, s = sums["beginning_ar"], sums["credit_sales"]
    total, current = sums["ending_ar"], sums["ending_current_ar"]
    sums["dso"] = total * DAYS / s
    sums["best_possible_dso"] = current * DAYS / s
    sums["percent_current"] = current * 100 / total
    available = b + s / MONTHS
    sums["collection_effectiveness_index"] = (available - total) / (available - current) * 100
    return sums, lambda g: {code: dict(row) for code, row in g.iterrows()}


SIDES: dict[str, tuple[str, Any]] = {
    "python": ("credkit, python engine", lambda p: run_credkit(p, "python")),
    "polars": ("credkit, polars engine", lambda p: run_credkit(p, "polars")),
    "records": ("credkit, records", lambda p: run_credkit(p, "records")),
    "pandas": ("pandas, no checks", run_pandas),
}
RATIOS = (
    ("python", "pandas"),
    ("polars", "pandas"),
    ("records", "pandas"),
    ("python", "records"),
    ("polars", "python"),
)
IMPORTS = {
    "python": ("credkit.io", "credkit.kpi", "credkit.io.kpi", "credkit.io._kpi_sums"),
    "polars": ("credkit.io", "credkit.kpi", "credkit.io.kpi", "credkit.io._polars_kpi", "polars"),
    "records": ("credkit.io", "credkit.kpi"),
    "pandas": ("numpy", "pandas"),
}
"""What each side imports before its clock starts (imports are not measured)."""


def child(name: str, path: Path, out: Path) -> None:
    import importlib

    for module in IMPORTS[name]:
        importlib.import_module(module)
    started, cpu = time.perf_counter(), time.process_time()
    result, export = SIDES[name][1](path)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = _peak_mib()
    Path(out).write_text(json.dumps(export(result)))
    print(json.dumps({"seconds": seconds, "cpu": cpu, "peak": peak}))


def side(name: str, path: Path, out: Path) -> Any:
    command = [sys.executable, __file__, "--side", name, "--csv", str(path), "--out", str(out)]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _close(a: Any, b: Any) -> bool:
    if a is None or b is None or (isinstance(b, float) and math.isnan(b)):
        return a is None and (b is None or math.isnan(b))
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)


def compare(
    name: str, ours: dict[str, dict[str, Any]], theirs: dict[str, dict[str, Any]], exact: bool
) -> list[str]:
    problems = []
    if ours.keys() != theirs.keys():
        problems.append(f"{name}: other currencies ({sorted(theirs)} vs {sorted(ours)})")
    for code in sorted(ours.keys() & theirs.keys()):
        mine, other = ours[code], theirs[code]
        for figure in FIGURES if exact else BASELINE:
            a, b = mine[figure], other[figure]
            if (a != b) if exact else not _close(a, b):
                problems.append(f"{name}: {code} {figure}: {b!r}, credkit {a!r}")
    return problems


def run_size(
    lines: int, names: list[str], directory: Path, repeat: int
) -> tuple[list[str], dict[str, dict[str, float]]]:
    path = history_of(directory, lines, f"KPIs of {PERIOD[0]} to {PERIOD[1]}")
    figures, results = best_of(names, repeat, directory, lambda n, out: side(n, path, out))
    path.unlink()
    print_sides(names, figures, repeat, SIDES)
    for ours, theirs in RATIOS:
        if ours in names and theirs in names:
            a, b = figures[ours], figures[theirs]
            label = f"{SIDES[ours][0]} / {SIDES[theirs][0]}"
            print(
                f"  ratio {label:50} time {a['seconds'] / b['seconds']:5.2f}  "
                f"peak {a['peak'] / b['peak']:5.2f}"
            )
    credkit = [n for n in names if n != "pandas"]
    problems = []
    if credkit:
        reference = results[credkit[0]]
        for name in names:
            if name != credkit[0]:
                problems += compare(name, reference, results[name], name != "pandas")
        if not problems:
            example = reference.get("EUR") or next(iter(reference.values()))
            print(
                f"  same figures on every side, all {len(reference)} currencies "
                f"(EUR: DSO {float(example['dso']):.2f}, countback "
                f"{float(example['countback_dso']):.2f}, CEI "
                f"{float(example['collection_effectiveness_index']):.2f}, percent current "
                f"{float(example['percent_current']):.2f})"
            )
    return problems, figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="200000,2000000", help="comma-separated invoice counts")
    parser.add_argument(
        "--sides", default="python,polars,records,pandas", help=f"of {', '.join(SIDES)}"
    )
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs of each side; the best time is kept"
    )
    parser.add_argument(
        "--skip-records-above",
        type=int,
        metavar="N",
        help="leave the records side out at sizes above N invoices (it is slow)",
    )
    parser.add_argument("--side", choices=sorted(SIDES), help=argparse.SUPPRESS)
    parser.add_argument("--csv", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.side is not None:
        child(args.side, args.csv, args.out)
        return 0
    names = [n.strip() for n in args.sides.split(",")]
    unknown = [n for n in names if n not in SIDES]
    if unknown:
        parser.error(f"--sides: unknown {unknown}; choose from {', '.join(SIDES)}")
    sizes = [int(part.replace("_", "")) for part in args.sizes.split(",")]
    problems: list[str] = []
    timings = []
    with tempfile.TemporaryDirectory() as directory:
        for lines in sizes:
            these = names
            if args.skip_records_above is not None and lines > args.skip_records_above:
                these = [n for n in names if n != "records"]
                if "records" in names:
                    print(f"\n(records side skipped at {lines:,} invoices: --skip-records-above)")
            found, figures = run_size(lines, these, Path(directory), args.repeat)
            problems += found
            timings.append((lines, figures))
    for (small, a), (large, b) in itertools.pairwise(timings):
        print(f"\ngrowth from {small:,} to {large:,} invoices ({large / small:g}x the data):")
        for name in names:
            if name in a and name in b:
                grown = b[name]["seconds"] / a[name]["seconds"]
                cpu = b[name]["cpu"] / a[name]["cpu"]
                peak = b[name]["peak"] / a[name]["peak"]
                print(
                    f"  {SIDES[name][0]:30} time {grown:6.2f}x  cpu {cpu:6.2f}x  peak {peak:6.2f}x"
                )
    if problems:
        print("MISMATCH:", *problems[:20], sep="\n  ")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
