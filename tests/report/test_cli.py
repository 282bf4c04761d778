"""``credkit report`` on a ledger directory and on a store; bad input exits 2 naming the option.

The path a user takes: ``credkit sample --out DIR``, then ``credkit report --ledger DIR``;
or ``credkit db init`` and ``credkit db load DIR``, then ``credkit report --url URL``
(on SQLite, and on PostgreSQL and MariaDB when ``tests/storage/conftest.py`` finds them).
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest

from credkit.cli import main

AS_OF = "2026-11-30"


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sample") / "out"
    assert main(["sample", "--out", str(out), "--seed", "3", "--customers", "8"]) == 0
    return out


def test_report_of_a_ledger_directory(
    sample_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    out = tmp_path / "report.html"
    args = ["report", "--ledger", str(sample_dir), "--as-of", AS_OF, "--out", str(out)]
    assert main(args) == 0
    said = capsys.readouterr().out
    assert re.fullmatch(
        rf"wrote the portfolio report as of {AS_OF} \(8 customers, \d+ alerts, 0 held orders\) "
        rf"to {re.escape(str(out))}\n",
        said,
    )
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert page.endswith("</html>\n")
    assert "Aged receivables as of 30 Nov 2026" in page
    # the limits of limits.csv were loaded: the exposure section has limits in it
    assert 'id="table-exposure-EUR"' in page


def test_report_to_standard_output_in_another_locale(
    sample_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    args = ["report", "--ledger", str(sample_dir), "--as-of", AS_OF, "--out", "-"]
    assert main([*args, "--locale", "de_DE", "--top", "3"]) == 0
    page = capsys.readouterr().out
    assert page.startswith('<!DOCTYPE html>\n<html lang="de-DE">')
    assert "30.11.2026" in page
    for table in re.findall(r'<table id="table-worklist-[A-Z]{3}">.*?</table>', page, re.S):
        assert table.count("<tr>") <= 4  # the header and the top 3


def test_report_of_a_store_equals_the_report_of_its_directory(
    database: list[str],
    sample_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["db", "init", *database]) == 0
    assert main(["db", "load", str(sample_dir), *database]) == 0
    from_store = tmp_path / "store.html"
    from_dir = tmp_path / "dir.html"
    assert main(["report", *database, "--as-of", AS_OF, "--out", str(from_store)]) == 0
    args = ["report", "--ledger", str(sample_dir), "--as-of", AS_OF, "--out", str(from_dir)]
    assert main(args) == 0
    capsys.readouterr()
    assert from_store.read_text(encoding="utf-8") == from_dir.read_text(encoding="utf-8")
    # the report reads the store and writes nothing: running `db status` shows no alerts
    assert main(["db", "status", *database]) == 0
    status = capsys.readouterr().out
    assert re.search(r"alerts\s+0\b", status), status


@pytest.mark.parametrize(
    ("extra", "option"),
    [
        (["--ledger", "/nonexistent/dir"], "--ledger"),
        (["--ledger", "{dir}", "--url", "sqlite:///x.db"], "--ledger"),
        (["--ledger", "{dir}", "--locale", "xx_YY"], "--locale"),
        (["--ledger", "{dir}", "--top", "0"], "--top"),
        (["--url", "sqlite:///{tmp}/missing.db"], "--url"),
        (["--url", "nosuchdb://x"], "--url"),
        (["--ledger", "{dir}", "--prefix", "other_"], "--prefix: goes with --url"),
        (["--ledger", "{dir}", "--risk-classes", "{tmp}/none.csv"], "--risk-classes"),
        (["--ledger", "{dir}", "--risk-classes", "{dir}/customers.csv"], "--risk-classes"),
    ],
)
def test_bad_input_exits_2_naming_the_option(
    extra: list[str],
    option: str,
    sample_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    extra = [e.format(dir=sample_dir, tmp=tmp_path) for e in extra]
    out = tmp_path / "r.html"
    assert main(["report", *extra, "--as-of", AS_OF, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("credkit: error: "), err
    assert option in err, err
    assert not out.exists()


def test_an_unwritable_out_exits_2(
    sample_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "no" / "such" / "dir" / "r.html"
    assert main(["report", "--ledger", str(sample_dir), "--as-of", AS_OF, "--out", str(out)]) == 2
    assert "--out: cannot write" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["--out", "r.html"], "--as-of"),
        (["--as-of", AS_OF], "--out"),
        (["--as-of", "30.11.2026", "--out", "r.html"], "--as-of"),
    ],
)
def test_missing_or_malformed_options_exit_2(
    args: list[str], option: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["report", "--ledger", "x", *args])
    assert exit_info.value.code == 2
    assert option in capsys.readouterr().err


def test_a_bad_row_in_the_directory_names_the_file_and_line(
    sample_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil

    bad = tmp_path / "bad"
    shutil.copytree(sample_dir, bad)
    limits = bad / "limits.csv"
    lines = limits.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace(lines[1].split(",")[0], "NOBODY", 1)
    limits.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["report", "--ledger", str(bad), "--as-of", AS_OF, "--out", "-"]) == 2
    assert "limits.csv" in capsys.readouterr().err


def test_the_demo_writes_the_report_and_prints_its_path(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    assert main(["demo", "--customers", "8", "--seed", "2"]) == 0
    out = capsys.readouterr().out
    match = re.search(r"^Portfolio report: (.+\.html) \(open it in a browser\)$", out, re.M)
    assert match is not None, out[-500:]
    path = Path(match.group(1))
    assert path.parent == tmp_path
    assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_a_date_too_early_to_look_back_from_names_as_of(
    sample_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["report", "--ledger", str(sample_dir), "--out", "-"]
    assert main([*args, "--as-of", "0001-06-30"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("credkit: error: --as-of: 0001-06-30 is too early"), err
    assert "window_months" not in err
    assert main([*args, "--as-of", "0003-01-01"]) == 0  # the earliest date that looks back


def test_risk_classes_from_a_file(
    sample_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # a ledger directory has no score snapshots: without the file every customer is unrated
    args = ["report", "--ledger", str(sample_dir), "--as-of", AS_OF, "--out", "-"]
    assert main(args) == 0
    unrated = capsys.readouterr().out
    assert "Risk classes: 8 customers unrated (no risk class found)." in unrated
    classes = tmp_path / "classes.csv"
    classes.write_text(
        "customer_id,total,risk_class,reason_codes\nC001,640,B,\nC002,480,D,PAY_INDEX\nC003,,,\n",
        encoding="utf-8",
    )
    assert main([*args, "--risk-classes", str(classes)]) == 0
    page = capsys.readouterr().out
    assert (
        "Risk classes: 2 customers from classes.csv; 6 customers unrated (no risk class found)."
        in page
    )
    rows = re.findall(r'<table id="table-exposure-[A-Z]{3}">.*?</table>', page, re.S)
    shown = {c for table in rows for c in re.findall(r"<tr><th scope=\"row\">([^<]+)</th>", table)}
    assert {"B", "D"} <= shown


def test_cli_modules_share_private_helpers_only_through_private_modules() -> None:
    # `credkit report` loads a directory through credkit.cli._load, as `credkit db load`
    # does, and takes the demo's orders from credkit.cli._demo: no CLI module reaches
    # into another command's private names
    import ast

    import credkit.cli

    folder = Path(credkit.cli.__file__).parent
    reaching = []
    for path in sorted(folder.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom) or not node.module:
                continue
            parts = node.module.split(".")
            if parts[:2] != ["credkit", "cli"] or len(parts) < 3 or parts[2].startswith("_"):
                continue
            reaching += [
                f"{path.name}: {node.module}.{alias.name}"
                for alias in node.names
                if alias.name.startswith("_")
            ]
    assert reaching == []
