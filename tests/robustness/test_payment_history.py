"""Payment behaviour drops nothing silently (hostile-input review): every line left out is
counted with its reason, a repeated line is an error, and an export without due dates
can state its payment terms."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from credkit.cli import main
from credkit.config import load
from credkit.errors import ConfigError, ValidationError
from credkit.io import ColumnMapping, read_invoices, read_payment_history

HEADER = "id,customer_id,issue_date,due_date,amount,currency,settled_on\n"


def _write(tmp_path: Path, text: str, name: str = "history.csv") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_every_line_left_out_is_counted_with_its_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(
        tmp_path,
        HEADER
        + "I1,C1,2020-01-01,2020-01-31,100.00,EUR,2020-02-03\n"  # older than the window
        + "I2,C1,2026-01-01,2026-01-31,100.00,EUR,2026-02-03\n"
        + "I3,C1,2026-01-05,2026-02-04,100.00,EUR,\n"  # still open
        + "I4,C1,2026-02-01,2026-03-03,100.00,EUR,2026-03-01\n"
        + "I5,C1,2026-02-01,2026-03-03,100.00,EUR,2026-04-01\n",  # after --as-of
    )
    assert main(["behaviour", str(path), "--as-of", "2026-03-31"]) == 0
    table = capsys.readouterr().out
    footer = table.split("Not analysed:\n")[1].splitlines()
    assert footer == [
        "  1 line with no settled date (invoices still open), not analysed",
        "  1 settlement on or before 2024-03-31, outside the 24-month window, not analysed",
        "  1 settlement after 2026-03-31, the analysis date, not analysed",
    ]
    assert main(["behaviour", str(path), "--as-of", "2026-03-31", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert [(e["reason"], e["count"]) for e in document["excluded"]] == [
        ("open", 1),
        ("before_window", 1),
        ("after_as_of", 1),
    ]
    assert document["customers"][0]["invoices"] == 2


def test_a_repeated_invoice_is_an_error_naming_both_lines(tmp_path: Path) -> None:
    line = "I1,C1,2026-01-01,2026-01-31,100.00,EUR,2026-02-03\n"
    path = _write(tmp_path, HEADER + line + "I2,C1,2026-01-02,2026-02-01,5.00,EUR,\n" + line)
    mapping = ColumnMapping(settled_on="settled_on")
    with pytest.raises(
        ValidationError, match=r"line 4, column id: invoice 'I1' is also on line 2; give each"
    ):
        read_payment_history(path, mapping=mapping)


def test_open_lines_are_reported_by_line_number(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        HEADER
        + "I1,C1,2026-01-01,2026-01-31,100.00,EUR,\n"
        + "I2,C1,2026-01-01,2026-01-31,100.00,EUR,2026-02-01\n"
        + "I3,C1,2026-01-01,2026-01-31,100.00,EUR,\n",
    )
    history = read_payment_history(path, mapping=ColumnMapping(settled_on="settled_on"))
    assert history.open_lines == (2, 4)
    assert [s.invoice_id for s in history.settlements] == ["I2"]


def test_an_export_without_due_dates_can_state_the_terms(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "id,customer_id,issue_date,amount,currency\nI1,C1,2026-01-31,10.00,EUR\n",
        name="invoices.csv",
    )
    mapping = load(ColumnMapping, {"due_days": 30})
    assert read_invoices(path, mapping=mapping)[0].due_date == date(2026, 3, 2)
    with pytest.raises(ValidationError, match="missing column 'due_date'"):
        read_invoices(path)  # without due_days the column is required, as before
    with pytest.raises(ConfigError, match=r"^due_days: expected a whole number of days"):
        load(ColumnMapping, {"due_days": -1})
