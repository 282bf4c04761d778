"""age_open_items(engine="polars") must give the pure path's report, or its error.

A differential test: hypothesis writes small open-item exports (invoices, credit notes,
unapplied cash, disputes, several currencies with 0, 2 and 3 decimals, blank lines,
CRLF endings, columns in any order) and every row of the polars report must equal the
pure path's. Clean files must be aged by polars itself (not handed back to the pure
path); awkward but valid ones (quoted amounts with thousands separators, padded cells,
amounts finer than the currency's minor unit) may be handed back, and still give the
same report; a file with one bad line must raise the very error the pure path raises.

polars is an optional dependency (the ``polars`` extra); CI installs it, and where it
is missing the tests that need it are skipped with a message that says so.
"""

from __future__ import annotations

import importlib
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.io.conftest import needs_polars, outcome

from credkit.aging import STANDARD, AgingBasis, AgingReport, Buckets
from credkit.errors import CredkitError, ValidationError
from credkit.fx import RateTable
from credkit.io import ColumnMapping, age_open_items

AS_OF = date(2026, 3, 31)
COLUMNS = ("id", "customer_id", "kind", "issue_date", "due_date", "amount", "currency", "flag")
PLAIN = ColumnMapping(kind="kind", disputed="flag")
NO_KIND = ColumnMapping(disputed="flag")  # the kind comes from the sign
DEFAULTED = ColumnMapping(kind="kind", disputed="flag", default_currency="EUR", delimiter=";")
PLACES = {"EUR": 2, "USD": 2, "GBP": 2, "JPY": 0, "BHD": 3}


def _amount(draw: st.DrawFn, code: str, sign: int) -> str:
    places = PLACES[code]
    units = draw(st.integers(0, 10**9))
    whole, fraction = divmod(units, 10**places)
    text = str(whole)
    if places:
        digits = draw(st.integers(0, places))  # 12, 12.5 and 12.50 are all exact
        shown = f"{fraction:0{places}d}"
        if digits < places and shown[digits:].strip("0"):
            digits = places
        if digits:
            text += "." + shown[:digits]
    return ("-" if sign < 0 else "") + text


@st.composite
def lines(draw: st.DrawFn, mapping: ColumnMapping) -> list[dict[str, str]]:
    """Valid open items, as cells; each (kind, id) once."""
    result = []
    seen: set[tuple[str, str]] = set()
    for number in range(draw(st.integers(0, 30))):
        kind = draw(st.sampled_from(["invoice"] * 5 + ["credit_note", "payment"]))
        code = draw(st.sampled_from(["EUR", "EUR", "USD", "JPY", "BHD", "GBP"]))
        sign = -1 if kind != "invoice" or draw(st.integers(0, 9)) == 0 else 1
        amount = _amount(draw, code, sign)
        if mapping.kind is None:  # by sign: -0 is an invoice
            kind = "credit_note" if amount.startswith("-") and amount.strip("-0.") else "invoice"
        document = draw(st.sampled_from(["I", "P", "Dok-", "ü"])) + str(number % 7)
        if (kind, document) in seen:
            document += f"-{number}"
        seen.add((kind, document))
        issued = AS_OF - timedelta(days=draw(st.integers(0, 800)))
        due = issued + timedelta(days=draw(st.sampled_from([0, 14, 30, 60, 90])))
        empty_due = kind != "invoice" and draw(st.booleans())
        currency = code
        if mapping.default_currency == code and draw(st.booleans()):
            currency = ""  # the mapping's default
        result.append(
            {
                "id": document,
                "customer_id": draw(st.sampled_from(["C1", "C2", "Kunde 3", "C-ß", "c1"])),
                "kind": kind,
                "issue_date": issued.isoformat(),
                "due_date": "" if empty_due else due.isoformat(),
                "amount": amount,
                "currency": currency,
                "flag": draw(st.sampled_from(["", "no", "yes", "YES", "x", "0", "1", "n", "True"])),
            }
        )
    return result


def _text(
    rows: list[dict[str, str]],
    columns: list[str],
    mapping: ColumnMapping,
    *,
    ending: str,
    blanks: set[int],
) -> str:
    delimiter = mapping.delimiter
    out = [delimiter.join(columns) + ending]
    for index, row in enumerate(rows):
        if index in blanks:
            out.append(ending)
        out.append(delimiter.join(row.get(column, "") for column in columns) + ending)
    return "".join(out)


@st.composite
def exports(draw: st.DrawFn) -> tuple[ColumnMapping, list[dict[str, str]], dict[str, Any]]:
    mapping = draw(st.sampled_from([PLAIN, NO_KIND, DEFAULTED]))
    rows = draw(lines(mapping))
    columns = list(draw(st.permutations(COLUMNS)))
    if draw(st.booleans()):
        columns.insert(draw(st.integers(0, len(columns))), "note")  # a column nobody reads
    layout = {
        "columns": columns,
        "ending": draw(st.sampled_from(["\n", "\r\n"])),
        "blanks": set(draw(st.lists(st.integers(0, 30), max_size=2))),
        "last_newline": draw(st.booleans()),
    }
    return mapping, rows, layout


def _write(path: Path, mapping: ColumnMapping, rows: list[dict[str, str]], layout: Any) -> Path:
    text = _text(rows, layout["columns"], mapping, ending=layout["ending"], blanks=layout["blanks"])
    if not layout["last_newline"] and rows:
        text = text.removesuffix(layout["ending"])
    path.write_bytes(text.encode("utf-8"))
    return path


def _both(path: Path, mapping: ColumnMapping, **options: Any) -> tuple[Any, Any]:
    ours = outcome(lambda: age_open_items(path, mapping=mapping, engine="polars", **options))
    theirs = outcome(lambda: age_open_items(path, mapping=mapping, **options))
    return ours, theirs


def _assert_same(ours: Any, theirs: Any) -> None:
    assert ours == theirs
    if isinstance(ours, AgingReport):
        assert ours.rows == theirs.rows
        assert ours.totals == theirs.totals
        assert ours.to_rows() == theirs.to_rows()  # the same decimals too: 10.50, not 10.5


OPTIONS = st.fixed_dictionaries(
    {
        "basis": st.sampled_from(list(AgingBasis)),
        "buckets": st.sampled_from(
            [STANDARD, Buckets.from_edges([15, 45]), Buckets.from_edges([])]
        ),
    }
)


@needs_polars
@settings(max_examples=150, deadline=None)
@given(export=exports(), options=OPTIONS)
def test_every_row_equals_the_pure_path(
    tmp_path_factory: pytest.TempPathFactory, export: Any, options: dict[str, Any]
) -> None:
    from credkit.io._polars import age_polars

    mapping, rows, layout = export
    path = _write(tmp_path_factory.mktemp("clean") / "open.csv", mapping, rows, layout)
    ours, theirs = _both(path, mapping, as_of=AS_OF, **options)
    assert isinstance(theirs, AgingReport), theirs  # the lines are valid
    _assert_same(ours, theirs)
    # and polars aged it itself: a clean file is never handed back to the pure path
    assert age_polars(path, as_of=AS_OF, mapping=mapping, **options) is not None


# -- one bad line ---------------------------------------------------------------------

# (column, bad cell); None as the column: the whole line is replaced
_FLAWS: list[tuple[str | None, str]] = [
    ("id", ""),
    ("customer_id", ""),
    ("customer_id", "\u3000"),
    ("kind", "refund"),
    ("kind", ""),
    ("amount", "1.2.3"),
    ("amount", ".5"),
    ("amount", "5."),
    ("amount", "--5"),
    ("amount", "+-5"),
    ("amount", "1e5"),
    ("amount", ""),
    ("currency", "eur"),
    ("currency", "EURO"),
    ("issue_date", "2026-02-30"),
    ("issue_date", "2026-1-05"),
    ("issue_date", "+026-01-05"),
    ("issue_date", " 2026-01-5"),
    ("issue_date", "0000-01-01"),
    ("issue_date", "2026-04-01"),  # after as_of
    ("due_date", "2000-01-01"),  # before the issue date
    ("due_date", "31.01.2026"),
    ("flag", "maybe"),
    (None, "I9,C1"),  # a short line
    (None, "only one field"),
    (None, ",,,,,,,"),  # empty cells
    (None, "   ,,,,,,,"),
    (None, "I9,C1,invoice,2026-01-01,2026-01-31,5.00,EUR,no,surplus,more"),
    (None, 'I9,"C1,invoice,2026-01-01,2026-01-31,5.00,EUR,no'),
]


@st.composite
def flawed(draw: st.DrawFn) -> tuple[ColumnMapping, list[dict[str, str]], dict[str, Any]]:
    mapping, rows, layout = draw(exports())
    layout["columns"] = list(COLUMNS)  # the whole-line flaws are written in this order
    flaw = draw(st.sampled_from([*_FLAWS, ("duplicate", "")]))
    bad = dict.fromkeys(COLUMNS, "")
    bad.update(id="Z1", customer_id="C1", kind="invoice", amount="5.00", currency="EUR")
    bad.update(issue_date="2026-01-01", due_date="2026-01-31", flag="no")
    column, cell = flaw
    if column == "duplicate":
        if not rows:
            rows.append(dict(bad))
        bad = dict(draw(st.sampled_from(rows)))
    elif column is None:
        bad = {"__line__": cell}
    else:
        if mapping.kind is None and column == "kind":
            column = "amount"
        bad[column] = cell
    if mapping.kind is None:
        bad.setdefault("kind", "invoice")
    rows.insert(draw(st.integers(0, len(rows))), bad)
    return mapping, rows, layout


def _write_flawed(
    path: Path, mapping: ColumnMapping, rows: list[dict[str, str]], layout: Any
) -> Path:
    delimiter = mapping.delimiter
    ending = layout["ending"]
    out = [delimiter.join(COLUMNS) + ending]
    for row in rows:
        if "__line__" in row:
            out.append(row["__line__"].replace(",", delimiter) + ending)
        else:
            out.append(delimiter.join(row[c] for c in COLUMNS) + ending)
    path.write_bytes("".join(out).encode("utf-8"))
    return path


@needs_polars
@settings(max_examples=150, deadline=None)
@given(export=flawed(), options=OPTIONS)
def test_one_bad_line_raises_the_same_error(
    tmp_path_factory: pytest.TempPathFactory, export: Any, options: dict[str, Any]
) -> None:
    mapping, rows, layout = export
    path = _write_flawed(tmp_path_factory.mktemp("flawed") / "open.csv", mapping, rows, layout)
    ours, theirs = _both(path, mapping, as_of=AS_OF, **options)
    _assert_same(ours, theirs)


# -- awkward but valid: handed back to the pure path, same report ---------------------

_AWKWARD = [
    ("amount", '"1,234.50"'),  # a quoted amount with a thousands separator
    ("amount", "5.00-"),  # the sign behind
    ("amount", "5.001"),  # finer than the currency's minor unit (EUR)
    ("amount", "12345678901234.00"),  # more digits than the engine sums in Int64
    ("customer_id", " C1 "),  # a cell to trim
    ("customer_id", "C1\x1f"),  # trimmed by str.strip, which polars would not
    ("flag", " yes"),
    ("id", '"Q1"'),  # quoted
]


@needs_polars
@settings(max_examples=60, deadline=None)
@given(export=exports(), awkward=st.sampled_from(_AWKWARD), where=st.integers(0, 40))
def test_awkward_lines_go_to_the_pure_path(
    tmp_path_factory: pytest.TempPathFactory,
    export: Any,
    awkward: tuple[str, str],
    where: int,
) -> None:
    mapping, rows, layout = export
    if mapping.delimiter != ",":  # the awkward cells are written for commas
        mapping = PLAIN
        for line in rows:
            line["currency"] = line["currency"] or "EUR"
    row = {
        "id": "AW1",
        "customer_id": "C1",
        "kind": "invoice",
        "issue_date": "2026-01-01",
        "due_date": "2026-01-31",
        "amount": "5.00",
        "currency": "EUR",
        "flag": "no",
    }
    row[awkward[0]] = awkward[1]
    rows.insert(where % (len(rows) + 1), row)
    path = _write(tmp_path_factory.mktemp("awkward") / "open.csv", mapping, rows, layout)
    ours, theirs = _both(path, mapping, as_of=AS_OF)
    _assert_same(ours, theirs)
    assert isinstance(theirs, AgingReport), theirs


# -- examples -------------------------------------------------------------------------


def _small(tmp_path: Path) -> Path:
    path = tmp_path / "open.csv"
    path.write_text(
        "id,customer_id,kind,issue_date,due_date,amount,currency,flag\n"
        "I1,C1,invoice,2026-01-05,2026-02-04,400.00,EUR,no\n"
        "I2,C1,invoice,2026-03-01,2026-03-31,1250,EUR,yes\n"
        "P7,C1,payment,2026-02-10,,-50.00,EUR,\n"
        "I3,C2,invoice,2025-10-01,2025-10-31,99,JPY,no\n"
        "I4,C2,invoice,2025-10-01,2025-10-31,1.125,BHD,no\n",
        encoding="utf-8",
    )
    return path


@needs_polars
def test_a_small_export_by_hand(tmp_path: Path) -> None:
    path = _small(tmp_path)
    report = age_open_items(path, mapping=PLAIN, as_of=AS_OF, engine="polars")
    assert report == age_open_items(path, mapping=PLAIN, as_of=AS_OF)
    assert report.to_rows(by="total") == [
        {
            "currency": "BHD",
            "Not yet due": "0.000",
            "1-30": "0.000",
            "31-60": "0.000",
            "61-90": "0.000",
            "91-120": "0.000",
            "Over 120": "1.125",
            "unapplied": "0.000",
            "total": "1.125",
            "disputed": "0.000",
            "count": 1,
            "oldest_days": 151,
        },
        {
            "currency": "EUR",
            "Not yet due": "1250.00",
            "1-30": "0.00",
            "31-60": "400.00",
            "61-90": "0.00",
            "91-120": "0.00",
            "Over 120": "0.00",
            "unapplied": "-50.00",
            "total": "1600.00",
            "disputed": "1250.00",
            "count": 3,
            "oldest_days": 55,
        },
        {
            "currency": "JPY",
            "Not yet due": "0",
            "1-30": "0",
            "31-60": "0",
            "61-90": "0",
            "91-120": "0",
            "Over 120": "99",
            "unapplied": "0",
            "total": "99",
            "disputed": "0",
            "count": 1,
            "oldest_days": 151,
        },
    ]


@needs_polars
def test_zero_cells_share_one_zero_per_currency_as_on_the_pure_path(tmp_path: Path) -> None:
    """Most cells of a large report are zero; the engine's report shares its currency's
    zero among them as the pure path's does, so its rows share one Money per zero
    (building the rows of a million-line report took 3.8-4.7 s with a zero per cell,
    1.7-1.9 s shared)."""
    path = _small(tmp_path)
    for engine in ("polars", "python"):
        report = age_open_items(path, mapping=PLAIN, as_of=AS_OF, engine=engine)  # type: ignore[arg-type]
        zeros = [
            money
            for row in report.rows
            for money in (*row.amounts, row.unapplied, row.disputed)
            if not money.amount
        ]
        shared = {(id(money), money.currency) for money in zeros}
        assert len(zeros) > len(shared) == len({money.currency for money in zeros}), engine


@needs_polars
def test_an_empty_export(tmp_path: Path) -> None:
    path = tmp_path / "open.csv"
    path.write_text("id,customer_id,issue_date,due_date,amount,currency\n", encoding="utf-8")
    report = age_open_items(path, as_of=AS_OF, engine="polars")
    assert report.rows == ()
    assert report == age_open_items(path, as_of=AS_OF)


@needs_polars
def test_a_missing_column_is_the_pure_paths_error(tmp_path: Path) -> None:
    path = tmp_path / "open.csv"
    path.write_text("id,customer_id,issue_date,amount,currency\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="missing column 'due_date'"):
        age_open_items(path, as_of=AS_OF, engine="polars")


@pytest.mark.parametrize(
    ("mapping", "options", "named"),
    [
        (ColumnMapping(date_format="%d.%m.%Y"), {}, "date_format '%d.%m.%Y'"),
        (
            ColumnMapping(decimal_separator=",", delimiter=";"),
            {},
            "decimal_separator ','",
        ),
        (ColumnMapping(encoding="cp1252"), {}, "encoding 'cp1252'"),
        (ColumnMapping(due_days=30), {}, "the mapping's due_days (30)"),
        (ColumnMapping(original_amount="gross"), {}, "the mapping's original_amount ('gross')"),
        (
            PLAIN,
            {
                "currency": "EUR",
                "rates": RateTable.from_mapping({"2026-03-01": {"USD": "1.1"}}, base="EUR"),
            },
            "converting into a reporting currency",
        ),
    ],
)
def test_options_the_engine_lacks_are_refused(
    tmp_path: Path, mapping: ColumnMapping, options: dict[str, Any], named: str
) -> None:
    # refused before polars is even imported, so this runs without polars too
    with pytest.raises(ValidationError, match=r"^engine: engine='polars' does not support") as info:
        age_open_items(_small(tmp_path), mapping=mapping, as_of=AS_OF, engine="polars", **options)
    assert named in str(info.value)


def test_an_unknown_engine_is_refused(tmp_path: Path) -> None:
    with pytest.raises(
        ValidationError, match="engine: expected 'python' or 'polars', got 'pandas'"
    ):
        age_open_items(_small(tmp_path), mapping=PLAIN, as_of=AS_OF, engine="pandas")  # type: ignore[arg-type]


def test_without_polars_the_error_names_the_extra(tmp_path: Path) -> None:
    real = importlib.import_module

    def no_polars(name: str, *args: Any) -> Any:
        if name == "polars":
            raise ImportError("No module named 'polars'")
        return real(name, *args)

    with (
        mock.patch("importlib.import_module", no_polars),
        pytest.raises(CredkitError, match=r"pip install 'credkit-b2b\[polars\]'"),
    ):
        age_open_items(_small(tmp_path), mapping=PLAIN, as_of=AS_OF, engine="polars")


def test_the_pure_path_never_imports_the_engine(tmp_path: Path) -> None:
    with mock.patch.dict("sys.modules", {"credkit.io._polars": None}):
        report = age_open_items(_small(tmp_path), mapping=PLAIN, as_of=AS_OF)
    assert report.total("EUR").count == 3


def test_the_whitespace_the_engine_leaves_to_the_pure_path_is_what_strip_removes() -> None:
    import sys

    from credkit.io._polars import _WHITESPACE

    everything = "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace())
    assert everything == _WHITESPACE


def test_the_buckets_the_engine_computes_match_index_for() -> None:
    for buckets in (STANDARD, Buckets.from_edges([15, 45]), Buckets.from_edges([])):
        uppers = [b.max_days for b in buckets if b.max_days is not None]
        for days in range(-5, 200):
            assert sum(days > u for u in uppers) == buckets.index_for(days)


# -- the command ----------------------------------------------------------------------


@needs_polars
def test_credkit_age_engine_polars_prints_the_same_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from credkit.cli import main

    path = _small(tmp_path)
    mapping = tmp_path / "mapping.toml"
    mapping.write_text('kind = "kind"\ndisputed = "flag"\n', encoding="utf-8")
    printed = []
    for engine in ("python", "polars"):
        command = ["age", str(path), "--as-of", "2026-03-31", "--mapping", str(mapping)]
        assert main([*command, "--format", "csv", "--engine", engine]) == 0
        printed.append(capsys.readouterr().out)
    assert printed[0] == printed[1]
    assert "C2,,JPY,0,0,0,0,0,99,0,99,0,1,151" in printed[1]  # no names in an export


def test_credkit_age_engine_polars_takes_only_an_open_item_export(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from credkit.cli import main

    assert main(["sample", "--out", str(tmp_path), "--customers", "3"]) == 0
    capsys.readouterr()
    assert main(["age", str(tmp_path), "--as-of", "2026-03-31", "--engine", "polars"]) != 0
    assert "--engine: polars ages a single open-item export" in capsys.readouterr().err
