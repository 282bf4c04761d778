"""What was sent: the dunning history a run escalates from.

Each :class:`DunningRecord` says that a reminder of one level went to a customer
about some items on a date, by a channel, and whether it was actually
``SENT`` or ``FAILED`` (a bounced e-mail, a letter returned by the printer). Only
``SENT`` reminders count as reached levels: an item whose level-1 reminder failed
is still at level 0 and gets level 1 again, never level 2 (the lesson of OCA's
dunning, which escalates a line only after its previous level was sent).

:class:`DunningHistory` is an immutable collection of records; :meth:`DunningHistory.record`
returns a new history with a run's actions added. The history as of a date ignores
records dated after it, so a run for a past date sees only what had happened then.

>>> from datetime import date
>>> history = DunningHistory().add(
...     DunningRecord("C1", ("INV-1",), level=1, on=date(2026, 3, 1), channel=Channel.EMAIL),
...     DunningRecord("C1", ("INV-1",), level=2, on=date(2026, 3, 15), channel=Channel.LETTER,
...                   status=SendStatus.FAILED),
... )
>>> history.reached("INV-1", as_of=date(2026, 3, 20))
(1, datetime.date(2026, 3, 1))
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

import attrs

from credkit._validate import check_date, describe, is_date, optional_text, sequence, text, to_tuple
from credkit.dunning._common import ids
from credkit.dunning.actions import DunningAction, DunningRun
from credkit.dunning.ladder import Channel
from credkit.errors import ValidationError

__all__ = ["DunningHistory", "DunningRecord", "SendStatus"]


class SendStatus(enum.Enum):
    """Whether a reminder reached the customer.

    >>> SendStatus("failed")
    <SendStatus.FAILED: 'failed'>
    """

    SENT = "sent"
    FAILED = "failed"


def _level(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError(f"level: expected a level number >= 1, got {describe(value)}")


def _item_ids(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    ids(instance, attribute, value)
    if not value:
        raise ValidationError("item_ids: a reminder is about at least one item")


@attrs.frozen
class DunningRecord:
    """One reminder: level ``level`` about ``item_ids`` to ``customer_id`` on ``on``.

    ``ladder_id`` records which ladder proposed it (optional, for audit).

    >>> from datetime import date
    >>> DunningRecord("C1", ("INV-1",), level=0, on=date(2026, 3, 1), channel=Channel.EMAIL)
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: level: expected a level number >= 1, got int 0
    """

    customer_id: str = attrs.field(validator=text)
    item_ids: tuple[str, ...] = attrs.field(converter=to_tuple, validator=_item_ids)
    level: int = attrs.field(kw_only=True, validator=_level)
    on: date = attrs.field(kw_only=True, validator=is_date)
    channel: Channel = attrs.field(kw_only=True, validator=attrs.validators.instance_of(Channel))
    status: SendStatus = attrs.field(
        default=SendStatus.SENT, kw_only=True, validator=attrs.validators.instance_of(SendStatus)
    )
    ladder_id: str | None = attrs.field(default=None, kw_only=True, validator=optional_text)

    @classmethod
    def from_action(
        cls, action: DunningAction, *, status: SendStatus = SendStatus.SENT
    ) -> DunningRecord:
        """The record of ``action`` having been sent (or having failed) on its run date.

        >>> from datetime import date
        >>> from credkit.dunning import DunningLadder, DunningLevel, dunning_run
        >>> from credkit.ledger import DocumentKind, OpenItem
        >>> from credkit.money import Money
        >>> item = OpenItem("I1", "C1", DocumentKind.INVOICE, date(2026, 1, 1), date(2026, 1, 31),
        ...                 Money.of(90, "EUR"))
        >>> ladder = DunningLadder("l", version="1", levels=(DunningLevel(5, template="t"),))
        >>> action = dunning_run([item], DunningHistory(), as_of=date(2026, 2, 5), ladder=ladder).actions[0]
        >>> record = DunningRecord.from_action(action, status=SendStatus.FAILED)
        >>> record.item_ids, record.level, record.on, record.status.value
        (('I1',), 1, datetime.date(2026, 2, 5), 'failed')
        """
        return cls(
            action.customer_id,
            action.item_ids,
            level=action.level,
            on=action.as_of,
            channel=action.channel,
            status=status,
            ladder_id=action.ladder_id,
        )


def _records(value: Iterable[DunningRecord]) -> tuple[DunningRecord, ...]:
    return sequence(value, DunningRecord, "records")


@attrs.frozen(eq=False)
class DunningHistory:
    """The reminders sent or attempted so far, indexed by item.

    >>> from datetime import date
    >>> history = DunningHistory((DunningRecord("C1", ("I1", "I2"), level=1,
    ...     on=date(2026, 3, 1), channel=Channel.LETTER),))
    >>> history.reached("I2", as_of=date(2026, 3, 1)), history.reached("I2", as_of=date(2026, 2, 28))
    ((1, datetime.date(2026, 3, 1)), (0, None))
    """

    records: tuple[DunningRecord, ...] = attrs.field(default=(), converter=_records)
    _by_item: dict[str, tuple[DunningRecord, ...]] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        grouped: dict[str, list[DunningRecord]] = defaultdict(list)
        for record in self.records:
            for item_id in record.item_ids:
                grouped[item_id].append(record)
        index = {
            key: tuple(sorted(value, key=lambda r: (r.on, r.level)))
            for key, value in grouped.items()
        }
        object.__setattr__(self, "_by_item", index)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, DunningHistory):
            return NotImplemented
        return self.records == other.records

    def __hash__(self) -> int:
        return hash(self.records)

    def __len__(self) -> int:
        return len(self.records)

    def add(self, *records: DunningRecord) -> DunningHistory:
        """A new history with ``records`` added.

        >>> from datetime import date
        >>> len(DunningHistory().add(DunningRecord("C1", ("I1",), level=1,
        ...     on=date(2026, 3, 1), channel=Channel.PHONE)))
        1
        """
        return DunningHistory((*self.records, *records))

    def record(
        self,
        run_or_actions: DunningRun | Iterable[DunningAction],
        *,
        status: SendStatus = SendStatus.SENT,
    ) -> DunningHistory:
        """A new history with every action of a run recorded as ``status`` on its date.

        Hosts that send reminders one by one record each with
        :meth:`DunningRecord.from_action` and :meth:`add` instead, with the status
        each send actually had.

        >>> DunningHistory().record([]).records
        ()
        """
        actions = (
            run_or_actions.actions if isinstance(run_or_actions, DunningRun) else run_or_actions
        )
        return self.add(*(DunningRecord.from_action(a, status=status) for a in actions))

    def for_item(self, item_id: str, *, as_of: date | None = None) -> tuple[DunningRecord, ...]:
        """The records about ``item_id`` (dated on or before ``as_of``), oldest first.

        >>> DunningHistory().for_item("I1")
        ()
        """
        trail = self._by_item.get(item_id, ())
        if as_of is None:
            return trail
        check_date(as_of, "as_of")
        return tuple(r for r in trail if r.on <= as_of)

    def reached(self, item_id: str, *, as_of: date) -> tuple[int, date | None]:
        """The highest level sent for ``item_id`` by ``as_of`` and the date it was sent.

        ``(0, None)`` when nothing was sent. Failed reminders do not count. When the
        same level was sent twice, the later date counts.

        >>> DunningHistory().reached("I1", as_of=date(2026, 1, 1))
        (0, None)
        """
        level, when = 0, None
        for record in self.for_item(item_id, as_of=as_of):
            if record.status is SendStatus.SENT and record.level >= level:
                level, when = record.level, record.on
        return level, when

    def sent(self, item_id: str, level: int, *, as_of: date) -> bool:
        """Whether level ``level`` was sent for ``item_id`` by ``as_of``.

        >>> DunningHistory().sent("I1", 1, as_of=date(2026, 1, 1))
        False
        """
        return any(
            r.level == level and r.status is SendStatus.SENT
            for r in self.for_item(item_id, as_of=as_of)
        )

    def on_day(self, item_id: str, day: date) -> tuple[DunningRecord, ...]:
        """The records about ``item_id`` dated exactly ``day`` (sent or failed).

        >>> DunningHistory().on_day("I1", date(2026, 1, 1))
        ()
        """
        check_date(day, "day")
        return tuple(r for r in self._by_item.get(item_id, ()) if r.on == day)

    def last_failure(self, item_id: str, *, as_of: date) -> DunningRecord | None:
        """The latest failed record about ``item_id`` above its reached level, if any.

        >>> DunningHistory().last_failure("I1", as_of=date(2026, 1, 1)) is None
        True
        """
        level, _ = self.reached(item_id, as_of=as_of)
        failed = [
            r
            for r in self.for_item(item_id, as_of=as_of)
            if r.status is SendStatus.FAILED and r.level > level
        ]
        return failed[-1] if failed else None
