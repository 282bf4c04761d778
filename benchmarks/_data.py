"""Realistic, seeded benchmark data, written a line at a time: open-item exports.

Shared by the benchmark scripts (``python benchmarks/aging.py`` puts this folder on
``sys.path``, so they ``import _data``). Unlike the old benchmark file, which repeated
1,533 lines about 650 times (so every cache of parsed cells always hit), every line
here is new:

* **distinct** document ids (``INV-00000001``, ``CN-…``, ``PAY-…``) and amounts drawn
  from a lognormal distribution in minor units, so amounts rarely repeat;
* **skewed customer sizes**: about ten lines per customer on average (100,000
  customers for a million lines), drawn from a lognormal distribution (sigma 1.1):
  most customers have a handful of open items, a few have hundreds;
* **five currencies**, JPY (no minor unit) among them: EUR 55 %, USD 20 %, GBP 12 %,
  CHF 8 %, JPY 5 %; one customer in twenty also has items in a second currency;
* **negative lines**: credit notes (about 6 %) and unapplied cash (payments, about
  7 %), with the issue date as due date;
* **disputes**: about 3 % of invoices;
* **dates** over two years before :data:`AS_OF`, most items recent (an exponential
  age with a mean of 75 days, capped at 730), due 14 to 90 days after issue, by the
  customer's terms.

The columns are those ``benchmarks/aging.py`` has always written: ``id, customer_id,
kind, issue_date, due_date, amount, currency, disputed``. The same seed and size give
the same file, byte for byte. The lines are generated and written one at a time, so
writing ten million of them needs little memory (the customer sizes, one small int
per customer, are all that is kept).

    python benchmarks/_data.py 1000000 /tmp/open_items.csv    # write one file
"""

from __future__ import annotations

import datetime
import math
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Final

__all__ = ["AS_OF", "COLUMNS", "CURRENCIES", "SIZES", "open_item_lines", "write_open_items"]

AS_OF: Final = datetime.date(2026, 11, 30)
"""The date the generated exports are aged on: no item is issued after it."""

COLUMNS: Final = (
    "id",
    "customer_id",
    "kind",
    "issue_date",
    "due_date",
    "amount",
    "currency",
    "disputed",
)
SIZES: Final = {"100k": 100_000, "1M": 1_000_000, "10M": 10_000_000}
LINES_PER_CUSTOMER: Final = 10

# currency -> (share of customers, decimals, scale of amounts against EUR)
CURRENCIES: Final = {
    "EUR": (0.55, 2, 1.0),
    "USD": (0.20, 2, 1.1),
    "GBP": (0.12, 2, 0.85),
    "CHF": (0.08, 2, 0.95),
    "JPY": (0.05, 0, 160.0),
}
_TERMS: Final = (14, 30, 30, 30, 45, 60, 60, 90)
_FIRST: Final = AS_OF.toordinal() - 730


def _customer_sizes(lines: int, rng: random.Random) -> list[int]:
    """Lines per customer: lognormal, at least one each, summing to ``lines`` exactly."""
    customers = max(1, lines // LINES_PER_CUSTOMER)
    weights = [rng.lognormvariate(0.0, 1.1) for _ in range(customers)]
    spare = lines - customers
    scale = spare / sum(weights)
    sizes = [1 + int(w * scale) for w in weights]
    # hand out what rounding down left over, one line each, to customers drawn at random
    for _ in range(lines - sum(sizes)):
        sizes[rng.randrange(customers)] += 1
    return sizes


def _pick_currency(rng: random.Random) -> str:
    point = rng.random()
    for code, (share, _, _) in CURRENCIES.items():
        point -= share
        if point < 0:
            return code
    return "EUR"


def open_item_lines(lines: int, *, seed: int = 20) -> Iterator[str]:
    """The header, then ``lines`` data lines of an open-item export (each ending in ``\\n``)."""
    rng = random.Random(seed)
    yield ",".join(COLUMNS) + "\n"
    days: dict[int, str] = {}

    def day(ordinal: int) -> str:
        text = days.get(ordinal)
        if text is None:
            text = days[ordinal] = datetime.date.fromordinal(ordinal).isoformat()
        return text

    numbers = {"invoice": 0, "credit_note": 0, "payment": 0}
    prefixes = {"invoice": "INV", "credit_note": "CN", "payment": "PAY"}
    last = AS_OF.toordinal()
    for number, size in enumerate(_customer_sizes(lines, rng), start=1):
        customer = f"C{number:07d}"
        home = _pick_currency(rng)
        second = _pick_currency(rng) if rng.random() < 0.05 else home
        terms = rng.choice(_TERMS)
        mean = rng.lognormvariate(6.8, 0.8)  # the customer's typical invoice, in EUR
        for _ in range(size):
            code = second if second != home and rng.random() < 0.3 else home
            _, places, scale = CURRENCIES[code]
            point = rng.random()
            kind = "invoice" if point < 0.87 else "credit_note" if point < 0.93 else "payment"
            numbers[kind] += 1
            document = f"{prefixes[kind]}-{numbers[kind]:08d}"
            issued = last - min(730, int(rng.expovariate(1 / 75)))
            minor = max(1, int(mean * scale * rng.lognormvariate(0.0, 0.9) * 10**places))
            if kind == "invoice":
                due = issued + terms
                disputed = "yes" if rng.random() < 0.03 else "no"
            else:
                minor = -max(1, minor // (3 if kind == "credit_note" else 1))
                due = issued
                disputed = "no"
            sign = "-" if minor < 0 else ""
            whole, cents = divmod(abs(minor), 10**places)
            amount = f"{sign}{whole}.{cents:0{places}d}" if places else f"{sign}{whole}"
            yield (
                f"{document},{customer},{kind},{day(issued)},{day(due)},{amount},{code},"
                f"{disputed}\n"
            )


def write_open_items(path: Path, lines: int, *, seed: int = 20) -> datetime.date:
    """Write an export of ``lines`` open items to ``path``; return the date to age it on."""
    if lines < 1:
        raise ValueError(f"lines: expected at least 1, got {lines}")
    with path.open("w", encoding="utf-8", newline="") as file:
        batch: list[str] = []
        for text in open_item_lines(lines, seed=seed):
            batch.append(text)
            if len(batch) == 10_000:
                file.write("".join(batch))
                batch.clear()
        file.write("".join(batch))
    return AS_OF


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python benchmarks/_data.py LINES PATH", file=sys.stderr)
        return 2
    lines = SIZES.get(argv[0]) or int(argv[0].replace("_", ""))
    write_open_items(Path(argv[1]), lines)
    print(f"{lines:,} open items as of {AS_OF} in {argv[1]}")
    return 0


assert math.isclose(sum(share for share, _, _ in CURRENCIES.values()), 1.0)

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
