"""Tests for ``credkit check`` and the "today's orders" section of ``credkit demo``.

The command module is registered on a parser of its own here, so these tests do not
depend on the lead's ``credkit.cli`` wiring.
"""

from __future__ import annotations

import argparse
import datetime
import json
from pathlib import Path

import pytest

from credkit import io, sample
from credkit.cli import check as check_command
from credkit.errors import CredkitError, ValidationError
from credkit.ledger import Customer, Invoice, Ledger
from credkit.money import Money
from credkit.policy.rules import REASONS


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="credkit")
    commands = parser.add_subparsers()
    check_command.add_parser(commands)
    args = parser.parse_args(["check", *argv])
    status: int = args.func(args)
    return status


@pytest.fixture
def ledger_dir(tmp_path: Path) -> Path:
    day = datetime.date(2026, 10, 1)
    ledger = Ledger(
        customers=[
            Customer("C1", "Alpha GmbH", country="DE", currency="EUR"),
            Customer("C2", "Beta Ltd", country="GB", currency="GBP"),
        ],
        invoices=[
            Invoice("I1", "C1", day, datetime.date(2026, 11, 30), Money.of("8000.00", "EUR")),
            Invoice("I2", "C2", day, datetime.date(2026, 10, 15), Money.of("3000.00", "GBP")),
        ],
    )
    directory = tmp_path / "ledger"
    directory.mkdir()
    io.write_ledger(ledger, directory)
    return directory


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_check_orders_against_a_ledger_with_limits(
    tmp_path: Path, ledger_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    orders = write(
        tmp_path / "orders.csv",
        "customer_id,order_id,amount,currency,prepaid\n"
        "C1,SO-1,2000.00,EUR,no\n"
        "C1,SO-2,0.01,EUR,false\n"
        "C2,SO-3,100.00,GBP,\n"
        "C2,SO-4,100.00,GBP,yes\n",
    )
    limits = write(
        tmp_path / "limits.csv",
        "customer_id,amount,currency,valid_to\nC1,10000.00,EUR,2027-06-30\nC2,,GBP,\n",
    )
    argv = [str(orders), "--ledger", str(ledger_dir), "--limits", str(limits)]
    status = run([*argv, "--as-of", "2026-11-02"])
    assert status == 1  # orders are held
    out = capsys.readouterr().out
    assert out.splitlines()[0] == (
        "Credit check as of 2026-11-02, policy credkit-default version 1"
    )
    assert "synthetic" not in out
    # SO-1 brings C1 exactly to its limit; SO-1 then counts as an open order, so SO-2 is over
    rows = {line.split()[0]: line.split() for line in out.splitlines() if line.startswith("SO-")}
    name = io.read_ledger(ledger_dir).customers[0].name  # the customer's name beside its id
    assert rows["SO-1"] == [
        "SO-1",
        "C1",
        *name.split(),
        "2,000.00",
        "EUR",
        "APPROVE",
        "0.00",
        "EUR",
    ]
    assert "HOLD" in rows["SO-2"]
    assert "HOLD" in rows["SO-3"]
    # each reason code with what it means (credkit.policy.rules.REASONS), then the figures
    assert (
        f"hold LIMIT_EXCEEDED ({REASONS['LIMIT_EXCEEDED']}): exposure 10,000.00 EUR + order "
        "0.01 EUR exceeds limit 10,000.00 EUR" in out
    )
    # C2 has no limit and an invoice 18 days overdue; the prepaid order is approved anyway
    assert f"hold NO_LIMIT ({REASONS['NO_LIMIT']}): no credit limit on the profile" in out
    assert "PREPAID: prepaid order" in out
    assert out.rstrip().endswith("4 orders: 2 approved, 2 held, 0 rejected")
    assert run([*argv, "--as-of", "2026-11-02", "--no-fail-on-hold"]) == 0


def test_check_json_output(
    tmp_path: Path, ledger_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    orders = write(
        tmp_path / "orders.csv",
        "customer_id,order_id,amount,currency,prepaid,order_date\nC2,SO-1,500,GBP,0,2026-11-03\n",
    )
    policy = write(
        tmp_path / "policy.toml",
        'id = "mine"\nversion = "4"\n[[rules]]\nrule = "overdue_too_old"\nmax_days = 0\n',
    )
    limits = write(tmp_path / "limits.csv", "customer_id,amount,currency\nC2,6000.00,GBP\n")
    assert (
        run(
            [
                str(orders),
                "--ledger",
                str(ledger_dir),
                "--limits",
                str(limits),
                "--policy",
                str(policy),
                "--as-of",
                "2026-11-02",
                "--format",
                "json",
            ]
        )
        == 1  # held
    )
    document = json.loads(capsys.readouterr().out)
    assert (document["policy_id"], document["policy_version"], document["limits"]) == (
        "mine",
        "4",
        str(limits),
    )
    assert document["errors"] == []
    [decision] = document["decisions"]
    assert decision["outcome"] == "hold"
    assert decision["order_date"] == "2026-11-03"
    assert decision["reasons"][0]["code"] == "OVERDUE_TOO_OLD"
    assert decision["line"] == 2
    # limit 6,000.00 GBP - 3,000.00 GBP open
    assert decision["available_before"] == {"amount": "3000.00", "currency": "GBP"}
    assert decision["reasons"][0]["text"] == REASONS["OVERDUE_TOO_OLD"]
    assert len(decision["fingerprint"]) == 64


def test_check_against_the_sample_uses_its_end_date_and_synthetic_limits(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], sample_portfolio: sample.SamplePortfolio
) -> None:
    portfolio = sample_portfolio
    first = portfolio.ledger.customers[0]
    orders = write(
        tmp_path / "orders.csv",
        f"customer_id,order_id,amount,currency,prepaid\n{first.id},SO-1,1.00,{first.currency},no\n",
    )
    assert run([str(orders)]) == 0
    out = capsys.readouterr().out
    assert f"as of {portfolio.end.isoformat()}" in out
    assert "(synthetic limits: twice each customer's invoicing" in out


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("customer_id,order_id,amount\nC1,SO-1,1\n", "missing column currency;"),
        (
            "customer_id,order_id,amount,currency,prepaid\nC1,SO-1,1.5.0,EUR,no\n",
            "line 2, column amount: '1.5.0' is not a number",
        ),
        (
            "customer_id,order_id,amount,currency,prepaid\nC1,SO-1,1,EURO,no\n",
            "line 2, column currency: 'EURO' is not an ISO 4217 code",
        ),
        (
            "customer_id,order_id,amount,currency,prepaid\nC1,SO-1,1,EUR,maybe\n",
            "line 2, column prepaid: 'maybe' is not true or false",
        ),
        (
            "customer_id,order_id,amount,currency,prepaid\nC1,SO-1,1,EUR,no\nC1,SO-1,2,EUR,no\n",
            "line 3, column order_id: 'SO-1' is already on line 2",
        ),
        (
            "customer_id,order_id,amount,currency,prepaid\n,SO-1,1,EUR,no\n",
            "line 2, column customer_id: empty",
        ),
        (
            "customer_id,order_id,amount,currency,prepaid,order_date\nC1,SO-1,1,EUR,no,1.11.2026\n",
            "line 2, column order_date: '1.11.2026' is not a date",
        ),
        (
            "customer_id,order_id,amount,currency,order_date,ordered_on\nC1,SO-1,1,EUR,,\n",
            "has both columns order_date and ordered_on",
        ),
    ],
)
def test_bad_order_files_are_reported_with_the_line(
    tmp_path: Path, ledger_dir: Path, text: str, message: str
) -> None:
    orders = write(tmp_path / "orders.csv", text)
    limits = write(tmp_path / "limits.csv", "customer_id,amount,currency\nC1,10000.00,EUR\n")
    with pytest.raises(CredkitError) as caught:
        run(
            [
                str(orders),
                "--ledger",
                str(ledger_dir),
                "--limits",
                str(limits),
                "--as-of",
                "2026-11-02",
            ]
        )
    assert message in str(caught.value)


def test_orders_that_cannot_be_checked_are_reported_by_line_and_the_others_checked(
    tmp_path: Path, ledger_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    orders = write(
        tmp_path / "orders.csv",
        "customer_id,order_id,amount,currency\nC1,SO-1,1,GBP\nC9,SO-2,1,EUR\nC1,SO-3,1,EUR\n",
    )
    limits = write(tmp_path / "limits.csv", "customer_id,amount,currency\nC1,10000.00,EUR\n")
    argv = [str(orders), "--ledger", str(ledger_dir), "--limits", str(limits)]
    assert run([*argv, "--as-of", "2026-11-02"]) == 2
    captured = capsys.readouterr()
    errors = captured.err.splitlines()
    assert errors[0].startswith(f"credkit: error: {orders}, line 2: order 'SO-1': order.amount: ")
    assert "1 GBP is not in the profile's currency EUR" in errors[0]
    assert errors[1] == (
        f"credkit: error: {orders}, line 3: order 'SO-2': customer_id: unknown customer 'C9'"
    )
    assert "SO-3" in captured.out
    assert captured.out.rstrip().endswith(
        "1 order: 1 approved, 0 held, 0 rejected; 2 not checked (see the errors)"
    )
    assert run([*argv, "--as-of", "2026-11-02", "--format", "json", "--no-fail-on-hold"]) == 2
    document = json.loads(capsys.readouterr().out)
    assert [d["order_id"] for d in document["decisions"]] == ["SO-3"]
    assert [(e["line"], e["order_id"]) for e in document["errors"]] == [(2, "SO-1"), (3, "SO-2")]
    assert document["counts"]["not_checked"] == 2


def test_prepaid_and_the_date_column_are_optional_and_ordered_on_is_read(
    tmp_path: Path, ledger_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # the orders.csv that ``credkit sample`` writes: no prepaid, the date in ordered_on
    orders = write(
        tmp_path / "orders.csv",
        "order_id,customer_id,amount,currency,ordered_on\nSO-1,C1,100.00,EUR,2026-10-30\n",
    )
    limits = write(tmp_path / "limits.csv", "customer_id,amount,currency\nC1,10000.00,EUR\n")
    argv = [str(orders), "--ledger", str(ledger_dir), "--limits", str(limits)]
    assert run([*argv, "--as-of", "2026-11-02", "--format", "json"]) == 0
    [decision] = json.loads(capsys.readouterr().out)["decisions"]
    assert (decision["order_date"], decision["outcome"]) == ("2026-10-30", "approve")
    assert check_command.read_orders(orders, as_of=datetime.date(2026, 11, 2))[0].prepaid is False


def test_a_ledger_of_ones_own_needs_its_limits(tmp_path: Path, ledger_dir: Path) -> None:
    orders = write(tmp_path / "orders.csv", "customer_id,order_id,amount,currency\nC1,SO-1,1,EUR\n")
    with pytest.raises(ValidationError, match=r"^--limits: checking the ledger of --ledger needs"):
        run([str(orders), "--ledger", str(ledger_dir), "--as-of", "2026-11-02"])


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--dry-run"], "--dry-run: only with --url"),
        (["--prefix", "x_"], "--prefix: only with --url"),
        (["--user", "ana"], "--user: only with --url"),
        (["--url", "sqlite:///x.db"], "--as-of: required with --url"),
        (["--url", "sqlite:///x.db", "--as-of", "2026-11-02", "--user", " "], "--user: empty"),
        (
            ["--url", "sqlite:///x.db", "--as-of", "2026-11-02", "--ledger", "."],
            "--ledger: not with --url",
        ),
        (
            ["--url", "sqlite:///x.db", "--as-of", "2026-11-02", "--limits", "l.csv"],
            "--limits: not with --url",
        ),
    ],
)
def test_options_of_the_two_modes_are_not_mixed(
    tmp_path: Path, options: list[str], message: str
) -> None:
    orders = write(tmp_path / "orders.csv", "customer_id,order_id,amount,currency\n")
    with pytest.raises(ValidationError, match=f"^{message}"):
        run([str(orders), *options])


def test_limits_with_a_history_give_each_customer_its_limit_in_force(
    tmp_path: Path, ledger_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # the limits.csv of ``credkit sample``: limits over time, of two kinds
    limits = write(
        tmp_path / "limits.csv",
        "customer_id,amount,currency,valid_from,valid_to,kind\n"
        "C1,5000,EUR,2025-01-01,,internal\n"
        "C1,9000,EUR,2026-10-01,2026-10-31,internal\n"
        "C1,50000,EUR,2026-01-01,,insured\n",
    )
    orders = write(tmp_path / "orders.csv", "customer_id,order_id,amount,currency\nC1,SO-1,1,EUR\n")
    argv = [str(orders), "--ledger", str(ledger_dir), "--limits", str(limits), "--format", "json"]
    run([*argv, "--as-of", "2026-10-15"])
    [decision] = json.loads(capsys.readouterr().out)["decisions"]
    # the temporary 9,000 - 8,000 open
    assert decision["available_before"] == {"amount": "1000.00", "currency": "EUR"}
    run([*argv, "--as-of", "2026-11-02"])
    [decision] = json.loads(capsys.readouterr().out)["decisions"]
    # the base 5,000 again
    assert decision["available_before"] == {"amount": "-3000.00", "currency": "EUR"}


def test_bad_limit_files_are_reported_with_the_line(tmp_path: Path, ledger_dir: Path) -> None:
    orders = write(tmp_path / "orders.csv", "customer_id,order_id,amount,currency,prepaid\n")
    limits = write(tmp_path / "limits.csv", "customer_id,amount,currency\nC1,10,EUR\nC1,20,EUR\n")
    with pytest.raises(ValidationError, match=r"line 3, column customer_id: 'C1' has a limit"):
        run([str(orders), "--ledger", str(ledger_dir), "--limits", str(limits)])
    good = write(tmp_path / "good.csv", "customer_id,amount,currency\nC1,10,EUR\n")
    with pytest.raises(ValidationError, match=r"cannot read"):
        run([str(tmp_path / "missing.csv"), "--ledger", str(ledger_dir), "--limits", str(good)])


def test_synthetic_limit_rounds_up_to_a_thousand_and_is_at_least_a_thousand() -> None:
    ledger = Ledger(
        customers=[Customer("C1", "Acme", country="DE", currency="EUR")],
        invoices=[
            Invoice(
                "I1",
                "C1",
                datetime.date(2026, 9, 1),
                datetime.date(2026, 10, 1),
                Money.of("5000.00", "EUR"),
            ),
            Invoice(
                "I2",
                "C1",
                datetime.date(2026, 11, 2),
                datetime.date(2026, 12, 2),
                Money.of("500.01", "EUR"),
            ),
        ],
    )
    # 1 September is 90 days before 30 November: outside the window
    assert check_command.synthetic_limit(ledger, "C1", as_of=datetime.date(2026, 11, 30)) == (
        Money.of(2000, "EUR")
    )
    assert check_command.synthetic_limit(ledger, "C1", as_of=datetime.date(2026, 12, 1)) == (
        Money.of(2000, "EUR")
    )
    assert check_command.synthetic_limit(ledger, "C1", as_of=datetime.date(2026, 8, 1)) == (
        Money.of(1000, "EUR")
    )


def test_demo_section_shows_approvals_holds_and_reasons(
    sample_portfolio: sample.SamplePortfolio,
) -> None:
    text = check_command.demo_section(sample_portfolio)
    lines = text.splitlines()
    assert (
        lines[0]
        == "Today's orders: credit check as of 2026-11-30, policy credkit-default version 1"
    )
    assert "synthetic limits" in lines[1]
    assert "orders are synthetic" in lines[2]
    assert "APPROVE" in text
    assert "HOLD" in text
    assert "LIMIT_EXCEEDED" in text
    assert "PREPAID" in text
    assert "REDUCES_EXPOSURE" in text
    assert lines[-1].startswith("6 orders: ")
    assert text == check_command.demo_section(sample.generate())  # deterministic


def test_demo_section_copes_with_a_tiny_portfolio() -> None:
    text = check_command.demo_section(sample.generate(seed=3, customers=1))
    assert text.splitlines()[-1] == "1 order: 1 approved, 0 held, 0 rejected"


def test_limits_in_another_currency_convert_the_ledger_with_rates(
    tmp_path: Path, ledger_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    orders = write(
        tmp_path / "orders.csv",
        "customer_id,order_id,amount,currency,prepaid\nC1,SO-1,100,USD,no\n",
    )
    limits = write(tmp_path / "limits.csv", "customer_id,amount,currency\nC1,20000,USD\n")
    rates = write(tmp_path / "rates.csv", "valid_from,base,quote,rate\n2026-10-01,EUR,USD,1.25\n")
    common = [str(orders), "--ledger", str(ledger_dir), "--limits", str(limits)]
    assert run([*common, "--as-of", "2026-11-02"]) == 2  # the order could not be checked
    assert "open items include 8000.00 EUR" in capsys.readouterr().err
    assert run([*common, "--rates", str(rates), "--as-of", "2026-11-02", "--format", "json"]) == 0
    [decision] = json.loads(capsys.readouterr().out)["decisions"]
    assert decision["outcome"] == "approve"
    # 20,000 USD - 8,000 EUR x 1.25
    assert decision["available_before"] == {"amount": "10000.00", "currency": "USD"}
