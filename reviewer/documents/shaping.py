"""Right-to-left and joined scripts on a left-to-right page: python-bidi orders, HarfBuzz shapes.

A line is put in visual order by the Unicode bidirectional algorithm (python-bidi, base
direction left to right: the page's). Each run of right-to-left text is then given back its
logical order and shaped by HarfBuzz through reportlab (uharfbuzz): Arabic and Persian letters
take the forms that join them, lam-alef becomes its ligature, marks sit on their letters; the
glyphs come out in visual order. Text in other scripts that needs shaping (combining marks,
Indic scripts) is shaped as it stands. Everything else is drawn as plain text.
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache

from bidi import get_display
from reportlab.pdfbase.ttfonts import ShapedStr, shapeStr

RTL_CLASSES = frozenset({"R", "AL"})


def is_rtl(ch: str) -> bool:
    """A strong right-to-left character (Hebrew, Arabic, Syriac, Thaana, N'Ko...), by its bidi class."""
    return unicodedata.bidirectional(ch) in RTL_CLASSES


def needs_shaping(text: str) -> bool:
    """Right-to-left letters, combining marks, or a script whose letters change with their neighbours."""
    for ch in text:
        if ch.isascii():
            continue
        if is_rtl(ch) or unicodedata.category(ch) in ("Mn", "Mc") or 0x0900 <= ord(ch) <= 0x0DFF:
            return True
    return False


def visual(text: str) -> str:
    """The line in visual (drawing) order; unchanged without right-to-left letters."""
    text = unicodedata.normalize("NFC", text)
    if not any(is_rtl(ch) for ch in text):
        return text
    return get_display(text, base_dir="L")


def split_direction(run: str) -> list[tuple[str, bool]]:
    """A visual-order run of one font cut into (text, right-to-left?) parts: right-to-left letters with the
    neutrals between them form one part; left-to-right letters and digits another."""
    parts: list[tuple[str, bool]] = []
    current, rtl, pending = "", False, ""
    for ch in run:
        strong_rtl = is_rtl(ch)
        neutral = not strong_rtl and unicodedata.bidirectional(ch) in ("WS", "CS", "ON", "ES", "ET", "NSM", "BN", "S")
        if neutral:
            pending += ch
            continue
        if current and strong_rtl != rtl:
            parts.append((current, rtl))
            current = ""
        if not current:
            current, rtl = pending + ch if not strong_rtl else ch, strong_rtl
            if strong_rtl and pending:
                parts.append((pending, False))
        else:
            current += pending + ch
        pending = ""
    if current:
        parts.append((current, rtl))
    if pending:
        parts.append((pending, False))
    return parts


@lru_cache(maxsize=20000)
def shaped(text: str, font: str, rtl: bool) -> ShapedStr | str:
    """HarfBuzz's glyphs for `text` (visual order in, visual order out); plain text where nothing changes."""
    logical = text[::-1] if rtl else text
    if not needs_shaping(logical):
        return text
    result = shapeStr(logical, font, 1000, force=True)
    return result if isinstance(result, ShapedStr) else text


def advance(part, font: str, size: float, string_width) -> float:
    """Width of a plain or shaped part at `size`."""
    if isinstance(part, ShapedStr):
        return sum(sd.x_advance for sd in part.__shapeData__) * size / 1000
    return string_width(part, font, size)
