"""Credit applications on the desk: bureau, score, recommendation, a routed limit request."""

from __future__ import annotations

import contextlib
import datetime
import threading
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credkit import Money
from credkit.bureau import BureauReport, FileBureau, write_reports
from credkit.desk import CreditDesk, RoleTable
from credkit.desk.applications import (
    FINDINGS,
    ApplicationPolicy,
    CompanyIds,
    CreditApplication,
    Reference,
    RequestBasis,
    load_application,
)
from credkit.errors import (
    BureauUnavailable,
    ConfigError,
    DuplicateRecordError,
    MalformedReport,
    PermissionDenied,
)
from credkit.limits import ApprovalMatrix, Approver, AuthorityBand, example_policy
from credkit.policy import Policy, PolicyEntry
from credkit.policy.rules import StaticLimit
from credkit.scoring import FinancialStatement
from credkit.storage import MemoryStore, limit_in_force

DAY = datetime.date(2026, 5, 4)
FETCHED = datetime.datetime(2026, 4, 20, 8, 0, tzinfo=datetime.UTC)
SUBJECT = "HRB4711"
POLICY = Policy("standard", version="1", rules=[PolicyEntry(StaticLimit())])
USERS = RoleTable(
    users={
        "sam": ["credit_clerk"],
        "clara": ["credit_clerk"],
        "max": ["credit_manager"],
        "boss": ["controller"],
    }
)
# limit requests: clerks below 50,000, managers to 150,000, two approvers above that
MATRIX = ApprovalMatrix(
    "limits",
    version="1",
    currency="EUR",
    bands=(
        AuthorityBand(max_amount=50000, roles=("credit_clerk", "credit_manager")),
        AuthorityBand(min_amount=50000, max_amount=150000, roles=("credit_manager",)),
        AuthorityBand(min_amount=150000, roles=("credit_manager", "controller"), approvals=2),
    ),
)
STATEMENT = FinancialStatement(
    current_assets=2_000_000,
    current_liabilities=1_000_000,
    total_assets=5_000_000,
    total_liabilities=3_000_000,
    book_equity=2_000_000,
    intangibles=0,
    sales=9_000_000,
    period_end=datetime.date(2025, 12, 31),
    currency="EUR",
)


def _application(**changes: Any) -> CreditApplication:
    fields: dict[str, Any] = {
        "customer_id": "N1",
        "name": "Nordwind GmbH",
        "country": "DE",
        "currency": "EUR",
        "segment": "wholesale",
        "requested_limit": Money.of(40000, "EUR"),
        "requested_terms_days": 30,
        "applied_by": "sam",
        "applied_on": DAY,
        "company_ids": {"registration_number": SUBJECT},
        "legal_form": "corporation",
        "founded": datetime.date(2014, 3, 1),
        "trade_references": [
            Reference("Hansa Papier AG", years_known=6, payment_experience="prompt"),
            Reference("Kieler Druck KG", years_known=3, highest_credit=Money.of(20000, "EUR")),
        ],
        "bank_references": [Reference("Förde Sparkasse", contact="k.jensen@example.com")],
        "statements": [STATEMENT],
    }
    fields.update(changes)
    if isinstance(fields["company_ids"], dict):
        fields["company_ids"] = CompanyIds(**fields["company_ids"])
    return CreditApplication(fields.pop("id", "APP-1"), **fields)


def _report(**fields: Any) -> BureauReport:
    settings_: dict[str, Any] = {
        "report_id": "CS-1",
        "rating": "A",
        "rating_scale": "creditsafe-common",
        "score": 85,
        "recommended_limit": Money.of(300000, "EUR"),
        "payment_index": 80,
        **fields,
    }
    return BureauReport("creditsafe", SUBJECT, FETCHED, **settings_)


def _bureau(tmp_path: Path, *reports: BureauReport) -> FileBureau:
    write_reports(reports, tmp_path)
    return FileBureau(tmp_path, provider="creditsafe")


def _desk(store: MemoryStore, bureau: Any) -> CreditDesk:
    return CreditDesk(store, POLICY, authorizer=USERS, approvals=MATRIX, bureau=bureau)


def _approver(user: str) -> Approver:
    return Approver(user, roles=USERS.roles_of(user))


class _Failing:
    """A bureau that raises ``error``."""

    name = "creditsafe"

    def __init__(self, error: Exception) -> None:
        self.error = error

    def report(self, subject_id: str, *, as_of: datetime.date) -> BureauReport:
        raise self.error


def test_a_complete_application_is_routed_approved_and_its_limit_set(tmp_path: Path) -> None:
    store = MemoryStore()
    desk = _desk(store, _bureau(tmp_path, _report()))
    result = desk.apply(_application(), as_of=DAY, user="sam")
    assert (result.complete, result.to_ask, result.findings) == (True, (), ())
    assert (result.customer_added, result.replayed) == (True, False)
    assert result.score is not None
    assert result.score.total == Decimal(695)
    assert (result.risk_class, result.risk_class_source) == ("A", "score")
    # 10 % of TNW 2,000,000 and 20 % of WC 1,000,000 are the lowest: 200,000
    assert result.recommendation.amount == Money.of(200000, "EUR")
    assert (result.basis, result.request.amount) == ("requested", Money.of(40000, "EUR"))
    assert (result.request.state.value, result.routing.submitted) == ("submitted", True)
    assert (result.routing.approvals, result.routing.four_eyes) == (1, False)
    # nothing set yet
    with store.unit() as unit:
        assert unit.limits("N1") == ()
        log = unit.audit_log("N1")
    assert [e.kind for e in log] == [
        "application",
        "bureau",
        "score",
        "recommendation",
        "limit_request",
    ]
    assert [s.entry for s in result.steps] == [e.sequence for e in log]
    assert log[1].payload["source"]["report_id"] == "CS-1"
    # the requester cannot approve their own request; another clerk can
    with pytest.raises(PermissionDenied):
        result.request.approve(_approver("sam"), matrix=MATRIX, on=DAY)
    approved = result.request.approve(_approver("clara"), matrix=MATRIX, on=DAY)
    assert approved.state.value == "approved"
    assert approved.limit is not None
    assert approved.limit.next_review is not None  # class A: reviewed after 24 months
    assert desk.set_limit(approved.limit, user="max")
    with store.unit() as unit:
        in_force = limit_in_force(unit.limits("N1"), as_of=DAY)
        assert unit.audit_log("N1")[-1].kind == "limit"
    assert in_force is not None
    assert in_force.amount == Money.of(40000, "EUR")
    assert desk.verify_log() == len(log) + 1


def test_without_statements_it_asks_for_them_and_sizes_from_the_bureau(tmp_path: Path) -> None:
    desk = _desk(MemoryStore(), _bureau(tmp_path, _report()))
    result = desk.apply(_application(statements=[]), as_of=DAY, user="sam")
    assert [f.code for f in result.to_ask] == ["STATEMENTS_MISSING"]
    methods = {m.method: m for m in result.recommendation.methods}
    assert methods["tangible_net_worth"].amount is None
    assert methods["working_capital"].amount is None
    assert methods["sales"].amount is None  # a new customer: no sales with us yet
    # scored from the bureau figures alone, with the worst points for the missing
    # ratios: 585, class C, so the risk-class matrix gives 300,000 x 0.5
    assert result.score is not None
    assert (result.score.total, result.risk_class, result.risk_class_source) == (
        Decimal(585),
        "C",
        "score",
    )
    assert methods["bureau"].amount == Money.of(300000, "EUR")
    assert result.recommendation.chosen == ("risk_class_matrix",)
    assert result.recommendation.amount == Money.of(150000, "EUR")
    assert result.request.amount == Money.of(40000, "EUR")


def test_the_bureau_statement_stands_in_for_a_missing_one(tmp_path: Path) -> None:
    desk = _desk(MemoryStore(), _bureau(tmp_path, _report(statements=[STATEMENT])))
    result = desk.apply(_application(statements=[]), as_of=DAY, user="sam")
    assert result.to_ask == ()
    assert "from the bureau report" in result.steps[0].detail
    assert result.recommendation.amount == Money.of(200000, "EUR")


def test_an_outdated_statement_is_asked_for_again(tmp_path: Path) -> None:
    old = FinancialStatement(current_assets=10, current_liabilities=5, period_end=DAY.replace(2023))
    desk = _desk(MemoryStore(), _bureau(tmp_path, _report()))
    result = desk.apply(_application(statements=[old]), as_of=DAY, user="sam")
    assert [f.code for f in result.to_ask] == ["STATEMENTS_OUTDATED"]


def test_an_unknown_bureau_subject_is_asked_for(tmp_path: Path) -> None:
    desk = _desk(MemoryStore(), _bureau(tmp_path, _report()))
    result = desk.apply(
        _application(company_ids={"vat_id": "DE999"}, statements=[]), as_of=DAY, user="sam"
    )
    assert [f.code for f in result.to_ask] == ["STATEMENTS_MISSING", "BUREAU_SUBJECT_UNKNOWN"]
    assert result.bureau is not None
    assert result.bureau.report is None
    assert (result.score, result.risk_class) == (None, None)
    assert "NO_SCORE" in [f.code for f in result.findings]
    # nothing applies but the sales method, which has no history: the requested amount
    assert (result.recommendation.amount, result.basis) == (None, "requested")
    assert "NO_RECOMMENDATION" in [f.code for f in result.findings]
    with desk.store.unit() as unit:
        logged = unit.audit_log("N1")[1].payload
    assert logged["source"]["error"].startswith("not found")


def test_no_company_id_means_no_bureau_question(tmp_path: Path) -> None:
    class Counting(_Failing):
        calls = 0

        def report(self, subject_id: str, *, as_of: datetime.date) -> BureauReport:
            self.calls += 1
            raise AssertionError("not to be asked")

    bureau = Counting(RuntimeError())
    result = _desk(MemoryStore(), bureau).apply(_application(company_ids={}), as_of=DAY, user="sam")
    assert bureau.calls == 0
    assert [f.code for f in result.to_ask] == ["COMPANY_IDS_MISSING"]


@pytest.mark.parametrize("error", [BureauUnavailable("timed out"), MalformedReport("bad JSON")])
def test_a_failing_bureau_is_a_finding_not_a_crash(error: Exception) -> None:
    result = _desk(MemoryStore(), _Failing(error)).apply(_application(), as_of=DAY, user="sam")
    codes = [f.code for f in result.findings]
    assert "BUREAU_UNAVAILABLE" in codes
    assert result.to_ask == ()  # nothing the applicant can do about it
    assert result.bureau is not None
    assert result.bureau.error in ("unavailable", "malformed")
    assert result.recommendation.amount is not None  # the statement still sizes a limit
    assert result.risk_class_source == "score"


def test_the_same_application_twice_stores_nothing_new(tmp_path: Path) -> None:
    store = MemoryStore()
    desk = _desk(store, _bureau(tmp_path, _report()))
    first = desk.apply(_application(), as_of=DAY, user="sam")
    with store.unit() as unit:
        before = unit.audit_log("N1")
    again = desk.apply(_application(), as_of=DAY, user="sam")
    with store.unit() as unit:
        after = unit.audit_log("N1")
        assert unit.customer_ids() == ("N1",)
    assert after == before
    assert (again.replayed, again.customer_added) == (True, False)
    assert again.request == first.request
    assert [s.entry for s in again.steps] == [s.entry for s in first.steps]
    assert [s.detail for s in again.steps] == [s.detail for s in first.steps]
    with pytest.raises(DuplicateRecordError, match="other content"):
        desk.apply(_application(requested_limit=Money.of(45000, "EUR")), as_of=DAY, user="sam")


def test_an_existing_customer_applies_with_its_sales_and_limit_on_file(tmp_path: Path) -> None:
    from tests.desk.conftest import invoice, limit

    store = MemoryStore()
    with store.unit() as unit:
        unit.add_customers([_application().customer])
        unit.add_documents([invoice("I1", "N1", 30000)])  # issued 2026-05-04: this month
        unit.add_limit(limit("N1", 20000))
    result = _desk(store, _bureau(tmp_path, _report())).apply(
        _application(), as_of=datetime.date(2026, 6, 30), user="sam"
    )
    assert (result.customer_added, result.replayed) == (False, False)
    assert result.recommendation.inputs.current_limit == Money.of(20000, "EUR")
    assert result.request.current_limit is not None
    sales = result.recommendation.method("sales")
    assert sales.amount is not None  # one month of 30,000 over twelve: 2,500 x 30 / 30


def test_above_the_band_it_needs_two_approvers(tmp_path: Path) -> None:
    store = MemoryStore()
    desk = _desk(store, _bureau(tmp_path, _report()))
    result = desk.apply(
        _application(requested_limit=Money.of(180000, "EUR")), as_of=DAY, user="sam"
    )
    assert result.request.amount == Money.of(180000, "EUR")
    assert (result.routing.approvals, result.routing.four_eyes) == (2, True)
    assert result.routing.roles == ("credit_manager", "controller")
    assert "2 approvals" in result.steps[-1].detail
    with pytest.raises(PermissionDenied):
        result.request.approve(_approver("clara"), matrix=MATRIX, on=DAY)
    once = result.request.approve(_approver("max"), matrix=MATRIX, on=DAY)
    assert (once.state.value, once.limit) == ("submitted", None)
    twice = once.approve(_approver("boss"), matrix=MATRIX, on=DAY)
    assert twice.state.value == "approved"
    assert twice.limit is not None
    assert twice.limit.approved_by == ("max", "boss")
    assert desk.set_limit(twice.limit, user="boss")


def test_more_than_recommended_asks_for_the_recommendation(tmp_path: Path) -> None:
    desk = _desk(MemoryStore(), _bureau(tmp_path, _report()))
    result = desk.apply(
        _application(requested_limit=Money.of(900000, "EUR")), as_of=DAY, user="sam"
    )
    assert result.basis == "recommended"
    assert result.request.amount == result.recommendation.amount == Money.of(200000, "EUR")
    asked = _desk(MemoryStore(), _bureau(tmp_path, _report())).apply(
        _application(requested_limit=Money.of(900000, "EUR")),
        as_of=DAY,
        user="sam",
        policy=ApplicationPolicy(request=RequestBasis.REQUESTED),
    )
    assert (asked.basis, asked.request.amount) == ("requested", Money.of(900000, "EUR"))


def test_a_requester_without_rights_leaves_a_draft_and_says_why(tmp_path: Path) -> None:
    matrix = ApprovalMatrix(
        "limits",
        version="1",
        currency="EUR",
        requester_roles=("credit_manager",),
        bands=MATRIX.bands,
    )
    desk = CreditDesk(MemoryStore(), POLICY, authorizer=USERS, approvals=matrix)
    result = desk.apply(_application(), as_of=DAY, user="sam")
    assert (result.request.state.value, result.routing.submitted) == ("draft", False)
    assert "NOT_ROUTED" in [f.code for f in result.findings]
    assert "NO_BUREAU" in [f.code for f in result.findings]


def test_the_bureau_is_asked_without_holding_the_customers_lock(tmp_path: Path) -> None:
    store = MemoryStore()
    with store.unit() as unit:
        unit.add_customers([_application().customer])
    inner = _bureau(tmp_path, _report())
    opened: list[bool] = []

    class Probing:
        name = "creditsafe"

        def report(self, subject_id: str, *, as_of: datetime.date) -> BureauReport:
            def other() -> None:
                with store.unit("N1") as unit:
                    unit.audit_log("N1")
                opened.append(True)

            thread = threading.Thread(target=other)
            thread.start()
            thread.join(timeout=10)
            return inner.report(subject_id, as_of=as_of)

    _desk(store, Probing()).apply(_application(), as_of=DAY, user="sam")
    assert opened == [True]


def test_every_finding_code_is_documented() -> None:
    assert all(code.isupper() and message for code, message in FINDINGS.items())


# -- properties --------------------------------------------------------------------------

_JUNK = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(max_size=12)
    | st.decimals(allow_nan=False, allow_infinity=False)
    | st.dates().map(datetime.date.isoformat),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=12,
)
_KEYS = st.sampled_from(
    [
        "id",
        "customer_id",
        "name",
        "country",
        "currency",
        "requested_limit",
        "requested_terms_days",
        "applied_by",
        "applied_on",
        "company_ids",
        "trade_references",
        "bank_references",
        "statements",
        "founded",
        "parent_id",
    ]
)
_VALID: dict[str, Any] = {
    "id": "A1",
    "customer_id": "C1",
    "name": "X GmbH",
    "country": "DE",
    "currency": "EUR",
    "requested_limit": "1000 EUR",
    "requested_terms_days": 30,
    "applied_by": "sam",
    "applied_on": "2026-05-04",
}


@settings(max_examples=300, deadline=None)
@given(changes=st.dictionaries(_KEYS, _JUNK, max_size=4), drop=st.sets(_KEYS, max_size=2))
def test_the_loader_fails_only_with_config_errors(changes: dict[str, Any], drop: set[str]) -> None:
    document = {k: v for k, v in {**_VALID, **changes}.items() if k not in drop}
    try:
        application = load_application(document)
    except ConfigError:
        return
    assert isinstance(application, CreditApplication)


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=200))
def test_the_loader_reads_any_text_or_says_why(text: str) -> None:
    for form in ("toml", "json"):
        with contextlib.suppress(ConfigError):
            load_application(text, format=form)


_AMOUNT = st.integers(min_value=0, max_value=10**10)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    assets=_AMOUNT,
    liabilities=_AMOUNT,
    equity=st.integers(min_value=-(10**9), max_value=10**10),
    bureau_limit=st.none() | _AMOUNT,
    rating=st.none() | st.sampled_from("ABCDE"),
    requested=_AMOUNT,
    segment=st.sampled_from([None, "retail", "wholesale"]),
)
def test_the_recommendation_never_exceeds_the_policys_cap(
    assets: int,
    liabilities: int,
    equity: int,
    bureau_limit: int | None,
    rating: str | None,
    requested: int,
    segment: str | None,
) -> None:
    report = BureauReport(
        "creditsafe",
        SUBJECT,
        FETCHED,
        rating=rating,
        rating_scale=None if rating is None else "creditsafe-common",
        recommended_limit=None if bureau_limit is None else Money.of(bureau_limit, "EUR"),
    )

    class Fixed:
        name = "creditsafe"

        def report(self, subject_id: str, *, as_of: datetime.date) -> BureauReport:
            return report

    statement = FinancialStatement(
        current_assets=assets,
        current_liabilities=liabilities,
        total_assets=assets + liabilities,
        book_equity=equity,
        period_end=datetime.date(2025, 12, 31),
    )
    application = _application(
        segment=segment, statements=[statement], requested_limit=Money.of(requested, "EUR")
    )
    result = _desk(MemoryStore(), Fixed()).apply(application, as_of=DAY, user="sam")
    policy = example_policy()
    caps = [
        b.amount for b in policy.bounds_for("caps", segment=segment) if b.amount.currency == "EUR"
    ]
    amount = result.recommendation.amount
    if amount is not None:
        assert all(amount <= cap for cap in caps)
        assert result.request.amount is not None
        assert result.request.amount <= min(amount, Money.of(requested, "EUR"))
