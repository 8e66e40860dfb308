"""The column engine's evaluations as the database stores them (services/evaluating.py's rows): the
reasons as reasons_json writes them, shared reasons as references (store/shared_reasons.py), the questions
as questions_json writes them; each column built over all rows at once.
"""
from __future__ import annotations

import json
from datetime import date

import polars as pl

from reviewer.domain.records import Reason
from reviewer.domain.vocabulary import Suggestion
from reviewer.engine.columns.rules import PART, RELIEF, SEP
from reviewer.engine.statute import _sentence_question
from reviewer.services.evaluating import reason_json
from reviewer.store import shared_reasons

C = pl.col
SHARED_RULES = ("statute-alone", "no-felony-exception")
STORED = ("conviction_id", "suggestion", "statute_suggestion", "policy_reason", "reasons", "status", "disqualified",
          "flagged", "priority", "questions")  # evaluating.COMPUTED_COLUMNS
_PLAIN = r"^[\x20-\x7e]*$"  # printable ASCII: JSON-escaped by two replacements; anything else by Python's json
_PLAIN_ROW = r"^[\x20-\x7e\x1e\x1f]*$"  # a row of reasons whose every part is printable ASCII
REASON_ROWS = 20_000  # rows whose reasons are written at once (_reasons_in_slices)


def _json_string(expr: pl.Expr) -> pl.Expr:
    """A JSON string of printable ASCII text (encode_basestring_ascii for such text)."""
    return pl.concat_str([pl.lit('"'), expr.str.replace_all("\\", "\\\\", literal=True)
                          .str.replace_all('"', '\\"', literal=True), pl.lit('"')])


def procedure(as_of: date) -> pl.Expr:
    """statute._procedure (which subdivision of HS 11361.8 relief goes through) as a reason fragment
    (rule, citation, text)."""
    on = as_of.isoformat()
    end = C("sentence_end").dt.strftime("%Y-%m-%d")
    ends = pl.when(end.is_not_null()).then(pl.format(" (ends {})", end)).otherwise(pl.lit(""))
    ended = pl.when(end.is_not_null()).then(pl.format(" (ended {})", end)).otherwise(pl.lit(""))
    notes = pl.concat_str([pl.when(end.is_not_null()).then(pl.format("ends {}", end)),
                           pl.when(C("sentence_kind") == "prison")
                           .then(pl.lit("after prison: parole or post-release community supervision"))],
                          separator="; ", ignore_nulls=True)
    told = pl.when(notes != "").then(pl.format(" ({})", notes)).otherwise(pl.lit(""))
    return (pl.when(C("status") == "SERVING").then(pl.format(
        "relief-procedure" + PART + "HS 11361.8(a),(b)" + PART + "still serving on " + on
        + "{}: recall and resentencing, or dismissal", ends))
        .when(C("status") == "COMPLETED").then(pl.format(
            "relief-procedure" + PART + "HS 11361.8(e),(f)" + PART + "sentence completed by " + on
            + "{}: dismissal and sealing, or redesignation", ended))
        .otherwise(pl.format(
            "relief-procedure" + PART + "HS 11361.8(b); HS 11361.8(f)" + PART + "not shown whether the sentence is "
            "still served on " + on + "{}: if so, resentencing (HS 11361.8(b)); if completed, redesignation or "
            "dismissal (HS 11361.8(f)); see the question", told)))


def stored_rows(done: pl.DataFrame, as_of: date) -> tuple[pl.DataFrame, dict[str, str]]:
    """evaluating.COMPUTED_COLUMNS of every evaluation in `done` (column engine output), and the shared
    reasons they name (key -> written-out reason)."""
    if done.is_empty():
        return no_rows(), {}
    relief = C("final").is_in(RELIEF)
    frame = done.select(
        C("id").alias("conviction_id"), C("final").alias("suggestion"), C("sug").alias("statute_suggestion"),
        "policy_reason", "status", C("dq").alias("disqualified"),
        ((C("level") == "F").fill_null(False) | ~C("cannabis")).alias("flagged"),
        pl.when((C("final") == "NEEDS_REVIEW") | C("dq")).then(0).otherwise(1).alias("priority"),
        pl.concat_str(["lead", pl.when(C("reasons") != "").then(C("reasons")),
                       pl.when(relief).then(procedure(as_of))], separator=SEP, ignore_nulls=True).alias("all"),
        pl.when(C("final") == "NEEDS_REVIEW").then(C("questions")).alias("questions"),
        (relief & (C("status") == "UNKNOWN")).alias("sentence_question"))
    reasons, shared = _reasons_in_slices(frame.select("conviction_id", "all"))
    questions = _questions_json(frame.select("conviction_id", "questions", "suggestion", "sentence_question"))
    first = C("all").str.split(SEP).list.first().str.split(PART).list.get(2, null_on_oob=True)
    rows = frame.join(reasons, on="conviction_id", how="left").join(questions, on="conviction_id", how="left") \
        .select("conviction_id", "suggestion", "statute_suggestion",
                pl.coalesce(C("policy_reason"), first, pl.lit("")).alias("policy_reason"),
                C("reasons").fill_null("[]"), "status", "disqualified", "flagged", "priority",
                C("questions_json").fill_null("[]").alias("questions"))
    return rows.sort("conviction_id"), shared


def no_rows() -> pl.DataFrame:
    """stored_rows of no evaluation."""
    return pl.DataFrame(schema=dict.fromkeys(STORED, pl.Utf8))


def stored_table(rows: pl.DataFrame):
    """stored_rows' rows as an Arrow table under the evaluation table's names (`status` is its
    sentence_status), in conviction order."""
    if not rows["conviction_id"].is_sorted():  # (stored_rows sorts, and parts of persons in order stay so)
        rows = rows.sort("conviction_id")
    return rows.rename({"status": "sentence_status"}).to_arrow(compat_level=pl.CompatLevel.oldest())


def _reasons_in_slices(frame: pl.DataFrame) -> tuple[pl.DataFrame, dict[str, str]]:
    """_reasons_json of REASON_ROWS rows at a time: each row's reasons are written alone, and a slice's
    working columns (every reason split into its parts) take several times its text."""
    done = [_reasons_json(rows) for rows in frame.iter_slices(REASON_ROWS)]
    return pl.concat([reasons for reasons, _ in done]), {key: text for _, named in done for key, text in named.items()}


def _reasons_json(frame: pl.DataFrame) -> tuple[pl.DataFrame, dict[str, str]]:
    """(conviction_id, reasons as stored_reasons writes them) and the shared reasons they name. A shared
    reason is written once per distinct text (thousands of rows carry each); the others over columns where
    the row is printable ASCII (each reason escaped whole, its two separators then made the JSON between its
    three fields), else as Python's json writes them."""
    parts = frame.with_columns(C("all").str.contains(_PLAIN_ROW).alias("plain"), C("all").str.split(SEP).alias("raw")) \
        .explode("raw").filter(C("raw").is_not_null()).with_row_index("n").drop("all")
    raw = C("raw")
    is_shared = pl.any_horizontal([raw.str.starts_with(rule + PART) for rule in SHARED_RULES]) \
        | raw.str.starts_with("policy:")
    parts = parts.with_columns(is_shared.alias("shared"))
    shared, raws, refs = {}, [], []
    for (text,) in parts.filter(C("shared")).unique("raw").select("raw").iter_rows():
        written = _written(text)
        key = shared_reasons.reason_key(written)
        shared[key] = written
        raws.append(text)
        refs.append(shared_reasons.reference(key))
    parts = parts.join(pl.DataFrame({"raw": raws, "ref": refs}, schema={"raw": pl.Utf8, "ref": pl.Utf8}),
                       on="raw", how="left", maintain_order="left")
    escaped = raw.str.replace_all("\\", "\\\\", literal=True).str.replace_all('"', '\\"', literal=True)
    fields = escaped.str.replace(PART, '","citation":"', literal=True, n=1) \
        .str.replace(PART, '","text":"', literal=True, n=1)
    plain = C("plain") & (raw.str.count_matches(PART, literal=True) == 2)
    parts = parts.with_columns(pl.when(C("shared")).then(C("ref")).when(plain).then(pl.concat_str([
        pl.lit('{"rule":"'), fields, pl.lit('"}')])).alias("out"))
    odd = parts.filter(C("out").is_null())
    if not odd.is_empty():  # non-ASCII or control characters: as Python's json writes them
        fixed = pl.DataFrame({"n": odd["n"], "fixed": [_written(text) for text in odd["raw"]]},
                             schema={"n": pl.UInt32, "fixed": pl.Utf8})
        parts = parts.join(fixed, on="n", how="left", maintain_order="left") \
            .with_columns(pl.coalesce(C("out"), C("fixed")).alias("out"))
    out = parts.select("n", "conviction_id", "out").sort("n").group_by("conviction_id", maintain_order=True).agg(
        pl.format("[{}]", C("out").str.join(",")).alias("reasons"))
    return out, shared


def _written(raw: str) -> str:
    """One reason ("rule\x1fcitation\x1ftext") as reasons_json writes it (TypeError without three parts)."""
    return reason_json(Reason(*raw.split(PART)[:3]))


def _questions_json(frame: pl.DataFrame) -> pl.DataFrame:
    """questions_json: json.dumps of each question's as_dict, ", " between them; the sentence question of a
    relief whose sentence status is unknown last."""
    asked = frame.filter(C("questions").is_not_null()).select("conviction_id", "questions").explode("questions") \
        .with_row_index("q").unnest("questions").explode("answers").unnest("answers")
    if asked.is_empty():
        written = pl.DataFrame(schema={"conviction_id": pl.Int64, "q": pl.UInt32, "json": pl.Utf8})
    else:
        texts = ["key", "text", "cite", "value", "label", "t_sug", "head"]
        plain = pl.all_horizontal([C(t).str.contains(_PLAIN) for t in texts])
        q = {t: _json_string(C(t)) for t in texts}
        answer = pl.concat_str([pl.lit('{"value": '), q["value"], pl.lit(', "label": '), q["label"],
                                pl.lit(', "suggestion": '), q["t_sug"], pl.lit(', "citation": '), q["head"], pl.lit("}")])
        asked = asked.with_columns(pl.when(plain).then(answer).alias("a"), plain.alias("plain"))
        grouped = asked.group_by("q", maintain_order=True).agg(
            C("conviction_id").first(), C("key").first(), C("text").first(), C("cite").first(),
            C("plain").all(), C("a").str.join(", "),
            pl.struct("value", "label", "t_sug", "head").alias("raw"))
        head = pl.concat_str([pl.lit('{"key": '), _json_string(C("key")), pl.lit(', "text": '),
                              _json_string(C("text")), pl.lit(', "citation": '), _json_string(C("cite")),
                              pl.lit(', "answers": ['), C("a"), pl.lit("]}")])
        written = grouped.with_columns(pl.when(C("plain")).then(head).alias("json"))
        odd = written.filter(C("json").is_null())
        if not odd.is_empty():
            fixed = pl.DataFrame({"q": odd["q"], "fixed": [json.dumps({
                "key": key, "text": text, "citation": cite,
                "answers": [{"value": a["value"], "label": a["label"], "suggestion": a["t_sug"],
                             "citation": a["head"]} for a in raw]})
                for key, text, cite, raw in odd.select("key", "text", "cite", "raw").iter_rows()]},
                schema={"q": pl.UInt32, "fixed": pl.Utf8})
            written = written.join(fixed, on="q", how="left").with_columns(pl.coalesce(C("json"), C("fixed")))
        written = written.select("conviction_id", "q", "json")
    sentence = {s.value: json.dumps(_sentence_question(s).as_dict()) for s in Suggestion}
    last = frame.filter(C("sentence_question")).select(
        "conviction_id", pl.lit(2**31, pl.UInt32).alias("q"),
        C("suggestion").replace_strict(sentence, return_dtype=pl.Utf8).alias("json"))
    both = pl.concat([written, last]).sort(["conviction_id", "q"])
    return both.group_by("conviction_id", maintain_order=True).agg(
        pl.format("[{}]", C("json").str.join(", ")).alias("questions_json"))
