"""Payment behaviour straight from a payment-history file (issue 20): three ways, one answer.

A differential test: hypothesis writes small payment-history exports (several
customers and currencies with 0 and 2 decimals, amounts written with fewer decimals
than the currency has, open invoices, blank lines, CRLF endings, columns in any order,
and, now and then, one awkward but valid line or one bad line) and

* :func:`~credkit.io.read_payment_history` reading a block a column at a time must
  give what it gives reading every line one by one (the reference: the checks of each
  record), or the same error;
* :func:`~credkit.io.behaviour_from_file` on the pure path and on the polars engine
  must give, customer by customer, ``payment_behaviour(read_settlements(...))``, or
  the same error; clean files must be counted by polars itself.

polars is optional (the ``polars`` extra); without it the engine tests are skipped.
"""

from __future__ import annotations

import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.io.conftest import HAVE_POLARS, needs_polars, outcome

from credkit.cli import main
from credkit.errors import ValidationError
from credkit.io import (
    ColumnMapping,
    behaviour_from_file,
    behaviour_partial_from_file,
    read_payment_history,
    read_settlements,
)
from credkit.io.erp import _HistoryScan
from credkit.kpi import behaviour_records, payment_behaviour

AS_OF = date(2026, 3, 31)
COLUMNS = ("id", "customer_id", "issue_date", "due_date", "amount", "currency", "flag", "paid")
MAPPING = ColumnMapping(settled_on="paid", disputed="flag")
DEFAULTED = ColumnMapping(settled_on="paid", disputed="flag", default_currency="EUR", delimiter=";")
PLACES = {"EUR": 2, "USD": 2, "JPY": 0}


def by_lines() -> Any:
    """Read every block line by line (the reference of the column-wise reading)."""
    return mock.patch.object(_HistoryScan, "_columns", return_value=None)


@st.composite
def histories(draw: st.DrawFn, mapping: ColumnMapping) -> list[dict[str, str]]:
    rows = []
    customers = draw(st.lists(st.sampled_from(["C1", "C2", "C3", "K-9"]), min_size=1, max_size=3))
    for number in range(draw(st.integers(0, 30))):
        code = draw(st.sampled_from(sorted(PLACES)))
        places = PLACES[code]
        units = draw(st.integers(1, 10**8))
        whole, fraction = divmod(units, 10**places)
        amount = str(whole)
        if places and fraction:
            amount += f".{fraction:0{places}d}"
        elif places and draw(st.booleans()):
            amount += ".00"  # 12 and 12.00 are both exact
        issued = AS_OF - timedelta(days=draw(st.integers(0, 900)))
        due = issued + timedelta(days=draw(st.sampled_from([0, 14, 30, 60])))
        settled = issued + timedelta(days=draw(st.integers(0, 150)))
        rows.append(
            {
                "id": f"INV-{number}",
                "customer_id": draw(st.sampled_from(customers)),
                "issue_date": issued.isoformat(),
                "due_date": due.isoformat(),
                "amount": amount,
                "currency": ""
                if code == "EUR" and mapping.default_currency and draw(st.booleans())
                else code,
                "flag": draw(st.sampled_from(["", "no", "yes", "X"])),
                "paid": "" if draw(st.integers(0, 9)) == 0 else settled.isoformat(),
            }
        )
    return rows


AWKWARD = {
    "padded": lambda row: {**row, "customer_id": f" {row['customer_id']} "},
    "quoted": lambda row: {**row, "amount": f'"{row["amount"]}"'},
    "grouped": lambda row: {**row, "amount": '"1,234.00"', "currency": "EUR"},
    # exact, but written with more decimals than the currency has: 12.500 EUR, 7.0 JPY
    "trailing zeros": lambda row: {
        **row,
        "amount": row["amount"] + ("00" if "." in row["amount"] else ".0"),
    },
    "blank line": None,
}
BAD = {
    "due before issue": lambda row: {**row, "due_date": "2020-01-01"},
    "not a date": lambda row: {**row, "issue_date": "2026-02-30"},
    "paid before issue": lambda row: {**row, "paid": "2000-01-01"},
    "unknown currency": lambda row: {**row, "currency": "EURO"},
    "zero": lambda row: {**row, "amount": "0.00"},
    "negative": lambda row: {**row, "amount": "-5.00"},
    "too fine": lambda row: {**row, "amount": "1.5", "currency": "JPY"},
    "empty id": lambda row: {**row, "id": ""},
    "twice": "twice",
    "bad flag": lambda row: {**row, "flag": "maybe"},
    "short line": "short",
}


def write(
    path: Path,
    rows: list[dict[str, str]],
    mapping: ColumnMapping,
    order: list[int],
    crlf: bool,
    twist: tuple[str, Any, int] | None,
) -> None:
    names = [COLUMNS[i] for i in order]
    delimiter = mapping.delimiter
    lines = [delimiter.join(names)]
    for index, row in enumerate(rows):
        if twist is not None and twist[2] == index:
            change = twist[1]
            if change is None:
                lines.append("")
            elif change == "twice":
                row = {**row, "id": rows[0]["id"]} if index else row
            elif change == "short":
                lines.append(delimiter.join(row[n] for n in names[:-1]))
                continue
            else:
                row = change(row)
        lines.append(delimiter.join(row[n] for n in names))
    text = ("\r\n" if crlf else "\n").join(lines) + "\n"
    path.write_text(text, encoding="utf-8")


TWISTS = sorted({**AWKWARD, **BAD})


@pytest.mark.parametrize("kind", [None, *TWISTS])
@settings(max_examples=25, deadline=None)
@given(data=st.data(), mapping=st.sampled_from([MAPPING, DEFAULTED]), crlf=st.booleans())
def test_three_ways_give_one_answer(
    kind: str | None, data: st.DataObject, mapping: ColumnMapping, crlf: bool
) -> None:
    rows = data.draw(histories(mapping))
    order = data.draw(st.permutations(range(len(COLUMNS))))
    twist = None
    if rows and kind is not None:
        twist = (kind, {**AWKWARD, **BAD}[kind], data.draw(st.integers(0, len(rows) - 1)))
    if mapping.delimiter == ";" and kind == "grouped":
        twist = None  # "1,234.00" reads as an amount only with the decimal point
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory, "history.csv")
        write(path, rows, mapping, list(order), crlf, twist)
        history = outcome(lambda: read_payment_history(path, mapping=mapping))
        with by_lines():
            reference = outcome(lambda: read_payment_history(path, mapping=mapping))
        assert history == reference
        if not isinstance(reference, tuple):  # the amounts as written, too: 12.50, not 12.5
            assert [str(x.amount) for x in history.settlements] == [
                str(x.amount) for x in reference.settlements
            ]
        expected = outcome(
            lambda: payment_behaviour(
                read_settlements(path, mapping=mapping), as_of=AS_OF, min_invoices=1
            )
        )
        engines = ["python", "polars"] if HAVE_POLARS else ["python"]
        for engine in engines:
            found = outcome(
                lambda e=engine: behaviour_from_file(
                    path, as_of=AS_OF, mapping=mapping, min_invoices=1, engine=e
                )
            )
            assert found == expected, engine
            if isinstance(expected, dict):
                assert behaviour_records(found) == behaviour_records(expected)
                assert [str(v) for r in behaviour_records(found) for v in r.values()] == [
                    str(v) for r in behaviour_records(expected) for v in r.values()
                ]
        if HAVE_POLARS and twist is None:
            assert counted_by_polars(path, mapping), "a clean file went back to the pure path"


def counted_by_polars(path: Path, mapping: ColumnMapping) -> bool:
    """Whether the engine counted ``path`` itself (rather than handing it back)."""
    from credkit.io._polars_behaviour import behaviour_polars
    from credkit.kpi.behaviour import _bounds, _partial_options

    bounds = _bounds(AS_OF, 24, 3, 12)
    options = _partial_options(AS_OF, 24, 3, 12, None, None)
    return (
        behaviour_polars(
            path, bounds=bounds, mapping=mapping, currency=None, rates=None, options=options
        )
        is not None
    )


def big_history(path: Path, lines: int, *, bad: dict[int, str] | None = None) -> None:
    """``lines`` invoices of three customers; ``bad`` replaces some lines (by number)."""
    text = ["id,customer_id,issue_date,due_date,amount,currency,paid"]
    for n in range(2, lines + 2):
        day = date(2025, 1, 1) + timedelta(days=n % 400)
        paid = (day + timedelta(days=n % 70)).isoformat() if n % 11 else ""
        line = (
            f"I{n},C{n % 3},{day},{day + timedelta(days=30)},{n % 997 + 1}.{n % 100:02d},EUR,{paid}"
        )
        text.append((bad or {}).get(n, line))
    path.write_text("\n".join(text) + "\n", encoding="utf-8")


@pytest.mark.parametrize("engine", ["python", pytest.param("polars", marks=needs_polars)])
def test_many_blocks_and_an_error_far_into_the_file(tmp_path: Path, engine: str) -> None:
    """Over a hundred blocks of about 1,000 lines: the figures of the records, and an
    invoice repeated 9,000 lines later is the error of the record path, naming both lines."""
    path = tmp_path / "history.csv"
    mapping = ColumnMapping(settled_on="paid")
    big_history(path, 120_000)
    expected = payment_behaviour(read_settlements(path, mapping=mapping), as_of=AS_OF)
    assert behaviour_from_file(path, as_of=AS_OF, mapping=mapping, engine=engine) == expected  # type: ignore[arg-type]
    big_history(path, 120_000, bad={100_000: "I91000,C1,2025-01-01,2025-01-31,10.00,EUR,"})
    with pytest.raises(ValidationError) as error:
        behaviour_from_file(path, as_of=AS_OF, mapping=mapping, engine=engine)  # type: ignore[arg-type]
    assert str(error.value).endswith(
        "line 100000, column id: invoice 'I91000' is also on line 91000; give each invoice once"
    )
    with pytest.raises(ValidationError) as again:
        read_settlements(path, mapping=mapping)
    assert str(again.value) == str(error.value)


def test_partials_of_two_files_add_up_to_the_file_of_both(tmp_path: Path) -> None:
    mapping = ColumnMapping(settled_on="paid")
    big_history(tmp_path / "all.csv", 3000)
    lines = (tmp_path / "all.csv").read_text().splitlines()
    (tmp_path / "a.csv").write_text("\n".join(lines[:1200]) + "\n")
    (tmp_path / "b.csv").write_text("\n".join([lines[0], *lines[1200:]]) + "\n")
    parts = [
        behaviour_partial_from_file(tmp_path / n, as_of=AS_OF, mapping=mapping)
        for n in ("a.csv", "b.csv")
    ]
    whole = behaviour_from_file(tmp_path / "all.csv", as_of=AS_OF, mapping=mapping)
    assert (parts[0] + parts[1]).finish() == whole
    assert (parts[0] + parts[1]).records == sum(1 for line in lines[1:] if not line.endswith(","))


@needs_polars
@pytest.mark.parametrize(
    ("mapping", "options", "message"),
    [
        (ColumnMapping(settled_on="paid", date_format="%d.%m.%Y"), {}, "date_format '%d.%m.%Y'"),
        (ColumnMapping(settled_on="paid", due_days=30), {}, "due_days"),
        (
            ColumnMapping(settled_on="paid"),
            {"currency": "EUR"},
            "converting into a reporting currency",
        ),
    ],
)
def test_the_engine_refuses_options_it_does_not_implement(
    tmp_path: Path, mapping: ColumnMapping, options: dict[str, Any], message: str
) -> None:
    path = tmp_path / "history.csv"
    big_history(path, 10)
    with pytest.raises(
        ValidationError, match=f"engine: engine='polars' does not support .*{message}"
    ):
        behaviour_from_file(path, as_of=AS_OF, mapping=mapping, engine="polars", **options)


def test_an_unknown_engine_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "history.csv"
    big_history(path, 10)
    with pytest.raises(ValidationError, match="engine: expected 'python' or 'polars', got 'spark'"):
        behaviour_from_file(
            path, as_of=AS_OF, mapping=ColumnMapping(settled_on="paid"), engine="spark"
        )  # type: ignore[arg-type]


@needs_polars
def test_credkit_behaviour_engine_polars_prints_the_same(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "history.csv"
    big_history(path, 2000)
    (tmp_path / "mapping.toml").write_text('settled_on = "paid"\n', encoding="utf-8")
    printed = []
    for engine in ("python", "polars"):
        command = [
            "behaviour",
            str(path),
            "--as-of",
            "2026-03-31",
            "--mapping",
            str(tmp_path / "mapping.toml"),
        ]
        assert main([*command, "--format", "csv", "--engine", engine]) == 0
        printed.append(capsys.readouterr().out)
    assert printed[0] == printed[1]
    assert printed[0].count("\n") > 3
