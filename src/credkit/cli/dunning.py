"""``credkit dunning``: today's dunning run and the top of the collection worklist.

Runs over the seeded sample portfolio, or over a ledger in the canonical CSV layout
(``credkit sample --out DIR`` writes one). Without a history of what was sent, the
command replays the runs of the days before ``--as-of`` (``--replay-days``, default
60; a run every ``--every`` days, default 1, counting back from ``--as-of``) as if
every proposed reminder had been sent, so that the run shows escalation rather
than a first-ever run; ``--replay-days 0`` shows the first run. The worklist
weighs in each customer's payment behaviour, from the ledger's settled invoices.
"""

from __future__ import annotations

import argparse
import datetime
from collections import Counter
from pathlib import Path

from credkit import sample
from credkit._validate import shifted
from credkit.cli._common import Subcommands, iso_date, load_rates
from credkit.config import load
from credkit.dunning import (
    Channel,
    DunningHistory,
    DunningLadder,
    DunningLevel,
    DunningRun,
    Fee,
    LadderSet,
    WorklistEntry,
    collection_worklist,
    dunning_run,
)
from credkit.errors import ConfigError, ValidationError
from credkit.fx import RateSource
from credkit.io import read_ledger
from credkit.kpi import InsufficientData, PaymentBehaviour, single_currency_behaviour
from credkit.ledger import Ledger

__all__ = [
    "add_parser",
    "demo_ladder",
    "demo_section",
    "replay",
    "replay_dates",
    "run",
    "run_store",
]


def demo_ladder() -> DunningLadder:
    """The ladder the command uses unless ``--ladder`` names one: four levels, no fixed amounts.

    An e-mail a week after the due date, a letter at 21 days, a phone call at 35
    days with a 1 % fee, and a hand-over to a collection agency at 60 days; each
    level waits at least 7 days after the previous one. It has no fixed fees or
    tolerances, so it works in any currency.

    >>> [(level.days_overdue, level.channel.value) for level in demo_ladder().levels]
    [(7, 'email'), (21, 'letter'), (35, 'phone'), (60, 'collection_agency')]
    """
    return DunningLadder(
        "demo",
        version="1",
        description="credkit demo ladder",
        levels=(
            DunningLevel(7, channel=Channel.EMAIL, template="friendly-reminder", interval_days=7),
            DunningLevel(21, channel=Channel.LETTER, template="first-notice", interval_days=7),
            DunningLevel(
                35,
                channel=Channel.PHONE,
                template="phone-call",
                interval_days=7,
                fee=Fee.percentage(1),
            ),
            DunningLevel(60, channel=Channel.COLLECTION_AGENCY, template="hand-over"),
        ),
    )


def add_parser(commands: Subcommands) -> None:
    """Register ``credkit dunning`` on the sub-command parser ``commands``."""
    parser = commands.add_parser(
        "dunning",
        help="propose today's dunning reminders and show the collection worklist",
        description="Run dunning as of a date over the sample portfolio or a CSV ledger "
        "directory, print the proposed reminders and the top of the collection worklist.",
    )
    parser.add_argument(
        "path",
        nargs="?",
        type=Path,
        help="ledger directory in the canonical CSV layout; or 'record' followed by the "
        "action ids to record as sent or failed in the store of --url",
    )
    parser.add_argument("record_ids", nargs="*", metavar="ACTION", help=argparse.SUPPRESS)
    parser.add_argument(
        "--as-of", type=iso_date, help="run date, YYYY-MM-DD (required unless recording)"
    )
    parser.add_argument(
        "--url",
        metavar="URL",
        help="propose from the dunning history of this credkit store (a database that "
        "`credkit db init` made) instead of replaying runs as if every reminder was sent",
    )
    parser.add_argument(
        "--prefix", default="credkit_", help="with --url: start of every credkit table name"
    )
    parser.add_argument(
        "--status",
        choices=("sent", "failed"),
        default="sent",
        help="with record: whether the reminders went out (default sent)",
    )
    parser.add_argument("--channel", help="with record: how they went out (default: proposed)")
    parser.add_argument(
        "--on", type=iso_date, help="with record: the day they went out (default: proposed)"
    )
    parser.add_argument("--user", default="cli", help="with --url: the user the log names")
    parser.add_argument("--ladder", type=Path, help="dunning ladder or ladder set (.toml/.json)")
    parser.add_argument(
        "--replay-days",
        type=int,
        default=60,
        help="days before --as-of replayed as if every reminder was sent (default 60)",
    )
    parser.add_argument(
        "--every",
        type=int,
        default=1,
        metavar="N",
        help="days between replayed runs, counting back from --as-of (default 1: daily; 7: weekly)",
    )
    parser.add_argument(
        "--rates",
        type=Path,
        metavar="RATES.csv",
        help="exchange rates (valid_from,base,quote,rate) for fees converted from another "
        "currency (a fee with convert_from)",
    )
    parser.add_argument("--top", type=int, default=5, help="worklist entries per currency")
    parser.add_argument("--seed", type=int, default=7, help="sample seed (without PATH)")
    parser.add_argument("--customers", type=int, default=60, help="sample customers (without PATH)")
    parser.set_defaults(func=run)


def _ladder(path: Path | None) -> DunningLadder | LadderSet:
    if path is None:
        return demo_ladder()
    try:
        return load(DunningLadder, path)
    except ConfigError as error:
        # A ladder set has 'ladders', 'default' and 'rules' where a ladder has 'levels'.
        if any(p == "ladders" and "unknown key" in d for p, d in error.problems):
            return load(LadderSet, path)
        raise


def replay_dates(as_of: datetime.date, *, days: int, every: int = 1) -> list[datetime.date]:
    """The dates of the runs replayed before ``as_of``: every ``every`` days, within ``days``.

    They count back from ``as_of`` (``as_of - every``, ``as_of - 2 * every``, ...), so
    the last replayed run is ``every`` days before ``as_of``; oldest first.

    >>> end = datetime.date(2026, 11, 30)
    >>> [d.isoformat() for d in replay_dates(end, days=20, every=7)]
    ['2026-11-16', '2026-11-23']
    >>> len(replay_dates(end, days=60)), replay_dates(end, days=6, every=7)
    (60, [])
    """
    if every < 1:
        raise ValidationError(f"every: must be at least 1 day, got {every}")
    return [
        shifted(as_of, "replay_days", days=-offset)
        for offset in range(days - days % every, 0, -every)
    ]


def replay(
    ledger: Ledger,
    *,
    as_of: datetime.date,
    days: int,
    ladder: DunningLadder | LadderSet,
    every: int = 1,
    rates: RateSource | None = None,
) -> DunningHistory:
    """The history of runs on the :func:`replay_dates` before ``as_of``, every reminder sent.

    >>> portfolio = sample.generate(seed=1, customers=3)
    >>> len(replay(portfolio.ledger, as_of=portfolio.end, days=0, ladder=demo_ladder()))
    0
    """
    history = DunningHistory()
    for day in replay_dates(as_of, days=days, every=every):
        history = history.record(
            dunning_run(ledger, history, as_of=day, ladder=ladder, rates=rates)
        )
    return history


def _replay_note(as_of: datetime.date, *, days: int, every: int) -> str:
    dates = replay_dates(as_of, days=days, every=every)
    if not dates:
        return "  no earlier runs replayed: a first run"
    how = {1: "daily", 7: "weekly"}.get(every, f"every {every} days")
    return (
        f"  {len(dates)} earlier run(s) replayed {how}, {dates[0].isoformat()} to "
        f"{dates[-1].isoformat()}, as if every proposed reminder had been sent"
    )


def _format_run(run: DunningRun, *, replayed: str, limit: int | None = None) -> list[str]:
    ladders = ", ".join(f"{i} v{v}" for i, v in run.ladders) or "none"
    lines = [
        f"Dunning run as of {run.as_of.isoformat()} (ladder {ladders}): "
        f"{len(run.actions)} reminder(s) proposed",
        replayed,
    ]
    shown = run.actions if limit is None else run.actions[:limit]
    for action in shown:
        totals = ", ".join(m.round().format("en_US") for m in action.totals)
        fees = ", ".join(m.format("en_US") for m in action.fees)
        lines.append(
            f"  {action.customer_id:<8} level {action.level}  {action.channel.value:<17} "
            f"{len(action.lines):>2} item(s)  {totals}" + (f"  fee {fees}" if fees else "")
        )
    if limit is not None and len(run.actions) > limit:
        lines.append(f"  ... and {len(run.actions) - limit} more")
    states = Counter(
        item.reason.value if item.reason is not None else item.state.value for item in run.items
    )
    summary = ", ".join(f"{n} {name.replace('_', ' ')}" for name, n in sorted(states.items()))
    lines.append(f"  open items: {summary}")
    following = run.next_date()
    if following is not None:
        lines.append(f"  next date on which something happens: {following.isoformat()}")
    return lines


def _reasons(entry: WorklistEntry) -> list[str]:
    """The entry's reasons, with its amounts formatted for people (en_US)."""
    reasons = list(entry.reasons)
    # The core states amounts as plain "1234.50 EUR"; the first reason is always the
    # overdue and weighted amounts, the second the unapplied credits when there are any.
    reasons[0] = (
        f"overdue {entry.overdue.format('en_US')}, weighted by age {entry.weighted.format('en_US')}"
    )
    if len(reasons) > 1 and reasons[1].startswith("less unapplied credits "):
        reasons[1] = f"less unapplied credits {entry.unapplied_credits.format('en_US')}"
    return reasons


def _format_worklist(entries: tuple[WorklistEntry, ...], currency: str, top: int) -> list[str]:
    lines = [f"Collection worklist ({currency}), top {min(top, len(entries))} of {len(entries)}:"]
    for entry in entries[:top]:
        lines.append(
            f"  {entry.rank:>2}. {entry.customer_id:<8} priority {entry.priority.format('en_US'):>16}"
            f"  {'; '.join(_reasons(entry))}"
        )
    return lines


def _behaviour(
    ledger: Ledger, as_of: datetime.date
) -> tuple[dict[str, PaymentBehaviour | InsufficientData], list[str]]:
    """Payment behaviour from the ledger's settlements, and a note on what was left out.

    Weighting a customer who paid in several currencies needs exchange rates, which
    this command does not take: such customers are left out (neutral on the worklist)
    and the note names them.
    """
    results, mixed = single_currency_behaviour(ledger.settlements(), as_of=as_of)
    if not mixed:
        return results, []
    shown = ", ".join(mixed[:5]) + (f" and {len(mixed) - 5} more" if len(mixed) > 5 else "")
    note = (
        f"  payment behaviour not used for {shown}: paid in several currencies, "
        "which needs exchange rates (ranked as if neutral)"
    )
    return results, [note]


def _worklists(ledger: Ledger, as_of: datetime.date, top: int) -> list[str]:
    currencies = sorted(
        {
            item.amount.currency
            for item in ledger.open_items(as_of)
            if item.amount.is_positive and item.due_date < as_of
        }
    )
    behaviour, notes = _behaviour(ledger, as_of)
    lines: list[str] = []
    for currency in currencies:
        entries = collection_worklist(ledger, as_of=as_of, currency=currency, behaviour=behaviour)
        if entries:
            lines.extend(_format_worklist(entries, currency, top))
    return (lines or ["Collection worklist: no overdue customers"]) + notes


_DEMO_REPLAY_DAYS = 63
_DEMO_EVERY = 7


def demo_section(portfolio: sample.SamplePortfolio) -> str:
    """Today's dunning run and the top 5 of the worklist per currency, for ``credkit demo``.

    The run is as of the portfolio's last day, after replaying weekly runs over the
    63 days before it (the last one a week before) as if every reminder had been
    sent, as a company that runs dunning once a week would have. The worklist weighs
    in the payment behaviour of the sample's settled invoices.

    >>> text = demo_section(sample.generate(seed=1, customers=4))
    >>> text.splitlines()[0].startswith("Dunning run as of 2026-11-30")
    True
    >>> text.splitlines()[1]
    '  9 earlier run(s) replayed weekly, 2026-09-28 to 2026-11-23, as if every proposed reminder had been sent'
    """
    as_of = portfolio.end
    ladder = demo_ladder()
    history = replay(
        portfolio.ledger, as_of=as_of, days=_DEMO_REPLAY_DAYS, ladder=ladder, every=_DEMO_EVERY
    )
    result = dunning_run(portfolio.ledger, history, as_of=as_of, ladder=ladder)
    note = _replay_note(as_of, days=_DEMO_REPLAY_DAYS, every=_DEMO_EVERY)
    lines = _format_run(result, replayed=note, limit=10)
    lines.extend(_worklists(portfolio.ledger, as_of, 5))
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Run dunning as of ``args.as_of`` and print the run and the worklist.

    With ``--url``, propose from the store (:func:`run_store`); ``record`` records sends.
    """
    recording = args.path is not None and str(args.path) == "record"
    if recording or args.url is not None:
        return run_store(args, recording=recording)
    if args.record_ids:
        raise ValidationError(f"PATH: one ledger directory, got also {args.record_ids[0]!r}")
    if args.as_of is None:
        raise ValidationError("--as-of: required, YYYY-MM-DD")
    if args.replay_days < 0 or args.replay_days > 3660:
        raise ValidationError(f"--replay-days: must be from 0 to 3660, got {args.replay_days}")
    if args.every < 1 or args.every > 3660:
        raise ValidationError(f"--every: must be from 1 to 3660 days, got {args.every}")
    if args.top < 1:
        raise ValidationError(f"--top: must be at least 1, got {args.top}")
    if args.path is None:
        if args.customers < 1:
            raise ValidationError(f"--customers: must be at least 1, got {args.customers}")
        ledger = sample.generate(seed=args.seed, customers=args.customers).ledger
    else:
        ledger = read_ledger(args.path)
    ladder = _ladder(args.ladder)
    rates = None if args.rates is None else load_rates(args.rates)
    history = replay(
        ledger,
        as_of=args.as_of,
        days=args.replay_days,
        ladder=ladder,
        every=args.every,
        rates=rates,
    )
    result = dunning_run(ledger, history, as_of=args.as_of, ladder=ladder, rates=rates)
    note = _replay_note(args.as_of, days=args.replay_days, every=args.every)
    print("\n".join(_format_run(result, replayed=note)))
    print("\n".join(_worklists(ledger, args.as_of, args.top)))
    return 0


def run_store(args: argparse.Namespace, *, recording: bool) -> int:
    """``credkit dunning --url URL --as-of DATE`` and ``credkit dunning record ACTION ...``.

    The run proposes from the store's dunning history (what was recorded as sent),
    stores each proposal once and prints the new and the pending ones; ``record``
    records the named proposals as ``--status`` (sent or failed) and books the
    charges of those sent.
    """
    from credkit.cli._store import closing, ready_store
    from credkit.desk import CreditDesk
    from credkit.policy import Policy, PolicyEntry
    from credkit.policy.rules import StaticLimit

    store = ready_store(args.url, args.prefix, command="credkit dunning")
    # dunning needs no credit policy; the desk is given a placeholder one
    rates = None if args.rates is None else load_rates(args.rates)
    desk = CreditDesk(
        store, Policy("dunning", version="1", rules=[PolicyEntry(StaticLimit())]), rates=rates
    )
    with closing(store):
        if recording:
            if not args.record_ids:
                raise ValidationError("ACTION: name the action ids to record (customer/level/date)")
            for action_id in args.record_ids:
                result = desk.record_sent(
                    action_id, args.channel, args.status, on=args.on, user=args.user
                )
                booked = ", ".join(f"{d.id} {d.amount}" for d in result.documents)
                print(
                    f"{action_id}: recorded as {result.proposal.status.value} on "
                    f"{result.record.on.isoformat()} by {result.record.channel.value}"
                    + (f"; booked {booked}" if booked else "")
                )
            return 0
        if args.as_of is None:
            raise ValidationError("--as-of: required, YYYY-MM-DD")
        ladder = _ladder(args.ladder)
        run_result = desk.dunning_run(args.as_of, ladder=ladder, user=args.user)
        print(
            f"Dunning run as of {args.as_of.isoformat()} from {store.where}: "
            f"{len(run_result.new)} new reminder(s), {len(run_result.pending)} awaiting record"
        )
        new = {a.id for a in run_result.new}
        for action in run_result.pending:
            totals = ", ".join(m.round().format("en_US") for m in action.totals)
            mark = "new" if action.id in new else "pending"
            print(
                f"  {action.id:<24} {mark:<7} level {action.level}  {action.channel.value:<17} "
                f"{len(action.lines):>2} item(s)  {totals}"
            )
        for problem in run_result.problems:
            print(f"  problem: {problem.customer_id}: {problem.message}")
        if run_result.pending:
            print("  record them with: credkit dunning record ACTION ... --url URL --status sent")
    return 0
