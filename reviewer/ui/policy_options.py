"""The policy options, in plain language: the statute alone, the Los Angeles pilot, the configurable flow's
options, or the office's saved policy. Shows the chosen policy in plain words as it is built."""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup, QCheckBox, QDateEdit, QFormLayout, QGridLayout, QGroupBox, QHBoxLayout, QLabel, QPlainTextEdit,
    QPushButton, QRadioButton, QSpinBox, QVBoxLayout, QWidget,
)

from reviewer.domain.as_of import EARLIEST_AS_OF, latest_as_of
from reviewer.engine.policy import Policy, policy_from_document
from reviewer.engine.policy_words import policy_words
from reviewer.services.policy_files import ConfigurableOptions, configurable_document, new_policy_document, \
    options_of, shipped_document
from reviewer.ui.dates import qdate

STATUTE, LOS_ANGELES, CONFIGURABLE, OFFICE, EDITED = "statute", "los-angeles", "configurable", "office", "edited"
LA_PILOT = "los-angeles-pilot-2019"
STATUTE_BASE = "statute-with-challenges"


def _check(text: str, name: str, checked: bool) -> QCheckBox:
    box = QCheckBox(text)
    box.setObjectName(name)
    box.setAccessibleName(text.replace("&", ""))
    box.setChecked(checked)
    return box


def _spin(value: int, low: int, high: int, name: str) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(low, high)
    spin.setValue(value)
    spin.setObjectName(name)
    return spin


class PolicyOptions(QWidget):
    """`document()` is the chosen policy's JSON (None: the statute alone); `changed` fires on every edit."""

    changed = Signal()

    def __init__(self, office_policy: Policy | None, today: date, parent: QWidget | None = None,
                 columns: int = 2) -> None:
        super().__init__(parent)
        self.office_policy = office_policy
        self._columns = columns
        layout = QVBoxLayout(self)
        self.group = QButtonGroup(self)
        self.choices: dict[str, QRadioButton] = {}
        for key, text, detail in (
            (STATUTE, "Follow the &statute alone",
             "HS 11361.8 as written: felonies redesignated unless an exception keeps them felonies; no county policy."),
            (LOS_ANGELES, "The &Los Angeles pilot flow (2019)",
             "Misdemeanors to the city attorneys; 11357(a)/(b) dismissed; exceptions challenged; dismissal at 50 or "
             "older, 21 or younger, cannabis-only records, ten crime-free years."),
            (CONFIGURABLE, "The &configurable flow (BEAR), with these options:", ""),
        ):
            self._radio(key, text, layout, detail)
            if key == CONFIGURABLE:
                layout.addWidget(self._configurable_box())
        office_text = (f"Our &office's saved policy: {office_policy.name}, version {office_policy.version}"
                       if office_policy else "Our &office's saved policy (none saved yet)")
        self._radio(OFFICE, office_text, layout, "The policy your office saved last (and can change here)."
                    if office_policy else "").setEnabled(office_policy is not None)
        edit_line = QHBoxLayout()
        self._radio(EDITED, "&Edited rules (not saved yet)", edit_line).hide()
        self.edit_button = QPushButton("Edit the &rules of the chosen policy…")
        self.edit_button.setObjectName("editRulesButton")
        self.edit_button.setAutoDefault(False)
        self.edit_button.clicked.connect(self.edit_rules)
        edit_line.addStretch(1)
        edit_line.addWidget(self.edit_button)
        layout.addLayout(edit_line)
        self.edited: dict | None = None
        form = QFormLayout()
        self.as_of = QDateEdit(qdate(today))
        self.as_of.setObjectName("asOfDate")
        self.as_of.setDateRange(qdate(EARLIEST_AS_OF), qdate(latest_as_of(today)))  # (domain.as_of)
        self.as_of.setAccessibleName("Evaluate as of")
        self.as_of.setCalendarPopup(True)
        self.as_of.setDisplayFormat("yyyy-MM-dd")
        form.addRow("Evaluate &as of:", self.as_of)
        layout.addLayout(form)
        self.words = QPlainTextEdit()
        self.words.setObjectName("policyWords")
        self.words.setAccessibleName("The chosen policy in plain words")
        self.words.setReadOnly(True)
        self.words.setMinimumHeight(90)
        layout.addWidget(QLabel("What the chosen policy does, rule by rule:"))
        layout.addWidget(self.words, 1)
        self.problem = QLabel()
        self.problem.setObjectName("policyProblem")
        self.problem.setStyleSheet("color: #a4262c;")
        layout.addWidget(self.problem)
        self.choices[OFFICE if office_policy is not None else STATUTE].setChecked(True)
        saved_options = options_of(office_policy.document) if office_policy is not None else None
        if saved_options is not None:  # the office's configurable options, to start a change from
            self._load_options(saved_options)
        self._ready = True
        self.group.buttonToggled.connect(lambda *_: self._update())
        self._update()

    def _radio(self, key: str, text: str, layout, detail: str = "") -> QRadioButton:
        button = QRadioButton(text)
        button.setObjectName(f"policy-{key}")
        button.setAccessibleName(text.replace("&", "").split(":")[0])
        self.group.addButton(button)
        self.choices[key] = button
        layout.addWidget(button)
        if detail:
            note = QLabel(detail)
            note.setWordWrap(True)
            note.setStyleSheet("color: #555; margin-left: 24px;")
            note.setBuddy(button)
            layout.addWidget(note)
        return button

    def _configurable_box(self) -> QGroupBox:
        box = QGroupBox()
        box.setObjectName("configurableOptions")
        grid = QGridLayout(box)
        grid.setContentsMargins(28, 4, 8, 4)
        defaults = ConfigurableOptions()
        self.sections = {}
        for col, (verb, sections) in enumerate((("Dismiss and seal all", ("11357", "11358")),
                                                ("Reduce to a misdemeanor all", ("11359", "11360")))):
            for row, section in enumerate(sections):
                box_ = _check(f"{verb} HS {section} felonies", f"option-{section}",
                              section in defaults.dismiss + defaults.reduce)
                self.sections[section] = (box_, verb.startswith("Dismiss"))
                grid.addWidget(box_, row if self._columns > 1 else 2 * col + row, col if self._columns > 1 else 0)
        self.under_21 = _check("Dismiss when the person was under 21 at conviction", "option-under21", True)
        self.only_cannabis = _check("Dismiss when every conviction on the record is cannabis", "option-onlycannabis",
                                    True)
        self.deceased = _check("Dismiss when the person is deceased", "option-deceased", True)
        self.age = _check("Dismiss when the person is this old or older:", "option-age", False)
        self.age_years = _spin(57, 40, 65, "option-age-years")
        self.years = _check("Dismiss convictions this many years old or more:", "option-years", False)
        self.years_value = _spin(10, 1, 15, "option-years-value")
        self.crime_free = _check("Dismiss when no conviction in this many years:", "option-crimefree", False)
        self.crime_free_value = _spin(10, 1, 15, "option-crimefree-value")
        two = self._columns > 1
        base = 2 if two else 4
        grid.addWidget(self.under_21, base, 0)
        grid.addWidget(self.only_cannabis, base if two else base + 1, 1 if two else 0)
        grid.addWidget(self.deceased, base + 1 if two else base + 2, 0)
        for row, (check, spin) in enumerate(((self.age, self.age_years), (self.years, self.years_value),
                                             (self.crime_free, self.crime_free_value)), start=base + 2 if two else base + 3):
            line = QHBoxLayout()
            line.addWidget(check)
            line.addWidget(spin)
            line.addStretch(1)
            grid.addLayout(line, row, 0, 1, 2)
            spin.valueChanged.connect(lambda *_: self._update())
        for check in [c for c, _d in self.sections.values()] + [self.under_21, self.only_cannabis, self.deceased,
                                                                  self.age, self.years, self.crime_free]:
            check.toggled.connect(lambda *_: self._update())
        self.configurable_box = box
        return box

    def _load_options(self, options: ConfigurableOptions) -> None:
        for section, (check, _dismiss) in self.sections.items():
            check.setChecked(section in options.dismiss + options.reduce)
        self.under_21.setChecked(options.under_21_at_conviction)
        self.only_cannabis.setChecked(options.only_cannabis)
        self.deceased.setChecked(options.deceased)
        for check, spin, value in ((self.age, self.age_years, options.age_at_least),
                                   (self.years, self.years_value, options.years_since_conviction),
                                   (self.crime_free, self.crime_free_value, options.years_crime_free)):
            check.setChecked(bool(value))
            if value:
                spin.setValue(value)

    def options(self) -> ConfigurableOptions:
        return ConfigurableOptions(
            dismiss=[s for s, (c, d) in self.sections.items() if d and c.isChecked()],
            reduce=[s for s, (c, d) in self.sections.items() if not d and c.isChecked()],
            under_21_at_conviction=self.under_21.isChecked(),
            age_at_least=self.age_years.value() if self.age.isChecked() else 0,
            years_since_conviction=self.years_value.value() if self.years.isChecked() else 0,
            years_crime_free=self.crime_free_value.value() if self.crime_free.isChecked() else 0,
            only_cannabis=self.only_cannabis.isChecked(), deceased=self.deceased.isChecked())

    def choice(self) -> str:
        return next((key for key, button in self.choices.items() if button.isChecked()), STATUTE)

    def as_of_date(self) -> date:
        d = self.as_of.date()
        return date(d.year(), d.month(), d.day())

    def document(self) -> dict | None:
        choice = self.choice()
        if choice == STATUTE:
            return None
        if choice == LOS_ANGELES:
            return new_policy_document(shipped_document(LA_PILOT), "Office policy (Los Angeles pilot flow)")
        if choice == CONFIGURABLE:
            return configurable_document(self.options(), "Office policy (configurable flow)")
        if choice == EDITED:
            return dict(self.edited)
        return dict(self.office_policy.document)

    def edit_rules(self) -> None:
        """The rule editor on the chosen policy (the statute alone starts from the statute-with-challenges rules)."""
        from reviewer.ui.policy_editor import PolicyEditor

        start = self.document() if self.valid else None
        if start is None:
            start = new_policy_document(shipped_document(STATUTE_BASE), "Office policy (statute)")
        editor = PolicyEditor(start, self)
        if editor.exec() != PolicyEditor.DialogCode.Accepted:
            return
        self.edited = editor.document()
        button = self.choices[EDITED]
        button.setText(f"&Edited rules: {self.edited['name']} (saved as the office's policy when used)")
        button.show()
        button.setChecked(True)
        self._update()

    def _update(self) -> None:
        if not getattr(self, "_ready", False):
            return
        self.configurable_box.setEnabled(self.choice() == CONFIGURABLE)
        try:
            doc = self.document()
        except ValueError as exc:  # PolicyError: an impossible combination of options
            self.problem.setText(str(exc))
            self.words.setPlainText("")
        else:
            self.problem.setText("")
            self.words.setPlainText(
                "The statute alone (HS 11361.8, HS 11357-11360 as amended by Proposition 64): each conviction is "
                "dismissed, redesignated, or found not eligible as the statute reads; questions the record cannot "
                "answer go to an attorney." if doc is None else "\n".join(policy_words(policy_from_document(doc))))
        self.changed.emit()

    @property
    def valid(self) -> bool:
        return not self.problem.text()
