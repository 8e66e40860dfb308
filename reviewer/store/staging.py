"""Arrow tables into SQLite without per-row Python: a scratch database written by ADBC.

Python's sqlite3 binds every value of every row in the interpreter (about 20 µs a
conviction on a slow machine). ADBC's SQLite driver binds straight from Arrow buffers
in C. The tables go into a scratch file (no journal, deleted afterwards) that is attached
to the caller's connection as `stage`; the caller then moves rows with INSERT ... SELECT
inside its own transaction, so a failure still leaves the database unchanged.

Where the driver is missing (it is an optional speed-up), no stage is attached and the
caller keeps to the row-by-row path.

ADBC's driver links its own copy of SQLite. It must only ever open its own scratch file,
and close it before sqlite3 attaches it: two SQLite copies in one process with the same
file open lose each other's POSIX locks, and one can delete the other's WAL
(sqlite.org/howtocorrupt.html, 2.2.1). Never point it at the database itself.
"""
from __future__ import annotations

import logging
import os
from contextlib import contextmanager
from functools import lru_cache
from typing import Iterator

import pyarrow as pa
import pyarrow.compute as pc

from reviewer import scratch

log = logging.getLogger(__name__)
PREFIX = "reviewer-stage-"
STALE_AFTER_S = scratch.LEGACY_STALE_AFTER_S  # only for stages without an owner file (older versions)


def sweep_stale_stages(now: float | None = None) -> None:
    """Delete scratch folders (stages, previews) whose owner process is gone (they hold personal data)."""
    scratch.sweep(now=now)


@lru_cache(maxsize=1)
def available() -> bool:
    """The driver imports, its library loads and it takes a table (a frozen build could lack a piece)."""
    try:
        import adbc_driver_sqlite.dbapi as adbc

        with adbc.connect(":memory:") as conn, conn.cursor() as cur:
            cur.adbc_ingest("probe", pa.table({"x": pa.array([1], pa.int64())}), mode="create")
            cur.execute("SELECT x FROM probe")  # what _write does besides ingest: a statement with rows
            cur.fetchall()
    except Exception:  # noqa: BLE001 - any failure means: use the row path
        return False
    return True


def driver_version() -> str | None:
    """The ADBC SQLite driver's version when the bulk path works here, else None."""
    if not available():
        return None
    import adbc_driver_sqlite

    return adbc_driver_sqlite.__version__


def sqlite_ready(table: pa.Table) -> pa.Table:
    """Dates as ISO text and booleans as 0/1: how SQLAlchemy stores them on SQLite."""
    columns = {}
    for name, column in zip(table.column_names, table.columns):
        if pa.types.is_date32(column.type):
            column = pc.cast(column, pa.string())
        elif pa.types.is_boolean(column.type):
            column = pc.cast(column, pa.int8())
        columns[name] = column
    return pa.table(columns)


def _write(path: str, tables: dict[str, pa.Table]) -> None:
    import adbc_driver_sqlite.dbapi as adbc

    with adbc.connect(path, autocommit=True) as conn, conn.cursor() as cur:
        # A scratch file: no rollback journal and no fsync (it is thrown away if anything fails).
        cur.execute("PRAGMA journal_mode=OFF")
        cur.fetchall()
        cur.execute("PRAGMA synchronous=OFF")
        cur.execute("BEGIN")
        for name, table in tables.items():
            cur.adbc_ingest(name, sqlite_ready(table), mode="create")
        cur.execute("COMMIT")


class Stage:
    """Tables attached under a schema name (`name`), or nothing attached (`name` is None)."""

    def __init__(self, dbapi_connection, tables: dict[str, pa.Table], name: str = "stage") -> None:
        self.name: str | None = None
        self._connection = dbapi_connection
        self._folder: str | None = None
        if not available():
            return
        sweep_stale_stages()
        try:
            self._folder = str(scratch.make_scratch_dir("stage"))
            path = os.path.join(self._folder, "stage.sqlite")
            _write(path, tables)
            dbapi_connection.execute(f"ATTACH DATABASE ? AS {name}", (path,))
        except Exception as exc:  # noqa: BLE001 - e.g. the temporary folder is full: the row path still works
            log.warning("bulk import stage unavailable (%s: %s); writing row by row", type(exc).__name__, exc)
            self.close()
            return
        except BaseException:
            self.close()
            raise
        self.name = name

    def close(self) -> None:
        """Detach (only possible outside a transaction: call it after commit or rollback) and delete.
        The scratch file holds personal data: it never outlives the import."""
        if self.name is not None:
            self._connection.execute(f"DETACH DATABASE {self.name}")
            self.name = None
        if self._folder is not None:
            scratch.remove_scratch_dir(self._folder)
            self._folder = None


@contextmanager
def stage_tables(dbapi_connection, tables: dict[str, pa.Table], name: str = "stage") -> Iterator[str | None]:
    """Attach the tables as `<name>.<table>` for the duration; yields the name, or None when ADBC is
    not installed. The caller's transaction must be over when the block ends."""
    stage = Stage(dbapi_connection, tables, name)
    try:
        yield stage.name
    finally:
        if dbapi_connection.in_transaction:
            dbapi_connection.rollback()  # the caller did not finish: nothing it wrote stays
        stage.close()
