"""``credkit monitor`` on an SQLite store: the alerts table, JSON, acknowledging, exit statuses."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from credkit.cli import main

DAY = "2026-11-30"


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("monitor")
    assert (
        main(["sample", "--out", str(folder / "sample"), "--seed", "7", "--customers", "12"]) == 0
    )
    database = f"sqlite:///{folder / 'credkit.db'}"
    assert main(["db", "init", "--url", database]) == 0
    assert main(["db", "load", str(folder / "sample"), "--url", database]) == 0
    return database


def test_the_alerts_table_once_new_then_known(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["monitor", "--url", url, "--as-of", DAY]) == 1
    first = capsys.readouterr().out
    header = first.splitlines()[0]
    assert header.startswith(f"Monitoring {url} as of {DAY} (monitoring version 2026.1)")
    assert re.search(r"Severity  Customer  Name +Reason", first)
    # each reason code shown is explained in words below the table
    assert "reasons:" in first
    assert re.search(r"\n  [A-Z_]+: \S", first.split("reasons:")[1])
    count = int(header.split(", ")[-1].split()[0])
    assert f"({count} new)" in header
    assert main(["monitor", "--url", url, "--as-of", DAY]) == 1
    assert f"{count} alerts (0 new)" in capsys.readouterr().out
    assert main(["monitor", "--url", url, "--as-of", DAY, "--format", "json"]) == 1
    document = json.loads(capsys.readouterr().out)
    assert len(document["alerts"]) == count
    assert not any(a["new"] for a in document["alerts"])
    assert all(a["name"] and a["reason_text"] for a in document["alerts"])
    severities = [a["severity"] for a in document["alerts"]]
    ranks = {"critical": 0, "warning": 1, "info": 2}
    assert severities == sorted(severities, key=ranks.__getitem__)


def test_acknowledging_an_alert(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    main(["monitor", "--url", url, "--as-of", DAY, "--format", "json"])
    key = json.loads(capsys.readouterr().out)["alerts"][0]["key"]
    assert main(["monitor", "ack", key, "--url", url, "--user", "ana", "--note", "called"]) == 0
    assert f"{key}: acknowledged by ana" in capsys.readouterr().out
    main(["monitor", "--url", url, "--as-of", DAY, "--format", "json"])
    acknowledged = next(a for a in json.loads(capsys.readouterr().out)["alerts"] if a["key"] == key)
    assert (acknowledged["acknowledged_by"], acknowledged["note"]) == ("ana", "called")


def test_options_before_ack_are_kept(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    # argparse would let the action's own defaults overwrite --url and --format typed
    # before the action word; the store then would be the default one, not this one
    main(["monitor", "--url", url, "--as-of", DAY, "--format", "json"])
    key = json.loads(capsys.readouterr().out)["alerts"][0]["key"]
    assert main(["monitor", "--url", url, "--format", "json", "ack", key, "--user", "ana"]) == 0
    acknowledged = json.loads(capsys.readouterr().out)["acknowledged"]
    assert (acknowledged["key"], acknowledged["acknowledged_by"]) == (key, "ana")


def test_a_role_table_can_refuse_an_acknowledgement(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["monitor", "--url", url, "--as-of", DAY, "--format", "json"])
    key = json.loads(capsys.readouterr().out)["alerts"][-1]["key"]
    roles = tmp_path / "roles.toml"
    roles.write_text('[users]\nolga = ["auditor"]\n')
    assert main(["monitor", "ack", key, "--url", url, "--user", "olga", "--roles", str(roles)]) == 2
    assert "may not acknowledge" in capsys.readouterr().err


def test_a_quiet_day_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    database = f"sqlite:///{tmp_path / 'empty.db'}"
    assert main(["db", "init", "--url", database]) == 0
    capsys.readouterr()
    assert main(["monitor", "--url", database, "--as-of", DAY]) == 0
    assert "0 customers, no alerts" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ([], "--as-of: the day to look at is required"),
        (["--as-of", DAY, "--url", "sqlite:////nonexistent/x.db"], "there is no database file"),
        (["ack", "NOPE", "--user", "ana"], "no alert 'NOPE'"),
    ],
)
def test_bad_input_exits_2(
    url: str, arguments: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    if "--url" not in arguments:
        arguments = [*arguments, "--url", url]
    assert main(["monitor", *arguments]) == 2
    assert message in capsys.readouterr().err


def test_a_bad_date_is_refused_by_the_parser(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_status:
        main(["monitor", "--url", url, "--as-of", "30.11.2026"])
    assert exit_status.value.code == 2
    assert "is not a date" in capsys.readouterr().err
