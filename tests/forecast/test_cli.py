"""``credkit forecast`` against an SQLite store loaded from the sample, and a ledger directory."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

pytest.importorskip("sqlalchemy", reason="credkit forecast --url needs the sql extra")

from credkit.cli import main
from credkit.dunning import PromiseToPay
from credkit.io import read_ledger
from credkit.money import Money
from credkit.storage.sql import SQLStore


def test_json_totals_are_the_open_balance(
    loaded_sample: tuple[Path, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    out, url = loaded_sample
    capsys.readouterr()
    assert main(["forecast", *url, "--as-of", "2026-06-30", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    balance = read_ledger(out).balance(date(2026, 6, 30))
    assert set(document["currencies"]) == set(balance)

    def amount(values: list[dict[str, str]], code: str) -> Decimal:
        (value,) = [v["amount"] for v in values if v["currency"] == code]
        return Decimal(value)

    for code, money in balance.items():
        assert amount(document["open_balance"], code) == money.amount
        weeks = sum(amount(w["amounts"], code) for w in document["weekly"])
        total = weeks + amount(document["beyond"], code) + amount(document["credits"], code)
        assert total == money.amount
    assert len(document["weekly"]) == 13


def test_store_and_ledger_agree_and_table_and_csv(
    loaded_sample: tuple[Path, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    out, url = loaded_sample
    capsys.readouterr()
    assert main(["forecast", *url, "--as-of", "2026-06-30", "--format", "csv", "--weeks", "4"]) == 0
    from_store = capsys.readouterr().out
    assert (
        main(
            [
                "forecast",
                "--ledger",
                str(out),
                "--as-of",
                "2026-06-30",
                "--format",
                "csv",
                "--weeks",
                "4",
            ]
        )
        == 0
    )
    assert capsys.readouterr().out == from_store
    rows = list(csv.reader(io.StringIO(from_store)))
    assert rows[0] == ["period", "start", "end", "currency", "amount"]
    currencies = sorted({r[3] for r in rows[1:]})
    assert [r[0] for r in rows].count("week") == 4 * len(currencies)
    assert [r[0] for r in rows[-len(currencies) :]] == ["open_balance"] * len(currencies)
    assert main(["forecast", *url, "--as-of", "2026-06-30", "--naive"]) == 0
    assert "due date (naive)" in capsys.readouterr().out


def test_a_stored_promise_overrides_the_behaviour(
    loaded_sample: tuple[Path, list[str]], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out, url = loaded_sample
    ledger = read_ledger(out)
    item = next(
        i
        for i in ledger.open_items(date(2026, 6, 30))
        if i.amount.is_positive and i.customer_id == "C001"
    )
    promise = PromiseToPay(
        "PTP-T",
        "C001",
        item.amount,
        promised_for=date(2026, 7, 20),
        made_on=date(2026, 6, 29),
        item_ids=[item.document_id],
    )
    store = SQLStore(url[1])
    try:
        with store.unit("C001") as unit:
            unit.add_promise(promise)
    finally:
        store.dispose()
    capsys.readouterr()
    assert main(["forecast", *url, "--as-of", "2026-06-30", "--format", "json"]) == 0
    items = {i["document_id"]: i for i in json.loads(capsys.readouterr().out)["items"]}
    parts = items[item.document_id]["parts"]
    assert parts == [
        {
            "on": "2026-07-20",
            "amount": {
                "amount": f"{item.amount.round().amount:f}",
                "currency": item.amount.currency,
            },
            "basis": "promise",
            "source": "PTP-T",
            "moved": False,
        }
    ]
    open_ = items[item.document_id]["open"]
    assert Money.of(open_["amount"], open_["currency"]) == item.amount


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--weeks", "0"], "--weeks: expected a whole number from 1 to 520, got 0"),
        (["--bands", "101"], "--bands: expected a whole number from 1 to 100"),
        (["--min-history", "0"], "--min-history: expected a whole number"),
    ],
)
def test_bad_input_exits_2(
    loaded_sample: tuple[Path, list[str]],
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
    message: str,
) -> None:
    _, url = loaded_sample
    capsys.readouterr()
    assert main(["forecast", *url, "--as-of", "2026-06-30", *extra]) == 2
    assert message in capsys.readouterr().err


def test_a_ledger_directory_goes_alone(
    loaded_sample: tuple[Path, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    out, url = loaded_sample
    capsys.readouterr()
    args = ["forecast", "--ledger", str(out), "--as-of", "2026-06-30"]
    assert main([*args, "--prefix", "other_"]) == 2
    assert "--prefix: goes with --url (a store), not with --ledger" in capsys.readouterr().err
    assert main([*args, *url]) == 2
    assert "--ledger: give either --url or --ledger, not both" in capsys.readouterr().err


def test_a_missing_database_names_db_init(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(["forecast", "--url", f"sqlite:///{tmp_path / 'none.db'}", "--as-of", "2026-06-30"])
        == 2
    )
    assert "credkit db init" in capsys.readouterr().err
