"""Personal data at rest is readable by the user only: database, WAL, exports, PDFs, the data folder
(0600 files, 0700 folders on POSIX), whatever the umask the user runs Reviewer with."""
from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from reviewer.store.database import Database
from tests.printing_fixtures import copy_db, synthetic_template  # noqa: F401 - fixture

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX permissions (Windows: the profile's ACL)")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def reviewer(*args: str, cwd: Path) -> None:
    # a permissive umask, as a careless login might have: Reviewer must not depend on it
    code = "import os, sys; os.umask(0o022); from reviewer.cli import main; sys.exit(main(sys.argv[1:]))"
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=cwd, timeout=600,
                          env={**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(cwd)})
    assert done.returncode == 0, done.stderr


def test_a_new_database_and_its_wal_are_private(tmp_path):
    old = os.umask(0o022)
    try:
        db = Database(tmp_path / "r.db")
        with db.engine.connect() as conn:  # an open connection keeps the WAL and shared-memory files
            conn.execute(text("CREATE TABLE IF NOT EXISTS t (x)"))
            conn.commit()
            for name in ("r.db", "r.db-wal", "r.db-shm"):
                assert mode(tmp_path / name) == 0o600, name
        db.dispose()
    finally:
        os.umask(old)


def test_cli_outputs_are_private(synthetic_template, tmp_path, gogen_dir):  # noqa: F811
    db = copy_db(synthetic_template, tmp_path)
    path = db.url.removeprefix("sqlite:///")
    db.dispose()
    reviewer("import", str(gogen_dir / "no_headers.csv"), "--db", str(tmp_path / "new.db"), cwd=tmp_path)
    reviewer("export", "results", "--db", path, "--out", str(tmp_path / "results.csv"), cwd=tmp_path)
    reviewer("export", "register", "--db", path, "--out", str(tmp_path / "register.xlsx"), cwd=tmp_path)
    reviewer("summary", "--db", path, "--pdf", str(tmp_path / "summary.pdf"), cwd=tmp_path)
    reviewer("print", "--db", path, "--out", str(tmp_path / "out"), "--workers", "0", cwd=tmp_path)
    for name in ("new.db", "results.csv", "register.xlsx", "summary.pdf"):
        assert mode(tmp_path / name) == 0o600, name
    out = tmp_path / "out"
    pdfs = list(out.rglob("*.pdf"))
    assert len(pdfs) > 10 and all(mode(p) == 0o600 for p in pdfs)
    assert mode(out) == 0o700 and mode(out / "cases") == 0o700


def test_exports_over_an_existing_readable_file_are_made_private(synthetic_template, tmp_path):  # noqa: F811
    db = copy_db(synthetic_template, tmp_path)
    path = db.url.removeprefix("sqlite:///")
    db.dispose()
    gogen = tmp_path / "gogen"
    gogen.mkdir()
    there = [tmp_path / "results.csv", tmp_path / "whatif.csv", gogen / "All_Results_1.csv", gogen / "gogen.json"]
    for file in there:
        file.write_text("an older export, readable by everyone")
        file.chmod(0o644)
    reviewer("export", "results", "--db", path, "--out", str(there[0]), cwd=tmp_path)
    reviewer("whatif", "--db", path, "--policy", "statute-alone", "--csv", str(there[1]), cwd=tmp_path)
    reviewer("export", "gogen", "--db", path, "--out", str(gogen), cwd=tmp_path)
    for file in there:
        assert mode(file) == 0o600, file.name
        assert "an older export" not in file.read_text(encoding="utf-8")


def test_the_user_data_folder_is_private(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    from reviewer.ui.settings import data_folder

    folder = data_folder()
    assert folder.is_relative_to(tmp_path) and mode(folder) == 0o700
