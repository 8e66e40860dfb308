"""Imported files kept compressed in the database, for exports that repeat the input rows.

The reader compresses the file in the background (ingest.kept_file); the parts are written
in the import's own transaction, so a rejected or cancelled import keeps nothing.
"""
from __future__ import annotations

import hashlib
import io
from typing import Callable, Iterable, Iterator, Protocol

from sqlalchemy import Connection, Engine, delete, func, insert, select

from reviewer.store.models import ImportSource


class CompressedFile(Protocol):
    """What the reader hands over (ingest.kept_file.KeptFile): the store only needs these."""

    codec: str
    raw_size: int

    def compressed_parts(self, size: int) -> Iterable[bytes]: ...

    def ready(self) -> bool: ...

PART_SIZE = 32 << 20  # bytes of compressed data per row (well under SQLite's and PostgreSQL's limits)


class SourceUnavailable(Exception):
    """The rows of an import are not kept (forgotten, or imported before Reviewer kept them)."""


def source_parts(source: CompressedFile) -> Iterator[bytes]:
    """The compressed file in the rows it is stored in, one at a time (at least one, maybe empty: the
    import is still known to be kept)."""
    empty = True
    for part in source.compressed_parts(PART_SIZE):
        empty = False
        yield part
    if empty:
        yield b""


def write_source(conn: Connection, batch_id: int, source: CompressedFile) -> None:
    for number, part in enumerate(source_parts(source)):
        conn.execute(insert(ImportSource).values(
            batch_id=batch_id, part=number, codec=source.codec, raw_size=source.raw_size, data=part,
        ))


def has_source(conn: Connection, batch_id: int) -> bool:
    return conn.execute(select(func.count()).where(ImportSource.batch_id == batch_id)).scalar() > 0


def read_source(conn: Connection, batch_id: int, decompress: Callable[[bytes, str, int], bytes],
                sha256: str | None = None) -> bytes:
    """The imported file's bytes, checked against the SHA-256 recorded at import."""
    rows = conn.execute(
        select(ImportSource.codec, ImportSource.raw_size, ImportSource.data)
        .where(ImportSource.batch_id == batch_id).order_by(ImportSource.part)
    ).all()
    if not rows:
        raise SourceUnavailable(f"the rows of import {batch_id} are not kept")
    codec, size = rows[0][0], rows[0][1]
    buffer = io.BytesIO()
    for row in rows:
        buffer.write(row[2])
    raw = decompress(buffer.getvalue(), codec, size)
    if sha256 and hashlib.sha256(raw).hexdigest() != sha256:
        raise SourceUnavailable(f"the kept rows of import {batch_id} do not match the file imported (checksum)")
    return raw


def forget_sources(conn: Connection, batch_ids: list[int] | None = None) -> int:
    """Delete kept files (all, or these imports); returns how many imports lost theirs. On SQLite the
    freed pages are overwritten with zeros (secure_delete); `erase_freed_space` rewrites the files after."""
    query = select(ImportSource.batch_id).distinct()
    if batch_ids is not None:
        query = query.where(ImportSource.batch_id.in_(batch_ids))
    ids = [r[0] for r in conn.execute(query)]
    if ids:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA secure_delete = ON")
        conn.execute(delete(ImportSource).where(ImportSource.batch_id.in_(ids)))
    return len(ids)


def erase_freed_space(engine: Engine) -> None:
    """After a delete is committed: rewrite the storage so that no deleted byte stays in the database's
    files. SQLite: VACUUM, then a checkpoint that empties the WAL. PostgreSQL: VACUUM FULL of the table
    (its rows and their TOAST are rewritten into new files, the old ones removed). Raises the driver's
    OperationalError when another connection keeps it from running (the rows are deleted anyway)."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("VACUUM")
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        else:
            conn.exec_driver_sql(f"VACUUM FULL {ImportSource.__tablename__}")
