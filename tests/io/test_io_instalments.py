"""The canonical CSV layout keeps invoice schedules and the instalment an allocation names."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from credkit.errors import ValidationError
from credkit.io import read_ledger, write_ledger
from credkit.ledger import Customer, Invoice, Ledger
from credkit.money import Money
from credkit.testing.strategies import ledgers


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ledgers(schedules=True))
def test_write_then_read_round_trips_schedules_and_named_instalments(ledger: Ledger) -> None:
    with tempfile.TemporaryDirectory() as directory:
        write_ledger(ledger, directory)
        again = read_ledger(directory)
    assert again.invoices == ledger.invoices
    assert again.allocations == ledger.allocations


def test_the_columns_are_written_only_when_needed() -> None:
    ledger = Ledger(
        customers=[Customer("C1", "Acme", country="DE", currency="EUR")],
        invoices=[Invoice("I1", "C1", date(2026, 1, 5), date(2026, 2, 4), Money.of(1, "EUR"))],
    )
    with tempfile.TemporaryDirectory() as directory:
        write_ledger(ledger, directory)
        header = (Path(directory) / "invoices.csv").read_text().splitlines()[0]
        allocations = (Path(directory) / "allocations.csv").read_text().splitlines()[0]
    assert "schedule" not in header
    assert "instalment" not in allocations


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        (
            "2026-03-02",
            r"column schedule: instalment 1 '2026-03-02' is not a due date and an amount",
        ),
        ("02.03.2026 50;2026-04-01 50", "column schedule: '02.03.2026' is not a date"),
        (
            "2026-03-02 50;2026-04-01 40",
            "schedule: the instalments of invoice 'I1' sum to 90 EUR",
        ),
    ],
)
def test_a_bad_schedule_cell_names_the_file_line_and_column(cell: str, message: str) -> None:
    ledger = Ledger(customers=[Customer("C1", "Acme", country="DE", currency="EUR")])
    with tempfile.TemporaryDirectory() as directory:
        write_ledger(ledger, directory)
        (Path(directory) / "invoices.csv").write_text(
            "id,customer_id,issue_date,due_date,amount,currency,schedule\n"
            f"I1,C1,2026-01-31,2026-04-01,100,EUR,{cell}\n"
        )
        with pytest.raises(ValidationError, match=message) as error:
            read_ledger(directory)
    assert "invoices.csv, line 2" in str(error.value)


def test_a_bad_instalment_number_names_the_column() -> None:
    with tempfile.TemporaryDirectory() as directory:
        write_ledger(Ledger(), directory)
        (Path(directory) / "allocations.csv").write_text(
            "source_id,target_id,amount,currency,applied_on,instalment\n"
            "P1,I1,10,EUR,2026-02-01,first\n"
        )
        with pytest.raises(
            ValidationError, match="line 2, column instalment: 'first' is not an instalment number"
        ):
            read_ledger(directory)
