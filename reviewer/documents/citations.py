"""Statute words on paper: California citation style and MM/DD/YYYY dates.

The engine writes compact citations ("HS 11361.8(b)", "PC 667(e)(2)(C)(iv)") and ISO dates
("1991-04-11"); a court paper writes "Health & Saf. Code, § 11361.8, subd. (b)" (California
Style Manual, § 2:6) and "04/11/1991". These helpers turn the one into the other.
"""
from __future__ import annotations

import re

CODES = {
    "HS": "Health & Saf. Code",
    "PC": "Pen. Code",
    "VC": "Veh. Code",
    "WIC": "Welf. & Inst. Code",
    "BP": "Bus. & Prof. Code",
}
_CITE = re.compile(r"\b(HS|PC|VC|WIC|BP)\s+(\d+(?:\.\d+)?)((?:\([0-9A-Za-z]+\))*)(?:\s*,\s*(\([0-9A-Za-z]+\)))?")
_SUFFIXED = re.compile(r"\b(\d{4,5}(?:\.\d+)?(?:\([0-9A-Za-z]+\))*) (HS|PC)\b")  # the DOJ's '11359 HS'
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def section(code: str, number: str, subdivision: str = "", more: str = "") -> str:
    """'Health & Saf. Code, § 11360, subd. (a)(3)(A)'; `more` adds a second subdivision: 'subds. (e), (f)'."""
    name = CODES.get(code, code)
    if not subdivision:
        return f"{name}, § {number}"
    if more:
        return f"{name}, § {number}, subds. {subdivision}, {more}"
    return f"{name}, § {number}, subd. {subdivision}"


def _one(match: re.Match) -> str:
    code, number, subdivision, dash = match.groups()
    return section(code, number, subdivision or "", dash or "")


def california(text: str) -> str:
    """Every engine-style citation in `text` written in California style.

    'HS 11361.8(e),(f)' -> 'Health & Saf. Code, § 11361.8, subds. (e), (f)'."""
    return _CITE.sub(_one, _SUFFIXED.sub(r"\2 \1", text))


def us_dates(text: str) -> str:
    """ISO dates (YYYY-MM-DD) in `text` written MM/DD/YYYY."""
    return _ISO.sub(lambda m: f"{m.group(2)}/{m.group(3)}/{m.group(1)}", text)


def paper_text(text: str) -> str:
    """Both at once: what any engine-written fact goes through before it is printed."""
    return california(us_dates(text))


def code_section(text: str) -> str:
    """A conviction's code section for a count table: 'HS 11359(b)' -> 'Health & Saf. Code, § 11359, subd. (b)'.

    Text that is not a citation (a section the record spelled some other way) stays as written."""
    return california(" ".join((text or "").split()))
