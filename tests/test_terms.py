"""Tests for credkit.terms: due dates, end-of-month rules, discounts, instalments, parsing."""

from __future__ import annotations

import calendar
import datetime
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credkit.config import dump, load
from credkit.errors import ConfigError, ValidationError
from credkit.money import Money
from credkit.terms import CashDiscount, Instalment, PaymentTerms, TermsBasis
from credkit.testing.strategies import discount_tiers, instalment_splits, payment_terms

EOM = TermsBasis.END_OF_MONTH
DAYS_THEN_EOM = TermsBasis.DAYS_THEN_END_OF_MONTH

# -- strategies -----------------------------------------------------------------------------


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


ordinary_dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2400, 12, 31))
month_ends = ordinary_dates.map(_month_end)
leap_days = (
    st.integers(min_value=475, max_value=600)
    .map(lambda n: 4 * n)
    .filter(calendar.isleap)
    .map(lambda year: date(year, 2, 29))
)
issue_dates = st.one_of(ordinary_dates, month_ends, leap_days)
"""Issue dates with month ends and 29 February drawn often."""

bases = st.sampled_from(TermsBasis)


def _minor_units(currency: str) -> int:
    return {"JPY": 0, "EUR": 2, "BHD": 3}[currency]


@st.composite
def amounts(draw: st.DrawFn, *, positive: bool = False) -> Money:
    """Rounded amounts in JPY (0 decimals), EUR (2) and BHD (3)."""
    currency = draw(st.sampled_from(["JPY", "EUR", "BHD"]))
    low = 1 if positive else -(10**12)
    units = draw(st.integers(min_value=low, max_value=10**12))
    return Money(Decimal(units).scaleb(-_minor_units(currency)), currency)


# -- due dates: worked examples ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("issue", "due"),
    [
        # credkit reference (shared/reference/credit-reference.md): 22 Jan 2016 on "one month
        # after the end of the month" is due 29 Feb 2016 (2016 is a leap year).
        (date(2016, 1, 22), date(2016, 2, 29)),
        (date(2017, 1, 22), date(2017, 2, 28)),
        # The last day of the month after February, not "29 February + 1 month" = 29 March.
        (date(2016, 2, 10), date(2016, 3, 31)),
        (date(2016, 1, 31), date(2016, 2, 29)),
        (date(2017, 1, 31), date(2017, 2, 28)),
        (date(1900, 1, 15), date(1900, 2, 28)),  # 1900 is not a leap year
        (date(2000, 1, 15), date(2000, 2, 29)),  # 2000 is
        (date(2016, 12, 5), date(2017, 1, 31)),  # across the year end
        # frappe/erpnext#22201: an order of 2020-06-11 on one month after the end of the
        # invoice month is due 2020-07-31 (ERPNext had computed 2020-07-30).
        (date(2020, 6, 11), date(2020, 7, 31)),
        # OCA/account-payment#919: a February 2025 invoice is due 2025-03-31, not 2025-03-28.
        (date(2025, 2, 14), date(2025, 3, 31)),
    ],
)
def test_one_month_after_end_of_invoice_month(issue: date, due: date) -> None:
    terms = PaymentTerms(months=1, basis=EOM)
    assert terms.due_date(issue) == due
    assert PaymentTerms.parse("1 month eom") == terms


def test_end_of_month_with_several_months() -> None:
    terms = PaymentTerms(months=2, basis=EOM)
    assert terms.due_date(date(2015, 12, 31)) == date(2016, 2, 29)
    assert terms.due_date(date(2016, 1, 1)) == date(2016, 3, 31)
    assert PaymentTerms(months=0, basis=EOM).due_date(date(2016, 2, 3)) == date(2016, 2, 29)


def test_net_30_eom_counts_days_from_the_end_of_the_invoice_month() -> None:
    terms = PaymentTerms.parse("net 30 eom")
    assert terms == PaymentTerms(30, basis=EOM)
    assert terms.due_date(date(2016, 2, 10)) == date(2016, 3, 30)  # 29 Feb + 30 days
    assert terms.due_date(date(2017, 2, 10)) == date(2017, 3, 30)  # 28 Feb + 30 days
    assert terms.due_date(date(2024, 5, 11)) == date(2024, 6, 30)  # 31 May + 30 days


def test_end_of_month_months_then_days() -> None:
    terms = PaymentTerms(10, months=1, basis=EOM)
    assert terms.due_date(date(2024, 1, 20)) == date(2024, 3, 10)  # 29 Feb + 10


def test_invoice_date_basis_adds_months_then_days() -> None:
    assert PaymentTerms.net(30).due_date(date(2024, 1, 31)) == date(2024, 3, 1)
    assert PaymentTerms.net(30).due_date(date(2023, 1, 31)) == date(2023, 3, 2)
    assert PaymentTerms(months=1).due_date(date(2024, 1, 31)) == date(2024, 2, 29)
    assert PaymentTerms(months=1).due_date(date(2023, 1, 31)) == date(2023, 2, 28)
    assert PaymentTerms(months=1).due_date(date(2024, 3, 15)) == date(2024, 4, 15)
    assert PaymentTerms(5, months=1).due_date(date(2023, 1, 31)) == date(2023, 3, 5)
    assert PaymentTerms.net(0).due_date(date(2024, 2, 29)) == date(2024, 2, 29)


@pytest.mark.parametrize(
    ("issue", "eom_due", "days_then_eom_due"),
    [
        # "45 jours fin de mois" (French Code de commerce art. L441-10), both readings as set
        # out in https://solon.law/actualites/2023/10/27/dlais-de-paiement-comment-calculer-la-fin-de-mois-c-com-l-441-10-
        # for an invoice of 15 January: 31 Jan + 45 days, or 15 Jan + 45 days = 1 Mar -> 31 Mar.
        (date(2023, 1, 15), date(2023, 3, 17), date(2023, 3, 31)),
        # In a leap year 15 Jan + 45 days is 29 Feb, already a month end.
        (date(2024, 1, 15), date(2024, 3, 16), date(2024, 2, 29)),
        (date(2023, 10, 22), date(2023, 12, 15), date(2023, 12, 31)),
    ],
)
def test_the_two_readings_of_45_days_end_of_month(
    issue: date, eom_due: date, days_then_eom_due: date
) -> None:
    assert PaymentTerms(45, basis=EOM).due_date(issue) == eom_due
    assert PaymentTerms(45, basis=DAYS_THEN_EOM).due_date(issue) == days_then_eom_due


def test_days_then_end_of_month_with_months() -> None:
    terms = PaymentTerms(10, months=1, basis=DAYS_THEN_EOM)
    assert terms.due_date(date(2024, 1, 25)) == date(2024, 3, 31)  # 25 Feb + 10 = 6 Mar
    assert terms.due_date(date(2024, 1, 10)) == date(2024, 2, 29)  # 10 Feb + 10 = 20 Feb


def test_grace_end() -> None:
    terms = PaymentTerms(30, grace_days=5)
    assert terms.due_date(date(2024, 3, 1)) == date(2024, 3, 31)
    assert terms.grace_end(date(2024, 3, 1)) == date(2024, 4, 5)
    assert PaymentTerms.net(30).grace_end(date(2024, 3, 1)) == date(2024, 3, 31)


def test_dates_beyond_the_calendar_are_a_validation_error() -> None:
    with pytest.raises(ValidationError, match=r"issue_date: 9999-12-01 .* after 9999-12-31"):
        PaymentTerms.net(31).due_date(date(9999, 12, 1))
    with pytest.raises(ValidationError, match="issue_date"):
        PaymentTerms(months=1, basis=EOM).due_date(date(9999, 12, 1))
    with pytest.raises(ValidationError, match="issue_date"):
        PaymentTerms(months=12 * 9999).due_date(date(2024, 1, 1))
    with pytest.raises(ValidationError, match="issue_date"):
        PaymentTerms(30, grace_days=10**6).grace_end(date(9000, 1, 1))


@pytest.mark.parametrize("bad", [datetime.datetime(2024, 1, 1, 12), "2024-01-01", None])
def test_issue_date_must_be_a_date(bad: object) -> None:
    with pytest.raises(ValidationError, match=r"issue_date: expected a datetime\.date"):
        PaymentTerms.net(30).due_date(bad)  # type: ignore[arg-type]


# -- discounts ----------------------------------------------------------------------------


def test_2_10_net_30_worked_example() -> None:
    # "2/10 net 30": 2 % off when paid within 10 days, otherwise the full amount within 30
    # days. Worked example as explained by Investopedia
    # (https://www.investopedia.com/terms/1/2-10-net-30.asp) and Wikipedia's "Net D" page
    # (https://en.wikipedia.org/wiki/Net_D): a 1,000.00 invoice paid on day 10 -> 980.00.
    terms = PaymentTerms.parse("2/10 net 30")
    issue = date(2024, 3, 1)
    invoice = Money.of("1000.00", "USD")
    assert terms.discount_deadline(issue) == date(2024, 3, 11)
    assert terms.due_date(issue) == date(2024, 3, 31)
    assert terms.discount(invoice, issue_date=issue, paid_on=date(2024, 3, 11)) == Money.of(
        "20.00", "USD"
    )
    assert terms.amount_due(invoice, issue_date=issue, paid_on=date(2024, 3, 11)) == Money.of(
        "980.00", "USD"
    )
    assert terms.amount_due(invoice, issue_date=issue, paid_on=date(2024, 3, 12)) == invoice
    assert terms.amount_due(invoice, issue_date=issue, paid_on=issue) == Money.of("980.00", "USD")


def test_tiers_apply_best_first() -> None:
    terms = PaymentTerms.parse("3/10 2/20 net 45")
    issue = date(2024, 3, 1)
    invoice = Money.of("500.00", "EUR")

    def discount_on(day: int) -> Money:
        return terms.discount(invoice, issue_date=issue, paid_on=issue + timedelta(days=day))

    assert discount_on(0) == Money.of("15.00", "EUR")
    assert discount_on(10) == Money.of("15.00", "EUR")
    assert discount_on(11) == Money.of("10.00", "EUR")
    assert discount_on(20) == Money.of("10.00", "EUR")
    assert discount_on(21) == Money.of("0.00", "EUR")
    assert discount_on(45) == Money.of("0.00", "EUR")
    assert terms.discount_deadline(issue) == date(2024, 3, 11)


def test_discount_rounds_half_up_to_minor_units() -> None:
    terms = PaymentTerms.parse("2.5/10 net 30")
    issue = date(2024, 3, 1)
    # 2.5 % of 0.50 EUR = 0.0125 -> 0.01; of 0.30 = 0.0075 -> 0.01 (half up); of 199 JPY = 4.975 -> 5
    assert terms.discount(Money.of("0.50", "EUR"), issue_date=issue, paid_on=issue) == Money.of(
        "0.01", "EUR"
    )
    assert terms.discount(Money.of("0.30", "EUR"), issue_date=issue, paid_on=issue) == Money.of(
        "0.01", "EUR"
    )
    assert terms.discount(Money.of("199", "JPY"), issue_date=issue, paid_on=issue) == Money.of(
        "5", "JPY"
    )
    bhd = terms.discount(Money.of("1.001", "BHD"), issue_date=issue, paid_on=issue)
    assert bhd == Money.of("0.025", "BHD")


def test_discount_refuses_unrounded_amounts_and_non_money() -> None:
    terms = PaymentTerms.parse("2/10 net 30")
    issue = date(2024, 3, 1)
    with pytest.raises(ValidationError, match=r"amount: 10\.005 EUR has more decimals"):
        terms.discount(Money.of("10.005", "EUR"), issue_date=issue, paid_on=issue)
    with pytest.raises(ValidationError, match="amount: expected a Money"):
        terms.discount(Decimal("10"), issue_date=issue, paid_on=issue)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=r"paid_on: expected a datetime\.date"):
        terms.discount(Money.of(1, "EUR"), issue_date=issue, paid_on="2024-03-01")  # type: ignore[arg-type]


def test_no_discounts() -> None:
    terms = PaymentTerms.net(30)
    issue = date(2024, 3, 1)
    assert terms.discount_deadline(issue) is None
    assert terms.discount(Money.of("1", "JPY"), issue_date=issue, paid_on=issue) == Money.of(
        "0", "JPY"
    )


# -- instalments ----------------------------------------------------------------------------


def test_instalments_split_the_amount_and_dates() -> None:
    terms = PaymentTerms.parse("30% net 30, 30% net 60, 40% net 90")
    issue = date(2024, 1, 31)
    plan = terms.due_dates(issue, Money.of("1000.01", "EUR"))
    assert plan == (
        (date(2024, 3, 1), Money.of("300.00", "EUR")),
        (date(2024, 3, 31), Money.of("300.00", "EUR")),
        (date(2024, 4, 30), Money.of("400.01", "EUR")),
    )
    assert terms.due_date(issue) == date(2024, 4, 30)


def test_instalments_use_the_terms_basis() -> None:
    terms = PaymentTerms(
        basis=EOM, instalments=(Instalment(50, months=1), Instalment(50, months=2))
    )
    assert terms.describe() == "50% 1 month eom, 50% 2 months eom"
    assert [day for day, _ in terms.due_dates(date(2016, 1, 22), Money.of(100, "EUR"))] == [
        date(2016, 2, 29),
        date(2016, 3, 31),
    ]


def test_terms_without_instalments_have_one_due_date() -> None:
    amount = Money.of("99.99", "EUR")
    assert PaymentTerms.net(30).due_dates(date(2024, 3, 1), amount) == (
        (date(2024, 3, 31), amount),
    )


# -- validation -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: PaymentTerms(-1), r"net_days: must be >= 0 .* got -1"),
        (lambda: PaymentTerms(months=-2), r"months: must be >= 0 .* got -2"),
        (lambda: PaymentTerms(30, grace_days=-5), r"grace_days: must be >= 0 .* got -5"),
        (
            lambda: PaymentTerms("30"),  # type: ignore[arg-type]
            r"net_days: expected a whole number \(int\) >= 0, got str",
        ),
        (lambda: PaymentTerms(True), r"net_days: expected a whole number .* got bool True"),
        (lambda: PaymentTerms(30, basis="eom"), r"basis: expected a TermsBasis or one of"),
        (
            lambda: CashDiscount(2.0, 10),  # type: ignore[arg-type]
            r"percent: float 2\.0 is not exact",
        ),
        (lambda: CashDiscount(100, 10), r"percent: must be > 0 and < 100, got 100"),
        (lambda: CashDiscount(-1, 10), r"percent: must be > 0 and < 100, got -1"),
        (lambda: CashDiscount(2, -1), r"days: must be >= 0 .* got -1"),
        (lambda: Instalment(0), r"percent: an instalment's share must be > 0 .* got 0"),
        (lambda: Instalment(101), r"percent: .* <= 100 .* got 101"),
        (lambda: Instalment(50, net_days=-3), r"net_days: must be >= 0 .* got -3"),
        (
            lambda: PaymentTerms(30, discounts=(CashDiscount(2, 10), CashDiscount(1, 10))),
            r"discounts\[1\]\.days: tiers must be listed by strictly increasing days, "
            r"got 10 after 10",
        ),
        (
            lambda: PaymentTerms(30, discounts=(CashDiscount(2, 10), CashDiscount(2, 20))),
            r"discounts\[1\]\.percent: a later tier must offer a smaller discount than an "
            r"earlier one, got 2 after 2",
        ),
        (
            lambda: PaymentTerms(30, discounts=(CashDiscount(2, 31),)),
            r"discounts\[0\]\.days: must be <= net_days \(30\) .* got 31",
        ),
        (
            # one month may be as short as 28 days: 31 Jan + 1 month = 28 Feb
            lambda: PaymentTerms(months=1, discounts=(CashDiscount(2, 29),)),
            r"discounts\[0\]\.days: must be <= 28 \(net_days 0 \+ 28 days, the shortest "
            r"1 calendar month\) .* got 29",
        ),
        (
            # an invoice of 31 January on "net 0 eom" is due the same day
            lambda: PaymentTerms(basis=EOM, discounts=(CashDiscount(2, 1),)),
            r"discounts\[0\]\.days: must be <= net_days \(0\)",
        ),
        (
            lambda: PaymentTerms(discounts=[{"percent": 2, "days": 0}]),  # type: ignore[list-item]
            r"discounts\[0\]: expected a CashDiscount, got dict",
        ),
        (
            lambda: PaymentTerms(discounts="2/10"),  # type: ignore[arg-type]
            r"discounts: expected a sequence of",
        ),
        (
            lambda: PaymentTerms(instalments=(Instalment(50), Instalment(40, net_days=30))),
            r"instalments: percents must sum to exactly 100, got 90 \(50 \+ 40\)",
        ),
        (
            lambda: PaymentTerms(30, instalments=(Instalment(100),)),
            r"net_days: must be 0 when instalments are given",
        ),
        (
            lambda: PaymentTerms(months=1, instalments=(Instalment(100),)),
            r"months: must be 0 when instalments are given",
        ),
        (
            lambda: PaymentTerms(instalments=(Instalment(100),), discounts=(CashDiscount(2, 0),)),
            r"discounts: cash discounts cannot be combined with instalments",
        ),
        (
            lambda: PaymentTerms(
                instalments=(Instalment(50, net_days=60), Instalment(50, net_days=30))
            ),
            r"instalments\[1\]: could fall due before instalments\[0\]",
        ),
        (
            lambda: PaymentTerms(
                instalments=(Instalment(50, months=2), Instalment(50, months=1, net_days=90))
            ),
            r"instalments\[1\]: instalments must be listed in due-date order, so months may "
            r"not decrease",
        ),
        (
            lambda: PaymentTerms(
                instalments=(Instalment(50, net_days=29), Instalment(50, months=1))
            ),
            r"instalments\[1\]: could fall due before instalments\[0\]; its net_days may be "
            r"at most 28 below",
        ),
        (
            lambda: PaymentTerms(
                instalments=(Instalment(50, net_days=30), Instalment(50, net_days=30))
            ),
            r"instalments\[1\]: falls due with instalments\[0\] .* merge the two",
        ),
    ],
)
def test_invalid_terms_are_refused_naming_the_field(build: object, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        build()  # type: ignore[operator]


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: PaymentTerms(3_652_059), r"net_days: must be <= 3652058 days"),
        (lambda: PaymentTerms(months=119_989), r"months: must be <= 119988 months"),
        (lambda: CashDiscount(1, 10**40), r"days: must be <= 3652058 days"),
        (lambda: Instalment(100, months=10**9), r"months: must be <= 119988 months"),
    ],
)
def test_counts_beyond_the_calendar_are_refused(build: object, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        build()  # type: ignore[operator]


def test_parse_refuses_huge_numbers_as_validation_errors() -> None:
    with pytest.raises(ValidationError, match=r"net_days: must be <= 3652058"):
        PaymentTerms.parse("net 999999999")
    for text in ("net " + "9" * 5000, "2/" + "1" * 5000 + " net 30", "net 30 grace " + "5" * 50):
        with pytest.raises(ValidationError, match=r"is too large for a count of days"):
            PaymentTerms.parse(text)
    with pytest.raises(ValidationError, match="cannot read"):
        PaymentTerms.parse("net \u0663\u0660")  # Arabic-Indic digits are not read as 30


def test_boundaries_that_are_accepted() -> None:
    assert PaymentTerms(30, discounts=(CashDiscount(2, 30),)).discounts[0].days == 30
    assert PaymentTerms(months=1, discounts=(CashDiscount(2, 28),)).months == 1
    assert PaymentTerms(basis=EOM, discounts=(CashDiscount(2, 0),)).basis is EOM
    assert PaymentTerms(30, basis="end_of_month").basis is EOM
    split = PaymentTerms(instalments=(Instalment(50, net_days=28), Instalment(50, months=1)))
    # 31 January: both fall on 28 February (2023) - allowed, never in the wrong order.
    dates = [day for day, _ in split.due_dates(date(2023, 1, 31), Money.of(2, "EUR"))]
    assert dates == [date(2023, 2, 28), date(2023, 2, 28)]
    assert PaymentTerms(instalments=[Instalment(100)]).instalments == (Instalment(100),)


# -- parsing --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("net 30", PaymentTerms(30)),
        ("NET30", PaymentTerms(30)),
        ("n30", PaymentTerms(30)),
        ("N/30", PaymentTerms(30)),
        ("Net-30", PaymentTerms(30)),
        ("  net   30  days ", PaymentTerms(30)),
        ("30 days", PaymentTerms(30)),
        ("net 0", PaymentTerms(0)),
        ("due on receipt", PaymentTerms(0)),
        ("Due On Receipt", PaymentTerms(0)),
        ("2/10 net 30", PaymentTerms(30, discounts=(CashDiscount(2, 10),))),
        ("2/10, n/30", PaymentTerms(30, discounts=(CashDiscount(2, 10),))),
        ("2%/10 net 30", PaymentTerms(30, discounts=(CashDiscount(2, 10),))),
        ("1.5/15 net 60", PaymentTerms(60, discounts=(CashDiscount("1.5", 15),))),
        (
            "3/10 2/20 net 45",
            PaymentTerms(45, discounts=(CashDiscount(3, 10), CashDiscount(2, 20))),
        ),
        ("net 30 eom", PaymentTerms(30, basis=EOM)),
        ("net 30 end of month", PaymentTerms(30, basis=EOM)),
        ("NET 30 EOM", PaymentTerms(30, basis=EOM)),
        ("1 month eom", PaymentTerms(months=1, basis=EOM)),
        ("2 months EOM", PaymentTerms(months=2, basis=EOM)),
        ("net 0 eom", PaymentTerms(0, basis=EOM)),
        ("1 month", PaymentTerms(months=1)),
        ("1 month + 10 days", PaymentTerms(10, months=1)),
        ("1 month net 10 eom", PaymentTerms(10, months=1, basis=EOM)),
        ("net 45 then eom", PaymentTerms(45, basis=DAYS_THEN_EOM)),
        ("45 days then end of month", PaymentTerms(45, basis=DAYS_THEN_EOM)),
        ("2/10 net 30 eom", PaymentTerms(30, basis=EOM, discounts=(CashDiscount(2, 10),))),
        ("net 30 grace 5", PaymentTerms(30, grace_days=5)),
        ("net 30, grace 5 days", PaymentTerms(30, grace_days=5)),
        ("due on receipt grace 3", PaymentTerms(0, grace_days=3)),
        (
            "50% net 30, 50% net 60",
            PaymentTerms(instalments=(Instalment(50, net_days=30), Instalment(50, net_days=60))),
        ),
        (
            "30% due on receipt; 70% 1 month",
            PaymentTerms(instalments=(Instalment(30), Instalment(70, months=1))),
        ),
        (
            "50 % 1 month eom, 50 % 2 months eom grace 10",
            PaymentTerms(
                basis=EOM,
                instalments=(Instalment(50, months=1), Instalment(50, months=2)),
                grace_days=10,
            ),
        ),
    ],
)
def test_parse_accepted_forms(text: str, expected: PaymentTerms) -> None:
    assert PaymentTerms.parse(text) == expected
    assert PaymentTerms.parse(expected.describe()) == expected


@pytest.mark.parametrize(
    "junk",
    [
        "",
        "   ",
        "net",
        "30",
        "eom",
        "net thirty",
        "net 30.5",
        "net -30",
        "2/10",
        "30/60/90",
        "net 30 eom then eom",
        "net 30 eom please",
        "net 30 grace",
        "grace 5",
        "+ net 30",
        "1 month +",
        "50% net 30, net 60",
        "pay when you like",
        "2/10 net 30 2/5",
        "net 30\x00",
    ],
)
def test_parse_refuses_junk_quoting_it_and_listing_the_forms(junk: str) -> None:
    with pytest.raises(ValidationError) as caught:
        PaymentTerms.parse(junk)
    message = str(caught.value)
    assert message.startswith(f"text: cannot read {junk!r} as payment terms")
    assert "accepted forms are 'net 30'" in message
    assert "'2/10 net 30'" in message
    assert "eom" in message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2/40 net 30", r"discounts\[0\]\.days: must be <= net_days \(30\)"),
        ("2/10 3/20 net 30", r"discounts\[1\]\.percent: a later tier must offer a smaller"),
        ("0/10 net 30", r"percent: must be > 0 and < 100, got 0"),
        ("50% net 30, 40% net 60", r"percents must sum to exactly 100, got 90"),
        ("50% net 30, 50% net 60 eom", r"every part must end the same way"),
    ],
)
def test_parse_refuses_readable_but_invalid_terms(text: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message) as caught:
        PaymentTerms.parse(text)
    assert str(caught.value).startswith(f"text: {text!r} reads as payment terms that are not")


def test_parse_refuses_non_strings() -> None:
    with pytest.raises(
        ValidationError, match=r"text: expected payment terms as a string .* int 30"
    ):
        PaymentTerms.parse(30)  # type: ignore[arg-type]


def test_describe_short_forms() -> None:
    assert PaymentTerms().describe() == "due on receipt"
    assert PaymentTerms.net(30).describe() == "net 30"
    assert str(PaymentTerms.net(30)) == "net 30"
    assert PaymentTerms(1, months=2).describe() == "2 months + 1 day"
    assert PaymentTerms(0, basis=EOM).describe() == "net 0 eom"
    assert PaymentTerms(45, basis=DAYS_THEN_EOM).describe() == "net 45 then eom"
    tiers = (CashDiscount(Decimal("2.50"), 10), CashDiscount(1, 20))
    assert PaymentTerms(30, discounts=tiers).describe() == "2.5/10 1/20 net 30"
    assert PaymentTerms(0, discounts=(CashDiscount(2, 0),)).describe() == "2/0 net 0"


# -- properties -----------------------------------------------------------------------------


@given(terms=payment_terms())
def test_describe_parse_round_trip(terms: PaymentTerms) -> None:
    assert PaymentTerms.parse(terms.describe()) == terms


@given(terms=payment_terms(), issue=issue_dates)
def test_due_date_is_never_before_the_issue_date(terms: PaymentTerms, issue: date) -> None:
    due = terms.due_date(issue)
    assert due >= issue
    assert terms.grace_end(issue) == due + timedelta(days=terms.grace_days)


@given(terms=payment_terms(), issue=issue_dates, amount=amounts())
def test_due_dates_are_in_order_and_end_on_the_due_date(
    terms: PaymentTerms, issue: date, amount: Money
) -> None:
    plan = terms.due_dates(issue, amount)
    dates = [day for day, _ in plan]
    assert dates == sorted(dates)
    assert dates[0] >= issue
    assert dates[-1] == terms.due_date(issue)
    assert len(plan) == max(1, len(terms.instalments))


@given(terms=payment_terms(), issue=issue_dates)
def test_discount_deadline_is_never_after_the_due_date(terms: PaymentTerms, issue: date) -> None:
    deadline = terms.discount_deadline(issue)
    if terms.discounts:
        assert deadline is not None
        assert issue <= deadline <= terms.due_date(issue)
    else:
        assert deadline is None


@given(
    basis=bases,
    months=st.integers(min_value=0, max_value=60),
    net_days=st.integers(min_value=0, max_value=1000),
    issue=issue_dates,
)
def test_each_basis_by_its_definition(
    basis: TermsBasis, months: int, net_days: int, issue: date
) -> None:
    due = PaymentTerms(net_days, months=months, basis=basis).due_date(issue)
    year, month = divmod(issue.year * 12 + issue.month - 1 + months, 12)
    target_month_end = date(year, month + 1, calendar.monthrange(year, month + 1)[1])
    if basis is TermsBasis.INVOICE_DATE:
        shifted = date(year, month + 1, min(issue.day, target_month_end.day))
        assert due == shifted + timedelta(days=net_days)
    elif basis is EOM:
        assert due == target_month_end + timedelta(days=net_days)
    else:
        reached = PaymentTerms(net_days, months=months).due_date(issue)
        assert due == _month_end(reached)


@given(splits=instalment_splits(), basis=bases, issue=issue_dates, amount=amounts())
def test_instalment_amounts_sum_exactly_to_the_amount(
    splits: tuple[Instalment, ...], basis: TermsBasis, issue: date, amount: Money
) -> None:
    terms = PaymentTerms(basis=basis, instalments=splits)
    parts = [part for _, part in terms.due_dates(issue, amount)]
    assert sum(parts, Money.zero(amount.currency)) == amount
    assert all(part.currency == amount.currency and part.is_rounded() for part in parts)
    for part, instalment in zip(parts, splits, strict=True):
        exact = amount.amount * instalment.percent / 100
        assert abs(part.amount - exact) < Decimal(1).scaleb(-_minor_units(amount.currency))


@given(
    terms=payment_terms(),
    issue=issue_dates,
    amount=amounts(),
    paid_after=st.integers(min_value=-30, max_value=500),
)
def test_discount_is_bounded_and_amount_due_adds_up(
    terms: PaymentTerms, issue: date, amount: Money, paid_after: int
) -> None:
    paid_on = issue + timedelta(days=paid_after)
    discount = terms.discount(amount, issue_date=issue, paid_on=paid_on)
    assert discount.currency == amount.currency
    assert discount.is_rounded()
    assert abs(discount) <= abs(amount)
    assert discount.amount * amount.amount >= 0  # same sign as the amount, or zero
    assert terms.amount_due(amount, issue_date=issue, paid_on=paid_on) + discount == amount
    if not terms.discounts or paid_after > terms.discounts[-1].days:
        assert discount.is_zero


@given(
    tiers=discount_tiers(max_days=60),
    issue=issue_dates,
    amount=amounts(positive=True),
    first=st.integers(min_value=0, max_value=70),
    later_by=st.integers(min_value=0, max_value=70),
)
def test_paying_later_never_earns_a_larger_discount(
    tiers: tuple[CashDiscount, ...], issue: date, amount: Money, first: int, later_by: int
) -> None:
    terms = PaymentTerms(60, discounts=tiers)
    early = terms.discount(amount, issue_date=issue, paid_on=issue + timedelta(days=first))
    late = terms.discount(
        amount, issue_date=issue, paid_on=issue + timedelta(days=first + later_by)
    )
    assert late <= early


# -- configuration documents (credkit.config.load) ------------------------------------------


def test_load_from_configuration_documents() -> None:
    assert load(PaymentTerms, {"net_days": 30}) == PaymentTerms.net(30)
    assert load(PaymentTerms, {"net_days": 30, "basis": "end_of_month"}) == PaymentTerms(
        30, basis=EOM
    )
    loaded = load(PaymentTerms, {"discounts": [{"percent": "2", "days": 10}], "net_days": 30})
    assert loaded == PaymentTerms.parse("2/10 net 30")
    assert loaded.discounts[0].percent == Decimal("2")
    split = load(
        PaymentTerms,
        'basis = "end_of_month"\n'
        "[[instalments]]\npercent = 40\nmonths = 1\n"
        "[[instalments]]\npercent = 60\nmonths = 2\n",
        format="toml",
    )
    assert split == PaymentTerms.parse("40% 1 month eom, 60% 2 months eom")


@pytest.mark.parametrize(
    ("document", "path", "detail"),
    [
        ({"net_days": -5}, "net_days", "must be >= 0"),
        ({"net_days": "30"}, "net_days", "expected an integer"),
        ({"net_day": 30}, "net_day", "unknown key"),
        ({"basis": "eom"}, "basis", "expected one of 'invoice_date', 'end_of_month'"),
        (
            {"discounts": [{"percent": 2.5, "days": 10}], "net_days": 30},
            "discounts[0].percent",
            "float 2.5 is not exact",
        ),
        (
            {"discounts": [{"percent": "2", "days": 40}], "net_days": 30},
            "discounts[0].days",
            "must be <= net_days (30)",
        ),
        (
            {"discounts": [{"percent": "2"}], "net_days": 30},
            "discounts[0].days",
            "required key is missing",
        ),
        (
            {"instalments": [{"percent": "60"}, {"percent": "30", "net_days": 30}]},
            "instalments",
            "percents must sum to exactly 100",
        ),
    ],
)
def test_load_errors_carry_the_field_path(
    document: dict[str, object], path: str, detail: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        load(PaymentTerms, document)
    assert caught.value.path == path
    assert detail in caught.value.detail


@given(terms=payment_terms())
def test_dump_load_round_trip(terms: PaymentTerms) -> None:
    assert load(PaymentTerms, dump(terms)) == terms


@pytest.mark.parametrize("months", [0, 1, 2, 3, 11, 12, 13, 24, 48, 100])
@pytest.mark.parametrize("basis", [TermsBasis.INVOICE_DATE, EOM])
def test_discount_day_limit_is_the_shortest_possible_credit_period(
    months: int, basis: TermsBasis
) -> None:
    # Brute force over every month end of a 400-year Gregorian cycle, where the shortest
    # credit period is reached (31 Jan + 1 month = 28 Feb): the longest accepted tier is
    # exactly that many days, one more is refused.
    terms = PaymentTerms(3, months=months, basis=basis)
    month_end_dates = [
        date(year, month, calendar.monthrange(year, month)[1])
        for year in range(2000, 2400)
        for month in range(1, 13)
    ]
    shortest = min((terms.due_date(day) - day).days for day in month_end_dates)
    accepted = PaymentTerms(3, months=months, basis=basis, discounts=(CashDiscount(1, shortest),))
    assert accepted.discounts[0].days == shortest
    with pytest.raises(ValidationError, match=r"discounts\[0\]\.days: must be <="):
        PaymentTerms(3, months=months, basis=basis, discounts=(CashDiscount(1, shortest + 1),))
