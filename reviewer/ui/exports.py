"""File → Export the register (Excel) and the summary (PDF): on the window's worker, with progress and Cancel."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtWidgets import QFileDialog

from reviewer.services.registering import export_register
from reviewer.services.summary import export_summary_pdf

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
    if window.jobs.busy:
        window.message.show_text(f"The export waits while “{window.jobs.title}” runs.", "warning")
        return
    path = path or _ask(window, "Export the register", f"register-{date.today()}.xlsx", "Excel workbook (*.xlsx)")
    if not path:
        return
    _when_done(window, REGISTER, lambda rows: f"Wrote the register ({rows:,} convictions, summary first) to {path}.")
    window.jobs.start(REGISTER, window.service.url, lambda db, job: export_register(db, path, job))


def export_summary_file(window, path: str | None = None) -> None:
    if window.jobs.busy:
        window.message.show_text(f"The export waits while “{window.jobs.title}” runs.", "warning")
        return
    path = path or _ask(window, "Export the summary", f"summary-{date.today()}.pdf", "PDF (*.pdf)")
    if not path:
        return
    _when_done(window, SUMMARY, lambda out: f"Wrote the one-page summary to {out}.")
    window.jobs.start(SUMMARY, window.service.url, lambda db, job: export_summary_pdf(db, path))
