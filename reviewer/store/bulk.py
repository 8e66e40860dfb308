"""Fast multi-row reads and writes for import, evaluation and the queue, one code path per dialect.

Reads run a Core query on the driver's cursor: plain tuples, none of SQLAlchemy's per-row
result processing (so dates come back as the driver gives them: ISO text on SQLite).
Writes: SQLite gets `executemany` on the driver; PostgreSQL gets psycopg2's
`execute_values`. Both run inside the caller's transaction.
"""
from __future__ import annotations

from itertools import islice
from typing import Iterable, Iterator, Sequence

from sqlalchemy import Connection

PAGE = 5000


def read_chunks(conn: Connection, query, chunk: int = 20000) -> Iterator[list[tuple]]:
    """The rows of a Core query as lists of plain tuples, `chunk` at a time (values stay bound parameters)."""
    compiled = query.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    if compiled.positiontup is not None:
        params = tuple(compiled.params[name] for name in compiled.positiontup)
    else:
        params = compiled.params
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        cursor.execute(str(compiled), params)
        while rows := cursor.fetchmany(chunk):
            yield rows
    finally:
        cursor.close()


def read_rows(conn: Connection, query, chunk: int = 20000) -> Iterator[tuple]:
    for rows in read_chunks(conn, query, chunk):
        yield from rows


def insert_rows(conn: Connection, table: str, columns: Sequence[str], rows: Iterable[tuple], suffix: str = "") -> int:
    """INSERT rows (tuples in `columns` order); `suffix` is an ON CONFLICT clause. Returns rows written.
    On PostgreSQL, rows without a suffix go by COPY: no statement text built per row (87k evaluation rows:
    3.3 s against 4.4 s, most of it the server's index and foreign-key work)."""
    cols = ", ".join(columns)
    if conn.dialect.name == "sqlite":
        marks = ", ".join("?" for _ in columns)
        cursor = conn.connection.dbapi_connection.cursor()
        cursor.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks}) {suffix}", rows)
        return max(cursor.rowcount, 0)
    from psycopg2.extras import execute_values

    cursor = conn.connection.dbapi_connection.cursor()
    if not suffix and hasattr(cursor, "copy_expert"):
        return _copy_rows(cursor, table, columns, rows)
    written = 0
    batch: list[tuple] = []
    sql = f"INSERT INTO {table} ({cols}) VALUES %s {suffix} RETURNING 1"
    for row in rows:
        batch.append(row)
        if len(batch) >= PAGE:
            written += len(execute_values(cursor, sql, batch, page_size=PAGE, fetch=True))
            batch.clear()
    if batch:
        written += len(execute_values(cursor, sql, batch, page_size=PAGE, fetch=True))
    return written


def _copy_rows(cursor, table: str, columns: Sequence[str], rows: Iterable[tuple]) -> int:
    """COPY ... FROM STDIN, the rows made columns of an Arrow table and written as CSV by Arrow (pg_copy)."""
    import pyarrow as pa

    from reviewer.store import pg_copy

    written = 0
    rows = iter(rows)
    while block := list(islice(rows, pg_copy.BLOCK_ROWS)):
        data = pa.table(dict(zip(columns, (pa.array(values) for values in zip(*block)))))
        pg_copy.copy_into(cursor, table, data)
        written += len(block)
    return written


def update_rows(conn: Connection, sql_sqlite: str, sql_pg: str, rows: Iterable[tuple]) -> None:
    """Run one parameterised UPDATE per tuple, batched by the driver."""
    cursor = conn.connection.dbapi_connection.cursor()
    if conn.dialect.name == "sqlite":
        cursor.executemany(sql_sqlite, rows)
    else:
        from psycopg2.extras import execute_batch

        execute_batch(cursor, sql_pg, list(rows), page_size=PAGE)
