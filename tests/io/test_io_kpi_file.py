"""Period KPIs straight from a CSV export (issue 20): both engines, one answer.

A differential test: hypothesis writes small exports of invoices with a settled-date
column (the generator of ``test_io_behaviour_file``: several customers and currencies,
amounts written with fewer decimals than the currency has, open invoices, blank lines,
CRLF endings, columns in any order, now and then one awkward but valid line or one bad
line) and :func:`~credkit.io.kpis_from_file` on the pure path (which sums a block of
columns at a time) and on the polars engine must give ``kpis(InvoiceHistory(
read_invoices(...), read_settlements(...)))``, every figure and every reason for an
undefined KPI, written alike, or the same error, for one period or several; clean files
must be summed by polars itself, and every readable file by the pure path's sums.
"""

from __future__ import annotations

import json
import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.io.conftest import HAVE_POLARS, needs_polars, outcome
from tests.io.test_io_behaviour_file import (
    AS_OF,
    AWKWARD,
    BAD,
    COLUMNS,
    DEFAULTED,
    MAPPING,
    big_history,
    histories,
    write,
)

from credkit.cli import main
from credkit.errors import ValidationError
from credkit.fx import Rate, RateTable
from credkit.io import ColumnMapping, kpis_from_file, read_invoices, read_settlements
from credkit.io.kpi import _reports_from_file, _sums_from_file
from credkit.kpi import InvoiceHistory, KPIFigures, KPIReport, kpis

TWISTS = sorted({**AWKWARD, **BAD})


def shown(report: KPIReport) -> list[Any]:
    """Every figure of the report as text (12.50 is not 12.5), reasons included."""
    return [
        [str(getattr(f, field.name)) for field in attrs.fields(KPIFigures)] for f in report.figures
    ] + [{key: str(value) for key, value in row.items()} for row in report.to_rows()]


def summed_by_polars(path: Path, mapping: ColumnMapping, start: date, end: date) -> bool:
    """Whether the engine summed ``path`` itself (rather than handing it back)."""
    from credkit.io._polars_kpi import kpi_sums_polars

    return kpi_sums_polars(path, mapping=mapping, periods=[(start, end)]) is not None


def summed_by_the_pure_path(path: Path, mapping: ColumnMapping, start: date, end: date) -> bool:
    """Whether the pure path summed ``path`` a block of columns at a time (rather than
    reading records, as it does only to convert or for totals of 28 digits or more)."""
    return _sums_from_file(path, mapping, [(start, end)]) is not None


@pytest.mark.parametrize("kind", [None, *TWISTS])
@settings(max_examples=20, deadline=None)
@given(data=st.data(), mapping=st.sampled_from([MAPPING, DEFAULTED]), crlf=st.booleans())
def test_both_engines_give_the_kpis_of_the_records(
    kind: str | None, data: st.DataObject, mapping: ColumnMapping, crlf: bool
) -> None:
    rows = data.draw(histories(mapping))
    order = data.draw(st.permutations(range(len(COLUMNS))))
    start = AS_OF - timedelta(days=data.draw(st.integers(0, 1000)))
    end = start + timedelta(days=data.draw(st.sampled_from([0, 1, 27, 30, 89, 364])))
    twist = None
    if rows and kind is not None:
        twist = (kind, {**AWKWARD, **BAD}[kind], data.draw(st.integers(0, len(rows) - 1)))
    if mapping.delimiter == ";" and kind == "grouped":
        twist = None  # "1,234.00" reads as an amount only with the decimal point
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory, "history.csv")
        write(path, rows, mapping, list(order), crlf, twist)
        expected = outcome(
            lambda: kpis(
                InvoiceHistory(
                    read_invoices(path, mapping=mapping), read_settlements(path, mapping=mapping)
                ),
                period_start=start,
                period_end=end,
            )
        )
        engines = ["python", "polars"] if HAVE_POLARS else ["python"]
        for engine in engines:
            found = outcome(
                lambda e=engine: kpis_from_file(
                    path, mapping=mapping, period_start=start, period_end=end, engine=e
                )
            )
            assert found == expected, engine
            if isinstance(expected, KPIReport):
                assert shown(found) == shown(expected), engine
        if isinstance(expected, KPIReport):
            # the pure path summed the file itself, without a record per line
            assert summed_by_the_pure_path(path, mapping, start, end)
        # several periods from one reading (credkit kpi --monthly): each as kpis() gives it
        other = (start - timedelta(days=40), start - timedelta(days=1))
        for engine in engines:
            series = outcome(
                lambda e=engine: _reports_from_file(
                    path,
                    mapping=mapping,
                    periods=[(start, end), other],
                    currency=None,
                    rates=None,
                    engine=e,
                )
            )
            if not isinstance(expected, KPIReport):
                assert series == expected, engine
                continue
            history = InvoiceHistory(
                read_invoices(path, mapping=mapping), read_settlements(path, mapping=mapping)
            )
            wanted = [kpis(history, period_start=a, period_end=b) for a, b in [(start, end), other]]
            assert list(map(shown, series)) == list(map(shown, wanted)), engine
        if HAVE_POLARS and twist is None:
            assert summed_by_polars(path, mapping, start, end), "a clean file went to the pure path"


BAD_LINES = {
    "bad date": "I99,C1,2026-02-30,2026-03-30,10.00,EUR,",
    "bad amount": "I99,C1,2026-02-01,2026-03-03,10.0.0,EUR,",
    "duplicate id": "I500,C1,2026-02-01,2026-03-03,10.00,EUR,",
}


@pytest.mark.parametrize("engine", ["python", pytest.param("polars", marks=needs_polars)])
@pytest.mark.parametrize("bad", sorted(BAD_LINES))
def test_a_bad_line_gives_the_error_of_the_readers(tmp_path: Path, engine: str, bad: str) -> None:
    path = tmp_path / "history.csv"
    mapping = ColumnMapping(settled_on="paid")
    big_history(path, 3000, bad={2500: BAD_LINES[bad]})
    with pytest.raises(ValidationError) as expected:
        InvoiceHistory(
            read_invoices(path, mapping=mapping), read_settlements(path, mapping=mapping)
        )
    with pytest.raises(ValidationError) as found:
        kpis_from_file(
            path,
            mapping=mapping,
            period_start=date(2025, 6, 1),
            period_end=date(2025, 6, 30),
            engine=engine,  # type: ignore[arg-type]
        )
    assert str(found.value) == str(expected.value)
    assert "line 2500" in str(found.value)


def test_two_bad_lines_give_the_error_of_read_invoices_first(tmp_path: Path) -> None:
    """The records' route reads every invoice before any settled date: a bad amount
    far into the file is its error even after an earlier bad settled date."""
    path = tmp_path / "history.csv"
    mapping = ColumnMapping(settled_on="paid")
    early = "I700,C1,2025-02-01,2025-03-03,10.00,EUR,2025-02-30"
    big_history(path, 3000, bad={700: early, 2500: BAD_LINES["bad amount"]})
    period = {"period_start": date(2025, 6, 1), "period_end": date(2025, 6, 30)}
    with pytest.raises(ValidationError) as found:
        kpis_from_file(path, mapping=mapping, **period)
    with pytest.raises(ValidationError) as expected:
        InvoiceHistory(
            read_invoices(path, mapping=mapping), read_settlements(path, mapping=mapping)
        )
    assert str(found.value) == str(expected.value)
    assert "line 2500, column amount" in str(found.value)
    big_history(path, 3000, bad={700: early})
    with pytest.raises(ValidationError) as settled:
        kpis_from_file(path, mapping=mapping, **period)
    with pytest.raises(ValidationError) as expected:
        read_settlements(path, mapping=mapping)  # read_invoices reads every line
    assert str(settled.value) == str(expected.value)
    assert "line 700, column paid" in str(settled.value)


def test_a_reporting_currency_converts_as_kpis_does(tmp_path: Path) -> None:
    path = tmp_path / "history.csv"
    mapping = ColumnMapping(settled_on="paid")
    big_history(path, 500)
    text = path.read_text(encoding="utf-8").replace(",EUR,", ",USD,", 100)
    path.write_text(text, encoding="utf-8")
    rates = RateTable([Rate("EUR", "USD", date(2024, 1, 1), "1.0898")])
    period = {"period_start": date(2025, 4, 1), "period_end": date(2025, 6, 30)}
    history = InvoiceHistory(
        read_invoices(path, mapping=mapping), read_settlements(path, mapping=mapping)
    )
    expected = kpis(history, currency="EUR", rates=rates, **period)
    found = kpis_from_file(path, mapping=mapping, currency="EUR", rates=rates, **period)
    assert found.currency == "EUR"
    assert shown(found) == shown(expected)


@pytest.mark.parametrize("engine", ["python", pytest.param("polars", marks=needs_polars)])
def test_amounts_written_finer_than_the_currency_keep_every_cent(
    tmp_path: Path, engine: str
) -> None:
    # 12.500 EUR and 7.0 JPY are exact amounts written with more decimals than the
    # currency has; their totals keep those decimals, as Decimal additions do
    path = tmp_path / "history.csv"
    path.write_text(
        "id,customer_id,issue_date,due_date,amount,currency,paid\n"
        "I1,C1,2026-09-05,2026-10-05,12.500,EUR,2026-10-20\n"
        "I2,C1,2026-10-05,2026-11-04,3.25,EUR,\n"
        "I3,C2,2026-10-06,2026-11-05,100,JPY,\n"
        "I4,C2,2026-10-07,2026-11-05,7.0,JPY,\n",
        encoding="utf-8",
    )
    mapping = ColumnMapping(settled_on="paid")
    period = {"period_start": date(2026, 9, 1), "period_end": date(2026, 11, 30)}
    history = InvoiceHistory(
        read_invoices(path, mapping=mapping), read_settlements(path, mapping=mapping)
    )
    found = kpis_from_file(path, mapping=mapping, engine=engine, **period)
    assert str(found["EUR"].credit_sales.amount) == "15.750"
    assert str(found["JPY"].ending_ar.amount) == "107.0"
    assert shown(found) == shown(kpis(history, **period))


@needs_polars
def test_the_engine_refuses_what_it_does_not_implement(tmp_path: Path) -> None:
    path = tmp_path / "history.csv"
    big_history(path, 10)
    period = {"period_start": date(2025, 1, 1), "period_end": date(2025, 1, 31)}
    with pytest.raises(
        ValidationError, match="engine: engine='polars' does not support converting"
    ):
        kpis_from_file(
            path,
            mapping=ColumnMapping(settled_on="paid"),
            currency="EUR",
            engine="polars",
            **period,
        )
    with pytest.raises(ValidationError, match="engine='polars' does not support date_format"):
        kpis_from_file(
            path,
            mapping=ColumnMapping(settled_on="paid", date_format="%d.%m.%Y"),
            engine="polars",
            **period,
        )
    with pytest.raises(ValidationError, match="engine: expected 'python' or 'polars'"):
        kpis_from_file(
            path,
            mapping=ColumnMapping(settled_on="paid"),
            engine="spark",
            **period,  # type: ignore[arg-type]
        )


@pytest.mark.parametrize("monthly", [0, 4])
@needs_polars
def test_credkit_kpi_engine_polars_prints_the_same(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monthly: int
) -> None:
    path = tmp_path / "history.csv"
    big_history(path, 2000)
    (tmp_path / "mapping.toml").write_text('settled_on = "paid"\n', encoding="utf-8")
    command = ["kpi", str(path), "--from", "2025-04-01", "--to", "2025-06-30"]
    command += ["--mapping", str(tmp_path / "mapping.toml"), "--monthly", str(monthly)]
    printed: dict[str, list[str]] = {}
    for engine in ("python", "polars"):
        for format in ("json", "table", "csv"):
            assert main([*command, "--format", format, "--engine", engine]) == 0
            printed.setdefault(engine, []).append(capsys.readouterr().out)
    assert printed["python"] == printed["polars"]
    document = json.loads(printed["polars"][0])
    assert document["figures"][0]["dso"] is not None
    assert len(document["monthly"]) == monthly


@needs_polars
def test_credkit_kpi_engine_polars_refuses_a_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from credkit.io import write_ledger
    from credkit.ledger import Ledger

    write_ledger(Ledger(), tmp_path / "book")
    code = main(
        [
            "kpi",
            str(tmp_path / "book"),
            "--from",
            "2025-01-01",
            "--to",
            "2025-01-31",
            "--engine",
            "polars",
        ]
    )
    assert code != 0
    assert "--engine: polars" in capsys.readouterr().err
