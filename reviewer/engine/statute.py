"""Layer 1: what HS 11357-11360 carry after AUMA, and the felony exceptions, as the statute reads.

Every rule cites the subdivision it applies. Where the DOJ record cannot decide (amounts, plants,
the offense date, a qualifier of a prior), the answer is NEEDS_REVIEW with the questions whose
answers decide it (engine/questions.py); an attorney's answer turns it into a decided suggestion.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from reviewer.domain.records import Answer, Conviction, Question, Reason
from reviewer.domain.vocabulary import Level, SentenceStatus, Suggestion
from reviewer.engine import tables
from reviewer.engine.facts import SENTENCE_QUESTION, Hit, PersonFacts, where_when
from reviewer.engine.questions import Asker

AUMA_EFFECTIVE = date(2016, 11, 9)
S = Suggestion
_LEVEL = {level: level.label.lower() for level in Level}
_LOWER = {s: s.label.lower() for s in Suggestion}

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


@dataclass(slots=True, unsafe_hash=True)  # a value, not frozen for speed (see domain.records.Conviction)
class StatuteResult:
    suggestion: Suggestion
    reasons: tuple[Reason, ...]
    disqualifiers: tuple[Reason, ...] = ()
    data_problem: bool = False
    questions: tuple[Question, ...] = ()
    asked: tuple = field(default=(), compare=False, hash=False)  # open questions, before add_questions

    @property
    def disqualified(self) -> bool:
        return bool(self.disqualifiers)


def _sub(code, *parts: str) -> bool:
    """The subsection path starts with `parts` (upper case, as parsed): CodeSection.has_prefix, faster."""
    return code.subsections[: len(parts)] == parts


def _result(suggestion: Suggestion, *reasons: Reason, disqualifiers: tuple[Reason, ...] = ()) -> StatuteResult:
    return StatuteResult(suggestion, tuple(reasons), disqualifiers)


def is_target(conv: Conviction) -> bool:
    """Evaluated: an HS 11357-11360 conviction, or a possible plea bargain (a related count that was
    the only conviction of a cycle that began with a cannabis arrest)."""
    if conv.is_cannabis:
        return True
    return bool(conv.cannabis_arrest) and tables.first_match(tables.RELATED_CHARGES, conv.code) is not None


def assess(conv: Conviction, facts: PersonFacts, as_of: date, with_questions: bool = True,
           status: SentenceStatus | None = None) -> StatuteResult:
    """The statute's answer for one conviction, with every fact it used and, where the record cannot
    decide, the questions (each answer with the suggestion it leads to). `with_questions=False` leaves
    them to `add_questions` (a county policy that decides the case needs none)."""
    asker = Asker(conv, facts.answers)
    result = _decide(conv, facts, asker)
    if not result.data_problem:
        result = _with_answers_and_related(result, conv, facts, asker)
    if result.suggestion is S.NEEDS_REVIEW and asker.open:
        result.asked = tuple(asker.open)
    return add_questions(result, conv, facts, as_of, status=status) if with_questions else result


_RELIEF = frozenset(s for s in Suggestion if s.grants_relief)
# The relief procedure's reason by what it depends on: sentence status, as-of date, sentence end and whether
# it was a prison term (one shared value each, for the many relief suggestions).
_PROCEDURES: dict[tuple, Reason] = {}


def add_questions(result: StatuteResult, conv: Conviction, facts: PersonFacts, as_of: date,
                  suggestion: Suggestion | None = None, status: SentenceStatus | None = None) -> StatuteResult:
    """The result with its questions: each open one with where every answer leads (the rules run
    again with that answer), and whether the sentence is still served where relief is suggested and
    the record cannot tell. `suggestion`: the one finally made (a policy's), if not the statute's."""
    final = suggestion or result.suggestion
    questions = []
    if final is S.NEEDS_REVIEW and result.asked:
        asker = Asker(conv, facts.answers)
        for asked in result.asked:
            answers = []
            for value, label in asked.options:
                trial = _decide(conv, facts, asker.with_answer(asked.key, value))
                head = trial.reasons[0].citation if trial.reasons else ""
                answers.append(Answer(value, label, trial.suggestion, head))
            questions.append(Question(asked.key, asked.text, tuple(answers), asked.citation))
    reasons = result.reasons
    if final in _RELIEF:
        status = status or facts.sentence_status(conv, as_of)
        key = (status, as_of, conv.sentence_end, conv.sentence_kind == "prison")  # all _procedure reads
        procedure = _PROCEDURES.get(key)
        if procedure is None:
            if len(_PROCEDURES) > 20_000:
                _PROCEDURES.clear()
            procedure = _PROCEDURES[key] = _procedure(conv, status, as_of)
        reasons = reasons + (procedure,)
        if status is SentenceStatus.UNKNOWN:
            questions.append(_sentence_question(final))
    if not questions and reasons is result.reasons:
        return result
    done = StatuteResult(result.suggestion, reasons, result.disqualifiers, result.data_problem, tuple(questions))
    done.asked = result.asked
    return done


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


def _with_answers_and_related(result: StatuteResult, conv: Conviction, facts: PersonFacts,
                              asker: Asker) -> StatuteResult:
    if not asker.used and not (conv.is_cannabis and conv.case_key in facts.related_by_case):
        return result  # no answer used, no related count in the court case (the common case)
    extra = tuple(asker.used) + tuple(related_charges(conv, facts))
    if not extra:
        return result
    return StatuteResult(result.suggestion, result.reasons + extra, result.disqualifiers)


def related_charges(conv: Conviction, facts: PersonFacts):
    """Possible plea bargains: a related non-cannabis count in the same court case (informational)."""
    if not conv.is_cannabis:
        return
    for other, entry in facts.related_by_case.get(conv.case_key, ()):
        yield Reason(
            "related-charge",
            entry.citation,
            f"same court case: {other.code} ({entry.label}) {where_when(other)}, possibly a plea bargain for "
            "a cannabis charge; review that count too",
        )


def data_problems(conv: Conviction) -> tuple[str, ...]:
    """What the record lacks for any rule to apply (flagged at import, or missing outright)."""
    if conv.issues:
        return conv.issues
    if conv.disposition_date is not None and conv.level is not None and conv.code is not None:
        return ()
    where = f"{conv.source_file} line {conv.source_line}" if conv.source_line else "the record"
    missing = [
        name
        for name, value in (("disposition date", conv.disposition_date), ("level", conv.level),
                            ("code section", conv.code))
        if value is None
    ]
    return tuple(f"{where}: {name} missing" for name in missing)


def _decide(conv: Conviction, facts: PersonFacts, ask: Asker) -> StatuteResult:
    problems = data_problems(conv)
    if problems:
        return StatuteResult(S.NEEDS_REVIEW, tuple(Reason("data-problem", "", p) for p in problems), (), True)
    if not conv.is_cannabis:
        return _plea_bargain(conv)
    if conv.disposition_date >= AUMA_EFFECTIVE:
        decided = _after_auma(conv, facts, ask)
        if decided is not None:
            return decided
    if conv.section == "11357":
        return _possession(conv, facts, ask)
    if conv.section == "11360" and _sub(conv.code, "B"):
        return _lawful_now(conv, facts, ask, "HS 11360(b) (giving away or transporting 28.5 g or less)",
                           "HS 11362.1(a)(1)", "HS 11360(b)")
    return _felony_capable(conv, facts, ask)


def _plea_bargain(conv: Conviction) -> StatuteResult:
    entry = tables.first_match(tables.RELATED_CHARGES, conv.code)
    return _result(S.NEEDS_REVIEW, Reason(
        "possible-plea-bargain", f"{entry.citation}; HS 11361.8(a)",
        f"arrest cycle began with a cannabis arrest ({conv.cannabis_arrest}), but the only conviction is "
        f"{conv.code} ({entry.label}) {where_when(conv)}: possibly a plea bargain. HS 11361.8 reaches only "
        "HS 11357-11360 convictions; decide whether to act on this count",
    ))


# --- convictions after AUMA took effect -----------------------------------------------------

def _after_auma(conv: Conviction, facts: PersonFacts, ask: Asker) -> StatuteResult | None:
    """Convicted on or after 2016-11-09: relief only for an offense committed before (HS 11361.8(a)).
    None: the offense came before AUMA, go on with the rules."""
    on = conv.disposition_date.isoformat()
    auma_only = tables.first_match(tables.AUMA_ONLY_SUBSECTIONS, conv.code)
    if auma_only is not None:
        head = Reason(
            "auma-subsection", f"{auma_only.citation}; HS 11361.8(a)",
            f"convicted on {on} under {conv.code}, a subdivision that exists only in the text AUMA enacted: "
            "sentenced under current law, so there is no lesser offense to give")
        entry = tables.first_match(tables.DISQUALIFYING_SUBSECTIONS, conv.code)
        if entry is None:
            return _result(S.NOT_ELIGIBLE, head)
        found = Reason("disqualifying-subsection", entry.citation, f"convicted under {conv.code}: {entry.label}")
        return _result(S.NOT_ELIGIBLE, head, found, disqualifiers=(found,))
    # The exceptions keep a felony only at 18 or older (HS 11358(a), 11359(a), 11360(a)(1): under 18 it is
    # punished as HS 11357(b)(1)); where the age is not shown to be 18 or more, the rules below decide.
    if (conv.section in FELONY_EXCEPTIONS and conv.level is Level.FELONY
            and facts.age_at_offense(conv).at_least(18) is True):
        certain, _ = _disqualifiers(conv, facts, None, ask.answers)  # (a trial's answer too: see add_questions)
        if certain:
            _disqualifiers(conv, facts, ask)  # again with the asker: the answers that made one hold are reasons
            head = Reason("after-auma-disqualified", "HS 11361.8(a)",
                          f"felony {conv.code} convicted on {on}, after AUMA took effect: a felony exception applies "
                          "whatever the offense date")
            return _result(S.NOT_ELIGIBLE, head, *certain, disqualifiers=tuple(certain))
    if conv.offense_date is not None and conv.offense_date < AUMA_EFFECTIVE:
        return None  # the arrest shows an offense before AUMA: the rules below apply
    evidence = (f"arrested on {conv.offense_date.isoformat()}" if conv.offense_date
                else "no arrest date on record")
    answer = ask.ask("offense-before-auma",
                     f"Was the offense committed before 2016-11-09 (AUMA took effect)? Convicted on {on}; {evidence}.",
                     "HS 11361.8(a)")
    if answer == "yes":
        return None
    if answer == "no":
        return _result(S.NOT_ELIGIBLE, Reason(
            "after-auma", "HS 11361.8(a)",
            f"offense committed on or after 2016-11-09: the conviction on {on} is under the law AUMA made"))
    return _result(S.NEEDS_REVIEW, Reason(
        "after-auma", "HS 11361.8(a)",
        f"convicted on {on}, after AUMA took effect on 2016-11-09 ({evidence}): relief depends on whether the "
        "offense came before that date"))


# --- HS 11357 --------------------------------------------------------------------------------

# What each subdivision letter of HS 11357 held, in the text before AUMA and in the text AUMA enacted.
_11357_BEFORE = {"A": "concentrated cannabis", "B": "28.5 g or less", "C": "more than 28.5 g",
                 "D": "28.5 g or less on school grounds, 18 or older", "E": "school grounds, under 18"}
_11357_AUMA = {"A": "28.5 g or less", "B": "more than 28.5 g", "C": "28.5 g or less on school grounds, 18 or older",
               "D": "school grounds, under 18"}
_WHICH_TEXT = "11357-text"
_TEXTS = (("before", "The text before AUMA (the law at the offense)"), ("after", "The text as amended by AUMA"))


def _possession(conv: Conviction, facts: PersonFacts, ask: Asker) -> StatuteResult:
    """HS 11357: never a felony now; the amount decides lawful, infraction or misdemeanor.

    AUMA gave the subdivisions new letters: before it (a) concentrated cannabis, (b) 28.5 g or less, (c)
    more than 28.5 g, (d) school grounds at 18 or older, (e) school grounds under 18; from AUMA on (a)
    28.5 g or less, (b) more, (c) school grounds at 18 or older, (d) school grounds under 18. Convicted
    before AUMA, the letter is of the old text. Convicted after it for an offense before it (the only
    such conviction that reaches this rule, see _after_auma), the charge was under the old text but the
    conviction may be under the new (In re Estrada (1965) 63 Cal.2d 740: an ameliorative change reaches a
    case not yet final): where the two readings lead apart, the attorney is asked which."""
    letter = conv.code.subsections[0] if conv.code.subsections else ""
    if conv.disposition_date < AUMA_EFFECTIVE or not letter:
        return _possession_under(conv, facts, ask, True)
    question = (_WHICH_TEXT, _Text(_which_text_question, conv, letter), "HS 11357; HS 11361.8(a)", _TEXTS)
    if ask.answers and ask.answers.get((conv.id, _WHICH_TEXT)) in ("before", "after"):
        return _possession_under(conv, facts, ask, ask.ask(*question) == "before")  # (the answer, among the reasons)
    old = _possession_under(conv, facts, ask.with_answer(_WHICH_TEXT, "before"), True)
    new = _possession_under(conv, facts, ask.with_answer(_WHICH_TEXT, "after"), False)
    if old.suggestion is new.suggestion and new.suggestion is not S.NEEDS_REVIEW:
        result = _possession_under(conv, facts, ask, False)
        either = Reason("11357-either-text", "HS 11357; HS 11361.8(a)",
                        f"read as amended by AUMA (the law at conviction); under the text before AUMA, HS 11357"
                        f"({letter.lower()}) was {_11357_BEFORE.get(letter, 'no subdivision')}: "
                        f"{_LOWER[result.suggestion]} either way")
        return StatuteResult(result.suggestion, result.reasons + (either,), result.disqualifiers)
    ask.ask(*question)  # asked only where the readings lead apart
    return _result(S.NEEDS_REVIEW, Reason(
        "11357-which-text", "HS 11357; HS 11361.8(a)",
        f"{_LEVEL[conv.level]} {conv.code} {where_when(conv)}, after AUMA took effect, for an offense before it: "
        f"HS 11357({letter.lower()}) was {_11357_BEFORE.get(letter, 'no subdivision')} before AUMA, "
        f"{_11357_AUMA.get(letter, 'no subdivision')} as amended by AUMA ({_LOWER[old.suggestion]} under the first, "
        f"{_LOWER[new.suggestion]} under the second); the record does not show which text the conviction is under"))


def _which_text_question(conv: Conviction, letter: str) -> str:
    low = letter.lower()
    return (f"{conv.code} was convicted on {conv.disposition_date.isoformat()}, after AUMA took effect, for an "
            f"offense before it. Is the conviction under HS 11357 as it read before AUMA (({low}): "
            f"{_11357_BEFORE.get(letter, 'no such subdivision')}) or as AUMA amended it (({low}): "
            f"{_11357_AUMA.get(letter, 'no such subdivision')})? The court record shows which.")


def _possession_under(conv: Conviction, facts: PersonFacts, ask: Asker, before: bool) -> StatuteResult:
    """HS 11357 read by the text before AUMA (`before`) or as AUMA amended it."""
    code = conv.code
    letter = code.subsections[0] if code.subsections else ""
    era = "before AUMA" if before else "as amended by AUMA"
    small = {"B"} if before else {"A"}
    if letter in small:
        return _lawful_now(conv, facts, ask, f"HS 11357({letter.lower()}) {era} (28.5 g or less)",
                           "HS 11362.1(a)(1)", "HS 11357(a)")
    if before and letter == "A":
        return _amount(conv, facts, ask, ("amount-8g-concentrate", "Was the amount 8 g of concentrated cannabis or "
                                          "less?", "HS 11362.1(a)(2); HS 11357(b)"),
                       ("HS 11357(a) before AUMA (8 g of concentrated cannabis or less)", "HS 11362.1(a)(2)"),
                       "HS 11357(a) before AUMA (more than 8 g of concentrated cannabis)", Reason(
            "11357a-concentrate", "HS 11357(a) (before AUMA); HS 11362.1(a)(2)",
            f"{_LEVEL[conv.level]} {code} {where_when(conv)}: concentrated cannabis; 8 g or less is lawful "
            "now at 21 or older, more a misdemeanor (HS 11357(b)(2)); amount not shown"))
    if (before and letter == "C") or (not before and letter == "B"):
        return _more_than_allowed(conv, facts, f"HS 11357({letter.lower()}) {era} (more than 28.5 g)")
    if (before and letter == "D") or (not before and letter == "C"):
        return _already(conv, f"HS 11357({letter.lower()}) {era} (28.5 g or less on school grounds, 18 or older)",
                        "HS 11357(c)", Level.MISDEMEANOR)
    if (before and letter == "E") or (not before and letter == "D"):
        return _already(conv, f"HS 11357({letter.lower()}) {era} (school grounds, under 18)", "HS 11357(d)",
                        Level.INFRACTION)
    if letter:
        return _result(S.NEEDS_REVIEW, Reason(
            "11357-unknown-subsection", "HS 11357",
            f"{code} {where_when(conv)}: HS 11357 had no subdivision ({letter.lower()}) on that date; "
            "read the court record"))
    return _amount(conv, facts, ask, ("amount-28.5g", "Was the amount 28.5 g of cannabis (8 g of concentrate) or "
                                      "less, outside school grounds?", "HS 11362.1(a)(1),(2); HS 11357"),
                   ("HS 11357 (28.5 g or less)", "HS 11362.1(a)(1)"), "HS 11357 (more than 28.5 g)", Reason(
        "11357-no-subsection", "HS 11357; HS 11362.1",
        f"{_LEVEL[conv.level]} HS 11357, no subsection, {where_when(conv)}: lawful now if 28.5 g or less "
        "at 21 or older, else a misdemeanor; amount not shown"))


def _amount(conv: Conviction, facts: PersonFacts, ask: Asker, question: tuple[str, str, str],
            lawful: tuple[str, str], more: str, unknown: Reason) -> StatuteResult:
    """HS 11357 where the amount decides: within HS 11362.1 lawful now, more a misdemeanor; asked."""
    answer = ask.ask(*question)
    if answer == "yes":
        return _lawful_now(conv, facts, ask, lawful[0], lawful[1], "HS 11357(a)")
    if answer == "no":
        return _more_than_allowed(conv, facts, more)
    return _result(S.NEEDS_REVIEW, unknown)


def _more_than_allowed(conv: Conviction, facts: PersonFacts, what: str) -> StatuteResult:
    """More than the lawful amount: a misdemeanor at 18 or older (HS 11357(b)(2)), an infraction under 18
    ((b)(1))."""
    age = facts.age_at_offense(conv)
    adult = age.at_least(18)
    if adult is False:
        return _already(conv, f"{what}, under 18 at the offense ({age.basis})", "HS 11357(b)(1)", Level.INFRACTION)
    result = _already(conv, what, "HS 11357(b)(2)", Level.MISDEMEANOR)
    if adult is None and result.suggestion is S.NOT_ELIGIBLE:
        return _result(S.NEEDS_REVIEW, Reason(
            "age-unknown", "HS 11357(b)(1),(2)",
            f"{what}: a misdemeanor at 18 or older, an infraction under 18; {age.basis}"))
    return result


def _already(conv: Conviction, what: str, now_cite: str, now: Level) -> StatuteResult:
    """The conduct is still an offense of level `now`: relief only where the conviction was higher."""
    order = {Level.INFRACTION: 0, Level.MISDEMEANOR: 1, Level.FELONY: 2}
    level = conv.level
    if order[level] <= order[now]:
        return _result(S.NOT_ELIGIBLE, Reason(
            "already-lesser", f"{now_cite}; HS 11361.8(a),(e)",
            f"{_LEVEL[level]} {conv.code} {where_when(conv)}: {what} is still {_a(now)} under {now_cite}, "
            "so there is nothing lesser to give"))
    suggestion = S.REDESIGNATE_INFRACTION if now is Level.INFRACTION else S.REDESIGNATE_MISDEMEANOR
    return _result(suggestion, Reason(
        "now-lesser", f"{now_cite}",
        f"now {_a(now)}: {_LEVEL[level]} {conv.code} {where_when(conv)}, {what}"))


def _a(level: Level) -> str:
    return "an infraction" if level is Level.INFRACTION else "a misdemeanor"


def _at_least(conv: Conviction, facts: PersonFacts, ask: Asker, years: int, cite: str):
    """The age at the offense, and whether it was at least `years`: from the record, else the attorney's
    answer to the question, else None (asked)."""
    age = facts.age_at_offense(conv)
    adult = age.at_least(years)
    if adult is None:
        answer = ask.ask(f"age-{years}", f"Was the person {years} or older when the offense was committed? "
                                         f"({age.basis})", cite)
        adult = None if answer is None else answer == "yes"
    return age, adult


def _lawful_now(conv: Conviction, facts: PersonFacts, ask: Asker, what: str, legal_cite: str,
                under_21_cite: str) -> StatuteResult:
    """Conduct lawful at 21 or older (HS 11362.1); an infraction below 21."""
    age, adult = _at_least(conv, facts, ask, 21, f"{legal_cite}; {under_21_cite}")
    if adult is None:
        return _result(S.NEEDS_REVIEW, Reason(
            "age-unknown", f"{legal_cite}; {under_21_cite}",
            f"{what} {where_when(conv)}: lawful at 21 or older, an infraction below 21; {age.basis}"))
    if adult:
        return _result(S.DISMISS_AND_SEAL, Reason(
            "legal-conduct", f"{legal_cite}",
            f"now lawful at 21 or older ({age.basis}): {what} {where_when(conv)}"))
    return _already(conv, f"{what}, under 21 at the offense ({age.basis})", under_21_cite, Level.INFRACTION)


# --- HS 11358, 11359, 11360 -------------------------------------------------------------------

_CONDUCT = {
    "11358": ("plants-6", "Were six living plants or fewer cultivated?", "HS 11362.1(a)(3); HS 11358(c)",
              "cultivating six plants or fewer", "HS 11358(b)"),
    "11360": ("gift-28.5g", "Was it giving away or transporting 28.5 g of cannabis (8 g of concentrate) or less, "
                            "without payment?", "HS 11362.1(a)(1),(4); HS 11360(a)(2),(b)",
              "giving away or transporting 28.5 g or less without payment", "HS 11360(b)"),
}


def _felony_capable(conv: Conviction, facts: PersonFacts, ask: Asker) -> StatuteResult:
    """HS 11358, 11359, 11360: a misdemeanor now at 18 or older unless an exception keeps it a felony."""
    section, code = conv.section, conv.code
    age, adult = _at_least(conv, facts, ask, 18, _UNDER_18_CITE[section])
    if adult is None:
        return _result(S.NEEDS_REVIEW, Reason(
            "age-unknown", _UNDER_18_CITE[section],
            f"{_LEVEL[conv.level]} {code} {where_when(conv)}: under 18 at the offense, an infraction "
            f"({UNDER_18[section]}) and no felony exception; {age.basis}"))
    if not adult:
        return _already(conv, f"{code} under 18 at the offense ({age.basis}), punished as HS 11357(b)(1)",
                        f"{UNDER_18[section]}", Level.INFRACTION)
    lawful = None if _conduct_shown(conv) else _CONDUCT.get(section)
    if conv.level is not Level.FELONY:
        if lawful is None:
            return _already(conv, f"HS {section} (18 or older)", NOW_MISDEMEANOR[section], Level.MISDEMEANOR)
        return _lawful_or(conv, facts, ask, lawful,
                          lambda: _already(conv, f"HS {section} (18 or older)", NOW_MISDEMEANOR[section],
                                           Level.MISDEMEANOR))
    certain, pending = _disqualifiers(conv, facts, ask)
    if certain:
        exceptions = "; ".join(dict.fromkeys(r.citation.split(";")[0] for r in certain))

        def still_a_felony() -> StatuteResult:
            head = Reason("still-a-felony", exceptions,
                          f"felony {code} {where_when(conv)} stays a felony because of what follows")
            return _result(S.NOT_ELIGIBLE, head, *certain, disqualifiers=tuple(certain))

        if lawful is None:
            return still_a_felony()
        return _lawful_or_excepted(conv, facts, ask, lawful, still_a_felony, certain, exceptions)
    if pending:
        def exception_open() -> StatuteResult:
            head = Reason("felony-exception-open", FELONY_EXCEPTIONS[section][0],
                          f"felony {code} {where_when(conv)}: a felony exception may apply; the record does not "
                          "show (see the questions)")
            return _result(S.NEEDS_REVIEW, head, *pending)

        if lawful is None:
            return exception_open()
        # Conduct lawful now is beyond every exception: that question may decide it alone.
        return _lawful_or(conv, facts, ask, lawful, exception_open, exception_open)

    def misdemeanor_now() -> StatuteResult:
        return _result(S.REDESIGNATE_MISDEMEANOR, Reason(
            "now-misdemeanor", f"{NOW_MISDEMEANOR[section]}",
            f"now a misdemeanor at 18 or older ({age.basis}): felony {code} {where_when(conv)}"),
            _negatives(conv, facts))

    if lawful is None:
        return misdemeanor_now()

    def not_shown() -> StatuteResult:
        # Redesignation would under-give where the conduct is lawful now (HS 11361.8(e): dismissal).
        head = Reason(
            "conduct-unknown", f"{lawful[2]}; {NOW_MISDEMEANOR[section]}",
            f"felony {code} {where_when(conv)}: if {lawful[3]}, lawful now at 21 or older (an infraction at "
            f"18-20); otherwise a misdemeanor now at 18 or older ({age.basis}); not shown")
        return _result(S.NEEDS_REVIEW, head, _negatives(conv, facts))

    return _lawful_or(conv, facts, ask, lawful, misdemeanor_now, not_shown)


def _lawful_or_excepted(conv: Conviction, facts: PersonFacts, ask: Asker, lawful, still_a_felony,
                        certain: list[Reason], exceptions: str) -> StatuteResult:
    """A felony HS 11358 or 11360 that a felony exception reaches, if the conduct was what the exception
    names. The exceptions reach only conduct that is still an offense (HS 11358(d): more than six plants,
    "notwithstanding subdivision (c)"; HS 11360(a)(3)): six plants or fewer, or giving away or transporting
    28.5 g or less, is lawful now (HS 11362.1(a)) whatever the record holds, and was a felony before AUMA
    too. The record does not show which: asked, the exceptions kept as the disqualifiers should it not be."""
    def not_shown() -> StatuteResult:
        head = Reason(
            "conduct-unknown", f"{lawful[2]}; {exceptions}",
            f"felony {conv.code} {where_when(conv)}: if {lawful[3]}, lawful now at 21 or older (an infraction at "
            "18-20) and no felony exception reaches it; otherwise it stays a felony because of what follows; not shown")
        return _result(S.NEEDS_REVIEW, head, *certain, disqualifiers=tuple(certain))

    return _lawful_or(conv, facts, ask, lawful, still_a_felony, not_shown)


def _conduct_shown(conv: Conviction) -> bool:
    """The subdivision itself shows conduct that is not lawful now (HS 11358(c),(d); 11360(a)(2),(a)(3);
    a disqualifying subsection). A fact of the code section alone: remembered on it."""
    memo = conv.code.memo
    shown = memo.get("conduct-shown")
    if shown is None:
        shown = memo["conduct-shown"] = _code_shows_conduct(conv)
    return shown


def _code_shows_conduct(conv: Conviction) -> bool:
    code = conv.code
    if tables.first_match(tables.DISQUALIFYING_SUBSECTIONS, code) is not None:
        return True
    if conv.section == "11358":
        return _sub(code, "C") or _sub(code, "D")
    return _sub(code, "A", "2") or _sub(code, "A", "3")


def _lawful_or(conv: Conviction, facts: PersonFacts, ask: Asker, lawful, otherwise, not_shown=None) -> StatuteResult:
    """HS 11358 and 11360 reach conduct that is lawful now (six plants or fewer; giving away or transporting
    28.5 g or less): the record does not show which, so ask. `not_shown`: the result while unanswered, if not
    the plain question."""
    key, text, cite, what, under_21_cite = lawful
    answer = ask.ask(key, text, cite)
    if answer == "yes":
        return _lawful_now(conv, facts, ask, f"{conv.code} ({what})", cite.split(";")[0], under_21_cite)
    if answer == "no":
        return otherwise()
    if not_shown is not None:
        return not_shown()
    decided = otherwise()
    head = Reason(
        "conduct-unknown", cite,
        f"{_LEVEL[conv.level]} {conv.code} {where_when(conv)}: if {what}, lawful now at 21 or older "
        f"(an infraction at 18-20), else {decided.suggestion.label.lower()}; not shown")
    return _result(S.NEEDS_REVIEW, head)


# --- the felony exceptions ----------------------------------------------------------------------

def _disqualifiers(conv: Conviction, facts: PersonFacts, ask: Asker | None,
                   answers: dict | None = None) -> tuple[list[Reason], list[Reason]]:
    """The felony exceptions that hold (certain), and those the record leaves open (pending, with their
    questions asked). Questions are asked only where nothing certain already decides. Without an asker,
    `answers` are the answers read (the assessment's, which a trial of an answer includes)."""
    section = conv.section
    if (not facts.super_strikes and not facts.pc290 and not facts.person.pc290_registration
            and len(facts.cannabis_by_section.get(section, ())) < 3
            and tables.first_match(tables.DISQUALIFYING_SUBSECTIONS, conv.code) is None):
        return [], []  # nothing on the record could be an exception (the common case)
    strike_cite, priors_cite = FELONY_EXCEPTIONS[section]
    certain: list[Reason] = []
    open_items: list[tuple[Reason, list[tuple[str, str]]]] = []
    answers = ask.answers if ask is not None else (facts.answers if answers is None else answers)

    def resolve(reason: Reason, needs: list[tuple[str, str]]) -> None:
        unresolved = []
        for key, text in needs:
            value = answers.get((conv.id, key)) if answers else None
            if value in ("yes", "no") and ask is not None:
                ask.note(key, text, reason.citation, value)
            if value == "no":
                return
            if value != "yes":
                unresolved.append((key, text))
        if unresolved:
            open_items.append((reason, unresolved))
        else:
            certain.append(reason)

    entry = tables.first_match(tables.DISQUALIFYING_SUBSECTIONS, conv.code)
    if entry is not None:
        certain.append(Reason("disqualifying-subsection", entry.citation, f"convicted under {conv.code}: {entry.label}"))
    for hit in _once(facts.super_strikes):
        needs = _prior_needs(hit, conv, facts)
        if needs is not None:
            resolve(Reason("prior-super-strike", f"{strike_cite}; {hit.entry.citation}",
                           f"prior conviction {hit.describe()} is a super strike under {hit.entry.citation}"), needs)
    for hit in _once(facts.pc290):
        needs = _prior_needs(hit, conv, facts)
        if needs is not None:
            resolve(Reason("prior-pc290", f"{strike_cite}; {tables.PC290_CITATION}",
                           f"prior conviction {hit.describe()} requires registration under PC 290(c)"), needs)
    person = facts.person
    if person.pc290_registration and not any(r.rule == "prior-pc290" for r in certain):
        when = person.pc290_registration_date
        on = f"on {when.isoformat()}" if when else "(date not recorded)"
        resolve(Reason("prior-pc290-registration", f"{strike_cite}; PC 290(c)",
                       f"registered as a PC 290 offender {on}, resting on a PC 290(c) conviction that existed at the "
                       "time of the offense"),
                [("pc290-registration", f"The record shows a PC 290 registration {on} but no PC 290(c) conviction "
                                        "before this offense: does the registration rest on a PC 290(c) conviction "
                                        "that existed when the offense was committed?")])
    _two_priors(conv, facts, priors_cite, certain, open_items, answers, ask)
    pending: list[Reason] = []
    if not certain and ask is not None:
        for reason, needs in open_items:
            for key, text in needs:
                ask.ask(key, text, reason.citation)
            pending.append(Reason(reason.rule + "-open", reason.citation, f"possibly: {reason.text} (to answer)"))
    return certain, pending


def _once(hits: tuple[Hit, ...]) -> list[Hit]:
    """The hits without a count recorded again at a later court step of its court case (a probation
    violation, a sentence modified): one conviction, named once."""
    if len(hits) < 2:
        return list(hits)
    firsts: dict[tuple[str, str], Conviction] = {}
    return [hit for hit in hits if _recorded_again(hit.conviction, firsts) is not True]


def _prior_needs(hit: Hit, conv: Conviction, facts: PersonFacts) -> list[tuple[str, str]] | None:
    """What must be answered for `hit` to count as a prior of `conv`: [] it counts, None it does not."""
    status = facts.prior_status(hit.conviction, conv)
    if status is False:
        return None
    needs = []
    other = hit.conviction
    if status is None:
        needs.append((f"prior-{other.id}", _Text(_timing_question, other, conv)))
    if not hit.certain:
        needs.append((f"qualifier-{other.id}", f"{hit.entry.ask} (prior conviction {hit.describe()})"))
    return needs


class _Text:
    """A question's text, written only when the question is asked or an answer noted."""

    __slots__ = ("make", "args")

    def __init__(self, make, *args) -> None:
        self.make, self.args = make, args

    def __str__(self) -> str:
        return self.make(*self.args)


def _timing_question(other: Conviction, conv: Conviction) -> str:
    if other.disposition_date is None:
        return (f"{other.code} has no disposition date on the record: was it a conviction before the offense of "
                f"{conv.code} (convicted {conv.disposition_date.isoformat()}) was committed?")
    return (f"Was {other.code} (convicted {other.disposition_date.isoformat()}) already a conviction when the "
            f"offense of {conv.code} was committed? The record shows no arrest date for {conv.code} "
            f"(convicted {conv.disposition_date.isoformat()}).")


def _two_priors(conv: Conviction, facts: PersonFacts, cite: str, certain: list[Reason],
                open_items: list, answers: dict, ask: Asker | None) -> None:
    """HS 11358(d)(2), 11359(c)(2), 11360(a)(3)(B): two or more prior convictions under the section's
    felony-capable subdivision. A prior that is itself lawful now or an infraction is not one."""
    section = conv.section
    under = PRIORS_UNDER[section]
    counted, maybe = [], []
    firsts: dict[tuple[str, str], Conviction] = {}
    for other in facts.cannabis_by_section.get(section, ()):
        status = facts.prior_status(other, conv)
        if status is False:
            continue
        kind = _prior_kind(other, facts)
        if kind is False:
            continue
        needs = [] if status else [(f"prior-{other.id}", _Text(_timing_question, other, conv))]
        if kind is None:
            needs.append((f"counts-{other.id}", _Text(_counts_question, other, under)))
        again = _recorded_again(other, firsts)
        if again is True:
            continue
        if again is not None:
            needs.append((f"separate-{other.id}", _Text(_separate_question, other, again)))
        (maybe if needs else counted).append((other, needs))
    yes, unresolved = list(counted), []
    for other, needs in maybe:
        values = [answers.get((conv.id, key)) if answers else None for key, _ in needs]
        if ask is not None:
            for (key, text), value in zip(needs, values):
                if value in ("yes", "no"):
                    ask.note(key, text, cite, value)
        if "no" in values:
            continue
        if all(v == "yes" for v in values):
            yes.append((other, needs))
        else:
            unresolved.append((other, [(k, t) for (k, t), v in zip(needs, values) if v != "yes"]))
    listed = ", ".join(f"{o.code} {where_when(o)}" for o, _ in yes)
    if len(yes) >= 2:
        certain.append(Reason("two-priors-same-section", cite,
                              f"prior convictions under {under}: {len(yes)} (2 needed): {listed}"))
    elif len(yes) + len(unresolved) >= 2:
        text = f"prior convictions under {under}: {len(yes)} shown, {len(unresolved)} more possible (2 needed)"
        open_items.append((Reason("two-priors-same-section", cite, text), [n for _, ns in unresolved for n in ns]))


def _recorded_again(other: Conviction, firsts: dict[tuple[str, str], Conviction]):
    """Is `other` a count already counted, recorded again at a later court step of the same arrest cycle
    (a probation violation, a sentence modified)? True: the same court case, one conviction; None: another
    conviction; the earlier record where the record cannot tell (no court case number on one of them)."""
    key = (other.cycle, str(other.code))
    first = firsts.setdefault(key, other)
    if first is other or not other.cycle or first.case_key == other.case_key:
        return None  # the first of its kind, or another count of the same court step
    if other.court_case and first.court_case:
        return True if other.court_case == first.court_case else None
    return first


def _separate_question(other: Conviction, first: Conviction) -> str:
    return (f"Is {other.code} ({where_when(other)}) a conviction of its own, not {first.code} "
            f"({where_when(first)}) of the same arrest recorded again at a later court step? The record "
            "shows no court case number to tell.")


def _prior_kind(other: Conviction, facts: PersonFacts) -> bool | None:
    """Does a prior of the same section count as felony-capable conduct? False: lawful now or an
    infraction (a gift of 28.5 g or less, under 18 at its offense); None: the record cannot tell."""
    code = other.code
    if facts.age_at_offense(other).at_least(18) is False:
        return False
    if other.section == "11360":
        if _sub(code, "B"):
            return False
        # Only the subdivision shows the conduct: before AUMA giving away or transporting any amount was
        # charged under (a), a felony; 28.5 g or less without payment is lawful now (HS 11362.1(a)(1)).
        return True if _conduct_shown(other) else None
    if other.section == "11358":
        # Every cultivation was a felony before AUMA: six plants or fewer is lawful now (HS 11362.1(a)(3)),
        # and only (c) or (d), or a disqualifying subsection, shows more.
        return True if _conduct_shown(other) else None
    if other.section == "11359":
        return not _sub(code, "A")
    return False


def _counts_question(other: Conviction, under: str) -> str:
    if other.section == "11358":
        return (f"Was the prior {other.code} ({where_when(other)}) for more than six plants? Six or fewer is lawful "
                f"now and is not a prior under {under}.")
    return (f"Was the prior {other.code} ({where_when(other)}) a sale, or more than 28.5 g? Giving away or "
            f"transporting 28.5 g or less is lawful now and is not a prior under {under}.")


def _negatives(conv: Conviction, facts: PersonFacts) -> Reason:
    """What was looked for and not found, itemised."""
    section = conv.section
    firsts: dict[tuple[str, str], Conviction] = {}
    priors = [o for o in facts.cannabis_by_section.get(section, ())
              if facts.prior_status(o, conv) and _prior_kind(o, facts) and _recorded_again(o, firsts) is not True]
    # Listed offenses on the record before this conviction that are still not priors: the same court
    # case, or entered after the arrest.
    later = [h for h in _once(facts.super_strikes) + _once(facts.pc290)
             if facts.prior_status(h.conviction, conv) is False
             and h.conviction.disposition_date is not None
             and (h.conviction.case_key == conv.case_key or h.conviction.disposition_date < conv.disposition_date)]
    registered = facts.person.pc290_registration
    if not later:  # the common case: one shared value per section, registration and count of priors
        key = (section, registered, len(priors))
        found = _NEGATIVES.get(key)
        if found is None:
            found = _NEGATIVES[key] = _negatives_reason(section, registered, len(priors), "")
        return found
    return _negatives_reason(section, registered, len(priors),
                             "; not priors (same court case, or entered after the arrest): "
                             + ", ".join(sorted({h.describe() for h in later})))


_NEGATIVES: dict[tuple[str, bool, int], Reason] = {}


def _negatives_reason(section: str, registered: bool, priors: int, more: str) -> Reason:
    strike_cite, priors_cite = FELONY_EXCEPTIONS[section]
    registration = "PC 290 registration: see above" if registered else "no PC 290 registration"
    text = (f"no felony exception: no prior super strike (PC 667(e)(2)(C)(iv)) or PC 290(c) offense, {registration}, "
            f"no disqualifying subsection; priors under {PRIORS_UNDER[section]}: {priors} (2 needed)")
    return Reason("no-felony-exception", f"{strike_cite}; {priors_cite}", text + more)
