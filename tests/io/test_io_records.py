"""Tests for credkit.io.records: limits, orders and dunning files round trip, and clear errors."""

from __future__ import annotations

import re
import tempfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credkit.dunning import Channel, DunningHistory, DunningRecord, SendStatus
from credkit.errors import ValidationError
from credkit.io import (
    RECORD_FILES,
    line_numbers,
    read_dunning,
    read_limits,
    read_orders,
    write_dunning,
    write_limits,
    write_orders,
)
from credkit.limits import CreditLimit, LimitKind
from credkit.money import Money
from credkit.policy import OrderRequest

IDS = st.text(st.characters(codec="utf-8", exclude_characters=";\x00"), min_size=1).filter(
    lambda value: bool(value.strip())
)
DAYS = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))


@st.composite
def credit_limits(draw: st.DrawFn) -> CreditLimit:
    currency = draw(st.sampled_from(["EUR", "JPY", "USD"]))
    valid_from = draw(DAYS)
    amount = draw(st.none() | st.decimals(min_value=0, max_value=10**9, places=2))
    valid_to = draw(st.none() | st.dates(min_value=valid_from, max_value=date(2099, 12, 31)))
    return CreditLimit(
        draw(IDS),
        None if amount is None else Money(amount, currency),
        currency=currency,
        valid_from=valid_from,
        valid_to=valid_to,
        next_review=draw(st.none() | st.dates(min_value=valid_from, max_value=date(2099, 12, 31))),
        kind=draw(st.sampled_from(LimitKind)),
        approved_by=tuple(draw(st.lists(IDS, max_size=3, unique=True))),
        approved_on=draw(st.none() | DAYS),
    )


@st.composite
def dunning_records(draw: st.DrawFn) -> DunningRecord:
    return DunningRecord(
        draw(IDS),
        tuple(draw(st.lists(IDS, min_size=1, max_size=4, unique=True))),
        level=draw(st.integers(1, 9)),
        on=draw(DAYS),
        channel=draw(st.sampled_from(Channel)),
        status=draw(st.sampled_from(SendStatus)),
        ladder_id=draw(st.none() | IDS),
    )


@st.composite
def orders(draw: st.DrawFn) -> OrderRequest:
    amount = draw(st.decimals(min_value="0.01", max_value=10**9, places=2))
    return OrderRequest(
        draw(IDS),
        Money(amount, draw(st.sampled_from(["EUR", "GBP"]))),
        order_date=draw(DAYS),
        customer_id=draw(IDS),
    )


# -- round trips ------------------------------------------------------------------------


@given(
    st.lists(
        credit_limits(),
        max_size=5,
        unique_by=lambda limit: (limit.customer_id, limit.kind, limit.valid_from),
    )
)
def test_limits_round_trip(limits: list[CreditLimit]) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = write_limits(limits, Path(directory, "limits.csv"))
        assert read_limits(path) == tuple(limits)
        assert len(line_numbers(path)) == len(limits)


@given(st.lists(orders(), max_size=5, unique_by=lambda o: o.order_id))
def test_orders_round_trip(given_orders: list[OrderRequest]) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = write_orders(given_orders, Path(directory, "orders.csv"))
        assert read_orders(path) == tuple(given_orders)


@given(st.lists(dunning_records(), max_size=5, unique=True))
def test_dunning_records_round_trip(records: list[DunningRecord]) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = write_dunning(DunningHistory(records), Path(directory, "dunning.csv"))
        assert read_dunning(path) == tuple(records)


def test_the_files_as_written(tmp_path: Path) -> None:
    limit = CreditLimit(
        "C1",
        Money.of("50000.00", "EUR"),
        currency="EUR",
        valid_from=date(2026, 1, 1),
        next_review=date(2027, 1, 1),
        approved_by=("bo", "cy"),
        approved_on=date(2025, 12, 30),
    )
    path = write_limits([limit], tmp_path / "limits.csv")
    assert path.read_bytes().decode() == (
        "customer_id,amount,currency,valid_from,valid_to,next_review,kind,approved_by,"
        "approved_on\r\nC1,50000.00,EUR,2026-01-01,,2027-01-01,internal,bo;cy,2025-12-30\r\n"
    )
    order = OrderRequest(
        "SO-1", Money.of("99.50", "GBP"), order_date=date(2026, 11, 2), customer_id="C2"
    )
    text = write_orders([order], tmp_path / "orders.csv").read_bytes().decode()
    assert (
        text
        == "order_id,customer_id,amount,currency,ordered_on\r\nSO-1,C2,99.50,GBP,2026-11-02\r\n"
    )
    assert [name for name, _ in RECORD_FILES.values()] == [
        "limits.csv",
        "orders.csv",
        "dunning.csv",
    ]


def test_optional_columns_may_be_left_out(tmp_path: Path) -> None:
    path = tmp_path / "limits.csv"
    path.write_text(
        "customer_id,amount,currency,valid_from\nC1,,USD,2026-01-01\nC2,0,EUR,2026-01-01\n"
    )
    first, second = read_limits(path)
    assert first.is_unlimited
    assert first.kind is LimitKind.INTERNAL
    assert not second.allows_credit
    dunning = tmp_path / "dunning.csv"
    dunning.write_text("customer_id,item_ids,level,on,channel\nC1,I1,2,2026-03-01,letter\n")
    (record,) = read_dunning(dunning)
    assert record.status is SendStatus.SENT
    assert record.ladder_id is None


# -- writing refuses what would not read back -------------------------------------------


def test_writers_refuse_what_would_not_read_back(tmp_path: Path) -> None:
    record = DunningRecord("C1", ("I;1",), level=1, on=date(2026, 3, 1), channel=Channel.EMAIL)
    with pytest.raises(ValidationError, match=r"item_ids: 'I;1' holds ';'"):
        write_dunning([record], tmp_path / "dunning.csv")
    prepaid = OrderRequest(
        "SO-1", Money.of(5, "EUR"), order_date=date(2026, 1, 1), prepaid=True, customer_id="C1"
    )
    with pytest.raises(ValidationError, match=r"orders\[0\]: order 'SO-1' adds no exposure"):
        write_orders([prepaid], tmp_path / "orders.csv")
    anonymous = OrderRequest("SO-2", Money.of(5, "EUR"), order_date=date(2026, 1, 1))
    with pytest.raises(ValidationError, match=r"orders\[0\]\.customer_id"):
        write_orders([anonymous], tmp_path / "orders.csv")
    with pytest.raises(ValidationError, match=r"limits\[0\]: expected a CreditLimit, got str"):
        write_limits(["C1"], tmp_path / "limits.csv")  # type: ignore[list-item]
    with pytest.raises(ValidationError, match=r"path: cannot write"):
        write_limits([], tmp_path / "missing" / "limits.csv")


# -- reading errors name the file, the line and the column --------------------------------


LIMITS = (
    "customer_id,amount,currency,valid_from,valid_to,next_review,kind,approved_by,approved_on\n"
)
ORDERS = "order_id,customer_id,amount,currency,ordered_on\n"
DUNNING = "customer_id,item_ids,level,on,channel,status,ladder_id\n"


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        (
            "limits.csv",
            LIMITS + "C1,10,EUR,2026-01-01,,,internal,,\nC1,1x,EUR,2026-02-01,,,internal,,\n",
            r"limits\.csv, line 3, column amount: '1x' is not an amount",
        ),
        (
            "limits.csv",
            LIMITS + "C1,10,EUR,2026-01-01,,,reinsured,,\n",
            r"limits\.csv, line 2, column kind: 'reinsured' is not one of internal, insured",
        ),
        (
            "limits.csv",
            LIMITS + "C1,-5,EUR,2026-01-01,,,internal,,\n",
            r"limits\.csv, line 2, column amount: must be zero or more",
        ),
        (
            "limits.csv",
            LIMITS + "C1,10,EUR,2026-01-01,,2025-01-01,internal,,\n",
            r"limits\.csv, line 2, column next_review: 2025-01-01 is before valid_from",
        ),
        (
            "limits.csv",
            LIMITS + "C1,10,EUR,2026-01-01,,,internal,bo;;cy,\n",
            r"limits\.csv, line 2, column approved_by: 'bo;;cy' has an empty value",
        ),
        (
            "limits.csv",
            LIMITS + "C1,10,EUR,2026-01-01,,,internal,,\nC1,20,EUR,2026-01-01,,,,,\n",
            r"limits\.csv, line 3, column kind: is empty",
        ),
        (
            "limits.csv",
            LIMITS + "C1,10,EUR,2026-01-01,,,internal,,\n\nC1,20,EUR,2026-01-01,,,internal,,\n",
            r"limits\.csv, line 4: the internal limit of 'C1' from 2026-01-01 is also on line 2",
        ),
        (
            "orders.csv",
            ORDERS + "SO-1,C1,0,EUR,2026-11-02\n",
            r"orders\.csv, line 2, column amount: 0 is not above zero",
        ),
        (
            "orders.csv",
            ORDERS + "SO-1,C1,5,EUR,2026-11-02\nSO-1,C2,6,EUR,2026-11-03\n",
            r"orders\.csv, line 3: order 'SO-1' is also on line 2",
        ),
        (
            "orders.csv",
            ORDERS + "SO-1,,5,EUR,2026-11-02\n",
            r"orders\.csv, line 2, column customer_id: is empty",
        ),
        (
            "orders.csv",
            ORDERS + "SO-1,C1,5,EUR,02.11.2026\n",
            r"orders\.csv, line 2, column ordered_on: '02\.11\.2026' is not a date",
        ),
        (
            "orders.csv",
            "order_id,amount,currency,ordered_on\n",
            r"orders\.csv, line 1: missing column 'customer_id'",
        ),
        (
            "dunning.csv",
            DUNNING + "C1,I1,0,2026-03-01,email,sent,\n",
            r"dunning\.csv, line 2, column level: '0' is not a dunning level",
        ),
        (
            "dunning.csv",
            DUNNING + "C1,I1,1,2026-03-01,email,lost,\n",
            r"dunning\.csv, line 2, column status: 'lost' is not one of sent, failed",
        ),
        (
            "dunning.csv",
            DUNNING + "C1,,1,2026-03-01,email,sent,\n",
            r"dunning\.csv, line 2, column item_ids: is empty",
        ),
        (
            "dunning.csv",
            DUNNING + "C1,I1,1,2026-03-01,email,sent,\nC1,I1,1,2026-03-01,email,sent,\n",
            r"dunning\.csv, line 3: the same dunning record is also on line 2",
        ),
    ],
)
def test_errors_name_the_file_line_and_column(
    tmp_path: Path, name: str, text: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    reader = {"limits.csv": read_limits, "orders.csv": read_orders, "dunning.csv": read_dunning}
    with pytest.raises(ValidationError, match=re.escape(str(tmp_path)) + ".*" + message):
        reader[name](path)


def test_line_numbers_follow_blank_lines_and_quoted_line_breaks(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text('a;b\n1;"x\ny"\n\n2;z\n', encoding="utf-8")
    assert line_numbers(path, delimiter=";") == (2, 5)
    assert line_numbers(tmp_path / "x.csv", delimiter=";", encoding="latin-1") == (2, 5)
