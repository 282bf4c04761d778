"""Issue 14 (peer parity), dunning options: end-of-month thresholds, converted fees, credits.

- ``DaysReference.DUE_DATE_THEN_END_OF_MONTH``: "N days after the due date, then the
  end of that month", the reading ADR 0002 gives payment terms
  (``TermsBasis.DAYS_THEN_END_OF_MONTH``).
- ``Fee.convert_from``: a fixed fee given in one currency, converted into the item's
  currency at the rate in force on the run date (OCA ``account_credit_control_dunning_fees``:
  "If the credit control line has not the same currency as the fees currency, fees will
  be converted to the credit control line currency").
- ``DunningLadder.unapplied_credits``: ``"net"`` (today's default) or ``"mention"``
  (OCA ``account_invoice_overdue_reminder``: a customer with unreconciled payments or
  refunds is reminded once the user confirms they have a good reason not to be
  reconciled; the reminder lists the overdue invoices in full).
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credkit.config import dump, load
from credkit.dunning import (
    ChargeTreatment,
    DaysReference,
    DunningHistory,
    DunningLadder,
    DunningLevel,
    ExclusionReason,
    Fee,
    ItemState,
    UnappliedCredits,
    dunning_run,
)
from credkit.errors import ConfigError, RateNotFoundError, ValidationError
from credkit.fx import Rate, RateTable, convert
from credkit.ledger import DocumentKind, OpenItem
from credkit.money import Money
from credkit.testing.strategies import CURRENCIES, business_dates, money

THEN_EOM = DaysReference.DUE_DATE_THEN_END_OF_MONTH


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _invoice(
    item_id: str, due: date, amount: str, currency: str = "EUR", customer: str = "C1"
) -> OpenItem:
    return OpenItem(
        item_id,
        customer,
        DocumentKind.INVOICE,
        due - timedelta(days=30),
        due,
        Money.of(amount, currency),
    )


def _payment(item_id: str, on: date, amount: str, customer: str = "C1") -> OpenItem:
    return OpenItem(item_id, customer, DocumentKind.PAYMENT, on, on, Money.of(amount, "EUR"))


def _ladder(*levels: DunningLevel, **options: object) -> DunningLadder:
    return DunningLadder("l", version="1", levels=levels, **options)  # type: ignore[arg-type]


def _proposed(items: list[OpenItem], ladder: DunningLadder, as_of: date) -> list[str]:
    run = dunning_run(items, DunningHistory(), as_of=as_of, ladder=ladder)
    return sorted(item_id for action in run.actions for item_id in action.item_ids)


# -- N days after the due date, then the end of that month -----------------------------------


@pytest.mark.parametrize(
    ("days", "due_on"),
    [
        (11, date(2024, 1, 31)),  # 20 Jan + 11 = 31 Jan: already a month end
        (12, date(2024, 2, 29)),  # 20 Jan + 12 = 1 Feb: to the end of February (leap year)
        (40, date(2024, 2, 29)),  # 20 Jan + 40 = 29 Feb
        (41, date(2024, 3, 31)),  # 20 Jan + 41 = 1 Mar
    ],
)
def test_days_then_end_of_month_counts_days_first_then_goes_to_the_month_end(
    days: int, due_on: date
) -> None:
    # ADR 0002's "days, then end of month" reading (TermsBasis.DAYS_THEN_END_OF_MONTH).
    item = _invoice("I1", date(2024, 1, 20), "100.00")
    ladder = _ladder(DunningLevel(days, template="t", reference=THEN_EOM))
    day_before = dunning_run(
        [item], DunningHistory(), as_of=due_on - timedelta(days=1), ladder=ladder
    )
    assert day_before.actions == ()
    assert day_before.status("I1").next_date == due_on
    assert _proposed([item], ladder, due_on) == ["I1"]


def test_days_then_end_of_month_in_a_common_year_ends_on_28_february() -> None:
    item = _invoice("I1", date(2023, 1, 20), "100.00")
    ladder = _ladder(DunningLevel(12, template="t", reference=THEN_EOM))
    assert _proposed([item], ladder, date(2023, 2, 27)) == []
    assert _proposed([item], ladder, date(2023, 2, 28)) == ["I1"]


def test_days_then_end_of_month_differs_from_end_of_due_month() -> None:
    # Due 20 January 2024, 15 days: END_OF_DUE_MONTH gives 31 Jan + 15 = 15 February,
    # DUE_DATE_THEN_END_OF_MONTH gives 4 February -> 29 February.
    item = _invoice("I1", date(2024, 1, 20), "100.00")
    end_of_due_month = _ladder(
        DunningLevel(15, template="t", reference=DaysReference.END_OF_DUE_MONTH)
    )
    then_eom = _ladder(DunningLevel(15, template="t", reference=THEN_EOM))
    as_of = date(2024, 2, 15)
    assert _proposed([item], end_of_due_month, as_of) == ["I1"]
    assert _proposed([item], then_eom, as_of) == []
    assert dunning_run([item], DunningHistory(), as_of=as_of, ladder=then_eom).status(
        "I1"
    ).next_date == date(2024, 2, 29)


def test_a_month_end_threshold_on_the_due_date_waits_for_the_day_after() -> None:
    # Due on 31 January, 0 days: the end of January is the due date itself, and no
    # reminder is ever due on the due date.
    item = _invoice("I1", date(2024, 1, 31), "100.00")
    ladder = _ladder(DunningLevel(0, template="t", reference=THEN_EOM))
    assert _proposed([item], ladder, date(2024, 1, 31)) == []
    assert _proposed([item], ladder, date(2024, 2, 1)) == ["I1"]


def test_a_ladder_with_the_new_reference_loads_and_checks_its_order() -> None:
    ladder = load(
        DunningLadder,
        """
        id = "fin-de-mois"
        version = "1"
        [[levels]]
        days_overdue = 10
        reference = "due_date_then_end_of_month"
        template = "first"
        [[levels]]
        days_overdue = 41
        reference = "due_date_then_end_of_month"
        template = "second"
        """,
        format="toml",
    )
    assert [level.reference for level in ladder.levels] == [THEN_EOM, THEN_EOM]
    assert load(DunningLadder, dump(ladder)) == ladder
    document = dump(ladder)
    document["levels"][1]["days_overdue"] = 10
    with pytest.raises(ConfigError) as error:
        load(DunningLadder, document)
    assert error.value.path == "levels[1].days_overdue"
    assert "must be at least 31 more than levels[0].days_overdue (10) when both count from " in (
        str(error.value)
    )


def test_month_end_levels_closer_than_31_days_are_refused() -> None:
    """Finding 3 (same month end): levels at 5 and 15 days both reached 31 January for an
    invoice due on 10 January, so level 2 went out on 1 February, the day after level 1.
    With this reference each level must count at least 31 days more than the one before."""
    first = DunningLevel(5, template="first", reference=THEN_EOM)
    for days in (15, 30, 35):
        with pytest.raises(
            ValidationError,
            match=rf"^levels\[1\]\.days_overdue: must be at least 31 more than "
            rf"levels\[0\]\.days_overdue \(5\) .*, got {days}$",
        ):
            _ladder(first, DunningLevel(days, template="second", reference=THEN_EOM))
    ladder = _ladder(first, DunningLevel(36, template="second", reference=THEN_EOM))
    # the boundary: 30 days apart can stay in one month (1 -> 31 January)
    item = _invoice("I1", date(2024, 1, 10), "100.00")
    with pytest.raises(ValidationError, match=r"at least 31 more"):
        _ladder(
            DunningLevel(0, template="first", reference=THEN_EOM),
            DunningLevel(30, template="second", reference=THEN_EOM),
        )
    _ladder(
        DunningLevel(0, template="first", reference=THEN_EOM),
        DunningLevel(31, template="second", reference=THEN_EOM),
    )
    # and the accepted ladder sends level 2 a month end later
    history = DunningHistory()
    run = dunning_run([item], history, as_of=date(2024, 1, 31), ladder=ladder)
    assert [action.level for action in run.actions] == [1]
    history = history.record(run)
    assert dunning_run([item], history, as_of=date(2024, 2, 1), ladder=ladder).actions == ()
    assert dunning_run([item], history, as_of=date(2024, 2, 1), ladder=ladder).status(
        "I1"
    ).next_date == date(2024, 2, 29)


@given(
    due=business_dates(),
    first=st.integers(min_value=0, max_value=400),
    gap=st.integers(min_value=31, max_value=400),
)
def test_month_end_levels_31_days_apart_reach_different_month_ends(
    due: date, first: int, gap: int
) -> None:
    """Finding 3 (same month end): the rule's ground, as a property."""
    one = _month_end(due + timedelta(days=first))
    two = _month_end(due + timedelta(days=first + gap))
    assert two > one


def test_the_reference_accepts_its_value_as_a_string() -> None:
    """Finding 4 (reference as text): ``DunningLevel(reference="...")`` raised attrs'
    TypeError; a value converts, and a wrong one is a ValidationError naming the field."""
    level = DunningLevel(5, template="t", reference="due_date_then_end_of_month")
    assert level.reference is THEN_EOM
    with pytest.raises(
        ValidationError,
        match=r"^reference: expected one of 'due_date', 'end_of_due_month', "
        r"'due_date_then_end_of_month', 'previous_reminder', got str 'end_of_month'$",
    ):
        DunningLevel(5, template="t", reference="end_of_month")
    with pytest.raises(ValidationError, match=r"^reference: expected one of"):
        DunningLevel(5, template="t", reference=None)  # type: ignore[arg-type]


@given(due=business_dates(), days=st.integers(min_value=0, max_value=400))
def test_the_first_level_falls_on_the_month_end_after_due_plus_days(due: date, days: int) -> None:
    item = _invoice("I1", due, "100.00")
    ladder = _ladder(DunningLevel(days, template="t", reference=THEN_EOM))
    # The month end that due + days reaches; never the due date itself.
    expected = max(_month_end(due + timedelta(days=days)), due + timedelta(days=1))
    before = dunning_run(
        [item], DunningHistory(), as_of=expected - timedelta(days=1), ladder=ladder
    )
    assert before.actions == ()
    assert before.status("I1").next_date == expected
    assert _proposed([item], ladder, expected) == ["I1"]


# -- a fixed fee converted through a rate source on the run date ----------------------------

RATES = RateTable(
    (
        Rate("EUR", "USD", date(2026, 2, 1), "1.0857"),
        Rate("EUR", "USD", date(2026, 2, 8), "1.1000"),
        Rate("EUR", "JPY", date(2026, 2, 1), "161.23"),
        Rate("EUR", "BHD", date(2026, 2, 1), "0.4093"),
    ),
    pivot="EUR",
)
EUR_FEE = Fee.fixed(Money.of("5.00", "EUR"), convert_from="EUR")


@pytest.mark.parametrize(
    ("currency", "expected"),
    [
        ("USD", Money.of("5.43", "USD")),  # 5.00 x 1.0857 = 5.4285
        ("JPY", Money.of("806", "JPY")),  # 5.00 x 161.23 = 806.15, no minor unit
        ("BHD", Money.of("2.047", "BHD")),  # 5.00 x 0.4093 = 2.0465, half away from zero
        ("EUR", Money.of("5.00", "EUR")),  # the listed amount, no rate needed
    ],
)
def test_a_fixed_fee_is_converted_once_to_the_item_currency_minor_unit(
    currency: str, expected: Money
) -> None:
    # OCA account_credit_control_dunning_fees: a fee in another currency than the line's
    # is converted into the line's currency.
    fee = EUR_FEE.charge(Money.of("80", currency), on=date(2026, 2, 7), rates=RATES)
    assert fee == expected


def test_the_rate_is_the_one_in_force_on_the_run_date() -> None:
    item = _invoice("I1", date(2026, 1, 20), "800.00", "USD")
    ladder = _ladder(DunningLevel(7, template="t", fee=EUR_FEE))
    fees = {}
    for as_of in (date(2026, 2, 7), date(2026, 2, 8)):
        run = dunning_run([item], DunningHistory(), as_of=as_of, ladder=ladder, rates=RATES)
        fees[as_of] = run.actions[0].lines[0].fee
    assert fees == {
        date(2026, 2, 7): Money.of("5.43", "USD"),
        date(2026, 2, 8): Money.of("5.50", "USD"),
    }


def test_a_listed_amount_wins_over_a_conversion() -> None:
    fee = Fee.fixed(Money.of("5.00", "EUR"), Money.of("4.00", "GBP"), convert_from="EUR")
    assert fee.charge(Money.of("80", "GBP")) == Money.of("4.00", "GBP")


def test_a_missing_rate_names_the_currencies_and_the_date() -> None:
    with pytest.raises(RateNotFoundError) as error:
        EUR_FEE.charge(Money.of("80", "USD"), on=date(2026, 1, 31), rates=RATES)
    message = str(error.value)
    assert message.startswith("fee.convert_from: no EUR/USD rate on 2026-01-31")
    assert "fixed fee of 5.00 EUR for an item in USD" in message
    item = _invoice("I1", date(2025, 12, 20), "800.00", "CHF")
    ladder = _ladder(DunningLevel(7, template="t", fee=EUR_FEE))
    with pytest.raises(RateNotFoundError, match=r"no EUR/CHF rate on 2026-02-07"):
        dunning_run([item], DunningHistory(), as_of=date(2026, 2, 7), ladder=ladder, rates=RATES)


def test_a_conversion_without_rates_is_refused_and_the_default_still_raises() -> None:
    with pytest.raises(ValidationError, match=r"^fee\.convert_from: converting .* pass rates="):
        EUR_FEE.charge(Money.of("80", "USD"))
    item = _invoice("I1", date(2026, 1, 20), "800.00", "USD")
    ladder = _ladder(DunningLevel(7, template="t", fee=EUR_FEE))
    with pytest.raises(ValidationError, match=r"pass rates="):
        dunning_run([item], DunningHistory(), as_of=date(2026, 2, 7), ladder=ladder)
    with pytest.raises(ValidationError, match=r"^rates: expected a credkit\.fx\.RateSource"):
        dunning_run(
            [item], DunningHistory(), as_of=date(2026, 2, 7), ladder=ladder, rates={"USD": 1}
        )
    # Without convert_from, an unlisted currency is refused as before, rates or not.
    plain = Fee.fixed(Money.of("5.00", "EUR"))
    with pytest.raises(ValidationError, match=r"^fee\.amounts: no fixed fee in USD"):
        plain.charge(Money.of("80", "USD"), on=date(2026, 2, 7), rates=RATES)


@pytest.mark.parametrize(
    ("fee", "path", "message"),
    [
        (
            {"kind": "fixed", "amounts": ["5.00 EUR"], "convert_from": "USD"},
            "levels[0].fee.convert_from",
            "must be the currency of one of the amounts (EUR), got 'USD'",
        ),
        (
            {"kind": "percentage", "percent": 2, "convert_from": "EUR"},
            "levels[0].fee.convert_from",
            "only a fixed fee is converted",
        ),
        (
            {"kind": "fixed", "amounts": ["5.00 EUR"], "convert_from": "euro"},
            "levels[0].fee.convert_from",
            "'euro' is not an ISO 4217 code",
        ),
    ],
)
def test_fee_conversion_loads_from_documents_with_field_paths(
    fee: dict[str, object], path: str, message: str
) -> None:
    good = {"id": "l", "version": "1", "levels": [{"days_overdue": 7, "template": "t"}]}
    good["levels"][0]["fee"] = {  # type: ignore[index]
        "kind": "fixed",
        "amounts": ["5.00 EUR"],
        "convert_from": "EUR",
    }
    assert load(DunningLadder, good).level(1).fee == EUR_FEE
    good["levels"][0]["fee"] = fee  # type: ignore[index]
    with pytest.raises(ConfigError) as error:
        load(DunningLadder, good)
    assert error.value.path == path
    assert message in str(error.value)


@given(
    amount=money("EUR", min_value=Decimal("0.01"), max_value=10_000),
    rate=st.decimals(min_value=Decimal("0.0001"), max_value=Decimal(1000), places=6),
    currency=st.sampled_from([c for c in CURRENCIES if c != "EUR"]),
    day=business_dates(),
)
def test_a_converted_fee_is_the_configured_fee_times_the_rate_rounded_once(
    amount: Money, rate: Decimal, currency: str, day: date
) -> None:
    rates = RateTable((Rate("EUR", currency, day, rate),))
    fee = Fee.fixed(amount, convert_from="EUR")
    charged = fee.charge(Money.of("1", currency), on=day, rates=rates)
    assert charged == Money(amount.amount * rate, currency).round()
    assert charged == convert(amount, currency, on=day, rates=rates)
    assert charged.is_rounded()


# -- unapplied credits: netted (default) or only mentioned -----------------------------------

AS_OF = date(2026, 3, 1)


def _with_credit(credit: str) -> list[OpenItem]:
    return [
        _invoice("INV-1", date(2026, 1, 31), "500.00"),
        _payment("PAY-1", date(2026, 2, 20), credit),
    ]


def test_by_default_credits_covering_the_overdue_items_hold_the_reminder_back() -> None:
    ladder = _ladder(DunningLevel(7, template="t"))
    assert ladder.unapplied_credits is UnappliedCredits.NET
    run = dunning_run(_with_credit("-500.00"), DunningHistory(), as_of=AS_OF, ladder=ladder)
    assert run.actions == ()
    assert run.status("INV-1").reason is ExclusionReason.COVERED_BY_CREDITS


def test_mention_duns_in_full_and_lists_the_credits() -> None:
    # OCA account_invoice_overdue_reminder: once the unreconciled payment is confirmed
    # as having a reason, the overdue invoice is reminded in full.
    ladder = _ladder(DunningLevel(7, template="t"), unapplied_credits=UnappliedCredits.MENTION)
    run = dunning_run(_with_credit("-500.00"), DunningHistory(), as_of=AS_OF, ladder=ladder)
    [action] = run.actions
    assert action.item_ids == ("INV-1",)
    assert action.lines[0].amount == Money.of("500.00", "EUR")
    assert action.unapplied_credits == (Money.of("500.00", "EUR"),)
    assert run.status("INV-1").state is ItemState.PROPOSED
    assert run.status("PAY-1").reason is ExclusionReason.UNAPPLIED_CREDIT


@pytest.mark.parametrize(
    ("credit", "net_dunned", "mention_dunned"),
    [
        ("-495.00", [], ["INV-1"]),  # 5.00 left: not above the tolerance
        ("-494.99", ["INV-1"], ["INV-1"]),  # 5.01 left: above it
    ],
)
def test_the_tolerance_boundary_applies_only_when_credits_are_netted(
    credit: str, net_dunned: list[str], mention_dunned: list[str]
) -> None:
    levels = (DunningLevel(7, template="t"),)
    tolerance = (Money.of("5.00", "EUR"),)
    net = DunningLadder("n", version="1", levels=levels, tolerance=tolerance)
    mention = DunningLadder(
        "m", version="1", levels=levels, tolerance=tolerance, unapplied_credits="mention"
    )
    assert _proposed(_with_credit(credit), net, AS_OF) == net_dunned
    assert _proposed(_with_credit(credit), mention, AS_OF) == mention_dunned


def test_the_credits_option_loads_from_documents() -> None:
    document = {
        "id": "l",
        "version": "1",
        "unapplied_credits": "mention",
        "levels": [{"days_overdue": 7, "template": "t"}],
    }
    ladder = load(DunningLadder, document)
    assert ladder.unapplied_credits is UnappliedCredits.MENTION
    assert load(DunningLadder, dump(ladder)) == ladder
    del document["unapplied_credits"]
    assert load(DunningLadder, document).unapplied_credits is UnappliedCredits.NET
    document["unapplied_credits"] = "ignore"
    with pytest.raises(ConfigError) as error:
        load(DunningLadder, document)
    assert error.value.path == "unapplied_credits"
    assert "expected one of 'net', 'mention', got str 'ignore'" in str(error.value)


_cents = st.integers(min_value=1, max_value=100_000).map(lambda n: Decimal(n).scaleb(-2))


@st.composite
def _books(draw: st.DrawFn) -> tuple[list[OpenItem], list[OpenItem]]:
    """Invoices of two customers and some unapplied payments: (invoices, credits)."""
    invoices = [
        OpenItem(
            f"I{n}",
            draw(st.sampled_from(["C1", "C2"])),
            DocumentKind.INVOICE,
            date(2025, 12, 1),
            draw(st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 3, 20))),
            Money(draw(_cents), "EUR"),
        )
        for n in range(draw(st.integers(min_value=1, max_value=5)))
    ]
    credits = [
        OpenItem(
            f"P{n}",
            draw(st.sampled_from(["C1", "C2"])),
            DocumentKind.PAYMENT,
            date(2026, 2, 1),
            date(2026, 2, 1),
            Money(-draw(_cents), "EUR"),
        )
        for n in range(draw(st.integers(min_value=0, max_value=3)))
    ]
    return invoices, credits


@given(book=_books(), tolerance=st.sampled_from([(), (Money.of("50.00", "EUR"),)]))
def test_credits_never_change_what_is_dunned_when_only_mentioned(
    book: tuple[list[OpenItem], list[OpenItem]], tolerance: tuple[Money, ...]
) -> None:
    invoices, credits = book
    levels = (DunningLevel(7, template="t"),)
    mention = DunningLadder(
        "m", version="1", levels=levels, tolerance=tolerance, unapplied_credits="mention"
    )
    net = DunningLadder("n", version="1", levels=levels, tolerance=tolerance)
    without = _proposed(invoices, mention, AS_OF)
    assert _proposed(invoices + credits, mention, AS_OF) == without
    assert set(_proposed(invoices + credits, net, AS_OF)) <= set(without)
    assert _proposed(invoices, net, AS_OF) == without
    run = dunning_run(invoices + credits, DunningHistory(), as_of=AS_OF, ladder=mention)
    for action in run.actions:
        listed = sum((m.amount for m in action.unapplied_credits), Decimal(0))
        owed = sum(
            (-c.amount.amount for c in credits if c.customer_id == action.customer_id),
            Decimal(0),
        )
        assert listed == owed


def test_the_charges_accept_their_value_as_a_string() -> None:
    """``DunningLadder(charges="book")`` raised attrs' TypeError (noted in stop 24); a
    value converts, as in a ladder document, and a wrong one names the field."""
    level = DunningLevel(14, template="t")
    assert DunningLadder("x", version="1", levels=[level], charges="book").charges is (
        ChargeTreatment.BOOK
    )
    with pytest.raises(
        ValidationError, match=r"^charges: expected one of 'show', 'book', got str 'booked'$"
    ):
        DunningLadder("x", version="1", levels=[level], charges="booked")  # type: ignore[arg-type]
