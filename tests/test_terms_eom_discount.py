"""Issue 14 (peer parity): the US "2/10 EOM" convention, discount days from the end of the month.

"End of month dating: the cash discount and the net credit periods begin on the first
day of the following month rather than on the invoice date" (American Marketing
Association's dictionary, as quoted by Monash University's marketing dictionary:
https://www.monash.edu/business/marketing/marketing-dictionary/e/end-of-month-dating-eom).
Thomson Reuters Accounting CS counts an "End-of-Month (EOM) based" discount date the
same way: January 10 with EOM and 15 days expires on February 15
(https://www.thomsonreuters.com/en-us/help/accounting-cs/accounts-payable/set-up-payment-terms).
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credkit.config import dump, load
from credkit.errors import ConfigError, ValidationError
from credkit.money import Money
from credkit.terms import CashDiscount, PaymentTerms, TermsBasis
from credkit.testing.strategies import business_dates, discount_tiers

EOM = TermsBasis.END_OF_MONTH


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def test_ama_example_discount_through_the_10th_of_the_next_month() -> None:
    # AMA: shipped June 16 under "2/10 ... EOM", the discount may be taken through July 10.
    terms = PaymentTerms.parse("2/10 eom net 30 eom")
    invoice = Money.of("1000.00", "USD")
    issued = date(2024, 6, 16)
    assert terms.discount_deadline(issued) == date(2024, 7, 10)
    assert terms.amount_due(invoice, issue_date=issued, paid_on=date(2024, 7, 10)) == Money.of(
        "980.00", "USD"
    )
    assert terms.amount_due(invoice, issue_date=issued, paid_on=date(2024, 7, 11)) == invoice
    assert terms.due_date(issued) == date(2024, 7, 30)


def test_thomson_reuters_example_eom_and_15_days() -> None:
    # Accounting CS: a transaction of January 10, "EOM" and 15 -> the discount expires February 15.
    terms = PaymentTerms.parse("2/15 eom net 30 eom")
    assert terms.discount_deadline(date(2024, 1, 10)) == date(2024, 2, 15)


@pytest.mark.parametrize(
    ("issued", "deadline", "due"),
    [
        (date(2024, 2, 1), date(2024, 3, 10), date(2024, 3, 30)),  # leap February: 29 + 10
        (date(2024, 2, 29), date(2024, 3, 10), date(2024, 3, 30)),
        (date(2023, 2, 28), date(2023, 3, 10), date(2023, 3, 30)),  # common year: 28 + 10
        (date(2024, 1, 31), date(2024, 2, 10), date(2024, 3, 1)),  # 31 Jan + 30 days
        (date(2024, 12, 15), date(2025, 1, 10), date(2025, 1, 30)),  # over the year end
    ],
)
def test_2_10_eom_is_net_30_eom_at_month_ends_and_in_february(
    issued: date, deadline: date, due: date
) -> None:
    terms = PaymentTerms.parse("2/10 EOM")
    assert terms == PaymentTerms(30, basis=EOM, discounts=(CashDiscount(2, 10, basis=EOM),))
    assert terms.discount_deadline(issued) == deadline
    assert terms.due_date(issued) == due
    amount = Money.of("500.00", "EUR")
    on_day = terms.discount(amount, issue_date=issued, paid_on=deadline)
    day_after = terms.discount(amount, issue_date=issued, paid_on=deadline + timedelta(days=1))
    assert (on_day, day_after) == (Money.of("10.00", "EUR"), Money.of("0.00", "EUR"))


def test_the_default_reading_of_2_10_net_30_eom_is_unchanged() -> None:
    # Without "eom" on the tier, discount days still count from the issue date (ADR 0002).
    issued = date(2024, 2, 10)
    assert PaymentTerms.parse("2/10 net 30 eom").discount_deadline(issued) == date(2024, 2, 20)
    assert PaymentTerms.parse("2/10 eom net 30 eom").discount_deadline(issued) == date(2024, 3, 10)
    assert repr(CashDiscount(2, 10)) == "CashDiscount(percent=Decimal('2'), days=10)"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2/10 eom", "2/10 eom net 30 eom"),
        ("2/10EOM", "2/10 eom net 30 eom"),
        ("2/10 end of month", "2/10 eom net 30 eom"),
        ("1/15 eom", "1/15 eom net 35 eom"),
        ("2/10 eom net 45 eom", "2/10 eom net 45 eom"),
        ("3/10 eom 2/20 eom net 45 eom", "3/10 eom 2/20 eom net 45 eom"),
        ("2/10 eom 1 month eom", "2/10 eom 1 month eom"),
        ("2/10 eom grace 5", "2/10 eom net 30 eom grace 5"),
    ],
)
def test_parse_eom_tiers(text: str, expected: str) -> None:
    terms = PaymentTerms.parse(text)
    assert terms.describe() == expected
    assert PaymentTerms.parse(expected) == terms


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2/10 eom net 30", r"discounts\[0\]\.basis: a discount counted from the end of the"),
        ("3/10 eom 2/20 net 45 eom", r"discounts\[1\]\.basis: every tier counts from the same"),
        ("3/10 2/20 eom net 45 eom", r"discounts\[1\]\.basis: every tier counts from the same"),
        ("2/31 eom net 30 eom", r"discounts\[0\]\.days: must be <= net_days \(30\)"),
    ],
)
def test_parse_refuses_eom_tiers_that_do_not_fit(text: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message) as caught:
        PaymentTerms.parse(text)
    assert str(caught.value).startswith(f"text: {text!r} reads as payment terms that are not")


def test_a_tier_basis_is_the_issue_date_or_the_end_of_the_month() -> None:
    with pytest.raises(ValidationError, match=r"^basis: a discount tier counts its days from"):
        CashDiscount(2, 10, basis=TermsBasis.DAYS_THEN_END_OF_MONTH)
    with pytest.raises(ValidationError, match=r"^basis: expected a TermsBasis or one of"):
        CashDiscount(2, 10, basis="eom")  # type: ignore[arg-type]
    assert CashDiscount(2, 10, basis="end_of_month").basis is EOM  # type: ignore[arg-type]


def test_eom_tiers_load_from_documents_with_field_paths() -> None:
    document = {
        "net_days": 30,
        "basis": "end_of_month",
        "discounts": [{"percent": "2", "days": 10, "basis": "end_of_month"}],
    }
    terms = load(PaymentTerms, document)
    assert terms.describe() == "2/10 eom net 30 eom"
    assert load(PaymentTerms, dump(terms)) == terms
    document["basis"] = "invoice_date"
    with pytest.raises(ConfigError) as error:
        load(PaymentTerms, document)
    assert error.value.path == "discounts[0].basis"
    document["basis"] = "end_of_month"
    document["discounts"] = [{"percent": "2", "days": 10, "basis": "days_then_end_of_month"}]
    with pytest.raises(ConfigError) as error:
        load(PaymentTerms, document)
    assert error.value.path == "discounts[0].basis"


@given(
    days=st.integers(min_value=0, max_value=60),
    extra=st.integers(min_value=0, max_value=60),
    months=st.integers(min_value=0, max_value=3),
    issue=business_dates(),
)
def test_an_eom_tier_ends_its_days_after_the_invoice_month_end(
    days: int, extra: int, months: int, issue: date
) -> None:
    terms = PaymentTerms(
        days + extra, months=months, basis=EOM, discounts=(CashDiscount(1, days, basis=EOM),)
    )
    deadline = terms.discount_deadline(issue)
    assert deadline == _month_end(issue) + timedelta(days=days)
    assert issue <= deadline <= terms.due_date(issue)
    # Every invoice of the same month gets the same deadline and the same due date.
    first = issue.replace(day=1)
    assert terms.discount_deadline(first) == deadline
    assert terms.due_date(first) == terms.due_date(issue)


@given(
    tiers=discount_tiers(max_days=60, basis=EOM),
    issue=business_dates(),
    amount=st.integers(min_value=1, max_value=10**7).map(lambda n: Money(Decimal(n) / 100, "EUR")),
    late=st.integers(min_value=0, max_value=90),
)
def test_eom_tiers_apply_best_first_and_paying_later_never_earns_more(
    tiers: tuple[CashDiscount, ...], issue: date, amount: Money, late: int
) -> None:
    terms = PaymentTerms(60, basis=EOM, discounts=tiers)
    earlier = _month_end(issue) + timedelta(days=late)
    later = earlier + timedelta(days=1)
    sooner = terms.discount(amount, issue_date=issue, paid_on=earlier)
    after = terms.discount(amount, issue_date=issue, paid_on=later)
    assert after <= sooner
    expected = next(
        (
            (amount * (t.percent / 100)).round()
            for t in tiers
            if earlier <= _month_end(issue) + timedelta(days=t.days)
        ),
        Money.zero("EUR").round(),
    )
    assert sooner == expected
