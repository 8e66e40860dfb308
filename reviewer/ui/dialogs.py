"""Dialogs: override a suggestion, say who you are, re-evaluate the county."""
from __future__ import annotations

from datetime import date
from html import escape

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox, QDateEdit, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QPlainTextEdit, QVBoxLayout,
    QWidget,
)

from reviewer.domain.as_of import EARLIEST_AS_OF, latest_as_of
from reviewer.domain.override_reasons import PresetReason, presets_for
from reviewer.domain.people import User, bar_number_problem
from reviewer.domain.vocabulary import Outcome, Role
from reviewer.services.identity import IdentityError, normalise_bar_number
from reviewer.services.queue import OVERRIDE_OUTCOMES, CaseView, RunInfo
from reviewer.ui.dates import qdate


OTHER_REASON = "Other: type the reason below"


class OverrideDialog(QDialog):
    """Choose an outcome and why: a preset reason for the common overrides, a typed one where none fits.
    OK stays off until both an outcome and a reason are given."""

    def __init__(self, case: CaseView, parent: QWidget | None = None, counts: int = 1) -> None:
        super().__init__(parent)
        self.setWindowTitle("Override the suggestion" if counts == 1 else
                            f"Override the court case: its {counts} pending counts alike")
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        under = next((t for t in case.timeline if t.under_review), None)
        what = f"{under.offense}, {under.disposition_date or 'date unknown'}, case {under.court_case}" if under else ""
        intro = QLabel(
            f"<b>{escape(case.person.name)}</b> — {escape(what)}<br>Suggestion: <b>{escape(case.suggestion.label)}</b>."
            " Record a different outcome and the reason for it; the reason is kept with the decision and in the "
            "audit log.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.outcome = QComboBox()
        self.outcome.setObjectName("overrideOutcome")
        self.outcome.setAccessibleName("Outcome")
        self.outcome.addItem("Choose an outcome…", None)
        allowed, why = case.public_safety
        for outcome in OVERRIDE_OUTCOMES:
            self.outcome.addItem(outcome.label, outcome.value)
            if outcome is Outcome.CHALLENGE_PUBLIC_SAFETY and not allowed:
                item = self.outcome.model().item(self.outcome.count() - 1)
                item.setEnabled(False)
                item.setToolTip(why)
        form.addRow("&Outcome:", self.outcome)
        self.public_safety_note = QLabel(("Public-safety challenge not offered: " if not allowed else "") + why)
        self.public_safety_note.setObjectName("publicSafetyNote")
        self.public_safety_note.setWordWrap(True)
        self.public_safety_note.setStyleSheet("color: #8a4b00;" if not allowed else "color: #555;")
        form.addRow("", self.public_safety_note)
        self.preset = QComboBox()
        self.preset.setObjectName("overridePreset")
        self.preset.setAccessibleName("Reason (common overrides)")
        form.addRow("&Reason:", self.preset)
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("overrideReason")
        self.reason.setAccessibleName("Reason for the override, or a note to the chosen reason")
        self.reason.setTabChangesFocus(True)
        self.reason.setMinimumHeight(70)
        form.addRow("&Note:", self.reason)
        layout.addLayout(form)
        self.hint = QLabel()
        self.hint.setObjectName("overrideHint")
        self.hint.setStyleSheet("color: #a4262c;")
        layout.addWidget(self.hint)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Record override   (Ctrl+Enter)")
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, activated=self.accept)
        self.reason.installEventFilter(self)  # the text box would take Ctrl+Enter as a new line
        self.preset.installEventFilter(self)  # and the reasons' list would swallow it
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.outcome.currentIndexChanged.connect(self._fill_presets)
        self.preset.currentIndexChanged.connect(self._check)
        self.reason.textChanged.connect(self._check)
        self._fill_presets()

    def _fill_presets(self) -> None:
        """The preset reasons of the chosen outcome; the note is then optional."""
        presets = presets_for(self.chosen_outcome())
        self.preset.blockSignals(True)
        self.preset.clear()
        self.preset.addItem("Choose a reason…" if presets else OTHER_REASON, None)
        for n, preset in enumerate(presets, start=1):
            self.preset.addItem(f"{n}. {preset.text} — {preset.citation}", preset.key)
        if presets:
            self.preset.addItem(OTHER_REASON, "")
        self.preset.setEnabled(bool(presets))
        self.preset.blockSignals(False)
        self._check()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802
        if (watched in (self.reason, self.preset) and event.type() == QEvent.Type.KeyPress
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and event.modifiers() & Qt.KeyboardModifier.ControlModifier):
            self.accept()
            return True
        return super().eventFilter(watched, event)

    def chosen_outcome(self) -> Outcome | None:
        value = self.outcome.currentData()
        return Outcome(value) if value else None

    def chosen_preset(self) -> PresetReason | None:
        key = self.preset.currentData()
        return next((p for p in presets_for(self.chosen_outcome()) if p.key == key), None) if key else None

    def typed_text(self) -> str:
        return self.reason.toPlainText().strip()

    def reason_text(self) -> str:
        """What is recorded: the preset with its citation (and the note, if any), or the typed reason."""
        preset, typed = self.chosen_preset(), self.typed_text()
        if preset is None:
            return typed
        return f"{preset.recorded}; {typed}" if typed else preset.recorded

    def _problem(self) -> str:
        if self.chosen_outcome() is None:
            return "Choose an outcome."
        if not self.reason_text():
            return ("A reason is required: choose one, or type it." if self.preset.count() > 1 else
                    "A written reason is required.")
        return ""

    def _check(self) -> None:
        other = self.chosen_preset() is None
        self.reason.setPlaceholderText("Required: why this outcome (it is filed with the decision)" if other else
                                       "Optional: a note added to the chosen reason")
        self.reason.viewport().update()  # the placeholder repaints only on a paint event
        self._show_problem()

    def _show_problem(self) -> None:
        problem = self._problem()
        self.hint.setText(problem)
        self.ok_button.setEnabled(not problem)

    def accept(self) -> None:  # noqa: D102 - refuse to close without an outcome and a reason
        if self._problem():
            self._show_problem()
            return
        super().accept()


class IdentityDialog(QDialog):
    """Asked once; kept in settings. Every decision records the name, bar number and role."""

    def __init__(self, current: User | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Who is reviewing?")
        self.setMinimumWidth(440)
        layout = QVBoxLayout(self)
        intro = QLabel("Reviewer records your name with every decision. Attorneys decide; clerks can read the "
                       "queue and print.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.name = QLineEdit(current.name if current else "")
        self.name.setObjectName("identityName")
        self.name.setAccessibleName("Your name")
        form.addRow("&Name:", self.name)
        self.role = QComboBox()
        self.role.setObjectName("identityRole")
        self.role.setAccessibleName("Role")
        self.role.addItem("Attorney (decides)", Role.ATTORNEY.value)
        self.role.addItem("Clerk (reads the queue, cannot decide)", Role.CLERK.value)
        if current is not None and current.role is Role.CLERK:
            self.role.setCurrentIndex(1)
        form.addRow("&Role:", self.role)
        self.bar_number = QLineEdit(current.bar_number if current else "")
        self.bar_number.setObjectName("identityBarNumber")
        self.bar_number.setAccessibleName("State Bar number")
        self.bar_number.setPlaceholderText("digits, e.g. 123456")
        self.bar_number.setMaxLength(12)
        form.addRow("State &Bar number:", self.bar_number)
        layout.addLayout(form)
        self.hint = QLabel()
        self.hint.setStyleSheet("color: #a4262c;")
        layout.addWidget(self.hint)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        for signal in (self.name.textChanged, self.bar_number.textChanged, self.role.currentIndexChanged):
            signal.connect(self._check)
        self._check()

    def user(self) -> User:
        bar = self.bar_number.text().strip()
        try:
            bar = normalise_bar_number(bar)
        except IdentityError:
            pass  # _problem says what is wrong; OK stays disabled
        return User(" ".join(self.name.text().split()), Role(self.role.currentData()), bar)

    def _problem(self) -> str:
        user = self.user()
        if not user.name:
            return "Enter your name."
        if user.role is Role.ATTORNEY and not user.bar_number:
            return "Attorneys: enter your State Bar number (it goes on each decision)."
        if user.bar_number:
            return bar_number_problem(user.bar_number)
        return ""

    def _check(self) -> None:
        problem = self._problem()
        self.hint.setText(problem)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not problem)

    def accept(self) -> None:  # noqa: D102
        if not self._problem():
            super().accept()


class ReevaluateDialog(QDialog):
    """County, as-of date and policy for a new evaluation run."""

    def __init__(self, policies: list[tuple[str, str]], last: RunInfo | None, today: date,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Re-evaluate")
        layout = QVBoxLayout(self)
        note = QLabel("Evaluates every HS 11357–11360 conviction of the county again. Earlier evaluations stay on "
                      "file; decisions stay with their convictions.")
        note.setWordWrap(True)
        layout.addWidget(note)
        form = QFormLayout()
        self.county = QLineEdit(last.county if last else "")
        self.county.setObjectName("reevaluateCounty")
        self.county.setAccessibleName("County")
        form.addRow("&County:", self.county)
        self.as_of = QDateEdit(qdate(today))
        self.as_of.setObjectName("reevaluateAsOf")
        self.as_of.setDateRange(qdate(EARLIEST_AS_OF), qdate(latest_as_of(today)))  # (domain.as_of)
        self.as_of.setAccessibleName("As of")
        self.as_of.setCalendarPopup(True)
        self.as_of.setDisplayFormat("yyyy-MM-dd")
        form.addRow("&As of:", self.as_of)
        self.policy = QComboBox()
        self.policy.setObjectName("reevaluatePolicy")
        self.policy.setAccessibleName("Policy")
        for spec, label in policies:
            self.policy.addItem(label, spec)
            if last is not None and label.startswith(last.policy_name):
                self.policy.setCurrentIndex(self.policy.count() - 1)
        form.addRow("&Policy:", self.policy)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Evaluate")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.county.textChanged.connect(lambda text: self._ok.setEnabled(bool(text.strip())))
        self._ok.setEnabled(bool(self.county.text().strip()))

    def values(self) -> tuple[str, date, str]:
        d = self.as_of.date()
        return self.county.text().strip(), date(d.year(), d.month(), d.day()), str(self.policy.currentData() or "")


def shortcuts_text() -> str:
    rows = [
        ("A", "Accept the suggestion"), ("O", "Override… (outcome and reason)"), ("Ctrl+Z", "Undo the last decision or answer"),
        ("Ctrl+Shift+Z", "Redo"), ("1 – 9", "Answer the case's question (the answer's number)"),
        ("N", "Next pending case"), ("↑ / ↓", "Previous / next row"),
        ("Ctrl+F or /", "Search name, CII or case number"), ("Esc", "Back to the queue from the search box"),
        ("Shift+A / Shift+O", "Accept / override the whole court case"), ("Shift+P", "Accept the whole person"),
        ("Ctrl+Shift+A", "Accept all shown (breakdown by outcome first)"), ("F5", "Reload the queue (colleagues' decisions)"),
        ("Ctrl+Shift+I", "Import a case export (CSV, Excel)…"), ("Ctrl+D", "Dashboard"),
        ("Ctrl+N", "New review: files, county, policy options, run"), ("Ctrl+Shift+W", "What-if: compare a policy"),
        ("Ctrl+E / Ctrl+Shift+E", "Export the register (Excel) / the summary (PDF)"),
        ("Ctrl+0", "Queue order (attention first)"), ("Ctrl+I", "Import DOJ files…"), ("Ctrl+R", "Re-evaluate…"),
        ("Ctrl+P", "Print center"), ("F1", "This list"),
    ]
    body = "".join(f"<tr><td><b>{k}</b>&nbsp;&nbsp;</td><td>{v}</td></tr>" for k, v in rows)
    return f"<table>{body}</table>"


__all__ = ["IdentityDialog", "OverrideDialog", "ReevaluateDialog", "shortcuts_text"]
