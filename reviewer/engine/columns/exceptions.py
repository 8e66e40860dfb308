"""The felony exceptions of HS 11358(d), 11359(c) and 11360(a)(3) (a prior super strike, a prior offense
that requires PC 290(c) registration, two or more priors under the section) of every row under review,
from its person's record by joins and group-bys; and, where none applies, what was looked for and not
found (the itemised "no felony exception").

`rows`: one row per evaluation being worked out (`rid`; a trial of an answer is a row of its own), with
its conviction's columns. `record`: every conviction of those persons, with frame.with_facts's columns.
`answers`: (rid, key, value). The result: per rid, ex_certain, ex_cites, ex_pending, ex_asked, ex_used
and neg (see columns/statute.py).
"""
from __future__ import annotations

import polars as pl

from reviewer.engine import tables
from reviewer.engine.columns.frame import strike_entry
from reviewer.engine.columns.rules import PART, SEP, YES_NO, iso
from reviewer.engine.statute import FELONY_EXCEPTIONS, PRIORS_UNDER

C = pl.col
EXCEPTION_COLUMNS = ("ex_certain", "ex_words", "ex_cites", "ex_pending", "ex_asked", "ex_used")
_STRIKE_CITE = {s: cites[0] for s, cites in FELONY_EXCEPTIONS.items()}
_PRIORS_CITE = {s: cites[1] for s, cites in FELONY_EXCEPTIONS.items()}


def _iso(col: str) -> pl.Expr:
    return iso(C(col))


def in_order(record: pl.DataFrame) -> pl.DataFrame:
    """A person's convictions in the order the rules read them: by disposition date (none first), count
    order, id (facts.PersonFacts lists them so for the review screen too)."""
    return record.sort(["pid", C("disp").fill_null(pl.date(1, 1, 1)), "count_order", "id"]) \
        .with_columns(pl.int_range(pl.len()).alias("seq"))


def hits(record: pl.DataFrame, once: bool = True) -> pl.DataFrame:
    """PersonFacts.super_strikes ("ss") and .pc290 ("reg"), each person's in order, with `once` the counts
    recorded again at a later court step left out (statute._once). Columns: pid, kind, order, h_id and the
    hit's own columns."""
    other = record.filter(~C("cannabis") & C("code_s").is_not_null())
    keep = ["pid", "seq", "id", "code_s", "disp", "case_key", "court_case", "count_order", "ww"]
    label, cite, question = strike_entry()
    ss = other.filter(C("ss_label").is_not_null()).select(
        *keep, pl.lit("ss").alias("kind"), pl.lit(0).alias("part"),
        pl.format("{} ({})", C("code_s"), label).alias("label"), cite.alias("entry_cite"),
        question.alias("entry_ask"))
    gang_cases = other.filter(C("gang")).select("pid", "case_key").unique()
    gang = record.join(gang_cases, on=["pid", "case_key"]).filter(C("ge_label").is_not_null()).select(
        *keep, pl.lit("ss").alias("kind"), pl.lit(1).alias("part"),
        pl.format("{} ({}) with gang enhancement PC 186.22(b)(4)", C("code_s"), C("ge_label")).alias("label"),
        C("ge_cite").alias("entry_cite"), C("ge_ask").alias("entry_ask"))
    reg = other.filter(C("reg_label").is_not_null() & ~(C("reg_felony_only") & (C("level") != "F"))).select(
        *keep, pl.lit("reg").alias("kind"), pl.lit(0).alias("part"),
        pl.format("{} ({})", C("code_s"), C("reg_label")).alias("label"), C("reg_cite").alias("entry_cite"),
        C("reg_ask").alias("entry_ask"))
    found = pl.concat([ss, gang, reg]).sort(["pid", "kind", "part", "seq"]) \
        .with_columns(pl.int_range(pl.len()).over(["pid", "kind"]).alias("order"),
                      C("count_order").str.slice(0, 3).alias("cycle"))
    first = ["pid", "kind", "cycle", "code_s"]
    again = (C("order") != C("order").min().over(first)) & (C("cycle") != "") \
        & (C("case_key") != C("case_key").sort_by("order").first().over(first)) \
        & (C("court_case") != "") & (C("court_case").sort_by("order").first().over(first) != "") \
        & (C("court_case") == C("court_case").sort_by("order").first().over(first))
    return found.filter(~again if once else pl.lit(True)).with_columns(pl.format("{} {}", C("label"), C("ww")).alias("describe")) \
        .rename({"id": "h_id", "code_s": "h_code_s", "disp": "h_disp", "case_key": "h_case_key", "court_case": "h_court_case",
                 "cycle": "h_cycle", "ww": "h_ww"})


# Without an arrest date, a conviction this many years before the cannabis conviction existed at the
# time of the offense: prosecution must begin within three years of it (PC 801; misdemeanors one
# year, PC 802). Closer than that, the record cannot tell, and the attorney is asked.
PRIOR_MARGIN_YEARS = 4


def prior_status(other: str = "h_") -> pl.Expr:
    """Was the prior (columns prefixed `other`) a conviction on the record when the offense of the row's
    conviction was committed? True, false, or null where the record cannot tell.

    Never one of the same court case (the same court step, or the same case number in the same arrest
    cycle); never one entered after the arrest (People v. Smit (2018) 24 Cal.App.5th 596: the prior must
    exist at the time of the offense). Null where the prior has no date, or the row has no arrest date and
    the prior came less than PRIOR_MARGIN_YEARS before its disposition."""
    o = lambda name: C(f"{other}{name}")
    same = (o("id") == C("id")) | ((o("case_key") != "") & (o("case_key") == C("case_key"))) \
        | ((o("court_case") != "") & (o("court_case") == C("court_case")) & (o("cycle") == C("cycle")))
    return (pl.when(same).then(False)
            .when(o("disp").is_null()).then(None)
            .when(C("offense_date").is_not_null()).then(o("disp") < C("offense_date"))
            .when(C("disp").is_null() | (o("disp") >= C("disp"))).then(False)
            .when(o("disp") <= C("disp").dt.offset_by(f"-{PRIOR_MARGIN_YEARS}y")).then(True)
            .otherwise(None))


def timing_question(other: str) -> pl.Expr:
    o = lambda name: C(f"{other}{name}")
    return pl.when(o("disp").is_null()).then(pl.format(
        "{} has no disposition date on the record: was it a conviction before the offense of {} (convicted {}) "
        "was committed?", o("code_s"), C("code_s"), _iso("disp"))).otherwise(pl.format(
            "Was {} (convicted {}) already a conviction when the offense of {} was committed? The record shows no "
            "arrest date for {} (convicted {}).", o("code_s"), _iso(f"{other}disp"), C("code_s"), C("code_s"),
            _iso("disp")))


def _needs(*needs: tuple[pl.Expr, pl.Expr, pl.Expr]) -> pl.Expr:
    """The questions (key, text) that must be answered yes for an item to hold, each where its condition
    holds, in order."""
    return pl.concat_list([pl.when(cond).then(pl.struct(key.alias("key"), words.alias("text")))
                           for cond, key, words in needs]).list.drop_nulls()


def felony_exceptions(rows: pl.DataFrame, record: pl.DataFrame, answers: pl.DataFrame) -> pl.DataFrame:
    """Per rid: the felony exceptions of the row's conviction, each certain or open (with the questions
    whose answers decide it, and the answers already given)."""
    found = hits(record)
    rows = rows.with_columns(C("count_order").str.slice(0, 3).alias("cycle"),
                             C("section").replace_strict(_STRIKE_CITE, default=None).alias("strike_cite"),
                             C("section").replace_strict(_PRIORS_CITE, default=None).alias("priors_cite"),
                             C("section").replace_strict(PRIORS_UNDER, default=None).alias("under"))
    base = ["rid", "id", "pid", "section", "code_s", "disp", "offense_date", "case_key", "court_case", "cycle",
            "strike_cite", "priors_cite", "under"]
    items = []  # (rid, group, order, reason rule/cite/text, needs list)
    hit_rows = rows.select(base).join(found, on="pid")
    hit_rows = hit_rows.with_columns(prior_status().alias("status")).filter(C("status").is_null() | C("status"))
    needs = _needs(
        (C("status").is_null(), pl.format("prior-{}", C("h_id")), timing_question("h_")),
        (C("entry_ask") != "", pl.format("qualifier-{}", C("h_id")),
         pl.format("{} (prior conviction {})", C("entry_ask"), C("describe"))))
    is_ss = C("kind") == "ss"
    items.append(hit_rows.select(
        "rid", pl.when(is_ss).then(1).otherwise(2).alias("group"), C("order"),
        pl.when(is_ss).then(pl.lit("prior-super-strike")).otherwise(pl.lit("prior-pc290")).alias("rule"),
        pl.when(is_ss).then(pl.format("{}; {}", C("strike_cite"), C("entry_cite")))
        .otherwise(pl.format("{}; {}", C("strike_cite"), pl.lit(tables.PC290_CITATION))).alias("cite"),
        pl.when(is_ss).then(pl.format("prior conviction {} is a super strike under {}", C("describe"), C("entry_cite")))
        .otherwise(pl.format("prior conviction {} requires registration under PC 290(c)", C("describe")))
        .alias("words"), needs.alias("needs")))
    items = pl.concat(items)
    resolved = _resolve(items, answers)
    # The registration, where no PC 290(c) prior holds for certain.
    reg_certain = resolved.filter((C("rule") == "prior-pc290") & C("certain")).select("rid").unique()
    registered = rows.filter(C("registered").fill_null(False)).join(reg_certain, on="rid", how="anti")
    on = pl.when(C("reg_date").is_not_null()).then(pl.format("on {}", _iso("reg_date"))) \
        .otherwise(pl.lit("(date not recorded)"))
    reg_item = registered.select(
        "rid", pl.lit(3).alias("group"), pl.lit(0).alias("order"), pl.lit("prior-pc290-registration").alias("rule"),
        pl.format("{}; PC 290(c)", C("strike_cite")).alias("cite"),
        pl.format("registered as a PC 290 offender {}, resting on a PC 290(c) conviction that existed at the time of "
                  "the offense", on).alias("words"),
        _needs((pl.lit(True), pl.lit("pc290-registration"), pl.format(
            "The record shows a PC 290 registration {} but no PC 290(c) conviction before this offense: does the "
            "registration rest on a PC 290(c) conviction that existed when the offense was committed?", on)))
        .alias("needs"))
    resolved = pl.concat([resolved, _resolve(reg_item, answers), two_priors(rows, record, answers)],
                         how="diagonal_relaxed")
    subsection = rows.filter(C("dq_cite").is_not_null()).select(
        "rid", pl.lit(0).alias("group"), pl.lit(0).alias("order"), pl.lit(True).alias("certain"),
        pl.lit("disqualifying-subsection").alias("rule"), C("dq_cite").alias("cite"),
        pl.format("convicted under {}: {}", C("code_s"), C("dq_label")).alias("words"))
    resolved = pl.concat([resolved, subsection], how="diagonal_relaxed").sort(["rid", "group", "order"])
    return _gather(rows.select("rid"), resolved)


def _resolve(items: pl.DataFrame, answers: pl.DataFrame) -> pl.DataFrame:
    """Each exception item certain, open (with its unanswered needs) or dropped by an answer, and
    the answers it looked up (notes, in order)."""
    exploded = items.with_row_index("item").explode("needs", empty_as_null=True).with_columns(
        C("needs").struct.field("key").alias("key"), C("needs").struct.field("text").alias("text"))
    exploded = exploded.with_columns(pl.int_range(pl.len()).over("item").alias("n")) \
        .join(answers, on=["rid", "key"], how="left")
    no_at = pl.when(C("value") == "no").then(C("n")).min().over("item")
    exploded = exploded.with_columns(no_at.alias("no_at"))
    noted = exploded.filter(C("key").is_not_null() & C("value").is_in(["yes", "no"])
                            & (C("no_at").is_null() | (C("n") <= C("no_at"))))
    per_item = exploded.group_by("item", maintain_order=True).agg(
        C("no_at").first().is_not_null().alias("dropped"),
        pl.struct("key", "text").filter(C("key").is_not_null() & (C("value") != "yes").fill_null(True)).alias("open"))
    notes = noted.group_by("item").agg(pl.struct("key", "text", "value").alias("notes"))
    out = items.with_row_index("item").drop("needs").join(per_item, on="item", how="left") \
        .join(notes, on="item", how="left")
    kept, waiting = ~C("dropped").fill_null(False), C("open").list.len().fill_null(0)
    return out.with_columns((kept & (waiting == 0)).alias("certain"), (kept & (waiting > 0)).alias("is_open")) \
        .drop("item")


def prior_kind() -> pl.Expr:
    """statute._prior_kind of the prior (columns prefixed o_)."""
    return (pl.when(C("o_at18") == False).then(False)
            .when(C("o_section") == "11360").then(pl.when(C("o_sub_b")).then(False)
                                                   .when(C("o_conduct_shown")).then(True).otherwise(None))
            .when(C("o_section") == "11358").then(pl.when(C("o_conduct_shown")).then(True).otherwise(None))
            .when(C("o_section") == "11359").then(~C("o_sub_a"))
            .otherwise(False))


def _same_section(rows: pl.DataFrame, record: pl.DataFrame) -> pl.DataFrame:
    """Each row with the cannabis convictions of its section on its person's record, in order."""
    mine = record.filter(C("cannabis")).select(
        "pid", "section", "seq", "id", "disp", "case_key", "court_case", "code_s", "ww", "at18", "sub_b", "sub_a",
        "conduct_shown", C("count_order").str.slice(0, 3).alias("cycle"))
    mine = mine.rename({c: f"o_{c}" for c in mine.columns if c not in ("pid",)})
    needed = ["rid", "id", "pid", "section", "code_s", "disp", "offense_date", "case_key", "court_case", "cycle"]
    joined = rows.select([*needed, *(c for c in ("priors_cite", "under") if c in rows.columns)]) \
        .join(mine, left_on=["pid", "section"], right_on=["pid", "o_section"]) \
        .with_columns(C("section").alias("o_section")).sort(["rid", "o_seq"])
    return joined.with_columns(prior_status("o_").alias("status"), prior_kind().alias("kind"))


def _recorded_again(frame: pl.DataFrame) -> pl.DataFrame:
    """statute._recorded_again over the candidates kept in `frame` (per rid, in order): `again` true (the
    same court case: left out), false, or null with the first record (`f_` columns) where it cannot tell."""
    key = ["rid", "o_cycle", "o_code_s"]
    first = lambda col: C(col).first().over(key, order_by="o_seq")
    frame = frame.with_columns(first("o_id").alias("f_id"), first("o_case_key").alias("f_case_key"),
                               first("o_court_case").alias("f_court_case"), first("o_code_s").alias("f_code_s"),
                               first("o_ww").alias("f_ww"))
    plain = (C("f_id") == C("o_id")) | (C("o_cycle") == "") | (C("f_case_key") == C("o_case_key"))
    both = (C("o_court_case") != "") & (C("f_court_case") != "")
    return frame.with_columns(pl.when(plain).then(False).when(both).then(C("o_court_case") == C("f_court_case"))
                              .otherwise(None).alias("again"))


def two_priors(rows: pl.DataFrame, record: pl.DataFrame, answers: pl.DataFrame) -> pl.DataFrame:
    """An exception item (group 4) where two or more priors under the section are shown or possible."""
    cand = _same_section(rows, record).filter(C("status").is_null() | C("status")) \
        .filter(C("kind").is_null() | C("kind"))
    cand = _recorded_again(cand).filter(C("again").is_null() | ~C("again"))
    needs = _needs(
        (C("status").is_null(), pl.format("prior-{}", C("o_id")), timing_question("o_")),
        (C("kind").is_null(), pl.format("counts-{}", C("o_id")), counts_question()),
        (C("again").is_null(), pl.format("separate-{}", C("o_id")), pl.format(
            "Is {} ({}) a conviction of its own, not {} ({}) of the same arrest recorded again at a later court step? "
            "The record shows no court case number to tell.", C("o_code_s"), C("o_ww"), C("f_code_s"), C("f_ww"))))
    cand = cand.with_columns(needs.alias("needs"), pl.format("{} {}", C("o_code_s"), C("o_ww")).alias("listed"))
    flat = cand.with_row_index("cand").explode("needs", empty_as_null=True).with_columns(
        C("needs").struct.field("key").alias("key"), C("needs").struct.field("text").alias("text")) \
        .join(answers, on=["rid", "key"], how="left")
    per = flat.group_by("cand", maintain_order=True).agg(
        C("rid").first(), C("o_seq").first(), C("listed").first(), C("priors_cite").first(), C("under").first(),
        (C("value") == "no").any().alias("no"), C("key").is_not_null().any().alias("had_needs"),
        ((C("value") == "yes").fill_null(False) | C("key").is_null()).all().alias("all_yes"),
        pl.struct("key", "text").filter(C("key").is_not_null() & (C("value") != "yes").fill_null(True)).alias("open"),
        pl.struct("key", "text", "value").filter(C("value").is_in(["yes", "no"])).alias("notes"))
    counted = per.filter(~C("no") & C("all_yes"))
    counted = counted.sort(["rid", "had_needs", "o_seq"])  # counted first, then those answered yes
    by_rid = per.group_by("rid").agg(C("notes").list.explode(keep_nulls=False, empty_as_null=False).alias("notes"), C("priors_cite").first(),
                                     C("under").first())
    yes = counted.group_by("rid", maintain_order=True).agg(pl.len().alias("yes"),
                                                           C("listed").str.join(", ").alias("listed"))
    unresolved = per.filter(~C("no") & ~C("all_yes")).group_by("rid").agg(
        pl.len().alias("unresolved"), C("open").list.explode(keep_nulls=False, empty_as_null=False).alias("open"))
    out = by_rid.join(yes, on="rid", how="left").join(unresolved, on="rid", how="left").with_columns(
        C("yes").fill_null(0), C("unresolved").fill_null(0))
    out = out.with_columns((C("yes") >= 2).alias("certain"),
                           ((C("yes") < 2) & (C("yes") + C("unresolved") >= 2)).alias("is_open"))
    return out.select(
        "rid", pl.lit(4).alias("group"), pl.lit(0).alias("order"), pl.lit("two-priors-same-section").alias("rule"),
        C("priors_cite").alias("cite"),
        pl.when(C("certain")).then(pl.format("prior convictions under {}: {} (2 needed): {}", C("under"), C("yes"),
                                             C("listed")))
        .otherwise(pl.format("prior convictions under {}: {} shown, {} more possible (2 needed)", C("under"), C("yes"),
                             C("unresolved"))).alias("words"),
        "certain", "is_open", pl.when(C("is_open")).then(C("open")).alias("open"), "notes")


def counts_question() -> pl.Expr:
    return pl.when(C("o_section") == "11358").then(pl.format(
        "Was the prior {} ({}) for more than six plants? Six or fewer is lawful now and is not a prior under {}.",
        C("o_code_s"), C("o_ww"), C("under"))).otherwise(pl.format(
            "Was the prior {} ({}) a sale, or more than 28.5 g? Giving away or transporting 28.5 g or less is lawful "
            "now and is not a prior under {}.", C("o_code_s"), C("o_ww"), C("under")))


def _gather(rids: pl.DataFrame, items: pl.DataFrame) -> pl.DataFrame:
    """Per rid: the certain reasons and their subdivisions; where none is certain, the open ones and their
    questions; the answers noted (each key once)."""
    reason = pl.concat_str([C("rule"), pl.lit(PART), C("cite"), pl.lit(PART), C("words")])
    certain = items.filter(C("certain")).group_by("rid", maintain_order=True).agg(
        reason.str.join(SEP).alias("ex_certain"), C("words").str.join("; ").alias("ex_words"),
        C("cite").str.split(";").list.first().unique(maintain_order=True).str.join("; ").alias("ex_cites"))
    opened = items.filter(C("is_open")).join(certain.select("rid"), on="rid", how="anti")
    pending = opened.group_by("rid", maintain_order=True).agg(
        pl.concat_str([C("rule"), pl.lit("-open" + PART), C("cite"), pl.lit(PART + "possibly: "), C("words"),
                       pl.lit(" (to answer)")]).str.join(SEP).alias("ex_pending"))
    asked = opened.select("rid", "group", "order", "cite", "open").explode("open").with_columns(
        C("open").struct.field("key").alias("key"), C("open").struct.field("text").alias("text")) \
        .with_row_index("n").unique(["rid", "key"], keep="first", maintain_order=True).sort("n") \
        .group_by("rid", maintain_order=True).agg(
            pl.concat_str([C("key"), pl.lit(PART), C("text"), pl.lit(PART), C("cite"), pl.lit(PART + YES_NO)])
            .str.join(SEP).alias("ex_asked"))
    notes = items.select("rid", "group", "order", "cite", "notes").explode("notes").filter(C("notes").is_not_null()) \
        .with_columns(C("notes").struct.field("key").alias("key"), C("notes").struct.field("text").alias("text"),
                      C("notes").struct.field("value").alias("value")) \
        .with_row_index("n").unique(["rid", "key"], keep="first", maintain_order=True).sort("n") \
        .group_by("rid", maintain_order=True).agg(
            pl.concat_str([pl.lit("answer:"), C("key"), pl.lit(PART), C("cite"),
                           pl.lit(PART + "the reviewing attorney answered "),
                           pl.when(C("value") == "yes").then(pl.lit("Yes")).otherwise(pl.lit("No")), pl.lit(": "),
                           C("text")]).str.join(SEP).alias("ex_used"))
    out = rids.join(certain, on="rid", how="left").join(pending, on="rid", how="left") \
        .join(asked, on="rid", how="left").join(notes, on="rid", how="left")
    return out


def negatives(rows: pl.DataFrame, record: pl.DataFrame) -> pl.DataFrame:
    """Per rid: what was looked for and not found, itemised (the "no felony exception" reason)."""
    cand = _same_section(rows, record).filter(C("status").fill_null(False) & C("kind").fill_null(False))
    priors = _recorded_again(cand).filter(C("again").is_null() | ~C("again")).group_by("rid").agg(pl.len().alias("n"))
    found = hits(record)
    base = rows.select("rid", "id", "pid", "disp", "offense_date", "case_key", "court_case",
                       C("count_order").str.slice(0, 3).alias("cycle"))
    later = base.join(found, on="pid").filter(
        (prior_status() == False) & C("h_disp").is_not_null()
        & ((C("h_case_key") == C("case_key")) | (C("h_disp") < C("disp")))) \
        .group_by("rid").agg(C("describe").unique().sort().str.join(", ").alias("later"))
    out = rows.select("rid", "section", "registered").join(priors, on="rid", how="left") \
        .join(later, on="rid", how="left")
    registration = pl.when(C("registered").fill_null(False)).then(pl.lit("PC 290 registration: see above")) \
        .otherwise(pl.lit("no PC 290 registration"))
    words = pl.format("no felony exception: no prior super strike (PC 667(e)(2)(C)(iv)) or PC 290(c) offense, {}, "
                      "no disqualifying subsection; priors under {}: {} (2 needed)", registration,
                      C("section").replace_strict(PRIORS_UNDER, default=None), C("n").fill_null(0))
    words = pl.when(C("later").is_not_null()).then(pl.format(
        "{}; not priors (same court case, or entered after the arrest): {}", words, C("later"))).otherwise(words)
    cite = pl.format("{}; {}", C("section").replace_strict(_STRIKE_CITE, default=None),
                     C("section").replace_strict(_PRIORS_CITE, default=None))
    return out.select("rid", pl.concat_str([pl.lit("no-felony-exception" + PART), cite, pl.lit(PART), words])
                      .alias("neg"))
