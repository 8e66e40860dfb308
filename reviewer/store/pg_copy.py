"""Arrow tables into a PostgreSQL temporary table by COPY: the bulk load's stage on PostgreSQL.

Arrow writes the rows as CSV in C (strings quoted, nulls as nothing, so that an empty string and
a NULL stay apart), a block at a time, and psycopg2 streams each block with COPY ... FROM STDIN:
no Python work per row. The temporary table lives in the caller's transaction (`ON COMMIT DROP`)
and is dropped as soon as the caller has moved its rows with INSERT ... SELECT, as on SQLite
(store.staging), so the same statements write persons and convictions on both databases.
"""
from __future__ import annotations

import io
import itertools
from collections.abc import Iterator
from contextlib import contextmanager, suppress

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
from sqlalchemy import Connection

ORDER = "stage_row"  # the row's place in the Arrow table: INSERT ... SELECT keeps the file's order by it
BLOCK_ROWS = 50_000
_names = itertools.count()


def available(conn: Connection) -> bool:
    """PostgreSQL through psycopg2 (COPY ... FROM STDIN by `copy_expert`); else rows are written by INSERT."""
    return conn.dialect.name == "postgresql" and hasattr(conn.connection.dbapi_connection.cursor(), "copy_expert")


def _sql_type(kind: pa.DataType) -> str:
    if pa.types.is_boolean(kind):
        return "boolean"
    if pa.types.is_integer(kind):
        return "bigint"
    if pa.types.is_date(kind):
        return "date"
    if pa.types.is_floating(kind):
        return "double precision"
    return "text"


def _csv_blocks(table: pa.Table) -> Iterator[bytes]:
    options = pacsv.WriteOptions(include_header=False, quoting_style="needed")
    for batch in table.to_batches(max_chunksize=BLOCK_ROWS):
        buffer = io.BytesIO()
        pacsv.write_csv(batch, buffer, options)
        yield buffer.getvalue()


def copy_into(cursor, name: str, table: pa.Table) -> None:
    """`table`'s rows into the table `name` (its columns by name), by COPY on a psycopg2 cursor."""
    names = ", ".join(f'"{n}"' for n in table.column_names)
    for block in _csv_blocks(table):
        cursor.copy_expert(f"COPY {name} ({names}) FROM STDIN WITH (FORMAT csv, ENCODING 'UTF8')", io.BytesIO(block))


@contextmanager
def copied(conn: Connection, name: str, table: pa.Table) -> Iterator[str]:
    """A temporary table holding `table`'s rows (and their order in ORDER), by the name yielded."""
    stage = f"reviewer_stage_{name}_{next(_names)}"
    table = table.append_column(ORDER, pa.array(np.arange(table.num_rows, dtype=np.int64)))
    columns = ", ".join(f'"{n}" {_sql_type(t)}' for n, t in zip(table.column_names, table.schema.types))
    cursor = conn.connection.dbapi_connection.cursor()
    cursor.execute(f"CREATE TEMPORARY TABLE {stage} ({columns}) ON COMMIT DROP")
    try:
        copy_into(cursor, stage, table)
        yield stage
    finally:
        # (in a failed transaction the DROP fails too: the table goes with the rollback)
        with suppress(Exception):
            cursor.execute(f"DROP TABLE IF EXISTS {stage}")
        cursor.close()
