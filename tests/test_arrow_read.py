"""store.arrow_read: rows read by ADBC's SQLite, whose driver types a column by its first batch of rows."""
from __future__ import annotations

import sqlite3

from sqlalchemy import Column, Integer, MetaData, String, Table, select

from reviewer.store.arrow_read import read_table

META = MetaData()
T = Table("t", META, Column("id", Integer, primary_key=True), Column("note", String), Column("n", Integer))


def test_a_column_null_through_the_first_batch_then_text_is_read_whole(tmp_path):
    path = tmp_path / "t.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, note TEXT, n INTEGER)")
    con.executemany("INSERT INTO t VALUES (?, NULL, NULL)", [(i,) for i in range(1, 70_001)])
    con.execute("INSERT INTO t VALUES (70001, 'flagged: line 9', 7)")
    con.commit()
    con.close()
    table = read_table(str(path), select(T.c.id, T.c.note, T.c.n).where(T.c.id > 0))
    assert table.num_rows == 70_001, "the placeholder row is not among them"
    assert table.column("note").null_count == 70_000
    assert table.column("note")[-1].as_py() == "flagged: line 9"
    assert table.column("n")[-1].as_py() == 7
    assert table.column("id")[0].as_py() == 1


def test_bound_values_are_passed_as_parameters(tmp_path):
    path = tmp_path / "t.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, note TEXT, n INTEGER)")
    con.executemany("INSERT INTO t VALUES (?, ?, ?)", [(1, "O'Brien", 1), (2, "x", 2)])
    con.commit()
    con.close()
    table = read_table(str(path), select(T.c.id, T.c.note).where(T.c.note == "O'Brien"))
    assert table.column("note").to_pylist() == ["O'Brien"]
