"""``credkit check``: credit-check sales orders from a CSV file, against a store or a ledger.

``ORDERS.csv`` has the columns ``customer_id``, ``order_id``, ``amount`` and
``currency``, and optionally ``prepaid`` (``true``/``false``, ``yes``/``no``,
``1``/``0``; empty or missing: false) and the order date, in a column ``order_date``
or ``ordered_on`` (``YYYY-MM-DD``; empty or missing: the as-of date). The
``orders.csv`` that ``credkit sample --out DIR`` writes is such a file. The policy is
a TOML or JSON document (``--policy``: a policy, or a policy set with ``policies``)
or :data:`DEFAULT_POLICY`.

**Against a store** (``--url URL``, a database ``credkit db init`` and
``credkit db load`` filled; ``--prefix`` as for ``credkit db``): each order goes
through :meth:`credkit.desk.CreditDesk.check_order` as of ``--as-of`` (required),
which reads the customer's limit in force, reservations, dunning level and latest
snapshot from the store, reserves an approved order and appends the decision to the
customer's audit log, all in one transaction per order. An order the store has
decided already is not decided again: its logged decision is shown, marked
*replayed*, and nothing is written. ``--dry-run`` checks every order afresh, the
same way, without reserving or logging anything; ``--user`` names who checks, in the
log. Beside each decision the table shows what the store holds reserved for the
order after the check and the number of the order's log entry; an order that
``credkit db load`` stored as an open order keeps that reservation while it is held.

**Against a ledger** (nothing is stored): ``--ledger DIR``, a directory in
credkit's canonical layout (read with :func:`credkit.io.read_ledger`), needs its
credit limits in ``--limits LIMITS.csv``: the command does not invent limits for
customers of your own. That file has the columns ``customer_id``, ``amount`` (empty
for no limit), ``currency``, and optionally ``valid_to`` and ``next_review``, one
line per customer; or it is a ``limits.csv`` with a history, as ``credkit sample``
writes it (with ``valid_from``; read with :func:`credkit.io.read_limits`), and each
customer gets its internal limit in force on the as-of date. A customer without a
limit in the file is checked as having none. Without ``--ledger`` the
orders are checked against the seeded sample portfolio of
:func:`credkit.sample.generate`, a demonstration: without ``--limits`` every customer
gets a *synthetic* limit, and the output says so (twice what the customer was
invoiced in the 90 days up to the as-of date, rounded up to a whole 1,000 of its
currency, at least 1,000). Orders are checked in file order, and an approved order
counts as an open order of its customer for the customer's later orders in the file,
as it would in an ERP. Documents in another currency than a customer's limit need
``--rates`` (read with :func:`credkit.io.read_rates`), in both modes.

The exit status is 0 when every order is approved, 1 when any is held or rejected
(0 with ``--no-fail-on-hold``), and 2 for bad input. An order that cannot be checked
(an unknown customer, a customer without a limit in force, an amount in a currency
without rates, an order id the store decided with other values) is reported on
standard error with the file and line; the other orders are still checked and
printed, and the exit status is 2.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import sys
import tomllib
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from decimal import ROUND_CEILING, Decimal
from pathlib import Path
from typing import Any, Final

import attrs

from credkit import sample
from credkit._validate import iso_day
from credkit.cli._common import Subcommands, grid, iso_date, load_rates, shown_path
from credkit.cli._output import BAD_INPUT, FINDINGS, OK, add_format_argument, emit, for_user
from credkit.cli._store import DEFAULT_PREFIX, closing, ready_store
from credkit.desk import CreditDesk
from credkit.errors import (
    ConflictError,
    CredkitError,
    PolicyError,
    RateNotFoundError,
    StorageError,
    ValidationError,
)
from credkit.fx import RateSource
from credkit.io import read_ledger
from credkit.io import read_limits as io_read_limits
from credkit.ledger import Ledger
from credkit.limits import CreditLimit
from credkit.money import Money, to_decimal
from credkit.policy import (
    CreditProfile,
    Decision,
    OrderRequest,
    Outcome,
    Policy,
    PolicySet,
    build_profile,
    check,
    format_amount,
    load_policy,
    load_policy_set,
)
from credkit.policy.rules import REASONS
from credkit.sample import SamplePortfolio
from credkit.storage import Reservation, Store, limit_in_force

__all__ = [
    "DEFAULT_POLICY",
    "add_parser",
    "demo_section",
    "read_limits",
    "read_orders",
    "run",
    "synthetic_limit",
]

DEFAULT_POLICY: Final = """\
id = "credkit-default"
version = "1"
description = "The policy credkit check and credkit demo use unless given another"

[[rules]]
rule = "customer_blocked"
on_fail = "reject"
stop = true

[[rules]]
rule = "require_limit"

[[rules]]
rule = "limit_validity"

[[rules]]
rule = "static_limit"

[[rules]]
rule = "overdue_too_old"
max_days = 90
on_fail = "reject"

[[rules]]
rule = "overdue_too_old"
max_days = 30

[[rules]]
rule = "overdue_share"
max_share = "0.5"
"""
"""The policy used without ``--policy``: a blocked customer is rejected; no limit, an
expired limit, going over the limit, anything more than 30 days overdue or more than
half of the open invoices overdue holds the order; anything more than 90 days overdue
rejects it."""

_ORDER_COLUMNS: Final = ("customer_id", "order_id", "amount", "currency")
_DATE_COLUMNS: Final = ("order_date", "ordered_on")
_LIMIT_COLUMNS: Final = ("customer_id", "amount", "currency")
_TRUE: Final = frozenset({"true", "yes", "y", "1"})
_FALSE: Final = frozenset({"false", "no", "n", "0", ""})
_SYNTHETIC_DAYS: Final = 90
_SYNTHETIC_STEP: Final = Decimal(1000)
SYNTHETIC_NOTE: Final = (
    "synthetic limits: twice each customer's invoicing in the 90 days up to the as-of date, "
    "rounded up to 1,000"
)
# What makes one order uncheckable, while the others can still be checked.
_LINE_ERRORS: Final = (ValidationError, PolicyError, RateNotFoundError, ConflictError)


def add_parser(commands: Subcommands) -> None:
    """Register ``credkit check`` on the sub-command parser ``commands``."""
    parser = commands.add_parser(
        "check",
        help="credit-check sales orders from a CSV file, against a store or a ledger",
        description="Check each order of ORDERS.csv (customer_id, order_id, amount, currency, "
        "optionally prepaid and order_date or ordered_on) against a credit policy, and print "
        "the decisions with their reasons. With --url, against a credkit store: approved "
        "orders are reserved and every decision is logged (unless --dry-run). Otherwise "
        "against a ledger directory and its limits (--ledger with --limits), or the sample "
        "portfolio. Exit status: 0 all approved, 1 any held or rejected (0 with "
        "--no-fail-on-hold), 2 bad input or an order that could not be checked.",
    )
    parser.add_argument("orders", type=Path, metavar="ORDERS.csv", help="the orders to check")
    parser.add_argument(
        "--url",
        metavar="URL",
        help="check against the credkit store of this database (sqlite:///credkit.db, "
        "postgresql://user@host/db, mariadb://user@host/db): reserve and log",
    )
    parser.add_argument(
        "--prefix",
        metavar="PREFIX",
        help=f"with --url: start of every credkit table name (default {DEFAULT_PREFIX})",
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="with --url: check against the store, but reserve and log nothing",
    )
    parser.add_argument(
        "--user", metavar="NAME", help="with --url: who checks, written into the audit log"
    )
    parser.add_argument(
        "--ledger",
        type=Path,
        metavar="DIR",
        help="ledger directory in the canonical layout, with --limits (default: the sample "
        "portfolio)",
    )
    parser.add_argument(
        "--policy",
        type=Path,
        metavar="POLICY.toml",
        help="credit policy or policy set, TOML or JSON (default: credkit's default policy)",
    )
    parser.add_argument(
        "--limits",
        type=Path,
        metavar="LIMITS.csv",
        help="credit limits: customer_id, amount, currency[, valid_to, next_review], or a "
        "limits.csv with valid_from as credkit sample writes it (needed with --ledger; for "
        "the sample portfolio the default is synthetic limits)",
    )
    parser.add_argument(
        "--rates",
        type=Path,
        metavar="RATES.csv",
        help="exchange rates (valid_from,base,quote,rate) for amounts in other currencies "
        "than a customer's limit",
    )
    parser.add_argument(
        "--as-of",
        type=iso_date,
        metavar="DATE",
        help="date of the check, YYYY-MM-DD (required with --url; default: the ledger's last date)",
    )
    parser.add_argument(
        "--no-fail-on-hold",
        action="store_true",
        help="exit with 0 even when orders are held or rejected",
    )
    add_format_argument(parser)
    parser.set_defaults(func=run)


# -- input ----------------------------------------------------------------------------


def _rows(path: Path, required: Sequence[str]) -> Iterator[tuple[int, dict[str, str]]]:
    try:
        handle = path.open(encoding="utf-8", newline="")
    except OSError as error:
        raise ValidationError(f"{path}: cannot read: {error}") from None
    with handle:
        reader = csv.DictReader(handle)
        try:
            header = reader.fieldnames or []
            missing = [c for c in required if c not in header]
            if missing:
                raise ValidationError(
                    f"{path}: missing column {', '.join(missing)}; expected {', '.join(required)}"
                )
            for row in reader:
                yield reader.line_num, {k: (v or "").strip() for k, v in row.items() if k}
        except (csv.Error, UnicodeDecodeError, OSError) as error:
            raise ValidationError(f"{path}, line {reader.line_num}: {error}") from None


def _cell(path: Path, line: int, column: str, problem: str) -> ValidationError:
    return ValidationError(f"{path}, line {line}, column {column}: {problem}")


def _money(path: Path, line: int, row: Mapping[str, str]) -> Money:
    try:
        amount = to_decimal(row["amount"], field="amount")
    except CredkitError as error:
        raise _cell(path, line, "amount", str(error).removeprefix("amount: ")) from None
    try:
        return Money(amount, row["currency"])
    except CredkitError as error:
        raise _cell(path, line, "currency", str(error).removeprefix("currency: ")) from None


def _optional_date(
    path: Path, line: int, row: Mapping[str, str], column: str
) -> datetime.date | None:
    text = row.get(column, "")
    if not text:
        return None
    try:
        return iso_day(text)
    except ValueError:
        raise _cell(
            path, line, column, f"{text!r} is not a date in the format YYYY-MM-DD"
        ) from None


@attrs.frozen
class _Line:
    """An order of the file, and the line it is on."""

    line: int
    order: OrderRequest


def _order_lines(path: Path, *, as_of: datetime.date) -> list[_Line]:
    lines = []
    seen: dict[str, int] = {}
    for line, row in _rows(path, _ORDER_COLUMNS):
        dated = [column for column in _DATE_COLUMNS if column in row]
        if len(dated) > 1:
            raise ValidationError(
                f"{path}: has both columns {' and '.join(dated)}; keep one of them for the "
                "order date"
            )
        flag = row.get("prepaid", "").lower()
        if flag not in _TRUE | _FALSE:
            raise _cell(path, line, "prepaid", f"{row['prepaid']!r} is not true or false")
        order_id = row["order_id"]
        if order_id in seen:
            raise _cell(path, line, "order_id", f"{order_id!r} is already on line {seen[order_id]}")
        seen[order_id] = line
        date = _optional_date(path, line, row, dated[0]) if dated else None
        try:
            order = OrderRequest(
                order_id,
                _money(path, line, row),
                order_date=date or as_of,
                prepaid=flag in _TRUE,
                customer_id=row["customer_id"] or None,
            )
        except ValidationError as error:
            if str(error).startswith(str(path)):
                raise
            raise ValidationError(f"{path}, line {line}: {error}") from None
        if not row["customer_id"]:
            raise _cell(path, line, "customer_id", "empty; every order needs a customer")
        lines.append(_Line(line, order))
    return lines


def read_orders(path: Path, *, as_of: datetime.date) -> list[OrderRequest]:
    """The orders of a CSV file; ``prepaid`` defaults to false, the order date to ``as_of``.

    The order date is in a column ``order_date`` or ``ordered_on`` (as in the
    ``orders.csv`` of ``credkit sample``).

    >>> import tempfile, pathlib, datetime
    >>> with tempfile.TemporaryDirectory() as directory:
    ...     path = pathlib.Path(directory) / "orders.csv"
    ...     _ = path.write_text("customer_id,order_id,amount,currency,prepaid\\nC001,SO-1,1200.00,EUR,no\\n")
    ...     [(o.order_id, str(o.amount), o.prepaid) for o in read_orders(path, as_of=datetime.date(2026, 11, 30))]
    [('SO-1', '1200.00 EUR', False)]
    >>> with tempfile.TemporaryDirectory() as directory:
    ...     path = pathlib.Path(directory) / "orders.csv"
    ...     _ = path.write_text("order_id,customer_id,amount,currency,ordered_on\\nSO-1,C001,5.00,EUR,2026-11-13\\n")
    ...     [(o.order_date, o.prepaid) for o in read_orders(path, as_of=datetime.date(2026, 11, 30))]
    [(datetime.date(2026, 11, 13), False)]
    """
    return [item.order for item in _order_lines(path, as_of=as_of)]


def read_limits(path: Path) -> dict[str, dict[str, Any]]:
    """Credit limits by customer id: ``limit`` (Money or None), ``limit_valid_to``, ``next_review``.

    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as directory:
    ...     path = pathlib.Path(directory) / "limits.csv"
    ...     _ = path.write_text("customer_id,amount,currency,valid_to\\nC001,50000,EUR,2027-06-30\\nC002,,USD,\\n")
    ...     limits = read_limits(path)
    >>> limits["C001"]["limit"], limits["C002"]["limit"]
    (Money('50000', 'EUR'), None)
    """
    limits: dict[str, dict[str, Any]] = {}
    for line, row in _rows(path, _LIMIT_COLUMNS):
        customer = row["customer_id"]
        if not customer:
            raise _cell(path, line, "customer_id", "empty")
        if customer in limits:
            raise _cell(path, line, "customer_id", f"{customer!r} has a limit already")
        limit = _money(path, line, row) if row["amount"] else None
        if limit is None:
            try:
                Money.zero(row["currency"])
            except CredkitError as error:
                message = str(error).removeprefix("currency: ")
                raise _cell(path, line, "currency", message) from None
        limits[customer] = {
            "limit": limit,
            "currency": row["currency"],
            "limit_valid_to": _optional_date(path, line, row, "valid_to"),
            "next_review": _optional_date(path, line, row, "next_review"),
        }
    return limits


def _columns(path: Path) -> list[str]:
    """The header of a CSV file (empty when it cannot be read: its reader says why)."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            return next(csv.reader(handle), [])
    except (OSError, UnicodeDecodeError, csv.Error):
        return []


def _ledger_limits(path: Path, *, as_of: datetime.date) -> dict[str, dict[str, Any]]:
    """The limits of ``--limits``: this command's own file, or a ``limits.csv`` with history.

    A file with a ``valid_from`` column is read with :func:`credkit.io.read_limits` (the
    ``limits.csv`` of ``credkit sample``), and each customer gets its internal limit in
    force on ``as_of`` (:func:`credkit.storage.limit_in_force`), as the desk reads it.
    """
    if "valid_from" not in _columns(path):
        return read_limits(path)
    history: dict[str, list[CreditLimit]] = defaultdict(list)
    for limit in io_read_limits(path):
        history[limit.customer_id].append(limit)
    limits = {}
    for customer_id, found in history.items():
        current = limit_in_force(found, as_of=as_of)
        if current is not None:
            limits[customer_id] = {
                "limit": current.amount,
                "currency": current.currency,
                "limit_valid_to": current.valid_to,
                "next_review": current.next_review,
            }
    return limits


def _load_policies(path: Path | None) -> Policy | PolicySet:
    """The policy of ``--policy``: a policy set when the document lists ``policies``."""
    if path is None:
        return load_policy(DEFAULT_POLICY, format="toml")
    try:
        text = path.read_text(encoding="utf-8")
        document: object = (
            json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
        )
    except (OSError, ValueError):  # the loader below reports what is wrong, and where
        document = None
    if isinstance(document, dict) and "policies" in document:
        return load_policy_set(path)
    return load_policy(path)


def synthetic_limit(ledger: Ledger, customer_id: str, *, as_of: datetime.date) -> Money:
    """Twice the customer's invoicing in the 90 days to ``as_of``, rounded up to 1,000 (at least 1,000).

    Only invoices in the customer's own currency count. For demonstrations only: a
    real limit comes from an assessment (see the limits package).

    >>> from credkit.ledger import Customer, Invoice
    >>> ledger = Ledger(
    ...     customers=[Customer("C1", "Acme", country="DE", currency="EUR")],
    ...     invoices=[Invoice("I1", "C1", datetime.date(2026, 11, 2), datetime.date(2026, 12, 2),
    ...                       Money.of("12345.67", "EUR"))],
    ... )
    >>> synthetic_limit(ledger, "C1", as_of=datetime.date(2026, 11, 30))
    Money('25000', 'EUR')
    """
    customer = ledger.customer(customer_id)
    since = as_of - datetime.timedelta(days=_SYNTHETIC_DAYS)
    invoiced = sum(
        (
            invoice.amount.amount
            for invoice in ledger.invoices
            if invoice.customer_id == customer_id
            and invoice.amount.currency == customer.currency
            and since < invoice.issue_date <= as_of
        ),
        Decimal(0),
    )
    steps = (2 * invoiced / _SYNTHETIC_STEP).to_integral_value(rounding=ROUND_CEILING)
    return Money(max(steps, Decimal(1)) * _SYNTHETIC_STEP, customer.currency)


# -- checking -------------------------------------------------------------------------


@attrs.frozen
class _Checked:
    """A decision on the order of one line; with a store, what the store holds for it."""

    line: int
    decision: Decision
    reservation: Reservation | None = None
    entry: int | None = None
    replayed: bool = False


@attrs.frozen
class _Problem:
    """An order that could not be checked, and why."""

    line: int
    order: OrderRequest
    message: str

    def text(self, path: Path) -> str:
        return f"{shown_path(path)}, line {self.line}: order {self.order.order_id!r}: {for_user(self.message)}"

    def record(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "order_id": self.order.order_id,
            "customer_id": self.order.customer_id,
            "message": for_user(self.message),
        }


def _decide_lines(
    ledger: Ledger,
    lines: Sequence[_Line],
    policies: Policy | PolicySet,
    *,
    as_of: datetime.date,
    limits: Mapping[str, Mapping[str, Any]] | None,
    rates: RateSource | None = None,
) -> tuple[list[_Checked], list[_Problem]]:
    open_orders: dict[str, Decimal] = defaultdict(Decimal)
    checked = []
    problems = []
    for item in lines:
        order = item.order
        customer_id = order.customer_id
        assert customer_id is not None
        try:
            customer = ledger.customer(customer_id)
            if limits is None:
                record: Mapping[str, Any] = {
                    "limit": synthetic_limit(ledger, customer_id, as_of=as_of)
                }
            elif customer_id in limits:
                record = limits[customer_id]
            else:
                record = {"limit": None, "currency": customer.currency}
            currency = record.get("currency") or customer.currency
            profile: CreditProfile = build_profile(
                ledger,
                customer_id,
                as_of=as_of,
                limit=record["limit"],
                limit_valid_to=record.get("limit_valid_to"),
                next_review=record.get("next_review"),
                currency=currency,
                open_orders=Money(open_orders[customer_id], currency),
                rates=rates,
            )
            decision = check(profile, order, policies)
        except _LINE_ERRORS as error:
            problems.append(_Problem(item.line, order, str(error)))
            continue
        if decision.outcome is Outcome.APPROVE and not order.prepaid and order.adds_exposure:
            open_orders[customer_id] += order.amount.amount
        checked.append(_Checked(item.line, decision))
    return checked, problems


def _check_store(
    args: argparse.Namespace,
    lines: Sequence[_Line],
    policies: Policy | PolicySet,
    *,
    as_of: datetime.date,
    rates: RateSource | None,
) -> tuple[str, list[_Checked], list[_Problem], dict[str, str]]:
    """Check every order through a CreditDesk on the store of ``--url``; read back what it holds."""
    prefix = DEFAULT_PREFIX if args.prefix is None else args.prefix
    store = ready_store(args.url, prefix, command="credkit check --url")
    checked: list[_Checked] = []
    problems: list[_Problem] = []
    with closing(store):
        desk = CreditDesk(store, policies, rates=rates)
        decided: set[str] = set()
        if not args.dry_run:
            with store.unit() as unit:
                decided = {
                    i.order.order_id for i in lines if unit.order(i.order.order_id) is not None
                }
        for index, item in enumerate(lines):
            try:
                decision = desk.check_order(
                    item.order, as_of=as_of, user=args.user, dry_run=args.dry_run
                )
            except _LINE_ERRORS as error:
                problems.append(_Problem(item.line, item.order, str(error)))
                continue
            except StorageError as error:  # the store failed: stop, and say what was left
                problems.append(_Problem(item.line, item.order, str(error)))
                problems.extend(
                    _Problem(
                        rest.line, rest.order, f"not checked: the store failed on line {item.line}"
                    )
                    for rest in lines[index + 1 :]
                )
                break
            checked.append(_Checked(item.line, decision, replayed=item.order.order_id in decided))
        if not args.dry_run and checked:
            checked = _held(store, checked)
        names = _store_names(store, checked)
    return store.where, checked, problems, names


def _store_names(store: Store, checked: Sequence[_Checked]) -> dict[str, str]:
    """Customer id -> name, of the customers of ``checked`` the store knows."""
    names: dict[str, str] = {}
    with store.unit() as unit:
        for customer_id in sorted({c.decision.profile.customer_id for c in checked}):
            try:
                names[customer_id] = unit.customer(customer_id).name
            except ValidationError:
                continue
    return names


def _held(store: Store, checked: Sequence[_Checked]) -> list[_Checked]:
    """``checked`` with the reservation and the log entry the store holds for each order."""
    with store.unit() as unit:
        reservations: dict[str, Reservation] = {}
        for customer_id in sorted({c.decision.profile.customer_id for c in checked}):
            reservations.update((r.order_id, r) for r in unit.reservations(customer_id))
        result = []
        for item in checked:
            order_id = item.decision.order.order_id
            stored = unit.order(order_id)
            result.append(
                attrs.evolve(
                    item,
                    reservation=reservations.get(order_id),
                    entry=None if stored is None else stored.entry,
                )
            )
    return result


# -- output ---------------------------------------------------------------------------


def _decision_cells(decision: Decision, names: Mapping[str, str]) -> list[str]:
    after = decision.available_after
    customer_id = decision.profile.customer_id
    return [
        decision.order.order_id,
        customer_id,
        names.get(customer_id, ""),
        format_amount(decision.order.amount),
        decision.outcome.value.upper(),
        "no limit" if after is None else format_amount(after),
    ]


def _store_cells(item: _Checked, names: Mapping[str, str]) -> list[str]:
    reservation = item.reservation
    entry = "-" if item.entry is None else str(item.entry)
    return [
        *_decision_cells(item.decision, names),
        "-" if reservation is None else format_amount(reservation.amount),
        f"{entry} (replayed)" if item.replayed else entry,
    ]


def _summary(checked: Sequence[_Checked], problems: Sequence[_Problem]) -> str:
    counts = {o: sum(c.decision.outcome is o for c in checked) for o in Outcome}
    text = (
        f"{len(checked)} order{'' if len(checked) == 1 else 's'}: "
        f"{counts[Outcome.APPROVE]} approved, "
        f"{counts[Outcome.HOLD]} held, {counts[Outcome.REJECT]} rejected"
    )
    replayed = sum(c.replayed for c in checked)
    if replayed:
        text += f"; {replayed} replayed from the audit log"
    if problems:
        text += f"; {len(problems)} not checked (see the errors)"
    return text


def _table(
    checked: Sequence[_Checked],
    title: str,
    problems: Sequence[_Problem] = (),
    *,
    store: bool = False,
    names: Mapping[str, str] | None = None,
) -> str:
    known = names or {}
    header = ["Order", "Customer", "Name", "Amount", "Outcome", "Available after"]
    if store:
        header += ["Reserved", "Log entry"]
        cells = [_store_cells(c, known) for c in checked]
    else:
        cells = [_decision_cells(c.decision, known) for c in checked]
    table = grid(
        header, cells, left={"Order", "Customer", "Name", "Outcome", "Log entry"} & set(header)
    )
    lines = [title, *table[:2]]
    for item, row in zip(checked, table[2:], strict=True):
        lines.append(row)
        decision = item.decision
        exemption = decision.exemption
        if exemption is not None:
            lines.append(f"    {exemption.code}: {exemption.message}")
        for reason in decision.reasons:
            meaning = REASONS.get(reason.code)
            lines.append(
                f"    {reason.outcome.value} {reason.code}"
                + (f" ({meaning})" if meaning else "")
                + f": {reason.message}"
            )
    lines.append(_summary(checked, problems))
    return "\n".join(lines)


def _decision_json(item: _Checked, names: Mapping[str, str]) -> dict[str, Any]:
    """One checked order as JSON: the same keys with and without a store."""
    decision = item.decision
    reservation = item.reservation
    customer_id = decision.profile.customer_id
    return {
        "line": item.line,
        "order_id": decision.order.order_id,
        "customer_id": customer_id,
        "name": names.get(customer_id),
        "order_date": decision.order.order_date,
        "amount": decision.order.amount,
        "prepaid": decision.order.prepaid,
        "outcome": decision.outcome.value,
        "reasons": [
            {
                "rule": r.rule,
                "code": r.code,
                "text": REASONS.get(r.code),
                "message": r.message,
                "outcome": r.outcome.value,
            }
            for r in decision.reasons
        ],
        "exemption": None
        if decision.exemption is None
        else {"code": decision.exemption.code, "message": decision.exemption.message},
        "available_before": decision.available_before,
        "available_after": decision.available_after,
        "currency": decision.profile.currency,  # the profile's: its limit and exposure
        "policy_id": decision.policy_id,
        "policy_version": decision.policy_version,
        "policy_digest": decision.policy.digest,
        "fingerprint": decision.fingerprint,
        "reservation": None
        if reservation is None
        else {"amount": reservation.amount, "reserved_on": reservation.reserved_on},
        "entry": item.entry,
        "replayed": item.replayed,
    }


_CSV_HEADER = [
    "line",
    "order_id",
    "customer_id",
    "name",
    "amount",
    "currency",
    "outcome",
    "reason_codes",
    "reason_texts",
    "available_after",
    "limit_currency",
    "reserved",
    "entry",
]


def _csv_rows(
    checked: Sequence[_Checked], names: Mapping[str, str]
) -> tuple[list[str], list[list[object]]]:
    rows: list[list[object]] = []
    for item in checked:
        decision = item.decision
        after = decision.available_after
        rows.append(
            [
                item.line,
                decision.order.order_id,
                decision.profile.customer_id,
                names.get(decision.profile.customer_id, ""),
                decision.order.amount.amount,
                decision.order.amount.currency,
                decision.outcome.value,
                ";".join(r.code for r in decision.reasons),
                "; ".join(REASONS.get(r.code, r.message) for r in decision.reasons),
                None if after is None else after.amount,
                decision.profile.currency,
                None if item.reservation is None else item.reservation.amount.amount,
                item.entry,
            ]
        )
    return _CSV_HEADER, rows


def _print(
    args: argparse.Namespace,
    checked: Sequence[_Checked],
    problems: Sequence[_Problem],
    *,
    table: Callable[[], str],
    head: Mapping[str, object],
    names: Mapping[str, str],
) -> None:
    document = {
        **head,
        "decisions": [_decision_json(c, names) for c in checked],
        "errors": [p.record() for p in problems],
        "counts": _counts(checked, problems),
    }
    print(
        emit(
            args.format,
            table=table,
            document=lambda: document,
            rows=lambda: _csv_rows(checked, names),
            raw=args.raw_csv,
        )
    )


def _header(policies: Policy | PolicySet, as_of: datetime.date, synthetic: bool) -> str:
    text = (
        f"Credit check as of {as_of.isoformat()}, policy {policies.id} version {policies.version}"
    )
    return text + (f"\n({SYNTHETIC_NOTE})" if synthetic else "")


# -- the command ----------------------------------------------------------------------


def _refuse_mixed_options(args: argparse.Namespace) -> None:
    if args.url is not None:
        for option, value in (("--ledger", args.ledger), ("--limits", args.limits)):
            if value is not None:
                raise ValidationError(
                    f"{option}: not with --url; the store holds the ledger and the limits"
                )
        if args.as_of is None:
            raise ValidationError(
                "--as-of: required with --url: the date the orders are checked, reserved "
                "and logged on"
            )
        if args.user is not None and not args.user.strip():
            raise ValidationError("--user: empty; name who checks, or leave the option out")
        return
    for option, value in (
        ("--prefix", args.prefix),
        ("--user", args.user),
        ("--dry-run", args.dry_run or None),
    ):
        if value is not None:
            raise ValidationError(f"{option}: only with --url (a check against a store)")
    if args.ledger is not None and args.limits is None:
        raise ValidationError(
            "--limits: checking the ledger of --ledger needs its credit limits "
            "(--limits LIMITS.csv), or check against a store with --url; credkit invents "
            "synthetic limits only for the sample portfolio, as a demonstration"
        )


def _status(
    args: argparse.Namespace, checked: Sequence[_Checked], problems: Sequence[_Problem]
) -> int:
    for problem in problems:
        print(f"credkit: error: {problem.text(args.orders)}", file=sys.stderr)
    if problems:
        return BAD_INPUT
    if args.no_fail_on_hold:
        return OK
    return OK if all(c.decision.outcome is Outcome.APPROVE for c in checked) else FINDINGS


def _counts(checked: Sequence[_Checked], problems: Sequence[_Problem]) -> dict[str, int]:
    return {
        **{o.value: sum(c.decision.outcome is o for c in checked) for o in Outcome},
        "replayed": sum(c.replayed for c in checked),
        "not_checked": len(problems),
    }


def _run_store(args: argparse.Namespace) -> int:
    as_of: datetime.date = args.as_of
    policies = _load_policies(args.policy)
    rates = None if args.rates is None else load_rates(args.rates)
    lines = _order_lines(args.orders, as_of=as_of)
    where, checked, problems, names = _check_store(args, lines, policies, as_of=as_of, rates=rates)
    title = _header(policies, as_of, False) + f", store {where}"
    if args.dry_run:
        title += "\n(dry run: nothing reserved or logged)"
    head = {
        "as_of": as_of,
        "policy_id": policies.id,
        "policy_version": policies.version,
        "store": where,
        "limits": None,
        "dry_run": args.dry_run,
    }
    _print(
        args,
        checked,
        problems,
        table=lambda: _table(checked, title, problems, store=not args.dry_run, names=names),
        head=head,
        names=names,
    )
    return _status(args, checked, problems)


def run(args: argparse.Namespace) -> int:
    """Read the inputs, check every order, print the decisions; return the exit status."""
    _refuse_mixed_options(args)
    if args.url is not None:
        return _run_store(args)
    portfolio: SamplePortfolio | None = None
    if args.ledger is None:
        portfolio = sample.generate()
        ledger = portfolio.ledger
    else:
        ledger = read_ledger(args.ledger)
    as_of: datetime.date | None = args.as_of
    if as_of is None:
        as_of = portfolio.end if portfolio is not None else ledger.last_date()
        if as_of is None:
            raise ValidationError("--as-of: the ledger is empty; give the date to check as of")
    policies = _load_policies(args.policy)
    limits = None if args.limits is None else _ledger_limits(args.limits, as_of=as_of)
    lines = _order_lines(args.orders, as_of=as_of)
    rates = None if args.rates is None else load_rates(args.rates)
    checked, problems = _decide_lines(
        ledger, lines, policies, as_of=as_of, limits=limits, rates=rates
    )
    names = {customer.id: customer.name for customer in ledger.customers}
    head = {
        "as_of": as_of,
        "policy_id": policies.id,
        "policy_version": policies.version,
        "store": None,
        "limits": "synthetic" if limits is None else str(args.limits),
        "dry_run": False,
    }
    _print(
        args,
        checked,
        problems,
        table=lambda: _table(
            checked, _header(policies, as_of, limits is None), problems, names=names
        ),
        head=head,
        names=names,
    )
    return _status(args, checked, problems)


# -- the demo -------------------------------------------------------------------------


def demo_section(portfolio: SamplePortfolio) -> str:
    """ "Today's orders": a few synthetic orders against sample customers, checked and explained.

    For ``credkit demo``: deterministic orders (a prompt payer within its limit and one
    over it, a slow payer, a defaulting customer on credit and prepaid, a credit
    note-like return) checked as of the portfolio's end under :data:`DEFAULT_POLICY`,
    with synthetic limits (the output says so).

    >>> text = demo_section(sample.generate(seed=1, customers=20))
    >>> print(text.splitlines()[0])
    Today's orders: credit check as of 2026-11-30, policy credkit-default version 1
    >>> "synthetic limits" in text and "APPROVE" in text
    True
    """
    as_of = portfolio.end
    policy = load_policy(DEFAULT_POLICY, format="toml")
    from credkit.cli._demo import demo_orders  # it uses synthetic_limit, defined here

    orders = demo_orders(portfolio, as_of)
    lines = [_Line(number, order) for number, order in enumerate(orders, start=1)]
    checked, problems = _decide_lines(portfolio.ledger, lines, policy, as_of=as_of, limits=None)
    if problems:  # pragma: no cover - the demo's orders are built for its own customers
        raise ValidationError(f"order {problems[0].order.order_id!r}: {problems[0].message}")
    header = "Today's orders: c" + _header(policy, as_of, True)[1:]
    header += "\n(the orders are synthetic too)"
    names = {customer.id: customer.name for customer in portfolio.ledger.customers}
    return _table(checked, header, names=names)
