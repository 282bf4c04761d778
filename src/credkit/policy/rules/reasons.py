"""What each reason code of the built-in rules means, in words for people.

:data:`REASONS` maps every code a built-in rule can report (see each rule's
``codes``) to one short sentence without the rule's parameter names, for pages and
letters that show a code beside its meaning (the portfolio report's held orders, for
one). The result's own ``message`` carries the numbers; this is the meaning of the
code alone. A ``*_MISSING`` code means the rule could not look: the figure it reads
is not on the profile, and the policy says to fail then.

The monitor has its own codes and texts (:data:`credkit.desk.monitor.REASONS`);
some codes are spelt the same in both (``LIMIT_EXPIRED``, ``OVERDUE_SHARE``) but mean
what their own table says.

>>> REASONS["NO_LIMIT"]
'the customer has no credit limit'
>>> REASONS["PAYMENT_INDEX_MISSING"]
'the customer has no payment index to check'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

__all__ = ["REASONS"]

REASONS: Final[Mapping[str, str]] = {
    # limits
    "LIMIT_EXCEEDED": "the exposure plus the order is more than the credit limit",
    "DYNAMIC_LIMIT": (
        "the exposure arising within the policy's horizon plus the order is more than "
        "the credit limit"
    ),
    "NO_LIMIT": "the customer has no credit limit",
    "LIMIT_EXPIRED": "the credit limit had ended by the day of the check",
    "LIMIT_NOT_YET_VALID": "the credit limit was not yet in force on the day of the check",
    "MAX_ORDER_VALUE": "the order is worth more than the policy allows for one order",
    "GROUP_LIMIT_EXCEEDED": (
        "the credit group's exposure plus the order is more than the group's credit limit"
    ),
    "SUB_LIMIT_EXCEEDED": "a part of the exposure is more than its own sub-limit",
    # overdue items and dunning
    "OVERDUE_TOO_OLD": "the oldest overdue item is further past due than the policy allows",
    "OVERDUE_DAYS_MISSING": "the customer has no figure for how long items are overdue",
    "OVERDUE_AMOUNT": "the overdue amount is more than the policy allows",
    "OVERDUE_AMOUNT_MISSING": "the customer has no overdue amount to check",
    "OVERDUE_SHARE": "too large a part of the open invoices is overdue for the policy",
    "OVERDUE_SHARE_MISSING": "the customer has no overdue share to check",
    "UNPAID_INVOICE_COUNT": "the customer has more unpaid invoices than the policy allows",
    "UNPAID_INVOICE_COUNT_MISSING": "the customer has no count of unpaid invoices to check",
    "OVERDUE_INVOICE_COUNT": "the customer has more overdue invoices than the policy allows",
    "OVERDUE_INVOICE_COUNT_MISSING": "the customer has no count of overdue invoices to check",
    "DUNNING_LEVEL": "the customer has reached the dunning level at which the policy stops",
    # risk
    "RISK_CLASS_BLOCKED": "the customer's risk class is one the policy does not sell to on credit",
    "RISK_CLASS_MISSING": "the customer has no risk class to check",
    "SCORE_BELOW_FLOOR": "the customer's credit score is below the policy's minimum",
    "SCORE_MISSING": "the customer has no credit score to check",
    "PAYMENT_INDEX_BELOW_FLOOR": "the customer's payment index is below the policy's minimum",
    "PAYMENT_INDEX_MISSING": "the customer has no payment index to check",
    # flags and reviews
    "CUSTOMER_BLOCKED": "the customer is blocked",
    "WATCH_LIST": "the customer is on the watch list",
    "REVIEW_OVERDUE": "the customer's credit review is overdue",
    "REVIEW_DATE_MISSING": "the customer has no date for the next credit review",
    # credit bureau
    "BUREAU_STALE": "the credit bureau's report is older than the policy allows",
    "BUREAU_INSOLVENCY": "the credit bureau's report names an insolvency",
    "BUREAU_MISSING": "there is no credit bureau report on the customer",
}
"""Every reason code of the built-in rules, with what it means for people."""
