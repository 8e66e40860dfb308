"""The main window: the queue on the left, the case on the right, decisions from the keyboard."""
from __future__ import annotations

import logging
import traceback
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QMainWindow, QMessageBox, QPushButton,
    QSplitter, QVBoxLayout, QWidget,
)

from reviewer.domain.people import User
from reviewer.domain.vocabulary import Outcome
from reviewer.services.queue import ConflictError, DecisionRefused, DecisionResult, QueueFilter, QueueService
from reviewer.ui.case_panel import MAX_ANSWER_KEYS, CasePanel, numbered_answers
from reviewer.ui.commands import AnswerCommand, DecisionCommand, decision_label
from reviewer.ui.dialogs import IdentityDialog, OverrideDialog, shortcuts_text
from reviewer.ui.filter_bar import FilterBar
from reviewer.ui.exports import export_register_file, export_summary_file
from reviewer.ui.guided_run import open_new_review
from reviewer.ui.group_decisions import GroupDecisionsMixin
from reviewer.ui.job_bar import JobBar, MessageBar
from reviewer.ui.long_jobs import LongJobsMixin
from reviewer.ui.office_settings import open_office_settings
from reviewer.ui.queue_model import COLUMNS, QueueModel
from reviewer.ui.queue_table import QueueTable
from reviewer.ui.screen_fit import fitting_size
from reviewer.ui.settings import Settings
from reviewer.ui.whatif_view import open_what_if
from reviewer.ui.workers import JobRunner

log = logging.getLogger(__name__)

WARM_UP_INTERVAL_MS = 60
PREFERRED_SIZE = QSize(1360, 760)  # made smaller on a smaller screen (1366x768 with its title bar)
TOOL_SIZE = QSize(1200, 720)


def _named(widget: QWidget, name: str, accessible: str) -> QWidget:
    widget.setObjectName(name)
    widget.setAccessibleName(accessible)
    return widget


class MainWindow(GroupDecisionsMixin, LongJobsMixin, QMainWindow):
    def __init__(self, service: QueueService, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.settings = settings
        self.undo_stack = QUndoStack(self)
        self.undo_stack.indexChanged.connect(self.refresh_dashboard)
        self.undo_stack.indexChanged.connect(lambda _i: self._disarm())
        self.jobs = JobRunner(self)
        self.model = QueueModel(service, self)
        self._tools: dict[str, QWidget] = {}  # print center, dashboard: own windows, opened on demand
        # "1 then A" never accepts a challenge unseen: the case whose suggestion an answer just gave, and the
        # (case, version) whose challenge the first A named and a second A (or Enter) confirms
        self._answered: int | None = None
        self._armed: tuple | None = None  # (conviction, version), or (what, conviction, version) for Shift+A/P
        self._build()
        self.setWindowTitle(f"Reviewer — {self._database_name()}")
        self._build_actions()
        self._connect()
        self._restore_layout()
        self.model.refresh()  # the queue was read on a thread while the widgets were built
        self.filters.set_choices(service.choices())
        self._show_identity()
        self._update_counts()
        self._resume()
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)  # keys act on the case from the start, not the search
        self._warm_timer = QTimer(self)
        self._warm_timer.setInterval(WARM_UP_INTERVAL_MS)
        self._warm_timer.timeout.connect(self._warm_up_step)
        self._start_warm_up()

    # --- building --------------------------------------------------------------------------------

    def _build(self) -> None:
        self.filters = FilterBar()
        self.counts_label = _named(QLabel(), "countsLabel", "Queue counts")
        self.counts_label.setTextFormat(Qt.TextFormat.RichText)
        self.table = _named(QueueTable(), "queueTable", "Queue of flagged felonies")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        header.setSortIndicatorShown(True)
        header.setHighlightSections(False)
        for column, (_title, _key, width) in enumerate(COLUMNS):
            self.table.setColumnWidth(column, width)
        header.setStretchLastSection(True)
        self.table.setSortingEnabled(True)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(8, 0, 0, 4)
        left_layout.addWidget(self.counts_label)
        left_layout.addWidget(self.table, 1)

        self.case_panel = CasePanel()
        self.message = MessageBar()
        self.accept_button = _named(QPushButton("Accept   (A)"), "acceptButton", "Accept the suggestion")
        self.override_button = _named(QPushButton("Override…   (O)"), "overrideButton", "Override the suggestion")
        self.undo_button = _named(QPushButton("Undo   (Ctrl+Z)"), "undoButton", "Undo the last decision or answer")
        self.next_button = _named(QPushButton("Next pending   (N)"), "nextButton", "Next pending case")
        self.accept_button.setDefault(False)
        self.accept_button.setStyleSheet("QPushButton:enabled { font-weight: bold; }")
        for button in (self.accept_button, self.override_button, self.undo_button, self.next_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys go to the queue; buttons are for the mouse
            button.setMinimumHeight(34)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(12, 4, 12, 8)
        buttons.addWidget(self.accept_button, 2)
        buttons.addWidget(self.override_button, 2)
        buttons.addSpacing(12)
        buttons.addWidget(self.undo_button, 1)
        buttons.addWidget(self.next_button, 1)
        self.role_banner = _named(QLabel(), "roleBanner", "Read-only notice")
        self.role_banner.setWordWrap(True)
        self.role_banner.setStyleSheet("background:#eef1f5; color:#3b4a5a; padding:6px 12px;")
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.setSpacing(0)
        right_layout.addWidget(self.case_panel, 1)
        self.message.overlay(self.case_panel)  # over the foot of the case, above the buttons: no line of its own
        self.message.covering.connect(self.case_panel.keep_clear_of)
        right_layout.addWidget(self.role_banner)
        right_layout.addLayout(buttons)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("workArea")
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 5)
        self.splitter.setStretchFactor(1, 4)
        self.splitter.setChildrenCollapsible(False)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.filters)
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)

        self.job_bar = JobBar()
        self.identity_label = QLabel()
        self.database_label = QLabel(f"Database: {self._database_name()}")
        self.database_label.setToolTip(self.service.url.split("///")[-1])
        self.statusBar().addWidget(self.identity_label, 1)
        self.statusBar().addPermanentWidget(self.job_bar)
        self.statusBar().addPermanentWidget(self.database_label)

    def _database_name(self) -> str:
        url = self.service.url
        return Path(url.split("///", 1)[1]).name if url.startswith("sqlite") else url.split("@")[-1]

    def _action(self, text: str, slot, shortcut=None, menu=None) -> QAction:
        """An action whose shortcut works wherever the focus is in the window. Single keys (A, O, N, 1–9) act on
        the current case; in a text entry (the search box) they are typed, as text entries take printable keys
        before shortcuts, and Enter there returns the focus to the queue."""
        action = QAction(text, self)
        action.triggered.connect(lambda _checked=False: slot())  # triggered passes `checked`; slots take nothing
        if shortcut is not None:
            keys = shortcut if isinstance(shortcut, list) else [shortcut]
            action.setShortcuts([QKeySequence(k) for k in keys])
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            self.addAction(action)
        if menu is not None:
            menu.addAction(action)
        return action

    def _build_actions(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self._action("&New review (files, county, policy, run)…", lambda: open_new_review(self), "Ctrl+N", file_menu)
        file_menu.addSeparator()
        self.import_action = self._action("&Import DOJ files…", self.import_files, "Ctrl+I", file_menu)
        self.wizard_action = self._action("Import a &case export (CSV, Excel)…", self.open_import_wizard,
                                          "Ctrl+Shift+I", file_menu)
        self.reevaluate_action = self._action("&Re-evaluate…", self.reevaluate, "Ctrl+R", file_menu)
        self._action("&Print center…", self.open_print_center, "Ctrl+P", file_menu)
        self._action("Export the re&gister (Excel)…", lambda: export_register_file(self), "Ctrl+E", file_menu)
        self._action("Export the &summary (PDF)…", lambda: export_summary_file(self), "Ctrl+Shift+E", file_menu)
        file_menu.addSeparator()
        self._action("&Office settings…", lambda: open_office_settings(self), None, file_menu)
        self._action("Change &reviewer…", self.change_identity, None, file_menu)
        file_menu.addSeparator()
        self._action("&Quit", self.close, QKeySequence.StandardKey.Quit, file_menu)

        review = self.menuBar().addMenu("&Review")
        self.accept_action = self._action("&Accept", self.accept_current, "A", review)
        # Enter confirms a challenge the first A named (on only then: Enter elsewhere, e.g. in the search, is
        # left alone)
        self.confirm_action = self._action("&Confirm the acceptance named (A again, Enter)", self.confirm_accept,
                                           ["Return", "Enter"], review)
        self.confirm_action.setEnabled(False)
        self.override_action = self._action("&Override…", self.override_current, "O", review)
        self.next_action = self._action("&Next pending", self.next_pending, "N", review)
        self.answer_menu = review.addMenu("Ans&wer a question (1–9)")
        self.answer_actions = [
            self._action(f"Answer {n}", lambda n=n: self.answer_current(n), str(n), self.answer_menu)
            for n in range(1, MAX_ANSWER_KEYS + 1)
        ]
        review.addSeparator()
        self.undo_action = self._action("&Undo (decision or answer)", self.undo_stack.undo, QKeySequence.StandardKey.Undo, review)
        self.redo_action = self._action("&Redo decision", self.undo_stack.redo,
                                        ["Ctrl+Shift+Z", "Ctrl+Y"], review)
        review.addSeparator()
        self.accept_case_action = self._action("Accept the &court case (all its pending counts)", self.accept_case,
                                               "Shift+A", review)
        self.override_case_action = self._action("Override the court &case…", self.override_case, "Shift+O", review)
        self.accept_person_action = self._action("Accept the &person (all pending counts)", self.accept_person,
                                                 "Shift+P", review)
        self.bulk_action = self._action("Accept all &shown…", self.accept_all_shown, "Ctrl+Shift+A", review)

        view = self.menuBar().addMenu("&View")
        self._action("&Search", self.focus_search, ["Ctrl+F", "/"], view)
        self._action("&Queue order (attention first)", self.queue_order, "Ctrl+0", view)
        self._action("&Reload queue", self.reload_queue, "F5", view)
        self._action("&Dashboard (summary figures)", self.open_dashboard, "Ctrl+D", view)
        self._action("&What-if: compare a policy…", lambda: open_what_if(self), "Ctrl+Shift+W", view)
        self._action("&Clear filters", self.filters.clear, "Ctrl+Shift+L", view)
        help_menu = self.menuBar().addMenu("&Help")
        self._action("&Keyboard shortcuts", self.show_shortcuts, "F1", help_menu)
        self.about_action = self._action("&About Reviewer", self.show_about, None, help_menu)

    def _connect(self) -> None:
        self.filters.changed.connect(self.apply_filter)
        self.filters.chosen.connect(self._back_to_queue)  # a filter chosen, Enter in the search: keys act on the case
        self.filters.search.installEventFilter(self)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.model.modelReset.connect(self._after_reset)
        self.accept_button.clicked.connect(self.accept_current)
        self.override_button.clicked.connect(self.override_current)
        self.undo_button.clicked.connect(self.undo_stack.undo)
        self.next_button.clicked.connect(self.next_pending)
        self.undo_stack.canUndoChanged.connect(self._undo_state_changed)
        self.undo_stack.canRedoChanged.connect(self._undo_state_changed)
        self.undo_stack.undoTextChanged.connect(self._undo_text_changed)
        self.jobs.progress.connect(self.job_bar.set_progress)
        self.jobs.busy_changed.connect(self._busy_changed)
        self.jobs.finished.connect(self._job_finished)
        self.jobs.failed.connect(self._job_failed)
        self.jobs.cancelled.connect(self._job_cancelled)
        self.job_bar.cancel_button.clicked.connect(self.cancel_job)

    # --- selection and the case -----------------------------------------------------------------

    @property
    def user(self) -> User:
        return self.service.user

    def current_conviction(self) -> int | None:
        index = self.table.currentIndex()
        return self.model.conviction_id(index.row()) if index.isValid() else None

    def _select_row(self, row: int | None) -> None:
        if row is None or not 0 <= row < self.model.rowCount():
            self.table.selectionModel().clearCurrentIndex()
            self.table.clearSelection()
            self._show_case(None)
            return
        index = self.model.index(row, 0)
        rect = self.table.visualRect(index)
        far = not rect.isValid() or not self.table.viewport().rect().contains(rect)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        if far:  # a jump (filter, undo, advance past the screen): show it mid-table, with context around it
            self.table.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        cid = self.model.conviction_id(current.row()) if current.isValid() else None
        self.settings.set_last_case(self.user.name, cid)
        self._show_case(cid)

    def _resume(self) -> None:
        """Start where this attorney left off: the case last open, if it is still in the queue."""
        last = self.settings.last_case(self.user.name)
        row = self.model.row_of(last) if last is not None else None
        self._select_row(row if row is not None else 0)
        if row is not None and row > 0:
            self.message.show_text("Resumed where you left off.", "info")

    def _show_case(self, conviction_id: int | None) -> None:
        if conviction_id != self._answered:  # another case: its suggestion was not just given by an answer
            self._answered = None
        self._disarm()
        if conviction_id is None:
            text = ("The queue is empty: import a DOJ research file (File > Import, Ctrl+I), then evaluate."
                    if len(self.service.index) == 0 else "No conviction matches these filters.")
            self.case_panel.show_empty(text if self.model.rowCount() == 0 else "Select a conviction in the queue.")
        else:
            case = self._guard(lambda: self.service.case(conviction_id), "Could not read this case")
            if case is False:  # the message bar says why
                self.case_panel.show_empty("This case could not be read; try again, or reopen Reviewer.")
            elif case is None:
                self.case_panel.show_empty("This conviction has no current evaluation (re-evaluated since?).")
            else:
                self.case_panel.show_case(case, can_answer=self.user.can_decide)
        self._update_buttons()
        self._update_answer_actions()

    def _after_reset(self) -> None:
        self._update_counts()

    # --- filters and sorting ------------------------------------------------------------------

    def apply_filter(self, flt: QueueFilter) -> None:
        keep = self.current_conviction()
        self.model.set_filter(flt)
        row = self.model.row_of(keep) if keep is not None else None
        self._select_row(row if row is not None else 0)

    def queue_order(self) -> None:
        keep = self.current_conviction()
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.model.sort(-1)
        self._select_row(self.model.row_of(keep) if keep is not None else 0)

    def _back_to_queue(self) -> None:
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def _exec(self, dialog) -> int:
        """A dialog, then the keys back on the queue: the window asks to be active again (under a plain X11
        window manager, closing a dialog by its keys left no window with the keyboard: A, N, 1 did nothing
        until a click), and the queue takes the focus."""
        try:
            return dialog.exec()
        finally:
            self.activateWindow()
            self._back_to_queue()

    def focus_search(self) -> None:
        self.filters.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filters.search.selectAll()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Esc in the search box goes back to the queue
        if watched is self.filters.search and event.type() == event.Type.KeyPress and event.key() == Qt.Key.Key_Escape:
            self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)
            return True
        return super().eventFilter(watched, event)

    def reload_queue(self) -> None:
        keep = self.current_conviction()
        if self._guard(self.service.reload, "Could not reload the queue") is False:
            return
        self._start_warm_up()
        self.filters.set_choices(self.service.choices())
        self.model.refresh()
        row = self.model.row_of(keep) if keep is not None else None
        self._select_row(row if row is not None else 0)

    def _start_warm_up(self) -> None:
        """Prepare search and sorts a step at a time while the attorney reads the first case."""
        self._warm_steps = self.service.index.warm_up()
        self._warm_timer.start()

    def _warm_up_step(self) -> None:
        if next(self._warm_steps, StopIteration) is StopIteration:
            self._warm_timer.stop()

    def _update_counts(self) -> None:
        total = self.service.counts()
        shown = self.model.view.counts()
        changed = (f" &nbsp;·&nbsp; <b style='color:#8a4b00'>\u26a0 {total.changed:,}</b> suggestion changed since "
                   "decided") if total.changed else ""
        self.counts_label.setText(
            f"<b>{total.pending:,}</b> pending &nbsp;·&nbsp; <b>{total.done:,}</b> done{changed} &nbsp;of "
            f"{total.total:,} flagged felonies &nbsp;&nbsp;<span style='color:#555'>| shown: {shown.total:,} "
            f"({shown.pending:,} pending)</span>")

    # --- deciding --------------------------------------------------------------------------------

    def _can_decide(self) -> bool:
        if not self.user.can_decide:
            self.message.show_text("Signed in as a clerk: you can read the queue; an attorney must decide.", "warning")
            return False
        if self.jobs.busy:
            self.message.show_text(f"Decisions wait while “{self.jobs.title}” runs.", "warning")
            return False
        return True

    def accept_current(self) -> None:
        case = self.case_panel.case
        if case is None or not self._can_decide():
            return
        if not case.can_accept:  # said in place; the selection stays on the case
            if case.questions:
                text = ("Accept is not possible yet: this conviction needs review. Answer its question with the "
                        "answer's key in the question box above (1, 2 …), or use Override (O) to choose an outcome "
                        "and give a reason.")
            else:
                text = ("This conviction needs review: Accept is not possible. Use Override (O) to choose an "
                        "outcome and give a reason.")
            self.message.show_text(text, "warning")
            return
        if case.already_accepted:  # said in place: a second decision saying the same would only fill the log
            who = case.review.decided_by or "an attorney"
            self.message.show_text(f"Already accepted ({case.accept_outcome.label}, by {who}): nothing more to "
                                   "record. Override (O) changes the decision; Ctrl+Z takes back one you just made.",
                                   "info")
            return
        if self._names_challenge_first(case, case.accept_outcome, (case.conviction_id, case.review.version),
                                       f"Accept records “{case.accept_outcome.label}”, not relief. Press A again "
                                       "(or Enter) to accept it"):
            self.confirm_action.setEnabled(True)
            return
        self._disarm()
        self._decide(lambda: self.service.accept(case.conviction_id, case.review.version), "", "Accept")

    def _names_challenge_first(self, case, outcome, armed: tuple, what_it_records: str) -> bool:
        """A first accept (A; Shift+A, Shift+P for the court case or person) right after an answer whose
        suggestion is no relief (a challenge, a referral) names what it would record instead of recording it:
        the same answer key leads to relief on one question and to a challenge on another (a PC 290
        registration: 1 is Yes, Not eligible), so "1 then A" typed blindly must not file a challenge unseen.
        The same key again (the step `armed` names) records it; a challenge the engine gave on its own takes
        one key. True: named, nothing recorded."""
        if case.conviction_id != self._answered or outcome is None or outcome.grants_relief or self._armed == armed:
            return False
        self._armed = armed
        self.message.show_text(f"Your answer just made this a challenge: {what_it_records}; Override (O) to choose "
                               "another outcome; Ctrl+Z takes the answer back.", "confirm", sticky=True)
        return True

    def confirm_accept(self) -> None:
        """Enter after the first A named a challenge: accept it (the same call as a second A)."""
        case = self.case_panel.case
        if self._armed is not None and case is not None and self._armed == (case.conviction_id, case.review.version):
            self.accept_current()

    def _disarm(self) -> None:
        if self._armed is not None:
            self._armed = None
            if self.message.kind == "confirm":
                self.message.hide()
        self.confirm_action.setEnabled(False)

    def override_current(self) -> None:
        case = self.case_panel.case
        if case is None or not self._can_decide():
            return
        dialog = OverrideDialog(case, self)
        if self._exec(dialog) != OverrideDialog.DialogCode.Accepted:
            return
        outcome, reason = dialog.chosen_outcome(), dialog.reason_text()
        self._decide(lambda: self.service.override(case.conviction_id, outcome, reason, case.review.version),
                     reason, "Override")

    def answer_current(self, number: int) -> None:
        """Answer the current case's question with its answer numbered `number`; the case shows the new
        suggestion, with the answer among its reasons, to accept (A) or override (O)."""
        case = self.case_panel.case
        if case is None:
            return
        answers = numbered_answers(case)
        if not self.user.can_decide:
            self.message.show_text("Signed in as a clerk: you can read the questions; an attorney must answer them.",
                                   "warning")
            return
        if self.jobs.busy:
            self.message.show_text(f"Answers wait while “{self.jobs.title}” runs.", "warning")
            return
        if not answers:
            self.message.show_text("This conviction has no open question to answer.", "info")
            return
        if number > len(answers):
            self.message.show_text(f"There is no answer {number} here: this case's answers are 1–{len(answers)}.",
                                   "warning")
            return
        from reviewer.services.answering import AnswerRefused  # AnswerConflict is one too

        question, answer = answers[number - 1]
        cid = case.conviction_id
        try:
            evaluation = self.service.answer(cid, question.key, answer.value)
        except AnswerRefused as exc:
            self.message.show_text(f"The answer was not recorded: {exc}.", "warning")
            self._reload_person(cid)
            self._show_case(cid)
            return
        except Exception as exc:  # noqa: BLE001 - e.g. the database is locked or unreachable
            self._unexpected(exc, "The answer was not saved")
            return
        self.undo_stack.push(AnswerCommand(self.service, cid, question.key, answer.value, f"Answer ({answer.label})",
                                           self._after_answer_undo, lambda text: self.message.show_text(text, "warning")))
        self._reload_person(cid, self.service.person_rows)  # the rows the answer just read
        self._show_case(cid)
        now = self.case_panel.case
        self._answered = cid  # the first A names a challenge this answer gave before accepting it
        said = f"Answered “{question.text}”: {answer.label}."
        if evaluation.suggestion.value != "NEEDS_REVIEW" and not evaluation.suggestion.grants_relief:
            self.message.show_text(f"{said} Suggestion now: {evaluation.suggestion.label} — no relief. Accept it "
                                   "with A twice (the first names it), or Override (O).", "warning", sticky=True)
        elif evaluation.suggestion.value != "NEEDS_REVIEW":
            self.message.show_text(f"{said} Suggestion now: {evaluation.suggestion.label}. Accept (A) or "
                                   "Override (O).", "info", sticky=True)
        elif now is not None and now.questions:
            self.message.show_text(f"{said} Still needs review: answer the next question, or Override (O).",
                                   "info", sticky=True)
        else:
            who = f"the county policy ({now.policy})" if now is not None and now.policy_decided else "the engine"
            self.message.show_text(f"{said} The suggestion is still Needs review: {who} asks for an attorney's "
                                   "decision. Override (O) to choose the outcome.", "info", sticky=True)

    def _after_answer_undo(self, conviction_id: int) -> None:
        """After an answer is taken back or given again: the person's rows and the case as they now stand."""
        self._reload_person(conviction_id)
        self._after_undo(conviction_id)

    def _reload_person(self, conviction_id: int, read: dict | None = None) -> None:
        """Repaint the queue rows of the person's convictions (an answer re-evaluates all of them)."""
        index = self.service.index
        pos = index.position(conviction_id)
        ids = [conviction_id] if pos is None else index.ids[index.person_ids == index.person_ids[pos]].tolist()
        self.model.reload_rows(ids, read)
        self._update_counts()

    def _update_answer_actions(self) -> None:
        answers = numbered_answers(self.case_panel.case)
        for n, action in enumerate(self.answer_actions, start=1):
            if n <= len(answers):
                question, answer = answers[n - 1]
                text = question.text if len(question.text) <= 60 else question.text[:58].rsplit(" ", 1)[0] + " …"
                action.setText(f"&{n}  {answer.label} → {answer.suggestion.label}   ({text})".replace("&", "&&")
                               .replace(f"&&{n}  ", f"&{n}  ", 1))
            else:
                action.setText(f"Answer {n}")
            action.setVisible(n <= max(len(answers), 1))
        self.answer_menu.setEnabled(bool(answers))

    def _decide(self, call, reason: str, kind: str) -> None:
        cid = self.case_panel.case.conviction_id
        try:
            result: DecisionResult = call()
        except ConflictError as exc:
            self.message.show_text(str(exc), "warning")
            self.service.refresh_states([cid])
            self._refresh_decided(cid)
            self._show_case(cid)
            return
        except DecisionRefused as exc:
            self.message.show_text(str(exc), "warning")
            return
        except Exception as exc:  # noqa: BLE001 - e.g. the database is locked or unreachable
            self._unexpected(exc, "The decision was not saved")
            return
        self.message.hide()
        self.undo_stack.push(DecisionCommand(self.service, result, reason, decision_label(kind, result.outcome),
                                             self._after_undo, lambda text: self.message.show_text(text, "warning")))
        self.model.mark_row(cid, result.status.value, result.outcome, self.user.name)
        self.filters.add_reviewer(self.user.name)
        self._update_counts()
        self._advance_from(cid)

    def _advance_from(self, conviction_id: int) -> None:
        row = self.model.row_of(conviction_id)
        nxt = self.model.view.next_pending(row if row is not None else -1)
        if nxt is None:
            self.message.show_text("No pending conviction left in this view.", "info")
            self._show_case(conviction_id)
        else:
            self._select_row(nxt)

    def next_pending(self) -> None:
        index = self.table.currentIndex()
        nxt = self.model.view.next_pending(index.row() if index.isValid() else -1)
        if nxt is None:
            self.message.show_text("No pending conviction left in this view.", "info")
        else:
            self._select_row(nxt)

    def _after_undo(self, conviction_id: int) -> None:
        """After undo or redo: show the conviction it touched, as it now stands."""
        self._refresh_decided(conviction_id)
        row = self.model.row_of(conviction_id)
        if row is not None and self.current_conviction() != conviction_id:
            self._select_row(row)
        else:
            self._show_case(conviction_id)

    def _refresh_decided(self, conviction_id: int) -> None:
        self.model.reload_row(conviction_id)
        self._update_counts()

    # --- identity, buttons, layout --------------------------------------------------------------

    def change_identity(self) -> None:
        dialog = IdentityDialog(self.user, self)
        if self._exec(dialog) == IdentityDialog.DialogCode.Accepted:
            self.service.user = dialog.user()
            self.settings.set_identity(self.service.user)
            self.undo_stack.clear()
            self._show_identity()
            self._resume()

    def _show_identity(self) -> None:
        user = self.user
        bar = f", SBN {user.bar_number}" if user.bar_number else ""
        self.identity_label.setText(f"Reviewing as {user.name} ({user.role.value}{bar})")
        self._show_banner()
        self._update_buttons()

    def _show_banner(self) -> None:
        """Why the decision buttons are off, when they are."""
        if not self.user.can_decide:
            text = "Signed in as a clerk: you can read the queue; decisions need an attorney."
        elif self.jobs.busy:
            text = (f"Decisions pause while “{self.jobs.title}” writes to the database; keep reading meanwhile. "
                    "Cancel it from the bar at the bottom.")
        else:
            text = ""
        self.role_banner.setText(text)
        self.role_banner.setVisible(bool(text))

    def _undo_state_changed(self, _can: bool) -> None:
        self._update_buttons()

    def _undo_text_changed(self, text: str) -> None:
        self.undo_button.setToolTip(f"Undo {text}" if text else "")

    def _update_buttons(self) -> None:
        case = self.case_panel.case
        can = self.user.can_decide and not self.jobs.busy
        # The actions stay on wherever there is a case, so that their keys always reach it and say in place
        # why not (a clerk, needs review, a job running) instead of falling through to the widget with focus
        # (the queue would jump to a name starting with A). The buttons show what is possible.
        self.accept_action.setEnabled(case is not None)
        self.accept_button.setEnabled(can and case is not None and case.can_accept and not case.already_accepted)
        self.override_action.setEnabled(case is not None)
        self.override_button.setEnabled(can and case is not None)
        self.undo_action.setEnabled(can and self.undo_stack.canUndo())
        self.undo_button.setEnabled(self.undo_action.isEnabled())
        self.redo_action.setEnabled(can and self.undo_stack.canRedo())
        self.bulk_action.setEnabled(can)
        for action in (self.accept_case_action, self.override_case_action, self.accept_person_action):
            action.setEnabled(case is not None)
        tip = "" if self.user.can_decide else "Clerks can read the queue but cannot decide."
        for button in (self.accept_button, self.override_button, self.undo_button):
            button.setToolTip(tip or button.toolTip())

    def open_print_center(self) -> None:
        """The clerk's print center (motions, orders, notices), in its own window on the same database."""
        from reviewer.ui.print_center import PrintCenter

        self._open_tool("print", "Print center", lambda: PrintCenter(self.service.db, self.user))

    def open_dashboard(self) -> None:
        """The managers' summary figures, in their own window; they refresh themselves."""
        from reviewer.ui.dashboard import Dashboard

        def make():
            board = Dashboard(self.service.db)
            board.refresh()
            return board

        self._open_tool("dashboard", "Dashboard", make)

    def refresh_dashboard(self, *_args) -> None:
        """Figures follow the decisions: an open dashboard recomputes (coalesced, on its worker)."""
        board = self._tools.get("dashboard")
        if board is not None and board.isVisible():
            board.refresh()

    def _open_tool(self, key: str, title: str, make) -> None:
        tool = self._tools.get(key)
        if tool is None:
            tool = self._guard(make, f"Could not open the {title.lower()}")
            if tool is False:
                return
            tool.setWindowTitle(f"Reviewer — {title} — {self._database_name()}")
            tool.resize(fitting_size(tool, TOOL_SIZE))
            self._tools[key] = tool
        tool.show()
        tool.raise_()
        tool.activateWindow()

    def open_import_wizard(self) -> None:
        """Mapped imports of case-management exports (and DOJ files), step by step; modal, as it writes."""
        if self.jobs.busy:
            return
        from reviewer.ui.import_wizard import ImportWizard

        wizard = self._guard(lambda: ImportWizard(self.service.db, self.user, self), "Could not open the import")
        if wizard is False:
            return
        wizard.imported.connect(self._wizard_imported)
        wizard.exec()

    def _wizard_imported(self, report) -> None:
        summary = report.summary() if hasattr(report, "summary") else "Import finished."
        self.message.show_text(f"{summary} Re-evaluate (Ctrl+R) to bring new convictions into the queue.", "info",
                               sticky=True)

    def show_about(self) -> None:
        """Version, who is signed in, and the audit log checked end to end (services.auditing)."""
        QMessageBox.information(self, "About Reviewer", self.service.about_text())

    def show_shortcuts(self) -> None:
        box = QMessageBox(QMessageBox.Icon.NoIcon, "Keyboard shortcuts", shortcuts_text(),
                          QMessageBox.StandardButton.Close, self)
        box.setTextFormat(Qt.TextFormat.RichText)
        box.open()

    def _guard(self, call, what: str):
        try:
            return call()
        except Exception as exc:  # noqa: BLE001 - shown as a message, logged without personal data
            self._unexpected(exc, what)
            return False

    def _unexpected(self, exc: Exception, what: str) -> None:
        log.error("%s: %s\n%s", what, type(exc).__name__, "".join(traceback.format_tb(exc.__traceback__)))
        self.message.show_text(f"{what}: the database reported {type(exc).__name__}. Nothing was lost; try again, "
                               "or reopen Reviewer.", "error", sticky=True)

    def _restore_layout(self) -> None:
        geometry = self.settings.window_geometry()
        # restoreGeometry brings a window saved on a larger screen (or off it) back onto this one, frame included
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(fitting_size(self, PREFERRED_SIZE))
        for value, restore in ((self.settings.window_state(), self.restoreState),
                               (self.settings.splitter_state(), self.splitter.restoreState)):
            if value is not None:
                restore(value)
        header = self.settings.header_state(len(COLUMNS))
        if header is not None:
            self.table.horizontalHeader().restoreState(header)
            self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        if self.settings.splitter_state() is None:
            QTimer.singleShot(0, self._default_split)

    def _default_split(self) -> None:
        width = max(self.splitter.width(), 1)
        self.splitter.setSizes([int(width * 0.52), width - int(width * 0.52)])

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if self.jobs.busy:
            self.jobs.cancel()  # its transaction rolls back; nothing half-written stays
            self.jobs.wait(30000)
        self.settings.save_layout(self.saveGeometry(), self.saveState(), self.splitter.saveState(),
                                  self.table.horizontalHeader().saveState(), len(COLUMNS))
        for tool in self._tools.values():
            tool.close()
        self.service.close()
        super().closeEvent(event)


__all__ = ["MainWindow", "Outcome"]
