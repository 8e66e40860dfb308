"""What the desktop build leaves out of pyarrow must not cost the fast import path.

installer/trim.py drops pyarrow modules Reviewer does not name; ADBC's DB-API module
imports some of them behind its own back (pyarrow.dataset, which needs _fs and _json).
Here the dropped modules are blocked in a fresh interpreter, as in the frozen app, without
a build (the opt-in tests/test_installer.py builds one and checks `reviewer about`).
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from reviewer.store import staging

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import importlib.abc, sys
sys.path.insert(0, {installer!r})
import trim
blocked = tuple(trim._pyarrow_excluded())

class LeftOut(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if any(name == b or name.startswith(b + ".") for b in blocked):
            raise ImportError("left out of the build: " + name)
        return None

sys.meta_path.insert(0, LeftOut())
from reviewer.store import staging
print(staging.available())
"""


@pytest.mark.skipif(not staging.available(), reason="adbc-driver-sqlite is not installed")
def test_trimmed_pyarrow_keeps_the_adbc_import_path():
    done = subprocess.run([sys.executable, "-c", PROBE.format(installer=str(ROOT / "installer"))],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "True"
