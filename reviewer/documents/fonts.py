"""Fonts: registered once per process, text split into runs by the font that has its glyphs.

Liberation Serif (a Times equivalent) sets the text; characters it lacks fall back, run by
run, to DejaVu Serif, DejaVu Sans and Droid Sans Fallback (CJK). Every font is a TrueType
file embedded as a subset in each PDF.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import zlib

from reportlab import rl_config
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import FF_NONSYMBOLIC, FF_SYMBOLIC, SUBSETN, TTFont, TTFontFace, makeToUnicodeCMap

from reviewer.documents.shaping import advance, shaped, split_direction, visual

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
# file (what lets the combined PDF keep one copy of them): the wording's typographic marks and
# the accented letters of most names in California records. A name with other letters gives its
# file a subset of its own (correct, only not shared).
SEED = "\u00c1\u00c9\u00cd\u00d3\u00da\u00d1\u00dc\u00e1\u00e9\u00ed\u00f3\u00fa\u00f1\u00fc\u00c7\u00e7\u00a7\u00b0" \
       "\u2018\u2019\u201c\u201d\u2013\u2014\u2026\u2022"

_registered: dict[str, Path] = {}
rl_config.useA85 = 0  # binary (not ASCII85) page streams: smaller files, less work


class _Formatted(pdfdoc.PDFObject):
    """A PDF value formatted once (the widths of a font subset) and reused in every document."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def format(self, document) -> bytes:
        return self.data


class _SubsetCachingFont(TTFont):
    """reportlab's TTFont.addObjects, with each distinct subset's widths and ToUnicode map built once."""

    _parts: dict[tuple, tuple[_Formatted, bytes]] = {}

    def addObjects(self, doc):
        state = self._assignState(doc)
        state.frozen = 1
        fonts = doc.idToObject["BasicFonts"].dict
        for n, subset in enumerate(state.subsets):
            internal = self.getSubsetInternalName(n, doc)[1:]
            base = b"".join((SUBSETN(n), b"+", self.face.name, self.face.subfontNameX)).decode("pdfdoc")
            key = (self.fontName, base, tuple(subset))
            parts = self._parts.get(key)
            if parts is None:
                widths = pdfdoc.PDFArray([self.face.getCharWidth(code) for code in subset]).format(doc)
                cmap = zlib.compress(makeToUnicodeCMap(base, subset).encode("utf-8"))
                parts = self._parts[key] = (_Formatted(widths), cmap)
                if len(self._parts) > 256:
                    self._parts.pop(next(iter(self._parts)))
            font = pdfdoc.PDFTrueTypeFont()
            font.Name, font.BaseFont = internal, base
            font.FirstChar, font.LastChar = 0, len(subset) - 1
            font.Widths = parts[0]
            cmap = pdfdoc.PDFStream(content=parts[1])
            cmap.dictionary["Filter"] = pdfdoc.PDFArray([pdfdoc.PDFName("FlateDecode")])
            font.ToUnicode = doc.Reference(cmap, "toUnicodeCMap:" + base)
            font.FontDescriptor = self.face.addSubsetObjects(doc, base, subset)
            doc.Reference(font, internal)
            fonts[internal] = font
        del self.state[doc]


class _SubsetCachingFace(TTFontFace):
    """Builds each distinct font subset once per process (every case file embeds the same one).

    Same objects as reportlab's TTFontFace.addSubsetObjects, with the subset program made and
    compressed once per distinct subset instead of once per document."""

    _programs: dict[tuple, tuple[int, bytes]] = {}

    def addSubsetObjects(self, doc, fontname, subset):
        key = (self.filename, tuple(subset))
        program = self._programs.get(key)
        if program is None:
            raw = self.makeSubset(subset)
            program = self._programs[key] = (len(raw), zlib.compress(raw))
            if len(self._programs) > 64:
                self._programs.pop(next(iter(self._programs)))
        stream = pdfdoc.PDFStream(content=program[1])
        stream.dictionary["Length1"] = program[0]
        stream.dictionary["Filter"] = pdfdoc.PDFArray([pdfdoc.PDFName("FlateDecode")])
        ref = doc.Reference(stream, f"fontFile:{self.filename}({fontname})")
        descriptor = pdfdoc.PDFDictionary({
            "Type": "/FontDescriptor", "Ascent": self.ascent, "CapHeight": self.capHeight, "Descent": self.descent,
            "Flags": (self.flags & ~FF_NONSYMBOLIC) | FF_SYMBOLIC, "FontBBox": pdfdoc.PDFArray(self.bbox),
            "FontName": pdfdoc.PDFName(fontname), "ItalicAngle": self.italicAngle, "StemV": self.stemV,
            "FontFile2": ref, "MissingWidth": self.defaultWidth,
        })
        return doc.Reference(descriptor, "fontDescriptor:" + fontname)


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
        font = _SubsetCachingFont(name, str(path))
        font.face.__class__ = _SubsetCachingFace
        pdfmetrics.registerFont(font)
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
def runs(text: str, bold: bool = False) -> tuple[tuple[str, object], ...]:
    """(font name, text) runs in drawing order; a run in a script that needs it is shaped (documents.shaping)."""
    primary = BOLD if bold else REGULAR
    if text.isascii():
        return ((primary, text),)
    text = visual(text)
    by_font: list[tuple[str, str]] = []
    current, start = None, 0
    for i, ch in enumerate(text):
        keep = current and (ch.isspace() or ch in ",.-'") and ord(ch) in _cmap(current)
        font = current if keep else _font_for(ch, primary)
        if font != current:
            if current is not None:
                by_font.append((current, text[start:i]))
            current, start = font, i
    by_font.append((current or primary, text[start:]))
    out: list[tuple[str, object]] = []
    for font, run in by_font:
        for part, rtl in split_direction(run):
            out.append((font, shaped(part, font, rtl)))
    return tuple(out)


@lru_cache(maxsize=50000)
def width(text: str, size: float, bold: bool = False) -> float:
    return sum(advance(t, f, size, pdfmetrics.stringWidth) for f, t in runs(text, bold))


def seed(canvas) -> None:
    """Give the main fonts the same first subset in every document (see SEED)."""
    doc = canvas._doc
    for name in (REGULAR, BOLD):
        pdfmetrics.getFont(name).splitString(SEED, doc)


class Pen:
    """Draws runs on one canvas, all of a page's text in one text object, switching fonts only when needed."""

    def __init__(self, canvas) -> None:
        self.canvas = canvas
        self._t = None
        self._font: tuple[str, float] | None = None

    def text(self, x: float, y: float, text: str, size: float = 12, bold: bool = False) -> None:
        """Draw at (x, y) left-aligned."""
        t = self._t
        if t is None:
            t = self._t = self.canvas.beginText()
            self._font = None
        parts = runs(text, bold)
        for font, part in parts:
            if self._font != (font, size):
                t.setFont(font, size)
                self._font = (font, size)
            t.setTextOrigin(x, y)
            t.textOut(part)
            if len(parts) > 1:
                x += advance(part, font, size, pdfmetrics.stringWidth)

    def right(self, x: float, y: float, text: str, size: float = 12, bold: bool = False) -> None:
        self.text(x - width(text, size, bold), y, text, size, bold)

    def centre(self, x: float, y: float, text: str, size: float = 12, bold: bool = False) -> None:
        self.text(x - width(text, size, bold) / 2, y, text, size, bold)

    def flush(self) -> None:
        """Put the page's text on the canvas (before showPage)."""
        if self._t is not None:
            self.canvas.drawText(self._t)
            self._t = None


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
