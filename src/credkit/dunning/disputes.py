"""Disputed parts of open items: what a dispute holds back, and the undisputed rest.

A customer may contest part of an invoice (a short delivery, one wrong price) and
owe the rest. :func:`split_disputed` turns the open items and the disputed amount
per item into open items where each contested invoice is split in two: the
undisputed rest keeps the invoice's id (and so its dunning history), and the
disputed part becomes an item of its own, id ``<invoice id>~disputed``, marked
``disputed``. A dunning run then dunns the rest and excludes the part
(:attr:`~credkit.dunning.ExclusionReason.DISPUTED`), and aging shows the part, and
only the part, in its *disputed* column. Nothing is dropped: the parts add up to
the open amount to the cent. A disputed amount of the whole open amount (or more)
marks the whole item disputed.

For an invoice due in instalments the disputed part of instalment 2 is
``<invoice id>~disputed#2``. A disputed amount given for the invoice id is held
back from its instalments earliest due first (the customer withholds it from what
falls due first); one given for an instalment's key (``INV-1#2``) holds back only
that instalment.

>>> from datetime import date
>>> from credkit.ledger import DocumentKind, OpenItem, item_key, parse_item_key
>>> item = OpenItem("INV-1", "C1", DocumentKind.INVOICE, date(2026, 1, 1), date(2026, 1, 31),
...                 Money.of("1000.00", "EUR"))
>>> [(i.document_id, str(i.amount), i.disputed)
...  for i in split_disputed([item], {"INV-1": Money.of("250.00", "EUR")})]
[('INV-1', '750.00 EUR', False), ('INV-1~disputed', '250.00 EUR', True)]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Final

import attrs

from credkit._validate import describe, sequence
from credkit.errors import CurrencyMismatchError, ValidationError
from credkit.ledger import DocumentKind, OpenItem, item_key, parse_item_key
from credkit.money import Money

__all__ = ["DISPUTED_SUFFIX", "disputed_part_of", "split_disputed"]

DISPUTED_SUFFIX: Final = "~disputed"
"""What the id of an item's disputed part ends in (the item's id comes first)."""


def disputed_part_of(item_id: str) -> str | None:
    """The id of the item whose disputed part ``item_id`` is (None for any other id).

    >>> disputed_part_of("INV-1~disputed"), disputed_part_of("INV-1")
    ('INV-1', None)
    >>> disputed_part_of("INV-1~disputed#2")
    'INV-1#2'
    """
    if item_id.endswith(DISPUTED_SUFFIX) and len(item_id) > len(DISPUTED_SUFFIX):
        return item_id[: -len(DISPUTED_SUFFIX)]
    document_id, instalment = parse_item_key(item_id)
    if (
        instalment is not None
        and document_id.endswith(DISPUTED_SUFFIX)
        and len(document_id) > len(DISPUTED_SUFFIX)
    ):
        return item_key(document_id[: -len(DISPUTED_SUFFIX)], instalment)
    return None


def split_disputed(
    items: Iterable[OpenItem], disputed: Mapping[str, Money]
) -> tuple[OpenItem, ...]:
    """The open items with each disputed invoice split into its undisputed rest and disputed part.

    ``disputed`` maps item ids to the amount in dispute (the sum of the item's open
    disputes). Items without a dispute, credits and ids not among the items are left
    as they are; an amount in another currency than its item's is refused.

    >>> from datetime import date
    >>> from credkit.ledger import DocumentKind, OpenItem
    >>> item = OpenItem("I1", "C1", DocumentKind.INVOICE, date(2026, 1, 1), date(2026, 1, 31),
    ...                 Money.of("80.00", "EUR"))
    >>> [(i.document_id, i.disputed) for i in split_disputed([item], {"I1": Money.of(90, "EUR")})]
    [('I1', True)]
    >>> split_disputed([item], {"I1": Money.of(5, "USD")})
    Traceback (most recent call last):
    ...
    credkit.errors.CurrencyMismatchError: disputed['I1']: 5 USD is not in EUR, the currency of the item
    """
    given = sequence(items, OpenItem, "items")
    if not isinstance(disputed, Mapping):
        raise ValidationError(
            f"disputed: expected a mapping of item ids to Money, got {describe(disputed)}"
        )
    result: list[OpenItem] = []
    # what an invoice-level dispute still holds back, by invoice id, over its instalments
    left: dict[str, Money] = {}
    for item in given:
        named = item.key
        amount = disputed.get(named)
        if amount is None and item.instalment is not None:
            named = item.document_id
            amount = left.get(named, disputed.get(named))
        if amount is None or item.kind is not DocumentKind.INVOICE or not item.amount.is_positive:
            result.append(item)
            continue
        if not isinstance(amount, Money):
            raise ValidationError(f"disputed[{named!r}]: expected Money, got {describe(amount)}")
        if amount.currency != item.amount.currency:
            raise CurrencyMismatchError(
                f"disputed[{named!r}]: {amount} is not in {item.amount.currency}, "
                "the currency of the item"
            )
        if named != item.key:
            held = min(amount, item.amount)
            left[named] = amount - held
            amount = held
        if not amount.is_positive:
            result.append(item)
        elif amount >= item.amount:
            result.append(attrs.evolve(item, disputed=True))
        else:
            result.append(attrs.evolve(item, amount=item.amount - amount, disputed=False))
            result.append(
                attrs.evolve(
                    item,
                    document_id=item.document_id + DISPUTED_SUFFIX,
                    amount=amount,
                    disputed=True,
                )
            )
    return tuple(result)
