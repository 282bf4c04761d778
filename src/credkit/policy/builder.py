"""Assemble a :class:`~credkit.policy.profile.CreditProfile` from a ledger and other records.

:func:`build_profile` reads what the ledger knows (open receivables, what is
overdue, the credit group) and takes everything else as keyword arguments: the
limit, open orders and other exposure, dunning level, payment index and trend,
score and risk class, bureau data and flags. It imports nothing from the limits,
KPI or dunning packages: pass their results as plain values (a limit record with
``amount``, ``valid_from``, ``valid_to`` and ``next_review`` attributes is read as
such).

How the ledger figures are computed, as of ``as_of`` (later documents and
allocations are ignored, as in :meth:`~credkit.ledger.Ledger.open_items`):

* **Open receivables** are every open item of the customer: open invoices *less*
  unapplied cash and unapplied credit notes. Money the customer has paid or been
  credited reduces its exposure even before anyone applies it to an invoice.
* **Overdue amount** is the open amount of invoices past their due date
  (due date before ``as_of``; due today is not overdue), disputed ones included.
  With ``overdue_margin_days=N`` an invoice counts as overdue only when it is more
  than ``N`` days past due (the "maturity margin" of OCA ``account_financial_risk``);
  the margin applies to every overdue figure below, and the days reported stay days
  past the due date. The grace days of :class:`~credkit.terms.PaymentTerms` do *not*
  reach these figures: an invoice carries its due date, not its terms. To honour
  them, pass them as the margin (or store ``terms.grace_end(...)`` as the due date).
  It is *not* reduced by unapplied credits: they are unapplied precisely because
  nobody has said which invoice they settle.
* **Oldest overdue days** is the largest number of days past due among those
  invoices (0 when none is overdue).
* **Overdue share** is the overdue amount divided by the open invoices (before
  netting credits), 0 when nothing is open.
* **Unpaid and overdue invoice counts** are the number of open invoices (part-paid
  ones included) and of those past their due date, disputed ones included.
* **Split receivables.** With ``split_receivables=True`` the open receivables are
  two components instead of one: ``receivables_overdue`` (the overdue amount) and
  ``receivables_not_due`` (the rest, net of unapplied cash and credit notes, so it
  may be negative); they add up to the open receivables exactly, and each may carry
  its own sub-limit (after OCA ``account_financial_risk``'s "open" and "unpaid"
  invoice categories).
* **The credit group** is the customer's top-most ancestor by ``parent_id`` and
  everyone below it; ``group_id`` is that ancestor's id (``None`` for a customer
  alone). With a ``group_limit``, the group's exposure is the open receivables of
  every member, plus this customer's other included exposure (its open orders,
  ...), plus ``group_other_exposure`` (what the host knows of the other members'
  orders); without one it is not computed (``None``), since members may keep
  their books in other currencies.

Amounts in other currencies are converted into the profile's currency with
``rates`` at the rate in force on ``as_of`` (each currency's total is converted
once); without ``rates`` they raise :class:`~credkit.errors.CurrencyMismatchError`.

>>> from datetime import date
>>> from credkit.ledger import Customer, Invoice, Ledger, Payment
>>> ledger = Ledger(
...     customers=[Customer("C-100", "Nordwind Logistik GmbH", country="DE", currency="EUR")],
...     invoices=[
...         Invoice("INV-1", "C-100", date(2026, 9, 1), date(2026, 10, 1), Money.of("6000.00", "EUR")),
...         Invoice("INV-2", "C-100", date(2026, 11, 2), date(2026, 12, 2), Money.of("4000.00", "EUR")),
...     ],
...     payments=[Payment("PAY-1", "C-100", date(2026, 11, 20), Money.of("1000.00", "EUR"))],
... )
>>> profile = build_profile(
...     ledger,
...     "C-100",
...     as_of=date(2026, 11, 23),
...     limit=Money.of("20000.00", "EUR"),
...     open_orders=Money.of("2500.00", "EUR"),
... )
>>> str(profile.exposure.total), str(profile.overdue_amount), profile.oldest_overdue_days
('11500.00 EUR', '6000.00 EUR', 53)
>>> profile.overdue_share, str(profile.available_credit)
(Decimal('0.6'), '8500.00 EUR')
>>> split = build_profile(
...     ledger, "C-100", as_of=date(2026, 11, 23), split_receivables=True,
...     sub_limits={"receivables_overdue": Money.of("5000.00", "EUR")},
... )
>>> [(c.kind.value, str(c.amount)) for c in split.exposure.components]
[('receivables_not_due', '3000.00 EUR'), ('receivables_overdue', '6000.00 EUR')]
>>> str(build_profile(ledger, "C-100", as_of=date(2026, 11, 23), overdue_margin_days=60).overdue_amount)
'0.00 EUR'
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Iterable, Mapping
from decimal import Decimal

from credkit._validate import check_date, describe
from credkit.errors import CurrencyMismatchError, ValidationError
from credkit.fx import RateSource, convert
from credkit.ledger import DocumentKind, Ledger, OpenItem
from credkit.money import Money, MoneyTotals, Numeric, minor_units
from credkit.policy.exposure import (
    _RECEIVABLE_PARTS,
    Exposure,
    ExposureComponent,
    ExposureKind,
)
from credkit.policy.profile import BureauValue, CreditProfile
from credkit.scoring.risk import RiskClass

__all__ = ["build_profile"]


class _Unset(enum.Enum):
    UNSET = "unset"


_UNSET = _Unset.UNSET


def _to_currency(
    totals: MoneyTotals,
    currency: str,
    *,
    on: datetime.date,
    rates: RateSource | None,
    what: str,
) -> Decimal:
    result = Decimal(0).scaleb(-minor_units(currency))  # 0.00 for EUR, 0 for JPY
    for money in totals:
        code, amount = money.currency, money.amount
        if code == currency:
            result += amount
            continue
        if rates is None:
            raise CurrencyMismatchError(
                f"rates: {what} include {Money(amount, code)}, not in the profile's currency "
                f"{currency}; pass rates (a RateSource) to convert them on {on.isoformat()}"
            )
        result += convert(Money(amount, code), currency, on=on, rates=rates).amount
    return result


def _component(
    field: str,
    value: Money | ExposureComponent | None,
    kind: ExposureKind,
    sub_limit: Money | None,
) -> ExposureComponent | None:
    if value is None:
        if sub_limit is not None:
            return ExposureComponent(kind, Money.zero(sub_limit.currency), sub_limit=sub_limit)
        return None
    if isinstance(value, ExposureComponent):
        if value.kind is not kind:
            raise ValidationError(
                f"{field}: expected a component of kind {kind.value!r}, got {value.kind.value!r}"
            )
        if sub_limit is not None:
            raise ValidationError(
                f"sub_limits: {kind.value!r} is given both in sub_limits and on the "
                f"{field} component; give it once"
            )
        return value
    if isinstance(value, Money):
        return ExposureComponent(kind, value, sub_limit=sub_limit)
    raise ValidationError(f"{field}: expected Money or an ExposureComponent, got {describe(value)}")


def _sub_limits(value: Mapping[ExposureKind | str, Money] | None) -> dict[ExposureKind, Money]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ValidationError(
            f"sub_limits: expected a mapping of exposure kinds to Money, got {describe(value)}"
        )
    result = {}
    for key, limit in value.items():
        try:
            kind = key if isinstance(key, ExposureKind) else ExposureKind(key)
        except ValueError:
            accepted = ", ".join(repr(k.value) for k in ExposureKind)
            raise ValidationError(
                f"sub_limits: {key!r} is not an exposure kind; expected one of {accepted}"
            ) from None
        if not isinstance(limit, Money):
            raise ValidationError(f"sub_limits[{key!r}]: expected Money, got {describe(limit)}")
        result[kind] = limit
    return result


def _limit_record(
    limit: object,
) -> tuple[Money | None, str | None, dict[str, datetime.date | None]]:
    """Read a limit: Money, None, or a record with amount / valid_from / valid_to / next_review."""
    if limit is None or isinstance(limit, Money):
        return limit, None, {}
    if not hasattr(limit, "amount"):
        raise ValidationError(
            "limit: expected Money, None, or a limit record with an 'amount' attribute "
            f"(such as credkit.limits.CreditLimit), got {describe(limit)}"
        )
    amount = limit.amount
    if amount is not None and not isinstance(amount, Money):
        raise ValidationError(f"limit.amount: expected Money or None, got {describe(amount)}")
    currency = getattr(limit, "currency", None)
    dates = {
        "limit_valid_from": getattr(limit, "valid_from", None),
        "limit_valid_to": getattr(limit, "valid_to", None),
        "next_review": getattr(limit, "next_review", None),
    }
    return amount, currency if isinstance(currency, str) else None, dates


def _receivables(
    items: Iterable[OpenItem],
    as_of: datetime.date,
    margin: int = 0,
) -> tuple[MoneyTotals, MoneyTotals, MoneyTotals, int]:
    """Open items, open invoices and overdue invoices per currency, and the oldest days overdue.

    An invoice is overdue when it is more than ``margin`` days past its due date.
    """
    items = list(items)
    invoices = [i for i in items if i.kind is DocumentKind.INVOICE and i.amount.amount > 0]
    late = [
        (invoice, days) for invoice in invoices if (days := invoice.days_overdue(as_of)) > margin
    ]
    return (
        MoneyTotals.of(item.amount for item in items),
        MoneyTotals.of(invoice.amount for invoice in invoices),
        MoneyTotals.of(invoice.amount for invoice, _ in late),
        max((days for _, days in late), default=0),
    )


def _invoice_counts(
    items: Iterable[OpenItem], as_of: datetime.date, margin: int = 0
) -> tuple[int, int]:
    """How many invoices are open (unpaid or part-paid), and how many of those are overdue
    (more than ``margin`` days past due)."""
    unpaid: set[str] = set()
    late: set[str] = set()
    for item in items:
        if item.kind is DocumentKind.INVOICE and item.amount.amount > 0:
            unpaid.add(item.document_id)
            if item.days_overdue(as_of) > margin:
                late.add(item.document_id)
    return len(unpaid), len(late)


def build_profile(
    ledger: Ledger,
    customer_id: str,
    *,
    as_of: datetime.date,
    limit: object = None,
    limit_valid_from: datetime.date | None = None,
    limit_valid_to: datetime.date | None = None,
    next_review: datetime.date | None = None,
    currency: str | None = None,
    open_orders: Money | ExposureComponent | None = None,
    delivered_not_invoiced: Money | ExposureComponent | None = None,
    other_exposure: Money | ExposureComponent | None = None,
    sub_limits: Mapping[ExposureKind | str, Money] | None = None,
    rates: RateSource | None = None,
    segment: str | _Unset | None = _UNSET,
    dunning_level: int = 0,
    payment_index: Numeric | None = None,
    trend: str | enum.Enum | None = None,
    score: Numeric | None = None,
    risk_class: str | RiskClass | None = None,
    bureau: Mapping[str, BureauValue] | None = None,
    blocked: bool = False,
    watch_list: bool = False,
    tags: Iterable[str] | None = None,
    group_limit: Money | None = None,
    group_other_exposure: Money | None = None,
    overdue_margin_days: int = 0,
    split_receivables: bool = False,
) -> CreditProfile:
    """The credit profile of ``customer_id`` as of ``as_of``, from ``ledger`` and the arguments.

    ``limit`` is a :class:`~credkit.money.Money`, ``None`` (no limit), or a limit
    record read by its attributes ``amount`` (Money or ``None``), ``valid_from``,
    ``valid_to``, ``next_review`` and ``currency`` (such as the limits package's
    ``CreditLimit``); dates given in the record and as arguments at once are refused.
    The profile's ``currency`` is, in this order, the argument, the limit's
    currency, or the customer's currency. ``open_orders``,
    ``delivered_not_invoiced`` and ``other_exposure`` are amounts or whole
    :class:`~credkit.policy.exposure.ExposureComponent` values (for a schedule or
    ``included_in_total=False``); ``sub_limits`` maps exposure kinds to their
    sub-limits. ``overdue_margin_days`` (default 0) is the days past due before an
    invoice counts as overdue; ``split_receivables`` splits the open receivables into
    not-yet-due and overdue components (see the module description).
    ``segment`` and ``tags`` (which rule conditions read) default to the customer's. The other
    keywords are copied onto the profile. See the module description for how the ledger
    figures are computed.

    >>> from datetime import date
    >>> from credkit.ledger import Customer, Ledger
    >>> ledger = Ledger(customers=[Customer("C-1", "Acme", country="FR", currency="EUR")])
    >>> build_profile(ledger, "C-1", as_of=date(2026, 11, 23)).exposure.total
    Money('0.00', 'EUR')
    >>> build_profile(ledger, "C-9", as_of=date(2026, 11, 23))
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: customer_id: unknown customer 'C-9'
    """
    if not isinstance(ledger, Ledger):
        raise ValidationError(f"ledger: expected a Ledger, got {describe(ledger)}")
    check_date(as_of, "as_of")
    customer = ledger.customer(customer_id)
    limit_amount, limit_currency, limit_dates = _limit_record(limit)
    given_dates = {
        "limit_valid_from": limit_valid_from,
        "limit_valid_to": limit_valid_to,
        "next_review": next_review,
    }
    for name, when in limit_dates.items():
        if when is not None and given_dates[name] is not None:
            raise ValidationError(
                f"{name}: given both on the limit record ({when}) and as an argument "
                f"({given_dates[name]}); give it once"
            )
        if when is not None:
            given_dates[name] = when
    if currency is None:
        if limit_amount is not None:
            currency = limit_amount.currency
        else:
            currency = limit_currency or customer.currency
    Money.zero(currency)  # validates the code

    margin = _margin(overdue_margin_days)
    if not isinstance(split_receivables, bool):
        raise ValidationError(
            f"split_receivables: expected True or False, got {describe(split_receivables)}"
        )
    items = list(ledger.open_items(as_of, customer_id=customer_id))
    net, invoices, overdue, oldest = _receivables(items, as_of, margin)
    unpaid_count, overdue_count = _invoice_counts(items, as_of, margin)
    receivables = _to_currency(net, currency, on=as_of, rates=rates, what="open items")
    open_invoices = _to_currency(invoices, currency, on=as_of, rates=rates, what="open items")
    overdue_amount = _to_currency(overdue, currency, on=as_of, rates=rates, what="open items")
    share = overdue_amount / open_invoices if overdue_amount > 0 else Decimal(0)

    limits_by_kind = _sub_limits(sub_limits)
    components = _receivable_components(
        receivables, overdue_amount, currency, limits_by_kind, split=split_receivables
    )
    for field, value, kind in (
        ("open_orders", open_orders, ExposureKind.OPEN_ORDERS),
        ("delivered_not_invoiced", delivered_not_invoiced, ExposureKind.DELIVERED_NOT_INVOICED),
        ("other_exposure", other_exposure, ExposureKind.OTHER),
    ):
        component = _component(field, value, kind, limits_by_kind.pop(kind, None))
        if component is not None:
            components.append(component)
    exposure = Exposure.converted(components, currency=currency, on=as_of, rates=rates)

    group_id, members = ledger.group(customer_id)  # indexed when the ledger was built
    in_group = len(members) > 1
    group_exposure: Money | None = None
    if group_limit is not None:
        # per member, from the ledger's customer index (totals are exact and sorted by currency,
        # so the order in which the members' items are added does not change them)
        group_net = MoneyTotals.of(
            item.amount
            for member in members
            for item in ledger.open_items(as_of, customer_id=member)
        )
        group_total = _to_currency(group_net, currency, on=as_of, rates=rates, what="open items")
        group_total += exposure.total_amount - receivables
        if group_other_exposure is not None:
            if not isinstance(group_other_exposure, Money):
                raise ValidationError(
                    f"group_other_exposure: expected Money, got {describe(group_other_exposure)}"
                )
            group_total += _to_currency(
                MoneyTotals.of([group_other_exposure]),
                currency,
                on=as_of,
                rates=rates,
                what="group_other_exposure",
            )
        group_exposure = Money(group_total, currency)
    if group_limit is not None and isinstance(group_limit, Money):
        group_limit = _money_in(group_limit, currency, on=as_of, rates=rates, field="group_limit")
    if limit_amount is not None:
        limit_amount = _money_in(limit_amount, currency, on=as_of, rates=rates, field="limit")

    return CreditProfile(
        customer_id,
        as_of=as_of,
        exposure=exposure,
        segment=customer.segment if segment is _UNSET else segment,
        limit=limit_amount,
        limit_valid_from=given_dates["limit_valid_from"],
        limit_valid_to=given_dates["limit_valid_to"],
        next_review=given_dates["next_review"],
        overdue_amount=Money(overdue_amount, currency),
        oldest_overdue_days=oldest,
        overdue_share=share,
        unpaid_invoice_count=unpaid_count,
        overdue_invoice_count=overdue_count,
        dunning_level=dunning_level,
        payment_index=payment_index,
        trend=trend,  # the profile keeps an enum by its value
        score=score,
        risk_class=risk_class,  # the profile keeps a RiskClass by its name
        bureau={} if bureau is None else bureau,
        blocked=blocked,
        watch_list=watch_list,
        tags=customer.tags if tags is None else tags,
        group_id=group_id if in_group else None,
        group_limit=group_limit,
        group_exposure=group_exposure,
    )


def _margin(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationError(
            "overdue_margin_days: expected a whole number of days, 0 or more (the days past "
            f"due before an invoice counts as overdue), got {describe(value)}"
        )
    return value


def _receivable_components(
    receivables: Decimal,
    overdue: Decimal,
    currency: str,
    sub_limits: dict[ExposureKind, Money],
    *,
    split: bool,
) -> list[ExposureComponent]:
    """The open receivables as one component, or split into not-yet-due and overdue parts.

    Takes the sub-limits of the kinds it builds out of ``sub_limits``.
    """
    wrong = _RECEIVABLE_PARTS if not split else (ExposureKind.OPEN_RECEIVABLES,)
    for kind in wrong:
        if kind in sub_limits:
            hint = (
                "pass split_receivables=True to split the open receivables"
                if not split
                else "give sub-limits for 'receivables_not_due' and 'receivables_overdue'"
            )
            raise ValidationError(
                f"sub_limits: {kind.value!r} does not apply with split_receivables={split}; {hint}"
            )
    if not split:
        return [
            ExposureComponent(
                ExposureKind.OPEN_RECEIVABLES,
                Money(receivables, currency),
                sub_limit=sub_limits.pop(ExposureKind.OPEN_RECEIVABLES, None),
            )
        ]
    # The overdue part is the overdue invoices; the rest (not-yet-due invoices less
    # unapplied cash and credit notes, possibly negative) is the not-yet-due part, so
    # the two parts add up to the open receivables exactly.
    return [
        ExposureComponent(
            ExposureKind.RECEIVABLES_NOT_DUE,
            Money(receivables - overdue, currency),
            sub_limit=sub_limits.pop(ExposureKind.RECEIVABLES_NOT_DUE, None),
        ),
        ExposureComponent(
            ExposureKind.RECEIVABLES_OVERDUE,
            Money(overdue, currency),
            sub_limit=sub_limits.pop(ExposureKind.RECEIVABLES_OVERDUE, None),
        ),
    ]


def _money_in(
    value: Money, currency: str, *, on: datetime.date, rates: RateSource | None, field: str
) -> Money:
    if value.currency == currency:
        return value
    if rates is None:
        raise CurrencyMismatchError(
            f"{field}: {value} is not in the profile's currency {currency}; "
            "pass rates (a RateSource) to convert it, or currency= to choose another"
        )
    return convert(value, currency, on=on, rates=rates)
