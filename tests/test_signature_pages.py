"""A signature is never left alone on a page: the paragraph before it comes along (PDF read back)."""
from __future__ import annotations

import json
from datetime import date

import pypdf
import pytest

from reviewer.documents.common import Wording
from reviewer.documents.fonts import register_fonts
from reviewer.documents.grounds import ground_sentence
from reviewer.documents.model import CaseFile, CountLine
from reviewer.documents.pleading import LEFT
from reviewer.documents.render import render_case
from reviewer.domain.vocabulary import Outcome as O, SentenceStatus as S
from reviewer.resources import resource_path
from reviewer.services.office import office_from_document
from tests.sample_office import OFFICE_DOCUMENT

RUNNING_HEAD_Y = 742.0
FACT = ground_sentence("prior conviction PC 187 on 1991-04-11, Yolo County, court case 91-123 is a super strike under "
                       "PC 667(e)(2)(C)(iv)", "HS 11360(a)(3)(A); PC 667(e)(2)(C)(iv)")


@pytest.fixture(scope="module")
def wording() -> Wording:
    register_fonts(resource_path("fonts"))
    return Wording(json.loads(resource_path("templates", "documents.json").read_text()),
                   office_from_document(OFFICE_DOCUMENT))


def _stranded(path) -> list[int]:
    """Pages whose signature block ('Dated:' beside 'Respectfully submitted' or the judge's line) has no text
    of the document above it (the running head does not count)."""
    pages = []
    for n, page in enumerate(pypdf.PdfReader(str(path)).pages, start=1):
        items: list[tuple[str, float, float]] = []
        page.extract_text(visitor_text=lambda t, cm, tm, font, size: t.strip() and items.append((t, tm[4], tm[5])))
        dated = [y for t, _, y in items if t.strip().startswith("Dated:")]
        signed = any("Respectfully submitted" in t or "JUDGE OF THE SUPERIOR COURT" in t for t, _, _ in items)
        if dated and signed and not [t for t, x, y in items if x >= LEFT - 1 and dated[0] < y < RUNNING_HEAD_Y - 1]:
            pages.append(n)
    return pages


def _challenge(facts: int, counts: int) -> CaseFile:
    lines = tuple(CountLine(str(n), "HS 11360(a)", "Felony", date(2015, 1, 2), O.CHALLENGE_NOT_ELIGIBLE, S.COMPLETED,
                            (FACT,) * facts) for n in range(1, counts + 1))
    return CaseFile("MC DONALD,JUAN", date(1953, 6, 9), "A12345678", "MA597379B", "103002", lines, person_id=278)


def _relief(counts: int, status: S) -> CaseFile:
    lines = tuple(CountLine(str(n), "HS 11359", "Felony", date(2010, 5, 6), O.REDESIGNATE_MISDEMEANOR, status)
                  for n in range(1, counts + 1))
    return CaseFile("MUÑOZ,JOSÉ", date(1960, 3, 14), "A12345678", "SC012345A", "101001", lines, person_id=7)


CASES = ([("challenge", f, c) for f in range(0, 5) for c in (1, 2, 3)]
         + [("relief", c, s) for c in range(1, 13) for s in (S.COMPLETED, S.SERVING)])


def test_no_signature_block_stands_alone_on_a_page(tmp_path, wording):
    stranded = []
    for i, (kind, a, b) in enumerate(CASES):
        target = tmp_path / f"case{i}.pdf"
        render_case(_challenge(a, b) if kind == "challenge" else _relief(a, b), wording, target)
        pages = _stranded(target)
        if pages:
            stranded.append((kind, a, str(b), pages))
    assert stranded == []
