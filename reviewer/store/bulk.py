"""Fast multi-row writes for import and evaluation, one code path per dialect.

SQLite gets `executemany` on the driver (no per-row SQLAlchemy work); PostgreSQL gets
psycopg2's `execute_values`. Both run inside the caller's transaction.
"""
from __future__ import annotations

from typing import Iterable, Sequence

from sqlalchemy import Connection

PAGE = 5000


def insert_rows(conn: Connection, table: str, columns: Sequence[str], rows: Iterable[tuple], suffix: str = "") -> int:
    """INSERT rows (tuples in `columns` order); `suffix` is an ON CONFLICT clause. Returns rows written."""
    cols = ", ".join(columns)
    if conn.dialect.name == "sqlite":
        marks = ", ".join("?" for _ in columns)
        cursor = conn.connection.dbapi_connection.cursor()
        cursor.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks}) {suffix}", rows)
        return max(cursor.rowcount, 0)
    from psycopg2.extras import execute_values

    cursor = conn.connection.dbapi_connection.cursor()
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


def update_rows(conn: Connection, sql_sqlite: str, sql_pg: str, rows: Iterable[tuple]) -> None:
    """Run one parameterised UPDATE per tuple, batched by the driver."""
    cursor = conn.connection.dbapi_connection.cursor()
    if conn.dialect.name == "sqlite":
        cursor.executemany(sql_sqlite, rows)
    else:
        from psycopg2.extras import execute_batch

        execute_batch(cursor, sql_pg, list(rows), page_size=PAGE)
