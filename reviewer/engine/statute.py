"""Layer 1's words: the subdivisions of HS 11357-11360 after AUMA that the rules (engine/columns/statute.py)
cite, what each HS 11357 letter held before and after AUMA, the relief procedure and the sentence question.

The rules themselves are in engine/columns: one engine, over columns, for a county or for one person.
"""
from __future__ import annotations

from datetime import date

from reviewer.domain.records import Answer, Conviction, Question, Reason
from reviewer.domain.vocabulary import SentenceStatus, Suggestion
from reviewer.engine import tables
from reviewer.engine.facts import SENTENCE_QUESTION

AUMA_EFFECTIVE = date(2016, 11, 9)

# Where each section's felony exceptions live, for the explanation.
FELONY_EXCEPTIONS = {
    "11358": ("HS 11358(d)(1)", "HS 11358(d)(2)"),
    "11359": ("HS 11359(c)(1)", "HS 11359(c)(2)"),
    "11360": ("HS 11360(a)(3)(A)", "HS 11360(a)(3)(B)"),
}
NOW_MISDEMEANOR = {"11358": "HS 11358(c)", "11359": "HS 11359(b)", "11360": "HS 11360(a)(2)"}
# "Two or more prior convictions under ..." (the felony-capable conduct of the same section).
PRIORS_UNDER = {"11358": "HS 11358(c)", "11359": "HS 11359(b)", "11360": "HS 11360(a)(2)"}
UNDER_18 = {"11358": "HS 11358(a)", "11359": "HS 11359(a)", "11360": "HS 11360(a)(1)"}
_UNDER_18_CITE = {section: f"{cite}; HS 11357(b)(1)" for section, cite in UNDER_18.items()}

# What each subdivision letter of HS 11357 held, in the text before AUMA and in the text AUMA enacted.
_11357_BEFORE = {"A": "concentrated cannabis", "B": "28.5 g or less", "C": "more than 28.5 g",
                 "D": "28.5 g or less on school grounds, 18 or older", "E": "school grounds, under 18"}
_11357_AUMA = {"A": "28.5 g or less", "B": "more than 28.5 g", "C": "28.5 g or less on school grounds, 18 or older",
               "D": "school grounds, under 18"}

_CONDUCT = {
    "11358": ("plants-6", "Were six living plants or fewer cultivated?", "HS 11362.1(a)(3); HS 11358(c)",
              "cultivating six plants or fewer", "HS 11358(b)"),
    "11360": ("gift-28.5g", "Was it giving away or transporting 28.5 g of cannabis (8 g of concentrate) or less, "
                            "without payment?", "HS 11362.1(a)(1),(4); HS 11360(a)(2),(b)",
              "giving away or transporting 28.5 g or less without payment", "HS 11360(b)"),
}


def _sub(code, *parts: str) -> bool:
    """The subsection path starts with `parts` (upper case, as parsed): CodeSection.has_prefix, faster."""
    return code.subsections[: len(parts)] == parts


def _code_shows_conduct(conv: Conviction) -> bool:
    code = conv.code
    if tables.first_match(tables.DISQUALIFYING_SUBSECTIONS, code) is not None:
        return True
    if conv.section == "11358":
        return _sub(code, "C") or _sub(code, "D")
    return _sub(code, "A", "2") or _sub(code, "A", "3")


def _procedure(conv: Conviction, status: SentenceStatus, as_of: date) -> Reason:
    """Which subdivision of HS 11361.8 the relief goes through, and why."""
    end = f" (ends {conv.sentence_end.isoformat()})" if conv.sentence_end else ""
    if status is SentenceStatus.SERVING:
        return Reason("relief-procedure", "HS 11361.8(a),(b)",
                      f"still serving on {as_of.isoformat()}{end}: recall and resentencing, or dismissal")
    if status is SentenceStatus.COMPLETED:
        ended = f" (ended {conv.sentence_end.isoformat()})" if conv.sentence_end else ""
        return Reason("relief-procedure", "HS 11361.8(e),(f)",
                      f"sentence completed by {as_of.isoformat()}{ended}: dismissal and sealing, or redesignation")
    notes = [f"ends {conv.sentence_end.isoformat()}"] if conv.sentence_end else []
    if conv.sentence_kind == "prison":
        notes.append("after prison: parole or post-release community supervision")
    told = f" ({'; '.join(notes)})" if notes else ""
    return Reason("relief-procedure", "HS 11361.8(b); HS 11361.8(f)",
                  f"not shown whether the sentence is still served on {as_of.isoformat()}{told}: "
                  "if so, resentencing (HS 11361.8(b)); if completed, redesignation or dismissal (HS 11361.8(f)); "
                  "see the question")


_SENTENCE_QUESTIONS: dict[Suggestion, Question] = {}


def _sentence_question(suggestion: Suggestion) -> Question:
    """One shared value per suggestion (asked of many evaluations; its JSON is then written once)."""
    question = _SENTENCE_QUESTIONS.get(suggestion)
    if question is None:
        question = _SENTENCE_QUESTIONS[suggestion] = _new_sentence_question(suggestion)
    return question


def _new_sentence_question(suggestion: Suggestion) -> Question:
    return Question(
        SENTENCE_QUESTION,
        "Is the sentence still being served (including probation, parole or post-release community "
        "supervision)?",
        (Answer("SERVING", "Still serving", suggestion, "HS 11361.8(a),(b)"),
         Answer("COMPLETED", "Completed", suggestion, "HS 11361.8(e),(f)")),
        "HS 11361.8(a),(e)",
    )
