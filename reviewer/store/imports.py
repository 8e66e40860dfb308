"""Writing an extract's persons and convictions, and reading import batches back."""
from __future__ import annotations

import json
from datetime import datetime

import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import Connection, String, select
from sqlalchemy.orm import Session

from reviewer.store import bulk, pg_copy, pg_first_load
from reviewer.store.models import Conviction, ImportBatch, Person

PERSON_COLUMNS = ("subject_id", "cii", "name", "dob", "deceased", "pc290_registration", "registration_date")
PERSON_UPSERT = (
    "ON CONFLICT (subject_id) DO UPDATE SET "
    "deceased = (person.deceased OR excluded.deceased), "
    "pc290_registration = (person.pc290_registration OR excluded.pc290_registration), "
    "registration_date = COALESCE(person.registration_date, excluded.registration_date)"
)
CONVICTION_COLUMNS = (
    "person_id", "batch_id", "source_file", "source_line", "count_order", "case_key", "court_case", "county",
    "disposition_date", "offense_text", "code_section", "section", "subsection", "code", "attempt",
    "is_cannabis", "level", "has_sentence", "sentence_end", "issues", "offense_date", "cycle_age", "sentence_kind",
    "cannabis_arrest",
)


class FieldTooLong(Exception):
    """A value longer than its column: refused the same way on SQLite (which would keep it) and PostgreSQL."""

    def __init__(self, line: int | None, field: str, length: int, limit: int) -> None:
        self.line, self.field, self.length, self.limit = line, field, length, limit
        super().__init__(f"{field} is {length} characters long; Reviewer keeps at most {limit}")


def check_lengths(table: pa.Table, model) -> None:
    """FieldTooLong for the first row (by file line) whose text does not fit its column of `model`."""
    worst = None
    for name in table.column_names:
        column = model.__table__.c.get("source_line" if name == "line" else name)
        if column is None or not isinstance(column.type, String) or not column.type.length:
            continue
        values = table.column(name)
        if not pa.types.is_string(values.type) and not pa.types.is_large_string(values.type):
            continue
        lengths = pc.utf8_length(values)
        over = pc.fill_null(pc.greater(lengths, column.type.length), False)
        if not pc.any(over).as_py():
            continue
        lines = table.column("line") if "line" in table.column_names else None
        for i in pc.indices_nonzero(over).to_pylist():
            line = lines[i].as_py() if lines is not None else None
            if worst is None or (line or 0) < (worst.line or 0):
                worst = FieldTooLong(line, name, lengths[i].as_py(), column.type.length)
            break
    if worst is not None:
        raise worst


def holds_records(session: Session) -> bool:
    """Whether any person or conviction is on file (an empty database takes the first-load path)."""
    return (session.execute(select(Person.id).limit(1)).first() is not None
            or session.execute(select(Conviction.id).limit(1)).first() is not None)


def find_batch(session: Session, sha256: str) -> ImportBatch | None:
    return session.scalars(select(ImportBatch).where(ImportBatch.sha256 == sha256)).first()


def add_batch(session: Session, **fields) -> ImportBatch:
    batch = ImportBatch(imported_at=datetime.now(), **fields)
    session.add(batch)
    session.flush()
    return batch


def _as_text_dates(table: pa.Table) -> list[list]:
    """Columns as Python lists with dates as ISO text (what SQLAlchemy's Date stores on SQLite)."""
    out = []
    for column in table.columns:
        if pa.types.is_date32(column.type):
            column = pc.cast(column, pa.string())  # ISO YYYY-MM-DD
        out.append(column.to_pylist())
    return out


def one_row_per_subject(persons: pa.Table) -> bool:
    """Whether each subject id has one row (a file whose rows of one person are apart gives it twice:
    written row by row, the later rows merge into the first)."""
    subjects = persons.column("subject_id")
    return pc.count_distinct(subjects).as_py() == len(subjects)


def write_persons(conn: Connection, persons: pa.Table, stage: str | None = None) -> None:
    """Insert or merge persons; with `stage`, they are already in <stage>.person (SQLite, see staging.py).
    On PostgreSQL they are staged by COPY (pg_copy.py); both then move by one INSERT ... SELECT."""
    check_lengths(persons, Person)
    if stage:
        _insert_persons(conn, f"{stage}.person", "rowid")
        return
    if pg_copy.available(conn) and one_row_per_subject(persons):
        with pg_copy.copied(conn, "person", persons.select(list(PERSON_COLUMNS))) as source:
            _insert_persons(conn, source, pg_copy.ORDER)
        return
    cols = _as_text_dates(persons.select(list(PERSON_COLUMNS)))
    bulk.insert_rows(conn, "person", PERSON_COLUMNS, zip(*cols), PERSON_UPSERT)


def _insert_persons(conn: Connection, source: str, order: str) -> None:
    cols = ", ".join(PERSON_COLUMNS)
    conn.exec_driver_sql(f"INSERT INTO person ({cols}) SELECT {cols} FROM {source} WHERE true "
                         f"ORDER BY {order} {PERSON_UPSERT}")


def person_ids(conn: Connection, subject_ids: pa.Array) -> pa.Array:
    """Person id for each subject id, vectorised over a full fetch of (subject_id, id)."""
    rows = conn.execute(select(Person.subject_id, Person.id)).all()
    keys = pa.array([r[0] for r in rows], pa.string())
    ids = pa.array([r[1] for r in rows], pa.int64())
    return pc.take(ids, pc.index_in(subject_ids, value_set=keys))


# Copied as they are from a staged conviction (the others: the person's id by join, the batch, the file).
STAGED_CONVICTION_COLUMNS = tuple(
    c for c in CONVICTION_COLUMNS if c not in ("person_id", "batch_id", "source_file", "source_line"))


def write_convictions(conn: Connection, convictions: pa.Table, batch_id: int, source_file: str,
                      stage: str | None = None, first_load: bool = False) -> int:
    """Insert convictions; a (person, count) already on file is skipped. Returns how many were new.
    `first_load` (PostgreSQL, claimed by pg_first_load.claim): foreign keys checked once, after."""
    check_lengths(convictions, Conviction)
    if stage:
        return _insert_convictions(conn, batch_id, source_file, f"{stage}.conviction", "s.rowid")
    if pg_copy.available(conn):
        staged = convictions.select(["subject_id", "line", *STAGED_CONVICTION_COLUMNS])
        with pg_copy.copied(conn, "conviction", staged) as source:
            if not first_load:
                return _insert_convictions(conn, batch_id, source_file, source, f"s.{pg_copy.ORDER}")
            with pg_first_load.foreign_keys_checked_after(conn, "conviction"):
                return _insert_convictions(conn, batch_id, source_file, source, f"s.{pg_copy.ORDER}")
    n = convictions.num_rows
    t = convictions.append_column("person_id", person_ids(conn, convictions.column("subject_id").combine_chunks()))
    t = t.append_column("batch_id", pa.array([batch_id] * n, pa.int64()) if n else pa.array([], pa.int64()))
    t = t.append_column("source_file", pa.array([source_file] * n, pa.string()))
    t = t.rename_columns(["source_line" if c == "line" else c for c in t.column_names])
    cols = _as_text_dates(t.select(list(CONVICTION_COLUMNS)))
    return bulk.insert_rows(
        conn, "conviction", CONVICTION_COLUMNS, zip(*cols), "ON CONFLICT (person_id, count_order) DO NOTHING"
    )


def _insert_convictions(conn: Connection, batch_id: int, source_file: str, source: str, order: str) -> int:
    """From a staged table in one statement: the person id by join, file order kept."""
    mark = "?" if conn.dialect.name == "sqlite" else "%s"
    sql = (
        f"INSERT INTO conviction ({', '.join(CONVICTION_COLUMNS)}) "
        f"SELECT p.id, {mark}, {mark}, s.line, {', '.join('s.' + c for c in STAGED_CONVICTION_COLUMNS)} "
        f"FROM {source} AS s JOIN person AS p ON p.subject_id = s.subject_id "
        f"ORDER BY {order} ON CONFLICT (person_id, count_order) DO NOTHING"
    )
    cursor = conn.connection.dbapi_connection.cursor()
    cursor.execute(sql, (batch_id, source_file))
    return max(cursor.rowcount, 0)


def problems_json(problems) -> str:
    return json.dumps([{"line": p.line, "field": p.field, "problem": p.problem} for p in problems])
