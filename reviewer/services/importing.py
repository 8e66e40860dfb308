"""Import DOJ research files: read, reject or flag, write in one transaction per file."""
from __future__ import annotations

import logging
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from reviewer.ingest.doj_reader import DojExtract, read_doj_file
from reviewer.ingest.problems import FileRejected, RowProblem
from reviewer.services.jobs import NO_JOB, Job
from reviewer.store import first_load, pg_first_load, staging
from reviewer.store.audit import AuditLog
from reviewer.store.database import Database
from reviewer.store.first_load import Alongside
from reviewer.store.imports import (
    FieldTooLong,
    add_batch,
    find_batch,
    holds_records,
    problems_json,
    write_convictions,
    write_persons,
)
from reviewer.store.sources import write_source
from reviewer.store.transactions import lock_import

log = logging.getLogger(__name__)


@dataclass
class ImportReport:
    file: str
    imported: bool
    rows: int = 0
    persons: int = 0
    convictions: int = 0
    new_convictions: int = 0
    flagged_rows: int = 0
    problems: list[str] = field(default_factory=list)
    message: str = ""
    batch_id: int | None = None
    alongside: object = None  # what store_extract's `alongside` wrote, when it ran

    def summary(self) -> str:
        if not self.imported:
            return self.message
        text = (
            f"{self.file}: {self.rows} rows, {self.persons} persons, {self.convictions} convictions "
            f"({self.new_convictions} new), {self.flagged_rows} flagged rows"
        )
        return text + (f"; {self.message}" if self.message else "")


def import_file(db: Database, path: str | Path, user: str = "", job: Job = NO_JOB,
                today: date | None = None, alongside: Alongside | None = None,
                reading: Future[DojExtract] | None = None) -> ImportReport:
    """Import one file. FileRejected propagates (nothing written); a repeat import is reported, not redone.
    Dates after `today` (default: the computer's date) are flagged. `alongside`: see store_extract.
    `reading`: the file's read_doj_file, started already (ingest.doj_reader.read_ahead)."""
    job.progress(0, 4, f"Reading {Path(path).name}")
    extract = reading.result() if reading is not None else read_doj_file(path, today or date.today())
    job.check()
    return store_extract(db, extract, user, job, kind="doj", alongside=alongside)


# Where a DOJ research file's value lands (for messages that name the file's own field).
DOJ_FIELDS = {"subject_id": "SUBJECT_ID", "cii": "CII_NUMBER", "name": "PRI_NAME", "count_order": "CNT_ORDER",
              "county": "STP_ORI_CNTY_NAME", "offense_text": "OFFENSE_DESCR", "code_section": "OFFENSE_DESCR",
              "court_case": "OFN", "cannabis_arrest": "OFFENSE_DESCR of the arrest"}


def _already(extract: DojExtract, previous) -> ImportReport:
    when = previous.imported_at.strftime("%Y-%m-%d %H:%M")
    return ImportReport(
        extract.source_file, False, rows=extract.rows,
        message=f"{extract.source_file}: already imported on {when} (batch {previous.id}); nothing added",
        batch_id=previous.id,
    )


def store_extract(db: Database, extract: DojExtract, user: str, job: Job = NO_JOB, kind: str = "doj",
                  alongside: Alongside | None = None) -> ImportReport:
    """Write an extract in one transaction, with the file itself when the reader kept it (for gogen exports).

    The same answers on SQLite and PostgreSQL: a value too long for its column rejects the file
    (file, line, field) on both; a second import of the same file at the same time waits for the
    first and reports it already imported.

    `alongside`: on a first load (store.first_load), work on the rows while they are written and
    written in the same transaction; its value is the report's `alongside`. It does not run otherwise
    (the report's `alongside` is then None)."""
    with db.session() as session:
        previous = find_batch(session, extract.sha256)
        if previous is not None:
            return _already(extract, previous)
        first = _first_load_suits(db, session, extract)
    job.progress(1, 4, "Writing persons")
    try:
        if first:
            report = _load_first(db, extract, user, job, kind, alongside)
            if report is not None:
                return report
        with db.staged_session({"person": extract.persons, "conviction": extract.convictions}) as (session, stage):
            # First, before the transaction touches a table (PostgreSQL: see store.pg_first_load).
            first = stage is None and pg_first_load.claim(session.connection(), "conviction")
            lock_import(session, extract.sha256)
            previous = find_batch(session, extract.sha256)  # an import of the same file that finished meanwhile
            if previous is not None:
                return _already(extract, previous)
            return _write(session, stage, extract, user, job, kind, first)
    except FieldTooLong as exc:
        column = DOJ_FIELDS.get(exc.field) if kind == "doj" else None
        field = f"{exc.field} (the file's {column})" if column else exc.field
        raise FileRejected(extract.source_file, exc.line, f"{field} is {exc.length} characters long; Reviewer "
                                                          f"keeps at most {exc.limit}") from None
    finally:
        job.progress(4, 4, "Done")


def _first_load_suits(db, session, extract: DojExtract) -> bool:
    """A first load into an empty SQLite file (its own transaction, not a job's joined one) writes
    each row once (store.first_load); anything else takes the incremental path."""
    return (isinstance(db, Database) and db.file is not None and not db.encrypted and staging.available()
            and first_load.suits(extract.persons) and not holds_records(session))


def _load_first(db: Database, extract: DojExtract, user: str, job: Job, kind: str,
                alongside: Alongside | None) -> ImportReport | None:
    """The extract written by store.first_load, or None (nothing written) when the database cannot be
    had to itself or is no longer empty: the caller then takes the incremental path."""
    with db.file_to_itself() as path:
        if path is None:
            log.info("first load not possible: the file is open in this process; writing through a stage")
            return None
        loaded = first_load.load(path, extract.persons, extract.convictions, _batch_fields(extract, user, kind),
                                 extract.kept, user or "system", lambda new: _audited(extract, new), job.check,
                                 alongside)
    if loaded is None:
        return None
    if loaded == first_load.ALREADY:
        with db.session() as session:
            return _already(extract, find_batch(session, extract.sha256))
    log.info("first load: each row written once")
    job.progress(3, 4, "Committing")
    report = _report(extract, loaded.batch_id, loaded.new_convictions)
    report.alongside = loaded.alongside
    return report


def _batch_fields(extract: DojExtract, user: str, kind: str) -> dict:
    return {
        "file_name": extract.source_file, "sha256": extract.sha256, "encoding": extract.encoding, "kind": kind,
        "imported_by": user, "rows": extract.rows, "persons": extract.persons.num_rows,
        "convictions": extract.convictions.num_rows, "flagged_rows": extract.flagged_rows,
        "problems": problems_json(extract.problems),
    }


def _audited(extract: DojExtract, new: int) -> dict:
    return {"file": extract.source_file, "rows": extract.rows, "convictions": extract.convictions.num_rows,
            "new_convictions": new, "flagged_rows": extract.flagged_rows}


def _write(session, stage, extract: DojExtract, user: str, job: Job, kind: str, first: bool) -> ImportReport:
    conn = session.connection()
    batch = add_batch(session, **_batch_fields(extract, user, kind))
    write_persons(conn, extract.persons, stage)
    job.check()
    job.progress(2, 4, "Writing convictions")
    new = write_convictions(conn, extract.convictions, batch.id, extract.source_file, stage, first_load=first)
    job.check()
    if extract.kept is not None:
        write_source(conn, batch.id, extract.kept)
    AuditLog(session).record(user or "system", "import", "import_batch", batch.id, after=_audited(extract, new))
    job.progress(3, 4, "Committing")
    return _report(extract, batch.id, new)


def _report(extract: DojExtract, batch_id: int, new: int) -> ImportReport:
    report = ImportReport(
        extract.source_file, True, extract.rows, extract.persons.num_rows, extract.convictions.num_rows, new,
        extract.flagged_rows, [p.describe(extract.source_file) for p in extract.problems], batch_id=batch_id,
    )
    if new < extract.convictions.num_rows:
        report.message = f"{extract.convictions.num_rows - new} convictions were already on file and were kept as they were"
    return report


__all__ = ["FileRejected", "ImportReport", "RowProblem", "import_file", "store_extract"]
