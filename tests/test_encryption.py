"""Optional encryption at rest: `reviewer encrypt` turns a SQLite database into SQLCipher with the key in
the OS keyring (a file-backed test keyring here); everything still works through the key, the file's
bytes hold no name, and without the key the answer is a clear refusal."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("sqlcipher3", reason="the optional sqlcipher3-binary wheel is not installed")
pytest.importorskip("keyring", reason="the optional keyring package is not installed")

ROOT = Path(__file__).resolve().parents[1]


def reviewer(tmp: Path, *args: str, keyring: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(tmp), "REVIEWER_TEST_KEYRING": str(tmp / "keys.json")}
    env["PYTHON_KEYRING_BACKEND"] = "tests.file_keyring.FileKeyring" if keyring else "keyring.backends.fail.Keyring"
    return subprocess.run([sys.executable, "-m", "reviewer", *args], capture_output=True, text=True, cwd=ROOT,
                          env=env, timeout=600)


def test_an_encrypted_database_works_through_its_key_only(tmp_path, gogen_dir):
    db = str(tmp_path / "r.db")
    assert reviewer(tmp_path, "import", str(gogen_dir / "no_headers.csv"), "--db", db).returncode == 0
    names = [b"CADABBY,ABBIGAIL", b"GROUCH,OSCAR THE"]  # persons in the fixture
    assert any(n in Path(db).read_bytes() for n in names)
    done = reviewer(tmp_path, "encrypt", "--db", db)
    assert done.returncode == 0, done.stderr
    data = b"".join(p.read_bytes() for p in tmp_path.glob("r.db*"))
    assert not any(n in data for n in names) and not data.startswith(b"SQLite format 3")
    assert "SQLite format 3" not in (tmp_path / "keys.json").read_text()  # (the key file of the test keyring)
    # every command works through the key: import (row path), evaluate, export
    for args in (("evaluate", "--db", db, "--county", "SAN JOAQUIN", "--as-of", "2019-11-11", "--workers", "2"),
                 ("export", "results", "--db", db, "--out", str(tmp_path / "results.csv"))):
        done = reviewer(tmp_path, *args)
        assert done.returncode == 0, done.stderr
    assert len((tmp_path / "results.csv").read_text().splitlines()) > 10
    data = b"".join(p.read_bytes() for p in tmp_path.glob("r.db*"))
    assert not any(n in data for n in names)  # nor in the WAL written since
    done = reviewer(tmp_path, "export", "results", "--db", db, "--out", str(tmp_path / "x.csv"), keyring=False)
    assert done.returncode == 2 and "encrypted" in done.stderr and "Traceback" not in done.stderr


def test_imports_into_an_encrypted_database_leave_no_plain_stage(tmp_path, gogen_dir):
    db = str(tmp_path / "r.db")
    assert reviewer(tmp_path, "encrypt", "--db", db).returncode == 0  # a new, empty database
    done = reviewer(tmp_path, "import", str(gogen_dir / "no_headers.csv"), "--db", db)
    assert done.returncode == 0, done.stderr
    assert "11 persons" in done.stdout
    assert b"CADABBY" not in b"".join(p.read_bytes() for p in tmp_path.glob("r.db*"))
