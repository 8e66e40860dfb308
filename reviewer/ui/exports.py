"""File → Export the register (Excel) and the summary (PDF): on the window's worker, with progress and Cancel."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtWidgets import QFileDialog

REGISTER, SUMMARY = "Register export", "Summary export"


def _ask(window, title: str, name: str, kind: str) -> str:
    folder = window.settings.last_import_folder() or str(Path.home())
    path, _ = QFileDialog.getSaveFileName(window, title, str(Path(folder) / name), kind)
    return path


def _when_done(window, title: str, text) -> None:
    """Say where the file went once the job with this title finishes (failures and Cancel the window says)."""
    jobs = window.jobs

    def finished(done_title: str, result) -> None:
        if done_title == title:
            window.message.show_text(text(result), "info", sticky=True)
            disconnect()

    def ended(done_title: str, *_rest) -> None:
        if done_title == title:
            disconnect()

    def disconnect() -> None:
        jobs.finished.disconnect(finished)
        jobs.failed.disconnect(ended)
        jobs.cancelled.disconnect(ended)

    jobs.finished.connect(finished)
    jobs.failed.connect(ended)
    jobs.cancelled.connect(ended)


def export_register_file(window, path: str | None = None) -> None:
    _export(window, REGISTER, path, ("Export the register", f"register-{date.today()}.xlsx", "Excel workbook (*.xlsx)"),
            lambda rows, out: f"Wrote the register ({rows:,} convictions, summary first) to {out}.",
            _register)


def export_summary_file(window, path: str | None = None) -> None:
    _export(window, SUMMARY, path, ("Export the summary", f"summary-{date.today()}.pdf", "PDF (*.pdf)"),
            lambda written, out: f"Wrote the one-page summary to {written}.",
            _summary)


# The writers (openpyxl, reportlab) load on the first export, not with the window (0.2 s of its launch).
def _register(db, job, out):
    from reviewer.services.registering import export_register

    return export_register(db, out, job)


def _summary(db, job, out):
    from reviewer.services.summary import export_summary_pdf

    return export_summary_pdf(db, out)


def _export(window, title: str, path: str | None, ask: tuple[str, str, str], done, work) -> None:
    """One export on the window's job runner: asks where (unless given), then says what was written."""
    if window.jobs.busy:
        window.message.show_text(f"The export waits while “{window.jobs.title}” runs.", "warning")
        return
    path = path or _ask(window, *ask)
    if not path:
        return
    _when_done(window, title, lambda result: done(result, path))
    window.jobs.start(title, window.service.url, lambda db, job: work(db, job, path))
