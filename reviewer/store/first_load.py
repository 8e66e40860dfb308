"""A first load into an empty SQLite database: each row written once, straight from Arrow by ADBC.

The incremental path (staging.py) writes the rows into a scratch file and copies them with
INSERT ... SELECT, because persons already on file must be merged and convictions already on
file skipped. An empty database has neither: person ids are assigned here in Arrow, each
conviction gets its person's id by a vectorised lookup, and ADBC's SQLite binds the rows
straight from the Arrow buffers into the live tables, secondary indexes dropped first and built
once after the load. The batch, the kept file and the audit entry go in the same transaction,
so a failure anywhere (or Cancel) leaves the database as it was.

Journal: a rollback journal for the load (appending to an empty database journals only the few
pages that existed; WAL would write every page twice), fsync at commit (synchronous FULL), then
WAL again. If another process has the file open the switch does not happen, and the load runs
in WAL mode: slower, as safe.

The caller must hand over a file no sqlite3 connection of this process has open (Database.
file_to_itself, store.file_gate): ADBC links its own SQLite, and two copies of SQLite with one
file open in one process lose each other's locks.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from reviewer.store.audit import GENESIS, _dump, digest
from reviewer.store.imports import (
    CONVICTION_COLUMNS,
    PERSON_COLUMNS,
    check_lengths,
    one_row_per_subject,
)
from reviewer.store.models import Conviction, Person
from reviewer.store.sources import CompressedFile, source_parts
from reviewer.store.staging import sqlite_ready

log = logging.getLogger(__name__)
ALREADY = "already"  # the file's batch is on file (an import of it finished meanwhile)
LOADED_TABLES = ("person", "conviction")


@dataclass
class Loaded:
    batch_id: int
    new_convictions: int
    alongside: object = None  # what the load's Alongside.write returned


@dataclass
class Alongside:
    """Work on the rows of a first load while SQLite writes them (ADBC lets go of the GIL meanwhile).

    `pieces(persons, convictions)` cuts the work on the rows as they are written (ids assigned,
    sqlite_ready) into pieces, each a callable; a thread runs them one after another (never two at once:
    the memory a piece takes is the bound) while this thread writes the rows. `write(cursor, results)`
    then runs in the load's transaction, after the rows and the import's audit entry, before the kept
    copy of the file; `results` gives the pieces' values in order, each as soon as it is ready (so write can
    store one piece while the thread computes the next); its value is Loaded.alongside. An error of any of
    them, or Cancel (`check()` runs while this thread waits for a piece, whether write takes the values or
    not), rolls the load back."""
    pieces: Callable[[pa.Table, pa.Table], list[Callable[[], object]]]
    write: Callable[[object, Iterator], object]


CHECK_SECONDS = 0.25  # how often Cancel is looked at while the pieces run


def suits(persons: pa.Table) -> bool:
    """Whether persons can be written as they are: one row per subject id (else the incremental path
    merges a person's rows)."""
    return one_row_per_subject(persons)


def stored_datetime(value: datetime) -> str:
    """As SQLAlchemy's DateTime stores it on SQLite."""
    return value.isoformat(" ", timespec="microseconds")


def one_row(values: dict, types: dict[str, pa.DataType] | None = None) -> pa.Table:
    types = types or {}
    columns = {}
    for name, value in values.items():
        kind = types.get(name) or (pa.int64() if isinstance(value, int) else pa.string())
        columns[name] = pa.array([value], kind)
    return pa.table(columns)


def _ids(first: int, n: int) -> pa.Array:
    return pa.array(np.arange(first, first + n, dtype=np.int64))


def _people(persons: pa.Table, first_id: int) -> pa.Table:
    ids = _ids(first_id, persons.num_rows)
    return sqlite_ready(persons.select(list(PERSON_COLUMNS)).add_column(0, "id", ids))


def _counts(convictions: pa.Table, persons: pa.Table, first_person: int, first_id: int, batch_id: int,
            source_file: str) -> pa.Table:
    """Convictions with their person's id, in file order; a (person, count) seen before is left out
    (as ON CONFLICT DO NOTHING does on the incremental path)."""
    position = pc.index_in(convictions.column("subject_id"), value_set=persons.column("subject_id"))
    t = convictions.append_column("person_id", pc.add(pc.cast(position, pa.int64()), first_person))
    if t.column("person_id").null_count:  # (a filter copies every column, even when it keeps every row)
        t = t.filter(pc.is_valid(t.column("person_id")))
    t = t.append_column("_row", _ids(0, t.num_rows))
    firsts = t.group_by(["person_id", "count_order"], use_threads=False).aggregate([("_row", "min")])
    if firsts.num_rows < t.num_rows:
        t = t.take(firsts.column("_row_min").sort())  # the rows, in file order (not their ranks)
    n = t.num_rows
    same = np.zeros(n, np.int64)
    t = t.append_column("batch_id", pa.array([batch_id], pa.int64()).take(same))
    t = t.append_column("source_file", pa.array([source_file], pa.string()).take(same))
    t = t.rename_columns(["source_line" if c == "line" else c for c in t.column_names])
    return sqlite_ready(t.select(list(CONVICTION_COLUMNS)).add_column(0, "id", _ids(first_id, n)))


def scalar(cur, sql: str, params: tuple = ()):
    cur.execute(sql, params) if params else cur.execute(sql)
    row = cur.fetchone()
    return row[0] if row else None


def load(path: str, persons: pa.Table, convictions: pa.Table, batch: dict, kept: CompressedFile | None,
         audit_user: str, audit_after: Callable[[int], dict], check: Callable[[], None] = lambda: None,
         alongside: Alongside | None = None) -> Loaded | str | None:
    """Write a whole extract into the empty database at `path` in one transaction.

    `batch`: the import_batch row's fields (without id and imported_at); `audit_after(new)`: the audit
    entry's `after`. Returns Loaded; ALREADY when the file's batch is on file; None, with nothing
    written, when the database is not empty (the caller takes the incremental path). FieldTooLong
    before anything is opened; any other error, or `check()` raising, rolls everything back.
    `alongside`: see Alongside."""
    check_lengths(persons, Person)
    check_lengths(convictions, Conviction)
    import adbc_driver_sqlite.dbapi as adbc

    with adbc.connect(path, autocommit=True) as conn, conn.cursor() as cur:
        cur.execute("PRAGMA busy_timeout=30000")
        cur.fetchall()
        was = scalar(cur, "PRAGMA journal_mode")
        _journal(cur, "DELETE")  # stays WAL if another process has the file open
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA cache_size=-65536")
        try:
            cur.execute("BEGIN IMMEDIATE")
            beside = ThreadPoolExecutor(1, thread_name_prefix="alongside-load")
            try:
                result = _write(cur, persons, convictions, batch, kept, audit_user, audit_after, check,
                                alongside, beside)
            except BaseException:
                beside.shutdown(cancel_futures=True)  # (waits for the piece it is running)
                cur.execute("ROLLBACK")
                raise
            beside.shutdown()
            cur.execute("COMMIT" if isinstance(result, Loaded) else "ROLLBACK")
            return result
        finally:
            if was == "wal":
                _journal(cur, "WAL")  # (if another process stops it, the next connection of ours sets it)


def _journal(cur, mode: str) -> None:
    """Switch the journal mode if SQLite can: leaving WAL needs the file to itself, among all processes."""
    try:
        scalar(cur, f"PRAGMA journal_mode={mode}")
    except Exception as exc:  # noqa: BLE001 - the driver's "database is locked": keep the mode the file has
        log.info("journal mode stays as it is (%s)", type(exc).__name__)


def _write(cur, persons, convictions, batch, kept, audit_user, audit_after, check, alongside, beside
           ) -> Loaded | str | None:
    if scalar(cur, "SELECT id FROM import_batch WHERE sha256 = ?", (batch["sha256"],)) is not None:
        return ALREADY
    if scalar(cur, "SELECT EXISTS (SELECT 1 FROM person) OR EXISTS (SELECT 1 FROM conviction)"):
        return None
    batch_id = scalar(cur, "SELECT COALESCE(MAX(id), 0) + 1 FROM import_batch")
    first_person = scalar(cur, "SELECT COALESCE(MAX(id), 0) + 1 FROM person")
    first_count = scalar(cur, "SELECT COALESCE(MAX(id), 0) + 1 FROM conviction")
    cur.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                f"AND tbl_name IN ({', '.join(repr(t) for t in LOADED_TABLES)}) ORDER BY name")
    indexes = cur.fetchall()
    for name, _sql in indexes:  # built once after the load (the UNIQUE constraints stay: SQLite keeps them)
        cur.execute(f'DROP INDEX "{name}"')
    cur.adbc_ingest("import_batch", one_row(
        {"id": batch_id, **batch, "imported_at": stored_datetime(datetime.now())}), mode="append")
    people = _people(persons, first_person)
    counts = _counts(convictions, persons, first_person, first_count, batch_id, batch["file_name"])
    pa.default_memory_pool().release_unused()  # what building them freed (the peak is yet to come)
    pieces = alongside.pieces(people, counts) if alongside else []
    started = [beside.submit(piece) for piece in pieces]
    del pieces  # (each piece's rows are freed once it has run, not at the end)
    if people.num_rows:
        cur.adbc_ingest("person", people, mode="append")
    del people
    check()
    new = counts.num_rows
    if new:
        cur.adbc_ingest("conviction", counts, mode="append")
    del counts
    check()
    for _name, sql in indexes:
        cur.execute(sql)
    audit(cur, audit_user, "import", "import_batch", batch_id, audit_after(new))
    check()
    written = None
    if alongside is not None:
        results = _in_order(started, check)
        written = alongside.write(cur, results)
        for _ in results:  # the pieces write did not take: waited for all the same, Cancel looked at
            pass
    # The kept copy last: on a wide file its compression ends after the rules (4.5 CPU-s for 796 MB), and
    # the evaluation's parts are written meanwhile instead of waiting behind it. (One transaction: what
    # is on file at the end is the same in any order.)
    if kept is not None:
        for number, part in enumerate(source_parts(kept)):
            cur.adbc_ingest("import_source", one_row(
                {"batch_id": batch_id, "part": number, "codec": kept.codec, "raw_size": kept.raw_size, "data": part},
                {"data": pa.binary()}), mode="append")
        check()
    return Loaded(batch_id, new, written)


def _in_order(started: list[Future], check: Callable[[], None] = lambda: None) -> Iterator:
    """Each piece's value, in order, as soon as it is ready (`check()` before each, at least every
    CHECK_SECONDS while one runs, and after the last)."""
    check()
    for future in started:
        while True:
            try:
                value = future.result(timeout=CHECK_SECONDS)
                break
            except TimeoutError:
                check()
        check()
        yield value


def audit(cur, user: str, action: str, entity: str, entity_id: int, after: dict) -> None:
    """An audit entry, chained to the last one as AuditLog writes it."""
    at = datetime.now()
    prev = scalar(cur, "SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1") or GENESIS
    after_s = _dump(after)
    entry = {"id": scalar(cur, "SELECT COALESCE(MAX(id), 0) + 1 FROM audit_log"), "at": stored_datetime(at),
             "user_name": user, "action": action, "entity": entity, "entity_id": entity_id,
             "before": None, "after": after_s, "prev_hash": prev,
             "hash": digest(prev, at, user, action, entity, entity_id, None, after_s)}
    cur.adbc_ingest("audit_log", one_row(entry), mode="append")
