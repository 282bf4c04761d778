"""Payment behaviour as mergeable partials (issue 20): exact sums that add up.

Two properties: adding the partials of any split of the settlements gives exactly the
result of the whole, and the integer sums give, figure for figure and exponent for
exponent, what plain ``Decimal`` arithmetic gives (a reference written here, the way
the figures are defined, invoice by invoice).
"""

from __future__ import annotations

import datetime
import functools
import itertools
import operator
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credkit._validate import shifted
from credkit.errors import CurrencyMismatchError, RateNotFoundError, ValidationError
from credkit.fx import RateTable, convert
from credkit.kpi import (
    INDEX_ANCHORS,
    BehaviourPartial,
    InsufficientData,
    PaymentBehaviour,
    behaviour_partial,
    behaviour_records,
    payment_behaviour,
    payment_trends,
    window_start,
)
from credkit.ledger import Settlement
from credkit.money import Money

AS_OF = datetime.date(2026, 6, 30)
START = AS_OF.toordinal() - 800
RATES = RateTable.from_mapping(
    {"2024-01-01": {"USD": "1.0837", "JPY": "157.12"}, "2026-01-01": {"USD": "1.1712"}},
    base="EUR",
)
"""EUR rates of USD (changing in 2026) and JPY; none for GBP, so that a GBP amount to convert fails."""

amounts = st.one_of(
    st.integers(0, 10**7).map(lambda n: Decimal(n).scaleb(-2)),  # 1234.56
    st.integers(1, 10**5).map(Decimal),  # 1234
    st.integers(1, 10**6).map(lambda n: Decimal(n).scaleb(-1)),  # 123.4
)


@st.composite
def settlement(draw: st.DrawFn, number: int) -> Settlement:
    issued = START + draw(st.integers(0, 780))
    due = issued + draw(st.sampled_from([0, 14, 30, 60]))
    on = issued + draw(st.integers(0, 200))
    code = draw(st.sampled_from(["EUR", "EUR", "USD", "JPY", "GBP"]))
    amount = draw(amounts.filter(lambda a: a > 0))
    if code == "JPY":
        amount = amount.to_integral_value()
    credit = draw(st.sampled_from([Decimal(0), Decimal(0), Decimal(0), amount, amount / 4]))
    if code == "JPY":
        credit = credit.to_integral_value()
    return Settlement(
        f"I{number}",
        draw(st.sampled_from(["C1", "C2", "C3", "C4", "C5"])),
        datetime.date.fromordinal(issued),
        datetime.date.fromordinal(due),
        Money.of(amount, code),
        settled_on=datetime.date.fromordinal(on),
        credited=Money.of(credit, code),
    )


@st.composite
def histories(draw: st.DrawFn) -> list[Settlement]:
    size = draw(st.integers(0, 40))
    return [draw(settlement(number)) for number in range(size)]


def exact_index(days: int) -> Fraction:
    """The payment index of whole ``days`` beyond terms, as an exact fraction."""
    if days <= INDEX_ANCHORS[0][0]:
        return Fraction(INDEX_ANCHORS[0][1])
    for (x0, y0), (x1, y1) in itertools.pairwise(INDEX_ANCHORS):
        if days <= x1:
            return y0 + Fraction(y1 - y0, x1 - x0) * (days - x0)
    return Fraction(INDEX_ANCHORS[-1][1])


def exact(value: Fraction) -> Decimal:
    """``value`` correctly rounded to a ``Decimal`` (as one ``Decimal`` division rounds it)."""
    return Decimal(value.numerator) / Decimal(value.denominator)


def reference(
    records: list[Settlement],
    *,
    as_of: datetime.date,
    window_months: int = 24,
    recent_months: int = 3,
    baseline_months: int = 12,
    min_invoices: int = 3,
    threshold: Decimal = Decimal(5),
    trend_min_invoices: int = 2,
    currency: str | None = None,
    rates: RateTable | None = None,
) -> dict[str, Any]:
    """The figures straight from their definitions, in ``Decimal`` sums, as records."""
    window = window_start(as_of, window_months=window_months)
    recent = shifted(as_of, "recent", months=-recent_months)
    baseline = shifted(recent, "baseline", months=-baseline_months)
    earliest = min(window - datetime.timedelta(days=1), baseline)
    zero = Decimal(0)
    by_customer: dict[str, list[Settlement]] = {}
    for record in records:
        by_customer.setdefault(record.customer_id, [])
        if earliest < record.settled_on <= as_of:
            by_customer[record.customer_id].append(record)
    result: dict[str, Any] = {}
    for customer in sorted(by_customer):
        paid = [(r, r.amount.amount - r.credited.amount) for r in by_customer[customer]]
        credited = sum(1 for _, p in paid if p == 0)
        paid = [(r, p) for r, p in paid if p > 0]
        codes = {r.amount.currency for r, _ in paid}
        code = next(iter(codes)) if codes else None
        if len(codes) > 1:
            if currency is None or rates is None:
                raise CurrencyMismatchError("several currencies")
            code = currency
            paid = [
                (
                    r,
                    convert(
                        Money(p, r.amount.currency), currency, on=r.settled_on, rates=rates
                    ).amount,
                )
                for r, p in paid
            ]
        inside = [(r, p) for r, p in paid if r.settled_on >= window]
        late_ones = [(r, p) for r, p in inside if r.days_beyond_terms > 0]
        recents = [(r, p) for r, p in paid if r.settled_on > recent]
        baselines = [(r, p) for r, p in paid if baseline < r.settled_on <= recent]

        def days_late(chosen: list[tuple[Settlement, Decimal]]) -> Decimal | None:
            if len(chosen) < trend_min_invoices:
                return None
            late = sum(
                (p * r.days_beyond_terms for r, p in chosen if r.days_beyond_terms > 0), zero
            )
            return late / sum((p for _, p in chosen), zero)

        n = len(inside)
        if n < min_invoices:
            result[customer] = (n, credited)
            continue
        weight = sum((p for _, p in inside), zero)
        count = Decimal(n)
        r_late, b_late = days_late(recents), days_late(baselines)
        result[customer] = {
            "currency": code,
            "amount_paid": str(weight),
            "average_days_to_pay": str(sum(r.days_to_pay for r, _ in inside) / count),
            "weighted_days_to_pay": str(sum((p * r.days_to_pay for r, p in inside), zero) / weight),
            "average_days_beyond_terms": str(sum(r.days_beyond_terms for r, _ in inside) / count),
            "weighted_days_beyond_terms": str(
                sum((p * r.days_beyond_terms for r, p in inside), zero) / weight
            ),
            "average_days_late": str(sum(r.days_beyond_terms for r, _ in late_ones) / count),
            "weighted_days_late": str(
                sum((p * r.days_beyond_terms for r, p in late_ones), zero) / weight
            ),
            "share_on_time": str(sum(1 for r, _ in inside if r.days_beyond_terms <= 0) / count),
            "share_early": str(sum(1 for r, _ in inside if r.days_beyond_terms < 0) / count),
            "index": exact(
                sum(Fraction(p) * exact_index(r.days_beyond_terms) for r, p in inside)
                / Fraction(weight)
            ),
            "recent": None if r_late is None else str(r_late),
            "baseline": None if b_late is None else str(b_late),
            "direction": None
            if r_late is None or b_late is None
            else (
                "up"
                if r_late - b_late > threshold
                else "down"
                if b_late - r_late > threshold
                else "="
            ),
        }
    return result


def as_reference(results: dict[str, PaymentBehaviour | InsufficientData]) -> dict[str, Any]:
    """``results`` in the shape of :func:`reference` (text of every figure)."""
    shaped: dict[str, Any] = {}
    for customer, value in results.items():
        if isinstance(value, InsufficientData):
            shaped[customer] = (value.invoices, value.fully_credited)
            continue
        t = value.trend
        direction = {
            "deteriorating": "up",
            "improving": "down",
            "stable": "=",
            "insufficient_data": None,
        }[t.direction.value]
        shaped[customer] = {
            "currency": value.currency,
            "amount_paid": str(value.amount_paid.amount),
            "average_days_to_pay": str(value.average_days_to_pay),
            "weighted_days_to_pay": str(value.weighted_days_to_pay),
            "average_days_beyond_terms": str(value.average_days_beyond_terms),
            "weighted_days_beyond_terms": str(value.weighted_days_beyond_terms),
            "average_days_late": str(value.average_days_late),
            "weighted_days_late": str(value.weighted_days_late),
            "share_on_time": str(value.share_on_time),
            "share_early": str(value.share_early),
            "index": value.payment_index,
            "recent": None if t.recent_days_late is None else str(t.recent_days_late),
            "baseline": None if t.baseline_days_late is None else str(t.baseline_days_late),
            "direction": direction,
        }
    return shaped


def outcome(compute: Any) -> Any:
    """What ``compute()`` returns, or the type of what it raises."""
    try:
        return compute()
    except (CurrencyMismatchError, RateNotFoundError) as error:
        return type(error)


@settings(max_examples=150, deadline=None)
@given(records=histories(), converting=st.booleans())
def test_integer_sums_give_the_decimal_figures(records: list[Settlement], converting: bool) -> None:
    options: dict[str, Any] = {"currency": "EUR", "rates": RATES} if converting else {}
    expected = outcome(lambda: reference(records, as_of=AS_OF, **options))
    found = outcome(lambda: as_reference(payment_behaviour(records, as_of=AS_OF, **options)))
    assert found == expected


@settings(max_examples=150, deadline=None)
@given(
    records=histories(),
    parts=st.integers(1, 4),
    data=st.data(),
    converting=st.booleans(),
)
def test_partials_of_any_split_add_up_to_the_whole(
    records: list[Settlement], parts: int, data: st.DataObject, converting: bool
) -> None:
    options: dict[str, Any] = {"currency": "EUR", "rates": RATES} if converting else {}
    where = data.draw(
        st.lists(st.integers(0, parts - 1), min_size=len(records), max_size=len(records))
    )
    split: list[list[Settlement]] = [[] for _ in range(parts)]
    for record, part in zip(records, where, strict=True):
        split[part].append(record)  # one customer's invoices land in several parts
    partials = [behaviour_partial(chunk, as_of=AS_OF, **options) for chunk in split]
    merged = functools.reduce(operator.add, partials)
    assert merged.records == len(records)
    assert merged.customers == tuple(sorted({r.customer_id for r in records}))
    expected = outcome(lambda: payment_behaviour(records, as_of=AS_OF, **options))
    found = outcome(merged.finish)
    assert found == expected
    if isinstance(expected, dict):  # the same text too, exponents and all
        assert behaviour_records(found) == behaviour_records(expected)
        assert [str(v) for r in behaviour_records(found) for v in r.values()] == [
            str(v) for r in behaviour_records(expected) for v in r.values()
        ]
        # the trends of a partial are those of the figures it finishes into
        assert {c: t for c, t in merged.trends().items() if c in trended(found)} == trended(found)
        if not converting:
            # with currency= and rates=, whether a customer's amounts are converted depends
            # on the currencies counted, and so on window_months (payment_trends counts
            # one month): a customer with EUR only outside the trend windows gets its USD
            # trend weighted unconverted there (noted on issue 20)
            assert merged.trends() == payment_trends(records, as_of=AS_OF, **options)


def trended(found: dict[str, Any]) -> dict[str, Any]:
    """The trends of the customers with figures."""
    return {c: v.trend for c, v in found.items() if isinstance(v, PaymentBehaviour)}


def test_a_rate_missing_for_a_customer_in_one_currency_is_not_needed() -> None:
    """GBP has no rate: a customer paying only in GBP does not need one, a customer
    paying in GBP in one part and in EUR in another does, after the merge."""
    due = datetime.date(2026, 3, 1)

    def paid(number: int, customer: str, code: str) -> Settlement:
        return Settlement(
            f"I{number}",
            customer,
            due,
            due,
            Money.of(1000, code),
            settled_on=datetime.date(2026, 3, 10),
            credited=Money.zero(code),
        )

    first = behaviour_partial(
        [paid(1, "J", "GBP"), paid(2, "M", "GBP")], as_of=AS_OF, currency="EUR", rates=RATES
    )
    second = behaviour_partial([paid(3, "M", "EUR")], as_of=AS_OF, currency="EUR", rates=RATES)
    assert first.finish(min_invoices=1)["J"].currency == "GBP"  # type: ignore[union-attr]
    with pytest.raises(RateNotFoundError):
        (first + second).finish(min_invoices=1)


def test_an_error_of_a_split_in_order_is_the_error_of_the_whole() -> None:
    due = datetime.date(2026, 3, 1)
    records = [
        Settlement(
            f"I{n}", "M", due, due, Money.of(1000, code), settled_on=due, credited=Money.zero(code)
        )
        for n, code in enumerate(["EUR", "GBP", "USD", "GBP"])
    ]
    with pytest.raises(RateNotFoundError) as whole:
        payment_behaviour(records, as_of=AS_OF, currency="EUR", rates=RATES)
    parts = [
        behaviour_partial(records[i : i + 1], as_of=AS_OF, currency="EUR", rates=RATES)
        for i in range(4)
    ]
    with pytest.raises(RateNotFoundError) as merged:
        functools.reduce(operator.add, parts).finish()
    assert str(merged.value) == str(whole.value)


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        (
            "as_of",
            datetime.date(2026, 5, 31),
            "as_of: cannot add partials counted with different as_of (2026-06-30 and 2026-05-31)",
        ),
        (
            "window_months",
            12,
            "window_months: cannot add partials counted with different window_months (24 and 12)",
        ),
        ("recent_months", 6, "recent_months: .* different recent_months (3 and 6)"),
        ("baseline_months", 6, "baseline_months: .* different baseline_months (12 and 6)"),
        ("currency", "USD", "currency: .* different currency (None and 'USD')"),
        ("rates", RATES, "rates: cannot add a partial counted with rates= to one counted without"),
    ],
)
def test_partials_of_different_options_do_not_add(option: str, value: object, message: str) -> None:
    mine = behaviour_partial([], as_of=AS_OF)
    theirs = behaviour_partial([], **{"as_of": AS_OF, option: value})  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        mine + theirs


def test_a_partial_pickles_and_adds_only_partials() -> None:
    import pickle

    due = datetime.date(2026, 3, 1)
    record = Settlement(
        "I1", "C1", due, due, Money.of("12.50", "EUR"), settled_on=due, credited=Money.zero("EUR")
    )
    partial = behaviour_partial([record], as_of=AS_OF)
    again = pickle.loads(pickle.dumps(partial))
    assert isinstance(again, BehaviourPartial)
    assert again.finish(min_invoices=1) == partial.finish(min_invoices=1)
    assert (again + partial).finish(min_invoices=1)["C1"].invoices == 2  # type: ignore[union-attr]
    with pytest.raises(TypeError):
        partial + 1  # type: ignore[operator]
