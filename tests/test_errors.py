"""Tests for credkit.errors: the documented tree, default messages, ConfigError."""

from __future__ import annotations

import pickle
import re

import pytest

import credkit.errors as errors_module
from credkit.errors import (
    BureauError,
    BureauUnavailable,
    ConfigError,
    ConflictError,
    CredkitError,
    CurrencyMismatchError,
    DuplicateRecordError,
    MalformedReport,
    OutOfBoundsError,
    PermissionDenied,
    PolicyError,
    RateNotFoundError,
    StorageError,
    SubjectNotFound,
    ValidationError,
)

# What DESIGN.md ("Errors") and the module docstring promise: each class, its parent in
# the credkit tree, and the built-in it also derives from.
TREE: list[tuple[type[CredkitError], type[BaseException], type[BaseException] | None]] = [
    (ValidationError, CredkitError, ValueError),
    (CurrencyMismatchError, ValidationError, ValueError),
    (OutOfBoundsError, ValidationError, ValueError),
    (DuplicateRecordError, ValidationError, ValueError),
    (ConfigError, ValidationError, ValueError),
    (RateNotFoundError, CredkitError, LookupError),
    (PolicyError, CredkitError, ValueError),
    (PermissionDenied, CredkitError, PermissionError),
    (StorageError, CredkitError, RuntimeError),
    (ConflictError, StorageError, RuntimeError),
    (BureauError, CredkitError, RuntimeError),
    (SubjectNotFound, BureauError, LookupError),
    (BureauUnavailable, BureauError, RuntimeError),
    (MalformedReport, BureauError, ValueError),
]

DEFAULT_MESSAGES: dict[type[CredkitError], str] = {
    CredkitError: "credkit error",
    ValidationError: "invalid value",
    CurrencyMismatchError: "currencies differ",
    OutOfBoundsError: "number out of bounds",
    ConfigError: "invalid configuration",
    RateNotFoundError: "no exchange rate",
    PolicyError: "policy cannot be evaluated",
    PermissionDenied: "permission denied",
    StorageError: "storage failed",
    ConflictError: "a concurrent unit of work got in the way; nothing was written, retry",
    DuplicateRecordError: "a different record with the same key is already stored",
    BureauError: "credit bureau failed",
    SubjectNotFound: "the bureau knows no such subject",
    BureauUnavailable: "the credit bureau is unavailable",
    MalformedReport: "the credit bureau's answer cannot be read as a report",
}


def test_credkit_error_is_an_exception() -> None:
    assert issubclass(CredkitError, Exception)
    assert CredkitError.__bases__ == (Exception,)


@pytest.mark.parametrize(("cls", "parent", "builtin"), TREE)
def test_each_error_derives_from_its_parent_and_builtin(
    cls: type[CredkitError], parent: type[BaseException], builtin: type[BaseException] | None
) -> None:
    assert cls.__bases__[0] is parent
    assert issubclass(cls, CredkitError)
    assert builtin is not None
    assert issubclass(cls, builtin)


@pytest.mark.parametrize(("cls", "parent", "builtin"), TREE)
def test_a_builtin_except_clause_catches_the_error(
    cls: type[CredkitError], parent: type[BaseException], builtin: type[BaseException]
) -> None:
    with pytest.raises(builtin):
        raise cls("boom")
    with pytest.raises(parent):
        raise cls("boom")


def test_the_tree_covers_every_public_error() -> None:
    assert {cls for cls, _, _ in TREE} | {CredkitError} == {
        getattr(errors_module, name) for name in errors_module.__all__
    }


def _drawn_tree() -> dict[str, tuple[str, str | None]]:
    """Parse the ASCII tree in the module docstring into {name: (parent, builtin)}."""
    doc = errors_module.__doc__
    assert doc is not None
    entries: dict[str, tuple[str, str | None]] = {}
    stack: list[tuple[int, str]] = [(-1, "CredkitError")]
    for line in doc.splitlines():
        match = re.search(r"[├└]── (\w+)(?: \((\w+)\))?", line)
        if not match:
            continue
        depth = match.start()
        while stack[-1][0] >= depth:
            stack.pop()
        entries[match.group(1)] = (stack[-1][1], match.group(2))
        stack.append((depth, match.group(1)))
    return entries


def test_the_drawn_tree_in_the_docstring_matches_the_classes() -> None:
    drawn = _drawn_tree()
    assert set(drawn) == {cls.__name__ for cls, _, _ in TREE}
    for cls, parent, builtin in TREE:
        drawn_parent, drawn_builtin = drawn[cls.__name__]
        assert drawn_parent == parent.__name__
        if drawn_builtin is not None:
            assert builtin is not None
            assert drawn_builtin == builtin.__name__
            assert builtin in cls.__bases__


@pytest.mark.parametrize(("cls", "message"), DEFAULT_MESSAGES.items())
def test_default_messages(cls: type[CredkitError], message: str) -> None:
    error = cls()
    assert str(error) == message
    assert error.message == message
    assert cls.default_message == message


@pytest.mark.parametrize("cls", DEFAULT_MESSAGES)
def test_a_given_message_replaces_the_default(cls: type[CredkitError]) -> None:
    error = cls("amount: must be positive, got -1")
    assert str(error) == "amount: must be positive, got -1"
    assert error.message == "amount: must be positive, got -1"
    assert error.args == ("amount: must be positive, got -1",)


def test_an_empty_message_is_kept() -> None:
    assert str(ValidationError("")) == ""


def test_config_error_with_a_path() -> None:
    error = ConfigError("must be >= 0, got -5", path="rules[2].max_days_overdue")
    assert str(error) == "rules[2].max_days_overdue: must be >= 0, got -5"
    assert error.path == "rules[2].max_days_overdue"
    assert error.detail == "must be >= 0, got -5"
    assert error.problems == (("rules[2].max_days_overdue", "must be >= 0, got -5"),)
    assert isinstance(error, ValidationError)
    assert isinstance(error, ValueError)


def test_config_error_without_a_path_is_about_the_whole_document() -> None:
    error = ConfigError("not valid JSON")
    assert str(error) == "not valid JSON"
    assert error.path == ""
    assert error.detail == "not valid JSON"
    assert error.problems == (("", "not valid JSON"),)


def test_config_error_default_message() -> None:
    error = ConfigError(path="limits")
    assert str(error) == "limits: invalid configuration"
    assert error.detail == "invalid configuration"


def test_config_error_keeps_every_problem() -> None:
    problems = (("version", "expected an integer, got str 'x'"), ("zzz", "unknown key"))
    error = ConfigError("expected an integer, got str 'x'", path="version", problems=problems)
    assert error.problems == problems
    assert str(error) == "version: expected an integer, got str 'x'"


def test_config_error_path_and_message_survive_pickling() -> None:
    # Errors cross process boundaries (multiprocessing, task queues) by pickling.
    error = ConfigError("must be >= 0, got -5", path="rules[2].max_days_overdue")
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is ConfigError
    assert str(copy) == str(error)
    assert copy.path == error.path
    assert copy.detail == error.detail
    assert copy.problems == error.problems


@pytest.mark.parametrize("cls", DEFAULT_MESSAGES)
def test_every_error_pickles(cls: type[CredkitError]) -> None:
    copy = pickle.loads(pickle.dumps(cls("x: bad")))
    assert type(copy) is cls
    assert str(copy) == "x: bad"
