"""One bulk motion and order for a whole batch, with Exhibit A listing every conviction granted relief.

How Los Angeles and Alameda filed: the People's notice of no challenge and motion, the
order for the presiding judge, and an exhibit table (name, DOB, CII, case number, counts,
relief) whose column headings repeat on every page.
"""
from __future__ import annotations

from typing import Iterable

from reviewer.documents.common import SIGNATURE_SLOTS, Wording, caption, first_page_heading, signature
from reviewer.documents.exhibit import (
    DISMISS, EXHIBIT_COLUMNS, RECALL_DISMISS, RECALL_RESENTENCE, REDESIGNATE, BulkSummary, ExhibitTally,
    exhibit_cells, rows_text,
)
from reviewer.documents.fonts import wrap
from reviewer.documents.model import CaseFile
from reviewer.documents.motion import BOX_TEXT, checkbox, other_and_signature
from reviewer.documents.pleading import Cell, PleadingWriter

__all__ = ["BulkSummary", "EXHIBIT_COLUMNS", "ExhibitChanged", "order_items", "write_bulk_motion"]


class ExhibitChanged(ValueError):
    """Exhibit A came out other than the summary the order was written from (a decision changed meanwhile)."""


def _covering(wording: Wording, summary: BulkSummary, template: str, *kinds: str) -> str:
    """An order paragraph for the convictions of `kinds`: how many, by the label Exhibit A gives them, and
    the rows that hold them ('' when Exhibit A has none of them: the paragraph is left out)."""
    b = wording["bulk"]
    n = summary.convictions(*kinds)
    if not n:
        return ""
    present = [k for k in kinds if summary.convictions(k)]
    labels = b["order_or"].join(f"\u201c{wording['relief_short'][k]}\u201d" for k in present)
    rows = rows_text(summary.row_ranges(*kinds))
    which = b["order_which"][0 if n == 1 else 1].format(n=n)
    return wording.fill(template, Which=which, label=wording["relief_short"][kinds[0]], labels=labels,
                        rows=b["order_rows"].format(rows=rows) if rows else "")


def order_items(wording: Wording, summary: BulkSummary) -> list[str]:
    """The numbered paragraphs of the bulk order, each only where Exhibit A has rows it covers."""
    b, m = wording["bulk"], wording["motion"]
    serving = summary.convictions(RECALL_DISMISS, RECALL_RESENTENCE)
    completed = summary.convictions(DISMISS, REDESIGNATE)
    cited = [part for part, n in (("(b)", serving), ("(f)", completed)) if n]
    subdivisions = (f", subdivision{'s' if len(cited) > 1 else ''} " + " or ".join(cited)) if cited else ""
    items = [wording.fill(b["order_grant"], subdivisions=subdivisions),
             _covering(wording, summary, b["order_recall_resentence"], RECALL_RESENTENCE),
             _covering(wording, summary, b["order_recall_dismiss"], RECALL_DISMISS),
             _covering(wording, summary, b["order_seal"], DISMISS, RECALL_DISMISS),
             _covering(wording, summary, b["order_redesignate"], REDESIGNATE, RECALL_RESENTENCE),
             wording.fill(m["order_registration"], these="these", convictions="convictions"), m["order_report"]]
    return [item for item in items if item]


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
                             counts=summary.counts, cases=summary.cases, people=summary.people,
                             dismissed=summary.dismissed, misdemeanors=summary.misdemeanors,
                             infractions=summary.infractions))
    w.paragraph(wording.fill(b["subdivisions"]), reserve=SIGNATURE_SLOTS)
    signature(w, office, wording)

    w.new_page()
    w.heading(m["order_heading"])
    w.paragraph(wording.fill(m["order_intro"]))
    checkbox(w, wording, b["finding_granted"])
    for i, text in enumerate(order_items(wording, summary), start=1):
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
    tally = ExhibitTally()
    for case in cases:
        row = tally.add(case)
        if row:
            w.table_row(exhibit_cells(row, case, wording), EXHIBIT_COLUMNS, on_lines=False)
    w.on_new_page = None
    if summary.kinds and tally.summary().kinds != summary.kinds:
        raise ExhibitChanged("Exhibit A does not list what the order was written for: a decision changed while "
                             "the bulk motion was printed; print it again")
    return tally.cases
