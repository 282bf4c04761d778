"""Which column of an ERP export holds what, and how its dates and numbers are written.

ERP exports differ in column names, date formats, decimal separators and delimiters.
A :class:`ColumnMapping` states them once; it can be built in Python or loaded from a
TOML or JSON document with :func:`credkit.config.load`, and is what
:func:`~credkit.io.read_invoices`, :func:`~credkit.io.read_settlements` and
:func:`~credkit.io.read_open_items` take.

>>> from credkit.config import load
>>> mapping = load(ColumnMapping, '''
... document_id = "Belegnummer"
... customer_id = "Kunde"
... issue_date = "Belegdatum"
... due_date = "Fällig am"
... amount = "Betrag"
... currency = "Währung"
... date_format = "%d.%m.%Y"
... decimal_separator = ","
... delimiter = ";"
... ''', format="toml")
>>> mapping.due_date, mapping.thousands
('Fällig am', '.')
"""

from __future__ import annotations

import codecs
import datetime
from collections.abc import Mapping
from typing import Any, Final

import attrs

from credkit.errors import ConfigError, ValidationError
from credkit.ledger import DocumentKind
from credkit.money import Money

__all__ = ["ISO_DATE", "ColumnMapping"]

ISO_DATE: Final = "%Y-%m-%d"
"""The default date format: ISO 8601 calendar dates such as 2026-01-31."""

_THOUSANDS: Final = ("", ".", ",", " ", "'")
_DEFAULT_KINDS: Final = {kind.value: kind for kind in DocumentKind}


def _column(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    optional = attribute.default is None
    if value is None and optional:
        return
    if not isinstance(value, str) or not value.strip():
        accepted = "a column name" + (" or None (no such column)" if optional else "")
        raise ConfigError(f"expected {accepted}, got {value!r}", path=attribute.name)


def _kind_map(value: object) -> dict[str, DocumentKind]:
    if not isinstance(value, Mapping):
        raise ConfigError(
            "expected a table of cell values to document kinds such as "
            f"{{RE = 'invoice', GS = 'credit_note'}}, got {type(value).__name__} {value!r}",
            path="kind_values",
        )
    accepted = ", ".join(repr(k.value) for k in DocumentKind)
    result: dict[str, DocumentKind] = {}
    for key, kind in value.items():
        if not isinstance(key, str):
            raise ConfigError(f"expected text keys, got {key!r}", path="kind_values")
        if isinstance(kind, str):
            try:
                kind = DocumentKind(kind)
            except ValueError:
                raise ConfigError(
                    f"expected one of {accepted}, got {kind!r}", path=f"kind_values[{key}]"
                ) from None
        if not isinstance(kind, DocumentKind):
            raise ConfigError(
                f"expected one of {accepted}, got {kind!r}", path=f"kind_values[{key}]"
            )
        result[key.strip()] = kind
    if not result:
        raise ConfigError("needs at least one value", path="kind_values")
    return result


def _check_choice(name: str, value: object, accepted: tuple[str, ...]) -> None:
    if value not in accepted:
        listed = ", ".join(repr(a) for a in accepted)
        raise ConfigError(f"expected one of {listed}, got {value!r}", path=name)


@attrs.frozen
class ColumnMapping:
    """Where a CSV export keeps each value, and how it writes dates and numbers.

    Column fields name a header (compared after trimming spaces); the defaults are the
    column names of credkit's own ``invoices.csv``. Optional columns (``None``: the file
    has no such column):

    * ``currency``: the ISO 4217 code of each line. When ``default_currency`` is set,
      a file without this column, or an empty cell, means ``default_currency``;
      without ``default_currency`` the column is required and so is every cell.
      (``currency=None`` says outright that there is no such column.)
    * ``settled_on``: the date an invoice was paid in full (empty while it is open),
      needed by :func:`~credkit.io.read_settlements`;
    * ``disputed``: a yes/no cell (true/yes/1/x or false/no/0/empty);
    * ``kind``: the document type, translated with ``kind_values`` (cell value ->
      :class:`~credkit.ledger.DocumentKind`); used by :func:`~credkit.io.read_open_items`;
    * ``original_amount``: the document's full amount, for open items;
    * ``booked``: the amount in the company currency at the booking rate (ERPNext's
      "Base Grand Total", SAP's "Amount in local currency"; empty: none), whose
      currency is in the ``booked_currency`` column or, without one, is
      ``company_currency``. It becomes the ``booked`` amount of an invoice or open
      item (signed like ``amount`` for open items).
    * ``instalment``: for open items, the number of the instalment a line is of (a
      whole number from 1; empty: the line is the whole invoice), for exports with one
      receivable line per due date of an invoice (SAP FBL5N, Odoo's aged receivables).
      Each line becomes an :class:`~credkit.ledger.OpenItem` with that ``instalment``.

    ``due_days`` serves exports without a due-date column: a file that has no
    ``due_date`` column gets the issue date plus ``due_days`` as each invoice's due
    date (a file that has the column is read as it is).

    ``date_format`` is a :meth:`~datetime.datetime.strptime` pattern (``"%d.%m.%Y"``);
    ``decimal_separator`` is ``"."`` or ``","``; ``thousands_separator`` is one of
    ``""`` (none allowed), ``"."``, ``","``, ``" "`` (also no-break spaces) or ``"'"``,
    and by default the one that is not the decimal separator. Thousands separators must
    group digits in threes. A trailing minus (``1.234,56-``) is read as negative.
    ``delimiter`` separates fields (``","``, ``";"``, ``"\\t"``, ``"|"``); ``encoding``
    is a Python codec name (UTF-8 files may start with a byte-order mark).

    Problems raise :class:`~credkit.errors.ConfigError` naming the field.

    >>> ColumnMapping(currency=None, default_currency="EUR").currency is None
    True
    >>> ColumnMapping(currency=None)
    Traceback (most recent call last):
    ...
    credkit.errors.ConfigError: default_currency: required when currency is None (the file has no currency column)
    >>> ColumnMapping(date_format="%d.%m")
    Traceback (most recent call last):
    ...
    credkit.errors.ConfigError: date_format: '%d.%m' cannot hold a whole date (2026-01-31 comes back as 1900-01-31); include the day, the month and the year, such as '%d.%m.%Y'
    """

    document_id: str = attrs.field(default="id", kw_only=True, validator=_column)
    customer_id: str = attrs.field(default="customer_id", kw_only=True, validator=_column)
    issue_date: str = attrs.field(default="issue_date", kw_only=True, validator=_column)
    due_date: str = attrs.field(default="due_date", kw_only=True, validator=_column)
    amount: str = attrs.field(default="amount", kw_only=True, validator=_column)
    currency: str | None = attrs.field(default="currency", kw_only=True)
    settled_on: str | None = attrs.field(default=None, kw_only=True, validator=_column)
    disputed: str | None = attrs.field(default=None, kw_only=True, validator=_column)
    kind: str | None = attrs.field(default=None, kw_only=True, validator=_column)
    original_amount: str | None = attrs.field(default=None, kw_only=True, validator=_column)
    booked: str | None = attrs.field(default=None, kw_only=True, validator=_column)
    booked_currency: str | None = attrs.field(default=None, kw_only=True, validator=_column)
    instalment: str | None = attrs.field(default=None, kw_only=True, validator=_column)
    company_currency: str | None = attrs.field(default=None, kw_only=True)
    kind_values: dict[str, DocumentKind] = attrs.field(
        factory=lambda: dict(_DEFAULT_KINDS), kw_only=True, converter=_kind_map, hash=False
    )
    default_currency: str | None = attrs.field(default=None, kw_only=True)
    due_days: int | None = attrs.field(default=None, kw_only=True)
    date_format: str = attrs.field(default=ISO_DATE, kw_only=True)
    decimal_separator: str = attrs.field(default=".", kw_only=True)
    thousands_separator: str | None = attrs.field(default=None, kw_only=True)
    delimiter: str = attrs.field(default=",", kw_only=True)
    encoding: str = attrs.field(default="utf-8", kw_only=True)

    def __attrs_post_init__(self) -> None:
        if self.currency is not None and (
            not isinstance(self.currency, str) or not self.currency.strip()
        ):
            raise ConfigError(
                f"expected a column name or None (no such column), got {self.currency!r}",
                path="currency",
            )
        if self.default_currency is not None:
            try:
                Money.zero(self.default_currency)
            except ValidationError as error:
                raise ConfigError(
                    error.message.removeprefix("currency: "), path="default_currency"
                ) from None
        elif self.currency is None:
            raise ConfigError(
                "required when currency is None (the file has no currency column)",
                path="default_currency",
            )
        self._check_booked()
        self._check_date_format()
        if self.due_days is not None and (
            isinstance(self.due_days, bool)
            or not isinstance(self.due_days, int)
            or not 0 <= self.due_days <= 3650
        ):
            raise ConfigError(
                f"expected a whole number of days from 0 to 3650, got {self.due_days!r}",
                path="due_days",
            )
        _check_choice("decimal_separator", self.decimal_separator, (".", ","))
        if self.thousands_separator is not None:
            _check_choice("thousands_separator", self.thousands_separator, _THOUSANDS)
            if self.thousands_separator == self.decimal_separator:
                raise ConfigError(
                    f"{self.thousands_separator!r} is also the decimal separator; they must differ",
                    path="thousands_separator",
                )
        if (
            not isinstance(self.delimiter, str)
            or len(self.delimiter) != 1
            or self.delimiter in '\r\n"'
        ):
            raise ConfigError(
                f"expected one character such as ',', ';', '\\t' or '|', got {self.delimiter!r}",
                path="delimiter",
            )
        if self.delimiter == self.decimal_separator:
            raise ConfigError(
                f"{self.delimiter!r} is also the decimal separator, so '1,50' could be one "
                "amount or two fields; use ';' as the delimiter with decimal commas",
                path="delimiter",
            )
        try:
            codecs.lookup(self.encoding)
            "a".encode(self.encoding)  # refuses codecs that are not text encodings (rot13)
        except (LookupError, TypeError):
            raise ConfigError(
                f"{self.encoding!r} is not a text encoding Python knows; "
                "expected a name such as 'utf-8', 'cp1252' or 'latin-1'",
                path="encoding",
            ) from None

    def _check_booked(self) -> None:
        if self.company_currency is not None:
            try:
                Money.zero(self.company_currency)
            except ValidationError as error:
                raise ConfigError(
                    error.message.removeprefix("currency: "), path="company_currency"
                ) from None
        if self.booked is None:
            for name in ("booked_currency", "company_currency"):
                if getattr(self, name) is not None:
                    raise ConfigError(
                        f"is only read with booked (the column of the booked amount), "
                        f"got {getattr(self, name)!r} and booked None",
                        path=name,
                    )
        elif self.booked_currency is None and self.company_currency is None:
            raise ConfigError(
                "booked needs the currency of the booked amounts: a booked_currency column "
                "or a company_currency code such as 'EUR'",
                path="company_currency",
            )

    def _check_date_format(self) -> None:
        pattern = self.date_format
        if not isinstance(pattern, str) or "%" not in pattern:
            raise ConfigError(
                f"expected a strptime pattern such as '%d.%m.%Y' or '%Y-%m-%d', got {pattern!r}",
                path="date_format",
            )
        sample = datetime.date(2026, 1, 31)
        try:
            back = datetime.datetime.strptime(sample.strftime(pattern), pattern).date()
        except ValueError as error:
            raise ConfigError(
                f"{pattern!r} is not a usable strptime pattern ({error})", path="date_format"
            ) from None
        if back != sample:
            raise ConfigError(
                f"{pattern!r} cannot hold a whole date (2026-01-31 comes back as "
                f"{back.isoformat()}); include the day, the month and the year, "
                "such as '%d.%m.%Y'",
                path="date_format",
            )

    @property
    def thousands(self) -> str:
        """The thousands separator in force: as set, else the one that is not the decimal one.

        >>> ColumnMapping(decimal_separator=",", delimiter=";").thousands, ColumnMapping().thousands
        ('.', ',')
        """
        if self.thousands_separator is not None:
            return self.thousands_separator
        return "." if self.decimal_separator == "," else ","
