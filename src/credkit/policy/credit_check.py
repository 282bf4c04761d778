"""The credit check: one order, one profile, one policy, one decision.

:func:`check` is the hot path an ERP calls on every sales order. It validates its
inputs once, picks the policy (when given a
:class:`~credkit.policy.policy.PolicySet`), applies the prepaid and no-exposure
exemptions, and runs the policy's compiled function (one ``if`` per built-in rule,
one call per custom rule), which builds nothing for a rule that passes and only
notes which entries failed. The outcome is
the worst outcome of the failed rules, ``REJECT`` before ``HOLD`` before
``APPROVE``; an entry with ``stop`` ends the evaluation when it fails. Everything
else the :class:`~credkit.policy.decision.Decision` offers (messages, available
credit, the fingerprint) is computed when asked.

The decision is a pure function of the profile, the order and the policy: no
clock, no I/O, no global state.

>>> from datetime import date
>>> from credkit.money import Money
>>> from credkit.policy.exposure import Exposure, ExposureComponent
>>> from credkit.policy.order import OrderRequest
>>> from credkit.policy.policy import Policy, PolicyEntry
>>> from credkit.policy.profile import CreditProfile
>>> from credkit.policy.rules import CustomerBlocked, OverdueTooOld, StaticLimit
>>> policy = Policy(
...     "standard",
...     version="1",
...     rules=[
...         PolicyEntry(CustomerBlocked(), on_fail="reject", stop=True),
...         StaticLimit(),
...         PolicyEntry(OverdueTooOld(max_days=60), on_fail="reject"),
...     ],
... )
>>> profile = CreditProfile(
...     "C-200",
...     as_of=date(2026, 11, 23),
...     limit=Money.of("50000.00", "EUR"),
...     exposure=Exposure(
...         (ExposureComponent("open_receivables", Money.of("49000.00", "EUR")),), currency="EUR"
...     ),
...     overdue_amount=Money.of("9000.00", "EUR"),
...     oldest_overdue_days=75,
...     overdue_share="0.2",
... )
>>> order = OrderRequest("SO-7", Money.of("2500.00", "EUR"), order_date=date(2026, 11, 23))
>>> decision = check(profile, order, policy)
>>> decision.outcome
<Outcome.REJECT: 'reject'>
>>> for reason in decision.reasons:
...     print(reason.outcome.value, reason.code, "-", reason.message)
hold LIMIT_EXCEEDED - exposure 49,000.00 EUR + order 2,500.00 EUR exceeds limit 50,000.00 EUR
reject OVERDUE_TOO_OLD - oldest overdue item is 75 days past due, more than 60
>>> prepaid = OrderRequest("SO-8", Money.of("2500.00", "EUR"), order_date=date(2026, 11, 23), prepaid=True)
>>> check(profile, prepaid, policy).exemption.code
'PREPAID'
"""

from __future__ import annotations

from credkit._validate import describe
from credkit.errors import ValidationError
from credkit.policy.decision import Decision
from credkit.policy.order import OrderRequest
from credkit.policy.policy import Policy, PolicySet
from credkit.policy.profile import CreditProfile
from credkit.policy.result import Outcome
from credkit.policy.rules import check_inputs

__all__ = ["check"]

_APPROVE = Outcome.APPROVE
_HOLD = Outcome.HOLD
_REJECT = Outcome.REJECT


def check(profile: CreditProfile, order: OrderRequest, policy: Policy | PolicySet) -> Decision:
    """Decide on ``order`` for the customer described by ``profile`` under ``policy``.

    ``policy`` is a :class:`~credkit.policy.policy.Policy` or a
    :class:`~credkit.policy.policy.PolicySet` (which chooses the policy for the
    profile and the order's stage). The order must be in the profile's currency
    (:class:`~credkit.errors.CurrencyMismatchError` otherwise) and, when it names a
    customer, be for the profile's customer.

    Prepaid orders (with the policy's ``exempt_prepaid``) and orders of zero or
    less (with ``exempt_reductions``) are checked only by the entries that apply to
    prepaid orders, and the decision's ``exemption`` records ``PREPAID`` or
    ``REDUCES_EXPOSURE``.

    >>> from datetime import date
    >>> from credkit.money import Money
    >>> from credkit.policy.exposure import Exposure
    >>> from credkit.policy.rules import RequireLimit
    >>> profile = CreditProfile("C-1", as_of=date(2026, 11, 23), exposure=Exposure((), currency="EUR"))
    >>> credit = OrderRequest("CR-1", Money.of("-200.00", "EUR"), order_date=date(2026, 11, 23))
    >>> decision = check(profile, credit, Policy("p", version="1", rules=[RequireLimit()]))
    >>> decision.outcome, decision.exemption.code
    (<Outcome.APPROVE: 'approve'>, 'REDUCES_EXPOSURE')
    >>> check(profile, credit, "standard")
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: policy: expected a Policy or a PolicySet, got str 'standard'
    """
    if (
        profile.__class__ is not CreditProfile
        or order.__class__ is not OrderRequest
        or order.amount.currency != profile.currency
        or order.customer_id is not None
    ):
        check_inputs(profile, order)  # raises for anything wrong; subclasses may pass
    if policy.__class__ is not Policy:
        if isinstance(policy, PolicySet):
            policy = policy.policy_for(profile, stage=order.stage)
        elif not isinstance(policy, Policy):
            raise ValidationError(
                f"policy: expected a Policy or a PolicySet, got {describe(policy)}"
            )
    amount = order.amount.amount
    if (order.prepaid and policy.exempt_prepaid) or (amount <= 0 and policy.exempt_reductions):
        failed = policy.decide_prepaid(profile, order, amount)
    else:
        failed = policy.decide(profile, order, amount)
    if not failed:
        return Decision(_APPROVE, profile, order, policy, ())
    outcome = _HOLD
    for entry, _ in failed:
        if entry.on_fail is _REJECT:
            outcome = _REJECT
            break
    return Decision(outcome, profile, order, policy, tuple(failed))
