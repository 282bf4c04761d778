"""FileBureau, report documents and the sample portfolio's bureau reports."""

from __future__ import annotations

import datetime
import json

import pytest

from credkit import sample
from credkit.bureau import BureauReport, DerogatoryEvent, FileBureau, report_class, write_reports
from credkit.bureau.samples import sample_reports
from credkit.errors import MalformedReport, SubjectNotFound
from credkit.money import Money

AT = datetime.datetime(2026, 3, 1, 8, 0, tzinfo=datetime.UTC)


def test_a_report_round_trips_through_a_file(tmp_path) -> None:
    report = BureauReport(
        "creditsafe",
        "DE/123 4",
        AT,
        report_id="R1",
        rating="B",
        rating_scale="creditsafe-common",
        score="63.5",
        pd="0.013",
        recommended_limit=Money.of("25000.00", "EUR"),
        payment_index=80,
        events=[DerogatoryEvent("lien", datetime.date(2025, 6, 1), amount=Money.of(900, "EUR"))],
        raw={"report": {"score": "63.5"}},
    )
    write_reports([report], tmp_path)
    assert FileBureau(tmp_path, provider="creditsafe").report("DE/123 4", as_of=AT.date()) == report


def test_file_bureau_errors(tmp_path) -> None:
    bureau = FileBureau(tmp_path, provider="sample")
    with pytest.raises(SubjectNotFound):
        bureau.report("C1", as_of=AT.date())
    write_reports([BureauReport("sample", "C1", AT, rating="B")], tmp_path)
    with pytest.raises(SubjectNotFound, match="fetched on or before 2026-02-28"):
        bureau.report("C1", as_of=datetime.date(2026, 2, 28))
    (tmp_path / "sample" / "C2.json").write_text(
        '{"provider": "sample", "subject_id": "C2"', encoding="utf-8"
    )
    with pytest.raises(MalformedReport, match="not valid JSON"):
        bureau.report("C2", as_of=AT.date())
    (tmp_path / "sample" / "C3.json").write_text(
        json.dumps(
            {"provider": "sample", "subject_id": "C3", "fetched_at": "2026-03-01", "rating": "B"}
        ),
        encoding="utf-8",
    )
    with pytest.raises(MalformedReport, match="fetched_at: expected a time with an offset"):
        bureau.report("C3", as_of=AT.date())
    (tmp_path / "sample" / "C4.json").write_text(
        json.dumps({"provider": "dnb", "subject_id": "C4", "fetched_at": "2026-03-01T00:00:00Z"}),
        encoding="utf-8",
    )
    with pytest.raises(MalformedReport, match="not of sample on 'C4'"):
        bureau.report("C4", as_of=AT.date())


def test_sample_reports_are_deterministic_and_tell_a_story() -> None:
    portfolio = sample.generate(seed=7, customers=30)
    reports = sample_reports(portfolio)
    assert reports == sample_reports(sample.generate(seed=7, customers=30))
    assert len(reports) == 4 * 30
    by_customer: dict[str, list[BureauReport]] = {}
    for report in reports:
        by_customer.setdefault(report.subject_id, []).append(report)
    downgraded = [
        cid
        for cid in portfolio.customer_ids(sample.Behaviour.DETERIORATING)
        if report_class(by_customer[cid][-1]) > report_class(by_customer[cid][0])  # type: ignore[operator]
    ]
    assert downgraded  # at least one deteriorating customer falls a class or more
    insolvent = [cid for cid, history in by_customer.items() if history[-1].has_insolvency]
    assert insolvent == list(portfolio.customer_ids(sample.Behaviour.DEFAULTING)[:1])
    assert report_class(by_customer[insolvent[0]][-1]) == "E"
    inputs = sample.scoring_inputs(portfolio)
    for cid, history in by_customer.items():
        if cid not in insolvent:
            assert history[-1].score == inputs[cid]["bureau_score"]


def test_sample_reports_serve_from_a_file_bureau(tmp_path) -> None:
    portfolio = sample.generate(seed=3, customers=5)
    write_reports(sample_reports(portfolio), tmp_path)
    bureau = FileBureau(tmp_path, provider="sample")
    last = bureau.report("C001", as_of=portfolio.end)
    assert last.fetched_at.date() == portfolio.end
    assert len(bureau.history("C001")) == 4


def test_cli_fetch_exit_codes(tmp_path, capsys) -> None:
    from credkit.cli import main

    assert main(["sample", "--out", str(tmp_path), "--customers", "3"]) == 0
    capsys.readouterr()
    folder = str(tmp_path / "bureau")
    assert (
        main(
            [
                "bureau",
                "fetch",
                "C001",
                "--provider",
                "sample",
                "--dir",
                folder,
                "--as-of",
                "2026-11-30",
                "--format",
                "json",
            ]
        )
        == 0
    )
    document = json.loads(capsys.readouterr().out)
    assert (document["subject_id"], document["fetched_at"]) == ("C001", "2026-11-30T06:00:00+00:00")
    assert document["risk_class"] in {"A", "B", "C", "D", "E"}
    assert main(["bureau", "fetch", "C999", "--provider", "sample", "--dir", folder]) == 1
    assert (
        main(["bureau", "fetch", "C001", "--provider", "sample", "--dir", str(tmp_path / "none")])
        == 2
    )
    config = tmp_path / "bureaus.toml"
    config.write_text(
        '[[providers]]\nname = "cs"\nmapping = "creditsafe"\nbase_url = "http://127.0.0.1:9"\ntoken_env = "CREDKIT_TEST_NO_SUCH_VAR"\n',
        encoding="utf-8",
    )
    assert main(["bureau", "fetch", "X", "--provider", "cs", "--config", str(config)]) == 2
    assert "CREDKIT_TEST_NO_SUCH_VAR is not set" in capsys.readouterr().err
