"""Tests for credkit.config: loading documents into attrs classes, strictly, with error paths.

The JSON-like hypothesis strategy for the robustness tests lives here rather than in
``credkit.testing.strategies`` because that module already existed (written for
domain values) when these tests were written.
"""

from __future__ import annotations

import copy
import datetime
import enum
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import cattrs
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from credkit.config import converter, dump, load
from credkit.errors import ConfigError, ValidationError
from credkit.money import Money
from credkit.testing.strategies import config_documents, corrupted

# -- a small nested configuration, shaped like a credit policy ------------------------------


class Channel(enum.Enum):
    """How a reminder is sent."""

    EMAIL = "email"
    LETTER = "letter"
    PHONE = "phone"


class Level(enum.Enum):
    """An enumeration with integer values."""

    FIRST = 1
    SECOND = 2


def _non_negative(_instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if value < 0:
        raise ValidationError(f"{attribute.name}: must be >= 0, got {value}")


@attrs.frozen
class Rule:
    """One rule of the policy."""

    name: str
    max_days_overdue: int = attrs.field(default=30, validator=_non_negative)
    channel: Channel = Channel.EMAIL
    level: Level = Level.FIRST
    fee: Money | None = None


@attrs.frozen
class Review:
    """When the policy is reviewed."""

    interval_days: int
    first: datetime.date


@attrs.frozen
class Policy:
    """A policy with nested classes, tuples of classes, optional fields and money."""

    id: str
    version: int
    limit: Money
    rules: tuple[Rule, ...] = ()
    review: Review | None = None
    tolerance: Decimal = Decimal(0)
    valid_from: datetime.date | None = None
    enabled: bool = True
    tags: tuple[str, ...] = ()
    notes: list[str] = attrs.field(factory=list)


POLICY_KEYS = (
    "enabled, id, limit, notes, review, rules, tags, tolerance, valid_from, version"  # sorted
)

DOCUMENT: dict[str, Any] = {
    "id": "standard",
    "version": 3,
    "limit": "25000.00 EUR",
    "rules": [
        {"name": "overdue", "max_days_overdue": 45},
        {"name": "reminder", "channel": "letter", "level": 2, "fee": "5.00 EUR"},
        {"name": "call", "max_days_overdue": 60, "channel": "phone"},
    ],
    "review": {"interval_days": 90, "first": "2026-01-31"},
    "tolerance": "0.05",
    "valid_from": "2026-01-01",
    "enabled": False,
    "tags": ["wholesale", "de"],
}

EXPECTED = Policy(
    id="standard",
    version=3,
    limit=Money.of("25000.00", "EUR"),
    rules=(
        Rule("overdue", max_days_overdue=45),
        Rule("reminder", channel=Channel.LETTER, level=Level.SECOND, fee=Money.of("5.00", "EUR")),
        Rule("call", max_days_overdue=60, channel=Channel.PHONE),
    ),
    review=Review(90, datetime.date(2026, 1, 31)),
    tolerance=Decimal("0.05"),
    valid_from=datetime.date(2026, 1, 1),
    enabled=False,
    tags=("wholesale", "de"),
)

TOML_DOCUMENT = """\
id = "standard"
version = 3
limit = "25000.00 EUR"
tolerance = 0.05
valid_from = 2026-01-01
enabled = false
tags = ["wholesale", "de"]

[review]
interval_days = 90
first = 2026-01-31

[[rules]]
name = "overdue"
max_days_overdue = 45

[[rules]]
name = "reminder"
channel = "letter"
level = 2
fee = { amount = "5.00", currency = "EUR" }

[[rules]]
name = "call"
max_days_overdue = 60
channel = "phone"
"""


def _with(**changes: Any) -> dict[str, Any]:
    document = copy.deepcopy(DOCUMENT)
    document.update(changes)
    return document


def _with_rule(index: int, **changes: Any) -> dict[str, Any]:
    document = copy.deepcopy(DOCUMENT)
    document["rules"][index].update(changes)
    return document


def _error(source: Any, **kwargs: Any) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        load(Policy, source, **kwargs)
    return caught.value


# -- sources --------------------------------------------------------------------------------


def test_load_from_a_mapping() -> None:
    assert load(Policy, DOCUMENT) == EXPECTED


def test_load_from_json_text() -> None:
    assert load(Policy, json.dumps(DOCUMENT), format="json") == EXPECTED


def test_load_from_toml_text() -> None:
    assert load(Policy, TOML_DOCUMENT, format="toml") == EXPECTED


def test_load_from_a_json_file(tmp_path: Path) -> None:
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(DOCUMENT), encoding="utf-8")
    assert load(Policy, path) == EXPECTED


def test_load_from_a_toml_file(tmp_path: Path) -> None:
    path = tmp_path / "policy.toml"
    path.write_text(TOML_DOCUMENT, encoding="utf-8")
    assert load(Policy, path) == EXPECTED


def test_the_suffix_is_case_insensitive_and_format_overrides_it(tmp_path: Path) -> None:
    upper = tmp_path / "POLICY.TOML"
    upper.write_text(TOML_DOCUMENT, encoding="utf-8")
    assert load(Policy, upper) == EXPECTED
    other = tmp_path / "policy.conf"
    other.write_text(json.dumps(DOCUMENT), encoding="utf-8")
    assert load(Policy, other, format="json") == EXPECTED


def test_defaults_fill_missing_optional_keys() -> None:
    policy = load(Policy, {"id": "p", "version": 1, "limit": "0 EUR"})
    assert policy == Policy("p", 1, Money.zero("EUR"))
    assert policy.review is None
    assert policy.rules == ()


def test_null_is_accepted_for_optional_fields() -> None:
    policy = load(Policy, _with(review=None, valid_from=None))
    assert policy.review is None
    assert policy.valid_from is None


def test_a_class_given_as_an_instance_is_kept() -> None:
    # Documents built in Python may already hold the value objects.
    policy = load(Policy, _with(limit=Money.of(1, "EUR"), valid_from=datetime.date(2026, 1, 1)))
    assert policy.limit == Money.of(1, "EUR")
    assert policy.valid_from == datetime.date(2026, 1, 1)


# -- values -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12.50 EUR", Money.of("12.50", "EUR")),
        ("1250 JPY", Money.of(1250, "JPY")),
        ({"amount": "12.50", "currency": "EUR"}, Money.of("12.50", "EUR")),
        ({"amount": 12, "currency": "BHD"}, Money.of(12, "BHD")),
        ({"amount": Decimal("0.1"), "currency": "USD"}, Money.of("0.1", "USD")),
    ],
)
def test_money_fields(value: object, expected: Money) -> None:
    assert load(Policy, _with(limit=value)).limit == expected


def test_json_and_toml_fractions_are_read_as_exact_decimals() -> None:
    text = '{"id": "p", "version": 1, "limit": "0 EUR", "tolerance": 0.1}'
    as_json = load(Policy, text, format="json")
    assert as_json.tolerance == Decimal("0.1")
    assert str(as_json.tolerance) == "0.1"
    as_toml = load(Policy, 'id = "p"\nversion = 1\nlimit = "0 EUR"\ntolerance = 0.1', format="toml")
    assert str(as_toml.tolerance) == "0.1"
    text = '{"id": "p", "version": 1, "limit": {"amount": 0.1, "currency": "EUR"}}'
    money = load(Policy, text, format="json")
    assert money.limit.amount == Decimal("0.1")


@pytest.mark.parametrize(("value", "expected"), [(5, Decimal(5)), ("0.25", Decimal("0.25"))])
def test_decimals_accept_ints_and_numeric_strings(value: object, expected: Decimal) -> None:
    assert load(Policy, _with(tolerance=value)).tolerance == expected


def test_dates_from_toml_dates_and_iso_strings() -> None:
    text = 'id = "p"\nversion = 1\nlimit = "0 EUR"\nvalid_from = 2024-02-29'
    assert load(Policy, text, format="toml").valid_from == datetime.date(2024, 2, 29)
    assert load(Policy, _with(valid_from="2024-02-29")).valid_from == datetime.date(2024, 2, 29)


def test_enums_are_given_by_value() -> None:
    policy = load(Policy, _with_rule(0, channel="phone", level=2))
    assert policy.rules[0].channel is Channel.PHONE
    assert policy.rules[0].level is Level.SECOND


def test_lists_become_tuples() -> None:
    policy = load(Policy, DOCUMENT)
    assert isinstance(policy.rules, tuple)
    assert isinstance(policy.tags, tuple)
    assert policy.tags == ("wholesale", "de")


# -- strictness: each rule of the module docstring ----------------------------------------------


@pytest.mark.parametrize(
    ("value", "detail"),
    [
        (Decimal("5.7"), "expected an integer, got Decimal Decimal('5.7')"),
        (5.0, "expected an integer, got float 5.0"),
        ("5", "expected an integer, got str '5'"),
        (True, "expected an integer, got bool True"),
        (None, "expected an integer, got NoneType None"),
    ],
)
def test_integers_must_be_integers(value: object, detail: str) -> None:
    error = _error(_with(version=value))
    assert error.path == "version"
    assert error.detail == detail
    assert str(error) == f"version: {detail}"


def test_a_json_fraction_is_not_an_integer() -> None:
    error = _error('{"id": "p", "version": 5.7, "limit": "0 EUR"}', format="json")
    assert str(error) == "version: expected an integer, got Decimal Decimal('5.7')"


@pytest.mark.parametrize("value", [1, True, None, ["standard"]])
def test_strings_must_be_strings(value: object) -> None:
    error = _error(_with(id=value))
    assert error.path == "id"
    assert error.detail.startswith("expected a string, got ")
    assert repr(value) in error.detail


@pytest.mark.parametrize("value", ["true", "yes", 1, 0, None])
def test_booleans_must_be_booleans(value: object) -> None:
    error = _error(_with(enabled=value))
    assert error.path == "enabled"
    assert error.detail == f"expected true or false, got {type(value).__name__} {value!r}"


@pytest.mark.parametrize(
    ("value", "detail"),
    [
        (0.05, "float 0.05 is not exact; pass a Decimal, an int or a string such as '0.05'"),
        ("abc", "'abc' is not a number; expected digits such as '1250.00'"),
        ("NaN", "'NaN' is not a finite number"),
        (True, "expected a number, got bool True"),
    ],
)
def test_decimals_refuse_floats_and_non_numbers(value: object, detail: str) -> None:
    error = _error(_with(tolerance=value))
    assert error.path == "tolerance"
    assert error.detail == detail


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ('"tolerance": NaN', "Decimal('NaN') is not a finite number"),
        ('"tolerance": Infinity', "Decimal('Infinity') is not a finite number"),
    ],
)
def test_json_nan_and_infinity_are_refused(text: str, detail: str) -> None:
    error = _error('{"id": "p", "version": 1, "limit": "0 EUR", ' + text + "}", format="json")
    assert (error.path, error.detail) == ("tolerance", detail)


@pytest.mark.parametrize(
    ("value", "detail"),
    [
        ("31.01.2026", "expected a date as 'YYYY-MM-DD', got str '31.01.2026'"),
        ("2026-02-30", "expected a date as 'YYYY-MM-DD', got str '2026-02-30'"),
        (20260131, "expected a date as 'YYYY-MM-DD', got int 20260131"),
        (
            datetime.datetime(2026, 1, 31, 10, 0),
            "expected a date without a time, got datetime datetime.datetime(2026, 1, 31, 10, 0)",
        ),
    ],
)
def test_dates_must_be_dates(value: object, detail: str) -> None:
    error = _error(_with(valid_from=value))
    assert (error.path, error.detail) == ("valid_from", detail)


def test_a_toml_datetime_is_not_a_date() -> None:
    text = 'id = "p"\nversion = 1\nlimit = "0 EUR"\nvalid_from = 2026-01-31T10:00:00'
    error = _error(text, format="toml")
    assert error.path == "valid_from"
    assert error.detail.startswith("expected a date without a time")


@pytest.mark.parametrize(
    ("changes", "path", "detail"),
    [
        ({"channel": "fax"}, "rules[1].channel", "expected one of 'email', 'letter', 'phone'"),
        ({"channel": "LETTER"}, "rules[1].channel", "expected one of 'email', 'letter', 'phone'"),
        ({"level": "2"}, "rules[1].level", "expected one of 1, 2, got str '2'"),
        ({"level": 3}, "rules[1].level", "expected one of 1, 2, got int 3"),
        ({"level": True}, "rules[1].level", "expected one of 1, 2, got bool True"),
    ],
)
def test_bad_enum_values_list_the_accepted_ones(
    changes: dict[str, Any], path: str, detail: str
) -> None:
    error = _error(_with_rule(1, **changes))
    assert error.path == path
    assert error.detail.startswith(detail)
    assert repr(next(iter(changes.values()))) in error.detail


def test_unknown_keys_are_refused_with_the_accepted_keys_listed() -> None:
    error = _error(_with(max_days_overdu=45))
    assert error.path == "max_days_overdu"
    assert error.detail == f"unknown key; accepted keys are {POLICY_KEYS}"


def test_unknown_keys_in_nested_elements_have_their_path() -> None:
    error = _error(_with_rule(2, max_days=3))
    assert error.path == "rules[2].max_days"
    assert error.detail == (
        "unknown key; accepted keys are channel, fee, level, max_days_overdue, name"
    )
    review = _error(_with(review={"interval_days": 90, "first": "2026-01-31", "last": 1}))
    assert review.path == "review.last"
    assert review.detail == "unknown key; accepted keys are first, interval_days"


def test_an_amount_has_only_amount_and_currency() -> None:
    error = _error(_with(limit={"amount": "1", "currency": "EUR", "rate": "1.1"}))
    assert error.path == "limit"
    assert error.detail == "unknown key 'rate'; an amount has 'amount' and 'currency'"


@pytest.mark.parametrize("field", ["rules", "tags", "notes"])
def test_a_string_is_not_taken_for_a_list(field: str) -> None:
    error = _error(_with(**{field: "abc"}))
    assert error.path == field
    assert error.detail == "expected a list, got str 'abc'"


@pytest.mark.parametrize("value", [{"name": "x"}, 3])
def test_a_table_or_a_number_is_not_taken_for_a_list(value: object) -> None:
    error = _error(_with(rules=value))
    assert error.path == "rules"
    assert error.detail.startswith("expected a list, got ")


@pytest.mark.parametrize("value", ["overdue", 3, ["overdue"], None])
def test_a_nested_class_needs_a_table(value: object) -> None:
    error = _error(_with(rules=[{"name": "ok"}, value]))
    assert error.path == "rules[1]"
    assert (
        error.detail == f"expected a table of keys and values, got {type(value).__name__} {value!r}"
    )


def test_missing_keys_are_named() -> None:
    document = _with()
    del document["version"]
    error = _error(document)
    assert (error.path, error.detail) == ("version", "required key is missing")
    nested = _with(rules=[{"name": "a"}, {"max_days_overdue": 3}])
    error = _error(nested)
    assert (error.path, error.detail) == ("rules[1].name", "required key is missing")


@pytest.mark.parametrize(
    ("value", "path", "fragment"),
    [
        ("25000.00", "limit", "expected an amount as '1250.00 EUR' or {amount"),
        ("25000.00 EUR net", "limit", "expected an amount as '1250.00 EUR'"),
        ({"amount": "1"}, "limit", "expected an amount as"),
        (25000, "limit", "got int 25000"),
        ("25000.00 eur", "limit.currency", "'eur' is not an ISO 4217 code"),
        ({"amount": 2.5, "currency": "EUR"}, "limit.amount", "float 2.5 is not exact"),
        ({"amount": "x", "currency": "EUR"}, "limit.amount", "'x' is not a number"),
    ],
)
def test_bad_amounts(value: object, path: str, fragment: str) -> None:
    error = _error(_with(limit=value))
    assert error.path == path
    assert fragment in error.detail


# -- error paths and collected problems -------------------------------------------------------


def test_a_validator_failure_in_a_nested_element_has_its_path() -> None:
    error = _error(_with_rule(2, max_days_overdue=-5))
    assert str(error) == "rules[2].max_days_overdue: must be >= 0, got -5"
    assert error.path == "rules[2].max_days_overdue"
    assert error.detail == "must be >= 0, got -5"
    assert error.problems == (("rules[2].max_days_overdue", "must be >= 0, got -5"),)


def test_a_validator_failure_at_the_top_level() -> None:
    @attrs.frozen
    class Limit:
        days: int = attrs.field(validator=_non_negative)

    error = _error_for(Limit, {"days": -1})
    assert (error.path, error.detail) == ("days", "must be >= 0, got -1")


def test_a_plain_value_error_from_a_validator_is_reported_with_its_type() -> None:
    def _check(_instance: object, _attribute: object, value: str) -> None:
        if not value:
            raise ValueError("must not be empty")

    @attrs.frozen
    class Named:
        name: str = attrs.field(validator=_check)

    error = _error_for(Named, {"name": ""})
    assert error.detail == "ValueError: must not be empty"


def _error_for(cls: type[Any], document: dict[str, Any]) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        load(cls, document)
    return caught.value


def test_several_problems_are_collected() -> None:
    document = _with(version="x", tolerance="y", zzz=1)
    document["rules"][0]["name"] = 1
    error = _error(document)
    assert dict(error.problems) == {
        "version": "expected an integer, got str 'x'",
        "rules[0].name": "expected a string, got int 1",
        "tolerance": "'y' is not a number; expected digits such as '1250.00'",
        "zzz": f"unknown key; accepted keys are {POLICY_KEYS}",
    }
    first_path, first_detail = error.problems[0]
    assert error.path == first_path
    assert str(error).startswith(f"{first_path}: {first_detail} (also ")
    for path, _ in error.problems[1:]:
        assert f"{path}: " in str(error)


def test_many_problems_are_summarised_in_the_message() -> None:
    rules = [{"name": "r", "max_days_overdue": -n} for n in range(1, 7)]
    error = _error(_with(rules=rules))
    assert len(error.problems) == 6
    assert [path for path, _ in error.problems] == [
        f"rules[{n}].max_days_overdue" for n in range(6)
    ]
    assert str(error).endswith(" and 2 more)")


def test_the_path_argument_prefixes_every_error_path() -> None:
    error = _error(_with_rule(2, max_days_overdue=-5), path="policies[3]")
    assert error.path == "policies[3].rules[2].max_days_overdue"
    top = _error("[1, 2]", format="json", path="policies[3]")
    assert top.path == "policies[3]"


# -- documents that cannot be read ----------------------------------------------------------------


def test_text_without_a_format_is_refused() -> None:
    error = _error('{"id": "p"}')
    assert error.path == ""
    assert "pass format='json' or format='toml'" in str(error)
    assert "pathlib.Path" in str(error)


def test_a_path_given_as_a_string_is_taken_for_text(tmp_path: Path) -> None:
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(DOCUMENT), encoding="utf-8")
    assert "text given without a format" in str(_error(str(path)))


def test_a_file_with_an_unknown_suffix_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text("id: p\n", encoding="utf-8")
    error = _error(path)
    assert f"cannot tell the format of {str(path)!r} from its suffix '.yaml'" in str(error)
    assert "name the file .json or .toml" in str(error)


def test_a_missing_file_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "missing.toml"
    error = _error(path)
    assert str(error).startswith(f"cannot read {str(path)!r}: ")
    assert "No such file" in str(error)


def test_a_directory_is_not_a_file(tmp_path: Path) -> None:
    folder = tmp_path / "policy.json"
    folder.mkdir()
    assert str(_error(folder)).startswith(f"cannot read {str(folder)!r}: ")


def test_a_file_that_is_not_utf8_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "policy.toml"
    path.write_bytes(b'id = "\xff\xfe"\n')
    assert str(_error(path)).startswith(f"cannot read {str(path)!r}: ")


def test_invalid_json_and_toml_are_reported_with_their_origin(tmp_path: Path) -> None:
    assert str(_error("{", format="json")).startswith("not valid JSON: ")
    assert "line 1 column 2" in str(_error("{", format="json"))
    assert str(_error("x = ", format="toml")).startswith("not valid TOML: ")
    path = tmp_path / "policy.json"
    path.write_text('{"id": }', encoding="utf-8")
    assert str(_error(path)).startswith(f"not valid JSON in {str(path)!r}: ")


@pytest.mark.parametrize(
    ("text", "fmt", "got"),
    [("[1, 2]", "json", "list [1, 2]"), ('"x"', "json", "str 'x'"), ("null", "json", "None")],
)
def test_a_document_must_be_a_table(text: str, fmt: str, got: str) -> None:
    error = _error(text, format=fmt)
    assert str(error).startswith("expected a table of keys and values, got ")
    assert str(error).endswith(got)


def test_a_deeply_nested_document_is_refused() -> None:
    error = _error('{"rules": ' + "[" * 100_000 + "]" * 100_000 + "}", format="json")
    assert str(error).startswith("cannot read the document")


def test_an_integer_too_long_to_read_is_refused() -> None:
    error = _error('{"version": ' + "9" * 5000 + "}", format="json")
    assert str(error).startswith("cannot read the document")


# -- dump -------------------------------------------------------------------------------------


def test_dump_gives_a_plain_document() -> None:
    document = dump(EXPECTED)
    assert document["limit"] == {"amount": "25000.00", "currency": "EUR"}
    assert document["tolerance"] == "0.05"
    assert document["valid_from"] == "2026-01-01"
    assert document["rules"][1]["channel"] == "letter"
    assert document["rules"][1]["level"] == 2
    assert document["review"] == {"interval_days": 90, "first": "2026-01-31"}
    assert json.loads(json.dumps(document)) == document


def test_dump_then_load_gives_back_the_value() -> None:
    assert load(Policy, dump(EXPECTED)) == EXPECTED
    assert load(Policy, json.dumps(dump(EXPECTED)), format="json") == EXPECTED


def test_the_shared_converter_is_a_cattrs_converter() -> None:
    assert isinstance(converter, cattrs.Converter)
    assert converter.structure("12.50 EUR", Money) == Money.of("12.50", "EUR")


# -- properties -----------------------------------------------------------------------------------


def _money(currency: str) -> st.SearchStrategy[Money]:
    unit = Decimal(1).scaleb(-{"EUR": 2, "JPY": 0, "BHD": 3}[currency])
    return st.integers(-(10**12), 10**12).map(lambda n: Money(n * unit, currency))


moneys = st.sampled_from(["EUR", "JPY", "BHD"]).flatmap(_money)
dates = st.dates(datetime.date(1990, 1, 1), datetime.date(2100, 12, 31))
rules = st.builds(
    Rule,
    name=st.text(max_size=12),
    max_days_overdue=st.integers(0, 10_000),
    channel=st.sampled_from(Channel),
    level=st.sampled_from(Level),
    fee=st.none() | moneys,
)
# 28 significant digits: hypothesis scales integers by 1E-6 in the default decimal
# context (28 digits), which rounds a longer number, and a rounded one can reach 1E+31
_LARGEST = Decimal("9" * 22 + ".999999")
policies = st.builds(
    Policy,
    id=st.text(max_size=12),
    version=st.integers(-(2**63), 2**63),
    limit=moneys,
    rules=st.lists(rules, max_size=4).map(tuple),
    review=st.none() | st.builds(Review, st.integers(0, 3650), dates),
    # within what credkit loads (below 1E+31, money.MAX_MAGNITUDE); the class above does
    # not check its own tolerance, so a larger one would only fail to load back
    tolerance=st.decimals(-_LARGEST, _LARGEST, allow_nan=False, places=6),
    valid_from=st.none() | dates,
    enabled=st.booleans(),
    tags=st.lists(st.text(max_size=6), max_size=3).map(tuple),
    notes=st.lists(st.text(max_size=6), max_size=3),
)


@given(policy=policies)
def test_dump_load_round_trip(policy: Policy) -> None:
    assert load(Policy, dump(policy)) == policy
    assert load(Policy, json.dumps(dump(policy)), format="json") == policy


def json_documents() -> st.SearchStrategy[Any]:
    """Arbitrary JSON-like values, keys mostly the configuration's own field names.

    Junk then reaches nested structuring and not only the unknown-key check.
    """
    field_names = [a.name for cls in (Policy, Rule, Review) for a in attrs.fields(cls)]
    return config_documents(keys=[*field_names, "amount", "currency"], words=["12.50 EUR", "email"])


@st.composite
def damaged_documents(draw: st.DrawFn) -> Any:
    """A valid document with one to three places replaced by junk or removed."""
    document: Any = dump(draw(policies))
    for _ in range(draw(st.integers(1, 3))):
        document = draw(corrupted(document, junk=json_documents()))
    return document


def _load_or_config_error(source: Any, **kwargs: Any) -> None:
    """Loading gives a Policy or a well-formed ConfigError; any other exception fails."""
    try:
        result = load(Policy, source, **kwargs)
    except ConfigError as caught:
        error = caught
    else:
        assert isinstance(result, Policy)
        return
    assert error.problems
    assert error.path == error.problems[0][0]
    if error.path:
        assert str(error).startswith(f"{error.path}: ")


@given(document=json_documents())
@example(document={"id": "p", "version": 1, "limit": {"amount": [], "currency": {}}})
@example(document={"id": "p", "version": 1, "limit": "0 EUR", "rules": [[]]})
def test_arbitrary_values_give_a_policy_or_a_config_error(document: Any) -> None:
    _load_or_config_error(document)
    _load_or_config_error(json.dumps(document, default=str), format="json")


@given(document=damaged_documents())
def test_damaged_documents_give_a_policy_or_a_config_error(document: dict[str, Any]) -> None:
    _load_or_config_error(document)


@given(text=st.text())
@example(text='{"id": "p", "version": 1e400, "limit": "1 EUR"}')
@example(text="[" * 5000)
def test_arbitrary_text_as_json_gives_a_policy_or_a_config_error(text: str) -> None:
    _load_or_config_error(text, format="json")


@given(text=st.text())
@example(text='id = "p"\nversion = 1\nlimit = "1 EUR"\nvalid_from = 10:00:00')
@example(text='id = "p"\nversion = 1\nlimit = "1 EUR"\ntolerance = nan')
@example(text="a = " + "[" * 5000)
def test_arbitrary_text_as_toml_gives_a_policy_or_a_config_error(text: str) -> None:
    _load_or_config_error(text, format="toml")
