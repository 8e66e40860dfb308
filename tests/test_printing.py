"""Printing batches against real SQLite files: the files, the marks, reprints, interruptions, filings."""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pypdf
import pytest
from sqlalchemy import func, select

from reviewer import cli
from reviewer.documents.citations import code_section
from reviewer.domain.people import User
from reviewer.domain.vocabulary import DecisionKind, Outcome, Role, SentenceStatus
from reviewer.services import deciding, printing
from reviewer.services.jobs import Job
from reviewer.services.office import OfficeError, load_office, save_office
from reviewer.store import models as m
from reviewer.store.audit import verify_chain
from reviewer.store.database import Database
from tests.printing_fixtures import (  # noqa: F401 - fixtures
    ATTORNEY, OFFICE, copy_db, gogen_db, gogen_template, synthetic_template,
)

ROOT = Path(__file__).resolve().parents[1]
CLERK = User("C. Clerk", Role.CLERK)


def text_of(path: Path) -> str:
    return " ".join(" ".join(p.extract_text() for p in pypdf.PdfReader(str(path)).pages).split())


def printed_rows(db: Database) -> list[m.PrintedCase]:
    with db.session() as s:
        return list(s.scalars(select(m.PrintedCase).order_by(m.PrintedCase.id)))


def assert_no_mark_without_complete_pdf(db: Database) -> None:
    for row in printed_rows(db):
        path = Path(row.file_path)
        assert path.exists(), path
        assert path.read_bytes().rstrip().endswith(b"%%EOF")
        assert len(pypdf.PdfReader(str(path)).pages) == row.pages


def test_print_command_writes_every_file(gogen_db, tmp_path, capsys):
    out = tmp_path / "out"
    code = cli.main(["print", "--db", gogen_db.url.removeprefix("sqlite:///"), "--out", str(out), "--user", "C. Clerk"])
    said = capsys.readouterr().out
    # the office files San Francisco's way (the default): per-case papers, no bulk motion (see test_filing)
    assert code == 0 and "9 court cases" in said and "combined PDF" in said and "bulk motion" not in said
    assert "no court case number" in said
    cases = sorted((out / "cases").glob("*.pdf"))
    assert len(cases) == 9
    rows = printed_rows(gogen_db)
    assert {r.printed_by for r in rows} == {"C. Clerk"} and all(r.printed_at for r in rows)
    summaries = {s.key: s for s in printing.list_cases(gogen_db, "all")}
    for row in rows:
        text = text_of(Path(row.file_path))
        summary = summaries[(row.person_id, row.case_key)]
        assert "COUNTY OF SAN JOAQUIN" in text and "THE PEOPLE OF THE STATE OF" in text
        assert summary.name.split(",")[0] in text
        assert (f"Case No.: {summary.court_case}" if summary.court_case else "Case No.: NOT ON DOJ RECORD") in text
        assert "Jane Q. Deputy, SBN 234567" in text
    combined = next(out.glob("combined-job*.pdf"))
    assert len(pypdf.PdfReader(str(combined)).pages) == sum(r.pages for r in rows)
    assert not list(out.glob("bulk-motion-job*.pdf"))
    assert "SKYWALKER, LUKE S" in text_of(combined)
    with gogen_db.session() as s:
        job = s.scalars(select(m.PrintJob)).one()
        assert (job.status, job.cases_printed, job.user_name) == ("completed", 9, "C. Clerk")
        assert job.combined_path == str(combined)
        assert s.scalar(select(func.count()).where(m.AuditEntry.action == "print.batch")) == 1
        assert verify_chain(s) is None


def test_counts_code_sections_and_relief_match_decisions(gogen_db, tmp_path):
    report = printing.print_batch(gogen_db, tmp_path / "out", CLERK)
    assert report.printed == 9 and not report.cancelled
    for case in printing.case_files(gogen_db):
        text = text_of(printing.case_path(tmp_path / "out" / "cases", case))
        for count in case.relief_counts:
            assert code_section(count.code_section) in text
            assert ("11361.8, subdivision (b)" if count.sentence_status is SentenceStatus.SERVING
                    else "11361.8, subdivision (f)") in text
        for count in case.challenged_counts:
            assert "NOTICE OF CHALLENGE" in text and "PROOF OF SERVICE" in text
            assert code_section(count.code_section) in text
        if any(c.outcome is Outcome.DISMISS_AND_SEAL for c in case.relief_counts):
            assert "Dismissed and sealed" in text or "dismissed and sealed" in text


def test_not_printed_skips_printed_cases_and_reprints_are_recorded(gogen_db, tmp_path):
    first = printing.print_batch(gogen_db, tmp_path / "a", CLERK)
    again = printing.print_batch(gogen_db, tmp_path / "b", CLERK)
    assert (first.printed, again.printed) == (9, 0) and "nothing to print" in again.summary()
    assert printing.list_cases(gogen_db, "not-printed") == []
    reprint = printing.print_batch(gogen_db, tmp_path / "c", CLERK, scope="all-decided")
    assert reprint.printed == reprint.reprinted == 9
    rows = printed_rows(gogen_db)
    assert len(rows) == 18 and len({r.job_id for r in rows}) == 2
    one = printing.list_cases(gogen_db, "all")[0].key
    single = printing.print_batch(gogen_db, tmp_path / "d", CLERK, keys=[one])
    assert single.printed == 1 and single.reprinted == 1


def test_a_later_decision_makes_the_print_stale(gogen_db, tmp_path):
    printing.print_batch(gogen_db, tmp_path / "a", CLERK)
    case = next(printing.case_files(gogen_db))
    with gogen_db.engine.connect() as conn:
        from reviewer.store.printing import case_conviction_ids

        cid = case_conviction_ids(conn, (case.person_id, case.case_key))[0]
    deciding.decide(gogen_db, cid, ATTORNEY, DecisionKind.OVERRIDE, Outcome.CHALLENGE_NOT_ELIGIBLE,
                    "New facts: the court file shows a sale to a minor.")
    stale = printing.list_cases(gogen_db, "not-printed")
    assert [s.key for s in stale] == [(case.person_id, case.case_key)] and stale[0].stale
    assert printing.print_batch(gogen_db, tmp_path / "b", CLERK).printed == 1


def test_mark_filed(gogen_db, tmp_path):
    printing.print_batch(gogen_db, tmp_path / "a", CLERK)
    keys = [s.key for s in printing.list_cases(gogen_db, "printed")][:3]
    assert printing.mark_filed(gogen_db, keys, date(2020, 2, 3), CLERK) == 3
    filed = {s.key: s.filed_on for s in printing.list_cases(gogen_db, "all")}
    assert [filed[k] for k in keys] == [date(2020, 2, 3)] * 3
    with pytest.raises(printing.PrintRefused):
        printing.mark_filed(gogen_db, keys, date(2999, 1, 1), CLERK)
    key = f"{keys[0][0]}:{keys[0][1]}"
    assert cli.main(["filed", "--db", gogen_db.url.removeprefix("sqlite:///"), "--case", key, "--on", "2020-02-04"]) == 0


def test_unknown_sentence_is_held_until_an_attorney_answers(synthetic_template, tmp_path):
    db = copy_db(synthetic_template, tmp_path)
    held = [s for s in printing.list_cases(db, "not-printed") if s.held]
    assert held, "the synthetic data has sentences of unknown status"
    report = printing.print_batch(db, tmp_path / "out", CLERK, keys=[held[0].key])
    assert report.printed == 0 and report.held == [held[0].key] and "attorney must answer" in report.summary()
    with pytest.raises(printing.PrintRefused):
        printing.answer_sentence(db, held[0].key, SentenceStatus.SERVING, CLERK)
    path = db.url.removeprefix("sqlite:///")
    case = f"{held[0].key[0]}:{held[0].key[1]}"
    assert cli.main(["sentence", "--db", path, "--case", case, "--status", "serving", "--user", "A. Deputy",
                     "--bar-number", "123456"]) == 0
    with db.session() as s:
        assert s.scalar(select(func.count()).where(m.AuditEntry.action == "sentence.answer")) >= 1
    report = printing.print_batch(db, tmp_path / "out", CLERK, keys=[held[0].key])
    assert report.printed == 1
    text = text_of(Path(printed_rows(db)[0].file_path))
    assert "subdivision (b)" in text or "NOTICE OF CHALLENGE" in text
    db.dispose()


@pytest.mark.parametrize("workers", [0, 2])
def test_cancel_mid_batch_leaves_no_mark_without_its_pdf(synthetic_template, tmp_path, workers):
    db = copy_db(synthetic_template, tmp_path)
    job = Job()
    job.on_progress = lambda done, total, what: job.cancel() if done >= 50 else None
    report = printing.print_batch(db, tmp_path / "out", CLERK, job=job, workers=workers)
    assert report.cancelled and 50 <= report.printed < len(printing.list_cases(db, "all-decided"))
    assert report.combined is None and not list((tmp_path / "out").glob("combined-*.pdf"))
    assert len(printed_rows(db)) == report.printed
    assert_no_mark_without_complete_pdf(db)
    with db.session() as s:
        assert s.scalars(select(m.PrintJob.status)).one() == "cancelled"
    rest = printing.print_batch(db, tmp_path / "out", CLERK, workers=workers)
    assert rest.printed + report.printed == len([s for s in printing.list_cases(db, "all-decided") if not s.held
                                                 and s.documents])
    db.dispose()


def test_killed_batch_leaves_no_mark_without_its_pdf(synthetic_template, tmp_path):
    db = copy_db(synthetic_template, tmp_path)
    path = db.url.removeprefix("sqlite:///")
    db.dispose()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "reviewer", "print", "--db", path, "--out", str(tmp_path / "out"),
                             "--workers", "0"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    marked = 0
    while time.time() < deadline and proc.poll() is None:
        with sqlite3.connect(path, timeout=30) as conn:
            marked = conn.execute("SELECT count(*) FROM printed_case").fetchone()[0]
        if marked:
            break
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    db = Database(path)
    rows = printed_rows(db)
    assert rows and len(rows) < len(printing.list_cases(db, "all-decided"))
    assert_no_mark_without_complete_pdf(db)
    assert not list((tmp_path / "out").glob("combined-*.pdf"))
    db.dispose()


def test_office_details_come_from_settings(tmp_path, gogen_dir):
    db = Database(tmp_path / "new.db")
    office = load_office(db)
    assert office.is_example and "EXAMPLE" in office.district_attorney
    with pytest.raises(OfficeError, match="deputy_bar_number: required"):
        save_office(db, {**OFFICE, "deputy_bar_number": ""}, "tester")
    office_file = tmp_path / "office.json"
    office_file.write_text(json.dumps({**OFFICE, "county": "Alameda"}))
    assert cli.main(["office", "--db", str(tmp_path / "new.db"), "--load", str(office_file)]) == 0
    assert load_office(db).county == "Alameda" and not load_office(db).is_example
    db.dispose()


def test_user_errors_exit_2_without_traceback(gogen_db, tmp_path, capsys):
    db = gogen_db.url.removeprefix("sqlite:///")
    assert cli.main(["print", "--db", db, "--out", "/proc/no/such/place"]) == 2
    assert cli.main(["print", "--db", db, "--out", str(tmp_path), "--case", "nonsense"]) == 2
    assert cli.main(["sentence", "--db", db, "--case", "1:101001", "--status", "serving"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.count("error:") == 3


def test_schema_0002_upgrades_a_0001_database(tmp_path):
    from alembic import command
    from sqlalchemy import create_engine, inspect

    from reviewer.store.database import _alembic_config

    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    config = _alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
    assert "print_job" not in inspect(engine).get_table_names()
    engine.dispose()
    db = Database(tmp_path / "old.db")
    tables = set(inspect(db.engine).get_table_names())
    assert {"print_job", "printed_case", "case_filing", "sentence_answer"} <= tables
    db.dispose()


def test_a_large_batch_is_combined_in_volumes_each_bookmarked_and_none_left_when_cancelled(gogen_db, tmp_path,
                                                                                            monkeypatch):
    """pikepdf holds a combined file in memory until it writes it: volumes keep a batch's memory flat.
    (The volume size is lowered here so that nine cases make several volumes.)"""
    import pypdf

    from reviewer.documents import merge
    from reviewer.services.jobs import Job

    monkeypatch.setattr(merge, "VOLUME_PAGES", 6)
    report = printing.print_batch(gogen_db, tmp_path / "out", CLERK, workers=0)
    assert report.printed == 9 and len(report.volumes) > 1 and report.combined == report.volumes[0]
    assert report.volumes[1].name == report.volumes[0].stem + "-2.pdf"
    readers = [pypdf.PdfReader(str(v)) for v in report.volumes]
    assert sum(len(r.pages) for r in readers) == report.pages
    titles = [item.title for r in readers for item in r.outline if not isinstance(item, list)]
    assert len(titles) >= 9 and all(r.outline for r in readers)  # every case bookmarked, in its volume
    assert all(len(r.pages) < 6 + 12 for r in readers)  # a case is never split: at most one case past the limit
    assert "combined PDF in" in report.summary() and not list((tmp_path / "out").glob(".*.part"))

    job = Job()
    job.on_progress = lambda done, total, what="": job.cancel() if done >= 7 else None  # volumes already written
    cancelled = printing.print_batch(gogen_db, tmp_path / "again", CLERK, scope="all-decided", job=job, workers=0)
    assert cancelled.cancelled and not cancelled.volumes
    assert not list((tmp_path / "again").glob("combined-*")) and not list((tmp_path / "again").glob(".*.part"))
