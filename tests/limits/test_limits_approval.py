"""Approval matrix and limit requests: authority, four-eyes, the lifecycle and its trail."""

from __future__ import annotations

from datetime import date

import pytest

from credkit import config
from credkit.errors import PermissionDenied, ValidationError
from credkit.fx import RateTable
from credkit.limits import (
    Approval,
    ApprovalMatrix,
    Approver,
    AuthorityBand,
    CreditLimit,
    LimitKind,
    LimitRequest,
    RequestState,
)
from credkit.money import Money
from credkit.scoring import RiskClass

MATRIX = ApprovalMatrix(
    "limits",
    version="1",
    currency="EUR",
    requester_roles=("analyst", "credit_manager", "sales"),
    bands=(
        AuthorityBand(risk_classes=("D", "E"), roles=("cfo",), approvals=2, name="weak classes"),
        AuthorityBand(max_amount=100_000, max_increase=25_000, roles=("analyst", "credit_manager")),
        AuthorityBand(max_amount=100_000, roles=("credit_manager",)),
        AuthorityBand(min_amount=100_000, max_amount=500_000, roles=("credit_manager",)),
        AuthorityBand(min_amount=500_000, roles=("cfo", "credit_manager"), approvals=2),
    ),
)
ANA = Approver("ana", roles=("analyst",))
BO = Approver("bo", roles=("credit_manager",))
CY = Approver("cy", roles=("credit_manager",))
DI = Approver("di", roles=("cfo",))
ED = Approver("ed", roles=("cfo", "credit_manager"))
SAM = Approver("sam", roles=("sales",))
DAY = date(2026, 3, 2)
# MATRIX has bands for risk classes D and E, so every request under it names its class.
CLASS_A = RiskClass("A", pd="0.005", review_months=24)


def eur(amount: int) -> Money:
    return Money.of(amount, "EUR")


def submitted(amount: Money | None, requester: Approver = ANA, **changes: object) -> LimitRequest:
    changes.setdefault("risk_class", CLASS_A)
    draft = LimitRequest.draft(
        "R1",
        "C1",
        amount,
        requested_by=requester,
        on=DAY,
        currency="EUR",
        **changes,  # type: ignore[arg-type]
    )
    return draft.submit(requester, matrix=MATRIX, on=DAY)


# -- the matrix -----------------------------------------------------------------------------------


def test_bands_are_taken_in_order_first_match() -> None:
    assert MATRIX.band_for(eur(20_000), risk_class="A").roles == ("analyst", "credit_manager")
    # an increase of 50,000 - 30,000 = 20,000 is within the analysts' 25,000
    assert MATRIX.band_for(eur(50_000), current=eur(30_000), risk_class="A").roles == (
        "analyst",
        "credit_manager",
    )
    # without a current limit the whole 50,000 is the increase: the next band
    assert MATRIX.band_for(eur(50_000), risk_class="A").roles == ("credit_manager",)
    assert (
        MATRIX.band_for(eur(250_000), risk_class="A").describe("EUR")
        == "band 100,000.00-500,000.00 EUR"
    )
    assert MATRIX.band_for(eur(500_000), risk_class="A").approvals == 2
    assert MATRIX.band_for(eur(1), risk_class="D").name == "weak classes"
    assert MATRIX.band_for(None, risk_class="A").describe("EUR") == "band from 500,000.00 EUR"


def test_a_decrease_counts_as_within_any_increase() -> None:
    assert MATRIX.band_for(eur(20_000), current=eur(90_000), risk_class="A").roles == (
        "analyst",
        "credit_manager",
    )


def test_no_band_means_nobody_may_approve() -> None:
    small = ApprovalMatrix(
        "m", version="2", currency="EUR", bands=(AuthorityBand(max_amount=10, roles=("a",)),)
    )
    with pytest.raises(
        PermissionDenied,
        match=r"no band of approval matrix 'm' version 2 covers a request for 10.00 EUR",
    ):
        small.band_for(eur(10))


def test_amounts_in_another_currency_are_converted_on_the_request_date() -> None:
    rates = RateTable.from_mapping({"2026-03-02": {"USD": "1.25"}}, base="EUR")
    # 125,000 USD / 1.25 = 100,000 EUR: the 100,000-500,000 band
    band = MATRIX.band_for(Money.of(125_000, "USD"), on=DAY, rates=rates, risk_class="A")
    assert band.min_amount == 100_000
    with pytest.raises(
        ValidationError, match=r"amount: 125,000.00 USD is in USD but the limit is in EUR"
    ):
        MATRIX.band_for(Money.of(125_000, "USD"), on=DAY, risk_class="A")
    with pytest.raises(ValidationError, match="pass on= "):
        MATRIX.band_for(Money.of(125_000, "USD"), risk_class="A")


def test_band_validation() -> None:
    with pytest.raises(ValidationError, match="roles: a band needs at least one role"):
        AuthorityBand(roles=())
    with pytest.raises(ValidationError, match=r"max_amount: must be above min_amount \(100\)"):
        AuthorityBand(min_amount=100, max_amount=100, roles=("a",))
    with pytest.raises(
        ValidationError, match="approvals: expected a whole number of approvers from 1 to 10"
    ):
        AuthorityBand(roles=("a",), approvals=0)
    with pytest.raises(ValidationError, match=r"roles\[1\]: 'a' is listed twice"):
        AuthorityBand(roles=("a", "a"))
    with pytest.raises(ValidationError, match="bands: an approval matrix needs at least one band"):
        ApprovalMatrix("m", version="1", currency="EUR", bands=())


def test_matrix_loads_from_toml() -> None:
    loaded = config.load(
        ApprovalMatrix,
        """
        id = "limits"
        version = "1"
        currency = "EUR"
        requester_roles = ["analyst", "credit_manager", "sales"]
        [[bands]]
        name = "weak classes"
        risk_classes = ["D", "E"]
        roles = ["cfo"]
        approvals = 2
        [[bands]]
        max_amount = "100000"
        max_increase = "25000"
        roles = ["analyst", "credit_manager"]
        [[bands]]
        max_amount = "100000"
        roles = ["credit_manager"]
        [[bands]]
        min_amount = "100000"
        max_amount = "500000"
        roles = ["credit_manager"]
        [[bands]]
        min_amount = "500000"
        roles = ["cfo", "credit_manager"]
        approvals = 2
        """,
        format="toml",
    )
    assert loaded == MATRIX
    assert config.load(ApprovalMatrix, config.dump(MATRIX)) == MATRIX


# -- authority ------------------------------------------------------------------------------------


def test_a_request_above_the_approvers_authority_is_refused() -> None:
    request = submitted(eur(250_000))
    with pytest.raises(PermissionDenied) as refused:
        request.approve(Approver("al", roles=("analyst",)), matrix=MATRIX, on=DAY)
    assert str(refused.value) == (
        "user 'al' (roles: analyst) cannot approve 250,000.00 EUR: "
        "band 100,000.00-500,000.00 EUR needs role credit_manager"
    )
    # nothing changed: the refused request is still waiting, with no approval recorded
    assert request.state is RequestState.SUBMITTED
    assert request.approvals == ()


def test_four_eyes_the_requester_cannot_approve_their_own_request() -> None:
    request = submitted(eur(250_000), requester=BO)
    with pytest.raises(
        PermissionDenied,
        match=r"user 'bo' \(roles: credit_manager\) requested 'R1' and cannot approve their own request \(four-eyes rule\)",
    ):
        request.approve(BO, matrix=MATRIX, on=DAY)
    with pytest.raises(PermissionDenied, match="cannot reject their own request"):
        request.reject(BO, matrix=MATRIX, on=DAY, reason="changed my mind")
    approved = request.approve(CY, matrix=MATRIX, on=DAY)
    assert approved.state is RequestState.APPROVED
    assert approved.limit is not None
    assert approved.limit.approved_by == ("cy",)


def test_above_the_band_two_distinct_approvers_are_needed() -> None:
    request = submitted(eur(750_000), requester=SAM)
    first = request.approve(BO, matrix=MATRIX, on=DAY)
    assert first.state is RequestState.SUBMITTED
    assert first.limit is None
    assert first.trail[-1].reason == "approval 1 of 2 (band from 500,000.00 EUR)"
    with pytest.raises(
        PermissionDenied,
        match=r"user 'bo' .* has already approved request 'R1'; an approver counts once",
    ):
        first.approve(BO, matrix=MATRIX, on=DAY)
    second = first.approve(DI, matrix=MATRIX, on=date(2026, 3, 4), note="board minutes 12")
    assert second.state is RequestState.APPROVED
    assert second.approvers == ("bo", "di")
    assert second.trail[-1].reason == "approval 2 of 2 (band from 500,000.00 EUR); board minutes 12"
    assert second.limit is not None
    assert second.limit.amount == eur(750_000)
    assert second.limit.approved_on == date(2026, 3, 4)
    assert second.limit.valid_from == date(2026, 3, 4)


def test_a_person_with_two_roles_still_counts_once() -> None:
    request = submitted(eur(750_000), requester=SAM).approve(ED, matrix=MATRIX, on=DAY)
    with pytest.raises(PermissionDenied, match="has already approved"):
        request.approve(ED, matrix=MATRIX, on=DAY)


def test_weak_classes_need_the_cfo_whatever_the_amount() -> None:
    weak = RiskClass("D", pd="0.07", review_months=6)
    request = submitted(eur(5_000), requester=ANA, risk_class=weak)
    with pytest.raises(PermissionDenied) as refused:
        request.approve(BO, matrix=MATRIX, on=DAY)
    assert str(refused.value) == (
        "user 'bo' (roles: credit_manager) cannot approve 5,000.00 EUR: band 'weak classes' "
        "(any amount, risk classes D, E) needs role cfo"
    )
    done = request.approve(DI, matrix=MATRIX, on=DAY).approve(ED, matrix=MATRIX, on=DAY)
    assert done.limit is not None
    # review after the class's six months
    assert done.limit.next_review == date(2026, 9, 2)


def test_only_the_requester_submits_and_only_with_a_requester_role() -> None:
    draft = LimitRequest.draft("R1", "C1", eur(1_000), requested_by=ANA, on=DAY, risk_class=CLASS_A)
    with pytest.raises(PermissionDenied, match="only its requester 'ana' can"):
        draft.submit(BO, matrix=MATRIX, on=DAY)
    outsider = LimitRequest.draft("R2", "C1", eur(1_000), requested_by=DI, on=DAY)
    with pytest.raises(
        PermissionDenied,
        match=r"user 'di' \(roles: cfo\) cannot submit limit requests: approval matrix 'limits' version 1 needs one of the roles analyst, credit_manager, sales",
    ):
        outsider.submit(DI, matrix=MATRIX, on=DAY)


def test_a_request_for_no_limit_needs_an_open_ended_band() -> None:
    request = submitted(None, requester=SAM)
    assert request.band(MATRIX).approvals == 2
    done = request.approve(BO, matrix=MATRIX, on=DAY).approve(DI, matrix=MATRIX, on=DAY)
    assert done.limit is not None
    assert done.limit.is_unlimited
    capped = ApprovalMatrix(
        "m", version="1", currency="EUR", bands=(AuthorityBand(max_amount=10**9, roles=("cfo",)),)
    )
    draft = LimitRequest.draft("R9", "C1", None, currency="EUR", requested_by=ANA, on=DAY)
    with pytest.raises(PermissionDenied, match="covers a request for no limit"):
        draft.submit(ANA, matrix=capped, on=DAY)


# -- rejection, expiry, invalid transitions ---------------------------------------------------------


def test_reject_needs_authority_and_a_reason() -> None:
    request = submitted(eur(250_000))
    with pytest.raises(
        PermissionDenied, match=r"user 'sam' \(roles: sales\) cannot reject 250,000.00 EUR"
    ):
        request.reject(SAM, matrix=MATRIX, on=DAY, reason="no")
    with pytest.raises(ValidationError, match="reason: a rejection needs a reason"):
        request.reject(BO, matrix=MATRIX, on=DAY, reason=" ")
    rejected = request.reject(BO, matrix=MATRIX, on=DAY, reason="two invoices 90 days overdue")
    assert rejected.state is RequestState.REJECTED
    assert rejected.limit is None
    with pytest.raises(
        ValidationError,
        match="state: cannot approve request 'R1': it is rejected, and only a submitted request can be approved",
    ):
        rejected.approve(CY, matrix=MATRIX, on=DAY)


def test_expiry_by_date() -> None:
    request = submitted(eur(1_000), expires_on=date(2026, 3, 31))
    with pytest.raises(ValidationError, match="does not expire on 2026-03-31"):
        request.expire(on=date(2026, 3, 31))
    # still decidable on the last day
    assert request.approve(BO, matrix=MATRIX, on=date(2026, 3, 31)).state is RequestState.APPROVED
    with pytest.raises(ValidationError, match="it expired on 2026-03-31; record that with expire"):
        request.approve(BO, matrix=MATRIX, on=date(2026, 4, 1))
    expired = request.expire(on=date(2026, 4, 1))
    assert expired.state is RequestState.EXPIRED
    assert expired.trail[-1].describe() == (
        "2026-04-01 system expire: submitted -> expired (not decided by 2026-03-31)"
    )
    with pytest.raises(ValidationError, match="has no expiry date"):
        submitted(eur(1_000)).expire(on=date(2030, 1, 1))
    with pytest.raises(ValidationError, match="it is expired"):
        expired.expire(on=date(2026, 4, 2))


def test_invalid_transitions_raise_validation_errors() -> None:
    draft = LimitRequest.draft("R1", "C1", eur(1_000), requested_by=ANA, on=DAY, risk_class=CLASS_A)
    with pytest.raises(ValidationError, match="cannot approve request 'R1': it is draft"):
        draft.approve(BO, matrix=MATRIX, on=DAY)
    with pytest.raises(ValidationError, match="cannot reject request 'R1': it is draft"):
        draft.reject(BO, matrix=MATRIX, on=DAY, reason="x")
    request = draft.submit(ANA, matrix=MATRIX, on=DAY)
    with pytest.raises(ValidationError, match="cannot submit request 'R1': it is submitted"):
        request.submit(ANA, matrix=MATRIX, on=DAY)
    with pytest.raises(
        ValidationError,
        match="on: cannot approve request 'R1' on 2026-03-01, before its last action on 2026-03-02",
    ):
        request.approve(BO, matrix=MATRIX, on=date(2026, 3, 1))
    other = ApprovalMatrix("limits", version="2", currency="EUR", bands=MATRIX.bands)
    with pytest.raises(
        ValidationError,
        match="submitted under approval matrix 'limits' version 1, not 'limits' version 2",
    ):
        request.approve(BO, matrix=other, on=DAY)


def test_the_trail_records_who_did_what_when() -> None:
    request = submitted(eur(750_000), requester=SAM)
    done = request.approve(BO, matrix=MATRIX, on=date(2026, 3, 3)).approve(
        DI, matrix=MATRIX, on=date(2026, 3, 5)
    )
    assert [e.describe() for e in done.trail] == [
        "2026-03-02 sam create: -> draft (750,000.00 EUR for C1)",
        "2026-03-02 sam submit: draft -> submitted (under approval matrix 'limits' version 1; "
        "band from 500,000.00 EUR needs 2 approvers with one of the roles cfo, credit_manager)",
        "2026-03-03 bo approve: submitted -> submitted (approval 1 of 2 (band from 500,000.00 EUR))",
        "2026-03-05 di approve: submitted -> approved (approval 2 of 2 (band from 500,000.00 EUR))",
    ]
    assert (done.matrix_id, done.matrix_version) == ("limits", "1")


def test_the_new_limit_takes_the_requests_terms() -> None:
    request = submitted(
        eur(40_000),
        kind=LimitKind.INSURED,
        valid_from=date(2026, 4, 1),
        valid_to=date(2027, 3, 31),
        risk_class=RiskClass("A", pd="0.005", review_months=24),
        current_limit=on_file(eur(30_000)),
    )
    limit = request.approve(ANA_TWIN, matrix=MATRIX, on=DAY).limit
    assert limit is not None
    assert limit.describe() == (
        "40,000.00 EUR (insured), valid from 2026-04-01 to 2027-03-31, next review 2028-04-01, "
        "approved by al on 2026-03-02"
    )


ANA_TWIN = Approver("al", roles=("analyst",))


def on_file(amount: Money | None, customer_id: str = "C1", **changes: object) -> CreditLimit:
    """The customer's limit on record, in force from 1 January 2026."""
    currency = "EUR" if amount is None else amount.currency
    return CreditLimit(
        customer_id,
        amount,
        currency=currency,
        valid_from=date(2026, 1, 1),
        **changes,  # type: ignore[arg-type]
    )


def test_a_stored_request_is_checked_for_consistency() -> None:
    request = submitted(eur(1_000))
    with pytest.raises(
        ValidationError, match="limit: an approved request carries its new CreditLimit"
    ):
        LimitRequest(
            "R1", "C1", eur(1_000), requested_by=ANA, requested_on=DAY, state=RequestState.APPROVED
        )
    with pytest.raises(
        ValidationError,
        match="trail: the last entry ends in 'submitted' but the request is 'draft'",
    ):
        LimitRequest(
            "R1", "C1", eur(1_000), requested_by=ANA, requested_on=DAY, trail=request.trail
        )
    with pytest.raises(
        ValidationError,
        match="current_limit: the CreditLimit is in USD, not in the request currency EUR",
    ):
        LimitRequest.draft(
            "R1", "C1", eur(1), requested_by=ANA, on=DAY, current_limit=on_file(Money.of(1, "USD"))
        )
    with pytest.raises(ValidationError, match="currency: a request for no limit"):
        LimitRequest.draft("R1", "C1", None, requested_by=ANA, on=DAY)


# -- the band comes from the records, not from what the requester types -----------------------------


def test_a_matrix_with_risk_class_bands_refuses_a_request_without_a_risk_class() -> None:
    # Reviewer scenario: a D-class customer's request, the risk class left out, was approved by
    # an analyst under the general bands instead of needing the CFO twice.
    draft = LimitRequest.draft("R1", "C9", eur(90_000), requested_by=ANA, on=DAY)
    with pytest.raises(
        ValidationError,
        match=r"^risk_class: approval matrix 'limits' version 1 has bands for risk classes D, E; "
        r"a request under it needs the customer's risk class, got None$",
    ):
        draft.submit(ANA, matrix=MATRIX, on=DAY)
    with pytest.raises(ValidationError, match=r"^risk_class: "):
        draft.band(MATRIX)
    with pytest.raises(ValidationError, match=r"^risk_class: "):
        MATRIX.check_approver(DI, eur(90_000))
    assert MATRIX.risk_classes == ("D", "E")
    # A matrix without class bands needs no class.
    plain = ApprovalMatrix("plain", version="1", currency="EUR", bands=MATRIX.bands[1:])
    assert plain.risk_classes == ()
    assert draft.submit(ANA, matrix=plain, on=DAY).state is RequestState.SUBMITTED
    with pytest.raises(ValidationError, match=r"^risk_class: expected a risk class name or None"):
        MATRIX.band_for(eur(1), risk_class=" ")


def test_the_current_limit_is_the_record_on_file_not_a_typed_figure() -> None:
    # Reviewer scenario: the real limit is 0; the requester declared 495,000 to make a
    # 500,000 request look like a 5,000 increase within the analysts' band.
    matrix = ApprovalMatrix(
        "m",
        version="1",
        currency="EUR",
        bands=(
            AuthorityBand(max_increase=10_000, roles=("analyst",)),
            AuthorityBand(max_amount=100_000, roles=("analyst",)),
            AuthorityBand(min_amount=100_000, roles=("credit_manager",), approvals=2),
        ),
    )
    with pytest.raises(
        ValidationError,
        match=r"^current_limit: expected the CreditLimit on file for the customer \(or None if "
        r"there is none\), got Money Money\('495000', 'EUR'\)$",
    ):
        LimitRequest.draft(
            "R1", "C9", eur(500_000), requested_by=ANA, on=DAY, current_limit=eur(495_000)
        )
    with pytest.raises(
        ValidationError,
        match=r"^current_limit: the CreditLimit is customer 'C1''s, not that of the request's "
        r"customer 'C9'$",
    ):
        LimitRequest.draft(
            "R1", "C9", eur(500_000), requested_by=ANA, on=DAY, current_limit=on_file(eur(495_000))
        )
    expired = on_file(eur(495_000), "C9", valid_to=date(2026, 2, 28))
    with pytest.raises(ValidationError, match=r"is not in force on the request date 2026-03-02"):
        LimitRequest.draft(
            "R1", "C9", eur(500_000), requested_by=ANA, on=DAY, current_limit=expired
        )
    # With the record (a zero limit), the whole 500,000 is the increase: two credit managers.
    request = LimitRequest.draft(
        "R1", "C9", eur(500_000), requested_by=ANA, on=DAY, current_limit=on_file(eur(0), "C9")
    ).submit(ANA, matrix=matrix, on=DAY)
    assert request.band(matrix).approvals == 2
    with pytest.raises(PermissionDenied, match="needs role credit_manager"):
        request.approve(Approver("al", roles=("analyst",)), matrix=matrix, on=DAY)
    # A genuine 5,000 increase on a 495,000 limit on file is the small-increase band.
    small = LimitRequest.draft(
        "R2",
        "C9",
        eur(500_000),
        requested_by=ANA,
        on=DAY,
        current_limit=on_file(eur(495_000), "C9"),
    )
    assert small.band(matrix).max_increase == 10_000
    # From no limit (unlimited credit) on file, any finite limit is a decrease.
    unlimited = LimitRequest.draft(
        "R3", "C9", eur(900_000), requested_by=ANA, on=DAY, current_limit=on_file(None, "C9")
    )
    assert unlimited.band(matrix).max_increase == 10_000
    # ... but no limit again is unbounded: the small-increase band does not cover it.
    again = LimitRequest.draft(
        "R4",
        "C9",
        None,
        currency="EUR",
        requested_by=ANA,
        on=DAY,
        current_limit=on_file(None, "C9"),
    )
    assert again.band(matrix).approvals == 2


def test_user_ids_are_compared_exactly_so_padded_ids_are_refused() -> None:
    # Reviewer scenario: "ANA " passed the four-eyes rule as someone other than "ana".
    for bad in ("ana ", " ana", "ana\n", "", "  "):
        with pytest.raises(ValidationError, match=r"^user_id: "):
            Approver(bad, roles=("analyst",))
        with pytest.raises(ValidationError, match=r"^user_id: "):
            Approval(bad, roles=("analyst",), on=DAY)
    with pytest.raises(
        ValidationError,
        match=r"^user_id: 'ANA ' has leading or trailing whitespace; user ids are compared "
        r"exactly, so pass them normalised \(e.g. 'ANA'\)$",
    ):
        Approver("ANA ", roles=("analyst",))
    request = submitted(eur(1_000), expires_on=DAY)
    with pytest.raises(ValidationError, match=r"^by: "):
        request.expire(on=date(2026, 3, 3), by="system ")


def test_draft_names_a_wrong_amount_type() -> None:
    with pytest.raises(
        ValidationError,
        match=r"^amount: expected Money or None \(a request for no limit\), got int 5$",
    ):
        LimitRequest.draft("R", "C", 5, requested_by=ANA, on=DAY)  # type: ignore[arg-type]
