"""``credkit score``: score many customers from a CSV file with a scorecard document.

``FILE.csv`` has a header line, one row per customer, a customer-id column and a
column for every input the scorecard reads (an empty cell is a missing value);
other columns are ignored. ``--scorecard`` is a TOML or JSON scorecard document,
loaded with :func:`credkit.config.load`; the rows are scored with
:func:`credkit.scoring.score_rows`. The output lists each customer's total, risk
class (when the scorecard has a risk scale) and its top adverse reason codes.
"""

from __future__ import annotations

import argparse
import csv
import io
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from credkit import config, sample
from credkit.cli._common import Subcommands, grid, non_negative_int
from credkit.cli._output import OK, add_format_argument, emit
from credkit.errors import ValidationError
from credkit.scoring import RiskScale, Scorecard, ScoredRow, example_scorecard, score_rows

__all__ = ["add_parser", "demo_section", "read_rows", "render", "run"]


def add_parser(commands: Subcommands) -> None:
    """Register ``credkit score`` on the sub-command parser ``commands``."""
    parser = commands.add_parser(
        "score",
        help="score customers from a CSV file with a scorecard",
        description="Score every customer of a CSV file (one row per customer, one column "
        "per scorecard input; an empty cell is a missing value) with a scorecard document "
        "and print each total, risk class and the top reason codes.",
    )
    parser.add_argument("path", type=Path, metavar="FILE.csv", help="customers to score")
    parser.add_argument(
        "--scorecard",
        required=True,
        type=Path,
        metavar="CARD.toml",
        help="scorecard document (TOML or JSON)",
    )
    parser.add_argument(
        "--id-column",
        default="customer_id",
        metavar="NAME",
        help="column holding the customer id (default customer_id)",
    )
    parser.add_argument(
        "--reasons",
        type=non_negative_int,
        default=3,
        metavar="N",
        help="reason codes to show per customer, most points lost first (default 3)",
    )
    add_format_argument(parser)
    parser.set_defaults(func=run)


# -- input ----------------------------------------------------------------------------


def read_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    """The data rows of a CSV file with their line numbers; header names are stripped.

    The file is read as UTF-8 (a byte-order mark is allowed). A row with more or
    fewer cells than the header raises a :class:`~credkit.errors.ValidationError`
    naming the line; blank lines are skipped.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     file = Path(folder, "c.csv")
    ...     _ = file.write_text("customer_id, bureau_score\\nC1,71\\n\\nC2,\\n", encoding="utf-8")
    ...     read_rows(file)
    [(2, {'customer_id': 'C1', 'bureau_score': '71'}), (4, {'customer_id': 'C2', 'bureau_score': ''})]
    """
    name = str(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ValidationError(f"FILE: cannot read {name!r} ({error.strerror or error})") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ValidationError(f"{name}, line {line}: not valid UTF-8 text") from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        header = next(reader, None)
        if header is None:
            raise ValidationError(
                f"{name}: the file is empty; expected a header line naming the columns"
            )
        header = [column.strip() for column in header]
        duplicates = sorted({c for c in header if header.count(c) > 1})
        if duplicates:
            raise ValidationError(
                f"{name}, line 1: the column {duplicates[0]!r} appears more than once"
            )
        for cells in reader:
            if not cells:
                continue
            if len(cells) != len(header):
                raise ValidationError(
                    f"{name}, line {reader.line_num}: {len(cells)} cells, but the header "
                    f"has {len(header)} columns"
                )
            rows.append((reader.line_num, dict(zip(header, cells, strict=True))))
    except csv.Error as error:
        raise ValidationError(
            f"{name}, line {reader.line_num}: not readable as CSV ({error})"
        ) from None
    return rows


def _score(
    rows: Sequence[tuple[int, dict[str, str]]], card: Scorecard, *, id_column: str, name: str
) -> list[ScoredRow]:
    scored = []
    for line, row in rows:
        try:
            (result,) = score_rows([row], card, id_column=id_column)
        except ValidationError as error:
            detail = str(error).removeprefix("rows[0]").removeprefix(".").removeprefix(": ")
            raise ValidationError(f"{name}, line {line}: {detail}") from None
        scored.append(result)
    return scored


# -- output ---------------------------------------------------------------------------


def _texts(card: Scorecard) -> dict[str, str]:
    """Reason code -> the factor's description (its name when it has none)."""
    return {f.reason_code: f.description or f.name.replace("_", " ") for f in card.factors}


def _records(card: Scorecard, scored: Sequence[ScoredRow], reasons: int) -> list[dict[str, Any]]:
    texts = _texts(card)
    return [
        {
            "customer_id": row.id,
            "total": row.result.total,
            "risk_class": None if row.risk_class is None else row.risk_class.name,
            "reasons": [
                {"code": code, "text": texts.get(code, "")}
                for code in row.result.reason_codes[:reasons]
            ],
        }
        for row in scored
    ]


def _table(card: Scorecard, scored: Sequence[ScoredRow], reasons: int) -> str:
    header = ["Customer", "Score", "Class", "Reasons"]
    body = [
        [
            row.id,
            str(row.result.total),
            "" if row.risk_class is None else row.risk_class.name,
            ", ".join(row.result.reason_codes[:reasons]),
        ]
        for row in scored
    ]
    noun = "customer" if len(scored) == 1 else "customers"
    lines = [
        f"Scorecard {card.id} version {card.version}: {len(scored)} {noun}",
        *grid(header, body, left={"Customer", "Class", "Reasons"}),
    ]
    if not body:
        lines.append("(no customers)")
    shown = sorted({code for row in scored for code in row.result.reason_codes[:reasons]})
    if shown:
        texts = _texts(card)
        lines += ["", "Reasons:", *(f"  {code}: {texts.get(code, '')}" for code in shown)]
    return "\n".join(lines)


def render(
    card: Scorecard,
    scored: Sequence[ScoredRow],
    *,
    format: str = "table",
    reasons: int = 3,
    raw: bool = False,
) -> str:
    """Scored rows as a plain-text table, CSV or JSON.

    Each line holds the customer id, the total (exact, as a decimal string), the risk
    class (empty without a risk scale) and the first ``reasons`` reason codes, most
    points lost first (separated by ``;`` in CSV, with their texts; in JSON a list of
    ``{code, text}``). The table ends with what each code shown means.

    >>> card = example_scorecard()
    >>> rows = score_rows([{"customer_id": "C1", "current_ratio": "1.2", "equity_ratio": "0.3",
    ...     "payment_index": "", "days_beyond_terms": "", "years_in_business": "12",
    ...     "legal_form": "corporation", "bureau_score": "71"}], card)
    >>> print(render(card, rows, format="csv"))  # doctest: +ELLIPSIS
    customer_id,total,risk_class,reason_codes,reason_texts
    C1,595,C,PAY_INDEX;PAY_DBT;FIN_LIQUIDITY,...
    """
    if isinstance(reasons, bool) or not isinstance(reasons, int) or reasons < 0:
        raise ValidationError(f"--reasons: expected a whole number of 0 or more, got {reasons!r}")
    records = _records(card, scored, reasons)
    return emit(
        format,
        table=lambda: _table(card, scored, reasons),
        document=lambda: {
            "scorecard": {"id": card.id, "version": card.version},
            "rows": records,
        },
        rows=lambda: (
            ["customer_id", "total", "risk_class", "reason_codes", "reason_texts"],
            (
                [
                    r["customer_id"],
                    r["total"],
                    r["risk_class"] or "",
                    ";".join(reason["code"] for reason in r["reasons"]),
                    "; ".join(reason["text"] for reason in r["reasons"]),
                ]
                for r in records
            ),
        ),
        raw=raw,
    )


def run(args: argparse.Namespace) -> int:
    """Load the scorecard, read and score the file, print the result."""
    card = config.load(Scorecard, args.scorecard)
    rows = read_rows(args.path)
    scored = _score(rows, card, id_column=args.id_column, name=str(args.path))
    print(render(card, scored, format=args.format, reasons=args.reasons, raw=args.raw_csv))
    return OK


# -- the demo -------------------------------------------------------------------------


def _range(scale: RiskScale, index: int) -> str:
    risk = scale.classes[index]
    if risk.max_score is None:
        return f">= {risk.min_score}"
    if risk.min_score is None:
        return f"< {risk.max_score}"
    return f"{risk.min_score} to < {risk.max_score}"


def demo_section(portfolio: sample.SamplePortfolio, *, worst: int = 5) -> str:
    """Score every sample customer with the example scorecard, for ``credkit demo``.

    The inputs come from :func:`credkit.sample.scoring_inputs`. Shows how many
    customers fall in each risk class and the ``worst`` lowest-scored customers with
    their generated payment behaviour and their top three reason codes.

    >>> print(demo_section(sample.generate(seed=7, customers=6), worst=2))
    Scores with the example scorecard trade-credit-b2b 2026.1 as of 2026-11-30
    Class  Scores             PD  Review  Customers
    -----  ------------  -------  ------  ---------
    A      >= 650         0.50 %  24 mo.          2
    B      600 to < 650   1.30 %  12 mo.          1
    C      550 to < 600   3.00 %  12 mo.          1
    D      500 to < 550   7.00 %   6 mo.          1
    E      < 500         15.00 %   3 mo.          1
    <BLANKLINE>
    Lowest scores:
    Customer  Score  Class  Behaviour   Reasons
    --------  -----  -----  ----------  ---------------------------------
    C004        455  E      defaulting  BUREAU, FIN_LIQUIDITY, FIN_EQUITY
    C001        530  D      slow        PAY_INDEX, PAY_DBT, BUREAU
    """
    card = example_scorecard()
    scale = card.risk_scale
    assert scale is not None  # the example scorecard has one
    inputs = sample.scoring_inputs(portfolio)
    results = {customer_id: card.score(values) for customer_id, values in inputs.items()}
    counts = Counter(r.risk_class.name for r in results.values() if r.risk_class is not None)
    lines = [
        f"Scores with the example scorecard {card.id} {card.version} "
        f"as of {portfolio.end.isoformat()}"
    ]
    header = ["Class", "Scores", "PD", "Review", "Customers"]
    body = [
        [
            risk.name,
            _range(scale, index),
            f"{risk.pd * 100:.2f} %",
            f"{risk.review_months} mo.",
            str(counts.get(risk.name, 0)),
        ]
        for index, risk in enumerate(scale.classes)
    ]
    lines += grid(header, body, left={"Class", "Scores"})
    lowest = sorted(results.items(), key=lambda item: (item[1].total, item[0]))[:worst]
    lines += ["", "Lowest scores:"]
    header = ["Customer", "Score", "Class", "Behaviour", "Reasons"]
    body = [
        [
            customer_id,
            str(result.total),
            "" if result.risk_class is None else result.risk_class.name,
            portfolio.behaviours[customer_id].value,
            ", ".join(result.reason_codes[:3]),
        ]
        for customer_id, result in lowest
    ]
    lines += grid(header, body, left={"Customer", "Class", "Behaviour", "Reasons"})
    return "\n".join(lines)
