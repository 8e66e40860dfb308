"""The office's filing style decides what a print job writes; no conviction is ordered twice.
Referrals name the agency and the reason and are not listed again; `reviewer filed` refuses what
was never printed. Real SQLite files (the gogen fixture decided), PDFs read back with pypdf.
"""
from __future__ import annotations

import csv
import subprocess
import sys
from datetime import date
from pathlib import Path

import pypdf
import pytest
from sqlalchemy import select, text

from reviewer.documents.filing import split
from reviewer.domain.vocabulary import DecisionKind, Outcome, SentenceStatus
from reviewer.services import deciding, printing
from reviewer.services.office import OfficeError, save_office
from reviewer.store import models as m
from tests.printing_fixtures import ATTORNEY, OFFICE, gogen_db, gogen_template  # noqa: F401 - fixtures

ROOT = Path(__file__).resolve().parents[1]


def _text(path: Path) -> str:
    return " ".join(" ".join(p.extract_text() for p in pypdf.PdfReader(str(path)).pages).split())


def _style(db, style: str) -> None:
    save_office(db, {**OFFICE, "filing_style": style}, "tester")


@pytest.mark.parametrize("style", ["per-case", "bulk", "both"])
def test_a_print_job_writes_only_what_the_style_files(gogen_db, tmp_path, style):
    _style(gogen_db, style)
    cases = list(printing.case_files(gogen_db))
    parts = {(c.person_id, c.case_key): split(c, style) for c in cases}
    assert any(c.relief_counts and c.challenged_counts for c in cases)  # a mixed case tells the styles apart
    report = printing.print_batch(gogen_db, tmp_path / "out", "clerk")
    assert report.printed == len([c for c in cases if c.document_kinds])
    with gogen_db.session() as s:
        rows = {(r.person_id, r.case_key): r for r in s.scalars(select(m.PrintedCase))}
    in_bulk = 0
    for key, (own, bulk) in parts.items():
        row = rows[key]
        if own is None:
            assert row.file_path == str(report.bulk) and row.documents == "bulk-motion"
        else:
            paper = _text(Path(row.file_path))
            assert ("[PROPOSED] ORDER" in paper) == bool(own.relief_counts)
            assert ("NOTICE OF CHALLENGE TO RELIEF" in paper) == bool(own.challenged_counts)
            if own.relief_in_bulk:
                assert "sought in the People's bulk motion for relief, Exhibit A" in paper
        in_bulk += bulk is not None
    if style == "per-case":
        assert report.bulk is None and in_bulk == 0
    else:
        exhibit = _text(report.bulk)
        relief = sum(len(b.relief_counts) for _, b in parts.values() if b)
        assert f"Exhibit A lists {relief} convictions in {in_bulk} court cases" in exhibit
        # the bulk motion is in the combined file too, with its bookmark
        outline = pypdf.PdfReader(str(report.combined)).outline
        assert outline[-1].title == f"Bulk motion and [proposed] order, Exhibit A ({in_bulk} court cases)"
    # each conviction granted relief is ordered exactly once: in its own order or in Exhibit A
    for own, bulk in parts.values():
        ordered_here = len(own.relief_counts) if own else 0
        ordered_there = len(bulk.relief_counts) if bulk else 0
        assert ordered_here == 0 or ordered_there == 0
    assert printing.list_cases(gogen_db, "not-printed") == []


def test_an_unknown_filing_style_is_refused_naming_the_field(gogen_db):
    with pytest.raises(OfficeError, match="filing_style: 'weekly' is not one of 'per-case'"):
        _style(gogen_db, "weekly")


def _refer(db) -> tuple[int, tuple]:
    """One whole court case referred by an attorney (every count), with the reason."""
    case = next(c for c in printing.case_files(db) if len(c.counts) == 1)
    with db.engine.connect() as conn:
        cid = conn.execute(text("SELECT id FROM conviction WHERE person_id = :p AND case_key = :k"),
                           {"p": case.person_id, "k": case.case_key}).scalar()
    deciding.decide(db, cid, ATTORNEY, DecisionKind.OVERRIDE, Outcome.REFER,
                    "Misdemeanor filed by the city attorney of Stockton.")
    return cid, (case.person_id, case.case_key)


def test_referrals_name_the_agency_and_reason_and_are_not_listed_again(gogen_db, tmp_path):
    save_office(gogen_db, {**OFFICE, "referral_agency": "Stockton City Attorney"}, "tester")
    _cid, key = _refer(gogen_db)
    first = printing.print_batch(gogen_db, tmp_path / "a", "clerk")
    assert first.referrals is not None and first.referred_only == 1
    with open(first.referrals, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["referred_to"] for r in rows] == ["Stockton City Attorney"]
    assert rows[0]["reason"] == "Misdemeanor filed by the city attorney of Stockton."
    assert rows[0]["convicted"].count("/") == 2  # MM/DD/YYYY like the papers
    again = printing.print_batch(gogen_db, tmp_path / "b", "clerk")
    assert again.referrals is None and again.referred_only == 0  # already referred: not rewritten
    assert key not in {c.key for c in printing.list_cases(gogen_db, "not-printed")}


def test_filed_refuses_a_case_that_does_not_exist_or_was_never_printed(gogen_db, tmp_path):
    db_path = gogen_db.url.removeprefix("sqlite:///")
    case = next(printing.case_files(gogen_db))
    never = f"{case.person_id}:{case.case_key}"

    def filed(*args):
        return subprocess.run([sys.executable, "-m", "reviewer", "filed", "--db", db_path, "--on", "2020-01-15",
                               "--user", "C. Clerk", *args], capture_output=True, text=True, cwd=ROOT)

    missing = filed("--case", "999999:nope")
    assert missing.returncode == 2 and "court case 999999:nope does not exist" in missing.stderr
    assert "Traceback" not in missing.stderr
    unprinted = filed("--case", never)
    assert unprinted.returncode == 2 and f"court case {never} was never printed" in unprinted.stderr
    printing.print_batch(gogen_db, tmp_path / "out", "clerk", keys=[(case.person_id, case.case_key)])
    done = filed("--case", never)
    assert done.returncode == 0 and "recorded 1 court cases as filed on 2020-01-15" in done.stdout
    assert date(2020, 1, 15) == printing.list_cases(gogen_db, "all")[0].filed_on or any(
        c.filed_on == date(2020, 1, 15) for c in printing.list_cases(gogen_db, "all"))


def test_a_sentence_answer_is_per_count_and_never_overrides_the_record(gogen_db, tmp_path):
    """HS 11361.8(b) vs (f) is decided count by count: an answer fills in a count the record leaves unknown."""
    case = next(c for c in printing.case_files(gogen_db) if len(c.relief_counts) >= 2)
    key = (case.person_id, case.case_key)
    with gogen_db.engine.begin() as conn:  # the record: the first count still served, the second not shown
        ids = [r[0] for r in conn.execute(text(
            "SELECT c.id FROM conviction c JOIN evaluation e ON e.conviction_id = c.id AND e.current "
            "WHERE c.person_id = :p AND c.case_key = :k ORDER BY c.count_order"), {"p": key[0], "k": key[1]})]
        conn.execute(text("UPDATE evaluation SET sentence_status = 'SERVING' WHERE conviction_id = :c AND current"),
                     {"c": ids[0]})
        conn.execute(text("UPDATE evaluation SET sentence_status = 'UNKNOWN' WHERE conviction_id IN (%s) AND current"
                          % ",".join(str(i) for i in ids[1:])))
    counts = [c.count for c in next(printing.case_files(gogen_db, [key])).counts]
    with pytest.raises(printing.PrintRefused, match=f"the record shows the sentence of count {counts[0]} "
                                                    r"\(serving\): an answer does not replace it"):
        printing.answer_sentence(gogen_db, key, SentenceStatus.COMPLETED, ATTORNEY, counts=[counts[0]])
    with pytest.raises(printing.PrintRefused, match="has no count 99"):
        printing.answer_sentence(gogen_db, key, SentenceStatus.COMPLETED, ATTORNEY, counts=["99"])
    db_path = gogen_db.url.removeprefix("sqlite:///")
    done = subprocess.run([sys.executable, "-m", "reviewer", "sentence", "--db", db_path, "--case",
                           f"{key[0]}:{key[1]}", "--status", "completed", "--count", counts[1], "--user", "A. Deputy",
                           "--bar-number", "123456"], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0 and "for 1 count of court case" in done.stdout, done.stderr
    # a blanket answer afterwards still leaves the first count as the record shows it
    printing.answer_sentence(gogen_db, key, SentenceStatus.COMPLETED, ATTORNEY)
    printed = next(printing.case_files(gogen_db, [key]))
    assert printed.counts[0].sentence_status is SentenceStatus.SERVING
    assert all(c.sentence_status is SentenceStatus.COMPLETED for c in printed.counts[1:])


def test_a_missing_court_case_number_is_entered_recorded_and_printed(gogen_db, tmp_path):
    db_path = gogen_db.url.removeprefix("sqlite:///")
    missing = next(c for c in printing.list_cases(gogen_db, "all") if not c.court_case and c.decided)
    known = next(c for c in printing.list_cases(gogen_db, "all") if c.court_case)
    printing.print_batch(gogen_db, tmp_path / "a", "clerk")
    assert "Case No.: NOT ON DOJ RECORD" in _text(printing.case_path(tmp_path / "a" / "cases",
                                                                     next(printing.case_files(gogen_db, [missing.key]))))

    def enter(case, number):
        return subprocess.run([sys.executable, "-m", "reviewer", "case-number", "--db", db_path, "--case", case,
                               "--number", number, "--user", "C. Clerk"], capture_output=True, text=True, cwd=ROOT)

    refused = enter(f"{known.key[0]}:{known.key[1]}", "X-1")
    assert refused.returncode == 2 and f"the DOJ record gives this court case the number {known.court_case}" in refused.stderr
    assert enter(f"{missing.key[0]}:{missing.key[1]}", "=1+2").returncode == 2
    done = enter(f"{missing.key[0]}:{missing.key[1]}", "SJ-2019-004521")
    assert done.returncode == 0 and "case number SJ-2019-004521" in done.stdout, done.stderr
    listed = next(c for c in printing.list_cases(gogen_db, "all") if c.key == missing.key)
    assert listed.court_case == "SJ-2019-004521" and listed.stale  # printed without it: to print again
    assert "no court case number on the DOJ record" not in listed.problems
    report = printing.print_batch(gogen_db, tmp_path / "b", "clerk")
    assert report.printed == 1
    case = next(printing.case_files(gogen_db, [missing.key]))
    paper = _text(printing.case_path(tmp_path / "b" / "cases", case))
    assert "Case No.: SJ-2019-004521" in paper and "People v." in paper
    with gogen_db.session() as s:
        entry = s.scalars(select(m.CaseNumberEntry)).one()
        assert (entry.court_case, entry.entered_by) == ("SJ-2019-004521", "C. Clerk")
        assert s.scalar(select(m.AuditEntry.action).where(m.AuditEntry.action == "case.number")) == "case.number"
