"""Conformance kits: the contract of each protocol a host implements, as tests to inherit.

A host that writes its own implementation of a credkit protocol proves it the way
fsspec's file systems and eventsourcing's recorders prove theirs: subclass the kit,
say how to make the thing under test, and pytest runs the whole contract. credkit
runs the same kits against its own implementations.

- :class:`RateSourceContract`: a :class:`~credkit.fx.RateSource` (exchange rates).
- :class:`RuleContract`: a credit rule, built-in or custom
  (:class:`~credkit.policy.rules.Rule`).
- :class:`StoreContract`: a store of credkit's records (:class:`~credkit.storage.Store`),
  defined in :mod:`credkit.testing.stores`.

The kits need the ``test`` extra (pytest and hypothesis). A class whose name starts
with ``Test`` is collected by pytest; the kits' own names do not, so only your
subclasses run::

    from datetime import date
    from credkit.testing.contracts import RateSourceContract

    class TestTreasuryRates(RateSourceContract):
        known_rates = [("EUR", "USD", date(2026, 1, 2))]
        missing_rates = [("EUR", "USD", date(1999, 1, 1)), ("EUR", "XAU", date(2026, 1, 2))]

        def make_rates(self):
            return TreasuryRates(connection=...)
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import ClassVar

from hypothesis import given

from credkit.errors import RateNotFoundError
from credkit.fx import RateSource
from credkit.policy import CreditProfile, OrderRequest, Policy, PolicyEntry, RuleResult, check
from credkit.policy.rules import Rule
from credkit.testing.stores import StoreContract
from credkit.testing.strategies import credit_profiles, order_requests

__all__ = ["RateSourceContract", "RuleContract", "StoreContract"]

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_CODE = re.compile(r"^[A-Z][A-Z0-9_]*$")


class RateSourceContract:
    """The contract of a :class:`~credkit.fx.RateSource`: real rates, never a guess.

    Override :meth:`make_rates` and give examples from your data: ``known_rates``
    (pairs and dates your source has a rate for) and ``missing_rates`` (pairs and
    dates it has none for: before its first rate, an unknown currency). The kit then
    checks that

    - the object is a ``RateSource``;
    - every known rate is a positive ``Decimal``, and asking twice gives the same answer;
    - every missing rate raises :class:`~credkit.errors.RateNotFoundError`, never a
      guess (no nearest later rate, no default of 1) and no other exception;
    - a pair and its inverse, where both are known, agree: their product is 1 within
      ``inverse_tolerance`` (relative; the default allows rates kept to 6 significant
      digits each way).

    >>> from datetime import date
    >>> from credkit.fx import RateTable
    >>> class TestRateTable(RateSourceContract):
    ...     known_rates = [("EUR", "USD", date(2026, 1, 2))]
    ...     missing_rates = [("EUR", "USD", date(2026, 1, 1))]
    ...     def make_rates(self):
    ...         return RateTable.from_mapping({date(2026, 1, 2): {"USD": "1.04"}}, base="EUR")
    >>> kit = TestRateTable()
    >>> kit.test_known_rates_are_positive_exact_and_stable()
    >>> kit.test_missing_rates_raise_rate_not_found()
    """

    known_rates: ClassVar[Sequence[tuple[str, str, datetime.date]]] = ()
    missing_rates: ClassVar[Sequence[tuple[str, str, datetime.date]]] = ()
    inverse_tolerance: ClassVar[Decimal] = Decimal("1e-5")

    def make_rates(self) -> RateSource:
        """The rate source under test (a new one each call)."""
        raise NotImplementedError("override make_rates() to return the rate source under test")

    def test_it_is_a_rate_source(self) -> None:
        assert isinstance(self.make_rates(), RateSource)

    def test_the_contract_has_examples(self) -> None:
        assert self.known_rates, "give known_rates: pairs and dates your source has rates for"
        assert self.missing_rates, "give missing_rates: pairs and dates it has none for"

    def test_known_rates_are_positive_exact_and_stable(self) -> None:
        rates = self.make_rates()
        for base, quote, on in self.known_rates:
            rate = rates.rate(base, quote, on)
            assert type(rate) is Decimal, f"{base}/{quote} on {on}: {rate!r} is not a Decimal"
            assert rate.is_finite(), f"{base}/{quote} on {on}: {rate} is not a number"
            assert rate > 0, f"{base}/{quote} on {on}: {rate} is not > 0"
            assert rates.rate(base, quote, on) == rate, f"{base}/{quote} on {on} changed"

    def test_missing_rates_raise_rate_not_found(self) -> None:
        rates = self.make_rates()
        for base, quote, on in self.missing_rates:
            try:
                guess = rates.rate(base, quote, on)
            except RateNotFoundError:
                continue
            raise AssertionError(f"{base}/{quote} on {on}: answered {guess!r} instead of raising")

    def test_inverse_pairs_agree(self) -> None:
        rates = self.make_rates()
        for base, quote, on in self.known_rates:
            try:
                inverse = rates.rate(quote, base, on)
            except RateNotFoundError:
                continue  # a source may know one direction only
            product = rates.rate(base, quote, on) * inverse
            assert abs(product - 1) <= self.inverse_tolerance, (
                f"{base}/{quote} x {quote}/{base} on {on} = {product}, not 1"
            )


class RuleContract:
    """The contract of a credit rule: findings as data, consistent with a policy's check.

    Override :meth:`make_rule` (and ``currency`` if the rule's amounts are not in
    euros). On generated profiles and orders (:func:`~credkit.testing.strategies.credit_profiles`,
    :func:`~credkit.testing.strategies.order_requests`) the kit checks that

    - the rule is a :class:`~credkit.policy.rules.Rule` with a lower-case ``name``, an
      upper-case ``code`` among its ``codes``, and a boolean ``applies_to_prepaid``;
    - ``evaluate`` returns a :class:`~credkit.policy.RuleResult` naming the rule, with
      one of its declared codes, and the same result for the same inputs;
    - ``failure`` is ``None`` exactly when ``evaluate`` passes, and otherwise the same
      result;
    - a policy of that one rule reports what the rule finds: no reason when it
      passes, its result when it fails.

    >>> from credkit.policy.rules import WatchList
    >>> class TestWatchList(RuleContract):
    ...     def make_rule(self):
    ...         return WatchList()
    >>> TestWatchList().test_it_is_a_rule()
    """

    currency: ClassVar[str] = "EUR"

    def make_rule(self) -> Rule:
        """The rule under test."""
        raise NotImplementedError("override make_rule() to return the rule under test")

    def _for_all(self, prove: Callable[[Rule, CreditProfile, OrderRequest], None]) -> None:
        """Run ``prove`` on generated profiles and orders (a fresh hypothesis test per call,
        so that the kit's methods can be inherited by many subclasses)."""
        rule = self.make_rule()

        @given(
            profile=credit_profiles(currency=self.currency),
            order=order_requests(self.currency),
        )
        def for_all(profile: CreditProfile, order: OrderRequest) -> None:
            prove(rule, profile, order)

        for_all()

    def test_it_is_a_rule(self) -> None:
        rule = self.make_rule()
        assert isinstance(rule, Rule)
        assert isinstance(rule.name, str), rule.name
        assert _NAME.match(rule.name), rule.name
        assert all(isinstance(code, str) and _CODE.match(code) for code in rule.codes)
        assert rule.code in rule.codes
        assert isinstance(rule.applies_to_prepaid, bool)

    def test_results_name_the_rule_and_a_declared_code(self) -> None:
        def prove(rule: Rule, profile: CreditProfile, order: OrderRequest) -> None:
            result = rule.evaluate(profile, order)
            assert isinstance(result, RuleResult)
            assert result.rule == rule.name
            assert result.code in rule.codes, f"{result.code} is not among {rule.codes}"
            assert rule.evaluate(profile, order) == result

        self._for_all(prove)

    def test_failure_agrees_with_evaluate(self) -> None:
        def prove(rule: Rule, profile: CreditProfile, order: OrderRequest) -> None:
            result = rule.evaluate(profile, order)
            failure = rule.failure(profile, order)
            assert (failure is None) == result.passed
            if failure is not None:
                assert failure == result

        self._for_all(prove)

    def test_a_policy_reports_what_the_rule_finds(self) -> None:
        def prove(rule: Rule, profile: CreditProfile, order: OrderRequest) -> None:
            result = rule.evaluate(profile, order)
            policy = Policy(
                "contract",
                version="1",
                rules=[PolicyEntry(rule, applies_to_prepaid=True)],
                exempt_prepaid=False,
                exempt_reductions=False,
            )
            assert check(profile, order, policy).results == (() if result.passed else (result,))

        self._for_all(prove)
