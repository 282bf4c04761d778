"""The credit check on the hot path: credkit against a hand-written if-chain, in one run.

Builds a few thousand synthetic credit profiles and orders (limits, exposure, overdue
figures, dunning levels, scores, risk classes, payment indices, flags; a few prepaid
orders and credits), a 12-rule policy loaded from TOML, and a hand-written function
that applies the same twelve rules with plain ``if`` statements to the same
:class:`~credkit.policy.CreditProfile` values, collecting the outcome and the reason
codes (what an ERP developer would write without credkit). Then it

* checks that both agree on every profile: same outcome, same reason codes, in the
  same order (exit status 1 if not);
* times both over all profiles, in alternating rounds, and prints decisions per
  second and the ratio (the best round of each);
* times many single calls of each with ``time.perf_counter_ns`` and prints the
  median time of one decision.

credkit's side returns a :class:`~credkit.policy.Decision`; its messages, available
credit and fingerprint are worked out when read, so they are not part of the main
timing (a third timing reads every decision's reasons, messages included, to show
that cost, and the ratio of the two). The if-chain returns a tuple of the outcome and the codes. Decisions are
not kept between orders, as in an ERP that checks one order at a time, and Python's
garbage collector runs as usual.

    python benchmarks/check.py                 # 5,000 profiles
    python benchmarks/check.py --profiles 20000 --rounds 15
    python benchmarks/check.py --calls         # each rule called, not inlined (ADR 0006)
"""

from __future__ import annotations

import argparse
import datetime
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from decimal import Decimal

from credkit.money import Money
from credkit.policy import (
    CreditProfile,
    Exposure,
    ExposureComponent,
    OrderRequest,
    Outcome,
    Policy,
    check,
    load_policy,
)

AS_OF = datetime.date(2026, 11, 23)

POLICY = """
id = "benchmark"
version = "1"

[[rules]]
rule = "customer_blocked"
on_fail = "reject"
stop = true

[[rules]]
rule = "require_limit"

[[rules]]
rule = "limit_validity"

[[rules]]
rule = "review_overdue"
grace_days = 30
when_missing = "pass"

[[rules]]
rule = "static_limit"
tolerance = "0.05"

[[rules]]
rule = "max_order_value"
max_amount = "250000 EUR"

[[rules]]
rule = "overdue_too_old"
max_days = 60
on_fail = "reject"

[[rules]]
rule = "overdue_share"
max_share = "0.5"

[[rules]]
rule = "dunning_level"
level = 3

[[rules]]
rule = "risk_class_blocked"
blocked = ["E"]
on_fail = "reject"
when_missing = "pass"

[[rules]]
rule = "score_floor"
min_score = 450
when_missing = "pass"

[[rules]]
rule = "payment_index_floor"
min_index = 50
when_missing = "pass"
"""

Result = tuple[Outcome, tuple[str, ...]]

_APPROVE, _HOLD, _REJECT = Outcome.APPROVE, Outcome.HOLD, Outcome.REJECT
_TOLERANCE = Decimal("1.05")
_MAX_ORDER = Decimal(250000)
_SHARE = Decimal("0.5")
_SCORE = Decimal(450)
_INDEX = Decimal(50)
_GRACE = 30


def hand_written(p: CreditProfile, o: OrderRequest) -> Result:
    """The same twelve rules as :data:`POLICY`, written out as an if-chain."""
    amount = o.amount.amount
    if o.prepaid or amount <= 0:
        # prepaid orders and credits: only the block applies (as credkit's exemption)
        if p.blocked:
            return _REJECT, ("CUSTOMER_BLOCKED",)
        return _APPROVE, ()
    if p.blocked:
        return _REJECT, ("CUSTOMER_BLOCKED",)
    codes: list[str] = []
    reject = False
    limit = p.limit_amount
    if limit is None:
        codes.append("NO_LIMIT")
    else:
        if p.limit_valid_to is not None and p.as_of > p.limit_valid_to:
            codes.append("LIMIT_EXPIRED")
        elif p.limit_valid_from is not None and p.as_of < p.limit_valid_from:
            codes.append("LIMIT_NOT_YET_VALID")
    if p.next_review is not None and (p.as_of - p.next_review).days > _GRACE:
        codes.append("REVIEW_OVERDUE")
    if limit is not None and p.exposure_amount + amount > limit * _TOLERANCE:
        codes.append("LIMIT_EXCEEDED")
    if amount > _MAX_ORDER:
        codes.append("MAX_ORDER_VALUE")
    if p.oldest_overdue_days is None:
        codes.append("OVERDUE_DAYS_MISSING")
        reject = True
    elif p.oldest_overdue_days > 60:
        codes.append("OVERDUE_TOO_OLD")
        reject = True
    if p.overdue_share is None:
        codes.append("OVERDUE_SHARE_MISSING")
    elif p.overdue_share > _SHARE:
        codes.append("OVERDUE_SHARE")
    if p.dunning_level >= 3:
        codes.append("DUNNING_LEVEL")
    if p.risk_class == "E":
        codes.append("RISK_CLASS_BLOCKED")
        reject = True
    if p.score is not None and p.score < _SCORE:
        codes.append("SCORE_BELOW_FLOOR")
    if p.payment_index is not None and p.payment_index < _INDEX:
        codes.append("PAYMENT_INDEX_BELOW_FLOOR")
    if not codes:
        return _APPROVE, ()
    return (_REJECT if reject else _HOLD), tuple(codes)


def _class(score: int | None) -> str | None:
    if score is None:
        return None
    for name, floor in (("A", 700), ("B", 600), ("C", 500), ("D", 400)):
        if score >= floor:
            return name
    return "E"


def generate(n: int, seed: int) -> list[tuple[CreditProfile, OrderRequest]]:
    """``n`` deterministic profiles with an order each; most orders pass every rule."""
    rng = random.Random(seed)
    pairs = []
    for i in range(n):
        limit = rng.randrange(10, 500) * 1000
        exposure = int(limit * rng.uniform(0, 1.0))
        overdue_days = 0 if rng.random() < 0.8 else rng.choice([3, 12, 25, 40, 58, 75, 110])
        overdue = 0 if overdue_days == 0 else int(exposure * rng.uniform(0.05, 0.7)) + 1
        share = Decimal(0) if overdue == 0 else min(Decimal(1), Decimal(overdue) / (exposure + 1))
        score = None if rng.random() < 0.15 else rng.randrange(380, 850)
        review = rng.random()
        next_review = (
            None if review < 0.1 else AS_OF + datetime.timedelta(days=rng.randrange(-60, 365))
        )
        profile = CreditProfile(
            f"C{i:05d}",
            as_of=AS_OF,
            limit=None if rng.random() < 0.02 else Money(Decimal(limit), "EUR"),
            limit_valid_to=AS_OF + datetime.timedelta(days=rng.randrange(-10, 400)),
            next_review=next_review,
            exposure=Exposure(
                (
                    ExposureComponent("open_receivables", Money(Decimal(exposure), "EUR")),
                    ExposureComponent("open_orders", Money(Decimal(limit // 20), "EUR")),
                ),
                currency="EUR",
            ),
            overdue_amount=Money(Decimal(overdue), "EUR"),
            oldest_overdue_days=overdue_days if overdue else 0,
            overdue_share=share,
            dunning_level=rng.choice([0] * 12 + [1, 2, 3]),
            score=score,
            risk_class=_class(score),
            payment_index=None if rng.random() < 0.15 else rng.randrange(35, 100),
            blocked=rng.random() < 0.005,
            watch_list=rng.random() < 0.02,
        )
        kind = rng.random()
        amount = Decimal(rng.randrange(1, max(2, limit // 10)))
        if kind < 0.02:
            amount = -amount  # a credit or a return
        order = OrderRequest(
            f"SO-{i:05d}",
            Money(amount, "EUR"),
            order_date=AS_OF,
            prepaid=0.02 <= kind < 0.05,
        )
        pairs.append((profile, order))
    return pairs


def _batches(
    first: Callable[[], object], second: Callable[[], object], rounds: int
) -> tuple[float, float]:
    """The best time of each over ``rounds`` rounds, alternating, so both see the same machine."""
    best = [float("inf"), float("inf")]
    for _ in range(rounds):
        for index, function in enumerate((first, second)):
            started = time.perf_counter()
            function()
            best[index] = min(best[index], time.perf_counter() - started)
    return best[0], best[1]


def _median_ns(
    pairs: list[tuple[CreditProfile, OrderRequest]],
    decide: Callable[[CreditProfile, OrderRequest], object],
) -> float:
    clock = time.perf_counter_ns
    samples = []
    for profile, order in pairs:
        started = clock()
        decide(profile, order)
        samples.append(clock() - started)
    return statistics.median(samples)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--profiles", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--calls",
        action="store_true",
        help="build the policy without inlining the rules (one method call per rule), "
        "the design decision record 0006 compares with",
    )
    args = parser.parse_args(argv)
    if args.profiles < 1 or args.rounds < 1:
        parser.error("--profiles and --rounds must be at least 1")

    if args.calls:
        import credkit.policy.policy

        credkit.policy.policy.inline = lambda rule, prefix: None  # type: ignore[assignment]
    policy: Policy = load_policy(POLICY, format="toml")
    print("  rules: " + ("called one by one (--calls)" if args.calls else "inlined"))
    pairs = generate(args.profiles, args.seed)
    print(
        f"{len(pairs):,} profiles and orders, a {len(policy.rules)}-rule policy (seed {args.seed})"
    )

    mismatches = []
    outcomes: Counter[str] = Counter()
    for profile, order in pairs:
        decision = check(profile, order, policy)
        expected = hand_written(profile, order)
        outcomes[decision.outcome.value] += 1
        if (decision.outcome, decision.codes) != expected:
            mismatches.append(
                f"{order.order_id}: credkit {decision.outcome.value} {decision.codes}, "
                f"if-chain {expected[0].value} {expected[1]}"
            )
    print("  outcomes: " + ", ".join(f"{n:,} {o}" for o, n in sorted(outcomes.items())))
    if mismatches:
        print("MISMATCH:", *mismatches[:20], sep="\n  ")
        return 1
    print("  credkit and the if-chain agree on every profile (outcome and reason codes)")

    def run_credkit() -> None:
        for profile, order in pairs:
            check(profile, order, policy)

    def run_chain() -> None:
        for profile, order in pairs:
            hand_written(profile, order)

    def run_credkit_reasons() -> None:
        for profile, order in pairs:
            _ = check(profile, order, policy).reasons

    credkit_seconds, chain_seconds = _batches(run_credkit, run_chain, args.rounds)
    reasons_seconds, _ = _batches(run_credkit_reasons, run_chain, max(1, args.rounds // 3))
    credkit_median = _median_ns(pairs, lambda p, o: check(p, o, policy))
    chain_median = _median_ns(pairs, hand_written)
    n = len(pairs)
    print(f"  credkit check:        {n / credkit_seconds:12,.0f} decisions/s")
    print(f"  hand-written if-chain:{n / chain_seconds:12,.0f} decisions/s")
    print(f"  ratio credkit / if-chain (time): {credkit_seconds / chain_seconds:.2f}")
    print(
        f"  credkit check, then reading every decision's reasons (messages): "
        f"{n / reasons_seconds:,.0f} decisions/s"
    )
    print(f"  ratio check + reasons / check alone (time): {reasons_seconds / credkit_seconds:.2f}")
    print(
        f"  median single decision: credkit {credkit_median / 1000:.2f} us, "
        f"if-chain {chain_median / 1000:.2f} us (perf_counter_ns, includes the timer)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
