"""The evaluation of a county's convictions (or one person's) over columns:
the rules (columns/statute.py) for every conviction under review at once, then where each open
question's answers lead (every answer a trial row, all trials in one more run), the relief procedure and
the sentence status.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import polars as pl

from reviewer.domain.code_section import CodeSection
from reviewer.domain.records import Answer, Evaluation, PersonRecord, Question, Reason
from reviewer.domain.vocabulary import SENTENCE_QUESTION, SentenceStatus, Suggestion
from reviewer.engine.columns.exceptions import (
    EXCEPTION_COLUMNS,
    felony_exceptions,
    in_order,
    negatives,
)
from reviewer.engine.columns.frame import code_facts, from_records, with_facts
from reviewer.engine.columns.policy import decide as policy_decide
from reviewer.engine.columns.rules import NONE, OPTIONS, PART, RELIEF, SEP, cat, columns
from reviewer.engine.columns.statute import STATIC_KEYS, data_problems, decide
from reviewer.engine.counties import normalise_county
from reviewer.engine.facts import SUPERVISION_YEARS
from reviewer.engine.policy import Policy
from reviewer.engine.statute import _procedure, _sentence_question

C = pl.col
QUESTIONS = pl.List(pl.Struct({"key": pl.Utf8, "text": pl.Utf8, "cite": pl.Utf8, "answers": pl.List(pl.Struct(
    {"value": pl.Utf8, "label": pl.Utf8, "t_sug": pl.Utf8, "head": pl.Utf8}))}))  # the questions column
CONVICTION_COLUMNS = ("id", "pid", "section", "code_s", "disp", "offense_date", "case_key", "court_case",
                      "count_order", "registered", "reg_date", "dq_cite", "dq_label")


def evaluate_records(records: Iterable[PersonRecord], county: str, as_of: date,
                     policy: Policy | None = None) -> list[Evaluation]:
    """engine.evaluate.evaluate_records over columns."""
    convictions, persons, answers, codes = from_records(records)
    return as_evaluations(evaluate_frames(convictions, persons, answers, codes, county, as_of, policy), as_of)


def evaluate_frames(convictions: pl.DataFrame, persons: pl.DataFrame, answers: pl.DataFrame,
                    codes: dict[str, CodeSection], county: str, as_of: date, policy: Policy | None = None
                    ) -> pl.DataFrame:
    """One row per conviction evaluated (frame.CONVICTION_SCHEMA and the others in; see `assess` for what
    comes out). `convictions`: every conviction of the persons evaluated, in every county."""
    if convictions.is_empty():
        return convictions
    counties = {name: name.title() for name in convictions["county"].unique().to_list() if name}
    record = in_order(with_facts(convictions, persons, code_facts(codes), counties))
    targets = record.filter((C("county") == normalise_county(county))
                            & (C("cannabis") | ((C("cannabis_arrest") != "") & C("rel_cite").is_not_null())))
    if targets.is_empty():
        return targets
    rows = targets.with_columns(C("id").alias("rid"))
    return assess(rows, record, answers.rename({"id": "rid"}), as_of, policy)


def run(rows: pl.DataFrame, record: pl.DataFrame, answers: pl.DataFrame, trial: bool = False) -> pl.DataFrame:
    """The statute's rules for every row (rid): sug, reasons, dq, asked, used, problem. A `trial` (of an answer)
    needs the suggestion and the first reason only: the itemised negatives, questions and answers used
    are left out."""
    keys = (*STATIC_KEYS, SENTENCE_QUESTION)
    static = answers.filter(C("key").is_in(keys))
    if static.is_empty():  # (a first evaluation: no answers yet)
        rows = rows.with_columns(*(pl.lit(None, pl.Utf8).alias(f"a:{key}") for key in keys))
    else:
        wide = static.unique(["rid", "key"], keep="last", maintain_order=True) \
            .pivot("key", index="rid", values="value", on_columns=list(keys))
        rows = rows.join(wide.rename({key: f"a:{key}" for key in keys}), on="rid", how="left")
    felony = rows.filter(C("section").is_in(["11358", "11359", "11360"]) & C("cannabis"))
    if felony.is_empty():
        rows = rows.with_columns(*(pl.lit(None, pl.Utf8).alias(k) for k in (*EXCEPTION_COLUMNS, "neg")))
    else:
        ex = felony_exceptions(felony, record, answers)
        ex = ex.with_columns(pl.lit(None, pl.Utf8).alias("neg")) if trial else \
            ex.join(negatives(felony, record), on="rid", how="left")
        rows = rows.join(ex, on="rid", how="left")
    return columns(decide(), rows.with_columns(data_problems().is_not_null().alias("problem")), words=not trial)


def assess(rows: pl.DataFrame, record: pl.DataFrame, answers: pl.DataFrame, as_of: date,
           policy: Policy | None = None) -> pl.DataFrame:
    """The statute's answer and the policy's decision: `sug` (the statute's), `final` (the suggestion made), the
    statute's reasons with the answers used and related counts, `lead` (the policy's reasons before them),
    `status`, and the open questions where the suggestion made is NEEDS_REVIEW, with where each answer leads
    (`questions`: key, text, cite, answers: value, label, t_sug, head)."""
    done = run(rows, record, answers)
    related = _related(done, record)
    done = done.join(related, on="rid", how="left").with_columns(
        pl.when(C("problem")).then(C("reasons"))
        .otherwise(cat(C("reasons"), C("used"), C("related"))).fill_null("").alias("reasons"),
        pl.when((C("sug") == "NEEDS_REVIEW") & ~C("problem")).then(C("asked")).otherwise(NONE).alias("asked"),
        sentence_status(as_of).alias("status"))
    if policy is None:
        done = done.with_columns(C("sug").alias("final"), NONE.alias("lead"), NONE.alias("policy_reason"))
    else:
        done = policy_decide(done, record, policy, as_of)
    asked = done.filter(C("asked").is_not_null() & (C("final") == "NEEDS_REVIEW")).select("rid", "asked").with_columns(C("asked").str.split(SEP)) \
        .explode("asked").with_columns(pl.int_range(pl.len()).over("rid").alias("q"),
                                       C("asked").str.split(PART).alias("parts"))
    asked = asked.with_columns(*(C("parts").list.get(i).alias(name) for i, name in
                                 enumerate(("key", "text", "cite", "options")))).drop("parts", "asked")
    options = pl.DataFrame([(kind, n, value, label) for kind, opts in OPTIONS.items()
                            for n, (value, label) in enumerate(opts)],
                           schema={"options": pl.Utf8, "o": pl.Int64, "value": pl.Utf8, "label": pl.Utf8}, orient="row")
    trials = asked.join(options, on="options").sort(["rid", "q", "o"]).with_row_index("trial")
    if trials.is_empty():
        return done.with_columns(pl.lit(None, QUESTIONS).alias("questions"))
    trial_rows = trials.select("trial", C("rid").alias("of")).join(rows, left_on="of", right_on="rid") \
        .with_columns((C("trial") + 1 + rows["rid"].max()).alias("rid"))
    given = trials.select("trial", "key", "value")
    trial_answers = pl.concat([
        trial_rows.select("rid", "of").join(answers, left_on="of", right_on="rid").select("rid", "key", "value")
        .join(trial_rows.select("rid", "trial").join(given, on="trial").select("rid", "key"),
              on=["rid", "key"], how="anti"),
        trial_rows.select("rid", "trial").join(given, on="trial").select("rid", "key", "value")])
    tried = run(trial_rows.drop("trial", "of"), record, trial_answers, trial=True).select(
        "rid", C("sug").alias("t_sug"),
        C("reasons").str.split(SEP).list.first().str.split(PART).list.get(1, null_on_oob=True).fill_null("")
        .alias("head"))
    trials = trials.with_columns((C("trial") + 1 + rows["rid"].max()).alias("t_rid")) \
        .join(tried, left_on="t_rid", right_on="rid")
    questions = trials.sort(["rid", "q", "o"]).group_by(["rid", "q"], maintain_order=True).agg(
        C("key").first(), C("text").first(), C("cite").first(),
        pl.struct("value", "label", "t_sug", "head").alias("answers")) \
        .sort(["rid", "q"]).group_by("rid", maintain_order=True).agg(
            pl.struct("key", "text", "cite", "answers").alias("questions"))
    return done.join(questions, on="rid", how="left")


def _related(done: pl.DataFrame, record: pl.DataFrame) -> pl.DataFrame:
    """A related non-cannabis count in the same court case (informational: a possible plea bargain)."""
    counts = record.filter(~C("cannabis") & C("code_s").is_not_null() & C("rel_cite").is_not_null()).select(
        "pid", "case_key", "seq", C("rel_cite").alias("r_cite"),
        pl.format("same court case: {} ({}) {}, possibly a plea bargain for a cannabis charge; review that count too",
                  C("code_s"), C("rel_label"), C("ww")).alias("r_words"))
    return done.filter(C("cannabis")).select("rid", "pid", "case_key").join(counts, on=["pid", "case_key"]) \
        .sort(["rid", "seq"]).group_by("rid", maintain_order=True).agg(
            pl.concat_str([pl.lit("related-charge" + PART), C("r_cite"), pl.lit(PART), C("r_words")])
            .str.join(SEP).alias("related"))


def sentence_status(as_of: date) -> pl.Expr:
    """facts.sentence_status over columns (the attorney's answer first: column a:sentence-serving)."""
    end = C("sentence_end")
    status = (pl.when(~C("has_sentence") | end.is_null()).then(pl.lit("UNKNOWN"))
              .when(end > as_of).then(pl.lit("SERVING"))
              .when((C("sentence_kind") == "prison") & (end.dt.offset_by(f"{SUPERVISION_YEARS}y") > as_of))
              .then(pl.lit("UNKNOWN")).otherwise(pl.lit("COMPLETED")))
    given = C(f"a:{SENTENCE_QUESTION}")
    return pl.when(given.is_in(["SERVING", "COMPLETED"]).fill_null(False)).then(given).otherwise(status)


def as_evaluations(done: pl.DataFrame, as_of: date) -> list[Evaluation]:
    """The rows as Evaluations, in conviction id order (with the relief procedure, and the sentence question
    where relief is suggested and the record cannot tell whether the sentence is still served)."""
    out = []
    if done.is_empty():
        return []
    frame = done.sort("id")
    for row in frame.iter_rows(named=True):
        suggestion = Suggestion(row["final"])
        written = SEP.join(part for part in (row["lead"], row["reasons"]) if part)
        reasons = tuple(Reason(*part.split(PART)) for part in written.split(SEP)) if written else ()
        questions = [Question(q["key"], q["text"], tuple(Answer(a["value"], a["label"], Suggestion(a["t_sug"]),
                                                                a["head"]) for a in q["answers"]), q["cite"])
                     for q in (row["questions"] or ()) if "key" in q] if suggestion is Suggestion.NEEDS_REVIEW else []
        status = SentenceStatus(row["status"])
        if row["final"] in RELIEF:
            reasons += (_procedure(_Sentence(row), status, as_of),)
            if status is SentenceStatus.UNKNOWN:
                questions.append(_sentence_question(suggestion))
        flagged = row["level"] == "F" or not row["cannabis"]
        policy_reason = row["policy_reason"] if row["policy_reason"] is not None else reasons[0].text if reasons else ""
        out.append(Evaluation(row["id"], suggestion, reasons, status, row["dq"], flagged, Suggestion(row["sug"]),
                              policy_reason, tuple(questions)))
    return out


class _Sentence:
    """What statute._procedure reads of a conviction."""

    def __init__(self, row: dict) -> None:
        self.sentence_end, self.sentence_kind = row["sentence_end"], row["sentence_kind"]


