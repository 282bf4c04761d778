"""The one output convention of every ``credkit`` command (issue 21).

``--format table|json|csv`` everywhere, snake_case CSV headers, the same error prefix
and exit codes (0 ok, 1 findings, 2 bad input), messages in the words of the options,
and ``-`` for standard input where a file is read.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from pathlib import Path

import pytest

pytest.importorskip("sqlalchemy", reason="the store commands need the sql extra")

from tests.cli.test_json_schemas import AS_OF, _commands
from tests.cli.test_json_schemas import files as files

from credkit.cli import _COMMANDS, main
from credkit.cli._output import for_user

SNAKE = re.compile(r"[a-z][a-z0-9_]*")
# the sub-command each command needs before its options
ACTION = {"db": ["status"], "audit": ["verify"], "bureau": ["fetch", "X"], "monitor": []}


@pytest.mark.parametrize("command", sorted(_COMMANDS))
def test_csv_has_snake_case_headers(
    command: str, files: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    for argv in _commands(files)[command]:
        status = main([*argv, "--format", "csv"])
        captured = capsys.readouterr()
        assert status in (0, 1), (argv, captured.err)
        rows = list(csv.reader(io.StringIO(captured.out)))
        assert rows, argv
        assert all(SNAKE.fullmatch(name) for name in rows[0]), rows[0]
        assert all(len(row) == len(rows[0]) for row in rows), argv


@pytest.mark.parametrize("command", sorted(_COMMANDS))
def test_every_command_takes_the_three_formats_and_refuses_others(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stop:
        main([command, *ACTION.get(command, []), "--format", "xml"])
    assert stop.value.code == 2
    error = capsys.readouterr().err.splitlines()[-1]
    assert error.startswith("credkit: error: ")
    assert "invalid choice: 'xml'" in error
    assert "'table', 'json', 'csv'" in error


def test_findings_exit_with_1_and_bad_input_with_2(
    files: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    ledger, url = files["ledger"], files["url"]
    check = [
        "check",
        f"{ledger}/orders.csv",
        "--ledger",
        ledger,
        "--limits",
        f"{ledger}/limits.csv",
    ]
    # check: held orders are findings
    assert main([*check, "--as-of", AS_OF, "--format", "json"]) == 1
    assert json.loads(capsys.readouterr().out)["counts"]["hold"] > 0
    assert main([*check, "--as-of", AS_OF, "--no-fail-on-hold"]) == 0
    # monitor: alerts are findings
    capsys.readouterr()
    assert main(["monitor", "--url", url, "--as-of", AS_OF, "--format", "json"]) == 1
    assert json.loads(capsys.readouterr().out)["alerts"]
    # bureau: a company the bureau does not know
    status = main(
        ["bureau", "fetch", "NOBODY", "--provider", "sample", "--dir", f"{ledger}/bureau"]
    )
    assert status == 1
    assert capsys.readouterr().err.startswith("credkit: error: ")
    # db status: a database without credkit's tables
    empty = Path(files["root"], "empty.db")
    empty.touch()
    assert main(["db", "status", "--url", f"sqlite:///{empty}", "--format", "json"]) == 1
    assert json.loads(capsys.readouterr().out)["current"] is False
    # bad input: 2 and one prefix, for a library error and an argparse one alike
    assert main(["age", ledger, "--as-of", AS_OF, "--buckets", "x"]) == 2
    assert capsys.readouterr().err.startswith("credkit: error: --buckets: ")
    with pytest.raises(SystemExit) as stop:
        main(["age", ledger, "--as-of", "31.11.2026"])
    assert stop.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1].startswith("credkit: error: age: argument ")


def test_messages_name_the_options_typed(
    files: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    ledger = files["ledger"]
    assert main(["kpi", ledger, "--from", AS_OF, "--to", "2026-09-01"]) == 2
    error = capsys.readouterr().err
    assert error == f"credkit: error: --to: 2026-09-01 is before --from {AS_OF}\n"
    assert "period_" not in error


@pytest.mark.parametrize(
    ("message", "shown"),
    [
        (
            "period_end: 2026-01-01 is before period_start 2026-03-31",
            "--to: 2026-01-01 is before --from 2026-03-31",
        ),
        (
            "rates: open items include 5 USD, not in EUR; pass rates (a RateSource) to convert them",
            "rates: open items include 5 USD, not in EUR; pass --rates to convert them",
        ),
        (
            "fee.convert_from: converting needs a rate source and the run date; pass rates= "
            "(a credkit.fx.RateSource such as a RateTable) and on=",
            "fee.convert_from: converting needs a rate source and the run date; pass --rates",
        ),
        (
            "rates: converting into EUR needs a rate source (rates=...), got None",
            "rates: converting into EUR needs --rates",
        ),
        ("as_of: 0001-01-01 is too early", "--as-of: 0001-01-01 is too early"),
        ("customer C1 has no limit", "customer C1 has no limit"),  # nothing to translate
    ],
)
def test_library_wording_becomes_the_command_line_s(message: str, shown: str) -> None:
    assert for_user(message) == shown


def test_a_dash_reads_standard_input(
    files: dict[str, str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger = files["ledger"]
    orders = Path(ledger, "orders.csv").read_bytes()
    argv = ["--ledger", ledger, "--limits", f"{ledger}/limits.csv", "--as-of", AS_OF]
    capsys.readouterr()
    main(["check", f"{ledger}/orders.csv", *argv, "--format", "json"])
    from_file = json.loads(capsys.readouterr().out)["decisions"]

    class Stdin:
        buffer = io.BytesIO(orders)

    monkeypatch.setattr(sys, "stdin", Stdin)
    main(["check", "-", *argv, "--format", "json"])
    assert json.loads(capsys.readouterr().out)["decisions"] == from_file
    # a bad line names standard input as '-', not the spooled file
    Stdin.buffer = io.BytesIO(
        b"order_id,customer_id,amount,currency,ordered_on\nX,C001,abc,EUR,2026-11-01\n"
    )
    assert main(["check", "-", *argv]) == 2
    assert capsys.readouterr().err.startswith("credkit: error: -, line 2, column amount: ")
    # only one input can be standard input
    Stdin.buffer = io.BytesIO(orders)
    assert main(["check", "-", *argv, "--rates", "-"]) == 2
    assert "only one input can be '-'" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "start"),
    [
        (
            ["kpi", "{ledger}", "--from", AS_OF, "--to", "2026-09-01"],
            "--to: 2026-09-01 is before --from",
        ),
        (
            [
                "kpi",
                "{ledger}",
                "--from",
                "2026-01-01",
                "--to",
                "2026-03-31",
                "--monthly",
                "100000",
            ],
            "--monthly: ",
        ),
        (["behaviour", "{ledger}", "--window-months", "0"], "--window-months: "),
        (["behaviour", "{ledger}", "--min-invoices", "-1"], "--min-invoices: "),
        (["forecast", "--ledger", "{ledger}", "--as-of", "0001-01-02"], "--as-of: 0001-01-02 "),
        (["report", "--ledger", "{ledger}", "--as-of", "0001-06-01", "--out", "-"], "--as-of: "),
    ],
)
def test_library_errors_name_the_option_of_the_command(
    argv: list[str], start: str, files: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main([part.format(ledger=files["ledger"]) for part in argv]) == 2
    error = capsys.readouterr().err
    assert error.startswith(f"credkit: error: {start}")
    assert not re.search(
        r"\b(period_end|period_start|window_months|min_invoices|got None)\b", error
    )
