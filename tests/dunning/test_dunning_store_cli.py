"""``credkit dunning --url`` and ``credkit dunning record``: dunning from a store."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from credkit.cli import main
from credkit.ledger import Customer, Invoice
from credkit.money import Money
from credkit.storage.sql import SQLStore


def test_propose_record_and_propose_again(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path}/credkit.db"
    store = SQLStore(url)
    store.upgrade()
    with store.unit() as unit:
        unit.add_customers([Customer("C1", "Acme", country="DE", currency="EUR")])
        unit.add_documents(
            [
                Invoice(
                    "INV-1",
                    "C1",
                    datetime.date(2026, 1, 1),
                    datetime.date(2026, 1, 31),
                    Money.of("800.00", "EUR"),
                )
            ]
        )
    store.dispose()
    assert main(["dunning", "--url", url, "--as-of", "2026-02-07"]) == 0
    out = capsys.readouterr().out
    assert "1 new reminder(s), 1 awaiting record" in out
    assert "C1/1/2026-02-07" in out
    assert main(["dunning", "--url", url, "--as-of", "2026-02-07"]) == 0
    assert "0 new reminder(s), 1 awaiting record" in capsys.readouterr().out
    assert main(["dunning", "record", "C1/1/2026-02-07", "--url", url, "--status", "sent"]) == 0
    assert "recorded as sent on 2026-02-07 by letter" in capsys.readouterr().out
    assert main(["dunning", "--url", url, "--as-of", "2026-02-08"]) == 0
    assert "0 new reminder(s), 0 awaiting record" in capsys.readouterr().out
    assert main(["dunning", "record", "C1/9/2026-02-07", "--url", url]) == 2
