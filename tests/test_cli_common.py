"""The helpers the ``credkit`` commands share (``credkit.cli._common``), and their consistency."""

from __future__ import annotations

import argparse
import datetime
import re
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credkit import io, sample
from credkit.cli import main
from credkit.cli._common import (
    currency_rates,
    grid,
    iso_date,
    ledger_or_mapping,
    load_rates,
    non_negative_int,
    plain_amount,
    plain_number,
)
from credkit.errors import ConfigError, ValidationError
from credkit.ledger import Ledger
from credkit.money import Money, minor_units

# -- strategies ---------------------------------------------------------------------------

# Cells without spaces, so that a line can be cut back into its cells at the column edges.
cells = st.text(alphabet=st.characters(categories=["L", "N", "P"]), max_size=8)


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[str], list[list[str]], set[str]]:
    columns = draw(st.integers(min_value=1, max_value=6))
    header = draw(st.lists(cells, min_size=columns, max_size=columns, unique=True))
    rows = draw(st.lists(st.lists(cells, min_size=columns, max_size=columns), max_size=6))
    left = draw(st.sets(st.sampled_from(header)))
    return header, rows, left


decimals = st.decimals(
    min_value=Decimal("-1e12"), max_value=Decimal("1e12"), allow_nan=False, places=6
)


# -- argument types -----------------------------------------------------------------------


@given(st.dates())
def test_iso_date_reads_back_isoformat(day: datetime.date) -> None:
    assert iso_date(day.isoformat()) == day


@pytest.mark.parametrize("text", ["31.03.2026", "2026-02-30", "", "tomorrow", "2026/03/31"])
def test_iso_date_refuses_other_text(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError) as error:
        iso_date(text)
    assert str(error.value) == f"{text!r} is not a date; expected YYYY-MM-DD such as 2026-03-31"


@given(st.integers(min_value=0))
def test_non_negative_int_reads_counts(number: int) -> None:
    assert non_negative_int(str(number)) == number


@given(st.integers(max_value=-1) | st.sampled_from(["", "x", "1.5", "3 days"]))
def test_non_negative_int_refuses_the_rest(value: int | str) -> None:
    text = str(value)
    with pytest.raises(argparse.ArgumentTypeError, match="is not a whole number of 0 or more"):
        non_negative_int(text)


# -- formatting ---------------------------------------------------------------------------


@given(decimals, st.integers(min_value=0, max_value=4))
def test_plain_number_rounds_half_even_and_groups_thousands(value: Decimal, places: int) -> None:
    text = plain_number(value, places)
    expected = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)
    assert Decimal(text.replace(",", "")) == expected
    whole, _, fraction = text.lstrip("-").partition(".")
    assert len(fraction) == places
    groups = whole.split(",")
    assert 1 <= len(groups[0]) <= 3
    assert all(len(group) == 3 for group in groups[1:])


@given(decimals, st.sampled_from(["EUR", "JPY", "BHD", "USD"]))
def test_plain_amount_is_the_rounded_amount_without_the_currency(
    value: Decimal, currency: str
) -> None:
    money = Money(value, currency)
    text = plain_amount(money)
    assert Decimal(text.replace(",", "")) == money.round().amount
    assert currency not in text
    places = minor_units(currency)
    assert len(text.partition(".")[2]) == places


@given(tables())
def test_grid_lines_up_the_columns(table: tuple[list[str], list[list[str]], set[str]]) -> None:
    header, rows, left = table
    lines = grid(header, rows, left=left)
    assert len(lines) == len(rows) + 2
    widths = [len(dashes) for dashes in lines[1].split("  ")]
    assert widths == [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for line, row in zip([lines[0], *lines[2:]], [header, *rows], strict=True):
        assert line == line.rstrip()
        padded = line.ljust(sum(widths) + 2 * (len(widths) - 1))
        start = 0
        for name, cell, width in zip(header, row, widths, strict=True):
            slot = padded[start : start + width]
            assert slot == (cell.ljust(width) if name in left else cell.rjust(width))
            start += width + 2


def test_grid_refuses_an_unknown_left_column() -> None:
    with pytest.raises(ValidationError, match="left: 'Name' is not a column; expected one of"):
        grid(["Customer", "Total"], [], left={"Name"})


# -- input --------------------------------------------------------------------------------


def _rates_file(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "rates.csv"
    path.write_text("valid_from,base,quote,rate\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_load_rates_pivots_on_a_single_base_currency(tmp_path: Path) -> None:
    path = _rates_file(tmp_path, ["2026-01-02,EUR,USD,1.04", "2026-01-02,EUR,GBP,0.83"])
    table = load_rates(path)
    assert table.pivot == "EUR"
    assert len(table.rates) == 2


def test_load_rates_leaves_mixed_bases_without_a_pivot(tmp_path: Path) -> None:
    path = _rates_file(tmp_path, ["2026-01-02,EUR,USD,1.04", "2026-01-02,GBP,USD,1.25"])
    assert load_rates(path).pivot is None


def test_currency_and_rates_go_together(tmp_path: Path) -> None:
    path = _rates_file(tmp_path, ["2026-01-02,EUR,USD,1.04"])
    assert currency_rates(None, None) is None
    rates = currency_rates("USD", path)
    assert rates is not None
    assert rates.pivot == "EUR"
    with pytest.raises(ValidationError, match=r"^--currency and --rates go together: because"):
        currency_rates(None, path, why="because")


def test_ledger_or_mapping(tmp_path: Path) -> None:
    ledger = sample.generate(seed=1, customers=2).ledger
    io.write_ledger(ledger, tmp_path / "ledger")
    mapping = tmp_path / "mapping.toml"
    mapping.write_text('customer_id = "Kunde"\n', encoding="utf-8")
    export = tmp_path / "export.csv"
    export.write_text("anything\n", encoding="utf-8")
    default = io.ColumnMapping(settled_on="settled_on")

    read = ledger_or_mapping(tmp_path / "ledger", None, default=default)
    assert isinstance(read, Ledger)
    assert read.invoices == ledger.invoices
    assert ledger_or_mapping(export, None, default=default) == default
    loaded = ledger_or_mapping(export, mapping, default=default)
    assert isinstance(loaded, io.ColumnMapping)
    assert loaded.customer_id == "Kunde"
    with pytest.raises(ValidationError, match="--mapping: applies to a single CSV export"):
        ledger_or_mapping(tmp_path / "ledger", mapping, default=default)
    with pytest.raises(ValidationError, match=r"^FILE: '.*nothing' is neither a directory nor"):
        ledger_or_mapping(tmp_path / "nothing", None, default=default, name="FILE")
    mapping.write_text('customer_id = "Kunde"\nnonsense = 1\n', encoding="utf-8")
    with pytest.raises(ConfigError):
        ledger_or_mapping(export, mapping, default=default)


# -- every command behaves the same -------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["age", ".", "--as-of", "31.03.2026"],
        ["kpi", ".", "--from", "2026-01-01", "--to", "31.03.2026"],
        ["behaviour", ".", "--as-of", "31.03.2026"],
        ["check", "orders.csv", "--as-of", "31.03.2026"],
        ["dunning", "--as-of", "31.03.2026"],
    ],
)
def test_every_command_refuses_a_bad_date_alike(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    error = capsys.readouterr().err.splitlines()[-1]
    assert re.fullmatch(
        rf"credkit: error: {argv[0]}: argument --\S+: '31.03.2026' is not a date; "
        r"expected YYYY-MM-DD such as 2026-03-31",
        error,
    )


@pytest.mark.parametrize(
    "argv",
    [
        ["score", "x.csv", "--scorecard", "c.toml", "--reasons", "-1"],
        ["limits", "--grace-days", "x"],
    ],
)
def test_every_count_option_refuses_a_bad_count_alike(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        main(argv)
    assert (
        capsys.readouterr()
        .err.splitlines()[-1]
        .endswith(f"{argv[-1]!r} is not a whole number of 0 or more")
    )
