"""Loading configuration documents into credkit's attrs classes.

Credit policies, scorecards, limit rules, dunning ladders and payment terms are
attrs value objects that can be built in Python or loaded from a document. This
module is the one way to load them: :func:`load` takes a mapping, a JSON or TOML
text, or a path to a ``.json`` / ``.toml`` file, and structures it with cattrs
into the class you name. Everything is validated; every problem becomes a
:class:`~credkit.errors.ConfigError` whose ``path`` names the field as a user
would write it (``rules[2].max_days_overdue``).

The rules are strict on purpose, because a configuration that loads "almost"
right decides real credit:

* unknown keys are errors (a typo must not silently fall back to a default);
* integers must be integers (``5.7`` and ``"5"`` are refused), strings must be
  strings, booleans must be booleans;
* decimals accept ``int`` and numeric strings; JSON and TOML numbers with a
  fraction are read as exact decimals, never as ``float``;
* dates are ``datetime.date`` values (TOML dates) or ISO ``"YYYY-MM-DD"`` strings;
* enumerations are given by their value; lists become tuples, and a string is not
  taken for a list.

>>> import attrs
>>> from decimal import Decimal
>>> @attrs.frozen
... class Example:
...     name: str
...     max_days_overdue: int = 30
...     share: Decimal = Decimal("0.5")
>>> load(Example, {"name": "standard", "max_days_overdue": 45})
Example(name='standard', max_days_overdue=45, share=Decimal('0.5'))
>>> load(Example, '{"name": "x", "share": 0.25}', format="json").share
Decimal('0.25')
>>> load(Example, {"name": "x", "max_days_overdu": 45})
Traceback (most recent call last):
...
credkit.errors.ConfigError: max_days_overdu: unknown key; accepted keys are max_days_overdue, name, share
"""

from __future__ import annotations

import datetime
import enum
import json
import os
import re
import tomllib
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any, Final, Literal, TypeVar

import attrs
import cattrs
from cattrs.cols import (
    homogenous_tuple_structure_factory,
    is_mutable_sequence,
    is_sequence,
    list_structure_factory,
)
from cattrs.errors import (
    AttributeValidationNote,
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationNote,
)

from credkit._validate import describe, iso_day, shorten
from credkit.errors import ConfigError, CredkitError
from credkit.money import Money, to_decimal

__all__ = ["MAX_DOCUMENT_BYTES", "converter", "dump", "load"]

T = TypeVar("T")
Format = Literal["json", "toml"]

_FIELD_PREFIX = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*(?:\[\d+\])?(?:\.[A-Za-z_][A-Za-z0-9_]*)*): ")


def _structure_int(value: object, _: type) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"expected an integer, got {describe(value)}")
    return value


def _structure_str(value: object, _: type) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"expected a string, got {describe(value)}")
    return value


def _structure_bool(value: object, _: type) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"expected true or false, got {describe(value)}")
    return value


def _structure_decimal(value: object, _: type) -> Decimal:
    try:
        return to_decimal(value, field="value")
    except CredkitError as error:
        raise ConfigError(str(error).removeprefix("value: ")) from None


def _structure_date(value: object, _: type) -> datetime.date:
    if isinstance(value, datetime.datetime):
        raise ConfigError(f"expected a date without a time, got {describe(value)}")
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return iso_day(value)
        except ValueError:
            pass
    raise ConfigError(f"expected a date as 'YYYY-MM-DD', got {describe(value)}")


def _structure_money(value: object, _: type) -> Money:
    if isinstance(value, Money):
        return value
    if isinstance(value, str):
        parts = value.split()
        if len(parts) == 2:
            return Money.of(parts[0], parts[1])
    elif isinstance(value, Mapping):
        extra = sorted(set(value) - {"amount", "currency"})
        if extra:
            raise ConfigError(f"unknown key {extra[0]!r}; an amount has 'amount' and 'currency'")
        if "amount" in value and "currency" in value:
            return Money.of(value["amount"], value["currency"])
    raise ConfigError(
        'expected an amount as \'1250.00 EUR\' or {amount = "1250.00", currency = "EUR"}, '
        f"got {describe(value)}"
    )


def _enum_hook(cls: type[enum.Enum]) -> Callable[[object, type], enum.Enum]:
    accepted = ", ".join(repr(member.value) for member in cls)

    def structure(value: object, _: type) -> enum.Enum:
        if isinstance(value, cls):
            return value
        for member in cls:
            if type(member.value) is type(value) and member.value == value:
                return member
        raise ConfigError(f"expected one of {accepted}, got {describe(value)}")

    return structure


def _sequence_hook(seq_type: Any, conv: cattrs.Converter) -> Callable[[object, type], Any]:
    # Tuples and lists alike: a string (or a table) is not taken for a list. As in
    # cattrs, list and MutableSequence fields get a list, the others a tuple.
    if is_mutable_sequence(seq_type):
        inner = list_structure_factory(seq_type, conv)
    else:
        inner = homogenous_tuple_structure_factory(seq_type, conv)

    def structure(value: object, type_: type) -> Any:
        if not isinstance(value, list | tuple):
            raise ConfigError(f"expected a list, got {describe(value)}")
        return inner(value, type_)

    return structure


def _attrs_hook(cls: type[Any], conv: cattrs.Converter) -> Callable[[object, type], Any]:
    # A nested class needs a table; say so instead of cattrs' "'int' object is not iterable".
    inner = conv.gen_structure_attrs_fromdict(cls)

    def structure(value: object, type_: type) -> Any:
        if not isinstance(value, Mapping):
            raise ConfigError(f"expected a table of keys and values, got {describe(value)}")
        return inner(value, type_)

    return structure


def _make_converter() -> cattrs.Converter:
    conv = cattrs.Converter(forbid_extra_keys=True)
    conv.register_structure_hook(int, _structure_int)
    conv.register_structure_hook(str, _structure_str)
    conv.register_structure_hook(bool, _structure_bool)
    conv.register_structure_hook(Decimal, _structure_decimal)
    conv.register_structure_hook(datetime.date, _structure_date)
    conv.register_structure_hook(Money, _structure_money)
    conv.register_structure_hook_factory(
        lambda t: isinstance(t, type) and issubclass(t, enum.Enum), _enum_hook
    )
    conv.register_structure_hook_factory(is_sequence, _sequence_hook)
    conv.register_structure_hook_factory(attrs.has, _attrs_hook)
    conv.register_unstructure_hook(Decimal, str)
    conv.register_unstructure_hook(datetime.date, datetime.date.isoformat)
    conv.register_unstructure_hook(
        Money, lambda m: {"amount": str(m.amount), "currency": m.currency}
    )
    return conv


converter: cattrs.Converter = _make_converter()
"""The shared cattrs converter. Modules that need a special hook register it here."""


# -- errors ---------------------------------------------------------------------------


def _join(path: str, step: str) -> str:
    if step.startswith("["):
        return path + step
    return f"{path}.{step}" if path else step


def _leaves(error: BaseException, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(error, ForbiddenExtraKeysError):
        accepted = ", ".join(sorted(a.alias for a in attrs.fields(error.cl) if a.init))
        for key in sorted(error.extra_fields):
            yield _join(path, key), f"unknown key; accepted keys are {accepted}"
        return
    if isinstance(error, ExceptionGroup):
        for sub in error.exceptions:
            step = ""
            for note in getattr(sub, "__notes__", ()):
                if isinstance(note, AttributeValidationNote):
                    step = note.name
                elif isinstance(note, IterableValidationNote):
                    step = f"[{note.index}]"
            yield from _leaves(sub, _join(path, step) if step else path)
        return
    if isinstance(error, KeyError) and not isinstance(error, CredkitError):
        yield path, "required key is missing"
        return
    if isinstance(error, ConfigError):
        yield (_join(path, error.path) if error.path else path), error.detail
        return
    message = str(error)
    match = _FIELD_PREFIX.match(message)
    if isinstance(error, CredkitError) and match:
        field = match.group(1)
        if not path.endswith(field):
            path = _join(path, field)
        message = message[match.end() :]
    elif not isinstance(error, CredkitError):
        message = f"{type(error).__name__}: {message}" if message else type(error).__name__
    yield path, message


def _config_error(error: BaseException, root: str) -> ConfigError:
    problems = list(_leaves(error, root))
    path, detail = problems[0]
    if len(problems) > 1:
        others = "; ".join(f"{p or '(document)'}: {d}" for p, d in problems[1:4])
        more = f" and {len(problems) - 4} more" if len(problems) > 4 else ""
        detail = f"{detail} (also {others}{more})"
    return ConfigError(detail, path=path, problems=tuple(problems))


# -- loading --------------------------------------------------------------------------


MAX_DOCUMENT_BYTES: Final = 10 * 2**20
"""The largest configuration document :func:`load` reads from a file: 10 MiB."""


class _DuplicateKeyError(ValueError):
    pass


def _no_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
    document: dict[str, object] = {}
    for key, value in pairs:
        if key in document:
            raise _DuplicateKeyError(key)
        document[key] = value
    return document


def _parse(text: str, format: Format, origin: str) -> object:
    text = text.removeprefix("\ufeff")  # a UTF-8 byte order mark, as some editors write
    try:
        if format == "json":
            return json.loads(
                text,
                parse_float=Decimal,
                parse_constant=Decimal,
                object_pairs_hook=_no_duplicates,
            )
        return tomllib.loads(text, parse_float=Decimal)
    except _DuplicateKeyError as error:
        raise ConfigError(
            f"not valid JSON{origin}: the key {shorten(str(error.args[0]))!r} appears twice in "
            "one object; give each key once"
        ) from None
    except json.JSONDecodeError as error:
        raise ConfigError(
            f"not valid JSON{origin}: {error.msg} at line {error.lineno} column {error.colno}"
        ) from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"not valid TOML{origin}: {error}") from None
    except (ValueError, RecursionError) as error:
        raise ConfigError(f"cannot read the document{origin}: {error}") from None


def _read(source: str | os.PathLike[str], format: Format | None) -> tuple[object, str]:
    if isinstance(source, str):
        if format is None:
            raise ConfigError(
                "text given without a format: pass format='json' or format='toml', "
                "or a pathlib.Path to a .json or .toml file"
            )
        return _parse(source, format, ""), ""
    path = Path(source)
    suffixes = {".json": "json", ".toml": "toml"}
    chosen = format or suffixes.get(path.suffix.lower())
    if chosen not in ("json", "toml"):
        raise ConfigError(
            f"cannot tell the format of {str(path)!r} from its suffix {path.suffix!r}; "
            "name the file .json or .toml, or pass format='json' or format='toml'"
        )
    try:
        with path.open("rb") as file:  # at most the limit: a device or pipe may never end
            data = file.read(MAX_DOCUMENT_BYTES + 1)
        if len(data) > MAX_DOCUMENT_BYTES:
            raise ConfigError(
                f"cannot read {str(path)!r}: it is larger than {MAX_DOCUMENT_BYTES:,} bytes, "
                "the limit for a configuration document"
            )
        text = data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"cannot read {str(path)!r}: {error}") from None
    origin = f" in {str(path)!r}"
    return _parse(text, chosen, origin), origin  # type: ignore[arg-type]


def load(
    cls: type[T],
    source: Mapping[str, Any] | str | os.PathLike[str],
    *,
    format: Format | None = None,
    path: str = "",
) -> T:
    """Load a configuration document into an instance of ``cls``.

    ``source`` is a mapping, a JSON or TOML text (then ``format`` is required), or a
    path to a ``.json`` or ``.toml`` file (the suffix gives the format unless
    ``format`` says otherwise). ``path`` prefixes every error path, for documents
    embedded in larger ones. Any problem raises :class:`~credkit.errors.ConfigError`;
    nothing else escapes.

    >>> import attrs, datetime
    >>> @attrs.frozen
    ... class Review:
    ...     interval_days: int
    ...     first: datetime.date
    >>> load(Review, 'interval_days = 90\\nfirst = 2026-01-31', format="toml")
    Review(interval_days=90, first=datetime.date(2026, 1, 31))
    >>> load(Review, {"interval_days": "90", "first": "2026-01-31"})
    Traceback (most recent call last):
    ...
    credkit.errors.ConfigError: interval_days: expected an integer, got str '90'
    """
    origin = ""
    if isinstance(source, Mapping):
        data: object = source
    elif isinstance(source, str | os.PathLike):
        data, origin = _read(source, format)
    else:
        raise ConfigError(
            "expected a mapping, a JSON or TOML text, or a path to a .json or .toml file, "
            f"got {describe(source)}",
            path=path,
        )
    if not isinstance(data, Mapping):
        raise ConfigError(
            f"expected a table of keys and values{origin}, got {describe(data)}", path=path
        )
    try:
        return converter.structure(data, cls)
    except ClassValidationError as error:
        raise _config_error(error, path) from None
    except (CredkitError, ValueError, TypeError, KeyError, AttributeError) as error:
        raise _config_error(error, path) from None
    except RecursionError:
        raise ConfigError("the document is nested too deeply", path=path) from None


def dump(value: object) -> Any:
    """Turn a configuration object back into a plain document (JSON-compatible).

    ``load(type(x), dump(x)) == x`` for every configuration class.

    >>> import attrs
    >>> from decimal import Decimal
    >>> @attrs.frozen
    ... class Fee:
    ...     percent: Decimal
    >>> dump(Fee(Decimal("2.5")))
    {'percent': '2.5'}
    """
    return converter.unstructure(value)
