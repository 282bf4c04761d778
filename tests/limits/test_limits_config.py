"""Limit policies and approval matrices as configuration documents.

The shipped example loads and equals example_policy(); documents round-trip through
dump and load; error paths name the field; and loaders fed arbitrary documents raise
only ConfigError (documents drawn from scratch with the real field names, and valid
documents with one leaf corrupted).
"""

from __future__ import annotations

import contextlib
import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from credkit.config import dump, load
from credkit.errors import ConfigError
from credkit.limits import (
    CALCULATOR_KINDS,
    ApprovalMatrix,
    AuthorityBand,
    Bound,
    BureauMethod,
    ClassMultiplier,
    Combination,
    CombinationRule,
    CreditLimit,
    CurrencyStep,
    InsuranceCover,
    InsuredCoverMethod,
    LimitPolicy,
    MatrixCell,
    MethodWeight,
    RiskClassMatrixMethod,
    SalesMethod,
    TangibleNetWorthMethod,
    WorkingCapitalMethod,
    example_policy,
)
from credkit.money import Money
from credkit.testing.strategies import config_documents
from credkit.testing.strategies import corrupted as shared_corrupted

EXAMPLE = Path(__file__).parents[2] / "src" / "credkit" / "data" / "limit-policy.toml"


def test_the_shipped_example_loads_and_equals_example_policy() -> None:
    loaded = load(LimitPolicy, EXAMPLE)
    assert loaded == example_policy()
    assert [c.name for c in loaded.calculators] == [
        "tangible_net_worth",
        "working_capital",
        "sales",
        "bureau",
        "risk_class_matrix",
    ]
    assert loaded.step_for("EUR") == Decimal(100)
    assert loaded.step_for("JPY") == Decimal(10_000)
    assert loaded.blocked_classes == ("E",)


WEIGHTED = LimitPolicy(
    "weighted",
    version="7",
    description="every calculator kind",
    calculators=(
        TangibleNetWorthMethod(percent=Decimal("12.5"), max_age_months=18),
        WorkingCapitalMethod(percent=Decimal(20), name="wc"),
        SalesMethod(min_months=6),
        BureauMethod(
            factor=Decimal("0.5"),
            class_factors=(ClassMultiplier("A", multiplier=1), ClassMultiplier("D", multiplier=0)),
        ),
        RiskClassMatrixMethod(
            cells=(
                MatrixCell("A", Money.of(100_000, "EUR"), segment="wholesale"),
                MatrixCell("A", Money.of(80_000, "EUR")),
            )
        ),
        InsuredCoverMethod(own_risk_percent=Decimal(10), own_risk_max=Money.of(5_000, "EUR")),
    ),
    combination=Combination(
        CombinationRule.WEIGHTED,
        weights=tuple(
            MethodWeight(name, weight=Decimal(w))
            for name, w in (
                ("tangible_net_worth", 2),
                ("wc", 1),
                ("sales", 3),
                ("bureau", 1),
                ("risk_class_matrix", 1),
                ("insured_cover", 1),
            )
        ),
        require_all=False,
    ),
    floors=(Bound(Money.of(1_000, "EUR")),),
    caps=(Bound(Money.of(500_000, "EUR")), Bound(Money.of(50_000, "EUR"), segment="retail")),
    rounding_step=Decimal(500),
    rounding_steps=(CurrencyStep("JPY", step=Decimal(50_000)),),
    blocked_classes=("E", "F"),
)
MATRIX = ApprovalMatrix(
    "authority",
    version="3",
    currency="EUR",
    requester_roles=("analyst",),
    bands=(
        AuthorityBand(
            max_amount=Decimal(100_000), max_increase=Decimal(20_000), roles=("analyst",)
        ),
        AuthorityBand(
            min_amount=Decimal(100_000), roles=("cfo",), approvals=2, risk_classes=("A",)
        ),
    ),
)


@pytest.mark.parametrize(
    "value", [example_policy(), WEIGHTED, MATRIX], ids=["example", "weighted", "matrix"]
)
def test_documents_round_trip(value: Any) -> None:
    assert load(type(value), dump(value)) == value


def test_every_calculator_kind_is_in_the_round_trip() -> None:
    kinds = {dump(c)["kind"] for c in WEIGHTED.calculators}
    assert kinds == set(CALCULATOR_KINDS)


def test_custom_calculators_cannot_be_dumped() -> None:
    class Mine:
        name = "mine"

        def recommend(self, inputs: object, *, rates: object = None) -> object:
            raise NotImplementedError

    policy = LimitPolicy("p", version="1", calculators=(Mine(),))  # type: ignore[arg-type]
    with pytest.raises(Exception, match="Mine is not one of the shipped calculator kinds"):
        dump(policy)


@pytest.mark.parametrize(
    ("document", "path", "detail"),
    [
        (
            {"calculators": [{"kind": "sales"}, {"kind": "tangible_net_worth", "percent": "150"}]},
            "calculators[1].percent",
            "must be above 0 and <= 100 (a percentage), got 150",
        ),
        (
            {"calculators": [{"kind": "net_worth", "percent": "10"}]},
            "calculators[0].kind",
            "unknown calculator kind 'net_worth'; expected one of 'tangible_net_worth', "
            "'working_capital', 'sales', 'bureau', 'risk_class_matrix', 'insured_cover'",
        ),
        (
            {"calculators": [{"percent": "10"}]},
            "calculators[0].kind",
            "required key is missing; expected one of 'tangible_net_worth', 'working_capital', "
            "'sales', 'bureau', 'risk_class_matrix', 'insured_cover'",
        ),
        (
            {"calculators": [{"kind": "sales", "percent": "10"}]},
            "calculators[0].percent",
            "unknown key; accepted keys are min_months, name",
        ),
        (
            {"calculators": [{"kind": "bureau", "factor": 0.5}]},
            "calculators[0].factor",
            "float 0.5 is not exact; pass a Decimal, an int or a string such as '0.5'",
        ),
        (
            {
                "calculators": [{"kind": "sales"}],
                "caps": [
                    {"amount": "100 EUR", "segment": "retail"},
                    {"amount": "90 EUR", "segment": "retail"},
                ],
            },
            "caps[1]",
            "segment retail already has a cap in EUR; list one per currency",
        ),
        (
            {"calculators": [{"kind": "sales"}], "combination": {"rule": "weighted"}},
            "combination.weights",
            "the weighted rule needs a weight for every method",
        ),
        (
            {
                "calculators": [{"kind": "sales"}, {"kind": "bureau"}],
                "combination": {
                    "rule": "weighted",
                    "weights": [{"method": "sales", "weight": "1"}],
                },
            },
            "combination.weights",
            "no weight for calculator 'bureau'; the weighted rule needs one per calculator",
        ),
        (
            {
                "calculators": [{"kind": "sales"}],
                "floors": [{"amount": "900 EUR"}],
                "caps": [{"amount": "500 EUR"}],
            },
            "floors[0]",
            "900 EUR for every segment is above the cap 500 EUR for every segment; a floor must not exceed a cap",
        ),
        (
            {"calculators": []},
            "calculators",
            "a policy needs at least one calculator",
        ),
        (
            {"calculators": [{"kind": "sales"}], "rounding_step": "0"},
            "rounding_step",
            "must be above 0, got 0",
        ),
        (
            {"calculators": [{"kind": "sales"}], "blocked_classes": "E"},
            "blocked_classes",
            "expected a list, got str 'E'",
        ),
    ],
)
def test_policy_errors_name_the_field(document: dict[str, Any], path: str, detail: str) -> None:
    with pytest.raises(ConfigError) as error:
        load(LimitPolicy, {"id": "p", "version": "1", **document})
    assert error.value.path == path
    assert error.value.detail == detail


def test_matrix_errors_name_the_field() -> None:
    with pytest.raises(ConfigError) as error:
        load(
            ApprovalMatrix,
            {
                "id": "m",
                "version": "1",
                "currency": "EUR",
                "bands": [{"roles": ["a"], "approvals": 0}],
            },
        )
    assert error.value.path == "bands[0].approvals"


# -- robustness ---------------------------------------------------------------------------------

CLASSES: tuple[type[Any], ...] = (
    LimitPolicy,
    ApprovalMatrix,
    AuthorityBand,
    Combination,
    MethodWeight,
    Bound,
    CurrencyStep,
    TangibleNetWorthMethod,
    WorkingCapitalMethod,
    SalesMethod,
    BureauMethod,
    RiskClassMatrixMethod,
    ClassMultiplier,
    MatrixCell,
    InsuredCoverMethod,
    InsuranceCover,
    CreditLimit,
)
VALID: dict[type[Any], Any] = {
    LimitPolicy: WEIGHTED,
    ApprovalMatrix: MATRIX,
    AuthorityBand: MATRIX.bands[0],
    Combination: WEIGHTED.combination,
    MethodWeight: WEIGHTED.combination.weights[0],
    Bound: WEIGHTED.caps[1],
    CurrencyStep: WEIGHTED.rounding_steps[0],
    TangibleNetWorthMethod: WEIGHTED.calculators[0],
    WorkingCapitalMethod: WEIGHTED.calculators[1],
    SalesMethod: WEIGHTED.calculators[2],
    BureauMethod: WEIGHTED.calculators[3],
    RiskClassMatrixMethod: example_policy().calculators[4],
    ClassMultiplier: ClassMultiplier("A", multiplier=Decimal("1.5")),
    MatrixCell: MatrixCell("A", Money.of(1, "EUR"), segment="retail"),
    InsuredCoverMethod: WEIGHTED.calculators[5],
    InsuranceCover: InsuranceCover(Money.of(1, "EUR"), cover_percent=Decimal(90), insurer="X"),
    CreditLimit: CreditLimit(
        "C1",
        Money.of(1, "EUR"),
        currency="EUR",
        valid_from=datetime.date(2026, 1, 1),
        approved_by=("bo",),
    ),
}
KEYS = sorted(
    {f.name for cls in CLASSES for f in attrs.fields(cls) if f.init} | {"kind", "unknown"}
)
documents = config_documents(
    keys=KEYS,
    words=[
        *CALCULATOR_KINDS,
        "min",
        "max",
        "weighted",
        "internal",
        "insured",
    ],
)


def corrupted(document: Any) -> st.SearchStrategy[Any]:
    """``document`` with one place damaged by this module's junk."""
    return shared_corrupted(document, junk=documents)


def _load_only_config_errors(cls: type[Any], document: Any) -> None:
    try:
        value = load(cls, document)
    except ConfigError:
        return
    assert isinstance(value, cls)


def test_the_valid_documents_load() -> None:
    for cls, value in VALID.items():
        assert load(cls, dump(value)) == value


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.__name__)
@given(document=st.dictionaries(st.sampled_from(KEYS), documents, max_size=8))
def test_arbitrary_documents_raise_only_config_error(cls: type[Any], document: Any) -> None:
    _load_only_config_errors(cls, document)


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.__name__)
@given(data=st.data())
def test_corrupted_valid_documents_raise_only_config_error(
    cls: type[Any], data: st.DataObject
) -> None:
    document = data.draw(corrupted(dump(VALID[cls])))
    if not isinstance(document, dict):
        with pytest.raises(ConfigError):
            load(cls, document)
        return
    _load_only_config_errors(cls, document)


@pytest.mark.parametrize("format_", ["toml", "json"])
@given(text=st.text(max_size=200))
def test_arbitrary_text_raises_only_config_error(format_: str, text: str) -> None:
    for cls in (LimitPolicy, ApprovalMatrix):
        with contextlib.suppress(ConfigError):
            load(cls, text, format=format_)  # type: ignore[arg-type]
