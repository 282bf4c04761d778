"""What a limit calculation reads about a customer: :class:`LimitInputs`.

:class:`LimitInputs` gathers everything the calculators may use: the customer, the
limit currency, a financial statement, the monthly credit-sales history, the
payment terms and grace days, a bureau's suggested limit, the risk class and
segment, a credit insurer's cover and the limit in force. Every item but the
customer and the date is optional; a calculator whose input is missing says so
("no financial statement") instead of giving a figure.

:meth:`LimitInputs.from_ledger` reads the sales history and the usual payment
terms from a :class:`~credkit.ledger.Ledger`.

>>> from datetime import date
>>> from credkit import Money
>>> from credkit.ledger import Customer
>>> inputs = LimitInputs(
...     Customer("C1", "Acme GmbH", country="DE", currency="EUR", segment="wholesale"),
...     as_of=date(2026, 3, 31),
...     monthly_sales=(Money.of(30000, "EUR"), Money.of(36000, "EUR")),
...     terms_days=30,
... )
>>> inputs.currency, inputs.segment, inputs.average_monthly_sales
('EUR', 'wholesale', Money('33000', 'EUR'))
"""

from __future__ import annotations

import calendar
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import attrs
from dateutil.relativedelta import relativedelta

from credkit._validate import (
    check_date,
    check_money,
    count,
    currency_code,
    describe,
    guard_arithmetic,
    is_date,
    non_negative_money,
    number_between,
    optional_count,
    optional_date,
    optional_non_negative_money,
    optional_text,
    to_number,
    to_tuple,
)
from credkit.errors import ValidationError
from credkit.fx import RateSource
from credkit.ledger import Customer, Ledger
from credkit.limits._common import fmt, in_currency
from credkit.money import Money
from credkit.scoring.statements import FinancialStatement

__all__ = ["InsuranceCover", "LimitInputs", "sales_window"]


@attrs.frozen
class InsuranceCover:
    """A credit insurer's cover on one buyer: the buyer limit and the percentage indemnified.

    ``buyer_limit`` is the most the insurer covers on the customer (its "credit
    limit" in insurers' terms); ``cover_percent`` is the share of an insured loss
    the insurer pays (typically 75 to 95 %; the rest is the insured's
    co-insurance). ``expires_on`` is the last day of the cover, if it has one.

    >>> from credkit import Money
    >>> InsuranceCover(Money.of(80000, "EUR"), cover_percent="90", insurer="Allianz Trade").cover_percent
    Decimal('90')
    >>> InsuranceCover(Money.of(80000, "EUR"), cover_percent="120")
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: cover_percent: must be above 0 and <= 100 (a percentage), got 120
    """

    buyer_limit: Money = attrs.field(validator=non_negative_money)
    cover_percent: Decimal = attrs.field(
        kw_only=True,
        converter=to_number,
        validator=number_between(Decimal(0), Decimal(100), low_open=True, what=" (a percentage)"),
    )
    insurer: str | None = attrs.field(default=None, kw_only=True, validator=optional_text)
    expires_on: date | None = attrs.field(default=None, kw_only=True, validator=optional_date)


def _customer(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Customer):
        raise ValidationError(
            f"customer: expected a credkit.ledger.Customer, got {describe(value)}"
        )


def _statement(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not isinstance(value, FinancialStatement):
        raise ValidationError(
            f"statement: expected a FinancialStatement or None, got {describe(value)}"
        )


def _monthly_sales(instance: LimitInputs, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, tuple):
        raise ValidationError(
            f"monthly_sales: expected a list or tuple of Money, one per month, got {describe(value)}"
        )
    for index, item in enumerate(value):
        money = check_money(item, f"monthly_sales[{index}]")
        if money.currency != instance.currency:
            raise ValidationError(
                f"monthly_sales[{index}]: {fmt(money)} is not in the limit currency "
                f"{instance.currency}; convert it first (LimitInputs.from_ledger converts "
                "with rates)"
            )
        if money.is_negative:
            raise ValidationError(f"monthly_sales[{index}]: must be zero or more, got {money}")


def _insurance(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not isinstance(value, InsuranceCover):
        raise ValidationError(
            f"insurance: expected an InsuranceCover or None, got {describe(value)}"
        )


def _current_limit(instance: LimitInputs, attribute: attrs.Attribute[Any], value: object) -> None:
    optional_non_negative_money(instance, attribute, value)
    if isinstance(value, Money) and value.currency != instance.currency:
        raise ValidationError(
            f"current_limit: {fmt(value)} is not in the limit currency {instance.currency}"
        )


@attrs.frozen
class LimitInputs:
    """Everything the limit calculators may read about one customer on ``as_of``.

    ``currency`` is the limit currency (default: the customer's currency); every
    result is in it. ``monthly_sales`` holds credit sales per month in that currency,
    oldest first; ``terms_days`` and ``grace_days`` are the payment terms and the
    days of tolerance after them; ``bureau_limit`` is a credit bureau's suggested
    limit (any currency); ``risk_class`` is a class name of the host's risk scale;
    ``bureau_class`` the bureau's rating on credkit's scale (see
    :func:`credkit.bureau.report_class`); ``segment`` defaults to the customer's; ``insurance`` is a credit insurer's
    cover; ``current_limit`` is the limit in force, in the limit currency (``None``:
    none on record).

    >>> from datetime import date
    >>> from credkit.ledger import Customer
    >>> LimitInputs(Customer("C1", "Acme", country="DE", currency="EUR"), as_of=date(2026, 3, 31),
    ...             terms_days=-5)
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: terms_days: must be >= 0, got -5
    """

    customer: Customer = attrs.field(validator=_customer)
    as_of: date = attrs.field(kw_only=True, validator=is_date)
    currency: str = attrs.field(
        kw_only=True,
        default=attrs.Factory(
            lambda self: self.customer.currency if isinstance(self.customer, Customer) else None,
            takes_self=True,
        ),
        validator=currency_code,
    )
    statement: FinancialStatement | None = attrs.field(
        default=None, kw_only=True, validator=_statement
    )
    monthly_sales: tuple[Money, ...] = attrs.field(
        default=(), kw_only=True, converter=to_tuple, validator=_monthly_sales
    )
    terms_days: int | None = attrs.field(default=None, kw_only=True, validator=optional_count)
    grace_days: int = attrs.field(default=0, kw_only=True, validator=count)
    bureau_limit: Money | None = attrs.field(
        default=None, kw_only=True, validator=optional_non_negative_money
    )
    risk_class: str | None = attrs.field(default=None, kw_only=True, validator=optional_text)
    bureau_class: str | None = attrs.field(default=None, kw_only=True, validator=optional_text)
    segment: str | None = attrs.field(
        kw_only=True,
        default=attrs.Factory(
            lambda self: self.customer.segment if isinstance(self.customer, Customer) else None,
            takes_self=True,
        ),
        validator=optional_text,
    )
    insurance: InsuranceCover | None = attrs.field(default=None, kw_only=True, validator=_insurance)
    current_limit: Money | None = attrs.field(default=None, kw_only=True, validator=_current_limit)

    @property
    def customer_id(self) -> str:
        """The customer's id.

        >>> from datetime import date
        >>> from credkit.ledger import Customer
        >>> LimitInputs(Customer("C9", "X", country="FR", currency="EUR"), as_of=date(2026, 1, 1)).customer_id
        'C9'
        """
        return self.customer.id

    @property
    def average_monthly_sales(self) -> Money | None:
        """The mean of ``monthly_sales`` (unrounded), or None without a history.

        >>> from datetime import date
        >>> from credkit import Money
        >>> from credkit.ledger import Customer
        >>> LimitInputs(Customer("C1", "X", country="FR", currency="EUR"), as_of=date(2026, 1, 1),
        ...             monthly_sales=[Money.of(10, "EUR"), Money.of(0, "EUR"), Money.of(5, "EUR")]
        ...             ).average_monthly_sales
        Money('5', 'EUR')
        """
        if not self.monthly_sales:
            return None
        try:
            total = sum((m.amount for m in self.monthly_sales), Decimal(0))
        except ArithmeticError:
            raise ValidationError(
                "monthly_sales: the amounts are too large to add up; check them"
            ) from None
        return Money(total / len(self.monthly_sales), self.currency)

    @classmethod
    @guard_arithmetic("ledger", what="the sales figures")
    def from_ledger(
        cls,
        ledger: Ledger,
        customer_id: str,
        *,
        as_of: date,
        months: int = 12,
        rates: RateSource | None = None,
        currency: str | None = None,
        terms_days: int | None = None,
        grace_days: int = 0,
        statement: FinancialStatement | None = None,
        bureau_limit: Money | None = None,
        risk_class: str | None = None,
        bureau_class: str | None = None,
        insurance: InsuranceCover | None = None,
        current_limit: Money | None = None,
    ) -> LimitInputs:
        """Inputs for ``customer_id`` with the credit-sales history read from ``ledger``.

        ``monthly_sales`` gets one figure per month for the last ``months`` *full*
        calendar months up to ``as_of`` (see :func:`sales_window`): the invoices the
        customer was issued in each month, gross (credit notes are not deducted), months
        without invoices counting as zero. Invoices in another currency are converted on
        their issue date with ``rates`` (without ``rates`` that is an error naming both
        currencies). ``terms_days``, when not given, is the most frequent number of days
        from issue to due date among those invoices (the shorter on a tie), or None when
        there are none. The other arguments are passed through.

        >>> from datetime import date
        >>> from credkit import Money
        >>> from credkit.ledger import Customer, Invoice, Ledger
        >>> ledger = Ledger(
        ...     customers=[Customer("C1", "Acme", country="DE", currency="EUR")],
        ...     invoices=[
        ...         Invoice("I1", "C1", date(2026, 1, 10), date(2026, 2, 9), Money.of(900, "EUR")),
        ...         Invoice("I2", "C1", date(2026, 3, 5), date(2026, 4, 4), Money.of(300, "EUR")),
        ...         Invoice("I3", "C1", date(2026, 4, 2), date(2026, 5, 2), Money.of(999, "EUR")),
        ...     ],
        ... )
        >>> inputs = LimitInputs.from_ledger(ledger, "C1", as_of=date(2026, 4, 15), months=3)
        >>> [str(m) for m in inputs.monthly_sales], inputs.terms_days
        (['900 EUR', '0 EUR', '300 EUR'], 30)
        """
        if not isinstance(ledger, Ledger):
            raise ValidationError(
                f"ledger: expected a credkit.ledger.Ledger, got {describe(ledger)}"
            )
        customer = ledger.customer(customer_id)
        limit_currency = customer.currency if currency is None else currency
        first, last = sales_window(as_of, months=months)
        totals = [Decimal(0)] * months
        terms: Counter[int] = Counter()
        for invoice in ledger.invoices:
            if invoice.customer_id != customer.id or not first <= invoice.issue_date <= last:
                continue
            amount = in_currency(
                invoice.amount,
                limit_currency,
                on=invoice.issue_date,
                rates=rates,
                field=f"invoice {invoice.id!r}",
            )
            index = (invoice.issue_date.year - first.year) * 12 + (
                invoice.issue_date.month - first.month
            )
            totals[index] += amount.amount
            terms[(invoice.due_date - invoice.issue_date).days] += 1
        if terms_days is None and terms:
            most = max(terms.values())
            terms_days = min(days for days, n in terms.items() if n == most)
        return cls(
            customer,
            as_of=as_of,
            currency=limit_currency,
            statement=statement,
            monthly_sales=tuple(Money(total, limit_currency) for total in totals),
            terms_days=terms_days,
            grace_days=grace_days,
            bureau_limit=bureau_limit,
            risk_class=risk_class,
            bureau_class=bureau_class,
            insurance=insurance,
            current_limit=current_limit,
        )


def sales_window(as_of: date, *, months: int = 12) -> tuple[date, date]:
    """First and last day of the last ``months`` full calendar months up to ``as_of``.

    A month is full when it has ended by ``as_of``: on the last day of a month that
    month counts, on any other day the window ends with the previous month.

    >>> sales_window(date(2026, 11, 30), months=12)
    (datetime.date(2025, 12, 1), datetime.date(2026, 11, 30))
    >>> sales_window(date(2026, 11, 15), months=3)
    (datetime.date(2026, 8, 1), datetime.date(2026, 10, 31))
    """
    check_date(as_of, "as_of")
    if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= 1200:
        raise ValidationError(
            f"months: expected a whole number of months from 1 to 1200, got {describe(months)}"
        )
    month_end = calendar.monthrange(as_of.year, as_of.month)[1]
    try:
        last = as_of if as_of.day == month_end else as_of.replace(day=1) - timedelta(days=1)
        first: date = last.replace(day=1) - relativedelta(months=months - 1)
    except (OverflowError, ValueError):
        raise ValidationError(
            f"as_of: {months} full months before {as_of.isoformat()} reach before year 1"
        ) from None
    return first, last
