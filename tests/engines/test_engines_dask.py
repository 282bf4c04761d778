"""Scale-out on Dask (issue 20): partitions computed on a LocalCluster, merged exactly.

One cluster for the module: two worker processes of one thread each, so partial
results really travel between processes (pickled) before they are added up. Every
result is compared with what one process computes from the same data in one file or
one ledger: aging of files and of a DataFrame, KPIs of files, ledger directories and a
DataFrame. The data are the seeded sample portfolio (several currencies, JPY among
them, credit notes, unapplied cash, disputes) written as the exports an ERP would give.
"""

from __future__ import annotations

import csv
import datetime
import pickle
import random
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credkit.engines import age_on_dask, behaviour_on_dask, kpis_on_dask
from credkit.errors import ValidationError
from credkit.io import ColumnMapping, age_open_items, read_invoices, read_settlements, write_ledger
from credkit.kpi import InvoiceHistory, PaymentBehaviour, kpis, payment_behaviour
from credkit.ledger import Ledger
from credkit.sample import generate

dd = pytest.importorskip("dask.dataframe", reason="the dask extra is installed in CI")
pd = pytest.importorskip("pandas")
distributed = pytest.importorskip("distributed")

AS_OF = datetime.date(2026, 6, 30)
START, END = datetime.date(2026, 4, 1), datetime.date(2026, 6, 30)
OPEN = ColumnMapping(kind="kind", disputed="disputed")
HISTORY = ColumnMapping(settled_on="settled_on")


@pytest.fixture(scope="module")
def client() -> Iterator[object]:
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            memory_limit=0,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


@pytest.fixture(scope="module")
def ledger() -> Ledger:
    return generate(seed=20, customers=100, start=datetime.date(2024, 7, 1)).ledger


def _groups(ledger: Ledger, parts: int) -> list[set[str]]:
    """The customer ids cut into ``parts`` sets, each credit group within one set."""
    roots = sorted({c.parent_id or c.id for c in ledger.customers})
    chosen = [set(roots[i::parts]) for i in range(parts)]
    return [{c.id for c in ledger.customers if (c.parent_id or c.id) in s} for s in chosen]


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _open_rows(ledger: Ledger) -> list[list[str]]:
    return [
        [
            item.document_id,
            item.customer_id,
            item.kind.value,
            item.issue_date.isoformat(),
            item.due_date.isoformat(),
            str(item.amount.amount),
            item.amount.currency,
            "yes" if item.disputed else "no",
        ]
        for item in ledger.open_items(AS_OF)
        if item.instalment is None  # the polars engine reads no instalment column
    ]


OPEN_HEADER = [
    "id",
    "customer_id",
    "kind",
    "issue_date",
    "due_date",
    "amount",
    "currency",
    "disputed",
]


@pytest.fixture(scope="module")
def open_files(ledger: Ledger, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    """All open items in one export, and the same lines in three exports by customer."""
    folder = tmp_path_factory.mktemp("open")
    rows = _open_rows(ledger)
    whole = _write(folder / "all.csv", OPEN_HEADER, rows)
    parts = [
        _write(folder / f"part{n}.csv", OPEN_HEADER, [r for r in rows if r[1] in ids])
        for n, ids in enumerate(_groups(ledger, 3))
    ]
    return whole, parts


@pytest.fixture(scope="module")
def history_files(
    ledger: Ledger, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, list[Path]]:
    """Every invoice with the date it was settled in full (empty while open), in one
    export and cut into three at arbitrary lines (KPIs add over any split)."""
    folder = tmp_path_factory.mktemp("history")
    settled = {s.invoice_id: s.settled_on for s in ledger.settlements()}
    rows = [
        [
            invoice.id,
            invoice.customer_id,
            invoice.issue_date.isoformat(),
            invoice.due_date.isoformat(),
            str(invoice.amount.amount),
            invoice.amount.currency,
            settled[invoice.id].isoformat() if invoice.id in settled else "",
        ]
        for invoice in ledger.invoices
    ]
    header = ["id", "customer_id", "issue_date", "due_date", "amount", "currency", "settled_on"]
    whole = _write(folder / "all.csv", header, rows)
    parts = [_write(folder / f"part{n}.csv", header, rows[n::3]) for n in range(3)]
    return whole, parts


# -- aging ---------------------------------------------------------------------------------


def test_aging_files_on_the_cluster_equals_aging_one_file(
    client: object, open_files: tuple[Path, list[Path]]
) -> None:
    whole, parts = open_files
    expected = age_open_items(whole, as_of=AS_OF, mapping=OPEN)
    assert len(expected.rows) > 80
    assert len(expected.currencies) == 5
    report = age_on_dask(parts, as_of=AS_OF, mapping=OPEN, client=client)
    assert report == expected
    assert report.to_rows() == expected.to_rows()
    assert report.to_rows(by="total") == expected.to_rows(by="total")


def test_the_polars_engine_runs_on_the_workers_too(
    client: object, open_files: tuple[Path, list[Path]]
) -> None:
    whole, parts = open_files
    expected = age_open_items(whole, as_of=AS_OF, mapping=OPEN)
    report = age_on_dask(parts, as_of=AS_OF, mapping=OPEN, engine="polars", client=client)
    assert report.to_rows() == expected.to_rows()


def test_aging_a_dataframe_of_text_equals_aging_the_file(
    client: object, open_files: tuple[Path, list[Path]]
) -> None:
    whole, _ = open_files
    rows = pd.read_csv(whole, dtype=str, keep_default_na=False)
    # four partitions of consecutive lines: customers span partitions until shuffled
    frame = dd.from_pandas(rows, npartitions=4, sort=False)
    expected = age_open_items(whole, as_of=AS_OF, mapping=OPEN)
    report = age_on_dask(frame, as_of=AS_OF, mapping=OPEN, client=client)
    assert report.to_rows() == expected.to_rows()


def test_a_dataframe_of_dates_decimals_and_booleans_reads_as_its_text(
    client: object, open_files: tuple[Path, list[Path]]
) -> None:
    whole, _ = open_files
    rows = pd.read_csv(whole, dtype=str, keep_default_na=False)
    typed = rows.assign(
        issue_date=pd.to_datetime(rows["issue_date"]),
        due_date=rows["due_date"].map(datetime.date.fromisoformat),
        amount=rows["amount"].map(Decimal).astype(object),
        disputed=rows["disputed"] == "yes",
    )
    frame = dd.from_pandas(typed, npartitions=3, sort=False)
    expected = age_open_items(whole, as_of=AS_OF, mapping=OPEN)
    assert age_on_dask(frame, as_of=AS_OF, mapping=OPEN, client=client) == expected


def test_text_cells_are_read_as_the_mapping_says(
    client: object, open_files: tuple[Path, list[Path]]
) -> None:
    whole, _ = open_files
    rows = pd.read_csv(whole, dtype=str, keep_default_na=False)
    german = rows.assign(
        issue_date=pd.to_datetime(rows["issue_date"]).dt.strftime("%d.%m.%Y"),
        due_date=pd.to_datetime(rows["due_date"]).dt.strftime("%d.%m.%Y"),
        amount=rows["amount"].str.replace(".", ",", regex=False),
    )
    mapping = attrs.evolve(OPEN, decimal_separator=",", delimiter=";", date_format="%d.%m.%Y")
    frame = dd.from_pandas(german, npartitions=2, sort=False)
    expected = age_open_items(whole, as_of=AS_OF, mapping=OPEN)
    assert age_on_dask(frame, as_of=AS_OF, mapping=mapping, client=client) == expected


def test_a_frame_not_shuffled_by_customer_does_not_merge(
    client: object, open_files: tuple[Path, list[Path]]
) -> None:
    whole, _ = open_files
    rows = pd.read_csv(whole, dtype=str, keep_default_na=False).sort_values("id")
    frame = dd.from_pandas(rows, npartitions=3, sort=False)
    with pytest.raises(ValidationError, match="rows: both reports have customers"):
        age_on_dask(frame, as_of=AS_OF, mapping=OPEN, shuffle=False, client=client)


def test_partial_results_pickle_to_equal_values(
    open_files: tuple[Path, list[Path]], history_files: tuple[Path, list[Path]]
) -> None:
    # what travels between the workers and to the client
    report = age_open_items(open_files[0], as_of=AS_OF, mapping=OPEN)
    copy = pickle.loads(pickle.dumps(report))
    assert copy == report
    assert copy.to_rows() == report.to_rows()
    assert copy.total("JPY").total == report.total("JPY").total
    history = _history(history_files[0])
    figures = kpis(history, period_start=START, period_end=END)
    assert pickle.loads(pickle.dumps(figures)) == figures


def test_importing_the_module_imports_no_dask() -> None:
    code = (
        "import sys, credkit.engines\n"
        "print(sorted(m for m in ('dask', 'distributed', 'pandas') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert done.stdout.strip() == "[]"


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_any_split_into_files_gives_the_one_process_results(
    client: object,
    ledger: Ledger,
    open_files: tuple[Path, list[Path]],
    history_files: tuple[Path, list[Path]],
    tmp_path_factory: pytest.TempPathFactory,
    data: st.DataObject,
) -> None:
    folder = tmp_path_factory.mktemp("split")
    files = data.draw(st.integers(1, 4), label="files")
    # aging: whole credit groups to files drawn at random (a file may stay empty)
    rows = _open_rows(ledger)
    roots = sorted({c.parent_id or c.id for c in ledger.customers})
    home = data.draw(st.lists(st.integers(0, files - 1), min_size=len(roots), max_size=len(roots)))
    file_of = {c.id: home[roots.index(c.parent_id or c.id)] for c in ledger.customers}
    parts = [
        _write(folder / f"open{n}.csv", OPEN_HEADER, [r for r in rows if file_of[r[1]] == n])
        for n in range(files)
    ]
    expected = age_open_items(open_files[0], as_of=AS_OF, mapping=OPEN)
    assert age_on_dask(parts, as_of=AS_OF, mapping=OPEN, client=client) == expected
    # KPIs and behaviour: invoice lines to files drawn at random, customers split up
    whole = history_files[0]
    lines = whole.read_text(encoding="utf-8").splitlines(keepends=True)
    seed = data.draw(st.integers(0, 2**32 - 1), label="seed")
    chosen = random.Random(seed).choices(range(files), k=len(lines) - 1)
    parts = []
    for n in range(files):
        path = folder / f"history{n}.csv"
        path.write_text(
            lines[0] + "".join(line for line, f in zip(lines[1:], chosen, strict=True) if f == n),
            encoding="utf-8",
        )
        parts.append(path)
    end = data.draw(st.dates(datetime.date(2025, 1, 31), datetime.date(2026, 7, 31)), label="end")
    start = end.replace(day=1)
    assert kpis_on_dask(parts, period_start=start, period_end=end, client=client) == kpis(
        _history(whole), period_start=start, period_end=end
    )
    settled = read_settlements(whole, mapping=HISTORY)
    assert behaviour_on_dask(parts, as_of=end, client=client) == payment_behaviour(
        settled, as_of=end
    )


# -- errors --------------------------------------------------------------------------------


def test_a_bad_line_in_a_file_is_reported_with_its_file_and_line(
    client: object, tmp_path: Path
) -> None:
    good = _write(
        tmp_path / "good.csv",
        OPEN_HEADER,
        [["I1", "C1", "invoice", "2026-01-05", "2026-02-04", "10.00", "EUR", "no"]],
    )
    bad = _write(
        tmp_path / "bad.csv",
        OPEN_HEADER,
        [
            ["I2", "C2", "invoice", "2026-01-05", "2026-02-04", "10.00", "EUR", "no"],
            ["I3", "C2", "invoice", "2026-01-05", "2026-02-04", "ten", "EUR", "no"],
        ],
    )
    with pytest.raises(ValidationError, match=r"bad\.csv, line 3, column amount: .*'ten'"):
        age_on_dask([good, bad], as_of=AS_OF, mapping=OPEN, client=client)


def test_a_bad_row_of_a_frame_is_reported_with_its_partition_row_and_index(
    client: object,
) -> None:
    rows = pd.DataFrame(
        {
            "id": ["I1", "I2", "I3"],
            "customer_id": ["C1", "C1", "C1"],
            "issue_date": ["2026-01-05", "2026-01-06", "2026-13-01"],
            "due_date": ["2026-02-04", "2026-02-05", "2026-02-05"],
            "amount": ["1.00", "2.00", "3.00"],
            "currency": ["EUR", "EUR", "EUR"],
        },
        index=[10, 11, 12],
    )
    frame = dd.from_pandas(rows, npartitions=1)
    with pytest.raises(
        ValidationError, match=r"^partition 0, row 2 \(index 12\), column issue_date: "
    ):
        age_on_dask(frame, as_of=AS_OF, client=client)


def test_float_amounts_are_refused_before_anything_runs() -> None:
    rows = pd.DataFrame(
        {
            "id": ["I1"],
            "customer_id": ["C1"],
            "issue_date": ["2026-01-05"],
            "due_date": ["2026-02-04"],
            "amount": [10.5],
            "currency": ["EUR"],
        }
    )
    with pytest.raises(ValidationError, match=r"source: column 'amount' holds floats \(float64\)"):
        age_on_dask(dd.from_pandas(rows, npartitions=1), as_of=AS_OF)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (
            "all.csv",
            r"source: expected a list of file paths or a dask.dataframe.DataFrame, got str",
        ),
        ([], "source: expected at least one file, got an empty list"),
        (["a.csv", 3], r"source\[1\]: expected a file path \(str or os.PathLike\), got int 3"),
    ],
)
def test_a_source_that_is_not_files_or_a_frame_is_refused(source: object, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        age_on_dask(source, as_of=AS_OF)


def test_options_are_checked_before_anything_runs(tmp_path: Path) -> None:
    path = tmp_path / "never-read.csv"
    with pytest.raises(ValidationError, match=r"client: expected a distributed\.Client"):
        age_on_dask([path], as_of=AS_OF, client="tcp://127.0.0.1:8786")
    with pytest.raises(ValidationError, match="engine: expected 'python' or 'polars'"):
        age_on_dask([path], as_of=AS_OF, engine="pandas")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=r"mapping: expected a credkit\.io\.ColumnMapping"):
        age_on_dask([path], as_of=AS_OF, mapping={"amount": "Betrag"})  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="as_of"):
        age_on_dask([path], as_of="2026-06-30")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="period_end: 2026-01-01 is before period_start"):
        kpis_on_dask(
            [path], period_start=datetime.date(2026, 2, 1), period_end=datetime.date(2026, 1, 1)
        )
    with pytest.raises(ValidationError, match="mapping: names no settled-date column"):
        kpis_on_dask([path], period_start=START, period_end=END, mapping=ColumnMapping())
    with pytest.raises(ValidationError, match="mapping: names no settled-date column"):
        behaviour_on_dask([path], as_of=END, mapping=ColumnMapping())
    with pytest.raises(ValidationError, match="min_invoices"):
        behaviour_on_dask([path], as_of=END, min_invoices=0)
    with pytest.raises(ValidationError, match="engine: expected 'python' or 'polars'"):
        behaviour_on_dask([path], as_of=END, engine="spark")  # type: ignore[arg-type]


# -- period KPIs ---------------------------------------------------------------------------


def _text(text: str) -> Path:
    folder = Path(tempfile.mkdtemp())
    path = folder / "rows.csv"
    path.write_text(text, encoding="utf-8")
    return path


def _history(path: Path) -> InvoiceHistory:
    return InvoiceHistory(
        read_invoices(path, mapping=HISTORY), read_settlements(path, mapping=HISTORY)
    )


def test_kpis_of_export_files_on_the_cluster_equal_kpis_of_one_file(
    client: object, history_files: tuple[Path, list[Path]]
) -> None:
    whole, parts = history_files
    expected = kpis(_history(whole), period_start=START, period_end=END)
    assert len(expected.currencies) >= 3
    assert kpis_on_dask(parts, period_start=START, period_end=END, client=client) == expected


def test_kpis_of_a_dataframe_equal_kpis_of_the_file(
    client: object, history_files: tuple[Path, list[Path]]
) -> None:
    whole, _ = history_files
    rows = pd.read_csv(whole, dtype=str, keep_default_na=False)
    # three partitions of consecutive invoices: the first holds the oldest, all paid
    # before the period, so its own report has no figures, yet its sales count in the
    # countback DSO of the whole book
    frame = dd.from_pandas(rows, npartitions=3, sort=False)
    first = frame.partitions[0].compute().to_csv(index=False)
    assert kpis(_history(_text(first)), period_start=START, period_end=END).figures == ()
    expected = kpis(_history(whole), period_start=START, period_end=END)
    assert expected["EUR"].countback_dso is not None
    assert kpis_on_dask(frame, period_start=START, period_end=END, client=client) == expected


@pytest.fixture(scope="module")
def ledger_folders(ledger: Ledger, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The ledger cut into two ledger directories by customer (credit groups kept whole)."""
    owner = {d.id: d.customer_id for d in (*ledger.credit_notes, *ledger.payments)}
    folders = []
    for n, ids in enumerate(_groups(ledger, 2)):
        part = Ledger(
            customers=[c for c in ledger.customers if c.id in ids],
            invoices=[i for i in ledger.invoices if i.customer_id in ids],
            credit_notes=[c for c in ledger.credit_notes if c.customer_id in ids],
            payments=[p for p in ledger.payments if p.customer_id in ids],
            allocations=[a for a in ledger.allocations if owner[a.source_id] in ids],
        )
        folder = tmp_path_factory.mktemp(f"ledger{n}")
        write_ledger(part, folder)
        folders.append(folder)
    return folders


def test_kpis_of_ledger_directories_equal_kpis_of_the_whole_ledger(
    client: object, ledger: Ledger, ledger_folders: list[Path]
) -> None:
    expected = kpis(ledger, period_start=START, period_end=END)
    assert (
        kpis_on_dask(ledger_folders, period_start=START, period_end=END, client=client) == expected
    )


# -- payment behaviour ---------------------------------------------------------------------


def test_behaviour_of_export_files_on_the_cluster_equals_one_process(
    client: object, history_files: tuple[Path, list[Path]]
) -> None:
    whole, parts = history_files  # each customer's invoices spread over the three files
    expected = payment_behaviour(read_settlements(whole, mapping=HISTORY), as_of=END)
    assert sum(isinstance(b, PaymentBehaviour) for b in expected.values()) > 50
    assert behaviour_on_dask(parts, as_of=END, client=client) == expected
    assert behaviour_on_dask(parts, as_of=END, engine="polars", client=client) == expected


def test_behaviour_of_a_dataframe_and_of_ledgers_equals_one_process(
    client: object,
    ledger: Ledger,
    history_files: tuple[Path, list[Path]],
    ledger_folders: list[Path],
) -> None:
    whole, _ = history_files
    options = {"as_of": END, "window_months": 12, "min_invoices": 5, "threshold_days": 3}
    expected = payment_behaviour(read_settlements(whole, mapping=HISTORY), **options)
    rows = pd.read_csv(whole, dtype=str, keep_default_na=False)
    frame = dd.from_pandas(rows, npartitions=3, sort=False)
    assert behaviour_on_dask(frame, client=client, **options) == expected
    expected = payment_behaviour(ledger.settlements(), **options)
    assert behaviour_on_dask(ledger_folders, client=client, **options) == expected
