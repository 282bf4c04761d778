"""A stable fingerprint of a credit check's inputs, for storing and auditing decisions.

:func:`fingerprint` is the SHA-256 of :func:`canonical_json`: a canonical JSON text of
the profile, the order and the policy's id and version. Canonical means that equal
inputs give the same text whatever way they were built:

* object keys are sorted, so the order of a mapping (bureau data) does not matter;
* numbers are written in a normal form, so ``Decimal("1.50")``, ``Decimal("1.5")``
  and the same value as an ``int`` are one number (they compare equal, and a
  decision cannot depend on trailing zeros);
* dates are ISO ``YYYY-MM-DD`` strings, enumerations their values, amounts
  ``{"amount": ..., "currency": ...}``, tuples arrays; every field of the profile
  and the order is written, ``None`` included, so adding or removing a value
  changes the text;
* fields added after the schema was fixed (the profile's ``unpaid_invoice_count``,
  ``overdue_invoice_count`` and ``tags``, the order's ``stage``) are written only
  when they differ from their defaults (``None``, no tags, the ``"order"`` stage),
  so fingerprints stored before they existed still recompute; such a field is
  marked so in its attrs ``metadata``.

Changing any input (an amount, a date, a flag, a bureau value, the policy version)
changes the fingerprint. The policy enters by id and version only: change a
policy's rules and you must change its version, which is what versions are for.

>>> from datetime import date
>>> from credkit.money import Money
>>> from credkit.policy.exposure import Exposure
>>> from credkit.policy.order import OrderRequest
>>> from credkit.policy.profile import CreditProfile
>>> profile = CreditProfile("C-1", as_of=date(2026, 11, 23), exposure=Exposure((), currency="EUR"))
>>> order = OrderRequest("SO-1", Money.of("10.50", "EUR"), order_date=date(2026, 11, 23))
>>> a = fingerprint(profile, order, policy_id="standard", policy_version="1")
>>> b = fingerprint(profile, OrderRequest("SO-1", Money.of("10.5", "EUR"), order_date=date(2026, 11, 23)),
...                 policy_id="standard", policy_version="1")
>>> a == b, len(a)
(True, 64)
>>> a == fingerprint(profile, order, policy_id="standard", policy_version="2")
False
"""

from __future__ import annotations

import datetime
import enum
import hashlib
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Final

import attrs

from credkit._validate import describe
from credkit.errors import ValidationError
from credkit.money import Money

__all__ = ["FINGERPRINT_SCHEMA", "canonical_json", "fingerprint"]

FINGERPRINT_SCHEMA: Final = "credkit.decision-inputs/2"
"""Written into every canonical text; it changes if the canonical form ever does."""

_OMIT_AT_DEFAULT: Final = "credkit.fingerprint.omit_at_default"
"""An attrs ``metadata`` key: a field marked ``{_OMIT_AT_DEFAULT: True}`` is left out of
the canonical text while it holds its (plain, not factory) default. New fields of
fingerprinted records carry it, so that adding a field keeps stored fingerprints."""


def _written(attribute: attrs.Attribute[Any], value: object) -> bool:
    if not attribute.init:
        return False
    if attribute.metadata.get(_OMIT_AT_DEFAULT):
        default = attribute.default
        return isinstance(default, attrs.Factory) or bool(value != default)  # type: ignore[arg-type]
    return True


def _number(value: Decimal | int) -> str:
    number = Decimal(value)
    if number.is_zero():
        return "0"
    return str(number.normalize())


def _encode(value: object, out: list[str]) -> None:
    # the common exact types first (what profiles and orders hold), then the general rules
    kind: Any = type(value)
    fast = _FAST.get(kind)
    if fast is not None:
        fast(value, out)
        return
    # None and bool are exact types: the table above has them
    if isinstance(value, Decimal):
        _encode_decimal(value, out)
    elif isinstance(value, int):
        out.append(_number(value))
    elif isinstance(value, str):
        out.append(json.dumps(value, ensure_ascii=True))
    elif isinstance(value, enum.Enum):
        _encode(value.value, out)
    elif isinstance(value, datetime.datetime):
        raise ValidationError(f"cannot fingerprint a datetime {value!r}; inputs hold dates")
    elif isinstance(value, datetime.date):
        out.append(json.dumps(value.isoformat()))
    elif isinstance(value, Money):
        _encode_money(value, out)
    elif attrs.has(kind):
        _encode_attrs(value, out)
    elif isinstance(value, Mapping):
        _encode_mapping(value, out)
    elif isinstance(value, tuple | list):
        _encode_sequence(value, out)
    else:
        raise ValidationError(f"cannot fingerprint {describe(value)}")


def _encode_mapping(mapping: Mapping[object, object], out: list[str]) -> None:
    keys = []
    for key in mapping:
        if not isinstance(key, str):
            raise ValidationError(f"cannot fingerprint a mapping with the key {describe(key)}")
        keys.append(key)
    out.append("{")
    for index, key in enumerate(sorted(keys)):
        if index:
            out.append(",")
        out.append(json.dumps(key, ensure_ascii=True))
        out.append(":")
        _encode(mapping[key], out)
    out.append("}")


# -- encoders of the exact types, which the general rules above use too ----------------

_Field = tuple[str, str, "attrs.Attribute[Any]", bool]  # name, encoded key, attribute, omit?
_FIELDS: dict[type, tuple[_Field, ...]] = {}


def _fields_of(kind: type) -> tuple[_Field, ...]:
    """An attrs class's written-if fields, sorted by name as the mapping would be."""
    found = _FIELDS.get(kind)
    if found is None:
        found = _FIELDS[kind] = tuple(
            (
                a.name,
                json.dumps(a.name, ensure_ascii=True),
                a,
                bool(a.metadata.get(_OMIT_AT_DEFAULT)),
            )
            for a in sorted(attrs.fields(kind), key=lambda a: a.name)
            if a.init
        )
    return found


def _encode_attrs(value: object, out: list[str]) -> None:
    out.append("{")
    first = True
    for name, key, attribute, omit in _fields_of(type(value)):
        field = getattr(value, name)
        if omit and not _written(attribute, field):
            continue
        if first:
            first = False
        else:
            out.append(",")
        out.append(key)
        out.append(":")
        _encode(field, out)
    out.append("}")


def _encode_decimal(value: Any, out: list[str]) -> None:
    if not value.is_finite():
        raise ValidationError(f"cannot fingerprint the non-finite number {value}")
    out.append(_number(value))


def _encode_money(value: Any, out: list[str]) -> None:
    out.append('{"amount":')
    _encode(value.amount, out)
    out.append(',"currency":')
    _encode(value.currency, out)
    out.append("}")


def _encode_sequence(value: Any, out: list[str]) -> None:
    out.append("[")
    for index, item in enumerate(value):
        if index:
            out.append(",")
        _encode(item, out)
    out.append("]")


_ascii: Any = json.encoder.encode_basestring_ascii
_FAST: dict[type, Any] = {
    type(None): lambda value, out: out.append("null"),
    bool: lambda value, out: out.append("true" if value else "false"),
    int: lambda value, out: out.append(_number(value)),
    Decimal: _encode_decimal,
    str: lambda value, out: out.append(_ascii(value)),
    datetime.date: lambda value, out: out.append(_ascii(value.isoformat())),
    Money: _encode_money,
    tuple: _encode_sequence,
    list: _encode_sequence,
    dict: _encode_mapping,
}


def canonical_json(value: object) -> str:
    """The canonical JSON text of ``value`` (attrs values, Money, dates, numbers, mappings).

    >>> from decimal import Decimal
    >>> canonical_json({"b": Decimal("1.50"), "a": [None, True, 100]})
    '{"a":[null,true,1E+2],"b":1.5}'
    """
    out: list[str] = []
    _encode(value, out)
    return "".join(out)


def fingerprint(
    profile: object,
    order: object,
    *,
    policy_id: str,
    policy_version: str,
    policy_digest: str | None = None,
) -> str:
    """SHA-256 (hex) of the canonical JSON of the inputs of a credit check.

    Hosts can recompute it from stored inputs to show that a decision was made on
    exactly those inputs; :attr:`Decision.fingerprint
    <credkit.policy.decision.Decision.fingerprint>` calls it with the policy's
    :attr:`~credkit.policy.policy.Policy.digest`, the hash of its canonical document,
    so that a policy edited without a new version still gives another fingerprint.

    >>> from datetime import date
    >>> from credkit.money import Money
    >>> from credkit.policy.exposure import Exposure
    >>> from credkit.policy.order import OrderRequest
    >>> from credkit.policy.profile import CreditProfile
    >>> one = CreditProfile("C-1", as_of=date(2026, 11, 23), exposure=Exposure((), currency="EUR"),
    ...                     bureau={"rating": "B", "employees": 40})
    >>> two = CreditProfile("C-1", as_of=date(2026, 11, 23), exposure=Exposure((), currency="EUR"),
    ...                     bureau={"employees": 40, "rating": "B"})
    >>> order = OrderRequest("SO-1", Money.of(5, "EUR"), order_date=date(2026, 11, 23))
    >>> fingerprint(one, order, policy_id="p", policy_version="1") == fingerprint(
    ...     two, order, policy_id="p", policy_version="1")
    True
    """
    document = {
        "schema": FINGERPRINT_SCHEMA,
        "profile": profile,
        "order": order,
        "policy": {"id": policy_id, "version": policy_version, "digest": policy_digest},
    }
    return hashlib.sha256(canonical_json(document).encode("ascii")).hexdigest()
