"""Ratios computed from a :class:`~credkit.scoring.statements.FinancialStatement`.

Each ratio is a plain function of the statement. A ratio never guesses: when a
figure it needs is missing, or its denominator is zero, it raises a
:class:`~credkit.errors.ValidationError` whose message starts with the field
name, so that a host can tell the user which figure to supply. Results are
unrounded ``Decimal`` values (28 significant digits under the default context).

Definitions (standard textbook forms; the Altman ratios follow Altman, "Financial
Ratios, Discriminant Analysis and the Prediction of Corporate Bankruptcy",
*Journal of Finance* 23(4), 1968):

| ratio | definition |
|---|---|
| working capital | current assets - current liabilities (an amount) |
| tangible net worth | book equity - intangibles (an amount) |
| current ratio | current assets / current liabilities |
| quick ratio | (current assets - inventory) / current liabilities |
| debt to equity | total liabilities / book equity |
| equity ratio | book equity / total assets |
| interest coverage | EBIT / interest expense |
| X1 | working capital / total assets |
| X2 | retained earnings / total assets |
| X3 | EBIT / total assets |
| X4 | equity (market or book) / total liabilities |
| X5 | sales / total assets |

>>> from credkit.scoring.statements import FinancialStatement
>>> s = FinancialStatement(current_assets=500, current_liabilities=250, inventory=100)
>>> current_ratio(s), quick_ratio(s)
(Decimal('2'), Decimal('1.6'))
>>> x1(s)
Traceback (most recent call last):
...
credkit.errors.ValidationError: total_assets: needed for x1 (working capital / total assets) but missing
"""

from __future__ import annotations

import enum
from decimal import Decimal

from credkit.errors import ValidationError
from credkit.scoring.statements import FinancialStatement

__all__ = [
    "EquityMeasure",
    "current_ratio",
    "debt_to_equity",
    "equity_ratio",
    "interest_coverage",
    "quick_ratio",
    "tangible_net_worth",
    "working_capital",
    "x1",
    "x2",
    "x3",
    "x4",
    "x5",
]


class EquityMeasure(enum.Enum):
    """Which equity figure Altman's X4 divides by total liabilities.

    ``MARKET`` (market value of equity) is the 1968 model's; ``BOOK`` (book
    equity) is the one of the Z' and Z'' models for firms without a share price.

    >>> EquityMeasure("book")
    <EquityMeasure.BOOK: 'book'>
    """

    MARKET = "market"
    BOOK = "book"


def _figures(statement: FinancialStatement, label: str, *names: str) -> list[Decimal]:
    if not isinstance(statement, FinancialStatement):
        raise ValidationError(
            f"statement: expected a FinancialStatement, got {type(statement).__name__}"
        )
    values: list[Decimal | None] = [getattr(statement, name) for name in names]
    missing = [name for name, value in zip(names, values, strict=True) if value is None]
    if missing:
        also = f" (also missing: {', '.join(missing[1:])})" if len(missing) > 1 else ""
        raise ValidationError(f"{missing[0]}: needed for {label} but missing{also}")
    return [value for value in values if value is not None]


def _divide(numerator: Decimal, denominator: Decimal, name: str, label: str) -> Decimal:
    if denominator == 0:
        raise ValidationError(f"{name}: is zero, so {label} is undefined")
    try:
        return numerator / denominator
    except ArithmeticError:
        raise _out_of_range(name, label) from None


def _subtract(minuend: Decimal, subtrahend: Decimal, name: str, label: str) -> Decimal:
    try:
        return minuend - subtrahend
    except ArithmeticError:
        raise _out_of_range(name, label) from None


def _out_of_range(name: str, label: str) -> ValidationError:
    return ValidationError(
        f"{name}: {label} is too large or too small to compute from these figures"
    )


def working_capital(statement: FinancialStatement) -> Decimal:
    """Current assets less current liabilities (an amount in the statement's unit).

    >>> from credkit.scoring.statements import FinancialStatement
    >>> working_capital(FinancialStatement(current_assets="420000", current_liabilities="310000"))
    Decimal('110000')
    """
    assets, liabilities = _figures(
        statement,
        "working capital (current assets - current liabilities)",
        "current_assets",
        "current_liabilities",
    )
    return _subtract(assets, liabilities, "current_liabilities", "working capital")


def tangible_net_worth(statement: FinancialStatement) -> Decimal:
    """Book equity less intangible assets (an amount; negative when intangibles exceed equity).

    Intangibles must be given, even as ``0``: a missing figure is not taken as zero.

    >>> from credkit.scoring.statements import FinancialStatement
    >>> tangible_net_worth(FinancialStatement(book_equity=800, intangibles=150))
    Decimal('650')
    >>> tangible_net_worth(FinancialStatement(book_equity=800))
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: intangibles: needed for tangible net worth (book equity - intangibles) but missing
    """
    equity, intangibles = _figures(
        statement,
        "tangible net worth (book equity - intangibles)",
        "book_equity",
        "intangibles",
    )
    return _subtract(equity, intangibles, "intangibles", "tangible net worth")


def current_ratio(statement: FinancialStatement) -> Decimal:
    """Current assets divided by current liabilities.

    >>> from credkit.scoring.statements import FinancialStatement
    >>> current_ratio(FinancialStatement(current_assets=300, current_liabilities=200))
    Decimal('1.5')
    >>> current_ratio(FinancialStatement(current_assets=300, current_liabilities=0))
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: current_liabilities: is zero, so current ratio (current assets / current liabilities) is undefined
    """
    label = "current ratio (current assets / current liabilities)"
    assets, liabilities = _figures(statement, label, "current_assets", "current_liabilities")
    return _divide(assets, liabilities, "current_liabilities", label)


def quick_ratio(statement: FinancialStatement) -> Decimal:
    """Current assets less inventory, divided by current liabilities (the acid test).

    >>> from credkit.scoring.statements import FinancialStatement
    >>> quick_ratio(FinancialStatement(current_assets=300, inventory=120, current_liabilities=200))
    Decimal('0.9')
    """
    label = "quick ratio ((current assets - inventory) / current liabilities)"
    assets, inventory, liabilities = _figures(
        statement, label, "current_assets", "inventory", "current_liabilities"
    )
    quick = _subtract(assets, inventory, "inventory", label)
    return _divide(quick, liabilities, "current_liabilities", label)


def debt_to_equity(statement: FinancialStatement) -> Decimal:
    """Total liabilities divided by book equity.

    Zero or negative equity raises: the ratio would be undefined or would read as
    "low debt" for a company whose debts exceed its assets.

    >>> from credkit.scoring.statements import FinancialStatement
    >>> debt_to_equity(FinancialStatement(total_liabilities=600, book_equity=400))
    Decimal('1.5')
    >>> debt_to_equity(FinancialStatement(total_liabilities=600, book_equity=-10))
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: book_equity: is -10; debt to equity (total liabilities / book equity) is not meaningful for zero or negative equity
    """
    label = "debt to equity (total liabilities / book equity)"
    liabilities, equity = _figures(statement, label, "total_liabilities", "book_equity")
    if equity <= 0:
        raise ValidationError(
            f"book_equity: is {equity}; {label} is not meaningful for zero or negative equity"
        )
    return _divide(liabilities, equity, "book_equity", label)


def equity_ratio(statement: FinancialStatement) -> Decimal:
    """Book equity divided by total assets (negative for negative equity).

    >>> from credkit.scoring.statements import FinancialStatement
    >>> equity_ratio(FinancialStatement(book_equity=250, total_assets=1000))
    Decimal('0.25')
    """
    label = "equity ratio (book equity / total assets)"
    equity, assets = _figures(statement, label, "book_equity", "total_assets")
    return _divide(equity, assets, "total_assets", label)


def interest_coverage(statement: FinancialStatement) -> Decimal:
    """EBIT divided by interest expense (times interest earned).

    >>> from credkit.scoring.statements import FinancialStatement
    >>> interest_coverage(FinancialStatement(ebit=90, interest_expense=20))
    Decimal('4.5')
    """
    label = "interest coverage (EBIT / interest expense)"
    ebit, interest = _figures(statement, label, "ebit", "interest_expense")
    return _divide(ebit, interest, "interest_expense", label)


def x1(statement: FinancialStatement) -> Decimal:
    """Altman X1: working capital divided by total assets (liquidity).

    >>> from credkit.scoring.statements import FinancialStatement
    >>> x1(FinancialStatement(current_assets=500, current_liabilities=300, total_assets=1000))
    Decimal('0.2')
    """
    label = "x1 (working capital / total assets)"
    assets, liabilities, total = _figures(
        statement, label, "current_assets", "current_liabilities", "total_assets"
    )
    working = _subtract(assets, liabilities, "current_liabilities", label)
    return _divide(working, total, "total_assets", label)


def x2(statement: FinancialStatement) -> Decimal:
    """Altman X2: retained earnings divided by total assets (cumulative profitability).

    >>> from credkit.scoring.statements import FinancialStatement
    >>> x2(FinancialStatement(retained_earnings=-100, total_assets=1000))
    Decimal('-0.1')
    """
    label = "x2 (retained earnings / total assets)"
    retained, total = _figures(statement, label, "retained_earnings", "total_assets")
    return _divide(retained, total, "total_assets", label)


def x3(statement: FinancialStatement) -> Decimal:
    """Altman X3: EBIT divided by total assets (operating return on assets).

    >>> from credkit.scoring.statements import FinancialStatement
    >>> x3(FinancialStatement(ebit=200, total_assets=1000))
    Decimal('0.2')
    """
    label = "x3 (EBIT / total assets)"
    ebit, total = _figures(statement, label, "ebit", "total_assets")
    return _divide(ebit, total, "total_assets", label)


def x4(statement: FinancialStatement, *, equity: EquityMeasure = EquityMeasure.MARKET) -> Decimal:
    """Altman X4: equity divided by total liabilities (leverage).

    ``equity`` chooses the market value of equity (1968 model) or book equity
    (Z' and Z'').

    >>> from credkit.scoring.statements import FinancialStatement
    >>> s = FinancialStatement(market_value_equity=100, book_equity=80, total_liabilities=1000)
    >>> x4(s), x4(s, equity=EquityMeasure.BOOK)
    (Decimal('0.1'), Decimal('0.08'))
    >>> x4(FinancialStatement(book_equity=80, total_liabilities=1000))
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: market_value_equity: needed for x4 (market value of equity / total liabilities) but missing
    """
    if not isinstance(equity, EquityMeasure):
        raise ValidationError(
            f"equity: expected EquityMeasure.MARKET or EquityMeasure.BOOK, got {equity!r}"
        )
    if equity is EquityMeasure.MARKET:
        name, label = "market_value_equity", "x4 (market value of equity / total liabilities)"
    else:
        name, label = "book_equity", "x4 (book equity / total liabilities)"
    value, liabilities = _figures(statement, label, name, "total_liabilities")
    return _divide(value, liabilities, "total_liabilities", label)


def x5(statement: FinancialStatement) -> Decimal:
    """Altman X5: sales divided by total assets (asset turnover).

    >>> from credkit.scoring.statements import FinancialStatement
    >>> x5(FinancialStatement(sales=2000, total_assets=1000))
    Decimal('2')
    """
    label = "x5 (sales / total assets)"
    sales, total = _figures(statement, label, "sales", "total_assets")
    return _divide(sales, total, "total_assets", label)
