"""The one output convention of every ``credkit`` command: formats, JSON values, exit codes.

Private to :mod:`credkit.cli`. Every command takes ``--format table|json|csv``
(:func:`add_format_argument`) and prints through :func:`emit`:

- ``table``: plain text for people (the default);
- ``json``: one document, built by :func:`to_json` from the same values the table
  shows, and described by the command's JSON Schema in ``credkit/cli/schemas/``;
- ``csv``: one row per line of the table, snake_case headers, cells made safe against
  spreadsheet formulas (see :func:`~credkit.cli._common.safe_cell`; ``--raw-csv``
  turns that off).

JSON values follow one rule, by the type of the value:

- money is an object ``{"amount": "12.50", "currency": "EUR"}``, the amount exact;
- any other :class:`~decimal.Decimal` (ratios, percentages, averaged days, rates) is a
  decimal string such as ``"45.3"``, never a binary float;
- whole numbers (counts, whole days, scores, bucket edges) are JSON numbers;
- dates and times are ISO 8601 strings, enumerations their value, a missing value ``null``;
- aging buckets are a list of ``{label, lower, upper, amount}`` (:func:`bucket_list`), so
  that other bucket edges change the values, never the shape of the document.

Exit codes: :data:`OK` (0), :data:`FINDINGS` (1: holds, rejections, alerts, a failed
verification) and :data:`BAD_INPUT` (2: bad options or input, printed after
``credkit: error:``). :func:`for_user` rewrites the messages of the library into the
options the user typed.
"""

from __future__ import annotations

import argparse
import datetime
import enum
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import PurePath
from typing import Any, Final

import cattrs

from credkit.aging import Buckets
from credkit.cli._common import add_raw_csv_argument, csv_text
from credkit.errors import ValidationError
from credkit.money import Money

__all__ = [
    "BAD_INPUT",
    "COMMAND_OPTION_NAMES",
    "FINDINGS",
    "FORMATS",
    "OK",
    "OPTION_NAMES",
    "add_format_argument",
    "bucket_list",
    "decimal_text",
    "emit",
    "for_user",
    "json_text",
    "money",
    "snake",
    "to_json",
]

OK: Final = 0
"""Exit code: done, nothing to report."""
FINDINGS: Final = 1
"""Exit code: done, with findings: holds, rejections, alerts, a failed verification."""
BAD_INPUT: Final = 2
"""Exit code: bad options or input; the message follows ``credkit: error:``."""

FORMATS: Final = ("table", "json", "csv")
"""The values of ``--format``, the default first."""


def add_format_argument(
    parser: argparse.ArgumentParser, *, extra: Sequence[str] = (), help: str | None = None
) -> None:
    """Add ``--format table|json|csv`` (and ``extra`` formats) and ``--raw-csv`` to ``parser``.

    >>> parser = argparse.ArgumentParser()
    >>> add_format_argument(parser)
    >>> parser.parse_args(["--format", "json"]).format
    'json'
    """
    parser.add_argument(
        "--format",
        choices=(*FORMATS, *extra),
        default="table",
        help=help or "output format: table (default), json or csv",
    )
    add_raw_csv_argument(parser)


# -- JSON -----------------------------------------------------------------------------


def decimal_text(value: Decimal) -> str:
    """``value`` as a decimal string, exact and without an exponent.

    >>> decimal_text(Decimal("1E+2")), decimal_text(Decimal("-0.50"))
    ('100', '-0.50')
    """
    return format(value, "f")


def money(value: Money) -> dict[str, str]:
    """``value`` as JSON: the exact amount as a decimal string, and the currency.

    >>> money(Money.of("12.5", "EUR"))
    {'amount': '12.5', 'currency': 'EUR'}
    """
    return {"amount": decimal_text(value.amount), "currency": value.currency}


def _converter() -> cattrs.Converter:
    converter = cattrs.Converter()
    converter.register_unstructure_hook(Money, money)
    converter.register_unstructure_hook(Decimal, decimal_text)
    converter.register_unstructure_hook(float, lambda value: decimal_text(Decimal(repr(value))))
    converter.register_unstructure_hook(datetime.date, lambda value: value.isoformat())
    converter.register_unstructure_hook(datetime.datetime, lambda value: value.isoformat())
    converter.register_unstructure_hook(enum.Enum, lambda value: value.value)
    converter.register_unstructure_hook(PurePath, str)
    return converter


_CONVERTER: Final = _converter()


def to_json(value: object) -> Any:
    """``value`` as plain JSON values, by the rule of this module (cattrs unstructure).

    >>> import datetime
    >>> to_json({"total": Money.of("1200", "EUR"), "dso": Decimal("45.30"),
    ...          "count": 3, "as_of": datetime.date(2026, 3, 31)})
    {'total': {'amount': '1200', 'currency': 'EUR'}, 'dso': '45.30', 'count': 3, 'as_of': '2026-03-31'}
    """
    return _CONVERTER.unstructure(value)


def json_text(document: object) -> str:
    """``document`` as indented JSON text, its values converted by :func:`to_json`.

    >>> print(json_text({"amount": Money.of("1", "EUR")}))
    {
      "amount": {
        "amount": "1",
        "currency": "EUR"
      }
    }
    """
    return json.dumps(to_json(document), indent=2, ensure_ascii=False, default=str)


def bucket_list(buckets: Buckets, amounts: Sequence[Money]) -> list[dict[str, Any]]:
    """The aging buckets with their amounts: ``{label, lower, upper, amount}`` each.

    ``lower`` and ``upper`` are the bucket's days, both inclusive (``null``: open).

    >>> from credkit.aging import Buckets
    >>> two = Buckets.from_edges([30])
    >>> bucket_list(two, [Money.of(5, "EUR")] * 3)[1]
    {'label': '1-30', 'lower': 1, 'upper': 30, 'amount': {'amount': '5', 'currency': 'EUR'}}
    """
    return [
        {"label": b.label, "lower": b.min_days, "upper": b.max_days, "amount": money(a)}
        for b, a in zip(buckets, amounts, strict=True)
    ]


# -- CSV ------------------------------------------------------------------------------

_SNAKE: Final = re.compile(r"[a-z][a-z0-9_]*")


def snake(label: str) -> str:
    """``label`` as a snake_case CSV header: ``Not yet due`` is ``not_yet_due``.

    A label that starts with a digit gets ``days_`` in front (bucket labels).

    >>> snake("Not yet due"), snake("1-30"), snake("Over 120")
    ('not_yet_due', 'days_1_30', 'over_120')
    """
    text = re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")
    if not text or not text[0].isalpha():
        text = f"days_{text}"
    return text


def _cell(value: object) -> object:
    """A CSV cell by the JSON rule: exact decimals, ISO dates, ``true``/``false``, empty for none."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return decimal_text(value)
    if isinstance(value, datetime.date):  # a datetime too
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    return value


def _csv(header: Sequence[str], rows: Iterable[Sequence[object]], *, raw: bool) -> str:
    wrong = [name for name in header if not _SNAKE.fullmatch(name)]
    if wrong:
        raise ValidationError(f"header: {wrong[0]!r} is not a snake_case column name")
    return csv_text(header, ([_cell(value) for value in row] for row in rows), raw=raw)


# -- printing -------------------------------------------------------------------------

Rows = tuple[Sequence[str], Iterable[Sequence[object]]]


def emit(
    format: str,
    *,
    table: Callable[[], str],
    document: Callable[[], object],
    rows: Callable[[], Rows],
    raw: bool = False,
) -> str:
    """The output of ``format``: the ``table`` text, the JSON of ``document`` or CSV ``rows``.

    Each is a function, so that only the chosen output is built. ``rows`` returns the
    header (snake_case names) and the rows.

    >>> print(emit("csv", table=lambda: "", document=dict,
    ...            rows=lambda: (["customer_id", "note"], [["C1", "=1+1"]])))
    customer_id,note
    C1,'=1+1
    >>> emit("csv", table=str, document=dict, rows=lambda: (["Customer"], []))
    Traceback (most recent call last):
    credkit.errors.ValidationError: header: 'Customer' is not a snake_case column name
    """
    if format == "table":
        return table()
    if format == "json":
        return json_text(document())
    if format == "csv":
        header, body = rows()
        return _csv(header, body, raw=raw)
    raise ValidationError(
        f"--format: {format!r} is not a format; expected one of {', '.join(FORMATS)}"
    )


# -- messages -------------------------------------------------------------------------

OPTION_NAMES: Final[Mapping[str, str]] = {
    # the library's argument names, as the CLI's options
    "period_start": "--from",
    "period_end": "--to",
    "as_of": "--as-of",
    "replay_days": "--replay-days",
    "window_months": "--window-months",
    "min_invoices": "--min-invoices",
    "threshold_days": "--threshold-days",
}
"""The API's field names the CLI shows as the options a user typed (``period_end`` is ``--to``)."""

COMMAND_OPTION_NAMES: Final[Mapping[str, Mapping[str, str]]] = {
    # where a command's option has another name than the argument it becomes
    "kpi": {"months": "--monthly"},
    "forecast": {"window_months": "--as-of"},  # its payment history looks back from --as-of
    "report": {"window_months": "--as-of", "top": "--top"},
}
"""Per command, the field names that are another option there (only at a message's start
when the name is also a word, as ``months``)."""

_PHRASES: Final = (
    # (pattern, replacement): library wording that names Python values
    (
        re.compile(r"pass rates=? \(a (?:credkit\.fx\.)?RateSource[^)]*\)( and on=)?"),
        "pass --rates",
    ),
    (re.compile(r"needs a rate source \(rates=\.\.\.\)"), "needs --rates"),
    (
        re.compile(r"expected a credkit\.fx\.RateSource such as a RateTable, got NoneType None"),
        "needed; pass --rates RATES.csv",
    ),
    (re.compile(r"pass it as currency='([A-Z]{3})' \(for example\)"), r"pass --currency \1"),
    (re.compile(r"currency= to choose another"), "--currency to choose another"),
    (re.compile(r",? or pass format='json' or format='toml'"), ""),
    (re.compile(r",? got None\b"), ""),
)


def for_user(message: str, *, command: str | None = None) -> str:
    """``message`` of a library error, in the words of the command line.

    API field names become the options of :data:`OPTION_NAMES` (and, for ``command``, of
    :data:`COMMAND_OPTION_NAMES`); Python wording (``pass rates (a
    credkit.fx.RateSource)``, ``got None``) becomes the option to pass.

    >>> for_user("period_end: 2026-01-01 is before period_start 2026-03-31")
    '--to: 2026-01-01 is before --from 2026-03-31'
    >>> for_user("fee: pass rates (a credkit.fx.RateSource) to convert USD to EUR")
    'fee: pass --rates to convert USD to EUR'
    >>> for_user("months: 100000 months up to 2026-03-31 reach back too far", command="kpi")
    '--monthly: 100000 months up to 2026-03-31 reach back too far'
    """
    for pattern, replacement in _PHRASES:
        message = pattern.sub(replacement, message)
    for field, option in COMMAND_OPTION_NAMES.get(command or "", {}).items():
        if message.startswith(f"{field}: "):
            message = option + message[len(field) :]
    for field, option in OPTION_NAMES.items():
        message = re.sub(rf"(?<![\w-]){field}\b", option, message)
    return message
