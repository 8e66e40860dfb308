"""Long work from the main window: import, re-evaluation and bulk accept, on a worker with progress and Cancel.

A mixin of MainWindow: it uses the window's service, job runner, job bar and message bar.
Decisions wait while a job writes, so the UI thread never blocks on the database.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtWidgets import QFileDialog

from reviewer.services.queue import accept_in_chunks, import_files, policy_choices, reevaluate
from reviewer.ui.dialogs import ReevaluateDialog

IMPORT_FILTER = "DOJ research files (*.csv *.dat *.txt);;All files (*)"
IMPORT, REEVALUATION, BULK_ACCEPT = "Import", "Re-evaluation", "Accept all shown"


class LongJobsMixin:
    def run_in_background(self, title: str, fn, on_done, on_failed) -> None:
        """An undo step too large for the UI thread (a bulk acceptance taken back or given again): on the worker,
        with progress in the job bar; decisions wait meanwhile. on_done(result) once the queue is read again."""
        if not self.jobs.start(title, self.service.url, fn):  # never while a job runs: Undo is off then
            self.message.show_text(f"“{title}” waits for “{self.jobs.title}” to finish.", "warning")
            on_failed()
            return
        self._step_jobs = {**getattr(self, "_step_jobs", {}), title: (on_done, on_failed)}

    def _step_finished(self, title: str, result) -> bool:
        done = getattr(self, "_step_jobs", {}).pop(title, None)
        if done is None:
            return False
        self.reload_queue()  # the states of every count it touched, read again
        undone = getattr(result, "undone", None)
        count, verb = (len(undone), "taken back") if undone is not None else (len(result.decided), "accepted again")
        self.message.show_text(f"{title}: {count:,} decisions {verb} in one step, each in the audit log.", "info")
        done[0](result)  # a stop or a count left as it is is said over this
        return True

    def _step_failed(self, title: str, message: str) -> bool:
        done = getattr(self, "_step_jobs", {}).pop(title, None)
        if done is None:
            return False
        self.reload_queue()
        done[1]()
        self.message.show_text(f"{title} did not finish: {message} The counts done before it stopped stay as they "
                               "are now; the queue shows them.", "error", sticky=True)
        return True

    def start_bulk_accept(self, ids: list[int]) -> None:
        """Accept these convictions on the worker, a committed chunk at a time (Stop keeps the chunks done)."""
        user = self.user
        self.jobs.start(BULK_ACCEPT, self.service.url, lambda db, job: accept_in_chunks(db, ids, user, job))

    def import_files(self, paths: list[str] | None = None) -> None:
        if self.jobs.busy:
            return
        if not paths:
            paths, _ = QFileDialog.getOpenFileNames(self, "Import DOJ research files",
                                                    self.settings.last_import_folder(), IMPORT_FILTER)
        if not paths:
            return
        self.settings.set_last_import_folder(str(Path(paths[0]).parent))
        user = self.user.name
        self.jobs.start(IMPORT, self.service.url, lambda db, job: import_files(db, paths, user, job))

    def reevaluate(self, values: tuple[str, date, str] | None = None) -> None:
        if self.jobs.busy:
            return
        if not values:  # from the menu or Ctrl+R, QAction.triggered passes `checked` (False): ask
            dialog = ReevaluateDialog(policy_choices(), self.service.latest_run(), date.today(), self)
            if self._exec(dialog) != ReevaluateDialog.DialogCode.Accepted:
                return
            values = dialog.values()
        county, as_of, policy = values
        user = self.user.name
        self.jobs.start(REEVALUATION, self.service.url,
                        lambda db, job: reevaluate(db, county, as_of, policy, user, job))

    def cancel_job(self) -> None:
        title = self.jobs.title
        self.jobs.cancel()
        if title == BULK_ACCEPT or title in getattr(self, "_step_jobs", {}):
            self.job_bar.set_cancelling("Stopping after the current chunk; the chunks done are kept…")
        else:
            self.job_bar.set_cancelling()

    def _busy_changed(self, busy: bool) -> None:
        if busy:
            self.job_bar.start(self.jobs.title)
        else:
            self.job_bar.stop()
        self.import_action.setEnabled(not busy)
        self.wizard_action.setEnabled(not busy)
        self.reevaluate_action.setEnabled(not busy)
        self._show_banner()
        self._update_buttons()

    def _job_finished(self, title: str, result) -> None:
        if self._step_finished(title, result):
            pass
        elif title == IMPORT:
            added = sum(r.new_convictions for r in result if r.imported)
            flagged = sum(len(r.problems) for r in result)
            lines = [r.summary() for r in result]
            tail = (" Re-evaluate (Ctrl+R) to bring new convictions into the queue." if added else "")
            more = f" {flagged} rows were flagged and go to review." if flagged else ""
            self.message.show_text("Import finished. " + " ".join(lines) + more + tail, "info", sticky=True)
        elif title == REEVALUATION:
            self.reload_queue()
            self.message.show_text(result.summary(), "info", sticky=True)
        elif title == BULK_ACCEPT:
            self.reload_queue()
            self._bulk_done()
            text = f"Accepted {result.accepted:,} convictions; each decision is in the audit log. Ctrl+Z takes them back."
            if result.skipped_count():
                text = result.summary().capitalize() + ". Ctrl+Z takes the accepted ones back."
            self.message.show_text(text, "info", sticky=bool(result.skipped_count()))
        self.refresh_dashboard()

    def _job_failed(self, title: str, message: str) -> None:
        if self._step_failed(title, message):
            return
        self.message.show_text(f"{title} did not finish: {message}", "error", sticky=True)
        if title == BULK_ACCEPT:
            self.reload_queue()
            self._bulk_done()

    def _job_cancelled(self, title: str) -> None:
        done = "Stopped; the decisions made before you stopped are kept." if title == BULK_ACCEPT else \
            "Cancelled; the database is as it was before."
        self.message.show_text(f"{title}: {done}", "info", sticky=True)
        if title == BULK_ACCEPT:
            self.reload_queue()
            self._bulk_done()
