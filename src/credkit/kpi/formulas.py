"""Receivables KPIs as plain functions of period figures.

Each function takes the figures a credit manager reads off the books for one period
(receivables at a date, credit sales of the period, the number of days) and returns
an unrounded :class:`~decimal.Decimal` (28 significant digits under the default
decimal context; round for display only). Amounts may be
:class:`~credkit.money.Money` or exact numbers (``Decimal``, ``int``, numeric
``str``), never ``float``. Either every amount of a call is ``Money``, all in one
currency (otherwise :class:`~credkit.errors.CurrencyMismatchError`), or none is.

A KPI that is undefined for its inputs (zero credit sales, a zero denominator,
receivables larger than every sale given to the countback) raises
:class:`UndefinedKPIError`, a :class:`~credkit.errors.ValidationError`; negative
amounts where they make no sense raise :class:`~credkit.errors.ValidationError`,
and so do figures too large or too precise for exact decimal arithmetic
(``months="1e-999999"``), naming the inputs. Nothing returns a silent number.

| KPI | formula | unit |
|---|---|---|
| :func:`dso_simple` | ending AR x days / credit sales | days |
| :func:`dso_countback` | whole periods of sales covered by AR, then a share of the next | days |
| :func:`best_possible_dso` | current AR x days / credit sales | days |
| :func:`average_days_delinquent` | simple DSO - best possible DSO | days |
| :func:`collection_effectiveness_index` | (B + S/N - ET) / (B + S/N - EC) x 100 | percent |
| :func:`bad_debt_ratio` | written off / credit sales | fraction |
| :func:`ar_turnover` | credit sales / average AR | times per period |
| :func:`turnover_days` | days / turnover | days |
| :func:`percent_current` | current AR / total AR x 100 | percent |

Sources: the Credit Research Foundation's definitions as summarised in
``docs/explanation/kpis.md`` (CEI with monthly credit sales, credit sales / N), the
countback method as described by credit practitioners (Credit Today, Sage).

>>> dso_simple(150_000, 1_800_000, 365).quantize(Decimal("0.1"))
Decimal('30.4')
>>> dso_countback(Money.of(2000, "USD"), [(31, Money.of(200, "USD")), (31, Money.of(400, "USD"))])
Traceback (most recent call last):
...
credkit.kpi.formulas.UndefinedKPIError: ending_ar: 2000 USD is more than all 600 USD of credit sales given to the countback (2 periods, 62 days); give more periods of sales
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TypeAlias

from credkit._validate import guard_arithmetic
from credkit.errors import CurrencyMismatchError, ValidationError
from credkit.money import EXACT_CONTEXT, Money, to_decimal

__all__ = [
    "Amount",
    "UndefinedKPIError",
    "ar_turnover",
    "average_days_delinquent",
    "bad_debt_ratio",
    "best_possible_dso",
    "collection_effectiveness_index",
    "dso_countback",
    "dso_simple",
    "percent_current",
    "turnover_days",
]

Amount: TypeAlias = Money | Decimal | int | str
"""An amount a KPI accepts: :class:`~credkit.money.Money` or an exact number."""

_HUNDRED = Decimal(100)
_ONE = Decimal(1)


def _plain(value: Decimal) -> Decimal:
    """``value`` written without a positive exponent (``1E+2`` -> ``100``, ``0E+2`` -> ``0``).

    Dividing by an amount with cents can leave one (``500 / 5.00`` is ``1E+2``); the
    figure is the same, but it should read as a number. Exact (a whole number).
    """
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent > 0:
        return value.quantize(_ONE, context=EXACT_CONTEXT)
    return value


class UndefinedKPIError(ValidationError):
    """A KPI has no value for its inputs (for example DSO with zero credit sales).

    It is a :class:`~credkit.errors.ValidationError` (and so a ``ValueError``); the
    message names the input that makes the KPI undefined.

    >>> dso_simple(100, 0, 30)
    Traceback (most recent call last):
    ...
    credkit.kpi.formulas.UndefinedKPIError: credit_sales: DSO is undefined with zero credit sales
    """

    default_message = "KPI is undefined for these inputs"


# -- input helpers ----------------------------------------------------------------------


def _amounts(values: Iterable[tuple[str, object]]) -> tuple[list[Decimal], str | None]:
    """Decimals of named amounts, and their common currency when they are Money."""
    result: list[Decimal] = []
    currency: str | None = None
    money_field = ""
    plain_field = ""
    for field, value in values:
        if isinstance(value, Money):
            if currency is None:
                currency, money_field = value.currency, field
            elif value.currency != currency:
                raise CurrencyMismatchError(
                    f"{field}: {value} is not in {currency} like {money_field}; "
                    "convert it first with credkit.fx.convert"
                )
            result.append(value.amount)
        else:
            plain_field = plain_field or field
            result.append(to_decimal(value, field=field))
    if currency is not None and plain_field:
        raise ValidationError(
            f"{plain_field}: got a plain number while {money_field} is Money in {currency}; "
            "pass every amount as Money in one currency, or every amount as a number"
        )
    return result, currency


def _show(value: Decimal, currency: str | None) -> str:
    return f"{value} {currency}" if currency else str(value)


def _non_negative(field: str, value: Decimal, currency: str | None) -> None:
    if value < 0:
        raise ValidationError(f"{field}: must be zero or more, got {_show(value, currency)}")


def _positive_number(value: object, field: str) -> Decimal:
    if isinstance(value, Money):
        raise ValidationError(f"{field}: expected a plain number, got Money {value}")
    number = to_decimal(value, field=field)
    if number <= 0:
        raise ValidationError(f"{field}: must be above zero, got {number}")
    return number


def _sales(value: Decimal, currency: str | None, kpi: str) -> Decimal:
    if value < 0:
        raise ValidationError(
            f"credit_sales: must be zero or more, got {_show(value, currency)} "
            "(net credit sales of a period cannot be negative for a KPI)"
        )
    if value == 0:
        raise UndefinedKPIError(f"credit_sales: {kpi} is undefined with zero credit sales")
    return value


# -- DSO family -------------------------------------------------------------------------


@guard_arithmetic("ending_ar, credit_sales, days", what="DSO")
def dso_simple(ending_ar: Amount, credit_sales: Amount, days: Decimal | int | str) -> Decimal:
    """Days sales outstanding, simple (average) method: ending AR / credit sales x days.

    ``ending_ar`` is the receivables balance at the end of the period, ``credit_sales``
    the credit sales of the period and ``days`` its length in days.

    >>> dso_simple(Money.of(150_000, "USD"), Money.of(1_800_000, "USD"), 365)
    Decimal('30.41666666666666666666666667')
    >>> dso_simple(Money.of(1, "USD"), Money.of(1, "EUR"), 30)
    Traceback (most recent call last):
    ...
    credkit.errors.CurrencyMismatchError: credit_sales: 1 EUR is not in USD like ending_ar; convert it first with credkit.fx.convert
    """
    (ar, sales), currency = _amounts((("ending_ar", ending_ar), ("credit_sales", credit_sales)))
    period = _positive_number(days, "days")
    _non_negative("ending_ar", ar, currency)
    _sales(sales, currency, "DSO")
    return _plain(ar * period / sales)


@guard_arithmetic("current_ar, credit_sales, days", what="best possible DSO")
def best_possible_dso(
    current_ar: Amount, credit_sales: Amount, days: Decimal | int | str
) -> Decimal:
    """Best possible DSO: current (not yet due) AR / credit sales x days.

    The DSO the business would have if every customer paid exactly on terms.

    >>> best_possible_dso(90_000, 1_800_000, 365)
    Decimal('18.25')
    """
    (current, sales), currency = _amounts(
        (("current_ar", current_ar), ("credit_sales", credit_sales))
    )
    period = _positive_number(days, "days")
    _non_negative("current_ar", current, currency)
    _sales(sales, currency, "best possible DSO")
    return _plain(current * period / sales)


@guard_arithmetic("total_ar, current_ar, credit_sales, days", what="average days delinquent")
def average_days_delinquent(
    total_ar: Amount, current_ar: Amount, credit_sales: Amount, days: Decimal | int | str
) -> Decimal:
    """Average days delinquent: simple DSO - best possible DSO, over the same period.

    ``current_ar`` is the part of ``total_ar`` not yet due, so it cannot exceed it.

    >>> average_days_delinquent(150_000, 90_000, 1_800_000, 365)
    Decimal('12.16666666666666666666666667')
    >>> average_days_delinquent(100, 120, 1000, 30)
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: current_ar: 120 is more than total_ar 100; current receivables are part of the total
    """
    (total, current, sales), currency = _amounts(
        (("total_ar", total_ar), ("current_ar", current_ar), ("credit_sales", credit_sales))
    )
    period = _positive_number(days, "days")
    _non_negative("total_ar", total, currency)
    _non_negative("current_ar", current, currency)
    if current > total:
        raise ValidationError(
            f"current_ar: {_show(current, currency)} is more than total_ar "
            f"{_show(total, currency)}; current receivables are part of the total"
        )
    _sales(sales, currency, "average days delinquent")
    # The same two quotients as dso_simple and best_possible_dso, so that ADD is
    # exactly their difference.
    return _plain(total * period / sales - current * period / sales)


@guard_arithmetic("ending_ar, sales", what="countback DSO")
def dso_countback(
    ending_ar: Amount, sales: Sequence[tuple[Decimal | int | str, Amount]]
) -> Decimal:
    """DSO by the countback method: how many days of the latest sales the AR represents.

    ``sales`` holds ``(days_in_period, credit_sales)`` pairs, most recent period first
    (usually calendar months with their actual lengths). Walking back from the most
    recent period, while the AR left covers the period's sales in full, the sales are
    subtracted and the period's days added; then the share ``AR left / sales`` of the
    next period's days is added. A period without sales that the AR reaches counts in
    full. If the AR is more than all the sales given, the result would need sales that
    were not given: :class:`UndefinedKPIError`.

    >>> dso_countback(2000, [(31, 200), (31, 400), (30, 600), (31, 700), (30, 500)])
    Decimal('129')
    >>> dso_countback(0, [(31, 200)])
    Decimal('0')
    """
    if isinstance(sales, str | bytes) or not isinstance(sales, Sequence):
        raise ValidationError(
            "sales: expected a sequence of (days_in_period, credit_sales) pairs, most recent "
            f"first, got {type(sales).__name__} {sales!r}"
        )
    if not sales:
        raise ValidationError("sales: need at least one (days_in_period, credit_sales) pair")
    named: list[tuple[str, object]] = [("ending_ar", ending_ar)]
    periods: list[Decimal] = []
    for index, pair in enumerate(sales):
        if not isinstance(pair, tuple | list) or len(pair) != 2:
            raise ValidationError(
                f"sales[{index}]: expected a (days_in_period, credit_sales) pair, got {pair!r}"
            )
        periods.append(_positive_number(pair[0], f"sales[{index}] days"))
        named.append((f"sales[{index}] credit_sales", pair[1]))
    values, currency = _amounts(named)
    left, amounts = values[0], values[1:]
    _non_negative("ending_ar", left, currency)
    for index, amount in enumerate(amounts):
        _non_negative(f"sales[{index}] credit_sales", amount, currency)
    result = Decimal(0)
    for period, amount in zip(periods, amounts, strict=True):
        if left == 0:
            return _plain(result)
        if left >= amount:
            left -= amount
            result += period
        else:
            return _plain(result + left * period / amount)
    if left == 0:
        return _plain(result)
    total = sum(amounts, Decimal(0))
    raise UndefinedKPIError(
        f"ending_ar: {_show(values[0], currency)} is more than all {_show(total, currency)} "
        f"of credit sales given to the countback ({len(amounts)} periods, "
        f"{sum(periods, Decimal(0))} days); give more periods of sales"
    )


# -- collection effectiveness, bad debt, turnover, percent current -----------------------


@guard_arithmetic(
    "beginning_ar, credit_sales, ending_total_ar, ending_current_ar, months", what="CEI"
)
def collection_effectiveness_index(
    beginning_ar: Amount,
    credit_sales: Amount,
    ending_total_ar: Amount,
    ending_current_ar: Amount,
    months: Decimal | int | str,
) -> Decimal:
    """Collection effectiveness index, Credit Research Foundation convention, in percent.

    ``(B + S/N - ET) / (B + S/N - EC) x 100`` with ``B`` the AR at the beginning of
    the period, ``S`` the credit sales of the period, ``N`` the number of months in it
    (so ``S/N`` is the average monthly credit sales), ``ET`` the total and ``EC`` the
    current (not yet due) AR at the end. 100 means everything collectable was
    collected. A period in which AR grew beyond ``B + S/N`` gives a negative value: it
    is returned as computed, not clipped.

    >>> collection_effectiveness_index(6200, 10_890, 6340, 3590, 3).quantize(Decimal("0.1"))
    Decimal('55.9')
    """
    (begin, sales, total, current), currency = _amounts(
        (
            ("beginning_ar", beginning_ar),
            ("credit_sales", credit_sales),
            ("ending_total_ar", ending_total_ar),
            ("ending_current_ar", ending_current_ar),
        )
    )
    n = _positive_number(months, "months")
    for field, value in (
        ("beginning_ar", begin),
        ("credit_sales", sales),
        ("ending_total_ar", total),
        ("ending_current_ar", current),
    ):
        _non_negative(field, value, currency)
    if current > total:
        raise ValidationError(
            f"ending_current_ar: {_show(current, currency)} is more than ending_total_ar "
            f"{_show(total, currency)}; current receivables are part of the total"
        )
    available = begin + sales / n
    denominator = available - current
    if denominator == 0:
        raise UndefinedKPIError(
            "ending_current_ar: CEI is undefined when beginning AR + monthly credit sales "
            f"({_show(available, currency)}) equals the ending current AR (nothing was due)"
        )
    if denominator < 0:
        raise UndefinedKPIError(
            f"ending_current_ar: {_show(current, currency)} is more than beginning AR + monthly "
            f"credit sales ({_show(available, currency)}); CEI is undefined when more is not "
            "yet due than was available to collect (check that months matches the period of "
            "credit_sales)"
        )
    return _plain((available - total) * _HUNDRED / denominator)


@guard_arithmetic("written_off, credit_sales", what="the bad-debt ratio")
def bad_debt_ratio(written_off: Amount, credit_sales: Amount) -> Decimal:
    """Bad-debt ratio: amount written off in the period / credit sales of the period.

    A fraction (0.012 is 1.2 %), not a percentage.

    >>> bad_debt_ratio(Money.of("21600", "EUR"), Money.of("1800000", "EUR"))
    Decimal('0.012')
    """
    (written, sales), currency = _amounts(
        (("written_off", written_off), ("credit_sales", credit_sales))
    )
    _non_negative("written_off", written, currency)
    _sales(sales, currency, "the bad-debt ratio")
    return _plain(written / sales)


@guard_arithmetic("credit_sales, average_ar", what="turnover")
def ar_turnover(credit_sales: Amount, average_ar: Amount) -> Decimal:
    """Receivables turnover: credit sales of the period / average AR (times per period).

    The average AR is usually (beginning AR + ending AR) / 2.

    >>> ar_turnover(1_800_000, 150_000)
    Decimal('12')
    """
    (sales, average), currency = _amounts(
        (("credit_sales", credit_sales), ("average_ar", average_ar))
    )
    _non_negative("credit_sales", sales, currency)
    _non_negative("average_ar", average, currency)
    if average == 0:
        raise UndefinedKPIError("average_ar: turnover is undefined with zero average receivables")
    return _plain(sales / average)


@guard_arithmetic("days, turnover", what="turnover days")
def turnover_days(days: Decimal | int | str, turnover: Decimal | int | str) -> Decimal:
    """Days of one turnover: the period's ``days`` / ``turnover`` (from :func:`ar_turnover`).

    >>> turnover_days(365, ar_turnover(1_800_000, 150_000))
    Decimal('30.41666666666666666666666667')
    """
    period = _positive_number(days, "days")
    if isinstance(turnover, Money):
        raise ValidationError(f"turnover: expected a plain number, got Money {turnover}")
    times = to_decimal(turnover, field="turnover")
    if times < 0:
        raise ValidationError(f"turnover: must be zero or more, got {times}")
    if times == 0:
        raise UndefinedKPIError(
            "turnover: turnover days are undefined with a turnover of zero (no credit sales)"
        )
    return _plain(period / times)


@guard_arithmetic("current_ar, total_ar", what="percent current")
def percent_current(current_ar: Amount, total_ar: Amount) -> Decimal:
    """Share of receivables not yet due, in percent: current AR / total AR x 100.

    >>> percent_current(Money.of(90_000, "EUR"), Money.of(150_000, "EUR"))
    Decimal('60')
    >>> percent_current(0, 0)
    Traceback (most recent call last):
    ...
    credkit.kpi.formulas.UndefinedKPIError: total_ar: percent current is undefined with zero total receivables
    """
    (current, total), currency = _amounts((("current_ar", current_ar), ("total_ar", total_ar)))
    _non_negative("current_ar", current, currency)
    _non_negative("total_ar", total, currency)
    if total == 0:
        raise UndefinedKPIError(
            "total_ar: percent current is undefined with zero total receivables"
        )
    if current > total:
        raise ValidationError(
            f"current_ar: {_show(current, currency)} is more than total_ar "
            f"{_show(total, currency)}; current receivables are part of the total"
        )
    return _plain(current * _HUNDRED / total)
