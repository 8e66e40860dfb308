"""Statute words on paper: California citation style and MM/DD/YYYY dates.

The engine writes compact citations ("HS 11361.8(b)", "PC 667(e)(2)(C)(iv)") and ISO dates
("1991-04-11"); a court paper writes "Health & Saf. Code, § 11361.8, subd. (b)" (California
Style Manual, § 2:6) and "04/11/1991". These helpers turn the one into the other.
"""
from __future__ import annotations

import re

from reviewer.domain.code_section import CodeSection, parse_code_section

CODES = {
    "HS": "Health & Saf. Code",
    "PC": "Pen. Code",
    "VC": "Veh. Code",
    "WI": "Welf. & Inst. Code",
    "WIC": "Welf. & Inst. Code",
    "BP": "Bus. & Prof. Code",
    "GC": "Gov. Code",
    "FG": "Fish & G. Code",
    "CC": "Civ. Code",
    "CCP": "Code Civ. Proc.",
    "EC": "Ed. Code",
}
_CITE = re.compile(r"\b(HS|PC|VC|WIC|WI|BP|GC)\s+(\d+(?:\.\d+)?(?:[A-Za-z]{1,2}(?![A-Za-z0-9]))?)"
                   r"((?:\([0-9A-Za-z]+\))*)(?:\s*,\s*(\([0-9A-Za-z]+\)))?")
_SUFFIXED = re.compile(r"\b(\d{4,5}(?:\.\d+)?(?:\([0-9A-Za-z]+\))*) (HS|PC)\b")  # the DOJ's '11359 HS'
_PARTS = re.compile(r"\(([0-9A-Za-z]+)\)")
_CODE_FIRST = re.compile(r"^(HS|PC|VC|WIC|WI|BP|GC)\s+(.+)$")
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_UPPER_DEPTHS = (2, 4)  # (a)(3)(B)(iv)(IV): the third and fifth levels are capitals, the others small


def subdivision_text(parts: tuple[str, ...]) -> str:
    """A subdivision path in California style: lowercase letter, arabic numeral, capital letter, lowercase roman
    numeral, capital roman numeral ('(A)(3)(b)' as DOJ files spell it reads '(a)(3)(B)')."""
    return "".join(f"({p.upper() if depth in _UPPER_DEPTHS else p.lower()})" for depth, p in enumerate(parts))


def paper_section(cs: CodeSection, more: tuple[str, ...] = ()) -> str:
    """A parsed code section as every court paper prints it: 'Health & Saf. Code, § 11360, subd. (a)(3)(B)'.

    The code is named as the California Style Manual abbreviates it (a cannabis section without one is the
    Health and Safety Code's); a section's letter suffix is small ('Pen. Code, § 288a'); an attempt reads
    'Pen. Code, § 664/...'. `more`: a second subdivision at the first level ('subds. (e), (f)')."""
    code = cs.code or ("HS" if cs.is_cannabis else "")
    number = re.sub(r"[A-Z]+$", lambda m: m.group(0).lower(), cs.section)
    cited = section(code, number, subdivision_text(cs.subsections), subdivision_text(more))
    return f"{CODES['PC']}, § 664/{cited}" if cs.attempt else cited


def section(code: str, number: str, subdivision: str = "", more: str = "") -> str:
    """'Health & Saf. Code, § 11360, subd. (a)(3)(A)'; `more` adds a second subdivision: 'subds. (e), (f)'."""
    name = f"{CODES.get(code, code)}, " if code else ""
    if not subdivision:
        return f"{name}§ {number}"
    if more:
        return f"{name}§ {number}, subds. {subdivision}, {more}"
    return f"{name}§ {number}, subd. {subdivision}"


def _one(match: re.Match) -> str:
    code, number, subdivision, dash = match.groups()
    parts = tuple(_PARTS.findall(subdivision or ""))
    return paper_section(CodeSection(number.upper(), parts, code), tuple(_PARTS.findall(dash or "")))


def california(text: str) -> str:
    """Every engine-style citation in `text` written in California style (through paper_section).

    'HS 11361.8(e),(f)' -> 'Health & Saf. Code, § 11361.8, subds. (e), (f)'."""
    return _CITE.sub(_one, _SUFFIXED.sub(r"\2 \1", text))


def us_dates(text: str) -> str:
    """ISO dates (YYYY-MM-DD) in `text` written MM/DD/YYYY."""
    return _ISO.sub(lambda m: f"{m.group(2)}/{m.group(3)}/{m.group(1)}", text)


def paper_text(text: str) -> str:
    """Both at once: what any engine-written fact goes through before it is printed."""
    return california(us_dates(text))


def code_section(text: str) -> str:
    """A conviction's code section for a paper: 'HS 11359(C)' or '11359(C) HS' -> 'Health & Saf. Code, § 11359,
    subd. (c)' (parsed as the DOJ file is, then paper_section).

    Text that is not a code section (a section the record spelled some other way) stays as written."""
    text = " ".join((text or "").split())
    first = _CODE_FIRST.match(text)
    parsed = parse_code_section(f"{first.group(2)} {first.group(1)}" if first else text)
    return paper_section(parsed) if parsed is not None else text
