"""The demo database: fabricated DOJ records, imported and evaluated, ready to review.

Built in a scratch file beside the target and moved into place only when complete, so a
cancelled or failed build never leaves a half-made database behind.
"""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from reviewer.services.jobs import NO_JOB, Job

DEMO_ROWS = 20_000
DEMO_COUNTY = "LOS ANGELES"
DEMO_POLICY = "los-angeles-pilot-2019"
DEMO_AS_OF = date(2020, 1, 31)  # fixed, so the demo reads the same on every machine
DEMO_FILE_NAME = "demo.db"


@dataclass(frozen=True)
class DemoReport:
    path: Path
    convictions: int
    flagged: int


def _stage(job: Job, start: int, end: int, label: str) -> Job:
    """A Job for one stage: its progress maps into [start, end] of 100, and it shares the cancel flag."""

    def report(done: int, total: int, _what: str = "") -> None:
        share = min(done, total) / total if total > 0 else 0.0  # total 0: the stage cannot say how far it is
        job.progress(start + int((end - start) * share), 100, label)

    return replace(job, on_progress=report)


def build_demo_database(path: str | Path, rows: int = DEMO_ROWS, job: Job = NO_JOB, seed: int = 0) -> DemoReport:
    """Write a synthetic research file, import it, evaluate it under the Los Angeles pilot policy."""
    from reviewer.ingest.synthetic import write_demo_file
    from reviewer.services.evaluating import resolve_policy
    from reviewer.services.one_pass import import_and_evaluate
    from reviewer.store.database import Database

    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = target.with_name(target.name + ".building")
    _remove(scratch)
    try:
        with tempfile.TemporaryDirectory(prefix="reviewer-demo-") as folder:
            job.progress(0, 100, "Writing demo records (fabricated people)")
            source = Path(folder) / "demo-research-file.csv"
            write_demo_file(source, rows, DEMO_COUNTY, seed=seed)
            job.check()
            db = Database(scratch)
            try:
                # (a new file: evaluated alongside the load, as `reviewer import FILE --county ...` does)
                report, evaluation = import_and_evaluate(db, source, DEMO_COUNTY, DEMO_AS_OF,
                                                         resolve_policy(DEMO_POLICY), user="demo",
                                                         job=_stage(job, 10, 95, "Importing and evaluating"))
                with db.engine.connect() as conn:  # fold the write-ahead log in before the file moves
                    conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                db.dispose()
        job.check()
        os.replace(scratch, target)
    finally:
        _remove(scratch)
    job.progress(100, 100, "Done")
    return DemoReport(target, report.convictions, evaluation.flagged)


def _remove(path: Path) -> None:
    for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            p.unlink()
        except FileNotFoundError:
            pass
