"""Layer 1: what HS 11357-11360 carry after AUMA, and the felony exceptions, as the statute reads. Each
rule is one function with its citations and reason templates, returning a result (rules.Res) for every
row; the branches are picks. Where the DOJ record cannot decide (amounts, plants, the offense date, a
qualifier of a prior), the answer is NEEDS_REVIEW with the questions whose answers decide it.

The felony exceptions come in as columns (columns/exceptions.py): `ex_certain` (the exceptions that hold,
as reasons), `ex_cites` (their subdivisions), `ex_pending` (those the record leaves open), `ex_asked` and
`ex_used` (their questions and the answers they used), `neg` (the itemised "no felony exception"); null
where there is none.
"""
from __future__ import annotations

from functools import cache

import polars as pl

from reviewer.engine.columns.rules import (
    NONE,
    SUGGESTION_WORDS,
    TEXTS,
    Res,
    answer,
    ask,
    cat,
    pick,
    reason,
    result,
    stage,
    text,
)
from reviewer.engine.statute import (
    _11357_AUMA,
    _11357_BEFORE,
    _CONDUCT,
    _UNDER_18_CITE,
    FELONY_EXCEPTIONS,
    NOW_MISDEMEANOR,
    UNDER_18,
)

AUMA = pl.date(2016, 11, 9)
C = pl.col
CODE, LV, WW, BASIS = C("code_s"), C("lv"), C("ww"), C("basis")
ORDER = {"I": 0, "M": 1, "F": 2}
WORDS = {"I": "an infraction", "M": "a misdemeanor"}
STATIC_KEYS = ("offense-before-auma", "11357-text", "amount-8g-concentrate", "amount-28.5g", "age-18", "age-21",
               "plants-6", "gift-28.5g")


@cache
def decide() -> Res:
    """The statute's answer (without the answers used and related counts, which evaluate.assess adds). Built once: the
    rules are expressions, the same for every frame."""
    problems = data_problems()
    rest = stage(pick(
        (C("section") == "11357", possession()),
        ((C("section") == "11360") & C("sub_b"), lawful_now("HS 11360(b) (giving away or transporting 28.5 g or less)",
                                                            "HS 11362.1(a)(1)", "HS 11360(b)")),
        *[(C("section") == s, felony_capable(s)) for s in ("11358", "11359")],
        otherwise=felony_capable("11360")))  # (reached with and without the answer used after AUMA)
    after, goes_on, used_on = after_auma()
    after_auma_applies = C("disp") >= AUMA
    return pick(
        (problems.is_not_null(), result("NEEDS_REVIEW", problems)),
        (~C("cannabis"), plea_bargain()),
        (after_auma_applies & ~goes_on, after),
        (after_auma_applies, rest.after(NONE, used_on)),
        otherwise=rest)


def data_problems() -> pl.Expr:
    """The import's flags and missing fields (date, level, code) as data-problem reasons (null: none)."""
    flagged = C("issues").str.split("\x1e").list.eval(
        pl.concat_str([pl.lit("data-problem\x1f\x1f"), pl.element()])).list.join("\x1e")
    where = pl.when(C("source_line") != 0).then(text(C("source_file"), " line ", C("source_line").cast(pl.Utf8))) \
        .otherwise(pl.lit("the record"))
    missing = [pl.when(col.is_null()).then(reason("data-problem", "", text(where, f": {name} missing"))).otherwise(NONE)
               for col, name in ((C("disp"), "disposition date"), (C("level"), "level"), (C("code_s"), "code section"))]
    return pl.when(C("issues").is_not_null()).then(flagged).otherwise(cat(*missing))


def plea_bargain() -> Res:
    return result("NEEDS_REVIEW", reason(
        "possible-plea-bargain", text(C("rel_cite"), "; HS 11361.8(a)"),
        text("arrest cycle began with a cannabis arrest (", C("cannabis_arrest"), "), but the only conviction is ",
             CODE, " (", C("rel_label"), ") ", WW, ": possibly a plea bargain. HS 11361.8 reaches only "
             "HS 11357-11360 convictions; decide whether to act on this count")))


# --- convictions after AUMA took effect -----------------------------------------------------

def after_auma() -> tuple[Res, pl.Expr, pl.Expr]:
    """statute._after_auma: the result, whether the rules below decide instead (the offense came before
    AUMA), and the answer used on the way there."""
    on = C("disp").dt.strftime("%Y-%m-%d")
    head = reason("auma-subsection", text(C("auma_cite"), "; HS 11361.8(a)"),
                  text("convicted on ", on, " under ", CODE, ", a subdivision that exists only in the text AUMA "
                       "enacted: sentenced under current law, so there is no lesser offense to give"))
    found = reason("disqualifying-subsection", C("dq_cite"), text("convicted under ", CODE, ": ", C("dq_label")))
    auma_only = pick((C("dq_cite").is_not_null(), result("NOT_ELIGIBLE", head, found, dq=text(
        "convicted under ", CODE, ": ", C("dq_label")))),
                     otherwise=result("NOT_ELIGIBLE", head))
    excepted = (C("section").is_in(list(FELONY_EXCEPTIONS)) & (C("level") == "F") & (C("at18") == True)
                & C("ex_certain").is_not_null())
    disqualified = result("NOT_ELIGIBLE", reason(
        "after-auma-disqualified", "HS 11361.8(a)",
        text("felony ", CODE, " convicted on ", on, ", after AUMA took effect: a felony exception applies whatever "
             "the offense date")), C("ex_certain"), dq=C("ex_words"))
    before = C("offense_date").is_not_null() & (C("offense_date") < AUMA)
    evidence = pl.when(C("offense_date").is_not_null()) \
        .then(text("arrested on ", C("offense_date").dt.strftime("%Y-%m-%d"))).otherwise(pl.lit("no arrest date on record"))
    q = ask("offense-before-auma", text("Was the offense committed before 2016-11-09 (AUMA took effect)? Convicted on ",
                                        on, "; ", evidence, "."), "HS 11361.8(a)")
    after = result("NOT_ELIGIBLE", reason(
        "after-auma", "HS 11361.8(a)",
        text("offense committed on or after 2016-11-09: the conviction on ", on, " is under the law AUMA made")))
    unknown = result("NEEDS_REVIEW", reason(
        "after-auma", "HS 11361.8(a)",
        text("convicted on ", on, ", after AUMA took effect on 2016-11-09 (", evidence, "): relief depends on whether "
             "the offense came before that date")))
    decided = pick((C("auma_cite").is_not_null(), auma_only), (excepted, disqualified.after(NONE, C("ex_used"))),
                   (q.value == "no", after.after(q.asked, q.used)), otherwise=unknown.after(q.asked, q.used))
    goes_on = C("auma_cite").is_null() & ~excepted & (before | (q.value == "yes").fill_null(False))
    used_on = pl.when(before).then(NONE).otherwise(q.used)
    return decided, goes_on, used_on


# --- HS 11357 --------------------------------------------------------------------------------

def _letter_words(table: dict, otherwise: str) -> pl.Expr:
    return C("letter").replace_strict(table, default=otherwise, return_dtype=pl.Utf8)


def possession() -> Res:
    """HS 11357: the letter by the text before AUMA, or, convicted after AUMA for an offense
    before it, by both texts where they lead apart."""
    old, new = stage(possession_under(True)), stage(possession_under(False))  # (each reached, and compared, twice)
    letter, low = C("letter"), C("letter").str.to_lowercase()
    before_words = _letter_words(_11357_BEFORE, "no subdivision")
    q = ask("11357-text", text(
        CODE, " was convicted on ", C("disp").dt.strftime("%Y-%m-%d"), ", after AUMA took effect, for an offense "
        "before it. Is the conviction under HS 11357 as it read before AUMA ((", low, "): ",
        _letter_words(_11357_BEFORE, "no such subdivision"), ") or as AUMA amended it ((", low, "): ",
        _letter_words(_11357_AUMA, "no such subdivision"), ")? The court record shows which."),
        "HS 11357; HS 11361.8(a)", options=TEXTS)
    answered = answer("11357-text").is_in(["before", "after"]).fill_null(False)
    either = reason("11357-either-text", "HS 11357; HS 11361.8(a)", text(
        "read as amended by AUMA (the law at conviction); under the text before AUMA, HS 11357(", low, ") was ",
        before_words, ": ", new.sug.replace_strict(SUGGESTION_WORDS), " either way"))
    apart = result("NEEDS_REVIEW", reason("11357-which-text", "HS 11357; HS 11361.8(a)", text(
        LV, " ", CODE, " ", WW, ", after AUMA took effect, for an offense before it: HS 11357(", low, ") was ",
        before_words, " before AUMA, ", _letter_words(_11357_AUMA, "no subdivision"), " as amended by AUMA (",
        old.sug.replace_strict(SUGGESTION_WORDS), " under the first, ", new.sug.replace_strict(SUGGESTION_WORDS),
        " under the second); the record does not show which text the conviction is under"))).after(q.asked)
    return pick(
        ((C("disp") < AUMA) | (letter == ""), old),
        (answered & (answer("11357-text") == "before"), old.after(NONE, q.used)),
        (answered, new.after(NONE, q.used)),
        ((old.sug == new.sug) & (new.sug != "NEEDS_REVIEW"), new.plus(either)),
        otherwise=apart)


def possession_under(before: bool) -> Res:
    letter, low = C("letter"), C("letter").str.to_lowercase()
    era = "before AUMA" if before else "as amended by AUMA"
    small, big, school, young = ("B", "C", "D", "E") if before else ("A", "B", "C", "D")
    concentrate = amount(
        ("amount-8g-concentrate", "Was the amount 8 g of concentrated cannabis or less?", "HS 11362.1(a)(2); HS 11357(b)"),
        ("HS 11357(a) before AUMA (8 g of concentrated cannabis or less)", "HS 11362.1(a)(2)"),
        "HS 11357(a) before AUMA (more than 8 g of concentrated cannabis)",
        reason("11357a-concentrate", "HS 11357(a) (before AUMA); HS 11362.1(a)(2)", text(
            LV, " ", CODE, " ", WW, ": concentrated cannabis; 8 g or less is lawful now at 21 or older, more a "
            "misdemeanor (HS 11357(b)(2)); amount not shown")))
    no_letter = amount(
        ("amount-28.5g", "Was the amount 28.5 g of cannabis (8 g of concentrate) or less, outside school grounds?",
         "HS 11362.1(a)(1),(2); HS 11357"),
        ("HS 11357 (28.5 g or less)", "HS 11362.1(a)(1)"), "HS 11357 (more than 28.5 g)",
        reason("11357-no-subsection", "HS 11357; HS 11362.1", text(
            LV, " HS 11357, no subsection, ", WW, ": lawful now if 28.5 g or less at 21 or older, else a misdemeanor; "
            "amount not shown")))
    cases = [(letter == small, lawful_now(text("HS 11357(", low, f") {era} (28.5 g or less)"), "HS 11362.1(a)(1)",
                                          "HS 11357(a)"))]
    if before:
        cases.append((letter == "A", concentrate))
    cases += [
        (letter == big, more_than_allowed(text("HS 11357(", low, f") {era} (more than 28.5 g)"))),
        (letter == school, already(text("HS 11357(", low, f") {era} (28.5 g or less on school grounds, 18 or older)"),
                                   "HS 11357(c)", "M")),
        (letter == young, already(text("HS 11357(", low, f") {era} (school grounds, under 18)"), "HS 11357(d)", "I")),
        (letter != "", result("NEEDS_REVIEW", reason("11357-unknown-subsection", "HS 11357", text(
            CODE, " ", WW, ": HS 11357 had no subdivision (", low, ") on that date; read the court record")))),
    ]
    return pick(*cases, otherwise=no_letter)


def amount(question: tuple[str, str, str], lawful: tuple[str, str], more: str, unknown: pl.Expr) -> Res:
    q = ask(*question)
    return pick((q.value == "yes", lawful_now(lawful[0], lawful[1], "HS 11357(a)").after(NONE, q.used)),
                (q.value == "no", more_than_allowed(more).after(NONE, q.used)),
                otherwise=result("NEEDS_REVIEW", unknown).after(q.asked))


def more_than_allowed(what) -> Res:
    adult = C("at18")
    misdemeanor = already(what, "HS 11357(b)(2)", "M")
    unknown = result("NEEDS_REVIEW", reason("age-unknown", "HS 11357(b)(1),(2)", text(
        what, ": a misdemeanor at 18 or older, an infraction under 18; ", BASIS)))
    return pick((adult == False, already(text(what, ", under 18 at the offense (", BASIS, ")"),
                                         "HS 11357(b)(1)", "I")),
                (adult.is_null() & (misdemeanor.sug == "NOT_ELIGIBLE"), unknown),
                otherwise=misdemeanor)


def already(what, now_cite: str, now: str) -> Res:
    """statute._already: relief only where the conviction was higher than `now`."""
    lesser_or_same = C("level").replace_strict(ORDER, default=None, return_dtype=pl.Int8) <= ORDER[now]
    words = WORDS[now]
    still = result("NOT_ELIGIBLE", reason("already-lesser", f"{now_cite}; HS 11361.8(a),(e)", text(
        LV, " ", CODE, " ", WW, ": ", what, f" is still {words} under {now_cite}, so there is nothing lesser to give")))
    lower = result("REDESIGNATE_INFRACTION" if now == "I" else "REDESIGNATE_MISDEMEANOR", reason(
        "now-lesser", now_cite, text(f"now {words}: ", LV, " ", CODE, " ", WW, ", ", what)))
    return pick((lesser_or_same, still), otherwise=lower)


def at_least(years: int, citation: str):
    """statute._at_least: true, false or null (asked), and the question."""
    shown = C(f"at{years}")
    q = ask(f"age-{years}", text(f"Was the person {years} or older when the offense was committed? (", BASIS, ")"),
            citation, when=shown.is_null())
    return pl.coalesce(shown, q.value == "yes"), q


def lawful_now(what, legal_cite: str, under_21_cite: str) -> Res:
    adult, q = at_least(21, f"{legal_cite}; {under_21_cite}")
    unknown = result("NEEDS_REVIEW", reason("age-unknown", f"{legal_cite}; {under_21_cite}", text(
        what, " ", WW, ": lawful at 21 or older, an infraction below 21; ", BASIS)))
    lawful = result("DISMISS_AND_SEAL", reason("legal-conduct", legal_cite, text(
        "now lawful at 21 or older (", BASIS, "): ", what, " ", WW)))
    young = already(text(what, ", under 21 at the offense (", BASIS, ")"), under_21_cite, "I")
    return pick((adult.is_null(), unknown), (adult, lawful), otherwise=young).after(q.asked, q.used)


# --- HS 11358, 11359, 11360 -------------------------------------------------------------------

def felony_capable(section: str) -> Res:
    adult, q18 = at_least(18, _UNDER_18_CITE[section])
    unknown = result("NEEDS_REVIEW", reason("age-unknown", _UNDER_18_CITE[section], text(
        LV, " ", CODE, " ", WW, f": under 18 at the offense, an infraction ({UNDER_18[section]}) and no felony "
        "exception; ", BASIS)))
    young = already(text(CODE, " under 18 at the offense (", BASIS, "), punished as HS 11357(b)(1)"),
                    UNDER_18[section], "I")
    lawful = _CONDUCT.get(section)
    shown = C("conduct_shown").fill_null(False)
    lesser = already(f"HS {section} (18 or older)", NOW_MISDEMEANOR[section], "M")
    if lawful is None:
        not_felony = lesser
    else:
        not_felony = pick((shown, lesser), otherwise=lawful_or(lawful, lesser))
    felony = _felony(section, lawful, shown)
    return pick((adult.is_null(), unknown), (~adult, young), (C("level") != "F", not_felony),
                otherwise=felony).after(q18.asked, q18.used)


def _felony(section: str, lawful, shown: pl.Expr) -> Res:
    certain, cites = C("ex_certain"), C("ex_cites")
    still = result("NOT_ELIGIBLE", reason("still-a-felony", cites, text(
        "felony ", CODE, " ", WW, " stays a felony because of what follows")), certain, dq=C("ex_words"))
    opened = result("NEEDS_REVIEW", reason("felony-exception-open", FELONY_EXCEPTIONS[section][0], text(
        "felony ", CODE, " ", WW, ": a felony exception may apply; the record does not show (see the questions)")),
        C("ex_pending"))
    misdemeanor = result("REDESIGNATE_MISDEMEANOR", reason("now-misdemeanor", NOW_MISDEMEANOR[section], text(
        "now a misdemeanor at 18 or older (", BASIS, "): felony ", CODE, " ", WW)), C("neg"))
    if lawful is None:
        decided = pick((certain.is_not_null(), still), (C("ex_pending").is_not_null(), opened), otherwise=misdemeanor)
    else:
        excepted = result("NEEDS_REVIEW", reason("conduct-unknown", text(lawful[2], "; ", cites), text(
            "felony ", CODE, " ", WW, f": if {lawful[3]}, lawful now at 21 or older (an infraction at 18-20) and no "
            "felony exception reaches it; otherwise it stays a felony because of what follows; not shown")),
            certain, dq=C("ex_words"))
        not_shown = result("NEEDS_REVIEW", reason("conduct-unknown", f"{lawful[2]}; {NOW_MISDEMEANOR[section]}", text(
            "felony ", CODE, " ", WW, f": if {lawful[3]}, lawful now at 21 or older (an infraction at 18-20); "
            "otherwise a misdemeanor now at 18 or older (", BASIS, "); not shown")), C("neg"))
        decided = pick(
            (certain.is_not_null(), pick((shown, still), otherwise=lawful_or(lawful, still, excepted))),
            (C("ex_pending").is_not_null(), pick((shown, opened), otherwise=lawful_or(lawful, opened, opened))),
            (shown, misdemeanor), otherwise=lawful_or(lawful, misdemeanor, not_shown))
    return decided.after(C("ex_asked"), C("ex_used"))


def lawful_or(lawful, otherwise: Res, not_shown: Res | None = None) -> Res:
    key, words, cite, what, under_21_cite = lawful
    q = ask(key, words, cite)
    if not_shown is None:
        not_shown = result("NEEDS_REVIEW", reason("conduct-unknown", cite, text(
            LV, " ", CODE, " ", WW, f": if {what}, lawful now at 21 or older (an infraction at 18-20), else ",
            otherwise.sug.replace_strict(SUGGESTION_WORDS), "; not shown")))
    return pick((q.value == "yes", lawful_now(text(CODE, f" ({what})"), cite.split(";")[0], under_21_cite)
                 .after(NONE, q.used)),
                (q.value == "no", otherwise.after(NONE, q.used)),
                otherwise=not_shown.after(q.asked))
