"""Limit calculators: one method of sizing a credit limit each.

Every calculator is a small frozen value object with a ``name`` (unique within a
policy; the weighted blend refers to it) and a method
``recommend(inputs, *, rates=None) -> MethodResult``. A :class:`MethodResult`
either carries a figure in the limit currency with its working ("10% of tangible
net worth 650,000.00 EUR") or says why the method does not apply ("no financial
statement"): a method never returns a silent zero.

| calculator | kind | figure |
|---|---|---|
| :class:`TangibleNetWorthMethod` | ``tangible_net_worth`` | percent x (book equity - intangibles) |
| :class:`WorkingCapitalMethod` | ``working_capital`` | percent x (current assets - current liabilities) |
| :class:`SalesMethod` | ``sales`` | average monthly credit sales x (terms days + grace days) / 30 |
| :class:`BureauMethod` | ``bureau`` | bureau's suggested limit x factor |
| :class:`RiskClassMatrixMethod` | ``risk_class_matrix`` | table by class and segment, or base x multiplier per class |
| :class:`InsuredCoverMethod` | ``insured_cover`` | insurer's buyer limit + own-risk part on top, or a total limit split into insured and own-risk parts |

Figures are rounded **down** to the currency's minor units: a limit is a
ceiling, and rounding it up would grant what the method did not support. Amounts
in another currency than the limit's (a statement in USD for a EUR limit, a
bureau limit, a table amount) are converted with :func:`credkit.fx.convert` at the
rate in force on ``inputs.as_of``; without ``rates`` that is a
:class:`~credkit.errors.ValidationError` naming both currencies. Statement
figures are read as units of the statement's currency (not thousands).

In configuration documents a calculator is a table with a ``kind`` key:
``{kind = "tangible_net_worth", percent = "10"}``.

>>> from datetime import date
>>> from credkit.ledger import Customer
>>> from credkit.scoring import FinancialStatement
>>> inputs = LimitInputs(
...     Customer("C1", "Acme GmbH", country="DE", currency="EUR"), as_of=date(2026, 3, 31),
...     statement=FinancialStatement(book_equity=800000, intangibles=150000, currency="EUR"),
... )
>>> TangibleNetWorthMethod(percent=10).recommend(inputs).reason
'10% of tangible net worth 650,000.00 EUR'
>>> SalesMethod().recommend(inputs).reason
'not applicable: no monthly credit sales history'
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any, ClassVar, Protocol, runtime_checkable

import attrs
from cattrs.gen import make_dict_unstructure_fn
from dateutil.relativedelta import relativedelta

from credkit._figures import plain_number
from credkit._validate import (
    arithmetic_guard,
    count,
    describe,
    enum_converter,
    non_negative_money,
    number_between,
    one_of,
    optional_count,
    optional_non_negative_money,
    text,
    to_number,
    to_tuple,
    tuple_of,
)
from credkit.config import converter as _converter
from credkit.errors import ConfigError, ValidationError
from credkit.fx import RateSource
from credkit.limits._common import floor_minor, fmt, in_currency, one_per_currency, pick
from credkit.limits.inputs import LimitInputs
from credkit.money import Money
from credkit.scoring.ratios import tangible_net_worth, working_capital
from credkit.scoring.statements import FinancialStatement

__all__ = [
    "CALCULATOR_KINDS",
    "BureauMethod",
    "Calculator",
    "ClassMultiplier",
    "InsuredCoverMethod",
    "MatrixCell",
    "MethodResult",
    "OwnRiskBasis",
    "RiskClassMatrixMethod",
    "SalesMethod",
    "TangibleNetWorthMethod",
    "WorkingCapitalMethod",
]

_HUNDRED = Decimal(100)
_PERCENT = number_between(Decimal(0), _HUNDRED, low_open=True, what=" (a percentage)")


def _optional_result_money(
    instance: object, attribute: attrs.Attribute[Any], value: object
) -> None:
    optional_non_negative_money(instance, attribute, value)


@attrs.frozen(kw_only=True)
class MethodResult:
    """What one calculator made of the inputs: a figure with its working, or why not.

    ``amount`` is the figure in the limit currency, or ``None`` when the method does
    not apply; ``reason`` is the working ("10% of tangible net worth ...") or, for a
    method that does not apply, why ("not applicable: no financial statement").
    ``insured`` and ``own_risk`` split the figure of an insured-cover method (they
    sum to ``amount``); other methods leave them ``None``.

    >>> from credkit import Money
    >>> result = MethodResult(method="bureau", kind="bureau", amount=Money.of(5000, "EUR"), reason="bureau limit x 1")
    >>> result.applicable
    True
    >>> MethodResult.not_applicable("bureau", "bureau", "no bureau suggested limit").reason
    'not applicable: no bureau suggested limit'
    """

    method: str = attrs.field(validator=text)
    kind: str = attrs.field(validator=text)
    amount: Money | None = attrs.field(validator=_optional_result_money)
    reason: str = attrs.field(validator=text)
    insured: Money | None = attrs.field(
        default=None, kw_only=True, validator=_optional_result_money
    )
    own_risk: Money | None = attrs.field(
        default=None, kw_only=True, validator=_optional_result_money
    )

    def __attrs_post_init__(self) -> None:
        parts = (self.insured, self.own_risk)
        if any(p is not None for p in parts):
            if self.amount is None or self.insured is None or self.own_risk is None:
                raise ValidationError(
                    "insured: an amount split into insured and own-risk parts needs the "
                    "amount and both parts"
                )
            if self.insured + self.own_risk != self.amount:
                raise ValidationError(
                    f"insured: {self.insured} + own_risk {self.own_risk} do not sum to "
                    f"amount {self.amount}"
                )

    @classmethod
    def not_applicable(cls, method: str, kind: str, why: str) -> MethodResult:
        """A result saying that the method does not apply, and why.

        >>> MethodResult.not_applicable("sales", "sales", "no payment terms").applicable
        False
        """
        return cls(method=method, kind=kind, amount=None, reason=f"not applicable: {why}")

    @property
    def applicable(self) -> bool:
        """Whether the method gave a figure.

        >>> MethodResult.not_applicable("x", "sales", "no data").applicable
        False
        """
        return self.amount is not None


@runtime_checkable
class Calculator(Protocol):
    """What a limit calculator provides: a ``name`` and ``recommend``.

    The shipped calculators are in this module; a host can write its own (any
    class with these two members) and use it in a
    :class:`~credkit.limits.LimitPolicy` built in Python (configuration documents
    can only name the shipped kinds).

    >>> isinstance(BureauMethod(), Calculator)
    True
    """

    @property
    def name(self) -> str:
        """The method's name in a policy (unique within it)."""
        ...

    def recommend(self, inputs: LimitInputs, *, rates: RateSource | None = None) -> MethodResult:
        """The method's figure for ``inputs``, or why it does not apply."""
        ...


# -- statement-based methods ------------------------------------------------------------


def _statement_figure(
    inputs: LimitInputs,
    rates: RateSource | None,
    *,
    ratio: Callable[[FinancialStatement], Decimal],
    label: str,
    max_age_months: int | None,
) -> Money | str:
    """The ratio's amount in the limit currency, or why it cannot be had."""
    statement = inputs.statement
    if statement is None:
        return "no financial statement"
    if max_age_months is not None:
        if statement.period_end is None:
            return (
                f"the financial statement has no period_end, so its age cannot be checked "
                f"against the {max_age_months}-month maximum"
            )
        if inputs.as_of > statement.period_end + relativedelta(months=max_age_months):
            return (
                f"the financial statement of {statement.period_end.isoformat()} is more than "
                f"{max_age_months} months old on {inputs.as_of.isoformat()}"
            )
    if statement.currency is None:
        return "the financial statement has no currency; set FinancialStatement.currency"
    try:
        value = ratio(statement)
    except ValidationError as error:
        return f"the financial statement lacks a figure for {label} ({error.message})"
    figure = Money(value, statement.currency)
    return in_currency(
        figure, inputs.currency, on=inputs.as_of, rates=rates, field=f"statement {label}"
    )


def _converted_note(original: Money, converted: Money) -> str:
    if original.currency == converted.currency:
        return ""
    return f" (from {fmt(original)})"


def _picked_note(amounts: Sequence[Money], used: Money) -> str:
    if any(a.currency == used.currency for a in amounts):
        return ""
    return _converted_note(amounts[0], used)


def _percent_of(
    calculator: TangibleNetWorthMethod | WorkingCapitalMethod,
    inputs: LimitInputs,
    rates: RateSource | None,
    ratio: Callable[[FinancialStatement], Decimal],
    label: str,
) -> MethodResult:
    figure = _statement_figure(
        inputs, rates, ratio=ratio, label=label, max_age_months=calculator.max_age_months
    )
    if isinstance(figure, str):
        return MethodResult.not_applicable(calculator.name, calculator.kind, figure)
    assert inputs.statement is not None
    assert inputs.statement.currency is not None
    original = Money(ratio(inputs.statement), inputs.statement.currency)
    note = _converted_note(original, figure)
    percent = plain_number(calculator.percent)
    if not figure.is_positive:
        return MethodResult(
            method=calculator.name,
            kind=calculator.kind,
            amount=Money.zero(inputs.currency),
            reason=f"{label} is {fmt(figure)}{note}, not above zero: no credit on this method",
        )
    amount = floor_minor(figure * calculator.percent / _HUNDRED)
    return MethodResult(
        method=calculator.name,
        kind=calculator.kind,
        amount=amount,
        reason=f"{percent}% of {label} {fmt(figure)}{note}",
    )


@attrs.frozen
class TangibleNetWorthMethod:
    """``percent`` % of the customer's tangible net worth (book equity - intangibles).

    A widespread rule of thumb sets a trade-credit limit at about 10 % of the
    customer's net worth (5 to 15 % in some policies). Does not apply without a
    financial statement, without its currency, or without book equity and
    intangibles (given, even as 0); ``max_age_months`` also refuses a statement
    whose ``period_end`` is older than that on ``inputs.as_of``. A tangible net
    worth of zero or less gives a zero figure with that reason.

    >>> from datetime import date
    >>> from credkit.ledger import Customer
    >>> from credkit.scoring import FinancialStatement
    >>> inputs = LimitInputs(Customer("C1", "Acme", country="DE", currency="EUR"), as_of=date(2026, 3, 31),
    ...     statement=FinancialStatement(book_equity=100000, intangibles=130000, currency="EUR"))
    >>> TangibleNetWorthMethod(percent=10).recommend(inputs).reason
    'tangible net worth is -30,000.00 EUR, not above zero: no credit on this method'
    """

    kind: ClassVar[str] = "tangible_net_worth"

    percent: Decimal = attrs.field(kw_only=True, converter=to_number, validator=_PERCENT)
    name: str = attrs.field(default="tangible_net_worth", kw_only=True, validator=text)
    max_age_months: int | None = attrs.field(default=None, kw_only=True, validator=optional_count)

    @arithmetic_guard
    def recommend(self, inputs: LimitInputs, *, rates: RateSource | None = None) -> MethodResult:
        """``percent`` % of tangible net worth, or why not (see the class).

        >>> from datetime import date
        >>> from credkit.ledger import Customer
        >>> inputs = LimitInputs(Customer("C1", "Acme", country="DE", currency="EUR"), as_of=date(2026, 3, 31))
        >>> TangibleNetWorthMethod(percent=10).recommend(inputs).reason
        'not applicable: no financial statement'
        """
        return _percent_of(self, inputs, rates, tangible_net_worth, "tangible net worth")


@attrs.frozen
class WorkingCapitalMethod:
    """``percent`` % of the customer's working capital (current assets - current liabilities).

    Working capital is what the customer has left to pay short-term debts with, so
    some policies size a supplier's limit as a share of it (often 10 to 20 %). Does
    not apply without a statement, its currency, or its current assets and
    liabilities; ``max_age_months`` as for :class:`TangibleNetWorthMethod`. Zero or
    negative working capital gives a zero figure with that reason.

    >>> from datetime import date
    >>> from credkit.ledger import Customer
    >>> from credkit.scoring import FinancialStatement
    >>> inputs = LimitInputs(Customer("C1", "Acme", country="DE", currency="EUR"), as_of=date(2026, 3, 31),
    ...     statement=FinancialStatement(current_assets=420000, current_liabilities=310000, currency="EUR"))
    >>> WorkingCapitalMethod(percent=20).recommend(inputs).amount
    Money('22000.00', 'EUR')
    """

    kind: ClassVar[str] = "working_capital"

    percent: Decimal = attrs.field(kw_only=True, converter=to_number, validator=_PERCENT)
    name: str = attrs.field(default="working_capital", kw_only=True, validator=text)
    max_age_months: int | None = attrs.field(default=None, kw_only=True, validator=optional_count)

    @arithmetic_guard
    def recommend(self, inputs: LimitInputs, *, rates: RateSource | None = None) -> MethodResult:
        """``percent`` % of working capital, or why not (see the class).

        >>> from datetime import date
        >>> from credkit.ledger import Customer
        >>> from credkit.scoring import FinancialStatement
        >>> inputs = LimitInputs(Customer("C1", "Acme", country="DE", currency="EUR"), as_of=date(2026, 3, 31),
        ...     statement=FinancialStatement(current_assets=420000, currency="EUR"))
        >>> WorkingCapitalMethod(percent=20).recommend(inputs).reason
        'not applicable: the financial statement lacks a figure for working capital (current_liabilities: needed for working capital (current assets - current liabilities) but missing)'
        """
        return _percent_of(self, inputs, rates, working_capital, "working capital")


# -- sales-based -----------------------------------------------------------------------------


@attrs.frozen
class SalesMethod:
    """Average monthly credit sales x (terms days + grace days) / 30.

    The limit that lets the customer keep buying at its usual pace while the
    invoices of one payment period (plus the grace days the business tolerates) are
    open: with 36,000 a month on 30-day terms and 10 days' grace, 36,000 x 40 / 30 =
    48,000. A month counts as 30 days. The average is rounded down to the minor
    unit before it is multiplied, so that the working shown can be redone by hand.
    Does not apply without a sales history, with fewer than ``min_months`` months
    of it, or without payment terms.

    >>> from datetime import date
    >>> from credkit import Money
    >>> from credkit.ledger import Customer
    >>> inputs = LimitInputs(Customer("C1", "Acme", country="DE", currency="EUR"), as_of=date(2026, 3, 31),
    ...     monthly_sales=[Money.of(36000, "EUR")] * 12, terms_days=30, grace_days=10)
    >>> result = SalesMethod().recommend(inputs)
    >>> result.amount, result.reason
    (Money('48000.00', 'EUR'), 'average monthly credit sales 36,000.00 EUR over 12 months x (30 terms + 10 grace days) / 30')
    """

    kind: ClassVar[str] = "sales"

    name: str = attrs.field(default="sales", kw_only=True, validator=text)
    min_months: int = attrs.field(default=1, kw_only=True, validator=count)

    @arithmetic_guard
    def recommend(self, inputs: LimitInputs, *, rates: RateSource | None = None) -> MethodResult:
        """The sales-based figure, or why not (see the class).

        >>> from datetime import date
        >>> from credkit import Money
        >>> from credkit.ledger import Customer
        >>> inputs = LimitInputs(Customer("C1", "Acme", country="DE", currency="EUR"), as_of=date(2026, 3, 31),
        ...     monthly_sales=[Money.of(36000, "EUR")] * 3, terms_days=30)
        >>> SalesMethod(min_months=6).recommend(inputs).reason
        'not applicable: only 3 months of credit sales history; the method needs 6'
        """
        average = inputs.average_monthly_sales
        months = len(inputs.monthly_sales)
        if average is None:
            return MethodResult.not_applicable(
                self.name, self.kind, "no monthly credit sales history"
            )
        if months < self.min_months:
            return MethodResult.not_applicable(
                self.name,
                self.kind,
                f"only {months} month{'s' if months != 1 else ''} of credit sales history; "
                f"the method needs {self.min_months}",
            )
        if inputs.terms_days is None:
            return MethodResult.not_applicable(
                self.name, self.kind, "no payment terms (terms_days)"
            )
        days = inputs.terms_days + inputs.grace_days
        average = floor_minor(average)
        amount = floor_minor(average * days / 30)
        grace = f" + {inputs.grace_days} grace days" if inputs.grace_days else " days"
        terms = f"{inputs.terms_days} terms" if inputs.grace_days else f"{inputs.terms_days}"
        return MethodResult(
            method=self.name,
            kind=self.kind,
            amount=amount,
            reason=f"average monthly credit sales {fmt(average)} over {months} months "
            f"x ({terms}{grace}) / 30",
        )


# -- bureau ----------------------------------------------------------------------------------


@attrs.frozen
class ClassMultiplier:
    """The multiplier of a risk class in a :class:`RiskClassMatrixMethod` (base x multiplier).

    >>> ClassMultiplier("B", multiplier="0.6").multiplier
    Decimal('0.6')
    """

    risk_class: str = attrs.field(validator=text)
    multiplier: Decimal = attrs.field(
        kw_only=True, converter=to_number, validator=number_between(Decimal(0), Decimal(100))
    )


def _multipliers(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    tuple_of(ClassMultiplier, "a ClassMultiplier")(instance, attribute, value)
    assert isinstance(value, tuple)
    seen: set[str] = set()
    for index, item in enumerate(value):
        if item.risk_class in seen:
            raise ValidationError(
                f"{attribute.name}[{index}].risk_class: {item.risk_class!r} is listed twice"
            )
        seen.add(item.risk_class)


@attrs.frozen
class BureauMethod:
    """A credit bureau's suggested limit times ``factor``.

    Bureaus (Dun & Bradstreet, Creditsafe, Creditreform, ...) suggest a limit for
    each company from their own data; a policy may follow it, or take a share of it
    (a factor of 0.5 takes half). Does not apply without a suggested limit.

    ``class_factors`` scale the share by the bureau's own view of the company: its
    rating on credkit's scale (``LimitInputs.bureau_class``, see
    :func:`credkit.bureau.report_class`) picks a multiplier, so that a suggestion
    from a bureau rating the company "D" counts for less than one rated "A". With
    class factors, an input without a bureau class, or with a class that has no
    factor, makes the method not applicable.

    >>> from datetime import date
    >>> from credkit import Money
    >>> from credkit.ledger import Customer
    >>> inputs = LimitInputs(Customer("C1", "Acme", country="DE", currency="EUR"), as_of=date(2026, 3, 31),
    ...     bureau_limit=Money.of(120000, "EUR"))
    >>> BureauMethod(factor="0.5").recommend(inputs).reason
    'bureau suggested limit 120,000.00 EUR x 0.5'
    """

    kind: ClassVar[str] = "bureau"

    factor: Decimal = attrs.field(
        default=Decimal(1),
        kw_only=True,
        converter=to_number,
        validator=number_between(Decimal(0), Decimal(10), low_open=True),
    )
    class_factors: tuple[ClassMultiplier, ...] = attrs.field(
        default=(), kw_only=True, converter=to_tuple, validator=_multipliers
    )
    name: str = attrs.field(default="bureau", kw_only=True, validator=text)

    def _factor(self, inputs: LimitInputs) -> tuple[Decimal | None, str]:
        """The factor for ``inputs`` and the words for it, or (None, why not)."""
        if not self.class_factors:
            return self.factor, plain_number(self.factor)
        found = inputs.bureau_class
        if found is None:
            return None, "no bureau risk class"
        for item in self.class_factors:
            if item.risk_class == found:
                factor = self.factor * item.multiplier
                return factor, f"{plain_number(factor)} (bureau class {found})"
        known = ", ".join(item.risk_class for item in self.class_factors)
        return None, f"bureau class {found!r} has no factor (classes: {known})"

    @arithmetic_guard
    def recommend(self, inputs: LimitInputs, *, rates: RateSource | None = None) -> MethodResult:
        """The bureau-based figure, or why not (see the class).

        >>> from datetime import date
        >>> from credkit.ledger import Customer
        >>> inputs = LimitInputs(Customer("C1", "Acme", country="DE", currency="EUR"), as_of=date(2026, 3, 31))
        >>> BureauMethod().recommend(inputs).reason
        'not applicable: no bureau suggested limit'
        """
        if inputs.bureau_limit is None:
            return MethodResult.not_applicable(self.name, self.kind, "no bureau suggested limit")
        factor, words = self._factor(inputs)
        if factor is None:
            return MethodResult.not_applicable(self.name, self.kind, words)
        suggested = in_currency(
            inputs.bureau_limit,
            inputs.currency,
            on=inputs.as_of,
            rates=rates,
            field="bureau_limit",
        )
        amount = floor_minor(suggested * factor)
        note = _converted_note(inputs.bureau_limit, suggested)
        return MethodResult(
            method=self.name,
            kind=self.kind,
            amount=amount,
            reason=f"bureau suggested limit {fmt(suggested)}{note} x {words}",
        )


# -- risk-class matrix ---------------------------------------------------------------------------


@attrs.frozen
class MatrixCell:
    """A fixed amount for a risk class, optionally only in one segment.

    >>> from credkit import Money
    >>> MatrixCell("A", Money.of(100000, "EUR"), segment="wholesale").segment
    'wholesale'
    """

    risk_class: str = attrs.field(validator=text)
    amount: Money = attrs.field(validator=non_negative_money)
    segment: str | None = attrs.field(default=None, kw_only=True)

    def __attrs_post_init__(self) -> None:
        if self.segment is not None and (not isinstance(self.segment, str) or not self.segment):
            raise ValidationError(
                f"segment: expected a non-empty string or None, got {describe(self.segment)}"
            )


def _cells(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    tuple_of(MatrixCell, "a MatrixCell")(instance, attribute, value)
    assert isinstance(value, tuple)
    seen: set[tuple[str, str | None, str]] = set()
    for index, item in enumerate(value):
        key = (item.risk_class, item.segment, item.amount.currency)
        if key in seen:
            where = "any segment" if item.segment is None else f"segment {item.segment!r}"
            raise ValidationError(
                f"cells[{index}]: risk class {item.risk_class!r} in {where} is listed twice "
                f"in {item.amount.currency}"
            )
        seen.add(key)


def _bases(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    tuple_of(Money, "Money")(instance, attribute, value)
    assert isinstance(value, tuple)
    for index, money in enumerate(value):
        if money.is_negative:
            raise ValidationError(f"base[{index}]: must be zero or more, got {money}")
    one_per_currency("base", value)


def _to_bases(value: object) -> object:
    if isinstance(value, Money):
        return (value,)
    return to_tuple(value)


@attrs.frozen
class RiskClassMatrixMethod:
    """A limit by risk class: a table by class (and segment), or a base amount x a multiplier.

    The figure for the customer's risk class (and segment) is looked up in this
    order: a cell for the class and the customer's segment; a cell for the class
    in any segment (``segment`` left out); ``base`` x the class's multiplier. A
    multiplier or cell of zero is a deliberate zero for that class. Does not apply
    without a risk class, or for a class the matrix does not list.

    ``base`` (one amount, or several in different currencies) and each cell may be
    given in several currencies: the one in the limit currency is used, otherwise
    the first listed, converted with ``rates`` on ``inputs.as_of``.

    >>> from datetime import date
    >>> from credkit import Money
    >>> from credkit.ledger import Customer
    >>> matrix = RiskClassMatrixMethod(
    ...     base=Money.of(50000, "EUR"),
    ...     multipliers=(ClassMultiplier("A", multiplier=2), ClassMultiplier("B", multiplier="0.6")),
    ...     cells=(MatrixCell("A", Money.of(150000, "EUR"), segment="wholesale"),),
    ... )
    >>> customer = Customer("C1", "Acme", country="DE", currency="EUR", segment="retail")
    >>> matrix.recommend(LimitInputs(customer, as_of=date(2026, 3, 31), risk_class="B")).reason
    'risk class B: base 50,000.00 EUR x 0.6'
    >>> matrix.recommend(LimitInputs(customer, as_of=date(2026, 3, 31), risk_class="A",
    ...                              segment="wholesale")).amount
    Money('150000.00', 'EUR')
    """

    kind: ClassVar[str] = "risk_class_matrix"

    base: tuple[Money, ...] = attrs.field(
        default=(), kw_only=True, converter=_to_bases, validator=_bases
    )
    multipliers: tuple[ClassMultiplier, ...] = attrs.field(
        default=(), kw_only=True, converter=to_tuple, validator=_multipliers
    )
    cells: tuple[MatrixCell, ...] = attrs.field(
        default=(), kw_only=True, converter=to_tuple, validator=_cells
    )
    name: str = attrs.field(default="risk_class_matrix", kw_only=True, validator=text)

    def __attrs_post_init__(self) -> None:
        if self.multipliers and not self.base:
            raise ValidationError("base: multipliers need a base amount to multiply")
        if self.base and not self.multipliers:
            raise ValidationError("multipliers: a base amount needs a multiplier per risk class")
        if not self.multipliers and not self.cells:
            raise ValidationError(
                "cells: the matrix is empty; give cells, or a base and multipliers"
            )

    @property
    def classes(self) -> tuple[str, ...]:
        """The risk classes the matrix knows, in the order first listed.

        >>> from credkit import Money
        >>> RiskClassMatrixMethod(cells=(MatrixCell("A", Money.of(1, "EUR")),)).classes
        ('A',)
        """
        found = [c.risk_class for c in self.cells] + [m.risk_class for m in self.multipliers]
        return tuple(dict.fromkeys(found))

    @arithmetic_guard
    def recommend(self, inputs: LimitInputs, *, rates: RateSource | None = None) -> MethodResult:
        """The matrix figure for the inputs' risk class and segment, or why not.

        >>> from datetime import date
        >>> from credkit import Money
        >>> from credkit.ledger import Customer
        >>> matrix = RiskClassMatrixMethod(cells=(MatrixCell("A", Money.of(1, "EUR")),))
        >>> matrix.recommend(LimitInputs(Customer("C1", "X", country="DE", currency="EUR"),
        ...                              as_of=date(2026, 3, 31), risk_class="E")).reason
        "not applicable: risk class 'E' is not in the matrix (classes: A)"
        """
        risk = inputs.risk_class
        if risk is None:
            return MethodResult.not_applicable(self.name, self.kind, "no risk class")
        cells: dict[tuple[str, str | None], list[MatrixCell]] = {}
        for cell in self.cells:
            cells.setdefault((cell.risk_class, cell.segment), []).append(cell)
        found: list[MatrixCell] = []
        if inputs.segment is not None:
            found = cells.get((risk, inputs.segment), [])
        if not found:
            found = cells.get((risk, None), [])
        if found:
            figure = pick(
                [c.amount for c in found],
                inputs.currency,
                on=inputs.as_of,
                rates=rates,
                field="cells",
            )
            segment = found[0].segment
            where = f", segment {segment}" if segment is not None else ""
            note = _picked_note([c.amount for c in found], figure)
            return MethodResult(
                method=self.name,
                kind=self.kind,
                amount=floor_minor(figure),
                reason=f"risk class {risk}{where}: {fmt(figure)}{note} from the table",
            )
        multipliers = {m.risk_class: m for m in self.multipliers}
        multiplier = multipliers.get(risk)
        if multiplier is None or not self.base:
            return MethodResult.not_applicable(
                self.name,
                self.kind,
                f"risk class {risk!r} is not in the matrix (classes: {', '.join(self.classes)})",
            )
        base = pick(self.base, inputs.currency, on=inputs.as_of, rates=rates, field="base")
        note = _picked_note(self.base, base)
        return MethodResult(
            method=self.name,
            kind=self.kind,
            amount=floor_minor(base * multiplier.multiplier),
            reason=f"risk class {risk}: base {fmt(base)}{note} x {plain_number(multiplier.multiplier)}",
        )


# -- insured cover -------------------------------------------------------------------------------


class OwnRiskBasis(enum.Enum):
    """How :class:`InsuredCoverMethod` finds the own-risk part of an insured limit.

    ``ON_TOP`` (the default): the limit is the insurer's buyer limit plus an own-risk
    part on top of it (a percentage of the buyer limit), as a limit that adds the
    company's and the insurer's credit (OCA ``partner_financial_risk_insurance``:
    company credit limit + insurance credit limit). ``REMAINDER``: the limit is a
    total the business decided, and the own-risk part is what the insurer does not
    cover, ``max(0, total limit - insured limit)``.

    >>> OwnRiskBasis("remainder")
    <OwnRiskBasis.REMAINDER: 'remainder'>
    """

    ON_TOP = "on_top"
    REMAINDER = "remainder"


_to_basis_value = enum_converter(OwnRiskBasis)


def _to_basis(value: object) -> Any:
    return _to_basis_value(value)


def _own_risk_percent(
    instance: InsuredCoverMethod, attribute: attrs.Attribute[Any], value: Decimal
) -> None:
    number_between(Decimal(0), Decimal(1000), what=" (a percentage)")(instance, attribute, value)
    if value and instance.own_risk_basis is OwnRiskBasis.REMAINDER:
        raise ValidationError(
            f"own_risk_percent: {plain_number(value)} applies only with own_risk_basis "
            "'on_top'; with 'remainder' the own-risk part is the total limit less the "
            "insured part"
        )


def _total_limit(
    instance: InsuredCoverMethod, attribute: attrs.Attribute[Any], value: object
) -> None:
    optional_non_negative_money(instance, attribute, value)
    if value is not None and instance.own_risk_basis is not OwnRiskBasis.REMAINDER:
        raise ValidationError(
            "total_limit: applies only with own_risk_basis 'remainder' (the limit split "
            f"into insured and own-risk parts), but the basis is "
            f"{instance.own_risk_basis.value!r}"
        )


@attrs.frozen
class InsuredCoverMethod:
    """The insurer's buyer limit as the insured part, plus an own-risk part.

    The insured part is the credit insurer's buyer limit (converted into the limit
    currency). With ``own_risk_basis="on_top"`` (the default) the own-risk part is
    ``own_risk_percent`` % of it, at most ``own_risk_max``: credit the business
    grants on its own account above what the insurer covers. With
    ``own_risk_basis="remainder"`` the figure is a total limit, ``total_limit`` or,
    when that is not given, the limit in force (``inputs.current_limit``); the
    insured part is the buyer limit (at most the total) and the own-risk part is
    ``max(0, total - insured)``, at most ``own_risk_max`` (which then lowers the
    figure). Without ``total_limit`` it splits the limit in force, so the figure
    restates that limit (less only when ``own_risk_max`` caps the own risk) rather
    than recommending one: give ``total_limit`` for a recommendation. Either way the
    two parts are reported separately
    (``MethodResult.insured`` and ``own_risk``) and sum to the figure. The insurer
    indemnifies only ``cover_percent`` % of a loss on the insured part; the working
    states that amount too. Does not apply without cover, after the cover's
    ``expires_on``, or (remainder) without a total limit.

    >>> from datetime import date
    >>> from credkit import Money
    >>> from credkit.ledger import Customer
    >>> from credkit.limits import InsuranceCover
    >>> inputs = LimitInputs(Customer("C1", "Acme", country="DE", currency="EUR"), as_of=date(2026, 3, 31),
    ...     insurance=InsuranceCover(Money.of(80000, "EUR"), cover_percent=90))
    >>> result = InsuredCoverMethod(own_risk_percent=10).recommend(inputs)
    >>> result.insured, result.own_risk, result.amount
    (Money('80000.00', 'EUR'), Money('8000.00', 'EUR'), Money('88000.00', 'EUR'))
    >>> split = InsuredCoverMethod(
    ...     own_risk_basis="remainder", total_limit=Money.of(100000, "EUR")
    ... ).recommend(inputs)
    >>> split.insured, split.own_risk, split.amount
    (Money('80000.00', 'EUR'), Money('20000.00', 'EUR'), Money('100000.00', 'EUR'))
    """

    kind: ClassVar[str] = "insured_cover"

    # ``own_risk_basis`` comes first: the other fields' validators read it.
    own_risk_basis: OwnRiskBasis = attrs.field(
        default=OwnRiskBasis.ON_TOP,
        kw_only=True,
        converter=_to_basis,
        validator=one_of(OwnRiskBasis),
    )
    own_risk_percent: Decimal = attrs.field(
        default=Decimal(0),
        kw_only=True,
        converter=to_number,
        validator=_own_risk_percent,
    )
    own_risk_max: Money | None = attrs.field(
        default=None, kw_only=True, validator=optional_non_negative_money
    )
    total_limit: Money | None = attrs.field(default=None, kw_only=True, validator=_total_limit)
    name: str = attrs.field(default="insured_cover", kw_only=True, validator=text)

    @arithmetic_guard
    def recommend(self, inputs: LimitInputs, *, rates: RateSource | None = None) -> MethodResult:
        """The insured and own-risk parts and their sum, or why not (see the class).

        >>> from datetime import date
        >>> from credkit import Money
        >>> from credkit.ledger import Customer
        >>> from credkit.limits import InsuranceCover
        >>> inputs = LimitInputs(Customer("C1", "Acme", country="DE", currency="EUR"), as_of=date(2026, 3, 31),
        ...     insurance=InsuranceCover(Money.of(80000, "EUR"), cover_percent=90, expires_on=date(2026, 3, 30)))
        >>> InsuredCoverMethod().recommend(inputs).reason
        'not applicable: the insurance cover expired on 2026-03-30'
        """
        cover = inputs.insurance
        if cover is None:
            return MethodResult.not_applicable(self.name, self.kind, "no credit insurance cover")
        if cover.expires_on is not None and inputs.as_of > cover.expires_on:
            return MethodResult.not_applicable(
                self.name,
                self.kind,
                f"the insurance cover expired on {cover.expires_on.isoformat()}",
            )
        insured = floor_minor(
            in_currency(
                cover.buyer_limit,
                inputs.currency,
                on=inputs.as_of,
                rates=rates,
                field="insurance.buyer_limit",
            )
        )
        if self.own_risk_basis is OwnRiskBasis.REMAINDER:
            return self._remainder(inputs, rates, insured, cover.cover_percent, cover.insurer)
        own_risk = floor_minor(insured * self.own_risk_percent / _HUNDRED)
        own_risk, capped = self._capped(own_risk, inputs, rates)
        indemnity = insured * cover.cover_percent / _HUNDRED
        insurer = f" ({cover.insurer})" if cover.insurer else ""
        reason = (
            f"insured part {fmt(insured)} = the insurer's buyer limit{insurer}, of which the "
            f"insurer pays {plain_number(cover.cover_percent)}% of a loss ({fmt(indemnity)}); "
            f"own-risk part {fmt(own_risk)} = {plain_number(self.own_risk_percent)}% of the "
            f"buyer limit{capped}"
        )
        return MethodResult(
            method=self.name,
            kind=self.kind,
            amount=insured + own_risk,
            reason=reason,
            insured=insured,
            own_risk=own_risk,
        )

    def _capped(
        self, own_risk: Money, inputs: LimitInputs, rates: RateSource | None
    ) -> tuple[Money, str]:
        """``own_risk`` capped at ``own_risk_max`` (if set), with the words saying so."""
        if self.own_risk_max is None:
            return own_risk, ""
        most = in_currency(
            self.own_risk_max, inputs.currency, on=inputs.as_of, rates=rates, field="own_risk_max"
        )
        if own_risk > most:
            return floor_minor(most), f", capped at {fmt(most)}"
        return own_risk, ""

    def _remainder(
        self,
        inputs: LimitInputs,
        rates: RateSource | None,
        buyer_limit: Money,
        cover_percent: Decimal,
        insurer: str | None,
    ) -> MethodResult:
        # own risk = max(0, total - insured); the insured part never exceeds the total.
        given, source = self.total_limit, "total_limit"
        if given is None:
            given, source = inputs.current_limit, "the limit in force"
        if given is None:
            return MethodResult.not_applicable(
                self.name,
                self.kind,
                "no total limit to split (give total_limit or the limit in force)",
            )
        total = floor_minor(
            in_currency(given, inputs.currency, on=inputs.as_of, rates=rates, field=source)
        )
        insured = min(buyer_limit, total)
        own_risk = total - insured
        own_risk, capped = self._capped(own_risk, inputs, rates)
        who = f" ({insurer})" if insurer else ""
        above = (
            f"; the buyer limit {fmt(buyer_limit)} is above the total"
            if buyer_limit > total
            else ""
        )
        reason = (
            f"total limit {fmt(total)} ({source}): insured part {fmt(insured)} = the "
            f"insurer's buyer limit{who}{above}, of which the insurer pays "
            f"{plain_number(cover_percent)}% of a loss "
            f"({fmt(insured * cover_percent / _HUNDRED)}); own-risk part {fmt(own_risk)} = "
            f"max(0, total - insured){capped}"
        )
        return MethodResult(
            method=self.name,
            kind=self.kind,
            amount=insured + own_risk,
            reason=reason,
            insured=insured,
            own_risk=own_risk,
        )


# -- configuration documents ---------------------------------------------------------------------

CALCULATOR_KINDS: Mapping[str, type[Any]] = {
    cls.kind: cls
    for cls in (
        TangibleNetWorthMethod,
        WorkingCapitalMethod,
        SalesMethod,
        BureauMethod,
        RiskClassMatrixMethod,
        InsuredCoverMethod,
    )
}
"""The calculator classes a configuration document can name, by their ``kind``."""


def _structure_calculator(value: object, _: object) -> Calculator:
    accepted = ", ".join(repr(k) for k in CALCULATOR_KINDS)
    if not isinstance(value, Mapping):
        raise ConfigError(f"expected a table with a 'kind' key ({accepted}), got {describe(value)}")
    if "kind" not in value:
        raise ConfigError(f"required key is missing; expected one of {accepted}", path="kind")
    kind = value["kind"]
    cls = CALCULATOR_KINDS.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise ConfigError(
            f"unknown calculator kind {kind!r}; expected one of {accepted}", path="kind"
        )
    rest = {key: item for key, item in value.items() if key != "kind"}
    result: Calculator = _converter.structure(rest, cls)
    return result


def _unstructure_calculator(value: object) -> Any:
    if type(value) not in CALCULATOR_KINDS.values():
        raise ValidationError(
            f"calculators: {type(value).__name__} is not one of the shipped calculator kinds "
            f"({', '.join(CALCULATOR_KINDS)}) and cannot be written to a configuration document"
        )
    return _converter.unstructure(value, unstructure_as=type(value))


def _kind_unstructure_hook(cls: type[Any]) -> Callable[[Any], dict[str, Any]]:
    fields = make_dict_unstructure_fn(cls, _converter)

    def unstructure(value: Any) -> dict[str, Any]:
        return {"kind": cls.kind, **fields(value)}

    return unstructure


def _kind_structure_hook(cls: type[Any]) -> Callable[[object, object], Any]:
    # A calculator class loaded on its own accepts the "kind" key of its dumped form.
    fields = _converter.gen_structure_attrs_fromdict(cls)

    def structure(value: object, type_: object) -> Any:
        if not isinstance(value, Mapping):
            raise ConfigError(f"expected a table of keys and values, got {describe(value)}")
        if "kind" in value:
            if value["kind"] != cls.kind:
                raise ConfigError(
                    f"expected {cls.kind!r} for a {cls.__name__}, got {describe(value['kind'])}",
                    path="kind",
                )
            value = {key: item for key, item in value.items() if key != "kind"}
        return fields(value, type_)

    return structure


_converter.register_structure_hook_func(lambda t: t is Calculator, _structure_calculator)
_converter.register_unstructure_hook_func(lambda t: t is Calculator, _unstructure_calculator)
for _cls in CALCULATOR_KINDS.values():
    _converter.register_unstructure_hook(_cls, _kind_unstructure_hook(_cls))
    _converter.register_structure_hook(_cls, _kind_structure_hook(_cls))
