"""Approval authority for credit limits: who may approve how much, and how many must.

An :class:`ApprovalMatrix` lists :class:`AuthorityBand` s. A band covers
requested amounts from ``min_amount`` (included) up to ``max_amount`` (excluded;
``None`` leaves it open), optionally only when the increase over the current limit
is at most ``max_increase`` and only for some risk classes. It names the roles
that may approve and how many distinct approvers are needed (two for four-eyes
approval above some amount). The band that governs a request is the **first**
listed that covers it, so list special cases (a band for risk classes D and E, a
band for small increases) before the general bands by amount.

Two rules hold whatever the bands say: the requester can never approve (or
reject) their own request, and one person counts once however many roles they
hold. :class:`~credkit.limits.LimitRequest` applies the matrix at every
transition and raises :class:`~credkit.errors.PermissionDenied` with the reason.

User ids are compared **exactly** (case-sensitive, character for character):
``"ana"`` and ``"Ana"`` are two people to credkit. An id with leading or trailing
whitespace is refused, so that ``"ana "`` cannot pass for someone else, but hosts
must normalise the ids they pass (one spelling per person, from the identity
provider), or the four-eyes rule compares spellings rather than people.

A matrix with a band for some risk classes needs the customer's risk class to
choose the band: a request without one is refused
(:class:`~credkit.errors.ValidationError` on ``risk_class``) rather than let the
general bands govern a customer that may be in a restricted class. The band also
depends on the current limit; pass the :class:`~credkit.limits.CreditLimit` on
file, never a figure the requester typed.

Band amounts are plain numbers in the matrix ``currency``; a request in another
currency is converted on the request date with the rates passed in (an error
naming both currencies without them).

>>> from credkit import Money
>>> matrix = ApprovalMatrix("limits", version="1", currency="EUR", bands=(
...     AuthorityBand(max_amount=100000, roles=("analyst", "credit_manager")),
...     AuthorityBand(min_amount=100000, max_amount=500000, roles=("credit_manager",)),
...     AuthorityBand(min_amount=500000, roles=("cfo", "credit_manager"), approvals=2),
... ))
>>> matrix.check_approver(Approver("ana", roles=("analyst",)), Money.of(250000, "EUR"))
Traceback (most recent call last):
...
credkit.errors.PermissionDenied: user 'ana' (roles: analyst) cannot approve 250,000.00 EUR: band 100,000.00-500,000.00 EUR needs role credit_manager
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import attrs

from credkit._figures import fmt_amount
from credkit._validate import (
    check_money,
    currency_code,
    describe,
    guard_arithmetic,
    number_between,
    optional,
    optional_text,
    text,
    to_number,
    to_optional_number,
    to_tuple,
    tuple_of,
)
from credkit.errors import PermissionDenied, ValidationError
from credkit.fx import RateSource
from credkit.limits._common import fmt, in_currency, is_user_id, names
from credkit.limits.credit_limit import CreditLimit
from credkit.money import Money

__all__ = ["ApprovalMatrix", "Approver", "AuthorityBand"]


def _roles(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    names(instance, attribute, value)


def _non_empty_roles(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    names(instance, attribute, value)
    assert isinstance(value, tuple)
    if not value:
        raise ValidationError(f"{attribute.name}: a band needs at least one role that may approve")


@attrs.frozen
class Approver:
    """A user who acts on limit requests, with the roles they hold.

    ``user_id`` is compared exactly (case-sensitive) by the four-eyes rules, so the
    host passes one normalised spelling per person; an id with leading or trailing
    whitespace is refused.

    >>> Approver("ana", roles=("analyst",)).describe()
    "user 'ana' (roles: analyst)"
    >>> Approver(" ana")
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: user_id: ' ana' has leading or trailing whitespace; user ids are compared exactly, so pass them normalised (e.g. 'ana')
    """

    user_id: str = attrs.field(validator=is_user_id)
    roles: tuple[str, ...] = attrs.field(
        default=(), kw_only=True, converter=to_tuple, validator=_roles
    )

    def describe(self) -> str:
        """``"user 'ana' (roles: analyst)"`` for messages.

        >>> Approver("bo").describe()
        "user 'bo' (no roles)"
        """
        roles = f"roles: {', '.join(self.roles)}" if self.roles else "no roles"
        return f"user {self.user_id!r} ({roles})"


def _approvals(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 10:
        raise ValidationError(
            f"approvals: expected a whole number of approvers from 1 to 10, got {describe(value)}"
        )


_AMOUNT = number_between(Decimal(0), None)


def _max_amount(instance: AuthorityBand, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    _AMOUNT(instance, attribute, value)
    assert isinstance(value, Decimal)
    if isinstance(instance.min_amount, Decimal) and value <= instance.min_amount:
        raise ValidationError(
            f"max_amount: must be above min_amount ({instance.min_amount}), got {value}"
        )


@attrs.frozen
class AuthorityBand:
    """One band of an :class:`ApprovalMatrix`: what it covers, who may approve, how many.

    Covers requested amounts in ``[min_amount, max_amount)`` (in the matrix
    currency; ``max_amount=None``: no upper end, the only kind of band that covers a
    request for *no limit*); when ``max_increase`` is set, only requests that raise
    the current limit by at most that much (decreases always qualify); when
    ``risk_classes`` is not empty, only customers in those classes. ``roles`` may
    approve; ``approvals`` distinct approvers are needed.

    >>> band = AuthorityBand(min_amount=100000, max_amount=500000, roles=("credit_manager",))
    >>> band.covers(Decimal(100000)), band.covers(Decimal(500000))
    (True, False)
    >>> band.describe("EUR")
    'band 100,000.00-500,000.00 EUR'
    """

    roles: tuple[str, ...] = attrs.field(
        kw_only=True, converter=to_tuple, validator=_non_empty_roles
    )
    min_amount: Decimal = attrs.field(
        default=Decimal(0), kw_only=True, converter=to_number, validator=_AMOUNT
    )
    max_amount: Decimal | None = attrs.field(
        default=None, kw_only=True, converter=to_optional_number, validator=_max_amount
    )
    approvals: int = attrs.field(default=1, kw_only=True, validator=_approvals)
    max_increase: Decimal | None = attrs.field(
        default=None,
        kw_only=True,
        converter=to_optional_number,
        validator=optional(number_between(Decimal(0), None)),
    )
    risk_classes: tuple[str, ...] = attrs.field(
        default=(), kw_only=True, converter=to_tuple, validator=names
    )
    name: str | None = attrs.field(default=None, kw_only=True, validator=optional_text)

    def covers(
        self,
        amount: Decimal | None,
        *,
        increase: Decimal | None = None,
        risk_class: str | None = None,
    ) -> bool:
        """Whether the band covers a request for ``amount`` (None: no limit).

        ``increase`` is the rise over the current limit (None: unbounded, as for a
        request for no limit); ``risk_class`` the customer's class.

        >>> band = AuthorityBand(roles=("analyst",), max_increase=10000, risk_classes=("A", "B"))
        >>> band.covers(Decimal(90000), increase=Decimal(5000), risk_class="A")
        True
        >>> band.covers(Decimal(90000), increase=Decimal(50000), risk_class="A")
        False
        """
        if amount is None:
            if self.max_amount is not None:
                return False
        elif amount < self.min_amount or (
            self.max_amount is not None and amount >= self.max_amount
        ):
            return False
        if self.max_increase is not None and (increase is None or increase > self.max_increase):
            return False
        return not self.risk_classes or risk_class in self.risk_classes

    def describe(self, currency: str) -> str:
        """The band for messages: ``'band 100,000.00-500,000.00 EUR'`` and its conditions.

        >>> AuthorityBand(min_amount=500000, roles=("cfo",), risk_classes=("D",), name="board").describe("EUR")
        "band 'board' (from 500,000.00 EUR, risk classes D)"
        """
        low = fmt_amount(self.min_amount, currency)
        if self.max_amount is None and self.min_amount == 0:
            span = "for any amount"
        elif self.max_amount is None:
            span = f"from {low} {currency}"
        elif self.min_amount == 0:
            span = f"below {fmt_amount(self.max_amount, currency)} {currency}"
        else:
            span = f"{low}-{fmt_amount(self.max_amount, currency)} {currency}"
        conditions = []
        if self.max_increase is not None:
            conditions.append(
                f"increase up to {fmt_amount(self.max_increase, currency)} {currency}"
            )
        if self.risk_classes:
            conditions.append(f"risk classes {', '.join(self.risk_classes)}")
        if self.name is not None:
            span = span.removeprefix("for ")
            return f"band {self.name!r} ({', '.join([span, *conditions])})"
        extra = f" ({', '.join(conditions)})" if conditions else ""
        return f"band {span}{extra}"

    def roles_text(self) -> str:
        """``'role credit_manager'`` or ``'one of the roles cfo, credit_manager'``.

        >>> AuthorityBand(roles=("cfo", "credit_manager")).roles_text()
        'one of the roles cfo, credit_manager'
        """
        if len(self.roles) == 1:
            return f"role {self.roles[0]}"
        return f"one of the roles {', '.join(self.roles)}"


def _bands(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    tuple_of(AuthorityBand, "an AuthorityBand")(instance, attribute, value)
    assert isinstance(value, tuple)
    if not value:
        raise ValidationError("bands: an approval matrix needs at least one band")


@attrs.frozen
class ApprovalMatrix:
    """Authority bands for limit requests, and the roles that may raise requests.

    ``requester_roles``, when not empty, are the roles allowed to submit a request.
    ``id`` and ``version`` identify the configuration; a request records the
    matrix it was submitted under and must be decided under the same one.
    Loadable with :func:`credkit.config.load`.

    >>> from credkit import config
    >>> matrix = config.load(ApprovalMatrix, '''
    ... id = "limits"
    ... version = "2"
    ... currency = "EUR"
    ... requester_roles = ["analyst", "sales_manager"]
    ... [[bands]]
    ... max_amount = "50000"
    ... roles = ["analyst"]
    ... [[bands]]
    ... min_amount = "50000"
    ... roles = ["credit_manager"]
    ... approvals = 2
    ... ''', format="toml")
    >>> matrix.band_for(Money.of(80000, "EUR")).approvals
    2
    """

    id: str = attrs.field(validator=text)
    version: str = attrs.field(kw_only=True, validator=text)
    currency: str = attrs.field(kw_only=True, validator=currency_code)
    bands: tuple[AuthorityBand, ...] = attrs.field(
        kw_only=True, converter=to_tuple, validator=_bands
    )
    requester_roles: tuple[str, ...] = attrs.field(
        default=(), kw_only=True, converter=to_tuple, validator=names
    )

    @property
    def risk_classes(self) -> tuple[str, ...]:
        """The risk classes that some band is restricted to, in order of first mention.

        >>> ApprovalMatrix("m", version="1", currency="EUR", bands=(
        ...     AuthorityBand(risk_classes=("D", "E"), roles=("cfo",)),
        ...     AuthorityBand(roles=("analyst",)),
        ... )).risk_classes
        ('D', 'E')
        """
        return tuple(dict.fromkeys(c for band in self.bands for c in band.risk_classes))

    def _amounts(
        self,
        amount: Money | None,
        current: Money | CreditLimit | None,
        on: date | None,
        rates: RateSource | None,
    ) -> tuple[Decimal | None, Decimal | None]:
        def converted(money: Money, field: str) -> Decimal:
            check_money(money, field)
            if money.currency == self.currency:
                return money.amount
            if on is None:
                raise ValidationError(
                    f"{field}: {fmt(money)} is not in the matrix currency {self.currency}; "
                    "pass on= (the request date) and rates to convert it"
                )
            return in_currency(money, self.currency, on=on, rates=rates, field=field).amount

        value = None if amount is None else converted(amount, "amount")
        if isinstance(current, CreditLimit) and current.amount is None:
            # From no limit, any finite limit is a decrease; no limit again is unbounded.
            return value, None if value is None else Decimal(0)
        if isinstance(current, CreditLimit):
            current = current.amount
        base = Decimal(0) if current is None else converted(current, "current_limit")
        increase = None if value is None else value - base
        return value, increase

    @guard_arithmetic("amount, current_limit", what="the governing band")
    def band_for(
        self,
        amount: Money | None,
        *,
        current: Money | CreditLimit | None = None,
        risk_class: str | None = None,
        on: date | None = None,
        rates: RateSource | None = None,
    ) -> AuthorityBand:
        """The first band that covers a request for ``amount`` (None: no limit).

        ``current`` is the limit in force: the :class:`~credkit.limits.CreditLimit`
        on file (a limit of *no limit* makes any finite amount a decrease) or its
        amount (None: none, so the increase is the whole amount). Pass the host's
        record, never a figure typed by the requester: the increase it gives can
        choose a more lenient band. ``risk_class`` is the customer's class; it is
        required (:class:`~credkit.errors.ValidationError`) when some band is
        restricted to risk classes, since without it the general bands would govern
        a customer that may be in a restricted class. ``on`` and ``rates`` convert
        amounts in another currency. No band covering the request is a
        :class:`~credkit.errors.PermissionDenied`: nobody has the authority.

        >>> matrix = ApprovalMatrix("m", version="1", currency="EUR",
        ...                         bands=(AuthorityBand(max_amount=100000, roles=("analyst",)),))
        >>> matrix.band_for(None)
        Traceback (most recent call last):
        ...
        credkit.errors.PermissionDenied: no band of approval matrix 'm' version 1 covers a request for no limit (unlimited credit)
        >>> weak = ApprovalMatrix("w", version="1", currency="EUR", bands=(
        ...     AuthorityBand(risk_classes=("D",), roles=("cfo",)),
        ...     AuthorityBand(roles=("analyst",)),
        ... ))
        >>> weak.band_for(Money.of(1000, "EUR"))
        Traceback (most recent call last):
        ...
        credkit.errors.ValidationError: risk_class: approval matrix 'w' version 1 has bands for risk class D; a request under it needs the customer's risk class, got None
        """
        if risk_class is not None and (not isinstance(risk_class, str) or not risk_class.strip()):
            raise ValidationError(
                f"risk_class: expected a risk class name or None, got {describe(risk_class)}"
            )
        restricted = self.risk_classes
        if risk_class is None and restricted:
            which = "class" if len(restricted) == 1 else "classes"
            raise ValidationError(
                f"risk_class: approval matrix {self.id!r} version {self.version} has bands for "
                f"risk {which} {', '.join(restricted)}; a request under it needs the "
                "customer's risk class, got None"
            )
        if current is not None and not isinstance(current, Money | CreditLimit):
            raise ValidationError(
                "current_limit: expected the CreditLimit on file, its amount (Money) or None, "
                f"got {describe(current)}"
            )
        value, increase = self._amounts(amount, current, on, rates)
        for band in self.bands:
            if band.covers(value, increase=increase, risk_class=risk_class):
                return band
        what = "no limit (unlimited credit)" if amount is None else fmt(amount)
        cls = f" in risk class {risk_class}" if risk_class is not None else ""
        raise PermissionDenied(
            f"no band of approval matrix {self.id!r} version {self.version} covers a request "
            f"for {what}{cls}"
        )

    def check_requester(self, requester: Approver) -> None:
        """Raise :class:`~credkit.errors.PermissionDenied` unless ``requester`` may submit.

        >>> matrix = ApprovalMatrix("m", version="1", currency="EUR", requester_roles=("analyst",),
        ...                         bands=(AuthorityBand(roles=("credit_manager",)),))
        >>> matrix.check_requester(Approver("sam", roles=("sales",)))
        Traceback (most recent call last):
        ...
        credkit.errors.PermissionDenied: user 'sam' (roles: sales) cannot submit limit requests: approval matrix 'm' version 1 needs role analyst
        """
        if not isinstance(requester, Approver):
            raise ValidationError(f"requester: expected an Approver, got {describe(requester)}")
        if self.requester_roles and not set(requester.roles) & set(self.requester_roles):
            needed = (
                f"role {self.requester_roles[0]}"
                if len(self.requester_roles) == 1
                else f"one of the roles {', '.join(self.requester_roles)}"
            )
            raise PermissionDenied(
                f"{requester.describe()} cannot submit limit requests: approval matrix "
                f"{self.id!r} version {self.version} needs {needed}"
            )

    def check_approver(
        self,
        approver: Approver,
        amount: Money | None,
        *,
        current: Money | CreditLimit | None = None,
        risk_class: str | None = None,
        on: date | None = None,
        rates: RateSource | None = None,
        action: str = "approve",
    ) -> AuthorityBand:
        """The governing band, if ``approver`` holds one of its roles; else PermissionDenied.

        Checks authority only; the four-eyes rules (not the requester, each person
        once) are the request's (:class:`~credkit.limits.LimitRequest`). ``current``
        and ``risk_class`` as for :meth:`band_for`.

        >>> from credkit import Money
        >>> matrix = ApprovalMatrix("m", version="1", currency="EUR",
        ...                         bands=(AuthorityBand(roles=("credit_manager",), approvals=2),))
        >>> matrix.check_approver(Approver("cy", roles=("credit_manager",)), Money.of(9, "EUR")).approvals
        2
        """
        if not isinstance(approver, Approver):
            raise ValidationError(f"approver: expected an Approver, got {describe(approver)}")
        band = self.band_for(amount, current=current, risk_class=risk_class, on=on, rates=rates)
        if not set(approver.roles) & set(band.roles):
            what = "no limit (unlimited credit)" if amount is None else fmt(amount)
            raise PermissionDenied(
                f"{approver.describe()} cannot {action} {what}: "
                f"{band.describe(self.currency)} needs {band.roles_text()}"
            )
        return band
