"""``credkit audit``: verify and read the hash-chained audit log of a credkit store.

- ``credkit audit verify``: re-check the audit chain of every customer (or of those
  named with ``--customer``) and that each order's last decision is in it, with
  :meth:`credkit.desk.CreditDesk.verify_log`. Prints ``audit log intact: N entries``
  and exits with 0, or prints the first bad entry (one changed, deleted, inserted or
  reordered) and exits with 1.
- ``credkit audit show --customer ID``: the customer's log, oldest first, as an
  auditor reads it: sequence, time (UTC), event, user, order, outcome, reason codes,
  reason, approvers, the amount approved over the limit and the decision's
  fingerprint (shortened in the table, whole in JSON, with each entry's hash and
  logged record). The chain is re-checked below the entries; a broken one exits
  with 1.

Both take ``--url`` and ``--prefix`` as ``credkit db`` does (default: the
environment variable ``CREDKIT_DB_URL``, else ``sqlite:///credkit.db``) and need a
database at this credkit's schema. Bad input (an unknown customer, a database that
is missing or at another schema) exits with 2.
"""

from __future__ import annotations

import argparse
import datetime
import json
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

from credkit.cli._common import Subcommands, grid
from credkit.cli._output import FINDINGS, OK, add_format_argument, emit
from credkit.cli._store import add_store_arguments, closing, ready_store
from credkit.cli.check import DEFAULT_POLICY
from credkit.desk import CreditDesk
from credkit.errors import ConflictError, StorageError, ValidationError
from credkit.money import Money
from credkit.policy import format_amount, load_policy
from credkit.storage import AuditEntry

if TYPE_CHECKING:
    from credkit.storage.sql import SQLStore

__all__ = ["add_parser", "run"]

_FINGERPRINT: Final = 12
_COMMAND: Final = "credkit audit"


def add_parser(commands: Subcommands) -> None:
    """Register ``credkit audit`` and its actions on the sub-command parser ``commands``.

    >>> parser = argparse.ArgumentParser(prog="credkit")
    >>> add_parser(parser.add_subparsers())
    >>> args = parser.parse_args(["audit", "verify", "--customer", "C1", "C2", "--customer", "C3"])
    >>> args.action, args.customer
    ('verify', ['C1', 'C2', 'C3'])
    """
    common = argparse.ArgumentParser(add_help=False)
    add_store_arguments(common)
    parser = commands.add_parser(
        "audit",
        help="verify and read the audit log of a credkit store",
        description="Verify the hash-chained audit log of a credkit store, or show a "
        "customer's entries (needs the sql extra).",
    )
    actions = parser.add_subparsers(title="actions", metavar="ACTION", dest="action")
    actions.required = True
    verify = actions.add_parser(
        "verify",
        parents=[common],
        help="re-check the audit chains; exit 1 naming the first bad entry",
        description="Re-check every customer's audit chain (or those of --customer) and "
        "that every order's last decision is in it. Prints 'audit log intact: N entries' "
        "and exits with 0, or names the first entry changed, deleted, inserted or "
        "reordered and exits with 1.",
    )
    verify.add_argument(
        "--customer",
        action="extend",
        nargs="+",
        metavar="ID",
        help="verify only these customers' logs (default: every customer)",
    )
    add_format_argument(verify)
    show = actions.add_parser(
        "show",
        parents=[common],
        help="a customer's audit log, for an auditor",
        description="Print a customer's audit log, oldest first: sequence, time (UTC), "
        "event, user, order, outcome, codes, reason, approvers, amount over the limit and "
        "fingerprint; then re-check the chain (exit 1 when it is broken).",
    )
    show.add_argument("--customer", required=True, metavar="ID", help="the customer")
    add_format_argument(
        show, help="output format: table (default), json or csv (one row per entry)"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the action of ``args``: ``verify`` or ``show``; return the exit status."""
    store = ready_store(args.url, args.prefix, command=_COMMAND)
    with closing(store):
        if args.action == "verify":
            return _verify(args, store)
        return _show(args, store)


# -- both -----------------------------------------------------------------------------


def _known(store: SQLStore, customer_ids: Sequence[str], where: str) -> None:
    with store.unit() as unit:
        known = set(unit.customer_ids())
    for customer_id in customer_ids:
        if customer_id not in known:
            raise ValidationError(f"--customer: {where} has no customer {customer_id!r}")


def _problem(store: SQLStore, customer_ids: Sequence[str] | None) -> tuple[int, str | None]:
    """How many entries :meth:`CreditDesk.verify_log` checked, and what it found wrong."""
    desk = CreditDesk(store, load_policy(DEFAULT_POLICY, format="toml"))  # the policy is unused
    try:
        return desk.verify_log(customer_ids), None
    except ConflictError:
        raise
    except StorageError as error:  # a broken chain, or an entry the store cannot read back
        return 0, error.message


# -- verify ---------------------------------------------------------------------------


def _verify(args: argparse.Namespace, store: SQLStore) -> int:
    customer_ids = None if args.customer is None else list(dict.fromkeys(args.customer))
    where = store.where
    if customer_ids is not None:
        _known(store, customer_ids, where)
    count, problem = _problem(store, customer_ids)
    scope = "" if customer_ids is None else f" of {', '.join(map(repr, customer_ids))}"
    text = (
        f"audit log broken: {problem}"
        if problem is not None
        else f"audit log intact: {count} entr{'y' if count == 1 else 'ies'}{scope}"
    )
    document = {
        "store": where,
        "customers": customer_ids,
        "intact": problem is None,
        "entries": count,
        "problem": problem,
    }
    print(
        emit(
            args.format,
            table=lambda: text,
            document=lambda: document,
            rows=lambda: (
                ["intact", "entries", "problem"],
                [[problem is None, count, problem]],
            ),
            raw=args.raw_csv,
        )
    )
    return OK if problem is None else FINDINGS


# -- show -----------------------------------------------------------------------------


def _text(value: object) -> str:
    if value is None or value == "" or value == []:
        return "-"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def _money(value: object) -> str:
    """An ``{"amount": ..., "currency": ...}`` of the log as ``1,200.00 EUR`` ('-' for none)."""
    if not isinstance(value, Mapping):
        return _text(value)
    try:
        return format_amount(Money(Decimal(str(value["amount"])), str(value["currency"])))
    except (KeyError, ArithmeticError, ValueError, TypeError):  # shown as logged, not judged
        return _text(json.dumps(value, sort_keys=True))


def _reason(payload: Mapping[str, Any]) -> str:
    """Why the entry was written: the user's reason, or what the event records."""
    if payload.get("reason"):
        return _text(payload["reason"])
    if payload.get("message"):  # a denied attempt
        return _text(payload["message"])
    if payload.get("invoice_id"):
        return f"invoice {_text(payload['invoice_id'])}"
    limit = payload.get("limit")
    if isinstance(limit, Mapping):
        amount = "no limit" if limit.get("amount") is None else _money(limit.get("amount"))
        return f"limit {amount} ({_text(limit.get('kind'))}) from {_text(limit.get('valid_from'))}"
    return "-"


def _row(entry: AuditEntry) -> dict[str, Any]:
    payload = entry.payload
    over = payload.get("over_limit")
    fingerprint = payload.get("fingerprint")
    return {
        "sequence": entry.sequence,
        "at": entry.at.astimezone(datetime.UTC).isoformat(),
        "event": entry.kind,
        "user": payload.get("user"),
        "order_id": payload.get("order_id"),
        "outcome": payload.get("outcome"),
        "codes": payload.get("codes", []),
        "reason": None if _reason(payload) == "-" else _reason(payload),
        "approvers": payload.get("approvers", []),
        "over_limit": over if isinstance(over, Mapping) else None,
        "fingerprint": fingerprint,
        "hash": entry.hash,
        "previous_hash": entry.previous_hash,
        "payload": payload,
    }


def _cells(entry: AuditEntry) -> list[str]:
    row = _row(entry)
    fingerprint = row["fingerprint"]
    return [
        str(entry.sequence),
        entry.at.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S"),
        entry.kind,
        _text(row["user"]),
        _text(row["order_id"]),
        _text(row["outcome"]),
        _text(row["codes"]),
        _text(row["reason"]),
        _text(row["approvers"]),
        "-" if row["over_limit"] is None else _money(row["over_limit"]),
        _text(fingerprint[:_FINGERPRINT] if isinstance(fingerprint, str) else fingerprint),
    ]


_HEADER: Final = (
    "Seq",
    "Time (UTC)",
    "Event",
    "User",
    "Order",
    "Outcome",
    "Codes",
    "Reason",
    "Approvers",
    "Over limit",
    "Fingerprint",
)


def _show(args: argparse.Namespace, store: SQLStore) -> int:
    customer_id: str = args.customer
    where = store.where
    _known(store, [customer_id], where)
    with store.unit() as unit:
        name = unit.customer(customer_id).name
        try:
            entries = unit.audit_log(customer_id)
            unreadable = None
        except StorageError as error:  # an entry the store cannot read back (names it)
            entries, unreadable = (), error.message
    checked, problem = (0, unreadable) if unreadable else _problem(store, [customer_id])
    if args.format in ("json", "csv"):
        rows = [_row(entry) for entry in entries]
        document = {
            "customer_id": customer_id,
            "name": name,
            "store": where,
            "entries": rows,
            "chain": {"intact": problem is None, "entries": checked, "problem": problem},
        }
        columns = [
            "sequence",
            "at",
            "event",
            "user",
            "order_id",
            "outcome",
            "codes",
            "reason",
            "approvers",
            "fingerprint",
            "hash",
        ]
        print(
            emit(
                args.format,
                table=str,
                document=lambda: document,
                rows=lambda: (
                    columns,
                    [
                        [
                            ";".join(map(str, row[c])) if isinstance(row[c], list) else row[c]
                            for c in columns
                        ]
                        for row in rows
                    ],
                ),
                raw=args.raw_csv,
            )
        )
    else:
        count = len(entries)
        lines = [
            f"Audit log of {customer_id} ({name}) in {where}: "
            f"{count} entr{'y' if count == 1 else 'ies'}"
        ]
        if entries:
            lines += grid(
                _HEADER,
                [_cells(entry) for entry in entries],
                left=set(_HEADER) - {"Seq", "Over limit"},
            )
        lines.append(
            f"chain: intact ({checked} entr{'y' if checked == 1 else 'ies'} checked)"
            if problem is None
            else f"chain: broken: {problem}"
        )
        print("\n".join(lines))
    return OK if problem is None else FINDINGS
