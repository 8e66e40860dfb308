"""Code sections as DOJ extracts write them, parsed into section, subsection path and code.

`11359(C) HS`, `11359HS-INTENT SELL`, `11357 HS-NO SPECIFIED SUBSECTI` and
`664/11357(A) HS` all parse; the attempt prefix (PC 664) is kept as a flag.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

CANNABIS_SECTIONS = ("11357", "11358", "11359", "11360")

# The reader parses each distinct offense text once, so this runs per distinct value, not per row.
CODE_SECTION_PATTERN = (
    r"^\s*(?P<attempt>664\s*/\s*|664(?=113[56]\d))?"
    r"(?P<section>\d{1,6}(?:\.\d{1,3})?(?:[A-Z]{1,2}(?=[\s(]))?)"
    r"\s*(?P<sub>(?:\(\s*[A-Z0-9]{1,4}\s*\)\s*)*)"
    r"(?P<code>[A-Z&]{2,4}(?:[^A-Z&]|$))?"
)
_PATTERN = re.compile(CODE_SECTION_PATTERN)
_SUB_PART = re.compile(r"\(\s*([A-Z0-9]{1,4})\s*\)")


@dataclass(frozen=True, slots=True)
class CodeSection:
    """A parsed statute reference such as HS 11359(c)(3)."""

    section: str
    subsections: tuple[str, ...] = ()
    code: str = ""
    attempt: bool = False
    # Answers worked out about this code section (which table entry it matches), kept by whoever asks:
    # one parsed CodeSection is shared by every conviction with the same offense.
    memo: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    @property
    def subsection_text(self) -> str:
        return "".join(f"({part})" for part in self.subsections)

    @property
    def is_cannabis(self) -> bool:
        return self.section in CANNABIS_SECTIONS and self.code in ("HS", "")

    def has_prefix(self, *parts: str) -> bool:
        """True when the subsection path starts with `parts` (case-insensitive)."""
        wanted = tuple(p.upper() for p in parts)
        return self.subsections[: len(wanted)] == wanted

    def __str__(self) -> str:
        text = self.memo.get("str")
        if text is None:
            text = f"{self.section}{self.subsection_text}"
            if self.code:
                text += f" {self.code}"
            text = self.memo["str"] = f"664/{text}" if self.attempt else text
        return text


def parse_code_section(text: str | None) -> CodeSection | None:
    """Parse the leading code section of an offense description; None when there is none."""
    if not text:
        return None
    match = _PATTERN.match(text.upper())
    if match is None:
        return None
    return from_parts(match["section"], match["sub"] or "", match["code"] or "", bool(match["attempt"]))


def from_parts(section: str, sub: str, code: str, attempt: bool = False) -> CodeSection:
    """Build a CodeSection from the regex groups (used by the vectorised reader too)."""
    code = "".join(ch for ch in code if ch.isalpha() or ch == "&")
    return CodeSection(
        section=section,
        subsections=tuple(_SUB_PART.findall(sub.upper())),
        code=code,
        attempt=attempt,
    )
