"""The policy editor: the rules of a policy in plain words, in the order tried; change a rule's outcome, reason
or numbers (ages, years), move it, remove it. The result is a Reviewer policy document (validated at each edit)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QListWidget, QPushButton,
    QSpinBox, QVBoxLayout, QWidget,
)

from reviewer.engine import policy_edit
from reviewer.engine.policy import policy_from_document
from reviewer.engine.policy_words import outcome_words, rule_words


class PolicyEditor(QDialog):
    """After exec(): `document()` is the edited policy."""

    def __init__(self, document: dict, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit the policy's rules")
        self.setObjectName("policyEditor")
        self.resize(980, 560)
        self._doc = dict(document)
        self._filling = False
        layout = QVBoxLayout(self)
        intro = QLabel("For each conviction the statute is read first; then the first rule below whose conditions all "
                       "hold gives the suggestion. Choose a rule to change what it suggests, its reason, its numbers "
                       "or its place. Every change is checked; the edited policy gets a new version when saved.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        name_line = QFormLayout()
        self.name = QLineEdit(str(document.get("name", "")))
        self.name.setObjectName("policyName")
        self.name.setAccessibleName("Policy name")
        name_line.addRow("Policy &name:", self.name)
        layout.addLayout(name_line)
        body = QHBoxLayout()
        self.rules = QListWidget()
        self.rules.setObjectName("policyRules")
        self.rules.setAccessibleName("Rules in the order tried")
        self.rules.setWordWrap(True)
        body.addWidget(self.rules, 3)
        side = QVBoxLayout()
        form = QFormLayout()
        self.outcome = QComboBox()
        self.outcome.setObjectName("ruleOutcome")
        self.outcome.setAccessibleName("What the rule suggests")
        for value in policy_edit.OUTCOMES:
            self.outcome.addItem(outcome_words(value), value)
        form.addRow("&Suggests:", self.outcome)
        self.reason = QLineEdit()
        self.reason.setObjectName("ruleReason")
        self.reason.setAccessibleName("The rule's reason")
        form.addRow("&Reason:", self.reason)
        side.addLayout(form)
        self.numbers_form = QFormLayout()
        side.addLayout(self.numbers_form)
        self.numbers: dict[str, QSpinBox] = {}
        moves = QHBoxLayout()
        self.up_button = QPushButton("Move &up")
        self.up_button.setObjectName("ruleUp")
        self.down_button = QPushButton("Move &down")
        self.down_button.setObjectName("ruleDown")
        self.remove_button = QPushButton("Re&move the rule")
        self.remove_button.setObjectName("ruleRemove")
        for button in (self.up_button, self.down_button, self.remove_button):
            button.setAutoDefault(False)
            moves.addWidget(button)
        side.addLayout(moves)
        side.addStretch(1)
        body.addLayout(side, 2)
        layout.addLayout(body, 1)
        self.problem = QLabel()
        self.problem.setObjectName("editorProblem")
        self.problem.setStyleSheet("color: #a4262c;")
        self.problem.setWordWrap(True)
        layout.addWidget(self.problem)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Use these rules")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        self.rules.currentRowChanged.connect(self._show_rule)
        self.outcome.currentIndexChanged.connect(lambda _i: self._edit(
            lambda doc, i: policy_edit.set_outcome(doc, i, self.outcome.currentData())))
        self.reason.editingFinished.connect(lambda: self._edit(
            lambda doc, i: policy_edit.set_reason(doc, i, self.reason.text())))
        self.up_button.clicked.connect(lambda: self._move(-1))
        self.down_button.clicked.connect(lambda: self._move(1))
        self.remove_button.clicked.connect(self._remove)
        self.name.editingFinished.connect(self._rename)
        self._fill(0)
        self.rules.setFocus(Qt.FocusReason.OtherFocusReason)  # the arrow keys go through the rules

    def document(self) -> dict:
        return dict(self._doc)

    def _fill(self, row: int) -> None:
        policy = policy_from_document(self._doc)
        self._filling = True
        self.rules.clear()
        for n, rule in enumerate(policy.rules, start=1):
            self.rules.addItem(f"{n}. {rule_words(rule)}")
        self.rules.addItem(f"Otherwise: {outcome_words(policy.otherwise.suggest)} — “{policy.otherwise.reason}”.")
        self.rules.item(self.rules.count() - 1).setFlags(Qt.ItemFlag.NoItemFlags)
        self._filling = False
        self.rules.setCurrentRow(min(row, max(len(policy.rules) - 1, 0)))
        self._show_rule(self.rules.currentRow())

    def _rule_index(self) -> int | None:
        row = self.rules.currentRow()
        return row if 0 <= row < len(self._doc.get("rules", [])) else None

    def _show_rule(self, row: int) -> None:
        if self._filling:
            return
        index = self._rule_index()
        self._filling = True
        while self.numbers_form.rowCount():
            self.numbers_form.removeRow(0)
        self.numbers = {}
        enabled = index is not None
        for widget in (self.outcome, self.reason, self.up_button, self.down_button, self.remove_button):
            widget.setEnabled(enabled)
        if enabled:
            rule = self._doc["rules"][index]
            self.outcome.setCurrentIndex(max(0, self.outcome.findData(rule["suggest"])))
            self.reason.setText(rule.get("reason", ""))
            for key, value in policy_edit.number_conditions(rule):
                spin = QSpinBox()
                spin.setRange(1, 129)
                spin.setValue(value)
                spin.setObjectName(f"number-{key}")
                spin.setAccessibleName(policy_edit.NUMBER_CONDITIONS[key])
                spin.valueChanged.connect(lambda v, k=key: self._edit(lambda doc, i: policy_edit.set_number(doc, i, k, v)))
                self.numbers[key] = spin
                self.numbers_form.addRow(policy_edit.NUMBER_CONDITIONS[key].capitalize() + ":", spin)
        self._filling = False

    def _edit(self, change) -> None:
        index = self._rule_index()
        if self._filling or index is None:
            return
        try:
            self._doc = change(self._doc, index)
        except ValueError as exc:  # PolicyError names the rule and the field
            self.problem.setText(str(exc))
            return
        self.problem.setText("")
        policy = policy_from_document(self._doc)
        self.rules.item(index).setText(f"{index + 1}. {rule_words(policy.rules[index])}")

    def _move(self, delta: int) -> None:
        index = self._rule_index()
        if index is None:
            return
        self._doc = policy_edit.move(self._doc, index, delta)
        self._fill(max(0, min(index + delta, len(self._doc["rules"]) - 1)))

    def _remove(self) -> None:
        index = self._rule_index()
        if index is None:
            return
        self._doc = policy_edit.remove(self._doc, index)
        self._fill(index)

    def _rename(self) -> None:
        try:
            self._doc = policy_edit.rename(self._doc, self.name.text())
            self.problem.setText("")
        except ValueError as exc:
            self.problem.setText(str(exc))

    def accept(self) -> None:  # noqa: D102
        self._rename()
        if not self.problem.text():
            super().accept()
