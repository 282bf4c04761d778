"""What a rule finds and what a check decides: outcomes, rule results, missing data.

:class:`Outcome` is a credit decision's verdict, ordered ``APPROVE < HOLD < REJECT``
so that "the worse of two outcomes" is ``max(a, b)``. :class:`RuleResult` is one
rule's finding, as data: passed or failed, a stable reason code and a message with
the numbers. :class:`WhenMissing` says what a rule does when the profile lacks the
figure it reads (no score, no payment index): fail or pass, never guess.
:func:`format_amount` writes amounts the way the messages show them.

>>> Outcome.HOLD < Outcome.REJECT, max(Outcome.APPROVE, Outcome.HOLD)
(True, <Outcome.HOLD: 'hold'>)
>>> RuleResult.failure("static_limit", "LIMIT_EXCEEDED", "over the limit").passed
False
>>> format_amount(Money.of("118400", "EUR"))
'118,400.00 EUR'
"""

from __future__ import annotations

import enum

import attrs

from credkit._figures import plain_amount
from credkit._validate import boolean, text
from credkit.errors import ValidationError
from credkit.money import Money

__all__ = ["Outcome", "RuleResult", "WhenMissing", "format_amount"]


class Outcome(enum.Enum):
    """The verdict of a credit check, ordered ``APPROVE < HOLD < REJECT``.

    ``HOLD`` stops the order for a person to look at (release or cancel);
    ``REJECT`` refuses it. When several rules fail, the worst outcome wins: a
    rejection beats a hold. Outcomes compare by that order, so ``max`` of
    several outcomes is the decision.

    >>> sorted([Outcome.REJECT, Outcome.APPROVE, Outcome.HOLD])
    [<Outcome.APPROVE: 'approve'>, <Outcome.HOLD: 'hold'>, <Outcome.REJECT: 'reject'>]
    >>> Outcome("hold") >= Outcome.APPROVE
    True
    """

    APPROVE = "approve"
    HOLD = "hold"
    REJECT = "reject"

    @property
    def rank(self) -> int:
        """0 for approve, 1 for hold, 2 for reject.

        >>> Outcome.REJECT.rank
        2
        """
        return _RANK[self]

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Outcome):
            return NotImplemented
        return _RANK[self] < _RANK[other]

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Outcome):
            return NotImplemented
        return _RANK[self] <= _RANK[other]

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Outcome):
            return NotImplemented
        return _RANK[self] > _RANK[other]

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Outcome):
            return NotImplemented
        return _RANK[self] >= _RANK[other]


_RANK = {Outcome.APPROVE: 0, Outcome.HOLD: 1, Outcome.REJECT: 2}


class WhenMissing(enum.Enum):
    """What a rule does when the profile lacks the figure it reads.

    ``FAIL`` (every rule's default) treats missing data as a failure, so that an
    order is never approved because nobody looked; ``PASS`` lets the order through
    on that rule. In documents, write ``when_missing = "fail"`` or ``"pass"``.

    >>> WhenMissing("pass")
    <WhenMissing.PASS: 'pass'>
    """

    FAIL = "fail"
    PASS = "pass"


@attrs.frozen
class RuleResult:
    """One rule's finding about one order: passed or failed, why, with the numbers.

    ``rule`` is the rule's name (``"static_limit"``), ``code`` its stable reason
    code (``"LIMIT_EXCEEDED"``), ``message`` a sentence for people. Rules return
    results for "the customer is over the limit"; they raise only when misused.
    Build results with :meth:`failure` and :meth:`success`.

    >>> RuleResult.success("watch_list", "WATCH_LIST")
    RuleResult(rule='watch_list', code='WATCH_LIST', passed=True, message='passed')
    """

    rule: str = attrs.field(validator=text)
    code: str = attrs.field(validator=text)
    passed: bool = attrs.field(validator=boolean)
    message: str = attrs.field(validator=attrs.validators.instance_of(str))

    @classmethod
    def failure(cls, rule: str, code: str, message: str) -> RuleResult:
        """A failed finding.

        >>> RuleResult.failure("score_floor", "SCORE_BELOW_FLOOR", "score 480 is below 500").code
        'SCORE_BELOW_FLOOR'
        """
        return cls(rule, code, False, message)

    @classmethod
    def success(cls, rule: str, code: str, message: str = "passed") -> RuleResult:
        """A passed finding.

        >>> RuleResult.success("score_floor", "SCORE_BELOW_FLOOR").passed
        True
        """
        return cls(rule, code, True, message)


def unchecked_failure(rule: str, code: str, message: str) -> RuleResult:
    """A failed :class:`RuleResult` built without running its field validators.

    For the built-in rules, whose names, codes and messages are credkit's own strings:
    a decision's reasons are read often (every held order), and the validators cost
    as much as the rest of building the result. Everything else uses the
    constructor.

    >>> unchecked_failure("watch_list", "WATCH_LIST", "customer is on the watch list") == (
    ...     RuleResult.failure("watch_list", "WATCH_LIST", "customer is on the watch list")
    ... )
    True
    """
    result = object.__new__(RuleResult)
    set_field = object.__setattr__
    set_field(result, "rule", rule)
    set_field(result, "code", code)
    set_field(result, "passed", False)
    set_field(result, "message", message)
    return result


def format_amount(money: Money) -> str:
    """Format ``money`` as the rule messages do: ``118,400.00 EUR``.

    Rounded half away from zero to the currency's minor units, with a comma between
    thousands and the ISO code after the number, whatever the locale: messages are
    for logs and audit trails as much as for people. For locale-aware display use
    :meth:`Money.format <credkit.money.Money.format>`.

    >>> format_amount(Money.of("12000", "EUR")), format_amount(Money.of("1234.5", "JPY"))
    ('12,000.00 EUR', '1,235 JPY')
    """
    if not isinstance(money, Money):
        raise ValidationError(f"money: expected Money, got {type(money).__name__} {money!r}")
    return plain_amount(money.amount, money.currency)
