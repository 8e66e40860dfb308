"""Whether a paper may be filed as printed: a real court case number, real office details.

A paper whose case number is missing, or a placeholder someone typed ("TODO", "TBD", "N/A", "NOT ON
DOJ RECORD"), is printed marked on every page and reported as not filing-ready; so is every paper
printed with the shipped example office (resources/office/default_office.json).
"""
from __future__ import annotations

from reviewer.documents.model import CaseFile, Office, case_number_problem

__all__ = ["banners", "case_number_problem", "mark"]


def mark(w, wording, office: Office, case: CaseFile | None = None, unnumbered_rows: str = "") -> None:
    """Set the writer's banners, and across papers printed with the example office a watermark, on every page."""
    w.banners = banners(wording, office, case, unnumbered_rows)
    w.watermark = wording["banners"]["sample_watermark"] if office.is_example else ""


def banners(wording, office: Office, case: CaseFile | None = None, unnumbered_rows: str = "") -> list[str]:
    """The marks printed atop every page of a paper that must not be filed as it is."""
    b = wording["banners"]
    marks = [b["sample"]] if office.is_example else []
    if case is not None and case_number_problem(case.court_case):
        marks.append(b["case_number"])
    if unnumbered_rows:
        marks.append(b["bulk_case_number"].format(rows=unnumbered_rows))
    return marks
