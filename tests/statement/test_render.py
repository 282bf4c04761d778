"""Statements as text, CSV and HTML; templates in the letters sandbox."""

from __future__ import annotations

import csv
import io
import sys
from datetime import date

import pytest

from credkit.errors import CredkitError, ValidationError
from credkit.ledger import Customer, Invoice, Ledger, Payment
from credkit.money import Money
from credkit.statement import (
    CSV_COLUMNS,
    render_csv,
    render_html,
    render_template,
    render_text,
    statement,
)


def _account():  # type: ignore[no-untyped-def]
    ledger = Ledger(
        customers=[Customer("C1", "Müller & Söhne <GmbH>", country="DE", currency="EUR")],
        invoices=[
            Invoice("I1", "C1", date(2026, 1, 10), date(2026, 2, 9), Money.of("1234.50", "EUR")),
            Invoice("I2", "C1", date(2026, 2, 2), date(2026, 3, 4), Money.of("100", "USD")),
        ],
        payments=[Payment("P1", "C1", date(2026, 2, 12), Money.of("234.50", "EUR"))],
    ).apply_oldest_first("P1")
    return statement(ledger, "C1", as_of=date(2026, 2, 28))


def test_csv_has_opening_lines_and_closing_per_currency() -> None:
    rows = list(csv.DictReader(io.StringIO(render_csv(_account()))))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [
        (r["currency"], r["kind"], r["document_id"], r["amount"], r["balance"]) for r in rows
    ] == [
        ("EUR", "opening", "", "", "1234.50"),
        ("EUR", "payment", "P1", "-234.50", "1000.00"),
        ("EUR", "allocation", "P1", "0.00", "1000.00"),
        ("EUR", "closing", "", "", "1000.00"),
        ("USD", "opening", "", "", "0.00"),
        ("USD", "invoice", "I2", "100.00", "100.00"),
        ("USD", "closing", "", "", "100.00"),
    ]
    assert rows[2]["applied"] == "234.50"
    assert rows[2]["reference"] == "I1"
    assert rows[0]["date"] == "2026-02-01"
    assert rows[3]["date"] == "2026-02-28"


def test_text_is_localised() -> None:
    text = render_text(_account(), locale="de_DE")
    assert "01.02.2026 - 28.02.2026" in text
    assert "1.234,50\xa0€" in text  # opening balance, German conventions
    assert "100,00\xa0$" in text
    english = render_text(_account(), locale="en_US")
    assert "$100.00" in english
    assert "€1,234.50" in english


def test_html_escapes_and_localises() -> None:
    pytest.importorskip("jinja2")
    page = render_html(_account(), locale="fr_FR")
    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="fr">' in page
    assert "Müller &amp; Söhne &lt;GmbH&gt;" in page
    assert "1\u202f234,50\xa0€" in page
    assert page.count("<h2>") == 2


def test_templates_override_the_layout_in_the_sandbox() -> None:
    pytest.importorskip("jinja2")
    template = (
        "{% for s in sections %}{{ s.currency }}={{ s.closing | money }};{% endfor %}"
        "{{ extra.sender }}"
    )
    out = render_text(_account(), locale="en_GB", template=template, extra={"sender": "AR"})
    assert out == "EUR=€1,000.00;USD=US$100.00;AR"
    with pytest.raises(ValidationError, match="not allowed in a statement template"):
        render_html(_account(), template="{{ sections.__class__.__mro__ }}")
    with pytest.raises(ValidationError, match="template: 'nope' is undefined"):
        render_template(_account(), "{{ nope }}", locale="en_GB")
    with pytest.raises(ValidationError, match="template: line 1"):
        render_template(_account(), "{% for %}", locale="en_GB")
    with pytest.raises(ValidationError, match="would build a value of more than"):
        render_template(_account(), "{{ 'x' * 10**7 }}", locale="en_GB")


def test_unknown_locale_and_wrong_values_name_the_field() -> None:
    with pytest.raises(ValidationError, match="locale: 'xx_YY' is not a locale"):
        render_text(_account(), locale="xx_YY")
    with pytest.raises(ValidationError, match="statement: expected a Statement"):
        render_csv("nope")  # type: ignore[arg-type]


def test_without_jinja2_html_names_the_letters_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "jinja2", None)
    monkeypatch.setitem(sys.modules, "jinja2.sandbox", None)
    with pytest.raises(CredkitError, match="letters"):
        render_html(_account())
    # Plain text needs no Jinja2.
    assert render_text(_account()).startswith("Statement of account")
