"""The dashboard as a one-page PDF (US Letter): key figures, simple bar charts, the people relieved."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import letter
from reportlab.lib.units import inch
from reportlab.pdfgen.canvas import Canvas

from reviewer.domain.vocabulary import Outcome, Suggestion
from reviewer.reports.figures import LEVEL_NAMES, LEVELS, RECENT_YEARS, SECTIONS, Figures

LEVEL_COLOURS = {"F": colors.HexColor("#C0392B"), "M": colors.HexColor("#E67E22"), "I": colors.HexColor("#F1C40F"),
                 "": colors.HexColor("#95A5A6")}
BAR = colors.HexColor("#305496")
DONE = colors.HexColor("#27AE60")
GRID = colors.HexColor("#D5D8DC")
TITLE = "Proposition 64 review: summary"


def _fit(c: Canvas, text: str, width: float, font: str = "Helvetica", size: float = 9) -> str:
    while text and c.stringWidth(text, font, size) > width:
        text = text[:-2] + "…" if len(text) > 2 else ""
    return text


def _heading(c: Canvas, x: float, y: float, text: str) -> None:
    c.setFont("Helvetica-Bold", 11)
    c.setFillColor(colors.black)
    c.drawString(x, y, text)


def _tiles(c: Canvas, f: Figures, top: float) -> None:
    tiles = (
        ("Convictions evaluated", f"{f.evaluated:,}"),
        ("Persons", f"{f.persons:,}"),
        ("Flagged felonies", f"{f.flagged:,}"),
        ("Queue done", f"{f.progress:.0%}"),
    )
    width = (letter[0] - 1.5 * inch) / len(tiles)
    for i, (label, value) in enumerate(tiles):
        x = 0.75 * inch + i * width
        c.setFillColor(colors.HexColor("#EAF0F8"))
        c.roundRect(x + 3, top - 52, width - 6, 50, 6, stroke=0, fill=1)
        c.setFillColor(colors.black)
        c.setFont("Helvetica-Bold", 18)
        c.drawCentredString(x + width / 2, top - 28, value)
        c.setFont("Helvetica", 8.5)
        c.drawCentredString(x + width / 2, top - 44, label)


def _section_chart(c: Canvas, f: Figures, x: float, y: float, w: float, h: float) -> None:
    _heading(c, x, y + h + 8, "Convictions by section and level")
    peak = max([f.section_total(s) for s in SECTIONS] + [1])
    slot = w / len(SECTIONS)
    c.setStrokeColor(GRID)
    c.line(x, y, x + w, y)
    for i, section in enumerate(SECTIONS):
        bx, base = x + i * slot + slot * 0.2, y
        for level in LEVELS:
            n = f.section_level.get(section, {}).get(level, 0)
            if n:
                height = h * 0.85 * n / peak
                c.setFillColor(LEVEL_COLOURS[level])
                c.rect(bx, base, slot * 0.6, height, stroke=0, fill=1)
                base += height
        c.setFillColor(colors.black)
        c.setFont("Helvetica", 8)
        c.drawCentredString(bx + slot * 0.3, y - 11, f"HS {section}")
        c.drawCentredString(bx + slot * 0.3, base + 3, f"{f.section_total(section):,}")
    lx = x
    for level in LEVELS:
        c.setFillColor(LEVEL_COLOURS[level])
        c.rect(lx, y - 26, 7, 7, stroke=0, fill=1)
        c.setFillColor(colors.black)
        c.drawString(lx + 10, y - 25, LEVEL_NAMES[level])
        lx += 62


def _hbars(c: Canvas, title: str, items: list[tuple[str, int]], x: float, y: float, w: float) -> float:
    _heading(c, x, y, title)
    y -= 6
    peak = max([n for _, n in items] + [1])
    label_w = w * 0.56
    for label, n in items:
        y -= 14
        c.setFillColor(colors.black)
        c.setFont("Helvetica", 8.5)
        c.drawString(x, y + 2, _fit(c, label, label_w - 4, size=8.5))
        length = (w - label_w - 40) * n / peak
        c.setFillColor(BAR)
        c.rect(x + label_w, y + 1, max(length, 0.5), 9, stroke=0, fill=1)
        c.setFillColor(colors.black)
        c.drawString(x + label_w + length + 4, y + 2, f"{n:,}")
    return y


def _progress(c: Canvas, f: Figures, x: float, y: float, w: float) -> None:
    _heading(c, x, y, "Review queue")
    c.setFont("Helvetica", 8.5)
    c.drawString(x, y - 16, f"Flagged felonies decided: {f.flagged_decided:,} of {f.flagged:,}; "
                            f"pending {f.flagged_pending:,} ({f.attention_pending:,} need attention first). "
                            f"All evaluated convictions decided: {f.decided:,} of {f.evaluated:,}.")
    bar = w - 40
    c.setFillColor(GRID)
    c.rect(x, y - 36, bar, 12, stroke=0, fill=1)
    c.setFillColor(DONE)
    c.rect(x, y - 36, bar * f.progress, 12, stroke=0, fill=1)
    c.setFillColor(colors.black)
    c.drawString(x + bar + 6, y - 34, f"{f.progress:.0%}")


def _people(c: Canvas, f: Figures, x: float, y: float) -> None:
    _heading(c, x, y, "People")
    rows = [
        ("", "If suggestions are accepted", "By decisions so far"),
        ("Persons with an evaluated conviction", f"{f.persons:,}", f"{f.persons:,}"),
        ("Will no longer have a felony", f"{f.projected.no_felony:,}", f"{f.confirmed.no_felony:,}"),
        ("Will have no conviction at all", f"{f.projected.no_conviction:,}", f"{f.confirmed.no_conviction:,}"),
        (f"No conviction in the last {RECENT_YEARS} years", f"{f.projected.no_recent_conviction:,}",
         f"{f.confirmed.no_recent_conviction:,}"),
    ]
    for i, (label, a, b) in enumerate(rows):
        yy = y - 16 - i * 14
        c.setFont("Helvetica-Bold" if i == 0 else "Helvetica", 8.5)
        c.drawString(x, yy, label)
        c.drawRightString(x + 330, yy, a)
        c.drawRightString(x + 460, yy, b)


def write_summary_pdf(path: str | Path, figures: Figures, generated: datetime) -> None:
    f = figures
    c = Canvas(str(path), pagesize=letter)
    c.setTitle(TITLE)
    width, height = letter
    left, right = 0.75 * inch, width - 0.75 * inch
    c.setFont("Helvetica-Bold", 16)
    c.drawString(left, height - 0.8 * inch, TITLE)
    c.setFont("Helvetica", 9)
    where = f"County: {f.county.title() or '(nothing evaluated yet)'}"
    if f.as_of:
        where += f"   Evaluated as of {f.as_of.isoformat()}"
    c.drawString(left, height - 0.8 * inch - 14, _fit(c, f"{where}   Policy: {f.policy}", right - left))
    c.drawRightString(right, height - 0.8 * inch, f"Generated {generated:%Y-%m-%d %H:%M}")
    _tiles(c, f, height - 1.25 * inch)
    _section_chart(c, f, left, height - 4.3 * inch, (right - left) * 0.46, 1.9 * inch)
    sx = left + (right - left) * 0.54
    y = _hbars(c, "Suggestions", [(s.label, f.suggestions.get(s.value, 0)) for s in Suggestion], sx,
               height - 2.2 * inch, right - sx)
    decisions = [(o.label, f.decisions.get(o.value, 0)) for o in Outcome] + [("Pending", f.pending)]
    y = _hbars(c, "Decisions", decisions, sx, y - 22, right - sx)
    y = min(y, height - 4.7 * inch) - 30
    _progress(c, f, left, y, right - left)
    _people(c, f, left, y - 62)
    c.setFont("Helvetica", 7.5)
    c.setFillColor(colors.grey)
    if f.audit:
        c.drawString(left, 0.6 * inch + 11, _fit(c, f.audit, right - left, size=7.5))
    c.drawString(left, 0.6 * inch, "A felony counts as relieved when dismissed or redesignated; \"no conviction\" "
                                   "counts dismissals only. Figures cover every current evaluation.")
    c.showPage()
    c.save()
