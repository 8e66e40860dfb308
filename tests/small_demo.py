"""The CLI as a subprocess, and a small demo database made by it (for tests of what a command refuses)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ENV = {**os.environ, "PYTHONIOENCODING": "utf-8"}


def cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reviewer", *map(str, args)], capture_output=True, text=True,
                          env=ENV)


def small_demo(folder: Path, *evaluate: str) -> tuple[Path, Path]:
    """(DOJ file, database) of 60 demo rows of Sacramento, imported; `evaluate`: e.g. --county, --as-of."""
    doj, db = folder / "doj.csv", folder / "r.db"
    assert cli("demo-data", "--rows", "60", "--county", "SACRAMENTO", "--out", doj).returncode == 0
    done = cli("import", doj, "--db", db, *evaluate)
    assert done.returncode == 0, done.stderr
    return doj, db
