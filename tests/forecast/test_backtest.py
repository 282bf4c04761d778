"""The backtest: worked example, no leakage, and the figures on a small sample portfolio."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from credkit import sample
from credkit.errors import ValidationError
from credkit.forecast import ForecastModel, backtest, cash_forecast
from credkit.ledger import Allocation, CreditNote, Customer, Invoice, Ledger, Payment
from credkit.money import Money


def eur(amount: str | int) -> Money:
    return Money.of(amount, "EUR")


def test_each_instalment_is_scored_on_its_own() -> None:
    """Finding 6: open_now, expected and expected_naive were keyed by document id, so the
    last instalment of an invoice overwrote the others and none was scored right."""
    from credkit.ledger import InvoiceInstalment

    customer = Customer("C1", "One", country="DE", currency="EUR")
    split = Invoice(
        "I1",
        "C1",
        date(2026, 3, 1),
        date(2026, 4, 30),
        eur("100.00"),
        schedule=[
            InvoiceInstalment(date(2026, 4, 5), eur("40.00")),
            InvoiceInstalment(date(2026, 4, 30), eur("60.00")),
        ],
    )
    ledger = Ledger(
        customers=[customer],
        invoices=[split],
        payments=[
            Payment("P1", "C1", date(2026, 4, 8), eur("40.00")),
            Payment("P2", "C1", date(2026, 5, 10), eur("60.00")),
        ],
        allocations=[
            Allocation("P1", "I1", eur("40.00"), date(2026, 4, 8)),
            Allocation("P2", "I1", eur("60.00"), date(2026, 5, 10)),
        ],
    )
    result = backtest(ledger, as_of=date(2026, 3, 31), weeks=8)
    # no payment history: both forecasts expect each instalment on its own due date
    assert result.item_errors == (("I1#1", 3, 3), ("I1#2", 10, 10))
    assert result.skipped == 0


def test_worked_example_against_the_naive_forecast() -> None:
    # History: C1 paid five invoices exactly 10 days late, so credkit expects 10 days
    # late and the naive forecast the due date. After as_of (31 Mar):
    # I1 (due 5 Apr) paid 15 Apr: credkit 15 Apr (error 0), naive 5 Apr (error 10).
    # I2 (due 2 Apr) settled by a credit note: not scored. Weekly cash: week 2
    # (8-14 Apr) nothing, week 3 (15-21 Apr) 100.00.
    customer = Customer("C1", "One", country="DE", currency="EUR")
    history = []
    pays = []
    allocs = []
    for n in range(5):
        due = date(2025, 12, 1) + timedelta(days=n)
        history.append(Invoice(f"H{n}", "C1", date(2025, 11, 1), due, eur(10)))
        pays.append(Payment(f"HP{n}", "C1", due + timedelta(days=10), eur(10)))
        allocs.append(Allocation(f"HP{n}", f"H{n}", eur(10), due + timedelta(days=10)))
    ledger = Ledger(
        customers=[customer],
        invoices=[
            *history,
            Invoice("I1", "C1", date(2026, 3, 6), date(2026, 4, 5), eur("100.00")),
            Invoice("I2", "C1", date(2026, 3, 3), date(2026, 4, 2), eur("40.00")),
        ],
        credit_notes=[CreditNote("CN", "C1", date(2026, 4, 20), eur("40.00"), invoice_id="I2")],
        payments=[*pays, Payment("P1", "C1", date(2026, 4, 15), eur("100.00"))],
        allocations=[
            *allocs,
            Allocation("P1", "I1", eur("100.00"), date(2026, 4, 15)),
            Allocation("CN", "I2", eur("40.00"), date(2026, 4, 20)),
        ],
    )
    result = backtest(ledger, as_of=date(2026, 3, 31), weeks=4)
    assert result.item_errors == (("I1", 0, 10),)
    assert result.skipped == 1
    assert (result.days_error, result.naive_days_error) == (Decimal(0), Decimal(10))
    (errors,) = result.currencies
    assert [str(m.amount) for m in errors.actual] == ["0.00", "0.00", "100.00", "0.00"]
    # credkit: I1 on 15 Apr (week 3), I2 on 12 Apr (week 2); naive: 5 Apr and 2 Apr (week 1).
    assert [str(m.amount) for m in errors.forecast] == ["0.00", "40.00", "100.00", "0.00"]
    assert [str(m.amount) for m in errors.naive] == ["140.00", "0.00", "0.00", "0.00"]
    assert errors.mae == Decimal(10)  # (0 + 40 + 0 + 0) / 4
    assert errors.naive_mae == Decimal(60)  # (140 + 0 + 100 + 0) / 4
    assert (errors.total_error, errors.naive_total_error) == (Decimal(40), Decimal(40))


def test_the_backtest_sees_only_what_was_known() -> None:
    portfolio = sample.generate(seed=5, customers=12)
    as_of = date(2026, 3, 31)
    result = backtest(portfolio.ledger, as_of=as_of)
    # The full ledger read as of the date gives the same forecast: nothing later leaks.
    assert result.forecast == cash_forecast(portfolio.ledger, as_of=as_of)
    assert result.naive == cash_forecast(
        portfolio.ledger, as_of=as_of, model=ForecastModel.DUE_DATE
    )
    assert result.items > 0
    assert all(a >= 0 and b >= 0 for _, a, b in result.item_errors)
    for errors in result.currencies:
        assert len(errors.actual) == 13
        assert all(not m.is_negative for m in errors.actual)


def test_options_are_checked() -> None:
    with pytest.raises(ValidationError, match="ledger: expected a Ledger"):
        backtest([], as_of=date(2026, 1, 1))  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="weeks: expected a whole number"):
        backtest(Ledger(), as_of=date(2026, 1, 1), weeks=0)
