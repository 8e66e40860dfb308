"""Parts every filing shares: the first-page heading and caption, signature blocks, count tables."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from reviewer.documents.citations import code_section
from reviewer.documents.fonts import wrap
from reviewer.documents.model import CaseFile, CountLine, Office, format_date
from reviewer.documents.pleading import (
    CAPTION_SPLIT, CENTRE, LEFT, RIGHT, SIZE, SLOTS, Cell, PleadingWriter, slot_y,
)

ATTORNEY_SLOTS = 14  # lines 1-7, single-spaced
COURT_SLOT = 14  # line 8
CAPTION_SLOT = 18  # line 10
RIGHT_COLUMN = CAPTION_SPLIT + 12
SIGNATURE_BLOCK = 10  # dated line and the deputy's block
SIGNATURE_SLOTS = 2 + SIGNATURE_BLOCK  # with the blank line above it: what the paragraph before reserves
JUDGE_SLOTS = 6  # blank line, dated line and the judge's line


@dataclass(frozen=True)
class Wording:
    """The document wording from resources/templates, with the office's details filled in."""

    data: Mapping[str, Any]
    office: Office

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    def fill(self, text: str, **extra: Any) -> str:
        o = self.office
        fields = {
            "county": o.county, "COUNTY": o.county.upper(), "district_attorney": o.district_attorney,
            "deputy": o.deputy_name, "deputy_title": o.deputy_title, "city": o.city or o.county,
            "office_address": ", ".join(o.office_address),
        }
        fields.update(extra)
        return text.format(**fields)


def plural(n: int, one: str, many: str) -> str:
    return one if n == 1 else many


def count_list(numbers) -> str:
    """'count 2' / 'counts 1 and 3' / 'counts 1, 2 and 4'."""
    numbers = list(numbers)
    if len(numbers) == 1:
        return f"count {numbers[0]}"
    return "counts " + ", ".join(numbers[:-1]) + " and " + numbers[-1]


def first_page_heading(w: PleadingWriter, office: Office, wording: Wording) -> None:
    """Lines 1-7 left of centre: the attorney block; line 8: the court's title (CRC 2.111)."""
    block = [
        office.district_attorney.upper(),
        office.district_attorney_title + (f", County of {office.county}" if office.county else ""),
        f"{office.deputy_name}, {office.deputy_title}",
        f"State Bar No. {office.deputy_bar_number}",
        *office.office_address,
        f"Telephone: {office.phone}",
        f"E-mail: {office.email}",
    ]
    lines: list[str] = []
    for item in block:
        lines.extend(wrap(item, CAPTION_SPLIT - LEFT))
    lines.extend(wrap(wording["attorney_for"], CAPTION_SPLIT - LEFT))
    for i, line in enumerate(lines[:ATTORNEY_SLOTS]):
        w.at(i, LEFT, line)
    w.at(COURT_SLOT, CENTRE, office.court_title, bold=True, align="centre")
    w.at(COURT_SLOT + 1, CENTRE, office.county_line, bold=True, align="centre")
    w.slot = CAPTION_SLOT


def caption(w: PleadingWriter, wording: Wording, defendant: str, defendant_role: str, right_lines: list[str],
            title: str, below_title: tuple[str, ...] = ()) -> None:
    """Case title on the left, case number and document title on the right (from line 10)."""
    left = wrap(wording["plaintiff"], CAPTION_SPLIT - LEFT - 8)
    left += ["", f"{'':>8}{wording['plaintiff_role']}", "", f"{'':>4}{wording['versus']}", ""]
    left += wrap(defendant.upper() + ",", CAPTION_SPLIT - LEFT - 8)
    left += ["", f"{'':>8}{defendant_role}"]
    right: list[tuple[str, bool]] = [(line, False) for line in right_lines]
    right.append(("", False))
    right += [(line, True) for line in wrap(title, RIGHT - RIGHT_COLUMN, SIZE, True)]
    if below_title:
        right += [("", False)] + [(line, False) for line in below_title]
    top = w.slot
    for i, line in enumerate(left):
        indent = 36 if line.startswith(" ") else 0
        w.at(top + i, LEFT + indent, line.strip())
    for i, (line, bold) in enumerate(right):
        w.at(top + i, RIGHT_COLUMN, line, bold=bold)
    height = max(len(left), len(right))
    c = w.canvas
    c.setLineWidth(0.6)
    for i in range(height):
        w.at(top + i, CAPTION_SPLIT, ")")
    bottom = slot_y(top + height - 1) - 6
    c.line(LEFT, bottom, CAPTION_SPLIT, bottom)
    w.slot = top + height
    w.blank()


def signature(w: PleadingWriter, office: Office, wording: Wording) -> None:
    """Dated line and the signing deputy's block, kept together on one page, after a blank line.

    The paragraph before reserves SIGNATURE_SLOTS (PleadingWriter.paragraph), so the block follows it on its
    page and is never left alone at the top of one."""
    w.to_line()
    if w.slot + 2 + SIGNATURE_BLOCK > SLOTS:
        w.new_page()
    elif w.slot:
        w.blank()
    w.at(w.slot, LEFT, wording["dated"])
    w.at(w.slot, CENTRE + 20, wording["submitted"])
    w.slot += 2
    # A long office name takes two lines (the block has room before the By line); what still does not fit
    # is set smaller by the writer, never past the margin.
    size, name = _fitted(office.district_attorney.upper(), RIGHT - (CENTRE + 20), lines=2)  # a blank line before By
    for n, line in enumerate(name):
        w.at(w.slot + n, CENTRE + 20, line, size=size)
    w.at(w.slot + len(name), CENTRE + 20, f"{office.district_attorney_title}, County of {office.county}")
    w.slot += 4
    w.at(w.slot, CENTRE + 20, wording["by_line"])
    w.at(w.slot + 1, CENTRE + 20, f"{office.deputy_name}, SBN {office.deputy_bar_number}")
    w.at(w.slot + 2, CENTRE + 20, office.deputy_title)
    w.slot += 4


def _fitted(text: str, room: float, lines: int) -> tuple[float, list[str]]:
    """The largest size from 12 pt down to 8 pt at which `text` wraps into at most `lines` lines of `room`
    points, and those lines (at 8 pt the last line takes the rest: the writer sets it smaller still)."""
    for size in (SIZE, 11.0, 10.0, 9.0, 8.0):
        wrapped = wrap(text, room, size)
        if len(wrapped) <= lines:
            return size, wrapped
    return 8.0, wrapped[:lines - 1] + [" ".join(wrapped[lines - 1:])]


def judge_signature(w: PleadingWriter, wording: Wording) -> None:
    w.to_line()
    w.ensure(JUDGE_SLOTS)
    w.blank()
    w.at(w.slot, LEFT, wording["dated"])
    w.at(w.slot, CENTRE + 20, wording["judge_line"])
    w.at(w.slot + 1, CENTRE + 20, wording["judge_title"])
    w.slot += 2


COUNT_COLUMNS = [(LEFT, LEFT + 42), (LEFT + 42, LEFT + 138), (LEFT + 138, LEFT + 208), (LEFT + 208, LEFT + 284),
                 (LEFT + 284, RIGHT)]


def count_table(w: PleadingWriter, counts: tuple[CountLine, ...], headers: list[str], last_column) -> None:
    """Count, code section, date of conviction, level and one more column (relief or ground)."""
    header = [Cell([h], bold=True) for h in headers]
    w.to_line()
    w.ensure(6)
    w.table_row(header, COUNT_COLUMNS)
    for count in counts:
        x0, x1 = COUNT_COLUMNS[-1]
        cells = [
            Cell([count.count]), Cell(wrap(code_section(count.code_section), 90)), Cell([format_date(count.convicted_on)]),
            Cell([count.level]), Cell(wrap(last_column(count), x1 - x0 - 6)),
        ]
        if w.slots_left < max(len(c.lines) for c in cells) + 1:
            w.new_page()
            w.table_row(header, COUNT_COLUMNS)
        w.table_row(cells, COUNT_COLUMNS)
    w.blank()


def relief_text(wording: Wording, count: CountLine) -> str:
    return wording["relief"][count.sentence_status.value][count.outcome.value]


def running_head(wording: Wording, case: CaseFile) -> tuple[str, str]:
    """What names the case atop every page after the first: 'People v. NAME' and 'Case No.: ...'."""
    return (wording.fill(wording["running_head_people"], name=case.display_name.upper()),
            wording.fill(wording["running_head_case"], case_number=case.case_number))


def case_right_column(wording: Wording, case: CaseFile) -> list[str]:
    lines = [wording.fill(wording["case_number"], case_number=case.case_number)]
    lines += [wording.fill(t, dob=format_date(case.dob) if case.dob else "not on record", cii=case.cii or "not on record")
              for t in wording["identifiers"]]
    return lines
