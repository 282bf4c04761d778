"""``credkit dunning`` and the demo section, run through their own argument parser.

The lead registers the command in ``credkit.cli``; these tests build a parser with
just this command so that they do not depend on that registration.
"""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path

import pytest

from credkit import io, sample
from credkit.cli import dunning as command
from credkit.config import dump
from credkit.dunning import DunningLadder, DunningLevel, LadderSet
from credkit.errors import CredkitError, ValidationError


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
    assert "Collection worklist (EUR), top 5 of" in out
    assert "  next date on which something happens: " in out


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
    assert _main([*argv, "--ladder", str(tmp_path / "set.json")]) == 0
    assert "(ladder mine v9)" in capsys.readouterr().out


def test_bad_input_raises_credkit_errors(tmp_path: Path) -> None:
    (tmp_path / "bad.toml").write_text('id = "x"\nversion = "1"\nlevels = []\n', encoding="utf-8")
    with pytest.raises(CredkitError, match="levels: a ladder needs at least one level"):
        _main(["dunning", "--as-of", "2026-03-31", "--ladder", str(tmp_path / "bad.toml")])
    with pytest.raises(ValidationError, match=r"^--replay-days: must be from 0"):
        _main(["dunning", "--as-of", "2026-03-31", "--replay-days", "-1"])
    with pytest.raises(ValidationError, match="is not a directory"):
        _main(["dunning", str(tmp_path / "missing"), "--as-of", "2026-03-31"])
    with pytest.raises(SystemExit):
        _main(["dunning", "--as-of", "31.03.2026"])


def test_demo_section_shows_the_run_and_the_top_of_the_worklist() -> None:
    portfolio = sample.generate(seed=7, customers=60)
    text = command.demo_section(portfolio)
    assert text.splitlines()[0].startswith(
        f"Dunning run as of {portfolio.end.isoformat()} (ladder demo v1)"
    )
    assert "Collection worklist (EUR), top 5 of" in text
    eur = text.split("Collection worklist (EUR)")[1].splitlines()
    assert [line.split(".")[0].strip() for line in eur[1:6]] == ["1", "2", "3", "4", "5"]


def test_replay_records_every_proposal_as_sent() -> None:
    portfolio = sample.generate(seed=7, customers=10)
    history = command.replay(
        portfolio.ledger, as_of=date(2026, 6, 30), days=30, ladder=command.demo_ladder()
    )
    assert len(history) > 0
    assert all(r.on < date(2026, 6, 30) for r in history.records)
