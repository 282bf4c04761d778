"""The CSV table reader: blocks read with str.split must give what the csv module gives.

credkit.io reads files a block at a time and splits blocks without quotes with
``str.split``. These tests compare it, for many block sizes, with a plain reading of
the whole file by the csv module (the oracle below, which is how the reader worked
before it read in blocks): the same rows with the same line numbers, or the same error.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credkit.errors import ValidationError
from credkit.io import _table
from credkit.io._table import Table

HEADER = "a,b,c"


def _oracle(name: str, text: str) -> list[tuple[int, list[str]]]:
    """Rows as the csv module reads the whole text: skip blank lines, check widths."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), strict=True)
    width = len(next(reader))
    rows = []
    line = reader.line_num
    while True:
        start = line + 1
        try:
            cells = next(reader)
        except StopIteration:
            return rows
        except csv.Error as error:
            raise ValidationError(f"{name}, line {start}: not readable as CSV ({error})") from None
        line = reader.line_num
        if not cells or (len(cells) == 1 and not cells[0].strip()):
            continue
        if len(cells) != width:
            if len(cells) < width or any(c.strip() for c in cells[width:]):
                raise ValidationError(
                    f"{name}, line {start}: has {len(cells)} fields, the header has {width}; "
                    "check the delimiter and the quoting"
                )
            cells = cells[:width]
        rows.append((start, cells))


def _read(path: Path, block_chars: int) -> list[tuple[int, list[str]]]:
    with mock.patch.object(_table, "_BLOCK_CHARS", block_chars):
        return list(Table(path, columns=["a", "b", "c"]).rows())


def _outcome(read: object) -> object:
    try:
        return read()  # type: ignore[operator]
    except ValidationError as error:
        return ("error", error.message)


_CELL = st.text(alphabet='ab ,"\r\né', max_size=5)
_GOOD_LINE = st.lists(_CELL, min_size=3, max_size=3)
_RAW_LINE = st.text(alphabet='ab ,"\r\n', max_size=8)  # anything at all, often malformed


@st.composite
def csv_texts(draw: st.DrawFn) -> str:
    ending = draw(st.sampled_from(["\n", "\r\n"]))
    parts = [HEADER + ending]
    for _ in range(draw(st.integers(0, 12))):
        choice = draw(st.integers(0, 9))
        if choice < 6:
            buffer = io.StringIO(newline="")
            csv.writer(buffer, lineterminator=ending).writerow(draw(_GOOD_LINE))
            parts.append(buffer.getvalue())
        elif choice < 8:
            parts.append(draw(st.sampled_from(["", " ", "a,b", "a,b,c,", "a,b,c,d"])) + ending)
        else:
            parts.append(draw(_RAW_LINE))
    if draw(st.booleans()) and parts[-1].endswith(ending):
        parts[-1] = parts[-1][: -len(ending)]  # no line end after the last line
    return "".join(parts)


@settings(max_examples=300)
@given(text=csv_texts(), block_chars=st.integers(1, 64))
def test_blocks_read_what_the_csv_module_reads(
    tmp_path_factory: pytest.TempPathFactory, text: str, block_chars: int
) -> None:
    path = tmp_path_factory.mktemp("table") / "file.csv"
    path.write_bytes(text.encode("utf-8"))
    assert _outcome(lambda: _read(path, block_chars)) == _outcome(lambda: _oracle(str(path), text))


def test_a_large_plain_file_is_split_in_blocks_with_true_line_numbers(tmp_path: Path) -> None:
    lines = [f"x{i},{i},y" for i in range(5000)]
    lines.insert(2500, "")  # a blank line in the middle moves later line numbers by one
    path = tmp_path / "big.csv"
    path.write_text(HEADER + "\r\n" + "\r\n".join(lines) + "\r\n", encoding="utf-8")
    rows = _read(path, 4096)
    assert len(rows) == 5000
    assert rows[0] == (2, ["x0", "0", "y"])
    assert rows[2499] == (2501, ["x2499", "2499", "y"])
    assert rows[2500] == (2503, ["x2500", "2500", "y"])
    assert rows[-1] == (5002, ["x4999", "4999", "y"])


def test_a_short_and_a_long_line_in_one_block_are_not_split(tmp_path: Path) -> None:
    # together they hold as many cells as two good lines: still the short one is refused
    path = tmp_path / "uneven.csv"
    path.write_text(HEADER + "\n1,2,3\n4,5\n6,7,8,9\n", encoding="utf-8")
    with pytest.raises(ValidationError, match=r"line 3: has 2 fields, the header has 3"):
        _read(path, 1 << 16)


def test_a_quoted_newline_after_many_plain_blocks(tmp_path: Path) -> None:
    lines = [f"{i},{i},{i}" for i in range(300)] + ['"multi\nline",2,3', "4,5,6"]
    path = tmp_path / "quoted.csv"
    path.write_text(HEADER + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
    rows = _read(path, 100)
    assert rows[-2:] == [(302, ["multi\nline", "2", "3"]), (304, ["4", "5", "6"])]


def test_an_undecodable_byte_far_into_the_file_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    body = "".join(f"{i},{i},{i}\n" for i in range(2000))
    path.write_bytes((HEADER + "\n" + body).encode() + b"M\xfcller,1,2\n")
    with pytest.raises(ValidationError, match=r"line 2002: byte b'\\xfc' is not valid utf-8"):
        _read(path, 1024)


def test_bom_and_blank_files(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbfa,b,c\r\n1,2,3\r\n")
    assert _read(path, 8) == [(2, ["1", "2", "3"])]
    path.write_text(" \n\n  \n", encoding="utf-8")
    with pytest.raises(ValidationError, match="the file is empty; expected a header line"):
        _read(path, 8)
    path.write_text("\n\na,b,c\n", encoding="utf-8")  # a blank first line is not a header
    with pytest.raises(ValidationError, match="line 1: missing columns 'a', 'b', 'c'"):
        _read(path, 8)
