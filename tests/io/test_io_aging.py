"""age_open_items: aging a CSV export in one pass must equal reading it and then aging it.

The reference is ``age(read_open_items(path, mapping=m), ...)``. Generated exports mix
valid lines with the awkward ones ERP exports have (quoted amounts with thousands
separators, signs behind the number, decimal commas, empty due dates on payments,
spaces around cells, duplicates, documents issued after the report date, junk), and
the block size is made small so that a file is read in many blocks, some column-wise
and some line by line.
"""

from __future__ import annotations

import csv
import io
import os
import threading
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credkit.aging import STANDARD, AgingBasis, AgingReport, Buckets, age
from credkit.errors import CredkitError, RateNotFoundError, ValidationError
from credkit.fx import RateTable
from credkit.io import ColumnMapping, _table, age_open_items, read_open_items
from credkit.io import aging as io_aging
from credkit.money import Money

AS_OF = date(2026, 3, 31)
COLUMNS = ["id", "customer_id", "kind", "issue_date", "due_date", "amount", "currency", "flag"]
PLAIN = ColumnMapping(kind="kind", disputed="flag")
NO_KIND = ColumnMapping(disputed="flag")
GERMAN = ColumnMapping(
    kind="kind",
    disputed="flag",
    date_format="%d.%m.%Y",
    decimal_separator=",",
    delimiter=";",
    default_currency="EUR",
)
RATES = RateTable.from_mapping({"2026-03-01": {"USD": "1.0825", "JPY": "161.5"}}, base="EUR")
"""ECB-style rates; none for GBP, so that converting a GBP line fails."""


def _write(path: Path, rows: list[list[str]], mapping: ColumnMapping, ending: str) -> Path:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=mapping.delimiter, lineterminator=ending)
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def _outcome(run: Callable[[], AgingReport]) -> Any:
    """The report, or the type of the error (a missing rate is not a ValidationError)."""
    try:
        return run()
    except CredkitError as error:
        return type(error)


# -- generated exports ----------------------------------------------------------------

_DAYS = st.integers(-200, 5)  # days from AS_OF; a few are after it


def _day(mapping: ColumnMapping, offset: int) -> str:
    return (AS_OF + timedelta(days=offset)).strftime(mapping.date_format)


def _amount(mapping: ColumnMapping, value: Decimal, style: int) -> str:
    text = format(abs(value), "f")
    if style == 1 and abs(value) >= 1000:  # thousands separators (quoted by the writer)
        text = format(abs(value), ",f")
    if mapping.decimal_separator == ",":
        text = text.translate(str.maketrans(",.", ".,"))
    if value < 0:
        return text + "-" if style == 2 else "-" + text  # SAP-style sign behind
    return text


@st.composite
def export_rows(draw: st.DrawFn, mapping: ColumnMapping) -> list[list[str]]:
    # most files are clean, so that every column-wise check is reached; some have a
    # flaw now and then, some many
    flaws = draw(st.sampled_from([0, 0, 1, 8]))
    styles = draw(st.sampled_from([[0], [0], [0, 1, 2]]))
    rows = []
    for _ in range(draw(st.integers(0, 25))):
        kind = draw(st.sampled_from(["invoice", "invoice", "payment", "credit_note"]))
        issued = draw(_DAYS)
        value = draw(st.decimals(min_value=1, max_value=5000, places=2))
        if kind != "invoice" or draw(st.integers(0, 9)) == 0:
            value = -value
        # payments and credit notes may leave the due date empty, invoices may not
        empty_due = draw(st.booleans()) if kind != "invoice" else draw(st.integers(0, 39)) < flaws
        due = "" if empty_due else _day(mapping, issued + draw(st.sampled_from([0, 30, -1])))
        row = [
            draw(st.sampled_from(["I1", "I2", "I3", "P1", "X9"])) + str(draw(st.integers(0, 40))),
            draw(st.sampled_from(["C1", "C2", " C3 ", "C4"])),
            kind,
            _day(mapping, issued),
            due,
            _amount(mapping, value, draw(st.sampled_from(styles))),
            draw(st.sampled_from(["EUR", "EUR", "USD", "JPY", ""] + ["GBP"] * (flaws > 1))),
            draw(st.sampled_from(["", "no", "yes", "x", "0"])),
        ]
        if draw(st.integers(0, 39)) < flaws:
            position = draw(st.integers(0, len(row) - 1))
            row[position] = draw(
                st.sampled_from(["", "?", "1.2.3", ".5", "5.", "eur", "31.02.2026", "maybe", "+1"])
            )
        if draw(st.integers(0, 99)) < flaws:
            row = row[:3]  # a short line
        rows.append(row)
    return rows


@st.composite
def exports(draw: st.DrawFn) -> tuple[ColumnMapping, list[list[str]], str]:
    mapping = draw(st.sampled_from([PLAIN, NO_KIND, GERMAN]))
    return mapping, draw(export_rows(mapping)), draw(st.sampled_from(["\n", "\r\n"]))


@settings(max_examples=250, deadline=None)
@given(
    export=exports(),
    block_chars=st.integers(1, 400),
    basis=st.sampled_from(list(AgingBasis)),
    buckets=st.sampled_from([STANDARD, Buckets.from_edges([15, 45])]),
    convert=st.booleans(),
)
def test_one_pass_equals_reading_then_aging(
    tmp_path_factory: pytest.TempPathFactory,
    export: tuple[ColumnMapping, list[list[str]], str],
    block_chars: int,
    basis: AgingBasis,
    buckets: Buckets,
    convert: bool,
) -> None:
    mapping, rows, ending = export
    path = _write(tmp_path_factory.mktemp("aging") / "open.csv", rows, mapping, ending)
    options: dict[str, Any] = {"as_of": AS_OF, "buckets": buckets, "basis": basis}
    if convert:
        options.update(currency="EUR", rates=RATES)
    with mock.patch.object(_table, "_BLOCK_CHARS", block_chars):
        ours = _outcome(lambda: age_open_items(path, mapping=mapping, **options))
    theirs = _outcome(lambda: age(read_open_items(path, mapping=mapping), **options))
    assert ours == theirs
    if isinstance(ours, AgingReport):
        assert ours.to_rows() == theirs.to_rows()
        assert ours.to_rows(by="total") == theirs.to_rows(by="total")


@settings(max_examples=40, deadline=None)
@given(export=exports())
def test_hash_collisions_cost_time_never_a_wrong_answer(
    tmp_path_factory: pytest.TempPathFactory, export: tuple[ColumnMapping, list[list[str]], str]
) -> None:
    # every document hashes alike: each line looks like a duplicate until the earlier
    # lines are read again, which must find no real duplicate
    mapping, rows, ending = export
    path = _write(tmp_path_factory.mktemp("collide") / "open.csv", rows, mapping, ending)
    with mock.patch.object(io_aging, "hash", return_value=7, create=True):
        ours = _outcome(lambda: age_open_items(path, mapping=mapping, as_of=AS_OF))
    theirs = _outcome(lambda: age(read_open_items(path, mapping=mapping), as_of=AS_OF))
    assert ours == theirs


@st.composite
def grouped_rows(draw: st.DrawFn) -> list[list[str]]:
    """A clean export listing each customer's items together, as ERPs write them: long
    runs of one customer, several items in one bucket, both signs, disputes, a second
    currency now and then, and amounts written with more or fewer decimals than their
    currency has."""
    rows = []
    for customer in range(draw(st.integers(1, 6))):
        codes = draw(st.lists(st.sampled_from(["EUR", "USD", "JPY"]), min_size=1, max_size=2))
        for number in range(draw(st.integers(1, 40))):
            issued = draw(st.integers(-200, 0))
            kind = draw(st.sampled_from(["invoice", "invoice", "invoice", "payment"]))
            amount = draw(st.sampled_from(["100.00", "12.500", "3", "7.0", "0.00", "45.1"]))
            if kind == "payment" or draw(st.integers(0, 9)) == 0:
                amount = "-" + amount
            rows.append(
                [
                    f"{kind[0]}{customer}-{number}",
                    f"C{customer}",
                    kind,
                    _day(PLAIN, issued),
                    _day(PLAIN, issued + draw(st.sampled_from([0, 14, 30, 90]))),
                    amount,
                    draw(st.sampled_from(codes)),
                    draw(st.sampled_from(["no", "no", "yes"])),
                ]
            )
    return rows


@settings(max_examples=60, deadline=None)
@given(rows=grouped_rows(), block_chars=st.sampled_from([300, 2000, 1 << 16]))
def test_a_grouped_export_ages_as_its_items_do(
    tmp_path_factory: pytest.TempPathFactory, rows: list[list[str]], block_chars: int
) -> None:
    path = _write(tmp_path_factory.mktemp("grouped") / "open.csv", rows, PLAIN, "\n")
    with mock.patch.object(_table, "_BLOCK_CHARS", block_chars):
        ours = age_open_items(path, mapping=PLAIN, as_of=AS_OF)
    theirs = age(read_open_items(path, mapping=PLAIN), as_of=AS_OF)
    assert ours.to_rows() == theirs.to_rows()  # amounts as text: their exponents too
    assert ours.to_rows(by="total") == theirs.to_rows(by="total")


# -- examples -------------------------------------------------------------------------

HEADER = ",".join(COLUMNS) + "\n"


def _file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "open.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_a_small_export_by_hand(tmp_path: Path) -> None:
    path = _file(
        tmp_path,
        "I1,C1,invoice,2026-01-05,2026-02-04,400.00,EUR,no\n"
        'I2,C1,invoice,2026-03-01,2026-03-31,"1,250.00",EUR,yes\n'
        "P7,C1,payment,2026-02-10,,-50.00,EUR,\n"
        "I3,C2,invoice,2025-10-01,2025-10-31,99,JPY,no\n",
    )
    report = age_open_items(path, mapping=PLAIN, as_of=AS_OF)
    c1 = report.row("C1")
    assert c1.amounts[0] == Money.of("1250.00", "EUR")  # due on the report date
    assert c1.amounts[2] == Money.of("400.00", "EUR")  # 55 days past due
    assert c1.unapplied == Money.of("-50.00", "EUR")
    assert c1.disputed == Money.of("1250.00", "EUR")
    assert (c1.count, c1.oldest_days, c1.total) == (3, 55, Money.of("1600.00", "EUR"))
    c2 = report.row("C2")
    assert c2.amounts[5] == Money.of(99, "JPY")
    assert c2.oldest_days == 151
    assert report.currencies == ("EUR", "JPY")


def test_a_duplicate_in_a_later_block_names_both_lines(tmp_path: Path) -> None:
    body = "".join(f"I{i},C1,invoice,2026-01-05,2026-02-04,1.00,EUR,no\n" for i in range(200))
    path = _file(tmp_path, body + "I17,C2,invoice,2026-01-05,2026-02-04,1.00,EUR,no\n")
    with mock.patch.object(_table, "_BLOCK_CHARS", 256), pytest.raises(ValidationError) as caught:
        age_open_items(path, mapping=PLAIN, as_of=AS_OF)
    assert caught.value.message == (
        f"{path}, line 202, column id: invoice 'I17' is given twice (first on line 19); "
        "each open item may be aged once"
    )


def test_the_same_number_as_invoice_and_payment_is_two_documents(tmp_path: Path) -> None:
    path = _file(
        tmp_path,
        "100,C1,invoice,2026-01-05,2026-02-04,10.00,EUR,no\n"
        "100,C1,payment,2026-02-10,,-4.00,EUR,no\n",
    )
    assert age_open_items(path, mapping=PLAIN, as_of=AS_OF).row("C1").total == Money.of(
        "6.00", "EUR"
    )


def test_a_document_issued_after_the_report_date(tmp_path: Path) -> None:
    path = _file(tmp_path, "I1,C1,invoice,2026-04-01,2026-05-01,10.00,EUR,no\n")
    with pytest.raises(ValidationError) as caught:
        age_open_items(path, mapping=PLAIN, as_of=AS_OF)
    assert caught.value.message == (
        f"{path}, line 2, column issue_date: 2026-04-01 of 'I1' is after as_of 2026-03-31; "
        "a report as of a date covers only documents issued by then"
    )


def test_the_first_bad_line_is_the_one_reported(tmp_path: Path) -> None:
    good = "".join(f"I{i},C1,invoice,2026-01-05,2026-02-04,1.00,EUR,no\n" for i in range(50))
    path = _file(
        tmp_path,
        good
        + "I90,C1,invoice,2026-01-05,2026-02-30,1.00,EUR,no\n"
        + "I91,C1,invoice,2026-01-05,2026-02-04,abc,EUR,no\n",
    )
    with mock.patch.object(_table, "_BLOCK_CHARS", 300), pytest.raises(ValidationError) as caught:
        age_open_items(path, mapping=PLAIN, as_of=AS_OF)
    assert caught.value.message == (
        f"{path}, line 52, column due_date: '2026-02-30' is not a date in the format %Y-%m-%d"
    )


def test_arguments_are_checked_before_the_file_is_read(tmp_path: Path) -> None:
    missing = tmp_path / "missing.csv"
    with pytest.raises(ValidationError, match="rates: converting into EUR needs a rate source"):
        age_open_items(missing, as_of=AS_OF, currency="EUR")
    with pytest.raises(ValidationError, match=r"as_of: expected a datetime\.date"):
        age_open_items(missing, as_of="2026-03-31")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="cannot read the file"):
        age_open_items(missing, as_of=AS_OF)


@pytest.mark.parametrize(
    "cell", [".5", "5.", "-.5", "1.2.3", "5-", "+5", "1,234.56", "١٢", "1e3", "NaN", "", "- 5"]
)
def test_every_amount_shape_reads_as_read_open_items_reads_it(tmp_path: Path, cell: str) -> None:
    body = "I1,C1,invoice,2026-01-05,2026-02-04,10.00,EUR,no\n"
    path = _file(tmp_path, body + f'I2,C1,credit_note,2026-01-05,,"{cell}",EUR,no\n')
    ours = _outcome(lambda: age_open_items(path, mapping=PLAIN, as_of=AS_OF))
    theirs = _outcome(lambda: age(read_open_items(path, mapping=PLAIN), as_of=AS_OF))
    assert ours == theirs


def test_optional_columns_absent_or_named(tmp_path: Path) -> None:
    path = tmp_path / "open.csv"
    path.write_text(
        "id,customer_id,issue_date,due_date,amount,original\n"
        "I1,C1,2026-01-05,2026-02-04,40.00,100.00\n"
        "I2,C1,2026-01-06,2026-02-05,60.00,\n",
        encoding="utf-8",
    )
    mapping = ColumnMapping(currency=None, default_currency="CHF", original_amount="original")
    report = age_open_items(path, mapping=mapping, as_of=AS_OF)
    assert report.row("C1").amounts[2] == Money.of("100.00", "CHF")
    assert report == age(read_open_items(path, mapping=mapping), as_of=AS_OF)
    path.write_text(path.read_text().replace("100.00", "1x"), encoding="utf-8")
    with pytest.raises(ValidationError, match=r"line 2, column original: '1x' is not an amount"):
        age_open_items(path, mapping=mapping, as_of=AS_OF)


def _ordering_file(tmp_path: Path, *lines: str) -> Path:
    return _file(tmp_path, "".join(line + "\n" for line in lines))


GBP_LINE = "G1,C1,invoice,2026-01-05,2026-02-04,10.00,GBP,no"


@pytest.mark.parametrize(
    ("later", "expected"),
    [
        # age() meets the missing GBP rate on item 1 before it looks at item 2
        ("I2,C1,invoice,2026-04-01,2026-05-01,1.00,EUR,no", RateNotFoundError),
        ("G1,C1,invoice,2026-01-05,2026-02-04,10.00,GBP,no", RateNotFoundError),
        # but only after read_open_items has read every line
        ("I2,C1,invoice,2026-01-05,2026-02-30,1.00,EUR,no", ValidationError),
    ],
)
def test_errors_come_in_the_order_age_meets_them(
    tmp_path: Path, later: str, expected: type[Exception]
) -> None:
    filler = [f"F{i},C2,invoice,2026-01-05,2026-02-04,1.00,EUR,no" for i in range(3000)]
    path = _ordering_file(tmp_path, GBP_LINE, *filler, later)
    options: dict[str, Any] = {"as_of": AS_OF, "currency": "EUR", "rates": RATES}
    with pytest.raises(expected):
        age(read_open_items(path, mapping=PLAIN), **options)
    with pytest.raises(expected) as caught:
        age_open_items(path, mapping=PLAIN, **options)
    if expected is ValidationError:
        assert ", line 3003, column due_date: '2026-02-30' is not a date" in str(caught.value)


def test_a_pipe_is_read_once_and_whole(tmp_path: Path) -> None:
    fifo = tmp_path / "export.fifo"
    os.mkfifo(fifo)
    text = HEADER + "".join(
        f"I{i},C1,invoice,2026-01-05,2026-02-04,5.00,EUR,no\n" for i in range(3000)
    )

    def write() -> None:
        with fifo.open("w", encoding="utf-8") as pipe:
            pipe.write(text)

    writer = threading.Thread(target=write)
    writer.start()
    try:
        report = age_open_items(fifo, mapping=PLAIN, as_of=AS_OF)
    finally:
        writer.join(timeout=10)
    assert report.row("C1").count == 3000
    assert report.row("C1").total == Money.of("15000.00", "EUR")


def test_a_cell_longer_than_the_csv_limit_is_refused_wherever_it_is(tmp_path: Path) -> None:
    long = "x" * (csv.field_size_limit() + 1)
    path = _file(tmp_path, f"{long},C1,invoice,2026-01-05,2026-02-04,1.00,EUR,no\n")
    with pytest.raises(ValidationError, match=r"line 2: not readable as CSV \(field larger"):
        age_open_items(path, mapping=PLAIN, as_of=AS_OF)
