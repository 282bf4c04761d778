"""Recommending a limit under a policy, with the working kept: :func:`recommend`.

:func:`recommend` runs a :class:`~credkit.limits.LimitPolicy` on
:class:`~credkit.limits.LimitInputs` and returns a :class:`LimitRecommendation`
that keeps its working: every method's figure or why it did not apply, how they
were combined and which won, each floor, cap, group bound, rounding and block in
the order applied (binding or not), the inputs, and the policy's id and version.
:meth:`LimitRecommendation.explain` prints it for an analyst.

>>> from datetime import date
>>> from credkit import Money
>>> from credkit.ledger import Customer
>>> from credkit.scoring import FinancialStatement
>>> from credkit.limits import Bound, LimitPolicy, SalesMethod, TangibleNetWorthMethod, LimitInputs
>>> policy = LimitPolicy(
...     "standard", version="3",
...     calculators=(TangibleNetWorthMethod(percent=10), SalesMethod()),
...     caps=(Bound(Money.of(250000, "EUR")),), rounding_step=5000,
... )
>>> inputs = LimitInputs(
...     Customer("C1", "Acme GmbH", country="DE", currency="EUR", segment="wholesale"),
...     as_of=date(2026, 3, 31),
...     statement=FinancialStatement(book_equity=800000, intangibles=150000, currency="EUR"),
...     monthly_sales=[Money.of(36000, "EUR")] * 12, terms_days=30, grace_days=10,
...     current_limit=Money.of(40000, "EUR"),
... )
>>> print(recommend(inputs, policy).explain())
Credit limit recommendation for C1 (Acme GmbH) as of 2026-03-31, in EUR
Policy: standard version 3
Methods:
  tangible_net_worth  65,000.00 EUR  10% of tangible net worth 650,000.00 EUR
  sales               48,000.00 EUR  average monthly credit sales 36,000.00 EUR over 12 months x (30 terms + 10 grace days) / 30
Combined: minimum of 2 applicable methods: sales is the lowest (48,000.00 EUR)
Adjustments:
  cap: cap for every segment 250,000.00 EUR: not binding
  round_down: round down to a multiple of 5,000: 48,000.00 EUR to 45,000.00 EUR
Recommended limit: 45,000.00 EUR (current 40,000.00 EUR: up 5,000.00 EUR)
"""

from __future__ import annotations

from datetime import date
from typing import Any

import attrs

from credkit._notebook import html_table, rows_caption, text_rows
from credkit._validate import arithmetic_guard, describe, optional_money, text
from credkit.errors import ValidationError
from credkit.fx import RateSource
from credkit.limits._common import floor_minor, fmt, in_currency
from credkit.limits.calculators import MethodResult
from credkit.limits.combinators import (
    Adjustment,
    Combined,
    cap,
    floor,
    round_down,
    zero_if_blocked,
)
from credkit.limits.groups import GroupHeadroom
from credkit.limits.inputs import LimitInputs
from credkit.limits.policy import LimitPolicy
from credkit.money import Money

__all__ = ["LimitRecommendation", "recommend"]


@attrs.frozen
class LimitRecommendation:
    """A recommended limit and everything that led to it.

    ``amount`` is the recommended limit in ``currency``; ``None`` means that no
    method applied, so there is no recommendation (it never means "no limit"). Zero
    is a recommendation of no credit. ``methods`` holds every calculator's result,
    ``combined`` the combination, ``adjustments`` each floor, cap, group bound,
    rounding and block in the order applied. ``insured`` and ``own_risk`` split the
    amount when the customer has credit-insurance cover: the insured part is the
    insurer's buyer limit (at most the amount), the rest is own risk; they sum to
    ``amount``. ``policy_id`` and ``policy_version`` name the policy used.

    >>> from datetime import date
    >>> from credkit.ledger import Customer
    >>> from credkit.limits import LimitPolicy, SalesMethod, LimitInputs
    >>> result = recommend(LimitInputs(Customer("C1", "X", country="DE", currency="EUR"),
    ...                                as_of=date(2026, 1, 31)),
    ...                    LimitPolicy("p", version="1", calculators=(SalesMethod(),)))
    >>> result.amount is None, result.combined.reason
    (True, 'no method applies (sales do not)')
    """

    inputs: LimitInputs = attrs.field(validator=attrs.validators.instance_of(LimitInputs))
    amount: Money | None = attrs.field(validator=optional_money)
    methods: tuple[MethodResult, ...] = attrs.field(kw_only=True)
    combined: Combined = attrs.field(kw_only=True)
    adjustments: tuple[Adjustment, ...] = attrs.field(kw_only=True)
    policy_id: str = attrs.field(kw_only=True, validator=text)
    policy_version: str = attrs.field(kw_only=True, validator=text)
    insured: Money | None = attrs.field(default=None, kw_only=True, validator=optional_money)
    own_risk: Money | None = attrs.field(default=None, kw_only=True, validator=optional_money)

    @property
    def customer_id(self) -> str:
        """The customer's id.

        >>> from datetime import date
        >>> from credkit.ledger import Customer
        >>> from credkit.limits import LimitPolicy, SalesMethod, LimitInputs
        >>> recommend(LimitInputs(Customer("C7", "X", country="DE", currency="EUR"), as_of=date(2026, 1, 31)),
        ...           LimitPolicy("p", version="1", calculators=(SalesMethod(),))).customer_id
        'C7'
        """
        return self.inputs.customer.id

    @property
    def currency(self) -> str:
        """The limit currency.

        >>> from datetime import date
        >>> from credkit.ledger import Customer
        >>> from credkit.limits import LimitPolicy, SalesMethod, LimitInputs
        >>> recommend(LimitInputs(Customer("C7", "X", country="GB", currency="GBP"), as_of=date(2026, 1, 31)),
        ...           LimitPolicy("p", version="1", calculators=(SalesMethod(),))).currency
        'GBP'
        """
        return self.inputs.currency

    @property
    def as_of(self) -> date:
        """The date of the inputs.

        >>> from datetime import date
        >>> from credkit.ledger import Customer
        >>> from credkit.limits import LimitPolicy, SalesMethod, LimitInputs
        >>> recommend(LimitInputs(Customer("C7", "X", country="GB", currency="GBP"), as_of=date(2026, 1, 31)),
        ...           LimitPolicy("p", version="1", calculators=(SalesMethod(),))).as_of
        datetime.date(2026, 1, 31)
        """
        return self.inputs.as_of

    @property
    def chosen(self) -> tuple[str, ...]:
        """The method(s) whose figures the combined amount comes from.

        >>> from datetime import date
        >>> from credkit.ledger import Customer
        >>> from credkit.limits import LimitPolicy, SalesMethod, LimitInputs
        >>> recommend(LimitInputs(Customer("C7", "X", country="GB", currency="GBP"), as_of=date(2026, 1, 31)),
        ...           LimitPolicy("p", version="1", calculators=(SalesMethod(),))).chosen
        ()
        """
        return self.combined.chosen

    @property
    def change(self) -> Money | None:
        """The recommended amount less the current limit (None when either is missing).

        >>> from datetime import date
        >>> from credkit import Money
        >>> from credkit.ledger import Customer
        >>> from credkit.limits import LimitPolicy, BureauMethod, LimitInputs
        >>> recommend(LimitInputs(Customer("C7", "X", country="DE", currency="EUR"), as_of=date(2026, 1, 31),
        ...                       bureau_limit=Money.of(900, "EUR"), current_limit=Money.of(1000, "EUR")),
        ...           LimitPolicy("p", version="1", calculators=(BureauMethod(),))).change
        Money('-100.00', 'EUR')
        """
        current = self.inputs.current_limit
        if self.amount is None or current is None:
            return None
        return self.amount - current

    def method(self, name: str) -> MethodResult:
        """The result of the method called ``name``.

        >>> from datetime import date
        >>> from credkit.ledger import Customer
        >>> from credkit.limits import LimitPolicy, SalesMethod, LimitInputs
        >>> recommend(LimitInputs(Customer("C7", "X", country="GB", currency="GBP"), as_of=date(2026, 1, 31)),
        ...           LimitPolicy("p", version="1", calculators=(SalesMethod(),))).method("sales").reason
        'not applicable: no monthly credit sales history'
        """
        for result in self.methods:
            if result.method == name:
                return result
        known = ", ".join(r.method for r in self.methods)
        raise ValidationError(f"name: no method {name!r} in this recommendation; known: {known}")

    def to_records(self) -> list[dict[str, Any]]:
        """The working as records for a data frame: one per method, combination and adjustment.

        ``stage`` is ``method`` (``name`` the method), ``combined`` (``name`` the rule),
        ``adjustment`` (``name`` the step, ``amount`` the figure after it) or
        ``recommended``, the last record, whose ``amount`` is :attr:`amount`. Amounts are
        ``Decimal`` in ``currency``, None where a method did not apply or there is no
        recommendation. See the how-to guide on notebooks.

        >>> from datetime import date
        >>> from credkit import Money
        >>> from credkit.ledger import Customer
        >>> from credkit.limits import LimitPolicy, BureauMethod, LimitInputs
        >>> result = recommend(LimitInputs(Customer("C7", "X", country="DE", currency="EUR"),
        ...                                as_of=date(2026, 1, 31), bureau_limit=Money.of(900, "EUR")),
        ...                    LimitPolicy("p", version="1", calculators=(BureauMethod(),)))
        >>> [(r["stage"], r["name"], r["amount"]) for r in result.to_records()]
        [('method', 'bureau', Decimal('900.00')), ('combined', 'min', Decimal('900.00')),
         ('recommended', 'p version 1', Decimal('900.00'))]
        """
        head = {"customer_id": self.customer_id, "as_of": self.as_of}

        def record(
            stage: str, name: str, money: Money | None, reason: str | None
        ) -> dict[str, Any]:
            return {
                **head,
                "stage": stage,
                "name": name,
                "amount": None if money is None else money.amount,
                "currency": self.currency if money is None else money.currency,
                "reason": reason,
            }

        records = [record("method", m.method, m.amount, m.reason) for m in self.methods]
        combined = self.combined
        records.append(record("combined", combined.rule, combined.amount, combined.reason))
        records += [record("adjustment", a.step, a.after, a.reason) for a in self.adjustments]
        name = f"{self.policy_id} version {self.policy_version}"
        records.append(record("recommended", name, self.amount, None))
        return records

    def to_rows(self) -> list[dict[str, Any]]:
        """:meth:`to_records` for CSV or JSON: decimals as plain strings, dates in ISO form.

        >>> from datetime import date
        >>> from credkit.ledger import Customer
        >>> from credkit.limits import LimitPolicy, SalesMethod, LimitInputs
        >>> recommend(LimitInputs(Customer("C7", "X", country="GB", currency="GBP"), as_of=date(2026, 1, 31)),
        ...           LimitPolicy("p", version="1", calculators=(SalesMethod(),))).to_rows()[0]
        {'customer_id': 'C7', 'as_of': '2026-01-31', 'stage': 'method', 'name': 'sales', 'amount': None,
         'currency': 'GBP', 'reason': 'not applicable: no monthly credit sales history'}
        """
        return text_rows(self.to_records())

    def _repr_html_(self) -> str:
        """The working as an HTML table, for Jupyter, with the recommended limit in the caption.

        >>> from datetime import date
        >>> from credkit.ledger import Customer
        >>> from credkit.limits import LimitPolicy, SalesMethod, LimitInputs
        >>> "LimitRecommendation for C7 as of 2026-01-31: none" in recommend(
        ...     LimitInputs(Customer("C7", "X", country="GB", currency="GBP"), as_of=date(2026, 1, 31)),
        ...     LimitPolicy("p", version="1", calculators=(SalesMethod(),)))._repr_html_()
        True
        """
        amount = "none" if self.amount is None else fmt(self.amount)
        what = f"for {self.customer_id} as of {self.as_of.isoformat()}: {amount}"
        records = self.to_records()
        return html_table(rows_caption("LimitRecommendation", what, len(records)), records)

    def explain(self) -> str:
        """The working as text an analyst can read (see the module for an example)."""
        customer = self.inputs.customer
        lines = [
            f"Credit limit recommendation for {customer.id} ({customer.name}) as of "
            f"{self.as_of.isoformat()}, in {self.currency}",
            f"Policy: {self.policy_id} version {self.policy_version}",
            "Methods:",
        ]
        width = max((len(r.method) for r in self.methods), default=0)
        figures = [fmt(r.amount) if r.amount is not None else "-" for r in self.methods]
        figure_width = max((len(f) for f in figures), default=0)
        for result, figure in zip(self.methods, figures, strict=True):
            lines.append(
                f"  {result.method.ljust(width)}  {figure.rjust(figure_width)}  {result.reason}"
            )
            if result.insured is not None and result.own_risk is not None:
                lines.append(
                    f"  {''.ljust(width)}  {''.rjust(figure_width)}  insured {fmt(result.insured)}"
                    f" + own risk {fmt(result.own_risk)}"
                )
        lines.append(f"Combined: {self.combined.reason}")
        if self.adjustments:
            lines.append("Adjustments:")
            lines.extend(f"  {a.step}: {a.reason}" for a in self.adjustments)
        lines.append(self._conclusion())
        if self.insured is not None and self.own_risk is not None:
            lines.append(f"  of which insured {fmt(self.insured)}, own risk {fmt(self.own_risk)}")
        return "\n".join(lines)

    def _conclusion(self) -> str:
        if self.amount is None:
            return "Recommended limit: none (no method applies; decide on other grounds)"
        head = f"Recommended limit: {fmt(self.amount)}"
        if self.amount.is_zero:
            head += " (zero: no credit)"
        current = self.inputs.current_limit
        change = self.change
        if current is not None and change is not None:
            if change.is_zero:
                head += f" (current {fmt(current)}: unchanged)"
            else:
                word = "up" if change.is_positive else "down"
                head += f" (current {fmt(current)}: {word} {fmt(abs(change))})"
        return head


@arithmetic_guard
def recommend(
    inputs: LimitInputs,
    policy: LimitPolicy,
    *,
    rates: RateSource | None = None,
    group: GroupHeadroom | None = None,
) -> LimitRecommendation:
    """Recommend a limit for ``inputs`` under ``policy`` (steps in :class:`LimitPolicy`).

    ``rates`` converts amounts in other currencies than the limit's (statements,
    bureau limits, policy amounts, a group limit) on ``inputs.as_of``; ``group`` is
    the member's :func:`~credkit.limits.group_headroom`, which then caps the amount
    (recorded in the working as a ``group`` adjustment).

    >>> from datetime import date
    >>> from credkit import Money
    >>> from credkit.ledger import Customer
    >>> from credkit.limits import LimitPolicy, BureauMethod, LimitInputs, GroupHeadroom
    >>> inputs = LimitInputs(Customer("S1", "Sub", country="DE", currency="EUR", parent_id="H"),
    ...                      as_of=date(2026, 1, 31), bureau_limit=Money.of(90000, "EUR"))
    >>> result = recommend(inputs, LimitPolicy("p", version="1", calculators=(BureauMethod(),)),
    ...                    group=GroupHeadroom(member_id="S1", parent_id="H", headroom=Money.of(60000, "EUR"), reason="group H ..."))
    >>> result.amount, result.adjustments[-1].reason
    (Money('60000.00', 'EUR'), 'group headroom under H 60,000.00 EUR: 90,000.00 EUR lowered to 60,000.00 EUR (group H ...)')
    """
    if not isinstance(inputs, LimitInputs):
        raise ValidationError(f"inputs: expected LimitInputs, got {describe(inputs)}")
    if not isinstance(policy, LimitPolicy):
        raise ValidationError(f"policy: expected a LimitPolicy, got {describe(policy)}")
    if group is not None and not isinstance(group, GroupHeadroom):
        raise ValidationError(f"group: expected a GroupHeadroom or None, got {describe(group)}")
    on = inputs.as_of
    currency = inputs.currency
    methods = []
    for index, calculator in enumerate(policy.calculators):
        result = calculator.recommend(inputs, rates=rates)
        if not isinstance(result, MethodResult):
            raise ValidationError(
                f"calculators[{index}]: {calculator.name!r} returned {describe(result)}; "
                "a calculator must return a MethodResult"
            )
        if result.amount is not None and result.amount.currency != currency:
            raise ValidationError(
                f"calculators[{index}]: {calculator.name!r} gave {result.amount}, not in the "
                f"limit currency {currency}"
            )
        methods.append(result)
    combined = policy.combination.combine(methods)
    amount = combined.amount
    adjustments: list[Adjustment] = []

    def apply(adjustment: Adjustment) -> Money:
        adjustments.append(adjustment)
        return adjustment.after

    if amount is not None:
        segment = inputs.segment
        # Bounds in another currency are converted exactly and then rounded down to
        # minor units, like every limit figure (never half up first).
        for bound, minimum in policy.resolved_bounds(
            "floors", segment=segment, currency=currency, on=on, rates=rates
        ):
            amount = apply(
                floor(amount, floor_minor(minimum), label=f"floor for {bound.describe()}")
            )
        for bound, maximum in policy.resolved_bounds(
            "caps", segment=segment, currency=currency, on=on, rates=rates
        ):
            amount = apply(cap(amount, floor_minor(maximum), label=f"cap for {bound.describe()}"))
        if group is not None and group.headroom is not None:
            room = floor_minor(
                in_currency(group.headroom, currency, on=on, rates=rates, field="group.headroom")
            )
            step = cap(amount, room, label=f"group headroom under {group.parent_id}")
            amount = apply(
                attrs.evolve(step, step="group", reason=f"{step.reason} ({group.reason})")
            )
        step_size = policy.step_for(currency)
        if step_size is not None:
            amount = apply(round_down(amount, step_size))
    if inputs.risk_class is not None and inputs.risk_class in policy.blocked_classes:
        before = amount if amount is not None else Money.zero(currency)
        blocked = zero_if_blocked(
            before, risk_class=inputs.risk_class, blocked=policy.blocked_classes
        )
        if amount is None:
            blocked = attrs.evolve(blocked, reason=f"{blocked.reason}; no method applied")
        amount = apply(blocked)
    insured = own_risk = None
    cover = inputs.insurance
    if (
        amount is not None
        and cover is not None
        and (cover.expires_on is None or on <= cover.expires_on)
    ):
        buyer_limit = floor_minor(
            in_currency(cover.buyer_limit, currency, on=on, rates=rates, field="insurance")
        )
        insured = min(buyer_limit, amount)
        own_risk = amount - insured
    return LimitRecommendation(
        inputs,
        amount,
        methods=tuple(methods),
        combined=combined,
        adjustments=tuple(adjustments),
        policy_id=policy.id,
        policy_version=policy.version,
        insured=insured,
        own_risk=own_risk,
    )
