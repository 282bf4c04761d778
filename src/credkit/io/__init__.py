"""CSV import and export: credkit's own ledger layout, ERP exports, exchange rates.

* :func:`write_ledger` / :func:`read_ledger`: a :class:`~credkit.ledger.Ledger` as a
  directory of five CSV files (customers, invoices, credit notes, payments,
  allocations) that reads back into an equal ledger;
* :func:`read_invoices`, :func:`read_settlements`, :func:`read_open_items`: ERP exports
  described by a :class:`ColumnMapping` (column names, date format, decimal comma,
  delimiter, encoding);
* :func:`read_rates`: dated exchange rates into a :class:`~credkit.fx.RateTable`;
* :func:`write_limits` / :func:`read_limits`, :func:`write_orders` /
  :func:`read_orders`, :func:`write_dunning` / :func:`read_dunning`: credit limits,
  open sales orders and dunning history, the files beside a ledger
  (:data:`RECORD_FILES`); :func:`line_numbers` says which line each record came from;
* :func:`age_open_items`: an aging report straight from an open-item export, read in
  one pass without building an item per line (for large files);
* :func:`behaviour_from_file` / :func:`behaviour_partial_from_file`: payment behaviour
  straight from a payment-history export, the same way;
* :func:`kpis_from_file`: the receivables KPIs of a period straight from one export of
  invoices with a settled-date column.

Errors name the file, the line and the column.

>>> sorted(name for name, _ in FILES.values())
['allocations.csv', 'credit_notes.csv', 'customers.csv', 'invoices.csv', 'payments.csv']
"""

from credkit.io.aging import age_open_items
from credkit.io.behaviour import behaviour_from_file, behaviour_partial_from_file
from credkit.io.canonical import FILES, read_ledger, write_ledger
from credkit.io.erp import (
    PaymentHistory,
    read_invoices,
    read_open_items,
    read_payment_history,
    read_settlements,
)
from credkit.io.kpi import kpis_from_file
from credkit.io.mapping import ISO_DATE, ColumnMapping
from credkit.io.rates import read_rates
from credkit.io.records import (
    RECORD_FILES,
    line_numbers,
    read_dunning,
    read_limits,
    read_orders,
    write_dunning,
    write_limits,
    write_orders,
)

__all__ = [
    "FILES",
    "ISO_DATE",
    "RECORD_FILES",
    "ColumnMapping",
    "PaymentHistory",
    "age_open_items",
    "behaviour_from_file",
    "behaviour_partial_from_file",
    "kpis_from_file",
    "line_numbers",
    "read_dunning",
    "read_invoices",
    "read_ledger",
    "read_limits",
    "read_open_items",
    "read_orders",
    "read_payment_history",
    "read_rates",
    "read_settlements",
    "write_dunning",
    "write_ledger",
    "write_limits",
    "write_orders",
]
