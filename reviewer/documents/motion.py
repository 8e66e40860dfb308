"""The People's notice of no challenge and motion, with the order for the judge on the same document.

One per court case (San Francisco's pilot): every count granted relief is listed with its
code section, date of conviction and the relief, citing HS 11361.8(b) for a sentence still
being served and 11361.8(e)/(f) for a completed one.
"""
from __future__ import annotations

from reviewer.documents.common import (
    JUDGE_SLOTS, SIGNATURE_SLOTS, Wording, caption, case_right_column, count_table, first_page_heading, judge_signature, plural, relief_text,
    signature,
)
from reviewer.documents.model import CaseFile, CountLine
from reviewer.documents.pleading import LEFT, PleadingWriter
from reviewer.domain.vocabulary import Outcome, SentenceStatus


def subdivisions(counts: tuple[CountLine, ...]) -> str:
    statuses = {c.sentence_status for c in counts}
    parts = []
    if SentenceStatus.SERVING in statuses:
        parts.append("(b)")
    if SentenceStatus.COMPLETED in statuses:
        parts.append("(e) and (f)")
    if not parts:
        return ""
    word = "subdivision" if parts == ["(b)"] else "subdivisions"
    return f", {word} " + (" and ".join(parts) if len(parts) > 1 else parts[0])


def _which(counts: tuple[CountLine, ...], status: SentenceStatus, total: int) -> str:
    chosen = [c for c in counts if c.sentence_status is status]
    if len(chosen) == total:
        return plural(total, "this conviction", "these convictions")
    return plural(len(chosen), "count ", "counts ") + ", ".join(c.count for c in chosen)


def write_motion_and_order(w: PleadingWriter, case: CaseFile, wording: Wording) -> None:
    office = wording.office
    m = wording["motion"]
    counts = case.relief_counts
    n = len(counts)
    convictions = plural(n, "conviction", "convictions")
    w.start_document(m["footer"])
    first_page_heading(w, office, wording)
    caption(w, wording, case.display_name, wording["defendant_role"], case_right_column(wording, case), m["title"])

    w.paragraph(wording.fill(m["address"]), indent=0)
    w.paragraph(wording.fill(m["intro"], convictions=convictions, subdivisions=subdivisions(counts)))
    paragraphs = [wording.fill(m[key], which=_which(counts, status, n))
                  for status, key in ((SentenceStatus.SERVING, "serving"), (SentenceStatus.COMPLETED, "completed"))
                  if any(c.sentence_status is status for c in counts)]
    for i, text in enumerate(paragraphs):
        w.paragraph(text, reserve=SIGNATURE_SLOTS if i == len(paragraphs) - 1 else 0)
    signature(w, office, wording)

    w.to_line()
    if w.slots_left < 20:
        w.new_page()
    w.blank()
    w.heading(m["order_heading"])
    w.paragraph(wording.fill(m["order_intro"]))
    items = [wording.fill(m["order_grant"], convictions=convictions, are=plural(n, "is", "are"),
                          subdivisions=subdivisions(counts))]
    w.paragraph(f"1.  {items[0]}")
    count_table(w, counts, wording["count_columns"], lambda c: relief_text(wording, c))
    outcomes = {c.outcome for c in counts}
    more = []
    if Outcome.DISMISS_AND_SEAL in outcomes:
        more.append(m["order_seal"])
    if outcomes & {Outcome.REDESIGNATE_MISDEMEANOR, Outcome.REDESIGNATE_INFRACTION}:
        more.append(m["order_redesignate"])
    if any(c.sentence_status is SentenceStatus.SERVING for c in counts):
        more.append(m["order_recall"])
    more.append(wording.fill(m["order_registration"], these=plural(n, "this", "these"), convictions=convictions))
    more.append(m["order_report"])
    for i, text in enumerate(more, start=2):
        w.paragraph(f"{i}.  {text}", keep=2, reserve=JUDGE_SLOTS if i == len(more) + 1 else 0)
    judge_signature(w, wording)


__all__ = ["LEFT", "write_motion_and_order", "subdivisions"]
