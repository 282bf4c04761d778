"""The ``credkit limits`` command and the demo section."""

from __future__ import annotations

import argparse
import csv
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest

from credkit import config, sample
from credkit.cli import limits as limits_command
from credkit.errors import ConfigError, ValidationError
from credkit.limits import LimitPolicy, example_policy

EXAMPLE = Path(__file__).parents[2] / "src" / "credkit" / "data" / "limit-policy.toml"


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="credkit")
    commands = parser.add_subparsers()
    limits_command.add_parser(commands)
    args = parser.parse_args(["limits", *argv])
    status: int = args.func(args)
    return status


@pytest.fixture(scope="module")
def portfolio() -> sample.SamplePortfolio:
    return sample.generate(seed=3, customers=30)


def test_table_for_the_sample(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("--seed", "3", "--customers", "30") == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == (
        "Credit limit recommendations as of 2026-11-30 (policy trade-credit-limits version 2026.1)"
    )
    assert lines[1].split() == [
        "Customer",
        "Name",
        "Segment",
        "Class",
        "Ccy",
        "Current*",
        "Recommended",
        "Change",
        "Decided",
        "by",
    ]
    body = [line for line in lines[3:] if line.startswith("C0")]
    assert len(body) == 30
    names = {c.id: c.name for c in sample.generate(seed=3, customers=30).ledger.customers}
    assert all(line[line.index(" ") :].strip().startswith(names[line.split()[0]]) for line in body)
    assert "* Current limits are synthetic (the sample has none)" in out


def test_csv_matches_the_recommendations(
    capsys: pytest.CaptureFixture[str], portfolio: sample.SamplePortfolio
) -> None:
    assert run("--seed", "3", "--customers", "30", "--format", "csv") == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    expected = limits_command.portfolio_recommendations(portfolio, example_policy())
    assert [r["customer_id"] for r in rows] == [e.recommendation.customer_id for e in expected]
    for row, want in zip(rows, expected, strict=True):
        rec = want.recommendation
        assert row["recommended_limit"] == ("" if rec.amount is None else str(rec.amount.amount))
        assert row["currency"] == rec.currency


def test_statement_methods_and_risk_classes_are_used(portfolio: sample.SamplePortfolio) -> None:
    rows = limits_command.portfolio_recommendations(portfolio, example_policy())
    applied = {r.method for row in rows for r in row.recommendation.methods if r.applicable}
    # the sample has statements, sales and (through the example scorecard) risk classes,
    # but no bureau data
    assert {"tangible_net_worth", "working_capital", "sales", "risk_class_matrix"} <= applied
    assert "bureau" not in applied
    assert all(row.recommendation.inputs.risk_class is not None for row in rows)
    for row in rows:
        rec = row.recommendation
        if rec.inputs.risk_class == "E":
            assert rec.amount is not None
            assert rec.amount.is_zero


def test_one_customers_working(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("--seed", "3", "--customers", "30", "--customer", "C005") == 0
    out = capsys.readouterr().out
    assert out.startswith("Credit limit recommendation for C005 (")
    assert "Policy: trade-credit-limits version 2026.1" in out
    assert "bureau" in out
    assert "not applicable: no bureau suggested limit" in out
    assert "synthetic" in out


def test_unknown_customer(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ValidationError, match="--customer: no customer 'C999' in the sample"):
        run("--customers", "3", "--customer", "C999")


def test_a_policy_document(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text(
        'id = "sales-only"\nversion = "9"\nrounding_step = "1000"\n'
        'calculators = [{kind = "sales"}]\n',
        encoding="utf-8",
    )
    assert run("--customers", "5", "--policy", str(policy), "--grace-days", "10") == 0
    out = capsys.readouterr().out
    assert "(policy sales-only version 9)" in out
    bad = tmp_path / "bad.toml"
    bad.write_text('id = "x"\nversion = "1"\ncalculators = [{kind = "magic"}]\n', encoding="utf-8")
    with pytest.raises(
        ConfigError, match=r"calculators\[0\].kind: unknown calculator kind 'magic'"
    ):
        run("--policy", str(bad))


def test_the_example_document_is_the_default_policy() -> None:
    assert config.load(LimitPolicy, EXAMPLE) == example_policy()


def test_grace_days_raise_the_sales_figure(portfolio: sample.SamplePortfolio) -> None:
    plain = limits_command.portfolio_recommendations(portfolio, example_policy())
    graced = limits_command.portfolio_recommendations(portfolio, example_policy(), grace_days=15)
    for a, b in zip(plain, graced, strict=True):
        sa, sb = a.recommendation.method("sales"), b.recommendation.method("sales")
        if sa.amount is not None and sb.amount is not None:
            assert sb.amount >= sa.amount


def test_synthetic_limits_are_round_figures(portfolio: sample.SamplePortfolio) -> None:
    limits = limits_command.synthetic_limits(portfolio)
    for money in limits.values():
        digits = str(money.amount.normalize()).split("E")[0].replace(".", "").strip("0")
        assert len(digits) <= 2, money
    # a parent's limit covers its whole group
    ledger = portfolio.ledger
    parents = {c.parent_id for c in ledger.customers if c.parent_id is not None}
    assert parents <= set(limits)


def test_group_notes_say_why_the_headroom_was_not_applied() -> None:
    rows = limits_command.portfolio_recommendations(
        sample.generate(seed=7, customers=60), example_policy()
    )
    notes = [r.note for r in rows if r.note]
    assert notes
    assert all(n.startswith("group headroom not applied without --rates: ") for n in notes)
    capped = [r for r in rows if any(a.step == "group" for a in r.recommendation.adjustments)]
    assert capped  # groups in one currency are capped by their headroom


def test_demo_section(portfolio: sample.SamplePortfolio) -> None:
    text = limits_command.demo_section(portfolio)
    lines = text.splitlines()
    assert lines[0] == (
        "Limit recommendations vs current limits as of 2026-11-30 "
        "(policy trade-credit-limits version 2026.1)"
    )
    assert lines[1].startswith("  30 customers: ")
    assert text.endswith(limits_command.SYNTHETIC_NOTE)
    increases = _demo_list(lines, "Largest increases (by percent)")
    decreases = _demo_list(lines, "Largest decreases (by percent)")
    assert increases
    assert decreases
    for rows, sign in ((increases, 1), (decreases, -1)):
        percents = []
        for row in rows:
            current = Decimal(row["Current*"].replace(",", ""))
            recommended = Decimal(row["Recommended"].replace(",", ""))
            percent = Decimal(row["Change %"].replace(",", ""))
            # the column is the change relative to the current limit, to one decimal
            assert abs(percent - (recommended / current - 1) * 100) <= Decimal("0.05")
            assert percent * sign > 0
            percents.append(percent)
        # largest first: the increases from the top down, the decreases from the bottom up
        assert percents == sorted(percents, reverse=sign > 0)


def _demo_list(lines: list[str], title: str) -> list[dict[str, str]]:
    """The rows of one of the demo's lists, cut into cells at the column edges of its rule."""
    start = lines.index(title)
    header, rule = lines[start + 1], lines[start + 2]
    edges = [(m.start(), m.end()) for m in re.finditer(r"-+", rule)]
    names = [header[a:b].strip() for a, b in edges]
    rows = []
    for line in lines[start + 3 :]:
        if not line:
            break
        rows.append(
            {n: line.ljust(len(rule))[a:b].strip() for n, (a, b) in zip(names, edges, strict=True)}
        )
    assert names[-3:] == ["Change", "Change %", "Decided by"]
    return rows


def test_render_refuses_unknown_formats(portfolio: sample.SamplePortfolio) -> None:
    with pytest.raises(ValidationError, match="--format: 'xml' is not a format"):
        limits_command.render([], policy=example_policy(), format="xml")
