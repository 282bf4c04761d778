"""Statements of account as text, CSV and HTML, in the customer's locale.

- :func:`render_text`: a plain-text statement (amounts and dates formatted by babel in
  ``locale``); needs nothing beyond credkit's own dependencies.
- :func:`render_csv`: one row per line, with ``opening`` and ``closing`` rows per
  currency; amounts in plain digits and dates in ISO form whatever the locale, so
  that the file reads back into a spreadsheet or another system unchanged.
- :func:`render_html`: HTML from :data:`HTML_TEMPLATE` or a template of the host's.
- :func:`render_template`: any Jinja2 template (text or HTML) filled with
  :func:`statement_context`, in the sandbox of :mod:`credkit.dunning.letters`: the
  template can format and loop but cannot reach Python internals, undefined names
  fail, and the output is capped at :data:`~credkit.dunning.letters.MAX_LETTER_CHARS`.
  Templates use the filters ``money`` and ``date`` (``{{ line.on | date('short') }}``)
  as letters do. Jinja2 is the ``letters`` extra: without it these raise
  :class:`~credkit.errors.CredkitError` naming the extra.

>>> from datetime import date
>>> from credkit.ledger import Customer, Invoice, Ledger
>>> from credkit.money import Money
>>> from credkit.statement.account import statement
>>> ledger = Ledger(
...     customers=[Customer("C1", "Acme GmbH", country="DE", currency="EUR")],
...     invoices=[Invoice("I1", "C1", date(2026, 3, 2), date(2026, 4, 1), Money.of("80.00", "EUR"))],
... )
>>> account = statement(ledger, "C1", as_of=date(2026, 3, 31))
>>> print(render_csv(account).splitlines()[2])
C1,EUR,2026-03-02,invoice,I1,,2026-04-01,80.00,,80.00
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Mapping, Sequence
from typing import Any, Final

import babel.dates

from credkit._validate import check_locale, describe
from credkit.dunning.letters import _environment, _render
from credkit.errors import ValidationError
from credkit.money import Money
from credkit.statement.account import LineKind, Statement, StatementLine

__all__ = [
    "CSV_COLUMNS",
    "HTML_TEMPLATE",
    "render_csv",
    "render_html",
    "render_template",
    "render_text",
    "statement_context",
]


_KIND_LABELS: Final = {
    LineKind.INVOICE: "Invoice",
    LineKind.CREDIT_NOTE: "Credit note",
    LineKind.PAYMENT: "Payment",
    LineKind.ALLOCATION: "Applied",
}

CSV_COLUMNS: Final = (
    "customer_id",
    "currency",
    "date",
    "kind",
    "document_id",
    "reference",
    "due_date",
    "amount",
    "applied",
    "balance",
)
"""The columns of :func:`render_csv`."""

HTML_TEMPLATE: Final = """\
<!DOCTYPE html>
<html lang="{{ language }}">
<head><meta charset="utf-8"><title>Statement of account {{ customer_id }}</title></head>
<body>
<h1>Statement of account</h1>
<p>{{ customer_name }} ({{ customer_id }})<br>
{{ period_from | date }} &ndash; {{ as_of | date }}</p>
{% for section in sections %}
<h2>{{ section.currency }}</h2>
<table>
<thead><tr><th>Date</th><th>Type</th><th>Document</th><th>Reference</th><th>Due date</th>\
<th>Amount</th><th>Balance</th></tr></thead>
<tbody>
<tr><td colspan="6">Opening balance</td><td>{{ section.opening | money }}</td></tr>
{% for line in section.lines %}\
<tr><td>{{ line.on | date('medium') }}</td><td>{{ line.label }}</td><td>{{ line.document_id }}</td>\
<td>{{ line.reference or '' }}</td>\
<td>{% if line.due_date %}{{ line.due_date | date('medium') }}{% endif %}</td>\
<td>{% if line.applied %}({{ line.applied | money }}){% else %}{{ line.amount | money }}{% endif %}</td>\
<td>{{ line.balance | money }}</td></tr>
{% endfor %}\
<tr><td colspan="6">Closing balance</td><td>{{ section.closing | money }}</td></tr>
</tbody>
</table>
<h3>Aging on {{ as_of | date }}</h3>
<table>
<tr>{% for label in bucket_labels %}<th>{{ label }}</th>{% endfor %}<th>Unapplied</th><th>Total</th></tr>
<tr>{% for amount in section.aging %}<td>{{ amount | money }}</td>{% endfor %}\
<td>{{ section.unapplied | money }}</td><td>{{ section.closing | money }}</td></tr>
</table>
{% endfor %}\
{% if not sections %}<p>No documents and no balance in this period.</p>{% endif %}
</body>
</html>
"""
"""The HTML layout :func:`render_html` uses unless given another template.

Its context is :func:`statement_context`.
"""


def _check(value: object) -> Statement:
    if not isinstance(value, Statement):
        raise ValidationError(f"statement: expected a Statement, got {describe(value)}")
    return value


def _line_context(line: StatementLine) -> dict[str, Any]:
    return {
        "on": line.on,
        "kind": line.kind.value,
        "label": _KIND_LABELS[line.kind],
        "document_id": line.document_id,
        "reference": line.reference,
        "due_date": line.due_date,
        "amount": line.amount,
        "applied": line.applied,
        "balance": line.balance,
        "disputed": line.disputed,
    }


def statement_context(statement: Statement, *, locale: str) -> dict[str, Any]:
    """The values a statement template sees (amounts stay :class:`~credkit.money.Money`).

    ``customer_id``, ``customer_name``, ``period_from``, ``as_of``, ``locale``,
    ``language`` (for ``<html lang>``), ``bucket_labels`` and ``sections``: one mapping
    per currency with ``currency``, ``opening``, ``closing``, ``invoiced``,
    ``credited``, ``received``, ``aging`` (one amount per bucket), ``unapplied`` and
    ``lines`` (``on``, ``kind``, ``label``, ``document_id``, ``reference``,
    ``due_date``, ``amount``, ``applied``, ``balance``, ``disputed``).

    >>> from datetime import date
    >>> from credkit.ledger import Customer
    >>> empty = Statement(Customer("C1", "Acme", country="FR", currency="EUR"),
    ...                   period_from=date(2026, 1, 1), as_of=date(2026, 1, 31), sections=())
    >>> context = statement_context(empty, locale="fr_FR")
    >>> context["language"], context["sections"]
    ('fr', [])
    """
    chosen = check_locale(locale)
    account = _check(statement)
    sections = []
    for section in account.sections:
        aging = section.aging
        sections.append(
            {
                "currency": section.currency,
                "opening": section.opening,
                "closing": section.closing,
                "invoiced": section.invoiced,
                "credited": section.credited,
                "received": section.received,
                "aging": list(aging.amounts) if aging is not None else [],
                "unapplied": aging.unapplied if aging is not None else section.closing * 0,
                "lines": [_line_context(line) for line in section.lines],
            }
        )
    return {
        "customer_id": account.customer.id,
        "customer_name": account.customer.name,
        "period_from": account.period_from,
        "as_of": account.as_of,
        "locale": chosen,
        "language": babel.Locale.parse(chosen).language,
        "bucket_labels": list(account.buckets.labels),
        "sections": sections,
    }


def _date(value: datetime.date, locale: str, format: str = "medium") -> str:
    return str(babel.dates.format_date(value, format=format, locale=locale))


def render_template(
    statement: Statement,
    template: str,
    *,
    locale: str,
    autoescape: bool = False,
    extra: Mapping[str, Any] | None = None,
) -> str:
    """Render ``statement`` with the Jinja2 ``template`` source in the letters sandbox.

    The template sees :func:`statement_context` and ``extra`` (a mapping the host
    passes, e.g. its own address). ``autoescape`` turns on HTML escaping. Problems
    with the template raise :class:`~credkit.errors.ValidationError` naming
    ``template``; a missing Jinja2 raises :class:`~credkit.errors.CredkitError`.

    >>> from datetime import date
    >>> from credkit.ledger import Customer
    >>> empty = Statement(Customer("C1", "Acme", country="FR", currency="EUR"),
    ...                   period_from=date(2026, 1, 1), as_of=date(2026, 1, 31), sections=())
    >>> render_template(empty, "{{ customer_name }}, {{ as_of | date('long') }}", locale="fr_FR")
    'Acme, 31 janvier 2026'
    >>> render_template(empty, "{{ ''.__class__ }}", locale="fr_FR")
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: template: not allowed in a statement template: access to attribute '__class__' of 'str' object is unsafe.
    """
    if not isinstance(template, str):
        raise ValidationError(f"template: expected the template text, got {describe(template)}")
    if extra is not None and not isinstance(extra, Mapping):
        raise ValidationError(f"extra: expected a mapping, got {describe(extra)}")
    context = statement_context(statement, locale=locale)
    environment = _environment(context["locale"], autoescape=autoescape)
    context["extra"] = dict(extra or {})
    return _render(environment, template, context, what="statement")


def render_html(
    statement: Statement,
    *,
    locale: str = "en_GB",
    template: str | None = None,
    extra: Mapping[str, Any] | None = None,
) -> str:
    """The statement as an HTML page, from :data:`HTML_TEMPLATE` or ``template``.

    Values are HTML-escaped (a customer named ``<b>`` shows as ``&lt;b&gt;``).

    >>> from datetime import date
    >>> from credkit.ledger import Customer
    >>> empty = Statement(Customer("C1", "<b>Acme</b>", country="FR", currency="EUR"),
    ...                   period_from=date(2026, 1, 1), as_of=date(2026, 1, 31), sections=())
    >>> "&lt;b&gt;Acme&lt;/b&gt; (C1)" in render_html(empty, locale="en_GB")
    True
    """
    chosen = HTML_TEMPLATE if template is None else template
    return render_template(statement, chosen, locale=locale, autoescape=True, extra=extra)


def _columns(rows: Sequence[Sequence[str]], left: Sequence[bool]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(left))]
    return [
        "  ".join(
            cell.ljust(width) if is_left else cell.rjust(width)
            for cell, width, is_left in zip(row, widths, left, strict=True)
        ).rstrip()
        for row in rows
    ]


def render_text(
    statement: Statement,
    *,
    locale: str = "en_GB",
    template: str | None = None,
    extra: Mapping[str, Any] | None = None,
) -> str:
    """The statement as plain text; with ``template``, through :func:`render_template`.

    Without a template no Jinja2 is needed. Labels are in English; amounts and dates
    follow ``locale``. An allocation line shows the amount applied in brackets, since
    it does not change the balance.

    >>> from datetime import date
    >>> from credkit.ledger import Customer, Invoice, Ledger, Payment
    >>> from credkit.statement.account import statement as build
    >>> ledger = Ledger(
    ...     customers=[Customer("C1", "Acme GmbH", country="DE", currency="EUR")],
    ...     invoices=[Invoice("I1", "C1", date(2026, 1, 10), date(2026, 2, 9), Money.of("1000.00", "EUR"))],
    ...     payments=[Payment("P1", "C1", date(2026, 2, 12), Money.of("600.00", "EUR"))],
    ... ).apply_oldest_first("P1")
    >>> print(render_text(build(ledger, "C1", as_of=date(2026, 2, 28)), locale="en_GB"))
    Statement of account
    Acme GmbH (C1)
    1 Feb 2026 - 28 Feb 2026
    <BLANKLINE>
    EUR
    Date         Type             Document  Reference  Due date     Amount    Balance
    -----------  ---------------  --------  ---------  --------  ---------  ---------
                 Opening balance                                            €1,000.00
    12 Feb 2026  Payment          P1                              -€600.00    €400.00
    12 Feb 2026  Applied          P1        I1                   (€600.00)    €400.00
                 Closing balance                                              €400.00
    <BLANKLINE>
    Aging on 28 Feb 2026: Not yet due €0.00, 1-30 €400.00, 31-60 €0.00, 61-90 €0.00, 91-120 €0.00, Over 120 €0.00; unapplied €0.00; total €400.00
    """
    if template is not None:
        return render_template(statement, template, locale=locale, extra=extra)
    context = statement_context(statement, locale=locale)
    chosen = context["locale"]
    out = [
        "Statement of account",
        f"{context['customer_name']} ({context['customer_id']})",
        f"{_date(context['period_from'], chosen)} - {_date(context['as_of'], chosen)}",
    ]
    if not context["sections"]:
        out += ["", "No documents and no balance in this period."]
    header = ["Date", "Type", "Document", "Reference", "Due date", "Amount", "Balance"]
    left = [True, True, True, True, True, False, False]
    for section in context["sections"]:
        rows = [header, ["-" * len(h) for h in header]]
        rows.append(["", "Opening balance", "", "", "", "", section["opening"].format(chosen)])
        for line in section["lines"]:
            amount = (
                f"({line['applied'].format(chosen)})"
                if line["applied"] is not None
                else line["amount"].format(chosen)
            )
            rows.append(
                [
                    _date(line["on"], chosen),
                    line["label"] + (" (disputed)" if line["disputed"] else ""),
                    line["document_id"],
                    line["reference"] or "",
                    "" if line["due_date"] is None else _date(line["due_date"], chosen),
                    amount,
                    line["balance"].format(chosen),
                ]
            )
        rows.append(["", "Closing balance", "", "", "", "", section["closing"].format(chosen)])
        widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
        rows[1] = ["-" * width for width in widths]
        aging = ", ".join(
            f"{label} {amount.format(chosen)}"
            for label, amount in zip(context["bucket_labels"], section["aging"], strict=True)
        )
        out += ["", section["currency"], *_columns(rows, left), ""]
        out.append(
            f"Aging on {_date(context['as_of'], chosen)}: {aging}; "
            f"unapplied {section['unapplied'].format(chosen)}; "
            f"total {section['closing'].format(chosen)}"
        )
    return "\n".join(out)


def _plain(money: Money) -> str:
    """The amount in plain digits with the currency's minor units (documents have no more)."""
    return f"{money.round().amount:f}"


def render_csv(statement: Statement) -> str:
    """The statement as CSV (:data:`CSV_COLUMNS`): opening row, lines, closing row per currency.

    >>> from datetime import date
    >>> from credkit.ledger import Customer
    >>> empty = Statement(Customer("C1", "Acme", country="FR", currency="EUR"),
    ...                   period_from=date(2026, 1, 1), as_of=date(2026, 1, 31), sections=())
    >>> render_csv(empty)
    'customer_id,currency,date,kind,document_id,reference,due_date,amount,applied,balance\\r\\n'
    """
    account = _check(statement)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    customer_id = account.customer.id
    opening_day = account.period_from.isoformat()
    for section in account.sections:
        code = section.currency
        writer.writerow(
            [customer_id, code, opening_day, "opening", "", "", "", "", "", _plain(section.opening)]
        )
        for line in section.lines:
            writer.writerow(
                [
                    customer_id,
                    code,
                    line.on.isoformat(),
                    line.kind.value,
                    line.document_id,
                    line.reference or "",
                    "" if line.due_date is None else line.due_date.isoformat(),
                    _plain(line.amount),
                    "" if line.applied is None else _plain(line.applied),
                    _plain(line.balance),
                ]
            )
        writer.writerow(
            [
                customer_id,
                code,
                account.as_of.isoformat(),
                "closing",
                "",
                "",
                "",
                "",
                "",
                _plain(section.closing),
            ]
        )
    return buffer.getvalue()
