"""Code sections on papers in California style: subdivisions (a)(3)(B)(iv), however the DOJ file spelled them.

One formatter (documents.citations.paper_section) for every paper; PDFs read back with pypdf, and a real print
job on the gogen fixture (which spells subdivisions in capitals, '11357(C) HS')."""
from __future__ import annotations

import json
import re
from datetime import date

import pypdf
import pytest

from reviewer.documents.bulk import BulkSummary
from reviewer.documents.common import Wording
from reviewer.documents.fonts import register_fonts
from reviewer.documents.grounds import ground_sentence
from reviewer.documents.model import CaseFile, CountLine
from reviewer.documents.render import render_bulk, render_case
from reviewer.domain.code_section import parse_code_section
from reviewer.domain.vocabulary import Outcome as O, SentenceStatus as S
from reviewer.resources import resource_path
from reviewer.services import printing
from reviewer.services.office import office_from_document
from tests.printing_fixtures import OFFICE, gogen_db, gogen_template  # noqa: F401 - fixtures

RAW_CAPITAL = re.compile(r"subds?\. \([A-Z]|§ \d+[A-Z]\b")  # a first-level subdivision or a suffix in capitals


@pytest.mark.parametrize("raw, printed", [
    ("11359(C) HS", "Health & Saf. Code, § 11359, subd. (c)"),
    ("11360(A)(3)(B) HS", "Health & Saf. Code, § 11360, subd. (a)(3)(B)"),
    ("11357B2 HS", "Health & Saf. Code, § 11357, subd. (b)(2)"),
    ("11360A HS", "Health & Saf. Code, § 11360, subd. (a)"),
    ("667(E)(2)(C)(IV)(IV) PC", "Pen. Code, § 667, subd. (e)(2)(C)(iv)(IV)"),
    ("664/11357(A) HS", "Pen. Code, § 664/Health & Saf. Code, § 11357, subd. (a)"),
    ("288A PC", "Pen. Code, § 288a"),
    ("11358 HS -CULTIVATE", "Health & Saf. Code, § 11358"),
])
def test_a_parsed_code_section_prints_in_california_style(raw, printed):
    from reviewer.documents.citations import paper_section

    assert paper_section(parse_code_section(raw)) == printed


@pytest.fixture(scope="module")
def wording() -> Wording:
    register_fonts(resource_path("fonts"))
    return Wording(json.loads(resource_path("templates", "documents.json").read_text()), office_from_document(OFFICE))


def _text(path) -> str:
    return " ".join(" ".join(p.extract_text() for p in pypdf.PdfReader(str(path)).pages).split())


def _case() -> CaseFile:
    fact = ground_sentence("felony 11359(C) HS on 2010-05-06 stays a felony because of what follows: a prior "
                           "super strike", "HS 11359(C)(1)")  # as print services word the engine's facts
    counts = (CountLine("1", "HS 11359(C)", "Felony", date(2010, 5, 6), O.REDESIGNATE_MISDEMEANOR, S.SERVING),
              CountLine("2", "11360(A)(3)(B) HS", "Felony", date(2010, 5, 6), O.CHALLENGE_NOT_ELIGIBLE, S.SERVING,
                        (fact,)),
              CountLine("3", "HS 11357(D)", "Misdemeanor", date(2010, 5, 6), O.DISMISS_AND_SEAL, S.COMPLETED))
    return CaseFile("PERSON,TEST", date(1960, 3, 14), "A12345678", "SC012345A", "101001", counts, person_id=7)


def test_every_paper_prints_subdivisions_in_california_style(tmp_path, wording):
    render_case(_case(), wording, tmp_path / "case.pdf")
    render_bulk([_case()], BulkSummary.of([_case()]), wording, tmp_path / "bulk.pdf")
    for name in ("case.pdf", "bulk.pdf"):
        text = _text(tmp_path / name)
        assert RAW_CAPITAL.findall(text) == [], name
        assert "§ 11359, subd. (c)" in text and "§ 11357, subd. (d)" in text
    case = _text(tmp_path / "case.pdf")
    assert "Count 2, Health & Saf. Code, § 11360, subd. (a)(3)(B), convicted" in case  # the notice's ground
    assert "Count 1, Health & Saf. Code, § 11359, subd. (c): resentenced" in case  # the order's resentencing
    assert "The felony under Health & Saf. Code, § 11359, subd. (c) on 05/06/2010 remains a felony" in case
    assert "(Health & Saf. Code, § 11359, subd. (c)(1).)" in case


def test_a_print_job_writes_no_raw_subdivision(gogen_db, tmp_path):
    cases = list(printing.case_files(gogen_db))
    assert any(re.search(r"\([A-Z]\)", c.code_section) for case in cases for c in case.counts)  # capitals in
    report = printing.print_batch(gogen_db, tmp_path / "out", "clerk")
    assert report.printed
    for paper in (tmp_path / "out" / "cases").glob("*.pdf"):
        assert RAW_CAPITAL.findall(_text(paper)) == [], paper.name
