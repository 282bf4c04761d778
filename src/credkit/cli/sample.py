"""``credkit sample``: write the synthetic sample portfolio as CSV files."""

from __future__ import annotations

import argparse
from pathlib import Path

import credkit.io as io
from credkit import bureau, sample
from credkit.cli._common import Subcommands
from credkit.cli._output import OK, add_format_argument, emit
from credkit.errors import ValidationError

__all__ = ["add_parser", "run"]


def add_parser(commands: Subcommands) -> None:
    """Register ``credkit sample`` on the sub-command parser ``commands``."""
    parser = commands.add_parser(
        "sample",
        help="write a seeded synthetic portfolio as CSV files",
        description="Write the seeded synthetic portfolio (customers, invoices, credit notes, "
        "payments, allocations) as CSV files in the canonical layout that `credkit age` reads, "
        "with its credit limits, open sales orders and dunning history beside them "
        "(limits.csv, orders.csv, dunning.csv), which `credkit db load` stores, and quarterly "
        "bureau reports in bureau/ for `credkit bureau fetch --dir`. --format applies to the "
        "summary it prints (what it wrote, how many of each).",
    )
    parser.add_argument("--out", required=True, type=Path, help="directory to write to")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    parser.add_argument(
        "--customers", type=int, default=60, help="number of customers (default 60)"
    )
    add_format_argument(parser, help="format of the summary printed: table (default), json or csv")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Generate the portfolio and write it to ``args.out``, with its limits, orders and dunning.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     run(argparse.Namespace(out=Path(folder), seed=1, customers=3, format="table"))
    ...     sorted(path.name for path in Path(folder).iterdir())
    wrote 3 customers, ... credit limits, ... open orders, ... dunning records and 12 bureau reports to ...
    0
    ['allocations.csv', 'bureau', 'credit_notes.csv', 'customers.csv', 'dunning.csv', 'invoices.csv', 'limits.csv', 'orders.csv', 'payments.csv']
    """
    if args.customers < 1:
        raise ValidationError(f"--customers: must be at least 1, got {args.customers}")
    try:
        args.out.mkdir(parents=True, exist_ok=True)
    except (OSError, ValueError) as error:
        raise ValidationError(f"--out: cannot create {str(args.out)!r}: {error}") from None
    portfolio = sample.generate(seed=args.seed, customers=args.customers)
    io.write_ledger(portfolio.ledger, args.out)
    limits = sample.credit_limits(portfolio)
    orders = sample.open_orders(portfolio)
    dunning = sample.dunning_history(portfolio)
    io.write_limits(limits, args.out / io.RECORD_FILES["limits"][0])
    io.write_orders(orders, args.out / io.RECORD_FILES["orders"][0])
    io.write_dunning(dunning, args.out / io.RECORD_FILES["dunning"][0])
    reports = bureau.sample_reports(portfolio)
    bureau.write_reports(reports, args.out / "bureau")
    ledger = portfolio.ledger
    counts = {
        "customers": len(ledger.customers),
        "invoices": len(ledger.invoices),
        "credit_notes": len(ledger.credit_notes),
        "payments": len(ledger.payments),
        "allocations": len(ledger.allocations),
        "credit_limits": len(limits),
        "open_orders": len(orders),
        "dunning_records": len(dunning.records),
        "bureau_reports": len(reports),
    }
    document = {
        "out": str(args.out),
        "seed": args.seed,
        "start": portfolio.start,
        "end": portfolio.end,
        "written": counts,
    }
    text = (
        f"wrote {counts['customers']} customers, {counts['invoices']} invoices, "
        f"{counts['credit_notes']} credit notes, {counts['payments']} payments, "
        f"{counts['allocations']} allocations, {counts['credit_limits']} credit limits, "
        f"{counts['open_orders']} open orders, {counts['dunning_records']} dunning records and "
        f"{counts['bureau_reports']} bureau reports to {args.out} "
        f"(seed {args.seed}, {portfolio.start.isoformat()} to {portfolio.end.isoformat()})"
    )
    print(
        emit(
            getattr(args, "format", "table"),
            table=lambda: text,
            document=lambda: document,
            rows=lambda: (["file", "records"], list(counts.items())),
            raw=getattr(args, "raw_csv", False),
        )
    )
    return OK
