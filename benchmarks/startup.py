"""Startup cost: ``import credkit`` and ``credkit --version`` against bare Python, in one run.

Each case runs in fresh interpreter processes, ``--repeat`` times, the cases taking
turns (round robin) so that a busy spell on the machine hits all of them alike. The
CPU time of each process (user + system, from ``resource.getrusage(RUSAGE_CHILDREN)``
around it) and its wall time are recorded; the best and the median are printed.

Bytecode: by default every process reads and writes its ``.pyc`` files under a
temporary ``PYTHONPYCACHEPREFIX`` (and ``PYTHONDONTWRITEBYTECODE`` is dropped), so
that after the warm-up round nothing is compiled, as for an installed wheel; the
source tree gets no ``__pycache__``. ``--bytecode as-is`` runs with the environment
unchanged: with ``PYTHONDONTWRITEBYTECODE=1`` and an editable install, credkit's
modules are compiled from source in every process (its dependencies are not, pip
compiled them at install), which is what a developer's checkout may pay.

The cases:

* ``python -c pass``: the interpreter alone (``-I`` is not used, so site-packages and
  its ``.pth`` files count, as they do for every case);
* ``deps``: ``import attrs, cattrs, dateutil, babel``, credkit's runtime dependencies
  at their top level, the baseline of the ``import credkit`` target;
* ``deps, as used``: the modules of those dependencies that credkit's modules import
  (``cattrs.gen``, ``dateutil.relativedelta``, ``babel.numbers``, ``babel.dates``, ...),
  what any real use of credkit pays; shown for context, not a target;
* ``import credkit``: the package face alone (its names resolve on first use);
* ``from credkit import Money``: the first name used, with what it imports;
* ``credkit --version`` and ``credkit --help``: the console script.

Targets (issue 20): ``credkit --version`` within 3x of ``python -c pass``, and
``import credkit`` within 1.5x of ``deps``, by median CPU time. The script prints
the ratios and whether each target is met; it exits with 0 either way (timings are
reported, never asserted).

    python benchmarks/startup.py                  # 21 rounds
    python benchmarks/startup.py --repeat 51
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

_DEPS = "import attrs, cattrs, dateutil, babel"
_DEPS_AS_USED = (
    "import attrs, cattrs, cattrs.cols, cattrs.errors, cattrs.gen, dateutil, "
    "dateutil.relativedelta, babel, babel.dates, babel.numbers"
)


def _console_script() -> list[str]:
    """The installed ``credkit`` script next to this interpreter (else on PATH)."""
    beside = Path(sys.executable).with_name("credkit")
    found = str(beside) if beside.exists() else shutil.which("credkit")
    if found is None:
        return [sys.executable, "-m", "credkit.cli"]
    return [found]


def _cases() -> dict[str, list[str]]:
    python = [sys.executable]
    script = _console_script()
    return {
        "python -c pass": [*python, "-c", "pass"],
        "deps": [*python, "-c", _DEPS],
        "deps, as used": [*python, "-c", _DEPS_AS_USED],
        "import credkit": [*python, "-c", "import credkit"],
        "from credkit import Money": [*python, "-c", "from credkit import Money"],
        "credkit --version": [*script, "--version"],
        "credkit --help": [*script, "--help"],
    }


def _run_once(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """CPU seconds (user + system) and wall seconds of one run of ``command``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "?"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repeat", type=int, default=21, help="rounds (default 21)")
    parser.add_argument(
        "--bytecode",
        choices=("cached", "as-is"),
        default="cached",
        help="cached: .pyc files in a temporary PYTHONPYCACHEPREFIX (default); "
        "as-is: the environment unchanged",
    )
    args = parser.parse_args(argv)

    cases = _cases()
    cpu: dict[str, list[float]] = {name: [] for name in cases}
    wall: dict[str, list[float]] = {name: [] for name in cases}
    with tempfile.TemporaryDirectory(prefix="credkit-pycache-") as prefix:
        env = dict(os.environ)
        if args.bytecode == "cached":
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = prefix
        for command in cases.values():  # warm the file system cache and the .pyc files
            _run_once(command, env)
        for _ in range(args.repeat):
            for name, command in cases.items():
                seconds, elapsed = _run_once(command, env)
                cpu[name].append(seconds)
                wall[name].append(elapsed)
    bytecode = (
        "cached .pyc"
        if args.bytecode == "cached"
        else f"as-is (PYTHONDONTWRITEBYTECODE={os.environ.get('PYTHONDONTWRITEBYTECODE', '')!r})"
    )

    versions = ", ".join(
        f"{name} {_version(name)}"
        for name in ("credkit-b2b", "attrs", "cattrs", "python-dateutil", "babel")
    )
    print(
        f"{time.strftime('%Y-%m-%d')}, {platform.machine()}, CPython "
        f"{platform.python_version()}, {versions}; {args.repeat} rounds, {bytecode}"
    )
    print(f"{'case':<28}{'CPU best':>10}{'CPU median':>12}{'wall best':>11}{'wall median':>13}")
    for name in cases:
        print(
            f"{name:<28}{min(cpu[name]) * 1000:>8.1f}ms{statistics.median(cpu[name]) * 1000:>10.1f}ms"
            f"{min(wall[name]) * 1000:>9.1f}ms{statistics.median(wall[name]) * 1000:>11.1f}ms"
        )

    def ratio(name: str, baseline: str) -> float:
        return statistics.median(cpu[name]) / statistics.median(cpu[baseline])

    print()
    for name, baseline, target in (
        ("credkit --version", "python -c pass", 3.0),
        ("import credkit", "deps", 1.5),
        ("credkit --help", "python -c pass", None),
        ("from credkit import Money", "deps, as used", None),
    ):
        value = ratio(name, baseline)
        verdict = (
            ""
            if target is None
            else f"  (target {target}x: {'met' if value <= target else 'NOT met'})"
        )
        print(f"{name} / {baseline}: {value:.2f}x median CPU{verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
