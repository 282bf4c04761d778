"""Tests for CreditProfile and build_profile: validation, the ledger figures, groups, limits."""

from __future__ import annotations

import datetime
import enum
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from credkit.errors import CurrencyMismatchError, ValidationError
from credkit.fx import RateTable, convert
from credkit.ledger import (
    Allocation,
    CreditNote,
    Customer,
    DocumentKind,
    Invoice,
    Ledger,
    Payment,
)
from credkit.money import Money
from credkit.policy import (
    CreditProfile,
    Exposure,
    ExposureComponent,
    ExposureKind,
    ScheduledAmount,
    build_profile,
)
from credkit.scoring import RiskClass
from credkit.testing.strategies import ledgers

AS_OF = datetime.date(2026, 11, 23)


def eur(amount: str | int) -> Money:
    return Money.of(amount, "EUR")


def empty(**changes: Any) -> CreditProfile:
    values: dict[str, Any] = {"as_of": AS_OF, "exposure": Exposure((), currency="EUR")}
    return CreditProfile("C-1", **{**values, **changes})


# -- the profile --------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["limit", "overdue_amount", "group_exposure"])
def test_every_amount_is_in_the_exposure_currency(field: str) -> None:
    with pytest.raises(CurrencyMismatchError, match=rf"^{field}: 10 USD is not in the exposure"):
        empty(**{field: Money.of(10, "USD")})


def test_group_limit_needs_the_group_exposure() -> None:
    with pytest.raises(ValidationError, match=r"^group_exposure: required with a group_limit"):
        empty(group_limit=eur(10))
    with pytest.raises(CurrencyMismatchError, match=r"^group_limit"):
        empty(group_limit=Money.of(10, "USD"), group_exposure=eur(1))


def test_overdue_figures_must_agree() -> None:
    with pytest.raises(
        ValidationError, match=r"^oldest_overdue_days: 0 contradicts overdue_amount"
    ):
        empty(overdue_amount=eur(10), oldest_overdue_days=0)
    with pytest.raises(ValidationError, match=r"^overdue_share: 0.5 contradicts"):
        empty(overdue_amount=eur(0), overdue_share="0.5")
    with pytest.raises(ValidationError, match=r"^oldest_overdue_days: 0 contradicts overdue_share"):
        empty(oldest_overdue_days=0, overdue_share="0.5")
    # one figure alone, or figures that agree, are fine
    assert empty(oldest_overdue_days=12).oldest_overdue_days == 12
    # days overdue with nothing owed: an item that converts to less than one unit
    assert empty(overdue_amount=eur(0), oldest_overdue_days=3, overdue_share=0)
    assert empty(overdue_amount=eur(10), oldest_overdue_days=3, overdue_share="0.1")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"limit": eur(-1)}, r"^limit: must be zero or more"),
        ({"overdue_share": "1.5"}, r"^overdue_share: must be from 0 to 1"),
        ({"overdue_share": 0.5}, r"^overdue_share: float 0.5 is not exact"),
        ({"payment_index": 101}, r"^payment_index: must be from 0 to 100"),
        ({"score": 1.5}, r"^score: float 1.5 is not exact"),
        ({"dunning_level": True}, r"^dunning_level: expected a whole number"),
        ({"oldest_overdue_days": -1}, r"^oldest_overdue_days: must be 0 or more"),
        ({"blocked": 1}, r"^blocked: expected True or False"),
        ({"segment": ""}, r"^segment: expected a non-empty string"),
        ({"as_of": datetime.datetime(2026, 1, 1)}, r"^as_of: expected a datetime.date"),
        (
            {"limit_valid_from": AS_OF, "limit_valid_to": AS_OF - datetime.timedelta(days=1)},
            r"^limit_valid_to: 2026-11-22 is before limit_valid_from 2026-11-23",
        ),
        ({"bureau": {"rating": 1.5}}, r"^bureau\['rating'\]: float 1.5 is not exact"),
        ({"bureau": {"owners": ["a"]}}, r"^bureau\['owners'\]: expected text"),
        ({"bureau": {3: "x"}}, r"^bureau: keys must be non-empty strings"),
        ({"bureau": "x"}, r"^bureau: expected a mapping"),
    ],
)
def test_bad_profile_values_are_refused_with_the_field(
    changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        empty(**changes)


def test_enums_and_risk_classes_are_kept_by_value() -> None:
    class Trend(enum.Enum):
        DETERIORATING = "deteriorating"

    risk = RiskClass("B", min_score=550, max_score=650, pd="0.02", review_months=12)
    profile = empty(trend=Trend.DETERIORATING, risk_class=risk, score="600.5")
    assert (profile.trend, profile.risk_class, profile.score) == (
        "deteriorating",
        "B",
        Decimal("600.5"),
    )


def test_bureau_data_is_read_only_and_order_free() -> None:
    source = {"rating": "B+", "employees": 40, "insolvency": False}
    profile = empty(bureau=source)
    source["rating"] = "D"
    assert profile.bureau["rating"] == "B+"
    with pytest.raises(TypeError):
        profile.bureau["rating"] = "D"  # type: ignore[index]
    assert profile == empty(bureau={"insolvency": False, "employees": 40, "rating": "B+"})
    assert hash(profile) == hash(empty(bureau={}))  # bureau data does not take part in hashing


def test_available_credit() -> None:
    profile = CreditProfile(
        "C-1",
        as_of=AS_OF,
        limit=eur("120000.00"),
        exposure=Exposure(
            (ExposureComponent("open_receivables", eur("125000.00")),), currency="EUR"
        ),
    )
    assert profile.available_credit == eur("-5000.00")
    assert empty().available_credit is None


# -- build_profile ------------------------------------------------------------------------


def nordwind() -> Ledger:
    """The tutorial's customer with overdue, current, disputed, credited and paid invoices."""
    c = "C-100"
    return Ledger(
        customers=[Customer(c, "Nordwind Logistik GmbH", country="DE", currency="EUR")],
        invoices=[
            Invoice("I-1", c, datetime.date(2026, 8, 3), datetime.date(2026, 9, 2), eur("4000.00")),
            Invoice(
                "I-2",
                c,
                datetime.date(2026, 9, 1),
                datetime.date(2026, 10, 1),
                eur("6000.00"),
                disputed=True,
            ),
            Invoice("I-3", c, datetime.date(2026, 10, 24), AS_OF, eur("5000.00")),
            Invoice(
                "I-4", c, datetime.date(2026, 11, 2), datetime.date(2026, 12, 2), eur("5000.00")
            ),
        ],
        payments=[
            Payment("P-1", c, datetime.date(2026, 9, 10), eur("4000.00")),
            Payment("P-2", c, datetime.date(2026, 11, 20), eur("1500.00")),
            Payment("P-3", c, datetime.date(2026, 11, 24), eur("5000.00")),
        ],
        credit_notes=[CreditNote("N-1", c, datetime.date(2026, 11, 5), eur("500.00"))],
        allocations=[
            Allocation("P-1", "I-1", eur("4000.00"), datetime.date(2026, 9, 10)),
            Allocation("P-3", "I-3", eur("5000.00"), datetime.date(2026, 11, 24)),
        ],
    )


def test_build_profile_from_the_ledger() -> None:
    profile = build_profile(nordwind(), "C-100", as_of=AS_OF, limit=eur("20000.00"))
    # open: I-2 6,000 (overdue 53 days, disputed), I-3 5,000 (due today), I-4 5,000;
    # unapplied: P-2 1,500 and N-1 500 net the receivables; P-3 comes after as_of
    assert profile.exposure.amount_of("open_receivables") == eur("14000.00")
    assert profile.overdue_amount == eur("6000.00")
    assert profile.oldest_overdue_days == 53
    assert profile.overdue_share == Decimal("6000") / Decimal("16000")
    assert profile.available_credit == eur("6000.00")
    assert profile.segment is None
    assert profile.group_id is None
    assert profile.group_exposure is None


def test_build_profile_ignores_what_happened_after_as_of() -> None:
    later = build_profile(nordwind(), "C-100", as_of=datetime.date(2026, 11, 24))
    assert later.exposure.amount_of("open_receivables") == eur("9000.00")
    early = build_profile(nordwind(), "C-100", as_of=datetime.date(2026, 9, 2))
    assert early.overdue_amount == eur("0.00")
    assert early.oldest_overdue_days == 0
    assert early.overdue_share == 0


def test_build_profile_other_exposure_and_sub_limits() -> None:
    orders = ExposureComponent(
        "open_orders",
        eur("3000.00"),
        schedule=(ScheduledAmount(datetime.date(2027, 1, 15), eur("3000.00")),),
    )
    profile = build_profile(
        nordwind(),
        "C-100",
        as_of=AS_OF,
        open_orders=orders,
        delivered_not_invoiced=eur("1000.00"),
        other_exposure=ExposureComponent("other", eur("800.00"), included_in_total=False),
        sub_limits={
            "delivered_not_invoiced": eur("2000.00"),
            ExposureKind.OPEN_RECEIVABLES: eur("1"),
        },
    )
    exposure = profile.exposure
    assert exposure.total == eur("18000.00")
    assert exposure.component("open_orders") == orders
    dni = exposure.component("delivered_not_invoiced")
    assert dni is not None
    assert dni.sub_limit == eur("2000.00")
    receivables = exposure.component("open_receivables")
    assert receivables is not None
    assert receivables.sub_limit == eur("1")
    assert exposure.within(AS_OF) == eur("15000.00")


def test_build_profile_refuses_conflicting_or_bad_arguments() -> None:
    ledger = nordwind()
    with pytest.raises(ValidationError, match=r"^open_orders: expected a component of kind"):
        build_profile(ledger, "C-100", as_of=AS_OF, open_orders=ExposureComponent("other", eur(1)))
    with pytest.raises(ValidationError, match=r"^sub_limits: 'open_orders' is given both"):
        build_profile(
            ledger,
            "C-100",
            as_of=AS_OF,
            open_orders=ExposureComponent("open_orders", eur(1)),
            sub_limits={"open_orders": eur(5)},
        )
    with pytest.raises(ValidationError, match=r"^sub_limits: 'backlog' is not an exposure kind"):
        build_profile(ledger, "C-100", as_of=AS_OF, sub_limits={"backlog": eur(5)})
    with pytest.raises(ValidationError, match=r"^limit: expected Money, None, or a limit record"):
        build_profile(ledger, "C-100", as_of=AS_OF, limit=Decimal(5))
    with pytest.raises(ValidationError, match=r"^ledger: expected a Ledger"):
        build_profile([], "C-100", as_of=AS_OF)  # type: ignore[arg-type]


@attrs.frozen
class LimitRecord:
    """Shaped like the limits package's CreditLimit, which the policy package does not import."""

    amount: Money | None
    currency: str
    valid_from: datetime.date
    valid_to: datetime.date | None
    next_review: datetime.date | None


def test_build_profile_reads_a_limit_record_by_its_attributes() -> None:
    record = LimitRecord(
        eur("25000.00"),
        "EUR",
        datetime.date(2026, 1, 1),
        datetime.date(2027, 3, 31),
        datetime.date(2027, 1, 31),
    )
    profile = build_profile(nordwind(), "C-100", as_of=AS_OF, limit=record)
    assert profile.limit == eur("25000.00")
    assert profile.limit_valid_from == datetime.date(2026, 1, 1)
    assert profile.limit_valid_to == datetime.date(2027, 3, 31)
    assert profile.next_review == datetime.date(2027, 1, 31)
    unlimited = LimitRecord(None, "CHF", datetime.date(2026, 1, 1), None, None)
    rates = RateTable.from_mapping({"2026-11-02": {"CHF": "0.93"}}, base="EUR")
    no_limit = build_profile(nordwind(), "C-100", as_of=AS_OF, limit=unlimited, rates=rates)
    assert no_limit.limit is None
    assert no_limit.currency == "CHF"
    with pytest.raises(ValidationError, match=r"^limit_valid_to: given both on the limit record"):
        build_profile(
            nordwind(), "C-100", as_of=AS_OF, limit=record, limit_valid_to=datetime.date(2027, 1, 1)
        )


def test_build_profile_converts_other_currencies_only_with_rates() -> None:
    rates = RateTable.from_mapping({"2026-11-02": {"USD": "1.1600"}}, base="EUR")
    with pytest.raises(CurrencyMismatchError, match=r"open items include 14000.00 EUR"):
        build_profile(nordwind(), "C-100", as_of=AS_OF, currency="USD")
    profile = build_profile(nordwind(), "C-100", as_of=AS_OF, currency="USD", rates=rates)
    assert profile.exposure.amount_of("open_receivables") == Money.of("16240.00", "USD")
    assert profile.overdue_amount == Money.of("6960.00", "USD")
    converted = build_profile(
        nordwind(),
        "C-100",
        as_of=AS_OF,
        limit=Money.of("11600", "USD"),
        currency="EUR",
        rates=rates,
    )
    assert converted.limit == eur("10000.00")


def group_ledger() -> Ledger:
    customers = [
        Customer("H", "Holding AG", country="DE", currency="EUR"),
        Customer("S1", "Sub One GmbH", country="DE", currency="EUR", parent_id="H"),
        Customer("S2", "Sub Two GmbH", country="DE", currency="EUR", parent_id="S1"),
        Customer("X", "Outsider", country="DE", currency="EUR"),
    ]
    day = datetime.date(2026, 11, 2)
    due = datetime.date(2026, 12, 2)
    return Ledger(
        customers=customers,
        invoices=[
            Invoice("IH", "H", day, due, eur(1000)),
            Invoice("I1", "S1", day, due, eur(2000)),
            Invoice("I2", "S2", day, due, eur(4000)),
            Invoice("IX", "X", day, due, eur(8000)),
        ],
    )


def test_group_exposure_covers_the_whole_group() -> None:
    profile = build_profile(
        group_ledger(),
        "S2",
        as_of=AS_OF,
        open_orders=eur(500),
        group_limit=eur(10000),
        group_other_exposure=eur(250),
    )
    assert profile.group_id == "H"
    assert profile.group_exposure == eur("7750.00")  # 1,000 + 2,000 + 4,000 + 500 + 250
    alone = build_profile(group_ledger(), "X", as_of=AS_OF, group_limit=eur(9000))
    assert alone.group_id is None
    assert alone.group_exposure == eur("8000.00")
    assert build_profile(group_ledger(), "S1", as_of=AS_OF).group_exposure is None


class One:
    """A rate source that converts everything one for one (for the property test)."""

    def rate(self, base: str, quote: str, on: datetime.date) -> Decimal:
        return Decimal(1)


@given(ledger=ledgers(max_customers=3, max_documents=20), days=st.integers(0, 900))
def test_build_profile_figures_follow_the_open_items(ledger: Ledger, days: int) -> None:
    as_of = datetime.date(2024, 1, 1) + datetime.timedelta(days=days)
    for customer in ledger.customers:
        profile = build_profile(ledger, customer.id, as_of=as_of, rates=One())
        currency = customer.currency
        items = ledger.open_items(as_of, customer_id=customer.id)
        totals: dict[str, Decimal] = {}
        for item in items:
            totals[item.amount.currency] = (
                totals.get(item.amount.currency, Decimal(0)) + item.amount.amount
            )
        expected = sum(
            (
                convert(Money(a, c), currency, on=as_of, rates=One()).amount
                for c, a in totals.items()
            ),
            Decimal(0),
        )
        assert profile.exposure.total_amount == expected
        late = [
            i
            for i in items
            if i.kind is DocumentKind.INVOICE and i.amount.amount > 0 and i.days_overdue(as_of) > 0
        ]
        assert profile.oldest_overdue_days == max((i.days_overdue(as_of) for i in late), default=0)
        overdue: dict[str, Decimal] = {}
        for item in late:
            code = item.amount.currency
            overdue[code] = overdue.get(code, Decimal(0)) + item.amount.amount
        assert profile.overdue_amount is not None
        assert profile.overdue_amount.amount == sum(
            (
                convert(Money(a, c), currency, on=as_of, rates=One()).amount
                for c, a in overdue.items()
            ),
            Decimal(0),
        )
        assert profile.overdue_share is not None
        assert (profile.overdue_share > 0) == (profile.overdue_amount.amount > 0)
        assert 0 <= profile.overdue_share <= 1


def test_a_cent_overdue_in_a_yen_profile_is_a_day_overdue_and_zero_yen() -> None:
    # Found by the property test above: EUR 0.01 overdue converts to 0 JPY, which the
    # profile used to refuse as a contradiction, so no credit check could run.
    ledger = Ledger(
        customers=[Customer("C0", "Kaisha", country="JP", currency="JPY")],
        invoices=[
            Invoice(
                "I0", "C0", datetime.date(2024, 1, 1), datetime.date(2024, 1, 1),
                Money.of("0.01", "EUR"),
            )
        ],
    )  # fmt: skip
    profile = build_profile(ledger, "C0", as_of=datetime.date(2024, 1, 2), rates=One())
    assert profile.oldest_overdue_days == 1
    assert profile.overdue_amount == Money.of(0, "JPY")
    assert profile.overdue_share == 0
