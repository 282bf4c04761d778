"""Financial statements: the figures that ratios and Altman models read.

A :class:`FinancialStatement` holds the balance-sheet and income-statement figures
that credit analysis commonly needs. Every figure is optional, because a model
only needs some of them; a ratio that needs a missing figure raises a
:class:`~credkit.errors.ValidationError` naming it (see ``credkit.scoring.ratios``).

Figures are exact numbers (``Decimal``, ``int`` or numeric strings, never
``float``) in the statement's ``currency`` and in one unit (all in units, or all
in thousands: ratios do not care, as long as the statement is consistent).

>>> from datetime import date
>>> statement = FinancialStatement(
...     current_assets="420000", current_liabilities="310000", total_assets="1250000",
...     period_end=date(2025, 12, 31), currency="EUR",
... )
>>> statement.current_assets
Decimal('420000')
>>> statement.sales is None
True
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import attrs

from credkit._validate import non_negative, optional_number, to_optional_number
from credkit.errors import ValidationError
from credkit.money import minor_units

__all__ = ["FinancialStatement"]


def _period_end(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and (not isinstance(value, date) or hasattr(value, "hour")):
        raise ValidationError(
            f"period_end: expected a datetime.date, got {type(value).__name__} {value!r}"
        )


def _currency(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    if not isinstance(value, str):
        raise ValidationError(
            f"currency: expected an ISO 4217 code such as 'EUR', got {type(value).__name__} "
            f"{value!r}"
        )
    minor_units(value)  # raises a ValidationError naming the code and what is accepted


@attrs.frozen(kw_only=True)
class FinancialStatement:
    """Balance-sheet and income-statement figures of one company for one period.

    All figures are optional and keyword-only. Balances that cannot be negative
    (assets, liabilities, sales, intangibles, cash, inventory, interest expense,
    market value of equity) are refused below zero; ``retained_earnings``,
    ``ebit`` and ``book_equity`` may be negative (accumulated losses, an operating
    loss, negative equity). ``interest_expense`` is given as a positive amount.

    The figures:

    - ``current_assets``: assets expected to turn into cash within a year.
    - ``current_liabilities``: obligations due within a year.
    - ``total_assets``: the balance-sheet total.
    - ``total_liabilities``: all debts (current and long-term); the "book value of
      total debt" of the Altman models.
    - ``retained_earnings``: earnings kept in the business over its life.
    - ``ebit``: earnings before interest and taxes for the period.
    - ``sales``: net sales (revenue) for the period.
    - ``book_equity``: shareholders' equity as booked (total assets - total liabilities).
    - ``market_value_equity``: market capitalisation (listed companies).
    - ``intangibles``: intangible assets, including goodwill.
    - ``cash``: cash and cash equivalents.
    - ``inventory``: stock of goods and materials.
    - ``interest_expense``: interest paid or accrued in the period.
    - ``period_end``: the balance-sheet date.
    - ``currency``: ISO 4217 code of the figures.

    >>> FinancialStatement(total_assets="1000", ebit=-50).ebit
    Decimal('-50')
    >>> FinancialStatement(total_assets=1000.0)
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: total_assets: float 1000.0 is not exact; pass a Decimal, an int or a string such as '1000.0'
    >>> FinancialStatement(inventory=-1)
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: inventory: must be zero or more, got -1
    """

    current_assets: Decimal | None = attrs.field(
        default=None, converter=to_optional_number, validator=non_negative
    )
    current_liabilities: Decimal | None = attrs.field(
        default=None, converter=to_optional_number, validator=non_negative
    )
    total_assets: Decimal | None = attrs.field(
        default=None, converter=to_optional_number, validator=non_negative
    )
    total_liabilities: Decimal | None = attrs.field(
        default=None, converter=to_optional_number, validator=non_negative
    )
    retained_earnings: Decimal | None = attrs.field(
        default=None, converter=to_optional_number, validator=optional_number
    )
    ebit: Decimal | None = attrs.field(
        default=None, converter=to_optional_number, validator=optional_number
    )
    sales: Decimal | None = attrs.field(
        default=None, converter=to_optional_number, validator=non_negative
    )
    book_equity: Decimal | None = attrs.field(
        default=None, converter=to_optional_number, validator=optional_number
    )
    market_value_equity: Decimal | None = attrs.field(
        default=None, converter=to_optional_number, validator=non_negative
    )
    intangibles: Decimal | None = attrs.field(
        default=None, converter=to_optional_number, validator=non_negative
    )
    cash: Decimal | None = attrs.field(
        default=None, converter=to_optional_number, validator=non_negative
    )
    inventory: Decimal | None = attrs.field(
        default=None, converter=to_optional_number, validator=non_negative
    )
    interest_expense: Decimal | None = attrs.field(
        default=None, converter=to_optional_number, validator=non_negative
    )
    period_end: date | None = attrs.field(default=None, validator=_period_end)
    currency: str | None = attrs.field(default=None, validator=_currency)
