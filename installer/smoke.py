"""Smoke test of a built bundle, run the way an office runs it: no Python, no virtual environment.

    python installer/smoke.py [EXECUTABLE]        # or: python installer/build.py --smoke

Runs the CLI on a fresh database (demo-data, import, evaluate, export results, accept, print,
then the Excel register and the summary), then starts the GUI offscreen and checks it is still running after a few seconds.
tests/test_installer.py runs the same steps under pytest. A step whose command this build
does not have yet (it is not in `reviewer --help`) is skipped, not failed.
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import buildinfo

DB = "x.db"
GUI_ARGS = ["gui", "--db", DB, "--user", "T", "--role", "attorney"]
GUI_SECONDS = 5.0


def _version_printed(workdir: Path, out: str) -> str | None:
    expected = f"reviewer {buildinfo.read_version()}"
    return None if out.strip() == expected else f"printed {out.strip()!r}, expected {expected!r}"


def _file_with_rows(name: str) -> Callable[[Path, str], str | None]:
    def check(workdir: Path, _out: str) -> str | None:
        path = workdir / name
        if not path.is_file():
            return f"{name} was not written"
        with path.open(encoding="utf-8", errors="replace") as f:
            lines = sum(1 for _ in zip(range(2), f))
        return None if lines >= 2 else f"{name} has no data rows"
    return check


def _file_written(name: str) -> Callable[[Path, str], str | None]:
    def check(workdir: Path, _out: str) -> str | None:
        path = workdir / name
        return None if path.is_file() and path.stat().st_size > 0 else f"{name} was not written"
    return check


def _pdfs_written(workdir: Path, _out: str) -> str | None:
    pdfs = list((workdir / "pdfs").rglob("*.pdf"))
    return None if pdfs else "no PDF was written under pdfs/"


@dataclass(frozen=True)
class Step:
    name: str
    args: list[str]
    check: Callable[[Path, str], str | None] | None = None

    @property
    def command(self) -> str | None:
        """The subcommand this step needs, or None for top-level options."""
        return None if self.args[0].startswith("-") else self.args[0]


def _bulk_import_on(workdir: Path, out: str) -> str | None:
    """The frozen app must keep the fast import path (ADBC's library and files are easy to leave out)."""
    return None if "bulk import: ADBC driver" in out else f"bulk import path missing: {out.strip()!r}"


STEPS = [
    Step("version", ["--version"], _version_printed),
    Step("about", ["about"], _bulk_import_on),
    Step("demo-data", ["demo-data", "--rows", "2000", "--county", "LOS ANGELES", "--out", "demo.csv"],
         _file_with_rows("demo.csv")),
    Step("import", ["import", "demo.csv", "--db", DB]),
    Step("evaluate", ["evaluate", "--db", DB, "--county", "LOS ANGELES", "--as-of", "2019-11-11",
                      "--policy", "los-angeles-pilot-2019"]),
    Step("export results", ["export", "results", "--db", DB, "--out", "r.csv"], _file_with_rows("r.csv")),
    Step("accept", ["accept", "--db", DB, "--user", "Test Attorney"]),
    Step("print", ["print", "--db", DB, "--out", "pdfs"], _pdfs_written),
    # Beyond the core flow: the Excel register (openpyxl) and the summary PDF.
    Step("export register", ["export", "register", "--db", DB, "--out", "register.xlsx"],
         _file_written("register.xlsx")),
    Step("summary", ["summary", "--db", DB, "--pdf", "summary.pdf"], _file_written("summary.pdf")),
]


def clean_env(home: Path) -> dict[str, str]:
    """The environment of a desktop with no Python: no virtual environment, no PYTHON*
    variables, no venv on PATH, a fresh home (Qt settings), Qt offscreen."""
    venvs = {Path(sys.prefix).resolve()} if sys.prefix != sys.base_prefix else set()
    if os.environ.get("VIRTUAL_ENV"):
        venvs.add(Path(os.environ["VIRTUAL_ENV"]).resolve())
    dropped = {"VIRTUAL_ENV", "CONDA_PREFIX", "LD_LIBRARY_PATH", "DYLD_LIBRARY_PATH", "QT_PLUGIN_PATH",
               "QT_QPA_PLATFORM_PLUGIN_PATH"}
    env = {k: v for k, v in os.environ.items() if k not in dropped and not k.startswith("PYTHON")}
    env["PATH"] = os.pathsep.join(
        p for p in os.environ.get("PATH", "").split(os.pathsep)
        if p and not any(Path(p).resolve().is_relative_to(v) for v in venvs)
    )
    home.mkdir(parents=True, exist_ok=True)
    env.update(HOME=str(home), USERPROFILE=str(home), APPDATA=str(home / "AppData"),
               XDG_CONFIG_HOME=str(home / ".config"), XDG_DATA_HOME=str(home / ".local" / "share"),
               QT_QPA_PLATFORM="offscreen")
    return env


def run(exe: Path, args: list[str], workdir: Path, env: dict[str, str], timeout: float = 900):
    return subprocess.run([str(exe), *args], cwd=workdir, env=env, capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)


def available_commands(exe: Path, workdir: Path, env: dict[str, str]) -> set[str]:
    """Subcommands listed by `reviewer --help`."""
    result = run(exe, ["--help"], workdir, env, timeout=120)
    if result.returncode != 0:
        raise RuntimeError(f"reviewer --help exited {result.returncode}: {result.stderr.strip()}")
    listed = re.findall(r"^ {2,6}([a-z][\w-]*)(?:\s|$)", result.stdout, flags=re.MULTILINE)
    return set(listed) - {"h"}


def run_step(step: Step, exe: Path, workdir: Path, env: dict[str, str]) -> str | None:
    """None when the step passed, otherwise what went wrong."""
    result = run(exe, step.args, workdir, env)
    if result.returncode != 0:
        tail = (result.stderr.strip() or result.stdout.strip())[-2000:]
        return f"`reviewer {' '.join(step.args)}` exited {result.returncode}: {tail}"
    return step.check(workdir, result.stdout) if step.check else None


def gui_keeps_running(exe: Path, workdir: Path, env: dict[str, str], seconds: float = GUI_SECONDS) -> str | None:
    """Start the GUI offscreen; None when it is still running after `seconds` (then stop it)."""
    log = workdir / "gui-stderr.txt"
    with log.open("w") as err:
        proc = subprocess.Popen([str(exe), *GUI_ARGS], cwd=workdir, env=env, stdout=subprocess.DEVNULL,
                                stderr=err, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.2)
        code = proc.poll()
        if code is None:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            return None
    return f"the GUI exited with {code} within {seconds:.0f} s: {log.read_text(errors='replace')[-2000:]}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("exe", nargs="?", type=Path, default=buildinfo.executable())
    args = parser.parse_args(argv)
    if not args.exe.exists():
        print(f"no build at {args.exe}: run python installer/build.py first", file=sys.stderr)
        return 2
    failed = 0
    with tempfile.TemporaryDirectory(prefix="reviewer-smoke-") as tmp:
        workdir = Path(tmp)
        env = clean_env(workdir / "home")
        commands = available_commands(args.exe, workdir, env)
        for step in [*STEPS, Step("gui", GUI_ARGS)]:
            if step.command and step.command not in commands:
                print(f"SKIP  {step.name}: `{step.command}` is not in this build's --help yet")
                continue
            started = time.monotonic()
            problem = (gui_keeps_running(args.exe, workdir, env) if step.name == "gui"
                       else run_step(step, args.exe, workdir, env))
            failed += problem is not None
            status = "FAIL" if problem else "ok  "
            print(f"{status}  {step.name} ({time.monotonic() - started:.1f} s){': ' + problem if problem else ''}")
    print("smoke test " + ("FAILED" if failed else "passed"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
