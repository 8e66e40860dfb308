"""A county policy over columns: every condition named in engine/conditions.py as a test and a description
over the rows, the first rule that holds per row, and what the policy's decision adds to the statute's
(which layer decided, and relief granted despite a statutory exception).
"""
from __future__ import annotations

from datetime import date

import polars as pl

from reviewer.engine.columns.exceptions import hits
from reviewer.engine.columns.frame import age_on, subsection_path
from reviewer.engine.columns.rules import PART, RELIEF, SEP, SUGGESTION_WORDS, iso
from reviewer.engine.facts import add_years
from reviewer.engine.policy import FOLLOW_STATUTE, Policy

C = pl.col


def person_columns(rows: pl.DataFrame, record: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """The rows with what the conditions ask of the whole record (as gogen read it: latest conviction,
    counts, a sentence still running, prior super strikes and PC 290 offenses, same-section priors)."""
    person = record.group_by("pid").agg(C("disp").max().alias("p_latest"), pl.len().alias("p_n"),
                                        C("cannabis").sum().alias("p_cannabis"))
    end = pl.coalesce(C("sentence_end"), C("disp"))
    running = record.filter(end > as_of).sort("seq").group_by("pid", maintain_order=True).first().select(
        "pid", pl.format("a sentence still running on {}: {} {}, ending {}", pl.lit(as_of.isoformat()),
                         pl.coalesce(C("code_s"), C("offense_text")), C("ww"), iso(end)).alias("p_running"))
    found = hits(record, once=False)
    before = rows.select("rid", "pid", "disp").join(found, on="pid") \
        .filter(C("h_disp").is_not_null() & C("disp").is_not_null() & (C("h_disp") < C("disp"))) \
        .sort(["rid", "kind", "order"]).group_by(["rid", "kind"], maintain_order=True) \
        .agg(C("describe").str.join("; "))
    prior_ss = before.filter(C("kind") == "ss").select("rid", C("describe").alias("ss_prior"))
    prior_pc = before.filter(C("kind") == "reg").select("rid", C("describe").alias("pc_prior"))
    same = rows.select("rid", "pid", "section", "disp").join(
        record.filter(C("cannabis")).select("pid", "section", C("disp").alias("o_disp")), on=["pid", "section"]) \
        .filter(C("o_disp").is_not_null() & C("disp").is_not_null() & (C("o_disp") < C("disp"))) \
        .group_by("rid").agg(pl.len().alias("same_prior_n"))
    reg_date = C("reg_date")
    return rows.join(person, on="pid", how="left").join(running, on="pid", how="left") \
        .join(prior_ss, on="rid", how="left").join(prior_pc, on="rid", how="left") \
        .join(same, on="rid", how="left").with_columns(
            C("same_prior_n").fill_null(0),
            (C("registered").fill_null(False) & (reg_date.is_null() | C("disp").is_null() | (reg_date < C("disp"))))
            .alias("reg_prior"),
            pl.when(C("dob").is_not_null()).then(age_on(C("dob"), pl.lit(as_of))).alias("age_now"))


def _convicted() -> pl.Expr:
    return pl.format("convicted on {}", iso(C("disp")))


def _section(keys) -> pl.Expr:
    test = pl.lit(False)
    for section, prefix in keys:
        if prefix is None:
            sub = pl.lit(True)
        elif prefix == ():
            sub = C("subs") == ""
        else:
            sub = C("subs").str.starts_with(subsection_path(prefix))
        test = test | ((C("section") == section) & sub)
    return test


def condition(name: str, v, as_of: date) -> tuple[pl.Expr, pl.Expr]:
    """What the condition `name` (conditions.CONDITIONS, its value compiled) asks of each row: (test,
    description). Every condition a policy may name has its branch here (tests/test_policy_edit.py)."""
    age = C("age_now")
    age_words = pl.when(age.is_not_null()).then(pl.format("age {} on {}", age, pl.lit(as_of.isoformat()))) \
        .otherwise(pl.lit("date of birth unknown"))
    if name == "level":
        return C("level").is_in([level.value for level in v]), pl.format("level {}", C("lv"))
    if name == "section":
        return _section(v), pl.format("{} conviction", C("code_s"))
    if name == "convicted_on_or_after":
        return C("disp") >= v, _convicted()
    if name == "convicted_before":
        return C("disp") < v, _convicted()
    if name == "prior_super_strike":
        return C("ss_prior").is_not_null() == v, pl.coalesce(C("ss_prior"), pl.lit("no prior super strike"))
    if name == "prior_pc290":
        words = pl.concat_str([C("pc_prior"), pl.when(C("reg_prior")).then(pl.lit("PC 290 registration"))],
                              separator="; ", ignore_nulls=True)
        return ((C("pc_prior").is_not_null() | C("reg_prior")) == v,
                pl.when(words != "").then(words).otherwise(pl.lit("no prior PC 290 offense or registration")))
    if name == "two_priors_same_section":
        return (C("same_prior_n") >= 2) == v, pl.format("{} prior HS {} conviction(s)", C("same_prior_n"),
                                                        C("section"))
    if name == "statute_disqualified":
        return C("dq") == v, pl.coalesce(C("dq_text"), pl.lit("no statutory disqualifier"))
    if name == "age_at_least":
        return (age >= v).fill_null(False), age_words
    if name == "age_at_most":
        return (age <= v).fill_null(False), age_words
    if name == "under_21_at_conviction":
        under = C("dob").dt.offset_by("21y") > C("disp")
        return (under == v).fill_null(False), pl.format("age {} at conviction", age_on(C("dob"), C("disp")))
    if name == "years_since_conviction_at_least":
        return C("disp") <= add_years(as_of, -v), _convicted()
    if name == "no_conviction_within_years":
        return ((C("p_latest").is_null() | (C("p_latest") <= add_years(as_of, -v))),
                pl.format("most recent conviction on {}", pl.coalesce(iso(C("p_latest")), pl.lit("none"))))
    if name == "only_cannabis_convictions":
        return (C("p_cannabis") == C("p_n")) == v, pl.format("{} of {} convictions are HS 11357-11360",
                                                             C("p_cannabis"), C("p_n"))
    if name == "all_sentences_completed":
        return C("p_running").is_null() == v, pl.coalesce(C("p_running"), pl.lit("all sentences completed"))
    if name == "serving_sentence":
        return C("status") == v.value, pl.format("sentence {} on {}", C("status").str.to_lowercase(),
                                                 pl.lit(as_of.isoformat()))
    if name == "deceased":
        return C("deceased").fill_null(False) == v, pl.when(C("deceased").fill_null(False)) \
            .then(pl.lit("deceased")).otherwise(pl.lit("not recorded as deceased"))
    if name == "statute_suggestion":
        return C("sug").is_in([s.value for s in v]), pl.format("statute suggests {}", C("sug"))
    raise KeyError(name)


# What person_columns and the decision read of a row besides its conditions' columns.
_ALWAYS = ("rid", "pid", "disp", "section", "registered", "reg_date", "dob", "sug", "dq")


def _read(done: pl.DataFrame, rules: list, as_of: date) -> list[str]:
    """The columns of `done` the rules' conditions and the decision read (the rest stay out of the joins)."""
    read = set(_ALWAYS)
    for rule in rules:
        for name, value in rule.when:
            for expr in condition(name, value, as_of):
                read.update(expr.meta.root_names())
    return [name for name in done.columns if name in read]


def decide(done: pl.DataFrame, record: pl.DataFrame, policy: Policy, as_of: date) -> pl.DataFrame:
    """Where the policy decides (a cannabis conviction without a data problem): `final` (the suggestion
    made), `lead` (the policy's reasons, before the statute's) and `policy_reason`; elsewhere the statute's."""
    applies = C("cannabis") & ~C("problem")
    rules = [*policy.rules, policy.otherwise]
    mine = person_columns(done.filter(applies).select(_read(done, rules, as_of)), record, as_of)
    first = pl.lit(len(rules) - 1)
    for n in reversed(range(len(policy.rules))):
        holds = pl.lit(True)
        for name, value in rules[n].when:
            holds = holds & condition(name, value, as_of)[0]
        first = pl.when(holds).then(pl.lit(n)).otherwise(first)
    routed = mine.with_columns(first.alias("_rule"))
    default_citation = f"policy {policy.name} v{policy.version}"
    parts = []
    for (n,), part in routed.partition_by("_rule", as_dict=True).items():
        rule = rules[n]
        found = [condition(name, value, as_of)[1] for name, value in rule.when]
        words = pl.lit(rule.reason) if not found else pl.format(
            "{} ({})", pl.lit(rule.reason), pl.concat_str(found, separator="; "))
        # (a column, not a scalar: polars 2.1 panics on a scalar beside columns inside when/format)
        final = C("sug") if rule.suggest == FOLLOW_STATUTE else pl.repeat(pl.lit(rule.suggest), pl.len())
        head = pl.concat_str([pl.lit(f"policy:{rule.id}{PART}{rule.citation or default_citation}{PART}"), words])
        layers = pl.when(final != C("sug")).then(pl.format(
            "statute-alone" + PART + "HS 11361.8; HS 11361.9" + PART + "county policy {}: {}; statute alone: {}",
            pl.lit(policy.name), final.replace_strict(SUGGESTION_WORDS), C("sug").replace_strict(SUGGESTION_WORDS)))
        despite = pl.when(C("dq") & final.is_in(RELIEF)).then(pl.lit(
            "policy-grants-despite-exception" + PART + "HS 11361.8(b); HS 11361.9" + PART + "the statute's felony "
            "exceptions below apply, but the county policy does not challenge on them"))
        parts.append(part.select("rid", final.alias("final"), pl.lit(rule.reason).alias("policy_reason"),
                                 pl.concat_str([head, layers, despite], separator=SEP, ignore_nulls=True)
                                 .alias("lead")))
    decided = pl.concat(parts) if parts else pl.DataFrame(
        schema={"rid": pl.Int64, "final": pl.Utf8, "policy_reason": pl.Utf8, "lead": pl.Utf8})
    return done.join(decided, on="rid", how="left").with_columns(pl.coalesce(C("final"), C("sug")).alias("final"))
