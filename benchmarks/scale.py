"""Scale-out: aging an open-item export split into files, on a Dask cluster of 1 and 2 workers.

The data come from ``benchmarks/_data.py`` (10,000,000 lines by default): the seeded,
realistic export, cut into ``--files`` files (8 by default) at customer boundaries, so
that each customer's lines are in one file, as an ERP that exports per company code or
per region would write them. The files are written once, untimed, and kept in
``/tmp/credkit-scale-<lines>-<files>/`` for the next run (delete the folder to write
them again).

Three ways of aging the same files as of ``_data.AS_OF``, each timed:

* **one process**: :func:`credkit.io.age_open_items` on each file in turn, the reports
  added up in this process (no Dask at all): the baseline. Adding the reports is timed
  apart too: it is a copy of their columns, a small share of the whole;
* **Dask, 1 worker**: :func:`credkit.engines.dask.age_on_dask` on a ``LocalCluster`` of
  one worker process with one thread;
* **Dask, 2 workers**: the same with two worker processes of one thread each.

The clusters are started before the clock starts (starting one takes a second or two).
For each cluster the script also prints how long the workers spent computing (aging
the files, adding the reports, summed over the workers): the rest of the time is
moving reports between processes (pickled) and scheduling. Every report is compared
with the one-process report (``==``, then every row of
``to_rows()``); exit status 1 if any differs. ``--engine polars`` ages each file with
the columnar engine instead of the pure path, on every side.

The machine is shared and has two cores: with two workers, the scheduler, this process
and anything else running compete for them, so the two-worker figure is a floor of what
two dedicated cores would give.

Needs the ``dask`` extra: ``pip install 'credkit-b2b[dask]'``.

    python benchmarks/scale.py                       # 10M lines in 8 files
    python benchmarks/scale.py --lines 1M --files 4
"""

from __future__ import annotations

import argparse
import datetime
import functools
import operator
import os
import sys
import time
from pathlib import Path
from typing import Any

import _data  # benchmarks/_data.py: this script's folder is on sys.path

MAPPING = {"kind": "kind", "disputed": "disputed"}


def write_files(lines: int, parts: int, folder: Path) -> list[Path]:
    """The export of ``lines`` lines cut into ``parts`` files at customer boundaries."""
    paths = [folder / f"open_items_{index:02d}.csv" for index in range(parts)]
    done = folder / "complete"
    if done.exists():
        return paths
    folder.mkdir(parents=True, exist_ok=True)
    stream = _data.open_item_lines(lines)
    header = next(stream)
    target = -(-lines // parts)  # lines per file, rounded up
    index, customer = 0, ""
    file = paths[0].open("w", encoding="utf-8", newline="")
    file.write(header)
    batch: list[str] = []
    for written, text in enumerate(stream):
        owner = text.split(",", 2)[1]
        if written >= target * (index + 1) and owner != customer and index + 1 < parts:
            file.write("".join(batch))
            batch.clear()
            file.close()
            index += 1
            file = paths[index].open("w", encoding="utf-8", newline="")
            file.write(header)
        batch.append(text)
        if len(batch) == 10_000:
            file.write("".join(batch))
            batch.clear()
        customer = owner
    file.write("".join(batch))
    file.close()
    done.write_text(f"{lines} lines in {index + 1} files\n")
    return paths[: index + 1]


def one_process(paths: list[Path], as_of: datetime.date, engine: str) -> tuple[Any, float]:
    """Each file aged in turn in this process, the reports added up; returns the report
    and the seconds the additions took."""
    from credkit.io import ColumnMapping, age_open_items

    mapping = ColumnMapping(**MAPPING)
    reports = [
        age_open_items(path, as_of=as_of, mapping=mapping, engine=engine)  # type: ignore[arg-type]
        for path in paths
    ]
    started = time.perf_counter()
    report = functools.reduce(operator.add, reports)
    return report, time.perf_counter() - started


def on_cluster(paths: list[Path], as_of: datetime.date, engine: str, workers: int) -> Any:
    """The files aged on a LocalCluster of ``workers`` processes of one thread each;
    returns (report, seconds, {task kind: seconds computing}), start-up not counted."""
    from distributed import Client, LocalCluster, get_task_stream

    from credkit.engines.dask import age_on_dask
    from credkit.io import ColumnMapping

    mapping = ColumnMapping(**MAPPING)
    with (
        LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            memory_limit=0,
        ) as cluster,
        Client(cluster) as client,
    ):
        client.run(lambda: __import__("credkit.io"))  # warm the workers' imports, untimed
        with get_task_stream(client) as stream:
            started = time.perf_counter()
            report = age_on_dask(paths, as_of=as_of, mapping=mapping, engine=engine, client=client)
            seconds = time.perf_counter() - started
        busy: dict[str, float] = {}
        for task in stream.data:
            kind = "adding" if str(task["key"]).startswith("_add") else "aging"
            for step in task["startstops"]:
                if step["action"] == "compute":
                    busy[kind] = busy.get(kind, 0.0) + step["stop"] - step["start"]
        return report, seconds, busy


def _size(text: str) -> int:
    return _data.SIZES.get(text) or int(text.replace("_", ""))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", default="10M", help="10M (default), 1M, 100k or a number")
    parser.add_argument("--files", type=int, default=8, help="files to cut the export into")
    parser.add_argument("--engine", choices=("python", "polars"), default="python")
    parser.add_argument(
        "--workers", default="1,2", help="cluster sizes to run, comma-separated (default 1,2)"
    )
    args = parser.parse_args(argv)
    lines = _size(args.lines)
    folder = Path("/tmp", f"credkit-scale-{lines}-{args.files}")
    started = time.perf_counter()
    paths = write_files(lines, args.files, folder)
    print(
        f"{lines:,} lines in {len(paths)} files in {folder} "
        f"(ready in {time.perf_counter() - started:.1f} s); {os.cpu_count()} cores; "
        f"engine {args.engine}"
    )
    as_of = _data.AS_OF
    started = time.perf_counter()
    expected, adding = one_process(paths, as_of, args.engine)
    alone = time.perf_counter() - started
    print(
        f"one process:       {alone:7.1f} s   1.00x   (of which adding the reports {adding:.2f} s)"
    )
    rows = expected.to_rows()
    problems = []
    for workers in (int(part) for part in args.workers.split(",")):
        report, seconds, busy = on_cluster(paths, as_of, args.engine, workers)
        name = f"Dask, {workers} worker{'s' if workers > 1 else ''}:"
        print(
            f"{name:<18} {seconds:7.1f} s   {alone / seconds:.2f}x one process's speed   "
            f"(workers computing: aging {busy.get('aging', 0):.1f} s, "
            f"adding {busy.get('adding', 0):.1f} s)"
        )
        if report != expected or report.to_rows() != rows:
            problems.append(f"{workers} workers: the report differs from one process's")
    print(f"rows compared: {len(rows):,} (customer, currency) rows, every amount")
    if problems:
        print("MISMATCH:", *problems, sep="\n  ")
        return 1
    print("every report equals the one-process report")
    return 0


if __name__ == "__main__":
    sys.exit(main())
