"""Dunning and collections: ladders, runs, fees, late-payment interest, promises, plans.

- ``credkit.dunning.ladder``: :class:`DunningLadder` of :class:`DunningLevel` values
  (thresholds, channels, templates, minimums, intervals, fees) and :class:`LadderSet`
  choosing a ladder per segment or risk class; loadable with :func:`credkit.config.load`.
- ``credkit.dunning.history``: :class:`DunningHistory` of what was sent or failed.
- ``credkit.dunning.blocks``: :class:`Block` holding items or customers back.
- ``credkit.dunning.run``: :func:`dunning_run`, proposing one communication per
  customer and level, escalating one level at a time from what was sent, and
  reporting every open item's next date; ``credkit.dunning.actions``: what it
  proposes and finds (:class:`DunningAction`, :class:`ItemStatus`, :class:`DunningRun`).
- ``credkit.dunning.interest`` and ``credkit.dunning.statutory``: simple daily
  late-payment interest from host-supplied :class:`ReferenceRates`; the EU Directive
  2011/7/EU and the UK Late Payment Act 1998 as ready-made rules.
- ``credkit.dunning.promises`` and ``credkit.dunning.plans``: promises to pay
  and payment plans, their status as payments arrive, and the blocks they imply.
- ``credkit.dunning.worklist``: :func:`collection_worklist`, overdue customers
  ranked by a documented priority.
- :mod:`credkit.dunning.letters`: :func:`render_letter` in Jinja2's sandbox (the
  ``letters`` extra).
- ``credkit.dunning.disputes``: :func:`split_disputed`, the undisputed rest and the
  disputed part of a contested item.
- ``credkit.dunning.contacts`` and ``credkit.dunning.collectors``: the contact
  log, collector assignments and :func:`collector_worklist`, each collector's list.
- ``credkit.dunning.insurance``: :class:`InsurancePolicy` deadlines and
  :func:`insurance_deadlines` (notify the insurer, file the claim).

>>> from datetime import date
>>> from credkit.ledger import DocumentKind, OpenItem
>>> from credkit.money import Money
>>> ladder = DunningLadder("std", version="1", levels=(DunningLevel(10, template="first"),))
>>> item = OpenItem("I1", "C1", DocumentKind.INVOICE, date(2026, 1, 1), date(2026, 1, 31),
...                 Money.of("250.00", "EUR"))
>>> run = dunning_run([item], DunningHistory(), as_of=date(2026, 2, 10), ladder=ladder)
>>> [(a.customer_id, a.level, a.item_ids) for a in run.actions]
[('C1', 1, ('I1',))]
"""

from credkit.dunning.actions import (
    ActionLine,
    Contact,
    DunningAction,
    DunningRun,
    ExclusionReason,
    ItemState,
    ItemStatus,
)
from credkit.dunning.blocks import Block, BlockReason
from credkit.dunning.collectors import CollectorTask, collector_worklist
from credkit.dunning.contacts import (
    CollectorAssignment,
    ContactEntry,
    ContactKind,
    ContactOutcome,
    last_contact,
)
from credkit.dunning.disputes import DISPUTED_SUFFIX, disputed_part_of, split_disputed
from credkit.dunning.history import DunningHistory, DunningRecord, SendStatus
from credkit.dunning.insurance import (
    ClaimReference,
    DeadlineKind,
    InsuranceDeadline,
    InsurancePolicy,
    insurance_deadlines,
)
from credkit.dunning.interest import (
    DAYS_IN_YEAR,
    FixedRate,
    InterestCalculation,
    InterestPeriod,
    InterestRule,
    RatePeriod,
    ReferenceRate,
    ReferenceRates,
    invoice_interest,
    late_payment_interest,
)
from credkit.dunning.ladder import (
    Channel,
    ChargeTreatment,
    DaysReference,
    DunningLadder,
    DunningLevel,
    Fee,
    FeeKind,
    LadderRule,
    LadderSet,
    UnappliedCredits,
)
from credkit.dunning.letters import render_letter
from credkit.dunning.plans import (
    PaymentPlan,
    PlanFrequency,
    PlanInstalment,
    PlanProgress,
    PlanStatus,
)
from credkit.dunning.promises import PromiseStatus, PromiseToPay
from credkit.dunning.run import collection_blocks, dunning_run
from credkit.dunning.statutory import (
    EULatePayment,
    RateFixing,
    UKLatePayment,
    half_year_start,
    uk_fixed_sum,
)
from credkit.dunning.worklist import (
    AGE_WEIGHTS,
    WorklistEntry,
    age_weight,
    behaviour_weight,
    collection_worklist,
)

__all__ = [
    "AGE_WEIGHTS",
    "DAYS_IN_YEAR",
    "DISPUTED_SUFFIX",
    "ActionLine",
    "Block",
    "BlockReason",
    "Channel",
    "ChargeTreatment",
    "ClaimReference",
    "CollectorAssignment",
    "CollectorTask",
    "Contact",
    "ContactEntry",
    "ContactKind",
    "ContactOutcome",
    "DaysReference",
    "DeadlineKind",
    "DunningAction",
    "DunningHistory",
    "DunningLadder",
    "DunningLevel",
    "DunningRecord",
    "DunningRun",
    "EULatePayment",
    "ExclusionReason",
    "Fee",
    "FeeKind",
    "FixedRate",
    "InsuranceDeadline",
    "InsurancePolicy",
    "InterestCalculation",
    "InterestPeriod",
    "InterestRule",
    "ItemState",
    "ItemStatus",
    "LadderRule",
    "LadderSet",
    "PaymentPlan",
    "PlanFrequency",
    "PlanInstalment",
    "PlanProgress",
    "PlanStatus",
    "PromiseStatus",
    "PromiseToPay",
    "RateFixing",
    "RatePeriod",
    "ReferenceRate",
    "ReferenceRates",
    "SendStatus",
    "UKLatePayment",
    "UnappliedCredits",
    "WorklistEntry",
    "age_weight",
    "behaviour_weight",
    "collection_blocks",
    "collection_worklist",
    "collector_worklist",
    "disputed_part_of",
    "dunning_run",
    "half_year_start",
    "insurance_deadlines",
    "invoice_interest",
    "last_contact",
    "late_payment_interest",
    "render_letter",
    "split_disputed",
    "uk_fixed_sum",
]
