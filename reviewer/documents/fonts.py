"""Fonts: registered once per process, text split into runs by the font that has its glyphs.

Liberation Serif (a Times equivalent) sets the text; characters it lacks fall back, run by
run, to DejaVu Serif, DejaVu Sans and Droid Sans Fallback (CJK). Every font is a TrueType
file embedded as a subset in each PDF.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from reviewer.documents.arabic import visual_order

REGULAR, BOLD = "Pleading", "Pleading-Bold"
FILES = {
    REGULAR: "LiberationSerif-Regular.ttf",
    BOLD: "LiberationSerif-Bold.ttf",
    "Fallback-Serif": "DejaVuSerif.ttf",
    "Fallback-Sans": "DejaVuSans.ttf",
    "Fallback-CJK": "DroidSansFallback.ttf",
}
FALLBACKS = ("Fallback-Serif", "Fallback-Sans", "Fallback-CJK")

# Assigned first in every document so that the main fonts' first subset is the same in every
# file (what lets the combined PDF keep one copy of them): Latin-1 and the typographic marks.
SEED = "".join(chr(c) for c in range(0xA1, 0x100)) + "\u2018\u2019\u201c\u201d\u2013\u2014\u2026\u2022"

_registered: dict[str, Path] = {}


class FontsMissing(Exception):
    """A font file is not where the caller said."""


def register_fonts(font_dir: Path) -> None:
    """Register the fonts in `font_dir` with reportlab (once per process)."""
    if _registered:
        return
    for name, file in FILES.items():
        path = Path(font_dir) / file
        if not path.exists():
            raise FontsMissing(f"font file missing: {path}")
        pdfmetrics.registerFont(TTFont(name, str(path)))
        _registered[name] = path
    _cmap.cache_clear()


@lru_cache(maxsize=None)
def _cmap(name: str) -> dict:
    return pdfmetrics.getFont(name).face.charToGlyph


@lru_cache(maxsize=20000)
def _font_for(ch: str, primary: str) -> str:
    code = ord(ch)
    if code in _cmap(primary) or ch.isspace():
        return primary
    for name in FALLBACKS:
        if code in _cmap(name):
            return name
    return primary  # drawn as the font's missing-glyph box: visible, never silently dropped


@lru_cache(maxsize=20000)
def runs(text: str, bold: bool = False) -> tuple[tuple[str, str], ...]:
    """(font name, text) runs in drawing order."""
    primary = BOLD if bold else REGULAR
    if text.isascii():
        return ((primary, text),)
    text = visual_order(text)
    out: list[tuple[str, str]] = []
    current, start = None, 0
    for i, ch in enumerate(text):
        keep = current and (ch.isspace() or ch in ",.-'") and ord(ch) in _cmap(current)
        font = current if keep else _font_for(ch, primary)
        if font != current:
            if current is not None:
                out.append((current, text[start:i]))
            current, start = font, i
    out.append((current or primary, text[start:]))
    return tuple(out)


@lru_cache(maxsize=50000)
def width(text: str, size: float, bold: bool = False) -> float:
    return sum(pdfmetrics.stringWidth(t, f, size) for f, t in runs(text, bold))


def seed(canvas) -> None:
    """Give the main fonts the same first subset in every document (see SEED)."""
    doc = canvas._doc
    for name in (REGULAR, BOLD):
        pdfmetrics.getFont(name).splitString(SEED, doc)


@dataclass(frozen=True)
class Pen:
    """Draws runs on one canvas, switching fonts only when needed."""

    canvas: object

    def text(self, x: float, y: float, text: str, size: float = 12, bold: bool = False) -> float:
        """Draw at (x, y) left-aligned; returns the width drawn."""
        c = self.canvas
        for font, part in runs(text, bold):
            c.setFont(font, size)
            c.drawString(x, y, part)
            x += pdfmetrics.stringWidth(part, font, size)
        return x

    def right(self, x: float, y: float, text: str, size: float = 12, bold: bool = False) -> None:
        self.text(x - width(text, size, bold), y, text, size, bold)

    def centre(self, x: float, y: float, text: str, size: float = 12, bold: bool = False) -> None:
        self.text(x - width(text, size, bold) / 2, y, text, size, bold)


def wrap(text: str, max_width: float, size: float = 12, bold: bool = False, indent: float = 0) -> list[str]:
    """Greedy word wrap; a word longer than a line is cut by characters."""
    lines: list[str] = []
    line = ""
    limit = max_width - indent
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if width(candidate, size, bold) <= limit:
            line = candidate
            continue
        if line:
            lines.append(line)
            limit = max_width
        while width(word, size, bold) > limit:
            cut = len(word) - 1
            while cut > 1 and width(word[:cut], size, bold) > limit:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
            limit = max_width
        line = word
    if line or not lines:
        lines.append(line)
    return lines
