"""The report's figures are what the underlying functions return, and the store is only read."""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from decimal import Decimal

import pytest

from credkit import sample
from credkit.desk import CreditDesk, default_monitor_config
from credkit.desk.monitor import REASONS as MONITOR_REASONS
from credkit.desk.monitor import customer_alerts
from credkit.dunning import collection_worklist
from credkit.errors import ValidationError
from credkit.kpi import monthly_series, most_deteriorated, payment_behaviour
from credkit.ledger import Customer, Invoice, Ledger
from credkit.limits import CreditLimit
from credkit.money import Money
from credkit.policy import Policy, PolicyEntry
from credkit.policy.rules import BUILTIN_RULE_TYPES, StaticLimit
from credkit.policy.rules import REASONS as POLICY_REASONS
from credkit.report import SNAPSHOTS, UNRATED, PortfolioReport, portfolio_report
from credkit.storage import MemoryStore, OrderRecord, OrderStatus


@pytest.fixture(scope="module")
def report(store: MemoryStore, portfolio: sample.SamplePortfolio) -> PortfolioReport:
    return portfolio_report(store, as_of=portfolio.end)


def test_aging_totals_are_the_open_balance_per_currency(
    report: PortfolioReport, portfolio: sample.SamplePortfolio
) -> None:
    balance = portfolio.ledger.balance(portfolio.end)
    assert {row.currency: row.total for row in report.aging.totals} == balance
    for row in report.aging.totals:  # the buckets reconcile to the balance
        assert sum((a.amount for a in row.amounts), row.unapplied.amount) == row.total.amount


def test_the_trend_is_the_monthly_series_of_the_last_twelve_months(
    report: PortfolioReport, portfolio: sample.SamplePortfolio
) -> None:
    assert report.kpis == monthly_series(portfolio.ledger, end=portfolio.end, months=12)
    assert report.kpis[-1].period_end == portfolio.end


def test_deteriorating_payers_are_most_deteriorated(
    report: PortfolioReport, portfolio: sample.SamplePortfolio
) -> None:
    ledger = portfolio.ledger
    expected = most_deteriorated(
        payment_behaviour(ledger.settlements(), as_of=portfolio.end), limit=10
    )
    assert report.deteriorating == expected


def test_alerts_are_the_detectors_findings_and_nothing_is_stored(
    store: MemoryStore, portfolio: sample.SamplePortfolio, report: PortfolioReport
) -> None:
    desk = CreditDesk(store, Policy("p", version="1", rules=[PolicyEntry(StaticLimit())]))
    config = default_monitor_config()
    with store.unit() as unit:
        expected = {
            a.key
            for c in unit.customer_ids()
            for a in customer_alerts(desk, unit, c, as_of=portfolio.end, config=config)
        }
        assert unit.alerts() == ()  # the report stored none
        assert unit.watched() == ()
    assert {a.key for a in report.alerts} == expected
    ranks = [a.severity.rank for a in report.alerts]
    assert ranks == sorted(ranks, reverse=True)


def test_holds_are_the_held_orders_with_reason_texts(
    store: MemoryStore, report: PortfolioReport
) -> None:
    with store.unit() as unit:
        held = unit.held_orders()
    assert held, "the sample store holds some orders"
    assert [h.order for h in report.holds] == list(held)
    texts = POLICY_REASONS
    for hold in report.holds:
        assert [code for code, _ in hold.reasons] == list(hold.order.codes)
        assert all(text == texts[code] and text for code, text in hold.reasons)


def test_the_worklist_is_the_collection_worklist_per_currency(
    store: MemoryStore, portfolio: sample.SamplePortfolio, report: PortfolioReport
) -> None:
    as_of = portfolio.end
    ledger = portfolio.ledger
    behaviour = payment_behaviour(ledger.settlements(), as_of=as_of)
    with store.unit() as unit:
        classes = {}
        for c in unit.customer_ids():
            snapshot = unit.snapshot(c, as_of=as_of)
            if snapshot is not None and snapshot.risk_class:
                classes[c] = snapshot.risk_class
    by_currency = defaultdict(list)
    for entry in report.worklist:
        by_currency[entry.priority.currency].append(entry)
    assert by_currency
    for currency, entries in by_currency.items():
        expected = collection_worklist(
            ledger, as_of=as_of, currency=currency, risk_classes=classes, behaviour=behaviour
        )[:10]
        assert tuple(entries) == expected


def test_exposure_lines_reconcile(report: PortfolioReport) -> None:
    assert report.exposure
    assert sum(line.customers for line in report.exposure) == len(report.customers)
    for line in report.exposure:
        assert line.within + line.unused == line.limit
        assert line.within.amount + line.over.amount + line.unlimited.amount >= 0
        assert line.risk_class in "ABCDE" or line.risk_class == UNRATED


# -- a small hand-made book -------------------------------------------------------------

AS_OF = datetime.date(2026, 3, 31)


def _ledger() -> Ledger:
    def invoice(number: int, customer: str, amount: str) -> Invoice:
        return Invoice(
            f"I{number}",
            customer,
            datetime.date(2026, 1, 5),
            datetime.date(2026, 2, 4),
            Money.of(amount, "EUR"),
        )

    return Ledger(
        customers=[
            Customer("C1", "<b>Acme</b> & Co", country="DE", currency="EUR"),
            Customer("C2", "Beta", country="DE", currency="EUR"),
            Customer("C3", "Gamma", country="DE", currency="EUR"),
        ],
        invoices=[
            invoice(1, "C1", "1200.00"),
            invoice(2, "C2", "300.00"),
            invoice(3, "C3", "50.00"),
        ],
    )


def _limit(customer: str, amount: str) -> CreditLimit:
    return CreditLimit(
        customer, Money.of(amount, "EUR"), currency="EUR", valid_from=datetime.date(2025, 1, 1)
    )


def test_exposure_against_limits_by_risk_class() -> None:
    report = portfolio_report(
        _ledger(),
        as_of=AS_OF,
        limits=[_limit("C1", "1000"), _limit("C3", "400")],
        risk_classes={"C1": "B", "C3": "B"},
    )
    (b, unrated) = report.exposure
    assert (b.risk_class, b.customers, unrated.risk_class) == ("B", 2, UNRATED)
    assert b.limit == Money.of(1400, "EUR")
    assert b.exposure == Money.of("1250.00", "EUR")
    assert (b.within, b.over, b.unused) == (
        Money.of("1050.00", "EUR"),
        Money.of("200.00", "EUR"),
        Money.of("350.00", "EUR"),
    )
    assert unrated.unlimited == Money.of("300.00", "EUR")
    assert unrated.limit.is_zero
    assert report.name("C1") == "<b>Acme</b> & Co"


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValidationError, match="top"):
        portfolio_report(Ledger(), as_of=AS_OF, top=0)
    with pytest.raises(ValidationError, match="source"):
        portfolio_report("ledger.csv", as_of=AS_OF)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="limits"):
        portfolio_report(MemoryStore(), as_of=AS_OF, limits=[_limit("C1", "1")])
    with pytest.raises(ValidationError, match="as_of"):
        portfolio_report(Ledger(), as_of="2026-03-31")  # type: ignore[arg-type]


def test_an_empty_book() -> None:
    report = portfolio_report(MemoryStore(), as_of=AS_OF)
    assert report.aging.totals == ()
    assert report.exposure == ()
    assert report.worklist == ()
    assert report.deteriorating == ()
    assert report.alerts == ()
    assert report.notes == ()
    assert all(not r.figures for r in report.kpis)
    assert Decimal(len(report.kpis)) == 12


def test_an_alert_acknowledged_before_the_report_date_shows_acknowledged(
    portfolio: sample.SamplePortfolio,
) -> None:
    # an alert's key stays the same from day to day: found on 25 Nov and acknowledged,
    # it is found again on 30 Nov and the report shows the stored acknowledgement
    from credkit.cli.report import sample_store
    from credkit.desk import RoleTable
    from credkit.desk.monitor import acknowledge_alert, run_monitor

    store = sample_store(portfolio)
    desk = CreditDesk(
        store,
        Policy("p", version="1", rules=[PolicyEntry(StaticLimit())]),
        authorizer=RoleTable(users={"ana": ["credit_clerk"]}),
    )
    earlier = portfolio.end - datetime.timedelta(days=5)
    run = run_monitor(desk, earlier)
    later = portfolio_report(store, as_of=portfolio.end)
    still = {a.key for a in later.alerts}
    acknowledged = next(a for a in run.new if a.key in still)
    acknowledge_alert(desk, acknowledged.key, user="ana")
    shown = {a.key: a for a in portfolio_report(store, as_of=portfolio.end).alerts}
    assert shown[acknowledged.key].acknowledged_by == "ana"
    assert shown[acknowledged.key].on == earlier
    # as of a day before the alert was stored, the stored alert is not used
    before = portfolio_report(store, as_of=earlier - datetime.timedelta(days=1)).alerts
    assert all(a.acknowledged_by is None for a in before)


def test_every_code_of_a_built_in_rule_has_a_plain_text() -> None:
    codes = {code for rule in BUILTIN_RULE_TYPES for code in rule.codes}
    assert codes - set(POLICY_REASONS) == set()
    assert set(POLICY_REASONS) - codes == set()  # and no text for a code no rule reports
    for code, text in POLICY_REASONS.items():
        assert text, code
        assert "`" not in text, code
        assert ":" not in text, code
        assert not re.search(r"\b[a-z]+_[a-z_]+\b", text), (code, text)  # no parameter names
    texts = list(POLICY_REASONS.values())
    assert len(set(texts)) == len(texts)  # every code its own meaning


def test_holds_explain_policy_codes_and_alerts_monitor_codes(report: PortfolioReport) -> None:
    # LIMIT_EXPIRED and OVERDUE_SHARE are codes of both: each table keeps its own meaning
    assert POLICY_REASONS["LIMIT_EXPIRED"] != MONITOR_REASONS["LIMIT_EXPIRED"]
    record = OrderRecord(
        "SO-9",
        "C1",
        Money.of(500, "EUR"),
        order_date=AS_OF,
        status=OrderStatus.HELD,
        codes=("LIMIT_EXPIRED", "PAYMENT_INDEX_MISSING", "HOST_RULE"),
        decided_on=AS_OF,
        entry=1,
    )
    store = MemoryStore()
    with store.unit() as unit:
        unit.add_customers(_ledger().customers)
        unit.save_order(record)
    held = portfolio_report(store, as_of=AS_OF, reasons={"HOST_RULE": "the host says no"})
    assert held.holds[0].reasons == (
        ("LIMIT_EXPIRED", POLICY_REASONS["LIMIT_EXPIRED"]),
        ("PAYMENT_INDEX_MISSING", "the customer has no payment index to check"),
        ("HOST_RULE", "the host says no"),
    )
    assert held.reason("LIMIT_EXPIRED") == MONITOR_REASONS["LIMIT_EXPIRED"]
    assert {a.reason for a in report.alerts} <= set(MONITOR_REASONS)
    assert all(report.reason(a.reason) == MONITOR_REASONS[a.reason] for a in report.alerts)


def test_a_report_is_a_hashable_value(
    store: MemoryStore, portfolio: sample.SamplePortfolio, report: PortfolioReport
) -> None:
    again = portfolio_report(store, as_of=portfolio.end)
    assert again == report
    assert hash(again) == hash(report)
    assert len({report, again}) == 1


def test_each_credit_group_is_read_once(
    store: MemoryStore, portfolio: sample.SamplePortfolio, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the reads of the report itself; the monitor's detectors read on their own
    from credkit.report import figures
    from credkit.storage import memory

    read: list[str] = []
    monitoring = []
    original = memory._MemoryUnit.ledger
    detectors = figures.customer_alerts

    def ledger(self: memory._MemoryUnit, customer_id: str, *, as_of: datetime.date) -> Ledger:
        if not monitoring:
            read.append(customer_id)
        return original(self, customer_id, as_of=as_of)

    def customer_alerts(*args: object, **kwargs: object) -> object:
        monitoring.append(True)
        try:
            return detectors(*args, **kwargs)  # type: ignore[arg-type]
        finally:
            monitoring.pop()

    monkeypatch.setattr(memory._MemoryUnit, "ledger", ledger)
    monkeypatch.setattr(figures, "customer_alerts", customer_alerts)
    report = portfolio_report(store, as_of=portfolio.end)
    members = [c.id for c in portfolio.ledger.customers if c.parent_id is not None]
    assert members, "the sample has a credit group"
    assert set(members).isdisjoint(read)  # read with their parent
    assert len(read) == len(report.customers) - len(members)
    monkeypatch.undo()
    assert report == portfolio_report(store, as_of=portfolio.end)


def test_the_report_says_where_risk_classes_come_from(
    store: MemoryStore, portfolio: sample.SamplePortfolio
) -> None:
    ids = [c.id for c in portfolio.ledger.customers]
    from_snapshots = portfolio_report(store, as_of=portfolio.end)
    assert from_snapshots.risk_class_sources == ((SNAPSHOTS, len(ids)),)
    given = portfolio_report(
        store,
        as_of=portfolio.end,
        risk_classes={ids[0]: "Z", ids[1]: "Y"},
        risk_classes_from="classes.csv",
    )
    assert given.risk_class_sources == (("classes.csv", 2), (SNAPSHOTS, len(ids) - 2))
    assert {line.risk_class for line in given.exposure} >= {"Z", "Y"}
    unrated = portfolio_report(_ledger(), as_of=AS_OF)
    assert unrated.risk_class_sources == ((UNRATED, 3),)
