"""Records for data frames, their text form and a small HTML table for notebooks.

Results that a notebook shows (:class:`~credkit.aging.AgingReport`,
:class:`~credkit.kpi.KPIReport`, :class:`~credkit.kpi.PaymentBehaviour`,
:class:`~credkit.policy.Decision`, :class:`~credkit.scoring.ScoreResult`,
:class:`~credkit.limits.LimitRecommendation`, :class:`~credkit.desk.MonitorRun`)
follow one convention, written down in the how-to guide *Use credkit in a notebook*:

- ``to_records()``: a list of dicts, one per row, with the same snake_case keys in
  the same order in every dict; values are ``str``, ``int``, ``bool``, ``Decimal``
  (exact, unrounded), ``datetime.date`` or ``None``. Money is a ``Decimal`` column
  with its currency in the row's ``currency`` column (or ``<name>_currency`` for an
  amount in another currency); enums are their values. ``pandas.DataFrame(records)``
  and ``polars.DataFrame(records)`` take the list as it is.
- ``to_rows()``: the same rows for CSV or JSON, with ``Decimal`` as plain decimal
  strings and dates as ISO strings (:func:`text_rows`).
- ``_repr_html_()``: the records as an escaped HTML table with a caption
  (:func:`html_table`), shortened to its first rows.

The escaping is the standard library's :func:`html.escape`, as in
:mod:`credkit.report.html`, whose table builder is tied to the report's style sheet.
"""

from __future__ import annotations

import datetime
import html
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Final

__all__ = ["LIMIT", "decimal_text", "html_table", "joined", "plain", "rows_caption", "text_rows"]

LIMIT: Final = 20
"""Rows an HTML table shows before it says how many more there are."""

_STYLE: Final = (
    "border-collapse:collapse;font-variant-numeric:tabular-nums;text-align:left",
    "border:1px solid #ccc;padding:2px 6px",
    "caption-side:top;font-weight:bold;text-align:left;padding:2px 0",
)


def decimal_text(value: Decimal) -> str:
    """A decimal in plain digits: ``str`` where it writes none, else without the exponent.

    >>> decimal_text(Decimal("12.50")), decimal_text(Decimal("1E+3"))
    ('12.50', '1000')
    """
    text = str(value)  # faster than format(), but may write an exponent
    return format(value, "f") if "E" in text else text


def plain(value: object) -> Any:
    """A record's value as text for CSV or JSON: decimals and dates as strings.

    ``Decimal`` becomes plain digits (never an exponent), a date its ISO form; ``str``,
    ``int``, ``bool`` and ``None`` stay as they are.

    >>> plain(Decimal("1E+3")), plain(datetime.date(2026, 1, 2)), plain(None), plain(3)
    ('1000', '2026-01-02', None, 3)
    """
    if isinstance(value, Decimal):
        return decimal_text(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def text_rows(records: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The records with every value made :func:`plain`.

    >>> text_rows([{"amount": Decimal("12.50"), "on": datetime.date(2026, 1, 2)}])
    [{'amount': '12.50', 'on': '2026-01-02'}]
    """
    return [{key: plain(value) for key, value in record.items()} for record in records]


def joined(values: Iterable[str]) -> str:
    """Several codes in one text column, separated by commas.

    >>> joined(["A", "B"]), joined([])
    ('A, B', '')
    """
    return ", ".join(values)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return html.escape(str(plain(value)), quote=True)


def _numeric(value: object) -> bool:
    return isinstance(value, int | Decimal) and not isinstance(value, bool)


def html_table(caption: str, records: Sequence[Mapping[str, Any]], *, limit: int = LIMIT) -> str:
    """An escaped HTML table of ``records`` with ``caption``, at most ``limit`` rows shown.

    One record is shown as a two-column table (field, value); several as one row each
    with the keys of the first as the header, followed by a line saying how many rows
    were left out. No script and no external style: the little style there is sits
    inline.

    >>> print(html_table("Two & more", [{"id": "<b>"}, {"id": "x"}, {"id": "y"}], limit=2))
    <table style="border-collapse:collapse;font-variant-numeric:tabular-nums;text-align:left">
    <caption style="caption-side:top;font-weight:bold;text-align:left;padding:2px 0">Two &amp; more</caption>
    <thead><tr><th style="border:1px solid #ccc;padding:2px 6px">id</th></tr></thead>
    <tbody>
    <tr><td style="border:1px solid #ccc;padding:2px 6px">&lt;b&gt;</td></tr>
    <tr><td style="border:1px solid #ccc;padding:2px 6px">x</td></tr>
    <tr><td style="border:1px solid #ccc;padding:2px 6px" colspan="1">… 1 more</td></tr>
    </tbody>
    </table>
    """
    table, cell, head = _STYLE
    parts = [f'<table style="{table}">', f'<caption style="{head}">{_cell(caption)}</caption>']

    def td(value: object, tag: str = "td") -> str:
        align = ";text-align:right" if _numeric(value) else ""
        return f'<{tag} style="{cell}{align}">{_cell(value)}</{tag}>'

    if len(records) == 1:
        parts.append("<tbody>")
        parts += [f"<tr>{td(key, 'th')}{td(value)}</tr>" for key, value in records[0].items()]
        parts.append("</tbody>")
    elif records:
        keys = list(records[0])
        parts.append("<thead><tr>" + "".join(td(key, "th") for key in keys) + "</tr></thead>")
        parts.append("<tbody>")
        shown = records[: max(limit, 0)]
        parts += ["<tr>" + "".join(td(row.get(key)) for key in keys) + "</tr>" for row in shown]
        if len(records) > len(shown):
            more = f"… {len(records) - len(shown)} more"
            parts.append(f'<tr><td style="{cell}" colspan="{len(keys)}">{more}</td></tr>')
        parts.append("</tbody>")
    parts.append("</table>")
    return "\n".join(parts)


def rows_caption(name: str, what: str, count: int) -> str:
    """``"AgingReport as of 2026-11-30, 12 rows"``: a caption naming the result and its size.

    >>> rows_caption("AgingReport", "as of 2026-11-30", 1)
    'AgingReport as of 2026-11-30, 1 row'
    """
    return f"{name} {what}, {count} row{'' if count == 1 else 's'}"
