"""The desktop build: build the PyInstaller bundle (or reuse a fresh one) and run it the way an
office does, with no Python around.

    REVIEWER_BUILD_INSTALLER=1 python -m pytest tests/test_installer.py

Slow (a build takes a minute or more), so it runs only with REVIEWER_BUILD_INSTALLER=1 and
when PyInstaller is installed (`pip install -e '.[installer]'`). The steps are those of
installer/smoke.py; a CLI command this build does not have yet (not in `reviewer --help`)
is skipped with a message, not failed.
"""
from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "installer"))
import buildinfo  # noqa: E402
import smoke  # noqa: E402

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(os.environ.get("REVIEWER_BUILD_INSTALLER") != "1",
                       reason="builds the desktop bundle (a minute or more): set REVIEWER_BUILD_INSTALLER=1"),
    pytest.mark.skipif(importlib.util.find_spec("PyInstaller") is None,
                       reason="PyInstaller is not installed (pip install -e '.[installer]')"),
]


@pytest.fixture(scope="module")
def exe() -> Path:
    """The bundle's executable, built now unless the last build is newer than every source."""
    result = subprocess.run([sys.executable, str(ROOT / "installer" / "build.py"), "--if-stale", "--no-archive"],
                            cwd=ROOT, capture_output=True, text=True, timeout=3600)
    assert result.returncode == 0, f"build failed:\n{result.stdout[-3000:]}\n{result.stderr[-5000:]}"
    path = buildinfo.executable()
    assert path.exists(), f"the build made no {path}"
    return path


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    """One fresh folder for all steps: demo.csv, x.db, r.csv, pdfs/ (outside the project)."""
    return tmp_path_factory.mktemp("office")


@pytest.fixture(scope="module")
def env(workdir) -> dict[str, str]:
    clean = smoke.clean_env(workdir / "home")
    assert "VIRTUAL_ENV" not in clean and not any(k.startswith("PYTHON") for k in clean)
    if sys.prefix != sys.base_prefix:  # run from a virtual environment: its bin/ is off PATH
        assert str(Path(sys.executable).parent) not in clean["PATH"].split(os.pathsep)
    return clean


@pytest.fixture(scope="module")
def commands(exe, workdir, env) -> set[str]:
    return smoke.available_commands(exe, workdir, env)


def _needs(command: str | None, commands: set[str]) -> None:
    if command and command not in commands:
        pytest.skip(f"`reviewer {command}` is not in this build's --help yet")


# The steps share one database, in order: demo-data, import, evaluate, export, accept, print.
@pytest.mark.parametrize("step", smoke.STEPS, ids=[s.name for s in smoke.STEPS])
def test_cli_step(step, exe, workdir, env, commands):
    _needs(step.command, commands)
    problem = smoke.run_step(step, exe, workdir, env)
    assert problem is None, problem


def test_gui_starts_offscreen_and_keeps_running(exe, workdir, env, commands):
    _needs("gui", commands)
    problem = smoke.gui_keeps_running(exe, workdir, env)
    assert problem is None, problem
