"""`reviewer forget-sources` erases: the kept copies' bytes are gone from the database's files afterwards
(SQLite: secure_delete and VACUUM, the WAL emptied; PostgreSQL: VACUUM FULL rewrites the table)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from reviewer.services.importing import import_file
from reviewer.store.database import Database

ROOT = Path(__file__).resolve().parents[1]


def forget(db_arg: str, tmp: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "reviewer", "forget-sources", "--db", db_arg, "--user", "tester"],
                          capture_output=True, text=True, cwd=ROOT, timeout=300, env={**os.environ, "TMPDIR": str(tmp)})
    assert done.returncode == 0, done.stderr
    assert "deleted the kept copy of 1 imported file(s)" in done.stdout


def kept_pieces(db: Database) -> list[bytes]:
    """Slices of the stored (compressed) copy, to look for in the files afterwards."""
    with db.engine.connect() as conn:
        data = b"".join(r[0] for r in conn.execute(sa.text("SELECT data FROM import_source ORDER BY part")))
    assert len(data) > 600
    return [data[i : i + 48] for i in range(0, len(data) - 48, len(data) // 8)]


def file_bytes(db_path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in db_path.parent.glob(db_path.name + "*"))


def test_forgotten_copies_leave_no_byte_in_the_sqlite_files(tmp_path, gogen_dir):
    path = tmp_path / "r.db"
    db = Database(path)
    import_file(db, gogen_dir / "no_headers.csv")
    pieces = kept_pieces(db)
    db.dispose()
    assert all(piece in file_bytes(path) for piece in pieces)  # the copy is in the file, as imported
    forget(str(path), tmp_path)
    data = file_bytes(path)
    assert not any(piece in data for piece in pieces)
    db = Database(path)
    with db.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM import_source")).scalar() == 0
        assert conn.execute(sa.text("SELECT count(*) FROM person")).scalar() == 11  # only the copies went
    db.dispose()


def test_forget_rewrites_the_table_on_postgresql(db_url, tmp_path, gogen_dir):
    if "://" not in db_url:
        return  # the SQLite case is the test above, reading the file's bytes
    db = Database(db_url)
    import_file(db, gogen_dir / "no_headers.csv")
    node = "SELECT pg_relation_filenode('import_source')"
    with db.engine.connect() as conn:
        before = conn.execute(sa.text(node)).scalar()
    forget(db_url, tmp_path)
    with db.engine.connect() as conn:
        assert conn.execute(sa.text(node)).scalar() != before  # VACUUM FULL wrote the table anew
        assert conn.execute(sa.text("SELECT count(*) FROM import_source")).scalar() == 0
    db.dispose()


def test_erased_where_sqlite_does_not_zero_deleted_pages_by_default(tmp_path, gogen_dir):
    """Python's SQLite on Windows and macOS is built without SECURE_DELETE (Debian's has it on): with it
    off on every connection, the bytes must still be gone."""
    from sqlalchemy import event

    from reviewer.services.gogen_export import forget_kept_files

    path = tmp_path / "r.db"
    db = Database(path)
    event.listen(db.engine, "connect", lambda conn, _: conn.execute("PRAGMA secure_delete = OFF"))
    db.engine.dispose()  # connections from now on start with it off
    import_file(db, gogen_dir / "no_headers.csv")
    pieces = kept_pieces(db)
    assert forget_kept_files(db, user="tester") == 1
    db.dispose()
    data = file_bytes(path)
    assert not any(piece in data for piece in pieces)
