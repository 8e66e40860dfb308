"""Print jobs whose process was killed: marked interrupted at the next start, partial files removed.

A batch records each chunk of cases as printed once their PDFs are complete, and writes the
combined PDF and the bulk motion at the end. A batch killed in between leaves cases marked
printed that are in no combined PDF nor bulk motion: once its job is marked `interrupted`
(store.printing.REPRINT_AFTER) those cases count as not printed, so the next batch prints every
one of them again, in its combined PDF and bulk motion.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from reviewer import scratch
from reviewer.store import printing as q
from reviewer.store.audit import AuditLog
from reviewer.store.database import Database

LEGACY_RUNNING_FOR = timedelta(hours=6)  # a job from before owners were recorded: presumed dead after this


def _gone(job, now: datetime) -> bool:
    owner = scratch.owner_from_text(job.owner)
    if owner is None:
        return job.started_at < now - LEGACY_RUNNING_FOR
    return not scratch.is_alive(owner)


def recover_interrupted_jobs(db: Database, now: datetime | None = None) -> list[int]:
    """Mark `running` jobs whose process is gone as interrupted (audited); delete their partial files."""
    now = now or datetime.now()
    folders = []
    with db.session() as session:
        gone = [job for job in q.running_jobs(session) if _gone(job, now)]
        for job in gone:
            q.finish_job(session, job.id, "interrupted")
            folders.append(Path(job.out_dir))
            AuditLog(session).record("system", "print.interrupted", "print_job", job.id, after={
                "status": "interrupted", "cases_printed": job.cases_printed, "cases_total": job.cases_total})
        ids = [job.id for job in gone]
    for folder in folders:
        for part_folder in (folder, folder / "cases"):
            scratch.remove_partial_files(part_folder)
    return ids
