"""Every command's ``--format json`` output validates against its documented JSON Schema.

The schemas are ``credkit/cli/schemas/COMMAND.json`` (shown on the CLI reference page);
each command runs here on the sample portfolio (a ledger directory and an SQLite store
loaded from it) and its JSON is checked with ``jsonschema``. A second set of tests
breaks the documents on purpose (an amount as a number, a missing key, buckets as
columns) to show the schemas do refuse a wrong shape.
"""

from __future__ import annotations

import copy
import csv
import json
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

jsonschema = pytest.importorskip("jsonschema", reason="the test extra has jsonschema")
pytest.importorskip("sqlalchemy", reason="the store commands need the sql extra")

from tests.cli.test_apply import _files as application_files  # noqa: E402

from credkit import sample  # noqa: E402
from credkit.cli import _COMMANDS, main  # noqa: E402

AS_OF = "2026-11-30"
SCORECARD = Path(__file__).parents[2] / "src" / "credkit" / "data" / "trade-credit-scorecard.toml"


def schema(command: str) -> dict[str, Any]:
    text = resources.files("credkit.cli").joinpath("schemas", f"{command}.json").read_text()
    document: dict[str, Any] = json.loads(text)
    return document


def validate(command: str, document: object) -> None:
    checker = jsonschema.Draft202012Validator(schema(command))
    checker.validate(document)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A sample ledger directory, an SQLite store loaded from it, scoring inputs, rates."""
    root = tmp_path_factory.mktemp("schemas")
    ledger = root / "ledger"
    url = f"sqlite:///{root / 'credkit.db'}"
    assert main(["sample", "--out", str(ledger), "--customers", "12", "--seed", "7"]) == 0
    assert main(["db", "init", "--url", url]) == 0
    assert main(["db", "load", str(ledger), "--url", url]) == 0
    inputs = sample.scoring_inputs(sample.generate(seed=7, customers=12))
    scoring = root / "scoring.csv"
    with scoring.open("w", newline="", encoding="utf-8") as handle:
        columns = ["customer_id", *next(iter(inputs.values()))]
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        for customer_id, values in inputs.items():
            writer.writerow({"customer_id": customer_id, **values})
    rates = root / "rates.csv"
    rates.write_text(
        "valid_from,base,quote,rate\n"
        + "".join(
            f"2024-01-01,EUR,{code},{rate}\n"
            for code, rate in (("USD", "1.08"), ("GBP", "0.85"), ("CHF", "0.95"), ("JPY", "160"))
        ),
        encoding="utf-8",
    )
    return {
        "root": str(root),
        "ledger": str(ledger),
        "url": url,
        "scoring": str(scoring),
        "rates": str(rates),
    }


def _commands(files: dict[str, str]) -> dict[str, list[list[str]]]:
    """The command lines whose JSON is checked, per command (each with --format json)."""
    root, ledger, url = Path(files["root"]), files["ledger"], files["url"]
    store = ["--url", url]
    application = root / "application"
    application.mkdir(exist_ok=True, parents=True)
    return {
        "demo": [["demo", "--customers", "6", "--out", str(root / "demo.html")]],
        "sample": [["sample", "--out", str(root / "again"), "--customers", "3"]],
        "age": [
            ["age", ledger, "--as-of", AS_OF],
            ["age", ledger, "--as-of", AS_OF, "--by", "total", "--buckets", "15,45"],
        ],
        "kpi": [["kpi", ledger, "--from", "2026-09-01", "--to", AS_OF, "--monthly", "2"]],
        "behaviour": [["behaviour", ledger, "--as-of", AS_OF]],
        "score": [["score", files["scoring"], "--scorecard", str(SCORECARD)]],
        "limits": [
            ["limits", "--customers", "6"],
            ["limits", "--customers", "6", "--customer", "C002"],
        ],
        "check": [
            [
                "check",
                f"{ledger}/orders.csv",
                "--ledger",
                ledger,
                "--limits",
                f"{ledger}/limits.csv",
                "--as-of",
                AS_OF,
            ],
            ["check", f"{ledger}/orders.csv", *store, "--as-of", AS_OF, "--rates", files["rates"]],
        ],
        "dunning": [
            ["dunning", ledger, "--as-of", AS_OF, "--replay-days", "21", "--every", "7"],
            ["dunning", *store, "--as-of", AS_OF],
        ],
        "statement": [["statement", "C001", "--ledger", ledger, "--as-of", AS_OF]],
        "forecast": [["forecast", "--ledger", ledger, "--as-of", AS_OF, "--weeks", "4"]],
        "report": [["report", "--ledger", ledger, "--as-of", AS_OF, "--out", str(root / "r.html")]],
        "db": [["db", "status", *store], ["db", "load", ledger, *store], ["db", "upgrade", *store]],
        "audit": [["audit", "verify", *store], ["audit", "show", "--customer", "C001", *store]],
        "bureau": [
            [
                "bureau",
                "fetch",
                "C001",
                "--provider",
                "sample",
                "--dir",
                f"{ledger}/bureau",
                "--as-of",
                AS_OF,
            ],
        ],
        "monitor": [["monitor", *store, "--as-of", AS_OF]],
        "apply": [["apply", *application_files(application), *store]],
    }


def test_every_command_has_a_schema_and_a_case(tmp_path: Path) -> None:
    folder = resources.files("credkit.cli").joinpath("schemas")
    shipped = {entry.name.removesuffix(".json") for entry in folder.iterdir()}
    assert shipped == set(_COMMANDS)
    names = {"root": str(tmp_path), "ledger": "l", "url": "u", "scoring": "s", "rates": "r"}
    assert set(_commands(names)) == shipped


@pytest.mark.parametrize("command", sorted(_COMMANDS))
def test_json_output_validates_against_the_command_s_schema(
    command: str, files: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    jsonschema.Draft202012Validator.check_schema(schema(command))
    capsys.readouterr()
    for argv in _commands(files)[command]:
        status = main([*argv, "--format", "json"])
        captured = capsys.readouterr()
        assert status in (0, 1), (argv, captured.err)  # 1: findings (holds, alerts, ...)
        validate(command, json.loads(captured.out))


def _age(files: dict[str, str], capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    capsys.readouterr()
    assert main(["age", files["ledger"], "--as-of", AS_OF, "--format", "json"]) == 0
    document: dict[str, Any] = json.loads(capsys.readouterr().out)
    validate("age", document)
    return document


def test_the_schemas_refuse_a_wrong_shape(
    files: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    document = _age(files, capsys)
    wrong = copy.deepcopy(document)
    wrong["totals"][0]["total"] = 1200.5  # an amount as a float, not money
    with pytest.raises(jsonschema.ValidationError):
        validate("age", wrong)
    wrong = copy.deepcopy(document)
    wrong["totals"][0]["total"] = {"amount": "1200.50"}  # money without its currency
    with pytest.raises(jsonschema.ValidationError):
        validate("age", wrong)
    wrong = copy.deepcopy(document)
    row = wrong["rows"][0]
    row.update({b["label"]: b["amount"] for b in row.pop("buckets")})  # buckets as columns
    with pytest.raises(jsonschema.ValidationError):
        validate("age", wrong)
    wrong = copy.deepcopy(document)
    del wrong["as_of"]
    with pytest.raises(jsonschema.ValidationError):
        validate("age", wrong)
    wrong = copy.deepcopy(document)
    wrong["rows"][0]["count"] = "3"  # a count as a string
    with pytest.raises(jsonschema.ValidationError):
        validate("age", wrong)


def test_other_bucket_edges_change_the_values_not_the_shape(
    files: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    standard = _age(files, capsys)
    assert (
        main(
            ["age", files["ledger"], "--as-of", AS_OF, "--buckets", "10,20,30", "--format", "json"]
        )
        == 0
    )
    custom = json.loads(capsys.readouterr().out)
    validate("age", custom)
    assert custom.keys() == standard.keys()
    assert custom["totals"][0].keys() == standard["totals"][0].keys()
    buckets = custom["totals"][0]["buckets"]
    assert [(b["label"], b["lower"], b["upper"]) for b in buckets] == [
        ("Not yet due", None, 0),
        ("1-10", 1, 10),
        ("11-20", 11, 20),
        ("21-30", 21, 30),
        ("Over 30", 31, None),
    ]


def test_the_actions_that_record_validate_too(
    files: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    store = ["--url", files["url"], "--format", "json"]
    capsys.readouterr()
    # dunning: a run from the store's history, then one of its reminders recorded as sent
    assert main(["dunning", *store, "--as-of", "2026-12-20"]) == 0
    run = json.loads(capsys.readouterr().out)
    validate("dunning", run)
    action = run["pending"][0]["id"]
    assert main(["dunning", "record", action, *store]) == 0
    recorded = json.loads(capsys.readouterr().out)
    validate("dunning", recorded)
    assert recorded["recorded"][0]["action_id"] == action
    # monitor: an alert found, then acknowledged
    assert main(["monitor", *store, "--as-of", AS_OF]) == 1
    key = json.loads(capsys.readouterr().out)["alerts"][0]["key"]
    assert main(["monitor", "ack", key, "--user", "ana", *store]) == 0
    acknowledged = json.loads(capsys.readouterr().out)
    validate("monitor", acknowledged)
    assert acknowledged["acknowledged"]["acknowledged_by"] == "ana"
