"""One QUndoCommand per decision service call.

The decision is made (and committed) before the command is pushed, so a refused decision
never reaches the stack; the first redo() that QUndoStack.push() calls does nothing.
Undo and redo call the services again with the version they last saw (what this decision left,
what the undo left), so a colleague's decision in between gives a conflict, never an overwrite;
their refusals are reported, never raised into Qt.
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtGui import QUndoCommand

from reviewer.domain.vocabulary import Outcome
from reviewer.services.queue import DecisionRefused, DecisionResult, QueueService


class DecisionCommand(QUndoCommand):
    def __init__(self, service: QueueService, result: DecisionResult, reason: str, label: str,
                 on_change: Callable[[int], None], on_error: Callable[[str], None]) -> None:
        super().__init__(label)
        self._service = service
        self._result = result
        self._reason = reason
        self._on_change = on_change
        self._on_error = on_error
        self._pushed = False
        self._undone_version: int | None = None  # the version the undo left: what a redo must find

    @property
    def conviction_id(self) -> int:
        return self._result.conviction_id

    def redo(self) -> None:
        if not self._pushed:
            self._pushed = True
            return
        cid = self._result.conviction_id
        try:
            seen = self._undone_version
            if self._reason:
                self._result = self._service.override(cid, self._result.outcome, self._reason, expected_version=seen)
            else:
                self._result = self._service.accept(cid, expected_version=seen)
        except DecisionRefused as exc:
            self.setObsolete(True)
            self._on_error(str(exc))
        self._on_change(cid)

    def undo(self) -> None:
        cid = self._result.conviction_id
        try:
            undone = self._service.undo(cid, self._result.decision_id, expected_version=self._result.version or None)
            self._undone_version = undone.version
        except DecisionRefused as exc:
            self.setObsolete(True)
            self._on_error(str(exc))
        self._on_change(cid)


def decision_label(kind: str, outcome: Outcome) -> str:
    return f"{kind} ({outcome.label})"
