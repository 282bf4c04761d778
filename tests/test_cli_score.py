"""Tests for ``credkit score`` and the scoring section of ``credkit demo``."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path

import pytest

from credkit import sample
from credkit.cli import main, score
from credkit.config import dump
from credkit.scoring import Bin, Factor, Scorecard, example_scorecard, score_rows

EXAMPLE = Path(__file__).parents[1] / "src" / "credkit" / "data" / "trade-credit-scorecard.toml"
INPUTS = [factor.input for factor in example_scorecard().factors]


def write_csv(path: Path, rows: list[Mapping[str, object]]) -> Path:
    columns = list(rows[0])
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: "" if v is None else str(v) for k, v in row.items()})
    return path


def sample_rows(seed: int = 3, customers: int = 15) -> list[dict[str, object]]:
    portfolio = sample.generate(seed=seed, customers=customers)
    return [
        {"customer_id": customer_id, **values}
        for customer_id, values in sample.scoring_inputs(portfolio).items()
    ]


def expected(
    path: Path, id_column: str = "customer_id"
) -> dict[str, tuple[str, str, tuple[str, ...]]]:
    """What score_rows says about the file, independently of the command."""
    with path.open(newline="", encoding="utf-8") as handle:
        scored = score_rows(list(csv.DictReader(handle)), example_scorecard(), id_column=id_column)
    return {
        row.id: (
            str(row.result.total),
            row.risk_class.name if row.risk_class else "",
            row.result.reason_codes,
        )
        for row in scored
    }


# -- credkit score ---------------------------------------------------------------------------


def test_csv_output_matches_score_rows(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    file = write_csv(tmp_path / "customers.csv", sample_rows())
    assert main(["score", str(file), "--scorecard", str(EXAMPLE), "--format", "csv"]) == 0
    out = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    truth = expected(file)
    assert [row["customer_id"] for row in out] == list(truth)
    for row in out:
        total, risk, reasons = truth[row["customer_id"]]
        assert (row["total"], row["risk_class"]) == (total, risk)
        assert row["reason_codes"] == ";".join(reasons[:3])
    assert len({row["risk_class"] for row in out}) > 1


def test_table_output_lists_every_customer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = write_csv(tmp_path / "customers.csv", sample_rows(customers=8))
    assert main(["score", str(file), "--scorecard", str(EXAMPLE)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Scorecard trade-credit-b2b version 2026.1: 8 customers"
    assert lines[1].split() == ["Customer", "Score", "Class", "Reasons"]
    truth = expected(file)
    body = lines[3 : lines.index("")]
    assert len(body) == 8
    for line, (customer_id, (total, risk, reasons)) in zip(body, truth.items(), strict=True):
        assert line.split()[:3] == [customer_id, total, risk]
        assert line.endswith(", ".join(reasons[:3]))
    # below the table, each reason code shown with what it means (the factor's description)
    legend = lines[lines.index("Reasons:") + 1 :]
    shown = sorted({code for _t, _r, reasons in truth.values() for code in reasons[:3]})
    assert [line.split(":")[0].strip() for line in legend] == shown
    texts = {f.reason_code: f.description for f in example_scorecard().factors}
    assert all(line.endswith(f": {texts[line.split(':')[0].strip()]}") for line in legend)


def test_json_output_with_more_reasons_and_another_id_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [{"account": row.pop("customer_id"), **row} for row in sample_rows(customers=6)]
    file = write_csv(tmp_path / "accounts.csv", rows)
    argv = ["score", str(file), "--scorecard", str(EXAMPLE), "--format", "json"]
    assert main([*argv, "--id-column", "account", "--reasons", "10"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["scorecard"] == {"id": "trade-credit-b2b", "version": "2026.1"}
    truth = expected(file, id_column="account")
    assert {r["customer_id"]: r for r in document["rows"]}.keys() == truth.keys()
    for record in document["rows"]:
        total, risk, reasons = truth[record["customer_id"]]
        assert (record["total"], record["risk_class"]) == (total, risk)
        # all of them (fewer than 10), each with the text of its factor
        assert [r["code"] for r in record["reasons"]] == list(reasons)
        assert all(r["text"] for r in record["reasons"])


def test_no_reasons_and_a_scorecard_without_risk_scale(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    card = Scorecard(
        "plain",
        version="1",
        factors=(
            Factor(
                "bureau_score",
                reason_code="BUR",
                missing="min",
                bins=(Bin(upper=50, points=0), Bin(lower=50, points="12.5")),
            ),
        ),
    )
    (tmp_path / "card.json").write_text(json.dumps(dump(card)), encoding="utf-8")
    file = tmp_path / "c.csv"
    file.write_text("\ufeffcustomer_id,bureau_score,notes\nA,70,x\nB,10,\nC,,\n", encoding="utf-8")
    argv = ["score", str(file), "--scorecard", str(tmp_path / "card.json"), "--format", "csv"]
    assert main([*argv, "--reasons", "0"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "customer_id,total,risk_class,reason_codes,reason_texts",
        "A,12.5,,,",
        "B,0,,,",
        "C,0,,,",
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "c.csv: the file is empty; expected a header line naming the columns"),
        (
            "customer_id,bureau_score\nC1,71\nC2,n/a\n",
            "c.csv, line 3: bureau_score: 'n/a' is not a number; expected digits such as "
            "'1250.00' (customer 'C2')",
        ),
        (
            "customer_id,bureau_scor\nC1,71\n",
            "c.csv, line 2: bureau_score: no such column; the scorecard reads bureau_score "
            "(customer 'C1')",
        ),
        ("customer_id,bureau_score\nC1,71,9\n", "c.csv, line 2: 3 cells, but the header has 2"),
        ("customer_id,bureau_score\nC1\n", "c.csv, line 2: 1 cells, but the header has 2"),
        (
            "customer_id,bureau_score\n ,71\n",
            "c.csv, line 2: customer_id: expected a customer id, got ' '",
        ),
        (
            "customer_id,customer_id,bureau_score\nC1,C1,5\n",
            "c.csv, line 1: the column 'customer_id' appears more than once",
        ),
        ('customer_id,bureau_score\n"C1,71\n', "c.csv, line 2: not readable as CSV"),
    ],
)
def test_bad_files_are_reported_with_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    card = Scorecard(
        "c",
        version="1",
        factors=(
            Factor("bureau_score", reason_code="B", missing=0, bins=(Bin(lower=0, points=1),)),
        ),
    )
    (tmp_path / "card.json").write_text(json.dumps(dump(card)), encoding="utf-8")
    file = tmp_path / "c.csv"
    file.write_text(content, encoding="utf-8")
    assert main(["score", str(file), "--scorecard", str(tmp_path / "card.json")]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("credkit: error: ")
    assert message in captured.err


def test_missing_file_bad_encoding_and_bad_scorecard(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["score", str(tmp_path / "none.csv"), "--scorecard", str(EXAMPLE)]) == 2
    assert "credkit: error: FILE: cannot read" in capsys.readouterr().err
    latin = tmp_path / "latin.csv"
    latin.write_bytes("customer_id,legal_form\nC1,Soci\xe9t\xe9\n".encode("latin-1"))
    assert main(["score", str(latin), "--scorecard", str(EXAMPLE)]) == 2
    assert "latin.csv, line 2: not valid UTF-8 text" in capsys.readouterr().err
    document = dump(example_scorecard())
    document["factors"][1]["bins"][2]["lower"] = "0.05"
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(document), encoding="utf-8")
    file = write_csv(tmp_path / "c.csv", sample_rows(customers=2))
    assert main(["score", str(file), "--scorecard", str(broken)]) == 2
    assert "factors[1].bins[2].lower: 0.05 is below bins[1].upper (0.1)" in capsys.readouterr().err


def test_a_negative_reason_count_is_an_argument_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["score", "x.csv", "--scorecard", str(EXAMPLE), "--reasons", "-1"])
    assert exit_.value.code == 2
    assert "'-1' is not a whole number of 0 or more" in capsys.readouterr().err


def test_render_refuses_an_unknown_format() -> None:
    with pytest.raises(ValueError, match="--format: 'xml' is not a format; expected one of"):
        score.render(example_scorecard(), [], format="xml")
    with pytest.raises(ValueError, match="reasons: expected a whole number of 0 or more"):
        score.render(example_scorecard(), [], reasons=-2)
    assert score.render(example_scorecard(), []).endswith("(no customers)")


# -- the demo section ------------------------------------------------------------------------


def test_demo_section_counts_every_customer_once_and_shows_the_lowest() -> None:
    portfolio = sample.generate(seed=5, customers=40)
    text = score.demo_section(portfolio)
    card = example_scorecard()
    results = {c: card.score(v) for c, v in sample.scoring_inputs(portfolio).items()}
    lines = text.splitlines()
    assert lines[0] == (
        f"Scores with the example scorecard trade-credit-b2b 2026.1 as of {portfolio.end}"
    )
    table = {line.split()[0]: int(line.split()[-1]) for line in lines[3:8]}
    counts = Counter(r.risk_class.name for r in results.values() if r.risk_class)
    assert table == {name: counts.get(name, 0) for name in "ABCDE"}
    assert sum(table.values()) == 40
    lowest = lines[lines.index("Lowest scores:") + 3 :]
    assert len(lowest) == 5
    shown = [(line.split()[0], Decimal(line.split()[1])) for line in lowest]
    truth = sorted(((r.total, c) for c, r in results.items()))[:5]
    assert shown == [(c, total) for total, c in truth]
    for line, (_, customer_id) in zip(lowest, truth, strict=True):
        assert portfolio.behaviours[customer_id].value in line
        assert line.endswith(", ".join(results[customer_id].reason_codes[:3]))


def test_demo_section_of_a_tiny_portfolio() -> None:
    text = score.demo_section(sample.generate(seed=1, customers=1, months=1), worst=5)
    lowest = text.splitlines()[text.splitlines().index("Lowest scores:") + 3 :]
    assert len(lowest) == 1
    assert lowest[0].startswith("C001")
