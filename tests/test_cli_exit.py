"""The command line's exit (cli._skip_the_last_collections): it closes every database connection first, so
that SQLite folds its WAL journal back into the file as before, and only then freezes what is alive out of
the cycle collector; a connection still open keeps the ordinary exit; called with arguments, as a library,
the process is left as it was."""
from __future__ import annotations

import gc
import sqlite3
import subprocess
import sys

from reviewer import cli
from reviewer.ingest.synthetic import write_demo_file
from reviewer.store import database
from reviewer.store.database import Database

FROZEN = ("import gc, sys; from reviewer import cli; sys.argv = ['reviewer', *sys.argv[1:]]; status = cli.main(); "
          "print('frozen' if gc.get_freeze_count() else 'not frozen'); sys.exit(status)")


def test_a_command_closes_its_database_before_it_freezes(tmp_path):
    """As a user runs them: no journal is left beside the database, which reads back whole."""
    doj, db = tmp_path / "doj.csv", tmp_path / "r.db"
    write_demo_file(doj, 2000, "SACRAMENTO", seed=3)
    for args in (["import", str(doj), "--db", str(db)],
                 ["evaluate", "--db", str(db), "--county", "SACRAMENTO", "--as-of", "2020-01-01", "--workers", "1"]):
        done = subprocess.run([sys.executable, "-c", FROZEN, *args], capture_output=True, text=True, timeout=300,
                              check=False)
        assert done.returncode == 0, done.stderr
        assert done.stdout.splitlines()[-1] == "frozen"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["doj.csv", "r.db"]  # no r.db-wal, no r.db-shm
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("SELECT count(*) FROM evaluation").fetchone()[0] > 100


def test_a_connection_still_open_keeps_the_ordinary_exit(tmp_path):
    db = Database(tmp_path / "r.db")
    held = db.engine.connect()
    try:
        assert database.close_all() is False
    finally:
        held.close()
        db.dispose()


def test_main_called_with_arguments_freezes_nothing(tmp_path):
    before = gc.get_freeze_count()
    assert cli.main(["about"]) == 0
    assert gc.get_freeze_count() == before
