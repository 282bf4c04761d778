"""``credkit sample``: write the synthetic sample portfolio as CSV files."""

from __future__ import annotations

import argparse
from pathlib import Path

import credkit.io as io
from credkit import sample
from credkit.cli._common import Subcommands
from credkit.errors import ValidationError

__all__ = ["add_parser", "run"]


def add_parser(commands: Subcommands) -> None:
    """Register ``credkit sample`` on the sub-command parser ``commands``."""
    parser = commands.add_parser(
        "sample",
        help="write a seeded synthetic portfolio as CSV files",
        description="Write the seeded synthetic portfolio (customers, invoices, credit notes, "
        "payments, allocations) as CSV files in the canonical layout that `credkit age` reads.",
    )
    parser.add_argument("--out", required=True, type=Path, help="directory to write to")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    parser.add_argument(
        "--customers", type=int, default=60, help="number of customers (default 60)"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Generate the portfolio and write it to ``args.out``."""
    if args.customers < 1:
        raise ValidationError(f"--customers: must be at least 1, got {args.customers}")
    try:
        args.out.mkdir(parents=True, exist_ok=True)
    except (OSError, ValueError) as error:
        raise ValidationError(f"--out: cannot create {str(args.out)!r}: {error}") from None
    portfolio = sample.generate(seed=args.seed, customers=args.customers)
    io.write_ledger(portfolio.ledger, args.out)
    ledger = portfolio.ledger
    print(
        f"wrote {len(ledger.customers)} customers, {len(ledger.invoices)} invoices, "
        f"{len(ledger.credit_notes)} credit notes, {len(ledger.payments)} payments and "
        f"{len(ledger.allocations)} allocations to {args.out} "
        f"(seed {args.seed}, {portfolio.start.isoformat()} to {portfolio.end.isoformat()})"
    )
    return 0
