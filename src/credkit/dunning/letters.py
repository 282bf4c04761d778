"""Dunning letters: render an action with a user template, safely, in the customer's locale.

:func:`render_letter` fills a Jinja2 template with a :class:`~credkit.dunning.DunningAction`
in Jinja2's :class:`~jinja2.sandbox.SandboxedEnvironment`, so a template (which a
user may edit) can format and loop but cannot reach Python internals: an
expression such as ``{{ ''.__class__.__mro__ }}`` fails with a
:class:`~credkit.errors.ValidationError` instead of running. Undefined names fail
too (``StrictUndefined``), so a typo never prints an empty amount.

Amounts and dates are formatted by babel in the customer's locale through two
filters: ``money`` (``{{ total | money }}``) and ``date`` (``{{ as_of | date }}``,
``{{ as_of | date('short') }}``). The template sees:

* ``customer_name``, ``customer_id``, ``sender``, ``locale``, ``extra`` (a mapping
  the host passes);
* ``level``, ``channel``, ``template``, ``as_of``, ``action_id``;
* ``lines``: one mapping per item with ``item_id``, ``issue_date``, ``due_date``,
  ``days_overdue``, ``amount``, ``original_amount``, ``fee``, ``interest``,
  ``compensation``;
* ``totals``, ``fees``, ``interest``, ``compensation``, ``unapplied_credits``:
  lists of amounts, one per currency.

Jinja2 is an optional dependency: install ``credkit-b2b[letters]``.

>>> from datetime import date
>>> from credkit.dunning.ladder import ChargeTreatment, Channel
>>> from credkit.dunning.actions import ActionLine, DunningAction
>>> from credkit.money import Money
>>> line = ActionLine(
...     item_id="INV-7", issue_date=date(2026, 1, 5), due_date=date(2026, 2, 4), days_overdue=14,
...     amount=Money.of("1250.5", "EUR"), original_amount=None, fee=Money.of("5", "EUR"),
... )
>>> action = DunningAction(
...     customer_id="C1", level=2, as_of=date(2026, 2, 18), channel=Channel.LETTER,
...     requested_channel=Channel.LETTER, template="firm", ladder_id="std", ladder_version="1",
...     charges=ChargeTreatment.SHOW, lines=(line,),
... )
>>> print(render_letter(action, "{{ customer_name }}: {% for l in lines %}{{ l.item_id }} "
...                     "{{ l.amount | money }} ({{ l.due_date | date }}){% endfor %}",
...                     locale="en_GB", customer_name="Acme Ltd"))
Acme Ltd: INV-7 €1,250.50 (4 February 2026)
>>> render_letter(action, "{{ ''.__class__.__mro__ }}", locale="en_GB", customer_name="Acme")
Traceback (most recent call last):
...
credkit.errors.ValidationError: template: not allowed in a letter template: access to attribute '__class__' of 'str' object is unsafe.
"""

from __future__ import annotations

import datetime
import importlib
from collections.abc import Mapping
from typing import Any

import babel
import babel.dates

from credkit._validate import check_locale, describe
from credkit.dunning.actions import DunningAction
from credkit.errors import CredkitError, ValidationError
from credkit.money import Money

__all__ = ["MAX_LETTER_CHARS", "MAX_OPERAND_CHARS", "render_letter"]

_DATE_FORMATS = ("short", "medium", "long", "full")


MAX_LETTER_CHARS = 1_000_000
"""The longest letter :func:`render_letter` writes: one million characters."""

MAX_OPERAND_CHARS = 100_000
"""The longest string or list a template may build with ``*``, and the largest number
in digits it may build with ``*`` or ``**``."""


def _size(value: object) -> int:
    """Characters, items or decimal digits (roughly) of an operand, for the operator caps."""
    if isinstance(value, bool):
        return 1
    if isinstance(value, int):
        return max(1, value.bit_length() * 3 // 10)
    if isinstance(value, str | bytes | list | tuple):
        return len(value)
    return 1


def _too_big(operator: str, left: object, right: object) -> bool:
    """Whether ``left operator right`` would build a value beyond :data:`MAX_OPERAND_CHARS`."""
    if operator == "*":
        if isinstance(right, int) and isinstance(left, str | bytes | list | tuple):
            return len(left) * max(right, 0) > MAX_OPERAND_CHARS
        if isinstance(left, int) and isinstance(right, str | bytes | list | tuple):
            return len(right) * max(left, 0) > MAX_OPERAND_CHARS
        return _size(left) + _size(right) > MAX_OPERAND_CHARS
    if operator == "**":
        if isinstance(left, int) and isinstance(right, int) and abs(left) > 1:
            return _size(left) * max(right, 0) > MAX_OPERAND_CHARS
        return False
    if operator == "+":
        return _size(left) + _size(right) > MAX_OPERAND_CHARS
    return False


def _jinja() -> tuple[Any, Any]:
    try:
        sandbox = importlib.import_module("jinja2.sandbox")
        jinja2 = importlib.import_module("jinja2")
    except ImportError:
        raise CredkitError(
            "rendering dunning letters needs Jinja2, which is an optional dependency; "
            "install the 'letters' extra: pip install 'credkit-b2b[letters]'"
        ) from None
    return jinja2, sandbox


def _bounded_environment(sandbox: Any, **options: Any) -> Any:
    """Jinja2's sandbox with caps on what ``*``, ``**`` and ``+`` may build.

    Jinja2 documents this hook: a sandbox intercepts the binary operators it lists in
    ``intercepted_binops`` and calls ``call_binop`` for them (and does not fold them
    into constants when the template is compiled).
    """

    class Bounded(sandbox.SandboxedEnvironment):  # type: ignore[misc]
        intercepted_binops = frozenset({"*", "**", "+"})

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            if _too_big(operator, left, right):
                raise ValidationError(
                    f"template: {type(left).__name__} {operator} {type(right).__name__} would "
                    f"build a value of more than {MAX_OPERAND_CHARS:,} characters or digits"
                )
            return super().call_binop(context, operator, left, right)

    return Bounded(**options)


def _environment(locale: str, *, autoescape: bool) -> Any:
    """The bounded sandbox letters and statements render in, with the ``money`` and
    ``date`` filters in ``locale`` (a locale :func:`~credkit._validate.check_locale` accepted)."""
    jinja2, sandbox = _jinja()

    def money(value: object) -> str:
        if not isinstance(value, Money):
            raise ValidationError(
                f"template: the money filter needs an amount, got {describe(value)}"
            )
        return value.format(locale)

    def date(value: object, format: str = "long") -> str:
        if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
            raise ValidationError(f"template: the date filter needs a date, got {describe(value)}")
        if format not in _DATE_FORMATS:
            raise ValidationError(
                f"template: date format {format!r} is not one of {', '.join(_DATE_FORMATS)}"
            )
        return str(babel.dates.format_date(value, format=format, locale=locale))

    environment = _bounded_environment(
        sandbox,
        undefined=jinja2.StrictUndefined,
        autoescape=autoescape,
        keep_trailing_newline=True,
    )
    environment.filters["money"] = money
    environment.filters["date"] = date
    return environment


def _render(environment: Any, template: str, context: dict[str, Any], *, what: str) -> str:
    """Render ``template`` in the sandboxed ``environment``; every failure a ValidationError.

    The output is cut off at :data:`MAX_LETTER_CHARS`; ``what`` names the document in
    messages ("letter", "statement").
    """
    jinja2, _ = _jinja()
    try:
        compiled = environment.from_string(template)
        parts: list[str] = []
        length = 0
        for part in compiled.generate(context):
            length += len(part)
            if length > MAX_LETTER_CHARS:
                raise ValidationError(
                    f"template: the {what} would be longer than {MAX_LETTER_CHARS:,} characters"
                )
            parts.append(part)
        return "".join(parts)
    except jinja2.exceptions.SecurityError as error:
        raise ValidationError(f"template: not allowed in a {what} template: {error}") from None
    except jinja2.TemplateSyntaxError as error:
        raise ValidationError(f"template: line {error.lineno}: {error.message}") from None
    except jinja2.UndefinedError as error:
        raise ValidationError(f"template: {error.message}") from None
    except CredkitError:
        raise
    except (
        jinja2.TemplateError,
        ArithmeticError,
        TypeError,
        ValueError,
        LookupError,
        AttributeError,
        RecursionError,
    ) as error:
        raise ValidationError(
            f"template: rendering failed: {type(error).__name__}: {error}"
        ) from None


def _context(action: DunningAction) -> dict[str, Any]:
    lines = [
        {
            "item_id": line.item_id,
            "issue_date": line.issue_date,
            "due_date": line.due_date,
            "days_overdue": line.days_overdue,
            "amount": line.amount,
            "original_amount": line.original_amount,
            "fee": line.fee,
            "interest": line.interest,
            "compensation": line.compensation,
        }
        for line in action.lines
    ]
    return {
        "action_id": action.id,
        "customer_id": action.customer_id,
        "level": action.level,
        "channel": action.channel.value,
        "template": action.template,
        "as_of": action.as_of,
        "lines": lines,
        "totals": list(action.totals),
        "fees": list(action.fees),
        "interest": list(action.interest),
        "compensation": list(action.compensation),
        "unapplied_credits": list(action.unapplied_credits),
    }


def render_letter(
    action: DunningAction,
    template: str,
    *,
    locale: str,
    customer_name: str,
    sender: str | None = None,
    extra: Mapping[str, Any] | None = None,
    autoescape: bool = False,
) -> str:
    """Render ``action`` with the Jinja2 ``template`` source in ``locale``.

    ``autoescape`` turns on HTML escaping (for HTML e-mails). Any problem with the
    template (a syntax error, an undefined name, an unsafe expression, an error
    while rendering) raises :class:`~credkit.errors.ValidationError` naming
    ``template``; a missing Jinja2 raises :class:`~credkit.errors.CredkitError`
    naming the ``letters`` extra.

    >>> from datetime import date
    >>> from credkit.dunning.ladder import ChargeTreatment, Channel
    >>> action = DunningAction(
    ...     customer_id="C1", level=1, as_of=date(2026, 2, 18), channel=Channel.EMAIL,
    ...     requested_channel=Channel.EMAIL, template="friendly", ladder_id="std",
    ...     ladder_version="1", charges=ChargeTreatment.SHOW, lines=(),
    ... )
    >>> render_letter(action, "Dear {{ custmer_name }}", locale="en_GB", customer_name="Acme")
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: template: 'custmer_name' is undefined
    """
    if not isinstance(action, DunningAction):
        raise ValidationError(f"action: expected a DunningAction, got {describe(action)}")
    if not isinstance(template, str):
        raise ValidationError(f"template: expected the template text, got {describe(template)}")
    if not isinstance(customer_name, str):
        raise ValidationError(f"customer_name: expected a string, got {describe(customer_name)}")
    if extra is not None and not isinstance(extra, Mapping):
        raise ValidationError(f"extra: expected a mapping, got {describe(extra)}")
    chosen = check_locale(locale)
    environment = _environment(chosen, autoescape=autoescape)
    context = _context(action)
    context.update(
        customer_name=customer_name,
        sender=sender,
        locale=chosen,
        extra=dict(extra or {}),
    )
    return _render(environment, template, context, what="letter")
