"""The overdue margin and the split of open receivables (build_profile), with sub-limits.

Peers: OCA ``account_financial_risk`` (Odoo) keeps "open" (not yet due) and "unpaid"
(overdue) invoices as separate exposure categories, each with an optional limit, and
has a "maturity margin": the days after the due date before an open invoice counts as
unpaid.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from credkit.errors import ValidationError
from credkit.ledger import Customer, Invoice, Ledger, Payment
from credkit.money import Money
from credkit.policy import (
    CreditProfile,
    Exposure,
    ExposureComponent,
    ExposureKind,
    OrderRequest,
    Outcome,
    Policy,
    build_profile,
    check,
)
from credkit.policy.rules import StaticLimit, SubLimits
from credkit.testing.strategies import ledgers

AS_OF = datetime.date(2026, 11, 23)
NOT_DUE = ExposureKind.RECEIVABLES_NOT_DUE
OVERDUE = ExposureKind.RECEIVABLES_OVERDUE


def eur(amount: str | int | Decimal) -> Money:
    return Money.of(amount, "EUR")


def ledger() -> Ledger:
    """Overdue 53 and 10 days, due today, not yet due, and unapplied cash."""
    c = "C-1"
    return Ledger(
        customers=[Customer(c, "Nordwind", country="DE", currency="EUR")],
        invoices=[
            Invoice("I-1", c, datetime.date(2026, 9, 1), datetime.date(2026, 10, 1), eur(6000)),
            Invoice("I-2", c, datetime.date(2026, 10, 14), datetime.date(2026, 11, 13), eur(2000)),
            Invoice("I-3", c, datetime.date(2026, 10, 24), AS_OF, eur(5000)),
            Invoice("I-4", c, datetime.date(2026, 11, 2), datetime.date(2026, 12, 2), eur(4000)),
        ],
        payments=[Payment("P-1", c, datetime.date(2026, 11, 20), eur(1500))],
    )


class One:
    """A rate source that converts everything one for one."""

    def rate(self, base: str, quote: str, on: datetime.date) -> Decimal:
        return Decimal(1)


# -- the overdue margin ---------------------------------------------------------------------


def test_default_margin_counts_every_day_past_due() -> None:
    profile = build_profile(ledger(), "C-1", as_of=AS_OF)
    assert profile.overdue_amount == eur(8000)
    assert profile.oldest_overdue_days == 53
    assert profile.overdue_invoice_count == 2
    assert profile.overdue_share == Decimal(8000) / Decimal(17000)


def test_margin_is_the_days_past_due_before_an_invoice_counts_as_overdue() -> None:
    # OCA account_financial_risk: an invoice becomes "unpaid" only once its due date is
    # more than the maturity margin in the past. I-2 is 10 days past due, I-1 53 days.
    at_ten = build_profile(ledger(), "C-1", as_of=AS_OF, overdue_margin_days=10)
    assert at_ten.overdue_amount == eur(6000)
    assert at_ten.overdue_invoice_count == 1
    assert at_ten.oldest_overdue_days == 53  # still days past the due date, not past the margin
    at_nine = build_profile(ledger(), "C-1", as_of=AS_OF, overdue_margin_days=9)
    assert at_nine.overdue_amount == eur(8000)
    at_53 = build_profile(ledger(), "C-1", as_of=AS_OF, overdue_margin_days=53)
    assert at_53.overdue_amount == eur(0)
    assert at_53.oldest_overdue_days == 0
    assert at_53.overdue_share == 0
    assert at_53.overdue_invoice_count == 0
    assert at_53.exposure.total == at_ten.exposure.total == eur(15500)


@pytest.mark.parametrize("margin", [-1, 1.5, "5", True, None])
def test_margin_must_be_whole_days(margin: object) -> None:
    with pytest.raises(ValidationError, match=r"^overdue_margin_days: .*got"):
        build_profile(ledger(), "C-1", as_of=AS_OF, overdue_margin_days=margin)  # type: ignore[arg-type]


@given(
    book=ledgers(max_customers=2, max_documents=15),
    days=st.integers(0, 900),
    margins=st.tuples(st.integers(0, 120), st.integers(0, 120)).map(sorted),
)
def test_a_larger_margin_never_increases_the_overdue_figures(
    book: Ledger, days: int, margins: list[int]
) -> None:
    as_of = datetime.date(2024, 1, 1) + datetime.timedelta(days=days)
    small, large = margins
    for customer in book.customers:
        lo = build_profile(book, customer.id, as_of=as_of, rates=One(), overdue_margin_days=small)
        hi = build_profile(book, customer.id, as_of=as_of, rates=One(), overdue_margin_days=large)
        assert lo.overdue_amount is not None
        assert hi.overdue_amount is not None
        assert hi.overdue_amount.amount <= lo.overdue_amount.amount
        assert hi.oldest_overdue_days is not None
        assert lo.oldest_overdue_days is not None
        assert hi.oldest_overdue_days <= lo.oldest_overdue_days
        assert hi.overdue_share is not None
        assert lo.overdue_share is not None
        assert hi.overdue_share <= lo.overdue_share
        assert hi.overdue_invoice_count is not None
        assert lo.overdue_invoice_count is not None
        assert hi.overdue_invoice_count <= lo.overdue_invoice_count
        # the margin moves items between "overdue" and "not yet", never out of the exposure
        assert hi.exposure == lo.exposure


# -- the split --------------------------------------------------------------------------------


def test_split_gives_a_not_due_and_an_overdue_part_that_add_up() -> None:
    # OCA account_financial_risk: "open invoices" and "unpaid invoices" categories.
    whole = build_profile(ledger(), "C-1", as_of=AS_OF)
    split = build_profile(ledger(), "C-1", as_of=AS_OF, split_receivables=True)
    assert [c.kind for c in split.exposure.components] == [NOT_DUE, OVERDUE]
    assert split.exposure.amount_of(OVERDUE) == eur(8000)
    # I-3 5,000 + I-4 4,000 less the unapplied 1,500
    assert split.exposure.amount_of(NOT_DUE) == eur(7500)
    assert split.exposure.amount_of("open_receivables") == eur(0)
    assert split.exposure.receivables == whole.exposure.receivables == eur(15500)
    assert split.exposure.total == whole.exposure.total
    assert split.available_credit == whole.available_credit


def test_split_follows_the_margin() -> None:
    split = build_profile(
        ledger(), "C-1", as_of=AS_OF, split_receivables=True, overdue_margin_days=10
    )
    assert split.exposure.amount_of(OVERDUE) == eur(6000)
    assert split.exposure.amount_of(NOT_DUE) == eur(9500)


def test_not_due_part_is_negative_when_unapplied_cash_exceeds_it() -> None:
    c = "C-1"
    book = Ledger(
        customers=[Customer(c, "Nordwind", country="DE", currency="EUR")],
        invoices=[
            Invoice("I-1", c, datetime.date(2026, 9, 1), datetime.date(2026, 10, 1), eur(1000))
        ],
        payments=[Payment("P-1", c, datetime.date(2026, 11, 20), eur(1500))],
    )
    split = build_profile(book, c, as_of=AS_OF, split_receivables=True)
    assert split.exposure.amount_of(OVERDUE) == eur(1000)
    assert split.exposure.amount_of(NOT_DUE) == eur(-1500)
    assert split.exposure.total == eur(-500)


def test_sub_limits_of_the_parts() -> None:
    split = build_profile(
        ledger(),
        "C-1",
        as_of=AS_OF,
        split_receivables=True,
        sub_limits={"receivables_overdue": eur(5000), NOT_DUE: eur(20000)},
    )
    overdue = split.exposure.component(OVERDUE)
    not_due = split.exposure.component(NOT_DUE)
    assert overdue is not None
    assert overdue.sub_limit == eur(5000)
    assert not_due is not None
    assert not_due.sub_limit == eur(20000)


def test_sub_limits_must_match_the_split() -> None:
    with pytest.raises(ValidationError, match=r"^sub_limits: 'receivables_overdue' .*split_rec"):
        build_profile(ledger(), "C-1", as_of=AS_OF, sub_limits={OVERDUE: eur(1)})
    with pytest.raises(ValidationError, match=r"^sub_limits: 'open_receivables' .*receivables_not"):
        build_profile(
            ledger(),
            "C-1",
            as_of=AS_OF,
            split_receivables=True,
            sub_limits={"open_receivables": eur(1)},
        )
    with pytest.raises(ValidationError, match=r"^split_receivables: expected True or False"):
        build_profile(ledger(), "C-1", as_of=AS_OF, split_receivables=1)  # type: ignore[arg-type]


def test_overdue_sub_limit_holds_an_order_the_total_limit_allows() -> None:
    # OCA account_financial_risk: a limit on the unpaid-invoice category blocks even
    # when the total is within the credit limit.
    policy = Policy("p", version="1", rules=[StaticLimit(), SubLimits()])
    split = build_profile(
        ledger(),
        "C-1",
        as_of=AS_OF,
        limit=eur(50000),
        split_receivables=True,
        sub_limits={OVERDUE: eur(7999)},
    )
    order = OrderRequest("SO-1", eur(100), order_date=AS_OF)
    decision = check(split, order, policy)
    assert decision.outcome is Outcome.HOLD
    assert decision.codes == ("SUB_LIMIT_EXCEEDED",)
    assert "receivables overdue 8,000.00 EUR exceeds its sub-limit 7,999.00 EUR" in (
        decision.reasons[0].message
    )
    # the order adds to open orders, not to the overdue part: 8,000 within 8,000 passes
    within = attrs.evolve(
        split,
        exposure=Exposure(
            tuple(
                attrs.evolve(c, sub_limit=eur(8000)) if c.kind is OVERDUE else c
                for c in split.exposure.components
            ),
            currency="EUR",
        ),
    )
    assert check(within, order, policy).outcome is Outcome.APPROVE


# -- monotonicity ------------------------------------------------------------------------------

_SEVERITY = {Outcome.APPROVE: 0, Outcome.HOLD: 1, Outcome.REJECT: 2}
_amounts = st.decimals(min_value=-(10**6), max_value=10**6, places=2)
_limits = st.none() | st.decimals(min_value=0, max_value=10**6, places=2)


def _profile(
    amounts: dict[ExposureKind, Decimal],
    sub_limits: dict[ExposureKind, Decimal | None],
    limit: Decimal | None,
) -> CreditProfile:
    components = tuple(
        ExposureComponent(
            kind,
            eur(amount),
            sub_limit=None if sub_limits[kind] is None else eur(sub_limits[kind]),  # type: ignore[arg-type]
        )
        for kind, amount in amounts.items()
    )
    return CreditProfile(
        "C-1",
        as_of=AS_OF,
        exposure=Exposure(components, currency="EUR"),
        limit=None if limit is None else eur(limit),
    )


_KINDS = (NOT_DUE, OVERDUE, ExposureKind.OPEN_ORDERS)


@given(
    amounts=st.fixed_dictionaries(dict.fromkeys(_KINDS, _amounts)),
    sub_limits=st.fixed_dictionaries(dict.fromkeys(_KINDS, _limits)),
    limit=_limits,
    bumped=st.sampled_from(_KINDS),
    more=st.decimals(min_value=0, max_value=10**6, places=2),
    order=st.decimals(min_value="0.01", max_value=10**5, places=2),
)
def test_more_exposure_in_any_part_never_turns_a_hold_into_an_approval(
    amounts: dict[ExposureKind, Decimal],
    sub_limits: dict[ExposureKind, Decimal | None],
    limit: Decimal | None,
    bumped: ExposureKind,
    more: Decimal,
    order: Decimal,
) -> None:
    policy = Policy("p", version="1", rules=[StaticLimit(), SubLimits()])
    request = OrderRequest("SO-1", eur(order), order_date=AS_OF)
    before = check(_profile(amounts, sub_limits, limit), request, policy)
    after = check(
        _profile({**amounts, bumped: amounts[bumped] + more}, sub_limits, limit), request, policy
    )
    assert _SEVERITY[after.outcome] >= _SEVERITY[before.outcome]
    assert set(before.codes) <= set(after.codes)
