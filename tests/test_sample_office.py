"""Papers printed with the shipped example office are marked SAMPLE — NOT FOR FILING on every page.

Real SQLite file (the gogen fixture decided), a real print job, PDFs read back with pypdf."""
from __future__ import annotations

from pathlib import Path

import pypdf
import pytest

from reviewer.services import printing
from reviewer.services.office import default_office_document, save_office
from tests.printing_fixtures import OFFICE, gogen_db, gogen_template  # noqa: F401 - fixtures

MARK = "SAMPLE — NOT FOR FILING"


def _pages(path: Path) -> list[str]:
    return [" ".join(p.extract_text().split()) for p in pypdf.PdfReader(str(path)).pages]


def _every_paper(report) -> list[Path]:
    return [*sorted((report.out_dir / "cases").glob("*.pdf")), *report.volumes, *([report.bulk] if report.bulk else [])]


@pytest.mark.parametrize("office", [
    {"filing_style": "both"},  # the shipped example, as the demo database has it
    {"filing_style": "per-case", "example": False, "county": "Alameda"},  # example details left in, flag removed
])
def test_every_page_printed_with_the_example_office_is_marked(gogen_db, tmp_path, office):
    save_office(gogen_db, {**default_office_document(), **office}, "tester")
    report = printing.print_batch(gogen_db, tmp_path / "out", "clerk")
    assert report.example_office and "SAMPLE - NOT FOR FILING" in report.summary()
    papers = _every_paper(report)
    assert len(papers) >= 3 and (report.bulk is not None) == (office["filing_style"] == "both")
    for paper in papers:
        for n, text in enumerate(_pages(paper), start=1):
            assert text.count(MARK) >= 2, f"{paper.name} page {n}"  # the banner and the watermark


def test_papers_of_a_real_office_carry_no_sample_mark(gogen_db, tmp_path):
    save_office(gogen_db, {**OFFICE, "filing_style": "both"}, "tester")
    report = printing.print_batch(gogen_db, tmp_path / "out", "clerk")
    assert not report.example_office
    for paper in _every_paper(report):
        assert not any("SAMPLE" in text for text in _pages(paper)), paper.name
