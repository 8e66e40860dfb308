"""A 200,000-character value on the first line of a file without a header is one field, as anywhere else
in the file: it imports, cut to its column's size and flagged by line and field with its length and the
limit, never refused as a wrong number of fields. (Python's csv refuses a field over 131,072 characters;
the first line was then split at every comma, quoted or not.)"""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from reviewer.ingest.problems import FileRejected
from reviewer.ingest.value_limits import MAX_OFFENSE
from reviewer.services.importing import import_file
from reviewer.store.database import Database
from tests.doj_rows import conviction, text

LONG = 200_000


def _rows(**first: str) -> list[list[str]]:
    """Five convictions, the first with `first` (its name holds a comma, so it is quoted)."""
    rows = [conviction(SUBJECT_ID=str(100 + i), PRI_NAME="DOE,JANE", CNT_ORDER=f"10{i}001001000", OFN=f"SC{i}")
            for i in range(1, 6)]
    rows[0] = conviction(SUBJECT_ID="101", PRI_NAME="DOE,JANE", CNT_ORDER="101001001000", OFN="SC1", **first)
    return rows


@pytest.mark.parametrize(("name", "field", "value"), [
    ("long_offense.csv", "OFFENSE_DESCR", "11359 HS-POSSESS FOR SALE " + "X" * (LONG - 26)),
    ("long_quoted_offense.csv", "OFFENSE_DESCR", "11359 HS-POSSESS FOR SALE," + "X," * ((LONG - 26) // 2)),
    ("long_comment.csv", "COMMENT_TEXT", "Y," * (LONG // 2)),
])
def test_a_long_first_value_imports_cut_and_flagged(tmp_path, name, field, value):
    path = tmp_path / name
    path.write_text(text(_rows(**{field: value})), encoding="utf-8")
    db = Database(tmp_path / "reviewer.db")
    try:
        report = import_file(db, path)
    finally:
        db.dispose()
    assert report.imported and report.rows == 5 and report.convictions == 5
    said = f"{name} line 1, {field}: {LONG:,} characters, longer than {MAX_OFFENSE}: cut to {MAX_OFFENSE}"
    assert report.problems == [said]
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'reviewer.db'}")
    with engine.connect() as conn:
        longest = conn.execute(sa.text("SELECT max(length(offense_text)) FROM conviction")).scalar()
    engine.dispose()
    assert longest <= MAX_OFFENSE


def test_a_long_first_line_with_a_field_missing_names_the_true_count(tmp_path):
    rows = _rows(COMMENT_TEXT="Y" * LONG)
    rows[0] = rows[0][:-1]
    path = tmp_path / "long_and_short.csv"
    path.write_text(text(rows), encoding="utf-8")
    db = Database(tmp_path / "reviewer.db")
    try:
        with pytest.raises(FileRejected) as rejected:
            import_file(db, path)
    finally:
        db.dispose()
    assert str(rejected.value).startswith("long_and_short.csv: line 1: 94 fields, expected 95")
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'reviewer.db'}")
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM person")).scalar() == 0
        assert conn.execute(sa.text("SELECT count(*) FROM conviction")).scalar() == 0
        assert conn.execute(sa.text("SELECT count(*) FROM import_batch")).scalar() == 0
    engine.dispose()
