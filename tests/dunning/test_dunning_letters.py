"""Dunning letters: sandboxed Jinja2 templates, babel formatting, clear errors."""

from __future__ import annotations

import sys
from datetime import date
from decimal import Decimal

import babel.dates
import babel.numbers
import pytest

from credkit.dunning import (
    ActionLine,
    Channel,
    ChargeTreatment,
    DunningAction,
    DunningHistory,
    DunningLadder,
    DunningLevel,
    Fee,
    dunning_run,
    render_letter,
)
from credkit.errors import CredkitError, ValidationError
from credkit.ledger import Customer, Invoice, Ledger
from credkit.money import Money

LINE = ActionLine(
    item_id="INV-7",
    issue_date=date(2026, 1, 5),
    due_date=date(2026, 2, 4),
    days_overdue=14,
    amount=Money.of("1250.5", "EUR"),
    original_amount=Money.of("1250.5", "EUR"),
    fee=Money.of("5.00", "EUR"),
    interest=Money.of("3.21", "EUR"),
)
ACTION = DunningAction(
    customer_id="C1",
    level=2,
    as_of=date(2026, 2, 18),
    channel=Channel.LETTER,
    requested_channel=Channel.LETTER,
    template="firm",
    ladder_id="std",
    ladder_version="1",
    charges=ChargeTreatment.SHOW,
    lines=(LINE,),
)

TEMPLATE = """\
{{ customer_name }}, {{ as_of | date }}
Reminder {{ level }}: {% for line in lines %}{{ line.item_id }} due {{ line.due_date | date('short') }}: {{ line.amount | money }}{% endfor %}
Fees: {{ fees | map('money') | join(', ') }}; interest: {{ interest[0] | money }}
{{ extra.signature }}
"""


def _money(amount: str, locale: str) -> str:
    """babel's own text for a euro amount, so that no CLDR release is written in here."""
    return babel.numbers.format_currency(Decimal(amount), "EUR", locale=locale)


def _date(day: date, format: str, locale: str) -> str:
    return str(babel.dates.format_date(day, format=format, locale=locale))


def test_amounts_and_dates_follow_the_customers_locale() -> None:
    german = render_letter(
        ACTION,
        TEMPLATE,
        locale="de_DE",
        customer_name="Acme GmbH",
        extra={"signature": "Buchhaltung"},
    )
    assert german == (
        f"Acme GmbH, {_date(date(2026, 2, 18), 'long', 'de_DE')}\n"
        f"Reminder 2: INV-7 due {_date(date(2026, 2, 4), 'short', 'de_DE')}: "
        f"{_money('1250.50', 'de_DE')}\n"
        f"Fees: {_money('5.00', 'de_DE')}; interest: {_money('3.21', 'de_DE')}\n"
        "Buchhaltung\n"
    )
    british = render_letter(
        ACTION, TEMPLATE, locale="en_GB", customer_name="Acme Ltd", extra={"signature": "AR"}
    )
    assert _date(date(2026, 2, 18), "long", "en_GB") in british
    assert (
        f"INV-7 due {_date(date(2026, 2, 4), 'short', 'en_GB')}: {_money('1250.50', 'en_GB')}"
        in british
    )
    # The locale reached babel: the two letters show the same amount differently.
    assert _money("1250.50", "de_DE") not in british


def test_a_letter_from_a_real_run() -> None:
    ledger = Ledger(
        customers=[Customer("C1", "Acme SARL", country="FR", currency="EUR")],
        invoices=[
            Invoice("F-1", "C1", date(2026, 1, 1), date(2026, 1, 31), Money.of("999.90", "EUR"))
        ],
    )
    ladder = DunningLadder(
        "l",
        version="1",
        levels=(DunningLevel(10, template="relance", fee=Fee.fixed(Money.of(40, "EUR"))),),
    )
    action = dunning_run(ledger, DunningHistory(), as_of=date(2026, 2, 10), ladder=ladder).actions[
        0
    ]
    text = render_letter(
        action,
        "{{ customer_name }} : {{ totals[0] | money }} + {{ fees[0] | money }} ({{ template }})",
        locale="fr_FR",
        customer_name="Acme SARL",
    )
    assert text == f"Acme SARL : {_money('999.90', 'fr_FR')} + {_money('40.00', 'fr_FR')} (relance)"


@pytest.mark.parametrize(
    "template",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ lines.__class__ }}",
        "{{ customer_name.__class__.__base__.__subclasses__() }}",
        "{% for c in ().__class__.__base__.__subclasses__() %}{{ c }}{% endfor %}",
        "{{ (lines|first).__init__.__globals__ }}",
        "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    ],
)
def test_templates_cannot_reach_python_internals(template: str) -> None:
    with pytest.raises(ValidationError, match=r"^template: "):
        render_letter(ACTION, template, locale="en_GB", customer_name="Acme")


def test_template_errors_are_validation_errors() -> None:
    with pytest.raises(ValidationError, match=r"^template: 'nme' is undefined"):
        render_letter(ACTION, "{{ nme }}", locale="en_GB", customer_name="Acme")
    with pytest.raises(ValidationError, match=r"^template: line 1: "):
        render_letter(ACTION, "{% for %}", locale="en_GB", customer_name="Acme")
    with pytest.raises(ValidationError, match=r"^template: the money filter needs an amount"):
        render_letter(ACTION, "{{ level | money }}", locale="en_GB", customer_name="Acme")
    with pytest.raises(ValidationError, match=r"^template: date format 'tiny' is not one of"):
        render_letter(ACTION, "{{ as_of | date('tiny') }}", locale="en_GB", customer_name="Acme")
    with pytest.raises(ValidationError, match=r"^template: rendering failed: ZeroDivisionError"):
        render_letter(ACTION, "{{ 1 / 0 }}", locale="en_GB", customer_name="Acme")
    with pytest.raises(ValidationError, match=r"^locale: 'xx_YY' is not a locale babel knows"):
        render_letter(ACTION, "hi", locale="xx_YY", customer_name="Acme")


def test_autoescape_for_html_mail() -> None:
    html = render_letter(
        ACTION,
        "<p>{{ customer_name }}</p>",
        locale="en_GB",
        customer_name="A & B <Ltd>",
        autoescape=True,
    )
    assert html == "<p>A &amp; B &lt;Ltd&gt;</p>"
    plain = render_letter(ACTION, "{{ customer_name }}", locale="en_GB", customer_name="A & B")
    assert plain == "A & B"


def test_without_jinja2_the_error_names_the_letters_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "jinja2", None)
    monkeypatch.setitem(sys.modules, "jinja2.sandbox", None)
    with pytest.raises(CredkitError, match=r"pip install 'credkit-b2b\[letters\]'"):
        render_letter(ACTION, "hi", locale="en_GB", customer_name="Acme")
