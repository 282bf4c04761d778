"""The rules every store keeps: minor units, idempotence, parents first, limits in force, chains."""

from __future__ import annotations

import datetime

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from credkit import Money
from credkit.errors import DuplicateRecordError, StorageError, ValidationError
from credkit.ledger import Customer
from credkit.limits import CreditLimit, LimitKind
from credkit.money import minor_units
from credkit.storage import AuditEntry, MemoryStore, chain_hash, limit_in_force, verify_chain
from credkit.storage.rules import from_minor_units, lock_order, parents_first, to_minor_units
from credkit.testing.strategies import currencies, money

DAY = datetime.date(2026, 1, 1)
AT = datetime.datetime(2026, 1, 1, 9, tzinfo=datetime.UTC)


@given(st.data())
def test_minor_units_round_trip_exactly_in_every_currency(data: st.DataObject) -> None:
    code = data.draw(currencies())
    amount = data.draw(money(code))
    units = to_minor_units(amount, "amount")
    assert isinstance(units, int)
    assert from_minor_units(units, code) == amount
    assert from_minor_units(units, code).amount.as_tuple().exponent == -minor_units(code)


@pytest.mark.parametrize(("amount", "code"), [("0.5", "JPY"), ("1.0001", "BHD"), ("0.001", "EUR")])
def test_amounts_finer_than_the_currency_are_refused(amount: str, code: str) -> None:
    with pytest.raises(ValidationError, match=f"finer than {code}'s"):
        to_minor_units(Money.of(amount, code), "amount")


def _customer(cid: str, parent: str | None = None) -> Customer:
    return Customer(cid, cid, country="DE", currency="EUR", parent_id=parent)


def test_parents_come_first_whatever_order_they_are_given_in() -> None:
    given_order = [_customer("D", "C"), _customer("C", "B"), _customer("B", "A"), _customer("A")]
    assert [c.id for c in parents_first(given_order, stored=lambda _: False)] == list("ABCD")
    # a stored parent is enough
    assert [c.id for c in parents_first([_customer("X", "A")], stored={"A"}.__contains__)] == ["X"]


def test_cycles_unknown_parents_and_conflicting_twins_are_refused() -> None:
    with pytest.raises(ValidationError, match="forms a cycle"):
        parents_first([_customer("A", "B"), _customer("B", "A")], stored=lambda _: False)
    with pytest.raises(ValidationError, match="unknown customer 'Z'"):
        parents_first([_customer("A", "Z")], stored=lambda _: False)
    with pytest.raises(DuplicateRecordError, match="appears twice"):
        parents_first([_customer("A"), attrs.evolve(_customer("A"), name="other")], lambda _: False)


@given(
    st.lists(st.sampled_from(["C1", "C2", "C3", "G"]), min_size=1, max_size=4),
    st.dictionaries(st.sampled_from(["C1", "C2", "C3"]), st.sampled_from(["G", "C1"])),
)
def test_every_unit_locks_in_one_global_order(ids: list[str], roots: dict[str, str]) -> None:
    locks = lock_order(ids, roots.get)
    assert locks == sorted(set(locks))
    assert set(ids) <= set(locks)
    assert {roots[i] for i in ids if i in roots} <= set(locks)


def _limit(
    amount: int, start: int, end: int | None = None, kind: LimitKind = LimitKind.INTERNAL
) -> CreditLimit:
    return CreditLimit(
        "C1",
        Money.of(amount, "EUR"),
        currency="EUR",
        valid_from=DAY + datetime.timedelta(start),
        valid_to=None if end is None else DAY + datetime.timedelta(end),
        kind=kind,
    )


@given(
    st.lists(
        st.tuples(st.integers(1, 9), st.integers(0, 50), st.one_of(st.none(), st.integers(0, 40))),
        max_size=6,
    ),
    st.integers(-5, 100),
)
def test_the_limit_in_force_is_in_force_and_started_last(
    specs: list[tuple[int, int, int | None]], day: int
) -> None:
    limits = [_limit(a, s, None if e is None else s + e) for a, s, e in specs]
    as_of = DAY + datetime.timedelta(day)
    found = limit_in_force(limits, as_of=as_of)
    in_force = [limit for limit in limits if limit.in_force(as_of)]
    if found is None:
        assert in_force == []
    else:
        assert found.in_force(as_of)
        assert found.valid_from == max(limit.valid_from for limit in in_force)


def test_an_insured_limit_is_not_the_internal_one() -> None:
    insured = _limit(5, 0, kind=LimitKind.INSURED)
    assert limit_in_force([insured], as_of=DAY) is None
    assert limit_in_force([insured], as_of=DAY, kind=LimitKind.INSURED) == insured


def _chain() -> list[AuditEntry]:
    store = MemoryStore()
    with store.unit() as unit:
        unit.add_customers([_customer("C1")])
    with store.unit("C1") as unit:
        for n in range(4):
            unit.append("C1", "decision", {"n": n}, at=AT + datetime.timedelta(minutes=n))
        return list(unit.audit_log("C1"))


def test_a_chain_verifies_and_any_tampering_is_found() -> None:
    chain = _chain()
    assert verify_chain(chain) == 4
    changed = [*chain]
    changed[1] = attrs.evolve(changed[1], payload={"n": 99})
    with pytest.raises(StorageError, match="was changed"):
        verify_chain(changed)
    with pytest.raises(StorageError, match="removed or reordered"):
        verify_chain([chain[0], chain[2], chain[3]])
    with pytest.raises(StorageError, match="removed or reordered"):
        verify_chain([chain[0], chain[2], chain[1]])
    with pytest.raises(StorageError, match="out of order"):
        verify_chain([chain[0], chain[1], chain[1]])
    forged = [*chain[:3], attrs.evolve(chain[3], hash=chain_hash(chain[2].hash, {"forged": True}))]
    with pytest.raises(StorageError, match="was changed"):
        verify_chain(forged)


def test_audit_times_must_be_utc() -> None:
    store = MemoryStore()
    with store.unit() as unit:
        unit.add_customers([_customer("C1")])
    with (
        store.unit("C1") as unit,
        pytest.raises(ValidationError, match="at: expected a datetime in UTC"),
    ):
        unit.append("C1", "decision", {}, at=datetime.datetime(2026, 1, 1, 9))


def test_payloads_hold_json_values_only() -> None:
    store = MemoryStore()
    with store.unit() as unit:
        unit.add_customers([_customer("C1")])
    with store.unit("C1") as unit, pytest.raises(ValidationError, match=r"payload.amount: .*float"):
        unit.append("C1", "decision", {"amount": 1.5}, at=AT)
