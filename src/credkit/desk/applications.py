"""Credit applications: onboarding a new customer as one flow on the desk.

A :class:`CreditApplication` is what a prospective customer hands in: who it is (the
:class:`~credkit.ledger.Customer` to be), its company ids (for the bureau), the limit
and payment terms it asks for, trade and bank references, financial statements if it
has them, who took the application and when. It loads from a configuration document
(:func:`load_application`: JSON or TOML, errors are :class:`~credkit.errors.ConfigError`
naming the field), so a host can post one.

:func:`apply` (what :meth:`CreditDesk.apply <credkit.desk.CreditDesk.apply>` calls)
runs the flow:

1. **the bureau**: the report on the applicant's company id (see
   :attr:`CompanyIds.subject`) through the desk's bureau, best a
   :class:`~credkit.bureau.CachedBureau` (:func:`~credkit.desk.bureau.look_up`). This
   happens *before* the unit of work: a slow bureau never holds a customer's lock. A
   bureau that cannot answer is a finding, never a crash;
2. **the customer** is stored (nothing new if it is stored already, the same);
3. **the score**: the scorecard (default: credkit's example,
   :func:`~credkit.scoring.example_scorecard`) reads the inputs of
   :func:`scoring_inputs` from the latest statement and the report. Without any
   statement or bureau figure there is no score, and the risk class is the bureau's
   class on credkit's scale (:func:`~credkit.bureau.report_class`); the result says
   which was used (``risk_class_source``);
4. **the recommendation**: :func:`~credkit.limits.recommend` under the limit policy
   (default: :func:`~credkit.limits.example_policy`) with
   :class:`~credkit.limits.LimitInputs` carrying the statement, the bureau's
   suggested limit and class, the risk class, the requested terms and, for a customer
   already on the books, its credit-sales history;
5. **the request**: a :class:`~credkit.limits.LimitRequest` for the amount the
   :class:`ApplicationPolicy` chooses (by default the **lower** of the requested and
   the recommended limit: a recommendation caps what is asked, never raises it;
   the requested amount when no method applies), routed by the desk's
   :class:`~credkit.limits.ApprovalMatrix` (:func:`route`: which band, how many
   approvers, four eyes) and submitted under it when the requester may submit.

Steps 2 to 5 are one unit of work: the customer, and one audit-log entry per step
(``application``, ``bureau``, ``score``, ``recommendation``, ``limit_request``), are
stored together or not at all. **No limit is set**: the request goes through its own
lifecycle (:meth:`~credkit.limits.LimitRequest.approve`) and the approved limit is
stored with :meth:`CreditDesk.set_limit <credkit.desk.CreditDesk.set_limit>`.

**What to ask the applicant for** is part of the result (:attr:`ApplicationResult.to_ask`):
each :class:`Finding` has a stable code (:data:`FINDINGS`) and a message. Findings that
are not for the applicant (the bureau was unavailable, no approval band) are in
:attr:`ApplicationResult.findings` too.

**The same application twice stores nothing new**: an application whose id the
customer's log already holds, with the same content, is replayed: the working is
computed again, nothing is written, and the result carries the logged request and
entries (``replayed``). The same id with other content is refused
(:class:`~credkit.errors.DuplicateRecordError`).

>>> from datetime import date
>>> from credkit import Money
>>> from credkit.desk import CreditDesk
>>> from credkit.policy import Policy, PolicyEntry
>>> from credkit.policy.rules import StaticLimit
>>> from credkit.storage import MemoryStore
>>> application = CreditApplication(
...     "APP-1", customer_id="C9", name="Nordwind GmbH", country="DE", currency="EUR",
...     requested_limit=Money.of(40000, "EUR"), requested_terms_days=30,
...     applied_by="sam", applied_on=date(2026, 5, 4),
... )
>>> desk = CreditDesk(MemoryStore(), Policy("p", version="1", rules=[PolicyEntry(StaticLimit())]))
>>> result = desk.apply(application, as_of=date(2026, 5, 4), user="sam")
>>> result.request.amount, result.request.state.value, result.basis
(Money('40000', 'EUR'), 'draft', 'requested')
>>> [f.code for f in result.to_ask]
['STATEMENTS_MISSING', 'BANK_REFERENCE_MISSING', 'TRADE_REFERENCES_MISSING', 'COMPANY_IDS_MISSING']
>>> desk.apply(application, as_of=date(2026, 5, 4), user="sam").replayed
True
"""

from __future__ import annotations

import datetime
import enum
import hashlib
import json
import os
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

import attrs
from dateutil.relativedelta import relativedelta

from credkit._validate import (
    boolean,
    check_date,
    check_text,
    count,
    describe,
    enum_converter,
    instance_of,
    is_date,
    one_of,
    optional,
    optional_text,
    text,
    to_tuple,
    tuple_of,
)
from credkit.config import converter, dump, load
from credkit.desk.bureau import BureauLookup, look_up
from credkit.errors import (
    ConfigError,
    CredkitError,
    DuplicateRecordError,
    PermissionDenied,
    ValidationError,
)
from credkit.fx import RateSource
from credkit.ledger import Customer
from credkit.limits import (
    ApprovalMatrix,
    Approver,
    AuthorityBand,
    LimitInputs,
    LimitPolicy,
    LimitRecommendation,
    LimitRequest,
    example_policy,
    recommend,
)
from credkit.money import Money
from credkit.scoring import (
    FinancialStatement,
    RiskClass,
    Scorecard,
    ScoreResult,
    current_ratio,
    equity_ratio,
    example_scorecard,
)
from credkit.storage import AuditEntry, Unit, limit_in_force

if TYPE_CHECKING:
    from credkit.desk.desk import CreditDesk

__all__ = [
    "FINDINGS",
    "ApplicationPolicy",
    "ApplicationResult",
    "CompanyIds",
    "CreditApplication",
    "Finding",
    "Reference",
    "RequestBasis",
    "Routing",
    "Step",
    "apply",
    "load_application",
    "route",
    "scoring_inputs",
]

FINDINGS: Final[Mapping[str, str]] = {
    "STATEMENTS_MISSING": "no financial statements: ask for the latest annual accounts",
    "STATEMENTS_OUTDATED": "the latest financial statement is too old: ask for a newer one",
    "BANK_REFERENCE_MISSING": "no bank reference: ask for one",
    "TRADE_REFERENCES_MISSING": "fewer trade references than the policy needs: ask for more",
    "COMPANY_IDS_MISSING": "no company id for the bureau: ask for a registration number, "
    "VAT id or DUNS number",
    "BUREAU_SUBJECT_UNKNOWN": "the bureau does not know the company under the id given: "
    "ask for the correct registration number, VAT id or DUNS number",
    "BUREAU_UNAVAILABLE": "the bureau could not answer (unavailable or a malformed report); "
    "try again later",
    "NO_BUREAU": "the desk has no bureau: the application is decided without a report",
    "NO_SCORE": "no statement and no bureau figures: the applicant could not be scored",
    "NO_RECOMMENDATION": "no limit method applies: the request is for the requested amount",
    "NOT_ROUTED": "the request could not be routed for approval (no matrix, no band covers "
    "it, or the requester may not submit it)",
}
"""Every finding code :func:`apply` gives, with what it means."""

_ASK: Final = frozenset(
    {
        "STATEMENTS_MISSING",
        "STATEMENTS_OUTDATED",
        "BANK_REFERENCE_MISSING",
        "TRADE_REFERENCES_MISSING",
        "COMPANY_IDS_MISSING",
        "BUREAU_SUBJECT_UNKNOWN",
    }
)


# -- the application ----------------------------------------------------------------------


@attrs.frozen
class CompanyIds:
    """The applicant's company ids: what a bureau knows it by.

    ``bureau_id`` is the id the desk's bureau uses when it is none of the others (a
    provider's own company key).

    >>> CompanyIds(registration_number="HRB 12345", vat_id="DE123456789").subject
    'HRB 12345'
    >>> CompanyIds().subject is None
    True
    """

    registration_number: str | None = attrs.field(
        default=None, kw_only=True, validator=optional_text
    )
    vat_id: str | None = attrs.field(default=None, kw_only=True, validator=optional_text)
    duns: str | None = attrs.field(default=None, kw_only=True, validator=optional_text)
    bureau_id: str | None = attrs.field(default=None, kw_only=True, validator=optional_text)

    @property
    def subject(self) -> str | None:
        """The bureau's subject id: ``bureau_id``, else DUNS, registration number, VAT id.

        >>> CompanyIds(duns="804735132", vat_id="GB1").subject
        '804735132'
        """
        for value in (self.bureau_id, self.duns, self.registration_number, self.vat_id):
            if value is not None:
                return value
        return None


def _optional_money(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not isinstance(value, Money):
        raise ValidationError(
            f"{attribute.name}: expected an amount (Money) or None, got {describe(value)}"
        )
    if isinstance(value, Money) and value.is_negative:
        raise ValidationError(f"{attribute.name}: must be zero or more, got {value}")


@attrs.frozen
class Reference:
    """A trade or bank reference: who, how to reach them, and what they say.

    ``years_known`` is how long the referee has dealt with the applicant,
    ``highest_credit`` the most credit it granted, ``payment_experience`` what it
    reports (free text: ``"prompt"``, ``"10 days late"``).

    >>> Reference("Hansa Papier AG", years_known=6, highest_credit=Money.of(25000, "EUR"),
    ...           payment_experience="prompt").years_known
    6
    >>> Reference("")
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: name: expected a non-empty string, got str ''
    """

    name: str = attrs.field(validator=text)
    contact: str | None = attrs.field(default=None, kw_only=True, validator=optional_text)
    years_known: int | None = attrs.field(default=None, kw_only=True, validator=optional(count))
    highest_credit: Money | None = attrs.field(
        default=None, kw_only=True, validator=_optional_money
    )
    payment_experience: str | None = attrs.field(
        default=None, kw_only=True, validator=optional_text
    )


def _requested(instance: CreditApplication, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Money):
        raise ValidationError(f"requested_limit: expected an amount (Money), got {describe(value)}")
    if value.is_negative:
        raise ValidationError(f"requested_limit: must be zero or more, got {value}")
    if value.currency != instance.currency:
        raise ValidationError(
            f"requested_limit: {value} is not in the applicant's currency {instance.currency}; "
            "ask for the limit in the currency the customer will be invoiced in"
        )


def _statements(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    tuple_of(FinancialStatement, "a FinancialStatement")(instance, attribute, value)


def _references(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    tuple_of(Reference, "a Reference")(instance, attribute, value)


def _customer(instance: CreditApplication) -> None:
    Customer(
        instance.customer_id,
        instance.name,
        country=instance.country,
        currency=instance.currency,
        segment=instance.segment,
        industry=instance.industry,
        parent_id=instance.parent_id,
    )


@attrs.frozen
class CreditApplication:
    """A prospective customer's application for credit (see the module).

    ``id`` names the application (applying the same one twice is idempotent);
    ``customer_id`` to ``parent_id`` are the :class:`~credkit.ledger.Customer` to be;
    ``legal_form`` (``corporation``, ``partnership``, ``sole_trader``) and ``founded``
    are read by the scorecard; ``requested_limit`` is in the applicant's
    ``currency``; ``requested_terms_days`` the payment terms asked for;
    ``statements`` the financial statements handed in (the latest by ``period_end``
    counts); ``applied_by`` who took the application, ``applied_on`` when.

    >>> from datetime import date
    >>> CreditApplication("A1", customer_id="C1", name="X", country="DE", currency="EUR",
    ...     requested_limit=Money.of(100, "USD"), requested_terms_days=30, applied_by="sam",
    ...     applied_on=date(2026, 5, 4))
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: requested_limit: 100 USD is not in the applicant's currency EUR; ask for the limit in the currency the customer will be invoiced in
    """

    id: str = attrs.field(validator=text)
    customer_id: str = attrs.field(kw_only=True, validator=text)
    name: str = attrs.field(kw_only=True, validator=text)
    country: str = attrs.field(kw_only=True, validator=text)
    currency: str = attrs.field(kw_only=True, validator=text)
    requested_limit: Money = attrs.field(kw_only=True, validator=_requested)
    requested_terms_days: int = attrs.field(kw_only=True, validator=count)
    applied_by: str = attrs.field(kw_only=True, validator=text)
    applied_on: datetime.date = attrs.field(kw_only=True, validator=is_date)
    segment: str | None = attrs.field(default=None, kw_only=True, validator=optional_text)
    industry: str | None = attrs.field(default=None, kw_only=True, validator=optional_text)
    parent_id: str | None = attrs.field(default=None, kw_only=True, validator=optional_text)
    company_ids: CompanyIds = attrs.field(
        factory=CompanyIds, kw_only=True, validator=instance_of(CompanyIds)
    )
    legal_form: str | None = attrs.field(default=None, kw_only=True, validator=optional_text)
    founded: datetime.date | None = attrs.field(
        default=None, kw_only=True, validator=optional(is_date)
    )
    trade_references: tuple[Reference, ...] = attrs.field(
        default=(), kw_only=True, converter=to_tuple, validator=_references
    )
    bank_references: tuple[Reference, ...] = attrs.field(
        default=(), kw_only=True, converter=to_tuple, validator=_references
    )
    statements: tuple[FinancialStatement, ...] = attrs.field(
        default=(), kw_only=True, converter=to_tuple, validator=_statements
    )

    def __attrs_post_init__(self) -> None:
        _customer(self)  # the customer-to-be must be a valid Customer

    @property
    def customer(self) -> Customer:
        """The :class:`~credkit.ledger.Customer` the application stores.

        >>> from datetime import date
        >>> CreditApplication("A1", customer_id="C1", name="X", country="DE", currency="EUR",
        ...     requested_limit=Money.of(100, "EUR"), requested_terms_days=30, applied_by="sam",
        ...     applied_on=date(2026, 5, 4), segment="wholesale").customer.segment
        'wholesale'
        """
        return Customer(
            self.customer_id,
            self.name,
            country=self.country,
            currency=self.currency,
            segment=self.segment,
            industry=self.industry,
            parent_id=self.parent_id,
        )

    @property
    def latest_statement(self) -> FinancialStatement | None:
        """The statement with the latest ``period_end`` (undated ones count as oldest).

        >>> from datetime import date
        >>> CreditApplication("A1", customer_id="C1", name="X", country="DE", currency="EUR",
        ...     requested_limit=Money.of(100, "EUR"), requested_terms_days=30, applied_by="sam",
        ...     applied_on=date(2026, 5, 4)).latest_statement is None
        True
        """
        return _latest(self.statements)

    @property
    def digest(self) -> str:
        """A SHA-256 of the application's document: equal applications, equal digests.

        >>> from datetime import date
        >>> len(CreditApplication("A1", customer_id="C1", name="X", country="DE", currency="EUR",
        ...     requested_limit=Money.of(100, "EUR"), requested_terms_days=30, applied_by="sam",
        ...     applied_on=date(2026, 5, 4)).digest)
        64
        """
        text = json.dumps(dump(self), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _latest(statements: Sequence[FinancialStatement]) -> FinancialStatement | None:
    if not statements:
        return None
    dated = [(s.period_end or datetime.date.min, index) for index, s in enumerate(statements)]
    return statements[max(dated)[1]]


def load_application(
    source: Mapping[str, Any] | str | os.PathLike[str], *, format: Any = None
) -> CreditApplication:
    """Load a :class:`CreditApplication` document (JSON or TOML; errors name the field).

    Anything wrong with the document is a :class:`~credkit.errors.ConfigError`.

    >>> application = load_application('''
    ... id = "APP-7"
    ... customer_id = "C7"
    ... name = "Nordwind GmbH"
    ... country = "DE"
    ... currency = "EUR"
    ... requested_limit = "50000 EUR"
    ... requested_terms_days = 30
    ... applied_by = "sam"
    ... applied_on = 2026-05-04
    ... [company_ids]
    ... registration_number = "HRB 4711"
    ... [[bank_references]]
    ... name = "Sparkasse Kiel"
    ... ''', format="toml")
    >>> application.company_ids.subject, application.bank_references[0].name
    ('HRB 4711', 'Sparkasse Kiel')
    >>> load_application({"id": "A", "customer_id": "C", "name": "X", "country": "DE",
    ...     "currency": "EUR", "requested_limit": "50000 EUR", "requested_terms_days": -1,
    ...     "applied_by": "sam", "applied_on": "2026-05-04"})
    Traceback (most recent call last):
    ...
    credkit.errors.ConfigError: requested_terms_days: must be >= 0, got -1
    """
    try:
        return load(CreditApplication, source, format=format)
    except ConfigError:
        raise
    except CredkitError as error:  # a document that loads but is not a valid application
        raise ConfigError(str(error)) from None


# -- the policy for applications ------------------------------------------------------------


class RequestBasis(enum.Enum):
    """Which amount the limit request asks for.

    ``lower``: the lower of the requested and the recommended limit (the default);
    ``requested``: what the applicant asked for; ``recommended``: the recommendation.
    Without a recommendation (no method applies) the request is for the requested amount.

    >>> RequestBasis("lower")
    <RequestBasis.LOWER: 'lower'>
    """

    LOWER = "lower"
    REQUESTED = "requested"
    RECOMMENDED = "recommended"


_basis = enum_converter(RequestBasis)


def _to_basis(value: object) -> Any:
    return _basis(value)


@attrs.frozen
class ApplicationPolicy:
    """What a complete application has, and which amount the request asks for.

    ``min_trade_references`` trade references and (``bank_reference``) a bank
    reference are needed; ``statements`` asks for financial statements, no older than
    ``max_statement_age_months`` (by ``period_end``; an undated statement is taken as
    current); ``request`` is the :class:`RequestBasis`. Loadable with
    :func:`credkit.config.load`.

    >>> from credkit import config
    >>> config.load(ApplicationPolicy, {"id": "lenient", "version": "1", "min_trade_references": 0,
    ...                                 "request": "requested"}).request
    <RequestBasis.REQUESTED: 'requested'>
    """

    id: str = attrs.field(default="credit-applications", validator=text)
    version: str = attrs.field(default="1", kw_only=True, validator=text)
    min_trade_references: int = attrs.field(default=2, kw_only=True, validator=count)
    bank_reference: bool = attrs.field(default=True, kw_only=True, validator=boolean)
    statements: bool = attrs.field(default=True, kw_only=True, validator=boolean)
    max_statement_age_months: int = attrs.field(default=18, kw_only=True, validator=count)
    request: RequestBasis = attrs.field(
        default=RequestBasis.LOWER,
        kw_only=True,
        converter=_to_basis,
        validator=one_of(RequestBasis),
    )


# -- results --------------------------------------------------------------------------------


def _code(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value not in FINDINGS:
        raise ValidationError(
            f"code: unknown finding code {describe(value)}; accepted: {', '.join(FINDINGS)}"
        )


@attrs.frozen
class Finding:
    """Something the flow found: a stable ``code`` (:data:`FINDINGS`), a message, and
    whether to ``ask`` the applicant for it.

    >>> Finding("BANK_REFERENCE_MISSING", "no bank reference", ask=True).describe()
    'BANK_REFERENCE_MISSING: no bank reference'
    """

    code: str = attrs.field(validator=_code)
    message: str = attrs.field(validator=text)
    ask: bool = attrs.field(default=False, kw_only=True, validator=boolean)

    def describe(self) -> str:
        """``'CODE: message'``.

        >>> Finding("NO_BUREAU", "no bureau").describe()
        'NO_BUREAU: no bureau'
        """
        return f"{self.code}: {self.message}"


def _finding(code: str, message: str) -> Finding:
    return Finding(code, message, ask=code in _ASK)


@attrs.frozen
class Step:
    """One step of the flow: its name, what it found, and its audit-log entry.

    ``entry`` is the sequence number of the entry in the customer's log (None for a
    step that wrote nothing).

    >>> Step("bureau", "no bureau").describe()
    'bureau: no bureau'
    """

    name: str = attrs.field(validator=text)
    detail: str = attrs.field(validator=text)
    entry: int | None = attrs.field(default=None, kw_only=True)

    def describe(self) -> str:
        """``'name: detail'`` (with the entry's number when there is one).

        >>> Step("score", "610 (class B)", entry=3).describe()
        'score: 610 (class B) [log entry 3]'
        """
        where = f" [log entry {self.entry}]" if self.entry is not None else ""
        return f"{self.name}: {self.detail}{where}"


@attrs.frozen
class Routing:
    """Who must approve a limit request under an approval matrix.

    ``band`` is the governing :class:`~credkit.limits.AuthorityBand` (None when no
    matrix or no band covers the request: ``problem`` says why); ``currency`` the
    matrix currency; ``submitted`` whether the request was submitted under it.

    >>> from credkit.limits import AuthorityBand
    >>> routing = Routing(band=AuthorityBand(min_amount=100000, roles=("credit_manager",),
    ...                   approvals=2), currency="EUR", matrix_id="limits", matrix_version="1")
    >>> routing.describe(), routing.four_eyes
    ('band from 100,000.00 EUR, 2 approvals by role credit_manager', True)
    """

    band: AuthorityBand | None = attrs.field(default=None, kw_only=True)
    currency: str | None = attrs.field(default=None, kw_only=True)
    matrix_id: str | None = attrs.field(default=None, kw_only=True)
    matrix_version: str | None = attrs.field(default=None, kw_only=True)
    submitted: bool = attrs.field(default=False, kw_only=True)
    problem: str | None = attrs.field(default=None, kw_only=True)

    @property
    def approvals(self) -> int:
        """How many different approvers the request needs (0: not routed).

        >>> Routing(problem="no matrix").approvals
        0
        """
        return 0 if self.band is None else self.band.approvals

    @property
    def roles(self) -> tuple[str, ...]:
        """The roles that may approve (empty: not routed).

        >>> Routing().roles
        ()
        """
        return () if self.band is None else self.band.roles

    @property
    def four_eyes(self) -> bool:
        """Whether two or more different approvers are needed.

        >>> Routing().four_eyes
        False
        """
        return self.approvals >= 2

    def describe(self) -> str:
        """The band, how many approvals and by whom; or ``'no band: ...'``.

        >>> Routing(problem="the desk has no approval matrix").describe()
        'no band: the desk has no approval matrix'
        """
        if self.band is None or self.currency is None:
            return f"no band: {self.problem or 'not routed'}"
        count = "1 approval" if self.band.approvals == 1 else f"{self.band.approvals} approvals"
        return f"{self.band.describe(self.currency)}, {count} by {self.band.roles_text()}"


def route(
    request: LimitRequest, matrix: ApprovalMatrix | None, *, rates: RateSource | None = None
) -> Routing:
    """Route ``request`` by ``matrix``: the governing band, or why there is none.

    Never raises for a request no band covers: that is a :class:`Routing` with a
    ``problem`` (as is ``matrix=None``).

    >>> from datetime import date
    >>> from credkit.limits import ApprovalMatrix, Approver, AuthorityBand, LimitRequest
    >>> matrix = ApprovalMatrix("m", version="1", currency="EUR",
    ...     bands=(AuthorityBand(max_amount=50000, roles=("analyst",)),))
    >>> request = LimitRequest.draft("R1", "C1", Money.of(80000, "EUR"), requested_by=Approver("sam"),
    ...                              on=date(2026, 5, 4))
    >>> route(request, matrix).describe()
    "no band: no band of approval matrix 'm' version 1 covers a request for 80,000.00 EUR"
    """
    if matrix is None:
        return Routing(problem="the desk has no approval matrix")
    try:
        band = request.band(matrix, rates=rates)
    except CredkitError as error:
        return Routing(matrix_id=matrix.id, matrix_version=matrix.version, problem=str(error))
    return Routing(
        band=band, currency=matrix.currency, matrix_id=matrix.id, matrix_version=matrix.version
    )


@attrs.frozen
class ApplicationResult:
    """What :func:`apply` did with an application, step by step.

    ``bureau`` is the lookup (None without a bureau or a company id), ``score`` the
    scorecard's result (None without inputs to score), ``risk_class`` the class used
    and ``risk_class_source`` where it came from (``"score"``, ``"bureau"`` or None),
    ``recommendation`` the limit recommendation, ``request`` the
    :class:`~credkit.limits.LimitRequest` (draft or submitted; never approved here)
    and ``basis`` the amount it asks for (``"requested"`` or ``"recommended"``),
    ``routing`` who must approve it, ``findings`` everything found (``to_ask``: what
    to ask the applicant for), ``steps`` the steps with their log entries.
    ``replayed`` says the application had been received before: nothing was written.

    >>> from credkit.desk import CreditDesk
    >>> from credkit.policy import Policy, PolicyEntry
    >>> from credkit.policy.rules import StaticLimit
    >>> from credkit.storage import MemoryStore
    >>> desk = CreditDesk(MemoryStore(), Policy("p", version="1", rules=[PolicyEntry(StaticLimit())]))
    >>> result = desk.apply(CreditApplication("A1", customer_id="C1", name="X", country="DE",
    ...     currency="EUR", requested_limit=Money.of(500, "EUR"), requested_terms_days=30,
    ...     applied_by="sam", applied_on=datetime.date(2026, 5, 4)), as_of=datetime.date(2026, 5, 4),
    ...     user="sam", policy=ApplicationPolicy(min_trade_references=0, bank_reference=False,
    ...     statements=False))
    >>> result.complete, [f.code for f in result.findings]
    (False, ['COMPANY_IDS_MISSING', 'NO_BUREAU', 'NO_SCORE', 'NO_RECOMMENDATION', 'NOT_ROUTED'])
    >>> result.to_json()["to_ask"], result.explain().splitlines()[-1]
    (['COMPANY_IDS_MISSING'], '  COMPANY_IDS_MISSING: no company id to ask the bureau about; ask for a registration number, VAT id or DUNS number')
    """

    application: CreditApplication
    as_of: datetime.date
    customer_added: bool
    bureau: BureauLookup | None
    score: ScoreResult | None
    risk_class: str | None
    risk_class_source: str | None
    recommendation: LimitRecommendation
    request: LimitRequest
    basis: str
    routing: Routing
    findings: tuple[Finding, ...]
    steps: tuple[Step, ...]
    replayed: bool = False

    @property
    def to_ask(self) -> tuple[Finding, ...]:
        """The findings to ask the applicant about, in the order found."""
        return tuple(f for f in self.findings if f.ask)

    @property
    def complete(self) -> bool:
        """True when there is nothing to ask the applicant for."""
        return not self.to_ask

    def explain(self) -> str:
        """The flow as text for an analyst: steps, recommendation, routing, what to ask."""
        app = self.application
        lines = [
            f"Credit application {app.id} for {app.customer_id} ({app.name}) as of "
            f"{self.as_of.isoformat()}"
            + (" (received before: nothing new stored)" if self.replayed else ""),
            "Steps:",
            *(f"  {step.describe()}" for step in self.steps),
            "",
            self.recommendation.explain(),
            "",
            f"Request {self.request.id}: {_text(self.request.amount)} ({self.basis}), "
            f"{self.request.state.value}",
            f"Approval: {self.routing.describe()}",
        ]
        others = [f for f in self.findings if not f.ask]
        if others:
            lines.append("Findings:")
            lines += [f"  {f.describe()}" for f in others]
        if self.to_ask:
            lines.append("Ask the applicant for:")
            lines += [f"  {f.describe()}" for f in self.to_ask]
        else:
            lines.append("Nothing to ask the applicant for.")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        """The result as a JSON-compatible document."""
        recommendation = self.recommendation
        return {
            "application_id": self.application.id,
            "customer_id": self.application.customer_id,
            "as_of": self.as_of.isoformat(),
            "replayed": self.replayed,
            "customer_added": self.customer_added,
            "steps": [{"name": s.name, "detail": s.detail, "entry": s.entry} for s in self.steps],
            "bureau": None if self.bureau is None else dict(self.bureau.source),
            "score": None if self.score is None else _score_document(self.score),
            "risk_class": self.risk_class,
            "risk_class_source": self.risk_class_source,
            "recommendation": _recommendation_document(recommendation),
            "request": converter.unstructure(self.request),
            "basis": self.basis,
            "routing": {
                "band": None
                if self.routing.band is None or self.routing.currency is None
                else self.routing.band.describe(self.routing.currency),
                "approvals": self.routing.approvals,
                "roles": list(self.routing.roles),
                "four_eyes": self.routing.four_eyes,
                "submitted": self.routing.submitted,
                "problem": self.routing.problem,
                "text": self.routing.describe(),
            },
            "findings": [
                {"code": f.code, "message": f.message, "ask": f.ask} for f in self.findings
            ],
            "to_ask": [f.code for f in self.to_ask],
        }


def _text(money: Money | None) -> str:
    return "no limit" if money is None else money.format()


def _score_document(score: ScoreResult) -> dict[str, Any]:
    risk = score.risk_class
    return {
        "scorecard": {"id": score.scorecard_id, "version": score.scorecard_version},
        "total": str(score.total),
        "risk_class": None if risk is None else risk.name,
        "reason_codes": list(score.reason_codes),
    }


def _recommendation_document(recommendation: LimitRecommendation) -> dict[str, Any]:
    amount = recommendation.amount
    return {
        "policy": {"id": recommendation.policy_id, "version": recommendation.policy_version},
        "amount": None if amount is None else str(amount.amount),
        "currency": recommendation.currency,
        "chosen": list(recommendation.chosen),
        "methods": [
            {
                "method": m.method,
                "amount": None if m.amount is None else str(m.amount.amount),
                "reason": m.reason,
            }
            for m in recommendation.methods
        ],
        "adjustments": [{"step": a.step, "reason": a.reason} for a in recommendation.adjustments],
    }


# -- the flow -------------------------------------------------------------------------------


def scoring_inputs(
    application: CreditApplication,
    *,
    statement: FinancialStatement | None,
    bureau: BureauLookup | None,
    as_of: datetime.date,
) -> dict[str, Decimal | str | None]:
    """What the scorecard reads about an applicant (the names of the example scorecard).

    ``current_ratio`` and ``equity_ratio`` from ``statement`` (None when it lacks the
    figures), ``payment_index`` from the bureau report, ``days_beyond_terms`` None (a
    new customer has no payment history with us), ``years_in_business`` whole years
    from ``founded`` to ``as_of``, ``legal_form`` as given, ``bureau_score`` the
    report's score when it is on a 0-100 scale.

    >>> from datetime import date
    >>> application = CreditApplication("A1", customer_id="C1", name="X", country="DE",
    ...     currency="EUR", requested_limit=Money.of(100, "EUR"), requested_terms_days=30,
    ...     applied_by="sam", applied_on=date(2026, 5, 4), founded=date(2015, 6, 1))
    >>> statement = FinancialStatement(current_assets=150, current_liabilities=100,
    ...                                total_assets=400, book_equity=100)
    >>> inputs = scoring_inputs(application, statement=statement, bureau=None, as_of=date(2026, 5, 4))
    >>> inputs["current_ratio"], inputs["equity_ratio"], inputs["years_in_business"]
    (Decimal('1.5'), Decimal('0.25'), Decimal('10'))
    """
    check_date(as_of, "as_of")
    ratios: dict[str, Decimal | None] = {"current_ratio": None, "equity_ratio": None}
    if statement is not None:
        for name, ratio in (("current_ratio", current_ratio), ("equity_ratio", equity_ratio)):
            try:
                ratios[name] = ratio(statement)
            except ValidationError:
                ratios[name] = None  # the figures it needs are missing or zero
    report = None if bureau is None else bureau.report
    score = None if report is None else report.score
    years = None
    if application.founded is not None and application.founded <= as_of:
        years = Decimal(relativedelta(as_of, application.founded).years)
    return {
        **ratios,
        "payment_index": None if report is None else report.payment_index,
        "days_beyond_terms": None,
        "years_in_business": years,
        "legal_form": application.legal_form,
        "bureau_score": score if score is not None and 0 <= score <= 100 else None,
    }


_SCORED_BY: Final = ("current_ratio", "equity_ratio", "payment_index", "bureau_score")


def _check_findings(
    application: CreditApplication,
    policy: ApplicationPolicy,
    statement: FinancialStatement | None,
    as_of: datetime.date,
) -> list[Finding]:
    found: list[Finding] = []
    if policy.statements:
        if statement is None:
            found.append(
                _finding(
                    "STATEMENTS_MISSING",
                    "no financial statements in the application or the bureau report; "
                    "ask for the latest annual accounts",
                )
            )
        elif statement.period_end is not None:
            oldest = as_of - relativedelta(months=policy.max_statement_age_months)
            if statement.period_end < oldest:
                found.append(
                    _finding(
                        "STATEMENTS_OUTDATED",
                        f"the latest statement ends {statement.period_end.isoformat()}, more "
                        f"than {policy.max_statement_age_months} months before "
                        f"{as_of.isoformat()}; ask for a newer one",
                    )
                )
    if policy.bank_reference and not application.bank_references:
        found.append(_finding("BANK_REFERENCE_MISSING", "no bank reference; ask for one"))
    have = len(application.trade_references)
    if have < policy.min_trade_references:
        found.append(
            _finding(
                "TRADE_REFERENCES_MISSING",
                f"{have} trade reference{'' if have == 1 else 's'}, the policy needs "
                f"{policy.min_trade_references}; ask for "
                f"{policy.min_trade_references - have} more",
            )
        )
    if application.company_ids.subject is None:
        found.append(
            _finding(
                "COMPANY_IDS_MISSING",
                "no company id to ask the bureau about; ask for a registration number, "
                "VAT id or DUNS number",
            )
        )
    return found


def _bureau_step(
    lookup: BureauLookup | None, has_bureau: bool, subject: str | None
) -> tuple[str, list[Finding]]:
    if not has_bureau:
        return "the desk has no bureau", [
            _finding("NO_BUREAU", "the desk has no bureau; decided without a report")
        ]
    if lookup is None:
        return "not asked: no company id", []
    if lookup.report is not None:
        report = lookup.report
        return (
            f"{report.provider} report {report.report_id or '-'} on {subject!r}, fetched "
            f"{report.fetched_at.date().isoformat()}, rating {report.rating or '-'}, class "
            f"{lookup.risk_class or '-'}",
            [],
        )
    error = str(lookup.source.get("error", "no report"))
    if lookup.error == "not found":
        return f"no report: {error}", [
            _finding(
                "BUREAU_SUBJECT_UNKNOWN",
                f"the bureau does not know {subject!r}; ask for the correct registration "
                "number, VAT id or DUNS number",
            )
        ]
    return f"no report: {error}", [
        _finding("BUREAU_UNAVAILABLE", f"no bureau report ({error}); try again later")
    ]


def _risk_class_object(scorecard: Scorecard, name: str | None) -> RiskClass | None:
    if name is None or scorecard.risk_scale is None:
        return None
    return next((c for c in scorecard.risk_scale.classes if c.name == name), None)


def _logged(unit: Unit, application: CreditApplication) -> list[AuditEntry]:
    """The log entries of ``application`` (by id), oldest first; checks it is the same one."""
    entries = [
        e
        for e in unit.audit_log(application.customer_id)
        if e.payload.get("application_id") == application.id
    ]
    received = next((e for e in entries if e.kind == "application"), None)
    if received is not None and received.payload.get("digest") != application.digest:
        raise DuplicateRecordError(
            f"application {application.id!r}: received already (audit entry "
            f"{received.sequence}) with other content; give a changed application a new id"
        )
    return entries


def apply(
    desk: CreditDesk,
    application: CreditApplication,
    *,
    as_of: datetime.date,
    user: str,
    scorecard: Scorecard | None = None,
    limit_policy: LimitPolicy | None = None,
    policy: ApplicationPolicy | None = None,
) -> ApplicationResult:
    """Run ``application`` through the desk's flow (see the module); return what it did.

    ``user`` drafts the limit request (with the roles the desk's authorizer gives
    them) and is named in the log; ``scorecard`` defaults to
    :func:`~credkit.scoring.example_scorecard`, ``limit_policy`` to
    :func:`~credkit.limits.example_policy`, ``policy`` to :class:`ApplicationPolicy`'s
    defaults. Bad input raises :class:`~credkit.errors.ValidationError`; what is
    missing from the application is in the result, not an error (see the module for
    an example).

    >>> apply(None, "not an application", as_of=datetime.date(2026, 5, 4), user="sam")  # type: ignore[arg-type]
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: application: expected a CreditApplication, got str 'not an application'
    """
    if not isinstance(application, CreditApplication):
        raise ValidationError(
            f"application: expected a CreditApplication, got {describe(application)}"
        )
    check_date(as_of, "as_of")
    user = check_text(user, "user")
    card = example_scorecard() if scorecard is None else scorecard
    if not isinstance(card, Scorecard):
        raise ValidationError(f"scorecard: expected a Scorecard or None, got {describe(card)}")
    limits = example_policy() if limit_policy is None else limit_policy
    if not isinstance(limits, LimitPolicy):
        raise ValidationError(
            f"limit_policy: expected a LimitPolicy or None, got {describe(limits)}"
        )
    rules = ApplicationPolicy() if policy is None else policy
    if not isinstance(rules, ApplicationPolicy):
        raise ValidationError(
            f"policy: expected an ApplicationPolicy or None, got {describe(rules)}"
        )
    requester = Approver(user, roles=desk.authorizer.roles_of(user))
    customer_id = application.customer_id
    subject = application.company_ids.subject

    # (1) the bureau, before any lock is taken
    lookup: BureauLookup | None = None
    if desk.bureau is not None and subject is not None:
        lookup = look_up(desk.bureau, customer_id, as_of=as_of, subject=lambda _: subject)
    bureau_detail, bureau_findings = _bureau_step(lookup, desk.bureau is not None, subject)
    report = None if lookup is None else lookup.report

    # the statement: the applicant's latest, else the bureau's
    statement = application.latest_statement
    statement_source = "application"
    if statement is None and report is not None and report.statements:
        statement = _latest(report.statements)
        statement_source = "bureau report"

    findings = _check_findings(application, rules, statement, as_of) + bureau_findings

    # (3) the score, and the risk class
    inputs = scoring_inputs(application, statement=statement, bureau=lookup, as_of=as_of)
    score: ScoreResult | None = None
    if any(inputs[name] is not None for name in _SCORED_BY):
        score = card.score(inputs)
    risk_name: str | None = None
    risk_source: str | None = None
    if score is not None and score.risk_class is not None:
        risk_name, risk_source = score.risk_class.name, "score"
    elif lookup is not None and lookup.risk_class is not None:
        risk_name, risk_source = lookup.risk_class, "bureau"
    if score is None:
        findings.append(_finding("NO_SCORE", "no statement and no bureau figures: not scored"))

    def work(unit: Unit) -> ApplicationResult:
        # (2) the customer
        added = unit.add_customers([application.customer]) > 0
        logged = [] if added else _logged(unit, application)
        ledger = unit.ledger(customer_id, as_of=as_of)
        in_force = limit_in_force(unit.limits(customer_id), as_of=as_of)
        current = (
            in_force if in_force is not None and in_force.currency == application.currency else None
        )
        # (4) the recommendation
        limit_inputs = LimitInputs.from_ledger(
            ledger,
            customer_id,
            as_of=as_of,
            rates=desk.rates,
            currency=application.currency,
            terms_days=application.requested_terms_days,
            statement=statement,
            bureau_limit=None if report is None else report.recommended_limit,
            risk_class=risk_name,
            bureau_class=None if lookup is None else lookup.risk_class,
            current_limit=None if current is None else current.amount,
        )
        if all(m.is_zero for m in limit_inputs.monthly_sales):  # no sales with us yet
            limit_inputs = attrs.evolve(limit_inputs, monthly_sales=())
        recommendation = recommend(limit_inputs, limits, rates=desk.rates)
        # (5) the request
        requested = application.requested_limit
        recommended = recommendation.amount
        notes = list(findings)
        if recommended is None:
            amount, basis = requested, "requested"
            notes.append(
                _finding(
                    "NO_RECOMMENDATION",
                    f"no method of limit policy {limits.id!r} applies; the request is for "
                    f"the requested {requested.format()}",
                )
            )
        elif rules.request is RequestBasis.REQUESTED:
            amount, basis = requested, "requested"
        elif rules.request is RequestBasis.RECOMMENDED or recommended < requested:
            amount, basis = recommended, "recommended"
        else:
            amount, basis = requested, "requested"
        request = LimitRequest.draft(
            f"LR-{application.id}",
            customer_id,
            amount,
            requested_by=requester,
            on=as_of,
            current_limit=current,
            risk_class=_risk_class_object(card, risk_name),
            justification=f"credit application {application.id}",
        )
        routing = route(request, desk.approvals, rates=desk.rates)
        if routing.band is not None and desk.approvals is not None:
            try:
                request = request.submit(
                    requester, matrix=desk.approvals, on=as_of, rates=desk.rates
                )
                routing = attrs.evolve(routing, submitted=True)
            except PermissionDenied as error:
                routing = attrs.evolve(routing, problem=str(error))
        if routing.band is None or not routing.submitted:
            notes.append(_finding("NOT_ROUTED", routing.problem or "not routed"))
        # the steps, and their log entries
        statement_text = (
            "none"
            if statement is None
            else f"from the {statement_source}"
            + (f", period end {statement.period_end.isoformat()}" if statement.period_end else "")
        )
        score_text = (
            "not scored"
            if score is None
            else f"{score.total} on {card.id} version {card.version}"
            + (f", class {score.risk_class.name}" if score.risk_class is not None else "")
        )
        details = [
            (
                "application",
                f"received from {application.applied_by} on "
                f"{application.applied_on.isoformat()}; customer "
                + ("stored" if added else "on file already")
                + f"; statement {statement_text}",
            ),
            ("bureau", bureau_detail),
            (
                "score",
                f"{score_text}; risk class {risk_name or 'none'}"
                + (f" (from the {risk_source})" if risk_source else ""),
            ),
            (
                "recommendation",
                f"{_text(recommended)} under {limits.id} version {limits.version}"
                + (f" ({', '.join(recommendation.chosen)})" if recommendation.chosen else ""),
            ),
            (
                "request",
                f"{request.id} for {_text(amount)} ({basis}), {request.state.value}; "
                f"approval: {routing.describe()}",
            ),
        ]
        if logged:  # received before: nothing new is written
            kinds = {e.kind: e for e in logged}
            stored = kinds.get("limit_request")
            if stored is not None:
                request = converter.structure(stored.payload["request"], LimitRequest)
            by_kind = dict(zip(_KINDS, (d for _, d in details), strict=True))
            steps = tuple(
                Step(
                    name,
                    str(kinds[kind].payload.get("detail", by_kind[kind]))
                    if kind in kinds
                    else by_kind[kind],
                    entry=kinds[kind].sequence if kind in kinds else None,
                )
                for (name, _), kind in zip(details, _KINDS, strict=True)
            )
            replayed = True
        else:
            payloads: list[dict[str, Any]] = [
                {
                    "application": dump(application),
                    "digest": application.digest,
                    "customer_added": added,
                },
                {
                    "subject_id": subject,
                    "source": None if lookup is None else dict(lookup.source),
                    "fields": None
                    if lookup is None
                    else converter.unstructure(dict(lookup.fields)),
                },
                {
                    "scorecard": {"id": card.id, "version": card.version},
                    "inputs": converter.unstructure(inputs),
                    "score": None if score is None else _score_document(score),
                    "risk_class": risk_name,
                    "risk_class_source": risk_source,
                },
                _recommendation_document(recommendation),
                {
                    "request": converter.unstructure(request),
                    "basis": basis,
                    "band": routing.describe(),
                    "findings": [{"code": f.code, "message": f.message} for f in notes],
                },
            ]
            written = []
            for (name, detail), kind, payload in zip(details, _KINDS, payloads, strict=True):
                entry = desk._log(
                    unit,
                    customer_id,
                    kind,
                    user,
                    application_id=application.id,
                    detail=detail,
                    **payload,
                )
                written.append(Step(name, detail, entry=entry.sequence))
            steps = tuple(written)
            replayed = False
        return ApplicationResult(
            application=application,
            as_of=as_of,
            customer_added=added,
            bureau=lookup,
            score=score,
            risk_class=risk_name,
            risk_class_source=risk_source,
            recommendation=recommendation,
            request=request,
            basis=basis,
            routing=routing,
            findings=tuple(notes),
            steps=steps,
            replayed=replayed,
        )

    return desk._atomic(work, customer_id)


_KINDS: Final = ("application", "bureau", "score", "recommendation", "limit_request")
