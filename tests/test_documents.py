"""Court documents read back from the PDF (pypdf): what a judge, a clerk and a public defender need to see."""
from __future__ import annotations

import json
import unicodedata
from datetime import date
from pathlib import Path

import pypdf
import pytest

from reviewer.documents.bulk import BulkSummary
from reviewer.documents.common import Wording
from reviewer.documents.fonts import register_fonts
from reviewer.documents.grounds import ground_sentence
from reviewer.documents.merge import PdfAppender
from reviewer.documents.model import NO_CASE_NUMBER, CaseFile, CountLine
from reviewer.documents.render import render_bulk, render_case, render_case_file
from reviewer.domain.vocabulary import Outcome as O, SentenceStatus as S
from reviewer.resources import resource_path
from reviewer.services.office import office_from_document
from tests.sample_office import OFFICE_DOCUMENT

OFFICE = office_from_document(OFFICE_DOCUMENT)
PRIOR = ground_sentence("prior conviction PC 187 on 1991-04-11, Yolo County, court case 91-123 is a super strike under "
                        "PC 667(e)(2)(C)(iv)", "HS 11360(a)(3)(A); PC 667(e)(2)(C)(iv)")


@pytest.fixture(scope="module")
def wording() -> Wording:
    register_fonts(resource_path("fonts"))
    return Wording(json.loads(resource_path("templates", "documents.json").read_text()), OFFICE)


def case(name="MUÑOZ,JOSÉ ANDRÉS", court_case="SC012345A", counts=None) -> CaseFile:
    counts = counts or (
        CountLine("1", "HS 11359", "Felony", date(2010, 5, 6), O.REDESIGNATE_MISDEMEANOR, S.COMPLETED),
        CountLine("2", "HS 11357(a)", "Misdemeanor", date(2010, 5, 6), O.DISMISS_AND_SEAL, S.COMPLETED),
    )
    return CaseFile(name, date(1960, 3, 14), "A12345678", court_case, "101001", tuple(counts), person_id=7)


def pages_text(path: Path) -> list[str]:
    reader = pypdf.PdfReader(str(path))
    for page in reader.pages:
        box = page.mediabox
        assert (float(box.width), float(box.height)) == (612.0, 792.0), "US Letter"
    return [unicodedata.normalize("NFC", p.extract_text()) for p in reader.pages]


def flat(texts: list[str]) -> str:
    return " ".join(" ".join(texts).split())


def assert_pleading_paper(texts: list[str]) -> None:
    for i, text in enumerate(texts):
        lines = [line.strip() for line in text.splitlines()]
        numbers = [int(x) for x in lines if x.isdigit()]
        assert all(n in numbers for n in range(1, 29)), f"page {i + 1}: line numbers 1-28"


def test_motion_and_order_for_completed_sentence(tmp_path, wording):
    target = tmp_path / "case.pdf"
    pages = render_case(case(), wording, target)
    texts = pages_text(target)
    assert pages == len(texts) >= 2
    assert_pleading_paper(texts)
    text = flat(texts)
    for expected in (
        "SUPERIOR COURT OF THE STATE OF CALIFORNIA", "COUNTY OF SAN JOAQUIN", "THE PEOPLE OF THE STATE OF",
        "Plaintiff,", "MUÑOZ, JOSÉ ANDRÉS", "Defendant.", "Case No.: SC012345A", "CII No.: A12345678",
        "PAT EXAMPLE", "Jane Q. Deputy, SBN 234567", "State Bar No. 234567", "Deputy District Attorney",
        "Attorneys for Plaintiff, The People of the State of California", "Respectfully submitted,",
        "JUDGE OF THE SUPERIOR COURT", "[PROPOSED] ORDER", "Health and Safety Code section 11361.9",
        "section 11361.8, subdivision (f)", "Health & Saf. Code, § 11359", "§ 11357, subd. (a)", "05/06/2010",
        "Redesignated as a misdemeanor", "Dismissed and sealed", "sealed",
        "Health and Safety Code section 11590",
    ):
        assert expected in text, expected
    assert "subdivision (b)" not in text
    # the footer: title on every page, page numbers from 1
    assert all("PEOPLE'S MOTION AND [PROPOSED] ORDER" in t for t in texts)


def test_serving_sentence_cites_11361_8_b(tmp_path, wording):
    counts = (CountLine("3", "HS 11360(a)", "Felony", date(2015, 1, 2), O.DISMISS_AND_SEAL, S.SERVING),)
    render_case(case(counts=counts), wording, tmp_path / "c.pdf")
    text = flat(pages_text(tmp_path / "c.pdf"))
    assert "section 11361.8, subdivision (b)" in text
    assert "still serving the sentence" in text and "Sentence recalled; dismissed and sealed" in text
    assert "subdivision (f)" not in text and "subd. (g)" not in text
    # dismissed while serving: the sentence is recalled, nothing is imposed, no supervision to choose
    assert "Count 3, Health & Saf. Code, § 11360, subd. (a): the sentence is recalled and the conviction dismissed" in text
    assert "no supervision follows" in text and "releases the defendant from supervision" not in text


def test_challenges_notice_and_proof_of_service(tmp_path, wording):
    counts = (
        CountLine("1", "HS 11359", "Felony", date(2010, 5, 6), O.REDESIGNATE_MISDEMEANOR, S.COMPLETED),
        CountLine("2", "HS 11360(a)", "Felony", date(2015, 1, 2), O.CHALLENGE_NOT_ELIGIBLE, S.COMPLETED,
                  (PRIOR,), "Prior homicide confirmed in the court file."),
        CountLine("3", "HS 11359", "Felony", date(2016, 1, 2), O.CHALLENGE_PUBLIC_SAFETY, S.SERVING, (),
                  "Threatened to kill a witness with a firearm in 2016.", risk="a homicide or attempted homicide"),
    )
    target = tmp_path / "mixed.pdf"
    render_case(case(counts=counts), wording, target)
    texts = pages_text(target)
    assert_pleading_paper(texts)
    text = flat(texts)
    # a mixed case: the motion and order for count 1, the notice of challenge for counts 2 and 3
    assert "PEOPLE'S NOTICE OF NO CHALLENGE AND MOTION" in text and "PEOPLE'S NOTICE OF CHALLENGE" in text
    notice = flat(texts[[i for i, t in enumerate(texts) if "NOTICE OF CHALLENGE (HEALTH" in t][0]:])
    for expected in (
        "TO THE COURT AND TO THE PUBLIC DEFENDER OF THE COUNTY OF SAN JOAQUIN",
        "does not satisfy the criteria of Health and Safety Code section 11361.8",
        "previously convicted of Pen. Code, § 187 on 04/11/1991, Yolo County, court case 91-123",
        "The People state: Prior homicide confirmed in the court file.", "unreasonable risk of danger to public safety",
        "Pen. Code, § 1170.18, subd. (c)", "The People state: Threatened to kill a witness with a firearm in 2016.",
        "a new violent felony described in Penal Code section 667, subdivision (e)(2)(C)(iv), namely a homicide",
        "PROOF OF SERVICE",
        "under penalty of perjury", "Office of the Public Defender, County of San Joaquin", "Stockton, California",
        "Not eligible", "Public safety", "Health & Saf. Code, § 11360, subd. (a)",
    ):
        assert expected in notice, expected
    order = flat(texts[: [i for i, t in enumerate(texts) if "NOTICE OF CHALLENGE (HEALTH" in t][0]])
    assert "§ 11360" not in order  # challenged counts are not in the order


def test_names_in_any_script_print_as_written(tmp_path, wording):
    # Vietnamese typed with combining marks (NFD) prints as the composed letters
    for name, expected in (("NGUYỄN,THỊ", "NGUYỄN, THỊ"), (unicodedata.normalize("NFD", "TRẦN,VĂN"), "TRẦN, VĂN"),
                           ("阮,明", "阮, 明"), ("李,小龍", "李, 小龍"), ("김,민준", "김, 민준"),
                           ("ИВАНОВ,ИВАН", "ИВАНОВ, ИВАН"), ("ՊԵՏՐՈՍՅԱՆ,ԱՐԱՄ", "ՊԵՏՐՈՍՅԱՆ, ԱՐԱՄ")):
        target = tmp_path / "n.pdf"
        render_case(case(name=name), wording, target)
        assert expected in flat(pages_text(target)), name


@pytest.mark.parametrize("name, words, joined", [
    ("حداد,علي", ("حداد", "علي"), "\ufecb"),  # Arabic: ain takes its initial form
    ("رضایی,مریم", ("رضایی", "مریم"), "\ufbfe"),  # Persian: farsi yeh takes its initial form
    ("כהן,דוד", ("כהן", "דוד"), ""),  # Hebrew: no joining, order only
])
def test_right_to_left_names_are_ordered_and_joined(tmp_path, wording, name, words, joined):
    """python-bidi puts the run in visual order, HarfBuzz joins the letters; read back, the line holds the
    glyphs in visual order (right to left reading gives the name), joined forms where the script joins."""
    render_case(case(name=name), wording, tmp_path / "a.pdf")
    text = pages_text(tmp_path / "a.pdf")[0]
    line = next(x for x in text.splitlines() if any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in x))
    if joined:
        assert joined in line, [hex(ord(c)) for c in line]
    logical = unicodedata.normalize("NFKC", line)  # pypdf reads a right-to-left run back in logical order
    for word in words:
        assert word in logical, (logical, word)
    assert logical.index(words[0]) < logical.index(words[1])  # family name first, as the record has it


def test_case_without_number_says_so(tmp_path, wording):
    render_case(case(court_case=""), wording, tmp_path / "x.pdf")
    assert f"Case No.: {NO_CASE_NUMBER}" in flat(pages_text(tmp_path / "x.pdf"))


def test_bulk_motion_exhibit_repeats_headers(tmp_path, wording):
    cases = [case(name=f"PERSON{i},TEST", court_case=f"CR{i:05d}") for i in range(60)]
    cases[5] = case(name="阮,明", court_case="CR00005")
    target = tmp_path / "bulk.pdf"
    pages, rows = render_bulk(cases, BulkSummary.of(cases), wording, target)
    assert rows == 60
    texts = pages_text(target)
    assert_pleading_paper(texts)
    text = flat(texts)
    assert "BULK MOTION" in text and "THE PERSONS LISTED IN EXHIBIT A" in text and "See Exhibit A" in text
    assert "Exhibit A lists 120 convictions in 60 court cases of 1 person:" in text
    # the presiding judge's finding: granted (except rows), denied for rows, or other; then the signature
    order = text[text.index("[PROPOSED] ORDER", text.index("Respectfully submitted")):]
    assert order.index("[ ] GRANTED. The Court finds that each person listed in Exhibit A") < \
        order.index("[ ] DENIED as to the Exhibit A rows numbered") < order.index("[ ] OTHER:") < \
        order.index("JUDGE OF THE SUPERIOR COURT")
    exhibit = [t for t in texts if "CR000" in t]
    assert len(exhibit) >= 3
    for t in exhibit:
        assert "Name" in t and "Case No." in t and "Relief" in t and "DOB / CII" in t
    for t in exhibit:
        assert "Count / Code" in t and "Section / Level /" in t and "Convicted" in t
    # each conviction: its count number, code section and original level (point 7)
    row = text[text.index("PERSON59, TEST") - 40:]
    assert "Count 1 Health & Saf. Code, § 11359 Felony, 05/06/2010" in text
    assert "Count 2 Health & Saf. Code, § 11357, subd. (a) Misdemeanor, 05/06/2010" in text or \
        "Count 2 Health & Saf. Code, § 11357, subd. (a)" in row
    for expected in ("PERSON59, TEST", "CR00059", "阮, 明", "03/14/1960", "A12345678", "Dismiss & seal",
                     "Misdemeanor", "§ 11361.8, subd. (f)", "§ 11357, subd. (a)"):
        assert expected in text, expected


def test_exhibit_a_keeps_each_case_number_on_one_line(tmp_path, wording):
    """A case number cut in two ("CR425014" over "A") reads as another case, or none: each stands whole on
    its line of Exhibit A, and a misdemeanor's level and date stay inside their column."""
    numbers = ["CR425014A", "MA134763B", "BA123456-01", "SCD182218", "F507489"]
    cases = [case(name=f"PERSON{i},TEST", court_case=number) for i, number in enumerate(numbers)]
    target = tmp_path / "bulk.pdf"
    render_bulk(cases, BulkSummary.of(cases), wording, target)
    lines = [line for text in pages_text(target) if "EXHIBIT A" in text for line in text.splitlines()]
    for number in numbers:
        assert any(number in line for line in lines), number


def test_combined_file_appends_cases_and_shares_fonts(tmp_path, wording):
    paths, rendered = [], []
    mixed = (CountLine("1", "HS 11359", "Felony", date(2010, 5, 6), O.REDESIGNATE_MISDEMEANOR, S.COMPLETED),
             CountLine("2", "HS 11360(a)", "Felony", date(2015, 1, 2), O.CHALLENGE_NOT_ELIGIBLE, S.COMPLETED, (PRIOR,)))
    for i, name in enumerate(("DOE,JANE", "ROE,RICHARD", "阮,明")):
        paths.append(tmp_path / f"{i}.pdf")
        rendered.append(render_case_file(case(name=name, court_case=f"CR{i}", counts=mixed if i == 1 else None),
                                         wording, paths[-1]))
    combined = PdfAppender(tmp_path / "combined.pdf")
    for _ in range(20):
        for p, r in zip(paths, rendered):
            combined.add(p, r.title, r.marks)
    pages = combined.close()
    texts = pages_text(tmp_path / "combined.pdf")
    assert pages == len(texts) == 20 * sum(len(pypdf.PdfReader(str(p)).pages) for p in paths)
    assert_pleading_paper(texts)
    last = len(pypdf.PdfReader(str(paths[-1])).pages)
    assert "阮, 明" in " ".join(texts[-last:]) and "DOE, JANE" in texts[0]
    single = sum(p.stat().st_size for p in paths)
    assert (tmp_path / "combined.pdf").stat().st_size < 3 * single  # one copy of the shared fonts, not sixty
    assert not list(tmp_path.glob(".*.part"))
    # a bookmark per case, and under it one per document, each on the page it names
    reader = pypdf.PdfReader(str(tmp_path / "combined.pdf"))
    outline = reader.outline
    cases = [item for item in outline if not isinstance(item, list)]
    assert len(cases) == 60 and cases[0].title == "People v. DOE, JANE, Case No. CR0"
    assert cases[1].title == "People v. ROE, RICHARD, Case No. CR1"
    children = outline[outline.index(cases[1]) + 1]
    assert [c.title for c in children] == ["Motion for relief and [proposed] order", "Notice of challenge",
                                           "Proof of service"]
    for child, expected in zip(children, ("NOTICE OF NO CHALLENGE AND MOTION", "NOTICE OF CHALLENGE TO RELIEF",
                                          "PROOF OF SERVICE")):
        assert expected in flat([texts[reader.get_destination_page_number(child)]])
    assert all("ROE, RICHARD" in texts[reader.get_destination_page_number(c)] for c in cases[1::3])
    # each distinct font subset once: the same subset in sixty files is one object
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.setdefault(font.get_object()["/BaseFont"], set()).add(font.idnum)
    assert all(len(ids) == 1 for ids in fonts.values()), fonts


def test_documents_layer_is_pure():
    import ast

    allowed = ("reviewer.domain", "reviewer.documents", "reportlab")
    for path in Path(resource_path("..")).resolve().joinpath("reviewer", "documents").glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                top = node.module
            elif isinstance(node, ast.Import):
                top = node.names[0].name
            else:
                continue
            if top.startswith("reviewer") or top.split(".")[0] in ("sqlalchemy", "PySide6"):
                assert top.startswith(allowed), f"{path.name} imports {top}"


def _between(text: str, start: str, end: str) -> str:
    return text[text.index(start): text.index(end, text.index(start))]


def test_resentencing_order_sets_the_new_sentence_credit_and_supervision(tmp_path, wording):
    """HS 11361.8(b), (c) (as PC 1170.18(d)): recall, the new level and offense, credit, at most a year or none."""
    counts = (
        CountLine("1", "HS 11359", "Felony", date(2018, 5, 6), O.REDESIGNATE_MISDEMEANOR, S.SERVING),
        CountLine("2", "HS 11360(a)", "Felony", date(2018, 5, 6), O.REDESIGNATE_MISDEMEANOR, S.SERVING),
        CountLine("3", "HS 11357(a)", "Misdemeanor", date(2012, 5, 6), O.REDESIGNATE_INFRACTION, S.COMPLETED),
    )
    render_case(case(counts=counts), wording, tmp_path / "r.pdf")
    text = flat(pages_text(tmp_path / "r.pdf"))
    order = text[text.index("[PROPOSED] ORDER", text.index("Respectfully submitted")):]
    recall = _between(order, "the sentence is recalled (Health & Saf. Code, § 11361.8, subd. (b)) and the defendant is "
                             "resentenced as follows:", "Each conviction")
    assert "Count 1, Health & Saf. Code, § 11359: resentenced to a misdemeanor under Health & Saf. Code, § 11359, " \
           "subd. (b). Sentence imposed:" in recall
    assert "Count 2, Health & Saf. Code, § 11360, subd. (a): resentenced to a misdemeanor under Health & Saf. Code, " \
           "§ 11360, subd. (a)(2)." in recall
    assert recall.count("Credit for time already served: ________ days (Health & Saf. Code, § 11361.8, subd. (c))") == 2
    assert "Count 3" not in recall  # completed: redesignated, never resentenced
    assert "subject to supervision for one year following completion of the time in custody, or to whatever " \
           "supervision time the defendant would otherwise have been subject to after release, whichever is shorter" in recall
    assert "[ ] The Court, in its discretion, releases the defendant from supervision." in recall
    assert "see Pen. Code, § 1170.18, subd. (d)" in recall


def test_order_is_a_finding_granted_denied_or_other(tmp_path, wording):
    render_case(case(), wording, tmp_path / "f.pdf")
    texts = pages_text(tmp_path / "f.pdf")
    text = flat(texts)
    order = text[text.index("[PROPOSED] ORDER", text.index("Respectfully submitted")):]
    granted, denied, other = (order.index("[ ] GRANTED. The Court finds that the defendant would not have been guilty "
                                          "of an offense, or would have been guilty of a lesser offense"),
                              order.index("[ ] DENIED. The Court finds that the defendant does not satisfy the "
                                          "criteria of Health and Safety Code section 11361.8. The motion is denied."),
                              order.index("[ ] OTHER: ____"))
    assert granted < order.index("1. The convictions below") < denied < other < order.index("JUDGE OF THE SUPERIOR COURT")
    assert "public safety" not in order  # completed sentences: no public-safety ground to deny on (HS 11361.8(f))
    # "without a hearing" cites the subdivision that says it
    assert "no hearing is necessary unless the defendant requests one (Health & Saf. Code, § 11361.8, subd. (g))" in text
    serving = (CountLine("1", "HS 11359", "Felony", date(2018, 5, 6), O.REDESIGNATE_MISDEMEANOR, S.SERVING),)
    render_case(case(counts=serving), wording, tmp_path / "s.pdf")
    order = flat(pages_text(tmp_path / "s.pdf"))
    assert "or that granting relief would pose an unreasonable risk of danger to public safety (Health & Saf. Code, " \
           "§ 11361.8, subd. (b); Pen. Code, § 1170.18, subd. (c)). The motion is denied." in order


def test_every_page_after_the_first_names_the_case(tmp_path, wording):
    counts = tuple(CountLine(str(i), "HS 11359", "Felony", date(2010, 5, 6), O.REDESIGNATE_MISDEMEANOR, S.COMPLETED)
                   for i in range(1, 15)) + (
        CountLine("15", "HS 11360(a)", "Felony", date(2016, 1, 2), O.CHALLENGE_PUBLIC_SAFETY, S.SERVING, (),
                  "Threatened to kill a witness on 03/02/2016.", risk="a homicide or attempted homicide"),)
    render_case(case(counts=counts), wording, tmp_path / "p.pdf")
    texts = pages_text(tmp_path / "p.pdf")
    assert len(texts) >= 6
    firsts = [i for i, t in enumerate(texts) if "SUPERIOR COURT OF THE STATE OF CALIFORNIA" in t]
    assert len(firsts) == 2  # the motion and order, the notice of challenge
    for i, t in enumerate(texts):
        if i in firsts:
            assert "People v. MUÑOZ, JOSÉ ANDRÉS" not in t
            continue
        assert "People v. MUÑOZ, JOSÉ ANDRÉS" in t and "Case No.: SC012345A" in t, f"page {i + 1}"
    signed = [i for i, t in enumerate(texts)
              if any(line.strip() in ("JUDGE OF THE SUPERIOR COURT", "(Signature of declarant)") for line in t.splitlines())]
    assert len(signed) == 2 and all(i not in firsts for i in signed)
    bulk = [case(name=f"P{i},T", court_case=f"CR{i}") for i in range(40)]
    render_bulk(bulk, BulkSummary.of(bulk), wording, tmp_path / "b.pdf")
    for t in pages_text(tmp_path / "b.pdf")[1:]:
        assert "People v. THE PERSONS LISTED IN EXHIBIT A" in t and "Case No.: See Exhibit A" in t


def test_dates_and_citations_in_california_style(tmp_path, wording):
    from reviewer.documents.grounds import ground_sentence

    fact = ground_sentence("prior conviction PC 187 on 1991-04-11, Yolo County, court case 91-123 is a super strike "
                           "under PC 667(e)(2)(C)(iv)", "HS 11360(a)(3)(A); PC 667(e)(2)(C)(iv)")
    assert fact == ("The defendant was previously convicted of Pen. Code, § 187 on 04/11/1991, Yolo County, court case "
                    "91-123, an offense described in Pen. Code, § 667, subd. (e)(2)(C)(iv). (Health & Saf. Code, "
                    "§ 11360, subd. (a)(3)(A); Pen. Code, § 667, subd. (e)(2)(C)(iv).)")
    counts = (CountLine("1", "HS 11359", "Felony", date(2010, 5, 6), O.REDESIGNATE_MISDEMEANOR, S.COMPLETED),
              CountLine("2", "HS 11360(a)", "Felony", date(2015, 1, 2), O.CHALLENGE_NOT_ELIGIBLE, S.COMPLETED, (fact,),
                        "Prior homicide confirmed in the court file."))
    render_case(case(counts=counts), wording, tmp_path / "d.pdf")
    text = flat(pages_text(tmp_path / "d.pdf"))
    import re

    assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", text), "no ISO dates on paper"
    assert not re.search(r"\b(HS|PC) \d", text), "no engine-style citations on paper"
    dates = re.findall(r"\b\d{1,2}/\d{1,2}/\d{4}\b", text)
    assert dates and all(re.fullmatch(r"\d{2}/\d{2}/\d{4}", d) for d in dates)
    assert "Dated: ____/____/________" in text and "Executed on ____/____/________" in text
    assert "The People state: Prior homicide confirmed in the court file." in text
    assert "reviewing attorney" not in text


def test_proof_of_service_is_complete_and_served_on_the_office_public_defender(tmp_path, wording):
    """CCP 1013a (mail) and 1013b (electronic): declarant over 18 and not a party, business and e-service
    addresses, the manner, the place of mailing; the public defender's addresses from the office settings."""
    counts = (CountLine("2", "HS 11360(a)", "Felony", date(2015, 1, 2), O.CHALLENGE_NOT_ELIGIBLE, S.COMPLETED, (PRIOR,)),)
    render_case(case(counts=counts), wording, tmp_path / "n.pdf")
    texts = pages_text(tmp_path / "n.pdf")
    service = flat([t for t in texts if "PROOF OF SERVICE" in t and "I served the foregoing" in t])
    for expected in (
        "(name), declare: I am over the age of eighteen years and not a party to this action.",
        "My business address is 222 E. Weber Avenue, Room 202, Stockton, CA 95202, County of San Joaquin, California.",
        "My electronic service address is prop64@da.example.gov.",
        "in People v. MUÑOZ, JOSÉ ANDRÉS, SC012345A, on the person named below, in the manner checked:",
        "[ ] BY MAIL (Code Civ. Proc., §§ 1013, subd. (a), 1013a): a true copy in a sealed envelope, postage fully "
        "prepaid", "mailed at Stockton, California.",
        "[ ] BY ELECTRONIC SERVICE (Code Civ. Proc., §§ 1010.6, 1013b)", "[ ] BY PERSONAL DELIVERY",
        "Person served: Office of the Public Defender, County of San Joaquin 102 S. San Joaquin Street Stockton, CA "
        "95202 Electronic service address: eservice@pd.example.gov",
        "under penalty of perjury", "Executed on ____/____/________ at Stockton, California.",
        "(Type or print name)", "(Signature of declarant)",
    ):
        assert expected in service, expected
    other = office_from_document({**OFFICE_DOCUMENT, "public_defender": "Alt Public Defender",
                                  "public_defender_address": ["1 Other Way", "Lodi, CA 95240"],
                                  "public_defender_email": "pd@lodi.example.gov"})
    render_case(case(counts=counts), Wording(wording.data, other), tmp_path / "o.pdf")
    assert "Person served: Alt Public Defender 1 Other Way Lodi, CA 95240 Electronic service address: " \
           "pd@lodi.example.gov" in flat(pages_text(tmp_path / "o.pdf"))


def test_notice_has_hearing_lines_and_relief_and_challenge_papers_refer_to_each_other(tmp_path, wording):
    counts = (CountLine("1", "HS 11359", "Felony", date(2010, 5, 6), O.REDESIGNATE_MISDEMEANOR, S.COMPLETED),
              CountLine("2", "HS 11360(a)", "Felony", date(2015, 1, 2), O.CHALLENGE_NOT_ELIGIBLE, S.COMPLETED, (PRIOR,)),
              CountLine("3", "HS 11360(a)", "Felony", date(2015, 1, 2), O.CHALLENGE_NOT_ELIGIBLE, S.COMPLETED, (PRIOR,)))
    render_case(case(counts=counts), wording, tmp_path / "m.pdf")
    texts = pages_text(tmp_path / "m.pdf")
    notice_at = next(i for i, t in enumerate(texts) if "NOTICE OF CHALLENGE (HEALTH" in t)
    motion, notice = flat(texts[:notice_at]), flat(texts[notice_at:])
    assert "The People challenge the relief for counts 2 and 3 in the People's notice of challenge filed with this " \
           "motion" in motion
    assert "The People do not challenge count 1 of this case; the relief for it is sought in the People's notice of " \
           "no challenge and motion for relief" in notice
    first = " ".join(texts[notice_at].split())
    assert "Hearing date: ____/____/________" in first and "Time: ___________ Dept.: ______" in first
    # relief asked for in the bulk motion instead: the notice says so
    from dataclasses import replace

    only = replace(case(counts=counts[1:]), relief_in_bulk=("1",))
    render_case(only, wording, tmp_path / "b.pdf")
    text = flat(pages_text(tmp_path / "b.pdf"))
    assert "[PROPOSED] ORDER" not in text
    assert "the relief for it is sought in the People's bulk motion for relief, Exhibit A" in text


@pytest.mark.parametrize("long_name", [
    "Office of the District Attorney of the City and County of San Francisco, Civil and Criminal",  # two lines
    "District Attorney " + "Verylongcountyname " * 4,  # two lines at 8 pt, the last set smaller still
])
def test_a_long_district_attorney_name_never_crosses_the_right_margin(tmp_path, wording, long_name):
    from reviewer.documents.fonts import width
    from reviewer.documents.pleading import CENTRE, RIGHT

    office = office_from_document({**OFFICE_DOCUMENT, "district_attorney": long_name.strip()})
    render_case(case(), Wording(wording.data, office), tmp_path / "long.pdf")
    placed = []

    def visit(text, cm, tm, font, size):
        if text.strip() and tm[4] >= CENTRE:  # the right-hand column: the signature block
            placed.append((text.strip(), tm[4], size * tm[0]))

    for page in pypdf.PdfReader(str(tmp_path / "long.pdf")).pages:
        page.extract_text(visitor_text=visit)
    words = " ".join(t for t, _, _ in placed)
    assert " ".join(long_name.upper().split()) in " ".join(words.split())
    assert [p for p in placed if p[1] + width(p[0], p[2]) > RIGHT + 0.5] == []


def test_a_conviction_already_no_more_than_the_law_now_reads_the_same_in_a_notice_in_either_wording():
    """The engine's already-lesser reason, as it is worded now and as evaluations stored before have it."""
    where = "misdemeanor 11357(C) HS on 2001-01-01, Los Angeles County, court case X1: HS 11357(c) before AUMA " \
            "(more than 28.5 g) is still a misdemeanor under HS 11357(b)(2)"
    now = ground_sentence(f"{where}, so there is nothing lesser to give", "HS 11357(b)(2)")
    before = ground_sentence(f"{where}; the conviction is no more than that, so HS 11361.8(a),(e) give nothing lesser",
                             "HS 11357(b)(2)")
    assert now == before and now.startswith("The defendant was convicted of a misdemeanor")
    assert "11361.8, subds. (a), (e) give no relief" in now
