"""Dunning ladders, levels, fees and ladder sets: construction, loading, errors."""

from __future__ import annotations

import contextlib
import copy
import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credkit.config import dump, load
from credkit.dunning import (
    Channel,
    ChargeTreatment,
    DaysReference,
    DunningLadder,
    DunningLevel,
    Fee,
    FeeKind,
    LadderRule,
    LadderSet,
    ReferenceRates,
)
from credkit.errors import ConfigError, ValidationError
from credkit.money import Money

LADDER_TOML = """
id = "standard"
version = "2026-01"
tolerance = ["5.00 EUR", "5.00 GBP"]
allow_skip = false
charges = "book"

[[levels]]
days_overdue = 7
channel = "email"
template = "friendly"
interval_days = 7

[[levels]]
days_overdue = 21
channel = "letter"
template = "firm"
interval_days = 10
fee = {kind = "fixed", amounts = ["5.00 EUR", "4.00 GBP"]}

[[levels]]
days_overdue = 14
reference = "previous_reminder"
channel = "letter"
template = "final"
min_customer_amount = ["100.00 EUR", "80.00 GBP"]
fee = {kind = "percentage", percent = 2}

[[levels]]
days_overdue = 75
reference = "end_of_due_month"
channel = "collection_agency"
template = "hand-over"
min_item_amount = ["50.00 EUR", "40.00 GBP"]
"""


def _document() -> dict[str, Any]:
    return {
        "id": "standard",
        "version": "1",
        "levels": [
            {"days_overdue": 7, "template": "a", "channel": "email"},
            {"days_overdue": 21, "template": "b", "fee": {"kind": "percentage", "percent": "2"}},
            {"days_overdue": 45, "template": "c", "channel": "phone"},
        ],
    }


def test_a_ladder_loads_from_toml_with_every_option() -> None:
    ladder = load(DunningLadder, LADDER_TOML, format="toml")
    assert ladder.id == "standard"
    assert ladder.version == "2026-01"
    assert ladder.charges is ChargeTreatment.BOOK
    assert ladder.final_level == 4
    assert ladder.tolerance == (Money.of("5.00", "EUR"), Money.of("5.00", "GBP"))
    second = ladder.level(2)
    assert second.fee == Fee.fixed(Money.of("5.00", "EUR"), Money.of("4.00", "GBP"))
    assert ladder.level(3).reference is DaysReference.PREVIOUS_REMINDER
    assert ladder.level(3).fee.percent == Decimal(2)
    assert ladder.level(4).channel is Channel.COLLECTION_AGENCY
    assert ladder.level(4).reference is DaysReference.END_OF_DUE_MONTH
    assert load(DunningLadder, dump(ladder)) == ladder
    assert load(DunningLadder, json.dumps(dump(ladder)), format="json") == ladder


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        (
            lambda d: d["levels"][2].update(days_overdue=-5),
            "levels[2].days_overdue",
            "must be >= 0",
        ),
        (
            lambda d: d["levels"][2].update(days_overdue=10),
            "levels[2].days_overdue",
            "must be greater than levels[1].days_overdue (21)",
        ),
        (
            lambda d: d["levels"][1].update(days_overdue="21"),
            "levels[1].days_overdue",
            "expected an integer",
        ),
        (
            lambda d: d["levels"][0].update(channel="fax"),
            "levels[0].channel",
            "expected one of 'email'",
        ),
        (
            lambda d: d["levels"][0].update(reference="previous_reminder"),
            "levels[0].reference",
            "the first level has no previous reminder",
        ),
        (
            lambda d: d["levels"][1]["fee"].update(percent="0"),
            "levels[1].fee.percent",
            "must be > 0 and <= 100",
        ),
        (
            lambda d: d["levels"][1].update(fee={"kind": "fixed"}),
            "levels[1].fee.amounts",
            "a fixed fee needs at least one amount",
        ),
        (
            lambda d: d["levels"][1].update(fee={"kind": "none", "percent": 1}),
            "levels[1].fee.kind",
            "'none' takes neither",
        ),
        (lambda d: d["levels"][0].update(interval="7"), "levels[0].interval", "unknown key"),
        (
            lambda d: d["levels"][0].update(min_item_amount=["5 EUR", "7 EUR"]),
            "levels[0].min_item_amount[1]",
            "a second amount in EUR",
        ),
        (lambda d: d.update(tolerance=["-1 EUR"]), "tolerance[0]", "must not be negative"),
        (lambda d: d.update(levels=[]), "levels", "at least one level"),
        (lambda d: d.update(allow_skip="yes"), "allow_skip", "expected true or false"),
        (lambda d: d.pop("version"), "version", "required key is missing"),
    ],
)
def test_loading_errors_name_the_field(change: Any, path: str, message: str) -> None:
    document = _document()
    change(document)
    with pytest.raises(ConfigError) as error:
        load(DunningLadder, document)
    assert error.value.path == path
    assert message in str(error.value)


def test_levels_with_different_references_need_not_increase() -> None:
    ladder = DunningLadder(
        "x",
        version="1",
        levels=(
            DunningLevel(30, template="a"),
            DunningLevel(10, template="b", reference=DaysReference.PREVIOUS_REMINDER),
            DunningLevel(5, template="c", reference=DaysReference.PREVIOUS_REMINDER),
        ),
    )
    assert ladder.final_level == 3


def test_level_numbers_are_one_based() -> None:
    ladder = load(DunningLadder, _document())
    assert [n for n, _ in ladder.numbered()] == [1, 2, 3]
    assert ladder.level(1).template == "a"
    for bad in (0, 4, True, "1"):
        with pytest.raises(ValidationError, match=r"^level: "):
            ladder.level(bad)  # type: ignore[arg-type]


# -- fees ------------------------------------------------------------------------------------


def test_a_fixed_fee_then_a_percentage_fee_on_the_original_amount() -> None:
    # Level 1 charges a fixed EUR 5; level 2 charges 2 % of the dunned amount: of the
    # EUR 1,000 open on the item, not of 1,000 plus the earlier fee (Tryton's way).
    first, second = Fee.fixed(Money.of("5.00", "EUR")), Fee.percentage(2)
    dunned = Money.of("1000.00", "EUR")
    assert first.charge(dunned) == Money.of("5.00", "EUR")
    assert second.charge(dunned) == Money.of("20.00", "EUR")
    assert second.charge(dunned + first.charge(dunned)) == Money.of("20.10", "EUR")  # not this


def test_fees_round_to_minor_units_and_refuse_unknown_currencies() -> None:
    assert Fee.percentage("1.5").charge(Money.of("33.33", "EUR")) == Money.of("0.50", "EUR")
    assert Fee.percentage("1.5").charge(Money.of("1001", "JPY")) == Money.of("15", "JPY")
    assert Fee.none().charge(Money.of("10", "JPY")) == Money.of("0", "JPY")
    with pytest.raises(ValidationError, match=r"no fixed fee in USD \(given in EUR\)"):
        Fee.fixed(Money.of(5, "EUR")).charge(Money.of(100, "USD"))


def test_fee_validation() -> None:
    with pytest.raises(ValidationError, match=r"^amounts: a fixed fee needs"):
        Fee(FeeKind.FIXED)
    with pytest.raises(ValidationError, match=r"^amounts\[0\]: must be above zero"):
        Fee.fixed(Money.of(0, "EUR"))
    with pytest.raises(ValidationError, match=r"^percent: float 1.5 is not exact"):
        Fee.percentage(1.5)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=r"^percent: a percentage fee needs a percent"):
        Fee(FeeKind.PERCENTAGE)
    with pytest.raises(ValidationError, match=r"^percent: a fixed fee has no percent"):
        Fee(FeeKind.FIXED, amounts=(Money.of(1, "EUR"),), percent=Decimal(1))


# -- ladder sets ------------------------------------------------------------------------------


def _set_document() -> dict[str, Any]:
    base = _document()
    strict = copy.deepcopy(base)
    strict["id"] = "strict"
    strict["levels"][0]["days_overdue"] = 1
    return {
        "id": "by-risk",
        "version": "3",
        "default": "standard",
        "ladders": [base, strict],
        "rules": [
            {"ladder": "strict", "risk_class": "C"},
            {"ladder": "strict", "segment": "retail", "risk_class": "B"},
        ],
    }


def test_a_ladder_set_chooses_by_risk_class_and_segment_first_match_wins() -> None:
    ladders = load(LadderSet, _set_document())
    assert ladders.ladder_for(segment="wholesale", risk_class="C").id == "strict"
    assert ladders.ladder_for(segment="retail", risk_class="B").id == "strict"
    assert ladders.ladder_for(segment="wholesale", risk_class="B").id == "standard"
    assert ladders.ladder_for(segment=None, risk_class=None).id == "standard"
    assert load(LadderSet, dump(ladders)) == ladders


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda d: d.update(default="missing"), "default"),
        (lambda d: d["rules"][1].update(ladder="missing"), "rules[1].ladder"),
        (lambda d: d["rules"][0].pop("risk_class"), "rules[0].segment"),
        (lambda d: d["ladders"][1].update(id="standard"), "ladders[1].id"),
        (
            lambda d: d["ladders"][1]["levels"][2].update(days_overdue=-1),
            "ladders[1].levels[2].days_overdue",
        ),
    ],
)
def test_ladder_set_errors_name_the_field(change: Any, path: str) -> None:
    document = _set_document()
    change(document)
    with pytest.raises(ConfigError) as error:
        load(LadderSet, document)
    assert error.value.path == path


def test_ladder_rule_needs_a_criterion() -> None:
    with pytest.raises(ValidationError, match=r"^segment: a rule needs"):
        LadderRule("x")
    assert LadderRule("x", segment="public").matches(segment="public", risk_class="A")


# -- robustness: loaders fed arbitrary documents ---------------------------------------------

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**6), max_value=10**6)
    | st.text(max_size=12)
    | st.sampled_from(["email", "fixed", "percentage", "due_date", "5 EUR", "2026-01-31", "1.5"])
    | st.decimals(allow_nan=True, allow_infinity=True)
    | st.floats()
    | st.dates()
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=20,
)
keys = st.sampled_from(
    [
        "id",
        "version",
        "levels",
        "days_overdue",
        "template",
        "channel",
        "reference",
        "fee",
        "kind",
        "amounts",
        "percent",
        "tolerance",
        "allow_skip",
        "charges",
        "interval_days",
        "min_item_amount",
        "min_customer_amount",
        "ladders",
        "default",
        "rules",
        "ladder",
        "segment",
        "risk_class",
        "name",
        "rates",
        "valid_from",
        "known_until",
    ]
)
documents = st.recursive(
    st.dictionaries(keys, values, max_size=6),
    lambda inner: st.dictionaries(keys, inner | st.lists(inner, max_size=3) | values, max_size=6),
    max_leaves=25,
)


def _mutations(document: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """A valid document with one value somewhere replaced by junk."""

    def replace(path_and_value: tuple[list[int], Any]) -> dict[str, Any]:
        picks, junk = path_and_value
        copy_ = copy.deepcopy(document)
        node: Any = copy_
        for pick in picks:
            children = list(node.items()) if isinstance(node, dict) else list(enumerate(node))
            if not children:
                break
            key, child = children[pick % len(children)]
            if not isinstance(child, dict | list) or not child:
                node[key] = junk
                return copy_
            node = child
        return copy_

    return st.tuples(st.lists(st.integers(0, 20), min_size=1, max_size=6), values).map(replace)


@given(documents)
def test_loaders_given_arbitrary_documents_raise_only_config_errors(
    document: dict[str, Any],
) -> None:
    for cls in (DunningLadder, LadderSet, ReferenceRates):
        with contextlib.suppress(ConfigError):
            load(cls, document)


@given(st.data())
def test_loaders_given_damaged_valid_documents_raise_only_config_errors(
    data: st.DataObject,
) -> None:
    for cls, valid in (
        (DunningLadder, _document()),
        (LadderSet, _set_document()),
        (ReferenceRates, {"name": "x", "rates": [{"valid_from": "2024-01-01", "percent": "4.5"}]}),
    ):
        document = data.draw(_mutations(valid))
        with contextlib.suppress(ConfigError):
            load(cls, document)


def test_levels_and_ladders_are_plain_values() -> None:
    a = load(DunningLadder, _document())
    b = load(DunningLadder, _document())
    assert a == b
    assert hash(a) == hash(b)


def test_a_fee_of_an_unknown_kind_is_a_validation_error_not_a_type_error() -> None:
    # Issue 14 (peer parity, docs fix): Fee("unknown") raised attrs' TypeError.
    with pytest.raises(
        ValidationError, match=r"^kind: expected one of 'none', 'fixed', 'percentage'"
    ):
        Fee("unknown")  # type: ignore[arg-type]
    assert Fee("percentage", percent=2).kind is FeeKind.PERCENTAGE  # type: ignore[arg-type]
