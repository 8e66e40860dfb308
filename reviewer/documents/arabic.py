"""Right-to-left text for a left-to-right page: Arabic letters joined, RTL runs put in visual order.

PDF text is drawn glyph by glyph, left to right. Arabic needs each letter in the form that
joins its neighbours (isolated, final, initial, medial: Unicode's presentation forms) and
the whole right-to-left run reversed. Hebrew needs only the reversal. This covers names and
short phrases (what the documents print in these scripts); it is not a full Unicode bidi.
"""
from __future__ import annotations

from functools import lru_cache

# letter -> (isolated presentation form, dual-joining?). Final = iso+1; initial = iso+2; medial = iso+3.
_FORMS: dict[str, tuple[int, bool]] = {
    "\u0621": (0xFE80, False), "\u0622": (0xFE81, False), "\u0623": (0xFE83, False), "\u0624": (0xFE85, False),
    "\u0625": (0xFE87, False), "\u0626": (0xFE89, True), "\u0627": (0xFE8D, False), "\u0628": (0xFE8F, True),
    "\u0629": (0xFE93, False), "\u062A": (0xFE95, True), "\u062B": (0xFE99, True), "\u062C": (0xFE9D, True),
    "\u062D": (0xFEA1, True), "\u062E": (0xFEA5, True), "\u062F": (0xFEA9, False), "\u0630": (0xFEAB, False),
    "\u0631": (0xFEAD, False), "\u0632": (0xFEAF, False), "\u0633": (0xFEB1, True), "\u0634": (0xFEB5, True),
    "\u0635": (0xFEB9, True), "\u0636": (0xFEBD, True), "\u0637": (0xFEC1, True), "\u0638": (0xFEC5, True),
    "\u0639": (0xFEC9, True), "\u063A": (0xFECD, True), "\u0641": (0xFED1, True), "\u0642": (0xFED5, True),
    "\u0643": (0xFED9, True), "\u0644": (0xFEDD, True), "\u0645": (0xFEE1, True), "\u0646": (0xFEE5, True),
    "\u0647": (0xFEE9, True), "\u0648": (0xFEED, False), "\u0649": (0xFEEF, False), "\u064A": (0xFEF1, True),
    # Persian and Urdu letters (presentation forms A)
    "\u067E": (0xFB56, True), "\u0686": (0xFB7A, True), "\u0698": (0xFB8A, False), "\u06A9": (0xFB8E, True),
    "\u06AF": (0xFB92, True), "\u06CC": (0xFBFC, True),
}
_NON_JOINING = {"\u0621"}  # hamza stands alone
_LAM_ALEF = {"\u0622": 0xFEF5, "\u0623": 0xFEF7, "\u0625": 0xFEF9, "\u0627": 0xFEFB}  # isolated; final = +1
_TATWEEL = "\u0640"


def is_rtl(ch: str) -> bool:
    """Strong right-to-left letters: Hebrew, Arabic and their presentation forms."""
    code = ord(ch)
    return 0x0590 <= code <= 0x08FF or 0xFB1D <= code <= 0xFDFF or 0xFE70 <= code <= 0xFEFF


def _transparent(ch: str) -> bool:
    return "\u064B" <= ch <= "\u065F" or ch == "\u0670"


def _joins_next(ch: str | None) -> bool:
    return ch == _TATWEEL or (ch in _FORMS and _FORMS[ch][1])


def _joins_prev(ch: str | None) -> bool:
    return ch == _TATWEEL or (ch in _FORMS and ch not in _NON_JOINING)


def shape_arabic(text: str) -> str:
    """Replace Arabic letters by their contextual presentation forms (logical order kept)."""
    letters = [(i, ch) for i, ch in enumerate(text) if not _transparent(ch)]
    out = list(text)
    skip: set[int] = set()
    for k, (i, ch) in enumerate(letters):
        if i in skip or ch not in _FORMS:
            continue
        prev = letters[k - 1][1] if k > 0 else None
        nxt = letters[k + 1][1] if k + 1 < len(letters) else None
        joined_before = _joins_next(prev) and _joins_prev(ch)
        if ch == "\u0644" and nxt in _LAM_ALEF:
            out[i] = chr(_LAM_ALEF[nxt] + (1 if joined_before else 0))
            j = letters[k + 1][0]
            out[j] = ""
            skip.add(j)
            continue
        joined_after = _FORMS[ch][1] and _joins_prev(nxt)
        iso = _FORMS[ch][0]
        if joined_before and joined_after:
            out[i] = chr(iso + 3)
        elif joined_before:
            out[i] = chr(iso + 1)
        elif joined_after:
            out[i] = chr(iso + 2)
        else:
            out[i] = chr(iso)
    return "".join(out)


@lru_cache(maxsize=4096)
def visual_order(text: str) -> str:
    """Text as drawn left to right on an LTR page: RTL runs (with the neutrals inside them) reversed."""
    if not any(is_rtl(ch) for ch in text):
        return text
    text = shape_arabic(text)
    out: list[str] = []
    run: list[str] = []
    pending: list[str] = []  # neutrals seen after an RTL letter, not yet known to be inside the run
    for ch in text:
        if is_rtl(ch) or (_transparent(ch) and run):
            run.extend(pending)
            pending.clear()
            run.append(ch)
        elif run and not ch.isalnum():
            pending.append(ch)
        else:
            if run:
                out.append("".join(reversed(run)))
                run.clear()
            out.extend(pending)
            pending.clear()
            out.append(ch)
    if run:
        out.append("".join(reversed(run)))
    out.extend(pending)
    return "".join(out)
