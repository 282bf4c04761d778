"""Company-currency amounts as booked: booked-basis aging, booked balances, revaluation.

The worked example (used by several tests) is a EUR company with a US customer:

- ``I1``: 1,100.00 USD issued 2026-01-05, due 2026-02-04, booked at 1.10 USD/EUR as
  1,000.00 EUR.
- ``I2``: 200.00 EUR issued 2026-03-01, due 2026-03-31.
- ``P1``: 550.00 USD received 2026-02-10, booked at the day's rate as 520.00 EUR;
  440.00 USD of it applied to ``I1`` on 2026-02-10.

On 2026-03-15: ``I1`` is open for 660.00 USD, 60 % of it, so it keeps 60 % of its booked
amount, 600.00 EUR; ``P1`` has 110.00 USD unapplied, 20 % of it, so -104.00 EUR at its
own rate. The allocation cleared 400.00 EUR of the receivable (the invoice's rate) with
416.00 EUR of cash (the payment's rate): the 16.00 EUR realised gain is the payment's
and never appears in the receivable. Booked balance: 600.00 + 200.00 - 104.00 = 696.00 EUR.

Revalued at 1.20 USD/EUR on 2026-03-15: 660.00 USD -> 550.00 EUR (-50.00 EUR unrealised
loss), -110.00 USD -> -91.67 EUR (+12.33 EUR: the customer's unapplied cash owed back is
worth less), USD total -37.67 EUR; 696.00 - 37.67 = 658.33 EUR = the open items converted
at 1.20 (550.00 + 200.00 - 91.67).
"""

from __future__ import annotations

import argparse
import datetime
import json
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from credkit.aging import AgingReport, AgingRow, RevaluationReport, Valuation, age, revalue
from credkit.cli import age as age_command
from credkit.errors import CredkitError, ValidationError
from credkit.fx import RateTable, convert
from credkit.io import write_ledger
from credkit.ledger import (
    Allocation,
    CreditNote,
    Customer,
    DocumentKind,
    Invoice,
    InvoiceInstalment,
    Ledger,
    OpenItem,
    Payment,
)
from credkit.money import Money
from credkit.testing.strategies import CURRENCIES, EPOCH, booked_ledgers

EUR, USD = "EUR", "USD"
AS_OF = datetime.date(2026, 3, 15)
MARCH_RATES = RateTable.from_mapping({"2026-03-13": {USD: "1.20"}}, base=EUR)


def _eur(amount: str) -> Money:
    return Money.of(amount, EUR)


def _usd(amount: str) -> Money:
    return Money.of(amount, USD)


def _worked_example() -> Ledger:
    return Ledger(
        customers=[Customer("C1", "Acme Inc", country="US", currency=USD)],
        invoices=[
            Invoice(
                "I1",
                "C1",
                datetime.date(2026, 1, 5),
                datetime.date(2026, 2, 4),
                _usd("1100.00"),
                booked=_eur("1000.00"),
            ),
            Invoice(
                "I2", "C1", datetime.date(2026, 3, 1), datetime.date(2026, 3, 31), _eur("200.00")
            ),
        ],
        payments=[
            Payment("P1", "C1", datetime.date(2026, 2, 10), _usd("550.00"), booked=_eur("520.00"))
        ],
        allocations=[Allocation("P1", "I1", _usd("440.00"), datetime.date(2026, 2, 10))],
    )


def _strip(ledger: Ledger) -> Ledger:
    """The same ledger without any booked amount."""
    return Ledger(
        customers=ledger.customers,
        invoices=[attrs.evolve(d, booked=None) for d in ledger.invoices],
        credit_notes=[attrs.evolve(d, booked=None) for d in ledger.credit_notes],
        payments=[attrs.evolve(d, booked=None) for d in ledger.payments],
        allocations=ledger.allocations,
    )


# -- documents -------------------------------------------------------------------------


def test_open_items_keep_the_pro_rata_share_of_their_own_booked_amount() -> None:
    # SAP FSCM / ERPNext: a partial clearing reduces the receivable at the invoice's
    # own rate; unapplied cash stays at the payment's rate.
    items = {i.document_id: i for i in _worked_example().open_items(AS_OF)}
    assert items["I1"].amount == _usd("660.00")
    assert items["I1"].booked == _eur("600.00")
    assert items["P1"].booked == _eur("-104.00")
    assert items["I2"].booked is None


def test_a_fully_open_document_keeps_its_booked_amount_exactly() -> None:
    unapplied = attrs.evolve(_worked_example(), allocations=())
    items = {i.document_id: i for i in unapplied.open_items(AS_OF)}
    assert items["I1"].booked == _eur("1000.00")
    assert items["P1"].booked == _eur("-520.00")


def test_the_booked_balance_is_what_the_receivable_account_holds() -> None:
    # ERPNext: the receivable account's balance in the company currency (GL "debit"
    # less "credit"), 1000.00 - 400.00 + 200.00 - 104.00.
    ledger = _worked_example()
    assert ledger.booked_balance(AS_OF, currency=EUR) == _eur("696.00")
    assert ledger.booked_balance(AS_OF, currency=EUR, customer_id="C1") == _eur("696.00")


def test_the_booked_balance_refuses_a_foreign_item_without_a_booked_amount() -> None:
    ledger = _strip(_worked_example())
    with pytest.raises(
        ValidationError, match=r"invoice 'I1' is open for 660.00 USD and has no booked amount"
    ):
        ledger.booked_balance(AS_OF, currency=EUR)


def test_booked_amounts_of_instalments_split_without_losing_a_cent() -> None:
    # ERPNext "Payment Schedule": each row's base amount is its share of the base total.
    invoice = Invoice(
        "I9",
        "C1",
        datetime.date(2026, 1, 1),
        datetime.date(2026, 3, 2),
        _usd("100.00"),
        schedule=[
            InvoiceInstalment(datetime.date(2026, 1, 31), _usd("33.33")),
            InvoiceInstalment(datetime.date(2026, 3, 2), _usd("66.67")),
        ],
        booked=_eur("90.01"),
    )
    ledger = Ledger(
        customers=[Customer("C1", "Acme", country="US", currency=USD)], invoices=[invoice]
    )
    items = ledger.open_items(datetime.date(2026, 1, 15))
    assert [i.booked for i in items] == [_eur("30.00"), _eur("60.01")]
    paid = ledger.extend(
        payments=[Payment("P9", "C1", datetime.date(2026, 2, 1), _usd("33.33"))],
        allocations=[Allocation("P9", "I9", _usd("33.33"), datetime.date(2026, 2, 1))],
    )
    assert [i.booked for i in paid.open_items(datetime.date(2026, 2, 1))] == [_eur("60.01")]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda: Invoice(
                "I",
                "C",
                datetime.date(2026, 1, 1),
                datetime.date(2026, 1, 1),
                _eur("10.00"),
                booked=_eur("9.00"),
            ),
            r"booked: 9.00 EUR differs from amount 10.00 EUR of 'I'",
        ),
        (
            lambda: Payment(
                "P", "C", datetime.date(2026, 1, 1), _usd("10.00"), booked=_eur("-9.00")
            ),
            r"booked: must be above zero, got -9.00 EUR",
        ),
        (
            lambda: CreditNote(
                "N", "C", datetime.date(2026, 1, 1), _usd("10.00"), booked=_eur("9.001")
            ),
            r"booked: 9.001 EUR has more decimals than EUR",
        ),
        (
            lambda: Invoice(
                "I",
                "C",
                datetime.date(2026, 1, 1),
                datetime.date(2026, 1, 1),
                _usd("10.00"),
                booked="9 EUR",
            ),
            r"booked: expected Money",
        ),
    ],
)
def test_a_bad_booked_amount_is_refused_naming_the_field(make: object, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        make()  # type: ignore[operator]


def test_a_ledger_books_in_one_company_currency() -> None:
    with pytest.raises(
        ValidationError,
        match=r"payments\[0\].booked: 9.00 GBP on 'P' is not in the company currency EUR of invoices\[0\].booked",
    ):
        Ledger(
            customers=[Customer("C", "Acme", country="US", currency=USD)],
            invoices=[
                Invoice(
                    "I",
                    "C",
                    datetime.date(2026, 1, 1),
                    datetime.date(2026, 1, 1),
                    _usd("10.00"),
                    booked=_eur("9.00"),
                )
            ],
            payments=[
                Payment(
                    "P",
                    "C",
                    datetime.date(2026, 1, 1),
                    _usd("10.00"),
                    booked=Money.of("9.00", "GBP"),
                )
            ],
        )


def test_an_open_item_s_booked_amount_has_the_sign_of_its_amount() -> None:
    with pytest.raises(
        ValidationError, match=r"booked: 5.00 EUR has the opposite sign of amount -6.00 USD of 'P'"
    ):
        OpenItem("P", "C", DocumentKind.PAYMENT, AS_OF, AS_OF, _usd("-6.00"), booked=_eur("5.00"))
    with pytest.raises(ValidationError, match=r"booked: -5.00 EUR differs from amount -6.00 EUR"):
        OpenItem("P", "C", DocumentKind.PAYMENT, AS_OF, AS_OF, _eur("-6.00"), booked=_eur("-5.00"))


# -- aging on booked amounts ------------------------------------------------------------


def test_booked_aging_of_the_worked_example() -> None:
    # ERPNext "Accounts Receivable" in the company currency / SAP S_ALR_87012178 in
    # local currency: buckets hold the booked amounts.
    report = age(_worked_example(), as_of=AS_OF, currency=EUR, valuation=Valuation.BOOKED)
    assert report.valuation is Valuation.BOOKED
    buckets = report.by_bucket("C1")
    assert buckets["Not yet due"] == _eur("200.00")
    assert buckets["31-60"] == _eur("600.00")
    row = report.row("C1")
    assert row.unapplied == _eur("-104.00")
    assert row.total == _eur("696.00")


def test_current_valuation_is_unchanged_by_booked_amounts() -> None:
    ledger = _worked_example()
    assert age(ledger, as_of=AS_OF) == age(_strip(ledger), as_of=AS_OF)
    converted = age(ledger, as_of=AS_OF, currency=EUR, rates=MARCH_RATES)
    assert converted.valuation is Valuation.CURRENT
    assert converted.total().total == _eur("658.33")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({}, r"currency: valuation=Valuation.BOOKED reports in the company currency"),
        (
            {"currency": EUR, "rates": MARCH_RATES},
            r"rates: valuation=Valuation.BOOKED uses the booked amounts",
        ),
        ({"currency": "EURO"}, r"EURO"),
    ],
)
def test_booked_aging_checks_its_arguments(options: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        age(_worked_example(), as_of=AS_OF, valuation=Valuation.BOOKED, **options)  # type: ignore[arg-type]


def test_an_unknown_valuation_is_refused() -> None:
    with pytest.raises(
        ValidationError,
        match=r"valuation: expected one of Valuation.CURRENT, Valuation.BOOKED, got str 'booked'",
    ):
        age(_worked_example(), as_of=AS_OF, currency=EUR, valuation="booked")  # type: ignore[arg-type]


def test_booked_aging_names_an_item_without_a_booked_amount() -> None:
    with pytest.raises(
        ValidationError, match=r"items\[0\].booked: invoice 'I1' is open for 660.00 USD"
    ):
        age(_strip(_worked_example()), as_of=AS_OF, currency=EUR, valuation=Valuation.BOOKED)


def test_reports_of_different_valuations_do_not_merge() -> None:
    zero = _eur("0")
    row = AgingRow("C2", EUR, (zero,) * 6, unapplied=zero, disputed=zero, count=0, oldest_days=None)
    current = AgingReport(AS_OF, [row], currency=EUR)
    booked = age(_worked_example(), as_of=AS_OF, currency=EUR, valuation=Valuation.BOOKED)
    with pytest.raises(
        ValidationError,
        match=r"valuation: cannot merge reports with different valuation, booked and current",
    ):
        booked + current
    assert (
        booked + AgingReport(AS_OF, [row], currency=EUR, valuation=Valuation.BOOKED)
    ).total().total == _eur("696.00")


# -- revaluation ------------------------------------------------------------------------


def test_revaluation_of_the_worked_example() -> None:
    # SAP foreign currency valuation (FAGL_FCV) / ERPNext Exchange Rate Revaluation:
    # per open item, booked vs revalued, the difference per currency and in total.
    report = revalue(_worked_example(), as_of=AS_OF, currency=EUR, rates=MARCH_RATES)
    assert isinstance(report, RevaluationReport)
    by_id = {i.document_id: i for i in report.items}
    assert set(by_id) == {"I1", "P1"}  # I2 is already in EUR
    assert (by_id["I1"].revalued, by_id["I1"].difference) == (_eur("550.00"), _eur("-50.00"))
    assert (by_id["P1"].revalued, by_id["P1"].difference) == (_eur("-91.67"), _eur("12.33"))
    assert by_id["I1"].rate == Decimal(1) / Decimal("1.20")
    line = report.line(USD)
    assert (line.amount, line.booked, line.revalued, line.difference, line.count) == (
        _usd("550.00"),
        _eur("496.00"),
        _eur("458.33"),
        _eur("-37.67"),
        2,
    )
    assert (report.booked, report.revalued, report.difference) == (
        _eur("496.00"),
        _eur("458.33"),
        _eur("-37.67"),
    )


def test_revaluation_refuses_bad_input() -> None:
    with pytest.raises(ValidationError, match=r"items\[0\].booked: invoice 'I1'"):
        revalue(_strip(_worked_example()), as_of=AS_OF, currency=EUR, rates=MARCH_RATES)
    with pytest.raises(ValidationError, match=r"rates: expected a credkit.fx.RateSource"):
        revalue(_worked_example(), as_of=AS_OF, currency=EUR, rates=None)  # type: ignore[arg-type]
    item = _worked_example().open_items(AS_OF)[0]
    with pytest.raises(ValidationError, match=r"items\[1\]: invoice 'I1' is given twice"):
        revalue([item, item], as_of=AS_OF, currency=EUR, rates=MARCH_RATES)
    with pytest.raises(
        ValidationError, match=r"items\[0\].issue_date: 2026-01-05 of 'I1' is after as_of"
    ):
        revalue([item], as_of=datetime.date(2026, 1, 1), currency=EUR, rates=MARCH_RATES)


# -- properties -------------------------------------------------------------------------

RATES = RateTable.from_mapping(
    {
        "2020-01-01": {
            code: "1.2345" if code != "JPY" else "161.7" for code in CURRENCIES if code != EUR
        }
    },
    base=EUR,
)
as_of_dates = st.dates(EPOCH, EPOCH + datetime.timedelta(days=800))


@given(booked_ledgers(EUR, schedules=True), as_of_dates)
def test_booked_buckets_sum_to_the_booked_open_balance(
    ledger: Ledger, as_of: datetime.date
) -> None:
    report = age(ledger, as_of=as_of, currency=EUR, valuation=Valuation.BOOKED)
    assert report.currencies in ((), (EUR,))
    assert report.total(EUR).total == ledger.booked_balance(as_of, currency=EUR)
    for customer in ledger.customers:
        own = ledger.booked_balance(as_of, currency=EUR, customer_id=customer.id)
        if customer.id in report.customers:
            assert report.row(customer.id).total == own
        else:
            assert own.is_zero


@given(booked_ledgers(EUR, schedules=True), as_of_dates)
def test_booked_plus_unrealised_difference_is_the_open_amount_at_the_revaluation_rate(
    ledger: Ledger, as_of: datetime.date
) -> None:
    report = revalue(ledger, as_of=as_of, currency=EUR, rates=RATES)
    for item in report.items:
        assert item.booked + item.difference == item.revalued
        assert item.revalued == convert(item.amount, EUR, on=as_of, rates=RATES)
    assert report.booked + report.difference == report.revalued
    assert sum((line.difference for line in report.lines), _eur("0")) == report.difference
    # With the company-currency items, the revalued figures are the open items converted
    # at the rate on as_of: the aging report in EUR at that rate.
    current = age(ledger, as_of=as_of, currency=EUR, rates=RATES).total(EUR).total
    assert ledger.booked_balance(as_of, currency=EUR) + report.difference == current


@given(booked_ledgers(EUR, schedules=True), as_of_dates)
def test_booked_shares_keep_sign_and_never_exceed_the_document(
    ledger: Ledger, as_of: datetime.date
) -> None:
    for item in ledger.open_items(as_of):
        document = ledger.document(item.document_id)
        if document.booked is None:
            assert item.booked is None
            continue
        assert item.booked is not None
        assert abs(item.booked) <= document.booked
        assert not (item.booked.is_negative and item.amount.is_positive)
        assert not (item.booked.is_positive and item.amount.is_negative)
        if item.amount.currency == EUR:
            assert item.booked == item.amount


@given(booked_ledgers(EUR, schedules=True), as_of_dates)
def test_booked_amounts_change_nothing_by_default(ledger: Ledger, as_of: datetime.date) -> None:
    plain = _strip(ledger)
    assert age(ledger, as_of=as_of) == age(plain, as_of=as_of)
    assert ledger.balance(as_of) == plain.balance(as_of)
    assert [attrs.evolve(i, booked=None) for i in ledger.open_items(as_of)] == list(
        plain.open_items(as_of)
    )


# -- the command line -------------------------------------------------------------------


def _run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="credkit")
    age_command.add_parser(parser.add_subparsers())
    args = parser.parse_args(["age", *argv])
    status: int = args.func(args)
    return status


def test_credkit_age_booked_ages_the_booked_amounts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_ledger(_worked_example(), tmp_path)
    assert (
        _run(
            [
                str(tmp_path),
                "--as-of",
                "2026-03-15",
                "--booked",
                "--currency",
                EUR,
                "--format",
                "json",
            ]
        )
        == 0
    )
    document = json.loads(capsys.readouterr().out)
    assert document["valuation"] == "booked"
    assert document["totals"][0]["total"] == {"amount": "696.00", "currency": "EUR"}
    assert _run([str(tmp_path), "--as-of", "2026-03-15", "--booked", "--currency", EUR]) == 0
    assert "as booked in EUR" in capsys.readouterr().out
    with pytest.raises(ValidationError, match=r"--booked: needs --currency"):
        _run([str(tmp_path), "--as-of", "2026-03-15", "--booked"])


def test_credkit_age_booked_reads_an_open_item_export(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "open.csv"
    path.write_text(
        "id,customer_id,issue_date,due_date,amount,currency,base\n"
        "I1,C1,2026-01-05,2026-02-04,660.00,USD,600.00\n"
        "I2,C1,2026-03-01,2026-03-31,200.00,EUR,\n",
        encoding="utf-8",
    )
    mapping = tmp_path / "mapping.toml"
    mapping.write_text('booked = "base"\ncompany_currency = "EUR"\n', encoding="utf-8")
    argv = [str(path), "--mapping", str(mapping), "--as-of", "2026-03-15", "--by", "total"]
    assert _run([*argv, "--booked", "--currency", EUR, "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[1].startswith("EUR,200.00,0.00,600.00,")


junk = st.one_of(
    st.none(),
    st.integers(),
    st.text(max_size=5),
    st.just("EUR"),
    st.just(MARCH_RATES),
    st.just(Valuation.BOOKED),
    st.lists(st.sampled_from([*_worked_example().open_items(AS_OF), 1, "x"]), max_size=3),
)


@given(junk, junk, junk, junk)
def test_junk_gives_a_report_or_a_credkit_error(
    items: object, currency: object, rates: object, valuation: object
) -> None:
    # stdnum's test_robustness: anything in, a valid result or a typed error out.
    calls = (
        (RevaluationReport, lambda: revalue(items, as_of=AS_OF, currency=currency, rates=rates)),  # type: ignore[arg-type]
        (
            AgingReport,
            lambda: age(items, as_of=AS_OF, currency=currency, rates=rates, valuation=valuation),
        ),  # type: ignore[arg-type]
    )
    for kind, call in calls:
        try:
            result = call()
        except CredkitError:
            continue
        assert isinstance(result, kind)
