"""A county's records read from the database as the column engine's frames (engine/columns/frame.py):
everyone with a cannabis conviction (or a possible plea bargain) in the county, with every conviction on
their record in every county, and the attorneys' answers. Dates are parsed and code sections written out
over whole columns; only each distinct code section is looked at in Python.
"""
from __future__ import annotations

import polars as pl
import pyarrow as pa
from sqlalchemy import Connection, select

from reviewer.domain.code_section import CodeSection
from reviewer.engine.columns.frame import (
    ANSWER_SCHEMA,
    CONVICTION_SCHEMA,
    ISSUE_SEP,
    PERSON_SCHEMA,
)
from reviewer.store import arrow_read, bulk, staging
from reviewer.store import models as m
from reviewer.store.database import Database
from reviewer.store.records import (
    CONVICTION_FIELDS,
    PERSON_FIELDS,
    answers_of,
    code_section,
    with_cannabis_in,
)

C = pl.col
_RAW = {"id": pl.Int64, "pid": pl.Int64, "offense_text": pl.Utf8, "section": pl.Utf8, "subsection": pl.Utf8,
        "code": pl.Utf8, "attempt": pl.Boolean, "level": pl.Utf8, "disp": pl.Utf8, "county": pl.Utf8,
        "case_key": pl.Utf8, "count_order": pl.Utf8, "court_case": pl.Utf8, "sentence_end": pl.Utf8,
        "has_sentence": pl.Boolean, "source_file": pl.Utf8, "source_line": pl.Int64, "issues": pl.Utf8,
        "offense_date": pl.Utf8, "cycle_age": pl.Int64, "sentence_kind": pl.Utf8, "cannabis_arrest": pl.Utf8}
_PERSON_RAW = {"pid": pl.Int64, "subject_id": pl.Utf8, "name": pl.Utf8, "cii": pl.Utf8, "dob": pl.Utf8,
               "deceased": pl.Boolean, "registered": pl.Boolean, "reg_date": pl.Utf8}


_DATES = ("disp", "sentence_end", "offense_date", "dob", "reg_date")


def _day(name: str) -> pl.Expr:
    return C(name).str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False)


def _schema(raw: dict, conn: Connection) -> dict:
    """SQLite gives dates as ISO text (store.records reads them so); PostgreSQL's driver as dates."""
    if conn.dialect.name == "sqlite":
        return raw
    return {name: pl.Date if name in _DATES else kind for name, kind in raw.items()}


def _dates(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(*(_day(name) for name in _DATES if name in frame.columns
                                and frame.schema[name] == pl.Utf8))


def county_frames(db: Database, county: str, shard: tuple[int, int] | None = None
                  ) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, dict[str, CodeSection]]:
    """(convictions, persons, answers, code sections by their written form) of store.records's
    records_in_county (`shard`: the persons whose id lies in that range), as frames. On a SQLite file no
    other connection of this process holds, the rows are read by ADBC's SQLite straight into Arrow
    (store/arrow_read.py); otherwise through SQLAlchemy."""
    who = with_cannabis_in(county, shard)
    conviction_query = select(*CONVICTION_FIELDS).where(m.Conviction.person_id.in_(who))
    person_query = select(*PERSON_FIELDS).where(m.Person.id.in_(who))
    with db.engine.connect() as conn:
        given = [(cid, key, value) for mine in answers_of(conn, who).values() for (cid, key), value in mine.items()]
    raw = people = None
    if db.is_sqlite and staging.available():
        with db.file_to_itself() as path:
            if path is not None:
                raw = _from_arrow(arrow_read.read_table(path, conviction_query), _RAW)
                people = _from_arrow(arrow_read.read_table(path, person_query), _PERSON_RAW)
    if raw is None:
        with db.engine.connect() as conn:
            raw = pl.DataFrame(bulk.read_rows(conn, conviction_query), schema=_schema(_RAW, conn), orient="row")
            people = pl.DataFrame(bulk.read_rows(conn, person_query), schema=_schema(_PERSON_RAW, conn), orient="row")
    return _frames(raw, people, given)


def _frames(raw: pl.DataFrame, people: pl.DataFrame, given: list[tuple]
            ) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, dict[str, CodeSection]]:
    raw, people = _dates(raw), _dates(people)
    convictions, codes = _convictions(raw)
    persons = people.select("pid", "dob", C("registered").fill_null(False), "reg_date",
                            C("deceased").fill_null(False)).cast(PERSON_SCHEMA)
    return convictions, persons, pl.DataFrame(given, schema=ANSWER_SCHEMA, orient="row"), codes


# The columns of the tables a first load writes (store/first_load.py: the rows as they go into the
# database) that county_frames reads back, in CONVICTION_FIELDS and PERSON_FIELDS order.
_LOADED = ("id", "person_id", "offense_text", "section", "subsection", "code", "attempt", "level",
           "disposition_date", "county", "case_key", "count_order", "court_case", "sentence_end", "has_sentence",
           "source_file", "source_line", "issues", "offense_date", "cycle_age", "sentence_kind", "cannabis_arrest")
_LOADED_PERSON = ("id", "subject_id", "name", "cii", "dob", "deceased", "pc290_registration", "registration_date")


def loaded_frames(convictions: pa.Table, persons: pa.Table, county: str
                  ) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, dict[str, CodeSection]]:
    """county_frames of a database holding just these rows, as a first load writes them (ids assigned,
    store.staging.sqlite_ready's dates and booleans), without reading them back: the persons with a
    cannabis conviction or a possible plea bargain in the county (records.with_cannabis_in), their
    whole records, and no answers (none can have been given yet)."""
    who = _who(convictions, county).to_frame("pid")
    raw = _from_arrow(convictions.select(list(_LOADED)), _RAW).join(who, on="pid", how="semi", maintain_order="left")
    people = _from_arrow(persons.select(list(_LOADED_PERSON)), _PERSON_RAW).join(who, on="pid", how="semi",
                                                                                maintain_order="left")
    return _frames(raw, people, [])


def _who(convictions: pa.Table, county: str) -> pl.Series:
    t = pl.from_arrow(convictions.select(["person_id", "county", "is_cannabis", "cannabis_arrest"]))
    return t.filter((C("county") == county) & ((C("is_cannabis") == 1) | C("cannabis_arrest").is_not_null())
                    )["person_id"].unique()


def _from_arrow(table, schema: dict) -> pl.DataFrame:
    """ADBC's table under the names and types of `schema` (SQLite's booleans come as integers)."""
    frame = pl.from_arrow(table.rename_columns(list(schema)))
    return frame.with_columns(*(C(name).cast(kind) for name, kind in schema.items()))


def _convictions(raw: pl.DataFrame) -> tuple[pl.DataFrame, dict[str, CodeSection]]:
    parts = raw.select("section", C("subsection").fill_null(""), C("code").fill_null(""),
                       C("attempt").fill_null(False)).unique()
    codes: dict[str, CodeSection] = {}
    written = []
    for section, subsection, code, attempt in parts.iter_rows():
        parsed = code_section(section, subsection, code, attempt)
        text = None if parsed is None else str(parsed)
        if parsed is not None:
            codes.setdefault(text, parsed)
        written.append((section, subsection, code, attempt, text))
    names = pl.DataFrame(written, schema={"section": pl.Utf8, "subsection": pl.Utf8, "code": pl.Utf8,
                                          "attempt": pl.Boolean, "code_s": pl.Utf8}, orient="row")
    convictions = raw.with_columns(C("subsection").fill_null(""), C("code").fill_null(""),
                                   C("attempt").fill_null(False)) \
        .join(names, on=["section", "subsection", "code", "attempt"], how="left", nulls_equal=True) \
        .select(C("id"), C("pid"), C("offense_text").fill_null(""), "code_s", "level", "disp",
                C("county").fill_null(""), C("case_key").fill_null(""), C("count_order").fill_null(""),
                C("court_case").fill_null(""), "sentence_end", C("has_sentence").fill_null(False),
                C("source_file").fill_null(""), C("source_line").fill_null(0),
                pl.when(C("issues") != "").then(C("issues").str.replace_all("; ", ISSUE_SEP, literal=True))
                .alias("issues"),
                "offense_date", "cycle_age", C("sentence_kind").fill_null(""),
                C("cannabis_arrest").fill_null("")).cast(CONVICTION_SCHEMA)
    return convictions, codes
