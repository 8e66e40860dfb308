"""Render documents to PDF files, atomically: a file either is complete or does not exist."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from reportlab.lib.pagesizes import LETTER
from reportlab.pdfgen.canvas import Canvas

from reviewer.documents.bulk import BulkSummary, write_bulk_motion
from reviewer.documents.common import Wording
from reviewer.documents.exhibit import unnumbered_text
from reviewer.documents.model import CaseFile
from reviewer.documents.motion import write_motion_and_order
from reviewer.documents.notice import write_notice_of_challenge
from reviewer.documents.pleading import PleadingWriter
from reviewer.documents.readiness import mark

PRODUCER = "Reviewer"


def new_canvas(target, title: str, author: str) -> Canvas:
    c = Canvas(target, pagesize=LETTER, pageCompression=1, invariant=1, initialFontName="Pleading", initialFontSize=12)
    c.setTitle(title)
    c.setAuthor(author)
    c.setCreator(PRODUCER)
    return c


@dataclass(frozen=True)
class Rendered:
    """A written case file: its pages, its bookmark title and each document's first page (from 0)."""

    pages: int
    title: str
    marks: tuple[tuple[str, int], ...]


def write_case(canvas: Canvas, case: CaseFile, wording: Wording) -> PleadingWriter:
    """Every document one court case needs, in one canvas; returns the writer (pages, bookmarks)."""
    w = PleadingWriter(canvas)
    mark(w, wording, wording.office, case)
    if case.relief_counts:
        write_motion_and_order(w, case, wording)
    if case.challenged_counts:
        write_notice_of_challenge(w, case, wording)
    w.finish()
    return w


def case_title(case: CaseFile, wording: Wording) -> str:
    return wording.fill(wording["bookmarks"]["case"], name=case.display_name, case_number=case.case_number)


def render_case_file(case: CaseFile, wording: Wording, target: Path) -> Rendered:
    """Write the case's PDF to `target` through a temporary file renamed into place, with bookmarks."""
    target = Path(target)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.part")
    title = case_title(case, wording)
    try:
        canvas = new_canvas(str(tmp), title, wording.office.district_attorney)
        w = write_case(canvas, case, wording)
        canvas.save()
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()
    return Rendered(w.pages_total, title, tuple(w.marks))


def render_case(case: CaseFile, wording: Wording, target: Path) -> int:
    """Write the case's PDF to `target`; returns its pages."""
    return render_case_file(case, wording, target).pages


def render_bulk(cases: Iterable[CaseFile], summary: BulkSummary, wording: Wording, target: Path) -> tuple[int, int]:
    """The bulk motion with Exhibit A; returns (pages, exhibit rows)."""
    target = Path(target)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.part")
    try:
        canvas = new_canvas(str(tmp), "Bulk motion and order, HS 11361.9", wording.office.district_attorney)
        w = PleadingWriter(canvas)
        mark(w, wording, wording.office, unnumbered_rows=unnumbered_text(summary))
        rows = write_bulk_motion(w, cases, summary, wording)
        w.finish()
        canvas.save()
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()
    return w.pages_total, rows
