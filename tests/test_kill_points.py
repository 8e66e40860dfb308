"""kill -9 at the worst moments of import, evaluate, accept and print (subprocesses, as users run them).

After each kill: nothing half-written in the database, worker processes gone with their parent, and
at the next start no scratch stage, preview or partial file with personal data is left; the cases of
a killed print batch are all printed by the next batch, in its combined PDF and bulk motion.
The waits below wait for a state (a file written at the kill point, a process gone), bounded so a
broken build fails instead of hanging; no result depends on how long anything takes.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import psutil
import pypdf
import pytest
from sqlalchemy import func, select

from reviewer import scratch
from reviewer.ingest.synthetic import write_demo_file
from reviewer.services.evaluating import evaluate
from reviewer.services.importing import import_file
from reviewer.store import models as m
from reviewer.store.audit import verify_chain
from reviewer.store.database import Database
from tests.printing_fixtures import copy_db, synthetic_template  # noqa: F401 - fixture

ROOT = Path(__file__).resolve().parents[1]
BOUND_S = 120


@pytest.fixture
def private_tmp(tmp_path) -> Path:
    folder = tmp_path / "tmp"
    folder.mkdir()
    return folder


def env_for(tmp: Path) -> dict:
    return {**os.environ, "TMPDIR": str(tmp), "PYTHONPATH": str(ROOT)}


def start(point: str, tmp: Path, *args: str) -> tuple[subprocess.Popen, Path]:
    ready = tmp.parent / f"ready-{point}"
    ready.mkdir()
    proc = subprocess.Popen([sys.executable, "-m", "tests.kill_points", point, str(ready), "--", *args],
                            env=env_for(tmp), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return proc, ready


def wait_ready(proc: subprocess.Popen, ready: Path, count: int = 1) -> list[int]:
    """Pids that reached the kill point (the command itself, or its workers)."""
    deadline = time.monotonic() + BOUND_S
    while time.monotonic() < deadline:
        found = sorted(ready.iterdir())
        if len(found) >= count:
            return [int(p.name.rsplit("-", 1)[1]) for p in found]
        assert proc.poll() is None, f"ended before the kill point: {proc.stderr.read().decode()}"
        time.sleep(0.05)
    proc.kill()
    raise AssertionError("the kill point was not reached")


def kill(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stderr.close()


def reviewer(tmp: Path, *args: str) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "reviewer", *args], env=env_for(tmp), cwd=ROOT, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return done


def scratch_folders(tmp: Path) -> list[Path]:
    return sorted(p for p in tmp.iterdir() if p.name.startswith("reviewer-"))


def assert_gone(pids: list[int]) -> None:
    procs = []
    for pid in pids:
        try:
            procs.append(psutil.Process(pid))
        except psutil.NoSuchProcess:
            continue
    _, alive = psutil.wait_procs(procs, timeout=BOUND_S)
    assert not alive, f"worker processes outlived their killed parent: {alive}"


def count(db: Database, model) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(model))


@pytest.fixture
def demo_file(tmp_path) -> Path:
    path = tmp_path / "doj.csv"
    write_demo_file(path, rows=3000, county="SACRAMENTO", seed=4)
    return path


def test_killed_import_leaves_nothing(tmp_path, private_tmp, demo_file, gogen_dir):
    db_path = str(tmp_path / "r.db")
    reviewer(private_tmp, "import", str(gogen_dir / "no_headers.csv"), "--db", db_path)  # not a first load
    proc, ready = start("import-staged", private_tmp, "import", str(demo_file), "--db", db_path)
    wait_ready(proc, ready)
    (stage,) = scratch_folders(private_tmp)
    assert (stage / "stage.sqlite").stat().st_size > 0  # the rows, names and birth dates, are there now
    kill(proc)
    assert scratch_folders(private_tmp) == [stage]  # a killed process cannot clean up after itself
    db = Database(db_path)
    assert count(db, m.ImportBatch) == 1 and count(db, m.Person) == 11
    db.dispose()
    reviewer(private_tmp, "about")  # the next start of any command
    assert scratch_folders(private_tmp) == []
    done = reviewer(private_tmp, "import", str(demo_file), "--db", db_path)
    assert "(0 new)" not in done.stdout and "already imported" not in done.stdout


def test_killed_first_load_leaves_the_database_as_it_was(tmp_path, private_tmp, demo_file):
    import sqlite3

    db_path = str(tmp_path / "r.db")
    Database(db_path).dispose()
    conn = sqlite3.connect(db_path)
    schema = conn.execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall()
    conn.close()
    proc, ready = start("import-first-load", private_tmp, "import", str(demo_file), "--db", db_path)
    wait_ready(proc, ready)
    assert (tmp_path / "r.db-journal").exists()  # every row is in the file now, the journal can undo it
    kill(proc)
    db = Database(db_path)  # the next open rolls the hot journal back
    assert (count(db, m.ImportBatch), count(db, m.Person), count(db, m.Conviction), count(db, m.AuditEntry)) == (0,) * 4
    db.dispose()
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall() == schema  # indexes back
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    conn.close()
    assert scratch_folders(private_tmp) == []  # a first load makes no scratch file
    done = reviewer(private_tmp, "import", str(demo_file), "--db", db_path)
    assert "(0 new)" not in done.stdout and "already imported" not in done.stdout
    db = Database(db_path)
    with db.session() as s:
        assert verify_chain(s) is None
    db.dispose()


def test_killed_one_pass_leaves_the_database_as_it_was(tmp_path, private_tmp, demo_file):
    db_path = str(tmp_path / "r.db")
    Database(db_path).dispose()
    one_pass = ("import", str(demo_file), "--db", db_path, "--county", "Sacramento", "--as-of", "2019-11-11")
    proc, ready = start("import-one-pass", private_tmp, *one_pass)
    wait_ready(proc, ready)  # the rows and the evaluation written in the load's transaction
    kill(proc)
    db = Database(db_path)
    assert (count(db, m.ImportBatch), count(db, m.Conviction), count(db, m.EvaluationRun), count(db, m.Evaluation),
            count(db, m.Review), count(db, m.SharedReason), count(db, m.AuditEntry)) == (0,) * 7
    db.dispose()
    done = reviewer(private_tmp, *one_pass)
    assert done.stdout.splitlines()[-1].startswith("Evaluated ")
    db = Database(db_path)
    assert count(db, m.EvaluationRun) == 1 and count(db, m.Evaluation) == count(db, m.Review) > 0
    with db.session() as s:
        assert verify_chain(s) is None
    db.dispose()


@pytest.fixture
def imported(tmp_path, demo_file) -> str:
    path = str(tmp_path / "r.db")
    db = Database(path)
    import_file(db, demo_file)
    db.dispose()
    return path


def test_a_killed_evaluate_leaves_nothing(imported, private_tmp):
    args = ("evaluate", "--db", imported, "--county", "SACRAMENTO", "--as-of", "2020-01-01")
    db = Database(imported)
    for workers in ("1", "2"):  # killed with rows written in its transaction: none stays
        proc, ready = start("evaluate-writing", private_tmp, *args, "--workers", workers)
        wait_ready(proc, ready)
        kill(proc)
        shutil.rmtree(ready)
        assert count(db, m.Evaluation) == 0 and count(db, m.EvaluationRun) == 0
    reviewer(private_tmp, *args, "--workers", "1")
    assert scratch_folders(private_tmp) == [] and count(db, m.Evaluation) > 0
    db.dispose()


def test_killed_accept_leaves_no_half_decision(imported, private_tmp):
    db = Database(imported)
    evaluate(db, "SACRAMENTO", date(2020, 1, 1), None)
    proc, ready = start("accept-mid", private_tmp, "accept", "--db", imported, "--user", "A. Deputy")
    wait_ready(proc, ready)
    kill(proc)
    assert count(db, m.Decision) == 0
    with db.session() as s:
        assert verify_chain(s) is None
        assert s.scalar(select(func.count()).where(m.Review.status != "pending")) == 0
    done = reviewer(private_tmp, "accept", "--db", imported, "--user", "A. Deputy")
    assert count(db, m.Decision) == int(done.stdout.split()[1]) > 0
    assert scratch_folders(private_tmp) == []
    db.dispose()


def part_files(out: Path) -> list[Path]:
    return [p for p in out.rglob("*.part")]


def test_killed_print_is_marked_and_printed_again_whole(synthetic_template, tmp_path, private_tmp):  # noqa: F811
    db = copy_db(synthetic_template, tmp_path)
    path = db.url.removeprefix("sqlite:///")
    out = tmp_path / "out"
    proc, ready = start("print-second-chunk", private_tmp, "print", "--db", path, "--out", str(out), "--workers", "2")
    wait_ready(proc, ready)
    workers = [c.pid for c in psutil.Process(proc.pid).children(recursive=True)]
    assert workers
    kill(proc)
    assert_gone(workers)
    # (The combined file is written when the batch closes it, through a .part name: a kill may leave one or none.)
    with db.session() as s:
        first = s.get(m.PrintJob, 1)
        assert first.status == "running"
        killed_cases = {(r.person_id, r.case_key) for r in s.scalars(select(m.PrintedCase).where(m.PrintedCase.job_id == 1))}
    assert killed_cases

    reviewer(private_tmp, "print", "--db", path, "--out", str(out), "--workers", "2")  # the next start
    assert part_files(out) == [] and scratch_folders(private_tmp) == []
    with db.session() as s:
        assert s.get(m.PrintJob, 1).status == "interrupted"
        second = s.get(m.PrintJob, 2)
        assert second.status == "completed"
        rows = list(s.scalars(select(m.PrintedCase).where(m.PrintedCase.job_id == 2)))
        assert s.scalar(select(func.count()).where(m.AuditEntry.action == "print.interrupted")) == 1
    assert killed_cases <= {(r.person_id, r.case_key) for r in rows}
    assert len(pypdf.PdfReader(second.combined_path).pages) == sum(r.pages for r in rows)
    # The office's filing style decides whether a bulk motion is written; the combined file holds every paper.
    combined = "".join(page.extract_text() for page in pypdf.PdfReader(second.combined_path).pages)
    with db.session() as s:
        names = {s.get(m.Person, pid).name.split(",")[0] for pid, _ in killed_cases}
    assert all(name in combined for name in names)
    db.dispose()


def test_a_killed_preview_folder_goes_at_the_next_start(private_tmp):
    code = ("from reviewer.services.cleanup import preview_folder; import sys, time; f = preview_folder(); "
            "(f / 'preview-1-101001.pdf').write_bytes(b'%PDF- a name'); print(f, flush=True); time.sleep(3600)")
    proc = subprocess.Popen([sys.executable, "-c", code], env=env_for(private_tmp), cwd=ROOT, stdout=subprocess.PIPE,
                            text=True)
    folder = Path(proc.stdout.readline().strip())
    assert folder.exists() and oct(folder.stat().st_mode & 0o777) == "0o700"
    assert scratch.sweep(private_tmp) == []  # its owner is alive: kept
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stdout.close()
    assert folder.exists()
    reviewer(private_tmp, "about")
    assert not folder.exists()


def _sigterm_is_default() -> bool:
    return signal.getsignal(signal.SIGTERM) == signal.SIG_DFL


def test_forked_workers_do_not_inherit_the_commands_sigterm_handler():
    """The CLI turns SIGTERM into Ctrl+C; a forked worker must not, or Pool.terminate() (run on every
    `with Pool()` exit) can leave a worker blocked on the task queue's lock and the command hung."""
    import multiprocessing

    from reviewer.services.worker_lifetime import start_worker

    previous = signal.signal(signal.SIGTERM, lambda *_: None)
    try:
        with multiprocessing.get_context("fork").Pool(2, initializer=start_worker, initargs=(os.getpid(),)) as pool:
            assert all(pool.map(_sigterm_is_default_task, range(4)))
    finally:
        signal.signal(signal.SIGTERM, previous)


def _sigterm_is_default_task(_index: int) -> bool:
    return _sigterm_is_default()
