"""Code sections as DOJ extracts write them, parsed into section, subsection path and code.

`11359(C) HS`, `11359HS-INTENT SELL`, `11357 HS-NO SPECIFIED SUBSECTI` and
`664/11357(A) HS` all parse; the attempt prefix (PC 664) is kept as a flag.
DOJ also runs letters and digits together after a cannabis section (`11357B2 HS` is
HS 11357(b)(2), `11360A HS` is 11360(a)), leaves the code out (`11360(B) SELL/FURNISH`),
puts stray spaces and dashes around the parts (`11359 (C)(3) HS`, `11358 HS -CULTIVATE`,
`/11357 HS`, `--40508 VC--`) and writes attempts `664.11357`, `664-11357` or `66411357`.
A code is only taken from the list of California code abbreviations below, so a word
(`SELL`) is never a code. Other sections keep a letter suffix as part of the section
(`288A PC`, `273AB PC`, `653F(C) PC`): the disqualifier tables rely on it.
See DOMAIN.md, "Spellings".
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

CANNABIS_SECTIONS = ("11357", "11358", "11359", "11360")

# California code abbreviations as DOJ extracts and case-management exports write them, each with the
# abbreviation Reviewer keeps (one spelling per code, so that tables match whichever the file used).
CODE_ABBREVIATIONS: dict[str, str] = {
    "PC": "PC",                                         # Penal Code
    "HS": "HS", "HSC": "HS", "H&S": "HS",               # Health and Safety Code
    "VC": "VC", "CVC": "VC",                            # Vehicle Code
    "BP": "BP", "BPC": "BP", "B&P": "BP",               # Business and Professions Code
    "WI": "WI", "WIC": "WI", "W&I": "WI",               # Welfare and Institutions Code
    "GC": "GC",                                         # Government Code
    "FG": "FG", "FGC": "FG", "F&G": "FG",               # Fish and Game Code
    "MV": "MV", "MVC": "MV", "M&V": "MV",               # Military and Veterans Code
    "FA": "FA", "FAC": "FA", "F&A": "FA",               # Food and Agricultural Code
    "HN": "HN", "HNC": "HN", "H&N": "HN",               # Harbors and Navigation Code
    "PR": "PR", "PRC": "PR",                            # Public Resources Code
    "PU": "PU", "PUC": "PU",                            # Public Utilities Code
    "RT": "RT", "RTC": "RT", "R&T": "RT",               # Revenue and Taxation Code
    "SH": "SH", "SHC": "SH", "S&H": "SH",               # Streets and Highways Code
    "UI": "UI", "UIC": "UI",                            # Unemployment Insurance Code
    "CC": "CC",                                         # Civil Code
    "CCP": "CCP",                                       # Code of Civil Procedure
    "CCR": "CCR",                                       # California Code of Regulations
    "EC": "EC", "EDC": "EC",                            # Education Code
    "EL": "EL",                                         # Elections Code
    "FC": "FC",                                         # Family Code
    "IC": "IC",                                         # Insurance Code
    "LC": "LC",                                         # Labor Code
    "WC": "WC",                                         # Water Code
    "MC": "MC",                                         # municipal code (city ordinance)
    "USC": "USC",                                       # United States Code
}

# The reader parses each distinct offense text once, so this runs per distinct value, not per row.
CODE_SECTION_PATTERN = (
    r"^[\s/\-*#]*"
    r"(?P<attempt>664\s*/\s*|664\s*[.\-]\s*(?=\d{3})|664(?=113[56]\d))?"
    # HS 11357-11360, with subdivision letters and digits possibly run together: 11357B2, 11360A, 11360A3C
    r"(?:(?P<cannabis>113(?:5[7-9]|60))(?![\d.])"
    r"(?P<run>[A-D](?:\d{1,2}[A-D]?)?(?=[^A-Z0-9]|$|(?:HS|H&S)(?:[^A-Z&]|$)))?"
    # any other section, a letter suffix kept as part of it (288A, 273AB, 653F)
    r"|(?P<section>\d{1,6}(?:\.\d{1,3})?(?:[A-Z]{1,2}(?=[\s(]))?))"
    r"\s*(?P<sub>(?:\(\s*[A-Z0-9]{1,4}\s*\)\s*)*)"
    r"(?:-\s*(?=[A-Z&]{2,4}(?:[^A-Z&]|$)))?"
    r"(?P<code>[A-Z&]{2,4}(?:[^A-Z&]|$))?"
)
_PATTERN = re.compile(CODE_SECTION_PATTERN)
_SUB_PART = re.compile(r"\(\s*([A-Z0-9]{1,4})\s*\)")
_RUN_PART = re.compile(r"[A-Z]|\d+")
# HS 11357-11360 named anywhere in a text (not 11357.5, synthetic cannabinoids; `66411359` is an attempt).
CANNABIS_MENTION = r"(?:(?<!\d)|(?<=664))(113(?:5[7-9]|60))(?!\d|\.\d)"
_MENTION = re.compile(CANNABIS_MENTION)


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
    sub = match["sub"] or ""
    if match["run"]:  # 11357B2 -> (B)(2), ahead of any bracketed part (11360A(2) -> (A)(2))
        sub = "".join(f"({part})" for part in _RUN_PART.findall(match["run"])) + sub
    return from_parts(match["cannabis"] or match["section"], sub, match["code"] or "", bool(match["attempt"]))


def from_parts(section: str, sub: str, code: str, attempt: bool = False) -> CodeSection:
    """Build a CodeSection from the regex groups; a code not in CODE_ABBREVIATIONS becomes ""."""
    code = CODE_ABBREVIATIONS.get("".join(ch for ch in code.upper() if ch.isalpha() or ch == "&"), "")
    return CodeSection(
        section=section,
        subsections=tuple(_SUB_PART.findall(sub.upper())),
        code=code,
        attempt=attempt,
    )


def cannabis_mention(text: str | None) -> str | None:
    """The first of HS 11357-11360 named anywhere in `text` ("XYZ 11359" -> "11359"), else None."""
    if not text:
        return None
    match = _MENTION.search(text)
    return match[1] if match else None


def read_offense(text: str | None) -> tuple[CodeSection | None, str | None]:
    """The code section of an offense text, and what is wrong when it names HS 11357-11360 but cannot be
    read as one. Such a text is never dropped: it reads as the section it names (a cannabis conviction,
    no subsection, no code) with the problem, so that it goes to review (DOMAIN.md, "Spellings")."""
    parsed = parse_code_section(text)
    if parsed is not None and parsed.is_cannabis:
        return parsed, None
    mention = cannabis_mention(text)
    if mention is None:
        return parsed, None
    shown = text.strip()
    shown = shown if len(shown) <= 80 else shown[:77] + "..."
    read_as = f" (read as {parsed})" if parsed is not None else ""
    problem = f"{shown!r} names HS {mention} but the code section could not be read{read_as}"
    return CodeSection(mention), problem
