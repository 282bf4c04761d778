"""Every subcommand, driven with hostile arguments and files, ends with exit status 0, 1 or 2
and a message, never a traceback (hostile-input review)."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credkit import io as credkit_io
from credkit import sample
from credkit.cli import main

DATES = [
    "0001-01-01",
    "0001-01-02",
    "9999-12-31",
    "2026-02-30",
    "20260101",
    "2026-W01-1",
    "-1",
    "x",
]
NUMBERS = ["100000", "-5", "0", "1e999999", "NaN", "9" * 30, "١٠", "0x10", ""]


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    root = tmp_path_factory.mktemp("hostile")
    ledger = root / "ledger"
    credkit_io.write_ledger(sample.generate(seed=2, customers=4, months=6).ledger, ledger)
    empty = root / "empty.csv"
    empty.write_text("")
    garbage = root / "garbage.csv"
    garbage.write_bytes(b"\xff\xfe,\x00\r\n=cmd|' /C calc'!A0,\"unclosed\n")
    settled = root / "settled.csv"
    settled.write_text(
        "id,customer_id,issue_date,due_date,amount,currency,settled_on\n"
        "I1,C1,2026-01-01,2026-01-31,100.00,EUR,2026-02-03\n"
        "I1,C1,2026-01-01,2026-01-31,100.00,EUR,2026-02-03\n"
        "I2,C1,2026-01-01,,100.00,EUR,\n"
    )
    valid = root / "valid.csv"
    valid.write_text(
        "id,customer_id,issue_date,due_date,amount,currency,settled_on\n"
        "I1,C1,2026-01-01,2026-01-31,100.00,EUR,2026-02-03\n"
    )
    return {
        "valid": str(valid),
        "ledger": str(ledger),
        "empty": str(empty),
        "garbage": str(garbage),
        "settled": str(settled),
        "missing": str(root / "missing"),
        "directory": str(root),
        "null": "/dev/null",
    }


FILE_KINDS = ["valid", "ledger", "empty", "garbage", "settled", "missing", "directory", "null"]


@st.composite
def command_lines(draw: st.DrawFn) -> list[str]:
    date = st.sampled_from(DATES)
    number = st.sampled_from(NUMBERS)
    path = st.sampled_from(FILE_KINDS).map(lambda kind: "{" + kind + "}")
    commands: dict[str, list[tuple[str, st.SearchStrategy[str]]]] = {
        "age": [
            ("--as-of", date),
            ("--buckets", st.sampled_from(["-30", "30,30", "1,2,3," * 40, "x"])),
        ],
        "kpi": [("--from", date), ("--to", date), ("--monthly", number)],
        "behaviour": [
            ("--as-of", date),
            ("--window-months", number),
            ("--min-invoices", number),
            ("--top", number),
        ],
        "score": [("--scorecard", path), ("--reasons", number)],
        "check": [("--ledger", path), ("--as-of", date), ("--limits", path)],
        "dunning": [
            ("--as-of", date),
            ("--replay-days", number),
            ("--every", number),
            ("--top", number),
        ],
    }
    name = draw(st.sampled_from(sorted(commands)))
    argv = [name]
    if name in ("age", "kpi", "behaviour", "score", "check", "dunning") and draw(st.booleans()):
        argv.append(draw(path))
    for option, values in draw(
        st.lists(st.sampled_from(commands[name]), max_size=4, unique_by=lambda o: o[0])
    ):
        argv += [option, draw(values)]
    return argv


@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(argv=command_lines())
def test_hostile_arguments_end_with_a_status_and_never_a_traceback(
    files: dict[str, str], argv: list[str]
) -> None:
    argv = [part.format(**files) for part in argv]
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
        try:
            status = main(argv)
        except SystemExit as stop:  # argparse refusing an argument
            status = stop.code if isinstance(stop.code, int) else 2
    assert status in (0, 1, 2), (argv, status)
    assert "Traceback" not in stderr.getvalue(), argv


@pytest.mark.parametrize(
    "argv",
    [
        ["behaviour", "{valid}", "--window-months", "100000"],
        ["behaviour", "{valid}", "--as-of", "0001-01-01"],
        ["dunning", "{ledger}", "--as-of", "0001-01-01"],
    ],
)
def test_the_reviews_calendar_edges_end_with_status_2_and_a_message(
    files: dict[str, str], argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([part.format(**files) for part in argv]) == 2
    error = capsys.readouterr().err
    assert error.startswith("credkit: error: ")
    assert "outside the calendar credkit supports" in error


@pytest.mark.parametrize(
    ("buckets", "message"),
    [
        ("-30,60", r"--buckets: edges\[0\]: -30 is not above 0"),  # not "expected one argument"
        ("-30", r"--buckets: edges\[0\]: -30 is not above 0"),
        (",".join(str(day) for day in range(1, 52)), r"--buckets: 51 edges; at most 50"),
    ],
)
def test_bucket_edges_are_checked_not_mistaken_for_options(
    files: dict[str, str], buckets: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["age", files["ledger"], "--as-of", "2026-11-30", "--buckets", buckets]
    assert main(argv) == 2
    assert re.search(message, capsys.readouterr().err)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_an_endless_device_is_refused_after_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    from credkit.errors import ValidationError
    from credkit.io import _table, read_open_items

    # /dev/zero as an export used to be read until the machine ran out of memory
    monkeypatch.setattr(_table, "MAX_STREAM_BYTES", 2**20)
    with pytest.raises(
        ValidationError, match=r"^/dev/zero: not a regular file and larger than 1,048,576"
    ):
        read_open_items("/dev/zero")
