"""A paper without a real court case number is printed marked, on every page, and reported as not filing-ready.

Real SQLite file (the gogen fixture decided), PDFs read back with pypdf."""
from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pypdf
import pytest
from sqlalchemy import update

from reviewer.documents.bulk import BulkSummary
from reviewer.documents.common import Wording
from reviewer.documents.fonts import register_fonts
from reviewer.documents.model import CaseFile, CountLine
from reviewer.documents.render import render_bulk, render_case
from reviewer.domain.vocabulary import Outcome as O, SentenceStatus as S
from reviewer.resources import resource_path
from reviewer.services import printing
from reviewer.services.office import office_from_document
from reviewer.store import models as m
from tests.printing_fixtures import OFFICE, gogen_db, gogen_template  # noqa: F401 - fixtures

BANNER = "CASE NUMBER REQUIRED — NOT READY FOR FILING"


@pytest.fixture(scope="module")
def wording() -> Wording:
    register_fonts(resource_path("fonts"))
    return Wording(json.loads(resource_path("templates", "documents.json").read_text()), office_from_document(OFFICE))


def _pages(path) -> list[str]:
    return [" ".join(p.extract_text().split()) for p in pypdf.PdfReader(str(path)).pages]


def _case(number: str, i: int = 1) -> CaseFile:
    counts = (CountLine("1", "HS 11359", "Felony", date(2010, 5, 6), O.REDESIGNATE_MISDEMEANOR, S.COMPLETED),
              CountLine("2", "HS 11360(a)", "Felony", date(2010, 5, 6), O.CHALLENGE_NOT_ELIGIBLE, S.COMPLETED,
                        ("The record shows: a sale to a minor.",)))
    return CaseFile(f"PERSON{i},TEST", date(1960, 3, 14), "A12345678", number, "101001", counts, person_id=i)


@pytest.mark.parametrize("number", ["", "TODO", "tbd", "N/A", "NOT ON DOJ RECORD", "???", "000000"])
def test_a_placeholder_number_marks_every_page(tmp_path, wording, number):
    render_case(_case(number), wording, tmp_path / "x.pdf")
    pages = _pages(tmp_path / "x.pdf")
    assert len(pages) >= 3
    for n, text in enumerate(pages, start=1):
        assert BANNER in text, f"page {n}"
    if number.strip():
        assert f"Case No.: {number}" not in " ".join(pages)


def test_a_real_number_carries_no_mark(tmp_path, wording):
    render_case(_case("SC012345A"), wording, tmp_path / "x.pdf")
    assert not any("NOT READY FOR FILING" in t or "CASE NUMBER REQUIRED" in t for t in _pages(tmp_path / "x.pdf"))


def test_a_bulk_motion_names_the_exhibit_rows_without_a_number(tmp_path, wording):
    cases = [replace(_case(n, i), counts=_case(n, i).counts[:1]) for i, n in enumerate(["CR1", "TODO", "CR3"], 1)]
    render_bulk(cases, BulkSummary.of(cases), wording, tmp_path / "b.pdf")
    pages = _pages(tmp_path / "b.pdf")
    for n, text in enumerate(pages, start=1):
        assert "NOT READY FOR FILING — CASE NUMBER REQUIRED IN EXHIBIT A, row 2" in text, f"page {n}"
    exhibit = pages[-1]
    assert "PERSON2, TEST" in exhibit and "TODO" not in exhibit and "CASE NUMBER REQUIRED" in exhibit


def test_a_print_job_reports_not_filing_ready_papers_and_reprints_them_once_numbered(gogen_db, tmp_path):
    known = next(c for c in printing.list_cases(gogen_db, "all") if c.court_case and c.decided and c.documents)
    assert known.name.startswith("SKYWALKER")
    with gogen_db.session() as s:  # the record holds a placeholder someone typed
        s.execute(update(m.Conviction).where(m.Conviction.person_id == known.key[0],
                                             m.Conviction.case_key == known.key[1]).values(court_case="TODO"))
    listed = next(c for c in printing.list_cases(gogen_db, "all") if c.key == known.key)
    assert any("placeholder" in p for p in listed.problems)
    report = printing.print_batch(gogen_db, tmp_path / "a", "clerk")
    flagged = dict(report.not_filing_ready)
    assert known.key in flagged and "'TODO' is a placeholder" in flagged[known.key] and "SKYWALKER" in flagged[known.key]
    assert "NOT FILING-READY" in report.summary() and f"{known.key[0]}:{known.key[1]}" in report.summary()
    paper = _pages(printing.case_path(tmp_path / "a" / "cases", next(printing.case_files(gogen_db, [known.key]))))
    assert all(BANNER in t for t in paper) and not any("Case No.: TODO" in t for t in paper)

    with pytest.raises(printing.PrintRefused, match="placeholder"):
        printing.enter_case_number(gogen_db, known.key, "TBD", "C. Clerk")
    printing.enter_case_number(gogen_db, known.key, "SJ-2019-004521", "C. Clerk")
    again = printing.print_batch(gogen_db, tmp_path / "b", "clerk")
    assert again.printed == 1 and known.key not in dict(again.not_filing_ready)
    case = next(printing.case_files(gogen_db, [known.key]))
    paper = _pages(printing.case_path(tmp_path / "b" / "cases", case))
    assert "Case No.: SJ-2019-004521" in paper[0] and not any("CASE NUMBER REQUIRED" in t for t in paper)
