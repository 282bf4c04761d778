"""Letter templates from outside cannot exhaust memory or time (hostile-input review)."""

from __future__ import annotations

import time
from datetime import date

import pytest

from credkit.dunning import Channel, ChargeTreatment, DunningAction, render_letter
from credkit.dunning.letters import MAX_LETTER_CHARS, MAX_OPERAND_CHARS
from credkit.errors import ValidationError

pytest.importorskip("jinja2", reason="letters need the letters extra (Jinja2)")

ACTION = DunningAction(
    customer_id="C1",
    level=1,
    as_of=date(2026, 2, 1),
    channel=Channel.EMAIL,
    requested_channel=Channel.EMAIL,
    template="reminder",
    ladder_id="std",
    ladder_version="1",
    charges=ChargeTreatment.SHOW,
    lines=(),
)


def render(template: str) -> str:
    return render_letter(ACTION, template, locale="en_GB", customer_name="Acme")


@pytest.mark.parametrize(
    ("template", "message"),
    [
        # the review's findings: 10 GB of memory, 47 s of CPU
        ("{{ 'a' * 10**10 }}", r"str \* int would build a value of more than 100,000"),
        ("{{ (9**9999999) % 7 }}", r"int \*\* int would build a value of more than 100,000"),
        ("{{ 10 * 'a' * 10**6 }}", r"str \* int"),
        ("{{ [0] * 10**9 }}", r"list \* int"),
        ("{{ ('x' * 99999) + ('y' * 99999) }}", r"str \+ str"),
        (
            "{% for i in range(100000) %}{% for j in range(100) %}0123456789{% endfor %}{% endfor %}",
            r"longer than 1,000,000 characters",
        ),
    ],
)
def test_templates_that_would_exhaust_the_machine_are_refused_quickly(
    template: str, message: str
) -> None:
    started = time.perf_counter()
    with pytest.raises(ValidationError, match=rf"^template: .*{message}"):
        render(template)
    assert time.perf_counter() - started < 5  # refused, not computed


def test_ordinary_arithmetic_and_repetition_still_work() -> None:
    assert render("{{ '-' * 20 }} {{ 2 ** 10 }} {{ 1 + 2 }} {{ 'a' ~ 'b' }}") == (
        "-------------------- 1024 3 ab"
    )
    assert render(f"{{{{ 'x' * {MAX_OPERAND_CHARS} }}}}") == "x" * MAX_OPERAND_CHARS
    assert len(render("{% for i in range(10) %}{{ 'y' * 100000 }}{% endfor %}")) == (
        MAX_LETTER_CHARS
    )
