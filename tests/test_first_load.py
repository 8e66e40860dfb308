"""A first load into an empty SQLite file writes each row once (store.first_load), by ADBC's own SQLite.

Checked: the same rows, types, batch, kept file and audit chain as the staged path; a rejected or
cancelled load leaves the database as it was; and the hazard of two SQLite libraries in one
process: ADBC never opens a file a sqlite3 connection of this process has open (that connection
would lose its locks, shown below), and a connection wanted meanwhile waits for the load.
"""
from __future__ import annotations

import json
import logging
import sqlite3
import subprocess
import sys
import threading
import time

import pyarrow as pa
import pytest

from reviewer.ingest.doj_reader import read_doj_file
from reviewer.ingest.kept_file import decompress
from reviewer.ingest.problems import FileRejected
from reviewer.ingest.synthetic import write_demo_file
from reviewer.services.importing import import_file, store_extract
from reviewer.services.jobs import Cancelled, Job
from reviewer.store import file_gate, first_load, staging
from reviewer.store.audit import verify_chain
from reviewer.store.database import Database
from reviewer.store.sources import read_source

pytestmark = pytest.mark.skipif(not staging.available(), reason="adbc-driver-sqlite is not installed")
WRITTEN_ONCE = "each row written once"
# Every column but the import's own time stamps (and the audit hashes, which cover them).
TABLES = {
    "person": "*", "conviction": "*", "import_source": "*",
    "import_batch": "id, file_name, sha256, encoding, kind, imported_by, rows, persons, convictions, "
                    "flagged_rows, problems",
    "audit_log": "id, user_name, action, entity, entity_id, before, after",
}


def dump(path: str) -> dict[str, list[tuple]]:
    """The stored rows with each value's SQLite type, and the schema (indexes included)."""
    conn = sqlite3.connect(path)
    try:
        out = {}
        for table, columns in TABLES.items():
            names = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")] if columns == "*" else \
                [c.strip() for c in columns.split(",")]
            typed = ", ".join(f"{c}, typeof({c})" for c in names)
            out[table] = conn.execute(f"SELECT {typed} FROM {table} ORDER BY rowid").fetchall()
        out["schema"] = sorted(conn.execute("SELECT type, name, sql FROM sqlite_master").fetchall(), key=str)
        return out
    finally:
        conn.close()


def check_file(path: str) -> None:
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    finally:
        conn.close()


@pytest.fixture
def demo(tmp_path):
    path = tmp_path / "demo.csv"
    write_demo_file(path, 3000, "SACRAMENTO", seed=5)
    return path


def test_a_first_load_stores_what_the_staged_path_stores(tmp_path, gogen_dir, demo, monkeypatch, caplog,
                                                         private_temp):
    caplog.set_level(logging.INFO, "reviewer.services.importing")
    once, staged = str(tmp_path / "once.db"), str(tmp_path / "staged.db")
    files = [demo, gogen_dir / "no_headers.csv"]  # the second into a database that holds records
    for path in files:
        assert import_file(Database(once), path, user="clerk").imported
    assert caplog.text.count(WRITTEN_ONCE) == 1
    monkeypatch.setattr(first_load, "suits", lambda persons: False)
    for path in files:
        assert import_file(Database(staged), path, user="clerk").imported
    assert caplog.text.count(WRITTEN_ONCE) == 1
    got, want = dump(once), dump(staged)
    assert len(want["conviction"]) > 500
    assert got == want
    check_file(once)
    assert list(private_temp.iterdir()) == []
    db = Database(once)
    with db.session() as session:
        assert verify_chain(session) is None
        assert read_source(session.connection(), 1, decompress, read_doj_file(demo).sha256) == demo.read_bytes()
    db.dispose()


def test_the_same_file_again_is_reported_and_adds_nothing(tmp_path, demo, caplog):
    caplog.set_level(logging.INFO, "reviewer.services.importing")
    path = str(tmp_path / "r.db")
    first = import_file(Database(path), demo)
    before = dump(path)
    again = import_file(Database(path), demo)
    assert first.imported and not again.imported and "already imported" in again.message
    assert dump(path) == before and caplog.text.count(WRITTEN_ONCE) == 1


def test_a_count_twice_in_the_file_is_written_once_as_on_the_staged_path(tmp_path, demo, monkeypatch):
    """The same (person, count) in two places of a file: the first is kept, as ON CONFLICT DO NOTHING does."""
    lines = demo.read_text().splitlines(keepends=True)
    twice = tmp_path / "twice.csv"
    twice.write_text("".join(lines[:40] + lines[5:6] + lines[40:]))  # a conviction row repeated further on
    extract = read_doj_file(twice)
    once, staged = str(tmp_path / "once.db"), str(tmp_path / "staged.db")
    report = store_extract(Database(once), extract, "")
    monkeypatch.setattr(first_load, "suits", lambda persons: False)
    assert store_extract(Database(staged), read_doj_file(twice), "").new_convictions == report.new_convictions
    assert dump(once) == dump(staged)


def test_a_count_again_after_the_persons_other_counts_is_written_once(tmp_path, demo, monkeypatch):
    """A person's first count repeated after their last row: two convictions of one (person, count) reach
    the load, which keeps the first (the load once kept the first rows of the file instead, and failed on
    the UNIQUE constraint)."""
    rows = demo.read_text().splitlines(keepends=True)
    convictions = read_doj_file(demo).convictions
    by_person: dict[str, list[int]] = {}
    for who, line in zip(convictions["subject_id"].to_pylist(), convictions["line"].to_pylist()):
        by_person.setdefault(who, []).append(line)
    who, lines = next((w, ls) for w, ls in by_person.items() if len(ls) > 1 and ls[0] > 100)
    last = max(i for i, r in enumerate(rows, start=1) if r.split(",")[2] == who)
    again = tmp_path / "again.csv"
    again.write_text("".join(rows[:last] + rows[lines[0] - 1 : lines[0]] + rows[last:]))
    once, staged = str(tmp_path / "once.db"), str(tmp_path / "staged.db")
    report = store_extract(Database(once), read_doj_file(again), "")
    monkeypatch.setattr(first_load, "suits", lambda persons: False)
    assert store_extract(Database(staged), read_doj_file(again), "").new_convictions == report.new_convictions
    assert dump(once) == dump(staged)


def test_a_rejected_file_changes_nothing(tmp_path, demo):
    path = str(tmp_path / "r.db")
    db = Database(path)
    before = dump(path)
    extract = read_doj_file(demo)
    names = extract.convictions.column("offense_text").to_pylist()
    names[-1] = "X" * 401  # longer than the column: FieldTooLong (the reader cuts such values; a backstop)
    extract.convictions = extract.convictions.set_column(
        extract.convictions.column_names.index("offense_text"), "offense_text", pa.array(names))
    with pytest.raises(FileRejected, match="offense_text"):
        store_extract(db, extract, "")
    db.dispose()
    assert dump(path) == before
    check_file(path)


def test_a_load_cancelled_half_way_changes_nothing(tmp_path, demo, private_temp):
    path = str(tmp_path / "r.db")
    db = Database(path)
    before = dump(path)
    job = Job()
    job.on_progress = lambda done, total, what: job.cancel() if what == "Writing persons" else None
    with pytest.raises(Cancelled):
        import_file(db, demo, job=job)  # the load's first check comes after the persons are written
    assert dump(path) == before  # the dropped indexes are back, no person, no batch, no audit entry
    check_file(path)
    assert not (tmp_path / "r.db-journal").exists()
    assert import_file(db, demo).imported  # and the file imports in full afterwards
    db.dispose()
    assert len(dump(path)["conviction"]) > 500


# --- the hazard: two SQLite libraries in one process ----------------------------------------------

LOCK_PROBE = ("import sqlite3, sys; c = sqlite3.connect(sys.argv[1], timeout=0, isolation_level=None)\n"
              "try:\n    c.execute('BEGIN IMMEDIATE'); print('got the lock')\n"
              "except sqlite3.OperationalError as e:\n    print(e)")


def other_process_writes(path: str) -> str:
    return subprocess.run([sys.executable, "-c", LOCK_PROBE, path], capture_output=True, text=True,
                          timeout=60, check=False).stdout.strip()


def test_the_hazard_is_real_adbc_next_to_sqlite3_drops_its_locks(tmp_path):
    """Why the gate exists: ADBC opening and closing a file this process holds a lock on releases the lock."""
    import adbc_driver_sqlite.dbapi as adbc

    path = str(tmp_path / "r.db")
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("CREATE TABLE t (x)")
    conn.execute("BEGIN IMMEDIATE")
    assert other_process_writes(path) == "database is locked"
    with adbc.connect(path) as other, other.cursor() as cur:
        cur.execute("SELECT 1")
        cur.fetchall()
    assert other_process_writes(path) == "got the lock"  # another process may now write under our feet
    conn.close()


def test_a_file_open_in_this_process_is_not_loaded_by_adbc(tmp_path, demo, caplog, private_temp):
    caplog.set_level(logging.INFO, "reviewer.services.importing")
    path = str(tmp_path / "r.db")
    viewer = Database(path)  # e.g. the queue window on the same file, its connection in use
    held = viewer.engine.connect()
    held.exec_driver_sql("SELECT count(*) FROM person").all()
    report = import_file(Database(path), demo)
    assert report.imported and WRITTEN_ONCE not in caplog.text and "writing through a stage" in caplog.text
    held.exec_driver_sql("BEGIN IMMEDIATE")
    assert other_process_writes(path) == "database is locked"  # its locks are intact
    held.exec_driver_sql("ROLLBACK")
    held.close()
    viewer.dispose()
    check_file(path)


def test_a_connection_wanted_during_the_load_waits_for_it(tmp_path, demo):
    path = str(tmp_path / "r.db")
    db = Database(path)
    seen: dict = {}
    asking = threading.Event()

    def reader():
        asking.set()
        other = Database(path, migrate=False)
        with other.engine.connect() as conn:  # opens the file only once the load is over
            seen["persons"] = conn.exec_driver_sql("SELECT count(*) FROM person").scalar()
        other.dispose()

    def start_reader_during_the_load():
        seen["during"] = file_gate.open_connections(db.file)
        thread = threading.Thread(target=reader)
        thread.start()
        asking.wait(30)
        seen["thread"] = thread

    writing = []
    job = Job(on_progress=lambda done, total, what: writing.append(what) if what == "Writing persons" else None)
    original = job.check

    def check():
        if writing and "thread" not in seen:  # the load's first check: persons written, not committed
            start_reader_during_the_load()
        original()

    job.check = check
    report = import_file(db, demo, job=job)
    seen["thread"].join(60)
    assert seen["during"] == 0  # nothing of this process had the file open while ADBC did
    assert seen["persons"] == report.persons > 0  # the reader saw the committed load, never a part of it
    db.dispose()
    check_file(path)


def test_the_database_works_as_before_after_a_first_load(tmp_path, demo):
    path = str(tmp_path / "r.db")
    db = Database(path)
    import_file(db, demo)
    with db.engine.connect() as conn:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
        assert other_process_writes(path) == "database is locked"
        conn.exec_driver_sql("ROLLBACK")
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    db.dispose()
    assert file_gate.open_connections(db.file) == 0


HOLDER = ("import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute('SELECT count(*) FROM person').fetchall()\n"
          "print('open', flush=True); sys.stdin.readline()\n"
          "print(c.execute('SELECT count(*) FROM person').fetchone()[0], flush=True)")


def test_a_file_another_process_has_open_is_loaded_in_wal_mode(tmp_path, demo, monkeypatch, caplog):
    """Leaving WAL needs the file to itself among all processes: with another reader on it, the load
    stays in WAL mode; the reader sees the whole load once committed."""
    caplog.set_level(logging.INFO, "reviewer.services.importing")
    path = str(tmp_path / "r.db")
    Database(path).dispose()
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, path], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        report = import_file(Database(path), demo)
        assert WRITTEN_ONCE in caplog.text
        out, _ = holder.communicate("\n", timeout=60)
    finally:
        if holder.poll() is None:
            holder.kill()
    assert int(out) == report.persons > 0
    staged = str(tmp_path / "staged.db")
    monkeypatch.setattr(first_load, "suits", lambda persons: False)
    import_file(Database(staged), demo)
    assert dump(path) == dump(staged)
    check_file(path)


def test_the_loading_thread_cannot_open_the_file_it_loads(tmp_path):
    """It would wait for itself for ever; it is told so instead."""
    path = str(tmp_path / "r.db")
    db = Database(path)
    with db.file_to_itself() as loading:
        assert loading == db.file
        with pytest.raises(RuntimeError, match="wait for itself"):
            Database(path, migrate=False).engine.connect()
    with db.engine.connect() as conn:  # and once the load is over, connections open as before
        assert conn.exec_driver_sql("SELECT count(*) FROM person").scalar() == 0
    db.dispose()


def test_a_forked_child_starts_with_a_fresh_gate(tmp_path):
    """Evaluation workers are forked, maybe while another thread holds the gate's lock: the child's own."""
    import os
    import signal

    path = str(tmp_path / "r.db")
    db = Database(path)
    holding, release = threading.Event(), threading.Event()

    def another_thread_counting():
        with file_gate._changed:
            holding.set()
            release.wait(60)

    holder = threading.Thread(target=another_thread_counting)
    with db.engine.connect():
        holder.start()
        holding.wait(60)
        pid = os.fork()
        if pid == 0:
            signal.alarm(60)  # a child stuck on the parent's lock ends instead of hanging the test
            try:
                child = Database(path, migrate=False)
                with child.engine.connect() as conn:
                    conn.exec_driver_sql("SELECT 1").scalar()
                ok = file_gate.open_connections(child.file) == 1  # its own connection, not the parent's
                child.dispose()
                os._exit(0 if ok else 1)
            except BaseException:  # noqa: BLE001 - any failure: a non-zero exit the parent sees
                os._exit(2)
        release.set()
        holder.join(60)
        _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    db.dispose()


def test_pieces_beside_a_load_run_once_each_one_at_a_time_and_come_back_in_order(tmp_path, demo):
    """first_load's pieces (store.first_load.Alongside), through a real first load: each runs once, on the thread
    beside the load and never two at once (a piece's memory is the bound), and write() gets their values in
    order, in the load's transaction (what it writes is committed with the rows)."""
    running, most, runs = [0], [0], []
    lock = threading.Lock()

    def piece(n):
        def run():
            with lock:
                running[0] += 1
                most[0] = max(most[0], running[0])
            time.sleep(0.05)  # (long enough for a second piece to overlap, were two run at once)
            with lock:
                running[0] -= 1
                runs.append((n, threading.current_thread().name))
            return n * n
        return run

    def write(cur, results):
        results = list(results)  # (each as soon as it is ready)
        cur.execute("INSERT INTO setting (key, value) VALUES ('pieces', ?)", (json.dumps(results),))
        return results

    path = str(tmp_path / "r.db")
    beside = first_load.Alongside(lambda persons, convictions: [piece(n) for n in range(6)], write)
    report = import_file(Database(path), demo, alongside=beside)
    assert report.alongside == [n * n for n in range(6)]
    assert sorted(n for n, _ in runs) == list(range(6)) and most[0] == 1
    assert {who.split("_")[0] for _, who in runs} == {"alongside-load"}
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT value FROM setting WHERE key = 'pieces'").fetchone() == (json.dumps(report.alongside),)


def test_a_load_cancelled_while_its_pieces_run_changes_nothing(tmp_path, demo, monkeypatch):
    """Cancel once the rows are written, while the loading thread waits for the pieces: the load rolls back."""
    path = str(tmp_path / "r.db")
    db = Database(path)
    before = dump(path)
    job, runs, written = Job(), [], threading.Event()
    audit = first_load.audit

    def audited(*args):  # the load's last write before it waits for the pieces
        audit(*args)
        written.set()

    monkeypatch.setattr(first_load, "audit", audited)

    def piece(n):
        def run():
            runs.append(n)
            assert written.wait(30)
            job.cancel()
        return run

    beside = first_load.Alongside(lambda persons, convictions: [piece(n) for n in range(4)], lambda cur, results: None)
    with pytest.raises(Cancelled):
        import_file(db, demo, job=job, alongside=beside)
    assert runs[0] == 0 and dump(path) == before
    check_file(path)
    db.dispose()
