"""The People's notice of challenge (HS 11361.9) to the court and the public defender, with proof of service."""
from __future__ import annotations

from reviewer.documents.citations import code_section
from reviewer.documents.common import (
    SIGNATURE_SLOTS, Wording, caption, case_right_column, count_list, count_table, first_page_heading, plural,
    running_head, signature,
)
from reviewer.documents.model import CaseFile, format_date
from reviewer.documents.pleading import CENTRE, LEFT, PleadingWriter
from reviewer.domain.vocabulary import Outcome


def write_notice_of_challenge(w: PleadingWriter, case: CaseFile, wording: Wording) -> None:
    office = wording.office
    t = wording["notice"]
    counts = case.challenged_counts
    w.start_document(t["footer"], running_head(wording, case), wording["bookmarks"]["notice"])
    first_page_heading(w, office, wording)
    caption(w, wording, case.display_name, wording["defendant_role"], case_right_column(wording, case), t["title"],
            tuple(t["hearing"]))

    w.paragraph(wording.fill(t["address"]), indent=0)
    w.paragraph(wording.fill(t["intro"], convictions=plural(len(counts), "conviction", "convictions")))
    granted = [c.count for c in case.relief_counts] or list(case.relief_in_bulk)
    if granted:
        key = "relief_ref_motion" if case.relief_counts else "relief_ref_bulk"
        w.paragraph(wording.fill(t[key], counts=count_list(granted), them=plural(len(granted), "it", "them")))
    count_table(w, counts, wording["challenge_columns"], lambda c: wording["ground_short"][c.outcome.value])

    w.heading(t["grounds_heading"])
    for count in counts:
        fields = {"count": count.count, "code_section": code_section(count.code_section),
                  "convicted": format_date(count.convicted_on)}
        if count.outcome is Outcome.CHALLENGE_NOT_ELIGIBLE:
            w.paragraph(wording.fill(t["not_eligible"], **fields), keep=2)
            for fact in count.grounds:
                w.paragraph(f"\u2022  {fact}", indent=0, left=LEFT + 54)
        else:
            w.paragraph(wording.fill(t["public_safety"], violent_felony=count.risk, **fields), keep=2)
        if count.attorney_reason:
            reason = wording.fill(t["attorney_reason"], reason=count.attorney_reason)
            w.paragraph(f"\u2022  {reason}" if count.grounds else reason, indent=0, left=LEFT + 54)
    w.paragraph(wording.fill(t["request"]), reserve=SIGNATURE_SLOTS)
    signature(w, office, wording)
    _proof_of_service(w, case, wording)


def _proof_of_service(w: PleadingWriter, case: CaseFile, wording: Wording) -> None:
    """CCP 1013a (mail) and 1013b (electronic service): who served, that they are over 18 and not a party, the
    business and electronic service addresses, the manner, the place of mailing, whom and where."""
    office = wording.office
    t = wording["notice"]
    w.new_page()
    w.mark(wording["bookmarks"]["service"])
    w.heading(t["service_heading"], underline=True)
    w.paragraph(wording.fill(t["service_declarant"], email=office.email))
    w.paragraph(wording.fill(t["service_act"], name=case.display_name, case_number=case.case_number))
    for key in ("service_mail", "service_electronic", "service_personal"):
        w.to_line()
        w.ensure(4)
        w.at(w.slot, LEFT + 36, "[   ]")
        w.paragraph(wording.fill(t[key]), indent=0, left=LEFT + 72, keep=2)
    served = [office.public_defender or f"Public Defender, County of {office.county}", *office.public_defender_address]
    if office.public_defender_email:
        served.append(wording.fill(t["service_email"], email=office.public_defender_email))
    w.to_line()
    w.ensure(2 * len(served) + 2)
    w.at(w.slot, LEFT, t["service_to"])
    for i, line in enumerate(served):
        w.at(w.slot + i, LEFT + 90, line)
    w.slot += len(served) + 1
    w.paragraph(wording.fill(t["service_perjury"]), reserve=6)
    w.blank()
    w.ensure(4)
    sig = t["service_signature"]
    w.at(w.slot, LEFT, sig[0])
    w.at(w.slot + 1, LEFT, sig[1])
    w.at(w.slot, CENTRE + 20, sig[2])
    w.at(w.slot + 1, CENTRE + 20, sig[3])
    w.slot += 2
