"""Progress reporting and cancellation for long jobs, shared by the CLI and the UI workers."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Callable


class Cancelled(Exception):
    """The user cancelled; the job's transaction is rolled back."""


@dataclass
class Job:
    """Handed to a long service call: it reports progress and checks for cancellation."""

    on_progress: Callable[[int, int, str], None] | None = None
    _cancel: threading.Event = field(default_factory=threading.Event)

    def progress(self, done: int, total: int, what: str = "") -> None:
        if self.on_progress is not None:
            self.on_progress(done, total, what)

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        if self._cancel.is_set():
            raise Cancelled()


NO_JOB = Job()
