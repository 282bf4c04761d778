"""``credkit statement`` against an SQLite store loaded from the sample, and a ledger directory."""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

import pytest

pytest.importorskip("sqlalchemy", reason="credkit statement --url needs the sql extra")

from credkit.cli import main
from credkit.io import read_ledger
from credkit.statement import statement


def test_text_statement_from_the_store_matches_the_ledger(
    loaded_sample: tuple[Path, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    out, url = loaded_sample
    capsys.readouterr()
    assert main(["statement", "C001", *url, "--as-of", "2026-06-30", "--from", "2026-04-01"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("Statement of account\n")
    assert "1 Apr 2026 - 30 Jun 2026" in text
    ledger = read_ledger(out)
    expected = statement(
        ledger,
        "C001",
        as_of=__import__("datetime").date(2026, 6, 30),
        period_from=__import__("datetime").date(2026, 4, 1),
    )
    for section in expected.sections:
        assert "Closing balance" in text
        assert section.closing.format("en_GB") in text


def test_csv_from_store_and_from_ledger_agree(
    loaded_sample: tuple[Path, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    out, url = loaded_sample
    capsys.readouterr()
    assert main(["statement", "C002", *url, "--as-of", "2026-05-31", "--format", "csv"]) == 0
    from_store = capsys.readouterr().out
    assert (
        main(
            ["statement", "C002", "--ledger", str(out), "--as-of", "2026-05-31", "--format", "csv"]
        )
        == 0
    )
    assert capsys.readouterr().out == from_store
    rows = list(csv.DictReader(io.StringIO(from_store)))
    assert rows
    assert {r["kind"] for r in rows} >= {"opening", "closing"}


def test_html_to_a_file_in_german(
    loaded_sample: tuple[Path, list[str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("jinja2")
    _, url = loaded_sample
    target = tmp_path / "c001.html"
    args = ["statement", "C001", *url, "--as-of", "2026-06-30", "--format", "html"]
    assert main([*args, "--locale", "de_DE", "--out", str(target)]) == 0
    page = target.read_text(encoding="utf-8")
    assert '<html lang="de">' in page
    assert "30. Juni 2026" in page
    template = tmp_path / "mine.txt"
    template.write_text("{{ customer_id }}: {{ sections | length }}", encoding="utf-8")
    capsys.readouterr()
    assert (
        main(["statement", "C001", *url, "--as-of", "2026-06-30", "--template", str(template)]) == 0
    )
    assert capsys.readouterr().out.startswith("C001: ")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["C999", "--as-of", "2026-06-30"], "CUSTOMER: unknown customer 'C999'"),
        (
            ["C001", "--as-of", "2026-06-30", "--from", "2026-07-01"],
            "--from: 2026-07-01 is after --as-of",
        ),
        (
            ["C001", "--as-of", "2026-06-30", "--locale", "xx_YY"],
            "--locale: 'xx_YY' is not a locale",
        ),
        (
            ["C001", "--as-of", "2026-06-30", "--format", "csv", "--template", "x"],
            "--template: csv",
        ),
    ],
)
def test_bad_input_exits_2_naming_the_option(
    loaded_sample: tuple[Path, list[str]],
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
    message: str,
) -> None:
    _, url = loaded_sample
    capsys.readouterr()
    assert main(["statement", *url, *extra]) == 2
    assert message in capsys.readouterr().err


def test_unknown_customer_in_a_ledger_directory(
    loaded_sample: tuple[Path, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    out, _ = loaded_sample
    assert main(["statement", "NOPE", "--ledger", str(out), "--as-of", "2026-06-30"]) == 2
    assert "CUSTOMER: unknown customer 'NOPE'" in capsys.readouterr().err


def test_html_without_jinja2_names_the_extra(
    loaded_sample: tuple[Path, list[str]],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out, _ = loaded_sample
    monkeypatch.setitem(sys.modules, "jinja2", None)
    args = ["statement", "C001", "--ledger", str(out), "--as-of", "2026-06-30", "--format", "html"]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "--format html needs Jinja2" in err
    assert "credkit-b2b[letters]" in err


def test_a_prefix_with_a_ledger_directory_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "sample"
    assert main(["sample", "--out", str(out), "--customers", "3"]) == 0
    capsys.readouterr()
    args = ["statement", "C001", "--ledger", str(out), "--as-of", "2026-06-30"]
    assert main([*args, "--prefix", "other_"]) == 2
    assert "--prefix: goes with --url" in capsys.readouterr().err
