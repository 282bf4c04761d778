"""The sample portfolio: customers' payment behaviours and the generated result."""

from __future__ import annotations

import enum
import types
from collections.abc import Mapping
from datetime import date

import attrs

from credkit.errors import ValidationError
from credkit.ledger import Ledger

__all__ = ["Behaviour", "SamplePortfolio"]


class Behaviour(enum.Enum):
    """How a sample customer pays its invoices.

    - ``PROMPT``: pays within terms, now and then a few days late.
    - ``DISCOUNT_TAKER``: buys on 2/10 net 30 and mostly pays within the ten-day
      discount window, short by 2 %; the discount is a credit note allocated to the
      invoice on the day of payment. Otherwise pays within terms.
    - ``SLOW``: pays 15 to 45 days after the due date.
    - ``DETERIORATING``: pays on time during the portfolio's first year, then a few
      days later every month.
    - ``DISPUTING``: disputes about a third of its invoices (``Invoice.disputed``);
      a disputed invoice is paid late, partly credited and the rest paid, or fully
      credited. Undisputed invoices are paid around the due date.
    - ``DEFAULTING``: pays a little late for a while, then stops paying; invoicing
      stops some weeks later. The last invoices (at least two) stay open, and the
      oldest half of them are written off (``CreditNote(write_off=True)``) five to
      nine months after invoicing stopped, when the portfolio runs that long.

    >>> Behaviour("discount_taker")
    <Behaviour.DISCOUNT_TAKER: 'discount_taker'>
    """

    PROMPT = "prompt"
    DISCOUNT_TAKER = "discount_taker"
    SLOW = "slow"
    DETERIORATING = "deteriorating"
    DISPUTING = "disputing"
    DEFAULTING = "defaulting"


def _frozen_behaviours(value: Mapping[str, Behaviour]) -> Mapping[str, Behaviour]:
    return types.MappingProxyType(dict(value))


def _seed(instance: object, attribute: attrs.Attribute[int], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(f"seed: expected an int, got {type(value).__name__} {value!r}")


@attrs.frozen(eq=False)
class SamplePortfolio:
    """A generated ledger, each customer's payment behaviour, and the period it covers.

    ``end`` is the last day covered: nothing in the ledger is dated after it, so it is
    the natural "as of" date for aging and KPIs. ``behaviours`` maps every customer
    id to its :class:`Behaviour` and is read-only. ``seed`` is the seed the portfolio
    was generated with; :func:`financial_statements` and :func:`scoring_inputs` derive
    their figures from it. Like :class:`~credkit.ledger.Ledger`, portfolios compare by
    identity; compare their records to compare contents.

    >>> from credkit.sample import generate

    >>> portfolio = generate(seed=3, customers=8, months=6)
    >>> sorted(portfolio.behaviours) == [c.id for c in portfolio.ledger.customers]
    True
    >>> portfolio.end.isoformat(), portfolio.seed
    ('2025-05-31', 3)
    """

    ledger: Ledger = attrs.field(validator=attrs.validators.instance_of(Ledger))
    behaviours: Mapping[str, Behaviour] = attrs.field(converter=_frozen_behaviours)
    start: date = attrs.field(kw_only=True)
    end: date = attrs.field(kw_only=True)
    seed: int = attrs.field(kw_only=True, validator=_seed)

    def customer_ids(self, behaviour: Behaviour) -> tuple[str, ...]:
        """The ids of the customers with ``behaviour``, in ledger order.

        >>> from credkit.sample import generate

        >>> portfolio = generate(seed=1, customers=12, months=3)
        >>> all(portfolio.behaviours[i] is Behaviour.SLOW for i in portfolio.customer_ids(Behaviour.SLOW))
        True
        """
        return tuple(c.id for c in self.ledger.customers if self.behaviours[c.id] is behaviour)
