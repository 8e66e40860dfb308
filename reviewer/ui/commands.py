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
from reviewer.services.queue import ConflictError, DecisionRefused, DecisionResult, QueueService


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


class AnswerCommand(QUndoCommand):
    """An answer to one of the engine's questions, already recorded: undo takes it back, redo gives it again."""

    def __init__(self, service: QueueService, conviction_id: int, key: str, value: str, label: str,
                 on_change: Callable[[int], None], on_error: Callable[[str], None]) -> None:
        super().__init__(label)
        self._service, self._cid, self._key, self._value = service, conviction_id, key, value
        self._answer_id = service.standing_answer_id(conviction_id, key)
        self._on_change, self._on_error = on_change, on_error
        self._pushed = False

    @property
    def conviction_id(self) -> int:
        return self._cid

    def redo(self) -> None:
        if not self._pushed:
            self._pushed = True
            return
        self._call(lambda: self._service.answer(self._cid, self._key, self._value))
        self._answer_id = self._service.standing_answer_id(self._cid, self._key)

    def undo(self) -> None:
        if self._answer_id is None:
            self.setObsolete(True)
            return
        self._call(lambda: self._service.undo_answer(self._cid, self._answer_id))

    def _call(self, call) -> None:
        from reviewer.services.answering import AnswerRefused  # AnswerConflict is one too

        try:
            call()
        except AnswerRefused as exc:
            self.setObsolete(True)
            self._on_error(f"{exc}.")
        self._on_change(self._cid)


def decision_label(kind: str, outcome: Outcome) -> str:
    return f"{kind} ({outcome.label})"


# A step of this many counts (a large "Accept all shown") is taken back, and accepted again, on the worker
# with progress, the window staying responsive; smaller ones (a court case, a person) at once.
BACKGROUND_AT = 500

# Runs fn(db, job) on the worker (its own database), then on_done(result) on the UI thread, or on_failed().
InBackground = Callable[[str, Callable, Callable[[object], None], Callable[[], None]], None]


class GroupCommand(QUndoCommand):
    """Several counts decided in one step (a court case, a person, a bulk acceptance), already recorded:
    undo takes back those of its decisions that still stand; redo decides the same counts alike again."""

    def __init__(self, service: QueueService, results: list[DecisionResult], reason: str, label: str,
                 on_change: Callable[[list[int]], None], on_error: Callable[[str], None],
                 in_background: InBackground | None = None) -> None:
        super().__init__(label)
        self._service, self._results, self._reason = service, list(results), reason
        self._on_change, self._on_error = on_change, on_error
        self._in_background = in_background
        self._pushed = False
        self._undone: dict[int, int] = {}  # conviction id -> the version its undo left
        self._not_reached: list[DecisionResult] = []

    def _large(self, count: int) -> bool:
        return self._in_background is not None and count >= BACKGROUND_AT

    @property
    def conviction_ids(self) -> list[int]:
        return [r.conviction_id for r in self._results]

    def redo(self) -> None:
        if not self._pushed:
            self._pushed = True
            return
        from reviewer.domain.vocabulary import DecisionKind

        # Only what the undo took back is decided again, at the version the undo left: a colleague's
        # decision since is a conflict, never replaced.
        targets = [(r.conviction_id, self._undone[r.conviction_id]) for r in self._results
                   if r.conviction_id in self._undone]
        outcome = self._results[0].outcome if self._results else None
        kind = DecisionKind.OVERRIDE if self._reason else DecisionKind.ACCEPT
        if kind is DecisionKind.ACCEPT and self._large(len(targets)):
            # A large acceptance is accepted again as it was made, a chunk at a time (accept_many), each count
            # only at the version the undo left: a colleague's decision since is skipped, never replaced.
            from reviewer.services.bulk_deciding import accept_many

            user, ids, seen = self._service.user, [c for c, _ in targets], dict(targets)
            self._in_background(f"Redo {self.text()}",
                                lambda db, job: accept_many(db, ids, user, seen_versions=seen, job=job),
                                self._redone, self._failed)
            return
        try:
            self._results = self._service.decide_group(targets, kind, outcome, self._reason)
        except (ConflictError, DecisionRefused) as exc:
            self.setObsolete(True)
            self._on_error(str(exc))
        self._on_change(self.conviction_ids)

    def undo(self) -> None:
        if self._large(len(self._results)):
            from reviewer.services.group_deciding import undo_decisions

            user, results = self._service.user, list(self._results)
            self._in_background(f"Undo {self.text()}", lambda db, job: undo_decisions(db, results, user, job),
                                self._undone_by, self._failed)
            return
        self._undone_by(self._service.undo_decisions(self._results))

    def _undone_by(self, report) -> None:
        """What an undo took back (a BulkUndoResult): the version each count was left at, for a redo."""
        self._undone = {u.conviction_id: u.version for u in report.undone}
        reached = set(self._undone) | {cid for ids in report.skipped.values() for cid in ids}
        self._not_reached = [r for r in self._results if r.conviction_id not in reached]  # a stopped undo's
        left = sum(len(ids) for ids in report.skipped.values())
        if report.stopped:
            self._on_error(f"Undo stopped: {len(report.undone):,} of {report.requested:,} counts were taken back, "
                           "the others stand as decided. Redo (Ctrl+Shift+Z) decides again those taken back.")
        elif left:
            self._on_error(f"{left:,} of these counts were decided again since; those decisions stay.")
        self._on_change(self.conviction_ids)

    def _redone(self, result) -> None:
        """What a background redo accepted again (a BulkAcceptResult); skipped counts are said, never forced."""
        self._results = self._not_reached + list(result.decided)  # what a stopped undo left standing, too
        self._undone, self._not_reached = {}, []
        if result.stopped or result.skipped_count():
            self._on_error(f"Redo: {result.summary()}.")
        self._on_change(self.conviction_ids)

    def _failed(self) -> None:
        """The worker did not finish (the window said why): this step no longer matches the database."""
        self.setObsolete(True)
        self._on_change(self.conviction_ids)
