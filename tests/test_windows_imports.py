"""Every module imports on a platform without Unix's process calls (Windows, where our users are).

CI runs on Linux; a module-level `os.register_at_fork(...)` once made every command fail at start on
Windows. This test takes the Unix-only names out of `os` (as Windows' Python lacks them) before importing
every module of the app, in a fresh interpreter."""
from __future__ import annotations

import os
import subprocess
import sys

UNIX_ONLY = ("register_at_fork", "fork", "forkpty", "wait4", "getuid", "geteuid", "getgid", "getpgid", "killpg",
             "setsid", "sched_getaffinity", "nice", "statvfs", "mkfifo", "pipe2")

CODE = f"""
import os, importlib, pkgutil
for name in {UNIX_ONLY!r}:
    if hasattr(os, name):
        delattr(os, name)
import reviewer
import reviewer.cli, reviewer.ui.app  # the entry points first, as a user's start imports them
failed = []
for module in pkgutil.walk_packages(reviewer.__path__, "reviewer."):
    if module.name in ("reviewer.__main__", "reviewer.store.migrations.env"):  # run by python -m, by Alembic
        continue
    try:
        importlib.import_module(module.name)
    except Exception as exc:  # report every module that fails, not just the first
        failed.append(f"{{module.name}}: {{type(exc).__name__}}: {{exc}}")
print("\\n".join(failed))
raise SystemExit(1 if failed else 0)
"""


def test_every_module_imports_without_unix_process_calls():
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, env=env, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
