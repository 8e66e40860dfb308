"""Files PostgreSQL used to refuse with raw errors get the same answer on both databases, with file and line."""
from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import func, select

import office_workers as work
from reviewer.ingest.problems import FileRejected
from reviewer.services.importing import import_file
from reviewer.store import models as m
from reviewer.store.database import Database
from test_office_concurrency import run_processes


def lines_of(gogen_dir) -> list[str]:
    return [line.rstrip("\r\n") + "\n" for line in open(gogen_dir / "no_headers.csv", encoding="latin-1")]


def counts(db: Database) -> tuple[int, int, int]:
    with db.session() as s:
        return tuple(s.scalar(select(func.count()).select_from(t)) for t in (m.ImportBatch, m.Person, m.Conviction))


def test_a_persons_rows_apart_in_the_file_read_as_together(db_url, gogen_dir, tmp_path):
    lines = lines_of(gogen_dir)
    apart = tmp_path / "apart.csv"
    apart.write_text("".join(lines[:1] + lines[2:] + lines[1:2]), encoding="latin-1")  # one row moved to the end
    db = Database(db_url)
    report = import_file(db, apart)
    assert (report.persons, report.convictions) == (11, 28)
    assert counts(db) == (1, 11, 28)
    db.dispose()


def test_a_field_longer_than_its_column_is_cut_and_flagged_naming_file_line_and_field(db_url, gogen_dir, tmp_path):
    """The same answer on both databases (PostgreSQL would refuse the long value, SQLite would keep it):
    the value is cut to what Reviewer keeps, and its row is flagged (issue 15: bounded lengths)."""
    rows = list(csv.reader(io.StringIO("".join(lines_of(gogen_dir)))))
    row = next(i for i, r in enumerate(rows) if i > 2 and any(v.startswith("CONVICTED") for v in r))
    column = next(i for i, v in enumerate(rows[row]) if " HS-" in v or " VC-" in v or " BP " in v)
    rows[row][column] = rows[row][column] + " REMARK" * 80
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path = tmp_path / "long.csv"
    path.write_text(out.getvalue(), encoding="latin-1")
    db = Database(db_url)
    report = import_file(db, path)
    flagged = [str(p) for p in report.problems]
    assert f"long.csv line {row + 1}, OFFENSE_DESCR: 596 characters, longer than 400: cut to 400" in flagged
    with db.session() as s:
        longest = s.scalar(select(func.max(func.length(m.Conviction.offense_text))))
    assert longest <= 400
    db.dispose()


def test_two_imports_of_the_same_file_at_once(db_url, gogen_dir):
    Database(db_url).dispose()  # the schema, before two processes open it
    answers = run_processes((work.import_same, (db_url, str(gogen_dir / "no_headers.csv"))),
                            (work.import_same, (db_url, str(gogen_dir / "no_headers.csv"))))
    imported, other = sorted(answers)  # one imports; the other waits for it, then finds it on file
    assert imported == "imported"
    assert "already imported on" in other and "nothing added" in other
    db = Database(db_url)
    assert counts(db) == (1, 11, 28)
    db.dispose()
