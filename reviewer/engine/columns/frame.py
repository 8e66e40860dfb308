"""A county's records as frames the column rules read: convictions (every county: priors count too),
persons, attorneys' answers, and what each distinct code section matches in the tables.

Table lookups (engine/tables.py) run once per distinct code section, in Python; everything per
conviction is a column expression. The words every reason repeats are columns here: the code as
written, the level, where and when (as facts.where_when writes them), the age at the offense and its
basis (at the arrest, from CYC_AGE, or at conviction).
"""
from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from reviewer.domain.code_section import CodeSection
from reviewer.domain.records import PersonRecord
from reviewer.engine import tables
from reviewer.engine.columns.rules import iso
from reviewer.engine.facts import AGE_MARGIN, CONSPIRACY_TO_MURDER
from reviewer.engine.statute import _code_shows_conduct

LEVEL_WORDS = {"F": "felony", "M": "misdemeanor", "I": "infraction"}

CONVICTION_SCHEMA = {
    "id": pl.Int64, "pid": pl.Int64, "offense_text": pl.Utf8, "code_s": pl.Utf8, "level": pl.Utf8,
    "disp": pl.Date, "county": pl.Utf8, "case_key": pl.Utf8, "count_order": pl.Utf8, "court_case": pl.Utf8,
    "sentence_end": pl.Date, "has_sentence": pl.Boolean, "source_file": pl.Utf8, "source_line": pl.Int64,
    "issues": pl.Utf8, "offense_date": pl.Date, "cycle_age": pl.Int64, "sentence_kind": pl.Utf8,
    "cannabis_arrest": pl.Utf8,
}
PERSON_SCHEMA = {"pid": pl.Int64, "dob": pl.Date, "registered": pl.Boolean, "reg_date": pl.Date,
                 "deceased": pl.Boolean}
ANSWER_SCHEMA = {"id": pl.Int64, "key": pl.Utf8, "value": pl.Utf8}
ISSUE_SEP = "\x1e"  # between the import's flags of one conviction (never in a flag: control characters are cut)


def from_records(records: Iterable[PersonRecord]) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, dict]:
    """Convictions, persons and answers of PersonRecords (the test and one-person path), and the
    parsed code sections by their written form."""
    conv_rows, person_rows, answer_rows, codes = [], [], [], {}
    for pid, record in enumerate(records):
        p = record.person
        person_rows.append((pid, p.dob, p.pc290_registration, p.pc290_registration_date, p.deceased))
        for c in record.convictions:
            code_s = None if c.code is None else str(c.code)
            if code_s is not None:
                codes.setdefault(code_s, c.code)
            conv_rows.append((
                c.id, pid, c.offense_text, code_s, None if c.level is None else c.level.value, c.disposition_date,
                c.county, c.case_key, c.count_order, c.court_case, c.sentence_end, c.has_sentence, c.source_file,
                c.source_line, ISSUE_SEP.join(c.issues) if c.issues else None, c.offense_date, c.cycle_age,
                c.sentence_kind, c.cannabis_arrest))
        answer_rows.extend((cid, key, value) for (cid, key), value in record.answers.items())
    return (pl.DataFrame(conv_rows, schema=CONVICTION_SCHEMA, orient="row"),
            pl.DataFrame(person_rows, schema=PERSON_SCHEMA, orient="row"),
            pl.DataFrame(answer_rows, schema=ANSWER_SCHEMA, orient="row"), codes)


def _entry(entry: tables.OffenseEntry | None) -> dict:
    if entry is None:
        return {"label": None, "cite": None, "ask": None}
    return {"label": entry.label, "cite": entry.citation, "ask": entry.ask}


CODE_FACT_SCHEMA = {
    "code_s": pl.Utf8, "cannabis": pl.Boolean, "section": pl.Utf8, "letter": pl.Utf8, "subs": pl.Utf8,
    "sub_b": pl.Boolean,
    "sub_a": pl.Boolean, "conduct_shown": pl.Boolean, "auma_cite": pl.Utf8, "dq_label": pl.Utf8,
    "dq_cite": pl.Utf8, "rel_label": pl.Utf8, "rel_cite": pl.Utf8,
    "ss_section": pl.Utf8, "ss_label": pl.Utf8, "ss_cite": pl.Utf8, "ss_ask": pl.Utf8,
    "reg_label": pl.Utf8, "reg_cite": pl.Utf8, "reg_ask": pl.Utf8, "reg_felony_only": pl.Boolean,
    "gang": pl.Boolean, "ge_label": pl.Utf8, "ge_cite": pl.Utf8, "ge_ask": pl.Utf8,
}


def code_facts(codes: dict[str, CodeSection]) -> pl.DataFrame:
    """One row per distinct code section: what the rules ask of the code alone."""
    rows = []
    for code_s, code in codes.items():
        cannabis = code.is_cannabis
        dq = tables.first_match(tables.DISQUALIFYING_SUBSECTIONS, code)
        auma = tables.first_match(tables.AUMA_ONLY_SUBSECTIONS, code)
        rel = tables.first_match(tables.RELATED_CHARGES, code)
        ss = tables.first_match(tables.SUPER_STRIKES, code)
        reg = tables.first_match(tables.PC290_OFFENSES, code)
        gang = tables.first_match(tables.GANG_ENHANCEMENTS, code)
        ge = tables.first_match(tables.GANG_ENHANCEABLE, code)
        shown = None
        if cannabis and code.section in ("11358", "11359", "11360"):
            shown = _code_shows_conduct(_Probe(code))
        rows.append({
            "code_s": code_s, "cannabis": cannabis, "section": code.section,
            "letter": code.subsections[0] if code.subsections else "", "subs": subsection_path(code.subsections),
            "sub_b": code.subsections[:1] == ("B",), "sub_a": code.subsections[:1] == ("A",),
            "conduct_shown": shown, "auma_cite": auma.citation if auma else None,
            "dq_label": dq.label if dq else None, "dq_cite": dq.citation if dq else None,
            "rel_label": rel.label if rel else None, "rel_cite": rel.citation if rel else None,
            "ss_section": ss.section if ss else None,
            **{f"ss_{k}": v for k, v in _entry(ss).items()},
            **{f"reg_{k}": v for k, v in _entry(reg).items()}, "reg_felony_only": reg.felony_only if reg else None,
            "gang": gang is not None, **{f"ge_{k}": v for k, v in _entry(ge).items()},
        })
    return pl.DataFrame(rows, schema=CODE_FACT_SCHEMA)


def subsection_path(parts: tuple[str, ...]) -> str:
    """The subsection path as one string each prefix of which is a path too: ('A', '2') -> 'A\x1f2\x1f'."""
    return "".join(f"{part}\x1f" for part in parts)


class _Probe:
    """What statute._code_shows_conduct reads of a conviction: its code and section."""

    def __init__(self, code: CodeSection) -> None:
        self.code, self.section = code, code.section


def age_on(dob: pl.Expr, on: pl.Expr) -> pl.Expr:
    """facts.age_on: whole years from dob to on."""
    day = lambda d: d.dt.month().cast(pl.Int32) * 100 + d.dt.day().cast(pl.Int32)
    before = day(on) < day(dob)
    return (on.dt.year() - dob.dt.year() - before.cast(pl.Int32)).cast(pl.Int64)


def with_facts(convictions: pl.DataFrame, persons: pl.DataFrame, codes: pl.DataFrame,
               counties: dict[str, str]) -> pl.DataFrame:
    """The convictions with their person's facts, their code's facts and the words reasons repeat:
    `ww` (where and when), `lv` (level), `age`, `exact`, `basis`, and `at18`/`at21` (at_least: true,
    false or null where the record cannot tell)."""
    county_words = pl.col("county").replace_strict(counties, default=None, return_dtype=pl.Utf8)
    head = pl.when(pl.col("disp").is_not_null()).then(pl.lit("on ") + iso(pl.col("disp"))) \
        .otherwise(pl.lit("(no disposition date on record)"))
    head = pl.when(pl.col("county") != "").then(head + pl.lit(", ") + county_words + pl.lit(" County")).otherwise(head)
    ww = pl.when(pl.col("court_case") != "").then(head + pl.lit(", court case ") + pl.col("court_case")) \
        .otherwise(head)
    dob, od, disp = pl.col("dob"), pl.col("offense_date"), pl.col("disp")
    by_arrest = dob.is_not_null() & od.is_not_null()
    by_cycle = ~by_arrest & pl.col("cycle_age").is_not_null()
    by_conviction = ~by_arrest & ~by_cycle & dob.is_not_null() & disp.is_not_null()
    years = (pl.when(by_arrest).then(age_on(dob, od)).when(by_cycle).then(pl.col("cycle_age"))
             .when(by_conviction).then(age_on(dob, disp)).otherwise(None))
    basis = (pl.when(by_arrest).then(pl.format("age {} when arrested on {}", years, iso(od)))
             .when(by_cycle).then(pl.format("age {} at the arrest (CYC_AGE)", years))
             .when(by_conviction).then(pl.format("age {} at conviction on {} (no arrest date on record)", years,
                                                 iso(disp)))
             .otherwise(pl.lit("date of birth not on record")))
    frame = (convictions.join(persons, on="pid", how="left")
             .join(codes, on="code_s", how="left")
             .with_columns(pl.col("cannabis").fill_null(False), county_words.alias("county_words"),
                           pl.col("count_order").str.slice(0, 3).alias("cycle"))
             .with_columns(ww.alias("ww"), years.alias("age"), (by_arrest | by_cycle).alias("exact"),
                           basis.alias("basis"),
                           pl.col("level").replace_strict(LEVEL_WORDS, default=None).alias("lv"))
             .with_columns(at_least(18).alias("at18"), at_least(21).alias("at21")))
    return frame


def at_least(threshold: int) -> pl.Expr:
    """Whether the person was `threshold` or older at the offense: true or false where the record decides it,
    null where it does not. An exact age (at the arrest, or CYC_AGE) decides; an age at conviction is an
    upper bound: below the threshold decides, and so does AGE_MARGIN years above it (prosecution must
    begin within three years, PC 801, and cases rarely take more)."""
    age = pl.col("age")
    return (pl.when(age.is_null()).then(None)
            .when(pl.col("exact")).then(age >= threshold)
            .when(age < threshold).then(False)
            .when(age >= threshold + AGE_MARGIN).then(True)
            .otherwise(None))


def _conspiracy_to_murder() -> pl.Expr:
    """facts._names_murder of a PC 182 super strike: '182(A)(1)/187 PC', '182 PC-CONSPIRACY TO COMMIT MURDER'."""
    upper = pl.col("offense_text").str.to_uppercase()
    squeezed = upper.str.replace_all(" ", "", literal=True)
    murder = upper.str.contains("MURDER", literal=True) | squeezed.str.contains("/187", literal=True) \
        | squeezed.str.contains("-187", literal=True)
    return (pl.col("ss_section") == "182") & murder


def strike_entry() -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """A super strike's label, citation and question: a PC 182 conspiracy that names the murder is
    conspiracy to murder (facts.CONSPIRACY_TO_MURDER)."""
    murder = _conspiracy_to_murder()
    return (pl.when(murder).then(pl.lit(CONSPIRACY_TO_MURDER.label)).otherwise(pl.col("ss_label")),
            pl.when(murder).then(pl.lit(CONSPIRACY_TO_MURDER.citation)).otherwise(pl.col("ss_cite")),
            pl.when(murder).then(pl.lit(CONSPIRACY_TO_MURDER.ask)).otherwise(pl.col("ss_ask")))
