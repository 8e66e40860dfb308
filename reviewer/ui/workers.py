"""Long jobs off the UI thread: a QRunnable that opens its own database, reports progress, can be cancelled.

Signals cross back to the main thread (queued), where widgets are touched. A job is a
services function `fn(db, job, *args)`; its errors arrive as a message, never a traceback.
"""
from __future__ import annotations

import logging
import traceback
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from reviewer.services.jobs import Cancelled, Job
from reviewer.services.queue import DatabaseError, DecisionRefused, FileRejected, open_database

log = logging.getLogger(__name__)

# Errors whose message is written for the user.
USER_ERRORS = (FileRejected, DatabaseError, DecisionRefused, OSError, ValueError)


class JobSignals(QObject):
    progress = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(str)
    cancelled = Signal()


class JobRunnable(QRunnable):
    def __init__(self, url: str, fn: Callable[..., Any], args: tuple, job: Job, signals: JobSignals) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._url, self._fn, self._args, self._job, self._signals = url, fn, args, job, signals

    def run(self) -> None:
        signals = self._signals
        try:
            db = open_database(self._url, migrate=False) if self._url else None
            try:
                result = self._fn(db, self._job, *self._args)
            finally:
                if db is not None:
                    db.dispose()
        except Cancelled:
            signals.cancelled.emit()
        except USER_ERRORS as exc:
            signals.failed.emit(str(exc) or type(exc).__name__)
        except Exception as exc:  # noqa: BLE001 - the last line of defence for a worker thread
            # The type and where, never the message (it may quote a person's record).
            log.error("job failed: %s\n%s", type(exc).__name__, "".join(traceback.format_tb(exc.__traceback__)))
            signals.failed.emit(
                f"The job stopped on an unexpected error ({type(exc).__name__}); nothing from it was saved.")
        else:
            signals.finished.emit(result)


class JobRunner(QObject):
    """Runs one job at a time on its own thread pool."""

    progress = Signal(int, int, str)
    finished = Signal(str, object)  # job title, result
    failed = Signal(str, str)  # job title, message
    cancelled = Signal(str)
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._job: Job | None = None
        self._title = ""
        self._signals: JobSignals | None = None

    @property
    def busy(self) -> bool:
        return self._job is not None

    @property
    def title(self) -> str:
        return self._title

    def start(self, title: str, url: str, fn: Callable[..., Any], *args: Any) -> bool:
        if self.busy:
            return False
        signals = JobSignals(self)
        job = Job(on_progress=signals.progress.emit)
        signals.progress.connect(self.progress)
        signals.finished.connect(lambda result: self._done(self.finished.emit, result))
        signals.failed.connect(lambda message: self._done(self.failed.emit, message))
        signals.cancelled.connect(lambda: self._done(self.cancelled.emit))
        self._job, self._title, self._signals = job, title, signals
        self.busy_changed.emit(True)
        self._pool.start(JobRunnable(url, fn, args, job, signals))
        return True

    def cancel(self) -> None:
        if self._job is not None:
            self._job.cancel()

    def _done(self, emit, *payload) -> None:
        title = self._title
        signals = self._signals
        self._job, self._title, self._signals = None, "", None
        self.busy_changed.emit(False)
        emit(title, *payload)
        if signals is not None:
            signals.deleteLater()

    def wait(self, msecs: int = -1) -> bool:
        """Block until the running job ends (used when the window closes, after cancel())."""
        return self._pool.waitForDone(msecs)
