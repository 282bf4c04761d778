"""Limit requests and their lifecycle: draft, submitted, approved, rejected, expired.

A :class:`LimitRequest` asks for a new credit limit for a customer. It moves
through its states only by pure methods that return a new request with one more
:class:`AuditEntry` in its ``trail`` (who, what, when, from which state to which,
and why)::

    draft --submit--> submitted --approve (enough approvers)--> approved
                          |  \\--reject--> rejected
    draft | submitted --expire (after expires_on)--> expired

Every transition checks authority against an
:class:`~credkit.limits.ApprovalMatrix` and raises
:class:`~credkit.errors.PermissionDenied` with the reason; a transition that makes
no sense in the current state (approving a draft, acting after the expiry date,
acting on a date before the last action) raises
:class:`~credkit.errors.ValidationError`. The four-eyes rules: only the requester
submits, the requester never approves or rejects their own request, and each
person's approval counts once. When the governing band's number of distinct
authorised approvers is reached the request is approved and carries the new
:class:`~credkit.limits.CreditLimit` in ``limit``. No clock is read: every
transition takes its date.

The governing band depends on the request's ``current_limit`` and ``risk_class``,
so they must come from the host's records, not from what the requester types:
``current_limit`` is the :class:`~credkit.limits.CreditLimit` on file (checked to
be the same customer's, in the request currency and in force on the request
date), and a matrix with risk-class bands refuses a request without a risk class.
User ids are compared exactly (case-sensitive); ids with leading or trailing
whitespace are refused, and hosts must pass one normalised spelling per person.

>>> from datetime import date
>>> from credkit import Money
>>> from credkit.limits import ApprovalMatrix, AuthorityBand, Approver
>>> matrix = ApprovalMatrix("limits", version="1", currency="EUR", bands=(
...     AuthorityBand(max_amount=100000, roles=("analyst",)),
...     AuthorityBand(min_amount=100000, roles=("credit_manager",), approvals=2),
... ))
>>> ana, bo, cy = (Approver("ana", roles=("analyst",)), Approver("bo", roles=("credit_manager",)),
...                Approver("cy", roles=("credit_manager",)))
>>> request = LimitRequest.draft("R1", "C1", Money.of(250000, "EUR"), requested_by=ana, on=date(2026, 3, 2))
>>> request = request.submit(ana, matrix=matrix, on=date(2026, 3, 2))
>>> request = request.approve(bo, matrix=matrix, on=date(2026, 3, 3))
>>> request.state.value, [e.reason for e in request.trail][-1]
('submitted', 'approval 1 of 2 (band from 100,000.00 EUR)')
>>> request = request.approve(cy, matrix=matrix, on=date(2026, 3, 4))
>>> request.state.value, request.limit.describe()
('approved', '250,000.00 EUR (internal), valid from 2026-03-04, approved by bo, cy on 2026-03-04')
"""

from __future__ import annotations

import enum
from datetime import date
from typing import Any

import attrs

from credkit._validate import (
    check_date,
    currency_code,
    describe,
    is_date,
    optional_date,
    optional_non_negative_money,
    text,
    to_tuple,
    tuple_of,
)
from credkit.errors import PermissionDenied, ValidationError
from credkit.fx import RateSource
from credkit.limits._common import check_user_id, fmt, is_user_id
from credkit.limits.approval import ApprovalMatrix, Approver, AuthorityBand
from credkit.limits.credit_limit import CreditLimit, LimitKind, next_review_date
from credkit.money import Money
from credkit.scoring.risk import RiskClass

__all__ = ["Approval", "AuditEntry", "LimitRequest", "RequestState"]


class RequestState(enum.Enum):
    """Where a :class:`LimitRequest` is in its lifecycle.

    >>> [s.value for s in RequestState]
    ['draft', 'submitted', 'approved', 'rejected', 'expired']
    """

    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    EXPIRED = "expired"


def _optional_state(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not isinstance(value, RequestState):
        raise ValidationError(f"{attribute.name}: expected a RequestState, got {describe(value)}")


@attrs.frozen(kw_only=True)
class AuditEntry:
    """One line of a request's audit trail: who did what, when, from which state to which, why.

    >>> from datetime import date
    >>> AuditEntry(who="ana", action="submit", on=date(2026, 3, 2), from_state=RequestState.DRAFT, to_state=RequestState.SUBMITTED).describe()
    '2026-03-02 ana submit: draft -> submitted'
    """

    who: str = attrs.field(validator=is_user_id)
    action: str = attrs.field(validator=text)
    on: date = attrs.field(validator=is_date)
    from_state: RequestState | None = attrs.field(validator=_optional_state)
    to_state: RequestState = attrs.field(validator=attrs.validators.instance_of(RequestState))
    reason: str = attrs.field(default="", kw_only=True, validator=attrs.validators.instance_of(str))

    def describe(self) -> str:
        """The entry as one line.

        >>> from datetime import date
        >>> AuditEntry(who="ana", action="create", on=date(2026, 3, 2), from_state=None, to_state=RequestState.DRAFT, reason="x").describe()
        '2026-03-02 ana create: -> draft (x)'
        """
        start = f"{self.from_state.value} " if self.from_state is not None else ""
        why = f" ({self.reason})" if self.reason else ""
        return (
            f"{self.on.isoformat()} {self.who} {self.action}: {start}-> {self.to_state.value}{why}"
        )


@attrs.frozen
class Approval:
    """One approver's approval of a request: who, with which roles, on which day.

    >>> from datetime import date
    >>> Approval("bo", roles=("credit_manager",), on=date(2026, 3, 3)).user_id
    'bo'
    """

    user_id: str = attrs.field(validator=is_user_id)
    roles: tuple[str, ...] = attrs.field(
        kw_only=True, converter=to_tuple, validator=tuple_of(str, "a role")
    )
    on: date = attrs.field(kw_only=True, validator=is_date)


def _current_limit(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not isinstance(value, CreditLimit):
        raise ValidationError(
            "current_limit: expected the CreditLimit on file for the customer (or None if "
            f"there is none), got {describe(value)}"
        )


def _requester(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Approver):
        raise ValidationError(
            f"requested_by: expected an Approver (user id and roles), got {describe(value)}"
        )


def _risk_class(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not isinstance(value, RiskClass):
        raise ValidationError(
            f"risk_class: expected a credkit.scoring.RiskClass or None, got {describe(value)}"
        )


def _default_currency(instance: Any) -> Any:
    amount = instance.amount
    return amount.currency if isinstance(amount, Money) else None


@attrs.frozen
class LimitRequest:
    """A request for a new credit limit, with its state, approvals and audit trail.

    Start one with :meth:`draft`. ``amount`` is the limit asked for (``None``: no
    limit, which only an open-ended band can authorise; zero: no credit);
    ``current_limit`` the :class:`~credkit.limits.CreditLimit` on file (``None``:
    none on record), which makes the increase that bands may look at: it must be
    the request customer's, in the request currency and in force on the request
    date; ``risk_class`` the customer's :class:`~credkit.scoring.RiskClass` (bands
    by class, required when the matrix has any; the new limit's review date). Both
    choose the governing band, so the host fills them from its records, never from
    what the requester types. ``valid_from`` (default: the approval date), ``valid_to`` and ``kind``
    go to the new limit; ``expires_on`` is the last day the request can be decided.

    Hosts that store requests can rebuild one with the constructor; it checks that
    the record is consistent (an approved request has its limit, approvers are
    distinct and not the requester) but not the authority of past approvals.

    >>> from datetime import date
    >>> from credkit import Money
    >>> from credkit.limits import CreditLimit
    >>> on_file = CreditLimit("C2", Money.of(1000, "EUR"), currency="EUR", valid_from=date(2026, 1, 1))
    >>> LimitRequest.draft("R1", "C1", Money.of(5000, "EUR"), requested_by=Approver("ana"),
    ...                    on=date(2026, 3, 2), current_limit=on_file)
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: current_limit: the CreditLimit is customer 'C2''s, not that of the request's customer 'C1'
    """

    id: str = attrs.field(validator=text)
    customer_id: str = attrs.field(validator=text)
    amount: Money | None = attrs.field(validator=optional_non_negative_money)
    currency: str = attrs.field(
        kw_only=True,
        default=attrs.Factory(_default_currency, takes_self=True),
        validator=currency_code,
    )
    requested_by: Approver = attrs.field(kw_only=True, validator=_requester)
    requested_on: date = attrs.field(kw_only=True, validator=is_date)
    current_limit: CreditLimit | None = attrs.field(
        default=None, kw_only=True, validator=_current_limit
    )
    kind: LimitKind = attrs.field(
        default=LimitKind.INTERNAL, kw_only=True, validator=attrs.validators.instance_of(LimitKind)
    )
    risk_class: RiskClass | None = attrs.field(default=None, kw_only=True, validator=_risk_class)
    valid_from: date | None = attrs.field(default=None, kw_only=True, validator=optional_date)
    valid_to: date | None = attrs.field(default=None, kw_only=True, validator=optional_date)
    expires_on: date | None = attrs.field(default=None, kw_only=True, validator=optional_date)
    justification: str = attrs.field(
        default="", kw_only=True, validator=attrs.validators.instance_of(str)
    )
    state: RequestState = attrs.field(
        default=RequestState.DRAFT,
        kw_only=True,
        validator=attrs.validators.instance_of(RequestState),
    )
    matrix_id: str | None = attrs.field(default=None, kw_only=True)
    matrix_version: str | None = attrs.field(default=None, kw_only=True)
    approvals: tuple[Approval, ...] = attrs.field(
        default=(), kw_only=True, converter=to_tuple, validator=tuple_of(Approval, "an Approval")
    )
    trail: tuple[AuditEntry, ...] = attrs.field(
        default=(),
        kw_only=True,
        converter=to_tuple,
        validator=tuple_of(AuditEntry, "an AuditEntry"),
    )
    limit: CreditLimit | None = attrs.field(default=None, kw_only=True)

    def __attrs_post_init__(self) -> None:
        if self.amount is not None and self.amount.currency != self.currency:
            raise ValidationError(
                f"amount: {self.amount} is not in the request currency {self.currency}"
            )
        current = self.current_limit
        if current is not None:
            if current.customer_id != self.customer_id:
                raise ValidationError(
                    f"current_limit: the CreditLimit is customer {current.customer_id!r}'s, not "
                    f"that of the request's customer {self.customer_id!r}"
                )
            if current.currency != self.currency:
                raise ValidationError(
                    f"current_limit: the CreditLimit is in {current.currency}, not in the "
                    f"request currency {self.currency}"
                )
            if not current.in_force(self.requested_on):
                raise ValidationError(
                    f"current_limit: the CreditLimit ({current.describe()}) is not in force on "
                    f"the request date {self.requested_on.isoformat()}; pass the limit in force "
                    "then, or None if there is none"
                )
        if (
            self.valid_from is not None
            and self.valid_to is not None
            and self.valid_to < self.valid_from
        ):
            raise ValidationError(
                f"valid_to: {self.valid_to.isoformat()} is before valid_from "
                f"{self.valid_from.isoformat()}"
            )
        if self.expires_on is not None and self.expires_on < self.requested_on:
            raise ValidationError(
                f"expires_on: {self.expires_on.isoformat()} is before requested_on "
                f"{self.requested_on.isoformat()}"
            )
        users = [a.user_id for a in self.approvals]
        if len(set(users)) != len(users):
            raise ValidationError(f"approvals: lists a user twice: {users}")
        if self.requested_by.user_id in users:
            raise ValidationError(
                f"approvals: the requester {self.requested_by.user_id!r} cannot approve their "
                "own request"
            )
        if (self.state is RequestState.APPROVED) != (self.limit is not None):
            raise ValidationError(
                "limit: an approved request carries its new CreditLimit, and only an approved one"
            )
        if self.limit is not None and not isinstance(self.limit, CreditLimit):
            raise ValidationError(f"limit: expected a CreditLimit, got {describe(self.limit)}")
        if self.trail and self.trail[-1].to_state is not self.state:
            raise ValidationError(
                f"trail: the last entry ends in {self.trail[-1].to_state.value!r} but the "
                f"request is {self.state.value!r}"
            )

    # -- construction -----------------------------------------------------------------------

    @classmethod
    def draft(
        cls,
        id: str,
        customer_id: str,
        amount: Money | None,
        *,
        requested_by: Approver,
        on: date,
        currency: str | None = None,
        current_limit: CreditLimit | None = None,
        kind: LimitKind = LimitKind.INTERNAL,
        risk_class: RiskClass | None = None,
        valid_from: date | None = None,
        valid_to: date | None = None,
        expires_on: date | None = None,
        justification: str = "",
    ) -> LimitRequest:
        """A new request in the draft state, its trail opened with a ``create`` entry.

        ``currency`` is needed only for a request for no limit (``amount=None``).
        ``current_limit`` is the :class:`~credkit.limits.CreditLimit` on file and
        ``risk_class`` the customer's class from the host's records (see the class).

        >>> from datetime import date
        >>> from credkit import Money
        >>> request = LimitRequest.draft("R1", "C1", None, currency="EUR", requested_by=Approver("ana"),
        ...                              on=date(2026, 3, 2))
        >>> request.state.value, request.trail[0].describe()
        ('draft', '2026-03-02 ana create: -> draft (no limit (unlimited credit) for C1)')
        """
        if not isinstance(requested_by, Approver):
            raise ValidationError(
                f"requested_by: expected an Approver (user id and roles), got {describe(requested_by)}"
            )
        check_date(on, "on")
        if amount is not None and not isinstance(amount, Money):
            raise ValidationError(
                f"amount: expected Money or None (a request for no limit), got {describe(amount)}"
            )
        if currency is None:
            if not isinstance(amount, Money):
                raise ValidationError(
                    "currency: a request for no limit (amount None) needs its currency"
                )
            currency = amount.currency
        what = "no limit (unlimited credit)" if amount is None else fmt(amount)
        entry = AuditEntry(
            who=requested_by.user_id,
            action="create",
            on=on,
            from_state=None,
            to_state=RequestState.DRAFT,
            reason=f"{what} for {customer_id}",
        )
        return cls(
            id,
            customer_id,
            amount,
            currency=currency,
            requested_by=requested_by,
            requested_on=on,
            current_limit=current_limit,
            kind=kind,
            risk_class=risk_class,
            valid_from=valid_from,
            valid_to=valid_to,
            expires_on=expires_on,
            justification=justification,
            trail=(entry,),
        )

    # -- reading ----------------------------------------------------------------------------

    @property
    def approvers(self) -> tuple[str, ...]:
        """The user ids that have approved, in order.

        >>> from datetime import date
        >>> from credkit import Money
        >>> LimitRequest.draft("R1", "C1", Money.of(1, "EUR"), requested_by=Approver("ana"),
        ...                    on=date(2026, 3, 2)).approvers
        ()
        """
        return tuple(a.user_id for a in self.approvals)

    def band(self, matrix: ApprovalMatrix, *, rates: RateSource | None = None) -> AuthorityBand:
        """The band of ``matrix`` that governs this request (PermissionDenied if none).

        Chosen from the amount, the increase over ``current_limit`` and the
        ``risk_class``; a matrix with risk-class bands refuses a request without one.

        >>> from datetime import date
        >>> from credkit import Money
        >>> from credkit.limits import ApprovalMatrix, AuthorityBand
        >>> matrix = ApprovalMatrix("m", version="1", currency="EUR",
        ...                         bands=(AuthorityBand(roles=("credit_manager",), approvals=2),))
        >>> LimitRequest.draft("R1", "C1", Money.of(1, "EUR"), requested_by=Approver("ana"),
        ...                    on=date(2026, 3, 2)).band(matrix).approvals
        2
        """
        return matrix.band_for(
            self.amount,
            current=self.current_limit,
            risk_class=None if self.risk_class is None else self.risk_class.name,
            on=self.requested_on,
            rates=rates,
        )

    # -- transitions ------------------------------------------------------------------------

    def _check_when(self, on: date, action: str) -> None:
        check_date(on, "on")
        last = self.trail[-1].on if self.trail else self.requested_on
        if on < last:
            raise ValidationError(
                f"on: cannot {action} request {self.id!r} on {on.isoformat()}, before its last "
                f"action on {last.isoformat()}"
            )

    def _check_state(self, action: str, *allowed: RequestState) -> None:
        if self.state not in allowed:
            accepted = " or ".join(s.value for s in allowed)
            raise ValidationError(
                f"state: cannot {action} request {self.id!r}: it is {self.state.value}, "
                f"and only a {accepted} request can be {_PAST[action]}"
            )

    def _check_not_expired(self, on: date, action: str) -> None:
        if self.expires_on is not None and on > self.expires_on:
            raise ValidationError(
                f"on: cannot {action} request {self.id!r} on {on.isoformat()}: it expired on "
                f"{self.expires_on.isoformat()}; record that with expire(on=...)"
            )

    def _check_matrix(self, matrix: ApprovalMatrix) -> None:
        if not isinstance(matrix, ApprovalMatrix):
            raise ValidationError(f"matrix: expected an ApprovalMatrix, got {describe(matrix)}")
        if self.matrix_id is not None and (matrix.id, matrix.version) != (
            self.matrix_id,
            self.matrix_version,
        ):
            raise ValidationError(
                f"matrix: request {self.id!r} was submitted under approval matrix "
                f"{self.matrix_id!r} version {self.matrix_version}, not {matrix.id!r} version "
                f"{matrix.version}"
            )

    def _check_four_eyes(self, actor: Approver, action: str) -> None:
        if not isinstance(actor, Approver):
            raise ValidationError(f"approver: expected an Approver, got {describe(actor)}")
        if actor.user_id == self.requested_by.user_id:
            raise PermissionDenied(
                f"{actor.describe()} requested {self.id!r} and cannot {action} their own "
                "request (four-eyes rule)"
            )

    def _moved(self, entry: AuditEntry, **changes: Any) -> LimitRequest:
        return attrs.evolve(self, state=entry.to_state, trail=(*self.trail, entry), **changes)

    def submit(
        self,
        submitter: Approver,
        *,
        matrix: ApprovalMatrix,
        on: date,
        rates: RateSource | None = None,
    ) -> LimitRequest:
        """Submit the draft for approval under ``matrix``.

        Only the requester submits, and only with a requester role of the matrix (if
        it names any); some band must cover the request. The request records the
        matrix's id and version.

        >>> from datetime import date
        >>> from credkit import Money
        >>> from credkit.limits import ApprovalMatrix, AuthorityBand
        >>> matrix = ApprovalMatrix("m", version="1", currency="EUR",
        ...                         bands=(AuthorityBand(roles=("credit_manager",)),))
        >>> request = LimitRequest.draft("R1", "C1", Money.of(1, "EUR"), requested_by=Approver("ana"),
        ...                              on=date(2026, 3, 2))
        >>> request.submit(Approver("bo"), matrix=matrix, on=date(2026, 3, 2))
        Traceback (most recent call last):
        ...
        credkit.errors.PermissionDenied: user 'bo' (no roles) cannot submit request 'R1': only its requester 'ana' can
        """
        self._check_state("submit", RequestState.DRAFT)
        self._check_when(on, "submit")
        self._check_not_expired(on, "submit")
        if not isinstance(matrix, ApprovalMatrix):
            raise ValidationError(f"matrix: expected an ApprovalMatrix, got {describe(matrix)}")
        if not isinstance(submitter, Approver):
            raise ValidationError(f"submitter: expected an Approver, got {describe(submitter)}")
        if submitter.user_id != self.requested_by.user_id:
            raise PermissionDenied(
                f"{submitter.describe()} cannot submit request {self.id!r}: only its requester "
                f"{self.requested_by.user_id!r} can"
            )
        matrix.check_requester(submitter)
        band = self.band(matrix, rates=rates)
        entry = AuditEntry(
            who=submitter.user_id,
            action="submit",
            on=on,
            from_state=self.state,
            to_state=RequestState.SUBMITTED,
            reason=f"under approval matrix {matrix.id!r} version {matrix.version}; "
            f"{band.describe(matrix.currency)} needs {band.approvals} approver"
            f"{'s' if band.approvals > 1 else ''} with {band.roles_text()}",
        )
        return self._moved(entry, matrix_id=matrix.id, matrix_version=matrix.version)

    def approve(
        self,
        approver: Approver,
        *,
        matrix: ApprovalMatrix,
        on: date,
        rates: RateSource | None = None,
        note: str = "",
    ) -> LimitRequest:
        """Record ``approver``'s approval; approve the request once enough have approved.

        The approver must not be the requester, must not have approved already, and
        must hold one of the governing band's roles. When the band's number of
        distinct approvers is reached the request becomes approved and ``limit``
        holds the new :class:`~credkit.limits.CreditLimit`: the requested amount,
        valid from ``valid_from`` (default ``on``), reviewed after the risk class's
        ``review_months``, approved by the approvers on ``on``.

        >>> from datetime import date
        >>> from credkit import Money
        >>> from credkit.limits import ApprovalMatrix, AuthorityBand
        >>> matrix = ApprovalMatrix("m", version="1", currency="EUR",
        ...                         bands=(AuthorityBand(roles=("analyst",)),))
        >>> ana = Approver("ana", roles=("analyst",))
        >>> request = LimitRequest.draft("R1", "C1", Money.of(1, "EUR"), requested_by=ana,
        ...                              on=date(2026, 3, 2)).submit(ana, matrix=matrix, on=date(2026, 3, 2))
        >>> request.approve(ana, matrix=matrix, on=date(2026, 3, 2))
        Traceback (most recent call last):
        ...
        credkit.errors.PermissionDenied: user 'ana' (roles: analyst) requested 'R1' and cannot approve their own request (four-eyes rule)
        """
        self._check_state("approve", RequestState.SUBMITTED)
        self._check_matrix(matrix)
        self._check_when(on, "approve")
        self._check_not_expired(on, "approve")
        self._check_four_eyes(approver, "approve")
        if approver.user_id in self.approvers:
            raise PermissionDenied(
                f"{approver.describe()} has already approved request {self.id!r}; an approver "
                "counts once"
            )
        band = matrix.check_approver(
            approver,
            self.amount,
            current=self.current_limit,
            risk_class=None if self.risk_class is None else self.risk_class.name,
            on=self.requested_on,
            rates=rates,
        )
        approvals = (*self.approvals, Approval(approver.user_id, roles=approver.roles, on=on))
        count = len(approvals)
        where = f"approval {count} of {band.approvals} ({band.describe(matrix.currency)})"
        reason = f"{where}; {note}" if note else where
        if count < band.approvals:
            entry = AuditEntry(
                who=approver.user_id,
                action="approve",
                on=on,
                from_state=self.state,
                to_state=RequestState.SUBMITTED,
                reason=reason,
            )
            return self._moved(entry, approvals=approvals)
        valid_from = self.valid_from if self.valid_from is not None else on
        review = (
            None
            if self.risk_class is None
            else next_review_date(valid_from, risk_class=self.risk_class)
        )
        limit = CreditLimit(
            self.customer_id,
            self.amount,
            currency=self.currency,
            valid_from=valid_from,
            valid_to=self.valid_to,
            next_review=review,
            kind=self.kind,
            approved_by=tuple(a.user_id for a in approvals),
            approved_on=on,
        )
        entry = AuditEntry(
            who=approver.user_id,
            action="approve",
            on=on,
            from_state=self.state,
            to_state=RequestState.APPROVED,
            reason=reason,
        )
        return self._moved(entry, approvals=approvals, limit=limit)

    def reject(
        self,
        rejecter: Approver,
        *,
        matrix: ApprovalMatrix,
        on: date,
        reason: str,
        rates: RateSource | None = None,
    ) -> LimitRequest:
        """Reject the submitted request, with a reason.

        Rejecting needs the same authority as approving (a role of the governing
        band) and is barred to the requester; one authorised rejection suffices.

        >>> from datetime import date
        >>> from credkit import Money
        >>> from credkit.limits import ApprovalMatrix, AuthorityBand
        >>> matrix = ApprovalMatrix("m", version="1", currency="EUR",
        ...                         bands=(AuthorityBand(roles=("credit_manager",)),))
        >>> ana = Approver("ana")
        >>> request = LimitRequest.draft("R1", "C1", Money.of(1, "EUR"), requested_by=ana,
        ...                              on=date(2026, 3, 2)).submit(ana, matrix=matrix, on=date(2026, 3, 2))
        >>> request.reject(Approver("bo", roles=("credit_manager",)), matrix=matrix, on=date(2026, 3, 3),
        ...                reason="overdue invoices").trail[-1].describe()
        '2026-03-03 bo reject: submitted -> rejected (overdue invoices)'
        """
        self._check_state("reject", RequestState.SUBMITTED)
        self._check_matrix(matrix)
        self._check_when(on, "reject")
        self._check_not_expired(on, "reject")
        if not isinstance(reason, str) or not reason.strip():
            raise ValidationError(f"reason: a rejection needs a reason, got {describe(reason)}")
        self._check_four_eyes(rejecter, "reject")
        matrix.check_approver(
            rejecter,
            self.amount,
            current=self.current_limit,
            risk_class=None if self.risk_class is None else self.risk_class.name,
            on=self.requested_on,
            rates=rates,
            action="reject",
        )
        entry = AuditEntry(
            who=rejecter.user_id,
            action="reject",
            on=on,
            from_state=self.state,
            to_state=RequestState.REJECTED,
            reason=reason,
        )
        return self._moved(entry)

    def expire(self, *, on: date, by: str = "system") -> LimitRequest:
        """Mark a draft or submitted request expired, once ``on`` is after ``expires_on``.

        >>> from datetime import date
        >>> from credkit import Money
        >>> request = LimitRequest.draft("R1", "C1", Money.of(1, "EUR"), requested_by=Approver("ana"),
        ...                              on=date(2026, 3, 2), expires_on=date(2026, 3, 31))
        >>> request.expire(on=date(2026, 3, 31))
        Traceback (most recent call last):
        ...
        credkit.errors.ValidationError: on: request 'R1' can be decided until 2026-03-31 and does not expire on 2026-03-31
        >>> request.expire(on=date(2026, 4, 1)).state.value
        'expired'
        """
        self._check_state("expire", RequestState.DRAFT, RequestState.SUBMITTED)
        self._check_when(on, "expire")
        check_user_id(by, "by")
        if self.expires_on is None:
            raise ValidationError(f"expires_on: request {self.id!r} has no expiry date")
        if on <= self.expires_on:
            raise ValidationError(
                f"on: request {self.id!r} can be decided until {self.expires_on.isoformat()} "
                f"and does not expire on {on.isoformat()}"
            )
        entry = AuditEntry(
            who=by,
            action="expire",
            on=on,
            from_state=self.state,
            to_state=RequestState.EXPIRED,
            reason=f"not decided by {self.expires_on.isoformat()}",
        )
        return self._moved(entry)


_PAST = {
    "submit": "submitted",
    "approve": "approved",
    "reject": "rejected",
    "expire": "expired",
}
