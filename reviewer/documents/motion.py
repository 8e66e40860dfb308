"""The People's notice of no challenge and motion, with the order for the judge on the same document.

One per court case (San Francisco's pilot): every count granted relief is listed with its
code section, date of conviction and the relief, citing HS 11361.8(b) for a sentence still
being served and 11361.8(f) for a completed one. Like CR-403, the order is a finding the
judge checks (GRANTED, DENIED, or Other), and for a person still serving it recalls the
sentence and resentences: the new misdemeanor or infraction, credit for time served and the
supervision HS 11361.8(c) provides (as PC 1170.18(d) does: at most one year, or none).
"""
from __future__ import annotations

import re

from reviewer.documents.common import (
    JUDGE_SLOTS, SIGNATURE_SLOTS, Wording, caption, case_right_column, count_list, count_table, first_page_heading,
    judge_signature, plural, relief_text, running_head, signature,
)
from reviewer.documents.citations import code_section
from reviewer.documents.model import CaseFile, CountLine
from reviewer.documents.fonts import wrap
from reviewer.documents.pleading import LEFT, RIGHT, SIZE, SLOTS, PleadingWriter
from reviewer.domain.vocabulary import Outcome, SentenceStatus

BOX_INDENT = 36.0
BOX_TEXT = LEFT + 72.0


def subdivisions(counts: tuple[CountLine, ...]) -> str:
    statuses = {c.sentence_status for c in counts}
    parts = []
    if SentenceStatus.SERVING in statuses:
        parts.append("(b)")
    if SentenceStatus.COMPLETED in statuses:
        parts.append("(f)")
    if not parts:
        return ""
    word = "subdivision" if len(parts) == 1 else "subdivisions"
    return f", {word} " + " and ".join(parts)


def _which(counts: tuple[CountLine, ...], status: SentenceStatus, total: int) -> str:
    chosen = [c for c in counts if c.sentence_status is status]
    if len(chosen) == total:
        return plural(total, "this conviction", "these convictions")
    return plural(len(chosen), "count ", "counts ") + ", ".join(c.count for c in chosen)


def now_section(wording: Wording, count: CountLine) -> str:
    """The section (and subdivision where it is fixed) that punishes the conduct now."""
    found = re.search(r"113(57|58|59|60)", count.code_section)
    table = wording["now_sections"]
    section = found.group(0) if found else ""
    return table.get(section, {}).get(count.outcome.value) or table["default"].format(section=section or "11357")


def checkbox(w: PleadingWriter, wording: Wording, text: str, keep: int = 2, reserve: int = 0) -> None:
    """'[   ]  TEXT' with the text hanging from the box (a choice the judge marks); `reserve` half-lines
    must follow it on the same page."""
    lines = len(wrap(text, RIGHT - BOX_TEXT, SIZE))
    w.to_line()
    if reserve and lines * 2 + reserve <= SLOTS:
        w.ensure(lines * 2 + reserve)
    w.ensure(min(lines, keep) * 2)
    w.at(w.slot, LEFT + BOX_INDENT, wording["motion"]["checkbox"])
    w.paragraph(text, indent=0, left=BOX_TEXT, keep=keep)


def write_motion_and_order(w: PleadingWriter, case: CaseFile, wording: Wording) -> None:
    office = wording.office
    m = wording["motion"]
    counts = case.relief_counts
    n = len(counts)
    convictions = plural(n, "conviction", "convictions")
    w.start_document(m["footer"], running_head(wording, case), wording["bookmarks"]["motion"])
    first_page_heading(w, office, wording)
    caption(w, wording, case.display_name, wording["defendant_role"], case_right_column(wording, case), m["title"])

    w.paragraph(wording.fill(m["address"]), indent=0)
    w.paragraph(wording.fill(m["intro"], convictions=convictions, subdivisions=subdivisions(counts)))
    challenged = [c.count for c in case.challenged_counts]
    if challenged:
        w.paragraph(wording.fill(m["challenge_ref"], counts=count_list(challenged),
                                 them=plural(len(challenged), "it", "them")))
    paragraphs = [wording.fill(m[key], which=_which(counts, status, n))
                  for status, key in ((SentenceStatus.SERVING, "serving"), (SentenceStatus.COMPLETED, "completed"))
                  if any(c.sentence_status is status for c in counts)]
    for i, text in enumerate(paragraphs):
        w.paragraph(text, reserve=SIGNATURE_SLOTS if i == len(paragraphs) - 1 else 0)
    signature(w, office, wording)
    _order(w, case, wording)


def _order(w: PleadingWriter, case: CaseFile, wording: Wording) -> None:
    m = wording["motion"]
    counts = case.relief_counts
    n = len(counts)
    convictions = plural(n, "conviction", "convictions")
    serving = [c for c in counts if c.sentence_status is SentenceStatus.SERVING]
    w.to_line()
    if w.slots_left < 20:
        w.new_page()
    w.blank()
    w.heading(m["order_heading"])
    w.paragraph(wording.fill(m["order_intro"]))
    checkbox(w, wording, wording.fill(m["finding_granted"], subdivisions=subdivisions(counts)))
    w.paragraph("1.  " + wording.fill(m["order_grant"], convictions=convictions, are=plural(n, "is", "are"),
                                        subdivisions=subdivisions(counts)), left=BOX_TEXT, indent=0)
    count_table(w, counts, wording["count_columns"], lambda c: relief_text(wording, c))
    items = []
    if serving:
        items.append(("recall", m["order_recall"]))
    outcomes = {c.outcome for c in counts}
    if Outcome.DISMISS_AND_SEAL in outcomes:
        items.append(("", m["order_seal"]))
    if outcomes & {Outcome.REDESIGNATE_MISDEMEANOR, Outcome.REDESIGNATE_INFRACTION}:
        items.append(("", m["order_redesignate"]))
    items.append(("", wording.fill(m["order_registration"], these=plural(n, "this", "these"), convictions=convictions)))
    items.append(("", m["order_report"]))
    for i, (kind, text) in enumerate(items, start=2):
        w.paragraph(f"{i}.  {text}", keep=2, left=BOX_TEXT, indent=0)
        if kind == "recall":
            _resentencing(w, serving, wording)
    denial = wording.fill(m["finding_denied"], denial_ground=m["denial_ground_serving"] if serving else "")
    checkbox(w, wording, denial)
    other_and_signature(w, wording)


def other_and_signature(w: PleadingWriter, wording: Wording) -> None:
    """'[ ] OTHER:' with lines the judge writes on, then the judge's signature, on one page."""
    checkbox(w, wording, wording["motion"]["finding_other"] + " " + "_" * 20, keep=1, reserve=JUDGE_SLOTS + 4)
    for _ in range(2):
        w.to_line()
        w.ensure(2)
        w.at(w.slot, BOX_TEXT, "_" * 64)
        w.slot += 2
    judge_signature(w, wording)


def _resentencing(w: PleadingWriter, serving: list[CountLine], wording: Wording) -> None:
    """Per count: the new offense and level, the sentence and the credit; then the supervision choice."""
    m = wording["motion"]
    left = BOX_TEXT + 36
    for count in serving:
        if count.outcome is Outcome.DISMISS_AND_SEAL:
            result = m["resentence_dismissed"]
        else:
            result = wording.fill(m["resentence_level"], level=wording["new_level"][count.outcome.value],
                                  now_section=now_section(wording, count))
        text = wording.fill(m["resentence_count"], count=count.count, code_section=code_section(count.code_section),
                            result=result)
        w.paragraph(text, indent=0, left=left, right=RIGHT, keep=2)
    if any(c.outcome is not Outcome.DISMISS_AND_SEAL for c in serving):
        w.paragraph(m["supervision_intro"], indent=0, left=left, keep=2)
        for key in ("supervision_year", "supervision_released"):
            w.to_line()
            w.ensure(4)
            w.at(w.slot, left, m["checkbox"])
            w.paragraph(m[key], indent=0, left=left + 36, keep=2)


__all__ = ["LEFT", "write_motion_and_order", "subdivisions", "now_section"]
