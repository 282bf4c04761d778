"""``credkit dunning`` and the demo section, run through their own argument parser.

The lead registers the command in ``credkit.cli``; these tests build a parser with
just this command so that they do not depend on that registration.
"""

from __future__ import annotations

import argparse
import json
import re
from datetime import date
from pathlib import Path

import pytest

from credkit import io, sample
from credkit.cli import dunning as command
from credkit.cli import main
from credkit.config import dump
from credkit.dunning import DunningLadder, DunningLevel, Fee, LadderSet
from credkit.errors import CredkitError, ValidationError
from credkit.ledger import Allocation, Customer, Invoice, Ledger, Payment
from credkit.money import Money

# A plain "1234.50 EUR": the core's notation, which the command's output must not use.
RAW_AMOUNT = re.compile(r"\d \b[A-Z]{3}\b")


def _main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="credkit")
    commands = parser.add_subparsers()
    command.add_parser(commands)
    args = parser.parse_args(argv)
    status: int = args.func(args)
    return status


def test_dunning_over_the_sample(capsys: pytest.CaptureFixture[str]) -> None:
    assert _main(["dunning", "--as-of", "2026-11-29", "--customers", "60"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == "Dunning run as of 2026-11-29 (ladder demo v1): 3 reminder(s) proposed"
    assert lines[1] == (
        "  60 earlier run(s) replayed daily, 2026-09-30 to 2026-11-28, "
        "as if every proposed reminder had been sent"
    )
    assert "Collection worklist (EUR), top 5 of" in out
    assert "  next date on which something happens: " in out
    # one line per customer: id, name, the figures, the payment index it is weighted by
    worklist = out[out.index("Collection worklist (EUR)") :].splitlines()
    assert "Pay index" in worklist[1]
    assert "Name" in worklist[1]
    first = worklist[3].split()
    assert first[0] == "1"
    assert first[1].startswith("C")
    assert sum(line.split()[1] == first[1] for line in worklist[3:8]) == 1
    assert not RAW_AMOUNT.search(out)


def test_every_spaces_the_replayed_runs(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["dunning", "--as-of", "2026-11-29", "--customers", "20", "--replay-days", "30"]
    assert _main([*argv, "--every", "7"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1] == (
        "  4 earlier run(s) replayed weekly, 2026-11-01 to 2026-11-22, "
        "as if every proposed reminder had been sent"
    )
    assert _main([*argv, "--every", "10"]) == 0
    assert (
        capsys.readouterr()
        .out.splitlines()[1]
        .startswith("  3 earlier run(s) replayed every 10 days, 2026-10-30 to 2026-11-19, ")
    )
    assert _main([*argv, "--every", "31"]) == 0
    assert capsys.readouterr().out.splitlines()[1] == "  no earlier runs replayed: a first run"


def test_replay_dates_count_back_from_the_run_date() -> None:
    as_of = date(2026, 11, 30)
    weekly = command.replay_dates(as_of, days=63, every=7)
    assert weekly == [as_of.fromordinal(as_of.toordinal() - 7 * k) for k in range(9, 0, -1)]
    assert command.replay_dates(as_of, days=13, every=7) == [date(2026, 11, 23)]
    assert command.replay_dates(as_of, days=3) == [
        date(2026, 11, 27),
        date(2026, 11, 28),
        date(2026, 11, 29),
    ]
    with pytest.raises(ValidationError, match=r"^every: must be at least 1 day, got 0"):
        command.replay_dates(as_of, days=3, every=0)


def test_dunning_is_repeatable(capsys: pytest.CaptureFixture[str]) -> None:
    _main(["dunning", "--as-of", "2026-06-30", "--customers", "12", "--replay-days", "20"])
    first = capsys.readouterr().out
    _main(["dunning", "--as-of", "2026-06-30", "--customers", "12", "--replay-days", "20"])
    assert capsys.readouterr().out == first


def test_dunning_over_a_csv_ledger_with_a_ladder_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    portfolio = sample.generate(seed=3, customers=8)
    io.write_ledger(portfolio.ledger, tmp_path / "ledger")
    ladder = DunningLadder("mine", version="9", levels=(DunningLevel(3, template="only"),))
    (tmp_path / "ladder.json").write_text(json.dumps(dump(ladder)), encoding="utf-8")
    ladder_set = LadderSet("set", version="2", ladders=(ladder,), default="mine")
    (tmp_path / "set.json").write_text(json.dumps(dump(ladder_set)), encoding="utf-8")
    argv = ["dunning", str(tmp_path / "ledger"), "--as-of", "2026-03-31", "--replay-days", "0"]
    assert _main([*argv, "--ladder", str(tmp_path / "ladder.json")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Dunning run as of 2026-03-31 (ladder mine v9): ")
    assert out.splitlines()[1] == "  no earlier runs replayed: a first run"
    assert "Pay index" in out.split("Collection worklist")[1]  # behaviour from the ledger
    assert _main([*argv, "--ladder", str(tmp_path / "ladder.json"), "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    entries = [e for w in document["worklists"] for e in w["entries"]]
    assert entries
    assert any(e["payment_index"] is not None for e in entries)
    assert _main([*argv, "--ladder", str(tmp_path / "set.json")]) == 0
    assert "(ladder mine v9)" in capsys.readouterr().out


def test_bad_input_raises_credkit_errors(tmp_path: Path) -> None:
    (tmp_path / "bad.toml").write_text('id = "x"\nversion = "1"\nlevels = []\n', encoding="utf-8")
    with pytest.raises(CredkitError, match="levels: a ladder needs at least one level"):
        _main(["dunning", "--as-of", "2026-03-31", "--ladder", str(tmp_path / "bad.toml")])
    with pytest.raises(ValidationError, match=r"^--replay-days: must be from 0"):
        _main(["dunning", "--as-of", "2026-03-31", "--replay-days", "-1"])
    with pytest.raises(ValidationError, match=r"^--every: must be from 1 to 3660 days, got 0"):
        _main(["dunning", "--as-of", "2026-03-31", "--every", "0"])
    with pytest.raises(ValidationError, match="is not a directory"):
        _main(["dunning", str(tmp_path / "missing"), "--as-of", "2026-03-31"])
    with pytest.raises(SystemExit):
        _main(["dunning", "--as-of", "31.03.2026"])


def test_demo_section_shows_the_run_and_the_top_of_the_worklist() -> None:
    portfolio = sample.generate(seed=7, customers=60)
    text = command.demo_section(portfolio)
    lines = text.splitlines()
    assert lines[0].startswith(f"Dunning run as of {portfolio.end.isoformat()} (ladder demo v1)")
    assert lines[1] == (
        "  9 earlier run(s) replayed weekly, 2026-09-28 to 2026-11-23, "
        "as if every proposed reminder had been sent"
    )
    assert "Collection worklist (EUR), top 5 of" in text
    eur = text.split("Collection worklist (EUR)")[1].splitlines()
    # one line per customer: rank, id, name, overdue, oldest, credits, class, index, ...
    assert eur[1].split()[:4] == ["Rank", "Customer", "Name", "Overdue"]
    rows = [line.split() for line in eur[3:8]]
    assert [row[0] for row in rows] == ["1", "2", "3", "4", "5"]
    names = {c.id: c.name for c in portfolio.ledger.customers}
    assert all(names[row[1]].split()[0] == row[2] for row in rows)
    # Every amount in the section is formatted for people (en_US), none as "1234.50 EUR".
    assert not RAW_AMOUNT.search(text)
    assert re.search(r"  [0-9]{1,3}(,[0-9]{3})*\.[0-9]{2}  +[0-9]+ d  ", eur[3])


def test_demo_section_proposes_reminders_for_the_default_sample() -> None:
    """Weekly runs before the last day leave reminders for it (daily runs left none)."""
    portfolio = sample.generate(seed=7, customers=60)
    lines = command.demo_section(portfolio).splitlines()
    header = re.fullmatch(r"Dunning run as of .*: (\d+) reminder\(s\) proposed", lines[0])
    assert header is not None
    proposed = int(header[1])
    assert proposed >= 1
    action = re.compile(r"  (C\d+)  .*  (\d)  (email|letter|phone|collection agency) +(\d+)  ")
    shown = [match for line in lines[2:] if (match := action.match(line))]
    assert len(shown) == min(proposed, 10)
    customers = {m[1] for m in shown}
    assert customers <= {c.id for c in portfolio.ledger.customers}
    assert all(int(m[4]) >= 1 for m in shown)
    # one action per customer and level
    assert len({(m[1], m[2]) for m in shown}) == len(shown)


def test_customers_paying_in_several_currencies_are_named_and_left_neutral(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    invoices, payments, allocations = [], [], []
    for n, currency in enumerate(["EUR", "USD", "EUR", "EUR"]):
        due = date(2026, 1, 31) - 30 * date.resolution * n
        invoices.append(
            Invoice(f"I{n}", "C1", due - 30 * date.resolution, due, Money.of(100, currency))
        )
        payments.append(Payment(f"P{n}", "C1", due, Money.of(100, currency)))
        allocations.append(Allocation(f"P{n}", f"I{n}", Money.of(100, currency), due))
    invoices.append(Invoice("OPEN", "C1", date(2026, 2, 1), date(2026, 3, 3), Money.of(500, "EUR")))
    ledger = Ledger(
        customers=[Customer("C1", "Acme GmbH", country="DE", currency="EUR")],
        invoices=invoices,
        payments=payments,
        allocations=allocations,
    )
    io.write_ledger(ledger, tmp_path / "ledger")
    argv = ["dunning", str(tmp_path / "ledger"), "--as-of", "2026-03-31", "--replay-days", "0"]
    assert _main(argv) == 0
    out = capsys.readouterr().out
    # rank, id, name, overdue, oldest, credits, class, index (none used), promises, priority
    assert re.search(
        r"\n +1  C1  +Acme GmbH +500\.00 +28 d +0\.00 +- +- +0 +500\.00  level 1 letter\n", out
    )
    assert out.splitlines()[-1] == (
        "  payment behaviour not used for C1: paid in several currencies, "
        "which needs exchange rates (ranked as if neutral)"
    )


def test_replay_records_every_proposal_as_sent() -> None:
    portfolio = sample.generate(seed=7, customers=10)
    history = command.replay(
        portfolio.ledger, as_of=date(2026, 6, 30), days=30, ladder=command.demo_ladder()
    )
    assert len(history) > 0
    assert all(r.on < date(2026, 6, 30) for r in history.records)


def test_a_fee_converted_from_another_currency_takes_the_rates_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # OCA credit control dunning fees: a fee in the fees' currency is converted into the
    # line's currency; here 5.00 EUR on a USD invoice at 1.0857 is 5.43 USD.
    ledger = Ledger(
        customers=[Customer("C1", "Acme Inc.", country="US", currency="USD")],
        invoices=[
            Invoice("I1", "C1", date(2026, 1, 2), date(2026, 2, 1), Money.of("800.00", "USD"))
        ],
    )
    io.write_ledger(ledger, tmp_path / "ledger")
    fee = Fee.fixed(Money.of("5.00", "EUR"), convert_from="EUR")
    ladder = DunningLadder("fees", version="1", levels=(DunningLevel(7, template="t", fee=fee),))
    (tmp_path / "ladder.json").write_text(json.dumps(dump(ladder)), encoding="utf-8")
    (tmp_path / "rates.csv").write_text(
        "valid_from,base,quote,rate\n2026-01-01,EUR,USD,1.0857\n", encoding="utf-8"
    )
    argv = [
        "dunning",
        str(tmp_path / "ledger"),
        "--as-of",
        "2026-02-08",
        "--replay-days",
        "0",
        "--ladder",
        str(tmp_path / "ladder.json"),
    ]
    assert _main([*argv, "--rates", str(tmp_path / "rates.csv")]) == 0
    assert re.search(r"\n  C1  .*\$800\.00  \$5\.43\n", capsys.readouterr().out)
    with pytest.raises(ValidationError, match=r"^fee\.convert_from: converting .* pass rates="):
        _main(argv)
    # through the command line, the message names the option to pass, not the argument
    assert main(argv) == 2
    error = capsys.readouterr().err
    assert error.startswith("credkit: error: fee.convert_from: converting ")
    assert error.rstrip().endswith("pass --rates")
    assert "rates=" not in error
    assert "RateSource" not in error
