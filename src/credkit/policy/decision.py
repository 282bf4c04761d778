"""The decision a credit check returns, with its reasons, available credit and fingerprint.

A :class:`Decision` holds the outcome, the policy entries that failed, the policy
and the inputs themselves. Everything derived from those is computed when asked
for, not during the check: the reasons (every failed rule's code and message, with
the outcome its policy entry gave it) as :class:`Reason` values, the exemption that
applied (prepaid, or an order that adds no exposure), the available credit before
and after the order, and the :attr:`Decision.fingerprint` (hashing costs more than
the check itself). Rules are pure functions of the profile and the order, so a
message worked out later is the message the check would have written.

>>> from datetime import date
>>> from credkit.money import Money
>>> from credkit.policy.credit_check import check
>>> from credkit.policy.exposure import Exposure, ExposureComponent
>>> from credkit.policy.order import OrderRequest
>>> from credkit.policy.policy import Policy
>>> from credkit.policy.profile import CreditProfile
>>> from credkit.policy.rules import StaticLimit
>>> profile = CreditProfile(
...     "C-100",
...     as_of=date(2026, 11, 23),
...     limit=Money.of("120000.00", "EUR"),
...     exposure=Exposure(
...         (ExposureComponent("open_receivables", Money.of("118400.00", "EUR")),), currency="EUR"
...     ),
... )
>>> order = OrderRequest("SO-1", Money.of("12000.00", "EUR"), order_date=date(2026, 11, 23))
>>> decision = check(profile, order, Policy("standard", version="1", rules=[StaticLimit()]))
>>> decision.outcome, decision.codes
(<Outcome.HOLD: 'hold'>, ('LIMIT_EXCEEDED',))
>>> decision.available_before, decision.available_after
(Money('1600.00', 'EUR'), Money('-10400.00', 'EUR'))
"""

from __future__ import annotations

from typing import Any

import attrs

from credkit._figures import plain_amount
from credkit._notebook import html_table, joined, rows_caption, text_rows
from credkit.money import Money
from credkit.policy.fingerprints import fingerprint
from credkit.policy.order import OrderRequest
from credkit.policy.policy import Policy, PolicyEntry
from credkit.policy.profile import CreditProfile
from credkit.policy.result import Outcome, RuleResult

__all__ = ["Decision", "Reason"]


@attrs.frozen(kw_only=True)
class Reason:
    """Why a decision is not a plain approval: one failed rule and the outcome it carried.

    >>> Reason(rule="watch_list", code="WATCH_LIST", message="customer is on the watch list", outcome=Outcome.HOLD).code
    'WATCH_LIST'
    """

    rule: str
    code: str
    message: str
    outcome: Outcome


@attrs.define(slots=True, repr=False, unsafe_hash=True)
class Decision:
    """The result of :func:`~credkit.policy.credit_check.check`: an outcome and everything behind it.

    ``outcome`` is the worst outcome among the failed rules (``REJECT`` beats
    ``HOLD``), or ``APPROVE`` when none failed. ``failed`` lists the policy entries
    whose rule failed, in policy order, each with its
    :class:`~credkit.policy.result.RuleResult`, or ``None`` for a built-in rule,
    whose result (message and numbers) is only worked out when asked for:
    :attr:`results`, :attr:`reasons` and :attr:`codes` do that. ``profile``,
    ``order`` and ``policy`` are the inputs, kept for audit.

    A decision is immutable: its fields are read-only properties. (It is not an
    attrs *frozen* class only because building one of those costs about a third of
    a whole check.) Build decisions with :func:`~credkit.policy.credit_check.check`; the
    constructor does not re-check that the outcome follows from the rest.
    """

    _outcome: Outcome
    _profile: CreditProfile
    _order: OrderRequest
    _policy: Policy
    _failed: tuple[tuple[PolicyEntry, RuleResult | None], ...] = ()

    @property
    def outcome(self) -> Outcome:
        """Approve, hold or reject."""
        return self._outcome

    @property
    def profile(self) -> CreditProfile:
        """The profile the order was checked against."""
        return self._profile

    @property
    def order(self) -> OrderRequest:
        """The order that was checked."""
        return self._order

    @property
    def policy(self) -> Policy:
        """The policy that decided (the one a policy set chose, when given a set)."""
        return self._policy

    @property
    def failed(self) -> tuple[tuple[PolicyEntry, RuleResult | None], ...]:
        """The failed entries in policy order, each with its result (``None``: worked out on demand)."""
        return self._failed

    def __repr__(self) -> str:
        return (
            f"Decision(outcome={self._outcome!r}, order_id={self._order.order_id!r}, "
            f"customer_id={self._profile.customer_id!r}, policy={self._policy.id!r}, "
            f"version={self._policy.version!r}, codes={self.codes!r})"
        )

    @property
    def policy_id(self) -> str:
        """The id of the policy that decided.

        >>> from datetime import date
        >>> from credkit.policy.exposure import Exposure
        >>> from credkit.policy.rules import WatchList
        >>> profile = CreditProfile("C-1", as_of=date(2026, 11, 23), exposure=Exposure((), currency="EUR"))
        >>> order = OrderRequest("SO-1", Money.of(5, "EUR"), order_date=date(2026, 11, 23))
        >>> policy = Policy("standard", version="4", rules=[WatchList()])
        >>> decision = Decision(Outcome.APPROVE, profile, order, policy)
        >>> decision.policy_id, decision.policy_version
        ('standard', '4')
        """
        return self.policy.id

    @property
    def policy_version(self) -> str:
        """The version of the policy that decided."""
        return self.policy.version

    @property
    def exemption(self) -> RuleResult | None:
        """The passed ``PREPAID`` or ``REDUCES_EXPOSURE`` result when the exemption applied.

        ``None`` for an order checked by every rule.
        """
        policy = self.policy
        if self.order.prepaid and policy.exempt_prepaid:
            return policy.prepaid_result
        if self.order.amount.amount <= 0 and policy.exempt_reductions:
            return policy.reduction_result
        return None

    @property
    def results(self) -> tuple[RuleResult, ...]:
        """The failed rules' results, in policy order, with their messages.

        A built-in rule's result is worked out here from the profile and the order
        (rules are pure functions of those, so it is the result the check found).
        """
        results = []
        for entry, result in self.failed:
            if result is None:
                result = entry.rule.explain(self.profile, self.order)  # type: ignore[attr-defined]
            results.append(result)
        return tuple(results)

    @property
    def reasons(self) -> tuple[Reason, ...]:
        """Every failed rule: its name, reason code, message and the outcome its entry gave it.

        >>> from datetime import date
        >>> from credkit.policy.exposure import Exposure
        >>> from credkit.policy.rules import WatchList
        >>> profile = CreditProfile("C-1", as_of=date(2026, 11, 23), exposure=Exposure((), currency="EUR"))
        >>> order = OrderRequest("SO-1", Money.of(5, "EUR"), order_date=date(2026, 11, 23))
        >>> Decision(Outcome.APPROVE, profile, order, Policy("p", version="1", rules=[WatchList()])).reasons
        ()
        """
        profile, order = self._profile, self._order
        reasons = []
        for entry, result in self._failed:
            if result is None:
                result = entry.rule.explain(profile, order)  # type: ignore[attr-defined]
            reasons.append(
                Reason(
                    rule=result.rule,
                    code=result.code,
                    message=result.message,
                    outcome=entry.on_fail,
                )
            )
        return tuple(reasons)

    @property
    def codes(self) -> tuple[str, ...]:
        """The reason codes of the failed rules, in policy order.

        >>> from datetime import date
        >>> from credkit.policy.credit_check import check
        >>> from credkit.policy.exposure import Exposure
        >>> from credkit.policy.rules import WatchList
        >>> profile = CreditProfile(
        ...     "C-1", as_of=date(2026, 11, 23), exposure=Exposure((), currency="EUR"), watch_list=True
        ... )
        >>> order = OrderRequest("SO-1", Money.of(5, "EUR"), order_date=date(2026, 11, 23))
        >>> check(profile, order, Policy("p", version="1", rules=[WatchList()])).codes
        ('WATCH_LIST',)
        """
        return tuple(result.code for result in self.results)

    @property
    def available_before(self) -> Money | None:
        """The limit less the exposure before the order (``None`` without a limit).

        >>> from datetime import date
        >>> from credkit.policy.exposure import Exposure
        >>> from credkit.policy.rules import WatchList
        >>> profile = CreditProfile("C-1", as_of=date(2026, 11, 23), exposure=Exposure((), currency="EUR"),
        ...                         limit=Money.of(100, "EUR"))
        >>> order = OrderRequest("SO-1", Money.of(30, "EUR"), order_date=date(2026, 11, 23))
        >>> policy = Policy("standard", version="1", rules=[WatchList()])
        >>> Decision(Outcome.APPROVE, profile, order, policy).available_before
        Money('100', 'EUR')
        """
        return self.profile.available_credit

    @property
    def available_after(self) -> Money | None:
        """The available credit once the order is taken (``None`` without a limit).

        The order's amount is deducted (a negative amount adds credit back), except
        for a prepaid order, which uses no credit: there it equals
        :attr:`available_before`. The figure does not depend on the outcome: it
        says what taking the order would leave, which is what a person releasing a
        held order needs to know.

        >>> from datetime import date
        >>> from credkit.policy.exposure import Exposure
        >>> from credkit.policy.rules import WatchList
        >>> profile = CreditProfile("C-1", as_of=date(2026, 11, 23), exposure=Exposure((), currency="EUR"),
        ...                         limit=Money.of(100, "EUR"))
        >>> paid = OrderRequest("SO-1", Money.of(30, "EUR"), order_date=date(2026, 11, 23), prepaid=True)
        >>> policy = Policy("standard", version="1", rules=[WatchList()])
        >>> Decision(Outcome.APPROVE, profile, paid, policy).available_after
        Money('100', 'EUR')
        """
        before = self.profile.available_credit
        if before is None or self.order.prepaid:
            return before
        return Money(before.amount - self.order.amount.amount, before.currency)

    @property
    def fingerprint(self) -> str:
        """SHA-256 (hex) of the canonical inputs: profile, order, and the policy's id,
        version and :attr:`~credkit.policy.policy.Policy.digest` (its content).

        Computed on demand; see :func:`~credkit.policy.fingerprints.fingerprint`.
        """
        return fingerprint(
            self.profile,
            self.order,
            policy_id=self.policy_id,
            policy_version=self.policy_version,
            policy_digest=self.policy.digest,
        )

    def to_record(self) -> dict[str, Any]:
        """A JSON-ready record of the decision, for a decision log.

        Amounts are strings of exact decimals; the inputs themselves are not
        repeated (store them alongside, or recompute the fingerprint from them).
        """
        before = self.available_before
        after = self.available_after
        return {
            "customer_id": self.profile.customer_id,
            "order_id": self.order.order_id,
            "as_of": self.profile.as_of.isoformat(),
            "order_date": self.order.order_date.isoformat(),
            "amount": {
                "amount": str(self.order.amount.amount),
                "currency": self.order.amount.currency,
            },
            "outcome": self.outcome.value,
            "reasons": [
                {"rule": r.rule, "code": r.code, "message": r.message, "outcome": r.outcome.value}
                for r in self.reasons
            ],
            "exemption": None
            if self.exemption is None
            else {"code": self.exemption.code, "message": self.exemption.message},
            "available_before": None if before is None else str(before.amount),
            "available_after": None if after is None else str(after.amount),
            "currency": self.profile.currency,
            "policy_id": self.policy_id,
            "policy_version": self.policy_version,
            "policy_digest": self.policy.digest,
            "fingerprint": self.fingerprint,
        }

    def to_records(self) -> list[dict[str, Any]]:
        """One record for a data frame: the order, the outcome, its reasons and the credit.

        ``amount`` is the order's amount (``amount_currency`` its currency);
        ``available_before`` and ``available_after`` are in ``currency``, the profile's
        (None without a limit). ``codes`` are the reason codes and ``reasons`` the codes
        with their messages, each in one text column; ``exemption`` is the exemption's
        code or None. Stack the records of many decisions with
        ``[r for d in decisions for r in d.to_records()]``; see the how-to guide on
        notebooks (:meth:`to_record` is the JSON record of a decision log).

        >>> from datetime import date
        >>> from credkit.policy.exposure import Exposure
        >>> from credkit.policy.rules import WatchList
        >>> profile = CreditProfile("C-1", as_of=date(2026, 11, 23), exposure=Exposure((), currency="EUR"),
        ...                         limit=Money.of(100, "EUR"), watch_list=True)
        >>> order = OrderRequest("SO-1", Money.of(30, "EUR"), order_date=date(2026, 11, 23))
        >>> from credkit.policy.credit_check import check
        >>> check(profile, order, Policy("standard", version="1", rules=[WatchList()])).to_records()
        [{'customer_id': 'C-1', 'order_id': 'SO-1', 'as_of': datetime.date(2026, 11, 23),
          'order_date': datetime.date(2026, 11, 23), 'outcome': 'hold', 'amount': Decimal('30'),
          'amount_currency': 'EUR', 'prepaid': False, 'available_before': Decimal('100'),
          'available_after': Decimal('70'), 'currency': 'EUR', 'codes': 'WATCH_LIST',
          'reasons': 'WATCH_LIST: ...', 'exemption': None, 'policy_id': 'standard',
          'policy_version': '1'}]
        """
        before = self.available_before
        after = self.available_after
        exemption = self.exemption
        reasons = self.reasons
        return [
            {
                "customer_id": self.profile.customer_id,
                "order_id": self.order.order_id,
                "as_of": self.profile.as_of,
                "order_date": self.order.order_date,
                "outcome": self.outcome.value,
                "amount": self.order.amount.amount,
                "amount_currency": self.order.amount.currency,
                "prepaid": self.order.prepaid,
                "available_before": None if before is None else before.amount,
                "available_after": None if after is None else after.amount,
                "currency": self.profile.currency,
                "codes": joined(r.code for r in reasons),
                "reasons": "; ".join(f"{r.code}: {r.message}" for r in reasons),
                "exemption": None if exemption is None else exemption.code,
                "policy_id": self.policy_id,
                "policy_version": self.policy_version,
            }
        ]

    def to_rows(self) -> list[dict[str, Any]]:
        """:meth:`to_records` for CSV or JSON: decimals as plain strings, dates in ISO form.

        >>> from datetime import date
        >>> from credkit.policy.exposure import Exposure
        >>> from credkit.policy.rules import WatchList
        >>> profile = CreditProfile("C-1", as_of=date(2026, 11, 23), exposure=Exposure((), currency="EUR"))
        >>> order = OrderRequest("SO-1", Money.of("5.00", "EUR"), order_date=date(2026, 11, 23))
        >>> row, = Decision(Outcome.APPROVE, profile, order, Policy("p", version="1", rules=[WatchList()])).to_rows()
        >>> row["as_of"], row["amount"], row["available_after"], row["codes"]
        ('2026-11-23', '5.00', None, '')
        """
        return text_rows(self.to_records())

    def _repr_html_(self) -> str:
        """The record as an HTML table (field, value), for Jupyter.

        >>> from datetime import date
        >>> from credkit.policy.exposure import Exposure
        >>> from credkit.policy.rules import WatchList
        >>> profile = CreditProfile("C-1", as_of=date(2026, 11, 23), exposure=Exposure((), currency="EUR"))
        >>> order = OrderRequest("SO-1", Money.of(5, "EUR"), order_date=date(2026, 11, 23))
        >>> decision = Decision(Outcome.APPROVE, profile, order, Policy("p", version="1", rules=[WatchList()]))
        >>> "Decision approve on SO-1 for C-1" in decision._repr_html_()
        True
        """
        what = f"{self.outcome.value} on {self.order.order_id} for {self.profile.customer_id}"
        return html_table(rows_caption("Decision", what, 1), self.to_records())

    def summary(self) -> str:
        """The decision in a few lines of text, as the command line prints it.

        >>> from datetime import date
        >>> from credkit.policy.exposure import Exposure
        >>> from credkit.policy.rules import WatchList
        >>> profile = CreditProfile("C-1", as_of=date(2026, 11, 23), exposure=Exposure((), currency="EUR"),
        ...                         limit=Money.of(100, "EUR"))
        >>> order = OrderRequest("SO-1", Money.of(30, "EUR"), order_date=date(2026, 11, 23))
        >>> policy = Policy("standard", version="1", rules=[WatchList()])
        >>> print(Decision(Outcome.APPROVE, profile, order, policy).summary())
        SO-1 for C-1: APPROVE (policy standard version 1)
          order 30.00 EUR; available credit 100.00 EUR before, 70.00 EUR after
        """
        order = self.order
        currency = order.amount.currency
        lines = [
            f"{order.order_id} for {self.profile.customer_id}: {self.outcome.value.upper()} "
            f"(policy {self.policy_id} version {self.policy_version})"
        ]
        before = self.available_before
        after = self.available_after
        credit = (
            "no limit"
            if before is None or after is None
            else f"available credit {plain_amount(before.amount, currency)} before, "
            f"{plain_amount(after.amount, currency)} after"
        )
        lines.append(f"  order {plain_amount(order.amount.amount, currency)}; {credit}")
        if self.exemption is not None:
            lines.append(f"  {self.exemption.code}: {self.exemption.message}")
        for reason in self.reasons:
            lines.append(f"  {reason.outcome.value} {reason.code}: {reason.message}")
        return "\n".join(lines)
