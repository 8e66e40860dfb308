"""A connection opening a file another process is loading in rollback mode waits, then switches it to WAL.

A first load switches an empty file to the rollback journal and holds its write lock (store/first_load.py).
A second import opening the same file at that moment asked for WAL and SQLite answered "database is locked"
at once (no busy wait: its read lock would deadlock the writer's commit); the import failed. Seen once in CI
(tests/test_import_same_answers.py); here the writer is held open on purpose, from another connection."""
from __future__ import annotations

import sqlite3
import threading

from sqlalchemy import text

from reviewer.store.database import Database


def test_a_connection_waits_for_a_rollback_mode_writer_then_uses_wal(tmp_path):
    path = tmp_path / "reviewer.db"
    Database(path).dispose()  # the schema, in WAL
    writer = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    assert writer.execute("PRAGMA journal_mode=DELETE").fetchone() == ("delete",)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO setting (key, value) VALUES ('loading', 'yes')")
    done = threading.Event()

    def finish():  # the load commits a moment later, as a first load does
        done.wait(0.5)
        writer.execute("COMMIT")

    finishing = threading.Thread(target=finish)
    finishing.start()
    db = Database(path, migrate=False)
    try:
        with db.engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("SELECT value FROM setting WHERE key = 'loading'")).scalar() == "yes"
    finally:
        db.dispose()
        done.set()
        finishing.join()
        writer.close()
