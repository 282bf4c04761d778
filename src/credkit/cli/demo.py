"""``credkit demo``: build the sample portfolio and show what credkit makes of it."""

from __future__ import annotations

import argparse
from collections import Counter

from credkit import sample
from credkit.cli import age, check, dunning, kpi, limits, monitor, score
from credkit.cli._common import Subcommands

__all__ = ["add_parser", "run", "summary"]


def add_parser(commands: Subcommands) -> None:
    """Register ``credkit demo`` on the sub-command parser ``commands``."""
    parser = commands.add_parser(
        "demo",
        help="summarise the seeded sample portfolio",
        description="Build the seeded sample portfolio and print a summary of it.",
    )
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    parser.add_argument(
        "--customers", type=int, default=60, help="number of customers (default 60)"
    )
    parser.set_defaults(func=run)


def summary(portfolio: sample.SamplePortfolio) -> str:
    """The portfolio in a few lines: customers, open items, open balance per currency.

    >>> print(summary(sample.generate(seed=1, customers=3)))  # doctest: +ELLIPSIS
    Sample portfolio (seed data ... to ...)
      customers: 3 ...
    """
    ledger = portfolio.ledger
    as_of = portfolio.end
    items = ledger.open_items(as_of)
    behaviours = Counter(b.value for b in portfolio.behaviours.values())
    lines = [
        f"Sample portfolio (seed data {portfolio.start.isoformat()} to {as_of.isoformat()})",
        f"  customers: {len(ledger.customers)} "
        f"({', '.join(f'{n} {name}' for name, n in sorted(behaviours.items()))})",
        f"  documents: {len(ledger.invoices)} invoices, {len(ledger.credit_notes)} credit notes, "
        f"{len(ledger.payments)} payments",
        f"  open items as of {as_of.isoformat()}: {len(items)}",
        "  open balance:",
    ]
    for currency, total in ledger.balance(as_of).items():
        lines.append(f"    {currency}  {total.format('en_US'):>18}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Print the demo."""
    portfolio = sample.generate(seed=args.seed, customers=args.customers)
    sections = [
        summary(portfolio),
        age.demo_section(portfolio.ledger, portfolio.end),
        kpi.demo_section(portfolio),
        score.demo_section(portfolio),
        limits.demo_section(portfolio),
        check.demo_section(portfolio),
        dunning.demo_section(portfolio),
        monitor.demo_section(portfolio),
    ]
    print("\n\n".join(sections))
    # the portfolio report goes to a temporary file the user opens; the demo says where
    import os
    import tempfile
    from pathlib import Path

    from credkit.cli import report

    handle, name = tempfile.mkstemp(prefix="credkit-report-", suffix=".html")
    os.close(handle)
    print("\n" + report.demo_section(portfolio, Path(name)))
    return 0
