"""Worked examples for credkit.aging.age: bucket edges, payments, credits, disputes, currencies.

The numbers are made up for these tests; each case is small enough to check by hand.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from credkit.aging import STANDARD, AgingBasis, AgingReport, AgingRow, Bucket, Buckets, age
from credkit.errors import RateNotFoundError, ValidationError
from credkit.fx import RateTable
from credkit.ledger import (
    Allocation,
    CreditNote,
    Customer,
    DocumentKind,
    Invoice,
    Ledger,
    OpenItem,
    Payment,
)
from credkit.money import Money

AS_OF = date(2026, 6, 30)
ACME = Customer("C1", "Acme GmbH", country="DE", currency="EUR")
GLOBEX = Customer("C2", "Globex Ltd", country="GB", currency="GBP")


def eur(amount: str | int) -> Money:
    return Money.of(amount, "EUR")


def invoice(id_: str, days_overdue: int, amount: str | int = "100.00", **kw: object) -> Invoice:
    """An invoice due ``days_overdue`` days before AS_OF (issued 30 days before it was due)."""
    due = AS_OF - timedelta(days=days_overdue)
    currency = str(kw.pop("currency", "EUR"))
    customer = str(kw.pop("customer", "C1"))
    return Invoice(
        id_,
        customer,
        due - timedelta(days=30),
        due,
        Money.of(amount, currency),
        **kw,  # type: ignore[arg-type]
    )


def buckets_of(
    report: AgingReport, customer: str = "C1", currency: str | None = None
) -> dict[str, str]:
    """Non-zero buckets of a row, as plain strings."""
    return {
        label: str(money.amount)
        for label, money in report.by_bucket(customer, currency).items()
        if money.amount
    }


@pytest.mark.parametrize(
    ("days_overdue", "bucket"),
    [
        (-10, "Not yet due"),
        (0, "Not yet due"),  # due today
        (1, "1-30"),  # one day late
        (30, "1-30"),  # exactly 30 days: upper bounds are inclusive
        (31, "31-60"),
        (60, "31-60"),
        (61, "61-90"),
        (120, "91-120"),
        (121, "Over 120"),
    ],
)
def test_bucket_edges(days_overdue: int, bucket: str) -> None:
    ledger = Ledger(customers=[ACME], invoices=[invoice("I1", days_overdue)])
    report = age(ledger, as_of=AS_OF)
    assert buckets_of(report) == {bucket: "100.00"}
    assert report.row("C1").oldest_days == (days_overdue if days_overdue > 0 else None)


def test_partial_payment_leaves_the_rest_in_its_bucket() -> None:
    ledger = Ledger(
        customers=[ACME],
        invoices=[invoice("I1", 45, "1000.00")],
        payments=[Payment("P1", "C1", AS_OF - timedelta(days=10), eur("600.00"))],
        allocations=[Allocation("P1", "I1", eur("600.00"), AS_OF - timedelta(days=10))],
    )
    report = age(ledger, as_of=AS_OF)
    assert buckets_of(report) == {"31-60": "400.00"}
    row = report.row("C1")
    assert row.total == eur("400.00")
    assert row.unapplied == eur(0)
    assert row.count == 1


def test_applied_credit_note_and_standalone_credit_note() -> None:
    ledger = Ledger(
        customers=[ACME],
        invoices=[invoice("I1", 10, "500.00"), invoice("I2", 70, "300.00")],
        credit_notes=[
            CreditNote("CN1", "C1", AS_OF - timedelta(days=5), eur("120.00"), invoice_id="I1"),
            CreditNote("CN2", "C1", AS_OF - timedelta(days=200), eur("80.00")),
        ],
        allocations=[Allocation("CN1", "I1", eur("120.00"), AS_OF - timedelta(days=5))],
    )
    report = age(ledger, as_of=AS_OF)
    row = report.row("C1")
    # The applied credit note reduces its invoice; the standalone one is unapplied and
    # sits in its own column however old it is, never in a day bucket.
    assert buckets_of(report) == {"1-30": "380.00", "61-90": "300.00"}
    assert row.unapplied == eur("-80.00")
    assert row.total == eur("600.00") == ledger.balance(AS_OF)["EUR"]
    assert row.count == 3


def test_overpayment_shows_as_unapplied_cash() -> None:
    ledger = Ledger(
        customers=[ACME],
        invoices=[invoice("I1", 20, "250.00")],
        payments=[Payment("P1", "C1", AS_OF - timedelta(days=3), eur("300.00"))],
    ).apply_oldest_first("P1")
    report = age(ledger, as_of=AS_OF)
    row = report.row("C1")
    assert buckets_of(report) == {}
    assert row.unapplied == eur("-50.00")
    assert row.total == eur("-50.00")
    assert row.oldest_days is None
    assert report.percent_by_bucket() == dict.fromkeys(STANDARD.labels, Decimal("0.00"))


def test_disputed_invoice_stays_in_its_bucket_and_is_also_reported_as_disputed() -> None:
    ledger = Ledger(
        customers=[ACME],
        invoices=[invoice("I1", 95, "700.00", disputed=True), invoice("I2", 5, "100.00")],
    )
    report = age(ledger, as_of=AS_OF)
    row = report.row("C1")
    assert buckets_of(report) == {"1-30": "100.00", "91-120": "700.00"}
    assert row.disputed == eur("700.00")
    assert row.total == eur("800.00")
    assert report.total("EUR").disputed == eur("700.00")


def test_two_currencies_are_never_summed_together() -> None:
    ledger = Ledger(
        customers=[ACME, GLOBEX],
        invoices=[
            invoice("I1", 10, "100.00"),
            invoice("I2", 40, "200.00", currency="GBP"),
            invoice("I3", 40, "50.00", currency="GBP", customer="C2"),
        ],
    )
    report = age(ledger, as_of=AS_OF)
    assert report.currencies == ("EUR", "GBP")
    assert [(r.customer_id, r.currency) for r in report.rows] == [
        ("C1", "EUR"),
        ("C1", "GBP"),
        ("C2", "GBP"),
    ]
    assert report.total("EUR").total == eur("100.00")
    assert report.total("GBP").total == Money.of("250.00", "GBP")
    assert buckets_of(report, "C1", "GBP") == {"31-60": "200.00"}
    with pytest.raises(ValidationError, match=r"currency: customer 'C1' has rows in EUR, GBP"):
        report.row("C1")
    with pytest.raises(ValidationError, match=r"currency: the report has several currencies"):
        report.total()


def test_issue_date_basis_counts_days_since_issue() -> None:
    # Due 10 days ago, issued 40 days ago (30-day terms).
    ledger = Ledger(customers=[ACME], invoices=[invoice("I1", 10)])
    by_due = age(ledger, as_of=AS_OF)
    by_issue = age(ledger, as_of=AS_OF, basis=AgingBasis.ISSUE_DATE)
    assert buckets_of(by_due) == {"1-30": "100.00"}
    assert buckets_of(by_issue) == {"31-60": "100.00"}
    assert by_issue.row("C1").oldest_days == 40
    assert by_issue.basis is AgingBasis.ISSUE_DATE
    issued_today = Ledger(
        customers=[ACME], invoices=[Invoice("I2", "C1", AS_OF, AS_OF + timedelta(days=30), eur(1))]
    )
    assert buckets_of(age(issued_today, as_of=AS_OF, basis=AgingBasis.ISSUE_DATE)) == {
        "Not yet due": "1.00"
    }


def test_conversion_into_one_reporting_currency_rounds_each_item() -> None:
    # ECB euro reference rates of 1 October 2019 (USD 1.0898, GBP 0.88955).
    rates = RateTable.from_mapping({"2019-10-01": {"USD": "1.0898", "GBP": "0.88955"}}, base="EUR")
    as_of = date(2019, 10, 1)
    items = [
        OpenItem(
            "I1", "C1", DocumentKind.INVOICE, date(2019, 8, 1), date(2019, 9, 1), eur("100.00")
        ),
        OpenItem(
            "I2",
            "C1",
            DocumentKind.INVOICE,
            date(2019, 9, 1),
            date(2019, 9, 30),
            Money.of("108.98", "USD"),
        ),
        OpenItem(
            "I3",
            "C2",
            DocumentKind.INVOICE,
            date(2019, 9, 1),
            date(2019, 10, 31),
            Money.of("10.00", "GBP"),
        ),
        OpenItem(
            "P1",
            "C2",
            DocumentKind.PAYMENT,
            date(2019, 9, 5),
            date(2019, 9, 5),
            Money.of("-1.00", "GBP"),
        ),
    ]
    report = age(items, as_of=as_of, currency="EUR", rates=rates)
    assert report.currency == "EUR"
    assert report.currencies == ("EUR",)
    assert buckets_of(report, "C1") == {"1-30": "200.00"}  # 100 EUR + 108.98 USD / 1.0898
    # 10 GBP / 0.88955 = 11.2416... -> 11.24; -1 GBP -> -1.12 (each item rounded on its own)
    c2 = report.row("C2")
    assert buckets_of(report, "C2") == {"Not yet due": "11.24"}
    assert c2.unapplied == eur("-1.12")
    assert report.total().total == eur("210.12")
    with pytest.raises(RateNotFoundError):
        age(items, as_of=as_of, currency="JPY", rates=rates.__class__(rates.rates))


def test_report_as_of_ignores_later_payments_and_later_documents() -> None:
    ledger = Ledger(
        customers=[ACME],
        invoices=[
            invoice("I1", 40, "100.00"),
            Invoice("I2", "C1", AS_OF + timedelta(days=1), AS_OF + timedelta(days=31), eur(50)),
        ],
        payments=[Payment("P1", "C1", AS_OF + timedelta(days=2), eur("100.00"))],
    ).apply_oldest_first("P1")
    report = age(ledger, as_of=AS_OF)
    assert buckets_of(report) == {"31-60": "100.00"}
    assert age(ledger, as_of=AS_OF + timedelta(days=2)).row("C1").total == eur(50)


def test_report_round_trip_to_rows_and_percentages() -> None:
    ledger = Ledger(
        customers=[ACME, GLOBEX],
        invoices=[
            invoice("I1", 5, "100.00"),
            invoice("I2", 45, "200.00"),
            invoice("I3", -5, "0.50", customer="C2"),
        ],
        payments=[Payment("P1", "C2", AS_OF, eur("10.00"))],
    )
    report = age(ledger, as_of=AS_OF)
    rows = report.to_rows()
    assert rows[0] == {
        "customer_id": "C1",
        "currency": "EUR",
        "Not yet due": "0.00",
        "1-30": "100.00",
        "31-60": "200.00",
        "61-90": "0.00",
        "91-120": "0.00",
        "Over 120": "0.00",
        "unapplied": "0.00",
        "total": "300.00",
        "disputed": "0.00",
        "count": 2,
        "oldest_days": 45,
    }
    assert rows[1]["unapplied"] == "-10.00"
    assert rows[1]["total"] == "-9.50"
    totals = report.to_rows(by="total")
    assert len(totals) == 1
    assert "customer_id" not in totals[0]
    assert totals[0]["total"] == "290.50"
    shares = report.percent_by_bucket("EUR")
    # 100 / 300.50 = 33.277...%, 200 / 300.50 = 66.555...%, 0.50 / 300.50 = 0.166...%
    assert shares["1-30"] == Decimal("33.28")
    assert shares["31-60"] == Decimal("66.56")
    assert shares["Not yet due"] == Decimal("0.17")
    assert sum(shares.values()) == Decimal("100.01")  # rounded on their own: not for reconciling
    assert report.percent_by_bucket(customer_id="C1", places=0)["1-30"] == Decimal("33")
    with pytest.raises(ValidationError, match="by: expected 'customer' or 'total'"):
        report.to_rows(by="segment")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="places: expected a whole number"):
        report.percent_by_bucket(places=-1)


def test_merging_reports_over_disjoint_customers() -> None:
    ledger = Ledger(
        customers=[ACME, GLOBEX],
        invoices=[invoice("I1", 5), invoice("I2", 45, customer="C2")],
    )
    items = ledger.open_items(AS_OF)
    whole = age(items, as_of=AS_OF)
    north = age([i for i in items if i.customer_id == "C1"], as_of=AS_OF)
    south = age([i for i in items if i.customer_id == "C2"], as_of=AS_OF)
    assert north + south == whole == south + north
    assert (north + south).total("EUR").total == eur("200.00")
    with pytest.raises(ValidationError, match=r"rows: both reports have customers 'C1'"):
        north + whole
    with pytest.raises(ValidationError, match="as_of: cannot merge reports with different as_of"):
        north + age([], as_of=AS_OF + timedelta(days=1))
    with pytest.raises(ValidationError, match="buckets: cannot merge reports with different"):
        north + age([], as_of=AS_OF, buckets=Buckets.from_edges([15]))
    with pytest.raises(ValidationError, match=r"basis: cannot merge .* due_date and issue_date"):
        north + age([], as_of=AS_OF, basis=AgingBasis.ISSUE_DATE)
    rates = RateTable.from_mapping({"2026-01-01": {"USD": "1.1"}}, base="EUR")
    with pytest.raises(ValidationError, match="currency: cannot merge"):
        north + age([], as_of=AS_OF, currency="EUR", rates=rates)
    with pytest.raises(TypeError):
        north + 1  # type: ignore[operator]


def test_custom_buckets_in_the_report() -> None:
    ledger = Ledger(customers=[ACME], invoices=[invoice("I1", 16), invoice("I2", 15)])
    report = age(ledger, as_of=AS_OF, buckets=Buckets.from_edges([15, 30, 45, 60, 90]))
    assert buckets_of(report) == {"1-15": "100.00", "16-30": "100.00"}
    assert list(report.to_rows()[0])[2:9] == [
        "Not yet due",
        "1-15",
        "16-30",
        "31-45",
        "46-60",
        "61-90",
        "Over 90",
    ]


def test_items_are_classified_by_sign_not_by_kind() -> None:
    items = [
        OpenItem(
            "I1", "C1", DocumentKind.INVOICE, date(2026, 1, 1), date(2026, 1, 31), eur("-5.00")
        ),
        OpenItem("P1", "C1", DocumentKind.PAYMENT, date(2026, 1, 1), date(2026, 1, 1), eur("7.00")),
        OpenItem(
            "I2", "C1", DocumentKind.INVOICE, date(2026, 1, 1), date(2026, 1, 31), eur("0.00")
        ),
    ]
    report = age(items, as_of=AS_OF)
    row = report.row("C1")
    assert row.unapplied == eur("-5.00")
    assert buckets_of(report) == {"Over 120": "7.00"}
    assert row.count == 3
    assert row.total == eur("2.00")


def test_bad_input_is_refused() -> None:
    item = OpenItem("I1", "C1", DocumentKind.INVOICE, date(2026, 1, 1), date(2026, 1, 31), eur(1))
    later = OpenItem("I9", "C1", DocumentKind.INVOICE, date(2026, 7, 1), date(2026, 7, 31), eur(1))
    with pytest.raises(ValidationError, match=r"items\[1\]: invoice 'I1' is given twice"):
        age([item, item], as_of=AS_OF)
    with pytest.raises(
        ValidationError, match=r"items\[0\]\.issue_date: 2026-07-01 of 'I9' is after as_of"
    ):
        age([later], as_of=AS_OF)
    with pytest.raises(ValidationError, match=r"items\[0\]: expected an OpenItem"):
        age(["I1"], as_of=AS_OF)  # type: ignore[list-item]
    with pytest.raises(ValidationError, match="items: expected a Ledger or an iterable"):
        age(item, as_of=AS_OF)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=r"as_of: expected a datetime.date"):
        age([item], as_of="2026-06-30")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=r"basis: expected one of AgingBasis.DUE_DATE"):
        age([item], as_of=AS_OF, basis="due")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="buckets: expected Buckets"):
        age([item], as_of=AS_OF, buckets=[30, 60])  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="rates: converting into EUR needs a rate source"):
        age([item], as_of=AS_OF, currency="EUR")
    rates = RateTable.from_mapping({"2026-01-01": {"USD": "1.1"}}, base="EUR")
    with pytest.raises(ValidationError, match="currency: rates were given but no reporting"):
        age([item], as_of=AS_OF, rates=rates)
    with pytest.raises(ValidationError, match="currency: 'eur' is not an ISO 4217 code"):
        age([item], as_of=AS_OF, currency="eur", rates=rates)


def test_rows_and_reports_validate_what_they_are_given() -> None:
    zero = eur(0)
    with pytest.raises(ValidationError, match=r"amounts\[0\]: 5 USD is not in the row's currency"):
        AgingRow(
            "C1",
            "EUR",
            (Money.of(5, "USD"),),
            unapplied=zero,
            disputed=zero,
            count=1,
            oldest_days=None,
        )
    with pytest.raises(ValidationError, match=r"amounts\[0\]: bucket amounts are sums of positive"):
        AgingRow("C1", "EUR", (eur(-5),), unapplied=zero, disputed=zero, count=1, oldest_days=None)
    with pytest.raises(ValidationError, match="unapplied: is the sum of negative items"):
        AgingRow("C1", "EUR", (), unapplied=eur(1), disputed=zero, count=1, oldest_days=None)
    with pytest.raises(ValidationError, match="count: expected a whole number"):
        AgingRow("C1", "EUR", (), unapplied=zero, disputed=zero, count=-1, oldest_days=None)
    row = AgingRow(
        "C1", "EUR", (zero,) * 6, unapplied=zero, disputed=zero, count=0, oldest_days=None
    )
    with pytest.raises(ValidationError, match=r"rows\[1\]: customer 'C1' has two rows in EUR"):
        AgingReport(AS_OF, (row, row))
    with pytest.raises(ValidationError, match=r"rows\[0\]\.amounts: has 6 amounts for 2 buckets"):
        AgingReport(AS_OF, (row,), buckets=Buckets.from_edges([]))
    with pytest.raises(ValidationError, match=r"rows\[0\]\.currency: EUR in a report in USD"):
        AgingReport(AS_OF, (row,), currency="USD")
    with pytest.raises(ValidationError, match=r"rows\[0\]\.customer_id: a report row needs"):
        AgingReport(
            AS_OF,
            (
                AgingRow(
                    None,
                    "EUR",
                    (zero,) * 6,
                    unapplied=zero,
                    disputed=zero,
                    count=0,
                    oldest_days=None,
                ),
            ),
        )
    single = Buckets((Bucket("All", None, None),))
    assert AgingReport(AS_OF, (), buckets=single).total("EUR").amounts == (Money.of("0.00", "EUR"),)
    # no buckets given: the standard ones, as for age()
    assert AgingReport(AS_OF, (), buckets=None).buckets is STANDARD


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"buckets": "x"}, r"^buckets: expected Buckets \(such as STANDARD"),
        ({"buckets": 3}, r"^buckets: expected Buckets"),
        ({"basis": "due_date"}, r"^basis: expected one of AgingBasis.DUE_DATE"),
        ({"currency": 5}, r"^currency: expected an ISO 4217 code such as 'EUR', got int 5"),
        ({"currency": "eur"}, r"^currency: "),
    ],
)
def test_report_fields_of_the_wrong_type_raise_validation_errors(
    kwargs: dict[str, object], message: str
) -> None:
    # Reviewer finding: AgingReport(buckets="x") raised attrs' bare TypeError.
    with pytest.raises(ValidationError, match=message):
        AgingReport(AS_OF, [], **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("rows", [None, 5, "rows", object()])
def test_report_rows_that_are_not_a_list_raise_validation_errors(rows: object) -> None:
    with pytest.raises(ValidationError, match=r"^rows: expected a list of AgingRow"):
        AgingReport(AS_OF, rows)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("customer_id", 5, r"^customer_id: expected a customer id"),
        ("customer_id", "", r"^customer_id: expected a customer id"),
        ("currency", None, r"^currency: expected an ISO 4217 code"),
        ("oldest_days", 0, r"^oldest_days: expected a whole number of days >= 1 or None"),
        ("oldest_days", "12", r"^oldest_days: expected a whole number"),
        ("oldest_days", True, r"^oldest_days: expected a whole number"),
    ],
)
def test_row_fields_of_the_wrong_type_raise_validation_errors(
    field: str, value: object, message: str
) -> None:
    fields: dict[str, object] = {"customer_id": "C1", "currency": "EUR", "oldest_days": None}
    fields[field] = value
    with pytest.raises(ValidationError, match=message):
        AgingRow(
            fields["customer_id"],  # type: ignore[arg-type]
            fields["currency"],  # type: ignore[arg-type]
            (),
            unapplied=eur(0),
            disputed=eur(0),
            count=0,
            oldest_days=fields["oldest_days"],  # type: ignore[arg-type]
        )


def test_report_look_ups() -> None:
    ledger = Ledger(
        customers=[ACME, GLOBEX], invoices=[invoice("I1", 5), invoice("I2", 5, customer="C2")]
    )
    report = age(ledger, as_of=AS_OF)
    assert report.customers == frozenset({"C1", "C2"})
    assert [r.customer_id for r in report] == ["C1", "C2"]
    assert report.total("GBP").total == Money.of("0.00", "GBP")
    with pytest.raises(ValidationError, match="customer_id: 'C3' has no open items in this report"):
        report.row("C3")
    with pytest.raises(ValidationError, match="customer_id: 'C1' has no open items in USD"):
        report.row("C1", "USD")


def test_a_zero_shared_by_rows_of_two_currencies_stays_in_each_currency() -> None:
    # Reviewer finding: zero cells were shared by the Decimal alone, so a report built
    # from rows that use one zero object in EUR and USD gave the USD row an EUR zero.
    zero = Decimal(0)

    def row(customer: str, code: str, amount: str) -> AgingRow:
        cells = (Money(Decimal(amount), code),) + (Money(zero, code),) * 5
        return AgingRow(
            customer, code, cells, unapplied=Money(zero, code), disputed=Money(zero, code),
            count=1, oldest_days=None,
        )  # fmt: skip

    report = AgingReport(AS_OF, [row("C1", "EUR", "5"), row("C2", "USD", "7")])
    assert [r.amounts[1] for r in report.rows] == [Money(zero, "EUR"), Money(zero, "USD")]
    assert [t.currency for t in report.totals] == ["EUR", "USD"]


def test_equal_reports_hash_alike_and_different_ones_mostly_not() -> None:
    def report(amount: str) -> AgingReport:
        item = OpenItem(
            "I1", "C1", DocumentKind.INVOICE, date(2026, 1, 1), date(2026, 1, 31),
            Money.of(amount, "EUR"),
        )  # fmt: skip
        return age([item], as_of=AS_OF)

    assert report("10.00") == report("10.00")
    assert hash(report("10.00")) == hash(report("10.00"))
    assert report("10.00") != report("10.01")
    assert hash(report("10.00")) != hash(report("10.01"))
