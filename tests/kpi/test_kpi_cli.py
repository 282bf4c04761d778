"""Tests for the ``credkit kpi`` and ``credkit behaviour`` commands."""

from __future__ import annotations

import argparse
import datetime
import json
import random
import sys
from decimal import Decimal
from io import BytesIO, TextIOWrapper
from pathlib import Path

import pytest

from credkit import io, sample
from credkit.cli import behaviour as behaviour_command
from credkit.cli import kpi as kpi_command
from credkit.cli import main
from credkit.errors import CredkitError, ValidationError
from credkit.kpi import InvoiceHistory, PaymentBehaviour, kpis, payment_behaviour
from credkit.ledger import Settlement

HISTORY = """id,customer_id,issue_date,due_date,amount,currency,settled_on
I1,C1,2026-01-05,2026-02-04,100.00,EUR,2026-02-04
I2,C1,2026-02-05,2026-03-07,300.00,EUR,2026-03-22
I3,C1,2026-03-01,2026-03-31,600.00,EUR,2026-03-21
I4,C2,2026-01-10,2026-02-09,50.00,USD,2026-04-10
I5,C2,2026-03-10,2026-04-09,80.00,USD,
"""


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="credkit")
    commands = parser.add_subparsers()
    kpi_command.add_parser(commands)
    behaviour_command.add_parser(commands)
    args = parser.parse_args(argv)
    status: int = args.func(args)
    return status


@pytest.fixture(scope="module")
def portfolio() -> sample.SamplePortfolio:
    return sample.generate(seed=5, customers=25)


@pytest.fixture
def ledger_dir(tmp_path: Path, portfolio: sample.SamplePortfolio) -> Path:
    io.write_ledger(portfolio.ledger, tmp_path / "ledger")
    return tmp_path / "ledger"


@pytest.fixture
def history(tmp_path: Path) -> Path:
    path = tmp_path / "history.csv"
    path.write_text(HISTORY, encoding="utf-8")
    return path


def test_kpi_command_on_a_ledger_directory(
    ledger_dir: Path, portfolio: sample.SamplePortfolio, capsys: pytest.CaptureFixture[str]
) -> None:
    end = portfolio.end
    start = end.replace(day=1)
    assert run("kpi", str(ledger_dir), "--from", start.isoformat(), "--to", end.isoformat()) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Receivables KPIs {start.isoformat()} to {end.isoformat()}")
    report = kpis(portfolio.ledger, period_start=start, period_end=end)
    header = out.splitlines()[1].split()
    assert header == list(report.currencies)
    dso_line = next(line for line in out.splitlines() if line.startswith("DSO, simple"))
    first = report.figures[0].dso
    assert first is not None
    assert dso_line.split()[3] == f"{first:.1f}"


def test_kpi_command_json_with_monthly_trend(
    ledger_dir: Path, portfolio: sample.SamplePortfolio, capsys: pytest.CaptureFixture[str]
) -> None:
    end = portfolio.end
    assert (
        run(
            "kpi",
            str(ledger_dir),
            "--from",
            "2026-01-01",
            "--to",
            end.isoformat(),
            "--monthly",
            "3",
            "--format",
            "json",
        )
        == 0
    )
    document = json.loads(capsys.readouterr().out)
    report = kpis(portfolio.ledger, period_start=datetime.date(2026, 1, 1), period_end=end)
    assert [f["currency"] for f in document["figures"]] == list(report.currencies)
    first = document["figures"][0]
    assert Decimal(first["dso"]) == report.figures[0].dso
    assert first["ending_ar"]["amount"] == str(report.figures[0].ending_ar.amount)
    assert len(document["monthly"]) == 3


def test_kpi_command_on_an_invoice_history(
    history: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("kpi", str(history), "--from", "2026-01-01", "--to", "2026-03-31") == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[1].split() == ["EUR", "USD"]
    # EUR: nothing open on 31 March (I1, I2, I3 settled); USD: I4 (settled in April)
    # and I5 are open
    ending = next(line for line in lines if line.startswith("Ending AR"))
    assert ending.split()[-2:] == ["0.00", "130.00"]
    assert "bad_debt_ratio: written_off: not known" in out


def test_kpi_command_conversion_needs_both_options(
    ledger_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(ValidationError, match="--currency and --rates go together"):
        run(
            "kpi",
            str(ledger_dir),
            "--from",
            "2026-01-01",
            "--to",
            "2026-01-31",
            "--currency",
            "EUR",
        )


def test_kpi_command_with_rates(
    tmp_path: Path, history: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rates = tmp_path / "rates.csv"
    rates.write_text("valid_from,base,quote,rate\n2025-12-01,EUR,USD,1.25\n", encoding="utf-8")
    status = run(
        "kpi",
        str(history),
        "--from",
        "2026-01-01",
        "--to",
        "2026-03-31",
        "--currency",
        "EUR",
        "--rates",
        str(rates),
    )
    assert status == 0
    out = capsys.readouterr().out
    assert "in EUR" in out.splitlines()[0]
    ending = next(line for line in out.splitlines() if line.startswith("Ending AR"))
    assert ending.split()[-1] == "104.00"  # 130 USD / 1.25


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("kpi", "/nonexistent/x", "--from", "2026-01-01", "--to", "2026-01-31"), "PATH: "),
        (
            ("kpi", "{dir}", "--from", "2026-01-01", "--to", "2026-01-31", "--mapping", "m.toml"),
            "--mapping: applies to a single CSV export",
        ),
        (
            ("kpi", "{dir}", "--from", "2026-01-01", "--to", "2026-01-31", "--monthly", "-1"),
            "--monthly: must be zero or more",
        ),
        (("behaviour", "/nonexistent/x"), "FILE: "),
        (("behaviour", "{dir}", "--top", "-1"), "--top: must be zero or more"),
    ],
)
def test_command_errors(ledger_dir: Path, argv: tuple[str, ...], message: str) -> None:
    with pytest.raises(CredkitError, match=message):
        run(*(a.replace("{dir}", str(ledger_dir)) for a in argv))


def test_bad_dates_are_refused_by_the_parser(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        run("kpi", ".", "--from", "31.01.2026", "--to", "2026-01-31")
    assert "expected YYYY-MM-DD" in capsys.readouterr().err


def test_behaviour_command_on_a_history_file(
    history: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("behaviour", str(history), "--min-invoices", "1") == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].startswith("Payment behaviour as of 2026-04-10")  # latest settlement
    c1 = next(line for line in lines if line.startswith("C1 "))
    # I1 on time, I2 15 days late, I3 10 days early: 3 invoices, index 80 x 100 +
    # 70 x 300 + 85 x 600 over 1000 = 80.0
    assert c1.split()[:3] == ["C1", "EUR", "3"]
    assert c1.split()[8] == "80.0"
    assert "Payment deteriorated most" in out


def test_behaviour_command_csv_matches_the_library(
    history: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("behaviour", str(history), "--as-of", "2026-03-31", "--format", "csv") == 0
    rows = capsys.readouterr().out.splitlines()
    assert rows[0].startswith("customer_id,status,currency,invoices")
    settlements = io.read_settlements(history, mapping=io.ColumnMapping(settled_on="settled_on"))
    expected = payment_behaviour(settlements, as_of=datetime.date(2026, 3, 31))
    c1 = expected["C1"]
    assert isinstance(c1, PaymentBehaviour)
    assert rows[1].split(",")[:4] == ["C1", "ok", "EUR", "3"]
    assert Decimal(rows[1].split(",")[10]) == c1.payment_index
    # C2's only settlement is after the as-of date
    assert rows[2].split(",")[:4] == ["C2", "insufficient_data", "", "0"]


def test_behaviour_command_with_a_mapping(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = tmp_path / "export.csv"
    export.write_text(
        "Beleg;Kunde;Datum;Fällig;Betrag;Währung;Bezahlt\n"
        "R1;K1;05.01.2026;04.02.2026;1.000,00;EUR;14.02.2026\n"
        "R2;K1;05.02.2026;07.03.2026;500,00;EUR;07.03.2026\n"
        "R3;K1;05.03.2026;04.04.2026;700,00;EUR;\n",
        encoding="utf-8",
    )
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(
        'document_id = "Beleg"\ncustomer_id = "Kunde"\nissue_date = "Datum"\n'
        'due_date = "Fällig"\namount = "Betrag"\ncurrency = "Währung"\n'
        'settled_on = "Bezahlt"\ndate_format = "%d.%m.%Y"\n'
        'decimal_separator = ","\ndelimiter = ";"\n',
        encoding="utf-8",
    )
    status = run(
        "behaviour", str(export), "--mapping", str(mapping), "--min-invoices", "2", "--top", "0"
    )
    assert status == 0
    out = capsys.readouterr().out
    k1 = next(line for line in out.splitlines() if line.startswith("K1 "))
    # 1000 paid 10 days late, 500 on time: weighted DBT 10 x 1000 / 1500 = 6.7
    assert k1.split()[5] == "6.7"
    assert "deteriorated" not in out


def test_behaviour_command_on_a_ledger_directory(
    ledger_dir: Path, portfolio: sample.SamplePortfolio, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("behaviour", str(ledger_dir), "--as-of", portfolio.end.isoformat()) == 0
    out = capsys.readouterr().out
    for customer in portfolio.ledger.customers:
        assert any(line.startswith(customer.id + " ") for line in out.splitlines())


def test_invoice_history_checks_its_records() -> None:
    with pytest.raises(ValidationError, match=r"invoices\[0\]: expected a credkit.ledger.Invoice"):
        InvoiceHistory(["x"])  # type: ignore[list-item]


# -- the file path: figures straight from the file, either engine (issue 20) ---------------

try:
    import polars  # noqa: F401
except ImportError:  # pragma: no cover - CI installs the extra
    HAVE_POLARS = False
else:
    HAVE_POLARS = True

ENGINES = (
    "python",
    pytest.param(
        "polars",
        marks=pytest.mark.skipif(not HAVE_POLARS, reason="polars is not installed here"),
    ),
)


def history_lines(lines: int, *, quoted: bool = False) -> str:
    """A payment history over three years: open invoices, settlements before the window
    and after the latest as-of date used below, several customers and currencies."""
    rng = random.Random(20)
    start = datetime.date(2024, 1, 1).toordinal()
    rows = ["id,customer_id,issue_date,due_date,amount,currency,settled_on"]
    for number in range(1, lines + 1):
        customer = rng.randrange(1, 30)
        currency = ("EUR", "USD", "JPY")[customer % 3]
        issued = start + rng.randrange(0, 900)
        due = issued + rng.choice((14, 30, 60))
        settled = max(issued, due + rng.randrange(-15, 40))
        paid = "" if rng.random() < 0.1 else datetime.date.fromordinal(settled).isoformat()
        cents = rng.randrange(1, 10**6)
        amount = str(cents) if currency == "JPY" else f"{cents // 100}.{cents % 100:02d}"
        day = datetime.date.fromordinal
        cells = [f"I{number}", f"C{customer:02d}", day(issued).isoformat()]
        cells += [day(due).isoformat(), amount, currency, paid]
        if quoted and number % 50 == 0:
            cells[0] = f'"{cells[0]}"'
        rows.append(",".join(cells))
        if quoted and number % 70 == 0:
            rows.append("")
    return "\n".join(rows) + "\n"


def record_output(path: Path, *argv: str, as_of: datetime.date | None = None) -> str:
    """What the command printed when it built a record per line (before issue 20)."""
    history_read = io.read_payment_history(path, mapping=io.ColumnMapping(settled_on="settled_on"))
    settlements = history_read.settlements
    day = as_of or max(s.settled_on for s in settlements)
    results = payment_behaviour(settlements, as_of=day, min_invoices=2)
    excluded = behaviour_command.exclusions(
        settlements, history_read.open_lines, as_of=day, window_months=24
    )
    return behaviour_command.render(results, as_of=day, format="json", excluded=excluded) + "\n"


@pytest.mark.parametrize("quoted", [False, True], ids=["plain", "quoted-and-blank-lines"])
@pytest.mark.parametrize("as_of", [None, "2026-02-28"])
def test_behaviour_command_json_is_the_same_for_both_engines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], quoted: bool, as_of: str | None
) -> None:
    path = tmp_path / "history.csv"
    path.write_text(history_lines(1500, quoted=quoted), encoding="utf-8")
    options = ["--min-invoices", "2", "--format", "json"]
    options += [] if as_of is None else ["--as-of", as_of]
    printed = {}
    for engine in ("python", "polars") if HAVE_POLARS else ("python",):
        assert run("behaviour", str(path), *options, "--engine", engine) == 0
        printed[engine] = capsys.readouterr().out
    day = None if as_of is None else datetime.date.fromisoformat(as_of)
    expected = record_output(path, as_of=day)
    assert printed["python"] == expected
    if HAVE_POLARS:
        assert printed["polars"] == expected
    reasons = {e["reason"] for e in json.loads(expected)["excluded"]}
    assert reasons == ({"open", "before_window"} | ({"after_as_of"} if as_of else set()))


def sample_history(folder: Path, *, quoted: bool = False) -> tuple[Path, str]:
    """A small history file, and the JSON the command printed for it before issue 20."""
    path = folder / "history.csv"
    path.write_text(history_lines(300, quoted=quoted), encoding="utf-8")
    return path, record_output(path)


@pytest.mark.parametrize("engine", ENGINES)
def test_behaviour_command_builds_no_settlement_records_from_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, engine: str
) -> None:
    path, expected = sample_history(tmp_path)

    def no_records(*args: object, **kwargs: object) -> None:
        raise AssertionError("the file path must not build Settlement records")

    for name in ("read_payment_history", "read_settlements"):
        monkeypatch.setattr(f"credkit.io.erp.{name}", no_records)
        monkeypatch.setattr(f"credkit.io.{name}", no_records)
    monkeypatch.setattr(Settlement, "__init__", no_records)
    argv = ("behaviour", str(path), "--min-invoices", "2", "--format", "json")
    assert run(*argv, "--engine", engine) == 0
    assert capsys.readouterr().out == expected


@pytest.mark.parametrize("engine", ENGINES)
def test_behaviour_command_reads_standard_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, engine: str
) -> None:
    path, expected = sample_history(tmp_path, quoted=True)
    stdin = TextIOWrapper(BytesIO(path.read_bytes()), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", stdin)
    argv = ["behaviour", "-", "--min-invoices", "2", "--format", "json", "--engine", engine]
    assert main(argv) == 0
    assert capsys.readouterr().out == expected


def test_behaviour_command_engine_polars_without_polars(
    history: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "polars", None)  # import polars raises ImportError
    with pytest.raises(CredkitError, match=r"needs polars.*install the 'polars' extra"):
        run("behaviour", str(history), "--engine", "polars")


def test_behaviour_command_engine_polars_refuses_a_directory(ledger_dir: Path) -> None:
    with pytest.raises(ValidationError, match="--engine: polars analyses a payment-history"):
        run("behaviour", str(ledger_dir), "--as-of", "2026-03-31", "--engine", "polars")
