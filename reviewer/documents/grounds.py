"""The engine's disqualifying facts as sentences a court reads: statute words, California citations.

The engine explains itself in its own words ("prior conviction PC 187 on 1991-04-11, Yolo County,
court case 91-123 is a super strike under PC 667(e)(2)(C)(iv)"); a notice of challenge says
"The defendant was previously convicted of Pen. Code, § 187 on 04/11/1991, Yolo County, court
case 91-123, an offense described in Pen. Code, § 667, subd. (e)(2)(C)(iv)."
"""
from __future__ import annotations

import re

from reviewer.documents.citations import paper_text

_PHRASES = (
    (re.compile(r"^prior conviction (.+?) is a super strike under (.+)$"),
     r"The defendant was previously convicted of \1, an offense described in \2"),
    (re.compile(r"^prior conviction (.+?) requires registration under (.+)$"),
     r"The defendant was previously convicted of \1, an offense requiring registration under \2"),
    (re.compile(r"^registered as a PC 290 offender (.+?), resting on (.+)$"),
     r"The defendant registered under PC 290 \1, on the basis of \2"),
    (re.compile(r"^(felony|misdemeanor|infraction) (.+?) (on .+?): (.+?) is still (an? \w+) under (.+?), so there "
                r"is nothing lesser to give$"),
     r"The defendant was convicted of a \1 under \2 \3; \4 is still \5 under \6, so the conviction is of no "
     r"greater offense than the law now provides, and HS 11361.8(a),(e) give no relief"),
    # the same reason as evaluations stored before its rewording have it
    (re.compile(r"^(felony|misdemeanor|infraction) (.+?) (on .+?): (.+?) is still (an? \w+) under (.+?); the conviction "
                r"is no more than that, so (.+) give nothing lesser$"),
     (r"The defendant was convicted of a \1 under \2 \3; \4 is still \5 under \6, so the conviction is of no "
      r"greater offense than the law now provides, and \7 give no relief")),
    (re.compile(r"^felony (.+?) (on .+?) stays a felony because of what follows(.*)$"),
     r"The felony under \1 \2 remains a felony under the law now in force, for the facts that follow\3"),
    (re.compile(r"^convicted under (.+?): (.+)$"), r"The defendant was convicted under \1: \2"),
    (re.compile(r"^prior convictions under (.+?): (\d+) \(2 needed\): (.+)$"),
     r"The defendant had \2 prior convictions under \1 (two or more disqualify): \3"),
    (re.compile(r"^offense committed on or after 2016-11-09: (.+)$"),
     r"The offense was committed on or after 11/09/2016, when the Adult Use of Marijuana Act took effect: \1"),
    (re.compile(r"^felony (.+?) convicted on (.+?), after AUMA took effect: (.+)$"),
     r"The defendant was convicted of felony \1 on \2, after the Adult Use of Marijuana Act took effect: \3"),
)


def ground_sentence(text: str, citation: str = "") -> str:
    """One engine fact as one sentence, with its citation in parentheses."""
    text = " ".join((text or "").split()).rstrip(".")
    for pattern, replacement in _PHRASES:
        if pattern.match(text):
            text = pattern.sub(replacement, text)
            break
    else:
        text = "The record shows: " + text
    sentence = paper_text(text) + "."
    if citation:
        sentence += f" ({paper_text(citation)}.)"
    return sentence
