"""Reading a query's rows as an Arrow table with ADBC's SQLite, without a Python object per value.

The caller hands over a file no sqlite3 connection of this process has open (Database.file_to_itself,
store.file_gate; see store/first_load.py for why). ADBC's driver types each column by the values of its
first batch, and refuses a later value of another type ("expected INT64 but got STRING"): a column NULL
throughout the first rows would be typed INT64 and then fail on the first text. So the rows read follow
one row of typed placeholder values, which is dropped.
"""
from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import Boolean, Integer, Select, literal, select, union_all
from sqlalchemy.dialects import sqlite

_PLACEHOLDER_ID = -1  # no row has it: ids start at 1


def _placeholder(query: Select):
    """One row of the query's columns, each a value of its type (the first column an id of -1)."""
    values = []
    for n, column in enumerate(query.selected_columns):
        kind = column.type
        value = _PLACEHOLDER_ID if n == 0 else 0 if isinstance(kind, Integer | Boolean) else ""
        values.append(literal(value, Integer() if isinstance(value, int) else kind).label(column.key or f"c{n}"))
    return select(*values)


def read_table(path: str, query: Select) -> pa.Table:
    """The query's rows (its first column an integer id, never negative) as an Arrow table."""
    import adbc_driver_sqlite.dbapi as adbc

    compiled = union_all(_placeholder(query), query).compile(dialect=sqlite.dialect())
    params = [compiled.params[name] for name in compiled.positiontup]
    with adbc.connect(path) as conn, conn.cursor() as cur:
        cur.adbc_statement.set_options(**{"adbc.sqlite.query.batch_rows": "65536"})
        cur.execute(str(compiled), params)
        table = cur.fetch_arrow_table()
    return table.filter(pc.not_equal(table.column(0), _PLACEHOLDER_ID))
