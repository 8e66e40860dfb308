"""The bulk order grants what each row of Exhibit A says, and names the rows it covers (PDF read back)."""
from __future__ import annotations

import json
from datetime import date

import pypdf
import pytest

from reviewer.documents.common import Wording
from reviewer.documents.bulk import BulkSummary
from reviewer.documents.fonts import register_fonts
from reviewer.documents.model import CaseFile, CountLine
from reviewer.documents.render import render_bulk
from reviewer.domain.vocabulary import Outcome as O, SentenceStatus as S
from reviewer.resources import resource_path
from reviewer.services.office import office_from_document
from tests.sample_office import OFFICE_DOCUMENT


@pytest.fixture(scope="module")
def wording() -> Wording:
    register_fonts(resource_path("fonts"))
    return Wording(json.loads(resource_path("templates", "documents.json").read_text()),
                   office_from_document(OFFICE_DOCUMENT))


def _case(i: int, outcome: O, status: S) -> CaseFile:
    count = CountLine("1", "HS 11359", "Felony", date(2015, 5, 6), outcome, status)
    return CaseFile(f"PERSON{i},TEST", date(1960, 3, 14), "A12345678", f"CR{i:05d}", "101001", (count,), person_id=i)


def _order(wording, tmp_path, cases) -> tuple[str, str]:
    target = tmp_path / "bulk.pdf"
    render_bulk(cases, BulkSummary.of(cases), wording, target)
    text = " ".join(" ".join(p.extract_text() for p in pypdf.PdfReader(str(target)).pages).split())
    order = text[text.index("[PROPOSED] ORDER", text.index("Respectfully submitted")):text.index("EXHIBIT A Convictions")]
    return order, text[text.index("EXHIBIT A Convictions"):]


def test_serving_dismissals_are_dismissed_not_resentenced(tmp_path, wording):
    cases = [_case(1, O.DISMISS_AND_SEAL, S.SERVING), _case(2, O.DISMISS_AND_SEAL, S.COMPLETED)]
    order, exhibit = _order(wording, tmp_path, cases)
    assert "resentenced" not in order and "supervision for one year" not in order
    assert "The conviction for which Exhibit A states “Recall; dismiss & seal” (Exhibit A, row 1): the sentence is " \
           "recalled" in order
    assert "no new sentence is imposed and no supervision follows" in order
    assert "“Dismiss & seal” or “Recall; dismiss & seal” (Exhibit A, rows 1-2): the conviction is dismissed" in order
    assert "section 11361.8, subdivisions (b) or (f), as cited there" in order
    assert "misdemeanor or an infraction" not in order  # no row is redesignated or resentenced
    row1 = exhibit[exhibit.index("PERSON1, TEST"):exhibit.index("PERSON2, TEST")]
    assert "Recall; dismiss & seal" in row1 and "subd. (b)" in row1


def test_each_paragraph_names_only_the_rows_it_covers(tmp_path, wording):
    cases = [_case(1, O.DISMISS_AND_SEAL, S.COMPLETED), _case(2, O.REDESIGNATE_MISDEMEANOR, S.SERVING),
             _case(3, O.DISMISS_AND_SEAL, S.SERVING), _case(4, O.REDESIGNATE_MISDEMEANOR, S.COMPLETED),
             _case(5, O.REDESIGNATE_INFRACTION, S.SERVING)]
    order, exhibit = _order(wording, tmp_path, cases)
    resentence = order[order.index("“Recall; resentence”"):]
    assert resentence.startswith("“Recall; resentence” (Exhibit A, rows 2 and 5): the sentence is recalled")
    assert "Each of the 2 convictions for which Exhibit A states “Recall; resentence”" in order
    assert "The conviction for which Exhibit A states “Recall; dismiss & seal” (Exhibit A, row 3)" in order
    assert "“Dismiss & seal” or “Recall; dismiss & seal” (Exhibit A, rows 1 and 3)" in order
    assert "“Redesignate” or “Recall; resentence” (Exhibit A, rows 2 and 4-5): the conviction is a misdemeanor" in order
    for i, label in ((1, "Dismiss & seal"), (2, "Recall; resentence Misdemeanor"), (3, "Recall; dismiss & seal"),
                     (4, "Redesignate Misdemeanor"), (5, "Recall; resentence Infraction")):
        end = exhibit.index(f"PERSON{i + 1}, TEST") if i < 5 else len(exhibit)
        assert label in exhibit[exhibit.index(f"PERSON{i}, TEST"):end], i


def test_completed_sentences_only_have_no_recall_paragraph(tmp_path, wording):
    cases = [_case(1, O.REDESIGNATE_MISDEMEANOR, S.COMPLETED)]
    order, _ = _order(wording, tmp_path, cases)
    assert "recalled" not in order.split("[ ] DENIED")[0].split("IT IS ORDERED:")[1]
    assert "subdivision (f), as cited there" in order
