"""One bulk motion and order for a whole batch, with Exhibit A listing every conviction granted relief.

How Los Angeles and Alameda filed: the People's notice of no challenge and motion, the
order for the presiding judge, and an exhibit table (name, DOB, CII, case number, counts,
relief) whose column headings repeat on every page.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from reviewer.documents.common import (
    SIGNATURE_SLOTS, Wording, caption, first_page_heading, signature,
)
from reviewer.documents.citations import code_section
from reviewer.documents.fonts import wrap
from reviewer.documents.model import CaseFile, format_date
from reviewer.documents.motion import BOX_TEXT, checkbox, other_and_signature
from reviewer.documents.pleading import LEFT, RIGHT, Cell, PleadingWriter
from reviewer.domain.vocabulary import Outcome, SentenceStatus

# No., name, DOB and CII, case number (an 11-character number such as BA123456-01 on one line: a number cut
# in two reads as another case), counts; the relief takes the rest (82 pt: "Dismiss & seal" on one line).
_W = (24, 100, 66, 76, 112)
EXHIBIT_COLUMNS: list[tuple[float, float]] = []
_x = LEFT
for _w in _W:
    EXHIBIT_COLUMNS.append((_x, _x + _w))
    _x += _w
EXHIBIT_COLUMNS.append((_x, RIGHT))


@dataclass(frozen=True)
class BulkSummary:
    cases: int
    people: int
    counts: int
    dismissed: int
    misdemeanors: int
    infractions: int
    serving: int = 0

    @classmethod
    def of(cls, cases: Iterable[CaseFile]) -> "BulkSummary":
        people, n_cases, outcomes, serving = set(), 0, [], 0
        for case in cases:
            if case.relief_counts:
                n_cases += 1
                people.add(case.person_id or case.person_name)
                outcomes.extend(c.outcome for c in case.relief_counts)
                serving += sum(c.sentence_status is SentenceStatus.SERVING for c in case.relief_counts)
        return cls(n_cases, len(people), len(outcomes), outcomes.count(Outcome.DISMISS_AND_SEAL),
                   outcomes.count(Outcome.REDESIGNATE_MISDEMEANOR), outcomes.count(Outcome.REDESIGNATE_INFRACTION),
                   serving)


def exhibit_cells(number: int, case: CaseFile, wording: Wording) -> list[Cell]:
    """One exhibit row: per count its number, code section, original level and date, and the relief."""
    counts, relief = [], []
    for count in case.relief_counts:
        block = [f"Count {count.count}", *wrap(code_section(count.code_section), _W[4] - 6),
                 *wrap(f"{count.level}, {format_date(count.convicted_on)}", _W[4] - 6)]
        granted = [wording["relief_short"][count.outcome.value],
                   *wrap(wording["subdivision_short"][count.sentence_status.value], RIGHT - EXHIBIT_COLUMNS[-1][0] - 6)]
        granted += [""] * (len(block) - len(granted))
        counts += block
        relief += granted
    return [
        Cell([str(number)]),
        Cell(wrap(case.display_name, _W[1] - 6)),
        Cell([format_date(case.dob) if case.dob else "DOB unknown", case.cii or "CII unknown"]),
        Cell(wrap(case.case_number, _W[3] - 6)),
        Cell(counts),
        Cell(relief),
    ]


def write_bulk_motion(w: PleadingWriter, cases: Iterable[CaseFile], summary: BulkSummary, wording: Wording) -> int:
    """The motion, the order and Exhibit A; returns the number of exhibit rows."""
    office = wording.office
    b = wording["bulk"]
    m = wording["motion"]
    w.start_document(b["footer"], (wording.fill(wording["running_head_people"], name=wording["bulk_defendants"].rstrip(",")),
                                   b["case_number"]))
    first_page_heading(w, office, wording)
    caption(w, wording, wording["bulk_defendants"].rstrip(","), wording["bulk_defendants_role"], [b["case_number"]],
            b["title"])
    w.paragraph(wording.fill(b["address"]), indent=0)
    w.paragraph(wording.fill(b["intro"]))
    w.paragraph(wording.fill(b["summary"], persons="person" if summary.people == 1 else "persons",
                             **{k: v for k, v in summary.__dict__.items() if k != "serving"}))
    w.paragraph(wording.fill(b["subdivisions"]), reserve=SIGNATURE_SLOTS)
    signature(w, office, wording)

    w.new_page()
    w.heading(m["order_heading"])
    w.paragraph(wording.fill(m["order_intro"]))
    checkbox(w, wording, b["finding_granted"])
    items = [b["order_grant"]]
    items += [b["order_recall"]] if summary.serving else []
    items += [m["order_seal"]] if summary.dismissed else []
    items += [m["order_redesignate"]] if summary.misdemeanors + summary.infractions else []
    items += [wording.fill(m["order_registration"], these="these", convictions="convictions"), m["order_report"]]
    for i, text in enumerate(items, start=1):
        w.paragraph(f"{i}.  {text}", keep=2, left=BOX_TEXT, indent=0)
    checkbox(w, wording, b["finding_denied"])
    other_and_signature(w, wording)

    w.new_page()
    w.heading(b["exhibit_heading"])
    w.paragraph(b["exhibit_subheading"], indent=0, align="centre")
    header = [Cell(wrap(h, x1 - x0 - 6, bold=True), bold=True)
              for h, (x0, x1) in zip(b["exhibit_columns"], EXHIBIT_COLUMNS)]
    w.table_row(header, EXHIBIT_COLUMNS, on_lines=False)
    w.on_new_page = lambda writer: writer.table_row(header, EXHIBIT_COLUMNS, on_lines=False)
    rows = 0
    for case in cases:
        if not case.relief_counts:
            continue
        rows += 1
        w.table_row(exhibit_cells(rows, case, wording), EXHIBIT_COLUMNS, on_lines=False)
    w.on_new_page = None
    return rows
