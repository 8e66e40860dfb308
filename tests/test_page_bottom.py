"""Nothing of a table runs into the page's footer: rows break before it, the header repeats (PDF read back)."""
from __future__ import annotations

import json
from datetime import date

import pypdf
import pytest

from reviewer.documents.bulk import BulkSummary
from reviewer.documents.common import Wording
from reviewer.documents.fonts import register_fonts
from reviewer.documents.model import CaseFile, CountLine
from reviewer.documents.pleading import LEFT, slot_y
from reviewer.documents.render import render_bulk
from reviewer.domain.vocabulary import Outcome as O, SentenceStatus as S
from reviewer.resources import resource_path
from reviewer.services.office import office_from_document
from tests.sample_office import OFFICE_DOCUMENT

LINE_28 = slot_y(54)  # baseline of the last numbered line
PAGE_NUMBER_Y = 44.0


@pytest.fixture(scope="module")
def wording() -> Wording:
    register_fonts(resource_path("fonts"))
    return Wording(json.loads(resource_path("templates", "documents.json").read_text()),
                   office_from_document(OFFICE_DOCUMENT))


def _case(i: int, counts: int) -> CaseFile:
    lines = tuple(CountLine(str(n), "HS 11359", "Felony", date(2015, 5, 6), O.DISMISS_AND_SEAL, S.COMPLETED)
                  for n in range(1, counts + 1))
    return CaseFile(f"PERSON{i},TEST", date(1960, 3, 14), "A12345678", f"CR{i:05d}", "101001", lines, person_id=i)


def _placed(path) -> list[list[tuple[str, float, float]]]:
    """Per page: every piece of text right of the line numbers, with its x and baseline y."""
    pages = []
    for page in pypdf.PdfReader(str(path)).pages:
        found: list[tuple[str, float, float]] = []

        def visit(text, cm, tm, font, size, found=found):
            if text.strip():
                found.append((text.strip(), tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]))

        page.extract_text(visitor_text=visit)
        pages.append(found)
    return pages


def test_exhibit_rows_stop_above_the_footer_and_continue_under_the_header(tmp_path, wording):
    # rows one to three counts tall, so that some row meets the bottom of some page; one taller than a page
    cases = [_case(i, 1 + i % 3) for i in range(1, 40)] + [_case(40, 16)]
    target = tmp_path / "bulk.pdf"
    render_bulk(cases, BulkSummary.of(cases), wording, target)
    exhibit = [p for p in _placed(target) if any("Count / Code" in t for t, _, _ in p)]
    assert len(exhibit) >= 4
    for n, page in enumerate(exhibit, start=1):
        low = [(t, y) for t, x, y in page if x >= LEFT - 1 and PAGE_NUMBER_Y + 2 < y < LINE_28 - 1]
        assert low == [], f"exhibit page {n}: text below line 28, into the footer: {low}"
        assert any("Count / Code" in t for t, _, _ in page), f"exhibit page {n}: no header"
    text = " ".join(t for page in exhibit for t, _, _ in page)
    assert "Count 16" in text and "PERSON39, TEST" in text
