"""Export the Excel register: the summary figures and one row per evaluated conviction."""
from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from reviewer.reports.figures import compute_figures
from reviewer.reports.register import register_values, write_register
from reviewer.services.jobs import NO_JOB, Job
from reviewer.store.database import Database
from reviewer.store.report_queries import count_current, register_rows


def export_register(db: Database, out: str | Path, job: Job = NO_JOB, generated: datetime | None = None) -> int:
    """Write the workbook (streamed, write-only); returns the number of register rows.

    The file appears only when complete: it is written next to `out` and renamed at the end."""
    out = Path(out)
    partial = out.with_name(out.name + ".part")
    with db.engine.connect() as conn:
        total = count_current(conn)
        job.progress(0, total, "Counting")
        figures = compute_figures(conn)

        def rows():
            for r in register_rows(conn):
                yield register_values(r)

        def progress(done: int) -> None:
            job.check()
            job.progress(done, total, "Writing the register")

        try:
            written = write_register(partial, figures, rows(), generated or datetime.now(), progress)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    os.replace(partial, out)
    job.progress(written, total, "Done")
    return written
