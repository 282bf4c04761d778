"""Reading CSV files with line numbers, and parsing their cells; shared by credkit.io."""

from __future__ import annotations

import csv
import datetime
import io
import itertools
import os
import re
from collections.abc import Collection, Iterator, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Final, TextIO

from credkit._validate import iso_day
from credkit.errors import ValidationError

_TRUE: Final = frozenset({"true", "yes", "y", "1", "x"})
_FALSE: Final = frozenset({"false", "no", "n", "0", ""})
_SPACES: Final = ("\u00a0", "\u202f")


def _decode(path: Path, data: bytes, encoding: str) -> str:
    codec = "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ValidationError(
            f"{path}, line {line}: byte {data[error.start : error.start + 1]!r} is not valid "
            f"{encoding}; set the mapping's encoding (for example 'cp1252' or 'latin-1' for "
            "older Windows exports)"
        ) from None
    return text.removeprefix("\ufeff")


MAX_STREAM_BYTES = 256 * 2**20
"""The most credkit reads from a pipe or device (not a regular file): 256 MiB. A regular
file is read in blocks, whatever its size."""

_BLOCK_CHARS: Final = 1 << 16
"""About how many characters a block of rows holds (it always ends at a line end).

Small enough for a block's cells to stay in the processor's caches: aging a million
lines took 2.3 s with blocks of 64 Ki characters and 3.1 s with 1 Mi."""

_ASCII_SPACES: Final = " \t\x0b\x0c\x1c\x1d\x1e\x1f"
"""The ASCII characters ``str.strip`` removes, but for line ends (no cell holds one)."""

_CSV_BLOCK_ROWS: Final = 1024
"""Rows per block where the file is read with the csv module (quoted cells)."""


class Block:
    """Consecutive data rows of a table, kept as one flat list of cells.

    Row ``i`` is ``flat[i * width:(i + 1) * width]`` and was read from line
    ``lines[i]``; :meth:`column` gives one column of the block as a list (the cells as
    written, not trimmed). ``trimmed`` says that no cell has spaces or other
    whitespace to trim, so that trimming can be skipped.
    """

    __slots__ = ("flat", "lines", "trimmed", "width")

    def __init__(
        self, lines: Sequence[int], flat: list[str], width: int, *, trimmed: bool = False
    ) -> None:
        self.lines = lines
        self.flat = flat
        self.width = width
        self.trimmed = trimmed

    def __len__(self) -> int:
        return len(self.lines)

    def column(self, position: int) -> list[str]:
        """The cells at ``position`` of every row, in row order."""
        return self.flat[position :: self.width]

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """The block's rows as (line number, cells)."""
        flat, width = self.flat, self.width
        for index, line in enumerate(self.lines):
            yield line, flat[index * width : (index + 1) * width]


def _cells(body: str, delimiter: str, width: int, count: int) -> list[str] | None:
    """The cells of ``count`` lines (``body``, without its last line end), row after row,
    if every line has exactly ``width`` cells; else None (a blank, short or long line).

    Each line end is made a cell of its own, between two delimiters, so that one
    ``str.split`` cuts the whole body: the lines have ``width`` cells each exactly when
    there are ``count * (width + 1) - 1`` cells and every ``width + 1``-th one is a line
    end (no other cell holds one). Checking so costs a slice of the cells; splitting
    the body into lines to count the delimiters of each cost a string and a call per
    line, close to a tenth of the time of aging a million lines.
    """
    flat = body.replace("\n", f"{delimiter}\n{delimiter}").split(delimiter)
    if len(flat) != count * (width + 1) - 1:
        return None
    if flat[width :: width + 1].count("\n") != count - 1:
        return None
    del flat[width :: width + 1]
    return flat


class Table:
    """A CSV file: its header, where each wanted column is, and its data rows.

    The header is read when the table is made; the rows are read as the caller asks for
    them, a block at a time, so that a large file is never held in memory whole (a pipe,
    which can be read only once, is). A block whose lines all have the header's number
    of fields, with no quotes, stray carriage returns or over-long cells, is split with
    ``str.split``, which cuts it up as the csv module would; from the first other block
    on, the csv module reads the rest of the file.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        columns: Sequence[str],
        optional: Collection[str] = (),
        delimiter: str = ",",
        encoding: str = "utf-8",
        strip: bool = True,
    ) -> None:
        self.path = Path(path)
        self.name = str(path)
        self.strip = strip
        self.delimiter = delimiter
        self.encoding = encoding
        # A regular file is opened again for its rows; a pipe or a device can be read
        # only once, so it is read whole here
        self._text: str | None = None
        if not self.path.is_file():
            try:
                with self.path.open("rb") as stream:  # at most the limit: /dev/zero never ends
                    data = stream.read(MAX_STREAM_BYTES + 1)
            except OSError as error:
                raise ValidationError(
                    f"{self.name}: cannot read the file ({error.strerror or error})"
                ) from None
            if len(data) > MAX_STREAM_BYTES:
                raise ValidationError(
                    f"{self.name}: not a regular file and larger than {MAX_STREAM_BYTES:,} "
                    "bytes, the most credkit reads from a pipe or device; save it to a file"
                )
            self._text = _decode(self.path, data, encoding)
        wanted = [c for c in columns if c not in optional]
        with self._open() as file:
            try:
                lines = iter(file)
                first = next(lines, "").removeprefix("\ufeff")
                reader = csv.reader(
                    itertools.chain([first], lines), delimiter=delimiter, strict=True
                )
                try:
                    header = next(reader, None)
                except csv.Error as error:
                    raise ValidationError(
                        f"{self.name}, line 1: not readable as CSV ({error})"
                    ) from None
                if header is None or (not "".join(header).strip() and not file.read().strip()):
                    listed = ", ".join(wanted) or ", ".join(columns)
                    raise ValidationError(
                        f"{self.name}: the file is empty; expected a header line with the "
                        f"columns {listed}"
                    )
            except UnicodeDecodeError:
                raise self._decode_error() from None
        self._header_lines = reader.line_num
        self.header = [name.strip() for name in header]
        positions: dict[str, list[int]] = {}
        for index, name in enumerate(self.header):
            positions.setdefault(name, []).append(index)
        missing = [c for c in wanted if c not in positions]
        if missing:
            found = ", ".join(repr(n) for n in self.header if n) or "none"
            hint = ""
            if len(self.header) == 1 and delimiter not in ";\t" and ";" in header[0]:
                hint = "; the file looks semicolon-separated: set delimiter = ';'"
            raise ValidationError(
                f"{self.name}, line 1: missing column{'s' if len(missing) > 1 else ''} "
                f"{', '.join(repr(c) for c in missing)}; the file has the columns {found}{hint}"
            )
        self.index: dict[str, int | None] = {}
        for column in columns:
            where = positions.get(column)
            if where and len(where) > 1:
                raise ValidationError(
                    f"{self.name}, line 1, column {column}: appears {len(where)} times (at "
                    f"positions {', '.join(str(i + 1) for i in where)}); cannot tell which to read"
                )
            self.index[column] = where[0] if where else None
        self.width = len(header)

    def _open(self) -> TextIO:
        if self._text is not None:
            return io.StringIO(self._text, newline="")
        codec = self.encoding
        if codec.lower().replace("_", "-") in ("utf-8", "utf8"):
            codec = "utf-8-sig"
        try:
            return self.path.open(encoding=codec, newline="")
        except OSError as error:
            raise ValidationError(
                f"{self.name}: cannot read the file ({error.strerror or error})"
            ) from None

    def _decode_error(self) -> ValidationError:
        """The error for a byte the encoding cannot decode, naming its line."""
        try:
            data = self.path.read_bytes()
            _decode(self.path, data, self.encoding)
        except ValidationError as error:
            return error
        except OSError as error:  # pragma: no cover - the file went away while being read
            return ValidationError(f"{self.name}: cannot read the file ({error.strerror or error})")
        return ValidationError(  # pragma: no cover - the file changed while being read
            f"{self.name}: not valid {self.encoding}"
        )

    def has(self, column: str) -> bool:
        """Whether the file has ``column``."""
        return self.index.get(column) is not None

    def blocks(self) -> Iterator[Block]:
        """The data rows in blocks of consecutive rows; blank lines are skipped."""
        with self._open() as file:
            try:
                for _ in range(self._header_lines):
                    file.readline()
                done = self._header_lines
                while True:
                    text = file.read(_BLOCK_CHARS)
                    if not text:
                        return
                    if not text.endswith("\n"):
                        text += file.readline()
                    block = self._split(text, done)
                    if block is None:
                        source = itertools.chain(io.StringIO(text, newline=""), file)
                        yield from self._read_csv(source, done)
                        return
                    done += len(block)
                    yield block
            except UnicodeDecodeError:
                raise self._decode_error() from None

    def _split(self, text: str, done: int) -> Block | None:
        """``text`` (whole lines) split with ``str.split``, or None if only csv can read it."""
        if '"' in text or self.width < 2:
            return None
        if "\r" in text:
            text = text.replace("\r\n", "\n")
            if "\r" in text:
                return None
        body = text[:-1] if text.endswith("\n") else text
        delimiter, width = self.delimiter, self.width
        count = body.count("\n") + 1
        # no cell is longer than the csv module allows (no line is, if the block is not)
        limit = csv.field_size_limit()
        if len(body) > limit and max(map(len, body.split("\n"))) > limit:
            return None
        flat = _cells(body, delimiter, width, count)
        if flat is None:
            return None
        trimmed = body.isascii() and not any(space in body for space in _ASCII_SPACES)
        return Block(range(done + 1, done + 1 + count), flat, width, trimmed=trimmed)

    def _read_csv(self, source: Iterator[str], done: int) -> Iterator[Block]:
        reader = csv.reader(source, delimiter=self.delimiter, strict=True)
        width = self.width
        numbers: list[int] = []
        flat: list[str] = []
        line = 0
        while True:
            start = line + 1
            try:
                cells = next(reader)
            except StopIteration:
                break
            except csv.Error as error:
                raise ValidationError(
                    f"{self.name}, line {done + start}: not readable as CSV ({error})"
                ) from None
            line = reader.line_num
            if not cells or (len(cells) == 1 and not cells[0].strip()):
                continue
            if len(cells) != width:
                extra = cells[width:]
                if len(cells) < width or any(c.strip() for c in extra):
                    raise ValidationError(
                        f"{self.name}, line {done + start}: has {len(cells)} fields, the "
                        f"header has {width}; check the delimiter and the quoting"
                    )
                cells = cells[:width]
            numbers.append(done + start)
            flat.extend(cells)
            if len(numbers) == _CSV_BLOCK_ROWS:
                yield Block(numbers, flat, width)
                numbers, flat = [], []
        if numbers:
            yield Block(numbers, flat, width)

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """Data rows as (line number, cells); blank lines are skipped."""
        for block in self.blocks():
            yield from block.rows()

    def cell(self, cells: list[str], column: str) -> str | None:
        """The cell of ``column`` (None if the file has no such column)."""
        position = self.index.get(column)
        if position is None:
            return None
        value = cells[position]
        return value.strip() if self.strip else value

    def error(self, line: int, column: str | None, detail: str) -> ValidationError:
        """An error naming the file, the line and the column."""
        where = f", column {column}" if column else ""
        return ValidationError(f"{self.name}, line {line}{where}: {detail}")


# -- cells ----------------------------------------------------------------------------


def parse_date(text: str, date_format: str | None) -> datetime.date:
    """A date from ``text`` in ``date_format`` (None: strict ISO ``YYYY-MM-DD``)."""
    value = text.strip()
    try:
        if date_format is None or date_format == "%Y-%m-%d":
            # exactly YYYY-MM-DD (strptime would take 2026-1-31, fromisoformat 20260131);
            # fromisoformat on that shape is some 50 times faster than strptime
            return iso_day(value)
        return datetime.datetime.strptime(value, date_format).date()
    except ValueError:
        shown = "YYYY-MM-DD" if date_format is None else date_format
        raise ValueError(f"{text!r} is not a date in the format {shown}") from None


_NUMBER_CACHE: dict[tuple[str, str], tuple[re.Pattern[str], re.Pattern[str] | None]] = {}


def _patterns(decimal: str, thousands: str) -> tuple[re.Pattern[str], re.Pattern[str] | None]:
    key = (decimal, thousands)
    if key not in _NUMBER_CACHE:
        d = re.escape(decimal)
        plain = re.compile(rf"\d+(?:{d}\d+)?")
        grouped = (
            re.compile(rf"\d{{1,3}}(?:{re.escape(thousands)}\d{{3}})+(?:{d}\d+)?")
            if thousands
            else None
        )
        _NUMBER_CACHE[key] = (plain, grouped)
    return _NUMBER_CACHE[key]


def parse_amount(text: str, *, decimal: str = ".", thousands: str = "") -> Decimal:
    """An exact amount from ``text``: a sign in front or behind, digits, separators."""
    value = text.strip()
    negative = False
    if value.endswith("-"):
        negative, value = True, value[:-1].rstrip()
    if value.startswith(("-", "+")):
        if negative:
            raise ValueError(f"{text!r} is not an amount: it has two signs")
        negative, value = value[0] == "-", value[1:].lstrip()
    if thousands == " ":
        for space in _SPACES:
            value = value.replace(space, " ")
    plain, grouped = _patterns(decimal, thousands)
    if plain.fullmatch(value):
        digits = value
    elif grouped is not None and grouped.fullmatch(value):
        digits = value.replace(thousands, "")
    else:
        separators = f"the decimal separator {decimal!r}" + (
            f" and the thousands separator {thousands!r}" if thousands else ""
        )
        hint = ""
        if decimal == "." and re.fullmatch(r"[\d.]*,\d{1,2}", value):
            hint = "; for decimal commas set decimal_separator = ','"
        raise ValueError(f"{text!r} is not an amount written with {separators}{hint}")
    try:
        amount = Decimal(digits.replace(decimal, "."))
    except InvalidOperation:  # pragma: no cover - the patterns admit only digits
        raise ValueError(f"{text!r} is not an amount") from None
    return -amount if negative else amount


def parse_flag(text: str) -> bool:
    """A yes/no cell: true/yes/y/1/x or false/no/n/0/empty, in any case."""
    value = text.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(
        f"{text!r} is not a yes/no value; expected true, yes, 1 or x, or false, no, 0 or empty"
    )


def error_field(message: str) -> tuple[str | None, str]:
    """Split ``"field: detail"`` into its field and detail (None when there is no field)."""
    match = re.match(r"([A-Za-z_][A-Za-z0-9_]*): ", message)
    if match:
        return match.group(1), message[match.end() :]
    return None, message


class Row:
    """One data row; its accessors parse cells and remember the column last read."""

    __slots__ = ("cells", "column", "date_format", "decimal", "line", "table", "thousands")

    def __init__(
        self,
        table: Table,
        line: int,
        cells: list[str],
        *,
        date_format: str | None = None,
        decimal: str = ".",
        thousands: str = "",
    ) -> None:
        self.table = table
        self.line = line
        self.cells = cells
        self.column: str | None = None
        self.date_format = date_format
        self.decimal = decimal
        self.thousands = thousands

    def optional(self, column: str | None) -> str | None:
        """The cell, or None when it is empty or the file has no such column."""
        if column is None:
            return None
        self.column = column
        value = self.table.cell(self.cells, column)
        return value if value is not None and value.strip() else None

    def text(self, column: str, *, allow_empty: bool = False) -> str:
        """The cell; an empty cell is an error unless ``allow_empty``."""
        self.column = column
        value = self.table.cell(self.cells, column)
        if value is None:
            value = ""
        if not allow_empty and not value.strip():
            raise ValueError("is empty; a value is required")
        return value

    def date(self, column: str) -> datetime.date:
        """The cell as a date in the row's date format."""
        return parse_date(self.text(column), self.date_format)

    def amount(self, column: str) -> Decimal:
        """The cell as an exact amount with the row's separators."""
        return parse_amount(self.text(column), decimal=self.decimal, thousands=self.thousands)

    def flag(self, column: str | None) -> bool:
        """The cell as yes/no (False when the file has no such column)."""
        if column is None or not self.table.has(column):
            return False
        self.column = column
        return parse_flag(self.text(column, allow_empty=True))

    def fail(self, error: Exception, columns: dict[str, str] | None = None) -> ValidationError:
        """Turn an error raised while building this row's record into one naming the cell.

        A ``ValueError`` from a parser names the column last read; a
        :class:`ValidationError` from a record names its field, which ``columns`` maps
        to the file's column (fields that are columns already need no entry).
        """
        if isinstance(error, ValidationError):
            field, detail = error_field(error.message)
            column = (columns or {}).get(field or "", field)
            if column not in self.table.index:
                column, detail = None, error.message
            return self.table.error(self.line, column, detail)
        return self.table.error(self.line, self.column, str(error))
