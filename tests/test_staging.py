"""The SQLite bulk path (Arrow tables staged by ADBC, moved by INSERT ... SELECT) against the row path.

(A first load into an empty file writes its rows once instead, test_first_load.py; here every import
takes the staged path, as incremental imports do.)"""
from __future__ import annotations

import sqlite3

import pytest

from reviewer.ingest.synthetic import write_demo_file
from reviewer.services.importing import import_file
from reviewer.services.jobs import Cancelled, Job
from reviewer.services.queue import import_files
from reviewer.store import first_load, staging
from reviewer.store.database import Database

pytestmark = pytest.mark.skipif(not staging.available(), reason="adbc-driver-sqlite is not installed")


def dump(path: str) -> dict[str, list[tuple]]:
    """Every person and conviction as stored (types included), in id order."""
    conn = sqlite3.connect(path)
    try:
        out = {}
        for table in ("person", "conviction"):
            cols = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
            typed = ", ".join(f"{c}, typeof({c})" for c in cols)
            out[table] = conn.execute(f"SELECT {typed} FROM {table} ORDER BY id").fetchall()
        return out
    finally:
        conn.close()


@pytest.fixture(autouse=True)
def staged_always(monkeypatch):
    monkeypatch.setattr(first_load, "suits", lambda persons: False)


@pytest.fixture
def two_files(tmp_path):
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    write_demo_file(first, 3000, "SACRAMENTO", seed=3)
    write_demo_file(second, 2000, "SACRAMENTO", seed=4)
    return first, second


def test_staged_import_stores_exactly_what_the_row_path_stores(tmp_path, gogen_dir, two_files, monkeypatch,
                                                              private_temp):
    files = [gogen_dir / "no_headers.csv", gogen_dir / "extra_comma.csv", *two_files]
    staged, plain = str(tmp_path / "staged.db"), str(tmp_path / "plain.db")
    for path in files:
        assert import_file(Database(staged), path).imported
    monkeypatch.setattr(staging, "available", lambda: False)
    for path in files:
        assert import_file(Database(plain), path).imported
    got, want = dump(staged), dump(plain)
    assert len(want["conviction"]) > 1000
    assert got == want
    assert list(private_temp.iterdir()) == []  # the scratch files (personal data) are gone


def test_overlapping_file_adds_nothing_twice_on_the_staged_path(tmp_path, gogen_dir, private_temp):
    db = Database(str(tmp_path / "r.db"))
    first = import_file(db, gogen_dir / "no_headers.csv")
    again = import_file(db, gogen_dir / "extra_comma.csv")  # the same records with a header
    assert (first.new_convictions, again.convictions, again.new_convictions) == (28, 28, 0)
    assert "already on file" in again.message


def test_cancelled_multi_file_import_leaves_nothing_behind(tmp_path, two_files, private_temp):
    path = str(tmp_path / "r.db")
    db = Database(path)
    before = dump(path)
    job = Job()
    seen = []

    def cancel_after_first_write(done, total, what):
        seen.append(what)
        if what.startswith("Writing second"):
            job.cancel()

    job.on_progress = cancel_after_first_write
    with pytest.raises(Cancelled):
        import_files(db, list(two_files), "tester", job)
    assert any(w.startswith("Writing first") for w in seen)
    assert dump(path) == before
    assert list(private_temp.iterdir()) == []
    # The connection is clean afterwards: the same files import in full.
    assert all(r.imported for r in import_files(db, list(two_files), "tester"))
    assert len(dump(path)["conviction"]) > 1000


def test_staged_evaluation_stores_exactly_what_the_row_path_stores(tmp_path, two_files, monkeypatch, private_temp):
    from datetime import date

    from reviewer.services.evaluating import evaluate, resolve_policy

    def evaluated(path: str) -> list[tuple]:
        db = Database(path)
        for file in two_files:
            import_file(db, file)
        policy = resolve_policy("sacramento-configurable-2019")
        evaluate(db, "SACRAMENTO", date(2019, 11, 11), policy)
        evaluate(db, "SACRAMENTO", date(2020, 6, 1), None)  # the first run's rows stop being current
        db.dispose()
        conn = sqlite3.connect(path)
        try:
            return (conn.execute("SELECT * FROM evaluation ORDER BY id").fetchall()
                    + conn.execute("SELECT * FROM review ORDER BY conviction_id").fetchall())
        finally:
            conn.close()

    staged = evaluated(str(tmp_path / "staged.db"))
    monkeypatch.setattr(staging, "available", lambda: False)
    plain = evaluated(str(tmp_path / "plain.db"))
    assert staged == plain
    assert sum(1 for row in staged if len(row) > 10 and row[3] == 1) * 2 == sum(1 for row in staged if len(row) > 10)
    assert list(private_temp.iterdir()) == []


def test_a_full_temporary_folder_falls_back_to_the_row_path(tmp_path, gogen_dir, monkeypatch, private_temp, caplog):
    def disk_full(path, tables):
        with open(path, "wb") as fh:  # a scratch file was started when the disk filled up
            fh.write(b"partial")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(staging, "_write", disk_full)
    path = str(tmp_path / "r.db")
    report = import_file(Database(path), gogen_dir / "no_headers.csv")
    assert report.imported and report.new_convictions == 28
    assert len(dump(path)["conviction"]) == 28
    assert list(private_temp.iterdir()) == []  # the partial scratch file is gone too
    assert "writing row by row" in caplog.text


def test_a_job_of_more_files_than_sqlite_can_attach_imports_them_all(tmp_path, caplog):
    from reviewer.services.queue import MAX_STAGES

    files = []
    for seed in range(MAX_STAGES + 3):
        files.append(tmp_path / f"part{seed}.csv")
        write_demo_file(files[-1], 200, "SACRAMENTO", seed=seed)
    staged, plain = str(tmp_path / "staged.db"), str(tmp_path / "plain.db")
    reports = import_files(Database(staged), files, "tester")
    assert all(r.imported for r in reports) and "writing row by row" not in caplog.text
    for file in files:
        import_file(Database(plain), file)
    assert dump(staged) == dump(plain)


def test_stages_left_by_a_killed_process_are_swept(tmp_path, gogen_dir, private_temp):
    import os
    import time

    stale, recent = private_temp / f"{staging.PREFIX}old", private_temp / f"{staging.PREFIX}busy"
    for folder in (stale, recent):
        folder.mkdir()
        (folder / "stage.sqlite").write_bytes(b"personal data")
    long_ago = time.time() - staging.STALE_AFTER_S - 60
    os.utime(stale, (long_ago, long_ago))
    assert import_file(Database(str(tmp_path / "r.db")), gogen_dir / "no_headers.csv").imported
    assert sorted(p.name for p in private_temp.iterdir()) == [recent.name]  # another import may be using it
