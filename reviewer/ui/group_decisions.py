"""A court case or a whole person decided at once, and Accept all shown with its breakdown by outcome.

A mixin of MainWindow (its service, undo stack, message bar and model). Each is one step on the undo
stack (GroupCommand): Ctrl+Z takes all of its decisions back.
"""
from __future__ import annotations


from reviewer.domain.vocabulary import DecisionKind
from reviewer.services.group_deciding import decided_since, last_decision_id
from reviewer.services.queue import ConflictError, DecisionRefused
from reviewer.ui.commands import GroupCommand
from reviewer.ui.dialogs import OverrideDialog

CASE, PERSON = "court case", "person"


class GroupDecisionsMixin:
    def accept_case(self) -> None:
        self._accept_group(whole_person=False)

    def accept_person(self) -> None:
        self._accept_group(whole_person=True)

    def _accept_group(self, whole_person: bool) -> None:
        case = self.case_panel.case
        if case is None or not self._can_decide():
            return
        what = PERSON if whole_person else CASE
        group = self.service.group(case.conviction_id, whole_person)
        if not group.targets:
            self.message.show_text(f"Nothing pending in this {what}.", "info")
            return
        if group.accept_outcome is None:
            if len(group.targets) == 1:
                text = (f"The only pending count of this {what} cannot be accepted as it stands (it needs review): "
                        "answer its question, or Override (O).")
            else:
                text = (f"The {len(group.targets)} pending counts of this {what} do not all take the same Accept "
                        "(their suggestions differ, or one needs review): decide them one by one, or Override the "
                        "court case (Shift+O).")
            self.message.show_text(text, "warning")
            return
        key = "Shift+P" if whole_person else "Shift+A"
        one = len(group.targets) == 1
        counts = "its one pending count" if one else f"its {len(group.targets)} pending counts"
        if self._names_challenge_first(case, group.accept_outcome, (what, case.conviction_id, case.review.version),
                                       f"{key} records “{group.accept_outcome.label}” for {counts} of this {what}, "
                                       f"not relief. Press {key} again to accept {'it' if one else 'them'}"):
            return
        self._disarm()
        self._decide_group(group, DecisionKind.ACCEPT, None, "", f"Accept {what} ({group.accept_outcome.label})")

    def override_case(self) -> None:
        case = self.case_panel.case
        if case is None or not self._can_decide():
            return
        group = self.service.group(case.conviction_id, whole_person=False)
        if not group.targets:
            self.message.show_text("Nothing pending in this court case.", "info")
            return
        dialog = OverrideDialog(case, self, counts=len(group.targets))
        if self._exec(dialog) != OverrideDialog.DialogCode.Accepted:
            return
        outcome, reason = dialog.chosen_outcome(), dialog.reason_text()
        self._decide_group(group, DecisionKind.OVERRIDE, outcome, reason, f"Override court case ({outcome.label})")

    def _decide_group(self, group, kind, outcome, reason, label) -> None:
        cid = self.case_panel.case.conviction_id
        try:
            results = self.service.decide_group(group.targets, kind, outcome, reason)
        except (ConflictError, DecisionRefused) as exc:
            self.message.show_text(f"{exc} Nothing of this step was recorded.", "warning")
            self.service.refresh_states([c for c, _ in group.targets])
            self._refresh_rows([c for c, _ in group.targets])
            return
        except Exception as exc:  # noqa: BLE001 - e.g. the database is locked or unreachable
            self._unexpected(exc, "The decisions were not saved")
            return
        self.undo_stack.push(GroupCommand(self.service, results, reason, f"{label}, {len(results)} counts",
                                          self._after_group_undo, lambda text: self.message.show_text(text, "warning"),
                                          self.run_in_background))
        self._refresh_rows([r.conviction_id for r in results])
        self.filters.add_reviewer(self.user.name)
        counts = "1 count decided" if len(results) == 1 else f"{len(results)} counts decided in one step"
        self.message.show_text(f"{label}: {counts} (Ctrl+Z takes {'it' if len(results) == 1 else 'them all'} back).",
                               "info")
        self._advance_from(cid)

    def _refresh_rows(self, conviction_ids) -> None:
        for cid in conviction_ids:
            self.model.reload_row(cid)
        self._update_counts()

    def _after_group_undo(self, conviction_ids: list[int]) -> None:
        self._refresh_rows(conviction_ids)
        if conviction_ids:
            self._after_undo(conviction_ids[0])

    # --- Accept all shown: the breakdown first, challenges only when ticked --------------------------

    def accept_all_shown(self) -> None:
        from reviewer.ui.bulk_dialog import BulkAcceptDialog

        if not self._can_decide():
            return
        breakdown, by_hand = self.service.bulk_breakdown(self.model.view)
        if not breakdown:
            self.message.show_text("No pending conviction shown can be accepted as suggested.", "info")
            return
        dialog = BulkAcceptDialog(breakdown, by_hand, self.user.name, self)
        if self._exec(dialog) != BulkAcceptDialog.DialogCode.Accepted:
            return
        ids = dialog.chosen_ids()
        if not ids:
            return
        self._bulk_marker = (last_decision_id(self.service.db), ids)
        self.start_bulk_accept(ids)

    def _bulk_done(self) -> None:
        """After a bulk acceptance (finished or stopped): one undo step for the decisions it made."""
        marker = getattr(self, "_bulk_marker", None)
        self._bulk_marker = None
        if marker is None:
            return
        after, ids = marker
        results = decided_since(self.service.db, ids, after, self.user)
        if results:
            self.undo_stack.push(GroupCommand(self.service, results, "", f"Accept all shown, {len(results):,} counts",
                                              self._after_bulk_undo, lambda t: self.message.show_text(t, "warning"),
                                              self.run_in_background))

    def _after_bulk_undo(self, _conviction_ids) -> None:
        self.model.refresh()
        self._update_counts()
        self._select_row(0)


__all__ = ["GroupDecisionsMixin"]
