"""CSV written by credkit reads back and opens safely in a spreadsheet (hostile-input review)."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credkit import io as credkit_io
from credkit.cli._common import csv_text, safe_cell
from credkit.ledger import Customer, Invoice, Ledger
from credkit.money import Money

# ids and names with everything a CSV writer must handle: delimiters, quotes, line
# breaks (a bare \r made exports unreadable), formula starts, other scripts
awkward = st.text(
    alphabet=st.sampled_from(list("ab,;\"'\r\n\t=+-@ é中x")), min_size=1, max_size=12
).filter(lambda t: t.strip() and "\x00" not in t)


@settings(max_examples=50)
@given(ids=st.lists(awkward, min_size=1, max_size=4, unique=True), name=awkward)
def test_write_ledger_round_trips_every_value_exactly(
    tmp_path_factory: pytest.TempPathFactory, ids: list[str], name: str
) -> None:
    ledger = Ledger(
        customers=[Customer(cid, name, country="DE", currency="EUR") for cid in ids],
        invoices=[
            Invoice(f"I-{n}", cid, date(2026, 1, 1), date(2026, 1, 31), Money.of("10.50", "EUR"))
            for n, cid in enumerate(ids)
        ],
    )
    directory = tmp_path_factory.mktemp("ledger")
    credkit_io.write_ledger(ledger, directory)
    again = credkit_io.read_ledger(directory)
    assert [(c.id, c.name) for c in again.customers] == [(c.id, c.name) for c in ledger.customers]
    assert again.invoices == ledger.invoices


@given(rows=st.lists(st.lists(awkward, min_size=2, max_size=2), max_size=5))
def test_csv_for_people_reads_back_with_pythons_csv_module(rows: list[list[str]]) -> None:
    text = csv_text(["a", "b"], rows)
    back = list(csv.reader(io.StringIO(text, newline="")))
    assert back[0] == ["a", "b"]
    assert back[1:] == [[safe_cell(cell) for cell in row] for row in rows]
    raw = list(csv.reader(io.StringIO(csv_text(["a", "b"], rows, raw=True), newline="")))
    assert raw[1:] == rows


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
        ("+1", "'+1"),
        ("@cmd", "'@cmd"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-1+1", "'-1+1"),
        ("-12.50", "-12.50"),  # a plain number stays a number
        ("-1,234.50", "-1,234.50"),
        ("ACME", "ACME"),
    ],
)
def test_cells_a_spreadsheet_would_run_are_neutralised(cell: str, shown: str) -> None:
    assert safe_cell(cell) == shown


def test_the_age_command_writes_safe_crlf_csv(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from credkit.cli import main

    ledger = Ledger(
        customers=[Customer("=HYPERLINK(1)", "Evil", country="DE", currency="EUR")],
        invoices=[
            Invoice("I1", "=HYPERLINK(1)", date(2026, 1, 1), date(2026, 1, 31), Money.of(5, "EUR"))
        ],
    )
    credkit_io.write_ledger(ledger, tmp_path / "ledger")
    argv = ["age", str(tmp_path / "ledger"), "--as-of", "2026-03-31", "--format", "csv"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "\r\n'=HYPERLINK(1),Evil,EUR," in out
    assert main([*argv, "--raw-csv"]) == 0
    assert "\r\n=HYPERLINK(1),Evil,EUR," in capsys.readouterr().out


def test_terminal_tables_show_control_characters_as_escapes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from credkit.cli import main

    evil = "C1\x1b[2J\x07"  # clear the screen and ring the bell
    ledger = Ledger(
        customers=[Customer(evil, "Evil", country="DE", currency="EUR")],
        invoices=[Invoice("I1", evil, date(2026, 1, 1), date(2026, 1, 31), Money.of(5, "EUR"))],
    )
    credkit_io.write_ledger(ledger, tmp_path / "ledger")
    assert main(["age", str(tmp_path / "ledger"), "--as-of", "2026-03-31"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out
    assert "\x07" not in out
    assert "C1\\x1b[2J\\x07" in out
