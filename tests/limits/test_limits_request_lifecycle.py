"""A stateful test of the limit-request lifecycle: no sequence of actions approves a limit
without sufficient authority.

The machine drafts one request (any amount, current limit on file, risk class,
requester) and then tries actions in any order: submit, approve, reject and expire
by any user, on days that only move forward. A small model, written independently
of the code under test, predicts for each action whether it must succeed, raise
PermissionDenied (no authority, four-eyes) or raise ValidationError (wrong state,
expired, no risk class under a matrix with risk-class bands). Invariants check that
an approved request has its limit, that every approver is distinct, is not the
requester and holds a role of the band governing the *true* request (the limit on
file, the customer's class), and that there are as many as that band requires.

Before drafting, the requester tries to choose a more lenient band with false data:
a current limit typed in as a figure, another customer's limit record, or their own
user id padded with whitespace. Each attempt must be refused.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from credkit.errors import PermissionDenied, ValidationError
from credkit.limits import (
    ApprovalMatrix,
    Approver,
    AuthorityBand,
    CreditLimit,
    LimitRequest,
    RequestState,
)
from credkit.money import Money
from credkit.scoring import RiskClass

MATRIX = ApprovalMatrix(
    "limits",
    version="1",
    currency="EUR",
    requester_roles=("analyst", "sales", "credit_manager"),
    bands=(
        AuthorityBand(risk_classes=("D",), roles=("cfo",), approvals=2),
        AuthorityBand(max_amount=50_000, max_increase=10_000, roles=("analyst", "credit_manager")),
        AuthorityBand(max_amount=100_000, roles=("credit_manager",)),
        AuthorityBand(min_amount=100_000, max_amount=500_000, roles=("credit_manager", "cfo")),
        AuthorityBand(min_amount=500_000, roles=("cfo",), approvals=2),
    ),
)
USERS = (
    Approver("ana", roles=("analyst",)),
    Approver("al", roles=("analyst",)),
    Approver("bo", roles=("credit_manager",)),
    Approver("cy", roles=("credit_manager",)),
    Approver("di", roles=("cfo",)),
    Approver("ed", roles=("cfo", "credit_manager")),
    Approver("sam", roles=("sales",)),
    Approver("zoe"),
)
CLASSES = (
    None,
    RiskClass("A", pd="0.005", review_months=24),
    RiskClass("D", pd="0.07", review_months=6),
)
START = date(2026, 3, 2)


UNLIMITED = "unlimited"


def model_band(
    amount: int | None, current: int | str | None, risk: str | None
) -> tuple[set[str], int]:
    """The governing band's roles and approvals, by the documented rules (first match)."""
    if amount is None:
        increase = None
    elif current == UNLIMITED:
        increase = 0  # from no limit, any finite limit is a decrease
    else:
        assert not isinstance(current, str)
        increase = amount - (current or 0)
    if risk == "D":
        return {"cfo"}, 2
    if amount is not None and amount < 50_000 and increase is not None and increase <= 10_000:
        return {"analyst", "credit_manager"}, 1
    if amount is not None and amount < 100_000:
        return {"credit_manager"}, 1
    if amount is not None and amount < 500_000:
        return {"credit_manager", "cfo"}, 1
    return {"cfo"}, 2


class RequestLifecycle(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.today = START
        self.request: LimitRequest
        self.state = RequestState.DRAFT
        self.approvers: list[str] = []

    @initialize(
        amount=st.one_of(st.none(), st.integers(0, 900_000)),
        current=st.one_of(st.none(), st.just(UNLIMITED), st.integers(0, 900_000)),
        claimed=st.integers(0, 900_000),
        risk=st.sampled_from(CLASSES),
        requester=st.sampled_from(USERS),
        expires_in=st.one_of(st.none(), st.integers(0, 20)),
    )
    def draft(
        self,
        amount: int | None,
        current: int | str | None,
        claimed: int,
        risk: RiskClass | None,
        requester: Approver,
        expires_in: int | None,
    ) -> None:
        self.amount, self.current = amount, current
        self.risk = None if risk is None else risk.name
        self.requester = requester
        self.expires_on = None if expires_in is None else START + timedelta(days=expires_in)
        on_file = (
            None
            if current is None
            else CreditLimit(
                "C1",
                None if current == UNLIMITED else Money.of(current, "EUR"),
                currency="EUR",
                valid_from=date(2025, 1, 1),
            )
        )

        def draft(current_limit: object, by: Approver = requester) -> LimitRequest:
            return LimitRequest.draft(
                "R1",
                "C1",
                None if amount is None else Money.of(amount, "EUR"),
                currency="EUR",
                requested_by=by,
                on=START,
                current_limit=current_limit,  # type: ignore[arg-type]
                risk_class=risk,
                expires_on=self.expires_on,
            )

        # Attempts to choose the band from false data are refused at the draft.
        forgeries: list[object] = [
            Money.of(claimed, "EUR"),
            CreditLimit("C2", Money.of(claimed, "EUR"), currency="EUR", valid_from=START),
            CreditLimit(
                "C1",
                Money.of(claimed, "EUR"),
                currency="EUR",
                valid_from=date(2025, 1, 1),
                valid_to=START - timedelta(days=1),
            ),
        ]
        for forged in forgeries:
            with pytest.raises(ValidationError, match=r"^current_limit: "):
                draft(forged)
        with pytest.raises(ValidationError, match=r"^user_id: "):
            Approver(requester.user_id + " ", roles=requester.roles)
        self.request = draft(on_file)
        self.roles, self.needed = model_band(amount, current, self.risk)

    def expired(self) -> bool:
        return self.expires_on is not None and self.today > self.expires_on

    @rule(days=st.integers(0, 7))
    def time_passes(self, days: int) -> None:
        self.today += timedelta(days=days)

    @rule(user=st.sampled_from(USERS))
    def submit(self, user: Approver) -> None:
        if self.state is not RequestState.DRAFT or self.expired():
            expected: type[Exception] | None = ValidationError
        elif user.user_id != self.requester.user_id or not set(user.roles) & set(
            MATRIX.requester_roles
        ):
            expected = PermissionDenied
        elif self.risk is None:
            expected = ValidationError  # the matrix has risk-class bands
        else:
            expected = None
        self._attempt(lambda: self.request.submit(user, matrix=MATRIX, on=self.today), expected)
        if expected is None:
            self.state = RequestState.SUBMITTED

    @rule(user=st.sampled_from(USERS))
    def approve(self, user: Approver) -> None:
        if self.state is not RequestState.SUBMITTED or self.expired():
            expected: type[Exception] | None = ValidationError
        elif (
            user.user_id == self.requester.user_id
            or user.user_id in self.approvers
            or not set(user.roles) & self.roles
        ):
            expected = PermissionDenied
        else:
            expected = None
        self._attempt(lambda: self.request.approve(user, matrix=MATRIX, on=self.today), expected)
        if expected is None:
            self.approvers.append(user.user_id)
            if len(self.approvers) >= self.needed:
                self.state = RequestState.APPROVED

    @rule(user=st.sampled_from(USERS))
    def reject(self, user: Approver) -> None:
        if self.state is not RequestState.SUBMITTED or self.expired():
            expected: type[Exception] | None = ValidationError
        elif user.user_id == self.requester.user_id or not set(user.roles) & self.roles:
            expected = PermissionDenied
        else:
            expected = None
        self._attempt(
            lambda: self.request.reject(user, matrix=MATRIX, on=self.today, reason="no"), expected
        )
        if expected is None:
            self.state = RequestState.REJECTED

    @rule()
    def expire(self) -> None:
        if self.state not in (RequestState.DRAFT, RequestState.SUBMITTED) or not self.expired():
            expected: type[Exception] | None = ValidationError
        else:
            expected = None
        self._attempt(lambda: self.request.expire(on=self.today), expected)
        if expected is None:
            self.state = RequestState.EXPIRED

    def _attempt(self, action: object, expected: type[Exception] | None) -> None:
        assert callable(action)
        error: Exception | None = None
        try:
            result = action()
        except (PermissionDenied, ValidationError) as raised:
            error = raised
        if error is not None:
            assert expected is not None, f"unexpected {type(error).__name__}: {error}"
            assert type(error) is expected, f"expected {expected.__name__}, got {error!r}"
            return
        assert expected is None, f"expected {expected.__name__}, but the action succeeded"
        assert isinstance(result, LimitRequest)
        self.request = result

    @invariant()
    def matches_the_model(self) -> None:
        assert self.request.state is self.state
        assert list(self.request.approvers) == self.approvers

    @invariant()
    def never_approved_without_sufficient_authority(self) -> None:
        request = self.request
        if request.state is not RequestState.APPROVED:
            assert request.limit is None
            return
        users = {u.user_id: u for u in USERS}
        approvers = request.approvers
        assert len(set(approvers)) == len(approvers) >= self.needed
        assert self.requester.user_id not in approvers
        for user_id in approvers:
            assert set(users[user_id].roles) & self.roles
        assert request.limit is not None
        assert request.limit.approved_by == approvers
        assert request.limit.amount == request.amount

    @invariant()
    def the_trail_is_a_chain(self) -> None:
        trail = self.request.trail
        assert trail[0].from_state is None
        for before, after in itertools.pairwise(trail):
            assert after.from_state is before.to_state
            assert after.on >= before.on
        assert trail[-1].to_state is self.request.state


TestRequestLifecycle = RequestLifecycle.TestCase
